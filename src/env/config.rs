//! The build configuration: what the Makefile's port and knobs chose
//! (docs/ports.md), read from one place instead of the rest of the crate
//! testing cargo features or environment variables itself. The port's
//! paths and flags and the password back end come from small objects
//! chosen when the library is linked (src/os/portconf.rs,
//! src/os/passwd.rs), so another port or `PASSWDTYPE` is a relink of one
//! build; only the drivers compiled in are cargo features.
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

/// First record of the port object's block (src/os/portconf.rs).
pub const PORTCONF_MAGIC: &[u8] = b"CCLIENT-PORTCONF";

/// A setting of the linked port object; "" when absent (or not UTF-8).
fn setting(key: &str) -> &'static str {
    let mut records = crate::os::portconf::raw().split(|&c| c == 0);
    if records.next() != Some(PORTCONF_MAGIC) {
        return "";
    }
    for rec in records.take_while(|r| !r.is_empty()) {
        if let Some(v) = rec
            .strip_prefix(key.as_bytes())
            .and_then(|r| r.strip_prefix(b"="))
        {
            return std::str::from_utf8(v).unwrap_or("");
        }
    }
    ""
}

/// Port name the library was configured for (`ldb`, `lnp`, ...).
pub fn port() -> &'static str {
    setting("PORT")
}

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

/// TLS configuration (`SSLTYPE`; linkage.c acts on it, this records it).
pub fn ssl_type() -> SslType {
    match setting("SSLTYPE") {
        "none" => SslType::None,
        "unix" => SslType::Unix,
        _ => SslType::NoPwd,
    }
}

/// Value the generated linkage.c passes to `SET_DISABLEPLAINTEXT`
/// last: 2 with `nopwd`, 1 with `PASSWDTYPE=nul` alone, else 0 (not set).
pub fn linkage_disable_plaintext() -> i64 {
    match (ssl_type(), passwd_type()) {
        (SslType::NoPwd, _) => 2,
        (_, PasswdType::Nul) => 1,
        _ => 0,
    }
}

/// Whether the mbox driver is linked (`EXTRADRIVERS=mbox`; compiled in).
pub const DRIVER_MBOX: bool = cfg!(feature = "driver-mbox");

/// Whether the GSSAPI authenticator is linked (`EXTRAAUTHENTICATORS=gss`).
pub fn auth_gss() -> bool {
    setting("AUTHGSS") == "1"
}

/// Refuse mailbox names that begin with `/` or `..` (Debian's restrictBox).
pub fn restrict_box() -> bool {
    setting("RESTRICTBOX") == "1"
}

/// IPv6 as well as IPv4 (`IP=6`).
pub fn ipv6() -> bool {
    setting("IP") == "6"
}

/// Parent of the mail and news spools.
pub fn spooldir() -> &'static str {
    setting("SPOOLDIR")
}
/// Directory of the system INBOX files (`/var/mail/<user>` on Debian).
pub fn mailspool() -> &'static str {
    setting("MAILSPOOL")
}
/// Local news spool.
pub fn newsspool() -> &'static str {
    setting("NEWSSPOOL")
}
/// The news active file.
pub fn activefile() -> &'static str {
    setting("ACTIVEFILE")
}
/// rsh used for `/rsh` IMAP preauthenticated sessions.
pub fn rshpath() -> &'static str {
    setting("RSHPATH")
}
/// CRAM-MD5 password file; its existence enables CRAM-MD5.
pub fn md5pwd() -> &'static str {
    setting("MD5PWD")
}
/// Lock helper program; empty means "try the usual places".
pub fn lockpgm() -> &'static str {
    setting("LOCKPGM")
}
/// Usual places of the lock helper, tried when `lockpgm()` is empty.
pub const LOCKPGM_CANDIDATES: [&str; 3] = ["/usr/libexec/mlock", "/usr/sbin/mlock", "/etc/mlock"];
/// Directory of TLS certificates.
pub fn sslcerts() -> &'static str {
    setting("SSLCERTS")
}
/// Directory of TLS private keys.
pub fn sslkeys() -> &'static str {
    setting("SSLKEYS")
}
/// `true` when exclusive file creation must be NFS-safe (link-count
/// dance) rather than a plain `O_EXCL` open (`CRXTYPE`).
pub fn nfs_safe_create() -> bool {
    setting("CRXTYPE") != "std"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_absolute() {
        for p in [
            spooldir(),
            mailspool(),
            newsspool(),
            activefile(),
            rshpath(),
            md5pwd(),
            sslcerts(),
            sslkeys(),
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
    fn bundled_port_object_follows_the_features() {
        // build.rs writes the block from the features (and CCLIENT_*
        // variables, the ldb port's paths when unset).
        assert_eq!(restrict_box(), cfg!(feature = "restrict-box"));
        assert_eq!(ipv6(), cfg!(feature = "ipv6"));
        assert_eq!(auth_gss(), cfg!(feature = "auth-gss"));
        assert!(!port().is_empty());
    }
}
