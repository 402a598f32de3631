/* SPDX-License-Identifier: MIT */
/*
 * The one home of libcsv: a streaming CSV reader that numbers rows by the
 * line they start on, and a writer with a formula-injection guard.  It
 * knows nothing of participants or answers; libcsv's types, codes and
 * memory stay in this file.
 */
#include "csvio.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "consultd.h"
#include "banned.h"

/* Bytes read from a file, or fed from a buffer, per libcsv call at most. */
static const size_t CSVIO_CHUNK_SIZE = 64 * 1024;
/* How much of the start of the input the delimiter guess looks at. */
static const size_t CSVIO_SNIFF_MAX = 64 * 1024;
static const size_t CSVIO_MAX_FIELD = 1024 * 1024;
static const size_t CSVIO_MAX_FIELDS = 4096;
static const size_t CSVIO_MAX_ROW = 8 * 1024 * 1024;

static const char CSVIO_BOM[] = "\xEF\xBB\xBF";
#define CSVIO_BOM_LEN (sizeof(CSVIO_BOM) - 1)

struct csvio_writer {
	FILE *fp;
	enum csvio_flags flags;
	bool started;		/* some output written (the BOM goes first) */
	bool in_row;		/* a field written in the current row */
	int errnum;		/* errno of the first failed write, or 0 */
};

/*
 * Reader state.  Input is fed to libcsv in segments that end at a CR or LF
 * (or at a chunk end), so `line` is exact for every byte of a segment, and
 * libcsv ends rows only at a CR or LF, that is at a segment end.
 */
struct reader {
	struct csv_parser parser;
	const char *name;	/* file name for messages, or NULL */
	csvio_row_fn fn;
	void *data;

	GString *head;		/* held-back input, NULL once delim is known */

	size_t line;		/* line of the next byte fed */
	bool after_cr;		/* last byte fed was CR: an LF ends no line */
	bool row_open;		/* libcsv is inside a row */
	size_t row_line;	/* line the open row started on */

	GPtrArray *fields;	/* of char *, the open row's fields so far */
	GArray *valid;		/* of bool, one per field */
	size_t row_bytes;

	GError *error;		/* set in a callback: stop feeding */
};

static void reader_fail(struct reader *r, size_t line, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void
reader_fail(struct reader *r, size_t line, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	if (r->error)
		return;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (r->name)
		g_set_error(&r->error, CONSULTD_ERROR, EX_DATAERR,
		    "'%s' line %zu: %s", r->name, line, what);
	else
		g_set_error(&r->error, CONSULTD_ERROR, EX_DATAERR,
		    "line %zu: %s", line, what);
}

/* A copy of the field with CRLF and lone CR turned into LF. */
static char *
field_copy(const char *p, size_t n)
{
	char *s = g_malloc(n + 1);
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\r') {
			s[j++] = '\n';
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
		} else
			s[j++] = p[i];
	}
	s[j] = '\0';
	return s;
}

static void
on_field(void *ptr, size_t len, void *data)
{
	struct reader *r = data;
	const char *p = ptr ? ptr : "";
	bool valid;

	if (r->error)
		return;
	if (len > CSVIO_MAX_FIELD) {
		reader_fail(r, r->row_line, "field longer than %zu bytes",
		    CSVIO_MAX_FIELD);
		return;
	}
	if (r->fields->len >= CSVIO_MAX_FIELDS) {
		reader_fail(r, r->row_line, "row has more than %zu fields",
		    CSVIO_MAX_FIELDS);
		return;
	}
	r->row_bytes += len;
	if (r->row_bytes > CSVIO_MAX_ROW) {
		reader_fail(r, r->row_line, "row longer than %zu bytes",
		    CSVIO_MAX_ROW);
		return;
	}
	valid = g_utf8_validate(p, (gssize)len, NULL);
	g_ptr_array_add(r->fields, field_copy(p, len));
	g_array_append_val(r->valid, valid);
}

