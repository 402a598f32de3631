/* SPDX-License-Identifier: MIT */
/*
 * GMime adapter for incoming mail: raw bytes in, struct message out, with
 * the workarounds Debian 12's GMime 3.2.13 needs (LIBRARY-NOTES G3-G8).
 * What the text means (answers, kind of message) is left to extract and
 * classify; the raw bytes are never re-serialised except an attached
 * message kept as an attachment.
 */
#include "mime.h"

#include <string.h>

#include <gmime/gmime.h>

#include "consultd.h"
#include "html2text.h"
#include "message.h"

#include "banned.h"

/* Parser warnings kept per message; hostile mail can raise thousands. */
#define MIME_MAX_WARNINGS 50
/* A plain alternative this short that names HTML may be a stub. */
#define MIME_STUB_MAX 400
/* A plain alternative this long on one or two lines is a flattened copy. */
#define MIME_FLAT_MIN 300

struct mime_walk {
	struct message *msg;
	GMimeParserOptions *opts;
	GString *plain;		/* inline text/plain, in order */
	GString *html;		/* inline text/html, converted */
	bool dsn_seen;
	bool no_serialise;	/* a multipart lacks its boundary (G12) */
	bool list_wrap;		/* a list's copy: see mime_is_list_wrap() */
	bool own_forward;	/* one own message forwarded may be read */
};

/* GMimeParserWarning codes 1-17 (gmime-parser-options.h@3.2.13). */
static const char *const mime_warning_texts[] = {
	"parser warning", "duplicated header", "duplicated parameter",
	"unencoded 8-bit header", "invalid content type",
	"invalid RFC 2047 header value", "malformed multipart",
	"truncated message", "malformed message", "invalid header name",
	"conflicting header", "conflicting parameter",
	"multipart without boundary", "invalid parameter",
	"invalid address list", "MIME nesting too deep",
	"part without content", "part without headers or content",
};

static const char *
mime_warning_text(GMimeParserWarning code)
{
	if ((size_t)code >= G_N_ELEMENTS(mime_warning_texts))
		return mime_warning_texts[0];
	return mime_warning_texts[code];
}

static void
mime_add_warning(struct message *msg, const char *text)
{
	if (msg->warnings->len < MIME_MAX_WARNINGS)
		g_ptr_array_add(msg->warnings, g_utf8_make_valid(text, -1));
}

static void
mime_on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
    gpointer data)
{
	struct mime_walk *w = data;
	char *text;

	if (code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY)
		w->no_serialise = true;
	if (item && *item)
		text = g_strdup_printf("%s at offset %" G_GINT64_FORMAT
		    ": %.80s", mime_warning_text(code), offset, item);
	else
		text = g_strdup_printf("%s at offset %" G_GINT64_FORMAT,
		    mime_warning_text(code), offset);
	mime_add_warning(w->msg, text);
	g_free(text);
}

/* Windows-1252 bytes 0x80-0x9F; the five unassigned ones map to U+FFFD. */
static const gunichar mime_cp1252_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

/* Windows-1252 to UTF-8; never fails. */
static void
mime_append_cp1252(GString *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			g_string_append_c(out, (char)c);
		else if (c < 0xa0)
			g_string_append_unichar(out, mime_cp1252_c1[c - 0x80]);
		else
			g_string_append_unichar(out, c);
	}
}

static bool
mime_charset_is_utf8(const char *charset)
{
	return !charset || !*charset ||
	    g_ascii_strcasecmp(charset, "utf-8") == 0 ||
	    g_ascii_strcasecmp(charset, "utf8") == 0 ||
	    g_ascii_strcasecmp(charset, "us-ascii") == 0 ||
	    g_ascii_strcasecmp(charset, "ascii") == 0;
}

/*
 * ISO-8859-1 and its aliases.  Clients send windows-1252 text (curly
 * quotes, dashes, the euro sign in 0x80-0x9F) under this label, and mail
 * readers show it as windows-1252, as WHATWG Encoding says to: read
 * literally those bytes would become invisible C1 control characters.
 */
static bool
mime_charset_is_latin1(const char *charset)
{
	static const char *const labels[] = {
		"iso-8859-1", "latin1", "l1", "iso-ir-100", "cp819", "ibm819",
		"csisolatin1", "iso_8859-1:1987",
	};
	const char *canon;
	size_t i;

	if (!charset || !*charset)
		return false;
	canon = g_mime_charset_canon_name(charset);
	for (i = 0; canon && i < G_N_ELEMENTS(labels); i++)
		if (g_ascii_strcasecmp(canon, labels[i]) == 0)
			return true;
	return false;
}

/*
 * The vendor superset that clients really write under a standard East
 * Asian label: Windows and Outlook send CP932 as "Shift_JIS" (circled
 * digits, NEC and IBM kanji), CP949 as "ks_c_5601-1987" or "euc-kr",
 * GBK or GB18030 as "gb2312" or Foxmail's "x-gbk".  Tried when the
 * label's own conversion failed, so text that reads under its label reads
 * as before; except for Korean: iconv's EUC-KR passes CP949's extra lead
 * bytes through as C1 controls instead of failing, so CP949 is tried
 * first (*first set).  NULL when there is no superset.
 */
static const char *
mime_charset_superset(const char *charset, bool *first)
{
	static const struct {
		const char *label, *superset;
	} map[] = {
		{ "shift_jis", "CP932" }, { "shift-jis", "CP932" },
		{ "sjis", "CP932" }, { "x-sjis", "CP932" },
		{ "ms_kanji", "CP932" }, { "csshiftjis", "CP932" },
		{ "windows-31j", "CP932" }, { "euc-jp", "EUC-JP-MS" },
		{ "x-euc-jp", "EUC-JP-MS" }, { "gb2312", "GB18030" },
		{ "gbk", "GB18030" }, { "x-gbk", "GB18030" },
		{ "cp936", "GB18030" }, { "euc-cn", "GB18030" },
		{ "x-euc-cn", "GB18030" }, { "csgb2312", "GB18030" },
		{ "ks_c_5601-1987", "CP949" }, { "ks_c_5601", "CP949" },
		{ "euc-kr", "CP949" }, { "x-euc-kr", "CP949" },
		{ "korean", "CP949" }, { "big5", "BIG5-HKSCS" },
		{ "x-x-big5", "BIG5-HKSCS" }, { "cn-big5", "BIG5-HKSCS" },
		{ "tis-620", "CP874" }, { "iso-8859-11", "CP874" },
	};
	size_t i;

	*first = false;
	for (i = 0; charset && i < G_N_ELEMENTS(map); i++) {
		if (g_ascii_strcasecmp(charset, map[i].label) == 0) {
			*first = strcmp(map[i].superset, "CP949") == 0;
			return map[i].superset;
		}
	}
	return NULL;
}

/*
 * ISO-2022-JP as Japanese Windows clients write it (CP50220): JIS X 0208
 * with NEC's row 13 (①, ㈱, ㎡) and IBM kanji, which iconv's strict
 * ISO-2022-JP refuses.  Re-encoded as EUC-JP, byte for byte, and read as
 * EUC-JP-MS, which knows those rows.  NULL when the escapes are not
 * ISO-2022-JP's.
 */
