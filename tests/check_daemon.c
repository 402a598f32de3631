/* SPDX-License-Identifier: MIT */
/*
 * `consultd run` as systemd would run it: it files what arrives, reloads
 * on SIGHUP (refusing a broken configuration), refuses a second instance,
 * stops within seconds on SIGTERM losing nothing, runs a reminder
 * campaign missed while it was down exactly once, and never logs a token
 * or a password.
 */
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imap_server.h"
#include "smtp_server.h"
#include "testutil.h"

Suite *daemon_suite(void);



/* A workspace with a one-question consultation, a.example.org invited. */
static char *
workspace(int64_t deadline_days)
{
	char *dir = testutil_tmpdir();
	g_autofree char *def = g_build_filename(dir, "def", NULL);
	g_autofree char *ini = NULL, *inv = NULL, *csv = NULL, *rem = NULL;
	g_autofree char *text = NULL;
	g_autoptr(GDateTime) dl = g_date_time_new_from_unix_utc(1796000000 +
	    deadline_days * 86400);
	g_autofree char *day = g_date_time_format(dl, "%Y-%m-%d");

	ck_assert_int_eq(g_mkdir_with_parents(def, 0755), 0);
	text = g_strdup_printf("[consultation]\ntitle = T\n"
	    "reply_address = consult@example.org\ndeadline = %s\n"
	    "reminder_days_before = 14;7;2\nreminder_interval_days = 1\n"
	    "[Q1]\nkind = text\nprompt = Anything?\n", day);
	ini = testutil_write(def, "consultation.ini", text);
	inv = testutil_write(def, "invitation.txt",
	    "Subject: T\n\n{{questions}}\n");
	rem = testutil_write(def, "reminder.txt",
	    "Subject: Reminder\n\n{{questions}}\n");
	csv = testutil_write(dir, "p.csv", "email\na@example.org\n"
	    "b@example.org\n");
	testutil_run_ok(dir, (const char *const[]){ "init", ".", NULL });
	testutil_run_ok(dir, (const char *const[]){ "load", "def", NULL });
	testutil_run_ok(dir, (const char *const[]){ "import", "def", "p.csv",
	    NULL });
	return dir;
}

static void
add_replies(const char *dir, int first, int n)
{
	g_autofree char *newdir = g_build_filename(dir, "spool", "inbox",
	    "new", NULL);
	int i;

	for (i = first; i < first + n; i++) {
		g_autofree char *name = g_strdup_printf("%d.M%06dP1.t",
		    1000000 + i, i);
		g_autofree char *text = g_strdup_printf("From: a@example.org\n"
		    "Subject: Re\nMessage-ID: <d%d@example.org>\n\n"
		    "[Q1] answer %d\n", i, i);
		g_autofree char *p = testutil_write(newdir, name, text);
	}
}

/* Starts `consultd run` in dir with stderr to dir/daemon.log. */
static GPid
start(const char *dir, const char *now)
{
	const char *bin = g_getenv("CONSULTD_BIN");
	const char *argv[] = { "/bin/sh", "-c",
	    "exec \"$0\" -v run 2>>daemon.log", bin, NULL };
	char **env = g_get_environ();
	g_autoptr(GError) err = NULL;
	GPid pid;

	if (now)
		env = g_environ_setenv(env, "CONSULTD_NOW", now, TRUE);
	if (g_getenv("TEST_NOTIFY_SOCKET"))
		env = g_environ_setenv(env, "NOTIFY_SOCKET",
		    g_getenv("TEST_NOTIFY_SOCKET"), TRUE);
	ck_assert(g_spawn_async(dir, (char **)(uintptr_t)argv, env,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
	    NULL, &pid, &err));
	g_strfreev(env);
	return pid;
}

static char *
daemon_log(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "daemon.log", NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	return text;
}

static bool
wait_for_log(const char *dir, const char *what, int seconds)
{
	int i;

	for (i = 0; i < seconds * 20; i++) {
		g_autofree char *log = daemon_log(dir);

		if (strstr(log, what))
			return true;
		g_usleep(50000);
	}
	return false;
}

