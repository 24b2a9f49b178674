//! Stream operations that are not fetches: message sets (`mail_sequence`,
//! `mail_uid_sequence`, searchsets), UIDs, flags (`mail_flag`,
//! `mail_parse_flags`), copy/append/expunge dispatch, stream handles and
//! the stream lock. Drivers are reached only through their `DRIVER` slots.

use super::bindings::*;
use super::cache::{each_element, element, mail_elt, next_element};
use super::callbacks::{mm_flags, mm_log, mm_notify};
use super::construct::mail_newsearchset;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::sysutil::fatal_message as fatal;
use crate::store::fetch as core;
use crate::store::sequence::{self, Item};
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_void};
use std::ptr::null_mut;

fn log(text: &[u8], level: c_long) {
    let mut owned = text.to_vec();
    owned.push(0);
    // SAFETY: NUL-terminated text alive across the call.
    unsafe { mm_log(owned.as_mut_ptr() as *mut c_char, level) };
}

/// Clears every message's sequence bit (the start of each set parse).
///
/// # Safety
/// `stream` live.
unsafe fn clear_sequence(stream: *mut MAILSTREAM) {
    // SAFETY: per the contract; elements come from the cache manager.
    unsafe { each_element(stream, |e| e.set_sequence(0)) };
}

/// # Safety
/// `stream` live, `msgno` within it.
unsafe fn mark(stream: *mut MAILSTREAM, msgno: c_ulong) {
    // SAFETY: per the contract.
    unsafe { (*element(stream, msgno)).set_sequence(1) };
}

/// `mail_sequence`: lights the sequence bit of each message in a
/// message-number set; 0 (and an error logged) for a bad set, with the
/// items before the error left lit.
///
/// # Safety
/// `stream` live; `sequence` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long {
    super::guard("mail_sequence", 0, || {
        // SAFETY: per the contract.
        unsafe {
            clear_sequence(stream);
            let text = c_bytes(sequence as *const c_char).unwrap_or(b"");
            for item in sequence::msgno_set(text, (*stream).nmsgs) {
                match item {
                    Ok(Item::One(i)) => mark(stream, i),
                    Ok(Item::Range(i, j)) => {
                        // Highest first, as the original marks them.
                        let mut j = j;
                        while i <= j {
                            mark(stream, j);
                            j -= 1;
                        }
                    }
                    Err(e) => {
                        log(e.as_bytes(), ERROR);
                        return 0;
                    }
                }
            }
            1
        }
    })
}

/// `mail_uid_sequence`: as `mail_sequence` for a UID set; UIDs not in the
/// mailbox are skipped, ranges cover the UIDs that exist within them.
///
/// # Safety
/// As `mail_sequence`.
#[no_mangle]
pub unsafe extern "C" fn mail_uid_sequence(
    stream: *mut MAILSTREAM,
    sequence: *mut c_uchar,
) -> c_long {
    super::guard("mail_uid_sequence", 0, || {
        // SAFETY: per the contract.
        unsafe {
            clear_sequence(stream);
            let text = c_bytes(sequence as *const c_char).unwrap_or(b"");
            let highest = || {
                if (*stream).nmsgs != 0 {
                    mail_uid(stream, (*stream).nmsgs)
                } else {
                    (*stream).uid_last
                }
            };
            for item in sequence::uid_set(text, highest) {
                match item {
                    Ok(Item::One(i)) => {
                        let x = mail_msgno(stream, i);
                        if x != 0 {
                            mark(stream, x);
                        }
                    }
                    Ok(Item::Range(i, j)) => mark_uid_range(stream, i, j),
                    Err(e) => {
                        log(e.as_bytes(), ERROR);
                        return 0;
                    }
                }
            }
            1
        }
    })
}

/// Marks the messages whose UIDs lie in `i..=j`, the original's way: by
/// message-number range when both ends exist, else by scanning.
///
/// # Safety
/// `stream` live.
unsafe fn mark_uid_range(stream: *mut MAILSTREAM, i: c_ulong, j: c_ulong) {
    // SAFETY: per the contract.
    unsafe {
        let mut x = mail_msgno(stream, i);
        let y = mail_msgno(stream, j);
        let n = (*stream).nmsgs;
        if x != 0 && y != 0 {
            while x <= y {
                mark(stream, x);
                x += 1;
            }
        } else if x != 0 {
            while x <= n && mail_uid(stream, x) <= j {
                mark(stream, x);
                x += 1;
            }
        } else if y != 0 {
            for x in 1..=y {
                if mail_uid(stream, x) >= i {
                    mark(stream, x);
                }
            }
        } else {
            for x in 1..=n {
                let k = mail_uid(stream, x);
                if k >= i && k <= j {
                    mark(stream, x);
                }
            }
        }
    }
}