static void
on_row(int term, void *data)
{
	struct reader *r = data;
	struct csvio_row row;
	GError *cb_err = NULL;

	(void)term;
	r->row_open = false;
	if (r->error)
		return;
	row.line = r->row_line;
	row.nfields = r->fields->len;
	row.fields = (char **)r->fields->pdata;
	row.valid_utf8 = (bool *)(void *)r->valid->data;
	if (!r->fn(&row, r->data, &cb_err)) {
		assert(cb_err);
		r->error = cb_err;
	} else
		assert(!cb_err);
	g_ptr_array_set_size(r->fields, 0);
	g_array_set_size(r->valid, 0);
	r->row_bytes = 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Feeds bytes that contain no CR or LF except possibly the last one. */
static void
feed_segment(struct reader *r, const char *p, size_t n)
{
	size_t i, done;
	char last;

	if (!r->row_open) {
		/* libcsv skips blank lines: the row starts at a non-blank. */
		for (i = 0; i < n && is_blank(p[i]); i++)
			;
		if (i < n) {
			r->row_open = true;
			r->row_line = r->line;
		}
	}
	done = csv_parse(&r->parser, p, n, on_field, on_row, r);
	if (r->error)
		return;
	if (done < n) {
		reader_fail(r, r->line, "malformed CSV (%s): quote fields "
		    "that contain quotes, and double the quotes inside",
		    csv_strerror(csv_error(&r->parser)));
		return;
	}
	if (csv_get_buffer_size(&r->parser) > CSVIO_MAX_FIELD +
	    CSVIO_CHUNK_SIZE) {
		reader_fail(r, r->row_line, "field longer than %zu bytes",
		    CSVIO_MAX_FIELD);
		return;
	}
	last = p[n - 1];
	if (last == '\r') {
		r->line++;
		r->after_cr = true;
	} else if (last == '\n') {
		/* Only an LF right after the CR completes a CRLF. */
		if (!r->after_cr || n > 1)
			r->line++;
		r->after_cr = false;
	} else
		r->after_cr = false;
}

static void
feed(struct reader *r, const char *p, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n && !r->error; i++) {
		if (p[i] == '\r' || p[i] == '\n' || i + 1 - start ==
		    CSVIO_CHUNK_SIZE) {
			feed_segment(r, p + start, i + 1 - start);
			start = i + 1;
		}
	}
	if (start < n && !r->error)
		feed_segment(r, p + start, n - start);
}

/*
 * Looks at the first non-blank row of `p`: sets *delim_out to ';' if it
 * has more semicolons than commas outside quotes, else ','.  Returns true
 * if the row ends within the `n` bytes.
 */
static bool
sniff_delimiter(const char *p, size_t n, char *delim_out)
{
	size_t i = 0, commas = 0, semicolons = 0;
	bool quoted = false, complete = false;

	while (i < n && is_blank(p[i]))
		i++;
	for (; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (p[i] == ',')
			commas++;
		else if (p[i] == ';')
			semicolons++;
		else if (p[i] == '\r' || p[i] == '\n') {
			complete = true;
			break;
		}
	}
	*delim_out = semicolons > commas ? ';' : ',';
	return complete;
}

/* Chooses the delimiter from the held-back input, then feeds that. */
static void
reader_start(struct reader *r)
{
	const char *p = r->head->str;
	size_t n = r->head->len;
	char delim;

	if (n >= CSVIO_BOM_LEN && memcmp(p, CSVIO_BOM, CSVIO_BOM_LEN) == 0) {
		p += CSVIO_BOM_LEN;
		n -= CSVIO_BOM_LEN;
	}
	sniff_delimiter(p, n, &delim);
	csv_set_delim(&r->parser, (unsigned char)delim);
	feed(r, p, n);
	g_string_free(r->head, TRUE);
	r->head = NULL;
}

static void
reader_push(struct reader *r, const char *p, size_t n)
{
	char delim;

	if (!r->head) {
		feed(r, p, n);
		return;
	}
	g_string_append_len(r->head, p, (gssize)n);
	/* The header row can only have ended if this chunk has a CR or LF. */
	if (r->head->len >= CSVIO_SNIFF_MAX)
		reader_start(r);
	else if ((memchr(p, '\n', n) || memchr(p, '\r', n)) &&
	    sniff_delimiter(r->head->str, r->head->len, &delim))
		reader_start(r);
}

static void
reader_init(struct reader *r, const char *name, csvio_row_fn fn, void *data)
{
	int rc;

	memset(r, 0, sizeof(*r));
	/* csv_init() allocates nothing: it fails only on a NULL parser. */
	rc = csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI);
	assert(rc == 0);
	csv_set_realloc_func(&r->parser, g_realloc);
	csv_set_free_func(&r->parser, g_free);
	/* libcsv grows its field buffer linearly, by this much. */
	csv_set_blk_size(&r->parser, 4096);
	r->name = name;
	r->fn = fn;
	r->data = data;
	r->head = g_string_new(NULL);
	r->line = 1;
	r->fields = g_ptr_array_new_with_free_func(g_free);
	r->valid = g_array_new(FALSE, FALSE, sizeof(bool));
}

static void
reader_release(struct reader *r)
{
	csv_free(&r->parser);
	if (r->head)
		g_string_free(r->head, TRUE);
	g_ptr_array_free(r->fields, TRUE);
	g_array_free(r->valid, TRUE);
	g_clear_error(&r->error);
}

/* Ends the input; returns false with *err set from r->error. */
static bool
reader_finish(struct reader *r, GError **err)
{
	if (!r->error && r->head)
		reader_start(r);
	if (!r->error && csv_fini(&r->parser, on_field, on_row, r) != 0)
		reader_fail(r, r->row_line, "quoted field not closed at end "
		    "of input: add the closing quote");
	if (r->error) {
		g_propagate_error(err, r->error);
		r->error = NULL;
		return false;
	}
	return true;
}

