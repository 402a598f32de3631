/* SPDX-License-Identifier: MIT */
/*
 * Shared by the extract*.c files only: a reply's lines, the sections and
 * slots being collected, the context of one extraction, and the functions
 * the files call in one another (each documented at its definition).
 */
#ifndef CONSULTD_EXTRACT_PRIVATE_H
#define CONSULTD_EXTRACT_PRIVATE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "extract.h"

/* Up to four letters and four digits are read before rejecting. */
#define EXTRACT_ID_SIZE 10

enum extract_kind {
	EXTRACT_TEXT,
	EXTRACT_BLANK,
	EXTRACT_MARKER,
	EXTRACT_END,
	EXTRACT_ATTRIBUTION,
	EXTRACT_BOUNDARY,
	EXTRACT_SIG_DELIM,
	EXTRACT_SIG_LINE,
	EXTRACT_REF,
	EXTRACT_ARMOR,		/* OpenPGP clear-signing header, not text */
};

struct extract_line {
	char *whole;		/* the line as written, quote prefix and all */
	char *text;		/* after the quote prefix, as written */
	char *content;		/* text without leading and trailing blanks */
	unsigned depth;		/* quote depth */
	enum extract_kind kind;
	char id[EXTRACT_ID_SIZE];	/* EXTRACT_MARKER: uppercase id */
	const char *rest;	/* EXTRACT_MARKER: text after the marker */
	/* EXTRACT_MARKER: not as the template writes it ("Q1:", "- [Q1]") */
	bool bare;
	bool stop;		/* attribution of an unquoted original */
};

/* A marker's section being collected. */
struct extract_section {
	char id[EXTRACT_ID_SIZE];
	char *first;		/* answer text on the marker line, or NULL */
	GPtrArray *lines;	/* const char *, own lines */
	const char *option;	/* the one option line seen, if any */
	unsigned options;	/* own lines equal to an ignore line */
	guint64 option_number;	/* the last option line's number */
	bool original;		/* inside an unquoted original */
	bool quoted;		/* its marker is quoted */
	bool on_quoted_line;	/* first typed on the quoted marker line */
	bool lines_quoted;	/* its lines are read at a quote depth */
};

struct extract_slot {
	char id[EXTRACT_ID_SIZE];
	char *text;		/* first non-empty answer, or NULL */
	bool original;		/* text found inside an unquoted original */
	bool listed;		/* indented under a quoted marker: a listing */
	bool on_quoted_line;	/* only a value typed on a quoted marker line */
};

struct extract_ctx {
	struct extract_line *lines;
	size_t n;
	char *text;		/* every line's text, see extract_split() */
	bool own_marker;	/* a marker in the participant's own text */
	bool restated;		/* they retyped the prompts (translated) */
	bool quoted_reply;	/* the quote is an earlier reply, not ours */
	/*
	 * Any marker, quoted too: free text is then their own text minus
	 * the signature (SPEC 4); without any, the whole text is kept for
	 * triage, as mail trimmers keep it.
	 */
	bool markers;
	const char *const *ids;
	const char *sender;	/* From's display name, or NULL */
	bool reply_subject;	/* the subject says reply ("RE:"), not forward */
	const GPtrArray *ignore; /* char *, ignore lines without marker
				    (the template's, borrowed) */
	GHashTable *prompts;	/* id -> GPtrArray of char * */
	/*
	 * An option line's text ("Contributor" of "2. Contributor") -> the
	 * lines that have it, counted up to 2: extract_is_template_option().
	 */
	GHashTable *option_texts;
	/* The last unquoted attribution or boundary line, or SIZE_MAX. */
	size_t last_furniture;
	/* A marker line's rest -> the prompt learnt whole from that line. */
	GHashTable *prompt_source;
	/* "ID\x1fprompt" -> the prompt stored: each learnt once. */
	GHashTable *prompt_seen;
	GPtrArray *slots;	/* struct extract_slot *, first-seen order */
	GPtrArray *free_lines;	/* const char * */
	GPtrArray *pieces;	/* char *, lines split off a marker run */
	struct extract_result *res;
};

/*
 * The longest line that can be a closing: twenty words of a formal
 * sentence ("Je vous prie d'agréer, Madame, Monsieur, l'expression de
 * mes salutations distinguées." is 95 bytes; Arabic ones are under 200).
 */
#define EXTRACT_CLOSING_MAX 320

/* A sign-off's name line: short, not a sentence. */
#define EXTRACT_NAME_MAX 40

/*
 * Does s start with prefix, ASCII case ignored?  Inline, as the colon test
 * below: every line of a reply goes through both.
 */
static inline bool
extract_has_prefix_ci(const char *s, const char *prefix)
{
	return g_ascii_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Does s end with a colon, full-width or Ethiopic ones too? */
static inline bool
extract_ends_with_colon(const char *s)
{
	size_t n = strlen(s);

	/* ":", "：" and Amharic's "፦" (Gmail's "... እንዲህ ጻፈ፦") */
	return (n >= 1 && s[n - 1] == ':') ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0) ||
	    (n >= 3 && memcmp(s + n - 3, "\xe1\x8d\xa6", 3) == 0);
}

