/* test_selinux.c — --exec-label and --file-label without SELinux: the
 * pure parts, against a fake tree.
 *
 * src/env/selinux.c decides whether SELinux is enabled under a root the
 * test picks (with a statfs that plays selinuxfs), checks labels through
 * the tree's sys/fs/selinux/context and opens the tree's /proc for the
 * child, whose writes land in the tree's proc/thread-self/attr files. The
 * mount plan's context="LABEL" options (--tmpfs, --dev) are checked as
 * strings. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "env/selinux.h"
#include "mount/mount_int.h"
#include "ns/child.h"
#include "spec/spec.h"

/* ---- the fake machine -------------------------------------------------- */

/* Paths (under the tree) that statfs reports as selinuxfs. */
static struct {
	const char *path;
	bool ro;
} fake_fs[2];

static char root[64];

static int fake_statfs(const char *path, struct statfs *st)
{
	if (statfs(path, st) < 0)
		return -1;
	size_t rl = strlen(root);
	for (size_t i = 0; i < 2; i++)
		if (fake_fs[i].path && strncmp(path, root, rl) == 0 &&
		    strcmp(path + rl, fake_fs[i].path) == 0) {
			st->f_type = SW_SELINUX_MAGIC;
			st->f_flags = fake_fs[i].ro ? 1 /* ST_RDONLY */ : 0;
		}
	return 0;
}

static const struct sw_selinux_host host = { root, fake_statfs };

static void put(const char *rel, const char *content, size_t len)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

/* The content of a file of the tree, NUL bytes kept; its length. */
static size_t slurp(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, len);
	assert_true(n >= 0);
	close(fd);
	return (size_t)n;
}

/* SELinux as a Fedora host has it: selinuxfs read-write at
 * /sys/fs/selinux, a configuration, and /proc with attr files. */