/// `mail_uid`: a message's UID, from the cache or the driver.
///
/// # Safety
/// `stream` live, `msgno` within it.
#[no_mangle]
pub unsafe extern "C" fn mail_uid(stream: *mut MAILSTREAM, msgno: c_ulong) -> c_ulong {
    super::guard("mail_uid", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let uid = (*mail_elt(stream, msgno)).private.uid;
            if uid != 0 {
                return uid;
            }
            match (*stream).dtb.as_ref().and_then(|d| d.uid) {
                Some(f) => f(stream, msgno),
                None => 0,
            }
        }
    })
}

/// `mail_msgno`: the message number of a UID, 0 when none has it: the
/// driver's map, else a search of the cached UIDs (binary on a live
/// stream, whose UIDs ascend).
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_msgno(stream: *mut MAILSTREAM, uid: c_ulong) -> c_ulong {
    super::guard("mail_msgno", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let uid_of = |m: c_ulong| (*mail_elt(stream, m)).private.uid;
            let n = (*stream).nmsgs;
            let Some(d) = (*stream).dtb.as_ref() else {
                return (1..=n).find(|&m| uid_of(m) == uid).unwrap_or(0);
            };
            if let Some(f) = d.msgno {
                return f(stream, uid);
            }
            if let Some(f) = d.uid {
                return (1..=n).find(|&m| f(stream, m) == uid).unwrap_or(0);
            }
            let (mut first, mut last) = (1, n);
            let mut delta = c_ulong::from(first <= last);
            while delta != 0 {
                let first_uid = uid_of(first);
                if uid < first_uid {
                    break;
                }
                let last_uid = uid_of(last);
                if uid > last_uid {
                    break;
                }
                if uid == first_uid {
                    return first;
                }
                if uid == last_uid {
                    return last;
                }
                delta = (last - first) / 2;
                if delta != 0 {
                    let middle = first + delta;
                    let mid_uid = uid_of(middle);
                    if mid_uid == uid {
                        return middle;
                    } else if uid < mid_uid {
                        last = middle - 1;
                    } else {
                        first = middle + 1;
                    }
                }
            }
            0
        }
    })
}

/// `mail_parse_flags`: the system flag bits of a flag list; keyword bits
/// go to `*uf`. Unknown keywords are created when the stream allows it.
///
/// # Safety
/// `stream` live; `flag` NULL or a C string; `uf` writable.
#[no_mangle]
pub unsafe extern "C" fn mail_parse_flags(
    stream: *mut MAILSTREAM,
    flag: *mut c_char,
    uf: *mut c_ulong,
) -> c_long {
    super::guard("mail_parse_flags", 0, || {
        // SAFETY: per the contract.
        unsafe {
            *uf = 0;
            let text = c_bytes(flag).unwrap_or(b"");
            let s = &mut *stream;
            let table: Vec<Option<&[u8]>> = s.user_flags.iter().map(|&p| c_bytes(p)).collect();
            let parsed = match core::parse_flags(text, &table, s.kwd_create() != 0) {
                Ok(p) => p,
                Err(e) => {
                    log(e.as_bytes(), ERROR);
                    return 0;
                }
            };
            for (slot, name) in &parsed.created {
                s.user_flags[*slot] = c_string_from(name);
            }
            s.set_kwd_create(u32::from(parsed.may_create));
            for w in &parsed.warnings {
                log(w, WARN);
            }
            *uf = parsed.user as c_ulong;
            parsed.system
        }
    })
}

/// The flags of an element `mail_flag` compares before and after.
#[derive(PartialEq, Eq)]
struct FlagState {
    valid: u32,
    seen: u32,
    deleted: u32,
    flagged: u32,
    answered: u32,
    draft: u32,
    user: c_ulong,
}

fn flag_state(e: &MESSAGECACHE) -> FlagState {
    FlagState {
        valid: e.valid(),
        seen: e.seen(),
        deleted: e.deleted(),
        flagged: e.flagged(),
        answered: e.answered(),
        draft: e.draft(),
        user: e.user_flags,
    }
}

