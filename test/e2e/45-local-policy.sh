# 45-local-policy.sh - the enterprise local policy (authmilter.conf(5):
# dmarc.mode, policy.forwarders, domain and pin sections, the verdict
# header, header rules) through Postfix.  Every spoof below fails DMARC
# under p=reject and comes from 203.0.113.5, an ordinary client, unless
# it says otherwise.

# Under the suite's configuration: dmarc.mode = reject (the default).
message list-spoof news@example.test 'list traffic' \
	'List-Id: Readers of example news <readers.lists.example.test>'
send list-spoof 203.0.113.5 readers-bounces@lists.example.test
tap_like "mode reject: a List-Id message failing p=reject is accepted (250)" \
	"$reply" '^250 2\.0\.0 Ok: queued as '
held list-spoof
tap_check "... the log names the rule and the sign" am_logged \
	"^.*: $qid: .*action=quarantine rule=indirect-flow reason=\".*\\(list mail: List-Id\\)\""
tap_like "... its Authentication-Results say why" \
	"$(held_header "$qid" Authentication-Results)" \
	'dmarc=fail \(p=reject; list mail: List-Id\) header\.from=example\.test policy\.dmarc=quarantine'

message nolist-spoof news@example.test 'list traffic'
send nolist-spoof 203.0.113.5 readers-bounces@lists.example.test
tap_is "... the same message without list headers is rejected" "$reply" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"
tap_check "... as a DMARC reject with no sign of indirect flow" am_logged \
	'from=example\.test .*action=reject rule=dmarc-reject reason="DMARC fail for example\.test under p=reject, no sign of indirect flow"'

# The local policy: a forwarder, a per-domain mode, a pin in a file of
# its own, the verdict header, and a header rule.
cat >"$T/pins.conf" <<PINS
pin "partner.test" {
	networks = {"192.0.2.0/24"}
	action = reject
}
PINS
chmod 644 "$T/pins.conf"
conf "$T/policy.conf" 'policy.forwarders={"198.51.100.200/32"}' \
	'policy.verdict_header="X-Test-Verdict"' 'policy.header_action=quarantine'
cat >>"$T/policy.conf" <<POLICY
domain "strict.test" {
	mode = quarantine
}
include("$T/pins.conf")
POLICY
tap_check "SIGHUP: forwarders, a domain mode, a pin, the verdict header, a header rule" \
	am_reload "$T/policy.conf"

message fwd-spoof news@example.test 'forwarded'
send fwd-spoof 198.51.100.200 news@example.test
tap_like "a client in policy.forwarders: p=reject failure accepted (250)" "$reply" '^250 '
held fwd-spoof
tap_like "... the verdict header says a reject was avoided, and why" \
	"$(held_header "$qid" X-Test-Verdict)" \
	'^X-Test-Verdict: reject-avoided; dmarc=fail; reason=forwarder$'
tap_check "... the log names the forwarder" am_logged \
	"^.*: $qid: .*rule=indirect-flow reason=\".*forwarder 198\\.51\\.100\\.200/32\\)\""

message srs-spoof news@example.test 'forwarded'
send srs-spoof 203.0.113.5 'SRS0=HHH1=TT=example.test=news@fwd.test'
tap_like "an SRS envelope sender: p=reject failure accepted (250)" "$reply" '^250 '
held srs-spoof
tap_like "... reason=srs in the verdict header" \
	"$(held_header "$qid" X-Test-Verdict)" 'reason=srs$'

message strict-spoof news@strict.test 'per-domain mode'
send strict-spoof 203.0.113.5 x@evil.test
tap_like "domain \"strict.test\" mode = quarantine over the global reject: 250" \
	"$reply" '^250 '
held strict-spoof
tap_check "... by the domain's mode" am_logged \
	"^.*: $qid: .*from=strict\\.test .*action=quarantine rule=dmarc-mode-quarantine"

message partner-wrong billing@partner.test 'invoice'
send partner-wrong 203.0.113.5 billing@partner.test
tap_like "pinned partner.test from 203.0.113.5 (outside its pin): rejected" \
	"$reply" '^550 5\.7\.1 '
tap_check "... although DMARC passed" am_logged \
	'ip=203\.0\.113\.5 from=partner\.test spf=pass .*dmarc=pass action=reject rule=pinned-sender'

message partner-right billing@partner.test 'invoice'
send partner-right 192.0.2.7 billing@partner.test
tap_like "... from 192.0.2.7 (inside it): 250" "$reply" '^250 '
delivered partner-right
tap_is "... delivered with one verdict header of the configured name" \
	"$(header X-Test-Verdict "$file")" 'X-Test-Verdict: accept; dmarc=pass; reason=dmarc'

message two-dates news@example.test 'two dates' 'Date: Sun, 22 Nov 2026 09:00:00 +0000'
send two-dates 192.0.2.7 b@bounce.example.test
tap_like "two Date fields, header_action = quarantine: 250" "$reply" '^250 '
held two-dates
tap_check "... by the header rule" am_logged \
	"^.*: $qid: .*dmarc=pass action=quarantine rule=header-rule reason=\"2 Date header fields \\(RFC 5322 allows one\\)\""

# The pin file alone changes; a reload reads it again.
sed -i 's|"192.0.2.0/24"|"192.0.2.0/24", "203.0.113.0/24"|' "$T/pins.conf"
tap_check "SIGHUP after only the included pin file changed" am_reload "$T/policy.conf"
send partner-wrong 203.0.113.5 billing@partner.test
tap_like "... partner.test from 203.0.113.5 now inside its pin: 250" "$reply" '^250 '

conf "$T/base.conf"
tap_check "SIGHUP: back to the suite's configuration" am_reload "$T/base.conf"
