/* build.c — the child half: build the new root from the plan.
 *
 * Runs after clone in the new mount namespace. System calls only, over the
 * plan's memory and stack buffers: no malloc, no stdio, no locks.
 *
 * Layout while building (as bubblewrap): a tmpfs is mounted on a host
 * directory and pivoted to, so the host's root sits at /oldroot and the
 * jail's root is /newroot. Sources are opened under /oldroot (by the path
 * the parent resolved, refusing symlinks, and checked to be the same inode
 * the parent saw); destinations are resolved inside /newroot with
 * RESOLVE_IN_ROOT, so a symlink in a volume can't send a mount outside.
 *
 * A writable volume may hold anything an earlier run planted, so what acts
 * on a file of the jail's tree itself (--file, --chmod; the directories
 * made or mounted on) looks before it opens: the last component through an
 * O_PATH fd, not followed (O_NOFOLLOW), its type checked with fstat, and
 * only then opened for I/O, non-blocking, through that fd. A fifo there
 * would block an open forever, a device's open is the driver's, and a link
 * leads to another file, maybe a writable bind's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount/mount_int.h"

#define FD_PREFIX SW_OLDROOT "/proc/self/fd/"

struct ctx {
	const struct sw_mount_plan *plan;
	struct sw_report *rep;
	int root;   /* O_PATH fd of /newroot */
	int index;  /* current spec->fs index */
};

static int fail(struct ctx *c, enum sw_step step, int e)
{
	c->rep->step = step;
	c->rep->index = c->index;
	c->rep->err = e > 0 ? e : EIO;
	return -1;
}

/* What a destination must be, where the option needs a kind of file. */
enum { WANT_REG = 1, WANT_DIR = 2 };

/* The errno that stands for finding type where want was needed. */
static int type_errno(mode_t type, int want)
{
	if (type == S_IFLNK)
		return ELOOP;
	if (type == S_IFDIR)
		return EISDIR;
	return want == WANT_DIR ? ENOTDIR : EINVAL;
}

/* The destination is a type (S_IFMT bits) the option can't use. */
static int fail_type(struct ctx *c, mode_t type, int e)
{
	c->rep->ftype = (int32_t)type;
	return fail(c, SW_STEP_FS_TYPE, e);
}

/* 0 if fd is a file of a kind in want, else fails naming the type. */
static int check_type(struct ctx *c, int fd, int want)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(c, SW_STEP_FS_DEST, errno);
	mode_t t = st.st_mode & S_IFMT;
	if ((t == S_IFREG && (want & WANT_REG)) || (t == S_IFDIR && (want & WANT_DIR)))
		return 0;
	return fail_type(c, t, type_errno(t, want));
}

/* "/oldroot/proc/self/fd/N": a path for mount(2) that means exactly fd. */
static const char *fd_path(char buf[64], int fd)
{
	char digits[16];
	int n = 0;
	do {
		digits[n++] = (char)('0' + fd % 10);
		fd /= 10;
	} while (fd);
	size_t pl = sizeof FD_PREFIX - 1;
	memcpy(buf, FD_PREFIX, pl);
	while (n)
		buf[pl++] = digits[--n];
	buf[pl] = 0;
	return buf;
}

static int openat2_mode(int dfd, const char *path, int flags, mode_t mode,
			unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags,
				.mode = (flags & O_CREAT) ? mode : 0, .resolve = resolve };
	return (int)syscall(SYS_openat2, dfd, path, &how, sizeof how);
}

static int openat2_raw(int dfd, const char *path, int flags, unsigned long long resolve)
{
	return openat2_mode(dfd, path, flags, 0, resolve);
}

/* Opens path inside root: symlinks and ".." can't leave it. mode: for
 * O_CREAT. */
static int in_root_mode(int root, const char *path, int flags, mode_t mode)
{
	int fd = openat2_mode(root, path, flags | O_CLOEXEC, mode,
			      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	/* Before 5.6: relative to root, not following the last component. */
	while (*path == '/')
		path++;
	return openat(root, *path ? path : ".", flags | O_CLOEXEC | O_NOFOLLOW, mode);
}

static int in_root(int root, const char *path, int flags)
{
	return in_root_mode(root, path, flags, 0);
}

/* An O_PATH fd of path's last component itself, inside root: a symlink
 * there gives the link, never what it points to. Trailing slashes would
 * make the kernel follow it, so they are dropped. */
static int in_root_nofollow(int root, const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = 0;
	return in_root(root, buf, O_PATH | O_NOFOLLOW);
}

/* Clears O_NONBLOCK on an fd kept for I/O. */
static int blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? -errno : 0;
}

