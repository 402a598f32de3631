/* SPDX-License-Identifier: MIT */
/*
 * The whole cycle on the embedded default, through the library: load,
 * import, invite, replies delivered to the inbox Maildir, filing.  The
 * assertions read the database with plain SQL, independently of the
 * code under test.
 */
#include <check.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_outbox.h"
#include "definition.h"
#include "ingest.h"
#include "invite.h"
#include "participants.h"
#include "record.h"
#include "remind.h"
#include "spool.h"
#include "status.h"
#include "testutil.h"
#include "token.h"
#include "workspace.h"

#include <gmime/gmime.h>

Suite *ingest_suite(void);

#define NOW 1796000000	/* 2026-11-30, before the deadline */

struct scenario {
	char *dir;
	struct workspace ws;
	struct definition *def;
	sqlite3 *sql;		/* independent reader */
};

static void
scenario_init(struct scenario *s)
{
	g_autofree char *tdir = g_build_filename(testutil_top(), "templates",
	    "bpf-on-bpfs", NULL);
	int64_t cid;

	g_mime_init();
	s->dir = testutil_tmpdir();
	ck_assert_int_eq(testutil_demo_workspace(&s->ws, s->dir, NOW, NOW,
	    &cid), 12);
	s->def = definition_read(tdir, NULL);
	ck_assert_ptr_nonnull(s->def);
	ck_assert_int_eq(sqlite3_open(s->ws.cfg->database, &s->sql),
	    SQLITE_OK);
}

static void
scenario_release(struct scenario *s)
{
	sqlite3_close(s->sql);
	definition_free(s->def);
	workspace_close(&s->ws);
	testutil_rmtree(s->dir);
	g_free(s->dir);
	g_mime_shutdown();
}

static int64_t
sql_int(struct scenario *s, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_msg(sqlite3_prepare_v2(s->sql, sql, -1, &st, NULL) ==
	    SQLITE_OK, "%s", sqlite3_errmsg(s->sql));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *
sql_text(struct scenario *s, const char *sql, const char *a1, const char *a2)
{
	sqlite3_stmt *st;
	char *v = NULL;

	ck_assert_msg(sqlite3_prepare_v2(s->sql, sql, -1, &st, NULL) ==
	    SQLITE_OK, "%s", sqlite3_errmsg(s->sql));
	if (a1)
		sqlite3_bind_text(st, 1, a1, -1, SQLITE_TRANSIENT);
	if (a2)
		sqlite3_bind_text(st, 2, a2, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static char *
reply_from(const char *raw)
{
	const char *p = strstr(raw, "\nFrom:");
	const char *lt = p ? strchr(p, '<') : NULL;
	const char *gt = lt ? strchr(lt, '>') : NULL;

	ck_assert_ptr_nonnull(gt);
	return g_strndup(lt + 1, (size_t)(gt - lt - 1));
}

/*
 * The fixture as the participant's mail client would send it: To the
 * invitation's Reply-To, In-Reply-To its Message-ID.
 */
static char *
address_reply(struct scenario *s, const char *fixture)
{
	g_autofree char *raw = NULL;
	g_autofree char *from = NULL;
	g_autofree char *token = NULL;
	g_autofree char *mid = NULL;
	g_autofree char *reply_to = NULL;
	GString *out;
	const char *p;

	ck_assert(g_file_get_contents(fixture, &raw, NULL, NULL));
	from = reply_from(raw);
	token = sql_text(s, "SELECT i.token FROM invitation i JOIN participant"
	    " p ON p.id = i.participant_id WHERE p.email_key = lower(?)",
	    from, NULL);
	mid = sql_text(s, "SELECT o.message_id FROM outbox o JOIN participant"
	    " p ON p.id = o.participant_id WHERE p.email_key = lower(?)"
	    " AND o.kind = 'invitation'", from, NULL);
	ck_assert_msg(token && mid, "no invitation for %s", from);
	reply_to = token_reply_address("consult@igf.example.org", token);
	out = g_string_new(NULL);
	for (p = raw; *p; p++) {
		if (g_str_has_prefix(p, "@REPLY_TO@")) {
			g_string_append(out, reply_to);
			p += strlen("@REPLY_TO@") - 1;
		} else if (g_str_has_prefix(p, "@INVITE_MSGID@")) {
			g_string_append(out, mid);
			p += strlen("@INVITE_MSGID@") - 1;
		} else
			g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

static int
compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
fixture_replies(void)
{
	g_autofree char *dir = g_build_filename(testutil_top(), "tests",
	    "fixtures", "demo", "replies", NULL);
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	ck_assert_ptr_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, ".eml"))
			g_ptr_array_add(files, g_build_filename(dir, name,
			    NULL));
	g_dir_close(d);
	g_ptr_array_sort(files, compare_paths);
	ck_assert_uint_eq(files->len, 5);
	return files;
}

static void
deliver_all(struct scenario *s, GPtrArray *files)
{
	g_autofree char *inbox = g_build_filename(s->ws.cfg->spool, "inbox",
	    NULL);
	size_t i;

	for (i = 0; i < files->len; i++) {
		g_autofree char *raw = address_reply(s, files->pdata[i]);

		ck_assert(spool_deliver(inbox, raw, strlen(raw), NULL, NULL));
		/* Maildir names order by second: keep arrival order. */
		g_usleep(1000);
	}
}

static void
file_inbox(struct scenario *s, struct ingest_result *res)
{
	GError *err = NULL;

	*res = (struct ingest_result){ 0 };
	ck_assert_msg(ingest_spool(s->ws.db, s->ws.cfg, NOW + 3600, res,
	    &err), "%s", err ? err->message : "");
}

/* "Q1\ttext with \\n" lines into id -> text. */
static GHashTable *
read_expected(const char *eml)
{
	g_autofree char *base = g_strndup(eml, strlen(eml) - 4);
	g_autofree char *path = g_strconcat(base, ".expected.tsv", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	size_t i;

	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i]; i++) {
		char *tab = strchr(lines[i], '\t');
		g_auto(GStrv) parts = NULL;

		if (!tab)
			continue;
		*tab = '\0';
		parts = g_strsplit(tab + 1, "\\n", -1);
		g_hash_table_insert(h, g_strdup(lines[i]),
		    g_strjoinv("\n", parts));
	}
	return h;
}

START_TEST(test_ingest_demo_replies_file_expected_answers)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	size_t i;

	scenario_init(&s);
	deliver_all(&s, files);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 5);
	ck_assert_int_eq(res.replies, 5);
	ck_assert_int_eq(res.invalid, 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE kind = 'reply' AND match = 'address'", NULL), 5);

	for (i = 0; i < files->len; i++) {
		g_autoptr(GHashTable) expected = read_expected(files->pdata[i]);
		g_autofree char *raw = NULL;
		g_autofree char *mid = NULL;
		GHashTableIter it;
		void *k, *v;
		char *lt, *gt;

		ck_assert(g_file_get_contents(files->pdata[i], &raw, NULL,
		    NULL));
		lt = strstr(raw, "Message-ID: <");
		ck_assert_ptr_nonnull(lt);
		lt += strlen("Message-ID: <");
		gt = strchr(lt, '>');
		mid = g_strndup(lt, (size_t)(gt - lt));
		ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a"
		    " JOIN message m ON m.id = a.message_id"
		    " WHERE m.message_id = ?", mid),
		    g_hash_table_size(expected));
		g_hash_table_iter_init(&it, expected);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			const struct question *q = definition_question(s.def,
			    k);
			g_autofree char *want = NULL;
			g_autofree char *verr = NULL;
			g_autofree char *got = NULL;

			ck_assert_ptr_nonnull(q);
			want = question_normalize_answer(q, v, &verr);
			ck_assert_msg(want != NULL, "%s: %s", (char *)k, verr);
			got = sql_text(&s, "SELECT a.answer FROM answer a"
			    " JOIN message m ON m.id = a.message_id"
			    " JOIN question q ON q.id = a.question_id"
			    " WHERE m.message_id = ? AND q.qid = ?", mid, k);
			ck_assert_msg(got && strcmp(got, want) == 0,
			    "%s %s: got '%s', want '%s'",
			    (char *)files->pdata[i], (char *)k,
			    got ? got : "(none)", want);
		}
	}
	/* The second reply (04) replaced Q3 and R4 only. */
	{
		g_autofree char *q3 = sql_text(&s, "SELECT a.answer FROM answer"
		    " a JOIN participant p ON p.id = a.participant_id"
		    " JOIN question q ON q.id = a.question_id"
		    " WHERE p.email_key = ? AND q.qid = 'Q3' AND a.current",
		    "tamsin.okafor-lund@example.org", NULL);

		ck_assert(g_str_has_prefix(q3, "With hindsight"));
		ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a"
		    " JOIN participant p ON p.id = a.participant_id"
		    " WHERE p.email_key = ? AND a.current",
		    "tamsin.okafor-lund@example.org"), 14);
		ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a"
		    " JOIN participant p ON p.id = a.participant_id"
		    " WHERE p.email_key = ?",
		    "tamsin.okafor-lund@example.org"), 16);
	}
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_twice_files_once)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	g_autoptr(GPtrArray) left = NULL;
	g_autofree char *inbox = NULL;

	scenario_init(&s);
	deliver_all(&s, files);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 5);
	/* The same five delivered again (a second folder, a refetch). */
	deliver_all(&s, files);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 0);
	ck_assert_int_eq(res.duplicates, 5);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message", NULL), 5);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer", NULL), 47);
	inbox = g_build_filename(s.ws.cfg->spool, "inbox", NULL);
	left = spool_list(inbox, "new", NULL);
	ck_assert_uint_eq(left->len, 0);
	scenario_release(&s);
}
END_TEST

