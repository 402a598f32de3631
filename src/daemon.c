/* SPDX-License-Identifier: MIT */
/*
 * The run loop, Redis serverCron-style: ask what is due now, do it, sleep
 * until the next due time or a signal.  Due times live in the database
 * (schedule table), so a restart neither skips nor repeats a job and a
 * digest or campaign missed while down runs once when we are back.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_schedule.h"
#include "definition.h"
#include "digest.h"
#include "fetch.h"
#include "ingest.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "remind.h"
#include "schedule.h"
#include "secret.h"
#include "workspace.h"

#include "banned.h"

static volatile sig_atomic_t daemon_reload_flag;
/*
 * The self-pipe: a signal that arrives between the loop's look at the
 * flags and its sleep would otherwise wait for the next wake-up (up to a
 * poll interval).  Handlers write a byte; the sleep polls the pipe.
 */
static int daemon_wake[2] = { -1, -1 };

static void
daemon_wake_up(void)
{
	int saved = errno;

	if (daemon_wake[1] >= 0)
		(void)!write(daemon_wake[1], "x", 1);
	errno = saved;
}

static void
daemon_on_stop(int sig)
{
	(void)sig;
	consultd_request_stop();
	daemon_wake_up();
}

static void
daemon_on_hup(int sig)
{
	(void)sig;
	daemon_reload_flag = 1;
	daemon_wake_up();
}

static void
daemon_signals(void)
{
	struct sigaction sa;

	if (daemon_wake[0] < 0 && pipe2(daemon_wake, O_CLOEXEC |
	    O_NONBLOCK) != 0)
		log_warn("daemon: cannot make the wake-up pipe");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must cut a sleep short. */
	sa.sa_handler = daemon_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = daemon_on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* One `consultd run` per database: a second one refuses to start. */
static int
daemon_lock(const char *database, GError **err)
{
	g_autofree char *path = g_strconcat(database, ".run.lock", NULL);
	char pid[32];
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		g_set_error(err, CONSULTD_ERROR, EX_IOERR,
		    "cannot open lock file '%s': %s", path, g_strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = read(fd, pid, sizeof(pid) - 1);

		pid[n > 0 ? n : 0] = '\0';
		g_set_error(err, CONSULTD_ERROR, EX_TEMPFAIL,
		    "another 'consultd run' (pid %s) is using '%s'; stop it "
		    "first", *pid ? g_strstrip(pid) : "?", database);
		close(fd);
		return -1;
	}
	g_snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		log_warn("daemon: cannot write the pid into '%s'", path);
	return fd;
}

static void
daemon_log_error(const char *what, GError *err)
{
	log_warnx("daemon: %s: %s", what, err ? err->message : "failed");
}

/* Fetch and file, run commands, send: the poll tick. */
static void
daemon_poll(struct workspace *ws, int64_t now)
{
	g_autoptr(GError) err = NULL;
	struct ingest_result res = { 0 };
	struct outbox_result sent;
	bool ok;

	if (ws->cfg->imap.url)
		ok = fetch_run(ws->db, ws->cfg, now, &res, &err);
	else
		ok = ingest_spool(ws->db, ws->cfg, now, &res, &err);
	if (!ok) {
		daemon_log_error("fetch", err);
		g_clear_error(&err);
	}
	if (!command_run_pending(ws->db, ws->cfg, now, &err)) {
		daemon_log_error("commands", err);
		g_clear_error(&err);
	}
	if (!outbox_flush(ws->db, ws->cfg, now, &sent, &err))
		daemon_log_error("sending", err);
}

/* Campaigns on each consultation's "days before the deadline" plan. */
static int64_t
daemon_reminders(struct workspace *ws, int64_t now)
{
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GError) err = NULL;
	int64_t next_wake = 0;
	size_t i;

	names = db_consultation_names(ws->db, &err);
	if (!names) {
		daemon_log_error("reminders", err);
		return 0;
	}
	for (i = 0; i < names->len; i++) {
		const char *name = names->pdata[i];
		g_autofree char *job = g_strconcat("remind:", name, NULL);
		struct definition *def;
		struct remind_result res;
		int64_t cid, last, next, due, upcoming;

		def = db_consultation_load(ws->db, name, &cid, &err);
		if (!def || def->closed_at ||
		    !db_schedule_get(ws->db, job, &last, &next, &err)) {
			if (err)
				daemon_log_error(job, err);
			g_clear_error(&err);
			definition_free(def);
			continue;
		}
		due = schedule_reminder_due(def->deadline,
		    def->reminder_days_before, last, now);
		if (due) {
			remind_result_init(&res);
			if (remind_run(ws->db, ws->cfg, name, false, now, &res,
			    &err)) {
				log_info("daemon: reminder campaign for '%s': "
				    "%lld reminded", name,
				    (long long)res.reminded);
				last = due;
			} else
				daemon_log_error(job, err);
			g_clear_error(&err);
			remind_result_release(&res);
		}
		upcoming = schedule_reminder_next(def->deadline,
		    def->reminder_days_before, now);
		if (!db_schedule_set(ws->db, job, last, upcoming, &err)) {
			daemon_log_error(job, err);
			g_clear_error(&err);
		}
		if (upcoming && (!next_wake || upcoming < next_wake))
			next_wake = upcoming;
		definition_free(def);
	}
	return next_wake;
}

/*
 * The weekly digest on [digest] schedule.  next_due is kept in the
 * database: a digest that fell due while we were down is sent once, now,
 * and the next one is scheduled from now.
 */
