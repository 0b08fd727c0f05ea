//! Unit tests: building specs, errors, what the types promise. No jail is
//! started here (tests/ does that).
use super::*;

fn words(spec: &Spec) -> Vec<String> {
    spec.emit_bwrap()
        .unwrap()
        .into_iter()
        .map(|w| w.into_string().unwrap())
        .collect()
}

#[test]
fn builders_chain_and_emit_in_order() {
    let mut s = Spec::new().unwrap();
    s.unshare(Namespaces::USER | Namespaces::PID)
        .ro_bind("/usr", "/usr")
        .unwrap()
        .tmpfs("/tmp", Some(0o700), None)
        .unwrap()
        .setenv("A", "1")
        .unwrap()
        .argv(["/usr/bin/true", "x"])
        .unwrap();
    let w = words(&s);
    assert_eq!(w[0], "bwrap");
    let usr = w.iter().position(|x| x == "--ro-bind").unwrap();
    let tmp = w.iter().position(|x| x == "--tmpfs").unwrap();
    assert!(usr < tmp, "{:?}", w);
    assert!(w.ends_with(&["--".to_string(), "/usr/bin/true".into(), "x".into()]), "{:?}", w);
    s.validate().unwrap();
}

#[test]
fn errors_carry_errno_and_message() {
    let mut s = Spec::new().unwrap();
    let e = s.cgroup("..", None, false).unwrap_err();
    assert_eq!(e.errno(), 22);
    assert!(!e.message().is_empty());
    assert_eq!(e.to_string(), e.message());
    let dynerr: Box<dyn std::error::Error + Send + Sync> = Box::new(e.clone());
    assert_eq!(dynerr.to_string(), e.message());
    let io: std::io::Error = e.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);

    let e = s.setenv("A\0B", "x").unwrap_err();
    assert_eq!(e.errno(), 22);
    assert!(e.message().contains("NUL"), "{}", e);
    let e = s.tmpfs("/t", Some(0o10000), None).unwrap_err();
    assert_eq!(e.errno(), 22);
    let e = s.bind("relative", "/x").map(|_| ()).and_then(|_| s.validate());
    assert!(e.is_err());
}

#[test]
fn spawn_without_a_command_fails_cleanly() {
    let s = Spec::new().unwrap();
    let e = s.spawn().unwrap_err();
    assert_eq!(e.errno(), 22, "{}", e);
}

#[test]
fn shim_profile_mirrors_the_options() {
    let mut o = ShimOptions::new("/opt/shim/bin/shim");
    o.args = vec!["a".into(), "b c".into()];
    o.rw_paths = vec!["/srv/data:/data".into()];
    o.ro_paths = vec!["/etc/ssl".into()];
    o.rust_log = Some("debug".into());
    o.rlimits = vec![Rlimit { resource: 7, soft: Some(1024), hard: None }];
    let mut s = Spec::new().unwrap();
    s.shim_profile(&o).unwrap();
    let w = words(&s);
    let pair = |a: &str, b: &str, c: &str| {
        w.windows(3).any(|x| x[0] == a && x[1] == b && x[2] == c)
    };
    assert!(pair("--bind", "/srv/data", "/data"), "{:?}", w);
    assert!(pair("--setenv", "RUST_LOG", "debug"), "{:?}", w);
    assert!(pair("--setenv", "LD_LIBRARY_PATH", "/opt/shim/bin"), "{:?}", w);
    assert!(!w.iter().any(|x| x == "RUST_BACKTRACE"), "{:?}", w);
    assert!(w.ends_with(&["/opt/shim/bin/shim".into(), "a".into(), "b c".into()]), "{:?}", w);

    let e = Spec::new().unwrap().shim_profile(&ShimOptions::new("shim")).map(|_| ()).unwrap_err();
    assert!(e.message().contains("not absolute"), "{}", e);
}

/// Issue 20: the profile forbids user namespaces inside unless asked, and
/// takes the host ids; Spec::host_ids checks them.
#[test]
fn shim_profile_userns_and_host_ids() {
    let mut o = ShimOptions::new("/opt/shim/bin/shim");
    let mut s = Spec::new().unwrap();
    s.shim_profile(&o).unwrap();
    assert!(words(&s).iter().any(|x| x == "--disable-userns"));
    o.allow_userns = true;
    o.host_ids = Some((4243, 4244));
    let mut s = Spec::new().unwrap();
    s.shim_profile(&o).unwrap();
    assert!(!words(&s).iter().any(|x| x == "--disable-userns"));
    s.validate().unwrap();
    o.host_ids = Some((4243, 0));
    let e = Spec::new().unwrap().shim_profile(&o).map(|_| ()).unwrap_err();
    assert!(e.message().contains("--host-uid 4243 needs --host-gid"), "{}", e);
    let mut s = Spec::new().unwrap();
    let e = s.host_ids(0, 5).map(|_| ()).unwrap_err();
    assert_eq!(e.errno(), 22);
    assert!(e.message().contains("--host-uid 0"), "{}", e);
    s.unshare(Namespaces::USER).host_ids(5, 6).unwrap().argv(["/bin/true"]).unwrap();
    s.validate().unwrap();
    let e = Spec::new().unwrap().host_ids(5, 6).unwrap().argv(["/bin/true"]).unwrap().validate().unwrap_err();
    assert!(e.message().contains("needs a new user namespace"), "{}", e);
}

#[test]
fn namespaces_combine() {
    let n = Namespaces::USER | Namespaces::NET;
    assert!(n.contains(Namespaces::USER));
    assert!(!n.contains(Namespaces::PID));
    assert_eq!(n.bits(), ffi::SW_NS_USER | ffi::SW_NS_NET);
    let mut m = Namespaces::NONE;
    m |= Namespaces::ALL;
    assert!(m.contains(Namespaces::PID | Namespaces::NET));
}

#[test]
fn send_and_sync() {
    fn is<T: Send + Sync>() {}
    is::<Spec>();
    is::<Child>();
    is::<Error>();
    is::<Report>();
}

#[test]
fn exit_status() {
    assert!(ExitStatus(0).success());
    assert!(!ExitStatus(137).success());
    assert_eq!(ExitStatus(3).code(), 3);
    assert_eq!(ExitStatus(3).to_string(), "exit status: 3");
}
