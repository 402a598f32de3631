/* SPDX-License-Identifier: MIT */
/*
 * Reminder campaigns: those invited who have not completed their reply
 * get a reminder carrying what they have answered so far, within the
 * consultation's policy (maximum count, minimum interval, deadline).
 */
#ifndef CONSULTD_REMIND_H
#define CONSULTD_REMIND_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct db;

struct remind_line {
	char *email;
	char *reason;		/* NULL: reminded (or would be) */
};

struct remind_result {
	int64_t reminded;
	int64_t skipped;
	int64_t sent;
	GPtrArray *lines;	/* struct remind_line *, one per participant */
};

void remind_result_init(struct remind_result *res);
void remind_result_release(struct remind_result *res);

/*
 * Runs the campaign of consultation name at now: queues and sends the
 * reminders due (none with dry_run), and says for every participant why
 * not when not.  Running it twice in a row sends nothing the second
 * time.  EX_NOINPUT for an unknown consultation.
 */
bool remind_run(struct db *db, const struct config *cfg, const char *name,
    bool dry_run, int64_t now, struct remind_result *res, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
