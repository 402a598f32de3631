/* SPDX-License-Identifier: MIT */
/* Read-only queries behind status and export. */
#ifndef CONSULTD_DB_REPORT_H
#define CONSULTD_DB_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

struct db_status {
	int64_t participants;
	int64_t invited;
	int64_t complete;	/* every required question answered */
	int64_t partial;
	int64_t not_replied;	/* invited, no answer yet */
	int64_t bounced;
	int64_t opted_out;
	int64_t messages_reply;
	int64_t messages_auto_reply;
	int64_t messages_bounce;
	int64_t messages_command;
	int64_t messages_unrelated;	/* across the mailbox: no
					   consultation */
	int64_t unstructured;	/* replies without markers, for triage */
	int64_t invalid_answers;	/* failed validation, not yet fixed */
	int64_t low_trust;	/* replies matched by From only */
	int64_t forwarded;	/* replies with a token, sent from another
				   address than the invitee's */
	int64_t unverified;	/* open consultation senders not confirmed
				   yet: counted apart from the above */
	int64_t late;		/* replies after the deadline or close */
	int64_t held;		/* held for review (flood limits) */
	int64_t failed_sends;
	int64_t queued_sends;
	int64_t last_activity;	/* Unix seconds, 0 if none */
};

bool db_report_status(struct db *db, int64_t cid, struct db_status *out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

struct db_answer_view {
	int64_t participant_id;
	const char *email;
	const char *question;	/* "Q1" */
	const char *answer;
	int64_t answered_at;
	const char *message_id;	/* Message-ID of the reply, or NULL */
	const char *source;	/* "mail" or "interview" */
};

typedef bool (*db_answer_fn)(const struct db_answer_view *view, void *data,
    GError **err);

/*
 * Calls fn for every current answer of consultation cid, by participant id
 * then question order.  The view's strings are borrowed for the call only.
 */
bool db_report_answers(struct db *db, int64_t cid, db_answer_fn fn,
    void *data, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
