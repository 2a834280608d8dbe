#!/bin/sh
# check_cli.sh - authmilter-check as a user meets it: results, exit codes,
# explanations, JSON, and bad input that must give a clear message and a
# defined exit code, never a crash.
set -u
. "${top_srcdir:-.}/test/tap.sh"

check="${top_builddir:-.}/milter/authmilter-check"
data="${top_srcdir:-.}/test/data"
zone="$data/check.zone"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: sets $out (stdout+stderr) and $rc
run() {
	out=$("$check" "$@" 2>&1)
	rc=$?
}

run --zone "$zone" --client-ip 192.0.2.9 --mail-from a@example.com \
	--authserv-id mx.test "$data/plain.eml"
tap_is "spf pass exits 0" "$rc" 0
tap_like "prints the Authentication-Results header" "$out" \
	'^Authentication-Results: mx\.test;$'
tap_like "A-R carries spf=pass and smtp.mailfrom" "$out" \
	'spf=pass .*smtp\.mailfrom=example\.com|smtp\.mailfrom=example\.com'
tap_like "explains which mechanism matched" "$out" \
	'matched ip4:192\.0\.2\.0/24 in the SPF record of example\.com'
tap_like "counts DNS-querying terms" "$out" 'DNS-querying terms: 0 of 10'
tap_like "reports the message size" "$out" 'header bytes, 12 body bytes'

run --zone "$zone" --client-ip 198.51.100.7 --mail-from a@example.com
tap_is "spf fail exits 1" "$rc" 1
tap_like "fail shows the domain's explanation" "$out" \
	"explanation: 198\.51\.100\.7 is not one of example\.com's senders"
tap_like "steps show the include and its lookup count" "$out" \
	'include:_spf\.example\.net \(DNS term 1 of 10\)'

run --zone "$zone" --client-ip 198.51.100.7 --mail-from a@soft.example.org
tap_is "spf softfail exits 1" "$rc" 1
run --zone "$zone" --client-ip 198.51.100.7 --mail-from a@broken.example.org
tap_is "spf permerror exits 1" "$rc" 1
tap_like "permerror names the include without a record" "$out" \
	'permerror \(include:nothing\.example\.org'
run --zone "$zone" --client-ip 198.51.100.7 --mail-from a@slow.example.org
tap_is "DNS timeout exits 2 (temperror)" "$rc" 2
tap_like "temperror says what timed out" "$out" 'no DNS answer for TXT slow\.example\.org \(timeout\)'
run --zone "$zone" --client-ip 198.51.100.7 --mail-from a@nowhere.example.org
tap_is "no SPF record exits 0 (none)" "$rc" 0

run --zone "$zone" --client-ip 192.0.2.9 "$data/plain.eml"
tap_like "without --mail-from the Return-Path is the envelope sender" "$out" \
	'sender bounce@example\.com'
run --zone "$zone" --client-ip 192.0.2.25 --helo mail.example.com \
	--mail-from '<>'
tap_like "null sender checks postmaster@HELO" "$out" \
	'sender postmaster@mail\.example\.com'
printf 'From: a@soft.example.org\n\nhi\n' >"$tmp/nodmarc.eml"
run --zone "$zone" "$tmp/nodmarc.eml"
tap_like "without --client-ip SPF is not evaluated, and says so" "$out" \
	'spf: not evaluated: no client address'
tap_is "... and that is not a failure" "$rc" 0

run --zone "$zone" --client-ip 2001:db8::1 --mail-from a@example.com --json
tap_is "--json exits like text" "$rc" 0
printf '%s\n' "$out" >"$tmp/out.json"
if command -v python3 >/dev/null 2>&1; then
	tap_check "--json output is valid JSON" python3 -m json.tool "$tmp/out.json"
fi
tap_like "--json carries the result" "$out" '"result": "pass"'
tap_like "--json carries the steps" "$out" '"steps": \['

