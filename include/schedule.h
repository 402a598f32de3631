/* SPDX-License-Identifier: MIT */
/*
 * What is due when: the weekly digest schedule ("Mon 08:00", local time)
 * and the reminder campaigns ("14;7;2" days before the deadline).  Pure:
 * the time and time zone are arguments.
 */
#ifndef CONSULTD_SCHEDULE_H
#define CONSULTD_SCHEDULE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The first time strictly after `after` that the weekly spec names, in
 * time zone tz: "Mon 08:00" (English day abbreviation or name, 24-hour
 * time), or "daily 08:00".  False when spec does not parse.
 */
bool schedule_weekly_next(const char *spec, int64_t after, GTimeZone *tz,
    int64_t *next_out);

/*
 * Campaign times are deadline minus each of days_before ("14;7;2") days.
 * Returns the latest one with last_run < t <= now, or 0 when none is due:
 * after downtime the campaigns missed collapse into one.
 */
int64_t schedule_reminder_due(int64_t deadline, const char *days_before,
    int64_t last_run, int64_t now);

/* The first campaign time after now, or 0 when there is none. */
int64_t schedule_reminder_next(int64_t deadline, const char *days_before,
    int64_t now);

#endif
