/* cgroup.h — per-jail cgroups: find hierarchies, create, limit, join, kill,
 * remove. Runs in the parent only (it allocates and uses libmount).
 *
 * The layout, in each hierarchy used: the limits are written on
 * <parent>/<id> (the jail's "limits cgroup"), and the jail's processes run
 * in its child <parent>/<id>/SW_CGROUP_JAIL_LEAF. A cgroup namespace the
 * jail makes roots at that leaf (or below), so the limit files are out of
 * its sight, and the limits, being hierarchical, bound whatever the jail
 * writes in its leaf or in sub-cgroups it makes there.
 *
 * Launch sequence used by ns/spawn.c:
 *
 *   sw_cgroup_prepare()     before clone: create <parent>/<id> and its
 *                           jail leaf in each needed hierarchy, enable
 *                           controllers, write limits. *out is NULL when
 *                           the spec has no --cgroup (or --cgroup-optional
 *                           failed: then *warning is filled).
 *   sw_cgroup_clone_fd()    the cgroup2 jail leaf's fd for
 *                           CLONE_INTO_CGROUP, or -1 when there is none to
 *                           use. The fd is owned by cg (O_DIRECTORY|
 *                           O_CLOEXEC, opened by prepare): do not close
 *                           it; destroy/release do.
 *   sw_cgroup_attach()      after clone, before the child is released:
 *                           moves pid into the jail leaf of every
 *                           hierarchy it is not yet in (skip_v2 when
 *                           CLONE_INTO_CGROUP already did).
 *   sw_cgroup_oom_killed()  after the jail ended: did the memory limit kill?
 *   sw_cgroup_destroy()     after the jail ended, or when the launch failed:
 *                           kill what is left, remove the directories (the
 *                           sub-cgroups the jail made included), free.
 *                           A directory that stays is an error naming it.
 */
#ifndef SW_CGROUP_H
#define SW_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"

struct sw_cgroup;

int sw_cgroup_prepare(const sw_spec *spec, struct sw_cgroup **out,
		      char *warning, size_t warning_len, sw_error *err);
int sw_cgroup_clone_fd(const struct sw_cgroup *cg);
/* Is the jail's cgroup one cgroup2 leaf (CLONE_INTO_CGROUP joins all of
 * it), no v1 hierarchy beside? */
bool sw_cgroup_v2_only(const struct sw_cgroup *cg);
int sw_cgroup_attach(struct sw_cgroup *cg, pid_t pid, bool skip_v2,
		     sw_error *err);
bool sw_cgroup_oom_killed(const struct sw_cgroup *cg);
int sw_cgroup_destroy(struct sw_cgroup *cg, sw_error *err);
/* Forget the cgroup without removing it (a detached jail keeps it). */
void sw_cgroup_release(struct sw_cgroup *cg);
/* SIGKILLs every process of the jail, in its leaf and in any sub-cgroup
 * it made, thawing v1 freezer cgroups the jail froze so that the signal
 * lands; returns once they are gone, or -EBUSY with a message after a
 * bounded number of rounds. The directories stay. */
int sw_cgroup_kill_members(struct sw_cgroup *cg, sw_error *err);
/* The jail's limits cgroup (<base>/<parent>/<id>) that serves controller
 * ctl (one SW_CGC_* bit), or with ctl 0 the cgroup2 one; NULL when none.
 * Limits, usage and memory.events are read there. For messages and
 * tests. */
const char *sw_cgroup_path(const struct sw_cgroup *cg, unsigned ctl);
/* The same hierarchy's jail leaf (<base>/<parent>/<id>/SW_CGROUP_JAIL_LEAF),
 * where the jail's processes run; NULL when none. */
const char *sw_cgroup_jail_path(const struct sw_cgroup *cg, unsigned ctl);

/* The child of the limits cgroup that the jail's processes run in. */
#define SW_CGROUP_JAIL_LEAF "jail"

/* ---- internal: for the files of src/cgroup and its tests only ------- */

/* Controllers this module manages. */
enum {
	SW_CGC_MEMORY = 1u << 0,
	SW_CGC_CPU = 1u << 1,
	SW_CGC_PIDS = 1u << 2,
	SW_CGC_FREEZER = 1u << 3, /* v1 only: to kill a jail without cgroup2 */
};

/* Where the host's cgroups are. The defaults (all fields 0/NULL, or a NULL
 * host) are the real ones; tests point them at a fake tree and play the
 * kernel's part through the mkdir/rmdir hooks (a real cgroupfs fills a new
 * directory with its files and removes them with it). */
