/* SPDX-License-Identifier: MIT */
/*
 * Shared by the db_*.c files only: the handle, a cache of prepared
 * statements and the translation of SQLite result codes into GErrors.
 */
#ifndef CONSULTD_DB_PRIVATE_H
#define CONSULTD_DB_PRIVATE_H

#include <sqlite3.h>

#include "db.h"

struct db {
	sqlite3 *sqlite;
	GHashTable *stmts;	/* const char *sql -> sqlite3_stmt * */
};

/*
 * A prepared statement for the constant text sql, cached per connection
 * and reset, bindings cleared.  Borrowed: valid until db_close.
 */
sqlite3_stmt *db_stmt(struct db *db, const char *sql, GError **err);

/* Sets err from the connection's last error, prefixed with what. */
void db_set_error(struct db *db, GError **err, const char *what);

/* Binds a UTF-8 string, or NULL when s is NULL. */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Binds v, or NULL when v is 0. */
void db_bind_id(sqlite3_stmt *st, int idx, int64_t v);

/* A copy of a text column, NULL for SQL NULL. */
char *db_column_dup(sqlite3_stmt *st, int col);

/* Steps a statement that returns no row; resets it. */
bool db_exec_stmt(struct db *db, sqlite3_stmt *st, GError **err);

#endif
