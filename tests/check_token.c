/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>

#include "message.h"
#include "token.h"

START_TEST(test_token_new_is_valid_and_distinct)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	int i;

	for (i = 0; i < 1000; i++) {
		char *t = token_new(NULL);

		ck_assert_ptr_nonnull(t);
		ck_assert_uint_eq(strlen(t), TOKEN_LEN);
		ck_assert(token_valid(t));
		ck_assert(!g_hash_table_contains(seen, t));
		g_hash_table_add(seen, t);
	}
	g_hash_table_unref(seen);
}
END_TEST

START_TEST(test_token_uses_whole_alphabet)
{
	char counts[256] = { 0 };
	int i, j, distinct = 0;

	for (i = 0; i < 200; i++) {
		g_autofree char *t = token_new(NULL);

		for (j = 0; j < TOKEN_LEN; j++)
			counts[(unsigned char)t[j]] = 1;
	}
	for (i = 0; i < 256; i++)
		distinct += counts[i];
	/* 6400 draws from 32 symbols: every symbol appears. */
	ck_assert_int_eq(distinct, 32);
}
END_TEST

static const struct {
	const char *s;
	bool valid;
} valid_cases[] = {
	{ "abcdefghijklmnopqrstuvwxyz234567", true },
	{ "abcdefghijklmnopqrstuvwxyz23456", false },
	{ "abcdefghijklmnopqrstuvwxyz2345678", false },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", false },
	{ "abcdefghijklmnopqrstuvwxyz234561", false },
	{ "", false },
};

START_TEST(test_token_valid_table)
{
	ck_assert_int_eq(token_valid(valid_cases[_i].s), valid_cases[_i].valid);
}
END_TEST

#define T1 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define T2 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define T3 "cccccccccccccccccccccccccccccccc"

START_TEST(test_token_candidates_in_trust_order)
{
	struct message *msg = message_new();
	GPtrArray *c;

	g_free(msg->text);
	msg->text = g_strdup("hello\n> Ref: " T3 "\n");
	g_ptr_array_add(msg->recipients, g_strdup("consult+" T1 "@x.org"));
	msg->in_reply_to = g_strdup("consultd.invitation." T2 ".1a2b@x.org");
	g_ptr_array_add(msg->references, g_strdup("consultd.invitation." T2
	    ".1a2b@x.org"));
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 3);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[0])->token, T1);
	ck_assert_int_eq(((struct token_candidate *)c->pdata[0])->source,
	    TOKEN_FROM_ADDRESS);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[1])->token, T2);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[2])->token, T3);
	ck_assert_int_eq(((struct token_candidate *)c->pdata[2])->source,
	    TOKEN_FROM_REF_LINE);
	g_ptr_array_unref(c);
	message_free(msg);
}
END_TEST

START_TEST(test_token_address_case_folded_by_client)
{
	struct message *msg = message_new();
	GPtrArray *c;

	g_ptr_array_add(msg->recipients, g_strdup("Consult+"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA@X.ORG"));
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 1);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[0])->token, T1);
	g_ptr_array_unref(c);
	message_free(msg);
}
END_TEST

START_TEST(test_token_message_id_and_reply_address_round_trip)
{
	g_autofree char *mid = token_message_id("invitation", T1, "x.org");
	g_autofree char *addr = token_reply_address("consult@x.org", T1);
	struct message *msg = message_new();
	GPtrArray *c;

	ck_assert_str_eq(addr, "consult+" T1 "@x.org");
	ck_assert(g_str_has_prefix(mid, "consultd.invitation." T1 "."));
	ck_assert(g_str_has_suffix(mid, "@x.org"));
	ck_assert_ptr_null(token_reply_address("nodomain", T1));
	ck_assert(token_message_id_is(mid, "invitation"));
	ck_assert(!token_message_id_is(mid, "invit"));
	ck_assert(!token_message_id_is(mid, "reminder"));
	ck_assert(!token_message_id_is(NULL, "invitation"));
	ck_assert(!token_message_id_is("other.invitation.x@y", "invitation"));
	msg->in_reply_to = g_strdup(mid);
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 1);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[0])->token, T1);
	g_ptr_array_unref(c);
	message_free(msg);
}
END_TEST

START_TEST(test_token_not_found_in_lookalikes)
{
	struct message *msg = message_new();
	GPtrArray *c;

	g_free(msg->text);
	/* 33 characters, and a Ref: without a token. */
	msg->text = g_strdup("Ref: " T1 "a\nRef: none\n");
	g_ptr_array_add(msg->recipients, g_strdup("consult@x.org"));
	msg->in_reply_to = g_strdup("CAK" T1 "xyz@mail.gmail.com");
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 0);
	g_ptr_array_unref(c);
	message_free(msg);
}
END_TEST

/* A bounce returns our original's header: its Message-ID names the token. */
START_TEST(test_token_found_in_returned_original)
{
	struct message *msg = message_new();
	struct message_attachment *a = g_new0(struct message_attachment, 1);
	static const char headers[] =
	    "From: consult@x.org\r\n"
	    "Message-ID: <consultd.invitation." T2 ".0a1b2c3d@x.org>\r\n";
	GPtrArray *c;

	a->content_type = g_strdup("text/rfc822-headers");
	a->data = g_memdup2(headers, sizeof(headers) - 1);
	a->size = sizeof(headers) - 1;
	g_ptr_array_add(msg->attachments, a);
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 1);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[0])->token, T2);
	g_ptr_array_unref(c);
	message_free(msg);
}
END_TEST

/*
 * qmail and Exim copy the original's header into a plain report: its
 * Message-ID line names the token when nothing else does, and a
 * "consultd." word in a sentence does not.
 */
START_TEST(test_token_found_in_copied_header_text)
{
	struct message *msg = message_new();
	GPtrArray *c;

	g_free(msg->text);
	msg->text = g_strdup("I'm afraid I wasn't able to deliver your "
	    "message.\n\n--- Below this line is a copy of the message.\n\n"
	    "Message-Id: <consultd.invitation." T2 ".0a1b2c3d@x.org>\n");
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 1);
	ck_assert_str_eq(((struct token_candidate *)c->pdata[0])->token, T2);
	g_ptr_array_unref(c);
	g_free(msg->text);
	msg->text = g_strdup("See consultd.invitation." T2 ".0a1b2c3d for "
	    "it.\n");
	c = token_candidates(msg);
	ck_assert_uint_eq(c->len, 0);
	g_ptr_array_unref(c);
	message_free(msg);
}
END_TEST

Suite *token_suite(void);

Suite *
token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");

	tcase_add_test(tc, test_token_new_is_valid_and_distinct);
	tcase_add_test(tc, test_token_uses_whole_alphabet);
	tcase_add_loop_test(tc, test_token_valid_table, 0,
	    G_N_ELEMENTS(valid_cases));
	tcase_add_test(tc, test_token_candidates_in_trust_order);
	tcase_add_test(tc, test_token_address_case_folded_by_client);
	tcase_add_test(tc, test_token_message_id_and_reply_address_round_trip);
	tcase_add_test(tc, test_token_not_found_in_lookalikes);
	tcase_add_test(tc, test_token_found_in_returned_original);
	tcase_add_test(tc, test_token_found_in_copied_header_text);
	suite_add_tcase(s, tc);
	return s;
}
