/* SPDX-License-Identifier: MIT */
/*
 * The digest.  A period is bounded by row ids, not clock times: the
 * previous digest recorded the last answer and message rows it covered,
 * this one covers the rows after them up to the last ones present in the
 * transaction that queues it and records its own marks, so no row is
 * missed or counted twice whatever the clocks do.  The HTML is built for
 * mail clients: nested tables, inline styles, bars as coloured cells.
 */
#include "digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "compose.h"
#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_digest.h"
#include "db_outbox.h"
#include "db_report.h"
#include "definition.h"
#include "export.h"
#include "outbox.h"
#include "report.h"
#include "stats.h"

#include "banned.h"

/* Answers listed per question; the rest are in the attached export. */
#define DIGEST_MAX_LISTED 100
/* Characters of a message's text quoted under "needs attention". */
#define DIGEST_EXCERPT 240

static const char digest_h2[] = "font-size:17px;margin:28px 0 8px 0;"
    "padding-bottom:4px;border-bottom:2px solid #3182ce;color:#1a202c;";
static const char digest_h3[] = "font-size:15px;margin:18px 0 6px 0;"
    "color:#1a202c;";
static const char digest_muted[] = "color:#4a5568;font-size:12px;";

struct digest_item {
	int64_t participant_id;
	char *text;
	bool changed;
	bool interview;
};

struct digest_ctx {
	struct digest *d;
	const struct report_data *rd;
	const char *spool;
	GHashTable *period;	/* question ID -> GPtrArray of digest_item */
	GPtrArray *attention;	/* struct db_attention * */
	struct db_digest_counts counts;
	struct db_status status;
	struct report_totals totals;
	GString *t;		/* text part */
	GString *h;		/* HTML part */
};

static void
digest_item_free(struct digest_item *it)
{
	g_free(it->text);
	g_free(it);
}

void
digest_free(struct digest *d)
{
	if (!d)
		return;
	g_free(d->consultation);
	g_free(d->from_addr);
	g_free(d->subject);
	g_free(d->text);
	g_free(d->html);
	g_free(d->csv);
	g_free(d->csv_name);
	g_free(d);
}

static char *
digest_when(int64_t t, const char *fmt)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

	return g_date_time_format(dt, fmt);
}

static bool
digest_collect(const struct db_digest_answer *a, void *data, GError **err)
{
	struct digest_ctx *c = data;
	const struct db_person *p = report_person(c->rd, a->participant_id);
	struct digest_item *it;
	GPtrArray *list;

	(void)err;
	if (!p || !p->verified)
		return true;
	list = g_hash_table_lookup(c->period, a->question);
	if (!list) {
		list = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)digest_item_free);
		g_hash_table_insert(c->period, g_strdup(a->question), list);
	}
	it = g_new0(struct digest_item, 1);
	it->participant_id = a->participant_id;
	it->text = g_strdup(a->answer);
	it->changed = a->changed;
	it->interview = strcmp(a->source, "interview") == 0;
	g_ptr_array_add(list, it);
	return true;
}

/* The full wide export, in memory, as of this transaction. */
static bool
digest_export(struct db *db, struct digest *d, const struct definition *def,
    GError **err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	bool ok;

	if (!fp) {
		g_set_error(err, CONSULTD_ERROR, EX_OSERR,
		    "cannot export for the digest: %s", g_strerror(errno));
		return false;
	}
	ok = export_write(db, d->cid, def, EXPORT_WIDE, false, fp, err);
	if (fclose(fp) != 0 && ok) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot export for the digest: %s", g_strerror(errno));
		ok = false;
	}
	if (!ok) {
		free(buf);
		return false;
	}
	/* open_memstream memory is malloc's; ours is g_malloc's. */
	d->csv = g_memdup2(buf, len + 1);
	d->csv_len = len;
	free(buf);
	return true;
}

/* Text helpers. */

static void
digest_indent(GString *t, const char *text, const char *prefix)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	size_t i;

	for (i = 0; lines[i]; i++)
		g_string_append_printf(t, "%s%s\n", lines[i][0] ? prefix : "",
		    lines[i]);
}

