/* exec.c — the child's last steps: no_new_privs, PWD, and execve with the
 * program looked up in the jail's PATH exactly as glibc's execvp does
 * (bubblewrap calls execvp after applying --setenv/--unsetenv to its own
 * environment, so the lookup sees the jail's PATH, inside the new root).
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env/env_internal.h"
#include "init/sys.h"

int sw_env_child_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int sw_env_child_set_pwd(const struct sw_env_plan *plan, const char *cwd)
{
	size_t n = strlen(cwd);
	if (n >= SW_ENV_PWD_MAX - 4)
		return -ENAMETOOLONG;
	memcpy(plan->pwd_slot + 4, cwd, n + 1);
	return 0;
}

/* Raw (src/init/sys.h): this runs beside the launcher's thread, on its
 * memory, when the launch shares it. */
static int try_exec(const struct sw_env_plan *plan, const char *path)
{
	return (int)SW_SYS(SYS_execve, path, plan->argv, plan->envp);
}

/* The lookup runs after the gate, beside the launcher's thread: no call
 * into the C library, whose lazy binding (the PLT's first call) would
 * write the launcher thread's TCB. These few loops stand in (and the
 * compiler must not turn them back into calls). */
#define SW_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
static SW_NO_LIBCALL size_t len_of(const char *p)
{
	size_t n = 0;
	while (p[n])
		n++;
	return n;
}

static SW_NO_LIBCALL const char *to_char_or_end(const char *p, char c)
{
	while (*p && *p != c)
		p++;
	return p;
}

static SW_NO_LIBCALL void copy_bytes(char *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* Errors that mean "not here, try the next PATH entry" (as glibc). */
static bool keep_looking(int e)
{
	return e == EACCES || e == ENOENT || e == ESTALE || e == ENOTDIR ||
	       e == ENODEV || e == ETIMEDOUT;
}

/* Fills scratch with DIR/FILE (an empty DIR is the cwd: just FILE);
 * false when it would not fit in PATH_MAX (glibc skips such entries). */
static bool candidate(char *scratch, const char *dir, size_t dlen,
		      const char *file, size_t flen)
{
	if (dlen + 1 + flen + 1 > PATH_MAX)
		return false;
	copy_bytes(scratch, dir, dlen);
	if (dlen)
		scratch[dlen++] = '/';
	copy_bytes(scratch + dlen, file, flen + 1);
	return true;
}

int sw_env_child_exec(const struct sw_env_plan *plan, const sw_spec *spec)
{
	(void)spec; /* everything needed was copied into the plan */
	const char *file = plan->file;
	if (!*file)
		return -ENOENT;
	if (*to_char_or_end(file, '/'))
		return try_exec(plan, file);
	size_t flen = len_of(file);
	if (flen > NAME_MAX)
		return -ENAMETOOLONG;
	bool eacces = false;
	int last = -ENOENT;
	for (const char *p = plan->path;;) {
		const char *end = to_char_or_end(p, ':');
		if (candidate(plan->scratch, p, (size_t)(end - p), file, flen)) {
			last = try_exec(plan, plan->scratch);
			if (!keep_looking(-last))
				return last;
			eacces |= last == -EACCES;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	return eacces ? -EACCES : last;
}
