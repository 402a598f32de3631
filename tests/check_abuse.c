/* SPDX-License-Identifier: MIT */
/*
 * Abusive input, end to end through the binary and the database: replies
 * to the demo consultation carrying a huge attachment, a huge line, ten
 * thousand parts, deep nesting or a hundred thousand header lines, and
 * replies in broken or unusual charsets.  Each run of consultd is timed
 * against a hang guard and measured with wait4(); what lands in
 * consultd.db is read back with plain SQL.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "workspace.h"

#include <gmime/gmime.h>

Suite *abuse_suite(void);

#define NOW 1796000000	/* 2026-11-30, before the deadline */
#define MB (1024 * 1024)

/* Full size in make check too: the whole suite takes seconds. */
#define ATTACHMENT_BYTES (30 * MB)
#define LONG_LINE_BYTES (2 * MB)
#define PART_COUNT 10000
#define NESTING_DEPTH 500
#define HEADER_LINES 100000

#define RSS_CEILING_MB 256
#define HANG_GUARD_S 120

/*
 * AddressSanitizer keeps freed memory in quarantine (256 MB by default)
 * and adds shadow memory and redzones, two to three times the memory of
 * the program: an instrumented binary gets a ceiling three times higher.
 */
#define SANITIZED_FACTOR 3

/* The parse command's fixed limit and the default max_message_size. */
#define DEFAULT_LIMIT "26214400"

/* One run of the binary, as wait4() saw it. */
struct run {
	int status;		/* exit status, -1 when killed by a signal */
	int signal;		/* the signal that ended it, 0 for none */
	bool timed_out;
	double max_rss_mb;
	double seconds;
	char *out;
	char *err;
};

/* Totals over every run of a test. */
struct tally {
	unsigned runs;
	unsigned crashed;
	unsigned timed_out;
	double max_rss_mb;
	double slowest_s;
};

static void
run_release(struct run *r)
{
	g_free(r->out);
	g_free(r->err);
}

static unsigned
hang_guard(void)
{
	const char *mult = g_getenv("CK_TIMEOUT_MULTIPLIER");
	unsigned m = mult ? (unsigned)g_ascii_strtoull(mult, NULL, 10) : 1;

	return HANG_GUARD_S * (m ? m : 1);
}

/* Is the binary under test built with AddressSanitizer? */
static bool
binary_sanitized(void)
{
	const char *bin = g_getenv("CONSULTD_BIN");
	g_autofree char *data = NULL;
	gsize len = 0;

	ck_assert_msg(bin != NULL, "CONSULTD_BIN is not set (run make check)");
	ck_assert(g_file_get_contents(bin, &data, &len, NULL));
	return memmem(data, len, "__asan_init", 11) != NULL;
}

static double
rss_ceiling_mb(void)
{
	static double ceiling;

	if (ceiling == 0)
		ceiling = RSS_CEILING_MB * (binary_sanitized() ?
		    SANITIZED_FACTOR : 1);
	return ceiling;
}

/*
 * Runs consultd with args in dir, its output going to files there (a
 * pipe could fill up and stall it), and waits with wait4() for its
 * resource usage.  The child is forked from a test process kept small
 * (inputs are streamed to files), so ru_maxrss, which counts the memory
 * of the child before exec too, is that of consultd.
 */
