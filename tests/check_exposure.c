/* SPDX-License-Identifier: MIT */
/*
 * Secrets and TLS end to end (issue 8, item 8).  The IMAP and SMTP
 * passwords are canaries, given once as password files and once as
 * systemd credentials; the commands a user or a unit runs are run against
 * a private Dovecot and an SMTP server that checks the login, and the
 * canaries (clear, cut short, and base64 as SASL sends them) are looked
 * for in everything consultd leaves behind: its output at every
 * verbosity, every byte of every file under the workspace (database,
 * WAL, spool, outbox, exports), the mail it sent, and /proc/PID/cmdline
 * and environ of the running daemon.  Then what must be refused is
 * refused, clearly: a password file others may read, a certificate no
 * trusted CA signed, a server that offers no STARTTLS.
 *
 * smtp-sink answers AUTH with 250, which no client takes for a login, so
 * the logins that must succeed go to a small SMTP server of our own
 * below; for an IMAP server without STARTTLS (our Dovecot always offers
 * it) there is a small fake IMAP greeting too.  Both count what reached
 * them, so the tests also prove that no password went out in clear.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imap_server.h"
#include "smtp_server.h"
#include "testutil.h"

Suite *exposure_suite(void);

/* Nothing else in the tree looks like these. */
#define IMAP_PW "kx7Q-imap-canary-Vw29rTj"
#define SMTP_PW "zr4L-smtp-canary-Hp81eNc"
#define SMTP_USER "consult"

/* A small SMTP or IMAP server on 127.0.0.1, in a thread of the test. */

enum fake_kind {
	FAKE_SMTP,	/* EHLO offers AUTH PLAIN LOGIN, never STARTTLS */
	FAKE_IMAP,	/* CAPABILITY without STARTTLS; refuses every login */
};

/* What reached a fake server. */
struct fake_seen {
	unsigned connections;
	unsigned logins;	/* SMTP AUTH with SMTP_USER and SMTP_PW */
	unsigned refused;	/* any other credentials */
	unsigned credentials;	/* IMAP LOGIN or AUTHENTICATE */
	unsigned mails;
};

struct fake {
	enum fake_kind kind;
	int fd;			/* listening */
	int port;
	int wake[2];		/* a byte here ends the thread */
	GThread *thread;
	GMutex lock;
	/* Under lock. */
	struct fake_seen seen;
	GPtrArray *data;	/* each DATA as received, GBytes */
};

struct fake_conn {
	struct fake *f;
	int fd;
	GString *in;
};

static void
fake_say(struct fake_conn *c, const char *text)
{
	size_t len = strlen(text), off = 0;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

/* The next line without its CRLF, newly allocated; NULL at the end. */
static char *
fake_line(struct fake_conn *c)
{
	char buf[4096];
	char *nl;
	ssize_t n;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = c->fd, .events = POLLIN },
			{ .fd = c->f->wake[0], .events = POLLIN },
		};

		nl = memchr(c->in->str, '\n', c->in->len);
		if (nl) {
			size_t len = (size_t)(nl - c->in->str);
			char *line = g_strndup(c->in->str, len > 0 &&
			    nl[-1] == '\r' ? len - 1 : len);

			g_string_erase(c->in, 0, (gssize)len + 1);
			return line;
		}
		if (poll(p, 2, 20000) <= 0 || p[1].revents)
			return NULL;
		n = read(c->fd, buf, sizeof(buf));
		if (n <= 0)
			return NULL;
		g_string_append_len(c->in, buf, n);
	}
}

static void
fake_note(struct fake *f, unsigned *counter)
{
	g_mutex_lock(&f->lock);
	(*counter)++;
	g_mutex_unlock(&f->lock);
}

/* A SASL PLAIN answer: authzid NUL authcid NUL password. */
static bool
fake_plain_ok(const char *b64)
{
	static const char want[] = "\0" SMTP_USER "\0" SMTP_PW;
	g_autofree guchar *raw = NULL;
	gsize len = 0;
	const guchar *p;

	raw = g_base64_decode(b64, &len);
	/* Skip the authzid, if any. */
	p = memchr(raw, '\0', len);
	if (!p)
		return false;
	len -= (gsize)(p - raw);
	return len == sizeof(want) - 1 && memcmp(p, want, len) == 0;
}

static bool
fake_b64_is(const char *b64, const char *want)
{
	g_autofree guchar *raw = NULL;
	gsize len = 0;

	raw = g_base64_decode(b64, &len);
	return len == strlen(want) && memcmp(raw, want, len) == 0;
}

static void
fake_auth(struct fake_conn *c, const char *line)
{
	g_autofree char *user = NULL, *pw = NULL, *resp = NULL;
	bool ok;

	if (g_ascii_strncasecmp(line, "AUTH PLAIN", 10) == 0) {
		if (line[10] == ' ')
			resp = g_strdup(line + 11);
		else {
			fake_say(c, "334 \r\n");
			resp = fake_line(c);
		}
		ok = resp && fake_plain_ok(resp);
	} else if (g_ascii_strncasecmp(line, "AUTH LOGIN", 10) == 0) {
		if (line[10] == ' ')
			user = g_strdup(line + 11);
		else {
			fake_say(c, "334 VXNlcm5hbWU6\r\n");
			user = fake_line(c);
		}
		fake_say(c, "334 UGFzc3dvcmQ6\r\n");
		pw = user ? fake_line(c) : NULL;
		ok = user && pw && fake_b64_is(user, SMTP_USER) &&
		    fake_b64_is(pw, SMTP_PW);
	} else {
		fake_say(c, "504 5.5.4 mechanism not supported\r\n");
		return;
	}
	fake_note(c->f, ok ? &c->f->seen.logins : &c->f->seen.refused);
	fake_say(c, ok ? "235 2.7.0 Authentication successful\r\n" :
	    "535 5.7.8 Authentication credentials invalid\r\n");
}

