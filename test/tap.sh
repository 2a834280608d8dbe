# tap.sh - TAP output for the shell tests (sourced).
#
#   tap_check "description" command args...   ok when the command succeeds
#   tap_is "description" "$got" "$want"        ok when the strings are equal
#   tap_like "description" "$got" pattern      ok when grep -E matches
#   tap_skip "description" "reason"            one check cannot run here
#   tap_skip_all "reason"                      the whole file is skipped
#   tap_done                                   prints the plan; exit status
#
# Each check prints one "ok" / "not ok" line; failures add "#" lines with
# what was seen, so the log says why without a rerun.

tap_n=0
tap_failed=0

tap_result() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

tap_diag() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

tap_check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		tap_result 0 "$desc"
	else
		tap_result 1 "$desc"
		tap_diag "command: $*" "$out"
	fi
}

tap_is() {
	if [ "$2" = "$3" ]; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		tap_diag "got:  $2" "want: $3"
	fi
}

tap_like() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		tap_diag "pattern: $3" "in:" "$2"
	fi
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

tap_skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
