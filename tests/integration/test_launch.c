/* test_launch.c — issue 3: real jails through the swrap command, as root
 * and as an unprivileged uid, on the new kernel paths and on the forced
 * fallbacks (SWRAP_FORCE=clone-fallback / ro-fallback). */
#include "harness.h"
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct mode {
	enum sw_as as;
	const char *force; /* SWRAP_FORCE, or NULL */
};

static struct mode m_root = { SW_AS_ROOT, NULL }, m_user = { SW_AS_USER, NULL },
		   m_root_cf = { SW_AS_ROOT, "clone-fallback" },
		   m_user_cf = { SW_AS_USER, "clone-fallback" },
		   m_root_rf = { SW_AS_ROOT, "ro-fallback" },
		   m_user_rf = { SW_AS_USER, "ro-fallback" };

#define T(fn, m) { #fn "/" #m, fn, NULL, NULL, &m }
#define BOTH(fn) T(fn, m_root), T(fn, m_user)
#define ALL(fn) BOTH(fn), T(fn, m_root_cf), T(fn, m_user_cf), T(fn, m_root_rf), T(fn, m_user_rf)
#define MODE(state) ((const struct mode *)*(state))

#define MAXARGS 128
#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE ((const char *const[]){ NULL })

/* A small root: /usr and its usual links, and the test helpers at /h. */
static const char *base_opts[] = {
	"--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
	"--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
	"--ro-bind", NULL /* helper dir */, "/h", NULL
};

static size_t append(const char **v, size_t n, const char *const *add)
{
	for (; add && *add; add++) {
		assert_true(n < MAXARGS - 1);
		v[n++] = *add;
	}
	return n;
}

/* v = swrap OPTS BASE TAIL (NULL-terminated lists); returns the count. */
static size_t with_base(const char **v, const char *const *opts, const char *const *tail)
{
	size_t n = 0;
	v[n++] = sw_swrap();
	n = append(v, n, opts);
	base_opts[13] = sw_helper_dir();
	n = append(v, n, base_opts);
	n = append(v, n, tail);
	v[n] = NULL;
	return n;
}

/* swrap OPTS BASE -- /h/jt CMD... (NULL-terminated lists). */
static void jail(const struct mode *m, struct sw_run *r, const char *const *opts,
		 const char *const *cmd)
{
	const char *v[MAXARGS];
	size_t n = with_base(v, opts, L("--", "/h/jt"));
	n = append(v, n, cmd);
	v[n] = NULL;
	char force[64];
	snprintf(force, sizeof force, "SWRAP_FORCE=%s", m->force ? m->force : "");
	const char *env[] = { force, NULL };
	sw_run_env(m->as, env, r, v);
}


/* The value after "NAME: " on its line of out, copied to buf. */
static const char *field(const char *out, const char *name, char *buf, size_t len)
{
	char key[64];
	snprintf(key, sizeof key, "%s: ", name);
	const char *p = strstr(out, key);
	if (!p)
		fail_msg("no '%s' line in:\n%s", name, out);
	p += strlen(key);
	size_t n = strcspn(p, "\n");
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

static void expect_ok(struct sw_run *r)
{
	if (r->code != 0)
		fail_msg("exit %d\nstdout:\n%s\nstderr:\n%s", r->code, r->out, r->err);
}

static unsigned long own_ns(const char *name)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof p, "/proc/self/ns/%s", name);
	assert_int_equal(stat(p, &st), 0);
	return (unsigned long)st.st_ino;
}

static unsigned long ns_of(const char *line, const char *name)
{
	char key[32];
	snprintf(key, sizeof key, "%s=", name);
	const char *p = strstr(line, key);
	assert_non_null(p);
	return strtoul(p + strlen(key), NULL, 10);
}

/* 1. Namespaces differ as asked; net shared with --share-net, and with
 * --unshare-all only lo exists. */
