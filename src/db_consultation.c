/* SPDX-License-Identifier: MIT */
/*
 * Storing and reading consultation definitions.  Questions are matched by
 * their stable ID so that reloading an edited definition keeps every
 * answer attached to its question.
 */
#include "db_consultation.h"

#include <string.h>

#include "consultd.h"
#include "db_private.h"
#include "definition.h"

#include "banned.h"

static char *
db_join_options(const struct question *q)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < q->options->len; i++) {
		if (i)
			g_string_append_c(s, '\n');
		g_string_append(s, q->options->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

static bool
db_store_consultation_row(struct db *db, const struct definition *def,
    int64_t now, int64_t *id_out, bool *created_out, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT id FROM consultation WHERE name = ?", err);
	if (!st)
		return false;
	db_bind_text(st, 1, def->name);
	rc = sqlite3_step(st);
	*created_out = rc == SQLITE_DONE;
	*id_out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up the consultation");
		return false;
	}

	st = db_stmt(db, "INSERT INTO consultation (name, title, description,"
	    " languages, deadline, reply_address, is_open, public_address,"
	    " consent, max_reminders, reminder_interval_days,"
	    " reminder_days_before, loaded_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	    " ON CONFLICT (name) DO UPDATE SET title = ?2, description = ?3,"
	    " languages = ?4, deadline = ?5, reply_address = ?6,"
	    " is_open = ?7, public_address = ?8, consent = ?9,"
	    " max_reminders = ?10, reminder_interval_days = ?11,"
	    " reminder_days_before = ?12, loaded_at = ?13", err);
	if (!st)
		return false;
	db_bind_text(st, 1, def->name);
	db_bind_text(st, 2, def->title);
	db_bind_text(st, 3, def->description);
	db_bind_text(st, 4, def->languages);
	db_bind_id(st, 5, def->deadline);
	db_bind_text(st, 6, def->reply_address);
	sqlite3_bind_int(st, 7, def->open);
	db_bind_text(st, 8, def->public_address);
	db_bind_text(st, 9, def->consent);
	sqlite3_bind_int(st, 10, def->max_reminders);
	sqlite3_bind_int(st, 11, def->reminder_interval_days);
	db_bind_text(st, 12, def->reminder_days_before);
	sqlite3_bind_int64(st, 13, now);
	if (!db_exec_stmt(db, st, err))
		return false;
	if (*created_out)
		*id_out = sqlite3_last_insert_rowid(db->sqlite);
	return true;
}

static bool
db_store_questions(struct db *db, const struct definition *def, int64_t cid,
    GError **err)
{
	sqlite3_stmt *st;
	size_t i;

	/* Positions move out of the way first: reordering is allowed. */
	st = db_stmt(db, "UPDATE question SET position = -position - 1"
	    " WHERE consultation_id = ?", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	if (!db_exec_stmt(db, st, err))
		return false;
	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];
		g_autofree char *options = db_join_options(q);

		st = db_stmt(db, "INSERT INTO question (consultation_id, qid,"
		    " position, kind, prompt, help, scale_min, scale_max,"
		    " options, optional)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		    " ON CONFLICT (consultation_id, qid) DO UPDATE SET"
		    " position = ?3, kind = ?4, prompt = ?5, help = ?6,"
		    " scale_min = ?7, scale_max = ?8, options = ?9,"
		    " optional = ?10", err);
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, cid);
		db_bind_text(st, 2, q->id);
		sqlite3_bind_int64(st, 3, (int64_t)i);
		db_bind_text(st, 4, question_kind_name(q->kind));
		db_bind_text(st, 5, q->prompt);
		db_bind_text(st, 6, q->help);
		sqlite3_bind_int(st, 7, q->scale_min);
		sqlite3_bind_int(st, 8, q->scale_max);
		db_bind_text(st, 9, *options ? options : NULL);
		sqlite3_bind_int(st, 10, q->optional);
		if (!db_exec_stmt(db, st, err))
			return false;
	}
	return true;
}

/* Questions left with a negative position were removed from def. */
static bool
db_remove_old_questions(struct db *db, int64_t cid, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "SELECT q.qid, count(a.id) FROM question q"
	    " JOIN answer a ON a.question_id = q.id"
	    " WHERE q.consultation_id = ? AND q.position < 0"
	    " GROUP BY q.id ORDER BY q.qid", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "question '%s' has %d answer(s) and cannot be removed; "
		    "keep it in consultation.ini (you may reword it)",
		    (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1));
		sqlite3_reset(st);
		return false;
	}
	sqlite3_reset(st);
	st = db_stmt(db, "DELETE FROM question WHERE consultation_id = ?"
	    " AND position < 0", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	return db_exec_stmt(db, st, err);
}

static bool
db_store_templates(struct db *db, const struct definition *def, int64_t cid,
    GError **err)
{
	GHashTableIter it;
	void *name, *body;
	sqlite3_stmt *st;

	st = db_stmt(db, "DELETE FROM template WHERE consultation_id = ?",
	    err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	if (!db_exec_stmt(db, st, err))
		return false;
	g_hash_table_iter_init(&it, def->templates);
	while (g_hash_table_iter_next(&it, &name, &body)) {
		st = db_stmt(db, "INSERT INTO template (consultation_id, name,"
		    " body) VALUES (?, ?, ?)", err);
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, cid);
		db_bind_text(st, 2, name);
		db_bind_text(st, 3, body);
		if (!db_exec_stmt(db, st, err))
			return false;
	}
	return true;
}

