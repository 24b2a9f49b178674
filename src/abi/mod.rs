//! The C boundary: the only module (with `os`) that holds `unsafe` code.
//! Exports use the original's names and signatures; every entry point
//! catches panics so none crosses into C.

pub mod auth;
pub mod bindings;
pub mod bridge;
pub mod cache;
pub mod callbacks;
pub mod construct;
pub mod data;
pub mod dates;
pub mod drvhelpers;
pub mod dummy;
pub mod encodings;
pub mod env;
pub mod gss;
pub mod hash;
pub mod imap;
pub mod imap_int;
pub mod ip;
pub mod lock;
pub mod mail;
pub mod mail_flags;
#[cfg(feature = "driver-maildir")]
pub mod maildir;
pub mod memory;
pub mod mh;
pub mod misc;
pub mod mix;
pub mod mx;
pub mod net;
pub mod news;
pub mod newsrc;
pub mod nntp;
pub mod nntp_post;
pub mod nntp_read;
pub mod params;
pub mod phile;
pub mod pop3;
pub mod registry;
pub mod rfc822;
pub mod rfc822_output;
pub mod rfc822_parse;
pub mod search;
pub mod server;
pub mod smtp;
pub mod sort;
pub mod stream;
pub mod strings;
pub mod stubs;
pub mod sysutil;
pub mod tenex;
pub mod thread;
pub mod utf8;
pub mod utf8x;

/// Every exported function by name, whatever module defines it (used by the
/// generated signature test, tests/abi_signatures.rs).
#[doc(hidden)]
pub mod exports {
    pub use super::auth::*;
    pub use super::cache::*;
    pub use super::construct::*;
    pub use super::data::*;
    pub use super::dates::*;
    pub use super::dummy::*;
    pub use super::encodings::*;
    pub use super::env::*;
    pub use super::gss::*;
    pub use super::hash::*;
    pub use super::imap::*;
    pub use super::imap_int::*;
    pub use super::ip::*;
    pub use super::lock::*;
    pub use super::mail::*;
    pub use super::mail_flags::*;
    pub use super::memory::*;
    pub use super::mh::*;
    pub use super::misc::*;
    pub use super::net::*;
    pub use super::news::*;
    pub use super::newsrc::*;
    pub use super::nntp::*;
    pub use super::nntp_post::*;
    pub use super::nntp_read::*;
    pub use super::params::*;
    pub use super::phile::*;
    pub use super::pop3::*;
    pub use super::registry::*;
    pub use super::rfc822::*;
    pub use super::rfc822_output::*;
    pub use super::rfc822_parse::*;
    pub use super::search::*;
    pub use super::server::*;
    pub use super::smtp::*;
    pub use super::sort::*;
    pub use super::stream::*;
    pub use super::strings::*;
    // Empty while every function is implemented (see stubs.rs).
    #[allow(unused_imports)]
    pub use super::stubs::*;
    pub use super::sysutil::*;
    pub use super::thread::*;
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
/// unwinding ever reaches the C caller. `name` is only formatted on the
/// panic path: the normal path costs the call and nothing else.
#[inline]
pub fn guard<R>(name: &str, failure: R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            // A payload whose destructor panics would unwind from here;
            // drop it under a second catch and forget whatever that throws.
            if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
                std::mem::forget(again);
            }
            report_internal_error(name);
            failure
        }
    }
}

/// The report of a caught panic, "<name>: internal error, operation
/// abandoned", written without any step that can panic.
fn report_internal_error(name: &str) {
    const TAIL: &[u8] = b": internal error, operation abandoned";
    let mut text = Vec::new();
    if text.try_reserve_exact(name.len() + TAIL.len()).is_ok() {
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(TAIL);
    }
    log_bytes(&text, bindings::ERROR as c_long);
}

/// Reports `text` to the application through `mm_log` with level `errflg`.
/// Never panics: exports use it on their failure paths and the stubs call
/// it outside any guard.
pub fn log(text: &str, errflg: c_long) {
    log_bytes(text.as_bytes(), errflg);
}

/// `log` for bytes: cut at the first NUL (a C string cannot carry one).
pub(crate) fn log_bytes(bytes: &[u8], errflg: c_long) {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let (text, _) = bytes.split_at(end);
    let mut owned = Vec::new();
    // A message too large to copy is dropped rather than aborting for it.
    if owned
        .try_reserve_exact(text.len().saturating_add(1))
        .is_err()
    {
        return;
    }
    owned.extend_from_slice(text);
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
/// call, at ERROR level. Never panics (the stubs rely on it).
pub fn report_unavailable(name: &str) {
    thread_local! {
        static REPORTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    // An application's mm_log may itself call library functions (PHP's
    // calls cpystr); never let a report recurse into another report.
    // `try_with` because `with` panics once the thread's locals are gone
    // (a stub called from another thread-local's destructor).
    if REPORTING.try_with(|r| r.replace(true)).unwrap_or(true) {
        return;
    }
    const TAIL: &[u8] = b": not available in this version of c-client";
    let mut text = Vec::new();
    if text.try_reserve_exact(name.len() + TAIL.len()).is_ok() {
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(TAIL);
        log_bytes(&text, bindings::ERROR as c_long);
    }
    let _ = REPORTING.try_with(|r| r.set(false));
}

/// Defines exports for functions that are not implemented yet: each logs
/// that it is not available and returns the given failure value.
macro_rules! not_available {
    ($( fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty = $default:expr)?; )*) => {
        $(
            // no-panic: moves the arguments away and calls report_unavailable, which cannot panic.
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
