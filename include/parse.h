/* SPDX-License-Identifier: MIT */
/*
 * `consultd parse`: what one raw message says, as the JSON object of SPEC
 * section 7, without a database.
 */
#ifndef CONSULTD_PARSE_H
#define CONSULTD_PARSE_H

#include <glib.h>
#include <stddef.h>

/*
 * Parses raw (len bytes) and returns the JSON text (one line, newly
 * allocated).  EX_DATAERR when the bytes are not a message at all.
 */
char *parse_to_json(const char *raw, size_t len, GError **err);

#endif