static void
run_measured(const char *dir, const char *const *args, struct run *r,
    struct tally *t)
{
	const char *bin = g_getenv("CONSULTD_BIN");
	g_autofree char *out_path = g_build_filename(dir, "run.out", NULL);
	g_autofree char *err_path = g_build_filename(dir, "run.err", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	struct rusage ru;
	int64_t start, guard_us = (int64_t)hang_guard() * G_USEC_PER_SEC;
	int wstatus = 0;
	pid_t pid, got;
	size_t i;

	ck_assert_msg(bin != NULL, "CONSULTD_BIN is not set (run make check)");
	memset(r, 0, sizeof(*r));
	g_ptr_array_add(argv, (char *)(uintptr_t)bin);
	for (i = 0; args[i]; i++)
		g_ptr_array_add(argv, (char *)(uintptr_t)args[i]);
	g_ptr_array_add(argv, NULL);
	start = g_get_monotonic_time();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		/* Should Check kill the test on its timeout, this goes too. */
		if (out < 0 || err < 0 || chdir(dir) != 0 ||
		    dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
		    prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			_exit(126);
		execv(bin, (char **)argv->pdata);
		_exit(127);
	}
	for (;;) {
		got = wait4(pid, &wstatus, WNOHANG, &ru);
		ck_assert_int_ge(got, 0);
		if (got == pid)
			break;
		if (g_get_monotonic_time() - start > guard_us) {
			kill(pid, SIGKILL);
			ck_assert_int_eq(wait4(pid, &wstatus, 0, &ru), pid);
			r->timed_out = true;
			break;
		}
		g_usleep(10000);
	}
	r->seconds = (double)(g_get_monotonic_time() - start) / 1e6;
	r->max_rss_mb = (double)ru.ru_maxrss / 1024.0;	/* KiB on Linux */
	if (WIFEXITED(wstatus)) {
		r->status = WEXITSTATUS(wstatus);
	} else {
		r->status = -1;
		r->signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	}
	ck_assert(g_file_get_contents(out_path, &r->out, NULL, NULL));
	ck_assert(g_file_get_contents(err_path, &r->err, NULL, NULL));
	t->runs++;
	if (r->signal && !r->timed_out)
		t->crashed++;
	if (r->timed_out)
		t->timed_out++;
	t->max_rss_mb = MAX(t->max_rss_mb, r->max_rss_mb);
	t->slowest_s = MAX(t->slowest_s, r->seconds);
}

/* A run that must end normally within the guard and the memory ceiling. */
static void
run_checked(const char *dir, const char *const *args, struct run *r,
    struct tally *t)
{
	run_measured(dir, args, r, t);
	ck_assert_msg(!r->timed_out, "consultd %s %s: still running after "
	    "%u s", args[0], args[1] ? args[1] : "", hang_guard());
	ck_assert_msg(r->signal == 0, "consultd %s %s: killed by signal %d: "
	    "%s", args[0], args[1] ? args[1] : "", r->signal, r->err);
	ck_assert_msg(r->max_rss_mb < rss_ceiling_mb(), "consultd %s %s: "
	    "peak memory %.1f MB, over %.0f MB", args[0],
	    args[1] ? args[1] : "", r->max_rss_mb, rss_ceiling_mb());
}

/* The demo workspace, its participants and their tokens. */
struct demo {
	char *dir;
	char *emails[12];
	char *tokens[12];
	size_t count;
};

/* The first column of the first row, or -1 when there is none. */
static int64_t
db_int(sqlite3 *db, const char *sql, const char *arg, const char *arg2)
{
	sqlite3_stmt *st = testutil_db_prepare(db, sql, arg, arg2);
	int64_t v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as stored, or NULL. */
static char *
db_text(sqlite3 *db, const char *sql, const char *arg, const char *arg2)
{
	sqlite3_stmt *st = testutil_db_prepare(db, sql, arg, arg2);
	char *v = NULL;

	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = g_strndup((const char *)sqlite3_column_text(st, 0),
		    (gsize)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return v;
}

/*
 * The tests' folders, made and removed by the runner around each case:
 * a failed assertion ends the test process before it cleans up, and the
 * inputs are hundreds of megabytes.
 */
static char *abuse_top;

static void
abuse_top_make(void)
{
	abuse_top = g_dir_make_tmp("consultd-abuse-XXXXXX", NULL);
}

static void
abuse_top_remove(void)
{
	if (abuse_top)
		testutil_rmtree(abuse_top);
	g_clear_pointer(&abuse_top, g_free);
}

static void
demo_init(struct demo *d, const char *name)
{
	struct workspace ws;
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t cid;

	memset(d, 0, sizeof(*d));
	ck_assert_msg(abuse_top != NULL, "no temporary folder");
	d->dir = g_build_filename(abuse_top, name, NULL);
	ck_assert_int_eq(g_mkdir(d->dir, 0755), 0);
	g_mime_init();
	ck_assert_int_eq(testutil_demo_workspace(&ws, d->dir, NOW, NOW, &cid),
	    12);
	workspace_close(&ws);
	g_mime_shutdown();
	db = testutil_db_open(d->dir);
	st = testutil_db_prepare(db, "SELECT p.email, i.token"
	    " FROM participant p"
	    " JOIN invitation i ON i.participant_id = p.id ORDER BY p.id",
	    NULL, NULL);
	while (sqlite3_step(st) == SQLITE_ROW && d->count < 12) {
		d->emails[d->count] = g_strdup((const char *)
		    sqlite3_column_text(st, 0));
		d->tokens[d->count] = g_strdup((const char *)
		    sqlite3_column_text(st, 1));
		d->count++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	ck_assert_uint_eq(d->count, 12);
}

static void
demo_release(struct demo *d)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		g_free(d->emails[i]);
		g_free(d->tokens[i]);
	}
	testutil_rmtree(d->dir);
	g_free(d->dir);
}

/*
 * Every text column a person or a participant sees, as stored, must be
 * valid UTF-8 without NUL.  Returns the number of values checked.
 */
static unsigned
assert_db_utf8(const char *dir)
{
	static const char *const columns[] = {
		"SELECT message_id FROM message", "SELECT sender FROM message",
		"SELECT subject FROM message", "SELECT free_text FROM message",
		"SELECT status FROM message", "SELECT spool_file FROM message",
		"SELECT text FROM message_warning",
		"SELECT filename FROM attachment",
		"SELECT content_type FROM attachment",
		"SELECT answer FROM answer", "SELECT error FROM answer",
		"SELECT email FROM participant", "SELECT name FROM participant",
		"SELECT email_key FROM participant",
		"SELECT value FROM participant_attr",
		"SELECT recipient FROM outbox", "SELECT last_error FROM outbox",
	};
	sqlite3 *db = testutil_db_open(dir);
	unsigned checked = 0;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(columns); i++) {
		sqlite3_stmt *st = testutil_db_prepare(db, columns[i], NULL,
		    NULL);

		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *s;
			int n;

			if (sqlite3_column_type(st, 0) == SQLITE_NULL)
				continue;
			s = (const char *)sqlite3_column_text(st, 0);
			n = sqlite3_column_bytes(st, 0);
			ck_assert_msg(g_utf8_validate(s, n, NULL),
			    "%s: not valid UTF-8: %.60s", columns[i], s);
			checked++;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return checked;
}

/* Huge inputs: each written straight to a file. */

struct gen {
	const char *name;
	const char *email;
	const char *token;
	GChecksum *attachment_sum;	/* of the huge attachment's bytes */
};

static char *
gen_msgid(const char *name)
{
	return g_strdup_printf("abuse-%s@example.net", name);
}

static void
gen_header(FILE *fp, const struct gen *g)
{
	g_autofree char *mid = gen_msgid(g->name);

	fprintf(fp, "From: <%s>\n"
	    "To: <consult+%s@igf.example.org>\n"
	    "Subject: Re: Your views (%s)\n"
	    "Date: Mon, 30 Nov 2026 10:00:00 +0000\n"
	    "Message-ID: <%s>\n"
	    "MIME-Version: 1.0\n", g->email, g->token, g->name, mid);
}

static char *
expected_q1(const char *name)
{
	return g_strdup_printf("Answer of %s, above the huge part.", name);
}

static char *
expected_q2(const char *name)
{
	return g_strdup_printf("Second answer of %s.", name);
}

static void
gen_answers(FILE *fp, const struct gen *g)
{
	g_autofree char *q1 = expected_q1(g->name);
	g_autofree char *q2 = expected_q2(g->name);

	fprintf(fp, "Dear Secretariat,\n\n[Q1] %s\n\n[Q2] %s\n\n", q1, q2);
}

static void
gen_text_part(FILE *fp, const struct gen *g, const char *boundary)
{
	fprintf(fp, "--%s\nContent-Type: text/plain; charset=utf-8\n\n",
	    boundary);
	gen_answers(fp, g);
}

/* Answers, then a base64 attachment of pseudo-random bytes. */
static void
gen_attachment(FILE *fp, struct gen *g)
{
	GRand *rnd = g_rand_new_with_seed(20261130);
	size_t chunk = 57 * 1024;
	guchar *in = g_malloc(chunk);
	char *out = g_malloc(chunk * 2);
	size_t done = 0;
	gint state = 0, save = 0;
	gsize n;

	gen_header(fp, g);
	fputs("Content-Type: multipart/mixed; boundary=\"b\"\n\n", fp);
	gen_text_part(fp, g, "b");
	fputs("--b\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=\"big.bin\"\n"
	    "Content-Transfer-Encoding: base64\n\n", fp);
	g->attachment_sum = g_checksum_new(G_CHECKSUM_SHA256);
	while (done < ATTACHMENT_BYTES) {
		size_t len = MIN(chunk, (size_t)ATTACHMENT_BYTES - done);
		size_t i;

		for (i = 0; i + 4 <= len; i += 4) {
			guint32 v = g_rand_int(rnd);

			memcpy(in + i, &v, 4);
		}
		g_checksum_update(g->attachment_sum, in, (gssize)len);
		n = g_base64_encode_step(in, len, TRUE, out, &state, &save);
		fwrite(out, 1, n, fp);
		done += len;
	}
	n = g_base64_encode_close(TRUE, out, &state, &save);
	fwrite(out, 1, n, fp);
	fputs("--b--\n", fp);
	g_free(in);
	g_free(out);
	g_rand_free(rnd);
}

static void
gen_long_line(FILE *fp, struct gen *g)
{
	size_t i;

	gen_header(fp, g);
	fputs("Content-Type: text/plain; charset=utf-8\n\n", fp);
	gen_answers(fp, g);
	fputs("[Q3] ", fp);
	for (i = 0; i < LONG_LINE_BYTES; i++)
		fputc("abcdefghijklmnopqrstuvwxyz"[i % 26], fp);
	fputs("\n", fp);
}

/* The answers, then small attachments up to PART_COUNT parts. */
static void
gen_parts(FILE *fp, struct gen *g)
{
	int i;

	gen_header(fp, g);
	fputs("Content-Type: multipart/mixed; boundary=\"b\"\n\n", fp);
	gen_text_part(fp, g, "b");
	for (i = 1; i < PART_COUNT; i++)
		fprintf(fp, "--b\nContent-Type: text/plain\n"
		    "Content-Disposition: attachment; filename=\"p%05d.txt\"\n"
		    "\npart %d\n", i, i);
	fputs("--b--\n", fp);
}

/* Multiparts NESTING_DEPTH deep: the answers in the outermost. */
static void
gen_nesting(FILE *fp, struct gen *g)
{
	int depth;

	gen_header(fp, g);
	fputs("Content-Type: multipart/mixed; boundary=\"n1\"\n\n", fp);
	gen_text_part(fp, g, "n1");
	for (depth = 2; depth <= NESTING_DEPTH; depth++)
		fprintf(fp, "--n%d\nContent-Type: multipart/mixed; "
		    "boundary=\"n%d\"\n\n", depth - 1, depth);
	fprintf(fp, "--n%d\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=\"deep.bin\"\n\n"
	    "bottom\n", NESTING_DEPTH);
	for (depth = NESTING_DEPTH; depth >= 1; depth--)
		fprintf(fp, "--n%d--\n", depth);
}

static void
gen_headers(FILE *fp, struct gen *g)
{
	int i;

	gen_header(fp, g);
	for (i = 0; i < HEADER_LINES; i++)
		fprintf(fp, "X-Abuse-%06d: filler header line %d\n", i, i);
	fputs("Content-Type: text/plain; charset=utf-8\n\n", fp);
	gen_answers(fp, g);
}

static char *
gen_file(const char *dir, struct gen *g,
    void (*writer)(FILE *, struct gen *))
{
	g_autofree char *name = g_strconcat(g->name, ".eml", NULL);
	char *path = g_build_filename(dir, name, NULL);
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	writer(fp, g);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/* SHA-256 of a stored attachment, read in chunks through the blob API. */
static char *
db_attachment_sha256(sqlite3 *db, int64_t rowid, int64_t *size_out)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	sqlite3_blob *blob = NULL;
	guchar *buf = g_malloc(MB);
	int size, off;
	char *hex;

	ck_assert_int_eq(sqlite3_blob_open(db, "main", "attachment",
	    "content", rowid, 0, &blob), SQLITE_OK);
	size = sqlite3_blob_bytes(blob);
	for (off = 0; off < size; off += MB) {
		int n = MIN(MB, size - off);

		ck_assert_int_eq(sqlite3_blob_read(blob, buf, n, off),
		    SQLITE_OK);
		g_checksum_update(sum, buf, n);
	}
	sqlite3_blob_close(blob);
	*size_out = size;
	hex = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	g_free(buf);
	return hex;
}

static const char sql_answer[] =
    "SELECT a.answer FROM answer a JOIN message m ON m.id = a.message_id"
    " JOIN question q ON q.id = a.question_id"
    " WHERE m.message_id = ?1 AND q.qid = ?2";

/* Filed as a reply of the right participant, its answers exact. */
static void
assert_filed_reply(sqlite3 *db, const struct gen *g)
{
	g_autofree char *mid = gen_msgid(g->name);
	g_autofree char *who = NULL;
	g_autofree char *q1 = NULL;
	g_autofree char *q2 = NULL;
	g_autofree char *want1 = expected_q1(g->name);
	g_autofree char *want2 = expected_q2(g->name);

	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM message WHERE"
	    " message_id = ? AND kind = 'reply' AND status = 'filed'"
	    " AND match = 'address'", mid, NULL), 1);
	who = db_text(db, "SELECT p.email FROM message m JOIN participant p"
	    " ON p.id = m.participant_id WHERE m.message_id = ?", mid, NULL);
	ck_assert_msg(who && strcmp(who, g->email) == 0, "%s filed for %s, "
	    "not %s", g->name, who ? who : "nobody", g->email);
	q1 = db_text(db, sql_answer, mid, "Q1");
	q2 = db_text(db, sql_answer, mid, "Q2");
	ck_assert_msg(q1 && strcmp(q1, want1) == 0, "%s: Q1 is '%s'",
	    g->name, q1 ? q1 : "(none)");
	ck_assert_msg(q2 && strcmp(q2, want2) == 0, "%s: Q2 is '%s'",
	    g->name, q2 ? q2 : "(none)");
}

