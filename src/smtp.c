/* SPDX-License-Identifier: MIT */
/*
 * SMTP submission over one libcurl easy handle, one transaction per
 * recipient, and the translation of curl's codes and the server's replies
 * into sent / retry / failed / unknown (LIBRARY-NOTES S1-S7).  Addresses
 * and content are checked here because curl 7.88 puts them on the wire
 * verbatim.
 */
#include "smtp.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "addr.h"
#include "consultd.h"
#include "log.h"

#include "banned.h"

/* RFC 5321 section 4.5.3.1.6: 1000 octets with the CRLF. */
#define SMTP_MAX_LINE 998
/* Cap on the reply text we keep: server text is untrusted. */
#define SMTP_MAX_REPLY 1000

/* What the conversation had reached when it stopped. */
enum smtp_stage {
	SMTP_STAGE_GREETING,
	SMTP_STAGE_EHLO,
	SMTP_STAGE_STARTTLS,
	SMTP_STAGE_AUTH,
	SMTP_STAGE_MAIL,
	SMTP_STAGE_RCPT,
	SMTP_STAGE_DATA,
	SMTP_STAGE_CONTENT,	/* curl is reading the message */
	SMTP_STAGE_END,		/* all handed over: the final dot */
	SMTP_STAGE_COMMAND,	/* NOOP of smtp_check() */
};

struct smtp {
	CURL *curl;
	char *url;		/* no credentials: safe in messages */
	char *username;
	char errbuf[CURL_ERROR_SIZE];
	unsigned connections;

	/* The transaction in progress. */
	const char *content;
	size_t len, pos;
	enum smtp_stage stage;
	GString *reply;		/* the last reply, one line */
	int code;		/* its code, 0 if none */
	bool reply_done;	/* its last line has arrived */
	bool in_auth;		/* 334: the next line out is a secret */
};

static const char *
smtp_stage_name(enum smtp_stage stage)
{
	switch (stage) {
	case SMTP_STAGE_GREETING:
		return "the greeting";
	case SMTP_STAGE_EHLO:
		return "EHLO";
	case SMTP_STAGE_STARTTLS:
		return "STARTTLS";
	case SMTP_STAGE_AUTH:
		return "AUTH";
	case SMTP_STAGE_MAIL:
		return "MAIL FROM";
	case SMTP_STAGE_RCPT:
		return "RCPT TO";
	case SMTP_STAGE_DATA:
		return "DATA";
	case SMTP_STAGE_CONTENT:
		return "the message data";
	case SMTP_STAGE_END:
		return "the end of data";
	case SMTP_STAGE_COMMAND:
		return "NOOP";
	}
	return "?";
}

