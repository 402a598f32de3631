/* SPDX-License-Identifier: MIT */
/*
 * smtp against a real server: Postfix's smtp-sink on 127.0.0.1, started
 * once per test case in an unchecked fixture, one sink per failure mode.
 * Messages are read back from the sink's capture folder byte for byte;
 * envelope injection must never reach the network.
 */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "consultd.h"
#include "smtp.h"
#include "smtp_server.h"

#include "banned.h"

Suite *smtp_suite(void);

#define CORPORA CONSULTD_CORPORA_DIR
#define FIXTURES "tests/fixtures/smtp/"
#define SMTP_TEST_FROM "bounces+x@consult.example.org"
#define SMTP_TEST_HELO "consultd-test.example.org"
#define SMTP_TEST_PASSWORD "s3cret-Pa55"
#define SMTP_LOOP_COUNT 2000

/* Servers of the running test case, started in the parent. */
static struct smtp_server *smtp_plain;
static char *smtp_plain_why;

static void
smtp_assert_server(const struct smtp_server *srv, const char *why)
{
	ck_assert_msg(srv != NULL, "smtp-sink did not start: %s",
	    why ? why : "?");
}

static struct smtp *
smtp_test_connect(const char *url, long total_timeout)
{
	struct smtp_settings st = {
		.url = url,
		.helo_name = SMTP_TEST_HELO,
		.connect_timeout = 5,
		.total_timeout = total_timeout,
	};
	g_autoptr(GError) err = NULL;
	struct smtp *s = smtp_new(&st, &err);

	ck_assert_msg(s != NULL, "smtp_new: %s", err ? err->message : "?");
	return s;
}

/* text (LF) as the CRLF message compose would make. */
static char *
smtp_test_crlf(const char *text, size_t len, size_t *len_out)
{
	GString *out = g_string_sized_new(len + len / 20);
	size_t i;

	ck_assert_msg(!memchr(text, '\r', len), "fixture has a CR");
	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			g_string_append_c(out, '\r');
		g_string_append_c(out, text[i]);
	}
	*len_out = out->len;
	return g_string_free(out, FALSE);
}

static char *
smtp_test_message(unsigned i, size_t *len_out)
{
	g_autofree char *lf = g_strdup_printf(
	    "Date: Mon, 02 Mar 2026 09:00:00 +0000\n"
	    "From: Consultation <consult@example.org>\n"
	    "To: p%u@example.org\n"
	    "Subject: Consultation 2026: your view (%u)\n"
	    "Message-Id: <loop.%u@consult.example.org>\n"
	    "Auto-Submitted: auto-generated\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "Dear participant,\n\n"
	    "Please answer below each question, between the markers.\n\n"
	    "[Q1] What do you think of the draft?\n>>>\n\n<<<\n\n"
	    "[Q2] Anything else?\n>>>\n\n<<<\n"
	    ".\n"
	    "--=20\nThe secretariat\n", i, i, i);

	return smtp_test_crlf(lf, strlen(lf), len_out);
}

static const struct smtp_server_message *
smtp_test_find(GPtrArray *msgs, const char *rcpt)
{
	g_autofree char *arg = g_strdup_printf("<%s>", rcpt);
	guint i;

	for (i = 0; i < msgs->len; i++) {
		const struct smtp_server_message *m = msgs->pdata[i];

		if (strcmp(m->rcpt_args, arg) == 0)
			return m;
	}
	ck_abort_msg("the sink got nothing for %s", rcpt);
	return NULL;
}

static void
smtp_plain_start(void)
{
	smtp_plain = smtp_server_start(NULL, true, &smtp_plain_why);
}

static void
smtp_plain_stop(void)
{
	g_clear_pointer(&smtp_plain, smtp_server_stop);
	g_clear_pointer(&smtp_plain_why, g_free);
}

/* The deliver case also has a sink that throws mail away, for speed. */
static struct smtp_server *smtp_discard;
static char *smtp_discard_why;

static void
smtp_deliver_start(void)
{
	smtp_plain_start();
	smtp_discard = smtp_server_start(NULL, false, &smtp_discard_why);
}

static void
smtp_deliver_stop(void)
{
	smtp_plain_stop();
	g_clear_pointer(&smtp_discard, smtp_server_stop);
	g_clear_pointer(&smtp_discard_why, g_free);
}

/* Delivery. */

