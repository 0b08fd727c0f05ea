/* launch.h — one launch, prepared in the parent and read by the child.
 * Internal to src/ns. */
#ifndef SW_LAUNCH_H
#define SW_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "env/env.h"
#include "env/selinux.h"
#include "mount/mount.h"
#include "ns/report.h"
#include "spec/spec.h"

#define SW_NS_INFO_MAX 6
#define SW_LOCK_FILES_MAX 32

/* The signals the jail's PID 1 (and the swrap command) pass on to the
 * command: what a terminal or a supervisor sends to stop, reload or
 * resize a program. */
#define SW_FORWARDED_SIGNALS \
	{ SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH }
#define SW_CMD_STACK (128 * 1024)
/* The jail's first process, launched from the caller's memory: its stack
 * (src/ns/vm.c adds a guard page below). */
#define SW_VM_STACK (256 * 1024)

/* SW_HAVE_INIT: this build carries swrap-init (src/init), the jail's only
 * PID 1: x86_64 and aarch64, the architectures src/init/sys.h has raw
 * system calls for (SW_NO_INIT: the Makefile found no image to build).
 * It is a freestanding program built apart, without sanitizers, so a
 * build under AddressSanitizer carries it too.
 * SW_HAVE_VM: the launch can share the caller's memory (the clone3
 * trampoline of src/ns/vm.c, x86_64 and aarch64), not under
 * AddressSanitizer, which can't follow a stack it did not make. */
#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(SW_NO_INIT)
#define SW_HAVE_INIT 1
#else
#define SW_HAVE_INIT 0
#endif
#if SW_HAVE_INIT && (defined(__x86_64__) || defined(__aarch64__)) && \
	!defined(__SANITIZE_ADDRESS__)
#define SW_HAVE_VM 1
#else
#define SW_HAVE_VM 0
#endif

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct clone_args (v2, with cgroup). Declared here because
 * <linux/sched.h> and <sched.h> clash. */
struct sw_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

struct sw_launch {
	const sw_spec *spec;
	struct sw_mount_plan *mount;
	struct sw_env_plan *env;
	struct sw_cgroup *cg;

	unsigned long flags; /* CLONE_NEW* */
	bool userns, pidns;
	uid_t uid_out, uid_in;
	gid_t gid_out, gid_in;
	/* "IN OUT 1\n": the child writes its own maps (see idmap.c). */
	char uid_map[32], gid_map[32];
	/* --dev with an id other than 0 inside (bubblewrap): the first user
	 * namespace maps 0 to the caller, so that the devpts instance has an
	 * owner; after the mounts a nested one maps uid_in/gid_in to that 0. */
	bool nested;
	char uid_map2[32], gid_map2[32];
	/* --host-uid/--host-gid: uid_out/gid_out are those ids, the parent
	 * writes uid_map and gid_map (a child can map only its own ids), and
	 * the child, released, becomes map_uid/map_gid (the inside ids of
	 * uid_map/gid_map), so that its kernel ids are the host ids. */
	bool parent_maps;
	uid_t map_uid;
	gid_t map_gid;
	/* --userns or --pidns: the clone makes no namespace; the child joins
	 * and unshares (see sw_ns_child), then forks the rest when the PID
	 * namespace changes. */
	bool join;
	/* A cgroup namespace with a jail cgroup: the child makes it once it
	 * is in its cgroups (after "go"), so that its root is the jail's leaf
	 * in every hierarchy, not the launcher's cgroup. try: --unshare-
	 * cgroup-try, a refusal is not an error. */
	bool late_cgroupns, late_cgroupns_try;

	int go[2];  /* parent -> child: ids mapped, cgroup joined, go on */
	int rep[2]; /* child -> parent: struct sw_report, or EOF at exec */
	/* --die-with-parent with a PID 1: the launcher process keeps the write
	 * end (in its sw_child) and PID 1 watches the read end. EOF means the
	 * launcher process is gone; a thread exiting closes nothing, which is
	 * why this replaces PR_SET_PDEATHSIG (it fires on thread exit). */
	int life[2];
	/* PID 1 -> parent: the command's exit code (an int), written the
	 * moment PID 1 knows it, before PID 1 exits and the kernel tears the
	 * namespaces down (sw_child_wait returns then). */
	int st[2];
	/* With a PID 1 (sw_ns_has_reaper), the gate: PID 1 clones the
	 * command on the same memory, waits for its byte on ready[] (the
	 * command's setup is done; EOF: it failed) and execs swrap-init,
	 * which closes gate[1] once it runs; the command waits for that EOF
	 * on gate[0] before its last steps and execve. So no instruction of
	 * the command runs while a process of the jail holds the launcher's
	 * memory, shared or copied (docs/DESIGN.md, "The order at the
	 * start"). */
	int ready[2], gate[2];
	/* The launch shares the caller's memory (see vm_launch in spawn.c):
	 * the first process runs on vm_stack, the parent waits (CLONE_VFORK)
	 * until it has exec'd the command or swrap-init, and no "go" comes:
	 * the kernel joined the cgroup, the child writes its own maps. */
	bool vm;
	void *vm_stack;
	/* swrap-init's sealed memfd, made by the parent; -1 where the kernel
	 * refuses executable memfds (vm.memfd_noexec=2): PID 1 then writes
	 * the image to a file of a tmpfs of its own (sw_ns_child_init_file). */
	int init_fd;
	bool jail_proc;        /* procfs at the jail's /proc */
	char init_args[3][24]; /* swrap-init's LIFE, STATUS, LANDLOCK */
	/* --die-with-parent: PR_SET_PDEATHSIG (first thing in the child) stays
	 * on PID 1 when the launch came from the launcher's main thread (the
	 * swrap command): it fires only when that thread ends, which then is
	 * the launcher's end, and it reaches a frozen jail, which the lifeline
	 * can't. Any other thread may end before the launcher does. */
	bool pid1_pdeath;

