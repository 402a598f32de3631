#!/bin/sh
# SPDX-License-Identifier: MIT
# The digest, export and report benchmark (bench/digest/README.md): a
# workspace with P participants (default 5000) x 10 questions, seeded
# through the library by bench/digest/seed.c, then each command timed
# end to end (process start, database, output written):
#   digest#1      the first digest: every answer new; queued, recorded,
#                 written to spool/outbox (two recipients)
#   digest#2      after P/10 changed answers: the next period
#   digest-dry    digest --dry-run (build and print only)
#   export-wide   export --format wide -o FILE
#   export-long   export --format long -o FILE
#   report-md     report --format md -o FILE
#   report-html   report --format html -o FILE
#   report-anon   report --format html --anonymous -o FILE
#
# usage: bench/digest/run.sh [P]   (from the top of the tree, after
#        make; BUILD picks the build folder, BENCH_DIR keeps the workspace)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
bin=$top/$build/consultd
lib=$top/$build/libconsultd.a
p=${1:-5000}
base=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/consultd-bench-digest.XXXXXX")}
ws=$base/ws

for f in "$bin" "$lib"; do
	[ -e "$f" ] || { echo "run.sh: '$f' not built (make)" >&2; exit 1; }
done
mkdir -p "$base"
cc -O2 -g -std=c11 -D_GNU_SOURCE -I"$top/include" \
    $(pkg-config --cflags gmime-3.0 sqlite3) -o "$base/seed" \
    "$top/bench/digest/seed.c" "$lib" \
    $(pkg-config --libs gmime-3.0 libcurl sqlite3) -lcsv

# wall seconds and peak RSS (KiB) of a command: "SECONDS KB"
measure() {
	/usr/bin/time -f '%e %M' -o "$base/time.out" "$@" > "$base/cmd.out" 2>&1 ||
	    { cat "$base/cmd.out" >&2; exit 1; }
	cat "$base/time.out"
}

# row NAME OUTPUT COMMAND...: times COMMAND, then shows the size of
# OUTPUT (for a digest, the newest .eml in spool/outbox).
row() {
	name=$1 out=$2
	shift 2
	# measure exits its subshell on failure: stop here too.
	figures=$(measure "$@") || exit 1
	set -- $figures
	[ -d "$out" ] && out=$(ls -1 "$out"/*-digest.eml | tail -n 1)
	size=$(stat -c %s "$out" 2>/dev/null || echo 0)
	printf '%-12s %7s %8s %10s\n' "$name" "$1" "$(($2 / 1024))" "$size"
}

echo "machine: $(nproc) CPU ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
    head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' \
    /proc/meminfo)"
rm -rf "$ws"
mkdir -p "$ws"
cd "$ws"
"$bin" -q init . > /dev/null
# measure exits its subshell on failure: stop here too.
figures=$(measure "$base/seed" "$ws" "$p") || exit 1
set -- $figures
echo "seed: $p participants x 10 questions in $1 s"
answers=$(sqlite3 consultd.db "SELECT count(*) FROM answer" 2>/dev/null ||
    echo "?")
echo "answers filed: $answers"
printf '\n%-12s %7s %8s %10s\n' run seconds RSS_MB bytes
box=$ws/spool/outbox
export CONSULTD_NOW=1796000000
row digest#1 "$box" "$bin" -q digest --to "sec@example.org,mag@example.org"
"$base/seed" "$ws" "$p" late
export CONSULTD_NOW=1796400000
row digest#2 "$box" "$bin" -q digest --to "sec@example.org,mag@example.org"
row digest-dry "$ws/dry.eml" sh -c \
    "'$bin' -q digest --dry-run --to sec@example.org > '$ws/dry.eml'"
row export-wide "$ws/wide.csv" "$bin" -q export bench --format wide \
    -o "$ws/wide.csv"
row export-long "$ws/long.csv" "$bin" -q export bench --format long \
    -o "$ws/long.csv"
row report-md "$ws/report.md" "$bin" -q report bench --format md \
    -o "$ws/report.md"
row report-html "$ws/report.html" "$bin" -q report bench --format html \
    -o "$ws/report.html"
row report-anon "$ws/anon.html" "$bin" -q report bench --format html \
    --anonymous -o "$ws/anon.html"
echo
echo "workspace kept in $ws"
