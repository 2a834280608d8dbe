# pgserver.sh - a throwaway PostgreSQL server on loopback for the tests
# that need one (sourced; Debian's postgresql-15).
#
#   pg_start DIR      initdb into DIR, start the server on 127.0.0.1 on a
#                     free port (fsync off, trust authentication), create
#                     the database; sets PG_URI; false when PostgreSQL is
#                     not installed or will not start
#   pg_stop           stops it fast (an EXIT trap calls it)
#   pg_pause          stops it, keeping its data (pg_resume starts it again
#                     on the same port): the store "goes away"
#   pg_resume
#
# As root the server runs as the postgres user (initdb refuses root);
# otherwise as the caller.

PG_URI=
PG_PORT=
pg_dir=
pg_bindir=
pg_user=

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$pg_user" -- "$@"
	else
		"$@"
	fi
}

pg_find() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && pg_bindir=$d && return 0
	done
	command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 &&
		pg_bindir=$(dirname "$(command -v pg_ctl)") && return 0
	return 1
}

pg_running() {
	pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1
}

pg_resume() {
	pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
		-w -t 60 -o "-h 127.0.0.1 -p $PG_PORT -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >>"$pg_dir/ctl.log" 2>&1
}

pg_pause() {
	pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" -m fast -w stop \
		>>"$pg_dir/ctl.log" 2>&1
}

pg_start() {
	local attempt
	pg_dir=$1
	pg_find || return 1
	if [ "$(id -u)" -eq 0 ]; then
		pg_user=postgres
		getent passwd "$pg_user" >/dev/null || return 1
		command -v runuser >/dev/null 2>&1 || return 1
	else
		pg_user=$(id -un)
	fi
	mkdir -p "$pg_dir" && chown "$pg_user" "$pg_dir" || return 1
	pg_as "$pg_bindir/initdb" -D "$pg_dir/data" -A trust -U authmilter \
		-E UTF8 --no-sync >"$pg_dir/initdb.log" 2>&1 || return 1
	for attempt in 1 2 3 4 5; do
		test_port PG_PORT
		(exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null && continue
		pg_resume && break
		PG_PORT=
	done
	[ -n "$PG_PORT" ] || return 1
	pg_as "$pg_bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U authmilter \
		authmilter >>"$pg_dir/ctl.log" 2>&1 || return 1
	PG_URI="postgresql://authmilter@127.0.0.1:$PG_PORT/authmilter"
}

pg_stop() {
	[ -n "$pg_dir" ] && [ -d "$pg_dir/data" ] || return 0
	pg_running && pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" \
		-m immediate -w stop >/dev/null 2>&1
	return 0
}
