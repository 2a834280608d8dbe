# corpus.sh - the messages that test/milterbench and test/milterabuse
# send to the daemon, and the daemon that gets them (sourced by
# test/bench_daemon.sh, test/soak.sh and test/abuse.sh, after
# dnsserver.sh and e2e/env.sh).  The messages are made at run time
# against the DNS of test/data/e2e/test.zone, served by nsd.
#
#   corpus_dns DIR      makes the key of sel._domainkey.example.test and
#                       writes DIR/zones/*.zone (the test zones with it)
#   corpus_make DIR     writes the messages under DIR/msg/ and the corpus
#                       files DIR/everyday.corpus (the everyday case: a
#                       5 KB newsletter signed by its domain, SPF, DKIM
#                       and DMARC pass) and DIR/mixed.corpus (signed and
#                       unsigned, pass, fail, quarantine and reject, from
#                       300 bytes to 100 KB)
#   corpus_daemon NAME [SETTING...]
#                       a scratch directory $T (/tmp/authmilter-NAME.*),
#                       the corpus in it, nsd, and the daemon listening on
#                       $port (pid $am_pid, log $T/authmilter.log; each
#                       SETTING a line of its milter section); all of it
#                       stopped and removed on exit, with the pids added
#                       to $corpus_pids.  The caller's bail REASON is
#                       called when something will not start.
#   corpus_status KEY   the daemon's VmRSS, VmHWM (KB) or Threads
#   corpus_stop         SIGTERM; $rc its exit status ("timeout" when it
#                       was still running after 40 s)
#
# Needs $top_builddir/test/e2e_sign.  Corpus lines are "CLIENT_IP
# MAIL_FROM VERDICT FILE" (test/milterbench.c).

