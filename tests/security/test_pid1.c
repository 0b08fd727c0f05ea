/* test_pid1.c — issue 20, holes 1 and 2: the jail's command must never
 * reach the launcher's memory through the jail's PID 1.
 *
 * A command holding CAP_SYS_PTRACE in its user namespace (--cap-add
 * CAP_SYS_PTRACE, --cap-add ALL, or a root caller's capabilities under
 * the bwrap personality) runs tests/helpers/atk_pid1 from its first
 * instruction: /proc/1/mem, /proc/1/maps, ptrace of PID 1, and a search
 * of every readable page of PID 1 for a marker the launcher planted in
 * its own heap (the library) or environment (the swrap command). Each
 * setting is launched again and again (the old hole was a race between
 * the command's exec and PID 1's), on the launch that shares the
 * launcher's memory and on the one that copies it, as root and as the
 * unprivileged uid. Every try must find no marker and no mapping of the
 * launcher's in PID 1; it is fine that the command reaches PID 1 itself
 * (swrap-init, inside the jail), as bubblewrap's command reaches bwrap's.
 *
 * 1000 tries per setting through the library, a quarter of that through
 * the command; SW_RACE_N (the VMs set it: 2000 with KVM, 200 under TCG)
 * makes it half of that, at most 1000.
 */
#include "launcher.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec/spec.h"
#include "swrap.h"

enum power { CAP_PTRACE, CAP_ALL, BWRAP_ROOT };

static const char *const power_name[] = { "--cap-add CAP_SYS_PTRACE", "--cap-add ALL",
					  "--compat=bwrap as root" };

static unsigned long tries(void)
{
	const char *e = getenv("SW_RACE_N");
	unsigned long n = e ? strtoul(e, NULL, 10) / 2 : 1000;
	return n > 1000 ? 1000 : n ? n : 1;
}

/* The marker, and its hex for the command line. */
static char marker[48], marker_hex[100];

