/* discover.c — which cgroup hierarchies are mounted, what they offer, and
 * where the caller sits in each: /proc/self/mountinfo (through libmount)
 * and /proc/self/cgroup. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount/libmount.h"

static const char *or_default(const char *v, const char *def)
{
	return v ? v : def;
}

/* The controllers named in a v1 mount's options ("rw,cpu,cpuacct"). */
static unsigned v1_ctls(const struct sw_libmount *lm, struct libmnt_fs *fs)
{
	const char *opts = lm->fs_get_fs_options(fs);
	if (!opts)
		return 0;
	char *copy = strdup(opts), *p = copy, *name, *val;
	size_t nsz, vsz;
	unsigned ctls = 0;
	while (p && lm->optstr_next_option(&p, &name, &nsz, &val, &vsz) == 0) {
		if (val) /* name=systemd and the like: not a controller */
			continue;
		char save = name[nsz];
		name[nsz] = 0;
		ctls |= sw_cgroup_parse_ctls(name);
		name[nsz] = save;
	}
	free(copy);
	return ctls;
}

/* The path in /proc/self/cgroup for a hierarchy: "0::" for cgroup2, the
 * line naming one of ctls for v1. malloc'd, NULL when absent. */
static char *self_path(const char *self_file, bool v2, unsigned ctls)
{
	FILE *f = fopen(self_file, "re");
	if (!f)
		return NULL;
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!found && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = 0;
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = 0; /* "ID", "controllers", "path" */
		bool match = v2 ? strcmp(line, "0") == 0 && c1[1] == 0
				: (sw_cgroup_parse_ctls(c1 + 1) & ctls) != 0;
		if (match)
			found = strdup(c2 + 1);
	}
	free(line);
	fclose(f);
	return found;
}

/* mount point + (cgroup path relative to the mount's root), or NULL when
 * the caller's cgroup is outside what this mount shows. */
static char *self_dir(const char *mount, const char *mnt_root,
		      const char *path)
{
	size_t rl = strcmp(mnt_root, "/") == 0 ? 0 : strlen(mnt_root);
	if (!path || strncmp(path, mnt_root, rl) != 0 ||
	    (path[rl] != '/' && path[rl] != 0))
		return NULL;
	const char *rest = path + rl;
	if (strcmp(rest, "/") == 0)
		rest = "";
	char *dir;
	return asprintf(&dir, "%s%s", mount, rest) < 0 ? NULL : dir;
}

/* Is dir delegated to uid? systemd (and an admin following its model)
 * chowns a delegated cgroup's directory and its cgroup.procs. */
static bool owned_by(const char *dir, unsigned uid)
{
	char procs[PATH_MAX];
	struct stat st;
	if ((size_t)snprintf(procs, sizeof procs, "%s/cgroup.procs", dir) >= sizeof procs)
		return false;
	return stat(dir, &st) == 0 && st.st_uid == uid &&
	       stat(procs, &st) == 0 && st.st_uid == uid;
}

/* Rootless jails go below the top of the caller's delegated subtree: from
 * self, up while the parent is delegated to the same uid, never above the
 * mount. Under systemd that is user@UID.service (a `systemd-run --user
 * --scope -p Delegate=yes` scope sits below it), so --cgroup-parent names
 * the same layout for root and rootless launchers. malloc'd. */
static char *delegation_top(const char *mount, const char *self, unsigned uid)
{
	char *top = strdup(self);
	size_t ml = strlen(mount);
	while (top && strlen(top) > ml) {
		char *slash = strrchr(top, '/');
		if (!slash || (size_t)(slash - top) < ml)
			break;
		*slash = 0;
		if (!owned_by(top, uid)) {
			*slash = '/';
			break;
		}
	}
	return top;
}

static bool overlaps_known(const struct sw_cgroup_layout *l, bool v2,
			   unsigned ctls)
{
	for (size_t i = 0; i < l->n; i++)
		if (v2 ? l->h[i].v2 : (!l->h[i].v2 && (l->h[i].ctls & ctls)))
			return true;
	return false;
}

