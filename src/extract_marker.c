/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction: the markers.  Reads bracketed ids ("[Q1]", full-width
 * or with look-alike letters), ids retyped bare ("Q1:") or loosely ("Q1)",
 * "<Q1>"), and splits a line that answers several markers; the template's
 * order of ids decides which of them count.  What the text under a marker
 * means is left to extract.c and extract_prompt.c.
 */
#include "extract.h"

#include <string.h>

#include "extract_private.h"

#include "banned.h"

/* The length of a marker's opening bracket at p: [, ［, 【 or 〔; else 0. */
static size_t
extract_open_bracket(const char *p)
{
	if (*p == '[')
		return 1;
	if (strncmp(p, "\xef\xbc\xbb", 3) == 0 ||	/* ［ */
	    strncmp(p, "\xe3\x80\x90", 3) == 0 ||	/* 【 */
	    strncmp(p, "\xe3\x80\x94", 3) == 0)		/* 〔 */
		return 3;
	return 0;
}

/* The length of a marker's closing bracket at p: ], ］, 】 or 〕; else 0. */
static size_t
extract_close_bracket(const char *p)
{
	if (*p == ']')
		return 1;
	if (strncmp(p, "\xef\xbc\xbd", 3) == 0 ||	/* ］ */
	    strncmp(p, "\xe3\x80\x91", 3) == 0 ||	/* 】 */
	    strncmp(p, "\xe3\x80\x95", 3) == 0)		/* 〕 */
		return 3;
	return 0;
}

/*
 * After a list item's bullet or number, where a client turned the marker
 * lines into a list: "- [Q1]", "• [Q1]", "1. [Q1]", "1.\t[Q3]", "1) [Q1]".
 * Returns s itself when no marker follows such a prefix.
 */
const char *
extract_skip_list_item(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '*')
		p++;
	else if (strncmp(p, "\xe2\x80\xa2", 3) == 0 ||	/* • */
	    strncmp(p, "\xc2\xb7", 2) == 0)		/* · */
		p += *p == '\xe2' ? 3 : 2;
	else if (g_ascii_isdigit(*p)) {
		while (g_ascii_isdigit(*p) && p - s < 3)
			p++;
		if (*p != '.' && *p != ')')
			return s;
		p++;
	} else
		return s;
	if (*p != ' ' && *p != '\t')
		return s;
	while (*p == ' ' || *p == '\t')
		p++;
	return extract_open_bracket(p) ? p : s;
}

/*
 * The ASCII letter or digit at *p, also typed full-width ("Ｑ１", as an
 * East Asian input method in full-width mode writes them): sets *c and
 * returns its length in bytes, or 0 for anything else.
 */
static size_t
extract_marker_char(const char *const *p, char *c)
{
	const unsigned char *u = (const unsigned char *)*p;

	if (g_ascii_isalnum(u[0])) {
		*c = (char)u[0];
		return 1;
	}
	if (u[0] != 0xef)
		return 0;
	if (u[1] == 0xbc && u[2] >= 0x90 && u[2] <= 0x99)
		*c = (char)('0' + (u[2] - 0x90));	/* ０-９ */
	else if (u[1] == 0xbc && u[2] >= 0xa1 && u[2] <= 0xba)
		*c = (char)('A' + (u[2] - 0xa1));	/* Ａ-Ｚ */
	else if (u[1] == 0xbd && u[2] >= 0x81 && u[2] <= 0x9a)
		*c = (char)('a' + (u[2] - 0x81));	/* ａ-ｚ */
	else
		return 0;
	return 3;
}

/*
 * A character of a bracketed id: what extract_marker_char() reads, a
 * Cyrillic or Greek letter that looks like a Latin one (a Russian or
 * Greek keyboard layout types [С1] for [C1], [Υ1] for [Y1]), or any
 * decimal digit (an Arabic or Persian one types [R١], [Y۱]).  Inside
 * brackets only: elsewhere these letters are words.
 */
