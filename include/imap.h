/* SPDX-License-Identifier: MIT */
/*
 * The IMAP adapter: libcurl easy handles per server, addressed by UID.
 * It lists UIDs in bounded windows, streams messages into a caller's
 * files, flags and moves; curl's types and codes stay inside imap*.c.  What
 * is fetched when, and what counts as filed, is the fetch use case's.
 */
#ifndef CONSULTD_IMAP_H
#define CONSULTD_IMAP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct imap;

struct imap_options {
	const char *url;	/* imaps://host[:port]/MAILBOX, imap://... */
	const char *username;
	const char *password;	/* borrowed; the caller wipes its copy */
	const char *ca_file;	/* NULL: the system's CA store */
	bool plain;		/* tls = none: imap:// on loopback only */
	long connect_timeout;	/* seconds */
	long timeout;		/* seconds, for each request as a whole */
};

/* What imap_bodies_request asks for. */
enum imap_section {
	IMAP_SECTION_ALL,	/* the whole message, BODY[] */
	IMAP_SECTION_HEADER,	/* its header, BODY[HEADER] */
};

/*
 * Checks the options and makes a session; nothing is sent yet (the first
 * request connects and logs in).  EX_CONFIG for a URL that is not imap://
 * or imaps://, carries a user, password or query, names a mailbox that is
 * not printable ASCII, for tls = none on a host that is not loopback, and
 * for imaps:// with tls = none.  Returns a new session: imap_free() it.
 */
struct imap *imap_new(const struct imap_options *opts, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/* Logs out (best effort) and frees; accepts NULL. */
void imap_free(struct imap *imap);

/* The mailbox of the URL, decoded ("INBOX" when the URL has none). */
const char *imap_mailbox(const struct imap *imap);

/* "scheme://host:port/mailbox" without credentials, for logs and keys. */
const char *imap_location(const struct imap *imap);

/*
 * Whether the last failed request failed on the way (connection refused
 * or lost, timeout, TLS handshake): worth a reconnect after a pause.  A
 * refused login, an untrusted certificate or a server's NO are not.
 */
bool imap_failure_transient(const struct imap *imap);

/*
 * STATUS of mailbox (NULL: the session's) without selecting it: its
 * UIDVALIDITY, UIDNEXT and message count (outputs may be NULL).  Errors
 * (all requests below share them): EX_NOPERM login refused; EX_CONFIG
 * certificate not trusted, STARTTLS not offered, ca_file unusable, or
 * here the mailbox does not exist; EX_UNAVAILABLE cannot connect or the
 * server refused the command; EX_TEMPFAIL connection lost or timed out.
 */
bool imap_status(struct imap *imap, const char *mailbox,
    uint32_t *uidvalidity_out, uint32_t *uidnext_out,
    uint32_t *messages_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * UID SEARCH UID first:last [criteria] in the session's mailbox, which
 * must still have uidvalidity (else EX_NOINPUT).  criteria is IMAP
 * search syntax such as "LARGER 1024", or NULL.  Returns a new sorted
 * array of uint32_t UIDs within first..last (g_array_unref it).  Keep
 * last - first small (a few thousand): the answer is one line.
 */
GArray *imap_search(struct imap *imap, uint32_t uidvalidity, uint32_t first,
    uint32_t last, const char *criteria, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * Message bodies come over a second connection that libcurl opens and
 * logs in like the first, with the mailbox open read-only: fetching sets
 * no flag.  Requests are pipelined: imap_bodies_request sends one UID
 * FETCH for a set of UIDs and returns at once, imap_bodies_receive reads
 * the answers to the oldest request still unread, so that the server
 * sends the next batch while the caller files the last.  Any failure
 * drops the connection and every request in flight; the next request
 * opens a new one.
 */
struct imap_body_sink {
	/*
	 * A literal of size bytes of message uid starts (uid is 0 when the
	 * server sends the body before the UID; done() names it then):
	 * *fd_out gets the file to stream it into, or -1 to skip it.
	 */
	bool (*open)(void *arg, uint32_t uid, uint64_t size, int *fd_out,
	    GError **err);
	/* That message's answer is complete: its UID and RFC822.SIZE. */
	bool (*done)(void *arg, uint32_t uid, uint64_t rfc822_size,
	    GError **err);
	void *arg;
};

/*
 * Asks for section of uids (ascending) of the session's mailbox, which
 * must still have uidvalidity (else EX_NOINPUT, checked when the
 * connection opens).  A UID that no longer exists is left out of the
 * answer.
 */
bool imap_bodies_request(struct imap *imap, uint32_t uidvalidity,
    const uint32_t *uids, size_t n, enum imap_section section, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * Reads the answer to the oldest request in flight into sink.  An answer
 * that ends in NO counts as read: what it left out is the caller's to
 * look into, as for a UID that no longer exists.  Errors as for
 * imap_status, and EX_TEMPFAIL / EX_IOERR from the sink.
 */
bool imap_bodies_receive(struct imap *imap, const struct imap_body_sink *sink,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* Drops the body connection and the requests in flight. */
void imap_bodies_cancel(struct imap *imap);

/*
 * UID STORE uids +FLAGS.SILENT (flags), flags being e.g.
 * "\\Seen $Consultd-Filed".  Idempotent.
 */
bool imap_add_flags(struct imap *imap, const uint32_t *uids, size_t n,
    const char *flags, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Moves uids to folder: UID MOVE when the server has MOVE (RFC 6851),
 * else UID COPY, +FLAGS (\Deleted) and UID EXPUNGE of just those UIDs
 * (UIDPLUS, RFC 4315).  EX_CONFIG when the server has neither.
 */
bool imap_move(struct imap *imap, const uint32_t *uids, size_t n,
    const char *folder, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* Whether folder exists (LIST); *exists_out gets the answer. */
bool imap_folder_exists(struct imap *imap, const char *folder,
    bool *exists_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* CREATE folder. */
bool imap_create_folder(struct imap *imap, const char *folder, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/* Whether the server announces cap (e.g. "MOVE") after login. */
bool imap_has_capability(struct imap *imap, const char *cap,
    bool *has_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * A UID set in IMAP syntax ("3:5,9") for n ascending UIDs.  Returns a
 * newly allocated string.
 */
char *imap_uid_set(const uint32_t *uids, size_t n);

/*
 * Parses the untagged "* SEARCH ..." lines in text (len bytes) into a new
 * sorted array of uint32_t, keeping those within first..last.  NULL with
 * EX_UNAVAILABLE when a line cannot be read (a cut line, as libcurl 7.88
 * makes of overlong ones).
 */
GArray *imap_parse_search(const char *text, size_t len, uint32_t first,
    uint32_t last, GError **err);

#endif
