/* SPDX-License-Identifier: MIT */
/*
 * CSV import and export on top of libcsv: a streaming reader that hands out
 * one row at a time with its line number, and a writer that quotes every
 * field.  What the columns mean is the caller's business.
 */
#ifndef CONSULTD_CSVIO_H
#define CONSULTD_CSVIO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * One row as the reader hands it out.  Everything in it is borrowed and
 * valid only during the csvio_row_fn call: copy what you keep.
 */
struct csvio_row {
	/* 1-based line number where the row starts (header row is line 1) */
	size_t line;
	size_t nfields;
	/* NUL-terminated copies; CRLF inside quoted fields normalised to LF */
	char **fields;
	/* per field: false if the field's bytes are not valid UTF-8 */
	bool *valid_utf8;
};

/*
 * Called once per row, header included, in file order.  Return true to go
 * on.  Return false to stop: then `err` must have been set, and
 * csvio_read_file() or csvio_read_buffer() returns false with that error,
 * passed on unchanged (add the line from row->line yourself).
 */
typedef bool (*csvio_row_fn)(const struct csvio_row *row, void *data,
    GError **err);

/*
 * Reads the CSV file at `path` and calls `fn` with `data` for each row.
 *
 * The file is streamed in chunks, never loaded whole, so `path` may be a
 * pipe such as /dev/stdin.  A leading UTF-8 byte order mark is dropped.
 * The delimiter is ';' if the header row (the first non-blank row; at most
 * its first 64 KiB are looked at) has more semicolons than commas outside
 * quotes, else ','.  Quoting is strict: a quote inside an unquoted field,
 * text after a closing quote or a quote still open at the end of the file
 * is an error.  Blank lines (also lines of only spaces and tabs) make no
 * row; spaces and tabs around unquoted fields are trimmed; rows may have
 * different numbers of fields.  Lines end at LF, CRLF or a lone CR; a row
 * whose quoted fields span several lines has the number of its first line.
 * A field's CRLF and lone CR become LF.  Field bytes are not converted:
 * check valid_utf8 (a NUL byte also makes a field invalid, and its C
 * string then ends there).
 *
 * Limits: a field may hold at most 1 MiB, a row at most 4096 fields and
 * 8 MiB in all.
 *
 * Returns true once every row has been handed to `fn`.  On failure `err`
 * is set (CONSULTD_ERROR domain) and rows before the failing one have
 * already been delivered, so the caller should make the import
 * all-or-nothing (one transaction):
 *   EX_NOINPUT  `path` cannot be opened;
 *   EX_IOERR    reading failed;
 *   EX_DATAERR  malformed CSV or a limit exceeded, as
 *               "'FILE' line N: what is wrong";
 *   whatever `fn` set when it returned false.
 */
G_GNUC_WARN_UNUSED_RESULT bool
csvio_read_file(const char *path, csvio_row_fn fn, void *data, GError **err);

/*
 * Same as csvio_read_file() on the `len` bytes at `buf` (borrowed; need not
 * be NUL-terminated).  EX_DATAERR messages read "line N: what is wrong"
 * without a file name: prefix one with g_prefix_error() if you have it.
 */
G_GNUC_WARN_UNUSED_RESULT bool
csvio_read_buffer(const char *buf, size_t len, csvio_row_fn fn, void *data,
    GError **err);

enum csvio_flags {
	CSVIO_EXCEL = 1 << 0	/* UTF-8 BOM at start and CRLF row ends */
};

/* Writes CSV rows to a stdio stream; opaque. */
struct csvio_writer;

/*
 * Returns a new writer for `fp`, to be ended with csvio_writer_finish()
 * (or csvio_writer_free() to abandon it).  Borrows fp (caller closes, after
 * csvio_writer_finish()).  Fields are separated by ',' and rows end in LF,
 * or with CSVIO_EXCEL in CRLF, the whole output then starting with a UTF-8
 * byte order mark (written with the first byte of output).
 */
struct csvio_writer *
csvio_writer_new(FILE *fp, enum csvio_flags flags);

/*
 * Appends the field `value` (borrowed, not NULL; written as its bytes,
 * which should be UTF-8) to the current row.  The field is always quoted,
 * quotes doubled; newlines are kept as they are.  Formula injection guard,
 * always on: a value starting with '=', '+', '-', '@', TAB or CR is
 * written with a leading "'" so that spreadsheets show it as text (so
 * "-3" comes out as "'-3": use csvio_writer_field_int() for numbers).
 * Returns false with EX_IOERR if a write failed, now or before.
 */
G_GNUC_WARN_UNUSED_RESULT bool
csvio_writer_field(struct csvio_writer *w, const char *value, GError **err);

/*
 * Appends the decimal integer `value` as a quoted field, without the
 * formula guard.  Errors as csvio_writer_field().
 */
G_GNUC_WARN_UNUSED_RESULT bool
csvio_writer_field_int(struct csvio_writer *w, int64_t value, GError **err);

/*
 * Ends the current row.  A row without fields comes out as an empty line,
 * which csvio_read_file() skips.  Errors as csvio_writer_field().
 */
G_GNUC_WARN_UNUSED_RESULT bool
csvio_writer_end_row(struct csvio_writer *w, GError **err);

/*
 * Flushes fp and frees `w`, also on failure.  Returns false with EX_IOERR
 * if any write or the flush failed.  An unfinished row is not ended for
 * you.
 */
G_GNUC_WARN_UNUSED_RESULT bool
csvio_writer_finish(struct csvio_writer *w, GError **err);

/* Frees `w` without flushing; accepts NULL.  Leaves fp open. */
void
csvio_writer_free(struct csvio_writer *w);

#endif
