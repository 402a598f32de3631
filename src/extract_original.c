/* SPDX-License-Identifier: MIT */
/*
 * Reply extraction: the mail furniture around an original.  Recognises
 * attribution lines, Outlook header blocks and separators, furniture
 * pasted inside an answer, quotes and ">100" figures that belong to an
 * answer, and the recorded answers our reminders list.  Signatures,
 * sign-offs and disclaimers are extract_ending.c's.
 */
#include "extract.h"

#include <stdint.h>
#include <string.h>

#include "extract_private.h"

#include "banned.h"

/* Attribution lines are short; longer lines are someone's prose. */
#define EXTRACT_ATTRIBUTION_MAX 400

/* A header block's date comes within this many lines of "From:". */
#define EXTRACT_HEADER_BLOCK_SPAN 4

static const char *const extract_verbs[] = {
	"wrote", "écrit", "escribió", "schrieb", "escreveu", "написал",
	"написав", "كتب", "写道", "寫道", "scritto", "schreef", "skrev",
	"napisał", "kirjoitti", "escrigué", "a scris", "пишет", "пише",
	"のメール", "작성", "napsal", "yazdı", "написа", "έγραψε", "เขียน",
	"írta", "napisao", "napisala", "va escriure", "লিখেছেন", "نے لکھا",
	"menulis", "rašė", "napísal", "نوشت", "ने लिखा", "đã viết",
	"aliandika", "kirjutas", "rakstīja", "ጻፈ", NULL,
};

static const char *const extract_openers[] = {
	"On ", "Le ", "El ", "Am ", "Em ", "Op ", "Il ", "W dniu ", "Den ",
	"Dne ", "في ", "在", "于", NULL,
};

static const char *const extract_original_phrases[] = {
	"original message", "ursprüngliche nachricht", "message d'origine",
	"mensaje original", "mensagem original", "исходное сообщение",
	"forwarded message", "原始邮件", "message transféré",
	"mensaje reenviado", "weitergeleitete nachricht",
	"oorspronkelijk bericht", "messaggio originale",
	"oprindelig meddelelse", "alkuperäinen viesti", "原始郵件",
	"الرسالة الأصلية", "الرسالة المعاد توجيهها", "mail original",
	"ursprüngliche mail", "originalnachricht", "原邮件", "原郵件",
	"oryginalna wiadomość", "원본 메시지", "元のメッセージ",
	"původní zpráva", "özgün ileti", "özgün i\xcc\x87leti",
	"originalmeddelande",
	"alkuperäinen viesti", "αρχικό μήνυμα", "ההודעה המקורית",
	"tin nhắn gốc", "pesan asli", "mesaj original", "вихідне повідомлення",
	"оригінальне повідомлення", NULL,
};

static const char *const extract_from_keys[] = {
	"From", "De", "Von", "Van", "Da", "От", "Od", "Fra", "Från",
	"Lähettäjä", "发件人", "寄件者", "寄件人", "من", "差出人", "보낸 사람",
	"De la", "Από", "מאת", "Feladó", "Từ", "Dari", "จาก", "Від", "از",
	"Kimden", "발신", "보낸사람", NULL,
};

