//! What the live-jail tests share: the static helper programs (jt,
//! envprobe), staged in a fresh root-owned 0755 directory under /tmp so
//! that uid 4242 (and a jail's view of the shim directory) can reach them
//! wherever the checkout is; running a test again as another uid; looking
//! at processes and fds.
#![allow(dead_code)]

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

extern "C" {
    fn getuid() -> u32;
    fn setgroups(n: usize, list: *const u32) -> i32;
    fn setresgid(r: u32, e: u32, s: u32) -> i32;
    fn setresuid(r: u32, e: u32, s: u32) -> i32;
    fn kill(pid: i32, sig: i32) -> i32;
}

/// The uid the tests run as.
pub fn uid() -> u32 {
    // SAFETY: getuid cannot fail.
    unsafe { getuid() }
}

/// kill(2).
pub fn signal(pid: i32, sig: i32) -> bool {
    // SAFETY: plain system call.
    unsafe { kill(pid, sig) == 0 }
}

/// Where the built helpers are: SHRINKWRAP_TEST_HELPERS, or the
/// build tree the crate was linked from. None: not available (an
/// installed libswrap and no helpers): the live tests skip.
fn helpers_dir() -> Option<PathBuf> {
    if let Some(d) = env::var_os("SHRINKWRAP_TEST_HELPERS") {
        return Some(PathBuf::from(d));
    }
    let b = env!("SWRAP_LINKED_BUILD_DIR");
    if b.is_empty() {
        None
    } else {
        Some(Path::new(b).join("tests/helpers"))
    }
}

