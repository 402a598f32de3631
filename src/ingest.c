/* SPDX-License-Identifier: MIT */
/*
 * fetch -> spool -> parse -> file.  Messages are filed in batches, one
 * transaction per batch, keyed by Message-ID and content hash; a message
 * leaves spool/inbox/new only after its batch has committed.  A crash
 * between the two is repaired on the next run, when the message is found
 * already filed and its move is completed.  Batches make filing fast (one
 * durable commit for many messages) without weakening SPEC section 12.
 */
#include "ingest.h"

#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "classify.h"
#include "command.h"
#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "definition.h"
#include "emlout.h"
#include "extract.h"
#include "letter.h"
#include "letterq.h"
#include "log.h"
#include "message.h"
#include "mime.h"
#include "readahead.h"
#include "spool.h"
#include "subject.h"
#include "token.h"

#include "banned.h"

/*
 * Messages per transaction.  A commit writes every index page the batch
 * touched and syncs: at 100 a batch the commits took a fifth of the
 * filing time, at 500 a tenth (bench/).  The batch's receipts, about
 * 5 KB each, are what it holds in memory.
 */
#define INGEST_BATCH 500

struct ingest_ctx {
	struct db *db;
	const struct config *cfg;
	int64_t now;
	char *maildir;		/* spool/inbox */
	GHashTable *defs;	/* consultation id -> struct definition * */
	struct ingest_result *res;
	struct readahead *ahead;	/* of the files in new/ */
	struct letterq *letters;	/* receipts of the batch in hand */
	/* consultation id -> struct readahead_markers *, of defs */
	GHashTable *markers;
	const struct readahead_markers *expected;	/* told to ahead */
	/* struct question * of defs -> its row id, boxed */
	GHashTable *question_rows;
};

/* What a message turned out to be, before it is written. */
struct filing {
	const char *kind;
	const char *status;
	int64_t cid;
	int64_t pid;
	const char *match;
	struct extract_result *ext;
	/* Read ahead with the markers of consultation ahead_cid. */
	struct extract_result *ahead_ext;
	int64_t ahead_cid;
	const struct definition *def;
	int64_t mid;
	int64_t answers;
	int64_t invalid;
	GHashTable *errors;	/* question ID -> why it was not accepted */
	enum intent { INTENT_ANSWERS, INTENT_STOP, INTENT_WITHDRAW } intent;
	bool late;		/* after the deadline or the close */
	bool registered;	/* new sender of an open consultation */
	bool confirmed;		/* a reply that only confirmed an address */
	char *command;		/* "REMIND NAME" for a command */
};

/*
 * What to do with a spool file once its batch has committed: move it to
 * cur/ (filed, or filed earlier and not yet moved) or remove it (a
 * duplicate of another file).
 */
struct pending {
	char *name;
	bool discard;
	bool duplicate;
	bool skip;		/* gone, or not a file: nothing to do */
	bool kept;		/* Message-ID seen with other content */
	struct filing_summary {
		const char *kind;	/* static strings */
		const char *status;
		int64_t mid;
		int64_t pid;
		bool low_trust;
		bool registered;
		int64_t answers;
		int64_t invalid;
	} sum;
};

static void
pending_free(struct pending *p)
{
	g_free(p->name);
	g_free(p);
}

static const struct definition *
ingest_definition(struct ingest_ctx *ctx, int64_t cid, GError **err)
{
	struct definition *def = g_hash_table_lookup(ctx->defs, &cid);
	g_autofree char *name = NULL;
	int64_t *key;
	int64_t id;

	if (def)
		return def;
	name = db_consultation_name(ctx->db, cid, err);
	if (!name)
		return NULL;
	def = db_consultation_load(ctx->db, name, &id, err);
	if (!def)
		return NULL;
	key = g_new(int64_t, 1);
	*key = cid;
	g_hash_table_insert(ctx->defs, key, def);
	return def;
}

/*
 * Who sent it: a token the message carries (SPEC section 5 order), else
 * the From address of a known participant, recorded as low trust.
 */
static bool
ingest_match(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f, GError **err)
{
	g_autoptr(GPtrArray) cands = token_candidates(msg);
	g_autofree char *key = NULL;
	size_t i;
	int r;

	for (i = 0; i < cands->len; i++) {
		const struct token_candidate *c = cands->pdata[i];

		r = db_invitation_lookup(ctx->db, c->token, &f->pid, &f->cid,
		    err);
		if (r < 0)
			return false;
		if (r) {
			f->match = token_source_name(c->source);
			return true;
		}
	}
	if (!msg->from_addr)
		return true;
	key = addr_key(msg->from_addr);
	r = db_participant_find_any(ctx->db, key, &f->pid, &f->cid, err);
	if (r < 0)
		return false;
	if (r)
		f->match = "from";
	return true;
}

static void
ingest_markers_free(struct readahead_markers *m)
{
	extract_template_free(m->tmpl);
	g_free(m);
}

