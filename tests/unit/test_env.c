/* test_env.c — the parent half of src/env: environment building, rlimit
 * plan, capability rules, fd keep list, BPF program checks, Landlock
 * rights and rules. Pure: no
 * namespaces, no forks (test_env_child.c runs the child half).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "env/env_internal.h"

extern char **environ;

#define BIT(c) (UINT64_C(1) << (c))

/* ---- environment ------------------------------------------------------ */

static struct sw_envop SET(const char *n, const char *v)
{
	return (struct sw_envop){ SW_ENV_SET, (char *)n, (char *)v };
}
static struct sw_envop UNSET(const char *n)
{
	return (struct sw_envop){ SW_ENV_UNSET, (char *)n, NULL };
}
static struct sw_envop CLEAR(void)
{
	return (struct sw_envop){ SW_ENV_CLEAR, NULL, NULL };
}

static char *const base[] = { "A=1", "B=2", "A=dup", "C=", "PATH=/p",
			      "NOEQUALS", NULL };

/* Builds from base with ops, compares with the expected list. */
static void expect_env(const struct sw_envop *ops, size_t n,
		       const char *const *want)
{
	struct sw_env_list l = { 0 };
	sw_error err = { 0 };
	assert_int_equal(sw_env_build(base, ops, n, &l, &err), 0);
	size_t i = 0;
	for (; want[i]; i++) {
		assert_true(i < l.n);
		assert_string_equal(l.v[i], want[i]);
	}
	assert_int_equal(l.n, i);
	if (l.v)
		assert_null(l.v[l.n]);
	sw_env_list_free(&l);
}

#define OPS(...) ((const struct sw_envop[]){ __VA_ARGS__ })
#define NOPS(...) (sizeof OPS(__VA_ARGS__) / sizeof(struct sw_envop))
#define WANT(...) ((const char *const[]){ __VA_ARGS__ })

static void env_no_ops_copies(void **state)
{
	(void)state;
	expect_env(NULL, 0, WANT("A=1", "B=2", "A=dup", "C=", "PATH=/p",
				 "NOEQUALS", NULL));
}

static void env_clear_empties(void **state)
{
	(void)state;
	expect_env(OPS(CLEAR()), 1, WANT(NULL));
}

static void env_clear_then_set(void **state)
{
	(void)state;
	expect_env(OPS(CLEAR(), SET("X", "1"), SET("Y", "2")), 3,
		   WANT("X=1", "Y=2", NULL));
}

static void env_set_existing_in_place(void **state)
{
	(void)state;
	/* glibc setenv: the first A= entry is replaced, the duplicate stays */
	expect_env(OPS(SET("A", "new")), 1,
		   WANT("A=new", "B=2", "A=dup", "C=", "PATH=/p", "NOEQUALS",
			NULL));
}

static void env_set_new_appends(void **state)
{
	(void)state;
	expect_env(OPS(SET("Z", "z=z")), 1,
		   WANT("A=1", "B=2", "A=dup", "C=", "PATH=/p", "NOEQUALS",
			"Z=z=z", NULL));
}

static void env_unset_removes_all(void **state)
{
	(void)state;
	expect_env(OPS(UNSET("A"), UNSET("NOEQUALS"), UNSET("MISSING")), 3,
		   WANT("B=2", "C=", "PATH=/p", "NOEQUALS", NULL));
}

static void env_set_clear_set(void **state)
{
	(void)state;
	expect_env(OPS(SET("X", "1"), CLEAR(), SET("B", "3")), 3,
		   WANT("B=3", NULL));
}

static void env_unset_then_set_moves_to_end(void **state)
{
	(void)state;
	expect_env(OPS(UNSET("B"), SET("B", "back")), 2,
		   WANT("A=1", "A=dup", "C=", "PATH=/p", "NOEQUALS", "B=back",
			NULL));
}

