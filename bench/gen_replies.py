#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates N realistic replies to the invitations of a workspace.

usage: gen_replies.py OUTBOX_DIR N MAILDIR [SEED]

Reads the invitations consultd wrote to OUTBOX_DIR (spool/outbox of a
workspace where bpf-on-bpfs was loaded and participants invited) and
writes N replies into MAILDIR/new (MAILDIR/cur and tmp are created), one
file each, cycling over the invited participants.  The mix imitates what
arrives in a real consultation: Gmail (multipart/alternative, QP, the
invitation quoted), Outlook (windows-1252, header block, the original
unquoted), Apple Mail, Thunderbird format=flowed, partial answers, base64
Russian and Chinese, and about 5% auto-replies.  Same SEED, same bytes.
"""

import email
import email.policy
import os
import random
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures", "replies"))

from fxlib import (QUESTIONS, SUBJECT, Multipart, Text, build,  # noqa: E402
                   encode_words, filled, invitation_text, quote)

EN = ["The open calls for contributions brought in new voices.",
      "The regional webinars made it possible to take part from afar.",
      "Timelines were too short to produce a solid output.",
      "I would agree the outline of the output at the first call.",
      "Relevance, feasibility and a committed core group.",
      "Participation figures, downloads and citations.",
      "Thank you for organising this review.",
      "Work started too late in the year, once the MAG had decided."]
FR = ["Les appels à contributions ouverts ont très bien fonctionné.",
      "Les délais étaient trop courts pour un résultat solide.",
      "J'aurais associé plus tôt les IGF nationaux et régionaux."]
ES = ["La participación abierta y los estudios de caso regionales.",
      "Casi todo se hizo en inglés y con plazos muy cortos."]
RU = ["Открытый характер работы и региональные вебинары.",
      "Слишком короткий цикл, материалы только на английском."]
ZH = ["开放的参与方式和各地区的案例研究。", "时间太紧，文件只有英文版。"]
YES = ["Yes", "yes", "No", "Oui", "Sí", "Да", "是"]


def invitations(outbox):
    """(name, address, token, message-id) of every invitation."""
    out = []
    for fn in sorted(os.listdir(outbox)):
        with open(os.path.join(outbox, fn), "rb") as f:
            msg = email.message_from_binary_file(f,
                                                 policy=email.policy.default)
        to = msg["To"].addresses[0]
        reply_to = msg["Reply-To"].addresses[0].addr_spec
        token = reply_to.split("+", 1)[1].split("@", 1)[0]
        mid = msg["Message-Id"].strip("<> ")
        out.append((to.display_name or to.username, to.addr_spec, token,
                    reply_to, mid))
    return out


def answers(rng, pool):
    ids = [q[0] for q in QUESTIONS]
    n = rng.choice([3, 5, 8, 14, 14])
    chosen = sorted(rng.sample(range(len(ids)), n))
    out = {}
    for i in chosen:
        qid, kind = QUESTIONS[i][0], QUESTIONS[i][2]
        if kind == "rating":
            out[qid] = str(rng.randint(1, 5))
        elif kind == "choice":
            out[qid] = str(rng.randint(1, 5))
        elif kind == "yesno":
            out[qid] = rng.choice(YES)
        else:
            out[qid] = rng.choice(pool)
    return out


def headers(p, i, extra_to=None):
    name, addr, token, reply_to, mid = p
    return [("From", "%s <%s>" % (encode_words(name) if not name.isascii()
                                  else name, addr)),
            ("To", extra_to or reply_to),
            ("Subject", "Re: " + SUBJECT),
            ("Date", "Wed, 2 Dec 2026 %02d:%02d:%02d +0000" % (
                i // 3600 % 24, i // 60 % 60, i % 60)),
            ("Message-ID", "<bench.%d.%s@mail.example.com>" % (i, token[:8])),
            ("In-Reply-To", "<%s>" % mid),
            ("References", "<%s>" % mid),
            ("MIME-Version", "1.0")]


def reply(rng, p, i):
    name, addr, token, reply_to, mid = p
    style = rng.random()
    original = invitation_text(name, token)
    attribution = "On Tue, 1 Dec 2026 at 09:14, IGF <%s> wrote:" % reply_to
    h = headers(p, i)
    if style < 0.05:
        h[2] = ("Subject", "Automatic reply: " + SUBJECT)
        h.insert(3, ("Auto-Submitted", "auto-replied"))
        body = Text("I am out of the office until Monday.\n", cte="7bit",
                    charset="us-ascii", label="us-ascii")
    elif style < 0.35:
        own = filled(answers(rng, EN), keep_options=False)
        plain = own + "\n" + attribution + "\n\n" + quote(original)
        html = ('<div dir="ltr">%s</div><blockquote class="gmail_quote">%s'
                '</blockquote>\n' % (own.replace("\n", "<br>"),
                                     original.replace("\n", "<br>")))
        body = Multipart("alternative", [
            Text(plain, label='"UTF-8"'),
            Text(html, subtype="html", label='"UTF-8"')],
            "000000000000%012x" % i)
    elif style < 0.55:
        own = filled(answers(rng, EN), keep_options=False,
                     drop_unanswered=True)
        own = own.replace("'", "\u2019")
        plain = (own + "\nFrom: IGF <consult@igf.example.org>\nSent: "
                 "Tuesday, December 1, 2026 9:14 AM\nTo: %s\nSubject: %s\n\n"
                 % (name, SUBJECT) + original)
        # Outlook sends windows-1252 when the text fits, else UTF-8.
        try:
            plain.encode("windows-1252")
            cs = "windows-1252"
        except UnicodeEncodeError:
            cs = "utf-8"
        body = Text(plain, charset=cs, label='"%s"' % cs)
    elif style < 0.70:
        own = filled(answers(rng, FR + EN), keep_options=False,
                     drop_unanswered=True)
        plain = (own + "\nLe 1 déc. 2026 à 09:14, IGF <%s> a écrit :\n\n"
                 % reply_to + quote(original, ">", "> "))
        body = Text(plain, label="utf-8")
    elif style < 0.82:
        own = filled(answers(rng, ES + EN), keep_options=False,
                     drop_unanswered=True)
        plain = (own + "\nEl 1/12/2026 a las 9:14, IGF escribió:\n" +
                 quote(original))
        body = Text(plain, label="UTF-8", cte="8bit", flowed=True)
    elif style < 0.92:
        own = filled(answers(rng, RU), keep_options=False,
                     drop_unanswered=True)
        plain = own + "\n1 дек. 2026 г., в 9:14, IGF <%s>:\n" % reply_to + \
            quote(original)
        body = Text(plain, label="utf-8", cte="base64")
    else:
        own = filled(answers(rng, ZH), keep_options=False,
                     drop_unanswered=True)
        plain = own + "\n在 2026年12月1日 09:14, IGF 写道:\n" + quote(original)
        body = Text(plain, charset="gb18030", label="GB18030", cte="base64")
    return build(h, body, check=False)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: gen_replies.py OUTBOX_DIR N MAILDIR [SEED]")
    outbox, n, maildir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    people = invitations(outbox)
    if not people:
        sys.exit("gen_replies.py: no invitations in %s" % outbox)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    size = 0
    for i in range(n):
        raw = reply(rng, people[i % len(people)], i)
        size += len(raw)
        with open(os.path.join(maildir, "new", "%08d.bench" % i),
                  "wb") as f:
            f.write(raw)
    print("gen_replies.py: %d replies, %.1f MB, to %d participants in %s" % (
        n, size / 1e6, len(people), maildir))


if __name__ == "__main__":
    main()
