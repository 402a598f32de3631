/* SPDX-License-Identifier: MIT */
/* The schedule table: one row per daemon job. */
#include "db_schedule.h"

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

bool
db_schedule_get(struct db *db, const char *job, int64_t *last_run_out,
    int64_t *next_due_out, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	*last_run_out = 0;
	*next_due_out = 0;
	st = db_stmt(db, "SELECT coalesce(last_run, 0), coalesce(next_due, 0)"
	    " FROM schedule WHERE job = ?", err);
	if (!st)
		return false;
	db_bind_text(st, 1, job);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*last_run_out = sqlite3_column_int64(st, 0);
		*next_due_out = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read the schedule");
		return false;
	}
	return true;
}

bool
db_schedule_set(struct db *db, const char *job, int64_t last_run,
    int64_t next_due, GError **err)
{
	sqlite3_stmt *st;

	if (!db_begin(db, err))
		return false;
	st = db_stmt(db, "INSERT INTO schedule (job, last_run, next_due)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (job) DO UPDATE SET"
	    " last_run = ?2, next_due = ?3", err);
	if (!st) {
		db_rollback(db);
		return false;
	}
	db_bind_text(st, 1, job);
	db_bind_id(st, 2, last_run);
	db_bind_id(st, 3, next_due);
	if (!db_exec_stmt(db, st, err)) {
		db_rollback(db);
		return false;
	}
	return db_commit(db, err);
}
