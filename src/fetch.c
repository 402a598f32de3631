/* SPDX-License-Identifier: MIT */
/*
 * The IMAP fetch loop.  The order is what makes it exactly-once: spool
 * (tmp, fsync, rename into new, fsync new), file (ingest commits), act
 * at the server (flag or move), record the UID as done.  A crash before
 * the record refetches the batch, and ingest recognises what it already
 * filed by Message-ID and content hash; nothing is acted on at the server
 * before it is filed.  Durability is paid per batch, not per message, and
 * the next batch's bodies are received on a thread while one is filed.
 */
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "consultd.h"
#include "db_imap.h"
#include "imap.h"
#include "ingest.h"
#include "log.h"
#include "secret.h"
#include "spool.h"

#include "banned.h"

#define FETCH_WINDOW		2000	/* UIDs per UID SEARCH */
/*
 * Messages per group commit.  A batch pays about eight syncs (spool, new/,
 * the commit, cur/, outbox ...): on a journaled ext4, 10,000 replies took
 * 7.1 s at 100 a batch, 5.7 s at 250 and 5.0 s at 500, whose two batches
 * in hand held 28-30 MB (24 MB at 250) against the 32 MB of issue 4.
 */
#define FETCH_BATCH		250
#define FETCH_RETRIES		4	/* back-off 1, 2, 4, 8 s */
#define FETCH_HEADER_MAX	(256 * 1024)
#define FETCH_TMP_TAG		",imap="

struct fetch_ctx {
	struct db *db;
	const struct config *cfg;
	int64_t now;
	struct ingest_result *res;
	struct imap *imap;
	char *maildir;		/* spool/inbox */
	char *key;		/* imap_state.mailbox */
	const char *move_to;	/* after_fetch = move:FOLDER, else NULL */
	bool keep;
	uint64_t max;
	uint32_t uidvalidity;
	bool folder_ready;
	bool transient;		/* the pass failed on the way: retry */
	bool restart;		/* UIDVALIDITY changed under us */
	bool progress;		/* the pass recorded a batch */
	bool stopped;		/* SIGTERM: stop between batches */
	bool ahead;		/* the next batch's bodies are asked for */
	/* Set by the filer for the receiving thread: stop, it is not wanted. */
	gint abandon;
	int64_t fetched;
	int64_t too_large;
};

struct fetch_item {
	uint32_t uid;
	bool too_large;
	bool header_too_large;
	bool received;		/* its answer came (body, or header) */
	bool gone;		/* expunged since the search */
	uint64_t size;		/* RFC822.SIZE */
	int fd;
	char *name;
	bool in_new;
};

/* Where the bodies of one batch go as they arrive. */
struct fetch_sink {
	struct fetch_ctx *ctx;
	struct fetch_item *items;
	size_t n;
	enum imap_section section;
	/* The literal being read: for an item, or not yet known whose. */
	struct fetch_item *current;
	int floating_fd;
	char *floating_name;
	bool over;		/* over the limit: not kept */
};

char *
fetch_password(const struct config_imap *ic, GError **err)
{
	return secret_read(ic->password_file, "imap-password",
	    "the IMAP password", err);
}


static struct imap *
fetch_open(const struct config_imap *ic, GError **err)
{
	struct imap_options o = { 0 };
	struct imap *imap;
	char *pw;

	if (!ic->username) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "[imap] username is not set");
		return NULL;
	}
	pw = fetch_password(ic, err);
	if (!pw)
		return NULL;
	o.url = ic->url;
	o.username = ic->username;
	o.password = pw;
	o.ca_file = ic->ca_file;
	o.plain = g_strcmp0(ic->tls, "none") == 0;
	o.connect_timeout = (long)CLAMP(ic->connect_timeout, 1, 3600);
	o.timeout = (long)CLAMP(ic->timeout, 1, 86400);
	imap = imap_new(&o, err);
	secret_free(pw);
	return imap;
}

/* Whether a header line starts one of the fields the placeholder drops. */
static bool
fetch_mime_field(const char *line, size_t len)
{
	static const char *const names[] = {
		"content-type:", "content-transfer-encoding:",
		"content-disposition:", "mime-version:",
	};
	size_t i, nl;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		nl = strlen(names[i]);
		if (len >= nl && g_ascii_strncasecmp(line, names[i], nl) == 0)
			return true;
	}
	return false;
}

