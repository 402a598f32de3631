/* SPDX-License-Identifier: MIT */
/*
 * The draft report and the tables it shares with the digest.  HTML is
 * written with inline styles and plain tables only, so that the same
 * tables read well in a mail client (Gmail and Outlook drop <style> and
 * ignore most layout CSS) and on paper; the report adds a print style
 * sheet around them.  Answers are shown as written: escaped, never
 * interpreted.
 */
#include "report.h"

#include <string.h>

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_digest.h"
#include "definition.h"
#include "stats.h"

#include "banned.h"

/* Scales longer than this list their distribution in one cell. */
#define REPORT_MAX_SCALE_COLUMNS 11
/* Text bars: characters for 100 %. */
#define REPORT_BAR_WIDTH 20

static const char report_th[] = "text-align:left;padding:4px 8px;"
    "border-bottom:2px solid #cbd5e0;font-weight:bold;";
static const char report_td[] = "padding:4px 8px;"
    "border-bottom:1px solid #e2e8f0;";
static const char report_table_open[] = "<table cellpadding=\"0\" "
    "cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;"
    "font-size:14px;margin:8px 0 16px 0;\">\n";

static void
report_answer_free(struct report_answer *a)
{
	g_free(a->text);
	g_free(a);
}

void
report_data_free(struct report_data *d)
{
	size_t i;

	if (!d)
		return;
	if (d->ratings) {
		for (i = 0; i < d->ratings->len; i++)
			stats_table_free(d->ratings->pdata[i]);
		g_ptr_array_unref(d->ratings);
	}
	g_clear_pointer(&d->answers, g_hash_table_unref);
	g_clear_pointer(&d->by_id, g_hash_table_unref);
	g_clear_pointer(&d->people, g_ptr_array_unref);
	definition_free(d->def);
	g_free(d);
}

const struct db_person *
report_person(const struct report_data *d, int64_t id)
{
	return g_hash_table_lookup(d->by_id, &id);
}

struct report_load {
	struct report_data *d;
	GHashTable *tables;	/* question ID -> struct stats_table * */
	bool with_answers;
};

static bool
report_collect(const struct db_digest_answer *a, void *data, GError **err)
{
	static const char *const no_bpf[] = { REPORT_NO_BPF };
	struct report_load *l = data;
	const struct db_person *p = report_person(l->d, a->participant_id);
	struct stats_table *t;
	struct report_answer *ra;
	GPtrArray *list;

	(void)err;
	if (!p)
		return true;
	if (!p->verified) {
		l->d->unverified_answers++;
		return true;
	}
	t = g_hash_table_lookup(l->tables, a->question);
	if (t && p->bpfs->len)
		stats_table_add(t, a->answer,
		    (const char *const *)p->bpfs->pdata, p->bpfs->len);
	else if (t)
		stats_table_add(t, a->answer, no_bpf, 1);
	if (!l->with_answers)
		return true;
	list = g_hash_table_lookup(l->d->answers, a->question);
	if (!list) {
		list = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)report_answer_free);
		g_hash_table_insert(l->d->answers, g_strdup(a->question), list);
	}
	ra = g_new0(struct report_answer, 1);
	ra->participant_id = a->participant_id;
	ra->text = g_strdup(a->answer);
	g_ptr_array_add(list, ra);
	return true;
}

struct report_data *
report_data_load(struct db *db, const char *name, bool with_answers,
    GError **err)
{
	struct report_data *d = g_new0(struct report_data, 1);
	struct report_load l = { .d = d, .with_answers = with_answers };
	size_t i, j;

	d->def = db_consultation_load(db, name, &d->cid, err);
	if (!d->def)
		goto fail;
	d->people = db_digest_people(db, d->cid, err);
	if (!d->people)
		goto fail;
	d->by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	d->ratings = g_ptr_array_new();
	d->answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_ptr_array_unref);
	l.tables = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < d->people->len; i++) {
		struct db_person *p = d->people->pdata[i];

		g_hash_table_insert(d->by_id, &p->id, p);
	}
	for (i = 0; i < d->def->questions->len; i++) {
		const struct question *q = d->def->questions->pdata[i];
		struct stats_table *t;

		if (q->kind != QUESTION_RATING)
			continue;
		t = stats_table_new(q->id, q->scale_min, q->scale_max);
		/* Every BPF gets its row, rated or not yet. */
		for (j = 0; j < d->people->len; j++) {
			const struct db_person *p = d->people->pdata[j];
			size_t k;

			for (k = 0; p->verified && k < p->bpfs->len; k++)
				stats_table_group(t, p->bpfs->pdata[k]);
		}
		g_ptr_array_add(d->ratings, t);
		g_hash_table_insert(l.tables, t->id, t);
	}
	if (!db_digest_answers(db, d->cid, &DB_DIGEST_RANGE_ALL,
	    report_collect, &l, err))
		goto fail;
	g_hash_table_unref(l.tables);
	return d;
fail:
	g_clear_pointer(&l.tables, g_hash_table_unref);
	report_data_free(d);
	return NULL;
}

void
report_totals(const struct report_data *d, struct report_totals *t)
{
	size_t i;

	*t = (struct report_totals){ 0 };
	for (i = 0; i < d->people->len; i++) {
		const struct db_person *p = d->people->pdata[i];

		if (!p->verified) {
			t->unverified++;
			continue;
		}
		t->participants++;
		t->invited += p->invited;
		t->replied += p->replied;
		t->complete += p->complete;
		t->partial += p->replied && !p->complete;
		t->not_replied += p->invited && !p->replied &&
		    strcmp(p->status, "active") == 0;
		t->bounced += strcmp(p->status, "bounced") == 0;
		t->opted_out += strcmp(p->status, "opted_out") == 0;
	}
}

