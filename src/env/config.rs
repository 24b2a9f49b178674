//! The build configuration: what the Makefile's port and knobs chose
//! (docs/ports.md). Everything here is a compile-time constant (except the
//! password back end, chosen when the library is linked) so the rest of
//! the crate reads one place instead of testing cargo features or
//! environment variables itself.
//!
//! A plain `cargo build` gets the `ldb` port (Debian's build): see the
//! `default` features in Cargo.toml and the defaults in build.rs.

/// How plaintext passwords are checked on the server side (`PASSWDTYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswdType {
    /// The port's own method: crypt(3) against passwd/shadow.
    Std,
    /// Pluggable Authentication Modules.
    Pam,
    /// PAM for stacks that need the conversation function called once per
    /// prompt (the original's "broken PAM").
    Pmb,
    /// No plaintext login is ever accepted.
    Nul,
}

/// TLS support (`SSLTYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslType {
    /// No TLS at all.
    None,
    /// TLS available; plaintext logins allowed without it.
    Unix,
    /// TLS available; plaintext logins only inside TLS (`nopwd`, `unix.nopwd`).
    NoPwd,
}

/// Port name the library was configured for (`ldb`, `lnp`, ...).
pub const PORT: &str = env!("CCLIENT_PORT");

/// The password check this library is linked with: not a cargo feature
/// but the back end object chosen at link time (src/os/passwd.rs), so the
/// `PASSWDTYPE` variants are relinks of one build.
pub fn passwd_type() -> PasswdType {
    match crate::os::passwd::linked_type() {
        b"std" => PasswdType::Std,
        b"pam" => PasswdType::Pam,
        b"pmb" => PasswdType::Pmb,
        _ => PasswdType::Nul,
    }
}

/// TLS configuration; `ssl-none` only applies when no TLS feature is on.
pub const SSL_TYPE: SslType = if cfg!(any(feature = "ssl-nopwd", feature = "ssl-unix-nopwd")) {
    SslType::NoPwd
} else if cfg!(feature = "ssl-unix") {
    SslType::Unix
} else if cfg!(feature = "ssl-none") {
    SslType::None
} else {
    // No SSL feature at all (e.g. `--no-default-features`): the original's
    // own default, nopwd.
    SslType::NoPwd
};

/// Value the generated linkage.c passes to `SET_DISABLEPLAINTEXT`
/// last: 2 with `nopwd`, 1 with `PASSWDTYPE=nul` alone, else 0 (not set).
pub fn linkage_disable_plaintext() -> i64 {
    match (SSL_TYPE, passwd_type()) {
        (SslType::NoPwd, _) => 2,
        (_, PasswdType::Nul) => 1,
        _ => 0,
    }
}

/// Whether the mbox driver is linked (`EXTRADRIVERS=mbox`).
pub const DRIVER_MBOX: bool = cfg!(feature = "driver-mbox");

/// Whether the GSSAPI authenticator is linked (`EXTRAAUTHENTICATORS=gss`).
pub const AUTH_GSS: bool = cfg!(feature = "auth-gss");

/// Refuse mailbox names that begin with `/` or `..` (Debian's restrictBox).
/// Mailbox-name validation must consult this; the `restrict_box` cfg is set
/// alongside for code that wants to compile the check in or out.
pub const RESTRICT_BOX: bool = cfg!(feature = "restrict-box");

/// IPv6 as well as IPv4 (`IP=6`).
pub const IPV6: bool = cfg!(feature = "ipv6");

/// Parent of the mail and news spools.
pub const SPOOLDIR: &str = env!("CCLIENT_SPOOLDIR");
/// Directory of the system INBOX files (`/var/mail/<user>` on Debian).
pub const MAILSPOOL: &str = env!("CCLIENT_MAILSPOOL");
/// Local news spool.
pub const NEWSSPOOL: &str = env!("CCLIENT_NEWSSPOOL");
/// The news active file.
pub const ACTIVEFILE: &str = env!("CCLIENT_ACTIVEFILE");
/// rsh used for `/rsh` IMAP preauthenticated sessions.
pub const RSHPATH: &str = env!("CCLIENT_RSHPATH");
/// CRAM-MD5 password file; its existence enables CRAM-MD5.
pub const MD5PWD: &str = env!("CCLIENT_MD5PWD");
/// Lock helper program; empty means "try the usual places".
pub const LOCKPGM: &str = env!("CCLIENT_LOCKPGM");
/// Usual places of the lock helper, tried when `LOCKPGM` is empty.
pub const LOCKPGM_CANDIDATES: [&str; 3] = ["/usr/libexec/mlock", "/usr/sbin/mlock", "/etc/mlock"];
/// Directory of TLS certificates.
pub const SSLCERTS: &str = env!("CCLIENT_SSLCERTS");
/// Directory of TLS private keys.
pub const SSLKEYS: &str = env!("CCLIENT_SSLKEYS");
/// `true` when exclusive file creation must be NFS-safe (link-count
/// dance) rather than a plain `O_EXCL` open.
pub const NFS_SAFE_CREATE: bool = !matches!(env!("CCLIENT_CRXTYPE").as_bytes(), b"std");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_absolute() {
        for p in [
            SPOOLDIR, MAILSPOOL, NEWSSPOOL, ACTIVEFILE, RSHPATH, MD5PWD, SSLCERTS, SSLKEYS,
        ] {
            assert!(p.starts_with('/'), "{p} is not absolute");
        }
    }

    #[test]
    fn disable_plaintext_follows_knobs() {
        let expected = if cfg!(any(feature = "ssl-nopwd", feature = "ssl-unix-nopwd"))
            || !cfg!(any(feature = "ssl-none", feature = "ssl-unix"))
        {
            2
        } else if passwd_type() == PasswdType::Nul {
            1
        } else {
            0
        };
        assert_eq!(linkage_disable_plaintext(), expected);
    }

    #[test]
    fn linked_password_backend_follows_the_feature() {
        // build.rs links the object of the strictest passwd-* feature,
        // pam when none is set.
        let expected = if cfg!(feature = "passwd-nul") {
            PasswdType::Nul
        } else if cfg!(feature = "passwd-pam") {
            PasswdType::Pam
        } else if cfg!(feature = "passwd-pmb") {
            PasswdType::Pmb
        } else if cfg!(feature = "passwd-std") {
            PasswdType::Std
        } else {
            PasswdType::Pam
        };
        assert_eq!(passwd_type(), expected);
    }

    #[test]
    fn restrict_box_cfg_matches_feature() {
        assert_eq!(cfg!(restrict_box), RESTRICT_BOX);
    }
}
