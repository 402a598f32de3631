#!/bin/sh
# Invitations over SMTP: N invitations (default 1000) sent by
# `consultd invite` to Postfix's smtp-sink on 127.0.0.1, against a plain
# Python smtplib loop sending the same N messages, in the same run.
# Usage: sh bench/smtp/run.sh [N]   (needs python3 and postfix's smtp-sink)
set -eu
n=${1:-1000}
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CONSULTD_BIN:-$top/consultd}
work=$(mktemp -d "${TMPDIR:-/tmp}/consultd-bench-smtp.XXXXXX")
sink_pid=
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
smtp-sink -u nobody "127.0.0.1:$port" 256 >/dev/null 2>&1 &
sink_pid=$!
sleep 0.5

cd "$work"
"$bin" -q init . >/dev/null
cat >> consultd.conf <<CONF

[smtp]
url = smtp://127.0.0.1:$port
tls = none
from = IGF Secretariat <consult@igf.example.org>
rate = 1000000/s
CONF
"$bin" -q load "$top/templates/bpf-on-bpfs" >/dev/null
python3 - "$n" > people.csv <<'PY'
import sys
print("email,name,stakeholder_group")
for i in range(int(sys.argv[1])):
    print(f"p{i}@example.org,Participant {i},Civil society")
PY
"$bin" -q import bpf-on-bpfs people.csv >/dev/null

t0=$(date +%s.%N)
"$bin" -q invite bpf-on-bpfs >/dev/null
t1=$(date +%s.%N)

# The same messages, sent by smtplib: one connection, one transaction each.
python3 - "$port" consultd.db <<'PY' > python.txt
import smtplib, sqlite3, sys, time
port, db = int(sys.argv[1]), sys.argv[2]
rows = sqlite3.connect(db).execute(
    "SELECT recipient, content FROM outbox ORDER BY id").fetchall()
t0 = time.perf_counter()
s = smtplib.SMTP("127.0.0.1", port)
for rcpt, content in rows:
    s.sendmail("consult@igf.example.org", [rcpt], content)
s.quit()
print(len(rows), time.perf_counter() - t0)
PY

# consultd sending only: the same queued messages again, by flush.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE outbox SET status = '"'"'queued'"'"', sent_at = NULL"); c.commit()' consultd.db
t2=$(date +%s.%N)
"$bin" -q flush >/dev/null
t3=$(date +%s.%N)

awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" \
    -v py="$(cat python.txt)" 'BEGIN {
	split(py, p, " ");
	c = t1 - t0; f = t3 - t2; r = p[1] / p[2];
	printf "invitations: %d, one SMTP connection each run\n", n;
	printf "consultd invite (render, compose, queue, send): %6.2f s %6.0f msg/s\n", c, n / c;
	printf "consultd flush (send the queued ones):          %6.2f s %6.0f msg/s\n", f, n / f;
	printf "python smtplib loop (send the same messages):   %6.2f s %6.0f msg/s\n", p[2], r;
	printf "ratios against python: invite %.2f, flush %.2f\n", (n / c) / r, (n / f) / r;
}'
