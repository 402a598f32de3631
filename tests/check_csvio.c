/* SPDX-License-Identifier: MIT */
/*
 * csvio: the CSV reader (BOM, delimiter guess, strict quoting, line
 * numbers across multi-line fields and chunk boundaries, limits) and the
 * writer (quoting, Excel flavour, formula guard, write errors), with
 * round trips of real multilingual text from the GMime charset samples.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consultd.h"
#include "csvio.h"

#include "banned.h"

Suite *csvio_suite(void);

#define CSVIO_TEST_FIXTURES "tests/fixtures/csv/"
#define CSVIO_TEST_CORPUS CONSULTD_CORPORA_DIR "gmime/data/filters/"

/* Rows as text: "LINE:[field][!not-utf8-field]\n" per row. */
struct collect {
	GString *dump;
	size_t rows;
	size_t stop_at;		/* fail in this row (1-based), 0: never */
};

static bool
collect_row(const struct csvio_row *row, void *data, GError **err)
{
	struct collect *c = data;
	size_t i;

	c->rows++;
	if (c->rows == c->stop_at) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "stopped at line %zu", row->line);
		return false;
	}
	g_string_append_printf(c->dump, "%zu:", row->line);
	for (i = 0; i < row->nfields; i++)
		g_string_append_printf(c->dump, "[%s%s]",
		    row->valid_utf8[i] ? "" : "!", row->fields[i]);
	g_string_append_c(c->dump, '\n');
	return true;
}

static void
collect_init(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->dump = g_string_new(NULL);
}

static void
collect_release(struct collect *c)
{
	g_string_free(c->dump, TRUE);
}

/* Reads `path` whole; fails the test if it cannot. */
static GString *
slurp(const char *path)
{
	g_autoptr(GError) err = NULL;
	char *text = NULL;
	size_t len = 0;
	GString *s;

	ck_assert_msg(g_file_get_contents(path, &text, &len, &err),
	    "%s", err ? err->message : "?");
	s = g_string_new_len(text, (gssize)len);
	g_free(text);
	return s;
}

static char *
write_temp(const char *dir, const char *name, const char *data, size_t len)
{
	g_autoptr(GError) err = NULL;
	char *path = g_build_filename(dir, name, NULL);

	ck_assert_msg(g_file_set_contents(path, data, (gssize)len, &err),
	    "%s", err ? err->message : "?");
	return path;
}

static char *
make_temp_dir(void)
{
	g_autoptr(GError) err = NULL;
	char *dir = g_dir_make_tmp("check_csvio-XXXXXX", &err);

	ck_assert_msg(dir, "%s", err ? err->message : "?");
	return dir;
}

