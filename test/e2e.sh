#!/bin/bash
# e2e.sh - the daemon end to end: a real Postfix hands every message to
# authmilter, which asks a real DNS server (nsd) for SPF, DKIM key and
# DMARC records; what Postfix answers, delivers to smtp-sink or holds is
# checked.  All on 127.0.0.1, on free ports, under one scratch directory;
# everything started here is stopped on exit, failed or not.
#
# The cases live in test/e2e/*.sh (sourced in order); test/e2e/env.sh
# holds the helpers.  Needs root (Postfix's queue, the daemon's privilege
# drop), postfix, swaks and nsd; SKIPs without them.
# E2E_KEEP=1 keeps the scratch directory for a post-mortem; E2E_ONLY=NAME
# runs test/e2e/NAME.sh alone (a glob: E2E_ONLY='[4-5]*').
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"
. "$top_srcdir/test/dnsserver.sh"
. "$top_srcdir/test/e2e/env.sh"

[ "$(id -u)" -eq 0 ] ||
	tap_skip_all "needs root (a private Postfix instance, the daemon's privilege drop)"
for tool in postfix postconf postqueue smtp-sink swaks nsd; do
	command -v "$tool" >/dev/null 2>&1 ||
		tap_skip_all "$tool is not installed (apt-get install postfix swaks nsd)"
done
for user in postfix nobody; do
	getent passwd "$user" >/dev/null ||
		tap_skip_all "no user $user"
done

AUTHMILTER=$top_builddir/milter/authmilter
SIGN=$top_builddir/test/e2e_sign
DNSDROP=$top_builddir/test/dnsdrop
DATA=$top_srcdir/test/data/e2e
started=$(date +%s)

