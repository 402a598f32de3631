/* SPDX-License-Identifier: MIT */
/*
 * The body connection (src/imap_stream.c, and its use in src/fetch.c)
 * against a scripted IMAP server on 127.0.0.1.  The server answers what
 * libcurl sends to log in (CAPABILITY, LOGIN or AUTHENTICATE PLAIN), then
 * STATUS, SELECT, UID SEARCH and UID STORE on the control connection and
 * EXAMINE and UID FETCH on the body connection, where each case spoils
 * the answer its own way: untagged noise, items in any order, LITERAL+
 * and literal8, BODY[] NIL, a message left out, NO, BAD, BYE, a cut
 * inside a literal, an overlong line, silence, a new UIDVALIDITY, tiny
 * TCP segments.  `consultd fetch` runs against each; what counts is what
 * it files (the bytes in spool/inbox/cur), what it flags at the server,
 * its exit status, and that it ends.  The cases run side by side: the
 * slow ones wait on consultd's back-off and stall limit, not on the CPU.
 * check_imap.c holds the tests against a real Dovecot.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "fetch.h"
#include "testutil.h"

Suite *imapstream_suite(void);

#define USER		"stream"
#define PASSWORD	"s3cret-Pw-stream"
#define VALIDITY	7001u
#define NEW_VALIDITY	7002u
#define RUN_DEADLINE	90	/* seconds before a run counts as hung */
#define LINE_OVER	(70 * 1024)	/* over imap_stream.c's 64 KiB */
#define LINE_UNDER	(60 * 1024)
#define HUGE_PAD	(300 * 1024)	/* over imap_stream.c's buffer */
#define BIG_PAD		(100 * 1024)	/* over max_message_size 64K */
#define FETCH_BATCH	250		/* messages per batch, as in src/fetch.c */

/* How a case spoils the answers on the body connection. */
enum quirk {
	Q_NONE,
	Q_NOISE,	/* EXISTS, RECENT, EXPUNGE, FLAGS, unsolicited FETCH */
	Q_ORDER,	/* items in every order, BODY[] before UID */
	Q_LITERAL_PLUS,	/* {n+} */
	Q_LITERAL8,	/* ~{n} */
	Q_NIL,		/* BODY[] NIL for the victim */
	Q_OMIT,		/* the victim left out of the answer */
	Q_NO,		/* the victim left out, and the answer is NO */
	Q_BAD,		/* BAD to the FETCH */
	Q_BYE,		/* BYE after the first message */
	Q_CUT,		/* the connection closed inside the victim's body */
	Q_LONG_LINE,	/* an untagged line over the client's limit */
	Q_STALL_FETCH,	/* half the victim's body, then silence */
	Q_STALL_EXAMINE, /* EXAMINE never answered */
	Q_VALIDITY,	/* a new UIDVALIDITY between STATUS and EXAMINE */
	Q_BODY_TWICE,	/* the victim's body twice, both before its UID */
	Q_SIZE_LIE,	/* the victim says 300 bytes and is 100 KB */
};

struct stream_case {
	const char *name;
	enum quirk quirk;
	unsigned times;		/* body connections spoiled; 0: all */
	unsigned nmsg;
	unsigned victim;	/* the message the quirk is about */
	bool gone;		/* the victim is expunged as it is fetched */
	bool auth_plain;	/* AUTH=PLAIN offered: curl authenticates */
	bool tiny;		/* the server writes a few bytes at a time */
	bool huge;		/* message 1 is bigger than the read buffer */
	unsigned once;		/* the first `once` are sent exactly once */
	int status;		/* exit status expected */
	unsigned streams;	/* body connections expected */
	const char *say;	/* expected on stderr, or NULL */
};

static const struct stream_case cases[] = {
	{ .name = "plain", .nmsg = 4, .huge = true, .streams = 1 },
	{ .name = "auth-plain", .nmsg = 3, .auth_plain = true,
	  .streams = 1 },
	{ .name = "interleaved", .quirk = Q_NOISE, .nmsg = 5, .streams = 1 },
	{ .name = "any-order", .quirk = Q_ORDER, .nmsg = 8, .streams = 1 },
	{ .name = "tiny-segments", .quirk = Q_ORDER, .nmsg = 5, .tiny = true,
	  .streams = 1 },
	{ .name = "literal-plus", .quirk = Q_LITERAL_PLUS, .nmsg = 3,
	  .streams = 1 },
	{ .name = "literal8", .quirk = Q_LITERAL8, .nmsg = 3, .streams = 1 },
	{ .name = "nil-expunged", .quirk = Q_NIL, .nmsg = 4, .victim = 1,
	  .gone = true, .streams = 1 },
	{ .name = "nil-once", .quirk = Q_NIL, .times = 1, .nmsg = 4,
	  .victim = 1, .streams = 2, .say = "did not send message UID" },
	{ .name = "nil-always", .quirk = Q_NIL, .nmsg = 4, .victim = 1,
	  .status = EX_TEMPFAIL, .streams = 5, .say = "gave up after 5" },
	{ .name = "omit-expunged", .quirk = Q_OMIT, .nmsg = 4, .victim = 2,
	  .gone = true, .streams = 1 },
	{ .name = "omit-once", .quirk = Q_OMIT, .times = 1, .nmsg = 4,
	  .victim = 2, .streams = 2, .say = "did not send message UID" },
	{ .name = "no-expunged", .quirk = Q_NO, .nmsg = 4, .victim = 0,
	  .gone = true, .streams = 1 },
	{ .name = "no-once", .quirk = Q_NO, .times = 1, .nmsg = 4,
	  .victim = 3, .streams = 2, .say = "did not send message UID" },
	{ .name = "bad", .quirk = Q_BAD, .nmsg = 3, .status = EX_UNAVAILABLE,
	  .streams = 1, .say = "refused to fetch messages" },
	{ .name = "bye-once", .quirk = Q_BYE, .times = 1, .nmsg = 4,
	  .streams = 2, .say = "said goodbye" },
	{ .name = "bye-always", .quirk = Q_BYE, .nmsg = 4,
	  .status = EX_TEMPFAIL, .streams = 5, .say = "gave up after 5" },
	{ .name = "cut-in-literal", .quirk = Q_CUT, .times = 1, .nmsg = 4,
	  .victim = 1, .streams = 2, .say = "closed the connection" },
	/* The first batch is filed and recorded: not fetched again. */
	{ .name = "cut-second-batch", .quirk = Q_CUT, .times = 1,
	  .nmsg = FETCH_BATCH * 23 / 10, .victim = FETCH_BATCH * 3 / 2,
	  .once = FETCH_BATCH, .streams = 2,
	  .say = "closed the connection" },
	{ .name = "long-line", .quirk = Q_LONG_LINE, .times = 1, .nmsg = 3,
	  .streams = 2, .say = "over 65536 bytes" },
	{ .name = "stall-in-literal", .quirk = Q_STALL_FETCH, .times = 1,
	  .nmsg = 4, .victim = 2, .streams = 2, .say = "no answer for 10 s" },
	{ .name = "stall-examine", .quirk = Q_STALL_EXAMINE, .times = 1,
	  .nmsg = 3, .streams = 2, .say = "no answer for 10 s" },
	{ .name = "uidvalidity", .quirk = Q_VALIDITY, .times = 1, .nmsg = 4,
	  .streams = 2, .say = "UIDVALIDITY" },
	{ .name = "body-twice", .quirk = Q_BODY_TWICE, .nmsg = 3, .victim = 1,
	  .streams = 1 },
	{ .name = "size-lie", .quirk = Q_SIZE_LIE, .nmsg = 4, .victim = 2,
	  .streams = 1 },
};

