#!/usr/bin/env python3
"""End-to-end reply generator for consultd (writes .eml files).

usage: gen.py WORKSPACE PHASE OUTDIR

Reads the real tokens and Message-IDs of what consultd sent (invitation,
receipt = 'ack', reminder) from WORKSPACE/consultd.db and
WORKSPACE/spool/outbox, and writes replies as real clients would send
them, reusing the fixture helpers of tests/fixtures/replies.
"""
import email
import email.policy
import glob
import os
import sqlite3
import sys

FX = os.environ["FXDIR"]
sys.path.insert(0, FX)
from fxlib import (Binary, Multipart, Raw, Text, build, encode_words,  # noqa
                   filled, quote, quote_apple, SUBJECT)
from make_fixtures import (addr_hdr, subj_hdr, gmail_html, html_escape,  # noqa
                           html_lines, word_html, outlook_block)

WS, PHASE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(OUT, exist_ok=True)
REPLY = "consult@igf.example.org"
SENDER = "Review of the IGF Best Practice Forums 2014-2019"

db = sqlite3.connect(os.path.join(WS, "consultd.db"))
P = {}
for email_, name, tok in db.execute(
        "SELECT p.email, p.name, i.token FROM participant p "
        "JOIN invitation i ON i.participant_id = p.id"):
    P[email_.split("@")[0]] = dict(addr=email_, name=name, tok=tok)


def sent(kind, key):
    """The newest outbox message of kind for participant key: (msgid, body)."""
    row = db.execute(
        "SELECT o.message_id, o.content FROM outbox o JOIN participant p "
        "ON p.id = o.participant_id WHERE o.kind = ? AND p.email = ? "
        "ORDER BY o.id DESC LIMIT 1", (kind, P[key]["addr"])).fetchone()
    if not row:
        raise SystemExit("gen.py: no %s for %s" % (kind, key))
    msg = email.message_from_bytes(bytes(row[1]), policy=email.policy.default)
    part = msg.get_body(("plain",))
    text = part.get_content().replace("\r\n", "\n")
    mid = row[0] if row[0].startswith("<") else "<%s>" % row[0]
    return mid, text, str(msg["Subject"])


def kinds():
    return [r[0] for r in db.execute("SELECT DISTINCT kind FROM outbox")]


def hdrs(key, subject, date, mid, to="token", irt=None, frm=None,
         extra=(), name=None):
    p = P[key] if key else None
    h = [("MIME-Version", "1.0")]
    if irt:
        h += [("In-Reply-To", irt), ("References", irt)]
    if frm is None:
        frm = addr_hdr(p["name"], p["addr"])
    h.append(("From", frm))
    h.append(("Date", date))
    h.append(("Message-ID", "<%s>" % mid))
    h.append(("Subject", subj_hdr(subject)))
    if to == "token":
        h.append(("To", "%s <consult+%s@igf.example.org>" % (SENDER, p["tok"])))
    elif to == "plain":
        h.append(("To", "%s <%s>" % (SENDER, REPLY)))
    else:
        h.append(("To", to))
    h += list(extra)
    return h


def inline(original, ans, quote_fn=quote, on_line=False):
    """Answers typed under the quoted markers of original."""
    out = []
    for line in quote_fn(original).rstrip("\n").split("\n"):
        hit = None
        for qid in ans:
            if line.startswith("> [%s]" % qid):
                hit = qid
        if hit and on_line:
            out.append(line + " " + ans[hit])
            continue
        out.append(line)
        if hit:
            out += ["", ans[hit], ""]
    return "\n".join(out) + "\n"


def write(name, raw):
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(raw)


def gmail_alt(own, attribution, original, html_own=None):
    plain = own + "\n" + attribution + "\n\n" + quote(original)
    html = gmail_html(html_own if html_own is not None else own,
                      attribution, original)
    return Multipart("alternative", [
        Text(plain, label='"UTF-8"'),
        Text(html, subtype="html", label='"UTF-8"')],
        "000000000000" + str(abs(hash(own)))[:14])