static void
report_rate_free(struct report_rate *r)
{
	g_free(r->name);
	g_free(r);
}

/* Names in collation order, the "no BPF/group" bucket last. */
static int
report_name_cmp(const char *a, const char *b)
{
	bool na = a[0] == '(', nb = b[0] == '(';
	int c;

	if (na != nb)
		return na ? 1 : -1;
	c = g_utf8_collate(a, b);
	return c ? c : strcmp(a, b);
}

static int
report_str_cmp(const void *a, const void *b)
{
	return report_name_cmp(*(const char *const *)a,
	    *(const char *const *)b);
}

static int
report_rate_cmp(const void *a, const void *b)
{
	const struct report_rate *ra = *(const struct report_rate *const *)a;
	const struct report_rate *rb = *(const struct report_rate *const *)b;

	return report_name_cmp(ra->name, rb->name);
}

static void
report_rate_count(GHashTable *index, GPtrArray *rates, const char *name,
    const struct db_person *p)
{
	struct report_rate *r = g_hash_table_lookup(index, name);

	if (!r) {
		r = g_new0(struct report_rate, 1);
		r->name = g_strdup(name);
		g_hash_table_insert(index, r->name, r);
		g_ptr_array_add(rates, r);
	}
	r->participants++;
	r->invited += p->invited;
	r->replied += p->replied;
	r->complete += p->complete;
}

GPtrArray *
report_rates(const struct report_data *d, bool by_bpf)
{
	GPtrArray *rates = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)report_rate_free);
	g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash,
	    g_str_equal);
	size_t i, j;

	for (i = 0; i < d->people->len; i++) {
		const struct db_person *p = d->people->pdata[i];

		if (!p->verified)
			continue;
		if (!by_bpf)
			report_rate_count(index, rates, p->stakeholder_group &&
			    *p->stakeholder_group ? p->stakeholder_group :
			    REPORT_NO_GROUP, p);
		else if (!p->bpfs->len)
			report_rate_count(index, rates, REPORT_NO_BPF, p);
		for (j = 0; by_bpf && j < p->bpfs->len; j++)
			report_rate_count(index, rates, p->bpfs->pdata[j], p);
	}
	g_ptr_array_sort(rates, report_rate_cmp);
	return rates;
}

/* Small writers. */

void
report_html_escape(GString *out, const char *s)
{
	g_autofree char *e = g_markup_escape_text(s ? s : "", -1);

	g_string_append(out, e);
}

void
report_html_lines(GString *out, const char *s)
{
	g_auto(GStrv) lines = g_strsplit(s ? s : "", "\n", -1);
	size_t i;

	for (i = 0; lines[i]; i++) {
		if (i)
			g_string_append(out, "<br>\n");
		report_html_escape(out, lines[i]);
	}
}

/*
 * Markdown: backslash-escape what could start markup or raw HTML
 * (CommonMark allows it before any ASCII punctuation); newlines become
 * spaces where a single line is needed (table cells, list items).
 */
static void
report_md_escape(GString *out, const char *s, bool one_line)
{
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>|#!", *s))
			g_string_append_c(out, '\\');
		if (*s == '\n' && one_line)
			g_string_append_c(out, ' ');
		else
			g_string_append_c(out, *s);
	}
}

/* The characters of s. */
static size_t
report_width(const char *s)
{
	return (size_t)g_utf8_strlen(s, -1);
}

/* Appends s padded (or cut, with an ellipsis) to width characters. */
static void
report_pad(GString *out, const char *s, size_t width, bool right)
{
	size_t len = report_width(s);
	size_t i;

	if (len > width) {
		const char *end = g_utf8_offset_to_pointer(s, (glong)width - 1);

		g_string_append_len(out, s, end - s);
		g_string_append(out, "\xe2\x80\xa6");
		return;
	}
	for (i = 0; right && i < width - len; i++)
		g_string_append_c(out, ' ');
	g_string_append(out, s);
	for (i = 0; !right && i < width - len; i++)
		g_string_append_c(out, ' ');
}

void
report_pseudonym(GString *out, int64_t id)
{
	g_string_append_printf(out, "Participant %lld", (long long)id);
}

static char *
report_date(int64_t t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

	return g_date_time_format(dt, "%-d %B %Y");
}

/* Rating tables. */

/* The header and one row per group, as strings. */
struct report_grid {
	size_t ncols;
	GPtrArray *cells;	/* char *, row-major, row 0 the header */
	size_t nums;		/* first column that is right-aligned */
	size_t heat;		/* first distribution column, 0: none */
};

static void
report_grid_add(struct report_grid *g, char *cell)
{
	g_ptr_array_add(g->cells, cell);
}

static void
report_grid_row(struct report_grid *g, const char *name,
    const struct stats *s, bool columns)
{
	int v;

	report_grid_add(g, g_strdup(name));
	report_grid_add(g, g_strdup_printf("%zu", s->n));
	report_grid_add(g, stats_mean_text(s));
	report_grid_add(g, stats_median_text(s));
	if (columns) {
		for (v = s->scale_min; v <= s->scale_max; v++)
			report_grid_add(g, g_strdup_printf("%zu",
			    stats_count(s, v)));
		return;
	}
	{
		GString *dist = g_string_new(NULL);

		for (v = s->scale_min; v <= s->scale_max; v++)
			if (stats_count(s, v))
				g_string_append_printf(dist, "%s%d:%zu",
				    dist->len ? " " : "", v, stats_count(s, v));
		report_grid_add(g, g_string_free(dist, FALSE));
	}
}

static void
report_grid_release(struct report_grid *g)
{
	g_ptr_array_unref(g->cells);
}

