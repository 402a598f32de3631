/* SPDX-License-Identifier: MIT */
/*
 * The read-ahead threads.  Each claims the next name in turn and puts its
 * item in the name's slot of the ring, so items come out in order however
 * the parses overlap.  They own nothing but the items they have not
 * handed over yet (the markers are the filer's, immutable while they
 * run); a ring of DEPTH slots bounds how many parsed messages wait, and
 * so the memory, whatever the number of files.  Signals stay with the main
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
 * Enough to keep the threads busy while the filer commits a batch; few
 * enough that waiting messages hold little memory.  Beyond
 * READAHEAD_BYTES of waiting mail no new file is started until the ring
 * is empty, and a file that large is left to the filer: a mailbox of
 * 25 MB attachments is parsed one message at a time (the file that a
 * second thread had already started aside), as without read-ahead.
 */
#define READAHEAD_DEPTH 32
#define READAHEAD_BYTES (8 * 1024 * 1024)
/*
 * Parsing and reading answers cost the filer's thread more than filing
 * them: with two threads parsing, each core has work while the other
 * waits (bench/README.md).
 */
#define READAHEAD_THREADS 2

struct readahead {
	char *folder;
	GPtrArray *names;	/* borrowed */
	size_t max;
	pthread_t threads[READAHEAD_THREADS];
	size_t started;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Under lock: */
	/* names[i] is at ring[i % DEPTH] from its parse until taken. */
	struct readahead_item *ring[READAHEAD_DEPTH];
	const struct readahead_markers *markers;	/* or NULL */
	size_t claimed;		/* names handed to a thread so far */
	size_t consumed;	/* items taken so far */
	size_t bytes;		/* readahead_weight() of the items in the ring */
	/*
	 * After a large file names[hold - 1] no claim until the filer is
	 * done with it: it has taken it and asks for the next.
	 */
	size_t hold;
	bool holding;
	bool stop;
	/* Who sleeps, so that the others wake them only when they must. */
	size_t producers_waiting;
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
		item->ext = extract_reply_with(item->msg->text,
		    markers->tmpl, item->msg->from_name, item->msg->subject);
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

/*
 * Under lock: a thread may start on the next name.  It is the consumer
 * that frees room, so a waiting thread only needs waking by it (or by a
 * stop).
 */
static bool
readahead_may_claim(const struct readahead *ra)
{
	size_t waiting = ra->claimed - ra->consumed;

	if (ra->holding && (ra->consumed < ra->hold ||
	    (ra->consumed == ra->hold && !ra->consumer_waits)))
		return false;
	return ra->claimed < ra->names->len && waiting < READAHEAD_DEPTH &&
	    (waiting == 0 || ra->bytes < READAHEAD_BYTES);
}

static void *
readahead_run(void *data)
{
	struct readahead *ra = data;

	pthread_mutex_lock(&ra->lock);
	for (;;) {
		const struct readahead_markers *markers;
		struct readahead_item *item;
		size_t i;

		while (!ra->stop && ra->claimed < ra->names->len &&
		    !readahead_may_claim(ra)) {
			ra->producers_waiting++;
			pthread_cond_wait(&ra->changed, &ra->lock);
			ra->producers_waiting--;
		}
		if (ra->stop || ra->claimed == ra->names->len)
			break;
		i = ra->claimed++;
		markers = ra->markers;
		pthread_mutex_unlock(&ra->lock);
		/*
		 * A stop that comes during a parse only costs that parse:
		 * the item goes into the ring and readahead_stop() frees it.
		 */
		item = readahead_prepare(ra, ra->names->pdata[i], markers);
		pthread_mutex_lock(&ra->lock);
		ra->ring[i % READAHEAD_DEPTH] = item;
		ra->bytes += item->size;
		/*
		 * The filer parses a large file itself: nothing new is
		 * started beside it until it is done with it and asks for
		 * the next one.
		 */
		if (item->deferred) {
			ra->holding = true;
			ra->hold = MAX(ra->hold, i + 1);
		}
		if (ra->consumer_waits && i == ra->consumed)
			pthread_cond_broadcast(&ra->changed);
	}
	pthread_mutex_unlock(&ra->lock);
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
	for (ra->started = 0; ra->started < READAHEAD_THREADS; ra->started++)
		if (!consultd_thread_start(&ra->threads[ra->started],
		    readahead_run, ra, "readahead", err)) {
			readahead_stop(ra);
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
	size_t slot;

	pthread_mutex_lock(&ra->lock);
	g_assert(ra->consumed < ra->names->len);
	slot = ra->consumed % READAHEAD_DEPTH;
	/* Taking the item after a large one lets the threads go on. */
	if (ra->producers_waiting)
		pthread_cond_broadcast(&ra->changed);
	ra->consumer_waits = true;
	while (!ra->ring[slot])
		pthread_cond_wait(&ra->changed, &ra->lock);
	ra->consumer_waits = false;
	item = g_steal_pointer(&ra->ring[slot]);
	ra->consumed++;
	ra->bytes -= item->size;
	if (ra->producers_waiting)
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
	for (i = 0; i < ra->started; i++)
		pthread_join(ra->threads[i], NULL);
	for (i = 0; i < READAHEAD_DEPTH; i++)
		readahead_item_free(ra->ring[i]);
	pthread_mutex_destroy(&ra->lock);
	pthread_cond_destroy(&ra->changed);
	g_free(ra->folder);
	g_free(ra);
}