static void env_set_then_unset(void **state)
{
	(void)state;
	expect_env(OPS(SET("N", "1"), SET("A", "x"), UNSET("N")), 3,
		   WANT("A=x", "B=2", "A=dup", "C=", "PATH=/p", "NOEQUALS",
			NULL));
}

static void env_set_twice_last_wins(void **state)
{
	(void)state;
	expect_env(OPS(CLEAR(), SET("K", "1"), SET("K", ""), CLEAR(),
		       SET("K", "3"), UNSET("Q")), 6,
		   WANT("K=3", NULL));
}

static void env_prefix_names_are_distinct(void **state)
{
	(void)state;
	/* unsetting "A" must not touch "AB", nor "PAT" touch PATH */
	static char *const b2[] = { "AB=1", "A=2", "PATH=/x", NULL };
	struct sw_env_list l = { 0 };
	sw_error err = { 0 };
	const struct sw_envop ops[] = { UNSET("A"), UNSET("PAT") };
	assert_int_equal(sw_env_build(b2, ops, 2, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "AB=1");
	assert_string_equal(l.v[1], "PATH=/x");
	assert_string_equal(sw_env_list_get(&l, "PATH"), "/x");
	assert_null(sw_env_list_get(&l, "PAT"));
	sw_env_list_free(&l);
}

static void env_bad_names_rejected(void **state)
{
	(void)state;
	struct sw_env_list l = { 0 };
	sw_error err = { 0 };
	const struct sw_envop bad1[] = { SET("A=B", "1") };
	assert_int_equal(sw_env_build(base, bad1, 1, &l, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--setenv"));
	assert_non_null(strstr(err.msg, "A=B"));
	const struct sw_envop bad2[] = { UNSET("") };
	assert_int_equal(sw_env_build(base, bad2, 1, &l, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--unsetenv"));
}

/* ---- the whole plan: PWD, PATH, HOME, argv ---------------------------- */

static sw_spec *spec_with(const char *const *argv, size_t argc)
{
	sw_spec *s = sw_spec_new();
	assert_non_null(s);
	assert_int_equal(sw_spec_argv(s, argc, argv, NULL), 0);
	return s;
}

static struct sw_env_plan *plan_for(sw_spec *s, char **env)
{
	char **saved = environ;
	environ = env;
	struct sw_env_plan *p = NULL;
	sw_error err = { 0 };
	int r = sw_env_plan_new(s, 4242, &p, &err);
	environ = saved;
	if (r < 0)
		fail_msg("sw_env_plan_new: %s", err.msg);
	return p;
}

static size_t envp_len(char *const *e)
{
	size_t n = 0;
	while (e[n])
		n++;
	return n;
}

static void plan_pwd_appended_and_set(void **state)
{
	(void)state;
	char *env[] = { "HOME=/home/x", "PATH=/a:/b", NULL };
	sw_spec *s = spec_with(WANT("prog", "arg"), 2);
	struct sw_env_plan *p = plan_for(s, env);
	char *const *e = sw_env_plan_envp(p);
	assert_int_equal(envp_len(e), 3);
	assert_string_equal(e[0], "HOME=/home/x");
	assert_string_equal(e[1], "PATH=/a:/b");
	assert_string_equal(e[2], "PWD=/");
	assert_int_equal(sw_env_child_set_pwd(p, "/srv/dir"), 0);
	assert_string_equal(e[2], "PWD=/srv/dir");
	char big[PATH_MAX + 8];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_int_equal(sw_env_child_set_pwd(p, big), -ENAMETOOLONG);
	assert_string_equal(sw_env_plan_home(p), "/home/x");
	assert_string_equal(p->path, "/a:/b");
	assert_string_equal(p->file, "prog");
	assert_string_equal(p->argv[0], "prog");
	assert_string_equal(p->argv[1], "arg");
	assert_null(p->argv[2]);
	sw_env_plan_free(p);
	sw_spec_free(s);
}

static void plan_pwd_replaced_in_place_chdir(void **state)
{
	(void)state;
	char *env[] = { "PWD=/old", "X=1", NULL };
	sw_spec *s = spec_with(WANT("prog"), 1);
	assert_int_equal(sw_spec_chdir(s, "/srv", NULL), 0);
	assert_int_equal(sw_spec_setenv(s, "PWD", "/set", NULL), 0);
	assert_int_equal(sw_spec_argv0(s, "shown", NULL), 0);
	struct sw_env_plan *p = plan_for(s, env);
	char *const *e = sw_env_plan_envp(p);
	assert_int_equal(envp_len(e), 2);
	assert_string_equal(e[0], "PWD=/srv");
	assert_string_equal(e[1], "X=1");
	assert_null(sw_env_plan_home(p));
	assert_string_equal(p->path, SW_ENV_DEFAULT_PATH);
	assert_string_equal(p->file, "prog");
	assert_string_equal(p->argv[0], "shown");
	sw_env_plan_free(p);
	sw_spec_free(s);
}

static void plan_clearenv_path_default(void **state)
{
	(void)state;
	char *env[] = { "PATH=/host", "HOME=/h", NULL };
	sw_spec *s = spec_with(WANT("prog"), 1);
	assert_int_equal(sw_spec_clearenv(s, NULL), 0);
	assert_int_equal(sw_spec_setenv(s, "HOME", "/jail", NULL), 0);
	struct sw_env_plan *p = plan_for(s, env);
	char *const *e = sw_env_plan_envp(p);
	assert_int_equal(envp_len(e), 2);
	assert_string_equal(e[0], "HOME=/jail");
	assert_string_equal(e[1], "PWD=/");
	assert_string_equal(p->path, "/bin:/usr/bin");
	assert_string_equal(sw_env_plan_home(p), "/jail");
	sw_env_plan_free(p);
	sw_spec_free(s);
}

/* ---- rlimits ---------------------------------------------------------- */

static void add_rlimit(sw_spec *s, int res, uint64_t soft, uint64_t hard)
{
	s->rlimits = realloc(s->rlimits, (s->nrlimits + 1) * sizeof *s->rlimits);
	s->rlimits[s->nrlimits++] = (struct sw_rlimit){ res, soft, hard };
}

static void rlimit_last_wins(void **state)
{
	(void)state;
	sw_spec *s = spec_with(WANT("prog"), 1);
	add_rlimit(s, RLIMIT_NOFILE, 100, 200);
	add_rlimit(s, RLIMIT_CORE, 0, SW_RLIM_INF);
	add_rlimit(s, RLIMIT_NOFILE, 64, 128);
	add_rlimit(s, RLIMIT_CORE, 0, 0);
	struct sw_env_plan *p = plan_for(s, NULL);
	assert_int_equal(p->nrlim, 2);
	assert_int_equal(p->rlim[0].resource, RLIMIT_NOFILE);
	assert_int_equal(p->rlim[0].soft, 64);
	assert_int_equal(p->rlim[0].hard, 128);
	assert_int_equal(p->rlim[1].resource, RLIMIT_CORE);
	assert_int_equal(p->rlim[1].hard, 0);
	sw_env_plan_free(p);
	sw_spec_free(s);
}

static void rlimit_infinity(void **state)
{
	(void)state;
	struct rlimit cur;
	assert_int_equal(getrlimit(RLIMIT_CPU, &cur), 0);
	sw_spec *s = spec_with(WANT("prog"), 1);
	add_rlimit(s, RLIMIT_CPU, SW_RLIM_INF, SW_RLIM_INF);
	struct sw_env_plan *p = NULL;
	sw_error err = { 0 };
	int r = sw_env_plan_new(s, 4242, &p, &err);
	if (cur.rlim_max == RLIM_INFINITY) {
		assert_int_equal(r, 0);
		assert_true(p->rlim[0].soft == (uint64_t)RLIM_INFINITY);
		assert_true(p->rlim[0].hard == (uint64_t)RLIM_INFINITY);
	} else {
		assert_int_equal(r, -EPERM);
	}
	sw_env_plan_free(p);
	sw_spec_free(s);
}

static void rlimit_rejects(void **state)
{
	(void)state;
	struct rlimit cur;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &cur), 0);
	sw_error err = { 0 };
	struct sw_env_plan *p = NULL;
	sw_spec *s = spec_with(WANT("prog"), 1);
	add_rlimit(s, RLIMIT_NOFILE, 50, 40);
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), -EINVAL);
	assert_null(p);
	assert_non_null(strstr(err.msg, "NOFILE"));
	assert_non_null(strstr(err.msg, "soft limit is above the hard"));
	s->rlimits[0] = (struct sw_rlimit){ RLIMIT_NOFILE, 10,
					    (uint64_t)cur.rlim_max + 1 };
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), -EPERM);
	assert_non_null(strstr(err.msg, "--rlimit NOFILE: the hard limit"));
	assert_non_null(strstr(err.msg, "user namespace"));
	s->rlimits[0].resource = 99;
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown resource 99"));
	sw_spec_free(s);
}

