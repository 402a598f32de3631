/* SPDX-License-Identifier: MIT */
/*
 * Report headings to feedback questions.  Only "## " headings count: the
 * report's title is "# " and its subsections "### ", which readers
 * comment on within their section.
 */
#include "sections.h"

#include <stdbool.h>
#include <string.h>

#include "banned.h"

/* A heading as a prompt: one line, no '[' (markers), no Markdown marks. */
static char *
sections_prompt(const char *heading)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = heading; *p; p++) {
		if (*p == '[' || *p == ']')
			continue;
		if (*p == '*' || *p == '_' || *p == '`')
			continue;
		g_string_append_c(out, *p);
	}
	g_strstrip(out->str);
	return g_string_free(out, FALSE);
}

char *
sections_from_markdown(const char *markdown)
{
	g_auto(GStrv) lines = g_strsplit(markdown, "\n", -1);
	GString *out = g_string_new(NULL);
	bool in_code = false;
	int n = 0;
	size_t i;

	for (i = 0; lines[i]; i++) {
		g_autofree char *prompt = NULL;
		const char *l = lines[i];

		if (g_str_has_prefix(l, "```"))
			in_code = !in_code;
		if (in_code || !g_str_has_prefix(l, "## "))
			continue;
		prompt = sections_prompt(l + 3);
		g_strdelimit(prompt, "\r", ' ');
		if (!*prompt)
			continue;
		g_string_append_printf(out, "[S%d]\nkind = text\n"
		    "prompt = Comments on \"%s\"\noptional = true\n\n", ++n,
		    prompt);
	}
	g_string_append(out, "[G1]\nkind = text\n"
	    "prompt = General comments on the draft report\n"
	    "optional = true\n");
	return g_string_free(out, FALSE);
}
