//! The mh driver's exports beyond the slots `core_driver!` makes: its
//! name tests, path helpers, LIST/LSUB of `#mh/` names, and the slots the
//! original fills with its own routines (fast, copy, subscribe).

use super::bindings::*;
use super::memory::c_bytes;
use crate::store::events::Recorder;
use crate::store::mh;
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::ptr::null_mut;

extern "C" {
    fn sm_subscribe(mailbox: *mut c_char) -> c_long;
    fn sm_unsubscribe(mailbox: *mut c_char) -> c_long;
}

/// Delivers what a core call reported (no stream: logs only).
fn deliver(stream: *mut MAILSTREAM, mut r: Recorder) {
    // SAFETY: the stream is the caller's (NULL or live).
    unsafe { super::bridge::deliver(stream, r.take()) }
}

/// Copies `text` into the caller's MAILTMPLEN buffer `dst`, cut to fit.
///
/// # Safety
/// `dst` NULL or writable for MAILTMPLEN bytes.
unsafe fn put(dst: *mut c_char, text: &[u8]) {
    if dst.is_null() {
        return;
    }
    let n = text.len().min(MAILTMPLEN as usize - 1);
    // SAFETY: per the contract.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), dst as *mut u8, n);
        *dst.add(n) = 0;
    }
}

fn set_errno(e: i32) {
    // SAFETY: the calling thread's errno.
    unsafe { *libc::__errno_location() = e };
}

/// `mh_valid`: the driver when `name` is an MH name (syntax only).
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_valid(name: *mut c_char) -> *mut DRIVER {
    super::guard("mh_valid", null_mut(), || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return null_mut();
        };
        let mut r = Recorder::new();
        let (ok, e) = mh::probe(n, true, &mut r);
        deliver(null_mut(), r);
        set_errno(e);
        if ok {
            std::ptr::addr_of_mut!(super::data::mhdriver)
        } else {
            null_mut()
        }
    })
}

/// `mh_isvalid`: whether `name` is an MH folder (`synonly`: an MH name);
/// `errno` as the original leaves it, the folder's directory in `tmp`.
///
/// # Safety
/// `name` NUL-terminated; `tmp` NULL or MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn mh_isvalid(name: *mut c_char, tmp: *mut c_char, synonly: c_long) -> c_int {
    super::guard("mh_isvalid", 0, || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return 0;
        };
        let mut r = Recorder::new();
        let (ok, e) = mh::probe(n, synonly != 0, &mut r);
        deliver(null_mut(), r);
        if let Some(d) = mh::mh_file(n) {
            // SAFETY: per the contract.
            unsafe { put(tmp, &d) };
        }
        set_errno(e);
        ok.into()
    })
}

/// `mh_namevalid`.
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_namevalid(name: *mut c_char) -> c_int {
    super::guard("mh_namevalid", 0, || {
        // SAFETY: per the contract.
        unsafe { c_bytes(name) }.is_some_and(mh::name_valid).into()
    })
}

/// `mh_dirfmttest`: whether a directory entry belongs to the format.
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_dirfmttest(name: *mut c_char) -> c_long {
    super::guard("mh_dirfmttest", 0, || {
        // SAFETY: per the contract.
        unsafe { c_bytes(name) }.is_some_and(mh::dirfmt_test).into()
    })
}

/// `mh_path`: the MH path (library-owned), NULL when MH is disabled.
///
/// # Safety
/// `tmp` unused scratch (may be NULL).
#[no_mangle]
pub unsafe extern "C" fn mh_path(_tmp: *mut c_char) -> *mut c_char {
    super::guard("mh_path", null_mut(), || {
        if mh::mh_path().is_none() {
            return null_mut();
        }
        super::params::mh_parameters(GET_MHPATH, null_mut()) as *mut c_char
    })
}

/// `mh_file`: the directory of `name` into `dst` (empty without a path).
///
/// # Safety
/// `dst` MAILTMPLEN bytes; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_file(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("mh_file", dst, || {
        // SAFETY: per the contract.
        unsafe {
            let d = c_bytes(name).and_then(mh::mh_file).unwrap_or_default();
            put(dst, &d);
        }
        dst
    })
}

