# 90-startup.sh - start and stop: a bad configuration stops start-up with
# file:line and exit 78; -n prints what differs from the defaults; a unix
# socket left by a killed daemon does not stop the next one; SIGTERM lets
# the message in flight finish and exits 0.

e2e_port spare_port
conf "$T/broken.conf" "milter.socket=\"inet:$spare_port@127.0.0.1\"" \
	dns.timeout=0
line=$(grep -n 'timeout = 0' "$T/broken.conf" | cut -d: -f1)
am_try "$T/broken.conf"
tap_is "start with a value out of bounds: exit 78" "$rc" 78
tap_like "... naming file and line" "$out" \
	"^authmilter: $T/broken\\.conf:$line: dns\\.timeout: must be 1 to 120\$"

conf "$T/cut-start.conf" "milter.socket=\"inet:$spare_port@127.0.0.1\""
sed -i '$d' "$T/cut-start.conf"
am_try "$T/cut-start.conf"
tap_is "start with a file cut short: exit 78" "$rc" 78
tap_like "... naming file and line" "$out" "^authmilter: $T/cut-start\\.conf:[0-9]+: "

out=$("$AUTHMILTER" -n -c "$AM_CONF" 2>&1)
rc=$?
tap_is "-n with the running configuration: exit 0" "$rc" 0
tap_like "... says it is valid" "$out" "^# $AM_CONF: valid\$"
tap_like "... prints the settings that differ from the defaults" "$out" \
	'^milter\.authserv_id = "mx\.test\.example"$'
tap_like "... with their values as in the file" "$out" '^dns\.timeout = 2$'
tap_is "... and only those (one line each, 9 here)" \
	"$(printf '%s\n' "$out" | grep -vc '^#')" 9
out=$("$AUTHMILTER" -n -c "$T/broken.conf" 2>&1)
rc=$?
tap_is "-n with the bad one: exit 78" "$rc" 78
tap_like "... naming file and line" "$out" "$T/broken\\.conf:$line: "

# The inet daemon that served so far stops.
log=$am_log
am_stop
tap_is "SIGTERM: the daemon exits 0" "$am_rc" 0
tap_check "... its log holds no sanitizer report" am_log_clean "$log"

# A unix socket, Postfix through it.
mkdir -p "$T/run"
sock=$T/run/authmilter.sock
conf "$T/unix.conf" "milter.socket=\"unix:$sock\"" 'milter.socket_group="postfix"'
cp "$T/unix.conf" "$AM_CONF"
am_start "$AM_CONF"
tap_is "the daemon starts on a unix socket" "$?" 0
tap_is "... the socket: owner the daemon's user, group socket_group, mode 0660" \
	"$(stat -c '%U:%G %a' "$sock" 2>&1)" "nobody:postfix 660"
tap_check "Postfix reloaded with the unix socket as its milter" pf_milter "unix:$sock"
message unix news@example.test
send unix 192.0.2.7 b@bounce.example.test
tap_like "... a message through it: 250" "$reply" '^250 '
delivered unix
tap_like "... headed" "$ar" 'dmarc=pass'

log=$am_log
am_kill
tap_check "kill -9 leaves the socket behind" test -S "$sock"
am_start "$AM_CONF"
tap_is "... the next daemon starts anyway" "$?" 0
message restarted news@example.test
send restarted 192.0.2.7 b@bounce.example.test
tap_like "... and Postfix reaches it: 250" "$reply" '^250 '
delivered restarted
tap_like "... headed" "$ar" 'dmarc=pass'

# SIGTERM in the middle of a transaction: the daemon takes no new
# connection but finishes the one in flight, then exits 0.
ok=0
if raw_open && raw_cmd "EHLO mail.example.test" &&
	raw_cmd "XCLIENT ADDR=192.0.2.7" && raw_cmd "EHLO mail.example.test" &&
	raw_cmd "MAIL FROM:<b@bounce.example.test>" &&
	raw_cmd "RCPT TO:<reader@dest.test>" && [ "${raw_reply:0:3}" = 250 ]; then
	ok=1
