/* test_cgroup_host.c — src/cgroup on this host's real cgroups, as root:
 * create, limit, join (CLONE_INTO_CGROUP through a raw clone3, then
 * sw_cgroup_attach for v1), kill and remove, in cgroup2 and in the v1
 * hierarchies (each kill path: cgroup.kill, v1 freezer, signals alone).
 * Every directory is named swtest*; the last test checks none is left. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup/cgroup.h"

#define PARENT "swtest-cgp" /* every directory here is swtest-cg* */

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
}

static sw_spec spec_for(const char *id, const struct sw_limits *l)
{
	sw_spec s;
	memset(&s, 0, sizeof s);
	s.cgroup_id = (char *)id;
	s.cgroup_parent = (char *)PARENT;
	if (l)
		s.limits = *l;
	return s;
}

static struct sw_cgroup *make(const struct sw_cgroup_host *host,
			      const char *id, const struct sw_limits *l)
{
	sw_spec s = spec_for(id, l);
	struct sw_cgroup *cg = NULL;
	sw_error e = { 0 };
	int r = sw_cgroup_prepare_at(host, &s, &cg, NULL, 0, &e);
	if (r < 0)
		fail_msg("prepare %s: %s", id, e.msg);
	assert_non_null(cg);
	return cg;
}

static const char *get(const char *dir, const char *file)
{
	static char buf[4096];
	ssize_t n = sw_cgroup_read(dir, file, buf, sizeof buf);
	if (n < 0)
		fail_msg("reading %s/%s: %s", dir, file, strerror((int)-n));
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return buf;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* All leaf paths of cg (copied: destroy frees them). */
static int leaf_paths(struct sw_cgroup *cg, char paths[][PATH_MAX])
{
	int n = 0;
	for (size_t i = 0; i < cg->n; i++)
		snprintf(paths[n++], PATH_MAX, "%s", cg->leaf[i].path);
	return n;
}

/* Reaps every child that has ended (we are a subreaper: the jail's
 * orphans come to us). */
static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ---- a process in the cgroup, the way spawn does it -------------------- */

typedef int (*child_fn)(void *arg);

static pid_t clone3_into(int cgroup_fd, int *pidfd)
{
	struct clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
	a.pidfd = (uint64_t)(uintptr_t)pidfd;
	a.exit_signal = SIGCHLD;
	a.cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0;
	return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

/* clone3 into the cgroup2 leaf, sw_cgroup_attach for the rest, then "go":
 * fn runs fully joined. Returns the pid; *pidfd for waiting. */
static pid_t start_in(struct sw_cgroup *cg, child_fn fn, void *arg, int *pidfd)
{
	int go[2];
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	int fd = sw_cgroup_clone_fd(cg);
	pid_t pid = clone3_into(fd, pidfd);
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(120);
		_exit(fn(arg));
	}
	close(go[0]);
	sw_error e = { 0 };
	if (sw_cgroup_attach(cg, pid, fd >= 0, &e) < 0)
		fail_msg("attach: %s", e.msg);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	return pid;
}

static int wait_code(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- discovery ------------------------------------------------------- */

static bool mountinfo_has(const char *fstype_field)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	assert_non_null(f);
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, fstype_field) != NULL;
	fclose(f);
	return found;
}

static void test_real_discover(void **state)
{
	(void)state;
	need_root();
	struct sw_cgroup_layout l;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_discover(NULL, &l, &e), 0);
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(&l, true, 0);
	assert_int_equal(v2 != NULL, mountinfo_has(" - cgroup2 "));
	char buf[128];
	for (size_t i = 0; i < l.n; i++) {
		const struct sw_cgroup_hier *h = &l.h[i];
		assert_true(is_dir(h->mount));
		assert_string_equal(h->base, h->mount); /* root: the hierarchy root */
		print_message("  %s %s: %s (self %s)\n", h->v2 ? "cgroup2" : "v1",
			      sw_cgroup_format_ctls(h->ctls, "", buf, sizeof buf),
			      h->mount, h->self ? h->self : "-");
	}
	/* every controller we use is somewhere: in cgroup2 or in v1, not both */
	unsigned all[] = { SW_CGC_MEMORY, SW_CGC_CPU, SW_CGC_PIDS };
	for (size_t i = 0; i < 3; i++) {
		bool in_v2 = v2 && (v2->ctls & all[i]);
		bool in_v1 = sw_cgroup_layout_find(&l, false, all[i]) != NULL;
		assert_true(in_v2 || in_v1);
		assert_false(in_v2 && in_v1);
	}
	sw_cgroup_layout_free(&l);
}

