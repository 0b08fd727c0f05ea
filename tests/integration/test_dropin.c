/* test_dropin.c — issue 13: swrap as a drop-in for bubblewrap 0.11.
 *
 *  - a flatpak-shaped launch: the whole argv through --args on a sealed
 *    memfd, --ro-bind-data passwd/group, --file for an info file,
 *    --bind-fd of a directory fd, --lock-file, --disable-userns, --sync-fd,
 *    --info-fd, --seccomp with one filter, --die-with-parent; and the part
 *    bubblewrap 0.8 also has, run by it and by swrap as bwrap around the
 *    parity probe, whose reports must be the same;
 *  - joining another jail's user and PID namespaces (--userns, --pidns);
 *  - overlays (skipped where unprivileged overlayfs is unavailable);
 *  - the bwrap personality: fds, exec status, messages, capabilities.
 *
 * Each as root and as the unprivileged test uid. */
#include "harness.h"
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char link_dir[64], as_bwrap[128]; /* .../bwrap -> swrap */

static int make_link(void **state)
{
	(void)state;
	char real[PATH_MAX];
	snprintf(link_dir, sizeof link_dir, "/tmp/swdropin.XXXXXX");
	assert_non_null(mkdtemp(link_dir));
	assert_int_equal(chmod(link_dir, 0755), 0);
	assert_non_null(realpath(sw_swrap(), real));
	snprintf(as_bwrap, sizeof as_bwrap, "%s/bwrap", link_dir);
	assert_int_equal(symlink(real, as_bwrap), 0);
	return 0;
}

static int remove_link(void **state)
{
	(void)state;
	unlink(as_bwrap);
	rmdir(link_dir);
	return 0;
}

/* A sealed memfd holding n bytes of data (the way flatpak hands bwrap
 * its arguments). */
static int sealed(const char *data, size_t n)
{
	int fd = (int)syscall(SYS_memfd_create, "swtest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
			       F_SEAL_WRITE | F_SEAL_SEAL), 0);
	return fd;
}

static int text_fd(const char *s)
{
	return sealed(s, strlen(s));
}

/* One seccomp filter: acct(2) fails with EPERM, everything else runs. */
static int filter_fd(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_acct, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	return sealed((const char *)f, sizeof f);
}

/* Runs argv as `as` with fds[i] at number at[i] (n of them), stdin from
 * /dev/null; every other fd of ours is closed first. */
