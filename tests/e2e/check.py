#!/usr/bin/env python3
"""Checks the consultd database after each phase: PASS/FAIL per check.

usage: check.py WORKSPACE PHASE CONSULTD
"""
import csv
import io
import json
import sqlite3
import subprocess
import sys

WS, PHASE, BIN = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = sqlite3.connect(WS + "/consultd.db")
fails = 0


def ok(cond, what, detail=""):
    global fails
    if cond:
        print("PASS  [%d] %s" % (PHASE, what))
    else:
        fails += 1
        print("FAIL  [%d] %s%s" % (PHASE, what, ("\n        " + detail) if detail else ""))


def q(sql, *a):
    return db.execute(sql, a).fetchall()


def pid(local):
    r = q("SELECT id FROM participant WHERE email LIKE ?", local + "@%")
    return r[0][0] if r else None


def current(local):
    return dict(q("SELECT qu.qid, a.answer FROM answer a JOIN question qu ON qu.id = a.question_id "
                  "WHERE a.participant_id = ? AND a.current = 1", pid(local)))


def rows(local, qid):
    return q("SELECT a.answer, a.error, a.trust, a.current, a.message_id FROM answer a JOIN question qu "
             "ON qu.id = a.question_id WHERE a.participant_id = ? AND qu.qid = ? ORDER BY a.id",
             pid(local), qid)


def msg(mid_like):
    r = q("SELECT m.id, m.kind, m.status, m.match, p.email, m.sender, m.free_text FROM message m "
          "LEFT JOIN participant p ON p.id = m.participant_id WHERE m.message_id LIKE ?", mid_like)
    return r[0] if r else None


def expect_current(local, want, label):
    cur = current(local)
    for k, v in want.items():
        ok(cur.get(k) == v, "%s: current %s = %r (%s)" % (local, k, v, label),
           "actual current %s = %r; rows %r" % (k, cur.get(k), rows(local, k)))


def history(local, qid, n, label):
    r = rows(local, qid)
    ok(len(r) == n, "%s: %s has %d answer row(s) (%s)" % (local, qid, n, label), "actual rows %r" % r)


def acks_for(local):
    return q("SELECT count(*) FROM outbox WHERE kind = 'acknowledgement' AND participant_id = ?",
             pid(local))[0][0]


status = json.loads(subprocess.run([BIN, "-q", "status", "bpf-on-bpfs", "--json"], cwd=WS,
                                   capture_output=True, text=True).stdout)

ALL = ["Q1", "Q2", "Q3", "Q4", "C1", "R1", "R2", "R3", "R4", "R5", "Q5", "Q6", "Y1"]

