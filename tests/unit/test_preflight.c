/* test_preflight.c — src/ns/preflight.c against fake trees: a temp dir that
 * plays /proc/sys, /proc/self (mountinfo, cgroup), /dev and the cgroup
 * mounts, and a fake unshare probe. Plus the real probe, briefly. */
#include <errno.h>
#include <sys/syscall.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ns/preflight.h"

/* ---- the fake machine -------------------------------------------------- */

static int fake_userns_rc, fake_mntns_rc;

static int fake_probe(int flags)
{
	return (flags & CLONE_NEWUSER) ? fake_userns_rc : fake_mntns_rc;
}

/* The cgroup trial (src/cgroup/trial.c, tested in test_cgroup.c) makes real
 * cgroups; here it answers what a test set. */
static int fake_trial_rc;
static const char *fake_trial_detail, *fake_trial_fix;
static int fake_trial_calls;

static int fake_trial(char *detail, size_t dlen, char *fix, size_t flen)
{
	fake_trial_calls++;
	snprintf(detail, dlen, "%s", fake_trial_detail);
	snprintf(fix, flen, "%s", fake_trial_fix);
	return fake_trial_rc;
}

struct tree {
	char root[64];
	char sys[128], self[128], dev[128];
	struct sw_pf_opts opts;
	struct sw_pf_report rep;
};

static void put(struct tree *t, const char *rel, const char *content)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", t->root, rel);
	snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static void mkdirs(struct tree *t, const char *rel)
{
	char cmd[PATH_MAX];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", t->root, rel);
	assert_int_equal(system(cmd), 0);
}

