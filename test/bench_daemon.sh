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
# Then the cost of recording for DMARC reports: a second daemon with
# reports.record on, CPU per message of both measured the same way; and
# authmilter-report send over a store of 1,000,000 rows (REPORT_ROWS=N
# for another size; SQLite, and PostgreSQL when it is installed and
# BENCH_PG is not 0).
# Figures, not a test: nothing here fails on a slow machine.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/e2e/env.sh"
. "$top_srcdir/test/corpus.sh"
. "$top_srcdir/test/pgserver.sh"

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

# --- recording for DMARC reports, side by side ----------------------------
# A second daemon with the same settings and reports.record on, into
# SQLite; example.test asks for reports (rua=), so every message of the
# corpus makes a row.  The PostgreSQL server of the last part is stopped
# before corpus.sh removes $T.
trap 'pg_stop; corpus_cleanup' EXIT
e2e_port rec_port
mkdir -p "$T/rec"
chmod 777 "$T/rec"
sed "s/inet:$port@/inet:$rec_port@/" "$T/authmilter.conf" >"$T/rec.conf"
cat >>"$T/rec.conf" <<CONF
reports {
	record = true
	store = "sqlite:$T/rec/reports.db"
}
CONF
chmod 644 "$T/rec.conf"
"$top_builddir/milter/authmilter" -f -c "$T/rec.conf" >"$T/rec.log" 2>&1 &
rec_pid=$!
corpus_pids="$corpus_pids $rec_pid"
e2e_wait 20 grep -q ' listening on ' "$T/rec.log" ||
	bail "the daemon with reports would not start"
N=500 run "$rec_port" "$rec_pid" 32
echo "recording for DMARC reports (reports.record, SQLite): the daemon's CPU per message without and with it, $N messages at concurrency 32 a run, $ROUNDS rounds"
rratios=
for round in $(seq 1 "$ROUNDS"); do
	run "$port" "$am_pid" 32
	plain=$cpu
	run "$rec_port" "$rec_pid" 32
	ratio=$(awk -v a="$cpu" -v b="$plain" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
	rratios="$rratios $ratio"
	echo "  round $round: without $plain ms, with $cpu ms, ratio $ratio"
done
echo "  ratio with / without $(median $rratios) (rounds: $(spread $rratios))"
kill -TERM "$rec_pid" && wait "$rec_pid"
if command -v sqlite3 >/dev/null 2>&1; then
	echo "  rows recorded: $(sqlite3 "$T/rec/reports.db" 'SELECT count(*) FROM am_rows')" \
		"(messages sent to that daemon: $((500 + N * ROUNDS)))"
fi

# --- authmilter-report send over a big store -------------------------------
ROWS=${REPORT_ROWS:-1000000}
day=$(( ($(date +%s) / 86400 - 2) * 86400 ))

# send_bench STORE: fills STORE with $ROWS rows of one day (20 domains,
# 5000 sources), then times authmilter-report send --dry-run over them.
send_bench() {
	local start end
	"$top_builddir/test/report_fill" "$1" "$ROWS" 20 5000 "$day" |
		sed 's/^/  fill: /' || bail "report_fill $1 failed"
	cat >"$T/send.conf" <<CONF
dns {
	resolvers = {"127.0.0.1@$DNS_PORT"}
	resolve_special_names = true
}
reports {
	store = "$1"
	org_domain = "mx.bench.test"
}
CONF
	rm -rf "$T/out"
	start=$(date +%s.%N)
	"$top_builddir/milter/authmilter-report" -c "$T/send.conf" send \
		--dry-run "$T/out" --now $((day + 2 * 86400)) >"$T/send.log" 2>&1 ||
		bail "authmilter-report send failed: $(tail -n 3 "$T/send.log")"
	end=$(date +%s.%N)
	echo "  send: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s," \
		"$(ls "$T"/out/*.xml.gz | wc -l) reports," \
		"$(gzip -dc "$T"/out/*.xml.gz | grep -c '<record>') records," \
		"$(du -ck "$T"/out/*.xml.gz | tail -n 1 | cut -f1) KB gzipped"
}

echo "authmilter-report send over $ROWS rows (SQLite):"
send_bench "sqlite:$T/big.db"
if [ "${BENCH_PG:-1}" != 0 ] && pg_find && pg_start "$T/pg"; then
	echo "authmilter-report send over $ROWS rows (PostgreSQL on loopback):"
	send_bench "$PG_URI"
fi
