# 47-arc.sh - ARC (RFC 8617) through Postfix: a list's chain from a
# trusted sealer lets its p=reject failure through, a broken chain or an
# untrusted sealer does not, and with a seal key every message passed on
# carries our set, which an independent verifier (python3-dkim, when
# installed) accepts.  The list, lists.example.test, seals with
# $T/keys/list.pem; unknown.test with its own key; we seal as seal.test.

# listed ID SEALER: $T/msg/ID.eml as lists.example.test passes it on: a
# List-Id, a tagged subject, and SEALER's ARC set saying it saw a pass.
listed() {
	message "$1" news@example.test '[readers] November news' \
		'List-Id: Readers of example news <readers.lists.example.test>'
	"$SIGN" arcseal "$T/keys/$2.pem" "${3:-lists.example.test}" arc \
		"${3:-lists.example.test}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test" \
		- "$T/msg/$1.eml" >"$T/msg/$1.sealed" &&
		mv "$T/msg/$1.sealed" "$T/msg/$1.eml"
}

conf "$T/arc.conf" 'arc.trusted_sealers={"lists.example.test"}'
tap_check "SIGHUP: arc.trusted_sealers" am_reload "$T/arc.conf"

listed arc-trusted list
send arc-trusted 203.0.113.5 readers-bounces@lists.example.test
tap_like "a list's p=reject failure sealed by a trusted sealer: 250" \
	"$reply" '^250 2\.0\.0 Ok: queued as '
qid=$(queued)
delivered arc-trusted
tap_like "... delivered, not held" "$file" .
tap_like "... arc=pass in our A-R, with the client and oldest-pass" "$ar" \
	'arc=pass \(1 set, newest sealed by lists\.example\.test\) smtp\.remote-ip=203\.0\.113\.5 header\.oldest-pass=0;'
tap_like "... the dmarc comment names the sealer" "$ar" \
	'dmarc=fail \(p=reject; reason=arc \\\(sealer lists\.example\.test\\\)\) header\.from=example\.test policy\.dmarc=none'
tap_check "... the log names the rule" am_logged \
	"^.*: $qid: .* arc=pass .*action=accept rule=arc-trusted-sealer"

listed arc-broken list
sed -i 's/^Hello reader\.$/Hello, reader./' "$T/msg/arc-broken.eml"
send arc-broken 203.0.113.5 readers-bounces@lists.example.test
tap_like "the same with the body changed after sealing: 250" "$reply" '^250 '
held arc-broken
tap_like "... arc=fail, and why" \
	"$(held_header "$qid" Authentication-Results)" \
	'arc=fail \(ARC-Message-Signature i=1: the body hash did not verify \\\(body changed in transit\\\)\)'
tap_check "... held as list mail" am_logged \
	"^.*: $qid: .* arc=fail .*action=quarantine rule=indirect-flow"

listed arc-untrusted unknown unknown.test
send arc-untrusted 203.0.113.5 readers-bounces@lists.example.test
tap_like "a chain sealed by an untrusted sealer: 250" "$reply" '^250 '
held arc-untrusted
tap_like "... held with arc=pass" \
	"$(held_header "$qid" Authentication-Results)" \
	'arc=pass \(1 set, newest sealed by unknown\.test\)'

# Our seal: on every message passed on, after our A-R.
conf "$T/seal.conf" 'arc.trusted_sealers={"lists.example.test"}' \
	'arc.seal_domain="seal.test"' 'arc.seal_selector="rsa"' \
	"arc.seal_key=\"$T/keys/seal-rsa.pem\""
tap_check "SIGHUP: sealing as seal.test (RSA)" am_reload "$T/seal.conf"

# fields FILE: the names of the header's first five fields, without
# the X-* fields smtp-sink puts on top.
fields() {
	tr -d '\r' <"$1" | awk -F: '/^$/ { exit } /^[^ \t]/ { print $1 }' |
		grep -v '^X-' | head -n 5 | tr '\n' ' '
}

# checked FILE: authmilter-check on a delivered copy, DNS from nsd.
checked() {
	"$top_builddir/milter/authmilter-check" --config "$T/check.conf" \
		"$1" 2>&1
}
conf "$T/check.conf"

