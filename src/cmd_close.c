/* SPDX-License-Identifier: MIT */
/* consultd close NAME: no more reminders; later replies filed as late. */
#include <stdio.h>

#include "cli.h"
#include "db_consultation.h"
#include "definition.h"
#include "workspace.h"

#include "banned.h"

int
cmd_close(const struct cli_opts *opts, int argc, char **argv)
{
	struct definition *def;
	struct workspace ws;
	GError *err = NULL;
	int64_t cid;
	int status, r;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("close");
	if (!cli_open(opts, &ws, &status))
		return status;
	def = db_consultation_load(ws.db, argv[1], &cid, &err);
	if (!def) {
		status = cli_fail(err);
		goto out;
	}
	r = db_consultation_close(ws.db, argv[1], cli_now(), &err);
	if (r < 0)
		status = cli_fail(err);
	else {
		printf(r ? "closed '%s': no more reminders; replies from "
		    "now on are filed as late and told so\n" :
		    "'%s' was closed already\n", argv[1]);
		status = 0;
	}
	definition_free(def);
out:
	workspace_close(&ws);
	return status;
}