static void
report_grid_text(GString *out, const struct report_grid *g)
{
	size_t *w = g_new0(size_t, g->ncols);
	size_t rows = g->cells->len / g->ncols;
	size_t r, c;

	for (r = 0; r < rows; r++)
		for (c = 0; c < g->ncols; c++)
			w[c] = MAX(w[c], report_width(
			    g->cells->pdata[r * g->ncols + c]));
	w[0] = MIN(w[0], 28);
	for (r = 0; r < rows; r++) {
		g_string_append(out, "  ");
		for (c = 0; c < g->ncols; c++) {
			if (c)
				g_string_append(out, "  ");
			report_pad(out, g->cells->pdata[r * g->ncols + c],
			    w[c], c >= g->nums);
		}
		g_string_append_c(out, '\n');
	}
	g_free(w);
}

static void
report_grid_md(GString *out, const struct report_grid *g)
{
	size_t rows = g->cells->len / g->ncols;
	size_t r, c;

	for (r = 0; r < rows; r++) {
		g_string_append(out, "|");
		for (c = 0; c < g->ncols; c++) {
			g_string_append_c(out, ' ');
			report_md_escape(out, g->cells->pdata[r * g->ncols + c],
			    true);
			g_string_append(out, " |");
		}
		g_string_append_c(out, '\n');
		if (r)
			continue;
		g_string_append(out, "|");
		for (c = 0; c < g->ncols; c++)
			g_string_append(out, c >= g->nums ? " ---: |" :
			    " :--- |");
		g_string_append_c(out, '\n');
	}
	g_string_append_c(out, '\n');
}

/* A count's cell: white to light blue by its share of the row's n. */
static void
report_heat_style(GString *out, const char *count, const char *n)
{
	gint64 c = 0, total = 0;
	double share;

	g_ascii_string_to_signed(count, 10, 0, G_MAXINT64, &c, NULL);
	g_ascii_string_to_signed(n, 10, 0, G_MAXINT64, &total, NULL);
	share = total ? (double)c / (double)total : 0.0;
	g_string_append_printf(out, "background-color:#%02x%02x%02x;",
	    (unsigned)(255 - share * (255 - 0x90)),
	    (unsigned)(255 - share * (255 - 0xcd)),
	    (unsigned)(255 - share * (255 - 0xf4)));
}

static void
report_grid_html(GString *out, const struct report_grid *g)
{
	size_t rows = g->cells->len / g->ncols;
	size_t r, c;

	g_string_append(out, report_table_open);
	for (r = 0; r < rows; r++) {
		g_string_append(out, r ? "<tr>" : "<tr style=\""
		    "background-color:#edf2f7;\">");
		for (c = 0; c < g->ncols; c++) {
			const char *cell = g->cells->pdata[r * g->ncols + c];

			g_string_append_printf(out, "<%s style=\"%s",
			    r ? "td" : "th", r ? report_td : report_th);
			if (c >= g->nums)
				g_string_append(out, "text-align:right;");
			if (r && g->heat && c >= g->heat)
				report_heat_style(out, cell,
				    g->cells->pdata[r * g->ncols + 1]);
			if (r && c == 0 && r == 1)
				g_string_append(out, "font-weight:bold;");
			g_string_append(out, "\">");
			report_html_escape(out, cell);
			g_string_append_printf(out, "</%s>", r ? "td" : "th");
		}
		g_string_append(out, "</tr>\n");
	}
	g_string_append(out, "</table>\n");
}

static void
report_grid_write(GString *out, enum report_style style,
    const struct report_grid *g)
{
	switch (style) {
	case REPORT_STYLE_TEXT:
		report_grid_text(out, g);
		break;
	case REPORT_STYLE_MARKDOWN:
		report_grid_md(out, g);
		break;
	case REPORT_STYLE_HTML:
		report_grid_html(out, g);
		break;
	}
}

void
report_rating_table(GString *out, enum report_style style,
    const struct stats_table *t)
{
	const struct stats *all = &t->all;
	bool columns = all->scale_max - all->scale_min + 1 <=
	    REPORT_MAX_SCALE_COLUMNS;
	struct report_grid g = { 0 };
	size_t i;
	int v;

	g.cells = g_ptr_array_new_with_free_func(g_free);
	report_grid_add(&g, g_strdup("BPF"));
	report_grid_add(&g, g_strdup("n"));
	report_grid_add(&g, g_strdup("mean"));
	report_grid_add(&g, g_strdup("median"));
	if (columns)
		for (v = all->scale_min; v <= all->scale_max; v++)
			report_grid_add(&g, g_strdup_printf("%d", v));
	else
		report_grid_add(&g, g_strdup("distribution"));
	g.ncols = g.cells->len;
	g.nums = 1;
	g.heat = columns ? 4 : 0;
	report_grid_row(&g, "All", all, columns);
	for (i = 0; i < t->groups->len; i++) {
		const struct stats_group *grp = t->groups->pdata[i];

		report_grid_row(&g, grp->name, &grp->st, columns);
	}
	report_grid_write(out, style, &g);
	report_grid_release(&g);
}

static void
report_matrix_row(struct report_grid *g, const struct report_data *d,
    const char *name)
{
	size_t i;

	report_grid_add(g, g_strdup(name));
	for (i = 0; i < d->ratings->len; i++) {
		struct stats_table *t = d->ratings->pdata[i];
		const struct stats *s = &t->all;
		g_autofree char *mean = NULL;

		if (strcmp(name, "All") != 0) {
			struct stats_group *grp = g_hash_table_lookup(t->index,
			    name);

			s = grp ? &grp->st : NULL;
		}
		if (!s || !s->n) {
			report_grid_add(g, g_strdup("-"));
			continue;
		}
		mean = stats_mean_text(s);
		report_grid_add(g, g_strdup_printf("%s (%zu)", mean, s->n));
	}
}

