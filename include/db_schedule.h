/* SPDX-License-Identifier: MIT */
/*
 * The daemon's jobs and when they last ran or are next due, kept in the
 * database so that a restart neither skips nor repeats a job.
 */
#ifndef CONSULTD_DB_SCHEDULE_H
#define CONSULTD_DB_SCHEDULE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* job's last run and next due time (0 when unknown). */
bool db_schedule_get(struct db *db, const char *job, int64_t *last_run_out,
    int64_t *next_due_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* Records job's last run and next due time, in its own transaction. */
bool db_schedule_set(struct db *db, const char *job, int64_t last_run,
    int64_t next_due, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
