/* SPDX-License-Identifier: MIT */
/* consultd export NAME [--format wide|long] [--excel] [-o FILE]. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "consultd.h"
#include "export.h"
#include "workspace.h"

#include "banned.h"

int
cmd_export(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "excel", no_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	enum export_format format = EXPORT_WIDE;
	const char *output = NULL;
	g_autofree char *tmp = NULL;
	struct workspace ws = { 0 };
	GError *err = NULL;
	bool excel = false;
	FILE *fp = stdout;
	int c, status;

	while ((c = getopt_long(argc, argv, "f:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "wide") == 0)
				format = EXPORT_WIDE;
			else if (strcmp(optarg, "long") == 0)
				format = EXPORT_LONG;
			else
				return cli_usage("export");
			break;
		case 'x':
			excel = true;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			return cli_usage("export");
		}
	}
	if (argc - optind != 1)
		return cli_usage("export");
	if (!cli_open(opts, &ws, &status))
		return status;
	/* A failed export never replaces a good file: write, then rename. */
	if (output) {
		tmp = g_strconcat(output, ".tmp", NULL);
		fp = fopen(tmp, "w");
		if (!fp) {
			g_set_error(&err, CONSULTD_ERROR, EX_CANTCREAT,
			    "cannot write '%s': %s", tmp, g_strerror(errno));
			status = cli_fail(err);
			goto out;
		}
	}
	status = export_csv(ws.db, argv[optind], format, excel, fp, &err) ?
	    0 : cli_fail(err);
	if (output) {
		if (fclose(fp) != 0 && status == 0) {
			g_set_error(&err, CONSULTD_ERROR, EX_IOERR,
			    "cannot write '%s': %s", tmp, g_strerror(errno));
			status = cli_fail(err);
		}
		if (status == 0 && rename(tmp, output) != 0) {
			g_set_error(&err, CONSULTD_ERROR, EX_IOERR,
			    "cannot rename '%s' to '%s': %s", tmp, output,
			    g_strerror(errno));
			status = cli_fail(err);
		}
		if (status != 0)
			unlink(tmp);
	}
out:
	workspace_close(&ws);
	return status;
}
