/* caller.c — the library from a big caller: sw_spawn against bwrap, both
 * launched from a process with BENCH_CALLER_MB (default 1024) MiB of
 * resident memory.
 *
 * sw_spawn clones the caller without CLONE_VM, so its page tables are
 * copied (and torn down again) per launch; posix_spawn of bwrap uses
 * CLONE_VM|CLONE_VFORK and does not depend on the caller's size. The
 * launcher the issue has in mind is a long-lived process, so this matters.
 * Measured in a forked child, so the rest of the bench stays small.
 */
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
	volatile char *mem = malloc(mb << 20);
	if (!mem)
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
static void big_row(const char *name, const double *r, const double *base)
{
	char ratio[32] = "";
	if (base && base[0] > 0)
		snprintf(ratio, sizeof ratio, "%.2f", r[0] / base[0]);
	out("| caller +%s MiB | %s | %d | %.2f | %.2f | %.2f | %s | | | |\n",
	    getenv("BENCH_CALLER_MB") ? getenv("BENCH_CALLER_MB") : "1024",
	    name, CALLER_RUNS, r[0], r[1], r[2], ratio);
}

void caller_case(const sw_spec *spec, char **bwrap)
{
	const char *e = getenv("BENCH_CALLER_MB");
	size_t mb = e ? strtoul(e, NULL, 10) : 1024;
	struct variant v[2] = {
		{ .name = "libswrap sw_spawn+wait", .spec = spec },
		{ .name = "bwrap (posix_spawn)", .argv = bwrap },
	};
	int p[2];
	double rows[2][3] = { { 0 } };
	if (!mb || pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		big_child(p[1], mb, v);
	}
	close(p[1]);
	ssize_t n = pid > 0 ? read(p[0], rows, sizeof rows) : -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (n != (ssize_t)sizeof rows) {
		out("| caller +%zu MiB | | | | | | could not run | | | |\n", mb);
		return;
	}
	big_row(v[0].name, rows[0], rows[1]);
	big_row(v[1].name, rows[1], NULL);
}
