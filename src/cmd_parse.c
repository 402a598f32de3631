/* SPDX-License-Identifier: MIT */
/* consultd parse FILE|-: one message as JSON (SPEC section 7). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "consultd.h"
#include "parse.h"
#include "spool.h"

#include "banned.h"

static char *
cmd_parse_read_stdin(size_t *len_out, GError **err)
{
	GString *buf = g_string_new(NULL);
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (buf->len + n > CONSULTD_MAX_MESSAGE_SIZE) {
			g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
			    "standard input is over the message size limit "
			    "of %u bytes", CONSULTD_MAX_MESSAGE_SIZE);
			g_string_free(buf, TRUE);
			return NULL;
		}
		g_string_append_len(buf, chunk, (gssize)n);
	}
	if (ferror(stdin)) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot read standard input");
		g_string_free(buf, TRUE);
		return NULL;
	}
	*len_out = buf->len;
	return g_string_free(buf, FALSE);
}

int
cmd_parse(const struct cli_opts *opts, int argc, char **argv)
{
	g_autofree char *raw = NULL;
	g_autofree char *json = NULL;
	g_autofree char *path = NULL;
	struct config *cfg = NULL;
	GError *err = NULL;
	size_t len = 0;

	if (argc != 2 || (argv[1][0] == '-' && argv[1][1]))
		return cli_usage("parse");
	/*
	 * A message alone needs no configuration; one named with -c or
	 * $CONSULTD_CONFIG says who may send commands.
	 */
	if (opts->config_path || g_getenv("CONSULTD_CONFIG")) {
		path = config_find(opts->config_path, &err);
		if (!path || !(cfg = config_load(path, &err)))
			return cli_fail(err);
	}
	if (strcmp(argv[1], "-") == 0)
		raw = cmd_parse_read_stdin(&len, &err);
	else
		raw = spool_read(argv[1], CONSULTD_MAX_MESSAGE_SIZE, &len,
		    &err);
	if (raw)
		json = parse_to_json_with(raw, len, cfg, &err);
	config_free(cfg);
	if (!json)
		return cli_fail(err);
	fputs(json, stdout);
	return fflush(stdout) == 0 ? 0 : EX_IOERR;
}
