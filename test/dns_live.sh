#!/bin/sh
# dns_live.sh - lib/dns.c over libunbound against a real DNS server
# (Debian's nsd) started on loopback: answers of every type, multi-string
# TXT, CNAME, NXDOMAIN, special-use names, and an unreachable server.
set -u
. "${top_srcdir:-.}/test/tap.sh"
. "${top_srcdir:-.}/test/dnsserver.sh"

check="${top_builddir:-.}/milter/authmilter-check"
# absolute: the signing below runs in another directory
zones=$(cd "${top_srcdir:-.}/test/data/dns" && pwd)
tmp=$(mktemp -d)
trap 'dns_stop; rm -rf "$tmp"' EXIT

command -v nsd >/dev/null 2>&1 ||
	tap_skip_all "nsd is not installed (apt-get install nsd)"

# DNSSEC: sign secure.test and bogus.test with fresh keys, then alter a
# signed record of bogus.test; both keys become the trust anchors.
signed=
if command -v ldns-keygen >/dev/null 2>&1 &&
	command -v ldns-signzone >/dev/null 2>&1; then
	mkdir -p "$tmp/signed"
	for z in secure.test bogus.test; do
		(cd "$tmp/signed" &&
			key=$(ldns-keygen -a ECDSAP256SHA256 -k "$z") &&
			cp "$zones/$z.zone" "$z.unsigned" &&
			ldns-signzone -f "$z.zone" "$z.unsigned" "$key" &&
			cat "$key.key" >>anchors) || break
	done
	sed -i 's|"v=spf1 ip4:192.0.2.0/24 -all"|"v=spf1 +all"|' \
		"$tmp/signed/bogus.test.zone"
	[ -f "$tmp/signed/bogus.test.zone" ] &&
		signed="$tmp/signed/secure.test.zone $tmp/signed/bogus.test.zone"
fi

# shellcheck disable=SC2086 # $signed is a list of files
dns_start "$tmp/dns" "$zones/spf.test.zone" "$zones/other.test.zone" $signed ||
	{ cat "$tmp/dns/nsd.log" 2>/dev/null; echo "# nsd would not start"; exit 99; }

live() {
	out=$("$check" --resolver "127.0.0.1@$DNS_PORT" --resolve-special-names \
		--timeout 5 "$@" 2>&1)
	rc=$?
}

live --client-ip 192.0.2.1 --mail-from a@spf.test
tap_is "pass from a TXT record served by nsd" "$rc" 0
tap_like "... ip4 matched" "$out" 'matched ip4:192\.0\.2\.0/24 in the SPF record of spf\.test'

live --client-ip 2001:db8:77::9 --mail-from a@spf.test
tap_like "include across zones, IPv6 client" "$out" 'spf=pass .*include:_spf\.other\.test|matched include:_spf\.other\.test'

live --client-ip 198.51.100.25 --mail-from a@spf.test
tap_like "mx: MX then A from nsd" "$out" 'matched mx in the SPF record of spf\.test'
live --client-ip 2001:db8:25::25 --mail-from a@spf.test
tap_like "mx: MX then AAAA from nsd" "$out" 'matched mx in the SPF record of spf\.test'

live --client-ip 203.0.113.200 --mail-from a@spf.test
tap_is "fail exits 1" "$rc" 1
tap_like "explanation TXT fetched and expanded" "$out" \
	'explanation: 203\.0\.113\.200 may not send mail for spf\.test'

live --client-ip 203.0.113.17 --mail-from a@long.spf.test
tap_like "a TXT record of several strings is joined" "$out" 'matched ip4:203\.0\.113\.17'

live --client-ip 192.0.2.1 --mail-from a@alias.spf.test
tap_like "a CNAME is followed" "$out" 'spf=pass|result pass'

live --client-ip 192.0.2.1 --mail-from a@nowhere.spf.test
tap_like "NXDOMAIN from nsd is none" "$out" 'spf=none \(nowhere\.spf\.test does not exist\)'

out=$("$check" --resolver "127.0.0.1@$DNS_PORT" --timeout 5 \
	--client-ip 192.0.2.1 --mail-from a@spf.test 2>&1)
tap_like "without --resolve-special-names, .test is answered locally (RFC 6761)" \
	"$out" 'spf=none \(spf\.test does not exist\)'

if [ -n "$signed" ]; then
	live --trust-anchor "$tmp/signed/anchors" --client-ip 192.0.2.1 \
		--mail-from a@secure.test
	tap_like "DNSSEC: a signed answer validates as secure" "$out" \
		'TXT secure\.test -> .* \(DNSSEC secure\)'
	tap_like "... and evaluates normally" "$out" 'spf=pass'
	live --trust-anchor "$tmp/signed/anchors" --client-ip 192.0.2.1 \
		--mail-from a@spf.test
	tap_like "DNSSEC: an unsigned zone is insecure, not secure" "$out" \
		'TXT spf\.test -> "v=spf1 [^"]*"$'
	live --trust-anchor "$tmp/signed/anchors" --client-ip 198.51.100.1 \
		--mail-from a@bogus.test
	tap_is "DNSSEC: a forged answer (bogus) exits 2" "$rc" 2
	tap_like "... as temperror, never as the forged +all" "$out" \
		'^spf=temperror for bogus\.test'
	tap_like "... naming the validation failure" "$out" \
		'^  no DNS answer for TXT bogus\.test \(DNSSEC bogus\)$'
	live --client-ip 198.51.100.1 --mail-from a@bogus.test
	tap_like "without validation the forged record is taken" "$out" \
		'spf=pass'
else
	for d in "secure" "secure, evaluated" "insecure" "bogus" \
		"bogus, as temperror" "bogus, named" "not validated"; do
		tap_skip "DNSSEC: $d" "ldnsutils not installed"
	done
fi

# Eight threads on one resolver: collect, cancel, time out (its own TAP
# lines, renumbered into ours).
"${top_builddir:-.}/test/dns_threads" "$DNS_PORT" >"$tmp/threads.tap" 2>&1
threads_rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) tap_result 0 "dns threads: ${line#ok [0-9]* - }" ;;
	"not ok "*) tap_result 1 "dns threads: ${line#not ok [0-9]* - }" ;;
	"# "*) echo "$line" ;;
	esac
done <"$tmp/threads.tap"
tap_is "dns threads: exits cleanly" "$threads_rc" 0
[ "$threads_rc" -eq 0 ] || tap_diag "$(cat "$tmp/threads.tap")"

# Nothing listens on port 9 of 127.0.0.2: every query times out.
start=$(date +%s)
out=$("$check" --resolver 127.0.0.2@9 --resolve-special-names --timeout 2 \
	--client-ip 192.0.2.1 --mail-from a@spf.test 2>&1)
rc=$?
took=$(($(date +%s) - start))
tap_is "unreachable resolver exits 2" "$rc" 2
tap_like "... with temperror naming the lookup" "$out" \
	'^  no DNS answer for TXT spf\.test \(timeout\)$'
tap_check "... within the timeout (took ${took}s, limit 2s + slack)" test "$took" -le 5
tap_done
