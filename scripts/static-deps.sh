#!/bin/sh
# Builds static libmount.a + libblkid.a from Debian's util-linux source
# package, for `make static` (Debian ships no libmount.a).
#
# usage: static-deps.sh DIR
#   DIR/src     the unpacked source (kept: a second run reuses it)
#   DIR/ulbuild the out-of-tree build
#   DIR/prefix  lib/libmount.a, lib/libblkid.a, include/{libmount,blkid}
# Quick and silent when DIR/prefix already holds both libraries. The build
# log is DIR/util-linux.log; it is shown only when a step fails.
set -eu

dir=${1:?usage: static-deps.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
prefix=$dir/prefix
log=$dir/util-linux.log

[ -f "$prefix/lib/libmount.a" ] && [ -f "$prefix/lib/libblkid.a" ] && exit 0

# Runs "$@" with its output in the log; prints the log's tail on failure.
quiet() {
	if ! "$@" >>"$log" 2>&1; then
		echo "static-deps: failed: $*" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "static-deps: $1 — run make static as root" >&2
		exit 1
	fi
}

# Build tools: dpkg-source (apt-get source), a compiler, make, file(1)
# (the static check reads its verdict).
install_tools() {
	missing=""
	for p in dpkg-dev gcc make libc6-dev file; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	need_root "missing:$missing"
	echo "static-deps: installing$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive quiet apt-get install -y -qq \
		--no-install-recommends $missing
}

# sw_apt_init, sw_apt: apt state of our own (shared with bwrap-suite.sh).
. "$(dirname "$0")/debsrc.sh"

# Unpacks util-linux-VERSION under DIR/src once; prints its path.
fetch_source() {
	src=$(find "$dir/src" -maxdepth 1 -type d -name 'util-linux-*' \
		2>/dev/null | head -n 1)
	if [ -z "$src" ]; then
		sw_apt_init static-deps "$dir/apt" deb-src
		rm -rf "$dir/src"
		mkdir -p "$dir/src"
		echo "static-deps: apt-get source util-linux" >&2
		(cd "$dir/src" && quiet sw_apt "$dir/apt" apt-get source -qq util-linux)
		src=$(find "$dir/src" -maxdepth 1 -type d -name 'util-linux-*' |
			head -n 1)
	fi
	[ -n "$src" ] || { echo "static-deps: no util-linux source" >&2; exit 1; }
	age_autotools_inputs "$src"
	echo "$src"
}

# Debian's patches touch configure.ac (for a program we do not build), which
# would make the build rerun autoreconf: date the autotools inputs back so
# the shipped configure and Makefile.in are used as they are.
age_autotools_inputs() {
	find "$1" -path "$1/debian" -prune -o \( -name configure.ac -o \
		-name '*.am' -o -name acinclude.m4 -o -path '*/m4/*.m4' \) \
		-exec touch -d 2000-01-01 {} +
}

# Only the two libraries, and nothing they could optionally link.
configure_flags() {
	echo --prefix="$prefix" --libdir="$prefix/lib" \
		--disable-all-programs --enable-libblkid --enable-libmount \
		--enable-static --disable-shared --disable-nls \
		--disable-bash-completion --disable-asciidoc --disable-poman \
		--disable-makeinstall-chown --disable-makeinstall-setuid \
		--without-python --without-systemd --without-udev \
		--without-selinux --without-audit --without-smack \
		--without-cryptsetup --without-econf --without-btrfs \
		--without-libz --without-readline --without-ncursesw \
		--without-ncurses --without-tinfo --without-user \
		--without-util --without-libmagic
}

build() {
	src=$1
	b=$dir/ulbuild
	rm -rf "$b" "$prefix"
	mkdir -p "$b"
	echo "static-deps: building libmount.a + libblkid.a (log: $log)" >&2
	# shellcheck disable=SC2046
	(cd "$b" && quiet "$src/configure" $(configure_flags) CFLAGS="-O2 -g0")
	quiet make -C "$b" -j"$(nproc)"
	quiet make -C "$b" install
}

: >"$log"
install_tools
src=$(fetch_source)
start=$(date +%s)
build "$src"
echo "static-deps: done in $(($(date +%s) - start)) s" >&2