/*
 * A crash after the commit but before the move out of new/: the next run
 * finds the message filed and completes the move; nothing is filed twice
 * and the raw message is not lost.
 */
START_TEST(test_ingest_repairs_crash_between_commit_and_move)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	g_autoptr(GPtrArray) cur = NULL;
	g_autoptr(GPtrArray) cur2 = NULL;
	g_autoptr(GPtrArray) fresh = NULL;
	g_autofree char *inbox = NULL;
	g_autofree char *from = NULL;
	g_autofree char *to = NULL;
	g_autofree char *base = NULL;

	scenario_init(&s);
	g_ptr_array_set_size(files, 1);
	deliver_all(&s, files);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 1);
	inbox = g_build_filename(s.ws.cfg->spool, "inbox", NULL);
	cur = spool_list(inbox, "cur", NULL);
	ck_assert_uint_eq(cur->len, 1);
	/* Put the filed file back where the crash would have left it. */
	base = g_strndup(cur->pdata[0], strlen(cur->pdata[0]) - 4);
	from = g_build_filename(inbox, "cur", cur->pdata[0], NULL);
	to = g_build_filename(inbox, "new", base, NULL);
	ck_assert_int_eq(rename(from, to), 0);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 0);
	ck_assert_int_eq(res.duplicates, 1);
	cur2 = spool_list(inbox, "cur", NULL);
	ck_assert_uint_eq(cur2->len, 1);
	fresh = spool_list(inbox, "new", NULL);
	ck_assert_uint_eq(fresh->len, 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message", NULL), 1);
	scenario_release(&s);
}
END_TEST

/* Forging From without the token cannot replace a token-backed answer. */
START_TEST(test_ingest_forged_from_cannot_change_answers)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	g_autofree char *inbox = NULL;
	g_autofree char *q1 = NULL;
	static const char forged[] =
	    "From: Tamsin Okafor-Lund <tamsin.okafor-lund@example.org>\n"
	    "To: consult@igf.example.org\n"
	    "Subject: Re: Your views\n"
	    "Message-ID: <forged-1@evil.example>\n"
	    "\n"
	    "[Q1] Nothing worked at all.\n"
	    "[Q7] Extra words.\n";

	scenario_init(&s);
	g_ptr_array_set_size(files, 1);
	deliver_all(&s, files);
	inbox = g_build_filename(s.ws.cfg->spool, "inbox", NULL);
	ck_assert(spool_deliver(inbox, forged, strlen(forged), NULL, NULL));
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 2);
	q1 = sql_text(&s, "SELECT a.answer FROM answer a JOIN question q"
	    " ON q.id = a.question_id WHERE q.qid = 'Q1' AND a.current",
	    NULL, NULL);
	ck_assert(g_str_has_prefix(q1, "The open, bottom-up process"));
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE match = 'from'", NULL), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer"
	    " WHERE trust = 'from' AND current = 0", NULL), 2);
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_unknown_sender_and_garbage_are_kept_for_triage)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *inbox = NULL;
	static const char stranger[] =
	    "From: someone@elsewhere.example\n"
	    "Subject: hello\n"
	    "Message-ID: <s1@elsewhere.example>\n"
	    "\n"
	    "Is this the right address for the IGF?\n";
	static const char garbage[] = "\x01\x02 not a message at all \xff";

	scenario_init(&s);
	inbox = g_build_filename(s.ws.cfg->spool, "inbox", NULL);
	ck_assert(spool_deliver(inbox, stranger, strlen(stranger), NULL,
	    NULL));
	ck_assert(spool_deliver(inbox, garbage, sizeof(garbage) - 1, NULL,
	    NULL));
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 2);
	ck_assert_int_eq(res.unrelated, 2);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE kind = 'unrelated' AND participant_id IS NULL", NULL), 2);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer", NULL), 0);
	scenario_release(&s);
}
END_TEST

START_TEST(test_invite_twice_sends_nothing_new)
{
	struct scenario s;
	struct invite_result ires;
	g_autoptr(GPtrArray) out = NULL;
	g_autofree char *outbox = NULL;

	scenario_init(&s);
	invite_result_init(&ires);
	ck_assert(invite_run(s.ws.db, s.ws.cfg, "bpf-on-bpfs", false, NOW + 1,
	    &ires, NULL));
	ck_assert_int_eq(ires.queued, 0);
	ck_assert_int_eq(ires.sent, 0);
	invite_result_release(&ires);
	outbox = g_build_filename(s.ws.cfg->spool, "outbox", NULL);
	out = spool_list(outbox, ".", NULL);
	ck_assert_uint_eq(out->len, 12);
	ck_assert_int_eq(sql_int(&s, "SELECT count(DISTINCT token) FROM"
	    " invitation", NULL), 12);
	scenario_release(&s);
}
END_TEST

