//! The local news driver's exports (`news_valid`, `news_open`, ...). The
//! spool, the active file and the article measurements are in
//! `store::news`, the `.newsrc` in `env::newsrc`; this module keeps the
//! driver's state where the original keeps it: in the application's cache
//! elements (`\Deleted` is "read", the header and text cached in the
//! element) and a small record in `stream->local`.

use super::bindings::*;
use super::bridge::deliver;
use super::cache::{mail_elt, mail_exists, mail_gc, mail_recent};
use super::callbacks::mm_flags;
use super::memory::{c_bytes, fs_get};
use super::params::mail_parameters;
use crate::store::events::Recorder;
use crate::store::news as core;
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_void};
use std::ptr::null_mut;

extern "C" {
    fn mail_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
}

/// What an open news stream keeps (the original's NEWSLOCAL).
struct Local {
    /// The read state changed since `.newsrc` was last written.
    dirty: bool,
    /// The group's spool directory.
    dir: Vec<u8>,
    /// The group's name (without `#news.`).
    name: Vec<u8>,
    /// Bytes of header and text cached in the elements.
    cached: u64,
}

/// # Safety
/// `stream` live.
unsafe fn local<'a>(stream: *mut MAILSTREAM) -> Option<&'a mut Local> {
    // SAFETY: a news stream's local is a Box<Local> of ours or NULL.
    unsafe {
        if stream.is_null() || (*stream).local.is_null() {
            None
        } else {
            Some(&mut *((*stream).local as *mut Local))
        }
    }
}

fn param(code: c_long) -> Vec<u8> {
    // SAFETY: the environment codes answer a C string the library owns.
    unsafe {
        c_bytes(mail_parameters(null_mut(), code, null_mut()) as *const c_char)
            .map(|b| b.to_vec())
            .unwrap_or_default()
    }
}

fn active() -> Vec<u8> {
    param(GET_NEWSACTIVE)
}

fn spool() -> Vec<u8> {
    param(GET_NEWSSPOOL)
}

fn log(text: &[u8], level: c_long) {
    super::log_bytes(text, level);
}

/// `news_valid`: our driver when `name` is a group of the active file.
///
/// # Safety
/// `name` a C string.
#[no_mangle]
pub unsafe extern "C" fn news_valid(name: *mut c_char) -> *mut DRIVER {
    super::guard("news_valid", null_mut(), || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return null_mut();
        };
        if core::valid(n, &active(), &spool()) {
            std::ptr::addr_of_mut!(super::data::newsdriver)
        } else {
            null_mut()
        }
    })
}

/// `news_canonicalize`: reference and pattern as one news pattern, into
/// the caller's MAILTMPLEN buffer.
///
/// # Safety
/// `reference` NULL or a C string, `pat` a C string, `pattern` a
/// MAILTMPLEN buffer.
#[no_mangle]
pub unsafe extern "C" fn news_canonicalize(
    reference: *mut c_char,
    pat: *mut c_char,
    pattern: *mut c_char,
) -> c_long {
    super::guard("news_canonicalize", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let r = c_bytes(reference).unwrap_or(b"");
            let p = c_bytes(pat).unwrap_or(b"");
            let mut ev = Recorder::new();
            let out = core::canonicalize(r, p, &mut ev);
            deliver(null_mut(), ev.take());
            match out {
                Some(o) if o.len() < MAILTMPLEN as usize && !pattern.is_null() => {
                    std::ptr::copy_nonoverlapping(o.as_ptr(), pattern as *mut u8, o.len());
                    *pattern.add(o.len()) = 0;
                    1
                }
                _ => 0,
            }
        }
    })
}

/// `news_scan`: refused for news names.
///
/// # Safety
/// Arguments as for `mail_scan`.
#[no_mangle]
pub unsafe extern "C" fn news_scan(
    _stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
    _contents: *mut c_char,
) {
    super::guard("news_scan", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut ev = Recorder::new();
            let ok = core::canonicalize(
                c_bytes(reference).unwrap_or(b""),
                c_bytes(pat).unwrap_or(b""),
                &mut ev,
            );
            deliver(null_mut(), ev.take());
            if ok.is_some() {
                log(b"Scan not valid for news mailboxes", ERROR);
            }
        }
    })
}