void
report_rating_matrix(GString *out, enum report_style style,
    const struct report_data *d)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash,
	    g_str_equal);
	struct report_grid g = { 0 };
	size_t i, j;

	if (!d->ratings->len)
		return;
	for (i = 0; i < d->ratings->len; i++) {
		const struct stats_table *t = d->ratings->pdata[i];

		for (j = 0; j < t->groups->len; j++) {
			const struct stats_group *grp = t->groups->pdata[j];

			if (g_hash_table_add(seen, grp->name))
				g_ptr_array_add(names, grp->name);
		}
	}
	g_ptr_array_sort(names, report_str_cmp);
	g.cells = g_ptr_array_new_with_free_func(g_free);
	report_grid_add(&g, g_strdup("BPF"));
	for (i = 0; i < d->ratings->len; i++)
		report_grid_add(&g, g_strdup(
		    ((struct stats_table *)d->ratings->pdata[i])->id));
	g.ncols = g.cells->len;
	g.nums = 1;
	report_matrix_row(&g, d, "All");
	for (i = 0; i < names->len; i++)
		report_matrix_row(&g, d, names->pdata[i]);
	report_grid_write(out, style, &g);
	report_grid_release(&g);
}

/* Response-rate tables. */

static void
report_bar_html(GString *out, int percent)
{
	int width = 160;
	int fill = CLAMP(percent, 0, 100) * width / 100;

	g_string_append_printf(out, "<table cellpadding=\"0\" cellspacing=\"0\""
	    " border=\"0\" width=\"%d\" style=\"width:%dpx;"
	    "border-collapse:collapse;\"><tr>", width, width);
	if (fill > 0)
		g_string_append_printf(out, "<td width=\"%d\" height=\"12\" "
		    "bgcolor=\"#3182ce\" style=\"width:%dpx;height:12px;"
		    "background-color:#3182ce;font-size:0;line-height:0;\">"
		    "&nbsp;</td>", fill, fill);
	if (fill < width)
		g_string_append_printf(out, "<td width=\"%d\" height=\"12\" "
		    "bgcolor=\"#e2e8f0\" style=\"width:%dpx;height:12px;"
		    "background-color:#e2e8f0;font-size:0;line-height:0;\">"
		    "&nbsp;</td>", width - fill, width - fill);
	g_string_append(out, "</tr></table>");
}

static void
report_bar_text(GString *out, int percent)
{
	int fill = (CLAMP(percent, 0, 100) * REPORT_BAR_WIDTH + 50) / 100;
	int i;

	for (i = 0; i < REPORT_BAR_WIDTH; i++)
		g_string_append_c(out, i < fill ? '#' : '.');
}

static void
report_rate_html(GString *out, const char *label, const GPtrArray *rates)
{
	size_t i;

	g_string_append(out, report_table_open);
	g_string_append_printf(out, "<tr style=\"background-color:#edf2f7;\">"
	    "<th style=\"%s\">", report_th);
	report_html_escape(out, label);
	g_string_append_printf(out, "</th><th style=\"%stext-align:right;\">"
	    "replied</th><th style=\"%stext-align:right;\">invited</th>"
	    "<th style=\"%stext-align:right;\">rate</th><th style=\"%s\">"
	    "</th></tr>\n", report_th, report_th, report_th, report_th);
	for (i = 0; i < rates->len; i++) {
		const struct report_rate *r = rates->pdata[i];
		int pct = stats_percent(r->replied, r->invited);

		g_string_append_printf(out, "<tr><td style=\"%s\">", report_td);
		report_html_escape(out, r->name);
		g_string_append_printf(out, "</td><td style=\"%s"
		    "text-align:right;\">%lld</td><td style=\"%s"
		    "text-align:right;\">%lld</td><td style=\"%s"
		    "text-align:right;\">%d%%</td><td style=\"%s\">",
		    report_td, (long long)r->replied, report_td,
		    (long long)r->invited, report_td, pct, report_td);
		report_bar_html(out, pct);
		g_string_append(out, "</td></tr>\n");
	}
	g_string_append(out, "</table>\n");
}

void
report_rate_table(GString *out, enum report_style style, const char *label,
    const GPtrArray *rates)
{
	size_t width = report_width(label);
	size_t i;

	if (style == REPORT_STYLE_HTML) {
		report_rate_html(out, label, rates);
		return;
	}
	if (style == REPORT_STYLE_MARKDOWN)
		g_string_append_printf(out, "| %s | replied | invited | rate |"
		    "  |\n| :--- | ---: | ---: | ---: | :--- |\n", label);
	for (i = 0; i < rates->len; i++)
		width = MAX(width, report_width(((const struct report_rate *)
		    rates->pdata[i])->name));
	width = MIN(width, 28);
	if (style == REPORT_STYLE_TEXT) {
		g_string_append(out, "  ");
		report_pad(out, label, width, false);
		g_string_append(out, "  replied of invited\n");
	}
	for (i = 0; i < rates->len; i++) {
		const struct report_rate *r = rates->pdata[i];
		int pct = stats_percent(r->replied, r->invited);

		if (style == REPORT_STYLE_MARKDOWN) {
			g_string_append(out, "| ");
			report_md_escape(out, r->name, true);
			g_string_append_printf(out, " | %lld | %lld | %d%% | `",
			    (long long)r->replied, (long long)r->invited, pct);
			report_bar_text(out, pct);
			g_string_append(out, "` |\n");
			continue;
		}
		g_string_append(out, "  ");
		report_pad(out, r->name, width, false);
		g_string_append_printf(out, "  %4lld of %-4lld %4d%%  ",
		    (long long)r->replied, (long long)r->invited, pct);
		report_bar_text(out, pct);
		g_string_append_c(out, '\n');
	}
	if (style == REPORT_STYLE_MARKDOWN)
		g_string_append_c(out, '\n');
}

/* The report. */

struct report_ctx {
	GString *out;
	enum report_format format;
	bool anonymous;
	const struct report_data *d;
	int64_t now;
};

