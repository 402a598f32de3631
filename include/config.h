/* SPDX-License-Identifier: MIT */
/*
 * The configuration: one INI file read with GKeyFile into an immutable,
 * typed struct config.  Every key is described once, in config.c's table;
 * unknown keys and bad values are errors, all reported together.
 */
#ifndef CONSULTD_CONFIG_H
#define CONSULTD_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct config_imap {
	char *url;		/* NULL: the spool Maildir is the inbox */
	char *username;
	char *password_file;
	char *ca_file;
	char *tls;		/* "required" or "none" */
	char *after_fetch;	/* "flag", "move:FOLDER" or "keep" */
	int64_t poll_interval;	/* seconds */
	int64_t max_message_size; /* bytes */
	int64_t connect_timeout;	/* seconds */
	int64_t timeout;	/* seconds, for each IMAP request */
};

struct config_smtp {
	char *url;		/* NULL: .eml files in spool/outbox/ */
	char *username;
	char *password_file;
	char *ca_file;
	char *tls;
	char *from;		/* "Name <addr>", or NULL: from the
				   consultation */
	char *reply_address;	/* NULL: from the consultation */
	char *rate;		/* "60/min" */
};

struct config_digest {
	char *to;
	char *schedule;
};

struct config_commands {
	char *coordinators;
	char *secret_file;
	char *trusted_authserv_id;
};

struct config {
	char *path;		/* the file read, absolute; NULL for defaults */
	char *database;		/* absolute paths, resolved against
				   path's folder */
	char *spool;
	char *templates;
	struct config_imap imap;
	struct config_smtp smtp;
	struct config_digest digest;
	struct config_commands commands;
};

/*
 * Finds the config file: explicit (from -c) if not NULL, else
 * $CONSULTD_CONFIG, else ./consultd.conf, else /etc/consultd/consultd.conf.
 * Returns a newly allocated path, or NULL with EX_CONFIG naming what was
 * looked for.
 */
char *config_find(const char *explicit_path, GError **err);

/*
 * Reads and validates the file at path.  Returns a new config, or NULL with
 * EX_CONFIG listing every problem (file and key), EX_NOINPUT when the file
 * cannot be read.
 */
struct config *config_load(const char *path, GError **err);
void config_free(struct config *cfg);

/* The commented consultd.conf that `init` writes (static text). */
const char *config_default_text(void);

#endif
