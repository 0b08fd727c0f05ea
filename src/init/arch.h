/* arch.h — swrap-init's entry point, _start, per architecture: the only
 * code of swrap-init (init.c) that is not C. The raw system call is in
 * src/init/sys.h; the system call numbers come from the target's
 * <sys/syscall.h>.
 *
 * The kernel starts the program with argc, then argv, at the stack
 * pointer; _start passes that pointer to init_main(long *sp), which
 * never returns, with no frame to return to (a backtrace ends there).
 *
 * Adding an architecture: a section here and in src/init/sys.h, its
 * -dumpmachine prefix in the Makefile (INIT_ARCHS), SW_HAVE_INIT in
 * src/ns/launch.h, and, for the launch that shares the caller's memory,
 * a clone3 trampoline in src/ns/vm.c. Included at the end of init.c. */
#ifndef SW_INIT_ARCH_H
#define SW_INIT_ARCH_H

#if defined(__x86_64__)
/* rbp 0 ends a backtrace; the stack aligned as a call expects it. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call init_main\n"
	"	hlt\n");
#elif defined(__aarch64__)
/* sp is 16-byte aligned at entry; fp and lr 0 end a backtrace. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, sp\n"
	"	bl init_main\n"
	"	brk #0\n");
#else
#error "swrap-init: no entry point for this architecture (src/init/arch.h)"
#endif

#endif
