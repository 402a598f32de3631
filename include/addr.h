/* SPDX-License-Identifier: MIT */
/*
 * E-mail addresses (RFC 5321/5322 addr-specs) as participants' data: a
 * practical validity check for import and for outgoing mail, the normal
 * form we store and send to, and the key we deduplicate on.  Display names
 * and header parsing are mime's and compose's business.
 */
#ifndef CONSULTD_ADDR_H
#define CONSULTD_ADDR_H

#include <stdbool.h>

/* RFC 5321 section 4.5.3.1: path at most 256 octets with the brackets. */
#define ADDR_MAX_LEN 254
#define ADDR_MAX_LOCAL_LEN 64

/*
 * Whether addr is an addr-spec we are willing to import and send to:
 * "local@domain" with exactly one "@", at most ADDR_MAX_LEN octets.
 *
 * The local part is an ASCII dot-atom (RFC 5322 section 3.2.3) of at most
 * ADDR_MAX_LOCAL_LEN octets: no quoted local parts, no leading, trailing
 * or doubled dot, no UTF-8 (SMTPUTF8 cannot be relied upon, LIBRARY-NOTES
 * S8).  The domain has at least two labels; ASCII labels are letters,
 * digits and inner hyphens; UTF-8 (IDN) labels are letters, digits, marks
 * and inner hyphens; every label (as an A-label) is 1-63 octets; the last
 * label is not all digits; no domain literals ("[1.2.3.4]").
 *
 * So CR, LF, NUL, spaces, controls, "<>()[],;:\"\\" never pass, which is what
 * keeps header and SMTP envelope injection out (LIBRARY-NOTES S4).  The
 * address is checked as given: trim it first (addr_normalize).  NULL is
 * not valid.
 */
bool addr_valid(const char *addr);

/*
 * The stored and sent form of addr: surrounding white space removed and
 * the domain lowercased (domains are case-insensitive, RFC 5321 section
 * 2.4); the local part keeps its case, since RFC 5321 lets the receiving
 * host give it meaning.  Does not validate: call addr_valid() on the
 * result.  Returns a newly allocated string.
 */
char *addr_normalize(const char *addr);

/*
 * The key two addresses are the same participant by: addr trimmed and
 * lowercased as a whole.  RFC 5321 allows case-sensitive local parts, but
 * no provider our participants use (Gmail, Outlook/Exchange, Yahoo, Apple,
 * government and UN systems, Postfix/Exim defaults) treats them so, and
 * people type their address in whatever case; a key that kept the case
 * would import "Ana@x.org" and "ana@x.org" as two participants and file
 * her reply under neither.  Not for sending: use addr_normalize() there.
 * Returns a newly allocated string.
 */
char *addr_key(const char *addr);

#endif
