/* SPDX-License-Identifier: MIT */
/*
 * Builds outgoing messages with GMime (LIBRARY-NOTES G9, G10) and hands
 * them over as bytes; no GMime type leaves this file.  Everything a
 * participant could have typed is cleaned before GMime sees it, and the
 * result is checked to be 7-bit CRLF text, since curl sends it verbatim
 * (LIBRARY-NOTES S3, S8).
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

static void
compose_set_ids(GMimeMessage *msg, const char *header, const char *ids)
{
	g_autofree char *value = NULL;

	if (ids)
		value = compose_id_list(ids);
	if (value)
		g_mime_object_set_header(GMIME_OBJECT(msg), header, value,
		    NULL);
}

/*
 * A header whose value is a URL: GMime would RFC 2047-encode a "word"
 * longer than a line (a mailto: with a token is), which no client reads
 * as a URL any more (RFC 2369 section 2).  value is plain ASCII, checked.
 */
static void
compose_set_raw_header(GMimeMessage *msg, const char *name,
    const char *value)
{
	GMimeHeaderList *headers;
	GMimeHeader *header;
	g_autofree char *raw = g_strdup_printf(" %s\n", value);

	g_mime_object_set_header(GMIME_OBJECT(msg), name, value, NULL);
	headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	header = g_mime_header_list_get_header(headers, name);
	if (header)
		g_mime_header_set_raw_value(header, raw);
}

static void
compose_add_mailbox(GMimeMessage *msg, GMimeAddressType type,
    const char *name, const char *addr)
{
	g_autofree char *clean = name ? compose_clean(name) : NULL;
	InternetAddress *ia;

	ia = internet_address_mailbox_new(clean && *clean ? clean : NULL,
	    addr);
	/* Else GMime picks e.g. iso-8859-6 for Arabic: SPEC 10 says UTF-8. */
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(msg, type), ia);
	g_object_unref(ia);
}

/*
 * A UTF-8 text part, quoted-printable unless plain short ASCII lines.
 * g_mime_text_part_set_text() would relabel Latin-1-only text as
 * iso-8859-1, and the 7-bit constraint alone picks base64 for mostly
 * non-Latin text; SPEC 10 asks for UTF-8 and quoted-printable.
 */
static GMimeObject *
compose_text_part(const char *subtype, const char *text)
{
	GMimeTextPart *part;
	GMimeStream *stream;
	GMimeDataWrapper *content;
	GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	GString *lf;
	const char *p;

	lf = g_string_sized_new(strlen(text));
	for (p = text; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			continue;
		g_string_append_c(lf, *p == '\r' ? '\n' : *p);
	}
	part = g_mime_text_part_new_with_subtype(subtype);
	stream = g_mime_stream_mem_new_with_buffer(lf->str, lf->len);
	content = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(GMIME_PART(part), content);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_object_encode(GMIME_OBJECT(part),
	    GMIME_ENCODING_CONSTRAINT_7BIT);
	switch (g_mime_part_get_content_encoding(GMIME_PART(part))) {
	case GMIME_CONTENT_ENCODING_DEFAULT:	/* short 7-bit lines */
	case GMIME_CONTENT_ENCODING_7BIT:
		encoding = GMIME_CONTENT_ENCODING_7BIT;
		break;
	case GMIME_CONTENT_ENCODING_8BIT:
	case GMIME_CONTENT_ENCODING_BINARY:
	case GMIME_CONTENT_ENCODING_BASE64:
	case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
	case GMIME_CONTENT_ENCODING_UUENCODE:
		encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
		break;
	}
	g_mime_part_set_content_encoding(GMIME_PART(part), encoding);
	g_object_unref(content);
	g_object_unref(stream);
	g_string_free(lf, TRUE);
	return GMIME_OBJECT(part);
}

/* RFC 2231 in UTF-8, where GMime would pick iso-8859-1 when it can. */
static void
compose_utf8_param(GMimeParamList *params, const char *name)
{
	GMimeParam *param = g_mime_param_list_get_parameter(params, name);

	if (param)
		g_mime_param_set_charset(param, "utf-8");
}

