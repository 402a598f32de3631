/* SPDX-License-Identifier: MIT */
/*
 * Secrets (server passwords, the coordinators' command secret) read from
 * a file that only its owner may read, or from a systemd credential
 * (LoadCredential, $CREDENTIALS_DIRECTORY).  Never from the command line,
 * never logged; wiped when freed.
 */
#ifndef CONSULTD_SECRET_H
#define CONSULTD_SECRET_H

#include <glib.h>

/*
 * The first line of the file at path, or when path is NULL of the systemd
 * credential named credential.  what names the secret in messages ("the
 * IMAP password").  Returns a newly allocated string to release with
 * secret_free(), or NULL with EX_CONFIG: not set, unreadable, not a
 * regular file, readable or writable by others (the message says which
 * chmod to run), or empty.  A file must be 0600 or stricter; a
 * credential may show group read, as systemd's ACL makes it look.
 */
char *secret_read(const char *path, const char *credential, const char *what,
    GError **err);

/* Wipes and frees s; accepts NULL. */
void secret_free(char *s);

#endif
