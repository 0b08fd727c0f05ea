/* test_cgroup.c — src/cgroup against fake cgroup trees: a temp dir with a
 * mountinfo and /proc/self/cgroup of our own, and mkdir/rmdir hooks that
 * do the kernel's part (a new cgroup directory gets cgroup.controllers
 * from its parent's cgroup.subtree_control, and the interface files of
 * those controllers; rmdir takes the files with it). No privileges. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup/cgroup.h"

/* ---- the fake kernel ------------------------------------------------- */

struct fake_mount {
	char path[PATH_MAX]; /* absolute, under the fake root */
	bool v2;
	char ctls[128]; /* v1: its controllers; v2: the root's controllers */
};

struct fake {
	char root[128];
	struct fake_mount m[8];
	int nm;
	char mountinfo[PATH_MAX], self[PATH_MAX];
	struct sw_cgroup_host host;
	const char *broken;    /* a file name made a directory: unwritable */
	const char *devnull;   /* a file that reads empty, whatever is written */
	char enoent_once[PATH_MAX]; /* mkdir of this fails once with ENOENT */
	char eperm[PATH_MAX];       /* rmdir of this fails with EPERM */
	const char *eperm_name;     /* ... and of any directory of this name */
};

static void put(const char *dir, const char *file, const char *content)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* Contents of dir/file, trailing newline dropped (static buffer). */
static const char *get(const char *dir, const char *file)
{
	static char buf[4096];
	ssize_t n = sw_cgroup_read(dir, file, buf, sizeof buf);
	if (n < 0)
		return NULL;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return buf;
}

static void make_file(struct fake *fk, const char *dir, const char *file,
		      const char *content)
{
	if (fk->broken && strcmp(file, fk->broken) == 0) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", dir, file);
		assert_int_equal(mkdir(p, 0755), 0);
		return;
	}
	if (fk->devnull && strcmp(file, fk->devnull) == 0) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", dir, file);
		assert_int_equal(symlink("/dev/null", p), 0);
		return;
	}
	put(dir, file, content);
}

static void v2_files(struct fake *fk, const char *dir, const char *ctls)
{
	static const char *core[] = { "cgroup.subtree_control", "cgroup.procs",
				      "cgroup.kill", "cgroup.freeze" };
	for (size_t i = 0; i < 4; i++)
		make_file(fk, dir, core[i], "");
	make_file(fk, dir, "cgroup.controllers", ctls);
	make_file(fk, dir, "cgroup.events", "populated 0\nfrozen 0\n");
	unsigned c = sw_cgroup_parse_ctls(ctls);
	if (c & SW_CGC_MEMORY) {
		make_file(fk, dir, "memory.max", "max\n");
		make_file(fk, dir, "memory.high", "max\n");
		make_file(fk, dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	}
	if (c & SW_CGC_CPU) {
		make_file(fk, dir, "cpu.max", "max 100000\n");
		make_file(fk, dir, "cpu.weight", "100\n");
	}
	if (c & SW_CGC_PIDS)
		make_file(fk, dir, "pids.max", "max\n");
}

static void v1_files(struct fake *fk, const char *dir, unsigned c)
{
	make_file(fk, dir, "cgroup.procs", "");
	make_file(fk, dir, "tasks", "");
	if (c & SW_CGC_MEMORY) {
		make_file(fk, dir, "memory.limit_in_bytes", "9223372036854771712\n");
		make_file(fk, dir, "memory.soft_limit_in_bytes", "9223372036854771712\n");
		make_file(fk, dir, "memory.oom_control",
			  "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
		make_file(fk, dir, "memory.failcnt", "0\n");
		make_file(fk, dir, "memory.use_hierarchy", "1\n");
	}
	if (c & SW_CGC_CPU) {
		make_file(fk, dir, "cpu.cfs_period_us", "100000\n");
		make_file(fk, dir, "cpu.cfs_quota_us", "-1\n");
		make_file(fk, dir, "cpu.shares", "1024\n");
	}
	if (c & SW_CGC_PIDS)
		make_file(fk, dir, "pids.max", "max\n");
	if (c & SW_CGC_FREEZER)
		make_file(fk, dir, "freezer.state", "THAWED\n");
}

static struct fake_mount *mount_of(struct fake *fk, const char *path)
{
	for (int i = 0; i < fk->nm; i++) {
		size_t n = strlen(fk->m[i].path);
		if (strncmp(path, fk->m[i].path, n) == 0 && path[n] == '/')
			return &fk->m[i];
	}
	return NULL;
}

/* What the kernel does on mkdir in a cgroup filesystem. */
static int fake_mkdir(const char *path, void *arg)
{
	struct fake *fk = arg;
	if (strcmp(path, fk->enoent_once) == 0) {
		fk->enoent_once[0] = 0;
		errno = ENOENT;
		return -1;
	}
	if (mkdir(path, 0755) < 0)
		return -1;
	struct fake_mount *m = mount_of(fk, path);
	assert_non_null(m);
	if (!m->v2) {
		v1_files(fk, path, sw_cgroup_parse_ctls(m->ctls));
		return 0;
	}
	char parent[PATH_MAX], ctls[256] = "";
	snprintf(parent, sizeof parent, "%s", path);
	*strrchr(parent, '/') = 0;
	const char *sc = get(parent, "cgroup.subtree_control");
	/* What we wrote ("+memory +pids") stands for what the kernel shows. */
	size_t n = 0;
	for (const char *p = sc ? sc : ""; *p && n + 1 < sizeof ctls; p++)
		if (*p != '+')
			ctls[n++] = *p;
	ctls[n] = 0;
	v2_files(fk, path, ctls);
	make_file(fk, path, "cgroup.type", "domain\n"); /* not on the root */
	return 0;
}

static int unlink_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	if (f->level == 0)
		return 0;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* rmdir in a cgroup filesystem: EBUSY while a child cgroup exists, else
 * the directory goes with its files. */
static int fake_rmdir(const char *path, void *arg)
{
	struct fake *fk = arg;
	char p[PATH_MAX];
	struct stat st;
	const char *base = strrchr(path, '/');
	if (strcmp(path, fk->eperm) == 0 ||
	    (fk->eperm_name && base && strcmp(base + 1, fk->eperm_name) == 0)) {
		errno = EPERM;
		return -1;
	}
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		if (e->d_name[0] != '.' && lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !(fk->broken && strcmp(e->d_name, fk->broken) == 0)) {
			closedir(d);
			errno = EBUSY;
			return -1;
		}
	}
	closedir(d);
	nftw(path, unlink_one, 8, FTW_DEPTH | FTW_PHYS);
	return rmdir(path);
}

/* ---- fake trees ------------------------------------------------------ */

static void mkdir_p(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* The fakes of the running test: a failed assertion skips its
 * fake_free, the teardown frees them then. */
static struct fake *live[4];

static struct fake *fake_new(void)
{
	struct fake *fk = calloc(1, sizeof *fk);
	assert_non_null(fk);
	for (int i = 0; i < 4; i++)
		if (!live[i]) {
			live[i] = fk;
			break;
		}
	snprintf(fk->root, sizeof fk->root, "/tmp/swtest-cg.XXXXXX");
	assert_non_null(mkdtemp(fk->root));
	snprintf(fk->mountinfo, sizeof fk->mountinfo, "%s/mountinfo", fk->root);
	snprintf(fk->self, sizeof fk->self, "%s/self-cgroup", fk->root);
	put(fk->root, "mountinfo", "22 1 0:21 / / rw,relatime - ext4 /dev/vda rw\n");
	fk->host = (struct sw_cgroup_host){
		.mountinfo = fk->mountinfo, .self_cgroup = fk->self,
		.prefix = fk->root, .rootless = 0, .mkdir = fake_mkdir,
		.rmdir = fake_rmdir, .arg = fk,
		/* The tree is root's: as a rootless caller, nothing above
		 * our own cgroup is delegated to us unless a test chowns. */
		.owner = 4242,
	};
	return fk;
}

static void fake_free(struct fake *fk)
{
	for (int i = 0; i < 4; i++)
		if (live[i] == fk)
			live[i] = NULL;
	nftw(fk->root, unlink_one, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(fk->root);
	free(fk);
}

/* A mount: a mountinfo line and the hierarchy's root directory. */
static void fake_mount(struct fake *fk, const char *target, bool v2,
		       const char *ctls, const char *mnt_root)
{
	char line[1024], opts[160];
	snprintf(opts, sizeof opts, "%s", ctls);
	for (char *s = opts; *s; s++)
		if (*s == ' ')
			*s = ',';
	snprintf(line, sizeof line, "%d 23 0:%d %s %s rw,relatime - %s %s rw%s%s\n",
		 30 + fk->nm, 40 + fk->nm, mnt_root, target,
		 v2 ? "cgroup2" : "cgroup", v2 ? "cgroup2" : "cgroup",
		 v2 ? ",nsdelegate" : ",", v2 ? "" : opts);
	FILE *f = fopen(fk->mountinfo, "a");
	assert_non_null(f);
	fputs(line, f);
	fclose(f);
	struct fake_mount *m = &fk->m[fk->nm++];
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s%s", fk->root, target);
	memcpy(m->path, path, sizeof path);
	m->v2 = v2;
	snprintf(m->ctls, sizeof m->ctls, "%s", ctls);
	mkdir_p(m->path);
	if (v2)
		v2_files(fk, m->path, ctls);
	else
		v1_files(fk, m->path, sw_cgroup_parse_ctls(ctls));
}

/* A cgroup made the kernel's way (each level through fake_mkdir). */
static void fake_cgroup(struct fake *fk, const char *mount, const char *rel)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof p, "%s%s/%s", fk->root, mount, rel);
	for (int i = (int)strlen(fk->root) + (int)strlen(mount) + 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != 0)
			continue;
		char save = p[i];
		p[i] = 0;
		if (fake_mkdir(p, fk) < 0)
			assert_int_equal(errno, EEXIST);
		p[i] = save;
	}
}

