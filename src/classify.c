/* SPDX-License-Identifier: MIT */
/*
 * Message kinds from header signals, subjects and delivery reports, so
 * that auto-replies and bounces never get an acknowledgement (no mail
 * loops) and permanent bounces mark an address as failed.  Which
 * participant a message belongs to is decided elsewhere (token).
 */
#include "classify.h"

#include <glib.h>
#include <string.h>

#include "addr.h"
#include "message.h"

#include "banned.h"

/* Casefolded substrings of auto-reply subjects (SPEC 6). */
static const char *const classify_auto_subjects[] = {
	"out of office", "out of the office", "automatic reply",
	"autoreply", "auto-reply", "auto reply", "auto response",
	"autoresponse", "réponse automatique", "absence du bureau",
	"absent du bureau", "respuesta automática", "fuera de la oficina",
	"自动答复", "自動答覆", "respuesta automatica", "reponse automatique",
	"resposta automatica", "risposta automatica", "自動応答", "自动应答",
	"автоматический ответ", "автоответ", "нет на месте", "رد تلقائي",
	"الرد التلقائي", "自动回复", "自動回覆", "自動回复", "abwesenheitsnotiz",
	"automatische antwort", "abwesend", "resposta automática",
	"ausente do escritório", "fora do escritório",
	/* Challenge-response filters asking the sender to prove a person. */
	"[verification required]", "bitte bestätigen sie ihre nachricht",
	"confirmación requerida para entregar", "please verify your email",
	NULL,
};

/*
 * Casefolded words that mark an auto-reply only at the start of the
 * subject ("Abwesenheit: ...", "Вне офиса: ..."): inside one they are a
 * person's words ("nach meiner Abwesenheit", "пишу вне офиса").
 */
static const char *const classify_auto_subject_starts[] = {
	"abwesenheit", "fuera de oficina", "вне офиса", "خارج المكتب",
	"رد آلي",
	/* Outlook's "Automatic reply:" in further languages. */
	"automatická odpověď", "autosvar", "automaattinen vastaus",
	"תשובה אוטומטית", "automatikus válasz", "balasan otomatis",
	"자동 회신", "자동 응답", "odpowiedź automatyczna", "automatiskt svar",
	"ตอบกลับอัตโนมัติ", "otomatik yanıt", "otomatik cevap",
	"автоматична відповідь", "trả lời tự động", "αυτόματη απάντηση",
	"automatisch antwoord", "automatyczna odpowiedź", "automatisk svar",
	"răspuns automat", "स्वचालित उत्तर", "پاسخ خودکار", NULL,
};

/* Casefolded substrings of bounce subjects. */
static const char *const classify_bounce_subjects[] = {
	"undelivered mail", "delivery status notification", "undeliverable",
	"failure notice", "mail delivery failed", "returned mail",
	"delivery failure", "delivery failed", "delivery has failed",
	"mail delivery failure", "mail system error", "non remis",
	"non distribuable", "unzustellbar", "nicht zustellbar",
	"no se puede entregar", "message not delivered",
	"could not be delivered", "undeliverable mail", "mail failure",
	"delivery notification", "rejected", "недоставлен", "未送达",
	"退信", "не доставлено", "تعذر التسليم", "无法投递", "無法傳遞",
	"échec de la remise", "teslim edilemedi", "전송 실패", "발송실패",
	"nedoručitelné", "kézbesíthetetlen", "nie można dostarczyć",
	"onbestelbaar", "não entregue", "配信不能", "配信エラー",
	"メールエラー",
	"không thể gửi", NULL,
};

/*
 * What a delivery report without a DSN part says in its body, casefolded
 * (Exchange 2003, KDDI, old Sendmail): read only from a postmaster or
 * the null sender, whose subject may say nothing ("E", "Mail").
 */
static const char *const classify_bounce_bodies[] = {
	"did not reach the following recipient",
	"could not be delivered to", "delivery to the following recipient",
	"permanent fatal error", "user unknown", "no such user",
	"recipient address rejected", "mailbox unavailable", NULL,
};

/* Sender names of delivery systems, casefolded. */
static const char *const classify_daemon_words[] = {
	"daemon", "postmaster", "post_master", "mail.delivery",
	"maildelivery", "mailer", NULL,
};

/*
 * Does s hold one of needles once casefolded, anywhere or (at_start)
 * at its start, leading blanks aside?
 */
