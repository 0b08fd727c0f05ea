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

struct call {
	const char *name;
	long nr;
	long a[6];
};

static int call_errno(const struct call *c)
{
	errno = 0;
	long r = syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4],
			 c->a[5]);
	return r < 0 ? errno : 0;
}

/* Arguments that do no harm if the filter is missing. */
static int denied(void)
{
	static const struct call calls[] = {
		{ "kexec_load", SYS_kexec_load, { 0, 0, 0, -1 } },
		{ "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 0, -1 } },
		{ "init_module", SYS_init_module, { 0, 0, 0 } },
		{ "finit_module", SYS_finit_module, { -1, 0, 0 } },
		{ "delete_module", SYS_delete_module,
		  { (long)"swrap_none", O_NONBLOCK } },
		{ "bpf", SYS_bpf, { -1, 0, 0 } },
		{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, 0 } },
		{ "userfaultfd", SYS_userfaultfd, { -1 } },
		{ "keyctl", SYS_keyctl, { -1 } },
		{ "add_key", SYS_add_key, { 0 } },
		{ "request_key", SYS_request_key, { 0 } },
		{ "acct", SYS_acct, { 1 } },
		{ "swapon", SYS_swapon, { 1, 0 } },
		{ "swapoff", SYS_swapoff, { 1 } },
		{ "reboot", SYS_reboot, { 0, 0, 0, 0 } },
		{ "syslog", SYS_syslog, { 10, 0, 0 } },
		{ "open_by_handle_at", SYS_open_by_handle_at, { -1, 0, 0 } },
		{ "quotactl", SYS_quotactl, { 0, 0, 0, 0 } },
		{ "lookup_dcookie", SYS_lookup_dcookie, { 0, 0, 0 } },
		{ "TIOCSTI", SYS_ioctl, { 0, TIOCSTI, (long)"x" } },
		{ "TIOCSTI_high", SYS_ioctl,
		  { 0, (long)0xFFFFFFFF00005412UL, (long)"x" } },
		{ "TIOCLINUX", SYS_ioctl, { 0, TIOCLINUX, (long)"\x0b" } },
		{ "TIOCLINUX_high", SYS_ioctl,
		  { 0, (long)0xFFFFFFFF0000541CUL, (long)"\x0b" } },
	};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		printf("%s %d\n", calls[i].name, call_errno(&calls[i]));
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
