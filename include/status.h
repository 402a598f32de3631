/* SPDX-License-Identifier: MIT */
/*
 * `consultd status`: the counts of a consultation and what needs a
 * person's attention, as text for people or JSON for scripts.
 */
#ifndef CONSULTD_STATUS_H
#define CONSULTD_STATUS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/*
 * Appends the status of consultation name (every consultation when NULL)
 * to out, as JSON (one object, or an array of them when name is NULL)
 * or text.  now is used for "days to the deadline".  EX_NOINPUT for an
 * unknown consultation.
 */
bool status_render(struct db *db, const char *name, bool json, int64_t now,
    GString *out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
