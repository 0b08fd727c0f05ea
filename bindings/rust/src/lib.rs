//! Run programs in Linux namespaces, the way bubblewrap does, from the
//! caller's own process: the Rust face of libswrap (shrinkwrap).
//!
//! A jail is described by a [`Spec`] (pure data: building one makes no
//! system call), started by [`Spec::spawn`], and followed through the
//! [`Child`] it returns:
//!
//! ```no_run
//! use shrinkwrap::{Namespaces, Spec};
//!
//! # fn main() -> Result<(), shrinkwrap::Error> {
//! let mut spec = Spec::new()?;
//! spec.unshare(Namespaces::USER | Namespaces::PID)
//!     .ro_bind("/usr", "/usr")?
//!     .symlink("usr/bin", "/bin")?
//!     .symlink("usr/lib", "/lib")?
//!     .proc("/proc")?
//!     .argv(["/bin/true"])?;
//! let mut child = spec.spawn()?;
//! assert!(child.wait()?.success());
//! # Ok(())
//! # }
//! ```
//!
//! The VM launcher's case — its shim in the box `bwrap` used to build — is
//! [`Spec::shim_profile`], and [`sandbox::SwrapSandbox`] is the launcher's
//! sandbox rebuilt on it.
//!
//! Unlike a `std::process::Command` pre-exec hook, libswrap makes the
//! second fork a PID namespace needs and writes the id maps from outside,
//! so no helper binary is involved.
#![warn(missing_docs)]

use std::borrow::Cow;
use std::ffi::{CStr, CString, OsStr, OsString};
use std::fmt;
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::io::{BorrowedFd, RawFd};
use std::path::{Path, PathBuf};
use std::ptr;
use std::time::Duration;

pub mod cgroup;
pub mod ffi;
pub mod sandbox;

mod preflight;
pub use preflight::{doctor, Check, Report, Verdict};

/// The version of libswrap's header this crate was written against.
pub const VERSION: &str = ffi::SWRAP_VERSION;

/// A failure of libswrap: the errno and libswrap's one-line message, which
/// names the offending argument or path as the caller gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    errno: i32,
    status: i32,
    message: String,
}

impl Error {
    fn from_raw(r: c_int, e: &ffi::sw_error) -> Error {
        let code = if e.code != 0 { e.code } else { r };
        // SAFETY: libswrap always NUL-terminates msg; the array is zeroed
        // before the call, so it is terminated even when left untouched.
        let msg = unsafe { CStr::from_ptr(e.msg.as_ptr()) };
        let mut message = msg.to_string_lossy().into_owned();
        if message.is_empty() {
            message = std::io::Error::from_raw_os_error(-code).to_string();
        }
        Error { errno: -code, status: e.status, message }
    }

    pub(crate) fn new(errno: i32, message: impl Into<String>) -> Error {
        Error { errno, status: 0, message: message.into() }
    }

    /// The errno value (positive: `EINVAL`, `ENOENT`, ...).
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// libswrap's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For a launch: 126 or 127 when the program could not be executed
    /// (as a shell would exit), 0 otherwise.
    pub fn status(&self) -> i32 {
        self.status
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> std::io::Error {
        std::io::Error::new(std::io::Error::from_raw_os_error(e.errno).kind(), e)
    }
}

/// A `Result` whose error is libswrap's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Calls f with a fresh `sw_error`; turns a negative return into an Error.
pub(crate) fn call<F>(f: F) -> Result<c_int>
where
    F: FnOnce(*mut ffi::sw_error) -> c_int,
{
    let mut e = ffi::sw_error { code: 0, status: 0, msg: [0; 512] };
    let r = f(&mut e);
    if r < 0 {
        Err(Error::from_raw(r, &e))
    } else {
        Ok(r)
    }
}

/// A C string of s, or EINVAL naming `what` when s holds a NUL byte.
pub(crate) fn cstr(s: &OsStr, what: &str) -> Result<CString> {
    CString::new(s.as_bytes()).map_err(|_| {
        Error::new(
            libc_errno::EINVAL,
            format!("{}: '{}' contains a NUL byte", what, s.to_string_lossy()),
        )
    })
}

/// `Option<&str>` parent as a C string (NULL for the default "swrap").
pub(crate) fn opt_cstr(s: Option<&str>, what: &str) -> Result<Option<CString>> {
    s.map(|s| cstr(OsStr::new(s), what)).transpose()
}

pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// The few errno values this crate makes itself.
pub(crate) mod libc_errno {
    pub const EINVAL: i32 = 22;
    pub const ENOMEM: i32 = 12;
}

/// A set of namespaces (`SW_NS_*`), combined with `|`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Namespaces(u32);

impl Namespaces {
    /// No namespace.
    pub const NONE: Namespaces = Namespaces(0);
    /// A user namespace.
    pub const USER: Namespaces = Namespaces(ffi::SW_NS_USER);
    /// A PID namespace (the jail gets a PID 1 of libswrap's).
    pub const PID: Namespaces = Namespaces(ffi::SW_NS_PID);
    /// An IPC namespace.
    pub const IPC: Namespaces = Namespaces(ffi::SW_NS_IPC);
    /// A UTS namespace (hostname).
    pub const UTS: Namespaces = Namespaces(ffi::SW_NS_UTS);
    /// A network namespace (only a loopback interface).
    pub const NET: Namespaces = Namespaces(ffi::SW_NS_NET);
    /// A cgroup namespace.
    pub const CGROUP: Namespaces = Namespaces(ffi::SW_NS_CGROUP);
    /// A user namespace if the kernel allows one.
    pub const USER_TRY: Namespaces = Namespaces(ffi::SW_NS_USER_TRY);
    /// A cgroup namespace if the kernel allows one.
    pub const CGROUP_TRY: Namespaces = Namespaces(ffi::SW_NS_CGROUP_TRY);
    /// bubblewrap's `--unshare-all`.
    pub const ALL: Namespaces = Namespaces(ffi::SW_NS_ALL);