/* The markers of consultation cid (definition def), made once a run. */
static const struct readahead_markers *
ingest_markers(struct ingest_ctx *ctx, int64_t cid,
    const struct definition *def)
{
	struct readahead_markers *m = g_hash_table_lookup(ctx->markers, &cid);
	g_auto(GStrv) ids = NULL;
	g_auto(GStrv) lines = NULL;
	int64_t *key;
	size_t i;

	if (m)
		return m;
	ids = g_new0(char *, def->questions->len + 1);
	for (i = 0; i < def->questions->len; i++)
		ids[i] = g_strdup(((struct question *)
		    def->questions->pdata[i])->id);
	lines = definition_template_lines(def);
	m = g_new0(struct readahead_markers, 1);
	m->cid = cid;
	m->tmpl = extract_template_new((const char *const *)ids,
	    (const char *const *)lines);
	key = g_new(int64_t, 1);
	*key = cid;
	g_hash_table_insert(ctx->markers, key, m);
	return m;
}

/* Words that ask for no more mail, as a subject or a first line. */
static const char *const ingest_stop_words[] = {
	"stop", "unsubscribe", "remove", "arr\xc3\xaater",
	"d\xc3\xa9sabonner", "baja", "\xd1\x81\xd1\x82\xd0\xbe\xd0\xbf",
	"\xd0\xbe\xd1\x82\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0\xd1\x82"
	"\xd1\x8c\xd1\x81\xd1\x8f", "\xe9\x80\x80\xe8\xae\xa2",
	"\xd8\xa5\xd9\x84\xd8\xba\xd8\xa7\xd8\xa1", NULL
};

/* Words that withdraw consent: remove my answers. */
static const char *const ingest_withdraw_words[] = {
	"withdraw", "retirer", "retirar",
	"\xd0\xbe\xd1\x82\xd0\xbe\xd0\xb7\xd0\xb2\xd0\xb0\xd1\x82\xd1\x8c",
	"\xe6\x92\xa4\xe5\x9b\x9e", "\xd8\xb3\xd8\xad\xd8\xa8", NULL
};

/* s, trimmed of white space, tags, "Re:"-style prefixes and final dots. */
static bool
ingest_is_word(const char *s, const char *const *words)
{
	g_autofree char *t = NULL;
	g_autofree char *low = NULL;
	size_t n;

	if (!s)
		return false;
	t = g_strstrip(g_strdup(subject_skip_prefixes(s, NULL)));
	n = strlen(t);
	while (n > 0 && (t[n - 1] == '.' || t[n - 1] == '!'))
		t[--n] = '\0';
	low = g_utf8_strdown(t, -1);
	return g_strv_contains(words, low);
}

/*
 * A participant opts out with STOP or UNSUBSCRIBE, or withdraws with
 * WITHDRAW, as the subject (the List-Unsubscribe mailto sets it) or as
 * the first line they wrote.
 */
static enum intent
ingest_intent(const struct message *msg, const struct filing *f)
{
	g_autofree char *first = NULL;
	const char *text = f->ext ? f->ext->free_text : NULL;

	if (text)
		first = g_strndup(text, strcspn(text, "\n"));
	if (ingest_is_word(msg->subject, ingest_withdraw_words) ||
	    ingest_is_word(first, ingest_withdraw_words))
		return INTENT_WITHDRAW;
	if (ingest_is_word(msg->subject, ingest_stop_words) ||
	    ingest_is_word(first, ingest_stop_words))
		return INTENT_STOP;
	return INTENT_ANSWERS;
}

/*
 * A coordinator's command, when authorized; one that is not is logged
 * and the message is treated as mail (SPEC section 8).
 */
static bool
ingest_command(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f)
{
	g_autofree char *name = NULL;
	g_autofree char *why = NULL;
	enum command_verb verb = command_parse(msg, &name);

	if (verb == COMMAND_NONE)
		return false;
	if (!command_authorized(ctx->cfg, msg, &why)) {
		log_warnx("commands: not acting on a command in a message "
		    "from %s: %s", msg->from_addr ? msg->from_addr : "nobody",
		    why);
		return false;
	}
	f->kind = "command";
	f->status = "pending";
	f->command = command_text(verb, name);
	return true;
}

/* Whoever sent it, the address was not proven by a token. */
static bool
ingest_low_trust(const struct filing *f)
{
	return f->match && (strcmp(f->match, "from") == 0 ||
	    strcmp(f->match, "open") == 0);
}

/*
 * Keeps bulk or forged senders from flooding an open consultation: the
 * excess is held for review instead of registered.
 */
#define OPEN_PER_SENDER_PER_HOUR 5
#define OPEN_NEW_PER_HOUR 50

/*
 * Sets f->status "held" when msg's sender has written too often in the
 * last hour, or too many new senders arrived: a person looks at those.
 */
static bool
ingest_flood_check(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f, GError **err)
{
	g_autofree char *key = addr_key(msg->from_addr);
	int64_t from_sender, new_unverified;

	if (!db_participant_open_counts(ctx->db, f->cid, key, ctx->now - 3600,
	    &from_sender, &new_unverified, err))
		return false;
	if (from_sender >= OPEN_PER_SENDER_PER_HOUR ||
	    (!f->pid && new_unverified >= OPEN_NEW_PER_HOUR)) {
		f->status = "held";
		f->pid = 0;
		log_warnx("ingest: open consultation '%s': holding a message "
		    "for review (%lld from this sender, %lld new senders in "
		    "the last hour)", f->def->name, (long long)from_sender,
		    (long long)new_unverified);
	}
	return true;
}

