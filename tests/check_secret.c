/* SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>
#include <sys/stat.h>

#include "consultd.h"
#include "secret.h"
#include "testutil.h"

Suite *secret_suite(void);

static const struct {
	const char *content;
	unsigned mode;
	const char *expect;	/* the secret, or a part of the error */
	bool ok;
} cases[] = {
	{ "s3cret-password\n", 0600, "s3cret-password", true },
	{ "with spaces inside\r\nsecond line\n", 0400, "with spaces inside",
	  true },
	{ "s3cret\n", 0640, "chmod 600", false },
	{ "s3cret\n", 0604, "chmod 600", false },
	{ "\n", 0600, "is empty", false },
};

START_TEST(test_secret_file_table)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = testutil_write(dir, "pw", cases[_i].content);
	GError *err = NULL;
	char *s;

	ck_assert_int_eq(chmod(path, cases[_i].mode), 0);
	s = secret_read(path, NULL, "the IMAP password", &err);
	if (cases[_i].ok) {
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, cases[_i].expect);
	} else {
		ck_assert_ptr_null(s);
		ck_assert_int_eq(err->code, EX_CONFIG);
		ck_assert(strstr(err->message, cases[_i].expect) != NULL);
		/* The error names the file, never the secret. */
		ck_assert(strstr(err->message, "s3cret") == NULL);
		g_error_free(err);
	}
	secret_free(s);
	testutil_rmtree(dir);
}
END_TEST

START_TEST(test_secret_from_systemd_credential)
{
	g_autofree char *dir = testutil_tmpdir();
	g_autofree char *path = testutil_write(dir, "smtp-password", "cred\n");
	GError *err = NULL;
	char *s;

	ck_assert_int_eq(chmod(path, 0600), 0);
	g_setenv("CREDENTIALS_DIRECTORY", dir, TRUE);
	s = secret_read(NULL, "smtp-password", "the SMTP password", &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "cred");
	secret_free(s);
	ck_assert_ptr_null(secret_read(NULL, "imap-password",
	    "the IMAP password", &err));
	ck_assert_int_eq(err->code, EX_CONFIG);
	g_clear_error(&err);
	/*
	 * systemd makes a credential 0400 and lets the service user read it
	 * through an ACL, whose mask stat shows in the group bits: 0440.
	 * Others may still never read it.
	 */
	ck_assert_int_eq(chmod(path, 0440), 0);
	s = secret_read(NULL, "smtp-password", "the SMTP password", &err);
	ck_assert_msg(s != NULL, "%s", err ? err->message : "");
	secret_free(s);
	ck_assert_int_eq(chmod(path, 0444), 0);
	ck_assert_ptr_null(secret_read(NULL, "smtp-password",
	    "the SMTP password", &err));
	ck_assert_int_eq(err->code, EX_CONFIG);
	ck_assert(strstr(err->message, "mode 0444") != NULL);
	/* Its mount is read-only: the advice is about its source. */
	ck_assert(strstr(err->message, "LoadCredential=") != NULL);
	ck_assert(strstr(err->message, "chmod") == NULL);
	g_clear_error(&err);
	ck_assert_int_eq(chmod(path, 0600), 0);
	g_unsetenv("CREDENTIALS_DIRECTORY");
	ck_assert_ptr_null(secret_read(NULL, "smtp-password",
	    "the SMTP password", &err));
	ck_assert(strstr(err->message, "not configured") != NULL);
	g_clear_error(&err);
	ck_assert_ptr_null(secret_read(dir, NULL, "x", &err));
	ck_assert(strstr(err->message, "not a regular file") != NULL);
	g_clear_error(&err);
	testutil_rmtree(dir);
}
END_TEST

Suite *
secret_suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc = tcase_create("secret");

	tcase_add_loop_test(tc, test_secret_file_table, 0,
	    G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_secret_from_systemd_credential);
	suite_add_tcase(s, tc);
	return s;
}
