//! The VM launcher's sandbox, rebuilt on libswrap: [`SwrapSandbox`]
//! replaces `BwrapSandbox`.
//!
//! The reference's `apply(ctx, &mut Command)` could only turn the
//! launcher's `Command` into a `bwrap` command line, because a pre-exec
//! hook can neither make the second fork a PID namespace needs nor write
//! id maps from outside. Here [`SwrapSandbox::spec`] builds the same box as
//! a [`Spec`] (the shim profile, see [`Spec::shim_profile`]) and
//! [`SwrapSandbox::spawn`] starts the shim in it, in-process, returning a
//! [`Child`]: no `bwrap` binary is involved.
//!
//! ```no_run
//! use shrinkwrap::sandbox::{SandboxContext, SwrapSandbox};
//!
//! # fn main() -> Result<(), shrinkwrap::Error> {
//! let sandbox = SwrapSandbox::new("/opt/vm/bin/shim", ["--config", "/run/vm.json"]);
//! let ctx = SandboxContext { id: "vm-1".into(), ..SandboxContext::default() };
//! let mut child = sandbox.spawn(&ctx)?;
//! child.wait()?;
//! # Ok(())
//! # }
//! ```
use std::env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::{Child, Limit, Namespaces, Result, ShimOptions, Spec};

/// Resource limits of a box, applied through its cgroup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResourceLimits {
    /// memory.max, bytes.
    pub memory_bytes: Option<u64>,
    /// CPU, in thousandths of a CPU (1500: one and a half).
    pub cpu_millicores: Option<u64>,
    /// pids.max, tasks.
    pub pids: Option<u64>,
}

impl ResourceLimits {
    /// Whether no limit is set.
    pub fn is_empty(&self) -> bool {
        self.memory_bytes.is_none() && self.cpu_millicores.is_none() && self.pids.is_none()
    }
}

/// What the launcher knows about one box: the reference's sandbox context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SandboxContext {
    /// The box's id: its cgroup's name too (`[A-Za-z0-9._-]{1,64}`).
    pub id: String,
    /// Read-only volumes, at the same path inside.
    pub ro_paths: Vec<PathBuf>,
    /// Writable volumes, at the same path inside.
    pub rw_paths: Vec<PathBuf>,
    /// A detached box outlives its launcher (and its [`Child`]); stop it
    /// with [`crate::cgroup::kill`]`(id, Some(`[`SwrapSandbox::CGROUP_PARENT`]`))`.
    pub detached: bool,
    /// Limits, through the box's cgroup.
    pub limits: ResourceLimits,
    /// Whether the box keeps the host's network (else: a network namespace
    /// with only a loopback interface).
    pub network_enabled: bool,
    /// `(uid, gid)`: a root launcher runs the box as this unprivileged host
    /// uid/gid instead of the host's root ([`Spec::host_ids`]; the reference
    /// had no way to). Recommended whenever the launcher is root; refused
    /// when it is not.
    pub host_ids: Option<(u32, u32)>,
}

/// The launcher's sandbox on libswrap: the shim, in the shim profile's box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwrapSandbox {
    shim: PathBuf,
    args: Vec<OsString>,
}

impl SwrapSandbox {
    /// The parent of every box's cgroup: `<top>/launcher/<id>`.
    pub const CGROUP_PARENT: &'static str = "launcher";

