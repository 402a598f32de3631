/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction: the template's prompts and options.  Learns prompts
 * from the template the reply shows, compares lines with them (ignoring
 * case, dashes and decoration), takes the answer after a prompt kept on
 * the marker line, and tells an option list left as sent from a choice
 * made.  Finding the markers themselves is extract_marker.c's.
 */
#include "extract.h"

#include <stdint.h>
#include <string.h>

#include "extract_private.h"

#include "banned.h"

/*
 * A character as a template comparison sees it: lowercase, every hyphen
 * and dash Word or a phone keyboard types ("(1‑5)" with U+2011) a
 * hyphen-minus, full-width ':' and '?' and curly apostrophes plain.
 */
static gunichar
extract_fold_char(gunichar c)
{
	if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xfe58 ||
	    c == 0xfe63 || c == 0xff0d)
		return '-';
	if (c == 0xff1a)
		return ':';
	if (c == 0xff1f)
		return '?';
	if (c == 0x2018 || c == 0x2019)
		return '\'';
	return g_unichar_tolower(c);
}

/*
 * Is what is left of a template line only the end of a prompt: its "?"
 * or ":" and a scale such as "(1-5)" or "(yes/no)"?  A participant who
 * retypes "What worked well" or "Clarity of the objectives" has written
 * the prompt.
 */
static bool
extract_is_prompt_tail(const char *t)
{
	const char *close;

	while (*t == ' ' || *t == '\t' || *t == '*' || *t == '_' ||
	    *t == '?' || *t == ':')
		t++;
	if (*t == '(' && (close = strchr(t, ')')) != NULL &&
	    close - t <= 12) {
		t = close + 1;
		while (*t == ' ' || *t == '\t' || *t == '*' || *t == '_' ||
		    *t == '?' || *t == ':')
			t++;
	}
	return !*t;
}

static bool extract_is_choice_hint(const char *p, size_t n);
static bool extract_ends_as_question(const char *s);
static bool extract_looks_like_option_line(const char *text, bool loose);
static const char *extract_option_text(const char *o);

/*
 * The end of the scale ("(1-5)", "(1–10)", "(0-100)", "(5-1)") at p, or
 * NULL: a rating's range either way, not years ("Gender and Access
 * (2016-2018)").
 */
static const char *
extract_scale_end(const char *p)
{
	const char *q = p + 1;
	guint64 low, high;

	if (*p != '(' || !g_ascii_isdigit(*q))
		return NULL;
	low = g_ascii_strtoull(q, NULL, 10);
	while (g_ascii_isdigit(*q))
		q++;
	while (*q == ' ')
		q++;
	if (*q == '-')
		q++;
	else if (strncmp(q, "\xe2\x80\x93", 3) == 0)	/* – */
		q += 3;
	else
		return NULL;
	while (*q == ' ')
		q++;
	if (!g_ascii_isdigit(*q))
		return NULL;
	high = g_ascii_strtoull(q, NULL, 10);
	while (g_ascii_isdigit(*q))
		q++;
	if (MIN(low, high) > 10 || MAX(low, high) > 100 || low == high)
		return NULL;
	return *q == ')' ? q + 1 : NULL;
}

/* Does t start with a scale ("(1-5)") or a hint ("(yes/no)")? */
static bool
extract_is_scale(const char *t)
{
	const char *close = memchr(t, ')', strnlen(t, 25));

	return *t == '(' && close && (extract_scale_end(t) ||
	    extract_is_choice_hint(t + 1, (size_t)(close - t) - 1));
}

/*
 * Compares s with a template line, ignoring case, blanks, '*'/'_'
 * decoration and the kind of dash (extract_fold_char()).  Returns the
 * position in s after the template text, or NULL when s does not start
 * with it.  s of 12 bytes or more may stop short of the prompt's "?",
 * ":" or scale.
 */
static const char *
extract_loose_prefix(const char *s, const char *tmpl)
{
	const char *p = s;
	const char *t = tmpl;

	for (;;) {
		while (*t == ' ' || *t == '\t' || *t == '*' || *t == '_')
			t++;
		if (!*t)
			return p;
		while (*p == ' ' || *p == '\t' || *p == '*' || *p == '_')
			p++;
		/* Short texts ("b", "Yes") are answers, whatever the prompt. */
		if (!*p)
			return p - s >= 12 && extract_is_prompt_tail(t) ? p :
			    NULL;
		/*
		 * The scale typed over: "Clarity of the objectives 4" for
		 * "... objectives (1-5)", "... interview? Yes" for "...
		 * interview? (yes/no)".  Only a scale: "What worked well
		 * was ..." for "What worked well?" is the participant's.
		 */
		if (*t == '(' && *p != '(' && p - s >= 12 && (p[-1] == ' ' ||
		    p[-1] == '\t' || p[-1] == '?' || p[-1] == ':') &&
		    extract_is_prompt_tail(t) && extract_is_scale(t) &&
		    (g_ascii_isdigit(*p) || extract_word_count(p) <= 2))
			return p;
		/* Most template text is ASCII: no need to decode it. */
		if (!(*p & 0x80) && !(*t & 0x80)) {
			if (g_ascii_tolower(*p) != g_ascii_tolower(*t))
				return NULL;
			p++;
			t++;
			continue;
		}
		if (extract_fold_char(g_utf8_get_char(p)) !=
		    extract_fold_char(g_utf8_get_char(t)))
			return NULL;
		p += g_utf8_skip[*(const guchar *)p];
		t += g_utf8_skip[*(const guchar *)t];
	}
}

