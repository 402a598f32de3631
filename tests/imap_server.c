/* SPDX-License-Identifier: MIT */
/*
 * The private Dovecot of the IMAP tests and a libcurl client for it.
 * Dovecot refuses to touch mail as root, so the users' Maildirs belong to
 * nobody when we run as root, and to ourselves otherwise.  It is stopped
 * through BASE_DIR/master.pid, whichever process started it.
 */
#include "imap_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "testutil.h"

static int
free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool
port_open(int port)
{
	struct sockaddr_in a = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Runs argv in dir; on failure appends what it said to why. */
static bool
run(const char *dir, const char *const *argv, GString *why)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *out = NULL;
	g_autofree char *errs = NULL;
	int status = -1;

	if (!g_spawn_sync(dir, (char **)(uintptr_t)argv, NULL,
	    G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errs, &status, &err)) {
		g_string_append_printf(why, "cannot run %s: %s; ", argv[0],
		    err->message);
		return false;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_string_append_printf(why, "%s failed: %s%s; ", argv[0], out,
		    errs);
		return false;
	}
	return true;
}

static bool
make_ca(const char *dir, const char *name, GString *why)
{
	g_autofree char *key = g_strconcat(name, ".key", NULL);
	g_autofree char *crt = g_strconcat(name, ".crt", NULL);
	g_autofree char *subj = g_strconcat("/CN=consultd test ", name, NULL);

	return run(dir, (const char *const[]){ "openssl", "req", "-x509",
	    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
	    "-nodes", "-keyout", key, "-out", crt, "-days", "2", "-subj",
	    subj, NULL }, why);
}

static bool
make_certificates(const char *dir, GString *why)
{
	g_free(testutil_write(dir, "server.ext",
	    "subjectAltName = IP:127.0.0.1, DNS:localhost\n"));
	return make_ca(dir, "ca", why) && make_ca(dir, "other-ca", why) &&
	    run(dir, (const char *const[]){ "openssl", "req", "-newkey", "ec",
	    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
	    "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
	    NULL }, why) &&
	    run(dir, (const char *const[]){ "openssl", "x509", "-req", "-in",
	    "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
	    "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile",
	    "server.ext", NULL }, why);
}

/* The account that owns the Maildirs: nobody under root, else us. */
static bool
mail_owner(uid_t *uid, gid_t *gid, char **name_out)
{
	struct passwd *pw = getpwnam("nobody");

	if (getuid() != 0)
		pw = getpwuid(getuid());
	if (!pw)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	*name_out = g_strdup(pw->pw_name);
	return true;
}

static char *
server_config(const struct imap_server *srv, const char *self)
{
	GString *c = g_string_new(NULL);

	g_string_append_printf(c,
	    "instance_name = %s\n"
	    "base_dir = %s/run\n"
	    "state_dir = %s/state\n"
	    "log_path = %s/dovecot.log\n"
	    "protocols = imap\n"
	    "listen = 127.0.0.1\n"
	    "ssl = yes\n"
	    "ssl_cert = <%s/server.crt\n"
	    "ssl_key = <%s/server.key\n"
	    "disable_plaintext_auth = no\n"
	    "auth_failure_delay = 0\n"
	    "mail_location = maildir:%s/mail/%%u\n"
	    "mail_fsync = never\n"
	    "passdb {\n  driver = passwd-file\n"
	    "  args = scheme=PLAIN %s/passwd\n}\n"
	    "userdb {\n  driver = passwd-file\n  args = %s/passwd\n}\n"
	    "service imap-login {\n"
	    "  inet_listener imap {\n    port = %d\n  }\n"
	    "  inet_listener imaps {\n    port = %d\n    ssl = yes\n  }\n"
	    "%s"
	    "}\n", srv->instance, srv->dir, srv->dir, srv->dir, srv->dir,
	    srv->dir, srv->dir, srv->dir, srv->dir, srv->port, srv->tls_port,
	    self ? "  chroot =\n" : "");
	if (self)
		g_string_append_printf(c, "default_internal_user = %s\n"
		    "default_login_user = %s\nservice anvil {\n  chroot =\n}\n",
		    self, self);
	return g_string_free(c, FALSE);
}