static const char *const extract_sent_keys[] = {
	"Sent", "Date", "To", "Subject", "Cc", "Envoyé", "Envoyé le", "À",
	"A", "Objet", "Sujet", "Gesendet", "An", "Betreff", "Datum",
	"Enviado el", "Enviado", "Enviados", "Para", "Asunto", "Fecha",
	"Отправлено", "Кому", "Тема", "Дата", "发送时间", "时间", "收件人",
	"主题", "日期", "Verzonden", "Aan", "Onderwerp", "Inviato", "Oggetto",
	"Wysłane", "Temat", "Sendt", "Dato", "Til", "Skickat", "Emne", "Ämne",
	"التاريخ", "تاريخ الإرسال", "إلى", "الموضوع", "أرسل", "Assunto",
	"Data", "寄件日期", "傳送時間", "送信日時", "宛先", "件名",
	"보낸 날짜", "받는 사람", "제목", "Lähetetty", "Odesláno",
	"Gönderildi", "Trimis", "Către", "Subiect", "Data", "Στάλθηκε",
	"Προς", "Θέμα", "Ημερομηνία", "נשלח", "אל", "נושא", "תאריך",
	"Elküldve", "Címzett", "Tárgy", "Dátum", "Đã gửi", "Đến", "Chủ đề",
	"Ngày", "Dikirim", "Kepada", "Perihal", "Subjek", "Tanggal", "ส่ง",
	"ถึง", "เรื่อง", "วันที่", "Wysłano", "Do", "Odesláno", "Komu",
	"Předmět", "Vastaanottaja", "Aihe", "Till", "Надіслано", "Кому",
	"Тема", "Tarih", "Kime", "Konu", "ارسال شده", "به", "موضوع", "تاریخ",
	"수신", "날짜", "받는사람", "보낸날짜", NULL,
};

/* The header block line that carries its date: "Sent:", "Date:", ... */
static const char *const extract_date_keys[] = {
	"Sent", "Date", "Envoyé", "Envoyé le", "Message du", "Gesendet",
	"Datum", "Enviado el", "Enviado", "Enviados", "Fecha", "Отправлено",
	"Дата", "发送时间", "时间", "日期", "Verzonden", "Inviato", "Data",
	"Wysłane", "Sendt", "Dato", "Skickat", "التاريخ", "تاريخ الإرسال",
	"أرسل", "寄件日期", "傳送時間", "送信日時", "보낸 날짜", "Lähetetty",
	"Odesláno", "Gönderildi", "Trimis", "Στάλθηκε", "Ημερομηνία",
	"נשלח", "תאריך", "Elküldve", "Dátum", "Đã gửi", "Ngày", "Dikirim",
	"Tanggal", "ส่ง", "วันที่", "Wysłano", "Надіслано", "Tarih",
	"ارسال شده", "تاریخ", "날짜", "보낸날짜", NULL,
};

static bool
extract_has_verb(const char *s)
{
	char *folded = g_utf8_casefold(s, -1);
	bool found = false;
	size_t i;

	for (i = 0; extract_verbs[i] && !found; i++)
		found = strstr(folded, extract_verbs[i]) != NULL;
	g_free(folded);
	return found;
}

static bool
extract_has_opener(const char *s)
{
	size_t i;

	for (i = 0; extract_openers[i]; i++)
		if (g_str_has_prefix(s, extract_openers[i]))
			return true;
	return false;
}

/* Does s start with key followed by optional blanks and a colon? */
static bool
extract_starts_key(const char *s, const char *key)
{
	size_t n = strlen(key);

	while (*s == '*')
		s++;
	if (g_ascii_strncasecmp(s, key, n) != 0)
		return false;
	s += n;
	while (*s == '*')
		s++;
	while (*s == ' ')
		s++;
	if (*s == '*')
		s++;
	return *s == ':' || strncmp(s, "\xef\xbc\x9a", 3) == 0;
}

static bool
extract_starts_any_key(const char *s, const char *const *keys)
{
	size_t i;

	/* Most lines have no colon: no key can start them. */
	if (!strchr(s, ':') && !strstr(s, "\xef\xbc\x9a"))
		return false;
	for (i = 0; keys[i]; i++)
		if (extract_starts_key(s, keys[i]))
			return true;
	return false;
}

/*
 * Is s, what follows a separator's phrase, the end of a rule: dashes,
 * blanks, a colon and at most one word ("----- Original message follows
 * -----")?
 */
static bool
extract_is_rule_tail(const char *s)
{
	char *words = g_strdelimit(g_strdup(s), "-=*:", ' ');
	bool rule = extract_word_count(words) <= 1;

	g_free(words);
	return rule;
}

