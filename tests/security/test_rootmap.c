/* test_rootmap.c — issue 20, hole 4: a root launcher's jail is not the
 * host's root unless asked. For a root caller the jail's map is "0 0 1":
 * with no capability at all, uid 0 inside is the host's uid 0 to every
 * file, cgroup file and peer that checks ids. The hostile program is
 * tests/helpers/atk_rootmap ("NAME: RESULT" lines, see its header).
 *
 *   1. the shim profile's command makes no user namespace (--disable-userns
 *      by default; sw_shim_opts.allow_userns gives it back)
 *   2. ... so it can't mount a cgroupfs of its own and write a sibling
 *      cgroup's root-owned cgroup.freeze, cgroup.kill (cgroup2) or
 *      freezer.state (v1). With the opt-out and --host-uid the namespace
 *      is made but the writes are refused. The cgroups are the test's own,
 *      with a process of the test's in them: nothing else is touched.
 *   3. --host-uid/--host-gid: the kernel ids of the jail's PID 1 and of its
 *      command, read from the launcher (also nested: --disable-userns, and
 *      --dev with another uid inside), and no supplementary group
 *   4. ... a root-owned host file bound read-write into the jail can't be
 *      opened for writing (nor a root-group one: root's group is dropped)
 *   5. ... a host daemon on an abstract socket sees the uid, not 0
 *   6. --host-uid refused for an unprivileged launcher and for uid 0
 *
 * Root only where the launcher must be root (3-5); SW_BOTH elsewhere.
 */
#include "harness.h"
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swrap.h"

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MAXARGS 48
#define HOST_UID 4243
#define HOST_GID 4244

static const char *helper(void)
{
	static char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", sw_helper("atk_rootmap"));
	return p;
}

/* ---- running the jail --------------------------------------------------- */

/* swrap --profile shim OPTS -- atk_rootmap CMD...: exit code, *out is
 * stdout then stderr. */
static int cli(enum sw_as as, const char *const *opts, const char *const *cmd,
	       char **out)
{
	const char *v[MAXARGS];
	size_t n = 0;
	v[n++] = sw_swrap();
	v[n++] = "--profile";
	v[n++] = "shim";
	for (; opts && *opts; opts++)
		v[n++] = *opts;
	v[n++] = "--";
	v[n++] = helper();
	for (; cmd && *cmd; cmd++) {
		assert_true(n < MAXARGS - 1);
		v[n++] = *cmd;
	}
	v[n] = NULL;
	struct sw_run r;
	sw_run(as, &r, v);
	if (asprintf(out, "%s%s", r.out, r.err) < 0)
		fail_msg("out of memory");
	int code = r.code;
	sw_run_free(&r);
	return code;
}

/* The shim profile through the library, in a forked launcher (as): what
 * sw_shim_opts says that the command line can't. */
static int lib(enum sw_as as, bool allow_userns, bool host_ids,
	       const char *const *cmd, char **out)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(125);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		size_t n = 0;
		while (cmd[n])
			n++;
		struct sw_shim_opts o = { .shim = helper(), .args = cmd, .argc = n,
					  .allow_userns = allow_userns,
					  .host_uid = host_ids ? HOST_UID : 0,
					  .host_gid = host_ids ? HOST_GID : 0 };
		sw_spec *s = sw_spec_new();
		sw_child *c = NULL;
		sw_error err = { 0 };
		int code = 1;
		if (s && sw_spec_profile_shim(s, &o, &err) == 0 && sw_spawn(s, &c, &err) == 0 &&
		    sw_child_wait(c, &code, &err) == 0) {
			sw_child_free(c);
			_exit(code);
		}
		fprintf(stderr, "library: %s\n", err.msg);
		_exit(1);
	}
	close(p[1]);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t got;
	while ((got = read(p[0], buf + len, cap - len - 1)) > 0)
		if ((len += (size_t)got) + 1 == cap)
			buf = realloc(buf, cap *= 2);
	buf[len] = 0;
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The RESULT of line "NAME: RESULT" in out (a static copy), or NULL. */
static const char *field(const char *out, const char *name)
{
	static char b[256];
	char key[128];
	snprintf(key, sizeof key, "%s: ", name);
	for (const char *p = out; (p = strstr(p, key)); p++) {
		if (p != out && p[-1] != '\n')
			continue;
		p += strlen(key);
		snprintf(b, sizeof b, "%.*s", (int)strcspn(p, "\r\n"), p);
		return b;
	}
	return NULL;
}

