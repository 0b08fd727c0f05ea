/* test_cgroup_v2.c — cgroups where users run swrap: pure cgroup v2, and
 * the launcher rootless inside a systemd-style delegated scope. Each test
 * builds its own layout under /sys/fs/cgroup as root the way systemd would
 * (user.slice/user-UID.slice/user@UID.service/app.slice/run-N.scope, the
 * user's part chowned with cgroup.procs, cgroup.subtree_control and
 * cgroup.threads), puts a resident process in the scope (the user's shell)
 * and runs swrap as the test uid from inside it.
 *
 * Needs pure cgroup v2 with memory, pids and cpu at /sys/fs/cgroup: every
 * test skips elsewhere (a hybrid host); `make vm-check` runs them on real
 * Debian kernels. Jail ids are v2j-*, layouts swtest-v2*. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#include "cgroup/cgroup.h"

#define CG "/sys/fs/cgroup"
#define SLICE "swtest-v2.slice"
#define USVC CG "/" SLICE "/user-4242.slice/user@4242.service"
#define SCOPE USVC "/app.slice/run-1.scope"
/* A scope delegated on its own (its parents stay root's). */
#define LONE CG "/swtest-v2sys.slice/run-2.scope"
/* A user whose manager was given no memory controller. */
#define NOMEM_SVC CG "/swtest-v2nm.slice/user-4242.slice/user@4242.service"
#define NOMEM_SCOPE NOMEM_SVC "/app.slice/run-3.scope"

static pid_t residents[4];

static bool pure_v2(void)
{
	char buf[256] = "";
	int fd = open(CG "/cgroup.controllers", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, "memory") && strstr(buf, "pids") && strstr(buf, "cpu");
}

static void need_v2(void)
{
	if (geteuid() != 0 || !pure_v2()) {
		print_message("skipped: needs root and pure cgroup v2 with memory, pids, cpu "
			      "(make vm-check runs it)\n");
		skip();
	}
}

static void put(const char *dir, const char *file, const char *value)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		fail_msg("writing %s to %s: %s", value, p, strerror(errno));
	close(fd);
}

static void mk(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
}

/* What systemd does for a unit with Delegate=yes. */
static void delegate(const char *dir)
{
	static const char *files[] = { "", "/cgroup.procs", "/cgroup.subtree_control",
				       "/cgroup.threads" };
	for (size_t i = 0; i < 4; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s%s", dir, files[i]);
		if (chown(p, SW_TEST_UID, SW_TEST_GID) < 0)
			fail_msg("chown %s: %s", p, strerror(errno));
	}
}

/* Makes each directory of path (absolute, below CG), enabling ctls in the
 * subtree_control of every level above the last. */
static void make_path(const char *path, const char *ctls)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", path);
	put(CG, "cgroup.subtree_control", ctls);
	for (char *s = p + strlen(CG) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mk(p);
		put(p, "cgroup.subtree_control", ctls);
		*s = '/';
	}
	mk(p);
}

/* A process parked in dir as the test uid (the user's shell there). */
static void resident(const char *dir)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char me[24];
		snprintf(me, sizeof me, "%d", (int)getpid());
		char f[PATH_MAX];
		snprintf(f, sizeof f, "%s/cgroup.procs", dir);
		int fd = open(f, O_WRONLY);
		if (fd < 0 || write(fd, me, strlen(me)) < 0)
			_exit(124);
		close(fd);
		sw_drop_privileges();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	for (size_t i = 0; i < 4; i++)
		if (!residents[i]) {
			residents[i] = pid;
			break;
		}
	usleep(20000); /* it is in dir once it runs */
}

static void systemd_user(void)
{
	make_path(SCOPE, "+memory +pids +cpu");
	delegate(USVC);
	delegate(USVC "/app.slice");
	delegate(SCOPE);
	resident(SCOPE);
}

/* Runs argv as the test uid from inside dir; both streams into out. */
static int run_in(const char *dir, const char *const *argv, char *out, size_t len)
{
	return sw_run_in_cgroups(&dir, 1, argv, out, len);
}