/// `mh_canonicalize`: the LIST pattern of `ref` and `pat` into `pattern`.
///
/// # Safety
/// `pattern` MAILTMPLEN bytes; `r` NULL or and `pat` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_canonicalize(
    pattern: *mut c_char,
    r: *mut c_char,
    pat: *mut c_char,
) -> c_long {
    super::guard("mh_canonicalize", 0, || {
        // SAFETY: per the contract.
        let (r, p) = unsafe { (c_bytes(r), c_bytes(pat).unwrap_or(b"")) };
        let mut rec = Recorder::new();
        let got = mh::canonicalize(r, p, &mut rec);
        deliver(null_mut(), rec);
        match got {
            Some(t) => {
                // SAFETY: per the contract.
                unsafe { put(pattern, &t) };
                1
            }
            None => 0,
        }
    })
}

/// `mh_scan`.
///
/// # Safety
/// Strings NULL or NUL-terminated; `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mh_scan(
    stream: *mut MAILSTREAM,
    r: *mut c_char,
    pat: *mut c_char,
    contents: *mut c_char,
) {
    super::guard("mh_scan", (), || {
        // SAFETY: per the contract.
        let (r, p) = unsafe { (c_bytes(r), c_bytes(pat).unwrap_or(b"")) };
        let mut rec = Recorder::new();
        mh::scan(r, p, !contents.is_null(), &mut rec);
        deliver(stream, rec);
    })
}

/// `mh_list`.
///
/// # Safety
/// As [`mh_scan`].
#[no_mangle]
pub unsafe extern "C" fn mh_list(stream: *mut MAILSTREAM, r: *mut c_char, pat: *mut c_char) {
    // SAFETY: forwarded contract.
    super::guard("mh_list", (), || unsafe {
        mh_scan(stream, r, pat, null_mut())
    })
}

/// `mh_lsub`.
///
/// # Safety
/// As [`mh_scan`].
#[no_mangle]
pub unsafe extern "C" fn mh_lsub(stream: *mut MAILSTREAM, r: *mut c_char, pat: *mut c_char) {
    super::guard("mh_lsub", (), || {
        // SAFETY: per the contract.
        let (r, p) = unsafe { (c_bytes(r), c_bytes(pat).unwrap_or(b"")) };
        let subscribed = crate::store::dummy::subscriptions();
        let mut rec = Recorder::new();
        mh::lsub(r, p, &subscribed, &mut rec);
        deliver(stream, rec);
    })
}

/// `mh_list_work`: folders below `dir` (NULL: the top) matching `pat`.
///
/// # Safety
/// As [`mh_scan`].
#[no_mangle]
pub unsafe extern "C" fn mh_list_work(
    stream: *mut MAILSTREAM,
    dir: *mut c_char,
    pat: *mut c_char,
    level: c_long,
) {
    super::guard("mh_list_work", (), || {
        // SAFETY: per the contract.
        let (d, p) = unsafe { (c_bytes(dir), c_bytes(pat).unwrap_or(b"")) };
        let mut rec = Recorder::new();
        mh::list_work(d, p, level, &mut rec);
        deliver(stream, rec);
    })
}

/// `mh_subscribe`.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_subscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mh_subscribe", 0, || unsafe { sm_subscribe(mailbox) })
}

/// `mh_unsubscribe`.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_unsubscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    super::guard("mh_unsubscribe", 0, || unsafe { sm_unsubscribe(mailbox) })
}

/// `mh_fast`: dates and sizes of the messages of `sequence`.
///
/// # Safety
/// `stream` NULL or live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_fast(stream: *mut MAILSTREAM, sequence: *mut c_char, flags: c_long) {
    // SAFETY: forwarded contract.
    super::guard("mh_fast", (), || unsafe {
        super::bridge::fast(stream, sequence, flags)
    })
}

