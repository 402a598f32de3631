/* SPDX-License-Identifier: MIT */
/* consultd report NAME [--format md|html] [--anonymous] [-o FILE]. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "consultd.h"
#include "report.h"
#include "workspace.h"

#include "banned.h"

/* Writes text to path through a temporary file, so a failure keeps the old. */
static bool
cmd_report_write(const char *path, const GString *text, GError **err)
{
	g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
	FILE *fp = fopen(tmp, "w");
	bool ok;

	if (!fp) {
		g_set_error(err, CONSULTD_ERROR, EX_CANTCREAT,
		    "cannot write '%s': %s", tmp, g_strerror(errno));
		return false;
	}
	ok = fwrite(text->str, 1, text->len, fp) == text->len;
	if (fclose(fp) != 0)
		ok = false;
	if (!ok)
		g_set_error(err, CONSULTD_ERROR, EX_IOERR, "cannot write '%s': "
		    "%s", tmp, g_strerror(errno));
	else if (rename(tmp, path) != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot rename '%s' to '%s': %s", tmp, path,
		    g_strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	return ok;
}

int
cmd_report(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "anonymous", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	g_autoptr(GString) out = g_string_new(NULL);
	enum report_format format = REPORT_MARKDOWN;
	const char *output = NULL;
	struct workspace ws;
	GError *err = NULL;
	bool anonymous = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "f:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "md") == 0 ||
			    strcmp(optarg, "markdown") == 0)
				format = REPORT_MARKDOWN;
			else if (strcmp(optarg, "html") == 0)
				format = REPORT_HTML;
			else
				return cli_usage("report");
			break;
		case 'a':
			anonymous = true;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			return cli_usage("report");
		}
	}
	if (argc - optind != 1)
		return cli_usage("report");
	if (!cli_open(opts, &ws, &status))
		return status;
	if (!report_render(ws.db, argv[optind], format, anonymous, cli_now(),
	    out, &err) || (output && !cmd_report_write(output, out, &err)))
		status = cli_fail(err);
	else {
		if (!output)
			fwrite(out->str, 1, out->len, stdout);
		status = 0;
	}
	workspace_close(&ws);
	return status;
}
