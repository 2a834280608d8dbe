#!/bin/bash
# bench_daemon.sh - `make bench`, second part: the running daemon and a
# do-nothing libmilter milter (test/nullmilter: it negotiates what the
# daemon negotiates and answers accept) driven side by side by
# test/milterbench over the same corpus, one milter connection per
# message, at concurrency 1 and 32, DNS from a real nsd on loopback (its
# answers cached after the first message, as on a busy gateway).
#
# For each milter: CPU per message of the milter's process (utime +
# stime from /proc, so the load generator on the same cores does not
# count), messages per second, end of message to verdict (median, 99th
# percentile); then the ratio daemon / do-nothing of the CPU per
# message, per round and over ROUNDS rounds (default 3; BENCH_MESSAGES
# messages each, default 4000), so that a noisy machine shows as spread.
# The daemon's resident memory after each round shows a leak as growth.
# Figures, not a test: nothing here fails on a slow machine.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/e2e/env.sh"
. "$top_srcdir/test/corpus.sh"

ROUNDS=${ROUNDS:-3}
N=${BENCH_MESSAGES:-4000}

if ! command -v nsd >/dev/null 2>&1; then
	echo "daemon bench: skipped (nsd is not installed: apt-get install nsd)"
	exit 0
fi
bail() {
	echo "daemon bench: $1" >&2
	[ -s "$T/authmilter.log" ] && tail -n 5 "$T/authmilter.log" >&2
	exit 1
}
corpus_daemon bench
e2e_port null_port
"$top_builddir/test/nullmilter" "inet:$null_port@127.0.0.1" \
	>"$T/nullmilter.log" 2>&1 &
null_pid=$!
corpus_pids=$null_pid
e2e_wait 20 grep -q 'listening on ' "$T/nullmilter.log" ||
	bail "the do-nothing milter would not start"

rss() {
	corpus_status "$1"
}

# run PORT PID CONNECTIONS: one measurement; sets $cpu, $rate, $p50, $p99.
run() {
	local out
	out=$("$top_builddir/test/milterbench" -c "$3" -n "$N" -p "$2" \
		127.0.0.1 "$1" "$T/everyday.corpus") ||
		bail "milterbench $1 x $3 failed: $out"
	set -- $(printf '%s\n' "$out" | sed -n 's/^RESULT //p' | tr '=' ' ')
	while [ $# -ge 2 ]; do
		case $1 in
		cpu_ms) cpu=$2 ;; rate) rate=$2 ;;
		p50_us) p50=$2 ;; p99_us) p99=$2 ;;
		esac
		shift 2
	done
}

# median VALUES...: the middle one (the lower of two).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

spread() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'
}

echo "authmilter daemon vs do-nothing libmilter milter: $(wc -c <"$T/msg/signed-5k.eml") byte message, DKIM rsa-sha256 2048 bits, SPF+DKIM+DMARC pass, DNS from nsd on loopback, one connection per message, $N messages a run, $ROUNDS rounds"
# warm-up: caches, threads, malloc arenas
N=500 run "$port" "$am_pid" 32
N=500 run "$null_port" "$null_pid" 32
rss_warm=$(rss VmRSS)
printf '  %-6s %-5s %-10s %-9s %-10s %-10s %s\n' round conc milter \
	"ms CPU" "msgs/s" "p50 us" "p99 us"
for c in 1 32; do
	eval "ratios_$c=; am_cpus_$c=; null_cpus_$c=; am_p99_$c=; am_rate_$c="
done
for round in $(seq 1 "$ROUNDS"); do
	for c in 1 32; do
		run "$port" "$am_pid" "$c"
		am_cpu=$cpu
		printf '  %-6s %-5s %-10s %-9s %-10s %-10s %s\n' "$round" "$c" \
			authmilter "$cpu" "$rate" "$p50" "$p99"
		eval "am_cpus_$c=\"\$am_cpus_$c $cpu\"; am_p99_$c=\"\$am_p99_$c $p99\"; am_rate_$c=\"\$am_rate_$c $rate\""
		run "$null_port" "$null_pid" "$c"
		printf '  %-6s %-5s %-10s %-9s %-10s %-10s %s\n' "$round" "$c" \
			do-nothing "$cpu" "$rate" "$p50" "$p99"
		ratio=$(awk -v a="$am_cpu" -v b="$cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		eval "ratios_$c=\"\$ratios_$c $ratio\"; null_cpus_$c=\"\$null_cpus_$c $cpu\""
	done
	echo "  ... daemon resident memory after round $round: $(rss VmRSS) KB"
done
for c in 1 32; do
	eval "r=\$ratios_$c; a=\$am_cpus_$c; n=\$null_cpus_$c; p=\$am_p99_$c; q=\$am_rate_$c"
	echo "  concurrency $c: daemon $(median $a) ms CPU/message, do-nothing $(median $n); ratio $(median $r) (rounds: $(spread $r)); daemon $(median $q) msgs/s, p99 $(median $p) us"
done
echo "  daemon resident memory after warm-up $rss_warm KB, now $(rss VmRSS) KB, peak $(rss VmHWM) KB"
