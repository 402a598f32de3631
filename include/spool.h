/* SPDX-License-Identifier: MIT */
/*
 * The spool: Maildir inbox (tmp -> fsync -> rename into new -> fsync the
 * folder; moved to cur only after filing has committed) and atomic file
 * writes for the .eml outbox.  Every write is durable before it is
 * visible under its final name.
 */
#ifndef CONSULTD_SPOOL_H
#define CONSULTD_SPOOL_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Makes spool/inbox/{tmp,new,cur}, spool/outbox and spool/tmp (idempotent).
 * EX_IOERR (EX_TEMPFAIL when the disk is full) on failure.
 */
bool spool_init(const char *spool, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* A new, unique Maildir file name (time, pid, random). */
char *spool_unique_name(void);

/*
 * Writes data to maildir/tmp/NAME, fsyncs, renames it into maildir/new/
 * and fsyncs new/.  *name_out (may be NULL) gets the file name, newly
 * allocated.  EX_TEMPFAIL when the disk is full, EX_IOERR otherwise.  On
 * failure nothing is in new/, except when only the final sync of new/
 * failed: then the complete file is there and will be filed like any.
 */
bool spool_deliver(const char *maildir, const char *data, size_t len,
    char **name_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * As spool_deliver for each of the n files at paths, copied in chunks,
 * paying one file-system sync and one folder sync for them all.  A file
 * enters new/ only complete and synced; after a failure (EX_NOINPUT for
 * a path that cannot be opened) the files moved already stay there and
 * the rest are removed from tmp/.
 */
bool spool_deliver_files(const char *maildir, const char *const *paths,
    size_t n, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Writes data to path atomically: a temporary file in tmpdir (same file
 * system), fsync, rename, fsync of path's folder.
 */
bool spool_write_atomic(const char *tmpdir, const char *path,
    const char *data, size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * As spool_write_atomic, without any sync: for a batch, which calls
 * spool_sync_all() on the folder once before it relies on the files.
 * Where the file system allows, the file is written unnamed in path's
 * folder and linked into place, and tmpdir is not used.
 */
bool spool_write_atomic_nosync(const char *tmpdir, const char *path,
    const char *data, size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The file names in maildir/new (or maildir/cur), oldest first (Maildir
 * names start with the delivery time).  Newly allocated array of char *.
 */
GPtrArray *spool_list(const char *maildir, const char *sub, GError **err);

/*
 * Reads a whole file of at most max bytes into a newly allocated,
 * NUL-terminated buffer.  EX_DATAERR when larger (the caller keeps the
 * file, flagged), EX_NOINPUT when missing, EX_IOERR on read errors.
 */
char *spool_read(const char *path, size_t max, size_t *len_out,
    GError **err);

/*
 * Moves maildir/new/NAME to maildir/cur/NAME:2,S (filed) and returns the
 * new path, newly allocated.  cur/ is not synced: a batch calls
 * spool_sync(maildir, "cur") once.  A move lost to a crash before that
 * leaves the file in new/, where filing recognises it.
 */
char *spool_mark_filed(const char *maildir, const char *name, GError **err);

/*
 * SHA-256 (lowercase hex) of the whole file, read in chunks: for
 * messages too large to parse.  Newly allocated.
 */
char *spool_hash_file(const char *path, GError **err);

/*
 * The header block of a message file (up to the first empty line, at most
 * max bytes), newly allocated and NUL-terminated; for messages too large
 * to parse whole.
 */
char *spool_read_header(const char *path, size_t max, size_t *len_out,
    GError **err);

/*
 * Takes an exclusive lock on maildir/.lock, waiting for another process
 * that holds it.  Returns the lock's file descriptor (close it to
 * unlock), or -1 with EX_IOERR.
 */
int spool_lock(const char *maildir, GError **err);


/*
 * Syncs the file system holding dir (syncfs) and dir itself: makes a
 * batch of spool_write_atomic_nosync() files durable at once.
 */
bool spool_sync_all(const char *dir, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* fsyncs maildir/sub. */
bool spool_sync(const char *maildir, const char *sub, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/* Removes maildir/new/NAME (a duplicate of a message already filed). */
bool spool_discard(const char *maildir, const char *name, GError **err);

#endif
