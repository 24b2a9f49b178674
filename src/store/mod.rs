//! Mailbox stores: name resolution, the driver traits and the local formats.
#![forbid(unsafe_code)]

pub mod events;
pub mod flags;
pub mod lock;
pub mod mailbox;
pub mod names;
pub mod registry;
pub mod unix;
