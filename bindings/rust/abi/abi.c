/* abi.c — what swrap.h says, for tests/abi.rs to compare with the crate's
 * hand-written ffi module: one "NAME VALUE" line per size, field offset and
 * constant. Built by build.rs against the header the crate links with. */
#include <stddef.h>
#include <stdio.h>

#include <swrap.h>

#define P(name, v) printf("%s %llu\n", name, (unsigned long long)(v))
#define SZ(t) P("sizeof " #t, sizeof(t)); P("alignof " #t, _Alignof(t))
#define OFF(t, f) P("offsetof " #t "." #f, offsetof(t, f))
#define K(c) P(#c, c)
#define KI(c) printf("%s %lld\n", #c, (long long)(c))

int main(void)
{
	printf("SWRAP_VERSION %s\n", SWRAP_VERSION);
	SZ(sw_error);
	OFF(sw_error, code); OFF(sw_error, status); OFF(sw_error, msg);
	P("sizeof sw_error.msg", sizeof(((sw_error *)0)->msg));

	SZ(struct sw_shim_rlimit);
	OFF(struct sw_shim_rlimit, resource);
	OFF(struct sw_shim_rlimit, soft);
	OFF(struct sw_shim_rlimit, hard);

	SZ(struct sw_shim_opts);
	OFF(struct sw_shim_opts, shim); OFF(struct sw_shim_opts, args);
	OFF(struct sw_shim_opts, argc); OFF(struct sw_shim_opts, detached);
	OFF(struct sw_shim_opts, rw_paths); OFF(struct sw_shim_opts, n_rw);
	OFF(struct sw_shim_opts, ro_paths); OFF(struct sw_shim_opts, n_ro);
	OFF(struct sw_shim_opts, host_root);
	OFF(struct sw_shim_opts, rust_log);
	OFF(struct sw_shim_opts, rust_backtrace);
	OFF(struct sw_shim_opts, rlimits);
	OFF(struct sw_shim_opts, n_rlimits);
	OFF(struct sw_shim_opts, landlock);
	OFF(struct sw_shim_opts, allow_userns);
	OFF(struct sw_shim_opts, host_uid);
	OFF(struct sw_shim_opts, host_gid);

	SZ(struct sw_cgroup_stats);
	OFF(struct sw_cgroup_stats, cpu_usec);
	OFF(struct sw_cgroup_stats, memory_current);
	OFF(struct sw_cgroup_stats, memory_peak);
	OFF(struct sw_cgroup_stats, pids_current);
	OFF(struct sw_cgroup_stats, oom_kills);
	OFF(struct sw_cgroup_stats, valid);

	SZ(struct sw_check);
	OFF(struct sw_check, name); OFF(struct sw_check, verdict);
	OFF(struct sw_check, detail); OFF(struct sw_check, fix);

	P("sizeof enum sw_fs_kind", sizeof(enum sw_fs_kind));
	P("sizeof enum sw_fd_role", sizeof(enum sw_fd_role));
	P("sizeof enum sw_limit", sizeof(enum sw_limit));
	P("sizeof enum sw_compat", sizeof(enum sw_compat));
	P("sizeof pid_t", sizeof(pid_t));
	P("sizeof uid_t", sizeof(uid_t));
	P("sizeof gid_t", sizeof(gid_t));

	K(SW_NS_USER); K(SW_NS_PID); K(SW_NS_IPC); K(SW_NS_UTS); K(SW_NS_NET);
	K(SW_NS_CGROUP); K(SW_NS_USER_TRY); K(SW_NS_CGROUP_TRY); K(SW_NS_ALL);
	K(SW_FS_BIND); K(SW_FS_RO_BIND); K(SW_FS_DEV_BIND); K(SW_FS_REMOUNT_RO);
	K(SW_FS_PROC); K(SW_FS_DEV); K(SW_FS_TMPFS); K(SW_FS_MQUEUE);
	K(SW_FS_DIR); K(SW_FS_SYMLINK); K(SW_FS_CHMOD);
	K(SW_FS_BIND_FD); K(SW_FS_RO_BIND_FD); K(SW_FS_FILE); K(SW_FS_BIND_DATA);
	K(SW_FS_RO_BIND_DATA); K(SW_FS_OVERLAY); K(SW_FS_TMP_OVERLAY);
	K(SW_FS_RO_OVERLAY);
	K(SW_BIND_TRY); KI(SW_MODE_DEFAULT);
	K(SW_FD_INFO); K(SW_FD_JSON_STATUS); K(SW_FD_BLOCK); K(SW_FD_SYNC);
	K(SW_FD_USERNS); K(SW_FD_USERNS2); K(SW_FD_PIDNS); K(SW_FD_USERNS_BLOCK);
	K(SW_COMPAT_SWRAP); K(SW_COMPAT_BWRAP);
	K(SW_RLIM_INF);
	K(SW_LIMIT_MEMORY_MAX); K(SW_LIMIT_MEMORY_HIGH); K(SW_LIMIT_CPU_QUOTA);
	K(SW_LIMIT_CPU_PERIOD); K(SW_LIMIT_CPU_WEIGHT); K(SW_LIMIT_PIDS_MAX);
	K(SW_LANDLOCK_OFF); K(SW_LANDLOCK_ON); K(SW_LANDLOCK_TRY);
	K(SW_STAT_CPU); K(SW_STAT_MEMORY); K(SW_STAT_MEMORY_PEAK);
	K(SW_STAT_PIDS); K(SW_STAT_OOM_KILLS);
	K(SW_VERDICT_PASS); K(SW_VERDICT_WARN); K(SW_VERDICT_FAIL);
	return 0;
}