static void
fake_data(struct fake_conn *c)
{
	GString *msg = g_string_new(NULL);
	char *line;

	fake_say(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
	while ((line = fake_line(c)) != NULL && strcmp(line, ".") != 0) {
		g_string_append(msg, line[0] == '.' ? line + 1 : line);
		g_string_append(msg, "\r\n");
		g_free(line);
	}
	if (!line) {
		g_string_free(msg, TRUE);
		return;
	}
	g_free(line);
	g_mutex_lock(&c->f->lock);
	g_ptr_array_add(c->f->data, g_string_free_to_bytes(msg));
	c->f->seen.mails++;
	g_mutex_unlock(&c->f->lock);
	fake_say(c, "250 2.0.0 Ok: queued\r\n");
}

static void
fake_smtp(struct fake_conn *c)
{
	char *line;

	fake_say(c, "220 fake.example.org ESMTP\r\n");
	while ((line = fake_line(c)) != NULL) {
		if (g_ascii_strncasecmp(line, "EHLO", 4) == 0)
			fake_say(c, "250-fake.example.org\r\n"
			    "250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
		else if (g_ascii_strncasecmp(line, "AUTH ", 5) == 0)
			fake_auth(c, line);
		else if (g_ascii_strncasecmp(line, "DATA", 4) == 0)
			fake_data(c);
		else if (g_ascii_strncasecmp(line, "QUIT", 4) == 0) {
			fake_say(c, "221 2.0.0 Bye\r\n");
			g_free(line);
			return;
		} else if (g_ascii_strncasecmp(line, "HELO", 4) == 0 ||
		    g_ascii_strncasecmp(line, "MAIL", 4) == 0 ||
		    g_ascii_strncasecmp(line, "RCPT", 4) == 0 ||
		    g_ascii_strncasecmp(line, "RSET", 4) == 0 ||
		    g_ascii_strncasecmp(line, "NOOP", 4) == 0)
			fake_say(c, "250 2.0.0 Ok\r\n");
		else
			fake_say(c, "502 5.5.2 command not recognized\r\n");
		g_free(line);
	}
}

static void
fake_imap(struct fake_conn *c)
{
	char *line;

	fake_say(c, "* OK fake IMAP ready\r\n");
	while ((line = fake_line(c)) != NULL) {
		g_auto(GStrv) w = g_strsplit(line, " ", 3);
		g_autofree char *reply = NULL;
		const char *tag = w[0] ? w[0] : "*";
		const char *cmd = w[0] && w[1] ? w[1] : "";

		if (g_ascii_strcasecmp(cmd, "CAPABILITY") == 0)
			reply = g_strdup_printf("* CAPABILITY IMAP4rev1 "
			    "AUTH=PLAIN\r\n%s OK done\r\n", tag);
		else if (g_ascii_strcasecmp(cmd, "LOGIN") == 0 ||
		    g_ascii_strcasecmp(cmd, "AUTHENTICATE") == 0) {
			fake_note(c->f, &c->f->seen.credentials);
			reply = g_strdup_printf("%s NO refused\r\n", tag);
		} else if (g_ascii_strcasecmp(cmd, "LOGOUT") == 0)
			reply = g_strdup_printf("* BYE\r\n%s OK done\r\n", tag);
		else
			reply = g_strdup_printf("%s BAD unknown\r\n", tag);
		fake_say(c, reply);
		g_free(line);
		if (g_ascii_strcasecmp(cmd, "LOGOUT") == 0)
			return;
	}
}

static gpointer
fake_main(gpointer data)
{
	struct fake *f = data;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = f->fd, .events = POLLIN },
			{ .fd = f->wake[0], .events = POLLIN },
		};
		struct fake_conn c = { .f = f };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		c.fd = accept4(f->fd, NULL, NULL, SOCK_CLOEXEC);
		if (c.fd < 0)
			continue;
		fake_note(f, &f->seen.connections);
		c.in = g_string_new(NULL);
		if (f->kind == FAKE_SMTP)
			fake_smtp(&c);
		else
			fake_imap(&c);
		g_string_free(c.in, TRUE);
		close(c.fd);
	}
	return NULL;
}

static struct fake *
fake_start(enum fake_kind kind)
{
	struct fake *f = g_new0(struct fake, 1);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	f->kind = kind;
	g_mutex_init(&f->lock);
	f->data = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* CLOEXEC: the consultd we start must not hold our sockets. */
	f->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(f->fd, 0);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(f->fd, 16), 0);
	ck_assert_int_eq(getsockname(f->fd, (struct sockaddr *)&a, &len), 0);
	f->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe2(f->wake, O_CLOEXEC), 0);
	f->thread = g_thread_new("fake", fake_main, f);
	return f;
}

static void
fake_stop(struct fake *f)
{
	if (!f)
		return;
	(void)!write(f->wake[1], "x", 1);
	g_thread_join(f->thread);
	close(f->fd);
	close(f->wake[0]);
	close(f->wake[1]);
	g_ptr_array_unref(f->data);
	g_mutex_clear(&f->lock);
	g_free(f);
}

static struct fake_seen
fake_counts(struct fake *f)
{
	struct fake_seen s;

	g_mutex_lock(&f->lock);
	s = f->seen;
	g_mutex_unlock(&f->lock);
	return s;
}

