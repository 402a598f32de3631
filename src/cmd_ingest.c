/* SPDX-License-Identifier: MIT */
/*
 * consultd fetch / ingest PATH...: file new mail.  fetch reads [imap] url,
 * or without one the spool Maildir; ingest first copies the given files
 * there.
 */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "consultd.h"
#include "fetch.h"
#include "command.h"
#include "ingest.h"
#include "outbox.h"
#include "workspace.h"

#include "banned.h"

static void
cmd_ingest_summary(const struct ingest_result *r)
{
	printf("filed %lld message(s): %lld repl%s with answers, %lld "
	    "without markers, %lld auto-repl%s, %lld bounce(s), %lld "
	    "unrelated; %lld answer(s), %lld invalid; %lld duplicate(s) "
	    "set aside\n", (long long)r->filed, (long long)r->replies,
	    r->replies == 1 ? "y" : "ies", (long long)r->unstructured,
	    (long long)r->auto_replies, r->auto_replies == 1 ? "y" : "ies",
	    (long long)r->bounces, (long long)r->unrelated,
	    (long long)r->answers, (long long)r->invalid,
	    (long long)r->duplicates);
}

static int
cmd_ingest_run(const struct cli_opts *opts, const char *const *paths)
{
	struct ingest_result res = { 0 };
	struct outbox_result sent;
	struct workspace ws;
	GError *err = NULL;
	bool ok;
	int status;

	if (!cli_open(opts, &ws, &status))
		return status;
	if (paths)
		ok = ingest_paths(ws.db, ws.cfg, paths, cli_now(), &res, &err);
	else
		ok = fetch_run(ws.db, ws.cfg, cli_now(), &res, &err);
	cmd_ingest_summary(&res);
	/* Coordinators' commands run once their message is filed. */
	if (ok && !command_run_pending(ws.db, ws.cfg, cli_now(), &err))
		ok = false;
	/* Receipts were queued with the filing: send them now. */
	if (ok && outbox_flush(ws.db, ws.cfg, cli_now(), &sent, &err)) {
		if (sent.sent + res.sent)
			printf("sent %lld message(s)\n",
			    (long long)(sent.sent + res.sent));
	} else if (err)
		ok = false;
	status = ok ? 0 : cli_fail(err);
	workspace_close(&ws);
	return status;
}

int
cmd_fetch(const struct cli_opts *opts, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cli_usage("fetch");
	return cmd_ingest_run(opts, NULL);
}

int
cmd_ingest(const struct cli_opts *opts, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage("ingest");
	return cmd_ingest_run(opts, (const char *const *)argv + 1);
}
