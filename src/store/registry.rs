//! The drivers implemented in the safe core, by name. The C adapter looks
//! a driver up here to route the slots of the exported `DRIVER` object of
//! the same name.

use super::mailbox::Driver;

/// The core driver called `name`, if there is one.
pub fn driver(name: &str) -> Option<&'static dyn Driver> {
    DRIVERS.iter().copied().find(|d| d.name() == name)
}

/// Every core driver. Each driver module adds its static here.
#[cfg(feature = "driver-mbox")]
static DRIVERS: &[&'static dyn Driver] = &[
    &super::unix::UNIX,
    &super::unix::MMDF,
    &super::unix::mbox::MBOX,
];
#[cfg(not(feature = "driver-mbox"))]
static DRIVERS: &[&'static dyn Driver] = &[&super::unix::UNIX, &super::unix::MMDF];