/* ---- capabilities: the rules, on fabricated launcher states ----------- */

static const uint64_t VALID = BIT(CAP_LAST_CAP + 1) - 1;
/* A root launcher in a container without CAP_SYS_RESOURCE (like CI's). */
static const struct sw_env_capstate ROOT = {
	.eff = VALID & ~BIT(CAP_SYS_RESOURCE),
	.prm = VALID & ~BIT(CAP_SYS_RESOURCE),
	.inh = 0,
	.bnd = VALID & ~BIT(CAP_SYS_RESOURCE),
	.valid = VALID,
};
static const struct sw_env_capstate USER = { .bnd = VALID, .valid = VALID };

#define CAPS(...) ((const struct sw_capop[]){ __VA_ARGS__ })
#define ADD(c) { true, c }
#define DROP(c) { false, c }

static struct sw_env_caps caps(const struct sw_capop *ops, size_t n,
			       uid_t euid, bool userns,
			       const struct sw_env_capstate *st)
{
	struct sw_env_caps c;
	sw_error err = { 0 };
	if (sw_env_caps_compute(ops, n, euid, userns, st, &c, &err) < 0)
		fail_msg("caps: %s", err.msg);
	return c;
}

static void caps_user_default_empty(void **state)
{
	(void)state;
	struct sw_env_caps c = caps(NULL, 0, 4242, true, &USER);
	assert_true(c.requested == 0);
	assert_true(c.do_bounding);
	assert_true(c.do_capset);
}