# verifies ID: python3-dkim's verdict on the delivered copy of ID.
verifies() {
	/usr/bin/python3 "$top_srcdir/test/arc_interop.py" verify \
		"$T/keys.zone" <"$file" 2>/dev/null
}
cat "$T"/keys/*.zone >"$T/keys.zone"
have_dkimpy=
/usr/bin/python3 -c 'import dkim, authres' 2>/dev/null && have_dkimpy=1

message arc-ours news@example.test
signed arc-ours
send arc-ours 192.0.2.7 b@bounce.example.test
tap_like "with seal_key: a message passed on (250)" "$reply" '^250 '
delivered arc-ours
tap_like "... delivered" "$file" .
tap_is "... our set on top (below Postfix's own Received), then our A-R" \
	"$(fields "$file")" \
	"Received ARC-Seal ARC-Message-Signature ARC-Authentication-Results Authentication-Results "
tap_like "... cv=none: there was no chain" "$(header ARC-Seal "$file")" \
	'^ARC-Seal: i=1; a=rsa-sha256; t=[0-9]+; cv=none; d=seal\.test; s=rsa; b='
tap_like "... the AAR copies our A-R" "$(header ARC-Authentication-Results "$file")" \
	'^ARC-Authentication-Results: i=1; mx\.test\.example; iprev=pass'
if [ -n "$have_dkimpy" ]; then
	tap_is "... python3-dkim accepts our set" "$(verifies)" "cv=pass success"
else
	tap_skip "... python3-dkim accepts our set" "python3-dkim is not installed"
fi
out=$(checked "$file")
tap_like "... and so do we, through nsd" "$out" \
	'arc=pass \(1 set, newest sealed by seal\.test\)'

listed arc-resealed list
send arc-resealed 203.0.113.5 readers-bounces@lists.example.test
delivered arc-resealed
tap_like "a trusted list's message is delivered with our set on its chain" "$file" .
tap_like "... i=2, cv=pass" "$(header ARC-Seal "$file" | head -n 1)" \
	'^ARC-Seal: i=2; a=rsa-sha256; t=[0-9]+; cv=pass; d=seal\.test;'
if [ -n "$have_dkimpy" ]; then
	tap_is "... python3-dkim accepts both sets" "$(verifies)" "cv=pass success"
else
	tap_skip "... python3-dkim accepts both sets" "python3-dkim is not installed"
fi

listed arc-held-sealed list
sed -i 's/^Hello reader\.$/Hello, reader./' "$T/msg/arc-held-sealed.eml"
send arc-held-sealed 203.0.113.5 readers-bounces@lists.example.test
held arc-held-sealed
tap_like "... a held message is sealed too, cv=fail over a broken chain" \
	"$(held_header "$qid" ARC-Seal | head -n 1)" \
	'^ARC-Seal: i=2; a=rsa-sha256; t=[0-9]+; cv=fail;'

message arc-rejected news@example.test
send arc-rejected 203.0.113.5 x@evil.test
tap_like "a rejected message is not passed on, nor sealed" "$reply" '^550 '

conf "$T/seal-ed.conf" 'arc.seal_domain="seal.test"' \
	'arc.seal_selector="ed"' "arc.seal_key=\"$T/keys/seal-ed.pem\""
tap_check "SIGHUP: sealing with an Ed25519 key" am_reload "$T/seal-ed.conf"
message arc-ed news@example.test
send arc-ed 192.0.2.7 b@bounce.example.test
delivered arc-ed
tap_like "... delivered" "$file" .
tap_like "... sealed ed25519-sha256" "$(header ARC-Seal "$file")" \
	'^ARC-Seal: i=1; a=ed25519-sha256;'
out=$(checked "$file")
tap_like "... which we verify through nsd" "$out" \
	'arc=pass \(1 set, newest sealed by seal\.test\)'

# A seal key that cannot be used refuses the reload, and the start.
conf "$T/badkey.conf" 'arc.seal_domain="seal.test"' \
	'arc.seal_selector="rsa"' "arc.seal_key=\"$T/keys/missing.pem\""
am_reload "$T/badkey.conf"
tap_like "SIGHUP with a seal key that cannot be read: refused, and why" \
	"$reloaded" "reload refused, the running configuration stays: ARC: arc seal_key $T/keys/missing\\.pem: No such file or directory"
message arc-after-bad news@example.test
send arc-after-bad 192.0.2.7 b@bounce.example.test
delivered arc-after-bad
tap_like "... mail still flows" "$file" .
tap_like "... sealed with the running key" "$(header ARC-Seal "$file")" \
	'a=ed25519-sha256;'
e2e_port ARC_PORT
conf "$T/badkey-start.conf" "milter.socket=\"inet:$ARC_PORT@127.0.0.1\"" \
	'status.listen=""' 'arc.seal_domain="seal.test"' \
	'arc.seal_selector="rsa"' "arc.seal_key=\"$T/keys/missing.pem\""
am_try "$T/badkey-start.conf"
tap_is "a start with that key fails (EX_CONFIG)" "$rc" 78
tap_like "... saying why" "$out" "arc seal_key $T/keys/missing\\.pem: No such file"
conf "$T/noarc.conf"
tap_check "SIGHUP: back to the suite's configuration" am_reload "$T/noarc.conf"