static void expect(const char *out, const char *name, const char *want)
{
	const char *r = field(out, name);
	if (!r || strcmp(r, want) != 0)
		fail_msg("'%s': got %s, want %s:\n%s", name, r ? r : "(no line)", want, out);
}

/* The step must have failed, or never been reached. */
static void refused(const char *out, const char *name)
{
	const char *r = field(out, name);
	if (r && strcmp(r, "ok") == 0)
		fail_msg("attack step '%s' succeeded:\n%s", name, out);
}

/* ---- 1. no nested user namespace ---------------------------------------- */

static void test_nested_userns(void **state)
{
	enum sw_as as = SW_AS(state);
	char *out;
	assert_int_equal(cli(as, NULL, L("userns"), &out), 0);
	refused(out, "userns");
	free(out);
	/* the library: the same by default, the opt-out gives it back */
	assert_int_equal(lib(as, false, false, L("userns"), &out), 0);
	refused(out, "userns");
	free(out);
	assert_int_equal(lib(as, true, false, L("userns"), &out), 0);
	expect(out, "userns", "ok");
	free(out);
}

/* ---- 2. a sibling cgroup's root-owned files ------------------------------ */

/* A cgroup of the test's own below its own cgroup (cgroup2, and the v1
 * freezer where there is one), holding a process of the test's. */
struct victim {
	char name[64];
	char v2[PATH_MAX], v1[PATH_MAX]; /* "" when none */
	pid_t pid;
};

/* Where fstype (with option opt in its super options, or NULL) is mounted. */
static bool mount_of(const char *fstype, const char *opt, char *mnt, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	assert_non_null(f);
	char line[4096], mp[PATH_MAX], type[64], super[1024];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", type, super) != 2)
			continue;
		if (strcmp(type, fstype) != 0)
			continue;
		if (opt) {
			char *t, *save = NULL;
			bool has = false;
			for (t = strtok_r(super, ",", &save); t; t = strtok_r(NULL, ",", &save))
				has = has || strcmp(t, opt) == 0;
			if (!has)
				continue;
		}
		found = snprintf(mnt, n, "%s", mp) < (int)n;
	}
	fclose(f);
	return found;
}

/* This process's cgroup in the hierarchy whose /proc/self/cgroup line
 * starts with prefix ("0::" or a v1 "N:freezer:"), or false. */
static bool own_cgroup(const char *ctl, char *path, size_t n)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	assert_non_null(f);
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = 0;
		if (strcmp(a + 1, ctl) != 0)
			continue;
		b[1 + strcspn(b + 1, "\n")] = 0;
		found = snprintf(path, n, "%s", b + 1) < (int)n;
	}
	fclose(f);
	return found;
}

static void write_to(const char *dir, const char *file, const char *value)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		fail_msg("write %s to %s: %s", value, p, strerror(errno));
	close(fd);
}

static char *read_from(const char *dir, const char *file)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	char *s = sw_slurp(p);
	if (!s)
		fail_msg("read %s: %s", p, strerror(errno));
	s[strcspn(s, "\n")] = 0;
	return s;
}

/* dir for the hierarchy of fstype/opt/ctl, "" when this host has none. */
static void victim_dir(const char *fstype, const char *opt, const char *ctl,
		       const char *name, char *dir, size_t n)
{
	char mnt[PATH_MAX], own[PATH_MAX];
	dir[0] = 0;
	if (!mount_of(fstype, opt, mnt, sizeof mnt) || !own_cgroup(ctl, own, sizeof own))
		return;
	if (snprintf(dir, n, "%s%s/%s", mnt, strcmp(own, "/") ? own : "", name) >= (int)n)
		fail_msg("cgroup path too long under %s", mnt);
	if (mkdir(dir, 0755) < 0)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
}

static void victim_start(struct victim *v)
{
	char pid[24];
	memset(v, 0, sizeof *v);
	snprintf(v->name, sizeof v->name, "swrap-rootmap-%d", (int)getpid());
	victim_dir("cgroup2", NULL, "", v->name, v->v2, sizeof v->v2);
	victim_dir("cgroup", "freezer", "freezer", v->name, v->v1, sizeof v->v1);
	assert_true(v->v2[0] != 0);
	v->pid = fork();
	assert_true(v->pid >= 0);
	if (v->pid == 0)
		for (;;)
			pause();
	snprintf(pid, sizeof pid, "%d", (int)v->pid);
	write_to(v->v2, "cgroup.procs", pid);
	if (v->v1[0])
		write_to(v->v1, "cgroup.procs", pid);
}