# DMARC and local policy through the checker.
printf 'From: CEO <ceo@example.com>\nSubject: pay\n\nnow\n' >"$tmp/spoof.eml"
run --zone "$zone" --client-ip 198.51.100.7 --mail-from x@evil.example \
	"$tmp/spoof.eml"
tap_is "a spoof under p=reject exits 1" "$rc" 1
tap_like "... says it would be rejected, and why" "$out" \
	'^action: reject \(dmarc-reject\): DMARC fail for example\.com under p=reject'
tap_like "... explains each identifier" "$out" \
	'dmarc=fail: SPF none for evil\.example; no DKIM signature'
tap_like "... prints the verdict line" "$out" '^verdict: reject; dmarc=fail; reason=dmarc$'
run --zone "$zone" --client-ip 198.51.100.7 --mail-from x@evil.example \
	--auth alice "$tmp/spoof.eml"
tap_like "--auth: an authenticated client is not rejected" "$out" \
	'^action: accept \(authenticated\): would reject'
tap_like "... and the verdict says what was avoided" "$out" \
	'^verdict: reject-avoided; dmarc=fail; reason=authenticated$'
printf 'List-Id: <talk.lists.example>\n' | cat - "$tmp/spoof.eml" >"$tmp/list.eml"
run --zone "$zone" --client-ip 198.51.100.7 --mail-from x@lists.example \
	"$tmp/list.eml"
tap_like "list mail under p=reject is quarantined, not rejected" "$out" \
	'^action: quarantine \(indirect-flow\)'
tap_like "... and the A-R comment names the sign" "$out" \
	'p=reject; list mail: List-Id'
cat >"$tmp/am.conf" <<'CONF'
dmarc { mode = quarantine }
policy { single_headers = {"Subject"} header_action = reject }
pin "partner.example" { networks = {"203.0.113.0/24"} }
CONF
run --config "$tmp/am.conf" --zone "$zone" --client-ip 198.51.100.7 \
	--mail-from x@evil.example "$tmp/spoof.eml"
tap_like "--config: dmarc.mode quarantine applies" "$out" \
	'^action: quarantine \(dmarc-mode-quarantine\)'
printf 'From: a@partner.example\nSubject: x\n\ny\n' >"$tmp/partner.eml"
run --config "$tmp/am.conf" --zone "$zone" --client-ip 198.51.100.7 \
	--mail-from a@partner.example "$tmp/partner.eml"
tap_like "--config: a pinned domain from elsewhere is rejected despite SPF pass" \
	"$out" '^action: reject \(pinned-sender\)'
printf 'From: a@partner.example\nSubject: x\nSubject: y\n\nz\n' >"$tmp/twosubj.eml"
run --config "$tmp/am.conf" --zone "$zone" --client-ip 203.0.113.4 \
	--mail-from a@partner.example "$tmp/twosubj.eml"
tap_like "--config: a repeated once-only field gets header_action" "$out" \
	'^headers: 2 Subject header fields'
tap_like "... reject here" "$out" '^action: reject \(header-rule\)'
printf 'dmarc { mode = sometimes }\n' >"$tmp/bad.conf"
run --config "$tmp/bad.conf" --zone "$zone"
tap_is "an invalid --config exits 65" "$rc" 65
tap_like "... naming file and line" "$out" 'bad\.conf:1: dmarc\.mode: "sometimes"'

# ARC (RFC 8617): a list's chain, a trusted sealer, our own seal.
sign="${top_builddir:-.}/test/e2e_sign"
"$sign" key 2048 arc._domainkey.lists.example "$tmp/list" &&
	"$sign" key ed25519 ed._domainkey.mx.test "$tmp/ours" ||
	echo "not ok - e2e_sign key failed"
cat "$zone" "$tmp/list.zone" "$tmp/ours.zone" >"$tmp/arc.zone"
"$sign" arcseal "$tmp/list.pem" lists.example arc \
	"lists.example; dmarc=pass header.from=example.com" - "$tmp/list.eml" \
	>"$tmp/sealed.eml"
run --zone "$tmp/arc.zone" --client-ip 198.51.100.7 \
	--mail-from x@lists.example "$tmp/sealed.eml"
