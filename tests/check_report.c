/* SPDX-License-Identifier: MIT */
/*
 * The draft report from a seeded workspace (the shipped BPF consultation,
 * the demo participants, answers filed through the library): its
 * sections in Markdown and HTML, pseudonyms that hide names and
 * addresses alike, the command line, and the HTML rendered by headless
 * Chromium (tests/browser/render.sh; a missing Chromium fails the test).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_participant.h"
#include "definition.h"
#include "invite.h"
#include "mime.h"
#include "participants.h"
#include "report.h"
#include "testutil.h"
#include "workspace.h"

Suite *report_suite(void);

#define NOW 1796000000		/* 2026-11-30 00:53 UTC */
#define DAY 86400
#define NAME "bpf-on-bpfs"

struct seeded {
	char *dir;
	struct workspace ws;
	int64_t cid;
	int messages;
};

/* Every participant of tests/fixtures/demo/participants.csv. */
static const char *const people[][2] = {
	{ "tamsin.okafor-lund@example.org", "Tamsin Okafor-Lund" },
	{ "elodie.marchand-vasseur@example.net",
	  "\xc3\x89lodie Marchand-Vasseur" },
	{ "carmen.ibarguen@example.com", "Carmen Ibarg\xc3\xbc" "en" },
	{ "irina.belozerskaya@example.org", "\xd0\x98\xd1\x80\xd0\xb8\xd0\xbd"
	  "\xd0\xb0" },
	{ "zhou.xiaolan@example.com", "\xe5\x91\xa8\xe6\x99\x93\xe5\xb2\x9a" },
	{ "layla.bensalem@example.net", "\xd9\x84\xd9\x8a\xd9\x84\xd9\x89" },
	{ "jose.quintanilla@example.org", "Quintanilla" },
	{ "anne-sophie.ndiaye@example.com", "N'Diaye" },
	{ "rohan.vellacott@example.net", "Vellacott" },
	{ "wang.ruoxi@example.org", "\xe7\x8e\x8b\xe8\x8b\xa5\xe6\xba\xaa" },
	{ "dmitri.zaozerny@example.com", "\xd0\x94\xd0\xbc\xd0\xb8\xd1\x82"
	  "\xd1\x80\xd0\xb8\xd0\xb9" },
	{ "nadia.haddad-oyelaran@example.org", "Haddad-Oyelaran" },
};

static int64_t
pid_of(struct seeded *s, const char *email)
{
	int64_t pid = 0;

	ck_assert_int_eq(db_participant_find(s->ws.db, s->cid, email, &pid,
	    NULL), 1);
	return pid;
}

/* One reply: pairs of question ID and answer; '!' marks a refused one. */
static void
file_reply(struct seeded *s, size_t who, int64_t at, const char *const *qa)
{
	struct db_message_row m = { 0 };
	g_autofree char *mid = g_strdup_printf("r%d@example.org",
	    ++s->messages);
	g_autofree char *hash = g_strdup_printf("hash-%d", s->messages);
	int64_t pid = pid_of(s, people[who][0]), id;
	size_t i;

	m.message_id = mid;
	m.content_hash = hash;
	m.kind = "reply";
	m.status = "filed";
	m.consultation_id = s->cid;
	m.participant_id = pid;
	m.match = "reference";
	m.sender = people[who][0];
	m.received_at = at;
	ck_assert(db_begin(s->ws.db, NULL));
	ck_assert(db_message_add(s->ws.db, &m, &id, NULL));
	for (i = 0; qa[i]; i += 2) {
		struct db_answer_row a = { 0 };

		a.participant_id = pid;
		a.consultation_id = s->cid;
		a.question = qa[i];
		a.message_id = id;
		a.source = "mail";
		a.trust = "token";
		a.answered_at = at;
		a.answer = qa[i + 1][0] == '!' ? qa[i + 1] + 1 : qa[i + 1];
		a.error = qa[i + 1][0] == '!' ? "out of the scale" : NULL;
		ck_assert(db_answer_add(s->ws.db, &a, NULL));
	}
	ck_assert(db_commit(s->ws.db, NULL));
}

