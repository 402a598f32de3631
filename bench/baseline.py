#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The straightforward Python implementation of the filing job.

usage: baseline.py DB TOKENS_FILE MAILDIR COMMIT_EVERY

What a competent script would do with the standard library: parse each
message of MAILDIR (new/ and cur/) with the email package (policy
default), take the text/plain body (else the HTML with tags stripped),
find the token (consult+TOKEN@ among the recipients, the In-Reply-To,
or a "Ref:" line), tell auto-replies apart, pick the answers under the
[ID] markers of the participant's own (unquoted) text, and file message
and answers in SQLite (WAL, synchronous=FULL, like consultd), committing
every COMMIT_EVERY messages (1 = one durable commit per message).
Prints "messages=N seconds=S rss_kb=K answers=A".
"""

import email
import email.policy
import hashlib
import html
import os
import re
import resource
import sqlite3
import sys
import time

MARKER = re.compile(r"^[\s\u00a0]*\*{0,2}[\[\uff3b]\s*([A-Za-z]{1,3}\d{1,3}|END)"
                    r"\s*[\]\uff3d]\*{0,2}\s*(.*)$")
REF = re.compile(r"Ref:\s*([a-z2-7]{32})\b")
TOKEN_ADDR = re.compile(r"\+([a-z2-7]{32})@")
TOKEN_MID = re.compile(r"\.([a-z2-7]{32})\.")
BOUNDARY = re.compile(r"^(On .* wrote:|Le .* a écrit\s?:|El .* escribió:|"
                      r"-----Original Message-----|From: .*|"
                      r"\d+ .* г\., в .*:|在 .*写道:)\s*$")
OOO = re.compile(r"^(automatic reply|auto:|out of office|réponse automatique)",
                 re.I)
TAGS = re.compile(r"<[^>]+>")


def body_text(msg):
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_subtype() == "html":
        text = html.unescape(TAGS.sub("", re.sub(r"<br\s*/?>", "\n", text)))
    return text.replace("\r\n", "\n")


def token_of(msg, text):
    for hdr in ("To", "Cc", "Delivered-To"):
        m = TOKEN_ADDR.search(str(msg.get(hdr, "")))
        if m:
            return m.group(1)
    m = TOKEN_MID.search(str(msg.get("In-Reply-To", "")))
    if m:
        return m.group(1)
    m = REF.search(text)
    return m.group(1) if m else None


def extract(text):
    """Answers under the markers of the unquoted text, until a boundary."""
    answers = {}
    current = None
    lines = []
    for line in text.split("\n"):
        if line.startswith(">") or BOUNDARY.match(line):
            if line.startswith(">"):
                continue
            break
        m = MARKER.match(line)
        if m:
            if current and "\n".join(lines).strip():
                answers.setdefault(current, "\n".join(lines).strip())
            current = None if m.group(1) == "END" else m.group(1).upper()
            lines = []
            rest = m.group(2).strip()
            # The prompt, not an answer, when it reads as one.
            if rest and not re.search(r"(\?|\(\d-\d\)|\(yes/no\))$", rest):
                lines.append(rest)
            continue
        if current and not re.match(r"^\s+\d\. ", line):
            lines.append(line)
    if current and "\n".join(lines).strip():
        answers.setdefault(current, "\n".join(lines).strip())
    return answers


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: baseline.py DB TOKENS_FILE MAILDIR COMMIT_EVERY")
    dbpath, tokens_file, maildir, every = sys.argv[1:5]
    every = int(every)
    db = sqlite3.connect(dbpath, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(
        "CREATE TABLE IF NOT EXISTS participant (id INTEGER PRIMARY KEY,"
        " token TEXT UNIQUE);"
        "CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY,"
        " message_id TEXT, hash TEXT UNIQUE, participant_id INTEGER,"
        " kind TEXT, free_text TEXT);"
        "CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY,"
        " message_id INTEGER, participant_id INTEGER, question TEXT,"
        " text TEXT);")
    with open(tokens_file) as f:
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO participant (token) VALUES (?)",
                       ((t.strip(),) for t in f if t.strip()))
        db.execute("COMMIT")
    files = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        files += [os.path.join(d, n) for n in sorted(os.listdir(d))]
    t0 = time.monotonic()
    n = nanswers = 0
    db.execute("BEGIN IMMEDIATE")
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = body_text(msg)
        token = token_of(msg, text)
        row = db.execute("SELECT id FROM participant WHERE token = ?",
                         (token,)).fetchone() if token else None
        pid = row[0] if row else None
        auto = (msg.get("Auto-Submitted", "no").lower() != "no" or
                OOO.match(str(msg.get("Subject", ""))))
        kind = "auto_reply" if auto else ("reply" if pid else "unrelated")
        answers = extract(text) if kind == "reply" else {}
        cur = db.execute(
            "INSERT OR IGNORE INTO message (message_id, hash, participant_id,"
            " kind) VALUES (?, ?, ?, ?)",
            (str(msg.get("Message-ID", "")), hashlib.sha256(raw).hexdigest(),
             pid, kind))
        for qid, text in answers.items():
            db.execute("INSERT INTO answer (message_id, participant_id,"
                       " question, text) VALUES (?, ?, ?, ?)",
                       (cur.lastrowid, pid, qid, text))
            nanswers += 1
        n += 1
        if n % every == 0:
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
    db.execute("COMMIT")
    secs = time.monotonic() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("messages=%d seconds=%.3f rss_kb=%d answers=%d" % (
        n, secs, rss, nanswers))


if __name__ == "__main__":
    main()
