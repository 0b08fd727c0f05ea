# static.mk — `make static`: $(B)/static/swrap, a fully static binary that
# runs with nothing else in its root.
#
# libcap.a and libseccomp.a come from Debian's -dev packages; Debian ships no
# libmount.a, so scripts/static-deps.sh builds libmount.a + libblkid.a from
# the util-linux source package into $(ST)/prefix (once: the source and the
# libraries are kept, so a second `make static` only relinks what changed).
# The library and CLI sources are compiled again into $(ST)/obj against the
# headers of those libraries.

ST := $(B)/static
ST_PREFIX := $(ST)/prefix
ST_LIBS := $(ST_PREFIX)/lib/libmount.a $(ST_PREFIX)/lib/libblkid.a
ST_OBJS := $(LIB_SRCS:%.c=$(ST)/obj/%.o) $(CLI_SRCS:%.c=$(ST)/obj/%.o) $(INIT_OBJ)
ST_CPPFLAGS := -I$(ST_PREFIX)/include/libmount -I$(ST_PREFIX)/include/blkid \
	-DSW_LIBMOUNT_DIRECT $(CPPFLAGS)
# -L first: the util-linux libraries we built, then the system's .a files.
ST_LDLIBS := -L$(ST_PREFIX)/lib -lmount -lblkid -lcap -lseccomp

.PHONY: _static
_static: $(ST)/swrap
	@file -b $< | grep -q 'statically linked' || \
		{ echo "static: $< is not statically linked" >&2; exit 1; }
	@echo "static: $< ($$(stat -c %s $<) bytes)"

$(ST_LIBS) &:
	@sh scripts/static-deps.sh $(ST)

$(ST)/obj/%.o: %.c | $(ST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ST_CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# glibc warns when a static binary calls NSS functions (getpwnam ...): they
# would need the host's shared libraries at run time. swrap's own code must
# call none (checked on its objects). libmount's utils.o references
# getpwnam_r/getgrnam_r/getpwuid_r in mnt_get_uid/gid/username, reachable
# only from its mount-context code, which swrap does not use: those
# warnings go to $(ST)/link.log and are summed up in one line.
ST_NSS := getpw|getgr|getspnam|getaddrinfo|getnameinfo|gethostby|getservby|getprotoby|getnetby|initgroups|getgrouplist|getlogin
$(ST)/swrap: $(ST_OBJS) $(ST_LIBS)
	@if nm -u $(ST_OBJS) | grep -Ew '($(ST_NSS))[a-z_]*'; then \
		echo "static: swrap calls NSS functions (above)" >&2; exit 1; fi
	$(CC) -static -s $(LDFLAGS) -o $@ $(ST_OBJS) $(ST_LDLIBS) 2>$(ST)/link.log \
		|| { cat $(ST)/link.log >&2; exit 1; }
	@w=$$(sed -n "s/.*Using '\([a-z_]*\)'.*/\1/p" $(ST)/link.log | sort -u | tr '\n' ' '); \
	[ -z "$$w" ] || echo "static: note: libmount.a references $$w(see $(ST)/link.log)"

-include $(ST_OBJS:.o=.d)