static size_t
extract_id_char(const char *const *p, char *c)
{
	static const struct {
		gunichar u;
		char c;
	} look_alike[] = {
		/* Cyrillic capitals, then the small ones shaped alike. */
		{ 0x0410, 'A' }, { 0x0412, 'B' }, { 0x0421, 'C' },
		{ 0x0415, 'E' }, { 0x041d, 'H' }, { 0x0406, 'I' },
		{ 0x041a, 'K' }, { 0x041c, 'M' }, { 0x041e, 'O' },
		{ 0x0420, 'P' }, { 0x0422, 'T' }, { 0x0425, 'X' },
		{ 0x0423, 'Y' }, { 0x04ae, 'Y' },
		{ 0x0430, 'a' }, { 0x0441, 'c' }, { 0x0435, 'e' },
		{ 0x0456, 'i' }, { 0x043e, 'o' }, { 0x0440, 'p' },
		{ 0x0445, 'x' }, { 0x0443, 'y' },
		/* Greek capitals, lunate sigma, small omicron. */
		{ 0x0391, 'A' }, { 0x0392, 'B' }, { 0x03f9, 'C' },
		{ 0x0395, 'E' }, { 0x0397, 'H' }, { 0x0399, 'I' },
		{ 0x039a, 'K' }, { 0x039c, 'M' }, { 0x039f, 'O' },
		{ 0x03a1, 'P' }, { 0x03a4, 'T' }, { 0x03a7, 'X' },
		{ 0x03a5, 'Y' }, { 0x03bf, 'o' },
	};
	size_t n = extract_marker_char(p, c);
	gunichar u;
	gint digit;
	size_t i;

	if (n || !(**p & 0x80))
		return n;
	u = g_utf8_get_char(*p);
	n = (size_t)g_unichar_to_utf8(u, NULL);
	digit = g_unichar_digit_value(u);
	if (digit >= 0) {
		*c = (char)('0' + digit);
		return n;
	}
	for (i = 0; i < G_N_ELEMENTS(look_alike); i++)
		if (look_alike[i].u == u) {
			*c = look_alike[i].c;
			return n;
		}
	return 0;
}

/*
 * Parses "[ID]" (decorated, full-width, lenticular or tortoise-shell) at
 * the start of s; the id may be spaced ("[ Q1 ]", "[Q 2]") and typed
 * with look-alike letters or other scripts' digits (extract_id_char()).
 * Returns the text after it, or NULL when s does not start with a
 * marker; id_out gets the uppercase id, "END" for the end marker.
 */
