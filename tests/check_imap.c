/* SPDX-License-Identifier: MIT */
/*
 * The IMAP adapter and the fetch use case.  Pure parts (UID sets, SEARCH
 * answers, placeholders, URL and TLS policy, password files) are table
 * tests; the rest runs `consultd fetch` against a private Dovecot: kill
 * -9 at random moments, Dovecot stopped mid-fetch, UIDVALIDITY changed,
 * the same message twice, wrong password, untrusted certificate.
 */
#include <check.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "consultd.h"
#include "config.h"
#include "fetch.h"
#include "imap.h"
#include "imap_server.h"
#include "tcp_proxy.h"
#include "testutil.h"

Suite *imap_suite(void);

#define PASSWORD "s3cret-Pw-for-tests"

/* Pure parts. */

static const struct {
	uint32_t uids[8];
	size_t n;
	const char *set;
} uid_set_cases[] = {
	{ { 7 }, 1, "7" },
	{ { 1, 2, 3 }, 3, "1:3" },
	{ { 1, 2, 3, 5, 7, 8 }, 6, "1:3,5,7:8" },
	{ { 2, 4, 6 }, 3, "2,4,6" },
	{ { 9, 10, 4000000000u }, 3, "9:10,4000000000" },
	{ { 0 }, 0, "" },
};

START_TEST(test_imap_uid_set_is_compact)
{
	g_autofree char *s = imap_uid_set(uid_set_cases[_i].uids,
	    uid_set_cases[_i].n);

	ck_assert_str_eq(s, uid_set_cases[_i].set);
}
END_TEST

static const struct {
	const char *text;
	uint32_t first, last;
	const char *uids;	/* comma separated, or NULL for an error */
} search_cases[] = {
	{ "* SEARCH 1 2 3\r\n", 1, 100, "1,2,3" },
	{ "* SEARCH\r\n", 1, 100, "" },
	{ "", 1, 100, "" },
	{ "* SEARCH 9 3 5\r\n", 1, 100, "3,5,9" },
	/* "n:*" also answers the largest UID below n (RFC 3501 9). */
	{ "* SEARCH 40\r\n", 41, 100, "" },
	{ "* SEARCH 5 99 100 101\r\n", 5, 100, "5,99,100" },
	{ "* OK [PERMANENTFLAGS ()]\r\n* SEARCH 12\r\n", 1, 100, "12" },
	{ "* SEARCH 1 2\r\n* SEARCH 3\r\n", 1, 100, "1,2,3" },
	/* libcurl 7.88 cuts overlong lines: no newline, or garbage. */
	{ "* SEARCH 1 2 3", 1, 100, NULL },
	{ "* SEARCH 1 2x 3\r\n", 1, 100, NULL },
	{ "* SEARCH 99999999999\r\n", 1, 100, NULL },
};

START_TEST(test_imap_parse_search_keeps_the_window)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) got = g_string_new(NULL);
	GArray *uids;
	size_t i;

	uids = imap_parse_search(search_cases[_i].text,
	    strlen(search_cases[_i].text), search_cases[_i].first,
	    search_cases[_i].last, &err);
	if (!search_cases[_i].uids) {
		ck_assert_ptr_null(uids);
		ck_assert_int_eq(err->code, EX_UNAVAILABLE);
		return;
	}
	ck_assert_msg(uids != NULL, "%s", err ? err->message : "?");
	for (i = 0; i < uids->len; i++)
		g_string_append_printf(got, "%s%u", i ? "," : "",
		    g_array_index(uids, uint32_t, i));
	g_array_unref(uids);
	ck_assert_str_eq(got->str, search_cases[_i].uids);
}
END_TEST

static const struct {
	const char *url;
	bool plain;
	int code;		/* 0: accepted */
	const char *mailbox;	/* when accepted */
	const char *expect;	/* in the error */
} url_cases[] = {
	{ "imaps://mail.example.org/INBOX", false, 0, "INBOX", NULL },
	{ "imaps://mail.example.org", false, 0, "INBOX", NULL },
	{ "imap://mail.example.org/Consult%20Replies", false, 0,
	  "Consult Replies", NULL },
	{ "imap://127.0.0.1:1143/INBOX", true, 0, "INBOX", NULL },
	{ "imap://localhost/INBOX", true, 0, "INBOX", NULL },
	{ "imap://[::1]:1143/INBOX", true, 0, "INBOX", NULL },
	{ "imap://mail.example.org/INBOX", true, EX_CONFIG, NULL,
	  "only for a loopback host" },
	{ "imap://10.0.0.1/INBOX", true, EX_CONFIG, NULL, "loopback" },
	{ "imaps://127.0.0.1/INBOX", true, EX_CONFIG, NULL, "contradicts" },
	{ "https://mail.example.org/", false, EX_CONFIG, NULL, "imaps://" },
	{ "imaps://u:p@mail.example.org/INBOX", false, EX_CONFIG, NULL,
	  "password_file" },
	{ "imaps://mail.example.org/INBOX?ALL", false, EX_CONFIG, NULL,
	  "query" },
	{ "imaps://mail.example.org/INBOX;UIDVALIDITY=3", false, EX_CONFIG,
	  NULL, "parameters" },
	{ "imaps://mail.example.org/a/b", false, EX_CONFIG, NULL, "one" },
	{ "not a url", false, EX_CONFIG, NULL, "not a valid URL" },
};

