# 55-session.sh - what one connection may hold: several transactions and
# an RSET; the null sender, whose SPF identity is the HELO name; IPv6
# clients.

# raw_data FILE: DATA, the message (CRLF, dot-stuffed) and the final dot;
# $raw_reply is the reply to the dot.
raw_data() {
	raw_cmd DATA && [ "${raw_reply:0:3}" = 354 ] || return 1
	sed -e 's/\r$//' -e 's/^\./../' -e 's/$/\r/' "$1" >&3
	raw_cmd "."
}

# raw_envelope FROM: MAIL FROM and one RCPT, both accepted.
raw_envelope() {
	raw_cmd "MAIL FROM:<$1>" && [ "${raw_reply:0:3}" = 250 ] &&
		raw_cmd "RCPT TO:<reader@dest.test>" && [ "${raw_reply:0:3}" = 250 ]
}

message session-spoof-1 ceo@example.test 'first of four'
message session-signed news@example.test 'third of four'
signed session-signed || bail "cannot sign session-signed"
message session-spoof-2 ceo@example.test 'fourth of four'
replies=
if raw_open && raw_cmd "EHLO client.test" &&
	raw_cmd "XCLIENT ADDR=203.0.113.5 HELO=mail.example.test" &&
	raw_cmd "EHLO mail.example.test"; then
	raw_envelope x@evil.test && raw_data "$T/msg/session-spoof-1.eml"
	replies="$raw_reply"
	raw_envelope b@bounce.example.test && raw_cmd RSET
	replies="$replies|$raw_reply"
	raw_envelope bounce-123@esp.test && raw_data "$T/msg/session-signed.eml"
	replies="$replies|$raw_reply"
	raw_envelope x@evil.test && raw_data "$T/msg/session-spoof-2.eml"
	replies="$replies|$raw_reply"
	raw_cmd QUIT
	raw_close
fi
IFS='|' read -r r1 r2 r3 r4 <<<"$replies"
tap_is "one connection, four transactions: a spoof is rejected" "$r1" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"
tap_like "... a transaction ended by RSET" "$r2" '^250 2\.0\.0 Ok'
tap_like "... a signed message from the same client is accepted" "$r3" '^250 2\.0\.0 Ok: queued as '
delivered session-signed
tap_like "... headed with its own envelope, not the one reset" "$ar" \
	'spf=fail .*smtp\.mailfrom=esp\.test;.*dkim=pass .*dmarc=pass \(p=reject\) header\.from=example\.test'
tap_is "... and a spoof after the pass is rejected again" "$r4" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"

# A bounce: MAIL FROM:<>, so SPF checks the HELO name (RFC 7208 2.3) and
# DMARC aligns the From domain with it.
message bounce MAILER-DAEMON@mail.example.test 'Undelivered Mail Returned to Sender'
send bounce 192.0.2.7 '<>'
tap_like "the null sender from the HELO name's address: 250" "$reply" '^250 '
delivered bounce
tap_like "... spf=pass for smtp.helo" "$ar" \
	'spf=pass \(matched a in the SPF record of mail\.example\.test\) smtp\.helo=mail\.example\.test;'
tap_like "... dmarc=pass with the HELO identity aligned" "$ar" \
	'dmarc=pass \([^)]*\) header\.from=mail\.example\.test'
message bounce-spoof MAILER-DAEMON@example.test 'Undelivered Mail Returned to Sender'
send bounce-spoof 203.0.113.5 '<>'
tap_is "a null-sender spoof of example.test from elsewhere: rejected" "$reply" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"

# IPv6 clients.
message v6 news@example.test 'over IPv6'
send v6 IPV6:2001:db8:7::25 news@example.test
tap_like "an IPv6 client of example.test: 250" "$reply" '^250 '
delivered v6
tap_like "... iprev=pass by the ip6.arpa name (the address quoted, RFC 8601 pvalue)" "$ar" \
	'iprev=pass \(mail6\.example\.test\) policy\.iprev="2001:db8:7::25";'
tap_like "... spf=pass by ip6:" "$ar" \
	'spf=pass \(matched ip6:2001:db8:7::/48 in the SPF record of example\.test\) smtp\.mailfrom=example\.test;'
tap_like "... dmarc=pass" "$ar" 'dmarc=pass \(p=reject\) header\.from=example\.test'
message v6-spoof ceo@example.test 'over IPv6'
send v6-spoof IPV6:2001:db8:dead::1 ceo@example.test
tap_is "an IPv6 spoof: rejected" "$reply" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"
tap_check "... logged with the IPv6 address" am_logged \
	'ip=2001:db8:dead::1 from=example\.test spf=fail dmarc=fail action=reject'
