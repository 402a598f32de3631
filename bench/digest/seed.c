/* SPDX-License-Identifier: MIT */
/*
 * Seeds a workspace for the digest/export/report benchmark
 * (bench/digest/README.md): a consultation of 10 questions (6 text, 4
 * ratings 1-5), P participants in 6 stakeholder groups and 12 BPFs (one
 * to three each), all invited, and one reply per participant answering
 * every question, filed through the library as ingest files them (a
 * message row, then each answer).  A second batch of replies, changing
 * the first answer of every tenth participant, comes after a first
 * digest when asked.
 *
 * usage: seed DIR P [late]
 *   DIR   a workspace made by `consultd init DIR`
 *   late  file only the second batch (run after a first digest)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consultd.h"
#include "db.h"
#include "db_consultation.h"
#include "db_message.h"
#include "db_participant.h"
#include "definition.h"
#include "workspace.h"

#include "banned.h"

#define NOW 1796000000

static const char *const groups[] = {
	"Civil society", "Government", "Private sector", "Technical community",
	"Academia", "Intergovernmental organization",
};

static const char *const bpfs[] = {
	"Cybersecurity", "Gender and Access", "IPv6", "Local Content", "Spam",
	"Internet Exchange Points (IXPs)", "Online Child Protection",
	"Establishing and Supporting CSIRTs", "IoT, Big Data and AI",
	"Multistakeholder Participation Mechanisms", "Data Governance",
	"Gender and Digital Rights",
};

static const char *const phrases[] = {
	"The open process brought in voices from every region.",
	"Timelines were too short for real research.",
	"Mailing list discussions worked well, calls less so.",
	"Translation of the outputs would have helped a lot.",
	"Sessions at the annual meeting drew a large audience.",
	"Les appels \xc3\xa0 contributions ont bien fonctionn\xc3\xa9.",
	"El trabajo se hizo casi todo en ingl\xc3\xa9s.",
	"\xd0\x9e\xd1\x82\xd0\xba\xd1\x80\xd1\x8b\xd1\x82\xd1\x8b\xd0\xb9 "
	"\xd1\x85\xd0\xb0\xd1\x80\xd0\xb0\xd0\xba\xd1\x82\xd0\xb5\xd1\x80.",
};

static void
die(GError *err, const char *what)
{
	fprintf(stderr, "seed: %s: %s\n", what, err ? err->message : "failed");
	exit(1);
}

static struct definition *
bench_definition(void)
{
	struct definition *def = definition_new();
	int i;

	def->name = g_strdup("bench");
	def->title = g_strdup("Benchmark consultation");
	def->description = g_strdup("Ten questions, thousands of answers.");
	def->reply_address = g_strdup("consult@example.org");
	def->deadline = NOW + 60 * 86400;
	for (i = 0; i < 10; i++) {
		struct question *q = question_new();

		if (i < 6) {
			q->id = g_strdup_printf("Q%d", i + 1);
			q->prompt = g_strdup_printf("Open question %d?", i + 1);
		} else {
			q->id = g_strdup_printf("R%d", i - 5);
			q->kind = QUESTION_RATING;
			q->prompt = g_strdup_printf("Rating %d", i - 5);
			q->scale_min = 1;
			q->scale_max = 5;
		}
		g_ptr_array_add(def->questions, q);
	}
	return def;
}

static char *
answer_text(int p, int q, int version)
{
	if (q >= 6)
		return g_strdup_printf("%d", 1 + (p * 7 + q * 3 + version) % 5);
	return g_strdup_printf("%s %s\nParticipant %d, question %d%s.",
	    phrases[(p + q) % G_N_ELEMENTS(phrases)],
	    phrases[(p * 3 + q) % G_N_ELEMENTS(phrases)], p, q + 1,
	    version ? ", revised" : "");
}

static void
file_reply(struct db *db, int64_t cid, int64_t pid, int p, int version,
    int64_t at)
{
	struct db_message_row m = { 0 };
	g_autofree char *mid = g_strdup_printf("bench-%d-%d@example.org", p,
	    version);
	g_autofree char *hash = g_strdup_printf("hash-%d-%d", p, version);
	GError *err = NULL;
	int64_t id;
	int q;

	m.message_id = mid;
	m.content_hash = hash;
	m.kind = "reply";
	m.status = "filed";
	m.consultation_id = cid;
	m.participant_id = pid;
	m.match = "reference";
	m.received_at = at;
	if (!db_message_add(db, &m, &id, &err))
		die(err, "message");
	for (q = 0; q < 10; q++) {
		struct db_answer_row a = { 0 };
		g_autofree char *text = answer_text(p, q, version);
		g_autofree char *qid = q < 6 ? g_strdup_printf("Q%d", q + 1) :
		    g_strdup_printf("R%d", q - 5);

		if (version && q != 0)
			continue;
		a.participant_id = pid;
		a.consultation_id = cid;
		a.question = qid;
		a.message_id = id;
		a.source = "mail";
		a.trust = "token";
		a.answer = text;
		a.answered_at = at;
		if (!db_answer_add(db, &a, &err))
			die(err, "answer");
	}
}

static int64_t
find(struct db *db, int64_t cid, int p)
{
	g_autofree char *email = g_strdup_printf("p%05d@example.org", p);
	GError *err = NULL;
	int64_t pid;

	if (db_participant_find(db, cid, email, &pid, &err) != 1)
		die(err, "participant not found");
	return pid;
}

/* Participant p, invited; nine in ten reply. */
static void
add_participant(struct db *db, int64_t cid, int p)
{
	struct participant *pt = participant_new();
	g_autofree char *token = g_strdup_printf("tok%05d", p);
	GError *err = NULL;
	bool created;
	int64_t pid;
	int k;

	pt->email = g_strdup_printf("p%05d@example.org", p);
	pt->email_key = g_strdup(pt->email);
	pt->name = g_strdup_printf("Participant Name %d", p);
	pt->stakeholder_group = g_strdup(groups[p % G_N_ELEMENTS(groups)]);
	for (k = 0; k <= p % 3; k++)
		g_ptr_array_add(pt->bpfs, g_strdup(bpfs[(p + k * 5) %
		    G_N_ELEMENTS(bpfs)]));
	if (!db_participant_upsert(db, cid, pt, NOW - 40 * 86400, &created,
	    &err))
		die(err, "participant");
	participant_free(pt);
	pid = find(db, cid, p);
	if (!db_invitation_add(db, pid, token, NOW - 30 * 86400, &err))
		die(err, "invitation");
	if (p % 10 != 9)
		file_reply(db, cid, pid, p, 0, NOW - 20 * 86400 + p * 60);
}