/// `mail_flag`: sets (ST_SET) or clears flags on a message or UID set.
/// For drivers with a per-message hook (or no flag method) the cache is
/// changed here, the hook called before and after each change and the
/// application told of real changes; drivers with a flag method then get
/// one call for the whole set.
///
/// # Safety
/// `stream` live; `sequence` and `flag` C strings.
#[no_mangle]
pub unsafe extern "C" fn mail_flag(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flag: *mut c_char,
    flags: c_long,
) {
    super::guard("mail_flag", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(d) = (*stream).dtb.as_ref() else {
                return;
            };
            let (flagmsg, flag_all) = (d.flagmsg, d.flag);
            if flagmsg.is_some() || flag_all.is_none() {
                let selected = if flags & ST_UID != 0 {
                    mail_uid_sequence(stream, sequence as *mut c_uchar)
                } else {
                    mail_sequence(stream, sequence as *mut c_uchar)
                } != 0;
                let mut uf: c_ulong = 0;
                let f = if selected {
                    mail_parse_flags(stream, flag, &mut uf)
                } else {
                    0
                };
                if selected && (f != 0 || uf != 0) {
                    let on = u32::from(flags & ST_SET != 0);
                    let mut from = 1;
                    while let Some((i, elt)) = next_element(stream, from, |e| e.sequence() != 0) {
                        from = i + 1;
                        let old = flag_state(&*elt);
                        (*elt).set_valid(0);
                        if let Some(h) = flagmsg {
                            h(stream, elt);
                        }
                        let e = &mut *elt;
                        if f & core::bits::SEEN != 0 {
                            e.set_seen(on);
                        }
                        if f & core::bits::DELETED != 0 {
                            e.set_deleted(on);
                        }
                        if f & core::bits::FLAGGED != 0 {
                            e.set_flagged(on);
                        }
                        if f & core::bits::ANSWERED != 0 {
                            e.set_answered(on);
                        }
                        if f & core::bits::DRAFT != 0 {
                            e.set_draft(on);
                        }
                        if on != 0 {
                            e.user_flags |= uf;
                        } else {
                            e.user_flags &= !uf;
                        }
                        e.set_valid(1);
                        if old != flag_state(e) {
                            mm_flags(stream, e.msgno);
                        }
                        if let Some(h) = flagmsg {
                            h(stream, elt);
                        }
                    }
                }
            }
            if let Some(f) = flag_all {
                f(stream, sequence, flag, flags);
            }
        }
    })
}

/// `mail_expunge_full`: the driver's expunge (of a set when given).
///
/// # Safety
/// `stream` live; `sequence` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_expunge_full(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("mail_expunge_full", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(d) = (*stream).dtb.as_ref() else {
                return 0;
            };
            match d.expunge {
                Some(f) => f(stream, sequence, options),
                None => {
                    super::report_unavailable("mail_expunge_full (driver expunge)");
                    0
                }
            }
        }
    })
}

/// `mail_copy_full`: the driver's copy (CP_UID, CP_MOVE are the driver's
/// to honour).
///
/// # Safety
/// `stream` live; strings C strings.
#[no_mangle]
pub unsafe extern "C" fn mail_copy_full(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    mailbox: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("mail_copy_full", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(d) = (*stream).dtb.as_ref() else {
                return 0;
            };
            match d.copy {
                Some(f) => f(stream, sequence, mailbox, options),
                None => {
                    super::report_unavailable("mail_copy_full (driver copy)");
                    0
                }
            }
        }
    })
}

/// What `mail_append_full` hands its one-message callback.
#[repr(C)]
struct AppendPackage {
    flags: *mut c_char,
    date: *mut c_char,
    message: *mut STRING,
}

/// The callback of a single append: gives the package once, then ends.
unsafe extern "C" fn append_single(
    _stream: *mut MAILSTREAM,
    data: *mut c_void,
    flags: *mut *mut c_char,
    date: *mut *mut c_char,
    message: *mut *mut STRING,
) -> c_long {
    super::guard("append_single", 0, || {
        // SAFETY: `data` is the package of mail_append_full, alive for the
        // whole append; the out-pointers come from the driver.
        unsafe {
            let ap = &mut *(data as *mut AppendPackage);
            *flags = ap.flags;
            *date = ap.date;
            *message = ap.message;
            ap.message = null_mut();
        }
        1
    })
}