/* Whether the case ends with message i filed (and flagged). */
static bool
case_files(const struct stream_case *sc, unsigned i)
{
	if (sc->status != 0)
		return false;	/* one batch, never filed */
	return !(sc->gone && i == sc->victim);
}

/* Whether message i is over max_message_size: a placeholder is filed. */
static bool
case_big(const struct stream_case *sc, unsigned i)
{
	return sc->quirk == Q_SIZE_LIE && (i == 0 || i == sc->victim);
}

/* The scripted server. */

struct fake_msg {
	uint32_t uid;
	GString *data;
	uint64_t size;		/* what RFC822.SIZE and LARGER say */
	bool expunged;		/* guarded by the server's lock */
	unsigned bodies;	/* BODY[] answers sent whole */
};

struct fake {
	const struct stream_case *sc;
	bool tiny;
	unsigned seed;
	int listener;
	int port;
	GThread *acceptor;
	GMutex lock;		/* guards what follows */
	bool stopping;
	GPtrArray *conns;
	struct fake_msg *msgs;
	size_t nmsg;
	uint32_t validity;
	unsigned streams;	/* EXAMINEs: body connections */
	GHashTable *flagged;	/* uid -> flags stored, as a GString */
	GString *oddities;	/* what consultd sent that it should not */
	GPid pid;
	unsigned logouts;	/* control connections ended by LOGOUT */
	unsigned spool_fds;	/* spool files consultd held open then */
};

struct fake_conn {
	struct fake *f;
	int fd;
	GThread *thread;
	GString *in;
	GRand *rnd;
	bool stream;		/* it EXAMINEd: the body connection */
	unsigned stream_no;	/* counted from 1 */
};

static void
fake_oddity(struct fake *f, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
fake_oddity(struct fake *f, const char *fmt, ...)
{
	va_list ap;

	g_mutex_lock(&f->lock);
	va_start(ap, fmt);
	g_string_append_vprintf(f->oddities, fmt, ap);
	va_end(ap);
	g_string_append(f->oddities, "; ");
	g_mutex_unlock(&f->lock);
}

/* Writes all of data, a few bytes per segment when the case says tiny. */
static bool
conn_write(struct fake_conn *c, const char *data, size_t len)
{
	while (len > 0) {
		size_t n = c->f->tiny ? (size_t)g_rand_int_range(c->rnd, 1, 10) :
		    len;
		ssize_t w;

		w = send(c->fd, data, MIN(n, len), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		data += w;
		len -= (size_t)w;
		/* A pause, so that the client reads each piece alone. */
		if (c->f->tiny)
			g_usleep(20);
	}
	return true;
}

static bool
conn_puts(struct fake_conn *c, const GString *s)
{
	return conn_write(c, s->str, s->len);
}

static bool
conn_printf(struct fake_conn *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool
conn_printf(struct fake_conn *c, const char *fmt, ...)
{
	g_autoptr(GString) s = g_string_new(NULL);
	va_list ap;

	va_start(ap, fmt);
	g_string_append_vprintf(s, fmt, ap);
	va_end(ap);
	return conn_puts(c, s);
}

/* The next line from the client without its CRLF; NULL once it is gone. */
static char *
conn_read_line(struct fake_conn *c)
{
	for (;;) {
		char *nl = memchr(c->in->str, '\n', c->in->len);
		char buf[4096];
		ssize_t n;

		if (nl) {
			size_t len = (size_t)(nl - c->in->str);
			char *line = g_strndup(c->in->str, len > 0 &&
			    nl[-1] == '\r' ? len - 1 : len);

			g_string_erase(c->in, 0, (gssize)len + 1);
			return line;
		}
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		g_string_append_len(c->in, buf, (gssize)n);
	}
}

/* Says nothing more and reads until the client hangs up. */
static bool
conn_stall(struct fake_conn *c)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(c->fd, buf, sizeof(buf), 0)) != 0)
		if (n < 0 && errno != EINTR)
			break;
	return false;
}

/* Closes our side (a FIN, never a reset) and waits for the client's. */
static bool
conn_hang_up(struct fake_conn *c)
{
	shutdown(c->fd, SHUT_WR);
	return conn_stall(c);
}

/* Whether uid is in an IMAP UID set such as "3:4,7,9". */
static bool
uid_in_set(const char *set, uint32_t uid)
{
	g_auto(GStrv) parts = g_strsplit(set, ",", -1);
	size_t i;

	for (i = 0; parts[i]; i++) {
		unsigned long a, b;
		char *end;

		a = strtoul(parts[i], &end, 10);
		b = *end == ':' ? strtoul(end + 1, NULL, 10) : a;
		if (uid >= MIN(a, b) && uid <= MAX(a, b))
			return true;
	}
	return false;
}