static char *
mime_iso2022jp_as_euc(const char *bytes, size_t len, gsize *len_out)
{
	GString *euc = g_string_sized_new(len);
	enum { ASCII, KANJI, KANA } mode = ASCII;
	char *conv;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];

		if (c == 0x1b && i + 2 < len) {
			const char *e = bytes + i + 1;

			if (e[0] == '$' && (e[1] == 'B' || e[1] == '@'))
				mode = KANJI;
			else if (e[0] == '(' && (e[1] == 'B' || e[1] == 'J'))
				mode = ASCII;
			else if (e[0] == '(' && e[1] == 'I')
				mode = KANA;
			else
				goto fail;
			i += 2;
		} else if (c == '\n' || c == '\r' || c >= 0x80) {
			g_string_append_c(euc, (char)c);
			mode = c >= 0x80 ? mode : ASCII;
		} else if (mode == KANJI && c > 0x20 && i + 1 < len &&
		    (unsigned char)bytes[i + 1] > 0x20) {
			g_string_append_c(euc, (char)(c | 0x80));
			g_string_append_c(euc, (char)(bytes[++i] | 0x80));
		} else if (mode == KANA && c > 0x20) {
			g_string_append_c(euc, (char)0x8e);
			g_string_append_c(euc, (char)(c | 0x80));
		} else
			g_string_append_c(euc, (char)c);
	}
	conv = g_convert(euc->str, (gssize)euc->len, "UTF-8", "EUC-JP-MS",
	    NULL, len_out, NULL);
	g_string_free(euc, TRUE);
	return conv;
fail:
	g_string_free(euc, TRUE);
	return NULL;
}

/*
 * Bytes in charset to UTF-8 through iconv, with the superset or the
 * ISO-2022-JP reading above where the label's own fails.  NULL when
 * nothing reads them.
 */
static char *
mime_convert(const char *bytes, size_t len, const char *charset,
    gsize *len_out)
{
	bool superset_first;
	const char *superset = mime_charset_superset(charset,
	    &superset_first);
	char *conv;

	conv = g_convert(bytes, (gssize)len, "UTF-8", superset_first ?
	    superset : g_mime_charset_iconv_name(charset), NULL, len_out,
	    NULL);
	if (!conv && superset && !superset_first)
		conv = g_convert(bytes, (gssize)len, "UTF-8", superset, NULL,
		    len_out, NULL);
	if (!conv && g_ascii_strcasecmp(charset, "iso-2022-jp") == 0)
		conv = mime_iso2022jp_as_euc(bytes, len, len_out);
	return conv;
}

/* Does s hold at least one valid multi-byte UTF-8 sequence? */
static bool
mime_has_utf8_sequence(const char *s, size_t len)
{
	const char *p = s;
	const char *end = s + len;

	while (p < end) {
		gunichar c;

		if ((unsigned char)*p < 0x80) {
			p++;
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c != (gunichar)-1 && c != (gunichar)-2)
			return true;
		p++;
	}
	return false;
}

/*
 * The six most frequent letters of Russian and of Arabic, about half of
 * any text in them, as each 8-bit code page writes them.  The first
 * three are Cyrillic.
 */
static const struct {
	const char *charset, *letters;
} mime_letter_sets[] = {
	/* о е а и н т */
	{ "windows-1251", "\xd0\xbe\xd0\xb5\xd0\xb0\xd0\xb8\xd0\xbd\xd1\x82" },
	{ "koi8-r", "\xd0\xbe\xd0\xb5\xd0\xb0\xd0\xb8\xd0\xbd\xd1\x82" },
	{ "iso-8859-5", "\xd0\xbe\xd0\xb5\xd0\xb0\xd0\xb8\xd0\xbd\xd1\x82" },
	/* ا ل ي م و ن */
	{ "windows-1256", "\xd8\xa7\xd9\x84\xd9\x8a\xd9\x85\xd9\x88\xd9\x86" },
	{ "iso-8859-6", "\xd8\xa7\xd9\x84\xd9\x8a\xd9\x85\xd9\x88\xd9\x86" },
};

/* The same Cyrillic letters in capitals: О Е А И Н Т. */
#define MIME_CYRILLIC_CAPITALS \
	"\xd0\x9e\xd0\x95\xd0\x90\xd0\x98\xd0\x9d\xd0\xa2"

/* How many of bytes are letters (UTF-8) as charset writes them. */
static size_t
mime_letters_score(const char *bytes, size_t len, const char *letters,
    const char *charset)
{
	bool frequent[256] = { false };
	gsize n = 0;
	char *set = g_convert(letters, -1, charset, "UTF-8", NULL, &n, NULL);
	size_t score = 0, i;

	if (!set)
		return 0;
	for (i = 0; i < n; i++)
		frequent[(unsigned char)set[i]] = true;
	g_free(set);
	for (i = 0; i < len; i++)
		score += frequent[(unsigned char)bytes[i]];
	return score;
}

/* How many of bytes are letter set k's frequent letters. */
static size_t
mime_letter_score(const char *bytes, size_t len, size_t k)
{
	return mime_letters_score(bytes, len, mime_letter_sets[k].letters,
	    mime_letter_sets[k].charset);
}

/*
 * The charset 8-bit text that is neither UTF-8 nor labelled was most
 * likely written in, when it is Russian or Arabic, or NULL.  Read as
 * windows-1252 such text is "Îòêðûòûå": words of accented capitals,
 * where Latin text has an accent here and there among ASCII letters.
 * Each candidate is judged by how many bytes are its language's six
 * most frequent letters (about half of any text), which tells the
 * charsets that share the same bytes apart by a wide margin.
 */
static const char *
mime_guess_charset(const char *bytes, size_t len)
{
	size_t ascii = 0, high = 0, best_score = 0, i, k;
	const char *best = NULL;

	for (i = 0; i < len; i++) {
		if (g_ascii_isalpha(bytes[i]))
			ascii++;
		else if ((unsigned char)bytes[i] >= 0xB0)
			high++;
	}
	if (high < 8 || high < ascii / 2)
		return NULL;
	for (k = 0; k < G_N_ELEMENTS(mime_letter_sets); k++) {
		size_t score = mime_letter_score(bytes, len, k);

		if (score > best_score) {
			best_score = score;
			best = mime_letter_sets[k].charset;
		}
	}
	return best_score * 5 >= high ? best : NULL;
}

/*
 * A Cyrillic label that the bytes belie: windows-1251 sent as KOI8-R or
 * the reverse (The Bat!, old Outlook Express), where "Обмен опытом"
 * reads "нАЛЕМ НОШРНЛ".  The other code page when its frequent letters
 * are at least twice as many as the label's, and more than the label's
 * capitals; else the label.
 */
static const char *
mime_check_cyrillic_label(const char *bytes, size_t len, const char *label)
{
	size_t scores[3] = { 0 };
	size_t labelled = 3, best, k;

	for (k = 0; k < 3; k++)
		if (g_ascii_strcasecmp(label, mime_letter_sets[k].charset) == 0 ||
		    (k == 0 && g_ascii_strcasecmp(label, "cp1251") == 0))
			labelled = k;
	if (labelled == 3)
		return label;
	for (k = 0; k < 3; k++)
		scores[k] = mime_letter_score(bytes, len, k);
	best = labelled;
	for (k = 0; k < 3; k++)
		if (scores[k] > scores[best])
			best = k;
	/*
	 * Capitals in one code page are small letters in the other: text in
	 * capitals ("ДА, СОГЛАСЕН") is read right under its label when its
	 * frequent capitals outnumber the other page's small letters.
	 */
	if (best != labelled && scores[best] >= 8 &&
	    scores[best] >= 2 * scores[labelled] &&
	    scores[best] > mime_letters_score(bytes, len,
	    MIME_CYRILLIC_CAPITALS, mime_letter_sets[labelled].charset))
		return mime_letter_sets[best].charset;
	return label;
}