/* This machine's shape: cgroup2 with hugetlb only, v1 memory/pids/cpu. */
static void hybrid_cgroups(struct tree *t)
{
	char mi[2048];
	snprintf(mi, sizeof mi,
		 "22 1 0:20 / / rw - ext4 /dev/vda rw\n"
		 "32 31 0:29 / %1$s/cg/cpu rw - cgroup cgroup rw,cpu\n"
		 "33 31 0:30 / %1$s/cg/cpuacct rw - cgroup cgroup rw,cpuacct\n"
		 "35 31 0:32 / %1$s/cg/memory rw - cgroup cgroup rw,memory\n"
		 "39 31 0:36 / %1$s/cg/pids rw - cgroup cgroup rw,pids\n"
		 "41 31 0:38 / %1$s/cg/unified rw - cgroup2 cgroup2 rw\n", t->root);
	put(t, "self/mountinfo", mi);
	put(t, "self/cgroup", "8:pids:/\n4:memory:/job/7\n1:cpu:/\n0::/\n");
	put(t, "cg/unified/cgroup.controllers", "hugetlb\n");
	mkdirs(t, "cg/memory/job/7");
	mkdirs(t, "cg/pids");
	mkdirs(t, "cg/cpu");
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof *t);
	assert_non_null(t);
	snprintf(t->root, sizeof t->root, "/tmp/swpf.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->sys, sizeof t->sys, "%s/sys", t->root);
	snprintf(t->self, sizeof t->self, "%s/self", t->root);
	snprintf(t->dev, sizeof t->dev, "%s/dev", t->root);
	put(t, "sys/user/max_user_namespaces", "15000\n");
	put(t, "dev/kvm", "");
	put(t, "dev/net/tun", "");
	hybrid_cgroups(t);
	t->opts = (struct sw_pf_opts){ .proc_sys = t->sys, .proc_self = t->self,
				       .dev = t->dev, .exe = "/opt/vm/bin/launcher",
				       .probe = fake_probe, .cgroup_trial = fake_trial };
	fake_trial_rc = 0;
	fake_trial_detail = "a jail cgroup with memory, pids and cpu limits was made and removed in /cg/swrap";
	fake_trial_fix = "";
	fake_trial_calls = 0;
	fake_userns_rc = 0;
	fake_mntns_rc = -EPERM;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static const struct sw_pf_check *get(struct tree *t, const char *name)
{
	for (size_t i = 0; i < t->rep.n; i++)
		if (!strcmp(t->rep.checks[i].name, name))
			return &t->rep.checks[i];
	static struct sw_pf_check none; /* not reached: fail_msg jumps out */
	fail_msg("no check named %s", name);
	return &none;
}

/* Runs every check, then returns the one named. */
static const struct sw_pf_check *run_get(struct tree *t, const char *name)
{
	sw_preflight_run(&t->opts, &t->rep);
	return get(t, name);
}

#define assert_contains(s, sub)                                              \
	do {                                                                 \
		if (!strstr((s), (sub)))                                     \
			fail_msg("'%s' does not contain '%s'", (s), (sub)); \
	} while (0)

/* ---- user namespaces --------------------------------------------------- */

static void test_all_checks_in_order(void **state)
{
	static const char *const names[] = {
		"userns.max", "userns.unprivileged_clone", "userns.apparmor",
		"userns", "mountns", "clone3", "mount_api", "cgroup.v2",
		"cgroup.v1", "cgroup.delegation", "kvm", "tun", "seccomp",
		"landlock",
	};
	struct tree *t = *state;
	sw_preflight_run(&t->opts, &t->rep);
	assert_int_equal(t->rep.n, sizeof names / sizeof names[0]);
	for (size_t i = 0; i < t->rep.n; i++)
		assert_string_equal(t->rep.checks[i].name, names[i]);
	assert_true(t->rep.jail_ok);
	assert_int_equal(get(t, "userns.max")->status, SW_PF_PASS);
	assert_contains(get(t, "userns.max")->detail, "15000");
	assert_int_equal(get(t, "userns.unprivileged_clone")->status, SW_PF_PASS);
	assert_contains(get(t, "userns.unprivileged_clone")->detail, "not present");
	assert_int_equal(get(t, "userns.apparmor")->status, SW_PF_PASS);
	assert_int_equal(get(t, "userns")->status, SW_PF_PASS);
	assert_int_equal(get(t, "mountns")->status, SW_PF_PASS);
	assert_contains(get(t, "mountns")->detail, "inside a user namespace");
}

static void test_max_userns_zero(void **state)
{
	struct tree *t = *state;
	put(t, "sys/user/max_user_namespaces", "0\n");
	fake_userns_rc = -ENOSPC;
	const struct sw_pf_check *k = run_get(t, "userns.max");
	assert_false(t->rep.jail_ok);
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_contains(k->detail, "= 0");
	assert_contains(k->fix, "sysctl -w user.max_user_namespaces=");
	k = get(t, "userns");
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_contains(k->detail, strerror(ENOSPC));
	assert_contains(k->fix, "max_user_namespaces");
	k = get(t, "mountns");
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_true(k->fix[0] != 0);
}

static void test_max_userns_zero_but_root(void **state)
{
	struct tree *t = *state;
	put(t, "sys/user/max_user_namespaces", "0\n");
	fake_userns_rc = -ENOSPC;
	fake_mntns_rc = 0; /* privileged: no user namespace needed */
	const struct sw_pf_check *k = run_get(t, "userns.max");
	assert_true(t->rep.jail_ok);
	assert_int_equal(k->status, SW_PF_WARN);
	assert_int_equal(get(t, "userns")->status, SW_PF_WARN);
	assert_int_equal(get(t, "mountns")->status, SW_PF_PASS);
	assert_contains(get(t, "mountns")->detail, "privileged");
}

static void test_apparmor_restricts(void **state)
{
	struct tree *t = *state;
	put(t, "sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
	fake_userns_rc = -EPERM;
	const struct sw_pf_check *k = run_get(t, "userns.apparmor");
	assert_false(t->rep.jail_ok);
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_contains(k->detail, "= 1");
	assert_contains(k->fix, "abi <abi/4.0>,\n");
	assert_contains(k->fix, "include <tunables/global>\n");
	assert_contains(k->fix, "profile swrap /opt/vm/bin/launcher flags=(unconfined) {\n");
	assert_contains(k->fix, "  userns,\n}\n");
	assert_contains(k->fix, "apparmor_parser -r /etc/apparmor.d/swrap");
	assert_contains(get(t, "userns")->fix, "apparmor");
}

static void test_apparmor_restricts_but_profile_allows(void **state)
{
	struct tree *t = *state;
	put(t, "sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
	const struct sw_pf_check *k = run_get(t, "userns.apparmor");
	assert_true(t->rep.jail_ok);
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->fix, "flags=(unconfined)");
}

static void test_apparmor_zero_passes(void **state)
{
	struct tree *t = *state;
	put(t, "sys/kernel/apparmor_restrict_unprivileged_userns", "0\n");
	const struct sw_pf_check *k = run_get(t, "userns.apparmor");
	assert_int_equal(k->status, SW_PF_PASS);
	assert_contains(k->detail, "= 0");
}

static void test_default_exe_in_profile(void **state)
{
	struct tree *t = *state;
	t->opts.exe = NULL;
	put(t, "sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
	fake_userns_rc = -EPERM;
	const struct sw_pf_check *k = run_get(t, "userns.apparmor");
	assert_contains(k->fix, "profile swrap /usr/bin/swrap flags=(unconfined)");
}

static void test_unprivileged_clone_zero(void **state)
{
	struct tree *t = *state;
	put(t, "sys/kernel/unprivileged_userns_clone", "0\n");
	fake_userns_rc = -EPERM;
	const struct sw_pf_check *k = run_get(t, "userns.unprivileged_clone");
	assert_false(t->rep.jail_ok);
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_contains(k->fix, "kernel.unprivileged_userns_clone=1");
	/* The same machine as root: only a warning. */
	fake_mntns_rc = 0;
	k = run_get(t, "userns.unprivileged_clone");
	assert_true(t->rep.jail_ok);
	assert_int_equal(k->status, SW_PF_WARN);
}

static void test_unprivileged_clone_one(void **state)
{
	struct tree *t = *state;
	put(t, "sys/kernel/unprivileged_userns_clone", "1\n");
	const struct sw_pf_check *k = run_get(t, "userns.unprivileged_clone");
	assert_int_equal(k->status, SW_PF_PASS);
	assert_contains(k->detail, "= 1");
}

static void test_no_max_file(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/user/max_user_namespaces", t->sys);
	assert_int_equal(unlink(path), 0);
	fake_userns_rc = -EINVAL;
	const struct sw_pf_check *k = run_get(t, "userns.max");
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_contains(k->fix, "CONFIG_USER_NS");
	assert_contains(get(t, "userns")->fix, "CONFIG_USER_NS");
}

/* ---- cgroups ----------------------------------------------------------- */

static void test_cgroup_hybrid(void **state)
{
	struct tree *t = *state;
	char want[256];
	const struct sw_pf_check *k = run_get(t, "cgroup.v2");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->detail, "/cg/unified");
	assert_contains(k->detail, "controllers: hugetlb");
	assert_contains(k->detail, "missing: memory, pids, cpu");
	k = get(t, "cgroup.v1");
	assert_int_equal(k->status, SW_PF_PASS);
	assert_contains(k->detail, "v1 fallback in use");
	snprintf(want, sizeof want, "memory at %s/cg/memory, pids at %s/cg/pids, "
		 "cpu at %s/cg/cpu", t->root, t->root, t->root);
	assert_contains(k->detail, want);
	k = get(t, "cgroup.delegation");
	assert_int_equal(k->status, SW_PF_PASS);
	assert_contains(k->detail, "made and removed in /cg/swrap");
	assert_string_equal(k->fix, "");
	assert_int_equal(fake_trial_calls, 1);
}

static void test_cgroup_pure_v2(void **state)
{
	struct tree *t = *state;
	char mi[512];
	snprintf(mi, sizeof mi, "30 1 0:26 / %s/cg2 rw - cgroup2 cgroup2 rw\n", t->root);
	put(t, "self/mountinfo", mi);
	put(t, "self/cgroup", "0::/user.slice\n");
	put(t, "cg2/cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
	mkdirs(t, "cg2/user.slice");
	const struct sw_pf_check *k = run_get(t, "cgroup.v2");
	assert_int_equal(k->status, SW_PF_PASS);
	assert_contains(k->detail, "cpuset cpu io memory hugetlb pids");
	assert_int_equal(get(t, "cgroup.v1")->status, SW_PF_PASS);
	assert_contains(get(t, "cgroup.v1")->detail, "not needed");
	assert_int_equal(get(t, "cgroup.delegation")->status, SW_PF_PASS);
}

static void test_cgroup_missing_controllers(void **state)
{
	struct tree *t = *state;
	char mi[512];
	/* "cpuacct" must not pass for "cpu", nor "pids_x" for "pids". */
	snprintf(mi, sizeof mi,
		 "35 31 0:32 / %1$s/cg/memory rw - cgroup cgroup rw,memory\n"
		 "36 31 0:33 / %1$s/cg/cpuacct rw - cgroup cgroup rw,cpuacct,pids_x\n"
		 "41 31 0:38 / %1$s/cg/unified rw - cgroup2 cgroup2 rw\n", t->root);
	put(t, "self/mountinfo", mi);
	const struct sw_pf_check *k = run_get(t, "cgroup.v1");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->detail, "no pids, cpu controller");
	assert_contains(k->detail, "memory at");
	assert_true(k->fix[0] != 0);
	assert_true(t->rep.jail_ok); /* limits are optional */
}

/* The trial's verdict is the check's: FAIL with its fix, and WARN. */
static void test_cgroup_delegation_trial(void **state)
{
	struct tree *t = *state;
	fake_trial_rc = 2;
	fake_trial_detail = "uid 4242 can't write its cgroup (/cg2/u)";
	fake_trial_fix = "run swrap in a cgroup delegated to uid 4242: Delegate=yes";
	const struct sw_pf_check *k = run_get(t, "cgroup.delegation");
	assert_int_equal(k->status, SW_PF_FAIL);
	assert_string_equal(k->detail, fake_trial_detail);
	assert_string_equal(k->fix, fake_trial_fix);
	assert_true(t->rep.jail_ok); /* limits are optional */
	fake_trial_rc = 1;
	fake_trial_detail = "no cgroup2 mount and no cgroup v1 freezer hierarchy";
	fake_trial_fix = "";
	k = run_get(t, "cgroup.delegation");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_string_equal(k->fix, "");
}

static void test_no_cgroups_at_all(void **state)
{
	struct tree *t = *state;
	put(t, "self/mountinfo", "22 1 0:20 / / rw - ext4 /dev/vda rw\n");
	const struct sw_pf_check *k = run_get(t, "cgroup.v2");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->detail, "no cgroup2 mount");
	assert_int_equal(get(t, "cgroup.v1")->status, SW_PF_WARN);
	assert_true(t->rep.jail_ok);
}

static void test_no_mountinfo(void **state)
{
	struct tree *t = *state;
	t->opts.proc_self = "/nonexistent";
	const struct sw_pf_check *k = run_get(t, "cgroup.v2");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->detail, "mountinfo");
	assert_int_equal(t->rep.n, 14);
}

