/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "subject.h"

static const struct {
	const char *subject;
	const char *rest;
	enum subject_prefix first;
} subject_cases[] = {
	{ "BPF review", "BPF review", SUBJECT_PLAIN },
	{ "", "", SUBJECT_PLAIN },
	{ "RE: BPF review", "BPF review", SUBJECT_REPLY },
	{ "re:BPF", "BPF", SUBJECT_REPLY },
	{ "RE : BPF", "BPF", SUBJECT_REPLY },		/* French Outlook */
	{ "RE\xc2\xa0: Re: BPF", "BPF", SUBJECT_REPLY },
	{ "TR\xe2\x80\xaf: BPF", "BPF", SUBJECT_FORWARD },
	{ "AW: WG: x", "x", SUBJECT_REPLY },
	{ "Fwd: Re: x", "x", SUBJECT_FORWARD },
	{ "TR: x", "x", SUBJECT_FORWARD },
	{ "RV: x", "x", SUBJECT_FORWARD },
	{ "Re[2]: x", "x", SUBJECT_REPLY },		/* The Bat!, Mail.ru */
	{ "Re[12]:x", "x", SUBJECT_REPLY },
	{ "Re[2 x", "Re[2 x", SUBJECT_PLAIN },
	{ "Res: x", "x", SUBJECT_REPLY },
	{ "R: x", "x", SUBJECT_REPLY },
	{ "I: x", "x", SUBJECT_FORWARD },
	{ "[EXTERNAL] RE: x", "x", SUBJECT_REPLY },
	{ "[bpf] [EXT] Fwd: x", "x", SUBJECT_FORWARD },
	{ "RE: [EXTERNAL] RE: x", "x", SUBJECT_REPLY },
	{ "[EXTERNAL]", "[EXTERNAL]", SUBJECT_PLAIN },
	{ "[unclosed RE: x", "[unclosed RE: x", SUBJECT_PLAIN },
	{ "\xe7\xad\x94\xe5\xa4\x8d: x", "x", SUBJECT_REPLY },	/* 答复: */
	{ "\xe5\x9b\x9e\xe5\xa4\x8d\xef\xbc\x9ax", "x", SUBJECT_REPLY },
	{ "\xe8\xbd\xac\xe5\x8f\x91: x", "x", SUBJECT_FORWARD },	/* 转发: */
	{ "\xd0\x9e\xd1\x82\xd0\xb2: x", "x", SUBJECT_REPLY },	/* Отв: */
	{ "\xd0\x9e\xd0\xa2\xd0\x92: x", "x", SUBJECT_REPLY },	/* ОТВ: */
	{ "\xd8\xb1\xd8\xaf: x", "x", SUBJECT_REPLY },		/* رد: */
	/* Words that begin like a prefix are text. */
	{ "Review: x", "Review: x", SUBJECT_PLAIN },
	{ "Reply needed", "Reply needed", SUBJECT_PLAIN },
	{ "STOP", "STOP", SUBJECT_PLAIN },
	{ "Re: STOP", "STOP", SUBJECT_REPLY },
	/* A cut inside a UTF-8 character is not a prefix. */
	{ "\xe7\xad", "\xe7\xad", SUBJECT_PLAIN },
};

START_TEST(test_subject_skip_prefixes_table)
{
	enum subject_prefix first = SUBJECT_FORWARD;
	const char *rest = subject_skip_prefixes(subject_cases[_i].subject,
	    &first);

	ck_assert_msg(strcmp(rest, subject_cases[_i].rest) == 0,
	    "'%s': rest '%s', want '%s'", subject_cases[_i].subject, rest,
	    subject_cases[_i].rest);
	ck_assert_msg(first == subject_cases[_i].first, "'%s': %d, want %d",
	    subject_cases[_i].subject, first, subject_cases[_i].first);
}
END_TEST

START_TEST(test_subject_null)
{
	enum subject_prefix first = SUBJECT_REPLY;

	ck_assert_ptr_null(subject_skip_prefixes(NULL, &first));
	ck_assert_int_eq(first, SUBJECT_PLAIN);
	ck_assert_str_eq(subject_skip_prefixes("Re: x", NULL), "x");
}
END_TEST

Suite *subject_suite(void);

Suite *
subject_suite(void)
{
	Suite *s = suite_create("subject");
	TCase *tc = tcase_create("subject");

	tcase_add_loop_test(tc, test_subject_skip_prefixes_table, 0,
	    G_N_ELEMENTS(subject_cases));
	tcase_add_test(tc, test_subject_null);
	suite_add_tcase(s, tc);
	return s;
}