START_TEST(test_imap_new_checks_url_and_tls_policy)
{
	struct imap_options o = { 0 };
	g_autoptr(GError) err = NULL;
	struct imap *imap;

	o.url = url_cases[_i].url;
	o.username = "u";
	o.password = "p";
	o.plain = url_cases[_i].plain;
	o.connect_timeout = 5;
	o.timeout = 5;
	imap = imap_new(&o, &err);
	if (url_cases[_i].code) {
		ck_assert_ptr_null(imap);
		ck_assert_int_eq(err->code, url_cases[_i].code);
		ck_assert_msg(strstr(err->message, url_cases[_i].expect),
		    "'%s' not in: %s", url_cases[_i].expect, err->message);
		return;
	}
	ck_assert_msg(imap != NULL, "%s", err ? err->message : "?");
	ck_assert_str_eq(imap_mailbox(imap), url_cases[_i].mailbox);
	imap_free(imap);
}
END_TEST

START_TEST(test_fetch_placeholder_keeps_identity_drops_mime)
{
	static const char hdr[] =
	    "From: Ann <a@example.org>\r\n"
	    "Message-ID: <big-1@example.org>\r\n"
	    "Content-Type: multipart/mixed;\r\n"
	    "\tboundary=\"xyz\"\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Subject: Re: survey\r\n"
	    "\r\n";
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;
	size_t alen = 0, blen = 0;

	a = fetch_placeholder(hdr, sizeof(hdr) - 1, 123456, &alen);
	b = fetch_placeholder(hdr, sizeof(hdr) - 1, 123456, &blen);
	ck_assert_uint_eq(alen, strlen(a));
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(a, b, alen);
	ck_assert(strstr(a, "Message-ID: <big-1@example.org>\r\n"));
	ck_assert(strstr(a, "Subject: Re: survey\r\n"));
	ck_assert(strstr(a, "From: Ann <a@example.org>\r\n"));
	ck_assert(!strstr(a, "multipart"));
	ck_assert(!strstr(a, "boundary"));
	ck_assert(strstr(a, "Content-Type: text/plain"));
	ck_assert(strstr(a, "X-Consultd-Too-Large: 123456\r\n\r\n"));
	ck_assert(strstr(a, "123456 bytes"));
}
END_TEST

static const struct {
	const char *content;	/* NULL: no file */
	mode_t mode;
	bool credential;	/* via $CREDENTIALS_DIRECTORY */
	const char *password;	/* NULL: EX_CONFIG */
	const char *expect;
} password_cases[] = {
	{ "pw one\n", 0600, false, "pw one", NULL },
	{ "pw two\r\nsecond line\n", 0400, false, "pw two", NULL },
	{ "pw three", 0600, false, "pw three", NULL },
	{ "pw\n", 0644, false, NULL, "chmod 600" },
	{ "pw\n", 0660, false, NULL, "mode 0660" },
	{ "\n", 0600, false, NULL, "is empty" },
	{ NULL, 0600, false, NULL, "cannot read" },
	{ "from systemd\n", 0400, true, "from systemd", NULL },
	{ NULL, 0600, true, NULL, "imap-password" },
};

START_TEST(test_fetch_password_file_is_checked)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = g_build_filename(dir, password_cases[_i].
	    credential ? "imap-password" : "pw", NULL);
	g_autoptr(GError) err = NULL;
	struct config_imap ic = { 0 };
	char *pw;

	if (password_cases[_i].content) {
		ck_assert(g_file_set_contents(path,
		    password_cases[_i].content, -1, NULL));
		ck_assert_int_eq(chmod(path, password_cases[_i].mode), 0);
	}
	if (password_cases[_i].credential)
		g_setenv("CREDENTIALS_DIRECTORY", dir, TRUE);
	else {
		g_unsetenv("CREDENTIALS_DIRECTORY");
		ic.password_file = path;
	}
	pw = fetch_password(&ic, &err);
	if (password_cases[_i].password) {
		ck_assert_msg(pw != NULL, "%s", err ? err->message : "?");
		ck_assert_str_eq(pw, password_cases[_i].password);
	} else {
		ck_assert_ptr_null(pw);
		ck_assert_int_eq(err->code, EX_CONFIG);
		ck_assert_msg(strstr(err->message, password_cases[_i].expect),
		    "'%s' not in: %s", password_cases[_i].expect,
		    err->message);
	}
	g_free(pw);
	g_unsetenv("CREDENTIALS_DIRECTORY");
	testutil_rmtree(dir);
}
END_TEST

/* Against Dovecot. */

static struct imap_server *srv;
static char *srv_why;

/* Every test has its own user, so its own Maildir. */
static const char *const users[] = {
	"basic", "kill", "restart", "validity", "twice", "move", "large",
	"wrongpw", "tls0", "tls1", "tls2", "tls3", "tls4", "check", "trace",
	"cut", "crash", "keep", NULL
};

static void
dovecot_setup(void)
{
	srv = imap_server_start(users, PASSWORD, &srv_why);
}

static void
dovecot_teardown(void)
{
	g_clear_pointer(&srv, imap_server_free);
	g_clear_pointer(&srv_why, g_free);
}

/* A server that cannot start fails every test, loudly. */
static void
require_server(void)
{
	ck_assert_msg(srv != NULL, "the test Dovecot did not start: %s",
	    srv_why ? srv_why : "?");
}

/* A client for the test's own user (see users[]). */
static struct imap_client *
new_user(const char *user)
{
	require_server();
	return imap_client_new(srv, user, PASSWORD);
}

/*
 * A workspace whose [imap] section is imap_section (@PORT@ and @TLSPORT@
 * stand for the plain and TLS ports), with the one-question survey and its
 * participant loaded, and PASSWORD in imap.pw (0600).
 */
