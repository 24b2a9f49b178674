//! The drivers implemented in the safe core, by name. The C adapter looks
//! a driver up here to route the slots of the exported `DRIVER` object of
//! the same name.

use super::mailbox::Driver;
use std::sync::RwLock;

/// Drivers installed at run time; they take precedence over [`DRIVERS`].
/// Tests use this to put a small driver behind an exported `DRIVER`.
static INSTALLED: RwLock<Vec<&'static dyn Driver>> = RwLock::new(Vec::new());

/// The core driver called `name`, if there is one.
pub fn driver(name: &str) -> Option<&'static dyn Driver> {
    let installed = INSTALLED.read().unwrap_or_else(|e| e.into_inner());
    installed
        .iter()
        .rev()
        .copied()
        .find(|d| d.name() == name)
        .or_else(|| DRIVERS.iter().copied().find(|d| d.name() == name))
}

/// Makes `driver` the core driver of its name from now on.
pub fn install(driver: &'static dyn Driver) {
    INSTALLED
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .push(driver);
}

/// Every core driver. Each driver module adds its static here.
static DRIVERS: &[&'static dyn Driver] = &[
    &super::unix::UNIX,
    &super::unix::MMDF,
    #[cfg(feature = "driver-mbox")]
    &super::unix::mbox::MBOX,
    &super::phile::PHILE,
    &super::mbx::MBX,
    &super::mix::MIX,
    &super::mx::MX,
    &super::tenex::TENEX,
    &super::tenex::MTX,
    &super::mh::MH,
    #[cfg(feature = "driver-maildir")]
    &super::maildir::MAILDIR,
];