bool
extract_loose_equal(const char *a, const char *b)
{
	const char *rest = extract_loose_prefix(a, b);

	return rest && extract_is_blank_or_deco(rest);
}

/*
 * Does s open a word in bold as Gmail's text writes it ("*Strengths:*
 * the calls"): a '*' before a letter, closed by another on the line?
 */
static bool
extract_opens_emphasis(const char *s)
{
	const char *close;

	if (s[0] != '*' || !s[1] || s[1] == ' ' || s[1] == '*' ||
	    s[1] == '\t')
		return false;
	close = strchr(s + 1, '*');
	return close && close[-1] != ' ';
}

/*
 * Remainder after a prompt: leading ":", "：", the Ethiopic "፡" and "፦",
 * "-" and blanks dropped, and the dashes Word's autocorrect makes of "-";
 * an arrow ("-->", "->", "=>", ">>", "→"); an "=" too when a blank follows
 * ("[Q1] = text"), not "=SUM(A1:A3)".
 */
static char *
extract_after_prompt(const char *after)
{
	static const char *const arrows[] = {
		"-->", "->", "=>", ">>", "\xe2\x86\x92", NULL,
	};
	size_t i;

	for (;;) {
		for (i = 0; arrows[i]; i++)
			if (g_str_has_prefix(after, arrows[i]))
				break;
		if (arrows[i])
			after += strlen(arrows[i]);
		else if (*after == ' ' || *after == ':' || *after == '-' ||
		    (*after == '*' && !extract_opens_emphasis(after)) ||
		    *after == '_' || *after == '\t' ||
		    (*after == '=' && (after[1] == ' ' || after[1] == '\t' ||
		    !after[1])))
			after++;
		else if (strncmp(after, "\xef\xbc\x9a", 3) == 0 ||	/* ： */
		    strncmp(after, "\xe1\x8d\xa1", 3) == 0 ||	/* ፡ */
		    strncmp(after, "\xe1\x8d\xa6", 3) == 0 ||	/* ፦ */
		    strncmp(after, "\xe2\x80\x93", 3) == 0 ||	/* – */
		    strncmp(after, "\xe2\x80\x94", 3) == 0)		/* — */
			after += 3;
		else
			break;
	}
	return *after ? g_strstrip(g_strdup(after)) : NULL;
}

/* The end of the last "(1-5)"-style scale in s, or NULL. */
static const char *
extract_after_scale(const char *s)
{
	const char *found = NULL, *end;
	const char *p;

	for (p = strchr(s, '('); p; p = strchr(p + 1, '('))
		if ((end = extract_scale_end(p)) != NULL)
			found = end;
	return found;
}

/*
 * The end of a "(yes/no)" the invitation puts after a yes/no prompt, or
 * of a hint translated with the prompt right after its question mark
 * ("... un BPF ? (oui/non)", "¿...? (sí/no)").
 */
static const char *
extract_after_yesno(const char *s)
{
	const char *found = NULL;
	const char *p, *q;

	/* "(sí/no)", or in full-width brackets: "？（是/否）". */
	for (p = s; *p; p++) {
		size_t open = *p == '(' ? 1 :
		    strncmp(p, "\xef\xbc\x88", 3) == 0 ? 3 : 0;	/* （ */
		const char *close, *wide;
		size_t close_len = 1, n;

		if (!open)
			continue;
		if (g_ascii_strncasecmp(p, "(yes/no)", 8) == 0) {
			found = p + 8;
			continue;
		}
		n = strnlen(p, 25 + open);
		close = memchr(p, ')', n);
		wide = g_strstr_len(p, (gssize)n, "\xef\xbc\x89");	/* ） */
		if (wide && (!close || wide < close)) {
			close = wide;
			close_len = 3;
		}
		if (!close || !extract_is_choice_hint(p + open,
		    (size_t)(close - p) - open))
			continue;
		for (q = p; q > s && q[-1] == ' '; q--)
			;
		if ((q - s >= 1 && q[-1] == '?') ||
		    (q - s >= 2 && memcmp(q - 2, "\xd8\x9f", 2) == 0) ||
		    (q - s >= 3 && memcmp(q - 3, "\xef\xbc\x9f", 3) == 0))
			found = close + close_len;	/* ? ؟ ？ */
	}
	return found;
}

/*
 * Does s[0..n) speak in the first person singular (I, je, yo, я, 我 ...)?
 * Not plural: the template asks "May we contact you?", "tell us".
 */
static bool
extract_has_first_person(const char *s, size_t n)
{
	static const char *const words[] = {
		"i", "i'm", "i've", "i'd", "my", "me", "je", "j'ai", "mon", "ma",
		"mes", "yo", "mi", "я", "мне", "мой", "моя", "أنا", NULL,
	};
	g_autofree char *low = g_utf8_strdown(s, (gssize)n);
	char **parts = NULL;
	bool found = false;
	const char *wo;
	size_t i;

	for (wo = strstr(low, "我"); wo; wo = strstr(wo + 3, "我"))
		if (!g_str_has_prefix(wo + 3, "们"))
			return true;
	parts = g_strsplit_set(low, " ,;:!?¡¿\"()", -1);
	for (i = 0; parts[i] && !found; i++)
		found = g_strv_contains(words, parts[i]);
	g_strfreev(parts);
	return found;
}

