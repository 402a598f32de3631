/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer behind `consultd parse` and `status --json`: it only
 * appends well-formed, escaped JSON text to a GString.  Which keys a
 * document holds is decided by the commands that use it.
 */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "banned.h"

void
json_writer_init(struct json_writer *w, GString *out)
{
	assert(out);
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}

/* Writes the separator a new value needs at the current position. */
static void
json_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		g_string_append(w->out, ", ");
	w->need_comma[w->depth] = true;
}

static void
json_open(struct json_writer *w, char c)
{
	json_value_prefix(w);
	assert(w->depth < JSON_MAX_DEPTH);
	g_string_append_c(w->out, c);
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void
json_close(struct json_writer *w, char c)
{
	assert(w->depth > 0 && !w->after_key);
	w->depth--;
	g_string_append_c(w->out, c);
}

void
json_object_begin(struct json_writer *w)
{
	json_open(w, '{');
}

void
json_object_end(struct json_writer *w)
{
	json_close(w, '}');
}

void
json_array_begin(struct json_writer *w)
{
	json_open(w, '[');
}

void
json_array_end(struct json_writer *w)
{
	json_close(w, ']');
}

static void
json_escape(GString *out, const char *s, size_t len)
{
	const char *p = s;
	const char *end = s + len;

	g_string_append_c(out, '"');
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		const char *bad;

		if (c >= 0x80) {
			/*
			 * A run of bytes >= 0x80 holds only multi-byte
			 * characters: copy what of it is valid UTF-8, and
			 * go back to escaping right after it.
			 */
			const char *q = p;

			while (q < end && (unsigned char)*q >= 0x80)
				q++;
			if (g_utf8_validate(p, q - p, &bad)) {
				g_string_append_len(out, p, q - p);
				p = q;
				continue;
			}
			if (bad == p) {
				g_string_append(out, "\xef\xbf\xbd");
				p++;
				continue;
			}
			g_string_append_len(out, p, bad - p);
			p = bad;
			continue;
		}
		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				g_string_append_printf(out, "\\u%04x", c);
			else
				g_string_append_c(out, (char)c);
			break;
		}
		p++;
	}
	g_string_append_c(out, '"');
}

void
json_key(struct json_writer *w, const char *key)
{
	assert(key && !w->after_key && w->depth > 0);
	json_value_prefix(w);
	json_escape(w->out, key, strlen(key));
	g_string_append(w->out, ": ");
	w->after_key = true;
}

void
json_string_len(struct json_writer *w, const char *s, size_t len)
{
	json_value_prefix(w);
	json_escape(w->out, s, len);
}

void
json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_len(w, s, strlen(s));
}

void
json_int(struct json_writer *w, int64_t v)
{
	json_value_prefix(w);
	g_string_append_printf(w->out, "%" PRId64, v);
}

void
json_bool(struct json_writer *w, bool v)
{
	json_value_prefix(w);
	g_string_append(w->out, v ? "true" : "false");
}

void
json_null(struct json_writer *w)
{
	json_value_prefix(w);
	g_string_append(w->out, "null");
}