/// `mh_load_message`: reads message `msgno` into the session.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mh_load_message(stream: *mut MAILSTREAM, msgno: c_ulong, _flags: c_long) {
    // SAFETY: forwarded contract.
    super::guard("mh_load_message", (), || unsafe {
        super::bridge::load(stream, msgno as u32)
    })
}

/// `mh_copy`: each message appended to `mailbox` through the generic layer.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mh_copy(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    mailbox: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("mh_copy", 0, || {
        let _batch = crate::store::mh::copy_batch();
        // SAFETY: forwarded contract.
        unsafe { super::bridge::copy_each(stream, sequence, mailbox, options) }
    })
}

/// The `d_name` of a directory entry.
///
/// # Safety
/// `d` a live `struct dirent`.
unsafe fn entry_name<'a>(d: *const libc::dirent) -> &'a [u8] {
    // SAFETY: per the contract; d_name is NUL-terminated.
    unsafe { std::ffi::CStr::from_ptr((*d).d_name.as_ptr()).to_bytes() }
}

/// `mh_select`: whether a directory entry is a message file.
///
/// # Safety
/// `name` NULL or a live `struct dirent`.
#[no_mangle]
pub unsafe extern "C" fn mh_select(name: *mut c_void) -> c_int {
    super::guard("mh_select", 0, || {
        if name.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        crate::store::numbered::is_message_name(unsafe { entry_name(name as *const libc::dirent) })
            .into()
    })
}

/// `mh_numsort`: the order of two entries (pointers to `struct dirent *`)
/// by number.
///
/// # Safety
/// Both point at live entry pointers.
#[no_mangle]
pub unsafe extern "C" fn mh_numsort(d1: *const c_void, d2: *const c_void) -> c_int {
    super::guard("mh_numsort", 0, || {
        if d1.is_null() || d2.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        let (a, b) = unsafe {
            (
                entry_name(*(d1 as *const *const libc::dirent)),
                entry_name(*(d2 as *const *const libc::dirent)),
            )
        };
        mh::file_number(a).wrapping_sub(mh::file_number(b))
    })
}

/// `mh_setdate`: the file's access time now, its modification time the
/// element's date.
///
/// # Safety
/// `file` NUL-terminated; `elt` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mh_setdate(file: *mut c_char, elt: *mut MESSAGECACHE) {
    super::guard("mh_setdate", (), || {
        // SAFETY: per the contract.
        let (Some(f), Some(e)) = (unsafe { c_bytes(file) }, unsafe { elt.as_ref() }) else {
            return;
        };
        mh::set_date(f, &super::dates::read_fields(e));
    })
}

/// Keeps `data` as the cached text `t` of an element (a C-heap copy,
/// NUL-terminated, freed with the element's texts).
///
/// # Safety
/// `t` a live SIZEDTEXT of an element, its data NULL.
unsafe fn keep(t: *mut SIZEDTEXT, data: &[u8]) {
    // SAFETY: per the contract; fs_get returns a block of the size asked.
    unsafe {
        let p = super::memory::fs_get(data.len() + 1) as *mut u8;
        std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
        *p.add(data.len()) = 0;
        (*t).data = p;
        (*t).size = data.len() as c_ulong;
    }
}

/// `mh_header`: the header of `msgno`, read once and kept in its element
/// (NULL when the file cannot be read).
///
/// # Safety
/// `stream` live; `length` writable.
#[no_mangle]
pub unsafe extern "C" fn mh_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    length: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mh_header", null_mut(), || {
        // SAFETY: per the contract; the element belongs to the stream.
        unsafe {
            if !length.is_null() {
                *length = 0;
            }
            if flags & FT_UID != 0 {
                return c"".as_ptr() as *mut c_char;
            }
            let Some(elt) = super::cache::mail_elt(stream, msgno).as_mut() else {
                return null_mut();
            };
            if elt.private.msg.header.text.data.is_null() {
                if let Some(h) = super::bridge::core_part(stream, msgno as u32, false) {
                    keep(&mut elt.private.msg.header.text, &h);
                }
            }
            if !length.is_null() {
                *length = elt.private.msg.header.text.size;
            }
            elt.private.msg.header.text.data as *mut c_char
        }
    })
}

