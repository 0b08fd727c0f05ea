/* spawn.c — the parent's side of a launch: prepare everything, clone,
 * join the cgroup, release the child, hear how it went. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/child.h"
#include "ns/launch.h"

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0) {
			close(p[i]);
			p[i] = -1;
		}
}

static unsigned long clone_flags(const sw_spec *s, bool userns)
{
	unsigned long f = CLONE_NEWNS;
	if (userns)
		f |= CLONE_NEWUSER;
	if (s->ns & SW_NS_PID)
		f |= CLONE_NEWPID;
	if (s->ns & SW_NS_IPC)
		f |= CLONE_NEWIPC;
	if (s->ns & SW_NS_UTS)
		f |= CLONE_NEWUTS;
	if (s->ns & SW_NS_NET)
		f |= CLONE_NEWNET;
	if (s->ns & (SW_NS_CGROUP | SW_NS_CGROUP_TRY))
		f |= CLONE_NEWCGROUP;
	return f;
}

static void ids(struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	L->uid_out = geteuid();
	L->gid_out = getegid();
	L->uid_in = s->uid != SW_UNSET_ID ? s->uid : L->uid_out;
	L->gid_in = s->gid != SW_UNSET_ID ? s->gid : L->gid_out;
}

static void launch_free(struct sw_launch *L)
{
	close_pair(L->go);
	close_pair(L->rep);
	close_pair(L->life);
	close_pair(L->st);
	close_pair(L->ready);
	close_pair(L->gate);
	if (L->init_fd >= 0)
		close(L->init_fd);
	sw_ns_stack_free(L->vm_stack, SW_VM_STACK);
	sw_mount_plan_free(L->mount);
	sw_env_plan_free(L->env);
	sw_selinux_release(&L->sel);
	free(L->cwd);
	free(L->cmd_stack);
}

/* The child reports on rep[1] until exec, after the --fd-map dup3s: no
 * map may land on it (nor on the "go" socket). Moves p[] above every
 * destination. */
static int clear_of_maps(const sw_spec *s, int p[2], sw_error *err)
{
	int top = 0;
	for (size_t i = 0; i < s->nfdmap; i++)
		if (s->fdmap_dst[i] >= top)
			top = s->fdmap_dst[i] + 1;
	for (int k = 0; k < 2; k++) {
		if (p[k] >= top)
			continue;
		int fd = fcntl(p[k], F_DUPFD_CLOEXEC, top);
		if (fd < 0)
			return sw_error_set(err, errno, "fcntl(F_DUPFD_CLOEXEC): %s",
					    strerror(errno));
		close(p[k]);
		p[k] = fd;
	}
	return 0;
}

/* The jail's PID 1 is always swrap-init (see exec_init in child.c): its
 * memfd (-1 where the kernel refuses executable memfds: the child then
 * makes a file of its own) and its fixed arguments. */
static int init_prepare(struct sw_launch *L, sw_error *err)
{
	const sw_spec *s = L->spec;
	if (!SW_HAVE_INIT)
		return sw_error_set(err, ENOEXEC, "this build of libswrap carries no swrap-init "
				    "for this architecture, and a jail with a PID namespace or "
				    "--lock-file needs it as its PID 1");
	L->init_fd = sw_ns_init_fd();
	for (size_t i = 0; i < s->nfs; i++)
		if (s->fs[i].kind == SW_FS_PROC && strcmp(s->fs[i].dest, "/proc") == 0)
			L->jail_proc = true;
	/* Its arguments known here (src/init/init.c); PID 1 adds the
	 * command's pid, the "go" socket and the gate. */
	snprintf(L->init_args[0], sizeof L->init_args[0], "%d",
		 sw_ns_uses_lifeline(L) ? L->life[0] : -1);
	snprintf(L->init_args[1], sizeof L->init_args[1], "%d", L->st[1]);
	snprintf(L->init_args[2], sizeof L->init_args[2], "%llu",
		 sw_env_plan_landlock_handled(L->env));
	L->pid1_pdeath = s->die_with_parent && gettid() == getpid();
	return 0;
}

