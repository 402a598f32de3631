/* SPDX-License-Identifier: MIT */
/*
 * Consultation definitions: consultation.ini read with GKeyFile (every
 * group but [consultation] is a question, in file order) plus the message
 * templates beside it.  Also the marker block sent out in invitations and
 * the validation of rating, choice and yesno answers.
 */
#include "definition.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "consultd.h"

#include "banned.h"

static const char *const definition_template_names[] = {
	DEFINITION_TEMPLATES
};

struct question *
question_new(void)
{
	struct question *q = g_new0(struct question, 1);

	q->options = g_ptr_array_new_with_free_func(g_free);
	return q;
}

void
question_free(struct question *q)
{
	if (!q)
		return;
	g_free(q->id);
	g_free(q->prompt);
	g_free(q->help);
	g_ptr_array_unref(q->options);
	g_free(q);
}

struct definition *
definition_new(void)
{
	struct definition *def = g_new0(struct definition, 1);

	def->questions = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)question_free);
	def->templates = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	def->max_reminders = 3;
	def->reminder_interval_days = 7;
	return def;
}

void
definition_free(struct definition *def)
{
	if (!def)
		return;
	g_free(def->name);
	g_free(def->title);
	g_free(def->description);
	g_free(def->languages);
	g_free(def->reply_address);
	g_free(def->public_address);
	g_free(def->consent);
	g_free(def->reminder_days_before);
	g_ptr_array_unref(def->questions);
	g_hash_table_unref(def->templates);
	g_free(def);
}

const char *
question_kind_name(enum question_kind kind)
{
	switch (kind) {
	case QUESTION_TEXT:
		return "text";
	case QUESTION_RATING:
		return "rating";
	case QUESTION_CHOICE:
		return "choice";
	case QUESTION_YESNO:
		return "yesno";
	}
	return "text";
}

bool
question_kind_parse(const char *name, enum question_kind *kind_out)
{
	static const enum question_kind kinds[] = {
		QUESTION_TEXT, QUESTION_RATING, QUESTION_CHOICE, QUESTION_YESNO
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(name, question_kind_name(kinds[i])) == 0) {
			*kind_out = kinds[i];
			return true;
		}
	return false;
}

/* IDs are one to three letters then one to three digits: Q1, R12, S3. */
static bool
definition_valid_id(const char *id)
{
	size_t i = 0, letters, digits;

	while (g_ascii_isupper(id[i]))
		i++;
	letters = i;
	while (g_ascii_isdigit(id[i]))
		i++;
	digits = i - letters;
	return !id[i] && letters >= 1 && letters <= 3 && digits >= 1 &&
	    digits <= 3;
}

static char *
definition_get(GKeyFile *kf, const char *group, const char *key)
{
	char *v = g_key_file_get_string(kf, group, key, NULL);

	if (v && !*g_strstrip(v))
		g_clear_pointer(&v, g_free);
	return v;
}

/* NAME is a folder name and appears in commands: keep it simple. */
static bool
definition_valid_name(const char *name)
{
	size_t i;

	if (!g_ascii_islower(name[0]) && !g_ascii_isdigit(name[0]))
		return false;
	for (i = 0; name[i]; i++)
		if (!g_ascii_islower(name[i]) && !g_ascii_isdigit(name[i]) &&
		    name[i] != '-' && name[i] != '_')
			return false;
	return i <= 64;
}

/* An integer key of [consultation], with its problem reported. */
static int
definition_get_int(GKeyFile *kf, const char *key, int def, GString *problems)
{
	g_autofree char *v = definition_get(kf, "consultation", key);
	gint64 n;

	if (!v)
		return def;
	if (!g_ascii_string_to_signed(v, 10, 0, 1000, &n, NULL)) {
		g_string_append_printf(problems, "\n  [consultation] %s: '%s' "
		    "is not a whole number from 0 to 1000", key, v);
		return def;
	}
	return (int)n;
}