static void pure_v2(struct fake *fk, const char *ctls)
{
	fake_mount(fk, "/sys/fs/cgroup", true, ctls, "/");
	put(fk->root, "self-cgroup", "0::/user.slice/user-1000.slice/session-1.scope\n");
}

/* This machine's layout: cgroup2 with hugetlb only, the rest in v1. */
static void hybrid(struct fake *fk, bool comount_cpu)
{
	put(fk->root, "mountinfo",
	    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n");
	if (comount_cpu) {
		fake_mount(fk, "/sys/fs/cgroup/cpu,cpuacct", false, "cpu cpuacct", "/");
	} else {
		fake_mount(fk, "/sys/fs/cgroup/cpu", false, "cpu", "/");
		fake_mount(fk, "/sys/fs/cgroup/cpuacct", false, "cpuacct", "/");
	}
	fake_mount(fk, "/sys/fs/cgroup/memory", false, "memory", "/");
	fake_mount(fk, "/sys/fs/cgroup/freezer", false, "freezer", "/");
	fake_mount(fk, "/sys/fs/cgroup/pids", false, "pids", "/");
	fake_mount(fk, "/sys/fs/cgroup/systemd", false, "name=systemd", "/");
	fake_mount(fk, "/sys/fs/cgroup/unified", true, "hugetlb", "/");
	put(fk->root, "self-cgroup",
	    "9:name=systemd:/\n8:pids:/\n6:freezer:/\n4:memory:/process_api/abc\n"
	    "2:cpuacct:/\n1:cpu:/\n0::/\n");
}

/* Every path under the fake root, sorted: "nothing left behind" is an
 * equal snapshot before and after. */
static char *snap_buf;
static size_t snap_len;

static int snap_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	size_t n = strlen(p);
	snap_buf = realloc(snap_buf, snap_len + n + 2);
	memcpy(snap_buf + snap_len, p, n);
	snap_len += n;
	snap_buf[snap_len++] = '\n';
	snap_buf[snap_len] = 0;
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *snapshot(struct fake *fk)
{
	snap_buf = NULL;
	snap_len = 0;
	nftw(fk->root, snap_one, 16, FTW_PHYS);
	char *lines[4096];
	size_t n = 0;
	for (char *s = strtok(snap_buf, "\n"); s && n < 4096; s = strtok(NULL, "\n"))
		lines[n++] = s;
	qsort(lines, n, sizeof lines[0], cmp_lines);
	char *out = calloc(1, snap_len + 1);
	for (size_t i = 0; i < n; i++) {
		strcat(out, lines[i]);
		strcat(out, "\n");
	}
	free(snap_buf);
	return out;
}

static bool exists(struct fake *fk, const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s%s", fk->root, rel);
	return access(p, F_OK) == 0;
}

static const char *at(struct fake *fk, const char *rel)
{
	static char p[4][PATH_MAX + 128];
	static int next;
	char *s = p[next++ % 4];
	snprintf(s, PATH_MAX + 128, "%s%s", fk->root, rel);
	return s;
}

static sw_spec spec_for(const char *id, const char *parent)
{
	sw_spec s;
	memset(&s, 0, sizeof s);
	s.cgroup_id = (char *)id;
	s.cgroup_parent = (char *)parent;
	return s;
}

/* ---- names and helpers ----------------------------------------------- */

static void test_parse_and_format(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(sw_cgroup_parse_ctls("cpuset cpu io memory hugetlb pids"),
			 SW_CGC_CPU | SW_CGC_MEMORY | SW_CGC_PIDS);
	assert_int_equal(sw_cgroup_parse_ctls("+memory +pids\n"), SW_CGC_MEMORY | SW_CGC_PIDS);
	assert_int_equal(sw_cgroup_parse_ctls("cpuacct hugetlb"), 0);
	assert_string_equal(sw_cgroup_format_ctls(SW_CGC_PIDS | SW_CGC_MEMORY, "+",
						  buf, sizeof buf), "+memory +pids");
	assert_string_equal(sw_cgroup_format_ctls(0, "+", buf, sizeof buf), "");
}

static void test_names(void **state)
{
	(void)state;
	char long_id[80];
	memset(long_id, 'a', 65);
	long_id[65] = 0;
	const char *bad_ids[] = { "", ".", "..", "a/b", "/", "a b", long_id };
	for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
		sw_error e = { 0 };
		assert_int_equal(sw_cgroup_check_names(bad_ids[i], NULL, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "bad id"));
	}
	long_id[64] = 0;
	assert_int_equal(sw_cgroup_check_names(long_id, NULL, NULL), 0);
	const char *bad_parents[] = { "", "/", "..", "a/../b", "a/./b", "a b", "x\ny" };
	for (size_t i = 0; i < sizeof bad_parents / sizeof bad_parents[0]; i++) {
		sw_error e = { 0 };
		assert_int_equal(sw_cgroup_check_names("j", bad_parents[i], &e), -EINVAL);
		assert_non_null(strstr(e.msg, "bad parent"));
	}
	assert_int_equal(sw_cgroup_check_names("j", "/a/b.c/d-e_f/", NULL), 0);
	char rel[64];
	unsigned n;
	assert_int_equal(sw_cgroup_rel_path("//a//b/", "j", rel, sizeof rel, &n), 0);
	assert_string_equal(rel, "a/b/j");
	assert_int_equal(n, 3);
	assert_int_equal(sw_cgroup_rel_path(NULL, "j", rel, sizeof rel, &n), 0);
	assert_string_equal(rel, "swrap/j");
	assert_int_equal(n, 2);
}

static void test_weight_to_shares(void **state)
{
	(void)state;
	assert_int_equal(sw_cgroup_weight_to_shares(100), 1024);
	assert_int_equal(sw_cgroup_weight_to_shares(1), 10);
	assert_int_equal(sw_cgroup_weight_to_shares(10000), 102400);
	assert_int_equal(sw_cgroup_weight_to_shares(0), 2); /* the clamp */
}