static bool
smtp_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN];
	size_t len = strlen(host);

	if (g_ascii_strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (len < 3 || host[0] != '[' || host[len - 1] != ']' ||
	    len - 2 >= sizeof(buf))
		return false;
	memcpy(buf, host + 1, len - 2);
	buf[len - 2] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/* A host name, or an address literal such as "[192.0.2.1]". */
static bool
smtp_helo_valid(const char *name)
{
	size_t len = strlen(name), i;
	bool literal = len > 2 && name[0] == '[' && name[len - 1] == ']';

	if (len == 0 || len > 255)
		return false;
	for (i = literal ? 1 : 0; i < (literal ? len - 1 : len); i++) {
		char c = name[i];

		if (g_ascii_isalnum(c) || c == '.' || (literal && c == ':'))
			continue;
		if (c != '-' || literal || i == 0 || i == len - 1 ||
		    name[i - 1] == '.' || name[i + 1] == '.')
			return false;
	}
	return literal || (name[0] != '.' && name[len - 1] != '.' &&
	    !strstr(name, ".."));
}

static bool
smtp_url_part_set(CURLU *h, CURLUPart part)
{
	char *v = NULL;
	bool set = curl_url_get(h, part, &v, 0) == CURLUE_OK && v && *v;

	curl_free(v);
	return set;
}

/*
 * Checks the settings and returns the URL curl gets (the EHLO name is its
 * path, S1), newly allocated.
 */
static char *
smtp_settings_url(const struct smtp_settings *st, GError **err)
{
	CURLU *h = curl_url();
	CURLUcode uc;
	char *scheme = NULL, *host = NULL, *path = NULL, *url = NULL;
	char *result = NULL;
	g_autofree char *ehlo = NULL;

	if (!st->url || !*st->url) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "smtp url is not set");
		goto out;
	}
	/* Never echo a URL that might carry a password. */
	if (strchr(st->url, '@')) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "smtp url must not contain credentials: use username and "
		    "password_file");
		goto out;
	}
	uc = curl_url_set(h, CURLUPART_URL, st->url, 0);
	if (uc != CURLUE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid smtp url '%s': %s", st->url,
		    curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid smtp url '%s': use smtps://host or smtp://host",
		    st->url);
		goto out;
	}
	if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid smtp url '%s': no host", st->url);
		goto out;
	}
	if (curl_url_get(h, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
	    strcmp(path, "/") != 0 || smtp_url_part_set(h, CURLUPART_QUERY) ||
	    smtp_url_part_set(h, CURLUPART_FRAGMENT) ||
	    smtp_url_part_set(h, CURLUPART_OPTIONS)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid smtp url '%s': nothing may follow host and port "
		    "(the EHLO name is a setting of its own)", st->url);
		goto out;
	}
	if (strcmp(scheme, "smtp") == 0 && !st->tls_required &&
	    !smtp_host_is_loopback(host)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "smtp url '%s': plain text without STARTTLS is allowed "
		    "only for a loopback host", st->url);
		goto out;
	}
	if (st->helo_name && !smtp_helo_valid(st->helo_name)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid EHLO name '%s': use a host name or an address "
		    "literal", st->helo_name);
		goto out;
	}
	if (st->helo_name) {
		ehlo = g_strconcat("/", st->helo_name, NULL);
		if (curl_url_set(h, CURLUPART_PATH, ehlo, CURLU_URLENCODE) !=
		    CURLUE_OK) {
			g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
			    "invalid EHLO name '%s'", st->helo_name);
			goto out;
		}
	}
	if (curl_url_get(h, CURLUPART_URL, &url, 0) != CURLUE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid smtp url '%s'", st->url);
		goto out;
	}
	result = g_strdup(url);
out:
	curl_free(url);
	curl_free(path);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(h);
	return result;
}

static bool
smtp_settings_check(const struct smtp_settings *st, GError **err)
{
	FILE *f;

	if (st->connect_timeout <= 0 || st->total_timeout <= 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "smtp timeouts must be positive");
		return false;
	}
	if (st->ca_file) {
		f = fopen(st->ca_file, "r");
		if (!f) {
			g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
			    "cannot read smtp ca_file '%s': %s", st->ca_file,
			    g_strerror(errno));
			return false;
		}
		fclose(f);
	}
	return true;
}

static void
smtp_reply_append(GString *reply, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && reply->len < SMTP_MAX_REPLY; i++)
		g_string_append_c(reply, g_ascii_iscntrl(p[i]) ? '?' : p[i]);
}

/*
 * Server replies arrive here line by line (curl's pingpong layer passes
 * them as "headers").  We keep the last one, joined into one line.
 */