const char *
extract_parse_marker(const char *s, char id_out[EXTRACT_ID_SIZE])
{
	const char *p = s;
	char c;
	size_t letters = 0;
	size_t digits = 0;
	size_t n = 0;
	size_t len;
	int deco;

	p = extract_skip_list_item(p);
	for (deco = 0; deco < 3 && (*p == '*' || *p == '_'); deco++)
		p++;
	len = extract_open_bracket(p);
	if (!len)
		return NULL;
	p += len;
	while (*p == ' ')
		p++;
	while ((len = extract_id_char(&p, &c)) && g_ascii_isalpha(c) &&
	    letters < 4) {
		id_out[n++] = g_ascii_toupper(c);
		p += len;
		letters++;
	}
	/* "[Q 2]": one blank typed between the letters and the digits. */
	if (*p == ' ' && letters > 0) {
		const char *q = p + 1;

		if (extract_id_char(&q, &c) && g_ascii_isdigit(c))
			p = q;
	}
	while ((len = extract_id_char(&p, &c)) && g_ascii_isdigit(c) &&
	    digits < 4) {
		id_out[n++] = c;
		p += len;
		digits++;
	}
	id_out[n] = '\0';
	if (!(letters >= 1 && letters <= 3 && digits >= 1 && digits <= 3) &&
	    !(digits == 0 && strcmp(id_out, "END") == 0))
		return NULL;
	while (*p == ' ')
		p++;
	len = extract_close_bracket(p);
	if (!len)
		return NULL;
	p += len;
	while (*p == '*' || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * A marker retyped without brackets, "Q1: text" (or "Q1：").  Only a
 * letter and one or two digits, then the colon: "MP3:" or "Note:" stay
 * text.  With the definition's ids, "G20: the summit" does too.  Returns
 * the text after the colon, or NULL.
 */
const char *
extract_parse_bare_id(const char *s, char id_out[EXTRACT_ID_SIZE])
{
	const char *p = s;
	size_t n = 0;

	if (!g_ascii_isalpha(*p))
		return NULL;
	id_out[n++] = g_ascii_toupper(*p++);
	while (g_ascii_isdigit(*p) && n < 3)
		id_out[n++] = *p++;
	id_out[n] = '\0';
	if (n < 2 || g_ascii_isdigit(*p))
		return NULL;
	while (*p == ' ')
		p++;
	if (*p == ':')
		p++;
	else if (strncmp(p, "\xef\xbc\x9a", 3) == 0)
		p += 3;
	else
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * How a participant retyped a marker without its square brackets (the
 * "loose" forms; see extract_find_loose_markers()).
 */
enum extract_loose {
	EXTRACT_LOOSE_ANGLE,	/* <Q1> */
	EXTRACT_LOOSE_CORNER,	/* 「Q1」 */
	EXTRACT_LOOSE_PARENS,	/* (Q1), （Q1） */
	EXTRACT_LOOSE_HASH,	/* #Q1 */
	EXTRACT_LOOSE_PAREN,	/* Q1) */
	EXTRACT_LOOSE_DOT,	/* Q1. */
	EXTRACT_LOOSE_DASH,	/* Q1 -, Q1 –, Q1 — */
	EXTRACT_LOOSE_SPACED,	/* Q 1: */
	EXTRACT_LOOSE_PROMPT,	/* Q1 What worked well? */
	EXTRACT_LOOSE_STYLES
};

/*
 * Reads a loosely typed id at p: one to three capital letters, a blank
 * between them and the digits when spaced (else none), one to three
 * digits, and no letter or digit after them.  Full-width letters and
 * digits count.  Sets *end after the id.
 */
static bool
extract_read_loose_id(const char *p, bool spaced,
    char id_out[EXTRACT_ID_SIZE], const char **end)
{
	size_t letters = 0, digits = 0, n = 0;
	char c;

	while (extract_marker_char(&p, &c) && g_ascii_isalpha(c)) {
		if (!g_ascii_isupper(c) || ++letters > 3)
			return false;
		id_out[n++] = c;
		p += extract_marker_char(&p, &c);
	}
	if (spaced) {
		if (*p != ' ')
			return false;
		p++;
	}
	while (extract_marker_char(&p, &c) && g_ascii_isdigit(c)) {
		if (++digits > 3)
			return false;
		id_out[n++] = c;
		p += extract_marker_char(&p, &c);
	}
	id_out[n] = '\0';
	if (letters == 0 || digits == 0 || extract_marker_char(&p, &c))
		return false;
	*end = p;
	return true;
}

/* After a dash typed as "-", or the en or em dash Word makes of it. */
static const char *
extract_skip_dash(const char *p)
{
	if (*p == '-')
		return p + 1;
	if (strncmp(p, "\xe2\x80\x93", 3) == 0 ||	/* – */
	    strncmp(p, "\xe2\x80\x94", 3) == 0)	/* — */
		return p + 3;
	return NULL;
}

static bool
extract_is_blank_or_end(char c)
{
	return c == '\0' || c == ' ' || c == '\t';
}

static const char *
extract_skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Parses a loose marker at the start of s (a line's content): an id in
 * "<>", "「」" or "()", after "#", before ")" or "." or " -", spaced
 * before ":" ("Q 1:"), or followed by a blank and more text (the prompt,
 * checked by the caller).  Returns the text after it, or NULL; sets
 * id_out (uppercase) and *style_out.
 */
static const char *
extract_parse_loose(const char *s, char id_out[EXTRACT_ID_SIZE],
    enum extract_loose *style_out)
{
	static const struct {
		const char *open, *close;
		enum extract_loose style;
	} enclosed[] = {
		{ "<", ">", EXTRACT_LOOSE_ANGLE },
		{ "\xe3\x80\x8c", "\xe3\x80\x8d", EXTRACT_LOOSE_CORNER },
		{ "(", ")", EXTRACT_LOOSE_PARENS },
		{ "\xef\xbc\x88", "\xef\xbc\x89", EXTRACT_LOOSE_PARENS },
	};
	const char *p, *id_end, *q;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(enclosed); i++) {
		if (!g_str_has_prefix(s, enclosed[i].open))
			continue;
		p = s + strlen(enclosed[i].open);
		if (!extract_read_loose_id(p, false, id_out, &p) ||
		    !g_str_has_prefix(p, enclosed[i].close))
			return NULL;
		*style_out = enclosed[i].style;
		return extract_skip_blanks(p + strlen(enclosed[i].close));
	}
	if (*s == '#') {
		if (!extract_read_loose_id(s + 1, false, id_out, &p) ||
		    !extract_is_blank_or_end(*p))
			return NULL;
		*style_out = EXTRACT_LOOSE_HASH;
		return extract_skip_blanks(p);
	}
	if (extract_read_loose_id(s, true, id_out, &p)) {
		p = extract_skip_blanks(p);
		if (*p == ':')
			p++;
		else if (g_str_has_prefix(p, "\xef\xbc\x9a"))	/* ： */
			p += 3;
		else
			return NULL;
		*style_out = EXTRACT_LOOSE_SPACED;
		return extract_skip_blanks(p);
	}
	if (!extract_read_loose_id(s, false, id_out, &id_end))
		return NULL;
	if ((*id_end == ')' || *id_end == '.') &&
	    extract_is_blank_or_end(id_end[1])) {
		*style_out = *id_end == ')' ? EXTRACT_LOOSE_PAREN :
		    EXTRACT_LOOSE_DOT;
		return extract_skip_blanks(id_end + 1);
	}
	p = extract_skip_blanks(id_end);
	q = extract_skip_dash(p);
	if (q && extract_is_blank_or_end(*q)) {
		*style_out = EXTRACT_LOOSE_DASH;
		return extract_skip_blanks(q);
	}
	if (p == id_end || !*p)
		return NULL;
	*style_out = EXTRACT_LOOSE_PROMPT;
	return p;
}

/*
 * Without the definition, the ids a message shows in brackets at the
 * start of a line are the template's: "G20: the summit" or "- [B1]
 * relevance" under [Q6] is then the answer's text, not a marker.  A
 * message without such markers keeps its bare or listed ones ("Q1: ..."
 * typed from memory, markers a client turned into a list).  Under a
 * bracketed marker of their own, unquoted, a participant's retyped "Q1:"
 * lines are text as well when they continue its paragraph or repeat an
 * id it answered ("[Q3] Differently?\nQ1: outline\nQ2: draft"); a "Q2 :"
 * paragraph after "[Q1] ..." and a blank line answers Q2.  Above their
 * first bracketed marker (an Outlook original below "Q1:" answers) they
 * are markers.
 */
void
extract_check_bare_ids(struct extract_ctx *c)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *own = g_hash_table_new(g_str_hash, g_str_equal);
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->lines[i].kind == EXTRACT_MARKER && !c->lines[i].bare)
			g_hash_table_add(seen, c->lines[i].id);
	for (i = 0; i < c->n && g_hash_table_size(seen) > 0; i++) {
		struct extract_line *l = &c->lines[i];
		/* Inside an answer: right under its text, or an id answered. */
		bool inside = g_hash_table_size(own) > 0 && l->depth == 0 &&
		    extract_skip_list_item(l->content) == l->content &&
		    ((i > 0 && c->lines[i - 1].depth == 0 &&
		    c->lines[i - 1].kind != EXTRACT_BLANK) ||
		    g_hash_table_contains(own, l->id));

		if (l->kind == EXTRACT_MARKER && !l->bare && l->depth == 0)
			g_hash_table_add(own, l->id);
		if (l->kind == EXTRACT_MARKER && l->bare &&
		    (!g_hash_table_contains(seen, l->id) || inside)) {
			l->kind = EXTRACT_TEXT;
			l->bare = false;
			l->rest = NULL;
		}
	}
	g_hash_table_unref(own);
	g_hash_table_unref(seen);
}

/*
 * The template's order of ids: the definition's, else the order of the
 * bracketed markers outside the own text (lines from own_end on, or
 * quoted).  id -> position + 1.
 */
GHashTable *
extract_template_order(const struct extract_ctx *c, size_t own_end)
{
	GHashTable *order = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	size_t i;

	if (c->ids) {
		for (i = 0; c->ids[i]; i++)
			if (!g_hash_table_contains(order, c->ids[i]))
				g_hash_table_insert(order, g_strdup(c->ids[i]),
				    GSIZE_TO_POINTER(i + 1));
		return order;
	}
	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];

		if (l->kind == EXTRACT_MARKER && !l->bare &&
		    (l->depth > 0 || i >= own_end) &&
		    !g_hash_table_contains(order, l->id))
			g_hash_table_insert(order, g_strdup(l->id),
			    GSIZE_TO_POINTER(g_hash_table_size(order) + 1));
	}
	return order;
}

