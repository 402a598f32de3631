/* SPDX-License-Identifier: MIT */
/*
 * Letters composed on a second thread while the filer goes on: rendering
 * and composing a receipt costs about as much as filing the reply, and
 * needs nothing from the database once its inputs are read.  The letters
 * of a batch enter the outbox in the order they were asked for, in the
 * batch's transaction, so each reply still gets exactly one receipt.
 */
#ifndef CONSULTD_LETTERQ_H
#define CONSULTD_LETTERQ_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct db;
struct definition;
struct letter;
struct participant;

struct letterq;

/*
 * cfg and the definitions given to letterq_push() outlive the queue.
 * NULL and EX_TEMPFAIL if its thread cannot be started.
 */
struct letterq *letterq_new(const struct config *cfg, int64_t now,
    GError **err);

/*
 * Asks for letter l (see letter_build()) to participant p, which the
 * queue takes; l's strings are copied and its vars referenced.  what
 * introduces what is said of the letter if it fails.
 */
void letterq_push(struct letterq *q, const struct definition *def,
    int64_t cid, struct participant *p, const struct letter *l,
    const char *what);

/*
 * Waits for every letter asked for and adds them to the outbox in order.
 * A letter that cannot be built from its template or for its address
 * (EX_CONFIG, EX_DATAERR) is logged and left out: it must not keep the
 * rest from being filed.  False if any other failure came, or an outbox
 * row could not be added; the queue is empty afterwards either way.
 */
bool letterq_flush(struct letterq *q, struct db *db, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/* Waits for the letters in progress and drops them. */
void letterq_free(struct letterq *q);

#endif
