//! Sorting a stream (mail.c's sort half): `mail_sort` and the generic
//! sorter every driver without its own `sort` slot uses. Keys are loaded
//! into the stream's sort cache (CH_SORTCACHE entries, as programs see
//! them) through the fetch layer; the ordering and base-subject rules are
//! in `crate::query::sort`.

use super::bindings::*;
use super::cache::{cache_call, mail_elt};
use super::construct::{mail_free_address, mail_free_searchpgm, mail_free_sortpgm};
use super::dates::mail_longdate;
use super::mail::{mail_fetch_fast, mail_fetch_header};
use super::mail_flags::mail_uid;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::params::hook;
use super::rfc822_parse::rfc822_parse_address;
use super::search::search_silently;
use super::sysutil::fatal_message;
use crate::query::sort as core;
use std::os::raw::{c_char, c_int, c_long, c_uint, c_ulong, c_void};
use std::ptr::null_mut;

/// Header line lists the loader fetches (static, as the original's).
struct Lines {
    date: [STRINGLIST; 1],
    from: [STRINGLIST; 2],
    to: [STRINGLIST; 1],
    cc: [STRINGLIST; 1],
    subject: [STRINGLIST; 1],
}

fn line(name: &'static [u8]) -> STRINGLIST {
    STRINGLIST {
        text: SIZEDTEXT {
            data: name.as_ptr() as *mut u8,
            size: name.len() as c_ulong,
        },
        next: null_mut(),
    }
}

fn lines() -> Box<Lines> {
    let mut l = Box::new(Lines {
        date: [line(b"date")],
        from: [line(b"from"), line(b">from")],
        to: [line(b"to")],
        cc: [line(b"cc")],
        subject: [line(b"subject")],
    });
    l.from[0].next = &mut l.from[1];
    l
}

/// The sort program as core steps.
///
/// # Safety
/// `pgm` NULL or a valid sort program list.
unsafe fn steps(mut pgm: *const SORTPGM) -> Vec<core::Step> {
    let mut v = Vec::new();
    // SAFETY: a valid list per the contract.
    unsafe {
        while !pgm.is_null() {
            let key = match (*pgm).function as c_int {
                SORTDATE => core::Key::Date,
                SORTARRIVAL => core::Key::Arrival,
                SORTSIZE => core::Key::Size,
                SORTFROM => core::Key::From,
                SORTTO => core::Key::To,
                SORTCC => core::Key::Cc,
                SORTSUBJECT => core::Key::Subject,
                _ => {
                    pgm = (*pgm).next;
                    continue;
                }
            };
            v.push(core::Step {
                key,
                reverse: (*pgm).reverse() != 0,
            });
            pgm = (*pgm).next;
        }
    }
    v
}

/// A sort cache entry's keys, borrowed.
///
/// # Safety
/// `s` a valid sort cache entry whose strings outlive the result.
unsafe fn keys<'a>(s: *const SORTCACHE) -> core::Keys<'a> {
    // SAFETY: per the contract.
    unsafe {
        core::Keys {
            num: (*s).num,
            date: (*s).date,
            arrival: (*s).arrival,
            size: (*s).size,
            from: c_bytes((*s).from),
            to: c_bytes((*s).to),
            cc: c_bytes((*s).cc),
            subject: c_bytes((*s).subject),
        }
    }
}

/// `mail_sort`: sorts with the driver's sorter or the generic one, then
/// frees the programs if asked.
///
/// # Safety
/// `stream` live; `spg` NULL or a program; `pgm` a sort program.
#[no_mangle]
pub unsafe extern "C" fn mail_sort(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    super::guard("mail_sort", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut ret = null_mut();
            // A NULL stream crashes the original; here it is no stream.
            if !stream.is_null() && !(*stream).dtb.is_null() {
                ret = match (*(*stream).dtb).sort {
                    Some(f) => f(stream, charset, spg, pgm, flags),
                    None => mail_sort_msgs(stream, charset, spg, pgm, flags),
                };
            }
            if !spg.is_null() && flags & SE_FREE != 0 {
                let mut p = spg;
                mail_free_searchpgm(&mut p);
            }
            if flags & SO_FREE != 0 {
                let mut p = pgm;
                mail_free_sortpgm(&mut p);
            }
            ret
        }
    })
}

