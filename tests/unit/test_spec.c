/* test_spec.c — the spec builders, validation, equality and helpers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "spec/spec.h"

/* A spec that validates: a command and nothing else. */
static sw_spec *minimal(void)
{
	sw_spec *s = sw_spec_new();
	assert_non_null(s);
	const char *argv[] = { "true" };
	assert_int_equal(sw_spec_argv(s, 1, argv, NULL), 0);
	return s;
}

static void expect_invalid(sw_spec *s, const char *needle)
{
	sw_error err = { 0 };
	assert_true(sw_spec_validate(s, &err) < 0);
	assert_true(err.code < 0);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_error_set(void **state)
{
	(void)state;
	sw_error err = { .status = 127 };
	assert_int_equal(sw_error_set(&err, EINVAL, "bad %s %d", "x", 7),
			 -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_int_equal(err.status, 0);
	assert_string_equal(err.msg, "bad x 7");
	/* Either sign of errno gives the same result; NULL err is fine. */
	assert_int_equal(sw_error_set(&err, -ENOENT, "gone"), -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_int_equal(sw_error_set(NULL, EPERM, "quiet"), -EPERM);
	/* Long messages are cut, never overflow. */
	char big[2000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	sw_error_set(&err, E2BIG, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
}

static void test_new_defaults(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	assert_int_equal(s->uid, SW_UNSET_ID);
	assert_int_equal(s->gid, SW_UNSET_ID);
	assert_int_equal(s->seccomp_fd, SW_NO_FD);
	assert_int_equal(s->info_fd, SW_NO_FD);
	assert_int_equal(s->json_status_fd, SW_NO_FD);
	assert_int_equal(s->block_fd, SW_NO_FD);
	assert_int_equal(s->sync_fd, SW_NO_FD);
	assert_int_equal(s->ns, 0);
	assert_null(s->argv);
	sw_spec_free(s);
	sw_spec_free(NULL);
}

static void test_fs_builders(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_bind(s, SW_FS_RO_BIND, "/usr", "/usr",
				      SW_BIND_TRY, &err), 0);
	assert_int_equal(sw_spec_mount(s, SW_FS_PROC, "/proc", &err), 0);
	assert_int_equal(sw_spec_tmpfs(s, "/tmp", SW_MODE_DEFAULT, 0, &err), 0);
	assert_int_equal(sw_spec_tmpfs(s, "/run", 01777, 4096, &err), 0);
	assert_int_equal(sw_spec_dir(s, "/d", 0700, &err), 0);
	assert_int_equal(sw_spec_symlink(s, "usr/bin", "/bin", &err), 0);
	assert_int_equal(sw_spec_chmod(s, "/d", 0711, &err), 0);
	assert_int_equal(s->nfs, 7);
	assert_int_equal(s->fs[0].kind, SW_FS_RO_BIND);
	assert_int_equal(s->fs[0].flags, SW_BIND_TRY);
	assert_string_equal(s->fs[0].src, "/usr");
	assert_null(s->fs[1].src);
	assert_int_equal(s->fs[2].mode, 0755);
	assert_int_equal(s->fs[3].mode, 01777);
	assert_int_equal(s->fs[3].size, 4096);
	assert_int_equal(s->fs[4].mode, 0700);
	assert_string_equal(s->fs[5].src, "usr/bin");
	assert_int_equal(s->fs[6].mode, 0711);
	sw_spec_free(s);
}

static void test_fs_refusals(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_bind(s, SW_FS_BIND, "/a", "rel", 0, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "\"rel\" is not absolute"));
	assert_int_equal(sw_spec_bind(s, SW_FS_BIND, "/a", "", 0, &err), -EINVAL);
	assert_int_equal(sw_spec_bind(s, SW_FS_BIND, "", "/a", 0, &err), -EINVAL);
	assert_int_equal(sw_spec_bind(s, SW_FS_PROC, "/a", "/a", 0, &err),
			 -EINVAL);
	assert_int_equal(sw_spec_bind(s, SW_FS_BIND, "/a", "/a", 4, &err),
			 -EINVAL);
	assert_int_equal(sw_spec_mount(s, SW_FS_BIND, "/a", &err), -EINVAL);
	assert_int_equal(sw_spec_tmpfs(s, "/t", 010000, 0, &err), -EINVAL);
	assert_int_equal(sw_spec_tmpfs(s, "/t", 0755, SW_TMPFS_SIZE_MAX + 1,
				       &err), -ERANGE);
	assert_int_equal(sw_spec_dir(s, "d", 0755, &err), -EINVAL);
	assert_int_equal(sw_spec_symlink(s, "", "/l", &err), -EINVAL);
	assert_int_equal(sw_spec_chmod(s, "/x", SW_MODE_DEFAULT, &err), -EINVAL);
	/* Nothing was added by the refused calls. */
	assert_int_equal(s->nfs, 0);
	sw_spec_free(s);
}

static void test_env_builders(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_clearenv(s, &err), 0);
	assert_int_equal(sw_spec_setenv(s, "A", "", &err), 0);
	assert_int_equal(sw_spec_unsetenv(s, "B", &err), 0);
	assert_int_equal(sw_spec_setenv(s, "A=B", "x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "A=B"));
	assert_int_equal(sw_spec_setenv(s, "", "x", &err), -EINVAL);
	assert_int_equal(sw_spec_unsetenv(s, NULL, &err), -EINVAL);
	assert_int_equal(s->nenv, 3);
	assert_int_equal(s->env[0].kind, SW_ENV_CLEAR);
	assert_int_equal(s->env[1].kind, SW_ENV_SET);
	assert_string_equal(s->env[1].value, "");
	assert_int_equal(s->env[2].kind, SW_ENV_UNSET);
	assert_null(s->env[2].value);
	sw_spec_free(s);
}

static void test_process_builders(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	const char *argv[] = { "sh", "-c", "exit 3" };
	assert_int_equal(sw_spec_argv(s, 0, argv, &err), -EINVAL);
	assert_int_equal(sw_spec_argv(s, 3, argv, &err), 0);
	assert_int_equal(sw_spec_argv(s, 1, argv + 2, &err), 0); /* replaces */
	assert_int_equal(s->argc, 1);
	assert_string_equal(s->argv[0], "exit 3");
	assert_null(s->argv[1]);
	const char *empty[] = { "" };
	assert_int_equal(sw_spec_argv(s, 1, empty, &err), -EINVAL);
	assert_int_equal(sw_spec_chdir(s, "/a", &err), 0);
	assert_int_equal(sw_spec_chdir(s, "/b", &err), 0);
	assert_string_equal(s->chdir, "/b");
	assert_int_equal(sw_spec_hostname(s, "box", &err), 0);
	char long_name[80];
	memset(long_name, 'h', 65);
	long_name[65] = 0;
	assert_int_equal(sw_spec_hostname(s, long_name, &err), -EINVAL);
	assert_string_equal(s->hostname, "box");
	assert_int_equal(sw_spec_argv0(s, "zero", &err), 0);
	sw_spec_uid(s, 1000);
	sw_spec_gid(s, 100);
	sw_spec_new_session(s, true);
	sw_spec_die_with_parent(s, true);
	sw_spec_as_pid_1(s, true);
	sw_spec_detach(s, true);
	assert_true(s->new_session && s->die_with_parent && s->as_pid_1 &&
		    s->detach);
	assert_int_equal(s->uid, 1000);
	assert_int_equal(s->gid, 100);
	sw_spec_free(s);
}

static void test_namespaces(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_spec_unshare(s, SW_NS_ALL);
	sw_spec_share(s, SW_NS_NET);
	assert_int_equal(s->ns, SW_NS_USER_TRY | SW_NS_PID | SW_NS_IPC |
			 SW_NS_UTS | SW_NS_CGROUP_TRY);
	assert_true(sw_spec_wants_userns(s, 0));
	sw_spec_share(s, SW_NS_USER_TRY);
	assert_false(sw_spec_wants_userns(s, 0));
	assert_true(sw_spec_wants_userns(s, 1000)); /* not root: always */
	sw_spec_unshare(s, SW_NS_USER);
	assert_true(sw_spec_wants_userns(s, 0));
	sw_spec_free(s);
}

static void test_caps(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_cap(s, true, "CAP_NET_ADMIN", &err), 0);
	assert_int_equal(sw_spec_cap(s, true, "sys_admin", &err), 0);
	assert_int_equal(sw_spec_cap(s, false, "cap_chown", &err), 0);
	assert_int_equal(sw_spec_cap(s, false, "all", &err), 0);
	assert_int_equal(sw_spec_cap(s, true, "CAP_BOGUS", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "CAP_BOGUS"));
	assert_int_equal(sw_spec_cap(s, true, "", &err), -EINVAL);
	assert_int_equal(sw_spec_cap(s, true, "12", &err), -EINVAL);
	assert_int_equal(s->ncaps, 4);
	assert_int_equal(s->caps[0].cap, CAP_NET_ADMIN);
	assert_true(s->caps[0].add);
	assert_int_equal(s->caps[1].cap, CAP_SYS_ADMIN);
	assert_int_equal(s->caps[2].cap, CAP_CHOWN);
	assert_false(s->caps[2].add);
	assert_int_equal(s->caps[3].cap, -1);
	sw_spec_free(s);
}

static void test_fds(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_seccomp_fd(s, 5, false, &err), 0);
	assert_int_equal(sw_spec_seccomp_fd(s, 6, false, &err), 0);
	assert_int_equal(s->seccomp_fd, 6); /* the last one wins */
	assert_int_equal(sw_spec_seccomp_fd(s, -1, true, &err), -EBADF);
	assert_int_equal(sw_spec_fd(s, SW_FD_SYNC, 9, &err), 0);
	assert_int_equal(sw_spec_fd(s, SW_FD_INFO, 8, &err), 0);
	assert_int_equal(sw_spec_fd(s, 99, 8, &err), -EINVAL);
	assert_int_equal(s->sync_fd, 9);
	assert_int_equal(s->info_fd, 8);
	assert_int_equal(sw_spec_keep_fd(s, 7, &err), 0);
	assert_int_equal(sw_spec_keep_fd(s, 7, &err), 0);
	assert_int_equal(s->nkeep, 1); /* kept once */
	assert_int_equal(sw_spec_seccomp_profile(s, "strict", &err), -EINVAL);
	assert_int_equal(sw_spec_seccomp_profile(s, "default", &err), 0);
	assert_string_equal(s->seccomp_profile, "default");
	sw_spec_free(s);
}

static void test_rlimits(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	struct sw_rlimit r;
	assert_false(sw_spec_rlimit_get(s, RLIMIT_NOFILE, &r));
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_NOFILE, 10, 20, &err), 0);
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_CORE, 0, 0, &err), 0);
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_NOFILE, 30, SW_RLIM_INF,
					&err), 0);
	assert_int_equal(s->nrlimits, 2); /* replaced in place */
	assert_true(sw_spec_rlimit_get(s, RLIMIT_NOFILE, &r));
	assert_int_equal(r.soft, 30);
	assert_true(r.hard == SW_RLIM_INF);
	assert_int_equal(s->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_CPU, 5, 4, &err), -EINVAL);
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_RTPRIO, 1, 1, &err), -EINVAL);
	assert_int_equal(sw_spec_rlimit_by_name("nofile"), RLIMIT_NOFILE);
	assert_int_equal(sw_spec_rlimit_by_name("RLIMIT_STACK"), RLIMIT_STACK);
	assert_int_equal(sw_spec_rlimit_by_name("NICE"), -1);
	assert_string_equal(sw_spec_rlimit_name(RLIMIT_MEMLOCK), "MEMLOCK");
	assert_true(sw_spec_rlimit_in_bytes(RLIMIT_FSIZE));
	assert_false(sw_spec_rlimit_in_bytes(RLIMIT_NPROC));
	sw_spec_free(s);
}

