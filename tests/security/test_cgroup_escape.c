/* test_cgroup_escape.c — issue 20, hole 3: the jail goes after its own
 * cgroup. The hostile program is tests/helpers/atk_cgroup: with no
 * capability it makes a user+mount+cgroup namespace of its own, mounts
 * cgroup2 and each v1 hierarchy it is in (each mount's root is its own
 * cgroup) and
 *
 *   1. tries to raise every limit it can see, then forks past --pids-max
 *      and touches more than --memory-max: the limits hold;
 *   2. makes sub-cgroups in its cgroup (siblings, and a chain whose path
 *      is longer than PATH_MAX): teardown removes them all, says nothing
 *      went wrong, and the id launches again;
 *   3. freezes a sub-cgroup of its own holding a process (cgroup2's
 *      cgroup.freeze, and the v1 freezer where there is one) and exits,
 *      or stays: neither the launcher's wait nor --kill-cgroup hangs.
 *
 * Each test runs as root and as the unprivileged uid, which gets cgroups
 * delegated to it as systemd would (here: the cgroup2 directory and a v1
 * directory for each of pids, memory and freezer that is on v1; in the
 * VMs it starts in a delegated scope already). A launch that does not
 * return in HANG_GUARD_S seconds is killed and fails the test: that is a
 * guard against a hang, not a timing assertion. Cgroups here are named
 * swtest-esc*.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"

#define PARENT "swtest-esc"
#define DELEG "swtest-deleg-esc" /* not a swtest-esc*: it stays until the end */
#define HANG_GUARD_S 60
#define PIDS_MAX "20"

/* ---- where the unprivileged launcher runs -------------------------------- */

static char deleg[8][PATH_MAX];
static int ndeleg;

static void chown_if(const char *dir, const char *file)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	if (access(p, F_OK) == 0)
		assert_int_equal(chown(p, SW_TEST_UID, SW_TEST_GID), 0);
}

static void delegate(const char *dir)
{
	assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	assert_int_equal(chown(dir, SW_TEST_UID, SW_TEST_GID), 0);
	const char *files[] = { "cgroup.procs", "cgroup.subtree_control",
				"cgroup.threads", "tasks" };
	for (size_t i = 0; i < 4; i++)
		chown_if(dir, files[i]);
	snprintf(deleg[ndeleg++], PATH_MAX, "%s", dir);
}

/* Is the cgroup2 directory this test runs in delegated to the test uid
 * already (the VMs' scope)? */
static bool self_delegated(const struct sw_cgroup_hier *v2)
{
	char p[PATH_MAX];
	struct stat st;
	if (!v2 || !v2->self)
		return false;
	snprintf(p, sizeof p, "%s/cgroup.procs", v2->self);
	return stat(p, &st) == 0 && st.st_uid == SW_TEST_UID;
}

/* As root: nothing. As the test uid: cgroups delegated to it. */
static void setup_as(enum sw_as as)
{
	ndeleg = 0;
	if (as != SW_AS_USER)
		return;
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(NULL, &l, NULL), 0);
	const struct sw_cgroup_hier *v2 = sw_cgroup_layout_find(&l, true, 0);
	if (self_delegated(v2)) {
		sw_cgroup_layout_free(&l);
		return;
	}
	char p[PATH_MAX];
	if (v2) {
		/* the root cgroup may enable controllers beside processes */
		char want[64] = "";
		if (v2->ctls & SW_CGC_MEMORY)
			strcat(want, "+memory ");
		if (v2->ctls & SW_CGC_PIDS)
			strcat(want, "+pids");
		if (want[0])
			sw_cgroup_write(v2->mount, "cgroup.subtree_control", want, NULL);
		snprintf(p, sizeof p, "%s/%s", v2->mount, DELEG);
		delegate(p);
	}
	const unsigned v1[] = { SW_CGC_PIDS, SW_CGC_MEMORY, SW_CGC_FREEZER };
	for (size_t i = 0; i < 3; i++) {
		if (v2 && (v2->ctls & v1[i]))
			continue;
		const struct sw_cgroup_hier *h = sw_cgroup_layout_find(&l, false, v1[i]);
		if (!h)
			continue;
		snprintf(p, sizeof p, "%s/%s", h->mount, DELEG);
		delegate(p);
	}
	sw_cgroup_layout_free(&l);
}

/* ---- running swrap with a guard ------------------------------------------- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void read_back(int fd, char *out, size_t len)
{
	ssize_t n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = 0;
}

/* Runs argv as `as` (unprivileged: from inside the delegated cgroups),
 * both streams into a file read back into out; the exit code, or -1 when
 * it did not end within HANG_GUARD_S (it is killed then). *keep, when
 * given, receives the output file's fd (for a detached jail's output). */
