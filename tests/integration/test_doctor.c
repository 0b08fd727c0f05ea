/* test_doctor.c — issue 7: `swrap doctor` on this machine (as root and as
 * an unprivileged uid), with /dev/kvm really hidden (a private mount
 * namespace with an empty /dev), and with user namespaces really made
 * impossible (a user namespace whose max_user_namespaces is 0, the doctor
 * running there as an unprivileged uid). */
#include "harness.h"

#include <swrap.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const checks[] = {
	"userns.max", "userns.unprivileged_clone", "userns.apparmor", "userns",
	"mountns", "clone3", "mount_api", "cgroup.v2", "cgroup.v1",
	"cgroup.delegation", "kvm", "tun", "seccomp", "landlock",
};
#define N_CHECKS (sizeof checks / sizeof checks[0])

/* The line of check name ("STATUS  name  detail"), or NULL. */
static const char *line_of(const char *out, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		if (strlen(l) > 6 + n && !strncmp(l + 6, name, n) && l[6 + n] == ' ')
			return l;
	}
	return NULL;
}

static void assert_status(const char *out, const char *name, const char *st)
{
	const char *l = line_of(out, name);
	if (!l)
		fail_msg("no line for check %s in:\n%s", name, out);
	if (strncmp(l, st, 4))
		fail_msg("check %s is not %s:\n%s", name, st, out);
}

static void assert_has(const char *s, const char *sub)
{
	if (!strstr(s, sub))
		fail_msg("'%s' not in:\n%s", sub, s);
}

/* ---- this machine ------------------------------------------------------ */

static bool hybrid_cgroups(void)
{
	char buf[16384];
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = 0;
	return strstr(buf, " - cgroup cgroup ") && strstr(buf, ",memory");
}