tap_like "a list's sealed message: arc=pass in the A-R" "$out" \
	'arc=pass \(1 set, newest sealed by lists\.example\)'
tap_like "... and explained" "$out" \
	'^  oldest-pass 0; newest seal by lists\.example$'
tap_like "... an untrusted sealer changes nothing" "$out" \
	'^action: quarantine \(indirect-flow\)'
tap_like "... the steps show the keys looked up" "$out" \
	'arc +TXT arc\._domainkey\.lists\.example -> 2048-bit RSA key'
printf 'arc { trusted_sealers = {"lists.example"} }\n' >"$tmp/trust.conf"
run --config "$tmp/trust.conf" --zone "$tmp/arc.zone" \
	--client-ip 198.51.100.7 --mail-from x@lists.example "$tmp/sealed.eml"
tap_like "a trusted sealer's dmarc=pass accepts the DMARC failure" "$out" \
	'^action: accept \(arc-trusted-sealer\): DMARC fail for example\.com'
tap_like "... the verdict line says why" "$out" \
	'^verdict: reject-avoided; dmarc=fail; reason=arc \(sealer lists\.example\)$'
tap_like "... the A-R dmarc comment too" "$out" \
	'dmarc=fail \(p=reject; reason=arc \\\(sealer lists\.example\\\)\)'
tap_like "... the steps say what the sealer reported" "$out" \
	'trusted sealer lists\.example reports dmarc=pass for example\.com'
sed 's/^now$/later/' "$tmp/sealed.eml" >"$tmp/changed.eml"
run --config "$tmp/trust.conf" --zone "$tmp/arc.zone" \
	--client-ip 198.51.100.7 --mail-from x@lists.example "$tmp/changed.eml"
tap_like "the body changed after sealing: arc=fail, and why" "$out" \
	'arc=fail \(1 set\): ARC-Message-Signature i=1: the body hash did not verify'
tap_like "... and the trusted sealer no longer counts" "$out" \
	'^action: quarantine \(indirect-flow\)'
tap_is "... a fail-like exit" "$rc" 1
run --zone "$tmp/arc.zone" --json --client-ip 198.51.100.7 "$tmp/sealed.eml"
tap_like "--json carries the chain" "$out" '"arc": \{'
tap_like "... its result and sealer" "$(printf '%s\n' "$out" |
	sed -n '/"arc": {/,/}/p' | tr -d ' \n')" \
	'"result":"pass","sets":1,"reason":"1set,newestsealedbylists\.example","oldest_pass":0,"sealer":"lists\.example"'
cat >"$tmp/seal.conf" <<CONF
milter { authserv_id = "mx.test" }
arc { seal_domain = "mx.test" seal_selector = "ed" seal_key = "$tmp/ours.pem" }
CONF
run --config "$tmp/seal.conf" --zone "$tmp/arc.zone" \
	--client-ip 198.51.100.7 --mail-from x@lists.example "$tmp/sealed.eml"
tap_like "with a seal key the checker shows our set" "$out" \
	'^ARC-Seal: i=2; a=ed25519-sha256; t=[0-9]+; cv=pass; d=mx\.test; s=ed;$'
tap_like "... its AAR copies our A-R" "$out" \
	'^ARC-Authentication-Results: i=2; mx\.test;$'
# The header block as the daemon would deliver it, then the message.
printf '%s\n' "$out" | sed '/^$/,$d' | cat - "$tmp/sealed.eml" >"$tmp/twice.eml"
run --zone "$tmp/arc.zone" --client-ip 203.0.113.9 "$tmp/twice.eml"
tap_like "... and the next hop verifies both sets" "$out" \
	'arc=pass \(2 sets, newest sealed by mx\.test\)'
printf 'arc { seal_domain = "mx.test" seal_selector = "ed" seal_key = "%s" }\n' \
	"$tmp/none.pem" >"$tmp/nokey.conf"