    /// The `SW_NS_*` bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Whether every namespace of other is in self.
    pub fn contains(self, other: Namespaces) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Namespaces {
    type Output = Namespaces;
    fn bitor(self, o: Namespaces) -> Namespaces {
        Namespaces(self.0 | o.0)
    }
}

impl std::ops::BitOrAssign for Namespaces {
    fn bitor_assign(&mut self, o: Namespaces) {
        self.0 |= o.0;
    }
}

/// The kind of a bind mount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindKind {
    /// `--bind`: writable.
    ReadWrite,
    /// `--ro-bind`: read-only.
    ReadOnly,
    /// `--dev-bind`: device nodes usable.
    Dev,
}

impl BindKind {
    fn raw(self) -> ffi::sw_fs_kind {
        match self {
            BindKind::ReadWrite => ffi::SW_FS_BIND,
            BindKind::ReadOnly => ffi::SW_FS_RO_BIND,
            BindKind::Dev => ffi::SW_FS_DEV_BIND,
        }
    }
}

/// What a file descriptor given to [`Spec::fd`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FdRole {
    /// `--info-fd`.
    Info,
    /// `--json-status-fd`.
    JsonStatus,
    /// `--block-fd`.
    Block,
    /// `--sync-fd`.
    Sync,
}

/// A cgroup limit of the jail (`SW_LIMIT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// memory.max, bytes.
    MemoryMax,
    /// memory.high, bytes.
    MemoryHigh,
    /// CPU time per period, microseconds.
    CpuQuota,
    /// The CPU period, microseconds (default 100000).
    CpuPeriod,
    /// cpu.weight, 1..10000.
    CpuWeight,
    /// pids.max, tasks.
    PidsMax,
}

impl Limit {
    fn raw(self) -> ffi::sw_limit {
        match self {
            Limit::MemoryMax => ffi::SW_LIMIT_MEMORY_MAX,
            Limit::MemoryHigh => ffi::SW_LIMIT_MEMORY_HIGH,
            Limit::CpuQuota => ffi::SW_LIMIT_CPU_QUOTA,
            Limit::CpuPeriod => ffi::SW_LIMIT_CPU_PERIOD,
            Limit::CpuWeight => ffi::SW_LIMIT_CPU_WEIGHT,
            Limit::PidsMax => ffi::SW_LIMIT_PIDS_MAX,
        }
    }
}

/// An rlimit: `resource` is an `RLIMIT_*` number; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    /// `RLIMIT_*` (e.g. 7 for `RLIMIT_NOFILE` on Linux).
    pub resource: i32,
    /// The soft limit; `None`: unlimited.
    pub soft: Option<u64>,
    /// The hard limit; `None`: unlimited.
    pub hard: Option<u64>,
}

impl Rlimit {
    fn raw(&self) -> ffi::sw_shim_rlimit {
        ffi::sw_shim_rlimit {
            resource: self.resource,
            soft: self.soft.unwrap_or(ffi::SW_RLIM_INF),
            hard: self.hard.unwrap_or(ffi::SW_RLIM_INF),
        }
    }
}

