/* SPDX-License-Identifier: MIT */
/*
 * The whole parse path over the peer corpora (CONSULTD_CORPORA, default
 * ../shared/corpora): every rfc5322 and mbox case of cases.tsv goes through
 * parse_to_json() in its own forked test, which must neither crash nor
 * print anything but a JSON object; then the kinds are compared with
 * expected_kind and at least 95% must agree.  A missing corpus fails.
 */
#include <check.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mime.h"
#include "parse.h"

Suite *corpora_suite(void);

#define CORPORA_DEFAULT CONSULTD_CORPORA_DIR
#define CORPORA_MIN_RATE 95.0

struct corpora_case {
	char *file;		/* relative to the corpora folder */
	bool mbox;
	char *expected_kind;	/* reply, auto_reply, bounce or NULL */
};

static GPtrArray *corpora_cases;	/* struct corpora_case * */
static char *corpora_dir;
static char *corpora_problem;		/* why there is no list, or NULL */

static const char *
corpora_path(void)
{
	const char *env = g_getenv("CONSULTD_CORPORA");

	return env && *env ? env : CORPORA_DEFAULT;
}

/* Reads cases.tsv: file, format, tests, expected_kind, detail. */
static void
corpora_load(void)
{
	char *tsv = NULL;
	char *path;
	char **lines;
	GError *err = NULL;
	size_t i;

	corpora_cases = g_ptr_array_new();
	corpora_dir = g_strdup(corpora_path());
	path = g_build_filename(corpora_dir, "cases.tsv", NULL);
	if (!g_file_get_contents(path, &tsv, NULL, &err)) {
		corpora_problem = g_strdup_printf("no peer corpora: %s (set "
		    "CONSULTD_CORPORA to the folder holding cases.tsv)",
		    err->message);
		g_error_free(err);
		g_free(path);
		return;
	}
	lines = g_strsplit(tsv, "\n", -1);
	for (i = 1; lines[i]; i++) {
		char **f = g_strsplit(lines[i], "\t", 5);
		struct corpora_case *c;

		if (g_strv_length(f) >= 4 && (strcmp(f[1], "rfc5322") == 0 ||
		    strcmp(f[1], "mbox") == 0)) {
			c = g_new0(struct corpora_case, 1);
			c->file = g_strdup(f[0]);
			c->mbox = strcmp(f[1], "mbox") == 0;
			if (strcmp(f[3], "-") != 0)
				c->expected_kind = g_strdup(f[3]);
			g_ptr_array_add(corpora_cases, c);
		}
		g_strfreev(f);
	}
	if (corpora_cases->len == 0)
		corpora_problem = g_strdup_printf("%s lists no rfc5322 or "
		    "mbox case", path);
	g_strfreev(lines);
	g_free(tsv);
	g_free(path);
}

/*
 * The output must be one JSON object on one line: parse_to_json() escapes
 * every control character, so a raw one means broken escaping.
 */
static bool
corpora_json_ok(const char *json, const char **why_out)
{
	size_t len = strlen(json);
	size_t i;

	if (len < 3 || json[0] != '{' || json[len - 2] != '}' ||
	    json[len - 1] != '\n') {
		*why_out = "not one object ending in a newline";
		return false;
	}
	for (i = 0; i + 1 < len; i++)
		if ((unsigned char)json[i] < 0x20) {
			*why_out = "raw control character in the output";
			return false;
		}
	if (!g_utf8_validate(json, (gssize)len, NULL)) {
		*why_out = "invalid UTF-8 in the output";
		return false;
	}
	return true;
}

/* The "kind" member of parse_to_json() output, newly allocated, or NULL. */
static char *
corpora_kind(const char *json)
{
	const char *p = strstr(json, ", \"kind\": \"");
	const char *end;

	if (!p)
		return NULL;
	p += strlen(", \"kind\": \"");
	end = strchr(p, '"');
	return end ? g_strndup(p, (gsize)(end - p)) : NULL;
}

/*
 * Calls fn on each message of raw: the whole of it, or for an mbox each
 * part from one "From " line to the next.
 */
static void
corpora_each_message(const char *raw, size_t len, bool mbox,
    void (*fn)(const char *, size_t, void *), void *data)
{
	const char *p = raw;
	const char *end = raw + len;

	if (!mbox) {
		fn(raw, len, data);
		return;
	}
	while (p < end) {
		const char *next = p;
		const char *nl;

		/* Skip the From_ line, then find the next one. */
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl ? nl + 1 : end;
		while (next < end) {
			/* Not only after a blank line: jwz.mbox has none. */
			if ((size_t)(end - next) >= 5 &&
			    memcmp(next, "From ", 5) == 0)
				break;
			nl = memchr(next, '\n', (size_t)(end - next));
			next = nl ? nl + 1 : end;
		}
		fn(p, (size_t)(next - p), data);
		p = next;
	}
}

