/* SPDX-License-Identifier: MIT */
/*
 * The embedded default's mail sink: each sent message becomes one .eml
 * file in spool/outbox/, written atomically and named after its outbox
 * row (never its Message-ID, which holds the participant's token), so a
 * resend after a crash rewrites the same file.
 */
#ifndef CONSULTD_EMLOUT_H
#define CONSULTD_EMLOUT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Writes content (RFC 5322, CRLF) as spool/outbox/NNNNNNNN-KIND.eml for
 * outbox row id, complete under its final name but not yet durable: a
 * batch calls emlout_commit() once before recording itself as sent.
 * EX_TEMPFAIL when the disk is full, EX_IOERR otherwise.
 */
bool emlout_write(const char *spool, int64_t id, const char *kind,
    const char *content, size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;
bool emlout_commit(const char *spool, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * A filer writes each receipt before its outbox row commits: staged in
 * spool/tmp as "receipt.PID.SEQ" (the name returned, newly allocated, or
 * NULL with err as for emlout_write()), then published as row id's file
 * once the row has committed, and made durable by emlout_commit().  A
 * staged file is never seen in spool/outbox before its row exists.
 */
char *emlout_stage(const char *spool, unsigned seq, const char *content,
    size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;
bool emlout_publish(const char *spool, const char *staged, int64_t id,
    const char *kind, GError **err) G_GNUC_WARN_UNUSED_RESULT;
void emlout_unstage(const char *spool, const char *staged);

/*
 * Removes what a filer that stopped left staged, and the temporary files
 * of writes killed before their rename once they are 36 hours old by the
 * clock (as
 * Maildir readers do: another flush may be writing the newer ones).  For
 * the one filer of a spool (spool_lock()) as it starts.
 */
void emlout_clean_tmp(const char *spool);

#endif