static void test_cgroup_ids(void **state)
{
	(void)state;
	sw_error err = { 0 };
	char id64[65], id65[66];
	memset(id64, 'a', 64);
	id64[64] = 0;
	memset(id65, 'b', 65);
	id65[65] = 0;
	assert_int_equal(sw_spec_check_cgroup_id("box-1.a_B", &err), 0);
	assert_int_equal(sw_spec_check_cgroup_id(id64, &err), 0);
	assert_int_equal(sw_spec_check_cgroup_id("...", &err), 0);
	const char *bad[] = { "", ".", "..", "a/b", "a b", "ü", id65 };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sw_spec_check_cgroup_id(bad[i], &err), -EINVAL);
	assert_int_equal(sw_spec_check_cgroup_parent("swrap", &err), 0);
	assert_int_equal(sw_spec_check_cgroup_parent("/a/b.c", &err), 0);
	assert_int_equal(sw_spec_check_cgroup_parent("a//b/", &err), 0);
	char deep[128] = "", wide[300];
	for (int i = 0; i < 31; i++)
		strcat(deep, "/d");
	assert_int_equal(sw_spec_check_cgroup_parent(deep, &err), 0);
	strcat(deep, "/d"); /* 32 levels: one too many */
	memset(wide, 'w', 257);
	wide[257] = 0;
	const char *badp[] = { "", "/", "//", "a/../b", "./a", "a b", deep,
			       wide };
	for (size_t i = 0; i < sizeof badp / sizeof *badp; i++)
		assert_int_equal(sw_spec_check_cgroup_parent(badp[i], &err),
				 -EINVAL);
}

