/* test_lifecycle.c — issue 14: a jail's whole life as a VM launcher sees
 * it. Signals sent to swrap (and through sw_child_kill) reach the command,
 * with and without a PID namespace, --die-with-parent and --as-pid-1; a
 * graceful stop (sw_child_stop, --stop-cgroup --grace); the command's own
 * pid (sw_child_command_pid); pause and resume (--freeze-cgroup,
 * --thaw-cgroup) and usage (--cgroup-stats). Each runs as root and as the
 * unprivileged uid; the unprivileged cgroup runs get a cgroup delegated
 * to them, as systemd would. Cgroups here are named swtest-lc*. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "launcher.h"
#include "swrap.h"

#define PARENT "swtest-lc"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Does /proc/pid/status say pid catches sig (a shell's trap is set)? */
static bool catches(pid_t pid, int sig)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *s = sw_slurp(path);
	const char *p = s ? strstr(s, "SigCgt:") : NULL;
	bool yes = p && (strtoull(p + 7, NULL, 16) >> (sig - 1)) & 1;
	free(s);
	return yes;
}

/* ---- 1: signals sent to swrap reach the command ------------------------ */

/* Starts swrap as `as` with the command's stdout in a pipe; returns its
 * pid, *out the read end. */
static pid_t start_swrap(enum sw_as as, const char *const *argv, int *out)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(p[1], 1);
		if (chdir(sw_run_cwd(as)) < 0)
			_exit(124);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

static int wait_code(pid_t pid)
{
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A shell that says "ready" once its traps are set, then waits. */
#define TRAPPER "trap 'exit 42' TERM; trap 'exit 43' USR1; trap 'exit 44' HUP; " \
		"echo ready; while :; do sleep 0.05; done"

static void expect_forwarded(enum sw_as as, const char *const *opts, int sig, int want)
{
	const char *argv[32];
	size_t n = 0;
	argv[n++] = sw_swrap();
	for (size_t i = 0; opts[i]; i++)
		argv[n++] = opts[i];
	const char *tail[] = { "--ro-bind", "/", "/", "--dev", "/dev", "--",
			       "/bin/sh", "-c", TRAPPER, NULL };
	for (size_t i = 0; tail[i]; i++)
		argv[n++] = tail[i];
	argv[n] = NULL;
	int out;
	pid_t pid = start_swrap(as, argv, &out);
	char buf[16] = "";
	ssize_t got = read(out, buf, sizeof buf - 1);
	close(out);
	if (got != 6 || strncmp(buf, "ready\n", 6) != 0) {
		kill(pid, SIGKILL);
		wait_code(pid);
		fail_msg("the jail did not start (%s %s)", opts[0] ? opts[0] : "", buf);
	}
	assert_int_equal(kill(pid, sig), 0);
	int code = wait_code(pid);
	if (code != want)
		fail_msg("%s with %s%s%s: exit %d, want %d", strsignal(sig),
			 opts[0] ? opts[0] : "no PID namespace", opts[0] && opts[1] ? " " : "",
			 opts[0] && opts[1] ? opts[1] : "", code, want);
}

static void test_signals_reach_command(void **state)
{
	enum sw_as as = SW_AS(state);
	const char *const variants[][3] = {
		{ "--unshare-pid", NULL },
		{ "--unshare-pid", "--die-with-parent", NULL },
		{ "--unshare-pid", "--as-pid-1", NULL },
		{ "--die-with-parent", NULL },
		{ NULL },
	};
	for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
		expect_forwarded(as, variants[i], SIGTERM, 42);
		expect_forwarded(as, variants[i], SIGUSR1, 43);
	}
	expect_forwarded(as, variants[0], SIGHUP, 44);
	/* not trapped: the command dies of it, swrap says 128+N */
	const char *const plain[] = { "--unshare-pid", NULL };
	int out;
	pid_t pid = start_swrap(as, (const char *const[]){ sw_swrap(), "--ro-bind", "/", "/",
		"--unshare-pid", "--", "/bin/sh", "-c", "echo ready; exec sleep 30", NULL }, &out);
	(void)plain;
	char buf[8];
	assert_int_equal(read(out, buf, sizeof buf), 6);
	close(out);
	usleep(50000); /* the exec of sleep */
	kill(pid, SIGINT);
	assert_int_equal(wait_code(pid), 128 + SIGINT);
}

/* ---- 1, 3: the library: sw_child_kill, sw_child_stop, the command pid --- */

