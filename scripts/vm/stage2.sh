#!/bin/sh
# Second stage of the test VM (scripts/vm/run.sh): PID 1 on the tmpfs root
# that scripts/vm/init switched to. Sets up a small Linux root the way a
# systemd host looks (pure cgroup v2, every controller enabled, a delegated
# user scope), prints `swrap doctor`, runs the suites and powers off.
#
# Reads /swtest/config (written by run.sh):
#   VM_SUITES    test binaries, relative to $SW_BUILD
#   VM_LAYOUTS   "root scope", or one of them: where the binaries run (below)
#   VM_ROOT_SUITES  the binaries of the "root" layout (default: VM_SUITES)
#   VM_TIMEOUT   seconds one binary may take before it is killed
#   VM_DELEGATE  controllers enabled from user.slice down ("all": every one
#                the parent offers; systemd's user@.service delegates
#                "cpu memory pids")
#   VM_ENV       NAME=VALUE words exported to the suites (SW_RACE_N=...)
#
# Everything goes to the serial console; run.sh reads the lines that start
# with "SWVM " (one per binary, then one with the totals).
export PATH=/usr/bin:/usr/sbin HOME=/root TERM=dumb
export SW_BUILD=/swtest/build
export SWRAP=$SW_BUILD/swrap
VM_SUITES="" VM_ROOT_SUITES="" VM_LAYOUTS="root scope" VM_TIMEOUT=600 VM_DELEGATE=all VM_ENV=""
. /swtest/config
[ -n "$VM_ROOT_SUITES" ] || VM_ROOT_SUITES=$VM_SUITES
for e in $VM_ENV; do
	export "${e?}"
done

say() { echo "vm: $*"; }
die() {
	say "$*"
	echo "SWVM ABORT $*"
	poweroff -f
}

# --- the root -------------------------------------------------------------
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
chmod 1777 /tmp
hostname swvm
ip link set lo up 2>/dev/null
# Modules the kernel did not build in (fetch-kernel.sh picked them).
for m in /swtest/modules/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" || say "insmod $m failed"
done
# As udev leaves it on a Debian host (50-udev-default.rules).
chmod 0666 /dev/net/tun 2>/dev/null || say "no /dev/net/tun"

# --- cgroup v2 only, every controller ---------------------------------------
# As systemd mounts it; memory_recursiveprot is 5.7+, so fall back.
cg=/sys/fs/cgroup
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 $cg 2>/dev/null ||
	mount -t cgroup2 -o nsdelegate cgroup2 $cg || die "cannot mount cgroup2"
# The kernel runs with cgroup_no_v1=all: nothing of v1 may show up.
grep -q ' cgroup ' /proc/mounts && die "a cgroup v1 hierarchy is mounted"

# enable DIR CONTROLLERS: "+c" into DIR/cgroup.subtree_control, one at a
# time (so that one refusal doesn't hide the others). "all": every
# controller DIR's cgroup.controllers offers.
enable() {
	d=$1
	shift
	[ "$*" = all ] && set -- $(cat "$d/cgroup.controllers")
	for c in "$@"; do
		echo "+$c" >"$d/cgroup.subtree_control" 2>/dev/null ||
			say "cannot enable $c in $d"
	done
}
enable $cg all
# A root-owned service, as systemd makes for a system unit.
mkdir -p $cg/system.slice/swtest.service
enable $cg/system.slice all
root_cg=$cg/system.slice/swtest.service
# The user's delegated tree, as systemd and the user's manager make it:
# root owns user.slice and user-4242.slice; user@4242.service is delegated
# (the directory and the three files that let its owner create children
# and move processes), and what the user's manager creates below it is the
# user's altogether.
u=$cg/user.slice/user-4242.slice/user@4242.service
scope=$u/app.slice/run-swtest.scope
mkdir -p $scope
enable $cg/user.slice $VM_DELEGATE
enable $cg/user.slice/user-4242.slice $VM_DELEGATE
enable $u $VM_DELEGATE
enable $u/app.slice $VM_DELEGATE
chown 4242:4242 $u $u/cgroup.procs $u/cgroup.subtree_control $u/cgroup.threads
chown -R 4242:4242 $u/app.slice

echo "== kernel $(uname -r), cgroup2 at $cg"
grep cgroup /proc/mounts
for d in $cg $cg/system.slice $cg/user.slice $cg/user.slice/user-4242.slice $u $u/app.slice; do
	echo "${d#$cg}/ subtree_control: $(cat $d/cgroup.subtree_control)"
done
ls -ld /dev/net/tun /dev/kvm 2>&1
# What swrap doctor does not list: cgroup.kill (5.14+; swrap falls back to
# freezing and signalling each process).
if [ -e $cg/system.slice/cgroup.kill ]; then
	echo "cgroup.kill: present"
else
	echo "cgroup.kill: absent"
fi

# run_in CGROUP CMD...: CMD with its own process moved into CGROUP first.
run_in() {
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$@"
}

echo "== swrap doctor (root, $root_cg)"
run_in $root_cg $SWRAP doctor
echo "== swrap doctor (uid 4242, ${scope#$cg})"
# (busybox's setpriv can't change ids; its su can, as root, from passwd)
run_in $scope su -s /bin/sh -c "exec $SWRAP doctor" swtest

# reap CGROUP: SIGKILL to whatever is left in CGROUP and below it (a binary
# killed by its timeout leaves its children).
reap() {
	for p in $(find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
}

# --- the suites -----------------------------------------------------------
# The binaries run as root and drop to uid 4242 themselves for their /user
# cases. "scope": in the user's run-swtest.scope (the /user cases see a
# delegated cgroup); "root": in system.slice/swtest.service (the /root cases
# see a root's layout).
mkdir -p /swtest/out
cd /swtest || die "no /swtest"
tp=0
tf=0
for layout in $VM_LAYOUTS; do
	case $layout in
	root) where=$root_cg suites=$VM_ROOT_SUITES ;;
	scope) where=$scope suites=$VM_SUITES ;;
	*) die "unknown layout $layout" ;;
	esac
	for t in $suites; do
		name=${t##*/}
		log=/swtest/out/$layout-$name.log
		echo "== $name ($layout: ${where#$cg})"
		t0=$(date +%s)
		# The sh stays the binary's parent (no exec): the suites take
		# their parent for a process outside the jail, which PID 1 (here
		# stage2.sh, and busybox's timeout execs what it runs) can't be.
		# shellcheck disable=SC2016
		timeout -s KILL "$VM_TIMEOUT" sh -c \
			'echo $$ >"$1/cgroup.procs" && "$2"; exit $?' sh "$where" "$SW_BUILD/$t" \
			>"$log" 2>&1
		rc=$?
		t1=$(date +%s)
		cat "$log"
		# Counted as scripts/run-tests.sh counts them.
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
		if [ $rc -eq 137 ]; then
			echo "vm: $name killed after $VM_TIMEOUT s"
			reap "$where"
		fi
		tp=$((tp + p))
		tf=$((tf + f))
		echo "SWVM SUITE $layout $name $p $f $rc $((t1 - t0))"
	done
done
echo "SWVM DONE $(uname -r) $tp $tf"
sync
poweroff -f
