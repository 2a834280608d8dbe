#!/bin/sh
# spf_suite.sh - the OpenSPF RFC 7208 and RFC 4408 test suites.
#
# The suites ship in Debian's python3-spf package; they are fetched at
# test time (apt-get download works where documentation is excluded from
# installs) and never copied into this repository.
set -u
. "${top_srcdir:-.}/test/tap.sh"

builddir=${top_builddir:-.}
cache="$builddir/test/cache/python3-spf"
docdir=/usr/share/doc/python3-spf

suite_file() {
	if [ -f "$docdir/$1.gz" ]; then
		echo "$docdir/$1.gz"
	elif [ -f "$cache/usr/share/doc/python3-spf/$1.gz" ]; then
		echo "$cache/usr/share/doc/python3-spf/$1.gz"
	fi
}

if [ -z "$(suite_file rfc7208-tests.yml)" ]; then
	mkdir -p "$cache"
	(cd "$cache" && apt-get download python3-spf >/dev/null 2>&1 &&
		dpkg -x python3-spf_*.deb .) ||
		tap_skip_all "python3-spf not available (apt-get download python3-spf failed)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in rfc7208-tests.yml rfc4408-tests.yml; do
	f=$(suite_file "$s")
	[ -n "$f" ] || tap_skip_all "$s missing from python3-spf"
	gzip -dc "$f" >"$tmp/$s"
done
exec "$builddir/test/spf_suite" "$tmp/rfc7208-tests.yml" "$tmp/rfc4408-tests.yml"