/// The VM launcher's shim case, as `struct sw_shim_opts`: what its
/// `BwrapSandbox::apply()` built as a bwrap command line (see
/// [`Spec::shim_profile`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShimOptions {
    /// Absolute path of the shim binary (its directory is bound read-only
    /// and becomes `LD_LIBRARY_PATH`).
    pub shim: PathBuf,
    /// The shim's arguments.
    pub args: Vec<OsString>,
    /// A detached box: no die-with-parent.
    pub detached: bool,
    /// Writable volumes: `SRC` or `SRC:DEST`.
    pub rw_paths: Vec<OsString>,
    /// Read-only volumes: `SRC` or `SRC:DEST`.
    pub ro_paths: Vec<OsString>,
    /// Where the existence checks look (`None`: "/").
    pub host_root: Option<PathBuf>,
    /// `RUST_LOG` for the shim (`None`: not set).
    pub rust_log: Option<OsString>,
    /// `RUST_BACKTRACE` for the shim (`None`: not set).
    pub rust_backtrace: Option<OsString>,
    /// Rlimits the launcher's user configured (the profile sets none).
    pub rlimits: Vec<Rlimit>,
    /// Landlock: the shim reaches only its binds, /dev, /proc and /tmp,
    /// even through fds it is handed (`swrap --profile shim --landlock`).
    pub landlock: bool,
    /// The shim may make user namespaces of its own. Off by default, unlike
    /// the reference's bwrap line: the profile is `--disable-userns`, as a
    /// nested user namespace is how a command with no capabilities gets a
    /// cgroupfs mount it owns (the host's root's files, for a root
    /// launcher).
    pub allow_userns: bool,
    /// `(uid, gid)`: a root launcher runs the shim as this unprivileged
    /// host uid and gid instead of the host's root ([`Spec::host_ids`]);
    /// recommended for every root launcher.
    pub host_ids: Option<(u32, u32)>,
}

impl ShimOptions {
    /// Options for shim, everything else empty.
    pub fn new(shim: impl Into<PathBuf>) -> ShimOptions {
        ShimOptions { shim: shim.into(), ..ShimOptions::default() }
    }
}

fn cstrs<S: AsRef<OsStr>>(v: &[S], what: &str) -> Result<Vec<CString>> {
    v.iter().map(|s| cstr(s.as_ref(), what)).collect()
}

fn ptrs(v: &[CString]) -> Vec<*const c_char> {
    v.iter().map(|s| s.as_ptr()).collect()
}

/// A jail's description (`sw_spec`): a builder. Every method checks its
/// arguments at once and returns `Result<&mut Spec>`, so calls chain with
/// `?`. Filesystem and environment operations apply in the order they are
/// added.
///
/// A `Spec` is `Send` and `Sync`: build it from one thread (the builders
/// take `&mut self`), then spawn it from as many as you like.
pub struct Spec {
    raw: *mut ffi::sw_spec,
}

// SAFETY: sw_spec is plain heap data with no thread affinity; the builders
// (&mut self) are never concurrent, and sw_spawn only reads a spec, which
// swrap.h allows from several threads at once.
unsafe impl Send for Spec {}
unsafe impl Sync for Spec {}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Spec");
        if let Ok(argv) = self.emit_bwrap() {
            d.field("bwrap", &argv);
        }
        d.finish()
    }
}

impl Drop for Spec {
    fn drop(&mut self) {
        // SAFETY: raw came from sw_spec_new and is freed once.
        unsafe { ffi::sw_spec_free(self.raw) }
    }
}

fn mode_raw(mode: Option<u32>) -> Result<c_int> {
    match mode {
        None => Ok(ffi::SW_MODE_DEFAULT),
        Some(m) if m <= 0o7777 => Ok(m as c_int),
        Some(m) => Err(Error::new(libc_errno::EINVAL, format!("mode {:o}: not a file mode", m))),
    }
}

impl Spec {
    /// An empty spec: no namespace, nothing mounted, no command.
    pub fn new() -> Result<Spec> {
        // SAFETY: no arguments; NULL only when out of memory.
        let raw = unsafe { ffi::sw_spec_new() };
        if raw.is_null() {
            return Err(Error::new(libc_errno::ENOMEM, "out of memory"));
        }
        Ok(Spec { raw })
    }

    /// The raw `sw_spec`, for calls this crate does not wrap. It stays
    /// owned by self.
    pub fn as_raw(&self) -> *mut ffi::sw_spec {
        self.raw
    }

    fn ok<F>(&mut self, f: F) -> Result<&mut Spec>
    where
        F: FnOnce(*mut ffi::sw_spec, *mut ffi::sw_error) -> c_int,
    {
        let raw = self.raw;
        call(|e| f(raw, e))?;
        Ok(self)
    }

    /// Adds namespaces to unshare. Never fails.
    pub fn unshare(&mut self, ns: Namespaces) -> &mut Spec {
        // SAFETY: raw is valid; the builders are not concurrent (&mut).
        unsafe { ffi::sw_spec_unshare(self.raw, ns.0) };
        self
    }