T=$(mktemp -d /tmp/authmilter-e2e.XXXXXX)
# Postfix (user postfix) and the daemon after its privilege drop (nobody)
# reach into it: the configuration, the unix socket, the sink.
chmod 755 "$T"
dnsdrop_pid=
cleanup() {
	am_stop
	# the detached daemon of 90-startup.sh, should a case have failed
	[ -s "$T/run/authmilter.pid" ] &&
		kill -TERM "$(cat "$T/run/authmilter.pid")" 2>/dev/null
	pf_stop
	sink_stop
	dns_stop
	[ -n "$dnsdrop_pid" ] && kill "$dnsdrop_pid" 2>/dev/null
	if [ -n "${E2E_KEEP:-}" ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# bail REASON: a broken set-up is a failure, never a skip.
bail() {
	echo "Bail out! $1"
	for f in "$T"/postfix-start.log "$T"/maillog "$T"/dns/nsd.log \
		"$T"/authmilter.*.log; do
		[ -s "$f" ] && tap_diag "--- $f" "$(tail -n 20 "$f")"
	done
	exit 99
}

# --- DNS: the test zone with a DKIM key made now ------------------------
mkdir -p "$T/keys" "$T/zones" "$T/msg"
"$SIGN" key 2048 sel._domainkey.example.test. "$T/keys/example" ||
	bail "cannot make a DKIM key"
# ARC: a list's sealing key, an unknown sealer's, and ours (47-arc.sh)
"$SIGN" key 2048 arc._domainkey.lists.example.test. "$T/keys/list" &&
	"$SIGN" key 2048 arc._domainkey.unknown.test. "$T/keys/unknown" &&
	"$SIGN" key ed25519 ed._domainkey.seal.test. "$T/keys/seal-ed" &&
	"$SIGN" key 2048 rsa._domainkey.seal.test. "$T/keys/seal-rsa" ||
	bail "cannot make the ARC keys"
chmod 644 "$T"/keys/*.pem
# e2e_sign's PKCS#1 copies would be a second record for each key name
rm -f "$T"/keys/*.pkcs1.zone
cat "$DATA/test.zone" "$T"/keys/*.zone >"$T/zones/test.zone"
cp "$DATA"/*.arpa.zone "$T/zones/"
dns_start "$T/dns" "$T"/zones/*.zone || bail "nsd would not start"

# --- Postfix, the sink and the daemon -----------------------------------
e2e_port SMTP_PORT
e2e_port SINK_PORT
e2e_port MILTER_PORT
e2e_port STATUS_PORT
AM_CONF=$T/authmilter.conf

# conf FILE [KEY=VALUE...]: the suite's configuration: the milter on
# $MILTER_PORT, the status endpoint on $STATUS_PORT, DNS from nsd with a short timeout, a reply text of our
# own, 203.0.113.128/25 trusted.  Each KEY=VALUE (section.key=value, the
# value in configuration syntax) replaces or adds a setting.
conf() {
	local file=$1 kv section key value
	shift
	{
		echo "# written by test/e2e.sh"
		echo "milter {"
		echo "	socket = \"inet:$MILTER_PORT@127.0.0.1\""
		echo "	authserv_id = \"mx.test.example\""
		echo "	log_level = debug"
		echo "}"
		echo "status {"
		echo "	listen = \"inet:$STATUS_PORT@127.0.0.1\""
		echo "}"
		echo "dns {"
		echo "	resolvers = {\"127.0.0.1@$DNS_PORT\"}"
		echo "	resolve_special_names = true"
		echo "	timeout = 2"
		echo "}"
		echo "dmarc {"
		echo "	reject_reply = \"550 5.7.1 The DMARC policy of %s rejects this message\""
		echo "}"
		echo "policy {"
		echo "	trusted_networks = {\"127.0.0.0/8\", \"203.0.113.128/25\"}"
		echo "}"
	} >"$file.tmp"
	for kv in "$@"; do
		section=${kv%%.*}
		key=${kv#*.}
		key=${key%%=*}
		value=${kv#*=}
		if grep -q "^$section {" "$file.tmp"; then
			awk -v s="$section" -v k="$key" -v v="$value" '
				$0 == s " {" { in_s = 1 }
				in_s && $1 == k { next }
				in_s && $0 == "}" { print "\t" k " = " v; in_s = 0 }
				{ print }' "$file.tmp" >"$file.new" &&
				mv "$file.new" "$file.tmp"
		else
			printf '%s {\n\t%s = %s\n}\n' "$section" "$key" "$value" \
				>>"$file.tmp"
		fi
	done
	mv "$file.tmp" "$file"
	chmod 644 "$file"
}

conf "$AM_CONF"
sink_start || bail "smtp-sink would not start"
pf_setup "inet:127.0.0.1:$MILTER_PORT"
pf_start || bail "Postfix would not start"
am_start "$AM_CONF" || bail "authmilter would not start (exit ${am_rc:-?})"

# --- messages --------------------------------------------------------------

# message ID FROM [SUBJECT [FIELD...]]: writes $T/msg/ID.eml with
# Message-ID <ID@e2e.test> (how the delivered copy is found), the extra
# header fields given, and a short body.
message() {
	local id=$1 from=$2 subject=${3:-November news} f
	shift 2
	[ $# -gt 0 ] && shift
	{
		for f in "$@"; do printf '%s\n' "$f"; done
		printf 'From: %s\n' "$from"
		printf 'To: reader@dest.test\n'
		printf 'Subject: %s\n' "$subject"
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\n'
		printf 'Message-ID: <%s@e2e.test>\n' "$id"
		printf '\nHello reader.\n'
	} >"$T/msg/$id.eml"
}

# signed ID: signs $T/msg/ID.eml in place as example.test (selector sel).
signed() {
	"$SIGN" sign "$T/keys/example.pem" example.test sel "$T/msg/$1.eml" \
		>"$T/msg/$1.signed" && mv "$T/msg/$1.signed" "$T/msg/$1.eml"
}

# send ID CLIENT MAIL_FROM [SWAKS_OPTION...]: sends $T/msg/ID.eml.
send() {
	local id=$1
	shift
	smtp "$1" "$2" "$T/msg/$id.eml" "${@:3}"
}

# delivered ID: after a 250, waits for the delivered copy; sets $file and
# $ar (our Authentication-Results fields, unfolded, one per line).
delivered() {
	ar=
	sink_file "$1" || return 1
	ar=$(header Authentication-Results "$file" |
		grep -i '^Authentication-Results: *mx\.test\.example;')
	return 0
}

for part in "$top_srcdir"/test/e2e/${E2E_ONLY:-[0-9]*}.sh; do
	. "$part"
done

# Each daemon started (the sections stop the last one) left a clean log.
for log in "$T"/authmilter.*.log; do
	tap_check "no sanitizer report in ${log##*/}" am_log_clean "$log"
done
echo "# $(($(date +%s) - started)) s"
tap_done
