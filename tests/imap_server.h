/* SPDX-License-Identifier: MIT */
/*
 * A private Dovecot for the tests: its own configuration, certificates
 * (a throw-away CA made with openssl), passwd-file users and Maildirs in
 * a temporary folder, listening on 127.0.0.1 only, plain IMAP with
 * STARTTLS and imaps.  Never the system service.  Plus a small libcurl
 * IMAP client to put messages in and look at flags, independent of the
 * code under test.
 */
#ifndef CONSULTD_TESTS_IMAP_SERVER_H
#define CONSULTD_TESTS_IMAP_SERVER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct imap_server {
	char *dir;		/* temporary folder holding everything */
	char *instance;		/* Dovecot's instance_name */
	char *conf;		/* dovecot.conf */
	char *ca_file;		/* the CA that signed the server's cert */
	char *other_ca_file;	/* a CA that did not */
	int port;		/* plain IMAP, STARTTLS offered */
	int tls_port;		/* imaps */
};

/*
 * Makes the folder, certificates and configuration, the users (a NULL
 * terminated list; all with password) and starts Dovecot.  Returns a new
 * server, or NULL with *why_out (newly allocated) saying what failed,
 * with the end of Dovecot's log.  Dovecot rereads its passwd-file at
 * most once a second, so users are made before it starts.
 */
struct imap_server *imap_server_start(const char *const *users,
    const char *password, char **why_out);

/*
 * Stops Dovecot as a crash or a restart would: SIGTERM to master.pid,
 * waiting until it is gone, and SIGKILL to the IMAP sessions of this
 * instance that outlive it (Dovecot 2.3 lets them finish).
 */
void imap_server_stop(struct imap_server *srv);

/* Starts a stopped Dovecot again, same ports; false if it failed. */
bool imap_server_resume(struct imap_server *srv);

/* Kills Dovecot and its sessions with SIGKILL, as a crash would. */
void imap_server_kill(struct imap_server *srv);

/* Stops Dovecot and removes the folder; accepts NULL. */
void imap_server_free(struct imap_server *srv);

/*
 * Delivers a message straight into user's Maildir (new/), as a local
 * delivery agent would: fast for thousands.  False on failure.
 */
bool imap_server_deliver(const struct imap_server *srv, const char *user,
    const char *data, size_t len);

/* A client session: one libcurl handle logged in as user. */
struct imap_client;

struct imap_client *imap_client_new(const struct imap_server *srv,
    const char *user, const char *password);
void imap_client_free(struct imap_client *c);

/* APPENDs one message to mailbox; false on failure. */
bool imap_client_append(struct imap_client *c, const char *mailbox,
    const char *data, size_t len);

/*
 * Sends command (libcurl custom request) with mailbox selected (NULL: none)
 * and returns the untagged answers, newly allocated, or NULL on failure.
 */
char *imap_client_command(struct imap_client *c, const char *mailbox,
    const char *command);

/* How many UIDs UID SEARCH criteria finds in mailbox, -1 on failure. */
int imap_client_count(struct imap_client *c, const char *mailbox,
    const char *criteria);

#endif
