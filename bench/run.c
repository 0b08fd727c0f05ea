/* run.c — launching and timing one run of a variant. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

double bench_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int bench_spawn_out(char **argv, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	for (int fd = 0; fd < 3; fd++)
		if (fd == 1 && out_fd >= 0)
			posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
		else
			posix_spawn_file_actions_addopen(&fa, fd, "/dev/null",
							 fd ? O_WRONLY : O_RDONLY, 0);
	pid_t pid;
	int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return r ? -r : pid;
}

int bench_spawn(char **argv)
{
	return bench_spawn_out(argv, -1);
}

static char **prepend(const char *first, char **argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **v = calloc(n + 2, sizeof *v);
	if (!v)
		return NULL;
	v[0] = (char *)first;
	memcpy(v + 1, argv, n * sizeof *v);
	return v;
}

void bench_probe_rss(const char *probe, char **argv, struct series *s)
{
	int p[2];
	char **v = prepend(probe, argv), buf[64] = "", err[128];
	long rss = 0;
	struct rusage ru;
	int code = -1;
	if (!v || pipe2(p, O_CLOEXEC) < 0) {
		series_fail(s, "out of memory or fds");
		free(v);
		return;
	}
	int pid = bench_spawn_out(v, p[1]);
	close(p[1]);
	ssize_t n = pid < 0 ? -1 : read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	free(v);
	if (pid < 0 || bench_wait(pid, &ru, err, sizeof err) < 0 || n <= 0 ||
	    sscanf(buf, "%ld %d", &rss, &code) != 2 || code != 0)
		series_fail(s, "%s: %s", probe, pid < 0 ? "spawn" : code > 0 ? "exit" : "no result");
	else
		series_add(s, 0, 0, (double)rss);
}

double bench_cpu_ms(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e3 +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e3;
}

int bench_wait(int pid, struct rusage *ru, char *err, size_t len)
{
	int st;
	if (wait4(pid, &st, 0, ru) < 0) {
		snprintf(err, len, "wait4: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(err, len, "exit %d", WEXITSTATUS(st));
	else
		snprintf(err, len, "signal %d", WTERMSIG(st));
	return -1;
}

void bench_reap_orphans(void)
{
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* The wall time ends when the launcher exits; the CPU time counts every
 * process of the launch, reaped here (we are a subreaper: see main). */
static void run_argv(struct variant *v)
{
	char err[128];
	struct rusage ru;
	double c0 = bench_cpu_so_far(), t0 = bench_now_ms();
	int pid = bench_spawn(v->argv);
	if (pid < 0) {
		series_fail(&v->s, "spawn %s: %s", v->argv[0], strerror(-pid));
		return;
	}
	int r = bench_wait(pid, &ru, err, sizeof err);
	double t1 = bench_now_ms();
	bench_reap_orphans();
	double c1 = bench_cpu_so_far();
	if (r < 0)
		series_fail(&v->s, "%s", err);
	else
		series_add(&v->s, t1 - t0, c1 - c0, 0);
}

/* CPU time of this process and of the children it reaped, so far. */
double bench_cpu_so_far(void)
{
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return bench_cpu_ms(&self) + bench_cpu_ms(&kids);
}

static void run_spec(struct variant *v)
{
	sw_error err = { 0 };
	sw_child *c;
	int code = -1;
	double c0 = bench_cpu_so_far(), t0 = bench_now_ms();
	int r = sw_spawn(v->spec, &c, &err);
	if (r == 0) {
		r = sw_child_wait(c, &code, &err);
		sw_child_free(c);
	}
	double t1 = bench_now_ms(), c1 = bench_cpu_so_far();
	if (r < 0)
		series_fail(&v->s, "%s", err.msg);
	else if (code != 0)
		series_fail(&v->s, "exit %d", code);
	else
		series_add(&v->s, t1 - t0, c1 - c0, 0);
}

void bench_run_once(struct variant *v)
{
	if (v->spec)
		run_spec(v);
	else
		run_argv(v);
}

void bench_run_group(struct variant *v, int nv, int runs, int warmup)
{
	for (int i = 0; i < warmup; i++)
		for (int j = 0; j < nv; j++) {
			struct series keep = v[j].s;
			memset(&v[j].s, 0, sizeof v[j].s);
			bench_run_once(&v[j]);
			series_free(&v[j].s);
			v[j].s = keep;
		}
	for (int i = 0; i < runs; i++)
		for (int j = 0; j < nv; j++)
			bench_run_once(&v[(i + j) % nv]);
}
