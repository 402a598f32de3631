/* SPDX-License-Identifier: MIT */
/*
 * Coordinators' commands by mail.  A forged From is easy, so the sender's
 * address alone never runs anything: the message must also carry the
 * shared secret, or come with a DKIM or SPF pass for the sender's domain
 * recorded by the receiving host we trust (RFC 8601).
 */
#include "command.h"

#include <string.h>

#include "addr.h"
#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "definition.h"
#include "db_outbox.h"
#include "letter.h"
#include "log.h"
#include "message.h"
#include "remind.h"
#include "secret.h"
#include "status.h"
#include "subject.h"

#include "banned.h"

static enum command_verb
command_parse_line(const char *line, char **name_out)
{
	/* "Re: STATUS x" and "Fwd:" prefixes are not part of a command. */
	g_autofree char *copy = g_strstrip(g_strdup(
	    subject_skip_prefixes(line, NULL)));
	g_auto(GStrv) words = g_strsplit_set(copy, " \t", -1);
	enum command_verb verb;
	size_t n = 0, i;
	const char *w[3] = { NULL, NULL, NULL };

	for (i = 0; words[i]; i++)
		if (*words[i]) {
			if (n == 2)
				return COMMAND_NONE;
			w[n++] = words[i];
		}
	if (n != 2)
		return COMMAND_NONE;
	if (g_ascii_strcasecmp(w[0], "REMIND") == 0)
		verb = COMMAND_REMIND;
	else if (g_ascii_strcasecmp(w[0], "STATUS") == 0)
		verb = COMMAND_STATUS;
	else
		return COMMAND_NONE;
	for (i = 0; w[1][i]; i++)
		if (!g_ascii_isalnum(w[1][i]) && w[1][i] != '-' &&
		    w[1][i] != '_')
			return COMMAND_NONE;
	*name_out = g_ascii_strdown(w[1], -1);
	return verb;
}

enum command_verb
command_parse(const struct message *msg, char **name_out)
{
	g_autofree char *first = NULL;
	const char *p = msg->text;
	enum command_verb verb = COMMAND_NONE;

	*name_out = NULL;
	if (msg->subject)
		verb = command_parse_line(msg->subject, name_out);
	if (verb != COMMAND_NONE)
		return verb;
	while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
		p++;
	first = g_strndup(p, strcspn(p, "\n"));
	return command_parse_line(first, name_out);
}

char *
command_text(enum command_verb verb, const char *name)
{
	return g_strdup_printf("%s %s", verb == COMMAND_REMIND ? "REMIND" :
	    "STATUS", name);
}

static bool
command_is_coordinator(const struct config *cfg, const char *from)
{
	g_auto(GStrv) list = NULL;
	g_autofree char *key = NULL;
	size_t i;

	if (!cfg->commands.coordinators || !from)
		return false;
	key = addr_key(from);
	list = g_strsplit_set(cfg->commands.coordinators, ", \t", -1);
	for (i = 0; list[i]; i++) {
		g_autofree char *k = NULL;

		if (!*list[i])
			continue;
		k = addr_key(list[i]);
		if (strcmp(k, key) == 0)
			return true;
	}
	return false;
}

/* The value of "name=" in an RFC 8601 result, up to white space or ';'. */
static char *
command_property(const char *res, const char *name)
{
	const char *p = res;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == res || !g_ascii_isalnum(p[-1])) && p[n] == '=') {
			p += n + 1;
			return g_strndup(p, strcspn(p, " \t;\r\n()"));
		}
		p += n;
	}
	return NULL;
}

static bool
command_domain_matches(const char *value, const char *domain)
{
	const char *at;

	if (!value)
		return false;
	at = strrchr(value, '@');
	return g_ascii_strcasecmp(at ? at + 1 : value, domain) == 0;
}

/*
 * The Authentication-Results field of our trusted host records a DKIM
 * pass for the From domain, or an SPF pass for it.  Only the topmost
 * field of that name counts: the host adds its own above everything the
 * sender wrote, and a sender can write a field with any name below it
 * (RFC 8601 section 7.1).
 */
static bool
command_auth_results_pass(const struct config *cfg, const struct message *msg)
{
	const char *domain = strrchr(msg->from_addr, '@') + 1;
	const char *trusted = cfg->commands.trusted_authserv_id;
	size_t i;

	if (!trusted)
		return false;
	for (i = 0; i < msg->auth_results->len; i++) {
		const char *v = msg->auth_results->pdata[i];
		g_autofree char *id = g_strstrip(g_strndup(v, strcspn(v,
		    ";")));
		g_auto(GStrv) results = NULL;
		size_t j;

		/* "mx.example.org 1; ..." carries a version after the id. */
		id[strcspn(id, " \t")] = '\0';
		if (g_ascii_strcasecmp(id, trusted) != 0)
			continue;
		results = g_strsplit(v, ";", -1);
		for (j = 1; results[j]; j++) {
			const char *r = g_strchug(results[j]);
			g_autofree char *d = NULL;

			if (g_ascii_strncasecmp(r, "dkim=pass", 9) == 0) {
				d = command_property(r, "header.d");
				if (!d)
					d = command_property(r, "header.i");
			} else if (g_ascii_strncasecmp(r, "spf=pass", 8) == 0)
				d = command_property(r, "smtp.mailfrom");
			if (command_domain_matches(d, domain))
				return true;
		}
		break;
	}
	return false;
}