/// `news_list`: the groups of the active file that match.
///
/// # Safety
/// Arguments as for `mail_list`.
#[no_mangle]
pub unsafe extern "C" fn news_list(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
) {
    super::guard("news_list", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut ev = Recorder::new();
            core::list(
                c_bytes(reference).unwrap_or(b""),
                c_bytes(pat).unwrap_or(b""),
                &active(),
                &spool(),
                &mut ev,
            );
            deliver(stream, ev.take());
        }
    })
}

/// `news_lsub`: the subscribed groups of `.newsrc` that match.
///
/// # Safety
/// Arguments as for `mail_lsub`.
#[no_mangle]
pub unsafe extern "C" fn news_lsub(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
) {
    super::guard("news_lsub", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut ev = Recorder::new();
            let p = core::canonicalize(
                c_bytes(reference).unwrap_or(b""),
                c_bytes(pat).unwrap_or(b""),
                &mut ev,
            );
            deliver(stream, ev.take());
            if let Some(p) = p {
                let file = super::newsrc::newsrc_name(stream);
                crate::env::newsrc::lsub(&file, &p, &mut ev);
                deliver(stream, ev.take());
            }
        }
    })
}

/// Subscription change of a valid group.
///
/// # Safety
/// `stream` NULL or live, `mailbox` a C string.
unsafe fn subscription(stream: *mut MAILSTREAM, mailbox: *mut c_char, state: u8) -> c_long {
    // SAFETY: per the contract.
    unsafe {
        let Some(m) = c_bytes(mailbox) else { return 0 };
        if !core::valid(m, &active(), &spool()) {
            return 0;
        }
        let file = super::newsrc::newsrc_name(stream);
        let mut ev = Recorder::new();
        let ok = crate::env::newsrc::update(&file, &m[6..], state, &mut ev);
        deliver(stream, ev.take());
        c_long::from(ok)
    }
}

/// `news_subscribe`: marks the group subscribed in `.newsrc`.
///
/// # Safety
/// `stream` NULL or live, `mailbox` a C string.
#[no_mangle]
pub unsafe extern "C" fn news_subscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: per the contract.
    super::guard("news_subscribe", 0, || unsafe {
        subscription(stream, mailbox, b':')
    })
}

/// `news_unsubscribe`: marks the group unsubscribed in `.newsrc`.
///
/// # Safety
/// `stream` NULL or live, `mailbox` a C string.
#[no_mangle]
pub unsafe extern "C" fn news_unsubscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: per the contract.
    super::guard("news_unsubscribe", 0, || unsafe {
        subscription(stream, mailbox, b'!')
    })
}

/// `news_create`: never possible (no message either).
#[no_mangle]
pub extern "C" fn news_create(_stream: *mut MAILSTREAM, _mailbox: *mut c_char) -> c_long {
    super::guard("news_create", 0, || 0)
}

/// `news_delete`: never possible.
#[no_mangle]
pub extern "C" fn news_delete(_stream: *mut MAILSTREAM, _mailbox: *mut c_char) -> c_long {
    super::guard("news_delete", 0, || 0)
}

/// `news_rename`: never possible.
#[no_mangle]
pub extern "C" fn news_rename(
    _stream: *mut MAILSTREAM,
    _old: *mut c_char,
    _new: *mut c_char,
) -> c_long {
    super::guard("news_rename", 0, || 0)
}

