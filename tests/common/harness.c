/* harness.c — see harness.h. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum sw_as sw_as_root_v = SW_AS_ROOT, sw_as_user_v = SW_AS_USER;

extern char **environ;

static const char *absolute(const char *rel, char *buf, size_t len)
{
	if (rel[0] == '/')
		return rel;
	if (!getcwd(buf, len))
		fail_msg("getcwd: %s", strerror(errno));
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "/%s", rel);
	return buf;
}

const char *sw_swrap(void)
{
	static char path[PATH_MAX];
	const char *s = getenv("SWRAP");
	if (!s) {
		const char *b = getenv("SW_BUILD");
		static char rel[PATH_MAX];
		snprintf(rel, sizeof rel, "%s/swrap", b ? b : "build");
		s = rel;
	}
	return absolute(s, path, sizeof path);
}

const char *sw_helper(const char *name)
{
	static char path[8][PATH_MAX];
	static int next;
	char rel[PATH_MAX];
	const char *b = getenv("SW_BUILD");
	snprintf(rel, sizeof rel, "%s/tests/helpers/%s", b ? b : "build", name);
	char *slot = path[next++ % 8];
	const char *p = absolute(rel, slot, PATH_MAX);
	if (p != slot)
		snprintf(slot, PATH_MAX, "%s", p);
	return slot;
}

void sw_drop_privileges(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(SW_TEST_GID, SW_TEST_GID, SW_TEST_GID) < 0 ||
	    setresuid(SW_TEST_UID, SW_TEST_UID, SW_TEST_UID) < 0) {
		perror("drop privileges");
		_exit(125);
	}
}

static char *slurp_append(char *buf, size_t *len, const char *data, size_t n)
{
	char *nb = realloc(buf, *len + n + 1);
	assert_non_null(nb);
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = 0;
	return nb;
}

static void read_both(int ofd, int efd, struct sw_run *r, pid_t pid)
{
	size_t olen = 0, elen = 0;
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	struct pollfd p[2] = { { ofd, POLLIN, 0 }, { efd, POLLIN, 0 } };
	time_t deadline = time(NULL) + 60;
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			fail_msg("run timed out after 60 s");
		}
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			fail_msg("poll: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			char tmp[4096];
			ssize_t n = read(p[i].fd, tmp, sizeof tmp);
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
			} else if (i == 0) {
				r->out = slurp_append(r->out, &olen, tmp, n);
			} else {
				r->err = slurp_append(r->err, &elen, tmp, n);
			}
		}
	}
}

void sw_run_env(enum sw_as as, const char *const *env, struct sw_run *r,
		const char *const *argv)
{
	int o[2], e[2];
	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		for (; env && *env; env++)
			if (strchr(*env, '='))
				putenv((char *)*env);
			else
				unsetenv(*env);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(125);
	}
	close(o[1]);
	close(e[1]);
	read_both(o[0], e[0], r, pid);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void sw_run(enum sw_as as, struct sw_run *r, const char *const *argv)
{
	sw_run_env(as, NULL, r, argv);
}

void sw_run_free(struct sw_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *sw_tmpdir(enum sw_as as)
{
	char *p = strdup("/tmp/swtest.XXXXXX");
	assert_non_null(mkdtemp(p));
	if (as == SW_AS_USER)
		assert_int_equal(chown(p, SW_TEST_UID, SW_TEST_GID), 0);
	assert_int_equal(chmod(p, 0755), 0);
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)f;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? 0 : 0;
	unlink(path);
	return 0;
}

void sw_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void sw_write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	size_t n = strlen(content);
	assert_int_equal(write(fd, content, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

int sw_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

bool sw_has_line(const char *s, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = s; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && memcmp(p, line, n) == 0)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

void sw_expect_caps(const char *status, const char *hex)
{
	const char *sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	for (int i = 0; i < 5; i++) {
		char line[64];
		snprintf(line, sizeof line, "%s:\t%s", sets[i], hex);
		if (!sw_has_line(status, line))
			fail_msg("no \"%s\" in:\n%s", line, status);
	}
}
