/* SPDX-License-Identifier: MIT */
#include <glib.h>
#include <string.h>

#include "subject.h"

#include "banned.h"

/*
 * Prefixes as Outlook, Gmail, Apple Mail, Thunderbird and webmails
 * write them, lower case, without their colon.
 */
static const char *const subject_reply_prefixes[] = {
	"re", "aw", "sv", "r", "res", "odp", "ynt", "antw", "vs", "atb",
	"ang", "odg", "\xe7\xad\x94\xe5\xa4\x8d",		/* 答复 */
	"\xe5\x9b\x9e\xe5\xa4\x8d",			/* 回复 */
	"\xe5\x9b\x9e\xe8\xa6\x86",			/* 回覆 */
	"\xd8\xb1\xd8\xaf",				/* رد */
	"\xed\x9a\x8c\xec\x8b\xa0",			/* 회신 */
	"\xd0\xbe\xd1\x82\xd0\xb2",			/* отв */
	NULL,
};

static const char *const subject_forward_prefixes[] = {
	"fwd", "fw", "tr", "rv", "wg", "enc", "i", "pd", "vl", "vb", "doorst",
	"\xe8\xbd\xac\xe5\x8f\x91",			/* 转发 */
	"\xe8\xbd\x89\xe5\xaf\x84",			/* 轉寄 */
	"\xe8\xbd\xac\xe5\xaf\x84",			/* 转寄 */
	"\xd0\xbf\xd0\xb5\xd1\x80\xd0\xb5\xd1\x81\xd0\xbb",	/* пересл */
	"\xec\xa0\x84\xeb\x8b\xac",			/* 전달 */
	NULL,
};

/*
 * Past prefix and its colon (ASCII or full-width) at s, letters compared
 * without case, a count in brackets allowed ("Re[2]:", The Bat! and
 * Mail.ru); NULL when s does not start so.
 */
static const char *
subject_match(const char *s, const char *prefix)
{
	while (*prefix) {
		gunichar want = g_utf8_get_char(prefix);
		gunichar got = g_utf8_get_char_validated(s, -1);

		if (got == (gunichar)-1 || got == (gunichar)-2 ||
		    g_unichar_tolower(got) != want)
			return NULL;
		prefix += g_utf8_skip[*(const unsigned char *)prefix];
		s += g_utf8_skip[*(const unsigned char *)s];
	}
	if (*s == '[' && s[1 + strspn(s + 1, "0123456789")] == ']')
		s += strspn(s + 1, "0123456789") + 2;
	/* French Outlook: "RE :", the blank a no-break one. */
	for (;;) {
		if (*s == ' ')
			s++;
		else if (strncmp(s, "\xc2\xa0", 2) == 0)
			s += 2;
		else if (strncmp(s, "\xe2\x80\xaf", 3) == 0)
			s += 3;
		else
			break;
	}
	if (*s == ':')
		return s + 1;
	if (strncmp(s, "\xef\xbc\x9a", 3) == 0)		/* ： */
		return s + 3;
	return NULL;
}

static const char *
subject_match_any(const char *s, const char *const *prefixes)
{
	const char *past;
	size_t i;

	for (i = 0; prefixes[i]; i++)
		if ((past = subject_match(s, prefixes[i])))
			return past;
	return NULL;
}

const char *
subject_skip_prefixes(const char *subject, enum subject_prefix *first)
{
	enum subject_prefix kind = SUBJECT_PLAIN;
	const char *s = subject, *past;

	while (s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[' && strchr(s, ']') && strchr(s, ']')[1] != '\0') {
			/* A tag, not the whole subject: "[EXTERNAL] RE: x". */
			s = strchr(s, ']') + 1;
			continue;
		}
		if ((past = subject_match_any(s, subject_reply_prefixes))) {
			if (kind == SUBJECT_PLAIN)
				kind = SUBJECT_REPLY;
		} else if ((past = subject_match_any(s,
		    subject_forward_prefixes))) {
			if (kind == SUBJECT_PLAIN)
				kind = SUBJECT_FORWARD;
		} else
			break;
		s = past;
	}
	if (first)
		*first = kind;
	return s;
}