/*
 * An unknown sender writing to an open consultation's public address, or
 * answering under its markers, becomes an unverified participant (SPEC
 * section 6).  Leaves f untouched when no open consultation applies.
 */
static bool
ingest_open(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f, GError **err)
{
	g_autoptr(GArray) ids = NULL;
	g_autofree char *key = NULL;
	g_autofree char *token = NULL;
	struct participant *p = NULL;
	const struct definition *def = NULL;
	struct extract_result *ext = NULL;
	int64_t cid = 0;
	bool created, ok = false;
	size_t i, j;

	if (!msg->from_addr || !addr_valid(msg->from_addr))
		return true;
	ids = db_consultation_open_ids(ctx->db, err);
	if (!ids)
		return false;
	for (i = 0; i < ids->len && !def; i++) {
		const struct readahead_markers *markers;
		bool to_public = false;

		cid = g_array_index(ids, int64_t, i);
		def = ingest_definition(ctx, cid, err);
		if (!def)
			return false;
		for (j = 0; def->public_address && j < msg->recipients->len;
		    j++)
			to_public |= g_ascii_strcasecmp(
			    msg->recipients->pdata[j], def->public_address) == 0;
		markers = ingest_markers(ctx, cid, def);
		ext = extract_reply_with(msg->text, markers->tmpl,
		    msg->from_name, msg->subject);
		if (!to_public && !ext->answers->len) {
			g_clear_pointer(&ext, extract_result_free);
			def = NULL;
		}
	}
	if (!def)
		return true;
	key = addr_key(msg->from_addr);
	f->cid = cid;
	f->def = def;
	f->ext = g_steal_pointer(&ext);
	f->kind = "reply";
	f->status = "filed";
	if (!ingest_flood_check(ctx, msg, f, err))
		goto out;
	if (strcmp(f->status, "held") == 0) {
		ok = true;
		goto out;
	}
	p = participant_new();
	p->email = addr_normalize(msg->from_addr);
	p->email_key = g_strdup(key);
	p->name = msg->from_name ? g_strdup(msg->from_name) : NULL;
	p->unverified = true;
	token = token_new(err);
	if (!token || !db_participant_upsert(ctx->db, cid, p, ctx->now,
	    &created, err) || db_participant_find(ctx->db, cid, key, &f->pid,
	    err) != 1 || !db_invitation_add(ctx->db, f->pid, token, ctx->now,
	    err))
		goto out;
	f->match = "open";
	f->registered = true;
	ok = true;
out:
	if (token)
		explicit_bzero(token, strlen(token));
	extract_result_free(ext);
	participant_free(p);
	return ok;
}

/*
 * An unverified participant who replies with their token has proven the
 * address: their answers count from now on.
 */
static bool
ingest_confirm(struct ingest_ctx *ctx, struct filing *f, GError **err)
{
	int r;

	if (ingest_low_trust(f))
		return true;
	r = db_participant_verify(ctx->db, f->pid, err);
	if (r < 0)
		return false;
	if (r && !f->ext->structured) {
		f->status = "confirmed";
		f->confirmed = true;
	}
	return true;
}

/*
 * Answers read from inside the quoted text (extract's quoted_only) that
 * are already recorded for the participant were not typed by them: a
 * reminder quotes the recorded answers under its markers.  They are
 * dropped; what is left was written into the quote.
 */
static bool
ingest_drop_recorded(struct ingest_ctx *ctx, struct filing *f, GError **err)
{
	g_autoptr(GHashTable) current = db_participant_answers(ctx->db,
	    f->pid, err);
	GPtrArray *answers = f->ext->answers;
	size_t i;

	if (!current)
		return false;
	for (i = answers->len; i-- > 0;) {
		const struct extract_answer *a = answers->pdata[i];
		const char *recorded = g_hash_table_lookup(current, a->id);

		if (recorded && strcmp(recorded, a->text) == 0)
			g_ptr_array_remove_index(answers, i);
	}
	if (answers->len > 0)
		g_ptr_array_add(f->ext->warnings, g_strdup(
		    EXTRACT_QUOTED_ONLY_WARNING));
	return true;
}