static int64_t
attachments_of(sqlite3 *db, const char *name)
{
	g_autofree char *mid = gen_msgid(name);

	return db_int(db, "SELECT count(*) FROM attachment a JOIN message m"
	    " ON m.id = a.message_id WHERE m.message_id = ?", mid, NULL);
}

START_TEST(test_abuse_huge_inputs_filed_or_flagged)
{
	struct demo d;
	struct tally t = { 0 };
	struct gen gens[] = {
		{ "attachment-over-limit", NULL, NULL, NULL },
		{ "long-line", NULL, NULL, NULL },
		{ "parts", NULL, NULL, NULL },
		{ "nesting", NULL, NULL, NULL },
		{ "headers", NULL, NULL, NULL },
		{ "attachment", NULL, NULL, NULL },
	};
	void (*writers[])(FILE *, struct gen *) = {
		gen_attachment, gen_long_line, gen_parts, gen_nesting,
		gen_headers, gen_attachment,
	};
	char *paths[G_N_ELEMENTS(gens)];
	g_autofree char *conf = NULL;
	g_autofree char *in = NULL;
	g_autofree char *line = NULL;
	g_autofree char *stored_line = NULL;
	g_autofree char *warning = NULL;
	g_autofree char *sha = NULL;
	g_autofree char *over_mid = gen_msgid("attachment-over-limit");
	unsigned filed = 0, rejected = 0, parsed = 0, parse_rejected = 0;
	unsigned values;
	struct run r;
	sqlite3 *db;
	int64_t size = 0, receipt;
	FILE *fp;
	size_t i;

	demo_init(&d, "huge");
	in = g_build_filename(d.dir, "in", NULL);
	ck_assert_int_eq(g_mkdir(in, 0755), 0);
	for (i = 0; i < G_N_ELEMENTS(gens); i++) {
		gens[i].email = d.emails[i];
		gens[i].token = d.tokens[i];
		paths[i] = gen_file(in, &gens[i], writers[i]);
	}

	/*
	 * The default max_message_size (25M) keeps the 40 MB message out
	 * of the parser: it is filed as too large, with the reason, and
	 * its file kept.  Everything else is filed in full.
	 */
	for (i = 0; i + 1 < G_N_ELEMENTS(gens); i++) {
		run_checked(d.dir, (const char *const[]){ "ingest", paths[i],
		    NULL }, &r, &t);
		ck_assert_msg(r.status == 0, "ingest %s: exit %d: %s",
		    gens[i].name, r.status, r.err);
		run_release(&r);
	}
	db = testutil_db_open(d.dir);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM message WHERE"
	    " message_id = ? AND status = 'too_large' AND kind = 'unrelated'",
	    over_mid, NULL), 1);
	warning = db_text(db, "SELECT group_concat(w.text, '; ') FROM"
	    " message_warning w JOIN message m ON m.id = w.message_id"
	    " WHERE m.message_id = ?", over_mid, NULL);
	ck_assert_msg(warning && strstr(warning, "over the limit of "
	    DEFAULT_LIMIT), "no clear warning: %s", warning);
	/* The reason alone: nothing from parsing its cut header. */
	ck_assert_msg(!strchr(warning, ';'), "warnings: %s", warning);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM answer a JOIN"
	    " participant p ON p.id = a.participant_id WHERE p.email = ?",
	    gens[0].email, NULL), 0);
	rejected++;
	for (i = 1; i + 1 < G_N_ELEMENTS(gens); i++) {
		assert_filed_reply(db, &gens[i]);
		filed++;
	}
	sqlite3_close(db);
	ck_assert_uint_eq(testutil_count_files(d.dir, "spool/inbox/cur"), 5);

	/* A larger limit lets the same 30 MB attachment in, whole. */
	conf = g_build_filename(d.dir, "consultd.conf", NULL);
	fp = fopen(conf, "a");
	ck_assert_ptr_nonnull(fp);
	fputs("\n[imap]\nmax_message_size = 64M\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	run_checked(d.dir, (const char *const[]){ "ingest", paths[5], NULL },
	    &r, &t);
	ck_assert_msg(r.status == 0, "ingest: exit %d: %s", r.status, r.err);
	run_release(&r);
	/*
	 * All those filed whole, in one run, read ahead on a second
	 * thread: still under the ceiling (files over 8 MB are parsed one
	 * at a time, by the filer), and each recognised as filed already.
	 */
	run_checked(d.dir, (const char *const[]){ "ingest", paths[1],
	    paths[2], paths[3], paths[4], paths[5], NULL }, &r, &t);
	ck_assert_msg(r.status == 0, "ingest all: exit %d: %s", r.status,
	    r.err);
	run_release(&r);
	ck_assert_uint_eq(testutil_count_files(d.dir, "spool/inbox/cur"), 6);

	/* parse has the fixed 25M limit and says so. */
	for (i = 0; i + 1 < G_N_ELEMENTS(gens); i++) {
		run_checked(d.dir, (const char *const[]){ "parse", paths[i],
		    NULL }, &r, &t);
		if (i == 0) {
			ck_assert_int_eq(r.status, 65);
			ck_assert_msg(strstr(r.err, "over the limit of "
			    DEFAULT_LIMIT), "unclear: %s", r.err);
			parse_rejected++;
		} else {
			g_autofree char *want = expected_q1(gens[i].name);

			ck_assert_msg(r.status == 0, "parse %s: exit %d: %s",
			    gens[i].name, r.status, r.err);
			ck_assert_msg(strstr(r.out, want), "parse %s: no Q1",
			    gens[i].name);
			parsed++;
		}
		run_release(&r);
	}

	run_checked(d.dir, (const char *const[]){ "status", "bpf-on-bpfs",
	    "--json", NULL }, &r, &t);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "\"messages\": {\"reply\": 5,") &&
	    strstr(r.out, "\"unrelated\": 1}") &&
	    !strstr(r.out, "\"needs_attention\": 0"), "status: %s", r.out);
	ck_assert_msg(strstr(r.out, "Re: Your views (attachment-over-limit)"),
	    "the message too large is not listed: %s", r.out);
	run_release(&r);

	db = testutil_db_open(d.dir);
	assert_filed_reply(db, &gens[5]);
	filed++;
	sha = db_attachment_sha256(db, db_int(db, "SELECT a.id FROM"
	    " attachment a JOIN message m ON m.id = a.message_id"
	    " WHERE m.message_id = 'abuse-attachment@example.net'"
	    " AND a.filename = 'big.bin'", NULL, NULL), &size);
	ck_assert_int_eq(size, ATTACHMENT_BYTES);
	ck_assert_str_eq(sha, g_checksum_get_string(gens[5].attachment_sum));
	ck_assert_int_eq(db_int(db, "SELECT size FROM attachment WHERE"
	    " filename = 'big.bin'", NULL, NULL), ATTACHMENT_BYTES);
	/* The 2 MB line, whole. */
	line = g_malloc(LONG_LINE_BYTES + 1);
	for (i = 0; i < LONG_LINE_BYTES; i++)
		line[i] = "abcdefghijklmnopqrstuvwxyz"[i % 26];
	line[LONG_LINE_BYTES] = '\0';
	stored_line = db_text(db, sql_answer, "abuse-long-line@example.net",
	    "Q3");
	ck_assert_msg(stored_line && strcmp(stored_line, line) == 0,
	    "the long line was not kept whole (%zu bytes)",
	    stored_line ? strlen(stored_line) : 0);
	/* Receipts echo answers, not megabytes of them. */
	receipt = db_int(db, "SELECT max(length(content)) FROM outbox WHERE"
	    " kind = 'acknowledgement'", NULL, NULL);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM outbox WHERE"
	    " kind = 'acknowledgement'", NULL, NULL), 5);
	ck_assert_msg(receipt < 64 * 1024, "a receipt of %lld bytes",
	    (long long)receipt);
	ck_assert_int_eq(attachments_of(db, "parts"), PART_COUNT - 1);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM attachment WHERE"
	    " filename = 'p09999.txt' AND size = 9", NULL, NULL), 1);
	ck_assert_int_eq(db_int(db, "SELECT count(*) FROM attachment a JOIN"
	    " message m ON m.id = a.message_id WHERE m.message_id ="
	    " 'abuse-nesting@example.net' AND a.filename = 'deep.bin'"
	    " AND a.size = 6", NULL, NULL), 1);
	ck_assert_int_eq(attachments_of(db, "headers"), 0);
	ck_assert_int_eq(attachments_of(db, "long-line"), 0);
	sqlite3_close(db);
	values = assert_db_utf8(d.dir);

	testutil_report("abuse", "inputs=5 runs=%u filed=%u rejected=%u "
	    "parse_ok=%u parse_rejected=%u crashed=%u timed_out=%u "
	    "max_rss_mb=%.1f rss_ceiling_mb=%.0f slowest_s=%.2f "
	    "max_receipt_kb=%lld utf8_values=%u", t.runs, filed, rejected,
	    parsed, parse_rejected, t.crashed, t.timed_out, t.max_rss_mb,
	    rss_ceiling_mb(), t.slowest_s, (long long)receipt / 1024,
	    values);
	ck_assert_uint_eq(t.crashed, 0);
	ck_assert_uint_eq(t.timed_out, 0);
	for (i = 0; i < G_N_ELEMENTS(gens); i++) {
		if (gens[i].attachment_sum)
			g_checksum_free(gens[i].attachment_sum);
		g_free(paths[i]);
	}
	demo_release(&d);
}
END_TEST

