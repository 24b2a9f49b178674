//! C exports of the transfer encodings: `rfc822_base64`, `rfc822_binary`,
//! `rfc822_qprint`, `rfc822_8bit`. Results are `fs_get` (malloc) blocks with a
//! trailing NUL that the caller frees; lengths go through `*len`.

use super::bindings::PARSE;
use super::callbacks;
use super::guard;
use super::memory::fs_get;
use crate::message::encoding;
use std::os::raw::{c_char, c_uchar, c_ulong, c_void};

/// The caller's buffer as a slice; NULL or zero length gives an empty one.
///
/// # Safety
/// `src` must have `len` readable bytes when non-NULL.
unsafe fn input<'a>(src: *const c_uchar, len: c_ulong) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if src.is_null() || len > isize::MAX as c_ulong {
        return None;
    }
    // SAFETY: per the contract `len` bytes are readable at `src`.
    Some(unsafe { std::slice::from_raw_parts(src, len as usize) })
}

/// Copies `data` into a new malloc'ed block with a trailing NUL and stores
/// its length in `*len`.
///
/// # Safety
/// `len` must be NULL or writable.
unsafe fn output(data: &[u8], len: *mut c_ulong) -> *mut c_uchar {
    let block = fs_get(data.len() + 1) as *mut c_uchar;
    // SAFETY: the block has room for the data and the NUL; `len` is writable
    // per the contract.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), block, data.len());
        *block.add(data.len()) = 0;
        if !len.is_null() {
            *len = data.len() as c_ulong;
        }
    }
    block
}

/// Passes decoder warnings to the application, as the original logs them.
fn log_warnings(warnings: &[Vec<u8>]) {
    for w in warnings {
        let mut text: Vec<u8> = w.iter().copied().take_while(|&c| c != 0).collect();
        text.push(0);
        // SAFETY: `text` is NUL-terminated and outlives the call.
        unsafe { callbacks::mm_log(text.as_mut_ptr() as *mut c_char, PARSE) };
    }
}

fn set_len(len: *mut c_ulong, v: c_ulong) {
    if !len.is_null() {
        // SAFETY: a non-NULL `len` is writable per every export's contract.
        unsafe { *len = v };
    }
}

/// # Safety
/// `src` must have `srcl` readable bytes; `len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn rfc822_base64(
    src: *mut c_uchar,
    srcl: c_ulong,
    len: *mut c_ulong,
) -> *mut c_void {
    guard("rfc822_base64", std::ptr::null_mut(), || {
        set_len(len, 0);
        // SAFETY: per the contract.
        let Some(src) = (unsafe { input(src, srcl) }) else {
            return std::ptr::null_mut();
        };
        match encoding::base64_decode(src) {
            Some(d) => {
                log_warnings(&d.warnings);
                // SAFETY: `len` is writable per the contract.
                unsafe { output(&d.data, len) as *mut c_void }
            }
            None => std::ptr::null_mut(),
        }
    })
}

/// # Safety
/// `src` must have `srcl` readable bytes; `len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn rfc822_binary(
    src: *mut c_void,
    srcl: c_ulong,
    len: *mut c_ulong,
) -> *mut c_uchar {
    guard("rfc822_binary", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        let Some(src) = (unsafe { input(src as *const c_uchar, srcl) }) else {
            set_len(len, 0);
            return std::ptr::null_mut();
        };
        // SAFETY: `len` is writable per the contract.
        unsafe { output(&encoding::base64_encode(src), len) }
    })
}

/// # Safety
/// `src` must have `srcl` readable bytes; `len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn rfc822_qprint(
    src: *mut c_uchar,
    srcl: c_ulong,
    len: *mut c_ulong,
) -> *mut c_uchar {
    guard("rfc822_qprint", std::ptr::null_mut(), || {
        set_len(len, 0);
        // SAFETY: per the contract.
        let Some(src) = (unsafe { input(src, srcl) }) else {
            return std::ptr::null_mut();
        };
        let d = encoding::qprint_decode(src);
        log_warnings(&d.warnings);
        // SAFETY: `len` is writable per the contract.
        unsafe { output(&d.data, len) }
    })
}

/// # Safety
/// `src` must have `srcl` readable bytes; `len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn rfc822_8bit(
    src: *mut c_uchar,
    srcl: c_ulong,
    len: *mut c_ulong,
) -> *mut c_uchar {
    guard("rfc822_8bit", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        let Some(src) = (unsafe { input(src, srcl) }) else {
            set_len(len, 0);
            return std::ptr::null_mut();
        };
        // SAFETY: `len` is writable per the contract.
        unsafe { output(&encoding::qprint_encode(src), len) }
    })
}