char *
fetch_placeholder(const char *hdr, size_t len, uint64_t size,
    size_t *len_out)
{
	GString *s = g_string_new(NULL);
	const char *p = hdr, *end = hdr + len;
	bool drop = false;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);
		size_t tl = ll;

		if (tl && p[tl - 1] == '\r')
			tl--;
		if (tl == 0)
			break;	/* the blank line that ends the header */
		if (p[0] != ' ' && p[0] != '\t')
			drop = fetch_mime_field(p, tl);
		if (!drop) {
			g_string_append_len(s, p, (gssize)tl);
			g_string_append(s, "\r\n");
		}
		p += ll + (eol ? 1 : 0);
	}
	g_string_append_printf(s, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n"
	    "X-Consultd-Too-Large: %llu\r\n"
	    "\r\n"
	    "consultd did not fetch this message: it is %llu bytes, over "
	    "the limit\r\n"
	    "of [imap] max_message_size.  It stays on the IMAP server, "
	    "flagged\r\n"
	    "\\Flagged and " FETCH_KEYWORD_TOO_LARGE ".\r\n",
	    (unsigned long long)size, (unsigned long long)size);
	*len_out = s->len;
	return g_string_free(s, FALSE);
}

static bool
fetch_write_all(int fd, const char *data, size_t len, GError **err)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			g_set_error(err, CONSULTD_ERROR, (e == ENOSPC ||
			    e == EDQUOT) ? EX_TEMPFAIL : EX_IOERR,
			    "cannot write to the spool: %s", g_strerror(e));
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Empties fd for a second attempt at its content. */
static bool
fetch_rewind(int fd, GError **err)
{
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot rewrite a spool file: %s", g_strerror(errno));
		return false;
	}
	return true;
}

static bool
fetch_imap_failed(struct fetch_ctx *ctx)
{
	ctx->transient = imap_failure_transient(ctx->imap);
	return false;
}

/* A new file in tmp/ for a fetched message; *name_out is its name. */
static bool
fetch_create(struct fetch_ctx *ctx, uint32_t uid, int *fd_out,
    char **name_out, GError **err)
{
	g_autofree char *base = spool_unique_name();
	g_autofree char *tmp = NULL;
	char *name = g_strdup_printf("%s" FETCH_TMP_TAG "%u.%u", base,
	    ctx->uidvalidity, uid);
	int fd;

	tmp = g_build_filename(ctx->maildir, "tmp", name, NULL);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		g_set_error(err, CONSULTD_ERROR, (errno == ENOSPC ||
		    errno == EDQUOT) ? EX_TEMPFAIL : EX_IOERR,
		    "cannot create '%s': %s", tmp, g_strerror(errno));
		g_free(name);
		return false;
	}
	*fd_out = fd;
	*name_out = name;
	return true;
}