/* Everything the child will need, made before clone. */
static int launch_prepare(struct sw_launch *L, const sw_spec *s, sw_error *err)
{
	memset(L, 0, sizeof *L);
	L->spec = s;
	L->go[0] = L->go[1] = L->rep[0] = L->rep[1] = L->life[0] = L->life[1] = -1;
	L->st[0] = L->st[1] = L->init_fd = -1;
	L->ready[0] = L->ready[1] = L->gate[0] = L->gate[1] = -1;
	L->userns = sw_spec_wants_userns(s, geteuid());
	L->pidns = (s->ns & SW_NS_PID) != 0;
	L->flags = clone_flags(s, L->userns);
	L->join = s->userns_fd != SW_NO_FD || s->pidns_fd != SW_NO_FD;
	if (s->disable_userns && !L->userns)
		return sw_error_set(err, EINVAL, "--disable-userns requires --unshare-user");
	if (s->userns_block_fd != SW_NO_FD && !L->userns)
		return sw_error_set(err, EINVAL, "--userns-block-fd requires --unshare-user");
	if (s->host_uid != SW_UNSET_ID && geteuid() != 0)
		return sw_error_set(err, EPERM, "--host-uid %u: only a root launcher can map "
				    "the jail to another host uid (this one runs as uid %u, "
				    "which is what its jail is outside)",
				    (unsigned)s->host_uid, (unsigned)geteuid());
	if (s->nlock_files > SW_LOCK_FILES_MAX)
		return sw_error_set(err, E2BIG, "--lock-file: at most %d lock files",
				    SW_LOCK_FILES_MAX);
	int sr = sw_selinux_prepare(s, NULL, &L->sel, err); /* env/selinux.c */
	if (sr < 0)
		return sr;
	ids(L);
	sw_ns_prepare_maps(L);
	int r = sw_mount_plan_new(s, &L->mount, err);
	if (r == 0)
		r = sw_env_plan_new(s, geteuid(), &L->env, err);
	for (size_t i = 0; r == 0 && i < s->nfs; i++)
		if (sw_mount_plan_skips(L->mount, i))
			sw_env_plan_landlock_skip(L->env, i);
	/* "go" is a socket so the parent can send with MSG_NOSIGNAL: a child
	 * that died early must not kill the launcher with SIGPIPE. */
	if (r == 0 && (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, L->go) < 0 ||
		       pipe2(L->rep, O_CLOEXEC) < 0 ||
		       (sw_ns_uses_lifeline(L) && pipe2(L->life, O_CLOEXEC) < 0) ||
		       (sw_ns_has_reaper(L) && (pipe2(L->st, O_CLOEXEC) < 0 ||
						 pipe2(L->ready, O_CLOEXEC) < 0 ||
						 pipe2(L->gate, O_CLOEXEC) < 0))))
		r = sw_error_set(err, errno, "pipe: %s", strerror(errno));
	/* The command uses these after its --fd-map dup3s. */
	if (r == 0 && s->nfdmap && (r = clear_of_maps(s, L->rep, err)) == 0 &&
	    (r = clear_of_maps(s, L->go, err)) == 0 && sw_ns_has_reaper(L) &&
	    (r = clear_of_maps(s, L->ready, err)) == 0)
		r = clear_of_maps(s, L->gate, err);
	if (r == 0 && sw_ns_has_reaper(L))
		r = init_prepare(L, err);
	/* A reaper when there is a PID namespace, or lock files to hold. */
	if (r == 0 && sw_ns_has_reaper(L) && !(L->cmd_stack = malloc(SW_CMD_STACK)))
		r = sw_error_set(err, ENOMEM, "out of memory");
	if (r == 0)
		L->cwd = get_current_dir_name();
	return r; /* on failure the caller's launch_free() cleans up */
}