bool
db_consultation_store(struct db *db, const struct definition *def,
    int64_t now, int64_t *id_out, bool *created_out, GError **err)
{
	if (!db_begin(db, err))
		return false;
	if (!db_store_consultation_row(db, def, now, id_out, created_out,
	    err) || !db_store_questions(db, def, *id_out, err) ||
	    !db_remove_old_questions(db, *id_out, err) ||
	    !db_store_templates(db, def, *id_out, err)) {
		db_rollback(db);
		return false;
	}
	return db_commit(db, err);
}

static bool
db_load_questions(struct db *db, struct definition *def, int64_t cid,
    GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT qid, kind, prompt, help, scale_min,"
	    " scale_max, options, optional FROM question"
	    " WHERE consultation_id = ?"
	    " ORDER BY position", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct question *q = question_new();
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *opts = (const char *)sqlite3_column_text(st, 6);

		q->id = db_column_dup(st, 0);
		if (!question_kind_parse(kind, &q->kind))
			q->kind = QUESTION_TEXT;
		q->prompt = db_column_dup(st, 2);
		q->help = db_column_dup(st, 3);
		q->scale_min = sqlite3_column_int(st, 4);
		q->scale_max = sqlite3_column_int(st, 5);
		q->optional = sqlite3_column_int(st, 7);
		if (opts) {
			g_auto(GStrv) v = g_strsplit(opts, "\n", -1);
			size_t i;

			for (i = 0; v[i]; i++)
				g_ptr_array_add(q->options, g_strdup(v[i]));
		}
		g_ptr_array_add(def->questions, q);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read questions");
		return false;
	}
	st = db_stmt(db, "SELECT name, body FROM template"
	    " WHERE consultation_id = ?", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_hash_table_insert(def->templates, db_column_dup(st, 0),
		    db_column_dup(st, 1));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read templates");
		return false;
	}
	return true;
}

struct definition *
db_consultation_load(struct db *db, const char *name, int64_t *id_out,
    GError **err)
{
	struct definition *def;
	sqlite3_stmt *st;

	st = db_stmt(db, "SELECT id, title, description, languages, deadline,"
	    " reply_address, is_open, public_address, consent, max_reminders,"
	    " reminder_interval_days, reminder_days_before, closed_at"
	    " FROM consultation WHERE name = ?", err);
	if (!st)
		return NULL;
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "no consultation named '%s'; load it first with "
		    "'consultd load DIR'", name);
		return NULL;
	}
	def = definition_new();
	def->name = g_strdup(name);
	*id_out = sqlite3_column_int64(st, 0);
	def->title = db_column_dup(st, 1);
	def->description = db_column_dup(st, 2);
	def->languages = db_column_dup(st, 3);
	def->deadline = sqlite3_column_int64(st, 4);
	def->reply_address = db_column_dup(st, 5);
	def->open = sqlite3_column_int(st, 6);
	def->public_address = db_column_dup(st, 7);
	def->consent = db_column_dup(st, 8);
	def->max_reminders = sqlite3_column_int(st, 9);
	def->reminder_interval_days = sqlite3_column_int(st, 10);
	def->reminder_days_before = db_column_dup(st, 11);
	def->closed_at = sqlite3_column_int64(st, 12);
	sqlite3_reset(st);
	if (!db_load_questions(db, def, *id_out, err))
		g_clear_pointer(&def, definition_free);
	return def;
}

GPtrArray *
db_consultation_names(struct db *db, GError **err)
{
	GPtrArray *names;
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT name FROM consultation ORDER BY id", err);
	if (!st)
		return NULL;
	names = g_ptr_array_new_with_free_func(g_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(names, db_column_dup(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot list consultations");
		g_clear_pointer(&names, g_ptr_array_unref);
	}
	return names;
}

char *
db_consultation_name(struct db *db, int64_t cid, GError **err)
{
	sqlite3_stmt *st;
	char *name = NULL;

	st = db_stmt(db, "SELECT name FROM consultation WHERE id = ?", err);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) == SQLITE_ROW)
		name = db_column_dup(st, 0);
	sqlite3_reset(st);
	if (!name)
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "no consultation with id %lld", (long long)cid);
	return name;
}

int
db_consultation_close(struct db *db, const char *name, int64_t now,
    GError **err)
{
	sqlite3_stmt *st;
	int changed;

	if (!db_begin(db, err))
		return -1;
	st = db_stmt(db, "UPDATE consultation SET closed_at = ?"
	    " WHERE name = ? AND closed_at IS NULL", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	db_bind_text(st, 2, name);
	if (!db_exec_stmt(db, st, err))
		goto fail;
	changed = sqlite3_changes(db->sqlite);
	if (!db_commit(db, err))
		return -1;
	return changed;
fail:
	db_rollback(db);
	return -1;
}

GArray *
db_consultation_open_ids(struct db *db, GError **err)
{
	GArray *ids;
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT id FROM consultation WHERE is_open = 1"
	    " AND closed_at IS NULL ORDER BY id", err);
	if (!st)
		return NULL;
	ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		g_array_append_val(ids, id);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot list open consultations");
		g_clear_pointer(&ids, g_array_unref);
	}
	return ids;
}
