/* SPDX-License-Identifier: MIT */
/* consultd digest [NAME] [--dry-run] [--to ADDRESS]. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "digest.h"
#include "workspace.h"

#include "banned.h"

int
cmd_digest(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct digest_result res;
	struct workspace ws;
	const char *to = NULL;
	GError *err = NULL;
	bool dry_run = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "nt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dry_run = true;
			break;
		case 't':
			to = optarg;
			break;
		default:
			return cli_usage("digest");
		}
	}
	if (argc - optind > 1)
		return cli_usage("digest");
	if (!cli_open(opts, &ws, &status))
		return status;
	digest_result_init(&res);
	if (!digest_run(ws.db, ws.cfg, argc > optind ? argv[optind] : NULL, to,
	    dry_run, cli_now(), &res, &err)) {
		status = cli_fail(err);
		goto out;
	}
	if (dry_run)
		fwrite(res.output->str, 1, res.output->len, stdout);
	else
		printf("%lld digest(s) queued as %lld message(s); %lld "
		    "message(s) sent\n", (long long)res.digests,
		    (long long)res.queued, (long long)res.sent);
	status = 0;
out:
	digest_result_release(&res);
	workspace_close(&ws);
	return status;
}