/* ---- create, limit, remove ---------------------------------------------- */

static void test_real_limits(void **state)
{
	(void)state;
	need_root();
	struct sw_limits l = { .memory_max = 64 << 20, .memory_high = 32 << 20,
			       .cpu_quota = 50000, .cpu_period = 100000,
			       .cpu_weight = 200, .pids_max = 16 };
	struct sw_cgroup *cg = make(NULL, "swtest-cg-limits", &l);
	const char *v2 = sw_cgroup_path(cg, 0);
	const char *mem = sw_cgroup_path(cg, SW_CGC_MEMORY);
	const char *cpu = sw_cgroup_path(cg, SW_CGC_CPU);
	const char *pids = sw_cgroup_path(cg, SW_CGC_PIDS);
	assert_true(is_dir(mem) && is_dir(cpu) && is_dir(pids));
	bool mem2 = v2 && strcmp(mem, v2) == 0, cpu2 = v2 && strcmp(cpu, v2) == 0;
	print_message("  memory in %s, cpu in %s, pids in %s\n", mem, cpu, pids);
	assert_string_equal(get(mem, mem2 ? "memory.max" : "memory.limit_in_bytes"), "67108864");
	assert_string_equal(get(mem, mem2 ? "memory.high" : "memory.soft_limit_in_bytes"),
			    "33554432");
	if (cpu2) {
		assert_string_equal(get(cpu, "cpu.max"), "50000 100000");
		assert_string_equal(get(cpu, "cpu.weight"), "200");
	} else {
		assert_string_equal(get(cpu, "cpu.cfs_quota_us"), "50000");
		assert_string_equal(get(cpu, "cpu.cfs_period_us"), "100000");
		assert_string_equal(get(cpu, "cpu.shares"), "2048");
	}
	assert_string_equal(get(pids, "pids.max"), "16");
	char paths[SW_CGROUP_MAX_LEAVES][PATH_MAX];
	int n = leaf_paths(cg, paths);
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	for (int i = 0; i < n; i++) {
		assert_false(is_dir(paths[i]));
		*strrchr(paths[i], '/') = 0; /* the parent we made goes too */
		assert_false(is_dir(paths[i]));
	}
}

/* The id is taken in cgroup2 (or the first hierarchy): prepare fails and
 * makes nothing anywhere. */
static void test_real_existing_id(void **state)
{
	(void)state;
	need_root();
	struct sw_cgroup *mine = make(NULL, "swtest-cg-dup", NULL);
	struct sw_limits l = { .memory_max = 64 << 20, .pids_max = 16 };
	sw_spec s = spec_for("swtest-cg-dup", &l);
	struct sw_cgroup *cg = NULL;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(NULL, &s, &cg, NULL, 0, &e), -EEXIST);
	assert_null(cg);
	assert_non_null(strstr(e.msg, "swtest-cgp/swtest-cg-dup already exists"));
	char own[SW_CGROUP_MAX_LEAVES][PATH_MAX];
	int nown = leaf_paths(mine, own);
	struct sw_cgroup_layout lay;
	assert_int_equal(sw_cgroup_discover(NULL, &lay, NULL), 0);
	for (size_t i = 0; i < lay.n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s/swtest-cg-dup", lay.h[i].mount, PARENT);
		bool first_ones = false;
		for (int k = 0; k < nown; k++)
			first_ones |= strcmp(own[k], p) == 0;
		/* only the first jail's own directories exist */
		assert_int_equal(is_dir(p), first_ones);
	}
	sw_cgroup_layout_free(&lay);
	assert_int_equal(sw_cgroup_destroy(mine, NULL), 0);
}

/* ---- joining --------------------------------------------------------- */

/* Where the child should be: the cgroup2 path, and the v1 pids path
 * (empty when pids is in cgroup2). Relative to the hierarchy roots. */
struct expect_lines {
	char v2[PATH_MAX];
	char v1[PATH_MAX];
};

