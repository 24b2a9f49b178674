//! Build settings that come from the Makefile's port and knobs.
//!
//! - Gives the shared library the original's soname, so programs linked
//!   against `libc-client.so.2007e` load ours unchanged.
//! - Turns the port's paths (`CCLIENT_*` variables set by the Makefile) into
//!   compile-time constants read by `src/env/config.rs`; a plain `cargo build`
//!   gets the defaults of the `ldb` port (Debian's build).
//! - Exposes the `restrict-box` feature as the shorter cfg `restrict_box`.
//! - Passes `EXTRALDFLAGS` to the link of the shared library.

use std::env;

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
}
