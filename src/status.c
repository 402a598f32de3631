/* SPDX-License-Identifier: MIT */
/*
 * Status summaries.  The JSON keys are a contract with scripts (SPEC
 * section 8); the text is for a person on a terminal, and says which
 * command shows more wherever something needs attention.
 */
#include "status.h"

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_digest.h"
#include "db_report.h"
#include "definition.h"
#include "json.h"

#include "banned.h"

/* Items of each kind shown under "Needs attention", and in the JSON. */
#define STATUS_EXAMPLES 3
#define STATUS_JSON_ITEMS 100

static int64_t
status_attention(const struct db_status *s)
{
	return s->unstructured + s->messages_unrelated + s->invalid_answers +
	    s->low_trust + s->forwarded + s->failed_sends + s->held;
}

static void
status_json_items(struct json_writer *w, const GPtrArray *items)
{
	static const char *const kinds[DB_ATTENTION_KINDS] = {
		[DB_ATTENTION_UNSTRUCTURED] = "unstructured",
		[DB_ATTENTION_UNMATCHED] = "unrelated",
		[DB_ATTENTION_INVALID] = "invalid_answer",
		[DB_ATTENTION_LOW_TRUST] = "low_trust",
		[DB_ATTENTION_FORWARDED] = "forwarded",
		[DB_ATTENTION_BOUNCE] = "bounce",
		[DB_ATTENTION_FAILED_SEND] = "failed_send",
	};
	size_t i;

	json_array_begin(w);
	for (i = 0; i < items->len; i++) {
		const struct db_attention *a = items->pdata[i];

		json_object_begin(w);
		json_key(w, "kind");
		json_string(w, kinds[a->kind]);
		json_key(w, "at");
		json_int(w, a->at);
		json_key(w, "who");
		json_string(w, a->who);
		json_key(w, "what");
		json_string(w, a->what);
		json_key(w, "detail");
		json_string(w, a->detail);
		json_key(w, "file");
		json_string(w, a->spool_file);
		json_object_end(w);
	}
	json_array_end(w);
}

static void
status_json(struct json_writer *w, const char *name,
    const struct definition *def, const struct db_status *s,
    const GPtrArray *items)
{
	json_object_begin(w);
	json_key(w, "consultation");
	json_string(w, name);
	json_key(w, "title");
	json_string(w, def->title);
	json_key(w, "deadline");
	if (def->deadline)
		json_int(w, def->deadline);
	else
		json_null(w);
	json_key(w, "participants");
	json_int(w, s->participants);
	json_key(w, "invited");
	json_int(w, s->invited);
	json_key(w, "complete");
	json_int(w, s->complete);
	json_key(w, "partial");
	json_int(w, s->partial);
	json_key(w, "not_replied");
	json_int(w, s->not_replied);
	json_key(w, "bounced");
	json_int(w, s->bounced);
	json_key(w, "opted_out");
	json_int(w, s->opted_out);
	json_key(w, "messages");
	json_object_begin(w);
	json_key(w, "reply");
	json_int(w, s->messages_reply);
	json_key(w, "auto_reply");
	json_int(w, s->messages_auto_reply);
	json_key(w, "bounce");
	json_int(w, s->messages_bounce);
	json_key(w, "command");
	json_int(w, s->messages_command);
	json_key(w, "unrelated");
	json_int(w, s->messages_unrelated);
	json_object_end(w);
	json_key(w, "unstructured");
	json_int(w, s->unstructured);
	json_key(w, "invalid_answers");
	json_int(w, s->invalid_answers);
	json_key(w, "low_trust");
	json_int(w, s->low_trust);
	json_key(w, "forwarded");
	json_int(w, s->forwarded);
	json_key(w, "unverified");
	json_int(w, s->unverified);
	json_key(w, "late");
	json_int(w, s->late);
	json_key(w, "held");
	json_int(w, s->held);
	json_key(w, "failed_sends");
	json_int(w, s->failed_sends);
	json_key(w, "queued_sends");
	json_int(w, s->queued_sends);
	json_key(w, "last_activity");
	if (s->last_activity)
		json_int(w, s->last_activity);
	else
		json_null(w);
	json_key(w, "needs_attention");
	json_int(w, status_attention(s));
	json_key(w, "attention");
	status_json_items(w, items);
	json_object_end(w);
}