/* What is there already (fd, closed here): a directory where one is
 * needed (dir), else anything (a file bind's destination: a bind may
 * cover any non-directory, as bubblewrap's). -ENOTDIR and *found its type
 * when it is not the directory needed. */
static int existing_ok(int fd, bool dir, mode_t *found)
{
	struct stat st;
	int r = 0;
	if (dir && fstat(fd, &st) < 0) {
		r = -errno;
	} else if (dir && !S_ISDIR(st.st_mode)) {
		*found = st.st_mode & S_IFMT;
		r = -ENOTDIR;
	}
	close(fd);
	return r;
}

/* Makes one component: a directory, or an empty file for a file bind.
 * exact: a new directory gets mode as given, not masked by the umask
 * (bubblewrap's --dir/--perms). An existing one must be a directory where
 * one is made (found: what it is instead). */
static int make_one(int root, char *prefix, size_t len, bool dir, mode_t mode, bool exact,
		    mode_t *found)
{
	int fd = in_root(root, prefix, O_PATH);
	if (fd >= 0)
		return existing_ok(fd, dir, found);
	if (errno != ENOENT)
		return -errno;
	size_t slash = len;
	while (slash > 0 && prefix[slash] != '/')
		slash--;
	prefix[slash] = 0;
	int parent = in_root(root, slash ? prefix : "/", O_PATH | O_DIRECTORY);
	prefix[slash] = '/';
	if (parent < 0)
		return -errno;
	const char *name = prefix + slash + 1;
	/* O_EXCL: only a new regular file is opened, never what is there. */
	int r = dir ? mkdirat(parent, name, mode)
		    : openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW |
				 O_NONBLOCK | O_NOCTTY, mode);
	int e = errno;
	if (!dir && r >= 0)
		close(r);
	if (dir && r == 0 && exact && fchmodat(parent, name, mode, 0) < 0) {
		r = -1;
		e = errno;
	}
	close(parent);
	if (r >= 0 || e != EEXIST)
		return r < 0 ? -e : 0;
	/* Made meanwhile (or a dangling link): looked at as any other. */
	fd = in_root(root, prefix, O_PATH);
	return fd < 0 ? -errno : existing_ok(fd, dir, found);
}

/* How make_path creates what is missing. Missing parents get parent_mode,
 * masked by the umask as mkdir does: for an option that takes --perms
 * (--dir, --tmpfs, --file, --bind-data, --ro-bind-data) bubblewrap 0.11's
 * rule, see perms_parent(); anything else 0700 (bubblewrap 0.8). The last
 * component gets mode. */
struct mk {
	bool dir;          /* the last component is a directory */
	mode_t mode;
	mode_t parent_mode;
	bool exact;        /* the last directory's mode ignores the umask */
	bool parent;       /* the path is the destination's parent: what is
			    * there instead of a directory is not named */
};

/* bubblewrap 0.11: 0755, less group r-x when --perms gives the group
 * nothing, less other r-x when it gives others nothing. */
static mode_t perms_parent(mode_t perms)
{
	mode_t m = 0755;
	if (!(perms & 0070))
		m &= ~(mode_t)0050;
	if (!(perms & 0007))
		m &= ~(mode_t)0005;
	return m;
}

/* mkdir -p inside c->root; the last component a directory or a file.
 * Fails (the report filled) with SW_STEP_FS_DEST, or SW_STEP_FS_TYPE when
 * the last component is there and is not a directory that was needed. */
static int make_path(struct ctx *c, const char *path, const struct mk *how)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof buf)
		return fail(c, SW_STEP_FS_DEST, ENAMETOOLONG);
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = 0;
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != 0)
			continue;
		if (buf[i - 1] == '/')
			continue;
		char ch = buf[i];
		buf[i] = 0;
		bool last = ch == 0;
		mode_t found = 0;
		int r = last ? make_one(c->root, buf, i, how->dir, how->mode, how->exact, &found)
			     : make_one(c->root, buf, i, true, how->parent_mode, false, &found);
		buf[i] = ch;
		if (r < 0 && last && found && !how->parent)
			return fail_type(c, found, -r);
		if (r < 0)
			return fail(c, SW_STEP_FS_DEST, -r);
	}
	return 0;
}