static const struct read_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *rows;	/* dump of the rows delivered */
	int code;		/* 0: success */
	const char *msg;	/* start of the error message */
} read_cases[] = {
	{ "comma", "email,name\na@example.org,Ann\n", 0,
	    "1:[email][name]\n2:[a@example.org][Ann]\n", 0, NULL },
	{ "bom_comma", "\xEF\xBB\xBF" "email,name\na@x,A\n", 0,
	    "1:[email][name]\n2:[a@x][A]\n", 0, NULL },
	{ "bom_semicolon_crlf", "\xEF\xBB\xBF" "email;name\r\n"
	    "a@x;\"B;c\"\r\n", 0, "1:[email][name]\n2:[a@x][B;c]\n", 0,
	    NULL },
	{ "semicolon_commas_quoted", "\"a,b,c\";d;e\n1,5;2;3\n", 0,
	    "1:[a,b,c][d][e]\n2:[1,5][2][3]\n", 0, NULL },
	{ "tie_is_comma", "a;b,c\n", 0, "1:[a;b][c]\n", 0, NULL },
	{ "header_multiline_field", "\"x;\ny;\",a,b\n1,2,3\n", 0,
	    "1:[x;\ny;][a][b]\n3:[1][2][3]\n", 0, NULL },
	{ "sniff_skips_blank_lines", "\n  \n\"e\";\"n\"\nx;y\n", 0,
	    "3:[e][n]\n4:[x][y]\n", 0, NULL },
	{ "embedded_lf", "h1,h2\n\"x\ny\",z\nlast,row\n", 0,
	    "1:[h1][h2]\n2:[x\ny][z]\n4:[last][row]\n", 0, NULL },
	{ "embedded_crlf", "h\r\n\"x\r\ny\r\n\",z\r\nq\r\n", 0,
	    "1:[h]\n2:[x\ny\n][z]\n5:[q]\n", 0, NULL },
	{ "multiline_not_first", "a,\"1\n2\n3\",\"4\n5\"\nb\n", 0,
	    "1:[a][1\n2\n3][4\n5]\n5:[b]\n", 0, NULL },
	{ "quotes_doubled", "\"say \"\"hi\"\"\",\"\"\"\"\n", 0,
	    "1:[say \"hi\"][\"]\n", 0, NULL },
	{ "invalid_utf8", "caf\xe9,ok,\xc3\x28\n", 0,
	    "1:[!caf\xe9][ok][!\xc3(]\n", 0, NULL },
	{ "nul_byte_invalid", "a\0b,c\n", 6, "1:[!a][c]\n", 0, NULL },
	{ "blank_lines", "\n\na,b\n\n  \n\t\r\nc,d\n\n", 0,
	    "3:[a][b]\n7:[c][d]\n", 0, NULL },
	{ "empty_fields", "a,,\n,,\n\"\",x\n,\n", 0,
	    "1:[a][][]\n2:[][][]\n3:[][x]\n4:[][]\n", 0, NULL },
	{ "spaces_trimmed_outside_quotes", " a , b ,\" c \"\n", 0,
	    "1:[a][b][ c ]\n", 0, NULL },
	{ "lone_cr_lines", "a,b\r\"c\rd\",e\rf\r", 0,
	    "1:[a][b]\n2:[c\nd][e]\n4:[f]\n", 0, NULL },
	{ "lone_cr_then_lf_later", "\"a\r\",b\nc\n", 0,
	    "1:[a\n][b]\n3:[c]\n", 0, NULL },
	{ "no_final_newline", "a,b\nc,d", 0, "1:[a][b]\n2:[c][d]\n", 0,
	    NULL },
	{ "empty_input", "", 0, "", 0, NULL },
	{ "bom_only", "\xEF\xBB\xBF", 0, "", 0, NULL },
	{ "partial_bom_is_data", "\xEF\xBB", 0, "1:[!\xEF\xBB]\n", 0, NULL },
	{ "malformed_quote_in_field", "a,b\nc,d\"e\n", 0, "1:[a][b]\n",
	    EX_DATAERR, "line 2: malformed CSV (" },
	{ "malformed_text_after_quote", "a\n\"x\"y,z\n", 0, "1:[a]\n",
	    EX_DATAERR, "line 2: malformed CSV (" },
	{ "malformed_after_multiline", "h\n\"a\r\nb\",c\nd,e\"f\n", 0,
	    "1:[h]\n2:[a\nb][c]\n", EX_DATAERR, "line 4: malformed CSV (" },
	{ "malformed_inside_multiline_row", "h\n\"a\nb\"x\n", 0, "1:[h]\n",
	    EX_DATAERR, "line 3: malformed CSV (" },
	{ "unterminated_quote_at_eof", "a,b\n\"open\nmore\n", 0,
	    "1:[a][b]\n", EX_DATAERR,
	    "line 2: quoted field not closed at end of input" },
	{ "unterminated_after_fields", "a\nx,y,\"z", 0, "1:[a]\n",
	    EX_DATAERR, "line 2: quoted field not closed" },
};

static void
check_read_result(const struct read_case *c, bool ok, const GError *err,
    const struct collect *col, const char *prefix)
{
	g_autofree char *want_msg = NULL;

	ck_assert_str_eq(col->dump->str, c->rows);
	if (c->code == 0) {
		ck_assert_msg(ok, "%s: %s", c->name, err ? err->message : "?");
		ck_assert_ptr_null(err);
		return;
	}
	ck_assert_msg(!ok, "%s: no error", c->name);
	ck_assert_ptr_nonnull(err);
	ck_assert(g_error_matches(err, CONSULTD_ERROR, c->code));
	want_msg = g_strconcat(prefix, c->msg, NULL);
	ck_assert_msg(g_str_has_prefix(err->message, want_msg),
	    "%s: got \"%s\", want \"%s...\"", c->name, err->message,
	    want_msg);
}

