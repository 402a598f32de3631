/* SPDX-License-Identifier: MIT */
/*
 * HTML to quoted plain text for reply extraction: a small tolerant scanner,
 * not a DOM.  It keeps what a reader sees and the quote depth of each line;
 * layout (tables, CSS, fonts) and links are dropped.
 */
#include "html2text.h"

#include <glib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

#define HTML2TEXT_NAME_MAX 16

struct html2text_state {
	GString *out;
	GString *line;		/* current line, without quote prefix */
	unsigned line_depth;	/* quote depth of the current line */
	unsigned depth;		/* current <blockquote> depth */
	unsigned prev_depth;	/* quote depth of the last line written */
	unsigned pending;	/* line ends requested, at most 2 */
	unsigned pre;		/* inside <pre> */
	bool space;		/* white space seen since the last text */
	bool cell;		/* a table cell began since the last text */
	bool any;		/* a line was written */
	bool mso_p;		/* the open <p> is an Outlook MsoNormal one */
	bool p_lines;		/* paragraphs are lines: blanks are <p><br></p> */
	bool after_bullet;	/* the line holds a list item's bullet only */
	/* Open lists, innermost last: an <ol>'s next number, 0 for <ul>. */
	unsigned list_next[8];
	unsigned lists;
};

struct html2text_entity {
	const char *name;
	gunichar cp;
};

/* HTML 4 Latin-1 names, U+00A0 to U+00FF in order. */
static const char *const html2text_latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
	"iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring",
	"AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave",
	"Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
	"Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
	"Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute",
	"acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave",
	"eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth",
	"ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn",
	"yuml",
};

static const struct html2text_entity html2text_entities[] = {
	{ "quot", 0x22 }, { "amp", 0x26 }, { "apos", 0x27 }, { "lt", 0x3c },
	{ "gt", 0x3e }, { "OElig", 0x152 }, { "oelig", 0x153 },
	{ "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
	{ "fnof", 0x192 }, { "circ", 0x2c6 }, { "tilde", 0x2dc },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200c }, { "zwj", 0x200d }, { "lrm", 0x200e },
	{ "rlm", 0x200f }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
	{ "dagger", 0x2020 }, { "Dagger", 0x2021 }, { "bull", 0x2022 },
	{ "hellip", 0x2026 }, { "permil", 0x2030 }, { "prime", 0x2032 },
	{ "lsaquo", 0x2039 }, { "rsaquo", 0x203a }, { "euro", 0x20ac },
	{ "trade", 0x2122 }, { "larr", 0x2190 }, { "rarr", 0x2192 },
};

/* Browsers read &#128; to &#159; as windows-1252 (HTML5 8.2.4.69). */
static const gunichar html2text_cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static void
html2text_flush_line(struct html2text_state *st)
{
	GString *l = st->line;
	unsigned i;

	/* Trailing blanks, NBSP included, carry nothing. */
	for (;;) {
		if (l->len > 0 && (l->str[l->len - 1] == ' ' ||
		    l->str[l->len - 1] == '\t'))
			g_string_truncate(l, l->len - 1);
		else if (l->len > 1 && (unsigned char)l->str[l->len - 2] ==
		    0xc2 && (unsigned char)l->str[l->len - 1] == 0xa0)
			g_string_truncate(l, l->len - 2);
		else
			break;
	}
	for (i = 0; i < st->line_depth; i++)
		g_string_append(st->out, l->len > 0 || i + 1 < st->line_depth ?
		    "> " : ">");
	g_string_append_len(st->out, l->str, l->len);
	g_string_append_c(st->out, '\n');
	st->prev_depth = st->line_depth;
	st->any = true;
	g_string_truncate(l, 0);
}

/* Writes the line ends requested by block elements, before new text. */
static void
html2text_apply_breaks(struct html2text_state *st)
{
	unsigned i;

	if (st->pending == 0)
		return;
	if (st->any || st->line->len > 0) {
		html2text_flush_line(st);
		for (i = 1; i < st->pending; i++) {
			st->line_depth = MIN(st->prev_depth, st->depth);
			html2text_flush_line(st);
		}
	}
	st->pending = 0;
	st->space = false;
	st->cell = false;
}

