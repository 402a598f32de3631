/* SPDX-License-Identifier: MIT */
/* consultd invite NAME [--dry-run]: queue and send new invitations. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "invite.h"
#include "workspace.h"

#include "banned.h"

int
cmd_invite(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct invite_result res;
	struct workspace ws;
	GError *err = NULL;
	bool dry_run = false;
	int c, status;
	size_t i;

	while ((c = getopt_long(argc, argv, "n", longopts, NULL)) != -1) {
		if (c != 'n')
			return cli_usage("invite");
		dry_run = true;
	}
	if (argc - optind != 1)
		return cli_usage("invite");
	if (!cli_open(opts, &ws, &status))
		return status;
	invite_result_init(&res);
	if (!invite_run(ws.db, ws.cfg, argv[optind], dry_run, cli_now(), &res,
	    &err)) {
		status = cli_fail(err);
		goto out;
	}
	if (dry_run) {
		for (i = 0; i < res.would_invite->len; i++)
			printf("would invite %s\n",
			    (char *)res.would_invite->pdata[i]);
		printf("%u participant(s) would be invited\n",
		    res.would_invite->len);
	} else
		printf("invited %lld participant(s); %lld message(s) sent\n",
		    (long long)res.queued, (long long)res.sent);
	status = 0;
out:
	invite_result_release(&res);
	workspace_close(&ws);
	return status;
}
