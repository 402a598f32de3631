#!/bin/sh
# A staged install (DESTDIR) and uninstall, as a packager would run them:
# every file lands where it should, the units pass systemd-analyze
# verify when systemd is there, and uninstall keeps only the
# configuration.  Run by `make check`.
set -eu
stage=$(mktemp -d "${TMPDIR:-/tmp}/consultd-stage.XXXXXX")
trap 'rm -rf "$stage" "$stage.err"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

make -s install DESTDIR="$stage" PREFIX=/usr >/dev/null
for f in usr/bin/consultd \
    usr/share/consultd/templates/bpf-on-bpfs/consultation.ini \
    usr/share/consultd/templates/bpf-report-feedback/consultation.ini \
    usr/share/man/man8/consultd.8 usr/share/man/man5/consultd.conf.5 \
    lib/systemd/system/consultd.service \
    lib/systemd/system/consultd-fetch.service \
    lib/systemd/system/consultd-fetch.timer etc/consultd/consultd.conf; do
	[ -e "$stage/$f" ] || fail "missing $f"
done
grep -q '^ExecStart=/usr/bin/consultd ' "$stage/lib/systemd/system/consultd.service" ||
	fail "consultd.service does not run /usr/bin/consultd"
grep -q '/usr/share/consultd/templates' "$stage/etc/consultd/consultd.conf" ||
	fail "the sample configuration does not point at the templates"
"$stage/usr/bin/consultd" --version | grep -q '^consultd ' ||
	fail "the installed binary does not run"
# The sample configuration is valid (check-config touches no path).
"$stage/usr/bin/consultd" -c "$stage/etc/consultd/consultd.conf" \
    check-config >/dev/null 2>"$stage.err" ||
	{ cat "$stage.err" >&2; fail "the sample configuration does not load"; }
# The daemon's unit: hardened to an exposure of at most 2.0.
if command -v systemd-analyze >/dev/null 2>&1; then
	exposure=$(systemd-analyze security --offline=yes \
	    "$stage/lib/systemd/system/consultd.service" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ -n "$exposure" ] || fail "systemd-analyze security gave no figure"
	awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
		fail "consultd.service exposure $exposure is above 2.0"
	echo "install test: consultd.service exposure $exposure"
fi
echo "keep me" > "$stage/etc/consultd/consultd.conf"
make -s install DESTDIR="$stage" PREFIX=/usr >/dev/null
[ "$(cat "$stage/etc/consultd/consultd.conf")" = "keep me" ] ||
	fail "install replaced an existing configuration"
make -s uninstall DESTDIR="$stage" PREFIX=/usr >/dev/null
left=$(cd "$stage" && find . -type f | sort)
[ "$left" = "./etc/consultd/consultd.conf" ] || fail "uninstall left: $left"
echo "install test: staged install and uninstall ok"
