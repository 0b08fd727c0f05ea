/* bench.c — `make bench`: swrap against bubblewrap, and the floors.
 *
 * usage: bench SWRAP RESULTS.md [STATIC_SWRAP]
 * environment: BENCH_RUNS (runs of each variant for the launch and scaling
 * cases at N <= 100, default 100), BENCH_MAX_N (largest N, default 2000).
 *
 * Cases, each a table row per variant (see out_table_head):
 *  launch   /bin/true in the shim profile: swrap, the static swrap (when
 *           built), the library in this process, bwrap given the argv
 *           `swrap --emit-bwrap=nul` prints; the floors fork/exec of
 *           /bin/true and `unshare -Urmpif /bin/true`.
 *  32 at once  32 launches started together; the total time per round.
 *  caller   the library and bwrap from callers with 0, 256, 1024 and
 *           4096 MiB resident (caller.c).
 *  binds N  N --ro-binds of directories, a quarter of them with a tmpfs
 *           mounted inside (scale.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bench.h"

#define CONCURRENT 32

struct summary bench_sum;

static double median(const struct variant *v)
{
	return pct(v->s.ms, v->s.n, 50);
}

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);
	return v && atoi(v) > 0 ? atoi(v) : def;
}

/* Splits NUL-separated words into a NULL-terminated argv. */
static char **split_nul(char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == 0;
	char **v = calloc(n + 1, sizeof *v);
	for (size_t i = 0, k = 0; v && i < len && k < n; k++) {
		v[k] = buf + i;
		i += strlen(buf + i) + 1;
	}
	return v;
}

/* bwrap's argv for the shim profile, as `swrap --emit-bwrap=nul` prints
 * it (rlimits, which bwrap cannot express, are left out by swrap). */
static char **bwrap_argv(const char *swrap)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s --emit-bwrap=nul --profile shim -- "
		 "/usr/bin/true 2>/dev/null", swrap);
	FILE *p = popen(cmd, "r");
	char *buf = malloc(65536); /* lives as long as the argv */
	size_t len = p && buf ? fread(buf, 1, 65535, p) : 0;
	if (p && pclose(p) != 0)
		len = 0;
	if (len && buf[len - 1] != 0)
		buf[len++] = 0;
	char **v = len ? split_nul(buf, len) : NULL;
	if (!v || !v[0]) {
		fprintf(stderr, "bench: %s --emit-bwrap printed nothing\n", swrap);
		exit(1);
	}
	return v;
}

static sw_spec *shim_spec(void)
{
	sw_error err = { 0 };
	struct sw_shim_opts o = { .shim = "/usr/bin/true",
				  .rust_backtrace = "1" };
	sw_spec *s = sw_spec_new();
	if (!s || sw_spec_profile_shim(s, &o, &err) < 0 ||
	    sw_spec_validate(s, &err) < 0) {
		fprintf(stderr, "bench: shim spec: %s\n", err.msg);
		exit(1);
	}
	return s;
}

static char *true_argv[] = { "/bin/true", NULL };
static char *unshare_argv[] = { "unshare", "-Urmpif", "/bin/true", NULL };

/* prog --profile shim -- /usr/bin/true (NULL when prog is). Like the
 * bwrap argv, it lives until the bench exits. */
static char **shim_argv(const char *prog)
{
	char **a = prog ? calloc(6, sizeof *a) : NULL;
	if (!a)
		return NULL;
	a[0] = (char *)prog, a[1] = "--profile", a[2] = "shim", a[3] = "--";
	a[4] = "/usr/bin/true";
	return a;
}

