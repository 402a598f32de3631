/* SPDX-License-Identifier: MIT */
/*
 * Reminder campaigns.  Each reminder is queued in its own transaction;
 * the policy is read from what the outbox says was mailed, so a campaign
 * interrupted and run again picks up where it stopped and never doubles.
 */
#include "remind.h"

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

#include "banned.h"

#define DAY (24 * 60 * 60)

static void
remind_line_free(struct remind_line *l)
{
	g_free(l->email);
	g_free(l->reason);
	g_free(l);
}

void
remind_result_init(struct remind_result *res)
{
	*res = (struct remind_result){ 0 };
	res->lines = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)remind_line_free);
}

void
remind_result_release(struct remind_result *res)
{
	g_clear_pointer(&res->lines, g_ptr_array_unref);
}

static bool
remind_complete(const struct definition *def, GHashTable *answers)
{
	size_t i;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];

		if (!q->optional && !g_hash_table_contains(answers, q->id))
			return false;
	}
	return true;
}

/*
 * Why participant p gets no reminder now, newly allocated, or NULL when
 * one is due.  At least a day between two mails to the same person,
 * whatever the policy says, so that a campaign run twice doubles nothing.
 */
static char *
remind_why_not(struct db *db, const struct definition *def,
    const struct participant *p, GHashTable *answers, int64_t now,
    GError **err, bool *failed)
{
	int64_t count, last, interval;
	g_autofree char *next = NULL;

	*failed = false;
	if (!p->token)
		return g_strdup("not invited yet");
	if (strcmp(p->status, "active") != 0)
		return g_strdup_printf("%s", strcmp(p->status, "opted_out") ==
		    0 ? "opted out" : p->status);
	if (remind_complete(def, answers))
		return g_strdup("reply complete");
	if (!db_outbox_contacts(db, p->id, &count, &last, err)) {
		*failed = true;
		return NULL;
	}
	if (count >= def->max_reminders)
		return g_strdup_printf("already reminded %lld time(s), the "
		    "most the policy allows", (long long)count);
	interval = MAX((int64_t)def->reminder_interval_days * DAY, DAY);
	if (last && now < last + interval) {
		next = letter_date(last + interval);
		return g_strdup_printf("mailed recently; next reminder from "
		    "%s", next);
	}
	return NULL;
}

/* For a consultation that ships no reminder.txt. */
static const char remind_fallback[] =
    "Subject: Reminder: {{title}}\n"
    "\n"
    "Dear {{name}},\n"
    "\n"
    "A reminder that {{title}} closes on {{deadline}}. What we have\n"
    "recorded from you so far:\n"
    "\n"
    "{{answers}}\n"
    "Questions still open:\n"
    "\n"
    "{{missing}}\n"
    "Reply to this message and write under each marker; answers you\n"
    "gave are kept.  Reply STOP for no more reminders.\n"
    "\n"
    "{{questions}}\n";

static bool
remind_one(struct db *db, const struct config *cfg,
    const struct definition *def, int64_t cid, const struct participant *p,
    GHashTable *answers, int64_t now, GError **err)
{
	g_autoptr(GHashTable) vars = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, g_free);
	struct outbox_item *item;
	struct letter l = { 0 };
	bool ok;

	g_hash_table_insert(vars, g_strdup("answers"),
	    letter_answers_text(def, answers, NULL));
	g_hash_table_insert(vars, g_strdup("missing"),
	    letter_missing_text(def, answers));
	/* The template again, with what they answered already filled in. */
	g_hash_table_insert(vars, g_strdup("questions"),
	    definition_marker_block(def, answers));
	l.kind = "reminder";
	l.template_name = "reminder";
	l.fallback = remind_fallback;
	l.vars = vars;
	item = letter_build(cfg, def, cid, p, p->token, &l, now, err);
	if (!item)
		return false;
	ok = db_begin(db, err);
	if (ok && !db_outbox_add(db, item, now, NULL, err)) {
		db_rollback(db);
		ok = false;
	}
	if (ok)
		ok = db_commit(db, err);
	outbox_item_free(item);
	return ok;
}

static void
remind_add_line(struct remind_result *res, const char *email, char *reason)
{
	struct remind_line *l = g_new0(struct remind_line, 1);

	l->email = g_strdup(email);
	l->reason = reason;
	g_ptr_array_add(res->lines, l);
	if (reason)
		res->skipped++;
	else
		res->reminded++;
}

bool
remind_run(struct db *db, const struct config *cfg, const char *name,
    bool dry_run, int64_t now, struct remind_result *res, GError **err)
{
	struct definition *def = NULL;
	GPtrArray *people = NULL;
	struct outbox_result sent;
	int64_t cid;
	bool ok = false, failed;
	size_t i;

	def = db_consultation_load(db, name, &cid, err);
	if (!def)
		goto out;
	people = db_participant_list(db, cid, false, err);
	if (!people)
		goto out;
	for (i = 0; i < people->len; i++) {
		const struct participant *p = people->pdata[i];
		g_autoptr(GHashTable) answers = db_participant_answers(db,
		    p->id, err);
		char *why;

		if (!answers)
			goto out;
		if (def->closed_at)
			why = g_strdup("the consultation is closed");
		else if (def->deadline && now > def->deadline)
			why = g_strdup("the deadline has passed");
		else
			why = remind_why_not(db, def, p, answers, now, err,
			    &failed);
		if (!why && failed)
			goto out;
		if (!why && !dry_run && !remind_one(db, cfg, def, cid, p,
		    answers, now, err)) {
			g_prefix_error(err, "cannot remind '%s': ", p->email);
			goto out;
		}
		remind_add_line(res, p->email, why);
	}
	if (!dry_run) {
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
