/* SPDX-License-Identifier: MIT */
/*
 * .eml files as the outgoing mail of the embedded default.  The temporary
 * file lives in spool/tmp/ so that nothing but finished messages ever
 * appears in spool/outbox/ (SPEC section 8).
 */
#include "emlout.h"

#include "consultd.h"
#include "spool.h"

#include "banned.h"

bool
emlout_write(const char *spool, int64_t id, const char *kind,
    const char *content, size_t len, GError **err)
{
	g_autofree char *name = g_strdup_printf("%08lld-%s.eml",
	    (long long)id, kind);
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