/* Reads the child's verdict: EOF means the command was exec'd. */
static int hear_child(struct sw_launch *L, sw_error *err)
{
	struct sw_report rep;
	ssize_t n;
	do
		n = read(L->rep[0], &rep, sizeof rep);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof rep)
		return sw_error_set(err, EIO, "the jail's setup ended without a report");
	return sw_ns_describe(L->spec, &rep, err);
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* After clone, before "go": --host-uid's maps, cgroup join, status fds.
 * (A launch from the caller's memory has none of it: the kernel put the
 * child in its cgroup, and a spec with status fds or host ids does not
 * launch so.) */
static int release_child(struct sw_launch *L, struct sw_child *c, bool into_cg, sw_error *err)
{
	/* --host-uid: the maps first (idmap.c). */
	int r = L->parent_maps ? sw_ns_parent_write_maps(L, c->pid, err) : 0;
	if (!L->vm && r == 0 && c->cg)
		r = sw_cgroup_attach(c->cg, c->pid, into_cg, err);
	if (!L->vm && r == 0)
		sw_child_write_info(L->spec, c);
	if (!L->vm && r == 0 && send(L->go[1], "g", 1, MSG_NOSIGNAL) != 1)
		r = sw_error_set(err, errno, "the jail's setup ended before it was released: %s",
				 strerror(errno));
	if (r < 0 || !sw_ns_has_reaper(L)) { /* else learn_command needs it */
		close(L->go[1]);
		L->go[1] = -1;
	}
	return r;
}

/* The host pid of the process a pidfd refers to ("Pid:" in its fdinfo,
 * Linux 5.3), or -1. */
static pid_t pidfd_pid(int pfd)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pfd);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *p = strstr(buf, "\nPid:");
	long pid = p ? strtol(p + 5, NULL, 10) : -1;
	return pid > 0 ? (pid_t)pid : -1;
}

/* Without pidfd_open in the jail: PID 1's first child (CONFIG_PROC_CHILDREN). */
static pid_t first_child(pid_t pid)
{
	char path[64], buf[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	long v = strtol(buf, NULL, 10);
	return v > 0 ? (pid_t)v : -1;
}

/* With a PID 1 of ours, the command is its child: PID 1 sends a pidfd of
 * it (send_command in child.c) and waits for our ack before it reaps
 * anything, so the pid read here is still the command's. */
static void learn_command(struct sw_launch *L, struct sw_child *c)
{
	c->cmd_pid = c->pid;
	if (L->go[1] < 0)
		return;
	c->cmd_pid = -1;
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	ssize_t n;
	while ((n = recvmsg(L->go[1], &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR(&m) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int))) {
		int pfd;
		memcpy(&pfd, CMSG_DATA(cm), sizeof pfd);
		c->cmd_pid = pidfd_pid(pfd);
		close(pfd);
	}
	if (n == 1 && c->cmd_pid < 0)
		c->cmd_pid = first_child(c->pid);
	send(L->go[1], "a", 1, MSG_NOSIGNAL);
	close(L->go[1]);
	L->go[1] = -1;
}

/* The signals the caller has handlers for, found while every signal is
 * blocked, so the child resets only those. */
static void find_handlers(sigset_t *handled)
{
	sigemptyset(handled);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;
		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &old) == 0 &&
		    old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN)
			sigaddset(handled, sig);
	}
}

/* --unshare-user-try, --unshare-cgroup-try (both in --unshare-all): when
 * the kernel refuses the namespaces, a launcher that can do without them
 * (root, for the user namespace) goes on without, as bubblewrap does.
 * Returns whether there is something left to try. */
static bool drop_optional_ns(struct sw_launch *L, int e)
{
	const sw_spec *s = L->spec;
	bool user = L->userns && (s->ns & SW_NS_USER_TRY) && !(s->ns & SW_NS_USER) &&
		    geteuid() == 0;
	bool cg = (L->flags & CLONE_NEWCGROUP) && (s->ns & SW_NS_CGROUP_TRY) &&
		  !(s->ns & SW_NS_CGROUP);
	if ((e != EPERM && e != ENOSPC && e != EINVAL && e != EUSERS) || !(user || cg))
		return false;
	if (user && sw_env_plan_set_userns(L->env, false, NULL) < 0)
		return false;
	if (user) {
		L->userns = L->nested = false;
		L->flags &= ~(unsigned long)CLONE_NEWUSER;
	}
	if (cg)
		L->flags &= ~(unsigned long)CLONE_NEWCGROUP;
	return true;
}

