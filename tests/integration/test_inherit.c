/* test_inherit.c — what the command inherits, through the real swrap, as
 * root and as an unprivileged uid (issue 5, acceptance 1-6): environment,
 * fds, capabilities and no_new_privs, seccomp, rlimits, and the refusal to
 * run setuid. tests/helpers/envprobe prints what it sees from inside.
 *
 * Where bubblewrap is installed, the environment and capability cases are
 * also run through it with the same options and must print the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

#define BWRAP "/usr/bin/bwrap"
#define MAXARGS 64

static const char *probe(void)
{
	return sw_helper("envprobe");
}


/* argv = runner, the jail options, opts, "--", cmd... */
static void build_argv(const char **argv, const char *runner,
		       const char *const *opts, const char *const *cmd)
{
	size_t n = 0;
	argv[n++] = runner;
	argv[n++] = "--ro-bind";
	argv[n++] = "/";
	argv[n++] = "/";
	argv[n++] = "--unshare-pid";
	for (; opts && *opts; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	for (; *cmd; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	assert_true(n < MAXARGS);
}

static void jail(enum sw_as as, const char *runner, const char *const *env,
		 const char *const *opts, const char *const *cmd,
		 struct sw_run *r)
{
	const char *argv[MAXARGS];
	build_argv(argv, runner, opts, cmd);
	sw_run_env(as, env, r, argv);
}

static bool have_bwrap(void)
{
	return access(BWRAP, X_OK) == 0;
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE ((const char *const[]){ NULL })

/* ---- 1. environment --------------------------------------------------- */

/* Runs `envprobe env` (or cmd) with opts; the output must equal want (a
 * list of lines, in order) when given, and bubblewrap's output for the
 * same options when bubblewrap is there. */
static void env_case(enum sw_as as, const char *const *extra,
		     const char *const *opts, const char *const *want)
{
	struct sw_run r;
	jail(as, sw_swrap(), extra, opts, L(probe(), "env"), &r);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	if (want) {
		char buf[4096] = "";
		for (; *want; want++)
			strcat(strcat(buf, *want), "\n");
		assert_string_equal(r.out, buf);
	}
	if (have_bwrap()) {
		struct sw_run b;
		jail(as, BWRAP, extra, opts, L(probe(), "env"), &b);
		assert_int_equal(b.code, 0);
		assert_string_equal(r.out, b.out);
		sw_run_free(&b);
	}
	sw_run_free(&r);
}

/* "PWD=DIR" for the directory a run as `as` starts in (sw_run_cwd): the
 * jail's cwd and PWD when nothing else is asked. */
static const char *pwd_line(enum sw_as as)
{
	static char line[2][4200];
	snprintf(line[as == SW_AS_USER], sizeof line[0], "PWD=%s", sw_run_cwd(as));
	return line[as == SW_AS_USER];
}

static void env_inherited(void **state)
{
	env_case(SW_AS(state), L("SW_EXTRA=1"), NONE, NULL);
	/* the rest is compared with bwrap; check the essentials anyway */
	struct sw_run r;
	jail(SW_AS(state), sw_swrap(), L("SW_EXTRA=1"), NONE, L(probe(), "env"),
	     &r);
	assert_true(sw_has_line(r.out, "SW_EXTRA=1"));
	assert_true(sw_has_line(r.out, pwd_line(SW_AS(state))));
	char path[4200];
	snprintf(path, sizeof path, "PATH=%s", getenv("PATH"));
	assert_true(sw_has_line(r.out, path));
	sw_run_free(&r);
}

static void env_clearenv(void **state)
{
	env_case(SW_AS(state), NULL, L("--clearenv"), L(pwd_line(SW_AS(state))));
}

static void env_clear_then_set(void **state)
{
	env_case(SW_AS(state), NULL,
		 L("--clearenv", "--setenv", "A", "1", "--setenv", "B",
		   "two words", "--setenv", "C", ""),
		 L("A=1", "B=two words", "C=", pwd_line(SW_AS(state))));
}

static void env_set_existing(void **state)
{
	struct sw_run r;
	env_case(SW_AS(state), L("FOO=orig"), L("--setenv", "FOO", "bar"), NULL);
	jail(SW_AS(state), sw_swrap(), L("FOO=orig"),
	     L("--setenv", "FOO", "bar"), L(probe(), "env"), &r);
	assert_true(sw_has_line(r.out, "FOO=bar"));
	assert_null(strstr(r.out, "FOO=orig"));
	sw_run_free(&r);
}

static void env_unset(void **state)
{
	struct sw_run r;
	const char *const *opts = L("--unsetenv", "FOO", "--unsetenv", "HOME",
				    "--unsetenv", "NOT_THERE");
	env_case(SW_AS(state), L("FOO=orig"), opts, NULL);
	jail(SW_AS(state), sw_swrap(), L("FOO=orig"), opts, L(probe(), "env"),
	     &r);
	assert_null(strstr(r.out, "FOO="));
	assert_null(strstr(r.out, "\nHOME="));
	assert_true(sw_has_line(r.out, pwd_line(SW_AS(state))));
	sw_run_free(&r);
}

static void env_set_clear_set(void **state)
{
	env_case(SW_AS(state), L("FOO=orig"),
		 L("--setenv", "X", "1", "--clearenv", "--setenv", "Y", "2"),
		 L("Y=2", pwd_line(SW_AS(state))));
}

static void env_unset_then_set(void **state)
{
	env_case(SW_AS(state), L("FOO=orig"),
		 L("--clearenv", "--setenv", "FOO", "1", "--setenv", "BAR", "2",
		   "--unsetenv", "FOO", "--setenv", "FOO", "again"),
		 L("BAR=2", "FOO=again", pwd_line(SW_AS(state))));
}

static void env_pwd_follows_chdir(void **state)
{
	/* bubblewrap sets PWD to the cwd it chose, over any --setenv PWD */
	env_case(SW_AS(state), NULL,
		 L("--clearenv", "--setenv", "PWD", "/custom", "--chdir", "/tmp"),
		 L("PWD=/tmp"));
}

static void helpers_dir(char *buf, size_t len)
{
	snprintf(buf, len, "%s", probe());
	*strrchr(buf, '/') = 0;
}

static void env_jail_path_finds_program(void **state)
{
	char dir[4096], path[4200];
	helpers_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "PATH=%s", dir);
	struct sw_run r;
	/* "envprobe" is not in the launcher's PATH, only in the jail's */
	jail(SW_AS(state), sw_swrap(), NULL,
	     L("--clearenv", "--setenv", "PATH", dir), L("envprobe", "env"), &r);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	char want[8500];
	snprintf(want, sizeof want, "%s\n%s\n", path, pwd_line(SW_AS(state)));
	assert_string_equal(r.out, want);
	sw_run_free(&r);
	jail(SW_AS(state), sw_swrap(), NULL,
	     L("--clearenv", "--setenv", "PATH", "/nonexistent"),
	     L("envprobe", "env"), &r);
	assert_int_not_equal(r.code, 0);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "envprobe"));
	sw_run_free(&r);
}

