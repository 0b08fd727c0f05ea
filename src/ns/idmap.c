/* idmap.c — the parent's side of a user namespace: setgroups and id maps;
 * and the namespace inodes bubblewrap reports on --info-fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns/launch.h"

static int write_proc(pid_t pid, const char *file, const char *text, sw_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return sw_error_set(err, e, "can't write %s of the new user namespace (\"%.*s\"): %s",
				    file, (int)strcspn(text, "\n"), text, strerror(e));
	}
	close(fd);
	return 0;
}

/* One id inside maps to the caller's own id outside, as bubblewrap does:
 * that is all an unprivileged caller may map. setgroups must be denied
 * first, or the kernel refuses the gid map. */
int sw_ns_write_maps(const struct sw_launch *L, pid_t pid, sw_error *err)
{
	char map[64];
	int r = write_proc(pid, "setgroups", "deny", err);
	if (r == 0) {
		snprintf(map, sizeof map, "%u %u 1\n", (unsigned)L->uid_in, (unsigned)L->uid_out);
		r = write_proc(pid, "uid_map", map, err);
	}
	if (r == 0) {
		snprintf(map, sizeof map, "%u %u 1\n", (unsigned)L->gid_in, (unsigned)L->gid_out);
		r = write_proc(pid, "gid_map", map, err);
	}
	return r;
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
