/* preflight.c — see preflight.h.
 *
 * The verdict comes from the probes (a child really calls unshare), not
 * from the sysctls: a sysctl only explains a failure and names its fix. A
 * restrictive sysctl that didn't stop the probe (root, or an AppArmor
 * profile already in place) is a warning, not a failure.
 */
#include "ns/preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/landlock.h>
#include <linux/mount.h>

#include "cgroup/cgroup.h"

/* What every check may look at: the paths, and the probes' results. */
struct pf_ctx {
	struct sw_pf_opts o;
	struct sw_pf_report *r;
	int userns_err; /* unshare(CLONE_NEWUSER|CLONE_NEWNS) */
	int mntns_err;  /* unshare(CLONE_NEWNS) alone: 0 when privileged */
	struct sw_pf_check spare; /* written only if the table were full */
};

const char *sw_preflight_status_name(enum sw_pf_status s)
{
	return s == SW_PF_PASS ? "PASS" : s == SW_PF_WARN ? "WARN" : "FAIL";
}

/* Appends a check; returns it so the caller may fill in the fix. */
static struct sw_pf_check *add(struct pf_ctx *c, const char *name,
			       enum sw_pf_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct sw_pf_check *add(struct pf_ctx *c, const char *name,
			       enum sw_pf_status st, const char *fmt, ...)
{
	struct sw_pf_check *k = c->r->n < SW_PF_MAX ? &c->r->checks[c->r->n++]
						    : &c->spare;
	va_list ap;
	k->name = name;
	k->status = st;
	k->fix[0] = 0;
	va_start(ap, fmt);
	vsnprintf(k->detail, sizeof k->detail, fmt, ap);
	va_end(ap);
	return k;
}

static void set_fix(struct sw_pf_check *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_fix(struct sw_pf_check *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->fix, sizeof k->fix, fmt, ap);
	va_end(ap);
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	while (n + 1 < len) {
		ssize_t got = read(fd, buf + n, len - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = 0;
	return (int)n;
}

/* Reads a numeric sysctl under the proc_sys root: 0, or -errno. */
static int read_sysctl(const struct pf_ctx *c, const char *rel, long *val)
{
	char path[512], buf[64], *end;
	snprintf(path, sizeof path, "%s/%s", c->o.proc_sys, rel);
	int n = read_file(path, buf, sizeof buf);
	if (n < 0)
		return n;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (end == buf || errno)
		return -EINVAL;
	return 0;
}

int sw_preflight_probe(int unshare_flags)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(unshare(unshare_flags) < 0 ? (errno & 0xff) : 0);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(st))
		return -ECHILD;
	return -WEXITSTATUS(st);
}

/* ---- user namespaces ----------------------------------------------- */

/* A setting that refuses user namespaces to unprivileged users: a failure
 * only when it actually stopped us (we have no user namespace, and aren't
 * privileged enough to jail without one). */
static enum sw_pf_status blocking(const struct pf_ctx *c)
{
	return c->userns_err == 0 || c->mntns_err == 0 ? SW_PF_WARN : SW_PF_FAIL;
}

static void check_max_userns(struct pf_ctx *c)
{
	long v;
	int e = read_sysctl(c, "user/max_user_namespaces", &v);
	if (e < 0) {
		struct sw_pf_check *k = add(c, "userns.max", blocking(c),
			"user.max_user_namespaces: can't read (%s)", strerror(-e));
		set_fix(k, "the kernel needs CONFIG_USER_NS=y");
		return;
	}
	if (v > 0) {
		add(c, "userns.max", SW_PF_PASS, "user.max_user_namespaces = %ld", v);
		return;
	}
	struct sw_pf_check *k = add(c, "userns.max", blocking(c),
		"user.max_user_namespaces = %ld: no user namespace can be made", v);
	set_fix(k, "sysctl -w user.max_user_namespaces=15000 (and put "
		"user.max_user_namespaces = 15000 in /etc/sysctl.d/90-swrap.conf)");
}

static void check_unpriv_clone(struct pf_ctx *c)
{
	long v;
	int e = read_sysctl(c, "kernel/unprivileged_userns_clone", &v);
	if (e == -ENOENT) {
		add(c, "userns.unprivileged_clone", SW_PF_PASS,
		    "kernel.unprivileged_userns_clone: not present (no such restriction)");
		return;
	}
	if (e == 0 && v != 0) {
		add(c, "userns.unprivileged_clone", SW_PF_PASS,
		    "kernel.unprivileged_userns_clone = %ld", v);
		return;
	}
	struct sw_pf_check *k = add(c, "userns.unprivileged_clone", blocking(c),
		e ? "kernel.unprivileged_userns_clone: unreadable"
		  : "kernel.unprivileged_userns_clone = 0: only root may make user namespaces");
	set_fix(k, "sysctl -w kernel.unprivileged_userns_clone=1 (and put "
		"kernel.unprivileged_userns_clone = 1 in /etc/sysctl.d/90-swrap.conf)");
}

static void check_apparmor(struct pf_ctx *c)
{
	long v;
	int e = read_sysctl(c, "kernel/apparmor_restrict_unprivileged_userns", &v);
	if (e == -ENOENT || (e == 0 && v == 0)) {
		add(c, "userns.apparmor", SW_PF_PASS,
		    e ? "kernel.apparmor_restrict_unprivileged_userns: not present"
		      : "kernel.apparmor_restrict_unprivileged_userns = 0");
		return;
	}
	const char *exe = c->o.exe;
	struct sw_pf_check *k = add(c, "userns.apparmor", blocking(c),
		"kernel.apparmor_restrict_unprivileged_userns = %ld: AppArmor "
		"refuses user namespaces to unconfined programs", e ? -1L : v);
	set_fix(k, "allow %s with an AppArmor profile: write /etc/apparmor.d/swrap:\n"
		"abi <abi/4.0>,\n"
		"include <tunables/global>\n"
		"profile swrap %s flags=(unconfined) {\n"
		"  userns,\n"
		"}\n"
		"then run: apparmor_parser -r /etc/apparmor.d/swrap", exe, exe);
}

static const char *userns_fix(int err)
{
	switch (err) {
	case ENOSPC:
		return "user.max_user_namespaces is 0 or used up: sysctl -w "
		       "user.max_user_namespaces=15000";
	case EINVAL:
		return "the kernel needs CONFIG_USER_NS=y";
	case ENOSYS:
		return "a seccomp filter hides unshare(): run the container with "
		       "a profile that allows it (Docker: --security-opt seccomp=unconfined)";
	default:
		return "user namespaces are refused: see userns.unprivileged_clone and "
		       "userns.apparmor above; in a container, its seccomp profile "
		       "(Docker: --security-opt seccomp=unconfined) or a missing "
		       "uid mapping for this user";
	}
}

static void check_userns_probe(struct pf_ctx *c)
{
	if (c->userns_err == 0) {
		add(c, "userns", SW_PF_PASS,
		    "unshare(CLONE_NEWUSER|CLONE_NEWNS) works in a child");
		return;
	}
	struct sw_pf_check *k = add(c, "userns",
		c->mntns_err == 0 ? SW_PF_WARN : SW_PF_FAIL,
		"unshare(CLONE_NEWUSER|CLONE_NEWNS): %s%s", strerror(-c->userns_err),
		c->mntns_err == 0 ? " (root can jail without one)" : "");
	set_fix(k, "%s", userns_fix(-c->userns_err));
}

static void check_mntns(struct pf_ctx *c)
{
	if (c->mntns_err == 0) {
		add(c, "mountns", SW_PF_PASS, "unshare(CLONE_NEWNS) works (privileged)");
	} else if (c->userns_err == 0) {
		add(c, "mountns", SW_PF_PASS, "works inside a user namespace");
	} else {
		struct sw_pf_check *k = add(c, "mountns", SW_PF_FAIL,
			"no mount namespace: unshare(CLONE_NEWNS): %s, and no user namespace",
			strerror(-c->mntns_err));
		set_fix(k, "make user namespaces work (see userns), or run as root");
	}
}

/* ---- system calls -------------------------------------------------- */

/* Calls that only fail: sizes and fds no kernel accepts. Returns -errno. */
static int try_clone3(void)
{
	uint64_t args[16] = { 0 };
	long rc = syscall(SYS_clone3, args, (size_t)1);
	return rc < 0 ? -errno : 0;
}

static void check_clone3(struct pf_ctx *c)
{
	int e = try_clone3();
	if (e == -EINVAL || e == 0) {
		add(c, "clone3", SW_PF_PASS, "clone3() available");
		return;
	}
	struct sw_pf_check *k = add(c, "clone3", SW_PF_WARN,
		"clone3(): %s: swrap falls back to clone()", strerror(-e));
	set_fix(k, "%s", e == -ENOSYS ? "nothing needed; for CLONE_INTO_CGROUP "
		"and pidfds use Linux >= 5.7 (or a seccomp profile that allows clone3)"
		: "a seccomp filter refuses clone3: allow it in the container's profile");
}

/* Only ENOSYS means "absent": without privilege these calls answer EPERM
 * here, and the jail's user namespace gives that privilege. */
static int try_mount_api(const char **which)
{
	*which = "open_tree";
	long fd = syscall(SYS_open_tree, -1, "", AT_EMPTY_PATH | OPEN_TREE_CLOEXEC);
	if (fd >= 0)
		close((int)fd);
	else if (errno == ENOSYS)
		return -errno;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	*which = "mount_setattr";
	if (syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0 &&
	    errno == ENOSYS)
		return -errno;
	return 0;
}

static void check_mount_api(struct pf_ctx *c)
{
	const char *which;
	int e = try_mount_api(&which);
	if (e == 0) {
		add(c, "mount_api", SW_PF_PASS, "open_tree() and mount_setattr() available");
		return;
	}
	struct sw_pf_check *k = add(c, "mount_api", SW_PF_WARN,
		"%s(): %s: swrap falls back to mount(2) and a mountinfo walk",
		which, strerror(-e));
	set_fix(k, "nothing needed; recursive read-only in one call needs Linux >= 5.12");
}

static void check_seccomp(struct pf_ctx *c)
{
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (mode < 0) {
		struct sw_pf_check *k = add(c, "seccomp", SW_PF_WARN,
			"prctl(PR_GET_SECCOMP): %s: no seccomp filters", strerror(errno));
		set_fix(k, "the kernel needs CONFIG_SECCOMP_FILTER=y for --seccomp");
		return;
	}
	if (mode == 0) {
		add(c, "seccomp", SW_PF_PASS, "available; this process is not filtered");
		return;
	}
	struct sw_pf_check *k = add(c, "seccomp", SW_PF_WARN,
		"this process already runs under a seccomp filter (mode %d): "
		"some calls may answer ENOSYS or EPERM", mode);
	set_fix(k, "if a check above fails, allow clone3/unshare/mount in the "
		"container's seccomp profile");
}

static void check_landlock(struct pf_ctx *c)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi >= 1) {
		add(c, "landlock", SW_PF_PASS, "Landlock ABI %ld: --landlock "
		    "works", abi);
		return;
	}
	int e = errno;
	struct sw_pf_check *k = add(c, "landlock", SW_PF_WARN,
		"landlock_create_ruleset(): %s: --landlock fails here "
		"(--landlock-try runs without it)", strerror(e));
	set_fix(k, "%s", e == EOPNOTSUPP ? "Landlock is built but off: add landlock "
		"to the lsm= kernel parameter" : "the kernel needs CONFIG_SECURITY_LANDLOCK=y");
}

