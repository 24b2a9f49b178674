//! The application callbacks that test programs leave silent, shared by the
//! test binaries (through `abi_support`) and the fuzz targets (which include
//! this file by path from `fuzz/fuzz_targets/cb.rs`). Each includer defines
//! its own mm_log, mm_notify and mm_fatal, which it wants to observe.

use c_client::abi::bindings::{MAILSTATUS, MAILSTREAM, NETMBX};
use std::os::raw::{c_char, c_int, c_long, c_ulong};

#[no_mangle]
pub extern "C" fn mm_searched(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_exists(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_expunged(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_flags(_s: *mut MAILSTREAM, _n: c_ulong) {}
#[no_mangle]
pub extern "C" fn mm_list(_s: *mut MAILSTREAM, _d: c_int, _n: *mut c_char, _a: c_long) {}
#[no_mangle]
pub extern "C" fn mm_lsub(_s: *mut MAILSTREAM, _d: c_int, _n: *mut c_char, _a: c_long) {}
#[no_mangle]
pub extern "C" fn mm_status(_s: *mut MAILSTREAM, _m: *mut c_char, _st: *mut MAILSTATUS) {}
#[no_mangle]
pub extern "C" fn mm_dlog(_t: *mut c_char) {}
/// No credentials: an empty user name makes the library give up.
///
/// # Safety
/// `user` and `pwd` are the library's writable buffers (or NULL).
#[no_mangle]
pub unsafe extern "C" fn mm_login(
    _mb: *mut NETMBX,
    user: *mut c_char,
    pwd: *mut c_char,
    _t: c_long,
) {
    if !user.is_null() {
        // SAFETY: a writable buffer from the library.
        unsafe { *user = 0 };
    }
    if !pwd.is_null() {
        // SAFETY: as above.
        unsafe { *pwd = 0 };
    }
}
#[no_mangle]
pub extern "C" fn mm_critical(_s: *mut MAILSTREAM) {}
#[no_mangle]
pub extern "C" fn mm_nocritical(_s: *mut MAILSTREAM) {}
#[no_mangle]
pub extern "C" fn mm_diskerror(_s: *mut MAILSTREAM, _c: c_long, _serious: c_long) -> c_long {
    1
}
