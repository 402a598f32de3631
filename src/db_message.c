/* SPDX-License-Identifier: MIT */
/*
 * Messages, warnings, attachments and answers.  The "current" flag marks
 * the answer that counts for a participant and question; a partial unique
 * index keeps it to one.
 */
#include "db_message.h"

#include <string.h>

#include "consultd.h"
#include "db_private.h"
#include "message.h"

#include "banned.h"

/*
 * The spool file of the message filed under sql's key, through *out;
 * 1 found, 0 not, -1 error.
 */
static int
db_message_find(struct db *db, const char *sql, const char *key,
    char **spool_file_out, GError **err)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && spool_file_out)
		*spool_file_out = db_column_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up a message");
		return -1;
	}
	return rc == SQLITE_ROW;
}

/*
 * Two lookups on their own indexes: one query with OR sorted by which
 * matched built two temporary b-trees a message (1% of filing).
 */
int
db_message_seen(struct db *db, const char *message_id, const char *hash,
    char **spool_file_out, GError **err)
{
	int found;

	found = db_message_find(db, "SELECT spool_file FROM message"
	    " WHERE content_hash = ?", hash, spool_file_out, err);
	if (found != 0)
		return found;
	if (!message_id)
		return 0;
	found = db_message_find(db, "SELECT spool_file FROM message"
	    " WHERE message_id = ? LIMIT 1", message_id, spool_file_out, err);
	return found == 1 ? 2 : found;
}

int64_t
db_message_last_consultation(struct db *db, GError **err)
{
	sqlite3_stmt *st;
	int64_t cid = 0;
	int rc;

	st = db_stmt(db, "SELECT consultation_id FROM message WHERE"
	    " consultation_id IS NOT NULL ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		cid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up the last message");
		return -1;
	}
	return cid;
}

bool
db_message_add(struct db *db, const struct db_message_row *row,
    int64_t *id_out, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO message (message_id, content_hash,"
	    " spool_file, kind, status, consultation_id, participant_id,"
	    " match, sender, subject, free_text, late, sent_at, received_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return false;
	db_bind_text(st, 1, row->message_id);
	db_bind_text(st, 2, row->content_hash);
	db_bind_text(st, 3, row->spool_file);
	db_bind_text(st, 4, row->kind);
	db_bind_text(st, 5, row->status);
	db_bind_id(st, 6, row->consultation_id);
	db_bind_id(st, 7, row->participant_id);
	db_bind_text(st, 8, row->match);
	db_bind_text(st, 9, row->sender);
	db_bind_text(st, 10, row->subject);
	db_bind_text(st, 11, row->free_text);
	sqlite3_bind_int(st, 12, row->late);
	db_bind_id(st, 13, row->sent_at);
	sqlite3_bind_int64(st, 14, row->received_at);
	if (!db_exec_stmt(db, st, err))
		return false;
	*id_out = sqlite3_last_insert_rowid(db->sqlite);
	return true;
}

bool
db_message_add_warning(struct db *db, int64_t mid, const char *text,
    GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO message_warning (message_id, text)"
	    " VALUES (?, ?)", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, mid);
	db_bind_text(st, 2, text);
	return db_exec_stmt(db, st, err);
}

bool
db_message_add_attachment(struct db *db, int64_t mid,
    const struct message_attachment *att, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO attachment (message_id, filename,"
	    " content_type, size, content) VALUES (?, ?, ?, ?, ?)", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, mid);
	db_bind_text(st, 2, att->filename);
	db_bind_text(st, 3, att->content_type ? att->content_type :
	    "application/octet-stream");
	sqlite3_bind_int64(st, 4, (int64_t)att->size);
	sqlite3_bind_blob64(st, 5, att->data ? (const void *)att->data : "",
	    att->size, SQLITE_TRANSIENT);
	return db_exec_stmt(db, st, err);
}

int64_t
db_question_row(struct db *db, int64_t cid, const char *qid, GError **err)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	st = db_stmt(db, "SELECT id FROM question WHERE consultation_id = ?"
	    " AND qid = ? COLLATE NOCASE", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cid);
	db_bind_text(st, 2, qid);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!id)
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "the consultation has no question '%s'", qid);
	return id ? id : -1;
}

