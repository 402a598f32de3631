/* SPDX-License-Identifier: MIT */
/*
 * One thread runs the jobs in the order they were pushed, from
 * letterq_new() to letterq_free().  The jobs stay in the queue's array;
 * a job's results are read only once the thread has counted it done,
 * under the lock, so no job is shared while it is worked on.  The same
 * holds for the receipts handed over to be written: the filer touches
 * them again only once the thread has counted them done.  POSIX locks
 * rather than GLib's, whose futexes ThreadSanitizer cannot see.
 */
#include "letterq.h"

#include <pthread.h>
#include <stdbool.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "emlout.h"
#include "letter.h"
#include "log.h"
#include "outbox.h"

#include "banned.h"

struct letterq_job {
	/* Inputs, owned. */
	const struct definition *def;
	int64_t cid;
	struct participant *p;
	struct letter l;
	GHashTable *vars;
	char *unique;
	char *in_reply_to;
	char *references;
	char *what;
	/* Results. */
	struct outbox_item *item;
	GError *err;
};

/* A receipt written by the queue, from its row to its mark. */
struct letterq_receipt {
	int64_t id;
	struct outbox_item *item;
	bool written;
};

struct letterq {
	const struct config *cfg;
	int64_t now;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool eml;		/* the embedded default: write receipts */
	int item_lock;		/* outbox item locks (eml), or -1 */
	int64_t sent;
	/* The filer's: locked, rows added in the open transaction. */
	GPtrArray *queued;	/* struct letterq_receipt * */
	/*
	 * Handed to the thread by letterq_committed(), the filer's again
	 * once writing is false: then those written are marked sent by
	 * the next transaction.
	 */
	GPtrArray *handed;
	/* Under lock: */
	GPtrArray *jobs;	/* struct letterq_job *, in push order */
	size_t done;		/* jobs[0 .. done) are finished */
	bool writing;		/* handed is the thread's */
	bool quit;
};

static void
letterq_receipt_free(struct letterq_receipt *r)
{
	outbox_item_free(r->item);
	g_free(r);
}

static void
letterq_job_free(struct letterq_job *job)
{
	participant_free(job->p);
	if (job->vars)
		g_hash_table_unref(job->vars);
	g_free(job->unique);
	g_free(job->in_reply_to);
	g_free(job->references);
	g_free(job->what);
	outbox_item_free(job->item);
	g_clear_error(&job->err);
	g_free(job);
}

/* Receipts of q->handed into spool/outbox, then one sync for them all. */
static void
letterq_write(struct letterq *q)
{
	GError *err = NULL;
	size_t i;

	for (i = 0; i < q->handed->len; i++) {
		struct letterq_receipt *r = q->handed->pdata[i];

		if (!emlout_write(q->cfg->spool, r->id, r->item->kind,
		    r->item->content, r->item->content_len, &err))
			break;
		r->written = true;
	}
	if (err || !emlout_commit(q->cfg->spool, &err)) {
		/*
		 * None is marked sent unless all are durable: the flush
		 * writes them again, under the same names.
		 */
		for (i = 0; i < q->handed->len; i++)
			((struct letterq_receipt *)
			    q->handed->pdata[i])->written = false;
		log_warnx("letters: %s; the receipts are left to the outbox",
		    err->message);
		g_error_free(err);
	}
}

static void *
letterq_run(void *data)
{
	struct letterq *q = data;
	struct letterq_job *job;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->quit && !q->writing && q->done == q->jobs->len)
			pthread_cond_wait(&q->changed, &q->lock);
		/* The older work first: the filer waits for it next. */
		if (q->writing) {
			pthread_mutex_unlock(&q->lock);
			letterq_write(q);
			pthread_mutex_lock(&q->lock);
			q->writing = false;
			pthread_cond_broadcast(&q->changed);
			continue;
		}
		/* Letters not yet built when the queue is dropped are not. */
		if (q->quit || q->done == q->jobs->len)
			break;
		job = q->jobs->pdata[q->done];
		pthread_mutex_unlock(&q->lock);
		job->item = letter_build(q->cfg, job->def, job->cid, job->p,
		    job->p->token, &job->l, q->now, &job->err);
		pthread_mutex_lock(&q->lock);
		q->done++;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct letterq *
letterq_new(const struct config *cfg, int64_t now, GError **err)
{
	struct letterq *q = g_new0(struct letterq, 1);

	q->cfg = cfg;
	q->now = now;
	q->eml = cfg->smtp.url == NULL;
	q->item_lock = -1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	q->jobs = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)letterq_job_free);
	q->queued = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)letterq_receipt_free);
	q->handed = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)letterq_receipt_free);
	if (q->eml && (q->item_lock = outbox_lock_open(cfg, err)) < 0) {
		letterq_free(q);
		return NULL;
	}
	if (!consultd_thread_start(&q->thread, letterq_run, q, "letters",
	    err)) {
		letterq_free(q);
		return NULL;
	}
	q->started = true;
	return q;
}