/* ---- devices ------------------------------------------------------- */

static void check_device(struct pf_ctx *c, const char *name, const char *rel,
			 const char *absent_fix)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", c->o.dev, rel);
	if (access(path, R_OK | W_OK) == 0) {
		add(c, name, SW_PF_PASS, "%s: read/write", path);
		return;
	}
	int e = errno;
	struct sw_pf_check *k = add(c, name, SW_PF_WARN, "%s: %s", path,
		e == ENOENT ? "absent" : strerror(e));
	if (e == ENOENT)
		set_fix(k, "%s", absent_fix);
	else
		set_fix(k, "give uid %u read/write access (e.g. add it to the "
			"device's group: ls -l %s)", (unsigned)geteuid(), path);
}

/* ---- cgroups ------------------------------------------------------- */

/* The controllers swrap's limits need, in the order of struct cg fields. */
static const char *const cg_ctl[3] = { "memory", "pids", "cpu" };

struct cg_mnt {
	char path[256], root[256], opts[256];
	bool v2;
};

struct cg {
	struct cg_mnt m[32];
	int n;
	int v2;            /* index in m, or -1 */
	int v1[3];         /* per controller: index in m, or -1 */
	bool in_v2[3];     /* controller enabled in cgroup2 */
};

/* Is tok one of the sep-separated words of list? */
static bool has_word(const char *list, const char *tok, char sep)
{
	size_t n = strlen(tok);
	for (const char *p = list; p && *p; p = strchr(p, sep), p = p ? p + 1 : p)
		if (!strncmp(p, tok, n) && (p[n] == sep || p[n] == 0 || p[n] == '\n'))
			return true;
	return false;
}

