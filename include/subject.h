/* SPDX-License-Identifier: MIT */
/*
 * What a subject line says before its text: gateways' and lists' tags
 * ("[EXTERNAL]", "[bpf-list]") and mail clients' reply and forward
 * prefixes in their languages ("RE:", "AW:", "Re[2]:", "答复:", "TR:",
 * "Fwd:").  Commands, opt-out words and the reading of a reply's quoted
 * history all look past them.
 */
#ifndef CONSULTD_SUBJECT_H
#define CONSULTD_SUBJECT_H

enum subject_prefix {
	SUBJECT_PLAIN,		/* no reply or forward prefix */
	SUBJECT_REPLY,
	SUBJECT_FORWARD,
};

/*
 * subject past its leading tags and prefixes, and blanks; *first, when
 * not NULL, says what the first prefix was ("Fwd: Re: x" is a forward).
 * NULL gives NULL and SUBJECT_PLAIN.
 */
const char *subject_skip_prefixes(const char *subject,
    enum subject_prefix *first);

#endif
