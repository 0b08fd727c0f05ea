/* test_cli.c — the swrap binary's front end: every bad command line is
 * one "swrap: ..." line naming the bad argument and exit status 1; --help,
 * --version and --emit-bwrap print what they should and run nothing. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "compat/compat.h"
#include "harness.h"

#define MAXW 16

/* A bad command line and a piece of the one-line message it must give. */
static const struct {
	const char *argv[MAXW];
	const char *names; /* the offending argument, in the message */
} bad[] = {
	{ { "--frobnicate", "true" }, "--frobnicate" },
	{ { "--bind-fd", "99", "/a", "true" }, "--bind-fd 99" },
	{ { "--file", "98", "/f", "true" }, "--file 98" },
	{ { "--ro-bind-data", "97", "/f", "true" }, "--ro-bind-data 97" },
	{ { "--overlay-src", "/nonexistent-layer", "--tmp-overlay", "/o", "true" },
	  "/nonexistent-layer" },
	/* Refused where SELinux is not enabled, a label the policy does not
	 * know refused where it is: either way the option and the label. */
	{ { "--exec-label", "system_u:object_r:x", "true" },
	  "--exec-label system_u:object_r:x: " },
	{ { "--file-label", "system_u:object_r:y:s0:c1,c2", "--tmpfs", "/t", "true" },
	  "--file-label system_u:object_r:y:s0:c1,c2: " },
	{ { "--disable-userns", "true" }, "--disable-userns" },
	{ { "--bind", "/a" }, "--bind" },
	{ { "--unshare-user", "--uid" }, "--uid" },
	{ { "--info-fd", "abc", "true" }, "abc" },
	{ { "--sync-fd", "-1", "true" }, "-1" },
	{ { "--seccomp", "3x", "true" }, "3x" },
	{ { "--args", "77", "true" }, "77" },
	{ { "--bind", "/tmp", "tmp", "true" }, "\"tmp\"" },
	{ { "--tmpfs", "", "true" }, "--tmpfs" },
	{ { "--perms", "0789", "--dir", "/d", "true" }, "0789" },
	{ { "--perms", "17777", "--dir", "/d", "true" }, "17777" },
	{ { "--size", "0", "--tmpfs", "/t", "true" }, "\"0\"" },
	{ { "--size", "99999999999999999999", "--tmpfs", "/t", "true" },
	  "99999999999999999999" },
	{ { "--uid", "1000", "true" }, "--uid 1000" },
	{ { "--gid", "1000", "true" }, "--gid 1000" },
	{ { "--hostname", "box", "true" }, "--hostname box" },
	{ { "--as-pid-1", "true" }, "--as-pid-1" },
	{ { "--cgroup", "a", "--memory-max", "12Q", "true" }, "12Q" },
	{ { "--cgroup", "a", "--cpu-max", "50000/x", "true" }, "50000/x" },
	{ { "--cgroup", "a/b", "true" }, "a/b" },
	{ { "--cgroup", "..", "true" }, "\"..\"" },
	{ { "--cgroup", "", "true" }, "--cgroup" },
	{ { "--cgroup", "a123456789b123456789c123456789d123456789"
	    "e123456789f123456789g12345", "true" }, "g12345" },
	{ { "--rlimit", "NICENESS=1", "true" }, "NICENESS=1" },
	{ { "--cap-add", "CAP_TELEPORT", "true" }, "CAP_TELEPORT" },
	{ { "--volume", ":/data", "true" }, ":/data" },
	{ { "--seccomp", "3", "--add-seccomp-fd", "4", "true" },
	  "--add-seccomp-fd" },
	{ { "--perms", "0700", "--bind", "/a", "/b", "true" }, "--perms 0700" },
	{ { "--size", "100", "--dir", "/d", "true" }, "--size 100" },
	{ { "--memory-max", "1G", "true" }, "--memory-max" },
	{ { "--cgroup", "a", "--cpu-weight", "10001", "true" }, "10001" },
	{ { "--rlimit", "NOFILE=10:5", "true" }, "NOFILE" },
	{ { "--profile", "vm", "--", "/x/y" }, "\"vm\"" },
	{ { "--kill-cgroup", "../x" }, "../x" },
	{ { "--setenv", "A=B", "1", "true" }, "A=B" },
	{ { "--chmod", "644", "etc/x", "true" }, "etc/x" },
	{ { "--emit-bwrap" }, "no command" },
	{ { "--detach", "--die-with-parent", "true" }, "--die-with-parent" },
	{ { "--unshare-pid", "--cgroup-parent", "p", "true" }, "p needs" },
	/* issue 20 */
	{ { "--unshare-user", "--host-uid", "0", "--host-gid", "5", "true" },
	  "--host-uid 0" },
	{ { "--unshare-user", "--host-uid", "5", "true" }, "--host-gid" },
	{ { "--host-uid", "5", "--host-gid", "6", "true" }, "--host-uid 5 needs" },
	{ { "--unshare-user", "--host-uid", "-5", "--host-gid", "6", "true" },
	  "--host-uid: \"-5\"" },
};
#define N_BAD (sizeof bad / sizeof *bad)