/* --netns: the calling thread joins the namespace for the clone (the
 * child is born in it, whatever user namespace it makes) and goes back
 * right after. A network namespace is per thread: no other thread of the
 * caller ever sees it. *saved: the thread's own, to go back to. */
static int netns_enter(const sw_spec *s, int *saved, sw_error *err)
{
	*saved = -1;
	if (!s->netns_path && s->netns_fd < 0)
		return 0;
	char what[64];
	if (!s->netns_path)
		snprintf(what, sizeof what, "fd %d", s->netns_fd);
	const char *name = s->netns_path ? s->netns_path : what;
	/* Non-blocking: a fifo named there must not hang the launcher (setns
	 * then says it is no namespace). */
	int fd = s->netns_path ? open(s->netns_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
			       : s->netns_fd;
	if (fd < 0)
		return sw_error_set(err, errno, "--netns %s: %s", name, strerror(errno));
	int r = 0;
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		r = sw_error_set(err, errno, "--netns %s: can't open /proc/thread-self/ns/net "
				 "to come back to: %s", name, strerror(errno));
	else if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;
		if (e == EPERM)
			r = sw_error_set(err, e, "--netns %s: can't join it: %s (joining a network "
					 "namespace takes CAP_SYS_ADMIN over the user namespace that "
					 "owns it, and uid %u has none: a namespace owned by another "
					 "user namespace can't be joined unprivileged; run swrap as root)",
					 name, strerror(e), (unsigned)geteuid());
		else if (e == EINVAL)
			r = sw_error_set(err, e, "--netns %s: not a network namespace", name);
		else
			r = sw_error_set(err, e, "--netns %s: can't join it: %s", name, strerror(e));
		close(*saved);
		*saved = -1;
	}
	if (s->netns_path)
		close(fd);
	return r;
}

/* Back to the thread's own network namespace; -errno on failure. */
static int netns_leave(int saved)
{
	if (saved < 0)
		return 0;
	int r = setns(saved, CLONE_NEWNET) < 0 ? -errno : 0;
	close(saved);
	return r;
}

/* Can this launch share the caller's memory (see docs/DESIGN.md,
 * "Sharing the caller's memory")? Not when the parent has something to do between clone and
 * the child's setup (status fds written with the child's namespaces, a
 * helper writing the maps, a cgroup the kernel can't join at clone, a
 * namespace to join first), nor where this build has no trampoline.
 *
 * Nor when the child would touch what belongs to the memory it shares:
 * the "dumpable" flag is the address space's. A caller that is not
 * dumpable (it changed its uid, or said PR_SET_DUMPABLE 0) has /proc
 * files its children can't write their maps through unless they make it
 * dumpable for a moment, which would then be the caller's moment too;
 * and joining --userns2 (a namespace the caller does not own) makes the
 * kernel clear the flag, for the caller as well. */
static bool vm_launch(struct sw_launch *L, const struct sw_child *c)
{
	const sw_spec *s = L->spec;
	if (!SW_HAVE_VM || (s->force & (SW_FORCE_CLONE_FALLBACK | SW_FORCE_NO_VM)))
		return false;
	if (L->join || s->info_fd >= 0 || c->json_fd >= 0 || s->userns_block_fd != SW_NO_FD ||
	    s->userns2_fd >= 0)
		return false;
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1)
		return false;
	/* --host-uid: the parent writes the maps between clone and "go", and
	 * the child's setresuid would make the shared memory not dumpable. */
	if (L->parent_maps)
		return false;
	if (c->cg && !sw_cgroup_v2_only(c->cg))
		return false;
	return (L->vm_stack = sw_ns_stack_new(SW_VM_STACK)) != NULL;
}

