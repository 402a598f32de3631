/* SPDX-License-Identifier: MIT */
/*
 * compose: every message is parsed back with GMime.  Names and subjects
 * round-trip in the six scripts our participants write in, participant
 * fields cannot add headers, and the bytes are 7-bit CRLF lines under 998
 * octets whatever the body holds (corpus texts included).
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "compose.h"
#include "consultd.h"

#include "banned.h"

Suite *compose_suite(void);

#define CORPORA CONSULTD_CORPORA_DIR
#define TEST_DATE INT64_C(1714557600)	/* 2024-05-01 10:00:00 UTC */

static void
compose_setup(void)
{
	g_mime_init();
}

static void
compose_teardown(void)
{
	g_mime_shutdown();
}

static void
compose_test_mail(struct compose_mail *m)
{
	memset(m, 0, sizeof(*m));
	m->from_name = "IGF Secretariat";
	m->from_addr = "consult@intgovforum.example";
	m->to_name = "Ana Silva";
	m->to_addr = "ana.silva@example.org";
	m->reply_to = "consult+abcdefghijklmnopqrstuvwxyz@intgovforum.example";
	m->subject = "Invitation: BPF review";
	m->body = "Dear Ana,\n\n[Q1] What worked well?\n\n[END]\n";
	m->message_id = "inv.abcdefghijklmnop@intgovforum.example";
	m->date = TEST_DATE;
}

/* Independent of compose's own check: what SMTP and curl need. */
static void
assert_wire_format(const char *buf, size_t len)
{
	size_t i, line = 0;

	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(strlen(buf), len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		ck_assert_msg(c < 0x80, "8-bit byte 0x%02x at %zu", c, i);
		if (c == '\r') {
			ck_assert_msg(i + 1 < len && buf[i + 1] == '\n',
			    "bare CR at %zu", i);
			i++;
			line = 0;
			continue;
		}
		ck_assert_msg(c != '\n', "bare LF at %zu", i);
		line++;
		ck_assert_msg(line <= 998, "line over 998 octets at %zu", i);
	}
	ck_assert_msg(buf[len - 1] == '\n', "no final CRLF");
}

