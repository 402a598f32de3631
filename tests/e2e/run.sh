#!/bin/sh
# End to end through the product's own commands, in the six UN languages:
# a workspace with 20 participants is invited; their replies (Gmail,
# Outlook, Apple Mail, Thunderbird, HTML-only, many charsets) are filed
# with `ingest`, then second replies, replies to receipts, forgeries and a
# duplicate; then `remind`, replies to the reminders delivered to the
# Maildir and filed with `fetch`, then the same files again.  check.py
# reads the database, `status --json` and `export`.  Prints PASS/FAIL per
# check and exits non-zero if any failed.  Written in session 5 by a
# reviewer who had not seen the code's rules (tests/e2e/README.md).
# env: CONSULTD_BIN (default ./consultd)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
S=$top/tests/e2e
B=$(cd "$(dirname "${CONSULTD_BIN:-$top/consultd}")" && pwd)/$(basename "${CONSULTD_BIN:-consultd}")
E=$(mktemp -d "${TMPDIR:-/tmp}/consultd-e2e.XXXXXX")
trap 'rm -rf "$E"' EXIT
WS=$E/ws
export FXDIR=$top/tests/fixtures/replies
at() { date -d "$1" +%s; }
mkdir -p "$WS"
cd "$WS" || exit 1
export CONSULTD_NOW=$(at '2026-12-02 08:00 UTC')
"$B" -q init . >/dev/null && "$B" -q load "$top/templates/bpf-on-bpfs" >/dev/null &&
"$B" -q import bpf-on-bpfs "$S/participants.csv" >/dev/null &&
"$B" -q invite bpf-on-bpfs >/dev/null || { echo "FAIL  setup"; exit 1; }
n=$(ls spool/outbox/*-invitation.eml | wc -l)
total=0
[ "$n" = "$(($(wc -l < "$S/participants.csv") - 1))" ] && echo "PASS  [0] one invitation .eml per participant ($n)" || { echo "FAIL  [0] invitations: $n"; total=$((total + 1)); }
grep -q '^Reply-To: consult+[a-z2-7]\{26,\}@' spool/outbox/00000001-invitation.eml && echo "PASS  [0] Reply-To carries a token" || { echo "FAIL  [0] Reply-To token"; total=$((total + 1)); }

# phase 1: first replies, filed with ingest (.eml files)
python3 "$S/gen.py" "$WS" 1 "$E/r1" >/dev/null || exit 1
export CONSULTD_NOW=$(at '2026-12-02 20:00 UTC')
"$B" ingest "$E"/r1/*.eml > "$E/ingest1.out" 2>&1; echo "      ingest phase 1: $(head -n1 "$E/ingest1.out")"
python3 "$S/check.py" "$WS" 1 "$B"; total=$((total + $?))

# phase 2: second replies, replies to receipts, forgeries, duplicate
python3 "$S/gen.py" "$WS" 2 "$E/r2" >/dev/null || exit 1
export CONSULTD_NOW=$(at '2026-12-03 20:00 UTC')
"$B" ingest "$E"/r2/*.eml "$E"/r1/p1_ar_gmail_top.eml > "$E/ingest2.out" 2>&1; echo "      ingest phase 2: $(head -n1 "$E/ingest2.out")"
python3 "$S/check.py" "$WS" 2 "$B"; total=$((total + $?))

# phase 3: reminders, replies to them delivered to the Maildir and fetched
export CONSULTD_NOW=$(at '2026-12-10 09:00 UTC')
"$B" remind bpf-on-bpfs > "$E/remind.out" 2>&1
grep -q '^skip *layla.*reply complete' "$E/remind.out" && ! grep -q 'remind *layla' "$E/remind.out" && echo "PASS  [3] no reminder for a complete reply" || { echo "FAIL  [3] complete participant reminded or not listed"; total=$((total + 1)); }
grep -q 'remind *stop.me\|remind *bounce.me' "$E/remind.out" && { echo "FAIL  [3] opted-out/bounced reminded"; total=$((total + 1)); } || echo "PASS  [3] no reminder to opted-out or bounced"
python3 "$S/gen.py" "$WS" 3 "$E/r3" >/dev/null || exit 1
export CONSULTD_NOW=$(at '2026-12-10 20:00 UTC')
i=0
for f in "$E"/r3/*.eml; do i=$((i + 1)); cp "$f" "spool/inbox/tmp/e2e.$i"; mv "spool/inbox/tmp/e2e.$i" "spool/inbox/new/e2e.$i"; done
"$B" fetch > "$E/fetch3.out" 2>&1; echo "      fetch phase 3: $(head -n1 "$E/fetch3.out")"
python3 "$S/check.py" "$WS" 3 "$B"; total=$((total + $?))
before=$(sqlite3 consultd.db 'select count(*) from message'); ab=$(sqlite3 consultd.db 'select count(*) from answer')
for f in "$E"/r3/*.eml; do i=$((i + 1)); cp "$f" "spool/inbox/tmp/e2e.$i"; mv "spool/inbox/tmp/e2e.$i" "spool/inbox/new/e2e.$i"; done
"$B" -q fetch >/dev/null 2>&1
after=$(sqlite3 consultd.db 'select count(*) from message'); aa=$(sqlite3 consultd.db 'select count(*) from answer')
[ "$before" = "$after" ] && [ "$ab" = "$aa" ] && echo "PASS  [3] fetching the same replies again files nothing" ||
    { echo "FAIL  [3] refetch: messages $before -> $after, answers $ab -> $aa"; total=$((total + 1)); }
echo "e2e: failures: $total"
[ "$total" -eq 0 ]
