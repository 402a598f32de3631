/* SPDX-License-Identifier: MIT */
/*
 * One thread runs the jobs in the order they were pushed, from
 * letterq_new() to letterq_free().  The jobs stay in the queue's array;
 * a job's results are read only once the thread has counted it done,
 * under the lock, so no job is shared while it is worked on.  POSIX
 * locks rather than GLib's, whose futexes ThreadSanitizer cannot see.
 */
#include "letterq.h"

#include <pthread.h>
#include <stdbool.h>
#include <sysexits.h>

#include "consultd.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "letter.h"
#include "log.h"

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

struct letterq {
	const struct config *cfg;
	int64_t now;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Under lock: */
	GPtrArray *jobs;	/* struct letterq_job *, in push order */
	size_t done;		/* jobs[0 .. done) are finished */
	bool quit;
};

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

static void *
letterq_run(void *data)
{
	struct letterq *q = data;
	struct letterq_job *job;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->quit && q->done == q->jobs->len)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->done == q->jobs->len)
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
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	q->jobs = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)letterq_job_free);
	if (!consultd_thread_start(&q->thread, letterq_run, q, "letters",
	    err)) {
		letterq_free(q);
		return NULL;
	}
	q->started = true;
	return q;
}

/* Waits until the thread has done every job pushed. */
static void
letterq_wait(struct letterq *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->done < q->jobs->len)
		pthread_cond_wait(&q->changed, &q->lock);
	pthread_mutex_unlock(&q->lock);
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
	for (i = 0; ok && i < q->jobs->len; i++) {
		struct letterq_job *job = q->jobs->pdata[i];

		if (job->err && (job->err->code == EX_CONFIG ||
		    job->err->code == EX_DATAERR))
			log_warnx("%s: %s", job->what, job->err->message);
		else if (job->err) {
			g_propagate_prefixed_error(err,
			    g_steal_pointer(&job->err), "%s: ", job->what);
			ok = false;
		} else
			ok = db_outbox_add(db, job->item, q->now, err);
	}
	pthread_mutex_lock(&q->lock);
	g_ptr_array_set_size(q->jobs, 0);
	q->done = 0;
	pthread_mutex_unlock(&q->lock);
	return ok;
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
	g_ptr_array_unref(q->jobs);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->changed);
	g_free(q);
}
