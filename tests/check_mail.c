/* SPDX-License-Identifier: MIT */
/*
 * Mail really sent: invitations, receipts and reminders through the
 * outbox to a real SMTP server (Postfix's smtp-sink on 127.0.0.1), read
 * back and checked; and the outbox's answers to a server that defers,
 * refuses or hangs up after the final dot.
 */
#include <check.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "definition.h"
#include "ingest.h"
#include "invite.h"
#include "mime.h"
#include "outbox.h"
#include "participants.h"
#include "remind.h"
#include "smtp_server.h"
#include "spool.h"
#include "testutil.h"
#include "workspace.h"

Suite *mail_suite(void);

#define NOW 1796000000

struct world {
	char *dir;
	struct workspace ws;
	struct smtp_server *sink;
	sqlite3 *sql;
};

/* n participants in dir/many.csv, newly allocated path. */
static char *
write_participants(const char *dir, unsigned n)
{
	g_autoptr(GString) csv = g_string_new("email,name,language\n");
	unsigned i;

	for (i = 0; i < n; i++)
		g_string_append_printf(csv, "p%04u@example.org,"
		    "Participant %u,en\n", i, i);
	return testutil_write(dir, "many.csv", csv->str);
}

/*
 * A workspace sending to a fresh smtp-sink run with sink_options, the
 * shipped consultation loaded and the demo's participants imported, or
 * n generated ones when n > 0.
 */
static void
world_init_n(struct world *w, const char *const *sink_options, unsigned n)
{
	g_autofree char *why = NULL;
	g_autofree char *conf = NULL;
	g_autofree char *text = NULL;
	g_autofree char *tdir = g_build_filename(testutil_top(), "templates",
	    "bpf-on-bpfs", NULL);
	g_autofree char *csv = NULL;
	struct participants_result pres;
	struct definition *def;
	int64_t cid;
	bool created;

	mime_init();
	w->sink = smtp_server_start(sink_options, true, &why);
	ck_assert_msg(w->sink != NULL, "cannot start smtp-sink: %s", why);
	w->dir = testutil_tmpdir();
	csv = n > 0 ? write_participants(w->dir, n) : g_build_filename(
	    testutil_top(), "tests", "fixtures", "demo", "participants.csv",
	    NULL);
	text = g_strdup_printf("[consultd]\ndatabase = consultd.db\n"
	    "spool = spool\n[smtp]\nurl = %s\ntls = none\n"
	    "from = IGF Secretariat <consult@igf.example.org>\n"
	    "rate = 1000/s\n", smtp_server_url(w->sink));
	conf = testutil_write(w->dir, "consultd.conf", text);
	ck_assert(workspace_open(&w->ws, conf, NULL));
	def = definition_read(tdir, NULL);
	ck_assert(db_consultation_store(w->ws.db, def, NOW, &cid, &created,
	    NULL));
	definition_free(def);
	participants_result_init(&pres);
	ck_assert(participants_import(w->ws.db, cid, csv, false, NOW, &pres,
	    NULL));
	participants_result_release(&pres);
	ck_assert_int_eq(sqlite3_open(w->ws.cfg->database, &w->sql),
	    SQLITE_OK);
}

static void
world_init(struct world *w, const char *const *sink_options)
{
	world_init_n(w, sink_options, 0);
}

static void
world_release(struct world *w)
{
	sqlite3_close(w->sql);
	workspace_close(&w->ws);
	smtp_server_stop(w->sink);
	testutil_rmtree(w->dir);
	g_free(w->dir);
	mime_shutdown();
}

