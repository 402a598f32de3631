/* SPDX-License-Identifier: MIT */
/*
 * IMAP over libcurl 7.88, working round its known bugs: a 1 MiB receive
 * buffer so that long SEARCH lines are not cut, UIDVALIDITY read with
 * STATUS and pinned in every mailbox URL.  One easy handle keeps one
 * connection for the mailbox's state (status, search, flags, moves); curl
 * reconnects by itself after a failure.  Message bodies come over a
 * second connection (imap_stream.c), since a custom FETCH loses its
 * literals in 7.88.
 */
#include "imap.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "consultd.h"
#include "imap_private.h"
#include "log.h"

#include "banned.h"

static size_t
imap_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct imap *imap = arg;
	size_t len = size * nmemb;

	switch (imap->sink) {
	case IMAP_SINK_NONE:
		return len;
	case IMAP_SINK_TEXT:
		if (imap->text->len + len > IMAP_TEXT_MAX) {
			g_set_error(&imap->sink_err, CONSULTD_ERROR,
			    EX_UNAVAILABLE, "answer of IMAP server over %u "
			    "bytes", IMAP_TEXT_MAX);
			return 0;
		}
		g_string_append_len(imap->text, data, (gssize)len);
		return len;
	}
	return len;
}

/* Every response line also comes here: keep the last for messages. */
static size_t
imap_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct imap *imap = arg;
	size_t len = size * nmemb;
	size_t keep = MIN(len, (size_t)IMAP_LINE_MAX);

	g_string_truncate(imap->last_line, 0);
	g_string_append_len(imap->last_line, data, (gssize)keep);
	while (imap->last_line->len && (imap->last_line->str[
	    imap->last_line->len - 1] == '\n' || imap->last_line->str[
	    imap->last_line->len - 1] == '\r'))
		g_string_truncate(imap->last_line, imap->last_line->len - 1);
	return len;
}

static bool
imap_is_tagged_reply(const char *data, size_t len)
{
	size_t i = 0;

	if (len < 2 || !g_ascii_isalpha(data[0]))
		return false;
	for (i = 1; i < len && g_ascii_isdigit(data[i]); i++)
		;
	return i > 1 && i < len && data[i] == ' ';
}

/*
 * curl's trace at -vv.  What we send between a LOGIN or AUTHENTICATE and
 * the server's tagged answer to it carries the password (clear or
 * base64): it is replaced by "***".
 */
static int
imap_debug_cb(CURL *curl, curl_infotype type, char *data, size_t len,
    void *arg)
{
	struct imap *imap = arg;
	const char *dir = "*";

	(void)curl;
	switch (type) {
	case CURLINFO_TEXT:
		dir = "*";
		break;
	case CURLINFO_HEADER_IN:
		dir = "<";
		if (imap->masking && imap_is_tagged_reply(data, len))
			imap->masking = false;
		break;
	case CURLINFO_HEADER_OUT:
		dir = ">";
		if (g_strstr_len(data, (gssize)len, " LOGIN ") ||
		    g_strstr_len(data, (gssize)len, " AUTHENTICATE ")) {
			imap->masking = true;
			log_debug("imap: > (login, %zu bytes hidden)", len);
			return 0;
		}
		if (imap->masking) {
			log_debug("imap: > ***");
			return 0;
		}
		break;
	case CURLINFO_DATA_IN:
	case CURLINFO_DATA_OUT:
	case CURLINFO_SSL_DATA_IN:
	case CURLINFO_SSL_DATA_OUT:
	case CURLINFO_END:
		return 0;
	}
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	log_debug("imap: %s %.*s", dir, (int)MIN(len, (size_t)IMAP_LINE_MAX),
	    data);
	return 0;
}

