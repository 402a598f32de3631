/* SPDX-License-Identifier: MIT */
/*
 * Logging to stderr, shaped like OpenSMTPD's log.h.  Under journald
 * (JOURNAL_STREAM set) lines carry a <N> priority prefix; on a terminal a
 * timestamp and level word; otherwise just the level word.
 */
#ifndef CONSULTD_LOG_H
#define CONSULTD_LOG_H

#include <glib.h>

enum log_level {
	LOG_LEVEL_QUIET = 0,	/* warnings only */
	LOG_LEVEL_INFO = 1,
	LOG_LEVEL_DEBUG = 2,
	LOG_LEVEL_TRACE = 3,
};

/* Sets the verbosity and routes GLib/GMime messages through us. */
void log_init(enum log_level level);
enum log_level log_get_level(void);

/* log_warn appends strerror(errno); all of them preserve errno. */
void log_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void log_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void log_debug(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