corpus_dns() {
	mkdir -p "$1/zones" || return 1
	"$top_builddir/test/e2e_sign" key 2048 sel._domainkey.example.test. \
		"$1/key" >/dev/null || return 1
	cat "$top_srcdir/test/data/e2e/test.zone" "$1/key.zone" \
		>"$1/zones/test.zone" &&
		cp "$top_srcdir"/test/data/e2e/*.arpa.zone "$1/zones/"
}

# corpus_text FROM SUBJECT LINES: a message of about 60 bytes a line.
corpus_text() {
	printf 'From: %s\nTo: reader@dest.test\nSubject: %s\n' "$1" "$2"
	printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <%s.%s@bench.test>\nMIME-Version: 1.0\n' "$3" "$RANDOM"
	printf 'Content-Type: text/plain; charset=us-ascii\n\n'
	for i in $(seq 1 "$3"); do
		printf 'Line %04d of the newsletter, long enough to look like text.\n' "$i"
	done
}

corpus_sign() {
	"$top_builddir/test/e2e_sign" sign "$1/key.pem" example.test sel "$2"
}

corpus_make() {
	local d=$1 m=$1/msg
	mkdir -p "$m" || return 1
	# the everyday case: 5.3 KB signed, from the domain's own server
	corpus_text news@example.test "November news" 78 >"$m/plain-5k.eml"
	corpus_sign "$d" "$m/plain-5k.eml" >"$m/signed-5k.eml" || return 1
	# a large one, 100 KB: two body chunks of the milter protocol
	corpus_text news@example.test "The long read" 1600 >"$m/plain-100k.eml"
	corpus_sign "$d" "$m/plain-100k.eml" >"$m/signed-100k.eml" || return 1
	# signed, then altered in transit (a tagged subject)
	sed 's/^Subject: /Subject: [EXTERNAL] /' "$m/signed-5k.eml" \
		>"$m/altered.eml"
	corpus_text news@example.test "Short note" 10 >"$m/plain-1k.eml"
	corpus_text news@other.test "Other news" 3 >"$m/other.eml"
	corpus_text news@nodmarc.test "No policy" 20 >"$m/nodmarc.eml"
	# a forged Authentication-Results claiming our authserv-id
	{
		printf 'Authentication-Results: mx.bench.test; dmarc=pass header.from=example.test\n'
		cat "$m/plain-1k.eml"
	} >"$m/forged.eml"
	# a list message from a p=reject domain: quarantined, not rejected
	{
		printf 'List-Id: <news.lists.example.net>\n'
		corpus_text news@example.test "[list] hello" 3
	} >"$m/list.eml"
	printf '192.0.2.7 <news@example.test> accept %s\n' "$m/signed-5k.eml" \
		>"$d/everyday.corpus"
	{
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/signed-5k.eml"
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/signed-100k.eml"
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/plain-1k.eml"
		printf '203.0.113.9 <news@example.test> reject %s\n' "$m/plain-1k.eml"
		printf '198.51.100.9 <b@esp.test> reject %s\n' "$m/altered.eml"
		printf '198.51.100.9 <b@esp.test> accept %s\n' "$m/signed-5k.eml"
		printf '203.0.113.9 <news@other.test> quarantine %s\n' "$m/other.eml"
		printf '192.0.2.7 <news@nodmarc.test> accept %s\n' "$m/nodmarc.eml"
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/forged.eml"
		printf '203.0.113.9 <news@example.test> quarantine %s\n' "$m/list.eml"
		printf '192.0.2.7 <> accept %s\n' "$m/signed-5k.eml"
	} >"$d/mixed.corpus"
}

am_pid=
corpus_pids=
T=

corpus_cleanup() {
	local p
	for p in $am_pid $corpus_pids; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	dns_stop
	[ -n "$T" ] && rm -rf "$T"
}

corpus_daemon() {
	local name=$1 attempt
	shift
	T=$(mktemp -d "/tmp/authmilter-$name.XXXXXX") || bail "no scratch directory"
	chmod 755 "$T"
	trap corpus_cleanup EXIT
	corpus_dns "$T" >/dev/null || bail "cannot make a DKIM key"
	corpus_make "$T" || bail "cannot make the messages"
	dns_start "$T/dns" "$T"/zones/*.zone || bail "nsd would not start"
	# A port found free can be taken by another program before the
	# daemon binds it: then another port.
	for attempt in 1 2 3; do
		corpus_start "$@" && return 0
		[ -n "$am_pid" ] && kill -KILL "$am_pid" 2>/dev/null
		am_pid=
	done
	bail "the daemon would not start"
}

# corpus_start [SETTING...]: one attempt at starting the daemon.
corpus_start() {
	local setting
	e2e_port port
	{
		printf 'milter {\n\tsocket = "inet:%s@127.0.0.1"\n' "$port"
		printf '\tauthserv_id = "mx.bench.test"\n'
		for setting in "$@"; do printf '\t%s\n' "$setting"; done
		printf '}\ndns {\n\tresolvers = {"127.0.0.1@%s"}\n' "$DNS_PORT"
		printf '\tresolve_special_names = true\n}\n'
	} >"$T/authmilter.conf"
	chmod 644 "$T/authmilter.conf"
	# The line per message is written (as in production) but not kept
	# when CORPUS_QUIET is set: a million of them would fill /tmp.
	if [ -n "${CORPUS_QUIET:-}" ]; then
		"$top_builddir/milter/authmilter" -f -c "$T/authmilter.conf" \
			> >(grep --line-buffered -v ': info: ' \
			>"$T/authmilter.log") 2>&1 &
	else
		"$top_builddir/milter/authmilter" -f -c "$T/authmilter.conf" \
			>"$T/authmilter.log" 2>&1 &
	fi
	am_pid=$!
	e2e_wait 20 corpus_settled &&
		grep -q ' listening on ' "$T/authmilter.log"
}

# The daemon listens, or has exited.
corpus_settled() {
	grep -q ' listening on ' "$T/authmilter.log" 2>/dev/null ||
		! kill -0 "$am_pid" 2>/dev/null
}

corpus_status() {
	awk -v k="$1:" '$1 == k { print $2 }' "/proc/$am_pid/status"
}

corpus_stop() {
	kill -TERM "$am_pid"
	if e2e_wait 40 gone "$am_pid"; then
		wait "$am_pid"
		rc=$?
	else
		rc=timeout
	fi
	am_pid=
}