static void
deliver_text(struct scenario *s, const char *text)
{
	g_autofree char *inbox = g_build_filename(s->ws.cfg->spool, "inbox",
	    NULL);

	ck_assert(spool_deliver(inbox, text, strlen(text), NULL, NULL));
	g_usleep(1000);
}

static char *
token_of(struct scenario *s, const char *email)
{
	return sql_text(s, "SELECT i.token FROM invitation i JOIN participant"
	    " p ON p.id = i.participant_id WHERE p.email_key = ?", email,
	    NULL);
}

#define ZHOU "zhou.xiaolan@example.com"

START_TEST(test_ingest_forged_bounce_does_not_mark_bounced)
{
	struct scenario s;
	struct ingest_result res;
	static const char forged[] =
	    "From: MAILER-DAEMON@evil.example\n"
	    "To: consult@igf.example.org\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Message-ID: <bounce-1@evil.example>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n\nfailed\n"
	    "--b\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; evil.example\n\n"
	    "Final-Recipient: rfc822; " ZHOU "\n"
	    "Action: failed\nStatus: 5.1.1\n\n--b--\n";

	scenario_init(&s);
	deliver_text(&s, forged);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.bounces, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'bounced'", NULL), 0);
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_real_bounce_marks_address_failed)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *mid = NULL;
	g_autofree char *bounce = NULL;

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	mid = sql_text(&s, "SELECT o.message_id FROM outbox o JOIN participant"
	    " p ON p.id = o.participant_id WHERE p.email_key = ?", ZHOU, NULL);
	bounce = g_strdup_printf(
	    "From: MAILER-DAEMON@mx.example.com\n"
	    "To: consult@igf.example.org\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Message-ID: <bounce-2@mx.example.com>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n\nfailed\n"
	    "--b\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example.com\n\n"
	    "Final-Recipient: rfc822; " ZHOU "\n"
	    "Action: failed\nStatus: 5.1.1\n\n"
	    "--b\nContent-Type: text/rfc822-headers\n\n"
	    "From: consult@igf.example.org\nTo: " ZHOU "\n"
	    "Message-ID: <%s>\n\n--b--\n", mid);
	deliver_text(&s, bounce);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.bounces, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'bounced' AND email_key = ?", ZHOU), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'acknowledgement'", NULL), 0);
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_stop_opts_out_with_one_confirmation)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *m1 = NULL, *m2 = NULL;

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	m1 = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: STOP\nMessage-ID: <stop1@example.com>\n\n\n",
	    token);
	m2 = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: Your views\nMessage-ID: <stop2@example.com>\n\n"
	    "Stop.\n\nOn Tue, someone wrote:\n> reply with STOP\n", token);
	deliver_text(&s, m1);
	deliver_text(&s, m2);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 2);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'opted_out' AND email_key = ?", ZHOU), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'optout'", NULL), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'acknowledgement'", NULL), 0);
	scenario_release(&s);
}
END_TEST

/* A gateway's tag and a Russian client's reply prefix before STOP. */
START_TEST(test_ingest_stop_under_tag_and_prefix)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *m = NULL;

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: [EXTERNAL] =?utf-8?b?0J7RgtCyOg==?= STOP\n"
	    "Message-ID: <stop3@example.com>\n\n\n", token);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'opted_out' AND email_key = ?", ZHOU), 1);
	scenario_release(&s);
}
END_TEST

/*
 * Answers typed inside the quoted template (Gmail's and Apple Mail's
 * "see my answers below") are read; answers a quoted reminder shows as
 * recorded are not read again, so that a STOP written above a reminder
 * changes no answer.
 */
START_TEST(test_ingest_answers_inside_quote_but_not_recorded_ones)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *m = NULL;
	g_autofree char *q3 = NULL;
	char *head;
	static const char quoted_reminder[] =
	    "> What we have recorded from you so far:\n>\n"
	    "> [Q1] What worked well in the BPF(s) you took part in?\n"
	    "> Mentors for newcomers.\n>\n"
	    "> [Q2] What worked less well?\n> Calls at 13:00 UTC.\n>\n"
	    "> [Q3] With hindsight, what would you have done differently?\n"
	    "%s>\n> [END]\n";

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: survey\nMessage-ID: <in1@example.com>\n\n"
	    "[Q1] Mentors for newcomers.\n[Q2] Calls at 13:00 UTC.\n"
	    "[END]\n", token);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.answers, 2);
	g_free(m);
	/* STOP above a reminder that quotes the recorded answers. */
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: Reminder\nMessage-ID: <in2@example.com>\n\n"
	    "STOP\n\nOn Mon, 7 Dec 2026 at 10:00, IGF <consult@igf.example"
	    ".org> wrote:\n", token);
	q3 = g_strdup_printf(quoted_reminder, "");
	head = g_steal_pointer(&m);
	m = g_strconcat(head, q3, NULL);
	g_free(head);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.answers, 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer", NULL), 2);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'opted_out' AND email_key = ?", ZHOU), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message_warning",
	    NULL), 0);
	g_free(m);
	g_free(q3);
	/* Q3 typed into the quoted reminder, under its marker. */
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: Reminder\nMessage-ID: <in3@example.com>\n\n"
	    "See below.\n\nOn Mon, 7 Dec 2026 at 10:00, IGF <consult@igf."
	    "example.org> wrote:\n", token);
	q3 = g_strdup_printf(quoted_reminder, "> Start the calls earlier.\n");
	head = g_steal_pointer(&m);
	m = g_strconcat(head, q3, NULL);
	g_free(head);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.answers, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer", NULL), 3);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a JOIN"
	    " question q ON q.id = a.question_id WHERE q.qid = 'Q3' AND"
	    " a.answer = 'Start the calls earlier.' AND a.current = 1", NULL),
	    1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message_warning"
	    " WHERE text LIKE '%inside the quoted text%'", NULL), 1);
	scenario_release(&s);
}
END_TEST

/* A quoted "reply with STOP" in the invitation is not an opt-out. */
START_TEST(test_ingest_quoted_stop_is_not_opt_out)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();

	scenario_init(&s);
	deliver_all(&s, files);
	file_inbox(&s, &res);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'opted_out'", NULL), 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'acknowledgement'", NULL), 5);
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_receipt_names_rejected_answer)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *m = NULL;
	g_autofree char *content = NULL;

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: survey\nMessage-ID: <r1@example.com>\n\n"
	    "[Q1] Good meetings.\n[R1] excellent\n[END]\n", token);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.invalid, 1);
	content = sql_text(&s, "SELECT content FROM outbox"
	    " WHERE kind = 'acknowledgement'", NULL, NULL);
	ck_assert_ptr_nonnull(content);
	ck_assert(strstr(content, "In-Reply-To: <r1@example.com>") != NULL);
	ck_assert(strstr(content, "Auto-Submitted: auto-replied") != NULL);
	ck_assert(strstr(content, "NOT ACCEPTED") != NULL);
	ck_assert(strstr(content, "Good meetings.") != NULL);
	scenario_release(&s);
}
END_TEST

