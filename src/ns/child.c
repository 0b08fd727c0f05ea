/* child.c — everything between clone and execve.
 *
 * The rule: the child of a possibly multithreaded launcher may not call
 * malloc, stdio or anything that takes a lock. Every function here makes
 * system calls over memory the parent prepared (struct sw_launch and the
 * plans it points to) and stack buffers. Failures are sent to the parent as
 * a fixed struct sw_report; the parent writes the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/sys.h"
#include "ns/launch.h"

static void __attribute__((noreturn))
die_rep(const struct sw_launch *L, const struct sw_report *r)
{
	ssize_t n = write(L->rep[1], r, sizeof *r);
	(void)n;
	_exit(1);
}

static void __attribute__((noreturn))
die(const struct sw_launch *L, enum sw_step step, int index, int e)
{
	struct sw_report r = { .step = step, .index = index, .err = e > 0 ? e : EIO };
	ssize_t n = write(L->rep[1], &r, sizeof r);
	(void)n;
	bool exec_status = step == SW_STEP_EXEC && L->spec->compat != SW_COMPAT_BWRAP;
	_exit(exec_status ? (e == ENOENT ? 127 : 126) : 1);
}

/* What the command's last steps use (run_command), copied out of struct
 * sw_launch before the gate: the launcher's thread may be back in that
 * struct by then (the launch from its memory), closing and clearing. */
struct cmd_tail {
	const struct sw_env_plan *env;
	const sw_spec *spec;
	int rep;
	bool bwrap;
};

/* die() for the command's last steps, after the gate (see pass_gate):
 * raw system calls only, nothing written to errno or the TCB. */
static void __attribute__((noreturn))
die_raw(const struct cmd_tail *t, enum sw_step step, int e)
{
	struct sw_report r = { .step = step, .index = -1, .err = e > 0 ? e : EIO };
	bool exec_status = step == SW_STEP_EXEC && !t->bwrap;
	int code = exec_status ? (e == ENOENT ? 127 : 126) : 1;
	/* Once the launcher has the report it may free this stack (without a
	 * PID namespace nothing waits for this process): nothing more may be
	 * written to it after the write. */
	sw_sys_write_exit(t->rep, &r, sizeof r, code);
}

/* The launcher's signal handlers must not run in the child (they may
 * allocate): the ones the parent found are set back to the default, then
 * the caller's mask is restored. */
static void reset_signals(const struct sw_launch *L)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&L->handled, sig) == 1)
			sigaction(sig, &dfl, NULL);
	sigprocmask(SIG_SETMASK, &L->sigmask, NULL);
}

static void block_on_fd(const struct sw_launch *L)
{
	char b;
	while (read(L->spec->block_fd, &b, 1) < 0)
		if (errno != EINTR)
			die(L, SW_STEP_BLOCK_FD, -1, errno);
}

/* --chdir must work; without it, bubblewrap's fallbacks, silently: the
 * launcher's cwd if it exists inside, else $HOME, else /. PWD follows. */
static void change_dir(const struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	const char *home = sw_env_plan_home(L->env), *dir = "/";
	if (s->chdir) {
		if (chdir(s->chdir) < 0)
			die(L, SW_STEP_CHDIR, -1, errno);
		dir = s->chdir;
	} else if (L->cwd && chdir(L->cwd) == 0) {
		dir = L->cwd;
	} else if (home && chdir(home) == 0) {
		dir = home;
	} else if (chdir("/") < 0) {
		die(L, SW_STEP_CHDIR, -1, errno);
	}
	int r = sw_env_child_set_pwd(L->env, dir);
	if (r < 0)
		die(L, SW_STEP_CHDIR, -1, -r);
}

/* bubblewrap's command holds none of the fds bubblewrap itself used:
 * status, block and seccomp fds, the namespaces it joined, and --sync-fd
 * when a PID 1 holds it. (The bwrap personality: swrap's own marks every
 * fd but the kept ones close-on-exec anyway.) */
