/* SPDX-License-Identifier: MIT */
/*
 * The outbox flush: claim a batch of due items, hand each to the sink,
 * record the outcome.  The sink is SMTP when [smtp] url is set, else the
 * .eml files of the embedded default.  One SMTP connection serves the
 * whole flush (a campaign), one transaction per recipient (SPEC 10).
 */
#include "outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consultd.h"
#include "db.h"
#include "db_outbox.h"
#include "db_participant.h"
#include "emlout.h"
#include "log.h"
#include "secret.h"
#include "smtp.h"

#include "banned.h"

#define OUTBOX_BATCH 200
/* After this many failed attempts (about five days of back-off) a
 * temporary failure becomes final. */
#define OUTBOX_MAX_ATTEMPTS 14

struct outbox_sink {
	struct smtp *smtp;	/* NULL: the .eml spool */
	int64_t gap_usec;	/* between two sends, from [smtp] rate */
	int lock;		/* DATABASE.outbox.lock, or -1 */
};

/* "60/min", "2/s", "1000/h" as microseconds between sends; 0 for none. */
static bool
outbox_parse_rate(const char *rate, int64_t *gap_out)
{
	g_auto(GStrv) parts = NULL;
	gint64 n;
	int64_t period;

	*gap_out = 0;
	if (!rate)
		return true;
	parts = g_strsplit(rate, "/", 2);
	if (!parts[0] || !parts[1] || !g_ascii_string_to_signed(
	    g_strstrip(parts[0]), 10, 1, 1000000, &n, NULL))
		return false;
	g_strstrip(parts[1]);
	if (strcmp(parts[1], "s") == 0 || strcmp(parts[1], "sec") == 0)
		period = 1000000;
	else if (strcmp(parts[1], "min") == 0 || strcmp(parts[1], "m") == 0)
		period = 60 * (int64_t)1000000;
	else if (strcmp(parts[1], "h") == 0 || strcmp(parts[1], "hour") == 0)
		period = 3600 * (int64_t)1000000;
	else
		return false;
	*gap_out = period / n;
	return true;
}

static bool
outbox_rate(const struct config *cfg, int64_t *gap_out, GError **err)
{
	if (outbox_parse_rate(cfg->smtp.rate, gap_out))
		return true;
	g_set_error(err, CONSULTD_ERROR, EX_CONFIG, "[smtp] rate '%s' must "
	    "look like 60/min, 2/s or 1000/h", cfg->smtp.rate);
	return false;
}

char *
outbox_password(const struct config_smtp *sc, GError **err)
{
	return secret_read(sc->password_file, "smtp-password",
	    "the SMTP password", err);
}

/*
 * The settings of [smtp], with the password read for them (*password_out,
 * to be freed with secret_free()), or false with EX_CONFIG.
 */
static bool
outbox_settings(const struct config *cfg, struct smtp_settings *set,
    char **password_out, GError **err)
{
	*set = (struct smtp_settings){ 0 };
	*password_out = NULL;
	if (cfg->smtp.username) {
		*password_out = outbox_password(&cfg->smtp, err);
		if (!*password_out)
			return false;
	}
	set->url = cfg->smtp.url;
	set->tls_required = strcmp(cfg->smtp.tls, "none") != 0;
	set->ca_file = cfg->smtp.ca_file;
	set->username = cfg->smtp.username;
	set->password = *password_out;
	set->connect_timeout = 30;
	set->total_timeout = 300;
	return true;
}

/*
 * Several processes may flush at once: the daemon, and a coordinator's
 * `consultd remind` or `flush`.  Before an item goes to the sink it is
 * locked on its own byte of DATABASE.outbox.lock and looked up again:
 * the holder of the lock sends it, the others pass over it, and once sent
 * it is no longer due.  The kernel drops open file description locks
 * with the file, so a crash leaves nothing behind to wait for.
 */
int
outbox_lock_open(const struct config *cfg, GError **err)
{
	g_autofree char *path = g_strconcat(cfg->database, ".outbox.lock",
	    NULL);
	int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (lock < 0)
		g_set_error(err, CONSULTD_ERROR, EX_IOERR, "cannot open lock "
		    "file '%s': %s", path, g_strerror(errno));
	return lock;
}

static int
outbox_lock_set(int lock, int64_t id, short type)
{
	struct flock fl = {
		.l_type = type,
		.l_whence = SEEK_SET,
		.l_start = (off_t)id,
		.l_len = 1,
	};

	return fcntl(lock, F_OFD_SETLK, &fl);
}

bool
outbox_lock_item(int lock, int64_t id)
{
	return outbox_lock_set(lock, id, F_WRLCK) == 0;
}

void
outbox_unlock_item(int lock, int64_t id)
{
	(void)outbox_lock_set(lock, id, F_UNLCK);
}