static bool
definition_parse_scale(const char *s, int *min_out, int *max_out)
{
	g_auto(GStrv) parts = g_strsplit(s, "-", 2);
	gint64 lo, hi;

	if (!parts[0] || !parts[1] ||
	    !g_ascii_string_to_signed(g_strstrip(parts[0]), 10, 0, 100, &lo,
	    NULL) ||
	    !g_ascii_string_to_signed(g_strstrip(parts[1]), 10, 0, 100, &hi,
	    NULL) || lo >= hi)
		return false;
	*min_out = (int)lo;
	*max_out = (int)hi;
	return true;
}

static bool
definition_parse_deadline(const char *s, int64_t *out)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) dt = NULL;
	int y, m, d;
	char extra;

	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
		return false;
	dt = g_date_time_new(utc, y, m, d, 23, 59, 59);
	if (!dt)
		return false;
	*out = g_date_time_to_unix(dt);
	return true;
}


static void
definition_read_question(GKeyFile *kf, const char *group,
    struct definition *def, GString *problems)
{
	struct question *q = question_new();
	g_autofree char *kind = definition_get(kf, group, "kind");
	g_autofree char *scale = definition_get(kf, group, "scale");
	g_autofree char *options = definition_get(kf, group, "options");
	g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
	size_t i;

	q->id = g_strdup(group);
	q->prompt = definition_get(kf, group, "prompt");
	q->help = definition_get(kf, group, "help");
	q->optional = g_key_file_get_boolean(kf, group, "optional", NULL);
	if (!definition_valid_id(group))
		g_string_append_printf(problems, "\n  [%s]: a question ID is "
		    "1-3 capital letters and 1-3 digits, like Q1 or R2",
		    group);
	for (i = 0; keys && keys[i]; i++)
		if (!g_strv_contains((const char *const[]){ "kind", "prompt",
		    "help", "scale", "options", "optional", NULL }, keys[i]))
			g_string_append_printf(problems,
			    "\n  [%s] %s: unknown key", group, keys[i]);
	if (!q->prompt)
		g_string_append_printf(problems, "\n  [%s]: 'prompt' is "
		    "missing", group);
	else if (strchr(q->prompt, '\n') || strchr(q->prompt, '['))
		g_string_append_printf(problems, "\n  [%s] prompt: must be "
		    "one line without '['", group);
	if (!kind || !question_kind_parse(kind, &q->kind))
		g_string_append_printf(problems, "\n  [%s] kind: '%s' must be "
		    "text, rating, choice or yesno", group,
		    kind ? kind : "");
	if (q->kind == QUESTION_RATING && (!scale ||
	    !definition_parse_scale(scale, &q->scale_min, &q->scale_max)))
		g_string_append_printf(problems, "\n  [%s] scale: a rating "
		    "needs a scale like 1-5", group);
	if (q->kind == QUESTION_CHOICE) {
		g_auto(GStrv) opts = options ?
		    g_strsplit(options, ";", -1) : NULL;

		for (i = 0; opts && opts[i]; i++)
			if (*g_strstrip(opts[i]))
				g_ptr_array_add(q->options,
				    g_strdup(opts[i]));
		if (q->options->len < 2)
			g_string_append_printf(problems, "\n  [%s] options: "
			    "a choice needs at least two options separated "
			    "by ';'", group);
	}
	if (definition_question(def, group))
		g_string_append_printf(problems, "\n  [%s]: defined twice",
		    group);
	g_ptr_array_add(def->questions, q);
}