/* The canaries, and the places they were looked for. */

struct ledger {
	GPtrArray *needles;	/* GBytes */
	unsigned runs;
	unsigned places;
	unsigned leaks;
	GString *where;
};

static void
ledger_needle(struct ledger *l, const void *data, size_t len)
{
	g_ptr_array_add(l->needles, g_bytes_new(data, len));
}

static void
ledger_needle_b64(struct ledger *l, const void *data, size_t len)
{
	g_autofree char *b64 = g_base64_encode(data, len);

	ledger_needle(l, b64, strlen(b64));
}

/*
 * A password, half of it either way (a log line cut short), and the
 * base64 that AUTH LOGIN and SASL PLAIN (with or without authzid) put
 * on the wire.
 */
static void
ledger_secret(struct ledger *l, const char *user, const char *pw)
{
	size_t n = strlen(pw);
	g_autofree char *plain = g_strdup_printf("%c%s%c%s", 0, user, 0, pw);
	g_autofree char *plain2 = g_strdup_printf("%s%c%s%c%s", user, 0, user,
	    0, pw);
	size_t plain_len = strlen(user) + n + 2;

	ledger_needle(l, pw, n);
	ledger_needle(l, pw, n / 2);
	ledger_needle(l, pw + n - n / 2, n / 2);
	ledger_needle_b64(l, pw, n);
	ledger_needle_b64(l, plain, plain_len);
	ledger_needle_b64(l, plain2, plain_len + strlen(user));
}

static void
ledger_init(struct ledger *l)
{
	*l = (struct ledger){ 0 };
	l->needles = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_bytes_unref);
	l->where = g_string_new(NULL);
	ledger_secret(l, "expof", IMAP_PW);
	ledger_secret(l, "expoc", IMAP_PW);
	ledger_secret(l, "nobody-here", IMAP_PW);
	ledger_secret(l, SMTP_USER, SMTP_PW);
}

static void
ledger_release(struct ledger *l)
{
	g_ptr_array_unref(l->needles);
	g_string_free(l->where, TRUE);
}

static bool
ledger_has(const struct ledger *l, const void *data, size_t len)
{
	guint i;

	for (i = 0; i < l->needles->len; i++) {
		gsize n;
		const void *p = g_bytes_get_data(l->needles->pdata[i], &n);

		if (memmem(data, len, p, n))
			return true;
	}
	return false;
}

/* Quoted-printable soft line breaks could cut a canary in two. */
static GString *
ledger_unfold(const char *data, size_t len)
{
	GString *s = g_string_new_len(data, (gssize)len);

	g_string_replace(s, "=\r\n", "", 0);
	g_string_replace(s, "=\n", "", 0);
	return s;
}

static void
ledger_look(struct ledger *l, const char *place, const void *data,
    size_t len)
{
	GString *unfolded = ledger_unfold(data, len);

	l->places++;
	if (ledger_has(l, data, len) || ledger_has(l, unfolded->str,
	    unfolded->len) || ledger_has(l, place, strlen(place))) {
		l->leaks++;
		g_string_append_printf(l->where, "\n  %s", place);
	}
	g_string_free(unfolded, TRUE);
}

/* Runs consultd, looks at its output, and returns its exit status. */
static int
ledger_run(struct ledger *l, const char *dir, const char *const *args,
    char **out_out, char **err_out)
{
	g_autofree char *out = NULL, *err = NULL;
	g_autofree char *name = g_strjoinv(" ", (char **)(uintptr_t)args);
	g_autofree char *po = g_strdup_printf("run %u, stdout of '%s'",
	    l->runs + 1, name);
	g_autofree char *pe = g_strdup_printf("run %u, stderr of '%s'",
	    l->runs + 1, name);
	int status = testutil_run(dir, args, &out, &err);

	l->runs++;
	ledger_look(l, po, out, strlen(out));
	ledger_look(l, pe, err, strlen(err));
	if (out_out)
		*out_out = g_steal_pointer(&out);
	if (err_out)
		*err_out = g_steal_pointer(&err);
	return status;
}

static void
ledger_run_ok(struct ledger *l, const char *dir, const char *const *args,
    char **out_out, char **err_out)
{
	g_autofree char *out = NULL, *err = NULL;
	int status = ledger_run(l, dir, args, &out, &err);

	ck_assert_msg(status == 0, "consultd %s: exit %d: %s", args[0], status,
	    err);
	if (out_out)
		*out_out = g_steal_pointer(&out);
	if (err_out)
		*err_out = g_steal_pointer(&err);
}

/* Every byte of every file below path, and every name. */
static unsigned
ledger_tree(struct ledger *l, const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;
	unsigned files = 0;

	ck_assert_msg(d != NULL, "cannot list %s", path);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(path, name, NULL);
		g_autofree char *data = NULL;
		gsize len = 0;

		if (g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			ledger_look(l, p, "", 0);
		else if (g_file_test(p, G_FILE_TEST_IS_DIR))
			files += ledger_tree(l, p);
		else {
			ck_assert_msg(g_file_get_contents(p, &data, &len, NULL),
			    "cannot read %s", p);
			ledger_look(l, p, data, len);
			files++;
		}
	}
	g_dir_close(d);
	return files;
}

/* The private servers of the suite: started once, in the parent. */

static struct imap_server *dovecot;
static char *dovecot_why;
static struct smtp_server *sink;
static char *sink_why;

static const char *const users[] = { "expof", "expoc", "tls", NULL };

static void
servers_start(void)
{
	dovecot = imap_server_start(users, IMAP_PW, &dovecot_why);
	sink = smtp_server_start(NULL, true, &sink_why);
}

