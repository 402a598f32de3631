/* SPDX-License-Identifier: MIT */
/*
 * The digest from a seeded workspace (the shipped BPF consultation, the
 * demo participants, answers filed through the library): what it says,
 * that consecutive digests neither miss nor repeat an answer, that a dry
 * run records nothing, and that its HTML renders in headless Chromium
 * (tests/browser/render.sh; a missing Chromium fails the test).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_participant.h"
#include "definition.h"
#include "digest.h"
#include "invite.h"
#include "message.h"
#include "mime.h"
#include "participants.h"
#include "testutil.h"
#include "workspace.h"

Suite *digest_suite(void);

#define NOW 1796000000		/* 2026-11-30 00:53 UTC */
#define DAY 86400
#define NAME "bpf-on-bpfs"
#define TAMSIN "tamsin.okafor-lund@example.org"
#define ELODIE "elodie.marchand-vasseur@example.net"
#define CARMEN "carmen.ibarguen@example.com"
#define IRINA "irina.belozerskaya@example.org"

struct seeded {
	char *dir;
	struct workspace ws;
	int64_t cid;
	int messages;		/* for unique Message-IDs and hashes */
};

static void
seed(struct seeded *s)
{
	mime_init();
	s->messages = 0;
	s->dir = testutil_tmpdir();
	ck_assert_int_gt(testutil_demo_workspace(&s->ws, s->dir,
	    NOW - 30 * DAY, NOW - 29 * DAY, &s->cid), 0);
}

static void
unseed(struct seeded *s)
{
	workspace_close(&s->ws);
	testutil_rmtree(s->dir);
	g_free(s->dir);
	mime_shutdown();
}

static int64_t
pid_of(struct seeded *s, const char *email)
{
	int64_t pid = 0;

	ck_assert_int_eq(db_participant_find(s->ws.db, s->cid, email, &pid,
	    NULL), 1);
	return pid;
}

/*
 * Files one reply from email at time at: pairs of question ID and answer,
 * NULL-terminated; an answer starting with '!' is refused by validation.
 * status "unstructured" files a reply without answers.
 */
static void
file_reply(struct seeded *s, const char *email, int64_t at,
    const char *status, const char *const *qa)
{
	struct db_message_row m = { 0 };
	g_autofree char *mid = g_strdup_printf("r%d@example.org",
	    ++s->messages);
	g_autofree char *hash = g_strdup_printf("hash-%d", s->messages);
	g_autofree char *file = g_strdup_printf("inbox/cur/%d.test:2,",
	    s->messages);
	int64_t pid = pid_of(s, email), id;
	size_t i;

	m.message_id = mid;
	m.content_hash = hash;
	m.spool_file = file;
	m.kind = "reply";
	m.status = status;
	m.consultation_id = s->cid;
	m.participant_id = pid;
	m.match = "reference";
	m.sender = email;
	m.subject = "Re: Review of the BPFs";
	m.free_text = strcmp(status, "unstructured") == 0 ?
	    "I would rather talk on the phone." : NULL;
	m.received_at = at;
	ck_assert(db_begin(s->ws.db, NULL));
	ck_assert(db_message_add(s->ws.db, &m, &id, NULL));
	for (i = 0; qa && qa[i]; i += 2) {
		struct db_answer_row a = { 0 };

		a.participant_id = pid;
		a.consultation_id = s->cid;
		a.question = qa[i];
		a.message_id = id;
		a.source = "mail";
		a.trust = "token";
		a.answered_at = at;
		a.answer = qa[i + 1][0] == '!' ? qa[i + 1] + 1 : qa[i + 1];
		a.error = qa[i + 1][0] == '!' ? "a number from 1 to 5 is "
		    "expected" : NULL;
		ck_assert(db_answer_add(s->ws.db, &a, NULL));
	}
	ck_assert(db_commit(s->ws.db, NULL));
}

