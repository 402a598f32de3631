/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "consultd.h"
#include "definition.h"
#include "sections.h"
#include "testutil.h"

Suite *sections_suite(void);

static const char report[] =
    "# Review of the IGF Best Practice Forums\n\n"
    "## Executive summary\n\ntext\n\n"
    "### A subsection\n\n"
    "## What worked *well* [Q1]\n\n"
    "```\n## not a heading in code\n```\n"
    "## Annexes\n";

/* The generated questions load as a real consultation definition. */
START_TEST(test_sections_from_report_headings_load)
{
	g_autofree char *questions = sections_from_markdown(report);
	g_autofree char *top = testutil_tmpdir();
	g_autofree char *dir = g_build_filename(top, "feedback", NULL);
	g_autofree char *ini = g_strconcat("[consultation]\ntitle = Feedback\n"
	    "reply_address = feedback@example.org\nopen = true\n\n", questions,
	    NULL);
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;
	GError *err = NULL;
	struct definition *def;
	const struct question *q;

	ck_assert_int_eq(g_mkdir(dir, 0755), 0);
	a = testutil_write(dir, "consultation.ini", ini);
	b = testutil_write(dir, "invitation.txt",
	    "Subject: x\n\n{{questions}}\n");
	def = definition_read(dir, &err);
	ck_assert_msg(def != NULL, "%s", err ? err->message : "");
	ck_assert_uint_eq(def->questions->len, 4);
	q = definition_question(def, "S2");
	ck_assert_str_eq(q->prompt, "Comments on \"What worked well Q1\"");
	ck_assert(q->optional);
	ck_assert_ptr_nonnull(definition_question(def, "S3"));
	ck_assert_ptr_nonnull(definition_question(def, "G1"));
	ck_assert_ptr_null(definition_question(def, "S4"));
	definition_free(def);
	testutil_rmtree(top);
}
END_TEST

Suite *
sections_suite(void)
{
	Suite *s = suite_create("sections");
	TCase *tc = tcase_create("sections");

	tcase_add_test(tc, test_sections_from_report_headings_load);
	suite_add_tcase(s, tc);
	return s;
}