static char *
digest_excerpt(const char *text)
{
	g_autofree char *flat = g_strdup(text ? text : "");
	g_autofree char *cut = NULL;
	char *p;

	for (p = flat; *p; p++)
		if (*p == '\n' || *p == '\t' || *p == '\r')
			*p = ' ';
	g_strstrip(flat);
	if (g_utf8_strlen(flat, -1) <= DIGEST_EXCERPT)
		return g_steal_pointer(&flat);
	cut = g_strndup(flat, (size_t)(g_utf8_offset_to_pointer(flat,
	    DIGEST_EXCERPT) - flat));
	return g_strconcat(cut, "\xe2\x80\xa6", NULL);
}

static void
digest_who(const struct db_person *p, GString *name, GString *where)
{
	size_t i;

	if (p->name && *p->name)
		g_string_append_printf(name, "%s <%s>", p->name, p->email);
	else
		g_string_append(name, p->email);
	g_string_append(where, p->stakeholder_group && *p->stakeholder_group ?
	    p->stakeholder_group : REPORT_NO_GROUP);
	for (i = 0; i < p->bpfs->len; i++)
		g_string_append_printf(where, "%s%s", i ? ", " : "; ",
		    (char *)p->bpfs->pdata[i]);
}

static void
digest_h2_html(struct digest_ctx *c, const char *title)
{
	g_string_append_printf(c->h, "<h2 style=\"%s\">", digest_h2);
	report_html_escape(c->h, title);
	g_string_append(c->h, "</h2>\n");
}

static void
digest_section(struct digest_ctx *c, const char *title)
{
	g_autofree char *up = g_utf8_strup(title, -1);

	g_string_append_printf(c->t, "\n%s\n", up);
	digest_h2_html(c, title);
}

static void
digest_header(struct digest_ctx *c)
{
	const struct definition *def = c->rd->def;
	g_autofree char *to = digest_when(c->d->period_end,
	    "%-d %B %Y %H:%M UTC");
	g_autofree char *from = c->d->period_start ?
	    digest_when(c->d->period_start, "%-d %B %Y %H:%M") : NULL;
	g_autofree char *period = from ? g_strdup_printf("%s to %s", from, to) :
	    g_strdup_printf("the start to %s", to);
	g_autofree char *deadline = NULL;

	if (def->closed_at) {
		g_autofree char *day = digest_when(def->closed_at,
		    "%-d %B %Y");

		deadline = g_strdup_printf("closed on %s", day);
	} else if (def->deadline) {
		g_autofree char *day = digest_when(def->deadline, "%-d %B %Y");
		int64_t left = (def->deadline - c->d->period_end) / 86400;

		deadline = def->deadline >= c->d->period_end ?
		    g_strdup_printf("deadline %s: %lld day%s left", day,
		    (long long)left, left == 1 ? "" : "s") :
		    g_strdup_printf("deadline %s (passed)", day);
	} else
		deadline = g_strdup("no deadline");
	g_string_append_printf(c->t, "%s (%s)\nDigest from %s\n%c%s\n",
	    def->title, c->d->consultation, period,
	    g_ascii_toupper(deadline[0]), deadline + 1);
	g_string_append(c->h, "<h1 style=\"font-size:22px;margin:0 0 4px 0;"
	    "color:#1a202c;\">");
	report_html_escape(c->h, def->title);
	g_string_append_printf(c->h, "</h1>\n<p style=\"%smargin:0;\">",
	    digest_muted);
	report_html_escape(c->h, c->d->consultation);
	g_string_append(c->h, " &middot; digest from ");
	report_html_escape(c->h, period);
	g_string_append(c->h, " &middot; <b>");
	report_html_escape(c->h, deadline);
	g_string_append(c->h, "</b></p>\n");
}

static void
digest_tile(GString *h, const char *label, int64_t n, const char *colour)
{
	g_string_append_printf(h, "<td align=\"center\" style=\"padding:10px "
	    "6px;border:1px solid #e2e8f0;background-color:#f7fafc;\">"
	    "<div style=\"font-size:24px;font-weight:bold;color:%s;\">%lld"
	    "</div><div style=\"%s\">%s</div></td>\n", colour, (long long)n,
	    digest_muted, label);
}

