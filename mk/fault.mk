# Fault injection: test_fault is linked with --wrap for every libc entry of
# the launch path (see tests/fault/fault.h).
FAULT_WRAPPED := close read write open openat mount umount2 mkdir mkdirat chdir \
	symlinkat readlinkat chmod fstat stat fstatfs open_tree move_mount \
	mount_setattr sethostname setsid pipe2 rmdir access prctl syscall execve sw_sys
FAULT_LDFLAGS := $(foreach f,$(FAULT_WRAPPED),-Wl,--wrap=$(f))
FAULT_TESTS := $(B)/tests/fault/test_fault

$(B)/tests/fault/test_fault: tests/fault/test_fault.c tests/fault/fault.c $(TEST_COMMON) $(B)/libswrap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/common -Itests/fault $(CFLAGS) -o $@ $< tests/fault/fault.c \
		$(TEST_COMMON) $(B)/libswrap.a $(PKG_LIBS) $(CMOCKA_LIBS) -lpthread $(LDFLAGS) $(FAULT_LDFLAGS)