/// `mail_sort_msgs`: searches (quietly) when given a program, loads the
/// sort cache of the matching messages and sorts them.
///
/// # Safety
/// As `mail_sort`.
#[no_mangle]
pub unsafe extern "C" fn mail_sort_msgs(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    super::guard("mail_sort_msgs", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { sort_msgs(stream, charset, spg, pgm, flags) }
    })
}

/// Hands a sort's result to the application's GET_SORTRESULTS hook, if
/// one is installed.
///
/// # Safety
/// `ret` NULL or a zero-terminated result of `nmsgs` entries at most.
pub(crate) unsafe fn sort_results(stream: *mut MAILSTREAM, ret: *mut c_ulong, nmsgs: c_ulong) {
    let cb = hook(GET_SORTRESULTS as c_long);
    if cb != 0 {
        // SAFETY: installed as a sortresults_t.
        unsafe {
            let f: unsafe extern "C" fn(*mut MAILSTREAM, *mut c_ulong, c_ulong) =
                std::mem::transmute(cb);
            f(stream, ret, nmsgs);
        }
    }
}

unsafe fn sort_msgs(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    // SAFETY (whole body): per mail_sort_msgs' contract.
    unsafe {
        search_silently(stream, charset, spg);
        (*pgm).nmsgs = 0;
        (*pgm).progress.cached = 0;
        for i in 1..=(*stream).nmsgs {
            if (*mail_elt(stream, i)).searched() != 0 {
                (*pgm).nmsgs += 1;
            }
        }
        let ret;
        if (*pgm).nmsgs != 0 {
            let mut sc = mail_sort_loadcache(stream, pgm);
            ret = if (*pgm).abort() == 0 {
                mail_sort_cache(stream, pgm, sc, flags)
            } else {
                null_mut()
            };
            fs_give(&mut sc as *mut _ as *mut *mut c_void);
        } else {
            ret = fs_get(std::mem::size_of::<c_ulong>()) as *mut c_ulong;
            *ret = 0;
        }
        sort_results(stream, ret, (*pgm).nmsgs);
        ret
    }
}

/// `mail_sort_cache`: orders a loaded sort cache vector and returns the
/// message numbers (or UIDs), zero-terminated.
///
/// # Safety
/// `sc` holds `pgm->nmsgs` valid entries.
#[no_mangle]
pub unsafe extern "C" fn mail_sort_cache(
    stream: *mut MAILSTREAM,
    pgm: *mut SORTPGM,
    sc: *mut *mut SORTCACHE,
    flags: c_long,
) -> *mut c_ulong {
    super::guard("mail_sort_cache", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let n = (*pgm).nmsgs as usize;
            // The result's own block holds the order while it is built (no
            // other memory for the usual programs).
            let ret = fs_get((n + 1) * std::mem::size_of::<c_ulong>()) as *mut c_ulong;
            if n > 1 {
                for i in 0..n {
                    let e = *sc.add(i);
                    if (*e).sorted() == 0 {
                        (*e).set_sorted(1);
                        (*pgm).progress.sorted += 1;
                    }
                }
                let program = steps(pgm);
                // The keys are read from the vector itself (no copy of it
                // while the order is built), which is then permuted.
                let order = std::slice::from_raw_parts_mut(ret, n);
                if core::order_into(order, |i| keys(*sc.add(i)), &program) {
                    permute(sc, order);
                } else {
                    let sorted = core::order_with(n, |i| keys(*sc.add(i)), &program);
                    let entries: Vec<*mut SORTCACHE> = (0..n).map(|i| *sc.add(i)).collect();
                    for (slot, i) in sorted.into_iter().enumerate() {
                        *sc.add(slot) = entries[i];
                    }
                }
            }
            if let Some(post) = (*pgm).postsort {
                post(sc as *mut c_void);
            }
            for i in 0..n {
                let num = (**sc.add(i)).num;
                *ret.add(i) = if flags & SE_UID != 0 {
                    mail_uid(stream, num)
                } else {
                    num
                };
            }
            *ret.add(n) = 0;
            ret
        }
    })
}