/*
 * Bytes in a declared charset to UTF-8 text with LF line ends and no NUL
 * (LIBRARY-NOTES G5, SPEC 4).  A declared charset iconv cannot read, or
 * bytes invalid in it, fall back to UTF-8 when they are valid UTF-8
 * (mislabelled mail), else to windows-1252, the usual unlabelled 8-bit
 * text; declared UTF-8 with a few bad bytes keeps the rest as UTF-8, but
 * without a single UTF-8 sequence it is Latin text mislabelled.  Text
 * labelled Latin-1 that is valid UTF-8 with non-ASCII is UTF-8.
 */
static char *
mime_to_utf8(const char *bytes, size_t len, const char *charset,
    struct message *msg)
{
	GString *buf = g_string_sized_new(len + 1);
	GString *out;
	char *conv = NULL;
	gsize conv_len = 0;
	bool latin1 = mime_charset_is_latin1(charset);
	size_t i;

	/*
	 * NUL padding at the end (a block-sized write): no text at all.
	 * UTF-16 and UTF-32 have NULs of their own.
	 */
	if (!(charset && (g_ascii_strncasecmp(charset, "utf-16", 6) == 0 ||
	    g_ascii_strncasecmp(charset, "utf-32", 6) == 0 ||
	    g_ascii_strncasecmp(charset, "ucs", 3) == 0)) && !(len >= 2 &&
	    ((bytes[0] == '\xff' && bytes[1] == '\xfe') ||
	    (bytes[0] == '\xfe' && bytes[1] == '\xff')))) {
		size_t end = len;
		bool nul = false;

		while (end > 0 && (bytes[end - 1] == '\0' ||
		    g_ascii_isspace(bytes[end - 1]))) {
			nul |= bytes[end - 1] == '\0';
			end--;
		}
		if (nul)
			len = end;
	}
	if (len == 0) {
		g_string_free(buf, TRUE);
		return g_strdup("");
	}
	if (!latin1 && !mime_charset_is_utf8(charset)) {
		const char *checked = mime_check_cyrillic_label(bytes, len,
		    charset);

		if (checked != charset) {
			char *w = g_strdup_printf("text labelled '%.40s' is "
			    "%s, read as such", charset, checked);

			mime_add_warning(msg, w);
			g_free(w);
			charset = checked;
		}
		conv = mime_convert(bytes, len, charset, &conv_len);
		if (!conv) {
			char *w = g_strdup_printf("cannot convert text from "
			    "charset '%.40s'", charset);

			mime_add_warning(msg, w);
			g_free(w);
		}
	}
	/* Labelled Latin-1, sent as UTF-8: "compañía" would be "compaÃ±Ã­a". */
	if (latin1 && mime_has_utf8_sequence(bytes, len) &&
	    g_utf8_validate(bytes, (gssize)len, NULL)) {
		latin1 = false;
		mime_add_warning(msg, "text labelled iso-8859-1 is UTF-8, read "
		    "as UTF-8");
	}
	if (latin1) {
		mime_append_cp1252(buf, bytes, len);
	} else if (conv) {
		g_string_append_len(buf, conv, (gssize)conv_len);
		g_free(conv);
	} else {
		g_string_append_len(buf, bytes, (gssize)len);
	}

	/* NUL would end the text early everywhere downstream. */
	out = g_string_sized_new(buf->len + 1);
	for (i = 0; i < buf->len; i++) {
		size_t span = i;

		while (span < buf->len && buf->str[span] != '\0' &&
		    buf->str[span] != '\r')
			span++;
		g_string_append_len(out, buf->str + i, (gssize)(span - i));
		i = span;
		if (i == buf->len)
			break;
		if (buf->str[i] == '\0')
			g_string_append(out, "\xef\xbf\xbd");
		else {
			g_string_append_c(out, '\n');
			if (i + 1 < buf->len && buf->str[i + 1] == '\n')
				i++;
		}
	}
	g_string_free(buf, TRUE);
	if (!g_utf8_validate(out->str, (gssize)out->len, NULL)) {
		char *valid;

		/* Labelled UTF-8 without one UTF-8 sequence: Latin text. */
		if (conv || !charset || !mime_charset_is_utf8(charset) ||
		    g_ascii_strncasecmp(charset, "utf", 3) != 0 ||
		    !mime_has_utf8_sequence(out->str, out->len)) {
			GString *re = g_string_sized_new(out->len * 2);
			const char *guess = mime_guess_charset(out->str,
			    out->len);
			char *w;

			conv = guess ? mime_convert(out->str, out->len,
			    guess, &conv_len) : NULL;
			if (conv) {
				g_string_append_len(re, conv,
				    (gssize)conv_len);
				g_free(conv);
			} else {
				mime_append_cp1252(re, out->str, out->len);
				guess = NULL;
			}
			g_string_free(out, TRUE);
			w = g_strdup_printf("text is not valid UTF-8, read as "
			    "%s", guess ? guess : "windows-1252");
			mime_add_warning(msg, w);
			g_free(w);
			return g_string_free(re, FALSE);
		}
		valid = g_utf8_make_valid(out->str, (gssize)out->len);
		g_string_free(out, TRUE);
		mime_add_warning(msg, "invalid UTF-8 replaced");
		return valid;
	}
	return g_string_free(out, FALSE);
}

/* Quote depth of a format=flowed line: its leading '>' count. */
static size_t
mime_flowed_depth(const char *line)
{
	size_t n = 0;

	while (line[n] == '>')
		n++;
	return n;
}

/*
 * RFC 3676 format=flowed: a line ending in a space continues on the next
 * line of the same quote depth; a space after the quote marks is stuffing.
 * The signature separator "-- " is never flowed.
 */
static char *
mime_unflow(const char *text, bool delsp)
{
	char **lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);
	bool joining = false;
	size_t prev_depth = 0;
	size_t i;

	for (i = 0; lines[i]; i++) {
		char *l = lines[i];
		size_t depth = mime_flowed_depth(l);
		char *body = l + depth;
		size_t n;

		if (*body == ' ')
			body++;
		if (joining && depth != prev_depth)
			joining = false;
		if (!joining) {
			if (i > 0 && out->len > 0)
				g_string_append_c(out, '\n');
			if (depth > 0) {
				g_string_append_len(out, l, (gssize)depth);
				g_string_append_c(out, ' ');
			}
		}
		n = strlen(body);
		joining = n > 0 && body[n - 1] == ' ' &&
		    strcmp(body, "-- ") != 0 && lines[i + 1];
		if (joining && delsp)
			n--;
		g_string_append_len(out, body, (gssize)n);
		prev_depth = depth;
	}
	g_strfreev(lines);
	return g_string_free(out, FALSE);
}

/* Unfolded header text as UTF-8 (raw 8-bit read as windows-1252). */
static void
mime_append_plain(GString *out, const char *s, size_t len)
{
	if (g_utf8_validate(s, (gssize)len, NULL))
		g_string_append_len(out, s, (gssize)len);
	else
		mime_append_cp1252(out, s, len);
}

/* Length of the RFC 2047 encoded word at p, or 0 when there is none. */
static size_t
mime_encoded_word_len(const char *p)
{
	const char *q = p + 2;
	const char *text_end;

	if (p[0] != '=' || p[1] != '?')
		return 0;
	while (*q && *q != '?' && !g_ascii_isspace(*q))
		q++;
	if (*q != '?' || q == p + 2)
		return 0;
	q++;
	if (!strchr("BbQq", *q) || *q == '\0' || q[1] != '?')
		return 0;
	q += 2;
	text_end = q;
	while (*text_end && *text_end != '?' && !g_ascii_isspace(*text_end))
		text_end++;
	if (text_end[0] != '?' || text_end[1] != '=')
		return 0;
	return (size_t)(text_end + 2 - p);
}

