/* SPDX-License-Identifier: MIT */
/*
 * Opening, migrating and transacting on the SQLite database.  Migrations
 * run one version at a time, each in its own transaction that also bumps
 * PRAGMA user_version, so an interrupted upgrade resumes where it stopped.
 */
#include "db.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

/*
 * Version 1.  Times are Unix seconds (UTC).  Later issues add their
 * columns and tables through further entries of db_migrations[].
 */
static const char *const db_schema_v1[] = {
	"CREATE TABLE consultation ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  description TEXT,"
	"  languages TEXT,"
	"  deadline INTEGER,"
	"  reply_address TEXT NOT NULL,"
	"  is_open INTEGER NOT NULL DEFAULT 0,"
	"  public_address TEXT,"
	"  consent TEXT,"
	"  max_reminders INTEGER NOT NULL DEFAULT 3,"
	"  reminder_interval_days INTEGER NOT NULL DEFAULT 7,"
	"  reminder_days_before TEXT,"
	"  closed_at INTEGER,"
	"  loaded_at INTEGER NOT NULL"
	");",
	"CREATE TABLE question ("
	"  id INTEGER PRIMARY KEY,"
	"  consultation_id INTEGER NOT NULL REFERENCES consultation(id),"
	"  qid TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('text','rating','choice','yesno')),"
	"  prompt TEXT NOT NULL,"
	"  help TEXT,"
	"  scale_min INTEGER,"
	"  scale_max INTEGER,"
	"  options TEXT,"
	"  optional INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (consultation_id, qid)"
	");",
	"CREATE TABLE template ("
	"  consultation_id INTEGER NOT NULL REFERENCES consultation(id),"
	"  name TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  PRIMARY KEY (consultation_id, name)"
	");",
	"CREATE TABLE participant ("
	"  id INTEGER PRIMARY KEY,"
	"  consultation_id INTEGER NOT NULL REFERENCES consultation(id),"
	"  email TEXT NOT NULL,"
	"  email_key TEXT NOT NULL,"
	"  name TEXT,"
	"  stakeholder_group TEXT,"
	"  role TEXT,"
	"  language TEXT,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN"
	"    ('active','bounced','opted_out','withdrawn')),"
	"  verified INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (consultation_id, email_key)"
	");",
	"CREATE TABLE participant_bpf ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id)"
	"    ON DELETE CASCADE,"
	"  bpf TEXT NOT NULL,"
	"  PRIMARY KEY (participant_id, bpf)"
	");",
	"CREATE TABLE participant_attr ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id)"
	"    ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (participant_id, key)"
	");",
	"CREATE TABLE invitation ("
	"  id INTEGER PRIMARY KEY,"
	"  participant_id INTEGER NOT NULL UNIQUE REFERENCES participant(id),"
	"  token TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL"
	");",
	"CREATE TABLE message ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT,"
	"  content_hash TEXT NOT NULL UNIQUE,"
	"  spool_file TEXT,"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('reply','auto_reply','bounce','command','unrelated')),"
	"  status TEXT NOT NULL,"
	"  consultation_id INTEGER REFERENCES consultation(id),"
	"  participant_id INTEGER REFERENCES participant(id),"
	"  match TEXT,"
	"  sender TEXT,"
	"  subject TEXT,"
	"  free_text TEXT,"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER,"
	"  received_at INTEGER NOT NULL"
	");",
	"CREATE UNIQUE INDEX message_by_message_id ON message(message_id)"
	"  WHERE message_id IS NOT NULL;",
	"CREATE INDEX message_by_participant ON message(participant_id);",
	"CREATE TABLE message_warning ("
	"  message_id INTEGER NOT NULL REFERENCES message(id),"
	"  text TEXT NOT NULL"
	");",
	"CREATE TABLE attachment ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL REFERENCES message(id),"
	"  filename TEXT,"
	"  content_type TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  content BLOB NOT NULL"
	");",
	"CREATE TABLE answer ("
	"  id INTEGER PRIMARY KEY,"
	"  participant_id INTEGER NOT NULL REFERENCES participant(id),"
	"  question_id INTEGER NOT NULL REFERENCES question(id),"
	"  message_id INTEGER REFERENCES message(id),"
	"  source TEXT NOT NULL DEFAULT 'mail' CHECK (source IN"
	"    ('mail','interview')),"
	"  recorded_by TEXT,"
	"  answer TEXT NOT NULL,"
	"  error TEXT,"
	"  trust TEXT NOT NULL DEFAULT 'token' CHECK (trust IN"
	"    ('token','from')),"
	"  answered_at INTEGER NOT NULL,"
	"  current INTEGER NOT NULL DEFAULT 0"
	");",
	"CREATE UNIQUE INDEX answer_current"
	"  ON answer(participant_id, question_id)"
	"  WHERE current = 1;",
	"CREATE INDEX answer_by_question ON answer(question_id);",
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  consultation_id INTEGER REFERENCES consultation(id),"
	"  participant_id INTEGER REFERENCES participant(id),"
	"  recipient TEXT NOT NULL,"
	"  content BLOB NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN"
	"    ('queued','sent','failed','unknown')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER"
	");",
	"CREATE INDEX outbox_queued ON outbox(status, next_attempt_at);",
	"CREATE UNIQUE INDEX outbox_one_invitation ON outbox(participant_id)"
	"  WHERE kind = 'invitation';",
	"CREATE TABLE digest ("
	"  id INTEGER PRIMARY KEY,"
	"  period_start INTEGER NOT NULL,"
	"  period_end INTEGER NOT NULL,"
	"  outbox_id INTEGER REFERENCES outbox(id),"
	"  created_at INTEGER NOT NULL"
	");",
	"CREATE TABLE imap_state ("
	"  mailbox TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL"
	");",
	"CREATE TABLE schedule ("
	"  job TEXT PRIMARY KEY,"
	"  last_run INTEGER,"
	"  next_due INTEGER"
	");",
	NULL
};