static void
seed(struct seeded *s)
{
	mime_init();
	s->messages = 0;
	s->dir = testutil_tmpdir();
	ck_assert_int_gt(testutil_demo_workspace(&s->ws, s->dir,
	    NOW - 30 * DAY, NOW - 29 * DAY, &s->cid), 0);
	/* Tamsin: Civil society; Gender and Access, Local Content. */
	file_reply(s, 0, NOW - 9 * DAY, (const char *const[]){
	    "Q1", "The open, bottom-up process <b>mattered</b> | a lot.",
	    "Q2", "Timelines were tight.\n\nVery tight.",
	    "R1", "4", "R2", "3", "C1", "Coordinator / lead expert",
	    "Y1", "yes", NULL });
	/* Élodie: Government; Cybersecurity, IPv6. */
	file_reply(s, 1, NOW - 8 * DAY, (const char *const[]){
	    "Q1", "Les appels ouverts ont bien fonctionn\xc3\xa9.",
	    "R1", "2", "R2", "!9", "Y1", "no", NULL });
	/* Carmen: Academia; Local Content, IXPs. */
	file_reply(s, 2, NOW - 7 * DAY, (const char *const[]){
	    "Q1", "El car\xc3\xa1" "cter abierto.", "R1", "5", "R2", "4",
	    "C1", "Contributor", NULL });
	/* A later answer replaces the earlier one. */
	file_reply(s, 2, NOW - 6 * DAY, (const char *const[]){
	    "R1", "3", NULL });
}

static void
unseed(struct seeded *s)
{
	workspace_close(&s->ws);
	testutil_rmtree(s->dir);
	g_free(s->dir);
	mime_shutdown();
}

static char *
render_report(struct seeded *s, enum report_format format, bool anonymous)
{
	GString *out = g_string_new(NULL);
	GError *err = NULL;

	ck_assert_msg(report_render(s->ws.db, NAME, format, anonymous, NOW, out,
	    &err), "%s", err ? err->message : "");
	return g_string_free(out, FALSE);
}

/* Check's messages are short: the text goes to stderr. */
#define HAS(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL || \
	    (fprintf(stderr, "%s\n", (hay)), false), \
	    "missing \"%.900s\"", (needle))
#define HAS_NOT(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL || \
	    (fprintf(stderr, "%s\n", (hay)), false), \
	    "unexpected \"%.900s\"", (needle))

/* A before B in hay, both present. */
static void
before(const char *hay, const char *a, const char *b)
{
	const char *pa = strstr(hay, a), *pb = strstr(hay, b);

	ck_assert_msg(pa && pb && pa < pb, "\"%s\" should come before \"%s\"",
	    a, b);
}

