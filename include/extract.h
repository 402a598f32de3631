/* SPDX-License-Identifier: MIT */
/*
 * Reply understanding (SPEC section 4): the answers a participant wrote
 * under the [ID] markers of the reply template, and the free text around
 * them.  Pure: text in, result out; no MIME, no database.
 */
#ifndef CONSULTD_EXTRACT_H
#define CONSULTD_EXTRACT_H

#include <glib.h>
#include <stdbool.h>

struct extract_answer {
	char *id;		/* uppercase, e.g. "Q1" */
	char *text;		/* trimmed as a whole (SPEC 7) of white
				 * space of any script (U+202F, U+3000
				 * ...), LF line ends, never empty */
};

/* What callers say of a quoted_only result. */
#define EXTRACT_QUOTED_ONLY_WARNING "answers found only inside the quoted " \
	"text: typed into the quoted original"

struct extract_result {
	GPtrArray *answers;	/* struct extract_answer *, first-seen order,
				 * one per id, non-empty texts only */
	char *free_text;	/* or NULL */
	GPtrArray *warnings;	/* char * */
	bool structured;	/* at least one marker seen */
	bool quoted_only;	/* no answer in the own text: the answers are
				   what is under the quoted markers */
};

/*
 * Extracts answers from text, a reply body as UTF-8 with LF line ends
 * (mime's struct message text; invalid UTF-8 is replaced).
 *
 * ids: NULL-terminated question ids of the consultation, matched
 * case-insensitively, or NULL to accept any [A-Z]{1,3}[0-9]{1,3} marker.
 * A marker with an id not in ids is kept as text and warned about.
 * Without ids, when the message shows the template (bracketed markers
 * quoted or in an unquoted original), an own bracketed id whose letters
 * no template id has ("[BPF18]", a citation key) is too.
 * ignore_lines: NULL-terminated template lines that are never answer
 * text (the marker prompts, "1. Cybersecurity"-style choice options), or
 * NULL.  They are compared ignoring case, decoration and runs of blanks.
 * sender_name: the display name of the message's From ("Maria Garcia",
 * "Garcia, Maria"), or NULL when unknown; it tells the sender's own name
 * and initials (see the rules) from answers.
 *
 * Rules (SPEC 4):
 * - A marker is [ID] at the start of a line after any quote prefix (">",
 *   "> >", ">>") and white space (NBSP and U+3000 too; zero-width
 *   spaces and word joiners count for nothing), optionally in
 *   bold (*[Q1]*, **[Q1]**) or full-width, lenticular or tortoise-shell
 *   brackets (［Q1］, 【Q1】, 〔Q1〕).  Inside the brackets the id may be
 *   spaced ("[ Q1 ]", "[Q 2]"), its letters Cyrillic or Greek ones that
 *   look Latin ([С1], [Υ1]) and its digits any script's ([R١], [Y۱]).
 *   [END] ends the answers.
 * - Markers retyped without brackets count in the own text only (quote depth 0,
 *   above an Outlook original), at the start of a line: "Q1: text" (a letter,
 *   one or two digits, a colon) with a known id, and without ids one the
 *   message shows in brackets if it shows any. The loose forms "<Q1>", "「Q1」",
 *   "(Q1)", "#Q1", "Q1)", "Q1.", "Q1 -" (or an en or em dash), "Q 1:" and "Q1 "
 *   before the prompt (a known prompt of Q1, or text ending in "?" or a
 *   "(1-5)"/"(yes/no)" scale) take an id of one to three capital letters and
 *   one to three digits: with ids a known one; without, one the template shows
 *   in brackets (quoted or in an Outlook original) when it shows any; never one
 *   the own text has as [Q1] itself. Such a line is a marker when another line
 *   in the same form has another id ("Q1." and "Q2."), or when it opens a
 *   paragraph (a blank or quoted line or nothing above it) and its id comes in
 *   template order (that of ids, else of the template's markers) after the
 *   closest marker above it in the own text and before the closest below it,
 *   with one of them at least. Alone, "Q3. was better", "(Q2) of the report" or
 *   "G20 - summit" stay text; "Q1 revenue grew" is no form at all.
 * - Several bracketed markers on one line of the own text ("[R1] 4 [R2]
 *   3", "My ratings: [R1] 5, [R2] 4", "[Q1] The list. [Q2] The
 *   timelines.") answer one question each, the text up to the next
 *   marker less a "," or ";" before it: when the template is known (ids,
 *   else bracketed markers quoted or in an Outlook original), their ids
 *   are the template's in its order, what comes before each marker after
 *   the first ends in ". , ; ! ? )" or a digit, and any lead-in ends in
 *   ":" or a sentence end.  "see [R2] above", "[Q1] Same as [Q2] below"
 *   stay text.
 * - Own text is unquoted text (quote depth 0).  An answer is the own text
 *   between its marker and the next marker, [END], an attribution line or
 *   the end; under a quoted marker that is the participant's inline text.
 * - The text after the marker on its line is the prompt, not an answer,
 *   when it equals a prompt of that id (from ignore_lines or from the same
 *   marker in the quoted original), or when no prompt is known and it
 *   reads as one (it ends in "?" or a scale such as "(1-5)", or a
 *   translated hint follows its "?": "... BPF ? (oui/non)").  Text after
 *   the prompt on that line ("[R1] How useful? (1-5) 4") is an answer,
 *   also when a value took the scale's place ("[R1] How useful? 4";
 *   a scale or a hint, not a remark like "(optional)"), without
 *   a leading ":" (also "：", Ethiopic "፡" or "፦"), "-", dash, arrow
 *   ("-->", "->", "=>", ">>", "→") or "=" and blank ("[Q1] = text"); a
 *   dash the next line repeats opened a list and stays.  A
 *   table pasted as text ("[Q1]<TAB>What worked well?<TAB>The calls"):
 *   a first cell that ends as a prompt is the prompt; in the template's
 *   copy "What worked well?<TAB>The calls" (an HTML table's row) is the
 *   prompt, then the answer.  There too a Spanish "¿...?" is the
 *   template's question with the answer after it (typed by them on their
 *   own line it is their answer), a "？" question counts its wide letters
 *   ("2027年IGF议程...议题？ 数字包容"), and a choice's value may follow the
 *   prompt's colon ("[C2] Preferred format: 4. Round table", "首选形式：
 *   主会场") when it is the number of one of the options listed under
 *   it, words after it or none (no range: "1 or 2", "1-5"), or the
 *   text of one.
 * - A section whose only own line is one ignore_lines option (the others
 *   deleted) answers with that option.  An option typed again under or
 *   above the unchanged list ("2. Contributor" after "5. Other") is the
 *   answer; the whole list left unchanged is none, also with its
 *   indentation lost, when the template shows its options.  Options are
 *   numbered "1." or "1)"; the template's options with blank lines
 *   between them (HTML paragraphs) under the answer are the list too;
 *   without the template, a list numbered from 1 under a value typed on
 *   the marker line is the options when the value names one of them
 *   (its number or its text).
 * - A question in brackets on the line under the marker, over more text
 *   ("[Q4] Anything else?\n(Kuna jambo lingine?)\nHakuna zaidi."), is
 *   their translation of the prompt, not the answer; alone it is.
 * - A marker seen twice: the non-empty answer wins; two different
 *   non-empty answers keep the first and add a warning.
 * - Never own text: quoted lines (but ">50 participants" figures under the
 *   participant's text with more of it below, and a quote without markers
 *   between two paragraphs of the same answer, are the answer's); attribution
 *   lines ("On ... wrote:" and its French, Spanish, German, Portuguese,
 *   Russian, Arabic, Chinese and a few other forms, also over two or three
 *   lines); everything after an Outlook boundary at depth 0 ("-----Original
 *   Message-----", a line of underscores, a "From:" line followed by
 *   "Sent:"/"Date:"/"To:" lines with an address or a full date, or, not typed
 *   under a marker or an answer line, without; "Begin forwarded message:";
 *   GroupWise's ">>> Name date >>>"); a signature from "-- " to the next quoted
 *   line, marker or attribution; "Sent from my iPhone"-style lines that name a
 *   device or app, or start a paragraph (and Outlook mobile's "Get Outlook for
 *   iOS<https://aka.ms/...>" in any language); a closing ("Kind regards,",
 *   "Cordiali saluti,", "Thanks!", "Warm wishes from Nairobi,", two joined:
 *   "Many thanks and best wishes,", "Muchas gracias y saludos,"; "With
 *   best wishes,"; "敬祝 順心"; a Turkish "İ" read as "i") over a line
 *   that could be a name or initials, two closing lines in one paragraph
 *   ("此致\n敬礼") as one; under an answer, a closing unknown to the lists
 *   by its shape: a short line ending in a comma opening a paragraph, a
 *   name under it, a few lines of office, nothing of the participant's
 *   below; a legal disclaimer paragraph ("...
 *   intended solely for the addressee", "... à l'intention exclusive de ses
 *   destinataires", in twelve languages) and what follows it up to the next
 *   marker or quote, with the name block right above it when an answer's text
 *   stands above that block; the "Ref: TOKEN" line; under an answer, a
 *   paragraph of one line that is sender_name, a word of it or its
 *   initials ("5 not 4, sorry\n\nBeatriz", "Xiaolan" for "Zhou Xiaolan",
 *   "-Tim", "K.M.", "Vale" for "Valentina": the start of a word of it, four
 *   letters or more, not a word that answers: "Sure" for "Suresh"; their
 *   whole name with up to three lines of office under it, no sentence
 *   among them; never a paragraph a line ending in ":" introduces)
 *   with nothing of the participant's below it but the original, a
 *   signature or the end, or a short line naming a device or app
 *   ("मेरे Galaxy से भेजा गया") in that place;
 *   inline PGP armor ("-----BEGIN PGP SIGNED MESSAGE-----", "Hash:"), whose
 *   "- " dash escapes come off the lines (RFC 4880 7.1).
 * - An attribution or header block typed inside an answer (an own marker
 *   above it and below it, the message's real attribution or boundary
 *   further down: "On 14 March 2019 the lead expert wrote:", a pasted
 *   call for input) is the answer's text; a header block with an address
 *   or a full date only when a line of theirs ending in a colon brings
 *   it in ("... was this one:") and no marker under it before the real
 *   original repeats one above it (an original repeats the template).
 * - An answer starting with a bracketed tag that is no marker, Outlook's
 *   inline comment mark ("[Maria Garcia] yes", "[KM] 4"), loses the tag
 *   at the start of its lines when the tag is sender_name, its first name
 *   or initials, or starts two answers or more.
 * - When the own text answers nothing, the text under the markers one
 *   quote level down is read as the answers instead (typed inside the
 *   quoted original), and quoted_only is set: the caller says so.  Not
 *   when that quote is someone's reply (an attribution in it over a
 *   deeper quote, or a boundary below its markers): a colleague's "+1"
 *   quoting the invitee's answers is no answer of his.
 * - Prompts are learnt from the template's marker lines in the quote,
 *   below a boundary or the attribution of an unquoted original (Yahoo),
 *   and below an Outlook header block when the line reads as a prompt
 *   ("?" or ":" at its end, a scale, or a short title without a full
 *   stop) or holds a choice's value after its colon (above): a sentence
 *   there is an answer typed into the original.
 * - A bulleted marker line of the instructions ("* [C1]: the number of
 *   one option.", or "- [C1] the number ..." when the marker block a
 *   little below in the same copy has [C1] again) among items of prose
 *   is text.
 * - A "- " or "* " after the marker that the next line repeats opens a
 *   list and stays ("[Q5] - Relevance\n- Feasibility").  A closing over
 *   a signature (a "-- " line, a name block over a disclaimer) is a
 *   sign-off, never the answer of an empty last question (but thanks
 *   alone, "谢谢！", answers it); over an app's "Sent from ..." line it
 *   answers it, as over [END].  Prompts retyped in the participant's
 *   language over their answers ("[Q1] ¿Qué funcionó bien?\nEl
 *   trabajo."): when two own marker lines or more end as a question or
 *   with a hint ("(sí/no)") over an answer below, such marker lines (and
 *   those ending in a colon) are prompts, not the answers' first lines.
 *   A last paragraph of one short line ending in ":" ("English
 *   below:") under text of the answer introduces the next marker, not
 *   this answer.
 * - Gmail's bold in text is theirs: "*[Q1]* *Strengths:* the calls" keeps
 *   "*Strengths:*", and a short bold heading of theirs ending in a colon
 *   ("*Weaknesses:*") is never taken for a prompt they retyped.
 * - A scale is a rating's range ("(1-5)", "(0-10)", "(5-1)"), not
 *   years ("Gender and Access (2016-2018)"); a yes/no hint may stand in
 *   full-width brackets ("？（是/否）").
 * - Prompts are compared ignoring case, the kind of dash or hyphen
 *   ("(1‑5)"), full-width ":" and "?", and, for 12 bytes or more typed,
 *   a missing final "?", ":" or scale.
 * - free_text: own text outside answer sections (before the first marker,
 *   and, for bottom-posted replies, below the quoted original or after
 *   [END], where a closing or the sender's name over a few lines of no
 *   sentence and no "P.S." starts the signature); for a reply without
 *   markers all its own text but their whole name as a paragraph of its
 *   own over a few lines of office (a closing above it stays).  NULL
 *   if none.  A line of 20 '#' or more alone (LISTSERV's footer) ends
 *   the own text as "____" does; next to a "# ... #" line it is a box.
 *   What a receiving gateway puts at the top (Outlook's "You don't often
 *   get email from ..." tip, an external-sender banner: a short
 *   paragraph naming the outside and a caution, links or attachments, or
 *   opening with a bracketed "[EXTERNAL]" tag) and a sensitivity label
 *   at the top or the bottom ("Classification: Public", "Uso interno",
 *   "OFFICIAL"; one Latin word not in capitals, "General" or "Public",
 *   is their heading or answer) are not theirs.  A signature may hold a company's "S.A." or "Inc.",
 *   an inline image's "[cid:...]" line and a label.
 *
 * Returns: a newly allocated result (extract_result_free()).
 */
