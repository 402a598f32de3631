/* SPDX-License-Identifier: MIT */
/* consultd remind NAME [--dry-run]: a reminder campaign. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "remind.h"
#include "workspace.h"

#include "banned.h"

int
cmd_remind(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct remind_result res;
	struct workspace ws;
	GError *err = NULL;
	bool dry_run = false;
	int c, status;
	size_t i;

	while ((c = getopt_long(argc, argv, "n", longopts, NULL)) != -1) {
		if (c != 'n')
			return cli_usage("remind");
		dry_run = true;
	}
	if (argc - optind != 1)
		return cli_usage("remind");
	if (!cli_open(opts, &ws, &status))
		return status;
	remind_result_init(&res);
	if (!remind_run(ws.db, ws.cfg, argv[optind], dry_run, cli_now(), &res,
	    &err)) {
		status = cli_fail(err);
		goto out;
	}
	for (i = 0; i < res.lines->len; i++) {
		const struct remind_line *l = res.lines->pdata[i];

		if (l->reason)
			printf("skip    %s: %s\n", l->email, l->reason);
		else
			printf("%s %s\n", dry_run ? "would remind" : "remind  ",
			    l->email);
	}
	printf("%s %lld participant(s), %lld not reminded%s\n",
	    dry_run ? "would remind" : "reminded", (long long)res.reminded,
	    (long long)res.skipped, dry_run ? " (dry run: nothing sent)" : "");
	status = 0;
out:
	remind_result_release(&res);
	workspace_close(&ws);
	return status;
}
