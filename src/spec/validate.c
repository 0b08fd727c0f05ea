/* validate.c — checks a spec as a whole, before anything is launched.
 *
 * Pure: no system calls, so it can run on a spec built anywhere. The
 * builders already refuse bad single values; this re-checks them (a C
 * caller may have set fields by hand) and adds the rules that tie options
 * together, the way bubblewrap refuses them. Messages use the command-line
 * spelling, which the C API's names mirror.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "spec/spec.h"

/* Prefixes err's message with the option, keeping the code. */
static int prefixed(sw_error *err, const char *opt, int r)
{
	if (err) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		sw_error_set(err, r, "%s: %s", opt, msg);
	}
	return r;
}

static int check_fsop(const struct sw_fsop *op, sw_error *err)
{
	const char *opt = sw_fs_kind_option(op->kind);
	if (!opt)
		return sw_error_set(err, EINVAL, "unknown filesystem operation %d",
				    op->kind);
	bool has_src = op->kind == SW_FS_BIND || op->kind == SW_FS_RO_BIND ||
		       op->kind == SW_FS_DEV_BIND || op->kind == SW_FS_SYMLINK ||
		       op->kind == SW_FS_OVERLAY;
	if (has_src && (!op->src || !*op->src))
		return sw_error_set(err, EINVAL, "%s: empty source", opt);
	if (sw_fs_kind_has_fd(op->kind) && op->fd < 0)
		return sw_error_set(err, EBADF, "%s %s: invalid fd %d", opt,
				    op->dest, op->fd);
	if (op->kind == SW_FS_OVERLAY && (!op->work || !*op->work))
		return sw_error_set(err, EINVAL, "%s: empty WORKDIR", opt);
	if (sw_fs_kind_is_overlay(op->kind) &&
	    op->nlowers < (op->kind == SW_FS_RO_OVERLAY ? 2u : 1u))
		return sw_error_set(err, EINVAL, "%s requires at least %s "
				    "--overlay-src", opt,
				    op->kind == SW_FS_RO_OVERLAY ? "two" : "one");
	if (op->mode > 07777)
		return sw_error_set(err, EINVAL, "%s %s: mode %o is not <= 07777",
				    opt, op->dest, (unsigned)op->mode);
	if (op->size > SW_TMPFS_SIZE_MAX)
		return sw_error_set(err, ERANGE, "%s %s: size is over %llu", opt,
				    op->dest,
				    (unsigned long long)SW_TMPFS_SIZE_MAX);
	int r = sw_spec_check_dest(op->dest, op->kind == SW_FS_CHMOD ?
				   "path" : "destination", err);
	return r < 0 ? prefixed(err, opt, r) : 0;
}