static char *
make_workspace(const char *imap_section)
{
	g_autofree char *fixtures = g_build_filename(testutil_top(), "tests",
	    "fixtures", "imap", NULL);
	g_autofree char *survey = g_build_filename(fixtures, "survey", NULL);
	g_autofree char *csv = g_build_filename(fixtures, "participants.csv",
	    NULL);
	g_autofree char *conf = NULL;
	g_autofree char *pw = NULL;
	g_autoptr(GString) section = g_string_new(imap_section);
	g_autofree char *port = g_strdup_printf("%d", srv->port);
	g_autofree char *tls_port = g_strdup_printf("%d", srv->tls_port);
	char *dir = testutil_tmpdir();
	FILE *fp;

	g_string_replace(section, "@PORT@", port, 0);
	g_string_replace(section, "@TLSPORT@", tls_port, 0);
	testutil_run_ok(dir, (const char *const[]){ "init", ".", NULL });
	testutil_run_ok(dir, (const char *const[]){ "load", survey, NULL });
	testutil_run_ok(dir, (const char *const[]){ "import", "survey", csv,
	    NULL });
	pw = testutil_write(dir, "imap.pw", PASSWORD "\n");
	ck_assert_int_eq(chmod(pw, 0600), 0);
	conf = g_build_filename(dir, "consultd.conf", NULL);
	fp = fopen(conf, "a");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "\n[imap]\n%s\npassword_file = imap.pw\n",
	    section->str);
	ck_assert_int_eq(fclose(fp), 0);
	return dir;
}

#define PLAIN_SECTION(user, mailbox) \
	"url = imap://127.0.0.1:@PORT@/" mailbox "\nusername = " user \
	"\ntls = none\n"

static char *
reply_text(const char *tag, int i, size_t pad)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "From: Ann Example <a@example.org>\r\n"
	    "To: consult@example.org\r\n"
	    "Subject: Re: IMAP test survey\r\n"
	    "Date: Mon, 03 Mar 2025 10:%02d:00 +0000\r\n"
	    "Message-ID: <%s-%d@example.org>\r\n"
	    "\r\n"
	    "[Q1] answer %s number %d\r\n", i % 60, tag, i, tag, i);
	while (pad > 0) {
		size_t n = MIN(pad, (size_t)70);

		g_string_append_len(s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", (gssize)n);
		g_string_append(s, "\r\n");
		pad -= n;
	}
	return g_string_free(s, FALSE);
}

static void
append_replies(struct imap_client *c, const char *mailbox, const char *tag,
    int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		g_autofree char *m = reply_text(tag, i, 0);

		ck_assert(imap_client_append(c, mailbox, m, strlen(m)));
	}
}

/* Many at once: delivered into the Maildir rather than appended. */
static void
deliver_replies(const char *user, const char *tag, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		g_autofree char *m = reply_text(tag, i, 0);

		ck_assert(imap_server_deliver(srv, user, m, strlen(m)));
	}
}

static int64_t
db_count(const char *dir, const char *sql)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}


/* Filed exactly once each, answers too, and the spool drained. */
static void
assert_filed_once(const char *dir, int64_t n)
{
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM message"), n);
	ck_assert_int_eq(db_count(dir, "SELECT count(DISTINCT message_id)"
	    " FROM message"), n);
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM answer"), n);
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/new"), 0);
	ck_assert_uint_eq(testutil_count_files(dir, "spool/inbox/tmp"), 0);
	ck_assert_uint_eq(testutil_count_files(dir,
	    "spool/inbox/cur"), (unsigned)n);
}

static void
assert_flagged(struct imap_client *c, const char *mailbox, int n)
{
	ck_assert_int_eq(imap_client_count(c, mailbox,
	    "KEYWORD " FETCH_KEYWORD_FILED " SEEN"), n);
	ck_assert_int_eq(imap_client_count(c, mailbox,
	    "UNKEYWORD " FETCH_KEYWORD_FILED), 0);
}

START_TEST(test_fetch_files_flags_and_refetches_nothing)
{
	struct imap_client *c = new_user("basic");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("basic",
	    "INBOX"));
	g_autofree char *err = NULL;

	append_replies(c, "INBOX", "basic", 0, 25);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 25);
	assert_flagged(c, "INBOX", 25);
	ck_assert_int_eq(db_count(dir, "SELECT last_uid FROM imap_state"), 25);
	/* Again: nothing new; then five more arrive. */
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "-v", "fetch",
	    NULL }, NULL, &err), 0);
	ck_assert_msg(strstr(err, "0 message(s) fetched"), "%s", err);
	assert_filed_once(dir, 25);
	append_replies(c, "INBOX", "basic", 25, 30);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 30);
	assert_flagged(c, "INBOX", 30);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

static GPid
spawn_fetch(const char *dir, const char *errfile)
{
	const char *argv[] = { g_getenv("CONSULTD_BIN"), "-q", "fetch",
	    NULL };
	g_autoptr(GError) err = NULL;
	int fd = open(errfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644);
	GPid pid;

	ck_assert_int_ge(fd, 0);
	ck_assert_msg(g_spawn_async_with_fds(dir, (char **)(uintptr_t)argv,
	    NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
	    NULL, NULL, &pid, -1, -1, fd, &err), "spawn: %s",
	    err ? err->message : "?");
	close(fd);
	return pid;
}

#define KILL_MESSAGES 2000
#define KILLS 20

