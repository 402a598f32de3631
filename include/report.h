/* SPDX-License-Identifier: MIT */
/*
 * The draft report (SPEC section 11): every current answer of a
 * consultation, question by question and grouped by BPF and stakeholder
 * group, the rating tables, the participants (or stable pseudonyms) and a
 * methodology appendix, as Markdown or printable HTML.  The data it reads
 * and its rating and response-rate tables are shared with the digest.
 */
#ifndef CONSULTD_REPORT_H
#define CONSULTD_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct definition;
struct db_person;
struct stats_table;

/* Where a participant is put when the field is empty. */
#define REPORT_NO_BPF "(no BPF)"
#define REPORT_NO_GROUP "(no stakeholder group)"

/* One current answer, kept for the report's grouped lists. */
struct report_answer {
	int64_t participant_id;
	char *text;
};

/* A consultation as the report and the digest read it. */
struct report_data {
	struct definition *def;
	int64_t cid;
	GPtrArray *people;	/* struct db_person *, id order */
	GHashTable *by_id;	/* &id -> struct db_person *, borrowed */
	/* struct stats_table *, one per rating question, in order */
	GPtrArray *ratings;
	/* question ID -> GPtrArray of struct report_answer * (with_answers) */
	GHashTable *answers;
	int64_t unverified_answers;	/* unconfirmed senders': left out */
};

/*
 * Reads consultation name, its participants and every current answer,
 * and tallies the ratings (all, and per BPF).  with_answers keeps the
 * answers' text as well.  Runs in the caller's (read) transaction.
 * Returns newly allocated data, or NULL with EX_NOINPUT for an unknown
 * consultation, EX_IOERR for a database error.
 */
struct report_data *report_data_load(struct db *db, const char *name,
    bool with_answers, GError **err);
void report_data_free(struct report_data *d);

/* The participant with that id, borrowed, or NULL. */
const struct db_person *report_person(const struct report_data *d,
    int64_t id);

/* Counts over the verified participants of a consultation. */
struct report_totals {
	int64_t participants;
	int64_t invited;
	int64_t replied;
	int64_t complete;
	int64_t partial;
	int64_t not_replied;	/* invited, active, no reply yet */
	int64_t bounced;
	int64_t opted_out;
	int64_t unverified;	/* unconfirmed senders, counted apart */
};

void report_totals(const struct report_data *d, struct report_totals *out);

/* Response figures of one group of participants. */
struct report_rate {
	char *name;
	int64_t participants;
	int64_t invited;
	int64_t replied;
	int64_t complete;
};

/*
 * Response rates of the verified participants, by BPF (a participant in
 * two BPFs counts in both) or by stakeholder group, sorted by name with
 * REPORT_NO_BPF / REPORT_NO_GROUP last.  Newly allocated array of struct
 * report_rate * (frees them).
 */
GPtrArray *report_rates(const struct report_data *d, bool by_bpf);

/* How a table is written. */
enum report_style {
	REPORT_STYLE_TEXT,	/* aligned columns for a plain-text mail */
	REPORT_STYLE_MARKDOWN,	/* pipe tables */
	REPORT_STYLE_HTML,	/* <table> with inline CSS, mail-safe */
};

/*
 * Appends the table of rating question t: a row for all ratings, then one
 * per BPF, with n, mean, median and the count of each scale point (HTML
 * shades each count by its share).  A scale of more than 11 points shows
 * its distribution as "value:count" pairs instead of columns.
 */
void report_rating_table(GString *out, enum report_style style,
    const struct stats_table *t);

/*
 * Appends one table comparing BPFs across every rating question: a row
 * per BPF, a column per question, each cell "mean (n)".  Nothing when
 * the consultation has no rating questions.
 */
void report_rating_matrix(GString *out, enum report_style style,
    const struct report_data *d);

/*
 * Appends a response-rate table (rates from report_rates()) headed by
 * label ("BPF"), with a bar per row: CSS table cells in HTML (no images,
 * no scripts), '#' characters in text and Markdown.
 */
void report_rate_table(GString *out, enum report_style style,
    const char *label, const GPtrArray *rates);

/* Appends s with &, <, >, " and ' escaped for HTML. */
void report_html_escape(GString *out, const char *s);

/* The same, with each line break written as <br>. */
void report_html_lines(GString *out, const char *s);

/* Appends a stable pseudonym for participant id ("Participant 17"). */
void report_pseudonym(GString *out, int64_t id);

enum report_format {
	REPORT_MARKDOWN,
	REPORT_HTML,
};

/*
 * Appends the draft report of consultation name to out.  anonymous shows
 * stable pseudonyms instead of names and never an address.  now is the
 * report's date.  Reads in its own read transaction.  EX_NOINPUT for an
 * unknown consultation, EX_IOERR for a database error.
 */
bool report_render(struct db *db, const char *name, enum report_format format,
    bool anonymous, int64_t now, GString *out, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
