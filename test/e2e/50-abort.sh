# 50-abort.sh - the client goes away in the middle of a message: Postfix
# aborts the milter transaction; the daemon keeps serving.

ok=0
if raw_open && raw_cmd "EHLO mail.example.test" &&
	raw_cmd "XCLIENT ADDR=203.0.113.5" && raw_cmd "EHLO mail.example.test" &&
	raw_cmd "MAIL FROM:<x@evil.test>" && raw_cmd "RCPT TO:<reader@dest.test>" &&
	raw_cmd "DATA" && [ "${raw_reply:0:3}" = 354 ]; then
	raw_lines "From: ceo@example.test" "To: reader@dest.test" \
		"Subject: cut short" "Message-ID: <cut@e2e.test>" "" \
		"The first half of the body"
	ok=1
fi
raw_close
tap_is "a session cut in the middle of DATA (reached DATA: 354)" "$ok" 1
tap_check "... Postfix saw the connection lost" e2e_wait 10 \
	grep -q 'lost connection after DATA' "$T/maillog"
tap_check "... the daemon still runs" kill -0 "$am_pid"
message after-cut news@example.test
send after-cut 192.0.2.7 b@bounce.example.test
tap_like "... and evaluates the next message: 250" "$reply" '^250 '
delivered after-cut
tap_like "... headed dmarc=pass" "$ar" 'dmarc=pass \(p=reject\) header\.from=example\.test'