/*
 * The From display name reaches extraction through the read-ahead: a
 * last paragraph that is the sender's name (or initials) signs the
 * reply, while the same name as someone else's is left in the answer.
 */
START_TEST(test_ingest_drops_the_senders_name_under_the_last_answer)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *m = NULL;
	g_autofree char *q7 = NULL;
	g_autofree char *q1 = NULL;

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	m = g_strdup_printf("From: Zhou Xiaolan <" ZHOU ">\nTo: consult+%s@"
	    "igf.example.org\nSubject: Re: survey\nMessage-ID: "
	    "<n1@example.com>\n\n[Q1] The work with Maria Silva went well."
	    "\n\nMaria Silva\n\n[Q7] Thank you for asking.\n\nXiaolan\n",
	    token);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.replies, 1);
	q7 = sql_text(&s, "SELECT a.answer FROM answer a JOIN question q ON"
	    " q.id = a.question_id WHERE q.qid = ? AND a.current", "Q7", NULL);
	q1 = sql_text(&s, "SELECT a.answer FROM answer a JOIN question q ON"
	    " q.id = a.question_id WHERE q.qid = ? AND a.current", "Q1", NULL);
	ck_assert_str_eq(q7, "Thank you for asking.");
	ck_assert_str_eq(q1, "The work with Maria Silva went well.\n\n"
	    "Maria Silva");
	scenario_release(&s);
}
END_TEST

/*
 * The subject reaches extraction through the read-ahead and the filer: a
 * reply ("RE:") with prose above the sender's earlier Outlook reply files
 * none of its old answers again; the same forwarded ("FW:") files them.
 */
static int64_t
file_thread_under(struct scenario *s, const char *subject, int n)
{
	g_autofree char *token = token_of(s, ZHOU);
	g_autofree char *m = NULL;
	struct ingest_result res;

	m = g_strdup_printf("From: Zhou Xiaolan <" ZHOU ">\nTo: consult+%s@"
	    "igf.example.org\nSubject: %s\nMessage-ID: <t%d@example.com>\n"
	    "\nPlease disregard my Q2 for now.\n\n"
	    "________________________________\nFrom: Zhou Xiaolan <" ZHOU
	    ">\nSent: Monday, December 7, 2026 10:02\nTo: IGF <consult@igf."
	    "example.org>\nSubject: RE: Review\n\n[Q1] What worked well?\n"
	    "Open calls.\n\n[Q2] What worked less well?\nTime.\n\n"
	    "________________________________\nFrom: IGF <consult@igf.example"
	    ".org>\nSent: Wednesday, December 2, 2026 09:14\nTo: Zhou Xiaolan "
	    "<" ZHOU ">\nSubject: Review\n\n[Q1] What worked well?\n\n"
	    "[Q2] What worked less well?\n", token, subject, n);
	deliver_text(s, m);
	file_inbox(s, &res);
	ck_assert_int_eq(res.filed, 1);
	return res.answers;
}

START_TEST(test_ingest_reads_an_earlier_reply_by_the_subject)
{
	struct scenario s;

	scenario_init(&s);
	ck_assert_int_eq(file_thread_under(&s, "RE: Review", 1), 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message_warning",
	    NULL), 1);
	ck_assert_int_eq(file_thread_under(&s, "FW: RE: Review", 2), 2);
	scenario_release(&s);
}
END_TEST

/*
 * Receipts are composed on a second thread and enter the outbox at the
 * end of the batch: one that cannot be built (here a template broken
 * after it was loaded) is left out and said, and keeps neither its reply
 * nor the other replies of the batch from being filed with their
 * receipts.
 */
START_TEST(test_ingest_broken_receipt_does_not_stop_filing)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *zhou = NULL;
	g_autofree char *other = NULL;
	g_autofree char *other_token = NULL;
	g_autofree char *m = NULL;
	g_autofree char *first = NULL;
	char *errmsg = NULL;

	scenario_init(&s);
	zhou = token_of(&s, ZHOU);
	other = sql_text(&s, "SELECT p.email_key FROM participant p JOIN"
	    " invitation i ON i.participant_id = p.id WHERE p.email_key <> ?"
	    " ORDER BY p.id LIMIT 1", ZHOU, NULL);
	ck_assert_ptr_nonnull(other);
	other_token = token_of(&s, other);
	m = g_strdup_printf("From: <%s>\nTo: consult+%s@igf.example.org\n"
	    "Subject: Re: survey\nMessage-ID: <b1@example.com>\n\n"
	    "[Q1] First.\n[END]\n", other, other_token);
	deliver_text(&s, m);
	g_free(m);
	/* Every consultation's receipt template, after loading. */
	ck_assert_int_eq(sqlite3_exec(s.sql, "UPDATE template SET body ="
	    " 'Subject: Thanks\n\n{{no_such_placeholder}}\n' WHERE name ="
	    " 'acknowledgement'", NULL, NULL, &errmsg), SQLITE_OK);
	ck_assert_int_gt(sqlite3_changes(s.sql), 0);
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: survey\nMessage-ID: <b2@example.com>\n\n"
	    "[Q1] Second.\n[END]\n", zhou);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 2);
	ck_assert_int_eq(res.replies, 2);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message WHERE"
	    " message_id IN ('b1@example.com', 'b2@example.com')", NULL), 2);
	first = sql_text(&s, "SELECT a.answer FROM answer a JOIN participant p"
	    " ON p.id = a.participant_id WHERE p.email_key = ? AND"
	    " a.current = 1", ZHOU, NULL);
	ck_assert_str_eq(first, "Second.");
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'acknowledgement'", NULL), 0);
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_same_id_other_content_is_kept_not_deleted)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) cur = NULL;
	g_autofree char *inbox = NULL;

	scenario_init(&s);
	deliver_text(&s, "From: a@elsewhere.example\nSubject: one\n"
	    "Message-ID: <same@x>\n\nfirst text\n");
	deliver_text(&s, "From: a@elsewhere.example\nSubject: two\n"
	    "Message-ID: <same@x>\n\nsecond, different text\n");
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 1);
	ck_assert_int_eq(res.duplicates, 1);
	inbox = g_build_filename(s.ws.cfg->spool, "inbox", NULL);
	cur = spool_list(inbox, "cur", NULL);
	ck_assert_uint_eq(cur->len, 2);
	scenario_release(&s);
}
END_TEST

START_TEST(test_ingest_oversize_is_filed_once_by_its_header)
{
	struct scenario s;
	struct ingest_result res;
	GString *big = g_string_new("From: a@elsewhere.example\n"
	    "Subject: huge\nMessage-ID: <huge@x>\n\n");
	struct config *cfg;

	scenario_init(&s);
	while (big->len < 64 * 1024)
		g_string_append(big, "0123456789abcdef0123456789abcdef\n");
	cfg = s.ws.cfg;
	cfg->imap.max_message_size = 16 * 1024;
	deliver_text(&s, big->str);
	deliver_text(&s, big->str);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 1);
	ck_assert_int_eq(res.duplicates, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message WHERE"
	    " status = 'too_large' AND message_id = 'huge@x'", NULL), 1);
	g_string_free(big, TRUE);
	scenario_release(&s);
}
END_TEST

