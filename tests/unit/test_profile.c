/* test_profile.c — the shim profile: what the VM launcher's
 * BwrapSandbox::apply() builds, checked as the bwrap line it emits, over a
 * fake host root (the existence checks look there, never at this host). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "harness.h"

#define SHIM "/var/lib/boxlite/boxes/abc/bin/boxlite-shim"
#define SHIM_DIR "/var/lib/boxlite/boxes/abc/bin"

/* Acceptance 2 of issue 2, byte for byte, with one deliberate difference
 * (issue 20): --disable-userns, which the reference does not give. */
static const char expected[] =
	"bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-uts "
	"--die-with-parent --new-session --disable-userns --ro-bind /usr /usr "
	"--ro-bind /lib /lib "
	"--ro-bind /lib64 /lib64 --ro-bind /bin /bin --ro-bind /sbin /sbin "
	"--ro-bind /etc/resolv.conf /etc/resolv.conf --ro-bind /etc/hosts "
	"/etc/hosts --ro-bind /etc/nsswitch.conf /etc/nsswitch.conf --dev /dev "
	"--dev-bind /dev/net/tun /dev/net/tun --proc /proc --tmpfs /tmp "
	"--ro-bind " SHIM_DIR " " SHIM_DIR " --clearenv --setenv PATH "
	"/usr/bin:/bin:/usr/sbin:/sbin --setenv HOME /root --setenv "
	"LD_LIBRARY_PATH " SHIM_DIR " --chdir / -- " SHIM " --x";

/* The fake host: /usr /lib /lib64 /bin /sbin, the three /etc files,
 * /dev/net/tun as a plain file, and no /dev/kvm. */
static int make_root(void **state)
{
	char *root = sw_tmpdir(SW_AS_ROOT);
	const char *dirs[] = { "usr", "lib", "lib64", "bin", "sbin", "etc",
			       "dev", "dev/net" };
	char p[512];
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	const char *files[] = { "etc/resolv.conf", "etc/hosts",
				"etc/nsswitch.conf", "dev/net/tun" };
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", root, files[i]);
		sw_write_file(p, "", 0644);
	}
	*state = root;
	return 0;
}

static int remove_root(void **state)
{
	sw_rmtree(*state);
	free(*state);
	return 0;
}

/* swrap --emit-bwrap --profile shim [words...] -- SHIM --x, in-process. */
static char *emit_profile(const char *root, const char *const *extra,
			  const char *rust_log, char **unrep_joined)
{
	char *argv[32] = { "swrap", "--profile", "shim" };
	int argc = 3;
	for (; extra && *extra; extra++)
		argv[argc++] = (char *)*extra;
	argv[argc++] = "--";
	argv[argc++] = SHIM;
	argv[argc++] = "--x";
	struct sw_cli_opts cli = { .host_root = root, .rust_log = rust_log };
	sw_spec *s = NULL;
	sw_error err = { 0 };
	if (sw_compat_parse(argc, argv, &s, &cli, &err) < 0)
		fail_msg("parse: %s", err.msg);
	assert_int_equal(sw_spec_validate(s, &err), 0);
	char **out, **unrep;
	size_t n;
	assert_int_equal(sw_compat_emit(s, &out, &n, &unrep, &err), 0);
	char *line = sw_compat_shell_join(out, n);
	char *u = calloc(1, 4096);
	for (size_t i = 0; unrep[i]; i++)
		strcat(strcat(u, i ? "|" : ""), unrep[i]);
	*unrep_joined = u;
	sw_compat_strv_free(out);
	sw_compat_strv_free(unrep);
	sw_cli_opts_free(&cli);
	sw_spec_free(s);
	return line;
}

/* expected with `from` replaced by `to`. */
static char *expected_with(const char *from, const char *to)
{
	const char *at = strstr(expected, from);
	assert_non_null(at);
	char *s = malloc(sizeof expected + strlen(to));
	sprintf(s, "%.*s%s%s", (int)(at - expected), expected, to,
		at + strlen(from));
	return s;
}

static void test_exact_line(void **state)
{
	char *unrep, *line = emit_profile(*state, NULL, NULL, &unrep);
	assert_string_equal(line, expected);
	/* No rlimits of its own (issue 14): all of it is bwrap's. */
	assert_string_equal(unrep, "");
	free(line);
	free(unrep);
}

