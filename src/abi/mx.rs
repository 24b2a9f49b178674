//! The mx driver's helper exports (its slots come from `core_driver!`).

use super::memory::c_bytes;
use crate::store::mx;
use std::os::raw::{c_char, c_int, c_long, c_ulong};

/// `mx_dirfmttest`: whether a directory entry belongs to the format.
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_dirfmttest(name: *mut c_char) -> c_long {
    super::guard("mx_dirfmttest", 0, || {
        // SAFETY: per the contract.
        match unsafe { c_bytes(name) } {
            Some(n) => mx::dirfmt_test(n).into(),
            None => 0,
        }
    })
}

/// `mx_namevalid`: whether `name` may name an mx mailbox.
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mx_namevalid(name: *mut c_char) -> c_int {
    super::guard("mx_namevalid", 0, || {
        // SAFETY: per the contract.
        unsafe { c_bytes(name) }.is_some_and(mx::name_valid).into()
    })
}

/// `mx_scan_contents`: whether a message file of directory `name` holds
/// the `csiz` bytes at `contents`.
///
/// # Safety
/// `name` NUL-terminated; `contents` readable for `csiz` bytes.
#[no_mangle]
pub unsafe extern "C" fn mx_scan_contents(
    name: *mut c_char,
    contents: *mut c_char,
    csiz: c_ulong,
    _fsiz: c_ulong,
) -> c_long {
    super::guard("mx_scan_contents", 0, || {
        if name.is_null() || contents.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        let (n, c) = unsafe {
            (
                c_bytes(name).unwrap_or(b""),
                std::slice::from_raw_parts(contents as *const u8, csiz as usize),
            )
        };
        mx::scan_contents(n, c).into()
    })
}