run --config "$tmp/nokey.conf" --zone "$zone"
tap_is "a seal key that cannot be read exits 65" "$rc" 65
tap_like "... naming it" "$out" "ARC: arc seal_key $tmp/none\.pem: No such file or directory"
if openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	-out "$tmp/ec.pem" 2>/dev/null; then
	sed "s|none\.pem|ec.pem|" "$tmp/nokey.conf" >"$tmp/ec.conf"
	run --config "$tmp/ec.conf" --zone "$zone"
	tap_like "a seal key of another type is refused" "$out" \
		'is neither an RSA nor an Ed25519 key'
else
	tap_skip "a seal key of another type is refused" "openssl cannot make an EC key"
fi
printf 'arc { seal_domain = "mx.test" }\n' >"$tmp/half.conf"
run --config "$tmp/half.conf" --zone "$zone"
tap_is "seal_domain without its key and selector exits 65" "$rc" 65
tap_like "... saying they go together" "$out" 'go together'

# allow_from_domains exempts only when every Author Domain is listed
# (RFC 9989 11.5): a listed partner next to a spoofed domain exempts nothing.
printf 'policy { allow_from_domains = {"partner.example"} }\n' >"$tmp/allow.conf"
printf 'From: a@partner.example, CEO <ceo@example.com>\nSubject: pay\n\nnow\n' \
	>"$tmp/allowmix.eml"
run --config "$tmp/allow.conf" --zone "$zone" --client-ip 198.51.100.7 \
	--mail-from x@evil.example "$tmp/allowmix.eml"
tap_like "allow_from_domains: a listed author beside a spoofed one is rejected" \
	"$out" '^action: reject \(dmarc-reject\): DMARC fail for example\.com'
printf 'policy { allow_from_domains = {"partner.example", "example.com"} }\n' \
	>"$tmp/allow2.conf"
run --config "$tmp/allow2.conf" --zone "$zone" --client-ip 198.51.100.7 \
	--mail-from x@evil.example "$tmp/allowmix.eml"
tap_like "... while every author listed is exempt" "$out" \
	'^action: accept \(allow-from-domain\): would reject .*every From domain'

# RFC 6376 8.15: a signed message replayed with a second, unsigned From
# added above the signed one still verifies and passes DMARC, but a reader
# may show the added field: header_action defaults to quarantine.
if "$sign" key 2048 sel._domainkey.example.com "$tmp/k" 2>"$tmp/sign.err"; then
	cat "$zone" "$tmp/k.zone" >"$tmp/signed.zone"
	printf 'From: News <news@example.com>\nTo: r@example.net\nSubject: news\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n\nHello.\n' |
		"$sign" sign "$tmp/k.pem" example.com sel >"$tmp/signed.eml"
	{ printf 'From: IT Security <security@example.com>\n'; cat "$tmp/signed.eml"; } \
		>"$tmp/replay.eml"
	run --zone "$tmp/signed.zone" --client-ip 198.51.100.7 \
		--mail-from x@esp.example "$tmp/replay.eml"
	tap_like "replay with an added From: DKIM still passes" "$out" \
		'dkim=pass .*header\.d=example\.com'
	tap_like "... and is quarantined by default (header_action)" "$out" \
		'^action: quarantine \(header-rule\): 2 From header fields'
	# RFC 6376 3.6.1 names a bare PKCS#1 RSAPublicKey for p=; most
	# publish a SubjectPublicKeyInfo.  Both verify.
	cat "$zone" "$tmp/k.pkcs1.zone" >"$tmp/pkcs1.zone"
	run --zone "$tmp/pkcs1.zone" --client-ip 198.51.100.7 \
		--mail-from x@esp.example "$tmp/signed.eml"
	tap_like "a bare PKCS#1 RSAPublicKey in p= verifies" "$out" \
		'dkim=pass \(2048-bit key\) header\.d=example\.com'
	tap_like "... and DMARC passes by it" "$out" '^action: accept \(dmarc-pass\)'
else
	tap_skip "replay with an added From" "e2e_sign failed: $(cat "$tmp/sign.err")"
	tap_skip "a bare PKCS#1 RSAPublicKey in p= verifies" "e2e_sign failed"
