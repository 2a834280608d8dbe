# 80-badreload.sh - a configuration that is wrong on SIGHUP: the daemon
# says why, with the file and line, and keeps the one it runs; a good one
# afterwards is taken.  authserv_id makes the running one visible in every
# delivered header.

# at_top ID: the authserv-id of the first Authentication-Results field of
# the delivered copy of ID.
at_top() {
	sink_file "$1" || return
	header Authentication-Results "$file" | head -n 1 |
		sed 's/^Authentication-Results: *\([^;]*\);.*/\1/'
}

conf "$T/bad.conf" 'milter.authserv_id="changed.test.example"' \
	'dmarc.no_such_key=1'
line=$(grep -n 'no_such_key' "$T/bad.conf" | cut -d: -f1)
am_reload "$T/bad.conf"
tap_like "SIGHUP with an unknown key: refused, the log names file and line" \
	"$reloaded" \
	"reload refused, the running configuration stays: $AM_CONF:$line: .*no_such_key"
message after-bad news@example.test
send after-bad 192.0.2.7 b@bounce.example.test
tap_like "... mail still flows: 250" "$reply" '^250 '
tap_is "... under the old configuration (authserv-id)" "$(at_top after-bad)" \
	mx.test.example

# A file cut short (an editor saving while the signal arrives): its last
# section is never closed.
conf "$T/cut.conf" 'milter.authserv_id="changed.test.example"'
sed -i '$d' "$T/cut.conf"
am_reload "$T/cut.conf"
tap_like "SIGHUP with a file cut short (a section not closed): refused" \
	"$reloaded" "reload refused, the running configuration stays: $AM_CONF:[0-9]+: "
message after-cut-conf news@example.test
send after-cut-conf 192.0.2.7 b@bounce.example.test
tap_is "... the old configuration still runs" "$(at_top after-cut-conf)" \
	mx.test.example

conf "$T/good.conf" 'milter.authserv_id="mx2.test.example"'
tap_check "SIGHUP with a valid configuration: taken" am_reload "$T/good.conf"
message after-good news@example.test
send after-good 192.0.2.7 b@bounce.example.test
tap_like "... 250" "$reply" '^250 '
tap_is "... the new authserv-id heads the delivered message" \
	"$(at_top after-good)" mx2.test.example

conf "$T/base.conf"
tap_check "SIGHUP: back to the suite's configuration" am_reload "$T/base.conf"