static size_t
smtp_on_reply(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp *s = arg;
	size_t n = size * nitems;
	bool coded;

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	coded = n >= 3 && g_ascii_isdigit(buf[0]) &&
	    g_ascii_isdigit(buf[1]) && g_ascii_isdigit(buf[2]);
	/* 221 only ever answers QUIT, which is not part of a send (S5). */
	if (coded && memcmp(buf, "221", 3) == 0)
		return size * nitems;
	if (s->reply_done) {
		g_string_truncate(s->reply, 0);
		s->code = 0;
	}
	if (s->reply->len == 0 && coded) {
		s->code = (buf[0] - '0') * 100 + (buf[1] - '0') * 10 +
		    (buf[2] - '0');
		smtp_reply_append(s->reply, buf, 3);
	} else if (s->reply->len == 0) {
		smtp_reply_append(s->reply, buf, n);
	}
	/* Text after "NNN " or "NNN-"; continuation lines joined by a space. */
	if (coded && n > 4) {
		g_string_append_c(s->reply, ' ');
		smtp_reply_append(s->reply, buf + 4, n - 4);
	}
	s->reply_done = !coded || n < 4 || buf[3] != '-';
	s->in_auth = s->code == 334;
	return size * nitems;
}

static void
smtp_on_command(struct smtp *s, const char *buf, size_t n)
{
	static const struct {
		const char *verb;
		enum smtp_stage stage;
	} verbs[] = {
		{ "EHLO", SMTP_STAGE_EHLO },
		{ "HELO", SMTP_STAGE_EHLO },
		{ "STARTTLS", SMTP_STAGE_STARTTLS },
		{ "AUTH", SMTP_STAGE_AUTH },
		{ "MAIL", SMTP_STAGE_MAIL },
		{ "RCPT", SMTP_STAGE_RCPT },
		{ "DATA", SMTP_STAGE_DATA },
		{ "NOOP", SMTP_STAGE_COMMAND },
	};
	size_t i, len;

	for (i = 0; i < G_N_ELEMENTS(verbs); i++) {
		len = strlen(verbs[i].verb);
		if (n >= len && g_ascii_strncasecmp(buf, verbs[i].verb,
		    len) == 0 && (n == len || buf[len] == ' ' ||
		    buf[len] == '\r')) {
			s->stage = verbs[i].stage;
			return;
		}
	}
}

/*
 * curl's trace: commands out tell us the stage, and at -vv the whole
 * conversation is logged with AUTH secrets masked (STYLE 10).
 */
static int
smtp_on_debug(CURL *curl, curl_infotype type, char *data, size_t size,
    void *arg)
{
	struct smtp *s = arg;
	bool trace = log_get_level() >= LOG_LEVEL_TRACE;
	int n = (int)MIN(size, 200);

	(void)curl;
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	switch (type) {
	case CURLINFO_HEADER_OUT:
		if (s->in_auth) {
			if (trace)
				log_debug("smtp: > (credentials)");
			break;
		}
		smtp_on_command(s, data, size);
		if (!trace)
			break;
		if (s->stage == SMTP_STAGE_AUTH)
			log_debug("smtp: > AUTH (credentials)");
		else
			log_debug("smtp: > %.*s", n, data);
		break;
	case CURLINFO_HEADER_IN:
		if (trace)
			log_debug("smtp: < %.*s", n, data);
		break;
	case CURLINFO_TEXT:
		if (trace)
			log_debug("smtp: %.*s", n, data);
		break;
	case CURLINFO_DATA_IN:
	case CURLINFO_DATA_OUT:
	case CURLINFO_SSL_DATA_IN:
	case CURLINFO_SSL_DATA_OUT:
	case CURLINFO_END:
		break;
	}
	return 0;
}

static size_t
smtp_on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp *s = arg;
	size_t n = MIN(size * nitems, s->len - s->pos);

	memcpy(buf, s->content + s->pos, n);
	s->pos += n;
	s->stage = s->pos == s->len ? SMTP_STAGE_END : SMTP_STAGE_CONTENT;
	return n;
}

/* A NOOP's reply is also delivered as "body": not for stdout. */
static size_t
smtp_on_write(char *buf, size_t size, size_t nitems, void *arg)
{
	(void)buf;
	(void)arg;
	return size * nitems;
}