/* "36 25 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory" */
static void parse_mount_line(struct cg *g, char *line)
{
	struct cg_mnt *m = &g->m[g->n];
	char fstype[32];
	const char *dash = strstr(line, " - ");
	if (!dash || g->n >= (int)(sizeof g->m / sizeof g->m[0]))
		return;
	if (sscanf(line, "%*d %*d %*s %255s %255s", m->root, m->path) != 2 ||
	    sscanf(dash + 3, "%31s %*s %255s", fstype, m->opts) < 2)
		return;
	m->v2 = !strcmp(fstype, "cgroup2");
	if (m->v2 || !strcmp(fstype, "cgroup"))
		g->n++;
}

static bool read_lines(const char *dir, const char *rel, struct cg *g,
		       void (*fn)(struct cg *, char *))
{
	char path[512], *line = NULL;
	size_t cap = 0;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0)
		fn(g, line);
	free(line);
	fclose(f);
	return true;
}

/* Finds the hierarchies and, for each controller, who provides it. */
static bool cg_discover(const struct pf_ctx *c, struct cg *g)
{
	memset(g, 0, sizeof *g);
	g->v2 = -1;
	if (!read_lines(c->o.proc_self, "mountinfo", g, parse_mount_line))
		return false;
	for (int i = 0; i < 3; i++)
		g->v1[i] = -1;
	for (int j = 0; j < g->n; j++) {
		if (g->m[j].v2 && g->v2 < 0)
			g->v2 = j;
		for (int i = 0; i < 3 && !g->m[j].v2; i++)
			if (g->v1[i] < 0 && has_word(g->m[j].opts, cg_ctl[i], ','))
				g->v1[i] = j;
	}
	return true;
}

