//! `swrap doctor` as data.
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::ptr;

use crate::{call, ffi, Result};

/// A check's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Nothing to do.
    Pass,
    /// Jails work, with a limitation (see the fix).
    Warn,
    /// Something jails need is missing (see the fix).
    Fail,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        })
    }
}

/// One check of the doctor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// A stable id, e.g. "userns.max".
    pub name: String,
    /// The outcome.
    pub verdict: Verdict,
    /// What was found.
    pub detail: String,
    /// What to do; empty when nothing is to be done.
    pub fix: String,
}

/// Every check of the doctor, in a fixed order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The checks.
    pub checks: Vec<Check>,
    /// Whether a jail can be made here: user namespaces (or root) and a
    /// mount namespace work.
    pub jail_ok: bool,
}

impl Report {
    /// The check named name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

fn string(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-NULL, NUL-terminated, owned by the live report.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Runs the checks of `swrap doctor`: can a jail be made here, and if not,
/// what to do. It reads /proc and /sys, forks briefly to try unshare, and
/// creates and removes a throwaway cgroup.
pub fn doctor() -> Result<Report> {
    let mut d: *mut ffi::sw_doctor = ptr::null_mut();
    // SAFETY: d is a valid out-pointer.
    call(|e| unsafe { ffi::sw_doctor_run(&mut d, e) })?;
    let mut checks = Vec::new();
    // SAFETY: d is a live report until sw_doctor_free below.
    let n = unsafe { ffi::sw_doctor_count(d) };
    for i in 0..n {
        let mut c = ffi::sw_check {
            name: ptr::null(),
            verdict: 0,
            detail: ptr::null(),
            fix: ptr::null(),
        };
        // SAFETY: i < n; c is a valid out-pointer.
        if unsafe { ffi::sw_doctor_check(d, i, &mut c) } < 0 {
            continue;
        }
        let verdict = match c.verdict as u32 {
            ffi::SW_VERDICT_PASS => Verdict::Pass,
            ffi::SW_VERDICT_WARN => Verdict::Warn,
            _ => Verdict::Fail,
        };
        checks.push(Check {
            name: string(c.name),
            verdict,
            detail: string(c.detail),
            fix: string(c.fix),
        });
    }
    // SAFETY: as above.
    let jail_ok = unsafe { ffi::sw_doctor_jail_ok(d) };
    // SAFETY: d came from sw_doctor_run and is freed once.
    unsafe { ffi::sw_doctor_free(d) };
    Ok(Report { checks, jail_ok })
}