static bool
classify_matches_any(const char *s, const char *const *needles,
    bool at_start)
{
	char *folded, *text;
	bool found = false;
	size_t i;

	if (!s)
		return false;
	folded = g_utf8_casefold(s, -1);
	text = g_strchug(folded);
	for (i = 0; needles[i] && !found; i++)
		found = at_start ? g_str_has_prefix(text, needles[i]) :
		    strstr(text, needles[i]) != NULL;
	g_free(folded);
	return found;
}

static bool
classify_contains_any(const char *s, const char *const *needles)
{
	return classify_matches_any(s, needles, false);
}

/* classify_contains_any() over the first 2 KB of text. */
static bool
classify_head_contains_any(const char *text, const char *const *needles)
{
	size_t len = strlen(text);
	const char *end;
	char *head;
	bool found;

	if (len <= 2048)
		return classify_contains_any(text, needles);
	end = g_utf8_find_prev_char(text, text + 2048);
	head = g_strndup(text, end ? (size_t)(end - text) : 0);
	found = classify_contains_any(head, needles);
	g_free(head);
	return found;
}

/* The local part of addr, compared case-insensitively with name. */
static bool
classify_local_is(const char *addr, const char *name)
{
	const char *at;
	size_t n;

	if (!addr)
		return false;
	at = strrchr(addr, '@');
	n = at ? (size_t)(at - addr) : strlen(addr);
	return n == strlen(name) && g_ascii_strncasecmp(addr, name, n) == 0;
}

static bool
classify_has_attachment(const struct message *msg, const char *type)
{
	size_t i;

	for (i = 0; i < msg->attachments->len; i++) {
		const struct message_attachment *a = msg->attachments->pdata[i];

		if (a->content_type && strcmp(a->content_type, type) == 0)
			return true;
	}
	return false;
}

/*
 * An SMTP reply with its enhanced status, "550 5.1.1" or "452-4.2.2", as
 * every mail server quotes it in a failure report.
 */
static bool
classify_has_smtp_status(const char *text)
{
	const char *p;

	for (p = text; p && (p = strpbrk(p, "45")) != NULL; p++) {
		if (!g_ascii_isdigit(p[1]) || !g_ascii_isdigit(p[2]) ||
		    (p[3] != ' ' && p[3] != '-') || p[4] != p[0] ||
		    p[5] != '.' || !g_ascii_isdigit(p[6]) ||
		    (p > text && g_ascii_isalnum(p[-1])))
			continue;
		return true;
	}
	return false;
}

static bool
classify_is_bounce(const struct message *msg)
{
	bool daemon = classify_local_is(msg->from_addr, "mailer-daemon") ||
	    classify_local_is(msg->from_addr, "mail-daemon") ||
	    classify_local_is(msg->from_addr, "mailerdaemon");
	/* "postmaster", "post_master" (Verizon), "mailer-notify" ... */
	bool postmaster = classify_contains_any(msg->from_addr,
	    classify_daemon_words);
	/* A no-reply notice returning the original: KDDI's. */
	bool returned = (classify_local_is(msg->from_addr, "no-reply") ||
	    classify_local_is(msg->from_addr, "noreply")) &&
	    classify_has_attachment(msg, "message/rfc822");
	bool null_sender = msg->return_path && !*msg->return_path;
	bool subject = classify_contains_any(msg->subject,
	    classify_bounce_subjects);

	if (msg->dsn_recipient || msg->dsn_action ||
	    classify_has_attachment(msg, "message/delivery-status") ||
	    classify_has_attachment(msg, "message/global-delivery-status"))
		return true;
	if (daemon)
		return true;
	if (subject && (postmaster || null_sender || !msg->from_addr))
		return true;
	/* A postmaster's report in a language the subjects miss. */
	return (postmaster || null_sender || (subject && returned)) &&
	    msg->text &&
	    (classify_has_smtp_status(msg->text) ||
	    classify_head_contains_any(msg->text, classify_bounce_bodies));
}