static enum report_style
report_style(const struct report_ctx *c)
{
	return c->format == REPORT_HTML ? REPORT_STYLE_HTML :
	    REPORT_STYLE_MARKDOWN;
}

static void
report_heading(struct report_ctx *c, int level, const char *anchor,
    const char *text)
{
	int i;

	if (c->format == REPORT_HTML) {
		g_string_append_printf(c->out, "<h%d", level);
		if (anchor) {
			g_string_append(c->out, " id=\"");
			report_html_escape(c->out, anchor);
			g_string_append_c(c->out, '"');
		}
		g_string_append_c(c->out, '>');
		report_html_escape(c->out, text);
		g_string_append_printf(c->out, "</h%d>\n", level);
		return;
	}
	for (i = 0; i < level; i++)
		g_string_append_c(c->out, '#');
	g_string_append_c(c->out, ' ');
	report_md_escape(c->out, text, true);
	g_string_append(c->out, "\n\n");
}

/* A paragraph of plain text; blank lines in it start new paragraphs. */
static void
report_paragraph(struct report_ctx *c, const char *text, bool note)
{
	g_auto(GStrv) paras = g_strsplit(text, "\n\n", -1);
	size_t i;

	for (i = 0; paras[i]; i++) {
		g_strstrip(paras[i]);
		if (!*paras[i])
			continue;
		if (c->format == REPORT_HTML) {
			g_string_append(c->out, note ? "<p class=\"note\">" :
			    "<p>");
			report_html_lines(c->out, paras[i]);
			g_string_append(c->out, "</p>\n");
			continue;
		}
		if (note)
			g_string_append_c(c->out, '*');
		report_md_escape(c->out, paras[i], note);
		g_string_append(c->out, note ? "*\n\n" : "\n\n");
	}
}

static void
report_attribution(struct report_ctx *c, GString *s, int64_t pid)
{
	const struct db_person *p = report_person(c->d, pid);

	if (c->anonymous || !p)
		report_pseudonym(s, pid);
	else
		g_string_append(s, p->name && *p->name ? p->name : p->email);
}

static void
report_quote(struct report_ctx *c, const struct report_answer *a)
{
	g_autoptr(GString) who = g_string_new(NULL);
	g_auto(GStrv) lines = NULL;
	size_t i;

	report_attribution(c, who, a->participant_id);
	if (c->format == REPORT_HTML) {
		g_string_append(c->out, "<blockquote><p>");
		report_html_lines(c->out, a->text);
		g_string_append(c->out, "</p><footer>&mdash; ");
		report_html_escape(c->out, who->str);
		g_string_append(c->out, "</footer></blockquote>\n");
		return;
	}
	lines = g_strsplit(a->text, "\n", -1);
	for (i = 0; lines[i]; i++) {
		g_string_append(c->out, lines[i][0] ? "> " : ">");
		report_md_escape(c->out, lines[i], false);
		g_string_append_c(c->out, '\n');
	}
	g_string_append(c->out, ">\n> \xe2\x80\x94 ");
	report_md_escape(c->out, who->str, true);
	g_string_append(c->out, "\n\n");
}

struct report_entry {
	const char *bpf;
	const char *group;
	const char *bpf_key;	/* collation keys, from report_key() */
	const char *group_key;
	const struct report_answer *a;
};

/*
 * The collation key of name, made once per name: sorting thousands of
 * answers would otherwise collate the same few names a million times.
 * The "(no BPF)"-style buckets sort last, as in report_name_cmp().
 */
static const char *
report_key(GHashTable *keys, const char *name)
{
	char *key = g_hash_table_lookup(keys, name);

	if (!key) {
		g_autofree char *k = g_utf8_collate_key(name, -1);

		key = g_strconcat(name[0] == '(' ? "\x02" : "\x01", k, NULL);
		g_hash_table_insert(keys, (void *)(uintptr_t)name, key);
	}
	return key;
}

static int
report_entry_cmp(const void *x, const void *y)
{
	const struct report_entry *a = x, *b = y;
	int c = strcmp(a->bpf_key, b->bpf_key);

	if (!c)
		c = strcmp(a->bpf, b->bpf);
	if (!c)
		c = strcmp(a->group_key, b->group_key);
	if (!c)
		c = strcmp(a->group, b->group);
	if (!c)
		c = (a->a->participant_id > b->a->participant_id) -
		    (a->a->participant_id < b->a->participant_id);
	return c;
}

/*
 * The answers to a question under a heading per BPF and one per
 * stakeholder group within it; a participant in two BPFs is quoted under
 * both, since a reader of one BPF's section expects every answer about it.
 */
static void
report_grouped_answers(struct report_ctx *c, const GPtrArray *list)
{
	g_autoptr(GArray) entries = g_array_new(FALSE, FALSE,
	    sizeof(struct report_entry));
	g_autoptr(GHashTable) keys = g_hash_table_new_full(g_str_hash,
	    g_str_equal, NULL, g_free);
	const char *bpf = NULL, *group = NULL;
	size_t i, j;

	for (i = 0; list && i < list->len; i++) {
		const struct report_answer *a = list->pdata[i];
		const struct db_person *p = report_person(c->d,
		    a->participant_id);
		struct report_entry e = { REPORT_NO_BPF, REPORT_NO_GROUP,
		    NULL, NULL, a };

		if (p->stakeholder_group && *p->stakeholder_group)
			e.group = p->stakeholder_group;
		e.group_key = report_key(keys, e.group);
		if (!p->bpfs->len) {
			e.bpf_key = report_key(keys, e.bpf);
			g_array_append_val(entries, e);
		}
		for (j = 0; j < p->bpfs->len; j++) {
			e.bpf = p->bpfs->pdata[j];
			e.bpf_key = report_key(keys, e.bpf);
			g_array_append_val(entries, e);
		}
	}
	if (!entries->len) {
		report_paragraph(c, "No answers yet.", true);
		return;
	}
	g_array_sort(entries, report_entry_cmp);
	for (i = 0; i < entries->len; i++) {
		const struct report_entry *e = &g_array_index(entries,
		    struct report_entry, i);

		if (!bpf || strcmp(bpf, e->bpf) != 0) {
			g_autofree char *h = g_strconcat("BPF: ", e->bpf, NULL);

			report_heading(c, 3, NULL, h);
			bpf = e->bpf;
			group = NULL;
		}
		if (!group || strcmp(group, e->group) != 0) {
			report_heading(c, 4, NULL, e->group);
			group = e->group;
		}
		report_quote(c, e->a);
	}
}

