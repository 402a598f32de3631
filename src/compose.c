/* SPDX-License-Identifier: MIT */
/*
 * Writes outgoing messages as bytes.  GMime does the parts that need
 * knowledge (LIBRARY-NOTES G9, G10): RFC 2047 words for names and
 * subjects, IDN domains, folding, RFC 2231 parameters, quoted-printable
 * and base64.  The rest, a dozen header lines and the MIME frame, is
 * written here directly: building a GMimeMessage to serialize it cost
 * three times as much, a sixth of all the CPU of filing a reply, whose
 * receipt is composed as it is filed.  Everything a participant could
 * have typed is cleaned first, and the result is checked to be 7-bit
 * CRLF text, since curl sends it verbatim (LIBRARY-NOTES S3, S8).
 */
#include "compose.h"

#include <assert.h>
#include <string.h>

#include <gmime/gmime.h>

#include "addr.h"
#include "consultd.h"

#include "banned.h"

/* RFC 5322 section 2.1.1, without the CRLF. */
#define COMPOSE_MAX_LINE 998
/* 9999-12-31T23:59:59Z: a later date has no RFC 5322 form. */
#define COMPOSE_MAX_DATE INT64_C(253402300799)
/* Longest msg-id we write; a folded References line stays under 998. */
#define COMPOSE_MAX_ID_LEN 900

/*
 * A header value or display name as GMime may see it: valid UTF-8, line
 * breaks and tabs turned into spaces, other controls (C0, DEL, C1)
 * dropped, white space runs collapsed, trimmed.  GMime would encode a CR
 * or LF inside an encoded word (=0D=0A): no injection, but a confusing
 * display, and a raw value would break the header.
 */
static char *
compose_clean(const char *s)
{
	g_autofree char *valid = NULL;
	GString *out;
	const char *p;
	bool space = false;

	/* Printable ASCII words, single spaces between: nothing to do. */
	for (p = s; (*p > ' ' && *p < 0x7f) ||
	    (*p == ' ' && p > s && p[1] > ' ' && p[1] < 0x7f); p++)
		;
	if (!*p)
		return g_strdup(s);
	valid = g_utf8_make_valid(s, -1);
	out = g_string_sized_new(strlen(valid));
	for (p = valid; *p; p += g_utf8_skip[(unsigned char)*p]) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\t' || c == '\r' || c == '\n' || c == ' ' ||
		    c == 0x85 || c == 0x2028 || c == 0x2029) {
			space = true;
			continue;
		}
		if (g_unichar_type(c) == G_UNICODE_CONTROL)
			continue;
		if (space && out->len > 0)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