/*
 * consultd's spool files open in its process, from /proc: called when
 * the control connection logs out, after every body is filed or dropped.
 */
static unsigned
fake_spool_fds(GPid pid)
{
	g_autofree char *dir = g_strdup_printf("/proc/%d/fd", (int)pid);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(dir, name, NULL);
		char target[PATH_MAX];
		ssize_t len = readlink(p, target, sizeof(target) - 1);

		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strstr(target, "/spool/inbox/"))
			n++;
	}
	g_dir_close(d);
	return n;
}

static bool
fake_login(struct fake_conn *c, const char *tag, const char *args)
{
	g_auto(GStrv) w = g_strsplit(args, " ", -1);
	bool ok;

	if (g_strv_length(w) != 2) {
		fake_oddity(c->f, "LOGIN '%s'", args);
		return conn_printf(c, "%s BAD LOGIN wants two words\r\n", tag);
	}
	g_strdelimit(w[0], "\"", ' ');
	g_strdelimit(w[1], "\"", ' ');
	ok = strcmp(g_strstrip(w[0]), USER) == 0 &&
	    strcmp(g_strstrip(w[1]), PASSWORD) == 0;
	if (!ok)
		fake_oddity(c->f, "wrong login");
	return conn_printf(c, ok ? "%s OK Logged in\r\n" :
	    "%s NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", tag);
}

static bool
fake_authenticate(struct fake_conn *c, const char *tag, const char *args)
{
	static const char plain[] = "\0" USER "\0" PASSWORD;
	g_autofree char *line = NULL;
	g_autofree guchar *raw = NULL;
	const char *b64 = NULL;
	gsize len = 0;

	if (g_ascii_strncasecmp(args, "PLAIN", 5) != 0) {
		fake_oddity(c->f, "AUTHENTICATE %s", args);
		return conn_printf(c, "%s NO unsupported mechanism\r\n", tag);
	}
	if (args[5] == ' ')
		b64 = args + 6;		/* SASL-IR */
	else {
		if (!conn_printf(c, "+ \r\n"))
			return false;
		line = conn_read_line(c);
		if (!line)
			return false;
		b64 = line;
	}
	raw = g_base64_decode(b64, &len);
	if (len != sizeof(plain) - 1 || memcmp(raw, plain, len) != 0) {
		fake_oddity(c->f, "wrong AUTHENTICATE PLAIN");
		return conn_printf(c, "%s NO [AUTHENTICATIONFAILED] "
		    "Authentication failed.\r\n", tag);
	}
	return conn_printf(c, "%s OK Logged in\r\n", tag);
}

/* SELECT (control) or EXAMINE (body connection). */
static bool
fake_select(struct fake_conn *c, const char *tag, bool examine)
{
	struct fake *f = c->f;
	const struct stream_case *sc = f->sc;
	unsigned exists = 0;
	uint32_t validity, next;
	size_t i;

	g_mutex_lock(&f->lock);
	if (examine) {
		c->stream = true;
		c->stream_no = ++f->streams;
	}
	if (examine && sc->quirk == Q_VALIDITY && c->stream_no == 1)
		f->validity = NEW_VALIDITY;	/* recreated meanwhile */
	validity = f->validity;
	next = f->msgs[f->nmsg - 1].uid + 3;
	for (i = 0; i < f->nmsg; i++)
		exists += !f->msgs[i].expunged;
	g_mutex_unlock(&f->lock);
	if (examine && sc->quirk == Q_STALL_EXAMINE && (!sc->times ||
	    c->stream_no <= sc->times))
		return conn_stall(c);
	return conn_printf(c, "* FLAGS (\\Answered \\Flagged \\Deleted "
	    "\\Seen \\Draft)\r\n"
	    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	    "\\Draft \\*)] Flags permitted.\r\n"
	    "* %u EXISTS\r\n"
	    "* 0 RECENT\r\n"
	    "* OK [UIDVALIDITY %u] UIDs valid\r\n"
	    "* OK [UIDNEXT %u] Predicted next UID\r\n"
	    "%s OK [%s] %s completed\r\n", exists, validity, next, tag,
	    examine ? "READ-ONLY" : "READ-WRITE",
	    examine ? "Examine" : "Select");
}

static bool
fake_status(struct fake_conn *c, const char *tag)
{
	struct fake *f = c->f;
	unsigned exists = 0;
	uint32_t validity, next;
	size_t i;

	g_mutex_lock(&f->lock);
	validity = f->validity;
	next = f->msgs[f->nmsg - 1].uid + 3;
	for (i = 0; i < f->nmsg; i++)
		exists += !f->msgs[i].expunged;
	g_mutex_unlock(&f->lock);
	return conn_printf(c, "* STATUS \"INBOX\" (UIDVALIDITY %u UIDNEXT %u "
	    "MESSAGES %u)\r\n%s OK Status completed.\r\n", validity, next,
	    exists, tag);
}

static bool
fake_search(struct fake_conn *c, const char *tag, const char *args)
{
	struct fake *f = c->f;
	g_autoptr(GString) s = g_string_new("* SEARCH");
	unsigned first = 0, last = 0;
	unsigned long long larger = 0;
	int n = sscanf(args, "UID %u:%u LARGER %llu", &first, &last, &larger);
	size_t i;

	if (n < 2) {
		fake_oddity(f, "SEARCH '%s'", args);
		return conn_printf(c, "%s BAD unexpected search\r\n", tag);
	}
	g_mutex_lock(&f->lock);
	for (i = 0; i < f->nmsg; i++) {
		const struct fake_msg *m = &f->msgs[i];

		if (m->expunged || m->uid < first || m->uid > last ||
		    (n == 3 && m->size <= larger))
			continue;
		g_string_append_printf(s, " %u", m->uid);
	}
	g_mutex_unlock(&f->lock);
	g_string_append_printf(s, "\r\n%s OK Search completed.\r\n", tag);
	return conn_puts(c, s);
}