static void
definition_read_templates(const char *dir, struct definition *def,
    GString *problems)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(definition_template_names); i++) {
		const char *name = definition_template_names[i];
		g_autofree char *file = g_strconcat(name, ".txt", NULL);
		g_autofree char *path = g_build_filename(dir, file, NULL);
		g_autoptr(GError) ferr = NULL;
		char *text = NULL;

		if (!g_file_test(path, G_FILE_TEST_EXISTS))
			continue;
		if (!g_file_get_contents(path, &text, NULL, &ferr)) {
			g_string_append_printf(problems, "\n  %s: %s", file,
			    ferr->message);
			continue;
		}
		if (!g_utf8_validate(text, -1, NULL)) {
			g_string_append_printf(problems, "\n  %s: not valid "
			    "UTF-8 (save it as UTF-8)", file);
			g_free(text);
			continue;
		}
		g_hash_table_insert(def->templates, g_strdup(name), text);
	}
	if (!g_hash_table_contains(def->templates, "invitation"))
		g_string_append(problems, "\n  invitation.txt is missing");
}

struct definition *
definition_read(const char *dir, GError **err)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) kerr = NULL;
	g_autofree char *path = g_build_filename(dir, "consultation.ini",
	    NULL);
	g_autofree char *deadline = NULL;
	g_autofree char *open = NULL;
	g_auto(GStrv) groups = NULL;
	struct definition *def = NULL;
	GString *problems = g_string_new(NULL);
	size_t i;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &kerr)) {
		bool missing = g_error_matches(kerr, G_FILE_ERROR,
		    G_FILE_ERROR_NOENT);

		g_set_error(err, CONSULTD_ERROR, missing ? EX_NOINPUT :
		    EX_CONFIG, "cannot read consultation definition '%s': %s",
		    path, kerr->message);
		goto out;
	}
	def = definition_new();
	{
		g_autofree char *abs = g_canonicalize_filename(dir, NULL);

		def->name = g_path_get_basename(abs);
	}
	if (!definition_valid_name(def->name))
		g_string_append_printf(problems, "\n  the folder name '%s' is "
		    "the consultation's NAME: use lowercase letters, digits, "
		    "'-' and '_'", def->name);
	if (!g_key_file_has_group(kf, "consultation"))
		g_string_append(problems, "\n  the [consultation] section is "
		    "missing");
	def->title = definition_get(kf, "consultation", "title");
	def->description = definition_get(kf, "consultation", "description");
	def->languages = definition_get(kf, "consultation", "languages");
	def->reply_address = definition_get(kf, "consultation",
	    "reply_address");
	def->public_address = definition_get(kf, "consultation",
	    "public_address");
	def->consent = definition_get(kf, "consultation", "consent");
	def->reminder_days_before = definition_get(kf, "consultation",
	    "reminder_days_before");
	open = definition_get(kf, "consultation", "open");
	def->open = open && (strcmp(open, "true") == 0 ||
	    strcmp(open, "yes") == 0);
	if (open && !def->open && strcmp(open, "false") != 0 &&
	    strcmp(open, "no") != 0)
		g_string_append_printf(problems, "\n  [consultation] open: "
		    "'%s' must be true or false", open);
	def->max_reminders = definition_get_int(kf, "max_reminders",
	    def->max_reminders, problems);
	def->reminder_interval_days = definition_get_int(kf,
	    "reminder_interval_days", def->reminder_interval_days, problems);
	if (!def->title)
		g_string_append(problems, "\n  [consultation] title: missing");
	if (!def->reply_address || !addr_valid(def->reply_address))
		g_string_append(problems, "\n  [consultation] reply_address: "
		    "a plain address like consult@example.org is needed");
	if (def->public_address && !addr_valid(def->public_address))
		g_string_append(problems, "\n  [consultation] public_address: "
		    "a plain address like feedback@example.org is needed");
	deadline = definition_get(kf, "consultation", "deadline");
	if (deadline && !definition_parse_deadline(deadline, &def->deadline))
		g_string_append_printf(problems, "\n  [consultation] "
		    "deadline: '%s' is not a date like 2027-01-31", deadline);

	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i]; i++)
		if (strcmp(groups[i], "consultation") != 0)
			definition_read_question(kf, groups[i], def, problems);
	if (!def->questions->len)
		g_string_append(problems, "\n  no questions: add sections "
		    "like [Q1] with kind and prompt");
	definition_read_templates(dir, def, problems);

	if (problems->len) {
		g_set_error(err, CONSULTD_ERROR, EX_CONFIG,
		    "consultation definition '%s' has errors:%s", dir,
		    problems->str);
		g_clear_pointer(&def, definition_free);
	}
