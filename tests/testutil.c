/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db_consultation.h"
#include "definition.h"
#include "invite.h"
#include "participants.h"
#include "workspace.h"

char *
testutil_tmpdir(void)
{
	char *dir = g_dir_make_tmp("consultd-test-XXXXXX", NULL);

	ck_assert_ptr_nonnull(dir);
	return dir;
}

void
testutil_rmtree(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d)) != NULL) {
			g_autofree char *p = g_build_filename(path, name, NULL);

			if (g_file_test(p, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
				testutil_rmtree(p);
			else
				unlink(p);
		}
		g_dir_close(d);
	}
	rmdir(path);
}

char *
testutil_write(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);

	ck_assert(g_file_set_contents(path, text, -1, NULL));
	return path;
}

const char *
testutil_top(void)
{
	static char *top;

	/* Absolute, since the binary runs in other folders. */
	if (!top)
		top = g_canonicalize_filename(g_getenv("CONSULTD_TOP") ?
		    g_getenv("CONSULTD_TOP") : ".", NULL);
	return top;
}

int
testutil_run(const char *dir, const char *const *args, char **out_out,
    char **err_out)
{
	const char *bin = g_getenv("CONSULTD_BIN");
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) err = NULL;
	char *out = NULL, *errs = NULL;
	int status = -1;
	size_t i;

	ck_assert_msg(bin != NULL, "CONSULTD_BIN is not set (run make check)");
	g_ptr_array_add(argv, (void *)(uintptr_t)bin);
	for (i = 0; args[i]; i++)
		g_ptr_array_add(argv, (void *)(uintptr_t)args[i]);
	g_ptr_array_add(argv, NULL);
	ck_assert_msg(g_spawn_sync(dir, (char **)argv->pdata, NULL, 0, NULL,
	    NULL, &out, &errs, &status, &err), "spawn: %s",
	    err ? err->message : "?");
	if (out_out)
		*out_out = out;
	else
		g_free(out);
	if (err_out)
		*err_out = errs;
	else
		g_free(errs);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status);
}

void
testutil_run_ok(const char *dir, const char *const *args)
{
	g_autofree char *err = NULL;
	int status = testutil_run(dir, args, NULL, &err);

	ck_assert_msg(status == 0, "consultd %s: exit %d: %s", args[0],
	    status, err);
}

int
testutil_stop(GPid pid, unsigned seconds)
{
	int status = -1;
	unsigned i;

	kill(pid, SIGTERM);
	/* A hang guard, not a speed test. */
	for (i = 0; i < seconds * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status);
		g_usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* test-output/ beside the binary under test (build/, build-san/). */
static char *
testutil_output_dir(void)
{
	const char *bin = g_getenv("CONSULTD_BIN");
	g_autofree char *top = NULL;
	char *dir;

	ck_assert_msg(bin != NULL, "CONSULTD_BIN is not set (run make check)");
	top = g_path_get_dirname(bin);
	dir = g_build_filename(top, "test-output", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	return dir;
}

char *
testutil_render(const char *html, const char *name)
{
	g_autofree char *out = testutil_output_dir();
	g_autofree char *file = g_strconcat(name, ".html", NULL);
	g_autofree char *png_name = g_strconcat(name, ".png", NULL);
	g_autofree char *dom_name = g_strconcat(name, ".dom.html", NULL);
	g_autofree char *path = testutil_write(out, file, html);
	g_autofree char *png = g_build_filename(out, png_name, NULL);
	g_autofree char *dom = g_build_filename(out, dom_name, NULL);
	g_autofree char *script = g_build_filename(testutil_top(), "tests",
	    "browser", "render.sh", NULL);
	g_autofree char *errs = NULL;
	g_autoptr(GError) err = NULL;
	const char *argv[] = { "sh", script, path, png, dom, NULL };
	char *text = NULL;
	int status = -1;

	ck_assert_msg(g_spawn_sync(NULL, (char **)(uintptr_t)argv, NULL,
	    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
	    &errs, &status, &err), "cannot run %s: %s", script,
	    err ? err->message : "?");
	ck_assert_msg(g_spawn_check_wait_status(status, NULL),
	    "headless Chromium could not render %s:\n%s", path, errs);
	ck_assert(g_file_test(png, G_FILE_TEST_IS_REGULAR));
	ck_assert(g_file_get_contents(dom, &text, NULL, NULL));
	return text;
}

unsigned
testutil_count_files(const char *dir, const char *sub)
{
	g_autofree char *path = g_build_filename(dir, sub, NULL);
	GDir *d = g_dir_open(path, 0, NULL);
	unsigned n = 0;

	ck_assert_msg(d != NULL, "no folder %s", path);
	while (g_dir_read_name(d))
		n++;
	g_dir_close(d);
	return n;
}

sqlite3 *
testutil_db_open(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);
	sqlite3 *db = NULL;

	ck_assert_msg(sqlite3_open(path, &db) == SQLITE_OK, "cannot open %s",
	    path);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

sqlite3_stmt *
testutil_db_prepare(sqlite3 *db, const char *sql, const char *arg,
    const char *arg2)
{
	sqlite3_stmt *st;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	if (arg2)
		sqlite3_bind_text(st, 2, arg2, -1, SQLITE_TRANSIENT);
	return st;
}

int64_t
testutil_db_int(const char *dir, const char *sql)
{
	g_autofree char *path = g_build_filename(dir, "consultd.db", NULL);
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int64_t
testutil_demo_workspace(struct workspace *ws, const char *dir,
    int64_t load_at, int64_t invite_at, int64_t *cid_out)
{
	g_autofree char *conf = g_build_filename(dir, "consultd.conf", NULL);
	g_autofree char *tdir = g_build_filename(testutil_top(), "templates",
	    "bpf-on-bpfs", NULL);
	g_autofree char *csv = g_build_filename(testutil_top(), "tests",
	    "fixtures", "demo", "participants.csv", NULL);
	struct participants_result pres;
	struct invite_result ires;
	struct definition *def;
	GError *err = NULL;
	int64_t sent;
	bool created;

	ck_assert(workspace_init(dir, &created, NULL));
	ck_assert(workspace_open(ws, conf, NULL));
	def = definition_read(tdir, &err);
	ck_assert_msg(def != NULL, "%s", err ? err->message : "");
	ck_assert(db_consultation_store(ws->db, def, load_at, cid_out,
	    &created, NULL));
	definition_free(def);
	participants_result_init(&pres);
	ck_assert(participants_import(ws->db, *cid_out, csv, false, load_at,
	    &pres, NULL));
	participants_result_release(&pres);
	invite_result_init(&ires);
	ck_assert_msg(invite_run(ws->db, ws->cfg, "bpf-on-bpfs", false,
	    invite_at, &ires, &err), "%s", err ? err->message : "");
	sent = ires.sent;
	invite_result_release(&ires);
	return sent;
}

unsigned
testutil_scale(unsigned short_count, unsigned full_count)
{
	return g_strcmp0(g_getenv("CONSULTD_RELIABILITY"), "full") == 0 ?
	    full_count : short_count;
}

void
testutil_report(const char *name, const char *fmt, ...)
{
	const char *log = g_getenv("CONSULTD_RELIABILITY_LOG");
	g_autofree char *text = NULL;
	g_autofree char *line = NULL;
	va_list ap;
	FILE *fp;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	line = g_strdup_printf("reliability: %s: %s\n", name, text);
	fputs(line, stderr);
	/* Appends of one short line are whole even from forked tests. */
	if (log && (fp = fopen(log, "a")) != NULL) {
		fputs(line, fp);
		fclose(fp);
	}
}