static bool
smtp_setup(struct smtp *s, const struct smtp_settings *st, GError **err)
{
	CURL *c = s->curl;
	long low_speed = MIN(st->total_timeout, 60L);
	CURLcode rc = CURLE_OK;

	/* Every option is checked: a failure means a broken libcurl. */
#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(c, opt, val); \
	} while (0)
	SET(CURLOPT_URL, s->url);
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SET(CURLOPT_USE_SSL, (long)(st->tls_required ? CURLUSESSL_ALL :
	    CURLUSESSL_NONE));
	if (st->ca_file)
		SET(CURLOPT_CAINFO, st->ca_file);
	if (st->username) {
		SET(CURLOPT_USERNAME, st->username);
		SET(CURLOPT_PASSWORD, st->password ? st->password : "");
		SET(CURLOPT_SASL_IR, 1L);
	}
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, st->connect_timeout);
	SET(CURLOPT_TIMEOUT, st->total_timeout);
	SET(CURLOPT_SERVER_RESPONSE_TIMEOUT, st->total_timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, low_speed);
	SET(CURLOPT_ERRORBUFFER, s->errbuf);
	SET(CURLOPT_HEADERFUNCTION, smtp_on_reply);
	SET(CURLOPT_HEADERDATA, s);
	SET(CURLOPT_WRITEFUNCTION, smtp_on_write);
	SET(CURLOPT_READFUNCTION, smtp_on_read);
	SET(CURLOPT_READDATA, s);
	/* The trace is how we learn which command failed. */
	SET(CURLOPT_VERBOSE, 1L);
	SET(CURLOPT_DEBUGFUNCTION, smtp_on_debug);
	SET(CURLOPT_DEBUGDATA, s);
#undef SET
	if (rc != CURLE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot set up smtp with libcurl: %s",
		    curl_easy_strerror(rc));
		return false;
	}
	return true;
}

struct smtp *
smtp_new(const struct smtp_settings *settings, GError **err)
{
	struct smtp *s = NULL;
	char *url;

	if (!smtp_settings_check(settings, err))
		return NULL;
	url = smtp_settings_url(settings, err);
	if (!url)
		return NULL;
	s = g_new0(struct smtp, 1);
	s->url = url;
	s->username = g_strdup(settings->username);
	s->reply = g_string_new(NULL);
	s->curl = curl_easy_init();
	if (!s->curl) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot start libcurl");
		smtp_free(s);
		return NULL;
	}
	if (!smtp_setup(s, settings, err)) {
		smtp_free(s);
		return NULL;
	}
	return s;
}

void
smtp_free(struct smtp *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	g_string_free(s->reply, TRUE);
	g_free(s->username);
	g_free(s->url);
	g_free(s);
}

unsigned
smtp_connections(const struct smtp *s)
{
	return s->connections;
}

static bool
smtp_content_valid(const char *content, size_t len, GError **err)
{
	size_t i, line = 0;

	if (len == 0) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "message is empty");
		return false;
	}
	for (i = 0; i < len; i++) {
		if (content[i] == '\0') {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "message has a NUL byte at offset %zu", i);
			return false;
		}
		if (content[i] == '\r' && (i + 1 == len ||
		    content[i + 1] != '\n')) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "message has a bare CR at offset %zu", i);
			return false;
		}
		if (content[i] != '\n')
			continue;
		if (i == 0 || content[i - 1] != '\r') {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "message has a bare LF at offset %zu", i);
			return false;
		}
		if (i - 1 - line > SMTP_MAX_LINE)
			break;
		line = i + 1;
	}
	if (i < len || len - line > SMTP_MAX_LINE) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "message has a line longer than %d octets at offset %zu",
		    SMTP_MAX_LINE, line);
		return false;
	}
	return true;
}

static bool
smtp_input_valid(const char *from, const char *rcpt, const char *content,
    size_t len, GError **err)
{
	/* curl 7.88 sends these verbatim: CR LF would add commands (S4). */
	if (*from && !addr_valid(from)) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "invalid envelope sender '%s'", from);
		return false;
	}
	if (!addr_valid(rcpt)) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "invalid recipient '%s'", rcpt);
		return false;
	}
	return smtp_content_valid(content, len, err);
}