/* ---- discovery ------------------------------------------------------- */

static void test_discover_pure_v2(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "cpuset cpu io memory hugetlb pids rdma misc");
	struct sw_cgroup_layout l;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_discover(&fk->host, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_true(l.h[0].v2);
	assert_false(l.rootless);
	assert_string_equal(l.h[0].mount, at(fk, "/sys/fs/cgroup"));
	assert_string_equal(l.h[0].base, at(fk, "/sys/fs/cgroup"));
	assert_string_equal(l.h[0].self,
			    at(fk, "/sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope"));
	assert_int_equal(l.h[0].ctls, SW_CGC_MEMORY | SW_CGC_CPU | SW_CGC_PIDS);
	assert_ptr_equal(sw_cgroup_layout_find(&l, true, 0), &l.h[0]);
	assert_null(sw_cgroup_layout_find(&l, false, SW_CGC_MEMORY));
	sw_cgroup_layout_free(&l);
	fake_free(fk);
}

static void test_discover_hybrid(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(&fk->host, &l, NULL), 0);
	/* cgroup2 + cpu, memory, freezer, pids; not cpuacct nor name=systemd */
	assert_int_equal(l.n, 5);
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(&l, true, 0);
	assert_non_null(v2);
	assert_string_equal(v2->mount, at(fk, "/sys/fs/cgroup/unified"));
	assert_int_equal(v2->ctls, 0); /* hugetlb is not one of ours */
	const struct sw_cgroup_hier *mem = sw_cgroup_layout_find(&l, false, SW_CGC_MEMORY);
	assert_non_null(mem);
	assert_string_equal(mem->mount, at(fk, "/sys/fs/cgroup/memory"));
	assert_string_equal(mem->self, at(fk, "/sys/fs/cgroup/memory/process_api/abc"));
	assert_string_equal(mem->base, mem->mount);
	const struct sw_cgroup_hier *cpu = sw_cgroup_layout_find(&l, false, SW_CGC_CPU);
	assert_string_equal(cpu->mount, at(fk, "/sys/fs/cgroup/cpu"));
	assert_string_equal(cpu->self, cpu->mount);
	assert_non_null(sw_cgroup_layout_find(&l, false, SW_CGC_PIDS));
	assert_non_null(sw_cgroup_layout_find(&l, false, SW_CGC_FREEZER));
	sw_cgroup_layout_free(&l);
	fake_free(fk);
}

static void test_discover_comounted_and_rootless(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, true);
	put(fk->root, "self-cgroup",
	    "3:cpu,cpuacct:/user.slice\n4:memory:/process_api/abc\n0::/u/s.scope\n");
	fk->host.rootless = 1;
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(&fk->host, &l, NULL), 0);
	assert_true(l.rootless);
	const struct sw_cgroup_hier *cpu = sw_cgroup_layout_find(&l, false, SW_CGC_CPU);
	assert_string_equal(cpu->mount, at(fk, "/sys/fs/cgroup/cpu,cpuacct"));
	assert_string_equal(cpu->base, at(fk, "/sys/fs/cgroup/cpu,cpuacct/user.slice"));
	const struct sw_cgroup_hier *mem = sw_cgroup_layout_find(&l, false, SW_CGC_MEMORY);
	assert_string_equal(mem->base, at(fk, "/sys/fs/cgroup/memory/process_api/abc"));
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(&l, true, 0);
	assert_string_equal(v2->base, at(fk, "/sys/fs/cgroup/unified/u/s.scope"));
	/* no line for pids: rootless, there is nowhere to go in it */
	const struct sw_cgroup_hier *pids = sw_cgroup_layout_find(&l, false, SW_CGC_PIDS);
	assert_null(pids->self);
	assert_null(pids->base);
	sw_cgroup_layout_free(&l);
	fake_free(fk);
}

static void test_discover_mount_root(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	fake_mount(fk, "/sys/fs/cgroup/memory", false, "memory", "/docker/c1");
	fake_mount(fk, "/mnt/memory-again", false, "memory", "/");
	fake_mount(fk, "/sys/fs/cgroup/pids", false, "pids", "/docker/c1");
	put(fk->root, "self-cgroup", "5:memory:/docker/c1/sub\n3:pids:/elsewhere\n");
	fk->host.rootless = 1;
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(&fk->host, &l, NULL), 0);
	assert_int_equal(l.n, 2);
	const struct sw_cgroup_hier *mem = sw_cgroup_layout_find(&l, false, SW_CGC_MEMORY);
	assert_string_equal(mem->mount, at(fk, "/sys/fs/cgroup/memory"));
	assert_string_equal(mem->self, at(fk, "/sys/fs/cgroup/memory/sub"));
	const struct sw_cgroup_hier *pids = sw_cgroup_layout_find(&l, false, SW_CGC_PIDS);
	assert_null(pids->self); /* outside what this mount shows */
	assert_null(sw_cgroup_layout_find(&l, true, 0));
	sw_cgroup_layout_free(&l);
	fake_free(fk);
}

static void test_discover_bad_mountinfo(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	fk->host.mountinfo = "/nonexistent/mountinfo";
	struct sw_cgroup_layout l;
	sw_error e = { 0 };
	assert_true(sw_cgroup_discover(&fk->host, &l, &e) < 0);
	assert_non_null(strstr(e.msg, "/nonexistent/mountinfo"));
	fake_free(fk);
}

/* ---- prepare: enabling and limits ------------------------------------ */

/* Needed memory+cpu+pids; cgroup2 offers memory, pids and io but not cpu
 * (it is in v1 here): subtree_control gets exactly "+memory +pids" on
 * every level, cpu goes to its v1 hierarchy. */
static void test_enable_intersection(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	fake_mount(fk, "/sys/fs/cgroup/cpu", false, "cpu", "/");
	fake_mount(fk, "/sys/fs/cgroup/unified", true, "io memory pids hugetlb", "/");
	put(fk->root, "self-cgroup", "1:cpu:/\n0::/\n");
	sw_spec s = spec_for("swtest1", "a/b");
	s.limits.memory_max = 64 << 20;
	s.limits.cpu_weight = 200;
	s.limits.pids_max = 16;
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	assert_non_null(cg);
	const char *u = "/sys/fs/cgroup/unified";
	assert_string_equal(get(at(fk, u), "cgroup.subtree_control"), "+memory +pids");
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/a", u);
	assert_string_equal(get(at(fk, p), "cgroup.subtree_control"), "+memory +pids");
	snprintf(p, sizeof p, "%s/a/b", u);
	assert_string_equal(get(at(fk, p), "cgroup.subtree_control"), "+memory +pids");
	/* the leaf's own subtree_control is left alone */
	snprintf(p, sizeof p, "%s/a/b/swtest1", u);
	assert_string_equal(get(at(fk, p), "cgroup.subtree_control"), "");
	assert_string_equal(sw_cgroup_path(cg, 0), at(fk, p));
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_MEMORY), at(fk, p));
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_PIDS), at(fk, p));
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_CPU),
			    at(fk, "/sys/fs/cgroup/cpu/a/b/swtest1"));
	assert_string_equal(get(sw_cgroup_path(cg, SW_CGC_CPU), "cpu.shares"), "2048");
	/* v1 has no subtree_control; nothing is written to it */
	assert_false(exists(fk, "/sys/fs/cgroup/cpu/cgroup.subtree_control"));
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	fake_free(fk);
}

/* A controller already on in an ancestor is not written again. */
static void test_enable_only_missing(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "cpu memory pids");
	put(at(fk, "/sys/fs/cgroup"), "cgroup.subtree_control", "cpu memory\n");
	sw_spec s = spec_for("swtest2", NULL);
	s.limits.memory_max = 1 << 30;
	s.limits.pids_max = 100;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	assert_string_equal(get(at(fk, "/sys/fs/cgroup"), "cgroup.subtree_control"), "+pids");
	assert_string_equal(get(at(fk, "/sys/fs/cgroup/swrap"), "cgroup.subtree_control"),
			    "+memory +pids");
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	fake_free(fk);
}

