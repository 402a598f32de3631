/* SPDX-License-Identifier: MIT */
/*
 * A minimal JSON writer appending to a caller's GString: objects, arrays,
 * keys, strings, integers, booleans and null, with the commas placed for
 * you.  It writes one document in order and does no parsing.
 */
#ifndef CONSULTD_JSON_H
#define CONSULTD_JSON_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

/*
 * Writer state, held by value.  out is borrowed: it must outlive the
 * writer, and the text appended to it is the caller's.
 */
struct json_writer {
	GString *out;
	unsigned depth;
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool after_key;
};

/* Starts writing at the end of out (borrowed). */
void json_writer_init(struct json_writer *w, GString *out);

/*
 * Containers.  Nesting deeper than JSON_MAX_DEPTH, or an end that does not
 * match, is a programming error (assert).  Output is compact, with ", "
 * and ": " as separators: {"a": 1, "b": [true, null]}.
 */
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);

/* An object member's name; the next call writes its value. */
void json_key(struct json_writer *w, const char *key);

/*
 * A string value: '"', '\\' and control characters are escaped (\n, \t,
 * ..., else \u00XX), valid UTF-8 is kept as is, invalid bytes become
 * U+FFFD.  json_string(w, NULL) writes null.
 */
void json_string(struct json_writer *w, const char *s);
void json_string_len(struct json_writer *w, const char *s, size_t len);

void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

#endif
