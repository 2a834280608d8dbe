# dnsserver.sh - a real authoritative DNS server (Debian's nsd) on
# loopback for the tests that need one (sourced).
#
#   dns_start DIR ZONE_FILE...   starts nsd serving each file's zone (its
#                                name is the file name without .zone) on
#                                127.0.0.1; sets DNS_PORT; false if nsd is
#                                missing or will not start
#   dns_stop                     stops it (call from an EXIT trap)

. "${top_srcdir:-.}/test/ports.sh"

DNS_PORT=
dns_dir=

dns_stop() {
	if [ -n "$dns_dir" ] && [ -f "$dns_dir/nsd.pid" ]; then
		kill "$(cat "$dns_dir/nsd.pid")" 2>/dev/null
		i=0
		while [ -f "$dns_dir/nsd.pid" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
}

dns_start() {
	dns_dir=$1
	shift
	command -v nsd >/dev/null 2>&1 || return 1
	mkdir -p "$dns_dir"
	for attempt in 1 2 3 4 5; do
		test_port DNS_PORT
		{
			printf 'server:\n\tip-address: 127.0.0.1\n\tport: %s\n' "$DNS_PORT"
			printf '\tusername: ""\n\tdatabase: ""\n\tserver-count: 1\n'
			printf '\tzonesdir: "%s"\n\tpidfile: "%s/nsd.pid"\n' "$dns_dir" "$dns_dir"
			printf '\tzonelistfile: "%s/zone.list"\n\txfrdfile: "%s/xfrd.state"\n' "$dns_dir" "$dns_dir"
			printf '\txfrdir: "%s"\n\tlogfile: "%s/nsd.log"\n' "$dns_dir" "$dns_dir"
			printf 'remote-control:\n\tcontrol-enable: no\n'
			for f in "$@"; do
				z=$(basename "$f" .zone)
				cp "$f" "$dns_dir/$z.zone"
				printf 'zone:\n\tname: "%s"\n\tzonefile: "%s.zone"\n' "$z" "$z"
			done
		} >"$dns_dir/nsd.conf"
		rm -f "$dns_dir/nsd.log"
		nsd -c "$dns_dir/nsd.conf" || continue
		i=0
		while [ $i -lt 50 ]; do
			grep -q 'nsd started' "$dns_dir/nsd.log" 2>/dev/null && return 0
			grep -qE 'error|cannot|failed' "$dns_dir/nsd.log" 2>/dev/null && break
			sleep 0.1
			i=$((i + 1))
		done
		dns_stop
	done
	return 1
}