/* Is s one remark in brackets ("(max. 200 words)", "(optional)")? */
static bool
extract_is_bracketed(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n >= 2 && s[0] == '(' && s[n - 1] == ')' &&
	    !memchr(s + 1, ')', n - 2);
}

/*
 * Is s their own translation of the prompt, in brackets on the line
 * under it: "(Sekretarieti iendelee kufanya nini?)", "(Kuna jambo
 * lingine?)": one bracketed question.
 */
bool
extract_is_bracketed_question(const char *s)
{
	g_autofree char *inside = NULL;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!extract_is_bracketed(s))
		return false;
	inside = g_strdup(s + 1);
	n = strlen(inside);
	while (n > 0 && inside[n - 1] == ' ')
		n--;
	inside[n > 0 ? n - 1 : 0] = '\0';	/* the ')' */
	g_strchomp(inside);
	return extract_ends_as_question(inside) &&
	    inside[strlen(inside) - 1] != ':';
}

/* Is s a question and a remark in brackets ("Why? (max. 200 words)")? */
static bool
extract_is_question_and_remark(const char *s)
{
	const char *open = strrchr(s, '(');
	g_autofree char *question = NULL;

	if (!open || open == s || !extract_is_bracketed(open))
		return false;
	question = g_strndup(s, (gsize)(open - s));
	g_strchomp(question);
	return *question && extract_ends_as_question(question) &&
	    question[strlen(question) - 1] != ':';
}

/*
 * In the template's own copy (quoted, or an Outlook original), where a
 * prompt ending in a colon stops when a value was typed after it ("Your
 * main role in the BPF: 3"): after the last colon of a prompt of two
 * words or more, a value of one or two words.  NULL when none.
 */
static const char *
extract_colon_prompt_end(const char *rest)
{
	const char *colon = strrchr(rest, ':');
	const char *after;
	g_autofree char *before = NULL;

	if (!colon || colon == rest || colon[1] != ' ')
		return NULL;
	after = colon + 1;
	while (*after == ' ')
		after++;
	before = g_strndup(rest, (gsize)(colon - rest));
	if (!*after || extract_word_count(after) > 2 ||
	    extract_word_count(before) < 2)
		return NULL;
	return after;
}

/*
 * In the template's copy, a choice's value typed after its prompt's
 * colon, over the options ("[C2] Preferred format: 4. Round table with
 * governments", "[C2] 首选形式：主会场"): the number of one of the
 * options listed under it, with their words after it or none, or the
 * text of one.  Where it starts, or NULL.
 */
#define EXTRACT_OPTIONS_MAX 64

static const char *
extract_colon_option_end(const struct extract_ctx *c, size_t i)
{
	const struct extract_line *l = &c->lines[i];
	const char *colon = strrchr(l->rest, ':');
	const char *wide = g_strrstr(l->rest, "\xef\xbc\x9a");	/* ： */
	const char *after;
	guint64 number, last = 0;
	size_t k;

	if (l->id[0] != 'C')
		return NULL;
	if (wide && (!colon || wide > colon))
		after = wide + 3;
	else if (colon && colon > l->rest && colon[1] == ' ')
		after = colon + 1;
	else
		return NULL;
	while (*after == ' ')
		after++;
	if (!*after)
		return NULL;
	number = g_ascii_isdigit(*after) ?
	    g_ascii_strtoull(after, NULL, 10) : 0;
	for (k = i + 1; k < c->n && k < i + 1 + EXTRACT_OPTIONS_MAX; k++) {
		const char *o = c->lines[k].content;

		if (c->lines[k].depth != l->depth ||
		    !extract_looks_like_option_line(o, true))
			break;
		o += strspn(o, " ");
		last = g_ascii_strtoull(o, NULL, 10);
		if (extract_loose_equal(after, extract_option_text(o)))
			return after;
	}
	if (number == 0 || number > last || k < i + 3)
		return NULL;
	/*
	 * "4", "4. Other", "4 - debates": not "2027 onwards", nor the
	 * template's own hint of a range ("1 or 2", "1-5", "1 (low) to 5").
	 */
	for (k = 0; g_ascii_isdigit(after[k]); k++)
		;
	if (g_ascii_isalnum(after[k]) || strpbrk(after + k, "0123456789"))
		return NULL;
	return after;
}

/*
 * Without a known prompt: where the prompt a participant kept on the
 * marker line ends when they answered after it on the same line ("[Q1]
 * What worked well? The webinars.").  That is a question of three words
 * or more (four characters of CJK, written without spaces) ended by "?",
 * "？" or "؟",
 * with more text after it; "[Q7] Why? Because ..." is all answer.
 * Returns the position after the question mark, or NULL.
 */