/*
 * The charset of the encoded word at p (mime_encoded_word_len), without
 * an RFC 2231 language suffix ("utf-8*en").  Returns: a newly allocated
 * string.
 */
static char *
mime_encoded_word_charset(const char *p)
{
	const char *cs = p + 2;
	size_t n = strcspn(cs, "?*");

	return g_strndup(cs, n);
}

/* Appends the decoded bytes of the n-byte encoded word at p to out. */
static void
mime_encoded_word_bytes(const char *p, size_t n, GByteArray *out)
{
	const char *q = strchr(p + 2, '?');
	char enc = q[1];
	const char *text = q + 3;
	const char *end = p + n - 2;
	const char *s;

	if (enc == 'B' || enc == 'b') {
		size_t len = (size_t)(end - text);
		guchar *buf = g_malloc(len * 3 / 4 + 3);
		gint state = 0;
		guint save = 0;
		gsize got;

		got = g_base64_decode_step(text, len, buf, &state, &save);
		g_byte_array_append(out, buf, (guint)got);
		g_free(buf);
		return;
	}
	for (s = text; s < end; s++) {
		guint8 c = (guint8)*s;

		if (c == '_')
			c = ' ';
		else if (c == '=' && end - s >= 3 && g_ascii_isxdigit(s[1]) &&
		    g_ascii_isxdigit(s[2])) {
			c = (guint8)(g_ascii_xdigit_value(s[1]) << 4 |
			    g_ascii_xdigit_value(s[2]));
			s += 2;
		}
		g_byte_array_append(out, &c, 1);
	}
}

/* Decoded bytes of encoded words in charset, appended as UTF-8. */
static void
mime_append_charset(GString *out, const GByteArray *bytes,
    const char *charset)
{
	const char *s = (const char *)bytes->data;
	char *conv = NULL;
	gsize conv_len = 0;

	/* "=?koi8-r?B??=": nothing to convert (and no data to hand iconv). */
	if (bytes->len == 0)
		return;
	/*
	 * Labelled Latin-1, sent as UTF-8 ("R=C3=A9ponse"): as in a body
	 * (mime_to_utf8), valid UTF-8 with a multibyte sequence is UTF-8.
	 */
	if (mime_charset_is_latin1(charset) &&
	    !(mime_has_utf8_sequence(s, bytes->len) &&
	    g_utf8_validate(s, (gssize)bytes->len, NULL))) {
		mime_append_cp1252(out, s, bytes->len);
		return;
	}
	if (mime_charset_is_latin1(charset)) {
		g_string_append_len(out, s, (gssize)bytes->len);
		return;
	}
	if (!mime_charset_is_utf8(charset))
		conv = mime_convert(s, bytes->len, charset, &conv_len);
	if (conv) {
		g_string_append_len(out, conv, (gssize)conv_len);
		g_free(conv);
	} else if (g_ascii_strncasecmp(charset, "utf", 3) == 0) {
		/* Bad bytes in declared UTF-8: the caller replaces them. */
		g_string_append_len(out, s, (gssize)bytes->len);
	} else {
		mime_append_plain(out, s, bytes->len);
	}
}

/*
 * Decodes an unstructured header value (raw, possibly folded).  Encoded
 * words are decoded here, not by GMime (G7: 3.2.13 drops what follows a
 * padded B-encoded word).  Adjacent encoded words in one charset are
 * decoded together, since clients split a multibyte character across
 * two of them, and the white space between adjacent encoded words is
 * dropped (RFC 2047 section 6.2).  Control characters become spaces.
 * Returns: a newly allocated, trimmed UTF-8 string.
 */
static char *
mime_decode_header(const char *raw)
{
	GString *unfolded = g_string_new(NULL);
	GString *out = g_string_new(NULL);
	GByteArray *run = g_byte_array_new();
	char *run_charset = NULL;
	const char *p;
	const char *gap;
	bool after_word = false;
	char *valid;
	size_t i;

	for (p = raw; *p; p++)
		if (*p != '\r' && *p != '\n')
			g_string_append_c(unfolded, *p);
	p = unfolded->str;
	gap = p;
	while (*p) {
		size_t n = mime_encoded_word_len(p);
		const char *q;
		char *charset;
		bool adjacent;

		if (n == 0) {
			p++;
			continue;
		}
		for (q = gap; q < p && g_ascii_isspace(*q); q++)
			;
		adjacent = after_word && q == p;
		charset = mime_encoded_word_charset(p);
		if (!adjacent ||
		    g_ascii_strcasecmp(charset, run_charset) != 0) {
			if (run_charset)
				mime_append_charset(out, run, run_charset);
			g_byte_array_set_size(run, 0);
			g_free(run_charset);
			run_charset = g_steal_pointer(&charset);
			if (!adjacent)
				mime_append_plain(out, gap, (size_t)(p - gap));
		}
		g_free(charset);
		mime_encoded_word_bytes(p, n, run);
		p += n;
		gap = p;
		after_word = true;
	}
	if (run_charset)
		mime_append_charset(out, run, run_charset);
	mime_append_plain(out, gap, (size_t)(p - gap));
	g_free(run_charset);
	g_byte_array_unref(run);
	g_string_free(unfolded, TRUE);

	valid = g_utf8_make_valid(out->str, (gssize)out->len);
	g_string_free(out, TRUE);
	for (i = 0; valid[i]; i++)
		if ((unsigned char)valid[i] < 0x20 || valid[i] == 0x7f)
			valid[i] = ' ';
	return g_strstrip(valid);
}

/* A GLib-owned copy of addr with its domain lowercased (RFC 5321 2.4). */
static char *
mime_normalise_addr(const char *addr)
{
	char *copy = g_utf8_make_valid(addr, -1);
	char *at = strrchr(copy, '@');
	char *dom;

	if (!at)
		return copy;
	dom = g_utf8_strdown(at + 1, -1);
	at[1] = '\0';
	at = g_strconcat(copy, dom, NULL);
	g_free(copy);
	g_free(dom);
	return at;
}

static const char *
mime_raw_header(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) :
	    NULL;

	return h ? g_mime_header_get_raw_value(h) : NULL;
}

/* A decoded header value, trimmed, or NULL when absent or empty. */
static char *
mime_header_value(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);
	char *s;

	if (!v)
		return NULL;
	s = g_strstrip(g_utf8_make_valid(v, -1));
	if (!*s) {
		g_free(s);
		return NULL;
	}
	return s;
}

static void
mime_add_recipient(struct message *msg, const char *addr)
{
	char *norm;
	size_t i;

	if (!addr || !*addr)
		return;
	norm = mime_normalise_addr(addr);
	for (i = 0; i < msg->recipients->len; i++)
		if (g_ascii_strcasecmp(msg->recipients->pdata[i], norm) == 0) {
			g_free(norm);
			return;
		}
	g_ptr_array_add(msg->recipients, norm);
}

static void
mime_add_recipients(struct message *msg, InternetAddressList *list)
{
	int i;

	if (!list)
		return;
	for (i = 0; i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list,
		    i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			mime_add_recipient(msg,
			    internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			mime_add_recipients(msg,
			    internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)));
	}
}