static size_t
read_case_len(const struct read_case *c)
{
	return c->len ? c->len : strlen(c->in);
}

START_TEST(test_csvio_read_buffer_cases)
{
	const struct read_case *c = &read_cases[_i];
	g_autoptr(GError) err = NULL;
	struct collect col;
	bool ok;

	collect_init(&col);
	ok = csvio_read_buffer(c->in, read_case_len(c), collect_row, &col,
	    &err);
	check_read_result(c, ok, err, &col, "");
	collect_release(&col);
}
END_TEST

START_TEST(test_csvio_read_file_same_as_buffer)
{
	const struct read_case *c = &read_cases[_i];
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = make_temp_dir();
	g_autofree char *path = NULL;
	g_autofree char *prefix = NULL;
	struct collect col;
	bool ok;

	path = write_temp(dir, "in.csv", c->in, read_case_len(c));
	prefix = g_strdup_printf("'%s' ", path);
	collect_init(&col);
	ok = csvio_read_file(path, collect_row, &col, &err);
	check_read_result(c, ok, err, &col, prefix);
	collect_release(&col);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * Feeds the case through a pipe one byte per write with a pause, so the
 * reader mostly gets 1-byte reads: splits inside the BOM, inside CRLF,
 * between doubled quotes and before the header row's end.
 */
START_TEST(test_csvio_read_pipe_bytewise)
{
	const struct read_case *c = &read_cases[_i];
	g_autoptr(GError) err = NULL;
	g_autofree char *path = NULL;
	g_autofree char *prefix = NULL;
	struct collect col;
	size_t i, len = read_case_len(c);
	int fds[2], status;
	pid_t pid;
	bool ok;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < len; i++) {
			if (write(fds[1], c->in + i, 1) != 1)
				_exit(1);
			usleep(300);
		}
		_exit(0);
	}
	close(fds[1]);
	path = g_strdup_printf("/dev/fd/%d", fds[0]);
	prefix = g_strdup_printf("'%s' ", path);
	collect_init(&col);
	ok = csvio_read_file(path, collect_row, &col, &err);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/* After a parse error the reader stops early: the writer gets EPIPE. */
	if (c->code == 0)
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check_read_result(c, ok, err, &col, prefix);
	collect_release(&col);
}
END_TEST

static const char *const fixture_names[] = {
	"excel_semicolon",
	"participants_utf8",
	"legacy_cp1252",
	"cr_only",
	"malformed_quote",
	"unterminated",
};

/* tests/fixtures/csv/NAME.csv against NAME.expected (see README.md). */
START_TEST(test_csvio_read_fixture)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *csv = NULL;
	g_autofree char *expected_path = NULL;
	g_autofree char *want_msg = NULL;
	GString *expected;
	struct collect col;
	const char *error_line;
	int code = 0;
	bool ok;

	csv = g_strconcat(CSVIO_TEST_FIXTURES, fixture_names[_i], ".csv",
	    NULL);
	expected_path = g_strconcat(CSVIO_TEST_FIXTURES, fixture_names[_i],
	    ".expected", NULL);
	expected = slurp(expected_path);
	error_line = strstr(expected->str, "error ");
	if (error_line) {
		ck_assert(error_line == expected->str ||
		    error_line[-1] == '\n');
		ck_assert_int_eq(sscanf(error_line, "error %d: ", &code), 1);
		want_msg = g_strdup_printf("'%s' %s", csv,
		    strstr(error_line, ": ") + 2);
		want_msg[strlen(want_msg) - 1] = '\0';	/* the newline */
		g_string_truncate(expected,
		    (size_t)(error_line - expected->str));
	}

	collect_init(&col);
	ok = csvio_read_file(csv, collect_row, &col, &err);
	ck_assert_str_eq(col.dump->str, expected->str);
	if (code == 0) {
		ck_assert_msg(ok, "%s", err ? err->message : "?");
	} else {
		ck_assert(!ok);
		ck_assert(g_error_matches(err, CONSULTD_ERROR, code));
		ck_assert_msg(g_str_has_prefix(err->message, want_msg),
		    "got \"%s\", want \"%s...\"", err->message, want_msg);
	}
	collect_release(&col);
	g_string_free(expected, TRUE);
}
END_TEST

