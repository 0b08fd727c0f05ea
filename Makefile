# shrinkwrap — build, test, install.
#
#   make              build/libswrap.a, build/libswrap.so, build/swrap
#   make check        every test (see _check), what CI runs
#   make bwrap-suite  bubblewrap's own tests against swrap (mk/bwrapsuite.mk)
#   make cross-check  the aarch64 build and its swrap-init under qemu-user
#                     (mk/cross.mk; part of make check)
#   make check SANITIZE=1   the suites under ASan + UBSan
#
# Every public target first runs scripts/deps.sh, which apt-get installs
# what is missing; the real work happens in a sub-make so that pkg-config
# is asked only once the packages are there.

PUBLIC := all check unit integration parity demo bench static fuzz fuzz-check \
	security install uninstall example-check vm-check rust-check bwrap-suite \
	cross-check

.PHONY: $(PUBLIC) deps clean
.DEFAULT_GOAL := all

ifeq ($(SW_INNER),)

$(PUBLIC): deps
	@$(MAKE) --no-print-directory SW_INNER=1 _$@

# check runs the fuzzer too: clang is one of its dependencies.
check fuzz fuzz-check: export SWRAP_FUZZ = 1
# and the suites in VMs (mk/vm.mk): qemu, busybox-static and cpio.
check vm-check: export SWRAP_VM = 1
# and the Rust crate (mk/rust.mk): cargo, when none is found.
check rust-check: export SWRAP_RUST = 1
# and the aarch64 build (mk/cross.mk): a cross compiler and qemu-user.
check cross-check: export SWRAP_CROSS = 1

deps:
	@sh scripts/deps.sh

# Any other target (install, bench, static, fuzz ... from mk/*.mk): the same.
.DEFAULT:
	@sh scripts/deps.sh
	@$(MAKE) --no-print-directory SW_INNER=1 _$@

clean:
	rm -rf build build-*

else

PKGS := mount libcap libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
# What libswrap links: libmount is dlopen'ed when first needed (see
# src/mount/libmount.h), so it is not among them.
LIB_LIBS := $(shell pkg-config --libs libcap libseccomp)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka)

BUILD ?= build
B := $(BUILD)
ifeq ($(SANITIZE),1)
B := $(BUILD)/san
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -fPIC -D_GNU_SOURCE $(SAN)
CPPFLAGS += -Iinclude -Isrc $(PKG_CFLAGS)
LDFLAGS += $(SAN)