static int64_t
sql_int(struct world *w, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_msg(sqlite3_prepare_v2(w->sql, sql, -1, &st, NULL) ==
	    SQLITE_OK, "%s", sqlite3_errmsg(w->sql));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static struct invite_result
invite(struct world *w, int64_t now)
{
	struct invite_result res;
	GError *err = NULL;

	invite_result_init(&res);
	ck_assert_msg(invite_run(w->ws.db, w->ws.cfg, "bpf-on-bpfs", false,
	    now, &res, &err), "%s", err ? err->message : "");
	g_ptr_array_unref(res.would_invite);
	res.would_invite = NULL;
	return res;
}

/* A strict look at what reached the server (RFC 5322, MIME, SPEC 10). */
static void
check_message(const struct smtp_server_message *m)
{
	const char *body = strstr(m->data, "\n\n");
	const char *p;
	size_t line = 0;

	ck_assert_ptr_nonnull(body);
	for (p = m->data; *p; p++) {
		ck_assert_msg((unsigned char)*p < 0x80, "8-bit byte sent");
		ck_assert_msg(*p != '\r', "bare CR sent");
		line = *p == '\n' ? 0 : line + 1;
		ck_assert_msg(line <= 998, "line over 998 octets");
	}
	ck_assert(strstr(m->data, "\nDate: ") || g_str_has_prefix(m->data,
	    "Date: "));
	ck_assert(strstr(m->data, "\nMessage-Id: <") ||
	    strstr(m->data, "\nMessage-ID: <"));
	ck_assert(strstr(m->data, "\nMIME-Version: 1.0\n") != NULL);
	ck_assert(strstr(m->data, "\nAuto-Submitted: auto-") != NULL);
	ck_assert(strstr(m->data, "Content-Transfer-Encoding: "
	    "quoted-printable") || strstr(m->data,
	    "Content-Transfer-Encoding: 7bit"));
	ck_assert(strstr(m->data, "\nBcc:") == NULL);
}

START_TEST(test_mail_invitations_over_smtp_once)
{
	struct world w;
	struct invite_result res;
	g_autoptr(GPtrArray) msgs = NULL;
	size_t i;

	world_init(&w, NULL);
	res = invite(&w, NOW);
	ck_assert_int_eq(res.queued, 12);
	ck_assert_int_eq(res.sent, 12);
	msgs = smtp_server_messages(w.sink);
	ck_assert_uint_eq(msgs->len, 12);
	for (i = 0; i < msgs->len; i++) {
		const struct smtp_server_message *m = msgs->pdata[i];

		check_message(m);
		/* VERP: the envelope sender names the participant. */
		ck_assert_msg(g_str_has_prefix(m->mail_args,
		    "<consult+"), "%s", m->mail_args);
		ck_assert(strstr(m->data, "\nRef: ") != NULL);
	}
	/* Again: nothing new goes out. */
	res = invite(&w, NOW + 60);
	ck_assert_int_eq(res.sent, 0);
	ck_assert_uint_eq(smtp_server_count(w.sink), 12);
	ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox"
	    " WHERE status = 'sent'"), 12);
	world_release(&w);
}
END_TEST

