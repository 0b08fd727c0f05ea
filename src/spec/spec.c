/* spec.c — the spec's life cycle and its builders for the filesystem, the
 * environment and the process. Pure data: no system calls.
 *
 * Every builder checks what it can see alone (an absolute destination, a
 * mode in range) and names the value it refused; checks that involve
 * several options live in validate.c. A failing builder leaves the spec as
 * it was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int sw_error_set(sw_error *err, int code, const char *fmt, ...)
{
	/* Accept either sign: callers pass errno values, -errno results. */
	if (code < 0)
		code = -code;
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = -code;
		err->status = 0; /* the launcher sets it after, for exec */
	}
	return -code;
}

static int oom(sw_error *err)
{
	return sw_error_set(err, ENOMEM, "out of memory");
}

/* realloc for one more element, zeroed, at index n; NULL when out of
 * memory (arr is then untouched). The caller stores the result. */
void *sw_spec_grow(void *arr, size_t n, size_t elem)
{
	char *p = realloc(arr, (n + 1) * elem);
	if (p)
		memset(p + n * elem, 0, elem);
	return p;
}

sw_spec *sw_spec_new(void)
{
	sw_spec *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->uid = s->gid = SW_UNSET_ID;
	s->host_uid = s->host_gid = SW_UNSET_ID;
	s->seccomp_fd = SW_NO_FD;
	s->info_fd = s->json_status_fd = SW_NO_FD;
	s->block_fd = s->sync_fd = SW_NO_FD;
	s->userns_fd = s->userns2_fd = s->pidns_fd = SW_NO_FD;
	s->userns_block_fd = SW_NO_FD;
	s->netns_fd = SW_NO_FD;
	return s;
}

static void free_argv(sw_spec *s)
{
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	s->argv = NULL;
	s->argc = 0;
}

void sw_spec_free(sw_spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfs; i++) {
		free(s->fs[i].src);
		free(s->fs[i].dest);
		free(s->fs[i].work);
		for (size_t j = 0; j < s->fs[i].nlowers; j++)
			free(s->fs[i].lowers[j]);
		free(s->fs[i].lowers);
	}
	for (size_t i = 0; i < s->nlock_files; i++)
		free(s->lock_files[i]);
	free(s->lock_files);
	free(s->exec_label);
	free(s->file_label);
	for (size_t i = 0; i < s->nenv; i++) {
		free(s->env[i].name);
		free(s->env[i].value);
	}
	free(s->fs);
	free(s->env);
	free_argv(s);
	free(s->argv0);
	free(s->chdir);
	free(s->hostname);
	free(s->caps);
	free(s->add_seccomp_fds);
	free(s->seccomp_profile);
	free(s->keep_fds);
	free(s->fdmap_src);
	free(s->fdmap_dst);
	free(s->netns_path);
	free(s->rlimits);
	free(s->cgroup_id);
	free(s->cgroup_parent);
	free(s);
}

void sw_spec_unshare(sw_spec *s, unsigned ns)
{
	s->ns |= ns;
}

void sw_spec_share(sw_spec *s, unsigned ns)
{
	s->ns &= ~ns;
}

/* ---- the filesystem --------------------------------------------------- */

/* Appends an operation owning copies of src (may be NULL) and dest. */
static int add_fsop(sw_spec *s, const struct sw_fsop *tmpl, sw_error *err)
{
	char *src = tmpl->src ? strdup(tmpl->src) : NULL;
	char *dest = strdup(tmpl->dest);
	struct sw_fsop *fs = NULL;
	if ((!tmpl->src || src) && dest)
		fs = sw_spec_grow(s->fs, s->nfs, sizeof *fs);
	if (!fs) {
		free(src);
		free(dest);
		return oom(err);
	}
	s->fs = fs;
	struct sw_fsop *op = &fs[s->nfs++];
	*op = *tmpl;
	op->src = src;
	op->dest = dest;
	op->lowers = NULL;
	op->nlowers = 0;
	op->work = NULL;
	if (!sw_fs_kind_has_fd(op->kind))
		op->fd = SW_NO_FD;
	return 0;
}

static int check_mode(int mode, sw_error *err)
{
	if (mode < 0 || mode > 07777)
		return sw_error_set(err, EINVAL, "mode %o is not <= 07777",
				    (unsigned)mode);
	return 0;
}

/* SW_MODE_DEFAULT means 0755, as bubblewrap. */
static int mode_or_default(int mode, mode_t *out, sw_error *err)
{
	if (mode == SW_MODE_DEFAULT)
		mode = 0755;
	*out = (mode_t)mode;
	return check_mode(mode, err);
}

