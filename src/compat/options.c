/* options.c — the option table and its handlers.
 *
 * One row per option: name, number of arguments, metavar, one-line help
 * (the table is --help), handler, and a datum for handlers that serve
 * several rows. Handlers run in order over the scanned options and build
 * the spec through the public builders, so the CLI exercises the C API.
 * A handler's message names the value; the caller prefixes the option.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat_int.h"

#define H(fn) static int fn(struct sw_parse *p, \
			    const struct sw_compat_option *o, char *const *a)

/* ---- the CLI's own ------------------------------------------------------ */

H(h_help)
{
	(void)a;
	p->stop = true;
	if (o->data)
		p->cli->version = true;
	else
		p->cli->help = true;
	return 0;
}

H(h_emit)
{
	(void)a;
	p->cli->emit = true;
	p->cli->emit_nul = o->data;
	return 0;
}

H(h_kill_cgroup)
{
	(void)o;
	int r = sw_spec_check_cgroup_id(a[0], p->err);
	char *id = r < 0 ? NULL : strdup(a[0]);
	if (r == 0 && !id)
		r = sw_error_set(p->err, ENOMEM, "out of memory");
	if (r == 0) {
		free(p->cli->kill_cgroup);
		p->cli->kill_cgroup = id;
	}
	return r;
}

/* --stop-cgroup, --freeze-cgroup, --thaw-cgroup, --cgroup-stats ID. */
H(h_cg_action)
{
	if (p->cli->cg_action && (unsigned)p->cli->cg_action != o->data)
		return sw_error_set(p->err, EINVAL, "only one action on a "
				    "cgroup at a time");
	int r = sw_spec_check_cgroup_id(a[0], p->err);
	char *id = r < 0 ? NULL : strdup(a[0]);
	if (r == 0 && !id)
		r = sw_error_set(p->err, ENOMEM, "out of memory");
	if (r == 0) {
		free(p->cli->cg_id);
		p->cli->cg_id = id;
		p->cli->cg_action = o->data;
	}
	return r;
}

H(h_grace)
{
	(void)o;
	uint64_t ms;
	int r = sw_parse_count(a[0], &ms, p->err);
	if (r == 0 && ms > 3600000)
		r = sw_error_set(p->err, EINVAL, "\"%s\" is more than an hour "
				 "(3600000 ms)", a[0]);
	if (r == 0) {
		p->cli->grace_ms = (unsigned)ms;
		p->cli->grace_set = true;
	}
	return r;
}

H(h_json)
{
	(void)o;
	(void)a;
	p->cli->json = true;
	return 0;
}

/* --profile and --volume run in the scan, as the profile must be built
 * before the options that follow it apply on top. */
H(h_profile)
{
	(void)o;
	if (strcmp(a[0], "shim") != 0)
		return sw_error_set(p->err, EINVAL, "unknown profile \"%s\" "
				    "(known: shim)", a[0]);
	p->profile = a[0];
	return 0;
}

static int keep_volume(struct sw_parse *p, const char *src, const char *dest,
		       bool ro)
{
	char **list = ro ? p->ro : p->rw;
	size_t *n = ro ? &p->nro : &p->nrw;
	char *v = malloc(strlen(src) + strlen(dest) + 2);
	list = v ? sw_spec_grow(list, *n, sizeof *list) : NULL;
	if (!list) {
		free(v);
		return sw_error_set(p->err, ENOMEM, "out of memory");
	}
	strcat(strcat(strcpy(v, src), ":"), dest);
	list[(*n)++] = v;
	*(ro ? &p->ro : &p->rw) = list;
	return 0;
}

/* Without a profile a volume is a bind in its place among the others. */
H(h_volume)
{
	(void)o;
	char *src = NULL, *dest = NULL;
	bool ro;
	int r = sw_parse_volume(a[0], &src, &dest, &ro, p->err);
	if (r < 0)
		return r;
	if (!p->applying)
		r = keep_volume(p, src, dest, ro);
	else if (!p->profile)
		r = sw_spec_bind(p->spec, ro ? SW_FS_RO_BIND : SW_FS_BIND, src,
				 dest, 0, p->err);
	free(src);
	free(dest);
	return r;
}

