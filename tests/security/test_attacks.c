/* test_attacks.c — issue 9: the jailed program is hostile, and so are the
 * paths the caller passes in. Each test is a real attempt that must fail,
 * as root and as the unprivileged uid (SW_BOTH). The hostile program is
 * tests/helpers/atk_probe ("NAME: RESULT" lines, see its header).
 *
 * The jail is the launcher's, as is: `--profile shim` (user, pid, ipc and
 * uts namespaces, a new session, die-with-parent, the system directories
 * read-only, /dev, /proc, /tmp). For a root launcher uid 0 inside is uid 0
 * outside; bubblewrap would leave such a jail all of root's capabilities
 * (so it could remount its read-only binds read-write and write to the
 * host), swrap leaves it none (src/env/caps.c), and attack 4 checks that.
 *
 *   1. a destination through a symlink in a writable volume
 *   2. a source swapped for a symlink between check and mount (raced)
 *   3. TIOCSTI / TIOCLINUX into the launcher's terminal
 *   4. /proc/sys, /proc/sysrq-trigger, remounts, nested user namespace,
 *      mount and umount
 *   5. the launcher's exe, fds, cwd, ptrace
 *   6. dropping a supplementary group with setgroups
 *
 * SW_RACE_N sets the number of launches of test 2 (default 10000);
 * SW_SEC_FILTER a cmocka filter ("test_setgroups*") to run some tests only;
 * SW_RACE_DEBUG=1 prints every failed launch of the race.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "compat/compat.h"
#include "swrap.h"

#define MAXARGS 96
#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- running the probe ------------------------------------------------ */

static const char *probe(void)
{
	static char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", sw_helper("atk_probe"));
	return p;
}

static const char *helper_dir(void)
{
	static char d[PATH_MAX];
	snprintf(d, sizeof d, "%s", probe());
	*strrchr(d, '/') = 0;
	return d;
}

/* swrap --profile shim OPTS -- atk_probe CMD... */
static size_t build_argv(const char **v, bool shim, const char *const *opts,
			 const char *const *cmd)
{
	size_t n = 0;
	v[n++] = sw_swrap();
	if (shim) {
		v[n++] = "--profile";
		v[n++] = "shim";
	}
	for (; opts && *opts; opts++)
		v[n++] = *opts;
	v[n++] = "--";
	v[n++] = probe();
	for (; cmd && *cmd; cmd++) {
		assert_true(n < MAXARGS - 1);
		v[n++] = *cmd;
	}
	v[n] = NULL;
	return n;
}

/* How the launcher process is set up before it runs the jail. */
struct launcher {
	enum sw_as as;
	gid_t extra_group;  /* a supplementary group kept, 0 for none */
	int nfds;           /* fds opened without O_CLOEXEC before launching */
	const char *cwd;    /* the launcher's cwd (and one of its fds), or NULL */
	bool library;       /* sw_spawn in this process instead of the CLI */
};

static void become(const struct launcher *l)
{
	gid_t g = l->extra_group;
	int r = g ? setgroups(1, &g) : setgroups(0, NULL);
	if (r == 0 && l->as == SW_AS_USER)
		r = setresgid(SW_TEST_GID, SW_TEST_GID, SW_TEST_GID) < 0 ||
		    setresuid(SW_TEST_UID, SW_TEST_UID, SW_TEST_UID) < 0 ? -1 : 0;
	if (r < 0) {
		perror("become");
		_exit(125);
	}
}

static void open_fds(const struct launcher *l)
{
	for (int i = 0; i < l->nfds; i++) {
		const char *p = l->cwd && i % 2 ? l->cwd : "/";
		int fd = open(p, i % 3 ? O_RDONLY | O_DIRECTORY : O_PATH);
		if (fd < 0) {
			perror("open_fds");
			_exit(125);
		}
	}
	if (l->cwd && chdir(l->cwd) < 0) {
		perror("chdir");
		_exit(125);
	}
}

/* In the launcher: the jail through the library, from the same argv. */
static int __attribute__((noreturn)) run_library(const char **argv, size_t argc)
{
	struct sw_cli_opts cli = { 0 };
	sw_spec *s = NULL;
	sw_child *c = NULL;
	sw_error err = { 0 };
	int code = 1;
	if (sw_compat_parse((int)argc, (char **)argv, &s, &cli, &err) == 0 &&
	    sw_spawn(s, &c, &err) == 0 && sw_child_wait(c, &code, &err) == 0) {
		sw_child_free(c);
		_exit(code);
	}
	fprintf(stderr, "library: %s\n", err.msg);
	_exit(1);
}