/* Builds a CSV text and the dump the reader must make of it. */
struct gen {
	GString *csv;
	GString *dump;
	size_t line;
};

static void
gen_row(struct gen *g, const char *raw, const char *want, size_t newlines)
{
	g_string_append(g->csv, raw);
	g_string_append_printf(g->dump, "%zu:%s\n", g->line, want);
	g->line += newlines;
}

/* Rows whose byte at `at` comes before a split a reader can get wrong. */
static const struct {
	const char *raw;
	const char *want;
	size_t newlines;
	size_t at;
} tricky_rows[] = {
	{ "x,y\r\n", "[x][y]", 1, 3 },			/* CR | LF */
	{ "\"a\"\"b\",c\n", "[a\"b][c]", 1, 2 },	/* " | " */
	{ "\"\xD0\x96x\",y\n", "[\xD0\x96x][y]", 1, 1 },	/* UTF-8 */
	{ "\"a\r\nb\",c\r\n", "[a\nb][c]", 2, 2 },	/* quoted CR | LF */
	{ "\"q\",\"r\"\n", "[q][r]", 1, 2 },		/* " | , */
};

/*
 * More than 320 KiB with a tricky row on each 4 KiB boundary (so on any
 * power-of-two chunk boundary from 4 KiB up), then a 150 KB field of
 * 30 000 lines, then a row whose line number proves the counting.
 */
static void
gen_big(struct gen *g)
{
	size_t k, kind, start, pad, i;
	GString *row = g_string_new(NULL);
	GString *want = g_string_new(NULL);

	gen_row(g, "email,name\n", "[email][name]", 1);
	for (k = 1; k <= 80; k++) {
		kind = k % G_N_ELEMENTS(tricky_rows);
		start = k * 4096 - 1 - tricky_rows[kind].at;
		pad = start - g->csv->len;
		ck_assert_uint_ge(pad, 3);
		g_string_assign(row, "p,");
		for (i = 0; i < pad - 3; i++)
			g_string_append_c(row, 'a' + (char)(i % 26));
		g_string_append_c(row, '\n');
		g_string_assign(want, "[p][");
		g_string_append_len(want, row->str + 2, (gssize)(pad - 3));
		g_string_append_c(want, ']');
		gen_row(g, row->str, want->str, 1);
		gen_row(g, tricky_rows[kind].raw, tricky_rows[kind].want,
		    tricky_rows[kind].newlines);
		ck_assert_uint_eq((unsigned char)g->csv->str[k * 4096 - 1],
		    (unsigned char)tricky_rows[kind].raw[tricky_rows[kind].at]);
	}
	g_string_assign(row, "long,\"");
	g_string_assign(want, "[long][");
	for (i = 0; i < 30000; i++) {
		g_string_append(row, "line\n");
		g_string_append(want, "line\n");
	}
	g_string_append(row, "\"\n");
	g_string_append_c(want, ']');
	gen_row(g, row->str, want->str, 30001);
	gen_row(g, "end,row", "[end][row]", 0);
	g_string_free(row, TRUE);
	g_string_free(want, TRUE);
}