static char *
log_tail(const struct imap_server *srv, const char *name)
{
	g_autofree char *path = g_build_filename(srv->dir, name, NULL);
	g_autofree char *text = NULL;
	size_t len = 0;

	if (!g_file_get_contents(path, &text, &len, NULL))
		return g_strdup_printf("(no %s)", name);
	return g_strdup(len > 1500 ? text + len - 1500 : text);
}

static const char *
dovecot_binary(void)
{
	return g_file_test("/usr/sbin/dovecot", G_FILE_TEST_IS_EXECUTABLE) ?
	    "/usr/sbin/dovecot" : "dovecot";
}

/*
 * Dovecot's master daemonizes with our stdout and stderr still open, so
 * its output goes to a file rather than to pipes we would wait on.
 */
static bool
start_dovecot(const struct imap_server *srv)
{
	const char *argv[] = { dovecot_binary(), "-c", srv->conf, NULL };
	g_autofree char *out = g_build_filename(srv->dir, "dovecot.start",
	    NULL);
	g_autoptr(GError) err = NULL;
	int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int status = -1;
	GPid pid;

	if (fd < 0)
		return false;
	if (!g_spawn_async_with_fds(srv->dir, (char **)(uintptr_t)argv, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL, NULL, &pid,
	    -1, fd, fd, &err)) {
		dprintf(fd, "cannot run dovecot: %s\n", err->message);
		close(fd);
		return false;
	}
	close(fd);
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

bool
imap_server_resume(struct imap_server *srv)
{
	int i;

	if (!start_dovecot(srv))
		return false;
	for (i = 0; i < 500; i++) {
		if (port_open(srv->port) && port_open(srv->tls_port))
			return true;
		g_usleep(10000);
	}
	return false;
}

struct imap_server *
imap_server_start(const char *const *users, const char *password,
    char **why_out)
{
	struct imap_server *srv = g_new0(struct imap_server, 1);
	g_autoptr(GString) why = g_string_new(NULL);
	g_autofree char *text = NULL;
	g_autofree char *self = NULL;
	g_autofree char *mail = NULL;
	g_autofree char *owner = NULL;
	g_autofree char *passwd = NULL;
	uid_t uid;
	gid_t gid;

	srv->dir = testutil_tmpdir();
	srv->instance = g_strdup_printf("consultd-test-%d", (int)getpid());
	/* Dovecot's processes and the mail user must get in. */
	chmod(srv->dir, 0755);
	srv->port = free_port();
	srv->tls_port = free_port();
	while (srv->tls_port == srv->port)
		srv->tls_port = free_port();
	srv->ca_file = g_build_filename(srv->dir, "ca.crt", NULL);
	srv->other_ca_file = g_build_filename(srv->dir, "other-ca.crt", NULL);
	if (!make_certificates(srv->dir, why))
		goto fail;
	if (!mail_owner(&uid, &gid, &owner)) {
		g_string_append(why, "no user 'nobody' to own the mail; ");
		goto fail;
	}
	if (getuid() != 0)
		self = g_strdup(owner);
	mail = g_build_filename(srv->dir, "mail", NULL);
	if (g_mkdir_with_parents(mail, 0755) != 0 ||
	    chown(mail, uid, gid) != 0) {
		g_string_append_printf(why, "cannot make '%s': %s; ", mail,
		    g_strerror(errno));
		goto fail;
	}
	{
		g_autoptr(GString) lines = g_string_new(NULL);
		size_t i;

		for (i = 0; users[i]; i++)
			g_string_append_printf(lines, "%s:{PLAIN}%s:%u:%u::"
			    "%s/mail/%s\n", users[i], password, (unsigned)uid,
			    (unsigned)gid, srv->dir, users[i]);
		passwd = testutil_write(srv->dir, "passwd", lines->str);
	}
	chmod(passwd, 0644);
	text = server_config(srv, self);
	srv->conf = testutil_write(srv->dir, "dovecot.conf", text);
	if (!imap_server_resume(srv)) {
		g_autofree char *start = log_tail(srv, "dovecot.start");
		g_autofree char *tail = log_tail(srv, "dovecot.log");

		g_string_append_printf(why, "dovecot did not start on ports "
		    "%d and %d (is dovecot-imapd installed? make deps); it "
		    "said: %s; its log ends: %s; ", srv->port, srv->tls_port,
		    start, tail);
		goto fail;
	}
	return srv;
fail:
	*why_out = g_strdup(why->str);
	imap_server_free(srv);
	return NULL;
}

/* Alive and not a zombie: PID 1 of a container may never reap it. */
static bool
process_alive(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
	g_autofree char *text = NULL;
	const char *p;

	if (kill(pid, 0) != 0)
		return false;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	p = strrchr(text, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * The processes of our instance still running, by their process title
 * ("dovecot-INSTANCE/imap ..."): killed one by one, by pid.
 */
static unsigned
kill_sessions(const struct imap_server *srv)
{
	g_autofree char *prefix = g_strdup_printf("dovecot-%s/",
	    srv->instance);
	GDir *d = g_dir_open("/proc", 0, NULL);
	const char *name;
	unsigned alive = 0;

	if (!d)
		return 0;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = NULL;
		g_autofree char *cmd = NULL;
		gint64 pid;

		if (!g_ascii_string_to_signed(name, 10, 2, G_MAXINT32, &pid,
		    NULL))
			continue;
		path = g_strdup_printf("/proc/%s/cmdline", name);
		if (g_file_get_contents(path, &cmd, NULL, NULL) &&
		    g_str_has_prefix(cmd, prefix) &&
		    process_alive((pid_t)pid)) {
			kill((pid_t)pid, SIGKILL);
			alive++;
		}
	}
	g_dir_close(d);
	return alive;
}

void
imap_server_stop(struct imap_server *srv)
{
	g_autofree char *pidfile = g_build_filename(srv->dir, "run",
	    "master.pid", NULL);
	g_autofree char *text = NULL;
	gint64 pid = 0;
	int i;

	if (!g_file_get_contents(pidfile, &text, NULL, NULL) ||
	    !g_ascii_string_to_signed(g_strstrip(text), 10, 2, G_MAXINT32,
	    &pid, NULL))
		return;
	if (kill((pid_t)pid, SIGTERM) != 0)
		return;
	kill_sessions(srv);
	for (i = 0; i < 500 && process_alive((pid_t)pid); i++)
		g_usleep(10000);
	if (process_alive((pid_t)pid))
		kill((pid_t)pid, SIGKILL);
	kill_sessions(srv);
	/* Its children close their listeners last. */
	for (i = 0; i < 200 && (port_open(srv->port) ||
	    port_open(srv->tls_port)); i++)
		g_usleep(10000);
}

void
imap_server_kill(struct imap_server *srv)
{
	g_autofree char *pidfile = g_build_filename(srv->dir, "run",
	    "master.pid", NULL);
	g_autofree char *text = NULL;
	gint64 pid = 0;
	int i;

	/* A master just started may not have written its pid yet. */
	for (i = 0; i < 300 && pid == 0; i++) {
		g_clear_pointer(&text, g_free);
		if (!g_file_get_contents(pidfile, &text, NULL, NULL) ||
		    !g_ascii_string_to_signed(g_strstrip(text), 10, 2,
		    G_MAXINT32, &pid, NULL))
			g_usleep(10000);
	}
	if (pid > 0)
		kill((pid_t)pid, SIGKILL);
	kill_sessions(srv);
	for (i = 0; i < 500 && pid > 0 && process_alive((pid_t)pid); i++)
		g_usleep(10000);
	/*
	 * The master's children outlive it, holding its listening sockets:
	 * kill them by their titles until none is left.
	 */
	for (i = 0; i < 500 && kill_sessions(srv) > 0; i++)
		g_usleep(10000);
	unlink(pidfile);
}

void
imap_server_free(struct imap_server *srv)
{
	if (!srv)
		return;
	if (srv->dir) {
		imap_server_stop(srv);
		testutil_rmtree(srv->dir);
	}
	g_free(srv->dir);
	g_free(srv->conf);
	g_free(srv->instance);
	g_free(srv->ca_file);
	g_free(srv->other_ca_file);
	g_free(srv);
}

bool
imap_server_deliver(const struct imap_server *srv, const char *user,
    const char *data, size_t len)
{
	static const char *const subs[] = { "", "tmp", "new", "cur" };
	static unsigned seq;
	g_autofree char *owner = NULL;
	g_autofree char *name = NULL;
	g_autofree char *tmp = NULL;
	g_autofree char *dst = NULL;
	uid_t uid;
	gid_t gid;
	size_t i;

	if (!mail_owner(&uid, &gid, &owner))
		return false;
	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *d = g_build_filename(srv->dir, "mail", user,
		    subs[i], NULL);

		if (g_file_test(d, G_FILE_TEST_IS_DIR))
			continue;
		if (mkdir(d, 0700) != 0 || chown(d, uid, gid) != 0)
			return false;
	}
	name = g_strdup_printf("%lld.M%uP%d.test",
	    (long long)g_get_real_time() / G_USEC_PER_SEC, seq++,
	    (int)getpid());
	tmp = g_build_filename(srv->dir, "mail", user, "tmp", name, NULL);
	dst = g_build_filename(srv->dir, "mail", user, "new", name, NULL);
	return g_file_set_contents(tmp, data, (gssize)len, NULL) &&
	    chown(tmp, uid, gid) == 0 && rename(tmp, dst) == 0;
}

struct imap_client {
	CURL *curl;
	char *base;
	GString *out;
	const char *up;
	size_t up_len;
	size_t up_off;
};

static size_t
client_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct imap_client *c = arg;

	g_string_append_len(c->out, data, (gssize)(size * nmemb));
	return size * nmemb;
}

