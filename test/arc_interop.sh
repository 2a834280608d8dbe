#!/bin/sh
# arc_interop.sh - ARC against an independent implementation: python3-dkim
# (dkimpy, with python3-authres), installed from Debian at test time
# (contrib/quickstart.sh's TEST_PACKAGES).  Chains it seals verify with
# us; our seals verify with it (cv=pass); chains mixing both verify with
# both; a body changed after sealing fails with both.  Ed25519 runs when
# the installed dkimpy implements it for ARC (1.1.4 does not: its ARC
# knows rsa-sha256 only), and says SKIP otherwise.
set -u
. "${top_srcdir:-.}/test/tap.sh"

py=/usr/bin/python3
helper="${top_srcdir:-.}/test/arc_interop.py"
check="${top_builddir:-.}/milter/authmilter-check"
sign="${top_builddir:-.}/test/e2e_sign"
[ -x "$py" ] && "$py" -c 'import dkim, authres' 2>/dev/null ||
	tap_skip_all "python3-dkim and python3-authres are not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$sign" key 2048 py._domainkey.lists.example "$tmp/py" &&
	"$sign" key 2048 rsa._domainkey.mx.test "$tmp/rsa" &&
	"$sign" key ed25519 ed._domainkey.mx.test "$tmp/ed" ||
	tap_skip_all "e2e_sign could not make keys"
cat "$tmp/py.zone" "$tmp/rsa.zone" "$tmp/ed.zone" >"$tmp/keys.zone"
for alg in rsa ed; do
	cat >"$tmp/$alg.conf" <<CONF
milter { authserv_id = "mx.test" }
arc { seal_domain = "mx.test" seal_selector = "$alg" seal_key = "$tmp/$alg.pem" }
CONF
done
cat >"$tmp/msg.eml" <<'MSG'
Authentication-Results: lists.example; spf=pass smtp.mailfrom=example.com;
	dkim=pass header.d=example.com; dmarc=pass header.from=example.com
From: Alice <alice@example.com>
To: talk@lists.example
Subject: [talk] interop
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <interop@example.com>
List-Id: <talk.lists.example>

A body  with  spaces, 
and trailing white space.

MSG

# ours FILE CONF: FILE with the set authmilter-check would add, on top
ours() {
	"$check" --config "$2" --zone "$tmp/keys.zone" \
		--client-ip 198.51.100.7 "$1" 2>&1 | sed '/^$/,$d' >"$tmp/set"
	cat "$tmp/set" "$1"
}

"$py" "$helper" sign "$tmp/keys.zone" "$tmp/py.pem" lists.example py \
	lists.example <"$tmp/msg.eml" >"$tmp/py1.eml"
tap_like "dkimpy seals a message (i=1)" "$(cat "$tmp/py1.eml")" \
	'^ARC-Seal: i=1; cv=none; a=rsa-sha256; d=lists\.example; s=py'
out=$("$check" --zone "$tmp/keys.zone" --client-ip 198.51.100.7 \
	"$tmp/py1.eml" 2>&1)
tap_like "... its chain verifies with us" "$out" \
	'arc=pass \(1 set, newest sealed by lists\.example\)'

ours "$tmp/py1.eml" "$tmp/rsa.conf" >"$tmp/ours2.eml"
tap_like "we seal on top (i=2, RSA)" "$(cat "$tmp/ours2.eml")" \
	'^ARC-Seal: i=2; a=rsa-sha256; t=[0-9]+; cv=pass; d=mx\.test; s=rsa;'
out=$("$py" "$helper" verify "$tmp/keys.zone" <"$tmp/ours2.eml" 2>/dev/null)
tap_is "... dkimpy verifies the chain we extended" "$out" "cv=pass success"

"$py" "$helper" sign "$tmp/keys.zone" "$tmp/py.pem" lists.example py \
	mx.test <"$tmp/ours2.eml" >"$tmp/py3.eml" 2>/dev/null
tap_like "dkimpy seals on top of ours (i=3)" "$(cat "$tmp/py3.eml")" \
	'^ARC-Seal: i=3; cv=pass; a=rsa-sha256'
out=$("$check" --zone "$tmp/keys.zone" --client-ip 198.51.100.7 \
	"$tmp/py3.eml" 2>&1)
tap_like "... we verify the mixed chain" "$out" \
	'arc=pass \(3 sets, newest sealed by lists\.example\)'
tap_like "... every AMS still verifies" "$out" 'oldest-pass 0;'

grep -v '^Authentication-Results\|^	dkim=pass header.d=example.com' \
	"$tmp/msg.eml" >"$tmp/fresh.eml"
ours "$tmp/fresh.eml" "$tmp/rsa.conf" >"$tmp/ours1.eml"
out=$("$py" "$helper" verify "$tmp/keys.zone" <"$tmp/ours1.eml" 2>/dev/null)
tap_is "our first seal (i=1, RSA) verifies with dkimpy" "$out" "cv=pass success"

sed 's/^and trailing/and changed/' "$tmp/ours2.eml" >"$tmp/changed.eml"
out=$("$py" "$helper" verify "$tmp/keys.zone" <"$tmp/changed.eml" 2>/dev/null)
tap_like "a body changed after our seal fails with dkimpy too" "$out" \
	'^cv=fail Most recent ARC-Message-Signature did not validate'
out=$("$check" --zone "$tmp/keys.zone" --client-ip 198.51.100.7 \
	"$tmp/changed.eml" 2>&1)
tap_like "... and with us" "$out" 'arc=fail .*body hash did not verify'

if "$py" "$helper" algorithms | grep -qw ed25519-sha256; then
	ours "$tmp/py1.eml" "$tmp/ed.conf" >"$tmp/ed2.eml"
	out=$("$py" "$helper" verify "$tmp/keys.zone" <"$tmp/ed2.eml" 2>/dev/null)
	tap_is "our Ed25519 seal verifies with dkimpy" "$out" "cv=pass success"
else
	tap_skip "our Ed25519 seal verifies with dkimpy" \
	    "this dkimpy implements ARC for $("$py" "$helper" algorithms) only"
fi
ours "$tmp/py1.eml" "$tmp/ed.conf" >"$tmp/ed2.eml"
out=$("$check" --zone "$tmp/keys.zone" --client-ip 198.51.100.7 \
	"$tmp/ed2.eml" 2>&1)
tap_like "our Ed25519 seal on dkimpy's chain verifies with us" "$out" \
	'arc=pass \(2 sets, newest sealed by mx\.test\)'
tap_done
