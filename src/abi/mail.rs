//! Fetching through an open stream: structure, headers, texts, body parts,
//! partial fetches and overviews. Everything here reaches the mailbox only
//! through the stream's `DRIVER` slots, so it serves the library's own
//! drivers and any driver a program links with `mail_link` alike. What is
//! fetched is cached in the message's cache element (`mail_elt`), as the
//! original does.
//!
//! A slot the original would call unconditionally but which is empty (a
//! driver of ours not written yet) is reported as not available and the
//! call fails softly instead of jumping to NULL.

use super::bindings::*;
use super::cache::{mail_elt, mail_gc};
use super::callbacks::{mm_flags, mm_log};
use super::construct::{mail_free_body, mail_free_envelope, mail_newenvelope};
use super::dates::mail_parse_date;
use super::mail_flags::{mail_msgno, mail_sequence, mail_uid, mail_uid_sequence};
use super::memory::{c_bytes, fs_get, fs_give};
use super::misc::textcpy;
use super::params::hook;
use super::rfc822::rfc822_parse_msg_full;
use super::strings::{getpos, mail_string_next, setpos, size as string_size, textcpyoffstring};
use crate::store::fetch as core;
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};

/// The empty answer of a failed fetch (the original's static "").
fn empty() -> *mut c_char {
    c"".as_ptr() as *mut c_char
}

/// Longest section specifier the fetches accept.
const MAX_SECTION: usize = MAILTMPLEN as usize - 20;

fn section_too_long(section: *mut c_char) -> bool {
    // SAFETY: callers pass NULL or a C string.
    unsafe { c_bytes(section) }.is_some_and(|s| s.len() > MAX_SECTION)
}

fn nonempty(section: *mut c_char) -> bool {
    // SAFETY: callers pass NULL or a C string.
    !section.is_null() && unsafe { *section } != 0
}

/// The application's `mailgets` hook (SET_GETS), if any.
fn mailgets() -> mailgets_t {
    let w = hook(GET_GETS);
    if w == 0 {
        return None;
    }
    // SAFETY: the word was installed through SET_GETS as a mailgets_t.
    Some(unsafe {
        std::mem::transmute::<
            usize,
            unsafe extern "C" fn(readfn_t, *mut c_void, c_ulong, *mut GETS_DATA) -> *mut c_char,
        >(w)
    })
}

fn unavailable(what: &str) {
    super::report_unavailable(what);
}

/// A network driver's section data through the application's mailgets,
/// as the original's string reader hands it over: `what` is the section,
/// `first` the origin plus one for a partial (else 0). None without a
/// mailgets; else what it returned (copied, its block freed).
///
/// # Safety
/// `stream` live.
pub(super) unsafe fn through_mailgets(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    what: &[u8],
    first: c_ulong,
    data: &[u8],
) -> Option<Vec<u8>> {
    let gets = mailgets()?;
    let mut w: Vec<u8> = what.iter().copied().filter(|&c| c != 0).collect();
    w.push(0);
    let mut md = gets_data(stream, msgno, w.as_mut_ptr() as *mut c_char, first, 0);
    let mut bs = zeroed_string();
    // SAFETY: `data` outlives the call; the hook returns a block of
    // `data.len()` bytes from fs_get (the cache would own it), or NULL.
    unsafe {
        init_mail_string(&mut bs, data.as_ptr() as *mut c_void, data.len() as c_ulong);
        let mut t = gets(
            Some(mail_read),
            &mut bs as *mut STRING as *mut c_void,
            data.len() as c_ulong,
            &mut md,
        );
        if t.is_null() {
            return Some(Vec::new());
        }
        let v = std::slice::from_raw_parts(t as *const u8, data.len()).to_vec();
        fs_give(&mut t as *mut *mut c_char as *mut *mut c_void);
        Some(v)
    }
}

/// `INIT(bs, mail_string, data, size)`.
///
/// # Safety
/// `data` readable for `size` bytes while `bs` is used.
unsafe fn init_mail_string(bs: &mut STRING, data: *mut c_void, size: c_ulong) {
    // SAFETY: the library's own STRING driver object; its init fills `bs`.
    unsafe {
        let d = addr_of_mut!(super::data::mail_string);
        bs.dtb = d;
        if let Some(init) = (*d).init {
            init(bs, data, size);
        }
    }
}

/// Whether `bs` reads a block in memory (the original's test for its
/// "no copy needed" shortcut).
///
/// # Safety
/// `bs` initialised by a driver's init.
unsafe fn is_memory_string(bs: &STRING) -> bool {
    // SAFETY: dtb was set by INIT.
    unsafe { bs.dtb.as_ref() }
        .and_then(|d| d.next)
        .is_some_and(|f| f as usize == mail_string_next as *const () as usize)
}

fn gets_data(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    what: *mut c_char,
    first: c_ulong,
    last: c_ulong,
) -> GETS_DATA {
    GETS_DATA {
        stream,
        msgno,
        what,
        stl: null_mut(),
        first,
        last,
        flags: 0,
    }
}

/// UID form of a call: the message number, or None when the UID is not in
/// the mailbox.
///
/// # Safety
/// `stream` live.
unsafe fn real_msgno(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    flags: &mut c_long,
) -> Option<c_ulong> {
    if *flags & FT_UID == 0 {
        return Some(msgno);
    }
    // SAFETY: forwarded contract.
    match unsafe { mail_msgno(stream, msgno) } {
        0 => None,
        m => {
            *flags &= !FT_UID;
            Some(m)
        }
    }
}

/// Calls the driver's `header` slot.
///
/// # Safety
/// `stream` live with a driver.
pub(super) unsafe fn driver_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    len: &mut c_ulong,
    flags: c_long,
) -> Option<*mut c_char> {
    // SAFETY: per the contract.
    match unsafe { (*(*stream).dtb).header } {
        // SAFETY: the driver's own method with the C signature.
        Some(f) => Some(unsafe { f(stream, msgno, len, flags) }),
        None => {
            unavailable("driver header fetch");
            None
        }
    }
}

