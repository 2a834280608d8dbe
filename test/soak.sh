#!/bin/bash
# soak.sh - the daemon under a long mixed load (`make soak`: 1,000,000
# messages; `make check`: 20,000): test/milterbench sends the mixed
# corpus of test/corpus.sh (signed and unsigned, pass, fail, quarantine
# and reject, 300 bytes to 100 KB) over SOAK_CONNECTIONS concurrent
# connections (default 32), one connection per message, DNS from nsd on
# loopback.  After a warm-up it measures the daemon's resident memory at
# a tenth of the run and at its end: they must be within 10 % of each
# other; every message must get the verdict its corpus line expects (no
# error reply, no tempfail, no failed connection); the daemon must exit
# cleanly.  TAP, with the figures as comments.
#
#   SOAK_MESSAGES=N   messages after the warm-up (default 20000)
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/e2e/env.sh"
. "$top_srcdir/test/corpus.sh"

# Under AddressSanitizer freed blocks wait in its quarantine (256 MB):
# resident memory measures that, not the daemon, and every message costs
# four times the CPU; fewer messages, and no memory check.
sanitized=
ldd "$top_builddir/milter/authmilter" 2>/dev/null | grep -q libasan &&
	sanitized=1
N=${SOAK_MESSAGES:-${sanitized:+5000}}
N=${N:-20000}
C=${SOAK_CONNECTIONS:-32}
WARM=2000
command -v nsd >/dev/null 2>&1 || tap_skip_all "nsd is not installed (apt-get install nsd)"

bail() {
	echo "Bail out! $1"
	[ -s "$T/authmilter.log" ] && tap_diag "$(tail -n 20 "$T/authmilter.log")"
	exit 99
}
CORPUS_QUIET=1 corpus_daemon soak

# load MESSAGES: one milterbench run; sets $result (its RESULT line) and
# $bad (messages not as expected plus failed connections).
load() {
	local out
	out=$("$top_builddir/test/milterbench" -c "$C" -n "$1" -p "$am_pid" \
		127.0.0.1 "$port" "$T/mixed.corpus" 2>&1)
	printf '%s\n' "$out" | grep -v '^RESULT' | sed 's/^/# /'
	result=$(printf '%s\n' "$out" | sed -n 's/^RESULT //p')
	bad=$(printf '%s\n' "$result" |
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		     END { print (v["unexpected"] == "" ? 1 : v["unexpected"] + v["failures"]) }')
}

started=$(date +%s)
echo "# soak: $N messages of $(grep -c . "$T/mixed.corpus") kinds over $C connections, after $WARM of warm-up"
load "$WARM"
tap_is "warm-up: $WARM messages, each with its expected verdict" "$bad" 0
first=$((N / 10))
load "$first"
tap_is "the first tenth: $first messages, each with its expected verdict" "$bad" 0
rss_tenth=$(corpus_status VmRSS)
load "$((N - first))"
tap_is "the rest: $((N - first)) messages, each with its expected verdict" "$bad" 0
rss_end=$(corpus_status VmRSS)
echo "# resident memory: $rss_tenth KB after $first messages, $rss_end KB after $N, peak $(corpus_status VmHWM) KB; $(corpus_status Threads) threads; $(($(date +%s) - started)) s"
if [ -n "$sanitized" ]; then
	tap_skip "resident memory flat" "AddressSanitizer's quarantine is most of it"
else
	tap_check "resident memory after $N messages ($rss_end KB) within 10 % of that after $first ($rss_tenth KB)" \
		test "$rss_end" -le $((rss_tenth + rss_tenth / 10))
fi

corpus_stop
tap_is "SIGTERM after the soak: exit status 0" "$rc" 0
sleep 0.5 # the log's filter finishing its last lines
tap_check "no warning, error or sanitizer report in the daemon's log" \
	test -z "$(grep -E ': (warning|error): |Sanitizer|runtime error' "$T/authmilter.log")"
tap_done