/* SIGTERM, then the exit status within seconds. */
static int
stop(GPid pid)
{
	int status = testutil_stop(pid, 5);

	ck_assert_msg(status != -1, "consultd run did not stop within 5 s "
	    "of SIGTERM");
	return status;
}

START_TEST(test_daemon_files_reloads_locks_and_stops)
{
	g_autofree char *dir = workspace(60);
	g_autofree char *conf = g_build_filename(dir, "consultd.conf", NULL);
	g_autofree char *good = NULL;
	g_autofree char *log = NULL;
	g_autofree char *err2 = NULL;
	g_autofree char *token = NULL;
	GPid pid;

	testutil_run_ok(dir, (const char *const[]){ "invite", "def", NULL });
	add_replies(dir, 0, 3);
	pid = start(dir, NULL);
	ck_assert_msg(wait_for_log(dir, "daemon: started", 5), "no start");
	ck_assert(wait_for_log(dir, "answer(s)", 10));
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(*) FROM message"), 3);
	/* A second instance refuses, with a reason and EX_TEMPFAIL. */
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "run",
	    NULL }, NULL, &err2), 75);
	ck_assert(strstr(err2, "another 'consultd run'") != NULL);
	/* A broken configuration is refused and the old one kept. */
	ck_assert(g_file_get_contents(conf, &good, NULL, NULL));
	g_free(testutil_write(dir, "consultd.conf", "[consultd]\nbogus = 1\n"));
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	ck_assert(wait_for_log(dir, "reload refused", 5));
	g_free(testutil_write(dir, "consultd.conf", good));
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	ck_assert(wait_for_log(dir, "configuration reloaded", 5));
	ck_assert_int_eq(stop(pid), 0);
	/* Nothing secret in the log. */
	log = daemon_log(dir);
	token = g_strdup_printf("%lld", (long long)0);
	{
		g_autofree char *path = g_build_filename(dir, "consultd.db",
		    NULL);
		sqlite3 *db;
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT token FROM "
		    "invitation", -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			ck_assert_msg(!strstr(log, (const char *)
			    sqlite3_column_text(st, 0)), "token in the log");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_daemon_sigterm_during_filing_loses_nothing)
{
	g_autofree char *dir = workspace(60);
	GPid pid;
	int64_t filed;

	add_replies(dir, 0, 3000);
	pid = start(dir, NULL);
	ck_assert(wait_for_log(dir, "daemon: started", 5));
	g_usleep(150000);
	ck_assert_int_eq(stop(pid), 0);
	filed = testutil_db_int(dir, "SELECT count(*) FROM message");
	/* What was filed left new/; what was not is still there. */
	ck_assert_int_eq(testutil_count_files(dir, "spool/inbox/cur"), filed);
	ck_assert_int_eq(testutil_count_files(dir,
	    "spool/inbox/new") + filed, 3000);
	testutil_run_ok(dir, (const char *const[]){ "-q", "fetch", NULL });
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(DISTINCT message_id) FROM"
	    " message"), 3000);
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(*) FROM message"), 3000);
	testutil_report("daemon-sigterm", "messages=3000 filed_before_stop=%lld "
	    "lost=0 duplicated=0", (long long)filed);
	testutil_rmtree(dir);
}
END_TEST

/*
 * Down over the 14- and 7-day campaigns: back up 6 days before the
 * deadline, one catch-up campaign; restarted, none again.
 */
START_TEST(test_daemon_catches_up_a_missed_campaign_once)
{
	g_autofree char *dir = workspace(6);
	GPid pid;

	testutil_run_ok(dir, (const char *const[]){ "invite", "def", NULL });
	/* Invited 20 days before "now" of the daemon. */
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(*) FROM outbox"), 2);
	pid = start(dir, "1796000000");
	ck_assert(wait_for_log(dir, "reminder campaign for 'def'", 10));
	ck_assert_int_eq(stop(pid), 0);
	pid = start(dir, "1796000100");
	ck_assert(wait_for_log(dir, "daemon: started", 5));
	g_usleep(500000);
	ck_assert_int_eq(stop(pid), 0);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'reminder'"), 2);
	testutil_rmtree(dir);
}
END_TEST

/*
 * The Monday digest fell due while the daemon was down: sent once when
 * it comes back, not again on the next restart, next one a week later.
 */
