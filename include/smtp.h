/* SPDX-License-Identifier: MIT */
/*
 * The SMTP mail sink: one reusable libcurl connection that submits one
 * message to one recipient per transaction and says how it went (sent,
 * retry later, failed for good, or unknown).  Queueing, retries, rate
 * limits and the message itself are the caller's.
 */
#ifndef CONSULTD_SMTP_H
#define CONSULTD_SMTP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct smtp;

/*
 * How to reach the server.  Every pointer is borrowed for the duration of
 * smtp_new() or smtp_check() only; the password is handed to libcurl
 * and never logged.
 */
struct smtp_settings {
	const char *url;	/* smtps://host[:port] or smtp://host[:port] */
	/*
	 * smtp:// must switch to TLS with STARTTLS; false (plain text) is
	 * accepted only for a loopback host (127.0.0.0/8, ::1, localhost).
	 */
	bool tls_required;
	const char *ca_file;	/* PEM bundle, or NULL: the system's CAs */
	const char *username;	/* or NULL: no AUTH */
	const char *password;	/* or NULL (with a username: "") */
	const char *helo_name;	/* EHLO argument, or NULL: host name */
	long connect_timeout;	/* seconds, > 0 */
	long total_timeout;	/* seconds per message (or check), > 0 */
};

/*
 * Validates s and prepares a connection; nothing is sent until the first
 * smtp_send().  Returns a new handle (free with smtp_free()), or NULL with
 * EX_CONFIG when the URL is not smtp:// or smtps:// with a host and no
 * path, query or credentials, when tls_required is false for a host that
 * is not loopback, when the helo_name is not a host name or address
 * literal, when the ca_file cannot be read, or when a timeout is not
 * positive.
 */
struct smtp *smtp_new(const struct smtp_settings *settings, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/* Says QUIT on an open connection and frees s.  Accepts NULL. */
void smtp_free(struct smtp *s);

enum smtp_outcome {
	SMTP_SENT,	/* 250 after the final dot: never send it again */
	SMTP_TEMPFAIL,	/* nothing was delivered: retry later */
	SMTP_PERMFAIL,	/* refused (5xx) or invalid: do not retry */
	SMTP_UNKNOWN,	/* no reply to the final dot: resend, same id */
};

/*
 * Sends content (an RFC 5322 message, len bytes with CRLF line ends, as
 * compose_message() makes it) in one SMTP transaction from envelope_from
 * ("" for the null reverse-path "<>") to recipient, reusing the
 * connection of the previous call when the server kept it open.  curl
 * does the dot-stuffing.
 *
 * Before anything touches the network both addresses must pass
 * addr_valid() (which keeps CR, LF, NUL, spaces and "<>" out of the SMTP
 * envelope) and content must be non-empty, without NUL, bare CR or bare
 * LF, and with lines of at most 998 octets: otherwise SMTP_PERMFAIL with
 * EX_DATAERR and *code_out 0.
 *
 * Outcomes, with err set for all but SMTP_SENT (its message quotes the
 * command that failed and the server's reply):
 *   SMTP_SENT      250 after the final dot.
 *   SMTP_TEMPFAIL  EX_TEMPFAIL: a 4xx reply, no connection, a lost
 *                  connection or a timeout before the end of the data;
 *                  EX_UNAVAILABLE: TLS failed (no STARTTLS, certificate)
 *                  or the server refused the session (5xx to the greeting
 *                  or EHLO); EX_NOPERM: login refused; EX_CONFIG: the
 *                  CA file is unusable.  These three are the server's or
 *                  the configuration's fault, not this message's: stop
 *                  the run and keep the message queued.
 *   SMTP_PERMFAIL  EX_DATAERR: a 5xx to MAIL, RCPT, DATA or the final dot,
 *                  or invalid input (above).
 *   SMTP_UNKNOWN   EX_TEMPFAIL: the whole message went out but no reply
 *                  to the final dot came back (connection lost or timed
 *                  out); the server may have queued it.
 *
 * After any failure the connection is dropped and the next call opens a
 * new one (curl 7.88 would reuse a connection whose reply is still due).
 *
 * *code_out (may be NULL) gets the server's last reply code, 0 if none.
 * *reply_out (may be NULL) gets that reply as newly allocated one-line
 * text (a multi-line reply joined with spaces, control characters
 * replaced, at most about 1000 octets), or NULL if there was none.
 */
enum smtp_outcome smtp_send(struct smtp *s, const char *envelope_from,
    const char *recipient, const char *content, size_t len, int *code_out,
    char **reply_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The number of connections s has opened so far: one for a whole
 * campaign unless the server closed it (after a refused RCPT, a 421, an
 * idle timeout).
 */
unsigned smtp_connections(const struct smtp *s);

/*
 * Connects, switches to TLS, authenticates, says NOOP and QUIT (for
 * check-config).  Returns true when all of that worked.  Otherwise false
 * with EX_CONFIG (settings as in smtp_new(), or an unusable CA file),
 * EX_NOPERM (login refused) or EX_UNAVAILABLE (no connection, TLS failed
 * or not offered, session refused, timeout), the message saying which.
 */
bool smtp_check(const struct smtp_settings *settings, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