static void
servers_stop(void)
{
	g_clear_pointer(&dovecot, imap_server_free);
	g_clear_pointer(&dovecot_why, g_free);
	g_clear_pointer(&sink, smtp_server_stop);
	g_clear_pointer(&sink_why, g_free);
}

static void
require_servers(void)
{
	ck_assert_msg(dovecot != NULL, "the test Dovecot did not start: %s",
	    dovecot_why ? dovecot_why : "?");
	ck_assert_msg(sink != NULL, "smtp-sink did not start: %s",
	    sink_why ? sink_why : "?");
}

static void
run_plain(const char *dir, const char *const *args)
{
	g_autofree char *err = NULL;
	int status = testutil_run(dir, args, NULL, &err);

	ck_assert_msg(status == 0, "consultd %s: exit %d: %s", args[0], status,
	    err);
}

/* A workspace with the one-question survey and its one participant. */
static char *
expo_workspace(void)
{
	g_autofree char *survey = g_build_filename(testutil_top(), "tests",
	    "fixtures", "imap", "survey", NULL);
	g_autofree char *csv = g_build_filename(testutil_top(), "tests",
	    "fixtures", "imap", "participants.csv", NULL);
	char *dir = testutil_tmpdir();

	run_plain(dir, (const char *const[]){ "init", ".", NULL });
	run_plain(dir, (const char *const[]){ "load", survey, NULL });
	run_plain(dir, (const char *const[]){ "import", "survey", csv, NULL });
	return dir;
}

/* consultd.conf with these [imap] and [smtp] sections (NULL: none). */
static void
expo_config(const char *dir, const char *imap, const char *smtp)
{
	g_autofree char *text = g_strdup_printf("[consultd]\n"
	    "database = consultd.db\nspool = spool\ntemplates = templates\n"
	    "%s%s%s%s[digest]\nto = secretariat@example.org\n",
	    imap ? "[imap]\n" : "", imap ? imap : "",
	    smtp ? "[smtp]\n" : "", smtp ? smtp : "");
	g_autofree char *path = testutil_write(dir, "consultd.conf", text);
}

/* Writes a secret with its mode; returns the path, newly allocated. */
static char *
write_secret(const char *dir, const char *name, const char *secret,
    mode_t mode)
{
	g_autofree char *text = g_strconcat(secret, "\n", NULL);
	char *path = testutil_write(dir, name, text);

	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static char *
db_text(const char *dir, const char *sql)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
deliver(const char *user, const char *token, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		g_autofree char *m = g_strdup_printf(
		    "From: Ann Example <a@example.org>\r\n"
		    "To: consult+%s@example.org\r\n"
		    "Subject: Re: IMAP test survey\r\n"
		    "Date: Mon, 03 Mar 2025 10:%02d:00 +0000\r\n"
		    "Message-ID: <%s-%d@example.org>\r\n"
		    "\r\n"
		    "[Q1] answer %d from %s\r\n", token, i % 60, user, i, i,
		    user);

		ck_assert(imap_server_deliver(dovecot, user, m, strlen(m)));
	}
}

static void
die_with_parent(void *data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* `consultd ARGS` in the background, its output into log_dir. */
static GPid
spawn_daemon(const char *dir, const char *log_dir, const char *const *args)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *out = g_build_filename(log_dir, "daemon.out", NULL);
	g_autofree char *err = g_build_filename(log_dir, "daemon.err", NULL);
	g_autoptr(GError) gerr = NULL;
	int ofd, efd;
	GPid pid;
	size_t i;

	g_ptr_array_add(argv, (void *)(uintptr_t)g_getenv("CONSULTD_BIN"));
	for (i = 0; args[i]; i++)
		g_ptr_array_add(argv, (void *)(uintptr_t)args[i]);
	g_ptr_array_add(argv, NULL);
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	efd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert(ofd >= 0 && efd >= 0);
	ck_assert_msg(g_spawn_async_with_fds(dir, (char **)argv->pdata, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL, &pid, -1, ofd,
	    efd, &gerr), "spawn: %s", gerr ? gerr->message : "?");
	close(ofd);
	close(efd);
	return pid;
}

static void
look_at_proc(struct ledger *l, GPid pid, const char *what)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/%s", (int)pid, what);
	g_autofree char *data = NULL;
	gsize len = 0;

	ck_assert_msg(g_file_get_contents(path, &data, &len, NULL),
	    "cannot read %s", path);
	/* An empty read, or another program, would prove nothing. */
	ck_assert_msg(len > 0, "%s is empty", path);
	if (strcmp(what, "cmdline") == 0)
		ck_assert_msg(memmem(data, len, "run", 4), "%s is not "
		    "consultd run", path);
	ledger_look(l, path, data, len);
}

/* The daemon's command line and environment, while it runs. */
static unsigned
look_at_daemon(struct ledger *l, GPid pid)
{
	look_at_proc(l, pid, "cmdline");
	look_at_proc(l, pid, "environ");
	return 1;
}

static int64_t
filed(const char *dir)
{
	return testutil_db_int(dir, "SELECT count(*) FROM message");
}

static int64_t
queued(const char *dir)
{
	return testutil_db_int(dir, "SELECT count(*) FROM outbox WHERE"
	    " status = 'queued'");
}

static int64_t
unsent(const char *dir)
{
	return testutil_db_int(dir, "SELECT count(*) FROM outbox WHERE"
	    " status <> 'sent'");
}

/*
 * One secret source: every command that touches a password or the data,
 * then the whole workspace, the daemon's logs and the mail sent.
 */
