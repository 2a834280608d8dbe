# 20-quarantine.sh - quarantine is Postfix's hold queue (smfi_quarantine):
# the message is accepted, held, not delivered.

message quarantine news@other.test
send quarantine 203.0.113.5 x@evil.test
tap_like "p=quarantine: accepted (250)" "$reply" '^250 2\.0\.0 Ok: queued as '
held quarantine
tap_check "... logged as quarantined" am_logged \
	"^.*: $qid: ip=203\\.0\\.113\\.5 from=other\\.test .*action=quarantine"

message testmode news@testing.test
send testmode 203.0.113.5 x@evil.test
tap_like "p=reject with t=y: accepted (250)" "$reply" '^250 '
held testmode
tap_check "... quarantined, not rejected (RFC 9989 t=y)" am_logged \
	"^.*: $qid: .*from=testing\\.test .*action=quarantine"
