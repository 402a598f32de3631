/* SPDX-License-Identifier: MIT */
/*
 * Statistics of integer ratings on a closed scale (SPEC section 11): the
 * count, mean, median and distribution of one set of ratings, and tables
 * of such sets, one per group (BPF, stakeholder group), to compare groups
 * side by side.  Pure: no I/O; formatting is locale-independent.
 */
#ifndef CONSULTD_STATS_H
#define CONSULTD_STATS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ratings of one group, held by value. */
struct stats {
	int scale_min;
	int scale_max;
	size_t n;		/* ratings counted */
	int64_t sum;
	size_t *counts;		/* scale_max - scale_min + 1 buckets */
};

/*
 * Starts an empty set on the scale scale_min..scale_max (scale_min <=
 * scale_max, a programming error otherwise); release with
 * stats_release().
 */
void stats_init(struct stats *s, int scale_min, int scale_max);
void stats_release(struct stats *s);

/* Counts value; returns false (and counts nothing) outside the scale. */
bool stats_add(struct stats *s, int64_t value);

/*
 * Counts the rating written in text: a whole number, white space around
 * it allowed (answers are stored normalised).  Returns false for anything
 * else or a value outside the scale.
 */
bool stats_add_text(struct stats *s, const char *text);

/* How many ratings have value (0 outside the scale). */
size_t stats_count(const struct stats *s, int value);

/* The arithmetic mean; 0 when n is 0. */
double stats_mean(const struct stats *s);

/*
 * The median: the middle rating, or the mean of the two middle ones when
 * n is even (so it may end in .5); 0 when n is 0.
 */
double stats_median(const struct stats *s);

/*
 * The mean with two decimals ("3.67"), the median with at most one
 * ("4", "3.5"), or "-" when n is 0.  Newly allocated.
 */
char *stats_mean_text(const struct stats *s);
char *stats_median_text(const struct stats *s);

/* value as a whole percentage of whole, rounded; 0 when whole is 0. */
int stats_percent(int64_t value, int64_t whole);

/* A named group's ratings inside a table. */
struct stats_group {
	char *name;
	struct stats st;
};

/*
 * The ratings of one question: all of them together, and by group.  A
 * rating may count in several groups (a participant in two BPFs) or in
 * none; groups are kept sorted by name (UTF-8 collation), created on
 * first use.
 */
struct stats_table {
	char *id;		/* the question's ID, "R1" */
	struct stats all;
	GPtrArray *groups;	/* struct stats_group *, sorted */
	GHashTable *index;	/* name -> struct stats_group *, borrowed */
};

/* A new, empty table for question id on the given scale. */
struct stats_table *stats_table_new(const char *id, int scale_min,
    int scale_max);
void stats_table_free(struct stats_table *t);

/*
 * Counts the rating in text (as stats_add_text()) once in all and once
 * in each of the ngroups groups named (borrowed; duplicates count once).
 * Returns false when text is not a rating on the scale.
 */
bool stats_table_add(struct stats_table *t, const char *text,
    const char *const *groups, size_t ngroups);

/*
 * The group named name, creating it empty if needed (so that a table
 * can list every group, rated or not).  Borrowed: valid until the table
 * is freed.
 */
struct stats_group *stats_table_group(struct stats_table *t,
    const char *name);

#endif
