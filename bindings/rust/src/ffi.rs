//! The raw C API of `swrap.h`, declared by hand.
//!
//! Every item mirrors one of the header's; `tests/abi.rs` compares the
//! sizes, field offsets and constant values here with what a C program
//! built against the header prints, so the two cannot drift apart
//! silently. `sw_error_set` (variadic, a helper for C callers) is left out.
//!
//! Everything here is `unsafe` to call; the rest of the crate is the safe
//! API over it.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_uint};

/// `pid_t`.
pub type pid_t = i32;
/// `uid_t`.
pub type uid_t = u32;
/// `gid_t`.
pub type gid_t = u32;

/// `SWRAP_VERSION`: the version of the header these declarations follow.
pub const SWRAP_VERSION: &str = "0.1.0";

/// `sw_spec`: opaque.
#[repr(C)]
pub struct sw_spec {
    _private: [u8; 0],
}

/// `sw_child`: opaque.
#[repr(C)]
pub struct sw_child {
    _private: [u8; 0],
}

/// `sw_doctor`: opaque.
#[repr(C)]
pub struct sw_doctor {
    _private: [u8; 0],
}

/// `sw_error`: a negative errno, a status and a message.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sw_error {
    /// Negative errno.
    pub code: c_int,
    /// For a command line: 126/127 when the program could not be executed.
    pub status: c_int,
    /// NUL-terminated message.
    pub msg: [c_char; 512],
}

/// `SW_NS_USER`.
pub const SW_NS_USER: c_uint = 1 << 0;
/// `SW_NS_PID`.
pub const SW_NS_PID: c_uint = 1 << 1;
/// `SW_NS_IPC`.
pub const SW_NS_IPC: c_uint = 1 << 2;
/// `SW_NS_UTS`.
pub const SW_NS_UTS: c_uint = 1 << 3;
/// `SW_NS_NET`.
pub const SW_NS_NET: c_uint = 1 << 4;
/// `SW_NS_CGROUP`.
pub const SW_NS_CGROUP: c_uint = 1 << 5;
/// `SW_NS_USER_TRY`.
pub const SW_NS_USER_TRY: c_uint = 1 << 6;
/// `SW_NS_CGROUP_TRY`.
pub const SW_NS_CGROUP_TRY: c_uint = 1 << 7;
/// `SW_NS_ALL`: bubblewrap's `--unshare-all`.
pub const SW_NS_ALL: c_uint =
    SW_NS_USER_TRY | SW_NS_PID | SW_NS_IPC | SW_NS_UTS | SW_NS_NET | SW_NS_CGROUP_TRY;

/// `enum sw_fs_kind`.
pub type sw_fs_kind = c_uint;
/// `SW_FS_BIND`.
pub const SW_FS_BIND: sw_fs_kind = 0;
/// `SW_FS_RO_BIND`.
pub const SW_FS_RO_BIND: sw_fs_kind = 1;
/// `SW_FS_DEV_BIND`.
pub const SW_FS_DEV_BIND: sw_fs_kind = 2;
/// `SW_FS_REMOUNT_RO`.
pub const SW_FS_REMOUNT_RO: sw_fs_kind = 3;
/// `SW_FS_PROC`.
pub const SW_FS_PROC: sw_fs_kind = 4;
/// `SW_FS_DEV`.
pub const SW_FS_DEV: sw_fs_kind = 5;
/// `SW_FS_TMPFS`.
pub const SW_FS_TMPFS: sw_fs_kind = 6;
/// `SW_FS_MQUEUE`.
pub const SW_FS_MQUEUE: sw_fs_kind = 7;
/// `SW_FS_DIR`.
pub const SW_FS_DIR: sw_fs_kind = 8;
/// `SW_FS_SYMLINK`.
pub const SW_FS_SYMLINK: sw_fs_kind = 9;
/// `SW_FS_CHMOD`.
pub const SW_FS_CHMOD: sw_fs_kind = 10;
/// `SW_FS_BIND_FD`: `--bind-fd FD DEST`.
pub const SW_FS_BIND_FD: sw_fs_kind = 11;
/// `SW_FS_RO_BIND_FD`: `--ro-bind-fd FD DEST`.
pub const SW_FS_RO_BIND_FD: sw_fs_kind = 12;
/// `SW_FS_FILE`: `--file FD DEST`.
pub const SW_FS_FILE: sw_fs_kind = 13;
/// `SW_FS_BIND_DATA`: `--bind-data FD DEST`.
pub const SW_FS_BIND_DATA: sw_fs_kind = 14;
/// `SW_FS_RO_BIND_DATA`: `--ro-bind-data FD DEST`.
pub const SW_FS_RO_BIND_DATA: sw_fs_kind = 15;
/// `SW_FS_OVERLAY`: `--overlay RWSRC WORKDIR DEST`.
pub const SW_FS_OVERLAY: sw_fs_kind = 16;
/// `SW_FS_TMP_OVERLAY`: `--tmp-overlay DEST`.
pub const SW_FS_TMP_OVERLAY: sw_fs_kind = 17;
/// `SW_FS_RO_OVERLAY`: `--ro-overlay DEST`.
pub const SW_FS_RO_OVERLAY: sw_fs_kind = 18;

