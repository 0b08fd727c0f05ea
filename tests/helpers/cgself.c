/* cgself — run inside jails by the cgroup tests. Its very first action is
 * reading /proc/self/cgroup (so the test sees where the command was at its
 * first instruction), which it prints as is. Then, for each FILE argument,
 * it finds FILE in one of its own cgroups under /sys/fs/cgroup (bound into
 * the jail by the test) and prints "FILE=CONTENT", or "FILE=?".
 *
 *   cgself cpu.max cpu.cfs_quota_us
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char self[8192];

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

/* Tries DIR<path>/FILE for each mount a line "ID:CTLS:path" may live at:
 * /sys/fs/cgroup/CTL (each of CTLS, and CTLS whole) for v1, and
 * /sys/fs/cgroup/unified or /sys/fs/cgroup for cgroup2. */
static int find_in_line(char *line, const char *file, char *out, size_t len)
{
	char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return -1;
	*c2 = 0;
	const char *ctls = c1 + 1, *path = c2 + 1;
	char p[4096], names[256];
	if (!*ctls) {
		snprintf(p, sizeof p, "/sys/fs/cgroup/unified%s/%s", path, file);
		if (read_file(p, out, len) == 0)
			return 0;
		snprintf(p, sizeof p, "/sys/fs/cgroup%s/%s", path, file);
		return read_file(p, out, len);
	}
	snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/%s", ctls, path, file);
	if (read_file(p, out, len) == 0)
		return 0;
	snprintf(names, sizeof names, "%s", ctls);
	for (char *s, *n = strtok_r(names, ",", &s); n; n = strtok_r(NULL, ",", &s)) {
		snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/%s", n, path, file);
		if (read_file(p, out, len) == 0)
			return 0;
	}
	return -1;
}

static void show(const char *file)
{
	char copy[sizeof self], out[4096];
	memcpy(copy, self, sizeof self);
	for (char *s, *l = strtok_r(copy, "\n", &s); l; l = strtok_r(NULL, "\n", &s)) {
		char line[1024];
		snprintf(line, sizeof line, "%s", l);
		if (find_in_line(line, file, out, sizeof out) == 0) {
			printf("%s=%s\n", file, out);
			return;
		}
	}
	printf("%s=?\n", file);
}

int main(int argc, char **argv)
{
	if (read_file("/proc/self/cgroup", self, sizeof self) < 0) {
		perror("cgself: /proc/self/cgroup");
		return 2;
	}
	printf("%s\n", self);
	for (int i = 1; i < argc; i++)
		show(argv[i]);
	return 0;
}
