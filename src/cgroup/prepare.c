/* prepare.c — a jail's cgroups, made before the clone: choose a hierarchy
 * for each controller the limits need, create <parent>/<id> there, enable
 * the controllers on the way down, write the limits on it, and make its
 * child SW_CGROUP_JAIL_LEAF, where the jail's processes go (cgroup.h).
 * When a step fails, everything made so far is removed again. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

struct target {
	const struct sw_cgroup_hier *h;
	unsigned ctls;
};

#define DELEGATE_HINT                                                      \
	"delegate one: run swrap under `systemd-run --user --scope -p "       \
	"Delegate=yes`, or chown a cgroup to the user and start swrap in it"

static unsigned needed_ctls(const struct sw_limits *l)
{
	unsigned c = 0;
	if (l->memory_max || l->memory_high)
		c |= SW_CGC_MEMORY;
	if (l->cpu_quota || l->cpu_period || l->cpu_weight)
		c |= SW_CGC_CPU;
	if (l->pids_max)
		c |= SW_CGC_PIDS;
	return c;
}

static void add_target(struct target *t, size_t *n,
		       const struct sw_cgroup_hier *h, unsigned ctl)
{
	for (size_t i = 0; i < *n; i++) {
		if (t[i].h == h) {
			t[i].ctls |= ctl;
			return;
		}
	}
	t[(*n)++] = (struct target){ h, ctl };
}

static int missing_ctl(const struct sw_cgroup_layout *l, unsigned ctl,
		       sw_error *err)
{
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(l, true, 0);
	char name[32], have[64];
	sw_cgroup_format_ctls(ctl, "", name, sizeof name);
	if (!v2)
		return sw_error_set(err, EOPNOTSUPP,
				    "cgroup: no cgroup hierarchy with the %s controller is mounted",
				    name);
	return sw_error_set(err, EOPNOTSUPP,
			    "cgroup: the %s controller is not available: cgroup2 at %s offers \"%s\" and no cgroup v1 hierarchy has it%s%s",
			    name, v2->base ? v2->base : v2->mount,
			    sw_cgroup_format_ctls(v2->ctls, "", have, sizeof have),
			    l->rootless ? "; " : "", l->rootless ? DELEGATE_HINT : "");
}

/* cgroup2 always gets a directory (CLONE_INTO_CGROUP needs one, and
 * cgroup.kill stops the whole jail); a controller goes to cgroup2 when it
 * offers it, else to its v1 hierarchy. */
static int plan(const struct sw_cgroup_layout *l, unsigned need,
		struct target *t, size_t *nt, sw_error *err)
{
	static const unsigned order[] = { SW_CGC_MEMORY, SW_CGC_CPU, SW_CGC_PIDS };
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(l, true, 0);
	*nt = 0;
	if (v2)
		t[(*nt)++] = (struct target){ v2, need & v2->ctls };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		unsigned c = order[i];
		if (!(need & c) || (v2 && (v2->ctls & c)))
			continue;
		const struct sw_cgroup_hier *h = sw_cgroup_layout_find(l, false, c);
		if (!h)
			return missing_ctl(l, c, err);
		add_target(t, nt, h, c);
	}
	/* Without cgroup2 the v1 freezer is what lets destroy stop a jail
	 * that keeps forking. Beside cgroup2 (a hybrid host) the jail gets a
	 * freezer leaf too wherever the caller could write one: else the
	 * jail's processes stay in the caller's freezer cgroup, where a jail
	 * that can write it (a root launcher's) may make a sub-cgroup and
	 * freeze a process of its own there, out of teardown's reach. */
	const struct sw_cgroup_hier *fz = sw_cgroup_layout_find(l, false, SW_CGC_FREEZER);
	if (fz && v2 && (!fz->base || (l->rootless &&
				       faccessat(AT_FDCWD, fz->base, W_OK, AT_EACCESS) < 0)))
		fz = NULL;
	if (fz)
		add_target(t, nt, fz, SW_CGC_FREEZER);
	if (!*nt)
		return sw_error_set(err, EOPNOTSUPP,
				    "cgroup: no cgroup2 mount and no cgroup v1 freezer hierarchy: nowhere to put the jail");
	return 0;
}