/// `SW_BIND_TRY`.
pub const SW_BIND_TRY: c_uint = 1;
/// `SW_MODE_DEFAULT`.
pub const SW_MODE_DEFAULT: c_int = -1;

/// `enum sw_fd_role`.
pub type sw_fd_role = c_uint;
/// `SW_FD_INFO`.
pub const SW_FD_INFO: sw_fd_role = 0;
/// `SW_FD_JSON_STATUS`.
pub const SW_FD_JSON_STATUS: sw_fd_role = 1;
/// `SW_FD_BLOCK`.
pub const SW_FD_BLOCK: sw_fd_role = 2;
/// `SW_FD_SYNC`.
pub const SW_FD_SYNC: sw_fd_role = 3;
/// `SW_FD_USERNS`: `--userns`, join this user namespace.
pub const SW_FD_USERNS: sw_fd_role = 4;
/// `SW_FD_USERNS2`: `--userns2`, switch to it after the setup.
pub const SW_FD_USERNS2: sw_fd_role = 5;
/// `SW_FD_PIDNS`: `--pidns`, join this PID namespace.
pub const SW_FD_PIDNS: sw_fd_role = 6;
/// `SW_FD_USERNS_BLOCK`: `--userns-block-fd`.
pub const SW_FD_USERNS_BLOCK: sw_fd_role = 7;

/// `enum sw_compat`.
pub type sw_compat = c_uint;
/// `SW_COMPAT_SWRAP`: swrap's own behaviour.
pub const SW_COMPAT_SWRAP: sw_compat = 0;
/// `SW_COMPAT_BWRAP`: bubblewrap's (the bwrap personality).
pub const SW_COMPAT_BWRAP: sw_compat = 1;

/// `SW_RLIM_INF`.
pub const SW_RLIM_INF: u64 = u64::MAX;

/// `enum sw_limit`.
pub type sw_limit = c_uint;
/// `SW_LIMIT_MEMORY_MAX`.
pub const SW_LIMIT_MEMORY_MAX: sw_limit = 0;
/// `SW_LIMIT_MEMORY_HIGH`.
pub const SW_LIMIT_MEMORY_HIGH: sw_limit = 1;
/// `SW_LIMIT_CPU_QUOTA`.
pub const SW_LIMIT_CPU_QUOTA: sw_limit = 2;
/// `SW_LIMIT_CPU_PERIOD`.
pub const SW_LIMIT_CPU_PERIOD: sw_limit = 3;
/// `SW_LIMIT_CPU_WEIGHT`.
pub const SW_LIMIT_CPU_WEIGHT: sw_limit = 4;
/// `SW_LIMIT_PIDS_MAX`.
pub const SW_LIMIT_PIDS_MAX: sw_limit = 5;