static void
digest_glance(struct digest_ctx *c)
{
	const struct report_totals *t = &c->totals;
	const struct db_digest_counts *n = &c->counts;
	int pct = stats_percent(t->replied, t->invited);
	g_autofree char *period = g_strdup_printf("%lld repl%s from %lld "
	    "participant%s (%lld late),\n%lld answer%s filed (%lld refused by "
	    "validation), %lld auto-repl%s, %lld bounce%s",
	    (long long)n->replies, n->replies == 1 ? "y" : "ies",
	    (long long)n->repliers, n->repliers == 1 ? "" : "s",
	    (long long)n->late_replies, (long long)n->answers,
	    n->answers == 1 ? "" : "s", (long long)n->invalid,
	    (long long)n->auto_replies, n->auto_replies == 1 ? "y" : "ies",
	    (long long)n->bounces, n->bounces == 1 ? "" : "s");
	g_auto(GStrv) lines = g_strsplit(period, "\n", -1);
	g_autofree char *text = g_strjoinv("\n               ", lines);
	g_autofree char *flat = g_strjoinv(" ", lines);

	digest_section(c, "At a glance");
	g_string_append_printf(c->t,
	    "  invited      %lld\n"
	    "  replied      %lld (%d%%): %lld complete, %lld partial\n"
	    "  not yet      %lld\n"
	    "  bounced      %lld, opted out %lld\n"
	    "  this period  %s\n",
	    (long long)t->invited, (long long)t->replied, pct,
	    (long long)t->complete, (long long)t->partial,
	    (long long)t->not_replied, (long long)t->bounced,
	    (long long)t->opted_out, text);
	if (t->unverified)
		g_string_append_printf(c->t, "  unconfirmed  %lld sender%s of "
		    "the open consultation, counted apart\n",
		    (long long)t->unverified, t->unverified == 1 ? "" : "s");
	g_string_append(c->h, "<table role=\"presentation\" width=\"100%\" "
	    "cellpadding=\"0\" cellspacing=\"4\" border=\"0\" "
	    "style=\"margin:4px 0 8px 0;\"><tr>\n");
	digest_tile(c->h, "invited", t->invited, "#1a202c");
	digest_tile(c->h, "replied", t->replied, "#2b6cb0");
	digest_tile(c->h, "complete", t->complete, "#2f855a");
	digest_tile(c->h, "partial", t->partial, "#b7791f");
	digest_tile(c->h, "not yet", t->not_replied, "#4a5568");
	digest_tile(c->h, "bounced", t->bounced, "#c53030");
	g_string_append_printf(c->h, "</tr></table>\n<p style=\"margin:4px 0;"
	    "\">Response rate <b>%d%%</b> (%lld of %lld invited)</p>\n", pct,
	    (long long)t->replied, (long long)t->invited);
	g_string_append(c->h, "<p style=\"margin:4px 0;\"><b>This period:"
	    "</b> ");
	report_html_escape(c->h, flat);
	g_string_append(c->h, ".</p>\n");
	if (t->unverified)
		g_string_append_printf(c->h, "<p style=\"%s\">%lld unconfirmed "
		    "sender%s of the open consultation, counted apart.</p>\n",
		    digest_muted, (long long)t->unverified,
		    t->unverified == 1 ? "" : "s");
}

static void
digest_rates(struct digest_ctx *c)
{
	g_autoptr(GPtrArray) by_group = report_rates(c->rd, false);
	g_autoptr(GPtrArray) by_bpf = report_rates(c->rd, true);

	digest_section(c, "Response rates by stakeholder group");
	report_rate_table(c->t, REPORT_STYLE_TEXT, "Stakeholder group",
	    by_group);
	report_rate_table(c->h, REPORT_STYLE_HTML, "Stakeholder group",
	    by_group);
	digest_section(c, "Response rates by BPF");
	report_rate_table(c->t, REPORT_STYLE_TEXT, "BPF", by_bpf);
	report_rate_table(c->h, REPORT_STYLE_HTML, "BPF", by_bpf);
}