/* The display name of a "name <addr>" value, decoded, or NULL. */
static char *
mime_display_name(const char *raw)
{
	GString *name = g_string_new(NULL);
	const char *p;
	bool quoted = false;
	const char *lt = NULL;
	char *dec;

	for (p = raw; *p; p++) {
		if (*p == '\\' && quoted && p[1]) {
			p++;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '<' && !quoted) {
			lt = p;
			break;
		}
	}
	if (!lt) {
		g_string_free(name, TRUE);
		return NULL;
	}
	/* Unquote: clients put encoded words inside quotes too. */
	for (p = raw; p < lt; p++) {
		if (*p == '"')
			continue;
		if (*p == '\\' && p + 1 < lt)
			p++;
		g_string_append_c(name, *p);
	}
	dec = mime_decode_header(name->str);
	g_string_free(name, TRUE);
	if (!*dec) {
		g_free(dec);
		return NULL;
	}
	return dec;
}

static void
mime_read_from(struct mime_walk *w, GMimeMessage *gm)
{
	InternetAddressList *from = g_mime_message_get_from(gm);
	InternetAddress *ia;
	const char *raw;

	if (!from || internet_address_list_length(from) == 0) {
		mime_add_warning(w->msg, "no From mailbox");
		return;
	}
	if (internet_address_list_length(from) > 1) {
		mime_add_warning(w->msg, "From holds several addresses");
		return;
	}
	ia = internet_address_list_get_address(from, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		mime_add_warning(w->msg, "From is a group, not a mailbox");
		return;
	}
	w->msg->from_addr = mime_normalise_addr(
	    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
	raw = mime_raw_header(GMIME_OBJECT(gm), "From");
	if (raw)
		w->msg->from_name = mime_display_name(raw);
	if (!w->msg->from_name && internet_address_get_name(ia) &&
	    *internet_address_get_name(ia))
		w->msg->from_name = mime_decode_header(
		    internet_address_get_name(ia));
}

/* "<addr>" or "addr" (comments ignored); "" for the null sender "<>". */
static char *
mime_return_path(const char *value)
{
	const char *lt = strchr(value, '<');
	const char *gt;
	char *s;

	if (lt) {
		gt = strchr(lt, '>');
		s = gt ? g_strndup(lt + 1, (gsize)(gt - lt - 1)) :
		    g_strdup(lt + 1);
	} else {
		const char *paren = strchr(value, '(');

		s = paren ? g_strndup(value, (gsize)(paren - value)) :
		    g_strdup(value);
	}
	g_strstrip(s);
	if (*s) {
		char *norm = mime_normalise_addr(s);

		g_free(s);
		return norm;
	}
	return s;
}

static void
mime_read_references(struct mime_walk *w, GMimeMessage *gm)
{
	GMimeObject *obj = GMIME_OBJECT(gm);
	const char *v;
	GMimeReferences *refs;
	int i;

	v = g_mime_object_get_header(obj, "In-Reply-To");
	if (v) {
		refs = g_mime_references_parse(w->opts, v);
		if (refs && g_mime_references_length(refs) > 0)
			w->msg->in_reply_to = g_utf8_make_valid(
			    g_mime_references_get_message_id(refs, 0), -1);
		if (refs)
			g_mime_references_free(refs);
	}
	v = g_mime_object_get_header(obj, "References");
	if (v) {
		refs = g_mime_references_parse(w->opts, v);
		for (i = 0; refs && i < g_mime_references_length(refs); i++)
			g_ptr_array_add(w->msg->references, g_utf8_make_valid(
			    g_mime_references_get_message_id(refs, i), -1));
		if (refs)
			g_mime_references_free(refs);
	}
}

/* Every Authentication-Results field, in order (the receiving host's
 * own is on top, RFC 8601 section 5). */
static void
mime_read_auth_results(struct message *msg, GMimeObject *obj)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int i, n = list ? g_mime_header_list_get_count(list) : 0;

	for (i = 0; i < n && msg->auth_results->len < 32; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *v;

		if (g_ascii_strcasecmp(g_mime_header_get_name(h),
		    "Authentication-Results") != 0)
			continue;
		v = g_mime_header_get_value(h);
		if (v)
			g_ptr_array_add(msg->auth_results,
			    g_utf8_make_valid(v, -1));
	}
}

static void
mime_read_headers(struct mime_walk *w, GMimeMessage *gm)
{
	struct message *msg = w->msg;
	GMimeObject *obj = GMIME_OBJECT(gm);
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	const char *v;
	GDateTime *date;
	char *s;
	int i;

	v = g_mime_message_get_message_id(gm);
	if (v && *v)
		msg->message_id = g_utf8_make_valid(v, -1);
	v = mime_raw_header(obj, "Subject");
	if (v)
		msg->subject = mime_decode_header(v);
	mime_read_from(w, gm);
	mime_read_references(w, gm);
	mime_add_recipients(msg,
	    g_mime_message_get_addresses(gm, GMIME_ADDRESS_TYPE_TO));
	mime_add_recipients(msg,
	    g_mime_message_get_addresses(gm, GMIME_ADDRESS_TYPE_CC));
	for (i = 0; list && i < g_mime_header_list_get_count(list); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		InternetAddressList *al;

		if (g_ascii_strcasecmp(name, "Delivered-To") != 0 &&
		    g_ascii_strcasecmp(name, "X-Original-To") != 0)
			continue;
		v = g_mime_header_get_value(h);
		al = v ? internet_address_list_parse(w->opts, v) : NULL;
		mime_add_recipients(msg, al);
		if (al)
			g_object_unref(al);
	}
	v = g_mime_object_get_header(obj, "Return-Path");
	if (v)
		msg->return_path = mime_return_path(v);
	date = g_mime_message_get_date(gm);
	if (date)
		msg->date = g_date_time_to_unix(date);

	msg->auto_submitted = mime_header_value(obj, "Auto-Submitted");
	msg->x_autoreply = g_mime_object_get_header(obj, "X-Autoreply") ||
	    g_mime_object_get_header(obj, "X-Autorespond");
	s = mime_header_value(obj, "Precedence");
	if (s) {
		msg->precedence = g_ascii_strdown(s, -1);
		g_free(s);
	}
	mime_read_auth_results(msg, obj);
}

/* The transfer-decoded content of a leaf part. */
static GByteArray *
mime_part_bytes(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;

	if (content)
		g_mime_data_wrapper_write_to_stream(content, mem);
	/* Taken from the stream, not copied: attachments can be large. */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_object_unref(mem);
	return bytes;
}

static char *
mime_content_type(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *type;
	char *lower;

	if (!ct)
		return g_strdup("application/octet-stream");
	type = g_mime_content_type_get_mime_type(ct);
	lower = g_ascii_strdown(type, -1);
	g_free(type);
	return lower;
}

static void
mime_add_attachment(struct mime_walk *w, const char *filename,
    const char *type, GByteArray *bytes)
{
	struct message_attachment *a = g_new0(struct message_attachment, 1);

	a->filename = filename && *filename ?
	    g_utf8_make_valid(filename, -1) : NULL;
	a->content_type = g_strdup(type);
	a->size = bytes->len;
	a->data = g_byte_array_free(bytes, FALSE);
	g_ptr_array_add(w->msg->attachments, a);
}

