/* SPDX-License-Identifier: MIT */
/*
 * The parse-only floor of the benchmark: read each message of a Maildir
 * (new/ and cur/), let GMime build it, and get every text part as UTF-8,
 * nothing else.  No extraction, no database: what any GMime-based filer
 * must at least spend.  Prints "messages=N seconds=S rss_kb=K".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gmime/gmime.h>

#include "banned.h"

static size_t parse_floor_chars;	/* keeps the work from being elided */

static void
parse_floor_one(const char *raw, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	GMimePartIter *iter;

	if (msg) {
		iter = g_mime_part_iter_new((GMimeObject *)msg);
		do {
			GMimeObject *part = g_mime_part_iter_get_current(iter);
			char *text;

			if (!part || !GMIME_IS_TEXT_PART(part))
				continue;
			text = g_mime_text_part_get_text((GMimeTextPart *)part);
			if (text)
				parse_floor_chars += strlen(text);
			g_free(text);
		} while (g_mime_part_iter_next(iter));
		g_mime_part_iter_free(iter);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
}

static unsigned
parse_floor_dir(const char *maildir, const char *sub)
{
	char *path = g_build_filename(maildir, sub, NULL);
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;
	unsigned n = 0;

	while (dir && (name = g_dir_read_name(dir)) != NULL) {
		char *file = g_build_filename(path, name, NULL);
		char *raw = NULL;
		gsize len = 0;

		if (g_file_get_contents(file, &raw, &len, NULL)) {
			parse_floor_one(raw, len);
			n++;
		}
		g_free(raw);
		g_free(file);
	}
	if (dir)
		g_dir_close(dir);
	g_free(path);
	return n;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	unsigned n;
	double secs;

	if (argc != 2) {
		fprintf(stderr, "usage: parse_floor MAILDIR\n");
		return 64;
	}
	g_mime_init();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = parse_floor_dir(argv[1], "new") + parse_floor_dir(argv[1], "cur");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	g_mime_shutdown();
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("messages=%u seconds=%.3f rss_kb=%ld chars=%zu\n", n, secs,
	    ru.ru_maxrss, parse_floor_chars);
	return n ? 0 : 1;
}