if PHASE == 1:
    # --- six languages, clients, charsets, token via To / thread / Ref:
    expect_current("layla.haddad", {"C1": "Contributor", "R1": "4", "R2": "3", "R3": "5", "R4": "2",
                                    "R5": "4", "Y1": "yes",
                                    "Q4": "النوع الاجتماعي والنفاذ 2016-2018"},
                   "ar Gmail, Arabic-Indic digits, نعم")
    ok(set(ALL) <= set(current("layla.haddad")), "layla.haddad: all 13 required answers current")
    expect_current("wang.fang", {"C1": "Coordinator / lead expert", "R1": "4", "R2": "3", "R3": "4",
                                 "R4": "2", "R5": "5", "Y1": "yes", "Q2": "时间太紧，文件只有英文版。"},
                   "zh Apple GB18030, full-width brackets/digits, 是")
    m = msg("A1B2C3D4-wang@example.cn")
    ok(m and m[3] == "reference" and m[4] == "wang.fang@example.cn",
       "wang.fang: matched by In-Reply-To/References only", repr(m))
    expect_current("kwame.mensah", {"C1": "Contributor", "Y1": "no", "R5": "4",
                                    "Q2": "The timeline: barely four months of real work."},
                   "en Outlook HTML-only")
    expect_current("kwame.mensah", {"R1": "4", "R2": "3", "R3": "5", "R4": "2"},
                   "ratings as English words four/three/Five/two")
    expect_current("elodie.marchand", {"Q2": "Les délais : à peine quatre mois.", "R2": "4", "Y1": "yes"},
                   "fr Thunderbird ISO-8859-1 flowed, Oui")
    expect_current("elodie.marchand", {"R1": "4"}, "rating as French word 'quatre'")
    m = msg("b3c4d5e6-elodie@example.fr")
    ok(m and m[3] == "ref_line", "elodie.marchand: matched by the Ref: line only", repr(m))
    expect_current("irina.belozerskaya", {"C1": "MAG member / facilitator", "R2": "4", "R3": "3", "Y1": "yes",
                                          "Q1": "Открытость процесса и региональные вебинары."},
                   "ru Thunderbird KOI8-R base64 inline, да")
    expect_current("irina.belozerskaya", {"R1": "5"}, "rating as Russian word 'пять'")
    expect_current("carmen.ibarguen", {"C1": "Coordinator / lead expert", "R2": "3", "R3": "4", "R4": "3",
                                       "R5": "2", "Y1": "yes",
                                       "Q1": "La participación abierta y los estudios de caso."},
                   "es Outlook windows-1252, Sí")
    expect_current("carmen.ibarguen", {"R1": "5"}, "rating as Spanish word 'cinco'")
    # --- validation errors kept, not current, told in the receipt
    r = rows("ahmed.salem", "R1")
    ok(len(r) == 1 and r[0][1] and r[0][3] == 0, "ahmed.salem: R1 '٧' (out of scale) stored with error, not current", repr(r))
    r = rows("ahmed.salem", "C1")
    ok(len(r) == 1 and r[0][1] and r[0][3] == 0, "ahmed.salem: C1 '٩' (no such option) stored with error, not current", repr(r))
    expect_current("ahmed.salem", {"R2": "3", "Y1": "no"}, "ar لا")
    ack = q("SELECT content FROM outbox WHERE kind='acknowledgement' AND participant_id=?", pid("ahmed.salem"))
    ok(ack and b"NOT ACCEPTED" in bytes(ack[0][0]) or (ack and b"NOT=20ACCEPTED" in bytes(ack[0][0])),
       "ahmed.salem: receipt says what was not accepted")
    expect_current("li.wei", {"C1": "Contributor", "Y1": "no"}, "zh Foxmail GBK, 否, choice by text")
    expect_current("li.wei", {"R1": "3", "R2": "5", "R3": "4"}, "ratings as Chinese numerals 三/五/四")
    # --- yes/no, rating, choice variants (six languages)
    V = {"yn.ar": ("yes", "4", "4"), "yn.zh": ("yes", "4", "4"), "yn.zh2": ("no", "4", "3"),
         "yn.es": ("yes", "4", "4"), "yn.ru": ("yes", "4", "4"), "yn.fr": ("yes", "4", "4"),
         "yn.en": ("yes", "4", "4")}
    written = {"yn.ar": ("نعم، بكل سرور", "\u200f٤\u200f", "٤ من ٥"), "yn.zh": ("是的，可以。", "４／５", "4分"),
               "yn.zh2": ("否。", "四", "３"), "yn.es": ("Sí, claro", "4 de 5", "cuatro"),
               "yn.ru": ("Да, конечно", "4 из 5", "четыре"), "yn.fr": ("Oui volontiers", "4 sur 5", "quatre"),
               "yn.en": ("Yes, happy to", "4/5", "four")}
    for k, (y, r1, r2) in V.items():
        w = written[k]
        expect_current(k, {"Y1": y}, "yes/no written %r" % w[0])
        expect_current(k, {"R1": r1}, "rating written %r" % w[1])
        expect_current(k, {"R2": r2}, "rating written %r" % w[2])
        expect_current(k, {"C1": "Contributor"}, "choice variant")
    # --- commands, bounces, auto-replies, strangers, unstructured, forward
    st = dict(q("SELECT email, status FROM participant"))
    ok(st.get("stop.me@example.net") == "opted_out", "stop.me: STOP reply opts out", st.get("stop.me@example.net"))
    ok(q("SELECT count(*) FROM answer WHERE participant_id=?", pid("stop.me"))[0][0] == 0, "stop.me: no answers filed")
    ok(acks_for("stop.me") == 0, "stop.me: no receipt (an opt-out confirmation instead)")
    ok(q("SELECT count(*) FROM outbox WHERE kind='optout' AND participant_id=?", pid("stop.me"))[0][0] == 1,
       "stop.me: one opt-out confirmation")
    ok(st.get("bounce.me@example.net") == "bounced", "bounce.me: permanent DSN marks participant bounced", st.get("bounce.me@example.net"))
    m = msg("bounce10@mx.example.net")
    ok(m and m[1] == "bounce", "bounce DSN filed as kind bounce", repr(m))
    m = msg("ooo11@example.org")
    ok(m and m[1] == "auto_reply", "out-of-office filed as auto_reply", repr(m))
    ok(q("SELECT count(*) FROM answer WHERE participant_id=?", pid("away.person"))[0][0] == 0,
       "away.person: auto-reply quoting the template files no answers")
    ok(acks_for("away.person") == 0 and acks_for("bounce.me") == 0, "no receipt for auto-reply or bounce")
    ok(st.get("away.person@example.org") == "active", "away.person: still active")
    m = msg("stranger12@example.com")
    ok(m and m[1] == "unrelated" and m[4] is None, "unknown sender: filed unrelated, no participant", repr(m))
    ok("stranger@example.com" not in st, "unknown sender: not registered (closed consultation)")
    ok(q("SELECT count(*) FROM outbox WHERE recipient LIKE '%stranger%'")[0][0] == 0, "unknown sender: no receipt")
    ok(any(a.get("kind") == "unrelated" and "stranger" in a.get("who", "") for a in status.get("attention", [])),
       "status --json lists the unknown sender for triage")
    m = msg("CAunstr13@mail.gmail.com")
    ok(m and m[6] and "travelling" in m[6], "tomas.novak: note without answers kept as free_text", repr(m))
    ok(m and m[2] == "unstructured", "tomas.novak: reply with no marker of his own (template only quoted) is 'unstructured'",
       "actual status %r" % (m[2] if m else None))
    ok(any("tomas" in a.get("who", "") for a in status.get("attention", [])),
       "tomas.novak: note-only reply shown in status for triage",
       "attention kinds: %r" % sorted({a.get('kind') for a in status.get('attention', [])}))
    m = msg("CAfwd14@mail.gmail.com")
    ok(m and m[4] == "hana.forward@example.org" and m[5] == "colleague@other.example",
       "forwarded invitation: filed for the invitee, actual sender recorded", repr(m))
    expect_current("hana.forward", {"R1": "2"}, "answered by colleague")
    # --- exactly once
    for local in ["layla.haddad", "wang.fang", "kwame.mensah", "carmen.ibarguen", "li.wei"]:
        n = q("SELECT count(*) FROM message WHERE participant_id=? AND kind='reply'", pid(local))[0][0]
        ok(n == 1, "%s: one message filed" % local, "actual %d" % n)
        dup = q("SELECT qu.qid, count(*) FROM answer a JOIN question qu ON qu.id=a.question_id "
                "WHERE participant_id=? GROUP BY 1 HAVING count(*)>1", pid(local))
        ok(not dup, "%s: one answer row per question" % local, repr(dup))
    for local in ["layla.haddad", "wang.fang", "kwame.mensah", "elodie.marchand", "irina.belozerskaya",
                  "carmen.ibarguen", "ahmed.salem", "li.wei", "hana.forward"]:
        ok(acks_for(local) == 1, "%s: exactly one receipt" % local, "actual %d" % acks_for(local))

