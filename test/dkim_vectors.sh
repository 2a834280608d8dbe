#!/bin/sh
# dkim_vectors.sh - public DKIM test vectors: RFC 8463 Appendix A.3 as
# go-msgauth quotes it, and the signed messages of python-dkim's suite.
#
# Both come from Debian packages fetched at test time (apt-get download
# works where nothing may be installed) and are never copied into this
# repository.  test/dkim_vectors prints the TAP.
set -u
. "${top_srcdir:-.}/test/tap.sh"

builddir=${top_builddir:-.}
cache="$builddir/test/cache/dkim-vectors"
go=usr/share/gocode/src/github.com/emersion/go-msgauth/dkim
py=usr/lib/python3/dist-packages/dkim/tests

# root PKG DIR: where DIR of package PKG can be read, installed or not.
root() {
	if [ -d "/$2" ]; then
		echo /
	elif [ -d "$cache/$1/$2" ] ||
		(mkdir -p "$cache/$1" && cd "$cache/$1" &&
			apt-get download "$1" >/dev/null 2>&1 &&
			dpkg -x "$1"_*.deb .); then
		echo "$cache/$1"
	fi
}

go_root=$(root golang-github-emersion-go-msgauth-dev "$go")
[ -n "$go_root" ] && [ -d "$go_root/$go" ] ||
	tap_skip_all "golang-github-emersion-go-msgauth-dev not available (apt-get download failed)"
py_root=$(root python3-dkim "$py")
[ -n "$py_root" ] && [ -d "$py_root/$py" ] ||
	tap_skip_all "python3-dkim not available (apt-get download failed)"
exec "$builddir/test/dkim_vectors" "$go_root/$go" "$py_root/$py"
