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

char *
emlout_file_name(const char *message_id)
{
	GString *name = g_string_new(NULL);
	const char *p;

	for (p = message_id; *p; p++)
		g_string_append_c(name, (g_ascii_isalnum(*p) ||
		    *p == '.' || *p == '@' || *p == '-' || *p == '_' ||
		    *p == '+') && !(p == message_id && *p == '.') ? *p : '_');
	g_string_append(name, ".eml");
	return g_string_free(name, FALSE);
}

bool
emlout_send(const char *spool, const char *message_id, const char *content,
    size_t len, GError **err)
{
	g_autofree char *name = emlout_file_name(message_id);
	g_autofree char *tmpdir = g_build_filename(spool, "tmp", NULL);
	g_autofree char *path = g_build_filename(spool, "outbox", name, NULL);

	if (!spool_write_atomic(tmpdir, path, content, len, err)) {
		g_prefix_error(err, "cannot write outgoing message: ");
		return false;
	}
	return true;
}
