//! Mailbox stores: name resolution, the driver traits and the local formats.
#![forbid(unsafe_code)]

pub(crate) mod common;
pub mod compact;
pub mod dispatch;
pub mod dummy;
pub mod events;
pub mod fetch;
pub mod flags;
pub mod lock;
pub mod mailbox;
pub mod maildir;
pub mod mbx;
pub mod mh;
pub mod mix;
pub mod mx;
pub mod names;
pub mod news;
pub mod numbered;
pub mod pattern;
pub mod phile;
pub mod registry;
pub mod sequence;
pub mod snarf;
pub mod tenex;
pub mod unix;
pub mod window;