static bool
ingest_classify(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f, GError **err)
{
	const struct readahead_markers *markers;

	if (!ingest_match(ctx, msg, f, err))
		return false;
	switch (classify_message(msg)) {
	case CLASSIFY_AUTO_REPLY:
		f->kind = "auto_reply";
		f->status = "filed";
		return true;
	case CLASSIFY_BOUNCE:
		f->kind = "bounce";
		f->status = "filed";
		return true;
	case CLASSIFY_HUMAN:
		break;
	}
	if (ingest_command(ctx, msg, f))
		return true;
	if (!f->pid && !ingest_open(ctx, msg, f, err))
		return false;
	if (f->status && strcmp(f->status, "held") == 0)
		return true;
	if (!f->pid) {
		f->kind = "unrelated";
		f->status = "unmatched";
		f->ext = extract_reply_with(msg->text, NULL, msg->from_name,
		    msg->subject);
		return true;
	}
	f->def = ingest_definition(ctx, f->cid, err);
	if (!f->def)
		return false;
	markers = ingest_markers(ctx, f->cid, f->def);
	/* The next messages most likely answer the same consultation. */
	if (markers != ctx->expected) {
		readahead_expect(ctx->ahead, markers);
		ctx->expected = markers;
	}
	if (!f->ext && f->ahead_ext && f->ahead_cid == f->cid)
		f->ext = g_steal_pointer(&f->ahead_ext);
	if (!f->ext)
		f->ext = extract_reply_with(msg->text, markers->tmpl,
		    msg->from_name, msg->subject);
	if (f->ext->quoted_only && !ingest_drop_recorded(ctx, f, err))
		return false;
	f->kind = "reply";
	f->status = f->ext->structured ? "filed" : "unstructured";
	if (f->def->open && ingest_low_trust(f) && !f->registered) {
		if (!ingest_flood_check(ctx, msg, f, err))
			return false;
		if (strcmp(f->status, "held") == 0)
			return true;
	}
	f->intent = ingest_intent(msg, f);
	/* Removing answers needs the token: a forged From cannot. */
	if (f->intent == INTENT_WITHDRAW && ingest_low_trust(f)) {
		log_warnx("ingest: WITHDRAW without a token from participant "
		    "%lld not acted on", (long long)f->pid);
		f->intent = INTENT_ANSWERS;
	}
	if (f->intent == INTENT_STOP && !f->ext->structured)
		f->status = "opt_out";
	if (f->intent == INTENT_WITHDRAW)
		f->status = "withdraw";
	f->late = (f->def->deadline && ctx->now > f->def->deadline) ||
	    f->def->closed_at;
	return ingest_confirm(ctx, f, err);
}

/* Looked up once a run: answers name the same few questions. */
static int64_t
ingest_question_row(struct ingest_ctx *ctx, int64_t cid,
    const struct question *q, GError **err)
{
	int64_t *row = g_hash_table_lookup(ctx->question_rows, q);

	if (row)
		return *row;
	row = g_new(int64_t, 1);
	*row = db_question_row(ctx->db, cid, q->id, err);
	if (*row < 0) {
		g_free(row);
		return -1;
	}
	g_hash_table_insert(ctx->question_rows, (gpointer)(uintptr_t)q,
	    row);
	return *row;
}

static bool
ingest_answers(struct ingest_ctx *ctx, struct filing *f, int64_t mid,
    GError **err)
{
	size_t i;

	for (i = 0; i < f->ext->answers->len; i++) {
		const struct extract_answer *a = f->ext->answers->pdata[i];
		const struct question *q = definition_question(f->def, a->id);
		g_autofree char *norm = NULL;
		g_autofree char *verr = NULL;
		struct db_answer_row row = { 0 };

		if (!q)
			continue;
		norm = question_normalize_answer(q, a->text, &verr);
		row.participant_id = f->pid;
		row.consultation_id = f->cid;
		row.question = q->id;
		row.question_row = ingest_question_row(ctx, f->cid, q, err);
		if (row.question_row < 0)
			return false;
		row.message_id = mid;
		row.source = "mail";
		row.answer = norm ? norm : a->text;
		row.error = verr;
		row.trust = ingest_low_trust(f) ? "from" : "token";
		row.answered_at = ctx->now;
		if (!db_answer_add(ctx->db, &row, err))
			return false;
		f->answers++;
		if (verr) {
			f->invalid++;
			if (!db_message_add_warning(ctx->db, mid, verr, err))
				return false;
			g_hash_table_insert(f->errors, g_strdup(q->id),
			    g_strdup(verr));
		}
	}
	return true;
}

/* A permanent bounce marks the participant's address as failed. */
static bool
ingest_bounce(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f, GError **err)
{
	g_autofree char *rcpt = NULL;
	g_autofree char *status = NULL;
	g_autofree char *key = NULL;
	bool permanent = false;
	int64_t pid = f->pid, cid = f->cid;
	int r;

	if (!classify_bounce_info(msg, &rcpt, &status, &permanent))
		return true;
	/*
	 * Only a bounce that carries one of our tokens (VERP address, our
	 * Message-ID or Ref: line in the returned original) may mark an
	 * address failed: anyone can forge a report naming a participant.
	 * Otherwise it is linked by address, for a person to look at.
	 */
	if (permanent && pid && f->match && strcmp(f->match, "from") != 0)
		return db_participant_set_status(ctx->db, pid, "bounced", err);
	if (!pid && rcpt) {
		key = addr_key(rcpt);
		r = db_participant_find_any(ctx->db, key, &pid, &cid, err);
		if (r < 0)
			return false;
		f->pid = pid;
		f->cid = cid;
		f->match = r ? "from" : NULL;
	}
	return true;
}