/* Messages filed so far, or -1 when the database is not there yet. */
static int64_t
filed_now(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);

	return g_file_test(path, G_FILE_TEST_EXISTS) ? db_count(dir,
	    "SELECT count(*) FROM message") : -1;
}

/*
 * Kills pid at a random moment: two runs in three after a random delay
 * (startup, search, fetch, spool, filing, flagging alike), the third
 * right after more messages got filed (a batch committed, not yet
 * flagged), so that some kills surely land there.  True if it was
 * killed.
 */
static bool
kill_fetch_at_random(GRand *rnd, GPid pid, int run, const char *dir,
    int64_t before, int *status)
{
	gint64 deadline;
	int64_t target = before + g_rand_int_range(rnd, 1, 60);
	pid_t r;

	if (run % 3 != 2) {
		g_usleep((gulong)g_rand_int_range(rnd, 2000, 150000));
		kill(pid, SIGKILL);
	} else {
		deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
		while ((r = waitpid(pid, status, WNOHANG)) == 0 &&
		    g_get_monotonic_time() < deadline) {
			if (filed_now(dir) >= target) {
				kill(pid, SIGKILL);
				break;
			}
			g_usleep(1000);
		}
		if (r == pid)
			return false;
	}
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	return WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL;
}

/*
 * (a) kill -9 at random moments of `consultd fetch` over 2000 messages,
 * 20 times while there is mail left, then run it to the end: each
 * filed once, all flagged.  A fetch fast enough to file everything
 * before the 20th kill gets 500 more messages, so that every kill still
 * lands while there is mail left.
 */
START_TEST(test_fetch_kill9_loses_and_doubles_nothing)
{
	struct imap_client *c = new_user("kill");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("kill", "INBOX"));
	g_autofree char *errfile = g_build_filename(dir, "fetch.err", NULL);
	GRand *rnd = g_rand_new_with_seed(4242 + (unsigned)getpid());
	int kills = 0, mid = 0, runs, status = -1;
	int total = KILL_MESSAGES;
	int64_t filed, before = 0;
	gint64 t0 = g_get_monotonic_time();

	deliver_replies("kill", "kill", 0, KILL_MESSAGES);
	for (runs = 0; runs < 200; runs++) {
		GPid pid = spawn_fetch(dir, errfile);

		/* Until enough kills, at least five of them mid-filing. */
		if (kills < KILLS || mid < 5) {
			if (kill_fetch_at_random(rnd, pid, runs, dir, before,
			    &status) && before < total)
				kills++;
		} else
			ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    kills >= KILLS && mid >= 5)
			break;
		filed = db_count(dir, "SELECT count(*) FROM message");
		if (filed > before && filed < total)
			mid++;
		if (filed >= total && (kills < KILLS || mid < 5)) {
			deliver_replies("kill", "kill", total, total + 500);
			total += 500;
		}
		if (g_getenv("IMAP_TEST_DEBUG"))
			fprintf(stderr, "run %d: status %d, %lld filed\n",
			    runs, status, (long long)filed);
		before = filed;
	}
	g_rand_free(rnd);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fetch never completed");
	ck_assert_int_ge(kills, KILLS);
	ck_assert_int_ge(mid, 5);
	assert_filed_once(dir, total);
	assert_flagged(c, "INBOX", total);
	ck_assert_int_eq(db_count(dir, "SELECT last_uid FROM imap_state"),
	    total);
	testutil_report("imap-kill", "kills=%d mid_filing=%d runs=%d "
	    "messages=%d lost=0 duplicated=0 unflagged=0 seconds=%.1f", kills,
	    mid, runs + 1, total,
	    (double)(g_get_monotonic_time() - t0) / 1e6);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

/*
 * (b) Dovecot stopped in the middle of a fetch and started again: the
 * fetch reconnects (or the next one finishes), nothing lost or doubled.
 */
START_TEST(test_fetch_survives_dovecot_restart)
{
	struct imap_client *c = new_user("restart");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("restart",
	    "INBOX"));
	g_autofree char *errfile = g_build_filename(dir, "fetch.err", NULL);
	g_autofree char *errs = NULL;
	int status = -1, i;
	int64_t at_stop;
	GPid pid;

	deliver_replies("restart", "restart", 0, 1000);
	imap_client_free(c);
	pid = spawn_fetch(dir, errfile);
	for (i = 0; i < 1000 && db_count(dir,
	    "SELECT count(*) FROM message") < 20; i++)
		g_usleep(5000);
	imap_server_stop(srv);
	at_stop = db_count(dir, "SELECT count(*) FROM message");
	g_usleep(1500000);
	ck_assert(imap_server_resume(srv));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(g_file_get_contents(errfile, &errs, NULL, NULL));
	if (!strstr(errs, "trying again")) {
		g_autofree char *lp = g_build_filename(srv->dir, "dovecot.log",
		    NULL);
		g_autofree char *log = NULL;

		g_file_get_contents(lp, &log, NULL, NULL);
		ck_abort_msg("no reconnect (status %d, %lld filed at the "
		    "stop): %s\n%s", status, (long long)at_stop, errs,
		    log ? log + MAX(0, (long)strlen(log) - 3000) : "");
	}
	ck_assert_msg(at_stop < 1000, "the fetch ended before the stop");
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 1000);
	c = imap_client_new(srv, "restart", PASSWORD);
	assert_flagged(c, "INBOX", 1000);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