    /// A sandbox running shim (an absolute path) with args.
    pub fn new<I, S>(shim: impl Into<PathBuf>, args: I) -> SwrapSandbox
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        SwrapSandbox {
            shim: shim.into(),
            args: args.into_iter().map(|a| a.as_ref().to_os_string()).collect(),
        }
    }

    /// The sandbox's name: "swrap".
    pub fn name(&self) -> &'static str {
        "swrap"
    }

    /// The shim this sandbox runs.
    pub fn shim(&self) -> &Path {
        &self.shim
    }

    /// Whether jails can be made here ([`crate::doctor()`]'s verdict).
    pub fn is_available(&self) -> bool {
        crate::doctor().map(|r| r.jail_ok).unwrap_or(false)
    }

    /// Checks ctx before any box is started: the spec it gives is built
    /// and validated (no system call).
    pub fn setup(&self, ctx: &SandboxContext) -> Result<()> {
        self.spec(ctx)?.validate()
    }

    /// The box for ctx, as the reference's `apply` built it: the shim
    /// profile (with `RUST_LOG` and `RUST_BACKTRACE` taken from the
    /// launcher's environment), the box's cgroup `launcher/<id>` with the
    /// limits (optional when there are none), and a network namespace
    /// unless `network_enabled`.
    pub fn spec(&self, ctx: &SandboxContext) -> Result<Spec> {
        let opts = ShimOptions {
            shim: self.shim.clone(),
            args: self.args.clone(),
            detached: ctx.detached,
            rw_paths: ctx.rw_paths.iter().map(|p| p.clone().into_os_string()).collect(),
            ro_paths: ctx.ro_paths.iter().map(|p| p.clone().into_os_string()).collect(),
            host_root: None,
            rust_log: env::var_os("RUST_LOG"),
            rust_backtrace: env::var_os("RUST_BACKTRACE"),
            rlimits: Vec::new(),
            landlock: false,
            allow_userns: false,
            host_ids: ctx.host_ids,
        };
        let mut spec = Spec::new()?;
        spec.shim_profile(&opts)?;
        spec.cgroup(&ctx.id, Some(Self::CGROUP_PARENT), ctx.limits.is_empty())?;
        if let Some(m) = ctx.limits.memory_bytes {
            spec.limit(Limit::MemoryMax, m)?;
        }
        if let Some(c) = ctx.limits.cpu_millicores {
            // quota per the default period of 100 000 µs
            spec.limit(Limit::CpuQuota, c.saturating_mul(100).max(1000))?;
        }
        if let Some(p) = ctx.limits.pids {
            spec.limit(Limit::PidsMax, p)?;
        }
        if !ctx.network_enabled {
            spec.unshare(Namespaces::NET);
        }
        Ok(spec)
    }

    /// Starts the shim in ctx's box; returns once it runs. What
    /// `Command::spawn` after `BwrapSandbox::apply` did, without bwrap.
    pub fn spawn(&self, ctx: &SandboxContext) -> Result<Child> {
        self.spec(ctx)?.spawn()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox() -> SwrapSandbox {
        SwrapSandbox::new("/opt/vm/bin/vm-shim", ["--socket", "/run/vm.sock"])
    }

    fn ctx(detached: bool) -> SandboxContext {
        SandboxContext {
            id: "box-1".into(),
            ro_paths: vec![PathBuf::from("/usr")],
            rw_paths: vec![PathBuf::from("/tmp")],
            detached,
            limits: ResourceLimits { memory_bytes: Some(256 << 20), ..Default::default() },
            network_enabled: true,
            host_ids: None,
        }
    }

    fn bwrap(detached: bool) -> Vec<String> {
        let spec = sandbox().spec(&ctx(detached)).expect("spec");
        spec.emit_bwrap()
            .expect("emit")
            .into_iter()
            .map(|w| w.into_string().expect("utf-8"))
            .collect()
    }

    /// Ported from the reference: the env LD_LIBRARY_PATH equals the
    /// shim's directory.
    #[test]
    fn apply_sets_ld_library_path_to_shim_dir() {
        let argv = bwrap(false);
        let i = argv
            .windows(3)
            .position(|w| w[0] == "--setenv" && w[1] == "LD_LIBRARY_PATH")
            .expect("--setenv LD_LIBRARY_PATH");
        assert_eq!(argv[i + 2], "/opt/vm/bin", "{:?}", argv);
        // set after --clearenv, which would wipe it
        let clear = argv.iter().position(|w| w == "--clearenv").expect("--clearenv");
        assert!(clear < i, "{:?}", argv);
    }

    /// Ported from the reference: foreground: --die-with-parent present;
    /// detached: absent.
    #[test]
    fn apply_sets_die_with_parent_only_for_foreground() {
        assert!(bwrap(false).iter().any(|w| w == "--die-with-parent"));
        assert!(!bwrap(true).iter().any(|w| w == "--die-with-parent"));
    }

    /// The reference's words, and one more: `--disable-userns`, a
    /// deliberate difference (issue 20; README, "Deliberate differences"):
    /// a nested user namespace would let the shim mount a cgroupfs it owns.
    #[test]
    fn spec_is_the_references_command_line() {
        let argv = bwrap(false);
        let has = |w: &str| argv.iter().any(|a| a == w);
        for w in ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                  "--new-session", "--disable-userns", "--proc", "--tmpfs", "--dev"] {
            assert!(has(w), "{} in {:?}", w, argv);
        }
        assert!(!has("--unshare-net"), "{:?}", argv);
        let dd = argv.iter().position(|w| w == "--").expect("--");
        assert_eq!(&argv[dd + 1..], ["/opt/vm/bin/vm-shim", "--socket", "/run/vm.sock"]);
        let mut c = ctx(false);
        c.network_enabled = false;
        let argv = sandbox().spec(&c).unwrap().emit_bwrap().unwrap();
        assert!(argv.iter().any(|w| w == "--unshare-net"), "{:?}", argv);
    }

    /// `host_ids` reach the spec (bwrap can't say them: the line is the
    /// same) and are checked before anything starts.
    #[test]
    fn host_ids_reach_the_spec() {
        let mut c = ctx(false);
        c.host_ids = Some((4243, 4244));
        let spec = sandbox().spec(&c).expect("spec");
        assert_eq!(spec.emit_bwrap().unwrap(), sandbox().spec(&ctx(false)).unwrap().emit_bwrap().unwrap());
        c.host_ids = Some((0, 4244));
        let e = sandbox().setup(&c).unwrap_err();
        assert_eq!(e.errno(), 22, "{}", e);
        // 0 is sw_shim_opts' "not set": the gid alone is what is refused
        assert!(e.message().contains("--host-gid 4244 needs --host-uid"), "{}", e);
    }

    #[test]
    fn bad_contexts_are_refused_before_anything_starts() {
        let mut c = ctx(false);
        c.id = "../escape".into();
        let e = sandbox().setup(&c).unwrap_err();
        assert_eq!(e.errno(), 22, "{}", e);
        let e = SwrapSandbox::new("relative/shim", None::<&str>).setup(&ctx(false)).unwrap_err();
        assert!(e.message().contains("not absolute"), "{}", e);
        assert_eq!(sandbox().name(), "swrap");
    }
}