/// A fresh root-owned 0755 directory under /tmp holding the helpers;
/// removed on drop.
pub struct Stage {
    pub dir: PathBuf,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl Stage {
    /// None (after saying so) when the helpers are not available.
    pub fn new() -> Option<Stage> {
        let src = match helpers_dir() {
            Some(d) => d,
            None => {
                eprintln!("skipped: no helpers (set SHRINKWRAP_TEST_HELPERS)");
                return None;
            }
        };
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = PathBuf::from(format!(
            "/tmp/swrs.{}.{}.{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst),
            t
        ));
        fs::DirBuilder::new().mode(0o755).create(&dir).expect("stage dir");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let st = Stage { dir };
        for h in ["jt", "envprobe"] {
            let from = src.join(h);
            assert!(
                from.exists(),
                "{} missing: run `make SW_INNER=1 build/tests/helpers/{}`",
                from.display(),
                h
            );
            st.copy(&from, h);
        }
        Some(st)
    }

    /// Copies from to the stage as name, 0755.
    pub fn copy(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.dir.join(name);
        fs::copy(from, &to).expect("stage copy");
        fs::set_permissions(&to, fs::Permissions::from_mode(0o755)).unwrap();
        to
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `Command` that becomes uid:uid (no groups) before exec.
pub fn as_uid(cmd: &mut Command, uid: u32) {
    // SAFETY: between fork and exec, only async-signal-safe system calls.
    unsafe {
        cmd.pre_exec(move || {
            if setgroups(0, std::ptr::null()) != 0
                || setresgid(uid, uid, uid) != 0
                || setresuid(uid, uid, uid) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Runs the calling test again as uid, from a staged copy of this test
/// executable, and checks that it passed. Returns true when the caller
/// must return at once (the run as uid is done, or it cannot be done);
/// false in the run as uid, which goes on with the test's body.
pub fn rerun_as(uid_: u32, test: &str) -> bool {
    if let Some(u) = env::var_os("SHRINKWRAP_TEST_AS") {
        assert_eq!(u.to_str().unwrap().parse::<u32>().unwrap(), uid());
        return false;
    }
    if uid() != 0 {
        eprintln!("skipped: {} needs root to drop to uid {}", test, uid_);
        return true;
    }
    let st = match Stage::new() {
        Some(s) => s,
        None => return true,
    };
    let exe = st.copy(&env::current_exe().unwrap(), "tests");
    let mut cmd = Command::new(&exe);
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("SHRINKWRAP_TEST_AS", uid_.to_string())
        .env("SHRINKWRAP_TEST_HELPERS", &st.dir)
        .env("HOME", "/")
        .current_dir("/");
    as_uid(&mut cmd, uid_);
    let out = retry_busy(|| cmd.output()).expect("run the test as another uid");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{} as uid {}:\n{}", test, uid_, text);
    assert!(text.contains("1 passed"), "{} as uid {} ran nothing:\n{}", test, uid_, text);
    true
}

/// f, again while it fails with ETXTBSY: a file just staged may still be
/// open for writing in a child another thread forked meanwhile (a jail
/// being set up), until that child execs.
pub fn retry_busy<T, F>(mut f: F) -> std::io::Result<T>
where
    F: FnMut() -> std::io::Result<T>,
{
    let mut tries = 0;
    loop {
        match f() {
            Err(e) if e.raw_os_error() == Some(26) && tries < 200 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(25));
            }
            r => return r,
        }
    }
}

/// Whether pid names a live (not zombie) process.
pub fn alive(pid: i32) -> bool {
    match fs::read_to_string(format!("/proc/{}/stat", pid)) {
        Ok(s) => {
            let state = s.rsplit(") ").next().and_then(|r| r.chars().next());
            !matches!(state, Some('Z') | Some('X') | None)
        }
        Err(_) => false,
    }
}

/// Waits up to t for pid to be gone.
pub fn gone_within(pid: i32, t: Duration) -> bool {
    let end = Instant::now() + t;
    while Instant::now() < end {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    !alive(pid)
}

/// This process's open fds.
pub fn fds() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            let target = fs::read_link(e.path())
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            format!("{} -> {}", e.file_name().to_string_lossy(), target)
        })
        .collect();
    v.sort();
    v
}

/// What a launcher process (this test executable, in its `launcher` role)
/// saw: the probe's environment line and the command's host pid.
pub struct Launched {
    pub env: String,
    pub pid: i32,
}

/// Runs this test executable's test `role` as a launcher (as uid, when
/// given), in SHRINKWRAP_LAUNCHER mode with detached or not: it spawns the
/// probe (jt env + sleep 60) through SwrapSandbox, prints its pid and
/// waits. Once the probe has reported, the launcher is killed (SIGKILL: no
/// cleanup). Returns what was reported.
pub fn run_launcher(st: &Stage, role: &str, detached: bool, uid_: Option<u32>, id: &str) -> Launched {
    let exe = st.copy(&env::current_exe().unwrap(), "launcher");
    let mut cmd = Command::new(&exe);
    cmd.args([role, "--exact", "--nocapture", "--test-threads=1"])
        .env("SHRINKWRAP_LAUNCHER", if detached { "detached" } else { "foreground" })
        .env("SHRINKWRAP_LAUNCHER_ID", id)
        .env("SHRINKWRAP_TEST_HELPERS", &st.dir)
        .env("RUST_LOG", "shim=debug")
        .env_remove("RUST_BACKTRACE")
        .current_dir("/")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(u) = uid_ {
        cmd.env("SHRINKWRAP_TEST_AS", u.to_string()).env("HOME", "/");
        as_uid(&mut cmd, u);
    }
    let mut child = retry_busy(|| cmd.spawn()).expect("launcher");
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let (mut env_line, mut pid) = (String::new(), 0);
    let mut line = String::new();
    while env_line.is_empty() || pid == 0 {
        line.clear();
        if r.read_line(&mut line).unwrap() == 0 {
            break;
        }
        // libtest's "test NAME ... " may precede either on its line
        if let Some(i) = line.find("probe-pid ") {
            pid = line[i + 10..].trim().parse().unwrap();
        } else if let Some(i) = line.find("env: ") {
            env_line = line[i..].trim_end().to_string();
        }
    }
    // The launcher dies abruptly, as a crashing launcher would.
    signal(child.id() as i32, 9);
    let status = child.wait().unwrap();
    assert!(pid > 0 && !env_line.is_empty(), "launcher said: pid {} env {:?}", pid, env_line);
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{:?}", status);
    Launched { env: env_line, pid }
}

/// The variables of a jt "env: A=1|B=2" line.
pub fn env_vars(line: &str) -> Vec<(String, String)> {
    line.trim_start_matches("env: ")
        .split('|')
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}
