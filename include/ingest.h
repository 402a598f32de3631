/* SPDX-License-Identifier: MIT */
/*
 * Filing incoming mail: every message reaches spool/inbox/new first, is
 * parsed, classified, matched to a participant and filed in one
 * transaction, and only then moved to cur/.  Message-ID and content hash
 * make a second filing of the same message impossible.
 */
#ifndef CONSULTD_INGEST_H
#define CONSULTD_INGEST_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct db;

struct ingest_result {
	int64_t filed;		/* new messages filed, all kinds */
	int64_t duplicates;	/* already filed: set aside */
	int64_t replies;	/* with at least one answer */
	int64_t unstructured;	/* replies without markers */
	int64_t unrelated;
	int64_t auto_replies;
	int64_t bounces;
	int64_t commands;	/* coordinators' commands, to be run */
	int64_t answers;	/* answers filed */
	int64_t invalid;	/* answers that failed validation */
	int64_t sent;		/* receipts written to spool/outbox */
};

/*
 * Copies the given .eml files and Maildir folders (their new/ and cur/
 * only) into spool/inbox/new, then files everything waiting there.
 * EX_NOINPUT for a path that is neither; the files named before it are
 * already safe in the spool.
 */
bool ingest_paths(struct db *db, const struct config *cfg,
    const char *const *paths, int64_t now, struct ingest_result *res,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Files every message in spool/inbox/new, oldest first.  Stops at the
 * first failure that is not the message's fault (database, disk):
 * EX_TEMPFAIL / EX_IOERR, with the messages before it filed and the rest
 * left in new/ for the next run.
 */
bool ingest_spool(struct db *db, const struct config *cfg, int64_t now,
    struct ingest_result *res, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