static int check_lists(const sw_spec *s, sw_error *err)
{
	if (s->argc == 0 || !s->argv || !s->argv[0])
		return sw_error_set(err, EINVAL, "no command given (usage: swrap "
				    "[OPTIONS...] [--] COMMAND [ARGS...])");
	if (!*s->argv[0])
		return sw_error_set(err, EINVAL, "empty command name");
	for (size_t i = 0; i < s->nfs; i++) {
		int r = check_fsop(&s->fs[i], err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < s->nenv; i++) {
		const struct sw_envop *e = &s->env[i];
		int r = e->kind == SW_ENV_CLEAR ? 0 :
			sw_spec_check_env_name(e->name, err);
		if (r < 0)
			return prefixed(err, e->kind == SW_ENV_SET ?
					"--setenv" : "--unsetenv", r);
		if (e->kind == SW_ENV_SET && !e->value)
			return sw_error_set(err, EINVAL, "--setenv %s: no value",
					    e->name);
	}
	return 0;
}

/* --host-uid/--host-gid: the parent maps a new user namespace's ids to
 * them (the caller being root is sw_spawn's check: this one is pure). */
static int check_host_ids(const sw_spec *s, sw_error *err)
{
	if (s->host_uid == SW_UNSET_ID && s->host_gid == SW_UNSET_ID)
		return 0;
	int r = sw_spec_check_host_ids(s->host_uid, s->host_gid, err);
	if (r < 0)
		return r;
	if (!(s->ns & SW_NS_USER))
		return sw_error_set(err, EINVAL, "--host-uid %u needs a new user "
				    "namespace (--unshare-user): its maps are what "
				    "make uid 0 inside the host's uid %u",
				    (unsigned)s->host_uid, (unsigned)s->host_uid);
	if (s->userns_block_fd != SW_NO_FD)
		return sw_error_set(err, EINVAL, "--host-uid is not compatible "
				    "with --userns-block-fd (swrap writes the maps)");
	/* The user namespace would be made after the clone, by the child. */
	if (s->pidns_fd != SW_NO_FD)
		return sw_error_set(err, EINVAL, "--host-uid is not compatible "
				    "with --pidns");
	return 0;
}

/* The options that only make sense inside a namespace the spec lacks. */
static int check_namespaces(const sw_spec *s, sw_error *err)
{
	bool user = s->ns & (SW_NS_USER | SW_NS_USER_TRY);
	const char *how = "(--unshare-user, --unshare-user-try or "
			  "--unshare-all)";
	if (s->uid != SW_UNSET_ID && !user)
		return sw_error_set(err, EINVAL, "--uid %u needs a user "
				    "namespace %s", (unsigned)s->uid, how);
	if (s->gid != SW_UNSET_ID && !user)
		return sw_error_set(err, EINVAL, "--gid %u needs a user "
				    "namespace %s", (unsigned)s->gid, how);
	if (s->hostname && !(s->ns & SW_NS_UTS))
		return sw_error_set(err, EINVAL, "--hostname %s needs "
				    "--unshare-uts (or --unshare-all)",
				    s->hostname);
	if (s->as_pid_1 && !(s->ns & SW_NS_PID))
		return sw_error_set(err, EINVAL, "--as-pid-1 needs "
				    "--unshare-pid (or --unshare-all)");
	/* bubblewrap's rules for the namespace options. */
	if (s->userns_fd != SW_NO_FD && (s->ns & SW_NS_USER))
		return sw_error_set(err, EINVAL, "--userns is not compatible "
				    "with --unshare-user");
	if (s->userns2_fd != SW_NO_FD && !(s->ns & SW_NS_USER) &&
	    s->userns_fd == SW_NO_FD)
		return sw_error_set(err, EINVAL, "--userns2 requires "
				    "--unshare-user or --userns");
	if (s->userns2_fd != SW_NO_FD && s->userns_fd != SW_NO_FD)
		return sw_error_set(err, EINVAL, "--userns2 is not compatible "
				    "with --userns");
	if (s->disable_userns && s->userns_fd != SW_NO_FD)
		return sw_error_set(err, EINVAL, "--disable-userns is not "
				    "compatible with --userns");
	if (s->disable_userns && s->userns2_fd != SW_NO_FD)
		return sw_error_set(err, EINVAL, "--disable-userns is not "
				    "compatible with --userns2");
	if (s->userns_block_fd != SW_NO_FD && s->info_fd == SW_NO_FD)
		return sw_error_set(err, EINVAL, "--userns-block-fd requires "
				    "--info-fd");
	if (s->userns_block_fd != SW_NO_FD && s->disable_userns)
		return sw_error_set(err, EINVAL, "--userns-block-fd is not "
				    "compatible with --disable-userns");
	return check_host_ids(s, err);
}

static int check_fds(const sw_spec *s, sw_error *err)
{
	if (s->seccomp_fd != SW_NO_FD && s->nadd_seccomp > 0)
		return sw_error_set(err, EINVAL, "--seccomp cannot be combined "
				    "with --add-seccomp-fd");
	const struct { const char *opt; int fd; } one[] = {
		{ "--seccomp", s->seccomp_fd },
		{ "--info-fd", s->info_fd },
		{ "--json-status-fd", s->json_status_fd },
		{ "--block-fd", s->block_fd },
		{ "--sync-fd", s->sync_fd },
		{ "--userns", s->userns_fd },
		{ "--userns2", s->userns2_fd },
		{ "--pidns", s->pidns_fd },
		{ "--userns-block-fd", s->userns_block_fd },
	};
	for (size_t i = 0; i < sizeof one / sizeof *one; i++)
		if (one[i].fd < SW_NO_FD)
			return sw_error_set(err, EBADF, "%s: invalid fd %d",
					    one[i].opt, one[i].fd);
	for (size_t i = 0; i < s->nadd_seccomp; i++)
		if (s->add_seccomp_fds[i] < 0)
			return sw_error_set(err, EBADF, "--add-seccomp-fd: "
					    "invalid fd %d", s->add_seccomp_fds[i]);
	for (size_t i = 0; i < s->nkeep; i++)
		if (s->keep_fds[i] < 0)
			return sw_error_set(err, EBADF, "--keep-fd: invalid fd %d",
					    s->keep_fds[i]);
	for (size_t i = 0; i < s->nfdmap; i++)
		for (size_t k = 0; k < s->nkeep; k++)
			if (s->fdmap_dst[i] == s->keep_fds[k])
				return sw_error_set(err, EINVAL, "--fd-map %d:%d "
						    "would replace --keep-fd %d",
						    s->fdmap_src[i], s->fdmap_dst[i],
						    s->keep_fds[k]);
	if ((s->netns_path || s->netns_fd >= 0) && (s->ns & SW_NS_NET))
		return sw_error_set(err, EINVAL, "--netns joins a network namespace: "
				    "it cannot be combined with --unshare-net "
				    "(or --unshare-all without --share-net)");
	return 0;
}

static int check_rlimits(const sw_spec *s, sw_error *err)
{
	for (size_t i = 0; i < s->nrlimits; i++) {
		const struct sw_rlimit *l = &s->rlimits[i];
		const char *name = sw_spec_rlimit_name(l->resource);
		if (!name)
			return sw_error_set(err, EINVAL, "--rlimit: unknown "
					    "resource %d", l->resource);
		if (l->soft > l->hard)
			return sw_error_set(err, EINVAL, "--rlimit %s: soft "
					    "limit is over the hard one", name);
	}
	return 0;
}

static const struct {
	const char *opt;
	enum sw_limit which;
	size_t offset;
} limit_fields[] = {
	{ "--memory-max", SW_LIMIT_MEMORY_MAX, offsetof(struct sw_limits, memory_max) },
	{ "--memory-high", SW_LIMIT_MEMORY_HIGH, offsetof(struct sw_limits, memory_high) },
	{ "--cpu-max", SW_LIMIT_CPU_QUOTA, offsetof(struct sw_limits, cpu_quota) },
	{ "--cpu-max", SW_LIMIT_CPU_PERIOD, offsetof(struct sw_limits, cpu_period) },
	{ "--cpu-weight", SW_LIMIT_CPU_WEIGHT, offsetof(struct sw_limits, cpu_weight) },
	{ "--pids-max", SW_LIMIT_PIDS_MAX, offsetof(struct sw_limits, pids_max) },
};

static int check_limits(const sw_spec *s, sw_error *err)
{
	for (size_t i = 0; i < sizeof limit_fields / sizeof *limit_fields; i++) {
		uint64_t v = *(const uint64_t *)((const char *)&s->limits +
						 limit_fields[i].offset);
		if (v == 0)
			continue;
		if (!s->cgroup_id)
			return sw_error_set(err, EINVAL, "%s needs --cgroup ID",
					    limit_fields[i].opt);
		int r = sw_spec_check_limit(limit_fields[i].which, v, err);
		if (r < 0)
			return prefixed(err, limit_fields[i].opt, r);
	}
	if (s->limits.cpu_period && !s->limits.cpu_quota)
		return sw_error_set(err, EINVAL, "--cpu-max: a period without "
				    "a quota");
	return 0;
}

static int check_cgroup(const sw_spec *s, sw_error *err)
{
	if (!s->cgroup_id) {
		if (s->cgroup_parent)
			return sw_error_set(err, EINVAL, "--cgroup-parent %s "
					    "needs --cgroup ID", s->cgroup_parent);
		if (s->cgroup_optional)
			return sw_error_set(err, EINVAL, "--cgroup-optional "
					    "needs --cgroup ID");
	}
	int r = s->cgroup_id ? sw_spec_check_cgroup_id(s->cgroup_id, err) : 0;
	if (r < 0)
		return prefixed(err, "--cgroup", r);
	r = s->cgroup_parent ?
		sw_spec_check_cgroup_parent(s->cgroup_parent, err) : 0;
	if (r < 0)
		return prefixed(err, "--cgroup-parent", r);
	return check_limits(s, err);
}

int sw_spec_validate(const sw_spec *s, sw_error *err)
{
	if (!s)
		return sw_error_set(err, EINVAL, "no spec");
	int r = check_lists(s, err);
	if (r == 0)
		r = check_namespaces(s, err);
	if (r == 0)
		r = check_fds(s, err);
	if (r == 0)
		r = check_rlimits(s, err);
	if (r == 0)
		r = check_cgroup(s, err);
	if (r == 0 && s->seccomp_profile &&
	    strcmp(s->seccomp_profile, "default") != 0)
		r = sw_error_set(err, EINVAL, "--seccomp-profile: unknown "
				 "profile \"%s\" (known: default)",
				 s->seccomp_profile);
	return r;
}
