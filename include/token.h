/* SPDX-License-Identifier: MIT */
/*
 * Invitation tokens (SPEC section 5): 160 random bits from getrandom() as
 * 32 lowercase base32 characters, and where a reply carries them (the
 * consult+TOKEN@ address, the Message-IDs it cites, the "Ref:" line).
 */
#ifndef CONSULTD_TOKEN_H
#define CONSULTD_TOKEN_H

#include <glib.h>
#include <stdbool.h>

#define TOKEN_LEN 32

struct message;

enum token_source {
	TOKEN_FROM_ADDRESS,	/* consult+TOKEN@domain among the recipients */
	TOKEN_FROM_REFERENCE,	/* In-Reply-To or References */
	TOKEN_FROM_REF_LINE,	/* "Ref: TOKEN" in the body */
};

struct token_candidate {
	char token[TOKEN_LEN + 1];
	enum token_source source;
};

/* A new token, newly allocated; EX_IOERR if the kernel gives no entropy. */
char *token_new(GError **err);

/* True when s is exactly a token (32 chars of [a-z2-7]). */
bool token_valid(const char *s);

/*
 * The tokens a message carries, in the order SPEC section 5 trusts them,
 * without repeats; then those of our Message-IDs in an original that a
 * delivery report returns; when none, a "Message-Id: <consultd...>" line
 * of the text (a plain report's copy of the original's header).  Newly
 * allocated array of struct token_candidate *.
 */
GPtrArray *token_candidates(const struct message *msg);

/* "address", "reference" or "ref_line". */
const char *token_source_name(enum token_source source);

/*
 * The Message-ID (without brackets) of an outgoing message of the given
 * kind ("invitation", "reminder", ...) for token, unique per call:
 * "consultd.KIND.TOKEN.RANDOM@DOMAIN".  Newly allocated.
 */
char *token_message_id(const char *kind, const char *token,
    const char *domain);

/*
 * Does id (with or without "<>") name an outgoing message of this kind,
 * as token_message_id() writes them?
 */
bool token_message_id_is(const char *id, const char *kind);

/*
 * The reply address carrying the token: "local+TOKEN@domain" for
 * reply_address "local@domain".  Newly allocated, NULL if reply_address
 * has no '@'.
 */
char *token_reply_address(const char *reply_address, const char *token);

#endif
