/* SPDX-License-Identifier: MIT */
/* consultd run: the daemon. */
#include "cli.h"
#include "config.h"
#include "daemon.h"

#include "banned.h"

int
cmd_run(const struct cli_opts *opts, int argc, char **argv)
{
	g_autofree char *path = NULL;
	GError *err = NULL;

	(void)argv;
	if (argc != 1)
		return cli_usage("run");
	path = config_find(opts->config_path, &err);
	if (!path || !daemon_run(path, &err))
		return cli_fail(err);
	return 0;
}
