/* SPDX-License-Identifier: MIT */
/*
 * Exports written through libcsv and read back with libcsv: what went in
 * comes out, whatever the script, quotes or newlines.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "consultd.h"
#include "csvio.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_participant.h"
#include "definition.h"
#include "export.h"
#include "status.h"
#include "testutil.h"

Suite *export_suite(void);

static const char *const answers[] = {
	"plain",
	"two\nlines, with \"quotes\" and commas",
	"\xd8\xa7\xd9\x84\xd8\xb9\xd9\x85\xd9\x84 \xd9\x86\xd8\xac\xd8\xad",
	"\xe5\xbe\x88\xe5\xa5\xbd\xef\xbc\x8c\xe8\xb0\xa2\xe8\xb0\xa2",
	"\xd0\xa5\xd0\xbe\xd1\x80\xd0\xbe\xd1\x88\xd0\xbe;\t\xd0\xb4\xd0\xb0",
	"trailing newline kept?\n\nyes",
};

struct seeded {
	struct db *db;
	char *dir;
};

static void
seed(struct seeded *s)
{
	struct definition *def = definition_new();
	struct question *q = question_new();
	struct question *r = question_new();
	int64_t cid, pid;
	bool created;
	size_t i;

	s->dir = testutil_tmpdir();
	s->db = db_open(":memory:", NULL);
	def->name = g_strdup("c");
	def->title = g_strdup("C");
	def->reply_address = g_strdup("consult@example.org");
	q->id = g_strdup("Q1");
	q->prompt = g_strdup("?");
	r->id = g_strdup("R1");
	r->kind = QUESTION_RATING;
	r->prompt = g_strdup("?");
	r->scale_min = 1;
	r->scale_max = 5;
	g_ptr_array_add(def->questions, q);
	g_ptr_array_add(def->questions, r);
	ck_assert(db_consultation_store(s->db, def, 1, &cid, &created, NULL));
	ck_assert(db_begin(s->db, NULL));
	for (i = 0; i < G_N_ELEMENTS(answers); i++) {
		struct participant *p = participant_new();
		struct db_answer_row a = { 0 };

		p->email = g_strdup_printf("p%zu@example.org", i);
		p->email_key = g_strdup(p->email);
		p->name = g_strdup_printf("Name, \"%zu\"", i);
		g_ptr_array_add(p->bpfs, g_strdup("IPv6"));
		ck_assert(db_participant_upsert(s->db, cid, p, 1, &created,
		    NULL));
		ck_assert_int_eq(db_participant_find(s->db, cid, p->email_key,
		    &pid, NULL), 1);
		a.participant_id = pid;
		a.consultation_id = cid;
		a.question = "Q1";
		a.source = "mail";
		a.trust = "token";
		a.answered_at = 1796000000;
		a.answer = answers[i];
		ck_assert(db_answer_add(s->db, &a, NULL));
		a.question = "R1";
		a.answer = "4";
		ck_assert(db_answer_add(s->db, &a, NULL));
		participant_free(p);
	}
	ck_assert(db_commit(s->db, NULL));
	definition_free(def);
}

static void
unseed(struct seeded *s)
{
	db_close(s->db);
	testutil_rmtree(s->dir);
	g_free(s->dir);
}

static bool
collect(const struct csvio_row *row, void *data, GError **err)
{
	GPtrArray *rows = data;
	GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
	size_t i;

	(void)err;
	for (i = 0; i < row->nfields; i++)
		g_ptr_array_add(fields, g_strdup(row->fields[i]));
	g_ptr_array_add(rows, fields);
	return true;
}

static GPtrArray *
export_and_read(struct seeded *s, enum export_format fmt, bool excel)
{
	g_autofree char *path = g_build_filename(s->dir, "out.csv", NULL);
	GPtrArray *rows = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_ptr_array_unref);
	GError *err = NULL;
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_msg(export_csv(s->db, "c", fmt, excel, fp, &err), "%s",
	    err ? err->message : "");
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert(csvio_read_file(path, collect, rows, NULL));
	return rows;
}

static const char *
cell(GPtrArray *rows, size_t r, size_t c)
{
	GPtrArray *row = rows->pdata[r];

	ck_assert_uint_lt(c, row->len);
	return row->pdata[c];
}

START_TEST(test_export_long_round_trips_exactly)
{
	struct seeded s;
	g_autoptr(GPtrArray) rows = NULL;
	size_t i;

	seed(&s);
	rows = export_and_read(&s, EXPORT_LONG, _i == 1);
	ck_assert_str_eq(cell(rows, 0, 0), "email");
	ck_assert_str_eq(cell(rows, 0, 1), "question");
	ck_assert_str_eq(cell(rows, 0, 2), "answer");
	ck_assert_str_eq(cell(rows, 0, 3), "answered_at");
	ck_assert_str_eq(cell(rows, 0, 4), "message_id");
	ck_assert_uint_eq(rows->len, 1 + 2 * G_N_ELEMENTS(answers));
	for (i = 0; i < G_N_ELEMENTS(answers); i++) {
		ck_assert_str_eq(cell(rows, 1 + 2 * i, 1), "Q1");
		ck_assert_str_eq(cell(rows, 1 + 2 * i, 2), answers[i]);
		ck_assert_str_eq(cell(rows, 2 + 2 * i, 1), "R1");
		ck_assert_str_eq(cell(rows, 2 + 2 * i, 2), "4");
		ck_assert_str_eq(cell(rows, 1 + 2 * i, 3),
		    "2026-11-30T00:53:20Z");
	}
	unseed(&s);
}
END_TEST

START_TEST(test_export_wide_one_row_per_participant)
{
	struct seeded s;
	g_autoptr(GPtrArray) rows = NULL;
	size_t i;

	seed(&s);
	rows = export_and_read(&s, EXPORT_WIDE, false);
	ck_assert_uint_eq(rows->len, 1 + G_N_ELEMENTS(answers));
	ck_assert_str_eq(cell(rows, 0, 0), "email");
	ck_assert_str_eq(cell(rows, 0, 6), "Q1");
	ck_assert_str_eq(cell(rows, 0, 7), "R1");
	for (i = 0; i < G_N_ELEMENTS(answers); i++) {
		g_autofree char *name = g_strdup_printf("Name, \"%zu\"", i);

		ck_assert_str_eq(cell(rows, 1 + i, 1), name);
		ck_assert_str_eq(cell(rows, 1 + i, 3), "IPv6");
		ck_assert_str_eq(cell(rows, 1 + i, 6), answers[i]);
		ck_assert_str_eq(cell(rows, 1 + i, 7), "4");
	}
	unseed(&s);
}
END_TEST

START_TEST(test_export_unknown_consultation_is_noinput)
{
	struct seeded s;
	GError *err = NULL;

	seed(&s);
	ck_assert(!export_csv(s.db, "nope", EXPORT_WIDE, false, stdout, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	ck_assert(strstr(err->message, "consultd load") != NULL);
	g_error_free(err);
	unseed(&s);
}
END_TEST

START_TEST(test_status_counts_seeded_database)
{
	struct seeded s;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) text = g_string_new(NULL);

	seed(&s);
	ck_assert(status_render(s.db, "c", true, 1796000000, out, NULL));
	ck_assert(strstr(out->str, "\"participants\": 6") != NULL);
	ck_assert(strstr(out->str, "\"complete\": 6") != NULL);
	ck_assert(strstr(out->str, "\"partial\": 0") != NULL);
	ck_assert(strstr(out->str, "\"needs_attention\": 0") != NULL);
	ck_assert(status_render(s.db, NULL, false, 1796000000, text, NULL));
	ck_assert(strstr(text->str, "6 complete, 0 partial") != NULL);
	unseed(&s);
}
END_TEST

Suite *
export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_add_loop_test(tc, test_export_long_round_trips_exactly, 0, 2);
	tcase_add_test(tc, test_export_wide_one_row_per_participant);
	tcase_add_test(tc, test_export_unknown_consultation_is_noinput);
	tcase_add_test(tc, test_status_counts_seeded_database);
	suite_add_tcase(s, tc);
	return s;
}