static size_t
client_read(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct imap_client *c = arg;
	size_t n = MIN(size * nmemb, c->up_len - c->up_off);

	memcpy(buf, c->up + c->up_off, n);
	c->up_off += n;
	return n;
}

struct imap_client *
imap_client_new(const struct imap_server *srv, const char *user,
    const char *password)
{
	struct imap_client *c = g_new0(struct imap_client, 1);

	c->curl = curl_easy_init();
	c->out = g_string_new(NULL);
	c->base = g_strdup_printf("imap://127.0.0.1:%d/", srv->port);
	curl_easy_setopt(c->curl, CURLOPT_USERNAME, user);
	curl_easy_setopt(c->curl, CURLOPT_PASSWORD, password);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, client_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_READFUNCTION, client_read);
	curl_easy_setopt(c->curl, CURLOPT_READDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_BUFFERSIZE, 1024L * 1024);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 30L);
	return c;
}

void
imap_client_free(struct imap_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	g_string_free(c->out, TRUE);
	g_free(c->base);
	g_free(c);
}

static char *
client_url(const struct imap_client *c, const char *mailbox)
{
	g_autofree char *esc = NULL;

	if (!mailbox)
		return g_strdup(c->base);
	esc = g_uri_escape_string(mailbox, NULL, FALSE);
	return g_strconcat(c->base, esc, NULL);
}

