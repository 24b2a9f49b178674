//! The dummy driver: what a local name is when no mailbox format claims
//! it — an empty file, a directory, or the not-yet-created INBOX. It can
//! be opened (as an empty mailbox) and pinged; when the file acquires a
//! real format, ping switches the stream over to that format's driver.

use super::bindings::*;
use super::cache::{mail_exists, mail_recent};
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::stream::{mail_close_full, mail_open, snarf_interval};
use crate::env::params::Owner;
use crate::store::names::LocalName;
use std::os::raw::{c_char, c_long, c_void};
use std::os::unix::ffi::OsStrExt;
use std::ptr::null_mut;

/// The user's home directory, from the user environment.
pub fn home_dir() -> Option<Vec<u8>> {
    crate::env::user::home_dir()
}

/// The system INBOX, from the user environment.
pub fn system_inbox() -> Option<Vec<u8>> {
    crate::env::user::system_inbox()
}

/// The file a local name maps to (INBOX: the system inbox).
fn mailbox_path(name: &[u8]) -> Option<Vec<u8>> {
    match crate::env::user::mailbox_file(name)? {
        LocalName::Inbox => system_inbox(),
        LocalName::Path(p) => Some(p),
    }
}

fn file_type(path: &[u8]) -> Option<std::fs::Metadata> {
    std::fs::metadata(std::ffi::OsStr::from_bytes(path)).ok()
}

/// `dummy_file`: writes the file of mailbox `name` into `dst`
/// (MAILTMPLEN bytes) and returns `dst`, or NULL for a name that maps to
/// no file.
///
/// # Safety
/// `dst` must have MAILTMPLEN bytes; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_file(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("dummy_file", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        let Some(name) = (unsafe { c_bytes(name) }) else {
            return null_mut();
        };
        match mailbox_path(name) {
            Some(p) if p.len() < MAILTMPLEN as usize && !dst.is_null() => {
                // SAFETY: room checked above.
                unsafe {
                    std::ptr::copy_nonoverlapping(p.as_ptr(), dst as *mut u8, p.len());
                    *dst.add(p.len()) = 0;
                }
                dst
            }
            _ => null_mut(),
        }
    })
}

fn dummy() -> *mut DRIVER {
    // Through the symbol, so a program's copy-relocated object is the one
    // used.
    std::ptr::addr_of_mut!(super::data::dummydriver)
}

/// `dummy_valid`: claims existing files and directories, and INBOX.
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_valid(name: *mut c_char) -> *mut DRIVER {
    super::guard("dummy_valid", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return null_mut();
        };
        if n.is_empty() || n[0] == b'{' {
            return null_mut();
        }
        match crate::env::user::mailbox_file(n) {
            None => null_mut(),
            // INBOX is always selectable: it may simply not exist yet.
            Some(LocalName::Inbox) => dummy(),
            Some(LocalName::Path(p)) => match file_type(&p) {
                Some(m) if m.is_file() || m.is_dir() => dummy(),
                _ => null_mut(),
            },
        }
    })
}

/// `dummy_parameters`: only the INBOX path.
#[no_mangle]
pub extern "C" fn dummy_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("dummy_parameters", std::ptr::null_mut(), || {
        if function == GET_INBOXPATH && !value.is_null() {
            // SAFETY: callers pass a MAILTMPLEN buffer for GET_INBOXPATH.
            return unsafe { dummy_file(value as *mut c_char, c"INBOX".as_ptr() as *mut c_char) }
                as *mut c_void;
        }
        null_mut()
    })
}

