#!/bin/sh
# Fetches the cloud-amd64 kernel of one Debian release, once.
# usage: fetch-kernel.sh SUITE VMDIR     (SUITE: bullseye, bookworm, trixie)
#
# Writes VMDIR/kernels/SUITE/vmlinuz, .../release (the kernel's uname -r),
# .../config and .../modules/ (the few .ko files the VM's init loads,
# uncompressed). The package comes from Debian's archive (the mirror the
# machine's apt sources name) through `apt-get download`, with apt's
# sources, lists and cache all under VMDIR/apt/SUITE: the host's own apt
# state is not written. A second call finds VMDIR/kernels/SUITE/release and downloads
# nothing.
set -eu
suite=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd) # apt takes relative Dir:: paths as relative to /
out=$dir/kernels/$suite
[ -s "$out/release" ] && [ -s "$out/vmlinuz" ] && exit 0

# Modules the suites need when the kernel has them as modules rather than
# built in (tun: /dev/net/tun, which test_launch compares with the host).
want_modules="tun"

# Apt state of our own, on the machine's own mirror (scripts/debsrc.sh).
. "$(dirname "$0")/../debsrc.sh"
apt=$dir/apt/$suite
echo "vm: $suite: fetching the package lists"
sw_apt_init "vm: $suite" "$apt" deb "$suite"
# The metapackage depends on the versioned image: linux-image-X-cloud-amd64.
pkg=$(sw_apt "$apt" apt-cache depends linux-image-cloud-amd64 |
	sed -n 's/^ *Depends: \(linux-image-[^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "vm: $suite: no linux-image-cloud-amd64 dependency" >&2; exit 1; }
echo "vm: $suite: downloading $pkg"
mkdir -p "$apt/deb"
rm -f "$apt/deb/"*.deb
(cd "$apt/deb" && sw_apt "$apt" apt-get download "$pkg" >/dev/null)
deb=$(ls "$apt/deb/"*.deb)

# Unpack, keep the kernel and the modules we want, drop the rest.
x=$apt/x
rm -rf "$x"
mkdir -p "$x"
dpkg-deb -x "$deb" "$x"
vmlinuz=$(ls "$x"/boot/vmlinuz-* | head -n 1)
release=${vmlinuz##*/vmlinuz-}
rm -rf "$out"
mkdir -p "$out/modules"
cp "$vmlinuz" "$out/vmlinuz"
for m in $want_modules; do
	# /lib/modules (bullseye, bookworm) or /usr/lib/modules (trixie);
	# .ko, or .ko.xz (trixie) which busybox's insmod may not read
	# (busybox's xz: one package fewer on the host).
	f=$(find "$x" -path "*/modules/$release/*" \( -name "$m.ko" -o -name "$m.ko.xz" \) | head -n 1)
	case $f in
	'') ;; # built in (or absent): the VM's init says which
	*.xz) busybox xz -dc "$f" >"$out/modules/$m.ko" ;;
	*) cp "$f" "$out/modules/$m.ko" ;;
	esac
done
# What the kernel was built with, for whoever reads the log later.
cp "$x/boot/config-$release" "$out/config" 2>/dev/null || true
rm -rf "$x"
printf '%s\n' "$release" >"$out/release"
echo "vm: $suite: kernel $release ($(ls "$out/modules" | tr '\n' ' ')modules)"
