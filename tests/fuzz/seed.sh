#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the seed corpus of the parse fuzzer in DIR: every message of
# tests/fixtures/ (*.eml, and the extract fixtures as bodies) and every
# rfc5322 or mbox case of the peer corpora (CONSULTD_CORPORA, default
# ../shared/corpora).  Files over 64 KiB are left out: libFuzzer runs
# with -max_len=65536 and would only see their start.
#
# usage: tests/fuzz/seed.sh DIR    (run from the top of the tree)
set -eu

dir=${1:?usage: seed.sh DIR}
corpora=${CONSULTD_CORPORA:-../shared/corpora}
max=65536

mkdir -p "$dir"
n=0
add() {
	size=$(wc -c < "$1")
	[ "$size" -le "$max" ] || return 0
	# Name seeds by content so that a rerun adds nothing twice.
	sum=$(sha1sum < "$1" | cut -c1-16)
	cp "$1" "$dir/seed-$sum"
	n=$((n + 1))
}

for f in $(find tests/fixtures -type f \( -name '*.eml' -o -path \
    '*/fixtures/parse/*.txt' \) | sort); do
	add "$f"
done
if [ ! -f "$corpora/cases.tsv" ]; then
	echo "seed.sh: no peer corpora at '$corpora' (set CONSULTD_CORPORA)" >&2
	exit 1
fi
for f in $(awk -F'\t' 'NR > 1 && ($2 == "rfc5322" || $2 == "mbox") \
    { print $1 }' "$corpora/cases.tsv"); do
	add "$corpora/$f"
done
echo "seed.sh: $n seed file(s) in $dir"