static bool
compose_is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool
compose_dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
		if (s[i] != '.' && !compose_is_atext((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Our own ids: RFC 5322 section 3.6.4 dot-atom-text "@" dot-atom-text. */
static bool
compose_message_id_valid(const char *id)
{
	const char *at = strchr(id, '@');
	size_t len = strlen(id);

	if (!at || len > COMPOSE_MAX_ID_LEN)
		return false;
	return compose_dot_atom(id, (size_t)(at - id)) &&
	    compose_dot_atom(at + 1, len - (size_t)(at - id) - 1);
}

/* Ids we only cite: anything printable that cannot break out of "<>". */
static bool
compose_cited_id_valid(const char *id, size_t len)
{
	size_t i;

	if (len == 0 || len > COMPOSE_MAX_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c < 0x21 || c > 0x7e || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* "<a> <b>" from space-separated ids, invalid ones left out; or NULL. */
static char *
compose_id_list(const char *ids)
{
	GString *out = g_string_new(NULL);
	const char *p = ids, *end;

	for (;;) {
		while (*p && g_ascii_isspace(*p))
			p++;
		if (!*p)
			break;
		for (end = p; *end && !g_ascii_isspace(*end); end++)
			;
		if (compose_cited_id_valid(p, (size_t)(end - p)))
			g_string_append_printf(out, "%s<%.*s>",
			    out->len ? " " : "", (int)(end - p), p);
		p = end;
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* "<mailto:addr[?query]>" or NULL when unusable. */
static char *
compose_list_unsubscribe(const char *value)
{
	g_autofree char *addr = NULL;
	const char *query;
	size_t i;

	if (g_ascii_strncasecmp(value, "mailto:", 7) == 0)
		value += 7;
	query = strchr(value, '?');
	addr = query ? g_strndup(value, (gsize)(query - value))
	    : g_strdup(value);
	if (!addr_valid(addr))
		return NULL;
	if (query && !compose_cited_id_valid(query, strlen(query)))
		return NULL;
	for (i = 0; query && query[i]; i++)
		if (query[i] == '"' || query[i] == '\\')
			return NULL;
	return g_strdup_printf("<mailto:%s%s>", addr, query ? query : "");
}

/* RFC 2045 section 5.1 token. */
static bool
compose_mime_token(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c > 0x7e || strchr("()<>@,;:\\\"/[]?=", c))
			return false;
	}
	return true;
}

static bool
compose_mime_type_valid(const char *type)
{
	const char *slash = strchr(type, '/');

	return slash && compose_mime_token(type, (size_t)(slash - type)) &&
	    compose_mime_token(slash + 1, strlen(slash + 1));
}

/* Appends len bytes of s, whose lines end in LF, with CRLF line ends. */
static void
compose_append_crlf(GString *out, const char *s, size_t len)
{
	const char *end = s + len;
	const char *nl;

	while (s < end && (nl = memchr(s, '\n', (size_t)(end - s)))) {
		g_string_append_len(out, s, nl - s);
		g_string_append_len(out, "\r\n", 2);
		s = nl + 1;
	}
	g_string_append_len(out, s, end - s);
}

/*
 * "Name: value" for a value of ASCII tokens (ids, a URL): folded at its
 * spaces once a line would pass 78 columns, never inside a token.
 */
static void
compose_header(GString *out, const char *name, const char *value)
{
	size_t column = strlen(name) + 2;
	const char *p = value;

	g_string_append_printf(out, "%s:", name);
	while (*p) {
		const char *space = strchr(p, ' ');
		size_t n = space ? (size_t)(space - p) : strlen(p);

		if (p != value && column + 1 + n > 78) {
			g_string_append_len(out, "\r\n", 2);
			column = 0;
		}
		g_string_append_c(out, ' ');
		g_string_append_len(out, p, (gssize)n);
		column += 1 + n;
		p += n;
		while (*p == ' ')
			p++;
	}
	g_string_append_len(out, "\r\n", 2);
}

/*
 * How GMime would write a plain mailbox, a name of letters, digits,
 * single spaces and "-'_+" and a dot-atom address in ASCII: 1 for
 * "name <addr>" on one line (under 78 columns), 2 for the name on the
 * header line and the address folded onto the next (the name fits in 78),
 * 0 when it is not plain and GMime must write it.  Most participants' and
 * consultations' are plain; GMime's path, with its IDN lookup, cost a
 * sixth of composing a receipt.
 */
static int
compose_address_plain_lines(const char *header, const char *name,
    const char *addr)
{
	const char *p;
	const char *at = strchr(addr, '@');
	size_t head = strlen(header) + 2 + strlen(name);
	size_t addr_len = strlen(addr);

	/* One '@' with something on each side (addr_valid() said so too). */
	if (!at || at == addr || !at[1] || at != strrchr(addr, '@') ||
	    addr[addr_len - 1] == '.')
		return 0;
	for (p = name; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr(" -'_+", *p))
			return 0;
	for (p = addr; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr(".-_+@", *p))
			return 0;
	if (addr[0] == '.' || strstr(addr, "..") || strstr(addr, ".@") ||
	    strstr(addr, "@."))
		return 0;
	if (!*name)
		return head + addr_len < 78 ? 1 : 0;
	if (head + 3 + addr_len < 78)
		return 1;
	return head <= 78 && addr_len + 3 < 78 ? 2 : 0;
}

/*
 * An address header: GMime encodes the display name (RFC 2047 words in
 * UTF-8, else it picks e.g. iso-8859-6 for Arabic: SPEC 10 says UTF-8),
 * turns an IDN domain into A-labels and folds between the words.
 */
static void
compose_address(GString *out, const char *header, const char *name,
    const char *addr)
{
	g_autofree char *clean = name ? compose_clean(name) : NULL;
	InternetAddressList *list;
	InternetAddress *ia;
	GString *line;

	switch (compose_address_plain_lines(header, clean ? clean : "",
	    addr)) {
	case 1:
		if (clean && *clean)
			g_string_append_printf(out, "%s: %s <%s>\r\n", header,
			    clean, addr);
		else
			g_string_append_printf(out, "%s: %s\r\n", header, addr);
		return;
	case 2:
		g_string_append_printf(out, "%s: %s\r\n\t<%s>\r\n", header,
		    clean, addr);
		return;
	default:
		break;
	}
	list = internet_address_list_new();
	line = g_string_new(header);
	ia = internet_address_mailbox_new(clean && *clean ? clean : NULL,
	    addr);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(list, ia);
	g_string_append(line, ": ");
	internet_address_list_encode(list, NULL, line);
	compose_append_crlf(out, line->str, line->len);
	if (!g_str_has_suffix(line->str, "\n"))
		g_string_append_len(out, "\r\n", 2);
	g_string_free(line, TRUE);
	g_object_unref(ia);
	g_object_unref(list);
}

/* Subject: RFC 2047 words in UTF-8 where needed, folded at spaces. */
static void
compose_subject(GString *out, const char *subject)
{
	g_autofree char *clean = compose_clean(subject);
	g_autofree char *encoded = NULL;
	g_autofree char *line = NULL;
	g_autofree char *folded = NULL;

	encoded = g_mime_utils_header_encode_text(NULL, clean, "utf-8");
	line = g_strdup_printf("Subject: %s", encoded ? encoded : "");
	folded = g_mime_utils_unstructured_header_fold(NULL, NULL, line);
	compose_append_crlf(out, folded, strlen(folded));
	if (!g_str_has_suffix(folded, "\n"))
		g_string_append_len(out, "\r\n", 2);
}

/*
 * With LF line ends only (CRLF and a lone CR become LF), and one at the
 * end: the message ends with a line end, as SMTP needs.
 */
static GString *
compose_lf_text(const char *text)
{
	size_t len = strlen(text);
	GString *lf = g_string_sized_new(len + 1);
	const char *p = text;

	if (!memchr(text, '\r', len)) {
		g_string_append_len(lf, text, (gssize)len);
		p += len;
	}
	for (; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			continue;
		g_string_append_c(lf, *p == '\r' ? '\n' : *p);
	}
	if (lf->len > 0 && lf->str[lf->len - 1] != '\n')
		g_string_append_c(lf, '\n');
	return lf;
}

/*
 * Short 7-bit lines: sendable as they are.  A "=" sends the text as
 * quoted-printable too, as GMime chose: "=3D" cannot be misread by a
 * client that guesses an encoding.
 */
static bool
compose_is_7bit(const GString *lf)
{
	size_t i, line = 0;

	for (i = 0; i < lf->len; i++) {
		unsigned char c = (unsigned char)lf->str[i];

		if (c == '\n')
			line = 0;
		else if (c == 0 || c >= 0x80 || c == '=' ||
		    ++line > COMPOSE_MAX_LINE)
			return false;
	}
	return true;
}

/*
 * A UTF-8 text part: 7bit when it can be, else quoted-printable, which
 * SPEC 10 asks for (base64 would be shorter for non-Latin text, but no
 * reader could check it by eye).  Inside a multipart (always_qp) the
 * boundaries start with "=-", which quoted-printable never writes.
 */
static void
compose_text_part(GString *out, const char *subtype, const char *text,
    bool always_qp)
{
	GString *lf = compose_lf_text(text);
	unsigned char *qp;
	size_t n;
	int state = -1;
	guint32 save = 0;

	g_string_append_printf(out, "Content-Type: text/%s; charset=utf-8\r\n",
	    subtype);
	if (!always_qp && compose_is_7bit(lf)) {
		g_string_append(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		compose_append_crlf(out, lf->str, lf->len);
		g_string_free(lf, TRUE);
		return;
	}
	g_string_append(out,
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	qp = g_malloc(GMIME_QP_ENCODE_LEN(lf->len) + 4);
	n = g_mime_encoding_quoted_encode_close((const unsigned char *)lf->str,
	    lf->len, qp, &state, &save);
	compose_append_crlf(out, (const char *)qp, n);
	g_free(qp);
	g_string_free(lf, TRUE);
}

/* "Header: value" plus one parameter, RFC 2231 in UTF-8 when needed. */
static void
compose_param_header(GString *out, const char *header, const char *param,
    const char *value)
{
	GMimeParamList *params = g_mime_param_list_new();
	GString *line = g_string_new(header);

	g_mime_param_list_set_parameter(params, param, value);
	/* GMime would pick iso-8859-1 when it can. */
	g_mime_param_set_charset(g_mime_param_list_get_parameter(params,
	    param), "utf-8");
	g_mime_param_list_encode(params, NULL, TRUE, line);
	compose_append_crlf(out, line->str, line->len);
	if (!g_str_has_suffix(line->str, "\n"))
		g_string_append_len(out, "\r\n", 2);
	g_string_free(line, TRUE);
	g_object_unref(params);
}

static void
compose_attachment(GString *out, const struct compose_mail *mail)
{
	g_autofree char *type = g_ascii_strdown(mail->attachment_type, -1);
	g_autofree char *name = compose_clean(mail->attachment_name);
	g_autofree char *content_type = g_strdup_printf("Content-Type: %s",
	    type);
	unsigned char *b64;
	size_t n;
	int state = 0;
	guint32 save = 0;
	char *p;

	/* A name is a name, not a path into the reader's file system. */
	for (p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			*p = '_';
	compose_param_header(out, content_type, "name",
	    *name ? name : "attachment");
	compose_param_header(out, "Content-Disposition: attachment",
	    "filename", *name ? name : "attachment");
	g_string_append(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	b64 = g_malloc(GMIME_BASE64_ENCODE_LEN(mail->attachment_len) + 4);
	n = g_mime_encoding_base64_encode_close(mail->attachment,
	    mail->attachment_len, b64, &state, &save);
	compose_append_crlf(out, (const char *)b64, n);
	g_free(b64);
}

/*
 * The boundaries: "=-" cannot start a line of quoted-printable or
 * base64, so no part can hold one; the message id makes them differ
 * between messages, the kind between the two levels.
 */
static char *
compose_boundary(const struct compose_mail *mail, const char *kind)
{
	return g_strdup_printf("=-consultd-%s-%08x", kind,
	    g_str_hash(mail->message_id));
}

static void
compose_body(GString *out, const struct compose_mail *mail)
{
	g_autofree char *mixed = NULL;
	g_autofree char *alternative = NULL;
	bool multi = mail->html_body || mail->attachment_name;

	if (mail->attachment_name) {
		mixed = compose_boundary(mail, "mixed");
		g_string_append_printf(out, "Content-Type: multipart/mixed; "
		    "boundary=\"%s\"\r\n\r\n--%s\r\n", mixed, mixed);
	}
	if (mail->html_body) {
		alternative = compose_boundary(mail, "alternative");
		g_string_append_printf(out, "Content-Type: "
		    "multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n",
		    alternative, alternative);
	}
	compose_text_part(out, "plain", mail->body, multi);
	if (alternative) {
		g_string_append_printf(out, "\r\n--%s\r\n", alternative);
		compose_text_part(out, "html", mail->html_body, true);
		g_string_append_printf(out, "\r\n--%s--\r\n", alternative);
	}
	if (mixed) {
		g_string_append_printf(out, "\r\n--%s\r\n", mixed);
		compose_attachment(out, mail);
		g_string_append_printf(out, "\r\n--%s--\r\n", mixed);
	}
}

static bool
compose_check_fields(const struct compose_mail *mail, GError **err)
{
	const char *bad = NULL;

	if (!mail->from_addr || !addr_valid(mail->from_addr))
		bad = "From address";
	else if (!mail->to_addr || !addr_valid(mail->to_addr))
		bad = "To address";
	else if (mail->reply_to && !addr_valid(mail->reply_to))
		bad = "Reply-To address";
	else if (!mail->subject)
		bad = "subject";
	else if (!mail->body || !g_utf8_validate(mail->body, -1, NULL))
		bad = "body (missing or not UTF-8)";
	else if (mail->html_body && !g_utf8_validate(mail->html_body, -1,
	    NULL))
		bad = "HTML body (not UTF-8)";
	else if (!mail->message_id ||
	    !compose_message_id_valid(mail->message_id))
		bad = "Message-ID";
	else if (mail->date <= 0 || mail->date > COMPOSE_MAX_DATE)
		bad = "date";
	else if (mail->attachment_name && (!mail->attachment_type ||
	    !compose_mime_type_valid(mail->attachment_type)))
		bad = "attachment type";
	else if (mail->attachment_name && !mail->attachment &&
	    mail->attachment_len > 0)
		bad = "attachment content";
	if (!bad)
		return true;
	/* Addresses are participant data: name the field, not the value. */
	if (mail->message_id && compose_message_id_valid(mail->message_id))
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "cannot compose message '%s': missing or invalid %s",
		    mail->message_id, bad);
	else
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "cannot compose message: missing or invalid %s", bad);
	return false;
}

/* What SMTP without 8BITMIME and curl's dot-stuffing expect (S3, S8). */
static bool
compose_output_valid(const unsigned char *buf, size_t len)
{
	size_t i, line = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == 0 || buf[i] >= 0x80)
			return false;
		if (buf[i] == '\r') {
			if (i + 1 >= len || buf[i + 1] != '\n')
				return false;
			i++;
			line = 0;
			continue;
		}
		if (buf[i] == '\n' || ++line > COMPOSE_MAX_LINE)
			return false;
	}
	return len >= 2 && buf[len - 1] == '\n';
}

/* Headers in the order compose.h gives, then the body. */
static void
compose_write(GString *out, const struct compose_mail *mail,
    const char *unsubscribe)
{
	g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc(mail->date);
	g_autofree char *date_text = g_mime_utils_header_format_date(date);
	g_autofree char *in_reply_to = NULL;
	g_autofree char *references = NULL;

	g_string_append_printf(out, "Date: %s\r\n", date_text);
	compose_address(out, "From", mail->from_name, mail->from_addr);
	if (mail->reply_to)
		compose_address(out, "Reply-To", NULL, mail->reply_to);
	compose_address(out, "To", mail->to_name, mail->to_addr);
	compose_subject(out, mail->subject);
	g_string_append_printf(out, "Message-Id: <%s>\r\n", mail->message_id);
	if (mail->in_reply_to)
		in_reply_to = compose_id_list(mail->in_reply_to);
	if (in_reply_to)
		compose_header(out, "In-Reply-To", in_reply_to);
	if (mail->references)
		references = compose_id_list(mail->references);
	if (references)
		compose_header(out, "References", references);
	if (mail->auto_submitted)
		g_string_append_printf(out, "Auto-Submitted: %s\r\n",
		    mail->auto_replied ? "auto-replied" : "auto-generated");
	/* A URL stays whole on its line (RFC 2369 section 2). */
	if (unsubscribe)
		g_string_append_printf(out, "List-Unsubscribe: %s\r\n",
		    unsubscribe);
	g_string_append(out, "MIME-Version: 1.0\r\n");
	compose_body(out, mail);
}

char *
compose_message(const struct compose_mail *mail, size_t *len_out,
    GError **err)
{
	g_autofree char *unsubscribe = NULL;
	GString *out;

	assert(mail);
	assert(len_out);
	if (!compose_check_fields(mail, err))
		return NULL;
	if (mail->list_unsubscribe) {
		unsubscribe = compose_list_unsubscribe(mail->list_unsubscribe);
		if (!unsubscribe) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "cannot compose message '%s': invalid "
			    "List-Unsubscribe address", mail->message_id);
			return NULL;
		}
	}
	out = g_string_sized_new(1024 + strlen(mail->body) * 3 / 2);
	compose_write(out, mail, unsubscribe);
	if (!compose_output_valid((const unsigned char *)out->str, out->len)) {
		g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
		    "composed message is not 7-bit CRLF text with lines "
		    "under %d octets", COMPOSE_MAX_LINE);
		g_string_free(out, TRUE);
		return NULL;
	}
	*len_out = out->len;
	return g_string_free(out, FALSE);
}