#define RUN(dir, out, ...) \
	run_in(dir, (const char *const[]){ sw_swrap(), __VA_ARGS__, NULL }, out, sizeof out)

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* No jail cgroup anywhere, and no parent swrap made. */
static void assert_nothing_left(void)
{
	const char *p = sw_cgroup_leftover("v2j-");
	if (p)
		fail_msg("left behind: %s", p);
	assert_false(is_dir(USVC "/swrap"));
	assert_false(is_dir(LONE "/swrap"));
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int kill_tree(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag != FTW_DP)
		return 0;
	char k[PATH_MAX];
	snprintf(k, sizeof k, "%s/cgroup.kill", p);
	int fd = open(k, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) { /* the root of a tree may be busy */
		}
		close(fd);
	}
	for (int i = 0; i < 200 && rmdir(p) < 0 && errno == EBUSY; i++)
		usleep(5000);
	return 0;
}

/* After every test: the residents, then every layout and jail of ours. */
static int cleanup(void **state)
{
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		if (residents[i]) {
			kill(residents[i], SIGKILL);
			waitpid(residents[i], NULL, 0);
			residents[i] = 0;
		}
	}
	static const char *trees[] = { CG "/" SLICE, CG "/swtest-v2sys.slice",
				       CG "/swtest-v2nm.slice", CG "/swtest-v2box" };
	for (size_t i = 0; i < 4; i++)
		if (is_dir(trees[i]))
			nftw(trees[i], kill_tree, 32, FTW_PHYS | FTW_DEPTH);
	reap_all();
	return 0;
}

#define JAIL "--unshare-user", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc"

/* ---- limits in the delegated scope ------------------------------------ */

static void test_memory_max(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	char out[8192];
	int code = RUN(SCOPE, out, JAIL, "--cgroup", "v2j-mem", "--memory-max", "64M", "--",
		       sw_helper("cgmem"), "256");
	print_message("  256 MiB under 64M: exit %d: %s", code, out);
	assert_int_equal(code, 137);
	assert_non_null(strstr(out, "swrap: the jail was killed by its memory limit"));
	assert_null(strstr(out, "touched"));
	code = RUN(SCOPE, out, JAIL, "--cgroup", "v2j-mem", "--memory-max", "64M", "--",
		   sw_helper("cgmem"), "16");
	assert_int_equal(code, 0);
	assert_non_null(strstr(out, "touched 16"));
	assert_nothing_left();
}

static void test_pids_max(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	char out[8192];
	int code = RUN(SCOPE, out, JAIL, "--cgroup", "v2j-pids", "--pids-max", "8", "--",
		       sw_helper("cgforks"), "64");
	print_message("  exit %d: %s", code, out);
	assert_int_equal(code, 0);
	const char *f = strstr(out, "forked ");
	assert_non_null(f);
	assert_true(atoi(f + 7) <= 8);
	assert_non_null(strstr(out, "errno 11")); /* EAGAIN */
	assert_nothing_left();
}

/* The jail's cgroup is where the layout says: the processes in the jail
 * leaf, the limits written on its parent, none in the leaf itself. */
static void test_cpu_max_and_place(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	char out[8192];
	int code = RUN(SCOPE, out, JAIL, "--cgroup", "v2j-cpu", "--cpu-max", "50000/100000",
		       "--pids-max", "32", "--", sw_helper("cgself"), "../cpu.max", "../pids.max",
		       "cpu.max", "pids.max");
	print_message("  exit %d: %s", code, out);
	assert_int_equal(code, 0);
	assert_true(sw_has_line(out, "0::/" SLICE "/user-4242.slice/user@4242.service/swrap/v2j-cpu/"
				SW_CGROUP_JAIL_LEAF));
	assert_true(sw_has_line(out, "../cpu.max=50000 100000"));
	assert_true(sw_has_line(out, "../pids.max=32"));
	assert_true(sw_has_line(out, "cpu.max=?"));
	assert_true(sw_has_line(out, "pids.max=?"));
	assert_nothing_left();
}