static int64_t
daemon_digest(struct workspace *ws, int64_t now)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	struct digest_result res;
	int64_t last, next;

	if (!ws->cfg->digest.to)
		return 0;
	if (!db_schedule_get(ws->db, "digest", &last, &next, &err)) {
		daemon_log_error("digest", err);
		return 0;
	}
	if (next && next <= now) {
		digest_result_init(&res);
		if (digest_run(ws->db, ws->cfg, NULL, NULL, false, now, &res,
		    &err)) {
			log_info("daemon: digest sent (%lld message(s))",
			    (long long)res.queued);
			last = now;
		} else {
			daemon_log_error("digest", err);
			g_clear_error(&err);
			digest_result_release(&res);
			/* Try again at the next poll, not a week later. */
			return now + ws->cfg->imap.poll_interval;
		}
		digest_result_release(&res);
		next = 0;
	}
	if (!next && !schedule_weekly_next(ws->cfg->digest.schedule, now, tz,
	    &next)) {
		log_warnx("daemon: [digest] schedule '%s' is not like "
		    "'Mon 08:00': no digest", ws->cfg->digest.schedule);
		return 0;
	}
	if (!db_schedule_set(ws->db, "digest", last, next, &err))
		daemon_log_error("digest", err);
	return next;
}

/*
 * The passwords the polls will need, read as fetch and flush read them:
 * one others may read refuses the start (EX_CONFIG, with the chmod to
 * run), as it refuses those commands, where a daemon started anyway
 * would only warn at every poll.
 */
static bool
daemon_check_secrets(const struct config *cfg, GError **err)
{
	char *pw;

	if (cfg->imap.url && cfg->imap.username) {
		pw = fetch_password(&cfg->imap, err);
		if (!pw)
			return false;
		secret_free(pw);
	}
	if (cfg->smtp.url && cfg->smtp.username) {
		pw = outbox_password(&cfg->smtp, err);
		if (!pw)
			return false;
		secret_free(pw);
	}
	return true;
}

/* SIGHUP: a new configuration, if valid; the database stays open. */
static void
daemon_reload(struct workspace *ws)
{
	g_autoptr(GError) err = NULL;
	struct config *cfg = config_load(ws->cfg->path, &err);

	if (cfg && !daemon_check_secrets(cfg, &err))
		g_clear_pointer(&cfg, config_free);
	if (!cfg) {
		log_warnx("daemon: reload refused, keeping the running "
		    "configuration: %s", err->message);
		return;
	}
	if (strcmp(cfg->database, ws->cfg->database) != 0 ||
	    strcmp(cfg->spool, ws->cfg->spool) != 0)
		log_warnx("daemon: a new database or spool path takes effect "
		    "only after a restart");
	g_free(cfg->database);
	cfg->database = g_strdup(ws->cfg->database);
	g_free(cfg->spool);
	cfg->spool = g_strdup(ws->cfg->spool);
	config_free(ws->cfg);
	ws->cfg = cfg;
	log_info("daemon: configuration reloaded from '%s'", cfg->path);
}

static void
daemon_sleep_until(int64_t when)
{
	int64_t now = consultd_now();
	int64_t wd = notify_watchdog_usec();
	int64_t secs;
	struct pollfd pfd = { .fd = daemon_wake[0], .events = POLLIN };
	char drain[64];

	if (when <= now || consultd_stopping() || daemon_reload_flag)
		return;
	secs = when - now;
	/* Wake for the watchdog at half its interval. */
	if (wd && secs > wd / 2000000)
		secs = MAX(wd / 2000000, 1);
	/* A signal writes to the pipe (or interrupts poll): look again. */
	if (poll(&pfd, daemon_wake[0] >= 0 ? 1 : 0,
	    (int)MIN(secs, 3600) * 1000) > 0)
		while (read(daemon_wake[0], drain, sizeof(drain)) > 0)
			;
}

bool
daemon_run(const char *config_path, GError **err)
{
	struct workspace ws;
	int64_t next_poll = 0, next_reminders = 0, next_digest = 0, now, wake;
	int lock;
	char status[128];

	if (!workspace_open(&ws, config_path, err))
		return false;
	if (!daemon_check_secrets(ws.cfg, err)) {
		workspace_close(&ws);
		return false;
	}
	lock = daemon_lock(ws.cfg->database, err);
	if (lock < 0) {
		workspace_close(&ws);
		return false;
	}
	daemon_signals();
	log_info("daemon: started (pid %d), polling every %lld s",
	    (int)getpid(), (long long)ws.cfg->imap.poll_interval);
	notify_send("READY=1\nSTATUS=started");
	while (!consultd_stopping()) {
		if (daemon_reload_flag) {
			daemon_reload_flag = 0;
			notify_send("RELOADING=1");
			daemon_reload(&ws);
			notify_send("READY=1");
			next_poll = 0;
		}
		now = consultd_now();
		if (now >= next_poll) {
			daemon_poll(&ws, now);
			next_poll = now + ws.cfg->imap.poll_interval;
			g_snprintf(status, sizeof(status), "STATUS=last poll "
			    "at %lld", (long long)now);
			notify_send(status);
		}
		if (consultd_stopping())
			break;
		if (now >= next_reminders)
			next_reminders = daemon_reminders(&ws, now);
		if (!next_reminders)
			next_reminders = now + 3600;
		if (now >= next_digest) {
			next_digest = daemon_digest(&ws, now);
			if (!next_digest)
				next_digest = now + 3600;
		}
		notify_send("WATCHDOG=1");
		wake = MIN(MIN(next_poll, next_reminders), next_digest);
		daemon_sleep_until(wake);
	}
	notify_send("STOPPING=1");
	log_info("daemon: stopping");
	close(lock);
	workspace_close(&ws);
	return true;
}
