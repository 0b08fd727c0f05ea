/* fds.c — which fds the command inherits: 0, 1, 2, --keep-fd and --sync-fd.
 *
 * bubblewrap passes every inherited fd through; we don't (README). Every
 * other fd >= 3 is marked close-on-exec rather than closed, because the
 * child still needs its error-report pipe (and ns/'s own fds) until execve.
 * Kept fds get CLOEXEC cleared: a library caller's fds are usually opened
 * O_CLOEXEC, and --keep-fd means "the command gets it".
 *
 * The child tries, in order: close_range(CLOSE_RANGE_CLOEXEC) over the gaps
 * (Linux 5.11), then a walk of /proc/self/fd with getdents64, then fcntl on
 * every fd up to a bound taken in the parent (no /proc inside the jail).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env/env_internal.h"

#define SW_FD_SCAN_CAP (1 << 20)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int check_open(int fd, const char *what, sw_error *err)
{
	if (fd < 0)
		return sw_error_set(err, EBADF, "%s %d: not a valid fd", what, fd);
	if (fcntl(fd, F_GETFD) < 0)
		return sw_error_set(err, EBADF, "%s %d: not an open fd", what, fd);
	return 0;
}

/* Highest fd the parent has open now (plus slack for the ones ns/ opens
 * after planning), or the NOFILE limit if that is higher. */
static int scan_bound(void)
{
	struct rlimit rl;
	long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : 1024;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		long fd = strtol(e->d_name, NULL, 10);
		if (fd + 64 > max)
			max = fd + 64;
	}
	if (d)
		closedir(d);
	return max > SW_FD_SCAN_CAP ? SW_FD_SCAN_CAP : (int)max;
}

static size_t uniq(int *v, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (j == 0 || v[i] != v[j - 1])
			v[j++] = v[i];
	return j;
}

int sw_env_plan_fds(struct sw_env_plan *plan, const sw_spec *spec,
		    sw_error *err)
{
	size_t n = 3 + spec->nkeep + 1 + spec->nfdmap;
	int *keep = calloc(n, sizeof *keep), *unc = calloc(n, sizeof *unc);
	size_t nk = 0, nu = 0;
	int r = keep && unc ? 0 : sw_error_set(err, ENOMEM, "out of memory");
	for (int fd = 0; fd < 3 && r == 0; fd++)
		keep[nk++] = fd;
	for (size_t i = 0; i < spec->nkeep && r == 0; i++) {
		r = check_open(spec->keep_fds[i], "--keep-fd", err);
		keep[nk++] = unc[nu++] = spec->keep_fds[i];
	}
	/* bubblewrap: the jail's PID 1 holds --sync-fd, not the command, unless
	 * the command is PID 1 (or there is no PID namespace, so no reaper). */
	bool cmd_holds_sync = !(spec->ns & SW_NS_PID) || spec->as_pid_1;
	if (r == 0 && spec->sync_fd != SW_NO_FD && cmd_holds_sync) {
		r = check_open(spec->sync_fd, "--sync-fd", err);
		keep[nk++] = unc[nu++] = spec->sync_fd;
	}
	/* --fd-map: the destinations are kept (dup3 clears their CLOEXEC) */
	int base = 3;
	for (size_t i = 0; i < spec->nfdmap && r == 0; i++) {
		r = check_open(spec->fdmap_src[i], "--fd-map source", err);
		keep[nk++] = spec->fdmap_dst[i];
		if (spec->fdmap_src[i] >= base)
			base = spec->fdmap_src[i] + 1;
		if (spec->fdmap_dst[i] >= base)
			base = spec->fdmap_dst[i] + 1;
	}
	if (r < 0) {
		free(keep);
		free(unc);
		return r;
	}
	plan->fdmap_src = spec->fdmap_src;
	plan->fdmap_dst = spec->fdmap_dst;
	plan->nfdmap = spec->nfdmap;
	plan->fdmap_base = base;
	qsort(keep, nk, sizeof *keep, cmp_int);
	qsort(unc, nu, sizeof *unc, cmp_int);
	plan->keep = keep;
	plan->nkeep = uniq(keep, nk);
	plan->uncloexec = unc;
	plan->nuncloexec = uniq(unc, nu);
	plan->fd_scan_max = scan_bound();
	return 0;
}

/* ---- child half ------------------------------------------------------- */

