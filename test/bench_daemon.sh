#!/bin/bash
# bench_daemon.sh - `make bench`, second part: the running daemon driven
# through the milter protocol by test/milterbench, with its DNS from a
# real nsd on loopback (cache warm after the first message, as on a busy
# gateway).  Prints throughput, the time from the end of a message to the
# verdict, and the daemon's resident memory before and after, so that a
# leak shows as growth.  Then the cost of recording for DMARC reports: a
# second daemon with reports.record on, CPU per message of both measured
# side by side, round after round; and authmilter-report send over a
# store of 1,000,000 rows (REPORT_ROWS=N for another size; SQLite, and
# PostgreSQL when it is installed).  Figures, not a test: nothing here
# fails on a slow machine.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/pgserver.sh"
. "$top_srcdir/test/e2e/env.sh"

if ! command -v nsd >/dev/null 2>&1; then
	echo "daemon bench: skipped (nsd is not installed: apt-get install nsd)"
	exit 0
fi
T=$(mktemp -d /tmp/authmilter-bench.XXXXXX)
chmod 755 "$T"
am_pid=
rec_pid=
cleanup() {
	[ -n "$am_pid" ] && kill -TERM "$am_pid" 2>/dev/null && wait "$am_pid"
	[ -n "$rec_pid" ] && kill -TERM "$rec_pid" 2>/dev/null &&
		wait "$rec_pid"
	pg_stop
	dns_stop
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "daemon bench: $1" >&2
	[ -s "$T/authmilter.log" ] && tail -n 5 "$T/authmilter.log" >&2
	exit 1
}

# The zones of the end-to-end suite and a key made now.
mkdir -p "$T/zones"
"$top_builddir/test/e2e_sign" key 2048 sel._domainkey.example.test. "$T/key" ||
	fail "cannot make a key"
cat "$top_srcdir/test/data/e2e/test.zone" "$T/key.zone" >"$T/zones/test.zone"
cp "$top_srcdir"/test/data/e2e/*.arpa.zone "$T/zones/"
dns_start "$T/dns" "$T"/zones/*.zone || fail "nsd would not start"

# A 5 KB newsletter from example.test, signed: SPF, DKIM and DMARC pass.
{
	printf 'From: news@example.test\nTo: reader@dest.test\n'
	printf 'Subject: November news\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <bench@example.test>\n\n'
	for i in $(seq 1 70); do
		printf 'Line %02d of the newsletter, long enough to look like text.\n' "$i"
	done
} >"$T/plain.eml"
"$top_builddir/test/e2e_sign" sign "$T/key.pem" example.test sel "$T/plain.eml" \
	>"$T/message.eml" || fail "cannot sign"

e2e_port port
cat >"$T/authmilter.conf" <<CONF
milter {
	socket = "inet:$port@127.0.0.1"
	authserv_id = "mx.bench.test"
}
dns {
	resolvers = {"127.0.0.1@$DNS_PORT"}
	resolve_special_names = true
}
CONF
chmod 644 "$T/authmilter.conf"
"$top_builddir/milter/authmilter" -f -c "$T/authmilter.conf" \
	>"$T/authmilter.log" 2>&1 &
am_pid=$!
e2e_wait 20 grep -q ' listening on ' "$T/authmilter.log" ||
	fail "the daemon would not start"

rss() {
	awk -v k="$1:" '$1 == k { print $2 }' "/proc/$am_pid/status"
}

# bench CONNECTIONS MESSAGES [PORT]
bench() {
	"$top_builddir/test/milterbench" 127.0.0.1 "${3:-$port}" \
		"$T/message.eml" 192.0.2.7 "$1" "$2" ||
		fail "milterbench $1 x $2 failed"
}

echo "authmilter daemon bench: $(wc -c <"$T/message.eml") byte message, DKIM rsa-sha256 2048 bits, SPF+DKIM+DMARC pass, DNS from nsd on loopback"
bench 1 50 >/dev/null
rss_warm=$(rss VmRSS)
bench 1 2000
bench 8 500
bench 32 100
echo "  daemon resident memory after warm-up      $rss_warm KB"
echo "  ... after 9200 messages                   $(rss VmRSS) KB"
# The same load again: memory that keeps growing round after round is a
# leak; what was taken once is threads' stacks and malloc arenas.
# ROUNDS=N for a longer look (default 5).
for round in $(seq 1 ${ROUNDS:-5}); do
	bench 32 100 >/dev/null
	echo "  ... after another 3200 (round $round)         $(rss VmRSS) KB"
done
echo "  peak                                      $(rss VmHWM) KB"

# --- recording for DMARC reports, side by side ----------------------------
# The same configuration with reports.record on, into SQLite; example.test
# asks for reports (rua=), so every message makes a row.
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
e2e_wait 20 grep -q ' listening on ' "$T/rec.log" ||
	fail "the daemon with reports would not start"
bench 1 50 "$rec_port" >/dev/null

# ticks PID: CPU the process has used (user + system), in clock ticks.
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# cpu_pair: the same load (8 connections x 500 messages) on both daemons
# at the same time, so that whatever else the machine does weighs on
# both alike; sets $plain and $rec to microseconds of each daemon's CPU
# per message.
cpu_pair() {
	local a b pa pb
	a=$(ticks "$am_pid")
	b=$(ticks "$rec_pid")
	bench 8 500 "$port" >/dev/null &
	pa=$!
	bench 8 500 "$rec_port" >/dev/null &
	pb=$!
	wait "$pa" "$pb"
	plain=$(( ($(ticks "$am_pid") - a) * 1000000 / $(getconf CLK_TCK) / 4000 ))
	rec=$(( ($(ticks "$rec_pid") - b) * 1000000 / $(getconf CLK_TCK) / 4000 ))
}

echo "recording for reports (reports.record, SQLite): CPU per message of each daemon, the same 8 x 500 messages on both at once, each round:"
ratios=
for round in $(seq 1 ${CPU_ROUNDS:-7}); do
	cpu_pair
	ratio=$(awk -v a="$rec" -v b="$plain" 'BEGIN { printf "%.3f", a / b }')
	ratios="$ratios $ratio"
	echo "  round $round: without $plain us, with $rec us, ratio $ratio"
done
echo "  median ratio $(printf '%s\n' $ratios | sort -n |
	awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
kill -TERM "$rec_pid" && wait "$rec_pid"
rec_pid=
if command -v sqlite3 >/dev/null 2>&1; then
	echo "  rows recorded: $(sqlite3 "$T/rec/reports.db" 'SELECT count(*) FROM am_rows')" \
		"(messages sent to it: $((50 + 4000 * ${CPU_ROUNDS:-7})))"
fi

# --- authmilter-report send over a big store -------------------------------
ROWS=${REPORT_ROWS:-1000000}
day=$(( ($(date +%s) / 86400 - 2) * 86400 ))

# send_bench STORE: fills STORE with $ROWS rows of one day (20 domains,
# 5000 sources), then times authmilter-report send --dry-run over them.
send_bench() {
	local start end
	"$top_builddir/test/report_fill" "$1" "$ROWS" 20 5000 "$day" |
		sed 's/^/  fill: /' || fail "report_fill $1 failed"
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
		fail "authmilter-report send failed: $(tail -n 3 "$T/send.log")"
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