static struct fetch_item *
fetch_find(struct fetch_item *items, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (items[mid].uid == uid)
			return &items[mid];
		if (items[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A literal starts: the file it goes into, if it is wanted and fits. */
static bool
fetch_sink_open(void *arg, uint32_t uid, uint64_t size, int *fd_out,
    GError **err)
{
	struct fetch_sink *fs = arg;
	struct fetch_item *it = uid ? fetch_find(fs->items, fs->n, uid) :
	    NULL;
	uint64_t cap = fs->section == IMAP_SECTION_ALL ? fs->ctx->max :
	    FETCH_HEADER_MAX;
	int fd = -1;
	char *name = NULL;

	*fd_out = -1;
	if (g_atomic_int_get(&fs->ctx->abandon)) {
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL, "receiving "
		    "called off: filing stopped");
		return false;
	}
	fs->current = it;
	fs->over = size > cap;
	/* Not of this batch, or twice: not ours to keep. */
	if ((uid && !it) || (it && (it->received || it->fd >= 0)) ||
	    (!uid && fs->floating_fd >= 0))
		return true;
	if (fs->over)
		return true;
	if (!fetch_create(fs->ctx, uid, &fd, &name, err))
		return false;
	if (it) {
		it->fd = fd;
		it->name = name;
	} else {
		fs->floating_fd = fd;
		fs->floating_name = name;
	}
	*fd_out = fd;
	return true;
}

/* Drops a file that turned out to belong to no item of the batch. */
static void
fetch_sink_drop_floating(struct fetch_sink *fs)
{
	g_autofree char *tmp = NULL;

	if (fs->floating_fd < 0)
		return;
	tmp = g_build_filename(fs->ctx->maildir, "tmp", fs->floating_name,
	    NULL);
	close(fs->floating_fd);
	unlink(tmp);
	fs->floating_fd = -1;
	g_clear_pointer(&fs->floating_name, g_free);
}

/*
 * The floating file was named for UID 0 (fetch_create), its UID not yet
 * known: now it is, and the name says it as every other one does.
 */
static bool
fetch_sink_name_floating(struct fetch_sink *fs, uint32_t uid, GError **err)
{
	size_t len = strlen(fs->floating_name);
	g_autofree char *name = g_strdup_printf("%.*s%u", (int)(len - 1),
	    fs->floating_name, uid);
	g_autofree char *from = g_build_filename(fs->ctx->maildir, "tmp",
	    fs->floating_name, NULL);
	g_autofree char *to = g_build_filename(fs->ctx->maildir, "tmp", name,
	    NULL);

	if (rename(from, to) != 0) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot rename '%s': %s", from, g_strerror(errno));
		return false;
	}
	g_free(fs->floating_name);
	fs->floating_name = g_steal_pointer(&name);
	return true;
}

/* A message's answer is complete. */
static bool
fetch_sink_done(void *arg, uint32_t uid, uint64_t rfc822_size, GError **err)
{
	struct fetch_sink *fs = arg;
	struct fetch_item *it = fetch_find(fs->items, fs->n, uid);

	if (!it || (fs->current && fs->current != it) || it->received) {
		fetch_sink_drop_floating(fs);
		return true;
	}
	if (fs->floating_fd >= 0) {
		if (!fetch_sink_name_floating(fs, uid, err))
			return false;
		it->fd = fs->floating_fd;
		it->name = g_steal_pointer(&fs->floating_name);
		fs->floating_fd = -1;
	}
	it->received = true;
	it->size = rfc822_size;
	if (fs->over && fs->section == IMAP_SECTION_ALL)
		it->too_large = true;
	else if (fs->over)
		it->header_too_large = true;
	fs->current = NULL;
	/*
	 * A whole body is written: its descriptor goes now, so that two
	 * batches in hand hold no more than a few open.  A header stays open
	 * for its placeholder.
	 */
	if (fs->section == IMAP_SECTION_ALL && it->fd >= 0) {
		int fd = it->fd;

		it->fd = -1;
		if (close(fd) != 0) {
			g_set_error(err, CONSULTD_ERROR, (errno == ENOSPC ||
			    errno == EDQUOT) ? EX_TEMPFAIL : EX_IOERR,
			    "cannot write '%s': %s", it->name,
			    g_strerror(errno));
			return false;
		}
	}
	return true;
}

/* Asks for section of those of the n items that want it. */
static bool
fetch_request(struct fetch_ctx *ctx, const uint32_t *uids, size_t n,
    const GArray *big, enum imap_section section, bool *sent_out,
    GError **err)
{
	g_autoptr(GArray) want = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		bool large;

		while (j < big->len && g_array_index(big, uint32_t, j) <
		    uids[i])
			j++;
		large = j < big->len && g_array_index(big, uint32_t, j) ==
		    uids[i];
		if (large == (section == IMAP_SECTION_HEADER))
			g_array_append_val(want, uids[i]);
	}
	*sent_out = want->len > 0;
	if (!want->len)
		return true;
	if (imap_bodies_request(ctx->imap, ctx->uidvalidity,
	    (uint32_t *)(void *)want->data, want->len, section, err))
		return true;
	if (g_error_matches(*err, CONSULTD_ERROR, EX_NOINPUT))
		ctx->restart = true;
	else
		fetch_imap_failed(ctx);
	return false;
}

static bool
fetch_receive(struct fetch_ctx *ctx, struct fetch_item *items, size_t n,
    enum imap_section section, GError **err)
{
	struct fetch_sink fs = { ctx, items, n, section, NULL, -1, NULL,
	    false };
	const struct imap_body_sink sink = { fetch_sink_open, fetch_sink_done,
	    &fs };
	bool ok = imap_bodies_receive(ctx->imap, &sink, err);

	fetch_sink_drop_floating(&fs);
	return ok || fetch_imap_failed(ctx);
}

/*
 * Items the server sent nothing for: gone if a search no longer finds
 * them, else the answer was short and the batch fails (never skipped).
 */
