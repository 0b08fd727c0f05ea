/* vm.c — what the launch from the caller's own memory needs (see
 * docs/DESIGN.md, "The launch"): the clone3 that starts the jail's first
 * process on a stack of its own, the sealed memfd of swrap-init that the
 * jail's PID 1 execs to leave the caller's address space, and the
 * background reaping of a PID 1 whose status came before its end. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/launch.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#if SW_HAVE_VM
/* long sw_clone3_call(void *args, size_t size, int (*fn)(void *), void *arg)
 * clone3, and in the child (on the stack clone_args gives) fn(arg), then
 * exit with its value. Returns the child's pid, or -errno. The child
 * starts with the parent's registers, but for the return value (0) and
 * the stack pointer (the new stack): fn and arg travel in registers the
 * system call preserves. */
long sw_clone3_call(void *args, size_t size, int (*fn)(void *), void *arg)
	__attribute__((visibility("hidden")));
#if defined(__x86_64__)
/* fn and arg in r8/r9 (rcx and r11 are the syscall instruction's). */
__asm__(".text\n"
	".globl sw_clone3_call\n"
	".hidden sw_clone3_call\n"
	".type sw_clone3_call, @function\n"
	"sw_clone3_call:\n"
	"	mov %rdx, %r8\n"
	"	mov %rcx, %r9\n"
	"	mov $435, %eax\n" /* __NR_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"
	"	mov %r9, %rdi\n"
	"	call *%r8\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n" /* __NR_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size sw_clone3_call, .-sw_clone3_call\n");
#elif defined(__aarch64__)
/* fn and arg stay where the call put them, in x2/x3: svc changes no
 * register but x0. fp and lr 0 end the child's backtrace; "bti c" (a
 * no-op without branch protection) lets an indirect call land here. */
__asm__(".text\n"
	".globl sw_clone3_call\n"
	".hidden sw_clone3_call\n"
	".type sw_clone3_call, %function\n"
	".balign 4\n"
	"sw_clone3_call:\n"
	"	hint #34\n" /* bti c */
	"	mov x8, #435\n" /* __NR_clone3 */
	"	svc #0\n"
	"	cbnz x0, 1f\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, x3\n"
	"	blr x2\n"
	"	mov x8, #93\n" /* __NR_exit, with fn's value in w0 */
	"	svc #0\n"
	"	brk #0\n"
	"1:	ret\n"
	".size sw_clone3_call, .-sw_clone3_call\n");
#else
#error "sw_clone3_call: no trampoline for this architecture"
#endif

pid_t sw_ns_clone_vm(unsigned long flags, int cgroup_fd, int *pidfd, void *stack,
		     size_t size, int (*fn)(void *), void *arg)
{
	struct sw_clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = flags | CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
	a.pidfd = (uint64_t)(uintptr_t)pidfd;
	a.exit_signal = SIGCHLD;
	a.stack = (uint64_t)(uintptr_t)stack;
	a.stack_size = size;
	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
	}
	long r = sw_clone3_call(&a, sizeof a, fn, arg);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (pid_t)r;
}
#else
pid_t sw_ns_clone_vm(unsigned long flags, int cgroup_fd, int *pidfd, void *stack,
		     size_t size, int (*fn)(void *), void *arg)
{
	(void)flags, (void)cgroup_fd, (void)pidfd, (void)stack, (void)size;
	(void)fn, (void)arg;
	errno = ENOSYS;
	return -1;
}
#endif

#if SW_HAVE_INIT
extern const unsigned char sw_init_image[], sw_init_image_end[];

/* vm.memfd_noexec=2 forbids executable memfds: asked once per process. */
static bool init_refused;

static const unsigned SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

/* Writes the image to fd; 0 or -errno. */
static int write_image(int fd)
{
	const unsigned char *p = sw_init_image;
	size_t left = (size_t)(sw_init_image_end - sw_init_image);
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* One memfd per launch, closed when sw_spawn returns: a memfd kept for the
 * process's life would be an fd the caller never opened (and a caller
 * that closes every fd it does not know would pull it away). Making it
 * costs a few microseconds. */