static const char ingest_optout_fallback[] =
    "Subject: No more reminders: {{title}}\n"
    "\n"
    "Dear {{name}},\n"
    "\n"
    "As you asked, you will receive no more reminders about\n"
    "{{title}}. What you have sent us is kept, and you can still\n"
    "reply with answers until {{deadline}}.\n"
    "\n"
    "With kind regards,\n"
    "\n"
    "{{title}}\n";

/* For a consultation that ships no acknowledgement.txt. */
static const char ingest_receipt_fallback[] =
    "Subject: Received: {{title}}\n"
    "\n"
    "Dear {{name}},\n"
    "\n"
    "Thank you for your reply. This is what we have recorded for you:\n"
    "\n"
    "{{answers}}\n"
    "To add or change an answer, reply to this message and write the\n"
    "new text under the marker of the question, such as [Q1].\n"
    "\n"
    "{{title}}\n";

static const char ingest_withdraw_fallback[] =
    "Subject: Your answers were withdrawn: {{title}}\n"
    "\n"
    "Dear {{name}},\n"
    "\n"
    "As you asked, your answers to {{title}} have been withdrawn: they\n"
    "will not appear in any export or report. We keep only a record\n"
    "that you withdrew, and you will receive no more reminders.\n"
    "\n"
    "With kind regards,\n"
    "\n"
    "{{title}}\n";

/* What a receipt says was recorded, and whether it came late. */
static char *
ingest_receipt_text(const struct filing *f, GHashTable *current)
{
	GString *out = g_string_new(NULL);
	g_autofree char *when = NULL;

	if (f->registered)
		g_string_append(out, "As this is your first message to this "
		    "consultation, please confirm your address: reply to this "
		    "message once, there is no need to write anything. Until "
		    "then your answers are counted apart.\n\n");
	if (f->late) {
		when = letter_date(f->def->closed_at ? f->def->closed_at :
		    f->def->deadline);
		g_string_append_printf(out, "Your reply arrived after %s %s. "
		    "It has been kept and will be read, marked as late.\n\n",
		    f->def->closed_at ? "the consultation closed on" :
		    "the deadline of", when);
	}
	if (f->ext->structured) {
		g_autofree char *list = letter_answers_text(f->def, current,
		    f->errors);

		g_string_append(out, list);
	} else
		g_string_append(out, "We found no answers under the markers "
		    "of your message, so it will be read by a person. To "
		    "answer, write under each marker, such as [Q1].\n");
	return g_string_free(out, FALSE);
}

static char *
ingest_references(const struct message *msg)
{
	GString *refs = g_string_new(NULL);
	size_t i;

	for (i = 0; i < msg->references->len; i++)
		g_string_append_printf(refs, "%s ",
		    (char *)msg->references->pdata[i]);
	if (msg->message_id)
		g_string_append(refs, msg->message_id);
	return g_string_free(refs, FALSE);
}

/*
 * Asks for the receipt of a reply (or the confirmation of an opt-out or
 * withdrawal), composed beside the filer and queued in the batch's
 * transaction, so that each reply gets exactly one: the outbox row
 * commits with the filing or not at all.
 */
static bool
ingest_notify(struct ingest_ctx *ctx, const struct message *msg,
    struct filing *f, GError **err)
{
	g_autoptr(GHashTable) vars = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) current = NULL;
	g_autofree char *refs = ingest_references(msg);
	g_autofree char *unique = g_strdup_printf("m%lld",
	    (long long)f->mid);
	g_autofree char *what = NULL;
	struct participant *p = NULL;
	struct letter l = { 0 };
	bool ok = false;

	p = db_participant_get(ctx->db, f->pid, err);
	if (!p)
		return false;
	/* No token yet (never invited): nothing to reply with. */
	if (!p->token) {
		ok = true;
		goto out;
	}
	l.in_reply_to = msg->message_id;
	l.references = refs;
	l.auto_replied = true;
	l.unique = unique;
	if (f->intent == INTENT_WITHDRAW) {
		if (strcmp(p->status, "withdrawn") == 0) {
			ok = true;	/* confirmed once already */
			goto out;
		}
		if (!db_participant_withdraw(ctx->db, f->pid, err))
			goto out;
		l.kind = "withdrawal";
		l.template_name = "withdrawal";
		l.fallback = ingest_withdraw_fallback;
	} else if (f->intent == INTENT_STOP) {
		if (strcmp(p->status, "active") != 0) {
			ok = true;	/* confirmed once already */
			goto out;
		}
		if (!db_participant_set_status(ctx->db, f->pid, "opted_out",
		    err))
			goto out;
		l.kind = "optout";
		l.template_name = "optout";
		l.fallback = ingest_optout_fallback;
	} else {
		current = db_participant_answers(ctx->db, f->pid, err);
		if (!current)
			goto out;
		g_hash_table_insert(vars, g_strdup("answers"),
		    ingest_receipt_text(f, current));
		g_hash_table_insert(vars, g_strdup("missing"),
		    letter_missing_text(f->def, current));
		l.kind = "acknowledgement";
		l.template_name = "acknowledgement";
		l.fallback = ingest_receipt_fallback;
		l.vars = vars;
	}
	what = g_strdup_printf("ingest: no receipt for message %lld",
	    (long long)f->mid);
	letterq_push(ctx->letters, f->def, f->cid, g_steal_pointer(&p), &l,
	    what);
	ok = true;
