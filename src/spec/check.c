/* check.c — checks of single values and the name tables, shared by the
 * builders (which refuse early, naming the value) and by validate.c (which
 * re-checks a whole spec, since C callers may have filled one by hand). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "spec/spec.h"

int sw_spec_check_dest(const char *dest, const char *what, sw_error *err)
{
	/* bubblewrap takes relative destinations as relative to the new
	 * root; we refuse them, since they are almost always a mistake. */
	if (!dest || !*dest)
		return sw_error_set(err, EINVAL, "empty %s", what);
	if (dest[0] != '/')
		return sw_error_set(err, EINVAL, "%s \"%s\" is not absolute",
				    what, dest);
	return 0;
}

/* One of --host-uid/--host-gid: an unprivileged id, not "unset". */
static int check_host_id(const char *opt, uint32_t id, sw_error *err)
{
	if (id == 0)
		return sw_error_set(err, EINVAL, "%s 0: that is the host's root, "
				    "which %s is there to avoid; name an "
				    "unprivileged id", opt, opt);
	if (id == SW_UNSET_ID)
		return sw_error_set(err, EINVAL, "%s %u: not a valid id", opt,
				    (unsigned)id);
	return 0;
}

int sw_spec_check_host_ids(uint32_t uid, uint32_t gid, sw_error *err)
{
	if (uid == SW_UNSET_ID && gid != SW_UNSET_ID)
		return sw_error_set(err, EINVAL, "--host-gid %u needs --host-uid "
				    "too", (unsigned)gid);
	if (gid == SW_UNSET_ID && uid != SW_UNSET_ID)
		return sw_error_set(err, EINVAL, "--host-uid %u needs --host-gid "
				    "too", (unsigned)uid);
	int r = check_host_id("--host-uid", uid, err);
	return r < 0 ? r : check_host_id("--host-gid", gid, err);
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* A name that is safe as one directory: no '/', not "." or "..". */
static bool is_name(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!id_char(s[i]))
			return false;
	return true;
}

int sw_spec_check_cgroup_id(const char *id, sw_error *err)
{
	if (!id || !*id)
		return sw_error_set(err, EINVAL, "empty cgroup id");
	if (strlen(id) > SW_CGROUP_ID_MAX)
		return sw_error_set(err, EINVAL,
				    "cgroup id \"%s\" is over %d characters",
				    id, SW_CGROUP_ID_MAX);
	if (!is_name(id, strlen(id)))
		return sw_error_set(err, EINVAL,
				    "cgroup id \"%s\" must be [A-Za-z0-9._-] "
				    "only, and not \".\" or \"..\"", id);
	return 0;
}

/* The same rules as src/cgroup applies: relative to the hierarchy root,
 * slashes around and between the names are free. */
int sw_spec_check_cgroup_parent(const char *parent, sw_error *err)
{
	if (!parent || strlen(parent) > SW_CGROUP_PARENT_MAX)
		return sw_error_set(err, EINVAL, "cgroup parent \"%s\" is over "
				    "%d characters", parent ? parent : "",
				    SW_CGROUP_PARENT_MAX);
	unsigned depth = 0;
	for (const char *p = parent + strspn(parent, "/"); *p;) {
		size_t len = strcspn(p, "/");
		if (!is_name(p, len))
			return sw_error_set(err, EINVAL, "cgroup parent \"%s\": "
					    "each name must be [A-Za-z0-9._-] "
					    "only, and not \".\" or \"..\"",
					    parent);
		if (++depth > SW_CGROUP_PARENT_DEPTH)
			return sw_error_set(err, EINVAL, "cgroup parent \"%s\" "
					    "is over %d levels deep", parent,
					    SW_CGROUP_PARENT_DEPTH);
		p += len;
		p += strspn(p, "/");
	}
	if (depth == 0)
		return sw_error_set(err, EINVAL, "cgroup parent \"%s\" names "
				    "no directory", parent);
	return 0;
}