H(h_detach)
{
	(void)o;
	(void)a;
	p->detach = true;
	if (p->applying)
		sw_spec_detach(p->spec, true);
	return 0;
}

/* --compat=bwrap and --level-prefix run in the scan: they shape every
 * message, the parser's own included. */
H(h_compat)
{
	(void)a;
	(void)o;
	p->cli->bwrap = true;
	if (p->applying)
		sw_spec_compat(p->spec, SW_COMPAT_BWRAP);
	return 0;
}

H(h_level_prefix)
{
	(void)a;
	(void)o;
	p->cli->level_prefix = true;
	return 0;
}

/* --landlock, --landlock-try. Early, as the shim profile takes it as
 * its own flag (sw_shim_opts.landlock); the spec gets it when applying. */
H(h_landlock)
{
	(void)a;
	if (!p->applying) {
		p->landlock = (int)o->data;
		return 0;
	}
	return sw_spec_landlock(p->spec, (int)o->data, p->err);
}

/* ---- namespaces and the process ---------------------------------------- */

H(h_unshare)
{
	(void)a;
	sw_spec_unshare(p->spec, o->data);
	return 0;
}

H(h_share)
{
	(void)a;
	sw_spec_share(p->spec, o->data);
	return 0;
}

H(h_id)
{
	uint32_t id;
	int r = sw_parse_id(a[0], &id, p->err);
	if (r == 0 && o->data)
		sw_spec_gid(p->spec, id);
	else if (r == 0)
		sw_spec_uid(p->spec, id);
	return r;
}

/* --host-uid, --host-gid: put together at the end (both are needed). */
H(h_host_id)
{
	uint32_t id;
	int r = sw_parse_id(a[0], &id, p->err);
	if (r == 0)
		*(o->data ? &p->host_gid : &p->host_uid) = id;
	return r;
}

H(h_userns_switch)
{
	(void)a;
	if (o->data)
		sw_spec_assert_userns_disabled(p->spec, true);
	else
		sw_spec_disable_userns(p->spec, true);
	return 0;
}

H(h_label)
{
	return sw_spec_selinux_label(p->spec, o->data, a[0], p->err);
}

H(h_string)
{
	switch (o->data) {
	case 0: return sw_spec_hostname(p->spec, a[0], p->err);
	case 1:
		/* bubblewrap's warning, word for word (its tests check it). */
		if (p->spec->chdir)
			p->cli->warning = "Only the last --chdir option will "
					  "take effect";
		return sw_spec_chdir(p->spec, a[0], p->err);
	default: return sw_spec_argv0(p->spec, a[0], p->err);
	}
}

H(h_switch)
{
	(void)a;
	void (*const set[])(sw_spec *, bool) = {
		sw_spec_new_session, sw_spec_die_with_parent, sw_spec_as_pid_1,
	};
	set[o->data](p->spec, true);
	return 0;
}

H(h_env)
{
	switch (o->data) {
	case SW_ENV_SET: return sw_spec_setenv(p->spec, a[0], a[1], p->err);
	case SW_ENV_UNSET: return sw_spec_unsetenv(p->spec, a[0], p->err);
	default: return sw_spec_clearenv(p->spec, p->err);
	}
}

/* ---- the filesystem ------------------------------------------------------ */

H(h_bind)
{
	return sw_spec_bind(p->spec, o->data & 0xff, a[0], a[1], o->data >> 8,
			    p->err);
}

H(h_mount)
{
	return sw_spec_mount(p->spec, o->data, a[0], p->err);
}

