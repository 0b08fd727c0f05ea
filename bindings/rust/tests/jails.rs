//! Live jails, as root and as uid 4242: spawn, wait, kill, stop, the
//! pidfd and command pid, Drop, cgroups, the doctor; and the reference's
//! two sandbox tests against a live jail, whose probe reports its
//! environment and whether it dies with its launcher.
mod common;

use std::io::Read;
use std::os::unix::io::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{alive, env_vars, gone_within, rerun_as, run_launcher, Stage};
use shrinkwrap::sandbox::{ResourceLimits, SandboxContext, SwrapSandbox};
use shrinkwrap::{cgroup, doctor, Child, Namespaces, Spec, Verdict};

/// A minimal jail around a staged jt: user + PID namespaces, the stage
/// bound read-only at /h.
fn jt_spec(st: &Stage, args: &[&str]) -> Spec {
    let mut s = Spec::new().unwrap();
    s.unshare(Namespaces::USER | Namespaces::PID | Namespaces::IPC)
        .ro_bind(&st.dir, "/h")
        .unwrap()
        .proc("/proc")
        .unwrap()
        .argv(std::iter::once("/h/jt").chain(args.iter().copied()))
        .unwrap();
    s
}

/// Output of a jt jail through a pipe mapped to its fd 1.
fn run_jt(st: &Stage, args: &[&str]) -> (String, i32) {
    let (mut r, w) = pipe();
    let mut s = jt_spec(st, args);
    s.fd_map(w.as_raw_fd(), 1).unwrap();
    let mut c = s.spawn().expect("spawn");
    drop(w);
    let mut out = String::new();
    r.read_to_string(&mut out).unwrap();
    (out, c.wait().unwrap().code())
}

fn pipe() -> (std::fs::File, std::fs::File) {
    extern "C" {
        fn pipe2(fds: *mut i32, flags: i32) -> i32;
    }
    use std::os::unix::io::FromRawFd;
    let mut fds = [0i32; 2];
    // SAFETY: fds has room for two; O_CLOEXEC.
    assert_eq!(unsafe { pipe2(fds.as_mut_ptr(), 0o2000000) }, 0);
    // SAFETY: fresh fds, owned from here.
    unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) }
}

fn spawn_and_wait_body() {
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let (out, code) = run_jt(&st, &["ids", "+", "pid", "+", "exit", "3"]);
    assert_eq!(code, 3, "{}", out);
    // uid and gid map to the caller's own
    let u = common::uid();
    assert!(out.contains(&format!("ids: {} {} {} {}", u, u, u, u)), "{}", out);
    assert!(out.contains("pid: 2 1"), "{}", out);
}

#[test]
fn spawn_and_wait_as_root() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    spawn_and_wait_body();
}

#[test]
fn spawn_and_wait_as_uid_4242() {
    if rerun_as(4242, "spawn_and_wait_as_uid_4242") {
        return;
    }
    spawn_and_wait_body();
}

fn kill_stop_pidfd_body() {
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let mut c = jt_spec(&st, &["sleep", "60"]).spawn().unwrap();
    assert!(c.pid() > 0);
    let cmd = c.command_pid().expect("command pid");
    assert_ne!(cmd, c.pid(), "with a PID namespace the command is PID 1's child");
    assert!(alive(cmd));
    let fd = c.pidfd().expect("pidfd");
    assert!(fd.as_raw_fd() >= 0);
    c.kill(15).unwrap(); // PID 1 passes SIGTERM on
    assert_eq!(c.wait().unwrap().code(), 128 + 15);
    assert!(!alive(cmd));
    let e = c.kill(15).unwrap_err();
    assert_eq!(e.errno(), 3, "{}", e); // ESRCH once reaped

    let mut c = jt_spec(&st, &["sleep", "60"]).spawn().unwrap();
    let t = Instant::now();
    let code = c.stop(Duration::from_millis(200)).unwrap();
    assert!(code.code() == 143 || code.code() == 137, "{}", code);
    assert!(t.elapsed() < Duration::from_secs(10));
    assert!(!c.oom_killed());
}

#[test]
fn kill_stop_pidfd_as_root() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    kill_stop_pidfd_body();
}

#[test]
fn kill_stop_pidfd_as_uid_4242() {
    if rerun_as(4242, "kill_stop_pidfd_as_uid_4242") {
        return;
    }
    kill_stop_pidfd_body();
}

