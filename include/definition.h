/* SPDX-License-Identifier: MIT */
/*
 * A consultation definition (SPEC section 3): templates/NAME/consultation.ini
 * and its message templates, read into plain data.  Also the marker block
 * that invitations carry (SPEC section 4) and the validation of an answer
 * against its question.
 */
#ifndef CONSULTD_DEFINITION_H
#define CONSULTD_DEFINITION_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum question_kind {
	QUESTION_TEXT,
	QUESTION_RATING,
	QUESTION_CHOICE,
	QUESTION_YESNO,
};

struct question {
	char *id;		/* "Q1", uppercase */
	enum question_kind kind;
	char *prompt;
	char *help;		/* or NULL */
	int scale_min;		/* rating only */
	int scale_max;
	GPtrArray *options;	/* char *, choice only (empty otherwise) */
	bool optional;		/* not needed for a complete reply */
};

/* The message templates a definition folder may hold. */
#define DEFINITION_TEMPLATES \
	"invitation", "reminder", "acknowledgement", "optout", "withdrawal"

struct definition {
	char *name;		/* folder name */
	char *title;
	char *description;
	char *languages;	/* "en;fr" as written */
	int64_t deadline;	/* end of the deadline day, Unix seconds UTC */
	char *reply_address;
	bool open;
	char *public_address;	/* or NULL */
	char *consent;		/* or NULL */
	int max_reminders;
	int reminder_interval_days;
	char *reminder_days_before; /* "14;7;2" as written, or NULL */
	int64_t closed_at;	/* `consultd close` time, 0 while open (db) */
	GPtrArray *questions;	/* struct question *, in order */
	GHashTable *templates;	/* name -> text (UTF-8) */
};

/*
 * Reads the definition in folder dir.  Returns a new definition, or NULL
 * with EX_NOINPUT (no consultation.ini) or EX_CONFIG listing every problem.
 */
struct definition *definition_read(const char *dir, GError **err);

struct definition *definition_new(void);
void definition_free(struct definition *def);
struct question *question_new(void);
void question_free(struct question *q);

const char *question_kind_name(enum question_kind kind);
bool question_kind_parse(const char *name, enum question_kind *kind_out);

/* The question with that id (case-insensitive), borrowed, or NULL. */
const struct question *definition_question(const struct definition *def,
    const char *id);

/*
 * The marker block of SPEC section 4: one "[ID] prompt" line per question
 * (ratings show their scale, choices list numbered options underneath),
 * blank lines between, "[END]" last.  When answers (id -> text) is not
 * NULL, each answer is written under its marker.  Newly allocated.
 */
char *definition_marker_block(const struct definition *def,
    GHashTable *answers);

/*
 * Lines of the template that must never be taken for an answer: each
 * prompt as its marker line shows it, and choice options as listed.
 * NULL-terminated, newly allocated (g_strfreev).
 */
char **definition_template_lines(const struct definition *def);

/*
 * Validates and normalises an answer: a rating must be an integer in the
 * scale, a choice one option (by number or text), a yesno a yes or no word
 * in one of the six UN languages.  Returns the normalised answer, newly
 * allocated; on failure NULL and *error_out a newly allocated explanation
 * for the participant.
 */
char *question_normalize_answer(const struct question *q, const char *text,
    char **error_out);

#endif
