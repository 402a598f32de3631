/* SPDX-License-Identifier: MIT */
/*
 * What kind of mail a parsed message is: written by a person, an
 * automatic reply (RFC 3834 and common practice) or a bounce (RFC 3464
 * and the common non-standard forms), and for a bounce who failed and how.
 * Pure: it reads struct message only.
 */
#ifndef CONSULTD_CLASSIFY_H
#define CONSULTD_CLASSIFY_H

#include <stdbool.h>

struct message;

enum classify_kind {
	CLASSIFY_HUMAN,
	CLASSIFY_AUTO_REPLY,
	CLASSIFY_BOUNCE,
};

/*
 * Bounce: a delivery-status report (dsn_* set or a message/delivery-status
 * attachment), mail from MAILER-DAEMON, or from postmaster or with an
 * empty Return-Path "<>" under a bounce subject ("Undelivered Mail
 * Returned to Sender", "Delivery Status Notification (Failure)",
 * "Undeliverable:", "failure notice", "Mail delivery failed", ...).
 * Auto-reply: Auto-Submitted other than "no", X-Autoreply/X-Autorespond,
 * Precedence auto_reply, bulk or junk, or an out-of-office subject in
 * English, French, Spanish, Russian, Arabic, Chinese, German or
 * Portuguese.  X-Auto-Response-Suppress is a request, not a sign.
 * Bounce is tested first: DSNs often carry Auto-Submitted too.
 */
enum classify_kind classify_message(const struct message *msg);

/*
 * For a bounce: the failed recipient (DSN Final-Recipient; else a VERP
 * recipient "bounce+LOCAL=DOMAIN@host" read back as LOCAL@DOMAIN; else
 * the To of the returned original; else a "<addr>:" line of the text),
 * the status ("5.1.1" from the DSN or the text, or NULL) and whether the
 * failure is permanent (5.x.x, or no status and not a delay).  The
 * recipient may be NULL when none is found.  Returns false, setting
 * nothing, when msg is not a bounce.  Strings are newly allocated.
 */
bool classify_bounce_info(const struct message *msg, char **recipient_out,
    char **status_out, bool *permanent_out);

#endif