/// Puts `sc[order[k]]` at `sc[k]` for every k, following each cycle of
/// the permutation (`order` is marked as it goes, no other memory).
///
/// # Safety
/// `sc` holds `order.len()` entries; `order` a permutation of 0..len.
unsafe fn permute(sc: *mut *mut SORTCACHE, order: &mut [u64]) {
    const SEEN: u64 = 1 << 63;
    // SAFETY: every index is below order.len() per the contract.
    unsafe {
        for start in 0..order.len() {
            if order[start] & SEEN != 0 {
                continue;
            }
            let first = *sc.add(start);
            let mut k = start;
            loop {
                let from = order[k] as usize;
                order[k] |= SEEN;
                if from == start {
                    *sc.add(k) = first;
                    break;
                }
                *sc.add(k) = *sc.add(from);
                k = from;
            }
        }
    }
}

/// Asks the driver for a message's fast data.
///
/// # Safety
/// `stream` live.
unsafe fn fetch_fast(stream: *mut MAILSTREAM, i: c_ulong) {
    let seq = std::ffi::CString::new(i.to_string()).unwrap_or_default();
    // SAFETY: per the contract.
    unsafe { mail_fetch_fast(stream, seq.as_ptr() as *mut c_char, 0) };
}

/// The arrival date of a message, fetching it when unknown and fetchable
/// (1 when still unknown).
///
/// # Safety
/// `stream` live; `elt` its element for `i`.
unsafe fn arrival(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE, i: c_ulong) -> c_ulong {
    // SAFETY: per the contract.
    unsafe {
        if (*elt).day() == 0 && (*(*stream).dtb).flags & DR_NOINTDATE as c_ulong == 0 {
            fetch_fast(stream, i);
        }
        if (*elt).day() != 0 {
            mail_longdate(elt)
        } else {
            1
        }
    }
}

/// The first field among `lines` of a message's header, its value joined.
///
/// # Safety
/// `stream` live.
unsafe fn header_value(
    stream: *mut MAILSTREAM,
    i: c_ulong,
    lines: *mut STRINGLIST,
    again: Option<u8>,
) -> Option<Vec<u8>> {
    // SAFETY: per the contract.
    unsafe {
        let h = mail_fetch_header(
            stream,
            i,
            null_mut(),
            lines,
            null_mut(),
            FT_INTERNAL | FT_PEEK,
        );
        core::header_value(c_bytes(h)?, again)
    }
}

/// `header_value` for a one-name line list without `again` (Date,
/// Subject) on a local driver whose header is not cached: the driver's
/// header scanned in place for the field (`core::field_value`) instead of
/// copied and filtered (same answer; only the stream's scratch text,
/// which the filtered copy would have occupied, is left alone).
///
/// # Safety
/// `stream` live; `i` a valid message number.
unsafe fn simple_value(
    stream: *mut MAILSTREAM,
    i: c_ulong,
    lines: *mut STRINGLIST,
    name: &[u8],
) -> Option<Vec<u8>> {
    // SAFETY: per the contract.
    unsafe {
        let dtb = (*stream).dtb;
        let elt = mail_elt(stream, i);
        if !dtb.is_null()
            && (*dtb).msgdata.is_none()
            && (*elt).private.msg.header.text.data.is_null()
        {
            if let Some(f) = (*dtb).header {
                let mut len: c_ulong = 0;
                let h = f(stream, i, &mut len, FT_INTERNAL | FT_PEEK);
                if !h.is_null() {
                    let hdr = std::slice::from_raw_parts(h as *const u8, len as usize);
                    if let Some(v) = core::field_value(hdr, name) {
                        return v;
                    }
                }
            }
        }
        header_value(stream, i, lines, None)
    }
}

