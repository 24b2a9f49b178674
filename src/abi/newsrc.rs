//! The newsrc exports (`newsrc_read`, `newsrc_write`, ...): conversions
//! around `env::newsrc`, which reads and writes the file. The stream's
//! newsrc name comes from `mail_parameters(stream, GET_NEWSRC, stream)`, so
//! the stream's driver decides it (the local news driver: the environment's
//! name; nntp: one per host when asked).

use super::bindings::*;
use super::bridge::deliver;
use super::cache::mail_elt;
use super::memory::{c_bytes, c_string_from};
use super::params::mail_parameters;
use crate::env::newsrc as core;
use crate::store::events::Recorder;
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_void};
use std::ptr::null_mut;

/// The newsrc file name of `stream`.
///
/// # Safety
/// `stream` NULL or live.
pub unsafe fn newsrc_name(stream: *mut MAILSTREAM) -> Vec<u8> {
    // SAFETY: GET_NEWSRC returns a C string (or NULL) that the library owns.
    unsafe {
        let p = mail_parameters(stream, GET_NEWSRC, stream as *mut c_void) as *const c_char;
        c_bytes(p).map(|b| b.to_vec()).unwrap_or_default()
    }
}

/// UIDs of the messages of `stream`, in order.
///
/// # Safety
/// `stream` live.
unsafe fn uids(stream: *mut MAILSTREAM) -> Vec<(u64, bool)> {
    // SAFETY: the cache holds nmsgs elements.
    unsafe {
        (1..=(*stream).nmsgs)
            .map(|i| {
                let e = &*mail_elt(stream, i);
                (e.private.uid, e.deleted() != 0)
            })
            .collect()
    }
}

/// Applies the state of `group` in the newsrc to the messages of `stream`
/// (read ones `\Deleted`, never seen ones recent); returns the number of
/// recent messages. Reports through `mm_log`/`mm_notify`.
///
/// # Safety
/// `group` a C string, `stream` live.
pub unsafe fn read_into(group: &[u8], stream: *mut MAILSTREAM) -> u64 {
    // SAFETY: per the contract.
    unsafe {
        let file = newsrc_name(stream);
        let ids: Vec<u64> = uids(stream).into_iter().map(|(u, _)| u).collect();
        let mut ev = Recorder::new();
        let (marks, recent) = core::read(&file, group, &ids, &mut ev);
        for (i, m) in marks.iter().enumerate() {
            let e = &mut *mail_elt(stream, i as c_ulong + 1);
            if m.valid {
                e.set_valid(1);
            }
            if m.deleted {
                e.set_deleted(1);
            }
            if m.recent {
                e.set_recent(1);
            }
        }
        deliver(stream, ev.take());
        recent
    }
}

/// Writes the read state of `stream` as `group`'s entry.
///
/// # Safety
/// `stream` live.
pub unsafe fn write_from(group: &[u8], stream: *mut MAILSTREAM) -> bool {
    // SAFETY: per the contract.
    unsafe {
        let file = newsrc_name(stream);
        let msgs = uids(stream);
        let mut ev = Recorder::new();
        let ok = core::write(&file, group, &msgs, &mut ev);
        deliver(stream, ev.take());
        ok
    }
}

/// `newsrc_read`: see [`read_into`].
///
/// # Safety
/// `group` a C string, `stream` live.
#[no_mangle]
pub unsafe extern "C" fn newsrc_read(group: *mut c_char, stream: *mut MAILSTREAM) -> c_long {
    super::guard("newsrc_read", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(g) = c_bytes(group) else { return 0 };
            read_into(g, stream) as c_long
        }
    })
}

/// `newsrc_write`: records which messages of `stream` are read (its
/// `\Deleted` ones) as the entry of `group`.
///
/// # Safety
/// `group` a C string, `stream` live.
#[no_mangle]
pub unsafe extern "C" fn newsrc_write(group: *mut c_char, stream: *mut MAILSTREAM) -> c_long {
    super::guard("newsrc_write", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(g) = c_bytes(group) else { return 0 };
            c_long::from(write_from(g, stream))
        }
    })
}

/// `newsrc_lsub`: answers LSUB for `pattern` from the subscribed groups.
///
/// # Safety
/// `stream` NULL or live, `pattern` a C string.
#[no_mangle]
pub unsafe extern "C" fn newsrc_lsub(stream: *mut MAILSTREAM, pattern: *mut c_char) {
    super::guard("newsrc_lsub", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(p) = c_bytes(pattern) else { return };
            let file = newsrc_name(stream);
            let mut ev = Recorder::new();
            core::lsub(&file, p, &mut ev);
            deliver(stream, ev.take());
        }
    })
}

/// `newsrc_update`: subscribes (`:`) or unsubscribes (`!`) `group`.
///
/// # Safety
/// `stream` NULL or live, `group` a C string.
#[no_mangle]
pub unsafe extern "C" fn newsrc_update(
    stream: *mut MAILSTREAM,
    group: *mut c_char,
    state: c_char,
) -> c_long {
    super::guard("newsrc_update", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(g) = c_bytes(group) else { return 0 };
            let file = newsrc_name(stream);
            let mut ev = Recorder::new();
            let ok = core::update(&file, g, state as u8, &mut ev);
            deliver(stream, ev.take());
            c_long::from(ok)
        }
    })
}