static void
expose_one(struct ledger *l, bool credentials, unsigned *files_out,
    unsigned *samples_out)
{
	const char *user = credentials ? "expoc" : "expof";
	g_autofree char *dir = expo_workspace();
	g_autofree char *secrets = testutil_tmpdir();
	g_autofree char *logs = testutil_tmpdir();
	g_autofree char *imap_pw = NULL, *smtp_pw = NULL;
	g_autofree char *imap = NULL, *smtp = NULL, *smtp_sink = NULL;
	g_autofree char *imap_bad = NULL;
	g_autofree char *token = NULL;
	g_autofree char *out = NULL, *err = NULL;
	g_autofree char *dlog = NULL, *dtext = NULL;
	struct fake *fs = fake_start(FAKE_SMTP);
	struct fake_seen seen;
	unsigned samples = 0;
	int64_t mails;
	int i, status;
	GPid pid;

	if (credentials) {
		imap_pw = write_secret(secrets, "imap-password", IMAP_PW, 0400);
		smtp_pw = write_secret(secrets, "smtp-password", SMTP_PW, 0400);
		g_setenv("CREDENTIALS_DIRECTORY", secrets, TRUE);
	} else {
		imap_pw = write_secret(secrets, "imap.pw", IMAP_PW, 0600);
		smtp_pw = write_secret(secrets, "smtp.pw", SMTP_PW, 0600);
		g_unsetenv("CREDENTIALS_DIRECTORY");
	}
	/* STARTTLS, required (the default), verified against the test CA. */
	imap = g_strdup_printf("url = imap://127.0.0.1:%d/INBOX\n"
	    "username = %s\nca_file = %s\npoll_interval = 10\n%s%s%s",
	    dovecot->port, user, dovecot->ca_file,
	    credentials ? "" : "password_file = ", credentials ? "" : imap_pw,
	    credentials ? "" : "\n");
	smtp = g_strdup_printf("url = smtp://127.0.0.1:%d\ntls = none\n"
	    "username = " SMTP_USER "\nrate = 100/s\n%s%s%s", fs->port,
	    credentials ? "" : "password_file = ", credentials ? "" : smtp_pw,
	    credentials ? "" : "\n");
	expo_config(dir, imap, smtp);

	ledger_run_ok(l, dir, (const char *const[]){ "invite", "survey", NULL },
	    NULL, NULL);
	token = db_text(dir, "SELECT token FROM invitation");
	ck_assert_ptr_nonnull(token);
	deliver(user, token, 0, 3);
	ledger_run_ok(l, dir, (const char *const[]){ "-v", "fetch", NULL },
	    NULL, NULL);
	ck_assert_int_eq(filed(dir), 3);
	deliver(user, token, 3, 5);
	ledger_run_ok(l, dir, (const char *const[]){ "-vv", "fetch", NULL },
	    NULL, &err);
	ck_assert_int_eq(filed(dir), 5);
	/* The trace is on, and its login line is masked (I12). */
	ck_assert_msg(strstr(err, "UID SEARCH"), "no IMAP trace: %s", err);
	ck_assert_msg(strstr(err, "imap: > (login, ") &&
	    strstr(err, "bytes hidden)"), "no masked login line: %s", err);
	g_clear_pointer(&err, g_free);
	ledger_run_ok(l, dir, (const char *const[]){ "check-config", NULL },
	    &out, NULL);
	ck_assert_msg(strstr(out, "imap: ok: logged in") &&
	    strstr(out, "smtp: ok: logged in"), "%s", out);
	g_clear_pointer(&out, g_free);
	ledger_run_ok(l, dir, (const char *const[]){ "-vv", "flush", NULL },
	    NULL, NULL);
	ck_assert_int_eq(unsent(dir), 0);

	/* The daemon at full trace, looked at while it runs. */
	deliver(user, token, 5, 6);
	mails = fake_counts(fs).mails;
	pid = spawn_daemon(dir, logs, (const char *const[]){ "-vv", "run",
	    NULL });
	/* Right after the start, during the first poll, and idle after. */
	for (i = 0; i < 600 && (filed(dir) < 6 || unsent(dir) > 0 ||
	    fake_counts(fs).mails <= mails); i++) {
		if (i % 4 == 0)
			samples += look_at_daemon(l, pid);
		g_usleep(50000);
	}
	/* The WAL is there now: its bytes too. */
	*files_out += ledger_tree(l, dir);
	for (i = 0; i < 3; i++) {
		g_usleep(100000);
		samples += look_at_daemon(l, pid);
	}
	status = testutil_stop(pid, 30);
	dlog = g_build_filename(logs, "daemon.err", NULL);
	ck_assert(g_file_get_contents(dlog, &dtext, NULL, NULL));
	ck_assert_msg(status == 0, "consultd run: exit %d: %s", status, dtext);
	/* Both logins were traced, masked. */
	ck_assert_msg(strstr(dtext, "imap: > (login, ") &&
	    strstr(dtext, "smtp: > AUTH (credentials)"), "%s", dtext);
	ck_assert_int_eq(filed(dir), 6);
	ck_assert_int_eq(unsent(dir), 0);

	ledger_run_ok(l, dir, (const char *const[]){ "export", "survey",
	    NULL }, NULL, NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "export", "survey",
	    "--format", "long", "-o", "answers.csv", NULL }, NULL, NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "report", "survey", "-o",
	    "report.md", NULL }, NULL, NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "digest", "--dry-run",
	    NULL }, &out, NULL);
	ck_assert_msg(strstr(out, "Subject:"), "%s", out);
	g_clear_pointer(&out, g_free);
	ledger_run_ok(l, dir, (const char *const[]){ "-v", "digest", NULL },
	    NULL, NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "status", NULL }, NULL,
	    NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "status", "survey",
	    "--json", NULL }, NULL, NULL);

	/* Logins refused: the error says so, and still no password. */
	smtp_sink = g_strdup_printf("url = %s\ntls = none\n"
	    "username = " SMTP_USER "\n%s%s%s", smtp_server_url(sink),
	    credentials ? "" : "password_file = ", credentials ? "" : smtp_pw,
	    credentials ? "" : "\n");
	imap_bad = g_strdup_printf("url = imap://127.0.0.1:%d/INBOX\n"
	    "username = nobody-here\nca_file = %s\n%s%s%s", dovecot->port,
	    dovecot->ca_file, credentials ? "" : "password_file = ",
	    credentials ? "" : imap_pw, credentials ? "" : "\n");
	expo_config(dir, imap_bad, smtp_sink);
	status = ledger_run(l, dir, (const char *const[]){ "-vv", "digest",
	    NULL }, NULL, &err);
	ck_assert_msg(status == 77 && strstr(err, "refused"), "exit %d: %s",
	    status, err);
	g_clear_pointer(&err, g_free);
	status = ledger_run(l, dir, (const char *const[]){ "-vv", "fetch",
	    NULL }, NULL, &err);
	ck_assert_msg(status == 77 && strstr(err, "refused the login"),
	    "exit %d: %s", status, err);
	g_clear_pointer(&err, g_free);
	status = ledger_run(l, dir, (const char *const[]){ "check-config",
	    NULL }, NULL, &err);
	ck_assert_msg(status == 77, "exit %d: %s", status, err);
	g_clear_pointer(&err, g_free);

	/* The embedded default: the digest waiting since becomes a .eml. */
	expo_config(dir, imap, NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "-v", "digest", NULL },
	    NULL, NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "flush", NULL }, NULL,
	    NULL);
	ledger_run_ok(l, dir, (const char *const[]){ "-v", "fetch", NULL },
	    NULL, NULL);
	ck_assert_int_eq(unsent(dir), 0);
	ck_assert_uint_ge(testutil_count_files(dir, "spool/outbox"), 2);

	/* Everything consultd wrote, and everything it mailed. */
	*files_out += ledger_tree(l, dir);
	ledger_tree(l, logs);
	seen = fake_counts(fs);
	g_mutex_lock(&fs->lock);
	for (i = 0; i < (int)fs->data->len; i++) {
		gsize len;
		const void *p = g_bytes_get_data(fs->data->pdata[i], &len);
		g_autofree char *place = g_strdup_printf("mail %d sent to the "
		    "SMTP server", i + 1);

		ledger_look(l, place, p, len);
	}
	g_mutex_unlock(&fs->lock);
	fake_stop(fs);
	/* The secrets were read and right: it all went through. */
	ck_assert_uint_ge(seen.logins, 3);
	ck_assert_uint_eq(seen.refused, 0);
	/* Invitation, six receipts, one digest. */
	ck_assert_uint_ge(seen.mails, 8);
	*samples_out += samples;
	g_unsetenv("CREDENTIALS_DIRECTORY");
	testutil_rmtree(dir);
	testutil_rmtree(secrets);
	testutil_rmtree(logs);
}