/// The mailbox of the first address of a header value (a C copy).
fn first_mailbox(value: &[u8]) -> *mut c_char {
    let buf = c_string_from(value);
    let mut t = buf;
    let mut adr: *mut ADDRESS = null_mut();
    let mut ret = null_mut();
    // SAFETY: `buf` is a fresh C string; the parser returns a list we own.
    unsafe {
        let a = rfc822_parse_address(
            &mut adr,
            adr,
            &mut t,
            c".MISSING-HOST-NAME.".as_ptr() as *mut c_char,
            0,
        );
        if !a.is_null() {
            ret = (*a).mailbox;
            (*a).mailbox = null_mut();
        }
        mail_free_address(&mut adr);
        let mut b = buf as *mut c_void;
        fs_give(&mut b);
    }
    ret
}

/// Date and Subject values found ahead for one message on the driver's
/// header lookup form (`bridge::header_lookups`): `Some` is the answer
/// `simple_value` would give (`core::field_value` gives the same on that
/// form as on the driver's header), `None` asks `simple_value` itself.
struct Hint {
    num: c_ulong,
    /// The sort key of the Date value (`date_key` of it, 0 without one).
    date: Option<c_ulong>,
    /// The Subject value, as where it lies in the round's text arena.
    subject: Option<Option<std::ops::Range<u32>>>,
}

/// A found value (or its absence) kept for later: the value appended to
/// `arena`, as where it lies there. None past 4 GiB (the message is then
/// looked up on its own).
fn kept(arena: &mut Vec<u8>, v: Option<&[u8]>) -> Option<Option<std::ops::Range<u32>>> {
    let Some(v) = v else {
        return Some(None);
    };
    let start = u32::try_from(arena.len()).ok()?;
    let end = u32::try_from(arena.len() + v.len()).ok()?;
    arena.extend_from_slice(v);
    Some(Some(start..end))
}

/// `date_key` of a Date value as the loader takes it (past leading
/// blanks); 0 without a value.
fn date_value_key(t: Option<&[u8]>) -> c_ulong {
    match t {
        Some(t) => {
            let start = t
                .iter()
                .position(|&c| c != b' ' && c != b'\t')
                .unwrap_or(t.len());
            super::dates::date_key(&t[start..])
        }
        None => 0,
    }
}

/// How many messages one round of look-ahead covers (the round's
/// values and the driver's block are the loader's own memory).
const HINT_BATCH: usize = 512;

