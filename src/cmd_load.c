/* SPDX-License-Identifier: MIT */
/* consultd load DIR|NAME: load or update a consultation definition. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "db_consultation.h"
#include "definition.h"
#include "workspace.h"

#include "banned.h"

/*
 * DIR as given when it is a folder or a path; a bare NAME is looked up
 * under [consultd] templates, then among the installed ones.
 */
static char *
cmd_load_resolve(const struct config *cfg, const char *arg)
{
	char *dir;

	if (g_file_test(arg, G_FILE_TEST_IS_DIR) || strchr(arg, '/'))
		return g_strdup(arg);
	dir = g_build_filename(cfg->templates, arg, NULL);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return dir;
	g_free(dir);
	return g_build_filename(CONSULTD_DATADIR, "templates", arg, NULL);
}

int
cmd_load(const struct cli_opts *opts, int argc, char **argv)
{
	struct workspace ws;
	struct definition *def = NULL;
	g_autofree char *dir = NULL;
	GError *err = NULL;
	int64_t cid;
	bool created;
	int status;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("load");
	if (!cli_open(opts, &ws, &status))
		return status;
	dir = cmd_load_resolve(ws.cfg, argv[1]);
	def = definition_read(dir, &err);
	if (!def || !db_consultation_store(ws.db, def, cli_now(), &cid,
	    &created, &err)) {
		status = cli_fail(err);
		goto out;
	}
	printf("%s consultation '%s': %u questions\n",
	    created ? "loaded" : "updated", def->name, def->questions->len);
	status = 0;
out:
	definition_free(def);
	workspace_close(&ws);
	return status;
}
