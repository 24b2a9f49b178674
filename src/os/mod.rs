//! Thin, audited wrappers over the operating system.

pub mod clock;
pub mod file;
pub mod fsat;
pub mod heap;
pub mod host;
pub mod krb5;
pub mod lock;
#[cfg(any(feature = "passwd-pam", feature = "passwd-pmb"))]
pub mod pam;
pub mod server;
pub mod syslog;
pub mod user;
