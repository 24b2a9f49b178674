//! Build settings that come from the Makefile's port and knobs.
//!
//! - Gives the shared library the original's soname, so programs linked
//!   against `libc-client.so.2007e` load ours unchanged.
//! - Turns the port's paths (`CCLIENT_*` variables set by the Makefile) into
//!   compile-time constants read by `src/env/config.rs`; a plain `cargo build`
//!   gets the defaults of the `ldb` port (Debian's build).
//! - Exposes the `restrict-box` feature as the shorter cfg `restrict_box`.
//! - Passes `EXTRALDFLAGS` to the link of the shared library.
//! - Compiles the password back end object of the `passwd-*` feature
//!   (`ports/passwd/ckp_<type>.rs`, `pam` when none is set; the strictest
//!   wins) and bundles it into the library; the Makefile relinks the
//!   library with another one for the other `PASSWDTYPE`s
//!   (tools/passwd-variant.sh).

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// Port paths and their defaults (those of the `ldb` port).
const SETTINGS: &[(&str, &str)] = &[
    ("CCLIENT_PORT", "ldb"),
    ("CCLIENT_SPOOLDIR", "/var/spool"),
    ("CCLIENT_MAILSPOOL", "/var/mail"),
    ("CCLIENT_NEWSSPOOL", "/var/spool/news"),
    ("CCLIENT_ACTIVEFILE", "/var/lib/news/active"),
    ("CCLIENT_RSHPATH", "/usr/bin/rsh"),
    ("CCLIENT_MD5PWD", "/etc/cram-md5.pwd"),
    ("CCLIENT_LOCKPGM", ""),
    ("CCLIENT_SSLCERTS", "/etc/ssl/certs"),
    ("CCLIENT_SSLKEYS", "/etc/ssl/private"),
    ("CCLIENT_CRXTYPE", "nfs"),
];

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libc-client.so.2007e");
    println!("cargo:rerun-if-changed=build.rs");

    for (name, default) in SETTINGS {
        println!("cargo:rerun-if-env-changed={name}");
        let value = env::var(name).unwrap_or_else(|_| (*default).to_string());
        println!("cargo:rustc-env={name}={value}");
    }

    println!("cargo:rustc-check-cfg=cfg(restrict_box)");
    if env::var_os("CARGO_FEATURE_RESTRICT_BOX").is_some() {
        println!("cargo:rustc-cfg=restrict_box");
    }

    println!("cargo:rerun-if-env-changed=CCLIENT_EXTRALDFLAGS");
    if let Ok(flags) = env::var("CCLIENT_EXTRALDFLAGS") {
        for flag in flags.split_whitespace() {
            println!("cargo:rustc-cdylib-link-arg={flag}");
        }
    }

    passwd_backend();
}

/// Builds `libcclient_ckp.a` (the back end object) in OUT_DIR and links
/// it into the crate.
fn passwd_backend() {
    let has = |f: &str| env::var_os(format!("CARGO_FEATURE_PASSWD_{f}")).is_some();
    let kind = if has("NUL") {
        "nul"
    } else if has("PAM") {
        "pam"
    } else if has("PMB") {
        "pmb"
    } else if has("STD") {
        "std"
    } else {
        "pam"
    };
    let src = format!("ports/passwd/ckp_{kind}.rs");
    println!("cargo:rerun-if-changed={src}");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let obj = out.join("ckp.o");
    let lib = out.join("libcclient_ckp.a");
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    // Run in OUT_DIR: rustc leaves an intermediate file in its current
    // directory.
    let status = Command::new(rustc)
        .current_dir(&out)
        .args(["--edition", "2021", "--crate-type=lib", "-C", "opt-level=2"])
        .args(["-C", "relocation-model=pic", "--crate-name", "ckp"])
        .args(["--target", &env::var("TARGET").expect("TARGET")])
        .arg(format!("--emit=obj={}", obj.display()))
        .arg(manifest.join(&src))
        .status()
        .expect("run rustc for the password back end object");
    assert!(status.success(), "compiling {src} failed");
    let _ = std::fs::remove_file(&lib);
    let ar = env::var("AR").unwrap_or_else(|_| "ar".into());
    let status = Command::new(ar)
        .arg("crs")
        .arg(&lib)
        .arg(&obj)
        .status()
        .expect("run ar for the password back end object");
    assert!(status.success(), "archiving {} failed", obj.display());
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=cclient_ckp");
}
