#!/bin/sh
# make demo: a whole consultation on the embedded default, in a fresh
# temporary workspace.  Every "$ consultd ..." line is a command a user
# could type; the participants' replies are the sample messages in
# tests/fixtures/demo/replies/, addressed the way a mail client would
# address them (To: the invitation's Reply-To, In-Reply-To: its
# Message-ID) and dropped into the inbox Maildir.
#
# DEMO_DIR=DIR keeps the workspace in DIR (the end-to-end test reads its
# database); CONSULTD_BIN picks the binary.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CONSULTD_BIN:-$top/consultd}
ws=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/consultd-demo.XXXXXX")}
replies=$top/tests/fixtures/demo/replies

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '$ consultd %s\n' "$*"; "$bin" "$@"; }

mkdir -p "$ws"
cd "$ws"
say "1. Make a workspace in $ws"
run init .
say "2. Load the consultation definition"
run load "$top/templates/bpf-on-bpfs"
say "3. Import the participants"
run import bpf-on-bpfs "$top/tests/fixtures/demo/participants.csv"
say "4. Invite them (on the embedded default: .eml files in spool/outbox/)"
run invite bpf-on-bpfs
ls spool/outbox | sed -n '1,3p;4s/.*/.../p'
say "5. Participants reply (sample replies dropped into spool/inbox/new)"
n=0
for f in "$replies"/*.eml; do
	n=$((n + 1))
	from=$(sed -n 's/^From:.*<\([^>]*\)>.*/\1/p' "$f" | head -n 1)
	inv=$(grep -l -i -F "<$from>" spool/outbox/*-invitation.eml | head -n 1)
	if [ -z "$inv" ]; then
		echo "demo: no invitation for $from" >&2
		exit 1
	fi
	msgid=$(tr -d '\r' < "$inv" | sed -n 's/^Message-I[Dd]: *<\([^>]*\)>.*/\1/p')
	replyto=$(tr -d '\r' < "$inv" | sed -n 's/^Reply-To: *<\{0,1\}\([^>]*\)>\{0,1\}.*/\1/p')
	# Maildir delivery: write in tmp/, then rename into new/.
	name=$(date +%s).demo$n.$$
	sed -e "s/@REPLY_TO@/$replyto/g" -e "s/@INVITE_MSGID@/$msgid/g" "$f" \
	    > "spool/inbox/tmp/$name"
	mv "spool/inbox/tmp/$name" "spool/inbox/new/$name"
	echo "  $(basename "$f") from $from"
done
say "6. Fetch and file the replies"
run fetch
say "7. Status"
run status bpf-on-bpfs
say "8. Export (CSV, one row per participant)"
run export bpf-on-bpfs --format long -o answers-long.csv
run export bpf-on-bpfs
say "Workspace: $ws (answers-long.csv, consultd.db, spool/)"