/* Copies one field of a DSN block ("Status: 5.1.1 (...)") into *out. */
static void
mime_dsn_field(const char *line, const char *name, char **out)
{
	size_t n = strlen(name);

	if (*out || g_ascii_strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	*out = g_strstrip(g_strdup(line + n + 1));
}

/* The addr-spec of "rfc822; <a@b>"; NULL when empty. */
static char *
mime_dsn_address(const char *value)
{
	const char *semi = strchr(value, ';');
	char *s = g_strdup(semi ? semi + 1 : value);
	char *addr;

	g_strstrip(s);
	if (*s == '<') {
		char *gt = strchr(s, '>');

		if (gt)
			*gt = '\0';
		memmove(s, s + 1, strlen(s));
		g_strstrip(s);
	}
	if (!*s) {
		g_free(s);
		return NULL;
	}
	addr = mime_normalise_addr(s);
	g_free(s);
	return addr;
}

/*
 * RFC 3464 section 2: a per-message block, then one block per recipient,
 * separated by blank lines.  The first failed recipient is the one that
 * matters to us; without one, the first recipient.
 */
static void
mime_parse_dsn(struct message *msg, const char *text)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *rcpt = NULL;
	char *status = NULL;
	char *action = NULL;
	bool failed_found = false;
	size_t i;

	for (i = 0; !failed_found; i++) {
		char *line = lines[i];

		if (line && *g_strstrip(line)) {
			mime_dsn_field(line, "Final-Recipient", &rcpt);
			mime_dsn_field(line, "Status", &status);
			mime_dsn_field(line, "Action", &action);
			continue;
		}
		/* End of a block: a recipient block may replace the first
		 * one seen only by being the first failed one. */
		failed_found = rcpt && action &&
		    g_ascii_strcasecmp(action, "failed") == 0;
		if (rcpt && (!msg->dsn_recipient || failed_found)) {
			g_free(msg->dsn_recipient);
			g_free(msg->dsn_status);
			g_free(msg->dsn_action);
			msg->dsn_recipient = mime_dsn_address(rcpt);
			msg->dsn_status = g_strdup(status);
			msg->dsn_action = action ?
			    g_ascii_strdown(action, -1) : NULL;
		}
		g_clear_pointer(&rcpt, g_free);
		g_clear_pointer(&status, g_free);
		g_clear_pointer(&action, g_free);
		if (!line)
			break;
	}
	/* Keep only the "class.subject.detail" code of Status. */
	if (msg->dsn_status) {
		char *sp = strpbrk(msg->dsn_status, " \t(");

		if (sp)
			*sp = '\0';
		if (!g_ascii_isdigit(msg->dsn_status[0]) ||
		    msg->dsn_status[1] != '.')
			g_clear_pointer(&msg->dsn_status, g_free);
	}
	g_free(rcpt);
	g_free(status);
	g_free(action);
	g_strfreev(lines);
}

/* Is line (len bytes) one of uuencode's: a length letter, then data? */
static bool
mime_is_uu_line(const char *line, size_t len)
{
	size_t i;

	if (len == 0 || len > 64)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 ||
		    (unsigned char)line[i] > 0x60)
			return false;
	/* The length letter names how many bytes the line carries. */
	return len == 1 || (size_t)(line[0] - 0x20) * 4 / 3 <= len + 2;
}

/*
 * Old clients put an attachment into the text, uuencoded: "begin 644
 * notes.txt", lines of data, "`", "end".  Such a block is no one's
 * words: it is cut out of text (in place).
 */
static void
mime_drop_uuencoded(char *text)
{
	char *r = text, *w = text;

	/* Kept lines are moved down once: a memmove per block was O(n^2). */
	while (*r) {
		char *line_end = strchr(r, '\n');
		char *next = line_end ? line_end + 1 : r + strlen(r);
		char *q, *block_end = NULL;
		size_t data = 0;

		if (line_end && strncmp(r, "begin ", 6) == 0 &&
		    g_ascii_isdigit(r[6]) && g_ascii_isdigit(r[7]) &&
		    g_ascii_isdigit(r[8])) {
			for (q = line_end + 1; *q; data++) {
				char *e = strchr(q, '\n');
				size_t len = e ? (size_t)(e - q) : strlen(q);

				if (len == 3 && strncmp(q, "end", 3) == 0) {
					block_end = data > 0 ?
					    (e ? e + 1 : q + len) : NULL;
					break;
				}
				if (!mime_is_uu_line(q, len))
					break;
				q = e ? e + 1 : q + len;
			}
		}
		if (block_end) {
			r = block_end;
			continue;
		}
		if (w != r)
			memmove(w, r, (size_t)(next - r));
		w += next - r;
		r = next;
	}
	*w = '\0';
}

/*
 * The charset an HTML document names in its head ('<meta charset="...">'
 * or 'content="text/html; charset=..."'), in its first 4 KB; newly
 * allocated, or NULL.
 */
static char *
mime_html_meta_charset(const char *html, size_t len)
{
	g_autofree char *head = g_ascii_strdown(html, (gssize)MIN(len, 4096));
	const char *p = head;

	while ((p = strstr(p, "<meta")) != NULL) {
		const char *end = strchr(p, '>');
		const char *cs = strstr(p, "charset=");
		size_t n;

		if (!end)
			return NULL;
		p = end;
		if (!cs || cs > end)
			continue;
		cs += 8;
		if (*cs == '"' || *cs == '\'')
			cs++;
		n = strspn(cs, "abcdefghijklmnopqrstuvwxyz0123456789-_:.");
		if (n > 0 && n < 40)
			return g_strndup(cs, n);
	}
	return NULL;
}

static void
mime_walk_leaf(struct mime_walk *w, GMimePart *part, bool want_text)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	char *type = mime_content_type(obj);
	bool attachment = g_mime_part_is_attachment(part);
	bool plain = strcmp(type, "text/plain") == 0;
	bool html = strcmp(type, "text/html") == 0;
	GByteArray *bytes;
	char *text;

	if (!attachment && (plain || html) && !want_text)
		goto out;
	bytes = mime_part_bytes(part);
	if (!attachment && (plain || html)) {
		const char *charset = g_mime_object_get_content_type_parameter(
		    obj, "charset");
		const char *format = g_mime_object_get_content_type_parameter(
		    obj, "format");

		g_autofree char *meta = NULL;

		/* HTML whose bytes are not in its label: its <meta> says. */
		if (html && !g_utf8_validate((const char *)bytes->data,
		    (gssize)bytes->len, NULL) && (!charset ||
		    mime_charset_is_utf8(charset)) &&
		    (meta = mime_html_meta_charset((const char *)bytes->data,
		    bytes->len)) != NULL && !mime_charset_is_utf8(meta))
			charset = meta;
		text = mime_to_utf8((const char *)bytes->data, bytes->len,
		    charset, w->msg);
		g_byte_array_free(bytes, TRUE);
		if (plain && format && g_ascii_strcasecmp(format,
		    "flowed") == 0) {
			const char *delsp =
			    g_mime_object_get_content_type_parameter(obj,
			    "delsp");
			char *unflowed = mime_unflow(text, delsp &&
			    g_ascii_strcasecmp(delsp, "yes") == 0);

			g_free(text);
			text = unflowed;
		}
		if (plain)
			mime_drop_uuencoded(text);
		if (plain) {
			if (w->plain->len > 0 &&
			    w->plain->str[w->plain->len - 1] != '\n')
				g_string_append_c(w->plain, '\n');
			g_string_append(w->plain, text);
		} else {
			char *conv = html2text(text, strlen(text));

			g_string_append(w->html, conv);
			g_free(conv);
		}
		g_free(text);
		goto out;
	}
	if (!w->dsn_seen && (strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "message/global-delivery-status") == 0)) {
		text = mime_to_utf8((const char *)bytes->data, bytes->len,
		    NULL, w->msg);
		mime_parse_dsn(w->msg, text);
		g_free(text);
		w->dsn_seen = true;
	}
	mime_add_attachment(w, g_mime_part_get_filename(part), type, bytes);