START_TEST(test_mail_receipts_and_reminders_over_smtp)
{
	struct world w;
	struct ingest_result ires;
	struct outbox_result ores;
	struct remind_result rres;
	g_autofree char *inbox = NULL;
	g_autofree char *token = NULL;
	g_autofree char *reply = NULL;
	GError *err = NULL;
	sqlite3_stmt *st;

	world_init(&w, NULL);
	(void)invite(&w, NOW);
	ck_assert_int_eq(sqlite3_prepare_v2(w.sql, "SELECT i.token FROM"
	    " invitation i JOIN participant p ON p.id = i.participant_id"
	    " WHERE p.email_key = 'zhou.xiaolan@example.com'", -1, &st, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	token = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	reply = g_strdup_printf("From: zhou.xiaolan@example.com\n"
	    "To: consult+%s@igf.example.org\nSubject: Re: survey\n"
	    "Message-ID: <z1@example.com>\n\n[Q1] \xe5\xbe\x88\xe5\xa5\xbd\n"
	    "[R1] 4\n[END]\n", token);
	inbox = g_build_filename(w.ws.cfg->spool, "inbox", NULL);
	ck_assert(spool_deliver(inbox, reply, strlen(reply), NULL, NULL));
	ck_assert(ingest_spool(w.ws.db, w.ws.cfg, NOW + 60, &ires, &err));
	ck_assert(outbox_flush(w.ws.db, w.ws.cfg, NOW + 60, &ores, &err));
	ck_assert_int_eq(ores.sent, 1);
	ck_assert_uint_eq(smtp_server_count(w.sink), 13);
	/* A reminder campaign a week later, then again at once. */
	remind_result_init(&rres);
	ck_assert(remind_run(w.ws.db, w.ws.cfg, "bpf-on-bpfs", false,
	    NOW + 8 * 86400, &rres, &err));
	ck_assert_int_eq(rres.sent, 12);
	remind_result_release(&rres);
	remind_result_init(&rres);
	ck_assert(remind_run(w.ws.db, w.ws.cfg, "bpf-on-bpfs", false,
	    NOW + 8 * 86400 + 60, &rres, &err));
	ck_assert_int_eq(rres.sent, 0);
	remind_result_release(&rres);
	ck_assert_uint_eq(smtp_server_count(w.sink), 25);
	/* Invitations, the receipt and the reminders: all strict. */
	{
		g_autoptr(GPtrArray) msgs = smtp_server_messages(w.sink);
		size_t i;

		for (i = 0; i < msgs->len; i++)
			check_message(msgs->pdata[i]);
	}
	world_release(&w);
}
END_TEST

/* 4xx at RCPT: deferred with back-off, sent once the server accepts. */
START_TEST(test_mail_tempfail_is_retried_later)
{
	static const char *const defer[] = { "-r", "RCPT", NULL };
	struct world w;
	struct invite_result res;
	struct outbox_result ores;
	GError *err = NULL;

	world_init(&w, defer);
	res = invite(&w, NOW);
	ck_assert_int_eq(res.sent, 0);
	ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox WHERE"
	    " status = 'queued' AND attempts = 1 AND next_attempt_at >"
	    " 1796000000"), 12);
	/* Not due yet: nothing is tried. */
	ck_assert(outbox_flush(w.ws.db, w.ws.cfg, NOW + 1, &ores, &err));
	ck_assert_int_eq(ores.sent + ores.deferred + ores.failed, 0);
	/* The server is fixed; after the back-off everything goes, once. */
	smtp_server_stop(w.sink);
	w.sink = NULL;
	{
		g_autofree char *why = NULL;

		w.sink = smtp_server_start(NULL, true, &why);
		ck_assert_ptr_nonnull(w.sink);
		g_free(w.ws.cfg->smtp.url);
		w.ws.cfg->smtp.url = g_strdup(smtp_server_url(w.sink));
	}
	ck_assert(outbox_flush(w.ws.db, w.ws.cfg, NOW + 3600, &ores, &err));
	ck_assert_int_eq(ores.sent, 12);
	ck_assert(outbox_flush(w.ws.db, w.ws.cfg, NOW + 7200, &ores, &err));
	ck_assert_int_eq(ores.sent, 0);
	ck_assert_uint_eq(smtp_server_count(w.sink), 12);
	world_release(&w);
}
END_TEST

/* 5xx at RCPT: failed for good, the recipient flagged, status says so. */
START_TEST(test_mail_permfail_flags_recipient)
{
	static const char *const refuse[] = { "-f", "RCPT", NULL };
	struct world w;
	struct invite_result res;

	world_init(&w, refuse);
	res = invite(&w, NOW);
	ck_assert_int_eq(res.sent, 0);
	ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox"
	    " WHERE status = 'failed'"), 12);
	ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM participant"
	    " WHERE status = 'bounced'"), 12);
	world_release(&w);
}
END_TEST

