/* arch.h — what swrap-init (init.c) can't say in C: one raw system call
 * and the entry point, per architecture. Everything else in init.c is the
 * same on all of them; the system call numbers come from the target's
 * <sys/syscall.h>.
 *
 *   long sys6(long n, long a, long b, long c, long d, long e, long f)
 *       system call n with six arguments; returns the kernel's value
 *       (-errno on failure), as the kernel gives it.
 *   _start
 *       the kernel's entry: the initial stack holds argc, then argv.
 *       Calls init_main(sp) with that stack pointer; never returns.
 *
 * Adding an architecture: a section here, its -dumpmachine prefix in the
 * Makefile (INIT_ARCHS), and a trampoline in src/ns/vm.c. */
#ifndef SW_INIT_ARCH_H
#define SW_INIT_ARCH_H

#if defined(__x86_64__)

static long sys6(long n, long a, long b, long c, long d, long e, long f)
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

/* No frame to return to (rbp 0 ends a backtrace); the stack aligned as
 * a call expects it. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call init_main\n"
	"	hlt\n");

#elif defined(__aarch64__)

/* The number in x8, the arguments in x0..x5, the result in x0; the
 * kernel preserves every other register. */
static long sys6(long n, long a, long b, long c, long d, long e, long f)
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
			 : "memory");
	return x0;
}

/* The kernel starts us with sp 16-byte aligned; fp and lr 0 end a
 * backtrace. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, sp\n"
	"	bl init_main\n"
	"	brk #0\n");

#else
#error "swrap-init: no raw system calls for this architecture (see src/init/arch.h)"
#endif

#endif