/* A cgroup namespace made at clone is rooted where the child was born:
 * the launcher's cgroups for every hierarchy the parent joins after the
 * clone (v1, the cgroup.procs fallback). A jail able to mount cgroupfs
 * there would see its own limits and every cgroup beside. So with a jail
 * cgroup the child makes the namespace itself, once it is in its cgroups. */
static void late_cgroupns(struct sw_launch *L, const struct sw_child *c)
{
	if (!c->cg || !(L->flags & CLONE_NEWCGROUP))
		return;
	const sw_spec *s = L->spec;
	L->flags &= ~(unsigned long)CLONE_NEWCGROUP;
	L->late_cgroupns = true;
	L->late_cgroupns_try = (s->ns & SW_NS_CGROUP_TRY) && !(s->ns & SW_NS_CGROUP);
}

static int start(struct sw_launch *L, struct sw_child *c, sw_error *err)
{
	int saved_net;
	int r = netns_enter(L->spec, &saved_net, err);
	if (r < 0)
		return r;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &L->sigmask);
	find_handlers(&L->handled);
	int pidfd;
	bool into_cg;
	int cg_fd = c->cg ? sw_cgroup_clone_fd(c->cg) : -1;
	L->vm = vm_launch(L, c);
	late_cgroupns(L, c);
	pid_t pid = sw_ns_clone(L, cg_fd, &pidfd, &into_cg);
	if (pid < 0 && drop_optional_ns(L, errno))
		pid = sw_ns_clone(L, cg_fd, &pidfd, &into_cg);
	if (pid == 0)
		sw_ns_child(L);
	int e = errno;
	int back = netns_leave(saved_net);
	pthread_sigmask(SIG_SETMASK, &L->sigmask, NULL);
	if (back < 0) {
		if (pid > 0) {
			if (pidfd >= 0)
				close(pidfd);
			kill_and_reap(pid);
		}
		return sw_error_set(err, -back, "--netns: can't return the calling thread to "
				    "its own network namespace: %s", strerror(-back));
	}
	if (pid < 0)
		return sw_error_set(err, e, "can't create the jail's namespaces (clone): %s%s",
				    strerror(e), e == EPERM || e == ENOSPC
				    ? " — run `swrap doctor` to see what blocks user namespaces" : "");
	c->pid = pid;
	c->pidfd = pidfd;
	c->lifeline = L->life[1]; /* held for as long as the handle lives */
	c->status_fd = L->st[0];
	close(L->go[0]);
	close(L->rep[1]);
	if (L->life[0] >= 0)
		close(L->life[0]);
	if (L->st[1] >= 0)
		close(L->st[1]);
	L->go[0] = L->rep[1] = L->life[0] = L->life[1] = L->st[0] = L->st[1] = -1;
	close_pair(L->ready); /* the child's: PID 1 and the command */
	close_pair(L->gate);
	r = release_child(L, c, into_cg, err);
	/* The child's own report wins: if it failed first (it may have died
	 * before it was released), the parent's error is only the echo. */
	sw_error child_err = { 0 };
	int cr = hear_child(L, r < 0 ? &child_err : err);
	if (r < 0 && cr < 0 && err)
		*err = child_err;
	if (r == 0 || cr < 0)
		r = cr;
	if (r == 0)
		learn_command(L, c);
	if (r < 0)
		kill_and_reap(pid);
	return r;
}

int sw_spawn(const sw_spec *spec, sw_child **out, sw_error *err)
{
	if (err)
		err->status = 0;
	int r = sw_spec_validate(spec, err);
	if (r < 0)
		return r;
	struct sw_child *c = sw_child_new(spec);
	if (!c)
		return sw_error_set(err, ENOMEM, "out of memory");
	struct sw_launch L;
	r = launch_prepare(&L, spec, err);
	if (r == 0)
		r = sw_cgroup_prepare(spec, &c->cg, c->warning, sizeof c->warning, err);
	if (r == 0)
		r = start(&L, c, err);
	launch_free(&L);
	if (r < 0) {
		sw_child_abandon(c);
		return r;
	}
	*out = c;
	return 0;
}