/// Calls the driver's `text` slot; false when it fails or is missing.
///
/// # Safety
/// `stream` live with a driver.
unsafe fn driver_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    bs: &mut STRING,
    flags: c_long,
) -> bool {
    // SAFETY: per the contract.
    match unsafe { (*(*stream).dtb).text } {
        // SAFETY: the driver's own method with the C signature.
        Some(f) => unsafe { f(stream, msgno, bs, flags) != 0 },
        None => {
            unavailable("driver text fetch");
            false
        }
    }
}

fn zeroed_string() -> STRING {
    // SAFETY: STRING is plain data; all-zero is its "not set up" state.
    unsafe { std::mem::zeroed() }
}

/// `mail_fetch_fast`: the driver's fast-data fetch, if it has one.
///
/// # Safety
/// `stream` live; `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_fast(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) {
    super::guard("mail_fetch_fast", (), || {
        // SAFETY: per the contract.
        unsafe {
            if let Some(f) = (*stream).dtb.as_ref().and_then(|d| d.fast) {
                f(stream, sequence, flags);
            }
        }
    })
}

/// `mail_fetch_flags`: the driver's flag fetch, if it has one.
///
/// # Safety
/// As `mail_fetch_fast`.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_flags(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) {
    super::guard("mail_fetch_flags", (), || {
        // SAFETY: per the contract.
        unsafe {
            if let Some(f) = (*stream).dtb.as_ref().and_then(|d| d.msgflags) {
                f(stream, sequence, flags);
            }
        }
    })
}

/// Overview of the messages whose sequence bits `select` lit: the
/// driver's own overview, or the default one after a ping.
///
/// # Safety
/// `stream` live.
unsafe fn overview(stream: *mut MAILSTREAM, selected: bool, ofn: overview_t) {
    // SAFETY: per the contract.
    unsafe {
        if (*stream).dtb.is_null() || !selected {
            return;
        }
        if let Some(f) = (*(*stream).dtb).overview {
            if f(stream, ofn) != 0 {
                return;
            }
        }
        if super::stream::mail_ping(stream) != 0 {
            mail_fetch_overview_default(stream, ofn);
        }
    }
}

/// `mail_fetch_overview`: overviews of a UID set.
///
/// # Safety
/// `stream` live; `sequence` a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_overview(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    ofn: overview_t,
) {
    super::guard("mail_fetch_overview", (), || {
        // SAFETY: per the contract.
        unsafe {
            let selected = !(*stream).dtb.is_null()
                && mail_uid_sequence(stream, sequence as *mut c_uchar) != 0;
            overview(stream, selected, ofn)
        }
    })
}

/// `mail_fetch_overview_sequence`: overviews of a message-number set.
///
/// # Safety
/// As `mail_fetch_overview`.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_overview_sequence(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    ofn: overview_t,
) {
    super::guard("mail_fetch_overview_sequence", (), || {
        // SAFETY: per the contract.
        unsafe {
            let selected =
                !(*stream).dtb.is_null() && mail_sequence(stream, sequence as *mut c_uchar) != 0;
            overview(stream, selected, ofn)
        }
    })
}

/// `mail_fetch_overview_default`: builds each selected message's overview
/// from its envelope and size.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_overview_default(stream: *mut MAILSTREAM, ofn: overview_t) {
    super::guard("mail_fetch_overview_default", (), || {
        // SAFETY: per the contract; elements come from the cache manager.
        unsafe {
            let mut ov: OVERVIEW = std::mem::zeroed();
            let mut i = 1;
            while i <= (*stream).nmsgs {
                let elt = mail_elt(stream, i);
                if (*elt).sequence() != 0 {
                    let env = mail_fetch_structure(stream, i, null_mut(), 0);
                    if let (Some(f), false) = (ofn, env.is_null()) {
                        ov.subject = (*env).subject;
                        ov.from = (*env).from;
                        ov.date = (*env).date as *mut c_char;
                        ov.message_id = (*env).message_id;
                        ov.references = (*env).references;
                        ov.optional.octets = (*elt).rfc822_size;
                        f(stream, mail_uid(stream, i), &mut ov, i);
                    }
                }
                i += 1;
            }
        }
    })
}

/// `mail_fetch_structure`: the envelope (and, when `body` is given, the
/// MIME structure) of a message, parsed from the driver's header and text
/// unless the driver has its own structure fetch. Also sets the element's
/// RFC822.SIZE and date when the driver left them unset.
///
/// # Safety
/// `stream` live; `body` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_structure(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    body: *mut *mut BODY,
    flags: c_long,
) -> *mut ENVELOPE {
    super::guard("mail_fetch_structure", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { fetch_structure(stream, msgno, body, flags) }
    })
}