/* Adds one to the count of option opt in column col. */
static void
report_choice_count(GHashTable *counts, GPtrArray *cols, const char *col,
    const char *opt)
{
	char *key = g_strconcat(col, "\x1f", opt, NULL);
	size_t n = GPOINTER_TO_SIZE(g_hash_table_lookup(counts, key));

	if (cols && !g_ptr_array_find_with_equal_func(cols, col, g_str_equal,
	    NULL))
		g_ptr_array_add(cols, (void *)(uintptr_t)col);
	g_hash_table_replace(counts, key, GSIZE_TO_POINTER(n + 1));
}

/* Choices and yes/no: how many chose each option, overall and by BPF. */
static void
report_choice_table(struct report_ctx *c, const struct question *q,
    const GPtrArray *list)
{
	static const char *const yesno[] = { "yes", "no" };
	g_autoptr(GPtrArray) options = g_ptr_array_new();
	g_autoptr(GPtrArray) bpfs = g_ptr_array_new();
	g_autoptr(GHashTable) counts = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	struct report_grid g = { 0 };
	bool other = false;
	size_t i, j;

	for (i = 0; i < q->options->len; i++)
		g_ptr_array_add(options, q->options->pdata[i]);
	for (i = 0; q->kind == QUESTION_YESNO && i < G_N_ELEMENTS(yesno); i++)
		g_ptr_array_add(options, (void *)(uintptr_t)yesno[i]);
	for (i = 0; list && i < list->len; i++) {
		const struct report_answer *a = list->pdata[i];
		const struct db_person *p = report_person(c->d,
		    a->participant_id);
		const char *opt = "other";

		for (j = 0; j < options->len; j++)
			if (strcmp(options->pdata[j], a->text) == 0)
				opt = options->pdata[j];
		other = other || strcmp(opt, "other") == 0;
		report_choice_count(counts, NULL, "", opt);
		if (!p->bpfs->len)
			report_choice_count(counts, bpfs, REPORT_NO_BPF, opt);
		for (j = 0; j < p->bpfs->len; j++)
			report_choice_count(counts, bpfs, p->bpfs->pdata[j],
			    opt);
	}
	if (other)
		g_ptr_array_add(options, (void *)(uintptr_t)"other");
	g_ptr_array_sort(bpfs, report_str_cmp);
	g.cells = g_ptr_array_new_with_free_func(g_free);
	report_grid_add(&g, g_strdup("answer"));
	report_grid_add(&g, g_strdup("All"));
	for (i = 0; i < bpfs->len; i++)
		report_grid_add(&g, g_strdup(bpfs->pdata[i]));
	g.ncols = g.cells->len;
	g.nums = 1;
	for (j = 0; j < options->len; j++) {
		report_grid_add(&g, g_strdup(options->pdata[j]));
		for (i = 0; i <= bpfs->len; i++) {
			g_autofree char *key = g_strconcat(i ? (char *)
			    bpfs->pdata[i - 1] : "", "\x1f",
			    (char *)options->pdata[j], NULL);

			report_grid_add(&g, g_strdup_printf("%zu",
			    GPOINTER_TO_SIZE(g_hash_table_lookup(counts,
			    key))));
		}
	}
	report_grid_write(c->out, report_style(c), &g);
	report_grid_release(&g);
}

static void
report_question(struct report_ctx *c, const struct question *q)
{
	const GPtrArray *list = g_hash_table_lookup(c->d->answers, q->id);
	g_autofree char *title = NULL;
	size_t i;

	if (q->kind == QUESTION_RATING)
		title = g_strdup_printf("%s. %s (rating %d-%d)", q->id,
		    q->prompt, q->scale_min, q->scale_max);
	else
		title = g_strdup_printf("%s. %s", q->id, q->prompt);
	report_heading(c, 2, q->id, title);
	if (q->help)
		report_paragraph(c, q->help, true);
	switch (q->kind) {
	case QUESTION_TEXT:
		report_grouped_answers(c, list);
		break;
	case QUESTION_RATING:
		for (i = 0; i < c->d->ratings->len; i++) {
			const struct stats_table *t = c->d->ratings->pdata[i];

			if (strcmp(t->id, q->id) == 0)
				report_rating_table(c->out, report_style(c), t);
		}
		break;
	case QUESTION_CHOICE:
	case QUESTION_YESNO:
		report_choice_table(c, q, list);
		break;
	}
}

