#!/bin/sh
# SPDX-License-Identifier: MIT
#
# render.sh HTML PNG DOM: renders the HTML file with headless Chromium
# (Debian package chromium) the way a reader's browser or webmail would,
# writes the rendered DOM to DOM and a screenshot to PNG.  Each Chromium
# run gets a new, empty profile and no network services.  Exits non-zero,
# saying why on stderr, when Chromium is missing, cannot start or renders
# nothing: the tests that call it then fail, never skip.
set -u

if [ $# -ne 3 ]; then
	echo "usage: render.sh HTML PNG DOM" >&2
	exit 64
fi
html=$1 png=$2 dom=$3
chromium=${CHROMIUM:-/usr/bin/chromium}
width=${RENDER_WIDTH:-1000}
height=${RENDER_HEIGHT:-3000}

if [ ! -x "$chromium" ]; then
	echo "render.sh: no $chromium: install the Debian package" \
	    "chromium (make deps)" >&2
	exit 69
fi
if [ ! -r "$html" ]; then
	echo "render.sh: cannot read $html" >&2
	exit 66
fi
url="file://$(realpath "$html")"

# run WHAT ARGS...: one Chromium run in a fresh profile, its log beside
# the output; on failure the log's tail goes to stderr.
run() {
	what=$1
	shift
	profile=$(mktemp -d "${TMPDIR:-/tmp}/consultd-chromium.XXXXXX") ||
	    exit 70
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$profile" "$@" "$url" 2> "$what.log"
	rc=$?
	rm -rf "$profile"
	if [ $rc -ne 0 ]; then
		echo "render.sh: chromium ($what) failed with status $rc:" >&2
		tail -20 "$what.log" >&2
		exit 1
	fi
}

run "$dom" --dump-dom > "$dom"
if [ ! -s "$dom" ]; then
	echo "render.sh: chromium rendered an empty DOM for $html:" >&2
	tail -20 "$dom.log" >&2
	exit 1
fi
run "$png" --hide-scrollbars --window-size="$width,$height" \
    --screenshot="$png" > /dev/null
# A PNG starts with \211PNG.
if [ "$(head -c 4 "$png" 2>/dev/null | tail -c 3)" != "PNG" ]; then
	echo "render.sh: chromium wrote no PNG screenshot to $png:" >&2
	tail -20 "$png.log" >&2
	exit 1
fi
exit 0