static int check_writable(const struct sw_cgroup_layout *l,
			  const struct target *t, size_t nt, sw_error *err)
{
	for (size_t i = 0; l->rootless && i < nt; i++) {
		const struct sw_cgroup_hier *h = t[i].h;
		if (h->base && faccessat(AT_FDCWD, h->base, W_OK, AT_EACCESS) == 0)
			continue;
		char name[64];
		if (h->v2)
			snprintf(name, sizeof name, "cgroup2");
		else
			sw_cgroup_format_ctls(h->ctls, "", name, sizeof name);
		return sw_error_set(err, EACCES,
				    "cgroup: uid %u can't write its cgroup (%s) in the %s hierarchy at %s; %s",
				    (unsigned)geteuid(), h->self ? h->self : "not visible",
				    name, h->mount, DELEGATE_HINT);
	}
	return 0;
}

static int do_mkdir(const struct sw_cgroup_host *host, const char *path)
{
	if (host && host->mkdir)
		return host->mkdir(path, host->arg);
	return mkdir(path, 0755);
}

/* The pids in dir/cgroup.procs (at most max); -errno when unreadable. */
static ssize_t list_procs(const char *dir, long *pids, size_t max)
{
	char buf[4096];
	ssize_t n = sw_cgroup_read(dir, "cgroup.procs", buf, sizeof buf);
	if (n < 0)
		return n;
	size_t k = 0;
	for (char *p = buf, *end; k < max && *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0)
			pids[k++] = pid;
	}
	return (ssize_t)k;
}

/* Moves every process of dir into dir/SW_CGROUP_CALLER_LEAF, until dir has
 * none (a shell may fork meanwhile: its children start in dir). */
static int move_procs(const struct sw_cgroup_host *host, const char *dir,
		      sw_error *err)
{
	char leaf[PATH_MAX + 32];
	snprintf(leaf, sizeof leaf, "%s/%s", dir, SW_CGROUP_CALLER_LEAF);
	if (do_mkdir(host, leaf) < 0 && errno != EEXIST)
		return sw_cgroup_fail(err, errno, "cgroup: cannot create %s for the processes of %s",
				      leaf, dir);
	for (int round = 0; round < 100; round++) {
		long pids[256];
		ssize_t n = list_procs(dir, pids, 256);
		if (n < 0)
			return sw_cgroup_fail(err, (int)-n, "cgroup: reading %s/cgroup.procs", dir);
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++) {
			char v[24];
			sw_error e = { 0 };
			snprintf(v, sizeof v, "%ld", pids[i]);
			int r = sw_cgroup_write(leaf, "cgroup.procs", v, &e);
			if (r < 0 && r != -ESRCH) { /* ESRCH: it just exited */
				if (err)
					*err = e;
				return r;
			}
		}
	}
	return sw_error_set(err, EBUSY, "cgroup: processes keep appearing in %s: can't empty it",
			    dir);
}

/* cgroup2 enables controllers only in a cgroup without processes of its
 * own (the root cgroup excepted), and enabling a threaded controller (pids,
 * cpu) in one that has some is allowed but turns it into a thread root,
 * whose ordinary children then refuse processes (EOPNOTSUPP). So a level
 * must be empty before anything is enabled in it. The caller's own cgroup
 * is emptied by moving its processes into SW_CGROUP_CALLER_LEAF (see
 * cgroup.h); anyone else's is an error. */
static int vacate(const struct sw_cgroup_host *host, const char *dir,
		  const struct sw_cgroup_hier *h, unsigned ctls, sw_error *err)
{
	char path[PATH_MAX + 32], list[128];
	snprintf(path, sizeof path, "%s/cgroup.type", dir);
	if (access(path, F_OK) < 0) /* only the root cgroup has no type */
		return 0;
	long pids[4];
	ssize_t n = list_procs(dir, pids, 4);
	if (n <= 0)
		return n < 0 ? sw_cgroup_fail(err, (int)-n, "cgroup: reading %s/cgroup.procs", dir) : 0;
	sw_cgroup_format_ctls(ctls, "", list, sizeof list);
	bool own = h->self && strcmp(h->self, dir) == 0;
	if (own && !(host && host->no_move))
		return move_procs(host, dir, err);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if (own && (access(dir, W_OK) < 0 || access(path, W_OK) < 0))
		return sw_cgroup_fail(err, errno, "cgroup: %s (swrap's own cgroup) holds processes, which must move into a child cgroup before controllers (%s) can be enabled there, and uid %u can't do that",
				      dir, list, (unsigned)geteuid());
	if (own)
		return sw_error_set(err, EAGAIN,
				    "cgroup: the first jail with limits will move the processes of %s (swrap's own cgroup) into %s/%s, because cgroup2 enables controllers (%s) only in a cgroup without processes",
				    dir, dir, SW_CGROUP_CALLER_LEAF, list);
	return sw_error_set(err, EBUSY,
			    "cgroup: %s holds processes (pid %ld%s) and cgroup2 enables controllers (%s) only in a cgroup without processes of its own: choose a --cgroup-parent below a cgroup without processes",
			    dir, pids[0], n > 1 ? ", ..." : "", list);
}

