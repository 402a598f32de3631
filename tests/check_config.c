/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "consultd.h"
#include "testutil.h"

Suite *config_suite(void);

START_TEST(test_config_default_text_loads_with_defaults)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = testutil_write(dir, "consultd.conf",
	    config_default_text());
	g_autofree char *db = g_build_filename(dir, "consultd.db", NULL);
	g_autofree char *spool = g_build_filename(dir, "spool", NULL);
	GError *err = NULL;
	struct config *cfg = config_load(path, &err);

	ck_assert_msg(cfg != NULL, "%s", err ? err->message : "");
	/* Relative paths are resolved against the config's folder. */
	ck_assert_str_eq(cfg->database, db);
	ck_assert_str_eq(cfg->spool, spool);
	ck_assert_ptr_null(cfg->imap.url);
	ck_assert_ptr_null(cfg->smtp.url);
	ck_assert_int_eq(cfg->imap.poll_interval, 300);
	ck_assert_int_eq(cfg->imap.max_message_size, 25 * 1024 * 1024);
	ck_assert_str_eq(cfg->imap.after_fetch, "flag");
	config_free(cfg);
	testutil_rmtree(dir);
}
END_TEST

static const struct {
	const char *text;
	const char *expect;	/* NULL: valid */
} cases[] = {
	{ "[imap]\nurl = imaps://mail.example.org/INBOX\n"
	  "poll_interval = 5m\nmax_message_size = 10M\n", NULL },
	{ "[imap]\nafter_fetch = move:Filed\n", NULL },
	{ "[imap]\nafter_fetch = move:\n", "move:FOLDER" },
	{ "[imap]\ntls = sometimes\n", "'required' or 'none'" },
	{ "[imap]\npoll_interval = -5\n", "not a duration" },
	{ "[imap]\nmax_message_size = 25X\n", "not a size" },
	{ "[imap]\nmax_message_size = 0\n", "minimum" },
	{ "[imap]\npoll_interval = 0\n", "minimum" },
	{ "[consultd]\ndatabase = /abs/x.db\n", NULL },
	{ "[consultd]\nfoo = 1\n", "[consultd] foo: unknown key" },
	{ "[nosuch]\nkey = 1\n", "[nosuch] key: unknown key" },
	{ "this is not an ini file\n", "cannot read configuration" },
};

START_TEST(test_config_table)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = testutil_write(dir, "c.conf", cases[_i].text);
	GError *err = NULL;
	struct config *cfg = config_load(path, &err);

	if (!cases[_i].expect) {
		ck_assert_msg(cfg != NULL, "%s", err ? err->message : "");
	} else {
		ck_assert_ptr_null(cfg);
		ck_assert_int_eq(err->code, EX_CONFIG);
		ck_assert_msg(strstr(err->message, cases[_i].expect) != NULL,
		    "'%s' not in: %s", cases[_i].expect, err->message);
		g_error_free(err);
	}
	config_free(cfg);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_config_all_errors_reported_together)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = testutil_write(dir, "c.conf",
	    "[imap]\ntls = x\npoll_interval = y\nbogus = z\n");
	GError *err = NULL;

	ck_assert_ptr_null(config_load(path, &err));
	ck_assert(strstr(err->message, "tls") != NULL);
	ck_assert(strstr(err->message, "poll_interval") != NULL);
	ck_assert(strstr(err->message, "bogus") != NULL);
	g_error_free(err);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_config_find_order)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *old = g_get_current_dir();
	g_autofree char *local = testutil_write(dir, "consultd.conf", "");
	char *found;
	GError *err = NULL;

	g_setenv("CONSULTD_CONFIG", "/from/env.conf", TRUE);
	found = config_find("/from/flag.conf", NULL);
	ck_assert_str_eq(found, "/from/flag.conf");
	g_free(found);
	found = config_find(NULL, NULL);
	ck_assert_str_eq(found, "/from/env.conf");
	g_free(found);
	g_unsetenv("CONSULTD_CONFIG");
	ck_assert_int_eq(chdir(dir), 0);
	found = config_find(NULL, NULL);
	ck_assert_str_eq(found, "consultd.conf");
	g_free(found);
	ck_assert_int_eq(unlink(local), 0);
	found = config_find(NULL, &err);
	if (!g_file_test("/etc/consultd/consultd.conf", G_FILE_TEST_EXISTS)) {
		ck_assert_ptr_null(found);
		ck_assert_int_eq(err->code, EX_CONFIG);
		ck_assert(strstr(err->message, "consultd init") != NULL);
		g_error_free(err);
	}
	g_free(found);
	ck_assert_int_eq(chdir(old), 0);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_config_missing_file_is_noinput)
{
	GError *err = NULL;

	ck_assert_ptr_null(config_load("/nonexistent/consultd.conf", &err));
	ck_assert_int_eq(err->code, EX_NOINPUT);
	g_error_free(err);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_config_default_text_loads_with_defaults);
	tcase_add_loop_test(tc, test_config_table, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_config_all_errors_reported_together);
	tcase_add_test(tc, test_config_find_order);
	tcase_add_test(tc, test_config_missing_file_is_noinput);
	suite_add_tcase(s, tc);
	return s;
}
