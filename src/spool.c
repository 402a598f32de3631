/* SPDX-License-Identifier: MIT */
/*
 * Maildir delivery and atomic writes, as maildir(5) and OpenSMTPD's
 * queue_fs.c do them: write under a temporary name, fsync the file, rename
 * it into place, fsync the folder.  A crash at any point leaves either no
 * file or a complete one.
 */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "consultd.h"

#include "banned.h"

static int
spool_errno_code(int e)
{
	return (e == ENOSPC || e == EDQUOT) ? EX_TEMPFAIL : EX_IOERR;
}

static void
spool_set_errno(GError **err, int e, const char *what, const char *path)
{
	g_set_error(err, CONSULTD_ERROR, spool_errno_code(e),
	    "cannot %s '%s': %s%s", what, path, g_strerror(e),
	    e == ENOSPC ? "; free some disk space and run again" : "");
}

static bool
spool_mkdir(const char *path, GError **err)
{
	if (g_mkdir_with_parents(path, 0750) != 0) {
		spool_set_errno(err, errno, "create folder", path);
		return false;
	}
	return true;
}

bool
spool_init(const char *spool, GError **err)
{
	static const char *const subs[] = {
		"inbox/tmp", "inbox/new", "inbox/cur", "outbox", "tmp"
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *p = g_build_filename(spool, subs[i], NULL);

		if (!spool_mkdir(p, err))
			return false;
	}
	return true;
}

