/* SPDX-License-Identifier: MIT */
/*
 * Rendering and composing letters to participants.  Every letter carries
 * the token three ways (SPEC section 5), so that whatever the participant's
 * client keeps of it, the reply finds its way back.
 */
#include "letter.h"

#include <string.h>

#include "compose.h"
#include "config.h"
#include "consultd.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "definition.h"
#include "render.h"
#include "token.h"

#include "banned.h"

char *
letter_date(int64_t t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

	return g_date_time_format(dt, "%-d %B %Y");
}

/*
 * Bytes of an answer a letter echoes back: a pasted document (or a 2 MB
 * line) would make a receipt too large to send, and have us mail
 * megabytes to anyone holding a token.
 */
#define LETTER_ECHO_MAX 2000

static void
letter_indent(GString *out, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		g_string_append(out, "    ");
		g_string_append_len(out, p, (gssize)n);
		g_string_append_c(out, '\n');
		p += n + (nl ? 1 : 0);
	}
}

char *
letter_answers_text(const struct definition *def, GHashTable *answers,
    GHashTable *errors)
{
	GString *out = g_string_new(NULL);
	size_t i;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];
		const char *a = answers ? g_hash_table_lookup(answers, q->id) :
		    NULL;
		const char *e = errors ? g_hash_table_lookup(errors, q->id) :
		    NULL;

		g_string_append_printf(out, "%s  %s\n", q->id, q->prompt);
		if (a && strlen(a) > LETTER_ECHO_MAX) {
			const char *cut = a + LETTER_ECHO_MAX;
			g_autofree char *head = NULL;

			while (cut > a && ((unsigned char)*cut & 0xc0) == 0x80)
				cut--;
			head = g_strndup(a, (gsize)(cut - a));
			letter_indent(out, head);
			g_string_append_printf(out, "    [... %ld characters "
			    "in all, received whole; only the beginning is "
			    "shown here]\n", g_utf8_strlen(a, -1));
		} else if (a)
			letter_indent(out, a);
		else if (!e)
			g_string_append(out, "    (no answer yet)\n");
		if (e)
			g_string_append_printf(out, "    NOT ACCEPTED: %s; "
			    "reply with just that marker and your answer\n", e);
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

char *
letter_missing_text(const struct definition *def, GHashTable *answers)
{
	GString *out = g_string_new(NULL);
	size_t i;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];

		if (!answers || !g_hash_table_contains(answers, q->id))
			g_string_append_printf(out, "%s  %s\n", q->id,
			    q->prompt);
	}
	if (!out->len)
		g_string_append(out, "(none: thank you!)\n");
	return g_string_free(out, FALSE);
}

/*
 * The From of outgoing mail: [smtp] from when set, else the consultation
 * title at its reply address.
 */
static void
letter_sender(const struct config *cfg, const struct definition *def,
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
letter_var(GHashTable *vars, const char *name, const char *value)
{
	g_hash_table_insert(vars, g_strdup(name), g_strdup(value));
}

static char *
letter_render(const struct definition *def, const struct participant *p,
    const struct letter *l, char **subject_out, GError **err)
{
	g_autoptr(GHashTable) vars = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, g_free);
	g_autofree char *questions = NULL;
	g_autofree char *deadline = def->deadline ?
	    letter_date(def->deadline) : g_strdup("the deadline");
	g_autofree char *subject_tmpl = NULL;
	g_autofree char *body_tmpl = NULL;
	g_autofree char *numbered = NULL;
	g_autofree char *rendered = NULL;
	const char *tmpl = g_hash_table_lookup(def->templates,
	    l->template_name);
	GHashTableIter it;
	void *k, *v;

	if (!tmpl)
		tmpl = l->fallback;
	if (!tmpl) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG, "consultation '%s' "
		    "has no %s template; add %s.txt and load it again",
		    def->name, l->template_name, l->template_name);
		return NULL;
	}
	letter_var(vars, "name", p->name ? p->name : "colleague");
	letter_var(vars, "title", def->title);
	letter_var(vars, "deadline", deadline);
	/*
	 * Only invitations and reminders show the questions: a receipt
	 * would build the block for nothing (1.6% of filing's instructions).
	 */
	if (strstr(tmpl, "questions")) {
		questions = definition_marker_block(def, NULL);
		letter_var(vars, "questions", questions);
	}
	letter_var(vars, "reply_address", def->reply_address);
	letter_var(vars, "consent", def->consent ? def->consent : "");
	if (l->vars) {
		g_hash_table_iter_init(&it, l->vars);
		while (g_hash_table_iter_next(&it, &k, &v))
			letter_var(vars, k, v);
	}
	/*
	 * Split first, render after: a value with a line break (a name or
	 * title from a spreadsheet) must neither end the subject early nor
	 * move text into the body, nor make every letter fail.  The body is
	 * rendered behind the two lines it had, so errors keep the
	 * template's line numbers.
	 */
	if (render_split_subject(tmpl, &subject_tmpl, &body_tmpl, err)) {
		*subject_out = render_template(subject_tmpl, vars, err);
		numbered = g_strconcat("\n\n", body_tmpl, NULL);
		rendered = *subject_out ? render_template(numbered, vars,
		    err) : NULL;
	}
	if (!rendered) {
		g_clear_pointer(subject_out, g_free);
		g_prefix_error(err, "%s template of '%s': ", l->template_name,
		    def->name);
		return NULL;
	}
	return g_strdup(rendered + 2);
}