/* --detach, then --kill-cgroup from the same scope. */
static void test_detach_kill(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	char out[8192];
	int code = RUN(SCOPE, out, JAIL, "--detach", "--cgroup", "v2j-det", "--pids-max", "16",
		       "--memory-max", "64M", "--", "/bin/sleep", "100");
	print_message("  detach: exit %d: %s", code, out);
	assert_int_equal(code, 0);
	pid_t pid = atoi(out);
	assert_true(pid > 0);
	assert_int_equal(kill(pid, 0), 0);
	assert_true(is_dir(USVC "/swrap/v2j-det"));
	code = RUN(SCOPE, out, "--kill-cgroup", "v2j-det");
	print_message("  kill: exit %d: %s", code, out);
	assert_int_equal(code, 0);
	for (int i = 0; i < 200 && kill(pid, 0) == 0; i++) {
		reap_all();
		usleep(5000);
	}
	assert_int_equal(kill(pid, 0), -1);
	assert_nothing_left();
}

/* --cgroup-parent: <mount>/<app>/<id> as root, user@UID.service/<app>/<id>
 * rootless; the parent goes with its last jail. */
static void test_cgroup_parent(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	char out[8192];
	int code = RUN(SCOPE, out, JAIL, "--cgroup", "v2j-bx", "--cgroup-parent", "boxlite",
		       "--memory-max", "64M", "--", sw_helper("cgself"));
	print_message("  rootless: exit %d: %s", code, out);
	assert_int_equal(code, 0);
	assert_true(sw_has_line(out, "0::/" SLICE "/user-4242.slice/user@4242.service/boxlite/v2j-bx/"
				SW_CGROUP_JAIL_LEAF));
	assert_false(is_dir(USVC "/boxlite"));
	struct sw_run r;
	SW_SWRAP(SW_AS_ROOT, &r, "--ro-bind", "/", "/", "--cgroup", "v2j-rbx", "--cgroup-parent",
		 "swtest-v2box", "--memory-max", "64M", "--", sw_helper("cgself"));
	print_message("  root: exit %d: %s%s", r.code, r.out, r.err);
	assert_int_equal(r.code, 0);
	assert_true(sw_has_line(r.out, "0::/swtest-v2box/v2j-rbx/" SW_CGROUP_JAIL_LEAF));
	sw_run_free(&r);
	assert_false(is_dir(CG "/swtest-v2box"));
	assert_nothing_left();
}

/* Jails sharing a parent end in any order: whichever is last removes it,
 * and launches racing a removal still succeed. */
static void test_shared_parent(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	enum { N = 6 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char id[16], out[4096];
			snprintf(id, sizeof id, "v2j-sh%d", i);
			int ok = 0;
			for (int k = 0; k < 3; k++) {
				int code = RUN(SCOPE, out, JAIL, "--cgroup", id, "--cgroup-parent",
					       "shared", "--pids-max", "16", "--", "/bin/true");
				if (code != 0) {
					fprintf(stderr, "%s: exit %d: %s\n", id, code, out);
					_exit(1);
				}
				ok++;
			}
			_exit(ok == 3 ? 0 : 1);
		}
	}
	for (int i = 0; i < N; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_false(is_dir(USVC "/shared"));
	assert_nothing_left();
}

/* ---- a scope delegated on its own: the caller's processes move -------- */

static void test_lone_scope(void **state)
{
	(void)state;
	need_v2();
	make_path(LONE, "+memory +pids +cpu");
	delegate(LONE);
	resident(LONE);
	char out[8192];
	/* First a threaded controller (pids): enabling it beside processes
	 * would make the scope a thread root, and the next jail's clone into
	 * an ordinary child of it would fail (EOPNOTSUPP). */
	int code = RUN(LONE, out, JAIL, "--cgroup", "v2j-lone", "--pids-max", "8", "--",
		       sw_helper("cgforks"), "64");
	print_message("  pids: exit %d: %s", code, out);
	assert_int_equal(code, 0);
	assert_true(atoi(strstr(out, "forked ") + 7) <= 8);
	/* The scope now enables controllers for its children: it takes no
	 * process of its own any more; the shell's children start where the
	 * shell now is. */
	char f[PATH_MAX], buf[256] = "";
	snprintf(f, sizeof f, "%s/cgroup.procs", LONE);
	int fd = open(f, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof buf - 1), 0); /* empty */
	close(fd);