START_TEST(test_exposure_secrets_never_leave)
{
	struct ledger l;
	unsigned files = 0, samples = 0;

	require_servers();
	ledger_init(&l);
	expose_one(&l, false, &files, &samples);
	expose_one(&l, true, &files, &samples);
	testutil_report("exposure", "secrets: runs=%u places_checked=%u "
	    "files=%u proc_samples=%u leaks=%u", l.runs, l.places, files,
	    samples, l.leaks);
	ck_assert_msg(l.leaks == 0, "a password was found in:%s",
	    l.where->str);
	ledger_release(&l);
}
END_TEST

/* Refusals: counted, not stopped at the first, so the figure is honest. */
struct tally {
	unsigned tried;
	unsigned refused;
	GString *missed;
};

/*
 * Runs one command that must be refused with status and a message
 * holding each of expect (NULL-terminated); looks at its output too.
 */
static void
expect_refusal(struct ledger *l, struct tally *t, const char *what,
    const char *dir, const char *const *args, int status,
    const char *const *expect)
{
	g_autofree char *err = NULL;
	int got = ledger_run(l, dir, args, NULL, &err);
	bool ok = got == status;
	size_t i;

	for (i = 0; ok && expect[i]; i++)
		ok = strstr(err, expect[i]) != NULL;
	t->tried++;
	if (ok)
		t->refused++;
	else
		g_string_append_printf(t->missed, "\n  %s, consultd %s: exit "
		    "%d (want %d): %s", what, args[0], got, status, err);
}

/* A consequence of a refusal (nothing filed, nothing sent) that failed. */
static void
tally_fact(struct tally *t, bool ok, const char *what, const char *fact)
{
	if (!ok)
		g_string_append_printf(t->missed, "\n  %s: %s", what, fact);
}

static const struct {
	const char *what;
	bool smtp;
	bool credential;
	mode_t mode;
} mode_cases[] = {
	{ "IMAP password file 0640", false, false, 0640 },
	{ "IMAP password file 0604", false, false, 0604 },
	{ "IMAP systemd credential 0644", false, true, 0644 },
	{ "SMTP password file 0640", true, false, 0640 },
	{ "SMTP password file 0604", true, false, 0604 },
	{ "SMTP systemd credential 0644", true, true, 0644 },
};

