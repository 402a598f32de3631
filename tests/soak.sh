#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The hour-long soak of issue 8, item 9, outside Check: Check 0.15.2
# cannot report a test that runs longer than 2,147 s, so `make
# reliability` runs this driver beside its suites.  The short soak in
# `make check` is the test soak/soak in tests/check_soak.c; this is the
# same workload for as long as asked:
#
#   - `consultd run` as the daemon, polling every 10 s, on a consultation
#     of 20 invited participants (the embedded default: Maildir spool in,
#     .eml files out);
#   - one partial reply a second delivered into spool/inbox/new, as a
#     delivery agent would (written beside it, then renamed in);
#   - a reminder campaign every CAMPAIGN_EVERY seconds from outside, each
#     a day later on CONSULTD_NOW, reminding everybody;
#   - the daemon's resident memory and open files read from /proc.
#
# Passes when every reply is filed exactly once, the spool is drained,
# the database is intact, every campaign reminded everybody, the daemon
# said nothing on stderr and stopped cleanly on SIGTERM, and memory and
# files stay flat: the most of the second half no more than the most of
# the first plus 2 MB (SQLite's page cache) and 2 descriptors.
#
# usage: tests/soak.sh [SECONDS]   (default 3600)
# environment: CONSULTD_BIN (the binary), CONSULTD_RELIABILITY_LOG (where
# the "reliability: soak: ..." line is appended), CAMPAIGN_EVERY (600),
# SAMPLE_EVERY (10).

set -u

seconds=${1:-3600}
every=${CAMPAIGN_EVERY:-600}
sample_every=${SAMPLE_EVERY:-10}
bin=${CONSULTD_BIN:-$PWD/build/consultd}
participants=20
day=86400

fail() {
	echo "soak: FAILED: $*" >&2
	[ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null
	echo "soak: the workspace is kept for a look: $dir" >&2
	exit 1
}

[ -x "$bin" ] || { echo "soak: $bin is not an executable; build it first" \
	"(make) or set CONSULTD_BIN" >&2; exit 64; }
command -v sqlite3 >/dev/null || { echo "soak: sqlite3 is missing;" \
	"apt-get install sqlite3 (make deps does)" >&2; exit 69; }
case $seconds in ''|*[!0-9]*) echo "soak: SECONDS must be a number" >&2
	exit 64;; esac

dir=$(mktemp -d /tmp/consultd-soak-XXXXXX) || exit 73
trap 'fail "stopped by a signal"' TERM INT HUP
cd "$dir" || exit 73

db() { sqlite3 -batch -noheader "$dir/consultd.db" "$1"; }
consultd() { "$bin" "$@"; }

# The workspace: as soak_workspace() in tests/check_soak.c.
mkdir -p soak
cat > soak/consultation.ini <<'EOF'
[consultation]
title = Soak test
reply_address = consult@example.org
deadline = 2099-12-31
max_reminders = 1000
reminder_interval_days = 1
[Q1]
kind = text
prompt = What worked?
[Q2]
kind = text
prompt = What did not?
EOF
printf 'Subject: Soak test\n\n{{questions}}\n' > soak/invitation.txt
printf 'Subject: Reminder: soak test\n\n{{questions}}\n' > soak/reminder.txt
{
	echo "email,name"
	for ((i = 0; i < participants; i++)); do
		printf 'p%02d@example.org,P %02d\n' "$i" "$i"
	done
} > p.csv
for step in "init ." "load soak" "import soak p.csv" "invite soak"; do
	# shellcheck disable=SC2086
	out=$(consultd $step 2>&1) || fail "consultd $step: $out"
done
printf '\n[imap]\npoll_interval = 10\n' >> consultd.conf
mapfile -t tokens < <(db "SELECT token FROM invitation ORDER BY participant_id")
[ "${#tokens[@]}" -eq "$participants" ] ||
	fail "${#tokens[@]} invitation tokens, not $participants"

deliver() {
	local n=$1 p=$(($1 % participants))
	printf 'From: P %02d <p%02d@example.org>\nTo: consult+%s@example.org\n'`
	    `'Subject: Re: Soak test\nDate: Mon, 03 Mar 2025 10:00:00 +0000\n'`
	    `'Message-ID: <soak-%d@example.org>\n\n[Q1] reply number %d\n' \
	    "$p" "$p" "${tokens[$p]}" "$n" "$n" > deliver.tmp &&
	mv deliver.tmp "spool/inbox/new/$((1700000000 + n)).M${n}P$$.soak" ||
	    fail "cannot deliver reply $n"
}

# RSS in kB and the number of open files, or nothing if the daemon is gone.
sample() {
	local rss fds
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$daemon/status" 2>/dev/null)
	fds=$(ls "/proc/$daemon/fd" 2>/dev/null | wc -l)
	[ -n "$rss" ] && echo "$rss $fds"
}