/*
 * Charset garbage and the encodings a real consultation gets.  Each
 * vector is one message; its field lands in the database and must read
 * exactly as expected.  "answer" vectors reply to the demo consultation
 * under [Q1]; "subject" vectors carry the raw Subject; "name" vectors
 * write to the open feedback round from a new sender, whose display
 * name becomes the participant's name.
 */
struct charset_vector {
	const char *name;
	const char *field;	/* answer, subject, name */
	const char *headers;	/* MIME headers of the body, or "" */
	const char *raw;	/* body bytes, Subject or display name */
	const char *expected;	/* UTF-8 */
	const char *warning;	/* a stored warning holds this, or NULL */
};

#define LATIN1_8BIT "Content-Type: text/plain; charset=ISO-8859-1\n" \
	"Content-Transfer-Encoding: 8bit\n"

static const struct charset_vector charset_vectors[] = {
	{ "unknown-label", "answer", "Content-Type: text/plain; "
	    "charset=x-unknown-42\nContent-Transfer-Encoding: 8bit\n",
	    "Caf\xc3\xa9 cr\xc3\xa8me", "Café crème",
	    "cannot convert text from charset 'x-unknown-42'" },
	{ "unknown-label-8bit", "answer", "Content-Type: text/plain; "
	    "charset=x-unknown-42\nContent-Transfer-Encoding: 8bit\n",
	    "\xe9t\xe9", "été", "read as windows-1252" },
	{ "invalid-utf8", "answer", "Content-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
	    "ok \xc3\x28 \xff\xfe ok caf\xc3\xa9", "ok \xef\xbf\xbd( \xef\xbf\xbd"
	    "\xef\xbf\xbd ok café", "invalid UTF-8 replaced" },
	/* Not one UTF-8 sequence: Latin text under a wrong label. */
	{ "latin-labelled-utf8", "answer", "Content-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
	    "m\xe1s tiempo", "más tiempo", "read as windows-1252" },
	{ "8bit-no-charset", "answer", "Content-Transfer-Encoding: 8bit\n",
	    "\x93Quoted\x94 caf\xe9", "“Quoted” café",
	    "read as windows-1252" },
	{ "cp1252-labelled-latin1", "answer", LATIN1_8BIT,
	    "\x93Hi\x94 \x96 5\x80", "“Hi” – 5€", NULL },
	{ "latin1", "answer", LATIN1_8BIT, "Gr\xfc\xdf""e, \xe0 bient\xf4t",
	    "Grüße, à bientôt", NULL },
	{ "iso-2022-jp", "answer", "Content-Type: text/plain; "
	    "charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n",
	    "\x1b$BF|K\\8l$N2sEz$G$9!#\x1b(B", "日本語の回答です。", NULL },
	{ "gb2312", "answer", "Content-Type: text/plain; charset=GB2312\n"
	    "Content-Transfer-Encoding: 8bit\n",
	    "\xd6\xd0\xce\xc4\xbb\xd8\xb4\xf0", "中文回答", NULL },
	{ "koi8-r", "answer", "Content-Type: text/plain; charset=KOI8-R\n"
	    "Content-Transfer-Encoding: 8bit\n",
	    "\xef\xd4\xd7\xc5\xd4 \xce\xc1 \xd7\xcf\xd0\xd2\xcf\xd3",
	    "Ответ на вопрос", NULL },
	{ "windows-1256", "answer", "Content-Type: text/plain; "
	    "charset=windows-1256\nContent-Transfer-Encoding: 8bit\n",
	    "\xc5\xcc\xc7\xc8\xc9 \xc8\xc7\xe1\xe1\xdb\xc9 "
	    "\xc7\xe1\xda\xd1\xc8\xed\xc9", "إجابة باللغة العربية", NULL },
	/* G7: text after a padded B-encoded word is lost by GMime. */
	{ "g7-padded-then-text", "subject", "", "=?UTF-8?B?SGVsbG8=?= world",
	    "Hello world", NULL },
	{ "g7-three-words", "subject", "", "=?UTF-8?B?UsOpcG9uc2Ugw6A=?= "
	    "=?UTF-8?B?IGxh?=\n =?UTF-8?B?IGNvbnN1bHRhdGlvbg==?=",
	    "Réponse à la consultation", NULL },
	/* G5: a multibyte character split across two encoded words. */
	{ "split-q", "subject", "", "=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=",
	    "café", NULL },
	{ "split-b", "subject", "", "=?UTF-8?B?5pel5pw=?= "
	    "=?UTF-8?B?rOiqng==?= ok", "日本語 ok", NULL },
	{ "q-latin1-cp1252", "subject", "",
	    "=?iso-8859-1?Q?=93Re=94_caf=E9?=", "“Re” café", NULL },
	{ "b-koi8-r", "subject", "", "Re: =?koi8-r?B?79TXxdQ=?=",
	    "Re: Ответ", NULL },
	{ "b-gb2312", "subject", "", "=?GB2312?B?1tDOxA==?=", "中文", NULL },
	{ "b-windows-1256", "subject", "", "=?windows-1256?B?2tHI7Q==?=",
	    "عربي", NULL },
	{ "raw-8bit", "subject", "", "R\xe9ponse \x93ok\x94",
	    "Réponse “ok”", NULL },
	/* Decoded NUL and line ends must not cut or fold the field. */
	{ "q-nul-crlf", "subject", "", "=?UTF-8?Q?a=00b?= "
	    "=?UTF-8?Q?c=0D=0AX-Evil:_1?=", "a\xef\xbf\xbd" "bc  X-Evil: 1",
	    NULL },
	{ "unknown-charset-word", "subject", "",
	    "=?x-unknown?Q?caf=C3=A9?=", "café", NULL },
	{ "name-g7", "name", "", "=?UTF-8?B?SsO2cmc=?= "
	    "=?UTF-8?B?IE3DvGxsZXI=?=", "Jörg Müller", NULL },
	{ "name-iso-2022-jp", "name", "", "=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=",
	    "日本語", NULL },
	{ "name-quoted-split", "name", "",
	    "\"=?UTF-8?Q?Fran=C3?= =?UTF-8?Q?=A7oise?= Dupont\"",
	    "Françoise Dupont", NULL },
	{ "name-raw-8bit", "name", "", "\"Jos\xe9 Pe\xf1""a\"", "José Peña",
	    NULL },
};