static const char *const smtp_deliver_files[] = {
	FIXTURES "dots.eml",
	FIXTURES "invitation.eml",
	FIXTURES "multipart.eml",
	CORPORA "sisimai/maildir/bsd/lhost-sendmail-56.eml",
	CORPORA "sisimai/maildir/bsd/lhost-aol-04.eml",
};

START_TEST(test_smtp_delivers_byte_exact_on_one_connection)
{
	struct smtp *s;
	g_autoptr(GPtrArray) msgs = NULL;
	size_t i;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	smtp_server_clear(smtp_plain);
	s = smtp_test_connect(smtp_server_url(smtp_plain), 10);
	for (i = 0; i < G_N_ELEMENTS(smtp_deliver_files); i++) {
		g_autofree char *lf = NULL, *msg = NULL, *reply = NULL;
		g_autofree char *rcpt = g_strdup_printf("p%zu@example.org", i);
		g_autoptr(GError) err = NULL;
		size_t lf_len, len;
		int code;

		ck_assert_msg(g_file_get_contents(smtp_deliver_files[i], &lf,
		    &lf_len, NULL), "cannot read %s", smtp_deliver_files[i]);
		msg = smtp_test_crlf(lf, lf_len, &len);
		ck_assert_msg(smtp_send(s, SMTP_TEST_FROM, rcpt, msg, len,
		    &code, &reply, &err) == SMTP_SENT, "%s: %s",
		    smtp_deliver_files[i], err ? err->message : "?");
		ck_assert_ptr_null(err);
		ck_assert_int_eq(code, 250);
		ck_assert_ptr_nonnull(reply);
		ck_assert_msg(g_str_has_prefix(reply, "250 "), "%s", reply);
	}
	/* One EHLO, one connection, five transactions (S7). */
	ck_assert_uint_eq(smtp_connections(s), 1);
	smtp_free(s);

	msgs = smtp_server_messages(smtp_plain);
	ck_assert_uint_eq(msgs->len, G_N_ELEMENTS(smtp_deliver_files));
	for (i = 0; i < G_N_ELEMENTS(smtp_deliver_files); i++) {
		g_autofree char *lf = NULL;
		g_autofree char *rcpt = g_strdup_printf("p%zu@example.org", i);
		const struct smtp_server_message *m;
		size_t lf_len;

		ck_assert(g_file_get_contents(smtp_deliver_files[i], &lf,
		    &lf_len, NULL));
		m = smtp_test_find(msgs, rcpt);
		ck_assert_str_eq(m->mail_args, "<" SMTP_TEST_FROM ">");
		ck_assert_pstr_eq(m->helo_args, SMTP_TEST_HELO);
		ck_assert_msg(m->len == lf_len, "%s: sent %zu octets, got %zu",
		    smtp_deliver_files[i], lf_len, m->len);
		ck_assert_mem_eq(m->data, lf, lf_len);
	}
}
END_TEST

START_TEST(test_smtp_null_sender_and_998_octet_line)
{
	g_autofree char *line = g_strnfill(998, 'x');
	g_autofree char *msg = g_strdup_printf("Subject: long\r\n\r\n%s\r\n",
	    line);
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) msgs = NULL;
	const struct smtp_server_message *m;
	struct smtp *s;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	smtp_server_clear(smtp_plain);
	s = smtp_test_connect(smtp_server_url(smtp_plain), 10);
	ck_assert_msg(smtp_send(s, "", "ana@example.org", msg, strlen(msg),
	    NULL, NULL, &err) == SMTP_SENT, "%s", err ? err->message : "?");
	smtp_free(s);
	msgs = smtp_server_messages(smtp_plain);
	ck_assert_uint_eq(msgs->len, 1);
	m = smtp_test_find(msgs, "ana@example.org");
	ck_assert_str_eq(m->mail_args, "<>");
	ck_assert_uint_eq(m->len, strlen("Subject: long\n\n") + 998 + 1);
}
END_TEST

#define SMTP_OK_MSG "Subject: hi\r\n\r\nhello\r\n"