static void caps_user_add_and_drop(void **state)
{
	(void)state;
	struct sw_env_caps c =
		caps(CAPS(ADD(CAP_NET_ADMIN)), 1, 4242, true, &USER);
	assert_true(c.requested == BIT(CAP_NET_ADMIN));
	assert_true(c.do_bounding && c.do_capset);
	c = caps(CAPS(ADD(-1), DROP(CAP_NET_ADMIN)), 2, 4242, true, &USER);
	assert_true(c.requested == (VALID & ~BIT(CAP_NET_ADMIN)));
	c = caps(CAPS(ADD(CAP_NET_ADMIN), DROP(-1), ADD(CAP_CHOWN)), 3, 4242,
		 true, &USER);
	assert_true(c.requested == BIT(CAP_CHOWN));
	/* a user namespace gives every cap, even one the host lacks */
	c = caps(CAPS(ADD(CAP_SYS_RESOURCE)), 1, 4242, true, &USER);
	assert_true(c.requested == BIT(CAP_SYS_RESOURCE));
}

/* Unlike bubblewrap, a uid-0 launcher's command gets no capability unless
 * asked (bubblewrap hands it all of root's): capset always, and the
 * bounding set cut even without a user namespace. */
static void caps_root_default_empty(void **state)
{
	(void)state;
	struct sw_env_caps c = caps(NULL, 0, 0, false, &ROOT);
	assert_true(c.requested == 0);
	assert_true(c.do_capset && c.do_bounding);
	c = caps(NULL, 0, 0, true, &ROOT);
	assert_true(c.requested == 0);
	assert_true(c.do_capset && c.do_bounding);
}

