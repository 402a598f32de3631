/* SPDX-License-Identifier: MIT */
/*
 * Message bodies over a second connection.  libcurl opens it and logs in
 * (CURLOPT_CONNECT_ONLY: the greeting, STARTTLS, authentication and
 * certificate checks stay curl's, with the same options as the first
 * handle), then we speak IMAP on it through curl_easy_send/recv: the
 * mailbox EXAMINEd, so that fetching sets no flag, and one UID FETCH
 * (UID RFC822.SIZE BODY.PEEK[]) per batch, several in flight, each
 * literal streamed into the caller's file.  libcurl 7.88 cannot do this
 * by itself: a custom FETCH loses its literals, and a ;UID= URL costs a
 * round trip per message and sets \Seen.
 */
#include "imap.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "consultd.h"
#include "imap_private.h"
#include "log.h"

#include "banned.h"

#define STREAM_BUF	(256u * 1024)
#define STREAM_LINE_MAX	(64u * 1024)	/* a response line, not a literal */

struct imap_stream {
	CURL *curl;
	curl_socket_t sock;
	uint32_t uidvalidity;
	unsigned next_tag;
	GQueue pending;		/* tags (GUINT_TO_POINTER) sent, not read */
	char *buf;
	size_t pos, len;
	GString *line;
};

void
imap_stream_close(struct imap *imap)
{
	struct imap_stream *s = imap->stream;

	if (!s)
		return;
	/*
	 * With answers still coming, curl's LOGOUT at cleanup would wait
	 * through them: a shut socket makes the connection dead at once.
	 */
	if (s->sock != CURL_SOCKET_BAD && !g_queue_is_empty(&s->pending))
		shutdown(s->sock, SHUT_RDWR);
	if (s->curl)
		curl_easy_cleanup(s->curl);
	g_queue_clear(&s->pending);
	g_free(s->buf);
	g_string_free(s->line, TRUE);
	g_free(s);
	imap->stream = NULL;
}

void
imap_bodies_cancel(struct imap *imap)
{
	imap_stream_close(imap);
}

/* A failure of the connection itself: worth a retry after a pause. */
static bool
stream_lost(struct imap *imap, GError **err, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static bool
stream_lost(struct imap *imap, GError **err, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	imap->transient = true;
	g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
	    "IMAP server %s: %s", imap->location, what);
	imap_stream_close(imap);
	return false;
}

/* Waits until the socket can be read or written, within the stall limit. */
static bool
stream_wait(struct imap *imap, short events, GError **err)
{
	struct pollfd pfd = { imap->stream->sock, events, 0 };
	int r;

	/* A signal is looked at between batches, not here. */
	do
		r = poll(&pfd, 1, (int)(imap->stall_seconds * 1000));
	while (r < 0 && errno == EINTR);
	if (r > 0)
		return true;
	if (r == 0)
		return stream_lost(imap, err, "no answer for %ld s",
		    imap->stall_seconds);
	return stream_lost(imap, err, "cannot wait for the connection: %s",
	    g_strerror(errno));
}

static bool
stream_send(struct imap *imap, const char *data, size_t len, GError **err)
{
	struct imap_stream *s = imap->stream;

	while (len > 0) {
		size_t n = 0;
		CURLcode rc = curl_easy_send(s->curl, data, len, &n);

		if (rc == CURLE_AGAIN) {
			if (!stream_wait(imap, POLLOUT, err))
				return false;
			continue;
		}
		if (rc != CURLE_OK)
			return stream_lost(imap, err, "cannot send: %s",
			    curl_easy_strerror(rc));
		data += n;
		len -= n;
	}
	return true;
}

/* More bytes into the buffer (what was consumed is dropped first). */
static bool
stream_fill(struct imap *imap, GError **err)
{
	struct imap_stream *s = imap->stream;

	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	for (;;) {
		size_t n = 0;
		CURLcode rc = curl_easy_recv(s->curl, s->buf + s->len,
		    STREAM_BUF - s->len, &n);

		if (rc == CURLE_OK && n > 0) {
			s->len += n;
			return true;
		}
		if (rc == CURLE_OK)
			return stream_lost(imap, err, "the server closed the "
			    "connection");
		if (rc != CURLE_AGAIN)
			return stream_lost(imap, err, "cannot receive: %s",
			    curl_easy_strerror(rc));
		if (!stream_wait(imap, POLLIN, err))
			return false;
	}
}

