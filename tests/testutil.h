/* SPDX-License-Identifier: MIT */
/* Helpers shared by the test suites: temporary folders and files. */
#ifndef CONSULTD_TESTUTIL_H
#define CONSULTD_TESTUTIL_H

#include <glib.h>
#include <stdbool.h>

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

/*
 * Renders html with headless Chromium (tests/browser/render.sh), saving
 * NAME.html, NAME.png and NAME.dom.html under test-output/ beside the
 * binary under test; returns the rendered DOM, newly allocated.  Fails
 * the test when Chromium cannot render.
 */
char *testutil_render(const char *html, const char *name);

#endif