out:
	g_free(type);
}

/* An attached message, kept as RFC 5322 text (never parsed for answers). */
static void
mime_walk_message_part(struct mime_walk *w, GMimeMessagePart *mp)
{
	GMimeObject *obj = GMIME_OBJECT(mp);
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	GMimeFormatOptions *fmt = g_mime_format_options_get_default();
	GByteArray *bytes = g_byte_array_new();
	char *type = mime_content_type(obj);
	const char *filename = g_mime_object_get_content_disposition_parameter(
	    obj, "filename");

	if (inner && !w->no_serialise) {
		GMimeStream *mem = g_mime_stream_mem_new();
		GByteArray *arr;

		g_mime_object_write_to_stream(GMIME_OBJECT(inner), fmt, mem);
		arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		g_byte_array_append(bytes, arr->data, arr->len);
		g_object_unref(mem);
	} else if (inner) {
		/* G12: serialising a multipart without boundary can hang. */
		char *headers = g_mime_object_get_headers(GMIME_OBJECT(inner),
		    fmt);

		g_byte_array_append(bytes, (const guint8 *)headers,
		    (guint)strlen(headers));
		g_free(headers);
	}
	mime_add_attachment(w, filename, type, bytes);
	g_free(type);
}

static bool
mime_is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct && g_mime_content_type_is_type(ct, type, subtype);
}

/*
 * "This is an HTML message. Please use an HTML capable mail program":
 * some clients put only that in the plain alternative.
 */
static bool
mime_is_html_stub(const GByteArray *bytes)
{
	static const char *const phrases[] = {
		"html message", "html-message", "html capable", "html-capable",
		"html e-mail", "html email", "html mail", "html version",
		"html format", "html-nachricht", "message html",
		"message au format html", "mensaje html", "correo html",
		"html-сообщение", "html 格式", "html格式", "html 邮件",
		"html邮件", NULL,
	};
	g_autofree char *low = NULL;
	size_t i;

	if (bytes->len > MIME_STUB_MAX || memchr(bytes->data, '[', bytes->len))
		return false;
	low = g_ascii_strdown((const char *)bytes->data, (gssize)bytes->len);
	for (i = 0; phrases[i]; i++)
		if (strstr(low, phrases[i]))
			return true;
	return false;
}

/*
 * A plain alternative that is the HTML with its line breaks lost (QQ
 * Mail, NetEase): a whole letter, quote and all, on one or two lines,
 * where the HTML beside it (html_breaks: its paragraphs and line breaks)
 * has more.  A long answer typed on one line is sent as one paragraph of
 * HTML too (Gmail): that plain text is the letter.
 */
static bool
mime_is_flattened(const GByteArray *bytes, guint html_breaks)
{
	guint len = bytes->len, i, breaks = 0;

	while (len > 0 && g_ascii_isspace(bytes->data[len - 1]))
		len--;
	if (len < MIME_FLAT_MIN)
		return false;
	for (i = 0; i < len && breaks <= 2; i++)
		breaks += bytes->data[i] == '\n';
	return breaks <= 2 && html_breaks >= breaks + 2;
}

/*
 * The paragraphs and line breaks of the HTML alternative obj ("<p",
 * "<div", "<br", "<tr", "<li"; the root of a multipart/related), counted
 * up to 8; 0 when obj is no HTML.
 */
static guint
mime_html_breaks(GMimeObject *obj)
{
	static const char *const tags[] = { "p", "div", "br", "tr", "li",
	    NULL };
	GByteArray *bytes;
	guint i, n = 0;
	size_t t;

	if (obj && mime_is_type(obj, "multipart", "related") &&
	    g_mime_multipart_get_count(GMIME_MULTIPART(obj)) > 0)
		obj = g_mime_multipart_get_part(GMIME_MULTIPART(obj), 0);
	if (!obj || !GMIME_IS_PART(obj) || !mime_is_type(obj, "text", "html"))
		return 0;
	bytes = mime_part_bytes(GMIME_PART(obj));
	for (i = 0; i + 1 < bytes->len && n < 8; i++) {
		const char *p = (const char *)bytes->data + i + 1;
		size_t left = bytes->len - i - 1;

		if (bytes->data[i] != '<')
			continue;
		for (t = 0; tags[t]; t++) {
			size_t k = strlen(tags[t]);

			if (left > k && g_ascii_strncasecmp(p, tags[t], k) == 0 &&
			    !g_ascii_isalnum(p[k])) {
				n++;
				break;
			}
		}
	}
	g_byte_array_free(bytes, TRUE);
	return n;
}

/* Does this alternative hold text/plain with some non-blank text? */
static bool
mime_has_plain_text(GMimeObject *obj, guint html_breaks)
{
	GByteArray *bytes;
	bool found = false;
	guint i;

	if (!GMIME_IS_PART(obj) || !mime_is_type(obj, "text", "plain") ||
	    g_mime_part_is_attachment(GMIME_PART(obj)))
		return false;
	bytes = mime_part_bytes(GMIME_PART(obj));
	for (i = 0; i < bytes->len && !found; i++)
		found = !g_ascii_isspace(bytes->data[i]);
	if (found && (mime_is_html_stub(bytes) ||
	    mime_is_flattened(bytes, html_breaks)))
		found = false;
	g_byte_array_free(bytes, TRUE);
	return found;
}

/*
 * A list's DMARC "wrap message" (Mailman 2.1, Mailman 3): the list sends
 * the member's message as an inline message/rfc822 part of its own, so
 * that its own signature is the one checked.  That message is the
 * member's reply, not a forward: read it.  Only under a list's headers
 * and with "inline" said outright; an attached or digested message is
 * someone else's and stays an attachment.
 */
static bool
mime_is_list_wrap(GMimeObject *obj)
{
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(
	    obj);
	const char *disposition = cd ?
	    g_mime_content_disposition_get_disposition(cd) : NULL;

	return disposition && g_ascii_strcasecmp(disposition, "inline") == 0;
}

/* Is obj's disposition "attachment" said outright? */
static bool
mime_is_attachment(GMimeObject *obj)
{
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(
	    obj);
	const char *disposition = cd ?
	    g_mime_content_disposition_get_disposition(cd) : NULL;

	return disposition && g_ascii_strcasecmp(disposition,
	    "attachment") == 0;
}

/*
 * Does an inner To or Cc address share its domain with an outer one, not
 * the sender's own?
 */
static bool
mime_shares_recipient_domain(const struct mime_walk *w, GMimeMessage *inner)
{
	static const GMimeAddressType types[] = {
		GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC,
	};
	const char *own = strrchr(w->msg->from_addr, '@');
	size_t t;

	if (!own)
		return false;

	for (t = 0; t < G_N_ELEMENTS(types); t++) {
		InternetAddressList *list = g_mime_message_get_addresses(inner,
		    types[t]);
		int i, n = list ? internet_address_list_length(list) : 0;

		for (i = 0; i < n; i++) {
			InternetAddress *ia = internet_address_list_get_address(
			    list, i);
			const char *at;
			guint k;

			if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
				continue;
			at = strrchr(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)), '@');
			if (!at)
				continue;
			for (k = 0; k < w->msg->recipients->len; k++) {
				const char *r = strrchr(
				    w->msg->recipients->pdata[k], '@');

				/* Not their own domain: a colleague in Cc. */
				if (r && g_ascii_strcasecmp(r, at) == 0 &&
				    g_ascii_strcasecmp(r, own) != 0)
					return true;
			}
		}
	}
	return false;
}