/* One line of a response into s->line, without its CRLF. */
static bool
stream_read_line(struct imap *imap, GError **err)
{
	struct imap_stream *s = imap->stream;

	g_string_truncate(s->line, 0);
	for (;;) {
		char *nl = memchr(s->buf + s->pos, '\n', s->len - s->pos);
		size_t take = nl ? (size_t)(nl - (s->buf + s->pos)) :
		    s->len - s->pos;

		if (s->line->len + take > STREAM_LINE_MAX)
			return stream_lost(imap, err, "a response line is "
			    "over %u bytes", STREAM_LINE_MAX);
		g_string_append_len(s->line, s->buf + s->pos, (gssize)take);
		s->pos += take;
		if (nl) {
			s->pos++;
			if (s->line->len && s->line->str[s->line->len - 1] ==
			    '\r')
				g_string_truncate(s->line, s->line->len - 1);
			return true;
		}
		if (!stream_fill(imap, err))
			return false;
	}
}

/* n bytes of a literal into fd, or nowhere when fd is -1. */
static bool
stream_read_literal(struct imap *imap, uint64_t n, int fd, GError **err)
{
	struct imap_stream *s = imap->stream;

	while (n > 0) {
		size_t take;

		if (s->pos == s->len && !stream_fill(imap, err))
			return false;
		take = (size_t)MIN(n, (uint64_t)(s->len - s->pos));
		while (fd >= 0 && take > 0) {
			ssize_t w = write(fd, s->buf + s->pos, take);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				int e = w < 0 ? errno : EIO;

				g_set_error(err, CONSULTD_ERROR, (e == ENOSPC ||
				    e == EDQUOT) ? EX_TEMPFAIL : EX_IOERR,
				    "cannot write a fetched message: %s%s",
				    g_strerror(e), e == ENOSPC ? "; free some "
				    "disk space and run again" : "");
				imap_stream_close(imap);
				return false;
			}
			s->pos += (size_t)w;
			n -= (uint64_t)w;
			take -= (size_t)w;
		}
		if (fd < 0) {
			s->pos += take;
			n -= take;
		}
	}
	return true;
}

/* The size of the literal a line announces ("... {123}"), if any. */
static bool
stream_literal_size(const GString *line, uint64_t *n_out)
{
	const char *end = line->str + line->len;
	const char *p;

	if (line->len < 3 || end[-1] != '}')
		return false;
	p = end - 2;
	if (*p == '+')		/* LITERAL+ form */
		p--;
	while (p > line->str && g_ascii_isdigit(*p))
		p--;
	if (*p != '{' || p + 1 == end - 1)
		return false;
	*n_out = g_ascii_strtoull(p + 1, NULL, 10);
	return true;
}

/* Whether the literal the line announces is the body section asked for. */
static bool
stream_is_body(const GString *line)
{
	const char *brace = strrchr(line->str, '{');
	size_t i;
	static const char *const names[] = { "BODY[] ", "BODY[HEADER] " };

	/*
	 * A literal8 ("~{n}", RFC 3516) is the same bytes: refused, the
	 * message would never come and hold up the whole mailbox.
	 */
	if (brace && brace > line->str && brace[-1] == '~')
		brace--;
	for (i = 0; brace && i < G_N_ELEMENTS(names); i++) {
		size_t nl = strlen(names[i]);

		if ((size_t)(brace - line->str) >= nl &&
		    g_ascii_strncasecmp(brace - nl, names[i], nl) == 0)
			return true;
	}
	return false;
}

