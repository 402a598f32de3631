/* SPDX-License-Identifier: MIT */
/*
 * struct message: what one incoming raw message says, as plain data shared
 * by every layer (mime fills it, classify/token/extract read it, ingest
 * files it).  All strings are valid UTF-8 with LF line ends, owned by the
 * struct.  Also the content hash used to file every message exactly once.
 */
#ifndef CONSULTD_MESSAGE_H
#define CONSULTD_MESSAGE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct message_attachment {
	char *filename;		/* may be NULL */
	char *content_type;	/* "type/subtype", lowercase */
	unsigned char *data;	/* decoded content */
	size_t size;
};

struct message {
	char *message_id;	/* without angle brackets, or NULL */
	char *from_addr;	/* addr-spec of the single From mailbox,
				   or NULL */
	char *from_name;	/* decoded display name, or NULL */
	char *subject;		/* decoded, or NULL */
	char *in_reply_to;	/* first msg-id, without brackets, or NULL */
	GPtrArray *references;	/* char *, msg-ids without brackets */
	GPtrArray *recipients;	/* char *, addr-specs from To, Cc,
				   Delivered-To */
	char *return_path;	/* envelope sender addr-spec, or NULL */
	int64_t date;		/* Unix seconds from Date:, 0 if none */

	/* Header signals of automatic mail (RFC 3834 and common practice). */
	char *auto_submitted;	/* raw value, or NULL */
	bool x_autoreply;	/* X-Autoreply / X-Autorespond present */
	char *precedence;	/* raw value, lowercase, or NULL */
	char *content_type;	/* top-level "type/subtype", lowercase */
	GPtrArray *auth_results;	/* char *, Authentication-Results
					   values (RFC 8601), top first */

	char *text;		/* the body as UTF-8 text, LF, never NULL */
	bool text_from_html;	/* converted from HTML, <blockquote> as "> " */

	/* RFC 3464 delivery status, when the message carries one. */
	char *dsn_recipient;	/* Final-Recipient addr-spec, or NULL */
	char *dsn_status;	/* "5.1.1", or NULL */
	char *dsn_action;	/* "failed", "delayed", ..., or NULL */

	GPtrArray *attachments;	/* struct message_attachment * */
	GPtrArray *warnings;	/* char *, parse problems worth keeping */
};

/* A new, empty message: arrays allocated, text "". */
struct message *message_new(void);
void message_free(struct message *msg);

/*
 * SHA-256 (lowercase hex) of the raw message without the trace headers a
 * delivery adds (Received, Return-Path, Delivered-To, X-Original-To, ...),
 * so the same message delivered twice or fetched from two folders hashes
 * alike.  Returns a newly allocated string.
 */
char *message_content_hash(const char *raw, size_t len);

#endif