fi

# Temperror the attacker controls (RFC 9989 4.10.2): with bank.co.example
# its own Organizational Domain (co.example says psd=y), the attacker's SPF
# pass for evil.co.example cannot align, whatever his SERVFAIL says.
attack="$data/attack.zone"
printf 'From: CEO <ceo@bank.co.example>\nSubject: wire\n\npay\n' >"$tmp/psd.eml"
run --zone "$attack" --client-ip 198.51.100.7 --mail-from x@evil.co.example \
	"$tmp/psd.eml"
tap_like "SERVFAIL in the attacker's _dmarc tree does not make temperror" \
	"$out" '^action: reject \(dmarc-reject\): DMARC fail for bank\.co\.example'
tap_like "... and the reason names the Organizational Domain" "$out" \
	'SPF pass for evil\.co\.example is not aligned with header\.from bank\.co\.example'
tap_is "... exit status 1 (fail), not 2 (temperror)" "$rc" 1

# IDN look-alikes (IDNA2008 with UTS #46 mapping): what a reader sees as
# bank.example or bänk.example gets that domain's p=reject; a domain that
# cannot be converted is a failure under the strictest policy.
lookalike() { # NAME FROM-DOMAIN ACTION-PATTERN
	printf 'From: CEO <ceo@%s>\nSubject: wire\n\npay\n' "$2" >"$tmp/idn.eml"
	run --zone "$attack" --client-ip 198.51.100.7 \
		--mail-from x@evil.co.example "$tmp/idn.eml"
	tap_like "$1" "$out" "$3"
}
lookalike "IDN: ban<U+00AD>k.example is bank.example, rejected" \
	"$(printf 'ban\302\255k.example')" \
	'^action: reject \(dmarc-reject\): DMARC fail for bank\.example '
lookalike "IDN: NFD ba<U+0308>nk.example is xn--bnk-qla.example, rejected" \
	"$(printf 'ba\314\210nk.example')" \
	'^action: reject \(dmarc-reject\): DMARC fail for xn--bnk-qla\.example '
lookalike "IDN: BÄNK.example is xn--bnk-qla.example, rejected" \
	"$(printf 'B\303\204NK.example')" \
	'^action: reject \(dmarc-reject\): DMARC fail for xn--bnk-qla\.example '
lookalike "IDN: a DISALLOWED code point is a failure under p=reject" \
	"$(printf 'ba\342\230\240nk.example')" \
	'^action: reject \(dmarc-reject\): DMARC fail for ba<U\+2620>nk\.example under p=reject \(assumed'

# Syntax that hides the domain: never "no Author Domain" and accept.
lookalike "a label of 64 octets is evaluated below its valid parent" \
	"0123456789012345678901234567890123456789012345678901234567890123.bank.co.example" \
	'^action: reject \(dmarc-reject\)'
tap_like "... and the reason says so" "$out" \
	'evaluated as a name that cannot exist below bank\.co\.example'
lookalike "punctuation in the top label is a failure under p=reject" \
	'bank.example}' '^action: reject \(dmarc-reject\): DMARC fail for bank\.example\} '
tap_like "... and the reason says which" "$out" \
	'no valid DNS name \(character not allowed in a domain name\) and has no valid parent'

lookalike "a control byte in the label below a PSD: p=reject, not the PSD's np=" \
	"$(printf 'bank\001.co.example')" \
	'^action: reject \(dmarc-reject\): DMARC fail for bank<U\+0001>\.co\.example under p=reject \(assumed'
tap_like "... and the reason says why" "$out" \
	"no Organizational Domain's record applies at or above co\\.example"
lookalike "a dot right after the at-sign hides nothing" '.bank.co.example' \
	'^action: reject \(dmarc-reject\): DMARC fail for \.bank\.co\.example '
printf 'From: =?utf-8?q?ceo=40bank.co.example?=\nSubject: wire\n\npay\n' \
	>"$tmp/encword.eml"
