# vm.mk — `make vm-check` (inner: _vm-check): the suites below inside real
# Debian kernels under qemu: the cloud-amd64 kernels of bullseye (5.10),
# bookworm (6.1) and trixie (6.12), each booted on an initramfs holding
# busybox, the static swrap, these test binaries (with their shared
# libraries) and the static helpers. Inside: cgroup v2 only, every
# controller enabled, and each binary run twice, from a root-owned
# system.slice/swtest.service and from the uid 4242 delegated scope
# user.slice/user-4242.slice/user@4242.service/app.slice/run-swtest.scope.
# See scripts/vm/run.sh (its environment: VM_KERNELS, VM_ACCEL ...),
# scripts/vm/stage2.sh (the VM side) and scripts/vm/fetch-kernel.sh (the
# kernels, downloaded once into $(B)/vm/kernels).
#
# KVM when /dev/kvm is usable, TCG otherwise. Under TCG (three VMs at a
# time, one vCPU each) VM_TCG_SUITES run from the delegated scope, which
# covers the /root and /user cases both, and only VM_TCG_ROOT_SUITES from
# the root-owned cgroup too: those whose outcome depends on the cgroup they
# start in (test_cgroup_v2 builds its own layouts). test_library's
# threaded storm launches 40 jails instead of 500 under TCG (VM_STORM_JAILS).
# A TCG run of all three kernels then takes about 4 minutes on two
# cores (3m40s measured, build included);
# with KVM everything runs from both.

# The suites (relative to $(B)), one variable to extend: every
# tests/integration/test_cgroup*.c and tests/vm/test_*.c is in by itself.
VM_SUITES := tests/integration/test_launch \
	$(patsubst %.c,%,$(wildcard tests/integration/test_cgroup*.c)) \
	tests/integration/test_inherit tests/security/test_attacks \
	tests/security/test_cgroup_escape \
	tests/integration/test_library tests/integration/test_doctor \
	tests/integration/test_lifecycle tests/integration/test_landlock \
	$(patsubst %.c,%,$(wildcard tests/vm/test_*.c))
VM_TCG_SUITES ?= $(VM_SUITES)
VM_TCG_ROOT_SUITES ?= $(filter tests/integration/test_cgroup tests/integration/test_cgroup_host \
	tests/integration/test_doctor tests/vm/%,$(VM_TCG_SUITES))

.PHONY: _vm-check
_vm-check: $(ST)/swrap $(addprefix $(B)/,$(VM_SUITES)) $(TEST_HELPERS)
	@VM_TCG_TESTS='$(VM_TCG_SUITES)' VM_TCG_ROOT_TESTS='$(VM_TCG_ROOT_SUITES)' \
		sh scripts/vm/run.sh $(B) $(VM_SUITES)
