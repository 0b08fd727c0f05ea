/* landlock.c — --landlock: the jail restricts itself to its own tree.
 *
 * The parent asks the kernel for its Landlock ABI and turns the spec's
 * filesystem operations into a list of rules: a path in the final root,
 * and the rights beneath it, already cut down to what that ABI knows. The
 * child (sw_env_child_landlock, once the new root is final) only makes
 * system calls over that list: landlock_create_ruleset, one O_PATH open,
 * fstat and landlock_add_rule per rule, PR_SET_NO_NEW_PRIVS and
 * landlock_restrict_self.
 *
 * Landlock checks the path an access resolves to against the rules of the
 * objects above it, whatever fd or magic link the lookup started from, and
 * a rule sits on the object a path names (a bind's source directory, the
 * root of a tmpfs or procfs). So an openat() below a host directory fd the
 * jail was handed is refused unless that directory is itself (below) a
 * part of the jail's tree, and an fd opened before the restriction (the
 * caller's stdin, say) keeps working.
 *
 * The rights per operation (each also gets what the objects above it have):
 *   the new root "/"    list it (a tmpfs of mount points: only navigation)
 *   --ro-bind           read files, list directories, execute
 *   --bind, --tmpfs,    the same, and write: write and truncate files,
 *   --mqueue            create and remove entries (no device nodes), link
 *                       and rename within the tree (REFER)
 *   --dev-bind          all of it, device nodes and device ioctls included
 *   --dev               --bind's, and device ioctls (its nodes are binds
 *                       of the host's; /dev/shm and /dev/pts lie below)
 *   --proc              read, list, write and truncate (processes write
 *                       /proc/self/...); no execute: /proc/self/exe runs
 *                       the file it names, checked where that file lies
 *   --dir, --symlink,   nothing of their own: a symlink is followed to
 *   --chmod,            its target, which is checked; a directory made in
 *   --remount-ro        the root or a bind has the rights of what holds it
 * A rule on a file (a file bind) keeps only the file rights.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env/env_internal.h"

/* Rights newer than some headers (ABI 3 and 5). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define LL_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE |                           \
		  LANDLOCK_ACCESS_FS_REMOVE_DIR |                           \
		  LANDLOCK_ACCESS_FS_REMOVE_FILE |                          \
		  LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
		  LANDLOCK_ACCESS_FS_MAKE_SOCK |                            \
		  LANDLOCK_ACCESS_FS_MAKE_FIFO |                            \
		  LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER |  \
		  LANDLOCK_ACCESS_FS_TRUNCATE)
#define LL_DEVICES (LANDLOCK_ACCESS_FS_MAKE_CHAR |                          \
		    LANDLOCK_ACCESS_FS_MAKE_BLOCK |                         \
		    LANDLOCK_ACCESS_FS_IOCTL_DEV)
/* What a rule on a file (not a directory) may carry. */
#define LL_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |  \
		 LANDLOCK_ACCESS_FS_IOCTL_DEV)

uint64_t sw_env_landlock_handled(int abi)
{
	if (abi < 1)
		return 0;
	uint64_t h = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: 0..12 */
	if (abi >= 2)
		h |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		h |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5) /* 4 added network rights: out of scope here */
		h |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return h;
}

uint64_t sw_env_landlock_access(enum sw_fs_kind kind)
{
	switch (kind) {
	case SW_FS_RO_BIND:
	case SW_FS_RO_BIND_FD:
	case SW_FS_RO_BIND_DATA:
	case SW_FS_RO_OVERLAY:
		return LL_READ;
	case SW_FS_BIND:
	case SW_FS_TMPFS:
	case SW_FS_MQUEUE:
	case SW_FS_BIND_FD:
	case SW_FS_FILE:
	case SW_FS_BIND_DATA:
	case SW_FS_OVERLAY:
	case SW_FS_TMP_OVERLAY:
		return LL_READ | LL_WRITE;
	case SW_FS_DEV_BIND:
		return LL_READ | LL_WRITE | LL_DEVICES;
	case SW_FS_DEV:
		return LL_READ | LL_WRITE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
	case SW_FS_PROC:
		return LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
		       LANDLOCK_ACCESS_FS_WRITE_FILE |
		       LANDLOCK_ACCESS_FS_TRUNCATE;
	default:
		return 0;
	}
}

