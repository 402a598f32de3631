/* SPDX-License-Identifier: MIT */
/* Helpers shared by the test suites: temporary folders and files. */
#ifndef CONSULTD_TESTUTIL_H
#define CONSULTD_TESTUTIL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* A new temporary folder (removed by testutil_rmtree), newly allocated. */
char *testutil_tmpdir(void);

/* Removes path and everything below it. */
void testutil_rmtree(const char *path);

/* Writes text to dir/name; returns the path, newly allocated. */
char *testutil_write(const char *dir, const char *name, const char *text);

/* The top of the source tree (tests run from there). */
const char *testutil_top(void);

/*
 * Runs the consultd binary (CONSULTD_BIN) with args in dir; returns its
 * exit status; *out_out and *err_out (may be NULL) get its output.
 */
int testutil_run(const char *dir, const char *const *args, char **out_out,
    char **err_out);

/* Runs the consultd binary like testutil_run; fails unless it exits 0. */
void testutil_run_ok(const char *dir, const char *const *args);

/*
 * Sends pid SIGTERM and waits up to seconds for it: its exit status, 128
 * + the signal that ended it, or -1 when it had to be killed.
 */
int testutil_stop(GPid pid, unsigned seconds);

struct workspace;

/* The number of entries in dir/sub; fails the test if there is no such
 * folder. */
unsigned testutil_count_files(const char *dir, const char *sub);

/*
 * The first column of the first row of sql on dir/consultd.db, read by a
 * connection of its own; -1 when there is no row.
 */
int64_t testutil_db_int(const char *dir, const char *sql);

/* dir/consultd.db on a connection of its own (5 s busy timeout). */
struct sqlite3 *testutil_db_open(const char *dir);

/* sql prepared on db, with up to two text parameters (NULL: none). */
struct sqlite3_stmt *testutil_db_prepare(struct sqlite3 *db, const char *sql,
    const char *arg, const char *arg2);

/*
 * Makes a workspace in dir (which must exist) and opens it into ws: the
 * shipped bpf-on-bpfs consultation loaded at load_at, the demo's twelve
 * participants imported, and invited at invite_at on the embedded
 * default.  The caller has called mime_init().  Returns the number of
 * invitations sent; *cid_out gets the consultation's id.
 */
int64_t testutil_demo_workspace(struct workspace *ws, const char *dir,
    int64_t load_at, int64_t invite_at, int64_t *cid_out);

/*
 * Renders html with headless Chromium (tests/browser/render.sh), saving
 * NAME.html, NAME.png and NAME.dom.html under test-output/ beside the
 * binary under test; returns the rendered DOM, newly allocated.  Fails
 * the test when Chromium cannot render.
 */
char *testutil_render(const char *html, const char *name);

/*
 * The reliability suites run short in `make check` and long in `make
 * reliability` (CONSULTD_RELIABILITY=full): the count a test uses.
 */
unsigned testutil_scale(unsigned short_count, unsigned full_count);

/*
 * Prints one result line of a reliability test to stderr, as
 * "reliability: NAME: key=value ...", and appends it to the file
 * $CONSULTD_RELIABILITY_LOG when that is set (make reliability collects
 * them into its report).
 */
void testutil_report(const char *name, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

#endif