static const char *
extract_prompt_end(const char *rest, bool template_line)
{
	size_t words = 1, wide = 0;
	const char *p;

	for (p = rest; *p; p += g_utf8_skip[*(const guchar *)p]) {
		size_t mark = 0;

		/* A TAB: the answer in the next cell of a table. */
		if (*p == '?' && (p[1] == ' ' || p[1] == '\t' || p[1] == '*'))
			mark = 1;
		else if (strncmp(p, "\xef\xbc\x9f", 3) == 0)	/* ？ */
			mark = 3;
		else if (strncmp(p, "\xd8\x9f", 2) == 0 &&	/* ؟ */
		    (p[2] == ' ' || p[2] == '\t'))
			mark = 2;
		if (mark) {
			const char *after = p + mark;

			/* "2027年IGF议程应优先讨论哪些议题？": wide letters count. */
			if (words < 3 && (words > 1 || wide < 4))
				return NULL;
			/*
			 * "Would I do it again?", "¿Lo haría?": their own;
			 * in the template's copy "¿...?" is its question.
			 */
			if ((!template_line &&
			    g_str_has_prefix(rest, "\xc2\xbf")) ||
			    extract_has_first_person(rest, (size_t)(p - rest)))
				return NULL;
			while (*after == ' ' || *after == '\t' ||
			    *after == '*' || *after == '_')
				after++;
			/*
			 * A prompt given in two languages ("... contact? /
			 * Какие ... лицо?") or with a remark ("... why?
			 * (max. 200 words)") is one prompt, not an answer.
			 */
			if (*after == '/' || extract_ends_as_question(after) ||
			    extract_ends_like_prompt(after, false) ||
			    extract_is_bracketed(after))
				return NULL;
			return *after ? after : NULL;
		}
		if (*p == '?')
			return NULL;
		if (*p == ' ' && p[1] != ' ')
			words++;
		if (g_unichar_iswide(g_utf8_get_char(p)))
			wide++;
	}
	return NULL;
}

/* A prompt ends as a question, or with a colon (section prompts). */
static bool
extract_ends_as_question(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '*' || s[n - 1] == '_' || s[n - 1] == ' '))
		n--;
	return (n >= 1 && (s[n - 1] == '?' || s[n - 1] == ':')) ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0) ||
	    (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9f", 3) == 0) ||
	    (n >= 2 && memcmp(s + n - 2, "\xd8\x9f", 2) == 0);
}

/*
 * Are the n bytes from p the inside of a choice hint: words of letters
 * between slashes ("sí/no", "oui / non")?  An answer's brackets hold a
 * link, a date or hours ("https://x.org/a", "03/2026", "24/7") instead.
 */
static bool
extract_is_choice_hint(const char *p, size_t n)
{
	const char *end = p + n;
	bool slash = false;

	for (; p < end; p += g_utf8_skip[*(const unsigned char *)p]) {
		gunichar ch = g_utf8_get_char(p);

		if (ch == '/')
			slash = true;
		/* "(yes/no, да/нет)": a hint given in two languages. */
		else if (ch != ' ' && ch != ',' && !g_unichar_isalpha(ch))
			return false;
	}
	return slash;
}

/*
 * Does s, typed on a marker line, end as a prompt does: a question mark
 * of any script, or a choice hint in brackets ("(sí/no)"), or when any,
 * a colon ("Votre rôle principal :")?
 */
bool
extract_is_bold_lead_in(const char *s)
{
	size_t n = strlen(s);
	g_autofree char *inside = NULL;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n < 4 || s[0] != '*' || s[n - 1] != '*')
		return false;
	inside = g_strndup(s + 1, n - 2);
	g_strstrip(inside);
	n = strlen(inside);
	return n > 0 && (inside[n - 1] == ':' || (n >= 3 &&
	    memcmp(inside + n - 3, "\xef\xbc\x9a", 3) == 0)) &&
	    extract_word_count(inside) <= 3;
}

bool
extract_ends_like_prompt(const char *s, bool any)
{
	size_t n = strlen(s);
	const char *open;

	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n > 0 && s[n - 1] == ')') {
		open = g_strrstr_len(s, (gssize)n, "(");
		return open && s + n - open <= 20 &&
		    extract_is_choice_hint(open + 1, (size_t)(s + n - open) - 2);
	}
	if (n >= 1 && s[n - 1] == ':')
		return any;
	if (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0)	/* ： */
		return any;
	return extract_ends_as_question(s);
}

/*
 * Retyped prompts: the participant copied the template with its prompts
 * in their language ("[Q1] ¿Qué funcionó bien?" over the answer), which
 * no known prompt matches.  Two or more own marker lines that end as a
 * question or with a hint, over an answer on the lines below, say so;
 * then such lines (and those ending in a colon) are prompts, not
 * answers' first lines (see extract_close_section()).  One alone is
 * their own question opening the answer.
 */
void
extract_find_restated_prompts(struct extract_ctx *c)
{
	size_t i, found = 0;
	bool option;

	for (i = 0; i + 1 < c->n && found < 2; i++) {
		const struct extract_line *l = &c->lines[i];
		char *first;

		if (l->kind != EXTRACT_MARKER || l->depth != 0 || !*l->rest ||
		    c->lines[i + 1].kind != EXTRACT_TEXT ||
		    c->lines[i + 1].depth != 0)
			continue;
		first = extract_marker_answer(c, l->id, l->rest);
		/* "[Q2] ¿Entrevista? (sí/no)" over "No": all prompt. */
		if (!first && !extract_is_template(c, l->id, l->rest, &option) &&
		    extract_ends_like_prompt(l->rest, false))
			found++;
		else if (first && extract_ends_like_prompt(first, false))
			found++;
		g_free(first);
	}
	c->restated = found >= 2;
}