static void caps_root_drop(void **state)
{
	(void)state;
	/* dropping from nothing leaves nothing */
	struct sw_env_caps c =
		caps(CAPS(DROP(CAP_NET_ADMIN)), 1, 0, false, &ROOT);
	assert_true(c.requested == 0);
	c = caps(CAPS(ADD(-1), DROP(CAP_NET_ADMIN)), 2, 0, false, &ROOT);
	assert_true(c.requested == (ROOT.eff & ~BIT(CAP_NET_ADMIN)));
	c = caps(CAPS(DROP(-1), ADD(CAP_NET_ADMIN)), 2, 0, true, &ROOT);
	assert_true(c.requested == BIT(CAP_NET_ADMIN));
	assert_true(c.do_capset && c.do_bounding);
}

static void caps_root_all_is_what_it_can_pass(void **state)
{
	(void)state;
	struct sw_env_caps c = caps(CAPS(DROP(-1), ADD(-1)), 2, 0, false, &ROOT);
	assert_true(c.requested == ROOT.eff);
	/* in a user namespace ALL is every cap the kernel knows */
	c = caps(CAPS(ADD(-1)), 1, 0, true, &ROOT);
	assert_true(c.requested == VALID);
}

static void caps_root_cannot_add_missing(void **state)
{
	(void)state;
	struct sw_env_caps c;
	sw_error err = { 0 };
	const struct sw_capop ops[] = { DROP(-1), ADD(CAP_SYS_RESOURCE) };
	assert_int_equal(sw_env_caps_compute(ops, 2, 0, false, &ROOT, &c, &err),
			 -EPERM);
	assert_non_null(strstr(err.msg, "--cap-add CAP_SYS_RESOURCE"));
	/* dropping one it lacks is fine */
	c = caps(CAPS(ADD(-1), DROP(CAP_SYS_RESOURCE)), 2, 0, false, &ROOT);
	assert_true(c.requested == ROOT.eff);
}

static void caps_unknown_rejected(void **state)
{
	(void)state;
	struct sw_env_capstate st = USER;
	st.valid = BIT(38) - 1; /* an older kernel: caps 0..37 */
	struct sw_env_caps c;
	sw_error err = { 0 };
	const struct sw_capop ops[] = { ADD(40) };
	assert_int_equal(sw_env_caps_compute(ops, 1, 4242, true, &st, &c, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "capability 40"));
}

static void caps_real_state(void **state)
{
	(void)state;
	struct sw_env_capstate st;
	sw_error err = { 0 };
	assert_int_equal(sw_env_capstate_read(&st, &err), 0);
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &last), 1);
	fclose(f);
	assert_true(st.valid == BIT(last + 1) - 1);
	assert_true((st.eff & ~st.prm) == 0);
	assert_true((st.bnd & ~st.valid) == 0);
}

/* ---- fds -------------------------------------------------------------- */

static void fds_keep_list_sorted(void **state)
{
	(void)state;
	int a = dup(2), b = dup(2), c = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sw_spec *s = spec_with(WANT("prog"), 1);
	s->keep_fds = malloc(3 * sizeof(int));
	s->keep_fds[0] = c;
	s->keep_fds[1] = a;
	s->keep_fds[2] = c;
	s->nkeep = 3;
	s->sync_fd = b;
	struct sw_env_plan *p = plan_for(s, NULL);
	assert_int_equal(p->nkeep, 6);
	int want[] = { 0, 1, 2, a, b, c };
	for (int i = 0; i < 6; i++)
		assert_int_equal(p->keep[i], want[i]);
	assert_int_equal(p->nuncloexec, 3);
	assert_true(p->fd_scan_max > c);
	sw_env_plan_free(p);
	close(a);
	close(b);
	close(c);
	sw_spec_free(s);
}