static char *
vector_msgid(const struct charset_vector *v)
{
	return g_strdup_printf("cs-%s@example.net", v->name);
}

static char *
vector_sender(size_t i)
{
	return g_strdup_printf("sender%zu@example.net", i);
}

static char *
vector_message(const struct charset_vector *v, size_t i,
    const struct demo *d)
{
	g_autofree char *mid = vector_msgid(v);
	GString *m = g_string_new(NULL);

	if (strcmp(v->field, "name") == 0) {
		g_autofree char *from = vector_sender(i);

		g_string_append_printf(m, "From: %s <%s>\n"
		    "To: feedback@igf.example.org\nSubject: Comments\n"
		    "Message-ID: <%s>\n\n[S1] Fine.\n", v->raw, from, mid);
		return g_string_free(m, FALSE);
	}
	g_string_append_printf(m, "From: <%s>\n"
	    "To: <consult+%s@igf.example.org>\nMessage-ID: <%s>\n"
	    "MIME-Version: 1.0\n", d->emails[0], d->tokens[0], mid);
	if (strcmp(v->field, "subject") == 0)
		g_string_append_printf(m, "Subject: %s\n\n[Q1] x\n", v->raw);
	else
		g_string_append_printf(m, "Subject: Re\n%s\n[Q1] %s\n",
		    v->headers, v->raw);
	return g_string_free(m, FALSE);
}

