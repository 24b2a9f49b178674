//! Search programs, criteria parsing, sort, thread and overview.
#![forbid(unsafe_code)]

pub mod search;
pub mod sort;
pub mod thread;