LIB_SRCS := $(wildcard src/spec/*.c src/compat/*.c src/ns/*.c src/mount/*.c \
	src/cgroup/*.c src/env/*.c)
CLI_SRCS := $(wildcard src/cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
# swrap-init (src/init): the jail's PID 1, carried inside libswrap
# (src/init/image.S). Its raw system calls and entry point are written for
# the architectures in INIT_ARCHS (src/init/arch.h); a build for another
# carries none (SW_NO_INIT), and every launch there copies the caller.
# It is built by INIT_CFLAGS alone, never with $(SAN): a SANITIZE=1 build
# carries the same program.
INIT_ARCHS := x86_64 aarch64
ifneq ($(filter $(addsuffix -%,$(INIT_ARCHS)),$(shell $(CC) -dumpmachine)),)
INIT_OBJ := $(B)/obj/src/init/image.o
else
CPPFLAGS += -DSW_NO_INIT
endif
LIB_OBJS += $(INIT_OBJ)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/obj/%.o)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/test_*.c))
INTEG_TESTS := $(patsubst tests/integration/%.c,$(B)/tests/integration/%,$(wildcard tests/integration/test_*.c))
TEST_HELPERS := $(patsubst tests/helpers/%.c,$(B)/tests/helpers/%,$(wildcard tests/helpers/*.c))
TEST_COMMON := $(wildcard tests/common/*.c)

SONAME := libswrap.so.0

_all: $(B)/libswrap.a $(B)/libswrap.so $(B)/swrap

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# No C library, no interpreter: a few kilobytes that exec in microseconds.
# (mk/cross.mk builds the same program for aarch64 with these flags.)
INIT_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Os -Wall -Wextra -Werror -static \
	-nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
	-fno-asynchronous-unwind-tables -fcf-protection=none -Wl,--build-id=none -s
$(B)/init/swrap-init: src/init/init.c src/init/sys.h src/init/arch.h
	@mkdir -p $(dir $@)
	$(CC) $(INIT_CFLAGS) -Isrc -o $@ $<

$(B)/obj/src/init/image.o: src/init/image.S $(B)/init/swrap-init
	@mkdir -p $(dir $@)
	$(CC) -c -DSW_INIT_IMAGE='"$(B)/init/swrap-init"' -o $@ $<

$(B)/libswrap.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/libswrap.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,-z,now $(LDFLAGS) -o $@ $^ $(LIB_LIBS)

# The command takes libcap and libseccomp statically (Debian ships their
# .a) and libmount only when a launch needs it (dlopen): fewer shared
# objects to map at every launch.
SWRAP_LIBS := -Wl,-Bstatic -lcap -lseccomp -Wl,-Bdynamic
$(B)/swrap: $(CLI_OBJS) $(B)/libswrap.a
	$(CC) $(LDFLAGS) -Wl,-z,now -o $@ $(CLI_OBJS) $(B)/libswrap.a $(SWRAP_LIBS)

# Tests link the static library so they can reach internal headers.
$(B)/tests/%: tests/%.c $(TEST_COMMON) $(B)/libswrap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/common $(CFLAGS) -o $@ $< $(TEST_COMMON) \
		$(B)/libswrap.a $(PKG_LIBS) $(CMOCKA_LIBS) -lpthread $(LDFLAGS)

# Programs run inside jails by the tests: static, so they need no libraries.
$(B)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

# The main job: the launcher's shim profile around a program that reports
# what it sees from inside. The program is copied first into a fresh
# directory of its own, as a launcher installs its shim (the profile binds
# the shim's directory), so what the jail shows does not depend on where
# the checkout is; the directory is removed afterwards.
DEMO_ARGS := ids + env + cwd + ls / + flags /usr + write /usr/x + write /tmp/x
_demo: _all $(B)/tests/helpers/jt
	@d=$$(mktemp -d /tmp/swrap-demo.XXXXXX) && cp $(B)/tests/helpers/jt "$$d/jt" && \
	echo "\$$ swrap --profile shim -- $$d/jt $(DEMO_ARGS)" && \
	$(B)/swrap --profile shim -- "$$d/jt" $(DEMO_ARGS); rc=$$?; rm -rf "$$d"; exit $$rc

# Further rule sets (install, bench, fuzz, static, fault, security,
# parity) live in mk/; included here so their test lists are known below.
-include $(wildcard mk/*.mk)

RUN_TESTS = SW_BUILD=$(B) sh scripts/run-tests.sh

_unit: _all $(UNIT_TESTS)
	@$(RUN_TESTS) unit $(UNIT_TESTS)

_integration: _all $(INTEG_TESTS) $(TEST_HELPERS)
	@$(RUN_TESTS) integration $(INTEG_TESTS)

_parity: _all $(TEST_HELPERS)
	@$(RUN_TESTS) parity $(PARITY_TESTS)

# Everything CI runs. The static binary is built first (best effort: it
# needs Debian's util-linux source package; test_static says when it is
# missing); then every cmocka suite; the aarch64 build and its swrap-init
# under qemu-user (mk/cross.mk); the Rust crate's tests (mk/rust.mk);
# then the VM suites on Debian's
# kernels (mk/vm.mk); then 60 s of fuzzing; the unit tests
# under valgrind; and the unit and launch tests again under ASan + UBSan.
SAN_TESTS := $(UNIT_TESTS:$(B)/%=%) tests/integration/test_launch tests/integration/test_library
_check: _all $(UNIT_TESTS) $(INTEG_TESTS) $(TEST_HELPERS) $(FAULT_TESTS) $(SEC_TESTS) $(PARITY_TESTS)
	@$(MAKE) --no-print-directory _static || echo "check: make static failed; test_static will skip"
	@$(RUN_TESTS) all $(UNIT_TESTS) $(INTEG_TESTS) $(FAULT_TESTS) $(SEC_TESTS) $(PARITY_TESTS)
	@$(MAKE) --no-print-directory _cross-check
	@$(MAKE) --no-print-directory _rust-check
	@$(MAKE) --no-print-directory _vm-check
	@$(MAKE) --no-print-directory _fuzz-check
	@$(MAKE) --no-print-directory _valgrind
ifneq ($(SANITIZE),1)
	@$(MAKE) --no-print-directory SANITIZE=1 _sancheck
endif

# memcheck over the unit tests (valgrind has no clone3 and no seccomp:
# the few tests that need them skip under it; leaks are LeakSanitizer's,
# in the sanitizer pass, since forked test children exit holding memory).
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=no --child-silent-after-fork=yes
_valgrind: _all $(UNIT_TESTS)
	@SW_UNDER_VALGRIND=1 SW_TEST_RUNNER='$(VALGRIND)' $(RUN_TESTS) valgrind $(UNIT_TESTS)

# The sanitizer pass (see _check): a subset that runs in minutes.
_sancheck: _all $(addprefix $(B)/,$(SAN_TESTS)) $(TEST_HELPERS)
	@$(RUN_TESTS) sanitizers $(addprefix $(B)/,$(SAN_TESTS))

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

endif
