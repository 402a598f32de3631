/* SPDX-License-Identifier: MIT */
/*
 * stderr logging.  journald reads priorities from a "<N>" prefix, so no
 * libsystemd is needed; GLib and GMime messages are routed in here.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

static enum log_level log_level = LOG_LEVEL_INFO;
static bool log_journal;
static bool log_tty;

/* syslog(3) priorities, without pulling in syslog.h's macros. */
enum { PRIO_WARNING = 4, PRIO_INFO = 6, PRIO_DEBUG = 7 };

static void
log_vwrite(int prio, const char *word, const char *fmt, va_list ap,
    const char *suffix)
{
	char stamp[32];
	struct tm tm;
	time_t now;

	/* Threads log too: one line at a time, its prefix with it. */
	flockfile(stderr);
	if (log_journal)
		fprintf(stderr, "<%d>", prio);
	else if (log_tty) {
		now = time(NULL);
		if (localtime_r(&now, &tm) &&
		    strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm) > 0)
			fprintf(stderr, "%s %s: ", stamp, word);
		else
			fprintf(stderr, "%s: ", word);
	} else if (prio <= PRIO_WARNING)
		fprintf(stderr, "consultd: ");
	vfprintf(stderr, fmt, ap);
	if (suffix)
		fprintf(stderr, ": %s", suffix);
	fputc('\n', stderr);
	funlockfile(stderr);
}

static GLogWriterOutput
log_glib_writer(GLogLevelFlags level, const GLogField *fields, size_t n,
    void *data)
{
	const char *msg = NULL;
	const char *domain = "glib";
	size_t i;

	(void)data;
	for (i = 0; i < n; i++) {
		if (strcmp(fields[i].key, "MESSAGE") == 0)
			msg = fields[i].value;
		else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
	}
	if (!msg)
		return G_LOG_WRITER_HANDLED;
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
	    G_LOG_LEVEL_WARNING))
		log_warnx("%s: %s", domain, msg);
	else
		log_debug("%s: %s", domain, msg);
	return G_LOG_WRITER_HANDLED;
}

void
log_init(enum log_level level)
{
	const char *js = getenv("JOURNAL_STREAM");

	log_level = level;
	log_journal = js && *js;
	log_tty = isatty(STDERR_FILENO);
	g_log_set_writer_func(log_glib_writer, NULL, NULL);
}

enum log_level
log_get_level(void)
{
	return log_level;
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(PRIO_WARNING, "warning", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(PRIO_WARNING, "warning", fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (log_level < LOG_LEVEL_INFO)
		return;
	va_start(ap, fmt);
	log_vwrite(PRIO_INFO, "info", fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (log_level < LOG_LEVEL_DEBUG)
		return;
	va_start(ap, fmt);
	log_vwrite(PRIO_DEBUG, "debug", fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}
