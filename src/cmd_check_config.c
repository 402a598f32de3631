/* SPDX-License-Identifier: MIT */
/*
 * consultd check-config: reads the configuration, then logs in to the
 * IMAP and SMTP servers it names and says plainly what works and what
 * does not.  Nothing is written or sent: neither the database nor the
 * spool is touched.
 */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "consultd.h"
#include "fetch.h"
#include "outbox.h"

#include "banned.h"

int
cmd_check_config(const struct cli_opts *opts, int argc, char **argv)
{
	g_autofree char *path = NULL;
	g_autofree char *imap = NULL;
	g_autofree char *smtp = NULL;
	struct config *cfg = NULL;
	GError *err = NULL;
	int status = 0, code;

	(void)argv;
	if (argc != 1)
		return cli_usage("check-config");
	path = config_find(opts->config_path, &err);
	if (path)
		cfg = config_load(path, &err);
	if (!cfg)
		return cli_fail(err);
	printf("config: ok: %s\n", cfg->path);
	fflush(stdout);
	imap = fetch_check(&cfg->imap, &err);
	if (imap)
		printf("imap: %s\n", imap);
	else {
		printf("imap: FAILED\n");
		fflush(stdout);
		g_prefix_error(&err, "imap: ");
		status = cli_fail(err);
		err = NULL;
	}
	smtp = outbox_check(cfg, &err);
	if (smtp)
		printf("smtp: %s\n", smtp);
	else {
		printf("smtp: FAILED\n");
		fflush(stdout);
		g_prefix_error(&err, "smtp: ");
		/* Both are reported; the first failure sets the exit code. */
		code = cli_fail(err);
		if (!status)
			status = code;
	}
	config_free(cfg);
	return status;
}
