/* tree.c — the cgroups below a jail's own: visited (to kill and thaw what
 * is in them) and removed at teardown. The jail made them, so their shape
 * is the attacker's: no recursion, no path per directory (a chain may be
 * longer than PATH_MAX), at most three directory fds open at a time. The
 * walk goes down by name (O_NOFOLLOW, same filesystem only) and up by
 * "..", and finds its place among the siblings again by inode number. */
#include "cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUSY_RETRIES 400 /* ~2 s in all of EBUSY while killed tasks leave */

struct entry {
	char name[NAME_MAX + 1];
	ino_t ino;
};

static bool is_subdir(int fd, const struct dirent *d)
{
	if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
		return false;
	if (d->d_type != DT_UNKNOWN)
		return d->d_type == DT_DIR;
	struct stat st;
	return fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* The first subdirectory of fd listed after the one with inode `after`
 * (after 0, or not listed any more: the first of all). 1 and *out, 0 when
 * there is none, or -errno. With want_name, finds instead the entry
 * whose inode is `after` (1 when it is there). */
static int scan(int fd, ino_t after, bool want_name, struct entry *out)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = errno;
		close(dfd);
		return -e;
	}
	struct entry first = { .ino = 0 };
	bool have_first = false, seen = false, found = false;
	struct dirent *de;
	errno = 0;
	while (!found && (de = readdir(d))) {
		if (!is_subdir(fd, de))
			continue;
		if (want_name ? de->d_ino == after : seen) {
			snprintf(out->name, sizeof out->name, "%s", de->d_name);
			out->ino = de->d_ino;
			found = true;
		} else if (!have_first) {
			snprintf(first.name, sizeof first.name, "%s", de->d_name);
			first.ino = de->d_ino;
			have_first = true;
		}
		if (de->d_ino == after)
			seen = true;
	}
	closedir(d);
	if (found)
		return 1;
	if (want_name || seen || !have_first)
		return 0;
	*out = first;
	return 1;
}

struct walk {
	int fd;       /* the directory the walk is in */
	dev_t dev;    /* top's filesystem: never left */
	long depth;   /* below top */
	long steps;
	ino_t from;   /* after going up: the child just left (0: none) */
	bool entered; /* fd was just entered (pre-order visit due) */
};

static int walk_open(struct walk *w, const char *top)
{
	*w = (struct walk){ .fd = -1, .entered = true };
	w->fd = open(top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (w->fd < 0 || fstat(w->fd, &st) < 0)
		return -errno;
	w->dev = st.st_dev;
	return 0;
}

/* Into the child e; 0, or 1 when it is not to be entered (a symlink, a
 * mount point, gone): then it counts as left. */
static int walk_down(struct walk *w, const struct entry *e)
{
	int fd = openat(w->fd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_dev != w->dev)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		w->from = e->ino;
		return 1;
	}
	close(w->fd);
	w->fd = fd;
	w->depth++;
	w->from = 0;
	w->entered = true;
	return 0;
}

/* Up to the parent; -errno when it can't be opened. */
static int walk_up(struct walk *w)
{
	struct stat st;
	if (fstat(w->fd, &st) < 0)
		return -errno;
	int up = openat(w->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up < 0)
		return -errno;
	close(w->fd);
	w->fd = up;
	w->depth--;
	w->from = st.st_ino;
	w->entered = false;
	return 0;
}

static void fd_dir(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

int sw_cgroup_tree_visit(const char *top, void (*fn)(const char *dir, void *arg),
			 void *arg)
{
	struct walk w;
	int r = walk_open(&w, top);
	while (r == 0) {
		if (++w.steps > SW_CGROUP_TREE_STEPS) {
			r = -E2BIG;
			break;
		}
		if (w.entered) {
			char dir[64];
			fd_dir(w.fd, dir, sizeof dir);
			fn(dir, arg);
			w.entered = false;
		}
		struct entry e;
		int n = scan(w.fd, w.from, false, &e);
		if (n < 0)
			r = n;
		else if (n == 1)
			walk_down(&w, &e);
		else if (w.depth == 0)
			break;
		else
			r = walk_up(&w);
	}
	if (w.fd >= 0)
		close(w.fd);
	return r;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct remover {
	int (*rmdir_fn)(const char *path, void *arg);
	void *arg;
	int busy_left;
	int first; /* the first failure's errno, 0 */
	sw_error *err;
};

/* Removes the child of w->fd that the walk just left (inode w->from). */
static void remove_child(struct walk *w, struct remover *rm)
{
	struct entry e;
	if (scan(w->fd, w->from, true, &e) != 1)
		return; /* gone already */
	char path[64 + NAME_MAX + 2];
	snprintf(path, sizeof path, "/proc/self/fd/%d/%s", w->fd, e.name);
	for (;;) {
		int r = rm->rmdir_fn ? rm->rmdir_fn(path, rm->arg)
				     : unlinkat(w->fd, e.name, AT_REMOVEDIR);
		int en = errno;
		if (r == 0 || en == ENOENT)
			return;
		if (en == EBUSY && rm->busy_left-- > 0) {
			sleep_ms(5);
			continue;
		}
		if (!rm->first) {
			char self[64], where[PATH_MAX];
			fd_dir(w->fd, self, sizeof self);
			ssize_t n = readlink(self, where, sizeof where - 1);
			where[n > 0 ? n : 0] = 0;
			rm->first = en;
			sw_cgroup_fail(rm->err, en, "cgroup: can't remove the jail's sub-cgroup %s/%s",
				       n > 0 ? where : "...", e.name);
		}
		return;
	}
}

int sw_cgroup_tree_remove(const char *top, int (*rmdir_fn)(const char *path, void *arg),
			  void *arg, sw_error *err)
{
	struct remover rm = { rmdir_fn, arg, BUSY_RETRIES, 0, err };
	struct walk w;
	int r = walk_open(&w, top);
	if (r == -ENOENT) {
		if (w.fd >= 0)
			close(w.fd);
		return 0;
	}
	if (r < 0)
		sw_cgroup_fail(err, -r, "cgroup: opening %s to remove what the jail made in it", top);
	while (r == 0) {
		if (++w.steps > SW_CGROUP_TREE_STEPS) {
			r = sw_error_set(err, E2BIG, "cgroup: the jail made more than %ld cgroups below %s: not all removed",
					 SW_CGROUP_TREE_STEPS / 2, top);
			break;
		}
		struct entry e;
		int n = scan(w.fd, w.from, false, &e);
		if (n == 1) {
			walk_down(&w, &e);
			continue;
		}
		if (n < 0) {
			char where[PATH_MAX], self[64];
			fd_dir(w.fd, self, sizeof self);
			ssize_t k = readlink(self, where, sizeof where - 1);
			where[k > 0 ? k : 0] = 0;
			r = sw_cgroup_fail(err, -n, "cgroup: listing %s", k > 0 ? where : top);
			break;
		}
		if (w.depth == 0)
			break;
		if ((r = walk_up(&w)) < 0) {
			sw_cgroup_fail(err, -r, "cgroup: going back up below %s", top);
			break;
		}
		remove_child(&w, &rm);
	}
	if (w.fd >= 0)
		close(w.fd);
	if (r == 0 && rm.first)
		r = -rm.first;
	return r;
}
