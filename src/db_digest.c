/* SPDX-License-Identifier: MIT */
/*
 * Queries for the digest, the report and the attention list of status.
 * Whole-consultation figures are computed in one pass each (GROUP BY
 * rather than a subquery per participant), since a consultation may have
 * thousands of participants; statements are reset before returning.
 */
#include "db_digest.h"

#include <string.h>

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

void
db_person_free(struct db_person *p)
{
	if (!p)
		return;
	g_free(p->email);
	g_free(p->name);
	g_free(p->stakeholder_group);
	g_free(p->status);
	g_ptr_array_unref(p->bpfs);
	g_free(p);
}

static bool
db_digest_bpfs(struct db *db, int64_t cid, GHashTable *by_id, GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT b.participant_id, b.bpf FROM participant_bpf b"
	    " JOIN participant p ON p.id = b.participant_id"
	    " WHERE p.consultation_id = ? ORDER BY b.participant_id, b.bpf",
	    err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pid = sqlite3_column_int64(st, 0);
		struct db_person *p = g_hash_table_lookup(by_id, &pid);

		if (p)
			g_ptr_array_add(p->bpfs, db_column_dup(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read the participants' BPFs");
		return false;
	}
	return true;
}

GPtrArray *
db_digest_people(struct db *db, int64_t cid, GError **err)
{
	g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)db_person_free);
	g_autoptr(GHashTable) by_id = g_hash_table_new(g_int64_hash,
	    g_int64_equal);
	sqlite3_stmt *st;
	int rc;

	/* Replied, complete: as db_report_status counts them. */
	st = db_stmt(db, "WITH req AS (SELECT count(*) AS n FROM question"
	    "  WHERE consultation_id = ?1 AND optional = 0),"
	    " ans AS (SELECT a.participant_id AS pid,"
	    "  min(a.answered_at) AS first,"
	    "  sum(a.current = 1 AND q.optional = 0) AS answered"
	    "  FROM answer a JOIN question q ON q.id = a.question_id"
	    "  WHERE q.consultation_id = ?1 GROUP BY a.participant_id),"
	    " rep AS (SELECT participant_id AS pid FROM message"
	    "  WHERE consultation_id = ?1 AND kind = 'reply'"
	    "  AND participant_id IS NOT NULL GROUP BY participant_id)"
	    " SELECT p.id, p.email, p.name, p.stakeholder_group, p.status,"
	    "  p.verified,"
	    "  EXISTS (SELECT 1 FROM invitation i"
	    "   WHERE i.participant_id = p.id),"
	    "  (ans.pid IS NOT NULL OR rep.pid IS NOT NULL),"
	    "  coalesce(ans.answered, 0) >= req.n, coalesce(ans.first, 0)"
	    " FROM participant p CROSS JOIN req"
	    " LEFT JOIN ans ON ans.pid = p.id LEFT JOIN rep ON rep.pid = p.id"
	    " WHERE p.consultation_id = ?1 AND p.status != 'withdrawn'"
	    " ORDER BY p.id", err);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, cid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_person *p = g_new0(struct db_person, 1);

		p->id = sqlite3_column_int64(st, 0);
		p->email = db_column_dup(st, 1);
		p->name = db_column_dup(st, 2);
		p->stakeholder_group = db_column_dup(st, 3);
		p->status = db_column_dup(st, 4);
		p->verified = sqlite3_column_int(st, 5) != 0;
		p->invited = sqlite3_column_int(st, 6) != 0;
		p->replied = sqlite3_column_int(st, 7) != 0;
		p->complete = p->replied && sqlite3_column_int(st, 8) != 0;
		p->first_answer = sqlite3_column_int64(st, 9);
		p->bpfs = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(people, p);
		g_hash_table_insert(by_id, &p->id, p);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read the participants");
		return NULL;
	}
	if (!db_digest_bpfs(db, cid, by_id, err))
		return NULL;
	return g_steal_pointer(&people);
}

