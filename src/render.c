/* SPDX-License-Identifier: MIT */
/*
 * Template rendering: one left-to-right pass copying text and replacing
 * "{{name}}" placeholders, so values are never rescanned (a participant's
 * name cannot pull in another placeholder).  Also the split of a rendered
 * template into subject and body.  No I/O; errors name the line.
 */
#include "render.h"

#include <assert.h>
#include <string.h>

#include "consultd.h"

#include "banned.h"

static size_t
render_line_of(const char *start, const char *p)
{
	size_t line = 1;

	for (; start < p; start++)
		if (*start == '\n')
			line++;
	return line;
}

static const char *
render_skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Parses the placeholder whose "{{" is at open.  On success returns the
 * name (newly allocated) and sets *end_out just past "}}".
 */
static char *
render_parse_placeholder(const char *tmpl, const char *open,
    const char **end_out, GError **err)
{
	const char *name, *name_end, *p, *close, *eol;
	size_t line = render_line_of(tmpl, open);

	eol = strchr(open, '\n');
	if (!eol)
		eol = open + strlen(open);
	close = g_strstr_len(open + 2, eol - (open + 2), "}}");
	if (!close) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "unterminated '{{' on line %zu: close it with '}}' on "
		    "the same line", line);
		return NULL;
	}
	name = render_skip_blanks(open + 2);
	for (name_end = name; *name_end == '_' ||
	    (*name_end >= 'a' && *name_end <= 'z'); name_end++)
		;
	p = render_skip_blanks(name_end);
	if (name_end == name || p != close) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "invalid placeholder '%.*s' on line %zu: names are "
		    "lowercase letters and '_'", (int)(close + 2 - open), open,
		    line);
		return NULL;
	}
	*end_out = close + 2;
	return g_strndup(name, (gsize)(name_end - name));
}

char *
render_template(const char *tmpl, GHashTable *vars, GError **err)
{
	GString *out = NULL;
	const char *p, *open, *bad, *end = NULL;
	char *name = NULL;
	gpointer value;
	char *result = NULL;

	assert(tmpl);
	if (!g_utf8_validate(tmpl, -1, &bad)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "template is not valid UTF-8 on line %zu: save it as UTF-8",
		    render_line_of(tmpl, bad));
		goto out;
	}
	out = g_string_sized_new(strlen(tmpl) + 64);
	for (p = tmpl; (open = strstr(p, "{{")); p = end) {
		g_string_append_len(out, p, open - p);
		name = render_parse_placeholder(tmpl, open, &end, err);
		if (!name)
			goto out;
		if (!vars || !g_hash_table_lookup_extended(vars, name, NULL,
		    &value)) {
			g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
			    "unknown placeholder '{{%s}}' on line %zu", name,
			    render_line_of(tmpl, open));
			goto out;
		}
		if (value && !g_utf8_validate(value, -1, NULL)) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "value of placeholder '{{%s}}' on line %zu is not "
			    "valid UTF-8", name, render_line_of(tmpl, open));
			goto out;
		}
		if (value)
			g_string_append(out, value);
		g_clear_pointer(&name, g_free);
	}
	g_string_append(out, p);
	result = g_string_free(g_steal_pointer(&out), FALSE);
out:
	g_free(name);
	if (out)
		g_string_free(out, TRUE);
	return result;
}

/* Returns the end of the line at p (its LF, or the NUL) and its length. */
static const char *
render_line_end(const char *p, size_t *len_out)
{
	const char *eol = strchr(p, '\n');

	if (!eol)
		eol = p + strlen(p);
	*len_out = (size_t)(eol - p);
	if (*len_out > 0 && p[*len_out - 1] == '\r')
		(*len_out)--;
	return eol;
}

bool
render_split_subject(const char *rendered, char **subject_out,
    char **body_out, GError **err)
{
	static const char field[] = "Subject:";
	const char *eol, *blank;
	size_t len;
	char *subject = NULL;
	bool ok = false;

	assert(rendered);
	*subject_out = NULL;
	*body_out = NULL;
	eol = render_line_end(rendered, &len);
	if (len < sizeof(field) - 1 ||
	    g_ascii_strncasecmp(rendered, field, sizeof(field) - 1) != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "template must start with a 'Subject:' line");
		goto out;
	}
	subject = g_strndup(rendered + sizeof(field) - 1,
	    len - (sizeof(field) - 1));
	g_strstrip(subject);
	if (!*subject) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "template has an empty 'Subject:' line");
		goto out;
	}
	if (!*eol) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "template has no blank line after its 'Subject:' line");
		goto out;
	}
	blank = eol + 1;
	eol = render_line_end(blank, &len);
	if (len == 0 && !*eol) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "template has no blank line after its 'Subject:' line");
		goto out;
	}
	if (len != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "line 2 of the template must be blank, after the "
		    "'Subject:' line (headers other than Subject are not "
		    "supported)");
		goto out;
	}
	*body_out = g_strdup(eol + 1);
	*subject_out = g_steal_pointer(&subject);
	ok = true;
out:
	g_free(subject);
	return ok;
}
