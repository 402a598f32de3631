/* SPDX-License-Identifier: MIT */
/*
 * `consultd run`: one process that fetches every poll interval, sends
 * the outbox, runs reminder campaigns and digests on their schedules,
 * reloads its configuration on SIGHUP and stops cleanly on SIGTERM.
 */
#ifndef CONSULTD_DAEMON_H
#define CONSULTD_DAEMON_H

#include <glib.h>
#include <stdbool.h>

/*
 * Runs until SIGTERM or SIGINT.  config_path is the resolved config file.
 * Returns false with EX_TEMPFAIL when another `consultd run` holds the
 * database, EX_CONFIG when a server password it needs cannot be read or
 * its file may be read by others (see secret_read()), or the errors of
 * opening the workspace.  A reload (SIGHUP) is refused for the same.
 */
bool daemon_run(const char *config_path, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
