/* caller.c — the library from callers of several sizes: sw_spawn against
 * posix_spawn of bwrap, both launched from a process with 0, 256, 1024 and
 * 4096 MiB resident (BENCH_CALLER_MB lists other sizes).
 *
 * A launch that copied the caller (a fork-like clone) would copy its page
 * tables and tear them down again per launch; sw_spawn shares the
 * caller's memory (CLONE_VM|CLONE_VFORK, as posix_spawn does), so neither
 * should depend on the caller's size. The launchers that embed libswrap
 * are long-lived and often large, so this matters. Each size is measured
 * in a forked child, so the rest of the bench stays small.
 */
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define CALLER_RUNS 20

/* In the child: grow, run both variants, send their series back. */
static void __attribute__((noreturn)) big_child(int fd, size_t mb,
						struct variant *v)
{
	/* volatile: a memset of memory never read again may be elided */
	volatile char *mem = mb ? malloc(mb << 20) : NULL;
	if (mb && !mem)
		_exit(1);
	for (size_t i = 0; i < mb << 20; i += 4096)
		mem[i] = 1;
	bench_run_group(v, 2, CALLER_RUNS, 1);
	for (int i = 0; i < 2; i++) {
		double row[3] = { pct(v[i].s.ms, v[i].s.n, 50),
				  pct(v[i].s.ms, v[i].s.n, 10),
				  pct(v[i].s.ms, v[i].s.n, 90) };
		if (write(fd, row, sizeof row) != sizeof row)
			_exit(1);
	}
	_exit(0);
}

/* Rows as out_row prints them, from the three numbers the child sent. */
static void big_row(size_t mb, const char *name, const double *r, const double *base)
{
	char ratio[32] = "";
	if (base && base[0] > 0)
		snprintf(ratio, sizeof ratio, "%.2f", r[0] / base[0]);
	out("| caller +%zu MiB | %s | %d | %.2f | %.2f | %.2f | %s | | | |\n",
	    mb, name, CALLER_RUNS, r[0], r[1], r[2], ratio);
}

/* One caller size: rows[0] the library, rows[1] bwrap; false if it could
 * not run (not enough memory, say). */
static bool one_size(const sw_spec *spec, char **bwrap, size_t mb, double rows[2][3])
{
	struct variant v[2] = {
		{ .name = "libswrap sw_spawn+wait", .spec = spec },
		{ .name = "bwrap (posix_spawn)", .argv = bwrap },
	};
	int p[2];
	if (pipe(p) < 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		big_child(p[1], mb, v);
	}
	close(p[1]);
	/* The child writes a row at a time: read until both came (or EOF). */
	ssize_t n = 0, k;
	while (pid > 0 && n < (ssize_t)(6 * sizeof(double)) &&
	       (k = read(p[0], (char *)rows + n, 6 * sizeof(double) - (size_t)n)) > 0)
		n += k;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return n == (ssize_t)(6 * sizeof(double));
}

void caller_case(const sw_spec *spec, char **bwrap)
{
	/* BENCH_CALLER_MB: the sizes, comma-separated (MiB). */
	const char *e = getenv("BENCH_CALLER_MB");
	char sizes[128];
	snprintf(sizes, sizeof sizes, "%s", e ? e : "0,256,1024,4096");
	double small = 0;
	for (char *tok = strtok(sizes, ","); tok; tok = strtok(NULL, ",")) {
		size_t mb = strtoul(tok, NULL, 10);
		double rows[2][3] = { { 0 } };
		if (!one_size(spec, bwrap, mb, rows)) {
			out("| caller +%zu MiB | | | | | | could not run | | | |\n", mb);
			continue;
		}
		big_row(mb, "libswrap sw_spawn+wait", rows[0], rows[1]);
		big_row(mb, "bwrap (posix_spawn)", rows[1], NULL);
		if (mb == 0 || !small)
			small = rows[0][0];
		if (bench_sum.ncallers < BENCH_MAX_CALLERS) {
			int i = bench_sum.ncallers++;
			bench_sum.caller_mb[i] = mb;
			bench_sum.caller_lib[i] = rows[0][0];
			bench_sum.caller_bw[i] = rows[1][0];
			bench_sum.caller_small[i] = small;
		}
	}
}
