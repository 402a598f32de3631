/* SPDX-License-Identifier: MIT */
/*
 * A real SMTP server for the tests: Postfix's smtp-sink (Debian package
 * postfix, LIBRARY-NOTES T1) on 127.0.0.1, capturing every accepted
 * message into a private folder, with its options to answer 4xx or 5xx,
 * hang up, or say 421 at chosen commands.
 */
#ifndef CONSULTD_SMTP_SERVER_H
#define CONSULTD_SMTP_SERVER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct smtp_server;

/* One captured message. */
struct smtp_server_message {
	char *helo_args;	/* X-Helo-Args, or NULL */
	char *mail_args;	/* X-Mail-Args: "<from>" and any parameters */
	char *rcpt_args;	/* X-Rcpt-Args of the (first) recipient */
	unsigned nrcpt;		/* how many recipients (RCPT commands) */
	char *data;		/* the message as received: dot-stuffing */
	size_t len;		/* undone, LF line ends (the sink's) */
};

/*
 * Starts smtp-sink ($SMTP_SINK, default /usr/sbin/smtp-sink) on a free
 * port of 127.0.0.1 with the extra smtp-sink options (NULL-terminated,
 * or NULL), e.g. { "-r", "RCPT", NULL }, and waits until it accepts
 * connections.  With capture, every message is kept (as the sink has it
 * when it answers the final dot, whatever the answer); without, they are
 * thrown away (the sink's top speed).  Runs it as "nobody" when we are
 * root.  Safe in an unchecked fixture (no ck_assert).  Returns the
 * server, or NULL with *why_out (newly allocated) saying why it could
 * not start, including the sink's own error output.
 */
struct smtp_server *smtp_server_start(const char *const *options,
    bool capture, char **why_out);

/* Stops the server and removes its folder.  Accepts NULL. */
void smtp_server_stop(struct smtp_server *srv);

/* "smtp://127.0.0.1:PORT", valid until smtp_server_stop(). */
const char *smtp_server_url(const struct smtp_server *srv);

/*
 * The messages captured so far, in no particular order: a newly
 * allocated array of struct smtp_server_message (freed with it).
 */
GPtrArray *smtp_server_messages(const struct smtp_server *srv);

/* How many messages were captured so far (cheaper than the above). */
unsigned smtp_server_count(const struct smtp_server *srv);

/* Forgets the messages captured so far. */
void smtp_server_clear(const struct smtp_server *srv);

/* A port of 127.0.0.1 nobody listens on (just now). */
int smtp_server_free_port(void);

#endif