static char *
vector_stored(sqlite3 *db, const struct charset_vector *v, size_t i)
{
	g_autofree char *mid = vector_msgid(v);
	g_autofree char *from = vector_sender(i);

	if (strcmp(v->field, "answer") == 0)
		return db_text(db, sql_answer, mid, "Q1");
	if (strcmp(v->field, "subject") == 0)
		return db_text(db, "SELECT subject FROM message"
		    " WHERE message_id = ?", mid, NULL);
	return db_text(db, "SELECT name FROM participant WHERE email = ?",
	    from, NULL);
}

START_TEST(test_abuse_charsets_stored_as_exact_utf8)
{
	g_autofree char *feedback = g_build_filename(testutil_top(),
	    "templates", "bpf-report-feedback", NULL);
	g_autofree char *in = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) wrong = g_string_new(NULL);
	struct tally t = { 0 };
	struct demo d;
	struct run r;
	unsigned exact = 0, valid = 0, warned = 0, warnings = 0, values;
	sqlite3 *db;
	size_t i;

	demo_init(&d, "charsets");
	in = g_build_filename(d.dir, "in", NULL);
	ck_assert_int_eq(g_mkdir(in, 0755), 0);
	run_checked(d.dir, (const char *const[]){ "load", feedback, NULL },
	    &r, &t);
	ck_assert_msg(r.status == 0, "load: %s", r.err);
	run_release(&r);
	g_ptr_array_add(args, g_strdup("ingest"));
	for (i = 0; i < G_N_ELEMENTS(charset_vectors); i++) {
		g_autofree char *name = g_strdup_printf("%02zu.eml", i);
		g_autofree char *text = vector_message(&charset_vectors[i], i,
		    &d);

		g_ptr_array_add(args, testutil_write(in, name, text));
	}
	g_ptr_array_add(args, NULL);
	run_checked(d.dir, (const char *const *)args->pdata, &r, &t);
	ck_assert_msg(r.status == 0, "ingest: exit %d: %s", r.status, r.err);
	run_release(&r);
	/* parse reads them alike, and its JSON must be valid UTF-8 too. */
	for (i = 1; i + 1 < args->len; i++) {
		run_checked(d.dir, (const char *const[]){ "parse",
		    args->pdata[i], NULL }, &r, &t);
		ck_assert_msg(r.status == 0, "parse %s: %s",
		    (char *)args->pdata[i], r.err);
		ck_assert(g_utf8_validate(r.out, -1, NULL));
		run_release(&r);
	}

	db = testutil_db_open(d.dir);
	for (i = 0; i < G_N_ELEMENTS(charset_vectors); i++) {
		const struct charset_vector *v = &charset_vectors[i];
		g_autofree char *got = vector_stored(db, v, i);
		g_autofree char *mid = vector_msgid(v);

		if (got && g_utf8_validate(got, -1, NULL))
			valid++;
		if (got && strcmp(got, v->expected) == 0)
			exact++;
		else
			g_string_append_printf(wrong, "\n  %s: '%s', expected "
			    "'%s'", v->name, got ? got : "(none)",
			    v->expected);
		if (!v->warning)
			continue;
		warnings++;
		if (db_int(db, "SELECT count(*) FROM message_warning w JOIN"
		    " message m ON m.id = w.message_id WHERE m.message_id = ?1"
		    " AND instr(w.text, ?2) > 0", mid, v->warning) > 0)
			warned++;
		else
			g_string_append_printf(wrong, "\n  %s: no warning '%s'",
			    v->name, v->warning);
	}
	sqlite3_close(db);
	values = assert_db_utf8(d.dir);
	testutil_report("charsets", "vectors=%zu exact=%u valid_utf8=%u "
	    "warnings=%u/%u utf8_values=%u crashed=%u max_rss_mb=%.1f",
	    G_N_ELEMENTS(charset_vectors), exact, valid, warned, warnings,
	    values, t.crashed, t.max_rss_mb);
	ck_assert_msg(wrong->len == 0, "charset vectors wrong:%s", wrong->str);
	ck_assert_uint_eq(exact, G_N_ELEMENTS(charset_vectors));
	ck_assert_uint_eq(valid, G_N_ELEMENTS(charset_vectors));
	ck_assert_uint_eq(t.crashed, 0);
	demo_release(&d);
}
END_TEST

Suite *
abuse_suite(void)
{
	Suite *s = suite_create("abuse");
	TCase *tc = tcase_create("huge");
	TCase *cs = tcase_create("charsets");

	/* Hang guards; each run of consultd has its own too. */
	tcase_set_timeout(tc, 600);
	tcase_add_unchecked_fixture(tc, abuse_top_make, abuse_top_remove);
	tcase_add_test(tc, test_abuse_huge_inputs_filed_or_flagged);
	suite_add_tcase(s, tc);
	tcase_set_timeout(cs, 300);
	tcase_add_unchecked_fixture(cs, abuse_top_make, abuse_top_remove);
	tcase_add_test(cs, test_abuse_charsets_stored_as_exact_utf8);
	suite_add_tcase(s, cs);
	return s;
}