thread_local! {
    /// `fetch_structure`'s copy of a header, kept between calls.
    static HEADER_COPY: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The largest header copy kept for the next call.
const HEADER_COPY_KEPT: usize = 64 * 1024;

unsafe fn fetch_structure(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    body: *mut *mut BODY,
    flags: c_long,
) -> *mut ENVELOPE {
    // SAFETY (whole body): `stream` live; elements and driver methods follow
    // the original's contracts.
    unsafe {
        let dtb = (*stream).dtb;
        if let Some(f) = dtb.as_ref().and_then(|d| d.structure) {
            return f(stream, msgno, body, flags);
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return null_mut();
        };
        let elt = mail_elt(stream, msgno);
        let (env, b): (*mut *mut ENVELOPE, *mut *mut BODY) = if (*stream).scache() != 0 {
            if msgno != (*stream).msgno {
                mail_gc(stream, GC_ENV | GC_TEXTS);
                (*stream).msgno = msgno;
            }
            (&mut (*stream).env, &mut (*stream).body)
        } else {
            (&mut (*elt).private.msg.env, &mut (*elt).private.msg.body)
        };
        let stale =
            (!body.is_null() && (*b).is_null()) || (*env).is_null() || (**env).incomplete() != 0;
        if !dtb.is_null() && stale {
            mail_free_envelope(env);
            mail_free_body(b);
            let badhost = c".MISSING-HOST-NAME.".as_ptr() as *mut c_char;
            let parse_flags = (*dtb).flags;
            let mut hdrsize: c_ulong = 0;
            if !body.is_null() || (*elt).rfc822_size == 0 {
                let Some(s) = driver_header(stream, msgno, &mut hdrsize, flags & !FT_INTERNAL)
                else {
                    return null_mut();
                };
                // Copy first: the text fetch may reuse the driver's buffer.
                // The copy lives in a buffer kept for the next message (a
                // fresh header-sized block each time made malloc merge its
                // free small blocks for every message). Taken out while in
                // use: a callback during the parse may fetch again.
                let mut copy = HEADER_COPY.take();
                copy.clear();
                if hdrsize > 0 {
                    copy.extend_from_slice(std::slice::from_raw_parts(
                        s as *const u8,
                        hdrsize as usize,
                    ));
                }
                copy.push(0);
                let hdr = copy.as_mut_ptr() as *mut c_char;
                let mut bs = zeroed_string();
                driver_text(stream, msgno, &mut bs, (flags & !FT_INTERNAL) | FT_PEEK);
                if (*elt).rfc822_size == 0 {
                    (*elt).rfc822_size = hdrsize.wrapping_add(if bs.dtb.is_null() {
                        0
                    } else {
                        string_size(&bs)
                    });
                }
                if !body.is_null() && !bs.dtb.is_null() {
                    rfc822_parse_msg_full(env, b, hdr, hdrsize, &mut bs, badhost, 0, parse_flags);
                } else {
                    rfc822_parse_msg_full(
                        env,
                        null_mut(),
                        hdr,
                        hdrsize,
                        null_mut(),
                        badhost,
                        0,
                        parse_flags,
                    );
                }
                if copy.capacity() <= HEADER_COPY_KEPT {
                    HEADER_COPY.set(copy);
                }
            } else {
                let Some(hdr) = driver_header(stream, msgno, &mut hdrsize, flags | FT_INTERNAL)
                else {
                    return null_mut();
                };
                if hdrsize != 0 && !hdr.is_null() {
                    // Parsed in place, tied off for the parser and restored
                    // (the text may be the driver's cache).
                    let keep = *hdr.add(hdrsize as usize);
                    *hdr.add(hdrsize as usize) = 0;
                    rfc822_parse_msg_full(
                        env,
                        null_mut(),
                        hdr,
                        hdrsize,
                        null_mut(),
                        badhost,
                        0,
                        parse_flags,
                    );
                    *hdr.add(hdrsize as usize) = keep;
                } else {
                    *env = mail_newenvelope();
                }
            }
        }
        if (*elt).day() == 0 && !(*env).is_null() && !(**env).date.is_null() {
            mail_parse_date(elt, (**env).date as *mut c_uchar);
        }
        if (*elt).day() == 0 {
            // The original's default date when none could be had.
            (*elt).set_day(1);
            (*elt).set_month(1);
        }
        if !body.is_null() {
            *body = *b;
        }
        *env
    }
}

/// The original's `markseen`: a fetch without FT_PEEK sets `\Seen` on an
/// unseen message, through the driver's per-message hook, its one-time
/// flag call (sequence bits preserved around it), or both, then tells the
/// application.
///
/// # Safety
/// `stream` live; `elt` one of its elements.
pub(crate) unsafe fn markseen(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE, flags: c_long) {
    // SAFETY (whole body): per the contract.
    unsafe {
        if flags & FT_PEEK != 0 || (*elt).seen() != 0 {
            return;
        }
        let dtb = (*stream).dtb;
        if let Some(flagmsg) = dtb.as_ref().and_then(|d| d.flagmsg) {
            (*elt).set_valid(0);
            flagmsg(stream, elt);
            (*elt).set_seen(1);
            (*elt).set_valid(1);
            flagmsg(stream, elt);
        }
        if let Some(flag) = dtb.as_ref().and_then(|d| d.flag) {
            let n = (*stream).nmsgs;
            for i in 1..=n {
                let e = mail_elt(stream, i);
                (*e).private.set_sequence((*e).sequence());
            }
            let mut seq = format!("{}\0", (*elt).msgno).into_bytes();
            flag(
                stream,
                seq.as_mut_ptr() as *mut c_char,
                c"\\Seen".as_ptr() as *mut c_char,
                ST_SET,
            );
            for i in 1..=(*stream).nmsgs {
                let e = mail_elt(stream, i);
                (*e).set_sequence((*e).private.sequence());
            }
        }
        mm_flags(stream, (*elt).msgno);
    }
}

/// `mail_fetch_message`: the whole message, header and text.
///
/// # Safety
/// `stream` live; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_message(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mail_fetch_message", empty(), || {
        // SAFETY: per the contract.
        unsafe { fetch_message(stream, msgno, len, flags) }
    })
}

