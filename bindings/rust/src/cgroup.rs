//! A jail's cgroup, found by its id: what a launcher does to a detached
//! jail (or another launcher's), without its [`Child`](crate::Child).
//!
//! `parent` is the parent given to [`Spec::cgroup`](crate::Spec::cgroup)
//! (`None`: "swrap"); the cgroup is looked up where that call puts it.
use std::ffi::OsStr;
use std::time::Duration;

use crate::{call, cstr, ffi, opt_cstr, opt_ptr, Result};

/// Kills every process of the jail's cgroup and removes it (and the
/// empty parents libswrap made). Blocks until the cgroup is empty.
pub fn kill(id: &str, parent: Option<&str>) -> Result<()> {
    let i = cstr(OsStr::new(id), "cgroup id")?;
    let p = opt_cstr(parent, "cgroup parent")?;
    // SAFETY: valid C strings (parent may be NULL).
    call(|e| unsafe { ffi::sw_cgroup_kill(i.as_ptr(), opt_ptr(&p), e) }).map(|_| ())
}

/// [`kill`] with a grace period: SIGTERM to the jail's top processes, up
/// to grace for the cgroup to empty, then the kill. Returns whether
/// anything was still running when the grace period ended.
pub fn stop(id: &str, parent: Option<&str>, grace: Duration) -> Result<bool> {
    let i = cstr(OsStr::new(id), "cgroup id")?;
    let p = opt_cstr(parent, "cgroup parent")?;
    let ms = grace.as_millis().min(u32::MAX as u128) as u32;
    let mut killed = false;
    // SAFETY: valid C strings; killed is a valid out-pointer.
    call(|e| unsafe { ffi::sw_cgroup_stop(i.as_ptr(), opt_ptr(&p), ms, &mut killed, e) })?;
    Ok(killed)
}

/// Pauses every process of the jail; returns once the kernel reports it
/// frozen (ETIMEDOUT after 5 s, EOPNOTSUPP without a freezer).
pub fn freeze(id: &str, parent: Option<&str>) -> Result<()> {
    let i = cstr(OsStr::new(id), "cgroup id")?;
    let p = opt_cstr(parent, "cgroup parent")?;
    // SAFETY: valid C strings.
    call(|e| unsafe { ffi::sw_cgroup_freeze(i.as_ptr(), opt_ptr(&p), e) }).map(|_| ())
}

/// Resumes a frozen jail; returns once the kernel reports it thawed.
pub fn thaw(id: &str, parent: Option<&str>) -> Result<()> {
    let i = cstr(OsStr::new(id), "cgroup id")?;
    let p = opt_cstr(parent, "cgroup parent")?;
    // SAFETY: valid C strings.
    call(|e| unsafe { ffi::sw_cgroup_thaw(i.as_ptr(), opt_ptr(&p), e) }).map(|_| ())
}

/// A jail's usage, from its cgroup files. A field is `None` when the
/// kernel or the jail's controllers do not give it (memory needs the
/// memory controller: give the jail a memory limit to be sure; the peak
/// needs Linux 5.19 on cgroup2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// CPU time used, user + system.
    pub cpu: Option<Duration>,
    /// Bytes charged now.
    pub memory_current: Option<u64>,
    /// Most bytes charged at once.
    pub memory_peak: Option<u64>,
    /// Tasks now.
    pub pids_current: Option<u64>,
    /// Processes killed by the memory limit.
    pub oom_kills: Option<u64>,
}

/// The usage of the jail.
pub fn stats(id: &str, parent: Option<&str>) -> Result<Stats> {
    let i = cstr(OsStr::new(id), "cgroup id")?;
    let p = opt_cstr(parent, "cgroup parent")?;
    let mut s = ffi::sw_cgroup_stats::default();
    // SAFETY: valid C strings; s is a valid out-pointer.
    call(|e| unsafe { ffi::sw_cgroup_stats(i.as_ptr(), opt_ptr(&p), &mut s, e) })?;
    let has = |bit: u32| s.valid & bit != 0;
    Ok(Stats {
        cpu: if has(ffi::SW_STAT_CPU) { Some(Duration::from_micros(s.cpu_usec)) } else { None },
        memory_current: if has(ffi::SW_STAT_MEMORY) { Some(s.memory_current) } else { None },
        memory_peak: if has(ffi::SW_STAT_MEMORY_PEAK) { Some(s.memory_peak) } else { None },
        pids_current: if has(ffi::SW_STAT_PIDS) { Some(s.pids_current) } else { None },
        oom_kills: if has(ffi::SW_STAT_OOM_KILLS) { Some(s.oom_kills) } else { None },
    })
}