static bool
fetch_check_missing(struct fetch_ctx *ctx, struct fetch_item *items,
    size_t n, GError **err)
{
	g_autoptr(GArray) still = NULL;
	size_t i, j = 0;
	uint32_t first = 0, last = 0;

	for (i = 0; i < n; i++)
		if (!items[i].received) {
			first = first ? first : items[i].uid;
			last = items[i].uid;
		}
	if (!first)
		return true;
	still = imap_search(ctx->imap, ctx->uidvalidity, first, last, NULL,
	    err);
	if (!still) {
		if (g_error_matches(*err, CONSULTD_ERROR, EX_NOINPUT))
			ctx->restart = true;
		else
			fetch_imap_failed(ctx);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (items[i].received)
			continue;
		while (j < still->len && g_array_index(still, uint32_t, j) <
		    items[i].uid)
			j++;
		if (j < still->len && g_array_index(still, uint32_t, j) ==
		    items[i].uid) {
			g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
			    "IMAP server %s did not send message UID %u",
			    imap_location(ctx->imap), items[i].uid);
			ctx->transient = true;
			return false;
		}
		log_debug("fetch: UID %u of %s is gone", items[i].uid,
		    imap_location(ctx->imap));
		items[i].gone = true;
	}
	return true;
}

/* A message over the limit: a placeholder from its header in its file. */
static bool
fetch_placeholder_file(struct fetch_ctx *ctx, struct fetch_item *it,
    GError **err)
{
	g_autofree char *hdr = NULL;
	g_autofree char *text = NULL;
	struct stat st;
	size_t hlen, tlen;
	ssize_t n;

	if (it->fd < 0 && !fetch_create(ctx, it->uid, &it->fd, &it->name, err))
		return false;
	if (it->header_too_large || fstat(it->fd, &st) != 0) {
		/* A header over 256 KiB: a made-up one, stable per UID. */
		hdr = g_strdup_printf("Message-ID: <too-large.%u.%u@consultd."
		    "invalid>\r\nSubject: (message too large, header too "
		    "large)\r\n\r\n", ctx->uidvalidity, it->uid);
		hlen = strlen(hdr);
	} else {
		hlen = (size_t)st.st_size;
		hdr = g_malloc(hlen + 1);
		n = pread(it->fd, hdr, hlen, 0);
		if (n < 0 || (size_t)n != hlen) {
			g_set_error(err, CONSULTD_ERROR, EX_IOERR,
			    "cannot read back a spool file: %s",
			    g_strerror(n < 0 ? errno : EIO));
			return false;
		}
	}
	text = fetch_placeholder(hdr, hlen, it->size, &tlen);
	log_warnx("fetch: UID %u of %s is %llu bytes, over max_message_size; "
	    "filing a placeholder, the message stays on the server", it->uid,
	    imap_location(ctx->imap), (unsigned long long)it->size);
	ctx->too_large++;
	return fetch_rewind(it->fd, err) &&
	    fetch_write_all(it->fd, text, tlen, err);
}

/*
 * The bodies of a batch, asked for before (ctx->ahead) or now; then the
 * headers of those over the limit; then the next batch is asked for, so
 * that the server sends it while this one is filed.
 */
static bool
fetch_bodies(struct fetch_ctx *ctx, struct fetch_item *items, size_t n,
    const uint32_t *uids, const GArray *big, const uint32_t *next,
    size_t next_n, GError **err)
{
	g_autoptr(GArray) large = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	bool sent = ctx->ahead;
	size_t i;

	ctx->ahead = false;
	if (!sent && !fetch_request(ctx, uids, n, big, IMAP_SECTION_ALL,
	    &sent, err))
		return false;
	if (sent && !fetch_receive(ctx, items, n, IMAP_SECTION_ALL, err))
		return false;
	for (i = 0; i < n; i++)
		if (items[i].too_large) {
			/* Its body was not kept: now its header is. */
			items[i].received = false;
			g_array_append_val(large, items[i].uid);
		}
	if (large->len) {
		if (!fetch_request(ctx, (uint32_t *)(void *)large->data,
		    large->len, large, IMAP_SECTION_HEADER, &sent, err) ||
		    !fetch_receive(ctx, items, n, IMAP_SECTION_HEADER, err))
			return false;
		for (i = 0; i < n; i++)
			if (items[i].too_large && items[i].received &&
			    !fetch_placeholder_file(ctx, &items[i], err))
				return false;
	}
	if (!fetch_check_missing(ctx, items, n, err))
		return false;
	for (i = 0; i < n; i++)
		if (items[i].received && !items[i].too_large)
			ctx->fetched++;
	if (next_n && !fetch_request(ctx, next, next_n, big,
	    IMAP_SECTION_ALL, &ctx->ahead, err))
		return false;
	return true;
}