/*
 * "-----Original Message-----", "____", "Begin forwarded message:".  The
 * phrase or the "wrote" verb ends the line but for dashes and a colon:
 * "--- as one member wrote, too many calls" and "--- forwarded message
 * from a colleague: please include youth ---" are text.  A short rule of
 * underscores only counts above a "From:" line (next, or NULL).
 */
bool
extract_is_separator(const char *s, const char *next)
{
	size_t n = strlen(s);
	size_t i;

	if (n >= 10 && strspn(s, "_") == n)
		return n >= 20 || (next &&
		    extract_starts_any_key(next, extract_from_keys));
	if (extract_has_prefix_ci(s, "Begin forwarded message") ||
	    extract_has_prefix_ci(s, "Début du message réexpédié"))
		return true;
	if (g_str_has_prefix(s, "---") || g_str_has_prefix(s, "- -")) {
		char *folded = g_utf8_casefold(s, -1);
		bool found = false;
		char *word = g_strdup(folded);

		/* Foxmail: "------------------ Original ------------------" */
		g_strstrip(g_strdelimit(word, "-", ' '));
		found = strcmp(word, "original") == 0 &&
		    g_str_has_prefix(s, "------");
		g_free(word);
		for (i = 0; extract_original_phrases[i] && !found; i++) {
			const char *at = strstr(folded,
			    extract_original_phrases[i]);

			found = at && extract_is_rule_tail(at +
			    strlen(extract_original_phrases[i]));
		}
		for (i = 0; extract_verbs[i] && !found &&
		    g_str_has_prefix(s, "---"); i++) {
			const char *at = strstr(folded, extract_verbs[i]);

			found = at && extract_is_rule_tail(at +
			    strlen(extract_verbs[i]));
		}
		g_free(folded);
		return found;
	}
	return false;
}

/* Is l ">100 downloads": a '>' right before a digit, one level deep? */
static bool
extract_is_figure_line(const struct extract_line *l)
{
	return l->depth == 1 && g_ascii_isdigit(l->text[0]) &&
	    l->text[-1] == '>' && l->content == l->text;
}

/*
 * ">100 downloads" alone among unquoted lines is a figure, not a quote:
 * a quote prefix is followed by a space or comes in a run of lines.  A
 * run of figures right under an own line (a marker line or the text
 * introducing them) and followed by more own text (">50 contributors\n
 * >1000 downloads" under [Q6]; format=flowed's space-stuffed " >30
 * countries") is the answer too.  A quote under an attribution line is
 * followed by nothing of the participant's.
 */
void
extract_unquote_figures(struct extract_ctx *c)
{
	size_t i, k, end, after;

	for (i = 0; i < c->n; i++) {
		if (!extract_is_figure_line(&c->lines[i]) ||
		    (i > 0 && c->lines[i - 1].depth != 0))
			continue;
		for (end = i + 1; end < c->n &&
		    extract_is_figure_line(&c->lines[end]); end++)
			;
		if (end < c->n && c->lines[end].depth != 0)
			continue;
		for (after = end; after < c->n && c->lines[after].depth == 0 &&
		    !*c->lines[after].content; after++)
			;
		if (end > i + 1 && (i == 0 || !*c->lines[i - 1].content ||
		    after == c->n || c->lines[after].depth != 0))
			continue;
		for (k = i; k < end; k++) {
			c->lines[k].depth = 0;
			c->lines[k].text--;
			c->lines[k].content--;
		}
		i = end - 1;
	}
}

/*
 * Is s a header line's full date: three groups of digits or more, a day,
 * a year and a time ("Wednesday, December 2, 2026 9:14 AM", "02.12.2026
 * 09:14")?  "Date: June 2017" or "Fecha: 2016-2017" is an answer.
 */
static bool
extract_has_full_date(const char *s)
{
	size_t groups = 0;
	bool in_digits = false;

	for (; *s; s += g_utf8_skip[*(const guchar *)s]) {
		bool digit = g_unichar_isdigit(g_utf8_get_char(s));

		if (digit && !in_digits)
			groups++;
		in_digits = digit;
	}
	return groups >= 3;
}