/* Takes item for this flush; *mine_out is false when another has it. */
static bool
outbox_claim(struct db *db, int lock, const struct outbox_item *item,
    int64_t now, bool *mine_out, GError **err)
{
	*mine_out = false;
	if (!outbox_lock_item(lock, item->id)) {
		if (errno == EAGAIN || errno == EACCES)
			return true;
		g_set_error(err, CONSULTD_ERROR, EX_IOERR, "cannot lock "
		    "outgoing message %lld: %s", (long long)item->id,
		    g_strerror(errno));
		return false;
	}
	if (!db_outbox_is_due(db, item->id, now, mine_out, err)) {
		outbox_unlock_item(lock, item->id);
		return false;
	}
	if (!*mine_out)
		outbox_unlock_item(lock, item->id);
	return true;
}

static bool
outbox_sink_open(const struct config *cfg, struct outbox_sink *sink,
    GError **err)
{
	struct smtp_settings set;
	char *password = NULL;

	*sink = (struct outbox_sink){ .lock = -1 };
	sink->lock = outbox_lock_open(cfg, err);
	if (sink->lock < 0)
		return false;
	if (!cfg->smtp.url)
		return true;
	if (!outbox_rate(cfg, &sink->gap_usec, err) ||
	    !outbox_settings(cfg, &set, &password, err))
		return false;
	sink->smtp = smtp_new(&set, err);
	secret_free(password);
	return sink->smtp != NULL;
}

char *
outbox_check(const struct config *cfg, GError **err)
{
	struct smtp_settings set;
	char *password = NULL;
	char *summary = NULL;
	int64_t gap;

	if (!cfg->smtp.url)
		return g_strdup("not configured: outgoing mail is written to "
		    "spool/outbox as .eml files");
	if (outbox_rate(cfg, &gap, err) &&
	    outbox_settings(cfg, &set, &password, err) &&
	    smtp_check(&set, err))
		summary = cfg->smtp.username ? g_strdup_printf("ok: logged in "
		    "to %s as %s", cfg->smtp.url, cfg->smtp.username) :
		    g_strdup_printf("ok: %s answers (no login configured)",
		    cfg->smtp.url);
	secret_free(password);
	return summary;
}

/*
 * The envelope sender.  For a participant it is their own reply address
 * (VERP: consult+TOKEN@domain), so a bounce names its recipient for
 * certain; otherwise the null sender, as RFC 3834 asks of notices.
 */
static char *
outbox_envelope(struct db *db, const struct outbox_item *item)
{
	char *verp = NULL;

	if (item->participant_id)
		verp = db_outbox_verp(db, item->participant_id, NULL);
	return verp ? verp : g_strdup("");
}

/* Exponential back-off with jitter: 1, 2, 4 ... minutes, at most 12 h. */
static int64_t
outbox_retry_at(int64_t now, int attempts)
{
	int64_t delay = (int64_t)60 << MIN(attempts, 10);

	delay = MIN(delay, 12 * 3600);
	return now + delay + g_random_int_range(0, (gint32)(delay / 4 + 1));
}

static bool
outbox_record(struct db *db, const struct outbox_item *item, bool sent,
    bool permanent, const char *reason, int64_t now, GError **err)
{
	bool ok;

	if (!db_begin(db, err))
		return false;
	if (sent)
		ok = db_outbox_mark_sent(db, item->id, now, err);
	else
		ok = db_outbox_mark_failed(db, item->id, reason, permanent,
		    outbox_retry_at(now, item->attempts), err);
	/* A recipient refused for good is flagged (SPEC 10). */
	if (ok && !sent && permanent && item->participant_id)
		ok = db_participant_set_status(db, item->participant_id,
		    "bounced", err);
	if (!ok) {
		db_rollback(db);
		return false;
	}
	return db_commit(db, err);
}

static bool
outbox_send_smtp(struct db *db, struct outbox_sink *sink,
    const struct outbox_item *item, int64_t now, struct outbox_result *res,
    GError **err)
{
	g_autofree char *envelope = outbox_envelope(db, item);
	g_autofree char *reply = NULL;
	g_autoptr(GError) serr = NULL;
	enum smtp_outcome outcome;
	bool permanent;
	int code = 0;

	outcome = smtp_send(sink->smtp, envelope, item->recipient,
	    item->content, item->content_len, &code, &reply, &serr);
	switch (outcome) {
	case SMTP_SENT:
		if (!outbox_record(db, item, true, false, NULL, now, err))
			return false;
		res->sent++;
		log_info("outbox: sent %s %lld to participant %lld", item->kind,
		    (long long)item->id, (long long)item->participant_id);
		return true;
	case SMTP_TEMPFAIL:
		/* The server or our settings, not this message: stop. */
		if (serr->code == EX_NOPERM || serr->code == EX_UNAVAILABLE ||
		    serr->code == EX_CONFIG) {
			g_propagate_error(err, g_steal_pointer(&serr));
			return false;
		}
		break;
	case SMTP_PERMFAIL:
	case SMTP_UNKNOWN:
		break;
	}
	permanent = outcome == SMTP_PERMFAIL ||
	    item->attempts + 1 >= OUTBOX_MAX_ATTEMPTS;
	if (!outbox_record(db, item, false, permanent, serr->message, now,
	    err))
		return false;
	if (permanent) {
		res->failed++;
		log_warnx("outbox: %s %lld to participant %lld failed for "
		    "good: %s", item->kind, (long long)item->id,
		    (long long)item->participant_id, serr->message);
	} else {
		res->deferred++;
		log_info("outbox: %s %lld deferred (%s): %s", item->kind,
		    (long long)item->id, outcome == SMTP_UNKNOWN ?
		    "outcome unknown, will resend with the same Message-ID" :
		    "temporary failure", serr->message);
	}
	return true;
}

