#!/bin/sh
# dns_live.sh - lib/dns.c over libunbound against a real DNS server
# (Debian's nsd) started on loopback: answers of every type, multi-string
# TXT, CNAME, NXDOMAIN, special-use names, and an unreachable server.
set -u
. "${top_srcdir:-.}/test/tap.sh"
. "${top_srcdir:-.}/test/dnsserver.sh"

check="${top_builddir:-.}/milter/authmilter-check"
zones="${top_srcdir:-.}/test/data/dns"
tmp=$(mktemp -d)
trap 'dns_stop; rm -rf "$tmp"' EXIT

command -v nsd >/dev/null 2>&1 ||
	tap_skip_all "nsd is not installed (apt-get install nsd)"
dns_start "$tmp/dns" "$zones/spf.test.zone" "$zones/other.test.zone" ||
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

# Nothing listens on port 9 of 127.0.0.2: every query times out.
start=$(date +%s)
out=$("$check" --resolver 127.0.0.2@9 --resolve-special-names --timeout 2 \
	--client-ip 192.0.2.1 --mail-from a@spf.test 2>&1)
rc=$?
took=$(($(date +%s) - start))
tap_is "unreachable resolver exits 2" "$rc" 2
tap_like "... with temperror naming the lookup" "$out" 'spf=temperror \(DNS timeout for TXT spf\.test\)'
tap_check "... within the timeout (took ${took}s, limit 2s + slack)" test "$took" -le 5
tap_done
