#!/bin/bash
# bench_daemon.sh - `make bench`, second part: the running daemon driven
# through the milter protocol by test/milterbench, with its DNS from a
# real nsd on loopback (cache warm after the first message, as on a busy
# gateway).  Prints throughput, the time from the end of a message to the
# verdict, and the daemon's resident memory before and after, so that a
# leak shows as growth.  Figures, not a test: nothing here fails on a
# slow machine.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/e2e/env.sh"

if ! command -v nsd >/dev/null 2>&1; then
	echo "daemon bench: skipped (nsd is not installed: apt-get install nsd)"
	exit 0
fi
T=$(mktemp -d /tmp/authmilter-bench.XXXXXX)
chmod 755 "$T"
am_pid=
cleanup() {
	[ -n "$am_pid" ] && kill -TERM "$am_pid" 2>/dev/null && wait "$am_pid"
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

bench() {
	"$top_builddir/test/milterbench" 127.0.0.1 "$port" "$T/message.eml" \
		192.0.2.7 "$1" "$2" || fail "milterbench $1 x $2 failed"
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
