#!/bin/sh
# replay.sh - every fuzz target replays its seed corpus (and any crash
# reproducers kept there); under the sanitizer build this catches memory
# errors without clang.
set -u
. "${top_srcdir:-.}/test/tap.sh"

for target in ${FUZZ_TARGETS:?set by make check}; do
	corpus="${top_srcdir:-.}/test/fuzz/corpus/$target"
	tap_check "fuzz corpus replays clean: $target" \
		"${top_builddir:-.}/test/fuzz/replay_$target" "$corpus"
done
tap_done
