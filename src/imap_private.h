/* SPDX-License-Identifier: MIT */
/* What imap.c shares with imap_stream.c, the two halves of the adapter. */
#ifndef CONSULTD_IMAP_PRIVATE_H
#define CONSULTD_IMAP_PRIVATE_H

#include <curl/curl.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct imap_stream;

/* Caps on what we hold in memory from one answer (not message bodies). */
#define IMAP_BUFFER_SIZE	(1024L * 1024)
#define IMAP_TEXT_MAX		(4u * 1024 * 1024)
#define IMAP_LINE_MAX		300

enum imap_sink {
	IMAP_SINK_NONE,		/* discard untagged answers */
	IMAP_SINK_TEXT,		/* collect them in imap->text */
};

struct imap {
	CURL *curl;
	char *base;		/* "imaps://host:port/" */
	char *mailbox;		/* decoded name */
	char *mailbox_path;	/* as in the URL, encoded */
	char *location;		/* base + mailbox_path */
	char *username;
	char errbuf[CURL_ERROR_SIZE];
	GString *last_line;	/* the server's last response line */
	bool transient;
	bool caps_known;
	char *caps;		/* " CAP1 CAP2 ... " upper case */
	/* The sink of the request under way. */
	enum imap_sink sink;
	GString *text;
	GError *sink_err;
	/* -vv trace: hide what is sent while logging in. */
	bool masking;
	/* The body connection (imap_stream.c), NULL until needed. */
	struct imap_stream *stream;
	long stall_seconds;	/* the longest wait for the server */
};

/* The curl result as a CONSULTD_ERROR, with what to do about it. */
void imap_set_error(struct imap *imap, CURLcode rc, const char *what,
    GError **err);

/* The number after word in text (e.g. "UIDNEXT 12"); false if none. */
bool imap_find_number(const char *text, const char *word, uint64_t *out);

/* name as an IMAP quoted string, newly allocated. */
char *imap_quote(const char *name);

/* Drops the body connection, if any (imap_stream.c). */
void imap_stream_close(struct imap *imap);

#endif
