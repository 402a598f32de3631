/* SPDX-License-Identifier: MIT */
/*
 * INI configuration via GKeyFile.  One table describes every key (section,
 * name, type, default, target field), as Redis's static_configs[] does; the
 * loader walks the file against it and collects all errors before failing.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "consultd.h"

#include "banned.h"

enum config_type {
	CONFIG_STRING,
	CONFIG_PATH,		/* relative to the config file's folder */
	CONFIG_SECONDS,
	CONFIG_SIZE,		/* bytes, with optional K/M/G suffix */
	CONFIG_TLS,
	CONFIG_AFTER_FETCH,
};

struct config_key {
	const char *section;
	const char *name;
	enum config_type type;
	const char *def;	/* NULL: unset */
	size_t offset;
};

#define KEY(sec, name, type, def, field) \
	{ sec, name, type, def, offsetof(struct config, field) }

static const struct config_key config_keys[] = {
	KEY("consultd", "database", CONFIG_PATH, "consultd.db", database),
	KEY("consultd", "spool", CONFIG_PATH, "spool", spool),
	KEY("consultd", "templates", CONFIG_PATH, "templates", templates),
	KEY("imap", "url", CONFIG_STRING, NULL, imap.url),
	KEY("imap", "username", CONFIG_STRING, NULL, imap.username),
	KEY("imap", "password_file", CONFIG_PATH, NULL, imap.password_file),
	KEY("imap", "ca_file", CONFIG_PATH, NULL, imap.ca_file),
	KEY("imap", "tls", CONFIG_TLS, "required", imap.tls),
	KEY("imap", "after_fetch", CONFIG_AFTER_FETCH, "flag",
	    imap.after_fetch),
	KEY("imap", "poll_interval", CONFIG_SECONDS, "300",
	    imap.poll_interval),
	KEY("imap", "max_message_size", CONFIG_SIZE, "25M",
	    imap.max_message_size),
	KEY("imap", "connect_timeout", CONFIG_SECONDS, "30",
	    imap.connect_timeout),
	KEY("imap", "timeout", CONFIG_SECONDS, "5m", imap.timeout),
	KEY("smtp", "url", CONFIG_STRING, NULL, smtp.url),
	KEY("smtp", "username", CONFIG_STRING, NULL, smtp.username),
	KEY("smtp", "password_file", CONFIG_PATH, NULL, smtp.password_file),
	KEY("smtp", "ca_file", CONFIG_PATH, NULL, smtp.ca_file),
	KEY("smtp", "tls", CONFIG_TLS, "required", smtp.tls),
	KEY("smtp", "from", CONFIG_STRING, NULL, smtp.from),
	KEY("smtp", "reply_address", CONFIG_STRING, NULL, smtp.reply_address),
	KEY("smtp", "rate", CONFIG_STRING, "60/min", smtp.rate),
	KEY("digest", "to", CONFIG_STRING, NULL, digest.to),
	KEY("digest", "schedule", CONFIG_STRING, "Mon 08:00", digest.schedule),
	KEY("commands", "coordinators", CONFIG_STRING, NULL,
	    commands.coordinators),
	KEY("commands", "secret_file", CONFIG_PATH, NULL,
	    commands.secret_file),
	KEY("commands", "trusted_authserv_id", CONFIG_STRING, NULL,
	    commands.trusted_authserv_id),
};

static const char config_default[] =
"# consultd configuration (see consultd.conf(5)).\n"
"# Relative paths are relative to this file's folder.\n"
"# With no [imap] and [smtp] url, consultd runs on its embedded default:\n"
"# replies are read from the Maildir spool/inbox/, outgoing mail is\n"
"# written as .eml files to spool/outbox/.\n"
"\n"
"[consultd]\n"
"database = consultd.db\n"
"spool = spool\n"
"templates = templates\n"
"\n"
"#[imap]\n"
"#url = imaps://mail.example.org/INBOX\n"
"#username = consult\n"
"#password_file = /etc/consultd/imap.password\n"
"#after_fetch = flag\n"
"#poll_interval = 300\n"
"#max_message_size = 25M\n"
"\n"
"#[smtp]\n"
"#url = smtps://mail.example.org\n"
"#username = consult\n"
"#password_file = /etc/consultd/smtp.password\n"
"#from = IGF Secretariat <consult@example.org>\n"
"#rate = 60/min\n"
"\n"
"#[digest]\n"
"#to = secretariat@example.org\n"
"#schedule = Mon 08:00\n";

const char *
config_default_text(void)
{
	return config_default;
}

static const struct config_key *
config_lookup(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(config_keys); i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

static bool
config_parse_int(const char *value, enum config_type type, int64_t *out)
{
	guint64 n;
	char *end = NULL;
	int64_t mult = 1;

	if (!g_ascii_isdigit(value[0]))
		return false;
	errno = 0;
	n = g_ascii_strtoull(value, &end, 10);
	if (errno || n > G_MAXINT32)
		return false;
	if (type == CONFIG_SIZE && *end) {
		switch (g_ascii_toupper(*end)) {
		case 'K': mult = 1024; break;
		case 'M': mult = 1024 * 1024; break;
		case 'G': mult = 1024 * 1024 * 1024; break;
		default: return false;
		}
		end++;
	} else if (type == CONFIG_SECONDS && *end) {
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		default: return false;
		}
		end++;
	}
	if (*end)
		return false;
	*out = (int64_t)n * mult;
	return true;
}

