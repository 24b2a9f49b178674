//! Thin, audited wrappers over the operating system.

pub mod clock;
pub mod heap;
pub mod host;
pub mod lock;
pub mod syslog;
pub mod user;
