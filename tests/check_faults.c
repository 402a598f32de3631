/* SPDX-License-Identifier: MIT */
/*
 * Faults of the machine rather than of the mail: the disk filling up
 * under the database and the spool.  consultd must stop with EX_TEMPFAIL
 * and a clear message, lose and half-file nothing, and file everything
 * exactly once when space returns.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mount.h>
#include <unistd.h>

#include "testutil.h"

Suite *faults_suite(void);



/* Fills the file system holding dir, leaving about `left` bytes. */
static char *
fill(const char *dir, size_t left)
{
	char *path = g_build_filename(dir, "filler", NULL);
	char block[4096];
	FILE *fp = fopen(path, "w");
	size_t written = 0;

	ck_assert_ptr_nonnull(fp);
	memset(block, 'x', sizeof(block));
	while (fwrite(block, 1, sizeof(block), fp) == sizeof(block))
		written += sizeof(block);
	fclose(fp);
	/* Give back a little: enough to start, not enough to file. */
	ck_assert_int_eq(truncate(path, (off_t)(written > left ?
	    written - left : 0)), 0);
	return path;
}

#define REPLIES 40

/* A small tmpfs, mounted and unmounted by the parent around the test. */
static char *faults_top;
static char *faults_dir;
static char *faults_why;

static void
faults_mount(void)
{
	faults_top = g_dir_make_tmp("consultd-faults-XXXXXX", NULL);
	faults_dir = g_build_filename(faults_top, "ws", NULL);
	if (g_mkdir(faults_dir, 0755) != 0 ||
	    mount("tmpfs", faults_dir, "tmpfs", 0, "size=3m") != 0)
		faults_why = g_strdup(g_strerror(errno));
}

static void
faults_umount(void)
{
	umount2(faults_dir, MNT_DETACH);
	testutil_rmtree(faults_top);
	g_clear_pointer(&faults_top, g_free);
	g_clear_pointer(&faults_dir, g_free);
	g_clear_pointer(&faults_why, g_free);
}

START_TEST(test_faults_disk_full_then_space_returns)
{
	const char *dir = faults_dir;
	g_autofree char *def = NULL;
	g_autofree char *filler = NULL;
	g_autofree char *err = NULL;
	g_autofree char *newdir = NULL;
	unsigned filed;
	int status, i;

	ck_assert_msg(!faults_why, "cannot mount a small tmpfs for the test "
	    "(run as root): %s", faults_why);
	def = g_build_filename(dir, "def", NULL);
	ck_assert_int_eq(g_mkdir(def, 0755), 0);
	g_free(testutil_write(def, "consultation.ini", "[consultation]\n"
	    "title = T\nreply_address = consult@example.org\n"
	    "[Q1]\nkind = text\nprompt = Anything?\n"));
	g_free(testutil_write(def, "invitation.txt",
	    "Subject: T\n\n{{questions}}\n"));
	g_free(testutil_write(dir, "p.csv", "email\na@example.org\n"));
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "init",
	    ".", NULL }, NULL, NULL), 0);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "load",
	    "def", NULL }, NULL, NULL), 0);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "import",
	    "def", "p.csv", NULL }, NULL, NULL), 0);
	newdir = g_build_filename(dir, "spool", "inbox", "new", NULL);
	for (i = 0; i < REPLIES; i++) {
		g_autofree char *name = g_strdup_printf("%d.M%dP1.t",
		    1000000 + i, i);
		g_autofree char *text = g_strdup_printf("From: "
		    "a@example.org\nSubject: Re\nMessage-ID: <f%d@example.org>"
		    "\n\n[Q1] %d padding padding padding padding\n", i, i);

		g_free(testutil_write(newdir, name, text));
	}
	filler = fill(dir, 8 * 1024);
	status = testutil_run(dir, (const char *const[]){ "fetch", NULL },
	    NULL, &err);
	ck_assert_msg(status == 75, "fetch on a full disk: exit %d, %s",
	    status, err);
	ck_assert_msg(strstr(err, "full") != NULL, "unclear: %s", err);
	/* Nothing lost: every message is in new/ or, filed, in cur/. */
	filed = testutil_count_files(dir, "spool/inbox/cur");
	ck_assert_int_eq(testutil_count_files(dir, "spool/inbox/new") + filed,
	    REPLIES);
	/* Space returns (a reader needs room for the WAL index too). */
	ck_assert_int_eq(unlink(filler), 0);
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(*) FROM message"), filed);
	ck_assert_int_eq(testutil_db_int(dir, "SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	ck_assert_int_eq(testutil_run(dir, (const char *const[]){ "fetch",
	    NULL }, NULL, NULL), 0);
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(*) FROM message"), REPLIES);
	ck_assert_int_eq(testutil_db_int(dir,
	    "SELECT count(DISTINCT message_id) FROM"
	    " message"), REPLIES);
	ck_assert_int_eq(testutil_count_files(dir, "spool/inbox/new"), 0);
	testutil_report("disk-full", "exit=75 filed_while_full=%u "
	    "filed_after=%d lost=0 duplicated=0 integrity=ok", filed,
	    REPLIES);
}
END_TEST

Suite *
faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("disk");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, faults_mount, faults_umount);
	tcase_add_test(tc, test_faults_disk_full_then_space_returns);
	suite_add_tcase(s, tc);
	return s;
}