int sw_spec_bind(sw_spec *s, enum sw_fs_kind kind, const char *src,
		 const char *dest, unsigned flags, sw_error *err)
{
	if (kind != SW_FS_BIND && kind != SW_FS_RO_BIND &&
	    kind != SW_FS_DEV_BIND)
		return sw_error_set(err, EINVAL, "not a bind kind: %d", kind);
	if (flags & ~SW_BIND_TRY)
		return sw_error_set(err, EINVAL, "unknown bind flags %#x", flags);
	if (!src || !*src)
		return sw_error_set(err, EINVAL, "empty source");
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r < 0)
		return r;
	struct sw_fsop op = { .kind = kind, .flags = flags, .src = (char *)src,
			      .dest = (char *)dest };
	return add_fsop(s, &op, err);
}

int sw_spec_mount(sw_spec *s, enum sw_fs_kind kind, const char *dest,
		  sw_error *err)
{
	if (kind != SW_FS_REMOUNT_RO && kind != SW_FS_PROC &&
	    kind != SW_FS_DEV && kind != SW_FS_MQUEUE)
		return sw_error_set(err, EINVAL, "not a mount kind: %d", kind);
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r < 0)
		return r;
	struct sw_fsop op = { .kind = kind, .dest = (char *)dest };
	return add_fsop(s, &op, err);
}

int sw_spec_tmpfs(sw_spec *s, const char *dest, int mode, uint64_t size,
		  sw_error *err)
{
	struct sw_fsop op = { .kind = SW_FS_TMPFS, .dest = (char *)dest,
			      .size = size };
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r == 0)
		r = mode_or_default(mode, &op.mode, err);
	if (r == 0 && size > SW_TMPFS_SIZE_MAX)
		r = sw_error_set(err, ERANGE, "tmpfs size %llu is over %llu",
				 (unsigned long long)size,
				 (unsigned long long)SW_TMPFS_SIZE_MAX);
	return r < 0 ? r : add_fsop(s, &op, err);
}

int sw_spec_dir(sw_spec *s, const char *dest, int mode, sw_error *err)
{
	struct sw_fsop op = { .kind = SW_FS_DIR, .dest = (char *)dest };
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r == 0)
		r = mode_or_default(mode, &op.mode, err);
	return r < 0 ? r : add_fsop(s, &op, err);
}

int sw_spec_symlink(sw_spec *s, const char *target, const char *dest,
		    sw_error *err)
{
	if (!target || !*target)
		return sw_error_set(err, EINVAL, "empty symlink target");
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r < 0)
		return r;
	struct sw_fsop op = { .kind = SW_FS_SYMLINK, .src = (char *)target,
			      .dest = (char *)dest };
	return add_fsop(s, &op, err);
}

int sw_spec_chmod(sw_spec *s, const char *path, int mode, sw_error *err)
{
	int r = sw_spec_check_dest(path, "path", err);
	if (r == 0)
		r = check_mode(mode, err);
	if (r < 0)
		return r;
	struct sw_fsop op = { .kind = SW_FS_CHMOD, .dest = (char *)path,
			      .mode = (mode_t)mode };
	return add_fsop(s, &op, err);
}

int sw_spec_bind_fd(sw_spec *s, enum sw_fs_kind kind, int fd,
		    const char *dest, sw_error *err)
{
	if (kind != SW_FS_BIND_FD && kind != SW_FS_RO_BIND_FD)
		return sw_error_set(err, EINVAL, "not a bind-fd kind: %d", kind);
	if (fd < 0)
		return sw_error_set(err, EBADF, "invalid fd %d", fd);
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r < 0)
		return r;
	struct sw_fsop op = { .kind = kind, .fd = fd, .dest = (char *)dest };
	return add_fsop(s, &op, err);
}

int sw_spec_data(sw_spec *s, enum sw_fs_kind kind, int fd, const char *dest,
		 int mode, sw_error *err)
{
	if (kind != SW_FS_FILE && kind != SW_FS_BIND_DATA &&
	    kind != SW_FS_RO_BIND_DATA)
		return sw_error_set(err, EINVAL, "not a data kind: %d", kind);
	if (fd < 0)
		return sw_error_set(err, EBADF, "invalid fd %d", fd);
	if (mode == SW_MODE_DEFAULT)
		mode = kind == SW_FS_FILE ? 0666 : 0600;
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r == 0)
		r = check_mode(mode, err);
	if (r < 0)
		return r;
	struct sw_fsop op = { .kind = kind, .fd = fd, .dest = (char *)dest,
			      .mode = (mode_t)mode };
	return add_fsop(s, &op, err);
}