bool
csvio_read_buffer(const char *buf, size_t len, csvio_row_fn fn, void *data,
    GError **err)
{
	struct reader r;
	bool ok;

	assert(buf || len == 0);
	assert(fn);
	reader_init(&r, NULL, fn, data);
	if (len > 0)
		reader_push(&r, buf, len);
	ok = reader_finish(&r, err);
	reader_release(&r);
	return ok;
}

bool
csvio_read_file(const char *path, csvio_row_fn fn, void *data, GError **err)
{
	struct reader r;
	char *buf = NULL;
	ssize_t n;
	int fd = -1;
	bool ok = false;

	assert(path);
	assert(fn);
	reader_init(&r, path, fn, data);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "cannot open '%s': %s", path, g_strerror(errno));
		goto out;
	}
	buf = g_malloc(CSVIO_CHUNK_SIZE);
	for (;;) {
		n = read(fd, buf, CSVIO_CHUNK_SIZE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			g_set_error(err, CONSULTD_ERROR, EX_IOERR,
			    "cannot read '%s': %s", path, g_strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		reader_push(&r, buf, (size_t)n);
		if (r.error) {
			g_propagate_error(err, r.error);
			r.error = NULL;
			goto out;
		}
	}
	if (!reader_finish(&r, err))
		goto out;
	ok = true;
out:
	if (fd != -1)
		close(fd);
	g_free(buf);
	reader_release(&r);
	return ok;
}

/*
 * Records the first failed write.  Callers clear errno before writing, as
 * stdio need not set it (EIO then).
 */
static void
writer_note(struct csvio_writer *w, bool written)
{
	if (!written && w->errnum == 0)
		w->errnum = errno ? errno : EIO;
}

static void
writer_put(struct csvio_writer *w, const char *p, size_t n)
{
	if (w->errnum != 0)
		return;
	errno = 0;
	writer_note(w, fwrite(p, 1, n, w->fp) == n);
}

/* Writes the BOM before the first output, then a separator if needed. */
static void
writer_begin(struct csvio_writer *w, bool field)
{
	if (!w->started && (w->flags & CSVIO_EXCEL))
		writer_put(w, CSVIO_BOM, CSVIO_BOM_LEN);
	w->started = true;
	if (field && w->in_row)
		writer_put(w, ",", 1);
	w->in_row = field;
}

static bool
writer_status(struct csvio_writer *w, GError **err)
{
	if (w->errnum == 0)
		return true;
	g_set_error(err, CONSULTD_ERROR, EX_IOERR,
	    "cannot write CSV output: %s", g_strerror(w->errnum));
	return false;
}

static bool
writer_put_field(struct csvio_writer *w, const char *p, size_t n,
    GError **err)
{
	writer_begin(w, true);
	if (w->errnum == 0) {
		errno = 0;
		writer_note(w, csv_fwrite(w->fp, p, n) == 0);
	}
	return writer_status(w, err);
}

struct csvio_writer *
csvio_writer_new(FILE *fp, enum csvio_flags flags)
{
	struct csvio_writer *w;

	assert(fp);
	w = g_new0(struct csvio_writer, 1);
	w->fp = fp;
	w->flags = flags;
	return w;
}

bool
csvio_writer_field(struct csvio_writer *w, const char *value, GError **err)
{
	g_autofree char *guarded = NULL;
	const char *s = value;

	assert(w);
	assert(value);
	/* A leading quote makes spreadsheets show a formula as text. */
	if (value[0] != '\0' && strchr("=+-@\t\r", value[0])) {
		guarded = g_strconcat("'", value, NULL);
		s = guarded;
	}
	return writer_put_field(w, s, strlen(s), err);
}

bool
csvio_writer_field_int(struct csvio_writer *w, int64_t value, GError **err)
{
	char num[32];
	int n;

	assert(w);
	n = snprintf(num, sizeof(num), "%" PRId64, value);
	assert(n > 0 && (size_t)n < sizeof(num));
	return writer_put_field(w, num, (size_t)n, err);
}

bool
csvio_writer_end_row(struct csvio_writer *w, GError **err)
{
	assert(w);
	writer_begin(w, false);
	if (w->flags & CSVIO_EXCEL)
		writer_put(w, "\r\n", 2);
	else
		writer_put(w, "\n", 1);
	return writer_status(w, err);
}

bool
csvio_writer_finish(struct csvio_writer *w, GError **err)
{
	bool ok;

	assert(w);
	if (w->errnum == 0) {
		errno = 0;
		writer_note(w, fflush(w->fp) == 0 && !ferror(w->fp));
	}
	ok = writer_status(w, err);
	csvio_writer_free(w);
	return ok;
}

void
csvio_writer_free(struct csvio_writer *w)
{
	g_free(w);
}