/* ---- devices, the real kernel, the real probe ------------------------- */

static void test_kvm_absent_is_a_warning(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/kvm", t->dev);
	assert_int_equal(run_get(t, "kvm")->status, SW_PF_PASS);
	assert_int_equal(unlink(path), 0);
	const struct sw_pf_check *k = run_get(t, "kvm");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->detail, "absent");
	assert_contains(k->fix, "kvm_intel");
	assert_true(t->rep.jail_ok);
	assert_int_equal(get(t, "tun")->status, SW_PF_PASS);
}

static void test_tun_absent_is_a_warning(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/net/tun", t->dev);
	assert_int_equal(unlink(path), 0);
	const struct sw_pf_check *k = run_get(t, "tun");
	assert_int_equal(k->status, SW_PF_WARN);
	assert_contains(k->fix, "modprobe tun");
	assert_true(t->rep.jail_ok);
}

/* On this kernel (>= 6.x, no filter on the test) every syscall check
 * passes — but for clone3 under valgrind, which answers ENOSYS: the check
 * must agree with what a direct call says. */
static void test_syscall_checks_on_this_kernel(void **state)
{
	struct tree *t = *state;
	errno = 0;
	bool have_clone3 = syscall(SYS_clone3, NULL, 0) < 0 && errno != ENOSYS;
	assert_int_equal(run_get(t, "clone3")->status == SW_PF_PASS, have_clone3);
	errno = 0;
	bool have_mount_api = syscall(SYS_mount_setattr, -1, "", 0, NULL, 0) < 0 && errno != ENOSYS;
	assert_int_equal(get(t, "mount_api")->status == SW_PF_PASS, have_mount_api);
	assert_int_equal(get(t, "seccomp")->status, SW_PF_PASS);
	const struct sw_pf_check *k = get(t, "landlock");
	if (k->status == SW_PF_PASS) {
		assert_contains(k->detail, "Landlock ABI ");
		assert_contains(k->detail, "--landlock works");
	} else {
		assert_contains(k->detail, "--landlock fails here");
		assert_true(k->fix[0] != 0);
	}
}

