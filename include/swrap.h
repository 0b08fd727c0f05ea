/* swrap.h — the public API of libswrap.
 *
 * libswrap starts a command inside Linux namespaces the way bubblewrap does,
 * from the caller's own process, with no helper binary and no setuid bit.
 *
 * The life of a jail:
 *
 *     sw_spec *s = sw_spec_new();
 *     sw_spec_unshare(s, SW_NS_USER | SW_NS_PID | SW_NS_IPC | SW_NS_UTS);
 *     sw_spec_bind(s, SW_FS_RO_BIND, "/usr", "/usr", 0, &err);
 *     ...
 *     sw_spec_argv(s, argc, argv, &err);
 *     sw_spawn(s, &child, &err);          // returns once the jail is running
 *     sw_child_wait(child, &code, &err);  // the command's exit code
 *     sw_child_free(child);
 *     sw_spec_free(s);
 *
 * Conventions, for every function below unless it says otherwise:
 *  - Return 0 on success or a negative errno value on failure; on failure the
 *    sw_error passed in (may be NULL) holds one human-readable line that names
 *    the offending argument or path as the caller gave it.
 *  - Library code never prints and never exits.
 *  - Strings passed in are copied; the caller keeps ownership of its own.
 *  - An sw_spec is not thread-safe: build it from one thread. A finished
 *    spec may be read by several threads at once (sw_spawn only reads it).
 *  - sw_child handles may be used from any thread, including after the
 *    thread that spawned them has exited.
 */
#ifndef SWRAP_H
#define SWRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SWRAP_VERSION "0.1.0"

typedef struct sw_spec sw_spec;
typedef struct sw_child sw_child;

/* An error: the negative errno and a message, in caller-owned memory. */
typedef struct sw_error {
	int code;   /* negative errno */
	int status; /* for a command line: 126/127 when the program could not
		       be executed, 0 otherwise (then 1 is the usual status) */
	char msg[512];
} sw_error;