if PHASE == 2:
    history("kwame.mensah", "R1", 2, "second reply changes R1")
    expect_current("kwame.mensah", {"R1": "5", "Q1": "The open calls for input and the case studies.",
                                    "C1": "Contributor", "Y1": "no"}, "after second reply")
    m = msg("forged2@evil.example")
    ok(m and m[3] == "from", "forged From, no token: matched by From only (low trust)", repr(m))
    forged_cur = q("SELECT qu.qid, a.answer FROM answer a JOIN question qu ON qu.id=a.question_id "
                   "JOIN message m ON m.id=a.message_id WHERE m.message_id='forged2@evil.example' AND a.current=1")
    ok(not forged_cur, "forged From, no token: none of its answers became kwame's current answers",
       "current answers from the forged message: %r (kwame R2 rows %r)" % (forged_cur, rows("kwame.mensah", "R2")))
    ok(status.get("low_trust", 0) >= 1, "status counts the From-only message as low trust", repr(status.get("low_trust")))
    m = msg("forged3@evil.example")
    ok(m and m[4] == "ahmed.salem@example.eg" and m[5] == "kwame.mensah@example.org",
       "forged From kwame + ahmed's token: filed for ahmed (token holder), sender kwame recorded", repr(m))
    ok("R5" in current("kwame.mensah") and current("kwame.mensah")["R5"] == "4" and "Q7" not in current("kwame.mensah"),
       "forged From kwame + ahmed's token: kwame's answers untouched", repr(current("kwame.mensah")))
    # reply to receipts
    history("elodie.marchand", "Y1", 2, "receipt reply changes Y1")
    expect_current("elodie.marchand", {"Y1": "no"}, "receipt reply 'Non'")
    for k in ["Q1", "Q2", "R2"]:
        history("elodie.marchand", k, 1, "quoted receipt not re-filed")
    for k in ALL:
        history("wang.fang", k, 1, "'thanks' reply quoting the receipt re-files nothing")
        history("layla.haddad", k, 1, "Outlook reply quoting the receipt re-files nothing")
    history("irina.belozerskaya", "R2", 2, "[R2] typed inside the quoted receipt")
    expect_current("irina.belozerskaya", {"R2": "2", "R3": "3", "Q1": "Открытость процесса и региональные вебинары."},
                   "after corrections")
    m = msg("CAs7birina@mail.gmail.com")
    ok(m and m[2] == "unstructured" and "Исправление" in (m[6] or ""), "irina: correction without a marker kept for triage", repr(m))
    expect_current("carmen.ibarguen", {"C1": "MAG member / facilitator", "R3": "5", "R2": "3"},
                   "References-only reply: choice by option text, full-width digit")
    st = dict(q("SELECT email, status FROM participant"))
    ok(st.get("li.wei@example.cn") == "opted_out", "li.wei: UNSUBSCRIBE subject opts out")
    expect_current("li.wei", {"C1": "Contributor", "Y1": "no"}, "answers kept after opt-out")
    n = q("SELECT count(*) FROM message WHERE participant_id=?", pid("layla.haddad"))[0][0]
    ok(n == 2, "layla: re-ingesting her first reply files nothing new (1 reply + 1 thanks)", "actual %d" % n)
    ok(acks_for("layla.haddad") <= 2, "layla: no extra receipt for the duplicate")

