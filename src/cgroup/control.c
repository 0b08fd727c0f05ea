/* control.c — a running jail found by its id: freeze, thaw, usage, all
 * on its limits cgroup (<parent>/<id>: hierarchical, so the jail leaf and
 * the sub-cgroups the jail made are included).
 *
 * Freezing uses cgroup2's cgroup.freeze when the jail has a cgroup2
 * directory (Linux 5.2; it works beside v1 controllers on a hybrid host),
 * else the v1 freezer. Either way the call returns once the kernel says
 * the freeze (or thaw) is complete: "frozen 1" in cgroup.events, or
 * FROZEN in freezer.state (FREEZING while under way). */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FREEZE_TIMEOUT_MS 5000

static long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static bool has_file(const char *dir, const char *file)
{
	char buf[8];
	return sw_cgroup_read(dir, file, buf, sizeof buf) >= 0;
}

/* Is the v2 "frozen" key of cgroup.events equal to want? */
static bool v2_state(const char *dir, bool want)
{
	unsigned long long v;
	return sw_cgroup_read_key(dir, "cgroup.events", "frozen", &v) && (v != 0) == want;
}

/* freezer.state without its newline. */
static void v1_state(const char *dir, char *buf, size_t len)
{
	if (sw_cgroup_read(dir, "freezer.state", buf, len) < 0)
		snprintf(buf, len, "unreadable");
	buf[strcspn(buf, "\n")] = 0;
}

static int set_frozen(const char *id, const char *parent, bool on, sw_error *err)
{
	struct sw_cgroup *cg;
	int r = sw_cgroup_open_jail(id, parent, &cg, err);
	if (r < 0)
		return r;
	const char *v2 = sw_cgroup_path(cg, 0);
	const char *v1 = sw_cgroup_path(cg, SW_CGC_FREEZER);
	const char *verb = on ? "freeze" : "thaw";
	char state[64];
	if (v2 && has_file(v2, "cgroup.freeze")) {
		r = sw_cgroup_write(v2, "cgroup.freeze", on ? "1" : "0", err);
		long deadline = mono_ms() + FREEZE_TIMEOUT_MS;
		while (r == 0 && !v2_state(v2, on)) {
			if (mono_ms() > deadline) {
				r = sw_error_set(err, ETIMEDOUT, "cgroup: %s did not %s within %d ms (%s/cgroup.events does not say frozen %d)",
						 id, verb, FREEZE_TIMEOUT_MS, v2, on);
				break;
			}
			usleep(1000);
		}
	} else if (v1) {
		const char *want = on ? "FROZEN" : "THAWED";
		r = sw_cgroup_write(v1, "freezer.state", want, err);
		long deadline = mono_ms() + FREEZE_TIMEOUT_MS;
		for (; r == 0; usleep(1000)) {
			v1_state(v1, state, sizeof state);
			if (strcmp(state, want) == 0)
				break;
			if (mono_ms() > deadline) {
				r = sw_error_set(err, ETIMEDOUT, "cgroup: %s did not %s within %d ms (%s/freezer.state says %s)",
						 id, verb, FREEZE_TIMEOUT_MS, v1, state);
				break;
			}
			/* v1 may stay FREEZING: ask again, as the kernel docs say. */
			if (on && strcmp(state, "FREEZING") == 0)
				sw_cgroup_write(v1, "freezer.state", want, NULL);
		}
	} else {
		r = sw_error_set(err, EOPNOTSUPP, "cgroup: can't %s %s: its cgroup2 directory has no cgroup.freeze (Linux 5.2) and it has no cgroup v1 freezer directory",
				 verb, id);
	}
	sw_cgroup_release(cg);
	return r;
}

int sw_cgroup_freeze(const char *id, const char *parent, sw_error *err)
{
	return set_frozen(id, parent, true, err);
}

int sw_cgroup_thaw(const char *id, const char *parent, sw_error *err)
{
	return set_frozen(id, parent, false, err);
}

static bool read_u64(const char *dir, const char *file, uint64_t *out)
{
	char buf[64];
	if (sw_cgroup_read(dir, file, buf, sizeof buf) <= 0 || buf[0] < '0' || buf[0] > '9')
		return false;
	*out = strtoull(buf, NULL, 10);
	return true;
}

static bool read_key(const char *dir, const char *file, const char *key, uint64_t *out)
{
	unsigned long long v;
	if (!sw_cgroup_read_key(dir, file, key, &v))
		return false;
	*out = v;
	return true;
}

/* What one leaf tells, for the fields not known yet. */
static void leaf_stats(const struct sw_cgroup_leaf *l, struct sw_cgroup_stats *s)
{
	const char *d = l->path;
	uint64_t v;
	if (!(s->valid & SW_STAT_CPU)) {
		if (l->v2 ? read_key(d, "cpu.stat", "usage_usec", &s->cpu_usec)
			  : (read_u64(d, "cpuacct.usage", &v) && ((s->cpu_usec = v / 1000), true)))
			s->valid |= SW_STAT_CPU;
	}
	if (!(s->valid & SW_STAT_MEMORY) &&
	    read_u64(d, l->v2 ? "memory.current" : "memory.usage_in_bytes", &s->memory_current))
		s->valid |= SW_STAT_MEMORY;
	if (!(s->valid & SW_STAT_MEMORY_PEAK) &&
	    read_u64(d, l->v2 ? "memory.peak" : "memory.max_usage_in_bytes", &s->memory_peak))
		s->valid |= SW_STAT_MEMORY_PEAK;
	unsigned long long kills;
	if (!(s->valid & SW_STAT_OOM_KILLS) && l->v2 &&
	    read_key(d, "memory.events", "oom_kill", &s->oom_kills))
		s->valid |= SW_STAT_OOM_KILLS;
	if (!(s->valid & SW_STAT_OOM_KILLS) && !l->v2 && sw_cgroup_v1_oom_kills(d, &kills)) {
		s->oom_kills = kills;
		s->valid |= SW_STAT_OOM_KILLS;
	}
	if (!(s->valid & SW_STAT_PIDS) && read_u64(d, "pids.current", &s->pids_current))
		s->valid |= SW_STAT_PIDS;
}

int sw_cgroup_stats(const char *id, const char *parent, struct sw_cgroup_stats *out,
		    sw_error *err)
{
	memset(out, 0, sizeof *out);
	struct sw_cgroup *cg;
	int r = sw_cgroup_open_jail(id, parent, &cg, err);
	if (r < 0)
		return r;
	/* cgroup2 first: on a hybrid host it has cpu.stat even with no
	 * controller; v1 fills in what it lacks (memory, pids there). */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < cg->n; i++)
			if (cg->leaf[i].v2 == (pass == 0))
				leaf_stats(&cg->leaf[i], out);
	sw_cgroup_release(cg);
	return 0;
}
