/* test_install.c — issue 7: `make install` into a temporary DESTDIR holds
 * every file (the shared library under its versioned name, with its soname
 * and links), and examples/launcher.c builds with pkg-config alone against
 * that tree — shared and static — and runs the shim case.
 *
 * Runs from the top of the source tree (as `make check` does) and drives
 * the inner make target _install for the build in $SW_BUILD. */
#include "harness.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char destdir[64];      /* the DESTDIR */
static char usr[128];         /* $destdir/usr/local */
static char make_vars[PATH_MAX]; /* BUILD=... [SANITIZE=1] */
static const char *san_flags; /* the sanitizers, when the build has them */

/* Runs a shell command; returns its exit status (or 128+signal). */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	assert_true(st != -1);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The whole output of a shell command (malloc'd) and its status. */
static char *sh_out(int *code, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	int st = pclose(f);
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return buf;
}

/* $SW_BUILD is build or build/san (SANITIZE=1 builds in $(BUILD)/san). */
static void build_vars(void)
{
	const char *b = getenv("SW_BUILD");
	char base[PATH_MAX];
	snprintf(base, sizeof base, "%s", b ? b : "build");
	size_t n = strlen(base);
	san_flags = "";
	if (n > 4 && !strcmp(base + n - 4, "/san")) {
		base[n - 4] = 0;
		san_flags = "-fsanitize=address,undefined";
	}
	snprintf(make_vars, sizeof make_vars, "BUILD='%s'%s", base,
		 san_flags[0] ? " SANITIZE=1" : "");
}

static int install_tree(void **state)
{
	(void)state;
	if (access("mk/install.mk", R_OK) < 0)
		fail_msg("run from the top of the source tree (mk/install.mk: %s)",
			 strerror(errno));
	build_vars();
	snprintf(destdir, sizeof destdir, "/tmp/swinstall.XXXXXX");
	assert_non_null(mkdtemp(destdir));
	snprintf(usr, sizeof usr, "%s/usr/local", destdir);
	/* The inner target straight away; a make above us must not leak its
	 * flags (SANITIZE, -j server) into this one. */
	int rc = sh("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "
		    "--no-print-directory SW_INNER=1 %s _install PREFIX=/usr/local "
		    "DESTDIR='%s' >'%s/make.log' 2>&1 || cat '%s/make.log' >&2",
		    make_vars, destdir, destdir, destdir);
	assert_int_equal(rc, 0);
	return 0;
}

static int remove_tree(void **state)
{
	(void)state;
	if (destdir[0])
		sw_rmtree(destdir);
	return 0;
}

static void assert_file(const char *rel, mode_t type, mode_t perm)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", usr, rel);
	if (lstat(path, &st) < 0)
		fail_msg("%s: %s", path, strerror(errno));
	if ((st.st_mode & S_IFMT) != type)
		fail_msg("%s: wrong file type", path);
	if (type == S_IFREG) {
		assert_true(st.st_size > 0);
		assert_int_equal(st.st_mode & 07777, perm);
	}
}