/*
 * Without the definition (consultd parse), a choice's options as the
 * invitation lists them: "  1. Option" (two spaces, as the marker block
 * renders them) under a C-question's marker, before any answer text.
 * A participant's own numbered list is seldom indented just so.  Inside
 * an unquoted original (loose) the lines are the invitation's, but HTML
 * converted to text has lost the indentation: any "1. Option" will do.
 */
static bool
extract_looks_like_option_line(const char *text, bool loose)
{
	const char *p = text;

	if (loose) {
		while (*p == ' ')
			p++;
	} else if (p[0] == ' ' && p[1] == ' ') {
		p += 2;
	} else {
		return false;
	}
	if (!g_ascii_isdigit(*p))
		return false;
	while (g_ascii_isdigit(*p))
		p++;
	/*
	 * "1. Option" as consultd's letters number them, "1) Option" too,
	 * and "1.<TAB>Option" as Outlook writes an <ol> as text.
	 */
	return (p[0] == '.' || p[0] == ')') && (p[1] == ' ' || p[1] == '\t') &&
	    p[2] && p[2] != ' ' && p[2] != '\t';
}

/*
 * An option line the participant marked as chosen: "2. Contributor <--",
 * "X 1. Coordinator", "[x] 3. MAG member", "✓ 4. Secretariat".  content
 * has no trailing blanks; leading ones are skipped.
 */
bool
extract_has_choice_mark(const char *content)
{
	static const char *const ends[] = {
		"<--", "<-", "<==", "<=", "<<", "\xe2\x86\x90", "\xe2\x9c\x93",
		"\xe2\x9c\x94", "\xe2\x9c\x85", "(x)", "[x]", "(X)", "[X]", " x",
		" X", NULL,		/* ← ✓ ✔ ✅ */
	};
	static const char *const starts[] = {
		"x ", "X ", "[x]", "[X]", "(x)", "(X)", "\xe2\x9c\x93",
		"\xe2\x9c\x94", "\xe2\x9c\x85", "->", "-->", "=>",
		"\xe2\x86\x92", NULL,	/* → */
	};
	size_t i;

	while (*content == ' ' || *content == '\t')
		content++;
	for (i = 0; ends[i]; i++)
		if (g_str_has_suffix(content, ends[i]))
			return true;
	for (i = 0; starts[i]; i++)
		if (g_str_has_prefix(content, starts[i]))
			return true;
	return false;
}

bool
extract_looks_like_option(const struct extract_section *sec,
    const char *text, bool loose)
{
	size_t i;

	if (sec->id[0] != 'C' || sec->first ||
	    !extract_looks_like_option_line(text, loose))
		return false;
	for (i = 0; i < sec->lines->len; i++)
		if (!extract_is_blank_or_deco(sec->lines->pdata[i]))
			return false;
	return true;
}

/*
 * A table row as Outlook writes its cells, "5. Other<TAB>3": an option
 * of the template's list in the first cell, the answer typed in the
 * cell beside it.  Returns the answer, inside text, or NULL.
 */
const char *
extract_cell_after_option(const struct extract_section *sec,
    const char *text)
{
	const char *tab = strrchr(text, '\t');
	const char *tail;
	g_autofree char *head = NULL;

	/* In the template's own copy only: looking further is quadratic. */
	if (sec->id[0] != 'C' || !tab || (!sec->original && !sec->quoted))
		return NULL;
	for (tail = tab + 1; *tail == ' ' || *tail == '\t'; tail++)
		;
	if (!*tail)
		return NULL;
	head = g_strndup(text, (gsize)(tab - text));
	g_strchomp(head);
	return extract_looks_like_option_line(head, true) ? tail : NULL;
}

/*
 * Counts option line l in sec when it goes on down the list: the first
 * one, or numbered after the last (a marked option between may be
 * missing).  "2. Contributor" typed under the unchanged list ("... 5.
 * Other") is the answer, not a sixth option.  A template line without a
 * number (a prompt left without its marker) has no place in the list:
 * it counts wherever it stands, as before options were ordered.
 */
bool
extract_take_option(struct extract_section *sec, const char *l)
{
	guint64 number = g_ascii_strtoull(l + strspn(l, " "), NULL, 10);

	if (number > 0 && number <= sec->option_number)
		return false;
	sec->options++;
	sec->option = l;
	if (number > 0)
		sec->option_number = number;
	return true;
}

/* Is s a known template line (prompt of id or an ignore line)? */
bool
extract_is_template(const struct extract_ctx *c, const char *id,
    const char *s, bool *option_out)
{
	GPtrArray *prompts = g_hash_table_lookup(c->prompts, id);
	size_t i;

	*option_out = false;
	for (i = 0; prompts && i < prompts->len; i++)
		if (extract_loose_equal(s, prompts->pdata[i]))
			return true;
	for (i = 0; i < c->ignore->len; i++)
		if (extract_loose_equal(s, c->ignore->pdata[i])) {
			*option_out = true;
			return true;
		}
	return false;
}

/*
 * The answer written on a depth-0 marker line after the marker, or NULL
 * when the rest of the line is only the prompt.
 */
