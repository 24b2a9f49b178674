//! Configuration, users and home directories, namespaces, server-side login.
#![forbid(unsafe_code)]

pub mod config;
pub mod newsrc;
pub mod params;
pub mod rc;
pub mod subscriptions;
pub mod user;
