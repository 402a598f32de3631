#!/bin/sh
# SPDX-License-Identifier: MIT
# The filing benchmark (bench/README.md): for each N given (default
# 10000), a fresh workspace with bpf-on-bpfs loaded and N/5 participants
# (at least 200) invited, N generated replies to them, then in one run:
#   floor      bench/parse_floor: GMime parse + text parts, nothing else
#   py/1       bench/baseline.py, one durable commit per message
#   py/100     bench/baseline.py, one commit per 100 messages
#   ingest     consultd ingest MAILDIR (copy into the spool, then file)
#   fetch      consultd fetch on the same replies already in spool/inbox
# Messages per second from wall time, peak RSS of the process.
#
# usage: bench/run.sh [N...]   (from the top of the tree; make bench)
# env:   CONSULTD_BIN, PARSE_FLOOR (built by make bench), PYTHON,
#        BENCH_DIR (keep the workspaces there, and ws-N.pristine, an
#        unfiled copy to profile), BENCH_PYTHON=0 (skip py)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CONSULTD_BIN:-$top/consultd}
floor=${PARSE_FLOOR:-$top/build/bench/parse_floor}
py=${PYTHON:-python3}
base=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/consultd-bench.XXXXXX")}
[ $# -gt 0 ] || set -- 10000
mkdir -p "$base"

for f in "$bin" "$floor"; do
	[ -x "$f" ] || { echo "run.sh: '$f' not built (make bench)" >&2; exit 1; }
done

# wall seconds and peak RSS (KiB) of a command: "SECONDS KB"
measure() {
	/usr/bin/time -f '%e %M' -o "$base/time.out" "$@" > "$base/cmd.out" 2>&1 ||
	    { cat "$base/cmd.out" >&2; exit 1; }
	cat "$base/time.out"
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo "machine: $(nproc) CPU ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
    head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' \
    /proc/meminfo), $(df -h "$base" | awk 'NR == 2 { print $1 }') at $base"
echo "consultd: $bin"
printf '\n%7s %-8s %9s %8s %s\n' N run msg/s RSS_MB notes

for n in "$@"; do
	ws=$base/ws-$n
	p=$((n / 5))
	[ "$p" -ge 200 ] || p=200
	rm -rf "$ws"
	mkdir -p "$ws"
	(
		cd "$ws"
		"$bin" -q init . > /dev/null
		"$bin" -q load "$top/templates/bpf-on-bpfs" > /dev/null
		"$py" - "$p" > participants.csv <<'EOF'
import csv, sys
names = ["Ana Lúcia Ferreira", "Kwame Mensah", "Élodie Marchand",
         "Ирина Белозёрская", "王芳", "ليلى حداد", "Jörg Müller",
         "Carmen Ibargüen", "Priya Raman", "O'Neill, Margaret"]
w = csv.writer(sys.stdout)
w.writerow(["email", "name", "stakeholder_group", "language"])
for i in range(int(sys.argv[1])):
    w.writerow(["p%06d@example.org" % i, "%s %d" % (names[i % 10], i),
                "Civil society", "en"])
EOF
		"$bin" -q import bpf-on-bpfs participants.csv > /dev/null
		"$bin" -q invite bpf-on-bpfs > /dev/null
		find spool/outbox -name '*.eml' -exec cat {} + |
		    sed -n 's/^Reply-To: consult+\([a-z2-7]*\)@.*/\1/p' \
		    > tokens.txt
	)
	"$py" "$top/bench/gen_replies.py" "$ws/spool/outbox" "$n" \
	    "$ws/replies" > "$base/gen.out"
	size=$(du -sm "$ws/replies" | cut -f1)

	# Filing from the spool alone: a copy of the workspace with the
	# replies already delivered into spool/inbox/new.
	cp -a "$ws" "$ws.fetch"
	find "$ws.fetch/replies/new" -type f -exec mv -t \
	    "$ws.fetch/spool/inbox/new/" {} +
	# With BENCH_DIR, an untouched copy stays for profiling: copy it
	# again for each run (cp -a ws-N.pristine x && cd x && consultd fetch).
	[ -z "${BENCH_DIR:-}" ] || { rm -rf "$ws.pristine" &&
	    cp -a "$ws.fetch" "$ws.pristine"; }
	sync

	set -- $($floor "$ws/replies" | sed 's/[a-z_]*=//g')
	floor_rate=$(rate "$1" "$2")
	printf '%7s %-8s %9s %8s %s\n' "$n" floor "$floor_rate" "$(mb "$3")" \
	    "GMime parse + text parts; $p participants, $size MB of mail"

	py1_rate=0 py100_rate=0
	if [ "${BENCH_PYTHON:-1}" != 0 ]; then
		for every in 1 100; do
			set -- $("$py" "$top/bench/baseline.py" "$ws/py$every.db" \
			    "$ws/tokens.txt" "$ws/replies" "$every" |
			    sed 's/[a-z_]*=//g')
			r=$(rate "$1" "$2")
			[ "$every" = 1 ] && py1_rate=$r || py100_rate=$r
			printf '%7s %-8s %9s %8s %s\n' "$n" "py/$every" "$r" \
			    "$(mb "$3")" "email + sqlite3, $4 answers"
		done
	fi

	# measure exits its subshell on failure: stop here too.
	figures=$(cd "$ws" && measure "$bin" -q ingest replies) || exit 1
	set -- $figures
	ingest_rate=$(rate "$n" "$1")
	printf '%7s %-8s %9s %8s %s\n' "$n" ingest "$ingest_rate" \
	    "$(mb "$2")" "$(sed -n 's/^filed //p' "$base/cmd.out" | cut -c1-70)"

	# measure exits its subshell on failure: stop here too.
	figures=$(cd "$ws.fetch" && measure "$bin" -q fetch) || exit 1
	set -- $figures
	fetch_rate=$(rate "$n" "$1")
	printf '%7s %-8s %9s %8s %s\n' "$n" fetch "$fetch_rate" "$(mb "$2")" \
	    "filing only, replies already in spool/inbox/new"

	printf '%7s %-8s ingest/py1 %sx, ingest/py100 %sx, floor/ingest %sx, ' \
	    "$n" ratios "$(ratio "$ingest_rate" "$py1_rate")" \
	    "$(ratio "$ingest_rate" "$py100_rate")" \
	    "$(ratio "$floor_rate" "$ingest_rate")"
	printf 'floor/fetch %sx\n' "$(ratio "$floor_rate" "$fetch_rate")"
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$ws" "$ws.fetch"
done
[ -n "${BENCH_DIR:-}" ] || rm -rf "$base"
