/* atk_cgroup — the hostile program of tests/security/test_cgroup_escape:
 * run inside a jail with a cgroup, it goes after that cgroup with no
 * capability of its own. Every mode first tries the host's cgroupfs as
 * the jail shows it (the parent of each of its cgroups, where the limits
 * would be), then makes a user+mount+cgroup namespace of its own (which
 * needs no capability), mounts cgroup2 and each v1 hierarchy it is in
 * (the root of each such mount is its own cgroup) and does its work
 * there. It prints "NAME: RESULT" lines, RESULT "ok" or the errno name.
 *
 *   raise NPROC MIB   writes "max" (v1: -1) to every memory.max,
 *                     memory.high, memory.limit_in_bytes, pids.max,
 *                     cpu.max, cpu.cfs_quota_us ... of every cgroup it can
 *                     see ("write WHERE: RESULT" for each file that
 *                     exists), then forks NPROC children ("forked N",
 *                     "fork-errno E") and a child that touches MIB MiB
 *                     ("mem: exit N" or "mem: signal N")
 *   tree DEPTH        in each mount: 5 sibling sub-cgroups, a symlink,
 *                     and a chain of DEPTH sub-cgroups with 200-character
 *                     names (longer than PATH_MAX from DEPTH 20 on) holding
 *                     a child process at the bottom ("tree MOUNT: ok")
 *   freeze [stay]     in the cgroup2 mount and the v1 freezer mount: a
 *                     sub-cgroup holding a child process, frozen ("froze
 *                     v2: ok", "froze v1: ok"); then exits, or with stay
 *                     prints "ready" and sleeps
 *
 * ATK_CG_ONLY=TEXT (environment) keeps it to the hierarchies where its
 * cgroup's path holds TEXT (the test's own parent), the v1 freezer
 * excepted in freeze mode (its sub-cgroup is named swtest-esc-fz): where
 * a root launcher's jail sits in the host's root cgroup, this test is not
 * to lift the host's limits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_MOUNTS 16

static const char *res(long r)
{
	static char b[64];
	if (r >= 0)
		return "ok";
	const char *n = strerrorname_np(errno);
	snprintf(b, sizeof b, "%s", n ? n : "E?");
	return b;
}

static int write_at(int dfd, const char *file, const char *value)
{
	int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, value, strlen(value));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

static int read_at(int dfd, const char *file, char *buf, size_t len)
{
	int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n < 0 ? -1 : 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- what the jail is in ------------------------------------------------ */

struct hier {
	char ctls[128]; /* "" for cgroup2, else "pids" or "cpu,cpuacct" */
	char path[1024]; /* the jail's cgroup in it, as /proc/self/cgroup says */
	char mnt[64];    /* where this program mounted it, or "" */
	bool ours;       /* within ATK_CG_ONLY */
};

static struct hier hs[MAX_MOUNTS];
static int nh;

static void read_self(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[2048];
	while (f && nh < MAX_MOUNTS && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = 0;
		if (strncmp(c1 + 1, "name=", 5) == 0)
			continue;
		snprintf(hs[nh].ctls, sizeof hs[nh].ctls, "%s", c1 + 1);
		snprintf(hs[nh].path, sizeof hs[nh].path, "%s", c2 + 1);
		const char *only = getenv("ATK_CG_ONLY");
		hs[nh].ours = !only || strstr(hs[nh].path, only) != NULL;
		nh++;
	}
	if (f)
		fclose(f);
}

/* ---- the limit files ---------------------------------------------------- */

static const char *const limit_files[][2] = {
	{ "memory.max", "max" },           { "memory.high", "max" },
	{ "memory.swap.max", "max" },      { "pids.max", "max" },
	{ "cpu.max", "max" },              { "memory.limit_in_bytes", "-1" },
	{ "memory.memsw.limit_in_bytes", "-1" },
	{ "memory.soft_limit_in_bytes", "-1" }, { "cpu.cfs_quota_us", "-1" },
};