out:
	g_string_free(problems, TRUE);
	return def;
}

const struct question *
definition_question(const struct definition *def, const char *id)
{
	size_t i;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];

		if (g_ascii_strcasecmp(q->id, id) == 0)
			return q;
	}
	return NULL;
}

static bool
definition_ends_as_prompt(const char *prompt)
{
	size_t n = strlen(prompt);

	return n && (prompt[n - 1] == '?' || prompt[n - 1] == ':' ||
	    prompt[n - 1] == ')' || g_str_has_suffix(prompt, "\xef\xbc\x9f") ||
	    g_str_has_suffix(prompt, "\xd8\x9f"));
}

static void
definition_option_line(GString *out, size_t n, const char *option)
{
	g_string_append_printf(out, "  %zu. %s\n", n, option);
}

char *
definition_marker_block(const struct definition *def, GHashTable *answers)
{
	GString *out = g_string_new(NULL);
	size_t i, j;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];
		const char *answer = answers ?
		    g_hash_table_lookup(answers, q->id) : NULL;

		g_string_append_printf(out, "[%s] %s", q->id, q->prompt);
		/*
		 * A prompt that does not end as a question gets a colon, so
		 * that a reader of the reply can tell it from an answer
		 * written on the marker line (extract relies on it).
		 */
		if ((q->kind == QUESTION_TEXT || q->kind == QUESTION_CHOICE) &&
		    !definition_ends_as_prompt(q->prompt))
			g_string_append_c(out, ':');
		if (q->kind == QUESTION_RATING)
			g_string_append_printf(out, " (%d-%d)", q->scale_min,
			    q->scale_max);
		else if (q->kind == QUESTION_YESNO)
			g_string_append(out, " (yes/no)");
		g_string_append_c(out, '\n');
		for (j = 0; j < q->options->len; j++)
			definition_option_line(out, j + 1,
			    q->options->pdata[j]);
		if (answer)
			g_string_append_printf(out, "%s\n", answer);
		g_string_append_c(out, '\n');
	}
	g_string_append(out, "[END]\n");
	return g_string_free(out, FALSE);
}

char **
definition_template_lines(const struct definition *def)
{
	GPtrArray *lines = g_ptr_array_new();
	size_t i, j;

	for (i = 0; i < def->questions->len; i++) {
		const struct question *q = def->questions->pdata[i];

		/* The prompt as the marker line shows it (with its scale). */
		if (q->kind == QUESTION_RATING)
			g_ptr_array_add(lines, g_strdup_printf("%s (%d-%d)",
			    q->prompt, q->scale_min, q->scale_max));
		else if (q->kind == QUESTION_YESNO)
			g_ptr_array_add(lines, g_strdup_printf("%s (yes/no)",
			    q->prompt));
		g_ptr_array_add(lines, g_strdup(q->prompt));
		if (!definition_ends_as_prompt(q->prompt))
			g_ptr_array_add(lines, g_strdup_printf("%s:",
			    q->prompt));
		for (j = 0; j < q->options->len; j++)
			g_ptr_array_add(lines, g_strdup_printf("%zu. %s",
			    j + 1, (char *)q->options->pdata[j]));
	}
	g_ptr_array_add(lines, NULL);
	return (char **)g_ptr_array_free(lines, FALSE);
}