static void
digest_item(struct digest_ctx *c, const struct digest_item *it)
{
	const struct db_person *p = report_person(c->rd, it->participant_id);
	g_autoptr(GString) name = g_string_new(NULL);
	g_autoptr(GString) where = g_string_new(NULL);
	const char *mark = it->changed ? "changed" : "new";

	digest_who(p, name, where);
	g_string_append_printf(c->t, "  - %s (%s), %s%s:", name->str,
	    where->str, mark, it->interview ? ", from an interview" : "");
	/* Ratings and choices fit on the line. */
	if (!strchr(it->text, '\n') && g_utf8_strlen(it->text, -1) <= 40)
		g_string_append_printf(c->t, " %s\n", it->text);
	else {
		g_string_append_c(c->t, '\n');
		digest_indent(c->t, it->text, "      ");
	}
	g_string_append(c->h, "<table role=\"presentation\" width=\"100%\" "
	    "cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
	    "style=\"margin:0 0 8px 0;\"><tr><td style=\"border-left:3px solid "
	    "#90cdf4;background-color:#f7fafc;padding:6px 10px;\">");
	g_string_append_printf(c->h, "<div style=\"%s\"><b>", digest_muted);
	report_html_escape(c->h, name->str);
	g_string_append(c->h, "</b> &middot; ");
	report_html_escape(c->h, where->str);
	g_string_append_printf(c->h, " &middot; <span style=\"color:%s;\">"
	    "%s%s</span></div>\n<div style=\"margin-top:2px;\">",
	    it->changed ? "#c05621" : "#2f855a", mark,
	    it->interview ? ", from an interview" : "");
	report_html_lines(c->h, it->text);
	g_string_append(c->h, "</div></td></tr></table>\n");
}

static void
digest_answers(struct digest_ctx *c)
{
	const struct definition *def = c->rd->def;
	size_t i, j, total = 0;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];
		GPtrArray *list = g_hash_table_lookup(c->period, q->id);

		total += list ? list->len : 0;
	}
	{
		g_autofree char *title = g_strdup_printf("New and changed "
		    "answers (%zu)", total);

		digest_section(c, title);
	}
	if (!total) {
		g_string_append(c->t, "  No new answers in this period.\n");
		g_string_append_printf(c->h, "<p style=\"%s\">No new answers "
		    "in this period.</p>\n", digest_muted);
		return;
	}
	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];
		GPtrArray *list = g_hash_table_lookup(c->period, q->id);

		if (!list)
			continue;
		g_string_append_printf(c->t, "\n[%s] %s (%u)\n", q->id,
		    q->prompt, list->len);
		g_string_append_printf(c->h, "<h3 style=\"%s\">[", digest_h3);
		report_html_escape(c->h, q->id);
		g_string_append(c->h, "] ");
		report_html_escape(c->h, q->prompt);
		g_string_append_printf(c->h, " <span style=\"%s\">(%u)</span>"
		    "</h3>\n", digest_muted, list->len);
		for (j = 0; j < list->len && j < DIGEST_MAX_LISTED; j++)
			digest_item(c, list->pdata[j]);
		if (list->len > DIGEST_MAX_LISTED) {
			g_string_append_printf(c->t, "  ... and %u more in the "
			    "attached export\n", list->len - DIGEST_MAX_LISTED);
			g_string_append_printf(c->h, "<p style=\"%s\">&hellip; "
			    "and %u more in the attached export.</p>\n",
			    digest_muted, list->len - DIGEST_MAX_LISTED);
		}
	}
}

static void
digest_ratings(struct digest_ctx *c)
{
	const struct definition *def = c->rd->def;
	size_t i;

	if (!c->rd->ratings->len)
		return;
	digest_section(c, "Ratings (all current answers)");
	g_string_append(c->t, "  n ratings, their mean and median, and how "
	    "many gave each score.\n");
	g_string_append_printf(c->h, "<p style=\"%s\">n ratings, their mean "
	    "and median, and how many gave each score (the darker, the more "
	    "often).</p>\n", digest_muted);
	for (i = 0; i < c->rd->ratings->len; i++) {
		const struct stats_table *t = c->rd->ratings->pdata[i];
		const struct question *q = definition_question(def, t->id);

		g_string_append_printf(c->t, "\n[%s] %s (%d-%d)\n", t->id,
		    q->prompt, q->scale_min, q->scale_max);
		report_rating_table(c->t, REPORT_STYLE_TEXT, t);
		g_string_append_printf(c->h, "<h3 style=\"%s\">[", digest_h3);
		report_html_escape(c->h, t->id);
		g_string_append(c->h, "] ");
		report_html_escape(c->h, q->prompt);
		g_string_append_printf(c->h, " <span style=\"%s\">(%d-%d)"
		    "</span></h3>\n", digest_muted, q->scale_min, q->scale_max);
		report_rating_table(c->h, REPORT_STYLE_HTML, t);
	}
	g_string_append(c->t, "\nBPFs side by side: mean (n)\n");
	g_string_append_printf(c->h, "<h3 style=\"%s\">BPFs side by side: "
	    "mean (n)</h3>\n", digest_h3);
	report_rating_matrix(c->t, REPORT_STYLE_TEXT, c->rd);
	report_rating_matrix(c->h, REPORT_STYLE_HTML, c->rd);
}

