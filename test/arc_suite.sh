#!/bin/sh
# arc_suite.sh - the ValiMail ARC test suites: validation and signing.
#
# The suites are read from ../shared/conformance/arc beside the source
# tree (SOURCE.md there says where they come from; AM_SHARED_DIR names
# another place); a plain clone has no ../shared and reports them skipped,
# not passed.
set -u
. "${top_srcdir:-.}/test/tap.sh"

dir="${AM_SHARED_DIR:-${top_srcdir:-.}/../shared}/conformance/arc"
[ -f "$dir/arc-validation-tests.yml" ] && [ -f "$dir/arc-sign-tests.yml" ] ||
	tap_skip_all "the ValiMail ARC suites are not in $dir"
builddir=${top_builddir:-.}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# One TAP stream: the two runs, renumbered.
{
	"$builddir/test/arc_suite" validate "$dir/arc-validation-tests.yml" ||
		echo "not ok - arc_suite validate exited $?"
	"$builddir/test/arc_suite" sign "$dir/arc-sign-tests.yml" ||
		echo "not ok - arc_suite sign exited $?"
} >"$out"
awk '/^1\.\./ { next }
	/^(not )?ok/ { n++; sub(/^ok [0-9]+/, "ok " n);
		sub(/^not ok [0-9]+/, "not ok " n);
		sub(/^not ok -/, "not ok " n " -") }
	{ print }
	END { print "1.." n }' "$out"
