/* fault.c — see fault.h. The wrappers forward to the real functions unless
 * the armed counter hits the target. */
#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static volatile long target, count;
static volatile bool armed;
static volatile int report_fd = -1;
/* Shared by the launcher and the jail's processes (a MAP_SHARED page
 * survives clone): one fault per launch, in whichever process gets there
 * first. The counters themselves are per process. */
static volatile int *fired_any;

void fault_arm(long n, int exec_report)
{
	if (!fired_any) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		fired_any = p == MAP_FAILED ? NULL : p;
	}
	target = n;
	count = 0;
	if (fired_any)
		*fired_any = 0;
	report_fd = exec_report;
	armed = true;
}

long fault_disarm(void)
{
	armed = false;
	return count;
}

bool fault_fired(void)
{
	return fired_any && *fired_any;
}

/* true: this call must fail. */
static bool hit(void)
{
	if (!armed)
		return false;
	if (++count == target && fired_any &&
	    __atomic_exchange_n(fired_any, 1, __ATOMIC_SEQ_CST) == 0) {
		errno = EIO;
		return true;
	}
	return false;
}

#define WRAP(ret, name, params, args)                                   \
	ret __real_##name params;                                        \
	ret __wrap_##name params                                         \
	{                                                                \
		if (hit())                                               \
			return (ret)-1;                                  \
		return __real_##name args;                               \
	}

/* close releases the fd even when it reports an error: so must the fault,
 * or a pipe end left open would look like a hang of the library. */
int __real_close(int fd);
int __wrap_close(int fd)
{
	if (hit()) {
		__real_close(fd);
		errno = EIO;
		return -1;
	}
	return __real_close(fd);
}
WRAP(ssize_t, read, (int fd, void *b, size_t n), (fd, b, n))
WRAP(ssize_t, write, (int fd, const void *b, size_t n), (fd, b, n))
WRAP(int, mount, (const char *s, const char *t, const char *f, unsigned long fl, const void *d),
     (s, t, f, fl, d))
WRAP(int, umount2, (const char *t, int f), (t, f))
WRAP(int, mkdir, (const char *p, mode_t m), (p, m))
WRAP(int, mkdirat, (int d, const char *p, mode_t m), (d, p, m))
WRAP(int, chdir, (const char *p), (p))
WRAP(int, symlinkat, (const char *t, int d, const char *p), (t, d, p))
WRAP(ssize_t, readlinkat, (int d, const char *p, char *b, size_t n), (d, p, b, n))
WRAP(int, chmod, (const char *p, mode_t m), (p, m))
WRAP(int, fstat, (int fd, struct stat *st), (fd, st))
WRAP(int, stat, (const char *p, struct stat *st), (p, st))
WRAP(int, fstatfs, (int fd, struct statfs *st), (fd, st))
WRAP(int, open_tree, (int d, const char *p, unsigned f), (d, p, f))
WRAP(int, move_mount, (int a, const char *b, int c, const char *d, unsigned e), (a, b, c, d, e))
WRAP(int, mount_setattr, (int d, const char *p, unsigned f, struct mount_attr *a, size_t n),
     (d, p, f, a, n))
WRAP(int, sethostname, (const char *n, size_t l), (n, l))
WRAP(pid_t, setsid, (void), ())
WRAP(int, pipe2, (int p[2], int f), (p, f))
WRAP(int, rmdir, (const char *p), (p))
WRAP(int, access, (const char *p, int m), (p, m))

/* Variadic ones: forward what they may carry. */
int __real_open(const char *p, int f, ...);
int __wrap_open(const char *p, int f, ...)
{
	va_list ap;
	va_start(ap, f);
	mode_t m = (mode_t)va_arg(ap, int);
	va_end(ap);
	return hit() ? -1 : __real_open(p, f, m);
}

int __real_openat(int d, const char *p, int f, ...);
int __wrap_openat(int d, const char *p, int f, ...)
{
	va_list ap;
	va_start(ap, f);
	mode_t m = (mode_t)va_arg(ap, int);
	va_end(ap);
	return hit() ? -1 : __real_openat(d, p, f, m);
}

int __real_prctl(int o, ...);
int __wrap_prctl(int o, ...)
{
	va_list ap;
	va_start(ap, o);
	unsigned long a[4];
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	return hit() ? -1 : __real_prctl(o, a[0], a[1], a[2], a[3]);
}

long __real_syscall(long n, ...);
long __wrap_syscall(long n, ...)
{
	va_list ap;
	va_start(ap, n);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return hit() ? -1 : __real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* libswrap's raw system calls (src/init/sys.h): a fault point like the
 * others, but it reports as the kernel does, -errno, and writes no errno
 * (it runs beside the launcher's thread on the same memory). An execve
 * also tells the sweep how far the child side counted. */
long __real_sw_sys(long n, long a, long b, long c, long d, long e, long f);
long __wrap_sw_sys(long n, long a, long b, long c, long d, long e, long f)
{
	if (n == SYS_execve && armed && report_fd >= 0) {
		long k = count;
		__real_sw_sys(SYS_write, report_fd, (long)&k, sizeof k, 0, 0, 0);
	}
	int saved = errno;
	bool fail = hit();
	errno = saved;
	return fail ? -EIO : __real_sw_sys(n, a, b, c, d, e, f);
}

/* Not a fault point: tells the sweep how far the child side counted. */
int __real_execve(const char *p, char *const a[], char *const e[]);
int __wrap_execve(const char *p, char *const a[], char *const e[])
{
	if (armed && report_fd >= 0) {
		long c = count;
		ssize_t n = __real_write(report_fd, &c, sizeof c);
		(void)n;
	}
	return __real_execve(p, a, e);
}