static bool
fake_store(struct fake_conn *c, const char *tag, const char *args)
{
	struct fake *f = c->f;
	g_autofree char *set = g_strdup(args);
	char *sp = strchr(set, ' ');
	const char *flags;
	size_t i;

	if (c->stream || !sp || !g_str_has_prefix(sp, " +FLAGS.SILENT (")) {
		fake_oddity(f, "STORE '%s'%s", args, c->stream ? " on the "
		    "body connection" : "");
		return conn_printf(c, "%s BAD unexpected store\r\n", tag);
	}
	*sp = '\0';
	flags = sp + 1;
	g_mutex_lock(&f->lock);
	for (i = 0; i < f->nmsg; i++) {
		GString *had;

		if (f->msgs[i].expunged || !uid_in_set(set, f->msgs[i].uid))
			continue;
		had = g_hash_table_lookup(f->flagged,
		    GUINT_TO_POINTER(f->msgs[i].uid));
		if (!had) {
			had = g_string_new(NULL);
			g_hash_table_insert(f->flagged,
			    GUINT_TO_POINTER(f->msgs[i].uid), had);
		}
		g_string_append(had, flags);
	}
	g_mutex_unlock(&f->lock);
	return conn_printf(c, "%s OK Store completed.\r\n", tag);
}

/* The literal that holds data, in the case's syntax. */
static void
append_literal(GString *s, const struct stream_case *sc, const char *data,
    size_t len)
{
	if (sc->quirk == Q_LITERAL_PLUS)
		g_string_append_printf(s, "{%zu+}\r\n", len);
	else if (sc->quirk == Q_LITERAL8)
		g_string_append_printf(s, "~{%zu}\r\n", len);
	else
		g_string_append_printf(s, "{%zu}\r\n", len);
	g_string_append_len(s, data, (gssize)len);
}

/* Untagged responses a busy mailbox sends round a FETCH answer. */
static void
append_noise(GString *s, unsigned k, const struct fake_msg *next)
{
	unsigned i;

	switch (k % 4) {
	case 0:
		g_string_append(s, "* 9 EXISTS\r\n* 2 RECENT\r\n"
		    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft "
		    "$Forwarded)\r\n"
		    "* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n"
		    "* NO [ALERT] Mailbox is almost full\r\n");
		break;
	case 1:
		/* Another client changes flags: no UID, and one with it. */
		g_string_append(s, "* 1 FETCH (FLAGS (\\Seen))\r\n");
		if (next)
			g_string_append_printf(s, "* 2 FETCH (UID %u FLAGS "
			    "(\\Flagged $Label1) MODSEQ (12))\r\n", next->uid);
		g_string_append(s, "* 8 EXPUNGE\r\n");
		break;
	case 2:
		/* A literal that is not the body, before the body. */
		if (next)
			g_string_append_printf(s, "* 3 FETCH (UID %u "
			    "BODY[HEADER.FIELDS (X-NONE)] {2}\r\n\r\n)\r\n",
			    next->uid);
		g_string_append(s, "* OK [HIGHESTMODSEQ 12] Highest\r\n");
		break;
	default:
		/* Long, but under the limit. */
		g_string_append(s, "* 2 FETCH (FLAGS (\\Seen");
		for (i = 0; s->len < LINE_UNDER; i++)
			g_string_append_printf(s, " kw%05u", i);
		g_string_append(s, "))\r\n");
		break;
	}
}

/*
 * One message's FETCH response with its items in the given order (0 is
 * the usual one; 4 sends the body twice, both before the UID).
 */
static void
append_fetch(GString *s, const struct stream_case *sc, unsigned seq,
    const struct fake_msg *m, bool header, unsigned order)
{
	const char *data = m->data->str;
	size_t len = m->data->len;
	const char *name = header ? "BODY[HEADER] " : "BODY[] ";
	const char *end = header ? strstr(data, "\r\n\r\n") : NULL;

	if (end)
		len = (size_t)(end + 4 - data);
	g_string_append_printf(s, "* %u FETCH (", seq);
	switch (order) {
	case 0:
		g_string_append_printf(s, "UID %u RFC822.SIZE %llu %s", m->uid,
		    (unsigned long long)m->size, name);
		append_literal(s, sc, data, len);
		break;
	case 1:
		g_string_append(s, name);
		append_literal(s, sc, data, len);
		g_string_append_printf(s, " UID %u FLAGS (\\Recent) "
		    "RFC822.SIZE %llu", m->uid, (unsigned long long)m->size);
		break;
	case 2:
		g_string_append_printf(s, "RFC822.SIZE %llu %s",
		    (unsigned long long)m->size, name);
		append_literal(s, sc, data, len);
		g_string_append_printf(s, " UID %u", m->uid);
		break;
	case 3:
		g_string_append_printf(s, "FLAGS () %s", name);
		append_literal(s, sc, data, len);
		g_string_append_printf(s, " RFC822.SIZE %llu UID %u",
		    (unsigned long long)m->size, m->uid);
		break;
	default:
		g_string_append(s, name);
		append_literal(s, sc, data, len);
		g_string_append_printf(s, " %s", name);
		append_literal(s, sc, data, len);
		g_string_append_printf(s, " UID %u RFC822.SIZE %llu", m->uid,
		    (unsigned long long)m->size);
		break;
	}
	g_string_append(s, ")\r\n");
}

