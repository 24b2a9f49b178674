//! Thin, audited wrappers over the operating system.

pub mod clock;
pub mod heap;
pub mod lock;
