#!/bin/sh
# layering.sh - lib/ stays the evaluation core: no libmilter, no syslog,
# no exit, no environment, no clock or randomness of its own (STYLE.md).
set -u
. "${top_srcdir:-.}/test/tap.sh"
libs="$(pwd)/${top_builddir:-.}/lib/.libs"
case ${top_builddir:-.} in /*) libs="$top_builddir/lib/.libs" ;; esac
cd "${top_srcdir:-.}/lib" || exit 99

forbid() {
	desc=$1
	pattern=$2
	shift 2
	hits=$(grep -nE -- "$pattern" ./*.c ./*.h "$@" 2>/dev/null)
	if [ -z "$hits" ]; then
		tap_result 0 "lib/ $desc"
	else
		tap_result 1 "lib/ $desc"
		tap_diag "$hits"
	fi
}

forbid "includes no libmilter header" '#include.*(libmilter|mfapi\.h)'
forbid "calls no smfi_* function" 'smfi_|SMFIS_'
forbid "does not call syslog" '\b(syslog|openlog|vsyslog)\s*\('
forbid "does not exit or abort" '\b(exit|_exit|abort)\s*\('
forbid "does not read the environment" '\b(getenv|secure_getenv)\s*\('
forbid "reads no clock of its own" '\b(time|gettimeofday)\s*\(|clock_gettime\s*\(\s*CLOCK_REALTIME'
forbid "uses no randomness of its own" '\b(rand|random|srand|arc4random)\s*\('
forbid "uses no unbounded string functions" '\b(strcpy|strcat|sprintf|vsprintf|strtok|gets)\s*\('
# The one monotonic clock reading is the DNS source's: wait bounds and
# how long an answer is kept (dns_cache.c).
hits=$(grep -lE 'clock_gettime' ./*.c | grep -v '^./dns_unbound.c$')
tap_is "lib/ reads CLOCK_MONOTONIC only for DNS timeouts" "$hits" ""

# Every symbol lib/ exports carries am_: the libraries link beside
# libopendkim (dkim_*), libunbound (ub_*), libconfuse (cfg_*), SQLite
# (sqlite3_*) and libpq (PQ*), and a helper named like theirs would clash
# at link time.
# One deliberate exception: dkim_keycache.c stands in for OpenSSL's
# d2i_PUBKEY_bio (libopendkim's call must land there), and nothing else.
for lib in libauthmilter libamreport; do
	archive=$libs/$lib.a
	if [ -f "$archive" ] && command -v nm >/dev/null 2>&1; then
		# (ASan marks exported data with __odr_asan.NAME)
		hits=$(nm -g --defined-only "$archive" |
			awk 'NF == 3 && $3 !~ /^(__odr_asan[.])?am_/ &&
			    $3 != "d2i_PUBKEY_bio" { print $3 }' |
			sort -u)
		tap_is "lib/ ($lib) exports only am_ symbols" "$hits" ""
	else
		tap_skip "lib/ ($lib) exports only am_ symbols" "no $archive or no nm"
	fi
done
# The evaluation core needs no database and no zlib: those are the
# report library's (libamreport) alone.
archive=$libs/libauthmilter.a
if [ -f "$archive" ] && command -v nm >/dev/null 2>&1; then
	hits=$(nm -u "$archive" | awk '$2 ~ /^(sqlite3_|PQ|deflate|inflate)/ { print $2 }' |
		sort -u)
	tap_is "lib/ core (libauthmilter) uses no database and no zlib" "$hits" ""
else
	tap_skip "lib/ core (libauthmilter) uses no database and no zlib" \
		"no $archive or no nm"
fi
tap_done