static void launch_case(const char *swrap, const char *st, const sw_spec *spec,
			int runs)
{
	struct variant v[6] = {
		{ .name = "fork/exec /bin/true (floor)", .argv = true_argv },
		{ .name = "unshare -Urmpif /bin/true (floor)", .argv = unshare_argv },
		{ .name = "swrap --profile shim", .argv = shim_argv(swrap) },
		{ .name = "libswrap sw_spawn+wait", .spec = spec },
		{ .name = "bwrap (same argv)", .argv = bwrap_argv(swrap) },
		{ .name = "static swrap --profile shim", .argv = shim_argv(st) },
	};
	int nv = st ? 6 : 5;
	bench_run_group(v, nv, runs, 3);
	for (int i = 0; i < nv; i++)
		out_row("launch", &v[i], &v[4]);
	bench_sum.cmd = median(&v[2]);
	bench_sum.lib = median(&v[3]);
	bench_sum.bwrap = median(&v[4]);
	for (int i = 0; i < nv; i++)
		series_free(&v[i].s);
}

struct lib_thread {
	const sw_spec *spec;
	pthread_barrier_t *go;
	int ok;
};

static void *lib_thread(void *arg)
{
	struct lib_thread *t = arg;
	sw_child *c;
	int code = -1;
	pthread_barrier_wait(t->go);
	if (sw_spawn(t->spec, &c, NULL) == 0) {
		sw_child_wait(c, &code, NULL);
		sw_child_free(c);
	}
	t->ok = code == 0;
	return NULL;
}

/* One round of CONCURRENT sw_spawn calls from as many threads. */
static void round_lib(struct variant *v)
{
	pthread_t th[CONCURRENT];
	struct lib_thread t[CONCURRENT];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, CONCURRENT + 1);
	for (int i = 0; i < CONCURRENT; i++) {
		t[i] = (struct lib_thread){ v->spec, &go, 0 };
		pthread_create(&th[i], NULL, lib_thread, &t[i]);
	}
	pthread_barrier_wait(&go);
	double t0 = bench_now_ms(), c0 = bench_cpu_so_far();
	for (int i = 0; i < CONCURRENT; i++)
		pthread_join(th[i], NULL);
	double t1 = bench_now_ms(), c1 = bench_cpu_so_far();
	pthread_barrier_destroy(&go);
	for (int i = 0; i < CONCURRENT; i++)
		if (!t[i].ok)
			series_fail(&v->s, "sw_spawn or exit failed");
	series_add(&v->s, t1 - t0, c1 - c0, 0);
}

/* One round of CONCURRENT fork/execs of v->argv, then all waited. */
static void round_argv(struct variant *v)
{
	int pid[CONCURRENT];
	struct rusage ru;
	char err[128];
	double c0 = bench_cpu_so_far(), t0 = bench_now_ms();
	for (int i = 0; i < CONCURRENT; i++)
		pid[i] = bench_spawn(v->argv);
	for (int i = 0; i < CONCURRENT; i++)
		if (pid[i] < 0 || bench_wait(pid[i], &ru, err, sizeof err) < 0)
			series_fail(&v->s, "%s", pid[i] < 0 ? "spawn" : err);
	double t1 = bench_now_ms();
	bench_reap_orphans();
	series_add(&v->s, t1 - t0, bench_cpu_so_far() - c0, 0);
}

static void concurrent_case(const char *swrap, const sw_spec *spec, int rounds)
{
	struct variant v[3] = {
		{ .name = "swrap x32", .argv = shim_argv(swrap) },
		{ .name = "libswrap x32 threads", .spec = spec },
		{ .name = "bwrap x32", .argv = bwrap_argv(swrap) },
	};
	for (int r = 0; r < rounds; r++)
		for (int j = 0; j < 3; j++) {
			struct variant *x = &v[(r + j) % 3];
			if (x->spec)
				round_lib(x);
			else
				round_argv(x);
		}
	for (int i = 0; i < 3; i++)
		out_row("32 at once (total)", &v[i], &v[2]);
	bench_sum.fails_32 = v[0].s.fails + v[1].s.fails;
	for (int i = 0; i < 3; i++)
		series_free(&v[i].s);
}

/* The rss probe, built next to this program. */
static const char *probe_path(void)
{
	static char p[4096];
	ssize_t n = readlink("/proc/self/exe", p, sizeof p - 8);
	if (n <= 0)
		return "rss";
	p[n] = 0;
	strcpy(strrchr(p, '/') + 1, "rss");
	return p;
}