static void test_detach_drops_die_with_parent(void **state)
{
	const char *extra[] = { "--detach", NULL };
	char *unrep, *line = emit_profile(*state, extra, NULL, &unrep);
	char *want = expected_with("--die-with-parent ", "");
	assert_string_equal(line, want);
	assert_non_null(strstr(unrep, "--detach"));
	free(want);
	free(line);
	free(unrep);
}

/* --landlock with the profile: the same bwrap line, Landlock on top;
 * the C API's flag is the same thing. */
static void test_landlock_flag(void **state)
{
	const char *extra[] = { "--landlock", NULL };
	char *unrep, *line = emit_profile(*state, extra, NULL, &unrep);
	assert_string_equal(line, expected);
	assert_string_equal(unrep, "--landlock");
	free(line);
	free(unrep);
	for (int on = 0; on < 2; on++) {
		sw_spec *s = sw_spec_new();
		struct sw_shim_opts o = { .shim = SHIM, .host_root = *state,
					  .landlock = on };
		assert_int_equal(sw_spec_profile_shim(s, &o, NULL), 0);
		assert_int_equal(s->landlock,
				 on ? SW_LANDLOCK_ON : SW_LANDLOCK_OFF);
		sw_spec_free(s);
	}
}

/* Issue 20: no nested user namespace by default (the way a command with
 * no capabilities gets a cgroupfs it owns); allow_userns gives back the
 * reference's own line, word for word. */
static void test_disable_userns_by_default(void **state)
{
	for (int allow = 0; allow < 2; allow++) {
		sw_spec *s = sw_spec_new();
		struct sw_shim_opts o = { .shim = SHIM, .host_root = *state,
					  .allow_userns = allow };
		const char *args[] = { "--x" };
		o.args = args;
		o.argc = 1;
		assert_int_equal(sw_spec_profile_shim(s, &o, NULL), 0);
		assert_int_equal(s->disable_userns, !allow);
		char **argv;
		size_t argc;
		assert_int_equal(sw_compat_emit(s, &argv, &argc, NULL, NULL), 0);
		char *line = sw_compat_shell_join(argv, argc);
		char *want = allow ? expected_with("--disable-userns ", "") :
			strdup(expected);
		assert_string_equal(line, want);
		free(want);
		free(line);
		sw_compat_strv_free(argv);
		sw_spec_free(s);
	}
}

/* --host-uid/--host-gid with the profile, and sw_shim_opts' fields: the
 * same bwrap line (bwrap can't say it), listed as not representable. */