/* UID FETCH, spoiled as the case says on its first `times` connections. */
static bool
fake_fetch(struct fake_conn *c, const char *tag, const char *args)
{
	struct fake *f = c->f;
	const struct stream_case *sc = f->sc;
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *set = g_strdup(args);
	char *items = strchr(set, ' ');
	bool spoiled = !sc->times || c->stream_no <= sc->times;
	bool header, sent_one = false;
	unsigned k = 0;
	size_t i;

	if (items)
		*items++ = '\0';
	if (!c->stream || !items ||
	    (strcmp(items, "(UID RFC822.SIZE BODY.PEEK[])") != 0 &&
	    strcmp(items, "(UID RFC822.SIZE BODY.PEEK[HEADER])") != 0)) {
		fake_oddity(f, "FETCH '%s'%s", args, c->stream ? "" :
		    " on the control connection");
		return conn_printf(c, "%s BAD unexpected fetch\r\n", tag);
	}
	header = strstr(items, "[HEADER]") != NULL;
	if (spoiled && sc->quirk == Q_BAD)
		return conn_printf(c, "%s BAD Error in IMAP command UID FETCH: "
		    "Invalid arguments\r\n", tag);
	if (spoiled && sc->quirk == Q_LONG_LINE) {
		g_string_append(s, "* OK [ALERT] ");
		while (s->len < LINE_OVER)
			g_string_append(s, "xxxxxxxxxxxxxxxx");
		g_string_append(s, "\r\n");
	}
	for (i = 0; i < f->nmsg; i++) {
		struct fake_msg *m = &f->msgs[i];
		bool victim = spoiled && i == sc->victim;
		bool expunged;

		if (!uid_in_set(set, m->uid))
			continue;
		g_mutex_lock(&f->lock);
		expunged = m->expunged;
		if (victim && sc->gone)
			m->expunged = true;
		g_mutex_unlock(&f->lock);
		if (expunged)
			continue;	/* as a server does */
		if (spoiled && sc->quirk == Q_NOISE)
			append_noise(s, k, m);
		if (spoiled && sc->quirk == Q_BYE && sent_one) {
			g_string_append(s, "* BYE Server shutting down.\r\n");
			return conn_puts(c, s) && conn_hang_up(c);
		}
		if (victim && sc->quirk == Q_NIL) {
			g_string_append_printf(s, "* %zu FETCH (UID %u "
			    "RFC822.SIZE %llu BODY[] NIL)\r\n", i + 1, m->uid,
			    (unsigned long long)m->size);
			continue;
		}
		if (victim && (sc->quirk == Q_OMIT || sc->quirk == Q_NO))
			continue;
		if (victim && (sc->quirk == Q_CUT ||
		    sc->quirk == Q_STALL_FETCH)) {
			g_string_append_printf(s, "* %zu FETCH (UID %u "
			    "RFC822.SIZE %llu BODY[] {%zu}\r\n", i + 1, m->uid,
			    (unsigned long long)m->size, m->data->len);
			g_string_append_len(s, m->data->str,
			    (gssize)m->data->len / 2);
			if (!conn_puts(c, s))
				return false;
			return sc->quirk == Q_CUT ? conn_hang_up(c) :
			    conn_stall(c);
		}
		append_fetch(s, sc, (unsigned)i + 1, m, header,
		    sc->quirk == Q_ORDER ? k % 4 : victim &&
		    sc->quirk == Q_BODY_TWICE ? 4 : 0);
		k++;
		sent_one = true;
		if (!header)
			m->bodies++;
		/* Out in pieces, as a server streams a long answer. */
		if (s->len > 64 * 1024) {
			if (!conn_puts(c, s))
				return false;
			g_string_truncate(s, 0);
		}
	}
	if (spoiled && sc->quirk == Q_NOISE)
		append_noise(s, k, NULL);
	if (spoiled && sc->quirk == Q_NO)
		g_string_append_printf(s, "%s NO [EXPUNGEISSUED] Some of the "
		    "requested messages no longer exist.\r\n", tag);
	else
		g_string_append_printf(s, "%s OK Fetch completed.\r\n", tag);
	return conn_puts(c, s);
}

/* One command; false to end the connection. */
static bool
fake_command(struct fake_conn *c, const char *tag, const char *cmd)
{
	struct fake *f = c->f;

	if (g_ascii_strcasecmp(cmd, "CAPABILITY") == 0)
		return conn_printf(c, "* CAPABILITY IMAP4rev1%s\r\n"
		    "%s OK Capability completed.\r\n", f->sc->auth_plain ?
		    " AUTH=PLAIN" : "", tag);
	if (g_ascii_strncasecmp(cmd, "LOGIN ", 6) == 0)
		return fake_login(c, tag, cmd + 6);
	if (g_ascii_strncasecmp(cmd, "AUTHENTICATE ", 13) == 0)
		return fake_authenticate(c, tag, cmd + 13);
	if (g_ascii_strncasecmp(cmd, "STATUS ", 7) == 0)
		return fake_status(c, tag);
	if (g_ascii_strncasecmp(cmd, "SELECT ", 7) == 0)
		return fake_select(c, tag, false);
	if (g_ascii_strncasecmp(cmd, "EXAMINE ", 8) == 0)
		return fake_select(c, tag, true);
	if (g_ascii_strncasecmp(cmd, "UID SEARCH ", 11) == 0)
		return fake_search(c, tag, cmd + 11);
	if (g_ascii_strncasecmp(cmd, "UID FETCH ", 10) == 0)
		return fake_fetch(c, tag, cmd + 10);
	if (g_ascii_strncasecmp(cmd, "UID STORE ", 10) == 0)
		return fake_store(c, tag, cmd + 10);
	if (g_ascii_strcasecmp(cmd, "NOOP") == 0)
		return conn_printf(c, "%s OK NOOP completed.\r\n", tag);
	if (g_ascii_strcasecmp(cmd, "LOGOUT") == 0) {
		g_mutex_lock(&f->lock);
		if (!c->stream && f->pid > 0) {
			f->logouts++;
			f->spool_fds += fake_spool_fds(f->pid);
		}
		g_mutex_unlock(&f->lock);
		conn_printf(c, "* BYE Logging out\r\n%s OK Logout completed."
		    "\r\n", tag);
		return false;
	}
	fake_oddity(f, "command '%s'", cmd);
	return conn_printf(c, "%s BAD Unknown command\r\n", tag);
}