/*
 * The embedded default, a batch at a time: every file written and
 * synced, the folder synced once, then the batch marked sent in one
 * transaction.  A crash in between writes the same files again.
 */
static bool
outbox_send_eml_batch(struct db *db, const struct config *cfg, int lock,
    GPtrArray *batch, int64_t now, struct outbox_result *res, GError **err)
{
	g_autoptr(GPtrArray) items = g_ptr_array_new();
	size_t i;
	bool mine;

	for (i = 0; i < batch->len; i++) {
		if (!outbox_claim(db, lock, batch->pdata[i], now, &mine, err))
			return false;
		if (mine)
			g_ptr_array_add(items, batch->pdata[i]);
	}
	for (i = 0; i < items->len; i++) {
		const struct outbox_item *item = items->pdata[i];

		if (!emlout_write(cfg->spool, item->id, item->kind,
		    item->content, item->content_len, err))
			return false;
	}
	if (!emlout_commit(cfg->spool, err) || !db_begin(db, err))
		return false;
	for (i = 0; i < items->len; i++) {
		const struct outbox_item *item = items->pdata[i];

		if (!db_outbox_mark_sent(db, item->id, now, err)) {
			db_rollback(db);
			return false;
		}
	}
	if (!db_commit(db, err))
		return false;
	for (i = 0; i < items->len; i++) {
		const struct outbox_item *item = items->pdata[i];

		res->sent++;
		/* The Message-ID carries the token: log the row id instead. */
		log_info("outbox: wrote %s %lld to participant %lld",
		    item->kind, (long long)item->id,
		    (long long)item->participant_id);
		outbox_unlock_item(lock, item->id);
	}
	return true;
}

static void
outbox_pace(const struct outbox_sink *sink)
{
	struct timespec ts;

	/* Below a millisecond the sleep would cost more than it paces. */
	if (sink->gap_usec < 1000)
		return;
	ts.tv_sec = (time_t)(sink->gap_usec / 1000000);
	ts.tv_nsec = (long)(sink->gap_usec % 1000000) * 1000;
	nanosleep(&ts, NULL);
}

bool
outbox_flush(struct db *db, const struct config *cfg, int64_t now,
    struct outbox_result *res, GError **err)
{
	struct outbox_sink sink;
	int64_t last_id = 0;
	bool ok = false;

	*res = (struct outbox_result){ 0 };
	if (!outbox_sink_open(cfg, &sink, err))
		goto out;
	/*
	 * "Sent" marks survive a crash of the process at NORMAL; a power
	 * loss could forget the last few, which are then resent with the
	 * same Message-ID (recognisable, SPEC 10).  A sync per message
	 * would cap sending at the disk's sync rate.
	 */
	if (!db_set_full_sync(db, false, err))
		goto out;
	while (!consultd_stopping()) {
		g_autoptr(GPtrArray) items = db_outbox_due(db, now, last_id,
		    OUTBOX_BATCH, err);
		size_t i;

		if (!items)
			goto out;
		if (!items->len)
			break;
		if (!sink.smtp) {
			if (!outbox_send_eml_batch(db, cfg, sink.lock, items,
			    now, res, err))
				goto out;
			last_id = ((struct outbox_item *)
			    items->pdata[items->len - 1])->id;
			continue;
		}
		for (i = 0; i < items->len && !consultd_stopping(); i++) {
			const struct outbox_item *item = items->pdata[i];
			bool mine, sent;

			last_id = item->id;
			if (!outbox_claim(db, sink.lock, item, now, &mine, err))
				goto out;
			if (!mine)
				continue;
			if ((res->sent || res->deferred || res->failed))
				outbox_pace(&sink);
			sent = outbox_send_smtp(db, &sink, item, now, res, err);
			outbox_unlock_item(sink.lock, item->id);
			if (!sent)
				goto out;
		}
	}
	ok = true;
out:
	if (!db_set_full_sync(db, true, ok ? err : NULL))
		ok = false;
	smtp_free(sink.smtp);
	if (sink.lock >= 0)
		close(sink.lock);
	return ok;
}
