/* SPDX-License-Identifier: MIT */
/*
 * Tokens are the only proof of who a reply is from: a forged From header
 * cannot carry one.  160 bits from getrandom() make guessing hopeless;
 * lowercase base32 survives every mail client's case folding of addresses.
 */
#include "token.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "consultd.h"
#include "message.h"

#include "banned.h"

static const char token_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

char *
token_new(GError **err)
{
	unsigned char raw[TOKEN_LEN * 5 / 8];
	char *out;
	size_t bit, i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot get random bytes for a token: %s",
		    g_strerror(errno));
		return NULL;
	}
	out = g_malloc(TOKEN_LEN + 1);
	for (i = 0, bit = 0; i < TOKEN_LEN; i++, bit += 5) {
		unsigned v = (unsigned)raw[bit / 8] << 8;

		if (bit / 8 + 1 < sizeof(raw))
			v |= raw[bit / 8 + 1];
		out[i] = token_alphabet[(v >> (11 - bit % 8)) & 31];
	}
	out[TOKEN_LEN] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return out;
}

static bool
token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}

static bool
token_valid_n(const char *s, size_t n)
{
	size_t i;

	if (n != TOKEN_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!token_char(g_ascii_tolower(s[i])))
			return false;
	return true;
}

bool
token_valid(const char *s)
{
	size_t i;

	for (i = 0; i < TOKEN_LEN; i++)
		if (!token_char(s[i]))
			return false;
	return s[TOKEN_LEN] == '\0';
}

static void
token_add(GPtrArray *out, const char *s, enum token_source source)
{
	struct token_candidate *c;
	size_t i;

	for (i = 0; i < out->len; i++) {
		c = out->pdata[i];
		if (g_ascii_strncasecmp(c->token, s, TOKEN_LEN) == 0)
			return;
	}
	c = g_new0(struct token_candidate, 1);
	for (i = 0; i < TOKEN_LEN; i++)
		c->token[i] = g_ascii_tolower(s[i]);
	c->source = source;
	g_ptr_array_add(out, c);
}

/* Tokens among the '.'/'+'-separated parts of a local part or msg-id. */
static void
token_scan_parts(GPtrArray *out, const char *s, const char *seps,
    enum token_source source)
{
	const char *end = strchr(s, '@');
	const char *p = s;

	if (!end)
		end = s + strlen(s);
	while (p < end) {
		size_t n = strcspn(p, seps);

		if (p + n > end)
			n = (size_t)(end - p);
		if (token_valid_n(p, n))
			token_add(out, p, source);
		p += n + 1;
	}
}

/* "Ref: TOKEN" lines, quoted or not. */
static void
token_scan_ref_lines(GPtrArray *out, const char *text)
{
	const char *p = text;

	while ((p = strstr(p, "Ref:")) != NULL) {
		const char *q = p + 4;

		while (*q == ' ' || *q == '\t')
			q++;
		if (token_valid_n(q, TOKEN_LEN) && !token_char(
		    g_ascii_tolower(q[TOKEN_LEN])))
			token_add(out, q, TOKEN_FROM_REF_LINE);
		p += 4;
	}
}

/*
 * Our Message-IDs ("consultd.KIND.TOKEN.") quoted in text: a delivery
 * report returns the original's header, which names the token.
 */
static void
token_scan_our_ids(GPtrArray *out, const char *text, size_t len)
{
	static const char prefix[] = "consultd.";
	const char *end = text + len;
	const char *p = text;

	while ((p = memmem(p, (size_t)(end - p), prefix,
	    sizeof(prefix) - 1)) != NULL) {
		const char *kind = p + sizeof(prefix) - 1;
		const char *dot = memchr(kind, '.', (size_t)(end - kind));

		p = kind;
		if (!dot || dot - kind > 20 || end - dot < TOKEN_LEN + 2)
			continue;
		if (token_valid_n(dot + 1, TOKEN_LEN) && dot[TOKEN_LEN + 1] ==
		    '.')
			token_add(out, dot + 1, TOKEN_FROM_REFERENCE);
	}
}

/*
 * "Message-Id: <consultd.invitation.TOKEN...>" lines in text: a plain
 * delivery report (qmail, Exim) copies the original's header into its
 * body.
 */
static void
token_scan_message_id_lines(GPtrArray *out, const char *text)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		while (len > 0 && (*line == ' ' || *line == '>')) {
			line++;
			len--;
		}
		if (len > 11 && g_ascii_strncasecmp(line, "message-id:", 11) == 0)
			token_scan_our_ids(out, line, len);
		line = end ? end + 1 : NULL;
	}
}

/* Parts a bounce returns the original in: headers or whole message. */
static bool
token_returned_original(const struct message_attachment *a)
{
	return a->content_type && a->data &&
	    (g_str_has_prefix(a->content_type, "message/") ||
	    strcmp(a->content_type, "text/rfc822-headers") == 0);
}

GPtrArray *
token_candidates(const struct message *msg)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	size_t i;

	for (i = 0; i < msg->recipients->len; i++) {
		const char *addr = msg->recipients->pdata[i];
		const char *plus = strchr(addr, '+');

		if (plus)
			token_scan_parts(out, plus + 1, "+",
			    TOKEN_FROM_ADDRESS);
	}
	if (msg->in_reply_to)
		token_scan_parts(out, msg->in_reply_to, ".",
		    TOKEN_FROM_REFERENCE);
	for (i = msg->references->len; i > 0; i--)
		token_scan_parts(out, msg->references->pdata[i - 1], ".",
		    TOKEN_FROM_REFERENCE);
	token_scan_ref_lines(out, msg->text);
	for (i = 0; i < msg->attachments->len; i++) {
		const struct message_attachment *a = msg->attachments->pdata[i];

		if (token_returned_original(a))
			token_scan_our_ids(out, (const char *)a->data,
			    a->size);
	}
	/* Nothing else names it: the original's header copied as text. */
	if (out->len == 0 && msg->text)
		token_scan_message_id_lines(out, msg->text);
	return out;
}

const char *
token_source_name(enum token_source source)
{
	switch (source) {
	case TOKEN_FROM_ADDRESS:
		return "address";
	case TOKEN_FROM_REFERENCE:
		return "reference";
	case TOKEN_FROM_REF_LINE:
		return "ref_line";
	}
	return "unknown";
}

char *
token_message_id(const char *kind, const char *token, const char *domain)
{
	guint32 rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = g_random_int();
	return g_strdup_printf("consultd.%s.%s.%08x@%s", kind, token, rnd,
	    domain);
}

bool
token_message_id_is(const char *id, const char *kind)
{
	size_t n = strlen(kind);

	if (!id)
		return false;
	if (*id == '<')
		id++;
	return g_str_has_prefix(id, "consultd.") &&
	    strncmp(id + 9, kind, n) == 0 && id[9 + n] == '.';
}

char *
token_reply_address(const char *reply_address, const char *token)
{
	const char *at = strchr(reply_address, '@');

	if (!at)
		return NULL;
	return g_strdup_printf("%.*s+%s%s", (int)(at - reply_address),
	    reply_address, token, at);
}
