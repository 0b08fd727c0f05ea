/* jt — "jail test": a static program run inside jails by the integration
 * tests. Each command prints one line "NAME: RESULT"; commands are
 * separated by "+": jt ids + write /usr/x + ls /tmp
 *
 *   ids            uid gid euid egid
 *   maps           uid_map|gid_map|setgroups (whitespace squeezed)
 *   ns             "user=INODE mnt=INODE ..." for this process
 *   pid            "PID PPID"
 *   sid            the session id as seen inside (0: a session outside)
 *   tty            result of open("/dev/tty")
 *   write PATH     result of creating PATH for writing
 *   read PATH      result of opening PATH for reading
 *   rdwr PATH      result of opening PATH read-write
 *   readat FD NAME result of openat(FD, NAME) for reading
 *   ls DIR         sorted names, space separated
 *   nprocs         number of numeric entries in /proc
 *   flags PATH     mount flags of PATH: ro nosuid nodev noexec (or -)
 *   fstype PATH    tmpfs|proc|other
 *   realpath PATH
 *   cwd
 *   env            every variable, sorted, separated by |
 *   netifs         interfaces from /proc/net/dev
 *   sleep N
 *   exit N         exits N at once
 *   kill SIG       kills itself
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

extern char **environ;

static const char *res(int r)
{
	static char b[64];
	if (r >= 0)
		return "ok";
	snprintf(b, sizeof b, "%s", strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
	return b;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_sorted(char **v, int n, const char *sep)
{
	qsort(v, n, sizeof *v, cmp);
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? sep : "", v[i]);
	printf("\n");
}

static void do_ls(const char *dir, int nprocs)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("%s\n", res(-1));
		return;
	}
	char *v[4096];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 4096) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (nprocs && strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		v[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (nprocs)
		printf("%d\n", n);
	else
		print_sorted(v, n, " ");
}

static void print_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("%s", res(-1));
		return;
	}
	int c, sp = 0, first = 1;
	while ((c = fgetc(f)) != EOF) {
		if (c == ' ' || c == '\n' || c == '\t') {
			sp = 1;
			continue;
		}
		if (sp && !first)
			putchar(' ');
		sp = 0;
		first = 0;
		putchar(c);
	}
	fclose(f);
}

static void do_ns(void)
{
	const char *names[] = { "user", "mnt", "pid", "ipc", "uts", "net", "cgroup" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char p[64];
		struct stat st;
		snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
		printf("%s%s=%lu", i ? " " : "", names[i],
		       stat(p, &st) == 0 ? (unsigned long)st.st_ino : 0UL);
	}
	printf("\n");
}

static void do_flags(const char *path)
{
	struct statvfs s;
	if (statvfs(path, &s) < 0) {
		printf("%s\n", res(-1));
		return;
	}
	printf("%s %s %s %s\n", s.f_flag & ST_RDONLY ? "ro" : "rw",
	       s.f_flag & ST_NOSUID ? "nosuid" : "suid", s.f_flag & ST_NODEV ? "nodev" : "dev",
	       s.f_flag & ST_NOEXEC ? "noexec" : "exec");
}

static void do_netifs(void)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char line[512], *v[64];
	int n = 0;
	if (!f) {
		printf("%s\n", res(-1));
		return;
	}
	while (fgets(line, sizeof line, f) && n < 64) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		char *s = line + strspn(line, " ");
		v[n++] = strdup(s);
	}
	fclose(f);
	print_sorted(v, n, " ");
}

static void do_env(void)
{
	int n = 0;
	while (environ[n])
		n++;
	print_sorted(environ, n, "|");
}

static int one(char **a)
{
	const char *c = a[0];
	printf("%s: ", c);
	if (!strcmp(c, "ids")) {
		printf("%u %u %u %u\n", getuid(), getgid(), geteuid(), getegid());
	} else if (!strcmp(c, "maps")) {
		print_file("/proc/self/uid_map"), printf("|");
		print_file("/proc/self/gid_map"), printf("|");
		print_file("/proc/self/setgroups"), printf("\n");
	} else if (!strcmp(c, "ns")) {
		do_ns();
	} else if (!strcmp(c, "pid")) {
		printf("%d %d\n", getpid(), getppid());
	} else if (!strcmp(c, "sid")) {
		printf("%d\n", (int)getsid(0));
	} else if (!strcmp(c, "tty")) {
		printf("%s\n", res(open("/dev/tty", O_RDWR)));
	} else if (!strcmp(c, "write")) {
		printf("%s\n", res(open(a[1], O_WRONLY | O_CREAT, 0644)));
	} else if (!strcmp(c, "read")) {
		printf("%s\n", res(open(a[1], O_RDONLY)));
	} else if (!strcmp(c, "readat")) {
		printf("%s\n", res(openat(atoi(a[1]), a[2], O_RDONLY)));
	} else if (!strcmp(c, "rdwr")) {
		printf("%s\n", res(open(a[1], O_RDWR)));
	} else if (!strcmp(c, "ls")) {
		do_ls(a[1], 0);
	} else if (!strcmp(c, "nprocs")) {
		do_ls("/proc", 1);
	} else if (!strcmp(c, "flags")) {
		do_flags(a[1]);
	} else if (!strcmp(c, "fstype")) {
		struct statfs s;
		printf("%s\n", statfs(a[1], &s) < 0 ? res(-1) : s.f_type == 0x01021994 ? "tmpfs"
			: s.f_type == 0x9fa0 ? "proc" : "other");
	} else if (!strcmp(c, "realpath")) {
		char b[PATH_MAX];
		printf("%s\n", realpath(a[1], b) ? b : res(-1));
	} else if (!strcmp(c, "cwd")) {
		char b[PATH_MAX];
		printf("%s\n", getcwd(b, sizeof b) ? b : res(-1));
	} else if (!strcmp(c, "env")) {
		do_env();
	} else if (!strcmp(c, "netifs")) {
		do_netifs();
	} else if (!strcmp(c, "sleep")) {
		printf("\n"), fflush(stdout), sleep(atoi(a[1]));
	} else if (!strcmp(c, "exit")) {
		printf("\n"), fflush(stdout), _exit(atoi(a[1]));
	} else if (!strcmp(c, "kill")) {
		printf("\n"), fflush(stdout), kill(getpid(), atoi(a[1]));
		pause();
	} else {
		printf("unknown command\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	char **a = argv + 1;
	while (*a) {
		char **end = a;
		while (*end && strcmp(*end, "+"))
			end++;
		char *stop = *end;
		*end = NULL;
		if (one(a) < 0)
			return 2;
		fflush(stdout);
		*end = stop;
		a = *end ? end + 1 : end;
	}
	return 0;
}