/* id's place in order (case-insensitive for the definition's), or 0. */
static size_t
extract_order_of(const struct extract_ctx *c, GHashTable *order,
    const char *id)
{
	size_t i;

	if (!c->ids)
		return GPOINTER_TO_SIZE(g_hash_table_lookup(order, id));
	for (i = 0; c->ids[i]; i++)
		if (g_ascii_strcasecmp(c->ids[i], id) == 0)
			return GPOINTER_TO_SIZE(g_hash_table_lookup(order,
			    c->ids[i]));
	return 0;
}

/* The letters of id ("BPF" of "BPF18"), copied to out. */
static void
extract_id_letters(const char *id, char out[EXTRACT_ID_SIZE])
{
	size_t n = 0;

	while (g_ascii_isalpha(id[n]) && n + 1 < EXTRACT_ID_SIZE) {
		out[n] = id[n];
		n++;
	}
	out[n] = '\0';
}

/*
 * Without the definition, a message that shows the template (bracketed
 * markers in the quote or an unquoted original) tells which ids are
 * questions: a bracketed id of the own text with letters no template id
 * has ("[BPF18] Report ...", a citation key in an answer) is text, as an
 * id the definition lacks is.  One with the template's letters ("[Q9]"
 * where the quote was trimmed to [Q1]..[Q4]) stays a marker.
 */