uint64_t sw_env_landlock_root_access(void)
{
	return LANDLOCK_ACCESS_FS_READ_DIR;
}

/* The kernel's ABI, or -errno; SW_FORCE_NO_LANDLOCK plays a kernel
 * where Landlock is built but off. */
static int landlock_abi(const sw_spec *spec)
{
	if (spec->force & SW_FORCE_NO_LANDLOCK)
		return -EOPNOTSUPP;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	return abi >= 1 ? (int)abi : -errno;
}

int sw_env_plan_landlock(struct sw_env_plan *plan, const sw_spec *spec,
			 sw_error *err)
{
	if (spec->landlock == SW_LANDLOCK_OFF)
		return 0;
	int abi = landlock_abi(spec);
	if (abi < 0 && spec->landlock == SW_LANDLOCK_TRY)
		return 0;
	if (abi < 0)
		return sw_error_set(err, EOPNOTSUPP, "--landlock: this kernel "
				    "has no Landlock (landlock_create_ruleset: "
				    "%s): %s; --landlock-try runs without it",
				    strerror(-abi), abi == -EOPNOTSUPP
				    ? "it is built but off, add landlock to the "
				      "lsm= boot parameter"
				    : "it needs Linux 5.13 or later with "
				      "CONFIG_SECURITY_LANDLOCK=y");
	uint64_t handled = sw_env_landlock_handled(abi);
	plan->llrules = calloc(spec->nfs + 1, sizeof *plan->llrules);
	if (!plan->llrules)
		return sw_error_set(err, ENOMEM, "out of memory");
	plan->llrules[0] = (struct sw_env_llrule){
		.path = "/", .index = SW_ENV_LL_ROOT,
		.access = sw_env_landlock_root_access() & handled,
	};
	size_t n = 1;
	for (size_t i = 0; i < spec->nfs; i++) {
		uint64_t a = sw_env_landlock_access(spec->fs[i].kind) & handled;
		if (a)
			plan->llrules[n++] = (struct sw_env_llrule){
				.path = spec->fs[i].dest, .index = (int)i,
				.access = a,
			};
	}
	plan->nllrules = n;
	plan->llabi = abi;
	plan->llhandled = handled;
	return 0;
}

void sw_env_plan_landlock_skip(struct sw_env_plan *plan, size_t fs_index)
{
	for (size_t i = 0; i < plan->nllrules; i++)
		if (plan->llrules[i].index == (int)fs_index)
			plan->llrules[i].skip = true;
}

int sw_env_plan_landlock_abi(const struct sw_env_plan *plan)
{
	return plan->llhandled ? plan->llabi : 0;
}

unsigned long long sw_env_plan_landlock_handled(const struct sw_env_plan *plan)
{
	return plan->llhandled;
}

/* ---- child ------------------------------------------------------------ */

static int add_rule(int ruleset, const struct sw_env_llrule *r)
{
	/* A part of the tree that is gone (a later mount hid it) or that
	 * this process can't get to (so neither can the command, which has
	 * no more rights) needs no rule. */
	int fd = open(r->path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES
			? 0 : -errno;
	struct stat st;
	int e = 0;
	if (fstat(fd, &st) < 0) {
		e = -errno;
	} else {
		struct landlock_path_beneath_attr pb = {
			.allowed_access = S_ISDIR(st.st_mode)
				? r->access : r->access & LL_FILE,
			.parent_fd = fd,
		};
		if (pb.allowed_access &&
		    syscall(SYS_landlock_add_rule, ruleset,
			    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			e = -errno;
	}
	close(fd);
	return e;
}

int sw_env_child_landlock(const struct sw_env_plan *plan, int *where)
{
	if (!plan->llhandled)
		return 0;
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = plan->llhandled,
	};
	*where = SW_ENV_LL_CREATE;
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr,
			      0);
	if (rs < 0)
		return -errno;
	int e = 0;
	for (size_t i = 0; e == 0 && i < plan->nllrules; i++) {
		*where = plan->llrules[i].index;
		if (!plan->llrules[i].skip)
			e = add_rule(rs, &plan->llrules[i]);
	}
	if (e == 0) {
		*where = SW_ENV_LL_NO_NEW_PRIVS;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			e = -errno;
	}
	if (e == 0) {
		*where = SW_ENV_LL_RESTRICT;
		if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
			e = -errno;
	}
	close(rs);
	return e;
}
