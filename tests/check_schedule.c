/* SPDX-License-Identifier: MIT */
#include <check.h>

#include "schedule.h"

Suite *schedule_suite(void);

/* 2026-11-30 is a Monday; 1796000000 is 2026-11-30T00:53:20Z. */
static const struct {
	const char *spec;
	const char *tz;
	int64_t after;
	int64_t expect;		/* 0: spec invalid */
} weekly_cases[] = {
	{ "Mon 08:00", "UTC", 1796000000, 1796025600 },
	/* Just after this week's run: next Monday. */
	{ "Mon 08:00", "UTC", 1796025600, 1796025600 + 7 * 86400 },
	{ "monday 08:00", "UTC", 1796000000, 1796025600 },
	{ "Tue 00:00", "UTC", 1796000000, 1796083200 },
	{ "daily 08:00", "UTC", 1796025600, 1796025600 + 86400 },
	/* Local time: 08:00 in Geneva (UTC+1 in winter) is 07:00 UTC. */
	{ "Mon 08:00", "Europe/Zurich", 1796000000, 1796022000 },
	{ "Mon 8am", "UTC", 1796000000, 0 },
	{ "Someday 08:00", "UTC", 1796000000, 0 },
	{ "Mon 25:00", "UTC", 1796000000, 0 },
};

START_TEST(test_schedule_weekly_table)
{
	GTimeZone *tz = g_time_zone_new_identifier(weekly_cases[_i].tz);
	int64_t next = 0;
	bool ok;

	ck_assert_ptr_nonnull(tz);
	ok = schedule_weekly_next(weekly_cases[_i].spec, weekly_cases[_i].after,
	    tz, &next);
	if (weekly_cases[_i].expect) {
		ck_assert(ok);
		ck_assert_int_eq(next, weekly_cases[_i].expect);
	} else
		ck_assert(!ok);
	g_time_zone_unref(tz);
}
END_TEST

#define DL 1801439999	/* 2027-01-31T23:59:59Z */
#define D (24 * 3600)

START_TEST(test_schedule_reminders)
{
	/* Nothing before the first campaign. */
	ck_assert_int_eq(schedule_reminder_due(DL, "14;7;2", 0, DL - 20 * D), 0);
	ck_assert_int_eq(schedule_reminder_next(DL, "14;7;2", DL - 20 * D),
	    DL - 14 * D);
	/* Due once, then not again. */
	ck_assert_int_eq(schedule_reminder_due(DL, "14;7;2", 0, DL - 13 * D),
	    DL - 14 * D);
	ck_assert_int_eq(schedule_reminder_due(DL, "14;7;2", DL - 14 * D,
	    DL - 13 * D), 0);
	/* Down for two campaigns: one catch-up run, the latest. */
	ck_assert_int_eq(schedule_reminder_due(DL, "14;7;2", DL - 14 * D,
	    DL - D), DL - 2 * D);
	ck_assert_int_eq(schedule_reminder_next(DL, "14;7;2", DL - D), 0);
	/* No deadline or no plan: never. */
	ck_assert_int_eq(schedule_reminder_due(0, "14;7;2", 0, DL), 0);
	ck_assert_int_eq(schedule_reminder_due(DL, NULL, 0, DL), 0);
	ck_assert_int_eq(schedule_reminder_due(DL, "x;;7", 0, DL - 6 * D),
	    DL - 7 * D);
}
END_TEST

Suite *
schedule_suite(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("schedule");

	tcase_add_loop_test(tc, test_schedule_weekly_table, 0,
	    G_N_ELEMENTS(weekly_cases));
	tcase_add_test(tc, test_schedule_reminders);
	suite_add_tcase(s, tc);
	return s;
}
