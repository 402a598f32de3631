/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>

#include "consultd.h"
#include "definition.h"
#include "testutil.h"

START_TEST(test_definition_reads_shipped_survey)
{
	g_autofree char *dir = g_build_filename(testutil_top(), "templates",
	    "bpf-on-bpfs", NULL);
	GError *err = NULL;
	struct definition *def = definition_read(dir, &err);
	const struct question *q;

	ck_assert_msg(def != NULL, "%s", err ? err->message : "");
	ck_assert_str_eq(def->name, "bpf-on-bpfs");
	ck_assert(!def->open);
	ck_assert_uint_ge(def->questions->len, 10);
	ck_assert_str_eq(((struct question *)def->questions->pdata[0])->id,
	    "Q1");
	q = definition_question(def, "r1");
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(q->kind, QUESTION_RATING);
	ck_assert_int_eq(q->scale_min, 1);
	ck_assert_int_eq(q->scale_max, 5);
	q = definition_question(def, "C1");
	ck_assert_int_eq(q->kind, QUESTION_CHOICE);
	ck_assert_uint_ge(q->options->len, 2);
	ck_assert(g_hash_table_contains(def->templates, "invitation"));
	ck_assert(def->deadline > 0);
	definition_free(def);
}
END_TEST

START_TEST(test_definition_reads_open_feedback_round)
{
	g_autofree char *dir = g_build_filename(testutil_top(), "templates",
	    "bpf-report-feedback", NULL);
	GError *err = NULL;
	struct definition *def = definition_read(dir, &err);

	ck_assert_msg(def != NULL, "%s", err ? err->message : "");
	ck_assert(def->open);
	ck_assert_ptr_nonnull(def->public_address);
	ck_assert_ptr_nonnull(definition_question(def, "S1"));
	ck_assert_ptr_nonnull(definition_question(def, "G1"));
	definition_free(def);
}
END_TEST

static const struct {
	const char *ini;
	const char *expect;	/* substring of the error */
} bad_cases[] = {
	{ "[consultation]\nreply_address = a@b.org\n[Q1]\nkind=text\n"
	  "prompt=x\n", "title" },
	{ "[consultation]\ntitle=T\n[Q1]\nkind=text\nprompt=x\n",
	  "reply_address" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\n", "no questions" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\n[Q1]\nkind=essay\n"
	  "prompt=x\n", "kind" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\n[R1]\nkind=rating\n"
	  "prompt=x\n", "scale" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\n[C1]\nkind=choice\n"
	  "prompt=x\noptions=only\n", "two options" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\n[q1]\nkind=text\n"
	  "prompt=x\n", "capital" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\ndeadline=31/01/2027\n"
	  "[Q1]\nkind=text\nprompt=x\n", "deadline" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\n[Q1]\nkind=text\n"
	  "prompt=x\ncolour=blue\n", "unknown key" },
	{ "[consultation]\ntitle=T\nreply_address=Consult <c@x.org>\n[Q1]\n"
	  "kind=text\nprompt=x\n", "reply_address" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\nmax_reminders=abc"
	  "\n[Q1]\nkind=text\nprompt=x\n", "max_reminders" },
	{ "[consultation]\ntitle=T\nreply_address=a@b.org\nopen=perhaps"
	  "\n[Q1]\nkind=text\nprompt=x\n", "open" },
};

