/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction (SPEC section 4): the entry point.  Splits a reply body
 * into lines, classifies each (marker, attribution, Outlook boundary,
 * signature, quoted or own text), then walks them and collects the
 * participant's own text per marker into the result.  The rules for each
 * kind of line live in extract_marker.c, extract_original.c,
 * extract_ending.c and extract_prompt.c; matching a reply to a
 * participant and validating answers are left to the callers.
 */
#include "extract.h"

#include <stdint.h>
#include <string.h>

#include "extract_private.h"
#include "subject.h"
#include "token.h"

#include "banned.h"

/*
 * Writes one raw line cleaned to out, which has room for len bytes: NBSP,
 * U+3000 and the line and paragraph separators U+2028-2029 become
 * spaces, ZWSP, word joiner, BOM and the bidi controls
 * go (Gmail wraps an Arabic attribution in them), CR becomes a space.
 * Returns where the cleaned line ends (not terminated).
 */
static char *
extract_clean_into(char *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (u[0] < 0xc2) {	/* ASCII, or a continuation byte */
			*out++ = u[0] == '\r' ? ' ' : (char)u[0];
		} else if (u[0] == 0xc2 && i + 1 < len && u[1] == 0xa0) {
			*out++ = ' ';
			i++;
		} else if ((u[0] == 0xe3 && i + 2 < len && u[1] == 0x80 &&
		    u[2] == 0x80) || (u[0] == 0xe2 && i + 2 < len &&
		    u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))) {
			/* The ideographic space; Word's line separators. */
			*out++ = ' ';
			i += 2;
		} else if (u[0] == 0xe2 && i + 2 < len && ((u[1] == 0x80 &&
		    (u[2] == 0x8b || u[2] == 0x8e || u[2] == 0x8f ||
		    (u[2] >= 0xaa && u[2] <= 0xae))) ||
		    (u[1] == 0x81 && (u[2] == 0xa0 ||
		    (u[2] >= 0xa6 && u[2] <= 0xa9))))) {
			/*
			 * ZWSP, the word joiner chat apps paste, and the
			 * bidi controls Arabic clients add.
			 */
			i += 2;
		} else if (u[0] == 0xd8 && i + 1 < len && u[1] == 0x9c) {
			i++;			/* ARABIC LETTER MARK */
		} else if (u[0] == 0xef && i + 2 < len && u[1] == 0xbb &&
		    u[2] == 0xbf) {
			i += 2;
		} else {
			*out++ = u[0] == '\r' ? ' ' : (char)u[0];
		}
	}
	return out;
}

/* Copy of one raw line, cleaned as extract_clean_into() does. */
static char *
extract_clean_line(const char *s, size_t len)
{
	char *out = g_malloc(len + 1);

	*extract_clean_into(out, s, len) = '\0';
	return out;
}

/* "Ref: TOKEN", the token line closing our messages (SPEC 5). */
static bool
extract_is_ref(const char *s)
{
	g_autofree char *token = NULL;
	const char *p;

	if (!extract_has_prefix_ci(s, "Ref:"))
		return false;
	p = s + 4;
	while (*p == ' ')
		p++;
	/* One of our tokens: "Ref: IGF2019BPFCybersecurity" is an answer. */
	token = g_ascii_strdown(p, -1);
	return token_valid(token);
}

static bool
extract_id_known(const struct extract_ctx *c, const char *id)
{
	size_t i;

	if (!c->ids || strcmp(id, "END") == 0)
		return true;
	for (i = 0; c->ids[i]; i++)
		if (g_ascii_strcasecmp(c->ids[i], id) == 0)
			return true;
	return false;
}

void
extract_warn(struct extract_ctx *c, const char *text)
{
	size_t i;

	for (i = 0; i < c->res->warnings->len; i++)
		if (strcmp(c->res->warnings->pdata[i], text) == 0)
			return;
	g_ptr_array_add(c->res->warnings, g_strdup(text));
}

/*
 * GroupWise's header of the original below it, unquoted: ">>> NAME
 * <addr> 12/2/2026 9:14 AM >>>" (a date: two groups of digits).
 */
static bool
extract_is_groupwise_header(const char *line)
{
	size_t n, digits = 0;
	const char *p;
	bool in_digits = false;

	if (strncmp(line, ">>> ", 4) != 0)
		return false;
	n = strlen(line);
	if (n < 12 ||
	    strcmp(line + n - 4, " >>>") != 0)
		return false;
	for (p = line + 4; p < line + n - 4; p++) {
		if (g_ascii_isdigit(*p) && !in_digits)
			digits++;
		in_digits = g_ascii_isdigit(*p);
	}
	return digits >= 2;
}

/*
 * Splits text into lines and sets their depth, text and content.  All
 * lines are cleaned into one buffer, c->text, a line's NUL where its LF
 * was (cleaning never lengthens a line); content is a suffix of text.
 */