static void
report_intro(struct report_ctx *c, const struct report_totals *t)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *today = report_date(c->now);
	size_t i;

	report_heading(c, 1, NULL, c->d->def->title);
	g_string_printf(s, "Draft report compiled on %s from the current "
	    "answers of %lld participant%s.", today, (long long)t->replied,
	    t->replied == 1 ? "" : "s");
	if (c->anonymous)
		g_string_append(s, " Participants are shown under stable "
		    "pseudonyms.");
	report_paragraph(c, s->str, true);
	report_heading(c, 2, "introduction", "Introduction");
	if (c->d->def->description)
		report_paragraph(c, c->d->def->description, false);
	g_string_printf(s, "%lld of the %lld invited participants replied "
	    "(%d%%), %lld of them to every question. The questions follow "
	    "in the order they were asked, each with its ID; the answers "
	    "are grouped by Best Practice Forum (BPF) and stakeholder "
	    "group, and ratings are summarised in tables.",
	    (long long)t->replied, (long long)t->invited,
	    stats_percent(t->replied, t->invited), (long long)t->complete);
	report_paragraph(c, s->str, false);
	if (c->format == REPORT_HTML) {
		g_string_append(c->out, "<ul class=\"toc\">\n");
		for (i = 0; i < c->d->def->questions->len; i++) {
			const struct question *q =
			    c->d->def->questions->pdata[i];

			g_string_append(c->out, "<li><a href=\"#");
			report_html_escape(c->out, q->id);
			g_string_append(c->out, "\">");
			report_html_escape(c->out, q->id);
			g_string_append(c->out, "</a> ");
			report_html_escape(c->out, q->prompt);
			g_string_append(c->out, "</li>\n");
		}
		g_string_append(c->out, "</ul>\n");
	}
}

