#!/bin/bash
# abuse.sh - the daemon against a hostile MTA (test/milterabuse.c):
# truncated, oversized, garbage and misordered milter packets, a packet
# stalled halfway, connections abandoned mid-body, and 2,000 connections
# opened at once against milter.max_connections = 100.  After (or
# during) each, a well-formed message must get its verdict; the daemon
# must still run, exit cleanly on SIGTERM and log no sanitizer report.
# DNS from nsd on loopback; SKIPs without nsd.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/e2e/env.sh"
. "$top_srcdir/test/corpus.sh"

command -v nsd >/dev/null 2>&1 || tap_skip_all "nsd is not installed (apt-get install nsd)"

ABUSE=$top_builddir/test/milterabuse
CONNS=2000
LIMIT=100
TIMEOUT=3
# 2,000 connections need as many descriptors on each side.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
fds=$(ulimit -n)

bail() {
	echo "Bail out! $1"
	[ -s "$T/authmilter.log" ] && tap_diag "$(tail -n 20 "$T/authmilter.log")"
	exit 99
}
corpus_daemon abuse "max_connections = $LIMIT" "timeout = $TIMEOUT"

# abuse SCENARIO DESCRIPTION [OPTION...]: one scenario, then the daemon
# must still be running; what milterabuse saw goes into the TAP log.
abuse() {
	local scenario=$1 desc=$2 out
	shift 2
	if out=$("$ABUSE" -p "$am_pid" -t "$TIMEOUT" -l "$LIMIT" "$@" \
		127.0.0.1 "$port" "$T/everyday.corpus" "$scenario" 2>&1) &&
		kill -0 "$am_pid" 2>/dev/null; then
		tap_result 0 "$desc"
	else
		tap_result 1 "$desc"
		kill -0 "$am_pid" 2>/dev/null || out="$out (the daemon is gone)"
	fi
	[ -n "$out" ] && tap_diag "$out"
	abuse_out=$out
}

abuse truncated "packets cut short in their length or data, then closed: a message still gets its verdict"
abuse stalled "a packet stalled halfway: others are served meanwhile, and the daemon drops it within milter.timeout"
abuse oversized "packets announced at 64 KB + 2 and 2 GB, and a real 70 KB packet: the connection is closed; one of 4 GB - 1 (-1 to libmilter) is ignored; a message still gets its verdict"
abuse garbage "zero length, unknown commands, a connect without address, a header without value: a message still gets its verdict"
abuse misordered "commands out of order (MAIL, headers, end of message before connect, negotiation twice, body after the end, HELO inside a transaction, aborts): a transaction after an abort and a new message get their verdicts"
abuse mid-body "8 connections stopped mid-body and left open, then dropped: served around, and served after"
if [ "$fds" -lt $((CONNS + 200)) ]; then
	tap_skip "$CONNS connections at once" "only $fds file descriptors (ulimit -n)"
else
	abuse flood "$CONNS connections at once: $LIMIT served, the rest answered 451 at connect; a message gets 451 while they are open, its verdict once the served ones close; afterwards exactly $LIMIT are served again" -n "$CONNS"
	# The refused connections hold no thread: a connection costs one
	# only while libmilter reads it or a callback runs.
	idle=$(printf '%s\n' "$abuse_out" | sed -n 's/.* \([0-9]*\) with all of them open$/\1/p')
	tap_check "... with $CONNS connections open and idle, the daemon runs at most 40 threads (it had ${idle:-?})" \
		test "${idle:-999}" -le 40
	tap_check "... the limit is logged once (at most once a minute)" \
		test "$(grep -c 'connection limit reached' "$T/authmilter.log")" -eq 1
fi

corpus_stop
tap_is "SIGTERM after the abuse: exit status 0" "$rc" 0
tap_check "the daemon's log has no sanitizer report" am_log_clean "$T/authmilter.log"
tap_done
