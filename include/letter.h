/* SPDX-License-Identifier: MIT */
/*
 * Letters to one participant (invitation, acknowledgement, reminder,
 * confirmations): the consultation's template rendered with the standard
 * placeholders plus the caller's, composed as a MIME message that carries
 * the participant's token (Reply-To, Message-ID, Ref: line), ready to be
 * queued in the outbox.
 */
#ifndef CONSULTD_LETTER_H
#define CONSULTD_LETTER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config;
struct definition;
struct outbox_item;
struct participant;

struct letter {
	const char *kind;	/* outbox kind and Message-ID part */
	const char *template_name;	/* "invitation", ... */
	const char *fallback;	/* template text when the definition has
				   none, or NULL: then EX_CONFIG */
	GHashTable *vars;	/* char * -> char *, extra placeholders */
	const char *unique;	/* Message-ID suffix, or NULL: random */
	const char *in_reply_to;	/* without brackets, or NULL */
	const char *references;	/* space-separated ids, or NULL */
	bool auto_replied;	/* Auto-Submitted: auto-replied (a response
				   to a message) rather than auto-generated */
};

/*
 * Builds letter l from consultation def (id cid) for participant p, whose
 * invitation token is token.  The standard placeholders are name, title,
 * deadline, reply_address, consent and questions (the marker block).
 * Returns a newly allocated outbox item (outbox_item_free()), or NULL
 * with EX_CONFIG (template) or EX_DATAERR (address).
 */
struct outbox_item *letter_build(const struct config *cfg,
    const struct definition *def, int64_t cid, const struct participant *p,
    const char *token, const struct letter *l, int64_t now, GError **err);

/*
 * What is recorded for a participant, question by question, for receipts
 * and reminders: each question's ID and prompt, then its current answer
 * (from answers, ID -> text) indented, or "(no answer yet)"; errors (ID ->
 * text, may be NULL) marks answers that were not accepted and why.  The
 * lines carry no [ID] markers, so that a receipt quoted back unquoted is
 * never read as new answers.  Newly allocated.
 */
char *letter_answers_text(const struct definition *def, GHashTable *answers,
    GHashTable *errors);

/* The questions without an answer, one "ID  prompt" line each. */
char *letter_missing_text(const struct definition *def, GHashTable *answers);

/*
 * A note to someone who is not a participant (a coordinator): text body,
 * From [smtp] from or else from_addr, threaded under in_reply_to.
 * Returns a newly allocated outbox item of the given kind, or NULL with
 * EX_DATAERR (an address that cannot be used).
 */
struct outbox_item *letter_note(const struct config *cfg,
    const char *from_addr, const char *to, const char *subject,
    const char *body, const char *in_reply_to, const char *kind,
    int64_t now, GError **err);

/* A date as people read it, "31 January 2027"; newly allocated. */
char *letter_date(int64_t t);

#endif