/// `news_open`: reads the group's spool directory, numbers the articles
/// by their file names and applies the `.newsrc` state. NULL stream: the
/// prototype.
///
/// # Safety
/// `stream` NULL or a stream being opened.
#[no_mangle]
pub unsafe extern "C" fn news_open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("news_open", null_mut(), || {
        if stream.is_null() {
            return std::ptr::addr_of_mut!(super::data::newsproto);
        }
        // SAFETY: per the contract.
        unsafe {
            if !(*stream).local.is_null() {
                super::sysutil::fatal_message("news recycle stream");
            }
            let mailbox = c_bytes((*stream).mailbox).unwrap_or(b"").to_vec();
            let group = mailbox.get(6..).unwrap_or(b"").to_vec();
            let dir = core::group_dir(&spool(), &group);
            let Some(uids) = core::articles(&dir) else {
                log(b"Unable to scan newsgroup spool directory", ERROR);
                return null_mut();
            };
            mail_exists(stream, uids.len() as c_ulong);
            let l = Box::new(Local {
                dirty: false,
                dir,
                name: group.clone(),
                cached: 0,
            });
            (*stream).local = Box::into_raw(l) as *mut c_void;
            for (i, &u) in uids.iter().enumerate() {
                (*mail_elt(stream, i as c_ulong + 1)).private.uid = u as c_ulong;
                (*stream).uid_last = u as c_ulong;
            }
            (*stream).sequence += 1;
            (*stream).set_rdonly(1);
            (*stream).set_perm_deleted(1);
            (*stream).uid_validity = 0xbeefface;
            let recent = super::newsrc::read_into(&group, stream);
            mail_recent(stream, recent as c_ulong);
            if (*stream).nmsgs == 0 && (*stream).silent() == 0 {
                let mut t = b"Newsgroup ".to_vec();
                t.extend_from_slice(&group);
                t.extend_from_slice(b" is empty");
                log(&t, WARN);
            }
            stream
        }
    })
}

/// `news_select`: a directory entry whose name is all digits.
///
/// # Safety
/// `name` a `struct dirent`.
#[no_mangle]
pub unsafe extern "C" fn news_select(name: *mut c_void) -> c_int {
    super::guard("news_select", 0, || {
        if name.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe {
            let d = name as *const libc::dirent;
            let n = c_bytes((*d).d_name.as_ptr()).unwrap_or(b"");
            c_int::from(n.iter().all(u8::is_ascii_digit))
        }
    })
}

/// `news_numsort`: orders two directory entries by their numbers.
///
/// # Safety
/// `d1`, `d2` point to `struct dirent *`.
#[no_mangle]
pub unsafe extern "C" fn news_numsort(d1: *const c_void, d2: *const c_void) -> c_int {
    super::guard("news_numsort", 0, || {
        // SAFETY: per the contract; atoi reads the NUL-terminated names.
        unsafe {
            let a = *(d1 as *const *const libc::dirent);
            let b = *(d2 as *const *const libc::dirent);
            libc::atoi((*a).d_name.as_ptr()).wrapping_sub(libc::atoi((*b).d_name.as_ptr()))
        }
    })
}

/// `news_close`: writes `.newsrc` if the read state changed.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn news_close(stream: *mut MAILSTREAM, _options: c_long) {
    super::guard("news_close", (), || {
        // SAFETY: per the contract.
        unsafe {
            if (*stream).local.is_null() {
                return;
            }
            check(stream);
            drop(Box::from_raw((*stream).local as *mut Local));
            (*stream).local = null_mut();
            (*stream).dtb = null_mut();
        }
    })
}

/// # Safety
/// `stream` live with a sequence string or NULL.
unsafe fn select(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) -> bool {
    // SAFETY: per the contract.
    unsafe {
        if sequence.is_null() {
            return false;
        }
        if flags & FT_UID as c_long != 0 {
            mail_uid_sequence(stream, sequence as *mut c_uchar) != 0
        } else {
            mail_sequence(stream, sequence as *mut c_uchar) != 0
        }
    }
}

/// `news_fast`: internal dates and sizes of the messages of `sequence`.
///
/// # Safety
/// `stream` live, `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn news_fast(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("news_fast", (), || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || (*stream).local.is_null() || !select(stream, sequence, flags) {
                return;
            }
            for i in 1..=(*stream).nmsgs {
                let e = &*mail_elt(stream, i);
                if e.sequence() != 0 && !(e.day() != 0 && e.rfc822_size != 0) {
                    load_message(stream, i, 0);
                }
            }
        }
    })
}

/// `news_flags`: every flag is known already.
///
/// # Safety
/// `stream` live, `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn news_flags(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    super::guard("news_flags", (), || {
        // SAFETY: per the contract.
        unsafe {
            if select(stream, sequence, flags) {
                for i in 1..=(*stream).nmsgs {
                    (*mail_elt(stream, i)).set_valid(1);
                }
            }
        }
    })
}

const NLM_HEADER: c_long = 1;
const NLM_TEXT: c_long = 2;