static const char *const digest_attention_titles[DB_ATTENTION_KINDS] = {
	[DB_ATTENTION_UNSTRUCTURED] = "replies without markers, to read by "
	    "hand",
	[DB_ATTENTION_UNMATCHED] = "messages from unknown senders",
	[DB_ATTENTION_INVALID] = "answers refused by validation, not yet "
	    "corrected (the participant was told what to fix)",
	[DB_ATTENTION_LOW_TRUST] = "replies matched by From address only "
	    "(no token): check the sender",
	[DB_ATTENTION_FORWARDED] = "replies sent from another address than "
	    "the invitee's (a forwarded invitation): check who answered",
	[DB_ATTENTION_BOUNCE] = "bounces",
	[DB_ATTENTION_FAILED_SEND] = "outgoing messages that failed for good",
};

static void
digest_attention_item(struct digest_ctx *c, const struct db_attention *a)
{
	g_autofree char *when = digest_when(a->at, "%-d %b %H:%M");
	g_autofree char *detail = a->detail ? digest_excerpt(a->detail) : NULL;
	g_autofree char *cmd = a->spool_file ? g_strdup_printf(
	    "consultd parse %s/%s", c->spool, a->spool_file) : NULL;

	g_string_append_printf(c->t, "    - %s, %s, %s\n", when,
	    a->who ? a->who : "?", a->what ? a->what : "");
	if (detail && *detail)
		g_string_append_printf(c->t, "      %s\n", detail);
	if (cmd)
		g_string_append_printf(c->t, "      %s\n", cmd);
	g_string_append(c->h, "<li style=\"margin:0 0 6px 0;\">");
	report_html_escape(c->h, when);
	g_string_append(c->h, " &middot; <b>");
	report_html_escape(c->h, a->who ? a->who : "?");
	g_string_append(c->h, "</b> &middot; ");
	report_html_escape(c->h, a->what ? a->what : "");
	if (detail && *detail) {
		g_string_append_printf(c->h, "<br><span style=\"%s\">",
		    digest_muted);
		report_html_escape(c->h, detail);
		g_string_append(c->h, "</span>");
	}
	if (cmd) {
		g_string_append(c->h, "<br><code style=\"font-size:12px;"
		    "background-color:#edf2f7;\">");
		report_html_escape(c->h, cmd);
		g_string_append(c->h, "</code>");
	}
	g_string_append(c->h, "</li>\n");
}

