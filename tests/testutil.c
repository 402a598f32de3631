/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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