static int add_hier(const struct sw_libmount *lm, struct sw_cgroup_layout *l,
		    const struct sw_cgroup_host *host, struct libmnt_fs *fs, bool v2)
{
	unsigned ctls = v2 ? 0 : v1_ctls(lm, fs);
	/* The same hierarchy may be mounted twice: keep the first. v1
	 * hierarchies without a controller we use are of no interest. */
	if ((!v2 && !ctls) || overlaps_known(l, v2, ctls) ||
	    l->n == SW_CGROUP_MAX_HIER)
		return 0;
	struct sw_cgroup_hier *h = &l->h[l->n];
	const char *prefix = host && host->prefix ? host->prefix : "";
	if (asprintf(&h->mount, "%s%s", prefix, lm->fs_get_target(fs)) < 0)
		return -ENOMEM;
	l->n++;
	h->v2 = v2;
	h->ctls = ctls;
	char *path = self_path(or_default(host ? host->self_cgroup : NULL,
					  "/proc/self/cgroup"), v2, ctls);
	h->self = self_dir(h->mount, or_default(lm->fs_get_root(fs), "/"), path);
	free(path);
	unsigned owner = host && host->owner ? host->owner : (unsigned)geteuid();
	if (!l->rootless)
		h->base = strdup(h->mount);
	else if (h->self)
		h->base = delegation_top(h->mount, h->self, owner);
	if ((l->rootless ? h->self : h->mount) && !h->base)
		return -ENOMEM;
	if (v2 && h->base) {
		char buf[1024];
		if (sw_cgroup_read(h->base, "cgroup.controllers", buf, sizeof buf) >= 0)
			h->ctls = sw_cgroup_parse_ctls(buf) & ~SW_CGC_FREEZER;
	}
	return 0;
}

static int walk_mounts(const struct sw_libmount *lm, struct libmnt_table *tb,
		       const struct sw_cgroup_host *host, struct sw_cgroup_layout *out)
{
	struct libmnt_iter *it = lm->new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	struct libmnt_fs *fs;
	int r = 0;
	while (r == 0 && lm->table_next_fs(tb, it, &fs) == 0) {
		const char *type = lm->fs_get_fstype(fs);
		if (type && strcmp(type, "cgroup2") == 0)
			r = add_hier(lm, out, host, fs, true);
		else if (type && strcmp(type, "cgroup") == 0)
			r = add_hier(lm, out, host, fs, false);
	}
	lm->free_iter(it);
	return r;
}

int sw_cgroup_discover(const struct sw_cgroup_host *host,
		       struct sw_cgroup_layout *out, sw_error *err)
{
	memset(out, 0, sizeof *out);
	int rootless = host ? host->rootless : -1;
	out->rootless = rootless < 0 ? geteuid() != 0 : rootless != 0;
	const char *mi = or_default(host ? host->mountinfo : NULL,
				    "/proc/self/mountinfo");
	const struct sw_libmount *lm = sw_libmount_load(err);
	if (!lm)
		return -ELIBACC;
	struct libmnt_table *tb = lm->new_table_from_file(mi);
	if (!tb)
		return sw_error_set(err, EIO, "cgroup: cannot read the mount table %s", mi);
	int r = walk_mounts(lm, tb, host, out);
	lm->unref_table(tb);
	if (r < 0) {
		sw_cgroup_layout_free(out);
		return sw_error_set(err, -r, "cgroup: out of memory");
	}
	return 0;
}

void sw_cgroup_layout_free(struct sw_cgroup_layout *layout)
{
	for (size_t i = 0; i < layout->n; i++) {
		free(layout->h[i].mount);
		free(layout->h[i].self);
		free(layout->h[i].base);
	}
	layout->n = 0;
}

const struct sw_cgroup_hier *sw_cgroup_layout_find(
	const struct sw_cgroup_layout *layout, bool v2, unsigned ctl)
{
	for (size_t i = 0; i < layout->n; i++) {
		const struct sw_cgroup_hier *h = &layout->h[i];
		if (v2 ? h->v2 : (!h->v2 && (h->ctls & ctl)))
			return h;
	}
	return NULL;
}
