/* clone.c — clone3 first, clone() when clone3 is missing or filtered. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ns/launch.h"

static pid_t clone3_raw(unsigned long flags, int cgroup_fd, int *pidfd)
{
	struct sw_clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = flags | CLONE_PIDFD;
	a.pidfd = (uint64_t)(uintptr_t)pidfd;
	a.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
	}
	return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

/* Fork semantics (no new stack): the child returns here with 0. */
static pid_t clone_raw(unsigned long flags, int *pidfd)
{
	pid_t pid = (pid_t)syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, NULL, pidfd, NULL, 0);
	if (pid < 0 && errno == EINVAL) { /* before 5.2: no CLONE_PIDFD */
		*pidfd = -1;
		pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	}
	return pid;
}

static int vm_main(void *arg)
{
	sw_ns_child(arg);
}

pid_t sw_ns_clone(struct sw_launch *L, int cgroup_fd, int *pidfd, bool *into_cgroup)
{
	/* Joining: namespaces are made by the child, after setns. */
	unsigned long flags = L->join ? 0 : L->flags;
	*pidfd = -1;
	*into_cgroup = false;
	if (L->vm) {
		pid_t pid = sw_ns_clone_vm(flags, cgroup_fd, pidfd, L->vm_stack,
					   SW_VM_STACK, vm_main, L);
		if (pid >= 0) {
			*into_cgroup = cgroup_fd >= 0;
			return pid;
		}
		/* No clone3 (ENOSYS, or EPERM from a container's seccomp
		 * profile), or a cgroup the kernel refused: the launch that
		 * copies the caller knows every fallback and explains the
		 * cgroup's fault. */
		if (errno != ENOSYS && errno != EPERM && cgroup_fd < 0)
			return -1;
		L->vm = false;
	}
	if (!(L->spec->force & SW_FORCE_CLONE_FALLBACK)) {
		pid_t pid = clone3_raw(flags, cgroup_fd, pidfd);
		if (pid >= 0) {
			*into_cgroup = cgroup_fd >= 0;
			return pid;
		}
		/* The cgroup may be what the kernel refused (EBUSY, EOPNOTSUPP,
		 * EACCES ... all of which a namespace could also cause): start
		 * the child outside it, and the parent's write to cgroup.procs
		 * (sw_cgroup_attach) joins it or names the cgroup's fault. */
		if (cgroup_fd >= 0 && errno != ENOSYS) {
			pid = clone3_raw(flags, -1, pidfd);
			if (pid >= 0)
				return pid;
		}
		/* ENOSYS: old kernel or valgrind; EPERM: a container's seccomp
		 * profile. Anything else is a real failure. */
		if (errno != ENOSYS && errno != EPERM)
			return -1;
	}
	return clone_raw(flags, pidfd);
}
