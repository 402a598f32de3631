/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "consultd.h"
#include "emlout.h"
#include "spool.h"
#include "testutil.h"

START_TEST(test_spool_deliver_mark_filed_and_list_order)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *inbox = g_build_filename(dir, "inbox", NULL);
	g_autofree char *a = NULL, *b = NULL, *moved = NULL;
	g_autofree char *data = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GPtrArray) tmp = NULL;
	size_t len;

	ck_assert(spool_init(dir, NULL));
	ck_assert(spool_init(dir, NULL));	/* idempotent */
	ck_assert(spool_deliver(inbox, "one\0two", 7, &a, NULL));
	ck_assert(spool_deliver(inbox, "three", 5, &b, NULL));
	ck_assert_str_ne(a, b);
	names = spool_list(inbox, "new", NULL);
	ck_assert_uint_eq(names->len, 2);
	ck_assert_str_eq(names->pdata[0], a);
	tmp = spool_list(inbox, "tmp", NULL);
	ck_assert_uint_eq(tmp->len, 0);
	moved = spool_mark_filed(inbox, a, NULL);
	ck_assert(spool_sync(inbox, "cur", NULL));
	ck_assert(g_str_has_suffix(moved, ":2,S"));
	data = spool_read(moved, 100, &len, NULL);
	ck_assert_uint_eq(len, 7);
	ck_assert_mem_eq(data, "one\0two", 7);	/* NUL bytes survive */
	ck_assert(spool_discard(inbox, b, NULL));
	g_ptr_array_unref(names);
	names = spool_list(inbox, "new", NULL);
	ck_assert_uint_eq(names->len, 0);
	testutil_rmtree(dir);
}
END_TEST

/*
 * Files copied in with shared syncs: each arrives whole in new/, and a
 * path that cannot be opened delivers none of the call's files and
 * leaves nothing in tmp/.
 */
