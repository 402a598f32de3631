/* SPDX-License-Identifier: MIT */
/*
 * consultd check-config: reads the configuration, then logs in to the
 * IMAP server it names and says plainly what works and what does not.
 * Nothing is written: neither the database nor the spool is touched.
 */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "consultd.h"
#include "fetch.h"

#include "banned.h"

int
cmd_check_config(const struct cli_opts *opts, int argc, char **argv)
{
	g_autofree char *path = NULL;
	g_autofree char *imap = NULL;
	struct config *cfg = NULL;
	GError *err = NULL;
	int status = 0;

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
	}
	if (!cfg->smtp.url)
		printf("smtp: not configured: outgoing mail is written to "
		    "spool/outbox as .eml files\n");
	else
		printf("smtp: not checked: this consultd cannot check SMTP "
		    "yet\n");
	config_free(cfg);
	return status;
}
