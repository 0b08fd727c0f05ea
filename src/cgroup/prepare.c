/* prepare.c — a jail's cgroups, made before the clone: choose a hierarchy
 * for each controller the limits need, create <parent>/<id> there, enable
 * the controllers on the way down, write the limits. When a step fails,
 * everything made so far is removed again. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	 * that keeps forking. */
	const struct sw_cgroup_hier *fz =
		v2 ? NULL : sw_cgroup_layout_find(l, false, SW_CGC_FREEZER);
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

static int enable_ctls(const char *dir, unsigned ctls, sw_error *err)
{
	char have[1024], list[128];
	if (!ctls)
		return 0;
	ssize_t n = sw_cgroup_read(dir, "cgroup.subtree_control", have, sizeof have);
	if (n < 0)
		return sw_cgroup_fail(err, (int)-n, "cgroup: reading %s/cgroup.subtree_control", dir);
	unsigned missing = ctls & ~sw_cgroup_parse_ctls(have);
	if (!missing)
		return 0;
	sw_error e = { 0 };
	int r = sw_cgroup_write(dir, "cgroup.subtree_control",
				sw_cgroup_format_ctls(missing, "+", list, sizeof list), &e);
	if (r == -EBUSY)
		return sw_error_set(err, EBUSY,
				    "%s (cgroup2 enables controllers only below a cgroup without processes of its own: start swrap from another cgroup, or choose another --cgroup-parent)",
				    e.msg);
	if (r < 0 && err)
		*err = e;
	return r;
}

static int do_mkdir(const struct sw_cgroup_host *host, const char *path)
{
	if (host && host->mkdir)
		return host->mkdir(path, host->arg);
	return mkdir(path, 0755);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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
			  struct sw_cgroup_leaf *leaf, size_t base_len,
			  sw_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", leaf->path);
	char *slash = path + base_len;
	for (unsigned i = 0; i < leaf->ncomp; i++) {
		bool last = i + 1 == leaf->ncomp;
		*slash = 0;
		int r = enable_ctls(path, leaf->v2 ? leaf->ctls : 0, err);
		*slash = '/';
		if (r < 0)
			return r;
		char *next = strchr(slash + 1, '/');
		if (next)
			*next = 0;
		int e = do_mkdir(host, path) == 0 ? 0 : errno;
		if (e == 0)
			leaf->made |= 1ull << i;
		else if (e == ENOENT && i > 0)
			return -ENOENT;
		else if (e != EEXIST || last || !is_dir(path))
			return mkdir_failed(path, last, e, err);
		if (next)
			*next = '/';
		slash = next;
	}
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
		     struct sw_cgroup_leaf *leaf, const char *base,
		     const char *rel, sw_error *err)
{
	if (asprintf(&leaf->path, "%s/%s", base, rel) < 0) {
		leaf->path = NULL;
		return sw_error_set(err, ENOMEM, "cgroup: out of memory");
	}
	if (strlen(leaf->path) >= PATH_MAX)
		return sw_error_set(err, ENAMETOOLONG, "cgroup: path too long: %s",
				    leaf->path);
	int r = -ENOENT;
	for (int try = 0; r == -ENOENT && try < 5; try++) {
		if (try > 0)
			unmake(cg, leaf);
		r = make_leaf_once(host, leaf, strlen(base), err);
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
	cg->v2_fd = open(leaf->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->v2_fd < 0)
		return sw_cgroup_fail(err, errno, "cgroup: opening %s", leaf->path);
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
		r = make_leaf(host, cg, leaf, t[i].h->base, rel, err);
		if (r == 0)
			r = sw_cgroup_write_limits(leaf, &spec->limits, err);
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
		/* The reference launcher's behaviour: warn, run unconfined. */
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