static int64_t
remind(struct scenario *s, int64_t now, bool dry_run)
{
	struct remind_result res;
	GError *err = NULL;
	int64_t n;

	remind_result_init(&res);
	ck_assert_msg(remind_run(s->ws.db, s->ws.cfg, "bpf-on-bpfs", dry_run,
	    now, &res, &err), "%s", err ? err->message : "");
	ck_assert_uint_eq(res.lines->len, 12);
	n = res.reminded;
	remind_result_release(&res);
	return n;
}

/*
 * The policy: not before the interval, never twice in a row, at most
 * max_reminders, never to complete, opted-out or bounced participants,
 * nothing after the deadline.
 */
START_TEST(test_remind_policy)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	g_autofree char *token = NULL;
	g_autofree char *stop = NULL;
	g_autofree char *content = NULL;
	const int64_t week = 7 * 86400;

	scenario_init(&s);
	deliver_all(&s, files);
	token = token_of(&s, ZHOU);
	stop = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: unsubscribe\nMessage-ID: <u@example.com>\n\n\n",
	    token);
	deliver_text(&s, stop);
	file_inbox(&s, &res);
	/* 12 invited, 3 complete, 1 opted out: 8 due, but not yet. */
	ck_assert_int_eq(remind(&s, NOW + 3600, false), 0);
	ck_assert_int_eq(remind(&s, NOW + week + 3600, true), 8);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'reminder'", NULL), 0);
	ck_assert_int_eq(remind(&s, NOW + week + 3600, false), 8);
	ck_assert_int_eq(remind(&s, NOW + week + 3700, false), 0);
	ck_assert_int_eq(remind(&s, NOW + 2 * week + 7200, false), 8);
	ck_assert_int_eq(remind(&s, NOW + 3 * week + 9000, false), 8);
	/* max_reminders = 3 */
	ck_assert_int_eq(remind(&s, NOW + 4 * week + 9000, false), 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'reminder'", NULL), 24);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox o JOIN"
	    " participant p ON p.id = o.participant_id WHERE o.kind ="
	    " 'reminder' AND p.status != 'active'", NULL), 0);
	/* The partial French reply's reminder carries her answers. */
	content = sql_text(&s, "SELECT o.content FROM outbox o JOIN"
	    " participant p ON p.id = o.participant_id WHERE o.kind ="
	    " 'reminder' AND p.email_key = ?",
	    "elodie.marchand-vasseur@example.net", NULL);
	ck_assert_ptr_nonnull(content);
	ck_assert(strstr(content, "[Q3]") != NULL);
	ck_assert(strstr(content, "Les appels =C3=A0 contributions") != NULL);
	scenario_release(&s);
}
END_TEST

START_TEST(test_remind_nothing_after_deadline)
{
	struct scenario s;

	scenario_init(&s);
	ck_assert(s.def->deadline > 0);
	ck_assert_int_eq(remind(&s, s.def->deadline + 1, false), 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'reminder'", NULL), 0);
	scenario_release(&s);
}
END_TEST

static const struct {
	const char *from;
	const char *extra_header;
	const char *body;
	bool runs;
} command_cases[] = {
	/* The shared secret in the message. */
	{ "coord@example.org", "", "STATUS bpf-on-bpfs\n"
	  "secret: correct-horse-battery-staple\n", true },
	/* DKIM pass for the sender's domain from the trusted host. */
	{ "coord@example.org", "Authentication-Results: mx.igf.example.org;"
	  " dkim=pass header.d=example.org; spf=fail\n",
	  "STATUS bpf-on-bpfs\n", true },
	{ "coord@example.org", "Authentication-Results: mx.igf.example.org 1;"
	  " spf=pass smtp.mailfrom=coord@example.org\n",
	  "status bpf-on-bpfs\n", true },
	/* Forged: another host's verdict, or a pass for another domain. */
	{ "coord@example.org", "Authentication-Results: evil.example;"
	  " dkim=pass header.d=example.org\n", "STATUS bpf-on-bpfs\n",
	  false },
	{ "coord@example.org", "Authentication-Results: mx.igf.example.org;"
	  " dkim=pass header.d=evil.example\n", "STATUS bpf-on-bpfs\n",
	  false },
	/*
	 * A pass in a field of the trusted host's name that the sender wrote
	 * below the one the host added on top (RFC 8601 section 7.1).
	 */
	{ "coord@example.org", "Authentication-Results: mx.igf.example.org;"
	  " dkim=fail header.d=example.org; spf=softfail"
	  " smtp.mailfrom=coord@example.org\n"
	  "Received: from evil.example by mx.igf.example.org; Mon, 2 Mar 2026"
	  " 10:00:00 +0000\n"
	  "Authentication-Results: mx.igf.example.org;"
	  " dkim=pass header.d=example.org\n", "STATUS bpf-on-bpfs\n",
	  false },
	/* No authentication at all, a wrong secret, not a coordinator. */
	{ "coord@example.org", "", "STATUS bpf-on-bpfs\n", false },
	{ "coord@example.org", "", "STATUS bpf-on-bpfs\nsecret: guess\n",
	  false },
	{ "someone@example.org", "", "STATUS bpf-on-bpfs\n"
	  "correct-horse-battery-staple\n", false },
};

START_TEST(test_command_by_mail_runs_only_when_authorized)
{
	struct scenario s;
	struct ingest_result res;
	struct config *cfg;
	g_autofree char *secret = NULL;
	g_autofree char *m = NULL;
	g_autofree char *result = NULL;
	GError *err = NULL;

	scenario_init(&s);
	cfg = s.ws.cfg;
	secret = testutil_write(s.dir, "secret", "correct-horse-battery-staple"
	    "\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	cfg->commands.coordinators = g_strdup("Other@example.net, "
	    "coord@EXAMPLE.org");
	cfg->commands.secret_file = g_strdup(secret);
	cfg->commands.trusted_authserv_id = g_strdup("mx.igf.example.org");
	m = g_strdup_printf("%sFrom: %s\nTo: consult@igf.example.org\n"
	    "Subject: hello\nMessage-ID: <cmd@example.org>\n\n%s",
	    command_cases[_i].extra_header, command_cases[_i].from,
	    command_cases[_i].body);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.filed, 1);
	ck_assert_int_eq(res.commands, command_cases[_i].runs ? 1 : 0);
	ck_assert_msg(command_run_pending(s.ws.db, cfg, NOW + 7200, &err),
	    "%s", err ? err->message : "");
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox WHERE kind"
	    " = 'command'", NULL), command_cases[_i].runs ? 1 : 0);
	if (command_cases[_i].runs) {
		result = sql_text(&s, "SELECT content FROM outbox WHERE kind ="
		    " 'command' AND recipient = ?", command_cases[_i].from,
		    NULL);
		ck_assert_ptr_nonnull(result);
		ck_assert(strstr(result, "In-Reply-To: <cmd@example.org>") !=
		    NULL);
		ck_assert(strstr(result, "participants") != NULL);
		/* Carried out once: a second run sends nothing more. */
		ck_assert(command_run_pending(s.ws.db, cfg, NOW + 7300, NULL));
		ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
		    " WHERE kind = 'command'", NULL), 1);
	}
	scenario_release(&s);
}
END_TEST

