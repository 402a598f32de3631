/* SPDX-License-Identifier: MIT */
/*
 * The consultd binary as users run it: exit codes and messages, the demo
 * scenario end to end, idempotence of every step, and kill -9 at random
 * moments during a fetch.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "testutil.h"

Suite *cli_suite(void);

static const struct {
	const char *args[6];
	int status;
	const char *expect;	/* in stderr */
} usage_cases[] = {
	{ { NULL }, 64, "usage: consultd" },
	{ { "frobnicate", NULL }, 64, "unknown command 'frobnicate'" },
	{ { "--bogus", NULL }, 64, "usage: consultd" },
	{ { "load", NULL }, 64, "usage: consultd load" },
	{ { "import", "x", NULL }, 64, "usage: consultd import" },
	{ { "export", "x", "--format", "tall", NULL }, 64,
	  "usage: consultd export" },
	{ { "parse", NULL }, 64, "usage: consultd parse" },
	{ { "invite", "--now", "x", NULL }, 64, "usage: consultd invite" },
	{ { "ingest", NULL }, 64, "usage: consultd ingest" },
	{ { "status", "a", "b", NULL }, 64, "usage: consultd status" },
	/* Not usage errors: no configuration anywhere. */
	{ { "status", NULL }, 78, "consultd init" },
	{ { "parse", "/nonexistent.eml", NULL }, 66, "/nonexistent.eml" },
};

START_TEST(test_cli_usage_and_exit_codes)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *err = NULL;
	int status;

	g_unsetenv("CONSULTD_CONFIG");
	status = testutil_run(dir, usage_cases[_i].args, NULL, &err);
	ck_assert_int_eq(status, usage_cases[_i].status);
	ck_assert_msg(strstr(err, usage_cases[_i].expect) != NULL,
	    "'%s' not in: %s", usage_cases[_i].expect, err);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_cli_config_errors_are_listed_together)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *conf = testutil_write(dir, "consultd.conf",
	    "[consultd]\ndatabse = x.db\n[imap]\npoll_interval = often\n"
	    "tls = maybe\n");
	g_autofree char *err = NULL;

	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "-c", conf,
	    "status", NULL }, NULL, &err), 78);
	ck_assert(strstr(err, "databse: unknown key") != NULL);
	ck_assert(strstr(err, "'often'") != NULL);
	ck_assert(strstr(err, "'maybe'") != NULL);
	testutil_rmtree(dir);
}
END_TEST

/*
 * `parse` tells a coordinator's command (SPEC 6, 8): without a
 * configuration by its shape, with one only when the configuration
 * authorizes its sender; everything else from anyone is mail.
 */
START_TEST(test_cli_parse_command_kind)
{
	static const char command[] = "From: Coord <coord@example.org>\n"
	    "To: consult@igf.example.org\nSubject: REMIND bpf-on-bpfs\n\n"
	    "secret: correct-horse-battery-staple\n";
	static const char stranger[] = "From: Eve <eve@example.org>\n"
	    "To: consult@igf.example.org\nSubject: REMIND bpf-on-bpfs\n\n"
	    "secret: correct-horse-battery-staple\n";
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *cmd = testutil_write(dir, "cmd.eml", command);
	g_autofree char *eve = testutil_write(dir, "eve.eml", stranger);
	g_autofree char *conf = testutil_write(dir, "consultd.conf",
	    "[smtp]\nfrom = consult@igf.example.org\n[commands]\n"
	    "coordinators = coord@example.org\nsecret_file = secret\n");
	g_autofree char *secret = testutil_write(dir, "secret",
	    "correct-horse-battery-staple\n");
	char *out = NULL, *err = NULL;

	ck_assert_int_eq(g_chmod(secret, 0600), 0);
	g_unsetenv("CONSULTD_CONFIG");
	/* No configuration given: the shape decides, and it says so. */
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "parse",
	    cmd, NULL }, &out, &err), 0);
	ck_assert_msg(strstr(out, "\"kind\": \"command\"") &&
	    strstr(out, "not checked"), "%s", out);
	g_free(out);
	g_free(err);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "-c", conf,
	    "parse", cmd, NULL }, &out, &err), 0);
	ck_assert_msg(strstr(out, "\"kind\": \"command\"") &&
	    !strstr(out, "not checked"), "%s", out);
	g_free(out);
	g_free(err);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "-c", conf,
	    "parse", eve, NULL }, &out, &err), 0);
	ck_assert_msg(strstr(out, "\"kind\": \"unrelated\"") &&
	    strstr(out, "not a configured coordinator"), "%s", out);
	g_free(out);
	g_free(err);
	testutil_rmtree(dir);
}
END_TEST

