/* scale.c — the cost of N --ro-binds of directories with submounts.
 *
 * In a private mount namespace of this process (so nothing shows on the
 * host and everything goes when the bench exits), a tree
 * /tmp/swrap-bench/dI (I < N) where every fourth directory has a tmpfs
 * mounted at dI/sub. swrap and bwrap get the same argv: a minimal root
 * (/usr and its links) and --ro-bind /tmp/swrap-bench/dI /b/I for each I.
 * bubblewrap makes each ro-bind recursive-read-only by re-reading
 * /proc/self/mountinfo: that is what grows with N.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "bench.h"

#define TREE "/tmp/swrap-bench"

static const int sizes[] = { 10, 100, 1000, 2000 };

/* Fewer runs for the big N, whose bwrap runs take seconds. */
static int runs_for(int n, int runs)
{
	return n <= 100 ? runs : n <= 1000 ? 10 : 5;
}

static int make_tree(int n)
{
	char p[256];
	if (mkdir(TREE, 0755) < 0 && errno != EEXIST)
		return -errno;
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof p, TREE "/d%d", i);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (i % 4)
			continue;
		snprintf(p, sizeof p, TREE "/d%d/sub", i);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (mount("bench", p, "tmpfs", 0, "size=64k") < 0)
			return -errno;
	}
	return 0;
}

static void drop_tree(int n)
{
	char p[256];
	for (int i = 0; i < n; i += 4) {
		snprintf(p, sizeof p, TREE "/d%d/sub", i);
		umount2(p, MNT_DETACH);
	}
	if (system("rm -rf " TREE) != 0)
		fprintf(stderr, "bench: could not remove " TREE "\n");
}

static const char *const base_argv[] = {
	"--unshare-user", "--unshare-pid", "--ro-bind", "/usr", "/usr",
	"--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
	"--symlink", "usr/bin", "/bin",
};
#define N_BASE (sizeof base_argv / sizeof *base_argv)

static char **binds_argv(const char *prog, int n)
{
	char **v = calloc(1 + N_BASE + 3 * (size_t)n + 3, sizeof *v);
	if (!v)
		return NULL;
	size_t k = 0;
	v[k++] = (char *)prog;
	for (size_t i = 0; i < N_BASE; i++)
		v[k++] = (char *)base_argv[i];
	for (int i = 0; i < n; i++) {
		v[k++] = "--ro-bind";
		if (asprintf(&v[k++], TREE "/d%d", i) < 0 ||
		    asprintf(&v[k++], "/b/%d", i) < 0)
			return NULL;
	}
	v[k++] = "--";
	v[k++] = "/usr/bin/true";
	return v;
}

static void free_argv(char **v)
{
	for (size_t i = 1 + N_BASE; v && v[i] && strcmp(v[i], "--"); i++)
		if (strcmp(v[i], "--ro-bind"))
			free(v[i]);
	free(v);
}

/* Keeps the medians at N = 100 and at the largest N above it. */
static void summarize(int n, const struct variant *sw, const struct variant *bw)
{
	int k = n == 100 ? 0 : 1;
	if (n < 100 || (k && n < bench_sum.big_n))
		return;
	bench_sum.sw_n[k] = pct(sw->s.ms, sw->s.n, 50);
	bench_sum.bw_n[k] = pct(bw->s.ms, bw->s.n, 50);
	if (k)
		bench_sum.big_n = n;
}

static void one_size(const char *swrap, int n, int runs)
{
	char name[32];
	int r = make_tree(n);
	if (r < 0) {
		out("| binds %d | tree | | | | | | | could not build: %s |\n", n,
		    strerror(-r));
		drop_tree(n);
		return;
	}
	struct variant v[2] = {
		{ .name = "swrap", .argv = binds_argv(swrap, n) },
		{ .name = "bwrap", .argv = binds_argv("bwrap", n) },
	};
	bench_run_group(v, 2, runs_for(n, runs), n <= 100);
	snprintf(name, sizeof name, "binds %d", n);
	out_row(name, &v[0], &v[1]);
	out_row(name, &v[1], &v[1]);
	summarize(n, &v[0], &v[1]);
	for (int i = 0; i < 2; i++) {
		series_free(&v[i].s);
		free_argv(v[i].argv);
	}
	drop_tree(n);
}

int scale_case(const char *swrap, int runs, int max_n)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		out("\n(binds N: skipped, needs root for its mount namespace: %s)\n",
		    strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		if (sizes[i] <= max_n)
			one_size(swrap, sizes[i], runs);
	return 0;
}
