/* test_library.c — libswrap from inside a launcher process: failures leave
 * nothing behind (issue 3), threads (issue 7): a spawning storm among
 * allocating threads, the lifeline, detached handles used across threads;
 * the launch from the caller's own memory and the status that comes
 * before the jail's teardown (issue 16).
 *
 * Scenarios run in a forked launcher process (root, or dropped to the
 * unprivileged uid), which reports with its exit status; the cmocka test
 * asserts on that. (A cmocka assert inside a forked child would unwind
 * into the child's copy of the test runner.) */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"
#include "ns/child.h"
#include "ns/launch.h"
#include "spec/spec.h"
#include "swrap.h"

/* One failing launch: it fails with want_status and a message containing
 * want_msg, and leaves no fd, child or mount. */
static int fails_cleanly(sw_spec *s, int want_status, const char *want_msg)
{
	int fds = sw_count_fds();
	char *mounts = sw_slurp("/proc/self/mountinfo");
	sw_error e = { 0 };
	sw_child *c = NULL;
	int r = sw_spawn(s, &c, &e);
	CHECK(r < 0 && c == NULL, "launch should fail");
	CHECK(e.status == want_status, "status %d, want %d (%s)", e.status, want_status, e.msg);
	CHECK(strstr(e.msg, want_msg), "message '%s' lacks '%s'", e.msg, want_msg);
	CHECK(sw_count_fds() == fds, "fds: %d before, %d after", fds, sw_count_fds());
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "a child is left");
	char *after = sw_slurp("/proc/self/mountinfo");
	CHECK(mounts && after && strcmp(mounts, after) == 0, "the mount table changed");
	free(mounts);
	free(after);
	return 0;
}

static int scenario_failures(void)
{
	const char *ok[] = { "/h/jt", "exit", "0" };
	const char *missing[] = { "/nonexist" };
	sw_spec *s = sw_mini_spec(ok, 3, false, false);
	CHECK(s && sw_spec_bind(s, SW_FS_BIND, "/no/such/source", "/x", 0, NULL) == 0, "spec");
	if (fails_cleanly(s, 0, "/no/such/source"))
		return 1;
	sw_spec_free(s);
	s = sw_mini_spec(ok, 3, false, false); /* fails in the child, after clone */
	CHECK(s && sw_spec_chdir(s, "/no/such/dir", NULL) == 0, "spec");
	if (fails_cleanly(s, 0, "/no/such/dir"))
		return 1;
	sw_spec_free(s);
	s = sw_mini_spec(missing, 1, false, false);
	if (fails_cleanly(s, 127, "execvp /nonexist: No such file or directory"))
		return 1;
	sw_spec_free(s);
	return 0;
}

/* 3.8: a failed launch leaves no mount, process or fd behind. */
static void test_failures_leave_nothing(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_failures), 0);
}

/* ---- 7.1: 4 threads launch 500 jails while 8 threads allocate -------- */

#define LAUNCHERS 4
/* SW_STORM_JAILS sets the number of jails of the storm (default 500; the
 * VM suite, under emulation, runs fewer). */
static int JAILS = 500;
#define ALLOCATORS 8

static volatile int stop_alloc;
static struct {
	volatile time_t started; /* of the launch under way, 0 when none */
	int done, failed;
} slot[LAUNCHERS];

static void *allocator(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	void *keep[64] = { 0 };
	while (!stop_alloc) {
		int i = rand_r(&seed) % 64;
		free(keep[i]);
		keep[i] = malloc(1 + rand_r(&seed) % 4096);
		if (keep[i])
			memset(keep[i], 1, 1);
	}
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	return NULL;
}

static void *launcher(void *arg)
{
	int me = (int)(uintptr_t)arg;
	const char *cmd[] = { "/h/jt", "exit", "0" };
	for (int i = 0; i < JAILS / LAUNCHERS; i++) {
		slot[me].started = time(NULL);
		sw_spec *s = sw_mini_spec(cmd, 3, false, false);
		sw_child *c = NULL;
		sw_error err = { 0 };
		int code = -1;
		if (s && sw_spawn(s, &c, &err) == 0 && sw_child_wait(c, &code, &err) == 0 && code == 0) {
			slot[me].done++;
		} else {
			slot[me].failed++;
			fprintf(stderr, "thread %d: launch %d: exit %d: %s\n", me, i, code, err.msg);
		}
		sw_child_free(c);
		sw_spec_free(s);
		slot[me].started = 0;
	}
	return NULL;
}