static bool
command_has_secret(const struct config *cfg, const struct message *msg)
{
	g_autoptr(GError) err = NULL;
	char *secret;
	bool found;

	if (!cfg->commands.secret_file)
		return false;
	secret = secret_read(cfg->commands.secret_file, NULL,
	    "the command secret", &err);
	if (!secret) {
		log_warnx("commands: %s", err->message);
		return false;
	}
	/* Short secrets would be guessed: at least 16 characters. */
	found = strlen(secret) >= 16 && strstr(msg->text, secret) != NULL;
	secret_free(secret);
	return found;
}

bool
command_authorized(const struct config *cfg, const struct message *msg,
    char **why_out)
{
	*why_out = NULL;
	if (!command_is_coordinator(cfg, msg->from_addr)) {
		*why_out = g_strdup("the sender is not a configured "
		    "coordinator");
		return false;
	}
	if (command_has_secret(cfg, msg) || command_auth_results_pass(cfg,
	    msg))
		return true;
	*why_out = g_strdup("the message carries neither the command secret "
	    "nor a DKIM/SPF pass from the trusted host");
	return false;
}

/* Runs one command; returns the text mailed back. */
static char *
command_execute(struct db *db, const struct config *cfg, const char *text,
    int64_t now)
{
	g_autoptr(GError) err = NULL;
	GString *out = g_string_new(NULL);
	struct remind_result res;
	const char *name = strchr(text, ' ') + 1;
	size_t i;

	if (g_str_has_prefix(text, "STATUS")) {
		if (!status_render(db, name, false, now, out, &err))
			g_string_append_printf(out, "STATUS %s failed: %s\n",
			    name, err->message);
		return g_string_free(out, FALSE);
	}
	remind_result_init(&res);
	if (!remind_run(db, cfg, name, false, now, &res, &err))
		g_string_append_printf(out, "REMIND %s failed: %s\n", name,
		    err->message);
	else {
		g_string_append_printf(out, "REMIND %s: %lld reminded, %lld "
		    "not reminded.\n\n", name, (long long)res.reminded,
		    (long long)res.skipped);
		for (i = 0; i < res.lines->len; i++) {
			const struct remind_line *l = res.lines->pdata[i];

			g_string_append_printf(out, "%s %s%s%s\n",
			    l->reason ? "skip  " : "remind", l->email,
			    l->reason ? ": " : "", l->reason ? l->reason : "");
		}
	}
	remind_result_release(&res);
	return g_string_free(out, FALSE);
}

/*
 * The result comes from the consultation's own address, else from
 * [smtp] reply_address.
 */
static char *
command_sender(struct db *db, const struct config *cfg, const char *text)
{
	const char *name = strchr(text, ' ') + 1;
	struct definition *def;
	int64_t cid;
	char *addr;

	def = db_consultation_load(db, name, &cid, NULL);
	if (!def)
		return g_strdup(cfg->smtp.reply_address);
	addr = g_strdup(def->reply_address);
	definition_free(def);
	return addr;
}

bool
command_run_pending(struct db *db, const struct config *cfg, int64_t now,
    GError **err)
{
	g_autoptr(GPtrArray) pending = db_message_pending_commands(db, err);
	size_t i;

	if (!pending)
		return false;
	for (i = 0; i < pending->len; i++) {
		const struct db_command_row *c = pending->pdata[i];
		g_autofree char *result = command_execute(db, cfg, c->text,
		    now);
		g_autofree char *subject = g_strdup_printf("Re: %s",
		    c->subject ? c->subject : c->text);
		g_autofree char *from = command_sender(db, cfg, c->text);
		struct outbox_item *item;
		bool ok;

		log_info("commands: ran %s for message %lld", c->text,
		    (long long)c->id);
		item = letter_note(cfg, from, c->sender, subject, result,
		    c->message_id, "command", now, err);
		if (!item)
			return false;
		ok = db_begin(db, err) && db_outbox_add(db, item, now, NULL, err) &&
		    db_message_set_status(db, c->id, "done", err);
		if (ok)
			ok = db_commit(db, err);
		else
			db_rollback(db);
		outbox_item_free(item);
		if (!ok)
			return false;
	}
	return true;
}
