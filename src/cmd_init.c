/* SPDX-License-Identifier: MIT */
/* consultd init [DIR]: make a workspace, or migrate its database. */
#include <stdio.h>

#include "cli.h"
#include "db.h"
#include "workspace.h"

#include "banned.h"

int
cmd_init(const struct cli_opts *opts, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	GError *err = NULL;
	bool created;

	(void)opts;
	if (argc > 2 || (argc > 1 && argv[1][0] == '-'))
		return cli_usage("init");
	if (!workspace_init(dir, &created, &err))
		return cli_fail(err);
	printf("%s workspace in %s (schema version %d)\n",
	    created ? "made" : "checked", dir, db_schema_version());
	if (created)
		printf("next: cd %s && consultd load DIR\n", dir);
	return 0;
}
