//! The hand-written `ffi` module against `swrap.h`: a C program built
//! against the header (abi/abi.c, compiled by build.rs) prints every shared
//! struct's size, alignment and field offsets and every constant; this test
//! computes the same from the Rust declarations and compares. It fails when
//! the two drift apart, and names what differs.
use std::collections::BTreeMap;
use std::mem::{align_of, size_of, MaybeUninit};
use std::process::Command;

use shrinkwrap::ffi::*;

/// offsetof for 1.63 (no offset_of!): the field's address in an
/// uninitialised value, less the value's.
macro_rules! off {
    ($t:ty, $f:ident) => {{
        let u = MaybeUninit::<$t>::uninit();
        let base = u.as_ptr();
        // SAFETY: addr_of! computes the address without reading.
        let field = unsafe { std::ptr::addr_of!((*base).$f) };
        (field as usize - base as usize) as u64
    }};
}

fn c_side() -> BTreeMap<String, String> {
    let probe = env!("SWRAP_ABI_PROBE");
    assert!(!probe.is_empty(), "build.rs could not build the ABI probe (see its warning)");
    let out = Command::new(probe).output().expect("run the ABI probe");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn rust_side() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: u64| {
        m.insert(k.to_string(), v.to_string());
    };
    macro_rules! sz {
        ($c:expr, $t:ty) => {
            put(concat!("sizeof ", $c), size_of::<$t>() as u64);
            put(concat!("alignof ", $c), align_of::<$t>() as u64);
        };
    }
    macro_rules! of {
        ($c:expr, $t:ty, $f:ident) => {
            put(concat!("offsetof ", $c, ".", stringify!($f)), off!($t, $f));
        };
    }
    macro_rules! k {
        ($c:ident) => {
            put(stringify!($c), $c as u64);
        };
    }
    sz!("sw_error", sw_error);
    of!("sw_error", sw_error, code);
    of!("sw_error", sw_error, status);
    of!("sw_error", sw_error, msg);
    put("sizeof sw_error.msg", 512);

    sz!("struct sw_shim_rlimit", sw_shim_rlimit);
    of!("struct sw_shim_rlimit", sw_shim_rlimit, resource);
    of!("struct sw_shim_rlimit", sw_shim_rlimit, soft);
    of!("struct sw_shim_rlimit", sw_shim_rlimit, hard);

    sz!("struct sw_shim_opts", sw_shim_opts);
    of!("struct sw_shim_opts", sw_shim_opts, shim);
    of!("struct sw_shim_opts", sw_shim_opts, args);
    of!("struct sw_shim_opts", sw_shim_opts, argc);
    of!("struct sw_shim_opts", sw_shim_opts, detached);
    of!("struct sw_shim_opts", sw_shim_opts, rw_paths);
    of!("struct sw_shim_opts", sw_shim_opts, n_rw);
    of!("struct sw_shim_opts", sw_shim_opts, ro_paths);
    of!("struct sw_shim_opts", sw_shim_opts, n_ro);
    of!("struct sw_shim_opts", sw_shim_opts, host_root);
    of!("struct sw_shim_opts", sw_shim_opts, rust_log);
    of!("struct sw_shim_opts", sw_shim_opts, rust_backtrace);
    of!("struct sw_shim_opts", sw_shim_opts, rlimits);
    of!("struct sw_shim_opts", sw_shim_opts, n_rlimits);
    of!("struct sw_shim_opts", sw_shim_opts, landlock);
    of!("struct sw_shim_opts", sw_shim_opts, allow_userns);
    of!("struct sw_shim_opts", sw_shim_opts, host_uid);
    of!("struct sw_shim_opts", sw_shim_opts, host_gid);

    sz!("struct sw_cgroup_stats", sw_cgroup_stats);
    of!("struct sw_cgroup_stats", sw_cgroup_stats, cpu_usec);
    of!("struct sw_cgroup_stats", sw_cgroup_stats, memory_current);
    of!("struct sw_cgroup_stats", sw_cgroup_stats, memory_peak);
    of!("struct sw_cgroup_stats", sw_cgroup_stats, pids_current);
    of!("struct sw_cgroup_stats", sw_cgroup_stats, oom_kills);
    of!("struct sw_cgroup_stats", sw_cgroup_stats, valid);

    sz!("struct sw_check", sw_check);
    of!("struct sw_check", sw_check, name);
    of!("struct sw_check", sw_check, verdict);
    of!("struct sw_check", sw_check, detail);
    of!("struct sw_check", sw_check, fix);

    put("sizeof enum sw_fs_kind", size_of::<sw_fs_kind>() as u64);
    put("sizeof enum sw_fd_role", size_of::<sw_fd_role>() as u64);
    put("sizeof enum sw_limit", size_of::<sw_limit>() as u64);
    put("sizeof enum sw_compat", size_of::<sw_compat>() as u64);
    put("sizeof pid_t", size_of::<pid_t>() as u64);
    put("sizeof uid_t", size_of::<uid_t>() as u64);
    put("sizeof gid_t", size_of::<gid_t>() as u64);

    k!(SW_NS_USER);
    k!(SW_NS_PID);
    k!(SW_NS_IPC);
    k!(SW_NS_UTS);
    k!(SW_NS_NET);
    k!(SW_NS_CGROUP);
    k!(SW_NS_USER_TRY);
    k!(SW_NS_CGROUP_TRY);
    k!(SW_NS_ALL);
    k!(SW_FS_BIND);
    k!(SW_FS_RO_BIND);
    k!(SW_FS_DEV_BIND);
    k!(SW_FS_REMOUNT_RO);
    k!(SW_FS_PROC);
    k!(SW_FS_DEV);
    k!(SW_FS_TMPFS);
    k!(SW_FS_MQUEUE);
    k!(SW_FS_DIR);
    k!(SW_FS_SYMLINK);
    k!(SW_FS_CHMOD);
    k!(SW_FS_BIND_FD);
    k!(SW_FS_RO_BIND_FD);
    k!(SW_FS_FILE);
    k!(SW_FS_BIND_DATA);
    k!(SW_FS_RO_BIND_DATA);
    k!(SW_FS_OVERLAY);
    k!(SW_FS_TMP_OVERLAY);
    k!(SW_FS_RO_OVERLAY);
    k!(SW_BIND_TRY);
    k!(SW_FD_INFO);
    k!(SW_FD_JSON_STATUS);
    k!(SW_FD_BLOCK);
    k!(SW_FD_SYNC);
    k!(SW_FD_USERNS);
    k!(SW_FD_USERNS2);
    k!(SW_FD_PIDNS);
    k!(SW_FD_USERNS_BLOCK);
    k!(SW_COMPAT_SWRAP);
    k!(SW_COMPAT_BWRAP);
    k!(SW_RLIM_INF);
    k!(SW_LIMIT_MEMORY_MAX);
    k!(SW_LIMIT_MEMORY_HIGH);
    k!(SW_LIMIT_CPU_QUOTA);
    k!(SW_LIMIT_CPU_PERIOD);
    k!(SW_LIMIT_CPU_WEIGHT);
    k!(SW_LIMIT_PIDS_MAX);
    k!(SW_LANDLOCK_OFF);
    k!(SW_LANDLOCK_ON);
    k!(SW_LANDLOCK_TRY);
    k!(SW_STAT_CPU);
    k!(SW_STAT_MEMORY);
    k!(SW_STAT_MEMORY_PEAK);
    k!(SW_STAT_PIDS);
    k!(SW_STAT_OOM_KILLS);
    k!(SW_VERDICT_PASS);
    k!(SW_VERDICT_WARN);
    k!(SW_VERDICT_FAIL);
    m.insert("SW_MODE_DEFAULT".into(), SW_MODE_DEFAULT.to_string());
    m.insert("SWRAP_VERSION".into(), SWRAP_VERSION.to_string());
    m
}

#[test]
fn ffi_matches_swrap_h() {
    let c = c_side();
    let r = rust_side();
    let mut diffs = Vec::new();
    for (k, v) in &c {
        match r.get(k) {
            Some(rv) if rv == v => {}
            Some(rv) => diffs.push(format!("{}: C {} Rust {}", k, v, rv)),
            None => diffs.push(format!("{}: C {}, not checked on the Rust side", k, v)),
        }
    }
    for k in r.keys().filter(|k| !c.contains_key(*k)) {
        diffs.push(format!("{}: Rust only (add it to abi/abi.c)", k));
    }
    assert!(diffs.is_empty(), "ffi.rs and swrap.h differ:\n  {}", diffs.join("\n  "));
    assert!(c.len() > 80, "only {} items compared", c.len());
}
