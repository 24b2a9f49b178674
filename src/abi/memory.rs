//! Memory shared with the application. Programs free what the library
//! returns with `free()` and hand the library `malloc`ed blocks, so every
//! allocation that crosses the boundary is the C allocator's.

use super::bindings::MAILTMPLEN;
use std::os::raw::{c_char, c_void};

/// `fs_get`: like malloc, but never returns NULL — the original calls
/// `fatal` when memory runs out, and so do we.
// no-panic: malloc, and on failure mm_fatal + abort (never unwinds).
#[no_mangle]
pub extern "C" fn fs_get(size: usize) -> *mut c_void {
    // SAFETY: malloc may be called with any size; a zero size still gets a
    // unique block so callers can fs_give it.
    let block = unsafe { libc::malloc(size.max(1)) };
    if block.is_null() {
        out_of_memory(size);
    }
    block
}

/// `fs_resize`: realloc of a block pointed to by `*block`, updating it.
///
/// # Safety
/// `block` must point to a pointer obtained from the C allocator (or NULL).
// no-panic: a NULL check and realloc; failure goes to mm_fatal + abort.
#[no_mangle]
pub unsafe extern "C" fn fs_resize(block: *mut *mut c_void, size: usize) {
    if block.is_null() {
        return;
    }
    // SAFETY: the caller guarantees `*block` came from malloc or is NULL.
    let grown = unsafe { libc::realloc(*block, size.max(1)) };
    if grown.is_null() {
        out_of_memory(size);
    }
    // SAFETY: `block` is non-NULL and writable per the contract.
    unsafe { *block = grown };
}

/// `fs_give`: frees `*block` and clears the caller's pointer.
///
/// # Safety
/// `block` must point to a pointer obtained from the C allocator (or NULL).
// no-panic: a NULL check and free.
#[no_mangle]
pub unsafe extern "C" fn fs_give(block: *mut *mut c_void) {
    if block.is_null() {
        return;
    }
    // SAFETY: per the contract `*block` is a malloc'ed pointer or NULL.
    unsafe {
        libc::free(*block);
        *block = std::ptr::null_mut();
    }
}

fn out_of_memory(size: usize) -> ! {
    let message = format!("Out of memory allocating {size} bytes\0");
    let _ = MAILTMPLEN;
    // SAFETY: the message is NUL-terminated; mm_fatal is the application's
    // documented last word before the process ends.
    unsafe { super::callbacks::mm_fatal(message.as_ptr() as *mut c_char) };
    std::process::abort();
}

/// Copies `bytes` into a new NUL-terminated C string from `fs_get`.
pub fn c_string_from(bytes: &[u8]) -> *mut c_char {
    let block = fs_get(bytes.len() + 1) as *mut u8;
    // SAFETY: `block` has room for `bytes.len() + 1` bytes and does not
    // overlap `bytes`.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), block, bytes.len());
        *block.add(bytes.len()) = 0;
    }
    block as *mut c_char
}

/// Borrows the bytes of a NUL-terminated C string (None for NULL).
///
/// # Safety
/// `s` must be NULL or point to a NUL-terminated string that outlives 'a.
pub unsafe fn c_bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    if s.is_null() {
        None
    } else {
        // SAFETY: guaranteed by the caller.
        Some(unsafe { std::ffi::CStr::from_ptr(s) }.to_bytes())
    }
}