static int
status_percent(int64_t part, int64_t whole)
{
	return whole ? (int)((part * 100 + whole / 2) / whole) : 0;
}

/*
 * The first items of one kind, each with what to run to see it: a filed
 * message is shown by `consultd parse`, its file named relative to the
 * workspace as `init` lays it out (spool/ beside consultd.conf).
 */
static void
status_examples(GString *out, const GPtrArray *items,
    enum db_attention_kind kind, int64_t total)
{
	int64_t shown = 0;
	size_t i;

	for (i = 0; i < items->len; i++) {
		const struct db_attention *a = items->pdata[i];
		g_autoptr(GDateTime) dt = NULL;
		g_autofree char *when = NULL;

		if (a->kind != kind)
			continue;
		dt = g_date_time_new_from_unix_utc(a->at);
		when = g_date_time_format(dt, "%Y-%m-%d");
		g_string_append_printf(out, "    %s  %s", when,
		    a->who ? a->who : "?");
		if (a->what && *a->what)
			g_string_append_printf(out, "  \"%s\"", a->what);
		if (kind == DB_ATTENTION_INVALID ||
		    kind == DB_ATTENTION_FORWARDED ||
		    kind == DB_ATTENTION_FAILED_SEND)
			g_string_append_printf(out, ": %s",
			    a->detail ? a->detail : "?");
		g_string_append_c(out, '\n');
		if (a->spool_file)
			g_string_append_printf(out, "      consultd parse "
			    "spool/%s\n", a->spool_file);
		shown++;
	}
	if (total > shown)
		g_string_append_printf(out, "    ... and %lld more\n",
		    (long long)(total - shown));
}

static void
status_text(GString *out, const char *name, const struct definition *def,
    const struct db_status *s, const GPtrArray *items, int64_t now)
{
	int64_t replied = s->complete + s->partial;

	g_string_append_printf(out, "%s (%s)\n", def->title, name);
	if (def->deadline) {
		g_autoptr(GDateTime) dt =
		    g_date_time_new_from_unix_utc(def->deadline);
		g_autofree char *day = g_date_time_format(dt, "%-d %B %Y");
		int64_t left = (def->deadline - now) / 86400;

		if (def->deadline >= now)
			g_string_append_printf(out, "  deadline       %s "
			    "(%lld day%s left)\n", day, (long long)left,
			    left == 1 ? "" : "s");
		else
			g_string_append_printf(out, "  deadline       %s "
			    "(passed)\n", day);
	}
	g_string_append_printf(out, "  participants   %lld, invited %lld\n",
	    (long long)s->participants, (long long)s->invited);
	g_string_append_printf(out, "  replied        %lld (%d%%): %lld "
	    "complete, %lld partial; %lld not yet\n", (long long)replied,
	    status_percent(replied, s->invited), (long long)s->complete,
	    (long long)s->partial, (long long)s->not_replied);
	g_string_append_printf(out, "  bounced        %lld, opted out %lld\n",
	    (long long)s->bounced, (long long)s->opted_out);
	if (s->unverified)
		g_string_append_printf(out, "  unverified     %lld "
		    "sender(s) of an open consultation, counted apart until "
		    "they confirm\n",
		    (long long)s->unverified);
	if (s->late)
		g_string_append_printf(out, "  late           %lld repl%s "
		    "after the deadline or the close\n", (long long)s->late,
		    s->late == 1 ? "y" : "ies");
	if (s->held)
		g_string_append_printf(out, "  held           %lld message(s) "
		    "held for review (open consultation flood limits)\n",
		    (long long)s->held);
	g_string_append_printf(out, "  messages       %lld replies, %lld "
	    "auto-replies, %lld bounces\n", (long long)s->messages_reply,
	    (long long)s->messages_auto_reply, (long long)s->messages_bounce);
	if (s->queued_sends)
		g_string_append_printf(out, "  outbox         %lld waiting "
		    "(consultd flush)\n", (long long)s->queued_sends);
	if (s->last_activity) {
		g_autoptr(GDateTime) dt =
		    g_date_time_new_from_unix_utc(s->last_activity);
		g_autofree char *when = g_date_time_format(dt,
		    "%Y-%m-%d %H:%M UTC");

		g_string_append_printf(out, "  last activity  %s\n", when);
	}
	if (!status_attention(s)) {
		g_string_append(out, "  nothing needs attention\n");
		return;
	}
	g_string_append(out, "Needs attention:\n");
	if (s->unstructured)
		g_string_append_printf(out, "  %lld repl%s without markers, "
		    "to read by hand:\n", (long long)s->unstructured,
		    s->unstructured == 1 ? "y" : "ies");
	status_examples(out, items, DB_ATTENTION_UNSTRUCTURED, s->unstructured);
	if (s->invalid_answers)
		g_string_append_printf(out, "  %lld answer%s failed "
		    "validation and wait for a corrected reply (or file one: "
		    "consultd record %s --for EMAIL FILE):\n",
		    (long long)s->invalid_answers,
		    s->invalid_answers == 1 ? "" : "s", name);
	status_examples(out, items, DB_ATTENTION_INVALID, s->invalid_answers);
	if (s->low_trust)
		g_string_append_printf(out, "  %lld repl%s matched by From "
		    "address only (no token): check the sender:\n",
		    (long long)s->low_trust, s->low_trust == 1 ? "y" : "ies");
	status_examples(out, items, DB_ATTENTION_LOW_TRUST, s->low_trust);
	if (s->forwarded)
		g_string_append_printf(out, "  %lld repl%s sent from another "
		    "address than the invitee's (forwarded): check who "
		    "answered:\n",
		    (long long)s->forwarded, s->forwarded == 1 ? "y" : "ies");
	status_examples(out, items, DB_ATTENTION_FORWARDED, s->forwarded);
	if (s->messages_unrelated)
		g_string_append_printf(out, "  %lld message%s from unknown "
		    "senders in the mailbox:\n",
		    (long long)s->messages_unrelated,
		    s->messages_unrelated == 1 ? "" : "s");
	status_examples(out, items, DB_ATTENTION_UNMATCHED,
	    s->messages_unrelated);
	if (s->failed_sends)
		g_string_append_printf(out, "  %lld outgoing message%s "
		    "failed for good:\n", (long long)s->failed_sends,
		    s->failed_sends == 1 ? "" : "s");
	status_examples(out, items, DB_ATTENTION_FAILED_SEND, s->failed_sends);
	g_string_append_printf(out, "  (consultd status %s --json lists them "
	    "all; the weekly digest shows what is new)\n", name);
}

