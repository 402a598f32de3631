/* SPDX-License-Identifier: MIT */
/*
 * The read-ahead thread.  It owns nothing but the items it has not handed
 * over yet (the markers are the filer's, immutable while it runs); a
 * ring of DEPTH slots bounds how many parsed messages wait, and so the
 * memory, whatever the number of files.  Signals stay with the main
 * thread, which alone decides when to stop (consultd_stopping()).
 * POSIX locks rather than GLib's, whose futexes ThreadSanitizer cannot
 * see.
 */
#include "readahead.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "consultd.h"
#include "extract.h"
#include "message.h"
#include "mime.h"
#include "spool.h"

#include "banned.h"

/*
 * Enough to keep the thread busy while the filer commits a batch; few
 * enough that waiting messages hold little memory.  Beyond
 * READAHEAD_BYTES of waiting mail the thread waits until the ring is
 * empty, and a file that large is left to the filer: a mailbox of 25 MB
 * attachments is parsed one message at a time, as without the thread.
 */
#define READAHEAD_DEPTH 16
#define READAHEAD_BYTES (8 * 1024 * 1024)

struct readahead {
	char *folder;
	GPtrArray *names;	/* borrowed */
	size_t max;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Under lock: */
	struct readahead_item *ring[READAHEAD_DEPTH];
	const struct readahead_markers *markers;	/* or NULL */
	size_t produced;	/* items put in the ring so far */
	size_t consumed;	/* items taken so far */
	size_t bytes;		/* readahead_weight() of the items in the ring */
	bool stop;
	/*
	 * Who sleeps, so that the other wakes it only when it has to:
	 * the thread once the ring is full (or heavy), until it is half
	 * empty (and light), and after a large file, until the filer is
	 * done with it.
	 */
	bool producer_waits;
	bool consumer_waits;
};

/* About what a parsed message holds while it waits. */
static size_t
readahead_weight(const struct message *msg)
{
	size_t n = 0, i;

	if (!msg)
		return 0;
	n += strlen(msg->text);
	for (i = 0; i < msg->attachments->len; i++)
		n += ((struct message_attachment *)
		    msg->attachments->pdata[i])->size;
	return n;
}

void
readahead_read(struct readahead_item *item, const char *path, size_t max,
    const struct readahead_markers *markers)
{
	g_autofree char *raw = NULL;
	size_t len = 0;

	item->deferred = false;
	raw = spool_read(path, max, &len, &item->read_err);
	if (!raw)
		return;
	item->hash = message_content_hash(raw, len);
	item->msg = mime_parse(raw, len, &item->parse_err);
	g_clear_pointer(&raw, g_free);
	item->size = readahead_weight(item->msg);
	if (item->msg && markers) {
		item->ext = extract_reply(item->msg->text,
		    (const char *const *)markers->ids,
		    (const char *const *)markers->ignore);
		item->ext_cid = markers->cid;
	}
}

static struct readahead_item *
readahead_prepare(const struct readahead *ra, const char *name,
    const struct readahead_markers *markers)
{
	struct readahead_item *item = g_new0(struct readahead_item, 1);
	g_autofree char *path = g_build_filename(ra->folder, name, NULL);
	struct stat st;

	if (stat(path, &st) == 0 && st.st_size >= READAHEAD_BYTES)
		item->deferred = true;
	else
		readahead_read(item, path, ra->max, markers);
	return item;
}

/* Under lock: no room for one more item. */
static bool
readahead_full(const struct readahead *ra)
{
	size_t waiting = ra->produced - ra->consumed;

	return waiting == READAHEAD_DEPTH ||
	    (waiting > 0 && ra->bytes >= READAHEAD_BYTES);
}

/* Under lock: emptied enough to read ahead again. */
static bool
readahead_light(const struct readahead *ra)
{
	size_t waiting = ra->produced - ra->consumed;

	return waiting <= READAHEAD_DEPTH / 2 &&
	    (waiting == 0 || ra->bytes < READAHEAD_BYTES / 2);
}

