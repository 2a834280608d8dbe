# env.sh - the moving parts of the end-to-end suite, sourced by
# test/e2e.sh: free ports, a private Postfix instance, smtp-sink, the
# daemon, SMTP sessions through swaks, and reading what was delivered.
#
# Everything lives under $T (the suite's scratch directory) and listens
# on 127.0.0.1 only.  The functions set global variables rather than
# print, so that they can be called without a subshell.

e2e_ports=

# e2e_port VAR: a TCP port of 127.0.0.1 that nothing answers on and
# that this suite has not handed out yet.
e2e_port() {
	local p
	while :; do
		test_port p
		case " $e2e_ports " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			e2e_ports="$e2e_ports $p"
			printf -v "$1" %s "$p"
			return 0
		fi
	done
}

# e2e_wait SECONDS COMMAND...: true as soon as COMMAND succeeds (polled
# every 0.1 s), false when SECONDS pass first.
e2e_wait() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	"$@"
}

e2e_listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- Postfix ---------------------------------------------------------------

PF= # its configuration directory

# pf_setup MILTER: writes main.cf and master.cf for smtpd on $SMTP_PORT,
# delivery of everything to smtp-sink on $SINK_PORT, and one milter
# (Postfix syntax: inet:127.0.0.1:PORT or unix:/PATH).
pf_setup() {
	PF=$T/postfix
	mkdir -p "$PF/queue" "$PF/data"
	chown postfix "$PF/data"
	cat >"$PF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = all
myhostname = mx.test.example
mydestination =
alias_maps =
local_recipient_maps =
smtp_dns_support_level = disabled
relay_domains = static:ALL
smtpd_relay_restrictions = reject_unauth_destination
relay_transport = smtp:[127.0.0.1]:$SINK_PORT
default_transport = smtp:[127.0.0.1]:$SINK_PORT
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = $1
milter_default_action = tempfail
milter_protocol = 6
maillog_file = $T/maillog
maillog_file_prefixes = $T
biff = no
local_header_rewrite_clients =
EOF
	# Only the services the suite needs, none chrooted.
	cat >"$PF/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
}

pf_start() {
	postfix -c "$PF" start >"$T/postfix-start.log" 2>&1 &&
		e2e_wait 10 e2e_listening "$SMTP_PORT"
}

pf_master_gone() {
	[ ! -s "$PF/queue/pid/master.pid" ] ||
		! kill -0 "$(cat "$PF/queue/pid/master.pid")" 2>/dev/null
}

pf_stop() {
	[ -n "$PF" ] && [ -f "$PF/main.cf" ] || return 0
	postfix -c "$PF" stop >/dev/null 2>&1
	e2e_wait 10 pf_master_gone
}

# pf_milter MILTER: points smtpd at another milter and reloads Postfix.
pf_milter() {
	postconf -c "$PF" -e "smtpd_milters = $1" &&
		postfix -c "$PF" reload >/dev/null 2>&1
}

# The queue ids of the messages in the hold queue (postqueue marks them
# with "!").
pf_held() {
	postqueue -c "$PF" -p | sed -n 's/^\([0-9A-F][0-9A-F]*\)!.*/\1/p'
}

# held ID: after a 250 for message ID, sets $qid to its queue id and
# checks that it is in the hold queue and was not delivered.
held() {
	qid=$(queued)
	tap_like "... held: postqueue -p marks ${qid:-it} with !" "$(pf_held)" "^${qid:-none}\$"
	sleep 1
	tap_is "... and not delivered" "$(sink_count "^Message-ID: <$1@e2e\\.test>")" 0
}

# held_header QID NAME: the NAME fields of the message Postfix holds as
# QID, unfolded, one per line.
held_header() {
	postcat -c "$PF" -h -q "$1" 2>/dev/null >"$T/held.$1" || return 1
	header "$2" "$T/held.$1"
}

# --- smtp-sink: where Postfix delivers ------------------------------------

sink_pid=

sink_start() {
	mkdir -p "$T/sink"
	chown postfix "$T/sink"
	smtp-sink -u postfix -d "$T/sink/%H%M%S." "127.0.0.1:$SINK_PORT" 100 \
		2>"$T/sink.log" &
	sink_pid=$!
	e2e_wait 5 e2e_listening "$SINK_PORT"
}

sink_stop() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	sink_pid=
}

# sink_file ID: sets $file to the delivered message whose Message-ID is
# <ID@e2e.test>, waiting up to 10 s for it; false if none arrived.
sink_file() {
	file=
	e2e_wait 10 sink_find "$1"
}