static int run_fd(enum sw_as as, const char *const *argv, char *out, size_t len, int *keep)
{
	char tmpl[] = "/tmp/swtest-esc-out-XXXXXX";
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
		char me[24];
		snprintf(me, sizeof me, "%d", (int)getpid());
		/* Once swrap has enabled controllers in the delegated cgroup, it
		 * has moved its caller to swrap-caller, as a shell's later
		 * children start there too. */
		for (int i = 0; as == SW_AS_USER && i < ndeleg; i++) {
			char leaf[PATH_MAX + 32];
			snprintf(leaf, sizeof leaf, "%.4000s/%s", deleg[i], SW_CGROUP_CALLER_LEAF);
			if (sw_cgroup_write(deleg[i], "cgroup.procs", me, NULL) < 0 &&
			    sw_cgroup_write(leaf, "cgroup.procs", me, NULL) < 0)
				_exit(124);
		}
		if (chdir(sw_run_cwd(as)) < 0)
			_exit(124);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	long deadline = now_ms() + HANG_GUARD_S * 1000L;
	int st = 0, code = -1;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		usleep(20000);
	}
	read_back(fd, out, len);
	if (keep)
		*keep = fd;
	else
		close(fd);
	return code;
}

static int run(enum sw_as as, const char *const *argv, char *out, size_t len)
{
	return run_fd(as, argv, out, len, NULL);
}

/* swrap, the jail's options, --cgroup id, extra, -- atk_cgroup cmd... */
static int jail_fd(enum sw_as as, const char *id, const char *const *extra,
		   const char *const *cmd, char *out, size_t len, int *keep)
{
	const char *v[64];
	size_t n = 0;
	/* --uid 1000: so that the jail's uid is not 0 inside, which a root
	 * launcher's jail could not map into a namespace of its own (that
	 * takes CAP_SETFCAP), and the attack has its full strength as root
	 * too: uid 1000 inside is root outside, which owns the cgroups */
	const char *head[] = { sw_swrap(), "--ro-bind", "/", "/", "--dev", "/dev",
			       "--proc", "/proc", "--unshare-user", "--unshare-pid",
			       "--uid", "1000", "--gid", "1000",
			       "--cgroup", id, "--cgroup-parent", PARENT,
			       "--setenv", "ATK_CG_ONLY", "/" PARENT "/", NULL };
	for (size_t i = 0; head[i]; i++)
		v[n++] = head[i];
	for (; extra && *extra; extra++)
		v[n++] = *extra;
	v[n++] = "--";
	v[n++] = sw_helper("atk_cgroup");
	for (; *cmd; cmd++)
		v[n++] = *cmd;
	v[n] = NULL;
	return run_fd(as, v, out, len, keep);
}

static int jail(enum sw_as as, const char *id, const char *const *extra,
		const char *const *cmd, char *out, size_t len)
{
	return jail_fd(as, id, extra, cmd, out, len, NULL);
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The number after "key " on a line of out, or -1. */
static long value_after(const char *out, const char *key)
{
	const char *p = strstr(out, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Is there a line starting with prefix and ending with suffix? */
static bool line_like(const char *out, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strcspn(l, "\n");
		if (n >= pl + sl && strncmp(l, prefix, pl) == 0 &&
		    strncmp(l + n - sl, suffix, sl) == 0)
			return true;
	}
	return false;
}

static bool have_hier(bool v2, unsigned ctl)
{
	struct sw_cgroup_layout l;
	assert_int_equal(sw_cgroup_discover(NULL, &l, NULL), 0);
	const struct sw_cgroup_hier *h = sw_cgroup_layout_find(&l, v2, ctl);
	bool yes = h && (!v2 || !ctl || (h->ctls & ctl));
	/* v1 freezer: only beside the controllers swrap puts on v1 itself */
	sw_cgroup_layout_free(&l);
	return yes;
}

/* ---- what is left, and cleaning up after a failed run --------------------- */

static void thaw_kill(const char *dir, void *arg)
{
	(void)arg;
	sw_cgroup_write(dir, "freezer.state", "THAWED", NULL);
	sw_cgroup_write(dir, "cgroup.freeze", "0", NULL);
	sw_cgroup_write(dir, "cgroup.kill", "1", NULL);
	char buf[4096];
	if (sw_cgroup_read(dir, "cgroup.procs", buf, sizeof buf) > 0)
		for (char *p = buf, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
		}
}

/* Whatever an earlier (failed) run left: thawed, killed, removed. */
static void scrub(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return;
	for (int i = 0; i < 3; i++) {
		sw_cgroup_tree_visit(dir, thaw_kill, NULL);
		usleep(50000);
	}
	sw_cgroup_tree_remove(dir, NULL, NULL, NULL);
	rmdir(dir);
}

static int cleanup(void **state)
{
	(void)state;
	struct sw_cgroup_layout l;
	if (sw_cgroup_discover(NULL, &l, NULL) < 0)
		return 0;
	const char *names[] = { PARENT, "swtest-esc-fz", "swtest-esc-sib0", "swtest-esc-sib1",
				"swtest-esc-sib2", "swtest-esc-sib3", "swtest-esc-sib4",
				DELEG "/" PARENT, DELEG "/swtest-esc-fz", DELEG "/swrap-caller/"
				"swtest-esc-fz" };
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
			char p[PATH_MAX];
			snprintf(p, sizeof p, "%s/%s", l.h[i].mount, names[k]);
			scrub(p);
		}
	sw_cgroup_layout_free(&l);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return 0;
}

/* After the last test: the delegated directories go too. */
static int remove_delegated(void **state)
{
	cleanup(state);
	struct sw_cgroup_layout l;
	if (sw_cgroup_discover(NULL, &l, NULL) < 0)
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s/%s", l.h[i].mount, DELEG, SW_CGROUP_CALLER_LEAF);
		rmdir(p);
		snprintf(p, sizeof p, "%s/%s", l.h[i].mount, DELEG);
		rmdir(p);
	}
	sw_cgroup_layout_free(&l);
	return 0;
}