START_TEST(test_report_markdown_sections)
{
	struct seeded s;
	g_autofree char *md = NULL;

	seed(&s);
	md = render_report(&s, REPORT_MARKDOWN, false);
	HAS(md, "# Review of the IGF Best Practice Forums 2014-2019\n\n"
	    "*Draft report compiled on 30 November 2026 from the current "
	    "answers of 3 participants.*\n");
	HAS(md, "## Introduction\n\nSince 2014 the Internet Governance Forum");
	HAS(md, "3 of the 12 invited participants replied (25%), 0 of them "
	    "to every question.");
	/* Each question with its ID, in order, answers by BPF and group. */
	before(md, "## Q1. What worked well", "## Q2. What worked less well");
	before(md, "## Q7. Anything else", "## Participants");
	HAS(md, "## Q1. What worked well in the BPF(s) you took part in?\n\n"
	    "*Think of the process");
	HAS(md, "### BPF: Gender and Access\n\n#### Civil society\n\n"
	    "> The open, bottom-up process \\<b\\>mattered\\</b\\> \\| a lot.\n"
	    ">\n> \xe2\x80\x94 Tamsin Okafor-Lund\n");
	HAS(md, "> Timelines were tight.\n>\n> Very tight.\n");
	/* Carmen is in two BPFs: quoted under each. */
	HAS(md, "### BPF: Internet Exchange Points (IXPs)\n\n#### Academia\n\n"
	    "> El car\xc3\xa1" "cter abierto.\n");
	HAS(md, "### BPF: Local Content\n\n#### Academia\n\n> El car\xc3\xa1"
	    "cter abierto.\n");
	HAS(md, "## Q6. What metrics should be used to judge BPF outcomes?\n"
	    "\n*For example participation figures, diversity, downloads and "
	    "citations, follow-up by other bodies.*\n\n*No answers yet.*\n");
	/* Ratings: the current answers only, per BPF. */
	HAS(md, "## R1. Clarity of the BPF's objectives (rating 1-5)\n");
	HAS(md, "| BPF | n | mean | median | 1 | 2 | 3 | 4 | 5 |\n"
	    "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
	    "| All | 3 | 3.00 | 3 | 0 | 1 | 1 | 1 | 0 |\n");
	HAS(md, "| Local Content | 2 | 3.50 | 3.5 | 0 | 0 | 1 | 1 | 0 |\n");
	HAS(md, "| IoT, Big Data and AI | 0 | - | - | 0 | 0 | 0 | 0 | 0 |\n");
	/* The refused R2 of Élodie is left out. */
	HAS(md, "| All | 2 | 3.50 | 3.5 | 0 | 0 | 1 | 1 | 0 |\n");
	/* Choices and yes/no counted by BPF. */
	HAS(md, "| answer | All | Gender and Access | Internet Exchange Points "
	    "(IXPs) | Local Content |\n");
	HAS(md, "| Coordinator / lead expert | 1 | 1 | 0 | 1 |\n");
	HAS(md, "| Contributor | 1 | 0 | 1 | 1 |\n");
	HAS(md, "| yes | 1 | 0 | 1 | 0 | 1 |\n| no | 1 | 1 | 0 | 1 | 0 |\n");
	HAS(md, "## Ratings compared across BPFs\n");
	HAS(md, "| BPF | R1 | R2 | R3 | R4 | R5 |\n");
	HAS(md, "| Cybersecurity | 2.00 (1) | - | - | - | - |\n");
	HAS(md, "## Participants\n\n- Carmen Ibarg\xc3\xbc" "en Sol\xc3\xads "
	    "\xe2\x80\x94 Academia; Internet Exchange Points (IXPs), Local "
	    "Content\n");
	/* Methodology: counts, dates, response rates. */
	HAS(md, "## Appendix: methodology\n");
	HAS(md, "| Invitations sent | 1 November 2026 |\n");
	HAS(md, "| Replies received | 21 November 2026 to 24 November 2026 "
	    "|\n");
	HAS(md, "| Deadline | 31 January 2027 |\n");
	HAS(md, "| Response rate | 25% (3 of 12 invited) |\n");
	HAS(md, "| Answers refused by validation, not corrected | 1 |\n");
	HAS(md, "| Current answers | 13 |\n");
	HAS(md, "| Government | 1 | 2 | 50% | `##########..........` |\n");
	HAS(md, "| Cybersecurity | 1 | 4 | 25% | `#####...............` |\n");
	HAS(md, "counts under (no BPF)");
	unseed(&s);
}
END_TEST

START_TEST(test_report_anonymous_hides_names_and_addresses)
{
	struct seeded s;
	g_autofree char *doc = NULL;
	g_autofree char *again = NULL;
	g_autofree char *tamsin = NULL;
	enum report_format format = _i ? REPORT_HTML : REPORT_MARKDOWN;
	size_t i;

	seed(&s);
	doc = render_report(&s, format, true);
	again = render_report(&s, format, true);
	for (i = 0; i < G_N_ELEMENTS(people); i++) {
		g_auto(GStrv) local = g_strsplit(people[i][0], "@", 2);

		HAS_NOT(doc, people[i][0]);
		HAS_NOT(doc, local[0]);
		HAS_NOT(doc, people[i][1]);
	}
	HAS_NOT(doc, "example.");
	/* Stable: the same pseudonym each time, tied to the participant. */
	ck_assert_str_eq(doc, again);
	tamsin = g_strdup_printf("Participant %lld",
	    (long long)pid_of(&s, people[0][0]));
	HAS(doc, tamsin);
	HAS(doc, "Participants are shown under stable pseudonyms.");
	unseed(&s);
}
END_TEST

