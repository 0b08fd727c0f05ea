/* sys.h — raw system calls: the kernel's result, or -errno, and nothing
 * else touched.
 *
 * Two users. swrap-init (src/init/init.c) has no C library at all. And the
 * jail's command in libswrap, for its last steps (seccomp, execve, the
 * report of their failure): those run on the caller's memory while the
 * caller's thread runs too (see docs/DESIGN.md, "The order at the start"),
 * so they must not write errno, which lives in that thread's TLS, nor take
 * the C library's cancellation path, which writes that thread's TCB.
 *
 * SW_SYS_RAW is 1 where the call is the instruction itself; elsewhere the
 * C library's syscall() stands in (such builds never share the caller's
 * memory: SW_HAVE_VM in src/ns/launch.h).
 */
#ifndef SW_INIT_SYS_H
#define SW_INIT_SYS_H

#if defined(__x86_64__)
#define SW_SYS_RAW 1
static inline long sw_sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
#define SW_SYS_RAW 1
static inline long sw_sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#else
#define SW_SYS_RAW 0
#include <errno.h>
#include <unistd.h>
static inline long sw_sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(n, a, b, c, d, e, f);
	return r < 0 ? -errno : r;
}
#endif

/* write(fd, buf, n) then exit_group(code), with no store to memory in
 * between: the writer's stack may be gone once the reader has the bytes. */
#if defined(__x86_64__)
static inline void __attribute__((noreturn))
sw_sys_write_exit(long fd, const void *buf, unsigned long n, long code)
{
	register long r10 __asm__("r10") = code;
	__asm__ volatile("syscall\n\t"
			 "mov %%r10, %%rdi\n\t"
			 "mov $231, %%eax\n\t" /* exit_group */
			 "syscall\n\t"
			 "hlt"
			 :
			 : "a"(1L) /* write */, "D"(fd), "S"(buf), "d"(n), "r"(r10)
			 : "rcx", "r11", "memory");
	__builtin_unreachable();
}
#elif defined(__aarch64__)
static inline void __attribute__((noreturn))
sw_sys_write_exit(long fd, const void *buf, unsigned long n, long code)
{
	register long x8 __asm__("x8") = 64; /* write */
	register long x0 __asm__("x0") = fd;
	register long x1 __asm__("x1") = (long)buf;
	register long x2 __asm__("x2") = (long)n;
	register long x9 __asm__("x9") = code;
	__asm__ volatile("svc #0\n\t"
			 "mov x0, x9\n\t"
			 "mov x8, #94\n\t" /* exit_group */
			 "svc #0\n\t"
			 "brk #0"
			 :
			 : "r"(x8), "r"(x0), "r"(x1), "r"(x2), "r"(x9)
			 : "memory", "cc");
	__builtin_unreachable();
}
#else
#include <sys/syscall.h>
static inline void __attribute__((noreturn))
sw_sys_write_exit(long fd, const void *buf, unsigned long n, long code)
{
	sw_sys6(SYS_write, fd, (long)buf, (long)n, 0, 0, 0);
	for (;;)
		_exit((int)code);
}
#endif

#if __STDC_HOSTED__
/* libswrap calls it out of line (src/ns/raw.c): one symbol, which the
 * fault-injection test wraps as it wraps the C library's calls. */
long sw_sys(long n, long a, long b, long c, long d, long e, long f)
	__attribute__((visibility("hidden")));
#define SW_SYS(n, a, b, c) sw_sys(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SW_SYS4(n, a, b, c, d) sw_sys(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#else
#define SW_SYS(n, a, b, c) sw_sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SW_SYS4(n, a, b, c, d) sw_sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#endif

#endif