static void enabled_machine(void)
{
	mkdirs("sys/fs/selinux");
	put("sys/fs/selinux/context", "", 0);
	put("etc/selinux/config", "SELINUX=enforcing\n", 18);
	put("proc/thread-self/attr/exec", "", 0);
	put("proc/thread-self/attr/fscreate", "", 0);
	fake_fs[0].path = "/sys/fs/selinux";
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/sw-selinux.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	memset(fake_fs, 0, sizeof fake_fs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- is SELinux enabled? ------------------------------------------------ */

static void test_enabled_needs_selinuxfs(void **state)
{
	(void)state;
	char mnt[PATH_MAX], want[PATH_MAX];
	mkdirs("sys/fs/selinux");
	put("etc/selinux/config", "", 0);
	/* A plain directory is not selinuxfs: the real statfs says so. */
	struct sw_selinux_host plain = { root, NULL };
	assert_false(sw_selinux_enabled_at(&plain, mnt, sizeof mnt));
	assert_false(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	fake_fs[0].path = "/sys/fs/selinux";
	assert_true(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	snprintf(want, sizeof want, "%s/sys/fs/selinux", root);
	assert_string_equal(mnt, want);
}

static void test_enabled_needs_config(void **state)
{
	(void)state;
	char mnt[PATH_MAX];
	mkdirs("sys/fs/selinux");
	fake_fs[0].path = "/sys/fs/selinux";
	/* is_selinux_enabled(): a selinuxfs without /etc/selinux/config is
	 * not "enabled". */
	assert_false(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	put("etc/selinux/config", "", 0);
	assert_true(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
}

static void test_read_only_selinuxfs_is_disabled(void **state)
{
	(void)state;
	char mnt[PATH_MAX];
	mkdirs("sys/fs/selinux");
	mkdirs("selinux");
	put("etc/selinux/config", "", 0);
	/* A container's read-only selinuxfs ends the search: disabled, even
	 * with a read-write one further down the list. */
	fake_fs[0].path = "/sys/fs/selinux";
	fake_fs[0].ro = true;
	fake_fs[1].path = "/selinux";
	assert_false(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	fake_fs[0].ro = false;
	assert_true(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
}

static void test_old_mount_point(void **state)
{
	(void)state;
	char mnt[PATH_MAX], want[PATH_MAX];
	mkdirs("selinux");
	put("etc/selinux/config", "", 0);
	fake_fs[0].path = "/selinux";
	assert_true(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	snprintf(want, sizeof want, "%s/selinux", root);
	assert_string_equal(mnt, want);
}

static void test_found_in_mounts(void **state)
{
	(void)state;
	char mnt[PATH_MAX], want[PATH_MAX];
	mkdirs("some where/selinux");
	put("etc/selinux/config", "", 0);
	const char *m = "proc /proc proc rw,nosuid 0 0\n"
			"selinuxfs /some\\040where/selinux selinuxfs rw,relatime 0 0\n";
	put("proc/self/mounts", m, strlen(m));
	/* Listed but not selinuxfs when looked at: no. */
	assert_false(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	fake_fs[0].path = "/some where/selinux";
	assert_true(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
	snprintf(want, sizeof want, "%s/some where/selinux", root);
	assert_string_equal(mnt, want);
	fake_fs[0].ro = true;
	assert_false(sw_selinux_enabled_at(&host, mnt, sizeof mnt));
}

/* ---- the parent: refuse, check, prepare --------------------------------- */

static sw_spec *labelled(const char *exec, const char *file)
{
	sw_spec *s = sw_spec_new();
	assert_non_null(s);
	if (exec)
		assert_int_equal(sw_spec_selinux_label(s, true, exec, NULL), 0);
	if (file)
		assert_int_equal(sw_spec_selinux_label(s, false, file, NULL), 0);
	return s;
}

static void test_no_label_no_work(void **state)
{
	(void)state;
	sw_spec *s = labelled(NULL, NULL);
	struct sw_selinux sel;
	sw_error err = { 0 };
	/* Nothing asked: nothing looked at, even on a machine without it. */
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), 0);
	assert_false(sel.on);
	assert_int_equal(sw_selinux_child_exec(&sel), 0);
	assert_int_equal(sw_selinux_child_fscreate(&sel), 0);
	sw_selinux_release(&sel);
	sw_spec_free(s);
}

static void test_refused_where_not_enabled(void **state)
{
	(void)state;
	struct sw_selinux sel;
	sw_error err = { 0 };
	sw_spec *s = labelled("system_u:system_r:sandbox_t:s0", NULL);
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), -ENOTSUP);
	assert_false(sel.on);
	assert_string_equal(err.msg, "--exec-label system_u:system_r:sandbox_t:s0: "
			    "SELinux is not enabled on this machine");
	sw_spec_free(s);
	s = labelled(NULL, "system_u:object_r:sandbox_file_t:s0");
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "--file-label system_u:object_r:sandbox_file_t:s0: "));
	sw_spec_free(s);
}

static void test_prepared_for_the_child(void **state)
{
	(void)state;
	enabled_machine();
	const char *l = "system_u:system_r:sandbox_t:s0:c1,c2";
	sw_spec *s = labelled(l, NULL);
	struct sw_selinux sel;
	sw_error err = { 0 };
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), 0);
	assert_true(sel.on);
	/* The label was put to the kernel as security_check_context does:
	 * written to selinuxfs's context, its NUL included. */
	char buf[256];
	size_t n = slurp("sys/fs/selinux/context", buf, sizeof buf);
	assert_int_equal(n, strlen(l) + 1);
	assert_memory_equal(buf, l, n);
	/* The fd is the tree's /proc, close-on-exec. */
	char path[PATH_MAX];
	struct stat a, b;
	snprintf(path, sizeof path, "%s/proc", root);
	assert_int_equal(stat(path, &a), 0);
	assert_int_equal(fstat(sel.proc_fd, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	assert_true(fcntl(sel.proc_fd, F_GETFD) & FD_CLOEXEC);
	/* The child's writes: the exec label to attr/exec; no file label. */
	assert_int_equal(sw_selinux_child_fscreate(&sel), 0);
	assert_int_equal(slurp("proc/thread-self/attr/fscreate", buf, sizeof buf), 0);
	assert_int_equal(sw_selinux_child_exec(&sel), 0);
	n = slurp("proc/thread-self/attr/exec", buf, sizeof buf);
	assert_int_equal(n, strlen(l) + 1);
	assert_memory_equal(buf, l, n);
	int fd = sel.proc_fd;
	sw_selinux_release(&sel);
	assert_false(sel.on);
	assert_true(fcntl(fd, F_GETFD) < 0); /* closed */
	sw_spec_free(s);
}

static void test_file_label_written_to_fscreate(void **state)
{
	(void)state;
	enabled_machine();
	/* Before Linux 3.17 there is no thread-self: self/attr instead. */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "rm -rf '%s/proc/thread-self'", root);
	assert_int_equal(system(path), 0);
	put("proc/self/attr/fscreate", "", 0);
	const char *l = "system_u:object_r:sandbox_file_t:s0";
	sw_spec *s = labelled(NULL, l);
	struct sw_selinux sel;
	sw_error err = { 0 };
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), 0);
	assert_int_equal(sw_selinux_child_exec(&sel), 0); /* none asked */
	assert_int_equal(sw_selinux_child_fscreate(&sel), 0);
	char buf[256];
	size_t n = slurp("proc/self/attr/fscreate", buf, sizeof buf);
	assert_int_equal(n, strlen(l) + 1);
	assert_memory_equal(buf, l, n);
	/* Neither file: the errno, for the report. */
	snprintf(path, sizeof path, "rm -rf '%s/proc/self'", root);
	assert_int_equal(system(path), 0);
	assert_int_equal(sw_selinux_child_fscreate(&sel), ENOENT);
	sw_selinux_release(&sel);
	sw_spec_free(s);
}

static void test_bad_labels_named(void **state)
{
	(void)state;
	enabled_machine();
	struct sw_selinux sel;
	sw_error err = { 0 };
	/* A quote would end the mount option early: refused before asking. */
	sw_spec *s = labelled("system_u:system_r:sandbox_t:s0", "a\"b");
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), -EINVAL);
	assert_false(sel.on);
	assert_non_null(strstr(err.msg, "--file-label a\"b: not a valid SELinux label"));
	sw_spec_free(s);
	s = labelled("line\nbreak", NULL);
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--exec-label line\nbreak: "));
	sw_spec_free(s);
	/* The kernel's answer is passed on, naming the option and label. */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/sys/fs/selinux/context", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/dev/full", path), 0);
	s = labelled(NULL, "system_u:object_r:sandbox_file_t:s0");
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "--file-label system_u:object_r:sandbox_file_t:s0: "
			       "can't check the label with the kernel"));
	sw_spec_free(s);
}

