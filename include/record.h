/* SPDX-License-Identifier: MIT */
/*
 * Interview notes: answers written in the template format, filed on a
 * participant's behalf with who recorded them (source "interview").
 */
#ifndef CONSULTD_RECORD_H
#define CONSULTD_RECORD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/*
 * Files the answers in text (UTF-8, markers as in the invitation) for the
 * participant with address email in consultation name, recorded by
 * recorded_by.  All or nothing: an answer that fails validation refuses
 * the whole record (EX_DATAERR, every problem listed), as does text
 * without any marker.  EX_NOINPUT for an unknown consultation or
 * participant.  An answer that reads as the participant's last one from
 * interview notes to that question is not filed again, so running it
 * twice on the same notes files them once.  *count_out gets the number
 * of answers filed (0 when all were recorded before).
 */
bool record_answers(struct db *db, const char *name, const char *email,
    const char *text, const char *recorded_by, int64_t now,
    int64_t *count_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