START_TEST(test_definition_rejects_bad_definitions)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *ini = testutil_write(dir, "consultation.ini",
	    bad_cases[_i].ini);
	g_autofree char *inv = testutil_write(dir, "invitation.txt",
	    "Subject: x\n\n{{questions}}\n");
	GError *err = NULL;
	struct definition *def = definition_read(dir, &err);

	ck_assert_ptr_null(def);
	ck_assert_int_eq(err->code, EX_CONFIG);
	ck_assert_msg(strstr(err->message, bad_cases[_i].expect) != NULL,
	    "'%s' not in: %s", bad_cases[_i].expect, err->message);
	g_error_free(err);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_definition_missing_folder_is_noinput)
{
	GError *err = NULL;

	ck_assert_ptr_null(definition_read("/nonexistent/consultation", &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_error_free(err);
}
END_TEST

static const struct {
	enum question_kind kind;
	const char *answer;
	const char *expect;	/* NULL: invalid */
} norm_cases[] = {
	{ QUESTION_RATING, "4", "4" },
	{ QUESTION_RATING, "**4**", "4" },
	{ QUESTION_RATING, "4/5 - good", "4" },
	{ QUESTION_RATING, "\xef\xbc\x94", "4" },	/* full-width 4 */
	{ QUESTION_RATING, "6", NULL },
	{ QUESTION_RATING, "0", NULL },
	{ QUESTION_RATING, "good", NULL },
	{ QUESTION_RATING, "4.5", NULL },
	{ QUESTION_RATING, "3-4", NULL },
	{ QUESTION_RATING, "4 (1-5)", "4" },
	{ QUESTION_RATING, "5/5", "5" },
	{ QUESTION_RATING, "4 out of 5", "4" },
	{ QUESTION_CHOICE, "2", "Contributor" },
	{ QUESTION_CHOICE, "2. Contributor", "Contributor" },
	{ QUESTION_CHOICE, "contributor", "Contributor" },
	{ QUESTION_CHOICE, "7", NULL },
	{ QUESTION_CHOICE, "none of these", NULL },
	{ QUESTION_YESNO, "Yes", "yes" },
	{ QUESTION_YESNO, "Oui, volontiers.", "yes" },
	{ QUESTION_YESNO, "S\xc3\xad", "yes" },
	{ QUESTION_YESNO, "\xd0\x94\xd0\xb0", "yes" },	/* Да */
	{ QUESTION_YESNO, "\xd9\x86\xd8\xb9\xd9\x85", "yes" },	/* نعم */
	{ QUESTION_YESNO, "\xe6\x98\xaf", "yes" },	/* 是 */
	{ QUESTION_YESNO, "Non", "no" },
	{ QUESTION_YESNO, "\xd0\x9d\xd0\xb5\xd1\x82", "no" },	/* Нет */
	{ QUESTION_YESNO, "maybe", NULL },
	{ QUESTION_TEXT, "anything at all", "anything at all" },
	/* Session 5: words, CJK and Arabic punctuation. */
	{ QUESTION_RATING, "four", "4" },
	{ QUESTION_RATING, "Quatre sur cinq", "4" },
	{ QUESTION_RATING, "\xd1\x87\xd0\xb5\xd1\x82\xd1\x8b\xd1\x80\xd0\xb5", "4" },
	{ QUESTION_RATING, "\xe5\x9b\x9b\xe5\x88\x86", "4" },	/* 四分 */
	{ QUESTION_RATING, "\xd8\xae\xd9\x85\xd8\xb3\xd8\xa9", "5" },	/* خمسة */
	{ QUESTION_RATING, "one of the best", NULL },
	{ QUESTION_RATING, "\xe4\xb8\x80\xe8\x88\xac", NULL },	/* 一般 */
	{ QUESTION_RATING, "six", NULL },
	{ QUESTION_CHOICE, "Contributor.", "Contributor" },
	{ QUESTION_YESNO, "\xd9\x86\xd8\xb9\xd9\x85\xd8\x8c \xd8\xa8\xd9\x83\xd9\x84", "yes" },
	{ QUESTION_YESNO, "\xe6\x98\xaf\xe7\x9a\x84\xef\xbc\x8c\xe5\x8f\xaf\xe4\xbb\xa5\xe3\x80\x82",
	    "yes" },					/* 是的，可以。 */
	{ QUESTION_YESNO, "\xe5\x90\xa6\xe3\x80\x82", "no" },	/* 否。 */
	{ QUESTION_YESNO, "\xe5\x8f\xaf\xe4\xbb\xa5", "yes" },	/* 可以 */
	/* ... and what must not pass for an answer. */
	{ QUESTION_YESNO, "Claro que no", NULL },
	{ QUESTION_YESNO, "Sure not", NULL },
	{ QUESTION_YESNO, "N/A", NULL },
	{ QUESTION_YESNO, "y", "yes" },
	{ QUESTION_RATING, "five out of ten", NULL },
	{ QUESTION_RATING, "four out of five", "4" },
	{ QUESTION_RATING, "\xe4\xb8\x89\xe5\x88\x86\xe4\xb9\x8b\xe4\xba\x8c", NULL },	/* 三分之二 */
	{ QUESTION_CHOICE, "Contributor?", NULL },
};

START_TEST(test_question_normalize_answer_table)
{
	struct question *q = question_new();
	g_autofree char *verr = NULL;
	g_autofree char *out = NULL;

	q->id = g_strdup("X1");
	q->kind = norm_cases[_i].kind;
	q->scale_min = 1;
	q->scale_max = 5;
	g_ptr_array_add(q->options, g_strdup("Coordinator"));
	g_ptr_array_add(q->options, g_strdup("Contributor"));
	out = question_normalize_answer(q, norm_cases[_i].answer, &verr);
	if (norm_cases[_i].expect) {
		ck_assert_ptr_nonnull(out);
		ck_assert_str_eq(out, norm_cases[_i].expect);
		ck_assert_ptr_null(verr);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(verr);
		ck_assert(strstr(verr, "[X1]") != NULL);
	}
	question_free(q);
}
END_TEST

START_TEST(test_definition_marker_block_lists_every_question)
{
	g_autofree char *dir = g_build_filename(testutil_top(), "templates",
	    "bpf-on-bpfs", NULL);
	struct definition *def = definition_read(dir, NULL);
	g_autofree char *block = definition_marker_block(def, NULL);
	g_auto(GStrv) ignore = definition_template_lines(def);
	size_t i;

	for (i = 0; i < def->questions->len; i++) {
		g_autofree char *marker = g_strdup_printf("[%s] ",
		    ((struct question *)def->questions->pdata[i])->id);

		ck_assert(strstr(block, marker) != NULL);
	}
	ck_assert(g_str_has_suffix(block, "[END]\n"));
	ck_assert(strstr(block, "(1-5)") != NULL);
	ck_assert(strstr(block, "  1. ") != NULL);
	ck_assert(g_strv_length(ignore) >= 2);
	ck_assert(g_strv_contains((const char *const *)ignore,
	    "1. Coordinator / lead expert"));
	ck_assert(g_strv_contains((const char *const *)ignore,
	    "Clarity of the BPF's objectives (1-5)"));
	definition_free(def);
}
END_TEST

Suite *definition_suite(void);

Suite *
definition_suite(void)
{
	Suite *s = suite_create("definition");
	TCase *tc = tcase_create("definition");

	tcase_add_test(tc, test_definition_reads_shipped_survey);
	tcase_add_test(tc, test_definition_reads_open_feedback_round);
	tcase_add_loop_test(tc, test_definition_rejects_bad_definitions, 0,
	    G_N_ELEMENTS(bad_cases));
	tcase_add_test(tc, test_definition_missing_folder_is_noinput);
	tcase_add_loop_test(tc, test_question_normalize_answer_table, 0,
	    G_N_ELEMENTS(norm_cases));
	tcase_add_test(tc, test_definition_marker_block_lists_every_question);
	suite_add_tcase(s, tc);
	return s;
}