static void
extract_split(struct extract_ctx *c, const char *text)
{
	const char *p = text;
	GArray *arr = g_array_new(FALSE, TRUE, sizeof(struct extract_line));
	char *w;

	c->text = w = g_malloc(strlen(text) + 1);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct extract_line l = { 0 };
		char *line = w;
		char *q = line;
		char *end;

		end = extract_clean_into(line, p, len);
		while (end > line && g_ascii_isspace(end[-1]))
			end--;
		*end = '\0';
		w = end + 1;
		l.whole = line;
		l.text = line;
		for (;;) {
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q != '>')
				break;
			l.depth++;
			q++;
			l.text = *q == ' ' ? q + 1 : q;
		}
		while (g_ascii_isspace(*q))
			q++;
		l.content = q;
		/* Gmail wraps "<addr\n>:" of an attribution: not a quote. */
		if (l.depth == 1 && strcmp(q, ":") == 0)
			l.depth = 0;
		/* GroupWise: ">>> Name <addr> 12/2/2026 9:14 AM >>>". */
		if (extract_is_groupwise_header(line)) {
			l.depth = 0;
			l.text = l.content = line;
		}
		g_array_append_val(arr, l);
		p = nl ? nl + 1 : p + len;
	}
	c->n = arr->len;
	c->lines = (struct extract_line *)(void *)g_array_free(arr, FALSE);
	extract_unquote_figures(c);
}

/*
 * A rule of underscores, a blank line, then a marker ("[EXTERNAL] ...
 * \n____\n\n[Q2]"): a gateway's banner ends there and their answers
 * begin; Outlook's rule has the original right under it.
 */
static bool
extract_is_rule_over_marker(const struct extract_ctx *c,
    const struct extract_line *l)
{
	char id[EXTRACT_ID_SIZE];
	size_t j = (size_t)(l - c->lines) + 1;

	if (strspn(l->content, "_") != strlen(l->content))
		return false;
	/* Outlook's rule has its header, or at least the original, under it. */
	if (j >= c->n || *c->lines[j].content)
		return false;
	while (j < c->n && c->lines[j].depth == l->depth &&
	    !*c->lines[j].content)
		j++;
	return j < c->n && c->lines[j].depth == l->depth &&
	    extract_parse_marker(c->lines[j].content, id) != NULL;
}

/*
 * A rule of 20 '#' or more standing alone: LISTSERV's footer starts
 * under it.  Postfix boxes its warnings in '#' ("# THIS IS A WARNING
 * ONLY #"): a rule next to such a line is part of a box.
 */
static bool
extract_is_hash_rule(const struct extract_ctx *c,
    const struct extract_line *l)
{
	size_t n = strlen(l->content), i = (size_t)(l - c->lines);

	return n >= 20 && strspn(l->content, "#") == n &&
	    (i == 0 || l[-1].content[0] != '#') &&
	    (i + 1 >= c->n || l[1].content[0] != '#');
}

void
extract_classify_simple(struct extract_ctx *c, struct extract_line *l)
{
	enum extract_sig sig;
	const char *rest;

	if (!*l->content) {
		l->kind = EXTRACT_BLANK;
		return;
	}
	rest = extract_parse_marker(l->content, l->id);
	if (rest) {
		if (extract_id_known(c, l->id)) {
			l->kind = strcmp(l->id, "END") == 0 ? EXTRACT_END :
			    EXTRACT_MARKER;
			l->rest = rest;
			/* "- [B1] relevance" may cite, not mark. */
			l->bare = extract_skip_list_item(l->content) !=
			    l->content;
			return;
		} else {
			char *w = g_strdup_printf("unknown marker [%s] kept "
			    "as text", l->id);

			extract_warn(c, w);
			g_free(w);
		}
	}
	/* Retyped by hand, in the participant's own text only. */
	rest = l->depth == 0 ? extract_parse_bare_id(l->content, l->id) : NULL;
	if (rest && extract_id_known(c, l->id)) {
		l->kind = EXTRACT_MARKER;
		l->rest = rest;
		l->bare = true;
		return;
	}
	if ((extract_is_separator(l->content, (size_t)(l - c->lines) + 1 <
	    c->n ? l[1].content : NULL) && !extract_is_rule_over_marker(c,
	    l)) ||
	    extract_is_groupwise_header(l->content) ||
	    extract_is_hash_rule(c, l))
		l->kind = EXTRACT_BOUNDARY;
	else if (strcmp(l->content, "--") == 0 ||
	    strcmp(l->content, "-----BEGIN PGP SIGNATURE-----") == 0)
		l->kind = EXTRACT_SIG_DELIM;
	else if ((sig = extract_mobile_signature(l->content)) ==
	    EXTRACT_SIG_DEVICE || (sig == EXTRACT_SIG_ALONE &&
	    (l == c->lines || l[-1].kind == EXTRACT_BLANK ||
	    l[-1].depth != l->depth)))
		l->kind = EXTRACT_SIG_LINE;
	else if (extract_is_ref(l->content))
		l->kind = EXTRACT_REF;
	else
		l->kind = EXTRACT_TEXT;
}

/* Takes white space of any script off both ends of s. */
static void
extract_strip_unicode(GString *s)
{
	const char *p = s->str, *end = s->str + s->len;

	while (p < end && g_unichar_isspace(g_utf8_get_char(p)))
		p += g_utf8_skip[*(const guchar *)p];
	while (end > p) {
		const char *prev = g_utf8_find_prev_char(p, end);

		if (!prev || !g_unichar_isspace(g_utf8_get_char(prev)))
			break;
		end = prev;
	}
	g_string_truncate(s, (gsize)(end - s->str));
	g_string_erase(s, 0, (gssize)(p - s->str));
}

