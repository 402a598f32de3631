/* SPDX-License-Identifier: MIT */
/* Participants of a consultation, their BPFs, attributes and invitations. */
#ifndef CONSULTD_DB_PARTICIPANT_H
#define CONSULTD_DB_PARTICIPANT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

struct participant {
	int64_t id;
	char *email;		/* as given, domain lowercased */
	char *email_key;	/* the dedupe key */
	char *name;		/* all optional: NULL when unknown */
	char *stakeholder_group;
	char *role;
	char *language;
	char *status;		/* "active", "bounced", ... (read only) */
	GPtrArray *bpfs;	/* char * */
	GPtrArray *attrs;	/* char *, key and value alternating */
	char *token;		/* invitation token, or NULL (read only) */
	bool unverified;	/* registered by an open consultation, address
				   not yet confirmed (set on insert only) */
};

struct participant *participant_new(void);
void participant_free(struct participant *p);

/*
 * Inserts or updates (by email_key) a participant of consultation cid;
 * fields that are NULL keep their stored value, BPFs and attributes given
 * are merged in.  Runs inside the caller's transaction.  *created_out
 * tells whether the row is new.
 */
bool db_participant_upsert(struct db *db, int64_t cid,
    const struct participant *p, int64_t now, bool *created_out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Every participant of consultation cid, in id order, with BPFs and token;
 * when uninvited_only, only active ones without an invitation.  Newly
 * allocated array of struct participant *.
 */
GPtrArray *db_participant_list(struct db *db, int64_t cid,
    bool uninvited_only, GError **err);

/*
 * The participant of consultation cid with that address key: 1 found
 * (*id_out set), 0 none, -1 error.
 */
int db_participant_find(struct db *db, int64_t cid, const char *email_key,
    int64_t *id_out, GError **err);

/* Records the invitation token of participant pid (caller's transaction). */
bool db_invitation_add(struct db *db, int64_t pid, const char *token,
    int64_t now, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Who holds token: 1 found (*pid_out, *cid_out set), 0 unknown, -1 error.
 */
int db_invitation_lookup(struct db *db, const char *token, int64_t *pid_out,
    int64_t *cid_out, GError **err);

/*
 * Participants with that address key in any consultation, for replies
 * that carry no token: 1 exactly one (*pid_out, *cid_out set), 0 none or
 * ambiguous, -1 error.
 */
int db_participant_find_any(struct db *db, const char *email_key,
    int64_t *pid_out, int64_t *cid_out, GError **err);

/*
 * Participant pid with BPFs and token, newly allocated; EX_NOINPUT if
 * there is none.
 */
struct participant *db_participant_get(struct db *db, int64_t pid,
    GError **err);

/*
 * The current answers of participant pid: a new table of question ID ->
 * answer text.
 */
GHashTable *db_participant_answers(struct db *db, int64_t pid, GError **err);

/*
 * Withdraws participant pid (caller's transaction): status "withdrawn",
 * the text of every answer and reply erased; the rows stay as the record
 * that they answered and withdrew.
 */
bool db_participant_withdraw(struct db *db, int64_t pid, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * Marks participant pid's address confirmed, and their answers ordinary
 * (trust "token"): 1 it was not confirmed, 0 already, -1 error.
 */
int db_participant_verify(struct db *db, int64_t pid, GError **err);

/*
 * Messages from sender (address key) for consultation cid received since
 * since, and unverified participants of cid created since since: the
 * figures that keep bulk senders out of an open consultation.
 */
bool db_participant_open_counts(struct db *db, int64_t cid,
    const char *sender, int64_t since, int64_t *from_sender_out,
    int64_t *new_unverified_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Sets the status ("active", "bounced", "opted_out", "withdrawn") of
 * participant pid (caller's transaction).
 */
bool db_participant_set_status(struct db *db, int64_t pid,
    const char *status, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