static void raise_in(int dfd, const char *where)
{
	for (size_t i = 0; i < sizeof limit_files / sizeof *limit_files; i++) {
		if (faccessat(dfd, limit_files[i][0], F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		long r = write_at(dfd, limit_files[i][0], limit_files[i][1]);
		printf("write %s/%s: %s\n", where, limit_files[i][0], res(r));
	}
}

/* Every cgroup below dfd (a few levels: what this program can see). */
static void raise_tree(int dfd, const char *where, int depth)
{
	raise_in(dfd, where);
	if (depth > 6)
		return;
	int dup = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		char w[2048];
		snprintf(w, sizeof w, "%s/%s", where, e->d_name);
		raise_tree(sub, w, depth + 1);
		close(sub);
	}
	if (d)
		closedir(d);
}

/* The host's cgroupfs as the jail shows it: each of its cgroups' parent
 * (and the cgroup itself) under /sys/fs/cgroup. */
static void raise_host(void)
{
	for (int i = 0; i < nh; i++) {
		if (!hs[i].ours)
			continue;
		const char *roots[3];
		int nr = 0;
		char v1[256];
		if (hs[i].ctls[0]) {
			snprintf(v1, sizeof v1, "/sys/fs/cgroup/%.127s", hs[i].ctls);
			roots[nr++] = v1;
		} else {
			roots[nr++] = "/sys/fs/cgroup/unified";
			roots[nr++] = "/sys/fs/cgroup";
		}
		for (int k = 0; k < nr; k++) {
			char p[2048];
			snprintf(p, sizeof p, "%s%s", roots[k], hs[i].path);
			int dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd < 0)
				continue;
			char w[2100];
			snprintf(w, sizeof w, "host:%s", p);
			raise_in(dfd, w);
			int up = openat(dfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			snprintf(w, sizeof w, "host:%s/..", p);
			if (up >= 0) {
				raise_in(up, w);
				close(up);
			}
			close(dfd);
			break;
		}
	}
}

/* ---- a namespace of its own, and cgroupfs in it --------------------------- */

static int put(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

static int own_namespaces(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	long r = unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP);
	printf("unshare: %s\n", res(r));
	if (r < 0)
		return -1;
	char m[64];
	snprintf(m, sizeof m, "0 %u 1", (unsigned)uid);
	put("/proc/self/setgroups", "deny");
	long w = put("/proc/self/uid_map", m);
	printf("uid_map %s: %s\n", m, res(w));
	if (w < 0)
		return -1;
	snprintf(m, sizeof m, "0 %u 1", (unsigned)gid);
	put("/proc/self/gid_map", m);
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	/* a place for the mounts, wherever one can be made */
	if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL) < 0)
		return -1;
	return 0;
}

static void mount_all(bool freezer)
{
	for (int i = 0; i < nh; i++) {
		if (!hs[i].ours && !(freezer && strstr(hs[i].ctls, "freezer")))
			continue;
		snprintf(hs[i].mnt, sizeof hs[i].mnt, "/tmp/cg%d", i);
		mkdir(hs[i].mnt, 0755);
		long r = hs[i].ctls[0] ? mount("cgroup", hs[i].mnt, "cgroup", 0, hs[i].ctls)
				       : mount("cgroup2", hs[i].mnt, "cgroup2", 0, NULL);
		printf("mount %s: %s\n", hs[i].ctls[0] ? hs[i].ctls : "cgroup2", res(r));
		if (r < 0)
			hs[i].mnt[0] = 0;
	}
}

/* ---- children --------------------------------------------------------- */

static pid_t waiter(void)
{
	pid_t p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	return p;
}

static int move_into(int dfd, pid_t pid)
{
	char v[24];
	snprintf(v, sizeof v, "%d", (int)pid);
	return write_at(dfd, "cgroup.procs", v);
}