static void
digest_attention(struct digest_ctx *c)
{
	const struct db_status *s = &c->status;
	size_t counts[DB_ATTENTION_KINDS] = { 0 };
	size_t i, k, shown;

	digest_section(c, "Needs attention");
	for (i = 0; i < c->attention->len; i++)
		counts[((struct db_attention *)c->attention->pdata[i])->kind]++;
	if (!c->attention->len) {
		g_string_append(c->t, "  Nothing new needs attention.\n");
		g_string_append_printf(c->h, "<p style=\"%s\">Nothing new "
		    "needs attention.</p>\n", digest_muted);
	}
	for (k = 0; k < DB_ATTENTION_KINDS; k++) {
		if (!counts[k])
			continue;
		g_string_append_printf(c->t, "  %zu %s\n", counts[k],
		    digest_attention_titles[k]);
		g_string_append_printf(c->h, "<p style=\"margin:10px 0 4px "
		    "0;\"><b>%zu</b> %s</p>\n<ul style=\"margin:0;"
		    "padding-left:20px;\">\n", counts[k],
		    digest_attention_titles[k]);
		shown = 0;
		for (i = 0; i < c->attention->len; i++) {
			const struct db_attention *a = c->attention->pdata[i];

			if (a->kind == k && shown++ < DIGEST_MAX_LISTED / 5)
				digest_attention_item(c, a);
		}
		g_string_append(c->h, "</ul>\n");
	}
	g_string_append_printf(c->t, "\n  Open in all: %lld without markers, "
	    "%lld refused answers, %lld matched by From only, %lld failed "
	    "sends.\n  consultd status %s shows the current state.\n",
	    (long long)s->unstructured, (long long)s->invalid_answers,
	    (long long)s->low_trust, (long long)s->failed_sends,
	    c->d->consultation);
	g_string_append_printf(c->h, "<p style=\"%s\">Open in all: %lld "
	    "without markers, %lld refused answers, %lld matched by From "
	    "only, %lld failed sends. <code>consultd status ", digest_muted,
	    (long long)s->unstructured, (long long)s->invalid_answers,
	    (long long)s->low_trust, (long long)s->failed_sends);
	report_html_escape(c->h, c->d->consultation);
	g_string_append(c->h, "</code> shows the current state.</p>\n");
}

static void
digest_footer(struct digest_ctx *c)
{
	g_string_append_printf(c->t, "\n--\nAttached: %s, every participant "
	    "with their current answers (one row each).\nSent by consultd "
	    "%s.\n", c->d->csv_name, CONSULTD_VERSION);
	g_string_append_printf(c->h, "<p style=\"%smargin-top:28px;"
	    "border-top:1px solid #e2e8f0;padding-top:8px;\">Attached: <b>",
	    digest_muted);
	report_html_escape(c->h, c->d->csv_name);
	g_string_append_printf(c->h, "</b>, every participant with their "
	    "current answers (one row each). Sent by consultd %s.</p>\n",
	    CONSULTD_VERSION);
}