static sw_spec *shell_spec(const char *script, bool pidns, bool as_pid_1)
{
	const char *cmd[] = { "/usr/bin/sh", "-c", script };
	sw_spec *s = sw_mini_spec(cmd, 3, false, false);
	if (s && !pidns)
		sw_spec_share(s, SW_NS_PID);
	if (s)
		sw_spec_as_pid_1(s, as_pid_1);
	return s;
}

/* Spawns script, waits until the command catches SIGTERM (when trap). */
static int spawn_shell(const char *script, bool pidns, bool as_pid_1, bool trap,
		       sw_child **c)
{
	sw_spec *s = shell_spec(script, pidns, as_pid_1);
	sw_error e = { 0 };
	CHECK(s, "spec");
	int r = sw_spawn(s, c, &e);
	sw_spec_free(s);
	CHECK(r == 0, "spawn: %s", e.msg);
	pid_t cmd = sw_child_command_pid(*c);
	CHECK(cmd > 0, "no command pid");
	for (int i = 0; trap && i < 500 && !catches(cmd, SIGTERM); i++)
		usleep(10000);
	CHECK(!trap || catches(cmd, SIGTERM), "the shell never set its trap");
	return 0;
}

static int check_command_pid(sw_child *c, bool reaper)
{
	pid_t top = sw_child_pid(c), cmd = sw_child_command_pid(c);
	if (!reaper) {
		CHECK(cmd == top, "command pid %d, top %d: they should be one", (int)cmd, (int)top);
		return 0;
	}
	CHECK(cmd != top, "command pid %d is the jail's PID 1", (int)cmd);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)cmd);
	char *st = sw_slurp(path);
	CHECK(st, "no %s", path);
	const char *pp = strstr(st, "\nPPid:");
	const char *ns = strstr(st, "\nNSpid:");
	long ppid = pp ? strtol(pp + 6, NULL, 10) : -1;
	char *nl = ns ? strchr(ns + 1, '\n') : NULL;
	if (nl)
		*nl = 0;
	const char *last = ns ? strrchr(ns, '\t') : NULL;
	bool two = last && strcmp(last, "\t2") == 0;
	free(st);
	CHECK(ppid == top, "the command's parent is %ld, not PID 1 (%d)", ppid, (int)top);
	CHECK(two, "the command is not pid 2 in the jail");
	return 0;
}

static int scenario_library_signals(void)
{
	const bool cases[][2] = { { true, false }, { true, true }, { false, false } };
	for (size_t i = 0; i < 3; i++) {
		bool pidns = cases[i][0], pid1 = cases[i][1];
		sw_child *c;
		if (spawn_shell("trap 'exit 42' TERM; while :; do sleep 0.05; done",
				pidns, pid1, true, &c))
			return 1;
		if (check_command_pid(c, pidns && !pid1))
			return 1;
		CHECK(sw_child_kill(c, SIGTERM, NULL) == 0, "kill");
		int code = -1;
		CHECK(sw_child_wait(c, &code, NULL) == 0, "wait");
		CHECK(code == 42, "case %zu: SIGTERM through sw_child_kill: exit %d, want 42", i, code);
		sw_error e = { 0 };
		CHECK(sw_child_kill(c, SIGTERM, &e) == -ESRCH, "kill after the end");
		sw_child_free(c);
	}
	return 0;
}

static int scenario_stop(void)
{
	sw_child *c;
	int code = -1;
	/* ends within the grace period: its own status */
	if (spawn_shell("trap 'exit 42' TERM; while :; do sleep 0.05; done", true, false, true, &c))
		return 1;
	long t0 = now_ms();
	CHECK(sw_child_stop(c, 5000, &code, NULL) == 0, "stop");
	CHECK(code == 42, "graceful stop: exit %d, want 42", code);
	CHECK(now_ms() - t0 < 4000, "the graceful stop waited the whole grace period");
	CHECK(sw_child_stop(c, 10, &code, NULL) == 0 && code == 42, "stop again");
	sw_child_free(c);
	/* ignores SIGTERM, and a grandchild too: both are killed after it */
	if (spawn_shell("trap '' TERM; sh -c \"trap '' TERM; exec sleep 60\" </usr/bin/sh & while :; do sleep 0.05; done",
			true, false, false, &c))
		return 1;
	usleep(200000);
	t0 = now_ms();
	CHECK(sw_child_stop(c, 300, &code, NULL) == 0, "stop");
	long took = now_ms() - t0;
	CHECK(code == 128 + SIGKILL, "stop after the grace period: exit %d, want 137", code);
	CHECK(took >= 300 && took < 5000, "took %ld ms for a 300 ms grace", took);
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "a child is left");
	sw_child_free(c);
	return 0;
}