START_TEST(test_report_html_prints_and_escapes)
{
	struct seeded s;
	g_autofree char *html = NULL;

	seed(&s);
	html = render_report(&s, REPORT_HTML, false);
	HAS(html, "<!DOCTYPE html>");
	HAS(html, "<meta charset=\"utf-8\">");
	HAS(html, "@media print{");
	HAS(html, "@page{");
	HAS(html, "<h2 id=\"Q1\">Q1. What worked well in the BPF(s) you took "
	    "part in?</h2>");
	HAS(html, "The open, bottom-up process &lt;b&gt;mattered&lt;/b&gt; | a "
	    "lot.");
	HAS(html, "<footer>&mdash; Tamsin Okafor-Lund</footer>");
	HAS(html, "<h2 id=\"methodology\">Appendix: methodology</h2>");
	HAS_NOT(html, "<script");
	HAS_NOT(html, "<img");
	HAS_NOT(html, "http");
	unseed(&s);
}
END_TEST

START_TEST(test_report_unknown_consultation_is_noinput)
{
	g_autoptr(GString) out = g_string_new(NULL);
	struct seeded s;
	GError *err = NULL;

	seed(&s);
	ck_assert(!report_render(s.ws.db, "nope", REPORT_HTML, false, NOW, out,
	    &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_error_free(err);
	unseed(&s);
}
END_TEST

static const struct {
	const char *args[8];
	int status;
	const char *out;	/* in stdout, or in the -o file */
} cli_cases[] = {
	{ { "report", NAME, NULL }, 0, "## Q1. What worked well" },
	{ { "report", NAME, "--format", "html", "--anonymous", NULL }, 0,
	  "Participants are shown under stable pseudonyms." },
	{ { "report", NAME, "--format", "md", "-o", "r.md", NULL }, 0,
	  "## Appendix: methodology" },
	{ { "report", NAME, "--format", "pdf", NULL }, 64, NULL },
	{ { "report", NULL }, 64, NULL },
	{ { "report", "nope", NULL }, 66, NULL },
	{ { "digest", "--dry-run", "--to", "sec@example.org", NULL }, 0,
	  "Content-Type: multipart/alternative" },
	{ { "digest", NAME, "--dry-run", NULL }, 78, NULL },
};

START_TEST(test_report_and_digest_commands)
{
	struct seeded s;
	g_autofree char *out = NULL;
	g_autofree char *errs = NULL;
	g_autofree char *file = NULL;
	int status;

	seed(&s);
	g_setenv("CONSULTD_NOW", "1796000000", TRUE);
	status = testutil_run(s.dir, cli_cases[_i].args, &out, &errs);
	g_unsetenv("CONSULTD_NOW");
	ck_assert_msg(status == cli_cases[_i].status, "exit %d: %s", status,
	    errs);
	if (cli_cases[_i].out && g_strv_contains(cli_cases[_i].args, "-o")) {
		g_autofree char *path = g_build_filename(s.dir, "r.md", NULL);

		ck_assert(g_file_get_contents(path, &file, NULL, NULL));
		HAS(file, cli_cases[_i].out);
		ck_assert_str_eq(out, "");
	} else if (cli_cases[_i].out)
		HAS(out, cli_cases[_i].out);
	unseed(&s);
}
END_TEST


START_TEST(test_report_html_renders_in_chromium)
{
	struct seeded s;
	g_autofree char *html = NULL;
	g_autofree char *dom = NULL;

	seed(&s);
	html = render_report(&s, REPORT_HTML, false);
	dom = testutil_render(html, "report");
	HAS(dom, "Review of the IGF Best Practice Forums 2014-2019");
	HAS(dom, "Q1. What worked well in the BPF(s) you took part in?");
	HAS(dom, "BPF: Gender and Access");
	HAS(dom, "Timelines were tight.<br>");
	HAS(dom, "Ratings compared across BPFs");
	HAS(dom, ">3.50<");
	HAS(dom, "Appendix: methodology");
	unseed(&s);
}
END_TEST

Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	TCase *browser = tcase_create("browser");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_report_markdown_sections);
	tcase_add_loop_test(tc, test_report_anonymous_hides_names_and_addresses,
	    0, 2);
	tcase_add_test(tc, test_report_html_prints_and_escapes);
	tcase_add_test(tc, test_report_unknown_consultation_is_noinput);
	tcase_add_loop_test(tc, test_report_and_digest_commands, 0,
	    G_N_ELEMENTS(cli_cases));
	suite_add_tcase(s, tc);
	tcase_set_timeout(browser, 240);
	tcase_add_test(browser, test_report_html_renders_in_chromium);
	suite_add_tcase(s, browser);
	return s;
}