/* Whether the question has a current answer: 1 yes, 0 no, -1 error. */
static int
db_current_exists(struct db *db, int64_t pid, int64_t qid, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT 1 FROM answer WHERE participant_id = ?"
	    " AND question_id = ? AND current = 1", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, qid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up an answer");
		return -1;
	}
	return rc == SQLITE_ROW;
}

bool
db_answer_add(struct db *db, const struct db_answer_row *row, GError **err)
{
	sqlite3_stmt *st;
	int64_t qid;
	bool current = !row->error && row->answer[0];

	qid = row->question_row ? row->question_row :
	    db_question_row(db, row->consultation_id, row->question, err);
	if (qid < 0)
		return false;
	/*
	 * An answer matched by From alone only fills a gap: it never
	 * replaces an answer, so forging From cannot change one (SPEC 5).
	 */
	if (current && strcmp(row->trust, "token") != 0) {
		int exists = db_current_exists(db, row->participant_id, qid,
		    err);

		if (exists < 0)
			return false;
		current = !exists;
	}
	if (current) {
		st = db_stmt(db, "UPDATE answer SET current = 0"
		    " WHERE participant_id = ? AND question_id = ?"
		    " AND current = 1", err);
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, row->participant_id);
		sqlite3_bind_int64(st, 2, qid);
		if (!db_exec_stmt(db, st, err))
			return false;
	}
	st = db_stmt(db, "INSERT INTO answer (participant_id, question_id,"
	    " message_id, source, recorded_by, answer, error, trust,"
	    " answered_at, current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, row->participant_id);
	sqlite3_bind_int64(st, 2, qid);
	db_bind_id(st, 3, row->message_id);
	db_bind_text(st, 4, row->source);
	db_bind_text(st, 5, row->recorded_by);
	db_bind_text(st, 6, row->answer);
	db_bind_text(st, 7, row->error);
	db_bind_text(st, 8, row->trust);
	sqlite3_bind_int64(st, 9, row->answered_at);
	sqlite3_bind_int(st, 10, current);
	return db_exec_stmt(db, st, err);
}

int
db_answer_interview_same(struct db *db, const struct db_answer_row *row,
    GError **err)
{
	sqlite3_stmt *st;
	int64_t qid;
	int rc, same;

	qid = row->question_row ? row->question_row :
	    db_question_row(db, row->consultation_id, row->question, err);
	if (qid < 0)
		return -1;
	st = db_stmt(db, "SELECT answer = ? FROM answer"
	    " WHERE participant_id = ? AND question_id = ?"
	    " AND source = 'interview' ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return -1;
	db_bind_text(st, 1, row->answer);
	sqlite3_bind_int64(st, 2, row->participant_id);
	sqlite3_bind_int64(st, 3, qid);
	rc = sqlite3_step(st);
	same = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up an interview answer");
		return -1;
	}
	return same;
}

void
db_command_row_free(struct db_command_row *row)
{
	if (!row)
		return;
	g_free(row->message_id);
	g_free(row->sender);
	g_free(row->subject);
	g_free(row->text);
	g_free(row);
}

GPtrArray *
db_message_pending_commands(struct db *db, GError **err)
{
	GPtrArray *out;
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT id, message_id, sender, subject, free_text"
	    " FROM message WHERE kind = 'command' AND status = 'pending'"
	    " ORDER BY id", err);
	if (!st)
		return NULL;
	out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)db_command_row_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_command_row *row = g_new0(struct db_command_row, 1);

		row->id = sqlite3_column_int64(st, 0);
		row->message_id = db_column_dup(st, 1);
		row->sender = db_column_dup(st, 2);
		row->subject = db_column_dup(st, 3);
		row->text = db_column_dup(st, 4);
		g_ptr_array_add(out, row);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot list pending commands");
		g_clear_pointer(&out, g_ptr_array_unref);
	}
	return out;
}

bool
db_message_set_status(struct db *db, int64_t mid, const char *status,
    GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE message SET status = ? WHERE id = ?", err);
	if (!st)
		return false;
	db_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, mid);
	return db_exec_stmt(db, st, err);
}