struct corpora_result {
	const char *file;
	unsigned messages;
	char *kind;		/* of the first message, newly allocated */
	char *problem;		/* first bad output, newly allocated */
};

static void
corpora_parse_one(const char *raw, size_t len, void *data)
{
	struct corpora_result *res = data;
	GError *err = NULL;
	const char *why = NULL;
	char *json;

	res->messages++;
	json = parse_to_json(raw, len, &err);
	if (!json) {
		/* Refusing what is not a message at all is allowed. */
		g_clear_error(&err);
		return;
	}
	if (!corpora_json_ok(json, &why) && !res->problem)
		res->problem = g_strdup_printf("%s (message %u): %s: %.300s",
		    res->file, res->messages, why, json);
	if (!res->kind)
		res->kind = corpora_kind(json);
	g_free(json);
}

/* Parses case c; the caller frees res->kind and res->problem. */
static void
corpora_run(const struct corpora_case *c, struct corpora_result *res)
{
	char *path = g_build_filename(corpora_dir, c->file, NULL);
	char *raw = NULL;
	size_t len = 0;

	memset(res, 0, sizeof(*res));
	res->file = c->file;
	ck_assert_msg(g_file_get_contents(path, &raw, &len, NULL),
	    "cannot read %s", path);
	corpora_each_message(raw, len, c->mbox, corpora_parse_one, res);
	g_free(raw);
	g_free(path);
}

/* "reply" in cases.tsv means written by a person: reply or unrelated. */
static bool
corpora_kind_matches(const char *expected, const char *got)
{
	if (!got)
		return false;
	if (strcmp(expected, "reply") == 0)
		return strcmp(got, "reply") == 0 ||
		    strcmp(got, "unrelated") == 0;
	return strcmp(expected, got) == 0;
}

static void
setup_gmime(void)
{
	mime_init();
}

static void
teardown_gmime(void)
{
	mime_shutdown();
}

START_TEST(test_corpora_missing)
{
	ck_abort_msg("%s", corpora_problem);
}
END_TEST

/* One case in its own child: a crash or hang is this test's Error. */
START_TEST(test_corpora_case)
{
	const struct corpora_case *c = corpora_cases->pdata[_i];
	struct corpora_result res;

	corpora_run(c, &res);
	ck_assert_msg(res.messages > 0, "%s: no message", c->file);
	ck_assert_msg(!res.problem, "%s", res.problem);
	g_free(res.kind);
}
END_TEST

START_TEST(test_corpora_kinds)
{
	unsigned known = 0, right = 0, files = 0, messages = 0;
	GString *wrong = g_string_new(NULL);
	double rate;
	size_t i;

	for (i = 0; i < corpora_cases->len; i++) {
		const struct corpora_case *c = corpora_cases->pdata[i];
		struct corpora_result res;

		corpora_run(c, &res);
		files++;
		messages += res.messages;
		if (c->expected_kind) {
			known++;
			if (corpora_kind_matches(c->expected_kind, res.kind))
				right++;
			else
				g_string_append_printf(wrong, "  %s: %s, "
				    "expected %s\n", c->file, res.kind ?
				    res.kind : "(none)", c->expected_kind);
		}
		g_free(res.kind);
		g_free(res.problem);
	}
	rate = known ? 100.0 * right / known : 0.0;
	fprintf(stderr, "corpora: %u files (%u messages) parsed; kind right "
	    "on %u/%u with an expected kind (%.1f%%)\n", files, messages,
	    right, known, rate);
	if (g_getenv("CORPORA_VERBOSE"))
		fprintf(stderr, "%s", wrong->str);
	ck_assert_msg(rate >= CORPORA_MIN_RATE, "kind right on %.1f%% only "
	    "(at least %.0f%%); wrong:\n%s", rate, CORPORA_MIN_RATE,
	    wrong->str);
	g_string_free(wrong, TRUE);
}
END_TEST

Suite *
corpora_suite(void)
{
	Suite *s = suite_create("corpora");
	TCase *tc = tcase_create("cases");
	TCase *tk = tcase_create("kinds");

	corpora_load();
	tcase_add_checked_fixture(tc, setup_gmime, teardown_gmime);
	tcase_add_checked_fixture(tk, setup_gmime, teardown_gmime);
	if (corpora_problem) {
		tcase_add_test(tc, test_corpora_missing);
	} else {
		/* The acceptance check gives each message 10 s. */
		tcase_set_timeout(tc, 10);
		tcase_add_loop_test(tc, test_corpora_case, 0,
		    (int)corpora_cases->len);
		tcase_set_timeout(tk, 60);
		tcase_add_test(tk, test_corpora_kinds);
		suite_add_tcase(s, tk);
	}
	suite_add_tcase(s, tc);
	return s;
}