bool
db_digest_answers(struct db *db, int64_t cid, const struct db_digest_range *r,
    db_digest_answer_fn fn, void *data, GError **err)
{
	struct db_digest_answer a;
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT a.id, a.participant_id, q.qid, a.answer,"
	    " a.answered_at, a.source, a.trust,"
	    " ?2 > 0 AND EXISTS (SELECT 1 FROM answer b"
	    "  WHERE b.participant_id = a.participant_id"
	    "  AND b.question_id = a.question_id AND b.id <= ?2"
	    "  AND b.error IS NULL)"
	    " FROM answer a JOIN participant p ON p.id = a.participant_id"
	    " JOIN question q ON q.id = a.question_id"
	    " WHERE p.consultation_id = ?1 AND a.current = 1"
	    " AND a.id > ?2 AND a.id <= ?3 AND p.status != 'withdrawn'"
	    " ORDER BY q.position, a.participant_id", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, r->after_answer);
	sqlite3_bind_int64(st, 3, r->upto_answer);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(st, 0);
		a.participant_id = sqlite3_column_int64(st, 1);
		a.question = (const char *)sqlite3_column_text(st, 2);
		a.answer = (const char *)sqlite3_column_text(st, 3);
		a.answered_at = sqlite3_column_int64(st, 4);
		a.source = (const char *)sqlite3_column_text(st, 5);
		a.trust = (const char *)sqlite3_column_text(st, 6);
		a.changed = sqlite3_column_int(st, 7) != 0;
		if (!fn(&a, data, err)) {
			sqlite3_reset(st);
			return false;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read answers");
		return false;
	}
	return true;
}

/* Runs a one-row query of int64 columns bound to cid and a range. */
static bool
db_digest_row(struct db *db, const char *sql, int64_t cid, int64_t after,
    int64_t upto, int64_t *cols, int ncols, GError **err)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	int rc, i;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_bind_parameter_count(st) >= 3) {
		sqlite3_bind_int64(st, 2, after);
		sqlite3_bind_int64(st, 3, upto);
	}
	rc = sqlite3_step(st);
	for (i = 0; i < ncols; i++)
		cols[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, i) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_set_error(db, err, "cannot count for the digest");
		return false;
	}
	return true;
}

bool
db_digest_counts(struct db *db, int64_t cid, const struct db_digest_range *r,
    struct db_digest_counts *out, GError **err)
{
	int64_t m[6], a[2], u;

	*out = (struct db_digest_counts){ 0 };
	if (!db_digest_row(db, "SELECT coalesce(sum(kind = 'reply'), 0),"
	    " count(DISTINCT CASE WHEN kind = 'reply' THEN participant_id END),"
	    " coalesce(sum(kind = 'reply' AND late), 0),"
	    " coalesce(sum(kind = 'auto_reply'), 0),"
	    " coalesce(sum(kind = 'bounce'), 0),"
	    " coalesce(sum(kind = 'command'), 0)"
	    " FROM message WHERE consultation_id = ?1 AND id > ?2 AND id <= ?3",
	    cid, r->after_message, r->upto_message, m, 6, err) ||
	    !db_digest_row(db, "SELECT count(*), coalesce(sum(a.error IS NOT"
	    " NULL), 0) FROM answer a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " WHERE p.consultation_id = ?1 AND a.id > ?2 AND a.id <= ?3",
	    cid, r->after_answer, r->upto_answer, a, 2, err) ||
	    !db_digest_row(db, "SELECT count(*) FROM message"
	    " WHERE kind = 'unrelated' AND ?1 = ?1 AND id > ?2 AND id <= ?3",
	    cid, r->after_message, r->upto_message, &u, 1, err))
		return false;
	out->replies = m[0];
	out->repliers = m[1];
	out->late_replies = m[2];
	out->auto_replies = m[3];
	out->bounces = m[4];
	out->commands = m[5];
	out->answers = a[0];
	out->invalid = a[1];
	out->unrelated = u;
	return true;
}

void
db_attention_free(struct db_attention *a)
{
	if (!a)
		return;
	g_free(a->who);
	g_free(a->what);
	g_free(a->detail);
	g_free(a->spool_file);
	g_free(a);
}

/*
 * One query per kind, each giving id, time, who, what, detail, spool
 * file, bound to ?1 cid, ?2..?3 the range and ?4 the limit.
 */
