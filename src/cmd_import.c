/* SPDX-License-Identifier: MIT */
/* consultd import NAME FILE.csv [--skip-invalid]: participants from CSV. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "db_consultation.h"
#include "definition.h"
#include "participants.h"
#include "workspace.h"

#include "banned.h"

static void
cmd_import_problems(const struct participants_result *res)
{
	size_t i;

	for (i = 0; i < res->problems->len; i++)
		fprintf(stderr, "  %s\n", (char *)res->problems->pdata[i]);
}

int
cmd_import(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "skip-invalid", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct participants_result res;
	struct definition *def = NULL;
	struct workspace ws;
	GError *err = NULL;
	bool skip = false;
	int64_t cid;
	int c, status;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 's')
			return cli_usage("import");
		skip = true;
	}
	if (argc - optind != 2)
		return cli_usage("import");
	if (!cli_open(opts, &ws, &status))
		return status;
	participants_result_init(&res);
	def = db_consultation_load(ws.db, argv[optind], &cid, &err);
	if (!def || !participants_import(ws.db, cid, argv[optind + 1], skip,
	    cli_now(), &res, &err)) {
		cmd_import_problems(&res);
		status = cli_fail(err);
		goto out;
	}
	if (res.skipped) {
		fprintf(stderr, "consultd: skipped %lld invalid row(s):\n",
		    (long long)res.skipped);
		cmd_import_problems(&res);
	}
	printf("imported %lld row(s) into '%s': %lld new, %lld updated, "
	    "%lld merged duplicate(s), %lld skipped\n", (long long)res.rows,
	    argv[optind], (long long)res.created, (long long)res.updated,
	    (long long)res.merged, (long long)res.skipped);
	status = 0;
out:
	participants_result_release(&res);
	definition_free(def);
	workspace_close(&ws);
	return status;
}