unsafe fn fetch_message(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY (whole body): per mail_fetch_message's contract.
    unsafe {
        if !len.is_null() {
            *len = 0;
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return empty();
        };
        let mut md = gets_data(stream, msgno, empty(), 0, 0);
        let elt = mail_elt(stream, msgno);
        let t: *mut SIZEDTEXT = &mut (*elt).private.msg.full.text;
        if !(*t).data.is_null() {
            markseen(stream, elt, flags);
            return mail_fetch_text_return(&mut md, t, len);
        }
        let dtb = (*stream).dtb;
        if dtb.is_null() {
            return empty();
        }
        if let Some(msgdata) = (*dtb).msgdata {
            let ok = msgdata(stream, msgno, empty(), 0, 0, null_mut(), flags) != 0;
            return if ok && !(*t).data.is_null() {
                mail_fetch_text_return(&mut md, t, len)
            } else {
                empty()
            };
        }
        let mut i: c_ulong = 0;
        let u = mail_fetch_header(stream, msgno, null_mut(), null_mut(), &mut i, flags);
        // Copied: the text fetch may reuse the header's buffer.
        let s = fs_get(i as usize) as *mut u8;
        if i > 0 {
            std::ptr::copy_nonoverlapping(u as *const u8, s, i as usize);
        }
        let mut bs = zeroed_string();
        let result = if driver_text(stream, msgno, &mut bs, flags) {
            let t = &mut (*stream).text;
            if !t.data.is_null() {
                fs_give(&mut t.data as *mut *mut c_uchar as *mut *mut c_void);
            }
            let total = i.wrapping_add(string_size(&bs));
            t.size = total;
            t.data = fs_get(total as usize + 1) as *mut c_uchar;
            if (*elt).rfc822_size == 0 {
                (*elt).rfc822_size = total;
            } else if (*elt).rfc822_size != total {
                let text = format!(
                    "Calculated RFC822.SIZE ({total}) != reported size ({})\0",
                    (*elt).rfc822_size
                );
                mm_log(text.as_ptr() as *mut c_char, WARN);
            }
            std::ptr::copy_nonoverlapping(s, t.data, i as usize);
            // Chunk by chunk through the STRING, as its driver hands them out.
            let mut u = t.data.add(i as usize);
            let mut j = string_size(&bs);
            while j > 0 {
                let n = bs.cursize.min(j);
                std::ptr::copy_nonoverlapping(bs.curpos as *const u8, u, n as usize);
                u = u.add(n as usize);
                j -= n;
                bs.curpos = bs.curpos.wrapping_add(bs.cursize as usize).wrapping_sub(1);
                bs.cursize = 0;
                match (*bs.dtb).next {
                    Some(next) => {
                        next(&mut bs);
                    }
                    None => break,
                }
            }
            *u = 0;
            mail_fetch_text_return(&mut md, t, len)
        } else {
            empty()
        };
        let mut s = s as *mut c_void;
        fs_give(&mut s);
        result
    }
}

/// Collects a STRINGLIST's texts.
///
/// # Safety
/// `list` NULL or a valid list.
unsafe fn list_texts<'a>(list: *mut STRINGLIST) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut l = list;
    // SAFETY: per the contract.
    unsafe {
        while !l.is_null() {
            let t = &(*l).text;
            out.push(if t.data.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(t.data, t.size as usize)
            });
            l = (*l).next;
        }
    }
    out
}

/// `mail_match_lines`: whether a header cached for `msglines` serves a
/// request for `lines` with `flags`.
///
/// # Safety
/// Both NULL or valid lists.
#[no_mangle]
pub unsafe extern "C" fn mail_match_lines(
    lines: *mut STRINGLIST,
    msglines: *mut STRINGLIST,
    flags: c_long,
) -> c_long {
    super::guard("mail_match_lines", 0, || {
        // SAFETY: per the contract.
        let (wanted, cached) = unsafe { (list_texts(lines), list_texts(msglines)) };
        let wanted = (!lines.is_null()).then_some(&wanted[..]);
        let cached = (!msglines.is_null()).then_some(&cached[..]);
        c_long::from(core::lines_match(wanted, cached, flags & FT_NOT != 0))
    })
}

/// `mail_filter`: keeps (or with FT_NOT drops) the header lines named in
/// `lines`, in place; returns the new length.
///
/// # Safety
/// `text` holds `len` bytes and one more (the original's trailing NUL).
#[no_mangle]
pub unsafe extern "C" fn mail_filter(
    text: *mut c_char,
    len: c_ulong,
    lines: *mut STRINGLIST,
    flags: c_long,
) -> c_ulong {
    super::guard("mail_filter", 0, || {
        // SAFETY: per the contract: len + 1 writable bytes; the list's texts
        // do not overlap the header text.
        unsafe {
            if text.is_null() {
                return 0;
            }
            let buf = std::slice::from_raw_parts_mut(text as *mut u8, len as usize + 1);
            let names = list_texts(lines);
            core::filter_header(buf, len as usize, &names, flags & FT_NOT != 0) as c_ulong
        }
    })
}

/// `mail_fetch_header`: a message's header, or a nested message's (for a
/// MESSAGE/RFC822 `section`), optionally reduced to the fields in `lines`
/// (all but those with FT_NOT). Never calls mailgets.
///
/// # Safety
/// `stream` live; `section` NULL or a C string; `lines` NULL or a list;
/// `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    lines: *mut STRINGLIST,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mail_fetch_header", empty(), || {
        // SAFETY: per the contract.
        unsafe { fetch_header(stream, msgno, section, lines, len, flags) }
    })
}

fn is_rfc822(b: &BODY) -> bool {
    // SAFETY: subtype is NULL or a C string.
    b.type_ as i32 == TYPEMESSAGE && unsafe { c_bytes(b.subtype) } == Some(b"RFC822")
}

