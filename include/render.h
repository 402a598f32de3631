/* SPDX-License-Identifier: MIT */
/*
 * Message templates: "{{name}}" placeholders filled from a table of
 * values, and the "Subject: ..." first line split from the body.  Pure
 * text in, text out; loading templates and choosing values is the
 * caller's business.
 */
#ifndef CONSULTD_RENDER_H
#define CONSULTD_RENDER_H

#include <glib.h>
#include <stdbool.h>

/*
 * Replaces every placeholder in tmpl with its value from vars (char * name
 * -> char * value; a NULL value renders as "", a NULL vars is an empty
 * table).  A placeholder is "{{", optional spaces or tabs, a name of
 * [a-z_]+, optional spaces or tabs, "}}", all on one line.  Values are
 * inserted verbatim and not scanned again, so a value holding "{{x}}" stays
 * literal.  Text outside placeholders, lone "{" and "}}" included, is
 * copied unchanged.
 *
 * Returns a newly allocated string, or NULL with err set:
 * EX_CONFIG if tmpl is not valid UTF-8, a placeholder is unknown
 * ("unknown placeholder '{{x}}' on line N"), badly formed (a name outside
 * [a-z_]+) or unterminated ("{{" with no "}}" on its line); EX_DATAERR if
 * a value used is not valid UTF-8.  Line numbers count from 1.
 */
char *render_template(const char *tmpl, GHashTable *vars, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * Splits a rendered template into its subject and body.  The text must
 * start with a "Subject:" line (the field name in any case) whose value,
 * trimmed, is not empty, then one blank line, then the body, taken
 * verbatim (it may be empty).  A CR before the LF ending the first two
 * lines is tolerated.
 *
 * On success sets *subject_out and *body_out to newly allocated strings
 * and returns true.  Otherwise sets both to NULL and returns false with
 * EX_CONFIG in err.
 */
bool render_split_subject(const char *rendered, char **subject_out,
    char **body_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