/* Starts the current line with n blanks (a nested list's indentation). */
static void
html2text_indent(struct html2text_state *st, unsigned n)
{
	html2text_apply_breaks(st);
	if (st->line->len == 0)
		st->line_depth = st->depth;
	while (n-- > 0)
		g_string_append_c(st->line, ' ');
	st->space = false;
}

static void
html2text_request_break(struct html2text_state *st, unsigned n)
{
	st->pending = MAX(st->pending, n);
}

static void
html2text_br(struct html2text_state *st)
{
	if (st->pending < 2)
		st->pending++;
}

/* Appends visible text; white space is collapsed unless in <pre>. */
static void
html2text_text(struct html2text_state *st, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\0')
			continue;
		if (st->pre && c == '\n') {
			html2text_br(st);
			continue;
		}
		if (!st->pre && (c == ' ' || c == '\t' || c == '\n' ||
		    c == '\r' || c == '\f')) {
			st->space = true;
			continue;
		}
		if (c == '\r')
			continue;
		html2text_apply_breaks(st);
		if (st->line->len == 0) {
			st->line_depth = st->depth;
			st->space = false;
			st->cell = false;
		}
		if (st->cell || st->space)
			g_string_append_c(st->line, st->cell ? '\t' : ' ');
		st->space = false;
		st->cell = false;
		st->after_bullet = false;
		g_string_append_c(st->line, c);
	}
}

static void
html2text_unichar(struct html2text_state *st, gunichar cp)
{
	char buf[6];
	int n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	else if (cp >= 0x80 && cp <= 0x9f)
		cp = html2text_cp1252[cp - 0x80];
	n = g_unichar_to_utf8(cp, buf);
	html2text_text(st, buf, (size_t)n);
}

static bool
html2text_lookup_entity(const char *name, size_t n, gunichar *cp_out)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(html2text_latin1); i++)
		if (strlen(html2text_latin1[i]) == n &&
		    memcmp(html2text_latin1[i], name, n) == 0) {
			*cp_out = 0xa0 + (gunichar)i;
			return true;
		}
	for (i = 0; i < G_N_ELEMENTS(html2text_entities); i++)
		if (strlen(html2text_entities[i].name) == n &&
		    memcmp(html2text_entities[i].name, name, n) == 0) {
			*cp_out = html2text_entities[i].cp;
			return true;
		}
	return false;
}

/*
 * Decodes the character reference at p ('&'); returns the position after
 * it, or p + 1 after writing a literal '&' when it is not one.
 */
static const char *
html2text_entity(struct html2text_state *st, const char *p, const char *end)
{
	const char *q = p + 1;
	gunichar cp = 0;

	if (q < end && *q == '#') {
		bool hex = q + 1 < end && (q[1] == 'x' || q[1] == 'X');
		const char *digits = q + (hex ? 2 : 1);

		q = digits;
		while (q < end && (hex ? g_ascii_isxdigit(*q) :
		    g_ascii_isdigit(*q))) {
			if (cp <= 0x10ffff)
				cp = cp * (hex ? 16 : 10) + (gunichar)(hex ?
				    g_ascii_xdigit_value(*q) :
				    g_ascii_digit_value(*q));
			q++;
		}
		if (q > digits) {
			html2text_unichar(st, cp);
			return q < end && *q == ';' ? q + 1 : q;
		}
	} else {
		while (q < end && q - p <= 10 && g_ascii_isalnum(*q))
			q++;
		if (q < end && *q == ';' &&
		    html2text_lookup_entity(p + 1, (size_t)(q - p - 1), &cp)) {
			html2text_unichar(st, cp);
			return q + 1;
		}
	}
	html2text_text(st, "&", 1);
	return p + 1;
}

