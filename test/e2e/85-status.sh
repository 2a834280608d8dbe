# 85-status.sh - the status endpoint (status.listen): /health, and
# /metrics agreeing with the log of the daemon that has served the whole
# suite so far.

http GET /health
tap_is "GET /health while serving: 200" "$http_status" 200
tap_is "... serving" "$http_body" serving

http GET /metrics
tap_is "GET /metrics: 200" "$http_status" 200
for action in accept quarantine tempfail reject; do
	logged=$(grep -c -E "info: [0-9A-F]+: .* action=$action rule=" "$am_log")
	tap_is "... messages_total{action=\"$action\"} is what the log says ($logged)" \
		"$(metric "authmilter_messages_total{action=\"$action\"}")" "$logged"
done
tap_like "... the temperror cases' 451s among them" \
	"$(metric 'authmilter_messages_total{action="tempfail"}')" '^[1-9][0-9]*$'
tap_is "... reloads taken, as logged" \
	"$(metric 'authmilter_reloads_total{outcome="taken"}')" \
	"$(am_log_count 'configuration reloaded')"
tap_is "... reloads refused, as logged" \
	"$(metric 'authmilter_reloads_total{outcome="refused"}')" \
	"$(am_log_count 'reload refused')"
tap_like "... DMARC results counted" "$(metric 'authmilter_dmarc_results_total{result="pass"}')" '^[1-9][0-9]*$'
tap_like "... every series typed" "$http_body" \
	'# TYPE authmilter_dkim_results_total counter'
tap_is "... no connection open now" "$(metric authmilter_connections)" 0

http GET /nothing
tap_is "GET of another path: 404" "$http_status" 404
http POST /metrics
tap_is "POST: refused (501, as libevent answers a method it was told not to serve)" "$http_status" 501