/* Appends ", item" (or just item) to list, truncating. */
static void append(char *list, size_t len, const char *item)
{
	size_t n = strlen(list);
	if (n && n + 2 < len) {
		memcpy(list + n, ", ", 3);
		n += 2;
	}
	if (n + 1 < len)
		snprintf(list + n, len - n, "%.*s", (int)(len - n - 1), item);
}

static void check_cgroup_v2(struct pf_ctx *c, struct cg *g)
{
	if (g->v2 < 0) {
		struct sw_pf_check *k = add(c, "cgroup.v2", SW_PF_WARN,
					    "no cgroup2 mount");
		set_fix(k, "for cgroup v2 limits boot with systemd.unified_cgroup_hierarchy=1");
		return;
	}
	char path[512], ctl[200];
	snprintf(path, sizeof path, "%s/cgroup.controllers", g->m[g->v2].path);
	if (read_file(path, ctl, sizeof ctl) < 0)
		ctl[0] = 0;
	ctl[strcspn(ctl, "\n")] = 0;
	char missing[64] = "";
	for (int i = 0; i < 3; i++) {
		g->in_v2[i] = has_word(ctl, cg_ctl[i], ' ');
		if (!g->in_v2[i])
			append(missing, sizeof missing, cg_ctl[i]);
	}
	if (!missing[0]) {
		add(c, "cgroup.v2", SW_PF_PASS, "cgroup2 at %s, controllers: %s",
		    g->m[g->v2].path, ctl);
		return;
	}
	struct sw_pf_check *k = add(c, "cgroup.v2", SW_PF_WARN,
		"cgroup2 at %s, controllers: %s; missing: %s", g->m[g->v2].path,
		ctl[0] ? ctl : "(none)", missing);
	set_fix(k, "a hybrid hierarchy: the missing controllers are used through "
		"cgroup v1 (see cgroup.v1); for pure v2 boot with "
		"systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all");
}