/* Messages flagged on the server: never more than are filed. */
static void
assert_flagged_at_most_filed(struct imap_client *c, const char *dir)
{
	int flagged = imap_client_count(c, "INBOX",
	    "KEYWORD " FETCH_KEYWORD_FILED);
	int64_t filed = db_count(dir, "SELECT count(*) FROM message");

	ck_assert_msg(flagged <= filed, "%d flagged on the server, only %lld "
	    "filed", flagged, (long long)filed);
}

#define CUT_MESSAGES 40
#define CUT_LARGE 4		/* the first ones, about 400 KB each */

/*
 * The connection cut by the network after N bytes from the server, N
 * anywhere from the greeting to the middle of a 400 KB literal; then
 * whatever the next connection brings.  Each run of `consultd fetch`
 * either finishes or gives up with EX_TEMPFAIL (a timer runs it again);
 * a cut never leaves a partial message filed or spooled, never flags one
 * unfiled, and in the end each message is filed once, byte for byte.
 */
START_TEST(test_fetch_survives_connections_cut_mid_reply)
{
	static const size_t fixed[] = { 40, 300, 150000, 350000, 2000,
	    60000 };
	struct imap_client *c = new_user("cut");
	unsigned ncuts = testutil_scale(G_N_ELEMENTS(fixed), 30);
	g_autofree size_t *cuts = g_new(size_t, ncuts);
	g_autoptr(GRand) rnd = g_rand_new_with_seed(8);
	struct tcp_proxy *proxy;
	g_autofree char *dir = NULL;
	g_autofree char *section = NULL;
	size_t delivered = 0, spooled = 0;
	unsigned i, runs = 0, gave_up = 0, cut;
	int status;

	for (i = 0; i < ncuts; i++)
		cuts[i] = i < G_N_ELEMENTS(fixed) ? fixed[i] :
		    (size_t)exp(g_rand_double_range(rnd, log(20), log(2e6)));
	for (i = 0; i < CUT_MESSAGES; i++) {
		g_autofree char *m = reply_text("cut", (int)i,
		    i < CUT_LARGE ? 400000 : 0);

		ck_assert(imap_server_deliver(srv, "cut", m, strlen(m)));
		delivered += strlen(m);
	}
	proxy = tcp_proxy_start(srv->port, cuts, ncuts);
	ck_assert_ptr_nonnull(proxy);
	section = g_strdup_printf("url = imap://127.0.0.1:%d/INBOX\n"
	    "username = cut\ntls = none\n", tcp_proxy_port(proxy));
	dir = make_workspace(section);
	do {
		g_autofree char *err = NULL;

		ck_assert_uint_lt(runs++, ncuts + 5);
		status = testutil_run(dir, (const char *const[]){ "fetch",
		    NULL }, NULL,
		    &err);
		ck_assert_msg(status == 0 || status == EX_TEMPFAIL,
		    "exit %d: %s", status, err);
		if (status == EX_TEMPFAIL) {
			ck_assert_msg(strstr(err, "try") || strstr(err,
			    "again"), "no advice: %s", err);
			gave_up++;
		}
		ck_assert_uint_eq(testutil_count_files(dir,
		    "spool/inbox/new"), 0);
		assert_flagged_at_most_filed(c, dir);
	} while (status != 0);
	/*
	 * A cut past what a connection carries never happens (the mailbox
	 * state connection carries little): most must have.
	 */
	cut = tcp_proxy_cuts_done(proxy);
	ck_assert_msg(cut * 3 >= ncuts * 2, "only %u of %u cuts happened",
	    cut, ncuts);
	tcp_proxy_stop(proxy);
	assert_filed_once(dir, CUT_MESSAGES);
	assert_flagged(c, "INBOX", CUT_MESSAGES);
	/* No message shortened on the way: the spool holds every byte. */
	{
		g_autofree char *cur = g_build_filename(dir, "spool", "inbox",
		    "cur", NULL);
		GDir *d = g_dir_open(cur, 0, NULL);
		const char *name;

		ck_assert_ptr_nonnull(d);
		while ((name = g_dir_read_name(d)) != NULL) {
			g_autofree char *p = g_build_filename(cur, name, NULL);
			struct stat st;

			ck_assert_int_eq(stat(p, &st), 0);
			spooled += (size_t)st.st_size;
		}
		g_dir_close(d);
	}
	ck_assert_uint_eq(spooled, delivered);
	testutil_report("imap-cut", "cuts=%u runs=%u gave_up=%u messages=%d "
	    "lost=0 duplicated=0 truncated=0 flagged_unfiled=0", cut, runs,
	    gave_up, CUT_MESSAGES);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

#define CRASH_MESSAGES 1000

/* Starts the killed Dovecot again, or fails saying why it would not. */
static void
resume_or_fail(void)
{
	g_autofree char *path = g_build_filename(srv->dir, "dovecot.start",
	    NULL);
	g_autofree char *log = NULL;

	if (imap_server_resume(srv))
		return;
	g_file_get_contents(path, &log, NULL, NULL);
	ck_abort_msg("Dovecot did not start again: %s", log ? log : "?");
}

/*
 * Dovecot killed with SIGKILL in the middle of a fetch and started
 * again, several times: the fetch reconnects or gives up with
 * EX_TEMPFAIL; nothing lost, doubled or flagged unfiled.
 */
START_TEST(test_fetch_survives_dovecot_killed)
{
	struct imap_client *c = new_user("crash");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("crash",
	    "INBOX"));
	g_autofree char *errfile = g_build_filename(dir, "fetch.err", NULL);
	unsigned kills = testutil_scale(2, 10), k, runs = 1, landed = 0;
	int status = -1;
	GPid pid;

	deliver_replies("crash", "crash", 0, CRASH_MESSAGES);
	imap_client_free(c);
	pid = spawn_fetch(dir, errfile);
	for (k = 1; k <= kills; k++) {
		int64_t target = (int64_t)k * CRASH_MESSAGES / (kills + 1);
		int i;

		for (i = 0; i < 4000 && filed_now(dir) < target; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				ck_assert_msg(WIFEXITED(status) &&
				    (WEXITSTATUS(status) == 0 ||
				    WEXITSTATUS(status) == EX_TEMPFAIL),
				    "fetch ended with status %d", status);
				pid = spawn_fetch(dir, errfile);
				runs++;
			}
			g_usleep(5000);
		}
		if (filed_now(dir) < CRASH_MESSAGES)
			landed++;
		imap_server_kill(srv);
		g_usleep(300000);
		resume_or_fail();
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && (WEXITSTATUS(status) == 0 ||
	    WEXITSTATUS(status) == EX_TEMPFAIL), "status %d", status);
	ck_assert_msg(landed >= 1, "no kill landed before the fetch ended");
	c = imap_client_new(srv, "crash", PASSWORD);
	assert_flagged_at_most_filed(c, dir);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, CRASH_MESSAGES);
	assert_flagged(c, "INBOX", CRASH_MESSAGES);
	testutil_report("imap-server-killed", "kills=%u mid_fetch=%u "
	    "runs=%u messages=%d lost=0 duplicated=0 flagged_unfiled=0",
	    kills, landed, runs + 1, CRASH_MESSAGES);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