bool extract_is_bracketed_question(const char *s);
/* Is s a short heading of theirs in Gmail's bold: "*Weaknesses:*"? */
bool extract_is_bold_lead_in(const char *s);
/*
 * Takes a gateway's tip and external-sender banner and a sensitivity
 * label off the top of lines, and a label off their bottom.
 */
void extract_drop_gateway_furniture(GPtrArray *lines);
bool extract_is_sender_full_name(const struct extract_ctx *c,
    const char *s);
bool extract_is_introduced(const struct extract_ctx *c, size_t i);
/* "Telecomunicaciones Andinas S.A.": no sentence's full stop. */
bool extract_ends_as_abbreviation(const char *s);
bool extract_ends_as_sentence_line(const char *s);
/* Is s an inline image's placeholder ("[cid:...]") or a label? */
bool extract_is_image_or_label(const char *s);

/* What extract_mobile_signature() finds. */
enum extract_sig {
	EXTRACT_SIG_NONE,
	EXTRACT_SIG_DEVICE,	/* names a device or an app: a signature */
	EXTRACT_SIG_ALONE,	/* a signature only as a paragraph's start */
};

/* Opens inline PGP clear-signed text (RFC 4880 7.1). */
#define EXTRACT_PGP_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"

/* extract.c: warnings, a line's kind, joining lines, answered sections. */
void extract_warn(struct extract_ctx *c, const char *text);
void extract_classify_simple(struct extract_ctx *c, struct extract_line *l);
char *extract_join(const char *first, GPtrArray *lines);
bool extract_section_answered(const struct extract_section *sec);

/* extract_marker.c: markers and the template's order of ids. */
const char *extract_skip_list_item(const char *s);
const char *extract_parse_marker(const char *s, char id_out[EXTRACT_ID_SIZE]);
const char *extract_parse_bare_id(const char *s, char id_out[EXTRACT_ID_SIZE]);
void extract_check_bare_ids(struct extract_ctx *c);
GHashTable *extract_template_order(const struct extract_ctx *c, size_t own_end);
void extract_check_unknown_ids(struct extract_ctx *c, size_t own_end,
    GHashTable *order);
size_t extract_split_marker_runs(struct extract_ctx *c, size_t own_end,
    GHashTable *order);
void extract_find_loose_markers(struct extract_ctx *c, size_t own_end,
    GHashTable *order);

/* extract_prompt.c: prompts and options. */
bool extract_loose_equal(const char *a, const char *b);
bool extract_has_choice_mark(const char *content);
bool extract_looks_like_option(const struct extract_section *sec,
    const char *text, bool loose);
bool extract_take_option(struct extract_section *sec, const char *l);
bool extract_is_template(const struct extract_ctx *c, const char *id,
    const char *s, bool *option_out);
bool extract_ends_like_prompt(const char *s, bool any);
void extract_find_restated_prompts(struct extract_ctx *c);
char *extract_value_after_quoted_scale(const char *rest);
const char *extract_cell_after_option(const struct extract_section *sec,
    const char *text);
void extract_unmark_listed_instructions(struct extract_ctx *c);
char *extract_marker_answer(const struct extract_ctx *c, const char *id,
    const char *rest);
void extract_drop_option_list(const struct extract_ctx *c,
    struct extract_section *sec);
void extract_collect_prompts(struct extract_ctx *c, size_t own_end);
void extract_count_option_texts(struct extract_ctx *c);
bool extract_reads_as_prompt(const struct extract_ctx *c, const char *id,
    const char *rest);

/* extract_original.c: attributions, header blocks and other furniture. */
bool extract_is_separator(const char *s, const char *next);
void extract_unquote_figures(struct extract_ctx *c);
bool extract_is_header_block(const struct extract_ctx *c, size_t i,
    bool continued);
void extract_mark_attributions(struct extract_ctx *c);
bool extract_listing_id(const char *text, char *id_out);
void extract_drop_listed(struct extract_ctx *c);
bool extract_is_pasted(const struct extract_ctx *c, size_t i);
void extract_find_last_furniture(struct extract_ctx *c);
void extract_unmark_pasted(struct extract_ctx *c);
void extract_keep_own_quotes(struct extract_ctx *c, size_t own_end);
size_t extract_own_end(const struct extract_ctx *c);
bool extract_original_is_a_reply(const struct extract_ctx *c, size_t start,
    unsigned level, bool quoted);

/* extract_ending.c: signatures, sign-offs, disclaimers, PGP armor. */
enum extract_sig extract_mobile_signature(const char *s);
void extract_unescape_pgp(struct extract_ctx *c);
void extract_mark_pgp_armor(struct extract_ctx *c);
void extract_mark_disclaimers(struct extract_ctx *c, size_t own_end);
bool extract_is_sender_name(const struct extract_ctx *c, const char *s);
bool extract_is_closing_phrase(const char *s);
bool extract_is_thanks(const char *s);
bool extract_is_sender_sign_off(const struct extract_ctx *c, size_t i);
bool extract_is_device_sign_off(const struct extract_ctx *c, size_t i);
bool extract_is_sign_off(const struct extract_ctx *c, size_t i,
    const struct extract_section *sec);

/* extract_text.c: the shape of a line. */
size_t extract_word_count(const char *s);
bool extract_ends_as_sentence(const char *s);
bool extract_is_blank_or_deco(const char *s);

#endif
