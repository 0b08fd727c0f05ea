# cross.mk — `make cross-check`: the aarch64 build, from this host (part
# of `make check`; SWRAP_CROSS=1 makes scripts/deps.sh install Debian's
# gcc-aarch64-linux-gnu, its C library headers and qemu-user).
#
#   - swrap-init (src/init) for aarch64, with the Makefile's INIT_CFLAGS;
#   - every library and command source compiled for aarch64 with the
#     project's warnings (-Wall -Wextra -Werror), libswrap's objects (with
#     the swrap-init image) put into libswrap.a and linked into
#     libswrap.so, whose only unresolved symbols may be libcap's and
#     libseccomp's (there are no aarch64 builds of those here), and the
#     swrap command linked against that libswrap.so;
#   - tests/cross/test_init_qemu.c: the aarch64 swrap-init run under
#     qemu-aarch64 with real children to reap.
#
# The cross compiler gets the target's C library and kernel headers from
# its own sysroot, and a private include directory ($(XB)/include) that
# links just the headers of libcap, libseccomp and libmount, which are
# the same for every architecture: never the host's whole /usr/include.
# Prints one summary line (the details in $(XB)/*.log on failure).

CROSS_CC ?= aarch64-linux-gnu-gcc
CROSS_AR ?= aarch64-linux-gnu-ar
CROSS_NM ?= aarch64-linux-gnu-nm
CROSS_QEMU ?= qemu-aarch64
XB := $(BUILD)/cross-aarch64
XI := $(XB)/include
XCPPFLAGS := -Iinclude -Isrc -I$(XI)
XCFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -D_GNU_SOURCE
XLIB_OBJS := $(LIB_SRCS:%.c=$(XB)/obj/%.o) $(XB)/obj/src/init/image.o
XCLI_OBJS := $(CLI_SRCS:%.c=$(XB)/obj/%.o)

.PHONY: _cross-check

# The three libraries' own headers, from where their -dev packages put
# them (pkg-config's includedir).
$(XI)/.linked:
	@mkdir -p $(XI)/sys
	@ln -sf $$(pkg-config --variable=includedir libcap)/sys/capability.h $(XI)/sys/
	@d=$$(pkg-config --variable=includedir libseccomp) && \
		ln -sf "$$d/seccomp.h" "$$d/seccomp-syscalls.h" $(XI)/
	@ln -sf $$(pkg-config --variable=includedir mount)/libmount/libmount.h $(XI)/
	@touch $@

$(XB)/obj/%.o: %.c | $(XI)/.linked
	@mkdir -p $(dir $@)
	@$(CROSS_CC) $(XCPPFLAGS) $(XCFLAGS) -MMD -MP -c $< -o $@

$(XB)/init/swrap-init: src/init/init.c src/init/sys.h src/init/arch.h
	@mkdir -p $(dir $@)
	@$(CROSS_CC) $(INIT_CFLAGS) -Isrc -o $@ $<

$(XB)/obj/src/init/image.o: src/init/image.S $(XB)/init/swrap-init
	@mkdir -p $(dir $@)
	@$(CROSS_CC) -c -DSW_INIT_IMAGE='"$(XB)/init/swrap-init"' -o $@ $<

$(XB)/libswrap.a: $(XLIB_OBJS)
	@rm -f $@
	@$(CROSS_AR) rcs $@ $^

# Linked with the target's C library: anything else left unresolved but
# libcap's and libseccomp's functions is a fault of ours.
$(XB)/libswrap.so: $(XLIB_OBJS)
	@$(CROSS_CC) -shared -Wl,-soname,$(SONAME) -o $@ $^
	@$(CROSS_NM) -D --undefined-only $@ | awk '$$1 == "U" && $$2 !~ /@/ && \
		$$2 !~ /^(cap|seccomp)_/ { print "cross: unresolved in libswrap.so: " $$2; bad = 1 } \
		END { exit bad }' || { rm -f $@; exit 1; }

$(XB)/swrap: $(XCLI_OBJS) $(XB)/libswrap.so
	@$(CROSS_CC) -o $@ $(XCLI_OBJS) $(XB)/libswrap.so -Wl,--allow-shlib-undefined

$(XB)/test_init_qemu: tests/cross/test_init_qemu.c
	@mkdir -p $(dir $@)
	@$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< $(CMOCKA_LIBS)

_cross-check: $(XB)/libswrap.a $(XB)/libswrap.so $(XB)/swrap $(XB)/test_init_qemu
	@SW_CROSS_INIT=$(XB)/init/swrap-init SW_CROSS_QEMU=$(CROSS_QEMU) \
		sh scripts/run-tests.sh cross $(XB)/test_init_qemu > $(XB)/qemu.log 2>&1 || \
		{ cat $(XB)/qemu.log; echo "cross-check: aarch64 swrap-init failed under $(CROSS_QEMU)"; exit 1; }
	@echo "cross-check: aarch64 swrap-init ($$(wc -c < $(XB)/init/swrap-init) bytes)," \
		"$(words $(LIB_SRCS) $(CLI_SRCS)) sources, libswrap.a, libswrap.so and swrap built;" \
		"under $(CROSS_QEMU): $$(tail -n 1 $(XB)/qemu.log | sed 's/^cross: //')"

-include $(XLIB_OBJS:.o=.d) $(XCLI_OBJS:.o=.d)
