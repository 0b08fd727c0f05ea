/* env.h — what the command inherits: environment, fds, capabilities,
 * no_new_privs, rlimits, seccomp, Landlock.
 *
 * Split in two halves. sw_env_plan_new() runs in the parent: it may
 * allocate, read fds, call libcap and libseccomp, and fills a plan. The
 * sw_env_child_* functions run in the child between clone and execve: they
 * only make system calls over the plan's memory (no malloc, no stdio, no
 * locks) and return 0 or -errno. ns/ calls them in this order:
 *
 *   (sw_env_child_landlock, once the root is final; in PID 1 if any)
 *   sw_env_child_rlimits, sw_env_child_caps, sw_env_child_no_new_privs,
 *   sw_env_child_close_fds, (chdir), sw_env_child_set_pwd,
 *   sw_env_child_seccomp, sw_env_child_exec
 */
#ifndef SW_ENV_H
#define SW_ENV_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"

struct sw_env_plan;

/* caller_euid: the launcher's effective uid (decides the capability rules). */
int sw_env_plan_new(const sw_spec *spec, uid_t caller_euid,
		    struct sw_env_plan **out, sw_error *err);
void sw_env_plan_free(struct sw_env_plan *plan);

/* The command's environment, NULL-terminated (owned by the plan). As in
 * bubblewrap it always holds PWD: see sw_env_child_set_pwd. */
char *const *sw_env_plan_envp(const struct sw_env_plan *plan);
/* HOME in the command's environment (NULL when unset): bubblewrap's cwd
 * fallback when neither --chdir nor the launcher's cwd exists inside. */
const char *sw_env_plan_home(const struct sw_env_plan *plan);
/* Whether the jail gets its own user namespace. sw_env_plan_new guesses it
 * from the spec (sw_spec_wants_userns, and SW_NS_USER_TRY when the kernel
 * has user namespaces); ns/ calls this when it decided otherwise. The
 * capability and rlimit rules depend on it. */
int sw_env_plan_set_userns(struct sw_env_plan *plan, bool userns,
			   sw_error *err);

int sw_env_child_rlimits(const struct sw_env_plan *plan);
int sw_env_child_caps(const struct sw_env_plan *plan);
int sw_env_child_no_new_privs(void);
/* Marks every fd but 0-2, --keep-fd and --sync-fd close-on-exec. */
int sw_env_child_close_fds(const struct sw_env_plan *plan);
int sw_env_child_seccomp(const struct sw_env_plan *plan);

/* --landlock (landlock.c). The plan holds one rule per filesystem
 * operation that grants rights, by spec->fs index; ns/ marks the ones the
 * mount plan skipped (a -try bind without its source). The ABI the rules
 * were cut to, 0 when there is no ruleset (off, or --landlock-try on a
 * kernel without Landlock). */
void sw_env_plan_landlock_skip(struct sw_env_plan *plan, size_t fs_index);
int sw_env_plan_landlock_abi(const struct sw_env_plan *plan);
/* The accesses the ruleset handles (0: no ruleset): swrap-init, the
 * jail's PID 1, takes a ruleset that handles them and allows none. */
unsigned long long sw_env_plan_landlock_handled(const struct sw_env_plan *plan);
/* Child, once the new root is final (the jail's in-process PID 1 before it
 * starts the command; else the command itself): builds the ruleset,
 * sets no_new_privs and restricts the calling process and what it starts.
 * On failure *where is the spec->fs index whose rule failed, or one of: */
enum {
	SW_ENV_LL_ROOT = -1,         /* the rule for the new root "/" */
	SW_ENV_LL_CREATE = -2,       /* landlock_create_ruleset */
	SW_ENV_LL_NO_NEW_PRIVS = -3, /* prctl(PR_SET_NO_NEW_PRIVS) */
	SW_ENV_LL_RESTRICT = -4,     /* landlock_restrict_self */
};
int sw_env_child_landlock(const struct sw_env_plan *plan, int *where);
/* Child, after the final chdir: records the cwd in the command's PWD, as
 * bubblewrap does (setenv("PWD", new_cwd) just before execvp). Until it is
 * called, PWD holds --chdir, or "/". -ENAMETOOLONG past PATH_MAX. */
int sw_env_child_set_pwd(const struct sw_env_plan *plan, const char *cwd);
/* execve argv[0] (or argv0 override) looked up in the jail's PATH, with the
 * plan's envp. Returns only on failure: -errno of the most telling error
 * (as execvp: EACCES wins over ENOENT). */
int sw_env_child_exec(const struct sw_env_plan *plan, const sw_spec *spec);

#endif