out:
	participant_free(p);
	return ok;
}

static bool
ingest_write(struct ingest_ctx *ctx, const struct message *msg,
    const char *hash, const char *spool_file, struct filing *f,
    GError **err)
{
	struct db_message_row row = { 0 };
	int64_t mid;
	size_t i;

	if (strcmp(f->kind, "bounce") == 0 && !ingest_bounce(ctx, msg, f, err))
		return false;
	row.message_id = msg->message_id;
	row.content_hash = hash;
	row.spool_file = spool_file;
	row.kind = f->kind;
	row.status = f->status;
	row.consultation_id = f->cid;
	row.participant_id = f->pid;
	row.match = f->match;
	row.sender = msg->from_addr;
	row.subject = msg->subject;
	row.free_text = f->command ? f->command :
	    f->ext ? f->ext->free_text : NULL;
	row.late = f->late;
	row.sent_at = msg->date;
	row.received_at = ctx->now;
	if (!db_message_add(ctx->db, &row, &mid, err))
		return false;
	f->mid = mid;
	if (strcmp(f->kind, "reply") == 0 && f->pid) {
		if (!ingest_answers(ctx, f, mid, err))
			return false;
		if (!f->confirmed && !ingest_notify(ctx, msg, f, err))
			return false;
	}
	for (i = 0; f->ext && i < f->ext->warnings->len; i++)
		if (!db_message_add_warning(ctx->db, mid,
		    f->ext->warnings->pdata[i], err))
			return false;
	for (i = 0; i < msg->warnings->len; i++)
		if (!db_message_add_warning(ctx->db, mid,
		    msg->warnings->pdata[i], err))
			return false;
	for (i = 0; i < msg->attachments->len; i++)
		if (!db_message_add_attachment(ctx->db, mid,
		    msg->attachments->pdata[i], err))
			return false;
	return true;
}

/* Counted and logged only once the batch is committed. */
static void
ingest_report(struct ingest_result *res, const struct pending *p)
{
	const struct filing_summary *f = &p->sum;

	if (p->duplicate) {
		res->duplicates++;
		return;
	}
	res->filed++;
	res->answers += f->answers;
	res->invalid += f->invalid;
	if (strcmp(f->kind, "reply") == 0) {
		if (strcmp(f->status, "unstructured") == 0)
			res->unstructured++;
		else
			res->replies++;
	} else if (strcmp(f->kind, "auto_reply") == 0)
		res->auto_replies++;
	else if (strcmp(f->kind, "bounce") == 0)
		res->bounces++;
	else if (strcmp(f->kind, "command") == 0)
		res->commands++;
	else
		res->unrelated++;
	log_info("ingest: filed %s %lld (%s) participant %lld, %lld "
	    "answer(s)%s", f->kind, (long long)f->mid, f->status,
	    (long long)f->pid, (long long)f->answers,
	    f->low_trust ? ", matched by From only" : f->registered ?
	    ", new unverified participant" : "");
}

/*
 * A message that cannot be parsed (or is over the size limit) is still
 * filed, as unrelated with that status, so it shows up for triage and
 * leaves the inbox.
 */
static struct message *
ingest_placeholder(const char *why)
{
	struct message *msg = message_new();

	g_ptr_array_add(msg->warnings, g_strdup(why));
	return msg;
}

/*
 * A message over the size limit is never read whole: its header block
 * gives the Message-ID, sender and subject, and a hash of the file read
 * in chunks keys it, so a second delivery is recognised.
 */
static struct message *
ingest_oversize(const char *path, const char *why, char **hash_out,
    GError **err)
{
	g_autofree char *head = NULL;
	struct message *msg;
	size_t len;

	head = spool_read_header(path, 256 * 1024, &len, err);
	if (!head)
		return NULL;
	*hash_out = spool_hash_file(path, err);
	if (!*hash_out)
		return NULL;
	msg = mime_parse(head, len, NULL);
	if (!msg)
		msg = message_new();
	g_free(msg->text);
	msg->text = g_strdup("");
	/*
	 * What the parser says of the cut header ("truncated message") is
	 * not about the message and would hide the one warning that is.
	 */
	g_ptr_array_set_size(msg->warnings, 0);
	g_ptr_array_add(msg->warnings, g_strdup(why));
	return msg;
}

/*
 * Files one spool file inside the caller's transaction and says what to
 * do with the file after the commit.  Fails only for errors that are not
 * the message's fault (database, disk).
 */
