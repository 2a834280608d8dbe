#!/bin/sh
# external_suite.sh - authmilter-check against the 363 cases other
# projects' test suites were turned into (../shared/conformance/external:
# SPF, DKIM, DMARC and Authentication-Results vectors of nine public
# projects, each expectation explained in its README and SOURCE files).
# One TAP result per case, then the runner's own totals, which must
# agree.  A plain clone has no ../shared: the suite says SKIP, it does
# not pass.  AM_SHARED_DIR names another place for the shared data.
set -u
. "${top_srcdir:-.}/test/tap.sh"

shared=${AM_SHARED_DIR:-"${top_srcdir:-.}/../shared"}
suite="$shared/conformance/external"
check="${top_builddir:-.}/milter/authmilter-check"

[ -x "$suite/run.sh" ] ||
	tap_skip_all "no $suite (the shared conformance data is not beside this checkout)"
command -v python3 >/dev/null 2>&1 ||
	tap_skip_all "python3 is not installed (apt-get install python3)"
case $check in
/*) ;;
*) check="$(pwd)/$check" ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$suite/run.sh" --bin "$check" >"$tmp/out" 2>"$tmp/err"
rc=$?

passed=0
failed=0
while IFS= read -r line; do
	case $line in
	"PASS "*)
		passed=$((passed + 1))
		tap_result 0 "external: ${line#PASS }"
		;;
	"FAIL "*)
		failed=$((failed + 1))
		tap_result 1 "external: ${line#FAIL }"
		;;
	esac
done <"$tmp/out"
summary=$(tail -n 1 "$tmp/out")
tap_is "the runner's totals agree with the cases" "$summary" \
	"$passed passed, $failed failed"
tap_is "the runner exits 0 when no case failed" "$rc" \
	"$([ "$failed" -eq 0 ] && echo 0 || echo 1)"
if [ -s "$tmp/err" ]; then
	tap_diag "runner's standard error:" "$(head -20 "$tmp/err")"
fi
tap_done
