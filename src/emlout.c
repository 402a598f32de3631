/* SPDX-License-Identifier: MIT */
/*
 * .eml files as the outgoing mail of the embedded default.  The temporary
 * file lives in spool/tmp/ so that nothing but finished messages ever
 * appears in spool/outbox/ (SPEC section 8).
 */
#include "emlout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "consultd.h"
#include "spool.h"

#include "banned.h"

#define EMLOUT_STAGED "receipt."
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

char *
emlout_stage(const char *spool, unsigned seq, const char *content,
    size_t len, GError **err)
{
	char *name = g_strdup_printf(EMLOUT_STAGED "%d.%u", (int)getpid(),
	    seq);
	g_autofree char *path = g_build_filename(spool, "tmp", name, NULL);

	if (!spool_write_new(path, content, len, err)) {
		g_prefix_error(err, "cannot write outgoing message: ");
		g_free(name);
		return NULL;
	}
	return name;
}

bool
emlout_publish(const char *spool, const char *staged, int64_t id,
    const char *kind, GError **err)
{
	g_autofree char *name = emlout_name(id, kind);
	g_autofree char *from = g_build_filename(spool, "tmp", staged, NULL);
	g_autofree char *to = g_build_filename(spool, "outbox", name, NULL);

	if (rename(from, to) != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR, "cannot move "
		    "outgoing message '%s' into place: %s", to,
		    g_strerror(errno));
		return false;
	}
	return true;
}

void
emlout_unstage(const char *spool, const char *staged)
{
	g_autofree char *path = g_build_filename(spool, "tmp", staged, NULL);

	(void)unlink(path);
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

		if (g_str_has_prefix(name, EMLOUT_STAGED) ||
		    (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime < now - EMLOUT_STALE))
			(void)unlink(path);
	}
	if (dir)
		g_dir_close(dir);
}
