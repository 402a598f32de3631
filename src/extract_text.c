/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction: small tests of a line's shape that several extract
 * files make (word counts, how it ends, decoration); the prefix and colon
 * tests run on every line and are inline in extract_private.h.  Cleaning
 * and splitting lines stay in extract.c, brackets in extract_marker.c.
 */
#include "extract.h"

#include <string.h>

#include "extract_private.h"

#include "banned.h"

size_t
extract_word_count(const char *s)
{
	size_t words = 0;
	bool in_word = false;

	for (; *s; s++) {
		if (*s == ' ')
			in_word = false;
		else if (!in_word) {
			in_word = true;
			words++;
		}
	}
	return words;
}

/* Ends with a full stop, "!" or "?" of CJK or Arabic text. */
bool
extract_ends_as_sentence(const char *s)
{
	static const char *const ends[] = {
		"\xe3\x80\x82", "\xef\xbc\x81", "\xef\xbc\x9f",	/* 。！？ */
		"\xef\xbc\x9a", "\xd8\x9f", "\xdb\x94", NULL,	/* ：؟ ۔ */
	};
	size_t i;

	for (i = 0; ends[i]; i++)
		if (g_str_has_suffix(s, ends[i]))
			return true;
	return false;
}

bool
extract_is_blank_or_deco(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '*' && *s != '_')
			return false;
	return true;
}

/*
 * Does s end with a company's abbreviation, not a sentence's full stop:
 * "Telecomunicaciones Andinas S.A.", "Example Inc.", "Acme Ltd."?
 */
bool
extract_ends_as_abbreviation(const char *s)
{
	const char *space = strrchr(s, ' ');
	const char *word = space ? space + 1 : s;
	size_t n = strlen(word);

	if (n < 2 || n > 6 || word[n - 1] != '.')
		return false;
	return memchr(word, '.', n - 1) != NULL ||
	    (g_ascii_isupper(word[0]) && n <= 5);
}

/* Does line s end as a sentence: ".", "!" or "?" (not "S.A."), "。" ...? */
bool
extract_ends_as_sentence_line(const char *s)
{
	size_t n = strlen(s);

	return (n > 0 && strchr(".!?", s[n - 1]) &&
	    !extract_ends_as_abbreviation(s)) || extract_ends_as_sentence(s);
}