START_TEST(test_csvio_read_big_file_across_chunks)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = make_temp_dir();
	g_autofree char *path = NULL;
	struct gen g = { g_string_new(NULL), g_string_new(NULL), 1 };
	struct collect col;

	gen_big(&g);
	ck_assert_uint_gt(g.csv->len, 4 * 64 * 1024);
	ck_assert(g_str_has_suffix(g.dump->str, "\n30179:[end][row]\n"));
	path = write_temp(dir, "big.csv", g.csv->str, g.csv->len);

	collect_init(&col);
	ck_assert_msg(csvio_read_file(path, collect_row, &col, &err), "%s",
	    err ? err->message : "?");
	ck_assert_uint_eq(col.dump->len, g.dump->len);
	ck_assert(strcmp(col.dump->str, g.dump->str) == 0);
	collect_release(&col);

	collect_init(&col);
	ck_assert(csvio_read_buffer(g.csv->str, g.csv->len, collect_row, &col,
	    &err));
	ck_assert(strcmp(col.dump->str, g.dump->str) == 0);
	collect_release(&col);

	g_string_free(g.csv, TRUE);
	g_string_free(g.dump, TRUE);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Inputs over the limits; each must fail cleanly with the row's line. */
static GString *
limit_input(int which)
{
	GString *s = g_string_new("h\nx,y\n");
	size_t i;

	switch (which) {
	case 0:		/* one unquoted field of 1 MiB + 1 */
		g_string_append_c(s, 'v');
		for (i = 0; i < 1024 * 1024; i++)
			g_string_append_c(s, 'a');
		g_string_append_c(s, '\n');
		break;
	case 1:		/* a quote never closed, 3 MiB of it */
		g_string_append(s, "v,\"");
		for (i = 0; i < 3 * 1024 * 1024; i++)
			g_string_append_c(s, i % 64 ? 'b' : '\n');
		break;
	case 2:		/* 4097 fields */
		for (i = 0; i < 4096; i++)
			g_string_append(s, "f,");
		g_string_append(s, "f\n");
		break;
	case 3:		/* 9 fields of 1 MiB - 1 */
		for (i = 0; i < 9 * 1024 * 1024; i++)
			g_string_append_c(s, ((i + 1) % (1024 * 1024)) ? 'c' :
			    ',');
		g_string_append_c(s, '\n');
		break;
	default:
		ck_abort_msg("no limit input %d", which);
	}
	return s;
}

static const char *const limit_messages[] = {
	"line 3: field longer than 1048576 bytes",
	"line 3: field longer than 1048576 bytes",
	"line 3: row has more than 4096 fields",
	"line 3: row longer than 8388608 bytes",
};

START_TEST(test_csvio_read_limits)
{
	g_autoptr(GError) err = NULL;
	GString *in = limit_input(_i);
	struct collect col;

	collect_init(&col);
	ck_assert(!csvio_read_buffer(in->str, in->len, collect_row, &col,
	    &err));
	ck_assert_str_eq(col.dump->str, "1:[h]\n2:[x][y]\n");
	ck_assert(g_error_matches(err, CONSULTD_ERROR, EX_DATAERR));
	ck_assert_str_eq(err->message, limit_messages[_i]);
	collect_release(&col);
	g_string_free(in, TRUE);
}
END_TEST

START_TEST(test_csvio_read_callback_stops)
{
	static const char in[] = "h\n\"a\nb\"\nstop,here\nnever\n";
	g_autoptr(GError) err = NULL;
	struct collect col;

	collect_init(&col);
	col.stop_at = 3;
	ck_assert(!csvio_read_buffer(in, strlen(in), collect_row, &col,
	    &err));
	ck_assert_uint_eq(col.rows, 3);
	ck_assert_str_eq(col.dump->str, "1:[h]\n2:[a\nb]\n");
	ck_assert(g_error_matches(err, CONSULTD_ERROR, EX_DATAERR));
	ck_assert_str_eq(err->message, "stopped at line 4");
	collect_release(&col);
}
END_TEST