/* May `as` read and write path? */
static bool can_rw(enum sw_as as, const char *path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (as == SW_AS_USER)
			sw_drop_privileges();
		_exit(access(path, R_OK | W_OK) == 0 ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void test_doctor_here(void **state)
{
	struct sw_run r;
	SW_SWRAP(SW_AS(state), &r, "doctor");
	assert_int_equal(r.code, 0);
	for (size_t i = 0; i < N_CHECKS; i++)
		assert_non_null(line_of(r.out, checks[i]));
	assert_status(r.out, "userns", "PASS");
	assert_status(r.out, "mountns", "PASS");
	assert_status(r.out, "clone3", "PASS");
	/* Devices are never fatal: PASS when usable, WARN when not. */
	bool kvm = can_rw(SW_AS(state), "/dev/kvm");
	assert_status(r.out, "kvm", kvm ? "PASS" : "WARN");
	if (!kvm)
		assert_has(line_of(r.out, "kvm"), "/dev/kvm: ");
	if (hybrid_cgroups()) {
		assert_status(r.out, "cgroup.v2", "WARN");
		assert_has(line_of(r.out, "cgroup.v2"), "missing: memory, pids, cpu");
		assert_status(r.out, "cgroup.v1", "PASS");
		assert_has(line_of(r.out, "cgroup.v1"), "v1 fallback in use: memory at ");
	}
	/* The cgroup check tries for real: root can always make a jail
	 * cgroup; the test uid only where its cgroup is delegated (in the
	 * VM suite's scope, not on a plain host), and the verdict says so. */
	const char *cg = line_of(r.out, "cgroup.delegation");
	if (SW_AS(state) == SW_AS_ROOT)
		assert_status(r.out, "cgroup.delegation", "PASS");
	if (strncmp(cg, "FAIL", 4) == 0) {
		assert_has(r.out, "verdict: a jail can be made here, but not one with cgroup limits");
		assert_has(r.out, "Delegate=yes");
	} else {
		assert_status(r.out, "cgroup.delegation", "PASS");
		assert_true(strstr(cg, "made and removed in ") || strstr(cg, "works: "));
		assert_has(r.out, "verdict: a jail can be made here\n");
	}
	assert_string_equal(r.err, "");
	sw_run_free(&r);
}

/* Each string closed, no raw control character inside one, brackets
 * balanced; returns the number of top-level objects in the array. */
static int json_objects(const char *s)
{
	int depth = 0, objects = 0;
	bool str = false;
	assert_int_equal(s[0], '[');
	for (const char *p = s; *p; p++) {
		if (str) {
			assert_true((unsigned char)*p >= 0x20);
			if (*p == '\\')
				p++;
			else if (*p == '"')
				str = false;
			continue;
		}
		if (*p == '"')
			str = true;
		else if (*p == '{' && depth == 1)
			objects++, depth++;
		else if (*p == '[' || *p == '{')
			depth++;
		else if (*p == ']' || *p == '}')
			depth--;
	}
	assert_false(str);
	assert_int_equal(depth, 0);
	return objects;
}

static void test_doctor_json(void **state)
{
	struct sw_run r;
	char want[64];
	SW_SWRAP(SW_AS(state), &r, "doctor", "--json");
	assert_int_equal(r.code, 0);
	assert_int_equal(json_objects(r.out), (int)N_CHECKS);
	for (size_t i = 0; i < N_CHECKS; i++) {
		snprintf(want, sizeof want, "{\"name\": \"%s\", \"status\": \"", checks[i]);
		assert_has(r.out, want);
	}
	assert_null(strstr(r.out, "verdict"));
	assert_has(r.out, "\"detail\": ");
	assert_has(r.out, "\"fix\": ");
	sw_run_free(&r);
}

static void test_doctor_bad_argument(void **state)
{
	(void)state;
	struct sw_run r;
	SW_SWRAP(SW_AS_ROOT, &r, "doctor", "--yaml");
	assert_int_equal(r.code, 1);
	assert_has(r.err, "swrap: doctor: unknown argument '--yaml'");
	assert_string_equal(r.out, "");
	sw_run_free(&r);
}

/* ---- a machine changed for real ---------------------------------------- */

/* Runs `swrap doctor [arg]` in a child after setup() (which _exits(124)
 * on failure); stdout and stderr together into *out. Returns the code. */
static int doctor_in(void (*setup)(void), const char *arg, char **out)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(60); /* survives exec: a hung doctor dies */
		setup();
		dup2(p[1], 1);
		dup2(p[1], 2);
		execl(sw_swrap(), sw_swrap(), "doctor", arg, (char *)NULL);
		_exit(125);
	}
	close(p[1]);
	size_t len = 0;
	char *buf = calloc(1, 65536);
	ssize_t n;
	while ((n = read(p[0], buf + len, 65535 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void write_or_die(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror(path);
		_exit(124);
	}
	close(fd);
}

/* A user namespace where we are uid/gid 4242 (our real root outside), with
 * max_user_namespaces 0. The exec that follows, as a non-zero uid, drops
 * every capability: the doctor can neither nest a user namespace (ENOSPC)
 * nor unshare a mount namespace (EPERM). */
static void no_userns(void)
{
	char map[64];
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(124);
	write_or_die("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "%d 0 1\n", SW_TEST_UID);
	write_or_die("/proc/self/uid_map", map);
	snprintf(map, sizeof map, "%d 0 1\n", SW_TEST_GID);
	write_or_die("/proc/self/gid_map", map);
	write_or_die("/proc/sys/user/max_user_namespaces", "0");
	if (getuid() != SW_TEST_UID)
		_exit(124);
}

static void test_doctor_without_user_namespaces(void **state)
{
	(void)state;
	char *out;
	int code = doctor_in(no_userns, NULL, &out);
	assert_int_equal(code, 1);
	assert_status(out, "userns.max", "FAIL");
	assert_has(line_of(out, "userns.max"), "user.max_user_namespaces = 0");
	assert_has(out, "      fix: sysctl -w user.max_user_namespaces=15000");
	assert_status(out, "userns", "FAIL");
	assert_has(line_of(out, "userns"), strerror(ENOSPC));
	assert_status(out, "mountns", "FAIL");
	assert_has(out, "verdict: no jail can be made here");
	for (size_t i = 0; i < N_CHECKS; i++)
		assert_non_null(line_of(out, checks[i]));
	free(out);
	code = doctor_in(no_userns, "--json", &out);
	assert_int_equal(code, 1);
	assert_has(out, "{\"name\": \"userns.max\", \"status\": \"FAIL\"");
	assert_has(out, "\"fix\": \"sysctl -w user.max_user_namespaces=15000");
	free(out);
}

/* A private mount namespace whose /dev is an empty tmpfs: no /dev/kvm, no
 * /dev/net/tun. */
static void no_devices(void)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("none", "/dev", "tmpfs", 0, "mode=755") < 0)
		_exit(124);
}

static void test_doctor_kvm_absent(void **state)
{
	(void)state;
	char *out;
	int code = doctor_in(no_devices, NULL, &out);
	assert_int_equal(code, 0);
	assert_status(out, "kvm", "WARN");
	assert_has(line_of(out, "kvm"), "/dev/kvm: absent");
	assert_has(out, "fix: no KVM here");
	assert_status(out, "tun", "WARN");
	assert_has(line_of(out, "tun"), "/dev/net/tun: absent");
	assert_has(out, "verdict: a jail can be made here");
	free(out);
}

/* The same checks through the public API (swrap.h: sw_doctor_*), in the
 * same order, as the Rust crate's doctor() reads them. */
static void test_doctor_api(void **state)
{
	(void)state;
	sw_doctor *d = NULL;
	sw_error err = { 0 };
	assert_int_equal(sw_doctor_run(&d, &err), 0);
	assert_non_null(d);
	assert_int_equal(sw_doctor_count(d), N_CHECKS);
	for (size_t i = 0; i < N_CHECKS; i++) {
		struct sw_check c;
		assert_int_equal(sw_doctor_check(d, i, &c), 0);
		assert_string_equal(c.name, checks[i]);
		assert_true(c.verdict >= SW_VERDICT_PASS && c.verdict <= SW_VERDICT_FAIL);
		assert_non_null(c.detail);
		assert_non_null(c.fix);
		if (c.verdict != SW_VERDICT_PASS)
			assert_true(c.fix[0] != 0);
	}
	struct sw_check c;
	assert_int_equal(sw_doctor_check(d, N_CHECKS, &c), -ERANGE);
	assert_true(sw_doctor_jail_ok(d)); /* as the CLI says in test_doctor_here */
	sw_doctor_free(d);
	sw_doctor_free(NULL);
	assert_int_equal(sw_doctor_run(NULL, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_doctor_here),
		SW_BOTH(test_doctor_json),
		cmocka_unit_test(test_doctor_bad_argument),
		cmocka_unit_test(test_doctor_api),
		cmocka_unit_test(test_doctor_without_user_namespaces),
		cmocka_unit_test(test_doctor_kvm_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