char *
extract_marker_answer(const struct extract_ctx *c, const char *id,
    const char *rest)
{
	GPtrArray *prompts = g_hash_table_lookup(c->prompts, id);
	bool known = (prompts && prompts->len > 0) || c->ignore->len > 0;
	const char *after, *longest, *self;
	size_t i;

	if (!*rest)
		return NULL;
	/* The definition's prompts first, then the longest one learnt. */
	for (i = 0; i < c->ignore->len; i++) {
		after = extract_loose_prefix(rest, c->ignore->pdata[i]);
		if (after && *(const char *)c->ignore->pdata[i])
			return extract_after_prompt(after);
	}
	/*
	 * Not the prompt learnt from this very line: typed into an Outlook
	 * original, "[Q1] What worked well? The webinars." is its own
	 * prompt whole.
	 */
	self = g_hash_table_lookup(c->prompt_source,
	    (gconstpointer)(uintptr_t)rest);
	longest = NULL;
	for (i = 0; prompts && i < prompts->len; i++) {
		if (prompts->pdata[i] == self)
			continue;
		after = extract_loose_prefix(rest, prompts->pdata[i]);
		if (after && *(const char *)prompts->pdata[i] &&
		    (!longest || after > longest))
			longest = after;
	}
	if (longest)
		return extract_after_prompt(longest);
	/*
	 * A table pasted as text ("[Q1]<TAB>What worked well?<TAB>The
	 * calls"): a first cell that ends as a prompt is the prompt.
	 */
	after = strchr(rest, '\t');
	if (after) {
		g_autofree char *cell = g_strndup(rest, (gsize)(after - rest));
		const char *scale_end;

		g_strchomp(cell);
		scale_end = extract_after_scale(cell);
		while (*after == '\t' || *after == ' ')
			after++;
		if (*after && (extract_ends_as_question(cell) ||
		    (scale_end && !*scale_end)))
			return extract_after_prompt(after);
	}
	after = extract_after_scale(rest);
	if (!after)
		after = extract_after_yesno(rest);
	if (after)
		return extract_after_prompt(after);
	/* A question of their own when the template's prompt is known. */
	if (!known && (extract_ends_as_question(rest) ||
	    extract_is_question_and_remark(rest)))
		return NULL;
	/* Nothing known to compare with: a long question is the prompt. */
	after = known ? NULL : extract_prompt_end(rest, false);
	return extract_after_prompt(after ? after : rest);
}

/*
 * A value typed at the end of a quoted marker line, after the scale or
 * hint that ends the template's prompt ("> [R1] Clarity (1-5) 4"): the
 * template never has text there.  A value is three words at most.
 * Newly allocated, or NULL.
 */
char *
extract_value_after_quoted_scale(const char *rest)
{
	const char *after = extract_after_scale(rest);
	char *value;

	if (!after)
		after = extract_after_yesno(rest);
	if (!after)
		return NULL;
	value = extract_after_prompt(after);
	if (value && extract_word_count(value) > 3)
		g_clear_pointer(&value, g_free);
	return value;
}

/*
 * Is option line l ("  2. Contributor") one of the template's: the same
 * option text stands on another line of the message too (the quoted or
 * unquoted original), or the definition lists it.  A participant's own
 * numbered reasons stand once.
 */
static bool
extract_is_template_option(const struct extract_ctx *c, const char *l)
{
	const char *text = extract_option_text(l + strspn(l, " "));
	size_t i;

	for (i = 0; i < c->ignore->len; i++)
		if (strcmp(c->ignore->pdata[i], text) == 0 ||
		    g_str_has_suffix(c->ignore->pdata[i], text))
			return true;
	return GPOINTER_TO_UINT(g_hash_table_lookup(c->option_texts,
	    text)) >= 2;
}

/* The text after the number of each line starting with digits: once. */
static const char *
extract_option_text(const char *o)
{
	while (g_ascii_isdigit(*o))
		o++;
	if (*o == '.' || *o == ')')
		o++;
	while (*o == ' ' || *o == '\t')
		o++;
	return o;
}

/*
 * Counts, once for the walk, the lines that show each option's text:
 * asking every line of the message for every option line of a list of
 * thousands took minutes.
 */
void
extract_count_option_texts(struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const char *o = c->lines[i].content;
		guint seen;

		if (!g_ascii_isdigit(*o))
			continue;
		o = extract_option_text(o);
		seen = GPOINTER_TO_UINT(g_hash_table_lookup(c->option_texts,
		    o));
		if (seen < 2)
			g_hash_table_insert(c->option_texts,
			    (gpointer)(uintptr_t)o, GUINT_TO_POINTER(seen + 1));
	}
}

/*
 * Is line l of sec one of an unchanged option list: an unmarked "N.
 * Option" line (any indentation: HTML loses it) of the template?
 */
static bool
extract_is_list_option(const struct extract_ctx *c,
    const struct extract_section *sec, const char *l)
{
	/* In an original or a quote, the lines are the template's. */
	return extract_looks_like_option_line(l, true) &&
	    !extract_has_choice_mark(l) && (sec->original || sec->quoted ||
	    extract_is_template_option(c, l));
}

static guint64
extract_option_number(const char *l)
{
	return g_ascii_strtoull(l + strspn(l, " "), NULL, 10);
}

/*
 * The option list that ends at line to of sec and starts at from or
 * below it: the first line of the longest run of list options numbered
 * one after the other, or to when line to - 1 is none.  One pass: trying
 * each start in turn took minutes on a list of thousands of lines.
 */