static bool
classify_is_auto_reply(const struct message *msg)
{
	const char *subject = msg->subject;

	if (msg->auto_submitted) {
		size_t n = strcspn(msg->auto_submitted, " \t;(");

		if (!(n == 2 && g_ascii_strncasecmp(msg->auto_submitted, "no",
		    2) == 0))
			return true;
	}
	if (msg->x_autoreply)
		return true;
	/* A read receipt (RFC 8098), "Read: ..." or "Lu : ...". */
	if (classify_has_attachment(msg, "message/disposition-notification"))
		return true;
	if (msg->precedence && (strcmp(msg->precedence, "auto_reply") == 0 ||
	    strcmp(msg->precedence, "bulk") == 0 ||
	    strcmp(msg->precedence, "junk") == 0))
		return true;
	if (subject && (g_ascii_strncasecmp(subject, "Auto:", 5) == 0 ||
	    g_ascii_strncasecmp(subject, "AutoReply:", 10) == 0))
		return true;
	return classify_contains_any(subject, classify_auto_subjects) ||
	    classify_matches_any(subject, classify_auto_subject_starts, true);
}

enum classify_kind
classify_message(const struct message *msg)
{
	if (classify_is_bounce(msg))
		return CLASSIFY_BOUNCE;
	if (classify_is_auto_reply(msg))
		return CLASSIFY_AUTO_REPLY;
	return CLASSIFY_HUMAN;
}

/* "bounce+user=example.org@host" -> "user@example.org" (VERP). */
static char *
classify_verp(const struct message *msg)
{
	size_t i;

	for (i = 0; i < msg->recipients->len; i++) {
		const char *r = msg->recipients->pdata[i];
		const char *at = strrchr(r, '@');
		const char *plus = strchr(r, '+');
		const char *eq;
		char *local;
		char *addr;

		if (!at || !plus || plus > at)
			continue;
		eq = g_strrstr_len(plus, at - plus, "=");
		if (!eq || eq == plus + 1 || eq + 1 == at)
			continue;
		local = g_strndup(plus + 1, (gsize)(eq - plus - 1));
		addr = g_strdup_printf("%s@%.*s", local, (int)(at - eq - 1),
		    eq + 1);
		g_free(local);
		return addr;
	}
	return NULL;
}

/* The addr-spec in "Name <a@b>" or "a@b", or NULL. */
static char *
classify_addr_in(const char *s, size_t len)
{
	const char *lt = memchr(s, '<', len);
	const char *start;
	const char *end;

	if (lt) {
		start = lt + 1;
		end = memchr(start, '>', len - (size_t)(start - s));
	} else {
		start = s;
		while (start < s + len && (*start == ' ' || *start == '\t'))
			start++;
		end = start;
		while (end < s + len && *end != ' ' && *end != ',' &&
		    *end != '\t' && *end != '\r')
			end++;
	}
	if (!end || end <= start || !memchr(start, '@', (size_t)(end - start)))
		return NULL;
	return g_strndup(start, (gsize)(end - start));
}

/* The To of the returned original (message/rfc822, text/rfc822-headers). */
static char *
classify_returned_to(const struct message *msg)
{
	size_t i;

	for (i = 0; i < msg->attachments->len; i++) {
		const struct message_attachment *a = msg->attachments->pdata[i];
		const char *p = (const char *)a->data;
		const char *end;

		/* An empty part has no data: no pointer arithmetic on NULL. */
		if (!p)
			continue;
		end = p + a->size;
		if (!a->content_type || (strcmp(a->content_type,
		    "message/rfc822") != 0 && strcmp(a->content_type,
		    "text/rfc822-headers") != 0))
			continue;
		while (p && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);

			if (n == 0 || (n == 1 && *p == '\r'))
				break;
			if (n > 3 && g_ascii_strncasecmp(p, "To:", 3) == 0)
				return classify_addr_in(p + 3, n - 3);
			p = nl ? nl + 1 : end;
		}
	}
	return NULL;
}

/* Is [s, s + n) one addr-spec and nothing else? */
static bool
classify_bare_address(const char *s, size_t n)
{
	size_t i;

	g_autofree char *addr = NULL;

	if (n < 3 || !memchr(s, '@', n))
		return false;
	for (i = 0; i < n; i++)
		if (strchr(" \t<>:,;\"()", s[i]))
			return false;
	addr = g_strndup(s, n);
	return addr_valid(addr);
}

/*
 * Postfix and qmail put "<a@b>:" at the start of a line of the text;
 * Exim lists bare addresses, indented, under a line ending in ':' ("The
 * following address(es) failed:"), sendmail "<a@b>" alone under a
 * "----- The following addresses had permanent fatal errors -----".
 */
