#!/bin/bash
# store_pg.sh - the report store on a real PostgreSQL server (a throwaway
# cluster on loopback, test/pgserver.sh): the store's unit tests again,
# then a fleet: two daemons, driven through the milter protocol by
# test/milterbench with DNS from nsd, write into one database and
# authmilter-report makes one report with both sources (validated
# against RFC 9990's schema when ../shared/reference has it); then the
# database going away: unavailable when a daemon starts, stopped while
# one runs.  Mail keeps flowing (every verdict arrives), the rows that
# cannot be kept are counted (/metrics) and logged, and once the server
# is back the daemon writes again.  SKIPs without PostgreSQL or nsd.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/pgserver.sh"
. "$top_srcdir/test/e2e/env.sh"

pg_find || tap_skip_all "PostgreSQL is not installed (apt-get install postgresql-15)"
command -v nsd >/dev/null 2>&1 || tap_skip_all "nsd is not installed (apt-get install nsd)"
if [ "$(id -u)" -eq 0 ]; then
	getent passwd postgres >/dev/null || tap_skip_all "no user postgres"
	getent passwd nobody >/dev/null || tap_skip_all "no user nobody"
fi
# The project's reference data sits beside the checkout; AM_SHARED_DIR
# points elsewhere (a worktree deeper down).
XSD=${AM_SHARED_DIR:-$top_srcdir/../shared}/reference/rfc9990-dmarc-2.0.xsd