static void assert_nothing_left(void)
{
	const char *left = sw_cgroup_leftover(PARENT);
	if (left)
		fail_msg("left behind: %s", left);
}

/* ---- 1. the limits hold --------------------------------------------------- */

static void test_limits_hold(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char out[65536];
	/* The unprivileged uid has no memory controller here unless it is
	 * delegated (cgroup2 with memory, or the v1 directory above). */
	int code = jail(as, "swtest-esc-lim", L("--pids-max", PIDS_MAX, "--memory-max", "64M"),
			L("raise", "64", "160"), out, sizeof out);
	print_message("  exit %d\n%s", code, out);
	if (code != 0)
		fail_msg("swrap: exit %d", code);
	/* the attack did run: its own namespaces, a cgroupfs mount */
	assert_true(line_like(out, "unshare: ", "ok"));
	if (have_hier(true, 0))
		assert_true(line_like(out, "mount cgroup2: ", "ok"));
	/* the jail's cgroup2 cgroup has no limit file to write, and the
	 * host's cgroupfs it sees is out of bounds */
	assert_false(line_like(out, "write cgroup2", ": ok"));
	assert_false(line_like(out, "write host:", ": ok"));
	/* whatever it wrote where it could (a v1 leaf's own files), the
	 * limits above hold: no more than 20 processes, no 160 MiB */
	long forked = value_after(out, "forked ");
	assert_true(forked >= 0);
	assert_true(forked < 20);
	assert_int_equal(value_after(out, "fork-errno "), EAGAIN);
	assert_true(line_like(out, "mem: signal ", "9"));
	assert_nothing_left();
}

/* ---- 2. sub-cgroups are removed ------------------------------------------- */

static void test_subcgroups_removed(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char out[65536];
	for (int round = 0; round < 2; round++) {
		/* 30 levels of 200 characters: 6000 bytes of path */
		int code = jail(as, "swtest-esc-tree", L("--pids-max", "64", "--memory-max", "256M"),
				L("tree", "30"), out, sizeof out);
		print_message("  round %d: exit %d\n%s", round, code, out);
		if (code != 0)
			fail_msg("swrap: exit %d (round %d)", code, round);
		if (have_hier(true, 0))
			assert_true(line_like(out, "tree cgroup2: ", "ok"));
		assert_null(strstr(out, "swrap: "));
		assert_nothing_left();
	}
}

/* ---- 3. a frozen sub-cgroup does not hang the launcher -------------------- */

static void expect_froze(enum sw_as as, const char *out)
{
	if (have_hier(true, 0))
		assert_true(line_like(out, "froze v2: ", "ok"));
	/* a v1 freezer the jail has a cgroup of its own in: the root's, or
	 * the one delegated to the unprivileged uid */
	if (have_hier(false, SW_CGC_FREEZER) && (as == SW_AS_ROOT || ndeleg > 0))
		assert_true(line_like(out, "froze v1: ", "ok"));
}