run --zone "$attack" --client-ip 198.51.100.7 --mail-from x@evil.co.example \
	"$tmp/encword.eml"
tap_like "an address hidden in an encoded-word (RFC 2047 5) is evaluated" \
	"$out" '^action: reject \(dmarc-reject\): DMARC fail for bank\.co\.example '

# A From past the stored-header limit (1 MB) is still evaluated.
{
	i=0
	pad=$(printf '%0990d' 0)
	while [ $i -lt 1100 ]; do echo "X-Pad: $pad"; i=$((i + 1)); done
	printf 'From: CEO <ceo@bank.co.example>\nSubject: wire\n\npay\n'
} >"$tmp/late.eml"
run --zone "$attack" --client-ip 198.51.100.7 --mail-from x@evil.co.example \
	"$tmp/late.eml"
tap_like "a From after 1 MB of other fields is evaluated, not 'no From'" "$out" \
	'^action: reject \(dmarc-reject\): DMARC fail for bank\.co\.example'

# Bad input: a clear message and a defined exit code.
run --client-ip 192.0.2.300
tap_is "invalid client IP exits 64" "$rc" 64
tap_like "... naming the bad address" "$out" '"192\.0\.2\.300" is not an IPv4'
run --bogus-option
tap_is "unknown option exits 64" "$rc" 64
run --zone "$zone" --resolver 127.0.0.1
tap_is "--zone with --resolver exits 64" "$rc" 64
run --zone "$zone" --timeout 0
tap_is "--timeout 0 exits 64" "$rc" 64
run --zone "$zone" "$tmp/does-not-exist.eml"
tap_is "unreadable message exits 66" "$rc" 66
tap_like "... naming the file" "$out" 'does-not-exist\.eml: No such file'
run --zone "$zone" "$tmp"
tap_is "a directory as message exits 66" "$rc" 66
run --zone "$tmp/missing.zone"
tap_is "missing zone file exits 66" "$rc" 66
printf 'ok.example TXT "v=spf1 -all"\n\nbad.example A 192.0.2.256\n' >"$tmp/bad.zone"
run --zone "$tmp/bad.zone"
tap_is "malformed zone file exits 65" "$rc" 65
tap_like "... with file and line number" "$out" 'bad\.zone: line 3: bad IPv4 address'

head -c 300000 /dev/urandom >"$tmp/garbage"
run --zone "$zone" --client-ip 192.0.2.9 --mail-from a@example.com "$tmp/garbage"
tap_is "binary garbage is evaluated, not fatal" "$rc" 0
tap_like "... and still gets a header" "$out" '^Authentication-Results: '

# 10 MB: one header block, then a body of 10 MB in 100-byte lines.
{
	cat "$data/plain.eml"
	i=0
	line=$(printf '%0100d' 0)
	while [ $i -lt 1000 ]; do echo "$line"; i=$((i + 1)); done >"$tmp/1k"
	i=0
	while [ $i -lt 100 ]; do cat "$tmp/1k"; i=$((i + 1)); done
} >"$tmp/big.eml"
run --zone "$zone" --client-ip 192.0.2.9 "$tmp/big.eml"
tap_is "a 10 MB message is evaluated" "$rc" 0
tap_like "... counting every body byte (LF becomes CRLF)" "$out" ', 10200012 body bytes'

# A single header field of 3 MB is cut, not fatal.
{ printf 'X-Huge: '; head -c 3000000 /dev/zero | tr '\0' a; printf '\n\nbody\n'; } >"$tmp/hugeheader.eml"
run --zone "$zone" --client-ip 192.0.2.9 "$tmp/hugeheader.eml"
tap_is "a 3 MB header field is survived" "$rc" 0
tap_like "... and reported as truncated" "$out" 'truncated'

run --zone "$zone" --client-ip 192.0.2.9 --mail-from a@example.com - <"$data/plain.eml"
tap_is "reads the message from standard input" "$rc" 0
tap_like "... and counts its body" "$out" '12 body bytes'
tap_done