/*
 * An Outlook header block: "From:" then header lines ("To:", "Sent:",
 * ...) below.  With header values, an address or a full date under a
 * date key, it always is one.  Without them (a date key with another
 * value, or two more keys) only where it starts a paragraph or stands
 * outside an answer: "[Q4] ...\nFrom: the Gender BPF\nDate: June 2017"
 * is the answer, continued says so (the line above is the answer's).
 */
static bool
extract_header_block_shape(const struct extract_ctx *c, size_t i,
    bool continued)
{
	const char *from = c->lines[i].content;
	bool address = strchr(from, '@') != NULL;
	size_t j;
	size_t seen = 0;
	size_t keys = 0;

	/* Some clients put the date first ("Date:", "Message du :"). */
	if (i + 1 < c->n && c->lines[i + 1].depth == c->lines[i].depth &&
	    extract_starts_any_key(from, extract_date_keys) &&
	    extract_starts_any_key(c->lines[i + 1].content,
	    extract_from_keys))
		return !continued || address || extract_has_full_date(from) ||
		    strchr(c->lines[i + 1].content, '@');
	if (!extract_starts_any_key(from, extract_from_keys))
		return false;
	for (j = i + 1; j < c->n && seen < EXTRACT_HEADER_BLOCK_SPAN; j++) {
		const char *s = c->lines[j].content;
		bool date;

		if (c->lines[j].depth != c->lines[i].depth)
			return false;
		if (c->lines[j].kind == EXTRACT_BLANK)
			continue;
		seen++;
		if (!extract_starts_any_key(s, extract_sent_keys))
			continue;
		date = extract_starts_any_key(s, extract_date_keys);
		if (address || strchr(s, '@') ||
		    (date && extract_has_full_date(s)))
			return true;
		if (!continued && (++keys >= 2 || date))
			return true;
	}
	return false;
}

/*
 * Is the header block at line i one they pasted into an answer ("The
 * call that worked was this one:\n\nFrom: IGF Secretariat\nSent: ...")
 * rather than the top of the original: a line of theirs ending in a
 * colon brings it in, their markers stand above it, and the markers
 * under it before the real original (a later boundary, header block or
 * quote) go on with other questions, never one answered above.  An
 * original repeats the template, every marker of it.
 */
static bool
extract_header_block_pasted(const struct extract_ctx *c, size_t i)
{
	GHashTable *above;
	bool pasted = false;
	size_t j;

	if (c->lines[i].depth != 0)
		return false;
	/* Brought in by a line of theirs: "... was this one:". */
	for (j = i; j > 0 && c->lines[j - 1].kind == EXTRACT_BLANK; j--)
		;
	if (j == 0 || c->lines[j - 1].kind != EXTRACT_TEXT ||
	    c->lines[j - 1].depth != 0 ||
	    !extract_ends_with_colon(c->lines[j - 1].content))
		return false;
	above = g_hash_table_new(g_str_hash, g_str_equal);
	/* Up to the previous block or boundary: the answers of theirs. */
	for (j = i; j > 0; j--) {
		const struct extract_line *l = &c->lines[j - 1];

		if (l->depth != 0 || l->kind == EXTRACT_BOUNDARY ||
		    l->kind == EXTRACT_ATTRIBUTION ||
		    (l->kind == EXTRACT_TEXT && extract_starts_any_key(
		    l->content, extract_from_keys)))
			break;
		if (l->kind == EXTRACT_MARKER)
			g_hash_table_add(above, (gpointer)(uintptr_t)l->id);
	}
	if (g_hash_table_size(above) == 0)
		goto out;
	for (j = i + 1; j < c->n; j++) {
		const struct extract_line *l = &c->lines[j];

		if (l->depth != 0 || l->kind == EXTRACT_BOUNDARY ||
		    l->kind == EXTRACT_ATTRIBUTION ||
		    (l->kind == EXTRACT_TEXT && extract_starts_any_key(
		    l->content, extract_from_keys) &&
		    extract_header_block_shape(c, j, false))) {
			pasted = true;
			break;
		}
		if (l->kind == EXTRACT_MARKER &&
		    g_hash_table_contains(above, l->id))
			break;
	}
out:
	g_hash_table_unref(above);
	return pasted;
}

