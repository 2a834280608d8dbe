#!/bin/sh
# quickstart.sh - build and run authmilter on a fresh Debian 12, as root.
#
#   sh contrib/quickstart.sh run    install what is needed, build, run the
#                                   daemon in the foreground with the
#                                   default configuration
#   sh contrib/quickstart.sh test   install what is needed, build, run the
#                                   whole test suite three ways (plain,
#                                   ASan+UBSan, libFuzzer) and end with
#                                   "N passed, M failed"
#
# Builds go to build/<kind>/ (out of tree); the source tree is only
# bootstrapped (autoreconf).  This is what the README's two commands and
# CI (.ci/run) execute.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)

BUILD_PACKAGES="build-essential autoconf automake libtool pkg-config
	libunbound-dev libopendkim-dev libssl-dev libconfuse-dev libevent-dev
	libmilter-dev libcmocka-dev libyaml-dev libidn2-dev libsqlite3-dev
	libpq-dev zlib1g-dev"
# nsd: the real DNS server of the live tests; ldnsutils: signs its test
# zones for DNSSEC; postfix + swaks: the end-to-end tests; clang +
# libclang-rt: the fuzz targets; python3: JSON validation in the CLI
# tests; python3-dkim + python3-authres: the independent ARC
# implementation of the interop tests (test/arc_interop.sh);
# postgresql-15: the fleet store's tests (a throwaway cluster);
# libxml2-utils: xmllint, which checks reports against RFC 9990's
# schema; sqlite3: looks into the store in the end-to-end tests.
TEST_PACKAGES="nsd ldnsutils postfix swaks clang libclang-rt-14-dev python3
	python3-dkim python3-authres postgresql-15 libxml2-utils sqlite3"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=$(nproc 2>/dev/null || echo 2)

install_packages() {
	need=
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || need="$need $p"
	done
	[ -n "$need" ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: missing packages:$need (run as root, or install them)" >&2
		return 1
	fi
	# Keep the packages' services (nsd on port 53, postfix on 25,
	# PostgreSQL on 5432) from starting: the tests start their own
	# servers on loopback.  Postfix installs unconfigured.
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections 2>/dev/null
	made_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		made_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $need
	rc=$?
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	return $rc
}

bootstrap() {
	[ -x configure ] && [ configure -nt configure.ac ] &&
		[ Makefile.in -nt Makefile.am ] || autoreconf -fi
}

# build KIND CONFIGURE-ARGS...: configure and make in build/KIND
build() {
	kind=$1
	shift
	mkdir -p "build/$kind" &&
		(cd "build/$kind" && "$top/configure" -q "$@" && make -s -j"$JOBS")
}

# counts LOG: adds the automake test-suite.log totals to passed/failed
counts() {
	p=$(sed -n 's/^# PASS: *//p' "$1")
	f=$(sed -n 's/^# FAIL: *//p' "$1")
	e=$(sed -n 's/^# ERROR: *//p' "$1")
	x=$(sed -n 's/^# XPASS: *//p' "$1")
	s=$(sed -n 's/^# SKIP: *//p' "$1")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
	skipped=$((skipped + ${s:-0}))
}

run_tests() {
	passed=0 failed=0 skipped=0
	for kind in plain sanitize; do
		case $kind in
		plain) args="--enable-werror" ;;
		sanitize) args="--enable-werror --enable-sanitizers" ;;
		esac
		echo "== $kind build: make check"
		if ! build "$kind" $args; then
			echo "not ok - $kind build failed"
			failed=$((failed + 1))
			continue
		fi
		(cd "build/$kind" && make -s -j"$JOBS" check)
		if [ -f "build/$kind/test-suite.log" ]; then
			counts "build/$kind/test-suite.log"
			grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR|XPASS)' \
				"build/$kind/test-suite.log" | sed "s/^#/  $kind:/"
		else
			failed=$((failed + 1))
		fi
	done
	echo "== fuzz build: make fuzz ($FUZZ_SECONDS s per target)"
	if build fuzz --enable-fuzzing CC=clang; then
		out=$(cd build/fuzz && make -s fuzz FUZZ_SECONDS="$FUZZ_SECONDS" 2>&1)
		echo "$out"
		passed=$((passed + $(echo "$out" | grep -c '^ok - fuzz')))
		failed=$((failed + $(echo "$out" | grep -c '^not ok - fuzz')))
	else
		echo "not ok - fuzz build failed"
		failed=$((failed + 1))
	fi
	[ "$skipped" -gt 0 ] && echo "($skipped skipped: see build/*/test-suite.log)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

case ${1:-} in
run)
	install_packages $BUILD_PACKAGES && bootstrap && build plain || exit 1
	echo "== authmilter in the foreground on inet:8893@127.0.0.1 (Ctrl-C stops it)"
	exec build/plain/milter/authmilter -f
	;;
test)
	if ! install_packages $BUILD_PACKAGES $TEST_PACKAGES || ! bootstrap; then
		echo "0 passed, 1 failed"
		exit 1
	fi
	run_tests
	;;
*)
	echo "usage: sh contrib/quickstart.sh run|test" >&2
	exit 64
	;;
esac