/// `mh_text`: the body of `msgno`, read once and kept in its element;
/// without FT_PEEK the message becomes \Seen (and the application hears of
/// it) each time.
///
/// # Safety
/// `stream` live; `bs` writable.
#[no_mangle]
pub unsafe extern "C" fn mh_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    bs: *mut STRING,
    flags: c_long,
) -> c_long {
    super::guard("mh_text", 0, || {
        // SAFETY: per the contract; the element belongs to the stream.
        unsafe {
            if flags & FT_UID != 0 {
                return 0;
            }
            let Some(elt) = super::cache::mail_elt(stream, msgno).as_mut() else {
                return 0;
            };
            if elt.private.msg.text.text.data.is_null() {
                if let Some(t) = super::bridge::core_part(stream, msgno as u32, true) {
                    keep(&mut elt.private.msg.text.text, &t);
                }
                if elt.private.msg.text.text.data.is_null() {
                    return 0;
                }
            }
            if flags & FT_PEEK == 0 {
                elt.set_seen(1);
                super::callbacks::mm_flags(stream, msgno);
            }
            let d = std::ptr::addr_of_mut!(super::data::mail_string);
            (*bs).dtb = d;
            if let Some(init) = (*d).init {
                init(
                    bs,
                    elt.private.msg.text.text.data as *mut c_void,
                    elt.private.msg.text.text.size,
                );
            }
            1
        }
    })
}

/// Whether `stream` (being opened or open) is an mh INBOX whose folder
/// exists and whose system inbox (another file) has something in it: the
/// original's ping then moves that mail in, telling the counts once.
///
/// # Safety
/// `stream` NULL or live, its mailbox NULL or NUL-terminated.
unsafe fn will_move_mail(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: per the contract.
    unsafe {
        let Some(s) = stream.as_ref() else {
            return false;
        };
        let Some(name) = c_bytes(s.mailbox) else {
            return false;
        };
        let inbox = name.eq_ignore_ascii_case(b"#mhinbox")
            || name.eq_ignore_ascii_case(b"INBOX")
            || (name.len() > 4
                && name[..4].eq_ignore_ascii_case(b"#mh/")
                && &name[4..] == b"inbox");
        if !inbox {
            return false;
        }
        let Some(sys) = c_bytes(super::env::sysinbox()) else {
            return false;
        };
        let os =
            |p: &[u8]| <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(p).to_owned();
        sys != name
            && mh::mh_file(name)
                .is_some_and(|d| std::fs::metadata(os(&d)).is_ok_and(|m| m.is_dir()))
            && std::fs::metadata(os(sys)).is_ok_and(|m| m.len() > 0)
    }
}

/// `mh_open`: opens the folder; an INBOX then takes in the system inbox's
/// mail.
///
/// # Safety
/// `stream` NULL or being opened.
#[no_mangle]
pub unsafe extern "C" fn mh_open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("mh_open", null_mut(), || {
        let core = crate::store::registry::driver("mh");
        let proto = std::ptr::addr_of_mut!(super::data::mhproto);
        // SAFETY: forwarded contract.
        unsafe {
            if stream.is_null() || !will_move_mail(stream) {
                return super::bridge::open(core, proto, stream);
            }
            // The counts are told once, after the move.
            let silent = (*stream).silent();
            (*stream).set_silent(1);
            let r = super::bridge::open(core, proto, stream);
            (*stream).set_silent(silent);
            if !r.is_null() {
                move_system_inbox(r);
                super::bridge::announce(r);
                if (*r).nmsgs == 0 && silent == 0 {
                    super::log_bytes(b"Mailbox is empty", NIL as c_long);
                }
            }
            r
        }
    })
}

/// `mh_ping`: looks for new message files; an INBOX then takes in the
/// system inbox's mail.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mh_ping(stream: *mut MAILSTREAM) -> c_long {
    super::guard("mh_ping", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if !will_move_mail(stream) {
                return super::bridge::ping(stream);
            }
            let silent = (*stream).silent();
            (*stream).set_silent(1);
            let r = super::bridge::ping(stream);
            (*stream).set_silent(silent);
            if r != 0 {
                move_system_inbox(stream);
                super::bridge::announce(stream);
            }
            r
        }
    })
}

