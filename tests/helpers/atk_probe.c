/* atk_probe — the hostile program of tests/security: run inside a jail, it
 * tries one attack per command and prints "NAME: RESULT" lines, RESULT
 * being "ok" when the step succeeded or the errno name (EPERM ...) when it
 * failed. Commands are separated by "+":  atk_probe sysctl + remount /usr
 *
 *   race             exit 0: /data/PUBLIC seen; 66: /data/SECRET seen;
 *                    2: neither (prints nothing, for speed)
 *   exists PATH      "exists PATH: ok|ENOENT..."
 *   tty              TIOCSTI, TIOCSTI with high bits (CVE-2019-10063),
 *                    TIOCLINUX paste/selection on fd 0, injecting "Q"
 *   sysctl           open+write /proc/sys/kernel/hostname
 *   sysrq            open /proc/sysrq-trigger for writing (never writes)
 *   remount PATH     read-write remount of PATH: mount(2) MS_REMOUNT|MS_BIND
 *                    and mount_setattr clearing MOUNT_ATTR_RDONLY
 *   write PATH       create PATH (then remove it again)
 *   umount PATH      umount2(PATH, MNT_DETACH)
 *   mount PATH       a tmpfs on PATH
 *   nested PATH...   unshare(CLONE_NEWUSER|CLONE_NEWNS), then remount and
 *                    umount each PATH
 *   fds              this process's open fds (besides the one listing them)
 *   procs            every pid in /proc with readlink/open of its exe
 *   cwd NAME         chdir through /proc/self/fd/N, /proc/1/{cwd,root,fd/N}:
 *                    "cwd: none" or the first one where NAME is visible
 *   ptrace PID...    PTRACE_ATTACH of each pid
 *   groups FILE      read FILE, setgroups(0, NULL), read FILE again
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *res(long r)
{
	static char b[64];
	if (r >= 0)
		return "ok";
	const char *n = strerrorname_np(errno);
	snprintf(b, sizeof b, "%s", n ? n : "E?");
	return b;
}

static int race(void)
{
	if (access("/data/SECRET", F_OK) == 0)
		return 66;
	return access("/data/PUBLIC", F_OK) == 0 ? 0 : 2;
}

static void tty(void)
{
	char c = 'Q';
	printf("tiocsti: %s\n", res(ioctl(0, TIOCSTI, &c)));
	/* CVE-2019-10063: the kernel truncates the request to 32 bits, a
	 * filter that compares all 64 does not. */
	unsigned long hi = (unsigned long)TIOCSTI | (1UL << 32);
	printf("tiocsti-hi: %s\n", res(syscall(SYS_ioctl, 0, hi, &c)));
	char sel[] = { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }; /* TIOCL_SETSEL */
	printf("tioclinux-setsel: %s\n", res(ioctl(0, TIOCLINUX, sel)));
	char paste = 3; /* TIOCL_PASTESEL */
	printf("tioclinux-paste: %s\n", res(ioctl(0, TIOCLINUX, &paste)));
}

static void sysctl(void)
{
	int fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
	printf("sysctl-open: %s\n", res(fd));
	if (fd >= 0) {
		printf("sysctl-write: %s\n", res(write(fd, "pwned", 5)));
		close(fd);
	}
}

static void sysrq(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	printf("sysrq-open: %s\n", res(fd));
	if (fd >= 0)
		close(fd); /* never written: opening is enough to fail */
}

static long setattr_rw(const char *path)
{
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_RDONLY };
	return syscall(SYS_mount_setattr, AT_FDCWD, path, 0, &a, sizeof a);
}

static void remount(const char *tag, const char *path)
{
	printf("%sremount %s: %s\n", tag, path,
	       res(mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL)));
	printf("%ssetattr %s: %s\n", tag, path, res(setattr_rw(path)));
}

static void nested(char **paths, int n)
{
	printf("unshare: %s\n", res(unshare(CLONE_NEWUSER | CLONE_NEWNS)));
	for (int i = 0; i < n; i++) {
		remount("nested-", paths[i]);
		printf("nested-umount %s: %s\n", paths[i],
		       res(umount2(paths[i], MNT_DETACH)));
	}
}

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		printf("fds: %s\n", res(-1));
		return;
	}
	printf("fds:");
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	closedir(d);
}