int
main(int argc, char **argv)
{
	g_autofree char *conf = NULL;
	struct workspace ws = { 0 };
	struct definition *def;
	GError *err = NULL;
	bool late, created;
	int64_t cid;
	int n, p;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: seed DIR PARTICIPANTS [late]\n");
		return 64;
	}
	n = (int)strtol(argv[2], NULL, 10);
	late = argc == 4;
	conf = g_build_filename(argv[1], "consultd.conf", NULL);
	if (!workspace_open(&ws, conf, &err))
		die(err, "workspace");
	def = bench_definition();
	if (!late && !db_consultation_store(ws.db, def, NOW - 40 * 86400, &cid,
	    &created, &err))
		die(err, "definition");
	definition_free(def);
	def = db_consultation_load(ws.db, "bench", &cid, &err);
	if (!def)
		die(err, "load");
	definition_free(def);
	if (!db_begin(ws.db, &err))
		die(err, "begin");
	for (p = 0; p < n; p++) {
		if (late && p % 10 == 0)
			file_reply(ws.db, cid, find(ws.db, cid, p), p, 1,
			    NOW + 3 * 86400);
		else if (!late)
			add_participant(ws.db, cid, p);
	}
	if (!db_commit(ws.db, &err))
		die(err, "commit");
	workspace_close(&ws);
	return 0;
}