/* Bad input: must fail before curl runs, so nothing reaches the server. */
static const struct {
	const char *from;
	const char *rcpt;
	const char *content;
	size_t len;		/* 0: strlen(content) */
	const char *mention;
} smtp_invalid[] = {
	{ SMTP_TEST_FROM, "a@b.org>\r\nRSET", SMTP_OK_MSG, 0, "recipient" },
	{ SMTP_TEST_FROM, "<a@b.org>\r\nRSET", SMTP_OK_MSG, 0, "recipient" },
	{ SMTP_TEST_FROM, "a@b.org\r\nRCPT TO:<eve@evil.example>",
	    SMTP_OK_MSG, 0, "recipient" },
	{ SMTP_TEST_FROM, "a@b.org\nDATA", SMTP_OK_MSG, 0, "recipient" },
	{ SMTP_TEST_FROM, "ana silva@example.org", SMTP_OK_MSG, 0,
	    "recipient" },
	{ SMTP_TEST_FROM, "ana@example.org NOTIFY=NEVER", SMTP_OK_MSG, 0,
	    "recipient" },
	{ SMTP_TEST_FROM, "<ana@example.org>", SMTP_OK_MSG, 0, "recipient" },
	{ SMTP_TEST_FROM, "ana@example.org>", SMTP_OK_MSG, 0, "recipient" },
	{ SMTP_TEST_FROM, "Ana <ana@example.org>", SMTP_OK_MSG, 0,
	    "recipient" },
	{ SMTP_TEST_FROM, "", SMTP_OK_MSG, 0, "recipient" },
	{ "a@b.org>\r\nRSET", "ana@example.org", SMTP_OK_MSG, 0, "sender" },
	{ "<consult@example.org>", "ana@example.org", SMTP_OK_MSG, 0,
	    "sender" },
	{ "consult@example.org> SIZE=1", "ana@example.org", SMTP_OK_MSG, 0,
	    "sender" },
	{ "con sult@example.org", "ana@example.org", SMTP_OK_MSG, 0,
	    "sender" },
	{ "consult@example.org\r", "ana@example.org", SMTP_OK_MSG, 0,
	    "sender" },
	{ SMTP_TEST_FROM, "ana@example.org", "Subject: hi\n\nhello\r\n", 0,
	    "bare LF" },
	{ SMTP_TEST_FROM, "ana@example.org", "Subject: hi\r\n\r\n.\n.\r\n",
	    0, "bare LF" },
	{ SMTP_TEST_FROM, "ana@example.org", "Subject: hi\r\n\rhello\r\n", 0,
	    "bare CR" },
	{ SMTP_TEST_FROM, "ana@example.org", "Subject: hi\r\n\r\nhello\r", 0,
	    "bare CR" },
	{ SMTP_TEST_FROM, "ana@example.org", "Subject: hi\r\n\r\nhel\0lo\r\n",
	    23, "NUL" },
	{ SMTP_TEST_FROM, "ana@example.org", "", 0, "empty" },
};

START_TEST(test_smtp_rejects_bad_input_without_network)
{
	struct smtp *s;
	g_autoptr(GError) err = NULL;
	const char *c = smtp_invalid[_i].content;
	size_t len = smtp_invalid[_i].len ? smtp_invalid[_i].len : strlen(c);
	static char unset[] = "unset";
	char *reply = unset;
	int code = -1;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	smtp_server_clear(smtp_plain);
	s = smtp_test_connect(smtp_server_url(smtp_plain), 10);
	ck_assert_int_eq(smtp_send(s, smtp_invalid[_i].from,
	    smtp_invalid[_i].rcpt, c, len, &code, &reply, &err),
	    SMTP_PERMFAIL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, EX_DATAERR);
	ck_assert_msg(strstr(err->message, smtp_invalid[_i].mention),
	    "'%s' lacks '%s'", err->message, smtp_invalid[_i].mention);
	ck_assert_int_eq(code, 0);
	ck_assert_ptr_null(reply);
	ck_assert_uint_eq(smtp_connections(s), 0);
	smtp_free(s);
	ck_assert_uint_eq(smtp_server_count(smtp_plain), 0);
}
END_TEST

START_TEST(test_smtp_line_over_998_octets_is_refused)
{
	g_autofree char *line = g_strnfill(999, 'x');
	g_autofree char *msg = g_strdup_printf("Subject: long\r\n\r\n%s", line);
	g_autoptr(GError) err = NULL;
	struct smtp *s;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	s = smtp_test_connect(smtp_server_url(smtp_plain), 10);
	ck_assert_int_eq(smtp_send(s, SMTP_TEST_FROM, "ana@example.org", msg,
	    strlen(msg), NULL, NULL, &err), SMTP_PERMFAIL);
	ck_assert_int_eq(err->code, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(err->message, "longer than 998"));
	ck_assert_uint_eq(smtp_connections(s), 0);
	smtp_free(s);
}
END_TEST