START_TEST(test_command_remind_by_mail_runs_campaign)
{
	struct scenario s;
	struct ingest_result res;
	struct config *cfg;
	g_autofree char *secret = NULL;

	scenario_init(&s);
	cfg = s.ws.cfg;
	secret = testutil_write(s.dir, "secret", "correct-horse-battery-staple"
	    "\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	cfg->commands.coordinators = g_strdup("coord@example.org");
	cfg->commands.secret_file = g_strdup(secret);
	deliver_text(&s, "From: coord@example.org\nSubject: REMIND "
	    "bpf-on-bpfs\nMessage-ID: <r@example.org>\n\n"
	    "correct-horse-battery-staple\n");
	file_inbox(&s, &res);
	ck_assert_int_eq(res.commands, 1);
	ck_assert(command_run_pending(s.ws.db, cfg, NOW + 8 * 86400, NULL));
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'reminder'", NULL), 12);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE kind = 'command' AND status = 'done'", NULL), 1);
	scenario_release(&s);
}
END_TEST

START_TEST(test_withdraw_removes_answers_with_one_confirmation)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	g_autofree char *token = NULL;
	g_autofree char *m = NULL;
	g_autofree char *forged = NULL;
	const char *tamsin = "tamsin.okafor-lund@example.org";

	scenario_init(&s);
	deliver_all(&s, files);
	file_inbox(&s, &res);
	token = token_of(&s, tamsin);
	/* Without the token, WITHDRAW is not acted on. */
	forged = g_strdup_printf("From: %s\nTo: consult@igf.example.org\n"
	    "Subject: WITHDRAW\nMessage-ID: <w0@example.org>\n\n\n", tamsin);
	deliver_text(&s, forged);
	file_inbox(&s, &res);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'withdrawn'", NULL), 0);
	m = g_strdup_printf("From: %s\nTo: consult+%s@igf.example.org\n"
	    "Subject: Re: Your views\nMessage-ID: <w1@example.org>\n\n"
	    "Withdraw\n", tamsin, token);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE status = 'withdrawn' AND email_key = ?", tamsin), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a JOIN"
	    " participant p ON p.id = a.participant_id WHERE p.email_key = ?"
	    " AND (a.answer != '' OR a.current)", tamsin), 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a JOIN"
	    " participant p ON p.id = a.participant_id WHERE p.email_key = ?",
	    tamsin), 16);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'withdrawal'", NULL), 1);
	scenario_release(&s);
}
END_TEST

START_TEST(test_close_marks_later_replies_late_and_says_so)
{
	struct scenario s;
	struct ingest_result res;
	g_autoptr(GPtrArray) files = fixture_replies();
	g_autofree char *content = NULL;

	scenario_init(&s);
	ck_assert_int_eq(db_consultation_close(s.ws.db, "bpf-on-bpfs", NOW,
	    NULL), 1);
	ck_assert_int_eq(db_consultation_close(s.ws.db, "bpf-on-bpfs", NOW,
	    NULL), 0);
	g_ptr_array_set_size(files, 1);
	deliver_all(&s, files);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.replies, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE late = 1", NULL), 1);
	content = sql_text(&s, "SELECT content FROM outbox"
	    " WHERE kind = 'acknowledgement'", NULL, NULL);
	ck_assert(strstr(content, "closed on") != NULL);
	ck_assert_int_eq(remind(&s, NOW + 30 * 86400, false), 0);
	scenario_release(&s);
}
END_TEST

START_TEST(test_record_interview_notes)
{
	struct scenario s;
	GError *err = NULL;
	int64_t n = 0;
	const char *zhou = ZHOU;

	scenario_init(&s);
	ck_assert_msg(record_answers(s.ws.db, "bpf-on-bpfs", zhou,
	    "Notes of a call on 3 December.\n\n[Q1] The webinars.\n\n"
	    "[R1] 4\n[Y1] yes\n", "secretariat-staff", NOW, &n, &err), "%s",
	    err ? err->message : "");
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer WHERE"
	    " source = 'interview' AND recorded_by = 'secretariat-staff'"
	    " AND current", NULL), 3);
	/* One bad answer refuses the whole record. */
	ck_assert(!record_answers(s.ws.db, "bpf-on-bpfs", zhou,
	    "[Q2] fine\n[R2] 9\n", "x", NOW, &n, &err));
	ck_assert_int_eq(err->code, EX_DATAERR);
	ck_assert(strstr(err->message, "[R2]") != NULL);
	g_clear_error(&err);
	ck_assert(!record_answers(s.ws.db, "bpf-on-bpfs", "nobody@example.org",
	    "[Q1] x\n", "x", NOW, &n, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_clear_error(&err);
	ck_assert(!record_answers(s.ws.db, "bpf-on-bpfs", zhou, "no markers",
	    "x", NOW, &n, &err));
	ck_assert_int_eq(err->code, EX_DATAERR);
	g_clear_error(&err);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer", NULL), 3);
	scenario_release(&s);
}
END_TEST

/*
 * Recording the same notes again (a rerun after a crash, or by an
 * operator who saw no output) files nothing twice, even after the
 * participant mailed a newer answer; changed notes file what changed.
 */
START_TEST(test_record_same_notes_twice_files_them_once)
{
	static const char notes[] = "Notes of a call on 3 December.\n\n"
	    "[Q1] The webinars.\n\n[R1] 4\n[Y1] yes\n";
	struct scenario s;
	struct ingest_result res;
	GError *err = NULL;
	g_autofree char *token = NULL;
	g_autofree char *mail = NULL;
	g_autofree char *q1 = NULL;
	int64_t n = -1;

	scenario_init(&s);
	ck_assert(record_answers(s.ws.db, "bpf-on-bpfs", ZHOU, notes, "staff",
	    NOW, &n, &err));
	ck_assert_int_eq(n, 3);
	ck_assert_msg(record_answers(s.ws.db, "bpf-on-bpfs", ZHOU, notes,
	    "staff", NOW + 60, &n, &err), "%s", err ? err->message : "");
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer", NULL), 3);

	/* The participant mails a newer Q1; the notes rerun leave it. */
	token = token_of(&s, ZHOU);
	mail = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: Your views\nMessage-ID: <later@example.com>\n\n"
	    "[Q1] On second thought, the webinars and the calls.\n", token);
	deliver_text(&s, mail);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.replies, 1);
	ck_assert(record_answers(s.ws.db, "bpf-on-bpfs", ZHOU, notes, "staff",
	    NOW + 7200, &n, &err));
	ck_assert_int_eq(n, 0);
	q1 = sql_text(&s, "SELECT a.answer FROM answer a JOIN question q"
	    " ON q.id = a.question_id WHERE q.qid = 'Q1' AND a.current", NULL,
	    NULL);
	ck_assert_str_eq(q1, "On second thought, the webinars and the calls.");

	/* Corrected notes file the corrected answer only. */
	ck_assert(record_answers(s.ws.db, "bpf-on-bpfs", ZHOU,
	    "[Q1] The webinars.\n\n[R1] 5\n[Y1] yes\n", "staff", NOW + 7300,
	    &n, &err));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer"
	    " WHERE source = 'interview'", NULL), 4);
	/* And going back to the first reading is a change again. */
	ck_assert(record_answers(s.ws.db, "bpf-on-bpfs", ZHOU, notes, "staff",
	    NOW + 7400, &n, &err));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer"
	    " WHERE source = 'interview'", NULL), 5);
	scenario_release(&s);
}
END_TEST

