/* SPDX-License-Identifier: MIT */
/*
 * Project-wide names: version, the one error domain whose codes are the
 * sysexits values of SPEC section 8, and limits shared by several modules.
 */
#ifndef CONSULTD_CONSULTD_H
#define CONSULTD_CONSULTD_H

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sysexits.h>

#define CONSULTD_VERSION "0.1.0"

/* Every GError we raise is in this domain; its code is an EX_* value. */
#define CONSULTD_ERROR (consultd_error_quark())
GQuark consultd_error_quark(void);

/*
 * Set from a signal handler (SIGTERM, SIGINT) when the process should
 * finish the message in hand and stop; long loops check it between items.
 */
void consultd_request_stop(void);
bool consultd_stopping(void);

/*
 * Starts a worker thread named name running fn(arg), with every signal
 * blocked in it, so that signals stay with the main thread.  EX_TEMPFAIL
 * (the process or thread limit, or memory) when it cannot.
 */
bool consultd_thread_start(pthread_t *thread, void *(*fn)(void *),
    void *arg, const char *name, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The current time, Unix seconds.  $CONSULTD_NOW, when set, fixes the
 * start of the clock (the time then runs on from there): how tests and
 * rehearsals put a consultation days before its deadline.
 */
int64_t consultd_now(void);

/* Raw messages larger than this are kept in the spool but not parsed. */
#define CONSULTD_MAX_MESSAGE_SIZE (25u * 1024 * 1024)

#endif