struct sw_cgroup_host {
	const char *mountinfo;   /* NULL: /proc/self/mountinfo */
	const char *self_cgroup; /* NULL: /proc/self/cgroup */
	const char *prefix;      /* put before every mount point; NULL: "" */
	int rootless;            /* 1 or 0; -1 (or host NULL): geteuid() != 0 */
	/* Rootless: the uid whose delegated cgroups these are (systemd chowns
	 * a delegated directory and its cgroup.procs to the user); 0 (or host
	 * NULL): geteuid(). */
	unsigned owner;
	/* Never move processes (see SW_CGROUP_CALLER_LEAF): a level that
	 * would need it fails with -EAGAIN and a message (the doctor's
	 * dry run). */
	bool no_move;
	int (*mkdir)(const char *path, void *arg); /* 0, or -1 and errno */
	int (*rmdir)(const char *path, void *arg);
	void *arg;
	unsigned quirks; /* SW_CGQ_*: act as an older kernel would */
};

/* Older kernels, for the tests of the fallbacks on a new one. */
enum {
	SW_CGQ_NO_KILL_FILE = 1u << 0, /* no cgroup.kill (before Linux 5.14) */
	SW_CGQ_NO_PIDFD = 1u << 1,     /* no pidfd_open (before Linux 5.3) */
};

#define SW_CGROUP_MAX_HIER 16

/* One mounted hierarchy. */
struct sw_cgroup_hier {
	char *mount;   /* mount point (with the host prefix) */
	char *self;    /* the caller's cgroup directory in it; NULL: not seen */
	char *base;    /* where <parent>/<id> goes: the mount (root); rootless,
			* the top of the caller's delegated subtree: the
			* highest ancestor of self (or self) that the owner
			* owns, e.g. user@UID.service under systemd */
	bool v2;
	unsigned ctls; /* SW_CGC_*: v1 from the mount options, v2 from
			* base/cgroup.controllers */
};

struct sw_cgroup_layout {
	struct sw_cgroup_hier h[SW_CGROUP_MAX_HIER];
	size_t n;
	bool rootless;
};

int sw_cgroup_discover(const struct sw_cgroup_host *host,
		       struct sw_cgroup_layout *out, sw_error *err);
void sw_cgroup_layout_free(struct sw_cgroup_layout *layout);
/* The cgroup2 hierarchy, or the v1 one holding ctl; NULL when none. */
const struct sw_cgroup_hier *sw_cgroup_layout_find(
	const struct sw_cgroup_layout *layout, bool v2, unsigned ctl);

/* sw_cgroup_prepare and sw_cgroup_kill on a given host. */
int sw_cgroup_prepare_at(const struct sw_cgroup_host *host,
			 const sw_spec *spec, struct sw_cgroup **out,
			 char *warning, size_t warning_len, sw_error *err);
/* The leaves of the jail <parent>/<id> that exist, in a new *out (free it
 * with sw_cgroup_release; sw_cgroup_destroy also removes them); -ENOENT
 * with a message listing where it looked when there is none. */
int sw_cgroup_open_jail(const char *id, const char *parent,
			struct sw_cgroup **out, sw_error *err);
int sw_cgroup_kill_at(const struct sw_cgroup_host *host, const char *id,
		      const char *parent, sw_error *err);

/* cgroup2 enables controllers only in a cgroup without processes of its
 * own (the root excepted). When the cgroup that must enable them is the
 * caller's own (rootless: a delegated scope holding the caller and its
 * shell; root: a container's cgroup namespace root), its processes move
 * into this child of it first, as systemd and container runtimes do. */
#define SW_CGROUP_CALLER_LEAF "swrap-caller"

/* The doctor's check: would a jail with memory, pids and cpu limits work
 * here? Creates and removes a throwaway jail cgroup (<base>/swrap/
 * swrap-doctor-PID) the way a launch does, never moving a process.
 * Returns 0 (PASS), 1 (WARN: no cgroup hierarchy at all) or 2 (FAIL);
 * detail says what was found, fix what to do (empty when nothing). */
int sw_cgroup_trial_at(const struct sw_cgroup_host *host, char *detail,
		       size_t detail_len, char *fix, size_t fix_len);

/* <parent>/<id> has at most this many components (made: one bit each). */
#define SW_CGROUP_MAX_DEPTH (SW_CGROUP_PARENT_DEPTH + 1)

/* One hierarchy's part of a jail: <base>/<parent>/<id> and its jail leaf.
 * ("leaf" below names this pair; the directory the processes run in is
 * always called the jail leaf.) */
