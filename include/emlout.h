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
 * outbox row id.  EX_TEMPFAIL when the disk is full, EX_IOERR otherwise.
 */
bool emlout_send(const char *spool, int64_t id, const char *kind,
    const char *content, size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * As emlout_send for a batch: the file is complete and synced, but only
 * emlout_commit() makes its name durable; call it before recording the
 * batch as sent.
 */
bool emlout_send_batched(const char *spool, int64_t id, const char *kind,
    const char *content, size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;
bool emlout_commit(const char *spool, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
