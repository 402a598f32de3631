/* SPDX-License-Identifier: MIT */
/*
 * HTML mail bodies to plain text: what a reader would see, with each
 * <blockquote> level turned into a "> " quote prefix so that reply
 * extraction treats HTML and plain-text replies alike.
 */
#ifndef CONSULTD_HTML2TEXT_H
#define CONSULTD_HTML2TEXT_H

#include <stddef.h>

/*
 * Converts len bytes of HTML (expected UTF-8; invalid bytes are replaced)
 * to text: tags dropped; <br>, <p>, <div>, <li>, <tr>, headings and other
 * blocks become line breaks (at most one blank line in a row; where the
 * document makes its blank lines of empty paragraphs, "<p><br></p>",
 * a paragraph is a line); list items start "- " or "1. ", nested ones
 * indented two spaces a level; a row's
 * cells are apart by a TAB, as Outlook's own text part has them; white space
 * collapsed outside <pre>; <style>, <script>, <head> and comments dropped;
 * character references decoded (&nbsp; is U+00A0); every line inside N
 * nested <blockquote>s starts with N times "> ".  Two mail-client hints
 * are kept as text for extract: <hr> becomes a line of 32 underscores
 * (Outlook's rule above the original) and a Gmail signature <div> is
 * preceded by a "--" line.  Lines carry no trailing white space and each
 * ends in LF.
 *
 * Returns: a newly allocated, valid UTF-8 string ("" for no text).
 */
char *html2text(const char *html, size_t len);

#endif