static bool
ingest_one(struct ingest_ctx *ctx, const char *name, struct pending *p,
    GError **err)
{
	g_autofree char *path = g_build_filename(ctx->maildir, "new", name,
	    NULL);
	g_autofree char *filed = g_strconcat(name, ":2,S", NULL);
	g_autofree char *spool_file = g_build_filename("inbox", "cur", filed,
	    NULL);
	g_autofree char *hash = NULL;
	g_autofree char *prev = NULL;
	struct readahead_item *item = readahead_next(ctx->ahead);
	struct message *msg = NULL;
	struct filing f = { 0 };
	bool ok = false;
	int seen;

	f.errors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	if (item->deferred)
		readahead_read(item, path,
		    (size_t)ctx->cfg->imap.max_message_size, NULL);
	if (item->read_err && item->read_err->code == EX_NOINPUT) {
		/* Taken by another process, or not a file: leave it. */
		log_warnx("ingest: skipping '%s': %s", name,
		    item->read_err->message);
		p->skip = true;
		ok = true;
		goto out;
	}
	if (item->read_err && item->read_err->code != EX_DATAERR) {
		g_propagate_error(err, g_steal_pointer(&item->read_err));
		goto out;
	}
	if (item->read_err) {
		msg = ingest_oversize(path, item->read_err->message, &hash,
		    err);
		if (!msg)
			goto out;
		f.kind = "unrelated";
		f.status = "too_large";
	} else {
		hash = g_steal_pointer(&item->hash);
		msg = g_steal_pointer(&item->msg);
		f.ahead_ext = g_steal_pointer(&item->ext);
		f.ahead_cid = item->ext_cid;
		if (!msg) {
			msg = ingest_placeholder(item->parse_err->message);
			f.kind = "unrelated";
			f.status = "unparseable";
		}
	}
	seen = db_message_seen(ctx->db, msg->message_id, hash, &prev, err);
	if (seen < 0)
		goto out;
	if (seen) {
		p->duplicate = true;
		/* Filed, but a crash came before the move: finish it. */
		if (prev && strcmp(prev, spool_file) == 0)
			p->discard = false;
		else if (seen == 1)
			p->discard = true;
		else {
			/*
			 * Same Message-ID, other content: not the same
			 * message delivered twice.  It is not filed again,
			 * but kept in cur/ and reported, never deleted.
			 */
			p->kept = true;
			log_warnx("ingest: message %s arrived again with "
			    "different content; kept as %s, not filed",
			    msg->message_id, spool_file);
		}
		ok = true;
		goto out;
	}
	if (!f.kind && !ingest_classify(ctx, msg, &f, err))
		goto out;
	if (!ingest_write(ctx, msg, hash, spool_file, &f, err))
		goto out;
	p->sum.kind = f.kind;
	p->sum.status = f.status;
	p->sum.mid = f.mid;
	p->sum.pid = f.pid;
	p->sum.low_trust = f.match && strcmp(f.match, "from") == 0;
	p->sum.registered = f.registered;
	p->sum.answers = f.answers;
	p->sum.invalid = f.invalid;
	ok = true;
out:
	g_free(f.command);
	g_hash_table_unref(f.errors);
	extract_result_free(f.ext);
	extract_result_free(f.ahead_ext);
	message_free(msg);
	readahead_item_free(item);
	return ok;
}

/* After the commit: every file of the batch leaves new/. */
static bool
ingest_settle(struct ingest_ctx *ctx, GPtrArray *batch, GError **err)
{
	size_t i;

	for (i = 0; i < batch->len; i++) {
		const struct pending *p = batch->pdata[i];
		char *moved;

		if (p->skip)
			continue;
		if (p->discard) {
			if (!spool_discard(ctx->maildir, p->name, err))
				return false;
		} else {
			moved = spool_mark_filed(ctx->maildir, p->name,
			    err);
			if (!moved)
				return false;
			g_free(moved);
		}
		ingest_report(ctx->res, p);
	}
	/* One sync of cur/ and new/ for the batch's moves and removals. */
	return spool_sync(ctx->maildir, "cur", err) &&
	    spool_sync(ctx->maildir, "new", err);
}

static bool
ingest_batch(struct ingest_ctx *ctx, GPtrArray *names, size_t from,
    size_t to, GError **err)
{
	g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)pending_free);
	size_t i;

	if (!db_begin(ctx->db, err))
		return false;
	for (i = from; i < to; i++) {
		struct pending *p = g_new0(struct pending, 1);

		p->name = g_strdup(names->pdata[i]);
		g_ptr_array_add(batch, p);
		if (!ingest_one(ctx, p->name, p, err)) {
			g_prefix_error(err, "cannot file '%s': ", p->name);
			db_rollback(ctx->db);
			return false;
		}
	}
	if (!letterq_flush(ctx->letters, ctx->db, err)) {
		db_rollback(ctx->db);
		return false;
	}
	if (!db_commit(ctx->db, err)) {
		letterq_rollback(ctx->letters);
		g_prefix_error(err, "cannot file %zu message(s), left in the "
		    "inbox for the next run: ", to - from);
		return false;
	}
	letterq_committed(ctx->letters);
	return ingest_settle(ctx, batch, err);
}

/*
 * New mail most likely answers what the last mail answered: the
 * read-ahead starts with that consultation's markers (ctx->expected).
 */
