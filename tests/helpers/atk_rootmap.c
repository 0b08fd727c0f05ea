/* atk_rootmap — the hostile program of tests/security/test_rootmap.c
 * (issue 20, hole 4: a root launcher's jail acting as the host's root).
 * One attack per command, "NAME: RESULT" lines, RESULT "ok" when the step
 * succeeded or the errno name when it failed. Commands are separated by
 * "+":  atk_rootmap userns + write /data/f
 *
 *   userns           unshare(CLONE_NEWUSER)
 *   cg2 NAME         a nested user+mount+cgroup namespace, cgroup2 mounted
 *                    on /tmp/cg2 (its root: this process's cgroup), then
 *                    "1" into NAME/cgroup.freeze and NAME/cgroup.kill
 *   freezer NAME     the same with the v1 freezer on /tmp/fz, FROZEN into
 *                    NAME/freezer.state
 *   write PATH       open PATH for writing (O_APPEND; never writes)
 *   connect NAME     connect to the abstract unix socket "\0NAME" and
 *                    send one byte
 *   block            read fd 0 until EOF (the launcher looks meanwhile)
 *
 * userns, cg2 and freezer each run in a child process: the namespaces
 * they make stay out of the steps that follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* open+write of value into path; "NAME: RESULT". */
static void put(const char *tag, const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	long r = fd;
	if (fd >= 0) {
		r = write(fd, value, strlen(value));
		close(fd);
	}
	printf("%s: %s\n", tag, res(r));
}

/* The nested namespaces and a cgroupfs of type (options opts) on dir:
 * false (and a line saying why) when they can't be had. */
static bool own_cgroupfs(const char *tag, const char *dir, const char *type,
			 const char *opts)
{
	long r = unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP);
	printf("%s-unshare: %s\n", tag, res(r));
	if (r < 0)
		return false;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		printf("%s-mount: %s\n", tag, res(-1));
		return false;
	}
	r = mount("none", dir, type, 0, opts);
	printf("%s-mount: %s\n", tag, res(r));
	return r == 0;
}

static void in_child(void (*fn)(const char *), const char *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void userns(const char *unused)
{
	(void)unused;
	printf("userns: %s\n", res(unshare(CLONE_NEWUSER)));
}

static void cg2(const char *name)
{
	char p[512];
	if (!own_cgroupfs("cg2", "/tmp/cg2", "cgroup2", NULL))
		return;
	snprintf(p, sizeof p, "/tmp/cg2/%s/cgroup.freeze", name);
	put("cg2-freeze", p, "1");
	snprintf(p, sizeof p, "/tmp/cg2/%s/cgroup.kill", name);
	if (access(p, F_OK) == 0)
		put("cg2-kill", p, "1");
	else
		printf("cg2-kill: ENOENT\n"); /* before 5.14 */
}

static void freezer(const char *name)
{
	char p[512];
	if (!own_cgroupfs("freezer", "/tmp/fz", "cgroup", "freezer"))
		return;
	snprintf(p, sizeof p, "/tmp/fz/%s/freezer.state", name);
	put("freezer-state", p, "FROZEN");
}

static void connect_to(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	if (n + 1 > sizeof a.sun_path)
		n = sizeof a.sun_path - 1;
	memcpy(a.sun_path + 1, name, n);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	long r = fd < 0 ? -1 :
		connect(fd, (struct sockaddr *)&a,
			(socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
	if (r == 0)
		r = write(fd, "x", 1);
	printf("connect: %s\n", res(r));
	if (fd >= 0)
		close(fd);
}

static void block(void)
{
	char b[64];
	printf("block: ok\n");
	fflush(stdout);
	while (read(0, b, sizeof b) > 0 || errno == EINTR)
		;
}

/* Runs the command at argv[i]; returns the index after it and its "+". */
static int one(char **argv, int argc, int i)
{
	const char *c = argv[i];
	const char *a = i + 1 < argc ? argv[i + 1] : "";
	int used = 1;
	if (strcmp(c, "userns") == 0) {
		in_child(userns, NULL);
	} else if (strcmp(c, "cg2") == 0) {
		in_child(cg2, a);
		used = 2;
	} else if (strcmp(c, "freezer") == 0) {
		in_child(freezer, a);
		used = 2;
	} else if (strcmp(c, "write") == 0) {
		int fd = open(a, O_WRONLY | O_APPEND | O_CLOEXEC);
		printf("write %s: %s\n", a, res(fd));
		if (fd >= 0)
			close(fd);
		used = 2;
	} else if (strcmp(c, "connect") == 0) {
		connect_to(a);
		used = 2;
	} else if (strcmp(c, "block") == 0) {
		block();
	} else {
		printf("%s: unknown command\n", c);
	}
	fflush(stdout);
	i += used;
	if (i < argc && strcmp(argv[i], "+") == 0)
		i++;
	return i;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc;)
		i = one(argv, argc, i);
	return 0;
}
