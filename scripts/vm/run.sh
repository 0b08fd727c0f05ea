#!/bin/sh
# `make vm-check`: boots Debian's cloud kernels under qemu and runs the
# suites inside each (see mk/vm.mk). Prints the VMs' output (less cmocka's
# RUN/OK lines: the whole of it is in VMDIR/<release>.log), one summary
# line per kernel, and a total. Exit status: non-zero when a test failed,
# a binary crashed or a VM did not finish.
# usage: run.sh BUILD TEST...      (TEST: relative to BUILD, as in mk/vm.mk)
#
# Environment:
#   VM_KERNELS   Debian releases to boot (bullseye bookworm trixie)
#   VM_ACCEL     kvm, tcg or auto (default): kvm when /dev/kvm opens
#                read-write and the CPU has hardware virtualization (vmx or
#                svm: without it /dev/kvm is a software backend, such as
#                kvm_pvm in a cloud VM, that runs an unmodified kernel far
#                slower than TCG)
#   VM_TCG_TESTS the tests run under TCG (default: all of TEST...), which
#                emulates every instruction and is many times slower;
#   VM_TCG_ROOT_TESTS  those of them also run from the root-owned cgroup
#                under TCG (default: all); with KVM every test runs from both
#   VM_LAYOUTS   "root scope" (default) or one of them; see stage2.sh
#   VM_DELEGATE  controllers enabled from user.slice down (all)
#   VM_RACE_N    launches of test_attacks' source race (its SW_RACE_N):
#                2000 with KVM, 200 with TCG (10000, its default, takes
#                ten minutes under TCG; make check runs that many on the
#                host)
#   VM_STORM_JAILS  jails of test_library's threaded storm (its
#                SW_STORM_JAILS): 500 with KVM, 40 with TCG
#   VM_MEM, VM_SMP   memory (MiB, 2048) and CPUs (2 with KVM, 1 with TCG)
#                of each VM
#   VM_JOBS      VMs at a time (1 with KVM, 3 with TCG: see below)
#   VM_TIMEOUT   seconds for one VM, boot to poweroff (900 with KVM, 1800
#                with TCG); VM_TEST_TIMEOUT: for one test binary (300/900)
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$1
shift
vmdir=$build/vm
mkdir -p "$vmdir"

kernels=${VM_KERNELS:-bullseye bookworm trixie}
accel=${VM_ACCEL:-auto}
if [ "$accel" = auto ]; then
	# Really open it: the node may be there without the right to use it.
	accel=tcg
	if [ -c /dev/kvm ] && (: <>/dev/kvm) 2>/dev/null; then
		if grep -qw -e vmx -e svm /proc/cpuinfo; then
			accel=kvm
		else
			echo "vm: /dev/kvm opens, but the CPU has no vmx/svm (a software KVM backend): using TCG"
		fi
	fi
fi
case $accel in
kvm)
	qaccel="-accel kvm -cpu host"
	tests=$*
	root_tests=$tests
	vm_timeout=${VM_TIMEOUT:-900}
	test_timeout=${VM_TEST_TIMEOUT:-300}
	race_n=${VM_RACE_N:-2000}
	storm_n=${VM_STORM_JAILS:-500}
	jobs=${VM_JOBS:-1}
	smp=${VM_SMP:-2}
	;;
tcg)
	# One host thread per vCPU (multi-threaded TCG).
	qaccel="-accel tcg,thread=multi -cpu max"
	tests=${VM_TCG_TESTS:-$*}
	root_tests=${VM_TCG_ROOT_TESTS:-$tests}
	vm_timeout=${VM_TIMEOUT:-1800}
	test_timeout=${VM_TEST_TIMEOUT:-900}
	race_n=${VM_RACE_N:-200}
	storm_n=${VM_STORM_JAILS:-40}
	jobs=${VM_JOBS:-3}
	# One vCPU: with more vCPUs than host CPUs, a guest spins on locks
	# held by a vCPU the host has descheduled (test_library's threaded
	# launches took ten times as long).
	smp=${VM_SMP:-1}
	;;