/* Finds needle (ASCII, lowercase) case-insensitively in [p, end). */
static const char *
html2text_find_ci(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (g_ascii_strncasecmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* Skips the content of an element such as <style>, up to its end tag. */
static const char *
html2text_skip_element(const char *p, const char *end, const char *name)
{
	char close[HTML2TEXT_NAME_MAX + 3];
	const char *q;

	g_snprintf(close, sizeof(close), "</%s", name);
	q = html2text_find_ci(p, end, close);
	if (!q)
		return NULL;
	q = memchr(q, '>', (size_t)(end - q));
	return q ? q + 1 : end;
}

static void
html2text_element(struct html2text_state *st, const char *name, bool closing,
    bool mso_paragraph, bool signature)
{
	static const char *const lines[] = {
		"div", "tr", "table", "ul", "ol", "dl", "dt", "dd", "section",
		"article", "header", "footer", "address", "center", "form",
		"fieldset", "caption", "nav", "aside", "main", "figure", NULL,
	};
	static const char *const paragraphs[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", NULL,
	};
	size_t i;

	if (strcmp(name, "br") == 0) {
		html2text_br(st);
		return;
	}
	if (strcmp(name, "blockquote") == 0) {
		html2text_request_break(st, 1);
		if (closing && st->depth > 0)
			st->depth--;
		else if (!closing)
			st->depth++;
		return;
	}
	if (strcmp(name, "pre") == 0) {
		html2text_request_break(st, 1);
		if (closing && st->pre > 0)
			st->pre--;
		else if (!closing)
			st->pre++;
		return;
	}
	if (strcmp(name, "hr") == 0) {
		/* Outlook separates the quoted original with a rule. */
		html2text_request_break(st, 1);
		html2text_text(st, "________________________________", 32);
		html2text_request_break(st, 1);
		return;
	}
	/* An <ol> numbers its items as a browser shows them ("1. "). */
	if (strcmp(name, "ol") == 0 || strcmp(name, "ul") == 0) {
		if (!closing && st->lists < G_N_ELEMENTS(st->list_next))
			st->list_next[st->lists] = name[0] == 'o';
		/* Deeper than the array: counted, bulleted. */
		if (!closing && st->lists < UINT_MAX)
			st->lists++;
		else if (closing && st->lists > 0)
			st->lists--;
	}
	if (strcmp(name, "li") == 0) {
		html2text_request_break(st, 1);
		if (closing)
			return;
		/* A nested list's items indented under their parent's. */
		if (st->lists > 1)
			html2text_indent(st, 2 * MIN(st->lists - 1,
			    G_N_ELEMENTS(st->list_next)));
		if (st->lists > 0 &&
		    st->lists <= G_N_ELEMENTS(st->list_next) &&
		    st->list_next[st->lists - 1]) {
			char number[16];
			int n = snprintf(number, sizeof(number), "%u. ",
			    st->list_next[st->lists - 1]++);

			html2text_text(st, number, (size_t)n);
		} else
			html2text_text(st, "- ", 2);
		/* OWA's <li><div>text</div></li>: the text is the item's. */
		st->after_bullet = true;
		return;
	}
	/*
	 * A row's cells apart by a TAB, as Outlook's own text part writes
	 * them: an answer in the cell beside a question is not a word of it.
	 */
	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		if (closing)
			st->space = true;
		else
			st->cell = true;
		return;
	}
	for (i = 0; paragraphs[i]; i++)
		if (strcmp(name, paragraphs[i]) == 0) {
			/* Outlook's MsoNormal paragraphs have no margins. */
			if (!closing)
				st->mso_p = mso_paragraph;
			if (!st->after_bullet)
				html2text_request_break(st,
				    st->mso_p || st->p_lines ? 1 : 2);
			if (closing)
				st->mso_p = false;
			return;
		}
	if (strcmp(name, "div") == 0 && !closing && signature) {
		/* Gmail's plain text puts the delimiter there too. */
		html2text_request_break(st, 1);
		html2text_text(st, "-- ", 3);
		html2text_request_break(st, 1);
		return;
	}
	for (i = 0; lines[i]; i++)
		if (strcmp(name, lines[i]) == 0) {
			if (!st->after_bullet || closing)
				html2text_request_break(st, 1);
			return;
		}
}

/*
 * Does the HTML make its blank lines of empty paragraphs ("<p><br></p>",
 * "<p>&nbsp;</p>"), as Thunderbird's and many webmails' editors do?
 * Then its paragraphs are lines, without the margins of a browser's
 * default style, and one paragraph ends a line, not a line and a blank.
 */
static bool
html2text_has_spacer_paragraphs(const char *html, size_t len)
{
	static const char *const fillers[] = {
		"<br>", "<br/>", "<br />", "&nbsp;", "\xc2\xa0", NULL,
	};
	const char *end = html + len;
	const char *p = html;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *q;
		size_t i;

		p++;
		if (end - p < 2 || (p[0] != 'p' && p[0] != 'P') ||
		    (p[1] != '>' && p[1] != ' ' && p[1] != '\t' &&
		    p[1] != '\n'))
			continue;
		q = memchr(p, '>', (size_t)(end - p));
		if (!q)
			return false;
		/*
		 * On from the tag's end: "<p <p <p ..." scanned to one far
		 * '>' from each "<p", O(n^2).
		 */
		p = ++q;
		while (q < end && g_ascii_isspace(*q))
			q++;
		for (i = 0; fillers[i]; i++) {
			size_t n = strlen(fillers[i]);

			if ((size_t)(end - q) >= n &&
			    g_ascii_strncasecmp(q, fillers[i], n) == 0) {
				q += n;
				break;
			}
		}
		if (!fillers[i])
			continue;
		while (q < end && g_ascii_isspace(*q))
			q++;
		if ((size_t)(end - q) >= 4 && g_ascii_strncasecmp(q, "</p>",
		    4) == 0)
			return true;
	}
	return false;
}