/* Closes and removes what of the batch is still in tmp/. */
static void
fetch_items_release(struct fetch_ctx *ctx, struct fetch_item *items,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (items[i].fd >= 0)
			close(items[i].fd);
		if (items[i].name && !items[i].in_new) {
			g_autofree char *tmp = g_build_filename(ctx->maildir,
			    "tmp", items[i].name, NULL);

			unlink(tmp);
		}
		g_free(items[i].name);
	}
	g_free(items);
}

/*
 * tmp/ to new/: every file closed, one syncfs for the batch (the data of
 * all of them is durable before any is renamed, as a sync per file would
 * make it, at a fraction of the cost), renames, one sync of new/.
 */
static bool
fetch_publish(struct fetch_ctx *ctx, struct fetch_item *items, size_t n,
    GError **err)
{
	g_autofree char *newdir = g_build_filename(ctx->maildir, "new", NULL);
	g_autofree char *tmpdir = g_build_filename(ctx->maildir, "tmp", NULL);
	size_t i;
	int dfd;
	bool ok;

	for (i = 0; i < n; i++) {
		int fd = items[i].fd;

		if (fd < 0)
			continue;
		items[i].fd = -1;
		if (close(fd) != 0) {
			g_set_error(err, CONSULTD_ERROR, (errno == ENOSPC ||
			    errno == EDQUOT) ? EX_TEMPFAIL : EX_IOERR,
			    "cannot write '%s': %s", items[i].name,
			    g_strerror(errno));
			return false;
		}
	}
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || syncfs(dfd) != 0) {
		int e = errno;

		g_set_error(err, CONSULTD_ERROR, (e == ENOSPC || e == EDQUOT) ?
		    EX_TEMPFAIL : EX_IOERR, "cannot sync the spool '%s': %s",
		    tmpdir, g_strerror(e));
		if (dfd >= 0)
			close(dfd);
		return false;
	}
	close(dfd);
	for (i = 0; i < n; i++) {
		g_autofree char *tmp = NULL;
		g_autofree char *dst = NULL;

		if (items[i].gone || !items[i].name || items[i].in_new)
			continue;
		tmp = g_build_filename(tmpdir, items[i].name, NULL);
		dst = g_build_filename(newdir, items[i].name, NULL);
		if (rename(tmp, dst) != 0) {
			g_set_error(err, CONSULTD_ERROR, EX_IOERR,
			    "cannot move '%s' into place: %s", tmp,
			    g_strerror(errno));
			return false;
		}
		items[i].in_new = true;
	}
	dfd = open(newdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok = dfd >= 0 && fsync(dfd) == 0;
	if (!ok)
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot sync folder '%s': %s", newdir, g_strerror(errno));
	if (dfd >= 0)
		close(dfd);
	return ok;
}

/* What after_fetch says, for a batch that is filed. */
static bool
fetch_act(struct fetch_ctx *ctx, const struct fetch_item *items, size_t n,
    GError **err)
{
	g_autoptr(GArray) done = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) big = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	bool exists = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (items[i].gone)
			continue;
		g_array_append_val(items[i].too_large ? big : done,
		    items[i].uid);
	}
	/* Too large: only its placeholder is filed, so it stays put. */
	if (!imap_add_flags(ctx->imap, (uint32_t *)(void *)big->data,
	    big->len, "\\Flagged " FETCH_KEYWORD_TOO_LARGE " "
	    FETCH_KEYWORD_FILED, err))
		return fetch_imap_failed(ctx);
	if (ctx->keep)
		return true;
	if (!ctx->move_to)
		return imap_add_flags(ctx->imap, (uint32_t *)(void *)done->data,
		    done->len, "\\Seen " FETCH_KEYWORD_FILED, err) ||
		    fetch_imap_failed(ctx);
	if (!ctx->folder_ready && done->len) {
		if (!imap_folder_exists(ctx->imap, ctx->move_to, &exists, err))
			return fetch_imap_failed(ctx);
		if (!exists) {
			log_info("fetch: creating folder '%s' for filed mail",
			    ctx->move_to);
			if (!imap_create_folder(ctx->imap, ctx->move_to, err))
				return fetch_imap_failed(ctx);
		}
		ctx->folder_ready = true;
	}
	return imap_move(ctx->imap, (uint32_t *)(void *)done->data,
	    done->len, ctx->move_to, err) || fetch_imap_failed(ctx);
}