static void check_cgroup_v1(struct pf_ctx *c, const struct cg *g)
{
	char used[256] = "", absent[64] = "";
	for (int i = 0; i < 3; i++) {
		if (g->in_v2[i])
			continue;
		char item[300];
		snprintf(item, sizeof item, "%s at %.256s", cg_ctl[i],
			 g->v1[i] >= 0 ? g->m[g->v1[i]].path : "");
		if (g->v1[i] >= 0)
			append(used, sizeof used, item);
		else
			append(absent, sizeof absent, cg_ctl[i]);
	}
	if (!used[0] && !absent[0]) {
		add(c, "cgroup.v1", SW_PF_PASS, "not needed: cgroup2 has memory, pids, cpu");
	} else if (!absent[0]) {
		add(c, "cgroup.v1", SW_PF_PASS, "v1 fallback in use: %s", used);
	} else {
		struct sw_pf_check *k = add(c, "cgroup.v1", SW_PF_WARN,
			"no %s controller in v2 or v1%s%s: those limits can't be set",
			absent, used[0] ? "; v1 fallback in use: " : "", used);
		set_fix(k, "mount the controller (v1) or enable it in the parent's "
			"cgroup.subtree_control (v2)");
	}
}

/* Would a jail with limits work? Only trying tells (cgroup2's rules on
 * processes and controllers can't be read off permissions): the trial
 * makes and removes a throwaway jail cgroup (src/cgroup/trial.c). */
static void check_cgroup_delegation(struct pf_ctx *c)
{
	char detail[sizeof c->r->checks[0].detail], fix[sizeof c->r->checks[0].fix];
	int st = c->o.cgroup_trial(detail, sizeof detail, fix, sizeof fix);
	struct sw_pf_check *k = add(c, "cgroup.delegation",
				    st == 0 ? SW_PF_PASS : st == 1 ? SW_PF_WARN : SW_PF_FAIL,
				    "%s", detail);
	if (fix[0])
		set_fix(k, "%s", fix);
}

static int real_trial(char *detail, size_t dlen, char *fix, size_t flen)
{
	return sw_cgroup_trial_at(NULL, detail, dlen, fix, flen);
}

static void check_cgroups(struct pf_ctx *c)
{
	struct cg *g = calloc(1, sizeof *g);
	if (!g || !cg_discover(c, g)) {
		const char *why = g ? "can't read mountinfo" : "out of memory";
		add(c, "cgroup.v2", SW_PF_WARN, "%s", why);
		add(c, "cgroup.v1", SW_PF_WARN, "%s", why);
		free(g);
		check_cgroup_delegation(c);
		return;
	}
	check_cgroup_v2(c, g);
	check_cgroup_v1(c, g);
	free(g);
	check_cgroup_delegation(c);
}

/* ---- the whole run ------------------------------------------------- */

static void defaults(struct sw_pf_opts *o, const struct sw_pf_opts *in)
{
	*o = in ? *in : (struct sw_pf_opts){ 0 };
	if (!o->proc_sys)
		o->proc_sys = "/proc/sys";
	if (!o->proc_self)
		o->proc_self = "/proc/self";
	if (!o->dev)
		o->dev = "/dev";
	if (!o->exe)
		o->exe = "/usr/bin/swrap";
	if (!o->probe)
		o->probe = sw_preflight_probe;
	if (!o->cgroup_trial)
		o->cgroup_trial = real_trial;
}

void sw_preflight_run(const struct sw_pf_opts *opts, struct sw_pf_report *out)
{
	struct pf_ctx c = { .r = out };
	memset(out, 0, sizeof *out);
	defaults(&c.o, opts);
	c.userns_err = c.o.probe(CLONE_NEWUSER | CLONE_NEWNS);
	c.mntns_err = c.o.probe(CLONE_NEWNS);
	check_max_userns(&c);
	check_unpriv_clone(&c);
	check_apparmor(&c);
	check_userns_probe(&c);
	check_mntns(&c);
	check_clone3(&c);
	check_mount_api(&c);
	check_cgroups(&c);
	check_device(&c, "kvm", "kvm", "no KVM here: load kvm_intel or kvm_amd, "
		     "or enable nested virtualization for this VM");
	check_device(&c, "tun", "net/tun", "modprobe tun");
	check_seccomp(&c);
	check_landlock(&c);
	out->jail_ok = c.mntns_err == 0 || c.userns_err == 0;
}