/* --profile shim, with RUST_LOG and RUST_BACKTRACE set or not in the
 * launcher's environment. */
static void shim_env(enum sw_as as, const char *log, const char *bt)
{
	char dir[4096], lib[4200], l1[256], l2[256];
	const char *extra[3] = { NULL, NULL, NULL }, *want[8];
	size_t ne = 0, nw = 0;
	helpers_dir(dir, sizeof dir);
	snprintf(lib, sizeof lib, "LD_LIBRARY_PATH=%s", dir);
	want[nw++] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
	want[nw++] = "HOME=/root";
	want[nw++] = lib;
	if (log) {
		snprintf(l1, sizeof l1, "RUST_LOG=%s", log);
		extra[ne++] = want[nw++] = l1;
	}
	if (bt) {
		snprintf(l2, sizeof l2, "RUST_BACKTRACE=%s", bt);
		extra[ne++] = want[nw++] = l2;
	}
	want[nw++] = "PWD=/";
	want[nw] = NULL;
	struct sw_run r;
	const char *argv[] = { sw_swrap(), "--profile", "shim", "--",
			       probe(), "env", NULL };
	sw_run_env(as, extra, &r, argv);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	char buf[8192] = "";
	for (size_t i = 0; i < nw; i++)
		strcat(strcat(buf, want[i]), "\n");
	assert_string_equal(r.out, buf);
	sw_run_free(&r);
}

static void env_shim_plain(void **state)
{
	shim_env(SW_AS(state), NULL, NULL);
}

static void env_shim_rust_log(void **state)
{
	shim_env(SW_AS(state), "debug,krun=trace", NULL);
}

static void env_shim_rust_backtrace(void **state)
{
	shim_env(SW_AS(state), NULL, "full");
}