if PHASE == 3:
    expect_current("elodie.marchand", {"Q3": "Impliquer plus tôt les IGF nationaux.", "C1": "Contributor", "Y1": "no"},
                   "reply to reminder inline")
    for k, n in [("Q1", 1), ("Q2", 1), ("R2", 1), ("Y1", 2)]:
        history("elodie.marchand", k, n, "reminder's prefilled answers not re-filed")
    ok(set(ALL) <= set(current("tomas.novak")), "tomas: full reply to reminder filed")
    expect_current("tomas.novak", {"C1": "Other", "R4": "1", "Y1": "yes"}, "reply to reminder, Outlook")
    expect_current("ahmed.salem", {"R1": "4"}, "fix typed under quoted reminder marker")
    for k in ["Q1", "R2", "R5", "Y1", "Q7"]:
        history("ahmed.salem", k, 1, "reminder's prefilled answers not re-filed")
    ok(q("SELECT count(*) FROM answer WHERE participant_id=?", pid("hana.forward"))[0][0] == 2,
       "hana: 'thanks' reply quoting the reminder re-files nothing")
    # exports and status
    out = subprocess.run([BIN, "-q", "export", "bpf-on-bpfs", "--format", "long"], cwd=WS,
                         capture_output=True, text=True).stdout
    rd = list(csv.DictReader(io.StringIO(out)))
    ok(rd and {"email", "question", "answer", "answered_at", "message_id"} <= set(rd[0].keys()),
       "export long has the required columns")
    ncur = q("SELECT count(*) FROM answer WHERE current=1")[0][0]
    ok(len(rd) == ncur, "export long: one row per current answer", "rows %d, current %d" % (len(rd), ncur))
    e = {(r["email"], r["question"]): r["answer"] for r in rd}
    ok(e.get(("kwame.mensah@example.org", "R1")) == "5", "export: kwame R1 = 5", repr(e.get(("kwame.mensah@example.org", "R1"))))
    ok(e.get(("carmen.ibarguen@example.es", "C1")) == "MAG member / facilitator", "export: carmen C1 changed")
    ok(not any("stranger" in k[0] for k in e), "export: nothing from the unknown sender")
    ok(status.get("bounced") == 1 and status.get("opted_out") == 2, "status: bounced 1, opted out 2",
       "bounced %r opted_out %r" % (status.get("bounced"), status.get("opted_out")))
    ok(status["messages"].get("auto_reply") == 1 and status["messages"].get("bounce") == 1 and
       status["messages"].get("unrelated") == 1, "status: 1 auto-reply, 1 bounce, 1 unrelated", repr(status["messages"]))

print("phase %d: %d failure(s)" % (PHASE, fails))
sys.exit(1 if fails else 0)