/* Is there a line "ID:CTLS:path" of /proc/self/cgroup whose CTLS has ctl
 * (for cgroup2, ctl "": the "0::" line)? */
static bool in_cgroup(const char *text, const char *ctl, const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", text);
	for (char *save, *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = 0;
		bool match = ctl[0] ? (sw_cgroup_parse_ctls(c1 + 1) &
				       sw_cgroup_parse_ctls(ctl)) != 0
				    : c1 == line + 1 && line[0] == '0' && c2 == c1 + 1;
		if (match && strcmp(c2 + 1, path) == 0)
			return true;
	}
	return false;
}

static int read_self_cgroup(char *buf, size_t len)
{
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* The clone3 child's first action: is it already in the cgroup2 leaf? */
static int child_check_at_birth(struct expect_lines *x)
{
	char buf[4096];
	if (read_self_cgroup(buf, sizeof buf) < 0)
		return 2;
	return in_cgroup(buf, "", x->v2) ? 0 : 1;
}

static int child_check_after_go(void *arg)
{
	struct expect_lines *x = arg;
	char buf[4096];
	if (read_self_cgroup(buf, sizeof buf) < 0)
		return 2;
	return in_cgroup(buf, "", x->v2) &&
	       (!x->v1[0] || in_cgroup(buf, "pids", x->v1)) ? 0 : 3;
}

static const char *rel_to_mount(const char *path, bool v2, unsigned ctl)
{
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(NULL, &l, NULL), 0);
	const struct sw_cgroup_hier *h = sw_cgroup_layout_find(&l, v2, ctl);
	assert_non_null(h);
	size_t n = strlen(h->mount);
	sw_cgroup_layout_free(&l);
	return path + n;
}

/* CLONE_INTO_CGROUP for real: the child is in the jail leaf (below the
 * limits cgroup) before it runs a single instruction of its own; v1 joins
 * follow by sw_cgroup_attach, into the jail leaf too. */
static void test_real_clone_into_cgroup(void **state)
{
	(void)state;
	need_root();
	struct sw_limits l = { .pids_max = 32 };
	struct sw_cgroup *cg = make(NULL, "swtest-cg-clone", &l);
	int fd = sw_cgroup_clone_fd(cg);
	if (fd < 0) {
		sw_cgroup_destroy(cg, NULL);
		print_message("skipped: no cgroup2 here\n");
		skip();
	}
	struct expect_lines x = { { 0 }, { 0 } };
	snprintf(x.v2, sizeof x.v2, "%s", rel_to_mount(sw_cgroup_jail_path(cg, 0), true, 0));
	assert_non_null(strstr(x.v2, "/swtest-cg-clone/" SW_CGROUP_JAIL_LEAF));
	const char *pids = sw_cgroup_jail_path(cg, SW_CGC_PIDS);
	if (strcmp(pids, sw_cgroup_jail_path(cg, 0)) != 0)
		snprintf(x.v1, sizeof x.v1, "%s", rel_to_mount(pids, false, SW_CGC_PIDS));
	int go[2], pidfd = -1;
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	pid_t pid = clone3_into(fd, &pidfd);
	if (pid < 0)
		fail_msg("clone3 with CLONE_INTO_CGROUP: %s", strerror(errno));
	if (pid == 0) {
		int at_birth = child_check_at_birth(&x);
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(120);
		_exit(at_birth ? at_birth : child_check_after_go(&x));
	}
	close(go[0]);
	assert_true(pidfd >= 0);
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_attach(cg, pid, true, &e), 0);
	/* no process in the limits cgroups themselves */
	assert_string_equal(get(sw_cgroup_path(cg, 0), "cgroup.procs"), "");
	assert_string_equal(get(sw_cgroup_path(cg, SW_CGC_PIDS), "cgroup.procs"), "");
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	assert_int_equal(wait_code(pid), 0);
	close(pidfd);
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
}

/* ---- limits that hold -------------------------------------------------- */

struct fork_report {
	int forked; /* successful forks */
	int err;    /* errno of the first failed one */
};

/* Forks children that wait, until fork fails; reports through a pipe. */
static int child_fork_loop(void *arg)
{
	int wfd = *(int *)arg;
	struct fork_report r = { 0, 0 };
	while (r.forked < 1000) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			r.err = errno;
			break;
		}
		r.forked++;
	}
	if (write(wfd, &r, sizeof r) != (ssize_t)sizeof r)
		return 1;
	pause(); /* stay, with the children, until killed */
	return 0;
}