START_TEST(test_csvio_read_file_errors)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = make_temp_dir();
	g_autofree char *missing = g_build_filename(dir, "missing.csv",
	    NULL);
	g_autofree char *want = NULL;
	struct collect col;

	collect_init(&col);
	ck_assert(!csvio_read_file(missing, collect_row, &col, &err));
	ck_assert(g_error_matches(err, CONSULTD_ERROR, EX_NOINPUT));
	want = g_strdup_printf("cannot open '%s': %s", missing,
	    g_strerror(ENOENT));
	ck_assert_str_eq(err->message, want);
	g_clear_error(&err);
	g_clear_pointer(&want, g_free);

	ck_assert(!csvio_read_file(dir, collect_row, &col, &err));
	ck_assert(g_error_matches(err, CONSULTD_ERROR, EX_IOERR));
	want = g_strdup_printf("cannot read '%s': %s", dir,
	    g_strerror(EISDIR));
	ck_assert_str_eq(err->message, want);
	ck_assert_uint_eq(col.rows, 0);
	collect_release(&col);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Writes rows of strings (NULL-terminated lists) and returns the bytes. */
static GString *
write_rows(const char *const *const *rows, enum csvio_flags flags)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = make_temp_dir();
	g_autofree char *path = g_build_filename(dir, "out.csv", NULL);
	struct csvio_writer *w;
	GString *out;
	FILE *fp;
	size_t r, f;

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	w = csvio_writer_new(fp, flags);
	for (r = 0; rows[r]; r++) {
		for (f = 0; rows[r][f]; f++)
			ck_assert_msg(csvio_writer_field(w, rows[r][f], &err),
			    "%s", err ? err->message : "?");
		ck_assert(csvio_writer_end_row(w, &err));
	}
	ck_assert(csvio_writer_finish(w, &err));
	ck_assert_int_eq(fclose(fp), 0);
	out = slurp(path);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	return out;
}

static const char *const rt_header[] = { "email", "name", "answer",
	"a;b", NULL };
static const char *const rt_arabic[] = { "layla@example.org",
	"ليلى حسن", "نعم، أوافق على \"المقترح\".\nشكراً", "", NULL };
static const char *const rt_chinese[] = { "wei@example.cn", "王伟",
	"同意，但是：\n1. 第一点\n2. 第二点", "逗号,分号;引号\"", NULL };
static const char *const rt_russian[] = { "olga@example.ru",
	"Ольга Иванова", "Да, \"конечно\"\n\nС уважением", " spaced ",
	NULL };
static const char *const rt_ascii[] = { "q\"uote\"\"d\"", "a,b,c",
	"multi\nline\n", "\"", NULL };
static const char *const *const rt_rows[] = { rt_header, rt_arabic,
	rt_chinese, rt_russian, rt_ascii, NULL };

struct rt_check {
	const char *const *const *rows;
	size_t next;
};

static bool
rt_check_row(const struct csvio_row *row, void *data, GError **err)
{
	struct rt_check *c = data;
	const char *const *want = c->rows[c->next];
	size_t i;

	(void)err;
	ck_assert_ptr_nonnull(want);
	for (i = 0; want[i]; i++) {
		ck_assert_uint_lt(i, row->nfields);
		ck_assert_str_eq(row->fields[i], want[i]);
		ck_assert(row->valid_utf8[i]);
	}
	ck_assert_uint_eq(row->nfields, i);
	c->next++;
	return true;
}

static const enum csvio_flags rt_flags[] = { 0, CSVIO_EXCEL };

START_TEST(test_csvio_write_read_round_trip)
{
	g_autoptr(GError) err = NULL;
	struct rt_check c = { rt_rows, 0 };
	GString *out = write_rows(rt_rows, rt_flags[_i]);

	ck_assert_msg(csvio_read_buffer(out->str, out->len, rt_check_row, &c,
	    &err), "%s", err ? err->message : "?");
	ck_assert_uint_eq(c.next, 5);
	g_string_free(out, TRUE);
}
END_TEST

/* Real text in five charsets: bytes survive; UTF-8 validity is reported. */
static const struct {
	const char *file;
	bool utf8;
} corpus_texts[] = {
	{ "chinese.utf-8.txt", true },
	{ "cyrillic.utf-8.txt", true },
	{ "japanese.utf-8.txt", true },
	{ "japanese.iso-2022-jp.txt", true },	/* 7-bit, has quotes */
	{ "chinese.big5.txt", false },
	{ "cyrillic.koi8-r.txt", false },
	{ "cyrillic.cp1251.txt", false },
	{ "french-fable.cp1252.txt", false },
	{ "japanese.shift-jis.txt", false },
};