/* The first week: two replies, one of them partial. */
static void
file_week_one(struct seeded *s)
{
	file_reply(s, TAMSIN, NOW - 6 * DAY, "filed", (const char *const[]){
	    "Q1", "The open, bottom-up process <b>mattered</b>.",
	    "Q2", "Timelines were tight.\nVery tight.",
	    "R1", "4", "R2", "3", "R3", "5", "C1", "Coordinator / lead expert",
	    "Y1", "yes", NULL });
	file_reply(s, ELODIE, NOW - 5 * DAY, "filed", (const char *const[]){
	    "Q1", "Les appels ouverts ont bien fonctionn\xc3\xa9.",
	    "R1", "2", NULL });
}

/* The second week: a change, a new participant, problems. */
static void
file_week_two(struct seeded *s)
{
	file_reply(s, TAMSIN, NOW + 1 * DAY, "filed", (const char *const[]){
	    "Q1", "On reflection: the open process and the case studies.",
	    NULL });
	file_reply(s, CARMEN, NOW + 2 * DAY, "filed", (const char *const[]){
	    "Q1", "El car\xc3\xa1" "cter abierto de la BPF.",
	    "R1", "5", "R2", "!7", NULL });
	file_reply(s, IRINA, NOW + 3 * DAY, "unstructured", NULL);
}

static struct digest *
build(struct seeded *s, int64_t now)
{
	struct digest *d;
	GError *err = NULL;

	ck_assert(db_begin_read(s->ws.db, NULL));
	d = digest_build(s->ws.db, s->ws.cfg, NAME, now, &err);
	db_rollback(s->ws.db);
	ck_assert_msg(d != NULL, "%s", err ? err->message : "");
	return d;
}