/// The original's snarf: each message of the system inbox becomes the next
/// message file of an INBOX stream's folder (its internal form, flags and
/// date kept), is deleted there, and the system inbox is expunged.
///
/// # Safety
/// `stream` live and mh-backed.
unsafe fn move_system_inbox(stream: *mut MAILSTREAM) {
    // SAFETY (whole body): per the contract; the system inbox stream is
    // ours from open to close.
    unsafe {
        if stream.is_null() || (*stream).inbox() == 0 {
            return;
        }
        let sys_ptr = super::env::sysinbox();
        let (Some(sys), Some(name)) = (c_bytes(sys_ptr), c_bytes((*stream).mailbox)) else {
            return;
        };
        if sys == name {
            return;
        }
        let sys = sys.to_vec();
        let Some(dir) = mh::mh_file(name) else { return };
        super::callbacks::mm_critical(stream);
        let nonempty =
            std::fs::metadata(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&sys))
                .is_ok_and(|m| m.len() > 0);
        let mut moved = 0;
        if nonempty {
            let mut path = sys.clone();
            path.push(0);
            let sysibx =
                super::stream::mail_open(null_mut(), path.as_mut_ptr() as *mut c_char, OP_SILENT);
            if !sysibx.is_null() && (*sysibx).rdonly() == 0 {
                let mut last = (*stream).uid_last as u32;
                for i in 1..=(*sysibx).nmsgs {
                    last += 1;
                    let mut hl: c_ulong = 0;
                    let h = super::mail::mail_fetch_header(
                        sysibx,
                        i,
                        null_mut(),
                        null_mut(),
                        &mut hl,
                        FT_PEEK,
                    );
                    let header = if h.is_null() {
                        Vec::new()
                    } else {
                        std::slice::from_raw_parts(h as *const u8, hl as usize).to_vec()
                    };
                    let mut tl: c_ulong = 0;
                    let t = super::mail::mail_fetch_text(sysibx, i, null_mut(), &mut tl, FT_PEEK);
                    let text = if t.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(t as *const u8, tl as usize)
                    };
                    // The system inbox's own (LF) line ends, as the
                    // original's internal fetch gives them.
                    let header = crate::store::mh::lf_lines(&header);
                    let text = crate::store::mh::lf_lines(text);
                    match mh::store_moved(&dir, last, &header, &text) {
                        Ok(file) => {
                            let Some(e) = super::cache::mail_elt(sysibx, i).as_ref() else {
                                break;
                            };
                            let mut f = crate::store::flags::Flags::NONE;
                            use crate::store::flags::Flags as F;
                            f = f.with(F::SEEN, e.seen() != 0);
                            f = f.with(F::DELETED, e.deleted() != 0);
                            f = f.with(F::FLAGGED, e.flagged() != 0);
                            f = f.with(F::ANSWERED, e.answered() != 0);
                            f = f.with(F::DRAFT, e.draft() != 0);
                            let date = super::dates::read_fields(e);
                            mh::set_date(&file, &date);
                            super::bridge::adopt(stream, last, f, date);
                            moved += 1;
                            let mut seq = format!("{i}\0").into_bytes();
                            super::mail_flags::mail_flag(
                                sysibx,
                                seq.as_mut_ptr() as *mut c_char,
                                c"\\Deleted".as_ptr() as *mut c_char,
                                ST_SET | ST_SILENT,
                            );
                        }
                        Err(e) => {
                            let mut t = b"Message copy to MH mailbox failed: ".to_vec();
                            t.extend_from_slice(&crate::store::dummy::error_text(&e));
                            super::log_bytes(&t, ERROR);
                            break;
                        }
                    }
                }
                super::mail_flags::mail_expunge_full(sysibx, null_mut(), 0);
            }
            if !sysibx.is_null() {
                super::stream::mail_close_full(sysibx, 0);
            }
        }
        super::callbacks::mm_nocritical(stream);
        let _ = moved;
    }
}
