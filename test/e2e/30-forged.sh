# 30-forged.sh - incoming Authentication-Results fields that claim our
# authserv-id are removed and change nothing; others are kept.

# A spoof of example.test (p=reject) that claims we already passed it.
message forged-spoof ceo@example.test 'wire transfer' \
	'Authentication-Results: mx.test.example; dmarc=pass header.from=example.test' \
	'Authentication-Results: (forged) "MX.TEST.EXAMPLE"; dkim=pass header.d=example.test'
send forged-spoof 203.0.113.5 x@evil.test
tap_is "a spoof with a forged dmarc=pass of ours is still rejected" "$reply" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"

# A message that passes, carrying four fields: three claim our id (as
# is, in another case, quoted after a comment), one is an upstream's.
message forged news@example.test 'forged fields' \
	'Authentication-Results: mx.test.example; dkim=pass header.d=example.test' \
	'Authentication-Results: MX.Test.Example; spf=fail smtp.mailfrom=example.test' \
	'Authentication-Results: (our gateway) "mx.test.example"; dmarc=fail header.from=example.test' \
	'Authentication-Results: upstream.example; spf=pass smtp.mailfrom=upstream.example'
send forged 192.0.2.7 b@bounce.example.test
tap_like "a message with forged fields: 250" "$reply" '^250 '
delivered forged
fields=$(header Authentication-Results "$file")
tap_is "... two Authentication-Results fields delivered: ours and the upstream's" \
	"$(printf '%s\n' "$fields" | wc -l)" 2
tap_is "... ours, first" "$(printf '%s\n' "$fields" | head -n 1 | cut -d';' -f1)" \
	"Authentication-Results: mx.test.example"
tap_is "... the upstream's, unchanged" "$(printf '%s\n' "$fields" | tail -n 1)" \
	"Authentication-Results: upstream.example; spf=pass smtp.mailfrom=upstream.example"
tap_like "... our verdict is ours: no signature, aligned SPF" "$ar" \
	'spf=pass .*dkim=none \(no signature\); arc=none; dmarc=pass '

# A field name with a blank before its colon (RFC 5322 4.5.3) and an id
# that lenient readers join ("mx . test.example"): removed through
# Postfix too, which must count the fields as the daemon does, or the
# wrong one would go.
message forged-spaced news@example.test 'forged, spaced' \
	'Authentication-Results : mx . test.example; dmarc=pass header.from=example.test' \
	'Authentication-Results: upstream.example; spf=pass smtp.mailfrom=upstream.example' \
	'Authentication-Results:mx.(gw)test.example; dkim=pass header.d=example.test'
send forged-spaced 192.0.2.7 b@bounce.example.test
tap_like "blank before the colon, split ids: 250" "$reply" '^250 '
delivered forged-spaced
tap_is "... no field claiming our id is delivered but ours" \
	"$(tr -d '\r' <"$file" | grep -c -i -E '^Authentication-Results[ \t]*:[ \t]*mx[ .(]')" 1
tap_is "... the upstream's is kept" \
	"$(header Authentication-Results "$file" | grep -c -F 'upstream.example; spf=pass')" 1