START_TEST(test_csvio_round_trip_corpus_text)
{
	g_autofree char *path = g_strconcat(CSVIO_TEST_CORPUS,
	    corpus_texts[_i].file, NULL);
	GString *text = slurp(path);
	const char *const row[] = { "text", text->str, "after", NULL };
	const char *const *const rows[] = { row, row, NULL };
	g_autoptr(GError) err = NULL;
	GString *out = write_rows(rows, CSVIO_EXCEL);
	GString *want = g_string_new(NULL);
	struct collect col;
	size_t nl = 0, i;

	ck_assert_uint_eq(strlen(text->str), text->len);
	for (i = 0; i < text->len; i++)
		nl += text->str[i] == '\n';
	g_string_printf(want, "1:[text][%s%s][after]\n%zu:[text][%s%s]"
	    "[after]\n", corpus_texts[_i].utf8 ? "" : "!", text->str,
	    nl + 2, corpus_texts[_i].utf8 ? "" : "!", text->str);
	collect_init(&col);
	ck_assert_msg(csvio_read_buffer(out->str, out->len, collect_row, &col,
	    &err), "%s", err ? err->message : "?");
	ck_assert(strcmp(col.dump->str, want->str) == 0);
	collect_release(&col);
	g_string_free(want, TRUE);
	g_string_free(out, TRUE);
	g_string_free(text, TRUE);
}
END_TEST

static const char *const bytes_r1[] = { "email", "name", NULL };
static const char *const bytes_r2[] = { "a@x", "Zoë", "", NULL };
static const char *const *const bytes_rows[] = { bytes_r1, bytes_r2,
	NULL };

static const struct {
	enum csvio_flags flags;
	const char *out;
} bytes_cases[] = {
	{ 0, "\"email\",\"name\"\n\"a@x\",\"Zoë\",\"\"\n" },
	{ CSVIO_EXCEL, "\xEF\xBB\xBF\"email\",\"name\"\r\n"
	    "\"a@x\",\"Zoë\",\"\"\r\n" },
};

START_TEST(test_csvio_write_bytes)
{
	GString *out = write_rows(bytes_rows, bytes_cases[_i].flags);

	ck_assert_str_eq(out->str, bytes_cases[_i].out);
	g_string_free(out, TRUE);
}
END_TEST