static void test_cgroup_and_limits(void **state)
{
	(void)state;
	sw_spec *s = minimal();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_MEMORY_MAX, 1 << 20, &err), 0);
	expect_invalid(s, "--memory-max needs --cgroup");
	assert_int_equal(sw_spec_cgroup(s, "../x", NULL, false, &err), -EINVAL);
	assert_int_equal(sw_spec_cgroup(s, "box", "a/b", true, &err), 0);
	assert_int_equal(sw_spec_validate(s, &err), 0);
	assert_string_equal(s->cgroup_parent, "a/b");
	assert_true(s->cgroup_optional);
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_CPU_WEIGHT, 0, &err), -EINVAL);
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_CPU_WEIGHT, 10001, &err),
			 -ERANGE);
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_CPU_WEIGHT, 10000, &err), 0);
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_CPU_QUOTA, 999, &err), -ERANGE);
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_CPU_PERIOD, 2000000, &err),
			 -ERANGE);
	assert_int_equal(sw_spec_limit(s, SW_LIMIT_PIDS_MAX, 64, &err), 0);
	assert_int_equal(s->limits.cpu_weight, 10000);
	assert_int_equal(s->limits.pids_max, 64);
	assert_int_equal(sw_spec_validate(s, &err), 0);
	/* Set by hand past the builders: validate still catches it. */
	s->limits.cpu_weight = 20000;
	expect_invalid(s, "--cpu-weight");
	s->limits.cpu_weight = 0;
	s->limits.cpu_period = 100000;
	expect_invalid(s, "period without a quota");
	sw_spec_free(s);
}