bool
extract_is_header_block(const struct extract_ctx *c, size_t i,
    bool continued)
{
	return extract_header_block_shape(c, i, continued) &&
	    !extract_header_block_pasted(c, i);
}

/* Do lines first..last (same depth, plain text) name a "wrote" verb? */
static bool
extract_span_has_verb(const struct extract_ctx *c, size_t first, size_t last)
{
	GString *joined = g_string_new(NULL);
	bool found;
	size_t k;

	for (k = first; k <= last; k++) {
		g_string_append(joined, c->lines[k].content);
		g_string_append_c(joined, ' ');
	}
	found = joined->len <= EXTRACT_ATTRIBUTION_MAX &&
	    extract_has_verb(joined->str);
	g_string_free(joined, TRUE);
	return found;
}

/*
 * Do lines first..last hold a date (two groups of digits: a day and a
 * year, or a time) or an address?  "On the 2016 call, Anja wrote:" is
 * the participant's sentence.
 */
static bool
extract_span_dated(const struct extract_ctx *c, size_t first, size_t last)
{
	size_t k, groups = 0;

	for (k = first; k <= last; k++) {
		const char *p = c->lines[k].content;

		if (strchr(p, '@'))
			return true;
		for (; *p; p++)
			if (g_ascii_isdigit(*p) && (p == c->lines[k].content ||
			    !g_ascii_isdigit(p[-1])))
				groups++;
	}
	return groups >= 2;
}

/* "Name <a@b>": an attribution without opener names an address. */
static bool
extract_has_address(const char *s)
{
	const char *lt = strchr(s, '<');

	return lt && strchr(lt, '@') && strchr(lt, '>');
}

/*
 * Gmail in some languages (Russian among them) writes no verb: "ср, 30
 * апр. 2025 г. в 15:19, John Doe <doe@example.com>:".
 */
static bool
extract_is_dated_address(const char *s)
{
	size_t n = strlen(s);
	size_t i;

	if (n < 3 || strcmp(s + n - 2, ">:") != 0 || !extract_has_address(s))
		return false;
	for (i = 0; i < n; i++)
		if (g_ascii_isdigit(s[i]))
			return true;
	return false;
}

/* Is line i the wrapped rest of the plain line above it? */
static bool
extract_continues_above(const struct extract_ctx *c, size_t i)
{
	const struct extract_line *up = &c->lines[i - 1];
	const char *cur = c->lines[i].content;
	size_t n = strlen(up->content);
	char last;

	if (up->kind != EXTRACT_TEXT || up->depth != c->lines[i].depth ||
	    n == 0)
		return false;
	last = up->content[n - 1];
	if (last == '<' || last == '"' || last == ',' || *cur == '<' ||
	    g_unichar_islower(g_utf8_get_char(cur)))
		return true;
	/*
	 * Gmail wraps "ср, 2 дек. 2026 г. в 09:14, NAME\n2014-2019 <a@b>:":
	 * a dated line opening its paragraph, the address below it.
	 */
	return (i < 2 || c->lines[i - 2].kind == EXTRACT_BLANK) &&
	    strpbrk(up->content, "0123456789") && extract_has_address(cur);
}

/*
 * Marks attribution lines: a line ending in a colon, with a "wrote" verb
 * on it or on the one or two lines above (Gmail wraps long ones), that
 * either starts like one ("On", "Le", "Am", ...) or is followed by quoted
 * text.  When unquoted text follows, the original is not quoted (Outlook
 * style) and the attribution is marked stop.
 */
