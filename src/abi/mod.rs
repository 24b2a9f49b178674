//! The C boundary: the only module (with `os`) that holds `unsafe` code.
//! Exports use the original's names and signatures; every entry point
//! catches panics so none crosses into C.

pub mod bindings;
pub mod cache;
pub mod callbacks;
pub mod construct;
pub mod data;
pub mod dates;
pub mod dummy;
pub mod encodings;
pub mod hash;
pub mod memory;
pub mod misc;
pub mod params;
pub mod registry;
pub mod rfc822;
pub mod rfc822_output;
pub mod rfc822_parse;
pub mod stream;
pub mod strings;
pub mod stubs;
pub mod sysutil;
pub mod utf8;
pub mod utf8x;

/// Every exported function by name, whatever module defines it (used by the
/// generated signature test, tests/abi_signatures.rs).
#[doc(hidden)]
pub mod exports {
    pub use super::cache::*;
    pub use super::construct::*;
    pub use super::data::*;
    pub use super::dates::*;
    pub use super::dummy::*;
    pub use super::encodings::*;
    pub use super::hash::*;
    pub use super::memory::*;
    pub use super::misc::*;
    pub use super::params::*;
    pub use super::registry::*;
    pub use super::rfc822::*;
    pub use super::rfc822_output::*;
    pub use super::rfc822_parse::*;
    pub use super::stream::*;
    pub use super::strings::*;
    pub use super::stubs::*;
    pub use super::sysutil::*;
    pub use super::utf8::*;
    pub use super::utf8x::*;
}

use std::os::raw::{c_char, c_long};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// `gss_buffer_desc` of GSSAPI, passed by value by some GSSAPI helpers.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct GssBuffer {
    pub length: usize,
    pub value: *mut std::os::raw::c_void,
}

/// Runs `body`, turning a panic into `failure` plus an error report, so no
/// unwinding ever reaches the C caller.
pub fn guard<R>(name: &str, failure: R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(_) => {
            log_error(&format!("{name}: internal error, operation abandoned"));
            failure
        }
    }
}

/// Reports `text` to the application through `mm_log` with level `errflg`.
pub fn log(text: &str, errflg: c_long) {
    // Interior NULs cannot be passed through a C string; cut there.
    let bytes = text.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let mut owned = Vec::with_capacity(end + 1);
    owned.extend_from_slice(&bytes[..end]);
    owned.push(0);
    // SAFETY: `owned` is NUL-terminated and lives across the call; the
    // application's mm_log may not keep the pointer (documented contract).
    unsafe { callbacks::mm_log(owned.as_mut_ptr() as *mut c_char, errflg) };
}

/// `mm_log(text, ERROR)`.
pub fn log_error(text: &str) {
    log(text, bindings::ERROR as c_long);
}

/// What every function that is not implemented yet does: say so, once per
/// call, at ERROR level.
pub fn report_unavailable(name: &str) {
    thread_local! {
        static REPORTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    // An application's mm_log may itself call library functions (PHP's
    // calls cpystr); never let a report recurse into another report.
    if REPORTING.with(|r| r.replace(true)) {
        return;
    }
    log_error(&format!(
        "{name}: not available in this version of c-client"
    ));
    REPORTING.with(|r| r.set(false));
}

/// Defines exports for functions that are not implemented yet: each logs
/// that it is not available and returns the given failure value.
macro_rules! not_available {
    ($( fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty = $default:expr)?; )*) => {
        $(
            #[no_mangle]
            pub extern "C" fn $name($($arg: $ty),*) $(-> $ret)? {
                $( let _ = $arg; )*
                $crate::abi::report_unavailable(stringify!($name));
                $($default)?
            }
        )*
    };
}
pub(crate) use not_available;
