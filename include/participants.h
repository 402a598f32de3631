/* SPDX-License-Identifier: MIT */
/*
 * Importing participants from a spreadsheet's CSV export: header row,
 * email required, known columns mapped, unknown ones kept as attributes,
 * duplicates merged, all or nothing unless invalid rows are skipped.
 */
#ifndef CONSULTD_PARTICIPANTS_H
#define CONSULTD_PARTICIPANTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

struct participants_result {
	int64_t rows;		/* data rows read */
	int64_t created;
	int64_t updated;
	int64_t merged;		/* rows merged into an earlier row */
	int64_t skipped;	/* invalid rows left out (--skip-invalid) */
	GPtrArray *problems;	/* char *, "line N: reason" */
};

void participants_result_init(struct participants_result *res);
void participants_result_release(struct participants_result *res);

/*
 * Imports path into consultation cid in one transaction.  With invalid
 * rows and !skip_invalid nothing is imported: EX_DATAERR, every bad row
 * in res->problems.  EX_NOINPUT / EX_IOERR for the file itself.
 */
bool participants_import(struct db *db, int64_t cid, const char *path,
    bool skip_invalid, int64_t now, struct participants_result *res,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
