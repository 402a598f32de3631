/* SPDX-License-Identifier: MIT */
/*
 * Reading secrets from files.  The mode check is the one ssh makes of a
 * private key: a secret others can read is no longer a secret, so it is
 * refused with the command that fixes it.
 */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consultd.h"

#include "banned.h"

#define SECRET_MAX 4096

char *
secret_read(const char *path, const char *credential, const char *what,
    GError **err)
{
	const char *creds = g_getenv("CREDENTIALS_DIRECTORY");
	g_autofree char *cpath = NULL;
	char buf[SECRET_MAX + 1];
	char *secret = NULL;
	struct stat st;
	ssize_t n;
	size_t len;
	int fd;

	if (!path && creds && *creds && credential) {
		cpath = g_build_filename(creds, credential, NULL);
		path = cpath;
	}
	if (!path) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "%s is not configured: set its file in the "
		    "configuration%s%s%s",
		    what, credential ? ", or give systemd credential '" : "",
		    credential ? credential : "", credential ? "'" : "");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot read %s from '%s': %s", what, path,
		    g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "%s file '%s' is not a regular file", what, path);
		goto out;
	}
	/*
	 * systemd writes a credential 0400 and lets the service user read
	 * it through an ACL, whose mask stat shows in the group bits (0440;
	 * write_credential() in its exec-credential.c), in a folder only
	 * that user may enter: a credential may show group read, no more.
	 */
	if (st.st_mode & (cpath ? 037 : 077)) {
		/* A credential's mount is read-only: its source is fixed. */
		if (cpath)
			g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
			    "systemd credential '%s' ('%s') may be read by "
			    "others (mode %04o); give it to the unit with "
			    "LoadCredential= from a file of mode 0600, or "
			    "SetCredential=", credential, path,
			    (unsigned)(st.st_mode & 07777));
		else
			g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
			    "%s file '%s' may be read or written by others "
			    "(mode %04o); run: chmod 600 '%s'", what, path,
			    (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "cannot read %s from '%s': %s", what, path,
		    g_strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	if (len == 0) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "%s file '%s' is empty", what, path);
		goto out;
	}
	secret = g_strndup(buf, len);
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return secret;
}

void
secret_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	g_free(s);
}