static int enable_ctls(const struct sw_cgroup_host *host, const char *dir,
		       const struct sw_cgroup_hier *h, unsigned ctls, sw_error *err)
{
	char have[1024], list[128];
	if (!ctls)
		return 0;
	for (int attempt = 0;; attempt++) {
		ssize_t n = sw_cgroup_read(dir, "cgroup.subtree_control", have, sizeof have);
		if (n < 0)
			return sw_cgroup_fail(err, (int)-n, "cgroup: reading %s/cgroup.subtree_control", dir);
		unsigned missing = ctls & ~sw_cgroup_parse_ctls(have);
		if (!missing)
			return 0;
		int r = vacate(host, dir, h, missing, err);
		if (r < 0)
			return r;
		sw_error e = { 0 };
		r = sw_cgroup_write(dir, "cgroup.subtree_control",
				    sw_cgroup_format_ctls(missing, "+", list, sizeof list), &e);
		/* EBUSY: a process arrived since vacate (a concurrent
		 * launch's caller, a shell's child): empty it again. */
		if (r == -EBUSY && attempt < 3)
			continue;
		if (r == -EBUSY)
			return sw_error_set(err, EBUSY,
					    "%s (cgroup2 enables controllers only below a cgroup without processes of its own: choose another --cgroup-parent)",
					    e.msg);
		if (r < 0 && err)
			*err = e;
		return r;
	}
}