static void test_host_ids(void **state)
{
	const char *extra[] = { "--host-uid", "1000", "--host-gid", "1001", NULL };
	char *unrep, *line = emit_profile(*state, extra, NULL, &unrep);
	assert_string_equal(line, expected);
	assert_string_equal(unrep, "--host-uid 1000|--host-gid 1001");
	free(line);
	free(unrep);
	sw_spec *s = sw_spec_new();
	struct sw_shim_opts o = { .shim = SHIM, .host_root = *state,
				  .host_uid = 1000, .host_gid = 1001 };
	sw_error err = { 0 };
	assert_int_equal(sw_spec_profile_shim(s, &o, &err), 0);
	assert_int_equal(s->host_uid, 1000);
	assert_int_equal(s->host_gid, 1001);
	sw_spec_free(s);
	/* Both or neither; never 0. Refused before the spec is touched. */
	const struct { uid_t u; gid_t g; const char *msg; } bad[] = {
		{ 1000, 0, "--host-uid 1000 needs --host-gid too" },
		{ 0, 1001, "--host-gid 1001 needs --host-uid too" },
		{ 1000, (gid_t)-1, "--host-uid 1000 needs --host-gid too" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		s = sw_spec_new();
		o.host_uid = bad[i].u;
		o.host_gid = bad[i].g;
		assert_int_equal(sw_spec_profile_shim(s, &o, &err), -EINVAL);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(s->nfs, 0);
		assert_int_equal(s->host_uid, SW_UNSET_ID);
		sw_spec_free(s);
	}
}

static void test_rust_log_follows_ld_library_path(void **state)
{
	char *unrep, *line = emit_profile(*state, NULL, "debug", &unrep);
	char *want = expected_with("--chdir /", "--setenv RUST_LOG debug "
				   "--chdir /");
	assert_string_equal(line, want);
	free(want);
	free(line);
	free(unrep);
}

static void test_volumes(void **state)
{
	const char *extra[] = { "--volume", "/data", "--volume", "/ro:/ro:ro",
				NULL };
	char *unrep, *line = emit_profile(*state, extra, NULL, &unrep);
	char *step = expected_with("--tmpfs /tmp ", "--tmpfs /tmp --bind /data "
				   "/data ");
	char *dir = "--ro-bind " SHIM_DIR " " SHIM_DIR " ";
	char *moved = strstr(step, dir);
	assert_non_null(moved);
	char want[2048];
	snprintf(want, sizeof want, "%.*s%s--ro-bind /ro /ro %s",
		 (int)(moved - step), step, dir, moved + strlen(dir));
	assert_string_equal(line, want);
	free(step);
	free(line);
	free(unrep);
}

/* The VM launcher's own test apply_sets_ld_library_path_to_shim_dir. */
static void test_ld_library_path_is_shim_dir(void **state)
{
	sw_spec *s = sw_spec_new();
	const char *none[] = { NULL };
	struct sw_shim_opts o = { .shim = SHIM, .args = none,
				  .host_root = *state };
	sw_error err = { 0 };
	assert_int_equal(sw_spec_profile_shim(s, &o, &err), 0);
	const struct sw_envop *found = NULL;
	for (size_t i = 0; i < s->nenv; i++)
		if (s->env[i].kind == SW_ENV_SET &&
		    strcmp(s->env[i].name, "LD_LIBRARY_PATH") == 0)
			found = &s->env[i];
	assert_non_null(found);
	assert_string_equal(found->value, SHIM_DIR);
	/* ...and it comes after --clearenv, which would wipe it. */
	assert_int_equal(s->env[0].kind, SW_ENV_CLEAR);
	sw_spec_free(s);
}

/* The VM launcher's own test apply_sets_die_with_parent_only_for_foreground. */
static void test_die_with_parent_only_foreground(void **state)
{
	for (int detached = 0; detached < 2; detached++) {
		sw_spec *s = sw_spec_new();
		struct sw_shim_opts o = { .shim = SHIM, .detached = detached,
					  .host_root = *state };
		assert_int_equal(sw_spec_profile_shim(s, &o, NULL), 0);
		char **argv;
		size_t argc;
		assert_int_equal(sw_compat_emit(s, &argv, &argc, NULL, NULL), 0);
		bool has = false;
		for (size_t i = 0; i < argc; i++)
			has = has || strcmp(argv[i], "--die-with-parent") == 0;
		assert_int_equal(has, !detached);
		assert_int_equal(s->detach, detached);
		sw_compat_strv_free(argv);
		sw_spec_free(s);
	}
}

static void test_existence_checks(void **state)
{
	char p[512];
	/* /dev/kvm appears: a dev-bind before /dev/net/tun's. */
	snprintf(p, sizeof p, "%s/dev/kvm", (char *)*state);
	sw_write_file(p, "", 0600);
	char *unrep, *line = emit_profile(*state, NULL, NULL, &unrep);
	unlink(p);
	char *want = expected_with("--dev-bind /dev/net/tun", "--dev-bind "
				   "/dev/kvm /dev/kvm --dev-bind /dev/net/tun");
	assert_string_equal(line, want);
	free(want);
	free(line);
	free(unrep);
	/* /lib64 and /etc/hosts go missing: their binds go too. A dangling
	 * symlink counts as missing, as Rust's Path::exists says. */
	snprintf(p, sizeof p, "%s/lib64", (char *)*state);
	assert_int_equal(rmdir(p), 0);
	assert_int_equal(symlink("/nonexistent/lib64", p), 0);
	char h[512];
	snprintf(h, sizeof h, "%s/etc/hosts", (char *)*state);
	assert_int_equal(unlink(h), 0);
	line = emit_profile(*state, NULL, NULL, &unrep);
	assert_null(strstr(line, "/lib64"));
	assert_null(strstr(line, "/etc/hosts"));
	assert_non_null(strstr(line, "--ro-bind /lib /lib --ro-bind /bin /bin"));
	unlink(p);
	assert_int_equal(mkdir(p, 0755), 0);
	sw_write_file(h, "", 0644);
	free(line);
	free(unrep);
}

static void test_shim_under_system_dir(void **state)
{
	sw_spec *s = sw_spec_new();
	const char *args[] = { "--serve" };
	struct sw_shim_opts o = { .shim = "/usr/libexec/boxlite/shim",
				  .args = args, .argc = 1,
				  .host_root = *state,
				  .rust_backtrace = "1" };
	assert_int_equal(sw_spec_profile_shim(s, &o, NULL), 0);
	/* Already under the /usr bind: not bound again; still the library
	 * path, and the command with its arguments. */
	for (size_t i = 0; i < s->nfs; i++)
		assert_false(s->fs[i].src &&
			     strcmp(s->fs[i].src, "/usr/libexec/boxlite") == 0);
	assert_string_equal(s->env[3].value, "/usr/libexec/boxlite");
	assert_string_equal(s->env[4].name, "RUST_BACKTRACE");
	assert_int_equal(s->argc, 2);
	assert_string_equal(s->argv[1], "--serve");
	/* The profile imposes no rlimit; the ones configured are set. */
	struct sw_rlimit r;
	assert_false(sw_spec_rlimit_get(s, RLIMIT_FSIZE, &r));
	assert_false(sw_spec_rlimit_get(s, RLIMIT_NOFILE, &r));
	assert_int_equal(s->nrlimits, 0);
	sw_spec_free(s);
	s = sw_spec_new();
	const struct sw_shim_rlimit lim[] = { { RLIMIT_NOFILE, 65536, 65536 },
					      { RLIMIT_CORE, 0, SW_RLIM_INF } };
	o.rlimits = lim;
	o.n_rlimits = 2;
	assert_int_equal(sw_spec_profile_shim(s, &o, NULL), 0);
	assert_true(sw_spec_rlimit_get(s, RLIMIT_NOFILE, &r));
	assert_true(r.soft == 65536 && r.hard == 65536);
	assert_true(sw_spec_rlimit_get(s, RLIMIT_CORE, &r));
	assert_true(r.soft == 0 && r.hard == SW_RLIM_INF);
	assert_false(sw_spec_rlimit_get(s, RLIMIT_FSIZE, &r));
	sw_spec_free(s);
}

static void test_refusals(void **state)
{
	sw_error err = { 0 };
	sw_spec *s = sw_spec_new();
	struct sw_shim_opts o = { .shim = "bin/shim", .host_root = *state };
	assert_int_equal(sw_spec_profile_shim(s, &o, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\"bin/shim\" is not absolute"));
	o.shim = "/shim";
	assert_int_equal(sw_spec_profile_shim(s, &o, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "must not live in /"));
	const char *bad[] = { ":/x" };
	o.shim = SHIM;
	o.ro_paths = bad;
	o.n_ro = 1;
	assert_int_equal(sw_spec_profile_shim(s, &o, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\":/x\": empty source"));
	/* Refused before anything was added. */
	assert_int_equal(s->nfs, 0);
	assert_int_equal(s->ns, 0);
	sw_spec_free(s);
}

/* The real binary, with the host root from SWRAP_HOST_ROOT. */
static void test_binary(void **state)
{
	char env[600];
	snprintf(env, sizeof env, "SWRAP_HOST_ROOT=%s", (char *)*state);
	const char *envv[] = { env, "RUST_LOG", "RUST_BACKTRACE", NULL };
	const char *argv[] = { sw_swrap(), "--emit-bwrap", "--profile", "shim",
			       "--", SHIM, "--x", NULL };
	struct sw_run r;
	sw_run_env(SW_AS_ROOT, envv, &r, argv);
	assert_int_equal(r.code, 0);
	char want[sizeof expected + 1];
	snprintf(want, sizeof want, "%s\n", expected);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
	sw_run_free(&r);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_root, remove_root)
	const struct CMUnitTest tests[] = {
		T(test_exact_line),
		T(test_detach_drops_die_with_parent),
		T(test_landlock_flag),
		T(test_disable_userns_by_default),
		T(test_host_ids),
		T(test_rust_log_follows_ld_library_path),
		T(test_volumes),
		T(test_ld_library_path_is_shim_dir),
		T(test_die_with_parent_only_foreground),
		T(test_existence_checks),
		T(test_shim_under_system_dir),
		T(test_refusals),
		T(test_binary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
