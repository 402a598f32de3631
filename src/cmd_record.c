/* SPDX-License-Identifier: MIT */
/* consultd record NAME --for EMAIL [--by WHO] FILE: interview notes. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "consultd.h"
#include "record.h"
#include "spool.h"
#include "workspace.h"

#include "banned.h"

/* Who records: --by, else the user who ran sudo, else the user. */
static char *
cmd_record_who(const char *by)
{
	const char *sudo = g_getenv("SUDO_USER");
	struct passwd *pw;

	if (by)
		return g_strdup(by);
	if (sudo && *sudo)
		return g_strdup(sudo);
	pw = getpwuid(getuid());
	return g_strdup(pw ? pw->pw_name : "unknown");
}

int
cmd_record(const struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *email = NULL, *by = NULL;
	g_autofree char *text = NULL;
	g_autofree char *who = NULL;
	struct workspace ws;
	GError *err = NULL;
	int64_t count = 0;
	size_t len;
	int c, status;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'f')
			email = optarg;
		else if (c == 'b')
			by = optarg;
		else
			return cli_usage("record");
	}
	if (argc - optind != 2 || !email)
		return cli_usage("record");
	text = spool_read(argv[optind + 1], CONSULTD_MAX_MESSAGE_SIZE, &len,
	    &err);
	if (!text)
		return cli_fail(err);
	if (!cli_open(opts, &ws, &status))
		return status;
	who = cmd_record_who(by);
	if (record_answers(ws.db, argv[optind], email, text, who, cli_now(),
	    &count, &err)) {
		if (count)
			printf("recorded %lld answer(s) for %s, by %s\n",
			    (long long)count, email, who);
		else
			printf("nothing recorded for %s: these answers were "
			    "recorded before\n", email);
		status = 0;
	} else
		status = cli_fail(err);
	workspace_close(&ws);
	return status;
}
