/* test_env_child.c — the child half of src/env, each case in a forked child
 * (plain fork; a user namespace only for the capability cases): rlimits,
 * no_new_privs, fd marking and its fallbacks, seccomp filters (the default
 * profile and raw programs read from fds), capabilities across execve, and
 * the execvp-like PATH lookup.
 *
 * A child reports a failed check by exiting with the check's line number
 * (mod 256, never 0) after printing it to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "env/env_internal.h"
#include "harness.h"
#include "denied_calls.h"

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			dprintf(2, "child check failed line %d: %s (errno %d)\n", \
				__LINE__, #cond, errno);                  \
			_exit(__LINE__ % 255 + 1);                        \
		}                                                         \
	} while (0)

/* Runs fn(arg) in a forked child; returns its exit code (128+sig). */
static int in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static sw_spec *new_spec(void)
{
	sw_spec *s = sw_spec_new();
	const char *argv[] = { "true", NULL };
	assert_int_equal(sw_spec_argv(s, 1, argv, NULL), 0);
	return s;
}

static struct sw_env_plan *plan_of(const sw_spec *s, uid_t euid)
{
	struct sw_env_plan *p = NULL;
	sw_error err = { 0 };
	if (sw_env_plan_new(s, euid, &p, &err) < 0)
		fail_msg("sw_env_plan_new: %s", err.msg);
	return p;
}

/* ---- rlimits, no_new_privs -------------------------------------------- */

static void rlimits_child(void *arg)
{
	const struct sw_env_plan *p = arg;
	CHECK(sw_env_child_rlimits(p) == 0);
	struct rlimit r;
	CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0);
	CHECK(r.rlim_cur == 64 && r.rlim_max == 128);
	CHECK(getrlimit(RLIMIT_CORE, &r) == 0);
	CHECK(r.rlim_cur == 0 && r.rlim_max == 0);
	CHECK(sw_env_child_no_new_privs() == 0);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
}

static void child_rlimits_and_nnp(void **state)
{
	/* valgrind keeps fds and limits for itself and can't run under a
	 * seccomp filter: this one is for the native runs. */
	if (getenv("SW_UNDER_VALGRIND"))
		skip();
	(void)state;
	sw_spec *s = new_spec();
	s->rlimits = calloc(2, sizeof *s->rlimits);
	s->rlimits[0] = (struct sw_rlimit){ RLIMIT_NOFILE, 64, 128 };
	s->rlimits[1] = (struct sw_rlimit){ RLIMIT_CORE, 0, 0 };
	s->nrlimits = 2;
	struct sw_env_plan *p = plan_of(s, geteuid());
	assert_int_equal(in_child(rlimits_child, p), 0);
	sw_env_plan_free(p);
	sw_spec_free(s);
}

/* ---- fds -------------------------------------------------------------- */

struct fd_case {
	struct sw_env_plan *plan;
	int kept; /* a --keep-fd opened O_CLOEXEC: must come out without */
	bool block_close_range; /* a seccomp filter makes it ENOSYS */
};

/* close_range -> ENOSYS, the way Docker's profile answers unknown calls. */
static void deny_close_range(void)
{
	struct sock_filter f[] = {
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, nr) },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, SYS_close_range },
		{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS },
		{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW },
	};
	struct sock_fprog prog = { 4, f };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0);
	CHECK(syscall(SYS_close_range, 1000, 1001, 0) < 0 && errno == ENOSYS);
}

static void fds_child(void *arg)
{
	const struct fd_case *c = arg;
	int fds[50];
	for (int i = 0; i < 50; i++)
		CHECK((fds[i] = open("/dev/null", O_RDONLY)) >= 0);
	CHECK(dup2(fds[0], 900) == 900); /* a far one, past a gap */
	if (c->block_close_range)
		deny_close_range();
	CHECK(sw_env_child_close_fds(c->plan) == 0);
	for (int fd = 0; fd < 1024; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl < 0)
			continue;
		if (fd > 2 && fd != c->kept && !(fl & FD_CLOEXEC))
			dprintf(2, "fd %d left inheritable\n", fd);
		CHECK(fd <= 2 || fd == c->kept || (fl & FD_CLOEXEC));
	}
	CHECK(!(fcntl(c->kept, F_GETFD) & FD_CLOEXEC));
	CHECK(fcntl(900, F_GETFD) & FD_CLOEXEC);
}