unsafe fn fetch_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    lines: *mut STRINGLIST,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY (whole body): per mail_fetch_header's contract.
    unsafe {
        if !len.is_null() {
            *len = 0;
        }
        if section_too_long(section) {
            return empty();
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return empty();
        };
        let mut lines = lines;
        let elt = mail_elt(stream, msgno);
        let mut b: *mut BODY = null_mut();
        let m: *mut MESSAGE = if nonempty(section) {
            b = mail_body(stream, msgno, section as *mut c_uchar);
            if b.is_null() || !is_rfc822(&*b) {
                return empty();
            }
            (*b).nested.msg
        } else {
            &mut (*elt).private.msg
        };
        let mut rt: SIZEDTEXT = SIZEDTEXT {
            data: null_mut(),
            size: 0,
        };
        let mut t: *mut SIZEDTEXT = null_mut();
        if !(*m).header.text.data.is_null() && mail_match_lines(lines, (*m).lines, flags) != 0 {
            if !lines.is_null() {
                t = &mut (*stream).text;
                textcpy(t, &mut (*m).header.text);
            } else {
                t = &mut (*m).header.text;
            }
            markseen(stream, elt, flags);
        } else if !(*stream).dtb.is_null() {
            let dtb = (*stream).dtb;
            if let Some(msgdata) = (*dtb).msgdata {
                let mut spec = if nonempty(section) {
                    [c_bytes(section).unwrap_or(b""), b".HEADER"].concat()
                } else {
                    b"HEADER".to_vec()
                };
                spec.push(0);
                if msgdata(
                    stream,
                    msgno,
                    spec.as_mut_ptr() as *mut c_char,
                    0,
                    0,
                    lines,
                    flags,
                ) != 0
                {
                    t = &mut (*m).header.text;
                    if !(*m).lines.is_null() {
                        lines = null_mut();
                    } else if !lines.is_null() {
                        t = &mut (*stream).text;
                        textcpy(t, &mut (*m).header.text);
                    }
                }
            } else if !b.is_null() {
                let nested = &*(*b).nested.msg;
                if !(*stream).private.search.text.is_null() {
                    rt.data = (*stream)
                        .private
                        .search
                        .text
                        .add(nested.header.offset as usize)
                        as *mut c_uchar;
                    rt.size = nested.header.text.size;
                    t = &mut rt;
                } else {
                    let mut bs = zeroed_string();
                    if driver_text(stream, msgno, &mut bs, flags & !FT_INTERNAL) {
                        if is_memory_string(&bs) && lines.is_null() {
                            rt.data = bs.curpos.add(nested.header.offset as usize) as *mut c_uchar;
                            rt.size = nested.header.text.size;
                            if !(*stream).private.search.string.is_null() {
                                (*stream).private.search.text = bs.curpos;
                            }
                            t = &mut rt;
                        } else {
                            t = &mut (*stream).text;
                            textcpyoffstring(
                                t,
                                &mut bs,
                                nested.header.offset,
                                nested.header.text.size,
                            );
                        }
                    }
                }
            } else {
                markseen(stream, elt, flags);
                if let Some(data) = driver_header(stream, msgno, &mut rt.size, flags) {
                    rt.data = data as *mut c_uchar;
                    if !rt.data.is_null() {
                        if !lines.is_null() {
                            t = &mut (*stream).text;
                            textcpy(t, &mut rt);
                        } else {
                            t = &mut rt;
                        }
                    }
                }
            }
        }
        if t.is_null() || (*t).data.is_null() {
            return empty();
        }
        if !lines.is_null() {
            (*t).size = mail_filter((*t).data as *mut c_char, (*t).size, lines, flags);
        }
        if !len.is_null() {
            *len = (*t).size;
        }
        (*t).data as *mut c_char
    }
}

/// `mail_fetch_text`: a message's text (body without header), or a
/// nested message's for a MESSAGE/RFC822 `section`.
///
/// # Safety
/// As `mail_fetch_header`.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mail_fetch_text", empty(), || {
        // SAFETY: per the contract.
        unsafe { fetch_text(stream, msgno, section, len, flags) }
    })
}

unsafe fn fetch_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY (whole body): per mail_fetch_text's contract.
    unsafe {
        if !len.is_null() {
            *len = 0;
        }
        (*stream).private.string = zeroed_string();
        if section_too_long(section) {
            return empty();
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return empty();
        };
        let elt = mail_elt(stream, msgno);
        let nested = nonempty(section);
        let (p, mut spec): (*mut PARTTEXT, Vec<u8>) = if nested {
            let b = mail_body(stream, msgno, section as *mut c_uchar);
            if b.is_null() || !is_rfc822(&*b) {
                return empty();
            }
            flags &= !FT_INTERNAL;
            (
                &mut (*(*b).nested.msg).text,
                [c_bytes(section).unwrap_or(b""), b".TEXT"].concat(),
            )
        } else {
            (&mut (*elt).private.msg.text, b"TEXT".to_vec())
        };
        spec.push(0);
        let mut md = gets_data(stream, msgno, section, 0, 0);
        if !(*p).text.data.is_null() {
            markseen(stream, elt, flags);
            return mail_fetch_text_return(&mut md, &mut (*p).text, len);
        }
        let dtb = (*stream).dtb;
        if dtb.is_null() {
            return empty();
        }
        if let Some(msgdata) = (*dtb).msgdata {
            let ok = msgdata(
                stream,
                msgno,
                spec.as_mut_ptr() as *mut c_char,
                0,
                0,
                null_mut(),
                flags,
            ) != 0;
            return if ok && !(*p).text.data.is_null() {
                mail_fetch_text_return(&mut md, &mut (*p).text, len)
            } else {
                empty()
            };
        }
        let mut bs = zeroed_string();
        if !driver_text(stream, msgno, &mut bs, flags) {
            return empty();
        }
        let i = if nested {
            setpos(&mut bs, (*p).offset);
            (*p).text.size
        } else {
            string_size(&bs)
        };
        mail_fetch_string_return(&mut md, &mut bs, i, len, flags)
    }
}

/// `mail_fetch_mime`: the MIME header of a body part.
///
/// # Safety
/// As `mail_fetch_header`.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_mime(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mail_fetch_mime", empty(), || {
        // SAFETY: per the contract.
        unsafe { fetch_mime(stream, msgno, section, len, flags) }
    })
}