void
extract_check_unknown_ids(struct extract_ctx *c, size_t own_end,
    GHashTable *order)
{
	GHashTable *letters = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GHashTableIter it;
	gpointer key;
	size_t i;

	g_hash_table_iter_init(&it, order);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		char l[EXTRACT_ID_SIZE];

		extract_id_letters(key, l);
		g_hash_table_add(letters, g_strdup(l));
	}
	for (i = 0; i < own_end && g_hash_table_size(letters) > 0; i++) {
		struct extract_line *l = &c->lines[i];
		char id_letters[EXTRACT_ID_SIZE];
		char *w;

		if (l->kind != EXTRACT_MARKER || l->bare || l->depth != 0)
			continue;
		extract_id_letters(l->id, id_letters);
		if (g_hash_table_contains(letters, id_letters))
			continue;
		l->kind = EXTRACT_TEXT;
		l->rest = NULL;
		w = g_strdup_printf("unknown marker [%s] kept as text", l->id);
		extract_warn(c, w);
		g_free(w);
	}
	g_hash_table_unref(letters);
}

/* Up to this many markers are looked for on one line. */
#define EXTRACT_LINE_MARKERS 16

/* A bracketed marker found on a line (extract_line_markers()). */
struct extract_inline_marker {
	const char *start;	/* its bold decoration or bracket */
	char id[EXTRACT_ID_SIZE];
};

/*
 * Does text, what stands between two markers on one line, end as an
 * answer does before the next marker: nothing, a separator or sentence
 * end (". , ; ! ? )") or a digit ("4 [R2]")?  "See [R2] above" and "Same
 * as [Q2] below" do not: they refer to the question.
 */
static bool
extract_ends_before_marker(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	return len == 0 || strchr(".,;!?)", text[len - 1]) ||
	    g_ascii_isdigit(text[len - 1]);
}

/*
 * The bracketed markers on line content, in order: one at its start
 * (after a list bullet or bold) and any after a blank.  Returns how many
 * were stored in found (at most EXTRACT_LINE_MARKERS).
 */
static size_t
extract_line_markers(const char *content,
    struct extract_inline_marker found[EXTRACT_LINE_MARKERS])
{
	const char *p = extract_parse_marker(content, found[0].id);
	size_t n = 0;

	if (p)
		found[n++].start = content;
	else
		p = content;
	for (; *p && n < EXTRACT_LINE_MARKERS; p++) {
		const char *start = p;

		if (!extract_open_bracket(p))
			continue;
		while (start > content && (start[-1] == '*' ||
		    start[-1] == '_'))
			start--;
		if ((start > content && start[-1] != ' ' &&
		    start[-1] != '\t') || !extract_parse_marker(p,
		    found[n].id))
			continue;
		found[n++].start = start;
	}
	return n;
}