/* Current flags of the mount at fd, as MS_* bits (ST_* share the values). */
static unsigned long mount_flags(int fd)
{
	struct statfs sf;
	char p[64];
	if (fstatfs(fd, &sf) < 0 && statfs(fd_path(p, fd), &sf) < 0)
		return 0;
	return (unsigned long)sf.f_flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
					    MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
}

/* Legacy: remount one mount with extra flags, keeping its locked ones. */
static int remount(int fd, unsigned long add)
{
	char p[64];
	unsigned long f = MS_REMOUNT | MS_BIND | mount_flags(fd) | add;
	return mount(NULL, fd_path(p, fd), NULL, f, NULL) < 0 ? -errno : 0;
}

static unsigned bind_attrs(enum sw_fs_kind kind)
{
	unsigned a = MOUNT_ATTR_NOSUID;
	if (kind != SW_FS_DEV_BIND)
		a |= MOUNT_ATTR_NODEV;
	if (kind == SW_FS_RO_BIND || kind == SW_FS_RO_BIND_FD)
		a |= MOUNT_ATTR_RDONLY;
	return a;
}

static unsigned long attrs_to_ms(unsigned a)
{
	return ((a & MOUNT_ATTR_RDONLY) ? MS_RDONLY : 0) |
	       ((a & MOUNT_ATTR_NOSUID) ? MS_NOSUID : 0) |
	       ((a & MOUNT_ATTR_NODEV) ? MS_NODEV : 0) |
	       ((a & MOUNT_ATTR_NOEXEC) ? MS_NOEXEC : 0);
}

/* New API: clone the tree at src, set attrs on every mount of the clone
 * while it is still detached, attach it at dst. */
static int bind_new(int src, int dst, unsigned attrs, bool rec, enum sw_step *step)
{
	unsigned recf = rec ? AT_RECURSIVE : 0;
	*step = SW_STEP_FS_MOUNT;
	int tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | recf);
	if (tree < 0)
		return -errno;
	struct mount_attr a = { .attr_set = attrs };
	int r = 0;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | recf, &a, sizeof a) < 0) {
		*step = SW_STEP_FS_READONLY;
		r = -errno;
	} else if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		r = -errno;
	}
	close(tree);
	return r;
}

/* c->root again from its path, which crosses any mount now on it. */
static int refresh_root(struct ctx *c)
{
	int fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(c->root);
	c->root = fd;
	return 0;
}

/* Where a bind lands, so that the legacy path can reopen it once mounted
 * (an fd taken before the mount still means the mount point below). */
struct target {
	int dir;          /* -1: name is resolved in c->root; else a dir */
	const char *name;
};