static void procs(void)
{
	DIR *d = opendir("/proc");
	if (!d) {
		printf("procs: %s\n", res(-1));
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		char p[300], link[4096];
		snprintf(p, sizeof p, "/proc/%s/exe", e->d_name);
		ssize_t n = readlink(p, link, sizeof link - 1);
		link[n > 0 ? n : 0] = 0;
		printf("exe %s: %s %s", e->d_name, res(n), link);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		printf(" open %s\n", res(fd));
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

/* Is NAME visible from dir (a path we chdir to)? */
static int leads_out(const char *dir, const char *name)
{
	return chdir(dir) == 0 && access(name, F_OK) == 0;
}

static void cwd(const char *name)
{
	char p[64];
	const char *found = NULL;
	static char hit[64];
	if (access(name, F_OK) == 0)
		found = "initial cwd";
	for (int n = 0; !found && n < 256; n++) {
		snprintf(p, sizeof p, "/proc/self/fd/%d", n);
		if (leads_out(p, name))
			found = strcpy(hit, p);
		snprintf(p, sizeof p, "/proc/1/fd/%d", n);
		if (!found && leads_out(p, name))
			found = strcpy(hit, p);
	}
	if (!found && leads_out("/proc/1/cwd", name))
		found = "/proc/1/cwd";
	if (!found && leads_out("/proc/1/root", name))
		found = "/proc/1/root";
	printf("cwd: %s\n", found ? found : "none");
}

static void do_ptrace(char **pids, int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = (pid_t)atoi(pids[i]);
		long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
		printf("ptrace %s: %s\n", pids[i], res(r));
		if (r == 0)
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
}

static void try_read(const char *tag, const char *file)
{
	char b[64];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	long r = fd < 0 ? -1 : read(fd, b, sizeof b);
	printf("%s: %s\n", tag, res(r));
	if (fd >= 0)
		close(fd);
}

static void groups(const char *file)
{
	gid_t g[64];
	int n = getgroups(64, g);
	printf("groups:");
	for (int i = 0; i < n; i++)
		printf(" %u", (unsigned)g[i]);
	printf("\n");
	try_read("read-before", file);
	printf("setgroups: %s\n", res(setgroups(0, NULL)));
	try_read("read-after", file);
}

/* One command of argv[i..]; returns the index after it. */
static int one(char **argv, int argc, int i)
{
	const char *c = argv[i];
	int end = i + 1;
	while (end < argc && strcmp(argv[end], "+") != 0)
		end++;
	char **a = argv + i + 1;
	int n = end - i - 1;
	if (!strcmp(c, "race"))
		exit(race());
	else if (!strcmp(c, "exists") && n == 1)
		printf("exists %s: %s\n", a[0], res(access(a[0], F_OK)));
	else if (!strcmp(c, "tty"))
		tty();
	else if (!strcmp(c, "sysctl"))
		sysctl();
	else if (!strcmp(c, "sysrq"))
		sysrq();
	else if (!strcmp(c, "remount") && n == 1)
		remount("", a[0]);
	else if (!strcmp(c, "write") && n == 1) {
		int fd = open(a[0], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		printf("write %s: %s\n", a[0], res(fd));
		if (fd >= 0) {
			close(fd);
			unlink(a[0]);
		}
	} else if (!strcmp(c, "umount") && n == 1)
		printf("umount %s: %s\n", a[0], res(umount2(a[0], MNT_DETACH)));
	else if (!strcmp(c, "mount") && n == 1)
		printf("mount %s: %s\n", a[0],
		       res(mount("tmpfs", a[0], "tmpfs", 0, NULL)));
	else if (!strcmp(c, "nested"))
		nested(a, n);
	else if (!strcmp(c, "fds"))
		fds();
	else if (!strcmp(c, "procs"))
		procs();
	else if (!strcmp(c, "cwd") && n == 1)
		cwd(a[0]);
	else if (!strcmp(c, "ptrace"))
		do_ptrace(a, n);
	else if (!strcmp(c, "groups") && n == 1)
		groups(a[0]);
	else
		printf("%s: bad command\n", c);
	fflush(stdout);
	return end + 1;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc;)
		i = one(argv, argc, i);
	return 0;
}
