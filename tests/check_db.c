/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <sqlite3.h>
#include <string.h>

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_participant.h"
#include "definition.h"
#include "testutil.h"

static struct definition *
test_definition(const char *const *ids)
{
	struct definition *def = definition_new();
	size_t i;

	def->name = g_strdup("test");
	def->title = g_strdup("Test");
	def->reply_address = g_strdup("consult@example.org");
	for (i = 0; ids[i]; i++) {
		struct question *q = question_new();

		q->id = g_strdup(ids[i]);
		q->prompt = g_strdup_printf("Prompt %s", ids[i]);
		g_ptr_array_add(def->questions, q);
	}
	g_hash_table_insert(def->templates, g_strdup("invitation"),
	    g_strdup("Subject: x\n\n{{questions}}"));
	return def;
}

static int64_t
scalar(const char *dbpath, const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open(dbpath, &s), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

START_TEST(test_db_open_migrates_and_is_idempotent)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = g_build_filename(dir, "t.db", NULL);
	GError *err = NULL;
	struct db *db;

	db = db_open(path, &err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_user_version(db), db_schema_version());
	db_close(db);
	db = db_open(path, &err);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_user_version(db), db_schema_version());
	db_close(db);
	ck_assert_int_eq(scalar(path, "PRAGMA user_version"),
	    db_schema_version());
	/* WAL is a property of the file: it must have stuck. */
	ck_assert_int_eq(scalar(path, "SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_db_refuses_newer_schema)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = g_build_filename(dir, "t.db", NULL);
	GError *err = NULL;
	sqlite3 *s;

	ck_assert_int_eq(sqlite3_open(path, &s), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(s, "PRAGMA user_version = 999", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	ck_assert_ptr_null(db_open(path, &err));
	ck_assert_int_eq(err->code, EX_CONFIG);
	ck_assert(strstr(err->message, "newer") != NULL);
	g_error_free(err);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_db_unwritable_path_is_ioerr)
{
	GError *err = NULL;

	ck_assert_ptr_null(db_open("/nonexistent/dir/t.db", &err));
	ck_assert_int_eq(err->code, EX_IOERR);
	ck_assert(strstr(err->message, "/nonexistent/dir/t.db") != NULL);
	g_error_free(err);
}
END_TEST

START_TEST(test_db_reload_keeps_answers_and_refuses_removal)
{
	struct db *db = db_open(":memory:", NULL);
	struct definition *def = test_definition((const char *const[]){
	    "Q1", "Q2", "Q3", NULL });
	struct definition *fewer = test_definition((const char *const[]){
	    "Q1", "Q3", NULL });
	struct definition *reordered = test_definition((const char *const[]){
	    "Q3", "Q2", "Q1", NULL });
	struct definition *back;
	struct participant *p = participant_new();
	struct db_answer_row a = { 0 };
	GError *err = NULL;
	int64_t cid, cid2, pid;
	bool created;

	ck_assert(db_consultation_store(db, def, 1000, &cid, &created, &err));
	ck_assert(created);
	p->email = g_strdup("a@example.org");
	p->email_key = g_strdup("a@example.org");
	ck_assert(db_begin(db, NULL));
	ck_assert(db_participant_upsert(db, cid, p, 1000, &created, NULL));
	ck_assert_int_eq(db_participant_find(db, cid, "a@example.org", &pid,
	    NULL), 1);
	a.participant_id = pid;
	a.consultation_id = cid;
	a.question = "Q2";
	a.source = "mail";
	a.answer = "kept";
	a.trust = "token";
	a.answered_at = 1000;
	ck_assert(db_answer_add(db, &a, NULL));
	ck_assert(db_commit(db, NULL));

	/* Removing answered Q2 is refused and changes nothing. */
	ck_assert(!db_consultation_store(db, fewer, 2000, &cid2, &created,
	    &err));
	ck_assert_int_eq(err->code, EX_DATAERR);
	ck_assert(strstr(err->message, "'Q2'") != NULL);
	g_clear_error(&err);
	back = db_consultation_load(db, "test", &cid2, NULL);
	ck_assert_uint_eq(back->questions->len, 3);
	definition_free(back);

	/* Reordering keeps the answer on its question. */
	ck_assert(db_consultation_store(db, reordered, 3000, &cid2, &created,
	    &err));
	ck_assert(!created);
	ck_assert_int_eq(cid2, cid);
	back = db_consultation_load(db, "test", &cid2, NULL);
	ck_assert_str_eq(((struct question *)back->questions->pdata[0])->id,
	    "Q3");
	definition_free(back);
	definition_free(def);
	definition_free(fewer);
	definition_free(reordered);
	participant_free(p);
	db_close(db);
}
END_TEST

START_TEST(test_db_removing_unanswered_question_is_allowed)
{
	struct db *db = db_open(":memory:", NULL);
	struct definition *def = test_definition((const char *const[]){
	    "Q1", "Q2", NULL });
	struct definition *fewer = test_definition((const char *const[]){
	    "Q1", NULL });
	struct definition *back;
	int64_t cid;
	bool created;

	ck_assert(db_consultation_store(db, def, 1, &cid, &created, NULL));
	ck_assert(db_consultation_store(db, fewer, 2, &cid, &created, NULL));
	back = db_consultation_load(db, "test", &cid, NULL);
	ck_assert_uint_eq(back->questions->len, 1);
	definition_free(back);
	definition_free(def);
	definition_free(fewer);
	db_close(db);
}
END_TEST

/* A From-only answer fills a gap once; a second never replaces it. */
START_TEST(test_db_from_only_answer_fills_gap_but_never_replaces)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = g_build_filename(dir, "t.db", NULL);
	struct db *db = db_open(path, NULL);
	struct definition *def = test_definition((const char *const[]){
	    "Q1", NULL });
	struct participant *p = participant_new();
	struct db_answer_row a = { 0 };
	GError *err = NULL;
	int64_t cid, pid;
	bool created;

	ck_assert(db_consultation_store(db, def, 1, &cid, &created, NULL));
	p->email = g_strdup("a@example.org");
	p->email_key = g_strdup("a@example.org");
	ck_assert(db_begin(db, NULL));
	ck_assert(db_participant_upsert(db, cid, p, 1, &created, NULL));
	ck_assert_int_eq(db_participant_find(db, cid, "a@example.org", &pid,
	    NULL), 1);
	a.participant_id = pid;
	a.consultation_id = cid;
	a.question = "q1";	/* IDs match case-insensitively */
	a.source = "mail";
	a.trust = "from";
	a.answered_at = 1;
	a.answer = "first by From";
	ck_assert(db_answer_add(db, &a, NULL));
	a.answer = "second by From";
	ck_assert(db_answer_add(db, &a, NULL));
	a.question = "Q9";
	ck_assert(!db_answer_add(db, &a, &err));
	ck_assert_int_eq(err->code, EX_DATAERR);
	g_error_free(err);
	ck_assert(db_commit(db, NULL));
	db_close(db);
	ck_assert_int_eq(scalar(path, "SELECT answer = 'first by From' FROM"
	    " answer WHERE current = 1"), 1);
	ck_assert_int_eq(scalar(path, "SELECT count(*) FROM answer"), 2);
	definition_free(def);
	participant_free(p);
	testutil_rmtree(dir);
}
END_TEST

/* The same checks through a file, so they can be read back with SQL. */
START_TEST(test_db_answer_current_is_latest_trusted_valid)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = g_build_filename(dir, "t.db", NULL);
	struct db *db = db_open(path, NULL);
	struct definition *def = test_definition((const char *const[]){
	    "Q1", NULL });
	struct participant *p = participant_new();
	struct db_answer_row a = { 0 };
	static const struct {
		const char *answer, *trust, *error;
	} steps[] = {
		{ "first", "token", NULL },
		{ "second", "token", NULL },
		{ "forged by From", "from", NULL },
		{ "invalid", "token", "bad" },
		{ "forged again", "from", NULL },
	};
	int64_t cid, pid;
	bool created;
	size_t i;

	ck_assert(db_consultation_store(db, def, 1, &cid, &created, NULL));
	p->email = g_strdup("a@example.org");
	p->email_key = g_strdup("a@example.org");
	ck_assert(db_begin(db, NULL));
	ck_assert(db_participant_upsert(db, cid, p, 1, &created, NULL));
	ck_assert_int_eq(db_participant_find(db, cid, "a@example.org", &pid,
	    NULL), 1);
	for (i = 0; i < G_N_ELEMENTS(steps); i++) {
		a.participant_id = pid;
		a.consultation_id = cid;
		a.question = "Q1";
		a.source = "mail";
		a.answered_at = (int64_t)i;
		a.answer = steps[i].answer;
		a.trust = steps[i].trust;
		a.error = steps[i].error;
		ck_assert(db_answer_add(db, &a, NULL));
	}
	ck_assert(db_commit(db, NULL));
	db_close(db);
	ck_assert_int_eq(scalar(path, "SELECT count(*) FROM answer"), 5);
	ck_assert_int_eq(scalar(path, "SELECT count(*) FROM answer"
	    " WHERE current = 1"), 1);
	ck_assert_int_eq(scalar(path, "SELECT answer = 'second' FROM answer"
	    " WHERE current = 1"), 1);
	definition_free(def);
	participant_free(p);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_db_message_seen_by_id_or_hash)
{
	struct db *db = db_open(":memory:", NULL);
	struct db_message_row row = { 0 };
	g_autofree char *spool = NULL;
	int64_t mid;

	row.message_id = "abc@x";
	row.content_hash = "h1";
	row.spool_file = "inbox/cur/f:2,S";
	row.kind = "unrelated";
	row.status = "unmatched";
	row.received_at = 1;
	ck_assert_int_eq(db_message_seen(db, "abc@x", "h0", NULL, NULL), 0);
	ck_assert(db_message_add(db, &row, &mid, NULL));
	ck_assert_int_eq(db_message_seen(db, "abc@x", "other", &spool, NULL),
	    2);
	ck_assert_str_eq(spool, "inbox/cur/f:2,S");
	ck_assert_int_eq(db_message_seen(db, "new@x", "h1", NULL, NULL), 1);
	ck_assert_int_eq(db_message_seen(db, NULL, "h1", NULL, NULL), 1);
	ck_assert_int_eq(db_message_seen(db, NULL, "h2", NULL, NULL), 0);
	/* The unique keys hold even if a caller forgets to look first. */
	ck_assert(!db_message_add(db, &row, &mid, NULL));
	db_close(db);
}
END_TEST

Suite *db_suite(void);

Suite *
db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_add_test(tc, test_db_open_migrates_and_is_idempotent);
	tcase_add_test(tc, test_db_refuses_newer_schema);
	tcase_add_test(tc, test_db_unwritable_path_is_ioerr);
	tcase_add_test(tc, test_db_reload_keeps_answers_and_refuses_removal);
	tcase_add_test(tc, test_db_removing_unanswered_question_is_allowed);
	tcase_add_test(tc, test_db_from_only_answer_fills_gap_but_never_replaces);
	tcase_add_test(tc, test_db_answer_current_is_latest_trusted_valid);
	tcase_add_test(tc, test_db_message_seen_by_id_or_hash);
	suite_add_tcase(s, tc);
	return s;
}