static char **copy_strv(const char *const *v, size_t n)
{
	char **c = calloc(n + 1, sizeof *c);
	for (size_t i = 0; c && i < n; i++) {
		if (!(c[i] = strdup(v[i]))) {
			while (i--)
				free(c[i]);
			free(c);
			return NULL;
		}
	}
	return c;
}

int sw_spec_overlay(sw_spec *s, enum sw_fs_kind kind,
		    const char *const *lowers, size_t nlowers,
		    const char *upper, const char *work, const char *dest,
		    sw_error *err)
{
	const char *opt = kind == SW_FS_OVERLAY ? "--overlay" :
		kind == SW_FS_TMP_OVERLAY ? "--tmp-overlay" : "--ro-overlay";
	if (kind != SW_FS_OVERLAY && kind != SW_FS_TMP_OVERLAY &&
	    kind != SW_FS_RO_OVERLAY)
		return sw_error_set(err, EINVAL, "not an overlay kind: %d", kind);
	if (kind == SW_FS_RO_OVERLAY && nlowers < 2)
		return sw_error_set(err, EINVAL, "%s requires at least two "
				    "--overlay-src", opt);
	if (nlowers < 1)
		return sw_error_set(err, EINVAL, "%s requires at least one "
				    "--overlay-src", opt);
	for (size_t i = 0; i < nlowers; i++)
		if (!lowers[i] || !*lowers[i])
			return sw_error_set(err, EINVAL, "empty --overlay-src");
	if (kind == SW_FS_OVERLAY && (!upper || !*upper || !work || !*work))
		return sw_error_set(err, EINVAL, "--overlay needs RWSRC and "
				    "WORKDIR");
	int r = sw_spec_check_dest(dest, "destination", err);
	if (r < 0)
		return r;
	char **lw = copy_strv(lowers, nlowers);
	char *wk = kind == SW_FS_OVERLAY ? strdup(work) : NULL;
	struct sw_fsop op = { .kind = kind, .dest = (char *)dest,
			      .src = kind == SW_FS_OVERLAY ? (char *)upper : NULL };
	r = lw && (kind != SW_FS_OVERLAY || wk) ? add_fsop(s, &op, err) : oom(err);
	if (r < 0) {
		for (size_t i = 0; lw && i < nlowers; i++)
			free(lw[i]);
		free(lw);
		free(wk);
		return r;
	}
	s->fs[s->nfs - 1].lowers = lw;
	s->fs[s->nfs - 1].nlowers = nlowers;
	s->fs[s->nfs - 1].work = wk;
	return 0;
}

int sw_spec_lock_file(sw_spec *s, const char *dest, sw_error *err)
{
	int r = sw_spec_check_dest(dest, "path", err);
	if (r < 0)
		return r;
	char *c = strdup(dest);
	char **v = c ? sw_spec_grow(s->lock_files, s->nlock_files, sizeof *v) : NULL;
	if (!v) {
		free(c);
		return oom(err);
	}
	v[s->nlock_files++] = c;
	s->lock_files = v;
	return 0;
}

void sw_spec_disable_userns(sw_spec *s, bool on)
{
	s->disable_userns = on;
}

void sw_spec_assert_userns_disabled(sw_spec *s, bool on)
{
	s->assert_userns_disabled = on;
}

int sw_spec_selinux_label(sw_spec *s, bool exec, const char *label,
			  sw_error *err)
{
	if (!label || !*label)
		return sw_error_set(err, EINVAL, "empty label");
	char *c = strdup(label);
	if (!c)
		return oom(err);
	char **slot = exec ? &s->exec_label : &s->file_label;
	free(*slot);
	*slot = c;
	return 0;
}

void sw_spec_compat(sw_spec *s, enum sw_compat compat)
{
	s->compat = compat;
}

/* ---- the environment -------------------------------------------------- */

static int add_envop(sw_spec *s, enum sw_envop_kind kind, const char *name,
		     const char *value, sw_error *err)
{
	char *n = name ? strdup(name) : NULL;
	char *v = value ? strdup(value) : NULL;
	struct sw_envop *env = NULL;
	if ((!name || n) && (!value || v))
		env = sw_spec_grow(s->env, s->nenv, sizeof *env);
	if (!env) {
		free(n);
		free(v);
		return oom(err);
	}
	s->env = env;
	env[s->nenv++] = (struct sw_envop){ .kind = kind, .name = n,
					    .value = v };
	return 0;
}

int sw_spec_clearenv(sw_spec *s, sw_error *err)
{
	return add_envop(s, SW_ENV_CLEAR, NULL, NULL, err);
}