static void bwrap_closes(const struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	const int fds[] = { s->info_fd, s->json_status_fd, s->block_fd,
			    s->seccomp_fd, s->userns_fd, s->userns2_fd, s->pidns_fd };
	for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
		if (fds[i] > 2)
			close(fds[i]);
	for (size_t i = 0; i < s->nadd_seccomp; i++)
		if (s->add_seccomp_fds[i] > 2)
			close(s->add_seccomp_fds[i]);
	if (sw_ns_has_reaper(L) && s->sync_fd > 2)
		close(s->sync_fd);
}

/* Once the root is final, in the command (PID 1 execs swrap-init, which
 * Landlock would refuse: a memfd is outside every rule; swrap-init takes a
 * ruleset of its own that allows nothing): --exec-label, then Landlock
 * (it would refuse the label's write). */
static void restrict_jail(const struct sw_launch *L)
{
	int e = sw_selinux_child_exec(&L->sel);
	if (e)
		die(L, SW_STEP_SELINUX, 0, e);
	int where = -1;
	int r = sw_env_child_landlock(L->env, &where);
	if (r < 0)
		die(L, SW_STEP_LANDLOCK, where, -r);
}

/* The command's side of the gate (struct sw_launch, ready[] and gate[]):
 * tell PID 1 the setup is done, then wait until PID 1 has left the
 * launcher's memory (swrap-init's byte; EOF: PID 1 is gone, and so is
 * the jail). Bytes, not EOF: another launch's child may hold a copy of
 * any of these fds until its own exec. From here the launcher's thread may run again beside us on the
 * memory we share with it (the launch from the caller's memory): raw
 * system calls only, to the end. */
static void pass_gate(const struct sw_launch *L, const struct cmd_tail *t)
{
	if (!sw_ns_has_reaper(L))
		return;
	int ready = L->ready[1], gate = L->gate[0];
	char b = 'r';
	if (SW_SYS(SYS_write, ready, &b, 1) != 1)
		die_raw(t, SW_STEP_INIT, EPIPE);
	SW_SYS(SYS_close, ready, 0, 0);
	long n;
	while ((n = SW_SYS(SYS_read, gate, &b, 1)) == -EINTR)
		;
	if (n != 1)
		die_raw(t, SW_STEP_INIT, n < 0 ? (int)-n : EPIPE);
	SW_SYS(SYS_close, gate, 0, 0);
}

