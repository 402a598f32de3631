/* SPDX-License-Identifier: MIT */
/*
 * render: placeholder substitution and the Subject/body split, with the
 * errors a consultation author sees when a template is wrong.
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "consultd.h"
#include "render.h"

#include "banned.h"

Suite *render_suite(void);

static const char *const render_test_values[][2] = {
	{ "name", "Ana Silva" },
	{ "title", "BPF review {{name}}" },
	{ "deadline", "2024-05-01" },
	{ "arabic_name", "محمد عبد الله" },
	{ "chinese_name", "李小龙" },
	{ "empty", "" },
	{ "nothing", NULL },
	{ "multi_line", "line 1\nline 2" },
	{ "braces", "}}{{" },
	{ "bad_value", "caf\xc3" },
};

static GHashTable *
render_test_vars(void)
{
	GHashTable *vars;
	size_t i;

	vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (i = 0; i < G_N_ELEMENTS(render_test_values); i++)
		g_hash_table_insert(vars, g_strdup(render_test_values[i][0]),
		    g_strdup(render_test_values[i][1]));
	return vars;
}

static const struct {
	const char *tmpl;
	const char *expected;	/* NULL: an error */
	int code;
	const char *message;	/* substring of the error message */
} render_cases[] = {
	{ "", "", 0, NULL },
	{ "no placeholders at all\n", "no placeholders at all\n", 0, NULL },
	{ "Dear {{name}},", "Dear Ana Silva,", 0, NULL },
	{ "Dear {{ name }},", "Dear Ana Silva,", 0, NULL },
	{ "Dear {{\tname\t}},", "Dear Ana Silva,", 0, NULL },
	{ "{{name}}{{name}}", "Ana SilvaAna Silva", 0, NULL },
	{ "{{name}}", "Ana Silva", 0, NULL },
	{ "by {{deadline}}.\n", "by 2024-05-01.\n", 0, NULL },
	{ "Title: {{title}}", "Title: BPF review {{name}}", 0, NULL },
	{ "x{{braces}}y{{name}}", "x}}{{yAna Silva", 0, NULL },
	{ "عزيزي {{arabic_name}}،", "عزيزي محمد عبد الله،", 0, NULL },
	{ "尊敬的{{chinese_name}}：", "尊敬的李小龙：", 0, NULL },
	{ "[{{empty}}]", "[]", 0, NULL },
	{ "[{{nothing}}]", "[]", 0, NULL },
	{ "a\n{{multi_line}}\nb", "a\nline 1\nline 2\nb", 0, NULL },
	{ "single { brace } and }} stay", "single { brace } and }} stay", 0,
	    NULL },
	{ "{name} is not a placeholder", "{name} is not a placeholder", 0,
	    NULL },
	{ "{{{name}}}", NULL, EX_CONFIG, "invalid placeholder '{{{name}}' on "
	    "line 1" },
	{ "Dear {{nme}},", NULL, EX_CONFIG,
	    "unknown placeholder '{{nme}}' on line 1" },
	{ "line 1\nline 2\n\nDear {{ who }},", NULL, EX_CONFIG,
	    "unknown placeholder '{{who}}' on line 4" },
	{ "Dear {{Name}},", NULL, EX_CONFIG, "invalid placeholder '{{Name}}' "
	    "on line 1" },
	{ "Dear {{name1}},", NULL, EX_CONFIG, "invalid placeholder" },
	{ "Dear {{first name}},", NULL, EX_CONFIG, "invalid placeholder" },
	{ "Dear {{}},", NULL, EX_CONFIG, "invalid placeholder '{{}}'" },
	{ "Dear {{ }},", NULL, EX_CONFIG, "invalid placeholder" },
	{ "Dear {{name-x}},", NULL, EX_CONFIG, "invalid placeholder" },
	{ "Dear {{name,", NULL, EX_CONFIG, "unterminated '{{' on line 1" },
	{ "ok\nDear {{name\n}}", NULL, EX_CONFIG,
	    "unterminated '{{' on line 2" },
	{ "ends with {{", NULL, EX_CONFIG, "unterminated '{{' on line 1" },
	{ "{{name}} then {{", NULL, EX_CONFIG, "unterminated" },
	{ "{{name}} and {{unknown}} {{", NULL, EX_CONFIG,
	    "unknown placeholder '{{unknown}}'" },
	{ "bad \xff byte", NULL, EX_CONFIG, "not valid UTF-8 on line 1" },
	{ "{{bad_value}}", NULL, EX_DATAERR, "'{{bad_value}}'" },
};

START_TEST(test_render_template_table)
{
	GHashTable *vars = render_test_vars();
	GError *err = NULL;
	char *out;

	out = render_template(render_cases[_i].tmpl, vars, &err);
	if (render_cases[_i].expected) {
		ck_assert_msg(out, "error: %s", err ? err->message : "?");
		ck_assert_ptr_null(err);
		ck_assert_str_eq(out, render_cases[_i].expected);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(err);
		ck_assert(err->domain == CONSULTD_ERROR);
		ck_assert_int_eq(err->code, render_cases[_i].code);
		ck_assert_msg(strstr(err->message, render_cases[_i].message),
		    "message '%s' lacks '%s'", err->message,
		    render_cases[_i].message);
	}
	g_free(out);
	g_clear_error(&err);
	g_hash_table_unref(vars);
}
END_TEST