/*
 * (c) The mailbox deleted and made again (new UIDVALIDITY) with the
 * same messages plus new ones: only the new ones are filed.
 */
START_TEST(test_fetch_uidvalidity_change_refiles_nothing)
{
	struct imap_client *c = new_user("validity");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("validity",
	    "Consult"));
	g_autofree char *err = NULL;
	g_autofree char *out = NULL;
	int64_t v1;

	out = imap_client_command(c, NULL, "CREATE Consult");
	ck_assert_ptr_nonnull(out);
	append_replies(c, "Consult", "validity", 0, 20);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 20);
	v1 = db_count(dir, "SELECT uidvalidity FROM imap_state");
	g_free(out);
	out = imap_client_command(c, NULL, "DELETE Consult");
	ck_assert_ptr_nonnull(out);
	g_free(out);
	out = imap_client_command(c, NULL, "CREATE Consult");
	ck_assert_ptr_nonnull(out);
	append_replies(c, "Consult", "validity", 0, 25);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "fetch",
	    NULL }, NULL,
	    &err), 0);
	ck_assert_msg(strstr(err, "UIDVALIDITY"), "%s", err);
	assert_filed_once(dir, 25);
	ck_assert_int_ne(db_count(dir, "SELECT uidvalidity FROM imap_state"),
	    v1);
	assert_flagged(c, "Consult", 25);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

/*
 * (d) One message delivered twice to INBOX, and again in another folder
 * read later: filed once.
 */
START_TEST(test_fetch_same_message_twice_is_filed_once)
{
	struct imap_client *c = new_user("twice");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("twice", "INBOX"));
	g_autofree char *conf = g_build_filename(dir, "consultd.conf", NULL);
	g_autofree char *text = NULL;
	g_autofree char *out = NULL;
	g_autofree char *m = reply_text("twice", 1, 0);
	g_autofree char *err = NULL;
	GString *s;

	ck_assert(imap_client_append(c, "INBOX", m, strlen(m)));
	ck_assert(imap_client_append(c, "INBOX", m, strlen(m)));
	out = imap_client_command(c, NULL, "CREATE Other");
	ck_assert_ptr_nonnull(out);
	ck_assert(imap_client_append(c, "Other", m, strlen(m)));
	append_replies(c, "Other", "twice", 2, 4);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 1);
	assert_flagged(c, "INBOX", 2);
	/* The same workspace now reads the other folder. */
	ck_assert(g_file_get_contents(conf, &text, NULL, NULL));
	s = g_string_new(text);
	g_string_replace(s, "/INBOX\n", "/Other\n", 0);
	ck_assert(g_file_set_contents(conf, s->str, -1, NULL));
	g_string_free(s, TRUE);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "fetch",
	    NULL }, NULL,
	    &err), 0);
	ck_assert_msg(db_count(dir, "SELECT count(*) FROM message") == 3,
	    "%s", err);
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM imap_state"), 2);
	assert_flagged(c, "Other", 3);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

/*
 * after_fetch = keep: filed, and the mailbox as it was, unread mail
 * still unread (the body connection reads with BODY.PEEK[]).
 */