void
extract_mark_attributions(struct extract_ctx *c)
{
	size_t next_depth = 0;
	size_t i;
	size_t *below = g_new0(size_t, c->n + 1);

	/* below[i]: quote depth of the next non-blank line after i. */
	for (i = c->n; i-- > 0;) {
		below[i] = next_depth;
		if (c->lines[i].kind != EXTRACT_BLANK)
			next_depth = c->lines[i].depth;
	}
	for (i = 0; i < c->n; i++) {
		struct extract_line *l = &c->lines[i];
		size_t first = i;
		size_t verb = SIZE_MAX;
		size_t k;

		if (l->kind != EXTRACT_TEXT || !extract_ends_with_colon(
		    l->content))
			continue;
		for (k = 0; k <= 2 && k <= i; k++) {
			const struct extract_line *up = &c->lines[i - k];

			if (up->kind != EXTRACT_TEXT || up->depth != l->depth)
				break;
			if (verb == SIZE_MAX &&
			    (extract_span_has_verb(c, i - k, i) ||
			    extract_is_dated_address(up->content)))
				verb = i - k;
			if (verb != SIZE_MAX && extract_has_opener(
			    up->content)) {
				first = i - k;
				break;
			}
		}
		if (verb == SIZE_MAX)
			continue;
		/*
		 * Clients date what they quote: "On the last call, people
		 * wrote:" is the participant's own sentence.
		 */
		if (extract_has_opener(c->lines[first].content) &&
		    !extract_span_dated(c, first, i))
			continue;
		if (!extract_has_opener(c->lines[first].content)) {
			if (below[i] <= l->depth &&
			    !extract_has_address(c->lines[verb].content))
				continue;
			first = verb;
			/* A wrapped name or address continues from above. */
			for (k = 0; k < 2 && first > 0 &&
			    extract_continues_above(c, first); k++)
				first--;
		}
		for (k = first; k <= i; k++)
			c->lines[k].kind = EXTRACT_ATTRIBUTION;
		l->stop = below[i] <= l->depth;
	}
	g_free(below);
}

/*
 * Our receipts and reminders list what is recorded as "Q1  Prompt" (an
 * id, two spaces) with the answer under it indented by four spaces.  Is
 * text such an id line?  Copies the id to id_out unless it is NULL.
 */
bool
extract_listing_id(const char *text, char *id_out)
{
	const char *p = text;
	size_t letters = 0, digits = 0;

	while (g_ascii_isupper(*p) && letters < 4) {
		p++;
		letters++;
	}
	while (g_ascii_isdigit(*p) && digits < 4) {
		p++;
		digits++;
	}
	if (letters < 1 || letters > 3 || digits < 1 || digits > 3 ||
	    p[0] != ' ' || p[1] != ' ' || !p[2])
		return false;
	if (id_out)
		g_strlcpy(id_out, text, (gsize)(p - text) + 1);
	return true;
}

/*
 * Answers inside an unquoted original (Outlook) that equal what the same
 * original lists as recorded are the pre-filled answers of our reminder,
 * not the participant's: they go.  Answers the participant typed there
 * stay.
 */
void
extract_drop_listed(struct extract_ctx *c)
{
	GHashTable *listed = NULL;
	size_t i, j;

	for (i = 0; i < c->slots->len; i++)
		if (((struct extract_slot *)c->slots->pdata[i])->original)
			break;
	if (i == c->slots->len)
		return;
	listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	for (i = 0; i < c->n; i++) {
		char id[EXTRACT_ID_SIZE];
		GPtrArray *lines;

		if (!extract_listing_id(c->lines[i].text, id) ||
		    g_hash_table_contains(listed, id))
			continue;
		lines = g_ptr_array_new();
		for (j = i + 1; j < c->n && c->lines[j].depth ==
		    c->lines[i].depth && g_str_has_prefix(c->lines[j].text,
		    "    "); j++)
			g_ptr_array_add(lines, c->lines[j].text + 4);
		g_hash_table_insert(listed, g_strdup(id),
		    extract_join(NULL, lines));
		g_ptr_array_unref(lines);
	}
	for (i = 0; i < c->slots->len; i++) {
		struct extract_slot *s = c->slots->pdata[i];
		const char *was = g_hash_table_lookup(listed, s->id);

		if (s->original && s->text && was && strcmp(s->text, was) == 0)
			g_clear_pointer(&s->text, g_free);
	}
	g_hash_table_unref(listed);
}