static int pids_current(const char *pids_dir)
{
	return atoi(get(pids_dir, "pids.current"));
}

static void test_real_pids_max(void **state)
{
	(void)state;
	need_root();
	struct sw_limits l = { .pids_max = 16 };
	struct sw_cgroup *cg = make(NULL, "swtest-cg-pids", &l);
	int rep[2], pidfd = -1;
	assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
	pid_t pid = start_in(cg, child_fork_loop, &rep[1], &pidfd);
	close(rep[1]);
	struct fork_report r;
	assert_int_equal(read(rep[0], &r, sizeof r), (ssize_t)sizeof r);
	close(rep[0]);
	const char *pids = sw_cgroup_path(cg, SW_CGC_PIDS);
	int alive = pids_current(pids);
	print_message("  forked %d, then %s; pids.current %d\n", r.forked,
		      strerror(r.err), alive);
	assert_int_equal(r.err, EAGAIN);
	assert_true(r.forked + 1 <= 16);
	assert_true(r.forked >= 8); /* the limit, not something else, stopped it */
	assert_true(alive <= 16);
	assert_int_equal(alive, r.forked + 1);
	/* destroy kills the 16 that are waiting, and removes the cgroups */
	char paths[SW_CGROUP_MAX_LEAVES][PATH_MAX];
	int n = leaf_paths(cg, paths);
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	assert_int_equal(wait_code(pid), 128 + SIGKILL);
	close(pidfd);
	for (int i = 0; i < n; i++)
		assert_false(is_dir(paths[i]));
	reap_all();
}

static int child_touch(void *arg)
{
	size_t bytes = *(size_t *)arg;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = 1;
	return 0;
}

static void test_real_memory_max(void **state)
{
	(void)state;
	need_root();
	struct sw_limits l = { .memory_max = 64 << 20 };
	size_t sizes[] = { 256u << 20, 16u << 20 };
	for (int i = 0; i < 2; i++) {
		struct sw_cgroup *cg = make(NULL, "swtest-cg-mem", &l);
		int pidfd = -1;
		pid_t pid = start_in(cg, child_touch, &sizes[i], &pidfd);
		int code = wait_code(pid);
		close(pidfd);
		bool oom = sw_cgroup_oom_killed(cg);
		print_message("  touching %zu MiB under 64 MiB: exit %d, oom %d\n",
			      sizes[i] >> 20, code, oom);
		if (i == 0) {
			assert_int_equal(code, 128 + SIGKILL);
			assert_true(oom);
		} else {
			assert_int_equal(code, 0);
			assert_false(oom);
		}
		assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	}
}

/* ---- kill: every path ------------------------------------------------- */

/* 20 children that wait, then a loop that forks without end: the kill
 * must win against it. Says "ready" once the 20 are there. */
static int child_crowd(void *arg)
{
	int wfd = *(int *)arg;
	for (int i = 0; i < 20; i++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
	}
	if (write(wfd, "r", 1) != 1)
		return 1;
	for (;;) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, NULL, 0);
	}
}

static int members(const char *dir, pid_t *pids, int max)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	int n = 0, p;
	while (n < max && fscanf(f, "%d", &p) == 1)
		pids[n++] = p;
	fclose(f);
	return n;
}

/* Starts the crowd in cg; returns its members (at least 21). */
static int start_crowd(struct sw_cgroup *cg, pid_t *pids, int max)
{
	int rd[2], pidfd = -1;
	assert_int_equal(pipe2(rd, O_CLOEXEC), 0);
	start_in(cg, child_crowd, &rd[1], &pidfd);
	close(rd[1]);
	char c;
	assert_int_equal(read(rd[0], &c, 1), 1);
	close(rd[0]);
	close(pidfd);
	int n = members(cg->leaf[0].jail, pids, max);
	assert_true(n >= 21);
	return n;
}

static void assert_all_dead(const pid_t *pids, int n)
{
	for (int round = 0; round < 200; round++) {
		reap_all();
		int alive = 0;
		for (int i = 0; i < n; i++)
			alive += kill(pids[i], 0) == 0;
		if (!alive)
			return;
		usleep(10000);
	}
	fail_msg("processes of the jail still alive");
}

