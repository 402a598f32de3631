/* SPDX-License-Identifier: MIT */
/*
 * Entry: global options, then one command from the table, like git.c.
 * Only this level prints errors and chooses the exit status.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consultd.h"
#include "log.h"
#include "mime.h"
#include "workspace.h"

#include "banned.h"

struct cli_cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *args;
	const char *help;
};

static const struct cli_cmd cli_cmds[] = {
	{ "init", cmd_init, "[DIR]",
	    "make a workspace, or migrate its database" },
	{ "load", cmd_load, "DIR|NAME",
	    "load or update a consultation definition" },
	{ "import", cmd_import, "NAME FILE.csv [--skip-invalid]",
	    "import participants from CSV" },
	{ "invite", cmd_invite, "NAME [--dry-run]",
	    "queue and send invitations not yet sent" },
	{ "remind", cmd_remind, "NAME [--dry-run]",
	    "remind those without a complete reply (policy applies)" },
	{ "record", cmd_record, "NAME --for EMAIL [--by WHO] FILE",
	    "file interview notes on a participant's behalf" },
	{ "sections", cmd_sections, "REPORT.md",
	    "feedback questions ([S1]...) from a report's headings" },
	{ "close", cmd_close, "NAME",
	    "end a consultation: later replies are late and told so" },
	{ "fetch", cmd_fetch, "",
	    "fetch new mail ([imap] url or spool/inbox) and file it" },
	{ "ingest", cmd_ingest, "PATH...",
	    "file raw messages from .eml files or Maildir folders" },
	{ "parse", cmd_parse, "FILE|-",
	    "print what a message says, as JSON (no database)" },
	{ "export", cmd_export, "NAME [--format wide|long] [--excel] [-o FILE]",
	    "current answers as CSV" },
	{ "digest", cmd_digest, "[NAME] [--dry-run] [--to ADDRESS]",
	    "build and send the Secretariat's digest" },
	{ "report", cmd_report,
	    "NAME [--format md|html] [--anonymous] [-o FILE]",
	    "draft report compiled from the answers" },
	{ "status", cmd_status, "[NAME] [--json]",
	    "counts, response rates, what needs attention" },
	{ "flush", cmd_flush, "", "send what waits in the outbox" },
	{ "run", cmd_run, "", "the daemon: fetch, send, remind on schedule" },
	{ "check-config", cmd_check_config, "",
	    "validate the config; log in to the IMAP server" },
};

static void
cli_print_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: consultd [-c FILE] [-v|-q] COMMAND [ARGS]\n\n"
	    "commands:\n");
	for (i = 0; i < G_N_ELEMENTS(cli_cmds); i++)
		fprintf(fp, "  %-8s %-42s %s\n", cli_cmds[i].name,
		    cli_cmds[i].args, cli_cmds[i].help);
	fprintf(fp, "\nThe configuration is -c FILE, else $CONSULTD_CONFIG, "
	    "else ./consultd.conf,\nelse /etc/consultd/consultd.conf. "
	    "See consultd(8).\n");
}

int
cli_usage(const char *command)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cli_cmds); i++)
		if (strcmp(cli_cmds[i].name, command) == 0) {
			fprintf(stderr, "usage: consultd %s %s\n",
			    cli_cmds[i].name, cli_cmds[i].args);
			return EX_USAGE;
		}
	cli_print_usage(stderr);
	return EX_USAGE;
}

int
cli_fail(GError *err)
{
	int code = EX_SOFTWARE;

	if (err) {
		fprintf(stderr, "consultd: %s\n", err->message);
		if (err->domain == CONSULTD_ERROR)
			code = err->code;
		g_error_free(err);
	}
	return code;
}

bool
cli_open(const struct cli_opts *opts, struct workspace *ws, int *status_out)
{
	GError *err = NULL;

	if (workspace_open(ws, opts->config_path, &err))
		return true;
	*status_out = cli_fail(err);
	return false;
}

int64_t
cli_now(void)
{
	return consultd_now();
}

static bool
cli_interactive(void)
{
	const char *js = g_getenv("JOURNAL_STREAM");

	return isatty(STDERR_FILENO) || (js && *js);
}

int
cli_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_opts opts = { 0 };
	enum log_level level;
	int c, status = EX_USAGE;
	size_t i;

	/*
	 * Filing frees on one thread what another allocated, a few thousand
	 * small blocks a message.  glibc's fastbins then have to be merged
	 * again before every larger allocation (malloc_consolidate, 2% of
	 * the CPU of a fetch); its per-thread cache serves the small sizes
	 * as fast without that (bench/README.md, session 5).
	 */
	(void)mallopt(M_MXFAST, 0);
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+c:vqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 'v':
			opts.verbosity++;
			break;
		case 'q':
			opts.verbosity--;
			break;
		case 'h':
			cli_print_usage(stdout);
			return 0;
		case 'V':
			printf("consultd %s\n", CONSULTD_VERSION);
			return 0;
		default:
			cli_print_usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		cli_print_usage(stderr);
		return EX_USAGE;
	}
	/*
	 * One line per filed or sent message on a terminal and in the
	 * journal; warnings only in scripts and cron.  -v is debug and -vv
	 * adds the protocol traces wherever we run (STYLE 10).
	 */
	if (opts.verbosity > 0)
		level = (enum log_level)MIN(LOG_LEVEL_INFO + opts.verbosity,
		    LOG_LEVEL_TRACE);
	else if (opts.verbosity < 0)
		level = LOG_LEVEL_QUIET;
	else
		level = cli_interactive() ? LOG_LEVEL_INFO : LOG_LEVEL_QUIET;
	log_init(level);
	for (i = 0; i < G_N_ELEMENTS(cli_cmds); i++)
		if (strcmp(cli_cmds[i].name, argv[optind]) == 0)
			break;
	if (i == G_N_ELEMENTS(cli_cmds)) {
		fprintf(stderr, "consultd: unknown command '%s'\n",
		    argv[optind]);
		cli_print_usage(stderr);
		return EX_USAGE;
	}
	mime_init();
	argc -= optind;
	argv += optind;
	/* Commands parse with getopt again, from their own argv[1]. */
	optind = 0;
	status = cli_cmds[i].fn(&opts, argc, argv);
	/* Output that did not reach its file is a failure (> /dev/full). */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "consultd: cannot write the output: %s\n",
		    g_strerror(errno));
		if (status == 0)
			status = EX_IOERR;
	}
	mime_shutdown();
	return status;
}
