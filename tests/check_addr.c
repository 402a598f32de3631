/* SPDX-License-Identifier: MIT */
/*
 * addr: which addresses we import and send to, their stored form and
 * their dedupe key.  Rows come from real participant lists and from the
 * injection attempts of LIBRARY-NOTES S4.
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "addr.h"

#include "banned.h"

Suite *addr_suite(void);

static const char *const addr_good[] = {
	"ana@example.org",
	"Ana.Silva@Example.ORG",
	"first.last@sub.domain.example.com",
	"consult+abcdefghijklmnopqrstuvwxyz234567@example.org",
	"o'brien@example.ie",
	"user_name-1@my-host.example",
	"a@b.co",
	"x@example.museum",
	"1234@example.org",
	"!#$%&'*+-/=?^_`{|}~@example.org",
	"igf-secretariat@un.org",
	"user@xn--bcher-kva.example",
	"user@bücher.example",
	"user@例え.テスト",
	"user@مثال.إختبار",
	"user@пример.рф",
	"user@डाकघर.भारत",
	"user@a-b.c-d.example",
	"user@123.example",
	"user@example.xn--p1ai",
	"user@互联网治理论坛.中国",
	/* local part of exactly 64 octets */
	("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "@example.org"),
	/* 63-octet label */
	("u@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".org"),
};

static const char *const addr_bad[] = {
	"",
	"ana",
	"ana@",
	"@example.org",
	"ana@example",
	"ana@@example.org",
	"ana@b@example.org",
	"ana@example.org.",
	"ana@.example.org",
	"ana@example..org",
	".ana@example.org",
	"ana.@example.org",
	"an..a@example.org",
	"\"ana silva\"@example.org",
	"\"ana\"@example.org",
	"ana silva@example.org",
	" ana@example.org",
	"ana@example.org ",
	"ana@exa mple.org",
	"ana\r\n@example.org",
	"ana@example.org\r\nRSET",
	"<ana@example.org>\r\nRSET",
	"ana@example.org\nBcc: eve@evil.example",
	"ana\t@example.org",
	"<ana@example.org>",
	"Ana <ana@example.org>",
	"ana@example.org>",
	"ana(comment)@example.org",
	"ana@example.org(comment)",
	"ana,bob@example.org",
	"ana@example.org,bob@example.org",
	"ana;bob@example.org",
	"ana:bob@example.org",
	"ana\\bob@example.org",
	"ana@[192.0.2.1]",
	"ana@192.0.2.1",
	"ana@-example.org",
	"ana@example-.org",
	"ana@exa_mple.org",
	"ana@example.-org",
	"ana@example.org-",
	"ana@exa!mple.org",
	"ana@例え。テスト",
	"josé@example.org",
	"用户@例子.广告",
	/* 90 octets of UTF-8, an A-label over 63 */
	("user@互联网治理论坛最佳实践论坛审查意见征询"
	    "邀请函秘书处多利益相关方.example"),
	"ana@example.org\x7f",
	"ana@exam\x01ple.org",
	"ana@caf\xc3.example",
	"\xff@example.org",
	/* local part of 65 octets */
	("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "@example.org"),
	/* 64-octet label */
	("u@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".org"),
};

START_TEST(test_addr_valid_accepts_practical_addresses)
{
	ck_assert_msg(addr_valid(addr_good[_i]), "rejected '%s'",
	    addr_good[_i]);
}
END_TEST

START_TEST(test_addr_valid_rejects_malformed_and_injection)
{
	ck_assert_msg(!addr_valid(addr_bad[_i]), "accepted '%s'",
	    addr_bad[_i]);
}
END_TEST

START_TEST(test_addr_valid_rejects_null)
{
	ck_assert(!addr_valid(NULL));
}
END_TEST

/* Builds local@domain of the given sizes, labels of 60 octets. */
static char *
addr_make(size_t local_len, size_t domain_len)
{
	GString *s = g_string_new(NULL);
	size_t label = 0;

	while (local_len-- > 0)
		g_string_append_c(s, 'l');
	g_string_append_c(s, '@');
	while (domain_len > 4) {
		if (label == 60) {
			g_string_append_c(s, '.');
			label = 0;
		} else {
			g_string_append_c(s, 'd');
			label++;
		}
		domain_len--;
	}
	g_string_append(s, ".org");
	return g_string_free(s, FALSE);
}

static const struct {
	size_t local_len, domain_len;
	bool valid;
} addr_length_cases[] = {
	{ 64, 189, true },	/* 254 in total */
	{ 64, 190, false },	/* 255 */
	{ 1, 252, true },	/* 254 in total */
	{ 2, 252, false },	/* 255 */
	{ 65, 20, false },
};

START_TEST(test_addr_valid_length_limits)
{
	char *a = addr_make(addr_length_cases[_i].local_len,
	    addr_length_cases[_i].domain_len);

	ck_assert_msg(addr_valid(a) == addr_length_cases[_i].valid,
	    "length %zu: '%s'", strlen(a), a);
	g_free(a);
}
END_TEST

static const struct {
	const char *in, *normal, *key;
} addr_forms[] = {
	{ "ana@example.org", "ana@example.org", "ana@example.org" },
	{ "  Ana.Silva@Example.ORG\r\n", "Ana.Silva@example.org",
	    "ana.silva@example.org" },
	{ "\tMIXED@CASE.Example.Com ", "MIXED@case.example.com",
	    "mixed@case.example.com" },
	{ "User@BÜCHER.Example", "User@bücher.example",
	    "user@bücher.example" },
	{ "ИВАН@ПРИМЕР.РФ", "ИВАН@пример.рф", "иван@пример.рф" },
	{ "no-at-sign", "no-at-sign", "no-at-sign" },
	{ "", "", "" },
	{ "a@b@C.ORG", "a@b@c.org", "a@b@c.org" },
	{ "Bad\xff@EXAMPLE.ORG", "Bad\xff@example.org", "bad\xff@example.org" },
};

START_TEST(test_addr_normalize_lowercases_domain_only)
{
	char *n = addr_normalize(addr_forms[_i].in);

	ck_assert_str_eq(n, addr_forms[_i].normal);
	g_free(n);
}
END_TEST

START_TEST(test_addr_key_lowercases_everything)
{
	char *k = addr_key(addr_forms[_i].in);

	ck_assert_str_eq(k, addr_forms[_i].key);
	g_free(k);
}
END_TEST

START_TEST(test_addr_key_equal_for_case_variants)
{
	char *a = addr_key("Ana.Silva@Example.org");
	char *b = addr_key(" ana.silva@EXAMPLE.ORG ");

	ck_assert_str_eq(a, b);
	g_free(a);
	g_free(b);
}
END_TEST

Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");

	tcase_add_loop_test(tc, test_addr_valid_accepts_practical_addresses,
	    0, G_N_ELEMENTS(addr_good));
	tcase_add_loop_test(tc, test_addr_valid_rejects_malformed_and_injection,
	    0, G_N_ELEMENTS(addr_bad));
	tcase_add_test(tc, test_addr_valid_rejects_null);
	tcase_add_loop_test(tc, test_addr_valid_length_limits, 0,
	    G_N_ELEMENTS(addr_length_cases));
	tcase_add_loop_test(tc, test_addr_normalize_lowercases_domain_only, 0,
	    G_N_ELEMENTS(addr_forms));
	tcase_add_loop_test(tc, test_addr_key_lowercases_everything, 0,
	    G_N_ELEMENTS(addr_forms));
	tcase_add_test(tc, test_addr_key_equal_for_case_variants);
	suite_add_tcase(s, tc);
	return s;
}