static void fds_bad_keep_rejected(void **state)
{
	(void)state;
	int fd = dup(2);
	close(fd); /* now closed */
	sw_spec *s = spec_with(WANT("prog"), 1);
	s->keep_fds = malloc(sizeof(int));
	s->keep_fds[0] = fd;
	s->nkeep = 1;
	struct sw_env_plan *p = NULL;
	sw_error err = { 0 };
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), -EBADF);
	char want[64];
	snprintf(want, sizeof want, "--keep-fd %d: not an open fd", fd);
	assert_string_equal(err.msg, want);
	sw_spec_free(s);
}

/* ---- Landlock ---------------------------------------------------------- */

#define LL(x) LANDLOCK_ACCESS_FS_##x

/* Each ABI handles what it knows: REFER from 2, TRUNCATE from 3,
 * IOCTL_DEV from 5; 4, 6 and 7 add nothing for files. */
static void landlock_handled_per_abi(void **state)
{
	(void)state;
	uint64_t v1 = (LL(MAKE_SYM) << 1) - 1;
	assert_int_equal(sw_env_landlock_handled(0), 0);
	assert_int_equal(sw_env_landlock_handled(-1), 0);
	assert_int_equal(sw_env_landlock_handled(1), v1);
	assert_int_equal(sw_env_landlock_handled(2), v1 | LL(REFER));
	assert_int_equal(sw_env_landlock_handled(3), v1 | LL(REFER) | BIT(14));
	assert_int_equal(sw_env_landlock_handled(4), v1 | LL(REFER) | BIT(14));
	uint64_t v5 = v1 | LL(REFER) | BIT(14) | BIT(15);
	for (int abi = 5; abi <= 9; abi++)
		assert_int_equal(sw_env_landlock_handled(abi), v5);
}

static void landlock_rights_per_kind(void **state)
{
	(void)state;
	uint64_t ro = sw_env_landlock_access(SW_FS_RO_BIND);
	uint64_t rw = sw_env_landlock_access(SW_FS_BIND);
	uint64_t dev = sw_env_landlock_access(SW_FS_DEV_BIND);
	uint64_t proc = sw_env_landlock_access(SW_FS_PROC);
	assert_int_equal(ro, LL(EXECUTE) | LL(READ_FILE) | LL(READ_DIR));
	assert_int_equal(rw & ro, ro);
	assert_true(rw & LL(WRITE_FILE) && rw & LL(MAKE_REG) && rw & LL(REFER));
	assert_false(rw & (LL(MAKE_CHAR) | LL(MAKE_BLOCK) | BIT(15)));
	assert_int_equal(sw_env_landlock_access(SW_FS_TMPFS), rw);
	assert_int_equal(sw_env_landlock_access(SW_FS_MQUEUE), rw);
	/* bubblewrap 0.11's fd, data and overlay mounts: as their bind */
	const enum sw_fs_kind rok[] = { SW_FS_RO_BIND_FD, SW_FS_RO_BIND_DATA,
					SW_FS_RO_OVERLAY };
	const enum sw_fs_kind rwk[] = { SW_FS_BIND_FD, SW_FS_FILE,
					SW_FS_BIND_DATA, SW_FS_OVERLAY,
					SW_FS_TMP_OVERLAY };
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(sw_env_landlock_access(rok[i]), ro);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(sw_env_landlock_access(rwk[i]), rw);
	assert_int_equal(dev, rw | LL(MAKE_CHAR) | LL(MAKE_BLOCK) | BIT(15));
	assert_int_equal(sw_env_landlock_access(SW_FS_DEV), rw | BIT(15));
	assert_true(proc & LL(WRITE_FILE) && proc & LL(READ_DIR));
	assert_false(proc & (LL(EXECUTE) | LL(MAKE_REG)));
	assert_int_equal(sw_env_landlock_root_access(), LL(READ_DIR));
	const enum sw_fs_kind none[] = { SW_FS_DIR, SW_FS_SYMLINK, SW_FS_CHMOD,
					 SW_FS_REMOUNT_RO };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(sw_env_landlock_access(none[i]), 0);
}