/* Handles the markup at p ('<'); returns the position after it. */
static const char *
html2text_tag(struct html2text_state *st, const char *p, const char *end)
{
	static const char *const skipped[] = {
		"style", "script", "head", "title", "template", NULL,
	};
	char name[HTML2TEXT_NAME_MAX + 1];
	const char *q = p + 1;
	const char *tag_end;
	bool closing = false;
	char quote = '\0';
	char prev = '\0';
	size_t n = 0;
	size_t i;

	if (q < end && *q == '!') {
		if (end - q >= 3 && memcmp(q, "!--", 3) == 0) {
			const char *c = g_strstr_len(q + 3, end - q - 3, "-->");

			return c ? c + 3 : end;
		}
	}
	if (q < end && (*q == '!' || *q == '?')) {
		q = memchr(q, '>', (size_t)(end - q));
		return q ? q + 1 : end;
	}
	if (q < end && *q == '/') {
		closing = true;
		q++;
	}
	if (q >= end || !g_ascii_isalpha(*q)) {
		html2text_text(st, "<", 1);
		return p + 1;
	}
	while (q < end && (g_ascii_isalnum(*q) || *q == ':' || *q == '-')) {
		if (n < HTML2TEXT_NAME_MAX)
			name[n++] = g_ascii_tolower(*q);
		q++;
	}
	name[n] = '\0';
	/* Quotes delimit only attribute values, right after '='. */
	for (tag_end = q; tag_end < end; tag_end++) {
		if (quote) {
			if (*tag_end == quote)
				quote = '\0';
		} else if ((*tag_end == '"' || *tag_end == '\'') &&
		    prev == '=') {
			quote = *tag_end;
		} else if (*tag_end == '>') {
			break;
		}
		if (*tag_end != ' ' && *tag_end != '\t' && *tag_end != '\n' &&
		    *tag_end != '\r')
			prev = *tag_end;
	}
	if (tag_end >= end)
		return end;
	if (!closing)
		for (i = 0; skipped[i]; i++)
			if (strcmp(name, skipped[i]) == 0) {
				const char *after = html2text_skip_element(
				    tag_end + 1, end, name);

				if (after)
					return after;
			}
	html2text_element(st, name, closing,
	    g_strstr_len(q, tag_end - q, "MsoNormal") != NULL,
	    g_strstr_len(q, tag_end - q, "gmail_signature") != NULL);
	return tag_end + 1;
}

char *
html2text(const char *html, size_t len)
{
	struct html2text_state st = { 0 };
	const char *p = html;
	const char *end = html + len;
	char *text;

	st.out = g_string_new(NULL);
	st.line = g_string_new(NULL);
	st.p_lines = html2text_has_spacer_paragraphs(html, len);
	while (p < end) {
		const char *run = p;

		while (p < end && *p != '<' && *p != '&')
			p++;
		html2text_text(&st, run, (size_t)(p - run));
		if (p >= end)
			break;
		if (*p == '<')
			p = html2text_tag(&st, p, end);
		else
			p = html2text_entity(&st, p, end);
	}
	if (st.line->len > 0)
		html2text_flush_line(&st);
	g_string_free(st.line, TRUE);
	if (g_utf8_validate(st.out->str, (gssize)st.out->len, NULL))
		return g_string_free(st.out, FALSE);
	text = g_utf8_make_valid(st.out->str, (gssize)st.out->len);
	g_string_free(st.out, TRUE);
	return text;
}