static void test_namespaces(void **state)
{
	struct sw_run r;
	char b[512];
	jail(MODE(state), &r, L("--unshare-all", "--share-net", "--proc", "/proc"), L("ns"));
	expect_ok(&r);
	field(r.out, "ns", b, sizeof b);
	const char *differ[] = { "user", "mnt", "pid", "ipc", "uts" };
	for (size_t i = 0; i < 5; i++)
		assert_int_not_equal(ns_of(b, differ[i]), own_ns(differ[i]));
	assert_int_equal(ns_of(b, "net"), own_ns("net"));
	sw_run_free(&r);

	jail(MODE(state), &r, L("--unshare-all", "--proc", "/proc"), L("ns", "+", "netifs"));
	expect_ok(&r);
	assert_int_not_equal(ns_of(field(r.out, "ns", b, sizeof b), "net"), own_ns("net"));
	assert_string_equal(field(r.out, "netifs", b, sizeof b), "lo");
	sw_run_free(&r);
}

/* 2. One id mapped onto the caller's, setgroups denied; --uid 0 is root. */
static void test_id_maps(void **state)
{
	const struct mode *m = MODE(state);
	struct sw_run r;
	char b[256], want[256];
	unsigned id = m->as == SW_AS_USER ? SW_TEST_UID : 0;
	jail(m, &r, L("--unshare-user", "--proc", "/proc"), L("maps", "+", "ids"));
	expect_ok(&r);
	snprintf(want, sizeof want, "%u %u 1|%u %u 1|deny", id, id, id, id);
	assert_string_equal(field(r.out, "maps", b, sizeof b), want);
	sw_run_free(&r);

	jail(m, &r, L("--unshare-user", "--uid", "0", "--gid", "0", "--proc", "/proc"), L("ids", "+", "maps"));
	expect_ok(&r);
	assert_string_equal(field(r.out, "ids", b, sizeof b), "0 0 0 0");
	snprintf(want, sizeof want, "0 %u 1|0 %u 1|deny", id, id);
	assert_string_equal(field(r.out, "maps", b, sizeof b), want);
	sw_run_free(&r);
}

/* 3. Read-only all the way down (a tmpfs mounted below the source before
 * launching), nosuid everywhere, nodev unless asked. */
static void test_readonly_and_flags(void **state)
{
	const struct mode *m = MODE(state);
	char *dir = sw_tmpdir(m->as), sub[4096], b[256];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(mount("tmpfs", sub, "tmpfs", 0, "mode=0777"), 0);
	struct sw_run r;
	jail(m, &r, L("--ro-bind", dir, "/data", "--bind", "/tmp", "/rw", "--dev-bind", "/dev", "/hd",
		      "--ro-bind", "/dev", "/rd", "--dev", "/dev"),
	     L("write", "/data/f", "+", "write", "/data/sub/f", "+", "flags", "/data/sub", "+",
	       "flags", "/rw", "+", "flags", "/hd", "+", "rdwr", "/hd/null", "+", "rdwr",
	       "/rd/null", "+", "rdwr", "/dev/null"));
	umount2(sub, MNT_DETACH);
	expect_ok(&r);
	const char *out = r.out;
	assert_true(sw_has_line(out, "write: EROFS"));
	assert_false(strstr(out, "write: ok"));
	assert_string_equal(field(out, "flags", b, sizeof b), "ro nosuid nodev exec");
	assert_non_null(strstr(out, "flags: rw nosuid nodev exec"));  /* --bind */
	assert_non_null(strstr(out, "flags: rw nosuid dev exec"));    /* --dev-bind */
	assert_non_null(strstr(out, "rdwr: ok\nrdwr: EACCES\nrdwr: ok")); /* hd, rd, dev */
	sw_run_free(&r);
	sw_rmtree(dir);
	free(dir);
}

/* 3b. A setuid binary in a bind does not raise privileges (root caller,
 * no user namespace, so the kernel would honour the bit without nosuid). */
