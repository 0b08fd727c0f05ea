/* equal.c — questions asked of a finished spec: deep equality (for the
 * round-trip tests), whether it needs a user namespace, rlimit lookup. */
#include <string.h>

#include "spec/spec.h"

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool strv_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return false;
	return true;
}

static bool fsop_eq(const struct sw_fsop *a, const struct sw_fsop *b)
{
	return a->kind == b->kind && a->flags == b->flags &&
	       str_eq(a->src, b->src) && str_eq(a->dest, b->dest) &&
	       a->mode == b->mode && a->size == b->size && a->fd == b->fd &&
	       str_eq(a->work, b->work) &&
	       strv_eq(a->lowers, a->nlowers, b->lowers, b->nlowers);
}

static bool envop_eq(const struct sw_envop *a, const struct sw_envop *b)
{
	return a->kind == b->kind && str_eq(a->name, b->name) &&
	       str_eq(a->value, b->value);
}

static bool ints_eq(const int *a, size_t na, const int *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

static bool lists_eq(const sw_spec *a, const sw_spec *b)
{
	if (a->nfs != b->nfs || a->nenv != b->nenv || a->argc != b->argc ||
	    a->ncaps != b->ncaps || a->nrlimits != b->nrlimits)
		return false;
	for (size_t i = 0; i < a->nfs; i++)
		if (!fsop_eq(&a->fs[i], &b->fs[i]))
			return false;
	for (size_t i = 0; i < a->nenv; i++)
		if (!envop_eq(&a->env[i], &b->env[i]))
			return false;
	for (size_t i = 0; i < a->argc; i++)
		if (!str_eq(a->argv[i], b->argv[i]))
			return false;
	for (size_t i = 0; i < a->ncaps; i++)
		if (a->caps[i].add != b->caps[i].add ||
		    a->caps[i].cap != b->caps[i].cap)
			return false;
	/* One entry per resource: compare as sets. */
	for (size_t i = 0; i < a->nrlimits; i++) {
		struct sw_rlimit r;
		if (!sw_spec_rlimit_get(b, a->rlimits[i].resource, &r) ||
		    r.soft != a->rlimits[i].soft || r.hard != a->rlimits[i].hard)
			return false;
	}
	if (!strv_eq(a->lock_files, a->nlock_files, b->lock_files,
		     b->nlock_files))
		return false;
	return ints_eq(a->add_seccomp_fds, a->nadd_seccomp, b->add_seccomp_fds,
		       b->nadd_seccomp) &&
	       ints_eq(a->keep_fds, a->nkeep, b->keep_fds, b->nkeep) &&
	       ints_eq(a->fdmap_src, a->nfdmap, b->fdmap_src, b->nfdmap) &&
	       ints_eq(a->fdmap_dst, a->nfdmap, b->fdmap_dst, b->nfdmap) &&
	       a->netns_fd == b->netns_fd &&
	       (a->netns_path ? b->netns_path && !strcmp(a->netns_path, b->netns_path)
			      : !b->netns_path);
}

static bool scalars_eq(const sw_spec *a, const sw_spec *b)
{
	return a->ns == b->ns && str_eq(a->argv0, b->argv0) &&
	       str_eq(a->chdir, b->chdir) && str_eq(a->hostname, b->hostname) &&
	       a->uid == b->uid && a->gid == b->gid &&
	       a->host_uid == b->host_uid && a->host_gid == b->host_gid &&
	       a->new_session == b->new_session &&
	       a->die_with_parent == b->die_with_parent &&
	       a->as_pid_1 == b->as_pid_1 && a->detach == b->detach &&
	       a->landlock == b->landlock &&
	       a->seccomp_fd == b->seccomp_fd &&
	       str_eq(a->seccomp_profile, b->seccomp_profile) &&
	       a->info_fd == b->info_fd &&
	       a->json_status_fd == b->json_status_fd &&
	       a->block_fd == b->block_fd && a->sync_fd == b->sync_fd &&
	       str_eq(a->cgroup_id, b->cgroup_id) &&
	       str_eq(a->cgroup_parent, b->cgroup_parent) &&
	       a->cgroup_optional == b->cgroup_optional &&
	       memcmp(&a->limits, &b->limits, sizeof a->limits) == 0 &&
	       a->force == b->force && a->userns_fd == b->userns_fd &&
	       a->userns2_fd == b->userns2_fd && a->pidns_fd == b->pidns_fd &&
	       a->userns_block_fd == b->userns_block_fd &&
	       a->disable_userns == b->disable_userns &&
	       a->assert_userns_disabled == b->assert_userns_disabled &&
	       str_eq(a->exec_label, b->exec_label) &&
	       str_eq(a->file_label, b->file_label) && a->compat == b->compat;
}

bool sw_spec_equal(const sw_spec *a, const sw_spec *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return scalars_eq(a, b) && lists_eq(a, b);
}

bool sw_spec_wants_userns(const sw_spec *spec, uid_t caller_euid)
{
	/* Joining a user namespace (--userns) replaces making one. */
	if (spec->userns_fd != SW_NO_FD)
		return false;
	return (spec->ns & (SW_NS_USER | SW_NS_USER_TRY)) || caller_euid != 0;
}

bool sw_spec_rlimit_get(const sw_spec *spec, int resource,
			struct sw_rlimit *out)
{
	/* The builder keeps one entry per resource; scan from the end anyway
	 * so that a hand-filled spec follows "the last one wins" too. */
	for (size_t i = spec->nrlimits; i-- > 0;) {
		if (spec->rlimits[i].resource == resource) {
			if (out)
				*out = spec->rlimits[i];
			return true;
		}
	}
	return false;
}