/*
 * Furniture typed or pasted inside an answer: an attribution or header
 * block at line i under a marker of the participant's own, with another
 * of their markers below it and the message's real attribution or
 * boundary further down ("[Q2]\nOn 14
 * March 2019 the lead expert wrote:\n\"...\"\n\n[R2]\n2\n...\nOn Wed,
 * Dec 2, 2026 ... wrote:\n> ...").  The original is below the last one.
 */
bool
extract_is_pasted(const struct extract_ctx *c, size_t i)
{
	size_t m;

	if (c->last_furniture == SIZE_MAX || i >= c->last_furniture)
		return false;
	/* Inside an answer: an own marker above, with no furniture between. */
	for (m = i; m > 0; m--) {
		const struct extract_line *l = &c->lines[m - 1];

		if (l->depth != 0)
			continue;
		if (l->kind == EXTRACT_MARKER)
			break;
		/* Under their [END] no answer goes on. */
		if (l->kind == EXTRACT_BOUNDARY || l->kind == EXTRACT_END ||
		    (l->kind == EXTRACT_ATTRIBUTION && l->stop))
			return false;
	}
	if (m == 0)
		return false;
	for (m = i + 1; m < c->last_furniture; m++)
		if (c->lines[m].depth == 0 &&
		    c->lines[m].kind == EXTRACT_MARKER)
			return true;
	return false;
}

/* Sets c->last_furniture (see struct extract_ctx). */
void
extract_find_last_furniture(struct extract_ctx *c)
{
	size_t i;

	c->last_furniture = SIZE_MAX;
	for (i = 0; i < c->n; i++)
		if (c->lines[i].depth == 0 &&
		    (c->lines[i].kind == EXTRACT_ATTRIBUTION ||
		    c->lines[i].kind == EXTRACT_BOUNDARY))
			c->last_furniture = i;
}

/* Attributions typed inside an answer are its text (extract_is_pasted). */
void
extract_unmark_pasted(struct extract_ctx *c)
{
	size_t i, k;

	extract_find_last_furniture(c);
	for (i = 0; i < c->n; i++) {
		if (c->lines[i].depth != 0 || !c->lines[i].stop ||
		    !extract_is_pasted(c, i))
			continue;
		for (k = i + 1; k > 0 && c->lines[k - 1].depth == 0 &&
		    c->lines[k - 1].kind == EXTRACT_ATTRIBUTION; k--) {
			c->lines[k - 1].kind = EXTRACT_TEXT;
			c->lines[k - 1].stop = false;
		}
	}
}

/*
 * A quote the participant put inside an answer ("The 2018 output says:\n
 * \n> Participation by governments remained limited ...\n\nI agree"):
 * a quoted run without markers, between text of the same answer (under
 * an own marker, nothing but own text and blank lines between them), is
 * part of the answer, its "> " kept.  Quoted originals and inline
 * replies are not: they hold markers, follow an attribution or are not
 * followed by more of the answer.
 */
