/* probe — run inside a sandbox by the parity tests (tests/parity/), under
 * bwrap and under swrap; prints a normalized report of what it sees, one
 * fact per line, "KEY VALUE...". Two runs in the same sandbox print the
 * same bytes: no inode, device number of a filesystem, launcher pid, time
 * or default tmpfs size is printed.
 *
 *   probe [--host-ns user=INO,mnt=INO,...] [--launcher PID]
 *
 * --host-ns: the runner's own namespace inodes (argv, not the environment:
 * the sandbox may clear it); each namespace is reported "new" or "same".
 * --launcher: pid of the bwrap/swrap process, so that "ppid" can say
 * "launcher" rather than print a number that changes every run.
 *
 * In order: open fds (first, before the probe opens any), namespaces, cwd,
 * hostname, pid/ppid, session, terminal, umask, ids and maps, capability
 * sets, no_new_privs, seccomp, pdeathsig, signals, rlimits, environment
 * (sorted), the mount table (in order; a mount hidden under another on the
 * same point, or under a hidden one, is marked "covered"), mode and owner
 * of /, /tmp and each mount point, then the files the jail made: its root
 * and whole tmpfs/devpts mounts are walked (numbered ptys skipped); bound
 * host trees are reported as mounts only.
 *
 * Static, so it needs nothing in the sandbox but itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static const char *host_ns;  /* "user=INO,mnt=INO,..." */
static pid_t launcher = -1;
static bool have_proc;
static bool new_pidns;

#define MAX_MOUNTS 512
#define MAX_TREE 3000

struct mnt {
	int id, parent;
	char point[PATH_MAX];
	char fstype[64];
	char root[PATH_MAX];
	char line[1024]; /* the report line, after "mount POINT" */
	bool covered;
};
static struct mnt mounts[MAX_MOUNTS];
static int nmounts;

static const char *err_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- namespaces ------------------------------------------------------ */

/* The inode the runner passed for ns, or 0. */
static unsigned long long host_ino(const char *ns)
{
	size_t n = strlen(ns);
	for (const char *p = host_ns; p && *p;) {
		if (strncmp(p, ns, n) == 0 && p[n] == '=')
			return strtoull(p + n + 1, NULL, 10);
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

static void report_ns(void)
{
	static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid",
					     "time", "user", "uts" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char p[64];
		struct stat st;
		snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
		if (stat(p, &st) < 0) {
			printf("ns %s %s\n", names[i], err_name(errno));
			continue;
		}
		bool same = (unsigned long long)st.st_ino == host_ino(names[i]);
		printf("ns %s %s\n", names[i], same ? "same" : "new");
		if (!strcmp(names[i], "pid"))
			new_pidns = !same;
	}
}

/* ---- ids ------------------------------------------------------------- */

/* Prints a /proc file with runs of blanks squeezed, lines joined by "|". */
static void print_squeezed(const char *key, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		printf("%s %s\n", key, err_name(errno));
		return;
	}
	printf("%s", key);
	int c, prev = ' ';
	bool first = true;
	while ((c = fgetc(f)) != EOF) {
		if (c == '\n') {
			prev = '|';
			continue;
		}
		if (c == ' ' || c == '\t') {
			if (prev != ' ' && prev != '|')
				prev = ' ';
			continue;
		}
		if (first || prev == '|' || prev == ' ')
			putchar(first ? ' ' : prev);
		first = false;
		putchar(c);
		prev = c;
	}
	putchar('\n');
	fclose(f);
}

static void report_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("uid %u %u %u\ngid %u %u %u\n", r, e, s, gr, ge, gs);
	gid_t g[256];
	int n = getgroups(256, g);
	printf("groups");
	for (int i = 0; i < n; i++)
		printf(" %u", g[i]);
	printf("\n");
	if (!have_proc)
		return;
	print_squeezed("uid_map", "/proc/self/uid_map");
	print_squeezed("gid_map", "/proc/self/gid_map");
	print_squeezed("setgroups", "/proc/self/setgroups");
}

/* ---- privileges ------------------------------------------------------ */

