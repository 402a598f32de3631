/* SPDX-License-Identifier: MIT */
/*
 * Runs Postfix's smtp-sink for the tests and reads back what it captured.
 * Each message lands in its own file of the sink's dump format: its own
 * X-* lines and a three-line Received header, then the message with LF
 * line ends, then an empty line.  The sink creates the file, empty, at
 * MAIL FROM and removes it a second or two after an aborted transaction:
 * empty files are not messages.
 */
#include "smtp_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "testutil.h"

#include "banned.h"

#define SMTP_SERVER_START_TRIES 3
#define SMTP_SERVER_READY_MS 5000

struct smtp_server {
	GPid pid;
	int port;
	char *dir;		/* ours: holds log and mail/ */
	char *mail;		/* the sink's: one file per message */
	char *log;
	char *url;
};

static void
smtp_server_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static struct sockaddr_in
smtp_server_addr(int port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	return sa;
}

int
smtp_server_free_port(void)
{
	struct sockaddr_in sa = smtp_server_addr(0);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port = -1;

	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static bool
smtp_server_accepts(int port)
{
	struct sockaddr_in sa = smtp_server_addr(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	if (fd == -1)
		return false;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static void
smtp_server_free(struct smtp_server *srv)
{
	if (!srv)
		return;
	if (srv->dir)
		testutil_rmtree(srv->dir);
	g_free(srv->dir);
	g_free(srv->mail);
	g_free(srv->log);
	g_free(srv->url);
	g_free(srv);
}

/* The folders, writable by the unprivileged user the sink becomes. */
static bool
smtp_server_folders(struct smtp_server *srv, char **why_out)
{
	struct passwd *pw = NULL;

	srv->dir = g_dir_make_tmp("consultd-smtp-XXXXXX", NULL);
	if (!srv->dir) {
		*why_out = g_strdup("cannot make a temporary folder");
		return false;
	}
	srv->mail = g_build_filename(srv->dir, "mail", NULL);
	srv->log = g_build_filename(srv->dir, "sink.log", NULL);
	if (mkdir(srv->mail, 0700) == -1) {
		*why_out = g_strdup_printf("mkdir %s: %s", srv->mail,
		    g_strerror(errno));
		return false;
	}
	if (geteuid() != 0)
		return true;
	pw = getpwnam("nobody");
	if (!pw || chmod(srv->dir, 0711) == -1 ||
	    chown(srv->mail, pw->pw_uid, pw->pw_gid) == -1) {
		*why_out = g_strdup_printf("cannot give %s to nobody",
		    srv->mail);
		return false;
	}
	return true;
}

/* One attempt on one port: false when the sink exited or never listened. */
static bool
smtp_server_spawn(struct smtp_server *srv, const char *const *options,
    bool capture, char **why_out)
{
	const char *sink = g_getenv("SMTP_SINK") ? g_getenv("SMTP_SINK") :
	    "/usr/sbin/smtp-sink";
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *log = NULL;
	int logfd, waited, status;
	size_t i;

	srv->port = smtp_server_free_port();
	g_ptr_array_add(argv, g_strdup(sink));
	if (geteuid() == 0) {
		g_ptr_array_add(argv, g_strdup("-u"));
		g_ptr_array_add(argv, g_strdup("nobody"));
	}
	if (capture) {
		g_ptr_array_add(argv, g_strdup("-d"));
		g_ptr_array_add(argv, g_build_filename(srv->mail, "m.", NULL));
	}
	for (i = 0; options && options[i]; i++)
		g_ptr_array_add(argv, g_strdup(options[i]));
	g_ptr_array_add(argv, g_strdup_printf("127.0.0.1:%d", srv->port));
	g_ptr_array_add(argv, g_strdup("64"));
	g_ptr_array_add(argv, NULL);

	logfd = open(srv->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600);
	if (logfd == -1) {
		*why_out = g_strdup_printf("open %s: %s", srv->log,
		    g_strerror(errno));
		return false;
	}
	if (!g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL, NULL,
	    NULL, &srv->pid, -1, logfd, logfd, &err)) {
		close(logfd);
		*why_out = g_strdup_printf("cannot run %s: %s (is Debian's "
		    "postfix installed? make deps)", sink, err->message);
		return false;
	}
	close(logfd);
	for (waited = 0; waited < SMTP_SERVER_READY_MS; waited += 10) {
		if (waitpid(srv->pid, &status, WNOHANG) == srv->pid)
			break;
		if (smtp_server_accepts(srv->port))
			return true;
		smtp_server_sleep_ms(10);
	}
	if (waited >= SMTP_SERVER_READY_MS) {
		kill(srv->pid, SIGKILL);
		waitpid(srv->pid, &status, 0);
	}
	srv->pid = 0;
	g_file_get_contents(srv->log, &log, NULL, NULL);
	*why_out = g_strdup_printf("%s did not start on 127.0.0.1:%d: %s",
	    sink, srv->port, log && *log ? g_strstrip(log) : "no output");
	return false;
}

struct smtp_server *
smtp_server_start(const char *const *options, bool capture, char **why_out)
{
	struct smtp_server *srv = g_new0(struct smtp_server, 1);
	int i;

	*why_out = NULL;
	if (!smtp_server_folders(srv, why_out)) {
		smtp_server_free(srv);
		return NULL;
	}
	/* The port was free a moment ago; someone may have taken it. */
	for (i = 0; i < SMTP_SERVER_START_TRIES; i++) {
		g_clear_pointer(why_out, g_free);
		if (smtp_server_spawn(srv, options, capture, why_out))
			break;
	}
	if (i == SMTP_SERVER_START_TRIES) {
		smtp_server_free(srv);
		return NULL;
	}
	srv->url = g_strdup_printf("smtp://127.0.0.1:%d", srv->port);
	return srv;
}

void
smtp_server_stop(struct smtp_server *srv)
{
	int status;

	if (!srv)
		return;
	if (srv->pid > 0) {
		kill(srv->pid, SIGTERM);
		waitpid(srv->pid, &status, 0);
	}
	smtp_server_free(srv);
}

const char *
smtp_server_url(const struct smtp_server *srv)
{
	return srv->url;
}

static void
smtp_server_message_free(void *p)
{
	struct smtp_server_message *m = p;

	g_free(m->helo_args);
	g_free(m->mail_args);
	g_free(m->rcpt_args);
	g_free(m->data);
	g_free(m);
}

static char *
smtp_server_field(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) != 0)
		return NULL;
	return g_strdup(line + n);
}