/// Fills `hints` for the next searched messages from `from` (at most
/// `left`, HINT_BATCH a round) whose keys would come from the header;
/// returns the last message number considered.
///
/// # Safety
/// `stream` live.
unsafe fn fill_hints(
    stream: *mut MAILSTREAM,
    from: c_ulong,
    left: c_ulong,
    want: (bool, bool),
    hints: &mut std::collections::VecDeque<Hint>,
    arena: &mut Vec<u8>,
) -> c_ulong {
    hints.clear();
    arena.clear();
    let mut nums: Vec<u32> = Vec::with_capacity(HINT_BATCH);
    let mut i = from;
    // SAFETY (whole body): per the contract.
    unsafe {
        let nmsgs = (*stream).nmsgs;
        let mut last = from;
        while i <= nmsgs && nums.len() < HINT_BATCH && (nums.len() as c_ulong) < left {
            let elt = mail_elt(stream, i);
            last = i;
            if (*elt).searched() != 0 {
                let env_known = if (*stream).scache() != 0 {
                    i == (*stream).msgno
                } else {
                    !(*elt).private.msg.env.is_null()
                };
                if !env_known && (*elt).private.msg.header.text.data.is_null() {
                    if let Ok(n) = u32::try_from(i) {
                        nums.push(n);
                    }
                }
            }
            i += 1;
        }
        if !nums.is_empty() {
            let names: &[&[u8]] = match want {
                (true, true) => &[b"date", b"subject"],
                (true, false) => &[b"date"],
                _ => &[b"subject"],
            };
            let mut out = [None, None];
            let search = core::FieldSearch::new(names);
            super::bridge::header_lookups(stream, &nums, &mut |n, h| {
                let mut hint = Hint {
                    num: c_ulong::from(n),
                    date: None,
                    subject: None,
                };
                if let Some(h) = h {
                    let mut spans = [None, None];
                    let spans = &mut spans[..names.len()];
                    if search.spans(h, spans) {
                        // The Date value is parsed where it lies.
                        let mut it = spans.iter();
                        if want.0 {
                            hint.date = match it.next().copied().flatten() {
                                None => Some(0),
                                Some(f) => {
                                    core::field_value_of(f).map(|v| date_value_key(v.as_deref()))
                                }
                            };
                        }
                        if want.1 {
                            hint.subject = match it.next().copied().flatten() {
                                None => Some(None),
                                Some(f) => {
                                    core::field_value_of(f).and_then(|v| kept(arena, v.as_deref()))
                                }
                            };
                        }
                    } else {
                        core::field_values_clean(h, names, &mut out[..names.len()]);
                        let mut it = out.iter_mut();
                        if want.0 {
                            hint.date = it
                                .next()
                                .and_then(Option::take)
                                .map(|v| date_value_key(v.as_deref()));
                        }
                        if want.1 {
                            hint.subject = it
                                .next()
                                .and_then(Option::take)
                                .and_then(|v| kept(arena, v.as_deref()));
                        }
                    }
                }
                hints.push_back(hint);
            });
        }
        last
    }
}

/// `mail_sort_loadcache`: fills the sort cache of every searched message
/// with the keys the program needs.
///
/// # Safety
/// `stream` live, already searched; `pgm` a sort program with `nmsgs` set.
#[no_mangle]
pub unsafe extern "C" fn mail_sort_loadcache(
    stream: *mut MAILSTREAM,
    pgm: *mut SORTPGM,
) -> *mut *mut SORTCACHE {
    super::guard("mail_sort_loadcache", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { loadcache(stream, pgm) }
    })
}

