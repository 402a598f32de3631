/* SPDX-License-Identifier: MIT */
/*
 * The embedded default's mail sink: each sent message becomes one .eml
 * file in spool/outbox/, written atomically and named after its
 * Message-ID, so a resend after a crash rewrites the same file.
 */
#ifndef CONSULTD_EMLOUT_H
#define CONSULTD_EMLOUT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Writes content (RFC 5322, CRLF) as spool/outbox/<message_id>.eml.
 * EX_TEMPFAIL when the disk is full, EX_IOERR otherwise.
 */
bool emlout_send(const char *spool, const char *message_id,
    const char *content, size_t len, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* The file name used for message_id (unsafe characters replaced). */
char *emlout_file_name(const char *message_id);

#endif