/*
 * Are the markers of a line the participant's way to answer several
 * questions on it: two or more, ids of the template (of ids, else of the
 * bracketed markers the message shows) in increasing template order,
 * after a lead-in that is nothing or ends in ":" (".", "!", "?", ";")
 * and each after what reads as an answer (extract_ends_before_marker())?
 */
static bool
extract_is_marker_run(const struct extract_ctx *c, GHashTable *order,
    const char *content, const struct extract_inline_marker *m, size_t n)
{
	char id[EXTRACT_ID_SIZE];
	size_t i, at, last = 0;
	const char *prev;
	size_t lead;

	if (n < 2)
		return false;
	lead = (size_t)(m[0].start - content);
	while (lead > 0 && (content[lead - 1] == ' ' ||
	    content[lead - 1] == '\t'))
		lead--;
	if (lead > 0 && !strchr(":.!?;", content[lead - 1]) &&
	    !(lead >= 3 && memcmp(content + lead - 3, "\xef\xbc\x9a",
	    3) == 0))
		return false;
	for (i = 0; i < n; i++) {
		at = extract_order_of(c, order, m[i].id);
		if (at == 0 || at <= last)
			return false;
		last = at;
		if (i == 0)
			continue;
		prev = extract_parse_marker(m[i - 1].start, id);
		if (!prev || prev > m[i].start || !extract_ends_before_marker(
		    prev, (size_t)(m[i].start - prev)))
			return false;
	}
	return true;
}

/*
 * One piece of a split line, from start to end, newly allocated in
 * c->pieces: blanks and a "," or ";" before the next marker dropped, and
 * a full stop after a number alone ("[R1] 5.").
 */
static char *
extract_piece(struct extract_ctx *c, const char *start, const char *end)
{
	char id[EXTRACT_ID_SIZE];
	char *piece = g_strndup(start, (gsize)(end - start));
	size_t n = strlen(piece);
	const char *rest;

	while (n > 0 && strchr(" \t,;", piece[n - 1]))
		piece[--n] = '\0';
	rest = extract_parse_marker(piece, id);
	if (rest && n > 0 && piece[n - 1] == '.' && rest < piece + n - 1 &&
	    strspn(rest, "0123456789") == (size_t)(piece + n - 1 - rest))
		piece[--n] = '\0';
	g_ptr_array_add(c->pieces, piece);
	return piece;
}

/*
 * Several markers on one line of the own text ("[R1] 4 [R2] 3 [R3] 4",
 * "My ratings: [R1] 5, [R2] 4", "[Q1] The list. [Q2] The timelines.")
 * answer one question each: such a line becomes one line per marker
 * (and its lead-in), classified afresh.  Only where the template is
 * known (extract_is_marker_run()).  Returns how many lines were added
 * above own_end.
 */
size_t
extract_split_marker_runs(struct extract_ctx *c, size_t own_end,
    GHashTable *order)
{
	GArray *out = NULL;
	GArray *fresh = NULL;
	size_t added = 0;
	size_t i, k;

	for (i = 0; i < c->n && g_hash_table_size(order) > 0; i++) {
		const struct extract_line *l = &c->lines[i];
		struct extract_inline_marker m[EXTRACT_LINE_MARKERS];
		struct extract_line piece;
		size_t n = 0;

		if (i < own_end && l->depth == 0 &&
		    (l->kind == EXTRACT_MARKER || l->kind == EXTRACT_TEXT))
			n = extract_line_markers(l->content, m);
		if (!extract_is_marker_run(c, order, l->content, m, n)) {
			if (out)
				g_array_append_val(out, *l);
			continue;
		}
		if (!out) {
			out = g_array_new(FALSE, FALSE,
			    sizeof(struct extract_line));
			fresh = g_array_new(FALSE, FALSE, sizeof(size_t));
			g_array_append_vals(out, c->lines, (guint)i);
		}
		for (k = 0; k <= n; k++) {
			const char *start = k == 0 ? l->content :
			    m[k - 1].start;
			const char *end = k < n ? m[k].start :
			    l->content + strlen(l->content);
			size_t at = out->len;

			if (end == start)
				continue;
			piece = *l;
			piece.text = piece.content = extract_piece(c, start,
			    end);
			g_array_append_val(fresh, at);
			g_array_append_val(out, piece);
		}
		added = out->len - i - 1;
	}
	if (!out)
		return 0;
	g_free(c->lines);
	c->n = out->len;
	c->lines = (struct extract_line *)(void *)g_array_free(out, FALSE);
	for (k = 0; k < fresh->len; k++)
		extract_classify_simple(c, &c->lines[g_array_index(fresh,
		    size_t, k)]);
	g_array_free(fresh, TRUE);
	return added;
}

