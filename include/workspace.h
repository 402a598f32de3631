/* SPDX-License-Identifier: MIT */
/*
 * A workspace is a configuration plus what it names: the database and the
 * spool.  Commands open one; `init` makes one.
 */
#ifndef CONSULTD_WORKSPACE_H
#define CONSULTD_WORKSPACE_H

#include <glib.h>
#include <stdbool.h>

struct config;
struct db;

struct workspace {
	struct config *cfg;
	struct db *db;
};

/*
 * Finds and loads the configuration (config_find order), makes sure the
 * spool exists and opens (migrating) the database.  Errors as config_load,
 * spool_init and db_open give them.
 */
bool workspace_open(struct workspace *ws, const char *config_path,
    GError **err) G_GNUC_WARN_UNUSED_RESULT;
void workspace_close(struct workspace *ws);

/*
 * Makes a workspace in dir (created if needed): consultd.conf (kept if
 * present), the spool and the database (migrated if present).
 * *created_out tells whether the configuration was written.
 */
bool workspace_init(const char *dir, bool *created_out, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
