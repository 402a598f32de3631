/* SPDX-License-Identifier: MIT */
/*
 * Rating statistics: count, mean, median (odd, even, halfway), the
 * distribution and the text forms, and tables grouped by BPF where one
 * rating counts in several groups.
 */
#include <check.h>
#include <string.h>

#include "stats.h"

Suite *stats_suite(void);

static const struct {
	const char *ratings;	/* space-separated answers as stored */
	int min, max;
	size_t n;
	const char *mean;
	const char *median;
	const char *dist;	/* counts from min to max */
} stats_cases[] = {
	{ "", 1, 5, 0, "-", "-", "0 0 0 0 0" },
	{ "4", 1, 5, 1, "4.00", "4", "0 0 0 1 0" },
	{ "1 5", 1, 5, 2, "3.00", "3", "1 0 0 0 1" },
	{ "3 4", 1, 5, 2, "3.50", "3.5", "0 0 1 1 0" },
	{ "5 1 4 4 2", 1, 5, 5, "3.20", "4", "1 1 0 2 1" },
	{ "2 2 2 3", 1, 5, 4, "2.25", "2", "0 3 1 0 0" },
	{ "1 2 2", 1, 5, 3, "1.67", "2", "1 2 0 0 0" },
	/* Out of the scale, not a number, decimals: not counted. */
	{ "0 6 x 4.5 -1 3", 1, 5, 1, "3.00", "3", "0 0 1 0 0" },
	/* White space around a stored rating is tolerated. */
	{ "_7_ 10", 0, 10, 2, "8.50", "8.5", "0 0 0 0 0 0 0 1 0 0 1" },
	{ "0 0 1", 0, 1, 3, "0.33", "0", "2 1" },
};

START_TEST(test_stats_count_mean_median_distribution)
{
	struct stats s;
	g_auto(GStrv) words = g_strsplit(stats_cases[_i].ratings, " ", -1);
	g_autoptr(GString) dist = g_string_new(NULL);
	g_autofree char *mean = NULL;
	g_autofree char *median = NULL;
	size_t i;
	int v;

	stats_init(&s, stats_cases[_i].min, stats_cases[_i].max);
	for (i = 0; words[i]; i++) {
		g_strdelimit(words[i], "_", ' ');
		if (*words[i])
			stats_add_text(&s, words[i]);
	}
	ck_assert_uint_eq(s.n, stats_cases[_i].n);
	mean = stats_mean_text(&s);
	median = stats_median_text(&s);
	ck_assert_str_eq(mean, stats_cases[_i].mean);
	ck_assert_str_eq(median, stats_cases[_i].median);
	for (v = s.scale_min; v <= s.scale_max; v++)
		g_string_append_printf(dist, "%s%zu",
		    v > s.scale_min ? " " : "", stats_count(&s, v));
	ck_assert_str_eq(dist->str, stats_cases[_i].dist);
	ck_assert_uint_eq(stats_count(&s, s.scale_max + 1), 0);
	stats_release(&s);
}
END_TEST

START_TEST(test_stats_add_rejects_outside_the_scale)
{
	struct stats s;

	stats_init(&s, 1, 5);
	ck_assert(!stats_add(&s, 0));
	ck_assert(!stats_add(&s, 6));
	ck_assert(!stats_add_text(&s, NULL));
	ck_assert(!stats_add_text(&s, ""));
	ck_assert(!stats_add_text(&s, "4/5"));
	ck_assert(!stats_add_text(&s, "99999999999999999999"));
	ck_assert(stats_add(&s, 5));
	ck_assert_uint_eq(s.n, 1);
	ck_assert(stats_mean(&s) == 5.0);
	ck_assert(stats_median(&s) == 5.0);
	stats_release(&s);
}
END_TEST

static const struct {
	int64_t part, whole;
	int percent;
} percent_cases[] = {
	{ 0, 0, 0 }, { 1, 3, 33 }, { 2, 3, 67 }, { 1, 2, 50 }, { 4, 12, 33 },
	{ 5, 5, 100 }, { 1, 200, 1 }, { 1, 201, 0 },
};

START_TEST(test_stats_percent_rounds)
{
	ck_assert_int_eq(stats_percent(percent_cases[_i].part,
	    percent_cases[_i].whole), percent_cases[_i].percent);
}
END_TEST

START_TEST(test_stats_table_groups_sorted_and_counted_once_each)
{
	static const char *const ipv6_cyber[] = { "IPv6", "Cybersecurity",
	    "IPv6" };
	static const char *const spam[] = { "Spam" };
	static const char *const accents[] = { "Elections" };
	struct stats_table *t = stats_table_new("R1", 1, 5);
	const struct stats_group *g;

	ck_assert(stats_table_add(t, "4", ipv6_cyber, 3));
	ck_assert(stats_table_add(t, "2", spam, 1));
	ck_assert(stats_table_add(t, "5", ipv6_cyber, 2));
	ck_assert(!stats_table_add(t, "9", spam, 1));
	ck_assert(stats_table_add(t, "3", NULL, 0));
	ck_assert(stats_table_add(t, "1", accents, 1));
	stats_table_group(t, "Access");
	ck_assert_uint_eq(t->all.n, 5);
	ck_assert_uint_eq(t->groups->len, 5);
	g = t->groups->pdata[0];
	ck_assert_str_eq(g->name, "Access");
	ck_assert_uint_eq(g->st.n, 0);
	g = t->groups->pdata[1];
	ck_assert_str_eq(g->name, "Cybersecurity");
	ck_assert_uint_eq(g->st.n, 2);
	g = t->groups->pdata[2];
	ck_assert_str_eq(g->name, "Elections");
	g = t->groups->pdata[3];
	ck_assert_str_eq(g->name, "IPv6");
	/* Listed twice for one rating, counted once. */
	ck_assert_uint_eq(g->st.n, 2);
	ck_assert(stats_median(&g->st) == 4.5);
	g = t->groups->pdata[4];
	ck_assert_str_eq(g->name, "Spam");
	ck_assert_uint_eq(stats_count(&g->st, 2), 1);
	ck_assert_ptr_eq(stats_table_group(t, "Spam"), g);
	stats_table_free(t);
	stats_table_free(NULL);
}
END_TEST

Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_loop_test(tc, test_stats_count_mean_median_distribution, 0,
	    G_N_ELEMENTS(stats_cases));
	tcase_add_test(tc, test_stats_add_rejects_outside_the_scale);
	tcase_add_loop_test(tc, test_stats_percent_rounds, 0,
	    G_N_ELEMENTS(percent_cases));
	tcase_add_test(tc,
	    test_stats_table_groups_sorted_and_counted_once_each);
	suite_add_tcase(s, tc);
	return s;
}
