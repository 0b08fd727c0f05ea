/* test_setup_hang.c — issue 20, hole 5: what a writable volume holds can't
 * make the jail's setup hang, nor send it to another file.
 *
 * The volume (a host directory bound at /v) holds what an earlier run of
 * the jail could have planted:
 *
 *   f     a fifo                 s     a socket
 *   null  a character device (1,3: the null device, made by root)
 *   lf -> f                      lh -> /h2/secret
 *
 * /h2 is another writable host directory, holding "secret": the file a
 * link in the volume would have a setup step write or chmod on the host.
 * Every destination kind is pointed at them, as root and as uid 4242,
 * through the CLI, the CLI as bwrap (--compat=bwrap) and the library.
 *
 * Where a regular file or directory is meant (--file, --lock-file,
 * --chmod, --dir, --tmpfs, --dev, --proc, --mqueue, overlays, a
 * directory's bind), the launch must fail with one message naming the
 * option, the destination and what is there. A bind of a file (--bind,
 * --bind-data, --dev-bind of a device) over a fifo, socket or device is
 * fine, as in bubblewrap: a mount covers any non-directory and nothing is
 * opened; through a link it lands on the link's target inside the jail,
 * never on the host. --symlink with the target already there is fine too.
 *
 * Each launch runs in a forked launcher that a watchdog kills after
 * HANG_S seconds: a hang detector (the launch is stuck), not a timing.
 * Then nothing may be left: no process (the test is a child subreaper, so
 * a jail's process that outlived its launcher comes back to it), no fd in
 * the library's launcher, no mount on the host, the volume and the host
 * file as they were.
 */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compat/compat.h"
#include "swrap.h"

#define HANG_S 20   /* a launch still running after this is stuck */
#define MAXARGS 48
#define DATA "DATA\n"
#define SECRET "SECRET\n"

/* ---- the volume ---------------------------------------------------------- */

struct vol {
	enum sw_as as;
	char *dir;   /* the volume: /v in the jail */
	char *host;  /* /h2 in the jail: "secret" */
	char *src;   /* the data file (fd 3, a bind source), a directory, and
		      * a file --file may write (bound at /target) */
	char data[PATH_MAX], secret[PATH_MAX], sub[PATH_MAX], target[PATH_MAX];
};

