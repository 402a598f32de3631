/* SPDX-License-Identifier: MIT */
/*
 * Queries on imap_state.  A row is written only after the messages it
 * covers are filed and flagged or moved at the server, so a crash before
 * the write means those UIDs are fetched again and recognised as filed.
 */
#include "db_imap.h"

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

int
db_imap_state_get(struct db *db, const char *mailbox,
    int64_t *uidvalidity_out, int64_t *last_uid_out, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT uidvalidity, last_uid FROM imap_state"
	    " WHERE mailbox = ?1", err);
	if (!st)
		return -1;
	db_bind_text(st, 1, mailbox);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*uidvalidity_out = sqlite3_column_int64(st, 0);
		*last_uid_out = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read the IMAP state");
		return -1;
	}
	return rc == SQLITE_ROW;
}

bool
db_imap_state_set(struct db *db, const char *mailbox, int64_t uidvalidity,
    int64_t last_uid, GError **err)
{
	sqlite3_stmt *st;

	if (!db_begin(db, err))
		return false;
	st = db_stmt(db, "INSERT INTO imap_state (mailbox, uidvalidity,"
	    " last_uid) VALUES (?1, ?2, ?3) ON CONFLICT (mailbox) DO UPDATE"
	    " SET last_uid = CASE WHEN uidvalidity = excluded.uidvalidity"
	    " THEN max(last_uid, excluded.last_uid)"
	    " ELSE excluded.last_uid END,"
	    " uidvalidity = excluded.uidvalidity", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, mailbox);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, last_uid);
	if (!db_exec_stmt(db, st, err))
		goto fail;
	return db_commit(db, err);
fail:
	g_prefix_error(err, "cannot record the IMAP state of '%s': ",
	    mailbox);
	db_rollback(db);
	return false;
}
