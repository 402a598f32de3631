/* SPDX-License-Identifier: MIT */
/*
 * Fetching: new mail from the IMAP mailbox of [imap] url into the spool,
 * filed by ingest, and only then flagged or moved at the server, exactly
 * once whatever fails (SPEC sections 9 and 12).  Without an url the spool
 * Maildir is the inbox and fetching is filing it.
 */
#ifndef CONSULTD_FETCH_H
#define CONSULTD_FETCH_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct config_imap;
struct db;
struct ingest_result;

/* The keyword set on every message filed, and on those too large. */
#define FETCH_KEYWORD_FILED	"$Consultd-Filed"
#define FETCH_KEYWORD_TOO_LARGE	"$Consultd-TooLarge"

/*
 * Files what waits in spool/inbox/new, then, with [imap] url, every
 * message above the last UID done: batches are streamed into
 * spool/inbox/tmp, synced, renamed into new/, filed (ingest_spool), then
 * flagged \Seen and FETCH_KEYWORD_FILED, moved or kept as after_fetch
 * says, and only then recorded as done.  A message over max_message_size
 * is not fetched: a placeholder with its header is filed and the message
 * flagged \Flagged and FETCH_KEYWORD_TOO_LARGE at the server.  Lost
 * connections are retried with back-off (1, 2, 4, 8 s).  A second fetch
 * into the same spool waits for the first; on SIGTERM (consultd_stopping)
 * it stops between batches, what is done recorded.  res accumulates what
 * was filed.  Errors: EX_NOPERM login refused; EX_CONFIG bad settings,
 * password file readable by others, untrusted certificate;
 * EX_UNAVAILABLE / EX_TEMPFAIL server unreachable after the retries;
 * and those of ingest_spool.
 */
bool fetch_run(struct db *db, const struct config *cfg, int64_t now,
    struct ingest_result *res, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * check-config's IMAP part: reads the password, logs in, reads the
 * mailbox's status and, for after_fetch = move, the target folder and
 * the server's MOVE support.  Returns a newly allocated one-line summary
 * (no secrets), or NULL with the error fetch_run would give.  Not
 * configured (no url) is a success.
 */
char *fetch_check(const struct config_imap *ic, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * The password for ic: the first line of password_file, which must be a
 * regular file no one but its owner may read or write (mode 0600 or
 * stricter), else of $CREDENTIALS_DIRECTORY/imap-password (systemd).
 * Returns a newly allocated string; wipe it with explicit_bzero before
 * g_free.  EX_CONFIG naming the file and what to do.
 */
char *fetch_password(const struct config_imap *ic, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * The placeholder filed for a message of size bytes over the limit: the
 * fields of its header (hdr, len bytes, or NULL) without the MIME ones,
 * then a plain text note.  The same input gives the same bytes, so a
 * refetch is recognised by Message-ID or hash.  Newly allocated, *len_out
 * bytes.
 */
char *fetch_placeholder(const char *hdr, size_t len, uint64_t size,
    size_t *len_out);

#endif
