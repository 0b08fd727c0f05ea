/* envprobe — run inside jails by tests/integration/test_inherit.c: prints
 * what the process inherited. Static, no library needed inside the jail.
 *
 *   envprobe env          environ, one entry a line, in order
 *   envprobe fds          open fds, sorted, space-separated ("0 1 2")
 *   envprobe status       Cap*, NoNewPrivs and Seccomp lines of status
 *   envprobe file PATH    the content of PATH
 *   envprobe denied       "NAME ERRNO" for each call the default seccomp
 *                         profile denies (0 when it succeeded)
 *   envprobe getppid      "getppid ERRNO" (0 when it succeeded)
 *   envprobe tun          "tun ok" when /dev/net/tun opens, else the errno
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/denied_calls.h"

extern char **environ;

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return perror("opendir /proc/self/fd"), 2;
	int v[4096], n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 4096)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			v[n++] = atoi(e->d_name);
	closedir(d);
	qsort(v, (size_t)n, sizeof *v, cmp_int);
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", v[i]);
	printf("\n");
	return 0;
}

static int cat(const char *path, const char *const *prefixes)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return perror(path), 2;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		bool show = !prefixes;
		for (const char *const *p = prefixes; p && *p; p++)
			show |= strncmp(line, *p, strlen(*p)) == 0;
		if (show)
			fputs(line, stdout);
	}
	fclose(f);
	return 0;
}

/* "NAME ERRNO" for each call the default profile refuses. */
static int denied(void)
{
	for (size_t i = 0; i < NDENIED; i++)
		printf("%s %d\n", denied_calls[i].name, call_errno(&denied_calls[i]));
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	static const char *const status[] = { "Cap", "NoNewPrivs", "Seccomp:",
					      NULL };
	if (!strcmp(mode, "env")) {
		for (char **e = environ; *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	if (!strcmp(mode, "fds"))
		return fds();
	if (!strcmp(mode, "status"))
		return cat("/proc/self/status", status);
	if (!strcmp(mode, "file") && argc > 2)
		return cat(argv[2], NULL);
	if (!strcmp(mode, "denied"))
		return denied();
	if (!strcmp(mode, "getppid")) {
		errno = 0;
		long r = syscall(SYS_getppid);
		printf("getppid %d\n", r < 0 ? errno : 0);
		return 0;
	}
	if (!strcmp(mode, "tun")) {
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			printf("tun %d\n", errno);
		else
			printf("tun ok\n");
		return 0;
	}
	fprintf(stderr, "usage: envprobe env|fds|status|file P|denied|getppid|tun\n");
	return 2;
}
