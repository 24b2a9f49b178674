//! The dummy driver's exports: conversions around `crate::store::dummy`,
//! which decides everything, plus the one thing only the C side can do,
//! switching a dummy stream over to a real driver in place when its file
//! acquires a format. Also the LIST wildcard matchers.

use super::bindings::*;
use super::bridge::{deliver, CChain};
use super::cache::{mail_exists, mail_recent};
use super::memory::{c_bytes, fs_get, fs_give};
use super::stream::{mail_close_full, mail_open};
use crate::env::params::{number, Owner};
use crate::store::dummy as core;
use crate::store::events::{Events, Level, Recorder};
use crate::store::pattern;
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_void};
use std::ptr::null_mut;

extern "C" {
    fn mail_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn sm_subscribe(mailbox: *mut c_char) -> c_long;
    fn default_proto(type_: c_long) -> *mut MAILSTREAM;
}

/// Runs `f` with a recorder and delivers what it recorded to `stream`'s
/// callbacks afterwards.
fn recorded<R>(stream: *mut MAILSTREAM, f: impl FnOnce(&mut Recorder) -> R) -> R {
    let mut rec = Recorder::new();
    let r = f(&mut rec);
    // SAFETY: the caller's stream (NULL or live), as the original passes it
    // to mm_list and friends.
    unsafe { deliver(stream, rec.take()) };
    r
}

/// Copies `p` into the caller's MAILTMPLEN buffer `dst`.
fn write_path(dst: *mut c_char, p: &[u8]) -> *mut c_char {
    if dst.is_null() || p.len() >= MAILTMPLEN as usize {
        return null_mut();
    }
    // SAFETY: callers pass MAILTMPLEN bytes; room checked above.
    unsafe {
        std::ptr::copy_nonoverlapping(p.as_ptr(), dst as *mut u8, p.len());
        *dst.add(p.len()) = 0;
    }
    dst
}

/// `dummy_file`: writes the file of mailbox `name` into `dst`
/// (MAILTMPLEN bytes) and returns `dst`, or NULL for a name that maps to
/// no file.
///
/// # Safety
/// `dst` must have MAILTMPLEN bytes; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_file(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("dummy_file", null_mut(), || {
        // SAFETY: per the contract.
        let Some(name) = (unsafe { c_bytes(name) }) else {
            return null_mut();
        };
        match core::mailbox_path(name) {
            Some(p) => write_path(dst, &p),
            None => null_mut(),
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
    super::guard("dummy_valid", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { c_bytes(name) } {
            Some(n) if core::valid(n) => dummy(),
            _ => null_mut(),
        }
    })
}

/// `dummy_parameters`: only the INBOX path.
#[no_mangle]
pub extern "C" fn dummy_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("dummy_parameters", null_mut(), || {
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
    super::guard("dummy_open", null_mut(), || {
        if stream.is_null() {
            return std::ptr::addr_of_mut!(super::data::dummyproto);
        }
        // SAFETY: per the contract.
        unsafe {
            let s = &mut *stream;
            let mbx = c_bytes(s.mailbox).unwrap_or(b"").to_vec();
            if let Some(err) = core::open_error(&mbx) {
                let level = if s.silent() != 0 { WARN } else { ERROR };
                super::log_bytes(&err, level);
                return null_mut();
            }
            if s.silent() == 0 {
                mail_exists(stream, 0);
                mail_recent(stream, 0);
                s.uid_validity = libc::time(null_mut()) as c_ulong;
            }
            s.set_inbox(1);
            stream
        }
    })
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
            if now < s.gensym as i64 + number(Owner::Mail, GET_SNARFINTERVAL) {
                return 1;
            }
            let proto = mail_open(null_mut(), s.mailbox, OP_PROTOTYPE);
            let test = if !proto.is_null() && (*proto).dtb != s.dtb {
                mail_open(null_mut(), s.mailbox, 0)
            } else {
                null_mut()
            };
            if test.is_null() {
                s.gensym = now as c_ulong;
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

/// `dummy_copy`: an empty mailbox has no messages to copy; a sequence
/// that names any is impossible.
///
/// # Safety
/// `stream` live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_copy(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    _mailbox: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("dummy_copy", 0, || {
        // SAFETY: per the contract.
        let valid = unsafe {
            if options & CP_UID != 0 {
                mail_uid_sequence(stream, sequence as *mut c_uchar)
            } else {
                mail_sequence(stream, sequence as *mut c_uchar)
            }
        };
        if valid != 0 {
            super::sysutil::fatal_message("Impossible dummy_copy");
        }
        0
    })
}