/*
 * A campaign: SMTP_LOOP_COUNT messages over one connection, to a sink
 * that writes each to disk (and all must arrive) and to one that throws
 * them away (the protocol's own cost).  The rate is printed, not asserted.
 */
START_TEST(test_smtp_loop_reuses_one_connection)
{
	struct smtp_server *srv = _i == 0 ? smtp_plain : smtp_discard;
	g_autoptr(GError) first = NULL;
	unsigned i, failed = 0;
	struct smtp *s;
	int64_t t0, t1;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	smtp_assert_server(smtp_discard, smtp_discard_why);
	smtp_server_clear(srv);
	s = smtp_test_connect(smtp_server_url(srv), 10);
	t0 = g_get_monotonic_time();
	for (i = 0; i < SMTP_LOOP_COUNT; i++) {
		g_autofree char *rcpt = g_strdup_printf("p%u@example.org", i);
		g_autofree char *msg = NULL;
		g_autoptr(GError) err = NULL;
		size_t len;

		/* No ck_assert in the loop: each one writes to Check's log. */
		msg = smtp_test_message(i, &len);
		if (smtp_send(s, SMTP_TEST_FROM, rcpt, msg, len, NULL, NULL,
		    &err) != SMTP_SENT) {
			failed++;
			if (!first)
				first = g_steal_pointer(&err);
		}
	}
	t1 = g_get_monotonic_time();
	ck_assert_msg(failed == 0, "%u messages failed, the first: %s",
	    failed, first ? first->message : "?");
	ck_assert_uint_eq(smtp_connections(s), 1);
	smtp_free(s);
	ck_assert_uint_eq(smtp_server_count(srv),
	    _i == 0 ? SMTP_LOOP_COUNT : 0);
	printf("smtp: %d messages on one connection to smtp-sink (%s) in "
	    "%.2f s: %.0f messages/s\n", SMTP_LOOP_COUNT,
	    _i == 0 ? "capturing to disk" : "discarding",
	    (double)(t1 - t0) / 1e6,
	    SMTP_LOOP_COUNT / ((double)(t1 - t0) / 1e6));
	fflush(stdout);
}
END_TEST

/* Failure modes: one sink per row, each message sent twice. */

struct smtp_fail_case {
	const char *name;
	const char *options[5];
	long total_timeout;
	enum smtp_outcome outcome;
	int err_code;
	int reply_code;
	const char *mention;	/* in the error message */
	int captured;		/* messages the sink holds after, -1 any */
};