/* "* 12 FETCH (": an answer about one message. */
static bool
stream_is_fetch(const char *line)
{
	const char *p = line + 2;

	if (line[0] != '*' || line[1] != ' ' || !g_ascii_isdigit(*p))
		return false;
	while (g_ascii_isdigit(*p))
		p++;
	return g_ascii_strncasecmp(p, " FETCH (", 8) == 0;
}

/*
 * One untagged response, its literals streamed to sink or skipped; the
 * first line is in s->line.  Lines after a literal continue the same
 * response.
 */
static bool
stream_untagged(struct imap *imap, const struct imap_body_sink *sink,
    GError **err)
{
	struct imap_stream *s = imap->stream;
	bool fetch = stream_is_fetch(s->line->str);
	bool body = false;
	uint64_t uid = 0, size = 0, n;

	if (g_ascii_strncasecmp(s->line->str, "* BYE", 5) == 0)
		return stream_lost(imap, err, "the server said goodbye: %.*s",
		    IMAP_LINE_MAX, s->line->str);
	for (;;) {
		int fd = -1;

		if (fetch) {
			imap_find_number(s->line->str, "UID", &uid);
			imap_find_number(s->line->str, "RFC822.SIZE", &size);
		}
		if (!stream_literal_size(s->line, &n))
			break;
		if (fetch && sink && stream_is_body(s->line)) {
			if (uid > G_MAXUINT32 || !sink->open(sink->arg,
			    (uint32_t)uid, n, &fd, err)) {
				imap_stream_close(imap);
				return false;
			}
			body = true;
		}
		if (!stream_read_literal(imap, n, fd, err) ||
		    !stream_read_line(imap, err))
			return false;
	}
	if (!body)
		return true;
	if (uid == 0 || uid > G_MAXUINT32)
		return stream_lost(imap, err, "a message came without its "
		    "UID");
	if (!sink->done(sink->arg, (uint32_t)uid, size, err)) {
		imap_stream_close(imap);
		return false;
	}
	return true;
}

/*
 * Reads responses up to the tagged answer to tag and fails unless it is
 * OK (or, to a fetch, NO).  The untagged ones go to sink (may be NULL);
 * *validity_out (may be NULL) gets a UIDVALIDITY they announce.
 */
static bool
stream_until_tagged(struct imap *imap, unsigned tag,
    const struct imap_body_sink *sink, const char *what,
    uint64_t *validity_out, GError **err)
{
	g_autofree char *prefix = g_strdup_printf("C%u ", tag);
	size_t plen = strlen(prefix);

	for (;;) {
		struct imap_stream *s;
		const char *rest;

		if (!stream_read_line(imap, err))
			return false;
		s = imap->stream;
		if (log_get_level() >= LOG_LEVEL_TRACE &&
		    !stream_is_fetch(s->line->str))
			log_debug("imap: < %.*s", IMAP_LINE_MAX, s->line->str);
		if (strncmp(s->line->str, prefix, plen) != 0) {
			const char *v = validity_out ? strstr(s->line->str,
			    "[UIDVALIDITY ") : NULL;

			if (v)
				*validity_out = g_ascii_strtoull(v + 13, NULL,
				    10);
			if (!stream_untagged(imap, sink, err))
				return false;
			continue;
		}
		rest = s->line->str + plen;
		if (g_ascii_strncasecmp(rest, "OK", 2) == 0)
			return true;
		/*
		 * A NO to a FETCH still ends its answer, and what came is
		 * whole: a server may refuse a message another client has
		 * expunged (RFC 2180 4.1, RFC 5530 EXPUNGEISSUED).  What it
		 * left out, the caller looks into as for any it omits.
		 */
		if (sink && g_ascii_strncasecmp(rest, "NO", 2) == 0) {
			log_warnx("imap: %s answered the fetch with %.*s",
			    imap->location, IMAP_LINE_MAX, rest);
			return true;
		}
		imap->transient = false;
		g_set_error(err, CONSULTD_ERROR, EX_UNAVAILABLE,
		    "IMAP server %s refused to %s: %.*s", imap->location,
		    what, IMAP_LINE_MAX, rest);
		imap_stream_close(imap);
		return false;
	}
}

