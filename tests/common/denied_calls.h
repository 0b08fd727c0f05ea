/* denied_calls.h — the calls the default seccomp profile must refuse with
 * EPERM (src/env/seccomp.c), each with arguments that do no harm if the
 * filter were missing. Shared by the unit tests and the static envprobe
 * helper (which includes it by relative path: helpers are built alone). */
#ifndef SW_DENIED_CALLS_H
#define SW_DENIED_CALLS_H

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct call {
	const char *name;
	long nr;
	long a[6];
};

static const struct call denied_calls[] = {
	{ "kexec_load", SYS_kexec_load, { 0, 0, 0, -1 } },
	{ "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 0, -1 } },
	{ "init_module", SYS_init_module, { 0, 0, 0 } },
	{ "finit_module", SYS_finit_module, { -1, 0, 0 } },
	{ "delete_module", SYS_delete_module, { (long)"swrap_none", O_NONBLOCK } },
	{ "bpf", SYS_bpf, { -1, 0, 0 } },
	{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, 0 } },
	{ "userfaultfd", SYS_userfaultfd, { -1 } },
	{ "keyctl", SYS_keyctl, { -1 } },
	{ "add_key", SYS_add_key, { 0, 0, 0, 0, 0 } },
	{ "request_key", SYS_request_key, { 0, 0, 0, 0 } },
	{ "acct", SYS_acct, { 1 } },
	{ "swapon", SYS_swapon, { 1, 0 } },
	{ "swapoff", SYS_swapoff, { 1 } },
	{ "reboot", SYS_reboot, { 0, 0, 0, 0 } },
	{ "syslog", SYS_syslog, { 10, 0, 0 } },
	{ "open_by_handle_at", SYS_open_by_handle_at, { -1, 0, 0 } },
	{ "quotactl", SYS_quotactl, { 0, 0, 0, 0 } },
	{ "lookup_dcookie", SYS_lookup_dcookie, { 0, 0, 0 } },
	{ "ioctl TIOCSTI", SYS_ioctl, { 0, TIOCSTI, (long)"x" } },
	{ "ioctl TIOCSTI high", SYS_ioctl, { 0, (long)0xFFFFFFFF00005412UL, (long)"x" } },
	{ "ioctl TIOCLINUX", SYS_ioctl, { 0, TIOCLINUX, (long)"\x0b" } },
	{ "ioctl TIOCLINUX high", SYS_ioctl, { 0, (long)0xFFFFFFFF0000541CUL, (long)"\x0b" } },
};
#define NDENIED (sizeof denied_calls / sizeof denied_calls[0])

/* 0, or the errno the call failed with. */
static inline int call_errno(const struct call *c)
{
	const long *a = c->a;
	errno = 0;
	long r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return r < 0 ? errno : 0;
}

#endif