/* No limits: a bare cgroup2 directory (the CLONE_INTO_CGROUP target) and
 * no controller enabled anywhere. */
static void test_no_limits(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "cpu memory pids");
	sw_spec s = spec_for("swtest3", NULL);
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	assert_true(exists(fk, "/sys/fs/cgroup/swrap/swtest3/cgroup.procs"));
	assert_string_equal(get(at(fk, "/sys/fs/cgroup"), "cgroup.subtree_control"), "");
	assert_true(sw_cgroup_clone_fd(cg) >= 0);
	assert_null(sw_cgroup_path(cg, SW_CGC_MEMORY));
	assert_false(sw_cgroup_oom_killed(cg));
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/swrap"));
	fake_free(fk);
}

static void test_limits_v2(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "cpu memory pids");
	sw_spec s = spec_for("swtest4", "jails");
	s.limits = (struct sw_limits){ .memory_max = 67108864, .memory_high = 50331648,
				       .cpu_quota = 50000, .cpu_period = 200000,
				       .cpu_weight = 300, .pids_max = 16 };
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	int fds = 0;
	for (int fd = 0; fd < 1024; fd++)
		fds += fcntl(fd, F_GETFD) >= 0;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	const char *leaf = at(fk, "/sys/fs/cgroup/jails/swtest4");
	assert_string_equal(sw_cgroup_path(cg, 0), leaf);
	assert_string_equal(get(leaf, "memory.max"), "67108864");
	assert_string_equal(get(leaf, "memory.high"), "50331648");
	assert_string_equal(get(leaf, "cpu.max"), "50000 200000");
	assert_string_equal(get(leaf, "cpu.weight"), "300");
	assert_string_equal(get(leaf, "pids.max"), "16");
	/* the processes run in the jail leaf below, which has no controller
	 * (nothing enabled for it) and so no limit file of its own */
	const char *jail = at(fk, "/sys/fs/cgroup/jails/swtest4/" SW_CGROUP_JAIL_LEAF);
	assert_string_equal(sw_cgroup_jail_path(cg, 0), jail);
	assert_string_equal(sw_cgroup_jail_path(cg, SW_CGC_MEMORY), jail);
	assert_string_equal(get(leaf, "cgroup.subtree_control"), "");
	assert_string_equal(get(jail, "cgroup.controllers"), "");
	assert_null(get(jail, "memory.max"));
	assert_null(get(jail, "pids.max"));
	/* the CLONE_INTO_CGROUP fd is the jail leaf, close-on-exec */
	int fd = sw_cgroup_clone_fd(cg);
	struct stat a, b;
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(jail, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	int after = 0;
	for (int i = 0; i < 1024; i++)
		after += fcntl(i, F_GETFD) >= 0;
	assert_int_equal(after, fds);
	assert_false(exists(fk, "/sys/fs/cgroup/jails"));
	fake_free(fk);
}

/* Quota alone takes the default period; a period alone leaves the quota
 * unlimited. */
static void test_cpu_max_forms(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "cpu");
	struct { uint64_t q, p; const char *want; } cases[] = {
		{ 25000, 0, "25000 100000" }, { 0, 20000, "max 20000" },
	};
	for (size_t i = 0; i < 2; i++) {
		sw_spec s = spec_for("swtest5", NULL);
		s.limits.cpu_quota = cases[i].q;
		s.limits.cpu_period = cases[i].p;
		struct sw_cgroup *cg;
		assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
		assert_string_equal(get(sw_cgroup_path(cg, SW_CGC_CPU), "cpu.max"), cases[i].want);
		assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	}
	fake_free(fk);
}

static void test_limits_v1(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, true);
	sw_spec s = spec_for("swtest6", NULL);
	s.limits = (struct sw_limits){ .memory_max = 67108864, .memory_high = 33554432,
				       .cpu_quota = 50000, .cpu_period = 100000,
				       .cpu_weight = 50, .pids_max = 16 };
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	const char *mem = at(fk, "/sys/fs/cgroup/memory/swrap/swtest6");
	const char *cpu = at(fk, "/sys/fs/cgroup/cpu,cpuacct/swrap/swtest6");
	const char *pids = at(fk, "/sys/fs/cgroup/pids/swrap/swtest6");
	const char *v2 = at(fk, "/sys/fs/cgroup/unified/swrap/swtest6");
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_MEMORY), mem);
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_CPU), cpu);
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_PIDS), pids);
	assert_string_equal(sw_cgroup_path(cg, 0), v2);
	/* cgroup2 is there, but the jail gets a v1 freezer cgroup too: else
	 * it would run in the caller's, where it could freeze a sub-cgroup
	 * of its own out of teardown's reach */
	char fz[PATH_MAX];
	snprintf(fz, sizeof fz, "%s/sys/fs/cgroup/freezer/swrap/swtest6", fk->root);
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_FREEZER), fz);
	/* each hierarchy: limits on <id>, the processes in <id>/jail */
	const char *dirs[] = { mem, cpu, pids, v2 };
	const unsigned ctl[] = { SW_CGC_MEMORY, SW_CGC_CPU, SW_CGC_PIDS, 0 };
	for (size_t i = 0; i < 4; i++) {
		char j[PATH_MAX];
		snprintf(j, sizeof j, "%s/%s", dirs[i], SW_CGROUP_JAIL_LEAF);
		assert_string_equal(sw_cgroup_jail_path(cg, ctl[i]), j);
		assert_true(exists(fk, j + strlen(fk->root)));
	}
	/* the v1 leaves are plain: the limits stay on <id> */
	assert_string_equal(get(sw_cgroup_jail_path(cg, SW_CGC_MEMORY), "memory.limit_in_bytes"),
			    "9223372036854771712");
	assert_string_equal(get(sw_cgroup_jail_path(cg, SW_CGC_PIDS), "pids.max"), "max");
	assert_string_equal(get(mem, "memory.limit_in_bytes"), "67108864");
	assert_string_equal(get(mem, "memory.soft_limit_in_bytes"), "33554432");
	assert_string_equal(get(cpu, "cpu.cfs_period_us"), "100000");
	assert_string_equal(get(cpu, "cpu.cfs_quota_us"), "50000");
	assert_string_equal(get(cpu, "cpu.shares"), "512");
	assert_string_equal(get(pids, "pids.max"), "16");
	/* hugetlb only: nothing to enable in cgroup2 */
	assert_string_equal(get(at(fk, "/sys/fs/cgroup/unified"), "cgroup.subtree_control"), "");
	assert_true(sw_cgroup_clone_fd(cg) >= 0);
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/memory/swrap"));
	assert_false(exists(fk, "/sys/fs/cgroup/cpu,cpuacct/swrap"));
	assert_false(exists(fk, "/sys/fs/cgroup/pids/swrap"));
	assert_false(exists(fk, "/sys/fs/cgroup/unified/swrap"));
	assert_false(exists(fk, "/sys/fs/cgroup/freezer/swrap"));
	fake_free(fk);
}

/* Pure v1 (no cgroup2): a freezer cgroup joins the jail so that destroy
 * can stop it, and there is no CLONE_INTO_CGROUP fd. */