/* Thawed, killed, reaped, its cgroups removed: whatever the jail did. */
static void victim_stop(struct victim *v)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof p, "%s/cgroup.freeze", v->v2);
	if (access(p, F_OK) == 0)
		write_to(v->v2, "cgroup.freeze", "0");
	if (v->v1[0])
		write_to(v->v1, "freezer.state", "THAWED");
	kill(v->pid, SIGKILL);
	while (waitpid(v->pid, NULL, 0) < 0 && errno == EINTR)
		;
	const char *dirs[] = { v->v2, v->v1 };
	for (int i = 0; i < 2; i++)
		if (dirs[i][0] && rmdir(dirs[i]) < 0)
			fail_msg("rmdir %s: %s", dirs[i], strerror(errno));
}

/* What the victim's cgroups say now: "0" and "THAWED" as the test left
 * them (the v1 one "THAWED" also where there is none). */
static void states(const struct victim *v, char **v2, char **v1)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof p, "%s/cgroup.freeze", v->v2);
	*v2 = access(p, F_OK) == 0 ? read_from(v->v2, "cgroup.freeze") : strdup("0");
	*v1 = v->v1[0] ? read_from(v->v1, "freezer.state") : strdup("THAWED");
}

static void no_cgroup_write(const char *out)
{
	refused(out, "cg2-freeze");
	refused(out, "cg2-kill");
	refused(out, "freezer-state");
}

static void test_cgroup_write(void **state)
{
	enum sw_as as = SW_AS(state);
	struct victim v;
	victim_start(&v);
	char *outs[3] = { NULL };
	int codes[3];
	const char *const cmd[] = { "cg2", v.name, "+", "freezer", v.name, NULL };
	/* the shim profile as it is: no namespace to mount a cgroupfs from */
	codes[0] = cli(as, NULL, cmd, &outs[0]);
	/* the opt-out: the namespace and the mount, but not the files,
	 * which belong to the host's root (or to root's group) */
	int n = 1;
	if (as == SW_AS_ROOT) {
		codes[n] = cli(as, L("--host-uid", "4243", "--host-gid", "4244"), cmd, &outs[n]);
		n++;
	}
	codes[n] = lib(as, true, as == SW_AS_ROOT, cmd, &outs[n]);
	n++;
	/* checked before cleanup, asserted after it (nothing must leak) */
	char *msg = NULL;
	for (int i = 0; i < n && !msg; i++) {
		const char *o = outs[i];
		const char *r[] = { field(o, "cg2-freeze"), field(o, "cg2-kill"),
				    field(o, "freezer-state") };
		for (int k = 0; k < 3 && !msg; k++)
			if (r[k] && strcmp(r[k], "ok") == 0 && asprintf(&msg, "run %d: %s", i, o) < 0)
				msg = NULL;
	}
	char *v2, *v1;
	states(&v, &v2, &v1);
	bool alive = sw_alive(v.pid);
	victim_stop(&v);
	if (msg)
		fail_msg("a sibling cgroup was written: %s", msg);
	assert_string_equal(v2, "0");
	assert_string_equal(v1, "THAWED");
	assert_true(alive);
	free(v2);
	free(v1);
	for (int i = 0; i < n; i++) {
		if (codes[i] != 0)
			fail_msg("run %d: exit %d:\n%s", i, codes[i], outs[i]);
		no_cgroup_write(outs[i]);
		if (i < n - 1)
			refused(outs[i], "cg2-unshare");
		else
			expect(outs[i], "cg2-unshare", "ok");
		free(outs[i]);
	}
}

/* ---- 3. the kernel ids of the jail ---------------------------------------- */

/* "Uid:" (or "Gid:") of /proc/PID/status is want four times; "Groups:"
 * is empty. */