static void make_marker(void)
{
	unsigned char r[8];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		memset(r, 0x5a, sizeof r);
	snprintf(marker, sizeof marker, "SWRAP-PID1-MARKER-%02x%02x%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
	for (size_t i = 0; marker[i]; i++)
		snprintf(marker_hex + 2 * i, 3, "%02x", (unsigned char)marker[i]);
}

struct tally {
	unsigned long runs, mem_open, maps_read, ptrace_ok;
	char bad[512]; /* the first report that shows a leak */
};

/* One report line of atk_pid1 into t; false when it shows a leak. */
static bool judge(const char *out, struct tally *t)
{
	const char *l = out ? strstr(out, "pid1 ") : NULL;
	t->runs++;
	if (!l) {
		snprintf(t->bad, sizeof t->bad, "no report: %s", out ? out : "(none)");
		return false;
	}
	t->mem_open += strstr(l, "mem=OK") != NULL;
	t->maps_read += strstr(l, "maps=OK") != NULL;
	t->ptrace_ok += strstr(l, "ptrace=OK") != NULL;
	if (strstr(l, "marker=found") || !strstr(l, "foreign=0 ")) {
		snprintf(t->bad, sizeof t->bad, "%.*s", (int)strcspn(l, "\n"), l);
		return false;
	}
	return true;
}

/* ---- the library launcher: the marker in its heap --------------------- */

static enum power lib_power;
static unsigned lib_force;

static sw_spec *lib_spec(void)
{
	const char *cmd[] = { "/h/atk_pid1", marker_hex };
	sw_spec *s = sw_mini_spec(cmd, 2, true, false);
	if (!s || sw_spec_mount(s, SW_FS_PROC, "/proc", NULL) < 0)
		return NULL;
	if (lib_power == CAP_PTRACE && sw_spec_cap(s, true, "CAP_SYS_PTRACE", NULL) < 0)
		return NULL;
	if (lib_power == CAP_ALL && sw_spec_cap(s, true, "ALL", NULL) < 0)
		return NULL;
	if (lib_power == BWRAP_ROOT)
		sw_spec_compat(s, SW_COMPAT_BWRAP);
	s->force |= lib_force;
	return s;
}

/* The command's stdout through a pipe: fd 1 of the jail is this pipe. */
static int lib_scenario(void)
{
	char *heap = malloc(sizeof marker);
	CHECK(heap, "malloc");
	memcpy(heap, marker, sizeof marker); /* planted in the launcher's heap */
	sw_spec *s = lib_spec();
	CHECK(s, "spec");
	struct tally t = { 0 };
	unsigned long n = tries();
	for (unsigned long i = 0; i < n; i++) {
		int p[2];
		CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe");
		sw_spec_fd_map(s, p[1], 1, NULL);
		sw_child *c = NULL;
		sw_error e = { 0 };
		int r = sw_spawn(s, &c, &e);
		close(p[1]);
		CHECK(r == 0, "spawn: %s", e.msg);
		char out[1024];
		ssize_t k, got = 0;
		while (got < (ssize_t)sizeof out - 1 &&
		       (k = read(p[0], out + got, sizeof out - 1 - (size_t)got)) > 0)
			got += k;
		out[got > 0 ? got : 0] = 0;
		close(p[0]);
		int code = -1;
		sw_child_wait(c, &code, NULL);
		sw_child_free(c);
		if (!judge(out, &t)) {
			fprintf(stderr, "try %lu of %lu: %s\n", i + 1, n, t.bad);
			return 1;
		}
		/* a fresh fd map each time */
		sw_spec_free(s);
		s = lib_spec();
		CHECK(s, "spec");
	}
	sw_spec_free(s);
	fprintf(stderr, "  %s%s: %lu tries, /proc/1/mem opened %lu, maps read %lu, "
		"ptrace %lu: no marker, no mapping of the launcher\n",
		power_name[lib_power], lib_force ? " (copying launch)" : "", t.runs, t.mem_open,
		t.maps_read, t.ptrace_ok);
	free(heap);
	return 0;
}

static void library(enum sw_as as, enum power pw, unsigned force)
{
	lib_power = pw;
	lib_force = force;
	assert_int_equal(sw_in_launcher(as, lib_scenario), 0);
}

static void test_library_cap_ptrace(void **state)
{
	library(SW_AS(state), CAP_PTRACE, 0);
	library(SW_AS(state), CAP_PTRACE, SW_FORCE_NO_VM);
}

static void test_library_cap_all(void **state)
{
	library(SW_AS(state), CAP_ALL, 0);
	library(SW_AS(state), CAP_ALL, SW_FORCE_NO_VM);
}

static void test_library_bwrap_root(void **state)
{
	(void)state;
	library(SW_AS_ROOT, BWRAP_ROOT, 0);
	library(SW_AS_ROOT, BWRAP_ROOT, SW_FORCE_NO_VM);
}

/* ---- the swrap command: the marker in its environment ------------------ */

static void command(enum sw_as as, enum power pw, const char *force)
{
	char env_marker[96], env_force[64];
	snprintf(env_marker, sizeof env_marker, "SWRAP_TEST_MARKER=%s", marker);
	snprintf(env_force, sizeof env_force, "SWRAP_FORCE=%s", force);
	const char *env[] = { env_marker, env_force, NULL };
	char hbind[PATH_MAX];
	snprintf(hbind, sizeof hbind, "%s", sw_helper_dir());
	const char *v[32];
	size_t k = 0;
	v[k++] = pw == BWRAP_ROOT ? "--compat=bwrap" : NULL;
	if (!v[0])
		k = 0;
	const char *base[] = { "--unshare-user", "--unshare-pid", "--die-with-parent",
			       "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
			       "--symlink", "usr/lib64", "/lib64", "--ro-bind", hbind, "/h",
			       "--proc", "/proc", "--unsetenv", "SWRAP_TEST_MARKER", NULL };
	const char *argv[40];
	size_t n = 0;
	argv[n++] = sw_swrap();
	for (size_t i = 0; i < k; i++)
		argv[n++] = v[i];
	for (size_t i = 0; base[i]; i++)
		argv[n++] = base[i];
	if (pw != BWRAP_ROOT) {
		argv[n++] = "--cap-add";
		argv[n++] = pw == CAP_ALL ? "ALL" : "CAP_SYS_PTRACE";
	}
	argv[n++] = "--";
	argv[n++] = "/h/atk_pid1";
	argv[n++] = marker_hex;
	argv[n] = NULL;
	struct tally t = { 0 };
	unsigned long total = tries() / 4 + 1;
	for (unsigned long i = 0; i < total; i++) {
		struct sw_run r;
		sw_run_env(as, env, &r, argv);
		bool ok = r.code == 0 && judge(r.out, &t);
		if (!ok)
			fail_msg("%s (SWRAP_FORCE=%s), try %lu: exit %d: %s\n%s", power_name[pw], force,
				 i + 1, r.code, t.bad, r.err ? r.err : "");
		sw_run_free(&r);
	}
	fprintf(stderr, "  swrap %s (SWRAP_FORCE=%s): %lu tries, /proc/1/mem opened %lu: "
		"no marker, no mapping of the launcher\n", power_name[pw], force, t.runs, t.mem_open);
}

static void test_command_cap_ptrace(void **state)
{
	command(SW_AS(state), CAP_PTRACE, "");
	command(SW_AS(state), CAP_PTRACE, "no-vm");
}

static void test_command_bwrap_root(void **state)
{
	(void)state;
	command(SW_AS_ROOT, BWRAP_ROOT, "");
	command(SW_AS_ROOT, BWRAP_ROOT, "no-vm");
}

/* ---- joining a jail that holds a hostile process ------------------------ */

/* Jail A runs atk_pid1 scan with every capability; the launcher (the
 * library, with a marker in its heap and a file open) launches B into A's
 * user and PID namespaces again and again. B's setup runs in A's
 * namespaces as a copy of the launcher: A must reach neither its memory
 * nor its fds. */
static pid_t join_target;

static int join_scenario(void)
{
	char *heap = malloc(sizeof marker);
	CHECK(heap, "malloc");
	memcpy(heap, marker, sizeof marker);
	int secret = open("/proc/self/exe", O_RDONLY); /* a launcher fd */
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)join_target);
	int u = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)join_target);
	int p = open(path, O_RDONLY | O_CLOEXEC);
	int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	CHECK(secret >= 0 && u >= 0 && p >= 0 && nul >= 0, "open: %s", strerror(errno));
	unsigned long n = tries() / 5 + 1;
	for (unsigned long i = 0; i < n; i++) {
		const char *cmd[] = { "/h/jt", "pid" };
		sw_spec *s = sw_spec_new();
		sw_error e = { 0 };
		CHECK(s, "spec");
		CHECK(sw_spec_bind(s, SW_FS_RO_BIND, "/usr", "/usr", 0, &e) == 0 &&
		      sw_spec_symlink(s, "usr/lib", "/lib", &e) == 0 &&
		      sw_spec_symlink(s, "usr/lib64", "/lib64", &e) == 0 &&
		      sw_spec_bind(s, SW_FS_RO_BIND, sw_helper_dir(), "/h", 0, &e) == 0 &&
		      sw_spec_argv(s, 2, cmd, &e) == 0 && sw_spec_fd_map(s, nul, 1, &e) == 0,
		      "spec: %s", e.msg);
		sw_spec_die_with_parent(s, true);
		CHECK(sw_spec_fd(s, SW_FD_USERNS, u, &e) == 0 && sw_spec_fd(s, SW_FD_PIDNS, p, &e) == 0,
		      "fds: %s", e.msg);
		sw_child *c = NULL;
		CHECK(sw_spawn(s, &c, &e) == 0, "spawn %lu: %s", i, e.msg);
		int code = -1;
		sw_child_wait(c, &code, NULL);
		sw_child_free(c);
		sw_spec_free(s);
		CHECK(code == 0, "join %lu: exit %d", i, code);
	}
	free(heap);
	return 0;
}