static void test_setuid_ignored(void **state)
{
	(void)state;
	char *dir = sw_tmpdir(SW_AS_ROOT), cmd[8192], path[4096];
	snprintf(path, sizeof path, "%s/jt", dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", sw_helper("jt"), path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chown(path, SW_TEST_UID, SW_TEST_GID), 0);
	assert_int_equal(chmod(path, 04755), 0);
	struct sw_run r;
	SW_SWRAP(SW_AS_ROOT, &r, "--ro-bind", "/", "/", "--bind", dir, dir, "--", path, "ids");
	expect_ok(&r);
	assert_string_equal(r.out, "ids: 0 0 0 0\n");
	sw_run_free(&r);
	sw_rmtree(dir);
	free(dir);
}

/* 4. /tmp empty tmpfs, nothing unbound, .. stays, /proc only ours, PID 2
 * under a reaper (1 with --as-pid-1). */
static void test_root_contents(void **state)
{
	struct sw_run r;
	char b[512];
	jail(MODE(state), &r, L("--unshare-pid", "--proc", "/proc", "--tmpfs", "/tmp"),
	     L("ls", "/tmp", "+", "fstype", "/tmp", "+", "read", "/etc/passwd", "+", "ls", "/", "+",
	       "realpath", "/..", "+", "nprocs", "+", "pid"));
	expect_ok(&r);
	assert_non_null(strstr(r.out, "ls: \n"));
	assert_string_equal(field(r.out, "fstype", b, sizeof b), "tmpfs");
	assert_string_equal(field(r.out, "read", b, sizeof b), "ENOENT");
	assert_non_null(strstr(r.out, "ls: bin h lib lib64 proc tmp usr\n"));
	assert_string_equal(field(r.out, "realpath", b, sizeof b), "/");
	assert_string_equal(field(r.out, "nprocs", b, sizeof b), "2");
	assert_string_equal(field(r.out, "pid", b, sizeof b), "2 1");
	sw_run_free(&r);

	jail(MODE(state), &r, L("--unshare-pid", "--as-pid-1", "--proc", "/proc"), L("pid", "+", "nprocs"));
	expect_ok(&r);
	assert_string_equal(field(r.out, "pid", b, sizeof b), "1 0");
	assert_string_equal(field(r.out, "nprocs", b, sizeof b), "1");
	sw_run_free(&r);
}

/* Can `as` open path read-write on the host? "ok" or the errno name, the
 * way jt prints it. */
static const char *host_rdwr(enum sw_as as, const char *path)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		if (as == SW_AS_USER)
			sw_drop_privileges();
		int fd = open(path, O_RDWR);
		const char *res = fd >= 0 ? "ok" : strerrorname_np(errno);
		ssize_t n = write(p[1], res, strlen(res));
		_exit(n < 0);
	}
	close(p[1]);
	static char buf[64];
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return buf;
}

/* 5. /dev holds exactly bubblewrap's set; -try binds of devices: bound
 * when the host has them, skipped silently when it does not. */
static void test_dev(void **state)
{
	struct sw_run r;
	char b[512];
	bool kvm = access("/dev/kvm", F_OK) == 0;
	jail(MODE(state), &r, L("--dev", "/dev", "--dev-bind-try", "/dev/net/tun", "/dev/net/tun",
				"--dev-bind-try", "/dev/kvm", "/dev/kvm",
				"--dev-bind-try", "/dev/swrap-absent", "/dev/absent"),
	     L("ls", "/dev", "+", "ls", "/dev/pts", "+", "rdwr", "/dev/net/tun", "+", "read", "/dev/absent",
	       "+", "rdwr", "/dev/pts/ptmx"));
	expect_ok(&r);
	assert_string_equal(field(r.out, "ls", b, sizeof b),
			    kvm ? "core fd full kvm net null ptmx pts random shm stderr stdin stdout tty urandom zero"
				: "core fd full net null ptmx pts random shm stderr stdin stdout tty urandom zero");
	assert_non_null(strstr(r.out, "ls: ptmx\n"));
	char want[128]; /* the jail opens /dev/net/tun exactly when the host does */
	snprintf(want, sizeof want, "rdwr: %s\nread: ENOENT\nrdwr: ok\n",
		 host_rdwr(MODE(state)->as, "/dev/net/tun"));
	assert_non_null(strstr(r.out, want));
	sw_run_free(&r);
}