unsafe fn loadcache(stream: *mut MAILSTREAM, pgm: *mut SORTPGM) -> *mut *mut SORTCACHE {
    let mut ls = lines();
    // SAFETY (whole body): per mail_sort_loadcache's contract.
    unsafe {
        let bytes = (*pgm).nmsgs as usize * std::mem::size_of::<*mut SORTCACHE>();
        let sc = fs_get(bytes) as *mut *mut SORTCACHE;
        std::ptr::write_bytes(sc as *mut u8, 0, bytes);
        // Date and Subject from the header are looked up ahead, a batch of
        // messages at a time, when the driver can hand headers over in bulk.
        let mut want = (false, false);
        let mut pg = pgm;
        while !pg.is_null() {
            match (*pg).function as c_int {
                SORTDATE => want.0 = true,
                SORTSUBJECT => want.1 = true,
                _ => {}
            }
            pg = (*pg).next;
        }
        let look_ahead =
            (want.0 || want.1) && !(*stream).dtb.is_null() && (*(*stream).dtb).msgdata.is_none();
        let mut hints = std::collections::VecDeque::new();
        let mut arena = Vec::new();
        let mut hinted_to: c_ulong = 0;
        let mut i: c_ulong = 1;
        while (*pgm).abort() == 0 && i <= (*stream).nmsgs {
            let elt = mail_elt(stream, i);
            if (*elt).searched() == 0 || (*pgm).progress.cached >= (*pgm).nmsgs {
                i += 1;
                continue;
            }
            if look_ahead && i > hinted_to {
                let left = (*pgm).nmsgs - (*pgm).progress.cached;
                hinted_to = fill_hints(stream, i, left, want, &mut hints, &mut arena);
            }
            while hints.front().is_some_and(|h: &Hint| h.num < i) {
                hints.pop_front();
            }
            let mut hint = match hints.front() {
                Some(h) if h.num == i => hints.pop_front(),
                _ => None,
            };
            let s = cache_call(stream, i, CH_SORTCACHE as c_long) as *mut SORTCACHE;
            *sc.add((*pgm).progress.cached as usize) = s;
            (*pgm).progress.cached += 1;
            (*s).pgm = pgm;
            (*s).num = i;
            let env: *mut ENVELOPE = if (*stream).scache() != 0 {
                if i == (*stream).msgno {
                    (*stream).env
                } else {
                    null_mut()
                }
            } else {
                (*elt).private.msg.env
            };
            let mut pg = pgm;
            while !pg.is_null() {
                match (*pg).function as c_int {
                    SORTARRIVAL => {
                        if (*s).arrival == 0 {
                            (*s).arrival = arrival(stream, elt, i);
                            (*s).set_dirty(1);
                        }
                    }
                    SORTSIZE => {
                        if (*s).size == 0 {
                            if (*elt).rfc822_size == 0 {
                                fetch_fast(stream, i);
                            }
                            (*s).size = if (*elt).rfc822_size != 0 {
                                (*elt).rfc822_size
                            } else {
                                1
                            };
                            (*s).set_dirty(1);
                        }
                    }
                    SORTDATE => {
                        if (*s).date == 0 {
                            // The look-ahead's key stands for simple_value's
                            // text, under the same conditions.
                            let ahead = hint.as_mut().and_then(|h| h.date.take()).filter(|_| {
                                env.is_null() && (*elt).private.msg.header.text.data.is_null()
                            });
                            let mut d = match ahead {
                                Some(k) => k,
                                None if !env.is_null() => {
                                    date_value_key(c_bytes((*env).date as *const c_char))
                                }
                                None => date_value_key(
                                    simple_value(stream, i, ls.date.as_mut_ptr(), b"date")
                                        .as_deref(),
                                ),
                            };
                            if d == 0 {
                                d = (*s).arrival;
                                if d == 0 {
                                    d = arrival(stream, elt, i);
                                    (*s).arrival = d;
                                }
                            }
                            (*s).date = d;
                            (*s).set_dirty(1);
                        }
                    }
                    f @ (SORTFROM | SORTTO | SORTCC) => {
                        let slot: *mut *mut c_char = match f {
                            SORTFROM => &mut (*s).from,
                            SORTTO => &mut (*s).to,
                            _ => &mut (*s).cc,
                        };
                        if (*slot).is_null() {
                            if !env.is_null() {
                                let a = match f {
                                    SORTFROM => (*env).from,
                                    SORTTO => (*env).to,
                                    _ => (*env).cc,
                                };
                                if !a.is_null() && !(*a).mailbox.is_null() {
                                    *slot = c_string_from(c_bytes((*a).mailbox).unwrap_or(b""));
                                }
                            } else {
                                let (l, again) = match f {
                                    SORTFROM => (ls.from.as_mut_ptr(), b'f'),
                                    SORTTO => (ls.to.as_mut_ptr(), b't'),
                                    _ => (ls.cc.as_mut_ptr(), b't'),
                                };
                                if let Some(v) = header_value(stream, i, l, Some(again)) {
                                    *slot = first_mailbox(&v);
                                }
                            }
                            if (*slot).is_null() {
                                *slot = c_string_from(b"");
                            }
                            (*s).set_dirty(1);
                        }
                    }
                    SORTSUBJECT => {
                        if (*s).subject.is_null() {
                            // The look-ahead's value stands for simple_value's,
                            // under the same conditions.
                            let ahead = hint.as_mut().and_then(|h| h.subject.take()).filter(|_| {
                                env.is_null() && (*elt).private.msg.header.text.data.is_null()
                            });
                            let (base, refwd) = match ahead {
                                Some(r) => strip(r.map_or(&[][..], |r| {
                                    arena.get(r.start as usize..r.end as usize).unwrap_or(b"")
                                })),
                                None if !env.is_null() => {
                                    strip(c_bytes((*env).subject).unwrap_or(b""))
                                }
                                None => strip(
                                    &simple_value(stream, i, ls.subject.as_mut_ptr(), b"subject")
                                        .unwrap_or_default(),
                                ),
                            };
                            (*s).subject = c_string_from(&base);
                            (*s).set_refwd(refwd as c_uint);
                            (*s).set_dirty(1);
                        }
                    }
                    _ => fatal_message("Unknown sort function"),
                }
                pg = (*pg).next;
            }
            i += 1;
        }
        sc
    }
}

