/* SPDX-License-Identifier: MIT */
/*
 * The SQLite database: open with the pragmas every connection needs (WAL,
 * busy timeout, foreign keys, synchronous=FULL), forward migrations keyed
 * on PRAGMA user_version, and write transactions.  The queries of each
 * entity live in db_<entity>.c behind their own header; sqlite3.h is
 * included by the db files only.
 */
#ifndef CONSULTD_DB_H
#define CONSULTD_DB_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/*
 * Opens (creating if needed) the database at path (":memory:" allowed) and
 * migrates it to the current schema.  Returns a new handle, or NULL with
 * EX_IOERR (cannot open or write), EX_TEMPFAIL (locked), EX_CONFIG (the file
 * was made by a newer consultd).
 */
struct db *db_open(const char *path, GError **err);

/* Closes the database; accepts NULL. */
void db_close(struct db *db);

/* The schema version this build writes. */
int db_schema_version(void);

/* The schema version stored in the file. */
int db_user_version(struct db *db);

/*
 * BEGIN IMMEDIATE (writers never upgrade a read transaction, SQLite
 * lang_transaction.html section 2).  EX_TEMPFAIL when the database stays
 * locked past the busy timeout.
 */
bool db_begin(struct db *db, GError **err) G_GNUC_WARN_UNUSED_RESULT;
bool db_commit(struct db *db, GError **err) G_GNUC_WARN_UNUSED_RESULT;
/* Rolls back if a transaction is open; harmless otherwise. */
void db_rollback(struct db *db);

/*
 * synchronous=FULL (full) or NORMAL for the following commits.  NORMAL
 * survives a crash of the process, not a power loss: for records that a
 * repeat makes harmless.
 */
bool db_set_full_sync(struct db *db, bool full, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * A read transaction, so that the several queries of a report see one
 * state of the database; end it with db_rollback().
 */
bool db_begin_read(struct db *db, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Rows the statements of this connection have read by scanning a whole
 * table so far: filing and campaigns must read by index, or each message
 * costs more as the consultation grows (a test's guard).
 */
int64_t db_fullscan_steps(struct db *db);

#endif
