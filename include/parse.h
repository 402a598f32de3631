/* SPDX-License-Identifier: MIT */
/*
 * `consultd parse`: what one raw message says, as the JSON object of SPEC
 * section 7, without a database.
 */
#ifndef CONSULTD_PARSE_H
#define CONSULTD_PARSE_H

#include <glib.h>
#include <stddef.h>

struct config;

/*
 * Parses raw (len bytes) and returns the JSON text (one line, newly
 * allocated).  EX_DATAERR when the bytes are not a message at all.
 */
char *parse_to_json(const char *raw, size_t len, GError **err);

/*
 * parse_to_json() with the configuration (cfg, or NULL when none was
 * given): a coordinator's "REMIND NAME" or "STATUS NAME" (subject or
 * first line) is kind "command" when cfg authorizes it (SPEC 8) and mail
 * otherwise; without a configuration a message shaped as a command is
 * one.  A warning says which.
 */
char *parse_to_json_with(const char *raw, size_t len,
    const struct config *cfg, GError **err);

#endif