static bool is_kept(const struct sw_env_plan *plan, long fd)
{
	for (size_t i = 0; i < plan->nkeep; i++)
		if (plan->keep[i] == fd)
			return true;
	return false;
}

static int cloexec_range(unsigned lo, unsigned hi)
{
	if (syscall(SYS_close_range, lo, hi, CLOSE_RANGE_CLOEXEC) < 0)
		return -errno;
	return 0;
}

static int cloexec_gaps(const struct sw_env_plan *plan)
{
	unsigned lo = 3;
	for (size_t i = 0; i < plan->nkeep; i++) {
		unsigned k = (unsigned)plan->keep[i];
		if (k > lo) {
			int r = cloexec_range(lo, k - 1);
			if (r < 0)
				return r;
		}
		if (k >= lo)
			lo = k + 1;
	}
	return cloexec_range(lo, ~0u);
}

static int set_cloexec(long fd)
{
	if (syscall(SYS_fcntl, (int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
		return -errno;
	return 0;
}

static long parse_fd(const char *s)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (1L << 30))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

struct dirent64_hdr {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int walk_batch(const struct sw_env_plan *plan, int dfd, const char *b,
		      long n)
{
	for (long off = 0; off < n;) {
		const struct dirent64_hdr *d = (const void *)(b + off);
		long fd = parse_fd(d->name);
		off += d->reclen;
		if (fd < 3 || fd == dfd || is_kept(plan, fd))
			continue;
		int r = set_cloexec(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cloexec_walk(const struct sw_env_plan *plan)
{
	uint64_t buf[512]; /* 4 KiB, aligned for the records */
	int dfd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	long n;
	int r = 0;
	while (r == 0 && (n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0)
		r = walk_batch(plan, dfd, (const char *)buf, n);
	if (r == 0 && n < 0)
		r = -errno;
	syscall(SYS_close, dfd);
	return r;
}

static int cloexec_brute(const struct sw_env_plan *plan)
{
	for (long fd = 3; fd < plan->fd_scan_max; fd++) {
		if (is_kept(plan, fd))
			continue;
		int r = set_cloexec(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

static int mark_others(const struct sw_env_plan *plan)
{
	int r = -ENOSYS;
	if (!(plan->test_flags & (SW_ENV_TEST_FD_WALK | SW_ENV_TEST_FD_BRUTE)))
		r = cloexec_gaps(plan);
	/* EINVAL: a kernel with close_range but not its CLOEXEC flag. */
	if (r != -ENOSYS && r != -EINVAL && r != -EPERM)
		return r;
	if (!(plan->test_flags & SW_ENV_TEST_FD_BRUTE))
		r = cloexec_walk(plan);
	if (r == 0)
		return 0;
	return cloexec_brute(plan);
}

/* --fd-map: every source is first copied clear of all sources and
 * destinations (so that maps may swap fds), then each copy goes to its
 * destination. The copies are close-on-exec: mark_others spares them
 * not, and exec closes them. */
static int map_fds(const struct sw_env_plan *plan)
{
	int tmp[SW_FD_MAP_MAX];
	size_t n = plan->nfdmap < SW_FD_MAP_MAX ? plan->nfdmap : SW_FD_MAP_MAX;
	for (size_t i = 0; i < n; i++) {
		tmp[i] = (int)syscall(SYS_fcntl, plan->fdmap_src[i], F_DUPFD_CLOEXEC,
				      plan->fdmap_base);
		if (tmp[i] < 0)
			return -errno;
	}
	for (size_t i = 0; i < n; i++)
		if (syscall(SYS_dup3, tmp[i], plan->fdmap_dst[i], 0) < 0)
			return -errno;
	for (size_t i = 0; i < n; i++)
		syscall(SYS_close, tmp[i]);
	return 0;
}

int sw_env_child_close_fds(const struct sw_env_plan *plan)
{
	/* The bwrap personality: every inherited fd reaches the command, as
	 * in bubblewrap (swrap's own fds are all close-on-exec); --fd-map
	 * applies all the same (its copies are close-on-exec). */
	int r = map_fds(plan);
	if (r == 0 && plan->spec->compat != SW_COMPAT_BWRAP)
		r = mark_others(plan);
	for (size_t i = 0; r == 0 && i < plan->nuncloexec; i++)
		if (syscall(SYS_fcntl, plan->uncloexec[i], F_SETFD, 0) < 0)
			r = -errno;
	return r;
}