static void run_swrap(const char *const *args, const char *const *env,
		      struct sw_run *r)
{
	const char *argv[MAXW + 2] = { sw_swrap() };
	for (int i = 0; i < MAXW && args[i]; i++)
		argv[i + 1] = args[i];
	sw_run_env(SW_AS_ROOT, env, r, argv);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	assert_true(N_BAD >= 25);
	for (size_t i = 0; i < N_BAD; i++) {
		struct sw_run r;
		run_swrap(bad[i].argv, NULL, &r);
		const char *nl = strchr(r.err, '\n');
		if (r.code != 1 || strncmp(r.err, "swrap: ", 7) != 0 || !nl ||
		    nl[1] || !strstr(r.err, bad[i].names) || *r.out)
			fail_msg("case %zu (%s ...): status %d, stdout \"%s\", "
				 "stderr \"%s\"; want 1 and one swrap: line "
				 "naming %s", i, bad[i].argv[0], r.code, r.out,
				 r.err, bad[i].names);
		sw_run_free(&r);
	}
}

/* The table holds every option the contract names; returns how many. */
static size_t n_required(void)
{
	static const char *const required[] = {
		"--unshare-all", "--unshare-user", "--unshare-user-try",
		"--unshare-pid", "--unshare-ipc", "--unshare-uts",
		"--unshare-net", "--unshare-cgroup", "--unshare-cgroup-try",
		"--share-net", "--uid", "--gid", "--hostname", "--chdir",
		"--setenv", "--unsetenv", "--clearenv", "--argv0",
		"--new-session", "--die-with-parent", "--as-pid-1", "--bind",
		"--bind-try", "--ro-bind", "--ro-bind-try", "--dev-bind",
		"--dev-bind-try", "--remount-ro", "--proc", "--dev", "--tmpfs",
		"--mqueue", "--dir", "--symlink", "--chmod", "--perms", "--size",
		"--cap-add", "--cap-drop", "--seccomp", "--add-seccomp-fd",
		"--seccomp-profile", "--info-fd", "--json-status-fd",
		"--block-fd", "--sync-fd", "--args", "--help", "--version",
		"--profile", "--detach", "--volume", "--emit-bwrap",
		"--emit-bwrap=nul", "--cgroup", "--cgroup-parent",
		"--cgroup-optional", "--memory-max", "--memory-high",
		"--cpu-max", "--cpu-weight", "--pids-max", "--rlimit",
		"--keep-fd", "--kill-cgroup",
		/* bubblewrap 0.11's others (issue #13), and the personality */
		"--level-prefix", "--userns", "--userns2", "--pidns",
		"--disable-userns", "--assert-userns-disabled",
		"--userns-block-fd", "--lock-file", "--bind-fd", "--ro-bind-fd",
		"--file", "--bind-data", "--ro-bind-data", "--overlay-src",
		"--overlay", "--tmp-overlay", "--ro-overlay", "--exec-label",
		"--file-label", "--compat=bwrap",
		/* issue 14 */
		"--stop-cgroup", "--grace", "--freeze-cgroup", "--thaw-cgroup",
		"--cgroup-stats", "--json", "--fd-map", "--netns",
		"--landlock", "--landlock-try",
		/* issue 20 */
		"--host-uid", "--host-gid",
	};
	size_t n, nreq = sizeof required / sizeof *required;
	const struct sw_compat_option *t = sw_compat_options(&n);
	for (size_t k = 0; k < nreq; k++) {
		size_t i = 0;
		while (i < n && !(t[i].name && !strcmp(t[i].name, required[k])))
			i++;
		if (i == n)
			fail_msg("the option table lacks %s", required[k]);
	}
	return nreq;
}

static void test_help(void **state)
{
	(void)state;
	const char *args[] = { "--help", NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.err, "");
	/* One screen wide: no line over 80 columns. */
	for (const char *p = r.out; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > 80)
			fail_msg("help line over 80: %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	/* Every option of the table is there, with its metavar, at the start
	 * of a row. */
	size_t n;
	const struct sw_compat_option *t = sw_compat_options(&n);
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].name)
			continue;
		char row[96];
		snprintf(row, sizeof row, "\n  %s%s%s ", t[i].name,
			 t[i].metavar ? " " : "", t[i].metavar ? t[i].metavar : "");
		if (!strstr(r.out, row))
			fail_msg("--help lacks the row \"%s\"", row + 1);
		assert_non_null(strstr(r.out, t[i].help));
		seen++;
	}
	assert_int_equal(seen, n_required());
	assert_non_null(strstr(r.out, "SWRAP_HOST_ROOT"));
	/* bubblewrap's first line, with argv[0] as given (its tests check). */
	char usage[PATH_MAX + 64];
	snprintf(usage, sizeof usage, "usage: %s [OPTIONS...] [--] COMMAND "
		 "[ARGS...]\n", sw_swrap());
	assert_int_equal(strncmp(r.out, usage, strlen(usage)), 0);
	sw_run_free(&r);
}

