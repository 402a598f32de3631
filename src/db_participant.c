/* SPDX-License-Identifier: MIT */
/*
 * Participant rows.  An address is one participant per consultation
 * (email_key is unique), so re-importing a list updates it in place.
 */
#include "db_participant.h"

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

struct participant *
participant_new(void)
{
	struct participant *p = g_new0(struct participant, 1);

	p->bpfs = g_ptr_array_new_with_free_func(g_free);
	p->attrs = g_ptr_array_new_with_free_func(g_free);
	return p;
}

void
participant_free(struct participant *p)
{
	if (!p)
		return;
	g_free(p->email);
	g_free(p->email_key);
	g_free(p->name);
	g_free(p->stakeholder_group);
	g_free(p->role);
	g_free(p->language);
	g_free(p->status);
	g_free(p->token);
	g_ptr_array_unref(p->bpfs);
	g_ptr_array_unref(p->attrs);
	g_free(p);
}

bool
db_participant_upsert(struct db *db, int64_t cid, const struct participant *p,
    int64_t now, bool *created_out, GError **err)
{
	sqlite3_stmt *st;
	int64_t pid;
	int found;
	size_t i;

	found = db_participant_find(db, cid, p->email_key, &pid, err);
	if (found < 0)
		return false;
	*created_out = found == 0;
	st = db_stmt(db, "INSERT INTO participant (consultation_id, email,"
	    " email_key, name, stakeholder_group, role, language, created_at,"
	    " updated_at, verified)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)"
	    " ON CONFLICT (consultation_id, email_key) DO UPDATE SET"
	    " email = ?2, name = coalesce(?4, name),"
	    " stakeholder_group = coalesce(?5, stakeholder_group),"
	    " role = coalesce(?6, role), language = coalesce(?7, language),"
	    " updated_at = ?8", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	db_bind_text(st, 2, p->email);
	db_bind_text(st, 3, p->email_key);
	db_bind_text(st, 4, p->name);
	db_bind_text(st, 5, p->stakeholder_group);
	db_bind_text(st, 6, p->role);
	db_bind_text(st, 7, p->language);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int(st, 9, !p->unverified);
	if (!db_exec_stmt(db, st, err))
		return false;
	if (*created_out)
		pid = sqlite3_last_insert_rowid(db->sqlite);
	for (i = 0; i < p->bpfs->len; i++) {
		st = db_stmt(db, "INSERT OR IGNORE INTO participant_bpf"
		    " (participant_id, bpf) VALUES (?, ?)", err);
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, pid);
		db_bind_text(st, 2, p->bpfs->pdata[i]);
		if (!db_exec_stmt(db, st, err))
			return false;
	}
	for (i = 0; i + 1 < p->attrs->len; i += 2) {
		st = db_stmt(db, "INSERT INTO participant_attr (participant_id,"
		    " key, value) VALUES (?1, ?2, ?3) ON CONFLICT"
		    " (participant_id, key) DO UPDATE SET value = ?3", err);
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, pid);
		db_bind_text(st, 2, p->attrs->pdata[i]);
		db_bind_text(st, 3, p->attrs->pdata[i + 1]);
		if (!db_exec_stmt(db, st, err))
			return false;
	}
	return true;
}


static bool
db_participant_fill_bpfs(struct db *db, struct participant *p, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT bpf FROM participant_bpf"
	    " WHERE participant_id = ? ORDER BY bpf", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, p->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(p->bpfs, db_column_dup(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read a participant's BPFs");
		return false;
	}
	return true;
}

static struct participant *
db_participant_row(sqlite3_stmt *st)
{
	struct participant *p = participant_new();

	p->id = sqlite3_column_int64(st, 0);
	p->email = db_column_dup(st, 1);
	p->email_key = db_column_dup(st, 2);
	p->name = db_column_dup(st, 3);
	p->stakeholder_group = db_column_dup(st, 4);
	p->role = db_column_dup(st, 5);
	p->language = db_column_dup(st, 6);
	p->status = db_column_dup(st, 7);
	p->token = db_column_dup(st, 8);
	p->unverified = sqlite3_column_int(st, 9);
	return p;
}

struct participant *
db_participant_get(struct db *db, int64_t pid, GError **err)
{
	struct participant *p = NULL;
	sqlite3_stmt *st;

	st = db_stmt(db, "SELECT p.id, p.email, p.email_key, p.name,"
	    " p.stakeholder_group, p.role, p.language, p.status, i.token,"
	    " p.verified = 0 FROM participant p LEFT JOIN invitation i"
	    " ON i.participant_id = p.id WHERE p.id = ?", err);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW)
		p = db_participant_row(st);
	sqlite3_reset(st);
	if (!p) {
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "no participant with id %lld", (long long)pid);
		return NULL;
	}
	if (!db_participant_fill_bpfs(db, p, err))
		g_clear_pointer(&p, participant_free);
	return p;
}

GHashTable *
db_participant_answers(struct db *db, int64_t pid, GError **err)
{
	GHashTable *h;
	sqlite3_stmt *st;
	int rc;

	/*
	 * Without statistics SQLite picks answer_by_participant and reads
	 * every earlier answer too; the partial index holds only the
	 * current ones.
	 */
	st = db_stmt(db, "SELECT q.qid, a.answer FROM answer a"
	    " INDEXED BY answer_current"
	    " JOIN question q ON q.id = a.question_id"
	    " WHERE a.participant_id = ? AND a.current = 1", err);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, pid);
	h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_hash_table_insert(h, db_column_dup(st, 0),
		    db_column_dup(st, 1));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read answers");
		g_clear_pointer(&h, g_hash_table_unref);
	}
	return h;
}