static void env_shim_both(void **state)
{
	shim_env(SW_AS(state), "info", "1");
}

/* ---- a runner whose launcher holds fds of the test's choosing --------- */

/* Runs argv as `as` after prep() has set up fds in the launcher (swrap's
 * parent is this forked child, which exec's swrap). */
static void run_prepped(enum sw_as as, void (*prep)(void *), void *arg,
			struct sw_run *r, const char *const *argv)
{
	FILE *o = tmpfile(), *e = tmpfile();
	assert_true(o && e);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(fileno(o), 1);
		dup2(fileno(e), 2);
		if (prep)
			prep(arg);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	int st = 0;
	for (int i = 0; i < 600 && waitpid(pid, &st, WNOHANG) == 0; i++)
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		fail_msg("run timed out");
	}
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	FILE *f[2] = { o, e };
	char **dst[2] = { &r->out, &r->err };
	for (int i = 0; i < 2; i++) {
		fseek(f[i], 0, SEEK_END);
		long n = ftell(f[i]);
		rewind(f[i]);
		*dst[i] = calloc(1, (size_t)n + 1);
		assert_int_equal(fread(*dst[i], 1, (size_t)n, f[i]), (size_t)n);
		fclose(f[i]);
	}
}

/* ---- 2. fds ----------------------------------------------------------- */

/* 50 fds without CLOEXEC, among them 10 and 40. */
static void open_fifty(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			_exit(124);
	}
	dup2(0, 10);
	dup2(0, 40);
}

static void fds_only_stdio(void **state)
{
	struct sw_run r;
	const char *argv[MAXARGS];
	build_argv(argv, sw_swrap(), NONE, L(probe(), "fds"));
	run_prepped(SW_AS(state), open_fifty, NULL, &r, argv);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	assert_string_equal(r.out, "0 1 2\n");
	sw_run_free(&r);
}

static void fds_keep_fd(void **state)
{
	struct sw_run r;
	const char *argv[MAXARGS];
	build_argv(argv, sw_swrap(), L("--keep-fd", "40", "--keep-fd", "10"),
		   L(probe(), "fds"));
	run_prepped(SW_AS(state), open_fifty, NULL, &r, argv);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	assert_string_equal(r.out, "0 1 2 10 40\n");
	sw_run_free(&r);
}

/* ---- 3. capabilities, no_new_privs ------------------------------------ */

static void status_of(enum sw_as as, const char *runner,
		      const char *const *opts, struct sw_run *r)
{
	jail(as, runner, NULL, opts, L(probe(), "status"), r);
	if (r->code != 0)
		fail_msg("%s exit %d: %s", runner, r->code, r->err);
}

static void expect_caps(const char *status, const char *hex)
{
	sw_expect_caps(status, hex);
	assert_true(sw_has_line(status, "NoNewPrivs:\t1"));
}

/* swrap and bubblewrap agree on the Cap* lines for these options. */
static void caps_like_bwrap(enum sw_as as, const char *const *opts)
{
	struct sw_run s, b;
	status_of(as, sw_swrap(), opts, &s);
	assert_true(sw_has_line(s.out, "NoNewPrivs:\t1"));
	if (have_bwrap()) {
		status_of(as, BWRAP, opts, &b);
		assert_string_equal(s.out, b.out);
		sw_run_free(&b);
	}
	sw_run_free(&s);
}

/* Nothing by default, for root too (bubblewrap leaves a uid-0 launcher's
 * command all of root's caps: see caps.c), and whatever the uid inside. */
static void caps_default(void **state)
{
	const char *const *cases[] = {
		NONE, L("--unshare-user"), L("--unshare-user", "--uid", "0"),
		L("--unshare-user", "--uid", "1000"),
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct sw_run r;
		status_of(SW_AS(state), sw_swrap(), cases[i], &r);
		expect_caps(r.out, "0000000000000000");
		sw_run_free(&r);
	}
	if (SW_AS(state) == SW_AS_USER) /* bubblewrap agrees when not root */
		caps_like_bwrap(SW_AS(state), L("--unshare-user", "--uid", "0"));
}

/* Exactly the bit asked for, in all five sets (ambient: it survives exec),
 * with or without a user namespace, as root or not. */