struct sw_cgroup_leaf {
	char *path;    /* <base>/<parent>/<id>: the limits cgroup */
	char *jail;    /* path/SW_CGROUP_JAIL_LEAF: where the processes run */
	unsigned ncomp; /* components of <parent>/<id> */
	uint64_t made; /* bit i: we created component i (ncomp-1: <id>) */
	bool v2;
	unsigned ctls; /* SW_CGC_*: the controllers it limits (or freezes) */
};

/* The user xattr that marks a parent directory swrap created: the jail
 * that leaves it empty removes it, whichever jail made it. */
#define SW_CGROUP_MARK "user.swrap.parent"

#define SW_CGROUP_MAX_LEAVES 5 /* cgroup2, memory, cpu, pids, freezer */

struct sw_cgroup {
	struct sw_cgroup_leaf leaf[SW_CGROUP_MAX_LEAVES];
	size_t n;
	int v2_fd; /* for CLONE_INTO_CGROUP, -1 when there is no cgroup2 leaf */
	int (*rmdir)(const char *path, void *arg); /* the host's hooks */
	void *arg;
	unsigned quirks; /* the host's */
};

/* File helpers (cgfile.c). Errors name the file and the value. */
int sw_cgroup_write(const char *dir, const char *file, const char *value,
		    sw_error *err);
/* Reads dir/file into buf (NUL-terminated); bytes read or -errno. */
ssize_t sw_cgroup_read(const char *dir, const char *file, char *buf,
		       size_t len);
/* The number after "key " on a line of dir/file; false when absent. */
bool sw_cgroup_read_key(const char *dir, const char *file, const char *key,
			unsigned long long *value);
/* Controller names in a space-separated list ("+" prefixes allowed). */
unsigned sw_cgroup_parse_ctls(const char *list);
/* The names of ctls, each after prefix ("+" or ""), space-separated. */
const char *sw_cgroup_format_ctls(unsigned ctls, const char *prefix,
				  char *buf, size_t len);
/* sw_error_set with ": <strerror(e)>" appended. */
int sw_cgroup_fail(sw_error *err, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Is name a valid jail id? parent a valid relative path? (0 or -EINVAL) */
int sw_cgroup_check_names(const char *id, const char *parent, sw_error *err);
/* "<parent>/<id>" without stray slashes (parent NULL: the default), and
 * its number of components. 0 or -ENAMETOOLONG. */
int sw_cgroup_rel_path(const char *parent, const char *id, char *buf,
		       size_t len, unsigned *ncomp);
/* The v1 OOM kills in the subtree at dir (v1 counts one in the victim's
 * cgroup only); false when there is no memory.oom_control to read. */
bool sw_cgroup_v1_oom_kills(const char *dir, unsigned long long *n);
/* Writes the limits that fall to this leaf's controllers (limits.c). */
int sw_cgroup_write_limits(const struct sw_cgroup_leaf *leaf,
			   const struct sw_limits *limits, sw_error *err);
/* cgroup2's cpu.weight (1..10000) as cgroup v1's cpu.shares. */
uint64_t sw_cgroup_weight_to_shares(uint64_t weight);
/* Kills what is in the leaves and removes them (destroy without free). */
int sw_cgroup_remove(struct sw_cgroup *cg, sw_error *err);

/* The cgroups below a directory (tree.c): a hostile jail may have made a
 * tree of any shape and depth, so they are walked without recursion and
 * without building a path per directory (one may be longer than
 * PATH_MAX), by directory fds and "..", never following a symlink nor
 * entering another filesystem. A walk takes at most SW_CGROUP_TREE_STEPS
 * steps (one per directory entered or left), then fails with -E2BIG. */
#define SW_CGROUP_TREE_STEPS (1L << 20)
/* Calls fn(dir, arg) on top and on every directory below it, parents
 * before their children; dir is a "/proc/self/fd/N" path for
 * sw_cgroup_read/write. fn's result is ignored. 0 or -errno. */
int sw_cgroup_tree_visit(const char *top, void (*fn)(const char *dir, void *arg),
			 void *arg);
/* Removes every directory below top (not top), children before parents,
 * through rmdir_fn (NULL: rmdir; it is given "/proc/self/fd/N/NAME").
 * A directory that stays (its processes did not die, EBUSY while they
 * leave lasted too long, ...) does not stop the walk: 0, or the first
 * failure as -errno with a message naming it. */
int sw_cgroup_tree_remove(const char *top, int (*rmdir_fn)(const char *path, void *arg),
			  void *arg, sw_error *err);

#endif