static void test_pure_v1_freezer(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	fake_mount(fk, "/sys/fs/cgroup/memory", false, "memory", "/");
	fake_mount(fk, "/sys/fs/cgroup/freezer", false, "freezer", "/");
	put(fk->root, "self-cgroup", "2:memory:/\n1:freezer:/\n");
	sw_spec s = spec_for("swtest7", NULL);
	s.limits.memory_max = 1 << 30;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	assert_int_equal(sw_cgroup_clone_fd(cg), -1);
	assert_null(sw_cgroup_path(cg, 0));
	assert_string_equal(sw_cgroup_path(cg, SW_CGC_FREEZER),
			    at(fk, "/sys/fs/cgroup/freezer/swrap/swtest7"));
	assert_int_equal(sw_cgroup_attach(cg, 99999999, true, NULL), 0);
	assert_string_equal(get(sw_cgroup_jail_path(cg, SW_CGC_FREEZER), "cgroup.procs"), "99999999");
	assert_string_equal(get(sw_cgroup_jail_path(cg, SW_CGC_MEMORY), "cgroup.procs"), "99999999");
	assert_string_equal(get(sw_cgroup_path(cg, SW_CGC_MEMORY), "cgroup.procs"), "");
	/* (the fake pid is not alive: destroy finds nobody to kill) */
	put(sw_cgroup_jail_path(cg, SW_CGC_FREEZER), "cgroup.procs", "");
	put(sw_cgroup_jail_path(cg, SW_CGC_MEMORY), "cgroup.procs", "");
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/freezer/swrap"));
	fake_free(fk);
}

/* ---- attach, oom ----------------------------------------------------- */

static void test_attach(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	sw_spec s = spec_for("swtest8", NULL);
	s.limits.pids_max = 10;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	/* into the jail leaves, never the limits cgroups above them */
	const char *v2 = sw_cgroup_jail_path(cg, 0), *pids = sw_cgroup_jail_path(cg, SW_CGC_PIDS);
	/* skip_v2: CLONE_INTO_CGROUP already put it there */
	assert_int_equal(sw_cgroup_attach(cg, 99999998, true, NULL), 0);
	assert_string_equal(get(v2, "cgroup.procs"), "");
	assert_string_equal(get(pids, "cgroup.procs"), "99999998");
	assert_int_equal(sw_cgroup_attach(cg, 99999997, false, NULL), 0);
	assert_string_equal(get(v2, "cgroup.procs"), "99999997");
	assert_string_equal(get(sw_cgroup_path(cg, 0), "cgroup.procs"), "");
	assert_string_equal(get(sw_cgroup_path(cg, SW_CGC_PIDS), "cgroup.procs"), "");
	/* a join that fails is an error that names the file */
	char procs[PATH_MAX];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", pids);
	unlink(procs);
	assert_int_equal(mkdir(procs, 0755), 0);
	sw_error e = { 0 };
	assert_true(sw_cgroup_attach(cg, 99999996, false, &e) < 0);
	assert_non_null(strstr(e.msg, procs));
	assert_non_null(strstr(e.msg, "99999996"));
	rmdir(procs);
	put(pids, "cgroup.procs", "");
	put(v2, "cgroup.procs", "");
	put(sw_cgroup_jail_path(cg, SW_CGC_FREEZER), "cgroup.procs", "");
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	fake_free(fk);
}

static void test_oom_killed(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory");
	sw_spec s = spec_for("swtest9", NULL);
	s.limits.memory_max = 1 << 20;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	assert_false(sw_cgroup_oom_killed(cg));
	put(sw_cgroup_path(cg, SW_CGC_MEMORY), "memory.events",
	    "low 0\nhigh 4\nmax 9\noom 1\noom_kill 1\noom_group_kill 0\n");
	assert_true(sw_cgroup_oom_killed(cg));
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	assert_false(sw_cgroup_oom_killed(NULL));
	fake_free(fk);

	fk = fake_new();
	hybrid(fk, false);
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	const char *mem = sw_cgroup_path(cg, SW_CGC_MEMORY);
	assert_false(sw_cgroup_oom_killed(cg));
	put(mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	assert_true(sw_cgroup_oom_killed(cg));
	/* before Linux 4.13 there is no oom_kill line: failcnt tells */
	put(mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n");
	assert_false(sw_cgroup_oom_killed(cg));
	put(mem, "memory.failcnt", "12\n");
	assert_true(sw_cgroup_oom_killed(cg));
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	fake_free(fk);
}

/* ---- errors: one message, nothing left behind ------------------------- */

/* prepare must fail with a message holding each of want[], and leave
 * the tree as it was. */
static void expect_failure(struct fake *fk, const sw_spec *s, int code,
			   const char *const *want)
{
	char *before = snapshot(fk);
	struct sw_cgroup *cg = (struct sw_cgroup *)1;
	sw_error e = { 0 };
	int r = sw_cgroup_prepare_at(&fk->host, s, &cg, NULL, 0, &e);
	assert_int_equal(r, -code);
	assert_int_equal(e.code, -code); /* sw_error holds the negative errno */
	assert_null(cg);
	for (; *want; want++)
		if (!strstr(e.msg, *want))
			fail_msg("\"%s\" not in \"%s\"", *want, e.msg);
	char *after = snapshot(fk);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_error_unwritable_limit(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory pids");
	fk->broken = "memory.max";
	sw_spec s = spec_for("swtest10", "p/q");
	s.limits.memory_max = 67108864;
	s.limits.pids_max = 5;
	expect_failure(fk, &s, EISDIR, (const char *[]){
		"writing \"67108864\"", "/sys/fs/cgroup/p/q/swtest10/memory.max", NULL });
	fake_free(fk);
}

/* v2 and the memory leaf made, then pids.max fails in v1: all go. */
static void test_error_unwritable_v1(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	fk->broken = "pids.max";
	sw_spec s = spec_for("swtest11", NULL);
	s.limits.memory_max = 67108864;
	s.limits.cpu_quota = 50000;
	s.limits.pids_max = 16;
	expect_failure(fk, &s, EISDIR, (const char *[]){
		"\"16\"", "/sys/fs/cgroup/pids/swrap/swtest11/pids.max", NULL });
	fake_free(fk);
}

static void test_error_unwritable_subtree_control(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory pids");
	fake_cgroup(fk, "/sys/fs/cgroup", "swrap");
	char sc[PATH_MAX];
	snprintf(sc, sizeof sc, "%s/cgroup.subtree_control", at(fk, "/sys/fs/cgroup/swrap"));
	unlink(sc);
	assert_int_equal(mkdir(sc, 0755), 0);
	fk->broken = "cgroup.subtree_control";
	sw_spec s = spec_for("swtest12", NULL);
	s.limits.pids_max = 16;
	expect_failure(fk, &s, EISDIR, (const char *[]){ sc, NULL });
	fake_free(fk);
}

/* The id is taken in one hierarchy only (pids): the directories made in
 * the others are removed, the existing one is left untouched. */
static void test_error_existing_id(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	fake_cgroup(fk, "/sys/fs/cgroup/pids", "swrap/swtest13");
	/* someone's live process in it: cleaning up must not touch it */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* (ends with the test, should an assertion skip the kill below) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	char procs[32];
	snprintf(procs, sizeof procs, "%d\n", (int)pid);
	put(at(fk, "/sys/fs/cgroup/pids/swrap/swtest13"), "cgroup.procs", procs);
	sw_spec s = spec_for("swtest13", NULL);
	s.limits.memory_max = 67108864;
	s.limits.pids_max = 16;
	expect_failure(fk, &s, EEXIST, (const char *[]){
		"/sys/fs/cgroup/pids/swrap/swtest13 already exists", "--kill-cgroup", NULL });
	assert_string_equal(get(at(fk, "/sys/fs/cgroup/pids/swrap/swtest13"), "pids.max"), "max");
	int st;
	assert_int_equal(waitpid(pid, &st, WNOHANG), 0); /* still alive */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	fake_free(fk);
}

static void test_error_missing_controller(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory io");
	sw_spec s = spec_for("swtest14", NULL);
	s.limits.memory_max = 67108864;
	s.limits.pids_max = 16;
	expect_failure(fk, &s, EOPNOTSUPP, (const char *[]){
		"pids controller is not available", "\"memory\"", NULL });
	fake_free(fk);

	fk = fake_new(); /* nothing mounted at all */
	expect_failure(fk, &s, EOPNOTSUPP, (const char *[]){ "no cgroup hierarchy with the memory", NULL });
	s.limits = (struct sw_limits){ 0 };
	expect_failure(fk, &s, EOPNOTSUPP, (const char *[]){ "nowhere to put the jail", NULL });
	fake_free(fk);
}

static void test_error_bad_parent(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory pids");
	sw_spec s = spec_for("swtest15", "../escape");
	s.limits.pids_max = 16;
	expect_failure(fk, &s, EINVAL, (const char *[]){ "bad parent", "../escape", NULL });
	s.cgroup_parent = "";
	expect_failure(fk, &s, EINVAL, (const char *[]){ "bad parent", NULL });
	s.cgroup_parent = "ok";
	s.cgroup_id = "..";
	expect_failure(fk, &s, EINVAL, (const char *[]){ "bad id", NULL });
	/* valid, but it can't be made: cgroup.procs is a file */
	s.cgroup_id = "swtest15";
	s.cgroup_parent = "new/cgroup.procs/x";
	fake_cgroup(fk, "/sys/fs/cgroup", "new");
	expect_failure(fk, &s, ENOTDIR, (const char *[]){
		"cannot create", "/sys/fs/cgroup/new/cgroup.procs", NULL });
	/* parents made by us, then a failure below them: they go too */
	s.cgroup_parent = "made/sub/cgroup.procs/x";
	expect_failure(fk, &s, ENOTDIR, (const char *[]){
		"/sys/fs/cgroup/made/sub/cgroup.procs", NULL });
	assert_false(exists(fk, "/sys/fs/cgroup/made"));
	fake_free(fk);
}

static void test_error_limits_without_id(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory");
	sw_spec s = spec_for(NULL, NULL);
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	assert_null(cg);
	s.limits.memory_max = 1 << 20;
	expect_failure(fk, &s, EINVAL, (const char *[]){ "need --cgroup", NULL });
	fake_free(fk);
}

/* ---- optional, rootless ---------------------------------------------- */

static void test_optional_warns(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory");
	fk->broken = "memory.max";
	sw_spec s = spec_for("swtest16", NULL);
	s.limits.memory_max = 67108864;
	s.cgroup_optional = true;
	char *before = snapshot(fk);
	struct sw_cgroup *cg = (struct sw_cgroup *)1;
	char warning[512];
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, warning, sizeof warning, &e), 0);
	assert_null(cg);
	assert_non_null(strstr(warning, "memory.max"));
	assert_non_null(strstr(warning, "--cgroup-optional"));
	assert_int_equal(e.code, 0); /* err untouched: the warning has it */
	char *after = snapshot(fk);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* a bad name is never excused */
	s.cgroup_id = "a/b";
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, warning, sizeof warning, &e),
			 -EINVAL);
	assert_string_equal(warning, "");
	fake_free(fk);
}