/*
 * A password others may read is no secret: every command that would use
 * it stops with EX_CONFIG, names the file and what fixes it (the chmod,
 * or for a systemd credential its source), and nothing reaches the
 * network.
 */
START_TEST(test_exposure_readable_password_is_refused)
{
	struct fake *fi = fake_start(FAKE_IMAP);
	struct fake *fs = fake_start(FAKE_SMTP);
	struct tally t = { .missed = g_string_new(NULL) };
	struct fake_seen si, ss;
	struct ledger l;
	size_t i;

	require_servers();
	ledger_init(&l);
	for (i = 0; i < G_N_ELEMENTS(mode_cases); i++) {
		g_autofree char *dir = expo_workspace();
		g_autofree char *secrets = testutil_tmpdir();
		g_autofree char *pw = NULL, *section = NULL, *line = NULL;
		const char *name;
		bool smtp = mode_cases[i].smtp;

		if (mode_cases[i].credential) {
			name = smtp ? "smtp-password" : "imap-password";
			g_setenv("CREDENTIALS_DIRECTORY", secrets, TRUE);
		} else {
			name = smtp ? "smtp.pw" : "imap.pw";
			g_unsetenv("CREDENTIALS_DIRECTORY");
		}
		pw = write_secret(secrets, name, smtp ? SMTP_PW : IMAP_PW,
		    mode_cases[i].mode);
		line = mode_cases[i].credential ? g_strdup("") :
		    g_strdup_printf("password_file = %s\n", pw);
		if (smtp) {
			section = g_strdup_printf("url = smtp://127.0.0.1:%d\n"
			    "tls = none\nusername = " SMTP_USER "\n%s",
			    fs->port, line);
			expo_config(dir, NULL, section);
		} else {
			section = g_strdup_printf("url = imap://127.0.0.1:%d/"
			    "INBOX\ntls = none\nusername = expof\n%s",
			    fi->port, line);
			expo_config(dir, section, NULL);
		}
		{
			/* A credential's mount is read-only: fix its source. */
			const char *const expect[] = { pw,
			    mode_cases[i].credential ? "may be read by others" :
			    "may be read or written by others",
			    mode_cases[i].credential ? "LoadCredential=" :
			    "chmod 600", NULL };

			if (smtp) {
				expect_refusal(&l, &t, mode_cases[i].what, dir,
				    (const char *const[]){ "invite", "survey",
				    NULL }, 78, expect);
				expect_refusal(&l, &t, mode_cases[i].what, dir,
				    (const char *const[]){ "flush", NULL }, 78,
				    expect);
			} else
				expect_refusal(&l, &t, mode_cases[i].what, dir,
				    (const char *const[]){ "fetch", NULL }, 78,
				    expect);
			expect_refusal(&l, &t, mode_cases[i].what, dir,
			    (const char *const[]){ "check-config", NULL }, 78,
			    expect);
		}
		/* Nothing filed, nothing sent, the invitation kept. */
		tally_fact(&t, filed(dir) == 0, mode_cases[i].what,
		    "messages were filed");
		if (smtp)
			tally_fact(&t, queued(dir) == 1, mode_cases[i].what,
			    "the invitation left the queue");
		g_unsetenv("CREDENTIALS_DIRECTORY");
		testutil_rmtree(dir);
		testutil_rmtree(secrets);
	}
	si = fake_counts(fi);
	ss = fake_counts(fs);
	fake_stop(fi);
	fake_stop(fs);
	testutil_report("exposure", "modes: refused=%u of %u connections=%u "
	    "leaks=%u", t.refused, t.tried, si.connections + ss.connections,
	    l.leaks);
	ck_assert_msg(t.refused == t.tried && t.missed->len == 0,
	    "not refused as it should:%s", t.missed->str);
	ck_assert_uint_eq(si.connections + ss.connections, 0);
	ck_assert_msg(l.leaks == 0, "a password was found in:%s",
	    l.where->str);
	g_string_free(t.missed, TRUE);
	ledger_release(&l);
}
END_TEST

enum tls_peer {
	PEER_DOVECOT_TLS,	/* imaps: TLS from the first byte */
	PEER_DOVECOT_PLAIN,	/* imap, STARTTLS offered */
	PEER_FAKE_IMAP,		/* imap, no STARTTLS */
	PEER_SINK,		/* smtp-sink: no STARTTLS */
	PEER_FAKE_SMTP,		/* AUTH offered in clear, no STARTTLS */
};

/*
 * tls = required is the default and no case sets it.  For SMTP over TLS
 * with a certificate nobody trusts, Dovecot's imaps port serves: the
 * handshake, where the certificate is checked, comes before any SMTP.
 */