static int
report_person_cmp(const void *x, const void *y)
{
	const struct db_person *a = *(const struct db_person *const *)x;
	const struct db_person *b = *(const struct db_person *const *)y;
	const char *na = a->name && *a->name ? a->name : a->email;
	const char *nb = b->name && *b->name ? b->name : b->email;
	int c = g_utf8_collate(na, nb);

	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Who contributed: names (or pseudonyms), stakeholder group, BPFs. */
static void
report_participants(struct report_ctx *c)
{
	g_autoptr(GPtrArray) who = g_ptr_array_new();
	bool html = c->format == REPORT_HTML;
	size_t i, j;

	report_heading(c, 2, "participants", "Participants");
	for (i = 0; i < c->d->people->len; i++) {
		const struct db_person *p = c->d->people->pdata[i];

		if (p->verified && p->replied)
			g_ptr_array_add(who, (void *)(uintptr_t)p);
	}
	if (!who->len) {
		report_paragraph(c, "Nobody has replied yet.", true);
		return;
	}
	/* Pseudonyms in id order, so that their order reveals no name. */
	if (!c->anonymous)
		g_ptr_array_sort(who, report_person_cmp);
	if (html)
		g_string_append(c->out, "<ul class=\"people\">\n");
	for (i = 0; i < who->len; i++) {
		const struct db_person *p = who->pdata[i];
		g_autoptr(GString) line = g_string_new(NULL);

		report_attribution(c, line, p->id);
		g_string_append_printf(line, " \xe2\x80\x94 %s",
		    p->stakeholder_group && *p->stakeholder_group ?
		    p->stakeholder_group : REPORT_NO_GROUP);
		for (j = 0; j < p->bpfs->len; j++)
			g_string_append_printf(line, "%s%s", j ? ", " : "; ",
			    (char *)p->bpfs->pdata[j]);
		if (html) {
			g_string_append(c->out, "<li>");
			report_html_escape(c->out, line->str);
			g_string_append(c->out, "</li>\n");
		} else {
			g_string_append(c->out, "- ");
			report_md_escape(c->out, line->str, true);
			g_string_append_c(c->out, '\n');
		}
	}
	g_string_append(c->out, html ? "</ul>\n" : "\n");
}

static void
report_fact(struct report_ctx *c, GString *rows, const char *what,
    const char *value)
{
	if (c->format == REPORT_HTML) {
		g_string_append_printf(rows, "<tr><td style=\"%s\">",
		    report_td);
		report_html_escape(rows, what);
		g_string_append_printf(rows, "</td><td style=\"%s\">",
		    report_td);
		report_html_escape(rows, value);
		g_string_append(rows, "</td></tr>\n");
		return;
	}
	g_string_append(rows, "| ");
	report_md_escape(rows, what, true);
	g_string_append(rows, " | ");
	report_md_escape(rows, value, true);
	g_string_append(rows, " |\n");
}

static void
report_fact_date(struct report_ctx *c, GString *rows, const char *what,
    int64_t from, int64_t to)
{
	g_autofree char *a = from ? report_date(from) : g_strdup("-");
	g_autofree char *b = to ? report_date(to) : NULL;
	g_autofree char *v = b && strcmp(a, b) != 0 ?
	    g_strdup_printf("%s to %s", a, b) : g_strdup(a);

	report_fact(c, rows, what, v);
}

static void
report_fact_int(struct report_ctx *c, GString *rows, const char *what,
    int64_t n)
{
	g_autofree char *v = g_strdup_printf("%lld", (long long)n);

	report_fact(c, rows, what, v);
}

static void
report_methodology(struct report_ctx *c, const struct report_totals *t,
    const struct db_digest_facts *f)
{
	g_autoptr(GString) rows = g_string_new(NULL);
	g_autoptr(GPtrArray) by_group = report_rates(c->d, false);
	g_autoptr(GPtrArray) by_bpf = report_rates(c->d, true);
	g_autofree char *rate = g_strdup_printf("%d%% (%lld of %lld invited)",
	    stats_percent(t->replied, t->invited), (long long)t->replied,
	    (long long)t->invited);
	g_autofree char *s = NULL;

	report_heading(c, 2, "methodology", "Appendix: methodology");
	report_heading(c, 3, NULL, "Dates and counts");
	report_fact_date(c, rows, "Invitations sent", f->first_invited,
	    f->last_invited);
	report_fact_date(c, rows, "Replies received", f->first_reply,
	    f->last_reply);
	report_fact_date(c, rows, "Deadline", c->d->def->deadline, 0);
	report_fact_date(c, rows, "Report compiled", c->now, 0);
	report_fact_int(c, rows, "Participants", t->participants);
	report_fact_int(c, rows, "Invited", t->invited);
	report_fact_int(c, rows, "Replied", t->replied);
	report_fact(c, rows, "Response rate", rate);
	report_fact_int(c, rows, "Complete replies", t->complete);
	report_fact_int(c, rows, "Partial replies", t->partial);
	report_fact_int(c, rows, "Not replied", t->not_replied);
	report_fact_int(c, rows, "Addresses that bounced", t->bounced);
	report_fact_int(c, rows, "Opted out", t->opted_out);
	report_fact_int(c, rows, "Reminders sent", f->reminders);
	report_fact_int(c, rows, "Current answers", f->answers);
	report_fact_int(c, rows, "Answers recorded from interviews",
	    f->interview_answers);
	report_fact_int(c, rows, "Answers matched by sender address only",
	    f->low_trust_answers);
	report_fact_int(c, rows, "Answers refused by validation, not "
	    "corrected", f->invalid_answers);
	report_fact_int(c, rows, "Replies after the deadline",
	    f->late_replies);
	if (t->unverified)
		report_fact_int(c, rows, "Unconfirmed senders (left out)",
		    t->unverified);
	if (c->format == REPORT_HTML) {
		g_string_append(c->out, report_table_open);
		g_string_append(c->out, rows->str);
		g_string_append(c->out, "</table>\n");
	} else
		g_string_append_printf(c->out, "| | |\n| :--- | :--- |\n%s\n",
		    rows->str);
	report_heading(c, 3, NULL, "Response rates by stakeholder group");
	report_rate_table(c->out, report_style(c), "Stakeholder group",
	    by_group);
	report_heading(c, 3, NULL, "Response rates by BPF");
	report_rate_table(c->out, report_style(c), "BPF", by_bpf);
	report_heading(c, 3, NULL, "How answers are counted");
	s = g_strdup_printf("Only each participant's current answer to a "
	    "question counts: a later reply replaces an earlier answer, and "
	    "answers that failed validation (a rating outside its scale, an "
	    "unknown option) are left out until corrected. A participant "
	    "who answered at least one question has replied; one who "
	    "answered every required question has replied completely. "
	    "Response rates divide those who replied by those invited.\n\n"
	    "Ratings: n is the number of valid ratings, the mean their "
	    "average, the median the middle rating (the average of the two "
	    "middle ratings when n is even), and the distribution the number "
	    "of ratings at each point of the scale. A participant who took "
	    "part in several BPFs counts in each of them; one with no BPF on "
	    "record counts under %s. With n under 5, a mean says little.",
	    REPORT_NO_BPF);
	report_paragraph(c, s, false);
}

static const char report_css[] =
    "body{font-family:Georgia,'Times New Roman',serif;color:#1a202c;"
    "max-width:48em;margin:2em auto;padding:0 1em;line-height:1.5}\n"
    "h1,h2,h3,h4,th{font-family:Helvetica,Arial,sans-serif}\n"
    "h1{font-size:1.8em;margin-bottom:.2em}\n"
    "h2{font-size:1.35em;border-bottom:1px solid #cbd5e0;"
    "margin-top:2em}\n"
    "h3{font-size:1.1em;margin-bottom:.3em}\n"
    "h4{font-size:.95em;color:#4a5568;margin:.8em 0 .3em}\n"
    "blockquote{margin:.4em 0 .8em 0;padding:.2em .8em;"
    "border-left:3px solid #90cdf4;background:#f7fafc}\n"
    "blockquote p{margin:.2em 0}\n"
    "blockquote footer{font-size:.85em;color:#4a5568}\n"
    ".note{font-style:italic;color:#4a5568}\n"
    "table{font-family:Helvetica,Arial,sans-serif}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "@page{size:A4;margin:2cm 1.8cm}\n"
    "@media print{\n"
    "body{max-width:none;margin:0;padding:0;font-size:10.5pt}\n"
    "h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}\n"
    "h2{break-before:auto}\n"
    "#methodology{break-before:page;page-break-before:always}\n"
    "table,blockquote,tr{break-inside:avoid;page-break-inside:avoid}\n"
    "a{color:inherit;text-decoration:none}\n"
    "ul.toc{display:none}\n"
    "}\n";

bool
report_render(struct db *db, const char *name, enum report_format format,
    bool anonymous, int64_t now, GString *out, GError **err)
{
	struct report_ctx c = { out, format, anonymous, NULL, now };
	struct report_data *d;
	struct report_totals t;
	struct db_digest_facts f;
	size_t i;

	if (!db_begin_read(db, err))
		return false;
	d = report_data_load(db, name, true, err);
	if (!d || !db_digest_facts(db, d->cid, &f, err)) {
		db_rollback(db);
		report_data_free(d);
		return false;
	}
	db_rollback(db);
	c.d = d;
	report_totals(d, &t);
	if (format == REPORT_HTML) {
		g_string_append(out, "<!DOCTYPE html>\n<html lang=\"en\">\n"
		    "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		    "content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
		report_html_escape(out, d->def->title);
		g_string_append_printf(out, "</title>\n<style>\n%s</style>\n"
		    "</head>\n<body>\n", report_css);
	}
	report_intro(&c, &t);
	for (i = 0; i < d->def->questions->len; i++)
		report_question(&c, d->def->questions->pdata[i]);
	if (d->ratings->len) {
		report_heading(&c, 2, "ratings",
		    "Ratings compared across BPFs");
		report_paragraph(&c, "Mean rating and number of ratings (n) "
		    "for each BPF and rating question; the questions are "
		    "listed above with their full text.", true);
		report_rating_matrix(out, report_style(&c), d);
	}
	report_participants(&c);
	report_methodology(&c, &t, &f);
	if (format == REPORT_HTML)
		g_string_append(out, "</body>\n</html>\n");
	report_data_free(d);
	return true;
}
