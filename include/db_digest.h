/* SPDX-License-Identifier: MIT */
/*
 * The read queries behind the digest, the report and status's list of
 * what needs attention, and the digest table.  A digest covers the
 * answer and message rows after the previous digest's marks up to its
 * own; rows are numbered in filing order, so consecutive digests neither
 * miss nor repeat one.
 */
#ifndef CONSULTD_DB_DIGEST_H
#define CONSULTD_DB_DIGEST_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* A participant as the digest and report see them. */
struct db_person {
	int64_t id;
	char *email;
	char *name;		/* NULL when unknown */
	char *stakeholder_group;	/* NULL when unknown */
	char *status;		/* "active", "bounced", "opted_out" */
	GPtrArray *bpfs;	/* char *, sorted; empty when none */
	bool verified;		/* false: an open consultation's
				   unconfirmed sender (SPEC 6) */
	bool invited;
	bool replied;		/* a reply or an answer on record */
	bool complete;		/* every required question answered */
	int64_t first_answer;	/* Unix seconds, 0 if none */
};

void db_person_free(struct db_person *p);

/*
 * The participants of consultation cid, withdrawn ones left out, in id
 * order.  Newly allocated array of struct db_person * (frees them).
 */
GPtrArray *db_digest_people(struct db *db, int64_t cid, GError **err);

/* Row ranges: rows with after < id <= upto. */
struct db_digest_range {
	int64_t after_answer;
	int64_t upto_answer;
	int64_t after_message;
	int64_t upto_message;
};

/* The range of every row: what a report or status covers. */
#define DB_DIGEST_RANGE_ALL \
	((struct db_digest_range){ 0, INT64_MAX, 0, INT64_MAX })

/* One current answer; the strings are borrowed for the callback only. */
struct db_digest_answer {
	int64_t id;
	int64_t participant_id;
	const char *question;	/* "Q1" */
	const char *answer;
	int64_t answered_at;
	const char *source;	/* "mail" or "interview" */
	const char *trust;	/* "token" or "from" */
	bool changed;		/* replaces an answer accepted before the
				   range (after_answer > 0 only) */
};

typedef bool (*db_digest_answer_fn)(const struct db_digest_answer *a,
    void *data, GError **err);

/*
 * Calls fn for every current answer of consultation cid whose row lies in
 * the answer range of r, by question order then participant id; answers
 * of withdrawn participants are left out.  fn returning false stops with
 * its error.
 */
bool db_digest_answers(struct db *db, int64_t cid,
    const struct db_digest_range *r, db_digest_answer_fn fn, void *data,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* Incoming mail of a period. */
struct db_digest_counts {
	int64_t replies;
	int64_t repliers;	/* distinct participants who replied */
	int64_t late_replies;	/* after the deadline or the close */
	int64_t auto_replies;
	int64_t bounces;
	int64_t commands;
	int64_t unrelated;	/* mailbox-wide: no consultation */
	int64_t answers;	/* answer rows filed, valid or not */
	int64_t invalid;	/* of which refused by validation */
};

/* Counts the messages and answers of consultation cid in r. */
bool db_digest_counts(struct db *db, int64_t cid,
    const struct db_digest_range *r, struct db_digest_counts *out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

enum db_attention_kind {
	DB_ATTENTION_UNSTRUCTURED,	/* a reply without markers */
	DB_ATTENTION_UNMATCHED,		/* mail from an unknown sender */
	DB_ATTENTION_INVALID,		/* an answer refused, not fixed */
	DB_ATTENTION_LOW_TRUST,		/* matched by From only */
	DB_ATTENTION_FORWARDED,		/* a token, another sender */
	DB_ATTENTION_BOUNCE,		/* a participant's address failed */
	DB_ATTENTION_FAILED_SEND,	/* outgoing mail failed for good */
};

#define DB_ATTENTION_KINDS 7

/* Something a person should look at. */
struct db_attention {
	enum db_attention_kind kind;
	int64_t id;		/* message, answer or outbox row */
	int64_t at;		/* Unix seconds */
	char *who;		/* participant or sender address, recipient */
	char *what;		/* subject, question ID or outbox kind */
	char *detail;		/* free text, error; may be NULL */
	char *spool_file;	/* the raw message, or NULL */
};

void db_attention_free(struct db_attention *a);

/*
 * What needs attention in consultation cid within r, by kind then filing
 * order, at most limit items of each kind (limit <= 0: all).  Failed
 * sends are not bounded by r (they fail after they were queued): every
 * failed send of the consultation counts.  Newly allocated array of
 * struct db_attention * (frees them).
 */
GPtrArray *db_digest_attention(struct db *db, int64_t cid,
    const struct db_digest_range *r, int limit, GError **err);

/* Dates and provenance for a report's methodology. */
struct db_digest_facts {
	int64_t loaded_at;	/* the definition's last load */
	int64_t first_invited;	/* 0 when none */
	int64_t last_invited;
	int64_t first_reply;	/* received, 0 when none */
	int64_t last_reply;
	int64_t answers;	/* current answers */
	int64_t interview_answers;	/* recorded on someone's behalf */
	int64_t low_trust_answers;	/* matched by From only */
	int64_t invalid_answers;	/* refused, never fixed */
	int64_t late_replies;
	int64_t reminders;	/* reminder messages queued */
};

bool db_digest_facts(struct db *db, int64_t cid,
    struct db_digest_facts *out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/* Where a digest ended. */
struct db_digest_mark {
	int64_t period_end;	/* Unix seconds */
	int64_t answer_id;	/* the last answer row covered */
	int64_t message_id;	/* the last message row covered */
};

/*
 * The mark of the latest digest of consultation cid: 1 found, 0 none
 * (*out zeroed), -1 error.
 */
int db_digest_last(struct db *db, int64_t cid, struct db_digest_mark *out,
    GError **err);

/*
 * The current end of the answer and message tables, with period_end set
 * to now: where a digest made now ends.  Call it in the transaction that
 * records the digest.
 */
bool db_digest_mark_now(struct db *db, int64_t now,
    struct db_digest_mark *out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Records a digest of consultation cid over period_start..mark, sent as
 * outbox row outbox_id (0: none), in the caller's transaction.
 */
bool db_digest_record(struct db *db, int64_t cid, int64_t period_start,
    const struct db_digest_mark *mark, int64_t outbox_id, int64_t now,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The id of the outbox row holding Message-ID message_id (no brackets)
 * in *id_out, 0 if there is none.
 */
bool db_digest_outbox_id(struct db *db, const char *message_id,
    int64_t *id_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
