/* SPDX-License-Identifier: MIT */
/*
 * Tests for message classification: header/subject rules on synthetic
 * messages, then the peer corpora (discourse auto-replies and bounces,
 * sisimai RFC 3834 replies and bounces, flanker bounces).
 */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "classify.h"
#include "message.h"
#include "mime.h"

Suite *classify_suite(void);

#define CORPORA CONSULTD_CORPORA_DIR

struct rule_case {
	const char *name;
	const char *from;
	const char *subject;
	const char *auto_submitted;
	bool x_autoreply;
	const char *precedence;
	const char *return_path;
	const char *dsn_action;
	enum classify_kind expected;
};

static const struct rule_case rule_cases[] = {
	/* Outlook's "Automatic reply:" in Polish and Turkish. */
	{ "auto_subject_pl", "ana@example.pl", "Odpowied\xc5\xba "
	    "automatyczna: Your views", NULL, false, NULL, "ana@example.pl",
	    NULL, CLASSIFY_AUTO_REPLY },
	{ "auto_subject_tr", "ali@example.com.tr", "Otomatik yan\xc4\xb1t: "
	    "Your views", NULL, false, NULL, "ali@example.com.tr", NULL,
	    CLASSIFY_AUTO_REPLY },
	{ "plain_reply", "ana@example.org", "Re: BPF review", NULL, false,
	    NULL, "ana@example.org", NULL, CLASSIFY_HUMAN },
	{ "auto_submitted", "ana@example.org", "Re: x", "auto-replied", false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "auto_submitted_generated", "a@x.org", "x",
	    "auto-generated; owner-email=a@x.org", false, NULL, NULL, NULL,
	    CLASSIFY_AUTO_REPLY },
	{ "auto_submitted_no", "a@x.org", "x", "no", false, NULL, NULL, NULL,
	    CLASSIFY_HUMAN },
	{ "auto_submitted_no_comment", "a@x.org", "x", "No (manual)", false,
	    NULL, NULL, NULL, CLASSIFY_HUMAN },
	{ "x_autoreply", "a@x.org", "x", NULL, true, NULL, NULL, NULL,
	    CLASSIFY_AUTO_REPLY },
	{ "precedence_auto_reply", "a@x.org", "x", NULL, false, "auto_reply",
	    NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "precedence_bulk", "a@x.org", "x", NULL, false, "bulk", NULL, NULL,
	    CLASSIFY_AUTO_REPLY },
	{ "precedence_junk", "a@x.org", "x", NULL, false, "junk", NULL, NULL,
	    CLASSIFY_AUTO_REPLY },
	{ "precedence_list", "a@x.org", "x", NULL, false, "list", NULL, NULL,
	    CLASSIFY_HUMAN },
	{ "subject_ooo", "a@x.org", "Out of Office: BPF review", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_automatic_reply", "a@x.org", "Automatic reply: BPF", NULL,
	    false, NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_auto_colon", "a@x.org", "Auto: BPF review", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_autoreply", "a@x.org", "AutoReply: BPF", NULL, false, NULL,
	    NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_fr", "a@x.org", "Réponse automatique : Revue", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_fr_absence", "a@x.org", "Absence du bureau", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_es", "a@x.org", "Respuesta automática: Revisión", NULL,
	    false, NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	/* Session 5: these mark an auto-reply only at the start. */
	{ "subject_de_abwesenheit", "a@x.org", "Abwesenheit: Ihre Meinung",
	    NULL, false, NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_de_abwesenheit_inside", "a@x.org", "AW: Ihre Meinung - "
	    "nach meiner Abwesenheit", NULL, false, NULL, NULL, NULL,
	    CLASSIFY_HUMAN },
	{ "subject_ru_vne_ofisa", "a@x.org", "\xd0\x92\xd0\xbd\xd0\xb5 "
	    "\xd0\xbe\xd1\x84\xd0\xb8\xd1\x81\xd0\xb0: BPF", NULL, false, NULL, NULL,
	    NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_es_fuera_inside", "a@x.org", "Re: BPF (respondo fuera de "
	    "oficina)", NULL, false, NULL, NULL, NULL, CLASSIFY_HUMAN },
	{ "subject_es_oficina", "a@x.org", "Fuera de la oficina", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_ru", "a@x.org", "Автоматический ответ: Обзор", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_ru_away", "a@x.org", "Нет на месте", NULL, false, NULL,
	    NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_ar", "a@x.org", "رد تلقائي: مراجعة", NULL, false, NULL,
	    NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_zh", "a@x.org", "自动回复: 审查", NULL, false, NULL, NULL,
	    NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_de", "a@x.org", "Abwesenheitsnotiz: Review", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_de_antwort", "a@x.org", "Automatische Antwort: Review",
	    NULL, false, NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_case", "a@x.org", "OUT OF OFFICE", NULL, false, NULL, NULL,
	    NULL, CLASSIFY_AUTO_REPLY },
	{ "dsn", "postmaster@x.org", "x", NULL, false, NULL, "", "failed",
	    CLASSIFY_BOUNCE },
	{ "dsn_beats_auto_submitted", "mailer-daemon@x.org", "x",
	    "auto-replied", false, NULL, "", "failed", CLASSIFY_BOUNCE },
	{ "mailer_daemon", "MAILER-DAEMON@x.org", "whatever", NULL, false, NULL,
	    NULL, NULL, CLASSIFY_BOUNCE },
	{ "postmaster_subject", "postmaster@x.org", "Undeliverable: BPF",
	    NULL, false, NULL, NULL, NULL, CLASSIFY_BOUNCE },
	/* Session 6: Outlook's prefix in further languages, at the start. */
	{ "subject_tr", "a@x.org", "Otomatik yan\xc4\xb1t: Review", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_sv", "a@x.org", "Automatiskt svar: Review", NULL, false,
	    NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_el", "a@x.org", "\xce\x91\xcf\x85\xcf\x84\xcf\x8c"
	    "\xce\xbc\xce\xb1\xcf\x84\xce\xb7 \xce\xb1\xcf\x80\xce\xac"
	    "\xce\xbd\xcf\x84\xce\xb7\xcf\x83\xce\xb7: Review", NULL,
	    false, NULL, NULL, NULL, CLASSIFY_AUTO_REPLY },
	{ "challenge_response_subject", "verify@spamarrest.example.com",
	    "Re: Your views [Verification Required]", NULL, false, NULL, NULL,
	    NULL, CLASSIFY_AUTO_REPLY },
	{ "subject_sv_inside_is_human", "a@x.org", "Re: mitt automatiskt svar "
	    "var fel", NULL, false, NULL, NULL, NULL, CLASSIFY_HUMAN },
	{ "postmaster_human", "postmaster@x.org", "Re: your question", NULL,
	    false, NULL, "postmaster@x.org", NULL, CLASSIFY_HUMAN },
	{ "null_sender_subject", "x@y.org", "failure notice", NULL, false,
	    NULL, "", NULL, CLASSIFY_BOUNCE },
	{ "null_sender_no_subject_is_not_bounce", "x@y.org", "Hello", NULL,
	    false, NULL, "", NULL, CLASSIFY_HUMAN },
	{ "bounce_subject_from_human", "ana@example.org",
	    "Re: Mail delivery failed", NULL, false, NULL, "ana@example.org",
	    NULL, CLASSIFY_HUMAN },
	{ "delivery_status_notification", "Mail.Delivery.System@mx.org",
	    "Delivery Status Notification (Failure)", NULL, false, NULL, NULL,
	    NULL, CLASSIFY_BOUNCE },
	{ "no_headers", NULL, NULL, NULL, false, NULL, NULL, NULL,
	    CLASSIFY_HUMAN },
};

START_TEST(test_classify_rules)
{
	const struct rule_case *c = &rule_cases[_i];
	struct message *msg = message_new();

	msg->from_addr = g_strdup(c->from);
	msg->subject = g_strdup(c->subject);
	msg->auto_submitted = g_strdup(c->auto_submitted);
	msg->x_autoreply = c->x_autoreply;
	msg->precedence = g_strdup(c->precedence);
	msg->return_path = g_strdup(c->return_path);
	msg->dsn_action = g_strdup(c->dsn_action);
	ck_assert_msg(classify_message(msg) == c->expected, "%s", c->name);
	message_free(msg);
}
END_TEST

struct info_case {
	const char *name;
	const char *recipient;	/* in msg->recipients */
	const char *text;
	const char *dsn_recipient;
	const char *dsn_status;
	const char *dsn_action;
	const char *subject;
	const char *want_rcpt;
	const char *want_status;
	bool want_permanent;
};

static const struct info_case info_cases[] = {
	{ "dsn", "consult@x.org", "", "a@b.org", "5.1.1", "failed", "x",
	    "a@b.org", "5.1.1", true },
	{ "dsn_delayed", "consult@x.org", "", "a@b.org", "4.4.7", "delayed",
	    "x", "a@b.org", "4.4.7", false },
	{ "verp", "bounce+ana.silva=example.org@consult.example",
	    "550 5.1.1 <ana.silva@example.org>: user unknown", NULL, NULL, NULL,
	    "Undelivered Mail Returned to Sender", "ana.silva@example.org",
	    "5.1.1", true },
	{ "text_only_postfix", "consult@x.org", "The mail system\n\n"
	    "<bob@example.net>: host mx said: 550 No such user\n", NULL, NULL,
	    NULL, "Undelivered Mail Returned to Sender", "bob@example.net",
	    NULL, true },
	{ "text_delay_subject", "consult@x.org", "still trying", NULL, NULL,
	    NULL, "Warning: message delayed", NULL, NULL, false },
	{ "status_not_version", "consult@x.org", "Postfix 3.5.1 said 4.2.2 "
	    "mailbox full", NULL, NULL, NULL, "failure notice", NULL, "4.2.2",
	    false },
};

START_TEST(test_classify_bounce_info)
{
	const struct info_case *c = &info_cases[_i];
	struct message *msg = message_new();
	char *rcpt = NULL;
	char *status = NULL;
	bool permanent = !c->want_permanent;

	msg->from_addr = g_strdup("MAILER-DAEMON@mx.example");
	msg->return_path = g_strdup("");
	g_ptr_array_add(msg->recipients, g_strdup(c->recipient));
	g_free(msg->text);
	msg->text = g_strdup(c->text);
	msg->dsn_recipient = g_strdup(c->dsn_recipient);
	msg->dsn_status = g_strdup(c->dsn_status);
	msg->dsn_action = g_strdup(c->dsn_action);
	msg->subject = g_strdup(c->subject);
	ck_assert(classify_bounce_info(msg, &rcpt, &status, &permanent));
	ck_assert_msg(g_strcmp0(rcpt, c->want_rcpt) == 0, "%s: rcpt %s",
	    c->name, rcpt);
	ck_assert_msg(g_strcmp0(status, c->want_status) == 0, "%s: status %s",
	    c->name, status);
	ck_assert_msg(permanent == c->want_permanent, "%s: permanent",
	    c->name);
	g_free(rcpt);
	g_free(status);
	message_free(msg);
}
END_TEST

/*
 * A postmaster's report in a language the bounce subjects miss: its SMTP
 * status or a delivery report's phrase makes it a bounce; a postmaster
 * writing as a person is not.
 */
START_TEST(test_classify_postmaster_smtp_status)
{
	static const struct {
		const char *text;
		enum classify_kind kind;
	} cases[] = {
		{ "Mesaj teslim edilemedi:\n\nemre@example.com.tr\n"
		    "550 5.2.1 Posta kutusu devre d\xc4\xb1\xc5\x9f\xc4\xb1\n",
		    CLASSIFY_BOUNCE },
		{ "x\n452-4.2.2 mailbox full\n", CLASSIFY_BOUNCE },
		{ "Hello, version 3.5.1 of the relay is live.\n",
		    CLASSIFY_HUMAN },
		{ "Code 550 4.1.1 is no status: class differs.\n",
		    CLASSIFY_HUMAN },
		/* Exchange 2003 and KDDI: no status, a phrase. */
		{ "Your message\n\n  To: x@example.org\n\ndid not reach the "
		    "following recipient(s):\n\nx@example.org\n",
		    CLASSIFY_BOUNCE },
		{ "Your mail sent on: Thu, 29 Apr 2013\n     Could not be "
		    "delivered to: <x@example.jp>\n", CLASSIFY_BOUNCE },
		{ "Our new policy on undeliverable mail is online.\n",
		    CLASSIFY_HUMAN },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct message *msg = message_new();

		msg->from_addr = g_strdup("postmaster@example.com.tr");
		msg->subject = g_strdup("\xc4\xb0leti");
		g_free(msg->text);
		msg->text = g_strdup(cases[i].text);
		ck_assert_msg(classify_message(msg) == cases[i].kind, "%zu",
		    i);
		message_free(msg);
	}
}
END_TEST

/*
 * KDDI's notice: from no-reply, a subject the bounce list knows, the
 * original returned as message/rfc822 and a report's phrase.  The same
 * notice without the original, or a no-reply newsletter that only
 * attaches a message, is no bounce.
 */
START_TEST(test_classify_no_reply_returning_the_original)
{
	static const char head[] = "From: no-reply@mail.example.jp\n"
	    "To: consult@example.org\nSubject: "
	    "=?UTF-8?B?44Oh44O844Or44Ko44Op44O86YCa55+l?=\n"
	    "MIME-Version: 1.0\n";
	static const char open[] = "Content-Type: multipart/mixed; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\n";
	static const char original[] = "\n--b\nContent-Type: message/rfc822"
	    "\n\nFrom: consult@example.org\nSubject: Your views\n\nDear Ana\n"
	    "--b--\n";
	static const char phrase[] = "Your mail sent on: Thu, 29 Apr 2013\n"
	    "     Could not be delivered to: <ana@example.jp>\n";
	char *raws[3];
	enum classify_kind kinds[3] = {
		CLASSIFY_BOUNCE, CLASSIFY_HUMAN, CLASSIFY_HUMAN,
	};
	size_t i;

	mime_init();
	raws[0] = g_strconcat(head, open, phrase, original, NULL);
	/* Without the original: a notice, not a report. */
	raws[1] = g_strconcat(head, "Content-Type: text/plain\n\n", phrase,
	    NULL);
	/* The original returned, but no report's phrase. */
	raws[2] = g_strconcat(head, open, "Here is the letter again.",
	    original, NULL);
	for (i = 0; i < G_N_ELEMENTS(raws); i++) {
		struct message *msg = mime_parse(raws[i], strlen(raws[i]),
		    NULL);

		ck_assert_msg(classify_message(msg) == kinds[i], "%zu", i);
		message_free(msg);
		g_free(raws[i]);
	}
	mime_shutdown();
}
END_TEST

/* A read receipt (RFC 8098) is automatic mail: never a reply. */
START_TEST(test_classify_read_receipt)
{
	static const char raw[] =
	    "From: Ana <ana@example.org>\n"
	    "To: consult@igf.example\n"
	    "Subject: Read: Your views\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; "
	    "report-type=disposition-notification; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nYour message was read.\n"
	    "--b\nContent-Type: message/disposition-notification\n\n"
	    "Final-Recipient: rfc822;ana@example.org\n"
	    "Disposition: manual-action/MDN-sent-manually; displayed\n"
	    "--b--\n";
	struct message *msg;

	mime_init();
	msg = mime_parse(raw, sizeof(raw) - 1, NULL);
	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(classify_message(msg), CLASSIFY_AUTO_REPLY);
	message_free(msg);
	mime_shutdown();
}
END_TEST

START_TEST(test_classify_bounce_info_not_bounce)
{
	struct message *msg = message_new();
	char *rcpt = NULL;
	char *status = NULL;
	bool permanent = false;

	msg->from_addr = g_strdup("ana@example.org");
	ck_assert(!classify_bounce_info(msg, &rcpt, &status, &permanent));
	ck_assert_ptr_null(rcpt);
	ck_assert_ptr_null(status);
	message_free(msg);
}
END_TEST

/*
 * Regression (found by the fuzzer): an empty attachment has no data at
 * all (NULL); looking through a delivery report's attachments for the
 * returned message did pointer arithmetic on it, which clang's UBSan
 * stops on.  The fuzz targets run this input too (tests/fuzz/regress).
 */
START_TEST(test_classify_bounce_with_empty_returned_message)
{
	static const char raw[] =
	    "From: MAILER-DAEMON@mx.example\r\n"
	    "To: consult+abc@igf.example.org\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"b\"\r\n"
	    "\r\n"
	    "--b\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "<bob@example.net>: host mx said: 550 No such user\r\n"
	    "--b\r\n"
	    "Content-Type: message/delivery-status\r\n"
	    "\r\n"
	    "Action: failed\r\n"
	    "Status: 5.1.1\r\n"
	    "--b\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment; filename=\"empty.bin\"\r\n"
	    "\r\n"
	    "--b\r\n"
	    "Content-Type: message/rfc822\r\n"
	    "\r\n"
	    "--b--\r\n";
	struct message *msg;
	char *rcpt = NULL;
	char *status = NULL;
	bool permanent = false;

	mime_init();
	msg = mime_parse(raw, sizeof(raw) - 1, NULL);
	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(classify_message(msg), CLASSIFY_BOUNCE);
	ck_assert(classify_bounce_info(msg, &rcpt, &status, &permanent));
	ck_assert_str_eq(rcpt, "bob@example.net");
	ck_assert(permanent);
	g_free(rcpt);
	g_free(status);
	message_free(msg);
	mime_shutdown();
}
END_TEST

static struct message *
parse_corpus(const char *rel)
{
	char *path = g_strconcat(CORPORA, rel, NULL);
	char *raw = NULL;
	gsize len = 0;
	struct message *msg;

	ck_assert_msg(g_file_get_contents(path, &raw, &len, NULL),
	    "cannot read %s", path);
	msg = mime_parse(raw, len, NULL);
	ck_assert_msg(msg, "cannot parse %s", rel);
	g_free(raw);
	g_free(path);
	return msg;
}

struct corpus_case {
	const char *file;
	enum classify_kind kind;
	const char *rcpt;	/* bounces: expected recipient, or NULL */
	const char *status;
	bool permanent;
};

static const struct corpus_case corpus_cases[] = {
	{ "discourse_emails/auto_reply.eml", CLASSIFY_AUTO_REPLY, NULL, NULL,
	    false },
	{ "discourse_emails/auto_generated_header.eml", CLASSIFY_AUTO_REPLY,
	    NULL, NULL, false },
	{ "discourse_emails/quirks_exchange_xars.eml", CLASSIFY_HUMAN, NULL,
	    NULL, false },
	{ "discourse_emails/text_reply.eml", CLASSIFY_HUMAN, NULL, NULL,
	    false },
	{ "discourse_emails/gmail_web.eml", CLASSIFY_HUMAN, NULL, NULL, false },
	{ "discourse_emails/bounced_email.eml", CLASSIFY_BOUNCE,
	    "linux-admin@b-s-c.co.jp", "5.1.1", true },
	{ "discourse_emails/bounced_email_multiple_status_codes.eml",
	    CLASSIFY_BOUNCE, "linux-admin@b-s-c.co.jp", "5.1.1", true },
	{ "discourse_emails/hard_bounce_via_verp.eml", CLASSIFY_BOUNCE,
	    "linux-admin@b-s-c.co.jp", "5.1.1", true },
	{ "sisimai/maildir/bsd/rfc3834-01.eml", CLASSIFY_AUTO_REPLY, NULL,
	    NULL, false },
	{ "sisimai/maildir/bsd/rfc3834-02.eml", CLASSIFY_AUTO_REPLY, NULL,
	    NULL, false },
	{ "sisimai/maildir/bsd/rfc3834-03.eml", CLASSIFY_AUTO_REPLY, NULL,
	    NULL, false },
	{ "sisimai/maildir/bsd/rfc3834-04.eml", CLASSIFY_AUTO_REPLY, NULL,
	    NULL, false },
	{ "sisimai/maildir/bsd/rfc3834-05.eml", CLASSIFY_AUTO_REPLY, NULL,
	    NULL, false },
	{ "flanker/messages/bounce/delayed.eml", CLASSIFY_BOUNCE,
	    "foo@example.com", "4.0.0", false },
	{ "flanker/messages/bounce/mailbox-full.eml", CLASSIFY_BOUNCE,
	    "user@aol.com", "5.2.2", true },
	{ "flanker/messages/bounce/office365.eml", CLASSIFY_BOUNCE,
	    "noname@example.com", "5.1.10", true },
	{ "flanker/messages/bounce/no-mx.eml", CLASSIFY_BOUNCE,
	    "user@example.com", "4.4.4", false },
	{ "flanker/messages/bounce/gmail-invalid-address.eml",
	    CLASSIFY_BOUNCE, NULL, "5.1.0", true },
	{ "flanker/messages/bounce/gmail-no-dns.eml", CLASSIFY_BOUNCE, NULL,
	    NULL, true },
	{ "flanker/messages/bounce/broken-mime.eml", CLASSIFY_BOUNCE, NULL,
	    NULL, true },
	/* The recipient after a reply code inside a line (session 8). */
	{ "sisimai/maildir/bsd/lhost-dragonfly-10.eml", CLASSIFY_BOUNCE,
	    "hasmoved@libsisimai.net", "5.1.6", true },
	/* A postmaster's report with a phrase, no DSN part, no status. */
	{ "sisimai/maildir/bsd/lhost-kddi-02.eml", CLASSIFY_BOUNCE,
	    "kijitora@00000000000000.dion.ne.jp", NULL, true },
};

START_TEST(test_classify_corpus)
{
	const struct corpus_case *c = &corpus_cases[_i];
	struct message *msg;
	char *rcpt = NULL;
	char *status = NULL;
	bool permanent = false;

	g_mime_init();
	msg = parse_corpus(c->file);
	ck_assert_msg(classify_message(msg) == c->kind, "%s: kind %d",
	    c->file, classify_message(msg));
	if (c->kind == CLASSIFY_BOUNCE) {
		ck_assert(classify_bounce_info(msg, &rcpt, &status,
		    &permanent));
		if (c->rcpt)
			ck_assert_msg(g_strcmp0(rcpt, c->rcpt) == 0,
			    "%s: rcpt %s", c->file, rcpt);
		ck_assert_msg(g_strcmp0(status, c->status) == 0,
		    "%s: status %s", c->file, status);
		ck_assert_msg(permanent == c->permanent, "%s: permanent",
		    c->file);
	}
	g_free(rcpt);
	g_free(status);
	message_free(msg);
	g_mime_shutdown();
}
END_TEST

/*
 * Every sisimai message that cases.tsv calls a bounce: most must be
 * classified so (ARF complaints and non-bounces are "-" there).
 */
START_TEST(test_classify_sisimai_fraction)
{
	char *tsv = NULL;
	char **lines;
	unsigned total = 0;
	unsigned bounces = 0;
	size_t i;

	g_mime_init();
	ck_assert(g_file_get_contents(CORPORA "cases.tsv", &tsv, NULL, NULL));
	lines = g_strsplit(tsv, "\n", -1);
	for (i = 1; lines[i]; i++) {
		char **f = g_strsplit(lines[i], "\t", 5);
		struct message *msg;

		if (f[0] && f[1] && f[2] && f[3] &&
		    g_str_has_prefix(f[0], "sisimai/") &&
		    strcmp(f[3], "bounce") == 0) {
			msg = parse_corpus(f[0]);
			total++;
			bounces += classify_message(msg) == CLASSIFY_BOUNCE;
			message_free(msg);
		}
		g_strfreev(f);
	}
	printf("classify: sisimai bounces classified bounce: %u/%u (%.1f%%)\n",
	    bounces, total, total ? 100.0 * bounces / total : 0.0);
	ck_assert_uint_gt(total, 500);
	ck_assert_msg(bounces * 100 >= total * 95, "only %u/%u", bounces,
	    total);
	g_strfreev(lines);
	g_free(tsv);
	g_mime_shutdown();
}
END_TEST

Suite *
classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("rules");
	TCase *tk = tcase_create("corpora");

	tcase_add_loop_test(tc, test_classify_rules, 0,
	    G_N_ELEMENTS(rule_cases));
	tcase_add_loop_test(tc, test_classify_bounce_info, 0,
	    G_N_ELEMENTS(info_cases));
	tcase_add_test(tc, test_classify_bounce_info_not_bounce);
	tcase_add_test(tc, test_classify_postmaster_smtp_status);
	tcase_add_test(tc, test_classify_no_reply_returning_the_original);
	tcase_add_test(tc, test_classify_read_receipt);
	tcase_add_test(tc, test_classify_bounce_with_empty_returned_message);
	tcase_add_loop_test(tk, test_classify_corpus, 0,
	    G_N_ELEMENTS(corpus_cases));
	tcase_add_test(tk, test_classify_sisimai_fraction);
	tcase_set_timeout(tk, 60);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tk);
	return s;
}
