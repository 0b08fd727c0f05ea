/* idmap.c — the parent's side of a user namespace: setgroups and id maps;
 * and the namespace inodes bubblewrap reports on --info-fd. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ns/launch.h"

const char *const sw_ns_map_files[3] = { "setgroups", "uid_map", "gid_map" };

static bool has_dev(const sw_spec *s)
{
	for (size_t i = 0; i < s->nfs; i++)
		if (s->fs[i].kind == SW_FS_DEV)
			return true;
	return false;
}

/* One id inside maps to the caller's own id outside, as bubblewrap does:
 * that is all an unprivileged caller may map. With --dev and an id other
 * than 0 inside, bubblewrap maps 0 first (a devpts instance is owned by
 * its user namespace's root, which must be mapped) and the id the command
 * runs as in a nested namespace, made after the mounts. */
void sw_ns_prepare_maps(struct sw_launch *L)
{
	const sw_spec *s = L->spec;
	/* A helper writes the maps (--userns-block-fd): no nesting. */
	bool helper = s->userns_block_fd != SW_NO_FD;
	bool dev_nest = has_dev(s) && (L->uid_in != 0 || L->gid_in != 0);
	/* --disable-userns: the limit is set to 1 in the first namespace and
	 * used up by the nested one, where the command runs (bubblewrap). */
	L->nested = L->userns && !helper && (dev_nest || s->disable_userns);
	unsigned ui = dev_nest && L->nested ? 0 : (unsigned)L->uid_in;
	unsigned gi = dev_nest && L->nested ? 0 : (unsigned)L->gid_in;
	/* --host-uid: the same maps, to the named ids instead of root's. */
	L->parent_maps = L->userns && s->host_uid != SW_UNSET_ID;
	if (L->parent_maps) {
		L->uid_out = s->host_uid;
		L->gid_out = s->host_gid;
	}
	L->map_uid = ui;
	L->map_gid = gi;
	snprintf(L->uid_map, sizeof L->uid_map, "%u %u 1\n", ui, (unsigned)L->uid_out);
	snprintf(L->gid_map, sizeof L->gid_map, "%u %u 1\n", gi, (unsigned)L->gid_out);
	snprintf(L->uid_map2, sizeof L->uid_map2, "%u %u 1\n", (unsigned)L->uid_in, ui);
	snprintf(L->gid_map2, sizeof L->gid_map2, "%u %u 1\n", (unsigned)L->gid_in, gi);
}

static const char *const self_files[3] = { "self/setgroups", "self/uid_map", "self/gid_map" };

/* setgroups, uid_map, gid_map of this process, through proc (a /proc
 * directory fd). setgroups must be denied first, or the kernel refuses an
 * unprivileged gid map.
 *
 * A launcher that is not dumpable (it changed its uid, or set
 * PR_SET_DUMPABLE 0) has children whose /proc files belong to the host's
 * root, so neither it nor the child could write them: the child becomes
 * dumpable for the three writes and then goes back. */
static int write_maps(int proc, const char *const text[3], int *which)
{
	int dumpable = prctl(PR_GET_DUMPABLE);
	if (dumpable == 0)
		prctl(PR_SET_DUMPABLE, 1);
	int e = 0;
	for (int i = 0; i < 3 && !e; i++) {
		*which = i;
		int fd = openat(proc, self_files[i], O_WRONLY | O_CLOEXEC);
		size_t n = strlen(text[i]);
		e = fd < 0 ? errno : write(fd, text[i], n) == (ssize_t)n ? 0 : errno;
		if (fd >= 0)
			close(fd);
	}
	if (dumpable == 0)
		prctl(PR_SET_DUMPABLE, 0);
	return e;
}

/* The child maps itself: a process may map its own euid/egid in the user
 * namespace it created. Runs in the child: syscalls only. */
int sw_ns_child_write_maps(const struct sw_launch *L, int *which)
{
	const char *text[3] = { "deny", L->uid_map, L->gid_map };
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0) {
		*which = 0;
		return errno;
	}
	int e = write_maps(proc, text, which);
	close(proc);
	return e;
}

/* --host-uid: a process can map only its own ids, and the child's are
 * still root's: the parent (root in the namespace above) writes the maps
 * of the child it has not released yet. setgroups stays allowed, unlike
 * the child's own maps: it is how the child drops the launcher's
 * supplementary groups (root's group 0 above all), and with one gid
 * mapped there is no other group it could take (sw_ns_child_become). */
int sw_ns_parent_write_maps(const struct sw_launch *L, pid_t pid, sw_error *err)
{
	const char *text[3] = { NULL, L->uid_map, L->gid_map };
	for (int i = 1; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, sw_ns_map_files[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		size_t n = strlen(text[i]);
		int e = fd < 0 ? errno : write(fd, text[i], n) == (ssize_t)n ? 0 : errno;
		if (fd >= 0)
			close(fd);
		if (e)
			return sw_error_set(err, e, "--host-uid %u --host-gid %u: can't write "
					    "%s of the jail's user namespace: %s",
					    (unsigned)L->uid_out, (unsigned)L->gid_out,
					    sw_ns_map_files[i], strerror(e));
	}
	return 0;
}

/* The child's kernel ids are root's until it changes them: raw system
 * calls, as glibc's would signal the launcher's threads it still lists. A
 * credential change clears the parent-death signal: the caller sets it
 * again (arm_pdeath in child.c). (It also makes the child not dumpable, which it stays until exec: its /proc
 * files belong to the host's root, and write_maps lifts that for the
 * nested namespace's maps.) */
int sw_ns_child_become(const struct sw_launch *L, int *which)
{
	unsigned g = (unsigned)L->map_gid, u = (unsigned)L->map_uid;
	*which = 3;
	if (syscall(SYS_setgroups, 0, NULL) < 0)
		return errno;
	*which = 4;
	if (syscall(SYS_setresgid, g, g, g) < 0)
		return errno;
	*which = 5;
	if (syscall(SYS_setresuid, u, u, u) < 0)
		return errno;
	return 0;
}

/* The nested namespace maps itself the same way: its only id is the 0
 * of the first one, which is this process's euid/egid there. proc is the
 * host's /proc, opened before the mounts: the new root may have none. */
int sw_ns_child_nest(const struct sw_launch *L, int proc, int *which)
{
	const char *text[3] = { "deny", L->uid_map2, L->gid_map2 };
	*which = -1;
	if (L->spec->disable_userns) {
		int fd = openat(proc, "sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
		int e = fd < 0 ? errno : write(fd, "1", 1) == 1 ? 0 : errno;
		if (fd >= 0)
			close(fd);
		if (e) {
			*which = -2;
			return e;
		}
	}
	if (unshare(CLONE_NEWUSER) < 0)
		return errno;
	return write_maps(proc, text, which);
}

int sw_ns_differing(pid_t pid, const char *names[SW_NS_INFO_MAX],
		    unsigned long inodes[SW_NS_INFO_MAX])
{
	static const char *const all[SW_NS_INFO_MAX] = { "cgroup", "ipc", "mnt", "net", "pid", "uts" };
	int n = 0;
	for (int i = 0; i < SW_NS_INFO_MAX; i++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, all[i]);
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", all[i]);
		if (stat(theirs, &a) < 0 || stat(ours, &b) < 0 || a.st_ino == b.st_ino)
			continue;
		names[n] = all[i];
		inodes[n++] = (unsigned long)a.st_ino;
	}
	return n;
}