static const struct {
	enum db_attention_kind kind;
	bool answers;		/* ranged by answer rows, else messages */
	const char *sql;
} db_attention_queries[DB_ATTENTION_KINDS] = {
	{ DB_ATTENTION_UNSTRUCTURED, false,
	  "SELECT m.id, m.received_at, coalesce(p.email, m.sender), m.subject,"
	  " m.free_text, m.spool_file FROM message m"
	  " LEFT JOIN participant p ON p.id = m.participant_id"
	  " WHERE m.consultation_id = ?1 AND m.status = 'unstructured'"
	  " AND m.id > ?2 AND m.id <= ?3 ORDER BY m.id LIMIT ?4" },
	{ DB_ATTENTION_UNMATCHED, false,
	  "SELECT m.id, m.received_at, m.sender, m.subject, m.free_text,"
	  " m.spool_file FROM message m"
	  " WHERE m.kind = 'unrelated' AND ?1 = ?1"
	  " AND m.id > ?2 AND m.id <= ?3 ORDER BY m.id LIMIT ?4" },
	{ DB_ATTENTION_INVALID, true,
	  "SELECT a.id, a.answered_at, p.email, q.qid,"
	  " a.error || ' (answer: ' || a.answer || ')', m.spool_file"
	  " FROM answer a JOIN participant p ON p.id = a.participant_id"
	  " JOIN question q ON q.id = a.question_id"
	  " LEFT JOIN message m ON m.id = a.message_id"
	  " WHERE p.consultation_id = ?1 AND a.error IS NOT NULL"
	  " AND a.id > ?2 AND a.id <= ?3 AND p.status != 'withdrawn'"
	  " AND NOT EXISTS (SELECT 1 FROM answer b"
	  "  WHERE b.participant_id = a.participant_id"
	  "  AND b.question_id = a.question_id AND b.id > a.id"
	  "  AND b.error IS NULL)"
	  " ORDER BY a.id LIMIT ?4" },
	{ DB_ATTENTION_LOW_TRUST, false,
	  "SELECT m.id, m.received_at, coalesce(p.email, m.sender), m.subject,"
	  " 'sent by ' || coalesce(m.sender, '?'), m.spool_file FROM message m"
	  " LEFT JOIN participant p ON p.id = m.participant_id"
	  " WHERE m.consultation_id = ?1 AND m.match = 'from'"
	  " AND m.id > ?2 AND m.id <= ?3 ORDER BY m.id LIMIT ?4" },
	/* As db_report_status counts them. */
	{ DB_ATTENTION_FORWARDED, false,
	  "SELECT m.id, m.received_at, p.email, m.subject,"
	  " 'sent by ' || m.sender, m.spool_file FROM message m"
	  " JOIN participant p ON p.id = m.participant_id"
	  " WHERE m.consultation_id = ?1 AND m.kind = 'reply'"
	  " AND m.match NOT IN ('from', 'open')"
	  " AND lower(m.sender) != p.email_key"
	  " AND m.id > ?2 AND m.id <= ?3 ORDER BY m.id LIMIT ?4" },
	{ DB_ATTENTION_BOUNCE, false,
	  "SELECT m.id, m.received_at, coalesce(p.email, m.sender), m.subject,"
	  " p.status, m.spool_file FROM message m"
	  " LEFT JOIN participant p ON p.id = m.participant_id"
	  " WHERE m.consultation_id = ?1 AND m.kind = 'bounce'"
	  " AND m.id > ?2 AND m.id <= ?3 ORDER BY m.id LIMIT ?4" },
	{ DB_ATTENTION_FAILED_SEND, false,
	  "SELECT o.id, coalesce(o.sent_at, o.created_at), o.recipient, o.kind,"
	  " o.last_error, NULL FROM outbox o"
	  " WHERE o.consultation_id = ?1 AND o.status = 'failed'"
	  " AND ?2 = ?2 AND ?3 = ?3 ORDER BY o.id LIMIT ?4" },
};

static bool
db_attention_kind(struct db *db, int64_t cid, const struct db_digest_range *r,
    size_t k, int limit, GPtrArray *out, GError **err)
{
	sqlite3_stmt *st = db_stmt(db, db_attention_queries[k].sql, err);
	int rc;

	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, db_attention_queries[k].answers ?
	    r->after_answer : r->after_message);
	sqlite3_bind_int64(st, 3, db_attention_queries[k].answers ?
	    r->upto_answer : r->upto_message);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_attention *a = g_new0(struct db_attention, 1);

		a->kind = db_attention_queries[k].kind;
		a->id = sqlite3_column_int64(st, 0);
		a->at = sqlite3_column_int64(st, 1);
		a->who = db_column_dup(st, 2);
		a->what = db_column_dup(st, 3);
		a->detail = db_column_dup(st, 4);
		a->spool_file = db_column_dup(st, 5);
		g_ptr_array_add(out, a);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot list what needs attention");
		return false;
	}
	return true;
}

GPtrArray *
db_digest_attention(struct db *db, int64_t cid, const struct db_digest_range *r,
    int limit, GError **err)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)db_attention_free);
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(db_attention_queries); k++)
		if (!db_attention_kind(db, cid, r, k, limit, out, err))
			return NULL;
	return g_steal_pointer(&out);
}

