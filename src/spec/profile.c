/* profile.c — named profiles: whole specs for known launchers.
 *
 * "shim" is what the VM launcher's BwrapSandbox::apply() (Rust code that
 * builds a bwrap command line for its shim) builds, in the same order, so
 * that `swrap --emit-bwrap --profile shim` prints the launcher's command
 * line. The only system calls in src/spec are here: that launcher binds
 * system paths "if they exist", checked under opts->host_root.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "spec/spec.h"

static const char *const system_dirs[] = { "/usr", "/lib", "/lib64", "/bin",
					   "/sbin" };
#define N_SYSTEM_DIRS (sizeof system_dirs / sizeof *system_dirs)

static const char *const etc_files[] = { "/etc/resolv.conf", "/etc/hosts",
					 "/etc/nsswitch.conf" };

static bool exists(const char *host_root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;
	const char *root = host_root && *host_root ? host_root : "";
	if (snprintf(full, sizeof full, "%s%s", root, path) >= (int)sizeof full)
		return false;
	/* stat, not lstat: a dangling symlink does not "exist" (Rust's
	 * Path::exists, which the VM launcher uses). */
	return stat(full, &st) == 0;
}

/* Path::parent of an absolute path, ignoring trailing slashes. */
static char *parent_dir(const char *path)
{
	char *d = strdup(path);
	if (!d)
		return NULL;
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = 0;
	char *slash = strrchr(d, '/');
	n = slash ? (size_t)(slash - d) : 0;
	while (n > 1 && d[n - 1] == '/')
		n--;
	d[n ? n : 1] = 0;
	return d;
}

/* Is dir one of the system directories or below one? Those are bound
 * already, so the shim's directory is not bound a second time. */
static bool under_system_dir(const char *dir)
{
	for (size_t i = 0; i < N_SYSTEM_DIRS; i++) {
		size_t n = strlen(system_dirs[i]);
		if (strncmp(dir, system_dirs[i], n) == 0 &&
		    (dir[n] == 0 || dir[n] == '/'))
			return true;
	}
	return false;
}