/* Mounts after a bind onto the jail's / itself land on top of it, where
 * the command sees them (not on the staging directory beneath). */
static void test_mounts_over_root(void **state)
{
	const struct mode *m = MODE(state);
	struct sw_run r;
	char b[256];
	/* the helpers are bound again at /tmp/h: the checkout may live under
	 * /tmp, hidden by the new tmpfs */
	sw_run_env(m->as, NULL, &r, L(sw_swrap(), "--ro-bind", "/", "/", "--tmpfs", "/tmp", "--dir", "/tmp/x",
				      "--dev-bind", "/dev/null", "/tmp/null", "--ro-bind", sw_helper_dir(), "/tmp/h",
				      "--", "/tmp/h/jt", "ls", "/tmp", "+", "fstype", "/tmp", "+", "rdwr", "/tmp/null"));
	expect_ok(&r);
	assert_string_equal(field(r.out, "ls", b, sizeof b), "h null x");
	assert_string_equal(field(r.out, "fstype", b, sizeof b), "tmpfs");
	assert_string_equal(field(r.out, "rdwr", b, sizeof b), "ok");
	sw_run_free(&r);
}

static void write_or_exit(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		_exit(124);
	close(fd);
}

/* Runs swrap OPTS BASE -- /h/jt ids as uid 0 of a user namespace (our root
 * outside) where no further user namespace may be made. */