static void test_join_hostile_jail(void **state)
{
	enum sw_as as = SW_AS(state);
	char atk[PATH_MAX];
	snprintf(atk, sizeof atk, "%s", sw_helper("atk_pid1"));
	int out[2];
	assert_int_equal(pipe(out), 0);
	const char *argv[] = { sw_swrap(), "--unshare-user", "--unshare-pid", "--cap-add", "ALL",
			       "--ro-bind", "/", "/", "--proc", "/proc",
			       "--", atk, "scan", "8", marker_hex, NULL };
	fflush(NULL);
	pid_t sw = fork();
	assert_true(sw >= 0);
	if (sw == 0) {
		dup2(out[1], 1);
		close(out[0]);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	/* A's PID 1, then its command: the scanner */
	join_target = -1;
	for (int i = 0; i < 500 && join_target < 0; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)sw, (int)sw);
		char *k = sw_slurp(path);
		if (k && atoi(k) > 0)
			join_target = atoi(k);
		free(k);
		if (join_target < 0)
			usleep(10 * 1000);
	}
	assert_true(join_target > 0);
	usleep(300 * 1000); /* the scanner is up */
	int r = sw_in_launcher(as, join_scenario);
	char buf[256] = "";
	ssize_t k, got = 0;
	while (got < (ssize_t)sizeof buf - 1 &&
	       (k = read(out[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
		got += k;
	close(out[0]);
	int st;
	waitpid(sw, &st, 0);
	print_message("  jail A: %s", buf);
	assert_int_equal(r, 0);
	if (!strstr(buf, "scan clean"))
		fail_msg("the joined jail reached the launcher: %s", buf);
}

/* ---- --die-with-parent during setup and while frozen (hole 5) ------- */

/* The host pids of processes whose command line is /h/jt sleep TAG. */
static int find_jail(const char *tag, pid_t *pids, int max)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d)) && n < max) {
		char path[300], buf[256];
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (k <= 0)
			continue;
		buf[k] = 0;
		/* "/h/jt\0sleep\0TAG\0" */
		size_t a = strlen(buf);
		if (strcmp(buf, "/h/jt") == 0 && (ssize_t)a + 7 < k &&
		    strcmp(buf + a + 1, "sleep") == 0 && strcmp(buf + a + 7, tag) == 0)
			pids[n++] = (pid_t)atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* Starts swrap as `as` with extra options, then the command jt sleep TAG;
 * returns swrap's pid. */
static pid_t start_swrap(enum sw_as as, const char *const *opts, const char *tag,
			 const char *force)
{
	char hbind[PATH_MAX];
	snprintf(hbind, sizeof hbind, "%s", sw_helper_dir());
	const char *argv[48];
	size_t n = 0;
	argv[n++] = sw_swrap();
	const char *base[] = { "--unshare-user", "--unshare-pid", "--die-with-parent",
			       "--ro-bind", "/usr", "/usr", "--ro-bind", hbind, "/h",
			       "--proc", "/proc", NULL };
	for (size_t i = 0; base[i]; i++)
		argv[n++] = base[i];
	for (; opts && *opts; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	argv[n++] = "/h/jt";
	argv[n++] = "sleep";
	argv[n++] = tag;
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 1);
		setenv("SWRAP_FORCE", force, 1);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		if (chdir(sw_run_cwd(as)) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Waits (up to 20 s: a bound, not a timing) for n processes of the jail
 * to show up (n > 0), or for all of them to be gone (n == 0). */
static bool await_jail(const char *tag, int n)
{
	pid_t pids[8];
	for (int i = 0; i < 2000; i++) {
		int k = find_jail(tag, pids, 8);
		if (n ? k >= n : k == 0)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/* A setup that waits (--block-fd on a pipe nobody writes: the command is
 * made, PID 1 waits for it) when swrap is SIGKILLed: the jail must end. */
static void die_in_setup(enum sw_as as, const char *force)
{
	int p[2];
	assert_int_equal(pipe(p), 0); /* both ends inherited by swrap */
	char fdarg[16], tag[32];
	snprintf(fdarg, sizeof fdarg, "%d", p[0]);
	snprintf(tag, sizeof tag, "%d", 7000 + (int)(getpid() % 1000));
	const char *opts[] = { "--block-fd", fdarg, NULL };
	pid_t sw = start_swrap(as, opts, tag, force);
	/* The command is there, blocked before its exec: its cmdline is
	 * still swrap's. Wait for the jail's processes via their parent. */
	bool setup = false;
	for (int i = 0; i < 2000 && !setup; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)sw, (int)sw);
		char *k = sw_slurp(path);
		setup = k && k[0];
		free(k);
		if (!setup)
			usleep(10 * 1000);
	}
	assert_true(setup);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)sw, (int)sw);
	char *k = sw_slurp(path);
	pid_t pid1 = k ? (pid_t)atoi(k) : -1;
	free(k);
	usleep(200 * 1000); /* well into the wait */
	assert_int_equal(kill(sw, SIGKILL), 0);
	assert_int_equal(waitpid(sw, NULL, 0), sw);
	close(p[0]);
	bool gone = false;
	for (int i = 0; i < 2000 && !gone; i++) {
		gone = !sw_alive(pid1);
		if (!gone)
			usleep(10 * 1000);
	}
	close(p[1]);
	if (!gone)
		fail_msg("SWRAP_FORCE=%s: the jail's PID 1 %d outlived its launcher during setup",
			 force, (int)pid1);
}

static void test_die_with_parent_in_setup(void **state)
{
	die_in_setup(SW_AS(state), "");
	die_in_setup(SW_AS(state), "no-vm");
}

/* A frozen jail (swrap --freeze-cgroup) whose launcher is SIGKILLed: the
 * jail must end all the same (cgroup2's freezer lets SIGKILL through). */
static void die_frozen(const char *force)
{
	char tag[32], id[48];
	snprintf(tag, sizeof tag, "%d", 8000 + (int)(getpid() % 1000));
	snprintf(id, sizeof id, "pid1-frozen-%d", (int)getpid());
	const char *opts[] = { "--cgroup", id, NULL };
	pid_t sw = start_swrap(SW_AS_ROOT, opts, tag, force);
	if (!await_jail(tag, 1)) {
		kill(sw, SIGKILL);
		waitpid(sw, NULL, 0);
		fail_msg("the jail did not start");
	}
	struct sw_run r;
	const char *fr[] = { sw_swrap(), "--freeze-cgroup", id, NULL };
	sw_run(SW_AS_ROOT, &r, fr);
	int frozen = r.code;
	sw_run_free(&r);
	assert_int_equal(kill(sw, SIGKILL), 0);
	assert_int_equal(waitpid(sw, NULL, 0), sw);
	bool gone = await_jail(tag, 0);
	if (!gone) { /* leave nothing behind */
		const char *th[] = { sw_swrap(), "--kill-cgroup", id, NULL };
		sw_run(SW_AS_ROOT, &r, th);
		sw_run_free(&r);
	}
	assert_int_equal(frozen, 0);
	if (!gone)
		fail_msg("SWRAP_FORCE=%s: a frozen jail outlived its launcher", force);
	/* its cgroup is the next launch's to reclaim, or --kill-cgroup's */
	const char *k[] = { sw_swrap(), "--kill-cgroup", id, NULL };
	sw_run(SW_AS_ROOT, &r, k);
	sw_run_free(&r);
}

static void test_die_with_parent_frozen(void **state)
{
	(void)state;
	die_frozen("");
	die_frozen("no-vm");
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_pid1: must run as root (it also runs each test as uid %d)\n",
			SW_TEST_UID);
		return 77;
	}
	make_marker();
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_library_cap_ptrace),
		SW_BOTH(test_library_cap_all),
		cmocka_unit_test(test_library_bwrap_root),
		SW_BOTH(test_command_cap_ptrace),
		cmocka_unit_test(test_command_bwrap_root),
		SW_BOTH(test_join_hostile_jail),
		SW_BOTH(test_die_with_parent_in_setup),
		cmocka_unit_test(test_die_with_parent_frozen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