/// `dummy_append`: INBOX and empty files take the default format's
/// append; anything else fails with the original's messages.
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated; `af` an append_t.
#[no_mangle]
pub unsafe extern "C" fn dummy_append(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    af: append_t,
    data: *mut c_void,
) -> c_long {
    super::guard("dummy_append", 0, || {
        // SAFETY: per the contract; default_proto gives a prototype stream
        // of a linked driver (or NULL).
        unsafe {
            let name = c_bytes(mailbox).unwrap_or(b"");
            let mut proto = default_proto(1);
            match core::append_target(name) {
                Ok(core::AppendTarget::Inbox) => {
                    if proto.is_null() {
                        let p = default_proto(0);
                        let created = p
                            .as_ref()
                            .and_then(|p| p.dtb.as_ref())
                            .and_then(|d| d.create)
                            .is_some_and(|create| create(p, c"INBOX".as_ptr() as *mut c_char) != 0);
                        proto = if created { p } else { null_mut() };
                    }
                }
                Ok(core::AppendTarget::DefaultFormat) => {}
                Ok(core::AppendTarget::Indeterminate) => proto = null_mut(),
                Err((text, missing)) => {
                    if missing {
                        let mut t = b"[TRYCREATE] Must create mailbox before append\0".to_vec();
                        super::callbacks::mm_notify(
                            stream,
                            t.as_mut_ptr() as *mut c_char,
                            NIL as c_long,
                        );
                    }
                    super::log_bytes(&text, ERROR);
                    return 0;
                }
            }
            if let Some(append) = proto
                .as_ref()
                .and_then(|p| p.dtb.as_ref())
                .and_then(|d| d.append)
            {
                return append(stream, mailbox, af, data);
            }
            super::log_bytes(&core::indeterminate_format(name), ERROR);
            0
        }
    })
}

/// `dummy_canonicalize`: writes the reference applied to the pattern into
/// `tmp` (MAILTMPLEN bytes); 0 when it cannot be listed.
///
/// # Safety
/// `tmp` MAILTMPLEN bytes; `reference` NULL or and `pattern`
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_canonicalize(
    tmp: *mut c_char,
    reference: *mut c_char,
    pattern: *mut c_char,
) -> c_long {
    super::guard("dummy_canonicalize", 0, || {
        // SAFETY: per the contract.
        let (r, p) = unsafe { (c_bytes(reference), c_bytes(pattern).unwrap_or(b"")) };
        match recorded(null_mut(), |ev| core::canonicalize(r, p, ev)) {
            Some(name) => c_long::from(!write_path(tmp, &name).is_null()),
            None => 0,
        }
    })
}

/// `dummy_scan`.
///
/// # Safety
/// `stream` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_scan(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
    contents: *mut c_char,
) {
    super::guard("dummy_scan", (), || {
        // SAFETY: per the contract.
        let (r, p, c) = unsafe {
            (
                c_bytes(reference),
                c_bytes(pattern).unwrap_or(b""),
                c_bytes(contents),
            )
        };
        recorded(stream, |ev| core::scan(&mut CChain, r, p, c, ev));
    })
}

/// `dummy_list`: `dummy_scan` without contents.
///
/// # Safety
/// As `dummy_scan`.
#[no_mangle]
pub unsafe extern "C" fn dummy_list(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
) {
    super::guard("dummy_list", (), || {
        // SAFETY: forwarded contract.
        unsafe { dummy_scan(stream, reference, pattern, null_mut()) }
    })
}

/// `dummy_lsub`: the subscribed local names that match.
///
/// # Safety
/// As `dummy_scan`.
#[no_mangle]
pub unsafe extern "C" fn dummy_lsub(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
) {
    super::guard("dummy_lsub", (), || {
        // SAFETY: per the contract.
        let (r, p) = unsafe { (c_bytes(reference), c_bytes(pattern).unwrap_or(b"")) };
        let subscribed = core::subscriptions();
        recorded(stream, |ev| core::lsub(r, p, &subscribed, ev));
    })
}

/// `dummy_list_work`: one directory level of a listing.
///
/// # Safety
/// As `dummy_scan`; `dir` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_list_work(
    stream: *mut MAILSTREAM,
    dir: *mut c_char,
    pattern: *mut c_char,
    contents: *mut c_char,
    level: c_long,
) {
    super::guard("dummy_list_work", (), || {
        // SAFETY: per the contract.
        let (d, p, c) = unsafe {
            (
                c_bytes(dir),
                c_bytes(pattern).unwrap_or(b""),
                c_bytes(contents),
            )
        };
        recorded(stream, |ev| {
            core::list_work(&mut CChain, d, p, c, level, ev)
        });
    })
}

/// `dummy_listed`: reports one name with its attributes.
///
/// # Safety
/// As `dummy_scan`; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_listed(
    stream: *mut MAILSTREAM,
    delimiter: c_char,
    name: *mut c_char,
    attributes: c_long,
    contents: *mut c_char,
) -> c_long {
    super::guard("dummy_listed", 0, || {
        // SAFETY: per the contract.
        let (n, c) = unsafe { (c_bytes(name).unwrap_or(b""), c_bytes(contents)) };
        let delimiter = (delimiter != 0).then_some(delimiter as u8);
        recorded(stream, |ev| {
            core::listed(&mut CChain, delimiter, n, attributes, c, ev)
        })
        .into()
    })
}