int sw_spec_check_env_name(const char *name, sw_error *err)
{
	if (!name || !*name)
		return sw_error_set(err, EINVAL,
				    "empty environment variable name");
	if (strchr(name, '='))
		return sw_error_set(err, EINVAL,
				    "environment variable name \"%s\" has '='",
				    name);
	return 0;
}

static const struct {
	const char *name;
	int resource;
	bool bytes;
} rlimits[] = {
	{ "NOFILE", RLIMIT_NOFILE, false }, { "FSIZE", RLIMIT_FSIZE, true },
	{ "NPROC", RLIMIT_NPROC, false },   { "AS", RLIMIT_AS, true },
	{ "CPU", RLIMIT_CPU, false },       { "CORE", RLIMIT_CORE, true },
	{ "MEMLOCK", RLIMIT_MEMLOCK, true }, { "STACK", RLIMIT_STACK, true },
};
#define N_RLIMITS (sizeof rlimits / sizeof *rlimits)

int sw_spec_rlimit_by_name(const char *name)
{
	if (name && strncasecmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; name && i < N_RLIMITS; i++)
		if (strcasecmp(name, rlimits[i].name) == 0)
			return rlimits[i].resource;
	return -1;
}

const char *sw_spec_rlimit_name(int resource)
{
	for (size_t i = 0; i < N_RLIMITS; i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return NULL;
}

bool sw_spec_rlimit_in_bytes(int resource)
{
	for (size_t i = 0; i < N_RLIMITS; i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].bytes;
	return false;
}

int sw_spec_cap_parse(const char *name, int *cap, sw_error *err)
{
	if (!name || !*name)
		return sw_error_set(err, EINVAL, "empty capability name");
	if (strcasecmp(name, "ALL") == 0 || strcasecmp(name, "CAP_ALL") == 0) {
		*cap = -1;
		return 0;
	}
	/* libcap wants the CAP_ prefix (any case); we also take it bare. */
	char buf[64] = "cap_";
	bool prefixed = strncasecmp(name, "cap_", 4) == 0;
	if (strlen(name) + 5 > sizeof buf)
		return sw_error_set(err, EINVAL, "unknown capability %s", name);
	strcpy(prefixed ? buf : buf + 4, name);
	cap_value_t v;
	if (cap_from_name(buf, &v) < 0 || v < 0 || v > 63)
		return sw_error_set(err, EINVAL, "unknown capability %s", name);
	*cap = (int)v;
	return 0;
}

const char *sw_fs_kind_option(enum sw_fs_kind kind)
{
	static const char *const names[] = {
		[SW_FS_BIND] = "--bind",         [SW_FS_RO_BIND] = "--ro-bind",
		[SW_FS_DEV_BIND] = "--dev-bind", [SW_FS_REMOUNT_RO] = "--remount-ro",
		[SW_FS_PROC] = "--proc",         [SW_FS_DEV] = "--dev",
		[SW_FS_TMPFS] = "--tmpfs",       [SW_FS_MQUEUE] = "--mqueue",
		[SW_FS_DIR] = "--dir",           [SW_FS_SYMLINK] = "--symlink",
		[SW_FS_CHMOD] = "--chmod",
		[SW_FS_BIND_FD] = "--bind-fd", [SW_FS_RO_BIND_FD] = "--ro-bind-fd",
		[SW_FS_FILE] = "--file",         [SW_FS_BIND_DATA] = "--bind-data",
		[SW_FS_RO_BIND_DATA] = "--ro-bind-data",
		[SW_FS_OVERLAY] = "--overlay",   [SW_FS_TMP_OVERLAY] = "--tmp-overlay",
		[SW_FS_RO_OVERLAY] = "--ro-overlay",
	};
	if ((unsigned)kind >= sizeof names / sizeof *names)
		return NULL;
	return names[kind];
}