static void test_proc_fd_clear_of_fd_maps(void **state)
{
	(void)state;
	enabled_machine();
	sw_spec *s = labelled("system_u:system_r:sandbox_t:s0", NULL);
	assert_int_equal(sw_spec_fd_map(s, 0, 200, NULL), 0);
	struct sw_selinux sel;
	sw_error err = { 0 };
	assert_int_equal(sw_selinux_prepare(s, &host, &sel, &err), 0);
	/* The command's dup3 onto fd 200 comes before it writes its label. */
	assert_true(sel.proc_fd > 200);
	assert_true(fcntl(sel.proc_fd, F_GETFD) & FD_CLOEXEC);
	sw_selinux_release(&sel);
	sw_spec_free(s);
}

/* ---- the mount options ---------------------------------------------------- */

static void expect_opts(const char *opts, const char *label, const char *want)
{
	char *out = (char *)1;
	assert_int_equal(sw_mount_label_opts(opts, label, &out), 0);
	if (!want) {
		assert_null(out);
		return;
	}
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_label_opts(void **state)
{
	(void)state;
	expect_opts(NULL, NULL, NULL);
	expect_opts("mode=0755", NULL, "mode=0755");
	expect_opts(NULL, "system_u:object_r:tmp_t:s0",
		    "context=\"system_u:object_r:tmp_t:s0\"");
	expect_opts("mode=0755", "system_u:object_r:tmp_t:s0",
		    "mode=0755,context=\"system_u:object_r:tmp_t:s0\"");
	/* An MLS range's commas stay inside the quotes. */
	expect_opts("mode=01777,size=1048576", "u:object_r:t:s0:c1,c2",
		    "mode=01777,size=1048576,context=\"u:object_r:t:s0:c1,c2\"");
	char *out = (char *)1;
	assert_int_equal(sw_mount_label_opts("mode=0755", "a\"b", &out), -EINVAL);
	assert_null(out);
	assert_int_equal(sw_mount_label_opts("mode=0755", "a\nb", &out), -EINVAL);
	assert_int_equal(sw_mount_label_opts(NULL, "", &out), -EINVAL);
}

/* What the plan gives the child for each mount swrap makes. */
static void test_plan_carries_the_label(void **state)
{
	(void)state;
	const char *l = "system_u:object_r:sandbox_file_t:s0:c1,c2";
	for (int with = 0; with < 2; with++) {
		sw_spec *s = labelled(NULL, with ? l : NULL);
		assert_int_equal(sw_spec_tmpfs(s, "/tmp", 01777, 1048576, NULL), 0);
		assert_int_equal(sw_spec_mount(s, SW_FS_DEV, "/dev", NULL), 0);
		assert_int_equal(sw_spec_mount(s, SW_FS_MQUEUE, "/dev/mqueue", NULL), 0);
		assert_int_equal(sw_spec_tmpfs(s, "/run", SW_MODE_DEFAULT, 0, NULL), 0);
		struct sw_mount_plan *p = NULL;
		sw_error err = { 0 };
		assert_int_equal(sw_mount_plan_new(s, &p, &err), 0);
		char want[256];
		snprintf(want, sizeof want, "mode=01777,size=1048576%s%s%s",
			 with ? ",context=\"" : "", with ? l : "", with ? "\"" : "");
		assert_string_equal(p->ops[0].data, want);
		snprintf(want, sizeof want, "mode=0755%s%s%s",
			 with ? ",context=\"" : "", with ? l : "", with ? "\"" : "");
		assert_string_equal(p->dev_data, want);
		assert_string_equal(p->ops[3].data, want);
		/* mqueue: its superblock is the IPC namespace's own, which
		 * can't take a context (bubblewrap does not label it either). */
		assert_null(p->ops[2].data);
		sw_mount_plan_free(p);
		sw_spec_free(s);
	}
	/* A label no mount option can carry fails the plan, named. */
	sw_spec *s = labelled(NULL, "a\"b");
	assert_int_equal(sw_spec_tmpfs(s, "/tmp", SW_MODE_DEFAULT, 0, NULL), 0);
	struct sw_mount_plan *p = NULL;
	sw_error err = { 0 };
	assert_int_equal(sw_mount_plan_new(s, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--file-label a\"b"));
	sw_spec_free(s);
}

/* ---- the parent's words for a child's failure --------------------------- */

static void test_child_failures_named(void **state)
{
	(void)state;
	sw_spec *s = labelled("system_u:system_r:sandbox_t:s0",
			      "system_u:object_r:sandbox_file_t:s0");
	assert_int_equal(sw_spec_tmpfs(s, "/tmp", SW_MODE_DEFAULT, 0, NULL), 0);
	assert_int_equal(sw_spec_mount(s, SW_FS_DEV, "/dev", NULL), 0);
	assert_int_equal(sw_spec_mount(s, SW_FS_MQUEUE, "/mq", NULL), 0);
	sw_error err = { 0 };
	struct sw_report rep = { .step = SW_STEP_SELINUX, .index = 0, .err = EACCES };
	assert_int_equal(sw_ns_describe(s, &rep, &err), -EACCES);
	assert_string_equal(err.msg, "--exec-label system_u:system_r:sandbox_t:s0: "
			    "can't set the command's label: Permission denied");
	rep.index = 1;
	assert_int_equal(sw_ns_describe(s, &rep, &err), -EACCES);
	assert_string_equal(err.msg, "--file-label system_u:object_r:sandbox_file_t:s0: "
			    "can't set the label of new files: Permission denied");
	/* A labelled mount the policy refuses says it carried the label. */
	rep = (struct sw_report){ .step = SW_STEP_FS_MOUNT, .index = 0, .err = EACCES };
	sw_ns_describe(s, &rep, &err);
	assert_string_equal(err.msg, "--tmpfs: can't mount on /tmp: Permission denied "
			    "(with --file-label system_u:object_r:sandbox_file_t:s0)");
	rep.index = 1;
	sw_ns_describe(s, &rep, &err);
	assert_non_null(strstr(err.msg, "(with --file-label system_u:object_r:sandbox_file_t:s0)"));
	rep.index = 2; /* mqueue carries none */
	sw_ns_describe(s, &rep, &err);
	assert_null(strstr(err.msg, "--file-label"));
	sw_spec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enabled_needs_selinuxfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enabled_needs_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_selinuxfs_is_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_mount_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_found_in_mounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_label_no_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_where_not_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepared_for_the_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_label_written_to_fscreate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_labels_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_fd_clear_of_fd_maps, setup, teardown),
		cmocka_unit_test(test_label_opts),
		cmocka_unit_test(test_plan_carries_the_label),
		cmocka_unit_test(test_child_failures_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