/*
 * A reply carrying one invitee's token but sent from another address (a
 * forwarded invitation, SPEC 5) is filed for the invitee; status lists
 * it for triage with who sent it.  The invitee's own address in other
 * letter case is not a forward.
 */
START_TEST(test_status_lists_reply_sent_from_another_address)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *fwd = NULL;
	g_autofree char *own = NULL;
	g_autoptr(GString) json = g_string_new(NULL);
	g_autoptr(GString) text = g_string_new(NULL);

	scenario_init(&s);
	token = token_of(&s, ZHOU);
	fwd = g_strdup_printf("From: Li Wei <li.wei@example.net>\n"
	    "To: consult+%s@igf.example.org\nSubject: Re: Your views\n"
	    "Message-ID: <fwd-1@example.net>\n\n"
	    "[Q1] My manager forwarded this; the webinars.\n", token);
	own = g_strdup_printf("From: Zhou <Zhou.Xiaolan@EXAMPLE.com>\n"
	    "To: consult+%s@igf.example.org\nSubject: Re: Your views\n"
	    "Message-ID: <own-1@example.com>\n\n[Q2] Too many calls.\n",
	    token);
	deliver_text(&s, fwd);
	deliver_text(&s, own);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.replies, 2);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message m"
	    " JOIN participant p ON p.id = m.participant_id"
	    " WHERE p.email_key = ? AND m.sender = 'li.wei@example.net'", ZHOU),
	    1);

	ck_assert(status_render(s.ws.db, "bpf-on-bpfs", true, NOW, json,
	    NULL));
	ck_assert_msg(strstr(json->str, "\"forwarded\": 1") != NULL, "%s",
	    json->str);
	ck_assert(strstr(json->str, "\"needs_attention\": 1") != NULL);
	ck_assert(strstr(json->str, "\"kind\": \"forwarded\"") != NULL);
	ck_assert(strstr(json->str, "sent by li.wei@example.net") != NULL);
	ck_assert(status_render(s.ws.db, "bpf-on-bpfs", false, NOW, text,
	    NULL));
	ck_assert_msg(strstr(text->str, "1 reply sent from another address "
	    "than the invitee's") != NULL, "%s", text->str);
	ck_assert(strstr(text->str, ZHOU "  \"Re: Your views\": sent by "
	    "li.wei@example.net\n") != NULL);
	ck_assert(strstr(text->str, "sent by zhou") == NULL);
	scenario_release(&s);
}
END_TEST

static void
load_feedback_round(struct scenario *s)
{
	g_autofree char *dir = g_build_filename(testutil_top(), "templates",
	    "bpf-report-feedback", NULL);
	struct definition *def = definition_read(dir, NULL);
	int64_t cid;
	bool created;

	ck_assert_ptr_nonnull(def);
	ck_assert(def->open);
	ck_assert(db_consultation_store(s->ws.db, def, NOW, &cid, &created,
	    NULL));
	definition_free(def);
}

#define STRANGER "mag.member@example.net"

/*
 * Answers are read ahead of filing with the markers of the consultation
 * the last message answered; a reply to another consultation is read
 * again with its own (here [S2] is no marker of bpf-on-bpfs).
 */
START_TEST(test_ingest_reply_to_other_consultation_than_expected)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *zhou = NULL;
	g_autofree char *stranger = NULL;
	g_autofree char *m = NULL;
	g_autofree char *s2 = NULL;

	scenario_init(&s);
	load_feedback_round(&s);
	deliver_text(&s, "From: A MAG member <" STRANGER ">\n"
	    "To: feedback@igf.example.org\nSubject: comments\n"
	    "Message-ID: <x1@example.net>\n\n[S1] Lead with the"
	    " recommendations.\n");
	file_inbox(&s, &res);
	ck_assert_int_eq(res.replies, 1);
	zhou = token_of(&s, ZHOU);
	m = g_strdup_printf("From: " ZHOU "\nTo: consult+%s@igf.example.org"
	    "\nSubject: Re: survey\nMessage-ID: <x2@example.com>\n\n"
	    "[Q1] Mentors.\n[END]\n", zhou);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.answers, 1);
	g_free(m);
	/* The last message answered bpf-on-bpfs; this one the round. */
	stranger = token_of(&s, STRANGER);
	ck_assert_ptr_nonnull(stranger);
	m = g_strdup_printf("From: " STRANGER "\nTo: consult+%s@igf.example"
	    ".org\nSubject: Re: Received\nMessage-ID: <x3@example.net>\n\n"
	    "[S2] Shorter, please.\n", stranger);
	deliver_text(&s, m);
	file_inbox(&s, &res);
	ck_assert_int_eq(res.answers, 1);
	s2 = sql_text(&s, "SELECT a.answer FROM answer a JOIN question q ON"
	    " q.id = a.question_id JOIN participant p ON p.id ="
	    " a.participant_id WHERE q.qid = 'S2' AND p.email_key = ?",
	    STRANGER, NULL);
	ck_assert_ptr_nonnull(s2);
	ck_assert_str_eq(s2, "Shorter, please.");
	scenario_release(&s);
}
END_TEST

START_TEST(test_open_consultation_registers_and_confirms)
{
	struct scenario s;
	struct ingest_result res;
	g_autofree char *token = NULL;
	g_autofree char *confirm = NULL;
	g_autofree char *receipt = NULL;

	scenario_init(&s);
	load_feedback_round(&s);
	deliver_text(&s, "From: A MAG member <" STRANGER ">\n"
	    "To: feedback@igf.example.org\nSubject: comments\n"
	    "Message-ID: <o1@example.net>\n\n"
	    "[S1] The summary should lead with the recommendations.\n"
	    "[G1] Thank you.\n");
	file_inbox(&s, &res);
	ck_assert_int_eq(res.replies, 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE email_key = ? AND verified = 0", STRANGER), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM answer a JOIN"
	    " participant p ON p.id = a.participant_id WHERE p.email_key = ?"
	    " AND a.current", STRANGER), 2);
	receipt = sql_text(&s, "SELECT content FROM outbox WHERE recipient = ?"
	    " AND kind = 'acknowledgement'", STRANGER, NULL);
	ck_assert_ptr_nonnull(receipt);
	ck_assert(strstr(receipt, "confirm your address") != NULL);
	/* Replying once to the receipt (it carries the token) confirms. */
	token = token_of(&s, STRANGER);
	confirm = g_strdup_printf("From: " STRANGER "\nTo: consult+%s@"
	    "igf.example.org\nSubject: Re: Received\nMessage-ID: "
	    "<o2@example.net>\n\nconfirmed\n", token);
	deliver_text(&s, confirm);
	file_inbox(&s, &res);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE email_key = ? AND verified = 1", STRANGER), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE status = 'confirmed'", NULL), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM outbox"
	    " WHERE recipient = ?", STRANGER), 1);
	scenario_release(&s);
}
END_TEST

