# 10-dmarc.sh - the scenarios of test/unit_message.c end to end: DNS from
# nsd, signatures made now, the replies Postfix gives and the headers it
# delivers.  Clients are presented with XCLIENT; example.test sends from
# 192.0.2.0/24 and publishes p=reject.

# An ESP sends for example.test with its own MAIL FROM domain and signs
# as example.test: SPF passes unaligned, DKIM passes aligned.
message esp news@example.test
signed esp
send esp 198.51.100.9 bounce-123@esp.test
tap_like "ESP MAIL FROM with aligned DKIM: 250" "$reply" '^250 2\.0\.0 Ok: queued as '
delivered esp
tap_like "... delivered with our Authentication-Results" "$ar" '.'
tap_like "... spf=pass for the ESP's domain" "$ar" \
	'spf=pass \(matched ip4:198\.51\.100\.0/24 in the SPF record of esp\.test\) smtp\.mailfrom=esp\.test;'
tap_like "... dkim=pass with the key from DNS" "$ar" \
	'dkim=pass \(2048-bit key\) header\.d=example\.test header\.s=sel'
tap_like "... dmarc=pass" "$ar" 'dmarc=pass \(p=reject\) header\.from=example\.test'
at=$(tr -d '\r' <"$file" | grep -n -m1 '^Authentication-Results:' | cut -d: -f1)
rcvd=$(tr -d '\r' <"$file" | grep -n -m1 'by mx\.test\.example (Postfix)' | cut -d: -f1)
tap_check "... above Postfix's Received field (RFC 8601 5)" test "${at:-99}" -lt "${rcvd:-0}"

# The domain's own servers with a MAIL FROM subdomain: relaxed SPF
# alignment passes; the whole header is compared with a golden copy.
message subdomain news@example.test
send subdomain 192.0.2.7 b@bounce.example.test
tap_like "custom MAIL FROM subdomain, relaxed alignment: 250" "$reply" '^250 '
delivered subdomain
tap_is "... the header exactly as rendered (golden file)" \
	"$(folded Authentication-Results "$file")" \
	"$(cat "$DATA/aligned-subdomain.authres")"

# The same under aspf=s: SPF passes, is not aligned, nothing else is.
message strict news@strict.test
send strict 192.0.2.7 b@bounce.strict.test
tap_is "aspf=s: the subdomain does not align: rejected" "$reply" \
	"550 5.7.1 The DMARC policy of strict.test rejects this message"
tap_check "... logged as a DMARC reject with SPF pass" am_logged \
	': ip=192\.0\.2\.7 from=strict\.test spf=pass dmarc=fail action=reject rule=dmarc-reject'

# A gateway tags the Subject after the signature was made.
message tagged news@example.test
signed tagged
sed -i 's/^Subject: /Subject: [EXTERNAL] /' "$T/msg/tagged.eml"
send tagged 198.51.100.9 bounce-123@esp.test
tap_is "Subject tagged after signing: DKIM fails, DMARC fails: 550 naming the domain" \
	"$reply" "550 5.7.1 The DMARC policy of example.test rejects this message"
tap_check "... the log says the signature did not verify" am_logged \
	'dkim signature 1 \(d=example\.test s=sel\): fail'

# A list appends a footer: the body hash names the change.
message footer news@example.test
signed footer
printf -- '-- \nSent through a list\n' >>"$T/msg/footer.eml"
send footer 198.51.100.9 bounce-123@esp.test
tap_like "footer added after signing: rejected" "$reply" '^550 5\.7\.1 '
tap_check "... the log names the body hash" am_logged 'body hash did not verify'

# A forwarder keeps the original MAIL FROM: SPF fails, DKIM survives.
message forwarded news@example.test
signed forwarded
send forwarded 203.0.113.5 news@example.test
tap_like "forwarded (SPF fail, DKIM intact): 250" "$reply" '^250 '
delivered forwarded
tap_like "... spf=fail" "$ar" 'spf=fail .*smtp\.mailfrom=example\.test'
tap_like "... dmarc=pass by DKIM" "$ar" 'dkim=pass .*dmarc=pass \(p=reject\) header\.from=example\.test'

# Spoofs.
message several 'a@other.test, b@example.test'
send several 203.0.113.5 x@evil.test
tap_is "From with two domains: the strictest policy (reject) applies" \
	"$reply" "550 5.7.1 The DMARC policy of example.test rejects this message"
message malformed '"CEO" <ceo@example.test'
send malformed 203.0.113.5 x@evil.test
tap_is "malformed From read leniently: rejected" "$reply" \
	"550 5.7.1 The DMARC policy of example.test rejects this message"

message nofrom news@example.test 'no author'
sed -i '/^From: /d' "$T/msg/nofrom.eml"
send nofrom 203.0.113.5 x@evil.test
tap_like "no From field: 250" "$reply" '^250 '
delivered nofrom
tap_like "... dmarc=permerror" "$ar" 'dmarc=permerror \(no From header field\)'

# sp= and np=: the policy of subdomains, and of subdomains that do not
# exist.
message sp-sub news@news.sp.test
send sp-sub 203.0.113.5 x@evil.test
tap_is "sp=reject applies to an existing subdomain" "$reply" \
	"550 5.7.1 The DMARC policy of news.sp.test rejects this message"
message sp-top news@sp.test
send sp-top 203.0.113.5 x@evil.test
tap_like "... not to the domain itself (p=none): 250" "$reply" '^250 '
delivered sp-top
tap_like "... recorded as dmarc=fail (p=none)" "$ar" 'dmarc=fail \(p=none\) header\.from=sp\.test'
message np-ghost news@ghost.np.test
send np-ghost 203.0.113.5 x@evil.test
tap_is "np=reject applies to a subdomain that does not exist" "$reply" \
	"550 5.7.1 The DMARC policy of ghost.np.test rejects this message"
message np-real news@real.np.test
send np-real 203.0.113.5 x@evil.test
tap_like "... not to one that exists (sp=none): 250" "$reply" '^250 '

# No DMARC record anywhere.
message nodmarc news@nodmarc.test
send nodmarc 192.0.2.7 news@nodmarc.test
tap_like "no DMARC record: 250" "$reply" '^250 '
delivered nodmarc
tap_like "... dmarc=none" "$ar" 'spf=pass .*dmarc=none .*header\.from=nodmarc\.test'

# An unsigned message needs no body (the daemon skips it): a large one
# arrives whole.
message big news@example.test
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "line %d of a large body, to be delivered unchanged.\n", i }' \
	>>"$T/msg/big.eml"
send big 192.0.2.7 b@bounce.example.test
tap_like "a 280 KB unsigned message: 250" "$reply" '^250 '
delivered big
tap_is "... its body delivered unchanged" "$(body "$file" | cksum)" \
	"$(body "$T/msg/big.eml" | cksum)"