static size_t
extract_option_run_from(const struct extract_ctx *c,
    const struct extract_section *sec, size_t from, size_t to)
{
	size_t i = to;
	guint64 next = 0;

	while (i > from && extract_is_list_option(c, sec,
	    sec->lines->pdata[i - 1])) {
		guint64 k = extract_option_number(sec->lines->pdata[i - 1]);

		if (i < to && k + 1 != next)
			break;
		next = k;
		i--;
	}
	return i;
}

/* The same list read down from line from: where it ends. */
static size_t
extract_option_run_to(const struct extract_ctx *c,
    const struct extract_section *sec, size_t from, size_t to)
{
	size_t i = from;
	guint64 number = 0;

	while (i < to && extract_is_list_option(c, sec, sec->lines->pdata[i])) {
		guint64 k = extract_option_number(sec->lines->pdata[i]);

		if (i > from && k != number + 1)
			break;
		number = k;
		i++;
	}
	return i;
}

/*
 * The template's options at the end of sec's first n lines with blank
 * lines between them, as HTML paragraphs convert ("5", "", "1. Coordinator",
 * "", "2. Contributor" ...): the blanks are dropped so that the list
 * reads as one.  Only the template's own options, numbered one after the
 * other: a participant's list keeps its layout.  Returns the new n.
 */
static size_t
extract_close_option_gaps(const struct extract_ctx *c,
    struct extract_section *sec, size_t n)
{
	size_t i = n, first = n, options = 0, kept;
	guint64 next = 0;
	bool gaps = false;

	while (i > 0) {
		const char *l = sec->lines->pdata[i - 1];
		guint64 k;

		if (options > 0 && extract_is_blank_or_deco(l)) {
			gaps = true;
			i--;
			continue;
		}
		if (!extract_is_list_option(c, sec, l))
			break;
		k = extract_option_number(l);
		if (options > 0 && k + 1 != next)
			break;
		next = k;
		first = --i;
		options++;
	}
	if (options < 2 || !gaps)
		return n;
	/* One pass: removing the blanks one by one is quadratic. */
	for (i = kept = first; i < sec->lines->len; i++)
		if (i >= n || !extract_is_blank_or_deco(sec->lines->pdata[i]))
			sec->lines->pdata[kept++] = sec->lines->pdata[i];
	n -= sec->lines->len - kept;
	g_ptr_array_set_size(sec->lines, (guint)kept);
	return n;
}

/*
 * Are lines 0..n - 1 an option list numbered from 1 one after the other,
 * two options at least, and does value name one of them: its number (no
 * more than the last) or its text?
 */
static bool
extract_names_listed_option(const char *value, const GPtrArray *lines,
    size_t n)
{
	guint64 number = g_ascii_isdigit(*value) ?
	    g_ascii_strtoull(value, NULL, 10) : 0;
	bool named = false;
	size_t i;

	if (n < 2 || (number > 0 && value[strspn(value, "0123456789")]))
		number = 0;
	for (i = 0; i < n; i++) {
		const char *l = lines->pdata[i];

		while (*l == ' ')
			l++;
		if (g_ascii_strtoull(l, NULL, 10) != i + 1)
			return false;
		named |= extract_loose_equal(value, extract_option_text(l));
	}
	return named || (number > 0 && number <= n);
}

/*
 * A choice answered beside its option list, left as the invitation shows
 * it ("3" above or below "1. Coordinator" ... "5. Other"; or "X 1.
 * Coordinator" and the rest unmarked): the list is not the answer.
 */
void
extract_drop_option_list(const struct extract_ctx *c,
    struct extract_section *sec)
{
	size_t n = sec->lines->len;
	size_t start, end, loose;

	if (sec->id[0] != 'C')
		return;
	while (n > 0 && extract_is_blank_or_deco(sec->lines->pdata[n - 1]))
		n--;
	n = extract_close_option_gaps(c, sec, n);
	/* The list below the answer. */
	start = n;
	while (start > 0 && !extract_is_blank_or_deco(
	    sec->lines->pdata[start - 1]) && extract_looks_like_option_line(
	    sec->lines->pdata[start - 1], true) &&
	    !extract_has_choice_mark(sec->lines->pdata[start - 1]))
		start--;
	loose = start;
	/*
	 * "2. Contributor" typed right above the list is not part of it; a
	 * list is two options at least.
	 */
	start = extract_option_run_from(c, sec, start, n);
	/*
	 * With no template to show the list is its own ("[C2] 很少" over
	 * "1. 几乎每次" ... "4. 从不", the quote deleted): the value typed
	 * on the marker line names one of them.
	 */
	if (start == n && loose == 0 && sec->first &&
	    extract_names_listed_option(sec->first, sec->lines, n))
		start = 0;
	if ((sec->first || start > 0) && start + 2 <= n) {
		g_ptr_array_set_size(sec->lines, (guint)start);
		n = start;
	}
	/* The list above it. */
	for (start = 0; start < n && extract_is_blank_or_deco(
	    sec->lines->pdata[start]); start++)
		;
	for (end = start; end < n && extract_looks_like_option_line(
	    sec->lines->pdata[end], true) &&
	    !extract_has_choice_mark(sec->lines->pdata[end]); end++)
		;
	/* Nor "2. Contributor" typed right under it. */
	end = extract_option_run_to(c, sec, start, end);
	if (end < start + 2)
		return;
	if (end < n)
		g_ptr_array_remove_range(sec->lines, 0, (guint)end);
	/*
	 * The whole list and nothing else, its indentation lost (HTML, an
	 * editor): unanswered.  From "1." and three options at least: two
	 * left of the list are a choice of theirs.
	 */
	else if (end >= start + 3 &&
	    extract_option_number(sec->lines->pdata[start]) == 1)
		g_ptr_array_set_size(sec->lines, 0);
}