START_TEST(test_fetch_keep_leaves_mail_unread)
{
	struct imap_client *c = new_user("keep");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("keep", "INBOX")
	    "after_fetch = keep\n");

	/* Delivered, not appended: libcurl's APPEND sets \Seen. */
	deliver_replies("keep", "keep", 0, 7);
	ck_assert_int_eq(imap_client_count(c, "INBOX", "UNSEEN"), 7);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 7);
	ck_assert_int_eq(imap_client_count(c, "INBOX", "UNSEEN"), 7);
	ck_assert_int_eq(imap_client_count(c, "INBOX",
	    "KEYWORD " FETCH_KEYWORD_FILED), 0);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 7);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_fetch_moves_filed_mail)
{
	struct imap_client *c = new_user("move");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("move", "INBOX")
	    "after_fetch = move:Filed\n");

	append_replies(c, "INBOX", "move", 0, 12);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 12);
	ck_assert_int_eq(imap_client_count(c, "INBOX", "ALL"), 0);
	ck_assert_int_eq(imap_client_count(c, "Filed", "ALL"), 12);
	append_replies(c, "INBOX", "move", 12, 15);
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	assert_filed_once(dir, 15);
	ck_assert_int_eq(imap_client_count(c, "INBOX", "ALL"), 0);
	ck_assert_int_eq(imap_client_count(c, "Filed", "ALL"), 15);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_fetch_keeps_too_large_on_server_files_placeholder)
{
	struct imap_client *c = new_user("large");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("large", "INBOX")
	    "max_message_size = 64K\n");
	g_autofree char *big = reply_text("large", 1, 200000);
	g_autofree char *small = reply_text("large", 2, 100);

	ck_assert(imap_client_append(c, "INBOX", big, strlen(big)));
	ck_assert(imap_client_append(c, "INBOX", small, strlen(small)));
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	testutil_run_ok(dir, (const char *const[]){ "fetch", NULL });
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM message"), 2);
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM message WHERE"
	    " message_id = 'large-1@example.org'"), 1);
	ck_assert_int_eq(imap_client_count(c, "INBOX",
	    "KEYWORD " FETCH_KEYWORD_TOO_LARGE " FLAGGED"), 1);
	ck_assert_int_eq(imap_client_count(c, "INBOX", "ALL"), 2);
	assert_flagged(c, "INBOX", 2);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_fetch_wrong_password_exits_77_once)
{
	struct imap_client *c = new_user("wrongpw");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("wrongpw",
	    "INBOX"));
	g_autofree char *pw = g_build_filename(dir, "imap.pw", NULL);
	g_autofree char *log = g_build_filename(srv->dir, "dovecot.log", NULL);
	g_autofree char *err = NULL;
	g_autofree char *text = NULL;
	gint64 t0;
	const char *p;
	int attempts = 0, i;

	ck_assert(g_file_set_contents(pw, "not-the-password\n", -1, NULL));
	ck_assert_int_eq(chmod(pw, 0600), 0);
	t0 = g_get_monotonic_time();
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "fetch",
	    NULL }, NULL,
	    &err), 77);
	ck_assert_int_lt(g_get_monotonic_time() - t0, 5 * G_USEC_PER_SEC);
	ck_assert_msg(strstr(err, "refused the login of user 'wrongpw'"),
	    "%s", err);
	ck_assert(!strstr(err, "not-the-password"));
	/* One attempt at the server, no retry storm. */
	for (i = 0; i < 100 && attempts == 0; i++) {
		g_clear_pointer(&text, g_free);
		ck_assert(g_file_get_contents(log, &text, NULL, NULL));
		for (p = text; (p = strstr(p, "(auth failed, ")) != NULL;
		    p++) {
			const char *eol = strchr(p, '\n');
			const char *u = strstr(p, "user=<wrongpw>");

			if (u && (!eol || u < eol)) {
				attempts++;
				ck_assert_msg(g_str_has_prefix(p,
				    "(auth failed, 1 attempts"), "%.80s", p);
			}
		}
		if (!attempts)
			g_usleep(10000);
	}
	ck_assert_int_eq(attempts, 1);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

static const struct {
	const char *section;
	int status;
	const char *expect;	/* in stderr */
} tls_cases[] = {
	/* imaps with the test CA: verified, works. */
	{ "url = imaps://127.0.0.1:@TLSPORT@/INBOX\nusername = tls0\n"
	  "ca_file = @CA@\n", 0, "fetched" },
	/* STARTTLS, required. */
	{ "url = imap://127.0.0.1:@PORT@/INBOX\nusername = tls1\n"
	  "ca_file = @CA@\n", 0, "fetched" },
	/* The system store does not know the test CA. */
	{ "url = imaps://127.0.0.1:@TLSPORT@/INBOX\nusername = tls2\n", 78,
	  "is not trusted" },
	{ "url = imaps://127.0.0.1:@TLSPORT@/INBOX\nusername = tls3\n"
	  "ca_file = @OTHER@\n", 78, "is not trusted" },
	{ "url = imap://127.0.0.1:@PORT@/INBOX\nusername = tls4\n"
	  "ca_file = @OTHER@\n", 78, "set [imap] ca_file" },
};

START_TEST(test_fetch_tls_verifies_the_certificate)
{
	g_autofree char *user = g_strdup_printf("tls%d", _i);
	struct imap_client *c = new_user(user);
	g_autoptr(GString) section = g_string_new(tls_cases[_i].section);
	g_autofree char *dir = NULL;
	g_autofree char *err = NULL;

	g_string_replace(section, "@CA@", srv->ca_file, 0);
	g_string_replace(section, "@OTHER@", srv->other_ca_file, 0);
	dir = make_workspace(section->str);
	append_replies(c, "INBOX", user, 0, 3);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "-v", "fetch",
	    NULL }, NULL, &err), tls_cases[_i].status);
	ck_assert_msg(strstr(err, tls_cases[_i].expect), "'%s' not in: %s",
	    tls_cases[_i].expect, err);
	ck_assert_int_eq(db_count(dir, "SELECT count(*) FROM message"),
	    tls_cases[_i].status ? 0 : 3);
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

