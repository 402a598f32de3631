/* SPDX-License-Identifier: MIT */
/*
 * The parse command's use case: mime, classify, token and extract put
 * together exactly as ingest uses them, so that what `parse` prints is
 * what filing would see.  Without a database, a message is a reply when
 * it carries a token or markers, else unrelated; a coordinator's command
 * is judged against the configuration when one is given.
 */
#include "parse.h"

#include "classify.h"
#include "command.h"
#include "consultd.h"
#include "extract.h"
#include "json.h"
#include "message.h"
#include "mime.h"
#include "token.h"

#include "banned.h"

static void
parse_opt_string(struct json_writer *w, const char *key, const char *value)
{
	json_key(w, key);
	if (value)
		json_string(w, value);
	else
		json_null(w);
}

static void
parse_bounce(struct json_writer *w, const struct message *msg)
{
	g_autofree char *rcpt = NULL;
	g_autofree char *status = NULL;
	bool permanent = false;

	json_key(w, "bounce");
	if (!classify_bounce_info(msg, &rcpt, &status, &permanent)) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	parse_opt_string(w, "recipient", rcpt);
	parse_opt_string(w, "status", status);
	json_key(w, "permanent");
	json_bool(w, permanent);
	json_object_end(w);
}

static void
parse_attachments(struct json_writer *w, const struct message *msg)
{
	size_t i;

	json_key(w, "attachments");
	json_array_begin(w);
	for (i = 0; i < msg->attachments->len; i++) {
		const struct message_attachment *a = msg->attachments->pdata[i];

		json_object_begin(w);
		parse_opt_string(w, "filename", a->filename);
		parse_opt_string(w, "type", a->content_type);
		json_key(w, "size");
		json_int(w, (int64_t)a->size);
		json_object_end(w);
	}
	json_array_end(w);
}

/*
 * "REMIND NAME" or "STATUS NAME" (SPEC 8): a command when cfg authorizes
 * its sender, else mail, as ingest files it.  Without a configuration
 * nobody's authority can be checked: the message is taken for the
 * command it is shaped as, and *note says so.
 */
static bool
parse_is_command(const struct config *cfg, const struct message *msg,
    char **note)
{
	g_autofree char *name = NULL;
	g_autofree char *why = NULL;

	if (command_parse(msg, &name) == COMMAND_NONE)
		return false;
	if (!cfg) {
		*note = g_strdup("a command: its sender's authority was not "
		    "checked (no configuration given; use -c FILE)");
		return true;
	}
	if (command_authorized(cfg, msg, &why))
		return true;
	*note = g_strdup_printf("not a command, read as mail: %s", why);
	return false;
}

static const char *
parse_kind(const struct config *cfg, const struct message *msg,
    const struct extract_result *ext, bool has_token, char **note)
{
	switch (classify_message(msg)) {
	case CLASSIFY_AUTO_REPLY:
		return "auto_reply";
	case CLASSIFY_BOUNCE:
		return "bounce";
	case CLASSIFY_HUMAN:
		break;
	}
	if (parse_is_command(cfg, msg, note))
		return "command";
	return has_token || ext->structured ? "reply" : "unrelated";
}

/*
 * A reminder or a receipt quotes the answers recorded so far under its
 * markers.  Without the database, answers found only in the quote of a
 * reply to one of them are taken for those (ingest compares them with
 * what is recorded instead).
 */
static bool
parse_answers_recorded(const char *id)
{
	return token_message_id_is(id, "reminder") ||
	    token_message_id_is(id, "acknowledgement");
}

static bool
parse_quotes_recorded(const struct message *msg)
{
	size_t i;

	if (parse_answers_recorded(msg->in_reply_to))
		return true;
	for (i = 0; i < msg->references->len; i++)
		if (parse_answers_recorded(msg->references->pdata[i]))
			return true;
	return false;
}

char *
parse_to_json(const char *raw, size_t len, GError **err)
{
	return parse_to_json_with(raw, len, NULL, err);
}

char *
parse_to_json_with(const char *raw, size_t len, const struct config *cfg,
    GError **err)
{
	g_autoptr(GPtrArray) tokens = NULL;
	g_autofree char *note = NULL;
	struct extract_result *ext = NULL;
	struct message *msg;
	struct json_writer w;
	GString *out;
	size_t i;

	msg = mime_parse(raw, len, err);
	if (!msg)
		return NULL;
	tokens = token_candidates(msg);
	ext = extract_reply_with(msg->text, NULL, msg->from_name,
	    msg->subject);
	if (ext->quoted_only && parse_quotes_recorded(msg)) {
		g_ptr_array_set_size(ext->answers, 0);
		ext->quoted_only = false;
	}
	out = g_string_new(NULL);
	json_writer_init(&w, out);
	json_object_begin(&w);
	parse_opt_string(&w, "message_id", msg->message_id);
	parse_opt_string(&w, "from", msg->from_addr);
	parse_opt_string(&w, "subject", msg->subject);
	json_key(&w, "kind");
	json_string(&w, parse_kind(cfg, msg, ext, tokens->len > 0, &note));
	parse_opt_string(&w, "token", tokens->len ? ((struct token_candidate *)
	    tokens->pdata[0])->token : NULL);
	parse_opt_string(&w, "in_reply_to", msg->in_reply_to);
	json_key(&w, "answers");
	json_object_begin(&w);
	for (i = 0; i < ext->answers->len; i++) {
		const struct extract_answer *a = ext->answers->pdata[i];

		json_key(&w, a->id);
		json_string(&w, a->text);
	}
	json_object_end(&w);
	parse_opt_string(&w, "free_text", ext->free_text);
	json_key(&w, "warnings");
	json_array_begin(&w);
	for (i = 0; i < msg->warnings->len; i++)
		json_string(&w, msg->warnings->pdata[i]);
	for (i = 0; i < ext->warnings->len; i++)
		json_string(&w, ext->warnings->pdata[i]);
	if (ext->quoted_only)
		json_string(&w, EXTRACT_QUOTED_ONLY_WARNING);
	if (note)
		json_string(&w, note);
	json_array_end(&w);
	parse_bounce(&w, msg);
	parse_attachments(&w, msg);
	json_object_end(&w);
	g_string_append_c(out, '\n');
	extract_result_free(ext);
	message_free(msg);
	return g_string_free(out, FALSE);
}
