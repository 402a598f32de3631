/* SPDX-License-Identifier: MIT */
/*
 * The outbox flush: claim a batch of due items, hand each to the sink,
 * record the outcome.  Only the embedded .eml sink exists so far; SMTP
 * joins it behind the same loop.
 */
#include "outbox.h"

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_outbox.h"
#include "emlout.h"
#include "log.h"

#include "banned.h"

#define OUTBOX_BATCH 200

static bool
outbox_send_one(struct db *db, const struct config *cfg,
    const struct outbox_item *item, int64_t now, struct outbox_result *res,
    GError **err)
{
	g_autoptr(GError) serr = NULL;

	if (!emlout_send(cfg->spool, item->id, item->kind, item->content,
	    item->content_len, &serr)) {
		/* A full disk or broken spool stops the whole run. */
		g_propagate_error(err, g_steal_pointer(&serr));
		return false;
	}
	if (!db_begin(db, err))
		return false;
	if (!db_outbox_mark_sent(db, item->id, now, err)) {
		db_rollback(db);
		return false;
	}
	if (!db_commit(db, err))
		return false;
	res->sent++;
	/* The Message-ID carries the token: log the row id instead. */
	log_info("outbox: sent %s %lld to participant %lld", item->kind,
	    (long long)item->id, (long long)item->participant_id);
	return true;
}

bool
outbox_flush(struct db *db, const struct config *cfg, int64_t now,
    struct outbox_result *res, GError **err)
{
	*res = (struct outbox_result){ 0 };
	if (cfg->smtp.url) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[smtp] url is set in '%s', but this consultd cannot send "
		    "over SMTP yet; the messages stay queued. Remove the url "
		    "to write them to spool/outbox/", cfg->path);
		return false;
	}
	for (;;) {
		g_autoptr(GPtrArray) items = db_outbox_due(db, now,
		    OUTBOX_BATCH, err);
		size_t i;

		if (!items)
			return false;
		if (!items->len)
			return true;
		for (i = 0; i < items->len; i++)
			if (!outbox_send_one(db, cfg, items->pdata[i], now,
			    res, err))
				return false;
	}
}