/* Waits until the thread has done every job pushed and written. */
static void
letterq_wait(struct letterq *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->done < q->jobs->len || q->writing)
		pthread_cond_wait(&q->changed, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

/*
 * The receipts the thread wrote are marked sent in the caller's
 * transaction; they stay locked until it has committed.
 */
static bool
letterq_mark_sent(struct letterq *q, struct db *db, GError **err)
{
	size_t i;

	for (i = 0; i < q->handed->len; i++) {
		struct letterq_receipt *r = q->handed->pdata[i];

		if (r->written && !db_outbox_mark_sent(db, r->id, q->now,
		    err))
			return false;
	}
	return true;
}

/* Once the marks have committed: counted, logged, unlocked. */
static void
letterq_release(struct letterq *q, bool marked)
{
	size_t i;

	for (i = 0; i < q->handed->len; i++) {
		struct letterq_receipt *r = q->handed->pdata[i];

		if (marked && r->written) {
			q->sent++;
			log_info("outbox: wrote %s %lld to participant %lld",
			    r->item->kind, (long long)r->id,
			    (long long)r->item->participant_id);
		}
		outbox_unlock_item(q->item_lock, r->id);
	}
	g_ptr_array_set_size(q->handed, 0);
}

/* A receipt whose row is added: locked until marked, else the flush's. */
static void
letterq_queue(struct letterq *q, struct letterq_job *job, int64_t id)
{
	struct letterq_receipt *r;

	if (!outbox_lock_item(q->item_lock, id))
		return;
	r = g_new0(struct letterq_receipt, 1);
	r->id = id;
	r->item = g_steal_pointer(&job->item);
	g_ptr_array_add(q->queued, r);
}

void
letterq_push(struct letterq *q, const struct definition *def, int64_t cid,
    struct participant *p, const struct letter *l, const char *what)
{
	struct letterq_job *job = g_new0(struct letterq_job, 1);

	job->def = def;
	job->cid = cid;
	job->p = p;
	job->l = *l;
	if (l->vars)
		job->vars = g_hash_table_ref(l->vars);
	job->unique = g_strdup(l->unique);
	job->in_reply_to = g_strdup(l->in_reply_to);
	job->references = g_strdup(l->references);
	job->what = g_strdup(what);
	job->l.vars = job->vars;
	job->l.unique = job->unique;
	job->l.in_reply_to = job->in_reply_to;
	job->l.references = job->references;
	pthread_mutex_lock(&q->lock);
	g_ptr_array_add(q->jobs, job);
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

bool
letterq_flush(struct letterq *q, struct db *db, GError **err)
{
	bool ok = true;
	size_t i;

	letterq_wait(q);
	ok = letterq_mark_sent(q, db, err);
	for (i = 0; ok && i < q->jobs->len; i++) {
		struct letterq_job *job = q->jobs->pdata[i];
		int64_t id;

		if (job->err && (job->err->code == EX_CONFIG ||
		    job->err->code == EX_DATAERR))
			log_warnx("%s: %s", job->what, job->err->message);
		else if (job->err) {
			g_propagate_prefixed_error(err,
			    g_steal_pointer(&job->err), "%s: ", job->what);
			ok = false;
		} else {
			ok = db_outbox_add(db, job->item, q->now, &id, err);
			if (ok && q->eml)
				letterq_queue(q, job, id);
		}
	}
	pthread_mutex_lock(&q->lock);
	g_ptr_array_set_size(q->jobs, 0);
	q->done = 0;
	pthread_mutex_unlock(&q->lock);
	if (!ok)
		letterq_rollback(q);
	return ok;
}

void
letterq_rollback(struct letterq *q)
{
	size_t i;

	for (i = 0; i < q->queued->len; i++)
		outbox_unlock_item(q->item_lock,
		    ((struct letterq_receipt *)q->queued->pdata[i])->id);
	g_ptr_array_set_size(q->queued, 0);
}

void
letterq_committed(struct letterq *q)
{
	GPtrArray *swap;

	letterq_release(q, true);
	if (!q->queued->len)
		return;
	swap = q->handed;
	q->handed = q->queued;
	q->queued = swap;
	pthread_mutex_lock(&q->lock);
	q->writing = true;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

bool
letterq_finish(struct letterq *q, struct db *db, GError **err)
{
	bool ok;

	letterq_wait(q);
	if (!q->handed->len)
		return true;
	/*
	 * At NORMAL, as a flush records its sends (outbox.c): a power loss
	 * may forget these marks, and the same files are written again.
	 */
	ok = db_set_full_sync(db, false, err) && db_begin(db, err);
	if (ok && !letterq_mark_sent(q, db, err)) {
		db_rollback(db);
		ok = false;
	}
	ok = ok && db_commit(db, err);
	if (!db_set_full_sync(db, true, ok ? err : NULL))
		ok = false;
	letterq_release(q, ok);
	return ok;
}

int64_t
letterq_sent(const struct letterq *q)
{
	return q->sent;
}

void
letterq_free(struct letterq *q)
{
	if (!q)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->lock);
		q->quit = true;
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	/* What is not marked sent, if committed, is left to the flush. */
	if (q->item_lock >= 0)
		close(q->item_lock);
	g_ptr_array_unref(q->queued);
	g_ptr_array_unref(q->handed);
	g_ptr_array_unref(q->jobs);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->changed);
	g_free(q);
}