	/* Where the command starts when --chdir is not given (bubblewrap):
	 * the launcher's cwd if it exists inside, else $HOME, else /. */
	char *cwd;
	sigset_t sigmask; /* the caller's mask, restored just before exec */
	sigset_t handled; /* signals the caller catches: SIG_DFL in the child */
	char *cmd_stack;  /* SW_CMD_STACK bytes: the command's, until exec */
	/* --exec-label, --file-label: the host's /proc and the labels. */
	struct sw_selinux sel;
};

/* Does the jail have a PID 1 of swrap's that forks the command? (Lock
 * files call for one too, PID namespace or not: it holds them.) */
static inline bool sw_ns_has_reaper(const struct sw_launch *L)
{
	return (L->pidns || L->spec->nlock_files > 0) && !L->spec->as_pid_1;
}

/* clone.c */
pid_t sw_ns_clone(struct sw_launch *L, int cgroup_fd, int *pidfd,
		  bool *into_cgroup);

/* vm.c */
/* A sealed memfd of swrap-init (CLOEXEC, the caller closes it); -1 when
 * this build has none or the kernel refuses executable memfds. */
int sw_ns_init_fd(void);
/* In the child (no allocation): swrap-init written to a file of a new,
 * detached tmpfs, for a kernel that refuses executable memfds; an fd to
 * exec (CLOEXEC), or -errno. */
int sw_ns_child_init_file(void);
/* In the child: a new filesystem of type fstype (MOUNT_ATTR_* attrs)
 * attached nowhere; an fd of its root, or -errno. */
int sw_ns_child_detached_mount(const char *fstype, unsigned attrs);
/* clone3 with CLONE_VM|CLONE_VFORK|CLONE_PIDFD (and the cgroup): the
 * child runs fn(arg) on stack[0, size) and exits with its value. */
pid_t sw_ns_clone_vm(unsigned long flags, int cgroup_fd, int *pidfd, void *stack,
		     size_t size, int (*fn)(void *), void *arg);
void *sw_ns_stack_new(size_t size);
void sw_ns_stack_free(void *stack, size_t size);
/* Waits for the jail's top process (by pidfd when there is one): 1 and
 * *code (exit status, or 128+N for signal N) once reaped, 0 with WNOHANG
 * while it runs, or -errno. */
int sw_ns_wait(pid_t pid, int pidfd, int options, int *code);
/* Reaps it in a thread of its own (or here, if none can be made). */
void sw_ns_reap_later(pid_t pid);

/* Does this launch use the lifeline (else PR_SET_PDEATHSIG)? */
static inline bool sw_ns_uses_lifeline(const struct sw_launch *L)
{
	return L->spec->die_with_parent && L->pidns && !L->spec->as_pid_1;
}

/* child.c: never returns. */
void sw_ns_child(const struct sw_launch *L) __attribute__((noreturn));

/* idmap.c */
void sw_ns_prepare_maps(struct sw_launch *L);
/* In the child: returns 0 or a positive errno; *which names the file. */
int sw_ns_child_write_maps(const struct sw_launch *L, int *which);
/* In the parent, before "go" (L->parent_maps): pid's maps; -errno and a
 * message naming --host-uid. */
int sw_ns_parent_write_maps(const struct sw_launch *L, pid_t pid, sw_error *err);
/* In the child, released (L->parent_maps): no supplementary group, then
 * map_gid/map_uid; the parent-death signal set again (a credential change
 * clears it). 0 or a positive errno; *which: 3 setgroups, 4 setresgid,
 * 5 setresuid, 6 the parent-death signal. */
int sw_ns_child_become(const struct sw_launch *L, int *which);
/* In the child, after the mounts: the nested user namespace (L->nested). */
int sw_ns_child_nest(const struct sw_launch *L, int proc, int *which);
extern const char *const sw_ns_map_files[3];
/* The namespaces of pid that differ from ours, as bubblewrap reports them:
 * names[i] / inode[i], returns the count. */
int sw_ns_differing(pid_t pid, const char *names[SW_NS_INFO_MAX],
		    unsigned long inodes[SW_NS_INFO_MAX]);

#endif