static const char *
smtp_curl_reason(const struct smtp *s, CURLcode rc)
{
	return s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
}

static bool
smtp_is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		return true;
	default:
		return false;
	}
}

/*
 * The outcome of one curl_easy_perform(): curl's code says what broke,
 * the last reply and the stage say who refused what (S5, S6).
 */
static enum smtp_outcome
smtp_classify(struct smtp *s, CURLcode rc, const char *rcpt, GError **err)
{
	const char *stage = smtp_stage_name(s->stage);
	const char *reply = s->reply->len ? s->reply->str : "no reply";
	int class = s->code / 100;

	if (rc == CURLE_OK)
		return SMTP_SENT;
	if (rc == CURLE_LOGIN_DENIED) {
		g_set_error(err, CONSULTD_ERROR, EX_NOPERM,
		    "login to '%s' as '%s' refused: %s; check username and "
		    "password", s->url, s->username ? s->username : "",
		    reply);
		return SMTP_TEMPFAIL;
	}
	/* As for IMAP: what to change is the configuration (EX_CONFIG). */
	if (rc == CURLE_USE_SSL_FAILED) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "server '%s' does not offer STARTTLS: use smtps:// or "
		    "enable STARTTLS on the server", s->url);
		return SMTP_TEMPFAIL;
	}
	if (rc == CURLE_PEER_FAILED_VERIFICATION) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "TLS: the certificate of SMTP server '%s' is not trusted: "
		    "%s; set [smtp] ca_file to the CA that signed it, or give "
		    "the server a certificate for this host name", s->url,
		    smtp_curl_reason(s, rc));
		return SMTP_TEMPFAIL;
	}
	if (rc == CURLE_SSL_CACERT_BADFILE) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot use the CA file for '%s': %s", s->url,
		    smtp_curl_reason(s, rc));
		return SMTP_TEMPFAIL;
	}
	if (smtp_is_tls_error(rc)) {
		g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
		    "TLS with '%s' failed: %s; check the server's "
		    "certificate and ca_file", s->url,
		    smtp_curl_reason(s, rc));
		return SMTP_TEMPFAIL;
	}
	if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
	    rc == CURLE_NOT_BUILT_IN) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot use '%s': %s", s->url, smtp_curl_reason(s, rc));
		return SMTP_TEMPFAIL;
	}
	if (class == 4 || class == 5) {
		switch (s->stage) {
		case SMTP_STAGE_GREETING:
		case SMTP_STAGE_EHLO:
		case SMTP_STAGE_STARTTLS:
		case SMTP_STAGE_AUTH:
		case SMTP_STAGE_COMMAND:
			/* The session, not this message, was refused. */
			g_set_error(err, CONSULTD_ERROR, class == 4 ?
			    EX_TEMPFAIL : EX_UNAVAILABLE,
			    "server '%s' refused the session at %s: %s",
			    s->url, stage, reply);
			return SMTP_TEMPFAIL;
		case SMTP_STAGE_MAIL:
		case SMTP_STAGE_RCPT:
		case SMTP_STAGE_DATA:
		case SMTP_STAGE_CONTENT:
		case SMTP_STAGE_END:
			g_set_error(err, CONSULTD_ERROR, class == 4 ?
			    EX_TEMPFAIL : EX_DATAERR,
			    "cannot send to '%s': server answered %s with %s",
			    rcpt ? rcpt : "", stage, reply);
			return class == 4 ? SMTP_TEMPFAIL : SMTP_PERMFAIL;
		}
	}
	if (s->stage == SMTP_STAGE_END) {
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "cannot tell whether '%s' got the message: no reply to "
		    "the end of data (%s); resend with the same Message-ID",
		    rcpt ? rcpt : "", smtp_curl_reason(s, rc));
		return SMTP_UNKNOWN;
	}
	if (s->stage == SMTP_STAGE_GREETING && s->code == 0)
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "cannot connect to '%s': %s", s->url,
		    smtp_curl_reason(s, rc));
	else if (rcpt)
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "cannot send to '%s' via '%s' (at %s): %s", rcpt, s->url,
		    stage, smtp_curl_reason(s, rc));
	else
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "lost the connection to '%s' at %s: %s", s->url, stage,
		    smtp_curl_reason(s, rc));
	return SMTP_TEMPFAIL;
}