static const struct smtp_fail_case smtp_fail[] = {
	{ "4xx at RCPT", { "-r", "RCPT" }, 5, SMTP_TEMPFAIL, EX_TEMPFAIL,
	    450, "RCPT TO", 0 },
	{ "5xx at RCPT", { "-f", "RCPT" }, 5, SMTP_PERMFAIL, EX_DATAERR,
	    500, "RCPT TO", 0 },
	{ "4xx at MAIL", { "-r", "MAIL" }, 5, SMTP_TEMPFAIL, EX_TEMPFAIL,
	    450, "MAIL FROM", 0 },
	{ "5xx at MAIL", { "-f", "MAIL" }, 5, SMTP_PERMFAIL, EX_DATAERR,
	    500, "MAIL FROM", 0 },
	{ "421 and hang-up at MAIL", { "-Q", "MAIL" }, 5, SMTP_TEMPFAIL,
	    EX_TEMPFAIL, 421, "MAIL FROM", 0 },
	{ "5xx at DATA", { "-f", "DATA" }, 5, SMTP_PERMFAIL, EX_DATAERR,
	    500, "DATA", 0 },
	{ "hang-up at RCPT", { "-q", "RCPT" }, 5, SMTP_TEMPFAIL,
	    EX_TEMPFAIL, 250, "RCPT TO", 0 },
	{ "hang-up at DATA", { "-q", "DATA" }, 5, SMTP_TEMPFAIL,
	    EX_TEMPFAIL, 250, "DATA", 0 },
	/* The sink kept both, though we never heard back: resend. */
	{ "hang-up after the final dot", { "-q", "." }, 5, SMTP_UNKNOWN,
	    EX_TEMPFAIL, 354, "end of data", 2 },
	{ "451 after the final dot",
	    { "-r", ".", "-b", "451 4.3.0 Error: queue file write error" }, 5,
	    SMTP_TEMPFAIL, EX_TEMPFAIL, 451, "451 4.3.0 Error: queue file",
	    -1 },
	{ "554 after the final dot",
	    { "-f", ".", "-B", "554 5.7.1 Message rejected as spam" }, 5,
	    SMTP_PERMFAIL, EX_DATAERR, 554, "554 5.7.1 Message rejected",
	    -1 },
	{ "421 after the final dot", { "-Q", "." }, 5, SMTP_TEMPFAIL,
	    EX_TEMPFAIL, 421, "end of data", -1 },
	{ "5xx greeting", { "-f", "CONNECT" }, 5, SMTP_TEMPFAIL,
	    EX_UNAVAILABLE, 500, "greeting", 0 },
	{ "EHLO and HELO refused", { "-f", "EHLO,HELO" }, 5, SMTP_TEMPFAIL,
	    EX_UNAVAILABLE, 500, "EHLO", 0 },
	{ "no reply to MAIL in time", { "-W", "MAIL:3" }, 1, SMTP_TEMPFAIL,
	    EX_TEMPFAIL, 250, "MAIL FROM", 0 },
	/*
	 * curl 7.88 would reuse this connection and take the late reply
	 * for the next MAIL FROM's: round two shows it does not.
	 */
	{ "no reply to the final dot in time", { "-W", ".:3" }, 1,
	    SMTP_UNKNOWN, EX_TEMPFAIL, 354, "end of data", -1 },
};

static struct smtp_server *smtp_fail_srv[G_N_ELEMENTS(smtp_fail)];
static char *smtp_fail_why[G_N_ELEMENTS(smtp_fail)];

static void
smtp_fail_start(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(smtp_fail); i++)
		smtp_fail_srv[i] = smtp_server_start(smtp_fail[i].options,
		    true, &smtp_fail_why[i]);
}

static void
smtp_fail_stop(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(smtp_fail); i++) {
		g_clear_pointer(&smtp_fail_srv[i], smtp_server_stop);
		g_clear_pointer(&smtp_fail_why[i], g_free);
	}
}

START_TEST(test_smtp_failure_outcomes)
{
	const struct smtp_fail_case *fc = &smtp_fail[_i];
	struct smtp *s;
	int round;

	smtp_assert_server(smtp_fail_srv[_i], smtp_fail_why[_i]);
	s = smtp_test_connect(smtp_server_url(smtp_fail_srv[_i]),
	    fc->total_timeout);
	/* The second round shows the handle recovers (reconnecting). */
	for (round = 0; round < 2; round++) {
		g_autofree char *msg = NULL, *reply = NULL;
		g_autoptr(GError) err = NULL;
		enum smtp_outcome outcome;
		char prefix[16];
		size_t len;
		int code = -1;

		msg = smtp_test_message((unsigned)round, &len);
		outcome = smtp_send(s, SMTP_TEST_FROM, "ana@example.org", msg,
		    len, &code, &reply, &err);
		ck_assert_msg(outcome == fc->outcome,
		    "%s, round %d: outcome %d, not %d (%s)", fc->name, round,
		    outcome, fc->outcome, err ? err->message : "no error");
		ck_assert_ptr_nonnull(err);
		ck_assert_msg(err->code == fc->err_code,
		    "%s: code %d, not %d (%s)", fc->name, err->code,
		    fc->err_code, err->message);
		ck_assert_msg(code == fc->reply_code,
		    "%s: reply code %d, not %d (%s)", fc->name, code,
		    fc->reply_code, err->message);
		ck_assert_msg(strstr(err->message, fc->mention) &&
		    !strstr(err->message, "(null)"), "%s: '%s' lacks '%s'",
		    fc->name, err->message, fc->mention);
		snprintf(prefix, sizeof(prefix), "%d ", code);
		if (code >= 400)
			ck_assert_msg(reply && g_str_has_prefix(reply, prefix),
			    "%s: reply '%s'", fc->name, reply);
	}
	/* A failed transaction never leaves its connection to the next. */
	ck_assert_uint_eq(smtp_connections(s), 2);
	smtp_free(s);
	if (fc->captured >= 0)
		ck_assert_uint_eq(smtp_server_count(smtp_fail_srv[_i]),
		    (unsigned)fc->captured);
}
END_TEST