START_TEST(test_open_consultation_holds_floods)
{
	struct scenario s;
	struct ingest_result res;
	int i;

	scenario_init(&s);
	load_feedback_round(&s);
	for (i = 0; i < 8; i++) {
		g_autofree char *m = g_strdup_printf("From: " STRANGER "\n"
		    "To: feedback@igf.example.org\nSubject: c\n"
		    "Message-ID: <f%d@example.net>\n\n[S2] comment %d\n",
		    i, i);

		deliver_text(&s, m);
	}
	/* Markers of a closed consultation only: not registered. */
	deliver_text(&s, "From: other@example.net\nTo: consult@igf.example.org"
	    "\nSubject: x\nMessage-ID: <x@example.net>\n\n[Q1] hello\n");
	file_inbox(&s, &res);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE status = 'held'", NULL), 8 - 5);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM participant"
	    " WHERE verified = 0", NULL), 1);
	ck_assert_int_eq(sql_int(&s, "SELECT count(*) FROM message"
	    " WHERE kind = 'unrelated'", NULL), 1);
	{
		g_autoptr(GString) out = g_string_new(NULL);

		ck_assert(status_render(s.ws.db, "bpf-report-feedback", true,
		    NOW, out, NULL));
		ck_assert(strstr(out->str, "\"held\": 3") != NULL);
		ck_assert(strstr(out->str, "\"unverified\": 1") != NULL);
		/* Counted apart: not among the complete or partial. */
		ck_assert(strstr(out->str, "\"partial\": 0") != NULL);
		ck_assert(strstr(out->str, "\"complete\": 0") != NULL);
	}
	scenario_release(&s);
}
END_TEST

/*
 * One batch of an open round's traffic: strangers answering (registered
 * unverified, flood-checked, acknowledged) and unknown senders without
 * markers (looked up by address), then what each fetch and each
 * campaign reads: pending commands, every participant's contacts.
 * Returns the rows read by whole-table scans meanwhile.
 */
static int64_t
open_round_batch(struct scenario *s, int batch)
{
	struct ingest_result res;
	int64_t before = db_fullscan_steps(s->ws.db), pid, n, last;
	g_autoptr(GPtrArray) cmds = NULL;
	int i;

	for (i = 0; i < 20; i++) {
		g_autofree char *a = g_strdup_printf("From: s%d.%d@example.net"
		    "\nTo: feedback@igf.example.org\nSubject: c\n"
		    "Message-ID: <a%d.%d@example.net>\n\n[S2] comment\n"
		    "[G1] thanks\n", batch, i, batch, i);
		g_autofree char *b = g_strdup_printf("From: u%d.%d@example.com"
		    "\nTo: consult@igf.example.org\nSubject: hello\n"
		    "Message-ID: <b%d.%d@example.com>\n\nA question about the"
		    " forum.\n", batch, i, batch, i);

		deliver_text(s, a);
		deliver_text(s, b);
	}
	file_inbox(s, &res);
	ck_assert_int_eq(res.replies, 20);
	ck_assert_int_eq(res.unrelated, 20);
	cmds = db_message_pending_commands(s->ws.db, NULL);
	ck_assert_ptr_nonnull(cmds);
	for (pid = 1; pid <= 12 + 20 * batch; pid++)
		ck_assert(db_outbox_contacts(s->ws.db, pid, &n, &last, NULL));
	return db_fullscan_steps(s->ws.db) - before;
}

/*
 * Filing reads by index: the second batch may not read more rows by
 * whole-table scans than the first, or each message would cost more as
 * the consultation grows (each batch of 40 scanned every earlier message
 * and participant before the indexes of schema version 3).
 */
START_TEST(test_filing_cost_does_not_grow_with_the_tables)
{
	struct scenario s;
	int64_t first, second;

	scenario_init(&s);
	load_feedback_round(&s);
	first = open_round_batch(&s, 1);
	second = open_round_batch(&s, 2);
	ck_assert_msg(second <= first + 5, "rows scanned: %lld for the first "
	    "batch, %lld for the second", (long long)first,
	    (long long)second);
	scenario_release(&s);
}
END_TEST

Suite *
ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc = tcase_create("ingest");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ingest_demo_replies_file_expected_answers);
	tcase_add_test(tc, test_ingest_twice_files_once);
	tcase_add_test(tc, test_ingest_repairs_crash_between_commit_and_move);
	tcase_add_test(tc, test_ingest_forged_from_cannot_change_answers);
	tcase_add_test(tc,
	    test_ingest_unknown_sender_and_garbage_are_kept_for_triage);
	tcase_add_test(tc, test_invite_twice_sends_nothing_new);
	tcase_add_test(tc, test_ingest_forged_bounce_does_not_mark_bounced);
	tcase_add_test(tc, test_ingest_real_bounce_marks_address_failed);
	tcase_add_test(tc, test_ingest_stop_opts_out_with_one_confirmation);
	tcase_add_test(tc, test_ingest_stop_under_tag_and_prefix);
	tcase_add_test(tc, test_ingest_quoted_stop_is_not_opt_out);
	tcase_add_test(tc, test_ingest_receipt_names_rejected_answer);
	tcase_add_test(tc, test_ingest_broken_receipt_does_not_stop_filing);
	tcase_add_test(tc, test_ingest_answers_inside_quote_but_not_recorded_ones);
	tcase_add_test(tc,
	    test_ingest_same_id_other_content_is_kept_not_deleted);
	tcase_add_test(tc, test_ingest_oversize_is_filed_once_by_its_header);
	tcase_add_test(tc, test_remind_policy);
	tcase_add_test(tc, test_remind_nothing_after_deadline);
	tcase_add_loop_test(tc, test_command_by_mail_runs_only_when_authorized,
	    0, G_N_ELEMENTS(command_cases));
	tcase_add_test(tc, test_command_remind_by_mail_runs_campaign);
	tcase_add_test(tc, test_withdraw_removes_answers_with_one_confirmation);
	tcase_add_test(tc, test_close_marks_later_replies_late_and_says_so);
	tcase_add_test(tc, test_record_interview_notes);
	tcase_add_test(tc, test_record_same_notes_twice_files_them_once);
	tcase_add_test(tc, test_status_lists_reply_sent_from_another_address);
	tcase_add_test(tc, test_open_consultation_registers_and_confirms);
	tcase_add_test(tc, test_ingest_reply_to_other_consultation_than_expected);
	tcase_add_test(tc, test_open_consultation_holds_floods);
	tcase_add_test(tc, test_filing_cost_does_not_grow_with_the_tables);
	tcase_add_test(tc, test_ingest_drops_the_senders_name_under_the_last_answer);
	tcase_add_test(tc, test_ingest_reads_an_earlier_reply_by_the_subject);
	suite_add_tcase(s, tc);
	return s;
}
