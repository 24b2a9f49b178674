//! The application's `mm_*` callbacks. They are defined by the program that
//! links the library (every c-client application must), so they stay
//! undefined in the shared library and are resolved at load time.

use super::bindings::{MAILSTATUS, MAILSTREAM, NETMBX};
use std::os::raw::{c_char, c_int, c_long, c_ulong};

extern "C" {
    pub fn mm_searched(stream: *mut MAILSTREAM, number: c_ulong);
    pub fn mm_exists(stream: *mut MAILSTREAM, number: c_ulong);
    pub fn mm_expunged(stream: *mut MAILSTREAM, number: c_ulong);
    pub fn mm_flags(stream: *mut MAILSTREAM, number: c_ulong);
    pub fn mm_notify(stream: *mut MAILSTREAM, string: *mut c_char, errflg: c_long);
    pub fn mm_list(
        stream: *mut MAILSTREAM,
        delimiter: c_int,
        name: *mut c_char,
        attributes: c_long,
    );
    pub fn mm_lsub(
        stream: *mut MAILSTREAM,
        delimiter: c_int,
        name: *mut c_char,
        attributes: c_long,
    );
    pub fn mm_status(stream: *mut MAILSTREAM, mailbox: *mut c_char, status: *mut MAILSTATUS);
    pub fn mm_log(string: *mut c_char, errflg: c_long);
    pub fn mm_dlog(string: *mut c_char);
    pub fn mm_login(mb: *mut NETMBX, user: *mut c_char, pwd: *mut c_char, trial: c_long);
    pub fn mm_critical(stream: *mut MAILSTREAM);
    pub fn mm_nocritical(stream: *mut MAILSTREAM);
    pub fn mm_diskerror(stream: *mut MAILSTREAM, errcode: c_long, serious: c_long) -> c_long;
    pub fn mm_fatal(string: *mut c_char);
}