static void
run_digest(struct seeded *s, int64_t now, bool dry_run, GString *output)
{
	struct digest_result res;
	GError *err = NULL;

	digest_result_init(&res);
	ck_assert_msg(digest_run(s->ws.db, s->ws.cfg, NAME,
	    "secretariat@example.org, mag-chair@example.org", dry_run, now,
	    &res, &err), "%s", err ? err->message : "");
	ck_assert_int_eq(res.digests, 1);
	if (!dry_run) {
		ck_assert_int_eq(res.queued, 2);
		ck_assert_int_eq(res.sent, 2);
	}
	if (output)
		g_string_append_len(output, res.output->str,
		    (gssize)res.output->len);
	digest_result_release(&res);
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

START_TEST(test_digest_text_reports_the_period)
{
	struct seeded s;
	struct digest *d;

	seed(&s);
	file_week_one(&s);
	d = build(&s, NOW);
	ck_assert_int_eq(d->period_start, 0);
	ck_assert_int_eq(d->period_end, NOW);
	HAS(d->subject, "Digest: Review of the IGF Best Practice Forums");
	HAS(d->text, "Digest from the start to 30 November 2026 00:53 UTC");
	HAS(d->text, "Deadline 31 January 2027: 62 days left");
	HAS(d->text, "  invited      12\n");
	HAS(d->text, "  replied      2 (17%): 0 complete, 2 partial\n");
	HAS(d->text, "  not yet      10\n");
	HAS(d->text, "this period  2 replies from 2 participants (0 late)");
	/* Response rates by group and BPF, with text bars. */
	HAS(d->text, "RESPONSE RATES BY STAKEHOLDER GROUP");
	HAS(d->text, "  Civil society                    1 of 2      50%  "
	    "##########..........\n");
	HAS(d->text, "  Cybersecurity                    1 of 4      25%  "
	    "#####...............\n");
	/* The answers, grouped by question, with who and where. */
	HAS(d->text, "NEW AND CHANGED ANSWERS (9)");
	HAS(d->text, "[Q1] What worked well in the BPF(s) you took part in? "
	    "(2)\n  - Tamsin Okafor-Lund <" TAMSIN "> (Civil society; "
	    "Gender and Access, Local Content), new:\n      The open, "
	    "bottom-up process <b>mattered</b>.\n");
	HAS(d->text, "      Timelines were tight.\n      Very tight.\n");
	HAS(d->text, "(Government; Cybersecurity, IPv6), new: 2\n");
	/* Ratings per question and per BPF, side by side. */
	HAS(d->text, "[R1] Clarity of the BPF's objectives (1-5)\n"
	    "  BPF                           n  mean  median  1  2  3  4  5\n"
	    "  All                           2  3.00       3  0  1  0  1  0\n"
	    "  Cybersecurity                 1  2.00       2  0  1  0  0  0\n");
	HAS(d->text, "  Gender and Access             1  4.00       4  0  0  0"
	    "  1  0\n");
	HAS(d->text, "BPFs side by side: mean (n)");
	HAS(d->text, "Nothing new needs attention.");
	HAS(d->text, "Attached: " NAME "-2026-11-30.csv");
	HAS(d->csv, "\"email\",\"name\",\"stakeholder_group\",\"bpf\"");
	HAS(d->csv, "\"" TAMSIN "\",\"Tamsin Okafor-Lund\"");
	ck_assert_str_eq(d->csv_name, NAME "-2026-11-30.csv");
	digest_free(d);
	unseed(&s);
}
END_TEST

START_TEST(test_digest_html_is_mail_safe)
{
	struct seeded s;
	struct digest *d;

	seed(&s);
	file_week_one(&s);
	d = build(&s, NOW);
	HAS(d->html, "<!DOCTYPE html>");
	HAS(d->html, "The open, bottom-up process &lt;b&gt;mattered"
	    "&lt;/b&gt;.");
	HAS(d->html, "Timelines were tight.<br>\nVery tight.");
	/* Bars are coloured table cells. */
	HAS(d->html, "bgcolor=\"#3182ce\"");
	/* Nothing a mail client would block or strip. */
	HAS_NOT(d->html, "<script");
	HAS_NOT(d->html, "<style");
	HAS_NOT(d->html, "<img");
	HAS_NOT(d->html, "<link");
	HAS_NOT(d->html, "http:");
	HAS_NOT(d->html, "https:");
	HAS_NOT(d->html, "class=");
	digest_free(d);
	unseed(&s);
}
END_TEST

START_TEST(test_digest_second_period_shows_changes_and_attention)
{
	struct seeded s;
	struct digest *d;

	seed(&s);
	file_week_one(&s);
	run_digest(&s, NOW, false, NULL);
	file_week_two(&s);
	d = build(&s, NOW + 7 * DAY);
	ck_assert_int_eq(d->period_start, NOW);
	HAS(d->text, "Digest from 30 November 2026 00:53 to 7 December 2026 "
	    "00:53 UTC");
	HAS(d->subject, "30 November to 7 December 2026");
	HAS(d->text, "NEW AND CHANGED ANSWERS (3)");
	HAS(d->text, "(Civil society; Gender and Access, Local Content), "
	    "changed:\n      On reflection: the open process and the case "
	    "studies.\n");
	HAS(d->text, "Local Content), new: El car\xc3\xa1" "cter abierto de "
	    "la BPF.\n");
	/* Last week's answers are not repeated. */
	HAS_NOT(d->text, "Timelines were tight.");
	HAS_NOT(d->text, "Les appels ouverts");
	/* The ratings cover every current answer. */
	HAS(d->text, "  All                           3  3.67       4  0  1  0"
	    "  1  1\n");
	HAS(d->text, "this period  3 replies from 3 participants (0 late),\n"
	    "               4 answers filed (1 refused by validation)");
	HAS(d->text, "NEEDS ATTENTION\n  1 replies without markers");
	HAS(d->text, IRINA ", Re: Review of the BPFs\n      I would rather "
	    "talk on the phone.\n      consultd parse ");
	HAS(d->text, "/inbox/cur/5.test:2,\n");
	HAS(d->text, "  1 answers refused by validation");
	HAS(d->text, CARMEN ", R2\n      a number from 1 to 5 is expected "
	    "(answer: 7)\n");
	digest_free(d);
	unseed(&s);
}
END_TEST

static char *
eml_text(const char *path)
{
	g_autofree char *raw = NULL;
	struct message *msg;
	char *text;
	size_t len;

	ck_assert(g_file_get_contents(path, &raw, &len, NULL));
	msg = mime_parse(raw, len, NULL);
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(msg->attachments->len, 1);
	text = g_strdup(msg->text);
	message_free(msg);
	return text;
}

static sqlite3 *
open_sql(struct seeded *s)
{
	sqlite3 *sql;

	ck_assert_int_eq(sqlite3_open(s->ws.cfg->database, &sql), SQLITE_OK);
	return sql;
}

/*
 * Rounds of filing and digests, with a clock that even goes backwards:
 * each digest lists exactly the answers of its round, and the recorded
 * periods chain without gap or overlap.
 */
START_TEST(test_digest_consecutive_digests_do_not_overlap)
{
	static const char *const people[] = { TAMSIN, ELODIE, CARMEN, IRINA };
	static const int64_t clock[] = { 0, DAY, 2 * DAY, 2 * DAY, DAY };
	enum { ROUNDS = G_N_ELEMENTS(clock) };
	struct seeded s;
	sqlite3 *sql;
	sqlite3_stmt *st;
	int64_t prev_end = 0, prev_answer = 0, prev_message = 0;
	int round, p, other, rows = 0;

	seed(&s);
	for (round = 0; round < ROUNDS; round++) {
		for (p = 0; p < (int)G_N_ELEMENTS(people); p++) {
			g_autofree char *text = g_strdup_printf("token-r%d-p%d",
			    round, p);

			if ((round + p) % 3 == 0)
				continue;
			file_reply(&s, people[p], NOW + clock[round],
			    "filed", (const char *const[]){ "Q3", text, NULL });
		}
		run_digest(&s, NOW + clock[round], false, NULL);
	}
	/* Outbox rows 1-12 are invitations, then two per digest. */
	for (round = 0; round < ROUNDS; round++) {
		g_autofree char *glob = g_strdup_printf("%08d-digest.eml",
		    12 + 2 * round + 1);
		g_autofree char *path = g_build_filename(s.ws.cfg->spool,
		    "outbox", glob, NULL);
		g_autofree char *text = eml_text(path);

		for (other = 0; other < ROUNDS; other++)
			for (p = 0; p < (int)G_N_ELEMENTS(people); p++) {
				g_autofree char *tok = g_strdup_printf(
				    "token-r%d-p%d", other, p);
				bool filed = (other + p) % 3 != 0;

				if (other == round && filed)
					HAS(text, tok);
				else
					HAS_NOT(text, tok);
			}
	}
	sql = open_sql(&s);
	ck_assert_int_eq(sqlite3_prepare_v2(sql, "SELECT period_start,"
	    " period_end, last_answer_id, last_message_id, outbox_id,"
	    " (SELECT count(*) FROM answer a WHERE a.id > d.last_answer_id),"
	    " consultation_id FROM digest d ORDER BY id", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ck_assert_int_eq(sqlite3_column_int64(st, 0), prev_end);
		ck_assert_int_eq(sqlite3_column_int64(st, 1),
		    NOW + clock[rows]);
		ck_assert_int_gt(sqlite3_column_int64(st, 2), prev_answer);
		ck_assert_int_gt(sqlite3_column_int64(st, 3), prev_message);
		ck_assert_int_gt(sqlite3_column_int64(st, 4), 0);
		ck_assert_int_eq(sqlite3_column_int64(st, 6), s.cid);
		prev_end = sqlite3_column_int64(st, 1);
		prev_answer = sqlite3_column_int64(st, 2);
		prev_message = sqlite3_column_int64(st, 3);
		rows++;
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(rows, ROUNDS);
	/* The last digest reached the last answer: nothing left out. */
	ck_assert_int_eq(sqlite3_prepare_v2(sql, "SELECT max(id) FROM answer",
	    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int64(st, 0), prev_answer);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	unseed(&s);
}
END_TEST

START_TEST(test_digest_dry_run_prints_and_records_nothing)
{
	g_autoptr(GString) out = g_string_new(NULL);
	struct seeded s;
	sqlite3 *sql;
	sqlite3_stmt *st;

	seed(&s);
	file_week_one(&s);
	run_digest(&s, NOW, true, out);
	HAS(out->str, "To: secretariat@example.org");
	HAS(out->str, "To: mag-chair@example.org");
	HAS(out->str, "Content-Type: multipart/alternative");
	HAS(out->str, "Content-Type: text/html");
	HAS(out->str, "Content-Type: text/csv");
	HAS(out->str, "Auto-Submitted: auto-generated");
	sql = open_sql(&s);
	ck_assert_int_eq(sqlite3_prepare_v2(sql, "SELECT (SELECT count(*) FROM"
	    " digest), (SELECT count(*) FROM outbox WHERE kind = 'digest')",
	    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
	ck_assert_int_eq(sqlite3_column_int(st, 1), 0);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	unseed(&s);
}
END_TEST

static const struct {
	const char *to;
	int code;
	const char *message;
} recipient_cases[] = {
	{ NULL, EX_CONFIG, "set [digest] to" },
	{ " , ;", EX_CONFIG, "no digest recipient" },
	{ "a@example.org, not an address", EX_DATAERR, "'not'" },
	{ "a@example.org\r\nBcc: b@example.org", EX_DATAERR,
	  "invalid digest recipient" },
};

START_TEST(test_digest_recipients_are_checked)
{
	struct digest_result res;
	struct seeded s;
	GError *err = NULL;

	seed(&s);
	digest_result_init(&res);
	ck_assert(!digest_run(s.ws.db, s.ws.cfg, NAME, recipient_cases[_i].to,
	    false, NOW, &res, &err));
	ck_assert_int_eq(err->code, recipient_cases[_i].code);
	HAS(err->message, recipient_cases[_i].message);
	g_error_free(err);
	digest_result_release(&res);
	unseed(&s);
}
END_TEST

START_TEST(test_digest_unknown_consultation_is_noinput)
{
	struct digest_result res;
	struct seeded s;
	GError *err = NULL;

	seed(&s);
	digest_result_init(&res);
	ck_assert(!digest_run(s.ws.db, s.ws.cfg, "nope", "a@example.org", true,
	    NOW, &res, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_error_free(err);
	digest_result_release(&res);
	unseed(&s);
}
END_TEST


START_TEST(test_digest_html_renders_in_chromium)
{
	struct seeded s;
	struct digest *d;
	g_autofree char *dom = NULL;

	seed(&s);
	file_week_one(&s);
	run_digest(&s, NOW, false, NULL);
	file_week_two(&s);
	d = build(&s, NOW + 7 * DAY);
	dom = testutil_render(d->html, "digest");
	HAS(dom, "Review of the IGF Best Practice Forums 2014-2019");
	HAS(dom, "At a glance");
	HAS(dom, "Response rates by BPF");
	HAS(dom, "On reflection: the open process and the case studies.");
	HAS(dom, "Clarity of the BPF's objectives");
	HAS(dom, ">3.67<");
	HAS(dom, "Needs attention");
	HAS(dom, "I would rather talk on the phone.");
	digest_free(d);
	unseed(&s);
}
END_TEST

Suite *
digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("digest");
	TCase *browser = tcase_create("browser");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_digest_text_reports_the_period);
	tcase_add_test(tc, test_digest_html_is_mail_safe);
	tcase_add_test(tc,
	    test_digest_second_period_shows_changes_and_attention);
	tcase_add_test(tc, test_digest_consecutive_digests_do_not_overlap);
	tcase_add_test(tc, test_digest_dry_run_prints_and_records_nothing);
	tcase_add_loop_test(tc, test_digest_recipients_are_checked, 0,
	    G_N_ELEMENTS(recipient_cases));
	tcase_add_test(tc, test_digest_unknown_consultation_is_noinput);
	suite_add_tcase(s, tc);
	tcase_set_timeout(browser, 240);
	tcase_add_test(browser, test_digest_html_renders_in_chromium);
	suite_add_tcase(s, browser);
	return s;
}