/// `mail_append_full`: appends one message.
///
/// # Safety
/// `stream` NULL or live; strings C strings (flags, date may be NULL);
/// `message` a set-up STRING.
#[no_mangle]
pub unsafe extern "C" fn mail_append_full(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    flags: *mut c_char,
    date: *mut c_char,
    message: *mut STRING,
) -> c_long {
    super::guard("mail_append_full", 0, || {
        let mut ap = AppendPackage {
            flags,
            date,
            message,
        };
        // SAFETY: the package outlives the call.
        unsafe {
            mail_append_multiple(
                stream,
                mailbox,
                Some(append_single),
                &mut ap as *mut AppendPackage as *mut c_void,
            )
        }
    })
}

/// Calls a driver's append slot.
///
/// # Safety
/// `d` a live driver; the rest per `mail_append_multiple`.
unsafe fn driver_append(
    d: *mut DRIVER,
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    af: append_t,
    data: *mut c_void,
) -> c_long {
    // SAFETY: per the contract.
    unsafe {
        match (*d).append {
            Some(f) => f(stream, mailbox, af, data),
            None => {
                super::report_unavailable("mail_append (driver append)");
                0
            }
        }
    }
}

/// Longest mailbox name accepted, as in `mail_valid`.
const MAX_NAME: usize = (NETMAXHOST + NETMAXUSER * 2 + NETMAXMBX + NETMAXSRV + 50) as usize;

/// `mail_append_multiple`: appends the messages `af` hands out to a
/// mailbox, through the driver the name selects ("#driver.NAME/..." picks
/// one by name); with no stream and no driver, the default format's.
///
/// # Safety
/// `stream` NULL or live; `mailbox` a C string; `af` follows append_t.
#[no_mangle]
pub unsafe extern "C" fn mail_append_multiple(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    af: append_t,
    data: *mut c_void,
) -> c_long {
    super::guard("mail_append_multiple", 0, || {
        // SAFETY: per the contract.
        unsafe { append_multiple(stream, mailbox, af, data) }
    })
}

unsafe fn append_multiple(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    af: append_t,
    data: *mut c_void,
) -> c_long {
    // SAFETY (whole body): per mail_append_multiple's contract.
    unsafe {
        let name = c_bytes(mailbox).unwrap_or(b"");
        let cut = &name[..name.len().min(80)];
        if name.iter().any(|&c| c == b'\r' || c == b'\n') {
            log(b"Can't append to mailbox with such a name", ERROR);
            return 0;
        }
        if name.len() >= MAX_NAME {
            let why: &[u8] = if name.first() == Some(&b'{') {
                b"invalid remote specification"
            } else {
                b"no such mailbox"
            };
            log(&[b"Can't append ", cut, b": ", why].concat(), ERROR);
            return 0;
        }
        if name.len() >= 8 && name[..8].eq_ignore_ascii_case(b"#driver.") {
            let rest = &name[8..];
            let Some(end) = rest.iter().position(|&c| matches!(c, b'/' | b'\\' | b':')) else {
                log(
                    &[b"Can't append to mailbox ", cut, b": bad driver syntax"].concat(),
                    ERROR,
                );
                return 0;
            };
            let mut want = rest[..end].to_ascii_lowercase();
            want.push(0);
            let d = super::registry::find_driver(want.as_ptr() as *const c_char);
            if d.is_null() {
                log(
                    &[b"Can't append to mailbox ", cut, b": unknown driver"].concat(),
                    ERROR,
                );
                return 0;
            }
            return driver_append(d, stream, mailbox.add(8 + end + 1), af, data);
        }
        let d = super::stream::mail_valid(stream, mailbox, null_mut());
        if !d.is_null() {
            return driver_append(d, stream, mailbox, af, data);
        }
        let mut stream = stream;
        if stream.is_null() {
            stream = super::env::default_proto(0);
            if !stream.is_null()
                && !(*stream).dtb.is_null()
                && driver_append((*stream).dtb, stream, mailbox, af, data) != 0
            {
                // Appended although no driver claimed the name: a race.
                mm_notify(
                    stream,
                    c"Append validity confusion".as_ptr() as *mut c_char,
                    WARN,
                );
                return 0;
            }
        }
        super::stream::mail_valid(
            stream,
            mailbox,
            c"append to mailbox".as_ptr() as *mut c_char,
        );
        0
    }
}

