//! Mailbox stores: name resolution and the local formats.

pub mod names;
