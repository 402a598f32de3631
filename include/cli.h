/* SPDX-License-Identifier: MIT */
/*
 * The command line: global options, the command table and the mapping of
 * errors to messages and sysexits codes.  Commands are in cmd_<name>.c.
 */
#ifndef CONSULTD_CLI_H
#define CONSULTD_CLI_H

#include <glib.h>
#include <stdbool.h>

struct workspace;

/* Global options, parsed before the command name. */
struct cli_opts {
	const char *config_path;	/* -c FILE, or NULL */
	int verbosity;			/* -v adds, -q subtracts */
};

/* Runs consultd; returns the process exit status. */
int cli_main(int argc, char **argv);

/*
 * Prints err (what failed and what to do) on stderr and returns its exit
 * code; frees err.
 */
int cli_fail(GError *err);

/* Prints a command's usage line to stderr and returns EX_USAGE. */
int cli_usage(const char *command);

/* Opens the workspace; on failure prints why and returns false. */
bool cli_open(const struct cli_opts *opts, struct workspace *ws,
    int *status_out);

/* The current time (Unix seconds); CONSULTD_NOW overrides it for tests. */
int64_t cli_now(void);

typedef int (*cli_cmd_fn)(const struct cli_opts *opts, int argc,
    char **argv);

int cmd_init(const struct cli_opts *opts, int argc, char **argv);
int cmd_load(const struct cli_opts *opts, int argc, char **argv);
int cmd_import(const struct cli_opts *opts, int argc, char **argv);
int cmd_invite(const struct cli_opts *opts, int argc, char **argv);
int cmd_remind(const struct cli_opts *opts, int argc, char **argv);
int cmd_record(const struct cli_opts *opts, int argc, char **argv);
int cmd_sections(const struct cli_opts *opts, int argc, char **argv);
int cmd_close(const struct cli_opts *opts, int argc, char **argv);
int cmd_run(const struct cli_opts *opts, int argc, char **argv);
int cmd_fetch(const struct cli_opts *opts, int argc, char **argv);
int cmd_ingest(const struct cli_opts *opts, int argc, char **argv);
int cmd_parse(const struct cli_opts *opts, int argc, char **argv);
int cmd_export(const struct cli_opts *opts, int argc, char **argv);
int cmd_digest(const struct cli_opts *opts, int argc, char **argv);
int cmd_report(const struct cli_opts *opts, int argc, char **argv);
int cmd_status(const struct cli_opts *opts, int argc, char **argv);
int cmd_flush(const struct cli_opts *opts, int argc, char **argv);
int cmd_check_config(const struct cli_opts *opts, int argc, char **argv);

#endif