static gpointer
conn_serve(gpointer arg)
{
	struct fake_conn *c = arg;
	char *line;

	if (!conn_printf(c, "* OK Scripted IMAP server ready.\r\n"))
		return NULL;
	while ((line = conn_read_line(c)) != NULL) {
		char *sp = strchr(line, ' ');
		bool more;

		if (sp) {
			*sp = '\0';
			more = fake_command(c, line, sp + 1);
		} else {
			fake_oddity(c->f, "line '%s'", line);
			more = conn_printf(c, "* BAD no tag\r\n");
		}
		g_free(line);
		if (!more)
			break;
	}
	shutdown(c->fd, SHUT_RDWR);
	return NULL;
}

static gpointer
fake_accept(gpointer arg)
{
	struct fake *f = arg;

	for (;;) {
		int fd = accept4(f->listener, NULL, NULL, SOCK_CLOEXEC);
		struct fake_conn *c;
		int one = 1;

		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0)
			break;
		g_mutex_lock(&f->lock);
		if (f->stopping) {
			g_mutex_unlock(&f->lock);
			close(fd);
			break;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = g_new0(struct fake_conn, 1);
		c->f = f;
		c->fd = fd;
		c->in = g_string_new(NULL);
		c->rnd = g_rand_new_with_seed(f->seed * 131u + f->conns->len);
		g_ptr_array_add(f->conns, c);
		c->thread = g_thread_new("imap-conn", conn_serve, c);
		g_mutex_unlock(&f->lock);
	}
	return NULL;
}

/* Message i of a case: a reply to the survey holding protocol look-alikes. */
static GString *
message_text(const char *name, unsigned round, unsigned i, size_t pad)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "From: Ann Example <a@example.org>\r\n"
	    "To: consult@example.org\r\n"
	    "Subject: Re: IMAP test survey\r\n"
	    "Date: Mon, 03 Mar 2025 10:%02u:00 +0000\r\n"
	    "Message-ID: <stream-%s-%u-%u@example.org>\r\n"
	    "\r\n"
	    "[Q1] answer %u of case %s\r\n"
	    "C2 OK not the end of the answer\r\n"
	    "* BYE not a goodbye\r\n"
	    "* 1 FETCH (UID 1 BODY[] {12}\r\n"
	    ")\r\n", i % 60, name, round, i, i, name);
	while (pad > 0) {
		size_t n = MIN(pad, (size_t)76);

		g_string_append_len(s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", (gssize)n);
		g_string_append(s, "\r\n");
		pad -= n;
	}
	/* Every third ends mid-line, just before the server's ")". */
	if (i % 3 == 2)
		g_string_append(s, "no newline at the end {3}");
	return s;
}

static void
flags_free(gpointer p)
{
	g_string_free(p, TRUE);
}

static struct fake *
fake_start(const struct stream_case *sc, unsigned round)
{
	struct fake *f = g_new0(struct fake, 1);
	struct sockaddr_in sa = { 0 };
	socklen_t slen = sizeof(sa);
	unsigned i;

	f->sc = sc;
	f->tiny = sc->tiny || round > 0;
	f->seed = round * 1000u + (unsigned)(sc - cases);
	g_mutex_init(&f->lock);
	f->conns = g_ptr_array_new();
	f->flagged = g_hash_table_new_full(NULL, NULL, NULL, flags_free);
	f->oddities = g_string_new(NULL);
	f->validity = VALIDITY;
	f->nmsg = sc->nmsg;
	f->msgs = g_new0(struct fake_msg, sc->nmsg);
	for (i = 0; i < sc->nmsg; i++) {
		size_t pad = case_big(sc, i) ? BIG_PAD : sc->huge && i == 1 ?
		    HUGE_PAD : 0;

		/* Gaps, so that sets read "3:4,7:8,11". */
		f->msgs[i].uid = i + 3 + 2 * (i / 2);
		f->msgs[i].data = message_text(sc->name, round, i, pad);
		f->msgs[i].size = sc->quirk == Q_SIZE_LIE && i == sc->victim ?
		    300 : f->msgs[i].data->len;
	}
	f->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(f->listener, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(f->listener, (struct sockaddr *)&sa,
	    sizeof(sa)), 0);
	ck_assert_int_eq(listen(f->listener, 16), 0);
	ck_assert_int_eq(getsockname(f->listener, (struct sockaddr *)&sa,
	    &slen), 0);
	f->port = ntohs(sa.sin_port);
	f->acceptor = g_thread_new("imap-accept", fake_accept, f);
	return f;
}

static void
fake_stop(struct fake *f)
{
	size_t i;

	g_mutex_lock(&f->lock);
	f->stopping = true;
	g_mutex_unlock(&f->lock);
	shutdown(f->listener, SHUT_RDWR);
	g_thread_join(f->acceptor);
	close(f->listener);
	for (i = 0; i < f->conns->len; i++) {
		struct fake_conn *c = f->conns->pdata[i];

		shutdown(c->fd, SHUT_RDWR);
		g_thread_join(c->thread);
		close(c->fd);
		g_string_free(c->in, TRUE);
		g_rand_free(c->rnd);
		g_free(c);
	}
	g_ptr_array_free(f->conns, TRUE);
}

static void
fake_free(struct fake *f)
{
	size_t i;

	for (i = 0; i < f->nmsg; i++)
		g_string_free(f->msgs[i].data, TRUE);
	g_free(f->msgs);
	g_hash_table_unref(f->flagged);
	g_string_free(f->oddities, TRUE);
	g_mutex_clear(&f->lock);
	g_free(f);
}

/* The runs. */

struct run {
	const struct stream_case *sc;
	struct fake *f;
	char *dir;
	char *errfile;
	GPid pid;
	int status;		/* -1 while it runs */
	bool hung;
};

struct tally {
	unsigned runs;
	unsigned expected;	/* messages that should be filed */
	unsigned filed_once;
	unsigned duplicated;
	unsigned lost;
	unsigned wrong_content;
	unsigned flagged_unfiled;
	unsigned unflagged;
	unsigned wrong_exit;
	unsigned hangs;
	unsigned spool_fds;
	unsigned tmp_left;
};