/* Lines joined with LF, runs of blank lines cut to one, trimmed. */
char *
extract_join(const char *first, GPtrArray *lines)
{
	GString *out = g_string_new(NULL);
	bool blank = false;
	size_t i;

	if (first)
		g_string_append(out, first);
	for (i = 0; i < lines->len; i++) {
		const char *l = lines->pdata[i];

		if (!*l) {
			blank = out->len > 0;
			continue;
		}
		if (out->len > 0)
			g_string_append(out, blank ? "\n\n" : "\n");
		g_string_append(out, l);
		blank = false;
	}
	/*
	 * Trimmed as a whole (SPEC 7): an indented block ("  1. Number of
	 * contributors\n  2. Downloads") loses its first line's indentation
	 * only, as any trimmed text does.  The narrow no-break and other
	 * Unicode spaces phones and Word put around "5" go too; inside, a
	 * French "année\u202f?" keeps its own.
	 */
	extract_strip_unicode(out);
	if (!*out->str) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static struct extract_slot *
extract_slot(struct extract_ctx *c, const char *id)
{
	struct extract_slot *s;
	size_t i;

	for (i = 0; i < c->slots->len; i++) {
		s = c->slots->pdata[i];
		if (strcmp(s->id, id) == 0)
			return s;
	}
	s = g_new0(struct extract_slot, 1);
	g_strlcpy(s->id, id, sizeof(s->id));
	g_ptr_array_add(c->slots, s);
	return s;
}

/* Has lines, from index from on, a line that is not blank or decoration? */
static bool
extract_has_text_from(const GPtrArray *lines, size_t from)
{
	size_t i;

	for (i = from; i < lines->len; i++)
		if (!extract_is_blank_or_deco(lines->pdata[i]))
			return true;
	return false;
}

static bool
extract_has_text(const GPtrArray *lines)
{
	return extract_has_text_from(lines, 0);
}

/* Are all lines that hold text indented, as a letter lays out a list? */
static bool
extract_all_indented(const GPtrArray *lines)
{
	size_t i, seen = 0;

	for (i = 0; i < lines->len; i++) {
		const char *l = lines->pdata[i];

		if (extract_is_blank_or_deco(l))
			continue;
		if (strspn(l, " \t") < 3)
			return false;
		seen++;
	}
	return seen > 0;
}

/*
 * A letter quoted below that lists recorded answers, each indented under
 * its marker (an acknowledgement, a reminder): what it lists is no
 * answer of theirs.  Two such sections at least; answers they typed at
 * the margin inside the quote stay.
 */
static void
extract_drop_listing(struct extract_ctx *c)
{
	size_t i, listed = 0;

	for (i = 0; i < c->slots->len; i++) {
		const struct extract_slot *s = c->slots->pdata[i];

		listed += s->text && s->listed;
	}
	if (listed < 2)
		return;
	for (i = 0; i < c->slots->len; i++) {
		struct extract_slot *s = c->slots->pdata[i];

		if (s->text && s->listed)
			g_clear_pointer(&s->text, g_free);
	}
	extract_warn(c, "answers listed in a quoted letter were not read");
}

/*
 * A prompt their app broke over two lines ("[Q4] Which metrics should be
 * used to assess\nfuture BPF proposals?" over the answer): the marker
 * line and the first line under it make the prompt the template shows.
 */
static void
extract_drop_wrapped_prompt(const struct extract_ctx *c,
    struct extract_section *sec)
{
	g_autofree char *joined = NULL;
	bool option;

	if (!sec->first || sec->lines->len < 2 ||
	    extract_is_blank_or_deco(sec->lines->pdata[0]))
		return;
	joined = g_strconcat(sec->first, " ", sec->lines->pdata[0], NULL);
	if (!extract_is_template(c, sec->id, joined, &option) || option)
		return;
	g_clear_pointer(&sec->first, g_free);
	g_ptr_array_remove_index(sec->lines, 0);
}

static void
extract_close_section(struct extract_ctx *c, struct extract_section *sec)
{
	struct extract_slot *slot;
	char *text;

	if (!sec->lines)
		return;
	extract_drop_option_list(c, sec);
	extract_drop_wrapped_prompt(c, sec);
	/*
	 * The prompt translated by them right under it, over their answer
	 * ("[Q4] Anything else?\n(Kuna jambo lingine?)\nHakuna zaidi.").
	 */
	if (!sec->first && sec->lines->len >= 2 &&
	    extract_is_bracketed_question(sec->lines->pdata[0]) &&
	    extract_has_text_from(sec->lines, 1))
		g_ptr_array_remove_index(sec->lines, 0);
	/* A prompt they retyped over their answer is no part of it. */
	if (c->restated && sec->first && extract_ends_like_prompt(sec->first,
	    true) && !extract_is_bold_lead_in(sec->first) &&
	    extract_has_text(sec->lines))
		g_clear_pointer(&sec->first, g_free);
	text = extract_join(sec->first, sec->lines);
	if (!text && sec->options == 1)
		text = g_strdup(sec->option);
	slot = extract_slot(c, sec->id);
	if (text && !slot->text) {
		slot->text = text;
		slot->original = sec->original;
		slot->listed = (sec->original || sec->lines_quoted) &&
		    !sec->first && extract_all_indented(sec->lines);
		slot->on_quoted_line = sec->on_quoted_line &&
		    !extract_has_text(sec->lines);
		text = NULL;
	} else if (text && !extract_loose_equal(text, slot->text)) {
		char *w = g_strdup_printf("two different answers to [%s]; "
		    "kept the first", sec->id);

		extract_warn(c, w);
		g_free(w);
	}
	g_free(text);
	g_clear_pointer(&sec->first, g_free);
	g_clear_pointer(&sec->lines, g_ptr_array_unref);
	sec->option = NULL;
	sec->options = 0;
	sec->option_number = 0;
	sec->original = false;
}

/*
 * The bullet and its blank ("- ", "– ", "• ") that stand right before
 * answer, the end of rest, or NULL: the separators a prompt's answer is
 * cut from may have taken a list's first dash with them.
 */
static char *
extract_bullet_before(const char *rest, const char *answer)
{
	static const char *const bullets[] = {
		"-", "*", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\xa2", NULL,
	};
	const char *end = rest + strlen(rest), *start;
	size_t n = strlen(answer), i, k;

	while (end > rest && g_ascii_isspace(end[-1]))
		end--;
	if ((size_t)(end - rest) < n + 2)
		return NULL;
	start = end - n;
	if (memcmp(start, answer, n) != 0 || start[-1] != ' ')
		return NULL;
	for (i = 0; bullets[i]; i++) {
		k = strlen(bullets[i]);
		if ((size_t)(start - 1 - rest) >= k &&
		    memcmp(start - 1 - k, bullets[i], k) == 0)
			return g_strndup(start - 1 - k, k + 1);
	}
	return NULL;
}

/* A marker line at the depth being read may carry the answer after it. */
static void
extract_open_section(struct extract_ctx *c, struct extract_section *sec,
    const struct extract_line *l, unsigned level, bool in_original)
{
	char *bullet;

	g_strlcpy(sec->id, l->id, sizeof(sec->id));
	sec->original = in_original;
	sec->quoted = l->depth > 0;
	sec->lines = g_ptr_array_new();
	sec->first = l->depth == level ?
	    extract_marker_answer(c, l->id, l->rest) : NULL;
	/* "> [R1] Clarity (1-5) 4": typed into the quoted marker line. */
	sec->on_quoted_line = false;
	/* A letter's lines, not what they typed under its quoted markers. */
	sec->lines_quoted = level > 0;
	if (!sec->first && l->depth == level + 1 && !c->quoted_reply &&
	    !in_original) {
		sec->first = extract_value_after_quoted_scale(l->rest);
		sec->on_quoted_line = sec->first != NULL;
	}
	/*
	 * "[Q5] - Relevanz\n- Machbarkeit", "[Q2] Why? : – les appels\n–
	 * trop de documents": the dash opened a list, the next line's
	 * bullet says so, and it stays.
	 */
	bullet = sec->first && (size_t)(l - c->lines) + 1 < c->n &&
	    l[1].depth == l->depth ? extract_bullet_before(l->rest,
	    sec->first) : NULL;
	if (bullet && g_str_has_prefix(l[1].content, bullet)) {
		char *listed = g_strconcat(bullet, sec->first, NULL);

		g_free(sec->first);
		sec->first = listed;
	}
	g_free(bullet);
	(void)extract_slot(c, l->id);
}

/* Drops trailing rule lines ("-----") that introduced the original. */
static void
extract_drop_rules(GPtrArray *lines)
{
	while (lines->len > 0) {
		const char *l = lines->pdata[lines->len - 1];

		while (*l == ' ')
			l++;
		if (*l && strspn(l, "-_=* ") != strlen(l))
			break;
		g_ptr_array_remove_index(lines, lines->len - 1);
	}
}

/*
 * Does free-text line i start their signature: a closing, or their name
 * or a device line under text of theirs?  Alone, "Merci !" is their
 * message and "STOP" (Stop Me's) their request, not a signature.
 */
static bool
extract_starts_signature(const struct extract_ctx *c, size_t i,
    bool after_end)
{
	const char *s = c->lines[i].content;
	bool under_text = after_end || extract_has_text(c->free_lines);

	if (extract_is_closing_phrase(s))
		return under_text || !extract_is_thanks(s);
	return under_text && (extract_is_sender_name(c, s) ||
	    extract_is_device_sign_off(c, i));
}

/*
 * Below line i, up to the next marker, quote or original, only what a
 * signature holds: a few lines (name, office, phone), none a sentence
 * ("One more thing: the venue was cold.") nor a "P.S.".
 */
static bool
extract_only_signature_below(const struct extract_ctx *c, size_t i,
    unsigned level)
{
	size_t j, lines = 0;

	for (j = i + 1; j < c->n && c->lines[j].depth == level; j++) {
		const struct extract_line *l = &c->lines[j];
		size_t n = strlen(l->content);

		if (l->kind == EXTRACT_BLANK || l->kind == EXTRACT_SIG_DELIM ||
		    l->kind == EXTRACT_SIG_LINE)
			continue;
		if (l->kind != EXTRACT_TEXT || extract_is_header_block(c, j,
		    false))
			break;
		/* A logo's placeholder, a label: no line of the signature's. */
		if (extract_is_image_or_label(l->content))
			continue;
		if (++lines > 6 || g_ascii_strncasecmp(l->content, "p.s", 3) ==
		    0 || g_ascii_strncasecmp(l->content, "ps:", 3) == 0 ||
		    (n > 0 && strchr(".!?", l->content[n - 1]) &&
		    !extract_ends_as_abbreviation(l->content)))
			return false;
	}
	return true;
}

/*
 * Drops a last paragraph of one short line ending in a colon ("English
 * below:", "Mis respuestas:") from an answer that has text above it:
 * it introduces what follows, the next marker's copy, not this answer.
 */
static void
extract_drop_lead_in(struct extract_section *sec)
{
	GPtrArray *lines = sec->lines;
	size_t last = lines->len, len, i;
	bool above = sec->first != NULL;
	const char *l;

	while (last > 0 && extract_is_blank_or_deco(lines->pdata[last - 1]))
		last--;
	if (last == 0 || (last >= 2 &&
	    !extract_is_blank_or_deco(lines->pdata[last - 2])))
		return;
	/* Text of the answer above it. */
	for (i = 0; i + 1 < last && !above; i++)
		above = !extract_is_blank_or_deco(lines->pdata[i]);
	if (!above)
		return;
	l = lines->pdata[last - 1];
	len = strlen(l);
	while (len > 0 && l[len - 1] == ' ')
		len--;
	if (len == 0 || len > 60 || extract_word_count(l) > 8 ||
	    (l[len - 1] != ':' && (len < 3 ||
	    memcmp(l + len - 3, "\xef\xbc\x9a", 3) != 0)))	/* ： */
		return;
	g_ptr_array_set_size(lines, (guint)(last - 1));
}

/* Has the section an answer so far? */
bool
extract_section_answered(const struct extract_section *sec)
{
	size_t i;

	if (sec->first)
		return true;
	for (i = 0; i < sec->lines->len; i++)
		if (!extract_is_blank_or_deco(sec->lines->pdata[i]))
			return true;
	return false;
}

/*
 * At the header of an unquoted original (Outlook, or text after an
 * attribution line with nothing quoted).  When the participant wrote no
 * marker above it, they typed their answers into the original, under its
 * markers ("see my answers below"): keep reading, taking only what is
 * under a marker and not template text.  Otherwise the original is the
 * template they answered above it: stop.
 */
static bool
extract_enter_original(struct extract_ctx *c, struct extract_section *sec,
    size_t i, unsigned level, bool *in_original)
{
	extract_close_section(c, sec);
	if (c->res->structured)
		return false;
	/*
	 * Replying with prose above an earlier reply of theirs (or of a
	 * colleague's): its answers were filed when it came.  Said, in
	 * case they edited them there instead of writing above.
	 */
	if (c->reply_subject && extract_original_is_a_reply(c, i + 1,
	    level, false)) {
		extract_warn(c, "an earlier reply quoted below was not read "
		    "for answers");
		return false;
	}
	*in_original = true;
	return true;
}

/*
 * Collects the answers written at quote depth level: 0 for the
 * participant's own text (with their inline answers under quoted
 * markers), 1 when they typed inside the quoted original (see
 * extract_reply()).
 */
static void
extract_walk(struct extract_ctx *c, unsigned level)
{
	struct extract_section sec = { 0 };
	bool in_signature = false;
	/* Past the header of an unquoted original the participant wrote in. */
	bool in_original = false;
	bool original_marker = false;	/* a marker seen in it */
	bool after_end = false;		/* under the [END] of this depth */
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];
		const char *cell;
		bool continued;
		bool option;

		/* The line above is the answer's: see the header block. */
		continued = sec.lines && i > 0 &&
		    c->lines[i - 1].depth == l->depth &&
		    c->lines[i - 1].kind != EXTRACT_BLANK;
		if (l->depth == level && (l->kind == EXTRACT_BOUNDARY ||
		    (extract_is_header_block(c, i, continued) &&
		    !extract_is_pasted(c, i)))) {
			/*
			 * Below the original's markers, its own original (our
			 * letter under a forwarded reply): its header ends
			 * the last answer.
			 */
			if (in_original && original_marker)
				break;
			if (in_original)
				continue;
			extract_drop_rules(sec.lines ? sec.lines :
			    c->free_lines);
			if (!extract_enter_original(c, &sec, i, level,
			    &in_original))
				break;
			continue;
		}
		/* Our receipt's list ends what was typed in above it. */
		if (in_original && l->depth == level &&
		    extract_listing_id(l->text, NULL)) {
			extract_close_section(c, &sec);
			continue;
		}
		switch (l->kind) {
		case EXTRACT_MARKER:
			if (l->depth < level)
				continue;
			if (sec.lines && l->depth == level)
				extract_drop_lead_in(&sec);
			/* A banner's rule over their first marker. */
			if (!sec.lines && l->depth == level)
				extract_drop_rules(c->free_lines);
			extract_close_section(c, &sec);
			extract_open_section(c, &sec, l, level, in_original);
			if (l->depth == 0 && !in_original)
				c->own_marker = true;
			original_marker |= in_original && l->depth == level;
			c->res->structured = true;
			in_signature = false;
			continue;
		case EXTRACT_END:
			extract_close_section(c, &sec);
			in_signature = false;
			after_end = l->depth == level;
			continue;
		case EXTRACT_ATTRIBUTION:
			if (l->depth == level)
				extract_close_section(c, &sec);
			if (l->depth == level && l->stop &&
			    !extract_enter_original(c, &sec, i, level,
			    &in_original))
				goto out;
			in_signature = false;
			continue;
		case EXTRACT_SIG_DELIM:
		case EXTRACT_SIG_LINE:
			/* What follows a signature is more signature. */
			if (l->depth == level)
				in_signature = true;
			continue;
		case EXTRACT_REF:
		case EXTRACT_ARMOR:
			continue;
		case EXTRACT_BOUNDARY:
		case EXTRACT_TEXT:
		case EXTRACT_BLANK:
			break;
		}
		if (l->depth != level) {
			in_signature = false;
			continue;
		}
		if (sec.lines && extract_is_sign_off(c, i, &sec))
			in_signature = true;
		/*
		 * "[END]\n\nBest regards,\nGrace Mensah", or above the
		 * answers or the original: their closing and name, no note
		 * of theirs, is the signature SPEC 4 takes out of the free
		 * text.  A P.S. above or below it stays.
		 */
		if (!sec.lines && (after_end || (c->markers && level == 0 &&
		    !in_original)) && l->kind == EXTRACT_TEXT &&
		    extract_starts_signature(c, i, after_end) &&
		    extract_only_signature_below(c, i, level))
			in_signature = true;
		/*
		 * Without markers the closing stays (mail trimmers keep it),
		 * and the name under it; but their whole name as a paragraph
		 * of its own over a few lines of office, under text of
		 * theirs, is the signature.
		 */
		if (!sec.lines && !c->markers && level == 0 && !in_original &&
		    l->kind == EXTRACT_TEXT && i > 0 &&
		    c->lines[i - 1].kind == EXTRACT_BLANK &&
		    extract_has_text(c->free_lines) &&
		    !extract_is_introduced(c, i) &&
		    i + 1 < c->n && c->lines[i + 1].kind == EXTRACT_TEXT &&
		    extract_is_sender_full_name(c, l->content) &&
		    extract_only_signature_below(c, i, level))
			in_signature = true;
		/* Their name (and office) or a device line signs off. */
		if (sec.lines && level == 0 && !in_original &&
		    extract_section_answered(&sec) &&
		    (extract_is_sender_sign_off(c, i) ||
		    extract_is_device_sign_off(c, i))) {
			in_signature = true;
			continue;
		}
		if (in_signature)
			continue;
		if (!sec.lines) {
			if (!in_original && level == 0)
				g_ptr_array_add(c->free_lines, l->text);
			continue;
		}
		if (l->kind == EXTRACT_TEXT && (cell = extract_cell_after_option(
		    &sec, l->text)) != NULL) {
			g_ptr_array_add(sec.lines, (gpointer)(uintptr_t)cell);
			continue;
		}
		if (l->kind == EXTRACT_TEXT &&
		    extract_is_template(c, sec.id, l->content, &option) &&
		    (!option || extract_take_option(&sec, l->content)))
			continue;
		if (l->kind == EXTRACT_TEXT &&
		    !extract_has_choice_mark(l->content) &&
		    extract_looks_like_option(&sec, l->text,
		    in_original || level > 0) &&
		    extract_take_option(&sec, l->content))
			continue;
		g_ptr_array_add(sec.lines, l->text);
	}
