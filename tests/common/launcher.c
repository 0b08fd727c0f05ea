/* launcher.c — see launcher.h. */
#include "launcher.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swrap.h"

int sw_in_launcher(enum sw_as as, int (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY); /* the jails' chatter */
		dup2(nul, 1);
		if (as == SW_AS_USER)
			sw_drop_privileges();
		_exit(fn());
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *sw_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0, got;
	char *b = malloc(cap);
	while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n == cap - 1) {
			char *nb = realloc(b, cap *= 2);
			if (!nb)
				free(b);
			b = nb;
		}
	}
	if (b)
		b[n] = 0;
	fclose(f);
	return b;
}

bool sw_alive(pid_t pid)
{
	char p[64], buf[512];
	snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof buf, f) != NULL;
	fclose(f);
	const char *s = ok ? strrchr(buf, ')') : NULL;
	return s && s[2] != 'Z' && s[2] != 'X';
}

static char helper_dir[4096];

static void find_helper_dir(void)
{
	snprintf(helper_dir, sizeof helper_dir, "%s", sw_helper("jt"));
	*strrchr(helper_dir, '/') = 0;
}

const char *sw_helper_dir(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, find_helper_dir); /* threaded tests call this */
	return helper_dir;
}

sw_spec *sw_mini_spec(const char *const *cmd, size_t n, bool die, bool detach)
{
	sw_spec *s = sw_spec_new();
	sw_error e;
	if (!s)
		return NULL;
	sw_spec_unshare(s, SW_NS_USER | SW_NS_PID | SW_NS_IPC | SW_NS_UTS);
	int r = sw_spec_bind(s, SW_FS_RO_BIND, "/usr", "/usr", 0, &e);
	r |= sw_spec_symlink(s, "usr/lib", "/lib", &e);
	r |= sw_spec_symlink(s, "usr/lib64", "/lib64", &e);
	r |= sw_spec_bind(s, SW_FS_RO_BIND, sw_helper_dir(), "/h", 0, &e);
	r |= sw_spec_argv(s, n, cmd, &e);
	sw_spec_die_with_parent(s, die);
	sw_spec_detach(s, detach);
	if (r) {
		sw_spec_free(s);
		return NULL;
	}
	return s;
}

/* Does this process still have a child (a zombie included)? */
static bool has_children(void)
{
	char path[300];
	DIR *d = opendir("/proc/self/task");
	bool any = false;
	struct dirent *de;
	while (d && (de = readdir(d)) && !any) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/children", de->d_name);
		char *k = sw_slurp(path);
		any = k && k[0];
		free(k);
	}
	if (d)
		closedir(d);
	return any;
}

bool sw_children_gone(void)
{
	for (int i = 0; i < 1000 && has_children(); i++)
		usleep(10 * 1000);
	return !has_children() && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}