char *
spool_unique_name(void)
{
	struct timeval tv;
	guint32 rnd = 0;
	char host[64];

	gettimeofday(&tv, NULL);
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = g_random_int();
	if (gethostname(host, sizeof(host)) != 0)
		g_snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	/* Maildir forbids '/' and ':' in names; hosts may hold neither. */
	g_strdelimit(host, "/:", '_');
	return g_strdup_printf("%lld.M%06ldP%dR%08x.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (int)getpid(), rnd, host);
}

static bool
spool_fsync_dir(const char *dir, GError **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = false;

	if (fd < 0) {
		spool_set_errno(err, errno, "open folder", dir);
		return false;
	}
	if (fsync(fd) != 0)
		spool_set_errno(err, errno, "sync folder", dir);
	else
		ok = true;
	close(fd);
	return ok;
}

static bool
spool_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Copies src (an fd) or data into a new file at tmp, synced. */
static bool
spool_write_tmp(const char *tmp, int src, const char *data, size_t len,
    bool sync, GError **err)
{
	char buf[65536];
	int fd;
	ssize_t n;
	bool ok = false;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		spool_set_errno(err, errno, "create", tmp);
		return false;
	}
	if (src < 0) {
		if (!spool_write_all(fd, data, len)) {
			spool_set_errno(err, errno, "write", tmp);
			goto out;
		}
	} else {
		while ((n = read(src, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				spool_set_errno(err, errno, "read the copy "
				    "source for", tmp);
				goto out;
			}
			if (!spool_write_all(fd, buf, (size_t)n)) {
				spool_set_errno(err, errno, "write", tmp);
				goto out;
			}
		}
	}
	if (sync && fsync(fd) != 0) {
		spool_set_errno(err, errno, "sync", tmp);
		goto out;
	}
	ok = true;
out:
	if (close(fd) != 0 && ok) {
		spool_set_errno(err, errno, "close", tmp);
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	return ok;
}

bool
spool_deliver(const char *maildir, const char *data, size_t len,
    char **name_out, GError **err)
{
	g_autofree char *name = spool_unique_name();
	g_autofree char *tmp = g_build_filename(maildir, "tmp", name, NULL);
	g_autofree char *newdir = g_build_filename(maildir, "new", NULL);
	g_autofree char *dst = g_build_filename(newdir, name, NULL);

	if (!spool_write_tmp(tmp, -1, data, len, true, err))
		return false;
	if (rename(tmp, dst) != 0) {
		spool_set_errno(err, errno, "move into place", dst);
		unlink(tmp);
		return false;
	}
	if (!spool_fsync_dir(newdir, err))
		return false;
	if (name_out)
		*name_out = g_steal_pointer(&name);
	return true;
}

bool
spool_deliver_files(const char *maildir, const char *const *paths, size_t n,
    GError **err)
{
	g_autofree char *newdir = g_build_filename(maildir, "new", NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	bool ok = false;
	size_t i, moved = 0;

	/* Written unsynced into tmp/, then one sync for them all. */
	for (i = 0; i < n; i++) {
		const char *path = paths[i];
		char *name = spool_unique_name();
		g_autofree char *tmp = g_build_filename(maildir, "tmp", name,
		    NULL);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		bool copied;

		if (fd < 0) {
			g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
			    "cannot open '%s': %s", path, g_strerror(errno));
			g_free(name);
			goto out;
		}
		copied = spool_write_tmp(tmp, fd, NULL, 0, false, err);
		close(fd);
		if (!copied) {
			g_free(name);
			goto out;
		}
		g_ptr_array_add(names, name);
	}
	if (!spool_sync_all(maildir, err))
		goto out;
	for (; moved < names->len; moved++) {
		g_autofree char *tmp = g_build_filename(maildir, "tmp",
		    names->pdata[moved], NULL);
		g_autofree char *dst = g_build_filename(newdir,
		    names->pdata[moved], NULL);

		if (rename(tmp, dst) != 0) {
			spool_set_errno(err, errno, "move into place", dst);
			goto out;
		}
	}
	ok = spool_fsync_dir(newdir, err);
out:
	/* What is still in tmp/ was never delivered. */
	for (i = moved; !ok && i < names->len; i++) {
		g_autofree char *tmp = g_build_filename(maildir, "tmp",
		    names->pdata[i], NULL);

		unlink(tmp);
	}
	return ok;
}

/* Whether the file at path holds exactly data. */
static bool
spool_holds(const char *path, const char *data, size_t len)
{
	g_autofree char *have = NULL;
	gsize n = 0;

	return g_file_get_contents(path, &have, &n, NULL) && n == len &&
	    memcmp(have, data, len) == 0;
}

/*
 * An unnamed file in path's folder (O_TMPFILE), linked as path once
 * written: no temporary name to leave behind on a crash, and no rename,
 * which on Linux serializes with every other rename between folders of
 * the file system (the filer's new/ -> cur/).  1 when done (or path held
 * data already), 0 when it cannot be done so (no O_TMPFILE support, no
 * /proc, path holds something else), -1 with err on a write error.
 */
static int
spool_write_linked(const char *path, const char *data, size_t len,
    GError **err)
{
	g_autofree char *dir = g_path_get_dirname(path);
	char proc[64];
	int fd, done = 0;

	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
	if (fd < 0)
		return 0;
	if (!spool_write_all(fd, data, len)) {
		spool_set_errno(err, errno, "write", path);
		done = -1;
		goto out;
	}
	g_snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		done = 1;
	else if (errno == EEXIST && spool_holds(path, data, len))
		done = 1;	/* written whole before a crash */
out:
	close(fd);
	return done;
}

bool
spool_write_atomic_nosync(const char *tmpdir, const char *path,
    const char *data, size_t len, GError **err)
{
	g_autofree char *name = NULL;
	g_autofree char *tmp = NULL;
	int linked = spool_write_linked(path, data, len, err);

	if (linked)
		return linked > 0;
	name = spool_unique_name();
	tmp = g_build_filename(tmpdir, name, NULL);
	if (!spool_write_tmp(tmp, -1, data, len, false, err))
		return false;
	if (rename(tmp, path) != 0) {
		spool_set_errno(err, errno, "move into place", path);
		unlink(tmp);
		return false;
	}
	return true;
}

bool
spool_write_atomic(const char *tmpdir, const char *path, const char *data,
    size_t len, GError **err)
{
	g_autofree char *name = spool_unique_name();
	g_autofree char *tmp = g_build_filename(tmpdir, name, NULL);
	g_autofree char *dir = g_path_get_dirname(path);

	if (!spool_write_tmp(tmp, -1, data, len, true, err))
		return false;
	if (rename(tmp, path) != 0) {
		spool_set_errno(err, errno, "move into place", path);
		unlink(tmp);
		return false;
	}
	return spool_fsync_dir(dir, err);
}

static int
spool_compare_names(const void *a, const void *b)
{
	const char *x = *(char *const *)a;
	const char *y = *(char *const *)b;
	gint64 tx = g_ascii_strtoll(x, NULL, 10);
	gint64 ty = g_ascii_strtoll(y, NULL, 10);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x, y);
}

GPtrArray *
spool_list(const char *maildir, const char *sub, GError **err)
{
	g_autofree char *dir = g_build_filename(maildir, sub, NULL);
	g_autoptr(GError) derr = NULL;
	GPtrArray *names;
	GDir *d;
	const char *name;

	d = g_dir_open(dir, 0, &derr);
	if (!d) {
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "cannot read folder '%s': %s", dir, derr->message);
		return NULL;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL)
		if (name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, spool_compare_names);
	return names;
}

