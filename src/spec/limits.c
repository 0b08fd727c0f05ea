/* limits.c — builders for what bounds the command: capabilities, seccomp,
 * the fds it is handed, rlimits, and its cgroup with resource limits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "spec/spec.h"

int sw_spec_cap(sw_spec *s, bool add, const char *name, sw_error *err)
{
	int cap;
	int r = sw_spec_cap_parse(name, &cap, err);
	if (r < 0)
		return r;
	struct sw_capop *caps = sw_spec_grow(s->caps, s->ncaps, sizeof *caps);
	if (!caps)
		return sw_error_set(err, ENOMEM, "out of memory");
	s->caps = caps;
	caps[s->ncaps++] = (struct sw_capop){ .add = add, .cap = cap };
	return 0;
}

static int check_fd(int fd, sw_error *err)
{
	if (fd < 0)
		return sw_error_set(err, EBADF, "invalid fd %d", fd);
	return 0;
}

/* Appends fd to an int array, unless it is there already. */
static int add_fd(int **arr, size_t *n, int fd, sw_error *err)
{
	for (size_t i = 0; i < *n; i++)
		if ((*arr)[i] == fd)
			return 0;
	int *a = sw_spec_grow(*arr, *n, sizeof *a);
	if (!a)
		return sw_error_set(err, ENOMEM, "out of memory");
	*arr = a;
	a[(*n)++] = fd;
	return 0;
}

int sw_spec_seccomp_fd(sw_spec *s, int fd, bool add, sw_error *err)
{
	int r = check_fd(fd, err);
	if (r < 0)
		return r;
	if (!add) {
		s->seccomp_fd = fd; /* --seccomp: the last one wins */
		return 0;
	}
	int *a = sw_spec_grow(s->add_seccomp_fds, s->nadd_seccomp, sizeof *a);
	if (!a)
		return sw_error_set(err, ENOMEM, "out of memory");
	s->add_seccomp_fds = a;
	a[s->nadd_seccomp++] = fd; /* each one is a program: keep repeats */
	return 0;
}

int sw_spec_seccomp_profile(sw_spec *s, const char *name, sw_error *err)
{
	if (!name || strcmp(name, "default") != 0)
		return sw_error_set(err, EINVAL,
				    "unknown seccomp profile \"%s\" (known: "
				    "default)", name ? name : "");
	char *c = strdup(name);
	if (!c)
		return sw_error_set(err, ENOMEM, "out of memory");
	free(s->seccomp_profile);
	s->seccomp_profile = c;
	return 0;
}

int sw_spec_fd(sw_spec *s, enum sw_fd_role role, int fd, sw_error *err)
{
	int r = check_fd(fd, err);
	if (r < 0)
		return r;
	switch (role) {
	case SW_FD_INFO: s->info_fd = fd; break;
	case SW_FD_JSON_STATUS: s->json_status_fd = fd; break;
	case SW_FD_BLOCK: s->block_fd = fd; break;
	case SW_FD_SYNC: s->sync_fd = fd; break;
	case SW_FD_USERNS: s->userns_fd = fd; break;
	case SW_FD_USERNS2: s->userns2_fd = fd; break;
	case SW_FD_PIDNS: s->pidns_fd = fd; break;
	case SW_FD_USERNS_BLOCK: s->userns_block_fd = fd; break;
	default:
		return sw_error_set(err, EINVAL, "unknown fd role %d", role);
	}
	return 0;
}

int sw_spec_keep_fd(sw_spec *s, int fd, sw_error *err)
{
	int r = check_fd(fd, err);
	return r < 0 ? r : add_fd(&s->keep_fds, &s->nkeep, fd, err);
}

int sw_spec_fd_map(sw_spec *s, int src, int dst, sw_error *err)
{
	int r = check_fd(src, err);
	if (r == 0)
		r = check_fd(dst, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->nfdmap; i++)
		if (s->fdmap_dst[i] == dst)
			return sw_error_set(err, EINVAL, "%d:%d: fd %d is already "
					    "the destination of %d:%d", src, dst,
					    dst, s->fdmap_src[i], dst);
	if (s->nfdmap >= SW_FD_MAP_MAX)
		return sw_error_set(err, E2BIG, "%d:%d: more than %d maps", src,
				    dst, SW_FD_MAP_MAX);
	int *a = sw_spec_grow(s->fdmap_src, s->nfdmap, sizeof *a);
	if (!a)
		return sw_error_set(err, ENOMEM, "out of memory");
	s->fdmap_src = a;
	int *b = sw_spec_grow(s->fdmap_dst, s->nfdmap, sizeof *b);
	if (!b)
		return sw_error_set(err, ENOMEM, "out of memory");
	s->fdmap_dst = b;
	a[s->nfdmap] = src;
	b[s->nfdmap++] = dst;
	return 0;
}

