/* SPDX-License-Identifier: MIT */
/*
 * Reading ahead of the filer: two threads read, hash and parse the spool
 * files a few messages ahead, so that on two cores parsing overlaps with
 * filing (the database, the receipts).  Items come out in the order of
 * the names; the threads never touch the database.
 */
#ifndef CONSULTD_READAHEAD_H
#define CONSULTD_READAHEAD_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct extract_result;
struct message;
struct readahead;

/* A consultation's markers, to read answers with (extract_reply()). */
struct readahead_markers {
	int64_t cid;
	struct extract_template *tmpl;	/* its ids and template lines */
};

struct readahead_item {
	/* Too large to read ahead: readahead_read() it when its turn comes. */
	bool deferred;
	/* Set when the file could not be read: its GError, else NULL. */
	GError *read_err;
	/* Read: the bytes its parse holds, the hash of its content and the
	 * parse, or why not parsed. */
	size_t size;
	char *hash;
	struct message *msg;
	GError *parse_err;
	/*
	 * Parsed while markers were expected: the answers read with them,
	 * and the consultation they are of (0 if none).
	 */
	struct extract_result *ext;
	int64_t ext_cid;
};

/*
 * Starts reading folder/NAME for each of names (borrowed: it must outlive
 * the read-ahead), files over max bytes being refused by spool_read(),
 * reading answers with markers expected (or NULL, see readahead_expect()).
 * NULL and EX_TEMPFAIL if the threads cannot be started.
 */
struct readahead *readahead_start(const char *folder, GPtrArray *names,
    size_t max, const struct readahead_markers *expected, GError **err);

/*
 * From the next file on, answers are also read with markers m (borrowed
 * until readahead_stop()), the filer's guess of what the next messages
 * answer: the consultation of the last one.  A wrong guess only costs
 * the filer an extraction of its own.
 */
void readahead_expect(struct readahead *ra,
    const struct readahead_markers *m);

/* The next item, waiting for it if need be; the caller owns it. */
struct readahead_item *readahead_next(struct readahead *ra);

/*
 * Reads, hashes and parses the file at path into item (as the thread
 * does), and reads its answers with markers if not NULL.
 */
void readahead_read(struct readahead_item *item, const char *path,
    size_t max, const struct readahead_markers *markers);

void readahead_item_free(struct readahead_item *item);

/* Stops the threads, wherever they are, and frees what was not taken. */
void readahead_stop(struct readahead *ra);

#endif
