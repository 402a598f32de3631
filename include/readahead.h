/* SPDX-License-Identifier: MIT */
/*
 * Reading ahead of the filer: a second thread reads, hashes and parses
 * the spool files a few messages ahead, so that on two cores parsing
 * overlaps with filing (the database, the receipts).  Items come out in
 * the order of the names; the thread never touches the database.
 */
#ifndef CONSULTD_READAHEAD_H
#define CONSULTD_READAHEAD_H

#include <glib.h>
#include <stddef.h>

struct message;
struct readahead;

struct readahead_item {
	/* Set when the file could not be read: its GError, else NULL. */
	GError *read_err;
	/* Read: the hash of its content and the parse, or why not parsed. */
	char *hash;
	struct message *msg;
	GError *parse_err;
};

/*
 * Starts reading folder/NAME for each of names (borrowed: it must outlive
 * the read-ahead), files over max bytes being refused by spool_read().
 */
struct readahead *readahead_start(const char *folder, GPtrArray *names,
    size_t max);

/* The next item, waiting for it if need be; the caller owns it. */
struct readahead_item *readahead_next(struct readahead *ra);

void readahead_item_free(struct readahead_item *item);

/* Stops the thread, wherever it is, and frees what was not taken. */
void readahead_stop(struct readahead *ra);

#endif
