# 60-temperror.sh - DNS that does not answer: the policy lookup times out
# (test/dnsdrop relays to nsd but drops _dmarc.slow.test), or no server
# answers at all.  dmarc.temperror decides: accept (the default) or 451.

"$DNSDROP" "$DNS_PORT" _dmarc.slow.test >"$T/dnsdrop.port" 2>"$T/dnsdrop.log" &
dnsdrop_pid=$!
e2e_wait 5 test -s "$T/dnsdrop.port" || bail "dnsdrop would not start"
drop_port=$(cat "$T/dnsdrop.port")
e2e_port dead_port # nothing listens there

message slow news@slow.test
conf "$T/slow.conf" "dns.resolvers={\"127.0.0.1@$drop_port\"}"
tap_check "SIGHUP: the resolver is now dnsdrop" am_reload "$T/slow.conf"
start=$(date +%s)
send slow 192.0.2.7 news@slow.test
took=$(($(date +%s) - start))
tap_like "DMARC policy lookup times out, temperror = accept: 250" "$reply" '^250 '
tap_check "... the query was dropped, not answered" \
	grep -q 'dropped _dmarc\.slow\.test' "$T/dnsdrop.log"
tap_check "... within the DNS timeout (took ${took}s; timeout 2 s)" test "$took" -le 8
delivered slow
tap_like "... headed dmarc=temperror, SPF (answered) still pass" "$ar" \
	'spf=pass .*dmarc=temperror .*header\.from=slow\.test'

conf "$T/slow-tempfail.conf" "dns.resolvers={\"127.0.0.1@$drop_port\"}" \
	dmarc.temperror=tempfail
tap_check "SIGHUP: dmarc.temperror = tempfail" am_reload "$T/slow-tempfail.conf"
send slow 192.0.2.7 news@slow.test
tap_is "... with temperror = tempfail: 451 naming the domain" "$reply" \
	"451 4.7.5 DMARC evaluation for slow.test failed temporarily, please try again later"

# No DNS server at all: every lookup of the message fails.
message nodns news@example.test
conf "$T/nodns.conf" "dns.resolvers={\"127.0.0.1@$dead_port\"}"
tap_check "SIGHUP: a resolver address where nothing listens" am_reload "$T/nodns.conf"
send nodns 192.0.2.7 b@bounce.example.test
tap_like "DNS server unreachable, temperror = accept: 250" "$reply" '^250 '
delivered nodns
tap_like "... headed spf=temperror, dmarc=temperror" "$ar" \
	'spf=temperror .*dmarc=temperror .*header\.from=example\.test'
conf "$T/nodns-tempfail.conf" "dns.resolvers={\"127.0.0.1@$dead_port\"}" \
	dmarc.temperror=tempfail
tap_check "SIGHUP: ... and dmarc.temperror = tempfail" am_reload "$T/nodns-tempfail.conf"
send nodns 192.0.2.7 b@bounce.example.test
tap_is "... with temperror = tempfail: 451" "$reply" \
	"451 4.7.5 DMARC evaluation for example.test failed temporarily, please try again later"

kill "$dnsdrop_pid" 2>/dev/null
dnsdrop_pid=
conf "$T/base.conf"
tap_check "SIGHUP: back to the suite's configuration" am_reload "$T/base.conf"
message dns-back news@example.test
send dns-back 192.0.2.7 b@bounce.example.test
delivered dns-back
tap_like "nsd again after a reload: dmarc=pass" "$ar" 'dmarc=pass \(p=reject\)'