static void caps_add_net_admin(void **state)
{
	const char *const *cases[] = {
		L("--unshare-user", "--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN"),
		L("--unshare-user", "--uid", "0", "--cap-add", "CAP_NET_ADMIN"),
		L("--cap-add", "CAP_NET_ADMIN"),
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct sw_run r;
		status_of(SW_AS(state), sw_swrap(), cases[i], &r);
		expect_caps(r.out, "0000000000001000");
		sw_run_free(&r);
	}
	/* where bubblewrap starts from nothing too, it agrees */
	caps_like_bwrap(SW_AS(state), L("--unshare-user", "--cap-drop", "ALL",
					"--cap-add", "CAP_NET_ADMIN"));
	if (SW_AS(state) == SW_AS_USER)
		caps_like_bwrap(SW_AS(state), L("--cap-add", "CAP_NET_ADMIN"));
}

static void caps_drop_and_all(void **state)
{
	caps_like_bwrap(SW_AS(state), L("--unshare-user", "--cap-add", "ALL",
					"--cap-drop", "CAP_SYS_ADMIN"));
	caps_like_bwrap(SW_AS(state), L("--unshare-user", "--uid", "1000",
					"--cap-drop", "ALL", "--cap-add", "CAP_CHOWN"));
	if (SW_AS(state) == SW_AS_USER)
		caps_like_bwrap(SW_AS(state), L("--cap-drop", "CAP_NET_ADMIN"));
}

/* Bit n of the CapBnd line in /proc/self/status. */
static bool have_bound_cap(int n)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long v = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "CapBnd: %llx", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v & (1ull << n);
}

/* A uid-0 launcher without a user namespace can't hand on a cap it lacks:
 * bubblewrap silently keeps *all* caps then; swrap refuses. */
static void caps_root_missing_cap_refused(void **state)
{
	if (SW_AS(state) != SW_AS_ROOT || have_bound_cap(24 /* SYS_RESOURCE */))
		skip();
	struct sw_run r;
	jail(SW_AS_ROOT, sw_swrap(), NULL,
	     L("--cap-drop", "ALL", "--cap-add", "CAP_SYS_RESOURCE"),
	     L(probe(), "status"), &r);
	assert_int_equal(r.code, 1);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "--cap-add CAP_SYS_RESOURCE"));
	sw_run_free(&r);
}

/* ---- 4. seccomp ------------------------------------------------------- */

static void seccomp_default_profile(void **state)
{
	struct sw_run r;
	const char *const *opts = L("--seccomp-profile", "default");
	jail(SW_AS(state), sw_swrap(), NULL, opts, L(probe(), "status"), &r);
	assert_int_equal(r.code, 0);
	assert_true(sw_has_line(r.out, "Seccomp:\t2"));
	assert_true(sw_has_line(r.out, "NoNewPrivs:\t1"));
	sw_run_free(&r);
	jail(SW_AS(state), sw_swrap(), NULL, opts, L(probe(), "denied"), &r);
	assert_int_equal(r.code, 0);
	int lines = 0;
	for (char *p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 23);
	for (char *l = strtok(r.out, "\n"); l; l = strtok(NULL, "\n"))
		if (strcmp(strrchr(l, ' '), " 1") != 0) /* EPERM */
			fail_msg("not denied with EPERM: %s", l);
	sw_run_free(&r);
}

static void seccomp_ordinary_programs_run(void **state)
{
	struct sw_run r;
	const char *const *opts =
		L("--seccomp-profile", "default", "--dev-bind", "/dev/net/tun",
		  "/dev/net/tun");
	jail(SW_AS(state), sw_swrap(), NULL, opts,
	     L("/bin/sh", "-c", "ls / | grep -qx usr && echo ok"), &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "ok\n");
	sw_run_free(&r);
	/* a VMM opens /dev/net/tun: the filter changes nothing there */
	struct sw_run plain;
	jail(SW_AS(state), sw_swrap(), NULL, opts, L(probe(), "tun"), &r);
	jail(SW_AS(state), sw_swrap(), NULL, L("--dev-bind", "/dev/net/tun",
					       "/dev/net/tun"),
	     L(probe(), "tun"), &plain);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, plain.out);
	if (SW_AS(state) == SW_AS_ROOT && access("/dev/net/tun", F_OK) == 0)
		assert_string_equal(r.out, "tun ok\n");
	sw_run_free(&r);
	sw_run_free(&plain);
}

struct bytes {
	const void *data;
	size_t len;
};