/* A workspace with the one-question survey and its participant. */
static char *
make_template(const char *top)
{
	g_autofree char *fixtures = g_build_filename(testutil_top(), "tests",
	    "fixtures", "imap", NULL);
	g_autofree char *survey = g_build_filename(fixtures, "survey", NULL);
	g_autofree char *csv = g_build_filename(fixtures, "participants.csv",
	    NULL);
	g_autofree char *pw = NULL;
	char *dir = g_build_filename(top, "template", NULL);
	const char *const *steps[] = {
		(const char *const[]){ "init", ".", NULL },
		(const char *const[]){ "load", survey, NULL },
		(const char *const[]){ "import", "survey", csv, NULL },
	};
	size_t i;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (i = 0; i < G_N_ELEMENTS(steps); i++) {
		g_autofree char *err = NULL;
		int status = testutil_run(dir, steps[i], NULL, &err);

		ck_assert_msg(status == 0, "consultd %s: exit %d: %s",
		    steps[i][0], status, err);
	}
	pw = testutil_write(dir, "imap.pw", PASSWORD "\n");
	ck_assert_int_eq(chmod(pw, 0600), 0);
	return dir;
}

static void
run_start(struct run *r, const struct stream_case *sc, unsigned round,
    const char *top, const char *template)
{
	const char *argv[] = { g_getenv("CONSULTD_BIN"), "-v", "fetch",
	    NULL };
	g_autofree char *name = g_strdup_printf("%s-%u", sc->name, round);
	g_autofree char *conf = NULL;
	g_autoptr(GError) err = NULL;
	const char *cp[] = { "cp", "-a", template, NULL, NULL };
	int status = -1, fd;
	FILE *fp;

	r->sc = sc;
	r->status = -1;
	r->f = fake_start(sc, round);
	r->dir = g_build_filename(top, name, NULL);
	cp[3] = r->dir;
	ck_assert_msg(g_spawn_sync(NULL, (char **)(uintptr_t)cp, NULL,
	    G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &err) &&
	    g_spawn_check_wait_status(status, NULL), "cp: %s",
	    err ? err->message : "failed");
	conf = g_build_filename(r->dir, "consultd.conf", NULL);
	fp = fopen(conf, "a");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "\n[imap]\nurl = imap://127.0.0.1:%d/INBOX\n"
	    "username = " USER "\ntls = none\npassword_file = imap.pw\n"
	    "timeout = 10\nmax_message_size = %s\n", r->f->port,
	    sc->quirk == Q_SIZE_LIE ? "64K" : "1M");
	ck_assert_int_eq(fclose(fp), 0);
	r->errfile = g_strconcat(r->dir, ".stderr", NULL);
	fd = open(r->errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(g_spawn_async_with_fds(r->dir, (char **)(uintptr_t)argv,
	    NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
	    NULL, NULL, &r->pid, -1, -1, fd, &err), "spawn: %s",
	    err ? err->message : "?");
	close(fd);
	g_mutex_lock(&r->f->lock);
	r->f->pid = r->pid;
	g_mutex_unlock(&r->f->lock);
}

/* Waits for every run; one still going at the deadline has hung. */
static void
runs_wait(struct run *runs, size_t n)
{
	gint64 deadline = g_get_monotonic_time() +
	    RUN_DEADLINE * G_USEC_PER_SEC;
	size_t i, left = n;

	while (left > 0) {
		bool late = g_get_monotonic_time() > deadline;

		for (i = 0; i < n; i++) {
			int st;

			if (runs[i].status >= 0)
				continue;
			if (late) {
				kill(runs[i].pid, SIGKILL);
				runs[i].hung = true;
			}
			if (waitpid(runs[i].pid, &st, late ? 0 : WNOHANG) !=
			    runs[i].pid)
				continue;
			runs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
			g_spawn_close_pid(runs[i].pid);
			left--;
		}
		if (left > 0)
			g_usleep(20 * 1000);
	}
}

/* The UID in a spool file name ("...,imap=V.U:2,S"), 0 if none. */
static uint32_t
filed_uid(const char *name, uint32_t validity)
{
	g_autofree char *tag = g_strdup_printf(",imap=%u.", validity);
	const char *p = strstr(name, tag);

	return p ? (uint32_t)strtoul(p + strlen(tag), NULL, 10) : 0;
}

