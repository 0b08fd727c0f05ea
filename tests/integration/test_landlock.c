/* test_landlock.c — issue 14, item 4: --landlock (sw_spec_landlock). A
 * host directory handed in with --keep-fd is readable without it and
 * refused with it (openat below the fd, and the /proc/self/fd path); the
 * jail's own tree keeps working: programs run from read-only binds,
 * writable volumes and tmpfs take writes, read-only binds refuse them,
 * /proc and /dev work, --symlink is followed, a file bind is readable.
 * A kernel without Landlock (played by SWRAP_FORCE=no-landlock) is an
 * error naming --landlock-try, which then runs without it. Each as root
 * and as the unprivileged uid. On a kernel without Landlock (make
 * vm-check's 5.10) the tests that need it check the real refusal, then
 * skip. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "swrap.h"

#define HOSTFD 7
#define HOSTFD_S "7"

struct dirs {
	char *host; /* outside the jail: handed in as fd HOSTFD */
	char *vol;  /* --bind */
	char *ro;   /* --ro-bind */
};

static void make_dirs(enum sw_as as, struct dirs *d)
{
	d->host = sw_tmpdir(as);
	d->vol = sw_tmpdir(as);
	d->ro = sw_tmpdir(as);
	/* owned by the uid the jail runs as: only Landlock and the mounts
	 * may say no */
	const struct { const char *dir, *name, *text; } f[] = {
		{ d->host, "secret", "host\n" }, { d->ro, "file", "ro\n" },
		{ d->vol, "old", "vol\n" },
	};
	for (size_t i = 0; i < 3; i++) {
		char p[512];
		snprintf(p, sizeof p, "%s/%s", f[i].dir, f[i].name);
		sw_write_file(p, f[i].text, 0644);
		if (as == SW_AS_USER)
			assert_int_equal(chown(p, SW_TEST_UID, SW_TEST_GID), 0);
	}
	int fd = open(d->host, O_RDONLY | O_DIRECTORY); /* inherited */
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, HOSTFD), HOSTFD);
	close(fd);
}

static void free_dirs(struct dirs *d)
{
	close(HOSTFD);
	sw_rmtree(d->host);
	sw_rmtree(d->vol);
	sw_rmtree(d->ro);
	free(d->host);
	free(d->vol);
	free(d->ro);
}

/* SWRAP_FORCE=no-landlock in the test's environment (swrap inherits it)
 * plays a kernel without Landlock for the whole suite. */
static bool have_landlock(void)
{
	const char *f = getenv("SWRAP_FORCE");
	if (f && strstr(f, "no-landlock"))
		return false;
	return syscall(SYS_landlock_create_ruleset, NULL, 0,
		       LANDLOCK_CREATE_RULESET_VERSION) >= 1;
}

static void run_jail(enum sw_as as, const char *const *env,
		     const char *const *opts, const struct dirs *d,
		     const char *const *jt, struct sw_run *r);

/* This kernel has no Landlock: --landlock says so and what to do, and
 * --landlock-try runs unrestricted. Then the test is skipped. */
static void no_landlock_here(enum sw_as as, struct dirs *d)
{
	const char *jt[] = { "readat", HOSTFD_S, "secret", NULL };
	struct sw_run r;
	run_jail(as, NULL, (const char *const[]){ "--landlock", NULL }, d, jt, &r);
	assert_int_equal(r.code, 1);
	if (!strstr(r.err, "swrap: --landlock: this kernel has no Landlock"))
		fail_msg("message: %s", r.err);
	sw_run_free(&r);
	run_jail(as, NULL, (const char *const[]){ "--landlock-try", NULL }, d,
		 jt, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "readat: ok\n");
	sw_run_free(&r);
	free_dirs(d);
	skip();
}

/* One jail over the dirs, with or without extra options (NULL-ended),
 * running jt with what follows. */
static void run_jail(enum sw_as as, const char *const *env,
		     const char *const *opts, const struct dirs *d,
		     const char *const *jt, struct sw_run *r)
{
	char file[512];
	snprintf(file, sizeof file, "%s/file", d->ro);
	const char *argv[96];
	size_t n = 0;
	argv[n++] = sw_swrap();
	for (size_t i = 0; opts && opts[i]; i++)
		argv[n++] = opts[i];
	const char *base[] = {
		"--unshare-pid", "--ro-bind", sw_helper_dir(), "/h",
		"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
		"--bind", d->vol, "/vol", "--ro-bind", d->ro, "/ro",
		"--ro-bind", file, "/etc-file", "--symlink", "/vol", "/link",
		"--keep-fd", HOSTFD_S, "--", "/h/jt", NULL,
	};
	for (size_t i = 0; base[i]; i++)
		argv[n++] = base[i];
	for (size_t i = 0; jt[i]; i++)
		argv[n++] = jt[i];
	argv[n] = NULL;
	sw_run_env(as, env, r, argv);
}

