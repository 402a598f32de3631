/* SPDX-License-Identifier: MIT */
/*
 * Recording interview notes.  The notes go through the same extraction
 * and validation as a mailed reply, so what is filed reads the same in
 * exports and reports; only the source and the recorder differ.
 */
#include "record.h"

#include <string.h>

#include "addr.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_participant.h"
#include "definition.h"
#include "extract.h"

#include "banned.h"

static char **
record_ids(const struct definition *def)
{
	char **ids = g_new0(char *, def->questions->len + 1);
	size_t i;

	for (i = 0; i < def->questions->len; i++)
		ids[i] = g_strdup(((struct question *)
		    def->questions->pdata[i])->id);
	return ids;
}

static bool
record_file(struct db *db, const struct definition *def, int64_t cid,
    int64_t pid, const struct extract_result *ext, const char *recorded_by,
    int64_t now, int64_t *count_out, GError **err)
{
	GString *problems = g_string_new(NULL);
	GPtrArray *norms = g_ptr_array_new_with_free_func(g_free);
	bool ok = false;
	int64_t count = 0;
	size_t i;

	for (i = 0; i < ext->answers->len; i++) {
		const struct extract_answer *a = ext->answers->pdata[i];
		const struct question *q = definition_question(def, a->id);
		char *verr = NULL;
		char *norm;

		if (!q) {
			g_string_append_printf(problems, "\n  [%s]: no such "
			    "question in '%s'", a->id, def->name);
			g_ptr_array_add(norms, NULL);
			continue;
		}
		norm = question_normalize_answer(q, a->text, &verr);
		if (!norm)
			g_string_append_printf(problems, "\n  [%s]: %s", q->id,
			    verr);
		g_free(verr);
		g_ptr_array_add(norms, norm);
	}
	if (problems->len) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "the notes were not recorded; fix these answers and run "
		    "again:%s", problems->str);
		goto out;
	}
	if (!db_begin(db, err))
		goto out;
	for (i = 0; i < ext->answers->len; i++) {
		const struct extract_answer *a = ext->answers->pdata[i];
		struct db_answer_row row = { 0 };
		int same;

		row.participant_id = pid;
		row.consultation_id = cid;
		row.question = a->id;
		row.source = "interview";
		row.recorded_by = recorded_by;
		row.answer = norms->pdata[i];
		row.trust = "token";
		row.answered_at = now;
		/*
		 * The same notes run again (after a crash past the commit,
		 * or by an operator who saw no output) file nothing twice
		 * (SPEC 12), and do not undo an answer mailed since.
		 */
		same = db_answer_interview_same(db, &row, err);
		if (same < 0 || (!same && !db_answer_add(db, &row, err))) {
			db_rollback(db);
			goto out;
		}
		count += !same;
	}
	ok = db_commit(db, err);
	if (ok)
		*count_out = count;
out:
	g_string_free(problems, TRUE);
	g_ptr_array_unref(norms);
	return ok;
}

bool
record_answers(struct db *db, const char *name, const char *email,
    const char *text, const char *recorded_by, int64_t now,
    int64_t *count_out, GError **err)
{
	struct definition *def = NULL;
	struct extract_result *ext = NULL;
	g_autofree char *key = NULL;
	g_auto(GStrv) ids = NULL;
	g_auto(GStrv) ignore = NULL;
	int64_t cid, pid;
	bool ok = false;
	int found;

	if (!g_utf8_validate(text, -1, NULL)) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "the notes are not valid UTF-8; save them as UTF-8");
		return false;
	}
	def = db_consultation_load(db, name, &cid, err);
	if (!def)
		return false;
	key = addr_key(email);
	found = db_participant_find(db, cid, key, &pid, err);
	if (found <= 0) {
		if (found == 0)
			g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
			    "'%s' is not a participant of '%s'; import them "
			    "first (consultd import)", email, name);
		goto out;
	}
	ids = record_ids(def);
	ignore = definition_template_lines(def);
	ext = extract_reply(text, (const char *const *)ids,
	    (const char *const *)ignore, NULL);
	if (!ext->answers->len) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "no answers found: write each answer under its marker, "
		    "such as [Q1], as in the invitation");
		goto out;
	}
	ok = record_file(db, def, cid, pid, ext, recorded_by, now, count_out,
	    err);
out:
	extract_result_free(ext);
	definition_free(def);
	return ok;
}