static int run_without_userns(const char *const *opts, struct sw_run *r)
{
	const char *v[MAXARGS];
	with_base(v, opts, L("--", "/h/jt", "ids"));
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(124);
		write_or_exit("/proc/self/setgroups", "deny");
		write_or_exit("/proc/self/uid_map", "0 0 1\n");
		write_or_exit("/proc/self/gid_map", "0 0 1\n");
		write_or_exit("/proc/sys/user/max_user_namespaces", "0");
		execv(v[0], (char *const *)v);
		_exit(125);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t n;
	while (got < 16383 && (n = read(p[0], r->out + got, 16383 - got)) > 0)
		got += (size_t)n;
	r->out[got] = 0;
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --unshare-all asks for a user namespace only if the kernel allows one
 * (--unshare-user-try): a root launcher where it does not goes on without,
 * as bubblewrap does; --unshare-user itself still fails, and says why. */
static void test_user_try_without_userns(void **state)
{
	(void)state;
	char buf[16384];
	struct sw_run r = { .out = buf };
	assert_int_equal(run_without_userns(L("--unshare-all"), &r), 0);
	assert_non_null(strstr(buf, "ids: 0 0 0 0"));
	assert_int_equal(run_without_userns(L("--unshare-user"), &r), 1);
	assert_non_null(strstr(buf, "swrap: can't create the jail's namespaces (clone): No space left on device"));
}

/* Runs swrap on a fresh pty (the launcher has a controlling terminal). */
static void on_pty(const struct mode *m, const char *const *opts, char *out, size_t len)
{
	const char *v[MAXARGS];
	with_base(v, opts, L("--dev", "/dev", "--", "/h/jt", "sid", "+", "tty"));
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		if (m->as == SW_AS_USER)
			sw_drop_privileges();
		execv(v[0], (char *const *)v);
		_exit(125);
	}
	size_t got = 0;
	ssize_t k;
	while (got < len - 1 && (k = read(master, out + got, len - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = 0;
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(master);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* 6. --new-session: a new session led from inside the jail (by its PID 1,
 * as bubblewrap does it), and no controlling terminal. */
static void test_new_session(void **state)
{
	char out[1024];
	on_pty(MODE(state), L("--unshare-pid", "--new-session"), out, sizeof out);
	assert_non_null(strstr(out, "sid: 1\r\n"));
	assert_null(strstr(out, "tty: ok"));
	/* The control: without it the session is the launcher's, outside the
	 * jail (0 seen from inside), and the terminal is reachable. */
	on_pty(MODE(state), L("--unshare-pid"), out, sizeof out);
	assert_non_null(strstr(out, "sid: 0\r\n"));
	assert_non_null(strstr(out, "tty: ok"));
}

/* Starts swrap in the background with --info-fd; returns its pid and the
 * jail's PID 1 (host pid). */
static pid_t start_jail(const struct mode *m, bool die_with_parent, pid_t *jail_pid)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", p[1]);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		int nul = open("/dev/null", O_WRONLY);
		dup2(nul, 1);
		if (m->as == SW_AS_USER)
			sw_drop_privileges();
		const char *v[MAXARGS];
		with_base(v, L("--unshare-pid", "--info-fd", fdarg,
			       die_with_parent ? "--die-with-parent" : NULL),
			  L("--", "/h/jt", "sleep", "60"));
		execv(v[0], (char *const *)v);
		_exit(125);
	}
	close(p[1]);
	char buf[512] = { 0 };
	ssize_t k = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	assert_true(k > 0);
	const char *c = strstr(buf, "\"child-pid\": ");
	assert_non_null(c);
	*jail_pid = atoi(c + strlen("\"child-pid\": "));
	return pid;
}

/* 7. --die-with-parent: SIGKILL the launcher and the jail is gone within
 * 1 s; without it, the jail outlives the launcher. */
static void test_die_with_parent(void **state)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* orphans come back to us to reap */
	for (int with = 1; with >= 0; with--) {
		pid_t jail_pid, launcher = start_jail(MODE(state), with, &jail_pid);
		usleep(100 * 1000); /* let the command start */
		assert_true(sw_alive(jail_pid));
		kill(launcher, SIGKILL);
		waitpid(launcher, NULL, 0);
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			usleep(20 * 1000);
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (sw_alive(jail_pid) && (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
		if (with)
			assert_false(sw_alive(jail_pid));
		else
			assert_true(sw_alive(jail_pid));
		kill(jail_pid, SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0 || (errno != ECHILD && sw_alive(jail_pid)))
			;
	}
}

/* 8. Exit statuses and the messages that go with them. */
static void test_exit_codes(void **state)
{
	const struct mode *m = MODE(state);
	struct sw_run r;
	jail(m, &r, L("--unshare-pid"), L("exit", "7"));
	assert_int_equal(r.code, 7);
	sw_run_free(&r);
	jail(m, &r, L("--unshare-pid"), L("kill", "9"));
	assert_int_equal(r.code, 137);
	sw_run_free(&r);
	SW_SWRAP(m->as, &r, "--ro-bind", "/usr", "/usr", "--", "/nonexist");
	assert_int_equal(r.code, 127);
	assert_string_equal(r.err, "swrap: execvp /nonexist: No such file or directory\n");
	sw_run_free(&r);
	SW_SWRAP(m->as, &r, "--ro-bind", "/usr", "/usr", "--", "/usr");
	assert_int_equal(r.code, 126);
	assert_string_equal(r.err, "swrap: execvp /usr: Permission denied\n");
	sw_run_free(&r);
	SW_SWRAP(m->as, &r, "--ro-bind", "/usr", "/usr", "--bind", "/no/such/./source", "/x", "--", "/usr/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "/no/such/./source"));
	assert_int_equal(strchr(r.err, '\n') - r.err + 1, (long)strlen(r.err)); /* one line */
	sw_run_free(&r);
}

static char *normalize_digits(const char *s)
{
	char *o = malloc(strlen(s) + 1), *w = o;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			*w++ = 'N';
			while (s[1] >= '0' && s[1] <= '9')
				s++;
		} else {
			*w++ = *s;
		}
	}
	*w = 0;
	return o;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 4096);
	size_t n = fread(buf, 1, 4095, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Runs prog (swrap or bwrap) with --info-fd 50 --json-status-fd 51 going to
 * files; returns both, digits normalized. */
static void status_fds(const struct mode *m, const char *prog, const char *dir, char **info, char **json)
{
	char ip[4096], jp[4096];
	snprintf(ip, sizeof ip, "%s/%s.info", dir, strrchr(prog, '/') + 1);
	snprintf(jp, sizeof jp, "%s/%s.json", dir, strrchr(prog, '/') + 1);
	int a = open(ip, O_WRONLY | O_CREAT | O_TRUNC, 0666), b = open(jp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(dup2(a, 50), 50);
	assert_int_equal(dup2(b, 51), 51);
	close(a);
	close(b);
	struct sw_run r;
	sw_run(m->as, &r, L(prog, "--unshare-pid", "--unshare-ipc", "--info-fd", "50", "--json-status-fd", "51",
			    "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64",
			    "/lib64", "--", "/usr/bin/sh", "-c", "exit 3"));
	close(50);
	close(51);
	assert_int_equal(r.code, 3);
	sw_run_free(&r);
	char *i = read_file(ip), *j = read_file(jp);
	*info = normalize_digits(i);
	*json = normalize_digits(j);
	free(i);
	free(j);
}

/* 10. --info-fd and --json-status-fd: bubblewrap's format, byte for byte
 * once the numbers are masked (bwrap runs the same command line here). */
static void test_status_fds(void **state)
{
	const struct mode *m = MODE(state);
	if (access("/usr/bin/bwrap", X_OK) != 0)
		skip();
	char *dir = sw_tmpdir(SW_AS_ROOT);
	chmod(dir, 0777);
	char *si, *sj, *bi, *bj;
	status_fds(m, sw_swrap(), dir, &si, &sj);
	status_fds(m, "/usr/bin/bwrap", dir, &bi, &bj);
	assert_string_equal(si, bi);
	assert_string_equal(sj, bj);
	assert_non_null(strstr(sj, "{ \"exit-code\": N }\n"));
	free(si), free(sj), free(bi), free(bj);
	sw_rmtree(dir);
	free(dir);
}

/* 11. The shim profile, from inside: env, cwd, what is writable. */
static void test_shim_profile(void **state)
{
	const struct mode *m = MODE(state);
	char *dir = sw_tmpdir(m->as), cmd[8192], shim[4096], want[4096], b[4096];
	snprintf(shim, sizeof shim, "%s/jt", dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", sw_helper("jt"), shim);
	assert_int_equal(system(cmd), 0);
	const char *env[] = { "RUST_LOG", "RUST_BACKTRACE", NULL };
	struct sw_run r;
	char wdir[4096];
	snprintf(wdir, sizeof wdir, "%s/x", dir);
	sw_run_env(m->as, env, &r, L(sw_swrap(), "--profile", "shim", "--", shim, "env", "+", "cwd", "+",
				     "write", "/usr/x", "+", "write", "/tmp/x", "+", "write", wdir));
	expect_ok(&r);
	/* PWD: set by the chdir, as bubblewrap does. */
	snprintf(want, sizeof want, "HOME=/root|LD_LIBRARY_PATH=%s|PATH=/usr/bin:/bin:/usr/sbin:/sbin|PWD=/", dir);
	assert_string_equal(field(r.out, "env", b, sizeof b), want);
	assert_string_equal(field(r.out, "cwd", b, sizeof b), "/");
	assert_non_null(strstr(r.out, "write: EROFS\nwrite: ok\nwrite: EROFS\n"));
	sw_run_free(&r);
	sw_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ALL(test_namespaces),
		BOTH(test_id_maps),
		ALL(test_readonly_and_flags),
		T(test_setuid_ignored, m_root),
		ALL(test_root_contents),
		ALL(test_dev),
		ALL(test_mounts_over_root),
		T(test_user_try_without_userns, m_root),
		BOTH(test_new_session),
		BOTH(test_die_with_parent),
		ALL(test_exit_codes),
		BOTH(test_status_fds),
		BOTH(test_shim_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
