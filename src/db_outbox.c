/* SPDX-License-Identifier: MIT */
/* Outbox rows: queued, then sent or failed; never sent twice once sent. */
#include "db_outbox.h"

#include <string.h>

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

void
outbox_item_free(struct outbox_item *item)
{
	if (!item)
		return;
	g_free(item->message_id);
	g_free(item->kind);
	g_free(item->recipient);
	g_free(item->content);
	g_free(item);
}

bool
db_outbox_add(struct db *db, const struct outbox_item *item, int64_t now,
    int64_t *id_out, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO outbox (message_id, kind,"
	    " consultation_id, participant_id, recipient, content,"
	    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return false;
	db_bind_text(st, 1, item->message_id);
	db_bind_text(st, 2, item->kind);
	db_bind_id(st, 3, item->consultation_id);
	db_bind_id(st, 4, item->participant_id);
	db_bind_text(st, 5, item->recipient);
	sqlite3_bind_blob64(st, 6, item->content, item->content_len,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, now);
	if (!db_exec_stmt(db, st, err)) {
		g_prefix_error(err, "cannot queue %s to '%s': ", item->kind,
		    item->recipient);
		return false;
	}
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(db->sqlite);
	return true;
}

GPtrArray *
db_outbox_due(struct db *db, int64_t now, int64_t after_id, int limit,
    GError **err)
{
	GPtrArray *out;
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT id, message_id, kind, recipient,"
	    " consultation_id, participant_id, content, attempts FROM outbox"
	    " WHERE status IN ('queued', 'unknown') AND next_attempt_at <= ?"
	    " AND id > ? ORDER BY id LIMIT ?", err);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int(st, 3, limit);
	out = g_ptr_array_new_with_free_func((GDestroyNotify)outbox_item_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct outbox_item *item = g_new0(struct outbox_item, 1);

		item->id = sqlite3_column_int64(st, 0);
		item->message_id = db_column_dup(st, 1);
		item->kind = db_column_dup(st, 2);
		item->recipient = db_column_dup(st, 3);
		item->consultation_id = sqlite3_column_int64(st, 4);
		item->participant_id = sqlite3_column_int64(st, 5);
		item->content_len = (size_t)sqlite3_column_bytes(st, 6);
		item->content = g_malloc(item->content_len + 1);
		if (item->content_len)
			memcpy(item->content, sqlite3_column_blob(st, 6),
			    item->content_len);
		item->content[item->content_len] = '\0';
		item->attempts = sqlite3_column_int(st, 7);
		g_ptr_array_add(out, item);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read the outbox");
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}

bool
db_outbox_is_due(struct db *db, int64_t id, int64_t now, bool *due_out,
    GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT count(*) FROM outbox WHERE id = ? AND"
	    " status IN ('queued', 'unknown') AND next_attempt_at <= ?", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	*due_out = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_set_error(db, err, "cannot read the outbox");
		return false;
	}
	return true;
}

bool
db_outbox_mark_sent(struct db *db, int64_t id, int64_t now, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE outbox SET status = 'sent', sent_at = ?,"
	    " attempts = attempts + 1, last_error = NULL WHERE id = ?", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return db_exec_stmt(db, st, err);
}

bool
db_outbox_mark_failed(struct db *db, int64_t id, const char *reason,
    bool permanent, int64_t retry_at, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE outbox SET status = ?, last_error = ?,"
	    " attempts = attempts + 1, next_attempt_at = ? WHERE id = ?", err);
	if (!st)
		return false;
	db_bind_text(st, 1, permanent ? "failed" : "queued");
	db_bind_text(st, 2, reason);
	sqlite3_bind_int64(st, 3, retry_at);
	sqlite3_bind_int64(st, 4, id);
	return db_exec_stmt(db, st, err);
}

bool
db_outbox_contacts(struct db *db, int64_t pid, int64_t *reminders_out,
    int64_t *last_out, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT coalesce(sum(kind = 'reminder'), 0),"
	    " coalesce(max(created_at), 0) FROM outbox"
	    " WHERE participant_id = ? AND kind IN ('invitation', 'reminder')"
	    " AND status != 'failed'", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, pid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*reminders_out = sqlite3_column_int64(st, 0);
		*last_out = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_set_error(db, err, "cannot read what was mailed");
		return false;
	}
	return true;
}

char *
db_outbox_verp(struct db *db, int64_t pid, GError **err)
{
	sqlite3_stmt *st;
	char *verp = NULL;

	st = db_stmt(db, "SELECT i.token, c.reply_address FROM participant p"
	    " JOIN invitation i ON i.participant_id = p.id"
	    " JOIN consultation c ON c.id = p.consultation_id"
	    " WHERE p.id = ?", err);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *token = (const char *)sqlite3_column_text(st, 0);
		const char *reply = (const char *)sqlite3_column_text(st, 1);
		const char *at = reply ? strchr(reply, '@') : NULL;

		if (token && at)
			verp = g_strdup_printf("%.*s+%s%s",
			    (int)(at - reply), reply, token, at);
	}
	sqlite3_reset(st);
	return verp;
}