static struct fetch_item *
fetch_items_new(const uint32_t *uids, size_t n, const GArray *big)
{
	struct fetch_item *items = g_new0(struct fetch_item, n);
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		items[i].fd = -1;
		items[i].uid = uids[i];
		while (j < big->len && g_array_index(big, uint32_t, j) <
		    uids[i])
			j++;
		items[i].too_large = j < big->len &&
		    g_array_index(big, uint32_t, j) == uids[i];
	}
	return items;
}

/*
 * The bodies of the batch after the one being filed, received on a thread
 * of their own while the filer works: the IMAP session is this thread's
 * alone until it is joined, the database the filer's.
 */
struct fetch_next {
	struct fetch_ctx *ctx;
	const GArray *big;
	const uint32_t *uids;
	size_t n;
	struct fetch_item *items;
	const uint32_t *after;	/* asked for once these are in */
	size_t after_n;
	pthread_t thread;
	bool ok;
	GError *err;
};

static void *
fetch_next_run(void *data)
{
	struct fetch_next *nx = data;

	nx->ok = fetch_bodies(nx->ctx, nx->items, nx->n, nx->uids, nx->big,
	    nx->after, nx->after_n, &nx->err);
	return NULL;
}

/*
 * One batch of UIDs, ascending, its bodies in tmp/, through every step to
 * the record; meanwhile the bodies of next (if any) are received.
 */
static bool
fetch_batch(struct fetch_ctx *ctx, struct fetch_item *items, size_t n,
    struct fetch_next *next, GError **err)
{
	g_autoptr(GError) terr = NULL;
	bool ok = false, receiving = false, filed = false;

	if (!fetch_publish(ctx, items, n, err))
		goto out;
	if (next) {
		receiving = consultd_thread_start(&next->thread,
		    fetch_next_run, next, "receive", &terr);
		if (!receiving)
			log_warnx("fetch: %s; receiving after filing instead",
			    terr->message);
	}
	filed = ingest_spool(ctx->db, ctx->cfg, ctx->now, ctx->res, err);
	/* A receive that is no longer wanted stops at its next message. */
	if (!filed || consultd_stopping())
		g_atomic_int_set(&ctx->abandon, 1);
	if (receiving)
		pthread_join(next->thread, NULL);
	g_atomic_int_set(&ctx->abandon, 0);
	if (!filed)
		goto out;
	/* ingest may have stopped early: act only on a whole batch. */
	if (consultd_stopping()) {
		ctx->stopped = true;
		ok = true;
		goto out;
	}
	if (!fetch_act(ctx, items, n, err))
		goto out;
	if (!db_imap_state_set(ctx->db, ctx->key, ctx->uidvalidity,
	    items[n - 1].uid, err))
		goto out;
	ctx->progress = true;
	if (next && !receiving)
		fetch_next_run(next);
	if (next && !next->ok) {
		g_propagate_error(err, g_steal_pointer(&next->err));
		goto out;
	}
	ok = true;
out:
	/* What is in flight is for a batch this pass will not read now. */
	if (!ok || ctx->stopped) {
		imap_bodies_cancel(ctx->imap);
		ctx->ahead = false;
	}
	/*
	 * Not passed on because acting or recording failed first: said, so
	 * that it does not go unseen.  (After a stop or a failed filing the
	 * receive was called off on purpose.)
	 */
	if (next && next->err && filed && !ctx->stopped)
		log_warnx("fetch: %s", next->err->message);
	if (next)
		g_clear_error(&next->err);
	return ok;
}

/*
 * The UIDs of one search, batch by batch: the first batch's bodies are
 * received here, each next one's while the one before is filed.
 */