static void *
readahead_run(void *data)
{
	struct readahead *ra = data;
	size_t i;

	for (i = 0; i < ra->names->len; i++) {
		const struct readahead_markers *markers;
		struct readahead_item *item;
		bool stop;

		pthread_mutex_lock(&ra->lock);
		if (readahead_full(ra)) {
			ra->producer_waits = true;
			while (!ra->stop && !readahead_light(ra))
				pthread_cond_wait(&ra->changed, &ra->lock);
			ra->producer_waits = false;
		}
		stop = ra->stop;
		markers = ra->markers;
		pthread_mutex_unlock(&ra->lock);
		/*
		 * A stop that comes during a parse only costs that parse:
		 * the item goes into the ring and readahead_stop() frees it.
		 */
		if (stop)
			break;
		item = readahead_prepare(ra, ra->names->pdata[i], markers);
		pthread_mutex_lock(&ra->lock);
		ra->ring[ra->produced % READAHEAD_DEPTH] = item;
		ra->produced++;
		ra->bytes += item->size;
		if (ra->consumer_waits)
			pthread_cond_broadcast(&ra->changed);
		/*
		 * The filer parses a large file itself: nothing is parsed
		 * beside it until it asks for the next one.
		 */
		if (item->deferred) {
			ra->producer_waits = true;
			while (!ra->stop && !(ra->consumed == ra->produced &&
			    ra->consumer_waits))
				pthread_cond_wait(&ra->changed, &ra->lock);
			ra->producer_waits = false;
		}
		pthread_mutex_unlock(&ra->lock);
	}
	return NULL;
}

struct readahead *
readahead_start(const char *folder, GPtrArray *names, size_t max,
    const struct readahead_markers *expected, GError **err)
{
	struct readahead *ra = g_new0(struct readahead, 1);

	ra->folder = g_strdup(folder);
	ra->names = names;
	ra->max = max;
	ra->markers = expected;
	pthread_mutex_init(&ra->lock, NULL);
	pthread_cond_init(&ra->changed, NULL);
	if (!consultd_thread_start(&ra->thread, readahead_run, ra,
	    "readahead", err)) {
		pthread_mutex_destroy(&ra->lock);
		pthread_cond_destroy(&ra->changed);
		g_free(ra->folder);
		g_free(ra);
		return NULL;
	}
	return ra;
}

void
readahead_expect(struct readahead *ra, const struct readahead_markers *m)
{
	pthread_mutex_lock(&ra->lock);
	ra->markers = m;
	pthread_mutex_unlock(&ra->lock);
}

struct readahead_item *
readahead_next(struct readahead *ra)
{
	struct readahead_item *item;

	pthread_mutex_lock(&ra->lock);
	g_assert(ra->consumed < ra->names->len);
	ra->consumer_waits = true;
	if (ra->producer_waits && ra->produced == ra->consumed)
		pthread_cond_broadcast(&ra->changed);
	while (ra->produced == ra->consumed)
		pthread_cond_wait(&ra->changed, &ra->lock);
	ra->consumer_waits = false;
	item = g_steal_pointer(&ra->ring[ra->consumed % READAHEAD_DEPTH]);
	ra->consumed++;
	ra->bytes -= item->size;
	if (ra->producer_waits && readahead_light(ra))
		pthread_cond_broadcast(&ra->changed);
	pthread_mutex_unlock(&ra->lock);
	return item;
}

void
readahead_item_free(struct readahead_item *item)
{
	if (!item)
		return;
	g_clear_error(&item->read_err);
	g_clear_error(&item->parse_err);
	extract_result_free(item->ext);
	g_free(item->hash);
	message_free(item->msg);
	g_free(item);
}

void
readahead_stop(struct readahead *ra)
{
	size_t i;

	if (!ra)
		return;
	pthread_mutex_lock(&ra->lock);
	ra->stop = true;
	pthread_cond_broadcast(&ra->changed);
	pthread_mutex_unlock(&ra->lock);
	pthread_join(ra->thread, NULL);
	for (i = 0; i < READAHEAD_DEPTH; i++)
		readahead_item_free(ra->ring[i]);
	pthread_mutex_destroy(&ra->lock);
	pthread_cond_destroy(&ra->changed);
	g_free(ra->folder);
	g_free(ra);
}