/* The first SMTP reply code ("550 ") in [s, end) that starts a word. */
static const char *
classify_find_code(const char *s, const char *end)
{
	const char *p;

	for (p = s; p + 4 <= end; p++)
		if (*p && strchr("45", *p) && g_ascii_isdigit(p[1]) &&
		    g_ascii_isdigit(p[2]) && p[3] == ' ' &&
		    (p == s || !g_ascii_isalnum(p[-1])))
			return p;
	return NULL;
}

/* s past an SMTP reply code and its enhanced status ("550 5.1.1 "). */
static const char *
classify_skip_smtp_code(const char *s)
{
	const char *p = s;

	if (!*p || !strchr("245", *p) || !g_ascii_isdigit(p[1]) ||
	    !g_ascii_isdigit(p[2]) || (p[3] != ' ' && p[3] != '-'))
		return s;
	p += 4;
	if (g_ascii_isdigit(p[0]) && p[1] == '.') {
		p += strspn(p, "0123456789.");
		while (*p == ' ')
			p++;
	}
	return p;
}

static char *
classify_text_recipient(const char *text)
{
	const char *p = text;
	bool after_colon = false;

	while (p && *p) {
		const char *q = p;
		const char *end = strchr(p, '\n');
		const char *gt, *r;
		size_t n;

		if (!end)
			end = p + strlen(p);
		while (*q == ' ' || *q == '\t')
			q++;
		n = (size_t)(end - q);
		while (n > 0 && g_ascii_isspace(q[n - 1]))
			n--;
		/*
		 * "<a@b>: ...", also after a reply code ("550 5.1.1 <a@b>:",
		 * "错误信息：550 5.1.1 <a@b>:").
		 */
		r = classify_skip_smtp_code(q);
		if (*r != '<' && (gt = classify_find_code(q, end)) != NULL)
			r = classify_skip_smtp_code(gt);
		if (*r == '<') {
			gt = strchr(r, '>');
			if (gt && gt[1] == ':' && memchr(r, '@', (size_t)(gt -
			    r)) && !memchr(r, '\n', (size_t)(gt - r)))
				return g_strndup(r + 1, (gsize)(gt - r - 1));
		}
		/* Exim indents its bare addresses; sendmail brackets them. */
		if (after_colon && n > 2 && *q == '<' && q[n - 1] == '>' &&
		    classify_bare_address(q + 1, n - 2))
			return g_strndup(q + 1, n - 2);
		if (after_colon && q > p && classify_bare_address(q, n))
			return g_strndup(q, n);
		if (n > 0)
			after_colon = q[n - 1] == ':' ||
			    strncmp(q, "-----", 5) == 0;
		p = *end ? end + 1 : NULL;
	}
	return NULL;
}

/* The first "5.1.1"-style enhanced status code in text, or NULL. */
static char *
classify_text_status(const char *text)
{
	const char *p;

	for (p = text; *p; p++) {
		const char *q = p;

		if ((*p != '4' && *p != '5') || p[1] != '.' ||
		    (p > text && (g_ascii_isdigit(p[-1]) || p[-1] == '.')))
			continue;
		q = p + 2;
		if (!g_ascii_isdigit(*q))
			continue;
		while (g_ascii_isdigit(*q) && q - p < 6)
			q++;
		if (*q != '.' || !g_ascii_isdigit(q[1]))
			continue;
		q++;
		while (g_ascii_isdigit(*q) && q - p < 10)
			q++;
		if (g_ascii_isdigit(*q) || *q == '.')
			continue;
		return g_strndup(p, (gsize)(q - p));
	}
	return NULL;
}

bool
classify_bounce_info(const struct message *msg, char **recipient_out,
    char **status_out, bool *permanent_out)
{
	char *rcpt;
	char *status;
	bool permanent;

	if (classify_message(msg) != CLASSIFY_BOUNCE)
		return false;
	rcpt = g_strdup(msg->dsn_recipient);
	if (!rcpt)
		rcpt = classify_verp(msg);
	if (!rcpt)
		rcpt = classify_returned_to(msg);
	if (!rcpt)
		rcpt = classify_text_recipient(msg->text);
	status = g_strdup(msg->dsn_status);
	if (!status)
		status = classify_text_status(msg->text);
	if (status)
		permanent = status[0] == '5';
	else if (msg->dsn_action)
		permanent = strcmp(msg->dsn_action, "failed") == 0;
	else
		permanent = !classify_contains_any(msg->subject,
		    (const char *const[]){ "delay", "warning", NULL });
	*recipient_out = rcpt;
	*status_out = status;
	*permanent_out = permanent;
	return true;
}
