//! Configuration, users and home directories, namespaces, server-side login.

pub mod config;
pub mod params;