static void run_fd_case(unsigned flags, bool block)
{
	int kept = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(kept >= 3);
	sw_spec *s = new_spec();
	s->keep_fds = malloc(sizeof(int));
	s->keep_fds[0] = kept;
	s->nkeep = 1;
	struct fd_case c = { plan_of(s, geteuid()), kept, block };
	sw_env_plan_set_test_flags(c.plan, flags);
	assert_int_equal(in_child(fds_child, &c), 0);
	sw_env_plan_free(c.plan);
	sw_spec_free(s);
	close(kept);
}

static void child_fds_close_range(void **state)
{
	(void)state;
	run_fd_case(0, false);
}

static void child_fds_enosys_falls_back(void **state)
{
	(void)state;
	run_fd_case(0, true);
}

static void child_fds_proc_walk(void **state)
{
	(void)state;
	run_fd_case(SW_ENV_TEST_FD_WALK, false);
}

static void child_fds_brute_force(void **state)
{
	(void)state;
	run_fd_case(SW_ENV_TEST_FD_BRUTE, false);
}

/* After an exec, only the kept fds are there (listed by /bin/ls). */
static void fds_exec_child(void *arg)
{
	const struct fd_case *c = arg;
	for (int i = 0; i < 50; i++)
		CHECK(open("/dev/null", O_RDONLY) >= 0);
	CHECK(sw_env_child_close_fds(c->plan) == 0);
	CHECK(sw_env_child_exec(c->plan, NULL) == 0);
}