/* The watchdog: no single launch may take more than 30 s. */
static int watch(pthread_t *th)
{
	for (;;) {
		bool all_done = true;
		for (int i = 0; i < LAUNCHERS; i++) {
			time_t t = slot[i].started;
			CHECK(!t || time(NULL) - t < 30, "launch %d of thread %d hangs", slot[i].done, i);
			all_done &= slot[i].done + slot[i].failed == JAILS / LAUNCHERS;
		}
		if (all_done)
			break;
		usleep(50 * 1000);
	}
	for (int i = 0; i < LAUNCHERS; i++)
		pthread_join(th[i], NULL);
	return 0;
}

static int scenario_storm(void)
{
	pthread_t a[ALLOCATORS], l[LAUNCHERS];
	for (int i = 0; i < ALLOCATORS; i++)
		pthread_create(&a[i], NULL, allocator, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < LAUNCHERS; i++)
		pthread_create(&l[i], NULL, launcher, (void *)(uintptr_t)i);
	if (watch(l))
		_exit(1); /* a hung launch: don't wait for it */
	stop_alloc = 1;
	for (int i = 0; i < ALLOCATORS; i++)
		pthread_join(a[i], NULL);
	int done = 0;
	for (int i = 0; i < LAUNCHERS; i++) {
		CHECK(slot[i].failed == 0, "thread %d: %d launches failed", i, slot[i].failed);
		done += slot[i].done;
	}
	CHECK(done == JAILS, "%d of %d jails ran", done, JAILS);
	return 0;
}

static void test_threaded_storm(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_storm), 0);
}

/* ---- 7.2: the lifeline ----------------------------------------------- */

static void *spawn_and_exit(void *out)
{
	const char *cmd[] = { "/h/jt", "sleep", "60" };
	sw_spec *s = sw_mini_spec(cmd, 3, true, false);
	sw_child *c = NULL;
	if (s && sw_spawn(s, &c, NULL) < 0)
		c = NULL;
	sw_spec_free(s);
	*(sw_child **)out = c;
	return NULL; /* the thread ends; the jail must not */
}

static int scenario_thread_exits(void)
{
	pthread_t t;
	sw_child *c = NULL;
	pthread_create(&t, NULL, spawn_and_exit, &c);
	pthread_join(t, NULL);
	CHECK(c, "spawn failed");
	usleep(300 * 1000);
	CHECK(sw_alive(sw_child_pid(c)), "the jail died with its spawning thread");
	int code;
	CHECK(sw_child_kill(c, SIGKILL, NULL) == 0 && sw_child_wait(c, &code, NULL) == 0, "kill");
	CHECK(code == 137, "exit %d", code);
	sw_child_free(c);
	return 0;
}

static void test_lifeline_thread_exit(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_thread_exits), 0);
}

static int lifeline_pipe = -1;

/* The launcher: spawns from a thread, reports the jail's pid, waits to be
 * killed. */
static int scenario_be_killed(void)
{
	pthread_t t;
	sw_child *c = NULL;
	pthread_create(&t, NULL, spawn_and_exit, &c);
	pthread_join(t, NULL);
	CHECK(c, "spawn failed");
	pid_t pid = sw_child_pid(c);
	CHECK(write(lifeline_pipe, &pid, sizeof pid) == sizeof pid, "write");
	pause();
	return 0;
}

/* Launcher SIGKILLed: every jailed process is gone within 1 s. */
static void test_lifeline_launcher_killed(void **state)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int p[2];
	assert_int_equal(pipe(p), 0);
	lifeline_pipe = p[1];
	pid_t launcher = fork();
	if (launcher == 0) {
		close(p[0]);
		if (SW_AS(state) == SW_AS_USER)
			sw_drop_privileges();
		_exit(scenario_be_killed());
	}
	close(p[1]);
	pid_t jail;
	assert_int_equal(read(p[0], &jail, sizeof jail), sizeof jail);
	close(p[0]);
	usleep(200 * 1000);
	char kids[64];
	snprintf(kids, sizeof kids, "/proc/%d/task/%d/children", (int)jail, (int)jail);
	char *k = sw_slurp(kids);
	assert_non_null(k);
	pid_t cmd = atoi(k); /* the command under PID 1 */
	free(k);
	assert_true(cmd > 0 && sw_alive(jail) && sw_alive(cmd));
	kill(launcher, SIGKILL);
	waitpid(launcher, NULL, 0);
	usleep(1000 * 1000);
	assert_false(sw_alive(jail));
	assert_false(sw_alive(cmd));
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ---- 7.3: a detached jail, killed and reaped from another thread ----- */

