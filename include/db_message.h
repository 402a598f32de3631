/* SPDX-License-Identifier: MIT */
/*
 * Filed incoming messages and the answers they carry.  The unique keys
 * (Message-ID, content hash) are what makes filing exactly-once; answer
 * rows are never updated in place, so every answer keeps its history.
 */
#ifndef CONSULTD_DB_MESSAGE_H
#define CONSULTD_DB_MESSAGE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct message_attachment;

struct db_message_row {
	const char *message_id;	/* without brackets, or NULL */
	const char *content_hash;
	const char *spool_file;
	const char *kind;	/* "reply", "auto_reply", ... */
	const char *status;	/* "filed", "unstructured", "unmatched", ... */
	int64_t consultation_id;	/* 0: none */
	int64_t participant_id;		/* 0: none */
	const char *match;	/* "address", "reference", "ref_line",
				   "from", or NULL */
	const char *sender;
	const char *subject;
	const char *free_text;
	bool late;
	int64_t sent_at;
	int64_t received_at;
};

/*
 * Whether a message with this content hash, or this Message-ID (if not
 * NULL), is already filed: 1 the same content, 2 only the Message-ID
 * (different content), 0 no, -1 error.  When filed, *spool_file_out (if
 * not NULL) gets the spool file recorded for it, newly allocated or NULL.
 */
int db_message_seen(struct db *db, const char *message_id, const char *hash,
    char **spool_file_out, GError **err);

/*
 * The consultation of the last message filed with one, 0 if none, -1 on
 * error.
 */
int64_t db_message_last_consultation(struct db *db, GError **err);

/* Inserts a message row (caller's transaction); *id_out gets its id. */
bool db_message_add(struct db *db, const struct db_message_row *row,
    int64_t *id_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

bool db_message_add_warning(struct db *db, int64_t mid, const char *text,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

bool db_message_add_attachment(struct db *db, int64_t mid,
    const struct message_attachment *att, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

struct db_command_row {
	int64_t id;		/* message row */
	char *message_id;	/* the coordinator's message, or NULL */
	char *sender;
	char *subject;
	char *text;		/* "REMIND NAME" */
};

void db_command_row_free(struct db_command_row *row);

/* Command messages not yet carried out, oldest first; newly allocated. */
GPtrArray *db_message_pending_commands(struct db *db, GError **err);

/* Sets the status of message row mid ("done", "failed", ...). */
bool db_message_set_status(struct db *db, int64_t mid, const char *status,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

struct db_answer_row {
	int64_t participant_id;
	int64_t consultation_id;
	const char *question;	/* "Q1" */
	int64_t question_row;	/* its row (db_question_row()), or 0 */
	int64_t message_id;	/* 0 for interview notes */
	const char *source;	/* "mail" or "interview" */
	const char *recorded_by;	/* or NULL */
	const char *answer;
	const char *error;	/* validation error, or NULL */
	const char *trust;	/* "token" or "from" */
	int64_t answered_at;
};

/*
 * Adds an answer (caller's transaction).  A valid answer becomes the
 * current one for its question, except that a low-trust ("from") answer
 * never replaces an existing answer, it only fills a gap; an invalid one
 * is kept with its error and leaves the current answer as it was.
 * EX_DATAERR when the question does not exist.
 */
bool db_answer_add(struct db *db, const struct db_answer_row *row,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Whether row->answer reads exactly as the latest answer filed from
 * interview notes for the same participant and question, whatever has
 * been filed since: 1 yes, 0 no (or none yet), -1 on error (EX_DATAERR
 * when the question does not exist).  Lets record file the same notes
 * once however often it runs.
 */
int db_answer_interview_same(struct db *db, const struct db_answer_row *row,
    GError **err);

/*
 * The row id of question qid ("Q1") of consultation cid, or -1 with
 * EX_DATAERR when it has none (or a database error).
 */
int64_t db_question_row(struct db *db, int64_t cid, const char *qid,
    GError **err);

#endif