/// `struct sw_shim_rlimit`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sw_shim_rlimit {
    /// `RLIMIT_*`.
    pub resource: c_int,
    /// Soft limit; `SW_RLIM_INF`: unlimited.
    pub soft: u64,
    /// Hard limit; `SW_RLIM_INF`: unlimited.
    pub hard: u64,
}

/// `struct sw_shim_opts`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sw_shim_opts {
    /// Absolute path of the shim binary.
    pub shim: *const c_char,
    /// Its arguments, `argc` of them.
    pub args: *const *const c_char,
    /// The number of `args`.
    pub argc: usize,
    /// No die-with-parent.
    pub detached: bool,
    /// Writable volumes: `SRC[:DEST]`.
    pub rw_paths: *const *const c_char,
    /// The number of `rw_paths`.
    pub n_rw: usize,
    /// Read-only volumes.
    pub ro_paths: *const *const c_char,
    /// The number of `ro_paths`.
    pub n_ro: usize,
    /// Existence checks under here; NULL: "/".
    pub host_root: *const c_char,
    /// RUST_LOG; NULL: not set.
    pub rust_log: *const c_char,
    /// RUST_BACKTRACE; NULL: not set.
    pub rust_backtrace: *const c_char,
    /// Rlimits the launcher's user configured.
    pub rlimits: *const sw_shim_rlimit,
    /// The number of `rlimits`.
    pub n_rlimits: usize,
    /// Landlock: the shim reaches only its own tree.
    pub landlock: bool,
    /// The shim may make user namespaces (default: `--disable-userns`).
    pub allow_userns: bool,
    /// `sw_spec_host_ids(host_uid, host_gid)` when not 0.
    pub host_uid: uid_t,
    /// With `host_uid`.
    pub host_gid: gid_t,
}

/// `SW_LANDLOCK_OFF`: no ruleset.
pub const SW_LANDLOCK_OFF: c_int = 0;
/// `SW_LANDLOCK_ON`: a ruleset, or sw_spawn fails where the kernel has none.
pub const SW_LANDLOCK_ON: c_int = 1;
/// `SW_LANDLOCK_TRY`: a ruleset where the kernel has Landlock.
pub const SW_LANDLOCK_TRY: c_int = 2;

/// `SW_STAT_CPU`.
pub const SW_STAT_CPU: c_uint = 1 << 0;
/// `SW_STAT_MEMORY`.
pub const SW_STAT_MEMORY: c_uint = 1 << 1;
/// `SW_STAT_MEMORY_PEAK`.
pub const SW_STAT_MEMORY_PEAK: c_uint = 1 << 2;
/// `SW_STAT_PIDS`.
pub const SW_STAT_PIDS: c_uint = 1 << 3;
/// `SW_STAT_OOM_KILLS`.
pub const SW_STAT_OOM_KILLS: c_uint = 1 << 4;

/// `struct sw_cgroup_stats`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct sw_cgroup_stats {
    /// CPU time used, user + system, µs.
    pub cpu_usec: u64,
    /// Bytes charged now.
    pub memory_current: u64,
    /// Most bytes charged at once.
    pub memory_peak: u64,
    /// Tasks now.
    pub pids_current: u64,
    /// Processes killed by the memory limit.
    pub oom_kills: u64,
    /// `SW_STAT_*` bits: which fields are meaningful.
    pub valid: c_uint,
}

/// `enum sw_verdict`.
pub type sw_verdict = c_uint;
/// `SW_VERDICT_PASS`.
pub const SW_VERDICT_PASS: sw_verdict = 0;
/// `SW_VERDICT_WARN`.
pub const SW_VERDICT_WARN: sw_verdict = 1;
/// `SW_VERDICT_FAIL`.
pub const SW_VERDICT_FAIL: sw_verdict = 2;