START_TEST(test_render_template_null_vars_is_empty_table)
{
	GError *err = NULL;
	char *out;

	out = render_template("plain text", NULL, &err);
	ck_assert_str_eq(out, "plain text");
	g_free(out);
	out = render_template("{{name}}", NULL, &err);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err->code, EX_CONFIG);
	g_clear_error(&err);
}
END_TEST

static const struct {
	const char *rendered;
	const char *subject, *body;	/* subject NULL: an error */
	const char *message;
} split_cases[] = {
	{ "Subject: Hello\n\nBody\n", "Hello", "Body\n", NULL },
	{ "Subject:Hello\n\nBody", "Hello", "Body", NULL },
	{ "subject:   Hello there  \n\nBody\n\nmore\n", "Hello there",
	    "Body\n\nmore\n", NULL },
	{ "SUBJECT: x\n\n", "x", "", NULL },
	{ "Subject: CRLF\r\n\r\nBody\r\n", "CRLF", "Body\r\n", NULL },
	{ "Subject: Консультация: ваш отзыв\n\nТекст\n",
	    "Консультация: ваш отзыв", "Текст\n", NULL },
	{ "Subject: استشارة\n\nنص\n", "استشارة", "نص\n", NULL },
	{ "Subject: a\n\n\n\nbody after blanks", "a", "\n\nbody after blanks",
	    NULL },
	{ "", NULL, NULL, "must start with a 'Subject:' line" },
	{ "Hello\n\nBody", NULL, NULL, "must start with a 'Subject:' line" },
	{ " Subject: x\n\nBody", NULL, NULL, "must start" },
	{ "Subjec: x\n\nBody", NULL, NULL, "must start" },
	{ "From: a@b.org\nSubject: x\n\nBody", NULL, NULL, "must start" },
	{ "Subject:\n\nBody", NULL, NULL, "empty 'Subject:'" },
	{ "Subject:   \t \n\nBody", NULL, NULL, "empty 'Subject:'" },
	{ "Subject: x", NULL, NULL, "no blank line" },
	{ "Subject: x\n", NULL, NULL, "no blank line" },
	{ "Subject: x\nBody", NULL, NULL, "line 2 of the template must be "
	    "blank" },
	{ "Subject: x\nX-Other: y\n\nBody", NULL, NULL, "line 2" },
	{ "Subject: x\n \nBody", NULL, NULL, "line 2" },
};

START_TEST(test_render_split_subject_table)
{
	GError *err = NULL;
	static char unset[] = "unset";
	char *subject = unset, *body = unset;
	bool ok;

	ok = render_split_subject(split_cases[_i].rendered, &subject, &body,
	    &err);
	if (split_cases[_i].subject) {
		ck_assert_msg(ok, "error: %s", err ? err->message : "?");
		ck_assert_ptr_null(err);
		ck_assert_str_eq(subject, split_cases[_i].subject);
		ck_assert_str_eq(body, split_cases[_i].body);
	} else {
		ck_assert(!ok);
		ck_assert_ptr_null(subject);
		ck_assert_ptr_null(body);
		ck_assert_int_eq(err->code, EX_CONFIG);
		ck_assert_msg(strstr(err->message, split_cases[_i].message),
		    "message '%s' lacks '%s'", err->message,
		    split_cases[_i].message);
	}
	g_free(subject);
	g_free(body);
	g_clear_error(&err);
}
END_TEST

/* What invite does: render, then split. */
START_TEST(test_render_then_split_invitation)
{
	GHashTable *vars = render_test_vars();
	GError *err = NULL;
	char *out, *subject = NULL, *body = NULL;

	out = render_template("Subject: {{title}} - {{ name }}\n\n"
	    "Dear {{name}},\nreply by {{deadline}}.\n", vars, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert(render_split_subject(out, &subject, &body, &err));
	ck_assert_str_eq(subject, "BPF review {{name}} - Ana Silva");
	ck_assert_str_eq(body, "Dear Ana Silva,\nreply by 2024-05-01.\n");
	g_free(out);
	g_free(subject);
	g_free(body);
	g_hash_table_unref(vars);
}
END_TEST

Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("render");

	tcase_add_loop_test(tc, test_render_template_table, 0,
	    G_N_ELEMENTS(render_cases));
	tcase_add_test(tc, test_render_template_null_vars_is_empty_table);
	tcase_add_loop_test(tc, test_render_split_subject_table, 0,
	    G_N_ELEMENTS(split_cases));
	tcase_add_test(tc, test_render_then_split_invitation);
	suite_add_tcase(s, tc);
	return s;
}
