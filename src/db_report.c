/* SPDX-License-Identifier: MIT */
/*
 * The counts and answer listings that status and export show.  Queries
 * only: a reader never holds a statement open past its function, so WAL
 * checkpoints are not starved.
 */
#include "db_report.h"

#include "consultd.h"
#include "db_private.h"

#include "banned.h"

static bool
db_count(struct db *db, const char *sql, int64_t cid, int64_t *out,
    GError **err)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	int rc;

	if (!st)
		return false;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, cid);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_set_error(db, err, "cannot count for status");
		return false;
	}
	return true;
}

/*
 * Every participant counts once: complete (replied, every required
 * question answered), partial (replied, some missing; also a reply whose
 * answers were all refused), or not replied yet.
 */
static bool
db_reply_counts(struct db *db, int64_t cid, struct db_status *s,
    GError **err)
{
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "WITH req AS (SELECT count(*) AS n FROM question"
	    "  WHERE consultation_id = ?1 AND optional = 0),"
	    " per AS (SELECT p.status, p.verified,"
	    "  EXISTS (SELECT 1 FROM invitation i"
	    "   WHERE i.participant_id = p.id) AS invited,"
	    "  (EXISTS (SELECT 1 FROM message m WHERE m.participant_id = p.id"
	    "    AND m.kind = 'reply') OR EXISTS (SELECT 1 FROM answer a"
	    "    WHERE a.participant_id = p.id)) AS replied,"
	    "  (SELECT count(*) FROM answer a JOIN question q"
	    "   ON q.id = a.question_id WHERE a.participant_id = p.id"
	    "   AND a.current = 1 AND q.optional = 0) AS answered"
	    "  FROM participant p WHERE p.consultation_id = ?1"
	    "  AND p.status != 'withdrawn')"
	    " SELECT coalesce(sum(verified AND replied AND answered >= req.n),"
	    "  0), coalesce(sum(verified AND replied AND answered < req.n), 0),"
	    "  coalesce(sum(NOT replied AND invited AND status = 'active'"
	    "  AND verified), 0), coalesce(sum(NOT verified), 0)"
	    " FROM per, req", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->complete = sqlite3_column_int64(st, 0);
		s->partial = sqlite3_column_int64(st, 1);
		s->not_replied = sqlite3_column_int64(st, 2);
		s->unverified = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_set_error(db, err, "cannot count replies for status");
		return false;
	}
	return true;
}

/*
 * Forwarded: a reply matched by a token but sent from another address
 * than the invitee's (SPEC 5), filed for the invitee with its sender.
 * lower() folds ASCII only where email_key folds all of UTF-8, so an
 * address that differs from the invitee's only in the case of a
 * non-ASCII letter is listed too: shown once too often, never hidden.
 * db_digest.c lists them with the same test.
 */
bool
db_report_status(struct db *db, int64_t cid, struct db_status *s,
    GError **err)
{
	*s = (struct db_status){ 0 };
	return db_count(db, "SELECT count(*) FROM participant"
	    " WHERE consultation_id = ?", cid, &s->participants, err) &&
	    db_count(db, "SELECT count(*) FROM invitation i JOIN participant p"
	    " ON p.id = i.participant_id WHERE p.consultation_id = ?", cid,
	    &s->invited, err) &&
	    db_reply_counts(db, cid, s, err) &&
	    db_count(db, "SELECT count(*) FROM participant"
	    " WHERE consultation_id = ? AND status = 'bounced'", cid,
	    &s->bounced, err) &&
	    db_count(db, "SELECT count(*) FROM participant"
	    " WHERE consultation_id = ? AND status = 'opted_out'", cid,
	    &s->opted_out, err) &&
	    db_count(db, "SELECT count(*) FROM message WHERE kind = 'reply'"
	    " AND consultation_id = ?", cid, &s->messages_reply, err) &&
	    db_count(db, "SELECT count(*) FROM message"
	    " WHERE kind = 'auto_reply' AND consultation_id = ?", cid,
	    &s->messages_auto_reply, err) &&
	    db_count(db, "SELECT count(*) FROM message WHERE kind = 'bounce'"
	    " AND consultation_id = ?", cid, &s->messages_bounce, err) &&
	    db_count(db, "SELECT count(*) FROM message WHERE kind = 'command'"
	    " AND consultation_id = ?", cid, &s->messages_command, err) &&
	    db_count(db, "SELECT count(*) FROM message"
	    " WHERE kind = 'unrelated'", 0, &s->messages_unrelated, err) &&
	    db_count(db, "SELECT count(*) FROM message"
	    " WHERE status = 'unstructured' AND consultation_id = ?", cid,
	    &s->unstructured, err) &&
	    db_count(db, "SELECT count(*) FROM answer a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " WHERE p.consultation_id = ? AND a.error IS NOT NULL"
	    " AND NOT EXISTS (SELECT 1 FROM answer b"
	    "  WHERE b.participant_id = a.participant_id"
	    "  AND b.question_id = a.question_id AND b.current = 1"
	    "  AND b.id > a.id)", cid, &s->invalid_answers, err) &&
	    db_count(db, "SELECT count(*) FROM message WHERE match = 'from'"
	    " AND consultation_id = ?", cid, &s->low_trust, err) &&
	    db_count(db, "SELECT count(*) FROM message m"
	    " JOIN participant p ON p.id = m.participant_id"
	    " WHERE m.consultation_id = ? AND m.kind = 'reply'"
	    " AND m.match NOT IN ('from', 'open')"
	    " AND lower(m.sender) != p.email_key", cid, &s->forwarded, err) &&
	    db_count(db, "SELECT count(*) FROM message WHERE late = 1"
	    " AND kind = 'reply' AND consultation_id = ?", cid, &s->late,
	    err) &&
	    db_count(db, "SELECT count(*) FROM message WHERE status = 'held'"
	    " AND consultation_id = ?", cid, &s->held, err) &&
	    db_count(db, "SELECT count(*) FROM outbox WHERE status = 'failed'"
	    " AND consultation_id = ?", cid, &s->failed_sends, err) &&
	    db_count(db, "SELECT count(*) FROM outbox WHERE status IN"
	    " ('queued', 'unknown') AND consultation_id = ?", cid,
	    &s->queued_sends, err) &&
	    db_count(db, "SELECT coalesce(max(received_at), 0) FROM message"
	    " WHERE consultation_id = ?", cid, &s->last_activity, err);
}

bool
db_report_answers(struct db *db, int64_t cid, db_answer_fn fn, void *data,
    GError **err)
{
	struct db_answer_view v;
	sqlite3_stmt *st;
	int rc;

	st = db_stmt(db, "SELECT p.id, p.email, q.qid, a.answer,"
	    " a.answered_at, m.message_id, a.source FROM answer a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " JOIN question q ON q.id = a.question_id"
	    " LEFT JOIN message m ON m.id = a.message_id"
	    " WHERE p.consultation_id = ? AND a.current = 1"
	    " AND p.status != 'withdrawn'"
	    " ORDER BY p.id, q.position", err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, cid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v.participant_id = sqlite3_column_int64(st, 0);
		v.email = (const char *)sqlite3_column_text(st, 1);
		v.question = (const char *)sqlite3_column_text(st, 2);
		v.answer = (const char *)sqlite3_column_text(st, 3);
		v.answered_at = sqlite3_column_int64(st, 4);
		v.message_id = (const char *)sqlite3_column_text(st, 5);
		v.source = (const char *)sqlite3_column_text(st, 6);
		if (!fn(&v, data, err)) {
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