/// `struct sw_check`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sw_check {
    /// Stable id, e.g. "userns.max".
    pub name: *const c_char,
    /// `enum sw_verdict`.
    pub verdict: c_int,
    /// What was found.
    pub detail: *const c_char,
    /// What to do; "" when nothing to do.
    pub fix: *const c_char,
}

// Each function is the C function of the same name: see `swrap.h` and
// libswrap(3) for what it does, returns and owns.
#[allow(missing_docs)]
extern "C" {
    pub fn sw_spec_new() -> *mut sw_spec;
    pub fn sw_spec_free(spec: *mut sw_spec);
    pub fn sw_spec_unshare(spec: *mut sw_spec, ns: c_uint);
    pub fn sw_spec_share(spec: *mut sw_spec, ns: c_uint);

    pub fn sw_spec_bind(
        spec: *mut sw_spec,
        kind: sw_fs_kind,
        src: *const c_char,
        dest: *const c_char,
        flags: c_uint,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_mount(
        spec: *mut sw_spec,
        kind: sw_fs_kind,
        dest: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_tmpfs(
        spec: *mut sw_spec,
        dest: *const c_char,
        mode: c_int,
        size: u64,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_dir(
        spec: *mut sw_spec,
        dest: *const c_char,
        mode: c_int,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_symlink(
        spec: *mut sw_spec,
        target: *const c_char,
        dest: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_chmod(
        spec: *mut sw_spec,
        path: *const c_char,
        mode: c_int,
        err: *mut sw_error,
    ) -> c_int;

    pub fn sw_spec_clearenv(spec: *mut sw_spec, err: *mut sw_error) -> c_int;
    pub fn sw_spec_setenv(
        spec: *mut sw_spec,
        name: *const c_char,
        value: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_unsetenv(spec: *mut sw_spec, name: *const c_char, err: *mut sw_error)
        -> c_int;

    pub fn sw_spec_argv(
        spec: *mut sw_spec,
        argc: usize,
        argv: *const *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_argv0(spec: *mut sw_spec, argv0: *const c_char, err: *mut sw_error) -> c_int;
    pub fn sw_spec_chdir(spec: *mut sw_spec, dir: *const c_char, err: *mut sw_error) -> c_int;
    pub fn sw_spec_hostname(spec: *mut sw_spec, name: *const c_char, err: *mut sw_error)
        -> c_int;
    pub fn sw_spec_uid(spec: *mut sw_spec, uid: uid_t);
    pub fn sw_spec_gid(spec: *mut sw_spec, gid: gid_t);
    pub fn sw_spec_host_ids(spec: *mut sw_spec, uid: uid_t, gid: gid_t, err: *mut sw_error) -> c_int;
    pub fn sw_spec_new_session(spec: *mut sw_spec, on: bool);
    pub fn sw_spec_die_with_parent(spec: *mut sw_spec, on: bool);
    pub fn sw_spec_as_pid_1(spec: *mut sw_spec, on: bool);
    pub fn sw_spec_detach(spec: *mut sw_spec, on: bool);
    pub fn sw_spec_cap(
        spec: *mut sw_spec,
        add: bool,
        name: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_seccomp_fd(spec: *mut sw_spec, fd: c_int, add: bool, err: *mut sw_error)
        -> c_int;
    pub fn sw_spec_seccomp_profile(
        spec: *mut sw_spec,
        name: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_fd(spec: *mut sw_spec, role: sw_fd_role, fd: c_int, err: *mut sw_error)
        -> c_int;
    pub fn sw_spec_keep_fd(spec: *mut sw_spec, fd: c_int, err: *mut sw_error) -> c_int;
    pub fn sw_spec_landlock(spec: *mut sw_spec, mode: c_int, err: *mut sw_error) -> c_int;
    pub fn sw_spec_bind_fd(
        spec: *mut sw_spec,
        kind: sw_fs_kind,
        fd: c_int,
        dest: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_data(
        spec: *mut sw_spec,
        kind: sw_fs_kind,
        fd: c_int,
        dest: *const c_char,
        mode: c_int,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_overlay(
        spec: *mut sw_spec,
        kind: sw_fs_kind,
        lowers: *const *const c_char,
        nlowers: usize,
        upper: *const c_char,
        work: *const c_char,
        dest: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_lock_file(spec: *mut sw_spec, dest: *const c_char, err: *mut sw_error)
        -> c_int;
    pub fn sw_spec_disable_userns(spec: *mut sw_spec, on: bool);
    pub fn sw_spec_assert_userns_disabled(spec: *mut sw_spec, on: bool);
    pub fn sw_spec_selinux_label(
        spec: *mut sw_spec,
        exec: bool,
        label: *const c_char,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_compat(spec: *mut sw_spec, compat: sw_compat);
    pub fn sw_spec_fd_map(spec: *mut sw_spec, src: c_int, dst: c_int, err: *mut sw_error)
        -> c_int;
    pub fn sw_spec_netns(
        spec: *mut sw_spec,
        path: *const c_char,
        fd: c_int,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_rlimit(
        spec: *mut sw_spec,
        resource: c_int,
        soft: u64,
        hard: u64,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_cgroup(
        spec: *mut sw_spec,
        id: *const c_char,
        parent: *const c_char,
        optional: bool,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_limit(spec: *mut sw_spec, which: sw_limit, value: u64, err: *mut sw_error)
        -> c_int;
    pub fn sw_spec_profile_shim(
        spec: *mut sw_spec,
        opts: *const sw_shim_opts,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_spec_validate(spec: *const sw_spec, err: *mut sw_error) -> c_int;

    pub fn sw_spawn(spec: *const sw_spec, out: *mut *mut sw_child, err: *mut sw_error) -> c_int;
    pub fn sw_child_wait(child: *mut sw_child, exit_code: *mut c_int, err: *mut sw_error)
        -> c_int;
    pub fn sw_child_kill(child: *mut sw_child, sig: c_int, err: *mut sw_error) -> c_int;
    pub fn sw_child_stop(
        child: *mut sw_child,
        grace_ms: c_uint,
        exit_code: *mut c_int,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_child_pid(child: *const sw_child) -> pid_t;
    pub fn sw_child_command_pid(child: *const sw_child) -> pid_t;
    pub fn sw_child_oom_killed(child: *const sw_child) -> bool;
    pub fn sw_child_warning(child: *const sw_child) -> *const c_char;
    pub fn sw_child_pidfd(child: *const sw_child) -> c_int;
    pub fn sw_child_free(child: *mut sw_child);

    pub fn sw_cgroup_kill(id: *const c_char, parent: *const c_char, err: *mut sw_error) -> c_int;
    pub fn sw_cgroup_stop(
        id: *const c_char,
        parent: *const c_char,
        grace_ms: c_uint,
        killed: *mut bool,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_cgroup_freeze(id: *const c_char, parent: *const c_char, err: *mut sw_error)
        -> c_int;
    pub fn sw_cgroup_thaw(id: *const c_char, parent: *const c_char, err: *mut sw_error)
        -> c_int;
    pub fn sw_cgroup_stats(
        id: *const c_char,
        parent: *const c_char,
        stats: *mut sw_cgroup_stats,
        err: *mut sw_error,
    ) -> c_int;

    pub fn sw_spec_emit_bwrap(
        spec: *const sw_spec,
        argv_out: *mut *mut *mut c_char,
        argc_out: *mut usize,
        err: *mut sw_error,
    ) -> c_int;
    pub fn sw_strv_free(v: *mut *mut c_char);

    pub fn sw_doctor_run(out: *mut *mut sw_doctor, err: *mut sw_error) -> c_int;
    pub fn sw_doctor_count(d: *const sw_doctor) -> usize;
    pub fn sw_doctor_check(d: *const sw_doctor, i: usize, out: *mut sw_check) -> c_int;
    pub fn sw_doctor_jail_ok(d: *const sw_doctor) -> bool;
    pub fn sw_doctor_free(d: *mut sw_doctor);
}