static void do_raise(int nproc, long mib)
{
	raise_host();
	if (own_namespaces() == 0) {
		mount_all(false);
		for (int i = 0; i < nh; i++) {
			int dfd = hs[i].mnt[0] ? open(hs[i].mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
			if (dfd < 0)
				continue;
			char w[256];
			snprintf(w, sizeof w, "%.127s", hs[i].ctls[0] ? hs[i].ctls : "cgroup2");
			raise_tree(dfd, w, 0);
			close(dfd);
		}
	}
	fflush(stdout);
	pid_t kids[4096];
	int n = 0, err = 0;
	while (n < nproc && n < 4096) {
		pid_t p = waiter();
		if (p < 0) {
			err = errno;
			break;
		}
		kids[n++] = p;
	}
	printf("forked %d\nfork-errno %d\n", n, err);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	fflush(stdout);
	pid_t t = fork();
	if (t == 0) {
		size_t bytes = (size_t)mib << 20;
		char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (size_t i = 0; i < bytes; i += 4096)
			p[i] = 1;
		_exit(0);
	}
	int st = 0;
	if (t > 0)
		waitpid(t, &st, 0);
	if (t > 0 && WIFSIGNALED(st))
		printf("mem: signal %d\n", WTERMSIG(st));
	else
		printf("mem: exit %d\n", t > 0 ? WEXITSTATUS(st) : -1);
}

static void do_tree(int depth)
{
	if (own_namespaces() < 0)
		return;
	mount_all(false);
	char name[201];
	memset(name, 't', 200);
	name[200] = 0;
	for (int i = 0; i < nh; i++) {
		int dfd = hs[i].mnt[0] ? open(hs[i].mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd < 0)
			continue;
		long r = 0;
		for (int k = 0; k < 5 && r == 0; k++) {
			char s[32];
			snprintf(s, sizeof s, "swtest-esc-sib%d", k);
			r = mkdirat(dfd, s, 0755);
		}
		symlinkat("/tmp", dfd, "swtest-esc-link"); /* cgroupfs refuses it */
		for (int k = 0; r == 0 && k < depth; k++) {
			r = mkdirat(dfd, name, 0755);
			int sub = r == 0 ? openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
			if (r == 0 && sub < 0)
				r = -1;
			if (sub >= 0) {
				close(dfd);
				dfd = sub;
			}
		}
		if (r == 0) {
			pid_t p = waiter();
			r = p < 0 ? -1 : move_into(dfd, p);
		}
		printf("tree %s: %s\n", hs[i].ctls[0] ? hs[i].ctls : "cgroup2", res(r));
		close(dfd);
	}
}

/* A sub-cgroup of mount m holding a waiting child, frozen. */
static long freeze_one(const char *m, bool v2)
{
	int dfd = open(m, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	long r = mkdirat(dfd, "swtest-esc-fz", 0755);
	int sub = r == 0 ? openat(dfd, "swtest-esc-fz", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	close(dfd);
	if (sub < 0)
		return -1;
	pid_t p = waiter();
	r = p < 0 ? -1 : move_into(sub, p);
	if (r == 0)
		r = v2 ? write_at(sub, "cgroup.freeze", "1") : write_at(sub, "freezer.state", "FROZEN");
	char buf[256] = "";
	for (int i = 0; r == 0 && i < 500; i++) {
		read_at(sub, v2 ? "cgroup.events" : "freezer.state", buf, sizeof buf);
		if (v2 ? strstr(buf, "frozen 1") != NULL : strncmp(buf, "FROZEN", 6) == 0)
			break;
		sleep_ms(10);
	}
	if (r == 0 && !(v2 ? strstr(buf, "frozen 1") : strstr(buf, "FROZEN"))) {
		errno = EAGAIN;
		r = -1;
	}
	close(sub);
	return r;
}

static void do_freeze(bool stay)
{
	if (own_namespaces() == 0) {
		mount_all(true);
		for (int i = 0; i < nh; i++) {
			bool v2 = !hs[i].ctls[0];
			if (!hs[i].mnt[0] || (!v2 && !strstr(hs[i].ctls, "freezer")))
				continue;
			long r = freeze_one(hs[i].mnt, v2);
			printf("froze %s: %s\n", v2 ? "v2" : "v1", res(r));
		}
	}
	if (!stay)
		return;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	read_self();
	if (argc >= 4 && strcmp(argv[1], "raise") == 0)
		do_raise(atoi(argv[2]), atol(argv[3]));
	else if (argc >= 3 && strcmp(argv[1], "tree") == 0)
		do_tree(atoi(argv[2]));
	else if (argc >= 2 && strcmp(argv[1], "freeze") == 0)
		do_freeze(argc >= 3 && strcmp(argv[2], "stay") == 0);
	else {
		fprintf(stderr, "usage: atk_cgroup raise NPROC MIB | tree DEPTH | freeze [stay]\n");
		return 2;
	}
	fflush(stdout);
	return 0;
}