static void test_validate_namespace_rules(void **state)
{
	(void)state;
	sw_spec *s = minimal();
	sw_error err = { 0 };
	assert_int_equal(sw_spec_validate(s, &err), 0);
	sw_spec_uid(s, 0);
	expect_invalid(s, "--uid 0 needs a user namespace");
	sw_spec_unshare(s, SW_NS_USER_TRY);
	assert_int_equal(sw_spec_validate(s, &err), 0);
	sw_spec_gid(s, 5);
	sw_spec_share(s, SW_NS_USER_TRY);
	sw_spec_uid(s, SW_UNSET_ID);
	expect_invalid(s, "--gid 5");
	sw_spec_unshare(s, SW_NS_USER);
	assert_int_equal(sw_spec_hostname(s, "h", &err), 0);
	expect_invalid(s, "--hostname h needs --unshare-uts");
	sw_spec_unshare(s, SW_NS_UTS);
	sw_spec_as_pid_1(s, true);
	expect_invalid(s, "--as-pid-1 needs --unshare-pid");
	sw_spec_unshare(s, SW_NS_PID);
	assert_int_equal(sw_spec_validate(s, &err), 0);
	sw_spec_free(s);
}

static void test_validate_other_rules(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error err = { 0 };
	expect_invalid(s, "no command given");
	sw_spec_free(s);

	s = minimal();
	assert_int_equal(sw_spec_seccomp_fd(s, 3, false, &err), 0);
	assert_int_equal(sw_spec_seccomp_fd(s, 4, true, &err), 0);
	expect_invalid(s, "--seccomp cannot be combined with --add-seccomp-fd");
	sw_spec_free(s);

	/* Hand-made operations the builders would have refused. */
	s = minimal();
	assert_int_equal(sw_spec_dir(s, "/d", SW_MODE_DEFAULT, &err), 0);
	free(s->fs[0].dest);
	s->fs[0].dest = strdup("relative/d");
	expect_invalid(s, "--dir: destination \"relative/d\" is not absolute");
	s->fs[0].mode = 070000;
	expect_invalid(s, "mode");
	sw_spec_free(s);

	s = minimal();
	s->cgroup_parent = strdup("p");
	expect_invalid(s, "--cgroup-parent p needs --cgroup");
	sw_spec_free(s);

	s = minimal();
	s->seccomp_profile = strdup("nope");
	expect_invalid(s, "--seccomp-profile");
	sw_spec_free(s);
}

