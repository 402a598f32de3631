/* SPDX-License-Identifier: MIT */
/*
 * CSV export of current answers (SPEC section 8): wide, one row per
 * participant and one column per question; or long, one row per answer.
 */
#ifndef CONSULTD_EXPORT_H
#define CONSULTD_EXPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct db;
struct definition;

enum export_format {
	EXPORT_WIDE,
	EXPORT_LONG,
};

/*
 * Writes the export of consultation name to fp (borrowed).  excel adds
 * the UTF-8 BOM and CRLF row ends.  EX_NOINPUT for an unknown
 * consultation, EX_IOERR when writing fails.
 */
bool export_csv(struct db *db, const char *name, enum export_format format,
    bool excel, FILE *fp, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The same for consultation def (borrowed), whose id is cid, within the
 * caller's transaction (the digest attaches an export of the state it
 * reports on).  EX_IOERR when writing fails.
 */
bool export_write(struct db *db, int64_t cid, const struct definition *def,
    enum export_format format, bool excel, FILE *fp, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