static bool
fetch_window(struct fetch_ctx *ctx, const GArray *uids, const GArray *big,
    GError **err)
{
	const uint32_t *all = (const uint32_t *)(const void *)uids->data;
	struct fetch_item *items = NULL;	/* of the batch at i, received */
	size_t i, n = 0, next_n = 0, after_n;
	bool ok = true;

	for (i = 0; ok && i < uids->len; i += n) {
		struct fetch_next next = { 0 };

		n = MIN(uids->len - i, FETCH_BATCH);
		next_n = MIN(uids->len - i - n, FETCH_BATCH);
		after_n = MIN(uids->len - i - n - next_n, FETCH_BATCH);
		if (!items) {
			items = fetch_items_new(all + i, n, big);
			ok = fetch_bodies(ctx, items, n, all + i, big,
			    next_n ? all + i + n : NULL, next_n, err);
			if (!ok) {
				imap_bodies_cancel(ctx->imap);
				ctx->ahead = false;
				fetch_items_release(ctx, items, n);
				items = NULL;
				break;
			}
		}
		if (next_n) {
			next.ctx = ctx;
			next.big = big;
			next.uids = all + i + n;
			next.n = next_n;
			next.items = fetch_items_new(next.uids, next_n, big);
			next.after = after_n ? next.uids + next_n : NULL;
			next.after_n = after_n;
		}
		ok = fetch_batch(ctx, items, n, next_n ? &next : NULL, err);
		fetch_items_release(ctx, items, n);
		items = next.items;
		if (ok && (ctx->stopped || consultd_stopping()))
			ctx->stopped = true;
		if (ctx->stopped)
			break;
	}
	/* Received but not filed: fetched again by the next pass. */
	if (items)
		fetch_items_release(ctx, items, next_n);
	return ok;
}

/* Settles UIDVALIDITY and returns the last UID done, or -1. */
static int64_t
fetch_start(struct fetch_ctx *ctx, uint32_t *uidnext_out, GError **err)
{
	int64_t validity = 0, last = 0;
	int r;

	if (!imap_status(ctx->imap, NULL, &ctx->uidvalidity, uidnext_out,
	    NULL, err)) {
		fetch_imap_failed(ctx);
		return -1;
	}
	r = db_imap_state_get(ctx->db, ctx->key, &validity, &last, err);
	if (r < 0)
		return -1;
	if (r && validity == ctx->uidvalidity)
		return last;
	if (r)
		log_warnx("fetch: UIDVALIDITY of %s changed from %lld to %u: "
		    "reading it all again; what is already filed is "
		    "recognised and skipped", imap_location(ctx->imap),
		    (long long)validity, ctx->uidvalidity);
	if (!db_imap_state_set(ctx->db, ctx->key, ctx->uidvalidity, 0, err))
		return -1;
	return 0;
}

/* From the last UID done to the UIDNEXT of now, window by window. */
static bool
fetch_pass(struct fetch_ctx *ctx, GError **err)
{
	uint32_t uidnext = 0, first, last;
	int64_t done;

	ctx->transient = false;
	ctx->restart = false;
	ctx->ahead = false;
	done = fetch_start(ctx, &uidnext, err);
	if (done < 0)
		return false;
	for (first = (uint32_t)done + 1; first < uidnext; first = last + 1) {
		g_autoptr(GArray) uids = NULL;
		g_autoptr(GArray) big = NULL;
		g_autofree char *larger = NULL;

		last = first + MIN(uidnext - first, FETCH_WINDOW) - 1;
		uids = imap_search(ctx->imap, ctx->uidvalidity, first, last,
		    NULL, err);
		if (!uids)
			return fetch_imap_failed(ctx);
		larger = g_strdup_printf("LARGER %llu",
		    (unsigned long long)ctx->max);
		big = uids->len ? imap_search(ctx->imap, ctx->uidvalidity,
		    first, last, larger, err) : g_array_new(FALSE, FALSE,
		    sizeof(uint32_t));
		if (!big)
			return fetch_imap_failed(ctx);
		if (!fetch_window(ctx, uids, big, err))
			return false;
		if (ctx->stopped)
			return true;
		/* UIDs only grow: none will appear below uidnext. */
		if (!db_imap_state_set(ctx->db, ctx->key, ctx->uidvalidity,
		    last, err))
			return false;
	}
	return true;
}

/* What a fetch killed half-way left in tmp/ (we hold the lock). */
static void
fetch_clean_tmp(const char *maildir)
{
	g_autofree char *dir = g_build_filename(maildir, "tmp", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = NULL;

		if (!strstr(name, FETCH_TMP_TAG))
			continue;
		p = g_build_filename(dir, name, NULL);
		if (unlink(p) == 0)
			log_debug("fetch: removed unfinished '%s'", p);
	}
	g_dir_close(d);
}