static void assert_link(const char *rel, const char *target)
{
	char path[PATH_MAX], got[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", usr, rel);
	ssize_t n = readlink(path, got, sizeof got - 1);
	if (n < 0)
		fail_msg("%s: %s", path, strerror(errno));
	got[n] = 0;
	assert_string_equal(got, target);
}

static void test_every_file(void **state)
{
	(void)state;
	assert_file("bin/swrap", S_IFREG, 0755);
	assert_file("lib/libswrap.a", S_IFREG, 0644);
	assert_file("lib/libswrap.so.0.1.0", S_IFREG, 0755);
	assert_file("lib/libswrap.so.0", S_IFLNK, 0);
	assert_file("lib/libswrap.so", S_IFLNK, 0);
	assert_link("lib/libswrap.so.0", "libswrap.so.0.1.0");
	assert_link("lib/libswrap.so", "libswrap.so.0");
	assert_file("include/swrap.h", S_IFREG, 0644);
	assert_file("lib/pkgconfig/swrap.pc", S_IFREG, 0644);
	assert_file("share/man/man1/swrap.1", S_IFREG, 0644);
	assert_file("share/man/man3/libswrap.3", S_IFREG, 0644);
	/* No bwrap link unless asked for. */
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/bin/bwrap", usr);
	assert_int_equal(lstat(path, &st), -1);
}

/* INSTALL_BWRAP_LINK=1: bin/bwrap -> swrap, which then runs as bwrap;
 * an existing bwrap is never replaced. */
static void test_bwrap_link(void **state)
{
	(void)state;
	char dir[64], path[PATH_MAX + 64], got[PATH_MAX];
	snprintf(dir, sizeof dir, "/tmp/swinstall-link.XXXXXX");
	assert_non_null(mkdtemp(dir));
	const char *make = "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "
			   "--no-print-directory SW_INNER=1";
	int rc = sh("%s %s _install PREFIX=/usr INSTALL_BWRAP_LINK=1 "
		    "DESTDIR='%s/a' >/dev/null", make, make_vars, dir);
	assert_int_equal(rc, 0);
	snprintf(path, sizeof path, "%s/a/usr/bin/bwrap", dir);
	ssize_t n = readlink(path, got, sizeof got - 1);
	assert_true(n > 0);
	got[n] = 0;
	assert_string_equal(got, "swrap");
	/* Invoked through it, swrap is bwrap: help and messages say so. */
	snprintf(path, sizeof path, "'%s/a/usr/bin/bwrap' --help | head -1", dir);
	char *out = sh_out(&rc, path);
	assert_int_equal(rc, 0);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "usage: %s/a/usr/bin/bwrap [OPTIONS...] [--] "
		 "COMMAND [ARGS...]\n", dir);
	assert_string_equal(out, want);
	free(out);
	snprintf(path, sizeof path, "'%s/a/usr/bin/bwrap' --frob 2>&1", dir);
	out = sh_out(&rc, path);
	assert_int_equal(rc, 1);
	assert_string_equal(out, "bwrap: unknown option --frob\n");
	free(out);
	/* An existing bwrap (a file, or a link elsewhere) stays. */
	const char *kinds[] = { "file", "link" };
	for (int k = 0; k < 2; k++) {
		rc = sh("mkdir -p '%s/%s/usr/bin'", dir, kinds[k]);
		assert_int_equal(rc, 0);
		snprintf(path, sizeof path, "%s/%s/usr/bin/bwrap", dir, kinds[k]);
		if (k == 0)
			sw_write_file(path, "#!/bin/sh\n", 0755);
		else
			assert_int_equal(symlink("/usr/bin/bwrap", path), 0);
		rc = sh("%s %s _install PREFIX=/usr INSTALL_BWRAP_LINK=1 "
			"DESTDIR='%s/%s' >/dev/null", make, make_vars, dir, kinds[k]);
		assert_int_equal(rc, 0);
		struct stat st;
		assert_int_equal(lstat(path, &st), 0);
		if (k == 0) {
			assert_true(S_ISREG(st.st_mode));
		} else {
			n = readlink(path, got, sizeof got - 1);
			assert_true(n > 0);
			got[n] = 0;
			assert_string_equal(got, "/usr/bin/bwrap");
		}
	}
	/* uninstall removes only its own link. */
	rc = sh("%s %s _uninstall PREFIX=/usr DESTDIR='%s/link' >/dev/null && "
		"%s %s _uninstall PREFIX=/usr DESTDIR='%s/a' >/dev/null", make,
		make_vars, dir, make, make_vars, dir);
	assert_int_equal(rc, 0);
	struct stat st;
	snprintf(path, sizeof path, "%s/link/usr/bin/bwrap", dir);
	assert_int_equal(lstat(path, &st), 0);
	snprintf(path, sizeof path, "%s/a/usr/bin/bwrap", dir);
	assert_int_equal(lstat(path, &st), -1);
	sw_rmtree(dir);
}

static void test_soname(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 64];
	int code;
	snprintf(cmd, sizeof cmd, "readelf -d '%s/lib/libswrap.so.0.1.0'", usr);
	char *out = sh_out(&code, cmd);
	assert_int_equal(code, 0);
	if (!strstr(out, "Library soname: [libswrap.so.0]"))
		fail_msg("no soname libswrap.so.0 in:\n%s", out);
	free(out);
}

static void test_installed_swrap_runs(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 64];
	int code;
	snprintf(cmd, sizeof cmd, "'%s/bin/swrap' --version", usr);
	char *out = sh_out(&code, cmd);
	assert_int_equal(code, 0);
	assert_string_equal(out, "swrap 0.1.0\n");
	free(out);
}

