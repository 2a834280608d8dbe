# 25-actions.sh - the other meanings of quarantine (a header, nothing),
# the dry run and the allow lists, each switched on by a reload.

message q-header news@other.test
conf "$T/q-header.conf" dmarc.quarantine=header
tap_check "SIGHUP: dmarc.quarantine = header" am_reload "$T/q-header.conf"
send q-header 203.0.113.5 x@evil.test
tap_like "quarantine = header: p=quarantine failure delivered (250)" "$reply" '^250 '
qid=$(queued)
delivered q-header
tap_is "... marked with the quarantine header, naming the rule and the domain" \
	"$(header X-Authmilter-Quarantine "$file")" \
	'X-Authmilter-Quarantine: dmarc-quarantine, From other.test'
tap_is "... and not held" "$(pf_held | grep -c "^${qid:-none}\$")" 0

message q-none news@other.test
conf "$T/q-none.conf" dmarc.quarantine=none
tap_check "SIGHUP: dmarc.quarantine = none" am_reload "$T/q-none.conf"
send q-none 203.0.113.5 x@evil.test
tap_like "quarantine = none: delivered (250)" "$reply" '^250 '
delivered q-none
tap_is "... with no quarantine header" "$(header X-Authmilter-Quarantine "$file")" ""
tap_like "... the Authentication-Results still say fail" "$ar" \
	'dmarc=fail \(p=quarantine\) header\.from=other\.test'

message dry news@example.test 'dry run'
conf "$T/dry.conf" policy.dry_run=true
tap_check "SIGHUP: policy.dry_run = true" am_reload "$T/dry.conf"
send dry 203.0.113.5 x@evil.test
tap_like "dry run: a p=reject spoof is delivered (250)" "$reply" '^250 '
qid=$(queued)
tap_check "... the log says what would have been done" am_logged \
	"^.*: $qid: .*action=accept rule=dry-run reason=\"dry run: would reject "
delivered dry
tap_like "... headed with the failure" "$ar" 'dmarc=fail \(p=reject\) header\.from=example\.test'

message allow-net news@example.test 'allowed network'
conf "$T/allow.conf" 'policy.allow_networks={"203.0.113.0/28"}' \
	'policy.allow_from_domains={"other.test"}'
tap_check "SIGHUP: allow_networks and allow_from_domains" am_reload "$T/allow.conf"
send allow-net 203.0.113.5 x@evil.test
tap_like "a spoof from a network in allow_networks: 250" "$reply" '^250 '
tap_check "... by the allow-network rule" am_logged \
	"^.*: $(queued): .*rule=allow-network "
message allow-from news@other.test 'allowed domain'
send allow-from 203.0.113.99 x@evil.test
tap_like "a p=quarantine failure of a domain in allow_from_domains: 250" "$reply" '^250 '
tap_check "... by the allow-from-domain rule, not held" am_logged \
	"^.*: $(queued): .*action=accept rule=allow-from-domain "
message allow-not news@example.test 'not allowed'
send allow-not 203.0.113.99 x@evil.test
tap_is "... a spoof of another domain from outside the network: still rejected" \
	"$reply" "550 5.7.1 The DMARC policy of example.test rejects this message"

conf "$T/base.conf"
tap_check "SIGHUP: back to the suite's configuration" am_reload "$T/base.conf"