static int reopen(struct ctx *c, const struct target *t)
{
	if (t->dir < 0)
		return in_root(c->root, t->name, O_PATH);
	return openat(t->dir, t->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* Legacy: remount the new mount and each submount the parent listed. */
static int remount_tree(struct ctx *c, const struct sw_mop *m,
			const struct target *t, unsigned long flags)
{
	char sub[PATH_MAX];
	size_t dl = strlen(t->name);
	for (size_t i = 0; i <= (m ? m->nsubs : 0); i++) {
		int fd;
		if (i == 0) {
			fd = reopen(c, t);
		} else {
			size_t sl = strlen(m->subs[i - 1]);
			if (dl + sl >= sizeof sub)
				return -ENAMETOOLONG;
			memcpy(sub, t->name, dl);
			memcpy(sub + dl, m->subs[i - 1], sl + 1);
			fd = in_root(c->root, sub, O_PATH);
			if (fd < 0 && errno == ENOENT)
				continue; /* covered by a later mount */
		}
		if (fd < 0)
			return -errno;
		int r = remount(fd, flags);
		close(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Legacy: mount(2) bind through the fds, then the per-mount remounts. */
static int bind_legacy(struct ctx *c, const struct sw_mop *m, int src, int dst,
		       const struct target *t, unsigned attrs, bool rec,
		       enum sw_step *step)
{
	char sp[64], dp[64];
	*step = SW_STEP_FS_MOUNT;
	if (mount(fd_path(sp, src), fd_path(dp, dst), NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		return -errno;
	/* A bind on / itself stacked over c->root: look it up again, or the
	 * remounts below would find the staging tmpfs ("/") and nothing of the
	 * new tree (its submounts), and skip them. */
	*step = SW_STEP_STAGING;
	int r = t->dir < 0 ? refresh_root(c) : 0;
	*step = SW_STEP_FS_READONLY;
	return r < 0 ? r : remount_tree(c, rec ? m : NULL, t, attrs_to_ms(attrs));
}

static int bind_fds(struct ctx *c, const struct sw_mop *m, int src, int dst,
		    const struct target *t, unsigned attrs, bool rec)
{
	enum sw_step step;
	int r = c->plan->legacy ? bind_legacy(c, m, src, dst, t, attrs, rec, &step)
				: bind_new(src, dst, attrs, rec, &step);
	return r < 0 ? fail(c, step, -r) : 0;
}

/* Opens the source the parent resolved, refusing any symlink on the way,
 * and checks it is still the inode the parent saw. */
static int open_source(struct ctx *c, const struct sw_mop *m)
{
	int fd = openat2_raw(AT_FDCWD, m->src, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
	if (fd < 0 && errno == ENOSYS)
		fd = open(m->src, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail(c, errno == ELOOP ? SW_STEP_FS_CHANGED : SW_STEP_FS_SOURCE, errno);
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_dev != m->dev || st.st_ino != m->ino) {
		close(fd);
		return fail(c, SW_STEP_FS_CHANGED, ESTALE);
	}
	return fd;
}

static int do_bind(struct ctx *c, const struct sw_mop *m)
{
	if (m->skip)
		return 0;
	int src = open_source(c, m);
	if (src < 0)
		return -1;
	struct mk how = { m->src_dir, m->src_dir ? 0755 : 0444, 0700, false, false };
	if (make_path(c, m->op->dest, &how) < 0) {
		close(src);
		return -1;
	}
	int dst = in_root(c->root, m->op->dest, O_PATH);
	if (dst < 0) {
		close(src);
		return fail(c, SW_STEP_FS_DEST, errno);
	}
	struct target t = { -1, m->op->dest };
	int r = bind_fds(c, m, src, dst, &t, bind_attrs(m->op->kind), true);
	close(src);
	close(dst);
	return r;
}

/* Makes dest (a directory; missing parents parent_mode), mounts fstype
 * on it. */
static int do_fs_mount(struct ctx *c, const char *dest, mode_t parent_mode,
		       const char *fstype, unsigned long flags, const char *data)
{
	char p[64];
	struct mk how = { true, 0755, parent_mode, false, false };
	if (make_path(c, dest, &how) < 0)
		return -1;
	int fd = in_root(c->root, dest, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fail(c, SW_STEP_FS_DEST, errno);
	int r = mount(fstype, fd_path(p, fd), fstype, flags, data);
	int e = errno;
	close(fd);
	return r < 0 ? fail(c, SW_STEP_FS_MOUNT, e) : 0;
}

/* Self-bind read-only: used for the dangerous corners of /proc. */
static int cover_ro(struct ctx *c, int dir, const char *name)
{
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0; /* not on this kernel: nothing to cover */
	unsigned a = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	if (!c->plan->bwrap) /* bubblewrap's read-only bind: no noexec */
		a |= MOUNT_ATTR_NOEXEC;
	struct target t = { dir, name };
	int r = bind_fds(c, NULL, fd, fd, &t, a, true);
	close(fd);
	return r;
}

static int do_bind(struct ctx *c, const struct sw_mop *m);

static int do_proc(struct ctx *c, const struct sw_mop *m)
{
	static const char *const covered[] = { "sys", "sysrq-trigger", "irq", "bus" };
	const char *dest = m->op->dest;
	int r = m->src ? do_bind(c, m) /* the host's, see plan_host_proc() */
		       : do_fs_mount(c, dest, 0700, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	if (r < 0)
		return -1;
	int d = in_root(c->root, dest, O_PATH | O_DIRECTORY);
	if (d < 0)
		return fail(c, SW_STEP_FS_MOUNT, errno);
	for (size_t i = 0; r == 0 && i < sizeof covered / sizeof *covered; i++) {
		/* bubblewrap covers only what is writable (from inside). */
		if (c->plan->bwrap && faccessat(d, covered[i], W_OK, 0) < 0 &&
		    (errno == EACCES || errno == ENOENT || errno == EROFS || errno == EPERM))
			continue;
		r = cover_ro(c, d, covered[i]);
	}
	close(d);
	return r;
}

static int dev_nodes(struct ctx *c, int d)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	char src[64];
	for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
		int f = openat(d, nodes[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
		if (f < 0)
			return fail(c, SW_STEP_FS_DEV, errno);
		close(f);
		size_t n = strlen(nodes[i]);
		memcpy(src, SW_OLDROOT "/dev/", sizeof SW_OLDROOT "/dev/");
		memcpy(src + sizeof SW_OLDROOT "/dev/" - 1, nodes[i], n + 1);
		int s = open(src, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		int t = openat(d, nodes[i], O_PATH | O_CLOEXEC | O_NOFOLLOW);
		struct target tg = { d, nodes[i] };
		int r = s < 0 || t < 0 ? fail(c, SW_STEP_FS_DEV, errno)
				       : bind_fds(c, NULL, s, t, &tg, MOUNT_ATTR_NOSUID, false);
		if (s >= 0)
			close(s);
		if (t >= 0)
			close(t);
		if (r < 0)
			return r;
	}
	return 0;
}

static int dev_links(struct ctx *c, int d)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" }, { "/proc/self/fd", "fd" },
		{ "/proc/kcore", "core" }, { "pts/ptmx", "ptmx" },
	};
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (symlinkat(links[i][0], d, links[i][1]) < 0)
			return fail(c, SW_STEP_FS_DEV, errno);
	if (mkdirat(d, "shm", 0755) < 0 || mkdirat(d, "pts", 0755) < 0)
		return fail(c, SW_STEP_FS_DEV, errno);
	char p[64];
	int pts = openat(d, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pts < 0)
		return fail(c, SW_STEP_FS_DEV, errno);
	int r = mount("devpts", fd_path(p, pts), "devpts", MS_NOSUID | MS_NOEXEC,
		      "newinstance,ptmxmode=0666,mode=620");
	int e = errno;
	close(pts);
	return r < 0 ? fail(c, SW_STEP_FS_DEV, e) : 0;
}

static int do_dev(struct ctx *c, const char *dest)
{
	if (do_fs_mount(c, dest, 0700, "tmpfs", MS_NOSUID | MS_NODEV, c->plan->dev_data) < 0)
		return -1;
	int d = in_root(c->root, dest, O_PATH | O_DIRECTORY);
	if (d < 0)
		return fail(c, SW_STEP_FS_DEV, errno);
	int r = dev_nodes(c, d);
	if (r == 0)
		r = dev_links(c, d);
	close(d);
	return r;
}

static int do_remount_ro(struct ctx *c, const char *dest)
{
	int fd = in_root(c->root, dest, O_PATH);
	if (fd < 0)
		return fail(c, SW_STEP_FS_DEST, errno);
	int r;
	if (c->plan->legacy) {
		r = remount(fd, MS_RDONLY);
	} else {
		struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
		r = mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof a) < 0 ? -errno : 0;
	}
	close(fd);
	return r < 0 ? fail(c, SW_STEP_FS_READONLY, -r) : 0;
}

/* --symlink: an existing link with the same target is fine (bubblewrap). */
static int do_symlink(struct ctx *c, const struct sw_fsop *op)
{
	char buf[PATH_MAX];
	size_t len = strlen(op->dest), slash = len;
	if (len >= sizeof buf)
		return fail(c, SW_STEP_FS_OTHER, ENAMETOOLONG);
	memcpy(buf, op->dest, len + 1);
	while (slash > 0 && buf[slash] != '/')
		slash--;
	buf[slash] = 0;
	const char *parent = slash ? buf : "/";
	struct mk how = { true, 0700, 0700, false, true };
	if (make_path(c, parent, &how) < 0)
		return -1;
	int d = in_root(c->root, parent, O_PATH | O_DIRECTORY);
	if (d < 0)
		return fail(c, SW_STEP_FS_DEST, errno);
	const char *name = buf + slash + 1;
	int r = symlinkat(op->src, d, name) < 0 ? errno : 0;
	enum sw_step step = SW_STEP_FS_OTHER;
	struct stat st;
	if (r == EEXIST) {
		char old[PATH_MAX];
		ssize_t n = readlinkat(d, name, old, sizeof old - 1);
		if (n >= 0 && (size_t)n == strlen(op->src) && memcmp(old, op->src, n) == 0) {
			r = 0;
		} else if (n >= 0) {
			/* bubblewrap names what is there instead. */
			size_t k = (size_t)n < sizeof c->rep->text - 1 ? (size_t)n
								      : sizeof c->rep->text - 1;
			memcpy(c->rep->text, old, k);
			c->rep->text[k] = 0;
			step = SW_STEP_FS_SYMLINK_EXISTS;
		} else if (errno == EINVAL && fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			close(d); /* not a link: say what it is */
			return fail_type(c, st.st_mode & S_IFMT, EEXIST);
		}
	}
	close(d);
	return r ? fail(c, step, r) : 0;
}

/* --chmod: of the file or directory at PATH itself, never of what a link
 * there points to (a writable bind's file, say), nor of a device or fifo
 * (a volume's node made world-writable on the host). */
static int do_chmod(struct ctx *c, const struct sw_fsop *op)
{
	char p[64];
	int fd = in_root_nofollow(c->root, op->dest);
	if (fd < 0)
		return fail(c, SW_STEP_FS_OTHER, errno);
	if (check_type(c, fd, WANT_REG | WANT_DIR) < 0) {
		close(fd);
		return -1;
	}
	int r = chmod(fd_path(p, fd), op->mode) < 0 ? errno : 0;
	close(fd);
	return r ? fail(c, SW_STEP_FS_OTHER, r) : 0;
}


/* ---- the fd options ----------------------------------------------------- */

/* --bind-fd, --ro-bind-fd: a bind of the fd's own inode (see plan_fd). */
static int do_bind_fd(struct ctx *c, const struct sw_mop *m)
{
	return do_bind(c, m);
}

/* Copies all of in to out (a stack buffer: no allocation). */
static int copy_fd(int in, int out)
{
	char buf[8192];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -errno;
			off += w;
		}
	}
}

/* The fd's data into the open file out, then out's mode exactly. */
static int fill(struct ctx *c, const struct sw_fsop *op, int out)
{
	int r = copy_fd(op->fd, out);
	if (r == 0 && fchmod(out, op->mode) < 0)
		r = -errno;
	return r < 0 ? fail(c, SW_STEP_FS_DATA, -r) : 0;
}

/* --file FD DEST: a new file in the jail's tree. */
static int do_file(struct ctx *c, const struct sw_fsop *op)
{
	char buf[PATH_MAX];
	size_t len = strlen(op->dest), slash = len;
	if (len >= sizeof buf)
		return fail(c, SW_STEP_FS_DEST, ENAMETOOLONG);
	memcpy(buf, op->dest, len + 1);
	while (slash > 0 && buf[slash] != '/')
		slash--;
	buf[slash] = 0;
	struct mk how = { true, perms_parent(op->mode), perms_parent(op->mode), false, true };
	if (slash && make_path(c, buf, &how) < 0)
		return -1;
	/* A new file; else the regular file that is there, opened through
	 * the O_PATH fd it was checked by (never a fifo, device or link). */
	int out = in_root_mode(c->root, op->dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			       O_NONBLOCK | O_NOCTTY, 0600);
	if (out < 0 && errno == EEXIST) {
		int fd = in_root_nofollow(c->root, op->dest);
		if (fd < 0)
			return fail(c, SW_STEP_FS_DEST, errno);
		if (check_type(c, fd, WANT_REG) < 0) {
			close(fd);
			return -1;
		}
		char p[64];
		out = open(fd_path(p, fd), O_WRONLY | O_TRUNC | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		int e = errno;
		close(fd);
		errno = e;
	}
	if (out < 0)
		return fail(c, SW_STEP_FS_DEST, errno);
	int r = blocking(out);
	r = r < 0 ? fail(c, SW_STEP_FS_DATA, -r) : fill(c, op, out);
	close(out);
	return r;
}

/* --bind-data, --ro-bind-data: the data goes to a file of the staging
 * tmpfs, which is bound on DEST. */
static int do_bind_data(struct ctx *c, const struct sw_mop *m)
{
	const struct sw_fsop *op = m->op;
	/* "/bindfileNNNNNN" (the operation's index), unlinked once bound, as
	 * bubblewrap's "/bindfileXXXXXX". */
	char name[32] = "/bindfile";
	size_t n = strlen(name);
	for (int i = 5, v = c->index; i >= 0; i--, v /= 10)
		name[n + (size_t)i] = (char)('0' + v % 10);
	name[n + 6] = 0;
	int out = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0)
		return fail(c, SW_STEP_FS_DATA, errno);
	int r = fill(c, op, out);
	close(out);
	if (r < 0)
		return r;
	int src = open(name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (src < 0)
		return fail(c, SW_STEP_FS_DATA, errno);
	struct mk how = { false, 0444, perms_parent(op->mode), false, false };
	if (make_path(c, op->dest, &how) < 0) {
		close(src);
		return -1;
	}
	int dst = in_root(c->root, op->dest, O_PATH);
	if (dst < 0) {
		close(src);
		return fail(c, SW_STEP_FS_DEST, errno);
	}
	struct target t = { -1, op->dest };
	unsigned a = bind_attrs(op->kind == SW_FS_RO_BIND_DATA ? SW_FS_RO_BIND : SW_FS_BIND);
	r = bind_fds(c, NULL, src, dst, &t, a, false);
	close(src);
	close(dst);
	if (r == 0 && unlink(name) < 0)
		return fail(c, SW_STEP_FS_DATA, errno);
	return r;
}

/* ---- overlays ----------------------------------------------------------- */

/* Appends s to buf (cap bytes with its NUL); false when it won't fit. */
static bool append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 1 > cap)
		return false;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return true;
}

/* Opens a layer as a bind source is opened: no symlink on the way, the
 * inode the parent saw. */
static int open_layer(struct ctx *c, const struct sw_msrc *s)
{
	int fd = openat2_raw(AT_FDCWD, s->path, O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
	if (fd < 0 && errno == ENOSYS)
		fd = open(s->path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail(c, errno == ELOOP ? SW_STEP_FS_CHANGED : SW_STEP_FS_SOURCE, errno);
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
		close(fd);
		return fail(c, SW_STEP_FS_CHANGED, ESTALE);
	}
	return fd;
}

/* The tmpfs upper and work directories of --tmp-overlay N, in the staging
 * root: "/tmp-overlay-upper-N", "/tmp-overlay-work-N". */
static int tmp_layer(char out[64], const char *what, int idx)
{
	char digits[12];
	int k = 0;
	size_t n = strlen(what);
	memcpy(out, what, n);
	do {
		digits[k++] = (char)('0' + idx % 10);
		idx /= 10;
	} while (idx);
	while (k)
		out[n++] = digits[--k];
	out[n] = 0;
	return mkdir(out, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

#define OVL_MAX_FDS 64

/* --overlay, --tmp-overlay, --ro-overlay. Every layer is opened (as a
 * source) and named to the kernel by its fd, /oldroot/proc/self/fd/N, so
 * no path is looked up again and nothing needs escaping. */
static int do_overlay(struct ctx *c, const struct sw_mop *m)
{
	const struct sw_fsop *op = m->op;
	int fds[OVL_MAX_FDS];
	size_t nf = 0;
	char opts[4096], p[64], up[64], wk[64];
	size_t len = 0;
	int r = 0;
	if (m->nsrcs > OVL_MAX_FDS)
		return fail(c, SW_STEP_FS_MOUNT, E2BIG);
	for (; nf < m->nsrcs; nf++) {
		fds[nf] = open_layer(c, &m->srcs[nf]);
		if (fds[nf] < 0) {
			r = -1;
			break;
		}
	}
	bool ok = true;
	if (r == 0 && op->kind == SW_FS_OVERLAY) {
		ok = append(opts, sizeof opts, &len, "upperdir=") &&
		     append(opts, sizeof opts, &len, fd_path(p, fds[op->nlowers])) &&
		     append(opts, sizeof opts, &len, ",workdir=") &&
		     append(opts, sizeof opts, &len, fd_path(p, fds[op->nlowers + 1])) &&
		     append(opts, sizeof opts, &len, ",");
	} else if (r == 0 && op->kind == SW_FS_TMP_OVERLAY) {
		int e = tmp_layer(up, "/tmp-overlay-upper-", m->tmp_overlay);
		if (e == 0)
			e = tmp_layer(wk, "/tmp-overlay-work-", m->tmp_overlay);
		if (e < 0)
			r = fail(c, SW_STEP_FS_MOUNT, -e);
		ok = append(opts, sizeof opts, &len, "upperdir=") &&
		     append(opts, sizeof opts, &len, up) &&
		     append(opts, sizeof opts, &len, ",workdir=") &&
		     append(opts, sizeof opts, &len, wk) &&
		     append(opts, sizeof opts, &len, ",");
	}
	ok = ok && append(opts, sizeof opts, &len, "lowerdir=");
	for (size_t i = 0; r == 0 && ok && i < op->nlowers; i++)
		ok = (i == 0 || append(opts, sizeof opts, &len, ":")) &&
		     append(opts, sizeof opts, &len, fd_path(p, fds[i]));
	ok = ok && append(opts, sizeof opts, &len, ",userxattr");
	if (r == 0 && !ok)
		r = fail(c, SW_STEP_FS_MOUNT, E2BIG);
	struct mk how = { true, 0755, 0755, false, false };
	if (r == 0)
		r = make_path(c, op->dest, &how);
	if (r == 0) {
		int d = in_root(c->root, op->dest, O_PATH | O_DIRECTORY);
		if (d < 0) {
			r = fail(c, SW_STEP_FS_DEST, errno);
		} else {
			if (mount("overlay", fd_path(p, d), "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
				r = fail(c, SW_STEP_FS_MOUNT, errno);
			close(d);
		}
	}
	for (size_t i = 0; i < nf; i++)
		close(fds[i]);
	return r;
}

static int do_op(struct ctx *c, const struct sw_mop *m)
{
	const struct sw_fsop *op = m->op;
	switch (op->kind) {
	case SW_FS_BIND:
	case SW_FS_RO_BIND:
	case SW_FS_DEV_BIND:
		return do_bind(c, m);
	case SW_FS_REMOUNT_RO:
		return do_remount_ro(c, op->dest);
	case SW_FS_PROC:
		return do_proc(c, m);
	case SW_FS_DEV:
		return do_dev(c, op->dest);
	case SW_FS_TMPFS:
		return do_fs_mount(c, op->dest, perms_parent(op->mode), "tmpfs", MS_NOSUID | MS_NODEV, m->data);
	case SW_FS_MQUEUE:
		return do_fs_mount(c, op->dest, 0700, "mqueue", 0, NULL);
	case SW_FS_DIR: {
		struct mk how = { true, op->mode, perms_parent(op->mode), true, false };
		return make_path(c, op->dest, &how);
	}
	case SW_FS_SYMLINK:
		return do_symlink(c, op);
	case SW_FS_CHMOD:
		return do_chmod(c, op);
	case SW_FS_BIND_FD:
	case SW_FS_RO_BIND_FD:
		return do_bind_fd(c, m);
	case SW_FS_FILE:
		return do_file(c, op);
	case SW_FS_BIND_DATA:
	case SW_FS_RO_BIND_DATA:
		return do_bind_data(c, m);
	case SW_FS_OVERLAY:
	case SW_FS_TMP_OVERLAY:
	case SW_FS_RO_OVERLAY:
		return do_overlay(c, m);
	}
	return fail(c, SW_STEP_FS_OTHER, EINVAL);
}

/* A tmpfs on a host directory becomes / with the host's root at /oldroot
 * and an empty /newroot (a mount point, so it can be pivoted to later). */
static int stage(struct ctx *c)
{
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return fail(c, SW_STEP_MOUNT_PRIVATE, errno);
	if (mount("tmpfs", c->plan->base, "tmpfs", MS_NODEV | MS_NOSUID, NULL) < 0 ||
	    chdir(c->plan->base) < 0 || mkdir("newroot", 0755) < 0 ||
	    mkdir("oldroot", 0755) < 0 || syscall(SYS_pivot_root, ".", "oldroot") < 0 ||
	    chdir("/") < 0 ||
	    mount("newroot", "newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(c, SW_STEP_STAGING, errno);
	c->root = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->root < 0 ? fail(c, SW_STEP_STAGING, errno) : 0;
}

/* A mount on the jail's / itself (--ro-bind / /) stacks over /newroot: the
 * fd taken before still means the mount below, where later destinations
 * would land unseen. So the root is looked up again after each step. */
static int reopen_root(struct ctx *c)
{
	int r = refresh_root(c);
	return r < 0 ? fail(c, SW_STEP_STAGING, -r) : 0;
}

/* Drops the host's root and makes /newroot the root. */
static int finish(struct ctx *c)
{
	close(c->root);
	c->index = -1;
	if (mount("oldroot", "oldroot", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    umount2("oldroot", MNT_DETACH) < 0 || chdir("/newroot") < 0 ||
	    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
	    chdir("/") < 0)
		return fail(c, SW_STEP_PIVOT, errno);
	return 0;
}

int sw_mount_child_build(const struct sw_mount_plan *plan, struct sw_report *rep)
{
	struct ctx c = { .plan = plan, .rep = rep, .root = -1, .index = -1 };
	if (stage(&c) < 0)
		return -1;
	for (size_t i = 0; i < plan->n; i++) {
		c.index = (int)i;
		if (do_op(&c, &plan->ops[i]) < 0 || reopen_root(&c) < 0)
			return -1;
	}
	/* The fd options' fds are used up (bubblewrap closes them too). */
	for (size_t i = 0; i < plan->nclose; i++)
		close(plan->close_fds[i]);
	return finish(&c);
}