/*
 * Version 2 (digest, issue 6): each consultation gets its own digests,
 * whose periods are bounded by the last answer and message row they
 * covered, so that consecutive digests neither miss nor repeat a row
 * whatever the clock does.  The answer index serves the per-participant
 * lookups of status, digest and report.
 */
static const char *const db_schema_v2[] = {
	"ALTER TABLE digest ADD COLUMN consultation_id INTEGER"
	"  REFERENCES consultation(id);",
	"ALTER TABLE digest ADD COLUMN last_answer_id INTEGER NOT NULL"
	"  DEFAULT 0;",
	"ALTER TABLE digest ADD COLUMN last_message_id INTEGER NOT NULL"
	"  DEFAULT 0;",
	"CREATE INDEX digest_by_consultation ON digest(consultation_id, id);",
	"CREATE INDEX answer_by_participant ON answer(participant_id,"
	"  question_id);",
	NULL
};

/*
 * Version 3: lookups that filing and campaigns make once a message or a
 * participant read every row of their table before (quadratic in a
 * consultation's size): a sender without a token by address, an open
 * round's flood check, a reminder's count of what was mailed, the
 * coordinators' commands still to run after each fetch.
 */
static const char *const db_schema_v3[] = {
	"CREATE INDEX participant_by_email ON participant(email_key);",
	"CREATE INDEX participant_by_created ON participant(consultation_id,"
	"  created_at);",
	"CREATE INDEX message_by_sender ON message(consultation_id,"
	"  lower(sender), received_at);",
	"CREATE INDEX outbox_by_participant ON outbox(participant_id);",
	"CREATE INDEX message_pending_command ON message(id)"
	"  WHERE kind = 'command' AND status = 'pending';",
	NULL
};

static const char *const *const db_migrations[] = {
	db_schema_v1,
	db_schema_v2,
	db_schema_v3,
};

int
db_schema_version(void)
{
	return (int)G_N_ELEMENTS(db_migrations);
}

void
db_set_error(struct db *db, GError **err, const char *what)
{
	int rc = sqlite3_extended_errcode(db->sqlite);
	int sys = sqlite3_system_errno(db->sqlite);
	const char *hint = "";
	int code;

	/* SQLite reports a full disk under the WAL index as an I/O error. */
	if (sys == ENOSPC || sys == EDQUOT || (rc & 0xff) == SQLITE_FULL) {
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL, "%s: the disk "
		    "is full (%s); free some space and run again", what,
		    sqlite3_errmsg(db->sqlite));
		return;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
		/* Retry later: another writer, or the disk is full. */
		code = EX_TEMPFAIL;
		break;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		code = EX_DATAERR;
		break;
	case SQLITE_IOERR:
		/*
		 * The disk or file system failed, not the data; the caller
		 * rolls back, so running again is safe.
		 */
		code = EX_IOERR;
		hint = "; check the disk and the file system holding the "
		    "database (dmesg), then run again";
		break;
	default:
		code = EX_IOERR;
		break;
	}
	g_set_error(err, CONSULTD_ERROR, code, "%s: %s (sqlite %d)%s", what,
	    sqlite3_errmsg(db->sqlite), rc, hint);
}