/* Peak memory of each launcher, alternated, forked from the probe. */
static void memory_case(const char *swrap, const char *st, int runs)
{
	struct variant v[5] = {
		{ .name = "fork/exec /bin/true (floor)", .argv = true_argv },
		{ .name = "unshare -Urmpif /bin/true", .argv = unshare_argv },
		{ .name = "swrap --profile shim", .argv = shim_argv(swrap) },
		{ .name = "bwrap (same argv)", .argv = bwrap_argv(swrap) },
		{ .name = "static swrap --profile shim", .argv = shim_argv(st) },
	};
	int nv = st ? 5 : 4;
	const char *probe = probe_path();
	for (int r = 0; r < runs; r++)
		for (int j = 0; j < nv; j++)
			bench_probe_rss(probe, v[(r + j) % nv].argv, &v[(r + j) % nv].s);
	out_mem_head();
	for (int i = 0; i < nv; i++)
		out_mem_row(&v[i], &v[3]);
	bench_sum.rss_sw = pct(v[2].s.rss, v[2].s.n, 50);
	bench_sum.rss_bw = pct(v[3].s.rss, v[3].s.n, 50);
	for (int i = 0; i < nv; i++)
		series_free(&v[i].s);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench SWRAP RESULTS.md [STATIC_SWRAP]\n");
		return 2;
	}
	const char *st = argc > 3 && access(argv[3], X_OK) == 0 ? argv[3] : NULL;
	int runs = env_int("BENCH_RUNS", 100);
	/* Orphans of a launch (a jail's PID 1 its launcher did not wait for)
	 * come to us, so that their CPU time is counted. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sw_spec *spec = shim_spec();
	out_open(argv[2]);
	out_machine(argv[1]);
	out_table_head();
	launch_case(argv[1], st, spec, runs);
	concurrent_case(argv[1], spec, env_int("BENCH_ROUNDS", 10));
	caller_case(spec, bwrap_argv(argv[1]));
	int r = scale_case(argv[1], runs, env_int("BENCH_MAX_N", 2000));
	memory_case(argv[1], st, 20);
	out_targets();
	int rounds = env_int("BENCH_ROUNDS", 10);
	out("\nRuns per variant: launch %d (after 3 warm-up runs); 32 at once "
	    "%d rounds; binds N: the runs column (fewer for the large N, whose "
	    "bwrap runs take seconds).\n\n", runs, rounds);
	out("- median/p10/p90: wall time until the launcher returns. Both "
	    "bwrap and swrap return as soon as the jail's PID 1 reports the "
	    "command's status; the teardown of the jail's namespaces goes on "
	    "after (swrap's PID 1 is reaped in the background).\n");
	out("- CPU ms: user + system time of the launch: the launcher and every "
	    "process of the jail (this bench is a child subreaper and reaps "
	    "them all); for the library, this process's time plus its reaped "
	    "children's. It is less sensitive to the machine's load than wall "
	    "time. The library's jail PID 1 is reaped by the library's own "
	    "thread after the measured launch, and its time is counted only "
	    "when a later run reaps it, if at all: that row's CPU undercounts.\n");
	out("- caller +N MiB: the same launches from a process that has N MiB "
	    "resident (a forked child of the bench). sw_spawn shares the "
	    "caller's memory (CLONE_VM|CLONE_VFORK, the jail's PID 1 then "
	    "execs swrap-init from a sealed memfd), as posix_spawn of bwrap "
	    "does, so neither copies the caller's page tables.\n");
	out("- peak memory: ru_maxrss (wait4) of the launcher, forked by a tiny "
	    "static probe (bench/probe/rss.c) so that the bench's own size does "
	    "not count; the launcher's peak or that of a process it reaped, "
	    "never less than the probe's own size (the floor row).\n");
	out_close();
	sw_spec_free(spec);
	return r;
}