bool
db_digest_facts(struct db *db, int64_t cid, struct db_digest_facts *out,
    GError **err)
{
	int64_t c[1], inv[2], rep[3], ans[3], rem[1];

	*out = (struct db_digest_facts){ 0 };
	if (!db_digest_row(db, "SELECT loaded_at FROM consultation"
	    " WHERE id = ?1", cid, 0, 0, c, 1, err) ||
	    !db_digest_row(db, "SELECT coalesce(min(i.created_at), 0),"
	    " coalesce(max(i.created_at), 0) FROM invitation i"
	    " JOIN participant p ON p.id = i.participant_id"
	    " WHERE p.consultation_id = ?1", cid, 0, 0, inv, 2, err) ||
	    !db_digest_row(db, "SELECT coalesce(min(received_at), 0),"
	    " coalesce(max(received_at), 0), coalesce(sum(late), 0)"
	    " FROM message WHERE consultation_id = ?1 AND kind = 'reply'",
	    cid, 0, 0, rep, 3, err) ||
	    !db_digest_row(db, "SELECT count(*),"
	    " coalesce(sum(a.source = 'interview'), 0),"
	    " coalesce(sum(a.trust = 'from'), 0) FROM answer a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " WHERE p.consultation_id = ?1 AND a.current = 1"
	    " AND p.status != 'withdrawn'", cid, 0, 0, ans, 3, err) ||
	    !db_digest_row(db, "SELECT count(*) FROM outbox"
	    " WHERE consultation_id = ?1 AND kind = 'reminder'", cid, 0, 0,
	    rem, 1, err) ||
	    !db_digest_row(db, "SELECT count(*) FROM answer a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " WHERE p.consultation_id = ?1 AND a.error IS NOT NULL"
	    " AND p.status != 'withdrawn'"
	    " AND NOT EXISTS (SELECT 1 FROM answer b"
	    "  WHERE b.participant_id = a.participant_id"
	    "  AND b.question_id = a.question_id AND b.id > a.id"
	    "  AND b.error IS NULL)", cid, 0, 0, &out->invalid_answers, 1,
	    err))
		return false;
	out->loaded_at = c[0];
	out->first_invited = inv[0];
	out->last_invited = inv[1];
	out->first_reply = rep[0];
	out->last_reply = rep[1];
	out->late_replies = rep[2];
	out->answers = ans[0];
	out->interview_answers = ans[1];
	out->low_trust_answers = ans[2];
	out->reminders = rem[0];
	return true;
}

int
db_digest_last(struct db *db, int64_t cid, struct db_digest_mark *out,
    GError **err)
{
	sqlite3_stmt *st;
	int rc;

	*out = (struct db_digest_mark){ 0 };
	st = db_stmt(db, "SELECT period_end, last_answer_id, last_message_id"
	    " FROM digest WHERE consultation_id = ? ORDER BY id DESC LIMIT 1",
	    err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->period_end = sqlite3_column_int64(st, 0);
		out->answer_id = sqlite3_column_int64(st, 1);
		out->message_id = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot read the previous digest");
		return -1;
	}
	return rc == SQLITE_ROW;
}

bool
db_digest_mark_now(struct db *db, int64_t now, struct db_digest_mark *out,
    GError **err)
{
	int64_t ids[2];

	out->period_end = now;
	if (!db_digest_row(db, "SELECT ?1 * 0 + coalesce((SELECT max(id)"
	    " FROM answer), 0), coalesce((SELECT max(id) FROM message), 0)",
	    0, 0, 0, ids, 2, err))
		return false;
	out->answer_id = ids[0];
	out->message_id = ids[1];
	return true;
}

bool
db_digest_record(struct db *db, int64_t cid, int64_t period_start,
    const struct db_digest_mark *mark, int64_t outbox_id, int64_t now,
    GError **err)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "INSERT INTO digest (consultation_id, period_start,"
	    " period_end, outbox_id, created_at, last_answer_id,"
	    " last_message_id) VALUES (?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, period_start);
	sqlite3_bind_int64(st, 3, mark->period_end);
	db_bind_id(st, 4, outbox_id);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, mark->answer_id);
	sqlite3_bind_int64(st, 7, mark->message_id);
	if (!db_exec_stmt(db, st, err)) {
		g_prefix_error(err, "cannot record the digest: ");
		return false;
	}
	return true;
}

bool
db_digest_outbox_id(struct db *db, const char *message_id, int64_t *id_out,
    GError **err)
{
	sqlite3_stmt *st;
	int rc;

	*id_out = 0;
	st = db_stmt(db, "SELECT id FROM outbox WHERE message_id = ?", err);
	if (!st)
		return false;
	db_bind_text(st, 1, message_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id_out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_error(db, err, "cannot find the digest in the outbox");
		return false;
	}
	return true;
}
