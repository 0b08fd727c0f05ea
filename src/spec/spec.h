/* spec.h — the spec data model, shared read-only by every module.
 *
 * A spec is pure data: what the jail should look like. Builders live in
 * spec.c (the public sw_spec_* functions), validation in validate.c, named
 * profiles in profile.c. Nothing here makes a system call.
 */
#ifndef SW_SPEC_H
#define SW_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "swrap.h"

#define SW_UNSET_ID ((uint32_t)-1)
#define SW_NO_FD (-1)
#define SW_FD_MAP_MAX 64
#define SW_CGROUP_ID_MAX 64
#define SW_DEFAULT_CGROUP_PARENT "swrap"

struct sw_fsop {
	enum sw_fs_kind kind;
	unsigned flags; /* SW_BIND_TRY */
	char *src;      /* bind source; symlink target; NULL otherwise */
	char *dest;     /* destination inside the jail; chmod's path */
	mode_t mode;    /* tmpfs, dir, chmod (0755 when not given) */
	uint64_t size;  /* tmpfs size in bytes, 0 = kernel default */
	int fd;         /* bind-fd, file, data: the fd; SW_NO_FD otherwise */
	char **lowers;  /* overlays: the --overlay-src paths, lowest first */
	size_t nlowers;
	char *work;     /* --overlay's WORKDIR (src is its RWSRC) */
};

enum sw_envop_kind { SW_ENV_SET, SW_ENV_UNSET, SW_ENV_CLEAR };

struct sw_envop {
	enum sw_envop_kind kind;
	char *name;  /* SET, UNSET */
	char *value; /* SET */
};

struct sw_capop {
	bool add;
	int cap; /* CAP_* number, or -1 for ALL */
};

struct sw_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard; /* SW_RLIM_INF = unlimited */
};

/* 0 means "not set" for every limit (none of them accepts 0). */
struct sw_limits {
	uint64_t memory_max;
	uint64_t memory_high;
	uint64_t cpu_quota;
	uint64_t cpu_period;
	uint64_t cpu_weight;
	uint64_t pids_max;
};

/* Test and diagnosis switches: force the fallback paths. */
enum {
	SW_FORCE_CLONE_FALLBACK = 1u << 0, /* clone() instead of clone3 */
	SW_FORCE_RO_FALLBACK = 1u << 1,    /* per-submount MS_REMOUNT */
	SW_FORCE_NO_LANDLOCK = 1u << 2,    /* act as if Landlock were off */
	SW_FORCE_NO_VM = 1u << 3,          /* copy the caller (fork-like clone) */
};

struct sw_spec {
	unsigned ns; /* SW_NS_* */

	struct sw_fsop *fs;
	size_t nfs;

	struct sw_envop *env;
	size_t nenv;

	char **argv; /* NULL-terminated, argc entries */
	size_t argc;
	char *argv0;
	char *chdir;
	char *hostname;
	uint32_t uid, gid; /* SW_UNSET_ID when not given */
	/* --host-uid/--host-gid: the ids outside (SW_UNSET_ID: the caller's) */
	uint32_t host_uid, host_gid;
	bool new_session, die_with_parent, as_pid_1, detach;

	struct sw_capop *caps;
	size_t ncaps;

	int seccomp_fd;        /* --seccomp, SW_NO_FD when not given */
	int *add_seccomp_fds;  /* --add-seccomp-fd, in order */
	size_t nadd_seccomp;
	char *seccomp_profile; /* "default" or NULL */

	int info_fd, json_status_fd, block_fd, sync_fd; /* SW_NO_FD */
	int *keep_fds;
	size_t nkeep;
	int userns_fd, userns2_fd, pidns_fd, userns_block_fd; /* SW_NO_FD */
	bool disable_userns, assert_userns_disabled;
	char **lock_files;
	size_t nlock_files;
	char *exec_label, *file_label;
	enum sw_compat compat;
	/* --fd-map SRC:DST, in order; each DST once (SW_FD_MAP_MAX at most) */
	int *fdmap_src, *fdmap_dst;
	size_t nfdmap;

	/* --netns: a path (netns_path) or an fd (netns_fd), or neither */
	char *netns_path;
	int netns_fd; /* SW_NO_FD */