static void test_frozen_subcgroup_exit(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char out[65536];
	int code = jail(as, "swtest-esc-fz", L("--pids-max", "64"), L("freeze"), out, sizeof out);
	print_message("  exit %d\n%s", code, out);
	if (code < 0)
		fail_msg("swrap did not return within %d s (the jail's frozen sub-cgroup)",
			 HANG_GUARD_S);
	assert_int_equal(code, 0);
	expect_froze(as, out);
	assert_null(strstr(out, "swrap: "));
	assert_nothing_left();
}

static void test_frozen_subcgroup_kill(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char out[65536];
	const char *id = "swtest-esc-fzk";
	int fd = -1;
	int code = jail_fd(as, id, L("--pids-max", "64", "--detach"), L("freeze", "stay"),
			   out, sizeof out, &fd);
	if (code != 0)
		fail_msg("detached launch: exit %d\n%s", code, out);
	long deadline = now_ms() + HANG_GUARD_S * 1000L;
	while (!strstr(out, "ready\n") && now_ms() < deadline) {
		usleep(20000);
		read_back(fd, out, sizeof out);
	}
	close(fd);
	print_message("%s", out);
	assert_non_null(strstr(out, "ready\n"));
	expect_froze(as, out);
	char res[4096];
	code = run(as, L(sw_swrap(), "--kill-cgroup", id, "--cgroup-parent", PARENT), res,
		   sizeof res);
	print_message("  --kill-cgroup: exit %d %s\n", code, res);
	if (code < 0)
		fail_msg("--kill-cgroup did not return within %d s", HANG_GUARD_S);
	assert_int_equal(code, 0);
	assert_nothing_left();
}

/* ---- 5. a cgroup namespace is rooted at the jail's leaf ------------------ */

/* With --unshare-cgroup the jail's cgroup namespace must be rooted at its
 * own cgroup in every hierarchy it was put in: made at clone, before the
 * parent's cgroup.procs writes (v1, this host), it was rooted at the
 * launcher's cgroups there, whose files a jail mounting cgroupfs reaches. */
static void test_cgroupns_rooted(void **state)
{
	enum sw_as as = SW_AS(state);
	setup_as(as);
	char out[65536];
	const char *v[] = { sw_swrap(), "--ro-bind", "/", "/", "--proc", "/proc",
			    "--unshare-user", "--unshare-pid", "--unshare-cgroup",
			    "--cgroup", "swtest-esc-ns", "--cgroup-parent", PARENT,
			    "--pids-max", PIDS_MAX, "--", "/bin/cat", "/proc/self/cgroup", NULL };
	int code = run(as, v, out, sizeof out);
	print_message("  exit %d\n%s", code, out);
	assert_int_equal(code, 0);
	int lines = 0;
	for (const char *l = out; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		size_t n = strcspn(l, "\n");
		if (!n)
			continue;
		lines++;
		/* "N:controllers:/" : the jail's own cgroup is its root */
		if (!(n >= 2 && l[n - 1] == '/' && l[n - 2] == ':'))
			fail_msg("not rooted at the jail's cgroup: %.*s", (int)n, l);
	}
	assert_true(lines > 0);
	assert_nothing_left();
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_cgroup_escape: must run as root (it also runs "
			"each test as uid %d)\n", SW_TEST_UID);
		return 77;
	}
	const struct CMUnitTest tests[] = {
		{ "test_limits_hold/root", test_limits_hold, NULL, cleanup, &sw_as_root_v },
		{ "test_limits_hold/user", test_limits_hold, NULL, cleanup, &sw_as_user_v },
		{ "test_subcgroups_removed/root", test_subcgroups_removed, NULL, cleanup, &sw_as_root_v },
		{ "test_subcgroups_removed/user", test_subcgroups_removed, NULL, cleanup, &sw_as_user_v },
		{ "test_frozen_subcgroup_exit/root", test_frozen_subcgroup_exit, NULL, cleanup,
		  &sw_as_root_v },
		{ "test_frozen_subcgroup_exit/user", test_frozen_subcgroup_exit, NULL, cleanup,
		  &sw_as_user_v },
		{ "test_frozen_subcgroup_kill/root", test_frozen_subcgroup_kill, NULL, cleanup,
		  &sw_as_root_v },
		{ "test_frozen_subcgroup_kill/user", test_frozen_subcgroup_kill, NULL, cleanup,
		  &sw_as_user_v },
		{ "test_cgroupns_rooted/root", test_cgroupns_rooted, NULL, cleanup, &sw_as_root_v },
		{ "test_cgroupns_rooted/user", test_cgroupns_rooted, NULL, cleanup, &sw_as_user_v },
	};
	if (getenv("SW_SEC_FILTER"))
		cmocka_set_test_filter(getenv("SW_SEC_FILTER"));
	return cmocka_run_group_tests(tests, NULL, remove_delegated);
}
