/* limits.c — the limit files of a leaf: cgroup2 names and formats, or
 * their cgroup v1 equivalents. */
#include "cgroup/cgroup.h"

#include <inttypes.h>
#include <stdio.h>

#define DEFAULT_CPU_PERIOD 100000 /* µs, the kernel's default too */
#define MAX_WRITES 8

struct write {
	const char *file;
	char value[48];
};

static void add(struct write *w, size_t *n, const char *file, uint64_t v)
{
	w[*n].file = file;
	snprintf(w[*n].value, sizeof w[*n].value, "%" PRIu64, v);
	(*n)++;
}

uint64_t sw_cgroup_weight_to_shares(uint64_t weight)
{
	/* cpu.weight 100 is the default, as cpu.shares 1024 is; the kernel
	 * refuses shares below 2. */
	uint64_t shares = weight * 1024 / 100;
	return shares < 2 ? 2 : shares;
}

static void v2_writes(unsigned ctls, const struct sw_limits *l,
		      struct write *w, size_t *n)
{
	if ((ctls & SW_CGC_MEMORY) && l->memory_max)
		add(w, n, "memory.max", l->memory_max);
	if ((ctls & SW_CGC_MEMORY) && l->memory_high)
		add(w, n, "memory.high", l->memory_high);
	if ((ctls & SW_CGC_CPU) && (l->cpu_quota || l->cpu_period)) {
		uint64_t period = l->cpu_period ? l->cpu_period : DEFAULT_CPU_PERIOD;
		w[*n].file = "cpu.max";
		if (l->cpu_quota)
			snprintf(w[*n].value, sizeof w[*n].value,
				 "%" PRIu64 " %" PRIu64, l->cpu_quota, period);
		else
			snprintf(w[*n].value, sizeof w[*n].value, "max %" PRIu64, period);
		(*n)++;
	}
	if ((ctls & SW_CGC_CPU) && l->cpu_weight)
		add(w, n, "cpu.weight", l->cpu_weight);
	if ((ctls & SW_CGC_PIDS) && l->pids_max)
		add(w, n, "pids.max", l->pids_max);
}

static void v1_writes(unsigned ctls, const struct sw_limits *l,
		      struct write *w, size_t *n)
{
	if ((ctls & SW_CGC_MEMORY) && l->memory_max)
		add(w, n, "memory.limit_in_bytes", l->memory_max);
	if ((ctls & SW_CGC_MEMORY) && l->memory_high)
		add(w, n, "memory.soft_limit_in_bytes", l->memory_high);
	/* The period first: the kernel checks the quota against it. */
	if ((ctls & SW_CGC_CPU) && (l->cpu_quota || l->cpu_period))
		add(w, n, "cpu.cfs_period_us",
		    l->cpu_period ? l->cpu_period : DEFAULT_CPU_PERIOD);
	if ((ctls & SW_CGC_CPU) && l->cpu_quota)
		add(w, n, "cpu.cfs_quota_us", l->cpu_quota);
	if ((ctls & SW_CGC_CPU) && l->cpu_weight)
		add(w, n, "cpu.shares", sw_cgroup_weight_to_shares(l->cpu_weight));
	if ((ctls & SW_CGC_PIDS) && l->pids_max)
		add(w, n, "pids.max", l->pids_max);
}

int sw_cgroup_write_limits(const struct sw_cgroup_leaf *leaf,
			   const struct sw_limits *limits, sw_error *err)
{
	struct write w[MAX_WRITES];
	size_t n = 0;
	if (leaf->v2)
		v2_writes(leaf->ctls, limits, w, &n);
	else
		v1_writes(leaf->ctls, limits, w, &n);
	for (size_t i = 0; i < n; i++) {
		int r = sw_cgroup_write(leaf->path, w[i].file, w[i].value, err);
		if (r < 0)
			return r;
	}
	return 0;
}