/* The plan: the root first, then one rule per operation with rights,
 * by spec->fs index, cut to the kernel's ABI; off means no rules. */
static void landlock_plan_rules(void **state)
{
	(void)state;
	sw_spec *s = spec_with(WANT("prog"), 1);
	sw_error err = { 0 };
	assert_int_equal(sw_spec_bind(s, SW_FS_RO_BIND, "/usr", "/usr", 0, &err), 0);
	assert_int_equal(sw_spec_dir(s, "/d", SW_MODE_DEFAULT, &err), 0);
	assert_int_equal(sw_spec_tmpfs(s, "/tmp", SW_MODE_DEFAULT, 0, &err), 0);
	struct sw_env_plan *p = NULL;
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), 0);
	assert_int_equal(sw_env_plan_landlock_abi(p), 0);
	assert_int_equal(p->nllrules, 0);
	sw_env_plan_free(p);
	assert_int_equal(sw_spec_landlock(s, SW_LANDLOCK_TRY, &err), 0);
	if (sw_env_plan_new(s, 4242, &p, &err) < 0)
		fail_msg("%s", err.msg);
	int abi = sw_env_plan_landlock_abi(p);
	if (abi == 0) { /* no Landlock here: try means none */
		assert_int_equal(p->nllrules, 0);
	} else {
		uint64_t h = sw_env_landlock_handled(abi);
		assert_int_equal(p->llhandled, h);
		assert_int_equal(p->nllrules, 3);
		assert_string_equal(p->llrules[0].path, "/");
		assert_int_equal(p->llrules[0].index, SW_ENV_LL_ROOT);
		assert_int_equal(p->llrules[1].index, 0);
		assert_int_equal(p->llrules[1].access,
				 sw_env_landlock_access(SW_FS_RO_BIND) & h);
		assert_string_equal(p->llrules[2].path, "/tmp");
		assert_int_equal(p->llrules[2].index, 2);
		assert_int_equal(p->llrules[2].access,
				 sw_env_landlock_access(SW_FS_TMPFS) & h);
		sw_env_plan_landlock_skip(p, 2);
		assert_true(p->llrules[2].skip);
		assert_false(p->llrules[1].skip);
	}
	sw_env_plan_free(p);
	/* a kernel without it: --landlock is refused, naming the way out */
	assert_int_equal(sw_spec_landlock(s, SW_LANDLOCK_ON, &err), 0);
	s->force |= SW_FORCE_NO_LANDLOCK;
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "--landlock: this kernel has no Landlock"));
	assert_non_null(strstr(err.msg, "lsm="));
	assert_non_null(strstr(err.msg, "--landlock-try"));
	assert_int_equal(sw_spec_landlock(s, SW_LANDLOCK_TRY, &err), 0);
	assert_int_equal(sw_env_plan_new(s, 4242, &p, &err), 0);
	assert_int_equal(sw_env_plan_landlock_abi(p), 0);
	sw_env_plan_free(p);
	assert_int_equal(sw_spec_landlock(s, 7, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "Landlock mode 7"));
	sw_spec_free(s);
}

/* ---- BPF checks ------------------------------------------------------- */

#define STMT(c, k) { (c), 0, 0, (k) }
#define JUMP(c, k, t, f) { (c), (t), (f), (k) }