int sw_ns_init_fd(void)
{
	if (__atomic_load_n(&init_refused, __ATOMIC_RELAXED))
		return -1;
	int fd = memfd_create("swrap-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* before 6.3: no MFD_EXEC, always executable */
		fd = memfd_create("swrap-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		if (errno == EACCES)
			__atomic_store_n(&init_refused, true, __ATOMIC_RELAXED);
		return -1;
	}
	/* Execute-only: the exec of a file its runner can't read leaves the
	 * process not dumpable, from its first instruction, so the command
	 * (same uid) can't ptrace the jail's PID 1 or open its /proc files. */
	if (write_image(fd) < 0 || fchmod(fd, 0111) < 0 || fcntl(fd, F_ADD_SEALS, SEALS) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* vm.memfd_noexec=2 governs memfds only: a file of a tmpfs mounted for
 * the purpose (detached: no path reaches it, and it goes with its last
 * fd) executes. Made by the jail's first process, in its own mount
 * namespace, before the command exists; execute-only as the memfd is. */
int sw_ns_child_init_file(void)
{
	int mnt = sw_ns_child_detached_mount("tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return mnt;
	int e = 0;
	int fd = openat(mnt, "swrap-init", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (fd < 0)
		e = -errno;
	else if ((e = write_image(fd)) == 0 && fchmod(fd, 0111) < 0)
		e = -errno;
	if (fd >= 0)
		close(fd); /* a file open for writing can't be exec'd (ETXTBSY) */
	fd = e ? -1 : openat(mnt, "swrap-init", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (!e && fd < 0)
		e = -errno;
	close(mnt);
	return e ? e : fd;
}
#else
int sw_ns_init_fd(void)
{
	return -1;
}

int sw_ns_child_init_file(void)
{
	return -ENOEXEC;
}
#endif

/* A new filesystem of type fstype mounted nowhere (fsopen + fsmount, 5.2):
 * no path reaches it, and it goes with its last fd. An fd of its root, or
 * -errno. Used for swrap-init's file where memfds can't be executed, and
 * for a procfs of the jail's PID namespace, made before the final pivot
 * (the kernel mounts procfs in a user namespace only beside a fully
 * visible one: the host's, then still at /oldroot), for an exec of
 * swrap-init by /self/fd/N in a jail without /proc (exec_by_path in
 * child.c). */
int sw_ns_child_detached_mount(const char *fstype, unsigned attrs)
{
	int fs = (int)syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	int mnt = -1, e = 0;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs)) < 0)
		e = -errno;
	close(fs);
	return e ? e : mnt;
}

/* A guard page below the stack: an overflow faults instead of writing
 * into the caller's memory. A page of the running kernel's size (4 KiB on
 * x86_64; 4, 16 or 64 KiB on aarch64). */
static size_t guard_size(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return page > 0 ? (size_t)page : 4096;
}

void *sw_ns_stack_new(size_t size)
{
	size_t guard = guard_size();
	char *p = mmap(NULL, size + guard, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, guard, PROT_NONE) < 0) {
		munmap(p, size + guard);
		return NULL;
	}
	return p + guard;
}

void sw_ns_stack_free(void *stack, size_t size)
{
	size_t guard = guard_size();
	if (stack)
		munmap((char *)stack - guard, size + guard);
}

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int sw_ns_wait(pid_t pid, int pidfd, int options, int *code)
{
	siginfo_t si;
	int r;
	memset(&si, 0, sizeof si);
	/* By pidfd where the kernel can (5.4): a pid the caller reaped
	 * itself may be another child of its own by now. */
	while ((r = pidfd >= 0 ? waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | options)
			       : waitid(P_PID, (id_t)pid, &si, WEXITED | options)) < 0 &&
	       errno == EINTR)
		;
	if (r < 0 && errno == EINVAL && pidfd >= 0)
		return sw_ns_wait(pid, -1, options, code);
	if (r < 0)
		return -errno;
	if (si.si_pid == 0)
		return 0; /* WNOHANG: still running */
	if (code)
		*code = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	return 1;
}

static void *reap(void *arg)
{
	sw_ns_wait((pid_t)(intptr_t)arg, -1, 0, NULL);
	return NULL;
}

/* By pid, not pidfd: the thread holds no fd of the caller's, so the
 * handle's fds are all closed when sw_child_free returns. (A pid could
 * only be someone else's if the caller reaped this one behind the
 * library's back and the number came round again before the thread
 * started waiting; once it waits, a reap by someone else wakes it.) */
void sw_ns_reap_later(pid_t pid)
{
	pthread_attr_t a;
	pthread_t t;
	sigset_t all, old;
	int r = pthread_attr_init(&a);
	if (r == 0) {
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&a, 64 * 1024);
		/* The caller's signals are for the caller's own threads. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		r = pthread_create(&t, &a, reap, (void *)(intptr_t)pid);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_attr_destroy(&a);
	}
	if (r != 0) /* no thread to be had: reap here */
		reap((void *)(intptr_t)pid);
}