static void test_rootless_no_delegation(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	put(fk->root, "self-cgroup", "4:memory:/process_api/abc\n"); /* no 0:: line */
	fk->host.rootless = 1;
	sw_spec s = spec_for("swtest17", NULL);
	s.limits.memory_max = 67108864;
	expect_failure(fk, &s, EACCES, (const char *[]){
		"cgroup2 hierarchy at", "/sys/fs/cgroup/unified", "Delegate=yes", "chown", NULL });
	char warning[512];
	struct sw_cgroup *cg;
	s.cgroup_optional = true;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, warning, sizeof warning, NULL), 0);
	assert_null(cg);
	assert_non_null(strstr(warning, "Delegate=yes"));
	fake_free(fk);
}

/* Rootless in a delegated cgroup: the jail goes below the caller's own
 * cgroup, not at the hierarchy root. */
static void test_rootless_delegated(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "cpu memory pids");
	put(fk->root, "self-cgroup", "0::/user.slice/app.scope\n");
	fake_cgroup(fk, "/sys/fs/cgroup", "user.slice/app.scope");
	put(at(fk, "/sys/fs/cgroup"), "cgroup.subtree_control", "cpu memory pids");
	put(at(fk, "/sys/fs/cgroup/user.slice"), "cgroup.subtree_control", "cpu memory pids");
	put(at(fk, "/sys/fs/cgroup/user.slice/app.scope"), "cgroup.controllers", "cpu memory pids");
	fk->host.rootless = 1;
	sw_spec s = spec_for("swtest18", NULL);
	s.limits.pids_max = 16;
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	assert_string_equal(sw_cgroup_path(cg, 0),
			    at(fk, "/sys/fs/cgroup/user.slice/app.scope/swrap/swtest18"));
	assert_string_equal(get(sw_cgroup_path(cg, 0), "pids.max"), "16");
	assert_false(exists(fk, "/sys/fs/cgroup/swrap"));
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/user.slice/app.scope/swrap"));
	fake_free(fk);
}

/* Rootless jails go below the top of the delegated subtree (systemd's
 * user@UID.service), found by ownership, so that --cgroup-parent names the
 * same layout as for root. */
static void chown_cgroup(struct fake *fk, const char *rel)
{
	assert_int_equal(chown(at(fk, rel), 4242, 4242), 0);
	char p[PATH_MAX + 32];
	snprintf(p, sizeof p, "%s/cgroup.procs", at(fk, rel));
	assert_int_equal(chown(p, 4242, 4242), 0);
}

static const char *const USER_SCOPE =
	"user.slice/user-4242.slice/user@4242.service/app.slice/run-1.scope";
#define USER_SVC "/sys/fs/cgroup/user.slice/user-4242.slice/user@4242.service"

static void systemd_user(struct fake *fk)
{
	pure_v2(fk, "cpu memory pids");
	put(fk->root, "self-cgroup",
	    "0::/user.slice/user-4242.slice/user@4242.service/app.slice/run-1.scope\n");
	put(at(fk, "/sys/fs/cgroup"), "cgroup.subtree_control", "cpu memory pids");
	fake_cgroup(fk, "/sys/fs/cgroup", "user.slice");
	put(at(fk, "/sys/fs/cgroup/user.slice"), "cgroup.subtree_control", "cpu memory pids");
	fake_cgroup(fk, "/sys/fs/cgroup", "user.slice/user-4242.slice");
	put(at(fk, "/sys/fs/cgroup/user.slice/user-4242.slice"), "cgroup.subtree_control",
	    "cpu memory pids");
	fake_cgroup(fk, "/sys/fs/cgroup", USER_SCOPE);
	chown_cgroup(fk, USER_SVC);
	chown_cgroup(fk, USER_SVC "/app.slice");
	chown_cgroup(fk, USER_SVC "/app.slice/run-1.scope");
	fk->host.rootless = 1;
}

static void test_rootless_systemd_layout(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	systemd_user(fk);
	put(at(fk, USER_SVC "/app.slice/run-1.scope"), "cgroup.procs", "4242\n");
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(&fk->host, &l, NULL), 0);
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(&l, true, 0);
	assert_string_equal(v2->self, at(fk, USER_SVC "/app.slice/run-1.scope"));
	assert_string_equal(v2->base, at(fk, USER_SVC));
	sw_cgroup_layout_free(&l);
	/* --cgroup-parent boxlite: .../user@4242.service/boxlite/<id>; the
	 * caller's busy scope is never touched */
	sw_spec s = spec_for("swtest21", "boxlite");
	s.limits.memory_max = 67108864;
	s.limits.pids_max = 8;
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	assert_string_equal(sw_cgroup_path(cg, 0), at(fk, USER_SVC "/boxlite/swtest21"));
	assert_string_equal(get(sw_cgroup_path(cg, 0), "memory.max"), "67108864");
	assert_string_equal(get(at(fk, USER_SVC "/app.slice/run-1.scope"),
				"cgroup.subtree_control"), "");
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	assert_false(exists(fk, USER_SVC "/boxlite"));
	fake_free(fk);
}

/* cgroup2 takes controllers only in a cgroup without processes: a parent
 * holding someone's processes is refused with the reason, and swrap's own
 * busy cgroup is what the caller must leave (the doctor's dry run says
 * so instead of moving anyone). */