static const struct {
	const char *what;
	bool smtp;
	enum tls_peer peer;
	const char *section;	/* @HOST@ is 127.0.0.1:port */
	int status;
	const char *expect;
} tls_cases[] = {
	{ "IMAP imaps, certificate of a CA not in ca_file", false,
	  PEER_DOVECOT_TLS, "url = imaps://@HOST@/INBOX\nca_file = @OTHER@\n",
	  78, "is not trusted" },
	{ "IMAP imaps, test CA unknown to the system", false,
	  PEER_DOVECOT_TLS, "url = imaps://@HOST@/INBOX\n", 78,
	  "is not trusted" },
	{ "IMAP STARTTLS, certificate of a CA not in ca_file", false,
	  PEER_DOVECOT_PLAIN, "url = imap://@HOST@/INBOX\nca_file = @OTHER@\n",
	  78, "set [imap] ca_file" },
	{ "IMAP server without STARTTLS", false, PEER_FAKE_IMAP,
	  "url = imap://@HOST@/INBOX\n", 78, "does not offer STARTTLS" },
	{ "SMTP server without STARTTLS (smtp-sink)", true, PEER_SINK,
	  "url = smtp://@HOST@\n", 78, "does not offer STARTTLS" },
	{ "SMTP server without STARTTLS, offering AUTH", true, PEER_FAKE_SMTP,
	  "url = smtp://@HOST@\n", 78, "does not offer STARTTLS" },
	{ "SMTP smtps, certificate of a CA not in ca_file", true,
	  PEER_DOVECOT_TLS, "url = smtps://@HOST@\nca_file = @OTHER@\n", 78,
	  "set [smtp] ca_file" },
	{ "SMTP smtps, test CA unknown to the system", true, PEER_DOVECOT_TLS,
	  "url = smtps://@HOST@\n", 78, "is not trusted" },
};

/*
 * Each case with every command that would talk to that server: refused
 * with a message saying what to do, nothing filed or sent, and not a
 * byte of the password where we can see what arrived.
 */
START_TEST(test_exposure_tls_refused_by_default)
{
	struct fake *fi = fake_start(FAKE_IMAP);
	struct fake *fs = fake_start(FAKE_SMTP);
	struct tally t = { .missed = g_string_new(NULL) };
	struct fake_seen si, ss;
	struct ledger l;
	size_t i;

	require_servers();
	ledger_init(&l);
	for (i = 0; i < G_N_ELEMENTS(tls_cases); i++) {
		g_autofree char *dir = expo_workspace();
		g_autofree char *secrets = testutil_tmpdir();
		g_autofree char *pw = NULL, *host = NULL;
		g_autoptr(GString) section = g_string_new(tls_cases[i].section);
		const char *const expect[] = { tls_cases[i].expect, NULL };
		const char *what = tls_cases[i].what;
		int status = tls_cases[i].status;

		switch (tls_cases[i].peer) {
		case PEER_DOVECOT_TLS:
			host = g_strdup_printf("127.0.0.1:%d",
			    dovecot->tls_port);
			break;
		case PEER_DOVECOT_PLAIN:
			host = g_strdup_printf("127.0.0.1:%d", dovecot->port);
			break;
		case PEER_FAKE_IMAP:
			host = g_strdup_printf("127.0.0.1:%d", fi->port);
			break;
		case PEER_SINK:
			host = g_strdup(smtp_server_url(sink) +
			    strlen("smtp://"));
			break;
		case PEER_FAKE_SMTP:
			host = g_strdup_printf("127.0.0.1:%d", fs->port);
			break;
		}
		pw = write_secret(secrets, "pw", tls_cases[i].smtp ? SMTP_PW :
		    IMAP_PW, 0600);
		g_string_replace(section, "@HOST@", host, 0);
		g_string_replace(section, "@OTHER@", dovecot->other_ca_file, 0);
		g_string_append_printf(section, "username = %s\n"
		    "password_file = %s\n", tls_cases[i].smtp ? SMTP_USER :
		    "tls", pw);
		if (tls_cases[i].smtp) {
			expo_config(dir, NULL, section->str);
			expect_refusal(&l, &t, what, dir, (const char *const[]){
			    "invite", "survey", NULL }, status, expect);
			expect_refusal(&l, &t, what, dir, (const char *const[]){
			    "flush", NULL }, status, expect);
			tally_fact(&t, queued(dir) == 1, what,
			    "the invitation left the queue");
		} else {
			expo_config(dir, section->str, NULL);
			expect_refusal(&l, &t, what, dir, (const char *const[]){
			    "fetch", NULL }, status, expect);
			tally_fact(&t, filed(dir) == 0, what,
			    "messages were filed");
		}
		expect_refusal(&l, &t, what, dir, (const char *const[]){
		    "check-config", NULL }, status, expect);
		testutil_rmtree(dir);
		testutil_rmtree(secrets);
	}
	si = fake_counts(fi);
	ss = fake_counts(fs);
	fake_stop(fi);
	fake_stop(fs);
	testutil_report("exposure", "tls: refusals=%u of %u "
	    "credentials_sent_in_clear=%u sink_messages=%u leaks=%u",
	    t.refused, t.tried, si.credentials + ss.logins + ss.refused,
	    smtp_server_count(sink), l.leaks);
	ck_assert_msg(t.refused == t.tried && t.missed->len == 0,
	    "not refused as it should:%s", t.missed->str);
	/* They were reached, and got neither password nor mail. */
	ck_assert_uint_ge(si.connections, 2);
	ck_assert_uint_ge(ss.connections, 3);
	ck_assert_uint_eq(si.credentials, 0);
	ck_assert_uint_eq(ss.logins + ss.refused, 0);
	ck_assert_uint_eq(ss.mails, 0);
	ck_assert_uint_eq(smtp_server_count(sink), 0);
	ck_assert_msg(l.leaks == 0, "a password was found in:%s",
	    l.where->str);
	g_string_free(t.missed, TRUE);
	ledger_release(&l);
}
END_TEST

Suite *
exposure_suite(void)
{
	Suite *s = suite_create("exposure");
	TCase *tc = tcase_create("servers");

	tcase_add_unchecked_fixture(tc, servers_start, servers_stop);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_exposure_secrets_never_leave);
	tcase_add_test(tc, test_exposure_readable_password_is_refused);
	tcase_add_test(tc, test_exposure_tls_refused_by_default);
	suite_add_tcase(s, tc);
	return s;
}