sink_find() {
	file=$(grep -l -F -x -s "Message-ID: <$1@e2e.test>" "$T"/sink/* |
		head -n 1)
	[ -n "$file" ] && sink_complete "$1"
}

# sink_complete ID: Postfix logged the message <ID@e2e.test> as sent, so
# the sink has answered its end of data and holds all of it (a 280 KB
# message is still being written when its Message-ID line is there).
sink_complete() {
	local qid
	qid=$(grep -F "message-id=<$1@e2e.test>" "$T/maillog" |
		sed -n 's/.*: \([0-9A-Za-z]*\): message-id=.*/\1/p' | tail -n 1)
	[ -n "$qid" ] && grep -q "$qid: to=.*status=sent" "$T/maillog"
}

# sink_count PATTERN: how many delivered messages have a line matching the
# extended regular expression.
sink_count() {
	grep -l -E -s -- "$1" "$T"/sink/* | wc -l
}

# header NAME FILE: every NAME field of the message's header, one per
# line, folds unfolded (a fold becomes one space), CR removed.
header() {
	tr -d '\r' <"$2" | awk -v name="$1" '
		/^$/ { exit }
		/^[ \t]/ { if (keep) { sub(/^[ \t]+/, " "); cur = cur $0 }; next }
		{ if (keep) print cur; keep = 0 }
		tolower(substr($0, 1, length(name) + 1)) == tolower(name) ":" {
			keep = 1; cur = $0
		}
		END { if (keep) print cur }'
}

# body FILE: the body of a delivered message, without the empty lines at
# its end (swaks adds one before the final dot, smtp-sink one after the
# message), CR removed.
body() {
	tr -d '\r' <"$1" | sed '1,/^$/d' | awk '
		/^$/ { blank++; next }
		{ while (blank > 0) { print ""; blank-- }; print }'
}

# folded NAME FILE: the first NAME field exactly as delivered (folds kept,
# CR removed).
folded() {
	tr -d '\r' <"$2" | awk -v name="$1" '
		/^$/ { exit }
		keep && /^[ \t]/ { print; next }
		keep { exit }
		tolower(substr($0, 1, length(name) + 1)) == tolower(name) ":" {
			keep = 1; print
		}'
}

# --- the daemon ------------------------------------------------------------

am_pid=
am_log=
reloaded=
am_runs=0

# am_start CONF [OPTION...]: runs the daemon in the foreground of a
# background job, its standard error in a log of its own ($am_log); true
# once it listens, false (with $am_rc) if it exits first.
am_start() {
	local conf=$1
	shift
	am_runs=$((am_runs + 1))
	am_log=$T/authmilter.$am_runs.log
	# Never in a subshell: $am_pid must reach the caller, and a daemon
	# holding a command substitution's pipe would block it.
	"$AUTHMILTER" -f -c "$conf" "$@" >"$am_log" 2>&1 &
	am_pid=$!
	if e2e_wait 20 am_listening; then
		return 0
	fi
	if ! kill -0 "$am_pid" 2>/dev/null; then
		wait "$am_pid"
		am_rc=$?
		am_pid=
	fi
	return 1
}

am_listening() {
	grep -q ' listening on ' "$am_log" 2>/dev/null ||
		! kill -0 "$am_pid" 2>/dev/null
}

# am_stop: SIGTERM, then the exit status in $am_rc (124: it did not stop
# within 40 s and was killed).
am_stop() {
	am_rc=
	[ -n "$am_pid" ] || return 0
	kill -TERM "$am_pid" 2>/dev/null
	if ! e2e_wait 40 am_gone; then
		kill -KILL "$am_pid" 2>/dev/null
		wait "$am_pid" 2>/dev/null
		am_rc=124
	else
		wait "$am_pid"
		am_rc=$?
	fi
	am_pid=
}

am_gone() {
	gone "$am_pid"
}

# gone PID: the process has exited (a zombie not yet waited for counts).
gone() {
	! kill -0 "$1" 2>/dev/null ||
		grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# am_try CONF: starts the daemon with a configuration that must stop it;
# sets $rc (its exit status, or "running" when it was still running
# after 5 s and was killed) and $out (what it printed).
am_try() {
	local pid
	"$AUTHMILTER" -f -c "$1" >"$T/try.out" 2>&1 &
	pid=$!
	if e2e_wait 5 gone "$pid"; then
		wait "$pid"
		rc=$?
	else
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=running
	fi
	out=$(cat "$T/try.out")
}

# am_kill: SIGKILL, as a crash would.
am_kill() {
	kill -KILL "$am_pid" 2>/dev/null
	wait "$am_pid" 2>/dev/null
	am_pid=
}

# am_logged PATTERN [SECONDS]: waits (default 10 s) for a line of the
# running daemon's log to match the extended regular expression.
am_logged() {
	e2e_wait "${2:-10}" grep -q -E -- "$1" "$am_log"
}

# am_log_count PATTERN: lines of the running daemon's log that match.
am_log_count() {
	grep -c -E -- "$1" "$am_log"
}

# The sanitizer and crash reports a log must not hold.
am_log_clean() {
	! grep -q -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer' "$1"
}

# am_reload CONF: installs CONF as the running configuration file and
# sends SIGHUP; waits for the daemon to log the outcome, which it puts in
# $reloaded (the log line).  True when the new configuration was taken.
am_reload() {
	local before
	before=$(am_log_count 'configuration reloaded|reload refused')
	cp "$1" "$AM_CONF"
	kill -HUP "$am_pid"
	e2e_wait 10 am_reloads_more "$before"
	reloaded=$(grep -E 'configuration reloaded|reload refused' "$am_log" |
		tail -n 1)
	case $reloaded in *"configuration reloaded"*) return 0 ;; esac
	return 1
}

am_reloads_more() {
	[ "$(am_log_count 'configuration reloaded|reload refused')" -gt "$1" ]
}

# --- SMTP --------------------------------------------------------------------

# smtp CLIENT MAIL_FROM FILE [SWAKS_OPTION...]: one SMTP session through
# Postfix, the client address and HELO presented with XCLIENT.  Sets
# $reply (the server's reply to the end of DATA, or to the command that
# failed, without the "<-" marks) and $dialog (the whole session).
smtp() {
	local client=$1 from=$2 data=$3
	shift 3
	dialog=$(swaks --server "127.0.0.1:$SMTP_PORT" \
		--xclient-addr "$client" --ehlo mail.example.test \
		--from "$from" --to reader@dest.test --data "@$data" \
		--timeout 60 "$@" 2>&1)
	reply=$(printf '%s\n' "$dialog" | awk '
		/^<\*\* / { sub(/^<\*\* +/, ""); print; exit }
		sent && /^<- / { sub(/^<- +/, ""); print; exit }
		/^ -> \.$/ { sent = 1 }')
}

# queued: the queue id in a "250 2.0.0 Ok: queued as ID" $reply.
queued() {
	printf '%s\n' "$reply" | sed -n 's/^250 .*queued as \([0-9A-F]*\)$/\1/p'
}

# --- SMTP by hand, on file descriptor 3 --------------------------------------

# raw_open: connects to smtpd and reads its greeting.
raw_open() {
	exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT" && raw_read
}

# raw_read: reads one reply, every line of it; $raw_reply is its last
# line without the CR.  False when the server says nothing for 60 s.
raw_read() {
	local line
	raw_reply=
	while IFS= read -r -t 60 line <&3; do
		raw_reply=${line%$'\r'}
		[ "${raw_reply:3:1}" = "-" ] || return 0
	done
	return 1
}

# raw_cmd LINE: sends one command and reads its reply.
raw_cmd() {
	printf '%s\r\n' "$1" >&3 && raw_read
}

# raw_lines LINE...: sends lines (of a message) without waiting.
raw_lines() {
	printf '%s\r\n' "$@" >&3
}

raw_close() {
	exec 3>&-
}

# am_reload_idle: no reload was logged in the last second.
am_reload_idle() {
	local n
	n=$(am_log_count 'configuration reloaded')
	sleep 1
	[ "$(am_log_count 'configuration reloaded')" -eq "$n" ]
}

am_reloads_at_least() {
	[ "$(am_log_count 'configuration reloaded')" -ge "$1" ]
}

# --- the status endpoint ------------------------------------------------------

# http METHOD PATH: one request to the daemon's status endpoint; sets
# $http_status (the status code, empty when nothing answered) and
# $http_body (CR removed).
http() {
	local resp
	resp=$(exec 3<>"/dev/tcp/127.0.0.1/$STATUS_PORT" &&
		printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" "$2" >&3 &&
		timeout 10 cat <&3) 2>/dev/null
	resp=$(printf '%s\n' "$resp" | tr -d '\r')
	http_status=$(printf '%s\n' "$resp" | sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p')
	http_body=$(printf '%s\n' "$resp" | sed '1,/^$/d')
}

# metric LINE_START: the value of the /metrics sample that begins so
# ("authmilter_messages_total{action=\"reject\"}"), from $http_body.
metric() {
	printf '%s\n' "$http_body" | awk -v k="$1" 'index($0, k " ") == 1 { print $2 }'
}