/* 1: a directory, 0: something else, or -errno (-ENOENT: gone). */
static int dir_state(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

static int mkdir_failed(const char *path, bool last, int e, sw_error *err)
{
	if (last && e == EEXIST)
		return sw_error_set(err, EEXIST,
				    "cgroup: %s already exists: another jail uses this --cgroup id (remove it with --kill-cgroup)",
				    path);
	if (e == EEXIST)
		e = ENOTDIR;
	return sw_cgroup_fail(err, e, "cgroup: cannot create %s", path);
}

/* One walk down from the base: enable the controllers in a level (v2),
 * create the next level, until the leaf. -ENOENT without a message when
 * a parent vanished under us (another jail removed it: try again). */
static int make_leaf_once(const struct sw_cgroup_host *host,
			  const struct sw_cgroup_hier *h,
			  struct sw_cgroup_leaf *leaf, size_t base_len,
			  sw_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", leaf->path);
	char *slash = path + base_len;
	for (unsigned i = 0; i < leaf->ncomp; i++) {
		bool last = i + 1 == leaf->ncomp;
		*slash = 0;
		int r = enable_ctls(host, path, h, leaf->v2 ? leaf->ctls : 0, err);
		*slash = '/';
		if (r == -ENOENT && i > 0) /* removed by the last jail in it */
			return -ENOENT;
		if (r < 0)
			return r;
		char *next = strchr(slash + 1, '/');
		if (next)
			*next = 0;
		int e = do_mkdir(host, path) == 0 ? 0 : errno;
		if (e == 0) {
			leaf->made |= 1ull << i;
			/* A parent says it is swrap's, so that whichever jail
			 * leaves it empty removes it (destroy.c). Best effort:
			 * cgroup2 has user xattrs since Linux 5.7, v1 none. */
			if (!last)
				setxattr(path, SW_CGROUP_MARK, "1", 1, 0);
		} else if (e == ENOENT && i > 0) {
			return -ENOENT;
		} else if (e == EEXIST && !last) {
			/* One look: a second could see a parent another jail
			 * removed in between, and call it "not a directory". */
			int d = dir_state(path);
			if (d == -ENOENT)
				return -ENOENT; /* there, then removed by its last jail */
			if (d != 1)
				return mkdir_failed(path, last, e, err);
		} else {
			return mkdir_failed(path, last, e, err);
		}
		if (next)
			*next = '/';
		slash = next;
	}
	/* A shared parent removed and made again by other launches between
	 * our enable and our mkdir gives a leaf without the controllers:
	 * walk down again (make_leaf), enabling them anew. */
	char have[256];
	if (leaf->v2 && leaf->ctls &&
	    (sw_cgroup_read(leaf->path, "cgroup.controllers", have, sizeof have) < 0 ||
	     (leaf->ctls & ~sw_cgroup_parse_ctls(have))))
		return -ENOENT;
	return 0;
}

static void unmake(struct sw_cgroup *cg, struct sw_cgroup_leaf *leaf)
{
	struct sw_cgroup one = { .n = 1, .v2_fd = -1, .rmdir = cg->rmdir,
				 .arg = cg->arg, .quirks = cg->quirks };
	one.leaf[0] = *leaf;
	sw_cgroup_remove(&one, NULL);
	leaf->made = 0;
}

static int make_leaf(const struct sw_cgroup_host *host, struct sw_cgroup *cg,
		     struct sw_cgroup_leaf *leaf, const struct sw_cgroup_hier *h,
		     const char *rel, sw_error *err)
{
	const char *base = h->base;
	if (asprintf(&leaf->path, "%s/%s", base, rel) < 0) {
		leaf->path = NULL;
		return sw_error_set(err, ENOMEM, "cgroup: out of memory");
	}
	if (strlen(leaf->path) >= PATH_MAX)
		return sw_error_set(err, ENAMETOOLONG, "cgroup: path too long: %s",
				    leaf->path);
	int r = -ENOENT;
	for (int try = 0; r == -ENOENT && try < 20; try++) {
		if (try > 0)
			unmake(cg, leaf);
		r = make_leaf_once(host, h, leaf, strlen(base), err);
	}
	if (r == -ENOENT)
		return sw_error_set(err, ENOENT,
				    "cgroup: cannot create %s: its parent keeps disappearing",
				    leaf->path);
	return r;
}

static int open_v2_fd(struct sw_cgroup *cg, const struct sw_cgroup_leaf *leaf,
		      sw_error *err)
{
	cg->v2_fd = open(leaf->jail, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->v2_fd < 0)
		return sw_cgroup_fail(err, errno, "cgroup: opening %s", leaf->jail);
	return 0;
}

/* A v1 memory limit bounds the cgroups below only where use_hierarchy is
 * 1 (always, since Linux 5.11 made the file read 1; before, a cgroup's
 * default is its parent's). It can be set only while the cgroup has no
 * children: before the jail leaf is made. */
static int memory_hierarchical(const struct sw_cgroup_leaf *leaf, sw_error *err)
{
	char v[16];
	if (leaf->v2 || !(leaf->ctls & SW_CGC_MEMORY) ||
	    sw_cgroup_read(leaf->path, "memory.use_hierarchy", v, sizeof v) < 0 ||
	    v[0] == '1')
		return 0;
	sw_error e = { 0 };
	if (sw_cgroup_write(leaf->path, "memory.use_hierarchy", "1", &e) < 0 ||
	    sw_cgroup_read(leaf->path, "memory.use_hierarchy", v, sizeof v) < 0 || v[0] != '1')
		return sw_error_set(err, EPERM,
				    "cgroup: %s/memory.use_hierarchy stays 0, so its memory limit would not bound the jail's cgroup below it%s%s",
				    leaf->path, e.msg[0] ? ": " : "", e.msg);
	return 0;
}

/* The jail leaf: a child of the limits cgroup, with no controller enabled
 * for it (the limits above bound it; nothing needs enabling, so the limits
 * cgroup holding no process keeps to cgroup2's no-internal-process rule
 * by itself). */
static int make_jail_leaf(const struct sw_cgroup_host *host,
			  struct sw_cgroup_leaf *leaf, sw_error *err)
{
	if (asprintf(&leaf->jail, "%s/%s", leaf->path, SW_CGROUP_JAIL_LEAF) < 0) {
		leaf->jail = NULL;
		return sw_error_set(err, ENOMEM, "cgroup: out of memory");
	}
	if (strlen(leaf->jail) >= PATH_MAX)
		return sw_error_set(err, ENAMETOOLONG, "cgroup: path too long: %s",
				    leaf->jail);
	if (do_mkdir(host, leaf->jail) < 0)
		return sw_cgroup_fail(err, errno, "cgroup: cannot create %s", leaf->jail);
	return 0;
}

static int create_all(const struct sw_cgroup_host *host, const sw_spec *spec,
		      const struct target *t, size_t nt, struct sw_cgroup **out,
		      sw_error *err)
{
	char rel[PATH_MAX];
	unsigned ncomp;
	if (sw_cgroup_rel_path(spec->cgroup_parent, spec->cgroup_id, rel, sizeof rel, &ncomp) < 0)
		return sw_error_set(err, ENAMETOOLONG, "cgroup: --cgroup-parent too long");
	struct sw_cgroup *cg = calloc(1, sizeof *cg);
	if (!cg)
		return sw_error_set(err, ENOMEM, "cgroup: out of memory");
	cg->v2_fd = -1;
	cg->rmdir = host ? host->rmdir : NULL;
	cg->arg = host ? host->arg : NULL;
	cg->quirks = host ? host->quirks : 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < nt; i++) {
		struct sw_cgroup_leaf *leaf = &cg->leaf[cg->n++];
		leaf->v2 = t[i].h->v2;
		leaf->ctls = t[i].ctls;
		leaf->ncomp = ncomp;
		r = make_leaf(host, cg, leaf, t[i].h, rel, err);
		if (r == 0)
			r = sw_cgroup_write_limits(leaf, &spec->limits, err);
		if (r == 0)
			r = memory_hierarchical(leaf, err);
		if (r == 0)
			r = make_jail_leaf(host, leaf, err);
		if (r == 0 && leaf->v2)
			r = open_v2_fd(cg, leaf, err);
	}
	if (r < 0) {
		sw_cgroup_destroy(cg, NULL);
		return r;
	}
	*out = cg;
	return 0;
}