/*
 * Does a marker line's rest read as a prompt: "?" or ":" at its end, a
 * scale, or a short title ("Executive summary") with no full stop?
 */
static bool
extract_is_prompt_like(const char *rest)
{
	const char *open = strrchr(rest, '(');
	/* A title with a remark: "Proposed metrics (pp. 31-34)". */
	bool remark = open && open > rest && extract_is_bracketed(open);
	g_autofree char *title = g_strndup(rest, remark ?
	    (gsize)(open - rest) : strlen(rest));
	size_t n;

	if (extract_ends_as_question(rest) || extract_after_scale(rest) ||
	    extract_after_yesno(rest) || extract_is_question_and_remark(rest))
		return true;
	g_strchomp(title);
	n = strlen(title);
	return n > 0 && !strchr(".!;,", title[n - 1]) &&
	    !extract_ends_as_sentence(title) &&
	    extract_word_count(title) <= (remark ? 14 : 8);
}

/*
 * Adds prompt (taken) to id's prompts arr unless it is there already:
 * a template quoted many times over would have each marker line compare
 * with every copy.  Returns the prompt stored.
 */
static char *
extract_learn_prompt(struct extract_ctx *c, GPtrArray *arr, const char *id,
    char *prompt)
{
	char *key = g_strconcat(id, "\x1f", prompt, NULL);
	char *have = g_hash_table_lookup(c->prompt_seen, key);

	if (have) {
		g_free(key);
		g_free(prompt);
		return have;
	}
	g_hash_table_insert(c->prompt_seen, key, prompt);
	g_ptr_array_add(arr, prompt);
	return prompt;
}

/*
 * Prompts as the template shows them: the text after each marker in the
 * quoted original or after an Outlook boundary.
 */
void
extract_collect_prompts(struct extract_ctx *c, size_t own_end)
{
	bool original = false;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];
		const char *end;
		GPtrArray *arr;
		char *full;

		/*
		 * Below a boundary; or below an Outlook header block ("From:
		 * ... Sent: ..." with no rule above it) a line that reads as
		 * a prompt: one that does not is an answer typed into the
		 * original.
		 */
		if ((l->kind == EXTRACT_BOUNDARY || (l->kind ==
		    EXTRACT_ATTRIBUTION && l->stop)) && l->depth == 0)
			original = true;
		if (l->kind != EXTRACT_MARKER || !*l->rest ||
		    (l->depth == 0 && !original && (i < own_end ||
		    (!extract_is_prompt_like(l->rest) &&
		    !extract_colon_option_end(c, i)))))
			continue;
		arr = g_hash_table_lookup(c->prompts, l->id);
		if (!arr) {
			arr = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(c->prompts, g_strdup(l->id), arr);
		}
		/*
		 * Typed after a scale in the quote: not the prompt.  After
		 * a question either may be: both are kept, and the longest
		 * that matches wins.
		 */
		end = extract_after_scale(l->rest);
		if (!end)
			end = extract_after_yesno(l->rest);
		if (end) {
			extract_learn_prompt(c, arr, l->id, g_strndup(l->rest,
			    (gsize)(end - l->rest)));
			continue;
		}
		full = extract_learn_prompt(c, arr, l->id, g_strdup(l->rest));
		end = extract_prompt_end(l->rest, l->depth > 0 || original);
		if (!end && (l->depth > 0 || original || i >= own_end))
			end = extract_colon_prompt_end(l->rest);
		if (!end && (l->depth > 0 || original || i >= own_end))
			end = extract_colon_option_end(c, i);
		if (!end)
			continue;
		extract_learn_prompt(c, arr, l->id, g_strndup(l->rest,
		    (gsize)(end - l->rest)));
		/* Read at this line, the question alone is its prompt. */
		g_hash_table_insert(c->prompt_source,
		    (gpointer)(uintptr_t)l->rest, full);
	}
}

/*
 * Does rest, after a loose "Q1 " id, read as that question's prompt: a
 * known prompt of id begins it, or it ends as a question ("?", not ":")
 * or with a "(1-5)" or "(yes/no)" scale?  "Q1 revenue grew" does not.
 */
bool
extract_reads_as_prompt(const struct extract_ctx *c, const char *id,
    const char *rest)
{
	GPtrArray *prompts = g_hash_table_lookup(c->prompts, id);
	const char *after;
	size_t i;

	for (i = 0; prompts && i < prompts->len; i++)
		if (*(const char *)prompts->pdata[i] &&
		    extract_loose_prefix(rest, prompts->pdata[i]))
			return true;
	for (i = 0; i < c->ignore->len; i++)
		if (extract_loose_prefix(rest, c->ignore->pdata[i]))
			return true;
	if (extract_ends_as_question(rest) && !extract_ends_with_colon(rest))
		return true;
	after = extract_after_scale(rest);
	if (!after)
		after = extract_after_yesno(rest);
	return after && extract_is_blank_or_deco(after);
}
