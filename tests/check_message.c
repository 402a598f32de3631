/* SPDX-License-Identifier: MIT */
/* Tests for struct message and its content hash (file exactly once). */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "message.h"

Suite *message_suite(void);

#define BASE "From: a@example.org\nSubject: hi\nMessage-ID: <1@x>\n\nbody\n"

struct hash_case {
	const char *name;
	const char *a;
	const char *b;
	bool same;
};

static const struct hash_case hash_cases[] = {
	{ "identical", BASE, BASE, true },
	{ "crlf_vs_lf", BASE,
	    "From: a@example.org\r\nSubject: hi\r\nMessage-ID: <1@x>\r\n\r\n"
	    "body\r\n", true },
	{ "received_added",
	    "Received: from mx by mx2; Mon, 3 Feb 2025 10:00:00 +0000\n" BASE,
	    BASE, true },
	{ "received_folded",
	    "Received: from mx\n\tby mx2 with ESMTP id 123\n"
	    "  for <a@example.org>; Mon, 3 Feb 2025\n" BASE, BASE, true },
	{ "all_trace_fields",
	    "Return-Path: <b@example.org>\nDelivered-To: c@example.org\n"
	    "X-Original-To: c@example.org\nStatus: RO\nX-Status: A\n"
	    "X-Keywords: $Forwarded\nX-UID: 17\nContent-Length: 5\n"
	    "Lines: 1\nX-Delivery-Id: 99\n  folded\n" BASE, BASE, true },
	{ "trace_between_fields",
	    "From: a@example.org\nReceived: x\nSubject: hi\n"
	    "Message-ID: <1@x>\n\nbody\n", BASE, true },
	{ "trace_case_insensitive", "RECEIVED: x\nreturn-path: <>\n" BASE,
	    BASE, true },
	{ "body_differs", BASE,
	    "From: a@example.org\nSubject: hi\nMessage-ID: <1@x>\n\nbody!\n",
	    false },
	{ "subject_differs", BASE,
	    "From: a@example.org\nSubject: ho\nMessage-ID: <1@x>\n\nbody\n",
	    false },
	{ "received_in_body_counts", BASE "Received: x\n", BASE, false },
	{ "similar_name_not_trace", "X-Received-Spf: pass\n" BASE, BASE,
	    false },
	{ "empty", "", "", true },
};

START_TEST(test_message_content_hash_table)
{
	const struct hash_case *c = &hash_cases[_i];
	char *ha = message_content_hash(c->a, strlen(c->a));
	char *hb = message_content_hash(c->b, strlen(c->b));

	ck_assert_msg((strcmp(ha, hb) == 0) == c->same, "case %s", c->name);
	ck_assert_uint_eq(strlen(ha), 64);
	ck_assert(strspn(ha, "0123456789abcdef") == 64);
	g_free(ha);
	g_free(hb);
}
END_TEST

START_TEST(test_message_content_hash_nul_bytes)
{
	static const char a[] = "From: a@b\n\nx\0y\n";
	static const char b[] = "From: a@b\n\nx\0z\n";
	char *ha = message_content_hash(a, sizeof(a) - 1);
	char *hb = message_content_hash(b, sizeof(b) - 1);

	ck_assert_str_ne(ha, hb);
	g_free(ha);
	g_free(hb);
}
END_TEST

START_TEST(test_message_content_hash_known_value)
{
	/* The hash of "From: a\n\nb\n" with no trace fields is SHA-256. */
	char *h = message_content_hash("From: a\r\n\r\nb\r\n", 14);
	char *expected = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
	    "From: a\n\nb\n", -1);

	ck_assert_str_eq(h, expected);
	g_free(h);
	g_free(expected);
}
END_TEST

START_TEST(test_message_new_is_empty)
{
	struct message *msg = message_new();

	ck_assert_ptr_nonnull(msg->text);
	ck_assert_str_eq(msg->text, "");
	ck_assert_uint_eq(msg->references->len, 0);
	ck_assert_uint_eq(msg->recipients->len, 0);
	ck_assert_uint_eq(msg->attachments->len, 0);
	ck_assert_uint_eq(msg->warnings->len, 0);
	ck_assert_ptr_null(msg->from_addr);
	g_ptr_array_add(msg->warnings, g_strdup("w"));
	g_ptr_array_add(msg->recipients, g_strdup("r@example.org"));
	message_free(msg);
	message_free(NULL);
}
END_TEST

Suite *
message_suite(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("hash");

	tcase_add_loop_test(tc, test_message_content_hash_table, 0,
	    G_N_ELEMENTS(hash_cases));
	tcase_add_test(tc, test_message_content_hash_nul_bytes);
	tcase_add_test(tc, test_message_content_hash_known_value);
	tcase_add_test(tc, test_message_new_is_empty);
	suite_add_tcase(s, tc);
	return s;
}