static sqlite3 *
open_db(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static int64_t
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}


static int
run_in(const char *dir, const char *const *args)
{
	g_autofree char *err = NULL;
	int status = testutil_run(dir, args, NULL, &err);

	ck_assert_msg(status == 0, "consultd %s: exit %d: %s", args[0],
	    status, err);
	return status;
}

/* The demo scenario, as `make demo` runs it, checked in the database. */
START_TEST(test_cli_demo_end_to_end)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *script = g_build_filename(testutil_top(), "tests",
	    "demo.sh", NULL);
	g_autofree char *out = NULL;
	g_autofree char *errs = NULL;
	g_autofree char *json = NULL;
	g_autoptr(GError) err = NULL;
	const char *argv[] = { "sh", script, NULL };
	char **env = g_get_environ();
	sqlite3 *db, *db_receipts;
	int status;

	env = g_environ_setenv(env, "DEMO_DIR", dir, TRUE);
	ck_assert(g_spawn_sync(NULL, (char **)(uintptr_t)argv, env,
	    G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errs, &status, &err));
	g_strfreev(env);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "demo failed: %s\n%s", out, errs);
	ck_assert(strstr(out, "3 complete, 1 partial") != NULL);

	db = open_db(dir);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM participant"), 12);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM invitation"), 12);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM message"
	    " WHERE kind = 'reply'"), 5);
	ck_assert_int_eq(count(db, "SELECT count(DISTINCT participant_id)"
	    " FROM message WHERE kind = 'reply'"), 4);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer"), 47);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer"
	    " WHERE current"), 45);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer"
	    " WHERE error IS NOT NULL"), 0);
	/* The partial French reply: exactly Q1, Q2, R1, R2. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer a JOIN"
	    " participant p ON p.id = a.participant_id WHERE p.email_key ="
	    " 'elodie.marchand-vasseur@example.net'"), 4);
	sqlite3_close(db);
	/* 12 invitations, one receipt per reply. */
	ck_assert_uint_eq(testutil_count_files(dir, "spool/outbox"), 17);
	ck_assert_int_eq(count(db_receipts = open_db(dir),
	    "SELECT count(DISTINCT m.id) FROM outbox o JOIN message m"
	    " ON o.message_id LIKE 'consultd.acknowledgement.%.m' || m.id"
	    " || '@%' WHERE o.kind = 'acknowledgement'"), 5);
	sqlite3_close(db_receipts);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/new"), 0);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/cur"), 5);

	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "status",
	    "bpf-on-bpfs", "--json", NULL }, &json, NULL), 0);
	ck_assert(strstr(json, "\"complete\": 3") != NULL);
	ck_assert(strstr(json, "\"partial\": 1") != NULL);
	ck_assert(strstr(json, "\"not_replied\": 8") != NULL);
	ck_assert(strstr(json, "\"messages\": {\"reply\": 5") != NULL);

	/* Every step again: nothing new, nothing doubled. */
	run_in(dir, (const char *const[]){ "init", ".", NULL });
	{
		g_autofree char *csv = g_build_filename(testutil_top(),
		    "tests", "fixtures", "demo", "participants.csv", NULL);
		g_autofree char *tpl = g_build_filename(testutil_top(),
		    "templates", "bpf-on-bpfs", NULL);

		run_in(dir, (const char *const[]){ "load", tpl, NULL });
		run_in(dir, (const char *const[]){ "import", "bpf-on-bpfs",
		    csv, NULL });
	}
	run_in(dir, (const char *const[]){ "invite", "bpf-on-bpfs", NULL });
	run_in(dir, (const char *const[]){ "fetch", NULL });
	{
		g_autofree char *cur = g_build_filename(dir, "spool", "inbox",
		    NULL);

		run_in(dir, (const char *const[]){ "ingest", cur, NULL });
	}
	db = open_db(dir);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM participant"), 12);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM outbox"), 17);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM message"), 5);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer"), 47);
	ck_assert_int_eq(count(db, "PRAGMA user_version"), db_schema_version());
	sqlite3_close(db);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/outbox"), 17);
	testutil_rmtree(dir);
}
END_TEST