static void *kill_and_reap(void *arg)
{
	sw_child *c = arg;
	static int code = -1;
	if (sw_child_kill(c, SIGKILL, NULL) == 0)
		sw_child_wait(c, &code, NULL);
	return &code;
}

static int scenario_detached(void)
{
	const char *cmd[] = { "/h/jt", "sleep", "60" };
	sw_spec *s = sw_mini_spec(cmd, 3, false, true);
	sw_child *c = NULL;
	CHECK(s && sw_spawn(s, &c, NULL) == 0, "spawn");
	CHECK(sw_child_pidfd(c) >= 0 && sw_child_pid(c) > 0, "pid %d pidfd %d",
	      (int)sw_child_pid(c), sw_child_pidfd(c));
	pthread_t t;
	void *res;
	pthread_create(&t, NULL, kill_and_reap, c);
	pthread_join(t, &res);
	CHECK(*(int *)res == 137, "exit %d", *(int *)res);
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "not reaped");
	sw_child_free(c);
	sw_spec_free(s);
	return 0;
}

static void test_detached_across_threads(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_detached), 0);
}

/* ---- 16: the launch from the caller's memory ------------------------ */

/* The first word of pid's command line, as /proc shows it. */
static void first_word(pid_t pid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (f) {
		size_t got = fread(buf, 1, n - 1, f);
		buf[got] = 0;
		fclose(f);
	}
}

/* A pidns jail running `sleep 60` (with procfs at /proc, or none): its
 * PID 1 must be (or not be) swrap-init; SIGTERM reaches the command
 * through it (143). */
static int pid1_is_in(unsigned force, bool proc, bool cap_op, bool want_init)
{
	const char *cmd[] = { "/h/jt", "sleep", "60" };
	sw_spec *s = sw_mini_spec(cmd, 3, false, false);
	CHECK(s, "spec");
	CHECK(!proc || sw_spec_mount(s, SW_FS_PROC, "/proc", NULL) == 0, "--proc");
	CHECK(!cap_op || sw_spec_cap(s, false, "CAP_SYS_ADMIN", NULL) == 0, "--cap-drop");
	s->force |= force;
	sw_child *c = NULL;
	sw_error e = { 0 };
	CHECK(sw_spawn(s, &c, &e) == 0, "spawn: %s", e.msg);
	/* The caller resumes when PID 1's exec lets go of the caller's memory
	 * (CLONE_VFORK), a moment before /proc shows the new program: look
	 * for up to 5 s for swrap-init, or 200 ms for its absence. */
	char w[256];
	bool init = false;
	for (int i = 0; i < (want_init ? 500 : 20) && !init; i++) {
		first_word(sw_child_pid(c), w, sizeof w);
		init = strcmp(w, "swrap-init") == 0;
		if (!init)
			usleep(10 * 1000);
	}
	CHECK(init == want_init, "PID 1 is '%s'", w);
	CHECK(sw_child_command_pid(c) > 0 && sw_child_command_pid(c) != sw_child_pid(c),
	      "command pid %d", (int)sw_child_command_pid(c));
	int code = -1;
	CHECK(sw_child_kill(c, SIGTERM, NULL) == 0 && sw_child_wait(c, &code, NULL) == 0 &&
	      code == 128 + SIGTERM, "exit %d", code);
	sw_child_free(c);
	sw_spec_free(s);
	return 0;
}

static int pid1_is(unsigned force, bool want_init)
{
	return pid1_is_in(force, true, false, want_init);
}

static int scenario_vm(void)
{
	int before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	CHECK(before == 1, "the launcher should start dumpable");
	/* Not under AddressSanitizer, nor off x86_64 and aarch64: no
	 * sharing there (SW_HAVE_VM, src/ns/launch.h). */
	bool vm = SW_HAVE_VM;
	if (pid1_is(0, vm) || pid1_is(SW_FORCE_NO_VM, false) ||
	    pid1_is(SW_FORCE_CLONE_FALLBACK, false))
		return 1;
	/* Without /proc in the jail, a kernel before 6.1 can't exec
	 * swrap-init (see vm_launch in src/ns/spawn.c). */
	if (pid1_is_in(0, false, false, vm && sw_ns_kernel_at_least(6, 1)))
		return 1;
	/* Nor one whose command has capability operations (it might mount
	 * over /proc while PID 1 execs from there). */
	if (pid1_is_in(0, true, true, vm && sw_ns_kernel_at_least(6, 1)))
		return 1;
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, "the launch changed the caller's dumpable flag");
	/* A launcher that is not dumpable stays so: its jails copy it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (pid1_is(0, false))
		return 1;
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "the caller became dumpable");
	return 0;
}

/* 16.1: the jail's PID 1 leaves the caller's memory by exec'ing
 * swrap-init; the copying launch still works when asked for, without
 * clone3, and for a caller that is not dumpable. */