unsafe fn fetch_mime(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY (whole body): per mail_fetch_mime's contract.
    unsafe {
        if !len.is_null() {
            *len = 0;
        }
        if section_too_long(section) {
            return empty();
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return empty();
        };
        flags &= !FT_INTERNAL;
        if !nonempty(section) {
            return empty();
        }
        let b = mail_body(stream, msgno, section as *mut c_uchar);
        if b.is_null() {
            return empty();
        }
        let p = &mut (*b).mime;
        if !p.text.data.is_null() {
            markseen(stream, mail_elt(stream, msgno), flags);
            if !len.is_null() {
                *len = p.text.size;
            }
            return p.text.data as *mut c_char;
        }
        let dtb = (*stream).dtb;
        if dtb.is_null() {
            return empty();
        }
        if let Some(msgdata) = (*dtb).msgdata {
            let mut spec = [c_bytes(section).unwrap_or(b""), b".MIME\0"].concat();
            let ok = msgdata(
                stream,
                msgno,
                spec.as_mut_ptr() as *mut c_char,
                0,
                0,
                null_mut(),
                flags,
            ) != 0;
            if ok && !p.text.data.is_null() {
                if !len.is_null() {
                    *len = p.text.size;
                }
                return p.text.data as *mut c_char;
            }
            return empty();
        }
        if !len.is_null() {
            *len = p.text.size;
        }
        if p.text.size == 0 {
            markseen(stream, mail_elt(stream, msgno), flags);
            return empty();
        }
        if !(*stream).private.search.text.is_null() {
            return (*stream).private.search.text.add(p.offset as usize);
        }
        let mut bs = zeroed_string();
        if !driver_text(stream, msgno, &mut bs, flags) {
            if !len.is_null() {
                *len = 0;
            }
            return empty();
        }
        if is_memory_string(&bs) {
            if !(*stream).private.search.string.is_null() {
                (*stream).private.search.text = bs.curpos;
            }
            return bs.curpos.add(p.offset as usize);
        }
        textcpyoffstring(&mut (*stream).text, &mut bs, p.offset, p.text.size)
    }
}

/// `mail_fetch_body`: the contents of a body part by section ("1", "2.3",
/// ...); no section means the whole message, "0" or "<n>.0" the header.
///
/// # Safety
/// As `mail_fetch_header`.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mail_fetch_body", empty(), || {
        // SAFETY: per the contract.
        unsafe { fetch_body(stream, msgno, section, len, flags) }
    })
}

unsafe fn fetch_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    // SAFETY (whole body): per mail_fetch_body's contract.
    unsafe {
        (*stream).private.string = zeroed_string();
        if !nonempty(section) {
            return mail_fetch_message(stream, msgno, len, flags);
        }
        if section_too_long(section) {
            return empty();
        }
        let mut flags = flags & !FT_INTERNAL;
        let mut md = gets_data(stream, msgno, section, 0, 0);
        let spec = c_bytes(section).unwrap_or(b"");
        if let Some(prefix) = core::zero_section(spec) {
            let mut prefix = prefix.to_vec();
            let has_prefix = !prefix.is_empty();
            prefix.push(0);
            let mut ht = SIZEDTEXT {
                data: null_mut(),
                size: 0,
            };
            let at = if has_prefix {
                prefix.as_mut_ptr() as *mut c_char
            } else {
                null_mut()
            };
            ht.data = mail_fetch_header(stream, msgno, at, null_mut(), &mut ht.size, flags)
                as *mut c_uchar;
            md.flags = if flags & FT_UID != 0 { MG_UID } else { 0 };
            return mail_fetch_text_return(&mut md, &mut ht, len);
        }
        if !len.is_null() {
            *len = 0;
        }
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return empty();
        };
        let b = mail_body(stream, msgno, section as *mut c_uchar);
        if b.is_null() {
            return empty();
        }
        let p = &mut (*b).contents;
        if !p.text.data.is_null() {
            markseen(stream, mail_elt(stream, msgno), flags);
            return mail_fetch_text_return(&mut md, &mut p.text, len);
        }
        let dtb = (*stream).dtb;
        if dtb.is_null() {
            return empty();
        }
        if let Some(msgdata) = (*dtb).msgdata {
            let ok = msgdata(stream, msgno, section, 0, 0, null_mut(), flags) != 0;
            return if ok && !p.text.data.is_null() {
                mail_fetch_text_return(&mut md, &mut p.text, len)
            } else {
                empty()
            };
        }
        if !len.is_null() {
            *len = p.text.size;
        }
        if p.text.size == 0 {
            markseen(stream, mail_elt(stream, msgno), flags);
            return empty();
        }
        if !(*stream).private.search.text.is_null() {
            return (*stream).private.search.text.add(p.offset as usize);
        }
        let mut bs = zeroed_string();
        if !driver_text(stream, msgno, &mut bs, flags) {
            if !len.is_null() {
                *len = 0;
            }
            return empty();
        }
        if is_memory_string(&bs) {
            if !(*stream).private.search.string.is_null() {
                (*stream).private.search.text = bs.curpos;
            }
            return bs.curpos.add(p.offset as usize);
        }
        setpos(&mut bs, p.offset);
        mail_fetch_string_return(&mut md, &mut bs, p.text.size, len, flags)
    }
}

/// Hands `first`..`last` of a text to the application's mailgets.
///
/// # Safety
/// `bs` set up; `md` valid.
unsafe fn partial_out(
    bs: &mut STRING,
    size: c_ulong,
    first: c_ulong,
    last: c_ulong,
    md: &mut GETS_DATA,
) {
    // SAFETY: per the contract; mailgets was checked by the caller.
    unsafe {
        let mut i = size;
        // Past the end: nothing (the identifier keeps the asked-for range).
        if i <= first {
            i = 0;
        } else {
            setpos(bs, first.wrapping_add(getpos(bs)));
            i -= first;
            if last != 0 && i > last {
                i = last;
            }
        }
        if let Some(gets) = mailgets() {
            gets(Some(mail_read), bs as *mut STRING as *mut c_void, i, md);
        }
    }
}

