/* SPDX-License-Identifier: MIT */
/*
 * A GThreadPool of one thread runs the jobs in the order they were
 * pushed; the jobs stay in an array of the caller's, and each is read
 * only after the pool has finished them all (g_thread_pool_free() with
 * wait), so no job is shared while it is worked on.  The thread blocks
 * every signal, which the main thread handles.
 */
#include "letterq.h"

#include <signal.h>
#include <sysexits.h>

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
	GThreadPool *pool;	/* NULL when nothing is in progress */
	GPtrArray *jobs;	/* struct letterq_job *, in push order */
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

static void
letterq_run(gpointer data, gpointer user_data)
{
	struct letterq_job *job = data;
	const struct letterq *q = user_data;

	job->item = letter_build(q->cfg, job->def, job->cid, job->p,
	    job->p->token, &job->l, q->now, &job->err);
}

struct letterq *
letterq_new(const struct config *cfg, int64_t now)
{
	struct letterq *q = g_new0(struct letterq, 1);

	q->cfg = cfg;
	q->now = now;
	q->jobs = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)letterq_job_free);
	return q;
}

/* Waits for the pool's jobs; afterwards they may be read. */
static void
letterq_wait(struct letterq *q)
{
	if (q->pool)
		g_thread_pool_free(g_steal_pointer(&q->pool), FALSE, TRUE);
}

void
letterq_push(struct letterq *q, const struct definition *def, int64_t cid,
    struct participant *p, const struct letter *l, const char *what)
{
	struct letterq_job *job = g_new0(struct letterq_job, 1);
	sigset_t all, saved;

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
	g_ptr_array_add(q->jobs, job);
	if (!q->pool) {
		/* An exclusive pool starts its thread now, with this mask. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &saved);
		q->pool = g_thread_pool_new(letterq_run, q, 1, TRUE, NULL);
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
	}
	g_thread_pool_push(q->pool, job, NULL);
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
	g_ptr_array_set_size(q->jobs, 0);
	return ok;
}

void
letterq_free(struct letterq *q)
{
	if (!q)
		return;
	letterq_wait(q);
	g_ptr_array_unref(q->jobs);
	g_free(q);
}