static void test_vm_launch(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_vm), 0);
}

/* Where executable memfds are refused (vm.memfd_noexec=2, per PID
 * namespace, Linux 6.3), the launch copies the caller. Run as PID 1 of a
 * PID namespace of its own with its own /proc. */
static int scenario_noexec(void)
{
	if (unshare(CLONE_NEWPID) < 0)
		return 77;
	pid_t p = fork();
	if (p == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", 0, NULL) < 0)
			_exit(76);
		int fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY);
		if (fd < 0)
			_exit(77); /* before 6.3 */
		if (write(fd, "2", 1) != 1)
			_exit(75);
		close(fd);
		_exit(pid1_is(0, false));
	}
	int st;
	CHECK(p > 0 && waitpid(p, &st, 0) == p, "fork");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_vm_memfd_refused(void **state)
{
	(void)state;
	int r = sw_in_launcher(SW_AS_ROOT, scenario_noexec);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
}

/* 16.2, with a stand-in for PID 1 that outlives its status: the wait
 * returns the status while that process lives on, sw_child_free leaves
 * it running, and once it ends nothing is left. */
static int scenario_status_first(void)
{
	alarm(30); /* a wait that waits for the process fails the test */
	int hold[2], st[2];
	CHECK(pipe(hold) == 0 && pipe(st) == 0, "pipe");
	pid_t p = fork();
	if (p == 0) {
		close(hold[1]);
		char b;
		_exit(read(hold[0], &b, 1) == 0 ? 3 : 4);
	}
	close(hold[0]);
	sw_spec *s = sw_spec_new();
	struct sw_child *c = sw_child_new(s);
	CHECK(c, "handle");
	c->pid = p;
	c->status_fd = st[0];
	int code = 5, got = -1;
	CHECK(write(st[1], &code, sizeof code) == sizeof code, "write");
	close(st[1]);
	CHECK(sw_child_wait(c, &got, NULL) == 0 && got == 5, "status %d", got);
	CHECK(sw_alive(p), "the wait did not return before the top process ended");
	sw_child_free(c);
	CHECK(sw_alive(p), "sw_child_free killed a jail whose status had come");
	close(hold[1]);
	CHECK(sw_children_gone(), "the top process was not reaped after sw_child_free");
	sw_spec_free(s);
	return 0;
}

static void test_status_before_teardown(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_status_first), 0);
}

/* 16.2 with real jails: statuses right, no zombie after sw_child_free. */
static int scenario_no_zombies(void)
{
	for (int i = 0; i < 8; i++) {
		char arg[8];
		snprintf(arg, sizeof arg, "%d", i);
		const char *cmd[] = { "/h/jt", "exit", arg };
		sw_spec *s = sw_mini_spec(cmd, 3, false, false);
		sw_child *c = NULL;
		int code = -1;
		CHECK(s && sw_spawn(s, &c, NULL) == 0 && sw_child_wait(c, &code, NULL) == 0,
		      "launch %d", i);
		CHECK(code == i, "exit %d, want %d", code, i);
		sw_child_free(c);
		sw_spec_free(s);
	}
	CHECK(sw_children_gone(), "a jail's PID 1 is left after sw_child_free");
	return 0;
}

static void test_no_zombies(void **state)
{
	assert_int_equal(sw_in_launcher(SW_AS(state), scenario_no_zombies), 0);
}

int main(void)
{
	const char *storm = getenv("SW_STORM_JAILS");
	if (storm && atoi(storm) >= LAUNCHERS)
		JAILS = atoi(storm) / LAUNCHERS * LAUNCHERS;
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_failures_leave_nothing),
		SW_BOTH(test_threaded_storm),
		SW_BOTH(test_lifeline_thread_exit),
		SW_BOTH(test_lifeline_launcher_killed),
		SW_BOTH(test_detached_across_threads),
		SW_BOTH(test_vm_launch),
		cmocka_unit_test(test_vm_memfd_refused),
		SW_BOTH(test_status_before_teardown),
		SW_BOTH(test_no_zombies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