static void
problem(GString *problems, const struct run *r, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void
problem(GString *problems, const struct run *r, const char *fmt, ...)
{
	va_list ap;

	g_string_append_printf(problems, "\n%s (%s): ", r->sc->name,
	    r->dir);
	va_start(ap, fmt);
	g_string_append_vprintf(problems, fmt, ap);
	va_end(ap);
}

/* Whether text is message m's placeholder (it was over the limit). */
static bool
is_placeholder(const char *text, const struct fake_msg *m)
{
	g_autofree char *id = NULL;
	const char *p = strstr(m->data->str, "Message-ID: ");
	const char *eol = p ? strstr(p, "\r\n") : NULL;

	if (!eol)
		return false;
	id = g_strndup(p, (gsize)(eol - p));
	return strstr(text, id) && strstr(text, "X-Consultd-Too-Large: ") &&
	    !strstr(text, "xxxxxxxxxx");
}

/*
 * What a run did against what its case expects: each message filed once
 * with its bytes, nothing flagged that is not filed, the exit status,
 * the words on stderr, the number of body connections, spool files
 * closed and tmp/ empty.
 */
static void
run_check(struct run *r, struct tally *t, GString *problems)
{
	const struct stream_case *sc = r->sc;
	struct fake *f = r->f;
	g_autofree char *cur = g_build_filename(r->dir, "spool", "inbox",
	    "cur", NULL);
	g_autofree char *errs = NULL;
	g_autofree unsigned *copies = g_new0(unsigned, sc->nmsg);
	unsigned i, expected = 0, left;
	const char *name;
	GDir *d;

	t->runs++;
	if (!g_file_get_contents(r->errfile, &errs, NULL, NULL))
		errs = g_strdup("");
	if (r->hung) {
		t->hangs++;
		problem(problems, r, "still running after %d s", RUN_DEADLINE);
	}
	if (r->status != sc->status) {
		t->wrong_exit++;
		problem(problems, r, "exit %d, expected %d: %s", r->status,
		    sc->status, errs);
	}
	if (sc->say && !strstr(errs, sc->say))
		problem(problems, r, "'%s' not on stderr: %s", sc->say, errs);
	if (f->streams != sc->streams)
		problem(problems, r, "%u body connections, expected %u",
		    f->streams, sc->streams);
	if (f->oddities->len)
		problem(problems, r, "the server saw: %s", f->oddities->str);
	if (f->logouts == 0)
		problem(problems, r, "never logged out of the control "
		    "connection");
	if (f->spool_fds) {
		t->spool_fds += f->spool_fds;
		problem(problems, r, "%u spool file(s) still open at the end",
		    f->spool_fds);
	}
	left = testutil_count_files(r->dir, "spool/inbox/tmp") +
	    testutil_count_files(r->dir, "spool/inbox/new");
	if (left) {
		t->tmp_left += left;
		problem(problems, r, "%u file(s) left in tmp/ or new/", left);
	}

	/* Filed: each expected message once, with its bytes. */
	d = g_dir_open(cur, 0, NULL);
	ck_assert_ptr_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(cur, name, NULL);
		g_autofree char *text = NULL;
		uint32_t uid = filed_uid(name, f->validity);
		gsize len = 0;

		for (i = 0; i < sc->nmsg && f->msgs[i].uid != uid; i++)
			;
		if (!uid || i == sc->nmsg) {
			t->wrong_content++;
			problem(problems, r, "'%s' is no message of the case",
			    name);
			continue;
		}
		copies[i]++;
		ck_assert(g_file_get_contents(path, &text, &len, NULL));
		if (case_big(sc, i) ? !is_placeholder(text, &f->msgs[i]) :
		    (len != f->msgs[i].data->len ||
		    memcmp(text, f->msgs[i].data->str, len) != 0)) {
			t->wrong_content++;
			problem(problems, r, "UID %u filed with other bytes "
			    "(%zu, not %zu)", uid, (size_t)len,
			    f->msgs[i].data->len);
		}
	}
	g_dir_close(d);
	for (i = 0; i < sc->nmsg; i++) {
		GString *flags = g_hash_table_lookup(f->flagged,
		    GUINT_TO_POINTER(f->msgs[i].uid));
		bool want = case_files(sc, i);

		expected += want;
		if (i < sc->once && f->msgs[i].bodies != 1)
			problem(problems, r, "UID %u fetched %u times",
			    f->msgs[i].uid, f->msgs[i].bodies);
		if (copies[i] > 1) {
			t->duplicated++;
			problem(problems, r, "UID %u filed %u times",
			    f->msgs[i].uid, copies[i]);
		}
		if (want && copies[i] == 1)
			t->filed_once++;
		if (want && !copies[i]) {
			t->lost++;
			problem(problems, r, "UID %u not filed",
			    f->msgs[i].uid);
		}
		if (!want && copies[i])
			problem(problems, r, "UID %u filed, but should not be",
			    f->msgs[i].uid);
		if (flags && !copies[i]) {
			t->flagged_unfiled++;
			problem(problems, r, "UID %u flagged (%s), not filed",
			    f->msgs[i].uid, flags->str);
		}
		if (want && (!flags || !strstr(flags->str,
		    FETCH_KEYWORD_FILED) || (case_big(sc, i) &&
		    !strstr(flags->str, FETCH_KEYWORD_TOO_LARGE)))) {
			t->unflagged++;
			problem(problems, r, "UID %u filed, flagged '%s'",
			    f->msgs[i].uid, flags ? flags->str : "");
		}
	}
	t->expected += expected;
	if (testutil_db_int(r->dir, "SELECT count(*) FROM message") !=
	    (int64_t)expected)
		problem(problems, r, "%lld message rows, expected %u",
		    (long long)testutil_db_int(r->dir,
		    "SELECT count(*) FROM message"), expected);
}

START_TEST(test_stream_odd_servers_file_once_flag_only_filed)
{
	unsigned rounds = testutil_scale(1, 3);
	g_autofree char *top = testutil_tmpdir();
	g_autofree char *template = make_template(top);
	g_autoptr(GString) problems = g_string_new(NULL);
	struct run runs[G_N_ELEMENTS(cases)];
	struct tally t = { 0 };
	unsigned round;
	size_t i;

	for (round = 0; round < rounds; round++) {
		memset(runs, 0, sizeof(runs));
		for (i = 0; i < G_N_ELEMENTS(cases); i++)
			run_start(&runs[i], &cases[i], round, top, template);
		runs_wait(runs, G_N_ELEMENTS(runs));
		for (i = 0; i < G_N_ELEMENTS(runs); i++) {
			fake_stop(runs[i].f);
			run_check(&runs[i], &t, problems);
			fake_free(runs[i].f);
			testutil_rmtree(runs[i].dir);
			unlink(runs[i].errfile);
			g_free(runs[i].dir);
			g_free(runs[i].errfile);
		}
	}
	testutil_report("imap-stream", "cases=%zu rounds=%u runs=%u "
	    "filed_once=%u/%u duplicated=%u lost=%u wrong_content=%u "
	    "flagged_unfiled=%u unflagged_filed=%u wrong_exit=%u hangs=%u "
	    "spool_fds_leaked=%u tmp_left=%u", G_N_ELEMENTS(cases), rounds,
	    t.runs, t.filed_once, t.expected, t.duplicated, t.lost,
	    t.wrong_content, t.flagged_unfiled, t.unflagged, t.wrong_exit,
	    t.hangs, t.spool_fds, t.tmp_left);
	testutil_rmtree(top);
	/* Check cuts long messages: all of it on stderr, the start here. */
	if (problems->len)
		fprintf(stderr, "imap-stream problems:%s\n", problems->str);
	ck_assert_msg(problems->len == 0, "%.1500s", problems->str);
}
END_TEST

Suite *
imapstream_suite(void)
{
	Suite *s = suite_create("imapstream");
	TCase *tc = tcase_create("scripted");

	/* Each round takes as long as its slowest case, about 20 s. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_stream_odd_servers_file_once_flag_only_filed);
	suite_add_tcase(s, tc);
	return s;
}