static void report_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0) {
		printf("caps %s\n", err_name(errno));
		return;
	}
	printf("CapInh %08x%08x\n", d[1].inheritable, d[0].inheritable);
	printf("CapPrm %08x%08x\n", d[1].permitted, d[0].permitted);
	printf("CapEff %08x%08x\n", d[1].effective, d[0].effective);
	unsigned long long bnd = 0, amb = 0;
	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) > 0)
			bnd |= 1ULL << c;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) > 0)
			amb |= 1ULL << c;
	}
	printf("CapBnd %016llx\nCapAmb %016llx\n", bnd, amb);
	printf("NoNewPrivs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	/* 0: none, 2: filter (a filter that forbids prctl kills us first). */
	printf("Seccomp %d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	int sig = 0;
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	printf("pdeathsig %d\n", sig);
	printf("dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
}

/* ---- mounts ---------------------------------------------------------- */

/* Undoes mountinfo's octal escapes (\040 for a space...) in place. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

static bool has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = opts; p && *p;) {
		if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == 0))
			return true;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return false;
}

/* tmpfs's default size (half the RAM) as mountinfo writes it, in k. */
static unsigned long long default_tmpfs_k(void)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0)
		return 0;
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	unsigned long long pages = (unsigned long long)si.totalram * si.mem_unit / page;
	return pages / 2 * page / 1024;
}

/* The super options that say what a jail asked for; the rest (inode
 * counts, device-dependent options) is dropped. Appended to out. */
static void print_super(const char *fstype, char *sopts, char *out, size_t left)
{
	static const char *const keep[] = { "mode=", "uid=", "gid=", "size=",
					    "ptmxmode=", "newinstance", "hidepid=",
					    "subset=" };
	bool special = !strcmp(fstype, "tmpfs") || !strcmp(fstype, "devpts") ||
		       !strcmp(fstype, "proc") || !strcmp(fstype, "mqueue");
	size_t n = (size_t)snprintf(out, left, " super=%s", has_opt(sopts, "ro") ? "ro" : "rw");
	if (!special)
		return;
	for (char *save, *o = strtok_r(sopts, ",", &save); o && n < left;
	     o = strtok_r(NULL, ",", &save)) {
		for (size_t i = 0; i < sizeof keep / sizeof *keep && n < left; i++) {
			if (strncmp(o, keep[i], strlen(keep[i])))
				continue;
			if (!strncmp(o, "size=", 5) &&
			    strtoull(o + 5, NULL, 10) == default_tmpfs_k())
				n += (size_t)snprintf(out + n, left - n, ",size=default");
			else
				n += (size_t)snprintf(out + n, left - n, ",%s", o);
		}
	}
}

static const char *propagation(const char *opt_fields)
{
	if (strstr(opt_fields, "shared:"))
		return strstr(opt_fields, "master:") ? "shared+slave" : "shared";
	if (strstr(opt_fields, "master:"))
		return "slave";
	if (strstr(opt_fields, "unbindable"))
		return "unbindable";
	return "private";
}

/* The report line of one mountinfo entry: id parent maj:min root point
 * opts [optional fields] - fstype source super. */
static bool parse_mount(char *line, struct mnt *m)
{
	char root[PATH_MAX], point[PATH_MAX], opts[512], rest[4096];
	if (sscanf(line, "%d %d %*s %4095s %4095s %511s %4095[^\n]", &m->id, &m->parent,
		   root, point, opts, rest) != 6)
		return false;
	char *dash = strstr(rest, " - ");
	if (!dash && strncmp(rest, "- ", 2))
		return false;
	char *after = dash ? dash + 3 : rest + 2;
	if (dash)
		*dash = 0;
	else
		rest[0] = 0;
	char fstype[64], source[4096], sopts[4096] = "";
	if (sscanf(after, "%63s %4095s %4095s", fstype, source, sopts) < 2)
		return false;
	unescape(root);
	unescape(point);
	snprintf(m->point, sizeof m->point, "%s", point);
	snprintf(m->fstype, sizeof m->fstype, "%s", fstype);
	snprintf(m->root, sizeof m->root, "%s", root);
	char *o = m->line;
	size_t left = sizeof m->line;
	int n = snprintf(o, left, "%s %s%s%s%s %s root=%.400s", fstype,
			 has_opt(opts, "ro") ? "ro" : "rw",
			 has_opt(opts, "nosuid") ? ",nosuid" : "",
			 has_opt(opts, "nodev") ? ",nodev" : "",
			 has_opt(opts, "noexec") ? ",noexec" : "",
			 propagation(rest), root);
	print_super(fstype, sopts, o + n, left - (size_t)n);
	return true;
}

/* Hidden from every path: another mount sits on the same point on top of
 * it, or its parent is hidden. */