int64_t
db_fullscan_steps(struct db *db)
{
	GHashTableIter it;
	gpointer st;
	int64_t steps = 0;

	g_hash_table_iter_init(&it, db->stmts);
	while (g_hash_table_iter_next(&it, NULL, &st))
		steps += sqlite3_stmt_status(st,
		    SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	return steps;
}

sqlite3_stmt *
db_stmt(struct db *db, const char *sql, GError **err)
{
	sqlite3_stmt *st = g_hash_table_lookup(db->stmts, sql);

	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(db->sqlite, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK) {
		db_set_error(db, err, "cannot prepare a database query");
		return NULL;
	}
	g_hash_table_insert(db->stmts, (void *)(uintptr_t)sql, st);
	return st;
}

void
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void
db_bind_id(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

char *
db_column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? g_strdup((const char *)s) : NULL;
}

bool
db_exec_stmt(struct db *db, sqlite3_stmt *st, GError **err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_set_error(db, err, "database write failed");
		sqlite3_reset(st);
		return false;
	}
	sqlite3_reset(st);
	return true;
}

static bool
db_exec(struct db *db, const char *sql, GError **err)
{
	char *msg = NULL;

	if (sqlite3_exec(db->sqlite, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_set_error(db, err, "database statement failed");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

static bool
db_exec_all(struct db *db, const char *const *sql, GError **err)
{
	for (; *sql; sql++)
		if (!db_exec(db, *sql, err))
			return false;
	return true;
}

int
db_user_version(struct db *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db->sqlite, "PRAGMA user_version", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool
db_migrate(struct db *db, GError **err)
{
	int have = db_user_version(db);
	int want = db_schema_version();
	char pragma[64];

	if (have < 0) {
		db_set_error(db, err, "cannot read the schema version");
		return false;
	}
	if (have > want) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "the database has schema version %d, newer than this "
		    "consultd understands (%d); upgrade consultd", have, want);
		return false;
	}
	while (have < want) {
		if (!db_begin(db, err))
			return false;
		/* Another process may have migrated while we waited. */
		have = db_user_version(db);
		if (have >= want) {
			db_rollback(db);
			break;
		}
		g_snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    have + 1);
		if (!db_exec_all(db, db_migrations[have], err) ||
		    !db_exec(db, pragma, err) || !db_commit(db, err)) {
			g_prefix_error(err, "cannot migrate the database to "
			    "version %d: ", have + 1);
			db_rollback(db);
			return false;
		}
		have++;
	}
	return true;
}

static void
db_finalize_stmt(void *stmt)
{
	sqlite3_finalize(stmt);
}

struct db *
db_open(const char *path, GError **err)
{
	struct db *db = g_new0(struct db, 1);
	bool memory = strcmp(path, ":memory:") == 0;

	db->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	    db_finalize_stmt);
	if (sqlite3_open_v2(path, &db->sqlite, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot open database '%s': %s", path,
		    db->sqlite ? sqlite3_errmsg(db->sqlite) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->sqlite, 1);
	sqlite3_busy_timeout(db->sqlite, 10000);
	/*
	 * synchronous=FULL: with WAL, NORMAL may lose the last commits on
	 * power loss (pragma.html), and a filed message must stay filed.
	 */
	if ((!memory && !db_exec(db, "PRAGMA journal_mode = WAL", err)) ||
	    !db_exec(db, "PRAGMA synchronous = FULL", err) ||
	    !db_exec(db, "PRAGMA foreign_keys = ON", err)) {
		g_prefix_error(err, "cannot set up database '%s': ", path);
		goto fail;
	}
	if (!db_migrate(db, err)) {
		g_prefix_error(err, "database '%s': ", path);
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (!db)
		return;
	g_hash_table_destroy(db->stmts);
	sqlite3_close(db->sqlite);
	g_free(db);
}

bool
db_begin(struct db *db, GError **err)
{
	if (!db_exec(db, "BEGIN IMMEDIATE", err)) {
		g_prefix_error(err, "cannot start a transaction: ");
		return false;
	}
	return true;
}

bool
db_set_full_sync(struct db *db, bool full, GError **err)
{
	return db_exec(db, full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", err);
}

bool
db_begin_read(struct db *db, GError **err)
{
	if (!db_exec(db, "BEGIN DEFERRED", err)) {
		g_prefix_error(err, "cannot start reading: ");
		return false;
	}
	return true;
}

bool
db_commit(struct db *db, GError **err)
{
	if (!db_exec(db, "COMMIT", err)) {
		g_prefix_error(err, "cannot commit: ");
		db_rollback(db);
		return false;
	}
	return true;
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->sqlite))
		sqlite3_exec(db->sqlite, "ROLLBACK", NULL, NULL, NULL);
}