/// `mail_partial_text`: bytes `first`.. (at most `last` of them, 0 for
/// all) of a message's text, handed to the application's mailgets.
///
/// # Safety
/// `stream` live; `section` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_partial_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    flags: c_long,
) -> c_long {
    super::guard("mail_partial_text", 0, || {
        // SAFETY: per the contract.
        unsafe { partial_text(stream, msgno, section, first, last, flags) }
    })
}

unsafe fn partial_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    flags: c_long,
) -> c_long {
    // SAFETY (whole body): per mail_partial_text's contract.
    unsafe {
        if mailgets().is_none() {
            super::sysutil::fatal_message("mail_partial_text() called without a mailgets!");
        }
        if section_too_long(section) {
            return 0;
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return 0;
        };
        let elt = mail_elt(stream, msgno);
        flags &= !FT_INTERNAL;
        let nested = nonempty(section);
        let (p, mut spec): (*mut PARTTEXT, Vec<u8>) = if nested {
            let b = mail_body(stream, msgno, section as *mut c_uchar);
            if b.is_null() || !is_rfc822(&*b) {
                return 0;
            }
            (
                &mut (*(*b).nested.msg).text,
                [c_bytes(section).unwrap_or(b""), b".TEXT"].concat(),
            )
        } else {
            (&mut (*elt).private.msg.text, b"TEXT".to_vec())
        };
        spec.push(0);
        let spec_ptr = spec.as_mut_ptr() as *mut c_char;
        let mut md = gets_data(stream, msgno, spec_ptr, first, last);
        let mut bs = zeroed_string();
        let i;
        if !(*p).text.data.is_null() {
            i = (*p).text.size;
            init_mail_string(&mut bs, (*p).text.data as *mut c_void, i);
            markseen(stream, elt, flags);
        } else {
            let dtb = (*stream).dtb;
            if dtb.is_null() {
                return 0;
            }
            if let Some(msgdata) = (*dtb).msgdata {
                return msgdata(stream, msgno, spec_ptr, first, last, null_mut(), flags);
            }
            if !driver_text(stream, msgno, &mut bs, flags) {
                return 0;
            }
            i = if nested {
                setpos(&mut bs, (*p).offset);
                (*p).text.size
            } else {
                string_size(&bs)
            };
        }
        partial_out(&mut bs, i, first, last, &mut md);
        1
    }
}

/// `mail_partial_body`: as `mail_partial_text` for a body part.
///
/// # Safety
/// As `mail_partial_text`.
#[no_mangle]
pub unsafe extern "C" fn mail_partial_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    flags: c_long,
) -> c_long {
    super::guard("mail_partial_body", 0, || {
        // SAFETY: per the contract.
        unsafe { partial_body(stream, msgno, section, first, last, flags) }
    })
}

unsafe fn partial_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    first: c_ulong,
    last: c_ulong,
    flags: c_long,
) -> c_long {
    // SAFETY (whole body): per mail_partial_body's contract.
    unsafe {
        if !nonempty(section) {
            return mail_partial_text(stream, msgno, null_mut(), first, last, flags);
        }
        if mailgets().is_none() {
            super::sysutil::fatal_message("mail_partial_body() called without a mailgets!");
        }
        let mut flags = flags;
        let Some(msgno) = real_msgno(stream, msgno, &mut flags) else {
            return 0;
        };
        let b = mail_body(stream, msgno, section as *mut c_uchar);
        if b.is_null() {
            return 0;
        }
        flags &= !FT_INTERNAL;
        let mut md = gets_data(stream, msgno, section, first, last);
        let p = &mut (*b).contents;
        let mut bs = zeroed_string();
        let i;
        if !p.text.data.is_null() {
            markseen(stream, mail_elt(stream, msgno), flags);
            i = p.text.size;
            init_mail_string(&mut bs, p.text.data as *mut c_void, i);
        } else {
            let dtb = (*stream).dtb;
            if dtb.is_null() {
                return 0;
            }
            if let Some(msgdata) = (*dtb).msgdata {
                return msgdata(stream, msgno, section, first, last, null_mut(), flags);
            }
            if !driver_text(stream, msgno, &mut bs, flags) {
                return 0;
            }
            setpos(&mut bs, p.offset);
            i = p.text.size;
        }
        partial_out(&mut bs, i, first, last, &mut md);
        1
    }
}

/// `mail_fetch_text_return`: a fetched text, through mailgets when the
/// application installed one.
///
/// # Safety
/// `md` and `t` valid; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_text_return(
    md: *mut GETS_DATA,
    t: *mut SIZEDTEXT,
    len: *mut c_ulong,
) -> *mut c_char {
    super::guard("mail_fetch_text_return", empty(), || {
        // SAFETY: per the contract.
        unsafe {
            if !len.is_null() {
                *len = (*t).size;
            }
            if (*t).size != 0 {
                if let Some(gets) = mailgets() {
                    let mut bs = zeroed_string();
                    init_mail_string(&mut bs, (*t).data as *mut c_void, (*t).size);
                    return gets(
                        Some(mail_read),
                        &mut bs as *mut STRING as *mut c_void,
                        (*t).size,
                        md,
                    );
                }
                return (*t).data as *mut c_char;
            }
            empty()
        }
    })
}