static int build(const struct sw_cgroup_host *host, const sw_spec *spec,
		 unsigned need, struct sw_cgroup **out, sw_error *err)
{
	struct sw_cgroup_layout lay;
	int r = sw_cgroup_discover(host, &lay, err);
	if (r < 0)
		return r;
	struct target t[SW_CGROUP_MAX_LEAVES];
	size_t nt = 0;
	r = plan(&lay, need, t, &nt, err);
	if (r == 0)
		r = check_writable(&lay, t, nt, err);
	if (r == 0)
		r = create_all(host, spec, t, nt, out, err);
	sw_cgroup_layout_free(&lay);
	return r;
}

int sw_cgroup_prepare_at(const struct sw_cgroup_host *host,
			 const sw_spec *spec, struct sw_cgroup **out,
			 char *warning, size_t warning_len, sw_error *err)
{
	*out = NULL;
	if (warning && warning_len)
		warning[0] = 0;
	unsigned need = needed_ctls(&spec->limits);
	if (!spec->cgroup_id)
		return need ? sw_error_set(err, EINVAL,
					   "cgroup: limits (--memory-max, --cpu-max, ...) need --cgroup ID")
			    : 0;
	/* A bad name is the caller's mistake, never excused by optional. */
	int r = sw_cgroup_check_names(spec->cgroup_id, spec->cgroup_parent, err);
	if (r < 0)
		return r;
	sw_error mine = { 0 };
	r = build(host, spec, need, out, &mine);
	if (r < 0 && spec->cgroup_optional) {
		/* The VM launcher's behaviour: warn, run unconfined. */
		if (warning && warning_len)
			snprintf(warning, warning_len,
				 "running without a cgroup (--cgroup-optional): %s",
				 mine.msg + (strncmp(mine.msg, "cgroup: ", 8) ? 0 : 8));
		return 0;
	}
	if (r < 0 && err)
		*err = mine;
	return r;
}

int sw_cgroup_prepare(const sw_spec *spec, struct sw_cgroup **out,
		      char *warning, size_t warning_len, sw_error *err)
{
	return sw_cgroup_prepare_at(NULL, spec, out, warning, warning_len, err);
}