static void
digest_render(struct digest_ctx *c)
{
	c->t = g_string_new(NULL);
	c->h = g_string_new(NULL);
	g_string_append(c->h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	report_html_escape(c->h, c->d->subject);
	g_string_append(c->h, "</title>\n</head>\n<body style=\"margin:0;"
	    "padding:0;background-color:#f4f6f8;\">\n<table role="
	    "\"presentation\" width=\"100%\" cellpadding=\"0\" "
	    "cellspacing=\"0\" border=\"0\" "
	    "style=\"background-color:#f4f6f8;\"><tr>"
	    "<td align=\"center\" style=\"padding:16px 8px;\">\n"
	    "<table role=\"presentation\" width=\"760\" cellpadding=\"0\" "
	    "cellspacing=\"0\" border=\"0\" style=\"width:760px;max-width:100%;"
	    "background-color:#ffffff;border:1px solid #e2e8f0;\"><tr>"
	    "<td align=\"left\" style=\"padding:24px;font-family:Helvetica,"
	    "Arial,sans-serif;font-size:14px;line-height:1.5;color:#1a202c;\">"
	    "\n");
	digest_header(c);
	digest_glance(c);
	digest_rates(c);
	digest_answers(c);
	digest_ratings(c);
	digest_attention(c);
	digest_footer(c);
	g_string_append(c->h, "</td></tr></table>\n</td></tr></table>\n"
	    "</body>\n</html>\n");
	c->d->text = g_string_free(c->t, FALSE);
	c->d->html = g_string_free(c->h, FALSE);
	c->t = c->h = NULL;
}

static char *
digest_subject(const struct digest *d, const struct definition *def)
{
	g_autofree char *to = digest_when(d->period_end, "%-d %B %Y");
	g_autofree char *from = d->period_start ?
	    digest_when(d->period_start, "%-d %B") : NULL;

	if (from)
		return g_strdup_printf("Digest: %s, %s to %s", def->title, from,
		    to);
	return g_strdup_printf("Digest: %s, until %s", def->title, to);
}

struct digest *
digest_build(struct db *db, const struct config *cfg, const char *name,
    int64_t now, GError **err)
{
	struct digest_ctx c = { 0 };
	struct report_data *rd = NULL;
	struct db_digest_mark last, mark;
	struct db_digest_range r;
	struct digest *d = NULL;
	g_autofree char *day = NULL;
	int found;

	rd = report_data_load(db, name, false, err);
	if (!rd)
		return NULL;
	d = g_new0(struct digest, 1);
	d->consultation = g_strdup(name);
	d->from_addr = g_strdup(rd->def->reply_address);
	d->cid = rd->cid;
	found = db_digest_last(db, d->cid, &last, err);
	if (found < 0 || !db_digest_mark_now(db, now, &mark, err))
		goto fail;
	d->period_start = found ? last.period_end : 0;
	d->period_end = now;
	d->after_answer = last.answer_id;
	d->upto_answer = mark.answer_id;
	d->after_message = last.message_id;
	d->upto_message = mark.message_id;
	d->closed = rd->def->closed_at && found &&
	    rd->def->closed_at < d->period_start;
	r = (struct db_digest_range){ d->after_answer, d->upto_answer,
	    d->after_message, d->upto_message };
	c.d = d;
	c.rd = rd;
	c.spool = cfg && cfg->spool ? cfg->spool : "spool";
	c.period = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_ptr_array_unref);
	report_totals(rd, &c.totals);
	if (!db_digest_counts(db, d->cid, &r, &c.counts, err) ||
	    !db_report_status(db, d->cid, &c.status, err) ||
	    !db_digest_answers(db, d->cid, &r, digest_collect, &c, err))
		goto fail;
	c.attention = db_digest_attention(db, d->cid, &r, 0, err);
	if (!c.attention)
		goto fail;
	day = digest_when(now, "%Y-%m-%d");
	d->csv_name = g_strdup_printf("%s-%s.csv", name, day);
	if (!digest_export(db, d, rd->def, err))
		goto fail;
	d->subject = digest_subject(d, rd->def);
	digest_render(&c);
	g_hash_table_unref(c.period);
	g_ptr_array_unref(c.attention);
	report_data_free(rd);
	return d;
fail:
	g_clear_pointer(&c.period, g_hash_table_unref);
	g_clear_pointer(&c.attention, g_ptr_array_unref);
	report_data_free(rd);
	digest_free(d);
	return NULL;
}

char *
digest_compose(const struct digest *d, const struct config *cfg,
    const char *to, int64_t now, size_t *len_out, char **message_id_out,
    GError **err)
{
	g_autofree char *name = NULL;
	g_autofree char *addr = NULL;
	g_autofree char *message_id = NULL;
	struct compose_mail mail = { 0 };
	const char *at;
	char *content;

	if (cfg && cfg->smtp.from) {
		const char *lt = strchr(cfg->smtp.from, '<');
		const char *gt = lt ? strchr(lt, '>') : NULL;

		if (lt && gt) {
			name = g_strstrip(g_strndup(cfg->smtp.from,
			    (size_t)(lt - cfg->smtp.from)));
			addr = g_strndup(lt + 1, (size_t)(gt - lt - 1));
		} else
			addr = g_strdup(cfg->smtp.from);
	} else
		addr = g_strdup(d->from_addr);
	at = addr ? strchr(addr, '@') : NULL;
	if (!at) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "no sender address for the digest; set [smtp] from");
		return NULL;
	}
	message_id = g_strdup_printf("consultd.digest.%lld.%lld.%08x%08x%s",
	    (long long)d->cid, (long long)d->upto_message, g_random_int(),
	    g_random_int(), at);
	mail.from_name = name && *name ? name : NULL;
	mail.from_addr = addr;
	mail.to_addr = to;
	mail.subject = d->subject;
	mail.body = d->text;
	mail.html_body = d->html;
	mail.message_id = message_id;
	mail.date = now;
	mail.auto_submitted = true;
	mail.attachment_name = d->csv_name;
	mail.attachment_type = "text/csv";
	mail.attachment = (const unsigned char *)d->csv;
	mail.attachment_len = d->csv_len;
	content = compose_message(&mail, len_out, err);
	if (content && message_id_out)
		*message_id_out = g_steal_pointer(&message_id);
	return content;
}

