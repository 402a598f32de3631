/* SPDX-License-Identifier: MIT */
/* Opening and making workspaces: config, spool and database together. */
#include "workspace.h"

#include <errno.h>

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "spool.h"

#include "banned.h"

bool
workspace_open(struct workspace *ws, const char *config_path, GError **err)
{
	g_autofree char *path = config_find(config_path, err);

	*ws = (struct workspace){ 0 };
	if (!path)
		return false;
	ws->cfg = config_load(path, err);
	if (!ws->cfg)
		return false;
	if (!spool_init(ws->cfg->spool, err))
		goto fail;
	ws->db = db_open(ws->cfg->database, err);
	if (!ws->db)
		goto fail;
	return true;
fail:
	workspace_close(ws);
	return false;
}

void
workspace_close(struct workspace *ws)
{
	g_clear_pointer(&ws->db, db_close);
	g_clear_pointer(&ws->cfg, config_free);
}

bool
workspace_init(const char *dir, bool *created_out, GError **err)
{
	g_autofree char *conf = g_build_filename(dir, "consultd.conf", NULL);
	g_autoptr(GError) ferr = NULL;
	struct workspace ws;
	bool ok;

	*created_out = false;
	if (g_mkdir_with_parents(dir, 0750) != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot create workspace '%s': %s", dir,
		    g_strerror(errno));
		return false;
	}
	if (!g_file_test(conf, G_FILE_TEST_EXISTS)) {
		if (!g_file_set_contents(conf, config_default_text(), -1,
		    &ferr)) {
			g_set_error(err, CONSULTD_ERROR, EX_IOERR,
			    "cannot write '%s': %s", conf, ferr->message);
			return false;
		}
		*created_out = true;
	}
	ok = workspace_open(&ws, conf, err);
	workspace_close(&ws);
	return ok;
}