/* Whether any line of the raw message starts with "name:". */
static bool
raw_has_header_line(const char *buf, const char *name)
{
	size_t n = strlen(name);
	const char *line = buf;

	while (line && *line) {
		if (g_ascii_strncasecmp(line, name, n) == 0 &&
		    (line[n] == ':' || line[n] == ' '))
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

static GMimeMessage *
parse_back(const char *buf, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	stream = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	ck_assert_ptr_nonnull(msg);
	return msg;
}

static char *
compose_ok(const struct compose_mail *m, size_t *len_out)
{
	GError *err = NULL;
	char *buf;

	buf = compose_message(m, len_out, &err);
	ck_assert_msg(buf, "compose failed: %s", err ? err->message : "?");
	ck_assert_ptr_null(err);
	assert_wire_format(buf, *len_out);
	return buf;
}

/* Text of a text part as UTF-8 with LF. */
static char *
part_text(GMimeObject *part)
{
	char *text, *lf;
	GString *s;
	const char *p;

	ck_assert(GMIME_IS_TEXT_PART(part));
	ck_assert_str_eq(g_mime_text_part_get_charset(GMIME_TEXT_PART(part)),
	    "utf-8");
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	ck_assert_ptr_nonnull(text);
	s = g_string_new(NULL);
	for (p = text; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			g_string_append_c(s, *p);
	g_free(text);
	lf = g_string_free(s, FALSE);
	return lf;
}

/*
 * A header as an RFC 2047 reader sees it: unfolded, each encoded word
 * decoded on its own, white space between adjacent encoded words dropped
 * (section 6.2).  GMime 3.2.13's own decoder loses the text after a
 * base64 word ending in "=" padding (LIBRARY-NOTES G7), a reader bug that
 * would otherwise fail these tests for Arabic and Cyrillic.
 */
static char *
decode_header(GMimeMessage *msg, const char *name)
{
	GMimeHeader *header;
	GString *out = g_string_new(NULL);
	const char *p, *end;
	bool prev_encoded = false;

	header = g_mime_header_list_get_header(
	    g_mime_object_get_header_list(GMIME_OBJECT(msg)), name);
	ck_assert_msg(header, "no %s header", name);
	p = g_mime_header_get_raw_value(header);
	while (*p) {
		char *word;
		bool encoded;

		while (*p && g_ascii_isspace(*p))
			p++;
		if (!*p)
			break;
		for (end = p; *end && !g_ascii_isspace(*end); end++)
			;
		word = g_strndup(p, (gsize)(end - p));
		encoded = g_str_has_prefix(word, "=?") &&
		    g_str_has_suffix(word, "?=");
		if (out->len > 0 && !(encoded && prev_encoded))
			g_string_append_c(out, ' ');
		if (encoded) {
			char *text = g_mime_utils_header_decode_text(NULL,
			    word);

			g_string_append(out, text);
			g_free(text);
		} else {
			g_string_append(out, word);
		}
		g_free(word);
		prev_encoded = encoded;
		p = end;
	}
	return g_string_free(out, FALSE);
}

/* Display name of the single mailbox in header name, decoded as above. */
static char *
decode_mailbox_name(GMimeMessage *msg, const char *name)
{
	InternetAddressList *list;
	char *value, *result;
	const char *got;

	value = decode_header(msg, name);
	list = internet_address_list_parse(NULL, value);
	ck_assert_msg(list, "cannot parse '%s'", value);
	ck_assert_int_eq(internet_address_list_length(list), 1);
	got = internet_address_get_name(
	    internet_address_list_get_address(list, 0));
	result = g_strdup(got ? got : "");
	g_object_unref(list);
	g_free(value);
	return result;
}

static const char *
mailbox_addr(InternetAddressList *list)
{
	InternetAddress *ia;

	ck_assert_int_eq(internet_address_list_length(list), 1);
	ia = internet_address_list_get_address(list, 0);
	ck_assert(INTERNET_ADDRESS_IS_MAILBOX(ia));
	return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
}

static const struct {
	const char *lang, *from_name, *to_name, *subject, *body;
} roundtrip_cases[] = {
	{ "ar", "أمانة منتدى حوكمة الإنترنت", "محمد عبد الله",
	    "دعوة: استشارة بشأن منتديات أفضل الممارسات 2014-2019",
	    "السيد محمد،\n\n[Q1] ما الذي نجح بشكل جيد؟\n\n[END]\n" },
	{ "zh", "互联网治理论坛秘书处", "李小龙",
	    "邀请：关于最佳实践论坛（2014-2019）的意见征询",
	    "尊敬的李先生：\n\n[Q1] 哪些方面做得好？\n\n[END]\n" },
	{ "ru", "Секретариат Форума по управлению интернетом",
	    "Иван Петрович Сидоров",
	    "Приглашение: консультация по итогам форумов передового опыта",
	    "Уважаемый Иван Петрович!\n\n[Q1] Что сработало хорошо?\n" },
	{ "fr", "Secrétariat du Forum sur la gouvernance de l'internet",
	    "Jörg Müller-Lüdenscheidt",
	    "Réponse à la consultation : qu'est-ce qui a bien fonctionné ?",
	    "Cher Jörg,\n\n[Q1] Qu'est-ce qui a bien fonctionné ?\n" },
	{ "es", "Secretaría del Foro para la Gobernanza de Internet",
	    "José Ñúñez Peña",
	    "Invitación: ¿qué funcionó bien en los Foros de Mejores Prácticas?",
	    "Estimado José:\n\n[Q1] ¿Qué funcionó bien?\n" },
	{ "en", "IGF Secretariat", "O'Brien, Pat",
	    "Invitation: Best Practice Forums review",
	    "Dear Pat,\n\n[Q1] What worked well?\n" },
	{ "specials", "Dr. \"Ana\" Silva (UN) <x>", "a@b.example",
	    "Re: [BPF] \"quoted\" 100% = done? (comment) <x> a, b; c:",
	    "= =3D =\n.\n..\nFrom the start\ntrailing spaces   \n" },
	{ "mixed", "Ana Silva 安娜 Анна آنا", "Zoë Ångström",
	    "Rappel / Recordatorio / Напоминание / تذكير / 提醒 / Reminder: "
	    "please reply to the BPF consultation before 1 May 2024",
	    "Mixed: é ñ ж ع 中 😀\n" },
};

START_TEST(test_compose_roundtrip_names_subject_body)
{
	struct compose_mail m;
	GMimeMessage *msg;
	char *buf, *text, *got;
	size_t len;

	compose_test_mail(&m);
	m.from_name = roundtrip_cases[_i].from_name;
	m.to_name = roundtrip_cases[_i].to_name;
	m.subject = roundtrip_cases[_i].subject;
	m.body = roundtrip_cases[_i].body;
	buf = compose_ok(&m, &len);
	msg = parse_back(buf, len);

	got = decode_header(msg, "Subject");
	ck_assert_str_eq(got, m.subject);
	g_free(got);
	got = decode_mailbox_name(msg, "From");
	ck_assert_str_eq(got, m.from_name);
	g_free(got);
	got = decode_mailbox_name(msg, "To");
	ck_assert_str_eq(got, m.to_name);
	g_free(got);
	ck_assert_str_eq(mailbox_addr(g_mime_message_get_from(msg)),
	    m.from_addr);
	ck_assert_str_eq(mailbox_addr(g_mime_message_get_to(msg)), m.to_addr);
	text = part_text(g_mime_message_get_mime_part(msg));
	ck_assert_str_eq(text, m.body);
	g_free(text);
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

START_TEST(test_compose_headers_are_utf8_encoded_words)
{
	struct compose_mail m;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	m.from_name = roundtrip_cases[0].from_name;
	m.to_name = roundtrip_cases[3].to_name;
	m.subject = roundtrip_cases[1].subject;
	buf = compose_ok(&m, &len);
	/* GMime would pick iso-8859-6 / iso-8859-1 on its own. */
	ck_assert_ptr_null(strstr(buf, "iso-8859"));
	ck_assert_ptr_nonnull(strcasestr(buf, "=?utf-8?"));
	g_free(buf);
}
END_TEST

enum inject_field {
	INJECT_FROM_NAME,
	INJECT_TO_NAME,
	INJECT_SUBJECT,
	INJECT_ATTACHMENT_NAME,
};

static const struct {
	enum inject_field field;
	const char *value;
	const char *cleaned;
} inject_cases[] = {
	{ INJECT_TO_NAME, "Eve\r\nBcc: x@y.example", "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\nBcc: x@y.example", "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\rBcc: x@y.example", "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\r\n\r\nBcc: x@y.example",
	    "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\tBcc: x@y.example", "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\xe2\x80\xa8" "Bcc: x@y.example",
	    "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\xc2\x85" "Bcc: x@y.example",
	    "Eve Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\x0b\x0c\x1b\x7f" "Bcc", "EveBcc" },
	{ INJECT_TO_NAME, "\r\nBcc: x@y.example", "Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Ева\r\nBcc: x@y.example", "Ева Bcc: x@y.example" },
	{ INJECT_TO_NAME, "Eve\xff\r\nBcc: x@y.example",
	    "Eve\xef\xbf\xbd Bcc: x@y.example" },
	{ INJECT_FROM_NAME, "Eve\r\nBcc: x@y.example",
	    "Eve Bcc: x@y.example" },
	{ INJECT_FROM_NAME, "\r\n", NULL },
	{ INJECT_SUBJECT, "Hello\r\nBcc: x@y.example",
	    "Hello Bcc: x@y.example" },
	{ INJECT_SUBJECT, "Hello\n\nBcc: x@y.example\n\nbody",
	    "Hello Bcc: x@y.example body" },
	{ INJECT_SUBJECT, "Привет\r\nBcc: x@y.example",
	    "Привет Bcc: x@y.example" },
	{ INJECT_ATTACHMENT_NAME, "a.csv\r\nBcc: x@y.example",
	    "a.csv Bcc: x@y.example" },
	{ INJECT_ATTACHMENT_NAME, "../../etc/passwd", ".._.._etc_passwd" },
};

START_TEST(test_compose_participant_fields_cannot_inject_headers)
{
	static const unsigned char data[] = "email,answer\r\n";
	struct compose_mail m;
	GMimeMessage *msg;
	GMimeObject *top;
	char *got = NULL;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	switch (inject_cases[_i].field) {
	case INJECT_FROM_NAME:
		m.from_name = inject_cases[_i].value;
		break;
	case INJECT_TO_NAME:
		m.to_name = inject_cases[_i].value;
		break;
	case INJECT_SUBJECT:
		m.subject = inject_cases[_i].value;
		break;
	case INJECT_ATTACHMENT_NAME:
		m.attachment_name = inject_cases[_i].value;
		m.attachment_type = "text/csv";
		m.attachment = data;
		m.attachment_len = sizeof(data) - 1;
		break;
	}
	buf = compose_ok(&m, &len);
	ck_assert_msg(!raw_has_header_line(buf, "Bcc"), "Bcc line in:\n%s",
	    buf);
	msg = parse_back(buf, len);
	ck_assert_ptr_null(g_mime_object_get_header(GMIME_OBJECT(msg), "Bcc"));
	ck_assert_int_eq(internet_address_list_length(
	    g_mime_message_get_bcc(msg)), 0);
	ck_assert_int_eq(internet_address_list_length(
	    g_mime_message_get_to(msg)), 1);
	switch (inject_cases[_i].field) {
	case INJECT_FROM_NAME:
		got = decode_mailbox_name(msg, "From");
		break;
	case INJECT_TO_NAME:
		got = decode_mailbox_name(msg, "To");
		break;
	case INJECT_SUBJECT:
		got = decode_header(msg, "Subject");
		break;
	case INJECT_ATTACHMENT_NAME:
		top = g_mime_message_get_mime_part(msg);
		ck_assert(GMIME_IS_MULTIPART(top));
		got = g_strdup(g_mime_part_get_filename(GMIME_PART(
		    g_mime_multipart_get_part(GMIME_MULTIPART(top), 1))));
		break;
	}
	if (inject_cases[_i].cleaned)
		ck_assert_str_eq(got, inject_cases[_i].cleaned);
	else
		ck_assert_msg(!got || !*got, "name '%s'", got);
	g_free(got);
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

static void
bad_from_missing(struct compose_mail *m)
{
	m->from_addr = NULL;
}

static void
bad_from_crlf(struct compose_mail *m)
{
	m->from_addr = "consult@example.org\r\nBcc: x@y.example";
}

static void
bad_to_missing(struct compose_mail *m)
{
	m->to_addr = NULL;
}

static void
bad_to_crlf(struct compose_mail *m)
{
	m->to_addr = "ana@example.org\r\nBcc: x@y.example";
}

static void
bad_to_brackets(struct compose_mail *m)
{
	m->to_addr = "<ana@example.org>";
}

static void
bad_to_with_name(struct compose_mail *m)
{
	m->to_addr = "Ana <ana@example.org>";
}

static void
bad_to_two(struct compose_mail *m)
{
	m->to_addr = "ana@example.org, eve@evil.example";
}

static void
bad_reply_to(struct compose_mail *m)
{
	m->reply_to = "consult+tok@example.org\nBcc: x@y.example";
}

static void
bad_subject_missing(struct compose_mail *m)
{
	m->subject = NULL;
}

static void
bad_body_missing(struct compose_mail *m)
{
	m->body = NULL;
}

static void
bad_body_utf8(struct compose_mail *m)
{
	m->body = "caf\xe9\n";
}

static void
bad_html_utf8(struct compose_mail *m)
{
	m->html_body = "<p>caf\xe9</p>";
}

static void
bad_message_id_missing(struct compose_mail *m)
{
	m->message_id = NULL;
}

static void
bad_message_id_brackets(struct compose_mail *m)
{
	m->message_id = "<id@example.org>";
}

static void
bad_message_id_crlf(struct compose_mail *m)
{
	m->message_id = "id@example.org\r\nBcc: x@y.example";
}

static void
bad_message_id_no_at(struct compose_mail *m)
{
	m->message_id = "just-an-id";
}

static void
bad_message_id_space(struct compose_mail *m)
{
	m->message_id = "an id@example.org";
}

static void
bad_date_zero(struct compose_mail *m)
{
	m->date = 0;
}

static void
bad_date_negative(struct compose_mail *m)
{
	m->date = -1;
}

/* Past 9999-12-31: no RFC 5322 date (it printed "Date: (null)"). */
static void
bad_date_past_9999(struct compose_mail *m)
{
	m->date = INT64_C(300000000000);
}

static void
bad_attachment_type(struct compose_mail *m)
{
	m->attachment_name = "export.csv";
	m->attachment_type = "text/csv\r\nBcc: x@y.example";
}

static void
bad_attachment_no_type(struct compose_mail *m)
{
	m->attachment_name = "export.csv";
}

static void
bad_attachment_no_data(struct compose_mail *m)
{
	m->attachment_name = "export.csv";
	m->attachment_type = "text/csv";
	m->attachment_len = 10;
}

static void
bad_list_unsubscribe(struct compose_mail *m)
{
	m->list_unsubscribe = "mailto:unsub@example.org>\r\nBcc: x@y.example";
}

static void
bad_list_unsubscribe_http(struct compose_mail *m)
{
	m->list_unsubscribe = "https://example.org/unsubscribe";
}

static void (*const invalid_cases[])(struct compose_mail *) = {
	bad_from_missing, bad_from_crlf, bad_to_missing, bad_to_crlf,
	bad_to_brackets, bad_to_with_name, bad_to_two, bad_reply_to,
	bad_subject_missing, bad_body_missing, bad_body_utf8, bad_html_utf8,
	bad_message_id_missing, bad_message_id_brackets, bad_message_id_crlf,
	bad_message_id_no_at, bad_message_id_space, bad_date_zero,
	bad_date_negative, bad_date_past_9999, bad_attachment_type, bad_attachment_no_type,
	bad_attachment_no_data, bad_list_unsubscribe,
	bad_list_unsubscribe_http,
};

START_TEST(test_compose_rejects_missing_or_invalid_fields)
{
	struct compose_mail m;
	GError *err = NULL;
	size_t len = 12345;
	char *buf;

	compose_test_mail(&m);
	invalid_cases[_i](&m);
	buf = compose_message(&m, &len, &err);
	ck_assert_ptr_null(buf);
	ck_assert_ptr_nonnull(err);
	ck_assert(err->domain == CONSULTD_ERROR);
	ck_assert_int_eq(err->code, EX_DATAERR);
	ck_assert_ptr_null(strstr(err->message, "\n"));
	ck_assert_uint_eq(len, 12345);
	g_clear_error(&err);
}
END_TEST

static char *
long_line(const char *unit, size_t n)
{
	GString *s = g_string_new(NULL);

	while (n-- > 0)
		g_string_append(s, unit);
	g_string_append_c(s, '\n');
	return g_string_free(s, FALSE);
}

START_TEST(test_compose_long_lines_stay_under_998_octets)
{
	static const char *const units[] = { "a", "中", "é", " ", "=", "a " };
	struct compose_mail m;
	GMimeMessage *msg;
	char *body, *buf, *text;
	size_t len;

	body = long_line(units[_i], 5000);
	compose_test_mail(&m);
	m.body = body;
	buf = compose_ok(&m, &len);
	msg = parse_back(buf, len);
	text = part_text(g_mime_message_get_mime_part(msg));
	ck_assert_str_eq(text, body);
	g_free(text);
	g_object_unref(msg);
	g_free(buf);
	g_free(body);
}
END_TEST

static const struct {
	const char *body, *expected;
} newline_cases[] = {
	{ "a\r\nb\r\n", "a\nb\n" },
	{ "a\rb\r", "a\nb\n" },
	{ "a\nb\rc\r\nd", "a\nb\nc\nd\n" },
	{ "no final newline", "no final newline\n" },
	{ "", "" },
	{ "\n\n\n", "\n\n\n" },
	{ ".\n.leading dot\n..\n", ".\n.leading dot\n..\n" },
	{ "tab\there\n", "tab\there\n" },
	{ "ctrl \x01\x1b[31m red\n", "ctrl \x01\x1b[31m red\n" },
};

START_TEST(test_compose_body_line_ends_become_crlf)
{
	struct compose_mail m;
	GMimeMessage *msg;
	char *buf, *text;
	size_t len;

	compose_test_mail(&m);
	m.body = newline_cases[_i].body;
	buf = compose_ok(&m, &len);
	msg = parse_back(buf, len);
	text = part_text(g_mime_message_get_mime_part(msg));
	ck_assert_str_eq(text, newline_cases[_i].expected);
	g_free(text);
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

START_TEST(test_compose_standard_headers)
{
	struct compose_mail m;
	GMimeMessage *msg;
	GMimeObject *obj;
	GDateTime *date;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	m.in_reply_to = "CAF=abc+def@mail.gmail.example";
	m.references = "  first@a.example\tCAF=abc+def@mail.gmail.example  ";
	m.auto_submitted = true;
	m.list_unsubscribe = "mailto:consult@intgovforum.example?subject=stop";
	buf = compose_ok(&m, &len);
	msg = parse_back(buf, len);
	obj = GMIME_OBJECT(msg);

	ck_assert_str_eq(g_mime_message_get_message_id(msg), m.message_id);
	ck_assert_str_eq(g_mime_object_get_header(obj, "Message-ID"),
	    "<inv.abcdefghijklmnop@intgovforum.example>");
	ck_assert_str_eq(g_mime_object_get_header(obj, "MIME-Version"), "1.0");
	ck_assert_str_eq(g_mime_object_get_header(obj, "Auto-Submitted"),
	    "auto-generated");
	ck_assert_str_eq(g_mime_object_get_header(obj, "In-Reply-To"),
	    "<CAF=abc+def@mail.gmail.example>");
	ck_assert_str_eq(g_mime_object_get_header(obj, "References"),
	    "<first@a.example> <CAF=abc+def@mail.gmail.example>");
	ck_assert_str_eq(g_mime_object_get_header(obj, "List-Unsubscribe"),
	    "<mailto:consult@intgovforum.example?subject=stop>");
	ck_assert_str_eq(mailbox_addr(g_mime_message_get_reply_to(msg)),
	    m.reply_to);
	date = g_mime_message_get_date(msg);
	ck_assert_ptr_nonnull(date);
	ck_assert_int_eq(g_date_time_to_unix(date), TEST_DATE);
	ck_assert_ptr_nonnull(strstr(buf, "Date: Wed, 01 May 2024 10:00:00 "
	    "+0000\r\n"));
	ck_assert(!raw_has_header_line(buf, "Bcc"));
	ck_assert(!raw_has_header_line(buf, "Cc"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\n\r\n"));
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

static void
compose_test_drop_cr(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (*s != '\r')
			*w++ = *s;
	*w = '\0';
}

/* The To line compose writes against the one GMime's encoder writes. */
static void
compose_test_to_line_as_gmime(const char *name, const char *addr)
{
	InternetAddressList *list = internet_address_list_new();
	InternetAddress *ia;
	GString *want = g_string_new("To: ");
	struct compose_mail m;
	char *buf, *line, *end;
	size_t len;

	ia = internet_address_mailbox_new(*name ? name : NULL, addr);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(list, ia);
	internet_address_list_encode(list, NULL, want);
	compose_test_mail(&m);
	m.to_name = name;
	m.to_addr = addr;
	buf = compose_ok(&m, &len);
	line = strstr(buf, "\r\nTo:");
	ck_assert_ptr_nonnull(line);
	line += 2;
	end = strstr(line, "\r\nSubject: ");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	g_strchomp(want->str);
	compose_test_drop_cr(line);
	ck_assert_msg(strcmp(line, want->str) == 0,
	    "name '%s' addr '%s': composed [%s], GMime [%s]", name, addr,
	    line, want->str);
	g_string_free(want, TRUE);
	g_object_unref(ia);
	g_object_unref(list);
	g_free(buf);
}

/*
 * compose writes the common plain names and addresses itself: the To
 * line must be byte for byte what GMime's encoder writes for the same
 * mailbox, on both sides of the plain/GMime boundary and of the fold.
 */
START_TEST(test_compose_address_lines_match_gmime)
{
	static const char *const names[] = { "", "Ana Silva",
	    "Mary-Jane O'Neil", "a_b+c", "A. Smith", "Dr Smith, PhD",
	    "Smith (IGF)", "x\"y", "Bj\xc3\xb6rn", "=?utf-8?q?x?=",
	    "very long name very long name very long "
	    "name very long name", "Li Wei 12345678901234567890", NULL };
	static const char *const addrs[] = { "ana@Example.ORG",
	    "a.b+tag@example.org", "x@xn--bcher-kva.example",
	    "a-very-long-local-part-to-reach-the-fold@example.org", NULL };
	char name[96];
	size_t i, j, n;

	for (i = 0; names[i]; i++)
		for (j = 0; addrs[j]; j++)
			compose_test_to_line_as_gmime(names[i], addrs[j]);
	/* Every length around 78 columns, with and without the address. */
	for (n = 1; n < 90; n++) {
		for (i = 0; i < n; i++)
			name[i] = i % 6 == 5 && i + 1 < n ? ' ' : 'a';
		name[n] = '\0';
		for (j = 0; addrs[j]; j++)
			compose_test_to_line_as_gmime(name, addrs[j]);
	}
}
END_TEST

START_TEST(test_compose_optional_headers_absent_by_default)
{
	struct compose_mail m;
	GMimeMessage *msg;
	GMimeObject *obj;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	m.reply_to = NULL;
	m.from_name = NULL;
	m.to_name = "";
	buf = compose_ok(&m, &len);
	msg = parse_back(buf, len);
	obj = GMIME_OBJECT(msg);
	ck_assert_ptr_null(g_mime_object_get_header(obj, "Auto-Submitted"));
	ck_assert_ptr_null(g_mime_object_get_header(obj, "In-Reply-To"));
	ck_assert_ptr_null(g_mime_object_get_header(obj, "References"));
	ck_assert_ptr_null(g_mime_object_get_header(obj, "List-Unsubscribe"));
	ck_assert_ptr_null(g_mime_object_get_header(obj, "Reply-To"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nFrom: "
	    "consult@intgovforum.example\r\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\nTo: ana.silva@example.org\r\n"));
	/* Plain short ASCII needs no encoding. */
	ck_assert_ptr_nonnull(strstr(buf,
	    "Content-Transfer-Encoding: 7bit\r\n"));
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

/* Invalid cited ids are dropped, the message still goes out. */
START_TEST(test_compose_cited_ids_best_effort)
{
	struct compose_mail m;
	GMimeMessage *msg;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	m.in_reply_to = "bad>\r\nBcc: x@y.example";
	m.references = "<bracketed@a.example> ok@b.example "
	    "caf\xc3\xa9@c.example";
	buf = compose_ok(&m, &len);
	ck_assert(!raw_has_header_line(buf, "Bcc"));
	msg = parse_back(buf, len);
	ck_assert_str_eq(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "References"), "<ok@b.example>");
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

START_TEST(test_compose_non_ascii_body_is_quoted_printable_utf8)
{
	struct compose_mail m;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	m.body = roundtrip_cases[_i].body;
	buf = compose_ok(&m, &len);
	ck_assert_ptr_nonnull(strstr(buf,
	    "Content-Type: text/plain; charset=utf-8\r\n"));
	if (g_str_is_ascii(m.body) && !strchr(m.body, '='))
		ck_assert_ptr_nonnull(strstr(buf,
		    "Content-Transfer-Encoding: 7bit\r\n"));
	else
		ck_assert_ptr_nonnull(strstr(buf,
		    "Content-Transfer-Encoding: quoted-printable\r\n"));
	ck_assert_ptr_null(strstr(buf, "base64"));
	g_free(buf);
}
END_TEST

START_TEST(test_compose_alternative_html_and_attachment)
{
	static const unsigned char csv[] =
	    "email,question,answer\r\nana@example.org,Q1,\"Très bien\"\r\n"
	    "\x00\xff binary tail";
	struct compose_mail m;
	GMimeMessage *msg;
	GMimeObject *top, *alt, *att;
	GMimeDataWrapper *content;
	GMimeStream *out;
	GByteArray *bytes;
	char *buf, *text;
	size_t len;

	compose_test_mail(&m);
	m.subject = "Weekly digest / Résumé hebdomadaire";
	m.body = "Digest\n\nRéponses: 12\n";
	m.html_body = "<html><body><p>Réponses: <b>12</b></p>"
	    "<p>محمد</p></body></html>\n";
	m.attachment_name = "export-consultation-été.csv";
	m.attachment_type = "Text/CSV";
	m.attachment = csv;
	m.attachment_len = sizeof(csv) - 1;
	buf = compose_ok(&m, &len);
	ck_assert_ptr_nonnull(strstr(buf, "filename*=UTF-8''"));
	ck_assert_ptr_null(strstr(buf, "iso-8859"));
	msg = parse_back(buf, len);

	top = g_mime_message_get_mime_part(msg);
	ck_assert(GMIME_IS_MULTIPART(top));
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(top), "multipart", "mixed"));
	ck_assert_int_eq(g_mime_multipart_get_count(GMIME_MULTIPART(top)), 2);
	alt = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
	att = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
	ck_assert(GMIME_IS_MULTIPART(alt));
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(alt), "multipart", "alternative"));
	ck_assert_int_eq(g_mime_multipart_get_count(GMIME_MULTIPART(alt)), 2);

	text = part_text(g_mime_multipart_get_part(GMIME_MULTIPART(alt), 0));
	ck_assert_str_eq(text, m.body);
	g_free(text);
	ck_assert(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    g_mime_multipart_get_part(GMIME_MULTIPART(alt), 1)), "text",
	    "html"));
	text = part_text(g_mime_multipart_get_part(GMIME_MULTIPART(alt), 1));
	ck_assert_str_eq(text, m.html_body);
	g_free(text);

	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(att), "text", "csv"));
	ck_assert_str_eq(g_mime_part_get_filename(GMIME_PART(att)),
	    m.attachment_name);
	ck_assert(g_mime_part_get_content_encoding(GMIME_PART(att)) ==
	    GMIME_CONTENT_ENCODING_BASE64);
	content = g_mime_part_get_content(GMIME_PART(att));
	out = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, out);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	ck_assert_uint_eq(bytes->len, m.attachment_len);
	ck_assert_mem_eq(bytes->data, csv, m.attachment_len);
	g_object_unref(out);
	g_object_unref(msg);
	g_free(buf);
}
END_TEST

START_TEST(test_compose_empty_attachment)
{
	struct compose_mail m;
	char *buf;
	size_t len;

	compose_test_mail(&m);
	m.attachment_name = "empty.csv";
	m.attachment_type = "text/csv";
	buf = compose_ok(&m, &len);
	ck_assert_ptr_nonnull(strstr(buf, "empty.csv"));
	g_free(buf);
}
END_TEST

/* Real multilingual texts with long lines from GMime's own test data. */
static const char *const corpus_bodies[] = {
	CORPORA "gmime/data/filters/chinese.utf-8.txt",
	CORPORA "gmime/data/filters/cyrillic.utf-8.txt",
	CORPORA "gmime/data/filters/japanese.utf-8.txt",
	CORPORA "gmime/data/mime-part/french-fable.txt",
	CORPORA "gmime/data/encodings/wikipedia.txt",
};

START_TEST(test_compose_corpus_texts_roundtrip)
{
	struct compose_mail m;
	GMimeMessage *msg;
	GError *err = NULL;
	char *contents, *buf, *text, *first_line;
	size_t len;

	ck_assert_msg(g_file_get_contents(corpus_bodies[_i], &contents, NULL,
	    &err), "%s", err ? err->message : "?");
	ck_assert(g_utf8_validate(contents, -1, NULL));
	first_line = g_strndup(contents, strcspn(contents, "\r\n"));
	compose_test_mail(&m);
	m.subject = first_line;
	m.body = contents;
	buf = compose_ok(&m, &len);
	msg = parse_back(buf, len);
	text = part_text(g_mime_message_get_mime_part(msg));
	ck_assert_str_eq(text, contents);
	g_free(text);
	g_object_unref(msg);
	g_free(buf);
	g_free(first_line);
	g_free(contents);
}
END_TEST

Suite *
compose_suite(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("compose");

	tcase_add_checked_fixture(tc, compose_setup, compose_teardown);
	tcase_add_loop_test(tc, test_compose_roundtrip_names_subject_body, 0,
	    G_N_ELEMENTS(roundtrip_cases));
	tcase_add_test(tc, test_compose_headers_are_utf8_encoded_words);
	tcase_add_loop_test(tc,
	    test_compose_participant_fields_cannot_inject_headers, 0,
	    G_N_ELEMENTS(inject_cases));
	tcase_add_loop_test(tc, test_compose_rejects_missing_or_invalid_fields,
	    0, G_N_ELEMENTS(invalid_cases));
	tcase_add_loop_test(tc, test_compose_long_lines_stay_under_998_octets,
	    0, 6);
	tcase_add_loop_test(tc, test_compose_body_line_ends_become_crlf, 0,
	    G_N_ELEMENTS(newline_cases));
	tcase_add_test(tc, test_compose_standard_headers);
	tcase_add_test(tc, test_compose_address_lines_match_gmime);
	tcase_add_test(tc, test_compose_optional_headers_absent_by_default);
	tcase_add_test(tc, test_compose_cited_ids_best_effort);
	tcase_add_loop_test(tc,
	    test_compose_non_ascii_body_is_quoted_printable_utf8, 0,
	    G_N_ELEMENTS(roundtrip_cases));
	tcase_add_test(tc, test_compose_alternative_html_and_attachment);
	tcase_add_test(tc, test_compose_empty_attachment);
	tcase_add_loop_test(tc, test_compose_corpus_texts_roundtrip, 0,
	    G_N_ELEMENTS(corpus_bodies));
	suite_add_tcase(s, tc);
	return s;
}
