/* SPDX-License-Identifier: MIT */
/*
 * Sending what waits in the outbox.  Each item is marked sent in its own
 * transaction right after the sink took it, so a crash in between sends
 * it again with the same Message-ID, never loses it.
 */
#ifndef CONSULTD_OUTBOX_H
#define CONSULTD_OUTBOX_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct config_smtp;
struct db;

struct outbox_result {
	int64_t sent;
	int64_t failed;		/* permanently */
	int64_t deferred;	/* will be retried */
};

/*
 * Sends every due item through the configured sink (the .eml spool on the
 * embedded default).  Other processes may flush the same outbox at the
 * same time: each item goes to the sink once, from whichever takes it
 * first (res counts this one's).  A disk-full or database error stops the
 * run with EX_TEMPFAIL / EX_IOERR; items already sent stay sent.
 */
bool outbox_flush(struct db *db, const struct config *cfg, int64_t now,
    struct outbox_result *res, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The locks of single items, on DATABASE.outbox.lock, that every flush
 * takes before it sends one.  A filer that writes its own receipts (see
 * letterq.h) holds them from before its commit until they are marked
 * sent, so that no flush takes them in between.  outbox_lock_open()
 * returns the descriptor (closing it drops its locks), or -1 with
 * EX_IOERR.  outbox_lock_item() is false, with errno, when the lock is
 * held elsewhere (EAGAIN) or cannot be taken.
 */
int outbox_lock_open(const struct config *cfg, GError **err);
bool outbox_lock_item(int lock, int64_t id);
void outbox_unlock_item(int lock, int64_t id);

/*
 * The password for sc: the first line of password_file, which must be a
 * regular file no one but its owner may read or write (mode 0600 or
 * stricter), else of $CREDENTIALS_DIRECTORY/smtp-password (systemd).
 * Returns a newly allocated string to release with secret_free(), or
 * NULL with EX_CONFIG naming the file and what to do.
 */
char *outbox_password(const struct config_smtp *sc, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * What check-config says of [smtp]: connects, switches to TLS and logs in
 * as a flush would, sends nothing.  Returns a line saying what works,
 * newly allocated, or NULL with err: EX_CONFIG for the settings or the
 * password file, EX_NOPERM for a refused login, EX_UNAVAILABLE for the
 * server or TLS (see smtp_check()).
 */
char *outbox_check(const struct config *cfg, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