static bool
fetch_imap(struct fetch_ctx *ctx, GError **err)
{
	g_autoptr(GError) e = NULL;
	unsigned delay = 1, failures = 0;

	for (;;) {
		ctx->progress = false;
		g_clear_error(&e);
		if (fetch_pass(ctx, &e))
			return true;
		if (ctx->progress) {
			failures = 0;
			delay = 1;
		}
		if ((!ctx->transient && !ctx->restart) ||
		    failures >= FETCH_RETRIES || consultd_stopping()) {
			if (failures)
				g_prefix_error(&e, "gave up after %u "
				    "attempts: ", failures + 1);
			g_propagate_error(err, g_steal_pointer(&e));
			return false;
		}
		failures++;
		if (ctx->restart) {
			log_warnx("fetch: %s; starting over", e->message);
			continue;
		}
		log_warnx("fetch: %s; trying again in %u s", e->message,
		    delay);
		sleep(delay);
		delay *= 2;
	}
}

bool
fetch_run(struct db *db, const struct config *cfg, int64_t now,
    struct ingest_result *res, GError **err)
{
	const struct config_imap *ic = &cfg->imap;
	struct fetch_ctx ctx = { 0 };
	bool ok = false;
	int lock = -1;

	if (!ic->url)
		return ingest_spool(db, cfg, now, res, err);
	ctx.db = db;
	ctx.cfg = cfg;
	ctx.now = now;
	ctx.res = res;
	ctx.maildir = g_build_filename(cfg->spool, "inbox", NULL);
	ctx.max = (uint64_t)MAX(ic->max_message_size, 1);
	ctx.keep = g_strcmp0(ic->after_fetch, "keep") == 0;
	if (g_str_has_prefix(ic->after_fetch, "move:"))
		ctx.move_to = ic->after_fetch + 5;
	/*
	 * One fetch per spool (a second would fetch the same UIDs): a manual
	 * run waits for the daemon's.  Not the inbox's lock, which
	 * ingest_spool takes inside.
	 */
	lock = spool_lock(cfg->spool, err);
	if (lock < 0)
		goto out;
	fetch_clean_tmp(ctx.maildir);
	/* What a killed run left in new/ first: it may be flagged next. */
	if (!ingest_spool(db, cfg, now, res, err))
		goto out;
	ctx.imap = fetch_open(ic, err);
	if (!ctx.imap)
		goto out;
	ctx.key = g_strdup_printf("%s %s", ic->username,
	    imap_location(ctx.imap));
	if (!fetch_imap(&ctx, err))
		goto out;
	log_info("fetch: %lld message(s) fetched from %s, %lld too large%s",
	    (long long)ctx.fetched, imap_location(ctx.imap),
	    (long long)ctx.too_large, ctx.stopped ? "; stopped early" : "");
	ok = true;
out:
	if (!ok && ctx.fetched)
		log_info("fetch: %lld message(s) fetched before the failure",
		    (long long)ctx.fetched);
	imap_free(ctx.imap);
	g_free(ctx.key);
	g_free(ctx.maildir);
	if (lock >= 0)
		close(lock);
	return ok;
}

char *
fetch_check(const struct config_imap *ic, GError **err)
{
	struct imap *imap = NULL;
	uint32_t validity = 0, next = 0, count = 0;
	const char *folder = NULL;
	bool exists = true, move = false, uidplus = false;
	char *summary = NULL;

	if (!ic->url)
		return g_strdup("not configured: the inbox is the spool "
		    "Maildir spool/inbox");
	imap = fetch_open(ic, err);
	if (!imap)
		goto out;
	if (!imap_status(imap, NULL, &validity, &next, &count, err))
		goto out;
	if (g_str_has_prefix(ic->after_fetch, "move:")) {
		folder = ic->after_fetch + 5;
		if (!imap_folder_exists(imap, folder, &exists, err) ||
		    !imap_has_capability(imap, "MOVE", &move, err) ||
		    !imap_has_capability(imap, "UIDPLUS", &uidplus, err))
			goto out;
		if (!move && !uidplus) {
			g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
			    "IMAP server %s has neither MOVE nor UIDPLUS, so "
			    "after_fetch = %s cannot work; use flag",
			    imap_location(imap), ic->after_fetch);
			goto out;
		}
	}
	summary = g_strdup_printf("ok: logged in to %s as %s; %u message(s), "
	    "UIDVALIDITY %u, next UID %u; after_fetch = %s%s%s%s",
	    imap_location(imap), ic->username, count, validity, next,
	    ic->after_fetch, folder && !exists ? " (folder '" : "",
	    folder && !exists ? folder : "",
	    folder && !exists ? "' will be created)" : "");
out:
	imap_free(imap);
	return summary;
}
