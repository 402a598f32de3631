/* SPDX-License-Identifier: MIT */
/*
 * .eml files as the outgoing mail of the embedded default.  Each is
 * written unnamed and linked into spool/outbox/ whole, or else under a
 * temporary name in spool/tmp/ and renamed, so that nothing but finished
 * messages ever appears in spool/outbox/ (SPEC section 8).
 */
#include "emlout.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "consultd.h"
#include "spool.h"

#include "banned.h"

#define EMLOUT_STALE (36 * 3600)

static char *
emlout_name(int64_t id, const char *kind)
{
	return g_strdup_printf("%08lld-%s.eml", (long long)id, kind);
}

bool
emlout_write(const char *spool, int64_t id, const char *kind,
    const char *content, size_t len, GError **err)
{
	g_autofree char *name = emlout_name(id, kind);
	g_autofree char *tmpdir = g_build_filename(spool, "tmp", NULL);
	g_autofree char *path = g_build_filename(spool, "outbox", name, NULL);

	if (!spool_write_atomic_nosync(tmpdir, path, content, len, err)) {
		g_prefix_error(err, "cannot write outgoing message: ");
		return false;
	}
	return true;
}

bool
emlout_commit(const char *spool, GError **err)
{
	g_autofree char *dir = g_build_filename(spool, "outbox", NULL);

	return spool_sync_all(dir, err);
}

void
emlout_clean_tmp(const char *spool)
{
	time_t now = time(NULL);
	g_autofree char *tmp = g_build_filename(spool, "tmp", NULL);
	GDir *dir = g_dir_open(tmp, 0, NULL);
	const char *name;
	struct stat st;

	while (dir && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *path = g_build_filename(tmp, name, NULL);

		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime < now - EMLOUT_STALE)
			(void)unlink(path);
	}
	if (dir)
		g_dir_close(dir);
}