/* --perms and --size are consumed by the option that follows. */
H(h_perms)
{
	(void)o;
	int mode;
	if (p->next_perms >= 0)
		return sw_error_set(p->err, EINVAL, "given twice for the same "
				    "action (%s, then %s)", p->perms_arg, a[0]);
	int r = sw_parse_octal(a[0], &mode, p->err);
	if (r == 0) {
		p->next_perms = mode;
		p->perms_arg = a[0];
	}
	return r;
}

H(h_size)
{
	(void)o;
	uint64_t size;
	if (p->next_size)
		return sw_error_set(p->err, EINVAL, "given twice for the same "
				    "action (%s, then %s)", p->size_arg, a[0]);
	int r = sw_parse_tmpfs_size(a[0], &size, p->err);
	if (r == 0) {
		p->next_size = size;
		p->size_arg = a[0];
	}
	return r;
}

H(h_tmpfs)
{
	(void)o;
	int r = sw_spec_tmpfs(p->spec, a[0], p->next_perms, p->next_size,
			      p->err);
	p->next_perms = SW_MODE_DEFAULT;
	p->next_size = 0;
	return r;
}

H(h_dir)
{
	(void)o;
	int r = sw_spec_dir(p->spec, a[0], p->next_perms, p->err);
	p->next_perms = SW_MODE_DEFAULT;
	return r;
}

/* The fd options: --bind-fd, --ro-bind-fd (data: the kind); --file,
 * --bind-data, --ro-bind-data take the pending --perms. */
H(h_bind_fd)
{
	int fd;
	int r = sw_parse_fd(a[0], &fd, p->err);
	return r < 0 ? r : sw_spec_bind_fd(p->spec, o->data, fd, a[1], p->err);
}

H(h_data)
{
	int fd;
	int r = sw_parse_fd(a[0], &fd, p->err);
	if (r == 0)
		r = sw_spec_data(p->spec, o->data, fd, a[1], p->next_perms,
				 p->err);
	p->next_perms = SW_MODE_DEFAULT;
	return r;
}

H(h_lock_file)
{
	(void)o;
	return sw_spec_lock_file(p->spec, a[0], p->err);
}

/* --overlay-src waits for --overlay, --tmp-overlay or --ro-overlay. */
H(h_overlay_src)
{
	(void)o;
	const char **v = sw_spec_grow(p->ovl, p->novl, sizeof *v);
	if (!v)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	v[p->novl++] = a[0];
	p->ovl = v;
	return 0;
}

H(h_overlay)
{
	const char *upper = o->data == SW_FS_OVERLAY ? a[0] : NULL;
	const char *work = o->data == SW_FS_OVERLAY ? a[1] : NULL;
	const char *dest = o->data == SW_FS_OVERLAY ? a[2] : a[0];
	/* bubblewrap's messages, without the option prefixed. */
	if (p->novl < (o->data == SW_FS_RO_OVERLAY ? 2u : 1u))
		p->no_blame = true;
	int r = sw_spec_overlay(p->spec, o->data, p->ovl, p->novl, upper,
				work, dest, p->err);
	p->novl = 0;
	return r;
}

H(h_symlink)
{
	(void)o;
	return sw_spec_symlink(p->spec, a[0], a[1], p->err);
}

H(h_chmod)
{
	(void)o;
	int mode;
	int r = sw_parse_octal(a[0], &mode, p->err);
	return r < 0 ? r : sw_spec_chmod(p->spec, a[1], mode, p->err);
}

/* ---- what bounds the command ------------------------------------------- */

H(h_cap)
{
	return sw_spec_cap(p->spec, o->data, a[0], p->err);
}

H(h_seccomp)
{
	int fd;
	int r = sw_parse_fd(a[0], &fd, p->err);
	return r < 0 ? r : sw_spec_seccomp_fd(p->spec, fd, o->data, p->err);
}

H(h_seccomp_profile)
{
	(void)o;
	return sw_spec_seccomp_profile(p->spec, a[0], p->err);
}

H(h_fd)
{
	int fd;
	int r = sw_parse_fd(a[0], &fd, p->err);
	return r < 0 ? r : sw_spec_fd(p->spec, o->data, fd, p->err);
}