/// `dummy_scan_contents`: whether file `name` holds `contents`.
///
/// # Safety
/// `name` NUL-terminated; `contents` readable for `csiz` bytes.
#[no_mangle]
pub unsafe extern "C" fn dummy_scan_contents(
    name: *mut c_char,
    contents: *mut c_char,
    csiz: c_ulong,
    fsiz: c_ulong,
) -> c_long {
    super::guard("dummy_scan_contents", 0, || {
        if contents.is_null() || name.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        let (n, c) = unsafe {
            (
                c_bytes(name).unwrap_or(b""),
                std::slice::from_raw_parts(contents as *const u8, csiz as usize),
            )
        };
        core::scan_file(n, c, fsiz).into()
    })
}

/// `scan_contents`: through `dtb`'s own scanner when it has one.
///
/// # Safety
/// `dtb` NULL or live; as `dummy_scan_contents`.
#[no_mangle]
pub unsafe extern "C" fn scan_contents(
    dtb: *mut DRIVER,
    name: *mut c_char,
    contents: *mut c_char,
    csiz: c_ulong,
    fsiz: c_ulong,
) -> c_long {
    super::guard("scan_contents", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let sc = dtb
                .as_ref()
                .and_then(|d| d.parameters)
                .map(|f| f(GET_SCANCONTENTS, null_mut()))
                .filter(|p| !p.is_null())
                .and_then(|p| std::mem::transmute::<*mut c_void, scancontents_t>(p));
            match sc {
                Some(f) => f(name, contents, csiz, fsiz),
                None => dummy_scan_contents(name, contents, csiz, fsiz),
            }
        }
    })
}

/// `dummy_create`.
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_create(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("dummy_create", 0, || {
        // SAFETY: per the contract.
        let m = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
        recorded(stream, |ev| core::create(m, ev)).into()
    })
}

/// `dummy_create_path`: creates a file (a directory for a trailing `/`)
/// and the directories above it.
///
/// # Safety
/// `path` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_create_path(
    stream: *mut MAILSTREAM,
    path: *mut c_char,
    dirmode: c_long,
) -> c_long {
    super::guard("dummy_create_path", 0, || {
        // SAFETY: per the contract.
        let p = unsafe { c_bytes(path) }.unwrap_or(b"");
        recorded(stream, |ev| core::create_path(p, dirmode as u32, ev)).into()
    })
}

/// `dummy_delete`.
///
/// # Safety
/// As `dummy_create`.
#[no_mangle]
pub unsafe extern "C" fn dummy_delete(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("dummy_delete", 0, || {
        // SAFETY: per the contract.
        let m = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
        recorded(stream, |ev| core::delete(m, ev)).into()
    })
}

/// `dummy_rename`.
///
/// # Safety
/// As `dummy_create`; both names NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dummy_rename(
    stream: *mut MAILSTREAM,
    old: *mut c_char,
    newname: *mut c_char,
) -> c_long {
    super::guard("dummy_rename", 0, || {
        // SAFETY: per the contract.
        let (o, n) = unsafe { (c_bytes(old).unwrap_or(b""), c_bytes(newname).unwrap_or(b"")) };
        recorded(stream, |ev| core::rename(o, n, ev)).into()
    })
}

/// `dummy_subscribe`: files (and, with a warning, directories) only.
///
/// # Safety
/// As `dummy_create`.
#[no_mangle]
pub unsafe extern "C" fn dummy_subscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("dummy_subscribe", 0, || {
        // SAFETY: per the contract.
        let m = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
        match core::subscribe_check(m) {
            Ok(is_dir) => {
                if is_dir {
                    recorded(stream, |ev| {
                        ev.notify(&core::subscribe_directory_warning(m), Level::Warn)
                    });
                }
                // SAFETY: forwarded contract.
                unsafe { sm_subscribe(mailbox) }
            }
            Err(text) => {
                super::log_bytes(&text, ERROR);
                0
            }
        }
    })
}

/// `pmatch_full`: wildcard match of `s` against `pat`.
///
/// # Safety
/// Both NUL-terminated (NULL never matches).
#[no_mangle]
pub unsafe extern "C" fn pmatch_full(s: *mut c_uchar, pat: *mut c_uchar, delim: c_uchar) -> c_long {
    super::guard("pmatch_full", 0, || {
        // SAFETY: per the contract.
        match unsafe { (c_bytes(s as *const c_char), c_bytes(pat as *const c_char)) } {
            (Some(s), Some(p)) => pattern::pmatch_full(s, p, delim).into(),
            _ => 0,
        }
    })
}

/// `dmatch`: whether directory `s` may hold names matching `pat`.
///
/// # Safety
/// Both NUL-terminated (NULL never matches).
#[no_mangle]
pub unsafe extern "C" fn dmatch(s: *mut c_uchar, pat: *mut c_uchar, delim: c_uchar) -> c_long {
    super::guard("dmatch", 0, || {
        // SAFETY: per the contract.
        match unsafe { (c_bytes(s as *const c_char), c_bytes(pat as *const c_char)) } {
            (Some(s), Some(p)) => pattern::dmatch(s, p, delim).into(),
            _ => 0,
        }
    })
}