fi
tap_is "a transaction open (RCPT accepted)" "$ok" 1
kill -TERM "$am_pid"
tap_check "SIGTERM: the daemon stops listening" am_logged 'stopping: no new connections; waiting for 1 in flight'
sleep 1
tap_check "... but waits for the message in flight" kill -0 "$am_pid"
message during-stop news@example.test
send during-stop 192.0.2.7 b@bounce.example.test
tap_like "... a new connection meanwhile is refused: Postfix's milter_default_action (451)" \
	"$reply" '^451 4\.7\.1 '
http GET /health
tap_is "... and /health says 503 stopping" "$http_status $http_body" "503 stopping"
raw_cmd "DATA"
raw_lines "From: news@example.test" "To: reader@dest.test" \
	"Subject: in flight" "Message-ID: <inflight@e2e.test>" "" \
	"Sent while the daemon stops." "."
raw_read
tap_like "... which is accepted: 250" "$raw_reply" '^250 '
raw_cmd "QUIT"
raw_close
delivered inflight
tap_like "... evaluated and headed" "$ar" 'dmarc=pass \(p=reject\) header\.from=example\.test'
if e2e_wait 40 am_gone; then
	wait "$am_pid"
	am_rc=$?
else
	am_rc=timeout
fi
am_pid=
tap_is "... then the daemon exits 0" "$am_rc" 0

# Without -f: the command returns once the daemon serves; the daemon
# runs detached as the configured user and writes its pid file.
e2e_port daemon_port
pidfile=$T/run/authmilter.pid
conf "$T/daemon.conf" "milter.socket=\"inet:$daemon_port@127.0.0.1\"" \
	"milter.pidfile=\"$pidfile\""
"$AUTHMILTER" -c "$T/daemon.conf" >"$T/daemon.out" 2>&1
tap_is "without -f: the command exits 0" "$?" 0
daemon_pid=$(cat "$pidfile" 2>/dev/null)
# Never 0 or empty: "kill 0" would signal this whole process group.
case $daemon_pid in [1-9]*) ;; *) daemon_pid=999999999 ;; esac
tap_check "... the pid file names a running process" kill -0 "$daemon_pid"
tap_check "... which already listens" e2e_listening "$daemon_port"
tap_is "... detached (a session of its own), running as nobody" \
	"$(ps -o sid=,user= -p "$daemon_pid" | awk '{ print ($1 == p ? "leader" : "not leader") " " $2 }' p="$daemon_pid")" \
	"not leader nobody"
pf_milter "inet:127.0.0.1:$daemon_port"
message daemon news@example.test
send daemon 192.0.2.7 b@bounce.example.test
tap_like "... Postfix reaches it: 250" "$reply" '^250 '
delivered daemon
tap_like "... headed" "$ar" 'dmarc=pass'
"$AUTHMILTER" -c "$T/daemon.conf" >"$T/daemon2.out" 2>&1
tap_is "a second start with the same pid file: exit 73" "$?" 73
tap_like "... saying which daemon runs" "$(cat "$T/daemon2.out")" \
	"authmilter: $pidfile: authmilter $daemon_pid is running"
conf "$T/busy.conf" "milter.socket=\"inet:$SMTP_PORT@127.0.0.1\""
"$AUTHMILTER" -c "$T/busy.conf" >"$T/busy.out" 2>&1
tap_is "a start on a port in use (Postfix's) fails before detaching: exit 69" "$?" 69
tap_like "... saying so on the terminal" "$(cat "$T/busy.out")" \
	"cannot open the milter socket inet:$SMTP_PORT@127.0.0.1"
kill -TERM "$daemon_pid"
tap_check "SIGTERM stops the detached daemon" e2e_wait 40 gone "$daemon_pid"
