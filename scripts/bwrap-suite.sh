#!/bin/sh
# `make bwrap-suite` (part of `make check`): bubblewrap's own tests, run
# against swrap as a drop-in. The tests come from Debian's source package
# of bubblewrap (apt-get source, the same version as the installed
# reference bwrap; fetched once into BUILD/bwrap-suite): tests/test-run.sh
# and the namespace-joining scripts test-specifying-userns.sh and
# test-specifying-pidns.sh. Each runs with BWRAP pointing at a `bwrap`
# symlink to swrap (swrap's bwrap personality), and again at the real
# bwrap, as root and as uid 4242. Every section the real bwrap passes here
# must pass through swrap too; the scripts stop at their first failure, so
# a section swrap fails also hides the ones after it, which are listed.
#
# usage: bwrap-suite.sh BUILD SWRAP
# The suite is staged with swrap in a root-owned 0755 directory under /tmp
# that uid 4242 can reach, whatever the checkout's permissions.
set -eu

build=${1:?usage: bwrap-suite.sh BUILD SWRAP}
swrap=${2:?usage: bwrap-suite.sh BUILD SWRAP}
here=$(cd "$(dirname "$0")" && pwd)
dir=$build/bwrap-suite
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
log=$dir/fetch.log
real=$(command -v bwrap || true)
[ -n "$real" ] || { echo "bwrap-suite: no bwrap installed (scripts/deps.sh installs it)" >&2; exit 1; }

. "$here/debsrc.sh"

# The source package, unpacked once.
src=$(find "$dir/src" -maxdepth 1 -type d -name 'bubblewrap-*' 2>/dev/null | head -n 1)
if [ -z "$src" ]; then
	sw_apt_init bwrap-suite "$dir/apt" deb-src
	rm -rf "$dir/src" && mkdir -p "$dir/src"
	echo "bwrap-suite: apt-get source bubblewrap" >&2
	if ! (cd "$dir/src" && sw_apt "$dir/apt" apt-get source -q --download-only bubblewrap \
		>>"$log" 2>&1); then
		echo "bwrap-suite: can't fetch bubblewrap's source package" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	# With Debian's patches (they fix tests for Debian's build), as the
	# reference bwrap was built; the bare upstream tarball otherwise.
	if command -v dpkg-source >/dev/null 2>&1; then
		(cd "$dir/src" && dpkg-source -q --no-check -x bubblewrap_*.dsc \
			bubblewrap-debian >>"$log" 2>&1) || rm -rf "$dir/src/bubblewrap-debian"
	fi
	[ -d "$dir/src/bubblewrap-debian" ] ||
		tar -xf "$dir"/src/bubblewrap_*.orig.tar.* -C "$dir/src"
	src=$(find "$dir/src" -maxdepth 1 -type d -name 'bubblewrap-*' | head -n 1)
fi
[ -n "$src" ] && [ -f "$src/tests/test-run.sh" ] ||
	{ echo "bwrap-suite: no tests/test-run.sh in $dir/src" >&2; exit 1; }

stage=$(mktemp -d /tmp/swbwrap.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cp -R "$src/tests" "$stage/tests"
cp "$swrap" "$stage/swrap"
ln -s swrap "$stage/bwrap"
chmod -R a+rX "$stage"
chmod 755 "$stage"

# The names of the sections a run passed ("ok - NAME" in 0.8, "ok N NAME"
# later), one a line, into $out; its whole output into $out.log.
run() { # who bwrap script out
	if [ "$1" = user ]; then
		(cd /tmp && HOME=/tmp BWRAP=$2 timeout 600 setpriv --reuid 4242 \
			--regid 4242 --clear-groups bash "$stage/tests/$3") >"$4.log" 2>&1 || true
	else
		(cd /tmp && BWRAP=$2 timeout 600 bash "$stage/tests/$3") >"$4.log" 2>&1 || true
	fi
	sed -n 's/^ok \(- \|[0-9][0-9]* \)\{0,1\}//p' "$4.log" >"$4"
}

version=bubblewrap-$(dpkg-query -W -f='${Version}' bubblewrap 2>/dev/null || echo "?")
fail=0
for who in root user; do
	for t in test-run.sh test-specifying-userns.sh test-specifying-pidns.sh; do
		[ -f "$stage/tests/$t" ] || continue
		o=$dir/$who-${t%.sh}
		run "$who" "$real" "$t" "$o.bwrap"
		run "$who" "$stage/bwrap" "$t" "$o.swrap"
		missing=$(grep -vxFf "$o.swrap" "$o.bwrap" || true)
		nb=$(wc -l <"$o.bwrap")
		ns=$(wc -l <"$o.swrap")
		if [ "$nb" -eq 0 ]; then
			echo "bwrap-suite: $version $t as $who: the real bwrap passed nothing (see $o.bwrap.log)"
			fail=1
		elif [ -n "$missing" ]; then
			echo "bwrap-suite: $version $t as $who: swrap $ns, bwrap $nb sections; swrap did not pass:"
			echo "$missing" | sed 's/^/  /'
			tail -n 15 "$o.swrap.log" | sed 's/^/  | /'
			fail=1
		else
			echo "bwrap-suite: $version $t as $who: swrap $ns, bwrap $nb sections: every section bwrap passes passes"
		fi
	done
done
exit $fail