fn fs_text(data: &[u8]) -> *mut c_uchar {
    let p = fs_get(data.len() + 1) as *mut c_uchar;
    // SAFETY: p has room for data and a NUL.
    unsafe {
        std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
        *p.add(data.len()) = 0;
    }
    p
}

/// `news_load_message`: the article's date and sizes into its element,
/// and its header (`NLM_HEADER`) or text (`NLM_TEXT`) into the cache.
///
/// # Safety
/// `stream` a live news stream, `msgno` in range.
#[no_mangle]
pub unsafe extern "C" fn news_load_message(stream: *mut MAILSTREAM, msgno: c_ulong, flags: c_long) {
    // SAFETY: per the contract.
    super::guard("news_load_message", (), || unsafe {
        load_message(stream, msgno, flags)
    })
}

/// # Safety
/// As [`news_load_message`].
unsafe fn load_message(stream: *mut MAILSTREAM, msgno: c_ulong, flags: c_long) {
    // SAFETY: per the contract.
    unsafe {
        let Some(l) = local(stream) else { return };
        let e = &mut *mail_elt(stream, msgno);
        let want_header = flags & NLM_HEADER != 0 && e.private.msg.header.text.data.is_null();
        let want_text = flags & NLM_TEXT != 0 && e.private.msg.text.text.data.is_null();
        if !(e.day() == 0 || e.rfc822_size == 0 || want_header || want_text) {
            return;
        }
        let Some(a) = core::load(&l.dir, e.private.uid) else {
            return;
        };
        if e.day() == 0 {
            if let Some(t) = crate::os::clock::utc(a.mtime) {
                e.set_day(t.mday as u32);
                e.set_month(t.mon as u32 + 1);
                e.set_year((t.year + 1900 - BASEYEAR) as u32);
                e.set_hours(t.hour as u32);
                e.set_minutes(t.min as u32);
                e.set_seconds(t.sec as u32);
                e.set_zhours(0);
                e.set_zminutes(0);
            }
        }
        if e.rfc822_size == 0 {
            e.rfc822_size = a.size as c_ulong;
            e.private.special.text.size = a.header_end as c_ulong;
            e.private.msg.header.text.size = a.header_size as c_ulong;
            e.private.msg.text.text.size = (a.size - a.header_size) as c_ulong;
        }
        if want_header || want_text {
            let limit = ((*stream).nmsgs * 4096).max(2_097_152);
            if l.cached > limit {
                mail_gc(stream, GC_TEXTS as c_long);
                l.cached = 0;
            }
            let e = &mut *mail_elt(stream, msgno);
            if want_header && e.private.msg.header.text.data.is_null() {
                let h = a.header();
                l.cached += h.len() as u64;
                e.private.msg.header.text.data = fs_text(&h);
                e.private.msg.header.text.size = h.len() as c_ulong;
            }
            if want_text && e.private.msg.text.text.data.is_null() {
                let t = a.text();
                l.cached += t.len() as u64;
                e.private.msg.text.text.data = fs_text(&t);
                e.private.msg.text.text.size = t.len() as c_ulong;
            }
        }
    }
}

/// `news_header`: the article's header (CRLF line ends).
///
/// # Safety
/// `stream` a live news stream, `msgno` in range, `length` writable.
#[no_mangle]
pub unsafe extern "C" fn news_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    length: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("news_header", c"".as_ptr() as *mut c_char, || {
        // SAFETY: per the contract.
        unsafe {
            *length = 0;
            if flags & FT_UID as c_long != 0 {
                return c"".as_ptr() as *mut c_char;
            }
            let e = mail_elt(stream, msgno);
            if (*e).private.msg.header.text.data.is_null() {
                load_message(stream, msgno, NLM_HEADER);
            }
            let e = mail_elt(stream, msgno);
            if (*e).private.msg.header.text.data.is_null() {
                return c"".as_ptr() as *mut c_char;
            }
            *length = (*e).private.msg.header.text.size;
            (*e).private.msg.header.text.data as *mut c_char
        }
    })
}