static bool
imap_host_is_loopback(const char *host)
{
	struct in_addr a4;

	if (g_ascii_strcasecmp(host, "localhost") == 0 ||
	    strcmp(host, "[::1]") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return false;
}

static bool
imap_name_ok(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return false;
	return *name != '\0';
}

/*
 * An IMAP quoted string for a custom request, which libcurl URL-decodes
 * before sending: '%' travels as "%25".
 */
char *
imap_quote(const char *name)
{
	GString *s = g_string_new("\"");
	const char *p;

	for (p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(s, '\\');
		if (*p == '%')
			g_string_append(s, "%25");
		else
			g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
	return g_string_free(s, FALSE);
}

static bool
imap_parse_url(struct imap *imap, const char *url, bool plain,
    GError **err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *decoded = NULL, *user = NULL, *query = NULL;
	const char *p;
	bool ok = false;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK || curl_url_get(u, CURLUPART_PATH, &path, 0) !=
	    CURLUE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] url '%s' is not a valid URL; write it as "
		    "imaps://host/INBOX", url);
		goto out;
	}
	if (strcmp(scheme, "imap") != 0 && strcmp(scheme, "imaps") != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] url '%s' must start with imaps:// or imap://",
		    url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] url must hold no user, password or query; put "
		    "the user in [imap] username and the password in "
		    "[imap] password_file");
		goto out;
	}
	if (plain && strcmp(scheme, "imaps") == 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] tls = none contradicts the imaps:// url; use "
		    "imap:// for plain IMAP on loopback, or tls = required");
		goto out;
	}
	if (plain && !imap_host_is_loopback(host)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] tls = none is allowed only for a loopback host, "
		    "not '%s': the password would travel in clear; use "
		    "tls = required", host);
		goto out;
	}
	p = path;
	while (*p == '/')
		p++;
	imap->mailbox_path = g_strdup(*p ? p : "INBOX");
	if (g_str_has_suffix(imap->mailbox_path, "/"))
		imap->mailbox_path[strlen(imap->mailbox_path) - 1] = '\0';
	decoded = curl_easy_unescape(NULL, imap->mailbox_path, 0, NULL);
	if (!decoded || strchr(imap->mailbox_path, ';') ||
	    strchr(imap->mailbox_path, '/') || !imap_name_ok(decoded)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] url '%s': the mailbox must be one printable ASCII "
		    "name after the host (non-ASCII names in modified "
		    "UTF-7), without ;parameters", url);
		goto out;
	}
	imap->mailbox = g_strdup(decoded);
	imap->base = g_strdup_printf("%s://%s:%s/", scheme, host, port);
	imap->location = g_strconcat(imap->base, imap->mailbox_path, NULL);
	ok = true;
out:
	curl_free(decoded);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(query);
	curl_url_cleanup(u);
	return ok;
}

struct imap *
imap_new(const struct imap_options *opts, GError **err)
{
	static bool global_done;
	struct imap *imap = g_new0(struct imap, 1);
	CURL *c;

	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
			    "cannot initialise libcurl");
			g_free(imap);
			return NULL;
		}
		global_done = true;
	}
	imap->last_line = g_string_new(NULL);
	imap->text = g_string_new(NULL);
	if (!imap_parse_url(imap, opts->url, opts->plain, err))
		goto fail;
	imap->username = g_strdup(opts->username ? opts->username : "");
	c = imap->curl = curl_easy_init();
	if (!c) {
		g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
		    "cannot make a libcurl handle");
		goto fail;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, imap->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c, CURLOPT_USERNAME, imap->username);
	curl_easy_setopt(c, CURLOPT_PASSWORD,
	    opts->password ? opts->password : "");
	/* STARTTLS or fail; never CURLUSESSL_TRY, which goes on in clear. */
	curl_easy_setopt(c, CURLOPT_USE_SSL,
	    opts->plain ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (opts->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, opts->ca_file);
	/* libcurl 7.88 cuts response lines over half the buffer. */
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, IMAP_BUFFER_SIZE);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, opts->connect_timeout);
	imap->stall_seconds = MIN(opts->timeout, 120L);
	curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    imap->stall_seconds);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, opts->timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, MIN(opts->timeout, 60L));
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, imap_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, imap);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, imap_header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, imap);
	/* Verbose only with our own trace writer, which hides the login. */
	if (log_get_level() >= LOG_LEVEL_TRACE) {
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, imap_debug_cb);
		curl_easy_setopt(c, CURLOPT_DEBUGDATA, imap);
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	}
	return imap;
fail:
	imap_free(imap);
	return NULL;
}

void
imap_free(struct imap *imap)
{
	if (!imap)
		return;
	imap_stream_close(imap);
	if (imap->curl)
		curl_easy_cleanup(imap->curl);
	g_free(imap->base);
	g_free(imap->mailbox);
	g_free(imap->mailbox_path);
	g_free(imap->location);
	g_free(imap->username);
	g_free(imap->caps);
	g_string_free(imap->last_line, TRUE);
	g_string_free(imap->text, TRUE);
	g_clear_error(&imap->sink_err);
	g_free(imap);
}

