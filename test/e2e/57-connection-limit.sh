# 57-connection-limit.sh - milter.max_connections through Postfix: with
# the limit at 1 and one SMTP session open (its milter connection holds
# the one slot), a second session is refused with the daemon's 451, and
# once the first is gone a new one is served.  The limit comes from a
# reload: a running daemon takes it for new connections.

conf "$T/limit.conf" milter.max_connections=1
am_reload "$T/limit.conf" || tap_diag "reload: $reloaded"
message limit-held news@example.test 'held slot'
message limit-after news@example.test 'after the slot freed'
signed limit-after || bail "cannot sign limit-after"
first=
if raw_open && raw_cmd "EHLO client.test"; then
	first=$raw_reply
	# Postfix opened its milter connection with this session.
	sleep 1
	smtp 192.0.2.7 news@example.test "$T/msg/limit-held.eml"
	tap_like "max_connections = 1, one SMTP session open: a second one gets the daemon's 451" \
		"$reply" '^451 4\.3\.2 Too many connections to the mail filter'
	raw_cmd QUIT
	raw_close
fi
tap_like "... while the first session was served" "$first" '^250 '
tap_check "... the refusal is logged" am_logged 'connection limit reached'
# Postfix lets go of the milter connection when it is done with the
# session: allow it a few seconds.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
	send limit-after 192.0.2.7 news@example.test
	case $reply in 451*) sleep 1 ;; *) break ;; esac
done
tap_like "... once the first session is gone, a new one is served: 250" \
	"$reply" '^250 2\.0\.0 Ok: queued as '
am_reload "$AM_CONF" || tap_diag "reload: $reloaded"
