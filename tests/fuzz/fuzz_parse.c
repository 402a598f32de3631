/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over the parse path: raw bytes through mime_parse,
 * classify, token and extract (all by way of parse_to_json()), and the same
 * bytes straight into extract_reply() as reply text.  Besides the
 * sanitizers it checks that the output is strict JSON (RFC 8259, UTF-8)
 * unless FUZZ_JSON_CHECK=0.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "consultd.h"
#include "extract.h"
#include "log.h"
#include "mime.h"
#include "parse.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bpf-on-bpfs ids and template lines, as ingest passes them. */
static const char *const fuzz_ids[] = {
	"Q1", "Q2", "Q3", "Q4", "C1", "R1", "R2", "Y1", NULL
};
static const char *const fuzz_ignore[] = {
	"[Q1] What worked well in the BPF(s) you took part in?",
	"[C1] What was your main role in the BPF?",
	"[R1] Clarity of the BPF's objectives (1-5)",
	"1. Coordinator / lead expert", "2. Contributor",
	"3. MAG member / facilitator", NULL
};

/*
 * A strict JSON validator: one value, nothing but white space around it,
 * strings free of raw control characters and made of valid UTF-8.
 */
struct fuzz_json {
	const char *p;
	const char *end;
	unsigned depth;
};

static bool fuzz_json_value(struct fuzz_json *j);

static void
fuzz_json_ws(struct fuzz_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool
fuzz_json_string(struct fuzz_json *j)
{
	const char *start;

	if (j->p >= j->end || *j->p != '"')
		return false;
	start = ++j->p;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return false;
			if (*j->p == 'u') {
				if (j->end - j->p < 5 ||
				    !g_ascii_isxdigit(j->p[1]) ||
				    !g_ascii_isxdigit(j->p[2]) ||
				    !g_ascii_isxdigit(j->p[3]) ||
				    !g_ascii_isxdigit(j->p[4]))
					return false;
				j->p += 4;
			} else if (!strchr("\"\\/bfnrt", *j->p))
				return false;
		}
		j->p++;
	}
	if (j->p >= j->end)
		return false;
	if (!g_utf8_validate(start, j->p - start, NULL))
		return false;
	j->p++;
	return true;
}

static bool
fuzz_json_number(struct fuzz_json *j)
{
	const char *start = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	while (j->p < j->end && g_ascii_isdigit(*j->p))
		j->p++;
	return j->p > start && g_ascii_isdigit(j->p[-1]);
}

static bool
fuzz_json_literal(struct fuzz_json *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* An object (close '}') or array (close ']') after its opening byte. */
static bool
fuzz_json_container(struct fuzz_json *j, char close)
{
	bool first = true;

	if (++j->depth > 64)
		return false;
	j->p++;
	for (;;) {
		fuzz_json_ws(j);
		if (j->p < j->end && *j->p == close && first)
			break;
		if (!first) {
			if (j->p < j->end && *j->p == close)
				break;
			if (j->p >= j->end || *j->p != ',')
				return false;
			j->p++;
			fuzz_json_ws(j);
		}
		if (close == '}') {
			if (!fuzz_json_string(j))
				return false;
			fuzz_json_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return false;
			j->p++;
		}
		if (!fuzz_json_value(j))
			return false;
		first = false;
	}
	j->p++;
	j->depth--;
	return true;
}

static bool
fuzz_json_value(struct fuzz_json *j)
{
	fuzz_json_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return fuzz_json_container(j, '}');
	case '[':
		return fuzz_json_container(j, ']');
	case '"':
		return fuzz_json_string(j);
	case 't':
		return fuzz_json_literal(j, "true");
	case 'f':
		return fuzz_json_literal(j, "false");
	case 'n':
		return fuzz_json_literal(j, "null");
	default:
		return fuzz_json_number(j);
	}
}

static bool
fuzz_json_valid(const char *s, size_t len)
{
	struct fuzz_json j = { s, s + len, 0 };

	if (!fuzz_json_value(&j))
		return false;
	fuzz_json_ws(&j);
	return j.p == j.end;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static bool check_json;
	const char *raw = (const char *)data;
	struct extract_result *r;
	GError *err = NULL;
	char *json;
	char *text;

	if (!ready) {
		log_init(LOG_LEVEL_QUIET);
		mime_init();
		/* FUZZ_JSON_CHECK=0 looks for crashes only. */
		check_json = g_strcmp0(g_getenv("FUZZ_JSON_CHECK"), "0") != 0;
		ready = true;
	}
	json = parse_to_json(raw, size, &err);
	if (json) {
		/* A non-JSON answer is a finding like a crash. */
		if (check_json && !fuzz_json_valid(json, strlen(json))) {
			fprintf(stderr, "fuzz_parse: bad JSON: %s", json);
			abort();
		}
		g_free(json);
	} else {
		assert(err && err->domain == CONSULTD_ERROR);
		g_clear_error(&err);
	}
	/* The same bytes as a reply body (extract takes a C string). */
	text = g_strndup(raw, size);
	r = extract_reply(text, NULL, NULL, NULL);
	extract_result_free(r);
	r = extract_reply(text, fuzz_ids, fuzz_ignore, "Maria Garcia");
	extract_result_free(r);
	g_free(text);
	return 0;
}