const char *
imap_mailbox(const struct imap *imap)
{
	return imap->mailbox;
}

const char *
imap_location(const struct imap *imap)
{
	return imap->location;
}

bool
imap_failure_transient(const struct imap *imap)
{
	return imap->transient;
}

/* The curl result as a CONSULTD_ERROR, with what to do about it. */
void
imap_set_error(struct imap *imap, CURLcode rc, const char *what,
    GError **err)
{
	const char *detail = imap->errbuf[0] ? imap->errbuf :
	    curl_easy_strerror(rc);
	const char *reply = imap->last_line->str;
	const char *loc = imap->location;

	imap->transient = false;
	switch (rc) {
	case CURLE_LOGIN_DENIED:
		g_set_error(err, CONSULTD_ERROR, EX_NOPERM,
		    "IMAP server %s refused the login of user '%s' (%s); "
		    "check [imap] username and the password file", loc,
		    imap->username, reply[0] ? reply : detail);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "TLS: the certificate of IMAP server %s is not trusted: "
		    "%s; set [imap] ca_file to the CA that signed it, or "
		    "give the server a certificate for this host name", loc,
		    detail);
		return;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "TLS: cannot use the CA file for %s: %s; check [imap] "
		    "ca_file", loc, detail);
		return;
	case CURLE_USE_SSL_FAILED:
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "TLS: IMAP server %s does not offer STARTTLS (%s); use an "
		    "imaps:// url, or enable TLS on the server", loc, detail);
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot %s at %s: %s; check [imap] url", what, loc,
		    detail);
		return;
	case CURLE_REMOTE_FILE_NOT_FOUND:
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "cannot %s at %s: %s", what, loc, detail);
		return;
	case CURLE_WRITE_ERROR:
		if (imap->sink_err) {
			g_propagate_prefixed_error(err,
			    g_steal_pointer(&imap->sink_err), "cannot %s at "
			    "%s: ", what, loc);
			return;
		}
		break;
	case CURLE_QUOTE_ERROR:
		g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
		    "IMAP server %s refused to %s: %s", loc, what,
		    reply[0] ? reply : detail);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
		imap->transient = true;
		g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
		    "cannot connect to IMAP server %s: %s", loc, detail);
		return;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		imap->transient = true;
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "IMAP server %s: cannot %s: %s", loc, what, detail);
		return;
	default:
		break;
	}
	imap->transient = true;
	g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
	    "IMAP server %s: cannot %s: %s (curl %d)", loc, what, detail,
	    (int)rc);
}

/*
 * One request: url with an optional custom command, answers to the
 * current sink.  what names it in error messages.
 */
static bool
imap_perform(struct imap *imap, const char *url, const char *command,
    const char *what, GError **err)
{
	CURLcode rc;

	imap->errbuf[0] = '\0';
	imap->transient = false;
	g_string_truncate(imap->last_line, 0);
	g_string_truncate(imap->text, 0);
	g_clear_error(&imap->sink_err);
	curl_easy_setopt(imap->curl, CURLOPT_URL, url);
	curl_easy_setopt(imap->curl, CURLOPT_CUSTOMREQUEST, command);
	rc = curl_easy_perform(imap->curl);
	if (rc != CURLE_OK) {
		imap_set_error(imap, rc, what, err);
		g_clear_error(&imap->sink_err);
		return false;
	}
	return true;
}

/* Sends command and collects its untagged answers in imap->text. */
static bool
imap_command(struct imap *imap, const char *url, const char *command,
    const char *what, GError **err)
{
	imap->sink = IMAP_SINK_TEXT;
	return imap_perform(imap, url, command, what, err);
}

/* The session's mailbox URL pinned to uidvalidity. */
static char *
imap_mailbox_url(const struct imap *imap, uint32_t uidvalidity)
{
	return g_strdup_printf("%s;UIDVALIDITY=%u", imap->location,
	    uidvalidity);
}

/* The number after word in text (e.g. "UIDNEXT 12"); false if none. */
bool
imap_find_number(const char *text, const char *word, uint64_t *out)
{
	const char *p = text;
	size_t wl = strlen(word);
	guint64 v;
	char *end;

	while ((p = strstr(p, word)) != NULL) {
		bool starts = p == text || p[-1] == ' ' || p[-1] == '(';

		p += wl;
		if (!starts || *p != ' ')
			continue;
		p++;
		if (!g_ascii_isdigit(*p))
			continue;
		v = g_ascii_strtoull(p, &end, 10);
		*out = v;
		return true;
	}
	return false;
}

