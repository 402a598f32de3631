/* SPDX-License-Identifier: MIT */
/* consultd sections REPORT.md: feedback questions from a report. */
#include <stdio.h>

#include "cli.h"
#include "consultd.h"
#include "sections.h"
#include "spool.h"

#include "banned.h"

int
cmd_sections(const struct cli_opts *opts, int argc, char **argv)
{
	g_autofree char *text = NULL;
	g_autofree char *ini = NULL;
	GError *err = NULL;
	size_t len;

	(void)opts;
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("sections");
	text = spool_read(argv[1], CONSULTD_MAX_MESSAGE_SIZE, &len, &err);
	if (!text)
		return cli_fail(err);
	if (!g_utf8_validate(text, (gssize)len, NULL)) {
		g_set_error(&err, CONSULTD_ERROR, EX_DATAERR,
		    "'%s' is not UTF-8 text", argv[1]);
		return cli_fail(err);
	}
	ini = sections_from_markdown(text);
	fputs(ini, stdout);
	return 0;
}
