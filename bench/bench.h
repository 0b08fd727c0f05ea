/* bench.h — the benchmark driver's pieces (bench/ only).
 *
 * A variant is one way of launching: an argv fork/exec'd (posix_spawnp,
 * stdio on /dev/null, waited with wait4 for its rusage) or a spec launched
 * in-process with sw_spawn + sw_child_wait. Each run is timed with
 * CLOCK_MONOTONIC; a series keeps every run of one variant.
 */
#ifndef SW_BENCH_H
#define SW_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>

#include "swrap.h"

struct series {
	double *ms;  /* wall time of each run */
	double *cpu; /* user + system CPU time of the launch, its jail included */
	double *rss; /* peak RSS of the launcher, KiB (memory case) */
	int n, cap;
	int fails;   /* runs that did not exit 0 */
	char err[256]; /* the first failure */
};

struct variant {
	const char *name;
	char **argv;          /* fork/exec this ... */
	const sw_spec *spec;  /* ... or sw_spawn this */
	struct series s;
};

/* Medians the cases leave for the acceptance targets (0: not measured). */
struct summary {
	double cmd, lib, bwrap;          /* launch, wall ms */
	double sw_n[2], bw_n[2];         /* binds at N = 100 and the largest N */
	int big_n;                       /* that largest N */
	double rss_sw, rss_bw;           /* peak memory, KiB */
	int fails_32;                    /* failed launches of the 32-at-once case */
#define BENCH_MAX_CALLERS 8
	int ncallers;                    /* caller sizes measured */
	size_t caller_mb[BENCH_MAX_CALLERS];
	double caller_lib[BENCH_MAX_CALLERS], caller_bw[BENCH_MAX_CALLERS];
	double caller_small[BENCH_MAX_CALLERS]; /* the library from the smallest */
};
extern struct summary bench_sum;

/* caller.c: sw_spawn and bwrap from callers of several resident sizes. */
void caller_case(const sw_spec *spec, char **bwrap);

/* scale.c */
int scale_case(const char *swrap, int runs, int max_n);

/* run.c */
double bench_now_ms(void);
/* One run of v, appended to v->s. */
void bench_run_once(struct variant *v);
/* warmup discarded runs, then runs runs of each, alternated: round i
 * starts with variant i % nv. */
void bench_run_group(struct variant *v, int nv, int runs, int warmup);
/* Spawns argv with stdio on /dev/null (stdout on out_fd when >= 0);
 * returns the pid or -errno. */
int bench_spawn_out(char **argv, int out_fd);
int bench_spawn(char **argv);
/* Runs argv under the rss probe (see probe/rss.c); appends its peak RSS
 * to s. */
void bench_probe_rss(const char *probe, char **argv, struct series *s);
/* Waits for pid: 0 when it exited 0, else -1 (and describes it in err).
 * ru: its rusage (with that of the processes it reaped). */
int bench_wait(int pid, struct rusage *ru, char *err, size_t len);
double bench_cpu_ms(const struct rusage *ru); /* user + system */
/* Waits for every child left (orphans reparented to us), until none. */
void bench_reap_orphans(void);
/* CPU time of this process and of the children it reaped, so far. */
double bench_cpu_so_far(void);

/* stats.c */
void series_add(struct series *s, double ms, double cpu, double rss);
void series_fail(struct series *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The p-th percentile (nearest rank) of one of a series' arrays. */
double pct(const double *v, int n, double p);
void series_free(struct series *s);

/* The report goes to stdout and to the results file alike. */
void out_open(const char *path);
void out_close(void);
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_machine(const char *swrap);
void out_table_head(void);
/* One row; base (may be NULL) is the bwrap series its ratio is taken to. */
void out_row(const char *case_name, const struct variant *v,
	     const struct variant *base);
/* Peak memory rows: v->s.rss against base's. */
void out_mem_head(void);
void out_mem_row(const struct variant *v, const struct variant *base);
/* The targets, measured against bench_sum. */
void out_targets(void);

#endif
