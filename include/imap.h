/* SPDX-License-Identifier: MIT */
/*
 * The IMAP adapter: one libcurl easy handle per server, addressed by UID.
 * It lists UIDs in bounded windows, streams one message into a caller's
 * file, flags and moves; curl's types and codes stay inside imap.c.  What
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

/* What imap_fetch writes. */
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

/* RFC822.SIZE of one message, in bytes. */
bool imap_size(struct imap *imap, uint32_t uidvalidity, uint32_t uid,
    uint64_t *size_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Streams section of message uid into fd as the server sends it (CRLF
 * line ends), never holding it whole in memory; stops with EX_DATAERR
 * past max bytes.  *size_out (may be NULL) gets the bytes written.  The
 * fetch sets \Seen (libcurl sends BODY[], not BODY.PEEK[]) unless the
 * mailbox was opened read-only (imap_reopen).  EX_NOINPUT
 * when the UID is gone or UIDVALIDITY is no longer uidvalidity (ask
 * imap_status which); EX_TEMPFAIL / EX_IOERR when writing fd failed.  On
 * failure part of the message may already be in fd.
 */
bool imap_fetch(struct imap *imap, uint32_t uidvalidity, uint32_t uid,
    enum imap_section section, int fd, uint64_t max, uint64_t *size_out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Opens the session's mailbox again, read-only (EXAMINE) or read-write
 * (SELECT), on the same connection.  Read-only, a fetch leaves \Seen
 * alone: libcurl 7.88 can only fetch with BODY[], which sets it, and
 * every flag change costs the server a rename of the message file.
 * EX_NOINPUT when the mailbox's UIDVALIDITY is no longer uidvalidity.
 */
bool imap_reopen(struct imap *imap, uint32_t uidvalidity, bool read_only,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

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