/* Runs argv from a launcher set up as l; stdout and stderr together. */
static int launch(const struct launcher *l, const char **argv, size_t argc,
		  char **out)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(125);
		close(nul);
		become(l);
		open_fds(l);
		if (l->library)
			run_library(argv, argc);
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	close(p[1]);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	while ((n = read(p[0], buf + len, cap - len - 1)) > 0)
		if ((len += (size_t)n) + 1 == cap)
			buf = realloc(buf, cap *= 2);
	buf[len] = 0;
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The jail under the shim profile, from a plain launcher; must succeed. */
static char *jail(enum sw_as as, const char *const *opts,
		  const char *const *cmd)
{
	const char *v[MAXARGS];
	size_t n = build_argv(v, true, opts, cmd);
	struct launcher l = { .as = as };
	char *out;
	int code = launch(&l, v, n, &out);
	if (code != 0)
		fail_msg("exit %d:\n%s", code, out);
	return out;
}

/* The RESULT of line "NAME: RESULT" in out (a static copy). */
static const char *field(const char *out, const char *name)
{
	static char b[512];
	char key[256];
	snprintf(key, sizeof key, "%s: ", name);
	for (const char *p = out; (p = strstr(p, key)); p++) {
		if (p != out && p[-1] != '\n')
			continue;
		p += strlen(key);
		snprintf(b, sizeof b, "%.*s", (int)strcspn(p, "\r\n"), p);
		return b;
	}
	fail_msg("no '%s' line in:\n%s", name, out);
	return NULL;
}

/* The attack step NAME must have failed (any errno). */
static void refused(const char *out, const char *name)
{
	const char *r = field(out, name);
	if (strncmp(r, "ok", 2) == 0)
		fail_msg("attack step '%s' succeeded:\n%s", name, out);
}

static void expect(const char *out, const char *name, const char *want)
{
	const char *r = field(out, name);
	if (strcmp(r, want) != 0)
		fail_msg("'%s': got %s, want %s:\n%s", name, r, want, out);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
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

static size_t count_entries(const char *dir)
{
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%zu", &n), 1);
	pclose(p);
	return n;
}

static void chown_as(enum sw_as as, const char *path)
{
	if (as == SW_AS_USER)
		assert_int_equal(lchown(path, SW_TEST_UID, SW_TEST_GID), 0);
}

/* ---- 1. a destination through a symlink in a writable volume ----------- */

/* --bind VOL /data --ro-bind /usr /data/LINK/x: either the launch fails or
 * /usr shows up inside the jail at WHERE/x; the host is untouched. */
static void dest_through(enum sw_as as, const char *vol, const char *link,
			 const char *where, const char *host_dir)
{
	char dest[256], in_jail[PATH_MAX];
	snprintf(dest, sizeof dest, "/data/%s/x", link);
	snprintf(in_jail, sizeof in_jail, "%s/x/bin", where);
	bool had_x = exists("/x");
	const char *v[MAXARGS];
	size_t n = build_argv(v, true, L("--bind", vol, "/data", "--ro-bind", "/usr", dest),
			      L("exists", in_jail, "+", "exists", "/x/bin"));
	struct launcher l = { .as = as };
	char *out;
	int code = launch(&l, v, n, &out);
	if (code == 0) {
		char name[PATH_MAX + 16];
		snprintf(name, sizeof name, "exists %s", in_jail);
		expect(out, name, "ok"); /* the mount is inside the jail */
	} else if (code != 1 || !strstr(out, "swrap: ")) {
		fail_msg("exit %d (want 0, or 1 with a message):\n%s", code, out);
	}
	if (!had_x)
		assert_false(exists("/x"));
	assert_false(mounted_under("/x"));
	assert_false(mounted_under(vol));
	assert_false(mounted_under(host_dir));
	assert_int_equal(count_entries(host_dir), 0);
	assert_int_equal(count_entries(vol), 3); /* the three links only */
	free(out);
}

static void test_dest_symlink(void **state)
{
	enum sw_as as = SW_AS(state);
	char *vol = sw_tmpdir(as), *host = sw_tmpdir(as);
	char up[PATH_MAX], rel[PATH_MAX], p[PATH_MAX];
	/* "/" is the jail's root once resolved inside it; /oldroot/HOST is
	 * the host's HOST while the child builds the root (it pivots the
	 * host's root to /oldroot); the relative one climbs with "..". */
	snprintf(up, sizeof up, "/oldroot%s", host);
	snprintf(rel, sizeof rel, "../../../../../../../../oldroot%s", host);
	const char *links[][2] = { { "link", "/" }, { "up", up }, { "rel", rel } };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", vol, links[i][0]);
		assert_int_equal(symlink(links[i][1], p), 0);
		chown_as(as, p);
	}
	dest_through(as, vol, "link", "", host);
	dest_through(as, vol, "up", up, host);
	dest_through(as, vol, "rel", up, host);
	sw_rmtree(vol);
	sw_rmtree(host);
	free(vol);
	free(host);
}