/* This host's cgroup2 (cgroup.kill here, since Linux 5.14). */
static void test_real_destroy_kills(void **state)
{
	(void)state;
	need_root();
	struct sw_limits l = { .pids_max = 100 };
	struct sw_cgroup *cg = make(NULL, "swtest-cg-crowd", &l);
	pid_t pids[512];
	int n = start_crowd(cg, pids, 512);
	char paths[SW_CGROUP_MAX_LEAVES][PATH_MAX];
	int np = leaf_paths(cg, paths);
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	assert_all_dead(pids, n);
	for (int i = 0; i < np; i++)
		assert_false(is_dir(paths[i]));
}

/* A mountinfo of this host with only the lines holding needle[]s, so that
 * the library sees a host without cgroup2 (and maybe without a freezer). */
static char *filtered_mountinfo(const char *const *needles)
{
	char *path = strdup("/tmp/swtest-mountinfo.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *in = fopen("/proc/self/mountinfo", "re"), *out = fdopen(fd, "w");
	assert_non_null(in);
	assert_non_null(out);
	char line[4096];
	while (fgets(line, sizeof line, in))
		for (const char *const *n = needles; *n; n++)
			if (strstr(line, *n)) {
				fputs(line, out);
				break;
			}
	fclose(in);
	fclose(out);
	return path;
}

static void remove_parent_dirs(const struct sw_cgroup_host *host)
{
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(host, &l, NULL), 0);
	for (size_t i = 0; i < l.n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", l.h[i].mount, PARENT);
		rmdir(p); /* sw_cgroup_kill removes the jail's own dirs only */
	}
	sw_cgroup_layout_free(&l);
}

/* cgroup2 as before Linux 5.14 (no cgroup.kill: cgroup.freeze, then
 * signals) and as before 5.3 (no pidfd: plain kill). */
static void test_real_destroy_old_kernels(void **state)
{
	(void)state;
	need_root();
	unsigned quirks[] = { SW_CGQ_NO_KILL_FILE, SW_CGQ_NO_KILL_FILE | SW_CGQ_NO_PIDFD };
	for (int i = 0; i < 2; i++) {
		struct sw_cgroup_host host = { .rootless = 0, .quirks = quirks[i] };
		struct sw_limits l = { .pids_max = 100 };
		struct sw_cgroup *cg = make(&host, "swtest-cg-old", &l);
		if (!sw_cgroup_path(cg, 0)) {
			sw_cgroup_destroy(cg, NULL);
			print_message("skipped: no cgroup2 here\n");
			skip();
		}
		pid_t pids[512];
		int n = start_crowd(cg, pids, 512);
		char paths[SW_CGROUP_MAX_LEAVES][PATH_MAX];
		int np = leaf_paths(cg, paths);
		sw_error e = { 0 };
		assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
		assert_all_dead(pids, n);
		for (int k = 0; k < np; k++)
			assert_false(is_dir(paths[k]));
	}
}

/* Kill by id through the v1 hierarchies alone: with the freezer, then
 * with signals alone (no freezer). */
static void kill_v1(const char *const *needles, const char *id, bool freezer,
		    unsigned quirks)
{
	char *mi = filtered_mountinfo(needles);
	struct sw_cgroup_host host = { .mountinfo = mi, .rootless = 0, .quirks = quirks };
	struct sw_limits l = { .pids_max = 100 };
	struct sw_cgroup *cg = make(&host, id, &l);
	assert_int_equal(sw_cgroup_clone_fd(cg), -1);
	assert_null(sw_cgroup_path(cg, 0));
	assert_int_equal(sw_cgroup_path(cg, SW_CGC_FREEZER) != NULL, freezer);
	char paths[SW_CGROUP_MAX_LEAVES][PATH_MAX];
	int np = leaf_paths(cg, paths);
	pid_t pids[512];
	int n = start_crowd(cg, pids, 512);
	sw_cgroup_release(cg); /* as a detached jail: the launcher forgets */
	sw_error e = { 0 };
	int r = sw_cgroup_kill_at(&host, id, PARENT, &e);
	if (r < 0)
		fail_msg("kill %s: %s", id, e.msg);
	assert_all_dead(pids, n);
	for (int i = 0; i < np; i++)
		assert_false(is_dir(paths[i]));
	remove_parent_dirs(&host);
	unlink(mi);
	free(mi);
}