struct extract_loose_line {
	size_t line;
	enum extract_loose style;
	char id[EXTRACT_ID_SIZE];
	const char *rest;
	bool taken;
};

/*
 * Does candidate k open a paragraph and sit in template order between
 * the closest markers above and below it in the own text (lines before
 * own_end), with at least one of them?  Mid-paragraph, "Q3. was better"
 * under "[Q1] text" is the answer's sentence.
 */
static bool
extract_loose_in_order(const struct extract_ctx *c, GHashTable *order,
    size_t own_end, const struct extract_loose_line *k)
{
	size_t at = extract_order_of(c, order, k->id);
	size_t above = 0, below = 0;
	size_t i;

	if (k->line > 0 && c->lines[k->line - 1].depth == 0 &&
	    c->lines[k->line - 1].kind != EXTRACT_BLANK)
		return false;
	for (i = k->line; i-- > 0;)
		if (c->lines[i].depth == 0 &&
		    c->lines[i].kind == EXTRACT_MARKER) {
			above = extract_order_of(c, order, c->lines[i].id);
			if (above == 0 || above >= at)
				return false;
			break;
		}
	for (i = k->line + 1; i < own_end; i++)
		if (c->lines[i].depth == 0 &&
		    (c->lines[i].kind == EXTRACT_MARKER ||
		    c->lines[i].kind == EXTRACT_END)) {
			if (c->lines[i].kind == EXTRACT_END)
				break;
			below = extract_order_of(c, order, c->lines[i].id);
			if (below == 0 || below <= at)
				return false;
			break;
		}
	return above > 0 || below > 0;
}

static void
extract_take_loose(struct extract_ctx *c, const struct extract_loose_line *k)
{
	struct extract_line *l = &c->lines[k->line];

	l->kind = EXTRACT_MARKER;
	g_strlcpy(l->id, k->id, sizeof(l->id));
	l->rest = k->rest;
	l->bare = true;
}

/*
 * Markers retyped without brackets (extract_parse_loose()), read as
 * markers only where the message shows they are: see extract_reply() in
 * extract.h for the rule.
 */
void
extract_find_loose_markers(struct extract_ctx *c, size_t own_end,
    GHashTable *order)
{
	GArray *cand = g_array_new(FALSE, TRUE,
	    sizeof(struct extract_loose_line));
	GHashTable *own = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *styles[EXTRACT_LOOSE_STYLES] = { NULL };
	size_t i;

	for (i = 0; i < own_end; i++)
		if (c->lines[i].depth == 0 &&
		    c->lines[i].kind == EXTRACT_MARKER && !c->lines[i].bare)
			g_hash_table_add(own, c->lines[i].id);
	for (i = 0; i < own_end; i++) {
		struct extract_line *l = &c->lines[i];
		struct extract_loose_line k = { 0 };

		if (l->depth != 0 || l->kind != EXTRACT_TEXT)
			continue;
		k.line = i;
		k.rest = extract_parse_loose(l->content, k.id, &k.style);
		if (!k.rest || g_hash_table_contains(own, k.id) ||
		    (g_hash_table_size(order) > 0 &&
		    extract_order_of(c, order, k.id) == 0) ||
		    (k.style == EXTRACT_LOOSE_PROMPT &&
		    !extract_reads_as_prompt(c, k.id, k.rest)))
			continue;
		g_array_append_val(cand, k);
	}
	/* Two different ids in one style: the participant's way to mark. */
	for (i = 0; i < cand->len; i++) {
		struct extract_loose_line *k = &g_array_index(cand,
		    struct extract_loose_line, i);

		if (!styles[k->style])
			styles[k->style] = g_hash_table_new(g_str_hash,
			    g_str_equal);
		g_hash_table_add(styles[k->style], k->id);
	}
	for (i = 0; i < cand->len; i++) {
		struct extract_loose_line *k = &g_array_index(cand,
		    struct extract_loose_line, i);

		k->taken = g_hash_table_size(styles[k->style]) >= 2;
		if (k->taken)
			extract_take_loose(c, k);
	}
	/* Alone in its style, it goes on the other markers' sequence. */
	for (i = 0; i < cand->len; i++) {
		struct extract_loose_line *k = &g_array_index(cand,
		    struct extract_loose_line, i);

		if (!k->taken && extract_loose_in_order(c, order, own_end, k))
			extract_take_loose(c, k);
	}
	for (i = 0; i < EXTRACT_LOOSE_STYLES; i++)
		if (styles[i])
			g_hash_table_unref(styles[i]);
	g_hash_table_unref(own);
	g_array_free(cand, TRUE);
}