static void child_fds_after_exec(void **state)
{
	(void)state;
	int out[2];
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	int keep = dup(2); /* without CLOEXEC, like the 50 opened above */
	sw_spec *s = sw_spec_new();
	const char *argv[] = { "/bin/ls", "/proc/self/fd", NULL };
	assert_int_equal(sw_spec_argv(s, 2, argv, NULL), 0);
	s->keep_fds = malloc(sizeof(int));
	s->keep_fds[0] = keep;
	s->nkeep = 1;
	struct fd_case c = { plan_of(s, geteuid()), keep, false };
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		fds_exec_child(&c);
		_exit(1);
	}
	close(out[1]);
	char buf[512] = { 0 };
	ssize_t n, len = 0;
	while ((n = read(out[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += n;
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* ls's own directory fd is 3 when keep is above it */
	char want[64];
	snprintf(want, sizeof want, "0\n1\n2\n3\n%d\n", keep);
	assert_string_equal(buf, want);
	sw_env_plan_free(c.plan);
	sw_spec_free(s);
	close(keep);
	close(out[0]);
}

/* ---- seccomp: the default profile ------------------------------------- */

static void default_profile_child(void *arg)
{
	const struct sw_env_plan *p = arg;
	int nul = open("/dev/null", O_RDONLY);
	CHECK(dup2(nul, 0) == 0);
	CHECK(sw_env_child_no_new_privs() == 0);
	CHECK(sw_env_child_seccomp(p) == 0);
	for (size_t i = 0; i < NDENIED; i++) {
		int e = call_errno(&denied_calls[i]);
		if (e != EPERM)
			dprintf(2, "%s: errno %d\n", denied_calls[i].name, e);
		CHECK(e == EPERM);
	}
	/* ordinary calls still work */
	int pfd[2], n = -1;
	CHECK(pipe(pfd) == 0);
	CHECK(ioctl(pfd[0], FIONREAD, &n) == 0 && n == 0);
	CHECK(ioctl(0, TCGETS, &n) < 0 && errno == ENOTTY);
	CHECK(syscall(SYS_getppid) > 0);
}

static void baseline_child(void *arg)
{
	(void)arg;
	int nul = open("/dev/null", O_RDONLY);
	CHECK(dup2(nul, 0) == 0);
	for (size_t i = 0; i < NDENIED; i++) {
		int e = call_errno(&denied_calls[i]);
		if (e == EPERM)
			dprintf(2, "%s: EPERM without a filter\n",
				denied_calls[i].name);
		CHECK(e != EPERM);
	}
}

static void child_seccomp_default_profile(void **state)
{
	/* valgrind keeps fds and limits for itself and can't run under a
	 * seccomp filter: this one is for the native runs. */
	if (getenv("SW_UNDER_VALGRIND"))
		skip();
	(void)state;
	/* Without the filter (as root) none of these fail with EPERM, so
	 * the EPERMs below are the filter's doing. */
	if (geteuid() == 0)
		assert_int_equal(in_child(baseline_child, NULL), 0);
	sw_spec *s = new_spec();
	assert_int_equal(sw_spec_seccomp_profile(s, "default", NULL), 0);
	struct sw_env_plan *p = plan_of(s, geteuid());
	assert_int_equal(p->nfilters, 1);
	assert_int_equal(in_child(default_profile_child, p), 0);
	sw_env_plan_free(p);
	sw_spec_free(s);
}

static void child_seccomp_unknown_profile(void **state)
{
	(void)state;
	sw_spec *s = new_spec();
	s->seccomp_profile = strdup("strict");
	struct sw_env_plan *p = NULL;
	sw_error err = { 0 };
	assert_int_equal(sw_env_plan_new(s, geteuid(), &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--seccomp-profile strict: unknown"));
	sw_spec_free(s);
}

/* ---- seccomp: raw programs from fds ----------------------------------- */

/* A pipe holding len bytes of data, read end returned. */
static int pipe_with(const void *data, size_t len)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, len), (ssize_t)len);
	close(p[1]);
	return p[0];
}

/* Denies syscall nr with errno e, for this arch only. */
static int deny_program_fd(long nr, int e)
{
	struct sock_filter f[] = {
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, arch) },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 3, AUDIT_ARCH_X86_64 },
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, nr) },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr },
		{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (uint32_t)e },
		{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW },
	};
	return pipe_with(f, sizeof f);
}

static void fd_programs_child(void *arg)
{
	const struct sw_env_plan *p = arg;
	CHECK(syscall(SYS_getppid) > 0);
	CHECK(sw_env_child_no_new_privs() == 0);
	CHECK(sw_env_child_seccomp(p) == 0);
	CHECK(syscall(SYS_getppid) < 0 && errno == 77);
	CHECK(syscall(SYS_getuid) < 0 && errno == 78);
	CHECK(syscall(SYS_getgid) >= 0);
}

static void child_seccomp_fd_programs(void **state)
{
	(void)state;
	sw_spec *s = new_spec();
	s->add_seccomp_fds = calloc(2, sizeof(int));
	s->add_seccomp_fds[0] = deny_program_fd(SYS_getppid, 77);
	s->add_seccomp_fds[1] = deny_program_fd(SYS_getuid, 78);
	s->nadd_seccomp = 2;
	struct sw_env_plan *p = plan_of(s, geteuid());
	assert_int_equal(p->nfilters, 2);
	assert_int_equal(in_child(fd_programs_child, p), 0);
	sw_env_plan_free(p);
	close(s->add_seccomp_fds[0]);
	close(s->add_seccomp_fds[1]);
	sw_spec_free(s);
}

static void expect_fd_rejected(const void *data, size_t len, bool add,
			       const char *part)
{
	int fd = pipe_with(data, len);
	sw_spec *s = new_spec();
	if (add) {
		s->add_seccomp_fds = malloc(sizeof(int));
		s->add_seccomp_fds[0] = fd;
		s->nadd_seccomp = 1;
	} else {
		s->seccomp_fd = fd;
	}
	struct sw_env_plan *p = NULL;
	sw_error err = { 0 };
	assert_int_equal(sw_env_plan_new(s, geteuid(), &p, &err), -EINVAL);
	char name[48];
	snprintf(name, sizeof name, "%s %d: ",
		 add ? "--add-seccomp-fd" : "--seccomp fd", fd);
	if (!strstr(err.msg, name) || !strstr(err.msg, part))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err.msg, name,
			 part);
	close(fd);
	sw_spec_free(s);
}