struct extract_result *extract_reply(const char *text, const char *const *ids,
    const char *const *ignore_lines, const char *sender_name);

/*
 * A template's ids and lines as extract_reply() compares with them (valid
 * UTF-8, cleaned, markers cut off), prepared once for the many replies
 * to one consultation instead of once a reply.  Copies what it needs of
 * ids and ignore_lines (either may be NULL); free with
 * extract_template_free().
 */
struct extract_template *extract_template_new(const char *const *ids,
    const char *const *ignore_lines);
void extract_template_free(struct extract_template *t);

/*
 * extract_reply() against a prepared template t (borrowed; NULL: none),
 * knowing the message's subject (NULL: unknown).  Under a reply's subject
 * ("RE:", "AW:", "答复:" ...), an unquoted original that is itself a
 * reply (a header block or boundary below its markers: the sender's own
 * earlier reply, or a colleague's in a reply to all) is history, not read
 * for answers, and a warning says so; under a forward's ("FW:", "TR:"
 * ...) or an unknown one it is read (an assistant forwarding the
 * invitee's reply, SPEC 5).  subject is valid UTF-8, as mime_parse()
 * makes it.
 */
struct extract_result *extract_reply_with(const char *text,
    const struct extract_template *t, const char *sender_name,
    const char *subject);

/* Frees r and everything in it; NULL is allowed. */
void extract_result_free(struct extract_result *r);

#endif
