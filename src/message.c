/* SPDX-License-Identifier: MIT */
/*
 * struct message lifecycle and the content hash that files every message
 * exactly once.  The hash skips the trace fields a delivery adds and
 * ignores the line-end convention, so one message fetched twice or from two
 * folders hashes alike; parsing the message is mime's business.
 */
#include "message.h"

#include <string.h>

#include "banned.h"

/* Trace fields (RFC 5321 section 4.4 and what local delivery adds). */
static const char *const message_trace_fields[] = {
	"Received", "Return-Path", "Delivered-To", "X-Original-To", "Status",
	"X-Status", "X-Keywords", "X-UID", "Content-Length", "Lines", NULL,
};

static void
message_attachment_free(gpointer p)
{
	struct message_attachment *a = p;

	if (!a)
		return;
	g_free(a->filename);
	g_free(a->content_type);
	g_free(a->data);
	g_free(a);
}

struct message *
message_new(void)
{
	struct message *msg = g_new0(struct message, 1);

	msg->references = g_ptr_array_new_with_free_func(g_free);
	msg->recipients = g_ptr_array_new_with_free_func(g_free);
	msg->attachments =
	    g_ptr_array_new_with_free_func(message_attachment_free);
	msg->warnings = g_ptr_array_new_with_free_func(g_free);
	msg->auth_results = g_ptr_array_new_with_free_func(g_free);
	msg->text = g_strdup("");
	return msg;
}

void
message_free(struct message *msg)
{
	if (!msg)
		return;
	g_free(msg->message_id);
	g_free(msg->from_addr);
	g_free(msg->from_name);
	g_free(msg->subject);
	g_free(msg->in_reply_to);
	g_ptr_array_unref(msg->references);
	g_ptr_array_unref(msg->recipients);
	g_free(msg->return_path);
	g_free(msg->auto_submitted);
	g_free(msg->precedence);
	g_free(msg->content_type);
	g_free(msg->text);
	g_free(msg->dsn_recipient);
	g_free(msg->dsn_status);
	g_free(msg->dsn_action);
	g_ptr_array_unref(msg->attachments);
	g_ptr_array_unref(msg->warnings);
	g_ptr_array_unref(msg->auth_results);
	g_free(msg);
}

/* Is the header line starting at line (length len) a trace field? */
static bool
message_is_trace_field(const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	size_t n;
	size_t i;

	if (!colon)
		return false;
	n = (size_t)(colon - line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n >= 11 && g_ascii_strncasecmp(line, "X-Delivery-", 11) == 0)
		return true;
	for (i = 0; message_trace_fields[i]; i++) {
		const char *f = message_trace_fields[i];

		if (strlen(f) == n && g_ascii_strncasecmp(line, f, n) == 0)
			return true;
	}
	return false;
}

/* Feeds one line (without its end) plus LF, whatever its end was. */
static void
message_hash_line(GChecksum *sum, const char *line, size_t len, bool eol)
{
	if (len > 0)
		g_checksum_update(sum, (const guchar *)line, (gssize)len);
	if (eol)
		g_checksum_update(sum, (const guchar *)"\n", 1);
}

char *
message_content_hash(const char *raw, size_t len)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	const char *p = raw;
	const char *end = raw + len;
	bool in_header = true;
	bool skipping = false;
	char *hex;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (in_header && n == 0) {
			in_header = false;
			skipping = false;
		} else if (in_header && (p[0] == ' ' || p[0] == '\t')) {
			/* A folded continuation belongs to the field above. */
			if (skipping) {
				p = next;
				continue;
			}
		} else if (in_header) {
			skipping = message_is_trace_field(p, n);
			if (skipping) {
				p = next;
				continue;
			}
		}
		message_hash_line(sum, p, n, nl != NULL);
		p = next;
	}
	hex = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	return hex;
}
