/* SPDX-License-Identifier: MIT */
/*
 * The outbox: every outgoing message is stored here before it is sent,
 * and marked sent only once the sink has taken it (SPEC section 10).
 */
#ifndef CONSULTD_DB_OUTBOX_H
#define CONSULTD_DB_OUTBOX_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

struct outbox_item {
	int64_t id;
	char *message_id;	/* without brackets */
	char *kind;		/* "invitation", "acknowledgement", ... */
	char *recipient;	/* addr-spec */
	int64_t consultation_id;	/* 0: none */
	int64_t participant_id;		/* 0: none */
	char *content;		/* RFC 5322 bytes, CRLF */
	size_t content_len;
	int attempts;
};

void outbox_item_free(struct outbox_item *item);

/*
 * Queues item (id and attempts ignored) in the caller's transaction;
 * *id_out (may be NULL) gets its row id.  EX_DATAERR when a message with
 * the same Message-ID, or a second invitation for the same participant,
 * is already queued.
 */
bool db_outbox_add(struct db *db, const struct outbox_item *item,
    int64_t now, int64_t *id_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Up to limit queued items due at now with an id above after_id, oldest
 * first; newly allocated array of struct outbox_item *.  after_id lets a
 * flush pass over items it deferred without looping on them.
 */
GPtrArray *db_outbox_due(struct db *db, int64_t now, int64_t after_id,
    int limit, GError **err);

/*
 * The VERP envelope sender of participant pid: their reply address
 * (local+TOKEN@domain of the consultation's reply address), newly
 * allocated, or NULL when they have no token.
 */
char *db_outbox_verp(struct db *db, int64_t pid, GError **err);

/*
 * Whether item id is still due at now (queued or unknown, its next
 * attempt reached): another process may have sent it since it was read.
 */
bool db_outbox_is_due(struct db *db, int64_t id, int64_t now, bool *due_out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

bool db_outbox_mark_sent(struct db *db, int64_t id, int64_t now,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Records a failed attempt: permanent ones end as "failed", others stay
 * queued until retry_at.
 */
bool db_outbox_mark_failed(struct db *db, int64_t id, const char *reason,
    bool permanent, int64_t retry_at, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * What participant pid has been mailed: *reminders_out the number of
 * reminders, *last_out the time of the latest invitation or reminder (0
 * if none).
 */
bool db_outbox_contacts(struct db *db, int64_t pid, int64_t *reminders_out,
    int64_t *last_out, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
