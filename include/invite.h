/* SPDX-License-Identifier: MIT */
/*
 * Invitations: a token per participant, the invitation rendered from the
 * consultation's template and queued in the outbox in the same
 * transaction, then the outbox flushed.  Participants already invited are
 * never invited again.
 */
#ifndef CONSULTD_INVITE_H
#define CONSULTD_INVITE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct db;

struct invite_result {
	int64_t queued;
	int64_t sent;
	GPtrArray *would_invite;	/* char *, addresses (dry run) */
};

void invite_result_init(struct invite_result *res);
void invite_result_release(struct invite_result *res);

/*
 * Invites the active, not yet invited participants of consultation name.
 * With dry_run, only lists them.  EX_NOINPUT for an unknown consultation,
 * EX_CONFIG for a template that does not render.
 */
bool invite_run(struct db *db, const struct config *cfg, const char *name,
    bool dry_run, int64_t now, struct invite_result *res, GError **err)
    G_GNUC_WARN_UNUSED_RESULT;

#endif