static void child_seccomp_fd_garbage(void **state)
{
	(void)state;
	expect_fd_rejected("", 0, false, "empty");
	expect_fd_rejected("garbage", 7, false, "7 bytes is not a whole number");
	expect_fd_rejected("garbage!garbage!", 16, true,
			   "not a valid seccomp program");
	static char big[(BPF_MAXINSNS + 1) * 8];
	memset(big, 6, sizeof big); /* BPF_RET|BPF_K everywhere */
	expect_fd_rejected(big, sizeof big, true, "at most 4096");
}

/* ---- capabilities, in a user namespace, across execve ----------------- */

struct caps_case {
	struct sw_env_plan *plan;
	int out;
};

static void caps_child(void *arg)
{
	const struct caps_case *c = arg;
	CHECK(unshare(CLONE_NEWUSER) == 0);
	CHECK(sw_env_child_caps(c->plan) == 0);
	CHECK(sw_env_child_no_new_privs() == 0);
	CHECK(dup2(c->out, 1) == 1);
	CHECK(sw_env_child_exec(c->plan, NULL) == 0);
}

/* The Cap* lines of /proc/self/status after execve, as "Inh Prm Eff Bnd
 * Amb" in hex, for a non-root uid in a new user namespace. */
static void caps_after_exec(const struct sw_capop *ops, size_t n, char *buf,
			    size_t len)
{
	sw_spec *s = sw_spec_new();
	const char *argv[] = { "/bin/grep", "^Cap", "/proc/self/status", NULL };
	assert_int_equal(sw_spec_argv(s, 3, argv, NULL), 0);
	s->caps = calloc(n + 1, sizeof *s->caps);
	if (n)
		memcpy(s->caps, ops, n * sizeof *ops);
	s->ncaps = n;
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	struct caps_case c = { plan_of(s, 4242), p[1] };
	assert_int_equal(in_child(caps_child, &c), 0);
	close(p[1]);
	memset(buf, 0, len);
	ssize_t got = 0, r;
	while ((r = read(p[0], buf + got, len - 1 - got)) > 0)
		got += r;
	close(p[0]);
	sw_env_plan_free(c.plan);
	sw_spec_free(s);
}


static void child_caps_default_none(void **state)
{
	(void)state;
	char buf[1024];
	caps_after_exec(NULL, 0, buf, sizeof buf);
	sw_expect_caps(buf, "0000000000000000");
}

static void child_caps_add_net_admin(void **state)
{
	(void)state;
	char buf[1024];
	const struct sw_capop ops[] = { { true, CAP_NET_ADMIN } };
	caps_after_exec(ops, 1, buf, sizeof buf);
	sw_expect_caps(buf, "0000000000001000");
	const struct sw_capop ops2[] = { { true, -1 }, { false, -1 },
					 { true, CAP_CHOWN },
					 { true, CAP_SYS_ADMIN } };
	caps_after_exec(ops2, 4, buf, sizeof buf);
	sw_expect_caps(buf, "0000000000200001");
}

/* ---- exec: execvp's lookup -------------------------------------------- */

struct exec_case {
	struct sw_env_plan *plan;
	const char *cwd;
	int want; /* -errno when the exec must fail */
};

static void exec_child(void *arg)
{
	const struct exec_case *c = arg;
	if (c->cwd)
		CHECK(chdir(c->cwd) == 0);
	int r = sw_env_child_exec(c->plan, NULL);
	if (r != c->want)
		dprintf(2, "exec returned %d, want %d\n", r, c->want);
	CHECK(r == c->want);
	_exit(99);
}

