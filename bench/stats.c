/* stats.c — series of runs, percentiles, and the markdown report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

static FILE *out_file;

static double *grow(double *v, int cap)
{
	v = realloc(v, cap * sizeof *v);
	if (!v) {
		perror("bench");
		exit(1);
	}
	return v;
}

void series_add(struct series *s, double ms, double cpu, double rss)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->ms = grow(s->ms, s->cap);
		s->cpu = grow(s->cpu, s->cap);
		s->rss = grow(s->rss, s->cap);
	}
	s->ms[s->n] = ms;
	s->cpu[s->n] = cpu;
	s->rss[s->n++] = rss;
}

void series_fail(struct series *s, const char *fmt, ...)
{
	if (s->fails++)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double pct(const double *v, int n, double p)
{
	if (n <= 0)
		return 0;
	double *c = grow(NULL, n);
	memcpy(c, v, n * sizeof *c);
	qsort(c, n, sizeof *c, cmp_double);
	int i = (int)(p / 100 * n + 0.5) - 1;
	double r = c[i < 0 ? 0 : i >= n ? n - 1 : i];
	free(c);
	return r;
}

void series_free(struct series *s)
{
	free(s->ms);
	free(s->cpu);
	free(s->rss);
	memset(s, 0, sizeof *s);
}

void out_open(const char *path)
{
	out_file = fopen(path, "w");
	if (!out_file)
		perror(path);
}

void out_close(void)
{
	if (out_file)
		fclose(out_file);
	out_file = NULL;
}

void out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (!out_file)
		return;
	va_start(ap, fmt);
	vfprintf(out_file, fmt, ap);
	va_end(ap);
}

/* The first line of a command's output, or "?". */
static void first_line(const char *cmd, char *buf, size_t len)
{
	snprintf(buf, len, "?");
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	if (fgets(buf, len, p))
		buf[strcspn(buf, "\n")] = 0;
	pclose(p);
}

void out_machine(const char *swrap)
{
	struct utsname u;
	char cpu[256], bw[128], sw[128], cmd[512], when[64], load[64];
	uname(&u);
	first_line("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo",
		   cpu, sizeof cpu);
	first_line("bwrap --version 2>&1", bw, sizeof bw);
	snprintf(cmd, sizeof cmd, "%s --version 2>&1", swrap);
	first_line(cmd, sw, sizeof sw);
	first_line("date -u '+%Y-%m-%d %H:%M UTC'", when, sizeof when);
	first_line("cut -d' ' -f1-3 /proc/loadavg", load, sizeof load);
	out("# shrinkwrap benchmark\n\n");
	out("- machine: %ld CPUs, %s, kernel %s %s\n",
	    sysconf(_SC_NPROCESSORS_ONLN), cpu, u.release, u.machine);
	out("- %s; %s; run %s as uid %d; load average before: %s\n", sw, bw,
	    when, (int)getuid(), load);
	out("- wall time per launch, fork/exec (posix_spawn) to wait4, or "
	    "sw_spawn to sw_child_wait in process; variants alternated\n\n");
}

void out_table_head(void)
{
	out("| case | variant | runs | median ms | p10 | p90 | ratio to bwrap "
	    "| CPU ms | CPU ratio | failures |\n");
	out("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
}

/* "a/b" of the medians of two arrays, or "" when there is no b. */
static void ratio(char buf[32], const double *a, int na, const double *b, int nb)
{
	double d = pct(b, nb, 50);
	buf[0] = 0;
	if (b != a && na && nb && d > 0)
		snprintf(buf, 32, "%.2f", pct(a, na, 50) / d);
}

static void out_fails(const struct series *s)
{
	out(" %d%s%s |\n", s->fails, s->fails ? ": " : "",
	    s->fails ? s->err : "");
}

void out_row(const char *case_name, const struct variant *v,
	     const struct variant *base)
{
	const struct series *s = &v->s, *b = base ? &base->s : NULL;
	char rt[32] = "", rc[32] = "";
	if (b) {
		ratio(rt, s->ms, s->n, b->ms, b->n);
		ratio(rc, s->cpu, s->n, b->cpu, b->n);
	}
	out("| %s | %s | %d | %.2f | %.2f | %.2f | %s | %.2f | %s |", case_name,
	    v->name, s->n, pct(s->ms, s->n, 50), pct(s->ms, s->n, 10),
	    pct(s->ms, s->n, 90), rt, pct(s->cpu, s->n, 50), rc);
	out_fails(s);
}

void out_mem_head(void)
{
	out("\n| peak memory | runs | median ru_maxrss KiB | min | max "
	    "| ratio to bwrap | failures |\n");
	out("|---|---:|---:|---:|---:|---:|---:|\n");
}

void out_mem_row(const struct variant *v, const struct variant *base)
{
	const struct series *s = &v->s;
	char rt[32];
	ratio(rt, s->rss, s->n, base->s.rss, base->s.n);
	out("| %s | %d | %.0f | %.0f | %.0f | %s |", v->name, s->n,
	    pct(s->rss, s->n, 50), pct(s->rss, s->n, 0), pct(s->rss, s->n, 100),
	    rt);
	out_fails(s);
}

/* One target: value (a ratio) against its limit; "-" when not measured. */
static void target(const char *what, double value, double limit)
{
	if (value <= 0) {
		out("| %s | - | not measured |\n", what);
		return;
	}
	out("| %s | %.2f | %s |\n", what, value,
	    value <= limit ? "met" : "**missed**");
}

static double div_or_0(double a, double b)
{
	return a > 0 && b > 0 ? a / b : 0;
}

void out_targets(void)
{
	const struct summary *m = &bench_sum;
	char what[128];
	int n = m->big_n ? m->big_n : 2000;
	out("\n| target (issues 8 and 16) | measured | |\n|---|---:|---|\n");
	target("swrap command, shim profile: median wall <= 0.6x bwrap",
	       div_or_0(m->cmd, m->bwrap), 0.6);
	target("library (sw_spawn + wait): median wall <= 0.4x bwrap",
	       div_or_0(m->lib, m->bwrap), 0.4);
	snprintf(what, sizeof what, "%d binds: swrap <= 0.2x bwrap", n);
	target(what, div_or_0(m->sw_n[1], m->bw_n[1]), 0.2);
	snprintf(what, sizeof what, "growth 100 -> %d binds: swrap's time ratio "
		 "/ N ratio <= 1 (linear)", n);
	target(what, div_or_0(div_or_0(m->sw_n[1], m->sw_n[0]), n / 100.0), 1.0);
	target("launcher peak memory <= bwrap's", div_or_0(m->rss_sw, m->rss_bw),
	       1.0);
	out("| 32 concurrent launches: failures | %d | %s |\n", m->fails_32,
	    m->fails_32 ? "**missed**" : "met");
	for (int i = 0; i < m->ncallers; i++) {
		if (m->caller_mb[i] < 1024)
			continue;
		snprintf(what, sizeof what, "caller +%zu MiB: library <= 0.5x "
			 "posix_spawn(bwrap) (issue 16)", m->caller_mb[i]);
		target(what, div_or_0(m->caller_lib[i], m->caller_bw[i]), 0.5);
		snprintf(what, sizeof what, "caller +%zu MiB: library <= 1.2x the "
			 "same from the smallest caller (issue 16)", m->caller_mb[i]);
		target(what, div_or_0(m->caller_lib[i], m->caller_small[i]), 1.2);
	}
}