START_TEST(test_daemon_sends_a_missed_digest_once)
{
	g_autofree char *dir = workspace(60);
	g_autofree char *conf = g_build_filename(dir, "consultd.conf", NULL);
	g_autofree char *text = NULL;
	GPid pid;

	ck_assert(g_file_get_contents(conf, &text, NULL, NULL));
	g_free(testutil_write(dir, "consultd.conf", "[consultd]\n"
	    "database = consultd.db\nspool = spool\n[digest]\n"
	    "to = secretariat@example.org\nschedule = Mon 08:00\n"));
	/* Sunday night: the first run only schedules Monday 08:00. */
	pid = start(dir, "1795996800");
	ck_assert(wait_for_log(dir, "daemon: started", 5));
	g_usleep(500000);
	ck_assert_int_eq(stop(pid), 0);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT next_due FROM schedule"
	    " WHERE job = 'digest'"), 1796025600);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'digest'"), 0);
	/* Back on Wednesday: the missed digest goes out, once. */
	pid = start(dir, "1796200000");
	ck_assert(wait_for_log(dir, "digest sent", 10));
	ck_assert_int_eq(stop(pid), 0);
	pid = start(dir, "1796200100");
	ck_assert(wait_for_log(dir, "daemon: started", 5));
	g_usleep(500000);
	ck_assert_int_eq(stop(pid), 0);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM outbox"
	    " WHERE kind = 'digest'"), 1);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT next_due FROM schedule"
	    " WHERE job = 'digest'"), 1796025600 + 7 * 86400);
	testutil_rmtree(dir);
}
END_TEST

#define DAEMON_PASSWORD "daemon-Pw-for-tests-1"

/*
 * The whole service: consultd run against a real Dovecot and a real SMTP
 * server.  Invitations go out over SMTP; a reply delivered to the IMAP
 * mailbox is fetched, filed, flagged on the server and acknowledged over
 * SMTP; the password never reaches the log.
 */