/* The test: the host directory's fd, readable without --landlock,
 * refused with it, whichever way the jail names what lies below it. */
static void test_keep_fd_host_dir(void **state)
{
	enum sw_as as = SW_AS(state);
	struct dirs d;
	make_dirs(as, &d);
	if (!have_landlock())
		no_landlock_here(as, &d);
	const char *jt[] = { "readat", HOSTFD_S, "secret", "+", "read",
			     "/proc/self/fd/" HOSTFD_S "/secret", "+", "ls",
			     "/proc/self/fd/" HOSTFD_S, NULL };
	struct sw_run r;
	run_jail(as, NULL, NULL, &d, jt, &r);
	if (r.code != 0)
		fail_msg("without --landlock: exit %d: %s", r.code, r.err);
	assert_string_equal(r.out, "readat: ok\nread: ok\nls: secret\n");
	sw_run_free(&r);
	static const char *const envs[][2] = {
		{ NULL }, { "SWRAP_FORCE=clone-fallback,ro-fallback", NULL },
	};
	for (size_t i = 0; i < 2; i++) {
		run_jail(as, envs[i][0] ? envs[i] : NULL,
			 (const char *const[]){ "--landlock", NULL }, &d, jt, &r);
		if (r.code != 0)
			fail_msg("--landlock %s: exit %d: %s",
				 envs[i][0] ? envs[i][0] : "", r.code, r.err);
		assert_string_equal(r.out, "readat: EACCES\nread: EACCES\n"
				    "ls: EACCES\n");
		sw_run_free(&r);
	}
	free_dirs(&d);
}

/* Under --landlock the jail's own tree works as before. */
static void test_tree_still_works(void **state)
{
	enum sw_as as = SW_AS(state);
	struct dirs d;
	make_dirs(as, &d);
	if (!have_landlock())
		no_landlock_here(as, &d);
	const char *jt[] = {
		"write", "/vol/new", "+", "rdwr", "/vol/old", "+",
		"write", "/link/via-symlink", "+", "write", "/tmp/t", "+",
		"write", "/ro/new", "+", "rdwr", "/ro/file", "+",
		"read", "/ro/file", "+", "read", "/etc-file", "+",
		"rdwr", "/etc-file", "+", "rdwr", "/dev/null", "+",
		"read", "/proc/self/status", "+", "rdwr", "/proc/self/comm", "+",
		"ls", "/", "+", "ls", "/ro", NULL,
	};
	struct sw_run r;
	run_jail(as, NULL, (const char *const[]){ "--landlock", NULL }, &d, jt, &r);
	if (r.code != 0)
		fail_msg("exit %d: %s", r.code, r.err);
	/* ro binds refuse writes (the mount says EROFS before Landlock) */
	assert_string_equal(r.out,
		"write: ok\nrdwr: ok\nwrite: ok\nwrite: ok\n"
		"write: EROFS\nrdwr: EROFS\nread: ok\nread: ok\nrdwr: EROFS\n"
		"rdwr: ok\nread: ok\nrdwr: ok\n"
		"ls: dev etc-file h link proc ro tmp vol\nls: file\n");
	sw_run_free(&r);
	char p[512];
	snprintf(p, sizeof p, "%s/via-symlink", d.vol);
	assert_int_equal(access(p, F_OK), 0);
	free_dirs(&d);
}

/* The jail's tree is what it may reach: a host directory bound in stays
 * reachable through the fd too (it is the same directory). */
static void test_fd_into_tree(void **state)
{
	enum sw_as as = SW_AS(state);
	struct dirs d;
	make_dirs(as, &d);
	if (!have_landlock())
		no_landlock_here(as, &d);
	const char *jt[] = { "readat", HOSTFD_S, "secret", NULL };
	struct sw_run r;
	run_jail(as, NULL, (const char *const[]){ "--landlock", "--ro-bind",
		 d.host, "/host", NULL }, &d, jt, &r);
	if (r.code != 0)
		fail_msg("exit %d: %s", r.code, r.err);
	assert_string_equal(r.out, "readat: ok\n");
	sw_run_free(&r);
	free_dirs(&d);
}