# The daemon's own environment, without the sanitizers' quarantine (which
# would look like growth) in case this is an ASan build.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0 \
	"$bin" run > daemon.out 2> daemon.err &
daemon=$!

start=$SECONDS
replies=0 campaigns=0 next_sample=1 next_campaign=$every
rss_max=(0 0) fds_max=(0 0)
first="" last=""
note_sample() {
	local s half
	s=$(sample) || fail "the daemon is gone: $(cat daemon.err)"
	set -- $s
	half=$(( ($SECONDS - start) * 2 < seconds ? 0 : 1 ))
	(( $1 > rss_max[half] )) && rss_max[half]=$1
	(( $2 > fds_max[half] )) && fds_max[half]=$2
	[ -z "$first" ] && first=$s
	last=$s
	echo "$(($SECONDS - start)) $s" >> samples.txt
}
while (( SECONDS - start < seconds )); do
	elapsed=$((SECONDS - start))
	while (( replies <= elapsed )); do
		deliver "$replies"
		replies=$((replies + 1))
	done
	if (( elapsed >= next_sample )); then
		note_sample
		next_sample=$((next_sample + sample_every))
	fi
	if (( elapsed >= next_campaign )); then
		at=$(( $(date +%s) + (campaigns + 1) * day ))
		err=$(CONSULTD_NOW=$at consultd remind soak 2>&1 >/dev/null) ||
			fail "campaign $((campaigns + 1)): $err"
		[ -z "$err" ] || fail "campaign $((campaigns + 1)) warned: $err"
		campaigns=$((campaigns + 1))
		next_campaign=$((next_campaign + every))
	fi
	if [ -t 2 ]; then
		printf '\rsoak: %d/%d s, %d replies, %d campaigns ' \
		    "$elapsed" "$seconds" "$replies" "$campaigns" >&2
	fi
	sleep 0.2
done
[ -t 2 ] && echo >&2

# Everything delivered must be filed; SIGHUP makes the daemon poll now.
kill -HUP "$daemon"
for ((i = 0; i < 600; i++)); do
	[ "$(db 'SELECT count(*) FROM message')" -ge "$replies" ] && break
	sleep 0.1
done
note_sample
kill -TERM "$daemon"
wait "$daemon"
status=$?
daemon=""

filed=$(db "SELECT count(*) FROM message")
distinct=$(db "SELECT count(DISTINCT message_id) FROM message WHERE message_id LIKE 'soak-%'")
reminders=$(db "SELECT count(*) FROM outbox WHERE kind = 'reminder'")
integrity=$(db "PRAGMA integrity_check")
left_new=$(ls spool/inbox/new | wc -l)
in_cur=$(ls spool/inbox/cur | wc -l)
samples=$(wc -l < samples.txt)

line="soak-hour: seconds=$seconds replies=$replies campaigns=$campaigns"
line+=" reminders=$reminders samples=$samples"
line+=" rss_kb_first=${first%% *} rss_kb_last=${last%% *}"
line+=" rss_kb_max_first_half=${rss_max[0]} rss_kb_max_second_half=${rss_max[1]}"
line+=" fds_first=${first##* } fds_last=${last##* }"
line+=" fds_max_first_half=${fds_max[0]} fds_max_second_half=${fds_max[1]}"
line+=" filed=$filed filed_once=$distinct"
echo "reliability: soak: $line"
[ -n "${CONSULTD_RELIABILITY_LOG:-}" ] &&
	echo "reliability: soak: $line" >> "$CONSULTD_RELIABILITY_LOG"

[ "$status" -eq 0 ] || fail "consultd run stopped with exit $status: $(cat daemon.err)"
[ -s daemon.err ] && fail "the daemon complained: $(cat daemon.err)"
[ "$filed" -eq "$replies" ] || fail "$filed of $replies replies filed"
[ "$distinct" -eq "$replies" ] || fail "$distinct distinct replies of $replies"
[ "$left_new" -eq 0 ] || fail "$left_new replies left in spool/inbox/new"
[ "$in_cur" -eq "$replies" ] || fail "$in_cur replies in spool/inbox/cur, not $replies"
[ "$integrity" = ok ] || fail "integrity_check: $integrity"
(( campaigns >= 2 )) || fail "only $campaigns campaigns: give it more time"
[ "$reminders" -eq $((campaigns * participants)) ] ||
	fail "$reminders reminders for $campaigns campaigns of $participants"
(( rss_max[1] <= rss_max[0] + 2048 )) || fail "memory grows: most" \
	"${rss_max[0]} kB in the first half, ${rss_max[1]} kB in the second"
(( fds_max[1] <= fds_max[0] + 2 )) || fail "open files grow: most" \
	"${fds_max[0]} in the first half, ${fds_max[1]} in the second"
cd / && rm -rf "$dir"
echo "soak: passed"