fn drop_kills_attached_body() {
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let c: Child = jt_spec(&st, &["sleep", "60"]).spawn().unwrap();
    let (top, cmd) = (c.pid(), c.command_pid().unwrap());
    drop(c);
    assert!(!alive(top) && !alive(cmd), "an attached jail dies with its Child");
}

#[test]
fn drop_kills_an_attached_jail_as_root() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    drop_kills_attached_body();
}

#[test]
fn drop_kills_an_attached_jail_as_uid_4242() {
    if rerun_as(4242, "drop_kills_an_attached_jail_as_uid_4242") {
        return;
    }
    drop_kills_attached_body();
}

#[test]
fn a_detached_jail_outlives_its_child_until_cgroup_kill() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let id = format!("rs-detached-{}", std::process::id());
    let mut s = jt_spec(&st, &["sleep", "60"]);
    s.detach(true).cgroup(&id, Some("shrinkwrap-rs"), false).unwrap();
    let c = s.spawn().unwrap();
    assert!(c.warning().is_none(), "{:?}", c.warning());
    let cmd = c.command_pid().unwrap();
    drop(c);
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(cmd), "a detached jail outlives its Child");
    let stats = cgroup::stats(&id, Some("shrinkwrap-rs")).unwrap();
    assert!(stats.cpu.is_some());
    cgroup::freeze(&id, Some("shrinkwrap-rs")).unwrap();
    cgroup::thaw(&id, Some("shrinkwrap-rs")).unwrap();
    cgroup::kill(&id, Some("shrinkwrap-rs")).unwrap();
    assert!(gone_within(cmd, Duration::from_secs(5)), "cgroup::kill ends it");
    let e = cgroup::stats(&id, Some("shrinkwrap-rs")).unwrap_err();
    assert!(e.errno() == 2, "the cgroup is gone: {}", e);
}

#[test]
fn cgroup_limits_and_stop() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let id = format!("rs-limits-{}", std::process::id());
    let mut s = jt_spec(&st, &["sleep", "60"]);
    s.cgroup(&id, Some("shrinkwrap-rs"), false)
        .unwrap()
        .limit(shrinkwrap::Limit::MemoryMax, 64 << 20)
        .unwrap()
        .limit(shrinkwrap::Limit::PidsMax, 16)
        .unwrap();
    let mut c = s.spawn().unwrap();
    let stats = cgroup::stats(&id, Some("shrinkwrap-rs")).unwrap();
    assert!(stats.memory_current.is_some(), "{:?}", stats);
    assert!(stats.pids_current.unwrap_or(0) >= 2, "{:?}", stats);
    let killed = cgroup::stop(&id, Some("shrinkwrap-rs"), Duration::from_secs(5)).unwrap();
    assert!(!killed, "SIGTERM was enough");
    assert_eq!(c.wait().unwrap().code(), 143);
}

#[test]
fn doctor_reports_structured_checks() {
    let r = doctor().unwrap();
    assert!(!r.checks.is_empty());
    for c in &r.checks {
        assert!(!c.name.is_empty() && !c.detail.is_empty(), "{:?}", c);
        if c.verdict != Verdict::Pass {
            assert!(!c.fix.is_empty(), "a non-PASS check says what to do: {:?}", c);
        }
    }
    assert!(r.check("userns.max").is_some(), "{:?}", r);
    if common::uid() == 0 {
        assert!(r.jail_ok, "{:#?}", r);
        assert!(SwrapSandbox::new("/x", None::<&str>).is_available());
    }
}

// ---- the reference's sandbox tests, against live jails -------------------

/// The launcher role of run_launcher: not a test of its own (it returns at
/// once unless SHRINKWRAP_LAUNCHER is set).
#[test]
fn launcher_role() {
    let mode = match std::env::var("SHRINKWRAP_LAUNCHER") {
        Ok(m) => m,
        Err(_) => return,
    };
    let dir = std::env::var_os("SHRINKWRAP_TEST_HELPERS").unwrap();
    let sb = SwrapSandbox::new(Path::new(&dir).join("jt"), ["env", "+", "sleep", "60"]);
    let ctx = SandboxContext {
        id: std::env::var("SHRINKWRAP_LAUNCHER_ID").unwrap(),
        detached: mode == "detached",
        network_enabled: true,
        ..SandboxContext::default()
    };
    let c = sb.spawn(&ctx).expect("spawn the shim");
    println!("probe-pid {}", c.command_pid().unwrap());
    std::thread::sleep(Duration::from_secs(60)); // killed before this ends
    drop(c);
}

