/* SPDX-License-Identifier: MIT */
/*
 * Rating statistics from bucket counts: a scale has at most a hundred and
 * one points, so the median is read off the distribution without sorting
 * the ratings.  Presentation (tables, bars) is the report's and digest's.
 */
#include "stats.h"

#include <assert.h>
#include <string.h>

#include "banned.h"

void
stats_init(struct stats *s, int scale_min, int scale_max)
{
	assert(scale_min <= scale_max);
	s->scale_min = scale_min;
	s->scale_max = scale_max;
	s->n = 0;
	s->sum = 0;
	s->counts = g_new0(size_t, (size_t)(scale_max - scale_min) + 1);
}

void
stats_release(struct stats *s)
{
	g_clear_pointer(&s->counts, g_free);
	s->n = 0;
	s->sum = 0;
}

bool
stats_add(struct stats *s, int64_t value)
{
	if (value < s->scale_min || value > s->scale_max)
		return false;
	s->counts[value - s->scale_min]++;
	s->n++;
	s->sum += value;
	return true;
}

static bool
stats_parse(const char *text, int64_t *value_out)
{
	g_autofree char *copy = NULL;
	gint64 v;

	if (!text)
		return false;
	copy = g_strstrip(g_strdup(text));
	/* Ratings never need more digits; this also bounds the number. */
	if (!*copy || strlen(copy) > 6 ||
	    !g_ascii_string_to_signed(copy, 10, -100000, 1000000, &v, NULL))
		return false;
	*value_out = v;
	return true;
}

bool
stats_add_text(struct stats *s, const char *text)
{
	int64_t v;

	return stats_parse(text, &v) && stats_add(s, v);
}

size_t
stats_count(const struct stats *s, int value)
{
	if (value < s->scale_min || value > s->scale_max)
		return 0;
	return s->counts[value - s->scale_min];
}

double
stats_mean(const struct stats *s)
{
	return s->n ? (double)s->sum / (double)s->n : 0.0;
}

/* The k-th smallest rating, k counted from 0 (k < n). */
static int
stats_kth(const struct stats *s, size_t k)
{
	size_t seen = 0;
	int v;

	for (v = s->scale_min; v <= s->scale_max; v++) {
		seen += s->counts[v - s->scale_min];
		if (k < seen)
			return v;
	}
	assert(!"stats_kth: k out of range");
	return s->scale_max;
}

double
stats_median(const struct stats *s)
{
	if (!s->n)
		return 0.0;
	if (s->n % 2)
		return stats_kth(s, s->n / 2);
	return (stats_kth(s, s->n / 2 - 1) + stats_kth(s, s->n / 2)) / 2.0;
}

static char *
stats_format(double v, const char *fmt)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	return g_strdup(g_ascii_formatd(buf, sizeof(buf), fmt, v));
}

char *
stats_mean_text(const struct stats *s)
{
	if (!s->n)
		return g_strdup("-");
	return stats_format(stats_mean(s), "%.2f");
}

char *
stats_median_text(const struct stats *s)
{
	double m;

	if (!s->n)
		return g_strdup("-");
	m = stats_median(s);
	/* A median is a whole number or halfway between two. */
	return stats_format(m, m == (double)(int64_t)m ? "%.0f" : "%.1f");
}

int
stats_percent(int64_t value, int64_t whole)
{
	return whole > 0 ? (int)((value * 100 + whole / 2) / whole) : 0;
}

struct stats_table *
stats_table_new(const char *id, int scale_min, int scale_max)
{
	struct stats_table *t = g_new0(struct stats_table, 1);

	t->id = g_strdup(id);
	stats_init(&t->all, scale_min, scale_max);
	t->groups = g_ptr_array_new();
	t->index = g_hash_table_new(g_str_hash, g_str_equal);
	return t;
}

static void
stats_group_free(struct stats_group *g)
{
	g_free(g->name);
	stats_release(&g->st);
	g_free(g);
}

void
stats_table_free(struct stats_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->groups->len; i++)
		stats_group_free(t->groups->pdata[i]);
	g_ptr_array_unref(t->groups);
	g_hash_table_unref(t->index);
	stats_release(&t->all);
	g_free(t->id);
	g_free(t);
}

struct stats_group *
stats_table_group(struct stats_table *t, const char *name)
{
	struct stats_group *g = g_hash_table_lookup(t->index, name);
	size_t lo = 0, hi = t->groups->len;

	if (g)
		return g;
	/* Collation is slow: only new groups pay for it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c;

		g = t->groups->pdata[mid];
		c = g_utf8_collate(g->name, name);
		if (c == 0)
			c = strcmp(g->name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	g = g_new0(struct stats_group, 1);
	g->name = g_strdup(name);
	stats_init(&g->st, t->all.scale_min, t->all.scale_max);
	g_ptr_array_insert(t->groups, (int)lo, g);
	g_hash_table_insert(t->index, g->name, g);
	return g;
}

bool
stats_table_add(struct stats_table *t, const char *text,
    const char *const *groups, size_t ngroups)
{
	int64_t v;
	size_t i, j;

	if (!stats_parse(text, &v) || !stats_add(&t->all, v))
		return false;
	for (i = 0; i < ngroups; i++) {
		bool seen = false;

		for (j = 0; j < i && !seen; j++)
			seen = strcmp(groups[j], groups[i]) == 0;
		if (!seen)
			stats_add(&stats_table_group(t, groups[i])->st, v);
	}
	return true;
}