/* The first integer in text, digits of any script (full-width too). */
static bool
definition_first_integer(const char *text, int *out)
{
	const char *p;
	int64_t v = 0;
	bool seen = false;

	for (p = text; *p; p = p + g_utf8_skip[*(const unsigned char *)p]) {
		int d = g_unichar_digit_value(g_utf8_get_char(p));

		if (d >= 0) {
			seen = true;
			v = v * 10 + d;
			if (v > 1000000)
				return false;
		} else if (seen)
			break;
	}
	*out = (int)v;
	return seen;
}

static const char *const definition_yes[] = {
	"yes", "y", "yep", "yeah", "sure", "oui", "si", "sí", "claro", "sim",
	"ja", "да", "конечно", "نعم", "أجل", "اجل", "是", "是的", "对", "好",
	"好的", "可以", "同意", "愿意", "当然", "ok", "okay", NULL
};
static const char *const definition_no[] = {
	"no", "n", "nope", "non", "não", "nao", "nein", "нет", "لا", "كلا",
	"否", "不", "不是", "不可以", "不行", "不同意", "不愿意", NULL
};

/*
 * The first word of text, lowercased, up to a space or punctuation of
 * any script ("是的，可以。", "نعم، بكل سرور").
 */
static char *
definition_first_word(const char *text)
{
	const char *end = text;
	g_autofree char *word = NULL;

	while (*end) {
		gunichar c = g_utf8_get_char(end);

		if (g_unichar_isspace(c) || (g_unichar_ispunct(c) &&
		    c != '\'' && c != '-'))
			break;
		end += g_utf8_skip[*(const unsigned char *)end];
	}
	word = g_strndup(text, end - text);
	return g_utf8_strdown(word, -1);
}

static bool
definition_has_digit(const char *text)
{
	const char *p;

	for (p = text; *p; p += g_utf8_skip[*(const unsigned char *)p])
		if (g_unichar_digit_value(g_utf8_get_char(p)) >= 0)
			return true;
	return false;
}

/*
 * text without a trailing full stop, "!" or blanks, newly allocated; a
 * question mark stays ("Contributor?" is not a choice).
 */
static char *
definition_trim_punct(const char *text)
{
	char *out = g_strdup(text);
	char *end = out + strlen(out);

	while (end > out) {
		char *prev = g_utf8_find_prev_char(out, end);
		gunichar c = g_utf8_get_char(prev);

		if (!g_unichar_isspace(c) && c != '.' && c != '!' &&
		    c != 0x3002 && c != 0xff01 && c != 0x06d4)	/* 。！۔ */
			break;
		end = prev;
	}
	*end = '\0';
	return out;
}

/* Is text word alone, but for blanks and a final full stop or "!"? */
static bool
definition_is_whole(const char *text, const char *word)
{
	g_autofree char *trimmed = definition_trim_punct(text);
	g_autofree char *lower = g_utf8_strdown(g_strstrip(trimmed), -1);

	return strcmp(lower, word) == 0;
}

/* "Claro que no", "Конечно нет", "Sure not": a yes word, negated. */
static bool
definition_negated(const char *text, const char *first)
{
	static const char *const negations[] = {
		"no", "not", "non", "não", "nein", "нет", "не", "لا", "不",
		"否", NULL,
	};
	g_autofree char *lower = g_utf8_strdown(text, -1);
	const char *p = lower + strlen(first);

	while (*p) {
		g_autofree char *w = NULL;
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_isspace(c) || g_unichar_ispunct(c)) {
			p += g_utf8_skip[*(const guchar *)p];
			continue;
		}
		w = definition_first_word(p);
		if (g_strv_contains(negations, w))
			return true;
		p += strlen(w) ? strlen(w) : 1;
	}
	return false;
}

