//! String and small utility routines of the original's misc.c.

use super::memory::{c_bytes, c_string_from};
use std::os::raw::c_char;

/// `cpystr`: a malloc'ed copy of a C string (NULL stays NULL).
///
/// # Safety
/// `string` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn cpystr(string: *const c_char) -> *mut c_char {
    // SAFETY: forwarded contract of the caller.
    match unsafe { c_bytes(string) } {
        Some(bytes) => c_string_from(bytes),
        None => std::ptr::null_mut(),
    }
}
