//! The application callbacks a program linked to the library must define;
//! targets that call the C exports include this module. Log calls are
//! counted by level so a target can check that bad input gives at most
//! warnings.
#![allow(non_snake_case, clippy::missing_safety_doc)]
use std::os::raw::{c_char, c_long, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

/// mm_log calls with a level worse than a warning (ERROR, BYE, or unknown).
pub static SEVERE: AtomicUsize = AtomicUsize::new(0);

#[no_mangle]
pub extern "C" fn mm_log(_s: *mut c_char, level: c_long) {
    // NIL, WARN and PARSE are what bad message text may produce.
    if !matches!(level, 0 | 1 | 3) {
        SEVERE.fetch_add(1, Ordering::Relaxed);
    }
}
#[no_mangle]
pub extern "C" fn mm_notify(_st: *mut c_void, s: *mut c_char, level: c_long) {
    mm_log(s, level)
}
#[no_mangle]
pub extern "C" fn mm_fatal(_s: *mut c_char) {
    SEVERE.fetch_add(1, Ordering::Relaxed);
}
// The silent rest, shared with the test binaries.
#[path = "../../tests/abi_support/silent_callbacks.rs"]
mod silent_callbacks;

/// Frees a block the library returned (malloc'ed, as fs_get makes them).
pub unsafe fn give<T>(p: *mut T) {
    let mut v = p as *mut c_void;
    // SAFETY: `p` came from the library's fs_get.
    unsafe { c_client::abi::memory::fs_give(&mut v) };
}

/// Panics when anything since the last call logged worse than a warning.
pub fn assert_no_severe_logs() {
    assert_eq!(
        SEVERE.swap(0, Ordering::Relaxed),
        0,
        "mm_log above WARN/PARSE"
    );
}