/* Ratings written as words, in the six UN languages, German, Portuguese. */
static const struct {
	const char *word;
	int value;
} definition_number_words[] = {
	{ "one", 1 }, { "two", 2 }, { "three", 3 }, { "four", 4 },
	{ "five", 5 }, { "six", 6 }, { "seven", 7 }, { "eight", 8 },
	{ "nine", 9 }, { "ten", 10 },
	{ "un", 1 }, { "une", 1 }, { "deux", 2 }, { "trois", 3 },
	{ "quatre", 4 }, { "cinq", 5 }, { "sept", 7 }, { "huit", 8 },
	{ "neuf", 9 }, { "dix", 10 },
	{ "uno", 1 }, { "una", 1 }, { "dos", 2 }, { "tres", 3 },
	{ "cuatro", 4 }, { "cinco", 5 }, { "seis", 6 }, { "siete", 7 },
	{ "ocho", 8 }, { "nueve", 9 }, { "diez", 10 },
	{ "один", 1 }, { "одна", 1 }, { "два", 2 }, { "две", 2 },
	{ "три", 3 }, { "четыре", 4 }, { "пять", 5 }, { "шесть", 6 },
	{ "семь", 7 }, { "восемь", 8 }, { "девять", 9 }, { "десять", 10 },
	{ "واحد", 1 }, { "اثنان", 2 }, { "اثنين", 2 }, { "ثلاثة", 3 },
	{ "أربعة", 4 }, { "اربعة", 4 }, { "خمسة", 5 }, { "ستة", 6 },
	{ "سبعة", 7 }, { "ثمانية", 8 }, { "تسعة", 9 }, { "عشرة", 10 },
	{ "eins", 1 }, { "zwei", 2 }, { "drei", 3 }, { "vier", 4 },
	{ "fünf", 5 }, { "um", 1 }, { "dois", 2 }, { "três", 3 },
	{ "quatro", 4 },
	{ "一", 1 }, { "二", 2 }, { "两", 2 }, { "三", 3 }, { "四", 4 },
	{ "五", 5 }, { "六", 6 }, { "七", 7 }, { "八", 8 }, { "九", 9 },
	{ "十", 10 },
};

/*
 * What may follow a rating word: nothing, or the scale ("four out of
 * five", "quatre sur cinq", "cuatro de cinco", "четыре из 5").
 */
static bool
definition_rating_rest(const char *rest, int hi)
{
	static const char *const connectors[] = {
		"out of ", "of ", "sur ", "de ", "из ", "от ", "من ", "von ",
		"em ", NULL,
	};
	size_t i;

	while (*rest == ' ')
		rest++;
	if (!*rest)
		return true;
	for (i = 0; connectors[i]; i++) {
		const char *scale = rest + strlen(connectors[i]);
		g_autofree char *word = NULL;
		size_t j;

		if (!g_str_has_prefix(rest, connectors[i]))
			continue;
		/* "five out of ten" is no rating from 1 to 5. */
		if (g_unichar_isdigit(g_utf8_get_char(scale)))
			return g_ascii_strtoll(scale, NULL, 10) == hi;
		word = definition_first_word(scale);
		for (j = 0; j < G_N_ELEMENTS(definition_number_words); j++)
			if (strcmp(word, definition_number_words[j].word) == 0)
				return definition_number_words[j].value == hi;
	}
	return false;
}

/*
 * A rating written as a word ("four", "quatre", "四分"), or -1.  Only
 * the word alone or before its scale: "one of the best" is no rating,
 * nor "一般" ("so-so").
 */
static int
definition_number_word(const char *text, int hi)
{
	g_autofree char *trimmed = definition_trim_punct(text);
	g_autofree char *word = definition_first_word(trimmed);
	const char *rest = trimmed + strlen(word);
	char first[8] = { 0 };
	const char *after;
	size_t i;

	g_utf8_strncpy(first, trimmed, 1);
	after = trimmed + strlen(first);
	for (i = 0; i < G_N_ELEMENTS(definition_number_words); i++) {
		const char *w = definition_number_words[i].word;

		if (strcmp(word, w) == 0 && strlen(word) == (size_t)(rest -
		    trimmed) && definition_rating_rest(rest, hi))
			return definition_number_words[i].value;
		/* Chinese runs on: "四分", "五星", "三颗星". */
		if (g_unichar_iswide(g_utf8_get_char(trimmed)) &&
		    strcmp(first, w) == 0 && (!*after ||
		    (g_str_has_prefix(after, "分") &&
		    !g_str_has_prefix(after, "分之")) ||
		    g_str_has_prefix(after, "星") ||
		    g_str_has_prefix(after, "颗")))
			return definition_number_words[i].value;
	}
	return -1;
}