void
digest_result_init(struct digest_result *res)
{
	*res = (struct digest_result){ 0 };
	res->output = g_string_new(NULL);
}

void
digest_result_release(struct digest_result *res)
{
	if (res->output)
		g_string_free(res->output, TRUE);
	res->output = NULL;
}

/* The recipients in list, validated; newly allocated (g_strfreev). */
static char **
digest_recipients(const struct config *cfg, const char *list, GError **err)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) parts = NULL;
	size_t i;

	if (!list || !*list) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "nobody to send the digest to: set [digest] to in %s, or "
		    "give --to ADDRESS", cfg && cfg->path ? cfg->path :
		    "consultd.conf");
		return NULL;
	}
	parts = g_strsplit_set(list, ",; \t", -1);
	for (i = 0; parts[i]; i++) {
		g_autofree char *a = addr_normalize(parts[i]);

		if (!*a)
			continue;
		if (!addr_valid(a)) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "invalid digest recipient '%s'", a);
			return NULL;
		}
		g_ptr_array_add(out, g_steal_pointer(&a));
	}
	if (!out->len) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "no digest recipient in '%s'", list);
		return NULL;
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* Queues (or prints) d for every recipient and records it. */
static bool
digest_send(struct db *db, const struct config *cfg, const struct digest *d,
    char **to, bool dry_run, int64_t now, struct digest_result *res,
    GError **err)
{
	int64_t first_id = 0;
	size_t i;

	for (i = 0; to[i]; i++) {
		struct outbox_item item = { 0 };
		g_autofree char *message_id = NULL;
		g_autofree char *content = NULL;
		size_t len;

		content = digest_compose(d, cfg, to[i], now, &len, &message_id,
		    err);
		if (!content)
			return false;
		if (dry_run) {
			g_string_append_len(res->output, content, (gssize)len);
			g_string_append(res->output, "\r\n");
			continue;
		}
		item.message_id = message_id;
		item.kind = (char *)(uintptr_t)"digest";
		item.recipient = to[i];
		item.consultation_id = d->cid;
		item.content = content;
		item.content_len = len;
		if (!db_outbox_add(db, &item, now, NULL, err))
			return false;
		if (!first_id &&
		    !db_digest_outbox_id(db, message_id, &first_id, err))
			return false;
		res->queued++;
	}
	if (!dry_run) {
		struct db_digest_mark mark = { d->period_end, d->upto_answer,
		    d->upto_message };

		if (!db_digest_record(db, d->cid, d->period_start, &mark,
		    first_id, now, err))
			return false;
	}
	res->digests++;
	return true;
}

bool
digest_run(struct db *db, const struct config *cfg, const char *name,
    const char *to, bool dry_run, int64_t now, struct digest_result *res,
    GError **err)
{
	g_auto(GStrv) recipients = NULL;
	g_autoptr(GPtrArray) names = NULL;
	struct outbox_result sent = { 0 };
	size_t i;

	recipients = digest_recipients(cfg, to ? to : cfg ? cfg->digest.to :
	    NULL, err);
	if (!recipients)
		return false;
	if (name) {
		names = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(names, g_strdup(name));
	} else if (!(names = db_consultation_names(db, err)))
		return false;
	/*
	 * One write transaction from the first read to the record: nothing
	 * can be filed between what the digest shows and where it ends.
	 */
	if (!(dry_run ? db_begin_read(db, err) : db_begin(db, err)))
		return false;
	for (i = 0; i < names->len; i++) {
		struct digest *d = digest_build(db, cfg, names->pdata[i], now,
		    err);
		bool sent_ok;

		if (!d)
			goto out;
		if (d->closed) {
			digest_free(d);
			continue;
		}
		sent_ok = digest_send(db, cfg, d, recipients, dry_run, now, res,
		    err);
		digest_free(d);
		if (!sent_ok)
			goto out;
	}
	if (dry_run)
		db_rollback(db);
	else if (!db_commit(db, err))
		goto out;
	if (!dry_run) {
		if (!outbox_flush(db, cfg, now, &sent, err))
			return false;
		res->sent = sent.sent;
	}
	return true;
out:
	db_rollback(db);
	return false;
}
