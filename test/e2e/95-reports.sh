# 95-reports.sh - DMARC reports end to end: messages through Postfix make
# rows in the store (SQLite); authmilter-report show explains the
# failures; authmilter-report send mails the aggregate reports (RFC 9990)
# and the failure reports (RFC 9991) through Postfix's sendmail to the
# sink, where they are taken apart: gunzipped, validated against RFC
# 9990's schema (from ../shared/reference, else SKIP), counted.  A send
# that fails is sent by the next run, once; a corrupt store is a clear
# error and mail still flows.

REPORT=$top_builddir/milter/authmilter-report
XSD=${AM_SHARED_DIR:-$top_srcdir/../shared}/reference/rfc9990-dmarc-2.0.xsd
RDIR=$T/reports
mkdir -p "$RDIR"
chown nobody "$RDIR" # the daemon runs as nobody

# rconf FILE [KEY=VALUE...]: the suite's configuration with reports on.
rconf() {
	local file=$1
	shift
	conf "$file" reports.record=true \
		"reports.store=\"sqlite:$RDIR/reports.db\"" \
		'reports.org_domain="mx.test.example"' \
		'reports.org_name="authmilter e2e"' \
		'reports.from="dmarc-reports@mx.test.example"' \
		"reports.sendmail=\"/usr/sbin/sendmail -C $PF\"" \
		reports.failure_reports=true "$@"
}

# report_part FILE TYPE: the decoded body of FILE's first TYPE part;
# report_name FILE: the file name of its attachment.
report_part() {
	python3 - "$1" "$2" <<'PY'
import email, gzip, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=policy.default)
for part in m.walk():
    if part.get_content_type() == sys.argv[2]:
        data = part.get_payload(decode=True)
        if sys.argv[2] == "application/gzip":
            data = gzip.decompress(data)
        sys.stdout.write(data.decode("utf-8", "replace"))
        break
PY
}

report_name() {
	python3 - "$1" <<'PY'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=policy.default)
for part in m.walk():
    if part.get_content_type() == "application/gzip":
        print(part.get_filename())
PY
}