static void test_busy_levels(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory pids");
	fake_cgroup(fk, "/sys/fs/cgroup", "svc");
	put(at(fk, "/sys/fs/cgroup/svc"), "cgroup.procs", "77\n78\n");
	sw_spec s = spec_for("swtest22", "svc");
	s.limits.pids_max = 8;
	expect_failure(fk, &s, EBUSY, (const char *[]){
		"/sys/fs/cgroup/svc holds processes (pid 77, ...)", "--cgroup-parent", NULL });
	/* the caller's own cgroup, in the dry run */
	put(fk->root, "self-cgroup", "0::/svc\n");
	fk->host.no_move = true;
	expect_failure(fk, &s, EAGAIN, (const char *[]){
		"will move the processes of", "/sys/fs/cgroup/svc/" SW_CGROUP_CALLER_LEAF, NULL });
	/* the root cgroup (no cgroup.type) may hold processes */
	put(at(fk, "/sys/fs/cgroup"), "cgroup.procs", "1\n");
	s.cgroup_parent = NULL;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	fake_free(fk);
}

/* The doctor's trial: PASS where a jail with limits can be made (and
 * nothing is left), FAIL with the fix where it can't. */
static void test_trial(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	systemd_user(fk);
	char detail[256], fix[768];
	char *before = snapshot(fk);
	assert_int_equal(sw_cgroup_trial_at(&fk->host, detail, sizeof detail, fix, sizeof fix), 0);
	assert_non_null(strstr(detail, "made and removed in "));
	assert_non_null(strstr(detail, USER_SVC "/swrap"));
	assert_string_equal(fix, "");
	char *after = snapshot(fk);
	/* the controllers stay enabled where they were enabled */
	put(at(fk, USER_SVC), "cgroup.subtree_control", "");
	free(after);
	after = snapshot(fk);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* no cgroup of ours to write (the tests run as root, so an
	 * unwritable one can't be faked by permissions) */
	put(fk->root, "self-cgroup", "1:name=systemd:/x\n");
	assert_int_equal(sw_cgroup_trial_at(&fk->host, detail, sizeof detail, fix, sizeof fix), 2);
	assert_non_null(strstr(fix, "Delegate=yes"));
	/* delegated, but memory is not offered to it */
	put(fk->root, "self-cgroup",
	    "0::/user.slice/user-4242.slice/user@4242.service/app.slice/run-1.scope\n");
	put(at(fk, USER_SVC), "cgroup.controllers", "pids");
	assert_int_equal(sw_cgroup_trial_at(&fk->host, detail, sizeof detail, fix, sizeof fix), 2);
	assert_non_null(strstr(detail, "memory"));
	assert_non_null(strstr(fix, "subtree_control"));
	fake_free(fk);
}

/* ---- removal --------------------------------------------------------- */

/* Only parents swrap made are removed, and only once empty: by the jail
 * that made them or, through their mark, by the last jail to leave. */
static void test_destroy_keeps_foreign_parents(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "pids");
	fake_cgroup(fk, "/sys/fs/cgroup", "theirs");
	sw_spec a = spec_for("swtest19a", "theirs/ours");
	sw_spec b = spec_for("swtest19b", "theirs/ours");
	a.limits.pids_max = b.limits.pids_max = 8;
	struct sw_cgroup *ca, *cb;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &a, &ca, NULL, 0, NULL), 0);
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &b, &cb, NULL, 0, NULL), 0);
	/* a made "ours"; b found it: a goes first, "ours" stays for b */
	assert_int_equal(sw_cgroup_destroy(ca, NULL), 0);
	assert_true(exists(fk, "/sys/fs/cgroup/theirs/ours/swtest19b"));
	assert_false(exists(fk, "/sys/fs/cgroup/theirs/ours/swtest19a"));
	/* The mark is a user xattr: a file system without them (tmpfs
	 * before Linux 6.6) leaves "ours" to its maker, as cgroup v1 does. */
	bool marked = getxattr(at(fk, "/sys/fs/cgroup/theirs/ours"), SW_CGROUP_MARK,
			       NULL, 0) >= 0;
	print_message("  the parent is %smarked\n", marked ? "" : "not ");
	assert_int_equal(sw_cgroup_destroy(cb, NULL), 0);
	assert_int_equal(exists(fk, "/sys/fs/cgroup/theirs/ours"), !marked);
	assert_true(exists(fk, "/sys/fs/cgroup/theirs")); /* never ours */
	/* b made nothing and a marked nothing: nothing of theirs goes */
	sw_spec c = spec_for("swtest19c", "theirs");
	c.limits.pids_max = 8;
	struct sw_cgroup *cc;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &c, &cc, NULL, 0, NULL), 0);
	assert_int_equal(sw_cgroup_destroy(cc, NULL), 0);
	assert_true(exists(fk, "/sys/fs/cgroup/theirs"));
	fake_free(fk);
}

/* Another jail removed a shared parent between our mkdirs: try again. */
static void test_parent_vanishes(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "pids");
	snprintf(fk->enoent_once, sizeof fk->enoent_once, "%s",
		 at(fk, "/sys/fs/cgroup/swrap/swtest20"));
	sw_spec s = spec_for("swtest20", NULL);
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	assert_string_equal(fk->enoent_once, ""); /* it did happen */
	assert_true(exists(fk, "/sys/fs/cgroup/swrap/swtest20"));
	assert_int_equal(sw_cgroup_destroy(cg, NULL), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/swrap"));
	fake_free(fk);
}

static void test_kill_by_id(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	fake_cgroup(fk, "/sys/fs/cgroup/unified", "swrap/other");
	sw_spec s = spec_for("swtest21", NULL);
	s.limits.memory_max = 1 << 30;
	s.limits.pids_max = 64;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	sw_cgroup_release(cg); /* detached: the jail keeps its cgroups */
	assert_true(exists(fk, "/sys/fs/cgroup/memory/swrap/swtest21"));
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_kill_at(&fk->host, "swtest21", NULL, &e), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/memory/swrap/swtest21"));
	assert_false(exists(fk, "/sys/fs/cgroup/pids/swrap/swtest21"));
	assert_false(exists(fk, "/sys/fs/cgroup/unified/swrap/swtest21"));
	assert_false(exists(fk, "/sys/fs/cgroup/freezer/swrap"));
	assert_true(exists(fk, "/sys/fs/cgroup/unified/swrap/other"));
	/* gone now: a clear error naming what was looked for */
	assert_int_equal(sw_cgroup_kill_at(&fk->host, "swtest21", NULL, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "swrap/swtest21"));
	assert_non_null(strstr(e.msg, at(fk, "/sys/fs/cgroup/memory")));
	assert_int_equal(sw_cgroup_kill_at(&fk->host, "..", NULL, &e), -EINVAL);
	fake_free(fk);
}

/* A leaf that won't go is an error naming it; the other leaves still go. */
static void test_destroy_error(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	sw_spec s = spec_for("swtest22", NULL);
	s.limits.memory_max = 1 << 30;
	s.limits.pids_max = 64;
	struct sw_cgroup *cg;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, NULL), 0);
	snprintf(fk->eperm, sizeof fk->eperm, "%s", sw_cgroup_path(cg, SW_CGC_MEMORY));
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_destroy(cg, &e), -EPERM);
	assert_int_equal(e.code, -EPERM);
	assert_non_null(strstr(e.msg, "removing"));
	assert_non_null(strstr(e.msg, "/sys/fs/cgroup/memory/swrap/swtest22"));
	assert_false(exists(fk, "/sys/fs/cgroup/pids/swrap"));
	assert_false(exists(fk, "/sys/fs/cgroup/unified/swrap"));
	assert_true(exists(fk, "/sys/fs/cgroup/memory/swrap/swtest22"));
	fk->eperm[0] = 0;
	fake_free(fk);
}


