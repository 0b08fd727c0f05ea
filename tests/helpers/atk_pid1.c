/* atk_pid1 — a hostile command against the jail's PID 1 (issue 20).
 *
 *   atk_pid1 HEX
 *
 * From its first instruction it tries what a command holding
 * CAP_SYS_PTRACE in its user namespace could use to reach the launcher
 * through PID 1: /proc/1/mem, /proc/1/maps, ptrace. HEX is a marker the
 * launcher planted in its own memory, hex-encoded (so that the bytes
 * searched for are not the argument's own). One line on stdout:
 *
 *   pid1 mem=OK|ERRNO maps=OK|ERRNO foreign=N marker=found|absent
 *        ptrace=OK|ERRNO first=NAME
 *
 * foreign: mappings of PID 1 that are not swrap-init's own (its file, its
 * stack, the vDSO, anonymous memory): the launcher's heap, C library or
 * program. marker: whether the marker was read anywhere in PID 1's
 * readable memory. first: the first mapping's name, for the message.
 *
 *   atk_pid1 scan SECONDS HEX
 *
 * A jail that another launch will join (--userns, --pidns): for SECONDS,
 * every process of this PID namespace but itself and PID 1 is tried, as
 * it shows up: /proc/N/mem searched for the marker, and pidfd_getfd of
 * its fds 3..63. One line: "scan clean N" (N processes tried), or "scan
 * LEAK mem|fd PID".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *err_name(int e)
{
	switch (e) {
	case 0:
		return "OK";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case EIO:
		return "EIO";
	default:
		return "ERR";
	}
}

static size_t unhex(const char *h, char *out, size_t cap)
{
	size_t n = 0;
	for (; h[0] && h[1] && n < cap; h += 2) {
		char b[3] = { h[0], h[1], 0 };
		out[n++] = (char)strtol(b, NULL, 16);
	}
	return n;
}

/* A mapping swrap-init may have: its own file (a memfd, or a file of a
 * tmpfs, or by /proc/self/fd), the stack, the vDSO, anonymous memory. */
static int own(const char *name)
{
	return !*name || strstr(name, "swrap-init") || !strcmp(name, "[stack]") ||
	       !strcmp(name, "[vvar]") || !strcmp(name, "[vdso]") ||
	       !strcmp(name, "[vsyscall]") || !strcmp(name, "[vvar_vclock]");
}

static char maps[1 << 16], buf[1 << 16];

/* Is marker anywhere in pid's readable memory? */
static int search(int pid, const char *marker, size_t mlen)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", pid);
	int mem = open(path, O_RDONLY | O_CLOEXEC);
	if (mem < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *f = fopen(path, "r");
	int found = 0;
	char line[512];
	while (f && !found && fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r')
			continue;
		for (unsigned long a = lo; a < hi && !found;) {
			size_t want = hi - a < sizeof buf ? hi - a : sizeof buf;
			ssize_t got = pread(mem, buf, want, (off_t)a);
			if (got <= 0)
				break;
			found = memmem(buf, (size_t)got, marker, mlen) != NULL;
			a += (size_t)got > mlen ? (size_t)got - mlen : (size_t)got;
		}
	}
	if (f)
		fclose(f);
	close(mem);
	return found;
}

/* Can one of pid's fds be taken? */
static int steal(int pid)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return 0;
	int got = 0;
	for (int fd = 3; fd < 64 && !got; fd++) {
		int k = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
		if (k >= 0) {
			close(k);
			got = fd;
		}
	}
	close(pfd);
	return got;
}

static int scan(long seconds, const char *hex)
{
	char marker[128];
	size_t mlen = unhex(hex, marker, sizeof marker);
	long tried = 0;
	time_t end = time(NULL) + seconds;
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d))) {
			int pid = atoi(de->d_name);
			if (pid <= 1 || pid == getpid())
				continue;
			int fd = steal(pid);
			if (fd) {
				printf("scan LEAK fd %d\n", pid);
				return 0;
			}
			if (search(pid, marker, mlen)) {
				printf("scan LEAK mem %d\n", pid);
				return 0;
			}
			tried++;
		}
		if (d)
			closedir(d);
	}
	printf("scan clean %ld\n", tried);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "scan") == 0)
		return scan(atol(argv[2]), argv[3]);
	int mem = open("/proc/1/mem", O_RDONLY | O_CLOEXEC);
	int mem_e = mem < 0 ? errno : 0;
	int mfd = open("/proc/1/maps", O_RDONLY | O_CLOEXEC);
	int maps_e = mfd < 0 ? errno : 0;
	ssize_t mn = 0;
	if (mfd >= 0) {
		ssize_t r;
		while (mn < (ssize_t)sizeof maps - 1 &&
		       (r = read(mfd, maps + mn, sizeof maps - 1 - (size_t)mn)) > 0)
			mn += r;
		if (mn == 0)
			maps_e = errno ? errno : EIO;
		close(mfd);
	}
	maps[mn > 0 ? mn : 0] = 0;
	int pt = ptrace(PTRACE_SEIZE, 1, NULL, NULL) == 0 ? 0 : errno;

	char marker[128];
	size_t mlen = argc > 1 ? unhex(argv[1], marker, sizeof marker) : 0;
	int foreign = 0, found = 0;
	char first[128] = "-";
	for (char *line = maps; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		unsigned long lo, hi;
		char perms[8] = "", name[256] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &lo, &hi, perms, name) >= 3) {
			char *n = name;
			while (*n == ' ')
				n++;
			if (!own(n)) {
				if (!foreign++)
					snprintf(first, sizeof first, "%s", n);
			}
			for (unsigned long a = lo; mem >= 0 && mlen && perms[0] == 'r' && a < hi;) {
				size_t want = hi - a < sizeof buf ? hi - a : sizeof buf;
				ssize_t got = pread(mem, buf, want, (off_t)a);
				if (got <= 0)
					break;
				if (memmem(buf, (size_t)got, marker, mlen))
					found = 1;
				/* a marker across two reads: overlap by its length */
				a += (size_t)got > mlen ? (size_t)got - mlen : (size_t)got;
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	printf("pid1 mem=%s maps=%s foreign=%d marker=%s ptrace=%s first=%s\n", err_name(mem_e),
	       err_name(maps_e), foreign, found ? "found" : "absent", err_name(pt), first);
	return 0;
}
