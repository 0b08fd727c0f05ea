#!/bin/sh
# Builds the test VM's initramfs: a small Linux root with busybox, the
# static swrap, the test binaries with their shared libraries, the static
# helpers, and scripts/vm/init + stage2.sh.
# usage: mkinitramfs.sh BUILD OUT.cpio.gz TEST...
#   BUILD  the build directory (build): $BUILD/static/swrap, $BUILD/tests/...
#   TEST   test binaries relative to BUILD (tests/integration/test_launch)
# Host paths are laid out as in Debian's merged /usr: /bin, /sbin, /lib and
# /lib64 are links into /usr, because the suites bind those into jails.
# Kernel-specific parts (modules, the run's config) are separate archives
# that run.sh appends (the kernel reads concatenated cpio archives).
set -eu
here=$(dirname "$0")
build=$1
out=$2
shift 2
root=$out.d
rm -rf "$root"
mkdir -p "$root"
cd "$root"
mkdir -p usr/bin usr/sbin usr/lib usr/lib64 etc root tmp proc sys dev run \
	swtest/build/tests/helpers
ln -s usr/bin bin
ln -s usr/sbin sbin
ln -s usr/lib lib
ln -s usr/lib64 lib64
chmod 1777 tmp
chmod 0700 root
cd - >/dev/null

# busybox and all its applets (the suites run /bin/sh, /usr/bin/true ...).
bb=$(command -v busybox) || { echo "vm: busybox (busybox-static) is missing" >&2; exit 1; }
file -L "$bb" | grep -q 'statically linked' ||
	{ echo "vm: $bb is not static (install busybox-static)" >&2; exit 1; }
cp "$bb" "$root/usr/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || [ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done

# copy_one FILE: FILE (followed if a link) at its own path, under the
# merged /usr.
copy_one() {
	case $1 in
	/lib/* | /lib64/* | /bin/* | /sbin/*) dst=$root/usr$1 ;;
	*) dst=$root$1 ;;
	esac
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	cp -L "$1" "$dst"
}
# copy_libs BINARY: the shared objects ldd lists, and the loader.
copy_libs() {
	for lib in $(ldd "$1" 2>/dev/null |
		sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p'); do
		copy_one "$lib"
	done
}

cp "$build/static/swrap" "$root/swtest/build/swrap"
cp "$build"/tests/helpers/* "$root/swtest/build/tests/helpers/"
for t in "$@"; do
	mkdir -p "$root/swtest/build/$(dirname "$t")"
	cp "$build/$t" "$root/swtest/build/$t"
	copy_libs "$build/$t"
done
# libswrap dlopen()s libmount (src/mount/libmount.c): ldd can't see it.
lm=$(ldconfig -p | sed -n 's/^[[:space:]]*libmount\.so\.1 (.*x86-64.*) => \(.*\)$/\1/p' | head -n 1)
if [ -n "$lm" ]; then
	copy_one "$lm"
	copy_libs "$lm"
fi
# bubblewrap, when the host has it: test_launch and test_inherit compare
# swrap with it.
if [ -x /usr/bin/bwrap ]; then
	copy_one /usr/bin/bwrap
	copy_libs /usr/bin/bwrap
fi

cp "$here/init" "$root/init"
cp "$here/stage2.sh" "$root/swtest/stage2.sh"
chmod 0755 "$root/init" "$root/swtest/stage2.sh"

cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
swtest:x:4242:4242:swtest:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
cat >"$root/etc/group" <<'GR'
root:x:0:
swtest:x:4242:
nogroup:x:65534:
GR
echo "passwd: files" >"$root/etc/nsswitch.conf"
echo "group: files" >>"$root/etc/nsswitch.conf"
echo "nameserver 127.0.0.1" >"$root/etc/resolv.conf"
echo swvm >"$root/etc/hostname"
echo "127.0.0.1 localhost swvm" >"$root/etc/hosts"
touch "$root/etc/fstab"
cp /etc/os-release "$root/etc/os-release" 2>/dev/null || true

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
rm -rf "$root"
