# 70-sighup.sh - SIGHUP while mail flows loses nothing: 40 signed messages
# in 4 concurrent streams, 6 reloads meanwhile; every message is accepted
# and delivered with our header.

for i in $(seq 1 40); do
	message "hup-$i" news@example.test "flow $i"
	signed "hup-$i" || bail "cannot sign hup-$i"
done
reloads_before=$(am_log_count 'configuration reloaded')
for s in 0 1 2 3; do
	(
		for k in $(seq 1 10); do
			i=$((s * 10 + k))
			send "hup-$i" 198.51.100.9 bounce-123@esp.test
			printf 'hup-%s %s\n' "$i" "$reply"
		done >"$T/stream-$s.replies"
	) &
	eval "stream_$s=\$!"
done
hups=0
for h in 1 2 3 4 5 6; do
	sleep 0.4
	kill -HUP "$am_pid" && hups=$((hups + 1))
done
wait "$stream_0" "$stream_1" "$stream_2" "$stream_3"
replies=$(cat "$T"/stream-*.replies)
tap_is "40 messages sent while 6 SIGHUPs arrived: 40 replies" \
	"$(printf '%s\n' "$replies" | grep -c '^hup-')" 40
tap_is "... every one 250" "$(printf '%s\n' "$replies" | grep -v '^hup-[0-9]* 250 ' || true)" ""
tap_check "... 6 reloads logged" e2e_wait 10 am_reloads_at_least $((reloads_before + hups))
e2e_wait 20 test "$(sink_count '^Message-ID: <hup-[0-9]+@e2e\.test>')" -ge 40
tap_is "... 40 delivered" "$(sink_count '^Message-ID: <hup-[0-9]+@e2e\.test>')" 40
missing=
for i in $(seq 1 40); do
	delivered "hup-$i"
	case $ar in *"dkim=pass"*"dmarc=pass"*) ;; *) missing="$missing hup-$i" ;; esac
done
tap_is "... each with our header, dkim=pass dmarc=pass" "$missing" ""
tap_check "... the daemon still runs" kill -0 "$am_pid"

# A burst: 1000 SIGHUPs back to back, in five volleys.  libmilter's own
# signal thread, were it ever handed one, would stop the milter for good.
for volley in 1 2 3 4 5; do
	for i in $(seq 1 200); do
		kill -HUP "$am_pid"
	done
	sleep 0.3
done
e2e_wait 20 am_reload_idle
message after-burst news@example.test
send after-burst 192.0.2.7 b@bounce.example.test
tap_like "after 1000 SIGHUPs in bursts the daemon still takes mail: 250" "$reply" '^250 '
delivered after-burst
tap_like "... headed" "$ar" 'dmarc=pass'
