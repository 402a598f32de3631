/* SPDX-License-Identifier: MIT */
/* The error domain shared by every module, and the stop flag. */
#include "consultd.h"

#include <signal.h>
#include <time.h>

#include "banned.h"

G_DEFINE_QUARK(consultd-error-quark, consultd_error)

static volatile sig_atomic_t consultd_stop_flag;

bool
consultd_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg,
    const char *name, GError **err)
{
	sigset_t all, saved;
	int rc;

	/* The thread inherits the mask in force when it is made. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL, "cannot start "
		    "the %s thread: %s; raise the limit on processes and "
		    "threads (ulimit -u, TasksMax=) or free memory, and run "
		    "again", name, g_strerror(rc));
		return false;
	}
	/* A name for top -H and the profilers. */
	pthread_setname_np(*thread, name);
	return true;
}

/* Async-signal-safe: only stores to a sig_atomic_t. */
void
consultd_request_stop(void)
{
	consultd_stop_flag = 1;
}

bool
consultd_stopping(void)
{
	return consultd_stop_flag != 0;
}

int64_t
consultd_now(void)
{
	static int64_t offset;
	static bool known;
	const char *fake;
	gint64 v;

	if (!known) {
		fake = g_getenv("CONSULTD_NOW");
		if (fake && g_ascii_string_to_signed(fake, 10, 0, G_MAXINT64,
		    &v, NULL))
			offset = v - (int64_t)time(NULL);
		known = true;
	}
	return (int64_t)time(NULL) + offset;
}