/* The four stages of README, as tests/stages.sh runs them. */
START_TEST(test_cli_four_stages)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *script = g_build_filename(testutil_top(), "tests",
	    "stages.sh", NULL);
	g_autofree char *out = NULL;
	g_autofree char *errs = NULL;
	g_autofree char *feedback = NULL;
	g_autofree char *path = NULL;
	g_autoptr(GError) err = NULL;
	const char *argv[] = { "sh", script, NULL };
	char **env = g_get_environ();
	sqlite3 *db;
	int status;

	env = g_environ_setenv(env, "STAGES_DIR", dir, TRUE);
	ck_assert(g_spawn_sync(NULL, (char **)(uintptr_t)argv, env,
	    G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errs, &status, &err));
	g_strfreev(env);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "stages failed: %s\n%s", out, errs);
	db = open_db(dir);
	/* Stage 2: the interview, recorded as such. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer WHERE source"
	    " = 'interview' AND recorded_by = 'secretariat' AND current"), 5);
	/* Stages 3-4: the feedback round, its sender confirmed. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer a JOIN"
	    " participant p ON p.id = a.participant_id JOIN consultation c"
	    " ON c.id = p.consultation_id WHERE c.name = 'bpf-draft-feedback'"
	    " AND p.verified AND a.current AND a.trust = 'token'"), 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM consultation WHERE"
	    " name = 'bpf-on-bpfs' AND closed_at IS NOT NULL"), 1);
	sqlite3_close(db);
	path = g_build_filename(dir, "feedback.md", NULL);
	ck_assert(g_file_get_contents(path, &feedback, NULL, NULL));
	ck_assert(strstr(feedback, "The summary should lead") != NULL);
	ck_assert(strstr(feedback, "## G1.") != NULL);
	testutil_rmtree(dir);
}
END_TEST

#define KILL_MESSAGES 2000

/* count replies from one participant, each its own message. */
static void
make_replies(const char *dir, int first, int count)
{
	g_autofree char *newdir = g_build_filename(dir, "spool", "inbox",
	    "new", NULL);
	int i;

	for (i = first; i < first + count; i++) {
		g_autofree char *name = g_strdup_printf("%d.M%06dP1.test",
		    1000000 + i, i);
		g_autofree char *text = g_strdup_printf(
		    "From: Ann <a@example.org>\n"
		    "To: consult@example.org\n"
		    "Subject: Re: survey\n"
		    "Message-ID: <reply-%d@example.org>\n"
		    "\n"
		    "[Q1] answer number %d\n", i, i);
		g_autofree char *p = testutil_write(newdir, name, text);
	}
}

static void
setup_small_workspace(const char *dir)
{
	g_autofree char *def = g_build_filename(dir, "def", NULL);
	g_autofree char *ini = NULL, *inv = NULL, *csv = NULL;

	ck_assert_int_eq(g_mkdir_with_parents(def, 0755), 0);
	ini = testutil_write(def, "consultation.ini", "[consultation]\n"
	    "title = T\nreply_address = consult@example.org\n"
	    "[Q1]\nkind = text\nprompt = Anything?\n");
	inv = testutil_write(def, "invitation.txt",
	    "Subject: T\n\n{{questions}}\n");
	csv = testutil_write(dir, "p.csv", "email\na@example.org\n");
	run_in(dir, (const char *const[]){ "init", ".", NULL });
	run_in(dir, (const char *const[]){ "load", "def", NULL });
	run_in(dir, (const char *const[]){ "import", "def", "p.csv", NULL });
}

/* Each outbox row has its file in spool/outbox, named after it. */
static void
assert_outbox_files(sqlite3 *db, const char *dir)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT id, kind FROM outbox",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		g_autofree char *name = g_strdup_printf("%08lld-%s.eml",
		    (long long)sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
		g_autofree char *path = g_build_filename(dir, "spool",
		    "outbox", name, NULL);

		ck_assert_msg(g_file_test(path, G_FILE_TEST_IS_REGULAR),
		    "no %s for its outbox row", name);
	}
	sqlite3_finalize(st);
}

/* Invited, so that each reply gets a receipt written by the filer. */
static void
setup_kill_workspace(const char *dir)
{
	setup_small_workspace(dir);
	run_in(dir, (const char *const[]){ "invite", "def", NULL });
}