static const struct {
	const char *value;
	const char *out;
} guard_cases[] = {
	{ "=1+2", "\"'=1+2\"\n" },
	{ "=HYPERLINK(\"http://evil.example\",\"x\")",
	    "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"\n" },
	{ "+33 1 23 45 67 89", "\"'+33 1 23 45 67 89\"\n" },
	{ "-5", "\"'-5\"\n" },
	{ "@SUM(A1:A9)", "\"'@SUM(A1:A9)\"\n" },
	{ "\tcmd", "\"'\tcmd\"\n" },
	{ "\rcmd", "\"'\rcmd\"\n" },
	{ "a=b", "\"a=b\"\n" },
	{ " =1", "\" =1\"\n" },
	{ "'quoted", "\"'quoted\"\n" },
	{ "", "\"\"\n" },
};

START_TEST(test_csvio_write_formula_guard)
{
	const char *const row[] = { guard_cases[_i].value, NULL };
	const char *const *const rows[] = { row, NULL };
	GString *out = write_rows(rows, 0);

	ck_assert_str_eq(out->str, guard_cases[_i].out);
	g_string_free(out, TRUE);
}
END_TEST

static const struct {
	int64_t value;
	const char *out;
} int_cases[] = {
	{ 0, "\"0\",\"x\"\n" },
	{ -5, "\"-5\",\"x\"\n" },
	{ INT64_MAX, "\"9223372036854775807\",\"x\"\n" },
	{ INT64_MIN, "\"-9223372036854775808\",\"x\"\n" },
};

START_TEST(test_csvio_write_int_unguarded)
{
	g_autoptr(GError) err = NULL;
	char *buf = NULL;
	size_t len = 0;
	struct csvio_writer *w;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	w = csvio_writer_new(fp, 0);
	ck_assert(csvio_writer_field_int(w, int_cases[_i].value, &err));
	ck_assert(csvio_writer_field(w, "x", &err));
	ck_assert(csvio_writer_end_row(w, &err));
	ck_assert(csvio_writer_finish(w, &err));
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_str_eq(buf, int_cases[_i].out);
	free(buf);	/* open_memstream's buffer is libc's */
}
END_TEST

/* /dev/full: the error shows at the flush, or at once when unbuffered. */
START_TEST(test_csvio_write_error)
{
	g_autoptr(GError) err = NULL;
	struct csvio_writer *w;
	FILE *fp = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(fp);
	if (_i == 1)
		ck_assert_int_eq(setvbuf(fp, NULL, _IONBF, 0), 0);
	w = csvio_writer_new(fp, CSVIO_EXCEL);
	if (_i == 0) {
		ck_assert(csvio_writer_field(w, "a", &err));
		ck_assert(csvio_writer_end_row(w, &err));
	} else {
		ck_assert(!csvio_writer_field(w, "a", &err));
		ck_assert(g_error_matches(err, CONSULTD_ERROR, EX_IOERR));
		g_clear_error(&err);
		ck_assert(!csvio_writer_field_int(w, 1, &err));
		g_clear_error(&err);
		ck_assert(!csvio_writer_end_row(w, &err));
		g_clear_error(&err);
	}
	ck_assert(!csvio_writer_finish(w, &err));
	ck_assert(g_error_matches(err, CONSULTD_ERROR, EX_IOERR));
	ck_assert_str_eq(err->message, "cannot write CSV output: "
	    "No space left on device");
	fclose(fp);
}
END_TEST

START_TEST(test_csvio_writer_free_abandons)
{
	char *buf = NULL;
	size_t len = 0;
	g_autoptr(GError) err = NULL;
	struct csvio_writer *w;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	csvio_writer_free(NULL);
	w = csvio_writer_new(fp, 0);
	ck_assert(csvio_writer_field(w, "a", &err));
	csvio_writer_free(w);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_str_eq(buf, "\"a\"");
	free(buf);	/* open_memstream's buffer is libc's */
}
END_TEST

Suite *
csvio_suite(void)
{
	Suite *s = suite_create("csvio");
	TCase *tc;

	tc = tcase_create("read");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_csvio_read_buffer_cases, 0,
	    G_N_ELEMENTS(read_cases));
	tcase_add_loop_test(tc, test_csvio_read_file_same_as_buffer, 0,
	    G_N_ELEMENTS(read_cases));
	tcase_add_loop_test(tc, test_csvio_read_fixture, 0,
	    G_N_ELEMENTS(fixture_names));
	tcase_add_loop_test(tc, test_csvio_read_limits, 0,
	    G_N_ELEMENTS(limit_messages));
	tcase_add_test(tc, test_csvio_read_callback_stops);
	tcase_add_test(tc, test_csvio_read_file_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("chunks");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_csvio_read_pipe_bytewise, 0,
	    G_N_ELEMENTS(read_cases));
	tcase_add_test(tc, test_csvio_read_big_file_across_chunks);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, test_csvio_write_read_round_trip, 0,
	    G_N_ELEMENTS(rt_flags));
	tcase_add_loop_test(tc, test_csvio_round_trip_corpus_text, 0,
	    G_N_ELEMENTS(corpus_texts));
	tcase_add_loop_test(tc, test_csvio_write_bytes, 0,
	    G_N_ELEMENTS(bytes_cases));
	tcase_add_loop_test(tc, test_csvio_write_formula_guard, 0,
	    G_N_ELEMENTS(guard_cases));
	tcase_add_loop_test(tc, test_csvio_write_int_unguarded, 0,
	    G_N_ELEMENTS(int_cases));
	tcase_add_loop_test(tc, test_csvio_write_error, 0, 2);
	tcase_add_test(tc, test_csvio_writer_free_abandons);
	suite_add_tcase(s, tc);
	return s;
}