/// `mail_parse_set`: a searchset at the start of `s`; `*ret` is set past
/// it. NULL when malformed.
///
/// # Safety
/// `s` a C string; `ret` writable.
#[no_mangle]
pub unsafe extern "C" fn mail_parse_set(s: *mut c_char, ret: *mut *mut c_char) -> *mut SEARCHSET {
    super::guard("mail_parse_set", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let text = c_bytes(s).unwrap_or(b"");
            let Some((items, used)) = sequence::parse_searchset(text) else {
                return null_mut();
            };
            let mut head: *mut SEARCHSET = null_mut();
            let mut tail: *mut SEARCHSET = null_mut();
            for (first, last) in items {
                let cur = mail_newsearchset();
                (*cur).first = first;
                (*cur).last = last;
                if head.is_null() {
                    head = cur;
                } else {
                    (*tail).next = cur;
                }
                tail = cur;
            }
            *ret = s.add(used);
            head
        }
    })
}

/// `mail_append_set`: adds `msgno` to the end of a searchset, extending
/// the last range when it follows on; returns the tail (NULL for no set).
///
/// # Safety
/// `set` NULL or a valid searchset.
#[no_mangle]
pub unsafe extern "C" fn mail_append_set(set: *mut SEARCHSET, msgno: c_ulong) -> *mut SEARCHSET {
    super::guard("mail_append_set", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            if set.is_null() {
                return null_mut();
            }
            let mut set = set;
            while !(*set).next.is_null() {
                set = (*set).next;
            }
            let s = &mut *set;
            if s.first == 0 {
                s.first = msgno;
            } else if msgno == (if s.last != 0 { s.last } else { s.first }).wrapping_add(1) {
                s.last = msgno;
            } else {
                let n = mail_newsearchset();
                (*n).first = msgno;
                s.next = n;
                set = n;
            }
            set
        }
    })
}

/// `mail_makehandle`: a handle on a stream that notices when the stream
/// is closed or reused.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_makehandle(stream: *mut MAILSTREAM) -> *mut MAILHANDLE {
    super::guard("mail_makehandle", null_mut(), || {
        // SAFETY: per the contract; the handle is a new block.
        unsafe {
            let h = fs_get(std::mem::size_of::<MAILHANDLE>()) as *mut MAILHANDLE;
            (*h).stream = stream;
            (*h).sequence = (*stream).sequence;
            (*stream).use_ = (*stream).use_.wrapping_add(1);
            h
        }
    })
}

/// `mail_free_handle`: releases a handle; the last one frees a stream
/// already closed.
///
/// # Safety
/// `handle` points to NULL or a handle from `mail_makehandle`.
#[no_mangle]
pub unsafe extern "C" fn mail_free_handle(handle: *mut *mut MAILHANDLE) {
    super::guard("mail_free_handle", (), || {
        // SAFETY: per the contract.
        unsafe {
            if handle.is_null() || (*handle).is_null() {
                return;
            }
            let s = (**handle).stream;
            (*s).use_ = (*s).use_.wrapping_sub(1);
            if (*s).use_ == 0 && (*s).dtb.is_null() {
                let mut p = s as *mut c_void;
                fs_give(&mut p);
            }
            fs_give(handle as *mut *mut c_void);
        }
    })
}

/// `mail_stream`: the handle's stream, or NULL once it was closed or
/// reused for another mailbox.
///
/// # Safety
/// `handle` from `mail_makehandle`.
#[no_mangle]
pub unsafe extern "C" fn mail_stream(handle: *mut MAILHANDLE) -> *mut MAILSTREAM {
    super::guard("mail_stream", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let s = (*handle).stream;
            if !(*s).dtb.is_null() && (*handle).sequence == (*s).sequence {
                s
            } else {
                null_mut()
            }
        }
    })
}

/// `mail_lock`: marks the stream busy; locking it twice is fatal.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_lock(stream: *mut MAILSTREAM) {
    super::guard("mail_lock", (), || {
        // SAFETY: per the contract.
        unsafe {
            if (*stream).lock() != 0 {
                let mbx = c_bytes((*stream).mailbox).unwrap_or(b"???");
                let mbx = String::from_utf8_lossy(&mbx[..mbx.len().min(80)]).into_owned();
                fatal(&format!("Lock when already locked, mbx={mbx}"));
            }
            (*stream).set_lock(1);
        }
    })
}

/// `mail_unlock`: marks the stream free; unlocking a free stream is fatal.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_unlock(stream: *mut MAILSTREAM) {
    super::guard("mail_unlock", (), || {
        // SAFETY: per the contract.
        unsafe {
            if (*stream).lock() == 0 {
                fatal("Unlock when not locked");
            }
            (*stream).set_lock(0);
        }
    })
}
