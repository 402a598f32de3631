/* SPDX-License-Identifier: MIT */
/*
 * Incoming raw mail to struct message with GMime: headers, the body as
 * UTF-8 text, attachments and an RFC 3464 delivery status.  GMime types
 * never leave this module.
 */
#ifndef CONSULTD_MIME_H
#define CONSULTD_MIME_H

#include <glib.h>
#include <stddef.h>

struct message;

/*
 * Parses len bytes of raw RFC 5322 mail (borrowed; NULs and invalid
 * UTF-8 allowed).  The caller has called g_mime_init().
 *
 * Fills every field of struct message:
 * - message_id, in_reply_to, references: without angle brackets.
 * - from_addr: the addr-spec of the one From mailbox (domain lowercased);
 *   NULL and a warning when From holds no mailbox or several.  from_name:
 *   the decoded display name.  RFC 2047 words are decoded one by one, to
 *   work around GMime 3.2.13 losing text after a padded B-encoded word.
 * - recipients: addr-specs from To, Cc, Delivered-To and X-Original-To,
 *   domains lowercased, each once.  return_path: the addr-spec of the
 *   first Return-Path, "" for the null sender "<>", NULL when absent.
 * - text: text/plain preferred (multipart/alternative included) when it
 *   holds any text, else text/html through html2text() (text_from_html);
 *   in an alternative beside HTML, a plain part that is a stub ("This is
 *   an HTML message") or the HTML flattened (300 bytes or more on one or
 *   two lines, as QQ Mail and NetEase send, beside HTML with two line
 *   breaks more; a long answer on one line beside one <div> is kept)
 *   holds none.  A Cyrillic label the bytes belie (windows-1251 sent as
 *   KOI8-R and the reverse) gives way to the code page whose frequent
 *   letters the bytes are; HTML whose bytes are invalid under a UTF-8
 *   label is read in the charset its <meta> names; an RFC 2047 word
 *   labelled Latin-1 whose bytes are UTF-8 is UTF-8.  A uuencoded block
 *   ("begin 644 name" ... "end") and NUL padding at the end are no text.
 *   Their own earlier message forwarded whole (a message/rfc822 part
 *   from the same From, not said to be an attachment unless sent to
 *   the domain this message is) is read as their text and kept as an
 *   attachment.  A Cyrillic text in capitals keeps its label.
 *   Inline text parts are joined in order.  Charsets are converted to
 *   UTF-8 (a wrong or unknown label falls back to UTF-8 if the bytes are
 *   valid, then windows-1252); CRLF and CR become LF, NUL becomes U+FFFD;
 *   format=flowed text is unflowed (RFC 3676).  Blank lines and an mbox
 *   "From " line before the header are skipped with a warning; bytes
 *   that are no message at all (no header) become the text of a message
 *   without headers, with a warning, so that they can still be triaged.
 * - attachments: every leaf part that is not body text, i.e. parts with
 *   Content-Disposition attachment and all parts other than text/plain and
 *   text/html, transfer-decoded.  An attached message (message/rfc822) is
 *   kept as its RFC 5322 text.
 * - dsn_*: from the first message/delivery-status part (first recipient
 *   whose Action is failed, else the first recipient).
 * - warnings: GMime parser warnings and our own findings.
 *
 * Returns: a newly allocated message (message_free()).  err is never
 * set today: every input yields a message, parsed as well as it can be.
 */
struct message *mime_parse(const char *raw, size_t len, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * GMime's global set-up and tear-down (LIBRARY-NOTES G1), for entry code:
 * once per process, before any mime or compose call.
 */
void mime_init(void);
void mime_shutdown(void);

#endif