/*
 * kill -9 at random moments of `consultd fetch`, then run it again, until
 * a run completes: every message filed exactly once, none left behind,
 * and one receipt for each in spool/outbox, every one marked sent.
 */
START_TEST(test_cli_kill_during_fetch_loses_and_doubles_nothing)
{
	g_autofree char *dir = testutil_tmpdir();
	const char *bin = g_getenv("CONSULTD_BIN");
	GRand *rnd = g_rand_new_with_seed(42 + (unsigned)getpid());
	int kills = 0, mid_kills = 0, runs, status = -1;
	int64_t filed, before = 0, total = KILL_MESSAGES;
	gint64 t0, full_run;
	sqlite3 *db;

	setup_kill_workspace(dir);
	make_replies(dir, 0, KILL_MESSAGES);
	/* How long an uninterrupted fetch of these takes, on a copy. */
	{
		g_autofree char *copy = testutil_tmpdir();

		setup_kill_workspace(copy);
		make_replies(copy, 0, KILL_MESSAGES);
		t0 = g_get_monotonic_time();
		run_in(copy, (const char *const[]){ "-q", "fetch", NULL });
		full_run = g_get_monotonic_time() - t0;
		testutil_rmtree(copy);
	}
	for (runs = 0; runs < 200; runs++) {
		const char *argv[] = { bin, "-q", "fetch", NULL };
		g_autoptr(GError) err = NULL;
		GPid pid;

		ck_assert(g_spawn_async(dir, (char **)(uintptr_t)argv, NULL,
		    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
		    NULL, NULL, &pid, &err));
		/*
		 * 25 kills anywhere in the first four fifths of a run (at
		 * least 20 ms, past the start-up): in the middle of a batch,
		 * between batches, during the moves.  On a loaded machine
		 * fewer land mid-filing: kill on until five have.
		 */
		if (kills < 25 || mid_kills < 5) {
			g_usleep((gulong)g_rand_int_range(rnd, 0,
			    (gint32)MAX(full_run * 4 / 5, 20000)));
			if (kill(pid, SIGKILL) == 0)
				kills++;
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		db = open_db(dir);
		filed = count(db, "SELECT count(*) FROM message");
		sqlite3_close(db);
		if (filed > before && filed < total)
			mid_kills++;
		before = filed;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			if (kills >= 25 && mid_kills >= 5)
				break;
			/* Done before enough kills: more mail arrives. */
			make_replies(dir, total, KILL_MESSAGES);
			total += KILL_MESSAGES;
		}
	}
	g_rand_free(rnd);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fetch never completed");
	/* The kills really landed in the middle of filing. */
	ck_assert_int_ge(mid_kills, 5);
	ck_assert_int_ge(kills, 25);
	db = open_db(dir);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM message"), total);
	ck_assert_int_eq(count(db, "SELECT count(DISTINCT message_id) FROM"
	    " message"), total);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer"), total);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM answer"
	    " WHERE current"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM outbox WHERE kind"
	    " = 'acknowledgement'"), total);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM outbox WHERE status"
	    " != 'sent'"), 0);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/outbox"),
	    (unsigned)count(db, "SELECT count(*) FROM outbox"));
	assert_outbox_files(db, dir);
	sqlite3_close(db);
	/* Written unnamed and linked into place: no temporary file left. */
	ck_assert_uint_eq(testutil_count_files(dir, "spool/tmp"), 0);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/new"), 0);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/tmp"), 0);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/cur"), total);
	testutil_report("spool-kill", "kills=%d mid_filing=%d runs=%d "
	    "full_run_ms=%lld messages=%lld lost=0 duplicated=0", kills,
	    mid_kills, runs + 1, (long long)full_run / 1000,
	    (long long)total);
	testutil_rmtree(dir);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("usage");
	TCase *e2e = tcase_create("end_to_end");

	tcase_add_loop_test(tc, test_cli_usage_and_exit_codes, 0,
	    G_N_ELEMENTS(usage_cases));
	tcase_add_test(tc, test_cli_config_errors_are_listed_together);
	tcase_add_test(tc, test_cli_parse_command_kind);
	suite_add_tcase(s, tc);
	tcase_set_timeout(e2e, 240);
	tcase_add_test(e2e, test_cli_demo_end_to_end);
	tcase_add_test(e2e, test_cli_four_stages);
	tcase_add_test(e2e, test_cli_kill_during_fetch_loses_and_doubles_nothing);
	suite_add_tcase(s, e2e);
	return s;
}