static void test_real_probe(void **state)
{
	(void)state;
	assert_int_equal(sw_preflight_probe(CLONE_NEWUSER | CLONE_NEWNS), 0);
	/* The child's errno comes back: CLONE_PARENT means nothing to unshare. */
	assert_int_equal(sw_preflight_probe(CLONE_PARENT), -EINVAL);
	if (geteuid() == 0)
		assert_int_equal(sw_preflight_probe(CLONE_NEWNS), 0);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(sw_preflight_status_name(SW_PF_PASS), "PASS");
	assert_string_equal(sw_preflight_status_name(SW_PF_WARN), "WARN");
	assert_string_equal(sw_preflight_status_name(SW_PF_FAIL), "FAIL");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_all_checks_in_order),
		T(test_max_userns_zero),
		T(test_max_userns_zero_but_root),
		T(test_apparmor_restricts),
		T(test_apparmor_restricts_but_profile_allows),
		T(test_apparmor_zero_passes),
		T(test_default_exe_in_profile),
		T(test_unprivileged_clone_zero),
		T(test_unprivileged_clone_one),
		T(test_no_max_file),
		T(test_cgroup_hybrid),
		T(test_cgroup_pure_v2),
		T(test_cgroup_missing_controllers),
		T(test_cgroup_delegation_trial),
		T(test_no_cgroups_at_all),
		T(test_no_mountinfo),
		T(test_kvm_absent_is_a_warning),
		T(test_tun_absent_is_a_warning),
		T(test_syscall_checks_on_this_kernel),
		cmocka_unit_test(test_real_probe),
		cmocka_unit_test(test_status_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