int sw_spec_rlimit(sw_spec *s, int resource, uint64_t soft, uint64_t hard,
		   sw_error *err)
{
	const char *name = sw_spec_rlimit_name(resource);
	if (!name)
		return sw_error_set(err, EINVAL, "unknown rlimit %d", resource);
	if (soft > hard)
		return sw_error_set(err, EINVAL,
				    "rlimit %s: soft limit is over the hard one",
				    name);
	/* The last one per resource wins, in the place of the first. */
	for (size_t i = 0; i < s->nrlimits; i++) {
		if (s->rlimits[i].resource == resource) {
			s->rlimits[i].soft = soft;
			s->rlimits[i].hard = hard;
			return 0;
		}
	}
	struct sw_rlimit *a = sw_spec_grow(s->rlimits, s->nrlimits, sizeof *a);
	if (!a)
		return sw_error_set(err, ENOMEM, "out of memory");
	s->rlimits = a;
	a[s->nrlimits++] = (struct sw_rlimit){ resource, soft, hard };
	return 0;
}

int sw_spec_cgroup(sw_spec *s, const char *id, const char *parent,
		   bool optional, sw_error *err)
{
	int r = sw_spec_check_cgroup_id(id, err);
	if (r == 0 && parent)
		r = sw_spec_check_cgroup_parent(parent, err);
	if (r < 0)
		return r;
	char *i = strdup(id);
	char *p = parent ? strdup(parent) : NULL;
	if (!i || (parent && !p)) {
		free(i);
		free(p);
		return sw_error_set(err, ENOMEM, "out of memory");
	}
	free(s->cgroup_id);
	free(s->cgroup_parent);
	s->cgroup_id = i;
	s->cgroup_parent = p;
	s->cgroup_optional = optional;
	return 0;
}

/* The bounds the kernel itself puts on cgroup v2 values. */
int sw_spec_check_limit(enum sw_limit which, uint64_t v, sw_error *err)
{
	if (v == 0)
		return sw_error_set(err, EINVAL, "a limit of 0 is not allowed");
	switch (which) {
	case SW_LIMIT_MEMORY_MAX:
	case SW_LIMIT_MEMORY_HIGH:
	case SW_LIMIT_PIDS_MAX:
		return 0;
	case SW_LIMIT_CPU_QUOTA:
		if (v < 1000)
			return sw_error_set(err, ERANGE, "cpu quota %llu us is "
					    "under 1000 us",
					    (unsigned long long)v);
		return 0;
	case SW_LIMIT_CPU_PERIOD:
		if (v < 1000 || v > 1000000)
			return sw_error_set(err, ERANGE, "cpu period %llu us is "
					    "not in 1000..1000000",
					    (unsigned long long)v);
		return 0;
	case SW_LIMIT_CPU_WEIGHT:
		if (v > 10000)
			return sw_error_set(err, ERANGE, "cpu weight %llu is not "
					    "in 1..10000",
					    (unsigned long long)v);
		return 0;
	}
	return sw_error_set(err, EINVAL, "unknown limit %d", which);
}

int sw_spec_limit(sw_spec *s, enum sw_limit which, uint64_t value,
		  sw_error *err)
{
	int r = sw_spec_check_limit(which, value, err);
	if (r < 0)
		return r;
	uint64_t *slot[] = {
		[SW_LIMIT_MEMORY_MAX] = &s->limits.memory_max,
		[SW_LIMIT_MEMORY_HIGH] = &s->limits.memory_high,
		[SW_LIMIT_CPU_QUOTA] = &s->limits.cpu_quota,
		[SW_LIMIT_CPU_PERIOD] = &s->limits.cpu_period,
		[SW_LIMIT_CPU_WEIGHT] = &s->limits.cpu_weight,
		[SW_LIMIT_PIDS_MAX] = &s->limits.pids_max,
	};
	*slot[which] = value;
	return 0;
}