static GMimeObject *
compose_attachment(const struct compose_mail *mail)
{
	g_autofree char *type = g_ascii_strdown(mail->attachment_type, -1);
	g_autofree char *name = compose_clean(mail->attachment_name);
	char *slash = strchr(type, '/');
	GMimePart *part;
	GMimeStream *stream;
	GMimeDataWrapper *content;
	char *p;

	/* A name is a name, not a path into the reader's file system. */
	for (p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			*p = '_';
	*slash = '\0';
	part = g_mime_part_new_with_type(type, slash + 1);
	g_mime_part_set_filename(part, *name ? name : "attachment");
	compose_utf8_param(g_mime_content_type_get_parameters(
	    g_mime_object_get_content_type(GMIME_OBJECT(part))), "name");
	compose_utf8_param(g_mime_content_disposition_get_parameters(
	    g_mime_object_get_content_disposition(GMIME_OBJECT(part))),
	    "filename");
	if (mail->attachment_len > 0)
		stream = g_mime_stream_mem_new_with_buffer(
		    (const char *)mail->attachment, mail->attachment_len);
	else
		stream = g_mime_stream_mem_new();
	content = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, content);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_object_unref(content);
	g_object_unref(stream);
	return GMIME_OBJECT(part);
}

static GMimeObject *
compose_body(const struct compose_mail *mail)
{
	GMimeObject *text, *top;
	GMimeMultipart *multi;

	top = text = compose_text_part("plain", mail->body);
	if (mail->html_body) {
		multi = g_mime_multipart_new_with_subtype("alternative");
		g_mime_multipart_add(multi, text);
		g_object_unref(text);
		text = compose_text_part("html", mail->html_body);
		g_mime_multipart_add(multi, text);
		g_object_unref(text);
		top = GMIME_OBJECT(multi);
	}
	if (mail->attachment_name) {
		GMimeObject *att = compose_attachment(mail);

		multi = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(multi, top);
		g_object_unref(top);
		g_mime_multipart_add(multi, att);
		g_object_unref(att);
		top = GMIME_OBJECT(multi);
	}
	return top;
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
	else if (mail->date <= 0)
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

static char *
compose_serialize(GMimeMessage *msg, size_t *len_out, GError **err)
{
	GMimeFormatOptions *options;
	GMimeStream *stream;
	GByteArray *bytes;
	char *result = NULL;

	options = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(options,
	    GMIME_NEWLINE_FORMAT_DOS);
	stream = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), options,
	    stream) < 0) {
		g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
		    "cannot serialise message");
		goto out;
	}
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	if (!compose_output_valid(bytes->data, bytes->len)) {
		g_set_error(err, CONSULTD_ERROR, EX_SOFTWARE,
		    "composed message is not 7-bit CRLF text with lines "
		    "under %d octets", COMPOSE_MAX_LINE);
		goto out;
	}
	result = g_malloc(bytes->len + 1);
	memcpy(result, bytes->data, bytes->len);
	result[bytes->len] = '\0';
	*len_out = bytes->len;
out:
	g_object_unref(stream);
	g_mime_format_options_free(options);
	return result;
}

char *
compose_message(const struct compose_mail *mail, size_t *len_out,
    GError **err)
{
	GMimeMessage *msg = NULL;
	GMimeObject *body = NULL;
	GDateTime *date = NULL;
	char *subject = NULL, *unsubscribe = NULL;
	char *result = NULL;

	assert(mail);
	assert(len_out);
	if (!compose_check_fields(mail, err))
		goto out;
	if (mail->list_unsubscribe) {
		unsubscribe = compose_list_unsubscribe(mail->list_unsubscribe);
		if (!unsubscribe) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "cannot compose message '%s': invalid "
			    "List-Unsubscribe address", mail->message_id);
			goto out;
		}
	}

	msg = g_mime_message_new(TRUE);
	compose_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, mail->from_name,
	    mail->from_addr);
	if (mail->reply_to)
		compose_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, NULL,
		    mail->reply_to);
	compose_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, mail->to_name,
	    mail->to_addr);
	subject = compose_clean(mail->subject);
	g_mime_message_set_subject(msg, subject, "utf-8");
	date = g_date_time_new_from_unix_utc(mail->date);
	g_mime_message_set_date(msg, date);
	g_mime_message_set_message_id(msg, mail->message_id);
	compose_set_ids(msg, "In-Reply-To", mail->in_reply_to);
	compose_set_ids(msg, "References", mail->references);
	if (mail->auto_submitted)
		g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
		    mail->auto_replied ? "auto-replied" : "auto-generated",
		    NULL);
	if (unsubscribe)
		compose_set_raw_header(msg, "List-Unsubscribe", unsubscribe);
	body = compose_body(mail);
	g_mime_message_set_mime_part(msg, body);

	result = compose_serialize(msg, len_out, err);
out:
	if (date)
		g_date_time_unref(date);
	if (body)
		g_object_unref(body);
	if (msg)
		g_object_unref(msg);
	g_free(subject);
	g_free(unsubscribe);
	return result;
}