static int ids_are(pid_t pid, unsigned uid, unsigned gid)
{
	char p[64], want[128];
	snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
	char *st = sw_slurp(p);
	CHECK(st, "read %s: %s", p, strerror(errno));
	snprintf(want, sizeof want, "\nUid:\t%u\t%u\t%u\t%u\n", uid, uid, uid, uid);
	int bad = !strstr(st, want);
	snprintf(want, sizeof want, "\nGid:\t%u\t%u\t%u\t%u\n", gid, gid, gid, gid);
	bad |= !strstr(st, want);
	const char *g = strstr(st, "\nGroups:");
	bad |= !g;
	for (g = g ? g + 8 : ""; *g && *g != '\n'; g++)
		bad |= *g != ' ' && *g != '\t';
	if (bad)
		fprintf(stderr, "pid %d, want uid %u gid %u and no group:\n%s", (int)pid, uid,
			gid, st);
	free(st);
	return bad;
}

/* The command blocks on stdin (a pipe of ours) while the launcher looks at
 * the jail's PID 1 and command from the host; then it ends. */
static int look_at(sw_spec *s)
{
	int p[2];
	CHECK(s && pipe2(p, O_CLOEXEC) == 0, "spec or pipe");
	CHECK(p[0] == 0 ? fcntl(0, F_SETFD, 0) == 0 :
	      dup2(p[0], 0) == 0 && close(p[0]) == 0, "dup2");
	sw_child *c;
	sw_error err = { 0 };
	CHECK(sw_spawn(s, &c, &err) == 0, "sw_spawn: %s", err.msg);
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(nul > 0 && dup2(nul, 0) == 0 && close(nul) == 0, "/dev/null");
	int bad = ids_are(sw_child_pid(c), HOST_UID, HOST_GID);
	CHECK(sw_child_command_pid(c) > 0, "no command pid");
	bad |= ids_are(sw_child_command_pid(c), HOST_UID, HOST_GID);
	char map[64];
	snprintf(map, sizeof map, "/proc/%d/uid_map", (int)sw_child_pid(c));
	char *m = sw_slurp(map);
	unsigned in = 1, out = 0, n = 0;
	CHECK(m && sscanf(m, "%u %u %u", &in, &out, &n) == 3, "read %s", map);
	CHECK(out == HOST_UID && n == 1, "%s: %s", map, m);
	free(m);
	close(p[1]);
	int code = -1;
	CHECK(sw_child_wait(c, &code, &err) == 0, "wait: %s", err.msg);
	sw_child_free(c);
	sw_spec_free(s);
	CHECK(code == 0 && !bad, "exit %d, ids %s", code, bad ? "wrong" : "right");
	return 0;
}

static sw_spec *shim_spec(bool allow_userns)
{
	const char *const args[] = { "block" };
	struct sw_shim_opts o = { .shim = helper(), .args = args, .argc = 1,
				  .allow_userns = allow_userns,
				  .host_uid = HOST_UID, .host_gid = HOST_GID };
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	if (s && sw_spec_profile_shim(s, &o, &err) < 0) {
		fprintf(stderr, "profile: %s\n", err.msg);
		sw_spec_free(s);
		return NULL;
	}
	return s;
}

/* The shim profile: nested (--disable-userns), then not (the opt-out). */
static int ids_shim(void)
{
	return look_at(shim_spec(false)) || look_at(shim_spec(true));
}

/* --dev and another uid inside: the command's namespace is nested in one
 * whose 0 (the devpts owner) is HOST_UID. */
static int ids_dev_nested(void)
{
	char cmd[PATH_MAX];
	snprintf(cmd, sizeof cmd, "/h/%s", strrchr(helper(), '/') + 1);
	const char *const argv[] = { cmd, "block" };
	sw_spec *s = sw_mini_spec(argv, 2, true, false);
	sw_error err = { 0 };
	CHECK(s && sw_spec_mount(s, SW_FS_DEV, "/dev", &err) == 0, "--dev: %s", err.msg);
	sw_spec_uid(s, 1000);
	sw_spec_gid(s, 1000);
	CHECK(sw_spec_host_ids(s, HOST_UID, HOST_GID, &err) == 0, "host ids: %s", err.msg);
	return look_at(s);
}

static void test_kernel_ids(void **state)
{
	(void)state;
	assert_int_equal(sw_in_launcher(SW_AS_ROOT, ids_shim), 0);
	assert_int_equal(sw_in_launcher(SW_AS_ROOT, ids_dev_nested), 0);
	assert_true(sw_children_gone());
}

/* ---- 4. a root-owned host file bound read-write ----------------------- */