static void test_library_signals(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_library_signals), 0);
}

static void test_library_stop(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_stop), 0);
}

/* ---- 2, 1: detached jails found by id: freeze, thaw, stats, stop ------- */

static char found[PATH_MAX];

static int find_ours(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	if ((flag == FTW_D || flag == FTW_DP) &&
	    strncmp(p + f->base, PARENT, strlen(PARENT)) == 0) {
		snprintf(found, sizeof found, "%s", p);
		return 1;
	}
	return 0;
}

/* The deepest directory named swtest-lc* under /sys/fs/cgroup, or NULL. */
static const char *leftover(void)
{
	found[0] = 0;
	nftw("/sys/fs/cgroup", find_ours, 32, FTW_PHYS | FTW_DEPTH);
	return found[0] ? found : NULL;
}

static void empty_dir(const char *dir)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/cgroup.freeze", dir);
	sw_write_file(path, "0", 0644); /* a frozen v2 cgroup would keep its dead */
	snprintf(path, sizeof path, "%s/freezer.state", dir);
	if (access(path, F_OK) == 0)
		sw_write_file(path, "THAWED", 0644);
	snprintf(path, sizeof path, "%s/cgroup.kill", dir);
	if (access(path, F_OK) == 0)
		sw_write_file(path, "1", 0644);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	for (int i = 0; i < 200; i++) {
		char *s = sw_slurp(path);
		bool empty = !s || !*s;
		for (char *p = s; s && *p;) {
			long pid = strtol(p, &p, 10);
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
			else
				break;
		}
		free(s);
		if (empty)
			return;
		usleep(10000);
	}
}

static int cleanup(void **state)
{
	(void)state;
	const char *p;
	for (int i = 0; i < 100 && (p = leftover()); i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", p);
		empty_dir(dir);
		for (int k = 0; k < 100 && rmdir(dir) < 0 && errno == EBUSY; k++)
			usleep(10000);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return 0;
}

/* The cgroup2 directory the unprivileged runs start in (delegated to the
 * test uid), made once per test; "" as root. */
static char deleg[PATH_MAX];

static void chown_if(const char *dir, const char *file)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	if (access(p, F_OK) == 0)
		assert_int_equal(chown(p, SW_TEST_UID, SW_TEST_GID), 0);
}

static void setup_as(enum sw_as as)
{
	deleg[0] = 0;
	if (as != SW_AS_USER)
		return;
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(NULL, &l, NULL), 0);
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(&l, true, 0);
	if (v2)
		snprintf(deleg, sizeof deleg, "%s/%s-deleg", v2->mount, PARENT);
	sw_cgroup_layout_free(&l);
	if (!v2) {
		print_message("skipped: no cgroup2 mount to delegate to uid %d\n", SW_TEST_UID);
		skip();
	}
	assert_true(mkdir(deleg, 0755) == 0 || errno == EEXIST);
	assert_int_equal(chown(deleg, SW_TEST_UID, SW_TEST_GID), 0);
	chown_if(deleg, "cgroup.procs");
	chown_if(deleg, "cgroup.subtree_control");
	chown_if(deleg, "cgroup.threads");
}

/* Runs argv as `as` (unprivileged: from inside the delegated cgroup),
 * both output streams into out; returns the exit code. The output goes
 * to a file, not a pipe, as a detached jail keeps its stdout. */
static int run(enum sw_as as, const char *const *argv, char *out, size_t len)
{
	char tmpl[] = "/tmp/swtest-lc-out-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	unlink(tmpl);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (as == SW_AS_USER) {
			char procs[PATH_MAX + 32], me[32];
			snprintf(procs, sizeof procs, "%s/cgroup.procs", deleg);
			snprintf(me, sizeof me, "%d", (int)getpid());
			int p = open(procs, O_WRONLY);
			if (p < 0 || write(p, me, strlen(me)) < 0)
				_exit(124);
			close(p);
		}
		if (chdir(sw_run_cwd(as)) < 0)
			_exit(124);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	int code = wait_code(pid);
	ssize_t n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	return code;
}

#define RUN(as, out, ...) \
	run(as, (const char *const[]){ sw_swrap(), __VA_ARGS__, NULL }, out, sizeof out)