/*
 * A rating: the first whole number, in the scale; any other number must
 * be an end of the scale ("4/5", "4 (1-5)").  A decimal ("4.5") or a
 * range ("3-4") is refused rather than guessed at.
 */
static bool
definition_rating(const char *text, int lo, int hi, int *out)
{
	const char *p = text;
	bool first = true;
	int64_t v = 0;
	bool in_number = false;

	for (;; p += g_utf8_skip[*(const unsigned char *)p]) {
		int d = *p ? g_unichar_digit_value(g_utf8_get_char(p)) : -1;

		if (d >= 0) {
			in_number = true;
			v = v * 10 + d;
			if (v > 1000000)
				return false;
			continue;
		}
		if (in_number) {
			if (first) {
				if ((*p == '.' || *p == ',') &&
				    g_ascii_isdigit(p[1]))
					return false;
				*out = (int)v;
				first = false;
			} else if (v != lo && v != hi)
				return false;
			in_number = false;
			v = 0;
		}
		if (!*p)
			break;
	}
	return !first && *out >= lo && *out <= hi;
}

char *
question_normalize_answer(const struct question *q, const char *text,
    char **error_out)
{
	g_autofree char *word = NULL;
	int n = 0;
	size_t i;

	*error_out = NULL;
	switch (q->kind) {
	case QUESTION_TEXT:
		return g_strdup(text);
	case QUESTION_RATING:
		if (definition_rating(text, q->scale_min, q->scale_max, &n))
			return g_strdup_printf("%d", n);
		n = definition_number_word(text, q->scale_max);
		if (!definition_has_digit(text) && n >= q->scale_min &&
		    n <= q->scale_max)
			return g_strdup_printf("%d", n);
		*error_out = g_strdup_printf("a rating from %d to %d is "
		    "expected, e.g. \"[%s] %d\"", q->scale_min, q->scale_max,
		    q->id, q->scale_max);
		return NULL;
	case QUESTION_CHOICE:
		/* "Contributor." is the option "Contributor". */
		word = definition_trim_punct(text);
		for (i = 0; i < q->options->len; i++)
			if (g_utf8_collate(word, q->options->pdata[i]) == 0 ||
			    g_ascii_strcasecmp(word, q->options->pdata[i]) ==
			    0)
				return g_strdup(q->options->pdata[i]);
		if (g_unichar_isdigit(g_utf8_get_char(text)) &&
		    definition_first_integer(text, &n) && n >= 1 &&
		    (size_t)n <= q->options->len)
			return g_strdup(q->options->pdata[n - 1]);
		*error_out = g_strdup_printf("one of the %u listed options is "
		    "expected, by its number, e.g. \"[%s] 1\"",
		    q->options->len, q->id);
		return NULL;
	case QUESTION_YESNO:
		word = definition_first_word(text);
		/* "y", "n" only alone: "N/A" is not "no". */
		if (strlen(word) > 1 || !g_ascii_isalpha(*word) ||
		    definition_is_whole(text, word)) {
			if (g_strv_contains(definition_yes, word) &&
			    !definition_negated(text, word))
				return g_strdup("yes");
			if (g_strv_contains(definition_no, word))
				return g_strdup("no");
		}
		*error_out = g_strdup_printf("yes or no is expected, e.g. "
		    "\"[%s] yes\"", q->id);
		return NULL;
	}
	return NULL;
}