bool
imap_status(struct imap *imap, const char *mailbox,
    uint32_t *uidvalidity_out, uint32_t *uidnext_out,
    uint32_t *messages_out, GError **err)
{
	g_autofree char *quoted = imap_quote(mailbox ? mailbox :
	    imap->mailbox);
	g_autofree char *cmd = g_strdup_printf("STATUS %s (UIDVALIDITY "
	    "UIDNEXT MESSAGES)", quoted);
	uint64_t validity = 0, next = 0, count = 0;

	if (!imap_command(imap, imap->base, cmd, "read the mailbox status",
	    err)) {
		if (g_error_matches(*err, CONSULTD_ERROR, EX_UNAVAILABLE) &&
		    !imap->transient) {
			(*err)->code = EX_CONFIG;
			g_prefix_error(err, "mailbox '%s' cannot be opened "
			    "(check the mailbox in [imap] url): ",
			    mailbox ? mailbox : imap->mailbox);
		}
		return false;
	}
	if (!imap_find_number(imap->text->str, "UIDVALIDITY", &validity) ||
	    !imap_find_number(imap->text->str, "UIDNEXT", &next) ||
	    !imap_find_number(imap->text->str, "MESSAGES", &count) ||
	    validity == 0 || validity > G_MAXUINT32 || next > G_MAXUINT32 ||
	    count > G_MAXUINT32) {
		g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
		    "IMAP server %s gave an unreadable STATUS answer: '%.*s'",
		    imap->location, IMAP_LINE_MAX, imap->text->str);
		return false;
	}
	if (uidvalidity_out)
		*uidvalidity_out = (uint32_t)validity;
	if (uidnext_out)
		*uidnext_out = (uint32_t)next;
	if (messages_out)
		*messages_out = (uint32_t)count;
	return true;
}

static int
imap_compare_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

GArray *
imap_parse_search(const char *text, size_t len, uint32_t first,
    uint32_t last, GError **err)
{
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q;

		if (!eol) {
			g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
			    "IMAP SEARCH answer cut short: '%.*s'",
			    (int)MIN((size_t)(end - p), (size_t)60), p);
			goto fail;
		}
		if ((size_t)(eol - p) < 8 || memcmp(p, "* SEARCH", 8) != 0) {
			p = eol + 1;
			continue;
		}
		for (q = p + 8; q < eol;) {
			guint64 v = 0;
			const char *d;

			while (q < eol && (*q == ' ' || *q == '\r'))
				q++;
			if (q == eol)
				break;
			for (d = q; d < eol && g_ascii_isdigit(*d); d++) {
				v = v * 10 + (guint64)(*d - '0');
				if (v > G_MAXUINT32)
					break;
			}
			if (d == q || v > G_MAXUINT32 || (d < eol &&
			    *d != ' ' && *d != '\r')) {
				g_set_error(err, CONSULTD_ERROR,
				    EX_UNAVAILABLE, "unreadable IMAP SEARCH "
				    "answer near '%.*s'",
				    (int)MIN((size_t)(eol - q), (size_t)40),
				    q);
				goto fail;
			}
			/* "n:*" also yields the largest UID (RFC 3501 9). */
			if (v >= first && v <= last) {
				uint32_t u = (uint32_t)v;

				g_array_append_val(uids, u);
			}
			q = d;
		}
		p = eol + 1;
	}
	g_array_sort(uids, imap_compare_uid);
	return uids;
fail:
	g_array_unref(uids);
	return NULL;
}

GArray *
imap_search(struct imap *imap, uint32_t uidvalidity, uint32_t first,
    uint32_t last, const char *criteria, GError **err)
{
	g_autofree char *url = imap_mailbox_url(imap, uidvalidity);
	g_autofree char *cmd = NULL;

	assert(first > 0 && first <= last);
	cmd = g_strdup_printf("UID SEARCH UID %u:%u%s%s", first, last,
	    criteria ? " " : "", criteria ? criteria : "");
	if (!imap_command(imap, url, cmd, "search the mailbox", err))
		return NULL;
	return imap_parse_search(imap->text->str, imap->text->len, first,
	    last, err);
}

