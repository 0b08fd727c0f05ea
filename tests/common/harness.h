/* harness.h — shared by integration tests: run swrap (or any program) as
 * root or as an unprivileged uid, capture its output and exit code.
 *
 * Test binaries run as root; a test that must run unprivileged forks and
 * drops to SW_TEST_UID with setgroups/setresgid/setresuid before exec, so no
 * pre-made user is needed. SW_BOTH(fn) lists a test twice: as root and as
 * the unprivileged uid (the state passed to fn says which).
 */
#ifndef SW_HARNESS_H
#define SW_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <sys/types.h>

#define SW_TEST_UID 4242
#define SW_TEST_GID 4242

enum sw_as { SW_AS_ROOT, SW_AS_USER };
extern enum sw_as sw_as_root_v, sw_as_user_v;

#define SW_AS(state) (*(enum sw_as *)*(state))
#define SW_BOTH(fn)                                                    \
	{ #fn "/root", fn, NULL, NULL, &sw_as_root_v },                \
	{ #fn "/user", fn, NULL, NULL, &sw_as_user_v }

struct sw_run {
	int code;  /* exit code, or 128+signal */
	char *out; /* stdout, NUL-terminated */
	char *err; /* stderr, NUL-terminated */
};

/* The programs the tests run, as absolute paths that SW_TEST_UID can
 * reach: the build's own when it can, else copies staged before main in a
 * root-owned 0755 directory under /tmp (see "staging" in harness.c). The
 * build directory is $SW_BUILD, else build (relative to the cwd). */
/* The swrap under test ($SWRAP, else $SW_BUILD/swrap). */
const char *sw_swrap(void);
/* A static helper program from tests/helpers ($SW_BUILD/tests/helpers/NAME). */
const char *sw_helper(const char *name);
/* The parity probe ($SW_BUILD/tests/parity/probe). */
const char *sw_parity_probe(void);
/* The static swrap ($SWRAP_STATIC, else $SW_BUILD/static/swrap); the
 * path is returned even when the file is missing. */
const char *sw_static_swrap(void);

/* The directory sw_run_env() runs argv in for `as`: the test binary's cwd;
 * for SW_AS_USER /tmp instead when SW_TEST_UID can't reach that (a
 * checkout in a 0700 directory), so that the unprivileged launcher's cwd
 * is one it could have got to itself. */
const char *sw_run_cwd(enum sw_as as);

/* Runs argv (argv[0] is a path) as `as` in sw_run_cwd(as), stdin from /dev/null, with extra
 * environment entries ("K=V" sets, a bare "K" unsets; NULL-terminated, may
 * be NULL) applied to ours.
 * Aborts the test when the run could not be started or took over 60 s. */
void sw_run_env(enum sw_as as, const char *const *env, struct sw_run *r,
		const char *const *argv);
void sw_run(enum sw_as as, struct sw_run *r, const char *const *argv);
/* The same, with swrap as argv[0]: SW_SWRAP(as, &r, "--ro-bind", ...). */
#define SW_SWRAP(as, r, ...)                                           \
	sw_run(as, r, (const char *const[]){ sw_swrap(), __VA_ARGS__, NULL })
void sw_run_free(struct sw_run *r);

/* In a forked child: become SW_TEST_UID/GID with no supplementary groups. */
void sw_drop_privileges(void);

/* A fresh directory under /tmp, owned by the uid that `as` runs as.
 * Returns a malloc'd path; sw_rmtree() removes it. */
char *sw_tmpdir(enum sw_as as);
void sw_rmtree(const char *path);
/* Writes a file (mode) with the given content. */
void sw_write_file(const char *path, const char *content, mode_t mode);

/* Number of this process's open fds (to check nothing leaked). */
int sw_count_fds(void);

/* Fails the test unless all five Cap* lines of a /proc/PID/status text
 * (CapInh, CapPrm, CapEff, CapBnd, CapAmb) are hex. */
void sw_expect_caps(const char *status, const char *hex);

/* The deepest directory under /sys/fs/cgroup whose name starts with
 * prefix, or NULL (a static buffer). For "nothing left" checks. */
const char *sw_cgroup_leftover(const char *prefix);

/* Runs argv as SW_TEST_UID from inside the cgroup2 (or v1) directories
 * dirs[0..n) (its pid written to each cgroup.procs by root first), both
 * streams into out (NUL-terminated). Reads until argv[0] has exited, not
 * until EOF: a detached jail keeps the pipe. Returns the exit code, or
 * 128+signal; 124 when a cgroup.procs write failed. */
int sw_run_in_cgroups(const char *const *dirs, size_t n, const char *const *argv,
		      char *out, size_t len);

/* Does s contain line (a whole line)? */
bool sw_has_line(const char *s, const char *line);

#endif