static bool
ingest_expect_last(struct ingest_ctx *ctx, GError **err)
{
	const struct definition *def;
	int64_t cid = db_message_last_consultation(ctx->db, err);

	if (cid <= 0)
		return cid == 0;
	def = ingest_definition(ctx, cid, err);
	if (!def)
		return false;
	ctx->expected = ingest_markers(ctx, cid, def);
	return true;
}

bool
ingest_spool(struct db *db, const struct config *cfg, int64_t now,
    struct ingest_result *res, GError **err)
{
	struct ingest_ctx ctx = { 0 };
	g_autoptr(GError) finish_err = NULL;
	g_autoptr(GPtrArray) names = NULL;
	char *new_folder = NULL;
	bool ok = false;
	int lock = -1;
	size_t i;

	ctx.db = db;
	ctx.cfg = cfg;
	ctx.now = now;
	ctx.res = res;
	ctx.maildir = g_build_filename(cfg->spool, "inbox", NULL);
	ctx.defs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    (GDestroyNotify)definition_free);
	ctx.markers = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, (GDestroyNotify)ingest_markers_free);
	ctx.question_rows = g_hash_table_new_full(g_direct_hash,
	    g_direct_equal, NULL, g_free);
	/* One filer at a time: the timer's run and a manual one queue up. */
	lock = spool_lock(ctx.maildir, err);
	if (lock < 0)
		goto out;
	emlout_clean_tmp(cfg->spool);
	names = spool_list(ctx.maildir, "new", err);
	if (!names)
		goto out;
	if (!ingest_expect_last(&ctx, err))
		goto out;
	new_folder = g_build_filename(ctx.maildir, "new", NULL);
	ctx.ahead = readahead_start(new_folder, names,
	    (size_t)cfg->imap.max_message_size, ctx.expected, err);
	if (!ctx.ahead)
		goto out;
	ctx.letters = letterq_new(cfg, now, err);
	if (!ctx.letters)
		goto out;
	/* On SIGTERM, stop after the batch in hand: it is committed. */
	for (i = 0; i < names->len && !consultd_stopping();
	    i += INGEST_BATCH)
		if (!ingest_batch(&ctx, names, i, MIN(i + INGEST_BATCH,
		    names->len), err))
			goto out;
	/* The filing stands; unmarked receipts stay queued for a flush. */
	if (!letterq_finish(ctx.letters, db, &finish_err))
		log_warnx("ingest: %s; the last receipts are left to the "
		    "outbox", finish_err->message);
	ok = true;
out:
	if (ctx.letters)
		res->sent += letterq_sent(ctx.letters);
	readahead_stop(ctx.ahead);
	/* Before the definitions, which the letters in progress read. */
	letterq_free(ctx.letters);
	g_hash_table_unref(ctx.markers);
	g_hash_table_unref(ctx.question_rows);
	if (lock >= 0)
		close(lock);
	g_free(new_folder);
	g_free(ctx.maildir);
	g_hash_table_unref(ctx.defs);
	return ok;
}

/* The files of a Maildir folder's new/ and cur/, or NULL if not one. */
static GPtrArray *
ingest_maildir_files(const char *dir)
{
	static const char *const subs[] = { "new", "cur" };
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	bool maildir = false;
	size_t i, j;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autoptr(GPtrArray) names = spool_list(dir, subs[i], NULL);

		if (!names)
			continue;
		maildir = true;
		for (j = 0; j < names->len; j++)
			g_ptr_array_add(files, g_build_filename(dir, subs[i],
			    names->pdata[j], NULL));
	}
	if (!maildir) {
		g_ptr_array_unref(files);
		return NULL;
	}
	return files;
}

bool
ingest_paths(struct db *db, const struct config *cfg,
    const char *const *paths, int64_t now, struct ingest_result *res,
    GError **err)
{
	g_autofree char *maildir = g_build_filename(cfg->spool, "inbox", NULL);
	size_t i, j;

	/* Check every path before copying any, so a typo copies nothing. */
	for (i = 0; paths[i]; i++)
		if (!g_file_test(paths[i], G_FILE_TEST_EXISTS)) {
			g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
			    "'%s' does not exist; nothing was filed",
			    paths[i]);
			return false;
		}
	for (i = 0; paths[i]; i++) {
		g_autoptr(GPtrArray) files = NULL;

		if (g_file_test(paths[i], G_FILE_TEST_IS_DIR)) {
			files = ingest_maildir_files(paths[i]);
			if (!files) {
				g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
				    "'%s' is a folder but not a Maildir (no "
				    "new/ or cur/); give .eml files or a "
				    "Maildir", paths[i]);
				return false;
			}
		} else {
			files = g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(files, g_strdup(paths[i]));
		}
		/* A batch's files share their syncs, as filing does. */
		for (j = 0; j < files->len; j += INGEST_BATCH)
			if (!spool_deliver_files(maildir,
			    (const char *const *)files->pdata + j,
			    MIN(INGEST_BATCH, files->len - j), err))
				return false;
	}
	return ingest_spool(db, cfg, now, res, err);
}