/* The command: session, process attributes, then exec. */
static void __attribute__((noreturn)) run_command(const struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	if (sw_ns_has_reaper(L)) { /* PID 1's ends of the gate */
		close(L->ready[0]);
		close(L->gate[1]);
	}
	/* A new process under PID 1 has no parent-death signal of its own;
	 * bubblewrap's command has one (its parent is PID 1, whose end ends
	 * the namespace anyway). */
	if (s->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die(L, SW_STEP_PDEATHSIG, -1, errno);
	if (s->block_fd >= 0)
		block_on_fd(L);
	int r;
	restrict_jail(L);
	if ((r = sw_env_child_rlimits(L->env)) < 0)
		die(L, SW_STEP_RLIMIT, -1, -r);
	change_dir(L);
	if ((r = sw_env_child_caps(L->env)) < 0)
		die(L, SW_STEP_CAPS, -1, -r);
	if ((r = sw_env_child_no_new_privs()) < 0)
		die(L, SW_STEP_NO_NEW_PRIVS, -1, -r);
	if (s->compat == SW_COMPAT_BWRAP)
		bwrap_closes(L);
	if ((r = sw_env_child_close_fds(L->env)) < 0)
		die(L, SW_STEP_CLOSE_FDS, -1, -r);
	reset_signals(L);
	const struct cmd_tail t = { L->env, s, L->rep[1], s->compat == SW_COMPAT_BWRAP };
	pass_gate(L, &t);
	/* Raw from here on (src/init/sys.h), and nothing of L: seccomp last,
	 * as it may forbid what came before, then the PATH lookup and execve. */
	if ((r = sw_env_child_seccomp(t.env)) < 0)
		die_raw(&t, SW_STEP_SECCOMP, -r);
	r = sw_env_child_exec(t.env, t.spec);
	die_raw(&t, SW_STEP_EXEC, -r);
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* PID 1 holds no launcher fd but the lifeline, --sync-fd, the "go"
 * socket (another jail's lifeline or report pipe above all: that jail
 * would never see its launcher die, or its launcher never hear EOF) and
 * the --lock-file fds. keep[] is sorted, -1 entries ignored. */
static void close_all_but(const int *keep, int n)
{
	unsigned from = 3;
	for (int i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0U);
}

/* Tells the parent who the command is: a pidfd of it over the "go"
 * socket (SCM_RIGHTS; the parent reads the host pid from its fdinfo), or
 * a bare byte when the kernel has no pidfd_open. The command can't be
 * reaped before the parent has read it: PID 1 waits for the parent's ack
 * (or EOF) before it reaps anything (send_command here, swrap-init after
 * exec). Returns whether it was sent. */
static bool send_pidfd(int sock, pid_t cmd)
{
	int pfd = (int)syscall(SYS_pidfd_open, cmd, 0);
	char byte = 'p';
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (pfd >= 0) {
		memset(&u, 0, sizeof u);
		m.msg_control = u.buf;
		m.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pfd, sizeof pfd);
	}
	bool sent = sendmsg(sock, &m, MSG_NOSIGNAL) == 1;
	if (pfd >= 0)
		close(pfd);
	return sent;
}

/* What PID 1 holds: the lifeline, --sync-fd, the "go" socket, the status
 * pipe, the gate, the lock files, and extra[] (swrap-init's file, the
 * report pipe, the procfs: closed by the exec; -1 entries are ignored).
 * keep[] gets them sorted (insertion sort: no allocation); returns the
 * count. */
#define SW_PID1_EXTRA 3
#define SW_PID1_FDS (SW_LOCK_FILES_MAX + 5 + SW_PID1_EXTRA)
static int pid1_fds(const struct sw_launch *L, const int *locks, int nlocks,
		    const int extra[SW_PID1_EXTRA], int keep[SW_PID1_FDS])
{
	int n = 0;
	keep[n++] = sw_ns_uses_lifeline(L) ? L->life[0] : -1;
	keep[n++] = L->spec->sync_fd;
	keep[n++] = L->go[0];
	keep[n++] = L->st[1];
	keep[n++] = L->gate[1];
	for (int i = 0; i < SW_PID1_EXTRA; i++)
		keep[n++] = extra[i];
	for (int i = 0; i < nlocks; i++)
		keep[n++] = locks[i];
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	return n;
}

/* n as decimal into buf (at least 24 bytes); returns buf. */
static char *decimal(char *buf, long n)
{
	char tmp[24];
	int i = 0, j = 0;
	unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
	do
		tmp[i++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		buf[j++] = '-';
	while (i > 0)
		buf[j++] = tmp[--i];
	buf[j] = 0;
	return buf;
}

/* How PID 1 runs swrap-init: fd, its memfd (or file); proc, a detached
 * procfs for a jail without /proc (see exec_by_path). */
struct pid1_exec {
	int fd, proc;
};

/* swrap-init by path, where an exec of the fd failed with ENOENT: before
 * 6.1 (5.10 measured) the kernel names the program /dev/fd/N and looks
 * that up again in the process's root, which a jail seldom has. Through
 * the jail's /proc, else from a root that is a procfs of the jail's own
 * (made before the pivot). The command has not run an instruction of its
 * own yet (the gate), so nothing can cover either meanwhile. */
static void exec_by_path(const struct sw_launch *L, const struct pid1_exec *x,
			 char *const argv[], char *const envp[])
{
	char path[40], num[24];
	const char *fd = decimal(num, x->fd);
	if (L->jail_proc) {
		memcpy(path, "/proc/self/fd/", 14);
		memcpy(path + 14, fd, strlen(fd) + 1);
		execve(path, argv, envp);
	} else if (x->proc >= 0 && fchdir(x->proc) == 0 && chroot(".") == 0) {
		memcpy(path, "/self/fd/", 9);
		memcpy(path + 9, fd, strlen(fd) + 1);
		execve(path, argv, envp);
	}
	errno = ENOENT;
}

/* PID 1 leaves the launcher's memory (shared or copied) by exec'ing
 * swrap-init (src/init/init.c), which reaps, forwards signals, sends the
 * status and holds the lock files. The launcher resumes once this exec
 * is done (CLONE_VFORK); the command, once swrap-init closes the gate. */
static void __attribute__((noreturn))
exec_init(const struct sw_launch *L, const struct pid1_exec *x, pid_t cmd,
	  const int *locks, int nlocks)
{
	int keep[SW_PID1_FDS];
	/* rep[1] is CLOEXEC: the exec closes it, and the parent sees EOF once
	 * the command has exec'd too. */
	const int extra[SW_PID1_EXTRA] = { x->fd, L->rep[1], x->proc };
	int n = pid1_fds(L, locks, nlocks, extra, keep);
	close_all_but(keep, n);
	/* swrap-init waits for the parent's ack before it reaps anything. */
	int go = send_pidfd(L->go[0], cmd) ? L->go[0] : -1;
	/* What swrap-init holds must survive the exec (they are CLOEXEC). */
	for (int i = 0; i < n; i++)
		if (keep[i] >= 0 && keep[i] != x->fd && keep[i] != L->rep[1] &&
		    keep[i] != x->proc && (keep[i] != L->go[0] || go >= 0))
			fcntl(keep[i], F_SETFD, 0);
	/* The lifeline follows the launcher process from here (L->pid1_pdeath). */
	if (sw_ns_uses_lifeline(L) && !L->pid1_pdeath)
		prctl(PR_SET_PDEATHSIG, 0);
	signal(SIGCHLD, SIG_DFL);
	char a[3][24];
	char *argv[] = { "swrap-init", decimal(a[0], cmd), decimal(a[1], go),
			 (char *)L->init_args[0], (char *)L->init_args[1],
			 (char *)L->init_args[2], decimal(a[2], L->gate[1]), NULL };
	char *envp[] = { NULL };
	syscall(SYS_execveat, x->fd, "", argv, envp, AT_EMPTY_PATH);
	if (errno == ENOENT)
		exec_by_path(L, x, argv, envp);
	int e = errno;
	/* Before this process ends and the gate opens with it. */
	kill(cmd, SIGKILL);
	die(L, SW_STEP_INIT, -1, e);
}

#ifndef __SANITIZE_ADDRESS__
static int command_main(void *arg)
{
	run_command(arg);
}
#endif

/* PID 1's wait for the command's byte on ready[], beside it on the same
 * memory: raw system calls, which touch no memory of the launcher's
 * thread (errno, the TCB). 1 once it came; 0 once the command has ended
 * without it (its report is on its way): seen by a pidfd, as a copy of
 * ready[1] may live on in another launch's child; or -errno. */
static int command_ready(const struct sw_launch *L, pid_t cmd)
{
	SW_SYS(SYS_close, L->ready[1], 0, 0);
	SW_SYS(SYS_close, L->gate[0], 0, 0);
	long pfd = SW_SYS(SYS_pidfd_open, cmd, 0, 0);
	int r;
	for (;;) {
		struct pollfd p[2] = { { L->ready[0], POLLIN, 0 }, { (int)pfd, POLLIN, 0 } };
		long n = SW_SYS4(SYS_ppoll, p, pfd >= 0 ? 2 : 1, NULL, NULL);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			r = (int)n;
			break;
		}
		char b;
		long k = p[0].revents ? SW_SYS(SYS_read, L->ready[0], &b, 1) : 0;
		if (k == 1 || k < 0) {
			r = (int)k;
			break;
		}
		if (p[0].revents || p[1].revents) {
			r = 0;
			break;
		}
	}
	if (pfd >= 0)
		SW_SYS(SYS_close, pfd, 0, 0);
	return r;
}

/* PID 1 starts the command on this memory (CLONE_VM, on the stack the
 * parent prepared: a fork would copy the launcher's page tables, which
 * costs milliseconds for a launcher with a large heap) and waits beside
 * it for its setup (command_ready). Then it execs swrap-init; if the
 * command failed instead (it sent its report and ended), PID 1 follows. */
static void __attribute__((noreturn))
start_command(const struct sw_launch *L, const struct pid1_exec *x,
	      const int *locks, int nlocks)
{
#ifndef __SANITIZE_ADDRESS__
	pid_t cmd = clone(command_main, L->cmd_stack + SW_CMD_STACK, CLONE_VM | SIGCHLD,
			  (void *)L);
#else
	/* AddressSanitizer can't follow a stack it did not make: fork there. */
	pid_t cmd = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (cmd == 0)
		run_command(L);
#endif
	if (cmd < 0)
		die(L, SW_STEP_FORK, -1, errno);
	int ready = command_ready(L, cmd);
	if (ready == 1) {
		close(L->ready[0]);
		exec_init(L, x, cmd, locks, nlocks);
	}
	if (ready < 0) { /* it may be waiting at the gate: it must not pass */
		kill(cmd, SIGKILL);
		die(L, SW_STEP_INIT, -1, -ready);
	}
	/* The command has ended: it left the shared memory. */
	int status;
	while (waitpid(cmd, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* PID 1's swrap-init, made ready before the mounts: the procfs needs the
 * host's, still visible then. */
static void prepare_init(const struct sw_launch *L, struct pid1_exec *x)
{
	x->fd = L->init_fd;
	x->proc = -1;
	if (!SW_HAVE_INIT)
		die(L, SW_STEP_INIT, -1, ENOEXEC);
	if (x->fd < 0 && (x->fd = sw_ns_child_init_file()) < 0)
		die(L, SW_STEP_INIT, -1, -x->fd);
	if (!L->jail_proc) {
		int p = sw_ns_child_detached_mount("proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
							   MOUNT_ATTR_NOEXEC);
		/* Without a PID namespace of its own, an unprivileged child may
		 * not mount a procfs of the host's PID namespace: the host's own
		 * /proc, still this process's root's, serves (the jail shares
		 * that PID namespace anyway). */
		if (p < 0 && !L->pidns)
			p = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
		x->proc = p >= 0 ? p : -1; /* best effort: an exec by fd may work */
	}
}

/* --lock-file: a read lock on each, inside the new root, held by this
 * process (the jail's PID 1, or the reaper the lock files call for). */
static int take_locks(const struct sw_launch *L, int *locks)
{
	const sw_spec *s = L->spec;
	/* With --as-pid-1 the command itself holds them. */
	int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | (s->as_pid_1 ? 0 : O_CLOEXEC);
	for (size_t i = 0; i < s->nlock_files; i++) {
		/* A volume may hold a fifo there (an open that never returns),
		 * a device or a link: looked at first (O_PATH, the last
		 * component itself), then opened non-blocking and looked at
		 * again; a regular file or directory only. */
		int fd = -1;
		for (int pass = 0; pass < 2; pass++) {
			struct stat st;
			if (fd >= 0)
				close(fd);
			fd = open(s->lock_files[i], (pass ? flags : O_PATH | O_CLOEXEC) | O_NOFOLLOW);
			if (fd < 0 || fstat(fd, &st) < 0)
				die(L, SW_STEP_LOCK_FILE, (int)i, errno);
			struct sw_report r = { .step = SW_STEP_LOCK_FILE, .index = (int)i,
					       .err = S_ISLNK(st.st_mode) ? ELOOP : EINVAL,
					       .ftype = (int32_t)(st.st_mode & S_IFMT) };
			if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
				die_rep(L, &r);
		}
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
			die(L, SW_STEP_LOCK_FILE, (int)i, errno);
		struct flock lk = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		if (fcntl(fd, F_SETLK, &lk) < 0)
			die(L, SW_STEP_LOCK_FILE, (int)i, errno);
		locks[i] = fd;
	}
	return (int)s->nlock_files;
}

/* --userns, --pidns: join, then make the namespaces the clone did not.
 * A new or joined PID namespace holds only the children of this process:
 * it forks the rest of the setup and relays its status. */
static void join_namespaces(const struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	if (s->userns_fd >= 0 && setns(s->userns_fd, CLONE_NEWUSER) < 0)
		die(L, SW_STEP_USERNS, 0, errno);
	unsigned long rest = L->flags & ~(unsigned long)CLONE_NEWPID;
	if (rest && unshare((int)rest) < 0)
		die(L, SW_STEP_USERNS, 3, errno);
	if (s->pidns_fd >= 0 && setns(s->pidns_fd, CLONE_NEWPID) < 0)
		die(L, SW_STEP_PIDNS, -1, errno);
	/* A new PID namespace inside a joined one is made from within it
	 * (enter_pidns): the kernel nests only under the active one. */
	if (s->pidns_fd < 0 && (L->flags & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0)
		die(L, SW_STEP_PIDNS, -1, errno);
}

/* Forks; the parent relays the child's status and never returns. */
static void fork_relay(const struct sw_launch *L)
{
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		die(L, SW_STEP_FORK, -1, errno);
	if (pid == 0) {
		/* The relay dies with the launcher or is killed by it: this
		 * one follows. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die(L, SW_STEP_PDEATHSIG, -1, errno);
		return;
	}
	/* The relay lives as long as the jail and needs no fd: none of the
	 * launcher's (the report pipe, the "go" socket PID 1 uses, the gate,
	 * another launch's lifeline or report pipe copied at clone) stays. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	/* The launcher signals the jail's top process, this one: it passes
	 * the SW_FORWARDED_SIGNALS on, as PID 1 does (every signal is still
	 * blocked here, so a signalfd reports them). */
	static const int fwd[] = SW_FORWARDED_SIGNALS;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof fwd / sizeof *fwd; i++)
		sigaddset(&set, fwd[i]);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	int status;
	pid_t w;
	for (;;) {
		while ((w = waitpid(pid, &status, sfd >= 0 ? WNOHANG : 0)) < 0)
			if (errno != EINTR)
				_exit(1);
		if (w == pid)
			_exit(exit_code(status));
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo != SIGCHLD)
			kill(pid, (int)si.ssi_signo);
	}
}

/* After join_namespaces: the first process of the PID namespace (a new
 * one nested in a joined one takes two forks). */
static void enter_pidns(const struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	if (s->pidns_fd < 0 && !(L->flags & CLONE_NEWPID))
		return;
	fork_relay(L);
	if (s->pidns_fd < 0 || !(L->flags & CLONE_NEWPID))
		return;
	if (unshare(CLONE_NEWPID) < 0)
		die(L, SW_STEP_PIDNS, -1, errno);
	fork_relay(L);
}

/* Waits for the parent's "go" (cgroup joined, status fds written) and, with
 * --userns-block-fd, for the helper that writes the maps; then enters the
 * joined PID namespace. */
static void await_release(const struct sw_launch *L, bool helper)
{
	const sw_spec *s = L->spec;
	char go;
	if (read(L->go[0], &go, 1) != 1)
		_exit(1); /* the parent gave up: it reports why */
	if (!sw_ns_has_reaper(L)) /* else PID 1 tells the parent the command's pid */
		close(L->go[0]);
	if (helper) {
		char b;
		ssize_t n;
		while ((n = read(s->userns_block_fd, &b, 1)) < 0 && errno == EINTR)
			;
		if (n < 0)
			die(L, SW_STEP_USERNS, 5, errno);
		close(s->userns_block_fd);
	}
	if (L->join)
		enter_pidns(L);
}

/* --die-with-parent, from the child's first instruction: the launcher's
 * thread that cloned it is inside sw_spawn until the command runs (and
 * suspended when the launch shares its memory), so that thread's end is
 * the launcher's end until then. A launcher gone already (before the
 * prctl) has closed its end of the report pipe. Again after a credential
 * change, which clears it. */
static void arm_pdeath(const struct sw_launch *L)
{
	if (!L->spec->die_with_parent)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die(L, SW_STEP_PDEATHSIG, -1, errno);
	struct pollfd p = { L->rep[1], 0, 0 };
	if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
		_exit(1);
}

void sw_ns_child(const struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	close(L->go[1]);
	close(L->rep[0]);
	if (L->life[1] >= 0)
		close(L->life[1]);
	arm_pdeath(L);
	/* Joining: the namespaces hold processes already, maybe hostile ones
	 * with CAP_SYS_PTRACE there, and this process is a copy of the
	 * launcher (memory, fds) until the command runs: not dumpable, its
	 * memory and fds are out of their reach (it then takes CAP_SYS_PTRACE
	 * over the user namespace the launcher's memory was made in). The
	 * copy is its own: the launcher's flag is untouched, and the relays
	 * and PID 1 forked below inherit it. */
	if (L->join && prctl(PR_SET_DUMPABLE, 0) < 0)
		die(L, SW_STEP_USERNS, 0, errno);
	if (L->join)
		join_namespaces(L);
	int which;
	/* --userns-block-fd: a helper writes the maps, once told the pid;
	 * --host-uid: the parent, before "go". */
	bool helper = s->userns_block_fd != SW_NO_FD;
	int e = L->userns && !helper && !L->parent_maps ? sw_ns_child_write_maps(L, &which) : 0;
	if (e)
		die(L, SW_STEP_IDMAP, which, e);
	if (!L->vm)
		await_release(L, helper);
	else if (!sw_ns_has_reaper(L))
		close(L->go[0]);
	if (L->parent_maps && (e = sw_ns_child_become(L, &which)) != 0)
		die(L, SW_STEP_IDMAP, which, e);
	if (L->parent_maps)
		arm_pdeath(L);
	if (L->late_cgroupns && unshare(CLONE_NEWCGROUP) < 0 && !L->late_cgroupns_try)
		die(L, SW_STEP_CGROUPNS, -1, errno);

	/* The nested user namespace writes its maps after the mounts, through
	 * the host's /proc: the new root may have none. */
	int proc = L->nested ? open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (L->nested && proc < 0)
		die(L, SW_STEP_IDMAP, 0, errno);
	struct pid1_exec init = { -1, -1 };
	if (sw_ns_has_reaper(L))
		prepare_init(L, &init);
	if ((e = sw_selinux_child_fscreate(&L->sel)) != 0) /* --file-label */
		die(L, SW_STEP_SELINUX, 1, e);
	struct sw_report rep = { 0 };
	if (sw_mount_child_build(L->mount, &rep) < 0)
		die_rep(L, &rep);
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		die(L, SW_STEP_HOSTNAME, -1, errno);
	int locks[SW_LOCK_FILES_MAX];
	int nlocks = take_locks(L, locks);
	/* Last, as it drops every capability over the namespaces made above. */
	if (L->nested && (e = sw_ns_child_nest(L, proc, &which)) != 0)
		die(L, which == -2 ? SW_STEP_USERNS : SW_STEP_IDMAP,
		    which == -2 ? 2 : which, e);
	if (proc >= 0)
		close(proc);
	if (s->userns2_fd >= 0 && setns(s->userns2_fd, CLONE_NEWUSER) < 0)
		die(L, SW_STEP_USERNS, 1, errno);
	if (L->nested || s->userns2_fd >= 0)
		arm_pdeath(L);
	/* --assert-userns-disabled: a new user namespace must be refused. */
	if (s->assert_userns_disabled && unshare(CLONE_NEWUSER) == 0)
		die(L, SW_STEP_USERNS, 4, EEXIST);
	/* Before the fork, as bubblewrap: PID 1 leads the new session and the
	 * command is a member of it, not its leader. */
	if (s->new_session && setsid() < 0)
		die(L, SW_STEP_SETSID, -1, errno);
	/* A reaper when there is a PID namespace, or lock files to hold. */
	if (!sw_ns_has_reaper(L))
		run_command(L);
	start_command(L, &init, locks, nlocks);
}