/* Connecting, TLS and AUTH. */

static const char *const smtp_auth_refused_opts[] = { "-f", "AUTH", NULL };
static const char *const smtp_idle_opts[] = { "-t", "1", NULL };
static struct smtp_server *smtp_auth_refused, *smtp_idle;
static char *smtp_auth_refused_why, *smtp_idle_why;

static void
smtp_connect_start(void)
{
	smtp_plain_start();
	smtp_auth_refused = smtp_server_start(smtp_auth_refused_opts, true,
	    &smtp_auth_refused_why);
	smtp_idle = smtp_server_start(smtp_idle_opts, true, &smtp_idle_why);
}

static void
smtp_connect_stop(void)
{
	smtp_plain_stop();
	g_clear_pointer(&smtp_auth_refused, smtp_server_stop);
	g_clear_pointer(&smtp_auth_refused_why, g_free);
	g_clear_pointer(&smtp_idle, smtp_server_stop);
	g_clear_pointer(&smtp_idle_why, g_free);
}

START_TEST(test_smtp_connection_refused_is_tempfail)
{
	g_autofree char *url = g_strdup_printf("smtp://127.0.0.1:%d",
	    smtp_server_free_port());
	struct smtp_settings st = {
		.url = url, .connect_timeout = 5, .total_timeout = 5,
	};
	g_autoptr(GError) err = NULL, err2 = NULL;
	char *reply = NULL;
	int code = -1;
	struct smtp *s;

	s = smtp_test_connect(url, 5);
	ck_assert_int_eq(smtp_send(s, SMTP_TEST_FROM, "ana@example.org",
	    SMTP_OK_MSG, strlen(SMTP_OK_MSG), &code, &reply, &err),
	    SMTP_TEMPFAIL);
	ck_assert_int_eq(err->code, EX_TEMPFAIL);
	ck_assert_int_eq(code, 0);
	ck_assert_ptr_null(reply);
	ck_assert_msg(strstr(err->message, "cannot connect"), "%s",
	    err->message);
	smtp_free(s);

	ck_assert(!smtp_check(&st, &err2));
	ck_assert_int_eq(err2->code, EX_UNAVAILABLE);
	ck_assert_msg(strstr(err2->message, "cannot connect"), "%s",
	    err2->message);
}
END_TEST

START_TEST(test_smtp_check_plain_loopback)
{
	struct smtp_settings st = {
		.connect_timeout = 5, .total_timeout = 5,
	};
	g_autoptr(GError) err = NULL;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	st.url = smtp_server_url(smtp_plain);
	ck_assert_msg(smtp_check(&st, &err), "%s", err ? err->message : "?");
	ck_assert_uint_eq(smtp_server_count(smtp_plain), 0);
}
END_TEST

