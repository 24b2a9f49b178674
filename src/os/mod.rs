//! Thin, audited wrappers over the operating system.
