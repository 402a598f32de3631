/* SPDX-License-Identifier: MIT */
/*
 * Participant import.  The whole file is read and checked before the
 * database is touched, so one bad row never leaves half a list behind
 * (libcsv delivers rows before it notices a later error).
 */
#include "participants.h"

#include <stdarg.h>
#include <string.h>

#include "addr.h"
#include "consultd.h"
#include "csvio.h"
#include "db.h"
#include "db_participant.h"

#include "banned.h"

enum column {
	COL_EMAIL,
	COL_NAME,
	COL_GROUP,
	COL_BPF,
	COL_ROLE,
	COL_LANGUAGE,
	COL_ATTR,
};

struct column_alias {
	const char *header;
	enum column col;
};

/* Headers as spreadsheets write them, compared case-insensitively. */
static const struct column_alias column_aliases[] = {
	{ "email", COL_EMAIL }, { "e-mail", COL_EMAIL },
	{ "email address", COL_EMAIL }, { "mail", COL_EMAIL },
	{ "name", COL_NAME }, { "full name", COL_NAME },
	{ "stakeholder_group", COL_GROUP }, { "stakeholder group", COL_GROUP },
	{ "stakeholder", COL_GROUP },
	{ "bpf", COL_BPF }, { "bpfs", COL_BPF },
	{ "role", COL_ROLE },
	{ "language", COL_LANGUAGE }, { "lang", COL_LANGUAGE },
};

struct import_state {
	GPtrArray *header;	/* char *, trimmed header names */
	enum column *cols;
	int email_col;
	GPtrArray *people;	/* struct participant *, first-seen order */
	GHashTable *by_key;	/* email_key -> struct participant * */
	struct participants_result *res;
};

void
participants_result_init(struct participants_result *res)
{
	*res = (struct participants_result){ 0 };
	res->problems = g_ptr_array_new_with_free_func(g_free);
}

void
participants_result_release(struct participants_result *res)
{
	g_clear_pointer(&res->problems, g_ptr_array_unref);
}

static enum column
column_for(const char *header)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(column_aliases); i++)
		if (g_ascii_strcasecmp(header, column_aliases[i].header) == 0)
			return column_aliases[i].col;
	return COL_ATTR;
}

static bool
import_header(struct import_state *st, const struct csvio_row *row,
    GError **err)
{
	size_t i, j;

	st->cols = g_new0(enum column, row->nfields);
	st->email_col = -1;
	for (i = 0; i < row->nfields; i++) {
		char *h = g_strstrip(g_strdup(row->fields[i]));

		g_ptr_array_add(st->header, h);
		if (!row->valid_utf8[i]) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "line %zu: column %zu's name is not valid UTF-8; "
			    "save the file as CSV UTF-8", row->line, i + 1);
			return false;
		}
		st->cols[i] = column_for(h);
		if (!*h && st->cols[i] == COL_ATTR) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "line 1: column %zu has no name", i + 1);
			return false;
		}
		for (j = 0; j < i; j++)
			if (g_ascii_strcasecmp(st->header->pdata[j], h) == 0) {
				g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
				    "line 1: column '%s' appears twice", h);
				return false;
			}
		if (st->cols[i] == COL_EMAIL)
			st->email_col = (int)i;
	}
	if (st->email_col < 0) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "line 1: no 'email' column; the first row must name the "
		    "columns (email, name, stakeholder_group, bpf, role, "
		    "language)");
		return false;
	}
	return true;
}

/* Sets *slot to value when the row gives one (later rows fill gaps). */
static void
import_set(char **slot, const char *value)
{
	if (!*value)
		return;
	g_free(*slot);
	*slot = g_strdup(value);
}

static void
import_add_unique(GPtrArray *arr, const char *value)
{
	size_t i;

	for (i = 0; i < arr->len; i++)
		if (strcmp(arr->pdata[i], value) == 0)
			return;
	g_ptr_array_add(arr, g_strdup(value));
}

static void
import_set_attr(GPtrArray *attrs, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i + 1 < attrs->len; i += 2)
		if (strcmp(attrs->pdata[i], key) == 0) {
			g_free(attrs->pdata[i + 1]);
			attrs->pdata[i + 1] = g_strdup(value);
			return;
		}
	g_ptr_array_add(attrs, g_strdup(key));
	g_ptr_array_add(attrs, g_strdup(value));
}

static void
import_fill(struct participant *p, const struct import_state *st,
    const struct csvio_row *row)
{
	size_t i, j;

	for (i = 0; i < row->nfields && i < st->header->len; i++) {
		g_autofree char *v = g_strstrip(g_strdup(row->fields[i]));

		switch (st->cols[i]) {
		case COL_EMAIL:
			break;
		case COL_NAME:
			import_set(&p->name, v);
			break;
		case COL_GROUP:
			import_set(&p->stakeholder_group, v);
			break;
		case COL_ROLE:
			import_set(&p->role, v);
			break;
		case COL_LANGUAGE:
			import_set(&p->language, v);
			break;
		case COL_BPF: {
			g_auto(GStrv) parts = g_strsplit(v, ";", -1);

			for (j = 0; parts[j]; j++)
				if (*g_strstrip(parts[j]))
					import_add_unique(p->bpfs, parts[j]);
			break;
		}
		case COL_ATTR:
			if (*v)
				import_set_attr(p->attrs,
				    st->header->pdata[i], v);
			break;
		}
	}
}

