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
#include "db_report.h"
#include "definition.h"
#include "json.h"

#include "banned.h"

static int64_t
status_attention(const struct db_status *s)
{
	return s->unstructured + s->messages_unrelated + s->invalid_answers +
	    s->low_trust + s->failed_sends;
}

static void
status_json(struct json_writer *w, const char *name,
    const struct definition *def, const struct db_status *s)
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
	json_object_end(w);
}

static int
status_percent(int64_t part, int64_t whole)
{
	return whole ? (int)((part * 100 + whole / 2) / whole) : 0;
}

static void
status_text(GString *out, const char *name, const struct definition *def,
    const struct db_status *s, int64_t now)
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
		    "to read by hand (consultd export %s --format long)\n",
		    (long long)s->unstructured,
		    s->unstructured == 1 ? "y" : "ies", name);
	if (s->invalid_answers)
		g_string_append_printf(out, "  %lld answer%s failed "
		    "validation and wait for a corrected reply\n",
		    (long long)s->invalid_answers,
		    s->invalid_answers == 1 ? "" : "s");
	if (s->low_trust)
		g_string_append_printf(out, "  %lld repl%s matched by From "
		    "address only (no token): check the sender\n",
		    (long long)s->low_trust, s->low_trust == 1 ? "y" : "ies");
	if (s->messages_unrelated)
		g_string_append_printf(out, "  %lld message%s from unknown "
		    "senders in the mailbox (spool/inbox/cur)\n",
		    (long long)s->messages_unrelated,
		    s->messages_unrelated == 1 ? "" : "s");
	if (s->failed_sends)
		g_string_append_printf(out, "  %lld outgoing message%s "
		    "failed for good\n", (long long)s->failed_sends,
		    s->failed_sends == 1 ? "" : "s");
}

static bool
status_one(struct db *db, const char *name, bool json, int64_t now,
    struct json_writer *w, GString *out, GError **err)
{
	struct definition *def;
	struct db_status s;
	int64_t cid;
	bool ok;

	if (!db_begin_read(db, err))
		return false;
	def = db_consultation_load(db, name, &cid, err);
	ok = def && db_report_status(db, cid, &s, err);
	db_rollback(db);
	if (!def)
		return false;
	if (ok && json)
		status_json(w, name, def, &s);
	else if (ok)
		status_text(out, name, def, &s, now);
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
