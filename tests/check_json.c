/* SPDX-License-Identifier: MIT */
/* Tests for the JSON writer: separators, escaping, nesting. */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "json.h"

Suite *json_suite(void);

/*
 * A tiny script per row: o/O object begin/end, a/A array begin/end,
 * k key (next arg), s string (next arg), n null, t true, f false, i int
 * (next arg parsed), z NULL string.
 */
struct json_case {
	const char *ops;
	const char *args[6];
	const char *expected;
};

static const struct json_case json_cases[] = {
	{ "oO", { NULL }, "{}" },
	{ "aA", { NULL }, "[]" },
	{ "oksO", { "a", "b" }, "{\"a\": \"b\"}" },
	{ "okiknO", { "n", "-42", "x" }, "{\"n\": -42, \"x\": null}" },
	{ "atfnA", { NULL }, "[true, false, null]" },
	{ "okaoOaAAkzO", { "list", "s" },
	    "{\"list\": [{}, []], \"s\": null}" },
	{ "s", { "quote \" back \\ nl \n tab \t" },
	    "\"quote \\\" back \\\\ nl \\n tab \\t\"" },
	{ "s", { "ctl \x01\x1f del \x7f" },
	    "\"ctl \\u0001\\u001f del \\u007f\"" },
	{ "s", { "kept: R\xc3\xa9ponse \xe6\x84\x8f\xe8\xa7\x81 \xd9\x86" },
	    "\"kept: R\xc3\xa9ponse \xe6\x84\x8f\xe8\xa7\x81 \xd9\x86\"" },
	{ "s", { "bad \xff byte \xc3" },
	    "\"bad \xef\xbf\xbd byte \xef\xbf\xbd\"" },
	{ "i", { "9223372036854775807" }, "9223372036854775807" },
	{ "ok" "s" "k" "a" "s" "s" "A" "O",
	    { "k\"ey", "v", "arr", "1", "2" },
	    "{\"k\\\"ey\": \"v\", \"arr\": [\"1\", \"2\"]}" },
};

START_TEST(test_json_writer_table)
{
	const struct json_case *c = &json_cases[_i];
	GString *out = g_string_new(NULL);
	struct json_writer w;
	size_t arg = 0;
	const char *op;

	json_writer_init(&w, out);
	for (op = c->ops; *op; op++) {
		if (*op == 'o')
			json_object_begin(&w);
		else if (*op == 'O')
			json_object_end(&w);
		else if (*op == 'a')
			json_array_begin(&w);
		else if (*op == 'A')
			json_array_end(&w);
		else if (*op == 'k')
			json_key(&w, c->args[arg++]);
		else if (*op == 's')
			json_string(&w, c->args[arg++]);
		else if (*op == 'z')
			json_string(&w, NULL);
		else if (*op == 'n')
			json_null(&w);
		else if (*op == 't')
			json_bool(&w, true);
		else if (*op == 'f')
			json_bool(&w, false);
		else if (*op == 'i')
			json_int(&w, g_ascii_strtoll(c->args[arg++], NULL, 10));
		else
			ck_abort_msg("bad op %c", *op);
	}
	ck_assert_str_eq(out->str, c->expected);
	ck_assert(g_utf8_validate(out->str, -1, NULL));
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_json_string_len_keeps_nul_escaped)
{
	GString *out = g_string_new(NULL);
	struct json_writer w;

	json_writer_init(&w, out);
	json_array_begin(&w);
	json_string_len(&w, "a\0b", 3);
	json_array_end(&w);
	ck_assert_str_eq(out->str, "[\"a\\u0000b\"]");
	g_string_free(out, TRUE);
}
END_TEST

Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("writer");

	tcase_add_loop_test(tc, test_json_writer_table, 0,
	    G_N_ELEMENTS(json_cases));
	tcase_add_test(tc, test_json_string_len_keeps_nul_escaped);
	suite_add_tcase(s, tc);
	return s;
}