H(h_keep_fd)
{
	(void)o;
	int fd;
	int r = sw_parse_fd(a[0], &fd, p->err);
	return r < 0 ? r : sw_spec_keep_fd(p->spec, fd, p->err);
}

/* SRC:DST, both fds. */
H(h_fd_map)
{
	(void)o;
	const char *colon = strchr(a[0], ':');
	char *src = colon ? strndup(a[0], (size_t)(colon - a[0])) : NULL;
	int s, d, r;
	if (colon && !src)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	r = colon ? sw_parse_fd(src, &s, NULL) : -EINVAL;
	if (r == 0)
		r = sw_parse_fd(colon + 1, &d, NULL);
	free(src);
	if (r < 0)
		return sw_error_set(p->err, EINVAL, "\"%s\" is not SRC:DST "
				    "(two fd numbers)", a[0]);
	return sw_spec_fd_map(p->spec, s, d, p->err);
}

/* A path (absolute) or an fd number. */
H(h_netns)
{
	(void)o;
	int fd;
	if (a[0][0] == '/')
		return sw_spec_netns(p->spec, a[0], -1, p->err);
	if (sw_parse_fd(a[0], &fd, NULL) < 0)
		return sw_error_set(p->err, EINVAL, "\"%s\" is neither an "
				    "absolute path nor an fd number", a[0]);
	return sw_spec_netns(p->spec, NULL, fd, p->err);
}

/* NAME=SOFT[:HARD]; HARD defaults to SOFT. */
H(h_rlimit)
{
	(void)o;
	char name[32];
	const char *eq = strchr(a[0], '=');
	size_t n = eq ? (size_t)(eq - a[0]) : 0;
	if (!eq || n == 0 || n >= sizeof name)
		return sw_error_set(p->err, EINVAL, "\"%s\" is not "
				    "NAME=SOFT[:HARD]", a[0]);
	memcpy(name, a[0], n);
	name[n] = 0;
	int res = sw_spec_rlimit_by_name(name);
	if (res < 0)
		return sw_error_set(p->err, EINVAL, "unknown resource in "
				    "\"%s\" (known: NOFILE FSIZE NPROC AS CPU "
				    "CORE MEMLOCK STACK)", a[0]);
	const char *colon = strchr(eq + 1, ':');
	char *soft = colon ? strndup(eq + 1, (size_t)(colon - eq - 1)) :
		strdup(eq + 1);
	if (!soft)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	uint64_t s, h;
	int r = sw_parse_size(soft, true, &s, p->err);
	free(soft);
	if (r == 0)
		r = colon ? sw_parse_size(colon + 1, true, &h, p->err) :
			(h = s, 0);
	return r < 0 ? r : sw_spec_rlimit(p->spec, res, s, h, p->err);
}

H(h_cgroup)
{
	int r = 0;
	if (o->data == 0 && (r = sw_spec_check_cgroup_id(a[0], p->err)) == 0)
		p->cgroup_id = a[0];
	if (o->data == 1 &&
	    (r = sw_spec_check_cgroup_parent(a[0], p->err)) == 0) {
		char *c = strdup(a[0]);
		if (!c)
			return sw_error_set(p->err, ENOMEM, "out of memory");
		free(p->cli->cgroup_parent);
		p->cli->cgroup_parent = c;
		p->cgroup_parent = a[0];
	}
	if (o->data == 2)
		p->cgroup_optional = true;
	return r;
}

H(h_limit)
{
	uint64_t v;
	bool bytes = o->data == SW_LIMIT_MEMORY_MAX ||
		     o->data == SW_LIMIT_MEMORY_HIGH;
	int r = bytes ? sw_parse_size(a[0], false, &v, p->err) :
		sw_parse_count(a[0], &v, p->err);
	return r < 0 ? r : sw_spec_limit(p->spec, o->data, v, p->err);
}