/* Puts the bytes in a pipe read at fd 20 by swrap. */
static void pipe_at_20(void *arg)
{
	const struct bytes *b = arg;
	int p[2];
	if (pipe(p) < 0 || write(p[1], b->data, b->len) != (ssize_t)b->len)
		_exit(124);
	close(p[1]);
	dup2(p[0], 20);
	close(p[0]);
}

static const struct sock_filter deny_getppid[] = {
	{ BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch) },
	{ BPF_JMP | BPF_JEQ | BPF_K, 0, 3, AUDIT_ARCH_X86_64 },
	{ BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr) },
	{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, SYS_getppid },
	{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | 77 },
	{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW },
};

static void seccomp_fd_program(void **state)
{
	struct sw_run r;
	const char *argv[MAXARGS];
	struct bytes b = { deny_getppid, sizeof deny_getppid };
	build_argv(argv, sw_swrap(), L("--seccomp", "20"),
		   L(probe(), "getppid"));
	run_prepped(SW_AS(state), pipe_at_20, &b, &r, argv);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	assert_string_equal(r.out, "getppid 77\n");
	sw_run_free(&r);
	/* with the default profile too: both filters apply */
	build_argv(argv, sw_swrap(),
		   L("--seccomp-profile", "default", "--add-seccomp-fd", "20"),
		   L("/bin/sh", "-c", "$0 getppid; $0 denied | grep reboot",
		     probe()));
	run_prepped(SW_AS(state), pipe_at_20, &b, &r, argv);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "getppid 77\nreboot 1\n");
	sw_run_free(&r);
}

static void seccomp_bad_fd_rejected(void **state)
{
	struct sw_run r;
	const char *argv[MAXARGS];
	struct bytes seven = { "garbage", 7 }, junk = { "garbage!garbage!", 16 };
	build_argv(argv, sw_swrap(), L("--seccomp", "20"), L("/bin/true"));
	run_prepped(SW_AS(state), pipe_at_20, &seven, &r, argv);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--seccomp fd 20: 7 bytes is not a whole "
				      "number of 8-byte BPF instructions"));
	sw_run_free(&r);
	build_argv(argv, sw_swrap(), L("--add-seccomp-fd", "20"), L("/bin/true"));
	run_prepped(SW_AS(state), pipe_at_20, &junk, &r, argv);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--add-seccomp-fd 20: not a valid "
				      "seccomp program"));
	sw_run_free(&r);
}

/* ---- 5. rlimits ------------------------------------------------------- */

/* The soft and hard columns of /proc/self/limits' line for what. */
static void limits_line(const char *limits, const char *what, char *soft,
			char *hard)
{
	const char *l = strstr(limits, what);
	if (!l)
		fail_msg("no \"%s\" in:\n%s", what, limits);
	assert_int_equal(sscanf(l + 26, "%31s %31s", soft, hard), 2);
}

static void expect_limit(const char *limits, const char *what,
			 const char *soft, const char *hard)
{
	char s[32], h[32];
	limits_line(limits, what, s, h);
	if (strcmp(s, soft) || strcmp(h, hard))
		fail_msg("%s: %s %s, want %s %s", what, s, h, soft, hard);
}

static void rlimits_visible(void **state)
{
	struct sw_run r;
	jail(SW_AS(state), sw_swrap(), NULL,
	     L("--rlimit", "NOFILE=512:1024", "--rlimit", "FSIZE=1M",
	       "--rlimit", "CORE=0", "--rlimit", "NPROC=500:1000", "--rlimit",
	       "AS=unlimited", "--rlimit", "CPU=100:200", "--rlimit",
	       "MEMLOCK=64K", "--rlimit", "STACK=8M:unlimited", "--rlimit",
	       "NOFILE=256:1024"),
	     L(probe(), "file", "/proc/self/limits"), &r);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	expect_limit(r.out, "Max open files", "256", "1024");
	expect_limit(r.out, "Max file size", "1048576", "1048576");
	expect_limit(r.out, "Max core file size", "0", "0");
	expect_limit(r.out, "Max processes", "500", "1000");
	expect_limit(r.out, "Max address space", "unlimited", "unlimited");
	expect_limit(r.out, "Max cpu time", "100", "200");
	expect_limit(r.out, "Max locked memory", "65536", "65536");
	expect_limit(r.out, "Max stack size", "8388608", "unlimited");
	sw_run_free(&r);
}

