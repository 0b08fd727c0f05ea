/* plan.c — sw_env_plan_new: everything the child will need, prepared in the
 * parent (see env.h for the two halves).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env/env_internal.h"

/* bubblewrap's --unshare-user-try: a user namespace when the kernel has
 * them and they are not switched off. */
static bool userns_available(void)
{
	if (access("/proc/self/ns/user", F_OK) < 0)
		return false;
	char buf[16] = { 0 };
	int fd = open("/proc/sys/user/max_user_namespaces", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return !(n > 0 && strcmp(buf, "0\n") == 0);
}

static bool guess_userns(const sw_spec *spec, uid_t euid)
{
	/* A joined user namespace (--userns) counts as the jail's own. */
	if (sw_spec_wants_userns(spec, euid) || spec->userns_fd != SW_NO_FD)
		return true;
	return (spec->ns & SW_NS_USER_TRY) && userns_available();
}

/* argv for execve: the spec's, with argv[0] replaced by --argv0. */
static int plan_exec(struct sw_env_plan *plan, const sw_spec *spec,
		     sw_error *err)
{
	if (!spec->argv || spec->argc == 0 || !spec->argv[0])
		return sw_error_set(err, EINVAL, "no command to run");
	plan->argv = calloc(spec->argc + 1, sizeof *plan->argv);
	plan->scratch = malloc(PATH_MAX);
	if (!plan->argv || !plan->scratch)
		return sw_error_set(err, ENOMEM, "out of memory");
	memcpy(plan->argv, spec->argv, spec->argc * sizeof *plan->argv);
	plan->file = spec->argv[0];
	if (spec->argv0)
		plan->argv[0] = spec->argv0;
	return 0;
}

int sw_env_plan_set_userns(struct sw_env_plan *plan, bool userns,
			   sw_error *err)
{
	int (*compute)(const struct sw_capop *, size_t, uid_t, bool,
		       const struct sw_env_capstate *, struct sw_env_caps *,
		       sw_error *) = plan->spec->compat == SW_COMPAT_BWRAP
		? sw_env_caps_compute_bwrap : sw_env_caps_compute;
	int r = compute(plan->capops, plan->ncapops, plan->caller_euid, userns,
			&plan->capstate, &plan->caps, err);
	if (r == 0)
		r = sw_env_plan_rlimits(plan, plan->spec, userns, err);
	return r;
}

int sw_env_plan_new(const sw_spec *spec, uid_t caller_euid,
		    struct sw_env_plan **out, sw_error *err)
{
	*out = NULL;
	struct sw_env_plan *plan = calloc(1, sizeof *plan);
	if (!plan)
		return sw_error_set(err, ENOMEM, "out of memory");
	plan->spec = spec;
	plan->caller_euid = caller_euid;
	plan->capops = spec->caps;
	plan->ncapops = spec->ncaps;
	int r = sw_env_plan_environ(plan, spec, err);
	if (r == 0)
		r = plan_exec(plan, spec, err);
	if (r == 0)
		r = sw_env_capstate_read(&plan->capstate, err);
	if (r == 0)
		r = sw_env_plan_set_userns(plan, guess_userns(spec, caller_euid),
					   err);
	if (r == 0)
		r = sw_env_plan_fds(plan, spec, err);
	if (r == 0)
		r = sw_env_plan_seccomp(plan, spec, err);
	if (r == 0)
		r = sw_env_plan_landlock(plan, spec, err);
	if (r < 0) {
		sw_env_plan_free(plan);
		return r;
	}
	*out = plan;
	return 0;
}

void sw_env_plan_free(struct sw_env_plan *plan)
{
	if (!plan)
		return;
	for (char **e = plan->envp; e && *e; e++)
		free(*e); /* includes the PWD slot */
	free(plan->envp);
	free(plan->argv);
	free(plan->scratch);
	free(plan->rlim);
	free(plan->keep);
	free(plan->uncloexec);
	for (size_t i = 0; i < plan->nfilters; i++)
		free(plan->filters[i].filter);
	free(plan->filters);
	free(plan->llrules);
	free(plan);
}

char *const *sw_env_plan_envp(const struct sw_env_plan *plan)
{
	return plan->envp;
}

const char *sw_env_plan_home(const struct sw_env_plan *plan)
{
	return plan->home;
}

void sw_env_plan_set_test_flags(struct sw_env_plan *plan, unsigned flags)
{
	plan->test_flags = flags;
}
