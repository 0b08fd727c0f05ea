/* init.c — swrap-init, the jail's PID 1 after the launch.
 *
 * libswrap launches a jail from the caller's own memory (CLONE_VM, see
 * docs/DESIGN.md "The launch"): the jail's first process builds the
 * namespaces and the new root, starts the command, and must then leave the
 * caller's address space before the caller goes on. It does so by exec'ing
 * this program, which libswrap carries inside itself (src/init/image.S)
 * and runs from a sealed memfd: nothing to install, nothing to find in the
 * jail's filesystem.
 *
 * It is built without a C library (-nostdlib -static, no PT_INTERP), a few
 * kilobytes of raw system calls, so its exec costs next to nothing. What
 * it does is what the in-process PID 1 of src/ns/child.c does:
 *
 *   swrap-init CMD GO LIFE STATUS LANDLOCK GATE
 *
 *   CMD       the command's pid (in this PID namespace)
 *   GO        the socket to the launcher: wait for its byte (it has read
 *             the command's pidfd) before reaping anything; -1 if none
 *   LIFE      the --die-with-parent lifeline: EOF means the launcher
 *             process is gone, and the whole PID namespace is killed; -1
 *   STATUS    where the command's exit code goes (4 bytes, native order)
 *             the moment it is known, before this process exits and the
 *             kernel tears the namespaces down; -1
 *   LANDLOCK  the filesystem accesses the jail's Landlock ruleset handles
 *             (0: none): this process takes a ruleset that handles them
 *             and allows nothing, as it needs no file
 *   GATE      the write end of the command's gate: the command waits for
 *             a byte on it before it execs, sent once this process is
 *             not dumpable and restricted, so the command's first
 *             instruction comes after the last one of PID 1 on the
 *             launcher's memory (docs/DESIGN.md, "The order at the start")
 *
 * Every signal is blocked (the launcher blocked them around clone and the
 * mask survives exec); a signalfd reports SIGCHLD and the forwarded ones,
 * which are passed on to the command. Exit code: the command's, or 128+N
 * for a signal N, as a shell reports it.
 */
#include <linux/landlock.h>
#include <linux/time_types.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "init/sys.h"

#if !SW_SYS_RAW
#error "swrap-init: no raw system calls for this architecture (src/init/sys.h)"
#endif

#define SYS(n, a, b, c) SW_SYS(n, a, b, c)
#define SYS4(n, a, b, c, d) SW_SYS4(n, a, b, c, d)

static void __attribute__((noreturn)) leave(int code)
{
	for (;;)
		SYS(SYS_exit_group, code, 0, 0);
}

/* A decimal argument (a leading '-' allowed); -1 when malformed. */
static long number(const char *s)
{
	long v = 0, sign = 1;
	if (!s || !*s)
		return -1;
	if (*s == '-')
		sign = -1, s++;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (1L << 40))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return sign * v;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A ruleset that handles the jail's accesses and grants none: this
 * process opens no file. Best effort: the command is restricted anyway. */
static void restrict_self(unsigned long long handled)
{
	if (!handled)
		return;
	struct landlock_ruleset_attr attr = { .handled_access_fs = handled };
	long rs = SYS(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (rs < 0)
		return;
	if (SYS4(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0) == 0)
		SYS(SYS_landlock_restrict_self, rs, 0, 0);
	SYS(SYS_close, rs, 0, 0);
}

/* Reaps every child that has ended; the command's exit code once it is
 * among them, else -1. */
static int reap_all(long cmd)
{
	int status, code = -1;
	long p;
	while ((p = SYS4(SYS_wait4, -1, &status, WNOHANG, 0)) > 0)
		if (p == cmd)
			code = exit_code(status);
	return code;
}

/* poll(2), by ppoll, which every architecture has (aarch64 has no poll):
 * a negative timeout waits without a bound. */
static long poll_ms(struct pollfd *p, long n, long timeout_ms)
{
	struct __kernel_timespec t = { timeout_ms / 1000, timeout_ms % 1000 * 1000000 };
	return sw_sys6(SYS_ppoll, (long)p, n, timeout_ms < 0 ? 0 : (long)&t, 0,
		       sizeof(unsigned long), 0);
}

static void send_status(long fd, int code)
{
	if (fd < 0)
		return;
	while (SYS(SYS_write, fd, &code, sizeof code) == -4 /* EINTR */)
		;
	SYS(SYS_close, fd, 0, 0);
}

static void __attribute__((noreturn, used)) init_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	if (argc != 7)
		leave(127);
	/* Not dumpable: the exec of an execute-only file made it so already
	 * (src/ns/vm.c); this covers a root inside the jail, who can read
	 * it. The command must not ptrace its PID 1 or open its /proc files. */
	SYS4(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	long cmd = number(argv[1]), go = number(argv[2]), life = number(argv[3]);
	long status = number(argv[4]), handled = number(argv[5]);
	long gate = number(argv[6]);
	if (cmd <= 0 || handled < 0)
		leave(127);
	restrict_self((unsigned long long)handled);
	if (gate >= 0) { /* the command may go on */
		char g = 'g';
		while (SYS(SYS_write, gate, &g, 1) == -4)
			;
		SYS(SYS_close, gate, 0, 0);
	}
	if (go >= 0) {
		char ack;
		while (SYS(SYS_read, go, &ack, 1) == -4)
			;
		SYS(SYS_close, go, 0, 0);
	}
	static const int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				   SIGUSR2, SIGWINCH, SIGCHLD };
	unsigned long mask = 0;
	for (size_t i = 0; i < sizeof fwd / sizeof *fwd; i++)
		mask |= 1UL << (fwd[i] - 1);
	long sfd = SYS4(SYS_signalfd4, -1, &mask, sizeof mask, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		int code = reap_all(cmd);
		if (code >= 0) {
			send_status(status, code);
			leave(code);
		}
		struct pollfd p[2] = { { (int)sfd, POLLIN, 0 }, { (int)life, POLLIN, 0 } };
		long n = poll_ms(p, life >= 0 ? 2 : 1, sfd < 0 ? 100 : -1);
		if (n < 0 && n != -4)
			leave(1);
		if (n > 0 && life >= 0 && p[1].revents) {
			SYS(SYS_kill, -1, SIGKILL, 0); /* all of this PID namespace */
			leave(128 + SIGKILL);
		}
		struct signalfd_siginfo si;
		while (sfd >= 0 && SYS(SYS_read, sfd, &si, sizeof si) == (long)sizeof si)
			if (si.ssi_signo != SIGCHLD)
				SYS(SYS_kill, cmd, si.ssi_signo, 0);
	}
}

/* The entry point, _start, which calls init_main (src/init/arch.h). */
#include "init/arch.h"