/* Stores one value into its field; returns a problem text or NULL. */
static char *
config_set(struct config *cfg, const struct config_key *key,
    const char *value, const char *dir)
{
	char **str = (char **)((char *)cfg + key->offset);
	int64_t *num = (int64_t *)((char *)cfg + key->offset);

	switch (key->type) {
	case CONFIG_STRING:
		g_free(*str);
		*str = *value ? g_strdup(value) : NULL;
		return NULL;
	case CONFIG_PATH:
		g_free(*str);
		if (!*value)
			*str = NULL;
		else if (g_path_is_absolute(value) || !dir)
			*str = g_strdup(value);
		else
			*str = g_build_filename(dir, value, NULL);
		return NULL;
	case CONFIG_SECONDS:
	case CONFIG_SIZE:
		if (!config_parse_int(value, key->type, num))
			return g_strdup_printf("[%s] %s: '%s' is not a %s",
			    key->section, key->name, value,
			    key->type == CONFIG_SIZE ?
			    "size (e.g. 25M)" : "duration (e.g. 300, 5m)");
		/* Below these nothing useful can work. */
		if (key->type == CONFIG_SIZE && *num < 64 * 1024)
			return g_strdup_printf("[%s] %s: '%s' is below the "
			    "minimum of 64K", key->section, key->name, value);
		if (key->type == CONFIG_SECONDS && *num < 10)
			return g_strdup_printf("[%s] %s: '%s' is below the "
			    "minimum of 10 seconds", key->section, key->name,
			    value);
		return NULL;
	case CONFIG_TLS:
		if (strcmp(value, "required") != 0 &&
		    strcmp(value, "none") != 0)
			return g_strdup_printf("[%s] %s: '%s' must be "
			    "'required' or 'none'", key->section, key->name,
			    value);
		g_free(*str);
		*str = g_strdup(value);
		return NULL;
	case CONFIG_AFTER_FETCH:
		if (strcmp(value, "flag") != 0 && strcmp(value, "keep") != 0 &&
		    !(g_str_has_prefix(value, "move:") && value[5]))
			return g_strdup_printf("[%s] %s: '%s' must be 'flag', "
			    "'keep' or 'move:FOLDER'", key->section,
			    key->name, value);
		g_free(*str);
		*str = g_strdup(value);
		return NULL;
	}
	return NULL;
}

static struct config *
config_defaults(const char *dir)
{
	struct config *cfg = g_new0(struct config, 1);
	size_t i;
	char *problem;

	for (i = 0; i < G_N_ELEMENTS(config_keys); i++) {
		if (!config_keys[i].def)
			continue;
		problem = config_set(cfg, &config_keys[i], config_keys[i].def,
		    dir);
		g_assert(problem == NULL);
	}
	return cfg;
}

char *
config_find(const char *explicit_path, GError **err)
{
	const char *env = g_getenv("CONSULTD_CONFIG");

	if (explicit_path)
		return g_strdup(explicit_path);
	if (env && *env)
		return g_strdup(env);
	if (g_file_test("consultd.conf", G_FILE_TEST_EXISTS))
		return g_strdup("consultd.conf");
	if (g_file_test("/etc/consultd/consultd.conf", G_FILE_TEST_EXISTS))
		return g_strdup("/etc/consultd/consultd.conf");
	g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
	    "no configuration found (looked for -c FILE, $CONSULTD_CONFIG, "
	    "./consultd.conf, /etc/consultd/consultd.conf); "
	    "run 'consultd init DIR' to make a workspace");
	return NULL;
}

struct config *
config_load(const char *path, GError **err)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) kerr = NULL;
	g_auto(GStrv) groups = NULL;
	g_autofree char *abs = NULL;
	g_autofree char *dir = NULL;
	GString *problems = g_string_new(NULL);
	struct config *cfg = NULL;
	size_t g, k;

	abs = g_canonicalize_filename(path, NULL);
	dir = g_path_get_dirname(abs);
	if (!g_key_file_load_from_file(kf, abs, G_KEY_FILE_NONE, &kerr)) {
		int code = g_error_matches(kerr, G_FILE_ERROR,
		    G_FILE_ERROR_NOENT) ? EX_NOINPUT : EX_CONFIG;

		g_set_error(err, CONSULTD_ERROR, code,
		    "cannot read configuration '%s': %s%s", path,
		    kerr->message, code == EX_NOINPUT ?
		    "; run 'consultd init DIR' or pass -c FILE" : "");
		goto out;
	}
	cfg = config_defaults(dir);
	cfg->path = g_strdup(abs);
	groups = g_key_file_get_groups(kf, NULL);
	for (g = 0; groups[g]; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[g], NULL,
		    NULL);

		for (k = 0; keys && keys[k]; k++) {
			const struct config_key *key;
			g_autofree char *value = NULL;
			g_autofree char *problem = NULL;

			key = config_lookup(groups[g], keys[k]);
			if (!key) {
				g_string_append_printf(problems,
				    "\n  [%s] %s: unknown key", groups[g],
				    keys[k]);
				continue;
			}
			value = g_key_file_get_string(kf, groups[g], keys[k],
			    NULL);
			if (!value)
				continue;
			g_strstrip(value);
			problem = config_set(cfg, key, value, dir);
			if (problem)
				g_string_append_printf(problems, "\n  %s",
				    problem);
		}
	}
	if (problems->len) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "configuration '%s' has errors:%s\n"
		    "see consultd.conf(5) for every key", path,
		    problems->str);
		g_clear_pointer(&cfg, config_free);
	}
out:
	g_string_free(problems, TRUE);
	return cfg;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < G_N_ELEMENTS(config_keys); i++) {
		switch (config_keys[i].type) {
		case CONFIG_STRING:
		case CONFIG_PATH:
		case CONFIG_TLS:
		case CONFIG_AFTER_FETCH:
			g_free(*(char **)((char *)cfg +
			    config_keys[i].offset));
			break;
		case CONFIG_SECONDS:
		case CONFIG_SIZE:
			break;
		}
	}
	g_free(cfg->path);
	g_free(cfg);
}