/// `mail_fetch_string_return`: `i` bytes of a STRING as a fetch result:
/// left in the stream for FT_RETURNSTRINGSTRUCT (NULL returned), through
/// mailgets, in place when in memory, else copied into the stream.
///
/// # Safety
/// `md` valid with a live stream; `bs` set up; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mail_fetch_string_return(
    md: *mut GETS_DATA,
    bs: *mut STRING,
    i: c_ulong,
    len: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("mail_fetch_string_return", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            if !len.is_null() {
                *len = i;
            }
            let stream = (*md).stream;
            if flags & FT_RETURNSTRINGSTRUCT != 0 {
                let s = &mut (*stream).private.string;
                *s = *bs;
                setpos(s, getpos(s));
                null_mut()
            } else if let Some(gets) = mailgets() {
                gets(Some(mail_read), bs as *mut c_void, i, md)
            } else if is_memory_string(&*bs) {
                (*bs).curpos
            } else {
                textcpyoffstring(&mut (*stream).text, bs, getpos(bs), i)
            }
        }
    })
}

/// `mail_read`: the `readfn_t` handed to mailgets; copies `size` bytes of
/// the STRING `stream` into `buffer`.
///
/// # Safety
/// `stream` a set-up STRING with `size` bytes left; `buffer` writable.
#[no_mangle]
pub unsafe extern "C" fn mail_read(
    stream: *mut c_void,
    size: c_ulong,
    buffer: *mut c_char,
) -> c_long {
    super::guard("mail_read", 0, || {
        // SAFETY: per the contract; the cursor moves as the original's.
        unsafe {
            let s = stream as *mut STRING;
            let mut size = size;
            let mut buffer = buffer;
            while size > 0 {
                let i = (*s).cursize.min(size);
                std::ptr::copy_nonoverlapping((*s).curpos, buffer, i as usize);
                buffer = buffer.add(i as usize);
                size -= i;
                let step = i.wrapping_sub(1);
                (*s).curpos = (*s).curpos.wrapping_add(step as usize);
                (*s).cursize = (*s).cursize.wrapping_sub(step);
                super::strings::snx(s);
            }
            1
        }
    })
}

/// `mail_fetchfrom`: the first From address with a host, as a menu line
/// of exactly `length` characters (personal name, else mailbox@host).
///
/// # Safety
/// `s` has room for `length + 1` bytes; `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_fetchfrom(
    s: *mut c_char,
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    length: c_long,
) {
    super::guard("mail_fetchfrom", (), || {
        // SAFETY: per the contract.
        unsafe {
            let env = mail_fetch_structure(stream, msgno, null_mut(), 0);
            let n = length.max(0) as usize;
            std::ptr::write_bytes(s, b' ', n);
            *s.add(n) = 0;
            let mut adr = if env.is_null() {
                null_mut()
            } else {
                (*env).from
            };
            while !adr.is_null() && (*adr).host.is_null() {
                adr = (*adr).next;
            }
            if adr.is_null() {
                return;
            }
            let text = match c_bytes((*adr).personal) {
                Some(p) => p.to_vec(),
                None => {
                    // printf's "%.256s" of each part; glibc prints a NULL
                    // mailbox as "(null)".
                    let part = |p: *mut c_char| {
                        let b = c_bytes(p).unwrap_or(b"(null)");
                        b[..b.len().min(256)].to_vec()
                    };
                    [part((*adr).mailbox), b"@".to_vec(), part((*adr).host)].concat()
                }
            };
            let k = text.len().min(n);
            std::ptr::copy_nonoverlapping(text.as_ptr() as *const c_char, s, k);
        }
    })
}

/// `mail_fetchsubject`: the subject cut to `length` bytes, or " ".
///
/// # Safety
/// As `mail_fetchfrom`.
#[no_mangle]
pub unsafe extern "C" fn mail_fetchsubject(
    s: *mut c_char,
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    length: c_long,
) {
    super::guard("mail_fetchsubject", (), || {
        // SAFETY: per the contract.
        unsafe {
            let env = mail_fetch_structure(stream, msgno, null_mut(), 0);
            let n = length.max(0) as usize;
            std::ptr::write_bytes(s, 0, n + 1);
            match if env.is_null() {
                None
            } else {
                c_bytes((*env).subject)
            } {
                Some(subject) => {
                    let k = subject.len().min(n);
                    std::ptr::copy_nonoverlapping(subject.as_ptr() as *const c_char, s, k);
                }
                None => *s = b' ' as c_char,
            }
        }
    })
}

/// `mail_body`: the body part a section specifier names, walking into
/// multiparts and MESSAGE/RFC822 parts; NULL when there is none.
///
/// # Safety
/// `stream` live; `section` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_uchar,
) -> *mut BODY {
    super::guard("mail_body", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let spec = c_bytes(section as *const c_char).unwrap_or(b"");
            if spec.is_empty() {
                return null_mut();
            }
            let mut b: *mut BODY = null_mut();
            if mail_fetch_structure(stream, msgno, &mut b, 0).is_null() || b.is_null() {
                return null_mut();
            }
            let Some(path) = core::section_path(spec) else {
                return null_mut();
            };
            for (step, &n) in path.iter().enumerate() {
                if (*b).type_ as i32 == TYPEMULTIPART {
                    let mut pt = (*b).nested.part;
                    let mut k = n;
                    while !pt.is_null() && k > 1 {
                        pt = (*pt).next;
                        k -= 1;
                    }
                    if pt.is_null() {
                        return null_mut();
                    }
                    b = &mut (*pt).body;
                } else if n != 1 {
                    return null_mut();
                }
                if step + 1 < path.len() {
                    match (*b).type_ as i32 {
                        TYPEMULTIPART => {}
                        TYPEMESSAGE if c_bytes((*b).subtype) == Some(b"RFC822") => {
                            b = (*(*b).nested.msg).body;
                            if b.is_null() {
                                return null_mut();
                            }
                        }
                        _ => return null_mut(),
                    }
                }
            }
            b
        }
    })
}