/*
 * Do a and b start as items of one list: the same bullet ("* ", "- ",
 * "• ") or both a number ("1. ", "2) ")?
 */
static bool
extract_same_bullet(const char *a, const char *b)
{
	size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");

	if (na > 0 && nb > 0)
		return (a[na] == '.' || a[na] == ')') && a[na + 1] == ' ' &&
		    (b[nb] == '.' || b[nb] == ')');
	if (na > 0 || nb > 0)
		return false;
	if (strncmp(a, "\xe2\x80\xa2", 3) == 0)		/* • */
		return strncmp(b, "\xe2\x80\xa2", 3) == 0;
	return (a[0] == '*' || a[0] == '-') && a[0] == b[0] &&
	    (a[1] == ' ' || a[1] == '\t');
}

/* Leading blanks of l's text: a list item's indentation. */
static size_t
extract_indent(const struct extract_line *l)
{
	return strspn(l->text, " \t");
}

/*
 * Is there a list item that is no marker among the items around line i
 * (the run of non-blank lines of its depth whose items stand at i's
 * indentation, continuation lines deeper), looking step (-1 or 1) lines
 * at a time, 50 at most?
 */
static bool
extract_prose_item_near(const struct extract_ctx *c, size_t i, int step)
{
	size_t indent = extract_indent(&c->lines[i]);
	size_t j = i, k;

	for (k = 0; k < 50; k++) {
		const struct extract_line *l;

		if ((step < 0 && j == 0) || (step > 0 && j + 1 >= c->n))
			return false;
		j += (size_t)step;
		l = &c->lines[j];
		if (l->depth != c->lines[i].depth || l->kind == EXTRACT_BLANK)
			return false;
		if (extract_indent(l) > indent)
			continue;
		if (extract_indent(l) < indent ||
		    !extract_same_bullet(l->content, c->lines[i].content))
			return false;
		if (l->kind != EXTRACT_MARKER)
			return true;
	}
	return false;
}

/*
 * Does line i's marker stand again, as the marker block's, a little
 * further down the same copy (its depth, no [END], boundary,
 * attribution or header block between)?
 */
static bool
extract_named_again_below(const struct extract_ctx *c, size_t i)
{
	size_t j;

	for (j = i + 1; j < c->n && j <= i + 80; j++) {
		const struct extract_line *l = &c->lines[j];

		if (l->depth != c->lines[i].depth || l->kind == EXTRACT_END ||
		    l->kind == EXTRACT_BOUNDARY ||
		    l->kind == EXTRACT_ATTRIBUTION ||
		    (l->kind == EXTRACT_TEXT &&
		    extract_is_header_block(c, j, false)))
			return false;
		if (l->kind == EXTRACT_MARKER && strcmp(l->id,
		    c->lines[i].id) == 0)
			return extract_skip_list_item(l->content) ==
			    l->content;
	}
	return false;
}

/*
 * A marker named in a bulleted list of instructions ("  * [C1]: the
 * number of one option." among "  * You may answer in any language.",
 * or "- [C1] give the number of one option;" over the marker block that
 * has [C1] again) is the invitation's text, not a marker: its list has
 * items of prose.  A client that made the marker lines a list makes
 * every item a marker.
 */
void
extract_unmark_listed_instructions(struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct extract_line *l = &c->lines[i];

		/* "* [C1]: the number ...": the marker named, then a colon. */
		if (l->kind != EXTRACT_MARKER || l->id[0] == '\0' ||
		    extract_skip_list_item(l->content) == l->content ||
		    (*l->rest != ':' && !extract_named_again_below(c, i)))
			continue;
		if (extract_prose_item_near(c, i, -1) ||
		    extract_prose_item_near(c, i, 1)) {
			l->kind = EXTRACT_TEXT;
			l->rest = NULL;
		}
	}
}