static void rlimits_shim_defaults(void **state)
{
	struct sw_run r;
	const char *argv[] = { sw_swrap(), "--profile", "shim", "--", probe(),
			       "file", "/proc/self/limits", NULL };
	sw_run(SW_AS(state), &r, argv);
	if (r.code != 0)
		fail_msg("swrap exit %d: %s", r.code, r.err);
	/* issue 14: the profile sets none; the shim inherits ours */
	struct rlimit nofile;
	char soft[32], hard[32];
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &nofile), 0);
	snprintf(soft, sizeof soft, "%llu", (unsigned long long)nofile.rlim_cur);
	snprintf(hard, sizeof hard, "%llu", (unsigned long long)nofile.rlim_max);
	expect_limit(r.out, "Max open files", soft, hard);
	expect_limit(r.out, "Max file size", "unlimited", "unlimited");
	sw_run_free(&r);
}

static void rlimits_bad_rejected(void **state)
{
	static const char *const bad[] = {
		"BOGUS=1", "NOFILE=abc", "NOFILE=10:5", "NOFILE", "NOFILE=-1",
		"FSIZE=1Q", "NOFILE=100000000:100000000",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct sw_run r;
		jail(SW_AS(state), sw_swrap(), NULL, L("--rlimit", bad[i]),
		     L("/bin/true"), &r);
		if (r.code == 0 || !strstr(r.err, "rlimit"))
			fail_msg("--rlimit %s: exit %d, stderr \"%s\"", bad[i],
				 r.code, r.err);
		assert_string_equal(r.out, "");
		sw_run_free(&r);
	}
}

/* ---- 6. a setuid copy refuses ----------------------------------------- */

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;
	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void setid_copy(const char *mode_name, mode_t mode)
{
	char *d = sw_tmpdir(SW_AS_USER), copy[512], marker[512], cmd[1200];
	snprintf(copy, sizeof copy, "%s/swrap", d);
	snprintf(marker, sizeof marker, "%s/ran", d);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", sw_swrap(), copy);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chown(copy, 0, 0), 0);
	assert_int_equal(chmod(copy, mode), 0);
	int mounts = count_lines("/proc/self/mountinfo");
	struct sw_run r;
	const char *argv[] = { copy, "--ro-bind", "/", "/", "--bind", d, d,
			       "--", "/bin/touch", marker, NULL };
	sw_run(SW_AS_USER, &r, argv);
	assert_int_equal(r.code, 1);
	if (!strstr(r.err, "setuid/setgid"))
		fail_msg("%s copy: stderr \"%s\"", mode_name, r.err);
	assert_string_equal(r.out, "");
	assert_int_equal(access(marker, F_OK), -1);
	assert_int_equal(count_lines("/proc/self/mountinfo"), mounts);
	sw_run_free(&r);
	sw_rmtree(d);
	free(d);
}

static void setuid_copy_refuses(void **state)
{
	(void)state;
	setid_copy("setuid", 04755);
	setid_copy("setgid", 02755);
}

int main(void)
{
	/* the shim cases decide these themselves */
	unsetenv("RUST_LOG");
	unsetenv("RUST_BACKTRACE");
	const struct CMUnitTest tests[] = {
		SW_BOTH(env_inherited),
		SW_BOTH(env_clearenv),
		SW_BOTH(env_clear_then_set),
		SW_BOTH(env_set_existing),
		SW_BOTH(env_unset),
		SW_BOTH(env_set_clear_set),
		SW_BOTH(env_unset_then_set),
		SW_BOTH(env_pwd_follows_chdir),
		SW_BOTH(env_jail_path_finds_program),
		SW_BOTH(env_shim_plain),
		SW_BOTH(env_shim_rust_log),
		SW_BOTH(env_shim_rust_backtrace),
		SW_BOTH(env_shim_both),
		SW_BOTH(fds_only_stdio),
		SW_BOTH(fds_keep_fd),
		SW_BOTH(caps_default),
		SW_BOTH(caps_add_net_admin),
		SW_BOTH(caps_drop_and_all),
		SW_BOTH(caps_root_missing_cap_refused),
		SW_BOTH(seccomp_default_profile),
		SW_BOTH(seccomp_ordinary_programs_run),
		SW_BOTH(seccomp_fd_program),
		SW_BOTH(seccomp_bad_fd_rejected),
		SW_BOTH(rlimits_visible),
		SW_BOTH(rlimits_shim_defaults),
		SW_BOTH(rlimits_bad_rejected),
		cmocka_unit_test(setuid_copy_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
