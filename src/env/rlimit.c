/* rlimit.c — --rlimit, planned in the parent, set in the child.
 *
 * The child sets them first, while it still has every capability it will
 * ever have. Raising a hard limit needs CAP_SYS_RESOURCE in the initial user
 * namespace, which a process in a new user namespace never has: we catch
 * that in the parent, where the message can say why.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env/env_internal.h"

static const struct {
	int resource;
	const char *name;
} names[] = {
	{ RLIMIT_AS, "AS" },           { RLIMIT_CORE, "CORE" },
	{ RLIMIT_CPU, "CPU" },         { RLIMIT_DATA, "DATA" },
	{ RLIMIT_FSIZE, "FSIZE" },     { RLIMIT_LOCKS, "LOCKS" },
	{ RLIMIT_MEMLOCK, "MEMLOCK" }, { RLIMIT_MSGQUEUE, "MSGQUEUE" },
	{ RLIMIT_NICE, "NICE" },       { RLIMIT_NOFILE, "NOFILE" },
	{ RLIMIT_NPROC, "NPROC" },     { RLIMIT_RSS, "RSS" },
	{ RLIMIT_RTPRIO, "RTPRIO" },   { RLIMIT_RTTIME, "RTTIME" },
	{ RLIMIT_SIGPENDING, "SIGPENDING" }, { RLIMIT_STACK, "STACK" },
};

const char *sw_env_rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].resource == resource)
			return names[i].name;
	return "?";
}

static uint64_t to_kernel(uint64_t v)
{
	return v == SW_RLIM_INF ? (uint64_t)RLIM_INFINITY : v;
}

/* Last one per resource wins; the first one's position is kept. */
static size_t merge(const sw_spec *spec, struct sw_env_rlim *out)
{
	size_t n = 0;
	for (size_t i = 0; i < spec->nrlimits; i++) {
		const struct sw_rlimit *l = &spec->rlimits[i];
		size_t j = 0;
		while (j < n && out[j].resource != l->resource)
			j++;
		out[j].resource = l->resource;
		out[j].soft = to_kernel(l->soft);
		out[j].hard = to_kernel(l->hard);
		if (j == n)
			n++;
	}
	return n;
}

static int check_one(const struct sw_env_rlim *l, bool userns,
		     bool can_raise, sw_error *err)
{
	const char *name = sw_env_rlimit_name(l->resource);
	struct rlimit cur;
	if (l->resource < 0 || l->resource >= RLIM_NLIMITS)
		return sw_error_set(err, EINVAL, "--rlimit: unknown resource %d",
				    l->resource);
	if (l->soft > l->hard)
		return sw_error_set(err, EINVAL,
				    "--rlimit %s: the soft limit is above the "
				    "hard limit", name);
	if (getrlimit(l->resource, &cur) < 0)
		return sw_error_set(err, errno, "--rlimit %s: %m", name);
	/* The kernel's ceiling for open files, whoever asks. */
	unsigned long long nr_open = 0;
	FILE *f = l->resource == RLIMIT_NOFILE ? fopen("/proc/sys/fs/nr_open", "re") : NULL;
	if (f) {
		if (fscanf(f, "%llu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	if (nr_open && l->hard != RLIM_INFINITY && l->hard > nr_open)
		return sw_error_set(err, EPERM,
				    "--rlimit %s: %llu is above the kernel's ceiling "
				    "(fs.nr_open = %llu)", name,
				    (unsigned long long)l->hard, nr_open);
	if (l->hard <= cur.rlim_max || can_raise)
		return 0;
	return sw_error_set(err, EPERM,
			    "--rlimit %s: the hard limit can't be raised above "
			    "the launcher's (%llu)%s", name,
			    (unsigned long long)cur.rlim_max,
			    userns ? " from inside a user namespace"
				   : " without CAP_SYS_RESOURCE");
}

int sw_env_plan_rlimits(struct sw_env_plan *plan, const sw_spec *spec,
			bool userns, sw_error *err)
{
	free(plan->rlim);
	plan->rlim = NULL;
	plan->nrlim = 0;
	if (!spec->nrlimits)
		return 0;
	struct sw_env_rlim *r = calloc(spec->nrlimits, sizeof *r);
	if (!r)
		return sw_error_set(err, ENOMEM, "out of memory");
	size_t n = merge(spec, r);
	bool can_raise = !userns &&
			 (plan->capstate.eff & (UINT64_C(1) << CAP_SYS_RESOURCE));
	for (size_t i = 0; i < n; i++) {
		int ret = check_one(&r[i], userns, can_raise, err);
		if (ret < 0) {
			free(r);
			return ret;
		}
	}
	plan->rlim = r;
	plan->nrlim = n;
	return 0;
}

/* ---- child half ------------------------------------------------------- */

int sw_env_child_rlimits(const struct sw_env_plan *plan)
{
	for (size_t i = 0; i < plan->nrlim; i++) {
		struct {
			uint64_t cur, max;
		} lim = { plan->rlim[i].soft, plan->rlim[i].hard };
		if (syscall(SYS_prlimit64, 0, plan->rlim[i].resource, &lim,
			    NULL) < 0)
			return -errno;
	}
	return 0;
}
