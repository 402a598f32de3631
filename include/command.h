/* SPDX-License-Identifier: MIT */
/*
 * Coordinators' commands by mail (SPEC section 8): "REMIND NAME" or
 * "STATUS NAME" as the subject or first line, from a configured
 * coordinator whose message is authenticated by the command secret or by
 * a DKIM/SPF pass that the trusted receiving host recorded.  Filing marks
 * a command pending; command_run_pending() carries it out and mails the
 * result back.
 */
#ifndef CONSULTD_COMMAND_H
#define CONSULTD_COMMAND_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct db;
struct message;

enum command_verb {
	COMMAND_NONE,
	COMMAND_REMIND,
	COMMAND_STATUS,
};

/*
 * The command msg asks for, if any: *name_out gets the consultation name
 * (newly allocated).  Says nothing about whether it may run.
 */
enum command_verb command_parse(const struct message *msg, char **name_out);

/*
 * Whether msg may run a command: its sender is a coordinator and it is
 * authenticated.  When not, *why_out (newly allocated) says why, for the
 * log.  A secret file that cannot be read counts as no secret (logged).
 */
bool command_authorized(const struct config *cfg, const struct message *msg,
    char **why_out);

/* "REMIND NAME": the text stored with a pending command.  Newly allocated. */
char *command_text(enum command_verb verb, const char *name);

/*
 * Carries out every pending command: runs it, queues the result mailed
 * back to the coordinator and marks it done, each in its own step, so a
 * crash repeats at most a reminder campaign (which never doubles).
 */
bool command_run_pending(struct db *db, const struct config *cfg,
    int64_t now, GError **err) G_GNUC_WARN_UNUSED_RESULT;

#endif
