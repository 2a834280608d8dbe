# 40-policy.sh - local policy over the Domain Owner's: authenticated
# submissions and trusted networks are evaluated and headed, never
# rejected.  The same spoof from an ordinary client is the control.

message spoof ceo@example.test 'wire transfer'
send spoof 203.0.113.5 ceo@example.test
tap_is "control: a spoof of example.test from 203.0.113.5 is rejected" \
	"$reply" "550 5.7.1 The DMARC policy of example.test rejects this message"

message submission ceo@example.test 'wire transfer'
send submission 203.0.113.5 ceo@example.test --xclient-login alice
tap_like "the same, authenticated (XCLIENT LOGIN): 250" "$reply" '^250 '
qid=$(queued)
tap_check "... accepted by the rule for authenticated clients" am_logged \
	"^.*: $qid: .*action=accept rule=authenticated"
delivered submission
tap_like "... still headed with the DMARC failure" "$ar" \
	'dmarc=fail \(p=reject\) header\.from=example\.test policy\.dmarc=none'

message trusted ceo@example.test 'wire transfer'
send trusted 203.0.113.200 ceo@example.test
tap_like "the same from 203.0.113.200 (policy.trusted_networks): 250" "$reply" '^250 '
qid=$(queued)
tap_check "... accepted by the trusted-network rule" am_logged \
	"^.*: $qid: ip=203\\.0\\.113\\.200 .*action=accept rule=trusted-network"
delivered trusted
tap_like "... still headed with the DMARC failure" "$ar" 'dmarc=fail \(p=reject\)'
