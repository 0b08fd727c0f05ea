/* harness.c — see harness.h. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum sw_as sw_as_root_v = SW_AS_ROOT, sw_as_user_v = SW_AS_USER;

extern char **environ;

static const char *absolute(const char *rel, char *buf, size_t len)
{
	if (rel[0] == '/')
		return rel;
	if (!getcwd(buf, len)) {
		fprintf(stderr, "harness: getcwd: %s\n", strerror(errno));
		exit(1);
	}
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "/%s", rel);
	return buf;
}

/* ---- staging ------------------------------------------------------------
 *
 * The unprivileged half of the tests runs swrap, the helpers, the parity
 * probe and the static swrap as SW_TEST_UID, which needs search permission
 * on every directory above them. A checkout in a 0700 directory (root's
 * home, say) does not give it. So when the test uid can't reach one of
 * those, the harness copies it into a fresh root-owned 0755 directory,
 * /tmp/swstage.XXXXXX, at the same path relative to the build directory
 * (swrap, tests/helpers/..., tests/parity/probe, static/swrap), and removes
 * that directory when the test binary exits.
 *
 * Why here and not once in scripts/run-tests.sh: a test binary run by hand
 * must behave as under `make check`. Why before main (a constructor) and
 * not on first use: tests fork and drop to the test uid before they ask for
 * a path (sw_in_launcher, test_doctor's exec), and a child as SW_TEST_UID
 * can't copy anything; before main the process also has no threads yet.
 * Each test binary stages its own copy (a few MB, milliseconds); a run from
 * a reachable checkout stages nothing and uses the build directory as is. */

enum { ST_SWRAP, ST_HELPERS, ST_PROBE, ST_STATIC, ST_N };
static char staged[ST_N][PATH_MAX]; /* what the tests use: absolute */
static char stage_dir[PATH_MAX];     /* "" when nothing was staged */
static pid_t stage_pid;

static void stage_fail(const char *what, const char *path)
{
	fprintf(stderr, "harness: staging the test programs: %s %s: %s\n",
		what, path, strerror(errno));
	exit(1);
}

/* dst (PATH_MAX bytes) = a/b */
static void join(char *dst, const char *a, const char *b)
{
	if (snprintf(dst, PATH_MAX, "%s/%s", a, b) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		stage_fail("path", a);
	}
}

/* Can SW_TEST_UID (no supplementary groups) get at path with mode
 * (access(2) bits)? Asked of a forked child that has dropped to it. */
static bool test_uid_reaches(const char *path, int mode)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		stage_fail("fork", "");
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(SW_TEST_GID, SW_TEST_GID, SW_TEST_GID) < 0 ||
		    setresuid(SW_TEST_UID, SW_TEST_UID, SW_TEST_UID) < 0)
			_exit(2);
		_exit(access(path, mode) == 0 ? 0 : 1);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			stage_fail("waitpid", "");
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void unstage(void)
{
	if (stage_dir[0] && getpid() == stage_pid) /* not in forked children */
		sw_rmtree(stage_dir);
}

/* mkdir -p of path's parent directories below stage_dir, mode 0755. */
static void stage_parents(char *path)
{
	for (char *p = path + strlen(stage_dir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			stage_fail("mkdir", path);
		*p = '/';
	}
}

static void copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (in < 0 || fstat(in, &st) < 0)
		stage_fail("open", from);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		stage_fail("create", to);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, n) != n)
			stage_fail("write", to);
	/* The file's own mode (0755 for a program: readable, so that a run
	 * of it as the test uid stays dumpable, as the original would). */
	if (n < 0 || fchmod(out, st.st_mode & 0777) < 0 || close(out) < 0)
		stage_fail("copy", from);
	close(in);
}

/* Copies src (a file, or a directory's regular files) to stage_dir/rel;
 * the copy's path goes to dst. */
