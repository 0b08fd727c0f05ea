/* launch.h — one launch, prepared in the parent and read by the child.
 * Internal to src/ns. */
#ifndef SW_LAUNCH_H
#define SW_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "env/env.h"
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
	/* --userns or --pidns: the clone makes no namespace; the child joins
	 * and unshares (see sw_ns_child), then forks the rest when the PID
	 * namespace changes. */
	bool join;

	int go[2];  /* parent -> child: ids mapped, cgroup joined, go on */
	int rep[2]; /* child -> parent: struct sw_report, or EOF at exec */
	/* --die-with-parent with a PID 1: the launcher process keeps the write
	 * end (in its sw_child) and PID 1 watches the read end. EOF means the
	 * launcher process is gone; a thread exiting closes nothing, which is
	 * why this replaces PR_SET_PDEATHSIG (it fires on thread exit). */
	int life[2];

	/* Where the command starts when --chdir is not given (bubblewrap):
	 * the launcher's cwd if it exists inside, else $HOME, else /. */
	char *cwd;
	sigset_t sigmask; /* the caller's mask, restored just before exec */
	sigset_t handled; /* signals the caller catches: SIG_DFL in the child */
	char *cmd_stack;  /* SW_CMD_STACK bytes: the command's, until exec */
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
/* In the child, after the mounts: the nested user namespace (L->nested). */
int sw_ns_child_nest(const struct sw_launch *L, int proc, int *which);
extern const char *const sw_ns_map_files[3];
/* The namespaces of pid that differ from ours, as bubblewrap reports them:
 * names[i] / inode[i], returns the count. */
int sw_ns_differing(pid_t pid, const char *names[SW_NS_INFO_MAX],
		    unsigned long inodes[SW_NS_INFO_MAX]);

#endif
