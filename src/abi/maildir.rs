//! LIST, LSUB and SCAN of the Maildir driver (`mddriver`): its `#md/` and
//! `#mc/` names are not file names the dummy driver's walk would find.

use super::bindings::MAILSTREAM;
use std::os::raw::c_char;

/// `md_scan`: as `md_list` (no content search in Maildir names).
///
/// # Safety
/// Strings NULL or NUL-terminated; `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn md_scan(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
    contents: *mut c_char,
) {
    super::guard("md_scan", (), || {
        if contents.is_null() {
            // SAFETY: forwarded contract.
            unsafe { super::bridge::maildir_list(stream, reference, pattern, false) }
        } else if !stream.is_null() {
            // SAFETY: forwarded contract.
            unsafe { super::bridge::scan(stream, reference, pattern, contents) }
        }
    })
}

/// `md_list`.
///
/// # Safety
/// Strings NULL or NUL-terminated; `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn md_list(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
) {
    // SAFETY: forwarded contract.
    super::guard("md_list", (), || unsafe {
        super::bridge::maildir_list(stream, reference, pattern, false)
    })
}

/// `md_lsub`.
///
/// # Safety
/// Strings NULL or NUL-terminated; `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn md_lsub(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
) {
    // SAFETY: forwarded contract.
    super::guard("md_lsub", (), || unsafe {
        super::bridge::maildir_list(stream, reference, pattern, true)
    })
}