bool
imap_client_append(struct imap_client *c, const char *mailbox,
    const char *data, size_t len)
{
	g_autofree char *url = client_url(c, mailbox);
	CURLcode rc;

	c->up = data;
	c->up_len = len;
	c->up_off = 0;
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 0L);
	if (rc != CURLE_OK)
		fprintf(stderr, "imap test client: APPEND to %s: %s\n",
		    mailbox, curl_easy_strerror(rc));
	return rc == CURLE_OK;
}

char *
imap_client_command(struct imap_client *c, const char *mailbox,
    const char *command)
{
	g_autofree char *url = client_url(c, mailbox);
	CURLcode rc;

	g_string_truncate(c->out, 0);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, command);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, NULL);
	if (rc != CURLE_OK) {
		fprintf(stderr, "imap test client: %s: %s\n", command,
		    curl_easy_strerror(rc));
		return NULL;
	}
	return g_strdup(c->out->str);
}

int
imap_client_count(struct imap_client *c, const char *mailbox,
    const char *criteria)
{
	g_autofree char *cmd = g_strdup_printf("UID SEARCH %s", criteria);
	g_autofree char *out = imap_client_command(c, mailbox, cmd);
	g_auto(GStrv) words = NULL;
	int n = 0;
	size_t i;

	if (!out || !g_str_has_prefix(out, "* SEARCH"))
		return -1;
	g_strdelimit(out, "\r\n", ' ');
	words = g_strsplit(out + 8, " ", -1);
	for (i = 0; words[i]; i++)
		if (g_ascii_isdigit(words[i][0]))
			n++;
	return n;
}