    /// Removes namespaces from those to unshare. Never fails.
    pub fn share(&mut self, ns: Namespaces) -> &mut Spec {
        // SAFETY: as unshare.
        unsafe { ffi::sw_spec_share(self.raw, ns.0) };
        self
    }

    /// Binds src (on the host) at dest (in the jail).
    pub fn bind_mount(
        &mut self,
        kind: BindKind,
        src: impl AsRef<Path>,
        dest: impl AsRef<Path>,
        optional: bool,
    ) -> Result<&mut Spec> {
        let s = cstr(src.as_ref().as_os_str(), "bind source")?;
        let d = cstr(dest.as_ref().as_os_str(), "bind destination")?;
        let flags = if optional { ffi::SW_BIND_TRY } else { 0 };
        // SAFETY: valid spec and C strings, which libswrap copies.
        self.ok(|r, e| unsafe { ffi::sw_spec_bind(r, kind.raw(), s.as_ptr(), d.as_ptr(), flags, e) })
    }

    /// `--bind SRC DEST`.
    pub fn bind(&mut self, src: impl AsRef<Path>, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.bind_mount(BindKind::ReadWrite, src, dest, false)
    }

    /// `--ro-bind SRC DEST`.
    pub fn ro_bind(&mut self, src: impl AsRef<Path>, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.bind_mount(BindKind::ReadOnly, src, dest, false)
    }

    /// `--ro-bind-try SRC DEST`: nothing when src is missing.
    pub fn ro_bind_try(
        &mut self,
        src: impl AsRef<Path>,
        dest: impl AsRef<Path>,
    ) -> Result<&mut Spec> {
        self.bind_mount(BindKind::ReadOnly, src, dest, true)
    }

    /// `--dev-bind SRC DEST`.
    pub fn dev_bind(&mut self, src: impl AsRef<Path>, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.bind_mount(BindKind::Dev, src, dest, false)
    }