static void
import_problem(struct import_state *st, size_t line, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void
import_problem(struct import_state *st, size_t line, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(st->res->problems,
	    g_strdup_printf("line %zu: %s", line, msg));
}

/* Longest piece of a refused value an error message shows. */
#define IMPORT_SHOWN_MAX 80

/*
 * s as an error message may show it: controls escaped, so that a value
 * cannot break or fake a line of the output, and cut short.
 */
static char *
import_printable(const char *s)
{
	bool cut = g_utf8_strlen(s, -1) > IMPORT_SHOWN_MAX;
	/* g_utf8_substring() reads past the end of a shorter string. */
	g_autofree char *head = cut ? g_utf8_substring(s, 0,
	    IMPORT_SHOWN_MAX) : g_strdup(s);
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = head; *p; p++) {
		if (*p == '\r')
			g_string_append(out, "\\r");
		else if (*p == '\n')
			g_string_append(out, "\\n");
		else if (*p == '\t')
			g_string_append(out, "\\t");
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			g_string_append_printf(out, "\\x%02x",
			    (unsigned char)*p);
		else
			g_string_append_c(out, *p);
	}
	if (cut)
		g_string_append(out, "...");
	return g_string_free(out, FALSE);
}

/*
 * Why an email cell is refused, as the end of the message, or NULL when
 * it is fine; raw is the cell as read, trimmed without the white space
 * around it (which spreadsheets leave and we forgive).  A line
 * break, even a trailing one, means the cell held more than one line:
 * which one is the address is not guessed.
 */
static const char *
import_email_problem(const char *raw, const char *trimmed)
{
	if (strpbrk(raw, "\r\n"))
		return ": it spans several lines; put one address per cell";
	if (addr_valid(trimmed))
		return NULL;
	if (strpbrk(trimmed, " \t"))
		return ": it holds white space";
	if (strpbrk(trimmed, "<>"))
		return ": give the bare address, like ann@example.org, "
		    "without '<' and '>' or a name";
	if (strlen(trimmed) > ADDR_MAX_LEN)
		return ": it is longer than an address can be";
	return "";
}

static bool
import_row(const struct csvio_row *row, void *data, GError **err)
{
	struct import_state *st = data;
	struct participant *p;
	g_autofree char *email = NULL;
	g_autofree char *key = NULL;
	const char *why;
	size_t i;

	/* The first row is the header, even after blank lines. */
	if (!st->cols)
		return import_header(st, row, err);
	st->res->rows++;
	for (i = 0; i < row->nfields; i++)
		if (!row->valid_utf8[i]) {
			import_problem(st, row->line, "column '%s' is not "
			    "valid UTF-8; save the file as CSV UTF-8",
			    i < st->header->len ?
			    (char *)st->header->pdata[i] : "?");
			return true;
		}
	if (row->nfields > st->header->len) {
		import_problem(st, row->line, "%zu fields, but the header "
		    "names %u columns", row->nfields, st->header->len);
		return true;
	}
	if ((size_t)st->email_col < row->nfields)
		email = g_strstrip(g_strdup(row->fields[st->email_col]));
	if (!email || !*email) {
		import_problem(st, row->line, "the email is empty");
		return true;
	}
	why = import_email_problem(row->fields[st->email_col], email);
	if (why) {
		g_autofree char *shown = import_printable(
		    row->fields[st->email_col]);

		import_problem(st, row->line, "'%s' is not a valid e-mail "
		    "address%s", shown, why);
		return true;
	}
	key = addr_key(email);
	p = g_hash_table_lookup(st->by_key, key);
	if (p)
		st->res->merged++;
	else {
		p = participant_new();
		p->email = addr_normalize(email);
		p->email_key = g_strdup(key);
		g_ptr_array_add(st->people, p);
		g_hash_table_insert(st->by_key, p->email_key, p);
	}
	import_fill(p, st, row);
	return true;
}

bool
participants_import(struct db *db, int64_t cid, const char *path,
    bool skip_invalid, int64_t now, struct participants_result *res,
    GError **err)
{
	struct import_state st = { 0 };
	bool ok = false;
	size_t i;

	st.header = g_ptr_array_new_with_free_func(g_free);
	st.people = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)participant_free);
	st.by_key = g_hash_table_new(g_str_hash, g_str_equal);
	st.res = res;
	if (!csvio_read_file(path, import_row, &st, err))
		goto out;
	if (!st.cols) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "'%s' is empty; it needs a header row naming the columns",
		    path);
		goto out;
	}
	if (res->problems->len && !skip_invalid) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "'%s' has %u invalid row(s); nothing was imported. Fix "
		    "them, or rerun with --skip-invalid to import the rest",
		    path, res->problems->len);
		goto out;
	}
	res->skipped = res->problems->len;
	if (!db_begin(db, err))
		goto out;
	for (i = 0; i < st.people->len; i++) {
		bool created;

		if (!db_participant_upsert(db, cid, st.people->pdata[i], now,
		    &created, err)) {
			db_rollback(db);
			goto out;
		}
		if (created)
			res->created++;
		else
			res->updated++;
	}
	ok = db_commit(db, err);
out:
	g_ptr_array_unref(st.header);
	g_ptr_array_unref(st.people);
	g_hash_table_unref(st.by_key);
	g_free(st.cols);
	return ok;
}