/*
 * Hang-up after the final dot: the outcome is unknown, so the message is
 * sent again with the same Message-ID; any duplicate is recognisable.
 */
START_TEST(test_mail_unknown_outcome_resends_same_message_id)
{
	static const char *const hangup[] = { "-q", ".", NULL };
	struct world w;
	struct invite_result res;
	struct outbox_result ores;
	g_autoptr(GPtrArray) first = NULL;
	g_autoptr(GPtrArray) again = NULL;
	g_autofree char *why = NULL;
	GError *err = NULL;
	size_t i, j;

	world_init(&w, hangup);
	res = invite(&w, NOW);
	ck_assert_int_eq(res.sent, 0);
	ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox WHERE"
	    " status = 'queued' AND last_error IS NOT NULL"), 12);
	first = smtp_server_messages(w.sink);
	smtp_server_stop(w.sink);
	w.sink = smtp_server_start(NULL, true, &why);
	ck_assert_ptr_nonnull(w.sink);
	g_free(w.ws.cfg->smtp.url);
	w.ws.cfg->smtp.url = g_strdup(smtp_server_url(w.sink));
	ck_assert(outbox_flush(w.ws.db, w.ws.cfg, NOW + 3600, &ores, &err));
	ck_assert_int_eq(ores.sent, 12);
	again = smtp_server_messages(w.sink);
	ck_assert_uint_eq(again->len, 12);
	/* Every resent message has the Message-ID of a first attempt. */
	for (i = 0; i < again->len; i++) {
		const struct smtp_server_message *m = again->pdata[i];
		const char *id = strstr(m->data, "Message-Id: <");
		g_autofree char *mid = NULL;
		bool seen = false;

		if (!id)
			id = strstr(m->data, "Message-ID: <");
		ck_assert_ptr_nonnull(id);
		mid = g_strndup(id, strcspn(id, "\n"));
		for (j = 0; j < first->len; j++)
			seen |= strstr(((struct smtp_server_message *)
			    first->pdata[j])->data, mid + 12) != NULL;
		ck_assert_msg(seen, "new Message-ID %s", mid);
	}
	world_release(&w);
}
END_TEST

/*
 * The failures of SMTP at the scale of a real campaign: every invitation
 * meets a server that defers at RCPT, refuses at RCPT, answers 421 and
 * closes after the final dot, or closes after the final dot without a
 * word; then (after the back-off) a server that takes everything.  SPEC
 * section 10: deferred mail is sent once later, refused mail fails with
 * the recipient flagged, unknown outcomes are resent with their
 * Message-ID.  Nobody gets two different invitations, nobody none.
 */
static const struct {
	const char *name;
	const char *options[3];
	bool permanent;
} scale_faults[] = {
	{ "4xx at RCPT", { "-r", "RCPT", NULL }, false },
	{ "5xx at RCPT", { "-f", "RCPT", NULL }, true },
	{ "421 and close after the final dot", { "-Q", ".", NULL }, false },
	{ "close without a reply after the final dot", { "-q", ".", NULL },
	    false },
};

/* The Message-ID header's value in a captured message, or NULL. */
static char *
captured_message_id(const struct smtp_server_message *m)
{
	const char *p = strstr(m->data, "\nMessage-Id: ");

	if (!p)
		p = strstr(m->data, "\nMessage-ID: ");
	return p ? g_strndup(p + 13, strcspn(p + 13, "\n")) : NULL;
}

/* Records, per recipient, every Message-ID that reached the server. */
static void
collect_ids(GHashTable *ids, GPtrArray *messages, unsigned *count)
{
	guint i;

	for (i = 0; i < messages->len; i++) {
		const struct smtp_server_message *m = messages->pdata[i];
		char *id = captured_message_id(m);
		GHashTable *set;

		ck_assert_ptr_nonnull(id);
		ck_assert_ptr_nonnull(m->rcpt_args);
		set = g_hash_table_lookup(ids, m->rcpt_args);
		if (!set) {
			set = g_hash_table_new_full(g_str_hash, g_str_equal,
			    g_free, NULL);
			g_hash_table_insert(ids, g_strdup(m->rcpt_args), set);
		}
		g_hash_table_add(set, id);
		(*count)++;
	}
}