static void stage_one(const char *src, const char *rel, char *dst)
{
	if (!stage_dir[0]) {
		snprintf(stage_dir, sizeof stage_dir, "/tmp/swstage.XXXXXX");
		if (!mkdtemp(stage_dir) || chmod(stage_dir, 0755) < 0)
			stage_fail("mkdtemp", stage_dir);
		stage_pid = getpid();
		atexit(unstage);
	}
	join(dst, stage_dir, rel);
	stage_parents(dst);
	struct stat st;
	if (stat(src, &st) < 0)
		stage_fail("stat", src);
	if (!S_ISDIR(st.st_mode)) {
		copy_file(src, dst);
		return;
	}
	if (mkdir(dst, 0755) < 0)
		stage_fail("mkdir", dst);
	DIR *d = opendir(src);
	if (!d)
		stage_fail("opendir", src);
	struct dirent *e;
	while ((e = readdir(d))) {
		char from[PATH_MAX], to[PATH_MAX];
		join(from, src, e->d_name);
		join(to, dst, e->d_name);
		if (stat(from, &st) == 0 && S_ISREG(st.st_mode))
			copy_file(from, to);
	}
	closedir(d);
}

/* staged[i] = path (made absolute), or its staged copy when the test uid
 * can't reach it. A missing file is left as it is: the tests say so. */
static void stage_path(int i, const char *path, const char *rel)
{
	char abs[PATH_MAX];
	const char *p = absolute(path, abs, sizeof abs);
	snprintf(staged[i], PATH_MAX, "%s", p);
	if (geteuid() != 0 || access(p, F_OK) < 0 || test_uid_reaches(p, X_OK))
		return;
	stage_one(p, rel, staged[i]);
}

/* Where runs start (see sw_run_cwd). */
static char cwd_root[PATH_MAX], cwd_user[PATH_MAX];

static void choose_cwds(void)
{
	if (!getcwd(cwd_root, sizeof cwd_root)) {
		fprintf(stderr, "harness: getcwd: %s\n", strerror(errno));
		exit(1);
	}
	bool reach = geteuid() != 0 || test_uid_reaches(cwd_root, X_OK);
	snprintf(cwd_user, sizeof cwd_user, "%s", reach ? cwd_root : "/tmp");
}

__attribute__((constructor)) static void stage(void)
{
	choose_cwds();
	const char *b = getenv("SW_BUILD"), *s = getenv("SWRAP"),
		   *st = getenv("SWRAP_STATIC");
	char p[PATH_MAX];
	if (!b)
		b = "build";
	if (s)
		stage_path(ST_SWRAP, s, "swrap");
	else {
		snprintf(p, sizeof p, "%s/swrap", b);
		stage_path(ST_SWRAP, p, "swrap");
	}
	snprintf(p, sizeof p, "%s/tests/helpers", b);
	stage_path(ST_HELPERS, p, "tests/helpers");
	snprintf(p, sizeof p, "%s/tests/parity/probe", b);
	stage_path(ST_PROBE, p, "tests/parity/probe");
	if (st)
		stage_path(ST_STATIC, st, "static/swrap");
	else {
		snprintf(p, sizeof p, "%s/static/swrap", b);
		stage_path(ST_STATIC, p, "static/swrap");
	}
}

const char *sw_swrap(void)
{
	return staged[ST_SWRAP];
}

const char *sw_helper(const char *name)
{
	static char path[8][PATH_MAX];
	static int next;
	char *slot = path[next++ % 8];
	join(slot, staged[ST_HELPERS], name);
	return slot;
}

const char *sw_run_cwd(enum sw_as as)
{
	return as == SW_AS_USER ? cwd_user : cwd_root;
}

const char *sw_parity_probe(void)
{
	return staged[ST_PROBE];
}

const char *sw_static_swrap(void)
{
	return staged[ST_STATIC];
}

void sw_drop_privileges(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(SW_TEST_GID, SW_TEST_GID, SW_TEST_GID) < 0 ||
	    setresuid(SW_TEST_UID, SW_TEST_UID, SW_TEST_UID) < 0) {
		perror("drop privileges");
		_exit(125);
	}
	/* As a program the user started would be: the uid change cleared
	 * the flag (test_library's non-dumpable case sets it back to 0). */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static char *slurp_append(char *buf, size_t *len, const char *data, size_t n)
{
	char *nb = realloc(buf, *len + n + 1);
	assert_non_null(nb);
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = 0;
	return nb;
}

