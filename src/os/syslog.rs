//! The system log.

use std::os::raw::c_char;

/// Writes `text` to syslog at `priority` (a `LOG_*` level, optionally with
/// a facility), NUL bytes dropped.
pub fn log(priority: i32, text: &[u8]) {
    let msg: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&b| b != 0)
        .chain([0])
        .collect();
    // SAFETY: both strings are NUL-terminated; "%s" takes exactly one string.
    unsafe { libc::syslog(priority, c"%s".as_ptr(), msg.as_ptr() as *const c_char) };
}

pub use libc::{LOG_ALERT, LOG_AUTH, LOG_CRIT, LOG_DEBUG, LOG_ERR, LOG_INFO, LOG_NOTICE};