char *
imap_uid_set(const uint32_t *uids, size_t n)
{
	GString *s = g_string_new(NULL);
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (s->len)
			g_string_append_c(s, ',');
		if (j > i)
			g_string_append_printf(s, "%u:%u", uids[i], uids[j]);
		else
			g_string_append_printf(s, "%u", uids[i]);
		i = j + 1;
	}
	return g_string_free(s, FALSE);
}

bool
imap_add_flags(struct imap *imap, const uint32_t *uids, size_t n,
    const char *flags, GError **err)
{
	g_autofree char *set = NULL;
	g_autofree char *cmd = NULL;

	if (n == 0)
		return true;
	set = imap_uid_set(uids, n);
	cmd = g_strdup_printf("UID STORE %s +FLAGS.SILENT (%s)", set, flags);
	imap->sink = IMAP_SINK_NONE;
	return imap_perform(imap, imap->location, cmd, "flag messages", err);
}

/* Whether word is one of the space-separated words of text. */
static bool
imap_has_word(const char *text, const char *word)
{
	size_t wl = strlen(word);
	const char *p = text;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == text || p[-1] == ' ') && (p[wl] == ' ' ||
		    p[wl] == '\0'))
			return true;
		p += wl;
	}
	return false;
}

bool
imap_has_capability(struct imap *imap, const char *cap, bool *has_out,
    GError **err)
{
	g_autofree char *needle = NULL;

	if (!imap->caps_known) {
		if (!imap_command(imap, imap->base, "CAPABILITY",
		    "read the server's capabilities", err))
			return false;
		g_free(imap->caps);
		imap->caps = g_ascii_strup(imap->text->str, -1);
		g_strdelimit(imap->caps, "\r\n", ' ');
		imap->caps_known = true;
	}
	needle = g_ascii_strup(cap, -1);
	*has_out = imap_has_word(imap->caps, needle);
	return true;
}

bool
imap_move(struct imap *imap, const uint32_t *uids, size_t n,
    const char *folder, GError **err)
{
	g_autofree char *set = NULL;
	g_autofree char *quoted = NULL;
	g_autofree char *cmd = NULL;
	bool move = false, uidplus = false;

	if (n == 0)
		return true;
	if (!imap_has_capability(imap, "MOVE", &move, err) ||
	    !imap_has_capability(imap, "UIDPLUS", &uidplus, err))
		return false;
	set = imap_uid_set(uids, n);
	quoted = imap_quote(folder);
	imap->sink = IMAP_SINK_NONE;
	if (move) {
		cmd = g_strdup_printf("UID MOVE %s %s", set, quoted);
		return imap_perform(imap, imap->location, cmd,
		    "move messages", err);
	}
	if (!uidplus) {
		/* A plain EXPUNGE would remove other clients' \Deleted too. */
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "IMAP server %s has neither MOVE nor UIDPLUS, so "
		    "messages cannot be moved safely; use after_fetch = flag",
		    imap->location);
		return false;
	}
	cmd = g_strdup_printf("UID COPY %s %s", set, quoted);
	if (!imap_perform(imap, imap->location, cmd, "copy messages", err))
		return false;
	g_free(cmd);
	cmd = g_strdup_printf("UID STORE %s +FLAGS.SILENT (\\Deleted)", set);
	if (!imap_perform(imap, imap->location, cmd, "flag messages", err))
		return false;
	g_free(cmd);
	cmd = g_strdup_printf("UID EXPUNGE %s", set);
	return imap_perform(imap, imap->location, cmd, "expunge messages",
	    err);
}

bool
imap_folder_exists(struct imap *imap, const char *folder, bool *exists_out,
    GError **err)
{
	g_autofree char *quoted = imap_quote(folder);
	g_autofree char *cmd = g_strdup_printf("LIST \"\" %s", quoted);

	if (!imap_command(imap, imap->base, cmd, "list folders", err))
		return false;
	*exists_out = g_str_has_prefix(imap->text->str, "* LIST ");
	return true;
}

bool
imap_create_folder(struct imap *imap, const char *folder, GError **err)
{
	g_autofree char *quoted = imap_quote(folder);
	g_autofree char *cmd = g_strdup_printf("CREATE %s", quoted);

	imap->sink = IMAP_SINK_NONE;
	return imap_perform(imap, imap->base, cmd, "create a folder", err);
}