	int landlock; /* enum sw_landlock */

	struct sw_rlimit *rlimits; /* last one per resource wins */
	size_t nrlimits;

	char *cgroup_id;     /* NULL: no cgroup */
	char *cgroup_parent; /* NULL: SW_DEFAULT_CGROUP_PARENT */
	bool cgroup_optional;
	struct sw_limits limits;

	unsigned force; /* SW_FORCE_* */
};

/* Does an operation of this kind take an fd (bind-fd, file, data)? */
static inline bool sw_fs_kind_has_fd(enum sw_fs_kind k)
{
	return k == SW_FS_BIND_FD || k == SW_FS_RO_BIND_FD || k == SW_FS_FILE ||
	       k == SW_FS_BIND_DATA || k == SW_FS_RO_BIND_DATA;
}
static inline bool sw_fs_kind_is_overlay(enum sw_fs_kind k)
{
	return k == SW_FS_OVERLAY || k == SW_FS_TMP_OVERLAY ||
	       k == SW_FS_RO_OVERLAY;
}

/* The command-line option of a filesystem step ("--ro-bind"), or NULL. */
const char *sw_fs_kind_option(enum sw_fs_kind kind);

/* Deep equality, for round-trip tests. */
bool sw_spec_equal(const sw_spec *a, const sw_spec *b);

/* Does this launch need a user namespace? Asked for, or the caller is not
 * root (as bubblewrap does when not installed setuid). */
bool sw_spec_wants_userns(const sw_spec *spec, uid_t caller_euid);

/* The effective value of an rlimit, or false when the spec leaves it. */
bool sw_spec_rlimit_get(const sw_spec *spec, int resource,
			struct sw_rlimit *out);

/* ---- added by the spec module: shared checks and name tables ---------- */

/* Largest --size bubblewrap accepts for a tmpfs (SIZE_MAX >> 1). */
#define SW_TMPFS_SIZE_MAX ((uint64_t)(SIZE_MAX >> 1))

/* A destination inside the jail: non-empty and absolute. what names the
 * role in the message ("destination", "path"). */
int sw_spec_check_dest(const char *dest, const char *what, sw_error *err);
/* [A-Za-z0-9._-]{1,64}, not "." or "..". */
int sw_spec_check_cgroup_id(const char *id, sw_error *err);
/* Names of [A-Za-z0-9._-] (not "." or "..") joined by slashes, which may
 * also lead, trail or repeat; at most SW_CGROUP_PARENT_MAX characters and
 * SW_CGROUP_PARENT_DEPTH names (src/cgroup's own limits). */
#define SW_CGROUP_PARENT_MAX 256
#define SW_CGROUP_PARENT_DEPTH 31
int sw_spec_check_cgroup_parent(const char *parent, sw_error *err);
/* --host-uid UID --host-gid GID: both given, neither 0 nor SW_UNSET_ID. */
int sw_spec_check_host_ids(uint32_t uid, uint32_t gid, sw_error *err);
/* An environment variable name: non-empty, no '='. */
int sw_spec_check_env_name(const char *name, sw_error *err);
/* The range the kernel takes for one cgroup limit (0 is never allowed). */
int sw_spec_check_limit(enum sw_limit which, uint64_t value, sw_error *err);

/* The rlimits swrap knows: NOFILE FSIZE NPROC AS CPU CORE MEMLOCK STACK.
 * by_name takes any case, with or without "RLIMIT_"; -1 when unknown. */
int sw_spec_rlimit_by_name(const char *name);
const char *sw_spec_rlimit_name(int resource); /* "NOFILE"; NULL unknown */
bool sw_spec_rlimit_in_bytes(int resource);     /* FSIZE AS CORE ... */

/* A capability name as sw_spec_cap takes it: *cap is the CAP_* number, or
 * -1 for "ALL". */
int sw_spec_cap_parse(const char *name, int *cap, sw_error *err);

/* realloc(arr) for n + 1 elements, the last one zeroed; NULL when out of
 * memory (arr is then untouched). */
void *sw_spec_grow(void *arr, size_t n, size_t elem);

#endif