T=$(mktemp -d /tmp/authmilter-pg.XXXXXX)
chmod 755 "$T"
pids=
cleanup() {
	local p
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	pg_stop
	dns_stop
	if [ -n "${E2E_KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

bail() {
	echo "Bail out! $1"
	for f in "$T"/pg/*.log "$T"/d*.log; do
		[ -s "$f" ] && tap_diag "--- $f" "$(tail -n 15 "$f")"
	done
	exit 99
}

pg_start "$T/pg" || bail "PostgreSQL would not start"
tap_check "the store's unit tests pass on PostgreSQL" \
	env AM_TEST_STORE="$PG_URI" "$top_builddir/test/unit_store"

# --- DNS, a signed message ------------------------------------------------
mkdir -p "$T/zones"
"$top_builddir/test/e2e_sign" key 2048 sel._domainkey.example.test. "$T/key" ||
	bail "cannot make a key"
cat "$top_srcdir/test/data/e2e/test.zone" "$T/key.zone" >"$T/zones/test.zone"
cp "$top_srcdir"/test/data/e2e/*.arpa.zone "$T/zones/"
dns_start "$T/dns" "$T"/zones/*.zone || bail "nsd would not start"
printf 'From: news@example.test\nTo: r@dest.test\nSubject: news\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <pg@example.test>\n\nHello.\n' \
	>"$T/plain.eml"
"$top_builddir/test/e2e_sign" sign "$T/key.pem" example.test sel \
	"$T/plain.eml" >"$T/signed.eml" || bail "cannot sign"

# daemon N STORE [QUEUE]: starts daemon N (its milter and status ports in
# $mport_N, $sport_N, its log $T/dN.log) recording into STORE.  A port
# found free can be taken by another program before the daemon binds it:
# then other ports.
daemon() {
	local attempt
	for attempt in 1 2 3; do
		daemon_once "$@" && return 0
		kill -KILL "$(eval echo "\$pid_$1")" 2>/dev/null
	done
	return 1
}

daemon_once() {
	local n=$1 store=$2 queue=${3:-10000} mp sp pid
	e2e_port mp
	e2e_port sp
	printf -v "mport_$n" %s "$mp"
	printf -v "sport_$n" %s "$sp"
	cat >"$T/d$n.conf" <<CONF
milter { socket = "inet:$mp@127.0.0.1" authserv_id = "mx$n.test" }
status { listen = "inet:$sp@127.0.0.1" }
dns { resolvers = {"127.0.0.1@$DNS_PORT"} resolve_special_names = true timeout = 2 }
policy { trusted_networks = {} }
reports {
	record = true
	store = "$store"
	queue_size = $queue
	org_domain = "mx.test.example"
	interval = 3600
}
CONF
	chmod 644 "$T/d$n.conf"
	"$top_builddir/milter/authmilter" -f -c "$T/d$n.conf" >"$T/d$n.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	printf -v "pid_$n" %s "$pid"
	e2e_wait 20 grep -q -E ' listening on |cannot open the milter socket' \
		"$T/d$n.log" && grep -q ' listening on ' "$T/d$n.log"
}

# mail N CLIENT COUNT [FILE [VERDICT]]: COUNT messages (MAIL FROM
# news@example.test, FILE the signed one) to daemon N from CLIENT; true
# when every one got VERDICT (accept).
mail() {
	local port
	port=$(eval echo "\$mport_$1")
	printf '%s <news@example.test> %s %s\n' "$2" "${5:-accept}" \
		"${4:-$T/signed.eml}" >"$T/corpus"
	"$top_builddir/test/milterbench" -c 1 -n "$3" 127.0.0.1 "$port" \
		"$T/corpus" >>"$T/bench.log" 2>&1
}

# metric N NAME: a sample of daemon N's /metrics.
metric_of() {
	STATUS_PORT=$(eval echo "\$sport_$1")
	http GET /metrics
	metric "$2"
}

# metric_ge N NAME VALUE: daemon N's sample NAME is at least VALUE.
metric_ge() {
	local v
	v=$(metric_of "$1" "$2")
	[ "${v:-0}" -ge "$3" ]
}

# accounted N COUNT: daemon N wrote or counted as lost COUNT rows.
accounted() {
	local w e q
	w=$(metric_of "$1" 'authmilter_report_rows_total{outcome="written"}')
	e=$(metric_of "$1" 'authmilter_report_rows_total{outcome="store_error"}')
	q=$(metric_of "$1" 'authmilter_report_rows_total{outcome="queue_full"}')
	[ $((${w:-0} + ${e:-0} + ${q:-0})) -eq "$2" ]
}

rows_are() {
	[ "$(rows)" = "$1" ]
}

rows() {
	"$top_builddir/milter/authmilter-report" -c "$T/d1.conf" show --json \
		--hours 48 2>/dev/null | python3 -c '
import json, sys
print(sum(d["messages"] for d in json.load(sys.stdin)["domains"]))' 2>/dev/null
}

# --- a fleet: two daemons, one database, one report ---------------------
daemon 1 "$PG_URI" || bail "daemon 1 would not start"
daemon 2 "$PG_URI" || bail "daemon 2 would not start"
tap_check "two daemons migrate one database at once" \
	e2e_wait 10 grep -q 'reports: recording into postgresql://' "$T/d2.log"
tap_check "daemon 1: 6 messages from 192.0.2.7 get their verdicts" \
	mail 1 192.0.2.7 6
tap_check "daemon 2: 4 messages from 192.0.2.8 get their verdicts" \
	mail 2 192.0.2.8 4
tap_check "daemon 2: 3 failing messages from 203.0.113.9 are rejected" \
	mail 2 203.0.113.9 3 "$T/plain.eml" reject
e2e_wait 10 rows_are 13
tap_is "the rows of both daemons are in the database" "$(rows)" 13
now=$(date +%s)
"$top_builddir/milter/authmilter-report" -c "$T/d1.conf" send \
	--dry-run "$T/out" --now $((now + 7200)) >"$T/send.log" 2>&1
tap_is "authmilter-report send --dry-run: exit 0" "$?" 0
reports=$(ls "$T"/out/*.xml.gz 2>/dev/null | wc -l)
tap_is "... one report for example.test" "$reports" 1
f=$(ls "$T"/out/*.xml.gz 2>/dev/null | head -n 1)
xml=$(gzip -dc "$f" 2>/dev/null)
tap_like "... named mx.test.example!example.test!BEGIN!END.xml.gz" \
	"${f##*/}" '^mx\.test\.example!example\.test![0-9]+![0-9]+\.xml\.gz$'
tap_like "... with the source of daemon 1" "$xml" '<source_ip>192\.0\.2\.7</source_ip>'
tap_like "... and the source of daemon 2" "$xml" '<source_ip>192\.0\.2\.8</source_ip>'
total=$(printf '%s\n' "$xml" | sed -n 's/.*<count>\([0-9]*\)<\/count>.*/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
tap_is "... counting all 13 messages" "$total" 13
if [ -f "$XSD" ] && command -v xmllint >/dev/null 2>&1; then
	printf '%s\n' "$xml" >"$T/report.xml"
	tap_check "... valid against RFC 9990's schema" \
		xmllint --noout --schema "$XSD" "$T/report.xml"
else
	tap_skip "... valid against RFC 9990's schema" \
		"no $XSD or no xmllint (apt-get install libxml2-utils)"
fi

# --- the database goes away while daemon 1 runs --------------------------
before=$(metric_of 1 'authmilter_report_rows_total{outcome="written"}')
pg_pause || bail "PostgreSQL would not stop"
tap_check "database stopped: 5 messages still get their verdicts" \
	mail 1 192.0.2.7 5
tap_check "... the lost rows are logged" \
	e2e_wait 15 grep -qE 'reports: ([0-9]+ report rows lost|cannot open the store)' "$T/d1.log"
tap_is "... the store is reported down" \
	"$(metric_of 1 'authmilter_report_store_up')" 0
pg_resume || bail "PostgreSQL would not start again"
tap_check "database back: the daemon reconnects" \
	e2e_wait 70 grep -q 'the store is back' "$T/d1.log"
tap_check "... 2 more messages get their verdicts" mail 1 192.0.2.7 2
tap_check "... and are written" e2e_wait 10 metric_ge 1 \
	'authmilter_report_rows_total{outcome="written"}' $((${before:-0} + 2))
tap_check "... every row was written or counted as lost (6+5+2)" \
	e2e_wait 10 accounted 1 13

# --- unavailable when the daemon starts -----------------------------------
e2e_port dead
daemon 3 "postgresql://authmilter@127.0.0.1:$dead/authmilter?connect_timeout=2" 2 ||
	bail "daemon 3 would not start"
tap_check "no database at start: the daemon starts and says why" \
	grep -q 'reports: cannot open the store: postgresql://authmilter@127.0.0.1' "$T/d3.log"
tap_check "... 6 messages get their verdicts" mail 3 192.0.2.7 6
tap_check "... rows past reports.queue_size (2) are counted as dropped" \
	e2e_wait 5 metric_ge 3 'authmilter_report_rows_total{outcome="queue_full"}' 4
tap_check "... and logged" e2e_wait 5 grep -q 'report rows dropped: the queue is full' "$T/d3.log"
for n in 1 2 3; do
	tap_check "daemon $n: no sanitizer report" am_log_clean "$T/d$n.log"
done
tap_done