/* Set err (if not NULL) and return -code. printf-style. Any thread. */
int sw_error_set(sw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- namespaces ------------------------------------------------------ */

enum {
	SW_NS_USER = 1u << 0,
	SW_NS_PID = 1u << 1,
	SW_NS_IPC = 1u << 2,
	SW_NS_UTS = 1u << 3,
	SW_NS_NET = 1u << 4,
	SW_NS_CGROUP = 1u << 5,
	SW_NS_USER_TRY = 1u << 6,   /* a user namespace if the kernel allows */
	SW_NS_CGROUP_TRY = 1u << 7, /* a cgroup namespace if the kernel allows */
	/* bubblewrap's --unshare-all */
	SW_NS_ALL = SW_NS_USER_TRY | SW_NS_PID | SW_NS_IPC | SW_NS_UTS |
		    SW_NS_NET | SW_NS_CGROUP_TRY,
};

/* Builders: not thread-safe on one spec (build it from one thread); they
 * never block, copy every string, and fail with -EINVAL (a message naming
 * the argument) or -ENOMEM. The order of the filesystem and environment
 * calls is the order the jail applies them in. */
sw_spec *sw_spec_new(void);      /* NULL only when out of memory */
void sw_spec_free(sw_spec *spec); /* NULL is fine */

void sw_spec_unshare(sw_spec *spec, unsigned ns); /* adds SW_NS_* bits */
void sw_spec_share(sw_spec *spec, unsigned ns);   /* removes them */

/* ---- the filesystem, applied in the order they are added ------------- */

enum sw_fs_kind {
	SW_FS_BIND,       /* --bind SRC DEST */
	SW_FS_RO_BIND,    /* --ro-bind SRC DEST */
	SW_FS_DEV_BIND,   /* --dev-bind SRC DEST */
	SW_FS_REMOUNT_RO, /* --remount-ro DEST */
	SW_FS_PROC,       /* --proc DEST */
	SW_FS_DEV,        /* --dev DEST */
	SW_FS_TMPFS,      /* --tmpfs DEST (mode, size) */
	SW_FS_MQUEUE,     /* --mqueue DEST */
	SW_FS_DIR,        /* --dir DEST (mode) */
	SW_FS_SYMLINK,    /* --symlink TARGET DEST */
	SW_FS_CHMOD,      /* --chmod MODE PATH */
	SW_FS_BIND_FD,    /* --bind-fd FD DEST: the fd is the source */
	SW_FS_RO_BIND_FD, /* --ro-bind-fd FD DEST */
	SW_FS_FILE,       /* --file FD DEST: a new file, FD's content (mode) */
	SW_FS_BIND_DATA,  /* --bind-data FD DEST: FD's content bound (mode) */
	SW_FS_RO_BIND_DATA, /* --ro-bind-data FD DEST */
	SW_FS_OVERLAY,    /* --overlay-src... --overlay RWSRC WORKDIR DEST */
	SW_FS_TMP_OVERLAY, /* --overlay-src... --tmp-overlay DEST */
	SW_FS_RO_OVERLAY, /* --overlay-src... --ro-overlay DEST */
};

#define SW_BIND_TRY 1u /* the -try forms: skip when the source is missing */
#define SW_MODE_DEFAULT (-1) /* 0755, as bubblewrap */

/* kind is SW_FS_BIND, SW_FS_RO_BIND or SW_FS_DEV_BIND. */
int sw_spec_bind(sw_spec *spec, enum sw_fs_kind kind, const char *src,
		 const char *dest, unsigned flags, sw_error *err);
/* kind is SW_FS_REMOUNT_RO, SW_FS_PROC, SW_FS_DEV or SW_FS_MQUEUE. */
int sw_spec_mount(sw_spec *spec, enum sw_fs_kind kind, const char *dest,
		  sw_error *err);
/* size 0: the kernel's default (half of RAM). */
int sw_spec_tmpfs(sw_spec *spec, const char *dest, int mode, uint64_t size,
		  sw_error *err);
int sw_spec_dir(sw_spec *spec, const char *dest, int mode, sw_error *err);
int sw_spec_symlink(sw_spec *spec, const char *target, const char *dest,
		    sw_error *err);
int sw_spec_chmod(sw_spec *spec, const char *path, int mode, sw_error *err);
/* kind SW_FS_BIND_FD or SW_FS_RO_BIND_FD: bind what fd refers to (no path
 * lookup). The fd is used at spawn and closed in the jail. */
int sw_spec_bind_fd(sw_spec *spec, enum sw_fs_kind kind, int fd,
		    const char *dest, sw_error *err);
/* kind SW_FS_FILE, SW_FS_BIND_DATA or SW_FS_RO_BIND_DATA: DEST gets all of
 * fd's content (read at spawn, in the jail) with mode (SW_MODE_DEFAULT:
 * 0666 for a file, 0600 for the data binds, as bubblewrap). */
int sw_spec_data(sw_spec *spec, enum sw_fs_kind kind, int fd,
		 const char *dest, int mode, sw_error *err);
/* kind SW_FS_OVERLAY (upper and work given), SW_FS_TMP_OVERLAY (a tmpfs
 * upper) or SW_FS_RO_OVERLAY (no upper: at least two lowers). lowers[0]
 * is the lowest layer, as --overlay-src in order. */
int sw_spec_overlay(sw_spec *spec, enum sw_fs_kind kind,
		    const char *const *lowers, size_t nlowers,
		    const char *upper, const char *work, const char *dest,
		    sw_error *err);
/* --lock-file DEST: the jail holds a read lock (fcntl F_RDLCK) on DEST,
 * resolved inside it, for as long as it lives. */
int sw_spec_lock_file(sw_spec *spec, const char *dest, sw_error *err);

/* ---- environment, applied in order to the caller's environ ----------- */

int sw_spec_clearenv(sw_spec *spec, sw_error *err);
int sw_spec_setenv(sw_spec *spec, const char *name, const char *value,
		   sw_error *err);
int sw_spec_unsetenv(sw_spec *spec, const char *name, sw_error *err);

/* ---- the process ----------------------------------------------------- */

int sw_spec_argv(sw_spec *spec, size_t argc, const char *const *argv,
		 sw_error *err);
int sw_spec_argv0(sw_spec *spec, const char *argv0, sw_error *err);
int sw_spec_chdir(sw_spec *spec, const char *dir, sw_error *err);
int sw_spec_hostname(sw_spec *spec, const char *name, sw_error *err);
void sw_spec_uid(sw_spec *spec, uid_t uid); /* the uid inside */
void sw_spec_gid(sw_spec *spec, gid_t gid); /* the gid inside */
/* --host-uid UID --host-gid GID, for a root launcher: the jail runs as
 * this unprivileged host uid/gid (like Firecracker's jailer --uid/--gid)
 * instead of the host's root. uid 0 inside (or --uid/--gid) is uid
 * outside; the parent writes the maps, the jail keeps no supplementary
 * group, and its processes' kernel ids are uid/gid. Both are needed (0
 * and -1 are refused, -EINVAL naming the option); only the spec is
 * touched here. sw_spawn refuses them (-EPERM) for a caller whose euid is
 * not 0, and (-EINVAL) without a new user namespace (SW_NS_USER), with a
 * helper writing the maps (SW_FD_USERNS_BLOCK) or with SW_FD_PIDNS. Such
 * a launch copies the caller; bwrap has no equivalent (README, "Security"). */
int sw_spec_host_ids(sw_spec *spec, uid_t uid, gid_t gid, sw_error *err);
void sw_spec_new_session(sw_spec *spec, bool on);
/* The jail ends with the calling process, from the first instruction of
 * its setup (libswrap(3): launched from another thread than the main one,
 * a frozen jail outlives it until thawed). */
void sw_spec_die_with_parent(sw_spec *spec, bool on);
void sw_spec_as_pid_1(sw_spec *spec, bool on);
void sw_spec_detach(sw_spec *spec, bool on);

/* Capabilities, applied in order: name is "CAP_NET_ADMIN" (or without the
 * CAP_ prefix, any case) or "ALL". */
int sw_spec_cap(sw_spec *spec, bool add, const char *name, sw_error *err);

/* Raw BPF programs read from fds, as bubblewrap's --seccomp (one, replace)
 * and --add-seccomp-fd (any number). The fds are read at spawn. */
int sw_spec_seccomp_fd(sw_spec *spec, int fd, bool add, sw_error *err);
/* A built-in filter: "default" (see README). */
int sw_spec_seccomp_profile(sw_spec *spec, const char *name, sw_error *err);

enum sw_fd_role {
	SW_FD_INFO,        /* --info-fd */
	SW_FD_JSON_STATUS, /* --json-status-fd */
	SW_FD_BLOCK,       /* --block-fd */
	SW_FD_SYNC,        /* --sync-fd */
	SW_FD_USERNS,      /* --userns: join this user namespace */
	SW_FD_USERNS2,     /* --userns2: switch to it after the setup */
	SW_FD_PIDNS,       /* --pidns: join this PID namespace */
	SW_FD_USERNS_BLOCK, /* --userns-block-fd: wait for data before the
			       maps are needed (a helper writes them) */
};
int sw_spec_fd(sw_spec *spec, enum sw_fd_role role, int fd, sw_error *err);
int sw_spec_keep_fd(sw_spec *spec, int fd, sw_error *err);
/* The command gets the caller's fd src as fd dst (dup3 between clone and
 * exec, close-on-exec cleared): a watchdog pipe on fd 3, say. src itself
 * is not passed on unless kept with sw_spec_keep_fd too. Maps apply
 * together, so they may swap fds (3:4 and 4:3). src must be open at
 * sw_spawn; dst is any fd number (0-2 included) but a --keep-fd's and
 * appears once; at most 64 maps. -EBADF, -EINVAL (a message naming the
 * map), -E2BIG, -ENOMEM. */
int sw_spec_fd_map(sw_spec *spec, int src, int dst, sw_error *err);

/* Join an existing network namespace instead of the caller's: path (such
 * as /run/netns/NAME from `ip netns add`, or /proc/PID/ns/net), or an fd
 * open on one (path NULL, fd >= 0; read at sw_spawn, not closed, the
 * command does not get it). Not with SW_NS_NET. sw_spawn joins it from
 * the calling thread around the clone (the thread's own namespace is back
 * before sw_spawn returns; other threads are never affected), so the
 * kernel's rule is the caller's: CAP_SYS_ADMIN over the namespace's owning
 * user namespace and its own. A root caller can join any; an unprivileged
 * one fails with -EPERM and a message saying why (a namespace owned by
 * another user namespace can't be joined: the jail's new user namespace
 * holds no capability over it). */
int sw_spec_netns(sw_spec *spec, const char *path, int fd, sw_error *err);

/* Landlock from inside: once the new root is final, the jail (its PID 1
 * and the command) restricts itself with a Landlock ruleset at the best
 * ABI the kernel has, so that it may reach only its own tree, even through
 * fds opened outside it (--keep-fd, --fd-map: an openat() below a host
 * directory fd is refused). The rights follow the filesystem operations:
 * read-only binds read and execute; writable binds, tmpfs and --mqueue
 * also write; --dev and device binds also use devices; --proc reads and
 * writes (no execute); the new root itself may only be listed. What each
 * kernel ABI lacks is left out (see libswrap(3)).
 *   SW_LANDLOCK_OFF  no ruleset (the default)
 *   SW_LANDLOCK_ON   sw_spawn fails with -EOPNOTSUPP and a message when
 *                    the kernel has no Landlock (or it is off)
 *   SW_LANDLOCK_TRY  the same ruleset, or none when the kernel has none
 * Sets a spec field only: never blocks; -EINVAL (a message naming the
 * value) for any other mode. */
enum sw_landlock {
	SW_LANDLOCK_OFF = 0,
	SW_LANDLOCK_ON = 1,
	SW_LANDLOCK_TRY = 2,
};
int sw_spec_landlock(sw_spec *spec, int mode, sw_error *err);

/* --disable-userns: the command can make no user namespace (needs a new
 * user namespace); --assert-userns-disabled: fail unless that holds. */
void sw_spec_disable_userns(sw_spec *spec, bool on);
void sw_spec_assert_userns_disabled(sw_spec *spec, bool on);

/* SELinux labels, as bubblewrap's --exec-label (exec true: the context
 * the command is exec'd in) and --file-label (exec false: the files the
 * jail creates, and its tmpfs mounts, context="LABEL"). A new
 * call replaces the label. Only the spec is touched here (-EINVAL for an
 * empty label, -ENOMEM); sw_spawn checks it without libselinux, in the
 * caller: -ENOTSUP where SELinux is not enabled (no read-write selinuxfs
 * or no /etc/selinux/config), -EINVAL for a label the loaded policy does
 * not know, each with a message naming the option and the label. */
int sw_spec_selinux_label(sw_spec *spec, bool exec, const char *label,
			  sw_error *err);

/* Personality: SW_COMPAT_SWRAP (the default: the deliberate differences in
 * README) or SW_COMPAT_BWRAP (bubblewrap's behaviour: inherited fds pass
 * through, a root caller's capabilities are kept, exec failure is status
 * 1, /proc covered only where writable). The security fixes stay in both. */
enum sw_compat { SW_COMPAT_SWRAP, SW_COMPAT_BWRAP };
void sw_spec_compat(sw_spec *spec, enum sw_compat compat);

/* resource: RLIMIT_*; SW_RLIM_INF for unlimited. */
#define SW_RLIM_INF UINT64_MAX
int sw_spec_rlimit(sw_spec *spec, int resource, uint64_t soft, uint64_t hard,
		   sw_error *err);

/* ---- cgroup ----------------------------------------------------------- */

/* id: [A-Za-z0-9._-]{1,64}, not "." or "..". parent: NULL for "swrap".
 *
 * Where the jail's cgroup goes: <top>/<parent>/<id>, made by sw_spawn and
 * removed when the jail ends, with every empty parent swrap made (marked
 * with the user xattr "user.swrap.parent" on cgroup2; the last jail out
 * removes it). <top> is the hierarchy's root for a root caller; for any
 * other uid it is the top of the caller's delegated subtree: the highest
 * ancestor of the caller's own cgroup owned by that uid (under systemd,
 * .../user@UID.service — a `systemd-run --user --scope -p Delegate=yes`
 * scope lies below it). So one parent gives /sys/fs/cgroup/<app>/<id> as
 * root and .../user@UID.service/<app>/<id> rootless.
 *
 * What swrap may do to the caller's cgroup: cgroup2 enables controllers
 * only in cgroups without processes of their own. When a level where
 * limits must be enabled is the caller's own cgroup (a delegated scope
 * holding the caller and its shell, or a container's cgroup namespace
 * root), sw_spawn first moves every process of that cgroup (the calling
 * process included, with all its threads) into its new child
 * "swrap-caller", which stays. It never moves processes of any other
 * cgroup: a level holding someone else's processes is an error. */
int sw_spec_cgroup(sw_spec *spec, const char *id, const char *parent,
		   bool optional, sw_error *err);

enum sw_limit {
	SW_LIMIT_MEMORY_MAX,  /* bytes */
	SW_LIMIT_MEMORY_HIGH, /* bytes */
	SW_LIMIT_CPU_QUOTA,   /* microseconds per period */
	SW_LIMIT_CPU_PERIOD,  /* microseconds, default 100000 */
	SW_LIMIT_CPU_WEIGHT,  /* 1..10000 */
	SW_LIMIT_PIDS_MAX,    /* tasks */
};
int sw_spec_limit(sw_spec *spec, enum sw_limit which, uint64_t value,
		  sw_error *err);

/* ---- named profiles --------------------------------------------------- */

/* What the VM launcher's BwrapSandbox::apply() builds (fields added at
 * the end over time: initialize with designated initializers). */
struct sw_shim_opts {
	const char *shim;            /* absolute path of the shim binary */
	const char *const *args;     /* its arguments, argc of them */
	size_t argc;
	bool detached;               /* no die-with-parent */
	const char *const *rw_paths; /* writable volumes: "SRC[:DEST]" */
	size_t n_rw;
	const char *const *ro_paths; /* read-only volumes */
	size_t n_ro;
	const char *host_root;       /* existence checks under here; NULL "/" */
	const char *rust_log;        /* NULL: not set */
	const char *rust_backtrace;  /* NULL: not set */
	/* Rlimits, only those the launcher's user configured: the profile
	 * sets none of its own (the jail inherits the caller's; keep default
	 * limits to the cgroup). Checked as sw_spec_rlimit checks them. */
	const struct sw_shim_rlimit {
		int resource;        /* RLIMIT_* */
		uint64_t soft, hard; /* SW_RLIM_INF: unlimited */
	} *rlimits;
	size_t n_rlimits;
	/* Landlock (sw_spec_landlock SW_LANDLOCK_ON): the shim reaches
	 * only its binds, /dev, /proc and /tmp, even through fds it is
	 * handed. */
	bool landlock;
	/* The shim may make user namespaces of its own. Off by default:
	 * the profile is --disable-userns (a nested user namespace is how a
	 * command with no capabilities gets a cgroup namespace and a
	 * cgroupfs mount it owns; see README, "Security"). */
	bool allow_userns;
	/* sw_spec_host_ids(host_uid, host_gid) when host_uid is not 0: a
	 * root launcher runs the shim as this unprivileged host uid/gid.
	 * Both or neither. */
	uid_t host_uid;
	gid_t host_gid;
};
int sw_spec_profile_shim(sw_spec *spec, const struct sw_shim_opts *opts,
			 sw_error *err);

/* Checks the spec as a whole (pure: no system calls). sw_spawn calls it. */
int sw_spec_validate(const sw_spec *spec, sw_error *err);

/* ---- launching -------------------------------------------------------- */

/* Starts the jail. Blocks until the command has been exec'd (or the launch
 * failed: then nothing is left behind). *out is owned by the caller. The
 * jail's first process usually shares the caller's memory (CLONE_VM, as
 * posix_spawn does; only the calling thread waits), so a launch costs the
 * same whatever the caller's size. */
int sw_spawn(const sw_spec *spec, sw_child **out, sw_error *err);

/* Waits for the command to end. *exit_code: the command's exit status, or
 * 128+N when killed by signal N. Blocks. The jail's PID 1 sends the status
 * before it exits: the wait does not include the teardown of the jail's
 * namespaces (with a cgroup, which is removed here, it does). Frees
 * nothing; PID 1 is reaped by sw_child_free. With a cgroup: once the
 * command has ended (or SIGKILL was sent), the wait for the rest of the
 * jail is bounded — what is left is killed, v1-frozen processes thawed
 * first, and after some seconds the wait gives up with -ETIMEDOUT. A
 * cgroup the jail made below its own that can't be removed is an error
 * naming it (-EBUSY, ...), with *exit_code set all the same. */
int sw_child_wait(sw_child *child, int *exit_code, sw_error *err);
/* Sends sig to the jail's top process through its pidfd. With a PID
 * namespace (and no sw_spec_as_pid_1) that process is the jail's PID 1,
 * which passes SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
 * SIGWINCH on to the command and ignores the others (SIGKILL and SIGSTOP
 * excepted: the kernel applies them, and PID 1's end ends the jail). Any
 * thread; never blocks. -ESRCH once the jail has been reaped. */
int sw_child_kill(sw_child *child, int sig, sw_error *err);
/* A graceful stop: SIGTERM as sw_child_kill, then up to grace_ms for the
 * jail to end, then SIGKILL of the whole jail (PID 1, whose end takes
 * every process of its PID namespace with it, and everything left in the
 * jail's cgroup). Sets *exit_code as sw_child_wait does
 * (128+9 = 137 when it had to be killed, or when the command's own
 * SIGTERM killed it: 143). Without a PID namespace and without a cgroup
 * only the top process is killed: processes it started may remain. Blocks
 * for up to grace_ms plus the time the kill takes; from one thread at a
 * time (as sw_child_wait). On a reaped jail it only returns its status. */
int sw_child_stop(sw_child *child, unsigned grace_ms, int *exit_code,
		  sw_error *err);
/* The jail's top process, as the host sees it: the one sw_child_kill and
 * sw_child_pidfd reach, and bubblewrap's "child-pid" (--info-fd, the
 * first --json-status-fd record). With a PID namespace it is the jail's
 * PID 1, not the command. */
pid_t sw_child_pid(const sw_child *child);
/* The command's own host pid: equal to sw_child_pid without a PID
 * namespace or with sw_spec_as_pid_1; else the child of the jail's PID 1
 * that runs the command (what a launcher should record to signal or trace
 * the program itself; its own children are not covered). Known from the
 * moment sw_spawn returns; the number stays valid only while the command
 * lives (it is reaped by PID 1, not by the caller). -1 if it could not be
 * learned (no pidfd_open in the kernel and no /proc/PID/task/TID/children). */
pid_t sw_child_command_pid(const sw_child *child);
/* After sw_child_wait: was the jail killed by its cgroup's memory limit? */
bool sw_child_oom_killed(const sw_child *child);
/* A warning from the launch (e.g. --cgroup-optional could not set limits),
 * or NULL. Owned by the handle. */
const char *sw_child_warning(const sw_child *child);
int sw_child_pidfd(const sw_child *child); /* -1 when the kernel has none */
/* Closes the handle. A detached jail still running keeps running (and its
 * cgroup stays until sw_cgroup_kill); any other is killed and reaped first,
 * so this may block briefly. A PID 1 still tearing down after its status
 * came is reaped by a short-lived thread of the library's (the handle's
 * fds are all closed on return). NULL is fine. */
void sw_child_free(sw_child *child);

/* Kills every process of a jail's cgroup (cgroup.kill on v2; freeze, kill,
 * thaw on v1) and removes its directories, and the empty parents swrap
 * made. Blocks until the cgroup is empty. parent: NULL for "swrap"; found
 * where sw_spec_cgroup puts it. Any thread. */
int sw_cgroup_kill(const char *id, const char *parent, sw_error *err);

/* sw_cgroup_kill with a grace period, for a jail found by its id (a
 * detached one, or another launcher's): SIGTERM to the jail's top
 * processes (members of the cgroup whose parent is not; with a PID
 * namespace, PID 1, which passes it on to the command), up to grace_ms for
 * the cgroup to empty, then what sw_cgroup_kill does. *killed (may be
 * NULL): whether anything was still running when the grace period ended.
 * The exit status of a jail is its launcher's to reap, so it is not known
 * here. Blocks up to grace_ms plus the kill. Any thread. */
int sw_cgroup_stop(const char *id, const char *parent, unsigned grace_ms,
		   bool *killed, sw_error *err);

/* Pause and resume a jail found by its id (as sw_cgroup_kill finds it):
 * every process of its cgroup stops being scheduled, and resumes. They
 * return once the kernel reports the new state — cgroup2's cgroup.events
 * says "frozen 1" (or 0), or the v1 freezer's state is FROZEN (THAWED) —
 * or fail with -ETIMEDOUT after 5 s, naming the file and what it said. A
 * jail whose cgroup2 directory lacks cgroup.freeze (Linux < 5.2) and that
 * has no v1 freezer directory fails with -EOPNOTSUPP. A frozen jail can
 * still be killed (sw_cgroup_kill, sw_cgroup_stop). Freezing what is
 * frozen (or thawing what runs) succeeds at once. Any thread; blocks
 * until the state is reached. */
int sw_cgroup_freeze(const char *id, const char *parent, sw_error *err);
int sw_cgroup_thaw(const char *id, const char *parent, sw_error *err);

/* The usage of a jail found by its id, from its cgroup files. A field is
 * meaningful only when its SW_STAT_* bit is in valid: cgroup2 gives CPU
 * time always, memory only where the memory controller is enabled for
 * the jail (give it a memory limit to be sure), memory.peak since Linux
 * 5.19; on cgroup v1 they come from the memory, cpuacct and pids
 * hierarchies the jail has a directory in. Caller-owned *stats; any
 * thread; does not block beyond reading a few files. */
enum {
	SW_STAT_CPU = 1u << 0,
	SW_STAT_MEMORY = 1u << 1,
	SW_STAT_MEMORY_PEAK = 1u << 2,
	SW_STAT_PIDS = 1u << 3,
	SW_STAT_OOM_KILLS = 1u << 4,
};
struct sw_cgroup_stats {
	uint64_t cpu_usec;       /* CPU time used, user + system, µs */
	uint64_t memory_current; /* bytes charged now (memory.current) */
	uint64_t memory_peak;    /* most bytes charged at once */
	uint64_t pids_current;   /* tasks now */
	uint64_t oom_kills;      /* processes killed by the memory limit */
	unsigned valid;          /* SW_STAT_* */
};
int sw_cgroup_stats(const char *id, const char *parent,
		    struct sw_cgroup_stats *stats, sw_error *err);

/* ---- for launchers in other languages ---------------------------------- */

/* The bwrap command line equivalent to spec, as `swrap --emit-bwrap`
 * prints it: argv[0] is "bwrap", NULL-terminated, *argc_out words (argc_out
 * may be NULL). What bwrap cannot express (cgroup, limits, rlimits, ...) is
 * left out. Free with sw_strv_free. -EINVAL, -ENOMEM. */
int sw_spec_emit_bwrap(const sw_spec *spec, char ***argv_out,
		       size_t *argc_out, sw_error *err);
void sw_strv_free(char **v); /* NULL is fine */

/* The checks of `swrap doctor`, as data: can a jail be made here, and if
 * not, what to do. sw_doctor_run runs them all (it reads /proc and /sys,
 * forks briefly to try unshare, and creates and removes a throwaway
 * cgroup); only -ENOMEM fails it. Checks are numbered 0..count-1 in a
 * fixed order; the strings of an sw_check belong to the report and live
 * until sw_doctor_free. Any thread. */
enum sw_verdict { SW_VERDICT_PASS, SW_VERDICT_WARN, SW_VERDICT_FAIL };
struct sw_check {
	const char *name;   /* stable id, e.g. "userns.max" */
	int verdict;        /* enum sw_verdict */
	const char *detail; /* what was found */
	const char *fix;    /* what to do; "" when nothing to do */
};
typedef struct sw_doctor sw_doctor;
int sw_doctor_run(sw_doctor **out, sw_error *err);
size_t sw_doctor_count(const sw_doctor *d);
/* -ERANGE when i >= count. */
int sw_doctor_check(const sw_doctor *d, size_t i, struct sw_check *out);
/* user namespaces (or root) and a mount namespace work */
bool sw_doctor_jail_ok(const sw_doctor *d);
void sw_doctor_free(sw_doctor *d); /* NULL is fine */

#ifdef __cplusplus
}
#endif
#endif
