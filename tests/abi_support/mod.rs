//! The application callbacks every c-client program defines. Test binaries
//! link the library directly, so they must provide them too; logged text
//! is kept so tests can look at it.

#![allow(dead_code)]

use c_client::abi::bindings::{MAILSTATUS, MAILSTREAM, NETMBX};
use std::os::raw::{c_char, c_int, c_long, c_ulong};
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

#[no_mangle]
pub extern "C" fn mm_searched(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_exists(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_expunged(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_flags(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_notify(_s: *mut MAILSTREAM, _t: *mut c_char, _e: c_long) {}
#[no_mangle]
pub extern "C" fn mm_list(_s: *mut MAILSTREAM, _d: c_int, _n: *mut c_char, _a: c_long) {}
#[no_mangle]
pub extern "C" fn mm_lsub(_s: *mut MAILSTREAM, _d: c_int, _n: *mut c_char, _a: c_long) {}
#[no_mangle]
pub extern "C" fn mm_status(_s: *mut MAILSTREAM, _m: *mut c_char, _st: *mut MAILSTATUS) {}
#[no_mangle]
pub extern "C" fn mm_log(text: *mut c_char, _e: c_long) {
    keep(text);
}
#[no_mangle]
pub extern "C" fn mm_dlog(_t: *mut c_char) {}
#[no_mangle]
pub extern "C" fn mm_login(_mb: *mut NETMBX, _u: *mut c_char, _p: *mut c_char, _t: c_long) {}
#[no_mangle]
pub extern "C" fn mm_critical(_s: *mut MAILSTREAM) {}
#[no_mangle]
pub extern "C" fn mm_nocritical(_s: *mut MAILSTREAM) {}
#[no_mangle]
pub extern "C" fn mm_diskerror(_s: *mut MAILSTREAM, _c: c_long, _serious: c_long) -> c_long {
    1
}
#[no_mangle]
pub extern "C" fn mm_fatal(text: *mut c_char) {
    keep(text);
}