/// `newsrc_state`: the state text of `group` (the caller frees it), or
/// NULL.
///
/// # Safety
/// `stream` NULL or live, `group` a C string.
#[no_mangle]
pub unsafe extern "C" fn newsrc_state(stream: *mut MAILSTREAM, group: *mut c_char) -> *mut c_char {
    super::guard("newsrc_state", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(g) = c_bytes(group) else {
                return null_mut();
            };
            let file = newsrc_name(stream);
            let mut ev = Recorder::new();
            let s = core::state(&file, g, &mut ev);
            deliver(stream, ev.take());
            s.map_or(null_mut(), |s| c_string_from(&s))
        }
    })
}

/// `newsrc_check_uid`: counts `uid` into `recent`/`unseen` against a
/// group's state text.
///
/// # Safety
/// `state` a C string; `recent`, `unseen` writable.
#[no_mangle]
pub unsafe extern "C" fn newsrc_check_uid(
    state: *mut c_uchar,
    uid: c_ulong,
    recent: *mut c_ulong,
    unseen: *mut c_ulong,
) {
    super::guard("newsrc_check_uid", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(s) = c_bytes(state as *const c_char) else {
                return;
            };
            let (mut r, mut u) = (*recent, *unseen);
            core::check_uid(s, uid, &mut r, &mut u);
            *recent = r;
            *unseen = u;
        }
    })
}

/// `newsrc_error`: logs `fmt` with `text` at `errflg`; returns NIL.
///
/// # Safety
/// `fmt` a printf format taking one string, `text` a C string.
#[no_mangle]
pub unsafe extern "C" fn newsrc_error(
    fmt: *mut c_char,
    text: *mut c_char,
    errflg: c_long,
) -> c_long {
    super::guard("newsrc_error", 0, || {
        let mut buf = vec![0u8; MAILTMPLEN as usize];
        // SAFETY: bounded formatting into our buffer, with the caller's
        // format and argument.
        unsafe {
            libc::snprintf(buf.as_mut_ptr() as *mut c_char, buf.len(), fmt, text);
        }
        super::log_bytes(&buf, errflg);
        0
    })
}

/// `newsrc_write_error`: closes the files given and logs the write error.
///
/// # Safety
/// `name` a C string; `f1`, `f2` NULL or open files (closed here).
#[no_mangle]
pub unsafe extern "C" fn newsrc_write_error(
    name: *mut c_char,
    f1: *mut libc::FILE,
    f2: *mut libc::FILE,
) -> c_long {
    super::guard("newsrc_write_error", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if !f1.is_null() {
                libc::fclose(f1);
            }
            if !f2.is_null() {
                libc::fclose(f2);
            }
            let n = c_bytes(name).unwrap_or(b"");
            let mut t = b"Error writing to ".to_vec();
            t.extend_from_slice(&n[..n.len().min(80)]);
            super::log_bytes(&t, ERROR);
        }
        0
    })
}

/// `newsrc_create`: creates (truncates) the newsrc of `stream` for
/// writing, saying so at WARN when `notify`.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn newsrc_create(stream: *mut MAILSTREAM, notify: c_int) -> *mut libc::FILE {
    super::guard("newsrc_create", null_mut(), || {
        // SAFETY: per the contract; fopen gets a NUL-terminated name.
        unsafe {
            let name = newsrc_name(stream);
            let mut z = name.clone();
            z.push(0);
            let f = libc::fopen(z.as_ptr() as *const c_char, c"wb".as_ptr());
            let shown = &name[..name.len().min(80)];
            if f.is_null() {
                let mut t = b"Unable to create news state ".to_vec();
                t.extend_from_slice(shown);
                super::log_bytes(&t, ERROR);
            } else if notify != 0 {
                let mut t = b"Creating news state ".to_vec();
                t.extend_from_slice(shown);
                super::log_bytes(&t, WARN);
            }
            f
        }
    })
}

/// `newsrc_newstate`: writes `group`, its state character, a space and
/// `nl` to `f` and closes it. The original closes `f` even when it is
/// NULL (and crashes); here a NULL file is a failure.
///
/// # Safety
/// `f` NULL or an open file (closed here); `group`, `nl` C strings.
#[no_mangle]
pub unsafe extern "C" fn newsrc_newstate(
    f: *mut libc::FILE,
    group: *mut c_char,
    state: c_char,
    nl: *mut c_char,
) -> c_long {
    super::guard("newsrc_newstate", 0, || {
        if f.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe {
            let mut ok = libc::fputs(group, f) != libc::EOF
                && libc::fputc(c_int::from(state as u8), f) != libc::EOF
                && libc::fputc(c_int::from(b' '), f) != libc::EOF
                && libc::fputs(nl, f) != libc::EOF;
            if libc::fclose(f) == libc::EOF {
                ok = false;
            }
            c_long::from(ok)
        }
    })
}

/// `newsrc_newmessages`: writes the read ranges of `stream` and `nl` to
/// `f`.
///
/// # Safety
/// `f` an open file, `stream` live, `nl` a C string.
#[no_mangle]
pub unsafe extern "C" fn newsrc_newmessages(
    f: *mut libc::FILE,
    stream: *mut MAILSTREAM,
    nl: *mut c_char,
) -> c_long {
    super::guard("newsrc_newmessages", 0, || {
        if f.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe {
            let nl = c_bytes(nl).unwrap_or(b"\n");
            let text = core::ranges(&uids(stream), nl);
            let n = libc::fwrite(text.as_ptr() as *const c_void, 1, text.len(), f);
            c_long::from(n == text.len())
        }
    })
}
