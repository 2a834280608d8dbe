#!/bin/sh
# report_cli.sh - authmilter-report's command line: usage and exit codes
# (authmilter-report(1)), a store that cannot be opened, an empty store,
# the send lock held by another run.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

R=$top_builddir/milter/authmilter-report
T=$(mktemp -d /tmp/authmilter-report-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT

# run ARGS...: sets $rc and $out (standard output and error).
run() {
	out=$("$R" "$@" 2>&1)
	rc=$?
}

run
tap_is "no command: exit 64" "$rc" 64
tap_like "... with the usage" "$out" '^usage: authmilter-report '
run frobnicate
tap_is "an unknown command: exit 64" "$rc" 64
run --version
tap_like "--version" "$out" '^authmilter-report [0-9]'
printf 'reports { interval = 60 }\n' >"$T/bad.conf"
run -c "$T/bad.conf" show
tap_is "a bad configuration: exit 78" "$rc" 78
tap_like "... naming file and line" "$out" \
	"^authmilter-report: $T/bad\\.conf:1: reports\\.interval: must be 3600 to 86400\$"
printf 'reports { store = "sqlite:%s/missing/r.db" }\n' "$T" >"$T/missing.conf"
run -c "$T/missing.conf" show
tap_is "a store that cannot be opened: exit 69" "$rc" 69
tap_like "... and why" "$out" "^authmilter-report: sqlite:$T/missing/r\\.db: unable to open database file\$"

cat >"$T/ok.conf" <<CONF
dns { resolvers = {"127.0.0.1@1"} timeout = 1 }
reports { store = "sqlite:$T/r.db" org_domain = "mx.test.example" }
CONF
run -c "$T/ok.conf" show
tap_is "show on an empty store: exit 0" "$rc" 0
tap_like "... says there is nothing" "$out" '^No DMARC failures recorded since '
run -c "$T/ok.conf" show --json
tap_like "... as JSON too" "$out" '"domains": ?\[\]'
run -c "$T/ok.conf" send --dry-run "$T/out"
tap_is "send on an empty store: exit 0" "$rc" 0
tap_like "... nothing to send" "$out" '0 reports built, 0 messages written'
if command -v flock >/dev/null 2>&1; then
	out=$(flock -n "$T/r.db.lock" "$R" -c "$T/ok.conf" send 2>&1)
	rc=$?
	tap_is "send while another run holds the store: exit 75" "$rc" 75
	tap_like "... and why" "$out" 'another authmilter-report send is running'
else
	tap_skip "send while another run holds the store: exit 75" "no flock(1)"
	tap_skip "... and why" "no flock(1)"
fi
tap_done