/* ---- 2. a source swapped for a symlink, raced -------------------------- */

/* BASE/a/d: the real source (PUBLIC); BASE/a/e and BASE/b: symlinks that,
 * exchanged into place, lead to BASE/s/d (SECRET). Their targets start
 * with /oldroot, which exists only where the child opens sources: the
 * parent (which resolves like bubblewrap, with realpath) can never be
 * sent there legitimately, so any SECRET seen in a jail came through the
 * race. */
struct race {
	char base[PATH_MAX];
	int adir;           /* BASE/a, the real directory */
	volatile int stop;
	unsigned long flips;
};

static void flip(struct race *r, bool leaf, const char *a, const char *b)
{
	if (leaf)
		renameat2(r->adir, "d", r->adir, "e", RENAME_EXCHANGE);
	else
		renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

static void *racer(void *arg)
{
	struct race *r = arg;
	char a[PATH_MAX + 4], b[PATH_MAX + 4];
	snprintf(a, sizeof a, "%s/a", r->base);
	snprintf(b, sizeof b, "%s/b", r->base);
	unsigned seed = 1;
	while (!r->stop) {
		/* The attacker's way: the path is the real one most of the
		 * time (so that the parent's check passes), and for a short
		 * random while (0-500 us, inside a launch's few ms) a symlink:
		 * at the last component or one above it. */
		bool leaf = rand_r(&seed) & 1;
		flip(r, leaf, a, b);
		struct timespec ts = { 0, (long)(rand_r(&seed) % 500) * 1000 };
		nanosleep(&ts, NULL);
		flip(r, leaf, a, b);
		r->flips++;
		ts.tv_nsec = (long)(rand_r(&seed) % 3000) * 1000;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void race_layout(enum sw_as as, struct race *r)
{
	char *base = sw_tmpdir(as);
	char p[PATH_MAX + 32], t[PATH_MAX + 32];
	snprintf(r->base, sizeof r->base, "%s", base);
	free(base);
	const char *dirs[] = { "a", "a/d", "s", "s/d" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/%s", r->base, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
		chown_as(as, p);
	}
	snprintf(p, sizeof p, "%s/a/d/PUBLIC", r->base);
	sw_write_file(p, "public\n", 0644);
	snprintf(p, sizeof p, "%s/s/d/SECRET", r->base);
	sw_write_file(p, "secret\n", 0644);
	snprintf(p, sizeof p, "%s/a/e", r->base);
	snprintf(t, sizeof t, "/oldroot%s/s/d", r->base);
	assert_int_equal(symlink(t, p), 0);
	chown_as(as, p);
	snprintf(p, sizeof p, "%s/b", r->base);
	snprintf(t, sizeof t, "/oldroot%s/s", r->base);
	assert_int_equal(symlink(t, p), 0);
	chown_as(as, p);
}

struct race_counts {
	unsigned long launches, early, failed, changed, public_, secret, neither,
		flips;
	double seconds;
	char first_error[520];
};

/* Shared with the launcher process, which fills it in. */
static struct race_counts *mmap_counts(void)
{
	void *p = mmap(NULL, sizeof(struct race_counts), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 0, sizeof(struct race_counts));
	return p;
}

static sw_spec *race_spec(const struct race *r)
{
	sw_spec *s = sw_spec_new();
	sw_error err;
	char src[PATH_MAX + 8];
	snprintf(src, sizeof src, "%s/a/d", r->base);
	assert_non_null(s);
	sw_spec_unshare(s, SW_NS_USER | SW_NS_PID | SW_NS_IPC | SW_NS_UTS);
	sw_spec_die_with_parent(s, true);
	if (sw_spec_bind(s, SW_FS_RO_BIND, helper_dir(), "/h", 0, &err) < 0 ||
	    sw_spec_bind(s, SW_FS_RO_BIND, src, "/data", 0, &err) < 0 ||
	    sw_spec_argv(s, 2, L("/h/atk_probe", "race"), &err) < 0)
		fail_msg("spec: %s", err.msg);
	return s;
}

/* In the launcher process: n launches while a thread flips the paths. */
static void race_run(struct race *r, unsigned long n, struct race_counts *c)
{
	sw_spec *s = race_spec(r);
	char a[PATH_MAX + 4];
	snprintf(a, sizeof a, "%s/a", r->base);
	r->adir = open(a, O_PATH | O_DIRECTORY | O_CLOEXEC);
	pthread_t t;
	if (r->adir < 0 || pthread_create(&t, NULL, racer, r) != 0)
		_exit(125);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* A launch counts once it got past the parent's resolution: one that
	 * met a dangling symlink there fails in microseconds, and would
	 * otherwise make up most of the count without racing anything. */
	while (c->launches < n && c->early < 100 * n) {
		sw_child *ch;
		sw_error err;
		int code = -1;
		if (sw_spawn(s, &ch, &err) < 0) {
			if (strncmp(err.msg, "Can't find source path", 22) == 0) {
				c->early++;
				continue;
			}
			c->launches++;
			/* "changed": the child found the swap */
			if (strstr(err.msg, "changed while"))
				c->changed++;
			if (getenv("SW_RACE_DEBUG"))
				fprintf(stderr, "race: %s\n", err.msg);
			if (!c->failed++)
				snprintf(c->first_error, sizeof c->first_error,
					 "%s", err.msg);
			continue;
		}
		c->launches++;
		if (sw_child_wait(ch, &code, &err) < 0)
			code = -1;
		sw_child_free(ch);
		if (code == 0)
			c->public_++;
		else if (code == 66)
			c->secret++;
		else
			c->neither++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->stop = 1;
	pthread_join(t, NULL);
	c->flips = r->flips;
	c->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	sw_spec_free(s);
}

static void test_source_race(void **state)
{
	enum sw_as as = SW_AS(state);
	const char *e = getenv("SW_RACE_N");
	unsigned long n = e ? strtoul(e, NULL, 10) : 10000;
	struct race r = { 0 };
	race_layout(as, &r);
	struct race_counts *c = mmap_counts();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct launcher l = { .as = as };
		become(&l);
		race_run(&r, n, c);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	print_message("race: %lu launches (and %lu refused by the parent's "
		      "resolution) in %.1f s (%.1f ms each), %lu flips: "
		      "%lu saw the source, %lu failed (%lu caught by the child: "
		      "\"%s\"), %lu neither, %lu saw the secret\n", c->launches,
		      c->early, c->seconds, c->launches ? 1000 * c->seconds / c->launches : 0.0,
		      c->flips, c->public_, c->failed, c->changed,
		      c->failed ? c->first_error : "-", c->neither, c->secret);
	assert_int_equal(c->launches, n);
	assert_int_equal(c->secret, 0);
	assert_int_equal(c->neither, 0);
	assert_true(c->public_ > 0); /* the race left room for real launches */
	if (n >= 1000) /* and it did hit the window between check and mount */
		assert_true(c->changed > 0);
	munmap(c, sizeof *c);
	sw_rmtree(r.base);
}

/* ---- 3. TIOCSTI and TIOCLINUX ------------------------------------------ */

/* The launcher on a pty: runs the jail, then reports how many bytes wait
 * in its terminal's input queue (an injected character would). */
static char *on_pty(enum sw_as as, bool new_session, int *code)
{
	const char *v[MAXARGS];
	const char *opts[] = { "--unshare-user", "--unshare-pid",
			       "--ro-bind", helper_dir(), helper_dir(), NULL };
	build_argv(v, new_session, new_session ? NULL : opts,
			      L("tty"));
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		struct launcher l = { .as = as };
		become(&l);
		/* Not canonical, so that FIONREAD counts a lone character. */
		struct termios tio;
		if (tcgetattr(0, &tio) == 0) {
			tio.c_lflag &= ~(tcflag_t)ICANON;
			tcsetattr(0, TCSANOW, &tio);
		}
		pid_t j = fork();
		if (j == 0) {
			execv(v[0], (char *const *)v);
			_exit(125);
		}
		int st = 0, pending = -1;
		waitpid(j, &st, 0);
		ioctl(0, FIONREAD, &pending);
		printf("pending: %d\nexit: %d\n", pending,
		       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		fflush(stdout);
		_exit(0);
	}
	size_t len = 0, cap = 8192;
	char *buf = calloc(1, cap);
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		if (poll(&p, 1, 30000) <= 0)
			break;
		ssize_t r = read(master, buf + len, cap - len - 1);
		if (r <= 0)
			break; /* EIO once the slave is closed */
		len += (size_t)r;
		if (len + 1 == cap)
			break;
	}
	buf[len] = 0;
	close(master);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*code = atoi(field(buf, "exit"));
	return buf;
}

static int legacy_tiocsti(int set)
{
	const char *path = "/proc/sys/dev/tty/legacy_tiocsti";
	int fd = open(path, set < 0 ? O_RDONLY : O_WRONLY);
	if (fd < 0)
		return -1;
	char b[8] = { 0 };
	int r = set < 0 ? (int)read(fd, b, sizeof b - 1)
			: (int)write(fd, set ? "1" : "0", 1);
	close(fd);
	return r < 0 ? -1 : set < 0 ? atoi(b) : set;
}

static void test_tty_injection(void **state)
{
	enum sw_as as = SW_AS(state);
	/* Since 6.2 the kernel can refuse TIOCSTI to all but CAP_SYS_ADMIN:
	 * turned on for the test (when we may), so that the jail's session
	 * is what stops it. */
	int was = legacy_tiocsti(-1);
	if (was == 0 && legacy_tiocsti(1) < 0)
		print_message("legacy_tiocsti is 0 and read-only: TIOCSTI is "
			      "refused by the kernel for everyone\n");
	int code, control_code;
	/* The control: without --new-session the jail shares the launcher's
	 * terminal session, and the injection works. */
	char *control = on_pty(as, false, &control_code);
	char *out = on_pty(as, true, &code);
	if (was == 0)
		legacy_tiocsti(0);
	if (strstr(control, "tiocsti: ok"))
		assert_string_not_equal(field(control, "pending"), "0");
	else
		print_message("control: TIOCSTI refused even without a new "
			      "session: the test shows less\n%s", control);
	if (control_code != 0)
		fail_msg("control: exit %d:\n%s", control_code, control);
	free(control);
	if (code != 0)
		fail_msg("exit %d:\n%s", code, out);
	/* The injected character is echoed (so it shows in the master's
	 * output) and waits in the input queue (pending). */
	if (strchr(out, 'Q') || strcmp(field(out, "pending"), "0") != 0)
		fail_msg("the injected character reached the terminal:\n%s", out);
	refused(out, "tiocsti");
	refused(out, "tiocsti-hi");
	refused(out, "tioclinux-setsel");
	refused(out, "tioclinux-paste");
	free(out);
}

/* ---- 4. /proc knobs, remounts, nested user namespace, mount/umount ------ */

static void test_proc_and_mounts(void **state)
{
	char *out = jail(SW_AS(state), NULL,
			 L("sysctl", "+", "sysrq", "+", "remount", "/usr", "+",
			   "umount", "/usr", "+", "umount", "/proc", "+",
			   "umount", "/tmp", "+", "mount", "/tmp", "+",
			   "mount", "/usr", "+", "remount", "/proc/sys", "+",
			   "nested", "/usr", "/proc/sys", "/tmp", "/proc"));
	refused(out, "sysctl-open");
	refused(out, "sysrq-open");
	refused(out, "remount /usr");
	refused(out, "setattr /usr");
	refused(out, "remount /proc/sys");
	refused(out, "setattr /proc/sys");
	refused(out, "umount /usr");
	refused(out, "umount /proc");
	refused(out, "umount /tmp");
	refused(out, "mount /tmp");
	refused(out, "mount /usr");
	/* The shim profile refuses the nested namespace (--disable-userns,
	 * see test_rootmap); where one can be made, what it must not do is
	 * loosen or uncover a mount it inherited (they are locked). */
	if (strcmp(field(out, "unshare"), "ok") != 0)
		print_message("no nested user namespace here (%s): its "
			      "remounts are refused for that reason\n",
			      field(out, "unshare"));
	const char *nested[] = { "/usr", "/proc/sys", "/tmp", "/proc" };
	char name[64];
	for (size_t i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "nested-umount %s", nested[i]);
		refused(out, name);
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "nested-remount %s", nested[i]);
		refused(out, name);
		snprintf(name, sizeof name, "nested-setattr %s", nested[i]);
		refused(out, name);
	}
	free(out);
}

/* ---- 5. reaching the launcher ----------------------------------------- */

static void reach(enum sw_as as, bool library)
{
	char *dir = sw_tmpdir(as), mark[PATH_MAX + 32], self[16], parent[16];
	snprintf(mark, sizeof mark, "%s/swsec-host-marker", dir);
	sw_write_file(mark, "host\n", 0644);
	snprintf(self, sizeof self, "%d", (int)getpid());
	snprintf(parent, sizeof parent, "%d", (int)getppid());
	const char *v[MAXARGS];
	size_t n = build_argv(v, true, NULL,
			      L("fds", "+", "procs", "+", "cwd", "swsec-host-marker",
				"+", "ptrace", self, parent, "+", "ptrace", "1"));
	struct launcher l = { .as = as, .nfds = 20, .cwd = dir, .library = library };
	char *out;
	int code = launch(&l, v, n, &out);
	if (code != 0)
		fail_msg("exit %d:\n%s", code, out);
	expect(out, "fds", "0 1 2");
	expect(out, "cwd", "none");
	char name[32];
	snprintf(name, sizeof name, "ptrace %s", self);
	expect(out, name, "ESRCH");
	snprintf(name, sizeof name, "ptrace %s", parent);
	expect(out, name, "ESRCH");
	refused(out, "ptrace 1");
	/* Only the jail's PID 1 (the launcher's clone: its exe is the
	 * launcher's) and the probe itself exist; PID 1's exe is closed. */
	expect(out, "exe 1", "EACCES  open EACCES");
	size_t procs = 0;
	for (const char *p = out; (p = strstr(p, "\nexe ")); p++)
		procs++;
	if (strncmp(out, "exe ", 4) == 0)
		procs++;
	assert_int_equal(procs, 2);
	free(out);
	sw_rmtree(dir);
	free(dir);
}

static void test_reach_launcher(void **state)
{
	reach(SW_AS(state), false);
}

static void test_reach_launcher_library(void **state)
{
	reach(SW_AS(state), true);
}

/* ---- 6. setgroups ------------------------------------------------------ */

#define DENIED_GID 4343
#define OWNER_UID 4344

static void test_setgroups(void **state)
{
	enum sw_as as = SW_AS(state);
	char *dir = sw_tmpdir(SW_AS_ROOT), file[PATH_MAX + 16];
	snprintf(file, sizeof file, "%s/denied", dir);
	sw_write_file(file, "only not for group 4343\n", 0604);
	assert_int_equal(chown(file, OWNER_UID, DENIED_GID), 0);
	assert_int_equal(chmod(file, 0604), 0);
	const char *v[MAXARGS];
	const char *opts[] = { "--ro-bind", dir, "/denied", NULL };
	size_t n = build_argv(v, true, opts, L("groups", "/denied/denied"));
	struct launcher l = { .as = as, .extra_group = DENIED_GID };
	char *out;
	int code = launch(&l, v, n, &out);
	if (code != 0)
		fail_msg("exit %d:\n%s", code, out);
	expect(out, "read-before", "EACCES");
	expect(out, "setgroups", "EPERM");
	expect(out, "read-after", "EACCES");
	free(out);
	sw_rmtree(dir);
	free(dir);
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_attacks: must run as root (it also runs "
			"each test as uid %d)\n", SW_TEST_UID);
		return 77;
	}
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_dest_symlink),
		SW_BOTH(test_source_race),
		SW_BOTH(test_tty_injection),
		SW_BOTH(test_proc_and_mounts),
		SW_BOTH(test_reach_launcher),
		SW_BOTH(test_reach_launcher_library),
		SW_BOTH(test_setgroups),
	};
	/* SW_SEC_FILTER=test_setgroups* runs the matching tests only. */
	if (getenv("SW_SEC_FILTER"))
		cmocka_set_test_filter(getenv("SW_SEC_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