static void run_fds(enum sw_as as, const char *const *argv, const int *fds,
		    const int *at, int n, struct sw_run *r)
{
	int po[2], pe[2];
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	int o = po[1], e = pe[1];
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Out of the way of the targets first, then into place. */
		int tmp[16];
		for (int i = 0; i < n; i++)
			tmp[i] = fcntl(fds[i], F_DUPFD, 100);
		int hi = fcntl(o, F_DUPFD, 200), he = fcntl(e, F_DUPFD, 200);
		dup2(hi, 1);
		dup2(he, 2);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		for (int i = 0; i < n; i++)
			dup2(tmp[i], at[i]);
		/* Close all but 0-2 and the targets. */
		for (int fd = 3; fd < 300; fd++) {
			bool keep = false;
			for (int i = 0; i < n; i++)
				keep |= fd == at[i];
			if (!keep)
				close(fd);
		}
		if (as == SW_AS_USER)
			sw_drop_privileges();
		if (chdir(sw_run_cwd(as)) < 0)
			_exit(125);
		execv(argv[0], (char *const *)argv);
		_exit(125);
	}
	close(o);
	close(e);
	/* Small outputs: all of stdout, then all of stderr. */
	int from[2] = { po[0], pe[0] };
	char **to[2] = { &r->out, &r->err };
	for (int k = 0; k < 2; k++) {
		size_t len = 0, cap = 65536;
		char *buf = malloc(cap + 1);
		ssize_t got;
		while ((got = read(from[k], buf + len, cap - len)) > 0)
			len += (size_t)got;
		buf[len] = 0;
		*to[k] = buf;
		close(from[k]);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* NUL-separated words, as --args reads them. */
static size_t nul_join(const char *const *w, char *buf, size_t cap)
{
	size_t n = 0;
	for (; *w; w++) {
		size_t k = strlen(*w) + 1;
		assert_true(n + k <= cap);
		memcpy(buf + n, *w, k);
		n += k;
	}
	return n;
}

#define PASSWD "app:x:1000:1000::/home/app:/bin/sh\n"
#define GROUP "app:x:1000:\n"
#define INFO "[Application]\nname=org.example.App\n"

/* The flatpak-shaped launch, through swrap run as bwrap. */
static void test_flatpak_shaped(void **state)
{
	enum sw_as as = SW_AS(state);
	char *dir = sw_tmpdir(as), path[PATH_MAX];
	snprintf(path, sizeof path, "%s/app-data", dir);
	sw_write_file(path, "appdata\n", 0644);
	snprintf(path, sizeof path, "%s/.ref", dir);
	sw_write_file(path, "", 0644);
	if (as == SW_AS_USER)
		assert_int_equal(chown(path, SW_TEST_UID, SW_TEST_GID), 0);
	int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	int sync[2], info[2];
	assert_int_equal(pipe2(sync, O_CLOEXEC), 0);
	assert_int_equal(pipe2(info, O_CLOEXEC), 0);
	const char *words[] = {
		"--unshare-user", "--disable-userns", "--unshare-pid",
		"--unshare-ipc", "--unshare-uts", "--die-with-parent",
		"--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
		"--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
		"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
		"--ro-bind-data", "20", "/etc/passwd",
		"--ro-bind-data", "21", "/etc/group",
		"--perms", "0600", "--file", "22", "/.flatpak-info",
		"--bind-fd", "23", "/app", "--lock-file", "/app/.ref",
		"--seccomp", "24", "--sync-fd", "25", "--info-fd", "26", NULL,
	};
	char buf[4096];
	size_t n = nul_join(words, buf, sizeof buf);
	int fds[] = { text_fd(PASSWD), text_fd(GROUP), text_fd(INFO), dirfd,
		      filter_fd(), sync[1], info[1], sealed(buf, n) };
	int at[] = { 20, 21, 22, 23, 24, 25, 26, 27 };
	struct sw_run r;
	/* As flatpak: the options through --args, the command after them. */
	run_fds(as, L(as_bwrap, "--args", "27", "--", "/bin/sh", "-c",
		      "cat /etc/passwd /etc/group /.flatpak-info /app/app-data; "
		      "stat -c %a /.flatpak-info; grep Seccomp: /proc/self/status; "
		      "grep -c 'POSIX *ADVISORY *READ' /proc/locks; "
		      "unshare -U true 2>/dev/null && echo userns-yes || echo userns-no; "
		      "ls /proc/self/fd | tr '\\n' ' '; echo"), fds, at, 8, &r);
	for (int i = 0; i < 8; i++)
		if (fds[i] != sync[1] && fds[i] != info[1])
			close(fds[i]);
	close(sync[1]);
	close(info[1]);
	if (r.code != 0)
		fail_msg("status %d, stderr: %s", r.code, r.err);
	/* Data and files arrive; the filter is on; the lock is held; no
	 * user namespace can be made; the fd options' fds are gone. */
	assert_string_equal(r.out, PASSWD GROUP INFO "appdata\n600\n"
			    "Seccomp:\t2\n1\nuserns-no\n0 1 2 3 \n");
	char got[512] = "";
	ssize_t k = read(info[0], got, sizeof got - 1);
	assert_true(k > 0);
	assert_non_null(strstr(got, "\"child-pid\": "));
	/* The jail held --sync-fd until it ended: now every end is closed. */
	assert_int_equal(read(sync[0], got, 1), 0);
	close(sync[0]);
	close(info[0]);
	sw_run_free(&r);
	sw_rmtree(dir);
	free(dir);
}

/* What bubblewrap 0.8 also has of that launch, around the parity probe:
 * real bwrap and swrap as bwrap must report the same. */
static void test_flatpak_probe_parity(void **state)
{
	enum sw_as as = SW_AS(state);
	if (access("/usr/bin/bwrap", X_OK) < 0)
		skip();
	const char *probe = sw_parity_probe();
	char *text[2];
	for (int who = 0; who < 2; who++) {
		const char *words[] = {
			"--unshare-pid", "--unshare-ipc", "--unshare-uts",
			"--die-with-parent", "--ro-bind", probe, "/probe",
			"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
			"--ro-bind-data", "20", "/etc/passwd",
			"--ro-bind-data", "21", "/etc/group",
			"--file", "22", "/.flatpak-info",
			"--lock-file", "/.flatpak-info", "--seccomp", "24",
			"--sync-fd", "25", "--info-fd", "26", NULL,
		};
		char buf[4096];
		size_t n = nul_join(words, buf, sizeof buf);
		int sync[2], info[2];
		assert_int_equal(pipe2(sync, O_CLOEXEC), 0);
		assert_int_equal(pipe2(info, O_CLOEXEC), 0);
		int fds[] = { text_fd(PASSWD), text_fd(GROUP), text_fd(INFO),
			      filter_fd(), sync[1], info[1], sealed(buf, n) };
		int at[] = { 20, 21, 22, 24, 25, 26, 27 };
		struct sw_run r;
		run_fds(as, L(who ? as_bwrap : "/usr/bin/bwrap", "--args", "27",
			      "--", "/probe"), fds, at, 7, &r);
		for (int i = 0; i < 7; i++)
			close(fds[i]);
		close(sync[0]);
		close(info[0]);
		if (r.code != 0)
			fail_msg("%s: status %d, stderr: %s", who ? "swrap" : "bwrap",
				 r.code, r.err);
		/* bubblewrap's data files have random names. */
		for (char *p = r.out; (p = strstr(p, "root=/bindfile")); p += 20)
			memcpy(p + 14, "XXXXXX", 6);
		text[who] = r.out;
		free(r.err);
	}
	if (strcmp(text[0], text[1])) {
		char cmd[256], a[] = "/tmp/swdropin-a.XXXXXX", b[] = "/tmp/swdropin-b.XXXXXX";
		int fa = mkstemp(a), fb = mkstemp(b);
		assert_true(fa >= 0 && fb >= 0);
		close(fa);
		close(fb);
		sw_write_file(a, text[0], 0644);
		sw_write_file(b, text[1], 0644);
		snprintf(cmd, sizeof cmd, "diff -u --label bwrap --label swrap-as-bwrap %s %s", a, b);
		fflush(stdout);
		if (system(cmd) < 0)
			print_message("(no diff)\n");
		unlink(a);
		unlink(b);
		fail_msg("the probe saw different jails");
	}
	free(text[0]);
	free(text[1]);
}

/* A script run by sh as `as`, with SWRAP set; returns its run. */
static void script(enum sw_as as, const char *body, struct sw_run *r)
{
	char *dir = sw_tmpdir(as), path[PATH_MAX], env[PATH_MAX + 16], wd[PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/t.sh", dir);
	sw_write_file(path, body, 0755);
	snprintf(env, sizeof env, "SWRAP=%s", sw_swrap());
	snprintf(wd, sizeof wd, "WD=%s", dir);
	sw_run_env(as, L(env, wd), r, L("/bin/sh", "-e", path));
	sw_rmtree(dir);
	free(dir);
}

/* --userns and --pidns: a second jail joins the first one's. */
static void test_join_namespaces(void **state)
{
	static const char body[] =
		"set +e\n"
		"cd \"$WD\"\n"
		"RUN=\"$SWRAP --bind / /\"\n"
		"mkfifo done\n"
		"$RUN --info-fd 8 --unshare-user --unshare-pid sh -c "
		"'readlink /proc/self/ns/user > u1; readlink /proc/self/ns/pid > p1; "
		"cat < done' > /dev/null 8> info.json &\n"
		"n=0; while ! test -s p1; do sleep 0.1; n=$((n+1)); test $n -lt 100; done\n"
		"P=$(sed -n 's/.*\"child-pid\": \\([0-9]*\\).*/\\1/p' info.json)\n"
		"$RUN --userns 6 readlink /proc/self/ns/user > u2 6< /proc/$P/ns/user\n"
		"$RUN --userns 6 --pidns 7 readlink /proc/self/ns/pid > p2 "
		"6< /proc/$P/ns/user 7< /proc/$P/ns/pid\n"
		"$RUN --userns 6 --pidns 7 --unshare-pid readlink /proc/self/ns/pid > p3 "
		"6< /proc/$P/ns/user 7< /proc/$P/ns/pid\n"
		"echo go > done\n"
		"wait\n"
		"cmp u1 u2 && cmp p1 p2 && ! cmp -s p1 p3 && echo joined\n";
	struct sw_run r;
	script(SW_AS(state), body, &r);
	if (r.code != 0 || strcmp(r.out, "joined\n"))
		fail_msg("status %d, stdout \"%s\", stderr: %s", r.code, r.out, r.err);
	sw_run_free(&r);
}

/* --userns of something that is not a user namespace: one clear line. */
static void test_join_refused(void **state)
{
	struct sw_run r;
	script(SW_AS(state), "$SWRAP --bind / / --userns 6 true 6< /dev/null\n", &r);
	assert_int_not_equal(r.code, 0);
	assert_non_null(strstr(r.err, "swrap: Joining the specified user namespace failed"));
	sw_run_free(&r);
}

/* Overlays: layering, writes landing in the upper directory, the tmpfs
 * and read-only forms. */
static void test_overlays(void **state)
{
	enum sw_as as = SW_AS(state);
	static const char probe[] =
		"cd \"$WD\"\nmkdir l u w m\n"
		"unshare -rm mount -t overlay -o lowerdir=l,upperdir=u,workdir=w,"
		"userxattr overlay m\n";
	struct sw_run r;
	script(as, probe, &r);
	bool can = r.code == 0;
	sw_run_free(&r);
	if (!can)
		skip(); /* no unprivileged overlayfs on this kernel */
	static const char body[] =
		"cd \"$WD\"\n"
		"RUN=\"$SWRAP --bind / / --tmpfs /tmp\"\n"
		"mkdir l1 l2 up wk\n"
		"printf 1 > l1/a; printf 2 > l1/b; printf 3 > l2/b; printf 4 > up/a\n"
		"$RUN --overlay-src l1 --overlay-src l2 --overlay up wk /tmp/x/y "
		"sh -c 'cat /tmp/x/y/a /tmp/x/y/b; printf 5 > /tmp/x/y/b'\n"
		"cat up/b l2/b\n"
		"$RUN --overlay-src l1 --tmp-overlay /tmp/t sh -c "
		"'cat /tmp/t/b; printf 6 > /tmp/t/a; cat /tmp/t/a'\n"
		"cat l1/a\n"
		"$RUN --overlay-src l1 --overlay-src l2 --ro-overlay /tmp/r sh -c "
		"'cat /tmp/r/b; printf 7 > /tmp/r/b 2>/dev/null || echo ro'\n";
	script(as, body, &r);
	if (r.code != 0 || strcmp(r.out, "4353" "26" "1" "3ro\n"))
		fail_msg("status %d, stdout \"%s\", stderr: %s", r.code, r.out, r.err);
	sw_run_free(&r);
}

/* The personality: bubblewrap's fds, exit status, words and capabilities;
 * swrap's own differ (README). */
static void test_personality(void **state)
{
	enum sw_as as = SW_AS(state);
	static const char body[] =
		"RUN=\"--bind / / --tmpfs /tmp\"\n"
		"B=\"$(dirname \"$SWRAP\")/bwrap\"\n"
		"ln -s \"$SWRAP\" \"$WD/bwrap\"\n"
		"$WD/bwrap $RUN sh -c 'test -e /proc/self/fd/9 && echo fd9' 9</dev/null\n"
		"$SWRAP $RUN sh -c 'test -e /proc/self/fd/9 || echo nofd9' 9</dev/null\n"
		"$SWRAP --compat=bwrap $RUN sh -c 'test -e /proc/self/fd/9 && echo fd9' 9</dev/null\n"
		"$WD/bwrap $RUN /nonexistent 2>&1 || echo \"status $?\"\n"
		"$SWRAP $RUN /nonexistent 2>&1 || echo \"status $?\"\n"
		"$WD/bwrap --level-prefix $RUN --chdir / --chdir / /nonexistent 2>&1 || true\n"
		"$WD/bwrap $RUN sh -c 'grep CapEff /proc/self/status'\n"
		"$SWRAP $RUN sh -c 'grep CapEff /proc/self/status'\n";
	struct sw_run r;
	script(as, body, &r);
	char want[1024];
	snprintf(want, sizeof want,
		 "fd9\nnofd9\nfd9\n"
		 "bwrap: execvp /nonexistent: No such file or directory\nstatus 1\n"
		 "swrap: execvp /nonexistent: No such file or directory\nstatus 127\n"
		 "<4>bwrap: Only the last --chdir option will take effect\n"
		 "<3>bwrap: execvp /nonexistent: No such file or directory\n"
		 "CapEff:\t%s\nCapEff:\t0000000000000000\n",
		 as == SW_AS_ROOT ? "" : "0000000000000000");
	if (as == SW_AS_ROOT) {
		/* bwrap keeps root's own effective set; swrap gives none. */
		char *status = sw_slurp("/proc/self/status");
		char *eff = strstr(status, "CapEff:\t");
		assert_non_null(eff);
		char mine[17];
		memcpy(mine, eff + 8, 16);
		mine[16] = 0;
		snprintf(want, sizeof want,
			 "fd9\nnofd9\nfd9\n"
			 "bwrap: execvp /nonexistent: No such file or directory\nstatus 1\n"
			 "swrap: execvp /nonexistent: No such file or directory\nstatus 127\n"
			 "<4>bwrap: Only the last --chdir option will take effect\n"
			 "<3>bwrap: execvp /nonexistent: No such file or directory\n"
			 "CapEff:\t%s\nCapEff:\t0000000000000000\n", mine);
		free(status);
	}
	if (r.code != 0 || strcmp(r.out, want))
		fail_msg("status %d, stdout:\n%s\nwant:\n%s\nstderr: %s", r.code,
			 r.out, want, r.err);
	sw_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_flatpak_shaped),
		SW_BOTH(test_flatpak_probe_parity),
		SW_BOTH(test_join_namespaces),
		SW_BOTH(test_join_refused),
		SW_BOTH(test_overlays),
		SW_BOTH(test_personality),
	};
	return cmocka_run_group_tests(tests, make_link, remove_link);
}