static void in_dir(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

static void own(const struct vol *v, const char *path)
{
	if (v->as == SW_AS_USER)
		assert_int_equal(lchown(path, SW_TEST_UID, SW_TEST_GID), 0);
}

static void plant(struct vol *v)
{
	char p[PATH_MAX];
	in_dir(p, v->dir, "f");
	assert_int_equal(mkfifo(p, 0644), 0);
	own(v, p);
	in_dir(p, v->dir, "s");
	int sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	assert_true(sk >= 0 && strlen(p) < sizeof a.sun_path);
	memcpy(a.sun_path, p, strlen(p) + 1);
	assert_int_equal(bind(sk, (struct sockaddr *)&a, sizeof a), 0);
	close(sk);
	own(v, p);
	in_dir(p, v->dir, "null");
	assert_int_equal(mknod(p, S_IFCHR | 0600, makedev(1, 3)), 0);
	own(v, p);
	in_dir(p, v->dir, "lf");
	assert_int_equal(symlink("f", p), 0);
	own(v, p);
	in_dir(p, v->dir, "lh");
	assert_int_equal(symlink("/h2/secret", p), 0);
	own(v, p);
}

/* The test's volume, removed by its teardown even when the test failed. */
static struct vol *current;

static void vol_new(struct vol *v, enum sw_as as)
{
	current = v;
	v->as = as;
	v->dir = sw_tmpdir(as);
	v->host = sw_tmpdir(as);
	v->src = sw_tmpdir(SW_AS_ROOT);
	in_dir(v->data, v->src, "data");
	sw_write_file(v->data, DATA, 0644);
	in_dir(v->sub, v->src, "dir");
	assert_int_equal(mkdir(v->sub, 0755), 0);
	in_dir(v->target, v->src, "target");
	sw_write_file(v->target, "OLD, AND LONGER THAN THE DATA\n", 0644);
	own(v, v->target);
	in_dir(v->secret, v->host, "secret");
	sw_write_file(v->secret, SECRET, 0600);
	own(v, v->secret);
	plant(v);
}

static void vol_free(struct vol *v)
{
	current = NULL;
	sw_rmtree(v->dir);
	sw_rmtree(v->host);
	sw_rmtree(v->src);
	free(v->dir);
	free(v->host);
	free(v->src);
}

static void expect_type(const struct vol *v, const char *name, mode_t type)
{
	char p[PATH_MAX];
	struct stat st;
	in_dir(p, v->dir, name);
	if (lstat(p, &st) < 0 || (st.st_mode & S_IFMT) != type)
		fail_msg("the volume's %s changed", name);
}

static void expect_link(const struct vol *v, const char *name, const char *target)
{
	char p[PATH_MAX], t[PATH_MAX];
	in_dir(p, v->dir, name);
	ssize_t n = readlink(p, t, sizeof t - 1);
	if (n < 0 || (t[n] = 0, strcmp(t, target) != 0))
		fail_msg("the volume's link %s changed", name);
}

static size_t entries(const char *dir)
{
	char cmd[PATH_MAX + 32];
	size_t n = 0;
	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%zu", &n), 1);
	pclose(p);
	return n;
}

/* Does the host's mount table (ours) have a mount at or under dir? */
static bool mounted_under(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	assert_non_null(f);
	char line[8192], mp[4096];
	size_t n = strlen(dir);
	bool hit = false;
	while (!hit && fgets(line, sizeof line, f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1)
			hit = strncmp(mp, dir, n) == 0 && (mp[n] == 0 || mp[n] == '/');
	fclose(f);
	return hit;
}

/* The volume and the host file as planted; nothing mounted on them. */
static void untouched(const struct vol *v)
{
	expect_type(v, "f", S_IFIFO);
	expect_type(v, "s", S_IFSOCK);
	expect_type(v, "null", S_IFCHR);
	expect_link(v, "lf", "f");
	expect_link(v, "lh", "/h2/secret");
	assert_int_equal(entries(v->dir), 5);
	assert_int_equal(entries(v->host), 1);
	char *s = sw_slurp(v->secret);
	assert_non_null(s);
	struct stat st;
	assert_int_equal(stat(v->secret, &st), 0);
	if (strcmp(s, SECRET) != 0 || (st.st_mode & 07777) != 0600)
		fail_msg("the host's file changed: mode %o, \"%s\"", st.st_mode & 07777, s);
	free(s);
	assert_false(mounted_under(v->dir));
	assert_false(mounted_under(v->host));
	assert_false(mounted_under(v->src));
}

/* ---- one launch, under a watchdog ---------------------------------------- */

enum how { CLI, CLI_BWRAP, LIBRARY, HOW_N };
static const char *const how_name[HOW_N] = { "swrap", "swrap --compat=bwrap", "library" };

/* Replaces @D (the data file), @S (a source directory) and @T (the
 * target file) in opts. */
static const char *subst(const struct vol *v, const char *o)
{
	return strcmp(o, "@D") == 0 ? v->data : strcmp(o, "@S") == 0 ? v->sub
	     : strcmp(o, "@T") == 0 ? v->target : o;
}

static size_t build_argv(const struct vol *v, enum how how, const char *const *opts,
			 const char *const *cmd, const char **a)
{
	size_t n = 0;
	a[n++] = sw_swrap();
	if (how == CLI_BWRAP)
		a[n++] = "--compat=bwrap";
	const char *base[] = { "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
			       "--symlink", "usr/lib64", "/lib64", "--bind", v->dir, "/v",
			       "--bind", v->host, "/h2" };
	for (size_t i = 0; i < sizeof base / sizeof *base; i++)
		a[n++] = base[i];
	for (; *opts; opts++)
		a[n++] = subst(v, *opts);
	a[n++] = "--";
	for (; *cmd; cmd++)
		a[n++] = *cmd;
	assert_true(n < MAXARGS);
	a[n] = NULL;
	return n;
}

/* In the library's launcher: the launch, then "LIB: exit N" or "LIB: MSG",
 * and "LEAK: ..." for an fd or process left behind. */
static int __attribute__((noreturn)) run_library(const char **argv, size_t argc)
{
	struct sw_cli_opts cli = { 0 };
	sw_spec *s = NULL;
	sw_child *c = NULL;
	sw_error err = { 0 };
	int code = -1, fds = sw_count_fds();
	if (sw_compat_parse((int)argc, (char **)argv, &s, &cli, &err) < 0) {
		printf("LIB: parse: %s\n", err.msg);
		_exit(3);
	}
	if (sw_spawn(s, &c, &err) == 0 && sw_child_wait(c, &code, &err) == 0)
		sw_child_free(c);
	if (code >= 0)
		printf("LIB: exit %d\n", code);
	else
		printf("LIB: %s\n", err.msg);
	sw_spec_free(s);
	sw_cli_opts_free(&cli);
	if (sw_count_fds() != fds)
		printf("LEAK: %d fds before, %d after\n", fds, sw_count_fds());
	if (!sw_children_gone())
		printf("LEAK: a child is left\n");
	fflush(stdout);
	_exit(0);
}

/* Opens each fifo of the volume both ways, non-blocking: a setup stuck in
 * an open of one (the code before issue 20) gets out of it. */
static void release_fifos(const struct vol *v)
{
	char p[PATH_MAX];
	in_dir(p, v->dir, "f");
	int r = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int w = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (r >= 0)
		close(r);
	if (w >= 0)
		close(w);
}

/* Reaps what came back to the subreaper. False if anything had and
 * strict (a failed setup leaves no process), or if something is still
 * running after 10 s. Not strict: after a jail that ran, its PID 1 may
 * still be ending when the CLI exits (handle.c: reaped in the background),
 * and ends by itself. */
static bool nothing_left(const struct vol *v, bool strict)
{
	bool clean = true;
	for (int i = 0; i < 1000; i++) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		if (p < 0 && errno == ECHILD)
			return clean;
		if (p > 0) {
			clean = clean && !strict;
			continue;
		}
		release_fifos(v);
		usleep(10 * 1000);
	}
	return false;
}

struct result {
	int code;       /* the launcher's exit code, or 128+signal */
	char out[8192]; /* its stdout and stderr together */
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Runs one launch from a forked launcher (as v->as, fd 3 the data file);
 * fails the test if it is still running after HANG_S seconds. */
static void launch(const struct vol *v, enum how how, const char *const *opts,
		   const char *const *cmd, bool strict, struct result *res)
{
	const char *argv[MAXARGS];
	size_t argc = build_argv(v, how, opts, cmd, argv);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		int data = open(v->data, O_RDONLY);
		if (nul < 0 || data < 0 || dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 ||
		    dup2(p[1], 2) < 0 || dup2(data, 3) < 0)
			_exit(125);
		if (nul > 3)
			close(nul);
		if (data > 3)
			close(data);
		if (v->as == SW_AS_USER)
			sw_drop_privileges();
		if (how == LIBRARY)
			run_library(argv, argc);
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	close(p[1]);
	size_t len = 0;
	double end = now() + HANG_S;
	bool hung = false;
	struct pollfd pf = { p[0], POLLIN, 0 };
	for (;;) {
		double left = end - now();
		if (left <= 0) {
			hung = true;
			break;
		}
		int k = poll(&pf, 1, (int)(left * 1000) + 1);
		if (k < 0 && errno != EINTR)
			fail_msg("poll: %s", strerror(errno));
		if (k <= 0)
			continue;
		ssize_t n = read(p[0], res->out + len, sizeof res->out - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	res->out[len] = 0;
	close(p[0]);
	if (hung)
		kill(pid, SIGKILL);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	res->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	bool clean = nothing_left(v, strict || hung);
	char line[1024] = "";
	for (size_t i = 0; opts[i]; i++)
		snprintf(line + strlen(line), sizeof line - strlen(line), " %s", opts[i]);
	if (hung)
		fail_msg("%s%s: the launch hung (killed after %d s)%s; its output:\n%s",
			 how_name[how], line, HANG_S,
			 clean ? "" : "; and a process of the jail outlived it", res->out);
	if (!clean)
		fail_msg("%s%s: a process of the jail outlived its launcher", how_name[how], line);
}

/* ---- the cases ------------------------------------------------------------ */

#define OPTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The launch must fail, in every way it is made, with exactly msg. */
static void refused(const struct vol *v, const char *const *opts, const char *msg)
{
	const char *const cmd[] = { "/usr/bin/true", NULL };
	for (enum how h = 0; h < HOW_N; h++) {
		struct result r;
		launch(v, h, opts, cmd, true, &r);
		char want[1024];
		snprintf(want, sizeof want, "%s%s\n", h == LIBRARY ? "LIB: " : h == CLI_BWRAP
			 ? "bwrap: " : "swrap: ", msg);
		int want_code = h == LIBRARY ? 0 : 1;
		if (r.code != want_code || strcmp(r.out, want) != 0)
			fail_msg("%s %s ...: exit %d, output:\n%s\nwant exit %d and:\n%s",
				 how_name[h], opts[0], r.code, r.out, want_code, want);
		untouched(v);
	}
}

/* The launch must succeed and cmd print out. */
static void accepted(const struct vol *v, const char *const *opts,
		     const char *const *cmd, const char *out)
{
	for (enum how h = 0; h < HOW_N; h++) {
		struct result r;
		launch(v, h, opts, cmd, false, &r);
		char want[1024];
		snprintf(want, sizeof want, h == LIBRARY ? "%sLIB: exit 0\n" : "%s", out);
		if (r.code != 0 || strcmp(r.out, want) != 0)
			fail_msg("%s %s ...: exit %d, output:\n%s\nwant exit 0 and:\n%s",
				 how_name[h], opts[0], r.code, r.out, want);
		untouched(v);
	}
}

/* --file: a new file only, or a regular file that is there. */
static void test_file(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--file", "3", "/v/f"), "--file 3: destination /v/f is a fifo, not a regular file");
	refused(&v, OPTS("--file", "3", "/v/lf"), "--file 3: destination /v/lf is a symbolic link (refusing to follow it)");
	refused(&v, OPTS("--file", "3", "/v/s"), "--file 3: destination /v/s is a socket, not a regular file");
	refused(&v, OPTS("--file", "3", "/v/null"), "--file 3: destination /v/null is a character device, not a regular file");
	refused(&v, OPTS("--file", "3", "/v/lh"), "--file 3: destination /v/lh is a symbolic link (refusing to follow it)");
	refused(&v, OPTS("--file", "3", "/v/f/x"), "--file: can't create /v/f/x in the new root: Not a directory");
	/* A regular file there is written over; a new one is made. */
	accepted(&v, OPTS("--bind", "@T", "/target", "--file", "3", "/target"),
		 OPTS("/usr/bin/cat", "/target"), DATA);
	char *t = sw_slurp(v.target);
	assert_non_null(t);
	assert_string_equal(t, DATA);
	free(t);
	accepted(&v, OPTS("--tmpfs", "/t", "--file", "3", "/t/new"), OPTS("/usr/bin/cat", "/t/new"), DATA);
	vol_free(&v);
}

/* --lock-file: a regular file or a directory, never a link's target. */
static void test_lock_file(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--lock-file", "/v/f"), "--lock-file: /v/f is a fifo, not a regular file or directory");
	refused(&v, OPTS("--lock-file", "/v/lf"), "--lock-file: /v/lf is a symbolic link (refusing to follow it)");
	refused(&v, OPTS("--lock-file", "/v/s"), "--lock-file: /v/s is a socket, not a regular file or directory");
	refused(&v, OPTS("--lock-file", "/v/null"), "--lock-file: /v/null is a character device, not a regular file or directory");
	refused(&v, OPTS("--lock-file", "/v/lh"), "--lock-file: /v/lh is a symbolic link (refusing to follow it)");
	accepted(&v, OPTS("--lock-file", "/h2/secret", "--lock-file", "/v"),
		 OPTS("/usr/bin/true"), "");
	vol_free(&v);
}

/* --chmod: of a regular file or directory itself. */
static void test_chmod(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--chmod", "0666", "/v/f"), "--chmod: /v/f is a fifo, not a regular file or directory");
	refused(&v, OPTS("--chmod", "0666", "/v/null"), "--chmod: /v/null is a character device, not a regular file or directory");
	refused(&v, OPTS("--chmod", "0666", "/v/s"), "--chmod: /v/s is a socket, not a regular file or directory");
	refused(&v, OPTS("--chmod", "0666", "/v/lh"), "--chmod: /v/lh is a symbolic link (refusing to follow it)");
	/* A trailing slash would make the kernel follow the link. */
	refused(&v, OPTS("--chmod", "0666", "/v/lh/"), "--chmod: /v/lh/ is a symbolic link (refusing to follow it)");
	refused(&v, OPTS("--chmod", "0666", "/v/lf"), "--chmod: /v/lf is a symbolic link (refusing to follow it)");
	accepted(&v, OPTS("--chmod", "0600", "/h2/secret"), OPTS("/usr/bin/true"), "");
	vol_free(&v);
}

/* Binds of a file over what is there: bubblewrap's semantics, a mount
 * covers any non-directory (nothing there is opened); through a link the
 * bind lands on its target inside the jail. A directory's bind needs a
 * directory. */
static void test_binds(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--bind", "@S", "/v/f"), "--bind: destination /v/f is a fifo, not a directory");
	refused(&v, OPTS("--ro-bind", "@S", "/v/null"), "--ro-bind: destination /v/null is a character device, not a directory");
	accepted(&v, OPTS("--bind", "@D", "/v/f"), OPTS("/usr/bin/cat", "/v/f"), DATA);
	accepted(&v, OPTS("--ro-bind", "@D", "/v/s"), OPTS("/usr/bin/cat", "/v/s"), DATA);
	accepted(&v, OPTS("--ro-bind", "@D", "/v/null"), OPTS("/usr/bin/cat", "/v/null"), DATA);
	accepted(&v, OPTS("--ro-bind", "@D", "/v/lh"), OPTS("/usr/bin/cat", "/h2/secret"), DATA);
	accepted(&v, OPTS("--dev-bind", "/dev/null", "/v/f"), OPTS("/usr/bin/cat", "/v/f"), "");
	accepted(&v, OPTS("--bind-data", "3", "/v/f"), OPTS("/usr/bin/cat", "/v/f"), DATA);
	accepted(&v, OPTS("--ro-bind-data", "3", "/v/s"), OPTS("/usr/bin/cat", "/v/s"), DATA);
	accepted(&v, OPTS("--ro-bind-data", "3", "/v/lf"), OPTS("/usr/bin/cat", "/v/f"), DATA);
	accepted(&v, OPTS("--bind-data", "3", "/v/lh"), OPTS("/usr/bin/cat", "/h2/secret"), DATA);
	vol_free(&v);
}

/* Directories made or mounted on: a directory, or nothing there. */
static void test_dirs(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--dir", "/v/f"), "--dir: destination /v/f is a fifo, not a directory");
	refused(&v, OPTS("--dir", "/v/lf"), "--dir: destination /v/lf is a fifo, not a directory");
	refused(&v, OPTS("--tmpfs", "/v/f"), "--tmpfs: destination /v/f is a fifo, not a directory");
	refused(&v, OPTS("--tmpfs", "/v/s"), "--tmpfs: destination /v/s is a socket, not a directory");
	refused(&v, OPTS("--dev", "/v/null"), "--dev: destination /v/null is a character device, not a directory");
	refused(&v, OPTS("--proc", "/v/f"), "--proc: destination /v/f is a fifo, not a directory");
	refused(&v, OPTS("--mqueue", "/v/lf"), "--mqueue: destination /v/lf is a fifo, not a directory");
	refused(&v, OPTS("--overlay-src", "/usr", "--tmp-overlay", "/v/f"),
		"--tmp-overlay: destination /v/f is a fifo, not a directory");
	/* A directory under one of them: the path's own words. */
	refused(&v, OPTS("--dir", "/v/f/d"), "--dir: can't create /v/f/d in the new root: Not a directory");
	vol_free(&v);
}

/* --symlink: a link with the same target is fine (bubblewrap), anything
 * else is named. */
static void test_symlink(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--symlink", "x", "/v/f"), "--symlink: destination /v/f is a fifo, not a symbolic link");
	refused(&v, OPTS("--symlink", "x", "/v/null"), "--symlink: destination /v/null is a character device, not a symbolic link");
	refused(&v, OPTS("--symlink", "x", "/v/lf"), "Can't make symlink at /v/lf: existing destination is f");
	refused(&v, OPTS("--symlink", "x", "/v/f/y"), "--symlink: can't create /v/f/y in the new root: Not a directory");
	accepted(&v, OPTS("--symlink", "f", "/v/lf"), OPTS("/usr/bin/readlink", "/v/lf"), "f\n");
	vol_free(&v);
}

/* --remount-ro: on what is not a mount, refused at once (nothing is
 * opened: an O_PATH fd). */
static void test_remount_ro(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	refused(&v, OPTS("--remount-ro", "/v/f"), "--remount-ro: can't set the flags of /v/f (read-only, nosuid, nodev): Invalid argument (is it a mount point?)");
	refused(&v, OPTS("--remount-ro", "/v/lf"), "--remount-ro: can't set the flags of /v/lf (read-only, nosuid, nodev): Invalid argument (is it a mount point?)");
	accepted(&v, OPTS("--bind", "@D", "/v/null", "--remount-ro", "/v/null"),
		 OPTS("/usr/bin/cat", "/v/null"), DATA);
	vol_free(&v);
}

/* The launcher's own opens of a caller's path: --netns on a fifo. */
static void test_netns_fifo(void **state)
{
	static struct vol v; /* static: the teardown frees it after a failure */
	vol_new(&v, SW_AS(state));
	char fifo[PATH_MAX];
	in_dir(fifo, v.dir, "f");
	char msg[PATH_MAX + 64];
	snprintf(msg, sizeof msg, "--netns %s: not a network namespace", fifo);
	refused(&v, OPTS("--netns", fifo), msg);
	vol_free(&v);
}

static int teardown(void **state)
{
	(void)state;
	if (current)
		vol_free(current);
	return 0;
}

/* SW_BOTH, with the teardown. */
#define BOTH(fn)                                                        \
	{ #fn "/root", fn, NULL, teardown, &sw_as_root_v },             \
	{ #fn "/user", fn, NULL, teardown, &sw_as_user_v }

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_setup_hang: must run as root (it also runs "
			"each test as uid %d)\n", SW_TEST_UID);
		return 77;
	}
	/* A jail's process that outlives its launcher comes back here. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		BOTH(test_file),
		BOTH(test_lock_file),
		BOTH(test_chmod),
		BOTH(test_binds),
		BOTH(test_dirs),
		BOTH(test_symlink),
		BOTH(test_remount_ro),
		BOTH(test_netns_fifo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