/// `dummy_open`: opens an empty file (or a missing INBOX) as an empty
/// mailbox; NULL stream gives the prototype.
///
/// # Safety
/// `stream` NULL or a stream being opened by mail_open.
#[no_mangle]
pub unsafe extern "C" fn dummy_open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("dummy_open", std::ptr::null_mut(), || {
        if stream.is_null() {
            return std::ptr::addr_of_mut!(super::data::dummyproto);
        }
        // SAFETY: per the contract.
        unsafe {
            let s = &mut *stream;
            let mbx = c_bytes(s.mailbox).unwrap_or(b"").to_vec();
            let shown = &mbx[..mbx.len().min(80)];
            let mut err: Vec<u8> = Vec::new();
            match mailbox_path(&mbx) {
                None => {
                    err.extend_from_slice(b"Can't open this name: ");
                    err.extend_from_slice(shown);
                }
                Some(path) => match std::fs::File::open(std::ffi::OsStr::from_bytes(&path)) {
                    Err(e) => {
                        if !mbx.eq_ignore_ascii_case(b"INBOX") {
                            let text = errno_text(e.raw_os_error().unwrap_or(0));
                            err.extend_from_slice(&text[..text.len().min(80)]);
                            err.extend_from_slice(b": ");
                            err.extend_from_slice(shown);
                        }
                    }
                    Ok(f) => {
                        let meta = f.metadata().ok();
                        if !meta.as_ref().is_some_and(|m| m.is_file()) {
                            err.extend_from_slice(b"Can't open ");
                            err.extend_from_slice(shown);
                            err.extend_from_slice(b": not a selectable mailbox");
                        } else if meta.is_some_and(|m| m.len() > 0) {
                            err.extend_from_slice(b"Can't open ");
                            err.extend_from_slice(shown);
                            err.extend_from_slice(b" (file ");
                            err.extend_from_slice(&path[..path.len().min(80)]);
                            err.extend_from_slice(b"): not in valid mailbox format");
                        }
                    }
                },
            }
            if !err.is_empty() {
                let level = if s.silent() != 0 { WARN } else { ERROR };
                super::log(&String::from_utf8_lossy(&err), level);
                return null_mut();
            }
            if s.silent() == 0 {
                mail_exists(stream, 0);
                mail_recent(stream, 0);
                s.uid_validity = libc::time(null_mut()) as std::os::raw::c_ulong;
            }
            s.set_inbox(1);
            stream
        }
    })
}

fn errno_text(code: i32) -> Vec<u8> {
    // SAFETY: strerror returns a valid C string (static or thread-local).
    unsafe {
        c_bytes(libc::strerror(code))
            .unwrap_or(b"Unknown error")
            .to_vec()
    }
}

/// `dummy_close`: nothing to release.
// no-panic: empty body.
#[no_mangle]
pub extern "C" fn dummy_close(_stream: *mut MAILSTREAM, _options: c_long) {}

/// `dummy_ping`: every snarf interval, checks whether the file has become
/// a real mailbox and, if so, re-opens the stream with its driver.
///
/// # Safety
/// `stream` a live dummy stream.
#[no_mangle]
pub unsafe extern "C" fn dummy_ping(stream: *mut MAILSTREAM) -> c_long {
    super::guard("dummy_ping", 0, || {
        // SAFETY: per the contract; stream records are plain C data that the
        // original also moves with memcpy.
        unsafe {
            let now = libc::time(null_mut()) as i64;
            let s = &mut *stream;
            if now < s.gensym as i64 + snarf_interval() {
                return 1;
            }
            let proto = mail_open(null_mut(), s.mailbox, OP_PROTOTYPE);
            let test = if !proto.is_null() && (*proto).dtb != s.dtb {
                mail_open(null_mut(), s.mailbox, 0)
            } else {
                null_mut()
            };
            if test.is_null() {
                s.gensym = now as std::os::raw::c_ulong;
                return 1;
            }
            (*test).original_mailbox = s.original_mailbox;
            s.original_mailbox = null_mut();
            (*test).sparep = s.sparep;
            s.sparep = null_mut();
            (*test).sequence = s.sequence;
            // Close a copy of the old stream, then move the new one in place so
            // the application's pointer stays valid.
            let size = std::mem::size_of::<MAILSTREAM>();
            let old = fs_get(size) as *mut MAILSTREAM;
            std::ptr::copy_nonoverlapping(stream, old, 1);
            mail_close_full(old, 0);
            std::ptr::copy_nonoverlapping(test, stream, 1);
            let mut t = test as *mut c_void;
            fs_give(&mut t);
            (*stream).recent = (*stream).nmsgs;
            mail_exists(stream, (*stream).nmsgs);
            1
        }
    })
}

/// `dummy_check`: same as ping.
///
/// # Safety
/// As `dummy_ping`.
#[no_mangle]
pub unsafe extern "C" fn dummy_check(stream: *mut MAILSTREAM) {
    super::guard("dummy_check", (), || {
        // SAFETY: forwarded contract.
        unsafe { dummy_ping(stream) };
    })
}

/// `dummy_expunge`: an empty mailbox has nothing to expunge.
// no-panic: returns a constant.
#[no_mangle]
pub extern "C" fn dummy_expunge(
    _stream: *mut MAILSTREAM,
    _sequence: *mut c_char,
    _options: c_long,
) -> c_long {
    1
}

// Keeps helpers that tests and later drivers use from being reported unused.
#[allow(dead_code)]
fn _uses() -> (Owner, fn(&[u8]) -> *mut c_char) {
    (Owner::Env, c_string_from)
}