# ------------------------------------------------------------------ phase 1
def phase1():
    # 1 Arabic, Gmail web, filled copy on top, Arabic-Indic digits.
    k = "layla.haddad"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "دراسات الحالة الإقليمية والمشاركة المفتوحة عبر القائمة البريدية.",
           "Q2": "ضيق الوقت، وكانت الوثائق بالإنجليزية فقط.",
           "Q3": "ترجمة الملخص إلى العربية منذ البداية.",
           "Q4": "النوع الاجتماعي والنفاذ 2016-2018",
           "C1": "٢",
           "R1": "٤", "R2": "٣", "R3": "٥", "R4": "٢", "R5": "٤",
           "Q5": "الصلة بولاية المنتدى وخطة عمل واقعية.",
           "Q6": "عدد المساهمين وتنوعهم.",
           "Y1": "نعم"}
    own = "مرحباً،\n\n" + filled(ans, keep_options=False) + "\nمع التحية،\nليلى\n"
    att = "في الأربعاء، 2 ديسمبر 2026 في 9:14 ص، %s <consult+%s@igf.example.org> كتب:" % (
        SENDER, P[k]["tok"])
    write("p1_ar_gmail_top", build(hdrs(k, "Re: " + subj, "Wed, 2 Dec 2026 10:15:03 +0300",
                                        "CAar1layla@mail.gmail.com", irt=inv_mid),
                                   gmail_alt(own, att, inv)))

    # 2 Chinese, Apple Mail, GB18030 base64, To without token, thread only,
    #   full-width brackets and digits.
    k = "wang.fang"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "开放的参与方式和各地区的案例研究。",
           "Q2": "时间太紧，文件只有英文版。",
           "Q3": "从一开始就提供中文摘要。",
           "Q4": "IPv6 2015-2016",
           "C1": "１",
           "R1": "４", "R2": "３", "R3": "４", "R4": "２", "R5": "５",
           "Q5": "与论坛使命的相关性。", "Q6": "参与人数和多样性。",
           "Y1": "是"}
    own = "您好！\n\n" + filled(ans, keep_options=False).replace("[", "［").replace("]", "］") + "\n此致\n王芳\n"
    text = own + "\n2026年12月2日 09:14，%s <consult+%s@igf.example.org> 写道：\n\n" % (
        SENDER, P[k]["tok"]) + quote_apple(inv)
    write("p2_zh_apple_gb18030_thread_only",
          build(hdrs(k, "回复：" + subj, "Wed, 2 Dec 2026 17:20:31 +0800",
                     "A1B2C3D4-wang@example.cn", to="plain", irt=inv_mid,
                     extra=[("X-Mailer", "iPhone Mail (20B110)")]),
                Text(text, charset="gb18030", label="GB18030", cte="base64")))

    # 3 English, Outlook desktop HTML only (Word), words for ratings.
    k = "kwame.mensah"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "The open calls for input and the case studies.",
           "Q2": "The timeline: barely four months of real work.",
           "Q3": "Agree the outline of the output at the first call.",
           "Q4": "Cybersecurity 2017-2019",
           "C1": "Contributor",
           "R1": "four", "R2": "three", "R3": "Five", "R4": "two", "R5": "4",
           "Q5": "Relevance to the IGF mandate.", "Q6": "Downloads and citations.",
           "Y1": "No"}
    own = "Dear colleagues,\n\n" + filled(ans, keep_options=False) + "\nBest,\nKwame\n"
    hl = [("From:", "%s <consult+%s@igf.example.org>" % (SENDER, P[k]["tok"])),
          ("Sent:", "Wednesday, December 2, 2026 9:14 AM"),
          ("To:", "Kwame Mensah <%s>" % P[k]["addr"]),
          ("Subject:", subj)]
    html = word_html(own, hl, inv)
    write("p3_en_outlook_html_only",
          build(hdrs(k, "RE: " + subj, "Wed, 2 Dec 2026 11:00:00 +0000",
                     "DM6PR01MB1234kwame@DM6PR01MB1234.namprd01.prod.outlook.com",
                     irt=inv_mid, extra=[("Thread-Topic", subj),
                                         ("X-MS-Has-Attach", ""),
                                         ("Content-Language", "en-US")]),
                Text(html, subtype="html", label='"utf-8"')))

    # 4 French, Thunderbird, ISO-8859-1 QP flowed, new message: only the
    #   Ref: line (pasted template) identifies her.
    k = "elodie.marchand"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "Les études de cas régionales et la traduction du résumé.",
           "Q2": "Les délais : à peine quatre mois.",
           "R1": "quatre", "R2": "4",
           "Y1": "Oui"}
    own = ("Bonjour,\n\nJe vous envoie mes réponses (partielles).\n\n" +
           filled(ans, keep_options=True) + "\nRef: %s\n\nCordialement,\nÉlodie\n" % P[k]["tok"])
    write("p4_fr_thunderbird_ref_only",
          build(hdrs(k, "Mes réponses - revue des BPF", "Wed, 2 Dec 2026 16:40:12 +0100",
                     "b3c4d5e6-elodie@example.fr", to="plain",
                     extra=[("User-Agent", "Mozilla/5.0 Thunderbird/115.5.0"),
                            ("Content-Language", "fr")]),
                Text(own, charset="iso-8859-1", label="ISO-8859-1", flowed=True)))

    # 5 Russian, Thunderbird KOI8-R base64, inline under quoted markers.
    k = "irina.belozerskaya"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "Открытость процесса и региональные вебинары.",
           "Q2": "Слишком короткие сроки, всё только на английском.",
           "C1": "3",
           "R1": "пять", "R2": "4", "R3": "3",
           "Y1": "да"}
    text = ("Добрый день!\n\nОтвечаю в тексте.\n\n02.12.2026 09:14, %s пишет:\n" % SENDER +
            inline(inv, ans))
    write("p5_ru_thunderbird_koi8r_inline",
          build(hdrs(k, "Re: " + subj, "Wed, 2 Dec 2026 12:14:00 +0300",
                     "5a6b7c8d-irina@example.ru", irt=inv_mid,
                     extra=[("User-Agent", "Mozilla/5.0 Thunderbird/115.5.0")]),
                Text(text, charset="koi8-r", label="KOI8-R", cte="base64")))

    # 6 Spanish, Outlook plain windows-1252, Original Message separator.
    k = "carmen.ibarguen"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "La participación abierta y los estudios de caso.",
           "Q2": "Los plazos eran muy cortos.",
           "Q3": "Crear un subgrupo en español desde el principio.",
           "Q4": "IXP 2015-2016",
           "C1": "1",
           "R1": "cinco", "R2": "3", "R3": "4", "R4": "3", "R5": "2",
           "Q5": "Pertinencia y viabilidad.", "Q6": "Citas del documento final.",
           "Y1": "Sí"}
    own = "Estimada Secretaría:\n\n" + filled(ans, keep_options=False) + "\nSaludos,\nCarmen\n"
    plain = (own + "\n-----Original Message-----\n" + outlook_block([
        ("From:", "%s <consult+%s@igf.example.org>" % (SENDER, P[k]["tok"])),
        ("Sent:", "miércoles, 2 de diciembre de 2026 9:14"),
        ("To:", "Carmen Ibargüen <%s>" % P[k]["addr"]),
        ("Subject:", subj)]) + "\n" + inv)
    write("p6_es_outlook_cp1252",
          build(hdrs(k, "RE: " + subj, "Wed, 2 Dec 2026 12:30:00 -0500",
                     "SN6PR02MB5678carmen@SN6PR02MB5678.namprd02.prod.outlook.com",
                     irt=inv_mid, extra=[("X-Mailer", "Microsoft Outlook 16.0")]),
                Text(plain, charset="windows-1252", label="windows-1252")))

    # 7 Arabic, invalid rating (out of scale) and invalid choice, "لا".
    k = "ahmed.salem"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "ورش العمل الافتراضية.",
           "C1": "٩",
           "R1": "٧", "R2": "٣",
           "Y1": "لا"}
    own = filled(ans, drop_unanswered=True, keep_options=False)
    att = "في الأربعاء، 2 ديسمبر 2026، كتب %s <consult+%s@igf.example.org>:" % (SENDER, P[k]["tok"])
    write("p7_ar_invalid_rating_choice",
          build(hdrs(k, "Re: " + subj, "Wed, 2 Dec 2026 13:00:00 +0200",
                     "CAar7ahmed@mail.gmail.com", irt=inv_mid),
                gmail_alt(own, att, inv)))

    # 8 Chinese, Foxmail GBK html+plain, number words, 否, choice by text.
    k = "li.wei"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "区域案例研究。",
           "C1": "Contributor",
           "R1": "三", "R2": "五", "R3": "四",
           "Y1": "否"}
    own = filled(ans, drop_unanswered=True, keep_options=False)
    plain = own + "\n------------------ Original ------------------\n" + outlook_block([
        ("From: ", " \"%s\"<consult+%s@igf.example.org>;" % (SENDER, P[k]["tok"])),
        ("Date: ", " Wed, Dec 2, 2026 09:14 AM"),
        ("To: ", " \"李伟\"<%s>;" % P[k]["addr"]),
        ("Subject: ", " " + subj)]) + "\n" + inv
    html = "<html><body>%s<div>------------------ Original ------------------</div><div>%s</div></body></html>\n" % (
        html_lines(own), html_escape(inv).replace("\n", "<br>"))
    write("p8_zh_foxmail_gbk",
          build(hdrs(k, "回复：" + subj, "Wed, 2 Dec 2026 18:00:00 +0800",
                     "tencent_ABCDEF0123456789@qq.com", irt=inv_mid,
                     extra=[("X-Mailer", "Foxmail 7.2.25.228")]),
                Multipart("alternative", [
                    Text(plain, charset="gbk", label="gbk", cte="base64"),
                    Text(html, subtype="html", charset="gbk", label="gbk", cte="base64")],
                    "----=_NextPart_6570A1B2_0F3E_1234")))

    # 9 STOP (Gmail, quoting the invitation).
    k = "stop.me"
    inv_mid, inv, subj = sent("invitation", k)
    att = "On Wed, Dec 2, 2026 at 9:14 AM %s <consult+%s@igf.example.org> wrote:" % (SENDER, P[k]["tok"])
    write("p9_stop", build(hdrs(k, "Re: " + subj, "Wed, 2 Dec 2026 10:00:00 +0000",
                                "CAstop9@mail.gmail.com", irt=inv_mid),
                           gmail_alt("STOP\n", att, inv)))

    # 10 permanent bounce (RFC 3464) for bounce.me.
    k = "bounce.me"
    inv_mid, inv, subj = sent("invitation", k)
    rcpt = P[k]["addr"]
    body = Multipart("report", [
        Text("This is the mail system at host mx.example.net.\n\nI'm sorry to have to "
             "inform you that your message could not\nbe delivered to one or more "
             "recipients.\n\n<%s>: host mx.example.net[192.0.2.5] said: 550 5.1.1 "
             "User unknown\n" % rcpt, charset="us-ascii", label="us-ascii", cte=""),
        Raw(("Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
             "Final-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\nAction: failed\n"
             "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n" % (rcpt, rcpt)).encode()),
        Raw(("Content-Type: text/rfc822-headers\n\nFrom: %s <%s>\nReply-To: consult+%s@igf.example.org\n"
             "To: %s\nSubject: %s\nMessage-Id: %s\n" % (SENDER, REPLY, P[k]["tok"], rcpt, subj, inv_mid)).encode())],
        "bounce10", extra_ct="; report-type=delivery-status")
    h = [("Return-Path", "<>"), ("From", "MAILER-DAEMON@mx.example.net (Mail Delivery System)"),
         ("To", REPLY), ("Subject", "Undelivered Mail Returned to Sender"),
         ("Date", "Wed, 2 Dec 2026 09:14:05 +0000"), ("Message-Id", "<bounce10@mx.example.net>"),
         ("Auto-Submitted", "auto-replied"), ("MIME-Version", "1.0")]
    write("p10_bounce_dsn", build(h, body))

    # 11 out-of-office auto-reply quoting the invitation (markers inside).
    k = "away.person"
    inv_mid, inv, subj = sent("invitation", k)
    text = ("I am out of the office until 15 December with limited access to e-mail.\n\n" +
            quote(inv))
    write("p11_auto_reply",
          build(hdrs(k, "Automatic reply: " + subj, "Wed, 2 Dec 2026 09:15:00 +0000",
                     "ooo11@example.org", irt=inv_mid,
                     extra=[("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]),
                Text(text)))

    # 12 unknown sender, no token, filled template to the plain address.
    ans = {"Q1": "I was never invited but here are my views.", "R1": "1", "Y1": "yes"}
    text = "Hello,\n\n" + filled(ans, drop_unanswered=True, keep_options=False)
    write("p12_unknown_sender",
          build(hdrs(None, "My views on BPFs", "Wed, 2 Dec 2026 14:00:00 +0000",
                     "stranger12@example.com", to="%s <%s>" % (SENDER, REPLY),
                     frm="Random Stranger <stranger@example.com>"),
                Text(text)))

    # 13 unstructured reply (no markers) from a participant.
    k = "tomas.novak"
    inv_mid, inv, subj = sent("invitation", k)
    att = "On Wed, Dec 2, 2026 at 9:14 AM %s <consult+%s@igf.example.org> wrote:" % (SENDER, P[k]["tok"])
    own = ("Thanks for the invitation. I am travelling this week and will send my "
           "answers after the 10th.\n\nTomas\n")
    write("p13_unstructured", build(hdrs(k, "Re: " + subj, "Wed, 2 Dec 2026 10:30:00 +0100",
                                         "CAunstr13@mail.gmail.com", irt=inv_mid),
                                    gmail_alt(own, att, inv)))

    # 14 forwarded invitation: a colleague answers with hana's token.
    k = "hana.forward"
    inv_mid, inv, subj = sent("invitation", k)
    ans = {"Q1": "Answering for Hana, who forwarded this to me.", "R1": "2"}
    own = filled(ans, drop_unanswered=True)
    att = "On Wed, Dec 2, 2026 at 9:14 AM %s <consult+%s@igf.example.org> wrote:" % (SENDER, P[k]["tok"])
    write("p14_forwarded_colleague",
          build(hdrs(k, "Re: Fwd: " + subj, "Wed, 2 Dec 2026 15:00:00 +0000",
                     "CAfwd14@mail.gmail.com", irt=inv_mid,
                     frm="Colleague Person <colleague@other.example>"),
                gmail_alt(own, att, inv)))

    # 15 yes/no, ratings and choices as people write them, one per
    #    language (Gmail, filled copy on top, the rest quoted).
    VAR = {
        "yn.ar": {"Y1": "نعم، بكل سرور", "R1": "\u200f٤\u200f", "R2": "٤ من ٥", "C1": "٢"},
        "yn.zh": {"Y1": "是的，可以。", "R1": "４／５", "R2": "4分", "C1": "２"},
        "yn.zh2": {"Y1": "否。", "R1": "四", "R2": "３", "C1": "contributor"},
        "yn.es": {"Y1": "Sí, claro", "R1": "4 de 5", "R2": "cuatro", "C1": "2. Contributor"},
        "yn.ru": {"Y1": "Да, конечно", "R1": "4 из 5", "R2": "четыре", "C1": "Contributor."},
        "yn.fr": {"Y1": "Oui volontiers", "R1": "4 sur 5", "R2": "quatre", "C1": "2"},
        "yn.en": {"Y1": "Yes, happy to", "R1": "4/5", "R2": "four", "C1": "Contributor"},
    }
    for n, (k, a) in enumerate(VAR.items()):
        inv_mid, inv, subj = sent("invitation", k)
        own = filled(a, drop_unanswered=True, keep_options=False)
        att = "On Wed, Dec 2, 2026 at 9:14 AM %s <consult+%s@igf.example.org> wrote:" % (SENDER, P[k]["tok"])
        write("p15_%s_variants" % k.replace(".", "_"),
              build(hdrs(k, "Re: " + subj, "Wed, 2 Dec 2026 16:%02d:00 +0000" % n,
                         "CAvar%d%s@mail.gmail.com" % (n, k.replace(".", "")), irt=inv_mid),
                    gmail_alt(own, att, inv)))


# ------------------------------------------------------------------ phase 2
def phase2():
    # s1 kwame: second reply changes R1 only (Gmail, short, quoting his receipt).
    k = "kwame.mensah"
    mid, ack, subj = sent("acknowledgement", k)
    att = "On Wed, Dec 2, 2026 at 11:01 AM %s <consult+%s@igf.example.org> wrote:" % (SENDER, P[k]["tok"])
    own = "Sorry, one correction:\n\n[R1] Clarity of the BPF's objectives (1-5)\n5\n\n[END]\n"
    write("s1_kwame_change_R1", build(hdrs(k, "Re: " + subj, "Thu, 3 Dec 2026 09:00:00 +0000",
                                           "CAs1kwame@mail.gmail.com", irt=mid),
                                      gmail_alt(own, att, ack)))

    # s2 forged From kwame, no token at all, to the plain address.
    text = ("[Q1] What worked well in the BPF(s) you took part in?\nNothing at all (forged).\n\n"
            "[R2] Breadth of community engagement (1-5)\n1\n\n[END]\n")
    write("s2_forged_from_kwame_no_token",
          build(hdrs(None, "Re: " + SUBJECT, "Thu, 3 Dec 2026 09:30:00 +0000",
                     "forged2@evil.example", to="%s <%s>" % (SENDER, REPLY),
                     frm="Kwame Mensah <%s>" % P[k]["addr"]),
                Text(text)))

    # s3 forged From kwame carrying ahmed's token (To + References).
    a = "ahmed.salem"
    inv_mid, inv, subj = sent("invitation", a)
    text = ("[R5] Adequacy of Secretariat support (1-5)\n1\n\n"
            "[Q7] Anything else you would like to tell us?\nForged with someone else's token.\n\n[END]\n")
    write("s3_forged_from_kwame_ahmed_token",
          build(hdrs(a, "Re: " + subj, "Thu, 3 Dec 2026 09:40:00 +0000",
                     "forged3@evil.example", irt=inv_mid,
                     frm="Kwame Mensah <%s>" % P[k]["addr"]),
                Text(text)))

    # s4 elodie replies to her receipt (Thunderbird, quotes all of it),
    #    changes Y1 on top with a marker.
    k = "elodie.marchand"
    mid, ack, subj = sent("acknowledgement", k)
    own = "Finalement :\n\n[Y1] Non\n\n"
    text = own + "Le 02/12/2026 à 16:41, %s a écrit :\n" % SENDER + quote(ack)
    write("s4_fr_reply_to_ack_change_Y1",
          build(hdrs(k, "Re: " + subj, "Thu, 3 Dec 2026 10:00:00 +0100",
                     "c4d5e6f7-elodie@example.fr", irt=mid,
                     extra=[("User-Agent", "Mozilla/5.0 Thunderbird/115.5.0")]),
                Text(text, charset="iso-8859-1", label="ISO-8859-1", flowed=True)))

    # s5 wang replies "thanks" to his receipt, quoting it (Apple).
    k = "wang.fang"
    mid, ack, subj = sent("acknowledgement", k)
    text = "谢谢！\n\n2026年12月2日 17:21，%s 写道：\n\n" % SENDER + quote_apple(ack)
    write("s5_zh_thanks_to_ack",
          build(hdrs(k, "回复：" + subj, "Thu, 3 Dec 2026 08:00:00 +0800",
                     "E5F6-wang@example.cn", irt=mid),
                Text(text, charset="utf-8", label="utf-8", cte="base64")))

    # s6 layla replies to her receipt, Outlook style (no '>' quoting).
    k = "layla.haddad"
    mid, ack, subj = sent("acknowledgement", k)
    own = "شكراً جزيلاً، تم الاستلام.\n"
    plain = own + "\n" + outlook_block([
        ("From:", "%s <consult+%s@igf.example.org>" % (SENDER, P[k]["tok"])),
        ("Sent:", "Wednesday, December 2, 2026 10:16 AM"),
        ("To:", "ليلى حداد <%s>" % P[k]["addr"]),
        ("Subject:", subj)]) + "\n" + ack
    write("s6_ar_outlook_thanks_to_ack",
          build(hdrs(k, "RE: " + subj, "Thu, 3 Dec 2026 09:00:00 +0300",
                     "AM0PR01MB1111layla@AM0PR01MB1111.eurprd01.prod.outlook.com", irt=mid),
                Text(plain, charset="utf-8", label='"utf-8"', cte="base64")))

    # s7 irina: Gmail, inline under the quoted receipt, changes R2 to 2.
    k = "irina.belozerskaya"
    mid, ack, subj = sent("acknowledgement", k)
    lines = []
    hit = seen_r2 = False
    for line in quote(ack).rstrip("\n").split("\n"):
        lines.append(line)
        if line.startswith("> R2"):
            seen_r2 = True
        elif seen_r2 and not hit and line.startswith(">     "):
            lines += ["", "[R2] 2", ""]
            hit = True
    own_text = ("Одно исправление ниже.\n\nчт, 3 дек. 2026 г. в 09:14, %s <consult+%s@igf.example.org>:\n\n"
                % (SENDER, P[k]["tok"]) + "\n".join(lines) + "\n")
    write("s7_ru_inline_in_ack_R2" + ("" if hit else "_NOHIT"),
          build(hdrs(k, "Re: " + subj, "Thu, 3 Dec 2026 10:14:00 +0300",
                     "CAs7irina@mail.gmail.com", irt=mid),
                Multipart("alternative", [Text(own_text, label='"UTF-8"'),
                                          Text("<div>%s</div>" % html_escape(own_text).replace("\n", "<br>"),
                                               subtype="html", label='"UTF-8"')], "s7bnd")))

    # s7b irina: correction typed under the receipt's "R3" listing with no
    #     bracket marker (ambiguous: expect triage, not filing).
    lines = []
    hit = seen = False
    for line in quote(ack).rstrip("\n").split("\n"):
        lines.append(line)
        if line.startswith("> R3"):
            seen = True
        elif seen and not hit and line.startswith(">     "):
            lines += ["", "Исправление: 2", ""]
            hit = True
    t = "Ещё одно.\n\n" + "\n".join(lines) + "\n"
    write("s7b_ru_inline_no_marker", build(hdrs(k, "Re: " + subj, "Thu, 3 Dec 2026 10:20:00 +0300",
                                              "CAs7birina@mail.gmail.com", irt=mid), Text(t)))

    # s8 carmen changes C1 by option text and R3 by a full-width digit in a
    #    new thread (Ref: line absent, only References to the invitation).
    k = "carmen.ibarguen"
    inv_mid, inv, subj = sent("invitation", k)
    text = ("Una corrección:\n\n[C1] What was your main role in the BPF?\nMAG member / facilitator\n\n"
            "[R3] Quality and usefulness of the outputs (1-5)\n５\n\n[END]\n")
    write("s8_es_change_C1_R3_refs_only",
          build([("MIME-Version", "1.0"), ("References", inv_mid),
                 ("From", addr_hdr(P[k]["name"], P[k]["addr"])),
                 ("Date", "Thu, 3 Dec 2026 11:00:00 -0500"),
                 ("Message-ID", "<s8carmen@example.es>"),
                 ("Subject", subj_hdr("Corrección")),
                 ("To", REPLY)],
                Text(text, charset="utf-8", label="UTF-8", cte="8bit")))

    # s9 kwame's STOP via List-Unsubscribe mailto (subject STOP) -- no: keep
    #    kwame active; instead a Spanish 'BAJA'? Only STOP/UNSUBSCRIBE are
    #    documented; test UNSUBSCRIBE as subject from li.wei.
    k = "li.wei"
    write("s9_unsubscribe_subject",
          build(hdrs(k, "UNSUBSCRIBE", "Thu, 3 Dec 2026 12:00:00 +0800",
                     "unsub9@qq.com"), Text("\n")))


# ------------------------------------------------------------------ phase 3
def phase3():
    # t1 elodie: reply to the reminder, Gmail inline, fills Q3 and C1;
    #    quoted recorded answers must not be re-filed.
    k = "elodie.marchand"
    mid, rem, subj = sent("reminder", k)
    ans = {"Q3": "Impliquer plus tôt les IGF nationaux.", "C1": "2"}
    lines = []
    done = set()
    for line in quote(rem).rstrip("\n").split("\n"):
        lines.append(line)
        for qid, t in ans.items():
            if line.startswith("> [%s]" % qid) and qid not in done:
                lines += ["", t, ""]
                done.add(qid)
    text = ("Voici la suite.\n\nLe mer. 9 déc. 2026 à 09:00, %s <consult+%s@igf.example.org> a écrit :\n\n"
            % (SENDER, P[k]["tok"]) + "\n".join(lines) + "\n")
    write("t1_fr_reply_to_reminder_inline",
          build(hdrs(k, "Re: " + subj, "Wed, 9 Dec 2026 10:00:00 +0100",
                     "CAt1elodie@mail.gmail.com", irt=mid),
                Multipart("alternative", [Text(text, label='"UTF-8"'),
                                          Text("<div>%s</div>" % html_escape(text).replace("\n", "<br>"),
                                               subtype="html", label='"UTF-8"')], "t1bnd")))

    # t2 tomas (who had sent only an unstructured note): full reply to the
    #    reminder, copy on top, Outlook, ratings with digits.
    k = "tomas.novak"
    mid, rem, subj = sent("reminder", k)
    ans = {"Q1": "Strong facilitation.", "Q2": "Few newcomers.", "Q3": "More outreach.",
           "Q4": "IPv6 2016", "C1": "5", "R1": "3", "R2": "2", "R3": "3", "R4": "1", "R5": "4",
           "Q5": "Feasibility.", "Q6": "Diversity of contributors.", "Y1": "yes"}
    own = filled(ans, keep_options=False) + "\nTomas\n"
    plain = own + "\n" + outlook_block([
        ("From:", "%s <consult+%s@igf.example.org>" % (SENDER, P[k]["tok"])),
        ("Sent:", "Wednesday, December 9, 2026 9:00 AM"),
        ("To:", "Tomas Novak <%s>" % P[k]["addr"]),
        ("Subject:", subj)]) + "\n" + rem
    write("t2_en_outlook_reply_to_reminder_full",
          build(hdrs(k, "RE: " + subj, "Wed, 9 Dec 2026 11:00:00 +0100",
                     "VI1PR01MB2222tomas@VI1PR01MB2222.eurprd01.prod.outlook.com", irt=mid),
                Text(plain, charset="utf-8", label='"utf-8"')))

    # t3 ahmed: reply to the reminder, Arabic, fixes R1 inline ("٤"),
    #    everything else left as quoted.
    k = "ahmed.salem"
    mid, rem, subj = sent("reminder", k)
    lines = []
    done = False
    for line in quote(rem).rstrip("\n").split("\n"):
        lines.append(line)
        if line.startswith("> [R1]") and not done:
            lines += ["", "٤", ""]
            done = True
    text = ("تصحيح أدناه.\n\nفي الأربعاء، 9 ديسمبر 2026، كتب %s <consult+%s@igf.example.org>:\n\n"
            % (SENDER, P[k]["tok"]) + "\n".join(lines) + "\n")
    write("t3_ar_reply_to_reminder_fix_R1",
          build(hdrs(k, "Re: " + subj, "Wed, 9 Dec 2026 12:00:00 +0200",
                     "CAt3ahmed@mail.gmail.com", irt=mid),
                Text(text, label='"UTF-8"')))

    # t4 hana (filed by a colleague) replies to the reminder with only
    #    "thanks, done" and the reminder quoted below (no edits).
    k = "hana.forward"
    mid, rem, subj = sent("reminder", k)
    text = "Thanks, my colleague already answered.\n\nOn Wed, Dec 9, 2026 at 9:00 AM %s wrote:\n\n" % SENDER + quote(rem)
    write("t4_en_thanks_to_reminder",
          build(hdrs(k, "Re: " + subj, "Wed, 9 Dec 2026 13:00:00 +0000",
                     "CAt4hana@mail.gmail.com", irt=mid),
                Text(text, label='"UTF-8"')))


{"1": phase1, "2": phase2, "3": phase3}[PHASE]()
print("wrote", len(os.listdir(OUT)), "files in", OUT)