/// The base subject and re/fwd state of a raw subject (MIME words
/// decoded to canonical UTF-8 first).
pub(crate) fn strip(t: &[u8]) -> (Vec<u8>, bool) {
    let t = &t[..t.iter().position(|&c| c == 0).unwrap_or(t.len())];
    if t.is_empty() {
        return (Vec::new(), false);
    }
    let (ok, out) = crate::charset::mime2text_log(t, crate::charset::U8T_CANONICAL, &mut |m| {
        super::log_bytes(m, PARSE as c_long)
    });
    if ok {
        core::strip_subject_owned(out.into_owned())
    } else {
        core::strip_subject(t)
    }
}

/// `mail_strip_subject`: the base subject (a new C string in `*ret`) and
/// whether a reply/forward marker was removed.
///
/// # Safety
/// `t` a C string; `ret` writable.
#[no_mangle]
pub unsafe extern "C" fn mail_strip_subject(t: *mut c_char, ret: *mut *mut c_char) -> c_uint {
    super::guard("mail_strip_subject", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let (base, refwd) = strip(c_bytes(t).unwrap_or(b""));
            if !ret.is_null() {
                *ret = c_string_from(&base);
            }
            refwd as c_uint
        }
    })
}

/// `mail_strip_subject_wsp`: past blanks and tabs.
///
/// # Safety
/// `s` a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_strip_subject_wsp(s: *mut c_char) -> *mut c_char {
    super::guard("mail_strip_subject_wsp", s, || {
        let mut p = s;
        // SAFETY: a C string per the contract; stops at its NUL.
        unsafe {
            while *p == b' ' as c_char || *p == b'\t' as c_char {
                p = p.add(1);
            }
        }
        p
    })
}

/// `mail_strip_subject_blob`: past a "[...]" blob and the blanks after
/// it; `s` itself when there is none; NULL when the blob is not closed.
///
/// # Safety
/// `s` a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_strip_subject_blob(s: *mut c_char) -> *mut c_char {
    super::guard("mail_strip_subject_blob", null_mut(), || {
        // SAFETY: a C string per the contract; stops at its NUL.
        unsafe {
            if *s != b'[' as c_char {
                return s;
            }
            let mut p = s.add(1);
            loop {
                match *p as u8 {
                    b']' => return mail_strip_subject_wsp(p.add(1)),
                    b'[' | 0 => return null_mut(),
                    _ => p = p.add(1),
                }
            }
        }
    })
}

/// `mail_sort_compare`: qsort comparator over two sort cache entry
/// pointers, under the first entry's program.
///
/// # Safety
/// Both point to valid entry pointers with a program set.
#[no_mangle]
pub unsafe extern "C" fn mail_sort_compare(a1: *const c_void, a2: *const c_void) -> c_int {
    super::guard("mail_sort_compare", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let s1 = *(a1 as *const *mut SORTCACHE);
            let s2 = *(a2 as *const *mut SORTCACHE);
            let pgm = (*s1).pgm;
            for s in [s1, s2] {
                if (*s).sorted() == 0 {
                    (*s).set_sorted(1);
                    if !pgm.is_null() {
                        (*pgm).progress.sorted += 1;
                    }
                }
            }
            match core::compare(&keys(s1), &keys(s2), &steps(pgm)) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }
        }
    })
}