*) echo "vm: VM_ACCEL must be kvm, tcg or auto" >&2; exit 2 ;;
esac
layouts=${VM_LAYOUTS:-root scope}
mem=${VM_MEM:-2048}
qemu=$(command -v qemu-system-x86_64) ||
	{ echo "vm: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2; exit 1; }

# The kernels (downloaded once, then taken from $vmdir/kernels).
for k in $kernels; do
	sh "$here/fetch-kernel.sh" "$k" "$vmdir" || exit 1
done
# The root, common to every kernel.
sh "$here/mkinitramfs.sh" "$build" "$vmdir/root.cpio.gz" $tests || exit 1

# This kernel's part of the initramfs: its modules and the run's
# settings, appended to the common root (the kernel reads concatenated
# archives).
for k in $kernels; do
	kd=$vmdir/kernels/$k
	x=$vmdir/extra-$k.d
	rm -rf "$x"
	mkdir -p "$x/swtest/modules"
	cp "$kd"/modules/*.ko "$x/swtest/modules/" 2>/dev/null
	cat >"$x/swtest/config" <<CFG
VM_SUITES="$tests"
VM_ROOT_SUITES="$root_tests"
VM_LAYOUTS="$layouts"
VM_TIMEOUT=$test_timeout
VM_DELEGATE="${VM_DELEGATE:-all}"
VM_ENV="SW_RACE_N=$race_n SW_STORM_JAILS=$storm_n"
CFG
	(cd "$x" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$vmdir/extra-$k.cpio.gz"
	rm -rf "$x"
	cat "$vmdir/root.cpio.gz" "$vmdir/extra-$k.cpio.gz" >"$vmdir/initrd-$k.img"
	rm -f "$vmdir/extra-$k.cpio.gz"
done

# boot K: one VM, its serial console to $vmdir/<release>.log; qemu's exit
# status and the seconds it took to $vmdir/<K>.status.
boot() {
	kd=$vmdir/kernels/$1
	log=$vmdir/$(cat "$kd/release").log
	t0=$(date +%s)
	# cgroup_no_v1=all: no v1 hierarchy can be mounted; loglevel=1 keeps
	# the kernel's messages (the OOM kills the suites cause) off the
	# console; panic=-1 + -no-reboot: a panic ends qemu.
	# shellcheck disable=SC2086
	timeout --foreground -k 10 "$vm_timeout" "$qemu" -nodefaults -no-user-config \
		-display none -no-reboot -machine pc $qaccel -smp "$smp" -m "$mem" \
		-kernel "$kd/vmlinuz" -initrd "$vmdir/initrd-$1.img" \
		-append "console=ttyS0 rdinit=/init panic=-1 loglevel=1 cgroup_no_v1=all" \
		-serial "file:$log" </dev/null
	echo "$? $(($(date +%s) - t0))" >"$vmdir/$1.status"
}

# VM_JOBS VMs at a time. A VM keeps about one host CPU busy (the suites
# launch one jail at a time), so under TCG, where a whole run is CPU-bound,
# the three kernels boot together; with KVM one after another.
n=0
for k in $kernels; do
	echo "== vm: $k: booting $(cat "$vmdir/kernels/$k/release") ($accel, $smp CPUs, $mem MiB)"
	rm -f "$vmdir/$k.status"
	boot "$k" &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done
wait

summary=""
total_p=0
total_f=0
bad=0
for k in $kernels; do
	release=$(cat "$vmdir/kernels/$k/release")
	log=$vmdir/$release.log
	read -r qrc secs <"$vmdir/$k.status" || { qrc=?; secs=?; }
	# Serial lines end in \r\n.
	tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"
	echo "== vm: $k: $release (whole output: $log)"
	grep -v -e '^\[ RUN      \]' -e '^\[       OK \]' "$log"

	line="vm $release ($k, $accel, ${secs}s):"
	kp=0
	kf=0
	for layout in $layouts; do
		line="$line $layout["
		sep=""
		lt=$tests
		[ "$layout" = root ] && lt=$root_tests
		for t in $lt; do
			name=${t##*/}
			r=$(sed -n "s/^SWVM SUITE $layout $name \([0-9]*\) \([0-9]*\) .*/\1 \2/p" "$log" | tail -n 1)
			if [ -z "$r" ]; then
				r="0 1" # never ran, or never finished
				line="$line$sep${name#test_} not run"
			else
				line="$line$sep${name#test_} ${r% *}/${r#* }"
			fi
			kp=$((kp + ${r% *}))
			kf=$((kf + ${r#* }))
			sep=" "
		done
		line="$line]"
	done
	if ! grep -q "^SWVM DONE " "$log"; then
		line="$line VM DID NOT FINISH (qemu exit $qrc)"
		bad=1
	fi
	line="$line => $kp passed, $kf failed"
	[ "$kf" -ne 0 ] && bad=1
	total_p=$((total_p + kp))
	total_f=$((total_f + kf))
	summary="$summary$line
"
done
echo "== vm-check: passed/failed per suite; root: from system.slice/swtest.service, scope: from uid 4242's delegated run-swtest.scope"
printf '%s' "$summary"
echo "vm-check: $total_p passed, $total_f failed"
[ "$bad" -eq 0 ]
