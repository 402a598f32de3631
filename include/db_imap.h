/* SPDX-License-Identifier: MIT */
/*
 * Where fetching stands in each IMAP mailbox: its UIDVALIDITY and the
 * highest UID whose message is filed and acted on at the server.  Every
 * UID up to it is done; the ones above are fetched (again) next time.
 */
#ifndef CONSULTD_DB_IMAP_H
#define CONSULTD_DB_IMAP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/*
 * Reads the state of mailbox (a key such as "imaps://host:993/INBOX"):
 * 1 found, 0 never fetched (outputs untouched), -1 error.
 */
int db_imap_state_get(struct db *db, const char *mailbox,
    int64_t *uidvalidity_out, int64_t *last_uid_out, GError **err);

/*
 * Records, in its own durable transaction, that every UID up to last_uid
 * of mailbox under uidvalidity is done.  With the same uidvalidity the
 * recorded UID never goes down; a new uidvalidity replaces both.
 * EX_TEMPFAIL when the database stays locked, EX_IOERR otherwise.
 */
bool db_imap_state_set(struct db *db, const char *mailbox,
    int64_t uidvalidity, int64_t last_uid, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