# sink_with PATTERN: the first delivered message with a line matching.
sink_with() {
	grep -l -E -s -- "$1" "$T"/sink/* | head -n 1
}

# counts XML: the sum of the <count> elements.
counts() {
	printf '%s\n' "$1" | sed -n 's/.*<count>\([0-9]*\)<\/count>.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}

xsd_valid() {
	printf '%s\n' "$1" >"$T/check.xml"
	xmllint --noout --schema "$XSD" "$T/check.xml"
}

rconf "$T/reports.conf"
am_stop
am_start "$T/reports.conf" || bail "authmilter with reports would not start"
# the parts before may have pointed Postfix elsewhere (90-startup.sh)
pf_milter "inet:127.0.0.1:$MILTER_PORT" || bail "Postfix would not reload"
tap_check "reports: the daemon records into the SQLite store" \
	am_logged "reports: recording into sqlite:$RDIR/reports\\.db"

# example.test (rua= only): 3 that pass, 2 spoofs (rejected), 1 list
# message (quarantined).  rep.test (p=none, fo=1): 1 that passes SPF
# unsigned, 2 that fail.
for i in 1 2 3; do
	message "rp$i" news@example.test
	signed "rp$i"
	send "rp$i" 192.0.2.7 b@bounce.example.test
done
tap_like "reports: 3 aligned messages from example.test: 250" "$reply" '^250 '
for i in 1 2; do
	message "rs$i" news@example.test
	send "rs$i" 203.0.113.5 x@evil.test
done
tap_like "... 2 spoofs: 550" "$reply" '^550 '
message rl news@example.test 'list' 'List-Id: <news.lists.test>'
send rl 203.0.113.5 owner@lists.test
tap_like "... 1 list message: 250 (held)" "$reply" '^250 '
message rr1 ceo.name@rep.test
send rr1 192.0.2.7 ceo.name@rep.test
for i in 2 3; do
	message "rr$i" ceo.name@rep.test
	send "rr$i" 203.0.113.5 x@evil.test
done
tap_like "... rep.test (p=none): delivered" "$reply" '^250 '

rows() {
	"$REPORT" -c "$T/reports.conf" show --json --hours 2 2>/dev/null |
		python3 -c '
import json, sys
d = {x["domain"]: x for x in json.load(sys.stdin)["domains"]}
print(" ".join("%s=%d/%d" % (k, d[k]["failed"], d[k]["messages"])
    for k in sorted(d)))'
}
rows_are() { [ "$(rows)" = "$1" ]; }
e2e_wait 10 rows_are "example.test=3/6 rep.test=2/3"
tap_is "reports: rows in the store (failed/messages by From domain)" "$(rows)" \
	"example.test=3/6 rep.test=2/3"
if command -v sqlite3 >/dev/null 2>&1; then
	tap_is "... 9 rows, 3 failure reports waiting (sqlite3)" \
		"$(sqlite3 "$RDIR/reports.db" 'SELECT count(*) FROM am_rows; SELECT count(*) FROM am_failures WHERE state = '"'pending'"';' | tr '\n' ' ')" \
		"9 3 "
else
	tap_skip "... 9 rows, 3 failure reports waiting (sqlite3)" "no sqlite3"
fi
out=$("$REPORT" -c "$T/reports.conf" show --hours 2 2>&1)
tap_like "show: the failing domain first, with counts" "$out" \
	'^example\.test: 3 of 6 messages failed$'
tap_like "... the source and why it failed" "$out" \
	'^ +2  203\.0\.113\.5 +SPF none for evil\.test; no DKIM signature$'

# --- send: the first attempt fails, the next sends once -------------------
later=$(($(date +%s) + 2 * 86400))
rconf "$T/false.conf" 'reports.sendmail="/bin/false"'
out=$("$REPORT" -c "$T/false.conf" send --now "$later" 2>&1)
rc=$?
tap_is "send with a sendmail that fails: exit 75 (retry later)" "$rc" 75
tap_like "... each failure is said" "$out" \
	'example\.test: report [^ ]+ to mailto:d@example\.test failed, to be sent again next run: /bin/false exited with status 1'
tap_like "... the unauthorized external destination is ignored" "$out" \
	'rep\.test: mailto:no@stranger\.test ignored: stranger\.test publishes no v=DMARC1 record'
sleep 1
tap_is "... nothing reached the sink" \
	"$(sink_count '^Subject: (Report Domain:|DMARC failure report)')" 0
out=$("$REPORT" -c "$T/reports.conf" send --now "$later" 2>&1)
rc=$?
tap_is "send through Postfix's sendmail: exit 0" "$rc" 0
tap_like "... 2 reports, 6 messages" "$out" \
	'2 reports built, 6 messages sent, 0 failed, 0 deferred, 1 destinations refused; 3 failure reports'
report_count() {
	[ "$(sink_count '^Subject: (Report Domain:|DMARC failure report)')" -ge "$1" ]
}
e2e_wait 15 report_count 6
tap_is "... all 6 delivered to the sink" \
	"$(sink_count '^Subject: (Report Domain:|DMARC failure report)')" 6
tap_is "... the aggregate report for example.test once" \
	"$(sink_count '^Subject: Report Domain: example\.test')" 1
tap_is "... the one for rep.test to rep.test and to collector.test" \
	"$(sink_count '^To: (agg@rep\.test|ext@collector\.test)$')" 2
out=$("$REPORT" -c "$T/reports.conf" send --now "$later" 2>&1)
tap_like "send again: nothing left to send" "$out" \
	'0 reports built, 0 messages sent, 0 failed'
sleep 2
tap_is "... and nothing more delivered" \
	"$(sink_count '^Subject: (Report Domain:|DMARC failure report)')" 6

# --- the aggregate report, taken apart ------------------------------------
rfile=$(sink_with '^Subject: Report Domain: example\.test')
tap_like "the Subject as RFC 9990 3.5.2 writes it" \
	"$(header Subject "$rfile")" \
	'^Subject: Report Domain: example\.test Submitter: mx\.test\.example Report-ID: <[0-9]+\.example\.test@mx\.test\.example>$'
tap_like "... the attachment named receiver!domain!begin!end.xml.gz" \
	"$(report_name "$rfile")" '^mx\.test\.example!example\.test![0-9]+![0-9]+\.xml\.gz$'
xml=$(report_part "$rfile" application/gzip)
tap_like "... it gunzips to a feedback document" "$xml" \
	'<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2\.0">'
if [ -f "$XSD" ] && command -v xmllint >/dev/null 2>&1; then
	tap_check "... valid against RFC 9990's schema" xsd_valid "$xml"
else
	tap_skip "... valid against RFC 9990's schema" \
		"no $XSD or no xmllint (apt-get install libxml2-utils)"
fi
tap_is "... counting the 6 messages from example.test" "$(counts "$xml")" 6
tap_like "... the 3 that passed" "$xml" \
	'<source_ip>192\.0\.2\.7</source_ip>'
flat=$(printf '%s' "$xml" | tr -d '\n ')
tap_like "... the 2 rejected spoofs" "$flat" \
	'<source_ip>203\.0\.113\.5</source_ip><count>2</count><policy_evaluated><disposition>reject</disposition>'
tap_like "... the list message quarantined, the reason given" "$flat" \
	'<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>mailing_list</type><comment>listmail:List-Id</comment></reason>'
tap_like "... the policy published" "$flat" \
	'<policy_published><domain>example\.test</domain><discovery_method>treewalk</discovery_method><p>reject</p>'
xml=$(report_part "$(sink_with '^To: ext@collector\.test$')" application/gzip)
if [ -f "$XSD" ] && command -v xmllint >/dev/null 2>&1; then
	tap_check "rep.test's report, at the verified external destination: valid" \
		xsd_valid "$xml"
else
	tap_skip "rep.test's report, at the verified external destination: valid" \
		"no $XSD or no xmllint"
fi
tap_is "... counting its 3 messages" "$(counts "$xml")" 3

# --- the failure reports ----------------------------------------------------
tap_is "failure reports: 3 for rep.test, to its ruf=" \
	"$(sink_count '^To: fail@rep\.test$')" 3
ffile=$(sink_with '^Subject: DMARC failure report \(dmarc\) for rep\.test from 203\.0\.113\.5')
tap_like "... multipart/report with a feedback report" \
	"$(header Content-Type "$ffile")" \
	'multipart/report; report-type=feedback-report;'
# the feedback part: its fields, up to the next boundary
fb=$(tr -d '\r' <"$ffile" | sed -n '/^Content-Type: message\/feedback-report/,/^--=_/p' |
	sed '1,/^$/d; /^--=_/d')
tap_like "... Feedback-Type auth-failure, Auth-Failure dmarc" \
	"$(printf '%s\n' "$fb" | tr '\n' '|')" \
	'Feedback-Type: auth-failure\|User-Agent: authmilter/[^|]+\|Version: 1\|Auth-Failure: dmarc\|'
tap_like "... Identity-Alignment names both" "$fb" '^Identity-Alignment: dkim, spf$'
tap_like "... the source and the domain" "$fb" '^Source-IP: 203\.0\.113\.5$'
tap_like "... the envelope sender redacted" "$fb" \
	'^Original-Mail-From: <redacted@evil\.test>$'
hdrs=$(report_part "$ffile" text/rfc822-headers)
tap_like "... the header included, the From local part redacted" "$hdrs" \
	'^From: redacted@rep\.test$'
tap_is "... the original local part nowhere" \
	"$(grep -c 'ceo\.name' "$ffile")" 0

# --- a corrupt store ------------------------------------------------------
printf 'not a database at all, but long enough to look like a file header\n' \
	>"$RDIR/bad.db"
chown nobody "$RDIR/bad.db"
rconf "$T/bad.conf" "reports.store=\"sqlite:$RDIR/bad.db\"" reports.queue_size=2
am_stop
am_start "$T/bad.conf" || bail "authmilter would not start with a corrupt store"
tap_check "corrupt SQLite file: the daemon starts and says why" \
	am_logged "reports: cannot open the store: sqlite:$RDIR/bad\\.db: file is not a database"
for i in 1 2 3 4; do
	message "rc$i" news@example.test
	signed "rc$i"
	send "rc$i" 192.0.2.7 b@bounce.example.test
done
tap_like "... mail flows: 250" "$reply" '^250 '
tap_check "... and is delivered" sink_file rc4
tap_check "... rows past the queue are dropped, and logged" \
	am_logged 'reports: [0-9]+ report rows dropped: the queue is full'
http GET /metrics
tap_like "... and counted" \
	"$(metric 'authmilter_report_rows_total{outcome="queue_full"}')" '^[1-9]'
tap_is "... the store is down" "$(metric authmilter_report_store_up)" 0
out=$("$REPORT" -c "$T/bad.conf" send 2>&1)
rc=$?
tap_is "authmilter-report send on it: exit 69" "$rc" 69
tap_like "... with a clear error" "$out" \
	"^authmilter-report: sqlite:$RDIR/bad\\.db: file is not a database\$"
am_stop