START_TEST(test_daemon_against_real_servers)
{
	static const char *const users[] = { "daemon", NULL };
	g_autofree char *why = NULL;
	g_autofree char *swhy = NULL;
	struct imap_server *imap = imap_server_start(users, DAEMON_PASSWORD,
	    &why);
	struct smtp_server *smtp;
	g_autofree char *dir = NULL;
	g_autofree char *conf = NULL;
	g_autofree char *text = NULL;
	g_autofree char *pw = NULL;
	g_autofree char *token = NULL;
	g_autofree char *reply = NULL;
	g_autofree char *log = NULL;
	g_autofree char *survey = g_build_filename(testutil_top(), "tests",
	    "fixtures", "imap", "survey", NULL);
	g_autofree char *csv = g_build_filename(testutil_top(), "tests",
	    "fixtures", "imap", "participants.csv", NULL);
	struct imap_client *client;
	GPid pid;
	int i;

	ck_assert_msg(imap != NULL, "the test Dovecot did not start: %s", why);
	smtp = smtp_server_start(NULL, true, &swhy);
	ck_assert_msg(smtp != NULL, "smtp-sink did not start: %s", swhy);
	dir = testutil_tmpdir();
	testutil_run_ok(dir, (const char *const[]){ "init", ".", NULL });
	testutil_run_ok(dir, (const char *const[]){ "load", survey, NULL });
	testutil_run_ok(dir, (const char *const[]){ "import", "survey", csv,
	    NULL });
	pw = testutil_write(dir, "imap.pw", DAEMON_PASSWORD "\n");
	ck_assert_int_eq(chmod(pw, 0600), 0);
	text = g_strdup_printf("[consultd]\ndatabase = consultd.db\n"
	    "spool = spool\n[imap]\nurl = imap://127.0.0.1:%d/INBOX\n"
	    "username = daemon\npassword_file = imap.pw\ntls = none\n"
	    "poll_interval = 10\n[smtp]\nurl = %s\ntls = none\n"
	    "rate = 1000/s\n", imap->port, smtp_server_url(smtp));
	conf = testutil_write(dir, "consultd.conf", text);
	testutil_run_ok(dir, (const char *const[]){ "invite", "survey", NULL });
	ck_assert_uint_eq(smtp_server_count(smtp), 1);
	{
		g_autofree char *path = g_build_filename(dir, "consultd.db",
		    NULL);
		sqlite3 *db;
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT token FROM "
		    "invitation", -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		token = g_strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	reply = g_strdup_printf("From: Ann Example <a@example.org>\r\n"
	    "To: consult+%s@example.org\r\nSubject: Re: survey\r\n"
	    "Message-ID: <daemon-reply@example.org>\r\n\r\n"
	    "[Q1] Yes: more time.\r\n", token);
	ck_assert(imap_server_deliver(imap, "daemon", reply, strlen(reply)));
	pid = start(dir, NULL);
	ck_assert(wait_for_log(dir, "daemon: started", 5));
	ck_assert_msg(wait_for_log(dir, "filed reply", 20), "not filed");
	/* The receipt went out over SMTP. */
	for (i = 0; i < 100 && smtp_server_count(smtp) < 2; i++)
		g_usleep(100000);
	ck_assert_uint_eq(smtp_server_count(smtp), 2);
	ck_assert_int_eq(stop(pid), 0);
	/* Flagged on the server only now that it is filed. */
	client = imap_client_new(imap, "daemon", DAEMON_PASSWORD);
	ck_assert_ptr_nonnull(client);
	ck_assert_int_eq(imap_client_count(client, "INBOX",
	    "KEYWORD $Consultd-Filed"), 1);
	imap_client_free(client);
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(*) FROM answer"), 1);
	log = daemon_log(dir);
	ck_assert_msg(strstr(log, DAEMON_PASSWORD) == NULL,
	    "the password is in the log");
	ck_assert(strstr(log, token) == NULL);
	smtp_server_stop(smtp);
	imap_server_free(imap);
	testutil_rmtree(dir);
}
END_TEST

/*
 * A password file others may read stops `consultd run` at start, as it
 * stops fetch and flush: EX_CONFIG and the chmod to run, not a warning at
 * every poll.  A systemd credential is exempt from the group bits: systemd
 * makes it 0400 and lets the service user read it through an ACL, whose
 * mask stat shows as 0440.
 */
static const struct {
	const char *section;	/* whose password */
	unsigned mode;
	bool credential;	/* $CREDENTIALS_DIRECTORY, no password_file */
	bool starts;
} secret_modes[] = {
	{ "imap", 0640, false, false },
	{ "smtp", 0604, false, false },
	{ "imap", 0600, false, true },
	{ "smtp", 0400, false, true },
	{ "imap", 0440, true, true },
	{ "smtp", 0440, true, true },
};

/* The exit status of pid within seconds, or -1 (then stopped). */
static int
wait_exit(GPid pid, unsigned seconds)
{
	int status;
	unsigned i;

	for (i = 0; i < seconds * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		g_usleep(50000);
	}
	testutil_stop(pid, 5);
	return -1;
}

START_TEST(test_daemon_checks_password_file_modes_at_start)
{
	g_autofree char *dir = workspace(60);
	g_autofree char *creds = g_build_filename(dir, "creds", NULL);
	g_autofree char *pw = NULL;
	g_autofree char *text = NULL;
	g_autofree char *conf = NULL;
	g_autofree char *log = NULL;
	const char *sec = secret_modes[_i].section;
	GPid pid;

	ck_assert_int_eq(g_mkdir_with_parents(creds, 0700), 0);
	if (secret_modes[_i].credential) {
		g_autofree char *name = g_strconcat(sec, "-password", NULL);

		pw = testutil_write(creds, name, DAEMON_PASSWORD "\n");
		g_setenv("CREDENTIALS_DIRECTORY", creds, TRUE);
	} else
		pw = testutil_write(dir, "server.pw", DAEMON_PASSWORD "\n");
	ck_assert_int_eq(chmod(pw, secret_modes[_i].mode), 0);
	/* Port 9 refuses: a poll fails, but only after the check. */
	text = g_strdup_printf("[consultd]\ndatabase = consultd.db\n"
	    "spool = spool\n[%s]\nurl = %s://127.0.0.1:9%s\nusername = u\n"
	    "%stls = none\n%s", sec, sec,
	    strcmp(sec, "imap") == 0 ? "/INBOX" : "",
	    secret_modes[_i].credential ? "" : "password_file = server.pw\n",
	    strcmp(sec, "imap") == 0 ? "poll_interval = 3600\n" : "");
	conf = testutil_write(dir, "consultd.conf", text);
	pid = start(dir, NULL);
	g_unsetenv("CREDENTIALS_DIRECTORY");
	if (secret_modes[_i].starts) {
		ck_assert_msg(wait_for_log(dir, "daemon: started", 5),
		    "no start: %s", log = daemon_log(dir));
		log = daemon_log(dir);
		ck_assert_msg(strstr(log, "chmod") == NULL, "%s", log);
		g_clear_pointer(&log, g_free);
		/*
		 * A reload checks as the start does (shown with SMTP: the
		 * IMAP poll retries port 9 for seconds before it reloads).
		 */
		if (!secret_modes[_i].credential && strcmp(sec, "smtp") == 0) {
			ck_assert_int_eq(chmod(pw, 0644), 0);
			ck_assert_int_eq(kill(pid, SIGHUP), 0);
			ck_assert(wait_for_log(dir, "reload refused", 5));
		}
		ck_assert_int_eq(stop(pid), 0);
		log = daemon_log(dir);
	} else {
		ck_assert_int_eq(wait_exit(pid, 5), 78);
		log = daemon_log(dir);
		ck_assert_msg(strstr(log, "daemon: started") == NULL,
		    "started with a password file others may read: %s", log);
		ck_assert_msg(strstr(log, "run: chmod 600 '") != NULL &&
		    strstr(log, "server.pw'") != NULL, "%s", log);
	}
	ck_assert(strstr(log, DAEMON_PASSWORD) == NULL);
	testutil_rmtree(dir);
}
END_TEST

/* The next datagram on fd, within 10 s, NUL-terminated. */
static char *
notify_next(int fd)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	ck_assert_msg(n > 0, "no notification from consultd run: %s",
	    g_strerror(errno));
	buf[n] = '\0';
	return g_strdup(buf);
}

