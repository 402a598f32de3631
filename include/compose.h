/* SPDX-License-Identifier: MIT */
/*
 * Outgoing messages as RFC 5322 bytes (SPEC section 10): headers RFC
 * 2047-encoded UTF-8, bodies UTF-8 quoted-printable, the whole message
 * 7-bit with CRLF line ends and lines under 998 octets, ready for SMTP or
 * an .eml file.  Sending, queueing and choosing ids are other modules'.
 */
#ifndef CONSULTD_COMPOSE_H
#define CONSULTD_COMPOSE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One message to compose.  Every pointer is borrowed for the duration of
 * compose_message().  Strings are UTF-8.  Names, subject and attachment
 * name may hold anything: control characters are removed (CR, LF, TAB and
 * the Unicode line separators become a space, runs of white space one
 * space) and invalid UTF-8 is replaced before they reach a header, so a
 * participant's name cannot add a header.
 */
struct compose_mail {
	const char *from_name;		/* display name or NULL */
	const char *from_addr;		/* addr-spec, required */
	const char *to_name;		/* display name or NULL */
	const char *to_addr;		/* addr-spec, required */
	const char *reply_to;		/* addr-spec or NULL */
	const char *subject;		/* required, may be "" */
	const char *body;		/* required; LF (CRLF, CR tolerated) */
	const char *message_id;		/* "left@right" without <>, required */
	const char *in_reply_to;	/* id without <>, or NULL */
	const char *references;		/* space-separated ids, or NULL */
	int64_t date;			/* Unix seconds, > 0 */
	bool auto_submitted;		/* Auto-Submitted: auto-generated */
	bool auto_replied;		/* ... auto-replied instead: a response
					   to a message (RFC 3834 5.1) */
	/* "addr" or "mailto:addr[?query]" -> List-Unsubscribe, or NULL */
	const char *list_unsubscribe;
	/* An optional single attachment, sent base64; NULL name = none. */
	const char *attachment_name;
	const char *attachment_type;	/* "type/subtype", needed with a name */
	const unsigned char *attachment; /* may be NULL when len is 0 */
	size_t attachment_len;
	/* Optional HTML alternative: the body becomes multipart/alternative. */
	const char *html_body;
};

/*
 * Builds the message: Date (UTC), From, Reply-To, To, Subject,
 * Message-Id, In-Reply-To, References, Auto-Submitted, List-Unsubscribe,
 * MIME-Version, then a text/plain part, or multipart/alternative with
 * text/html after it, inside multipart/mixed when there is an attachment.
 * Display names and a non-ASCII subject are RFC 2047 encoded words in
 * UTF-8, IDN domains A-labels.  In-Reply-To and References are threading
 * hints: an id there that is not printable ASCII without "<>" is left out
 * rather than failing the message.  The caller has called g_mime_init().
 *
 * Returns the message as newly allocated bytes (NUL-terminated for
 * convenience; the NUL is not counted) and sets *len_out.  Returns NULL
 * with err set to EX_DATAERR when a required field is missing, an address
 * fails addr_valid(), message_id is not a dot-atom "left@right", a body is
 * not valid UTF-8 or the attachment type is not "type/subtype"; to
 * EX_SOFTWARE if GMime produced something other than 7-bit CRLF lines.
 */
char *compose_message(const struct compose_mail *mail, size_t *len_out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