out:
	extract_close_section(c, &sec);
}

/*
 * The tag of an Outlook inline comment at the start of text, "Maria
 * Garcia" of "[Maria Garcia] yes", newly allocated; NULL when text does
 * not start with one.  A tag is letters (two or more), blanks, dots,
 * hyphens and apostrophes: never a question id, a citation key
 * ("[BPF18]") or a choice mark ("[x]").
 */
static char *
extract_name_tag(const char *text)
{
	const char *p = text + 1;
	size_t letters = 0;

	if (*text != '[')
		return NULL;
	for (; *p && *p != ']'; p += g_utf8_skip[*(const guchar *)p]) {
		if ((size_t)(p - text) > EXTRACT_NAME_MAX)
			return NULL;
		if (g_unichar_isalpha(g_utf8_get_char(p)))
			letters++;
		else if (!strchr(" .-'", *p))
			return NULL;
	}
	if (*p != ']' || letters < 2 || (p[1] && p[1] != ' ' && p[1] != '\n'))
		return NULL;
	return g_strndup(text + 1, (size_t)(p - text - 1));
}

/* text without "[tag]" and its blanks at the start of each line. */
static char *
extract_strip_tag(const char *text, const char *tag)
{
	GString *out = g_string_new(NULL);
	size_t n = strlen(tag);
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (p[0] == '[' && strncmp(p + 1, tag, n) == 0 &&
		    p[n + 1] == ']') {
			len -= n + 2;
			p += n + 2;
			while (*p == ' ') {
				p++;
				len--;
			}
		}
		g_string_append_len(out, p, (gssize)len);
		p += len;
	}
	return g_strstrip(g_string_free(out, FALSE));
}

