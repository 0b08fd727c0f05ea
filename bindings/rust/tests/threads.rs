//! 200 jails from 8 threads at once, with no failure and no leaked fd: a
//! test file of its own, so no other test opens fds meanwhile.
mod common;

use std::os::unix::io::AsRawFd;
use std::sync::Arc;
use std::thread;

use common::{fds, Stage};
use shrinkwrap::{Namespaces, Spec};

const THREADS: usize = 8;
const JAILS: usize = 200;

fn spec(st: &Stage, code: usize, null: &std::fs::File) -> Spec {
    let code = code.to_string();
    let mut s = Spec::new().unwrap();
    s.unshare(Namespaces::USER | Namespaces::PID | Namespaces::IPC | Namespaces::UTS)
        .new_session(true)
        .die_with_parent(true)
        .ro_bind(&st.dir, "/h")
        .unwrap()
        .tmpfs("/tmp", None, None)
        .unwrap()
        .argv(["/h/jt", "exit", code.as_str()])
        .unwrap()
        .fd_map(null.as_raw_fd(), 1)
        .unwrap();
    s
}

fn body() {
    let null = Arc::new(std::fs::OpenOptions::new().write(true).open("/dev/null").unwrap());
    let st = match Stage::new() {
        Some(s) => Arc::new(s),
        None => return,
    };
    // One spec shared by every thread (Spec: Sync), and specs built on
    // one thread and moved to another (Spec: Send).
    let shared = Arc::new(spec(&st, 0, &null));
    let before = fds();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let shared = Arc::clone(&shared);
            let own = spec(&st, t + 1, &null);
            thread::spawn(move || {
                let mut n = 0;
                for i in 0..JAILS / THREADS {
                    let (s, want) = if i % 2 == 0 { (&*shared, 0) } else { (&own, t + 1) };
                    let mut c = s.spawn().unwrap_or_else(|e| panic!("thread {} jail {}: {}", t, i, e));
                    assert_eq!(c.wait().unwrap().code(), want as i32);
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().expect("thread")).sum();
    assert_eq!(total, JAILS);
    let after = fds();
    assert_eq!(before, after, "fds leaked");
}

/// As root, then again as uid 4242 (one test, so the fd counts of the
/// first are not disturbed by the second's launch).
#[test]
fn two_hundred_jails_from_eight_threads() {
    if std::env::var_os("SHRINKWRAP_TEST_AS").is_none() {
        body();
        if common::uid() != 0 {
            return;
        }
    }
    if common::rerun_as(4242, "two_hundred_jails_from_eight_threads") {
        return;
    }
    body();
}
