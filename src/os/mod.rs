//! Thin, audited wrappers over the operating system.

pub mod clock;
pub mod file;
pub mod fsat;
pub mod heap;
pub mod host;
pub mod krb5;
pub mod lock;
pub mod pam;
pub mod passwd;
pub mod portconf;
pub mod server;
pub mod syslog;
pub mod user;