static void read_both(int ofd, int efd, struct sw_run *r, pid_t pid)
{
	size_t olen = 0, elen = 0;
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	struct pollfd p[2] = { { ofd, POLLIN, 0 }, { efd, POLLIN, 0 } };
	time_t deadline = time(NULL) + 60;
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			fail_msg("run timed out after 60 s");
		}
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			fail_msg("poll: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			char tmp[4096];
			ssize_t n = read(p[i].fd, tmp, sizeof tmp);
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
			} else if (i == 0) {
				r->out = slurp_append(r->out, &olen, tmp, n);
			} else {
				r->err = slurp_append(r->err, &elen, tmp, n);
			}
		}
	}
}

void sw_run_env(enum sw_as as, const char *const *env, struct sw_run *r,
		const char *const *argv)
{
	int o[2], e[2];
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		if (as == SW_AS_USER) {
			sw_drop_privileges();
			if (strcmp(cwd_user, cwd_root) != 0 &&
			    (chdir(cwd_user) < 0 || setenv("PWD", cwd_user, 1) < 0)) {
				fprintf(stderr, "chdir %s: %s\n", cwd_user, strerror(errno));
				_exit(125);
			}
		}
		for (; env && *env; env++)
			if (strchr(*env, '='))
				putenv((char *)*env);
			else
				unsetenv(*env);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(125);
	}
	close(o[1]);
	close(e[1]);
	read_both(o[0], e[0], r, pid);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void sw_run(enum sw_as as, struct sw_run *r, const char *const *argv)
{
	sw_run_env(as, NULL, r, argv);
}

void sw_run_free(struct sw_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *sw_tmpdir(enum sw_as as)
{
	char *p = strdup("/tmp/swtest.XXXXXX");
	assert_non_null(mkdtemp(p));
	if (as == SW_AS_USER)
		assert_int_equal(chown(p, SW_TEST_UID, SW_TEST_GID), 0);
	assert_int_equal(chmod(p, 0755), 0);
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)f;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? 0 : 0;
	unlink(path);
	return 0;
}

void sw_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void sw_write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	size_t n = strlen(content);
	assert_int_equal(write(fd, content, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

int sw_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

bool sw_has_line(const char *s, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = s; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && memcmp(p, line, n) == 0)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

void sw_expect_caps(const char *status, const char *hex)
{
	const char *sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	for (int i = 0; i < 5; i++) {
		char line[64];
		snprintf(line, sizeof line, "%s:\t%s", sets[i], hex);
		if (!sw_has_line(status, line))
			fail_msg("no \"%s\" in:\n%s", line, status);
	}
}

/* ---- cgroups ------------------------------------------------------------ */

static char leftover_found[PATH_MAX];
static const char *leftover_prefix;

static int find_leftover(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	if ((flag == FTW_D || flag == FTW_DP) &&
	    strncmp(p + f->base, leftover_prefix, strlen(leftover_prefix)) == 0) {
		snprintf(leftover_found, sizeof leftover_found, "%s", p);
		return 1;
	}
	return 0;
}

const char *sw_cgroup_leftover(const char *prefix)
{
	leftover_found[0] = 0;
	leftover_prefix = prefix;
	nftw("/sys/fs/cgroup", find_leftover, 32, FTW_PHYS | FTW_DEPTH);
	return leftover_found[0] ? leftover_found : NULL;
}

int sw_run_in_cgroups(const char *const *dirs, size_t n, const char *const *argv,
		      char *out, size_t len)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		char me[24], f[PATH_MAX + 16];
		snprintf(me, sizeof me, "%d", (int)getpid());
		for (size_t i = 0; i < n; i++) {
			snprintf(f, sizeof f, "%s/cgroup.procs", dirs[i]);
			int fd = open(f, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, me, strlen(me)) < 0)
				_exit(124);
			close(fd);
		}
		sw_drop_privileges();
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	close(p[1]);
	size_t got = 0;
	int st = 0;
	bool done = false;
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	for (;;) {
		ssize_t k = got + 1 < len ? read(p[0], out + got, len - 1 - got) : 0;
		if (k > 0) {
			got += (size_t)k;
			continue;
		}
		if (k == 0 || done)
			break;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			done = true; /* one last read of what is left */
			continue;
		}
		struct pollfd pf = { p[0], POLLIN, 0 };
		poll(&pf, 1, 50);
	}
	out[got] = 0;
	close(p[0]);
	if (!done)
		assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
