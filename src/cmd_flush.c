/* SPDX-License-Identifier: MIT */
/* consultd flush: send what waits in the outbox. */
#include <stdio.h>

#include "cli.h"
#include "outbox.h"
#include "workspace.h"

#include "banned.h"

int
cmd_flush(const struct cli_opts *opts, int argc, char **argv)
{
	struct outbox_result res;
	struct workspace ws;
	GError *err = NULL;
	int status;

	(void)argv;
	if (argc != 1)
		return cli_usage("flush");
	if (!cli_open(opts, &ws, &status))
		return status;
	if (outbox_flush(ws.db, ws.cfg, cli_now(), &res, &err)) {
		printf("sent %lld message(s)\n", (long long)res.sent);
		status = 0;
	} else
		status = cli_fail(err);
	workspace_close(&ws);
	return status;
}