static bool
status_one(struct db *db, const char *name, bool json, int64_t now,
    struct json_writer *w, GString *out, GError **err)
{
	g_autoptr(GPtrArray) items = NULL;
	struct definition *def;
	struct db_status s;
	int64_t cid;
	bool ok;

	if (!db_begin_read(db, err))
		return false;
	def = db_consultation_load(db, name, &cid, err);
	ok = def && db_report_status(db, cid, &s, err);
	if (ok) {
		items = db_digest_attention(db, cid, &DB_DIGEST_RANGE_ALL,
		    json ? STATUS_JSON_ITEMS : STATUS_EXAMPLES, err);
		ok = items != NULL;
	}
	db_rollback(db);
	if (!def)
		return false;
	if (ok && json)
		status_json(w, name, def, &s, items);
	else if (ok)
		status_text(out, name, def, &s, items, now);
	definition_free(def);
	return ok;
}

bool
status_render(struct db *db, const char *name, bool json, int64_t now,
    GString *out, GError **err)
{
	g_autoptr(GPtrArray) names = NULL;
	struct json_writer w;
	size_t i;

	json_writer_init(&w, out);
	if (name) {
		if (!status_one(db, name, json, now, &w, out, err))
			return false;
		if (json)
			g_string_append_c(out, '\n');
		return true;
	}
	names = db_consultation_names(db, err);
	if (!names)
		return false;
	if (json)
		json_array_begin(&w);
	else if (!names->len)
		g_string_append(out, "no consultations yet; load one with "
		    "'consultd load DIR'\n");
	for (i = 0; i < names->len; i++) {
		if (i && !json)
			g_string_append_c(out, '\n');
		if (!status_one(db, names->pdata[i], json, now, &w, out, err))
			return false;
	}
	if (json) {
		json_array_end(&w);
		g_string_append_c(out, '\n');
	}
	return true;
}