START_TEST(test_spool_deliver_files_together)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *inbox = g_build_filename(dir, "inbox", NULL);
	g_autofree char *src = g_build_filename(dir, "src", NULL);
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GPtrArray) tmp = NULL;
	GError *err = NULL;
	unsigned seen[150] = { 0 };
	size_t i, len;

	ck_assert(spool_init(dir, NULL));
	ck_assert_int_eq(mkdir(src, 0700), 0);
	for (i = 0; i < 150; i++) {
		g_autofree char *name = g_strdup_printf("%zu.eml", i);
		g_autofree char *text = g_strdup_printf("message %zu\n", i);

		g_ptr_array_add(paths, testutil_write(src, name, text));
	}
	ck_assert(spool_deliver_files(inbox, (const char *const *)
	    paths->pdata, paths->len, NULL));
	names = spool_list(inbox, "new", NULL);
	ck_assert_uint_eq(names->len, 150);
	for (i = 0; i < names->len; i++) {
		g_autofree char *path = g_build_filename(inbox, "new",
		    names->pdata[i], NULL);
		g_autofree char *data = spool_read(path, 100, &len, NULL);
		unsigned n;

		ck_assert_ptr_nonnull(data);
		ck_assert_int_eq(sscanf(data, "message %u", &n), 1);
		ck_assert_uint_lt(n, 150);
		seen[n]++;
	}
	for (i = 0; i < 150; i++)
		ck_assert_uint_eq(seen[i], 1);
	/* One missing in the middle: nothing of this call is delivered. */
	g_free(paths->pdata[7]);
	paths->pdata[7] = g_build_filename(src, "missing.eml", NULL);
	ck_assert(!spool_deliver_files(inbox, (const char *const *)
	    paths->pdata, 20, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	ck_assert(strstr(err->message, "missing.eml") != NULL);
	g_clear_error(&err);
	g_ptr_array_unref(names);
	names = spool_list(inbox, "new", NULL);
	ck_assert_uint_eq(names->len, 150);
	tmp = spool_list(inbox, "tmp", NULL);
	ck_assert_uint_eq(tmp->len, 0);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_spool_read_limits_and_errors)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *f = testutil_write(dir, "m.eml", "0123456789");
	GError *err = NULL;
	size_t len;

	ck_assert_ptr_null(spool_read(f, 9, &len, &err));
	ck_assert_int_eq(err->code, EX_DATAERR);
	g_clear_error(&err);
	ck_assert_ptr_null(spool_read("/nonexistent", 9, &len, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_clear_error(&err);
	ck_assert_ptr_null(spool_read(dir, 9, &len, &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_clear_error(&err);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_spool_write_atomic_replaces_whole_file)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = NULL;
	g_autofree char *tmpdir = NULL;
	g_autofree char *data = NULL;
	g_autoptr(GPtrArray) left = NULL;
	size_t len;

	ck_assert(spool_init(dir, NULL));
	path = g_build_filename(dir, "outbox", "x.eml", NULL);
	tmpdir = g_build_filename(dir, "tmp", NULL);
	ck_assert(spool_write_atomic(tmpdir, path, "first version", 13, NULL));
	ck_assert(spool_write_atomic(tmpdir, path, "second", 6, NULL));
	data = spool_read(path, 100, &len, NULL);
	ck_assert_uint_eq(len, 6);
	ck_assert_mem_eq(data, "second", 6);
	left = spool_list(dir, "tmp", NULL);
	ck_assert_uint_eq(left->len, 0);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_spool_unwritable_folder_fails_cleanly)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *inbox = g_build_filename(dir, "inbox", NULL);
	g_autofree char *newdir = NULL;
	GError *err = NULL;

	ck_assert(spool_init(dir, NULL));
	/* tmp/ missing: nothing may appear in new/. */
	newdir = g_build_filename(inbox, "tmp", NULL);
	ck_assert_int_eq(rmdir(newdir), 0);
	ck_assert(!spool_deliver(inbox, "x", 1, NULL, &err));
	ck_assert_int_eq(err->code, EX_IOERR);
	ck_assert(strstr(err->message, "cannot create") != NULL);
	g_clear_error(&err);
	testutil_rmtree(dir);
}
END_TEST

/*
 * .eml files appear whole under their row's name, and a second write of
 * the same row (a resend after a crash) replaces the first; nothing is
 * left in spool/tmp.  Temporary files left by killed writes go once
 * 36 hours old, never a newer one that another flush may be writing.
 */
START_TEST(test_spool_eml_files_and_stale_tmp)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *tmp = g_build_filename(dir, "tmp", NULL);
	g_autofree char *old = NULL, *fresh = NULL, *sent = NULL;
	g_autofree char *data = NULL;
	g_autoptr(GError) err = NULL;
	struct utimbuf aged = { .actime = time(NULL) - 37 * 3600,
	    .modtime = time(NULL) - 37 * 3600 };
	struct utimbuf recent = { .actime = time(NULL) - 35 * 3600,
	    .modtime = time(NULL) - 35 * 3600 };
	gsize len;

	ck_assert(spool_init(dir, &err));
	ck_assert(emlout_write(dir, 42, "acknowledgement", "a\r\n", 3, &err));
	ck_assert(emlout_write(dir, 42, "acknowledgement", "bb\r\n", 4,
	    &err));
	/* The same again, as after a crash before it was marked sent. */
	ck_assert(emlout_write(dir, 42, "acknowledgement", "bb\r\n", 4,
	    &err));
	ck_assert(emlout_commit(dir, &err));
	sent = g_build_filename(dir, "outbox", "00000042-acknowledgement.eml",
	    NULL);
	ck_assert(g_file_get_contents(sent, &data, &len, NULL));
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(data, "bb\r\n", 4);
	ck_assert_uint_eq(testutil_count_files(dir, "outbox"), 1);
	ck_assert_uint_eq(testutil_count_files(dir, "tmp"), 0);
	old = testutil_write(tmp, "1.M1P1.old", "x");
	fresh = testutil_write(tmp, "1.M2P1.fresh", "y");
	ck_assert_int_eq(utime(old, &aged), 0);
	ck_assert_int_eq(utime(fresh, &recent), 0);
	emlout_clean_tmp(dir);
	ck_assert_uint_eq(testutil_count_files(dir, "tmp"), 1);
	ck_assert(g_file_test(fresh, G_FILE_TEST_EXISTS));
	testutil_rmtree(dir);
}
END_TEST

Suite *spool_suite(void);

Suite *
spool_suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");

	tcase_add_test(tc, test_spool_deliver_mark_filed_and_list_order);
	tcase_add_test(tc, test_spool_deliver_files_together);
	tcase_add_test(tc, test_spool_read_limits_and_errors);
	tcase_add_test(tc, test_spool_write_atomic_replaces_whole_file);
	tcase_add_test(tc, test_spool_unwritable_folder_fails_cleanly);
	tcase_add_test(tc, test_spool_eml_files_and_stale_tmp);
	suite_add_tcase(s, tc);
	return s;
}