/* smtp-sink offers no STARTTLS and speaks no TLS: both must fail. */
START_TEST(test_smtp_tls_required_fails_without_tls)
{
	g_autofree char *smtps = NULL;
	struct smtp_settings st = {
		.tls_required = true, .connect_timeout = 5,
		.total_timeout = 5,
	};
	const char *mention[] = { "STARTTLS", "TLS" };
	/* No STARTTLS is a setting to change; no TLS at all, a server. */
	const int code[] = { EX_CONFIG, EX_UNAVAILABLE };
	g_autoptr(GError) err = NULL, err2 = NULL;
	struct smtp *s;

	smtp_assert_server(smtp_plain, smtp_plain_why);
	smtps = g_strdup_printf("smtps://%s",
	    smtp_server_url(smtp_plain) + strlen("smtp://"));
	st.url = _i == 0 ? smtp_server_url(smtp_plain) : smtps;
	s = smtp_new(&st, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(smtp_send(s, SMTP_TEST_FROM, "ana@example.org",
	    SMTP_OK_MSG, strlen(SMTP_OK_MSG), NULL, NULL, &err),
	    SMTP_TEMPFAIL);
	ck_assert_int_eq(err->code, code[_i]);
	ck_assert_msg(strstr(err->message, mention[_i]), "%s", err->message);
	smtp_free(s);
	ck_assert(!smtp_check(&st, &err2));
	ck_assert_int_eq(err2->code, code[_i]);
	ck_assert_msg(strstr(err2->message, mention[_i]), "%s",
	    err2->message);
	ck_assert_uint_eq(smtp_server_count(smtp_plain), 0);
}
END_TEST

/*
 * smtp-sink answers AUTH with 250 rather than 235, which curl takes as a
 * refusal, so only the refused path can be tested here: "-f AUTH" (500)
 * and the plain sink (250) both end in EX_NOPERM.
 */
START_TEST(test_smtp_login_refused)
{
	struct smtp_server *srv = _i == 0 ? smtp_auth_refused : smtp_plain;
	struct smtp_settings st = {
		.username = "consult", .password = SMTP_TEST_PASSWORD,
		.connect_timeout = 5, .total_timeout = 5,
	};
	g_autoptr(GError) err = NULL, err2 = NULL;
	struct smtp *s;

	smtp_assert_server(smtp_auth_refused, smtp_auth_refused_why);
	smtp_assert_server(smtp_plain, smtp_plain_why);
	st.url = smtp_server_url(srv);
	ck_assert(!smtp_check(&st, &err));
	ck_assert_int_eq(err->code, EX_NOPERM);
	ck_assert_msg(strstr(err->message, "'consult' refused"), "%s",
	    err->message);
	ck_assert_ptr_null(strstr(err->message, SMTP_TEST_PASSWORD));

	s = smtp_new(&st, &err2);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(smtp_send(s, SMTP_TEST_FROM, "ana@example.org",
	    SMTP_OK_MSG, strlen(SMTP_OK_MSG), NULL, NULL, &err2),
	    SMTP_TEMPFAIL);
	ck_assert_int_eq(err2->code, EX_NOPERM);
	smtp_free(s);
	ck_assert_uint_eq(smtp_server_count(srv), 0);
}
END_TEST

/* The server closed the idle connection: the next send reconnects. */
START_TEST(test_smtp_reconnects_after_idle_close)
{
	struct smtp *s;
	int i;

	smtp_assert_server(smtp_idle, smtp_idle_why);
	s = smtp_test_connect(smtp_server_url(smtp_idle), 5);
	for (i = 0; i < 2; i++) {
		g_autoptr(GError) err = NULL;

		if (i == 1)
			g_usleep(2 * G_USEC_PER_SEC);
		ck_assert_msg(smtp_send(s, SMTP_TEST_FROM, "ana@example.org",
		    SMTP_OK_MSG, strlen(SMTP_OK_MSG), NULL, NULL, &err) ==
		    SMTP_SENT, "send %d: %s", i, err ? err->message : "?");
	}
	ck_assert_uint_eq(smtp_connections(s), 2);
	smtp_free(s);
	ck_assert_uint_eq(smtp_server_count(smtp_idle), 2);
}
END_TEST

/* Settings: checked by smtp_new() and smtp_check() alike, no network. */

static const struct {
	const char *url;
	bool tls_required;
	const char *helo_name;
	const char *ca_file;
	long timeout;
	bool ok;
} smtp_settings_cases[] = {
	{ "smtps://mail.example.org", true, NULL, NULL, 5, true },
	{ "smtps://mail.example.org:465", false, NULL, NULL, 5, true },
	{ "smtp://mail.example.org:587", true, "consult.example.org", NULL,
	    5, true },
	{ "smtp://127.0.0.1:2525", false, NULL, NULL, 5, true },
	{ "smtp://127.9.9.9", false, NULL, NULL, 5, true },
	{ "smtp://[::1]:2525", false, NULL, NULL, 5, true },
	{ "smtp://localhost:2525", false, "[127.0.0.1]", NULL, 5, true },
	{ "SMTP://LOCALHOST", false, "[IPv6:::1]", NULL, 5, true },
	{ "smtp://mail.example.org", true, NULL, "/etc/hostname", 5, true },
	{ "smtp://mail.example.org", false, NULL, NULL, 5, false },
	{ "smtp://128.0.0.1", false, NULL, NULL, 5, false },
	{ "smtp://localhost.example.org", false, NULL, NULL, 5, false },
	{ "smtp://[::2]", false, NULL, NULL, 5, false },
	{ "http://mail.example.org", true, NULL, NULL, 5, false },
	{ "imaps://mail.example.org", true, NULL, NULL, 5, false },
	{ "mail.example.org", true, NULL, NULL, 5, false },
	{ "", true, NULL, NULL, 5, false },
	{ NULL, true, NULL, NULL, 5, false },
	{ "smtps://", true, NULL, NULL, 5, false },
	{ "smtps://consult:pw@mail.example.org", true, NULL, NULL, 5, false },
	{ "smtps://mail.example.org/consult.example.org", true, NULL, NULL,
	    5, false },
	{ "smtps://mail.example.org/?x=1", true, NULL, NULL, 5, false },
	{ "smtps://mail.example.org/#x", true, NULL, NULL, 5, false },
	{ "smtps://mail.example.org;AUTH=PLAIN", true, NULL, NULL, 5, false },
	{ "smtps://mail.example.org", true, "bad name", NULL, 5, false },
	{ "smtps://mail.example.org", true, "a.org\r\nRSET", NULL, 5, false },
	{ "smtps://mail.example.org", true, "a..org", NULL, 5, false },
	{ "smtps://mail.example.org", true, "-a.org", NULL, 5, false },
	{ "smtps://mail.example.org", true, "", NULL, 5, false },
	{ "smtps://mail.example.org", true, NULL, "/nonexistent/ca.pem", 5,
	    false },
	{ "smtps://mail.example.org", true, NULL, NULL, 0, false },
};

START_TEST(test_smtp_settings)
{
	struct smtp_settings st = {
		.url = smtp_settings_cases[_i].url,
		.tls_required = smtp_settings_cases[_i].tls_required,
		.helo_name = smtp_settings_cases[_i].helo_name,
		.ca_file = smtp_settings_cases[_i].ca_file,
		.connect_timeout = 5,
		.total_timeout = smtp_settings_cases[_i].timeout,
	};
	g_autoptr(GError) err = NULL, err2 = NULL;
	struct smtp *s = smtp_new(&st, &err);

	if (smtp_settings_cases[_i].ok) {
		ck_assert_msg(s != NULL, "%s: %s", st.url,
		    err ? err->message : "?");
		ck_assert_ptr_null(err);
		smtp_free(s);
		return;
	}
	ck_assert_msg(s == NULL, "%s accepted", st.url);
	ck_assert_int_eq(err->code, EX_CONFIG);
	ck_assert_ptr_null(strstr(err->message, ":pw@"));
	ck_assert(!smtp_check(&st, &err2));
	ck_assert_int_eq(err2->code, EX_CONFIG);
}
END_TEST

Suite *
smtp_suite(void)
{
	Suite *suite = suite_create("smtp");
	TCase *tc;

	tc = tcase_create("settings");
	tcase_add_loop_test(tc, test_smtp_settings, 0,
	    G_N_ELEMENTS(smtp_settings_cases));
	suite_add_tcase(suite, tc);

	tc = tcase_create("deliver");
	tcase_add_unchecked_fixture(tc, smtp_deliver_start,
	    smtp_deliver_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_smtp_delivers_byte_exact_on_one_connection);
	tcase_add_test(tc, test_smtp_null_sender_and_998_octet_line);
	tcase_add_loop_test(tc, test_smtp_rejects_bad_input_without_network,
	    0, G_N_ELEMENTS(smtp_invalid));
	tcase_add_test(tc, test_smtp_line_over_998_octets_is_refused);
	tcase_add_loop_test(tc, test_smtp_loop_reuses_one_connection, 0, 2);
	suite_add_tcase(suite, tc);

	tc = tcase_create("failures");
	tcase_add_unchecked_fixture(tc, smtp_fail_start, smtp_fail_stop);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_smtp_failure_outcomes, 0,
	    G_N_ELEMENTS(smtp_fail));
	suite_add_tcase(suite, tc);

	tc = tcase_create("connect");
	tcase_add_unchecked_fixture(tc, smtp_connect_start,
	    smtp_connect_stop);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_smtp_connection_refused_is_tempfail);
	tcase_add_test(tc, test_smtp_check_plain_loopback);
	tcase_add_loop_test(tc, test_smtp_tls_required_fails_without_tls, 0,
	    2);
	tcase_add_loop_test(tc, test_smtp_login_refused, 0, 2);
	tcase_add_test(tc, test_smtp_reconnects_after_idle_close);
	suite_add_tcase(suite, tc);
	return suite;
}