#define CALLER LONE "/" "swrap-caller"
	code = RUN(CALLER, out, JAIL, "--detach", "--cgroup", "v2j-lone2", "--", "/bin/sleep", "100");
	print_message("  detach without limits: exit %d: %s", code, out);
	assert_int_equal(code, 0);
	pid_t pid = atoi(out);
	code = RUN(CALLER, out, "--kill-cgroup", "v2j-lone2");
	assert_int_equal(code, 0);
	for (int i = 0; i < 200 && kill(pid, 0) == 0; i++) {
		reap_all();
		usleep(5000);
	}
	code = RUN(CALLER, out, JAIL, "--cgroup", "v2j-lone3", "--memory-max", "64M", "--",
		   sw_helper("cgmem"), "256");
	print_message("  memory: exit %d: %s", code, out);
	assert_int_equal(code, 137);
	/* The resident (the user's shell) now lives in swrap-caller. */
	memset(buf, 0, sizeof buf);
	snprintf(f, sizeof f, "/proc/%d/cgroup", (int)residents[0]);
	fd = open(f, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof buf - 1) > 0);
	close(fd);
	assert_non_null(strstr(buf, "/swtest-v2sys.slice/run-2.scope/swrap-caller"));
	assert_nothing_left();
}

/* ---- what the errors and the doctor say ------------------------------- */

static void test_no_memory_delegated(void **state)
{
	(void)state;
	need_v2();
	make_path(NOMEM_SCOPE, "+pids");
	delegate(NOMEM_SVC);
	delegate(NOMEM_SVC "/app.slice");
	delegate(NOMEM_SCOPE);
	char out[8192];
	int code = RUN(NOMEM_SCOPE, out, JAIL, "--cgroup", "v2j-nm", "--memory-max", "64M",
		       "--", "/bin/true");
	print_message("  exit %d: %s", code, out);
	assert_int_equal(code, 1);
	assert_non_null(strstr(out, "swrap: cgroup: the memory controller is not available"));
	assert_null(strstr(out, "namespaces"));
	code = RUN(NOMEM_SCOPE, out, "doctor");
	print_message("  doctor: exit %d:\n%s", code, out);
	const char *l = strstr(out, "FAIL  cgroup.delegation");
	assert_non_null(l);
	assert_non_null(strstr(l, "fix: "));
	assert_non_null(strstr(out, "not one with cgroup limits"));
	assert_nothing_left();
}

static void test_doctor(void **state)
{
	(void)state;
	need_v2();
	systemd_user();
	char out[8192];
	int code = RUN(SCOPE, out, "doctor");
	print_message("  delegated: exit %d:\n%s", code, out);
	assert_int_equal(code, 0);
	assert_non_null(strstr(out, "PASS  cgroup.delegation"));
	assert_non_null(strstr(out, "made and removed in " USVC "/swrap"));
	assert_non_null(strstr(out, "verdict: a jail can be made here\n"));
	/* from a cgroup that is root's: FAIL, with the fix */
	make_path(CG "/swtest-v2sys.slice/root-owned.scope", "+memory +pids +cpu");
	code = RUN(CG "/swtest-v2sys.slice/root-owned.scope", out, "doctor");
	print_message("  not delegated: exit %d:\n%s", code, out);
	const char *l = strstr(out, "FAIL  cgroup.delegation");
	assert_non_null(l);
	assert_non_null(strstr(l, "Delegate=yes"));
	/* the trial left nothing */
	assert_nothing_left();
	assert_false(is_dir(USVC "/swrap"));
}

int main(void)
{
	/* A detached jail's processes come to us when swrap exits. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_memory_max, cleanup),
		cmocka_unit_test_teardown(test_pids_max, cleanup),
		cmocka_unit_test_teardown(test_cpu_max_and_place, cleanup),
		cmocka_unit_test_teardown(test_detach_kill, cleanup),
		cmocka_unit_test_teardown(test_cgroup_parent, cleanup),
		cmocka_unit_test_teardown(test_shared_parent, cleanup),
		cmocka_unit_test_teardown(test_lone_scope, cleanup),
		cmocka_unit_test_teardown(test_no_memory_delegated, cleanup),
		cmocka_unit_test_teardown(test_doctor, cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