/*
 * curl 7.88 keeps a connection whose reply never came (a timeout after
 * the final dot) and reuses it: the late reply would then be read as
 * the answer to the next MAIL FROM.  After any failure we shut the socket
 * down, so that curl finds it dead and connects afresh (no QUIT).
 */
static void
smtp_drop_connection(struct smtp *s)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET, &fd) ==
	    CURLE_OK && fd != CURL_SOCKET_BAD)
		shutdown(fd, SHUT_RDWR);
}

/* Runs one transfer with the stage and reply reset. */
static CURLcode
smtp_perform(struct smtp *s)
{
	CURLcode rc;
	long n = 0;

	s->errbuf[0] = '\0';
	s->stage = SMTP_STAGE_GREETING;
	g_string_truncate(s->reply, 0);
	s->code = 0;
	s->reply_done = false;
	s->in_auth = false;
	rc = curl_easy_perform(s->curl);
	if (rc != CURLE_OK)
		smtp_drop_connection(s);
	if (curl_easy_getinfo(s->curl, CURLINFO_NUM_CONNECTS, &n) ==
	    CURLE_OK && n > 0)
		s->connections += (unsigned)n;
	return rc;
}

enum smtp_outcome
smtp_send(struct smtp *s, const char *envelope_from, const char *recipient,
    const char *content, size_t len, int *code_out, char **reply_out,
    GError **err)
{
	struct curl_slist *rcpt = NULL;
	enum smtp_outcome outcome;
	CURLcode rc = CURLE_OK;

	assert(s && envelope_from && recipient && (content || len == 0));
	if (code_out)
		*code_out = 0;
	if (reply_out)
		*reply_out = NULL;
	if (!smtp_input_valid(envelope_from, recipient, content, len, err))
		return SMTP_PERMFAIL;

	s->content = content;
	s->len = len;
	s->pos = 0;
	rcpt = curl_slist_append(NULL, recipient);
	if (!rcpt) {
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "cannot send to '%s': out of memory", recipient);
		return SMTP_TEMPFAIL;
	}
	/* The first setopt cannot fail after smtp_setup(); check anyway. */
	if (curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, envelope_from) ||
	    curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt) ||
	    curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L) ||
	    curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)len))
		rc = CURLE_FAILED_INIT;
	if (rc == CURLE_OK)
		rc = smtp_perform(s);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	s->content = NULL;

	outcome = smtp_classify(s, rc, recipient, err);
	if (code_out)
		*code_out = s->code;
	if (reply_out && s->reply->len)
		*reply_out = g_strdup(s->reply->str);
	if (outcome == SMTP_SENT)
		log_debug("smtp: sent to %s: %s", recipient, s->reply->str);
	return outcome;
}

bool
smtp_check(const struct smtp_settings *settings, GError **err)
{
	struct smtp *s;
	GError *e = NULL;
	CURLcode rc;
	bool ok = false;

	s = smtp_new(settings, err);
	if (!s)
		return false;
	if (curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, "NOOP") !=
	    CURLE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot set up smtp with libcurl");
		goto out;
	}
	rc = smtp_perform(s);
	switch (smtp_classify(s, rc, NULL, &e)) {
	case SMTP_SENT:
		ok = true;
		break;
	case SMTP_TEMPFAIL:
	case SMTP_PERMFAIL:
	case SMTP_UNKNOWN:
		/* For check-config, "try again later" is "unavailable". */
		if (e->code == EX_TEMPFAIL || e->code == EX_DATAERR)
			e->code = EX_UNAVAILABLE;
		g_propagate_error(err, e);
		break;
	}
out:
	smtp_free(s);
	return ok;
}