GPtrArray *
db_participant_list(struct db *db, int64_t cid, bool uninvited_only,
    GError **err)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)participant_free);
	sqlite3_stmt *st;
	size_t i;
	int rc;

	st = db_stmt(db, "SELECT p.id, p.email, p.email_key, p.name,"
	    " p.stakeholder_group, p.role, p.language, p.status, i.token,"
	    " p.verified = 0 FROM participant p LEFT JOIN invitation i"
	    " ON i.participant_id = p.id WHERE p.consultation_id = ?1"
	    " AND (?2 = 0 OR (i.id IS NULL AND p.status = 'active'))"
	    " ORDER BY p.id", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int(st, 2, uninvited_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, db_participant_row(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot list participants");
		goto fail;
	}
	for (i = 0; i < out->len; i++)
		if (!db_participant_fill_bpfs(db, out->pdata[i], err))
			goto fail;
	return out;
fail:
	g_ptr_array_unref(out);
	return NULL;
}

int
db_participant_find(struct db *db, int64_t cid, const char *email_key,
    int64_t *id_out, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT id FROM participant WHERE consultation_id = ?"
	    " AND email_key = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cid);
	db_bind_text(st, 2, email_key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id_out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up a participant");
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
db_participant_find_any(struct db *db, const char *email_key,
    int64_t *pid_out, int64_t *cid_out, GError **err)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	st = db_stmt(db, "SELECT id, consultation_id FROM participant"
	    " WHERE email_key = ? LIMIT 2", err);
	if (!st)
		return -1;
	db_bind_text(st, 1, email_key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*pid_out = sqlite3_column_int64(st, 0);
		*cid_out = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up a participant");
		return -1;
	}
	return n == 1;
}

bool
db_invitation_add(struct db *db, int64_t pid, const char *token, int64_t now,
    GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO invitation (participant_id, token,"
	    " created_at) VALUES (?, ?, ?)", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, pid);
	db_bind_text(st, 2, token);
	sqlite3_bind_int64(st, 3, now);
	return db_exec_stmt(db, st, err);
}

int
db_invitation_lookup(struct db *db, const char *token, int64_t *pid_out,
    int64_t *cid_out, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT p.id, p.consultation_id FROM invitation i"
	    " JOIN participant p ON p.id = i.participant_id"
	    " WHERE i.token = ?", err);
	if (!st)
		return -1;
	db_bind_text(st, 1, token);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*pid_out = sqlite3_column_int64(st, 0);
		*cid_out = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot look up a token");
		return -1;
	}
	return rc == SQLITE_ROW;
}

bool
db_participant_set_status(struct db *db, int64_t pid, const char *status,
    GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE participant SET status = ? WHERE id = ?",
	    err);
	if (!st)
		return false;
	db_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, pid);
	return db_exec_stmt(db, st, err);
}

bool
db_participant_withdraw(struct db *db, int64_t pid, GError **err)
{
	static const char *const sql[] = {
		"UPDATE participant SET status = 'withdrawn' WHERE id = ?",
		"UPDATE answer SET answer = '', error = NULL, current = 0"
		" WHERE participant_id = ?",
		"UPDATE message SET free_text = NULL WHERE participant_id = ?",
		"DELETE FROM attachment WHERE message_id IN"
		" (SELECT id FROM message WHERE participant_id = ?)",
	};
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(sql); i++) {
		st = db_stmt(db, sql[i], err);
		if (!st)
			return false;
		sqlite3_bind_int64(st, 1, pid);
		if (!db_exec_stmt(db, st, err))
			return false;
	}
	return true;
}

int
db_participant_verify(struct db *db, int64_t pid, GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE participant SET verified = 1"
	    " WHERE id = ? AND verified = 0", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	if (!db_exec_stmt(db, st, err))
		return -1;
	if (sqlite3_changes(db->sqlite) == 0)
		return 0;
	/* Confirmed: what they sent counts like any participant's. */
	st = db_stmt(db, "UPDATE answer SET trust = 'token'"
	    " WHERE participant_id = ? AND trust = 'from'", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	if (!db_exec_stmt(db, st, err))
		return -1;
	return 1;
}

bool
db_participant_open_counts(struct db *db, int64_t cid, const char *sender,
    int64_t since, int64_t *from_sender_out, int64_t *new_unverified_out,
    GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT (SELECT count(*) FROM message"
	    "  WHERE consultation_id = ?1 AND lower(sender) = ?2"
	    "  AND received_at >= ?3),"
	    " (SELECT count(*) FROM participant WHERE consultation_id = ?1"
	    "  AND verified = 0 AND created_at >= ?3)", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	db_bind_text(st, 2, sender);
	sqlite3_bind_int64(st, 3, since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*from_sender_out = sqlite3_column_int64(st, 0);
		*new_unverified_out = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_set_error(db, err, "cannot count an open consultation's "
		    "senders");
		return false;
	}
	return true;
}
