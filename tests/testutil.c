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