START_TEST(test_mail_faults_at_campaign_scale)
{
	unsigned n = testutil_scale(100, 1000);
	struct world w;
	struct invite_result res;
	struct outbox_result ores = { 0 };
	g_autoptr(GPtrArray) first = NULL;
	g_autoptr(GPtrArray) second = NULL;
	g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
	g_autofree char *why = NULL;
	GHashTableIter it;
	gpointer key, value;
	GError *err = NULL;
	unsigned copies = 0, recipients = 0;
	int saved_stderr, devnull;

	world_init_n(&w, scale_faults[_i].options, n);
	/* A warning per refused invitation: n of them say nothing new. */
	saved_stderr = dup(STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ck_assert(saved_stderr >= 0 && devnull >= 0);
	dup2(devnull, STDERR_FILENO);
	res = invite(&w, NOW);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(devnull);
	ck_assert_int_eq(res.sent, 0);
	if (scale_faults[_i].permanent) {
		ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox"
		    " WHERE status = 'failed'"), n);
		ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM"
		    " participant WHERE status = 'bounced'"), n);
	} else {
		ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox"
		    " WHERE status = 'queued' AND last_error IS NOT NULL"), n);
	}
	first = smtp_server_messages(w.sink);
	smtp_server_stop(w.sink);
	w.sink = smtp_server_start(NULL, true, &why);
	ck_assert_ptr_nonnull(w.sink);
	g_free(w.ws.cfg->smtp.url);
	w.ws.cfg->smtp.url = g_strdup(smtp_server_url(w.sink));
	ck_assert_msg(outbox_flush(w.ws.db, w.ws.cfg, NOW + 86400, &ores,
	    &err), "%s", err ? err->message : "");
	ck_assert_int_eq(ores.sent, scale_faults[_i].permanent ? 0 : n);
	ck_assert_int_eq(sql_int(&w, "SELECT count(*) FROM outbox"
	    " WHERE status = 'queued'"), 0);
	second = smtp_server_messages(w.sink);
	ck_assert_uint_eq(second->len, scale_faults[_i].permanent ? 0 : n);
	collect_ids(ids, first, &copies);
	collect_ids(ids, second, &copies);
	/* One Message-ID per recipient however often it went out. */
	g_hash_table_iter_init(&it, ids);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		ck_assert_msg(g_hash_table_size(value) == 1, "%s got %u "
		    "different messages", (char *)key,
		    g_hash_table_size(value));
		recipients++;
	}
	if (!scale_faults[_i].permanent)
		ck_assert_uint_eq(g_hash_table_size(ids), n);
	testutil_report("smtp-faults", "fault=\"%s\" invitations=%u "
	    "sent=%lld failed=%lld copies_seen=%u recipients=%u "
	    "different_message_ids=0 lost=0", scale_faults[_i].name, n,
	    (long long)ores.sent, (long long)sql_int(&w, "SELECT count(*)"
	    " FROM outbox WHERE status = 'failed'"), copies, recipients);
	world_release(&w);
}
END_TEST

Suite *
mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("smtp");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_mail_invitations_over_smtp_once);
	tcase_add_test(tc, test_mail_receipts_and_reminders_over_smtp);
	tcase_add_test(tc, test_mail_tempfail_is_retried_later);
	tcase_add_test(tc, test_mail_permfail_flags_recipient);
	tcase_add_test(tc, test_mail_unknown_outcome_resends_same_message_id);
	tcase_add_loop_test(tc, test_mail_faults_at_campaign_scale, 0,
	    G_N_ELEMENTS(scale_faults));
	suite_add_tcase(s, tc);
	return s;
}