/* Splits "SRC[:DEST]" (DEST defaults to SRC) into two malloc'd strings. */
static int split_volume(const char *vol, char **src, char **dest,
			sw_error *err)
{
	const char *colon = strchr(vol, ':');
	size_t n = colon ? (size_t)(colon - vol) : strlen(vol);
	if (n == 0)
		return sw_error_set(err, EINVAL, "volume \"%s\": empty source",
				    vol);
	if (colon && !colon[1])
		return sw_error_set(err, EINVAL,
				    "volume \"%s\": empty destination", vol);
	*src = strndup(vol, n);
	*dest = strdup(colon ? colon + 1 : *src ? *src : "");
	if (!*src || !*dest) {
		free(*src);
		free(*dest);
		return sw_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int bind_volumes(sw_spec *s, enum sw_fs_kind kind,
			const char *const *vols, size_t n, sw_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char *src = NULL, *dest = NULL;
		int r = split_volume(vols[i], &src, &dest, err);
		if (r < 0)
			return r;
		r = sw_spec_bind(s, kind, src, dest, 0, err);
		free(src);
		free(dest);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Everything that can be refused, checked before the spec is touched. */
static int check_opts(const struct sw_shim_opts *o, sw_error *err)
{
	if (!o || !o->shim || o->shim[0] != '/')
		return sw_error_set(err, EINVAL, "the shim's path "
				    "\"%s\" is not absolute",
				    o && o->shim ? o->shim : "");
	if (o->argc && !o->args)
		return sw_error_set(err, EINVAL, "the shim's arguments are missing");
	if (o->n_rlimits && !o->rlimits)
		return sw_error_set(err, EINVAL, "the shim's rlimits are missing");
	int r = o->host_uid || o->host_gid ?
		sw_spec_check_host_ids(o->host_uid ? o->host_uid : SW_UNSET_ID,
				       o->host_gid ? o->host_gid : SW_UNSET_ID, err) : 0;
	if (r < 0)
		return r;
	sw_spec *scratch = sw_spec_new();
	if (!scratch)
		return sw_error_set(err, ENOMEM, "out of memory");
	r = bind_volumes(scratch, SW_FS_BIND, o->rw_paths, o->n_rw, err);
	if (r == 0)
		r = bind_volumes(scratch, SW_FS_RO_BIND, o->ro_paths, o->n_ro, err);
	sw_spec_free(scratch);
	return r;
}

static int binds_if_exist(sw_spec *s, const struct sw_shim_opts *o,
			  enum sw_fs_kind kind, const char *const *paths,
			  size_t n, sw_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!exists(o->host_root, paths[i]))
			continue;
		int r = sw_spec_bind(s, kind, paths[i], paths[i], 0, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Namespaces, system directories, devices, /proc and /tmp. */
static int shim_base(sw_spec *s, const struct sw_shim_opts *o, sw_error *err)
{
	static const char *const devs[] = { "/dev/kvm", "/dev/net/tun" };
	sw_spec_unshare(s, SW_NS_USER | SW_NS_PID | SW_NS_IPC | SW_NS_UTS);
	/* Unlike the reference (README, deliberate differences): a nested
	 * user namespace would give the shim a cgroup namespace and a
	 * cgroupfs mount whose files it owns, as the host's root when
	 * the launcher is root. */
	sw_spec_disable_userns(s, !o->allow_userns);
	/* A detached box must outlive its launcher: no pdeathsig. */
	sw_spec_die_with_parent(s, !o->detached);
	sw_spec_detach(s, o->detached);
	sw_spec_new_session(s, true);
	int r = binds_if_exist(s, o, SW_FS_RO_BIND, system_dirs,
			       N_SYSTEM_DIRS, err);
	if (r == 0)
		r = binds_if_exist(s, o, SW_FS_RO_BIND, etc_files, 3, err);
	if (r == 0)
		r = sw_spec_mount(s, SW_FS_DEV, "/dev", err);
	if (r == 0)
		r = binds_if_exist(s, o, SW_FS_DEV_BIND, devs, 2, err);
	if (r == 0)
		r = sw_spec_mount(s, SW_FS_PROC, "/proc", err);
	if (r == 0)
		r = sw_spec_tmpfs(s, "/tmp", SW_MODE_DEFAULT, 0, err);
	return r;
}

/* The environment: the shim dlopen()s libkrunfw from its own directory,
 * and --clearenv wipes the LD_LIBRARY_PATH it would otherwise inherit. */
static int shim_env(sw_spec *s, const struct sw_shim_opts *o,
		    const char *dir, sw_error *err)
{
	int r = sw_spec_clearenv(s, err);
	if (r == 0)
		r = sw_spec_setenv(s, "PATH", "/usr/bin:/bin:/usr/sbin:/sbin",
				   err);
	if (r == 0)
		r = sw_spec_setenv(s, "HOME", "/root", err);
	if (r == 0)
		r = sw_spec_setenv(s, "LD_LIBRARY_PATH", dir, err);
	if (r == 0 && o->rust_log)
		r = sw_spec_setenv(s, "RUST_LOG", o->rust_log, err);
	if (r == 0 && o->rust_backtrace)
		r = sw_spec_setenv(s, "RUST_BACKTRACE", o->rust_backtrace, err);
	if (r == 0)
		r = sw_spec_chdir(s, "/", err);
	return r;
}

/* The command, and the rlimits the launcher's user configured. */
static int shim_process(sw_spec *s, const struct sw_shim_opts *o,
			sw_error *err)
{
	const char **argv = calloc(o->argc + 2, sizeof *argv);
	if (!argv)
		return sw_error_set(err, ENOMEM, "out of memory");
	argv[0] = o->shim;
	for (size_t i = 0; i < o->argc; i++)
		argv[i + 1] = o->args[i];
	int r = sw_spec_argv(s, o->argc + 1, argv, err);
	free(argv);
	/* None of its own, as the reference: a VM shim serving virtio-fs
	 * may need thousands of fds, and AS/NPROC/CPU limits break or kill
	 * the VM. The cgroup is where default limits belong. */
	for (size_t i = 0; r == 0 && i < o->n_rlimits; i++)
		r = sw_spec_rlimit(s, o->rlimits[i].resource, o->rlimits[i].soft,
				   o->rlimits[i].hard, err);
	return r;
}

int sw_spec_profile_shim(sw_spec *s, const struct sw_shim_opts *o,
			 sw_error *err)
{
	int r = check_opts(o, err);
	if (r < 0)
		return r;
	char *dir = parent_dir(o->shim);
	if (!dir)
		return sw_error_set(err, ENOMEM, "out of memory");
	if (strcmp(dir, "/") == 0) {
		free(dir);
		/* Binding its directory would hand the jail the host's root. */
		return sw_error_set(err, EINVAL, "the shim \"%s\" "
				    "must not live in /", o->shim);
	}
	r = shim_base(s, o, err);
	if (r == 0)
		r = bind_volumes(s, SW_FS_BIND, o->rw_paths, o->n_rw, err);
	if (r == 0 && !under_system_dir(dir))
		r = sw_spec_bind(s, SW_FS_RO_BIND, dir, dir, 0, err);
	if (r == 0)
		r = bind_volumes(s, SW_FS_RO_BIND, o->ro_paths, o->n_ro, err);
	if (r == 0)
		r = shim_env(s, o, dir, err);
	if (r == 0)
		r = shim_process(s, o, err);
	if (r == 0 && o->landlock)
		r = sw_spec_landlock(s, SW_LANDLOCK_ON, err);
	if (r == 0 && o->host_uid)
		r = sw_spec_host_ids(s, o->host_uid, o->host_gid, err);
	free(dir);
	return r;
}
