/* SPDX-License-Identifier: MIT */
/*
 * Letters composed on a second thread while the filer goes on: rendering
 * and composing a receipt costs about as much as filing the reply, and
 * needs nothing from the database once its inputs are read.  The letters
 * of a batch enter the outbox in the order they were asked for, in the
 * batch's transaction, so each reply still gets exactly one receipt.
 *
 * On the embedded default the thread also writes the receipts out, where
 * a flush at the end would write them one by one on the filer's time:
 * each goes to spool/outbox once its row has committed
 * (letterq_committed()), and is marked sent in the next batch's
 * transaction (letterq_flush()) or in letterq_finish()'s.  From before
 * its row commits until it is marked sent it holds the item lock a flush
 * would take (outbox_lock_item()), so no flush writes it meanwhile.  What
 * is not written ends as the flush's work, as any queued item; what is
 * written but not yet marked when the process dies is written again,
 * under the same name.
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
 * NULL and EX_TEMPFAIL if its thread cannot be started, EX_IOERR if the
 * outbox's lock file cannot be opened.
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

/*
 * After the commit of the transaction of letterq_flush(): the receipts it
 * queued go to spool/outbox (on the thread), those it marked sent are
 * released to other flushes.  If that transaction is rolled back instead,
 * letterq_rollback() forgets the receipts it queued (their rows are gone,
 * and their ids may be given again).
 */
void letterq_committed(struct letterq *q);
void letterq_rollback(struct letterq *q);

/*
 * Marks sent, in a transaction of its own, the receipts written since
 * the last letterq_flush().  False on a database error: they stay queued
 * and a flush writes them again.
 */
bool letterq_finish(struct letterq *q, struct db *db, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/* How many receipts the queue wrote to spool/outbox and marked sent. */
int64_t letterq_sent(const struct letterq *q);

/*
 * Waits for the letter being built, drops it and those not yet built,
 * and the receipts not yet written or marked: they stay queued for a
 * flush.
 */
void letterq_free(struct letterq *q);

#endif