static void test_root_files(void **state)
{
	(void)state;
	char *dir = sw_tmpdir(SW_AS_ROOT), f[PATH_MAX + 16], vol[PATH_MAX + 16];
	const struct { const char *name; mode_t mode; uid_t uid; gid_t gid; } files[] = {
		{ "owned", 0644, 0, 0 },       /* the host root's */
		{ "group", 0664, 0, 0 },       /* root's group may write */
		{ "mine", 0644, HOST_UID, 0 }, /* the jail's own: the control */
	};
	for (size_t i = 0; i < 3; i++) {
		snprintf(f, sizeof f, "%s/%s", dir, files[i].name);
		sw_write_file(f, "host\n", files[i].mode);
		assert_int_equal(chown(f, files[i].uid, files[i].gid), 0);
		assert_int_equal(chmod(f, files[i].mode), 0);
	}
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(vol, sizeof vol, "%s:/data", dir);
	char *out;
	int code = cli(SW_AS_ROOT, L("--host-uid", "4243", "--host-gid", "4244", "--volume", vol),
		       L("write", "/data/owned", "+", "write", "/data/group", "+",
			 "write", "/data/mine"), &out);
	for (size_t i = 0; i < 2; i++) {
		snprintf(f, sizeof f, "%s/%s", dir, files[i].name);
		char *s = sw_slurp(f);
		assert_non_null(s);
		assert_string_equal(s, "host\n");
		free(s);
	}
	sw_rmtree(dir);
	free(dir);
	if (code != 0)
		fail_msg("exit %d:\n%s", code, out);
	expect(out, "write /data/owned", "EACCES");
	expect(out, "write /data/group", "EACCES");
	expect(out, "write /data/mine", "ok");
	free(out);
}

/* ---- 5. peer credentials on a host abstract socket ---------------------- */

/* The uid a host daemon listening on "\0NAME" sees for the jail's
 * command; -1 when it did not connect. */
static long peer_uid(const char *const *opts, gid_t *gid, char **out)
{
	char name[64];
	snprintf(name, sizeof name, "swrap-rootmap-%d", (int)getpid());
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, len), 0);
	assert_int_equal(listen(l, 4), 0);
	/* the connection waits in the backlog: it is accepted after the jail */
	int code = cli(SW_AS_ROOT, opts, L("connect", name), out);
	fcntl(l, F_SETFL, O_NONBLOCK);
	int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	close(l);
	if (code != 0 || c < 0) {
		if (c >= 0)
			close(c);
		fail_msg("exit %d, accept %d:\n%s", code, c, *out);
	}
	struct ucred cr;
	socklen_t n = sizeof cr;
	assert_int_equal(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &n), 0);
	close(c);
	*gid = cr.gid;
	return (long)cr.uid;
}

static void test_peer_credentials(void **state)
{
	(void)state;
	gid_t gid;
	char *out;
	long uid = peer_uid(L("--host-uid", "4243", "--host-gid", "4244"), &gid, &out);
	expect(out, "connect", "ok");
	assert_int_equal(uid, HOST_UID);
	assert_int_equal(gid, HOST_GID);
	free(out);
	/* Without them, what README's "Security" warns about. */
	uid = peer_uid(NULL, &gid, &out);
	print_message("without --host-uid, the host sees uid %ld gid %u\n", uid,
		      (unsigned)gid);
	free(out);
}

/* ---- 6. refusals ------------------------------------------------------------ */

static void test_host_ids_refused(void **state)
{
	enum sw_as as = SW_AS(state);
	char *out;
	int code = cli(as, L("--host-uid", "4243", "--host-gid", "4244"), L("userns"), &out);
	if (as == SW_AS_USER) {
		assert_int_equal(code, 1);
		assert_non_null(strstr(out, "swrap: --host-uid 4243: only a root launcher"));
	} else {
		assert_int_equal(code, 0);
	}
	free(out);
	code = cli(as, L("--host-uid", "0", "--host-gid", "4244"), L("userns"), &out);
	assert_int_equal(code, 1);
	assert_non_null(strstr(out, "swrap: --host-uid 0: that is the host's root"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_nested_userns),
		SW_BOTH(test_cgroup_write),
		cmocka_unit_test(test_kernel_ids),
		cmocka_unit_test(test_root_files),
		cmocka_unit_test(test_peer_credentials),
		SW_BOTH(test_host_ids_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
