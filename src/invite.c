/* SPDX-License-Identifier: MIT */
/*
 * Building and queueing invitations.  The token, the invitation row and
 * the outbox row are written in one transaction per participant: a crash
 * leaves each participant either fully invited or not at all.
 */
#include "invite.h"

#include <string.h>

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "definition.h"
#include "letter.h"
#include "outbox.h"
#include "token.h"

#include "banned.h"

void
invite_result_init(struct invite_result *res)
{
	*res = (struct invite_result){ 0 };
	res->would_invite = g_ptr_array_new_with_free_func(g_free);
}

void
invite_result_release(struct invite_result *res)
{
	g_clear_pointer(&res->would_invite, g_ptr_array_unref);
}

/*
 * Invitations are queued this many to a transaction: a durable commit
 * costs more than building a hundred messages (bench/smtp/).
 */
#define INVITE_BATCH 100

/* Token, invitation row and outbox row, inside the caller's transaction. */
static bool
invite_one(struct db *db, const struct config *cfg,
    const struct definition *def, int64_t cid, const struct participant *p,
    int64_t now, GError **err)
{
	g_autofree char *token = token_new(err);
	struct letter l = { 0 };
	struct outbox_item *item = NULL;
	bool ok = false;

	if (!token)
		return false;
	l.kind = "invitation";
	l.template_name = "invitation";
	item = letter_build(cfg, def, cid, p, token, &l, now, err);
	if (!item)
		goto out;
	ok = db_invitation_add(db, p->id, token, now, err) &&
	    db_outbox_add(db, item, now, NULL, err);
out:
	explicit_bzero(token, strlen(token));
	outbox_item_free(item);
	return ok;
}

bool
invite_run(struct db *db, const struct config *cfg, const char *name,
    bool dry_run, int64_t now, struct invite_result *res, GError **err)
{
	struct definition *def = NULL;
	GPtrArray *people = NULL;
	struct outbox_result sent;
	int64_t cid;
	bool ok = false;
	size_t i;

	def = db_consultation_load(db, name, &cid, err);
	if (!def)
		goto out;
	people = db_participant_list(db, cid, true, err);
	if (!people)
		goto out;
	/* Each batch is all or nothing: a crash leaves whole invitations. */
	for (i = 0; i < people->len; i++) {
		const struct participant *p = people->pdata[i];

		if (dry_run) {
			g_ptr_array_add(res->would_invite,
			    g_strdup(p->email));
			continue;
		}
		if (i % INVITE_BATCH == 0 && !db_begin(db, err))
			goto out;
		if (!invite_one(db, cfg, def, cid, p, now, err)) {
			g_prefix_error(err, "cannot invite '%s': ", p->email);
			db_rollback(db);
			goto out;
		}
		res->queued++;
		if ((i % INVITE_BATCH == INVITE_BATCH - 1 ||
		    i + 1 == people->len) && !db_commit(db, err))
			goto out;
	}
	if (!dry_run) {
		/* Also sends what an interrupted earlier run left queued. */
		if (!outbox_flush(db, cfg, now, &sent, err))
			goto out;
		res->sent = sent.sent;
	}
	ok = true;
out:
	definition_free(def);
	if (people)
		g_ptr_array_unref(people);
	return ok;
}