    fn mount(&mut self, kind: ffi::sw_fs_kind, dest: &Path) -> Result<&mut Spec> {
        let d = cstr(dest.as_os_str(), "mount point")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_mount(r, kind, d.as_ptr(), e) })
    }

    /// `--remount-ro DEST`.
    pub fn remount_ro(&mut self, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.mount(ffi::SW_FS_REMOUNT_RO, dest.as_ref())
    }

    /// `--proc DEST`: a procfs of the jail's PID namespace.
    pub fn proc(&mut self, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.mount(ffi::SW_FS_PROC, dest.as_ref())
    }

    /// `--dev DEST`: a minimal /dev.
    pub fn dev(&mut self, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.mount(ffi::SW_FS_DEV, dest.as_ref())
    }

    /// `--mqueue DEST`.
    pub fn mqueue(&mut self, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        self.mount(ffi::SW_FS_MQUEUE, dest.as_ref())
    }

    /// `--tmpfs DEST`, with a mode (`None`: 0755) and a size in bytes
    /// (`None`: the kernel's default, half of RAM).
    pub fn tmpfs(
        &mut self,
        dest: impl AsRef<Path>,
        mode: Option<u32>,
        size: Option<u64>,
    ) -> Result<&mut Spec> {
        let d = cstr(dest.as_ref().as_os_str(), "tmpfs")?;
        let m = mode_raw(mode)?;
        let size = size.unwrap_or(0);
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_tmpfs(r, d.as_ptr(), m, size, e) })
    }

    /// `--dir DEST` with a mode (`None`: 0755).
    pub fn dir(&mut self, dest: impl AsRef<Path>, mode: Option<u32>) -> Result<&mut Spec> {
        let d = cstr(dest.as_ref().as_os_str(), "dir")?;
        let m = mode_raw(mode)?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_dir(r, d.as_ptr(), m, e) })
    }

    /// `--symlink TARGET DEST`.
    pub fn symlink(&mut self, target: impl AsRef<Path>, dest: impl AsRef<Path>) -> Result<&mut Spec> {
        let t = cstr(target.as_ref().as_os_str(), "symlink target")?;
        let d = cstr(dest.as_ref().as_os_str(), "symlink")?;
        // SAFETY: valid spec and C strings.
        self.ok(|r, e| unsafe { ffi::sw_spec_symlink(r, t.as_ptr(), d.as_ptr(), e) })
    }

    /// `--chmod MODE PATH`.
    pub fn chmod(&mut self, path: impl AsRef<Path>, mode: u32) -> Result<&mut Spec> {
        let p = cstr(path.as_ref().as_os_str(), "chmod")?;
        let m = mode_raw(Some(mode))?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_chmod(r, p.as_ptr(), m, e) })
    }

    /// `--clearenv`: the jail's environment starts empty from here.
    pub fn clearenv(&mut self) -> Result<&mut Spec> {
        // SAFETY: valid spec.
        self.ok(|r, e| unsafe { ffi::sw_spec_clearenv(r, e) })
    }

    /// `--setenv NAME VALUE`.
    pub fn setenv(&mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Result<&mut Spec> {
        let n = cstr(name.as_ref(), "setenv")?;
        let v = cstr(value.as_ref(), "setenv value")?;
        // SAFETY: valid spec and C strings.
        self.ok(|r, e| unsafe { ffi::sw_spec_setenv(r, n.as_ptr(), v.as_ptr(), e) })
    }

    /// `--unsetenv NAME`.
    pub fn unsetenv(&mut self, name: impl AsRef<OsStr>) -> Result<&mut Spec> {
        let n = cstr(name.as_ref(), "unsetenv")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_unsetenv(r, n.as_ptr(), e) })
    }

    /// The command and its arguments (the first word is the program).
    pub fn argv<I, S>(&mut self, argv: I) -> Result<&mut Spec>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let words: Vec<OsString> = argv.into_iter().map(|s| s.as_ref().to_os_string()).collect();
        let c = cstrs(&words, "argv")?;
        let p = ptrs(&c);
        // SAFETY: p holds c.len() valid C strings, which libswrap copies.
        self.ok(|r, e| unsafe { ffi::sw_spec_argv(r, p.len(), p.as_ptr(), e) })
    }

    /// `--argv0 NAME`.
    pub fn argv0(&mut self, argv0: impl AsRef<OsStr>) -> Result<&mut Spec> {
        let a = cstr(argv0.as_ref(), "argv0")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_argv0(r, a.as_ptr(), e) })
    }

    /// `--chdir DIR`.
    pub fn chdir(&mut self, dir: impl AsRef<Path>) -> Result<&mut Spec> {
        let d = cstr(dir.as_ref().as_os_str(), "chdir")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_chdir(r, d.as_ptr(), e) })
    }

    /// `--hostname NAME` (with a UTS namespace).
    pub fn hostname(&mut self, name: &str) -> Result<&mut Spec> {
        let n = cstr(OsStr::new(name), "hostname")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_hostname(r, n.as_ptr(), e) })
    }

    /// `--uid UID`: the uid inside.
    pub fn uid(&mut self, uid: u32) -> &mut Spec {
        // SAFETY: valid spec.
        unsafe { ffi::sw_spec_uid(self.raw, uid) };
        self
    }

    /// `--gid GID`: the gid inside.
    pub fn gid(&mut self, gid: u32) -> &mut Spec {
        // SAFETY: valid spec.
        unsafe { ffi::sw_spec_gid(self.raw, gid) };
        self
    }

    /// `--host-uid UID --host-gid GID`: for a root launcher, the jail runs
    /// as this unprivileged host uid/gid instead of the host's root (uid 0
    /// inside is `uid` outside; no supplementary group). Needs a new user
    /// namespace; 0 is refused here, a caller that is not root at spawn.
    /// bwrap has no equivalent: [`Spec::emit_bwrap`] leaves it out.
    pub fn host_ids(&mut self, uid: u32, gid: u32) -> Result<&mut Spec> {
        // SAFETY: valid spec.
        self.ok(|r, e| unsafe { ffi::sw_spec_host_ids(r, uid, gid, e) })
    }

    /// `--new-session`.
    pub fn new_session(&mut self, on: bool) -> &mut Spec {
        // SAFETY: valid spec.
        unsafe { ffi::sw_spec_new_session(self.raw, on) };
        self
    }

    /// `--die-with-parent`: the jail is killed when the thread that
    /// spawned it ends.
    pub fn die_with_parent(&mut self, on: bool) -> &mut Spec {
        // SAFETY: valid spec.
        unsafe { ffi::sw_spec_die_with_parent(self.raw, on) };
        self
    }

    /// `--as-pid-1`: the command is the jail's PID 1.
    pub fn as_pid_1(&mut self, on: bool) -> &mut Spec {
        // SAFETY: valid spec.
        unsafe { ffi::sw_spec_as_pid_1(self.raw, on) };
        self
    }

    /// A detached jail: it outlives its [`Child`] handle (and its cgroup
    /// stays until [`cgroup::kill`]).
    pub fn detach(&mut self, on: bool) -> &mut Spec {
        // SAFETY: valid spec.
        unsafe { ffi::sw_spec_detach(self.raw, on) };
        self
    }

    /// `--cap-add NAME` ("CAP_NET_ADMIN", "net_admin", or "ALL").
    pub fn cap_add(&mut self, name: &str) -> Result<&mut Spec> {
        let n = cstr(OsStr::new(name), "cap")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_cap(r, true, n.as_ptr(), e) })
    }

    /// `--cap-drop NAME`.
    pub fn cap_drop(&mut self, name: &str) -> Result<&mut Spec> {
        let n = cstr(OsStr::new(name), "cap")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_cap(r, false, n.as_ptr(), e) })
    }

    /// A raw BPF program read from fd at spawn: `--seccomp FD` (add
    /// false: replaces) or `--add-seccomp-fd FD`. fd must stay open until
    /// the spawn.
    pub fn seccomp_fd(&mut self, fd: RawFd, add: bool) -> Result<&mut Spec> {
        // SAFETY: valid spec; the fd is only recorded.
        self.ok(|r, e| unsafe { ffi::sw_spec_seccomp_fd(r, fd, add, e) })
    }

    /// A built-in seccomp filter: "default".
    pub fn seccomp_profile(&mut self, name: &str) -> Result<&mut Spec> {
        let n = cstr(OsStr::new(name), "seccomp profile")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_seccomp_profile(r, n.as_ptr(), e) })
    }

    /// An fd with a role (`--info-fd`, `--json-status-fd`, `--block-fd`,
    /// `--sync-fd`).
    pub fn fd(&mut self, role: FdRole, fd: RawFd) -> Result<&mut Spec> {
        let role = match role {
            FdRole::Info => ffi::SW_FD_INFO,
            FdRole::JsonStatus => ffi::SW_FD_JSON_STATUS,
            FdRole::Block => ffi::SW_FD_BLOCK,
            FdRole::Sync => ffi::SW_FD_SYNC,
        };
        // SAFETY: valid spec; the fd is only recorded.
        self.ok(|r, e| unsafe { ffi::sw_spec_fd(r, role, fd, e) })
    }

    /// `--keep-fd FD`: the command inherits fd.
    pub fn keep_fd(&mut self, fd: RawFd) -> Result<&mut Spec> {
        // SAFETY: valid spec; the fd is only recorded.
        self.ok(|r, e| unsafe { ffi::sw_spec_keep_fd(r, fd, e) })
    }

    /// `--landlock` (`try_only`: `--landlock-try`): once its root is final
    /// the jail restricts itself with Landlock to its own tree, even
    /// through fds it is handed. Without `try_only`, [`Spec::spawn`]
    /// fails on a kernel without Landlock.
    pub fn landlock(&mut self, try_only: bool) -> Result<&mut Spec> {
        let mode = if try_only { ffi::SW_LANDLOCK_TRY } else { ffi::SW_LANDLOCK_ON };
        // SAFETY: valid spec; the mode is only recorded.
        self.ok(|r, e| unsafe { ffi::sw_spec_landlock(r, mode, e) })
    }

    /// The command gets the caller's fd src as fd dst.
    pub fn fd_map(&mut self, src: RawFd, dst: RawFd) -> Result<&mut Spec> {
        // SAFETY: valid spec; the fds are only recorded.
        self.ok(|r, e| unsafe { ffi::sw_spec_fd_map(r, src, dst, e) })
    }

    /// Joins an existing network namespace by path (`/run/netns/NAME`).
    pub fn netns_path(&mut self, path: impl AsRef<Path>) -> Result<&mut Spec> {
        let p = cstr(path.as_ref().as_os_str(), "netns")?;
        // SAFETY: valid spec and C string.
        self.ok(|r, e| unsafe { ffi::sw_spec_netns(r, p.as_ptr(), -1, e) })
    }

    /// Joins the network namespace fd is open on (read at spawn).
    pub fn netns_fd(&mut self, fd: BorrowedFd<'_>) -> Result<&mut Spec> {
        use std::os::unix::io::AsRawFd;
        let fd = fd.as_raw_fd();
        // SAFETY: valid spec; the fd is only recorded.
        self.ok(|r, e| unsafe { ffi::sw_spec_netns(r, ptr::null(), fd, e) })
    }

    /// An rlimit for the command.
    pub fn rlimit(&mut self, limit: Rlimit) -> Result<&mut Spec> {
        let l = limit.raw();
        // SAFETY: valid spec.
        self.ok(|r, e| unsafe { ffi::sw_spec_rlimit(r, l.resource, l.soft, l.hard, e) })
    }

    /// The jail's own cgroup, `<top>/<parent>/<id>` (parent `None`:
    /// "swrap"); optional: launch anyway (with a [`Child::warning`]) when
    /// it can't be made.
    pub fn cgroup(&mut self, id: &str, parent: Option<&str>, optional: bool) -> Result<&mut Spec> {
        let i = cstr(OsStr::new(id), "cgroup id")?;
        let p = opt_cstr(parent, "cgroup parent")?;
        // SAFETY: valid spec and C strings (parent may be NULL).
        self.ok(|r, e| unsafe { ffi::sw_spec_cgroup(r, i.as_ptr(), opt_ptr(&p), optional, e) })
    }

    /// A cgroup limit (needs [`Spec::cgroup`]).
    pub fn limit(&mut self, which: Limit, value: u64) -> Result<&mut Spec> {
        // SAFETY: valid spec.
        self.ok(|r, e| unsafe { ffi::sw_spec_limit(r, which.raw(), value, e) })
    }

    /// The VM launcher's shim profile (`sw_spec_profile_shim`): user, PID,
    /// IPC and UTS namespaces, die-with-parent unless detached, a new
    /// session, read-only system directories and DNS files, the volumes,
    /// a minimal /dev with /dev/kvm and /dev/net/tun, /proc, a tmpfs /tmp,
    /// a clean environment (PATH, HOME, `LD_LIBRARY_PATH` = the shim's
    /// directory, `RUST_LOG`/`RUST_BACKTRACE` when given), chdir /, then
    /// the shim and its arguments.
    pub fn shim_profile(&mut self, opts: &ShimOptions) -> Result<&mut Spec> {
        let shim = cstr(opts.shim.as_os_str(), "shim")?;
        let args = cstrs(&opts.args, "shim argument")?;
        let rw = cstrs(&opts.rw_paths, "rw path")?;
        let ro = cstrs(&opts.ro_paths, "ro path")?;
        let host_root = opts
            .host_root
            .as_ref()
            .map(|p| cstr(p.as_os_str(), "host root"))
            .transpose()?;
        let rust_log = opts.rust_log.as_ref().map(|s| cstr(s, "RUST_LOG")).transpose()?;
        let rust_bt = opts
            .rust_backtrace
            .as_ref()
            .map(|s| cstr(s, "RUST_BACKTRACE"))
            .transpose()?;
        let (argp, rwp, rop) = (ptrs(&args), ptrs(&rw), ptrs(&ro));
        let rl: Vec<ffi::sw_shim_rlimit> = opts.rlimits.iter().map(Rlimit::raw).collect();
        let raw = ffi::sw_shim_opts {
            shim: shim.as_ptr(),
            args: argp.as_ptr(),
            argc: argp.len(),
            detached: opts.detached,
            rw_paths: rwp.as_ptr(),
            n_rw: rwp.len(),
            ro_paths: rop.as_ptr(),
            n_ro: rop.len(),
            host_root: opt_ptr(&host_root),
            rust_log: opt_ptr(&rust_log),
            rust_backtrace: opt_ptr(&rust_bt),
            rlimits: rl.as_ptr(),
            n_rlimits: rl.len(),
            landlock: opts.landlock,
            allow_userns: opts.allow_userns,
            host_uid: opts.host_ids.map_or(0, |(u, _)| u),
            host_gid: opts.host_ids.map_or(0, |(_, g)| g),
        };
        // SAFETY: every pointer in raw outlives the call; libswrap copies.
        self.ok(|r, e| unsafe { ffi::sw_spec_profile_shim(r, &raw, e) })
    }

    /// Checks the spec as a whole (no system call); [`Spec::spawn`] does
    /// it too.
    pub fn validate(&self) -> Result<()> {
        let raw = self.raw;
        // SAFETY: valid spec, only read.
        call(|e| unsafe { ffi::sw_spec_validate(raw, e) }).map(|_| ())
    }

    /// The equivalent bwrap command line (`swrap --emit-bwrap`): the first
    /// word is "bwrap". What bwrap cannot express (cgroup, limits) is left
    /// out.
    pub fn emit_bwrap(&self) -> Result<Vec<OsString>> {
        let raw = self.raw;
        let mut argv: *mut *mut c_char = ptr::null_mut();
        let mut argc = 0usize;
        // SAFETY: valid spec, only read; out-pointers are valid.
        call(|e| unsafe { ffi::sw_spec_emit_bwrap(raw, &mut argv, &mut argc, e) })?;
        let mut v = Vec::with_capacity(argc);
        for i in 0..argc {
            // SAFETY: argv holds argc NUL-terminated strings.
            let w = unsafe { CStr::from_ptr(*argv.add(i)) };
            v.push(OsString::from_vec(w.to_bytes().to_vec()));
        }
        // SAFETY: argv came from sw_spec_emit_bwrap and is freed once.
        unsafe { ffi::sw_strv_free(argv) };
        Ok(v)
    }

    /// Starts the jail; returns once the command has been exec'd (or the
    /// launch failed, leaving nothing behind). Safe from several threads at
    /// once on one spec.
    pub fn spawn(&self) -> Result<Child> {
        let raw = self.raw;
        let mut child: *mut ffi::sw_child = ptr::null_mut();
        // SAFETY: valid spec, only read (sw_spawn allows concurrent
        // readers); child is a valid out-pointer.
        call(|e| unsafe { ffi::sw_spawn(raw, &mut child, e) })?;
        Ok(Child { raw: child })
    }
}

