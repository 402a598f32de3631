/* SPDX-License-Identifier: MIT */
/* consultd status [NAME] [--json]. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "status.h"
#include "workspace.h"

#include "banned.h"

int
cmd_status(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	g_autoptr(GString) out = g_string_new(NULL);
	struct workspace ws;
	GError *err = NULL;
	bool json = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage("status");
		json = true;
	}
	if (argc - optind > 1)
		return cli_usage("status");
	if (!cli_open(opts, &ws, &status))
		return status;
	if (status_render(ws.db, argc > optind ? argv[optind] : NULL, json,
	    cli_now(), out, &err)) {
		fputs(out->str, stdout);
		status = 0;
	} else
		status = cli_fail(err);
	workspace_close(&ws);
	return status;
}
