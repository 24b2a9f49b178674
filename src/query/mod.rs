//! Search programs, criteria parsing, sort, thread and overview.
