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
 * Removes the temporary files of writes killed before their rename (on
 * file systems without O_TMPFILE) once they are 36 hours old by the
 * clock, as Maildir readers do: another flush may be writing newer ones.
 */
void emlout_clean_tmp(const char *spool);

#endif