/* Sends "C<tag> command"; returns the tag, 0 on failure. */
static unsigned
stream_command(struct imap *imap, const char *command, GError **err)
{
	struct imap_stream *s = imap->stream;
	unsigned tag = ++s->next_tag;
	g_autofree char *line = g_strdup_printf("C%u %s\r\n", tag, command);

	if (log_get_level() >= LOG_LEVEL_TRACE)
		log_debug("imap: > C%u %s", tag, command);
	return stream_send(imap, line, strlen(line), err) ? tag : 0;
}

/* Connects, logs in (curl) and EXAMINEs the mailbox. */
static bool
stream_open(struct imap *imap, uint32_t uidvalidity, GError **err)
{
	struct imap_stream *s = g_new0(struct imap_stream, 1);
	g_autofree char *quoted = imap_quote(imap->mailbox);
	g_autofree char *cmd = g_strdup_printf("EXAMINE %s", quoted);
	uint64_t validity = 0;
	CURLcode rc;
	unsigned tag;

	s->sock = CURL_SOCKET_BAD;
	g_queue_init(&s->pending);
	s->buf = g_malloc(STREAM_BUF);
	s->line = g_string_new(NULL);
	imap->stream = s;
	/* The same server, login, TLS and trace settings as the first. */
	s->curl = curl_easy_duphandle(imap->curl);
	if (!s->curl) {
		g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
		    "cannot make a libcurl handle");
		imap_stream_close(imap);
		return false;
	}
	curl_easy_setopt(s->curl, CURLOPT_URL, imap->base);
	curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(s->curl, CURLOPT_CONNECT_ONLY, 1L);
	imap->errbuf[0] = '\0';
	g_string_truncate(imap->last_line, 0);
	rc = curl_easy_perform(s->curl);
	if (rc == CURLE_OK)
		rc = curl_easy_getinfo(s->curl, CURLINFO_ACTIVESOCKET,
		    &s->sock);
	if (rc != CURLE_OK) {
		imap_set_error(imap, rc, "log in to fetch", err);
		imap_stream_close(imap);
		return false;
	}
	tag = stream_command(imap, cmd, err);
	if (!tag || !stream_until_tagged(imap, tag, NULL, "open the mailbox "
	    "read-only", &validity, err))
		return false;
	if (validity != uidvalidity) {
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "the UIDVALIDITY of %s is now %llu", imap->location,
		    (unsigned long long)validity);
		imap_stream_close(imap);
		return false;
	}
	s->uidvalidity = uidvalidity;
	return true;
}

bool
imap_bodies_request(struct imap *imap, uint32_t uidvalidity,
    const uint32_t *uids, size_t n, enum imap_section section, GError **err)
{
	g_autofree char *set = NULL;
	g_autofree char *cmd = NULL;
	unsigned tag;

	if (imap->stream && imap->stream->uidvalidity != uidvalidity)
		imap_stream_close(imap);
	if (!imap->stream && !stream_open(imap, uidvalidity, err))
		return false;
	set = imap_uid_set(uids, n);
	cmd = g_strdup_printf("UID FETCH %s (UID RFC822.SIZE BODY.PEEK[%s])",
	    set, section == IMAP_SECTION_HEADER ? "HEADER" : "");
	tag = stream_command(imap, cmd, err);
	if (!tag)
		return false;
	g_queue_push_tail(&imap->stream->pending, GUINT_TO_POINTER(tag));
	return true;
}

bool
imap_bodies_receive(struct imap *imap, const struct imap_body_sink *sink,
    GError **err)
{
	unsigned tag;

	if (!imap->stream || g_queue_is_empty(&imap->stream->pending)) {
		g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
		    "no IMAP fetch request in flight");
		return false;
	}
	tag = GPOINTER_TO_UINT(g_queue_peek_head(&imap->stream->pending));
	if (!stream_until_tagged(imap, tag, sink, "fetch messages", NULL,
	    err))
		return false;
	g_queue_pop_head(&imap->stream->pending);
	return true;
}