static void mark_covered(void)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < nmounts; i++) {
			for (int j = 0; j < nmounts && !mounts[i].covered; j++) {
				bool over = mounts[j].parent == mounts[i].id &&
					    !strcmp(mounts[j].point, mounts[i].point);
				bool under = mounts[i].parent == mounts[j].id && mounts[j].covered;
				if (i != j && (over || under))
					changed = mounts[i].covered = true;
			}
		}
	}
}

static void report_mounts(void)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	if (!fp) {
		printf("mounts %s\n", have_proc ? err_name(errno) : "no-proc");
		return;
	}
	char line[8192];
	while (nmounts < MAX_MOUNTS && fgets(line, sizeof line, fp))
		if (parse_mount(line, &mounts[nmounts]))
			nmounts++;
	fclose(fp);
	mark_covered();
	for (int i = 0; i < nmounts; i++)
		printf("mount %s%s %s\n", mounts[i].point,
		       mounts[i].covered ? " covered" : "", mounts[i].line);
}

/* ---- files ----------------------------------------------------------- */

static char type_char(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISREG(m) ? 'f' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' :
	       S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '?';
}

/* "TYPE MODE UID:GID [size N | -> TARGET | rdev MAJ:MIN]" of path. */
static void print_stat(const char *key, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		printf("%s %s %s\n", key, path, err_name(errno));
		return;
	}
	printf("%s %s %c %04o %u:%u", key, path, type_char(st.st_mode),
	       (unsigned)(st.st_mode & 07777), st.st_uid, st.st_gid);
	if (S_ISLNK(st.st_mode)) {
		char t[PATH_MAX];
		ssize_t n = readlink(path, t, sizeof t - 1);
		printf(" -> %.*s", n < 0 ? 0 : (int)n, t);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		printf(" rdev %u:%u", major(st.st_rdev), minor(st.st_rdev));
	} else if (S_ISREG(st.st_mode)) {
		printf(" size %lld", (long long)st.st_size);
	}
	printf("\n");
}

static const struct mnt *mount_at(const char *path)
{
	const struct mnt *found = NULL;
	for (int i = 0; i < nmounts; i++)
		if (!strcmp(mounts[i].point, path))
			found = &mounts[i]; /* the last one is on top */
	return found;
}

/* Only what the jail made is listed: tmpfs and devpts (its root, --tmpfs,
 * --dev), not below a bind of a host directory; bound host trees, /proc
 * and /sys would make the report depend on the host. */
static bool descend(const char *path, dev_t parent_dev, const struct stat *st)
{
	struct statfs sf;
	if (!strcmp(path, "/proc") || !strcmp(path, "/sys") || statfs(path, &sf) < 0 ||
	    (sf.f_type != TMPFS_MAGIC && sf.f_type != DEVPTS_SUPER_MAGIC))
		return false;
	if (st->st_dev == parent_dev)
		return true;
	const struct mnt *m = mount_at(path);
	return m && (!strcmp(m->fstype, "tmpfs") || !strcmp(m->fstype, "devpts")) &&
	       !strcmp(m->root, "/");
}

static int printed;

static void walk(const char *dir, dev_t dev)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char *names[1024];
	int n = 0;
	struct dirent *e;
	/* Numbered ptys come and go with the host's terminals. */
	bool pts = !strcmp(dir, "/dev/pts");
	while ((e = readdir(d)) && n < 1024)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    !(pts && strspn(e->d_name, "0123456789") == strlen(e->d_name)))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", strcmp(dir, "/") ? dir : "", names[i]);
		free(names[i]);
		if (printed++ >= MAX_TREE)
			continue;
		print_stat("file", p);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && descend(p, dev, &st))
			walk(p, st.st_dev);
	}
}

static void report_files(void)
{
	print_stat("stat", "/");
	print_stat("stat", "/tmp");
	for (int i = 0; i < nmounts; i++)
		print_stat("stat", mounts[i].point);
	struct stat st;
	struct statfs sf;
	if (stat("/", &st) == 0 && statfs("/", &sf) == 0 && sf.f_type == TMPFS_MAGIC)
		walk("/", st.st_dev);
	if (printed > MAX_TREE)
		printf("file ... %d more\n", printed - MAX_TREE);
}

/* ---- the process ----------------------------------------------------- */