int sw_spec_setenv(sw_spec *s, const char *name, const char *value,
		   sw_error *err)
{
	int r = sw_spec_check_env_name(name, err);
	if (r == 0 && !value)
		r = sw_error_set(err, EINVAL, "no value for %s", name);
	return r < 0 ? r : add_envop(s, SW_ENV_SET, name, value, err);
}

int sw_spec_unsetenv(sw_spec *s, const char *name, sw_error *err)
{
	int r = sw_spec_check_env_name(name, err);
	return r < 0 ? r : add_envop(s, SW_ENV_UNSET, name, NULL, err);
}

/* ---- the process ------------------------------------------------------ */

int sw_spec_argv(sw_spec *s, size_t argc, const char *const *argv,
		 sw_error *err)
{
	if (argc == 0 || !argv || !argv[0])
		return sw_error_set(err, EINVAL, "no command given");
	if (!*argv[0])
		return sw_error_set(err, EINVAL, "empty command name");
	char **v = calloc(argc + 1, sizeof *v);
	if (!v)
		return oom(err);
	for (size_t i = 0; i < argc; i++) {
		v[i] = strdup(argv[i] ? argv[i] : "");
		if (!v[i]) {
			while (i--)
				free(v[i]);
			free(v);
			return oom(err);
		}
	}
	free_argv(s);
	s->argv = v;
	s->argc = argc;
	return 0;
}

/* Replaces *slot with a copy of value (last one wins). */
static int set_string(char **slot, const char *value, sw_error *err)
{
	char *c = strdup(value);
	if (!c)
		return oom(err);
	free(*slot);
	*slot = c;
	return 0;
}

int sw_spec_argv0(sw_spec *s, const char *argv0, sw_error *err)
{
	if (!argv0)
		return sw_error_set(err, EINVAL, "no argv0");
	return set_string(&s->argv0, argv0, err);
}

int sw_spec_chdir(sw_spec *s, const char *dir, sw_error *err)
{
	if (!dir || !*dir)
		return sw_error_set(err, EINVAL, "empty directory");
	return set_string(&s->chdir, dir, err);
}

int sw_spec_hostname(sw_spec *s, const char *name, sw_error *err)
{
	/* 64: the kernel's limit for the UTS nodename. */
	if (!name || !*name)
		return sw_error_set(err, EINVAL, "empty hostname");
	if (strlen(name) > 64)
		return sw_error_set(err, EINVAL,
				    "hostname \"%s\" is over 64 characters", name);
	return set_string(&s->hostname, name, err);
}

void sw_spec_uid(sw_spec *s, uid_t uid)
{
	s->uid = uid;
}

void sw_spec_gid(sw_spec *s, gid_t gid)
{
	s->gid = gid;
}

int sw_spec_host_ids(sw_spec *s, uid_t uid, gid_t gid, sw_error *err)
{
	int r = sw_spec_check_host_ids(uid, gid, err);
	if (r == 0) {
		s->host_uid = uid;
		s->host_gid = gid;
	}
	return r;
}

void sw_spec_new_session(sw_spec *s, bool on)
{
	s->new_session = on;
}

void sw_spec_die_with_parent(sw_spec *s, bool on)
{
	s->die_with_parent = on;
}

void sw_spec_as_pid_1(sw_spec *s, bool on)
{
	s->as_pid_1 = on;
}

void sw_spec_detach(sw_spec *s, bool on)
{
	s->detach = on;
}

int sw_spec_landlock(sw_spec *s, int mode, sw_error *err)
{
	if (mode != SW_LANDLOCK_OFF && mode != SW_LANDLOCK_ON &&
	    mode != SW_LANDLOCK_TRY)
		return sw_error_set(err, EINVAL, "Landlock mode %d is not "
				    "SW_LANDLOCK_OFF, _ON or _TRY", mode);
	s->landlock = mode;
	return 0;
}

int sw_spec_netns(sw_spec *s, const char *path, int fd, sw_error *err)
{
	if ((path == NULL) == (fd < 0))
		return sw_error_set(err, EINVAL, "give a path or an fd (not both): "
				    "path %s, fd %d", path ? path : "none", fd);
	if (path && path[0] != '/')
		return sw_error_set(err, EINVAL, "\"%s\" is not an absolute path",
				    path);
	char *c = path ? strdup(path) : NULL;
	if (path && !c)
		return sw_error_set(err, ENOMEM, "out of memory");
	free(s->netns_path);
	s->netns_path = c;
	s->netns_fd = path ? SW_NO_FD : fd;
	return 0;
}