/* QUOTA[/PERIOD] in microseconds. */
H(h_cpu_max)
{
	(void)o;
	const char *slash = strchr(a[0], '/');
	char *quota = slash ? strndup(a[0], (size_t)(slash - a[0])) :
		strdup(a[0]);
	if (!quota)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	uint64_t q, per = 0;
	int r = sw_parse_count(quota, &q, NULL);
	free(quota);
	if (r == 0 && slash)
		r = sw_parse_count(slash + 1, &per, NULL);
	if (r < 0)
		return sw_error_set(p->err, EINVAL, "\"%s\" is not "
				    "QUOTA[/PERIOD] in microseconds", a[0]);
	r = sw_spec_limit(p->spec, SW_LIMIT_CPU_QUOTA, q, p->err);
	if (r == 0 && slash)
		r = sw_spec_limit(p->spec, SW_LIMIT_CPU_PERIOD, per, p->err);
	return r;
}

/* ---- the table ----------------------------------------------------------- */

#define SECTION(title) { NULL, 0, NULL, title, NULL, 0, 0 }
#define BINDK(kind, try) ((kind) | ((try) ? SW_BIND_TRY << 8 : 0))

static const struct sw_compat_option table[] = {
	SECTION("General"),
	{ "--help", 0, NULL, "print this help", h_help, 0, SW_OPT_EARLY },
	{ "--version", 0, NULL, "print the version", h_help, 1, SW_OPT_EARLY },
	{ "--args", 1, "FD", "read NUL-separated arguments from FD", NULL, 0,
	  SW_OPT_SPLICE },
	{ "--level-prefix", 0, NULL, "prefix each message with <N> (syslog)",
	  h_level_prefix, 0, SW_OPT_EARLY },
	{ "--compat=bwrap", 0, NULL, "bwrap's behaviour (as when run as bwrap)",
	  h_compat, 0, SW_OPT_EXT | SW_OPT_EARLY },
	{ "--emit-bwrap", 0, NULL, "print the equivalent bwrap command line",
	  h_emit, 0, SW_OPT_EXT },
	{ "--emit-bwrap=nul", 0, NULL, "the same, each word ending in a NUL",
	  h_emit, 1, SW_OPT_EXT },
	{ "--profile", 1, "shim", "start from a named profile (see below)",
	  h_profile, 0, SW_OPT_EXT | SW_OPT_EARLY },
	{ "--volume", 1, "SRC[:DEST][:ro]", "bind SRC (ro: read-only)",
	  h_volume, 0, SW_OPT_EXT | SW_OPT_EARLY },
	{ "--detach", 0, NULL, "keep running after swrap exits", h_detach, 0,
	  SW_OPT_EXT | SW_OPT_EARLY },
	SECTION("Namespaces"),
	{ "--unshare-all", 0, NULL, "every namespace (user, cgroup: if able)",
	  h_unshare, SW_NS_ALL, 0 },
	{ "--share-net", 0, NULL, "keep the network (after --unshare-all)",
	  h_share, SW_NS_NET, 0 },
	{ "--unshare-user", 0, NULL, "new user namespace", h_unshare,
	  SW_NS_USER, 0 },
	{ "--unshare-user-try", 0, NULL, "new user namespace if possible",
	  h_unshare, SW_NS_USER_TRY, 0 },
	{ "--unshare-ipc", 0, NULL, "new IPC namespace", h_unshare, SW_NS_IPC,
	  0 },
	{ "--unshare-pid", 0, NULL, "new PID namespace", h_unshare, SW_NS_PID,
	  0 },
	{ "--unshare-net", 0, NULL, "new network namespace", h_unshare,
	  SW_NS_NET, 0 },
	{ "--unshare-uts", 0, NULL, "new UTS namespace", h_unshare, SW_NS_UTS,
	  0 },
	{ "--unshare-cgroup", 0, NULL, "new cgroup namespace", h_unshare,
	  SW_NS_CGROUP, 0 },
	{ "--unshare-cgroup-try", 0, NULL, "new cgroup namespace if possible",
	  h_unshare, SW_NS_CGROUP_TRY, 0 },
	{ "--netns", 1, "PATH|FD", "join this network namespace",
	  h_netns, 0, SW_OPT_EXT },
	{ "--uid", 1, "UID", "uid inside (needs a user namespace)", h_id, 0, 0 },
	{ "--gid", 1, "GID", "gid inside (needs a user namespace)", h_id, 1, 0 },
	{ "--host-uid", 1, "UID", "root launcher: the jail is UID outside, not root",
	  h_host_id, 0, SW_OPT_EXT },
	{ "--host-gid", 1, "GID", "the jail's gid outside (with --host-uid)",
	  h_host_id, 1, SW_OPT_EXT },
	{ "--hostname", 1, "NAME", "hostname inside (needs --unshare-uts)",
	  h_string, 0, 0 },
	{ "--userns", 1, "FD", "join this user namespace", h_fd, SW_FD_USERNS,
	  0 },
	{ "--userns2", 1, "FD", "switch to this user namespace after setup",
	  h_fd, SW_FD_USERNS2, 0 },
	{ "--pidns", 1, "FD", "join this PID namespace", h_fd, SW_FD_PIDNS, 0 },
	{ "--disable-userns", 0, NULL, "no new user namespaces inside",
	  h_userns_switch, 0, 0 },
	{ "--assert-userns-disabled", 0, NULL, "fail if they are possible",
	  h_userns_switch, 1, 0 },
	{ "--userns-block-fd", 1, "FD", "wait on FD for a helper's uid maps",
	  h_fd, SW_FD_USERNS_BLOCK, 0 },
	SECTION("The process"),
	{ "--chdir", 1, "DIR", "change to DIR", h_string, 1, 0 },
	{ "--argv0", 1, "VALUE", "argv[0] for the command", h_string, 2, 0 },
	{ "--clearenv", 0, NULL, "unset every environment variable", h_env,
	  SW_ENV_CLEAR, 0 },
	{ "--setenv", 2, "VAR VALUE", "set an environment variable", h_env,
	  SW_ENV_SET, 0 },
	{ "--unsetenv", 1, "VAR", "unset an environment variable", h_env,
	  SW_ENV_UNSET, 0 },
	{ "--new-session", 0, NULL, "new terminal session (setsid)", h_switch,
	  0, 0 },
	{ "--die-with-parent", 0, NULL, "kill the command when swrap dies",
	  h_switch, 1, 0 },
	{ "--as-pid-1", 0, NULL, "no reaper: the command is PID 1", h_switch,
	  2, 0 },
	{ "--exec-label", 1, "LABEL", "SELinux label the command runs with",
	  h_label, 1, 0 },
	{ "--file-label", 1, "LABEL", "SELinux label of the jail's files and tmpfs",
	  h_label, 0, 0 },
	SECTION("The filesystem, in order"),
	{ "--bind", 2, "SRC DEST", "bind mount SRC on DEST", h_bind,
	  BINDK(SW_FS_BIND, 0), 0 },
	{ "--bind-try", 2, "SRC DEST", "--bind, skipped if SRC is missing",
	  h_bind, BINDK(SW_FS_BIND, 1), 0 },
	{ "--ro-bind", 2, "SRC DEST", "read-only bind mount", h_bind,
	  BINDK(SW_FS_RO_BIND, 0), 0 },
	{ "--ro-bind-try", 2, "SRC DEST", "--ro-bind, skipped if SRC is missing",
	  h_bind, BINDK(SW_FS_RO_BIND, 1), 0 },
	{ "--dev-bind", 2, "SRC DEST", "bind mount allowing devices", h_bind,
	  BINDK(SW_FS_DEV_BIND, 0), 0 },
	{ "--dev-bind-try", 2, "SRC DEST", "--dev-bind, skipped if SRC is "
	  "missing", h_bind, BINDK(SW_FS_DEV_BIND, 1), 0 },
	{ "--bind-fd", 2, "FD DEST", "bind what FD is open on", h_bind_fd,
	  SW_FS_BIND_FD, 0 },
	{ "--ro-bind-fd", 2, "FD DEST", "the same, read-only", h_bind_fd,
	  SW_FS_RO_BIND_FD, 0 },
	{ "--file", 2, "FD DEST", "copy FD's data to a new file (0666)",
	  h_data, SW_FS_FILE, 0 },
	{ "--bind-data", 2, "FD DEST", "bind a copy of FD's data (0600)",
	  h_data, SW_FS_BIND_DATA, 0 },
	{ "--ro-bind-data", 2, "FD DEST", "the same, read-only", h_data,
	  SW_FS_RO_BIND_DATA, 0 },
	{ "--overlay-src", 1, "SRC", "a lower layer of the next overlay",
	  h_overlay_src, 0, 0 },
	{ "--overlay", 3, "RWSRC WORKDIR DEST", "overlay, writes go to RWSRC",
	  h_overlay, SW_FS_OVERLAY, 0 },
	{ "--tmp-overlay", 1, "DEST", "overlay, writes go to a tmpfs",
	  h_overlay, SW_FS_TMP_OVERLAY, 0 },
	{ "--ro-overlay", 1, "DEST", "read-only overlay (2+ --overlay-src)",
	  h_overlay, SW_FS_RO_OVERLAY, 0 },
	{ "--remount-ro", 1, "DEST", "remount DEST read-only (not its "
	  "submounts)", h_mount,
	  SW_FS_REMOUNT_RO, 0 },
	{ "--proc", 1, "DEST", "new procfs on DEST", h_mount, SW_FS_PROC,
	  SW_OPT_DIFFERS },
	{ "--dev", 1, "DEST", "new minimal /dev on DEST", h_mount, SW_FS_DEV,
	  0 },
	{ "--tmpfs", 1, "DEST", "new tmpfs on DEST", h_tmpfs, 0, 0 },
	{ "--mqueue", 1, "DEST", "new mqueue on DEST", h_mount, SW_FS_MQUEUE,
	  0 },
	{ "--dir", 1, "DEST", "create a directory", h_dir, 0, 0 },
	{ "--symlink", 2, "SRC DEST", "create a symlink DEST to SRC", h_symlink,
	  0, 0 },
	{ "--chmod", 2, "OCTAL PATH", "change the mode of PATH", h_chmod, 0, 0 },
	{ "--lock-file", 1, "DEST", "hold a lock on DEST while the jail runs",
	  h_lock_file, 0, 0 },
	{ "--perms", 1, "OCTAL", "mode of the next --dir --tmpfs --file ...",
	  h_perms, 0, SW_OPT_MODIFIER | SW_OPT_DIFFERS },
	{ "--size", 1, "BYTES", "size of the next --tmpfs", h_size, 0,
	  SW_OPT_MODIFIER | SW_OPT_DIFFERS },
	SECTION("Privileges and fds"),
	{ "--cap-add", 1, "CAP", "add a capability (CAP_X, X or ALL)", h_cap,
	  1, SW_OPT_DIFFERS },
	{ "--cap-drop", 1, "CAP", "drop a capability (CAP_X, X or ALL)", h_cap,
	  0, SW_OPT_DIFFERS },
	{ "--seccomp", 1, "FD", "load a seccomp BPF program from FD",
	  h_seccomp, 0, 0 },
	{ "--add-seccomp-fd", 1, "FD", "add a seccomp program (repeatable)",
	  h_seccomp, 1, 0 },
	{ "--seccomp-profile", 1, "default", "swrap's built-in seccomp filter",
	  h_seccomp_profile, 0, SW_OPT_EXT },
	{ "--landlock", 0, NULL, "reach only the jail's own tree (Landlock)",
	  h_landlock, SW_LANDLOCK_ON, SW_OPT_EXT | SW_OPT_EARLY },
	{ "--landlock-try", 0, NULL, "--landlock if the kernel has Landlock",
	  h_landlock, SW_LANDLOCK_TRY, SW_OPT_EXT | SW_OPT_EARLY },
	{ "--info-fd", 1, "FD", "write information about the jail to FD", h_fd,
	  SW_FD_INFO, 0 },
	{ "--json-status-fd", 1, "FD", "write JSON status documents to FD",
	  h_fd, SW_FD_JSON_STATUS, 0 },
	{ "--block-fd", 1, "FD", "wait for data on FD before starting", h_fd,
	  SW_FD_BLOCK, 0 },
	{ "--sync-fd", 1, "FD", "keep FD open while the jail runs", h_fd,
	  SW_FD_SYNC, 0 },
	{ "--keep-fd", 1, "FD", "pass FD to the command (repeatable)",
	  h_keep_fd, 0, SW_OPT_EXT },
	{ "--fd-map", 1, "SRC:DST", "pass fd SRC as fd DST (repeatable)",
	  h_fd_map, 0, SW_OPT_EXT },
	{ "--rlimit", 1, "NAME=SOFT[:HARD]", "NOFILE FSIZE NPROC AS CPU CORE MEMLOCK STACK",
	  h_rlimit, 0, SW_OPT_EXT },
	SECTION("Cgroup"),
	{ "--cgroup", 1, "ID", "run in cgroup <parent>/ID (removed after)",
	  h_cgroup, 0, SW_OPT_EXT },
	{ "--cgroup-parent", 1, "PATH", "parent of --cgroup (default: swrap), see swrap(1)",
	  h_cgroup, 1, SW_OPT_EXT },
	{ "--cgroup-optional", 0, NULL, "warn, run anyway, if no cgroup",
	  h_cgroup, 2, SW_OPT_EXT },
	{ "--memory-max", 1, "SIZE", "memory limit, N[K|M|G|T]", h_limit,
	  SW_LIMIT_MEMORY_MAX, SW_OPT_EXT },
	{ "--memory-high", 1, "SIZE", "memory throttle point", h_limit,
	  SW_LIMIT_MEMORY_HIGH, SW_OPT_EXT },
	{ "--cpu-max", 1, "QUOTA[/PERIOD]", "CPU time per period (us)",
	  h_cpu_max, 0, SW_OPT_EXT },
	{ "--cpu-weight", 1, "N", "CPU share, 1..10000", h_limit,
	  SW_LIMIT_CPU_WEIGHT, SW_OPT_EXT },
	{ "--pids-max", 1, "N", "most tasks at once", h_limit,
	  SW_LIMIT_PIDS_MAX, SW_OPT_EXT },
	{ "--kill-cgroup", 1, "ID", "kill all in cgroup ID, remove it, exit",
	  h_kill_cgroup, 0, SW_OPT_EXT },
	{ "--stop-cgroup", 1, "ID", "SIGTERM jail ID, wait --grace, kill, remove",
	  h_cg_action, SW_CG_STOP, SW_OPT_EXT },
	{ "--grace", 1, "MS", "--stop-cgroup's grace period (default 5000)",
	  h_grace, 0, SW_OPT_EXT },
	{ "--freeze-cgroup", 1, "ID", "pause every process of jail ID, exit",
	  h_cg_action, SW_CG_FREEZE, SW_OPT_EXT },
	{ "--thaw-cgroup", 1, "ID", "resume jail ID, exit", h_cg_action,
	  SW_CG_THAW, SW_OPT_EXT },
	{ "--cgroup-stats", 1, "ID", "print jail ID's CPU, memory, pids, OOM kills",
	  h_cg_action, SW_CG_STATS, SW_OPT_EXT },
	{ "--json", 0, NULL, "--cgroup-stats as one JSON object", h_json, 0,
	  SW_OPT_EXT },
};

const struct sw_compat_option *sw_compat_options(size_t *n)
{
	*n = sizeof table / sizeof *table;
	return table;
}
