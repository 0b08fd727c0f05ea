/* report.h — the fixed record a failing child sends to its parent.
 *
 * The child never formats text: it writes {step, index, err} to a CLOEXEC
 * pipe and _exits. The parent turns the record into a message that names
 * the user's own path (spec->fs[index]), never an internal staging path.
 * EOF without a record means execve succeeded.
 */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include <stdint.h>

enum sw_step {
	SW_STEP_NONE = 0,
	SW_STEP_SYNC,          /* waiting for the parent's "go" */
	SW_STEP_PDEATHSIG,
	SW_STEP_IDMAP,         /* index: 0 setgroups, 1 uid_map, 2 gid_map;
				  --host-uid: 3..6 (sw_ns_child_become) */
	SW_STEP_MOUNT_PRIVATE, /* making / a slave mount tree */
	SW_STEP_STAGING,       /* the tmpfs staging root and first pivot */
	SW_STEP_FS_SOURCE,     /* opening a bind source: spec->fs[index] */
	SW_STEP_FS_CHANGED,    /* the source changed since the parent saw it */
	SW_STEP_FS_DEST,       /* creating the mount point */
	SW_STEP_FS_MOUNT,      /* the mount itself */
	SW_STEP_FS_READONLY,   /* making it read-only / nosuid / nodev */
	SW_STEP_FS_DEV,        /* populating --dev */
	SW_STEP_FS_OTHER,      /* dir, symlink, chmod */
	SW_STEP_PIVOT,         /* the final pivot_root */
	SW_STEP_HOSTNAME,
	SW_STEP_FORK,          /* the PID 1 reaper forking the command */
	SW_STEP_SETSID,
	SW_STEP_BLOCK_FD,
	SW_STEP_RLIMIT,
	SW_STEP_CAPS,
	SW_STEP_NO_NEW_PRIVS,
	SW_STEP_CLOSE_FDS,
	SW_STEP_CHDIR,
	SW_STEP_SECCOMP,
	SW_STEP_EXEC,
	SW_STEP_FS_SYMLINK_EXISTS, /* --symlink: another link there; text */
	SW_STEP_FS_DATA,       /* --file/--bind-data: copying the fd's data */
	SW_STEP_LOCK_FILE,     /* --lock-file: index into spec->lock_files */
	SW_STEP_USERNS,        /* joining, disabling, asserting user namespaces */
	SW_STEP_PIDNS,         /* joining --pidns */
	SW_STEP_SELINUX,
	SW_STEP_LANDLOCK,      /* index: spec->fs, or SW_ENV_LL_* */
	SW_STEP_INIT,          /* PID 1 exec'ing swrap-init (src/init) */
	SW_STEP_FS_TYPE,       /* spec->fs[index]'s destination is not the kind
				* of file the option needs: ftype says what */
	SW_STEP_CGROUPNS,      /* the cgroup namespace, made once in the cgroup */
	SW_STEP__COUNT
};

struct sw_report {
	int32_t step;  /* enum sw_step */
	int32_t index; /* spec->fs index, or -1 */
	int32_t err;   /* positive errno */
	int32_t ftype; /* SW_STEP_FS_TYPE, SW_STEP_LOCK_FILE: the type found
			* there (st_mode & S_IFMT), refused; else 0 */
	char text[256]; /* SW_STEP_FS_SYMLINK_EXISTS: the link's target */
};

#endif