static void test_help_is_the_library_text(void **state)
{
	(void)state;
	char *text = sw_compat_help(sw_swrap());
	const char *args[] = { "--unshare-pid", "--help", "--bogus", NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, text);
	sw_run_free(&r);
	free(text);
}

static void test_version(void **state)
{
	(void)state;
	const char *args[] = { "--version", NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "swrap " SWRAP_VERSION "\n");
	assert_string_equal(r.err, "");
	sw_run_free(&r);
}

static void test_emit_line(void **state)
{
	(void)state;
	const char *args[] = { "--emit-bwrap", "--unshare-all", "--share-net",
			       "--setenv", "A", "b c", "--rlimit", "NOFILE=64",
			       "--keep-fd", "9", "--", "sh", "-c", "echo $A",
			       NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "bwrap --unshare-user-try --unshare-pid "
			    "--unshare-ipc --unshare-uts --unshare-cgroup-try "
			    "--setenv A 'b c' -- sh -c 'echo $A'\n");
	assert_string_equal(r.err,
			    "swrap: not representable in bwrap: --keep-fd 9\n"
			    "swrap: not representable in bwrap: --rlimit "
			    "NOFILE=64:64\n");
	sw_run_free(&r);
}

/* --host-uid/--host-gid: bwrap can't say them (it maps a root caller's
 * 0 to 0), so they are listed as --cgroup is; an unprivileged caller is
 * refused at launch (its jail is its own uid outside already). */
static void test_host_ids(void **state)
{
	(void)state;
	const char *args[] = { "--emit-bwrap", "--unshare-user", "--host-uid",
			       "1000", "--host-gid", "1001", "--", "sh", NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "bwrap --unshare-user -- sh\n");
	assert_string_equal(r.err,
			    "swrap: not representable in bwrap: --host-uid 1000\n"
			    "swrap: not representable in bwrap: --host-gid 1001\n");
	sw_run_free(&r);
	const char *user[] = { sw_swrap(), "--unshare-user", "--host-uid", "1000",
			       "--host-gid", "1001", "--", "/usr/bin/true", NULL };
	sw_run(SW_AS_USER, &r, user);
	assert_int_equal(r.code, 1);
	char want[256];
	snprintf(want, sizeof want, "swrap: --host-uid 1000: only a root launcher "
		 "can map the jail to another host uid (this one runs as uid %d, "
		 "which is what its jail is outside)\n", SW_TEST_UID);
	assert_string_equal(r.err, want);
	sw_run_free(&r);
}

static void test_emit_nul(void **state)
{
	(void)state;
	const char *args[] = { "--emit-bwrap=nul", "--bind", "/a b", "/c",
			       "--", "x", "", NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.err, "");
	/* r.out is NUL-terminated by the harness; walk the words. */
	const char *want[] = { "bwrap", "--bind", "/a b", "/c", "--", "x", "" };
	const char *p = r.out;
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		assert_string_equal(p, want[i]);
		p += strlen(p) + 1;
	}
	sw_run_free(&r);
}

/* --args reads the words from an fd the binary inherits. */
static void test_args_fd_binary(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	static const char words[] = "--unshare-pid\0--chdir\0/srv\0";
	assert_int_equal(write(p[1], words, sizeof words - 1),
			 (ssize_t)sizeof words - 1);
	close(p[1]);
	char fd[16];
	snprintf(fd, sizeof fd, "%d", p[0]);
	const char *args[] = { "--emit-bwrap", "--args", fd, "--", "ls", NULL };
	struct sw_run r;
	run_swrap(args, NULL, &r);
	close(p[0]);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "bwrap --unshare-pid --chdir /srv -- ls\n");
	sw_run_free(&r);
}

/* Installed setuid, swrap refuses before looking at its arguments. */
static void test_refuses_setuid(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char *dir = sw_tmpdir(SW_AS_ROOT);
	struct statvfs vfs;
	assert_int_equal(statvfs(dir, &vfs), 0);
	if (vfs.f_flag & ST_NOSUID) {
		sw_rmtree(dir);
		free(dir);
		skip();
	}
	char copy[600], cmd[1400];
	snprintf(copy, sizeof copy, "%s/swrap", dir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", sw_swrap(), copy);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(copy, 04755), 0);
	const char *argv[] = { copy, "--version", NULL };
	struct sw_run r;
	sw_run(SW_AS_USER, &r, argv);
	assert_int_equal(r.code, 1);
	assert_string_equal(r.out, "");
	assert_int_equal(strncmp(r.err, "swrap: refusing to run setuid/setgid: ",
				 38), 0);
	assert_non_null(strstr(r.err, "real uid/gid 4242/4242"));
	assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
	sw_run_free(&r);
	/* Not setuid: the same binary runs for that user. */
	assert_int_equal(chmod(copy, 0755), 0);
	sw_run(SW_AS_USER, &r, argv);
	assert_int_equal(r.code, 0);
	sw_run_free(&r);
	sw_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_is_the_library_text),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_emit_line),
		cmocka_unit_test(test_host_ids),
		cmocka_unit_test(test_emit_nul),
		cmocka_unit_test(test_args_fd_binary),
		cmocka_unit_test(test_refuses_setuid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
