/* SPDX-License-Identifier: MIT */
/*
 * Schedules.  Due times are computed from the last run kept in the
 * database, so a restart neither skips nor repeats a job, and several
 * missed runs after downtime become one.
 */
#include "schedule.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

#define DAY (24 * 60 * 60)

static const char *const schedule_days[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

/* 1 (Monday) .. 7, 0 for "daily", -1 when not a day. */
static int
schedule_parse_day(const char *word)
{
	size_t i;

	if (g_ascii_strcasecmp(word, "daily") == 0)
		return 0;
	for (i = 0; i < G_N_ELEMENTS(schedule_days); i++)
		if (g_ascii_strncasecmp(word, schedule_days[i], 3) == 0)
			return (int)i + 1;
	return -1;
}

bool
schedule_weekly_next(const char *spec, int64_t after, GTimeZone *tz,
    int64_t *next_out)
{
	g_autoptr(GDateTime) now = NULL;
	char day[16];
	int hour, minute, want, k;
	char extra;

	if (sscanf(spec, "%15s %d:%d%c", day, &hour, &minute, &extra) != 3 ||
	    hour < 0 || hour > 23 || minute < 0 || minute > 59)
		return false;
	want = schedule_parse_day(day);
	if (want < 0)
		return false;
	{
		g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(after);

		now = g_date_time_to_timezone(utc, tz);
	}
	/* Today or one of the next 7 days, at hour:minute local time. */
	for (k = 0; k <= 8; k++) {
		g_autoptr(GDateTime) d = g_date_time_add_days(now, k);
		g_autoptr(GDateTime) at = g_date_time_new(tz,
		    g_date_time_get_year(d), g_date_time_get_month(d),
		    g_date_time_get_day_of_month(d), hour, minute, 0);
		int64_t t;

		if (!at)
			continue;
		if (want && g_date_time_get_day_of_week(at) != want)
			continue;
		t = g_date_time_to_unix(at);
		if (t > after) {
			*next_out = t;
			return true;
		}
	}
	return false;
}

/* The campaign times, each deadline - d days, in no particular order. */
static GArray *
schedule_reminder_times(int64_t deadline, const char *days_before)
{
	GArray *times = g_array_new(FALSE, FALSE, sizeof(int64_t));
	g_auto(GStrv) parts = NULL;
	size_t i;

	if (!deadline || !days_before)
		return times;
	parts = g_strsplit(days_before, ";", -1);
	for (i = 0; parts[i]; i++) {
		gint64 d;
		int64_t t;

		if (!g_ascii_string_to_signed(g_strstrip(parts[i]), 10, 0, 365,
		    &d, NULL))
			continue;
		t = deadline - d * DAY;
		g_array_append_val(times, t);
	}
	return times;
}

int64_t
schedule_reminder_due(int64_t deadline, const char *days_before,
    int64_t last_run, int64_t now)
{
	g_autoptr(GArray) times = schedule_reminder_times(deadline,
	    days_before);
	int64_t best = 0;
	size_t i;

	for (i = 0; i < times->len; i++) {
		int64_t t = g_array_index(times, int64_t, i);

		if (t > last_run && t <= now && t > best)
			best = t;
	}
	return best;
}

int64_t
schedule_reminder_next(int64_t deadline, const char *days_before, int64_t now)
{
	g_autoptr(GArray) times = schedule_reminder_times(deadline,
	    days_before);
	int64_t best = 0;
	size_t i;

	for (i = 0; i < times->len; i++) {
		int64_t t = g_array_index(times, int64_t, i);

		if (t > now && (!best || t < best))
			best = t;
	}
	return best;
}