/* No Landlock in the kernel: --landlock refuses, --landlock-try runs. */
static void test_no_landlock(void **state)
{
	enum sw_as as = SW_AS(state);
	struct dirs d;
	make_dirs(as, &d);
	const char *env[] = { "SWRAP_FORCE=no-landlock", NULL };
	const char *jt[] = { "readat", HOSTFD_S, "secret", NULL };
	struct sw_run r;
	run_jail(as, env, (const char *const[]){ "--landlock", NULL }, &d, jt, &r);
	assert_int_equal(r.code, 1);
	assert_string_equal(r.out, "");
	if (!strstr(r.err, "swrap: --landlock: this kernel has no Landlock") ||
	    !strstr(r.err, "--landlock-try runs without it"))
		fail_msg("message: %s", r.err);
	sw_run_free(&r);
	run_jail(as, env, (const char *const[]){ "--landlock-try", NULL }, &d,
		 jt, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "readat: ok\n");
	sw_run_free(&r);
	/* where the kernel has it, --landlock-try restricts */
	run_jail(as, NULL, (const char *const[]){ "--landlock-try", NULL }, &d,
		 jt, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, have_landlock() ? "readat: EACCES\n"
			    : "readat: ok\n");
	sw_run_free(&r);
	free_dirs(&d);
}

/* The library: sw_spec_landlock on a spec, fd kept with sw_spec_keep_fd;
 * the command's status says whether it could read. */
static int host_dir_fd = -1;

static int lib_scenario(void)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d/secret", host_dir_fd);
	for (int mode = SW_LANDLOCK_OFF; mode <= SW_LANDLOCK_ON; mode++) {
		const char *cmd[] = { "/h/jt", "read", path, "+", "exit", "0" };
		sw_spec *s = sw_mini_spec(cmd, 6, true, false);
		CHECK(s, "spec");
		sw_error e = { 0 };
		CHECK(sw_spec_mount(s, SW_FS_PROC, "/proc", &e) == 0, "%s", e.msg);
		CHECK(sw_spec_keep_fd(s, host_dir_fd, &e) == 0, "%s", e.msg);
		CHECK(sw_spec_landlock(s, mode, &e) == 0, "%s", e.msg);
		/* the command's output: a pipe on fd 1 */
		int p[2];
		CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe");
		int saved = dup(1);
		CHECK(saved >= 0 && dup2(p[1], 1) == 1, "dup2");
		sw_child *c = NULL;
		int r = sw_spawn(s, &c, &e);
		dup2(saved, 1);
		close(saved);
		close(p[1]);
		CHECK(r == 0, "spawn: %s", e.msg);
		int code = -1;
		CHECK(sw_child_wait(c, &code, &e) == 0 && code == 0, "exit %d", code);
		sw_child_free(c);
		sw_spec_free(s);
		char out[128] = "";
		ssize_t n = read(p[0], out, sizeof out - 1);
		close(p[0]);
		out[n > 0 ? n : 0] = 0;
		const char *want = mode ? "read: EACCES\n" : "read: ok\n";
		CHECK(strncmp(out, want, strlen(want)) == 0, "mode %d: \"%s\"",
		      mode, out);
	}
	sw_error e = { 0 };
	sw_spec *s = sw_spec_new();
	CHECK(sw_spec_landlock(s, 3, &e) == -EINVAL, "mode 3 accepted");
	CHECK(strstr(e.msg, "Landlock mode 3"), "%s", e.msg);
	sw_spec_free(s);
	return 0;
}

static void test_library(void **state)
{
	enum sw_as as = SW_AS(state);
	struct dirs d;
	make_dirs(as, &d);
	if (!have_landlock())
		no_landlock_here(as, &d);
	host_dir_fd = HOSTFD;
	assert_int_equal(sw_in_launcher(as, lib_scenario), 0);
	free_dirs(&d);
}

/* --emit-bwrap has no words for it. */
static void test_emit(void **state)
{
	enum sw_as as = SW_AS(state);
	struct sw_run r;
	SW_SWRAP(as, &r, "--emit-bwrap", "--landlock", "--ro-bind", "/", "/",
		 "--", "/bin/true");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.err, "not representable in bwrap: --landlock"));
	assert_null(strstr(r.out, "landlock"));
	sw_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_keep_fd_host_dir),
		SW_BOTH(test_tree_still_works),
		SW_BOTH(test_fd_into_tree),
		SW_BOTH(test_no_landlock),
		SW_BOTH(test_library),
		SW_BOTH(test_emit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
