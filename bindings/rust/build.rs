//! Links libswrap, and builds the ABI probe `tests/abi.rs` runs.
//!
//! - `SWRAP_BUILD_DIR` set (the project's `make check`): link
//!   `$SWRAP_BUILD_DIR/libswrap.a` statically, with libcap and libseccomp
//!   (libmount is dlopen'ed by libswrap), and take `swrap.h` from
//!   `SWRAP_INCLUDE_DIR` (default: `include/` two levels above this crate).
//! - Otherwise: `pkg-config swrap` (an installed libswrap; `PKG_CONFIG_PATH`
//!   as usual; `PKG_CONFIG` names the program, with options if need be:
//!   "pkg-config --define-prefix" for a DESTDIR tree), linked dynamically.
//!
//! The ABI probe (`abi/abi.c`, compiled with `$CC` or `cc`) prints the
//! header's sizes, offsets and constants; its path reaches the tests as
//! `SWRAP_ABI_PROBE` (empty when it could not be built).
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pkg_config(args: &[&str]) -> Option<String> {
    // PKG_CONFIG may carry options: "pkg-config --define-prefix" for a
    // DESTDIR install.
    let pc = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".into());
    let mut words = pc.split_whitespace();
    let out = Command::new(words.next().unwrap_or("pkg-config"))
        .args(words)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

/// Emits link directives for the words of `pkg-config --libs`.
fn link_words(libs: &str, kind: &str) {
    for w in libs.split_whitespace() {
        if let Some(dir) = w.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = w.strip_prefix("-l") {
            if lib == "swrap" && !kind.is_empty() {
                println!("cargo:rustc-link-lib={}={}", kind, lib);
            } else {
                println!("cargo:rustc-link-lib={}", lib);
            }
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=abi/abi.c");
    println!("cargo:rerun-if-env-changed=SWRAP_BUILD_DIR");
    println!("cargo:rerun-if-env-changed=SWRAP_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());

    let mut cflags: Vec<String> = Vec::new();
    let build_dir = env::var_os("SWRAP_BUILD_DIR").filter(|d| !d.is_empty());
    if let Some(dir) = build_dir {
        let dir = manifest.join(PathBuf::from(dir));
        let lib = dir.join("libswrap.a");
        if !lib.exists() {
            panic!(
                "SWRAP_BUILD_DIR: no {} (run make first)",
                lib.display()
            );
        }
        println!("cargo:rerun-if-changed={}", lib.display());
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static=swrap");
        let libs = pkg_config(&["--libs", "libcap", "libseccomp"])
            .unwrap_or_else(|| "-lcap -lseccomp".into());
        link_words(&libs, "");
        // dlopen: in libc since glibc 2.34, in libdl before.
        println!("cargo:rustc-link-lib=dl");
        let inc = env::var_os("SWRAP_INCLUDE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| manifest.join("../../include"));
        println!("cargo:rerun-if-changed={}", inc.join("swrap.h").display());
        cflags.push(format!("-I{}", inc.display()));
        println!("cargo:rustc-env=SWRAP_LINKED_BUILD_DIR={}", dir.display());
    } else {
        match pkg_config(&["--libs", "swrap"]) {
            Some(libs) => link_words(&libs, ""),
            None => panic!(
                "libswrap not found: install it (pkg-config swrap) or set \
                 SWRAP_BUILD_DIR to a shrinkwrap build directory"
            ),
        }
        if let Some(f) = pkg_config(&["--cflags", "swrap"]) {
            cflags.extend(f.split_whitespace().map(String::from));
        }
        println!("cargo:rustc-env=SWRAP_LINKED_BUILD_DIR=");
    }

    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("swrap-abi");
    let probe = if build_probe(&manifest.join("abi/abi.c"), &out, &cflags) {
        out.display().to_string()
    } else {
        println!("cargo:warning=could not build the ABI probe: tests/abi.rs will fail");
        String::new()
    };
    println!("cargo:rustc-env=SWRAP_ABI_PROBE={}", probe);
}

fn build_probe(src: &Path, out: &Path, cflags: &[String]) -> bool {
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    Command::new(cc)
        .args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(out)
        .arg(src)
        .args(cflags)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
