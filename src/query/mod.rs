//! Search programs, criteria parsing, sort, thread and overview.
#![forbid(unsafe_code)]

pub mod search;