struct outbox_item *
letter_build(const struct config *cfg, const struct definition *def,
    int64_t cid, const struct participant *p, const char *token,
    const struct letter *l, int64_t now, GError **err)
{
	g_autofree char *subject = NULL;
	g_autofree char *body = NULL;
	g_autofree char *full_body = NULL;
	g_autofree char *reply_to = NULL;
	g_autofree char *from_name = NULL;
	g_autofree char *from_addr = NULL;
	g_autofree char *message_id = NULL;
	g_autofree char *unsubscribe = NULL;
	const char *at = strchr(def->reply_address, '@');
	struct compose_mail mail = { 0 };
	struct outbox_item *item;
	char *content;
	size_t len;

	body = letter_render(def, p, l, &subject, err);
	if (!body)
		return NULL;
	if (!at) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG, "consultation '%s' "
		    "has no valid reply_address", def->name);
		return NULL;
	}
	if (l->unique)
		message_id = g_strdup_printf("consultd.%s.%s.%s%s", l->kind,
		    token, l->unique, at);
	else
		message_id = token_message_id(l->kind, token, at + 1);
	/* SPEC section 5: the token also travels in a Ref: line at the end. */
	full_body = g_strdup_printf("%s\n\nRef: %s\n", body, token);
	reply_to = token_reply_address(def->reply_address, token);
	unsubscribe = g_strdup_printf("%s?subject=STOP", reply_to);
	letter_sender(cfg, def, &from_name, &from_addr);
	mail.from_name = from_name;
	mail.from_addr = from_addr;
	mail.to_name = p->name;
	mail.to_addr = p->email;
	mail.reply_to = reply_to;
	mail.subject = subject;
	mail.body = full_body;
	mail.message_id = message_id;
	mail.in_reply_to = l->in_reply_to;
	mail.references = l->references;
	mail.date = now;
	mail.auto_submitted = true;
	mail.auto_replied = l->auto_replied;
	mail.list_unsubscribe = unsubscribe;
	content = compose_message(&mail, &len, err);
	if (!content)
		return NULL;
	item = g_new0(struct outbox_item, 1);
	item->message_id = g_steal_pointer(&message_id);
	item->kind = g_strdup(l->kind);
	item->recipient = g_strdup(p->email);
	item->consultation_id = cid;
	item->participant_id = p->id;
	item->content = content;
	item->content_len = len;
	return item;
}

struct outbox_item *
letter_note(const struct config *cfg, const char *from_addr, const char *to,
    const char *subject, const char *body, const char *in_reply_to,
    const char *kind, int64_t now, GError **err)
{
	g_autofree char *name = NULL;
	g_autofree char *addr = NULL;
	g_autofree char *message_id = NULL;
	struct compose_mail mail = { 0 };
	struct outbox_item *item;
	const char *at;
	char *content;
	size_t len;
	guint32 rnd = g_random_int();

	if (cfg->smtp.from) {
		const char *lt = strchr(cfg->smtp.from, '<');
		const char *gt = lt ? strchr(lt, '>') : NULL;

		if (lt && gt) {
			name = g_strstrip(g_strndup(cfg->smtp.from,
			    (size_t)(lt - cfg->smtp.from)));
			addr = g_strndup(lt + 1, (size_t)(gt - lt - 1));
		} else
			addr = g_strdup(cfg->smtp.from);
	} else
		addr = g_strdup(from_addr);
	at = addr ? strchr(addr, '@') : NULL;
	if (!at) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "no sender address for a %s; set [smtp] from", kind);
		return NULL;
	}
	message_id = g_strdup_printf("consultd.%s.%08x%08x%s", kind, rnd,
	    g_random_int(), at);
	mail.from_name = name;
	mail.from_addr = addr;
	mail.to_addr = to;
	mail.subject = subject;
	mail.body = body;
	mail.message_id = message_id;
	mail.in_reply_to = in_reply_to;
	mail.references = in_reply_to;
	mail.date = now;
	mail.auto_submitted = true;
	mail.auto_replied = true;
	content = compose_message(&mail, &len, err);
	if (!content)
		return NULL;
	item = g_new0(struct outbox_item, 1);
	item->message_id = g_steal_pointer(&message_id);
	item->kind = g_strdup(kind);
	item->recipient = g_strdup(to);
	item->content = content;
	item->content_len = len;
	return item;
}
