/* SPDX-License-Identifier: MIT */
/*
 * From a draft report to its feedback round: the report's section
 * headings become the S1, S2 ... questions of a consultation definition,
 * so that readers comment per section by mail.
 */
#ifndef CONSULTD_SECTIONS_H
#define CONSULTD_SECTIONS_H

#include <glib.h>

/*
 * The question sections of consultation.ini for the level-2 headings
 * ("## Title") of a Markdown report, plus G1 for general comments: each
 * "[Sn]" with kind = text, prompt = the heading, optional = true.
 * Headings are made one line without '['.  Newly allocated.
 */
char *sections_from_markdown(const char *markdown);

#endif