fn live_shim_body(uid: Option<u32>) {
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let id = format!("rs-shim-{}", std::process::id());
    // Foreground: the reference's LD_LIBRARY_PATH, seen from inside, and
    // --die-with-parent, seen as the probe dying with its launcher.
    let l = run_launcher(&st, "launcher_role", false, uid, &format!("{}-fg", id));
    let vars = env_vars(&l.env);
    let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("LD_LIBRARY_PATH").as_deref(), Some(st.dir.to_str().unwrap()), "{}", l.env);
    assert_eq!(get("RUST_LOG").as_deref(), Some("shim=debug"), "{}", l.env);
    assert_eq!(get("RUST_BACKTRACE"), None, "{}", l.env);
    assert_eq!(get("HOME").as_deref(), Some("/root"), "{}", l.env);
    assert!(gone_within(l.pid, Duration::from_secs(5)), "a foreground box dies with its launcher");
    // Its cgroup was its dead launcher's to remove.
    if uid.is_none() {
        let _ = cgroup::kill(&format!("{}-fg", id), Some(SwrapSandbox::CGROUP_PARENT));
    }

    // Detached: it outlives its launcher (as root: then cgroup::kill).
    if uid.is_none() {
        let id = format!("{}-bg", id);
        let l = run_launcher(&st, "launcher_role", true, uid, &id);
        std::thread::sleep(Duration::from_millis(500));
        assert!(alive(l.pid), "a detached box outlives its launcher");
        cgroup::kill(&id, Some(SwrapSandbox::CGROUP_PARENT)).unwrap();
        assert!(gone_within(l.pid, Duration::from_secs(5)));
    }
}

/// apply_sets_ld_library_path_to_shim_dir and
/// apply_sets_die_with_parent_only_for_foreground, live, as root.
#[test]
fn live_shim_env_and_die_with_parent_as_root() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    live_shim_body(None);
}

/// The same as uid 4242 (foreground only: no delegated cgroup to find a
/// detached box by).
#[test]
fn live_shim_env_and_die_with_parent_as_uid_4242() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    live_shim_body(Some(4242));
}

#[test]
fn sandbox_limits_reach_the_cgroup() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let sb = SwrapSandbox::new(st.path("jt"), ["sleep", "60"]);
    let ctx = SandboxContext {
        id: format!("rs-sb-{}", std::process::id()),
        limits: ResourceLimits { memory_bytes: Some(128 << 20), pids: Some(32), cpu_millicores: Some(500) },
        network_enabled: false,
        ..SandboxContext::default()
    };
    sb.setup(&ctx).unwrap();
    let mut c = sb.spawn(&ctx).unwrap();
    assert!(c.warning().is_none(), "{:?}", c.warning());
    let stats = cgroup::stats(&ctx.id, Some(SwrapSandbox::CGROUP_PARENT)).unwrap();
    assert!(stats.memory_current.is_some(), "{:?}", stats);
    let code = c.stop(Duration::from_secs(2)).unwrap();
    assert_eq!(code.code(), 143);
}

/// Issue 20: a root launcher's box as an unprivileged host uid/gid. Its
/// command's kernel ids, read from here, are those ids: uid 0 inside is
/// not the host's root.
#[test]
fn sandbox_host_ids_are_the_kernel_ids() {
    if common::uid() != 0 {
        return eprintln!("skipped: not root");
    }
    let st = match Stage::new() {
        Some(s) => s,
        None => return,
    };
    let sb = SwrapSandbox::new(st.path("jt"), ["sleep", "60"]);
    let ctx = SandboxContext {
        id: format!("rs-ids-{}", std::process::id()),
        network_enabled: true,
        host_ids: Some((4243, 4244)),
        ..SandboxContext::default()
    };
    let mut c = sb.spawn(&ctx).unwrap();
    let pid = c.command_pid().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid)).unwrap();
    let stop = c.stop(Duration::from_secs(2)).unwrap();
    assert!(status.contains("\nUid:\t4243\t4243\t4243\t4243\n"), "{}", status);
    assert!(status.contains("\nGid:\t4244\t4244\t4244\t4244\n"), "{}", status);
    assert_eq!(stop.code(), 143);
}