static const struct {
	const char *section;
	const char *password;	/* NULL: the right one */
	int status;
	const char *out;	/* in stdout */
	const char *err;	/* in stderr, or NULL */
} check_cases[] = {
	{ PLAIN_SECTION("check", "INBOX"), NULL, 0,
	  "imap: ok: logged in to imap://127.0.0.1:", NULL },
	{ PLAIN_SECTION("check", "INBOX") "after_fetch = move:Archive\n",
	  NULL, 0, "folder 'Archive' will be created", NULL },
	{ PLAIN_SECTION("check", "INBOX"), "wrong", 77, "imap: FAILED",
	  "refused the login" },
	{ PLAIN_SECTION("check", "Nonexistent"), NULL, 78, "imap: FAILED",
	  "mailbox 'Nonexistent' cannot be opened" },
	{ "url = imap://192.0.2.1:@PORT@/INBOX\nusername = check\ntls = none\n",
	  NULL, 78, "imap: FAILED", "loopback" },
	{ "url = imap://127.0.0.1:@PORT@/INBOX\ntls = none\n", NULL, 78,
	  "imap: FAILED", "username is not set" },
};

START_TEST(test_check_config_says_what_is_wrong)
{
	struct imap_client *c = new_user("check");
	g_autofree char *dir = make_workspace(check_cases[_i].section);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status;

	if (check_cases[_i].password) {
		g_autofree char *pw = g_build_filename(dir, "imap.pw", NULL);

		ck_assert(g_file_set_contents(pw, check_cases[_i].password,
		    -1, NULL));
		ck_assert_int_eq(chmod(pw, 0600), 0);
	}
	status = testutil_run(dir, (const char *const[]){ "check-config",
	    NULL }, &out, &err);
	ck_assert_msg(status == check_cases[_i].status, "exit %d: %s%s",
	    status, out, err);
	ck_assert_msg(strstr(out, "config: ok"), "%s", out);
	ck_assert_msg(strstr(out, check_cases[_i].out), "'%s' not in: %s",
	    check_cases[_i].out, out);
	ck_assert_msg(strstr(out, "smtp: not configured"), "%s", out);
	if (check_cases[_i].err)
		ck_assert_msg(strstr(err, check_cases[_i].err),
		    "'%s' not in: %s", check_cases[_i].err, err);
	ck_assert(!strstr(out, PASSWORD) && !strstr(err, PASSWORD));
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

/*
 * The trace (-vv on a terminal, -vvv in scripts, which start quiet) shows
 * the IMAP dialogue but never the login's secret.
 */
START_TEST(test_fetch_trace_hides_the_password)
{
	struct imap_client *c = new_user("trace");
	g_autofree char *dir = make_workspace(PLAIN_SECTION("trace", "INBOX"));
	g_autofree char *err = NULL;
	g_autofree char *b64 = NULL;
	static const char plain[] = "trace\0trace\0" PASSWORD;

	append_replies(c, "INBOX", "trace", 0, 2);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "-vvv",
	    "fetch",
	    NULL }, NULL, &err), 0);
	ck_assert_msg(strstr(err, "UID SEARCH"), "no trace: %s", err);
	ck_assert_msg(strstr(err, "login"), "%s", err);
	ck_assert(!strstr(err, PASSWORD));
	b64 = g_base64_encode((const guchar *)plain, sizeof(plain) - 1);
	ck_assert(!strstr(err, b64));
	imap_client_free(c);
	testutil_rmtree(dir);
}
END_TEST

Suite *
imap_suite(void)
{
	Suite *s = suite_create("imap");
	TCase *unit = tcase_create("unit");
	TCase *dovecot = tcase_create("dovecot");

	tcase_add_loop_test(unit, test_imap_uid_set_is_compact, 0,
	    G_N_ELEMENTS(uid_set_cases));
	tcase_add_loop_test(unit, test_imap_parse_search_keeps_the_window, 0,
	    G_N_ELEMENTS(search_cases));
	tcase_add_loop_test(unit, test_imap_new_checks_url_and_tls_policy, 0,
	    G_N_ELEMENTS(url_cases));
	tcase_add_test(unit, test_fetch_placeholder_keeps_identity_drops_mime);
	tcase_add_loop_test(unit, test_fetch_password_file_is_checked, 0,
	    G_N_ELEMENTS(password_cases));
	suite_add_tcase(s, unit);

	tcase_add_unchecked_fixture(dovecot, dovecot_setup, dovecot_teardown);
	tcase_set_timeout(dovecot, 120);
	tcase_add_test(dovecot, test_fetch_files_flags_and_refetches_nothing);
	tcase_add_test(dovecot, test_fetch_kill9_loses_and_doubles_nothing);
	tcase_add_test(dovecot, test_fetch_survives_dovecot_restart);
	tcase_add_test(dovecot, test_fetch_survives_connections_cut_mid_reply);
	tcase_add_test(dovecot, test_fetch_survives_dovecot_killed);
	tcase_add_test(dovecot, test_fetch_uidvalidity_change_refiles_nothing);
	tcase_add_test(dovecot, test_fetch_same_message_twice_is_filed_once);
	tcase_add_test(dovecot, test_fetch_moves_filed_mail);
	tcase_add_test(dovecot, test_fetch_keep_leaves_mail_unread);
	tcase_add_test(dovecot,
	    test_fetch_keeps_too_large_on_server_files_placeholder);
	tcase_add_test(dovecot, test_fetch_wrong_password_exits_77_once);
	tcase_add_loop_test(dovecot, test_fetch_tls_verifies_the_certificate,
	    0, G_N_ELEMENTS(tls_cases));
	tcase_add_loop_test(dovecot, test_check_config_says_what_is_wrong, 0,
	    G_N_ELEMENTS(check_cases));
	tcase_add_test(dovecot, test_fetch_trace_hides_the_password);
	suite_add_tcase(s, dovecot);
	return s;
}