/* The counter the jail's loop writes, read from the host. */
static long counter(const char *dir)
{
	char path[PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/n", dir);
	for (int i = 0; i < 100; i++) {
		char *s = sw_slurp(path);
		long v = s && *s ? strtol(s, NULL, 10) : -1;
		free(s);
		if (v >= 0)
			return v;
		usleep(5000); /* between the truncation and the write */
	}
	return -1;
}

static bool advances(const char *dir)
{
	long a = counter(dir);
	for (int i = 0; i < 100; i++) {
		usleep(20000);
		if (counter(dir) > a)
			return true;
	}
	return false;
}

#define LOOP "i=0; while :; do i=$((i+1)); echo $i > \"$0/n\"; sleep 0.01; done"

static void test_freeze_thaw(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char *dir = sw_tmpdir(as), out[4096];
	const char *id = "swtest-lc-fz";
	int code = RUN(as, out, "--ro-bind", "/", "/", "--dev", "/dev", "--bind", dir, dir,
		       "--unshare-pid", "--detach", "--cgroup", id, "--cgroup-parent", PARENT,
		       "--", "/bin/sh", "-c", LOOP, dir);
	if (code != 0)
		fail_msg("detached launch: %d %s", code, out);
	assert_true(advances(dir));
	long t0 = now_ms();
	code = RUN(as, out, "--freeze-cgroup", id, "--cgroup-parent", PARENT);
	if (code != 0)
		fail_msg("--freeze-cgroup: %d %s", code, out);
	print_message("  frozen in %ld ms\n", now_ms() - t0);
	long a = counter(dir);
	usleep(400000);
	assert_int_equal(counter(dir), a);
	/* frozen twice is still frozen */
	assert_int_equal(RUN(as, out, "--freeze-cgroup", id, "--cgroup-parent", PARENT), 0);
	code = RUN(as, out, "--thaw-cgroup", id, "--cgroup-parent", PARENT);
	if (code != 0)
		fail_msg("--thaw-cgroup: %d %s", code, out);
	assert_true(advances(dir));
	/* a frozen jail can still be stopped */
	assert_int_equal(RUN(as, out, "--freeze-cgroup", id, "--cgroup-parent", PARENT), 0);
	code = RUN(as, out, "--stop-cgroup", id, "--cgroup-parent", PARENT, "--grace", "200");
	if (code != 0)
		fail_msg("--stop-cgroup of a frozen jail: %d %s", code, out);
	assert_non_null(strstr(out, "killed after the grace period"));
	/* gone: every action says so, naming the jail */
	code = RUN(as, out, "--thaw-cgroup", id, "--cgroup-parent", PARENT);
	assert_int_equal(code, 1);
	assert_non_null(strstr(out, id));
	sw_rmtree(dir);
}

static void test_stats(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char *dir = sw_tmpdir(as), out[4096];
	const char *id = "swtest-lc-st";
	/* a memory limit, so that the jail has the memory controller, v1 or
	 * v2 (the unprivileged run has only the cgroup2 delegated to it) */
	const char *mem = as == SW_AS_ROOT ? "--memory-max" : "--setenv";
	const char *mem1 = as == SW_AS_ROOT ? "512M" : "X";
	const char *mem2 = as == SW_AS_ROOT ? "--setenv" : "X";
	const char *mem3 = as == SW_AS_ROOT ? "X" : "--clearenv";
	int code = RUN(as, out, "--ro-bind", "/", "/", "--dev", "/dev", "--tmpfs", "/tmp",
		       "--bind", dir, dir, "--unshare-pid", "--detach", "--cgroup", id,
		       "--cgroup-parent", PARENT, mem, mem1, mem2, mem3, "--",
		       "/bin/sh", "-c", "head -c 33554432 /dev/zero > /tmp/f && echo 1 > \"$0/n\"; "
		       "while :; do sleep 1; done", dir);
	if (code != 0)
		fail_msg("detached launch: %d %s", code, out);
	for (int i = 0; i < 500 && counter(dir) != 1; i++)
		usleep(10000);
	assert_int_equal(counter(dir), 1);
	code = RUN(as, out, "--cgroup-stats", id, "--cgroup-parent", PARENT, "--json");
	if (code != 0)
		fail_msg("--cgroup-stats: %d %s", code, out);
	print_message("  %s", out);
	assert_true(out[0] == '{');
	const char *cpu = strstr(out, "\"cpu_usec\": ");
	assert_non_null(cpu);
	assert_true(strtoull(cpu + 12, NULL, 10) > 0);
	const char *pids = strstr(out, "\"pids_current\": ");
	assert_non_null(pids);
	if (as == SW_AS_ROOT) {
		const char *cur = strstr(out, "\"memory_current\": ");
		assert_non_null(cur);
		unsigned long long m = strtoull(cur + 18, NULL, 10);
		if (m < 32ull << 20)
			fail_msg("memory_current %llu < 32 MiB: %s", m, out);
		assert_non_null(strstr(out, "\"oom_kills\": 0"));
		/* the library says the same */
		struct sw_cgroup_stats st;
		sw_error e = { 0 };
		assert_int_equal(sw_cgroup_stats(id, PARENT, &st, &e), 0);
		assert_true(st.valid & SW_STAT_MEMORY);
		assert_true(st.memory_current >= 32ull << 20);
		if (st.valid & SW_STAT_MEMORY_PEAK)
			assert_true(st.memory_peak >= st.memory_current);
		if (st.valid & SW_STAT_PIDS)
			assert_true(st.pids_current >= 2); /* PID 1, sh (sleep) */
	}
	/* the text form: one "name value" line each */
	code = RUN(as, out, "--cgroup-stats", id, "--cgroup-parent", PARENT);
	assert_int_equal(code, 0);
	assert_non_null(strstr(out, "cpu_usec "));
	assert_non_null(strstr(out, "memory_current "));
	/* a graceful stop: PID 1 passes SIGTERM to sh, which dies of it */
	code = RUN(as, out, "--stop-cgroup", id, "--cgroup-parent", PARENT, "--grace", "5000");
	if (code != 0)
		fail_msg("--stop-cgroup: %d %s", code, out);
	assert_non_null(strstr(out, "ended within the grace period"));
	sw_rmtree(dir);
}

/* Bad input: one line naming what is wrong, exit 1. */
static void test_bad_input(void **state)
{
	enum sw_as as = SW_AS(state);
	struct sw_run r;
	SW_SWRAP(as, &r, "--freeze-cgroup", "../x");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--freeze-cgroup"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--stop-cgroup", "x", "--grace", "soon");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--grace"));
	assert_non_null(strstr(r.err, "soon"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--grace", "10", "--kill-cgroup", "x");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--grace needs --stop-cgroup"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--json", "--freeze-cgroup", "x");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--json needs --cgroup-stats"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--freeze-cgroup", "x", "--thaw-cgroup", "y");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "one action"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--cgroup-stats", "swtest-lc-none", "--cgroup-parent", PARENT);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "swtest-lc-none"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--thaw-cgroup", "x", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "runs no command"));
	sw_run_free(&r);
}

/* ---- 7: --profile shim imposes no rlimits ------------------------------- */

static void test_shim_profile_rlimits(void **state)
{
	enum sw_as as = SW_AS(state);
	/* Limits that differ from the old profile's (NOFILE 1024, FSIZE 1G):
	 * the shim inherits them untouched. */
	struct rlimit old, nofile;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_max < 4099) {
		print_message("skipped: NOFILE hard limit %llu < 4099\n",
			      (unsigned long long)old.rlim_max);
		skip();
	}
	nofile = (struct rlimit){ 4099, old.rlim_max };
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &nofile), 0);
	char want[96];
	if (old.rlim_max == RLIM_INFINITY)
		snprintf(want, sizeof want, "4099\nunlimited\nunlimited\n");
	else
		snprintf(want, sizeof want, "4099\n%llu\nunlimited\n",
			 (unsigned long long)old.rlim_max);
	struct sw_run r;
	SW_SWRAP(as, &r, "--profile", "shim", "--", "/usr/bin/sh", "-c",
		 "ulimit -n; ulimit -Hn; ulimit -f");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, want);
	sw_run_free(&r);
	/* --rlimit still applies on top */
	SW_SWRAP(as, &r, "--profile", "shim", "--rlimit", "NOFILE=2048",
		 "--rlimit", "FSIZE=1G", "--", "/usr/bin/sh", "-c", "ulimit -n; ulimit -f");
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "2048\n2097152\n");
	sw_run_free(&r);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

int main(void)
{
	/* Detached jails' processes come to us when swrap exits. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_signals_reach_command),
		SW_BOTH(test_library_signals),
		SW_BOTH(test_library_stop),
		{ "test_freeze_thaw/root", test_freeze_thaw, NULL, cleanup, &sw_as_root_v },
		{ "test_freeze_thaw/user", test_freeze_thaw, NULL, cleanup, &sw_as_user_v },
		{ "test_stats/root", test_stats, NULL, cleanup, &sw_as_root_v },
		{ "test_stats/user", test_stats, NULL, cleanup, &sw_as_user_v },
		SW_BOTH(test_bad_input),
		SW_BOTH(test_shim_profile_rlimits),
	};
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