/* Type=notify: READY when started, RELOADING on SIGHUP, STOPPING. */
START_TEST(test_daemon_speaks_sd_notify)
{
	g_autofree char *dir = workspace(60);
	g_autofree char *path = g_build_filename(dir, "notify.sock", NULL);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 10, 0 };
	g_autofree char *m1 = NULL;
	char *m;
	bool reloading = false, ready_again = false, stopping = false;
	int fd, i;
	GPid pid;

	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	g_setenv("TEST_NOTIFY_SOCKET", path, TRUE);
	pid = start(dir, NULL);
	g_unsetenv("TEST_NOTIFY_SOCKET");
	m1 = notify_next(fd);
	ck_assert_msg(g_str_has_prefix(m1, "READY=1"), "first: %s", m1);
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	for (i = 0; i < 20 && !ready_again; i++) {
		m = notify_next(fd);
		if (strstr(m, "RELOADING=1"))
			reloading = true;
		else if (reloading && strstr(m, "READY=1"))
			ready_again = true;
		g_free(m);
	}
	ck_assert(reloading && ready_again);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	for (i = 0; i < 20 && !stopping; i++) {
		m = notify_next(fd);
		stopping = strstr(m, "STOPPING=1") != NULL;
		g_free(m);
	}
	ck_assert(stopping);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	close(fd);
	testutil_rmtree(dir);
}
END_TEST

Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("daemon");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_daemon_files_reloads_locks_and_stops);
	tcase_add_test(tc, test_daemon_sigterm_during_filing_loses_nothing);
	tcase_add_test(tc, test_daemon_catches_up_a_missed_campaign_once);
	tcase_add_test(tc, test_daemon_sends_a_missed_digest_once);
	tcase_add_test(tc, test_daemon_against_real_servers);
	tcase_add_test(tc, test_daemon_speaks_sd_notify);
	tcase_add_loop_test(tc, test_daemon_checks_password_file_modes_at_start,
	    0, G_N_ELEMENTS(secret_modes));
	suite_add_tcase(s, tc);
	return s;
}
