//! The mix driver's helper exports (its slots come from `core_driver!`).

use super::memory::c_bytes;
use crate::store::mix;
use std::os::raw::{c_char, c_long};

/// `mix_dirfmttest`: whether a directory entry is one of the format's own
/// files (its name starts with ".mix").
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_dirfmttest(name: *mut c_char) -> c_long {
    super::guard("mix_dirfmttest", 0, || {
        // SAFETY: per the contract.
        let n = unsafe { c_bytes(name) }.unwrap_or(b"");
        mix::dirfmt_test(n).into()
    })
}