/*
 * A tag repeated on answers is a writer's mark when it reads as a name:
 * two to four capitalised words ("Maria Garcia") or two or three
 * capitals ("KM"), not "[Yes]" or "[TBD]" typed as answers.
 */
static bool
extract_tag_looks_like_name(const char *tag)
{
	char **words = g_strsplit(tag, " ", -1);
	size_t n = 0, i, len = strlen(tag);
	bool capitalised = true;

	for (i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		n++;
		capitalised = capitalised &&
		    g_unichar_isupper(g_utf8_get_char(words[i]));
	}
	g_strfreev(words);
	if (n == 1)
		return len >= 2 && len <= 3 && g_ascii_isupper(tag[0]) &&
		    g_ascii_isupper(tag[1]) && (len == 2 ||
		    g_ascii_isupper(tag[2]));
	return n >= 2 && n <= 4 && capitalised;
}

/*
 * Outlook's "mark my comments with": each answer typed into the original
 * starts with the writer's tag, "[Maria Garcia] yes", "[KM] 4".  The tag
 * is not the answer when it is the sender's name or initials, or when it
 * starts two answers or more.
 */
static void
extract_strip_name_tags(struct extract_ctx *c)
{
	GHashTable *count = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	size_t i;

	for (i = 0; i < c->slots->len; i++) {
		struct extract_slot *s = c->slots->pdata[i];
		char *tag = s->text ? extract_name_tag(s->text) : NULL;

		if (tag)
			g_hash_table_insert(count, tag, GUINT_TO_POINTER(
			    GPOINTER_TO_UINT(g_hash_table_lookup(count,
			    tag)) + 1));
	}
	for (i = 0; i < c->slots->len && g_hash_table_size(count) > 0; i++) {
		struct extract_slot *s = c->slots->pdata[i];
		char *tag = s->text ? extract_name_tag(s->text) : NULL;
		char *text;

		if (tag && ((GPOINTER_TO_UINT(g_hash_table_lookup(count,
		    tag)) >= 2 && extract_tag_looks_like_name(tag)) ||
		    extract_is_sender_name(c, tag))) {
			text = extract_strip_tag(s->text, tag);
			/* "[Yes]" alone is the answer, not a tag. */
			if (*text) {
				g_free(s->text);
				s->text = text;
			} else
				g_free(text);
		}
		g_free(tag);
	}
	g_hash_table_unref(count);
}

