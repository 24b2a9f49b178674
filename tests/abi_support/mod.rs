//! The application callbacks every c-client program defines. Test binaries
//! link the library directly, so they must provide them too; logged text
//! is kept so tests can look at it.

#![allow(dead_code)]

use c_client::abi::bindings::MAILSTREAM;
use std::os::raw::{c_char, c_long};
use std::sync::Mutex;

/// Everything passed to mm_log and mm_fatal, in order.
pub static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn keep(text: *mut c_char) {
    if text.is_null() {
        return;
    }
    // SAFETY: the library passes NUL-terminated strings.
    let s = unsafe { std::ffi::CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned();
    LOGGED.lock().unwrap_or_else(|e| e.into_inner()).push(s);
}

mod silent_callbacks;

#[no_mangle]
pub extern "C" fn mm_notify(_s: *mut MAILSTREAM, _t: *mut c_char, _e: c_long) {}
#[no_mangle]
pub extern "C" fn mm_log(text: *mut c_char, _e: c_long) {
    keep(text);
}
#[no_mangle]
pub extern "C" fn mm_fatal(text: *mut c_char) {
    keep(text);
}
