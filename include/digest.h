/* SPDX-License-Identifier: MIT */
/*
 * The digest for the Secretariat (SPEC section 11): for each consultation,
 * what came in since its previous digest, the response rates, the rating
 * tables and what needs attention, as plain text and mail-safe HTML with
 * the full CSV export attached, queued in the outbox in the transaction
 * that records where the period ended.  Scheduling is the daemon's.
 */
#ifndef CONSULTD_DIGEST_H
#define CONSULTD_DIGEST_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct db;

/* One consultation's digest. */
struct digest {
	char *consultation;	/* name */
	char *from_addr;	/* its reply address, the From when [smtp]
				   from is not set */
	int64_t cid;
	int64_t period_start;	/* Unix seconds; 0: since the start */
	int64_t period_end;	/* now */
	int64_t after_answer;	/* rows covered: after < id <= upto */
	int64_t upto_answer;
	int64_t after_message;
	int64_t upto_message;
	bool closed;		/* closed before the period began: nothing
				   to tell, no digest is sent */
	char *subject;
	char *text;		/* UTF-8, LF */
	char *html;		/* a whole document, inline CSS only */
	char *csv;		/* the wide export */
	size_t csv_len;
	char *csv_name;		/* "NAME-YYYY-MM-DD.csv" */
};

/*
 * Builds the digest of consultation name for the period from its previous
 * digest (or the beginning) to now, inside the caller's transaction: a
 * read transaction to look, the write transaction of digest_record() to
 * send.  cfg (borrowed, may be NULL) gives the spool folder named in
 * commands to run.  Returns a new digest, or NULL with EX_NOINPUT for an
 * unknown consultation, EX_IOERR for a database error.
 */
struct digest *digest_build(struct db *db, const struct config *cfg,
    const char *name, int64_t now, GError **err);
void digest_free(struct digest *d);

/*
 * Composes d as a multipart/alternative message (text, HTML) with the
 * CSV attached, from [smtp] from (else the consultation's reply address)
 * to `to`.  cfg may be NULL.  The caller has called g_mime_init().
 * Returns the RFC 5322 bytes, newly allocated, with *len_out and, if not
 * NULL, *message_id_out (newly allocated, no brackets); NULL with
 * EX_DATAERR for an unusable address.
 */
char *digest_compose(const struct digest *d, const struct config *cfg,
    const char *to, int64_t now, size_t *len_out, char **message_id_out,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

struct digest_result {
	int64_t digests;	/* built (and, unless a dry run, recorded) */
	int64_t queued;		/* messages queued, one per recipient */
	int64_t sent;		/* outbox messages sent by the flush */
	GString *output;	/* dry run: the whole messages, one after
				   the other */
};

void digest_result_init(struct digest_result *res);
void digest_result_release(struct digest_result *res);

/*
 * Makes the digest of consultation name, or of every consultation when
 * name is NULL, for the recipients in `to` (commas, semicolons or spaces
 * between addresses) or else [digest] to.  Each digest is queued in the
 * outbox, one message per recipient, and recorded in the same
 * transaction, so the next one starts where it ended; then the outbox is
 * flushed.  dry_run appends the messages to res->output and records and
 * sends nothing.  EX_CONFIG when there is no recipient, EX_DATAERR for an
 * invalid address, EX_NOINPUT for an unknown consultation, EX_TEMPFAIL
 * when the database stays locked; flush errors as outbox_flush().
 */
bool digest_run(struct db *db, const struct config *cfg, const char *name,
    const char *to, bool dry_run, int64_t now, struct digest_result *res,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