static void report_env(void)
{
	int n = 0;
	while (environ[n])
		n++;
	char **v = calloc(n + 1, sizeof *v);
	for (int i = 0; i < n; i++)
		v[i] = environ[i];
	qsort(v, n, sizeof *v, cmp_str);
	for (int i = 0; i < n; i++)
		printf("env %s\n", v[i]);
	free(v);
}

static void report_process(const char *argv0)
{
	char cwd[PATH_MAX];
	printf("argv0 %s\n", argv0);
	printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : err_name(errno));
	struct utsname u;
	uname(&u);
	printf("hostname %s\ndomainname %s\n", u.nodename, u.domainname);
	pid_t pid = getpid(), ppid = getppid();
	if (new_pidns)
		printf("pid %d\n", pid);
	else
		printf("pid outer\n");
	if (ppid == launcher)
		printf("ppid launcher\n");
	else if (new_pidns || ppid <= 1)
		printf("ppid %d\n", ppid);
	else
		printf("ppid outer\n");
	printf("sid==pid %s\n", getsid(0) == pid ? "yes" : "no");
	printf("pgid==pid %s\n", getpgid(0) == pid ? "yes" : "no");
	int t = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	printf("tty %s\n", t >= 0 ? "ok" : err_name(errno));
	if (t >= 0)
		close(t);
	mode_t um = umask(022);
	printf("umask %04o\n", (unsigned)um);
}

static void report_signals(void)
{
	sigset_t blocked;
	sigprocmask(SIG_BLOCK, NULL, &blocked);
	printf("sigblocked");
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&blocked, s) == 1)
			printf(" %d", s);
	printf("\nsigignored");
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			printf(" %d", s);
	}
	printf("\n");
}

/* pipe:[123] -> pipe, and the like: the inode changes every run. */
static void normalize_link(char *t)
{
	char *br = strstr(t, ":[");
	if (br && t[strlen(t) - 1] == ']')
		*br = 0;
}

static void report_fds(void)
{
	for (int fd = 0; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		char p[64], t[PATH_MAX];
		snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
		ssize_t n = have_proc ? readlink(p, t, sizeof t - 1) : -1;
		if (n < 0) {
			printf("fd %d open\n", fd);
			continue;
		}
		t[n] = 0;
		normalize_link(t);
		printf("fd %d %s\n", fd, t);
	}
}

static void report_rlimits(void)
{
	static const struct { int r; const char *name; } lim[] = {
		{ RLIMIT_AS, "AS" }, { RLIMIT_CORE, "CORE" }, { RLIMIT_CPU, "CPU" },
		{ RLIMIT_DATA, "DATA" }, { RLIMIT_FSIZE, "FSIZE" },
		{ RLIMIT_LOCKS, "LOCKS" }, { RLIMIT_MEMLOCK, "MEMLOCK" },
		{ RLIMIT_MSGQUEUE, "MSGQUEUE" }, { RLIMIT_NICE, "NICE" },
		{ RLIMIT_NOFILE, "NOFILE" }, { RLIMIT_NPROC, "NPROC" },
		{ RLIMIT_RSS, "RSS" }, { RLIMIT_RTPRIO, "RTPRIO" },
		{ RLIMIT_RTTIME, "RTTIME" }, { RLIMIT_SIGPENDING, "SIGPENDING" },
		{ RLIMIT_STACK, "STACK" },
	};
	for (size_t i = 0; i < sizeof lim / sizeof *lim; i++) {
		struct rlimit rl;
		getrlimit(lim[i].r, &rl);
		printf("rlimit %s ", lim[i].name);
		if (rl.rlim_cur == RLIM_INFINITY)
			printf("inf ");
		else
			printf("%llu ", (unsigned long long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			printf("inf\n");
		else
			printf("%llu\n", (unsigned long long)rl.rlim_max);
	}
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--host-ns"))
			host_ns = argv[i + 1];
		else if (!strcmp(argv[i], "--launcher"))
			launcher = (pid_t)atoi(argv[i + 1]);
	}
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	struct stat st;
	have_proc = stat("/proc/self/status", &st) == 0;
	/* First, before stdio or anything else opens an fd of its own. */
	report_fds();
	if (have_proc)
		report_ns();
	else
		printf("ns no-proc\n");
	report_process(argv[0]);
	report_ids();
	report_caps();
	report_signals();
	report_rlimits();
	report_env();
	report_mounts();
	report_files();
	return fflush(stdout) == 0 ? 0 : 1;
}
