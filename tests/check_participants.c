/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_participant.h"
#include "definition.h"
#include "participants.h"
#include "testutil.h"

Suite *participants_suite(void);

struct fixture {
	char *dir;
	struct db *db;
	int64_t cid;
};

static void
fixture_init(struct fixture *f)
{
	struct definition *def = definition_new();
	struct question *q = question_new();
	bool created;

	f->dir = testutil_tmpdir();
	f->db = db_open(":memory:", NULL);
	def->name = g_strdup("c");
	def->title = g_strdup("C");
	def->reply_address = g_strdup("consult@example.org");
	q->id = g_strdup("Q1");
	q->prompt = g_strdup("?");
	g_ptr_array_add(def->questions, q);
	ck_assert(db_consultation_store(f->db, def, 1, &f->cid, &created,
	    NULL));
	definition_free(def);
}

static void
fixture_release(struct fixture *f)
{
	db_close(f->db);
	testutil_rmtree(f->dir);
	g_free(f->dir);
}

static bool
import_text(struct fixture *f, const char *csv, bool skip,
    struct participants_result *res, GError **err)
{
	g_autofree char *path = testutil_write(f->dir, "p.csv", csv);

	return participants_import(f->db, f->cid, path, skip, 100, res, err);
}

static GPtrArray *
people(struct fixture *f)
{
	GPtrArray *p = db_participant_list(f->db, f->cid, false, NULL);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* Files that import; count and a check on the first participant. */
static const struct {
	const char *csv;
	unsigned count;
	const char *email, *name, *group, *bpfs, *attr;
} good_cases[] = {
	{ "email,name\na@example.org,Ann\n", 1, "a@example.org", "Ann", NULL,
	  "", NULL },
	/* BOM, semicolons, CRLF: a European Excel export. */
	{ "\xef\xbb\xbf" "Email;Name;Stakeholder group\r\n"
	  "a@example.org;\"Lef\xc3\xa8vre; Anne\";Government\r\n", 1,
	  "a@example.org", "Lef\xc3\xa8vre; Anne", "Government", "", NULL },
	/* Embedded newline in a quoted field, an unknown column kept. */
	{ "email,name,country\na@example.org,\"Ann\nSmith\",Ghana\n", 1,
	  "a@example.org", "Ann\nSmith", NULL, "", "country=Ghana" },
	/* Several BPFs, blank ones dropped. */
	{ "email,bpf\na@example.org,\"Cybersecurity; IPv6;;\"\n", 1,
	  "a@example.org", NULL, NULL, "Cybersecurity;IPv6", NULL },
	/* Duplicates merged, domain case-insensitive, gaps filled. */
	{ "email,name,role\na@Example.ORG,,expert\nA@example.org,Ann,\n", 1,
	  "a@example.org", "Ann", NULL, "", NULL },
	/* Scripts of the six UN languages. */
	{ "email,name\nz@example.org,\xe5\x91\xa8\xe6\x99\x93\xe5\xb2\x9a\n",
	  1, "z@example.org", "\xe5\x91\xa8\xe6\x99\x93\xe5\xb2\x9a", NULL, "",
	  NULL },
	/* A blank first line: the header is the first row. */
	{ "\nemail,name\na@example.org,Ann\n", 1, "a@example.org", "Ann",
	  NULL, "", NULL },
	/* Blank lines are skipped. */
	{ "email\n\na@example.org\n\nb@example.org\n", 2, "a@example.org",
	  NULL, NULL, "", NULL },
};

START_TEST(test_participants_import_good_files)
{
	struct fixture f;
	struct participants_result res;
	g_autoptr(GPtrArray) list = NULL;
	const struct participant *p;
	GString *bpfs = g_string_new(NULL);
	GError *err = NULL;
	size_t i;

	fixture_init(&f);
	participants_result_init(&res);
	ck_assert_msg(import_text(&f, good_cases[_i].csv, false, &res, &err),
	    "%s", err ? err->message : "");
	list = people(&f);
	ck_assert_uint_eq(list->len, good_cases[_i].count);
	p = list->pdata[0];
	ck_assert_str_eq(p->email, good_cases[_i].email);
	if (good_cases[_i].name)
		ck_assert_str_eq(p->name, good_cases[_i].name);
	if (good_cases[_i].group)
		ck_assert_str_eq(p->stakeholder_group, good_cases[_i].group);
	for (i = 0; i < p->bpfs->len; i++)
		g_string_append_printf(bpfs, "%s%s", i ? ";" : "",
		    (char *)p->bpfs->pdata[i]);
	ck_assert_str_eq(bpfs->str, good_cases[_i].bpfs);
	g_string_free(bpfs, TRUE);
	participants_result_release(&res);
	fixture_release(&f);
}
END_TEST

/* Files that import nothing: the error and the reported lines. */
static const struct {
	const char *csv;
	const char *expect;	/* in the error or a problem line */
	unsigned problems;
} bad_cases[] = {
	{ "name,role\nAnn,x\n", "no 'email' column", 0 },
	{ "email,name\nnot-an-address,Ann\nb@example.org,Bob\n",
	  "line 2: 'not-an-address' is not a valid", 1 },
	{ "email\na@example.org\n\"broken@example.org\n", "line 3", 0 },
	{ "email,name\na@example.org,Ann\n,Nobody\nx@y\n",
	  "line 3: the email is empty", 2 },
	{ "email,name\na@example.org,\xff\xfe" "bad\n",
	  "not valid UTF-8", 1 },
	{ "email,name\na@example.org,Ann,extra\n", "3 fields", 1 },
	{ "email,Email\na@example.org,b@example.org\n", "appears twice", 0 },
	{ "", "empty", 0 },
	{ "email\n\"a@example.org\r\nBcc: x@evil.example\"\n",
	  "not a valid", 1 },
};

START_TEST(test_participants_import_bad_files_import_nothing)
{
	struct fixture f;
	struct participants_result res;
	g_autoptr(GPtrArray) list = NULL;
	GString *all = g_string_new(NULL);
	GError *err = NULL;
	size_t i;

	fixture_init(&f);
	participants_result_init(&res);
	ck_assert(!import_text(&f, bad_cases[_i].csv, false, &res, &err));
	ck_assert_int_eq(err->code, EX_DATAERR);
	g_string_append(all, err->message);
	for (i = 0; i < res.problems->len; i++)
		g_string_append_printf(all, "\n%s",
		    (char *)res.problems->pdata[i]);
	ck_assert_msg(strstr(all->str, bad_cases[_i].expect) != NULL,
	    "'%s' not in: %s", bad_cases[_i].expect, all->str);
	ck_assert_uint_eq(res.problems->len, bad_cases[_i].problems);
	list = people(&f);
	ck_assert_uint_eq(list->len, 0);
	g_error_free(err);
	g_string_free(all, TRUE);
	participants_result_release(&res);
	fixture_release(&f);
}
END_TEST

START_TEST(test_participants_skip_invalid_imports_the_rest)
{
	struct fixture f;
	struct participants_result res;
	g_autoptr(GPtrArray) list = NULL;

	fixture_init(&f);
	participants_result_init(&res);
	ck_assert(import_text(&f, "email\nbad\nb@example.org\nc@\n", true,
	    &res, NULL));
	ck_assert_int_eq(res.skipped, 2);
	ck_assert_int_eq(res.created, 1);
	list = people(&f);
	ck_assert_uint_eq(list->len, 1);
	participants_result_release(&res);
	fixture_release(&f);
}
END_TEST

START_TEST(test_participants_reimport_updates_never_duplicates)
{
	struct fixture f;
	struct participants_result res;
	g_autoptr(GPtrArray) list = NULL;
	const struct participant *p;

	fixture_init(&f);
	participants_result_init(&res);
	ck_assert(import_text(&f, "email,name,bpf\na@example.org,Ann,IPv6\n",
	    false, &res, NULL));
	participants_result_release(&res);
	participants_result_init(&res);
	ck_assert(import_text(&f, "email,name,bpf,role\n"
	    "A@EXAMPLE.org,Ann Smith,Spam,expert\nb@example.org,,,\n", false,
	    &res, NULL));
	ck_assert_int_eq(res.created, 1);
	ck_assert_int_eq(res.updated, 1);
	list = people(&f);
	ck_assert_uint_eq(list->len, 2);
	p = list->pdata[0];
	ck_assert_str_eq(p->name, "Ann Smith");
	ck_assert_str_eq(p->role, "expert");
	ck_assert_uint_eq(p->bpfs->len, 2);
	participants_result_release(&res);
	fixture_release(&f);
}
END_TEST

START_TEST(test_participants_missing_file_is_noinput)
{
	struct fixture f;
	struct participants_result res;
	GError *err = NULL;

	fixture_init(&f);
	participants_result_init(&res);
	ck_assert(!participants_import(f.db, f.cid, "/nonexistent.csv", false,
	    1, &res, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_error_free(err);
	participants_result_release(&res);
	fixture_release(&f);
}
END_TEST

START_TEST(test_participants_shipped_demo_list_imports)
{
	g_autofree char *path = g_build_filename(testutil_top(), "tests",
	    "fixtures", "demo", "participants.csv", NULL);
	struct fixture f;
	struct participants_result res;
	g_autoptr(GPtrArray) list = NULL;
	GError *err = NULL;

	fixture_init(&f);
	participants_result_init(&res);
	ck_assert_msg(participants_import(f.db, f.cid, path, false, 1, &res,
	    &err), "%s", err ? err->message : "");
	list = people(&f);
	ck_assert_uint_eq(list->len, 12);
	participants_result_release(&res);
	fixture_release(&f);
}
END_TEST

Suite *
participants_suite(void)
{
	Suite *s = suite_create("participants");
	TCase *tc = tcase_create("participants");

	tcase_add_loop_test(tc, test_participants_import_good_files, 0,
	    G_N_ELEMENTS(good_cases));
	tcase_add_loop_test(tc, test_participants_import_bad_files_import_nothing,
	    0, G_N_ELEMENTS(bad_cases));
	tcase_add_test(tc, test_participants_skip_invalid_imports_the_rest);
	tcase_add_test(tc, test_participants_reimport_updates_never_duplicates);
	tcase_add_test(tc, test_participants_missing_file_is_noinput);
	tcase_add_test(tc, test_participants_shipped_demo_list_imports);
	suite_add_tcase(s, tc);
	return s;
}