static void test_pc_file(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 64];
	int code;
	snprintf(cmd, sizeof cmd, "cat '%s/lib/pkgconfig/swrap.pc'", usr);
	char *pc = sh_out(&code, cmd);
	assert_int_equal(code, 0);
	const char *want[] = { "prefix=/usr/local\n", "libdir=${prefix}/lib\n",
			       "includedir=${prefix}/include\n", "Version: 0.1.0\n",
			       "Cflags: -I${includedir}\n",
			       "Libs: -L${libdir} -lswrap\n",
			       "Requires.private: mount libcap libseccomp\n" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(pc, want[i]))
			fail_msg("swrap.pc lacks '%s':\n%s", want[i], pc);
	free(pc);
}

/* Builds the example with `pkg-config [static] --cflags --libs swrap`
 * pointed at the DESTDIR, into $destdir/NAME. */
static void build_example(const char *name, const char *static_libs)
{
	int rc = sh("cc -std=gnu11 -Wall -Wextra -Werror %s -o '%s/%s' "
		    "examples/launcher.c $(PKG_CONFIG_PATH='%s/lib/pkgconfig' "
		    "pkg-config --define-variable=prefix='%s' %s --cflags --libs swrap%s)",
		    san_flags, destdir, name, usr, usr,
		    static_libs ? "--static" : "",
		    static_libs ? static_libs : "");
	assert_int_equal(rc, 0);
}

/* Runs $destdir/NAME on jt with args; returns its stdout (malloc'd). */
static char *run_example(const char *name, const char *args, int *code)
{
	char cmd[PATH_MAX * 2];
	snprintf(cmd, sizeof cmd, "LD_LIBRARY_PATH='%s/lib' '%s/%s' '%s' %s",
		 usr, destdir, name, sw_helper("jt"), args);
	return sh_out(code, cmd);
}

static void test_example_shared(void **state)
{
	(void)state;
	char cmd[PATH_MAX * 2], want[PATH_MAX];
	int code;
	build_example("launcher", NULL);
	/* It really uses the installed shared library. */
	snprintf(cmd, sizeof cmd, "LD_LIBRARY_PATH='%s/lib' ldd '%s/launcher'", usr, destdir);
	char *out = sh_out(&code, cmd);
	snprintf(want, sizeof want, "libswrap.so.0 => %s/lib/libswrap.so.0 ", usr);
	if (!strstr(out, want))
		fail_msg("'%s' not in:\n%s", want, out);
	free(out);
	out = run_example("launcher", "ids", &code);
	assert_int_equal(code, 0);
	assert_string_equal(out, "ids: 0 0 0 0\nexit code: 0\n");
	free(out);
	out = run_example("launcher", "exit 7", &code);
	assert_int_equal(code, 7);
	assert_non_null(strstr(out, "exit code: 7\n"));
	free(out);
}

/* libswrap.a: its private dependencies come from Requires.private. */
static void test_example_static_archive(void **state)
{
	(void)state;
	char cmd[PATH_MAX * 2];
	int code;
	build_example("launcher-static", " | sed 's/-lswrap/-l:libswrap.a/'");
	snprintf(cmd, sizeof cmd, "ldd '%s/launcher-static'", destdir);
	char *out = sh_out(&code, cmd);
	assert_null(strstr(out, "libswrap"));
	free(out);
	out = run_example("launcher-static", "ids", &code);
	assert_int_equal(code, 0);
	assert_string_equal(out, "ids: 0 0 0 0\nexit code: 0\n");
	free(out);
}

static void test_uninstall(void **state)
{
	(void)state;
	char path[PATH_MAX];
	int rc = sh("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "
		    "--no-print-directory SW_INNER=1 %s _uninstall PREFIX=/usr/local "
		    "DESTDIR='%s'", make_vars, destdir);
	assert_int_equal(rc, 0);
	const char *gone[] = { "bin/swrap", "lib/libswrap.a", "lib/libswrap.so.0.1.0",
			       "lib/libswrap.so.0", "lib/libswrap.so", "include/swrap.h",
			       "lib/pkgconfig/swrap.pc", "share/man/man1/swrap.1",
			       "share/man/man3/libswrap.3" };
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", usr, gone[i]);
		if (lstat(path, &st) == 0)
			fail_msg("%s is still there", path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_file),
		cmocka_unit_test(test_soname),
		cmocka_unit_test(test_bwrap_link),
		cmocka_unit_test(test_installed_swrap_runs),
		cmocka_unit_test(test_pc_file),
		cmocka_unit_test(test_example_shared),
		cmocka_unit_test(test_example_static_archive),
		cmocka_unit_test(test_uninstall), /* last: it empties the tree */
	};
	return cmocka_run_group_tests(tests, install_tree, remove_tree);
}