char *
spool_read(const char *path, size_t max, size_t *len_out, GError **err)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		g_set_error(err, CONSULTD_ERROR, errno == ENOENT ? EX_NOINPUT :
		    EX_IOERR, "cannot open '%s': %s", path, g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		spool_set_errno(err, errno, "stat", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(err, CONSULTD_ERROR, EX_NOINPUT,
		    "'%s' is not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		g_set_error(err, CONSULTD_ERROR, EX_DATAERR,
		    "'%s' is %lld bytes, over the limit of %zu", path,
		    (long long)st.st_size, max);
		goto out;
	}
	data = g_malloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			spool_set_errno(err, n < 0 ? errno : EIO, "read",
			    path);
			g_clear_pointer(&data, g_free);
			goto out;
		}
		len += (size_t)n;
	}
	data[len] = '\0';
	*len_out = len;
out:
	close(fd);
	return data;
}

char *
spool_mark_filed(const char *maildir, const char *name, GError **err)
{
	g_autofree char *src = g_build_filename(maildir, "new", name, NULL);
	g_autofree char *base = g_strconcat(name, ":2,S", NULL);
	char *dst = g_build_filename(maildir, "cur", base, NULL);

	if (rename(src, dst) != 0) {
		spool_set_errno(err, errno, "move filed message", src);
		g_free(dst);
		return NULL;
	}
	return dst;
}

bool
spool_sync(const char *maildir, const char *sub, GError **err)
{
	g_autofree char *dir = g_build_filename(maildir, sub, NULL);

	return spool_fsync_dir(dir, err);
}

bool
spool_sync_all(const char *dir, GError **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok;

	if (fd < 0) {
		spool_set_errno(err, errno, "open folder", dir);
		return false;
	}
	/* One syncfs for a batch of files beats an fsync each. */
	ok = syncfs(fd) == 0 && fsync(fd) == 0;
	if (!ok)
		spool_set_errno(err, errno, "sync", dir);
	close(fd);
	return ok;
}

bool
spool_discard(const char *maildir, const char *name, GError **err)
{
	g_autofree char *path = g_build_filename(maildir, "new", name, NULL);

	if (unlink(path) != 0 && errno != ENOENT) {
		spool_set_errno(err, errno, "remove duplicate", path);
		return false;
	}
	return true;
}

char *
spool_hash_file(const char *path, GError **err)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	char buf[65536];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		spool_set_errno(err, errno, "open", path);
		return NULL;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			spool_set_errno(err, errno, "read", path);
			close(fd);
			return NULL;
		}
		g_checksum_update(sum, (const guchar *)buf, n);
	}
	close(fd);
	return g_strdup(g_checksum_get_string(sum));
}

char *
spool_read_header(const char *path, size_t max, size_t *len_out,
    GError **err)
{
	char *buf = g_malloc(max + 1);
	size_t len = 0;
	ssize_t n;
	char *end;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		spool_set_errno(err, errno, "open", path);
		g_free(buf);
		return NULL;
	}
	while (len < max && (n = read(fd, buf + len, max - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			spool_set_errno(err, errno, "read", path);
			close(fd);
			g_free(buf);
			return NULL;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	end = memmem(buf, len, "\n\n", 2);
	if (!end)
		end = memmem(buf, len, "\n\r\n", 3);
	if (end)
		len = (size_t)(end - buf) + 1;
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

int
spool_lock(const char *maildir, GError **err)
{
	g_autofree char *path = g_build_filename(maildir, ".lock", NULL);
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		spool_set_errno(err, errno, "open lock file", path);
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		spool_set_errno(err, errno, "lock", path);
		close(fd);
		return -1;
	}
	return fd;
}
