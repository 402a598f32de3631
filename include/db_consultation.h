/* SPDX-License-Identifier: MIT */
/* Consultations, their questions and message templates in the database. */
#ifndef CONSULTD_DB_CONSULTATION_H
#define CONSULTD_DB_CONSULTATION_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct definition;

/*
 * Stores def, inserting or updating the consultation, its questions (by
 * ID) and templates, in one transaction.  A question that is no longer in
 * def is deleted when it has no answers; with answers it is refused with
 * EX_DATAERR naming the question and its answer count.  *created_out
 * tells whether the consultation is new.
 */
bool db_consultation_store(struct db *db, const struct definition *def,
    int64_t now, int64_t *id_out, bool *created_out, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

/*
 * The stored definition of consultation name, newly allocated, with its
 * id in *id_out.  EX_NOINPUT when there is no such consultation.
 */
struct definition *db_consultation_load(struct db *db, const char *name,
    int64_t *id_out, GError **err);

/*
 * Closes consultation name at now: 1 closed, 0 it was closed already, -1
 * error.  The caller checks that it exists.
 */
int db_consultation_close(struct db *db, const char *name, int64_t now,
    GError **err);

/* The name of consultation cid, newly allocated; EX_NOINPUT if none. */
char *db_consultation_name(struct db *db, int64_t cid, GError **err);

/* Ids of the open consultations that are not closed; newly allocated
 * array of int64_t. */
GArray *db_consultation_open_ids(struct db *db, GError **err);

/* Names of every consultation, in load order; newly allocated. */
GPtrArray *db_consultation_names(struct db *db, GError **err);

#endif