/// `news_text`: the article's body; marks it seen unless `FT_PEEK`.
///
/// # Safety
/// `stream` a live news stream, `msgno` in range, `bs` writable.
#[no_mangle]
pub unsafe extern "C" fn news_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    bs: *mut STRING,
    flags: c_long,
) -> c_long {
    super::guard("news_text", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if flags & FT_UID as c_long != 0 {
                return 0;
            }
            let e = mail_elt(stream, msgno);
            if (*e).private.msg.text.text.data.is_null() {
                load_message(stream, msgno, NLM_TEXT);
                if (*mail_elt(stream, msgno))
                    .private
                    .msg
                    .text
                    .text
                    .data
                    .is_null()
                {
                    return 0;
                }
            }
            if flags & FT_PEEK as c_long == 0 {
                (*mail_elt(stream, msgno)).set_seen(1);
                mm_flags(stream, msgno);
            }
            let e = mail_elt(stream, msgno);
            let driver = std::ptr::addr_of_mut!(super::data::mail_string);
            (*bs).dtb = driver;
            if let Some(init) = (*driver).init {
                init(
                    bs,
                    (*e).private.msg.text.text.data as *mut c_void,
                    (*e).private.msg.text.text.size,
                );
            }
            1
        }
    })
}

/// `news_flagmsg`: notes whether a flag change touched `\Deleted` (read),
/// so that `.newsrc` is written at the next check or close.
///
/// # Safety
/// `stream` a live news stream, `elt` one of its elements.
#[no_mangle]
pub unsafe extern "C" fn news_flagmsg(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE) {
    super::guard("news_flagmsg", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(l) = local(stream) else { return };
            let Some(e) = elt.as_mut() else { return };
            if l.dirty {
                return;
            }
            if e.valid() != 0 {
                if e.sequence() != e.deleted() {
                    l.dirty = true;
                }
                e.set_sequence(1);
            } else {
                e.set_sequence(e.deleted());
            }
        }
    })
}

/// `news_ping`: always alive.
#[no_mangle]
pub extern "C" fn news_ping(_stream: *mut MAILSTREAM) -> c_long {
    super::guard("news_ping", 0, || 1)
}

/// # Safety
/// `stream` a live news stream.
unsafe fn check(stream: *mut MAILSTREAM) {
    // SAFETY: per the contract.
    unsafe {
        let Some(l) = local(stream) else { return };
        if l.dirty {
            let name = l.name.clone();
            super::newsrc::write_from(&name, stream);
        }
        if let Some(l) = local(stream) {
            l.dirty = false;
        }
    }
}

/// `news_check`: writes `.newsrc` if the read state changed.
///
/// # Safety
/// `stream` a live news stream.
#[no_mangle]
pub unsafe extern "C" fn news_check(stream: *mut MAILSTREAM) {
    // SAFETY: per the contract.
    super::guard("news_check", (), || unsafe { check(stream) })
}

/// `news_expunge`: nothing to do on a read-only group (said unless the
/// stream is silent).
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn news_expunge(
    stream: *mut MAILSTREAM,
    _sequence: *mut c_char,
    _options: c_long,
) -> c_long {
    super::guard("news_expunge", 0, || {
        // SAFETY: per the contract.
        if unsafe { (*stream).silent() } == 0 {
            log(b"Expunge ignored on readonly mailbox", NIL as c_long);
        }
        1
    })
}

/// `news_copy`: only through the application's proxy-copy hook.
///
/// # Safety
/// Arguments as for `mail_copy_full`.
#[no_mangle]
pub unsafe extern "C" fn news_copy(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    mailbox: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("news_copy", 0, || {
        // SAFETY: the hook, when set, has the mailproxycopy_t signature.
        unsafe {
            let hook = mail_parameters(stream, GET_MAILPROXYCOPY, null_mut());
            if !hook.is_null() {
                let pc: unsafe extern "C" fn(
                    *mut MAILSTREAM,
                    *mut c_char,
                    *mut c_char,
                    c_long,
                ) -> c_long = std::mem::transmute(hook);
                return pc(stream, sequence, mailbox, options);
            }
        }
        log(b"Copy not valid for News", ERROR);
        0
    })
}

/// `news_append`: refused.
#[no_mangle]
pub extern "C" fn news_append(
    _stream: *mut MAILSTREAM,
    _mailbox: *mut c_char,
    _af: append_t,
    _data: *mut c_void,
) -> c_long {
    super::guard("news_append", 0, || {
        log(b"Append not valid for news", ERROR);
        0
    })
}