/* Runs argv with PATH (NULL: unset) from cwd; the exit code. */
static int run_exec(const char *path, const char *const *argv, size_t argc,
		    const char *argv0, const char *cwd, int want)
{
	sw_spec *s = sw_spec_new();
	assert_int_equal(sw_spec_argv(s, argc, argv, NULL), 0);
	assert_int_equal(sw_spec_clearenv(s, NULL), 0);
	if (path)
		assert_int_equal(sw_spec_setenv(s, "PATH", path, NULL), 0);
	if (argv0)
		assert_int_equal(sw_spec_argv0(s, argv0, NULL), 0);
	struct exec_case c = { plan_of(s, geteuid()), cwd, want };
	int code = in_child(exec_child, &c);
	sw_env_plan_free(c.plan);
	sw_spec_free(s);
	return code;
}

static char *tree(void)
{
	char *d = sw_tmpdir(SW_AS_ROOT), p[256];
	snprintf(p, sizeof p, "%s/noexec", d);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/bin", d);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/noexec/prog", d);
	sw_write_file(p, "#!/bin/sh\nexit 3\n", 0644);
	snprintf(p, sizeof p, "%s/bin/prog", d);
	sw_write_file(p, "#!/bin/sh\nexit 7\n", 0755);
	return d;
}

static void child_exec_path_lookup(void **state)
{
	(void)state;
	char *d = tree(), path[512], dirs[512];
	const char *prog[] = { "prog", NULL };
	snprintf(dirs, sizeof dirs, "/nonexistent:%s/noexec:%s/bin", d, d);
	assert_int_equal(run_exec(dirs, prog, 1, NULL, NULL, 0), 7);
	/* only a non-executable match: EACCES wins over ENOENT */
	snprintf(dirs, sizeof dirs, "/nonexistent:%s/noexec:/also/not", d);
	assert_int_equal(run_exec(dirs, prog, 1, NULL, NULL, -EACCES), 99);
	assert_int_equal(run_exec("/nonexistent:/x", prog, 1, NULL, NULL,
				  -ENOENT), 99);
	/* an empty PATH entry is the cwd */
	snprintf(path, sizeof path, "%s/bin", d);
	assert_int_equal(run_exec("/nonexistent::/x", prog, 1, NULL, path, 0), 7);
	/* a name with '/' is used as it is, PATH ignored */
	const char *rel[] = { "bin/prog", NULL };
	assert_int_equal(run_exec("/nonexistent", rel, 1, NULL, d, 0), 7);
	sw_rmtree(d);
	free(d);
}

static void child_exec_default_path_and_argv0(void **state)
{
	(void)state;
	/* PATH unset: glibc's /bin:/usr/bin finds sh */
	const char *sh[] = { "sh", "-c", "exit 4", NULL };
	assert_int_equal(run_exec(NULL, sh, 3, NULL, NULL, 0), 4);
	/* --argv0: "sh" is looked up, the shell sees "renamed" as $0 */
	const char *show[] = { "sh", "-c", "[ \"$0\" = renamed ] && exit 8; exit 9",
			       NULL };
	assert_int_equal(run_exec(NULL, show, 3, "renamed", NULL, 0), 8);
	assert_int_equal(run_exec(NULL, show, 3, NULL, NULL, 0), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(child_rlimits_and_nnp),
		cmocka_unit_test(child_fds_close_range),
		cmocka_unit_test(child_fds_enosys_falls_back),
		cmocka_unit_test(child_fds_proc_walk),
		cmocka_unit_test(child_fds_brute_force),
		cmocka_unit_test(child_fds_after_exec),
		cmocka_unit_test(child_seccomp_default_profile),
		cmocka_unit_test(child_seccomp_unknown_profile),
		cmocka_unit_test(child_seccomp_fd_programs),
		cmocka_unit_test(child_seccomp_fd_garbage),
		cmocka_unit_test(child_caps_default_none),
		cmocka_unit_test(child_caps_add_net_admin),
		cmocka_unit_test(child_exec_path_lookup),
		cmocka_unit_test(child_exec_default_path_and_argv0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
