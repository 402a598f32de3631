#!/bin/sh
# The four stages of a consultation with the shipped templates, as the
# README walks through them, on the embedded default:
#   1. collect experiences by mail (the demo),
#   2. add interview notes,
#   3. draft the report and open it for feedback by section,
#   4. file the feedback and compile the feedback report; close.
# STAGES_DIR=DIR keeps the workspace; CONSULTD_BIN picks the binary.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CONSULTD_BIN:-$top/consultd}
ws=${STAGES_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/consultd-stages.XXXXXX")}
fix=$top/tests/fixtures/demo

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ consultd %s\n' "$*" >&2; "$bin" "$@"; }

say "Stage 1: the survey by mail (make demo)"
DEMO_DIR=$ws CONSULTD_BIN=$bin sh "$top/tests/demo.sh" >/dev/null
cd "$ws"
run status bpf-on-bpfs | sed -n '3,4p'

say "Stage 2: notes of an interview, filed for the participant"
run record bpf-on-bpfs --for rohan.vellacott@example.net --by secretariat \
    "$fix/interview-rohan.txt"

say "Stage 3: the draft report, and its sections as the feedback round"
run report bpf-on-bpfs --format md -o draft.md
run report bpf-on-bpfs --format html -o draft.html
mkdir -p bpf-draft-feedback
cp "$top"/templates/bpf-report-feedback/*.txt bpf-draft-feedback/
# The [consultation] section of the shipped feedback round, then one
# question per section of this draft.
sed -n '/^\[consultation\]/,/^$/p' \
    "$top/templates/bpf-report-feedback/consultation.ini" \
    > bpf-draft-feedback/consultation.ini
run sections draft.md >> bpf-draft-feedback/consultation.ini
run load bpf-draft-feedback

say "Stage 4: a MAG member comments by mail; the feedback report"
cp "$fix/feedback-mag.eml" spool/inbox/new/
run fetch
run status bpf-draft-feedback | sed -n '4,6p'
# A first-time sender confirms their address by replying to the receipt.
ack=$(grep -l -F "amara.fenwick@example.net" spool/outbox/*-acknowledgement.eml)
msgid=$(tr -d '\r' < "$ack" | sed -n 's/^Message-I[Dd]: *<\([^>]*\)>.*/\1/p')
replyto=$(tr -d '\r' < "$ack" | sed -n 's/^Reply-To: *<\{0,1\}\([^>]*\)>\{0,1\}.*/\1/p')
printf 'From: amara.fenwick@example.net\nTo: %s\nSubject: Re: Received\nMessage-ID: <confirm-1@mail.example.net>\nIn-Reply-To: <%s>\n\nYes, that is my address.\n' \
    "$replyto" "$msgid" > spool/inbox/new/confirm.eml
run fetch
run status bpf-draft-feedback | sed -n '4,5p'
run report bpf-draft-feedback --format md -o feedback.md
run close bpf-on-bpfs
echo
echo "Workspace: $ws (draft.md, draft.html, feedback.md)"