/// How a jail ended: the command's exit status, or 128+N when it was
/// killed by signal N (as a shell's `$?` reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExitStatus(i32);

impl ExitStatus {
    /// The status: 0..=255, 128+N for signal N.
    pub fn code(self) -> i32 {
        self.0
    }

    /// Whether the command exited 0.
    pub fn success(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit status: {}", self.0)
    }
}

/// A running (or ended) jail (`sw_child`). `Send` and `Sync`: any thread
/// may use it; waiting takes `&mut self`.
///
/// Dropping it closes the handle: an attached jail still running is killed
/// and reaped first (this may block briefly); a detached one
/// ([`Spec::detach`]) keeps running, and its cgroup stays until
/// [`cgroup::kill`].
pub struct Child {
    raw: *mut ffi::sw_child,
}

// SAFETY: swrap.h: sw_child handles may be used from any thread; the calls
// that must not run concurrently (wait, stop) take &mut self.
unsafe impl Send for Child {}
unsafe impl Sync for Child {}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("pid", &self.pid())
            .field("command_pid", &self.command_pid())
            .finish()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        // SAFETY: raw came from sw_spawn and is freed once.
        unsafe { ffi::sw_child_free(self.raw) }
    }
}

impl Child {
    /// The raw `sw_child`, owned by self.
    pub fn as_raw(&self) -> *mut ffi::sw_child {
        self.raw
    }

