/* SPDX-License-Identifier: MIT */
/*
 * Building and queueing invitations.  The token, the invitation row and
 * the outbox row are written in one transaction per participant: a crash
 * leaves each participant either fully invited or not at all.
 */
#include "invite.h"

#include <string.h>

#include "compose.h"
#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "definition.h"
#include "outbox.h"
#include "render.h"
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

static char *
invite_deadline_text(int64_t deadline)
{
	g_autoptr(GDateTime) dt = NULL;

	if (!deadline)
		return g_strdup("the deadline");
	dt = g_date_time_new_from_unix_utc(deadline);
	return g_date_time_format(dt, "%-d %B %Y");
}

/*
 * The From of outgoing mail: [smtp] from when set, else the consultation
 * title at its reply address.  *name_out and *addr_out are newly
 * allocated.
 */
static void
invite_sender(const struct config *cfg, const struct definition *def,
    char **name_out, char **addr_out)
{
	const char *from = cfg->smtp.from;
	const char *lt = from ? strchr(from, '<') : NULL;
	const char *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt) {
		*name_out = g_strstrip(g_strndup(from, (size_t)(lt - from)));
		*addr_out = g_strndup(lt + 1, (size_t)(gt - lt - 1));
		return;
	}
	*name_out = g_strdup(def->title);
	*addr_out = g_strdup(from ? from : def->reply_address);
}

static void
invite_var(GHashTable *vars, const char *name, const char *value)
{
	g_hash_table_insert(vars, g_strdup(name), g_strdup(value));
}

static char *
invite_compose(const struct config *cfg, const struct definition *def,
    const struct participant *p, const char *token, const char *message_id,
    int64_t now, size_t *len_out, GError **err)
{
	g_autoptr(GHashTable) vars = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, g_free);
	g_autofree char *questions = definition_marker_block(def, NULL);
	g_autofree char *deadline = invite_deadline_text(def->deadline);
	g_autofree char *rendered = NULL;
	g_autofree char *subject = NULL;
	g_autofree char *body = NULL;
	g_autofree char *full_body = NULL;
	g_autofree char *reply_to = NULL;
	g_autofree char *from_name = NULL;
	g_autofree char *from_addr = NULL;
	const char *tmpl = g_hash_table_lookup(def->templates, "invitation");
	struct compose_mail mail = { 0 };

	if (!tmpl) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG, "consultation '%s' "
		    "has no invitation template; add invitation.txt and "
		    "load it again", def->name);
		return NULL;
	}
	invite_var(vars, "name", p->name ? p->name : "colleague");
	invite_var(vars, "title", def->title);
	invite_var(vars, "deadline", deadline);
	invite_var(vars, "questions", questions);
	invite_var(vars, "reply_address", def->reply_address);
	invite_var(vars, "consent", def->consent ? def->consent : "");
	rendered = render_template(tmpl, vars, err);
	if (!rendered || !render_split_subject(rendered, &subject, &body,
	    err)) {
		g_prefix_error(err, "invitation template of '%s': ",
		    def->name);
		return NULL;
	}
	/* SPEC section 5: the token also travels in a Ref: line at the end. */
	full_body = g_strdup_printf("%s\n\nRef: %s\n", body, token);
	reply_to = token_reply_address(def->reply_address, token);
	invite_sender(cfg, def, &from_name, &from_addr);
	mail.from_name = from_name;
	mail.from_addr = from_addr;
	mail.to_name = p->name;
	mail.to_addr = p->email;
	mail.reply_to = reply_to;
	mail.subject = subject;
	mail.body = full_body;
	mail.message_id = message_id;
	mail.date = now;
	mail.auto_submitted = true;
	return compose_message(&mail, len_out, err);
}

static bool
invite_one(struct db *db, const struct config *cfg,
    const struct definition *def, int64_t cid, const struct participant *p,
    int64_t now, GError **err)
{
	g_autofree char *token = token_new(err);
	g_autofree char *message_id = NULL;
	const char *domain = strchr(def->reply_address, '@');
	struct outbox_item item = { 0 };
	char kind[] = "invitation";
	char *content;
	bool ok;

	if (!token)
		return false;
	message_id = token_message_id("invitation", token, domain + 1);
	content = invite_compose(cfg, def, p, token, message_id, now,
	    &item.content_len, err);
	if (!content)
		return false;
	item.message_id = message_id;
	item.kind = kind;
	item.recipient = p->email;
	item.consultation_id = cid;
	item.participant_id = p->id;
	item.content = content;
	ok = db_begin(db, err);
	if (ok && (!db_invitation_add(db, p->id, token, now, err) ||
	    !db_outbox_add(db, &item, now, err))) {
		db_rollback(db);
		ok = false;
	}
	if (ok)
		ok = db_commit(db, err);
	explicit_bzero(token, strlen(token));
	g_free(content);
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
	for (i = 0; i < people->len; i++) {
		const struct participant *p = people->pdata[i];

		if (dry_run) {
			g_ptr_array_add(res->would_invite,
			    g_strdup(p->email));
			continue;
		}
		if (!invite_one(db, cfg, def, cid, p, now, err)) {
			g_prefix_error(err, "cannot invite '%s': ", p->email);
			goto out;
		}
		res->queued++;
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
