#!/bin/sh
# Installs what building and testing shrinkwrap needs, when it is missing.
# Called by make; does nothing (quickly) when everything is there.
set -eu
pkgs="pkg-config libcap-dev libmount-dev libseccomp-dev libcmocka-dev bubblewrap valgrind iproute2"
[ "${SWRAP_FUZZ:-0}" = 1 ] && pkgs="$pkgs clang"
# make check / vm-check boot Debian's kernels under qemu (mk/vm.mk).
[ "${SWRAP_VM:-0}" = 1 ] && pkgs="$pkgs qemu-system-x86 busybox-static cpio"
# make check / cross-check build for aarch64 and run its swrap-init under
# qemu-user (mk/cross.mk); the C library headers are only recommended by
# the compiler's package, so they are named.
[ "${SWRAP_CROSS:-0}" = 1 ] &&
	pkgs="$pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user"
# make check / rust-check test the Rust crate (mk/rust.mk): Debian's cargo
# (and rustc) when there is no cargo at all; any cargo found is kept.
[ "${SWRAP_RUST:-0}" = 1 ] && ! command -v cargo >/dev/null 2>&1 &&
	pkgs="$pkgs cargo"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing — install them (apt-get install$missing) or run make as root" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