    /// The jail's top process as the host sees it (with a PID namespace,
    /// the jail's PID 1, not the command).
    pub fn pid(&self) -> i32 {
        // SAFETY: valid handle.
        unsafe { ffi::sw_child_pid(self.raw) }
    }

    /// The command's own host pid (valid only while it lives); `None` if
    /// it could not be learned.
    pub fn command_pid(&self) -> Option<i32> {
        // SAFETY: valid handle.
        let p = unsafe { ffi::sw_child_command_pid(self.raw) };
        if p > 0 {
            Some(p)
        } else {
            None
        }
    }

    /// The pidfd of the jail's top process (readable when it ends), or
    /// `None` when the kernel has none. Owned by self.
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        // SAFETY: valid handle.
        let fd = unsafe { ffi::sw_child_pidfd(self.raw) };
        if fd < 0 {
            None
        } else {
            // SAFETY: the fd stays open as long as the handle, which the
            // returned borrow cannot outlive.
            Some(unsafe { BorrowedFd::borrow_raw(fd) })
        }
    }

    /// Waits for the jail to end. Blocks.
    pub fn wait(&mut self) -> Result<ExitStatus> {
        let raw = self.raw;
        let mut code: c_int = 0;
        // SAFETY: valid handle, exclusive (&mut).
        call(|e| unsafe { ffi::sw_child_wait(raw, &mut code, e) })?;
        Ok(ExitStatus(code))
    }

    /// Sends sig to the jail's top process (with a PID namespace, PID 1
    /// passes SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
    /// SIGWINCH on to the command). Never blocks; ESRCH once reaped.
    pub fn kill(&self, sig: i32) -> Result<()> {
        let raw = self.raw;
        // SAFETY: valid handle; sw_child_kill is safe from any thread.
        call(|e| unsafe { ffi::sw_child_kill(raw, sig, e) }).map(|_| ())
    }

    /// A graceful stop: SIGTERM, up to grace for the jail to end, then
    /// SIGKILL of the whole jail; reaps it. Blocks.
    pub fn stop(&mut self, grace: Duration) -> Result<ExitStatus> {
        let raw = self.raw;
        let ms = grace.as_millis().min(u32::MAX as u128) as u32;
        let mut code: c_int = 0;
        // SAFETY: valid handle, exclusive (&mut).
        call(|e| unsafe { ffi::sw_child_stop(raw, ms, &mut code, e) })?;
        Ok(ExitStatus(code))
    }

    /// After [`Child::wait`]: was the jail killed by its cgroup's memory
    /// limit?
    pub fn oom_killed(&self) -> bool {
        // SAFETY: valid handle.
        unsafe { ffi::sw_child_oom_killed(self.raw) }
    }

    /// A warning from the launch (e.g. an optional cgroup that could not
    /// be made), or `None`.
    pub fn warning(&self) -> Option<Cow<'_, str>> {
        // SAFETY: valid handle; the string is owned by it.
        let w = unsafe { ffi::sw_child_warning(self.raw) };
        if w.is_null() {
            None
        } else {
            // SAFETY: non-NULL, NUL-terminated, lives as long as self.
            Some(unsafe { CStr::from_ptr(w) }.to_string_lossy())
        }
    }
}

#[cfg(test)]
mod tests;