void
extract_keep_own_quotes(struct extract_ctx *c, size_t own_end)
{
	size_t i, end, k;

	for (i = 1; i < own_end; i = end) {
		bool marker = false;

		if (c->lines[i].depth == 0) {
			end = i + 1;
			continue;
		}
		for (end = i; end < own_end && c->lines[end].depth > 0; end++)
			marker = marker || c->lines[end].kind ==
			    EXTRACT_MARKER || c->lines[end].kind == EXTRACT_END;
		if (marker || end == own_end)
			continue;
		/* Own text of the answer below ... */
		for (k = end; k < own_end && c->lines[k].depth == 0 &&
		    c->lines[k].kind == EXTRACT_BLANK; k++)
			;
		if (k == own_end || c->lines[k].depth != 0 ||
		    c->lines[k].kind != EXTRACT_TEXT)
			continue;
		/* ... and above, up to the answer's own marker. */
		for (k = i; k > 0 && c->lines[k - 1].depth == 0 &&
		    c->lines[k - 1].kind == EXTRACT_BLANK; k--)
			;
		if (k == 0 || c->lines[k - 1].kind != EXTRACT_TEXT)
			continue;
		while (k > 0 && c->lines[k - 1].depth == 0 &&
		    (c->lines[k - 1].kind == EXTRACT_TEXT ||
		    c->lines[k - 1].kind == EXTRACT_BLANK))
			k--;
		if (k == 0 || c->lines[k - 1].depth != 0 ||
		    c->lines[k - 1].kind != EXTRACT_MARKER)
			continue;
		for (k = i; k < end; k++) {
			struct extract_line *l = &c->lines[k];

			l->depth = 0;
			l->text = l->whole;
			l->content = l->whole + strspn(l->whole, " \t");
			l->kind = EXTRACT_TEXT;
		}
	}
}

/*
 * Where the participant's own text ends: the first unquoted Outlook
 * boundary, header block or attribution of an unquoted original.
 */
size_t
extract_own_end(const struct extract_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];

		/* As the walk reads it: under a line of text, a block needs
		 * header values. */
		bool continued = i > 0 && c->lines[i - 1].depth == 0 &&
		    c->lines[i - 1].kind != EXTRACT_BLANK;

		if (l->depth == 0 && (l->kind == EXTRACT_BOUNDARY ||
		    (l->kind == EXTRACT_ATTRIBUTION && l->stop) ||
		    (extract_is_header_block(c, i, continued) &&
		    !extract_is_pasted(c, i))))
			break;
	}
	return i;
}

/*
 * Is the original at depth level that starts at line start someone's
 * reply rather than our letter: below its first marker a boundary or a
 * header block (our letters quote nothing; a forward's boundary may stand
 * above it), or, quoted, an attribution at that depth over a deeper
 * quote?  A colleague who replies to all with "+1 to Maria's points"
 * quotes Maria's answers above our invitation; those are Maria's, not
 * his.  The caller decides what an unquoted one means: an assistant
 * forwarding the invitee's reply sends the invitee's answers (SPEC 5).
 */
/* Is the next line under i that is not blank quoted deeper than level? */
static bool
extract_deeper_below(const struct extract_ctx *c, size_t i, unsigned level)
{
	size_t j;

	for (j = i + 1; j < c->n && c->lines[j].kind == EXTRACT_BLANK &&
	    c->lines[j].depth == level; j++)
		;
	return j < c->n && c->lines[j].depth > level;
}

bool
extract_original_is_a_reply(const struct extract_ctx *c, size_t start,
    unsigned level, bool quoted)
{
	size_t i;
	bool marker = false;

	for (i = start; i < c->n; i++) {
		const struct extract_line *l = &c->lines[i];

		if (l->depth != level)
			continue;
		/*
		 * An attribution over a deeper quote: this message quotes
		 * another, which our invitation never does.  (Apple Mail's
		 * own attribution, quoted with the text, has none below.)
		 */
		if (quoted && l->kind == EXTRACT_ATTRIBUTION && !l->stop)
			return true;
		/*
		 * Unquoted (Outlook over a Gmail reply): under its markers,
		 * its own attribution over the quote of its original.
		 */
		if (!quoted && marker && l->kind == EXTRACT_ATTRIBUTION &&
		    extract_deeper_below(c, i, level))
			return true;
		if (l->kind == EXTRACT_MARKER)
			marker = true;
		else if (marker && (l->kind == EXTRACT_BOUNDARY ||
		    (extract_is_header_block(c, i, c->lines[i - 1].depth ==
		    level && c->lines[i - 1].kind != EXTRACT_BLANK) &&
		    !extract_is_pasted(c, i))))
			return true;
	}
	return false;
}