/* What a hostile jail leaves in its leaf: siblings, a chain whose path is
 * longer than PATH_MAX, and a symlink to a directory outside. Teardown
 * removes every cgroup, follows no symlink, and the id is free again. */
static void test_subcgroups_removed(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	pure_v2(fk, "memory pids");
	char outside[PATH_MAX];
	snprintf(outside, sizeof outside, "%s/outside", fk->root);
	mkdir_p(outside);
	put(outside, "keep", "1");
	char *before = snapshot(fk);
	sw_spec s = spec_for("swtest23", NULL);
	s.limits.pids_max = 20;
	for (int run = 0; run < 2; run++) {
		struct sw_cgroup *cg;
		sw_error e = { 0 };
		assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
		int fd = open(sw_cgroup_jail_path(cg, 0), O_RDONLY | O_DIRECTORY);
		assert_true(fd >= 0);
		for (int i = 0; i < 5; i++) {
			char n[16];
			snprintf(n, sizeof n, "sib%d", i);
			assert_int_equal(mkdirat(fd, n, 0755), 0);
		}
		assert_int_equal(symlinkat(outside, fd, "link"), 0);
		char name[201];
		memset(name, 'd', 200);
		name[200] = 0;
		for (int depth = 0; depth < 40; depth++) { /* 8 KiB of path */
			assert_int_equal(mkdirat(fd, name, 0755), 0);
			int next = openat(fd, name, O_RDONLY | O_DIRECTORY);
			assert_true(next >= 0);
			close(fd);
			fd = next;
		}
		close(fd);
		assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
		char *after = snapshot(fk);
		assert_string_equal(before, after);
		free(after);
	}
	assert_string_equal(get(outside, "keep"), "1");
	free(before);
	fake_free(fk);
}

/* A sub-cgroup that can't be removed is an error naming it, and what is
 * around it still goes; once it can go, --kill-cgroup removes the rest. */
static void test_subcgroup_removal_reported(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	hybrid(fk, false);
	sw_spec s = spec_for("swtest24", NULL);
	s.limits.memory_max = 1 << 30;
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/stuck", sw_cgroup_jail_path(cg, SW_CGC_MEMORY));
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/fine", sw_cgroup_jail_path(cg, SW_CGC_MEMORY));
	assert_int_equal(mkdir(p, 0755), 0);
	fk->eperm_name = "stuck";
	assert_int_equal(sw_cgroup_destroy(cg, &e), -EPERM);
	print_message("  %s\n", e.msg);
	assert_non_null(strstr(e.msg, "sub-cgroup"));
	assert_non_null(strstr(e.msg, "/sys/fs/cgroup/memory/swrap/swtest24/jail/stuck"));
	assert_true(exists(fk, "/sys/fs/cgroup/memory/swrap/swtest24/jail/stuck"));
	assert_false(exists(fk, "/sys/fs/cgroup/memory/swrap/swtest24/jail/fine"));
	assert_false(exists(fk, "/sys/fs/cgroup/unified/swrap"));
	/* the id is taken until it is removed */
	struct sw_cgroup *again;
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &again, NULL, 0, &e), -EEXIST);
	fk->eperm_name = NULL;
	assert_int_equal(sw_cgroup_kill_at(&fk->host, "swtest24", NULL, &e), 0);
	assert_false(exists(fk, "/sys/fs/cgroup/memory/swrap"));
	fake_free(fk);
}

/* v1 memory: a limit bounds the cgroups below only with use_hierarchy 1,
 * which prepare sets on <id> before making the jail leaf, or fails. */
static void test_v1_use_hierarchy(void **state)
{
	(void)state;
	struct fake *fk = fake_new();
	fake_mount(fk, "/sys/fs/cgroup/memory", false, "memory", "/");
	fake_mount(fk, "/sys/fs/cgroup/freezer", false, "freezer", "/");
	put(fk->root, "self-cgroup", "2:memory:/\n1:freezer:/\n");
	fake_cgroup(fk, "/sys/fs/cgroup/memory", "old");
	put(at(fk, "/sys/fs/cgroup/memory/old"), "memory.use_hierarchy", "0\n");
	sw_spec s = spec_for("swtest25", "old");
	s.limits.memory_max = 1 << 30;
	struct sw_cgroup *cg;
	sw_error e = { 0 };
	/* fake_mkdir copies nothing from the parent: model the inheritance */
	assert_int_equal(sw_cgroup_prepare_at(&fk->host, &s, &cg, NULL, 0, &e), 0);
	assert_string_equal(get(sw_cgroup_path(cg, SW_CGC_MEMORY), "memory.use_hierarchy"), "1");
	assert_int_equal(sw_cgroup_destroy(cg, &e), 0);
	/* a kernel that keeps it 0: an error naming the file, nothing left */
	fk->devnull = "memory.use_hierarchy";
	expect_failure(fk, &s, EPERM, (const char *[]){
		"/sys/fs/cgroup/memory/old/swtest25/memory.use_hierarchy", "stays 0", NULL });
	fk->devnull = NULL;
	fake_free(fk);
}

static int free_fakes(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		if (live[i])
			fake_free(live[i]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse_and_format, free_fakes),
		cmocka_unit_test_teardown(test_names, free_fakes),
		cmocka_unit_test_teardown(test_weight_to_shares, free_fakes),
		cmocka_unit_test_teardown(test_discover_pure_v2, free_fakes),
		cmocka_unit_test_teardown(test_discover_hybrid, free_fakes),
		cmocka_unit_test_teardown(test_discover_comounted_and_rootless, free_fakes),
		cmocka_unit_test_teardown(test_discover_mount_root, free_fakes),
		cmocka_unit_test_teardown(test_discover_bad_mountinfo, free_fakes),
		cmocka_unit_test_teardown(test_enable_intersection, free_fakes),
		cmocka_unit_test_teardown(test_enable_only_missing, free_fakes),
		cmocka_unit_test_teardown(test_no_limits, free_fakes),
		cmocka_unit_test_teardown(test_limits_v2, free_fakes),
		cmocka_unit_test_teardown(test_cpu_max_forms, free_fakes),
		cmocka_unit_test_teardown(test_limits_v1, free_fakes),
		cmocka_unit_test_teardown(test_pure_v1_freezer, free_fakes),
		cmocka_unit_test_teardown(test_attach, free_fakes),
		cmocka_unit_test_teardown(test_oom_killed, free_fakes),
		cmocka_unit_test_teardown(test_error_unwritable_limit, free_fakes),
		cmocka_unit_test_teardown(test_error_unwritable_v1, free_fakes),
		cmocka_unit_test_teardown(test_error_unwritable_subtree_control, free_fakes),
		cmocka_unit_test_teardown(test_error_existing_id, free_fakes),
		cmocka_unit_test_teardown(test_error_missing_controller, free_fakes),
		cmocka_unit_test_teardown(test_error_bad_parent, free_fakes),
		cmocka_unit_test_teardown(test_error_limits_without_id, free_fakes),
		cmocka_unit_test_teardown(test_optional_warns, free_fakes),
		cmocka_unit_test_teardown(test_rootless_no_delegation, free_fakes),
		cmocka_unit_test_teardown(test_rootless_delegated, free_fakes),
		cmocka_unit_test_teardown(test_rootless_systemd_layout, free_fakes),
		cmocka_unit_test_teardown(test_busy_levels, free_fakes),
		cmocka_unit_test_teardown(test_trial, free_fakes),
		cmocka_unit_test_teardown(test_destroy_keeps_foreign_parents, free_fakes),
		cmocka_unit_test_teardown(test_parent_vanishes, free_fakes),
		cmocka_unit_test_teardown(test_kill_by_id, free_fakes),
		cmocka_unit_test_teardown(test_destroy_error, free_fakes),
		cmocka_unit_test_teardown(test_subcgroups_removed, free_fakes),
		cmocka_unit_test_teardown(test_subcgroup_removal_reported, free_fakes),
		cmocka_unit_test_teardown(test_v1_use_hierarchy, free_fakes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