/*
 * Is the message part their own earlier message, forwarded whole ("I had
 * sent it to Maria by mistake, here is my reply"): its From is the
 * outer From, and it is not said to be an attachment or was sent to the
 * domain this one is (a message of theirs to their own team, attached,
 * is not their reply)?
 * Then its text is theirs, read as the reply's.
 */
static bool
mime_is_own_forward(const struct mime_walk *w, GMimeObject *obj)
{
	GMimeMessage *inner = g_mime_message_part_get_message(
	    GMIME_MESSAGE_PART(obj));
	InternetAddressList *from = inner ? g_mime_message_get_from(inner) :
	    NULL;
	InternetAddress *ia;
	g_autofree char *addr = NULL;

	if (!w->msg->from_addr || !from ||
	    internet_address_list_length(from) != 1)
		return false;
	ia = internet_address_list_get_address(from, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		return false;
	addr = mime_normalise_addr(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia)));
	return g_ascii_strcasecmp(addr, w->msg->from_addr) == 0 &&
	    (!mime_is_attachment(obj) ||
	    mime_shares_recipient_domain(w, inner));
}

static void
mime_walk_object(struct mime_walk *w, GMimeObject *obj, bool want_text)
{
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		int chosen = -1;
		int i;

		/*
		 * Alternatives: the plain text if it says anything, else
		 * the last (most faithful) one; the others only give
		 * attachments.
		 */
		if (want_text &&
		    mime_is_type(obj, "multipart", "alternative")) {
			/* A flattened plain text only when the HTML says more. */
			guint html_breaks = n > 0 ? mime_html_breaks(
			    g_mime_multipart_get_part(mp, n - 1)) : 0;

			for (i = 0; i < n && chosen < 0; i++)
				if (mime_has_plain_text(
				    g_mime_multipart_get_part(mp, i),
				    html_breaks))
					chosen = i;
			if (chosen < 0)
				chosen = n - 1;
		}
		for (i = 0; i < n; i++)
			mime_walk_object(w, g_mime_multipart_get_part(mp, i),
			    want_text && (chosen < 0 || chosen == i));
	} else if (GMIME_IS_MESSAGE_PART(obj) && want_text &&
	    ((w->list_wrap && mime_is_list_wrap(obj)) ||
	    (w->own_forward && mime_is_own_forward(w, obj)))) {
		GMimeMessage *inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		/*
		 * Their forwarded message stays an attachment too, also
		 * under a list's headers when it is no list's wrap.
		 */
		if (!(w->list_wrap && mime_is_list_wrap(obj)))
			mime_walk_message_part(w, GMIME_MESSAGE_PART(obj));

		/* Once: a second wrapped message is an attachment. */
		w->list_wrap = false;
		w->own_forward = false;
		if (inner && g_mime_message_get_mime_part(inner))
			mime_walk_object(w, g_mime_message_get_mime_part(inner),
			    true);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		mime_walk_message_part(w, GMIME_MESSAGE_PART(obj));
	} else if (GMIME_IS_PART(obj)) {
		mime_walk_leaf(w, GMIME_PART(obj), want_text);
	}
}

static bool
mime_is_blank(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isspace(*s))
			return false;
	return true;
}

/* Bytes taken by blank lines (only white space) at the start. */
static size_t
mime_leading_blank_lines(const char *raw, size_t len)
{
	size_t skip = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (raw[i] == '\n')
			skip = i + 1;
		else if (raw[i] != '\r' && raw[i] != ' ' && raw[i] != '\t')
			break;
	}
	return skip;
}

/*
 * Bytes taken by an mbox "From " separator line at the start, which a
 * message saved from a Unix mailbox keeps (corpora gmime jwz.mbox).
 */
static size_t
mime_mbox_from_line(const char *raw, size_t len)
{
	const char *nl;

	if (len < 5 || memcmp(raw, "From ", 5) != 0)
		return 0;
	nl = memchr(raw, '\n', len);
	return nl ? (size_t)(nl - raw) + 1 : 0;
}

/*
 * What GMime cannot read as a message (no header at all) is still text
 * someone sent: keep it as the body, so that it can be triaged.
 */
static void
mime_body_only(struct message *msg, const char *raw, size_t len)
{
	g_free(msg->text);
	msg->text = mime_to_utf8(raw, len, "utf-8", msg);
	g_free(msg->content_type);
	msg->content_type = g_strdup("text/plain");
	mime_add_warning(msg, "no message header: read as plain text");
}

struct message *
mime_parse(const char *raw, size_t len, GError **err)
{
	struct message *msg = message_new();
	struct mime_walk w = { 0 };
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *gm = NULL;
	GMimeObject *top;
	GByteArray *copy;
	size_t skip;
	bool ok = false;

	(void)err;
	w.msg = msg;
	w.opts = g_mime_parser_options_new();
	w.plain = g_string_new(NULL);
	w.html = g_string_new(NULL);
#if GMIME_CHECK_VERSION(3, 2, 14)
	g_mime_parser_options_set_warning_callback(w.opts, mime_on_warning,
	    &w, NULL);
#else
	g_mime_parser_options_set_warning_callback(w.opts, mime_on_warning,
	    &w);
#endif
	/* Broken clients put blank lines before the header (corpora
	 * discourse_emails/inline_reply.eml); GMime would see no header. */
	skip = mime_mbox_from_line(raw, len);
	skip += mime_leading_blank_lines(raw + skip, len - skip);
	if (skip > 0)
		mime_add_warning(msg, "lines before the header skipped");
	/*
	 * The stream gets its own copy, sized exactly: _new_with_buffer
	 * rounds it up to a power of two, 64 MB for a 33 MB message.
	 */
	copy = g_byte_array_new_take(g_memdup2(raw + skip, len - skip),
	    len - skip);
	stream = g_mime_stream_mem_new_with_byte_array(copy);
	parser = g_mime_parser_new_with_stream(stream);
	gm = g_mime_parser_construct_message(parser, w.opts);
	if (!gm) {
		mime_body_only(msg, raw + skip, len - skip);
		ok = true;
		goto out;
	}
	mime_read_headers(&w, gm);
	top = g_mime_message_get_mime_part(gm);
	w.list_wrap = top && mime_is_type(top, "multipart", "mixed") &&
	    (g_mime_object_get_header(GMIME_OBJECT(gm), "List-Id") ||
	    g_mime_object_get_header(GMIME_OBJECT(gm), "List-Post"));
	w.own_forward = top && mime_is_type(top, "multipart", "mixed");
	if (top) {
		g_free(msg->content_type);
		msg->content_type = mime_content_type(top);
		mime_walk_object(&w, top, true);
	} else {
		msg->content_type = g_strdup("text/plain");
	}
	g_free(msg->text);
	if (!mime_is_blank(w.plain->str) || mime_is_blank(w.html->str)) {
		msg->text = g_string_free(g_steal_pointer(&w.plain), FALSE);
	} else {
		msg->text = g_string_free(g_steal_pointer(&w.html), FALSE);
		msg->text_from_html = true;
	}
	ok = true;
out:
	if (w.plain)
		g_string_free(w.plain, TRUE);
	if (w.html)
		g_string_free(w.html, TRUE);
	g_clear_object(&gm);
	g_clear_object(&parser);
	g_clear_object(&stream);
	g_mime_parser_options_free(w.opts);
	if (!ok)
		g_clear_pointer(&msg, message_free);
	return msg;
}

void
mime_init(void)
{
	g_mime_init();
}

void
mime_shutdown(void)
{
	g_mime_shutdown();
}