/* Splits one dump file into the sink's fields and the message. */
static struct smtp_server_message *
smtp_server_parse(const char *text, size_t len)
{
	struct smtp_server_message *m = g_new0(struct smtp_server_message, 1);
	const char *p = text, *end = text + len, *nl;
	bool received = false;
	char *line;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ck_assert_msg(nl != NULL, "dump file without its sink lines");
		if (received && *p != '\t' && *p != ' ')
			break;
		line = g_strndup(p, (size_t)(nl - p));
		if (!m->helo_args)
			m->helo_args = smtp_server_field(line, "X-Helo-Args: ");
		if (!m->mail_args)
			m->mail_args = smtp_server_field(line, "X-Mail-Args: ");
		if (g_str_has_prefix(line, "X-Rcpt-Args: "))
			m->nrcpt++;
		if (!m->rcpt_args)
			m->rcpt_args = smtp_server_field(line, "X-Rcpt-Args: ");
		received = received || g_str_has_prefix(line, "Received: ");
		g_free(line);
		p = nl + 1;
	}
	ck_assert_msg(received && m->mail_args && m->rcpt_args,
	    "dump file without X-Mail-Args, X-Rcpt-Args or Received");
	/* The sink ends every dump with an empty line of its own. */
	ck_assert_msg(end - p >= 1 && end[-1] == '\n',
	    "dump file without its final empty line");
	m->len = (size_t)(end - p) - 1;
	m->data = g_strndup(p, m->len);
	return m;
}

GPtrArray *
smtp_server_messages(const struct smtp_server *srv)
{
	GPtrArray *msgs = g_ptr_array_new_with_free_func(
	    smtp_server_message_free);
	GDir *d = g_dir_open(srv->mail, 0, NULL);
	const char *name;

	ck_assert_msg(d != NULL, "cannot open %s", srv->mail);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(srv->mail, name, NULL);
		g_autofree char *text = NULL;
		g_autoptr(GError) err = NULL;
		size_t len;

		if (!g_file_get_contents(path, &text, &len, &err)) {
			ck_assert_msg(g_error_matches(err, G_FILE_ERROR,
			    G_FILE_ERROR_NOENT), "%s", err->message);
			continue;
		}
		if (len > 0)
			g_ptr_array_add(msgs, smtp_server_parse(text, len));
	}
	g_dir_close(d);
	return msgs;
}

unsigned
smtp_server_count(const struct smtp_server *srv)
{
	GDir *d = g_dir_open(srv->mail, 0, NULL);
	const char *name;
	struct stat st;
	unsigned n = 0;

	ck_assert_msg(d != NULL, "cannot open %s", srv->mail);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(srv->mail, name, NULL);

		/* Gone already: an aborted transaction's empty file. */
		if (stat(path, &st) == -1) {
			ck_assert_msg(errno == ENOENT, "cannot stat %s", path);
			continue;
		}
		if (st.st_size > 0)
			n++;
	}
	g_dir_close(d);
	return n;
}

void
smtp_server_clear(const struct smtp_server *srv)
{
	GDir *d = g_dir_open(srv->mail, 0, NULL);
	const char *name;

	ck_assert_msg(d != NULL, "cannot open %s", srv->mail);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(srv->mail, name, NULL);

		ck_assert_msg(unlink(path) == 0 || errno == ENOENT,
		    "cannot remove %s", path);
	}
	g_dir_close(d);
}