static bool
extract_answered(const struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->slots->len; i++)
		if (((struct extract_slot *)c->slots->pdata[i])->text)
			return true;
	return false;
}

/*
 * Answered below the quoted markers, not only on their lines: values
 * typed after a quoted scale say they typed inside the quote, where
 * their other answers are too (see extract_reply()).
 */
static bool
extract_answered_below(const struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->slots->len; i++) {
		const struct extract_slot *s = c->slots->pdata[i];

		if (s->text && !s->on_quoted_line)
			return true;
	}
	return false;
}

static void
extract_answer_free(gpointer p)
{
	struct extract_answer *a = p;

	g_free(a->id);
	g_free(a->text);
	g_free(a);
}

static void
extract_slot_free(gpointer p)
{
	struct extract_slot *s = p;

	g_free(s->text);
	g_free(s);
}

struct extract_template {
	char **ids;		/* or NULL */
	GPtrArray *ignore;	/* char *, ignore lines without marker */
};

struct extract_template *
extract_template_new(const char *const *ids, const char *const *ignore_lines)
{
	struct extract_template *t = g_new0(struct extract_template, 1);
	size_t i;

	for (i = 0; ids && ids[i]; i++)
		;
	if (ids) {
		t->ids = g_new0(char *, i + 1);
		for (i = 0; ids[i]; i++)
			t->ids[i] = g_strdup(ids[i]);
	}
	t->ignore = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; ignore_lines && ignore_lines[i]; i++) {
		/* Compared byte skip by byte skip: valid UTF-8 only. */
		char *line = g_utf8_make_valid(ignore_lines[i], -1);
		char *clean = extract_clean_line(line, strlen(line));
		char id[EXTRACT_ID_SIZE];
		const char *rest = extract_parse_marker(g_strstrip(clean), id);

		if (*(rest ? rest : clean))
			g_ptr_array_add(t->ignore, g_strdup(rest ? rest :
			    clean));
		g_free(clean);
		g_free(line);
	}
	return t;
}