static void expect_bpf_error(const struct sock_filter *f, size_t n,
			     const char *part)
{
	sw_error err = { 0 };
	assert_int_equal(sw_env_bpf_check(f, n, "--seccomp fd 9", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--seccomp fd 9: "));
	if (!strstr(err.msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, part);
}

static void bpf_checks(void **state)
{
	(void)state;
	const struct sock_filter ok[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	sw_error err = { 0 };
	assert_int_equal(sw_env_bpf_check(ok, 4, "x", &err), 0);
	expect_bpf_error(ok, 0, "empty");
	expect_bpf_error(ok, 1, "does not end with a return");
	const struct sock_filter far[] = {
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 5),
		STMT(BPF_RET | BPF_K, 0),
	};
	expect_bpf_error(far, 2, "instruction 0 (code 0x0015) jumps past");
	const struct sock_filter load[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, 64),
		STMT(BPF_RET | BPF_K, 0),
	};
	expect_bpf_error(load, 2, "outside struct seccomp_data");
	const struct sock_filter op[] = {
		STMT(BPF_LD | BPF_B | BPF_IND, 0), /* fine for sockets only */
		STMT(BPF_RET | BPF_K, 0),
	};
	expect_bpf_error(op, 2, "opcode seccomp does not allow");
	const struct sock_filter mem[] = {
		STMT(BPF_LD | BPF_MEM, 3),
		STMT(BPF_RET | BPF_A, 0),
	};
	expect_bpf_error(mem, 2, "instruction 0 reads scratch memory");
	const struct sock_filter div[] = {
		STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		STMT(BPF_RET | BPF_A, 0),
	};
	expect_bpf_error(div, 2, "divides by zero");
}

static void bpf_default_profile_builds(void **state)
{
	(void)state;
	struct sock_fprog p = { 0 };
	sw_error err = { 0 };
	assert_int_equal(sw_env_seccomp_default(&p, &err), 0);
	assert_true(p.len > 20 && p.len < 1000);
	assert_int_equal(sw_env_bpf_check(p.filter, p.len, "x", &err), 0);
	free(p.filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_no_ops_copies),
		cmocka_unit_test(env_clear_empties),
		cmocka_unit_test(env_clear_then_set),
		cmocka_unit_test(env_set_existing_in_place),
		cmocka_unit_test(env_set_new_appends),
		cmocka_unit_test(env_unset_removes_all),
		cmocka_unit_test(env_set_clear_set),
		cmocka_unit_test(env_unset_then_set_moves_to_end),
		cmocka_unit_test(env_set_then_unset),
		cmocka_unit_test(env_set_twice_last_wins),
		cmocka_unit_test(env_prefix_names_are_distinct),
		cmocka_unit_test(env_bad_names_rejected),
		cmocka_unit_test(plan_pwd_appended_and_set),
		cmocka_unit_test(plan_pwd_replaced_in_place_chdir),
		cmocka_unit_test(plan_clearenv_path_default),
		cmocka_unit_test(rlimit_last_wins),
		cmocka_unit_test(rlimit_infinity),
		cmocka_unit_test(rlimit_rejects),
		cmocka_unit_test(caps_user_default_empty),
		cmocka_unit_test(caps_user_add_and_drop),
		cmocka_unit_test(caps_root_default_empty),
		cmocka_unit_test(caps_root_drop),
		cmocka_unit_test(caps_root_all_is_what_it_can_pass),
		cmocka_unit_test(caps_root_cannot_add_missing),
		cmocka_unit_test(caps_unknown_rejected),
		cmocka_unit_test(caps_real_state),
		cmocka_unit_test(fds_keep_list_sorted),
		cmocka_unit_test(fds_bad_keep_rejected),
		cmocka_unit_test(landlock_handled_per_abi),
		cmocka_unit_test(landlock_rights_per_kind),
		cmocka_unit_test(landlock_plan_rules),
		cmocka_unit_test(bpf_checks),
		cmocka_unit_test(bpf_default_profile_builds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
