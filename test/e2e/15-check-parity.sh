# 15-check-parity.sh - authmilter-check evaluates a message exactly as the
# daemon does: both build their context with am_ctx_new() from the same
# configuration file, so for the same message, envelope and DNS the
# Authentication-Results they produce are the same bytes.

CHECK=$top_builddir/milter/authmilter-check

# parity ID CLIENT MAIL_FROM: sends $T/msg/ID.eml through Postfix, then
# runs authmilter-check on the same file under the daemon's configuration
# and compares our delivered field with the one the checker prints.
parity() {
	local id=$1 client=$2 from=$3 checked
	send "$id" "$client" "$from"
	delivered "$id" || { daemon_ar=; checked_ar=; return 1; }
	daemon_ar=$(folded Authentication-Results "$file")
	checked=$("$CHECK" --config "$AM_CONF" --client-ip "$client" \
		--helo mail.example.test --mail-from "$from" "$T/msg/$id.eml")
	checked_ar=$(printf '%s\n' "$checked" | tr -d '\r' | awk '
		/^Authentication-Results:/ { keep = 1; print; next }
		keep && /^[ \t]/ { print; next }
		{ keep = 0 }')
}

message parity-esp news@example.test
signed parity-esp
parity parity-esp 198.51.100.9 bounce-123@esp.test
tap_like "parity: the ESP message is delivered with our field" "$daemon_ar" \
	'^Authentication-Results: mx\.test\.example;'
tap_is "... authmilter-check prints the same bytes (iprev, SPF, DKIM, DMARC)" \
	"$checked_ar" "$daemon_ar"

message parity-fwd news@example.test
signed parity-fwd
parity parity-fwd 203.0.113.5 news@example.test
tap_like "parity: a forwarded message (SPF fail, DKIM pass)" "$daemon_ar" \
	'spf=fail \(matched -all in the SPF record of example\.test\)'
tap_is "... the same bytes from authmilter-check" "$checked_ar" "$daemon_ar"
