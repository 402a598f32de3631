/* SPDX-License-Identifier: MIT */
/*
 * struct message lifecycle and the content hash that files every message
 * exactly once.  The hash skips the trace fields a delivery adds and
 * ignores the line-end convention, so one message fetched twice or from two
 * folders hashes alike; parsing the message is mime's business.
 */
#include "message.h"

#include <string.h>

#include <openssl/evp.h>

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

/*
 * libcrypto's SHA-256, looked up once: OpenSSL 3 would look it up in its
 * providers at every digest otherwise.
 */
static const EVP_MD *
message_sha256(void)
{
	static gsize md;

	if (g_once_init_enter(&md)) {
		EVP_MD *found = EVP_MD_fetch(NULL, "SHA256", NULL);

		/* Only a broken libcrypto installation fails: file nothing. */
		if (!found)
			g_error("libcrypto has no SHA-256; check the OpenSSL "
			    "installation (libssl3)");
		g_once_init_leave(&md, (gsize)found);
	}
	return (const EVP_MD *)md;
}

/* Hashes [from, to): the bytes between two that the hash leaves out. */
static void
message_hash_span(EVP_MD_CTX *ctx, const char *from, const char *to)
{
	if (to > from)
		EVP_DigestUpdate(ctx, from, (size_t)(to - from));
}

/*
 * Lines are hashed with an LF end, whatever their end was, and whole runs
 * of them at once: libcrypto's SHA-256 uses the CPU's SHA instructions,
 * five times as fast as GChecksum's (20 us a reply), and a call per line
 * would give much of that back.
 */
char *
message_content_hash(const char *raw, size_t len)
{
	static const char hexdigits[] = "0123456789abcdef";
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const char *p = raw;
	const char *end = raw + len;
	const char *span = raw;
	bool in_header = true;
	bool skipping = false;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;
	char *hex;

	if (!ctx || !EVP_DigestInit_ex(ctx, message_sha256(), NULL))
		g_error("libcrypto cannot start a SHA-256 digest");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - p);
		bool skip = false;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (in_header && n == 0) {
			in_header = false;
			skipping = false;
		} else if (in_header && (p[0] == ' ' || p[0] == '\t')) {
			/* A folded continuation belongs to the field above. */
			skip = skipping;
		} else if (in_header) {
			skipping = message_is_trace_field(p, n);
			skip = skipping;
		}
		if (skip) {
			message_hash_span(ctx, span, p);
			span = next;
		} else if (p + n < (nl ? nl : end)) {
			/* Leave the CR out; the LF starts the next span. */
			message_hash_span(ctx, span, p + n);
			span = nl ? nl : end;
		}
		p = next;
	}
	message_hash_span(ctx, span, end);
	if (!EVP_DigestFinal_ex(ctx, md, &md_len))
		g_error("libcrypto cannot finish a SHA-256 digest");
	EVP_MD_CTX_free(ctx);
	hex = g_malloc(2 * md_len + 1);
	for (i = 0; i < md_len; i++) {
		hex[2 * i] = hexdigits[md[i] >> 4];
		hex[2 * i + 1] = hexdigits[md[i] & 0xf];
	}
	hex[2 * md_len] = '\0';
	return hex;
}