static void test_real_kill_v1_freezer(void **state)
{
	(void)state;
	need_root();
	if (!mountinfo_has(" - cgroup cgroup rw,freezer") ||
	    !mountinfo_has(" - cgroup cgroup rw,pids")) {
		print_message("skipped: no v1 freezer and pids hierarchies\n");
		skip();
	}
	kill_v1((const char *[]){ "rw,freezer", "rw,pids", NULL }, "swtest-cg-v1fz", true, 0);
}

static void test_real_kill_v1_signals(void **state)
{
	(void)state;
	need_root();
	if (!mountinfo_has(" - cgroup cgroup rw,pids")) {
		print_message("skipped: no v1 pids hierarchy\n");
		skip();
	}
	kill_v1((const char *[]){ "rw,pids", NULL }, "swtest-cg-v1sig", false, 0);
	kill_v1((const char *[]){ "rw,pids", NULL }, "swtest-cg-v1sig", false, SW_CGQ_NO_PIDFD);
}

/* The public sw_cgroup_kill on this host, for a jail the launcher let go. */
static void test_real_kill_public(void **state)
{
	(void)state;
	need_root();
	struct sw_limits l = { .pids_max = 100, .memory_max = 256 << 20 };
	struct sw_cgroup *cg = make(NULL, "swtest-cg-public", &l);
	char paths[SW_CGROUP_MAX_LEAVES][PATH_MAX];
	int np = leaf_paths(cg, paths);
	pid_t pids[512];
	int n = start_crowd(cg, pids, 512);
	sw_cgroup_release(cg);
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_kill("swtest-cg-public", PARENT, &e), 0);
	assert_all_dead(pids, n);
	for (int i = 0; i < np; i++)
		assert_false(is_dir(paths[i]));
	assert_int_equal(sw_cgroup_kill("swtest-cg-public", PARENT, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "swtest-cgp/swtest-cg-public"));
	remove_parent_dirs(NULL);
}

/* ---- nothing left behind ------------------------------------------------ */

static char leftover[PATH_MAX];

static int find_swtest(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	if (flag == FTW_D && strncmp(p + f->base, "swtest-cg", 9) == 0) {
		snprintf(leftover, sizeof leftover, "%s", p);
		return 1;
	}
	return 0;
}

static void test_real_nothing_left(void **state)
{
	(void)state;
	need_root();
	leftover[0] = 0;
	nftw("/sys/fs/cgroup", find_swtest, 32, FTW_PHYS);
	if (leftover[0])
		fail_msg("left behind: %s", leftover);
}

static const char *const ids[] = {
	"swtest-cg-limits", "swtest-cg-dup", "swtest-cg-clone", "swtest-cg-pids",
	"swtest-cg-mem", "swtest-cg-crowd", "swtest-cg-v1fz", "swtest-cg-v1sig",
	"swtest-cg-public", "swtest-cg-old",
};

/* After each test, pass or fail: a failed assertion skips the test's own
 * clean-up, so kill and remove whatever of ours is still there. */
static int cleanup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		sw_cgroup_kill(ids[i], PARENT, NULL);
	remove_parent_dirs(NULL);
	reap_all();
	return 0;
}

int main(void)
{
	/* The jail's orphans come to us, so that tests can reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_real_discover, cleanup),
		cmocka_unit_test_teardown(test_real_limits, cleanup),
		cmocka_unit_test_teardown(test_real_existing_id, cleanup),
		cmocka_unit_test_teardown(test_real_clone_into_cgroup, cleanup),
		cmocka_unit_test_teardown(test_real_pids_max, cleanup),
		cmocka_unit_test_teardown(test_real_memory_max, cleanup),
		cmocka_unit_test_teardown(test_real_destroy_kills, cleanup),
		cmocka_unit_test_teardown(test_real_destroy_old_kernels, cleanup),
		cmocka_unit_test_teardown(test_real_kill_v1_freezer, cleanup),
		cmocka_unit_test_teardown(test_real_kill_v1_signals, cleanup),
		cmocka_unit_test_teardown(test_real_kill_public, cleanup),
		cmocka_unit_test_teardown(test_real_nothing_left, cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