/* Two specs built alike are equal; each difference is seen. */
static sw_spec *sample(void)
{
	sw_spec *s = minimal();
	sw_spec_unshare(s, SW_NS_USER | SW_NS_PID);
	assert_int_equal(sw_spec_bind(s, SW_FS_BIND, "/a", "/b", 0, NULL), 0);
	assert_int_equal(sw_spec_setenv(s, "K", "V", NULL), 0);
	assert_int_equal(sw_spec_cap(s, true, "CAP_CHOWN", NULL), 0);
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_NOFILE, 1, 2, NULL), 0);
	assert_int_equal(sw_spec_rlimit(s, RLIMIT_CPU, 3, 4, NULL), 0);
	assert_int_equal(sw_spec_keep_fd(s, 4, NULL), 0);
	return s;
}

static void test_equal(void **state)
{
	(void)state;
	sw_spec *a = sample(), *b = sample();
	assert_true(sw_spec_equal(a, b));
	assert_true(sw_spec_equal(a, a));
	assert_false(sw_spec_equal(a, NULL));
	sw_spec_share(b, SW_NS_PID);
	assert_false(sw_spec_equal(a, b));
	sw_spec_unshare(b, SW_NS_PID);
	assert_int_equal(sw_spec_setenv(b, "K", "W", NULL), 0);
	assert_false(sw_spec_equal(a, b));
	sw_spec_free(b);

	b = sample();
	b->fs[0].flags = SW_BIND_TRY;
	assert_false(sw_spec_equal(a, b));
	b->fs[0].flags = 0;
	assert_int_equal(sw_spec_chdir(b, "/", NULL), 0);
	assert_false(sw_spec_equal(a, b));
	sw_spec_free(b);

	/* rlimits compare as a set: the order they were given in is free. */
	b = sample();
	struct sw_rlimit t = b->rlimits[0];
	b->rlimits[0] = b->rlimits[1];
	b->rlimits[1] = t;
	assert_true(sw_spec_equal(a, b));
	b->rlimits[1].hard = 3;
	assert_false(sw_spec_equal(a, b));
	sw_spec_free(b);

	b = sample();
	b->force = SW_FORCE_CLONE_FALLBACK;
	assert_false(sw_spec_equal(a, b));
	sw_spec_free(b);
	sw_spec_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_set),
		cmocka_unit_test(test_new_defaults),
		cmocka_unit_test(test_fs_builders),
		cmocka_unit_test(test_fs_refusals),
		cmocka_unit_test(test_env_builders),
		cmocka_unit_test(test_process_builders),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_rlimits),
		cmocka_unit_test(test_cgroup_ids),
		cmocka_unit_test(test_cgroup_and_limits),
		cmocka_unit_test(test_validate_namespace_rules),
		cmocka_unit_test(test_validate_other_rules),
		cmocka_unit_test(test_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