void
extract_template_free(struct extract_template *t)
{
	if (!t)
		return;
	g_strfreev(t->ids);
	g_ptr_array_unref(t->ignore);
	g_free(t);
}

struct extract_result *
extract_reply(const char *text, const char *const *ids,
    const char *const *ignore_lines, const char *sender_name)
{
	struct extract_template *t = ids || ignore_lines ?
	    extract_template_new(ids, ignore_lines) : NULL;
	struct extract_result *r = extract_reply_with(text, t, sender_name,
	    NULL);

	extract_template_free(t);
	return r;
}

struct extract_result *
extract_reply_with(const char *text, const struct extract_template *t,
    const char *sender_name, const char *subject)
{
	struct extract_ctx c = { 0 };
	char *valid = g_utf8_make_valid(text ? text : "", -1);
	GPtrArray *no_ignore = t ? NULL : g_ptr_array_new();
	bool structured, pgp;
	GHashTable *order;
	size_t i, own_end;
	enum subject_prefix prefix;

	c.ids = t ? (const char *const *)t->ids : NULL;
	c.ignore = t ? t->ignore : no_ignore;
	c.sender = sender_name && *sender_name ? sender_name : NULL;
	subject_skip_prefixes(subject, &prefix);
	c.reply_subject = prefix == SUBJECT_REPLY;
	c.res = g_new0(struct extract_result, 1);
	c.res->answers = g_ptr_array_new_with_free_func(extract_answer_free);
	c.res->warnings = g_ptr_array_new_with_free_func(g_free);
	c.prompts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_ptr_array_unref);
	c.prompt_source = g_hash_table_new(g_direct_hash, g_direct_equal);
	c.prompt_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	c.option_texts = g_hash_table_new(g_str_hash, g_str_equal);
	c.slots = g_ptr_array_new_with_free_func(extract_slot_free);
	c.free_lines = g_ptr_array_new();
	c.pieces = g_ptr_array_new_with_free_func(g_free);

	extract_split(&c, valid);
	pgp = strstr(valid, EXTRACT_PGP_BEGIN) != NULL;
	if (pgp)
		extract_unescape_pgp(&c);
	for (i = 0; i < c.n; i++)
		extract_classify_simple(&c, &c.lines[i]);
	extract_unmark_listed_instructions(&c);
	if (pgp)
		extract_mark_pgp_armor(&c);
	if (!c.ids)
		extract_check_bare_ids(&c);
	extract_mark_attributions(&c);
	extract_unmark_pasted(&c);
	own_end = extract_own_end(&c);
	/* The split below adds own lines only: the order stays. */
	order = extract_template_order(&c, own_end);
	if (!c.ids)
		extract_check_unknown_ids(&c, own_end, order);
	own_end += extract_split_marker_runs(&c, own_end, order);
	/* The split inserted lines: the index moves with them. */
	extract_find_last_furniture(&c);
	extract_keep_own_quotes(&c, own_end);
	extract_mark_disclaimers(&c, own_end);
	extract_collect_prompts(&c, own_end);
	extract_find_loose_markers(&c, own_end, order);
	extract_find_restated_prompts(&c);
	c.quoted_reply = extract_original_is_a_reply(&c, 0, 1, true);
	for (i = 0; i < c.n && !c.markers; i++)
		c.markers = c.lines[i].kind == EXTRACT_MARKER;
	g_hash_table_unref(order);
	extract_count_option_texts(&c);
	extract_walk(&c, 0);
	/*
	 * Nothing answered in their own text: they may have typed inside
	 * the quoted original ("see my answers below" in Gmail or Apple
	 * Mail, whose plain part then quotes what they typed).  The text
	 * under the quoted markers is read, flagged: a quoted reminder
	 * carries recorded answers there too, which only the caller, who
	 * knows them, can tell apart (ingest drops them).
	 */
	if (!extract_answered_below(&c) && !c.quoted_reply) {
		/* The quoted markers count once the walk reaches them. */
		structured = c.res->structured;
		c.res->structured = false;
		extract_walk(&c, 1);
		c.res->structured = c.res->structured || structured;
		c.res->quoted_only = extract_answered(&c);
	}
	extract_drop_listing(&c);
	extract_drop_listed(&c);
	extract_strip_name_tags(&c);
	/*
	 * Markers only in the quote and nothing answered: a note above the
	 * invitation ("travelling, will answer later") is for triage.
	 */
	if (!extract_answered(&c))
		c.res->structured = c.own_marker;

	for (i = 0; i < c.slots->len; i++) {
		struct extract_slot *s = c.slots->pdata[i];
		struct extract_answer *a;

		if (!s->text)
			continue;
		a = g_new0(struct extract_answer, 1);
		a->id = g_strdup(s->id);
		a->text = g_steal_pointer(&s->text);
		g_ptr_array_add(c.res->answers, a);
	}
	extract_drop_gateway_furniture(c.free_lines);
	c.res->free_text = extract_join(NULL, c.free_lines);

	g_free(c.text);
	g_free(c.lines);
	g_ptr_array_unref(c.free_lines);
	g_ptr_array_unref(c.pieces);
	g_ptr_array_unref(c.slots);
	g_hash_table_unref(c.prompt_source);
	g_hash_table_unref(c.prompt_seen);
	g_hash_table_unref(c.option_texts);
	g_hash_table_unref(c.prompts);
	if (no_ignore)
		g_ptr_array_unref(no_ignore);
	g_free(valid);
	return c.res;
}

void
extract_result_free(struct extract_result *r)
{
	if (!r)
		return;
	g_ptr_array_unref(r->answers);
	g_free(r->free_text);
	g_ptr_array_unref(r->warnings);
	g_free(r);
}
