/* SPDX-License-Identifier: MIT */
/*
 * CSV exports through csvio (libcsv's writer).  Withdrawn participants
 * are left out; times are ISO 8601 in UTC so that spreadsheets in any
 * locale read them alike.
 */
#include "export.h"

#include <string.h>

#include "consultd.h"
#include "csvio.h"
#include "db.h"
#include "db_consultation.h"
#include "db_participant.h"
#include "db_report.h"
#include "definition.h"

#include "banned.h"

struct export_state {
	struct csvio_writer *w;
	const struct definition *def;
	GHashTable *answers;	/* participant id -> GHashTable qid -> text */
};

static char *
export_time(int64_t t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

static bool
export_long_row(const struct db_answer_view *v, void *data, GError **err)
{
	struct export_state *st = data;
	g_autofree char *at = export_time(v->answered_at);

	return csvio_writer_field(st->w, v->email, err) &&
	    csvio_writer_field(st->w, v->question, err) &&
	    csvio_writer_field(st->w, v->answer, err) &&
	    csvio_writer_field(st->w, at, err) &&
	    csvio_writer_field(st->w, v->message_id ? v->message_id : "",
	    err) &&
	    csvio_writer_field(st->w, v->source, err) &&
	    csvio_writer_end_row(st->w, err);
}

static bool
export_collect(const struct db_answer_view *v, void *data, GError **err)
{
	struct export_state *st = data;
	GHashTable *per;
	int64_t *key;

	(void)err;
	per = g_hash_table_lookup(st->answers, &v->participant_id);
	if (!per) {
		per = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    g_free);
		key = g_new(int64_t, 1);
		*key = v->participant_id;
		g_hash_table_insert(st->answers, key, per);
	}
	g_hash_table_insert(per, g_strdup(v->question), g_strdup(v->answer));
	return true;
}

static char *
export_join(GPtrArray *items)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < items->len; i++) {
		if (i)
			g_string_append(s, ";");
		g_string_append(s, items->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

static const char *const export_wide_head[] = {
	"email", "name", "stakeholder_group", "bpf", "role", "language"
};

static bool
export_wide(struct db *db, int64_t cid, struct export_state *st,
    GError **err)
{
	g_autoptr(GPtrArray) people = NULL;
	size_t i, j;

	for (i = 0; i < G_N_ELEMENTS(export_wide_head); i++)
		if (!csvio_writer_field(st->w, export_wide_head[i], err))
			return false;
	for (i = 0; i < st->def->questions->len; i++)
		if (!csvio_writer_field(st->w, ((struct question *)
		    st->def->questions->pdata[i])->id, err))
			return false;
	if (!csvio_writer_end_row(st->w, err))
		return false;
	if (!db_report_answers(db, cid, export_collect, st, err))
		return false;
	people = db_participant_list(db, cid, false, err);
	if (!people)
		return false;
	for (i = 0; i < people->len; i++) {
		const struct participant *p = people->pdata[i];
		GHashTable *per = g_hash_table_lookup(st->answers, &p->id);
		g_autofree char *bpfs = export_join(p->bpfs);

		if (strcmp(p->status, "withdrawn") == 0)
			continue;
		if (!csvio_writer_field(st->w, p->email, err) ||
		    !csvio_writer_field(st->w, p->name ? p->name : "", err) ||
		    !csvio_writer_field(st->w, p->stakeholder_group ?
		    p->stakeholder_group : "", err) ||
		    !csvio_writer_field(st->w, bpfs, err) ||
		    !csvio_writer_field(st->w, p->role ? p->role : "", err) ||
		    !csvio_writer_field(st->w, p->language ? p->language : "",
		    err))
			return false;
		for (j = 0; j < st->def->questions->len; j++) {
			const struct question *q = st->def->questions->pdata[j];
			const char *a = per ? g_hash_table_lookup(per, q->id) :
			    NULL;

			if (!csvio_writer_field(st->w, a ? a : "", err))
				return false;
		}
		if (!csvio_writer_end_row(st->w, err))
			return false;
	}
	return true;
}

static const char *const export_long_head[] = {
	"email", "question", "answer", "answered_at", "message_id", "source"
};

bool
export_write(struct db *db, int64_t cid, const struct definition *def,
    enum export_format format, bool excel, FILE *fp, GError **err)
{
	struct export_state st = { 0 };
	bool ok = false;
	size_t i;

	st.def = def;
	st.w = csvio_writer_new(fp, excel ? CSVIO_EXCEL : 0);
	st.answers = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, (GDestroyNotify)g_hash_table_unref);
	switch (format) {
	case EXPORT_WIDE:
		if (!export_wide(db, cid, &st, err))
			goto out;
		break;
	case EXPORT_LONG:
		for (i = 0; i < G_N_ELEMENTS(export_long_head); i++)
			if (!csvio_writer_field(st.w, export_long_head[i],
			    err))
				goto out;
		if (!csvio_writer_end_row(st.w, err) ||
		    !db_report_answers(db, cid, export_long_row, &st, err))
			goto out;
		break;
	}
	ok = csvio_writer_finish(st.w, err);
	st.w = NULL;
out:
	csvio_writer_free(st.w);
	g_hash_table_unref(st.answers);
	return ok;
}

bool
export_csv(struct db *db, const char *name, enum export_format format,
    bool excel, FILE *fp, GError **err)
{
	struct definition *def;
	int64_t cid;
	bool ok;

	if (!db_begin_read(db, err))
		return false;
	def = db_consultation_load(db, name, &cid, err);
	ok = def && export_write(db, cid, def, format, excel, fp, err);
	db_rollback(db);
	definition_free(def);
	return ok;
}
