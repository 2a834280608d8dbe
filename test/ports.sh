# ports.sh - the ports the test scripts' servers listen on (sourced by
# dnsserver.sh, so by every script that starts a server).
#
#   test_port VAR   sets VAR to a random port of 127.0.0.1 below the
#                   kernel's ephemeral range (above it when the range
#                   starts too low)
#
# Never inside the ephemeral range: there a client socket of this machine
# can hold the port between the check that it is free and the bind (a
# CI run lost the end-to-end suite that way while test/abuse.sh held
# 2,000 client connections).  Callers still check that nothing answers
# and try again when the bind fails.

test_port() {
	local lo=32768 hi=60999 base span
	read -r lo hi 2>/dev/null </proc/sys/net/ipv4/ip_local_port_range
	if [ "$lo" -gt 12000 ]; then
		base=10000
		span=$((lo - base))
	else
		base=$((hi + 1))
		span=$((65536 - base))
	fi
	# eval, not printf -v: dns_live.sh runs under a POSIX sh
	eval "$1=$((base + $(od -An -N2 -tu2 /dev/urandom) % span))"
}
