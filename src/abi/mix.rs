//! The mix driver's helper exports (its slots come from `core_driver!`).

use super::bindings::*;
use super::cache::{cache_call, mail_elt};
use super::construct::mail_newstringlist;
use super::dates::mail_longdate;
use super::mail_flags::mail_msgno;
use super::memory::{c_bytes, c_string_from};
use super::sort::mail_sort_msgs;
use super::thread::mail_thread_msgs;
use crate::store::events::Events;
use crate::store::mix::{self, sortcache::Have, sortcache::SortKeys, MixMailbox, SortCacheFile};
use std::os::raw::{c_char, c_long, c_ulong};

/// `mix_dirfmttest`: whether a directory entry is one of the format's own
/// files (its name starts with ".mix").
///
/// # Safety
/// `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_dirfmttest(name: *mut c_char) -> c_long {
    super::guard("mix_dirfmttest", 0, || {
        // SAFETY: per the contract.
        let n = unsafe { c_bytes(name) }.unwrap_or(b"");
        mix::dirfmt_test(n).into()
    })
}

/// `mix_scan_contents`: whether a data file of directory `name` holds the
/// `csiz` bytes at `contents`.
///
/// # Safety
/// `name` NULL or NUL-terminated; `contents` NULL or readable for `csiz`
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn mix_scan_contents(
    name: *mut c_char,
    contents: *mut c_char,
    csiz: c_ulong,
    _fsiz: c_ulong,
) -> c_long {
    super::guard("mix_scan_contents", 0, || {
        if name.is_null() || contents.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        let (n, c) = unsafe {
            (
                c_bytes(name).unwrap_or(b""),
                std::slice::from_raw_parts(contents as *const u8, csiz as usize),
            )
        };
        mix::scan_contents(n, c).into()
    })
}

/// Runs `f` on the stream's open mix mailbox.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn with_mix<R>(
    stream: *mut MAILSTREAM,
    f: impl FnOnce(&mut MixMailbox, &mut dyn Events) -> Option<R>,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe {
        super::bridge::with_core(stream, |mb, ev| {
            let mix = mb.as_any_mut()?.downcast_mut::<MixMailbox>()?;
            f(mix, ev)
        })
        .flatten()
    }
}

/// The session's sort cache entry of message `msgno`.
///
/// # Safety
/// `stream` live; `msgno` in range.
unsafe fn entry(stream: *mut MAILSTREAM, msgno: c_ulong) -> *mut SORTCACHE {
    // SAFETY: per the contract.
    unsafe { cache_call(stream, msgno, CH_SORTCACHE as c_long) as *mut SORTCACHE }
}

/// Copies a C string's bytes (None for NULL).
///
/// # Safety
/// `s` NULL or NUL-terminated.
unsafe fn text(s: *const c_char) -> Option<Vec<u8>> {
    // SAFETY: per the contract.
    unsafe { c_bytes(s) }.map(<[u8]>::to_vec)
}

/// `mix_sortcache_open`'s reading: keys from the file stored into the
/// session's sort cache where it has none yet. The file, when it is to be
/// updated afterwards.
///
/// # Safety
/// `stream` live.
unsafe fn cache_open(stream: *mut MAILSTREAM) -> Option<SortCacheFile> {
    // SAFETY (whole body): the stream is live; its cache entries are the
    // library's own allocations.
    unsafe {
        let mut known = |uid: u64| -> Option<Have> {
            let i = mail_msgno(stream, uid as c_ulong);
            if i == 0 {
                return None;
            }
            let sc = entry(stream, i);
            Some(Have {
                from: !(*sc).from.is_null(),
                to: !(*sc).to.is_null(),
                cc: !(*sc).cc.is_null(),
                subject: !(*sc).subject.is_null(),
                message_id: !(*sc).message_id.is_null(),
                references: !(*sc).references.is_null(),
            })
        };
        let mut found = |k: SortKeys| {
            let i = mail_msgno(stream, k.uid as c_ulong);
            if i == 0 {
                return;
            }
            let sc = entry(stream, i);
            let elt = mail_elt(stream, i);
            (*sc).size = (*elt).rfc822_size;
            (*sc).date = k.date as c_ulong;
            (*sc).arrival = if (*elt).day() != 0 {
                mail_longdate(elt)
            } else {
                1
            };
            if k.refwd {
                (*sc).set_refwd(1);
            }
            for (slot, v) in [
                (&mut (*sc).from, k.from),
                (&mut (*sc).to, k.to),
                (&mut (*sc).cc, k.cc),
                (&mut (*sc).subject, k.subject),
                (&mut (*sc).message_id, k.message_id),
            ] {
                if let (true, Some(v)) = (slot.is_null(), v) {
                    *slot = c_string_from(&v);
                }
            }
            if let (true, Some(refs)) = ((*sc).references.is_null(), k.references) {
                let head = mail_newstringlist();
                let mut sl = head;
                for (n, r) in refs.iter().enumerate() {
                    if n > 0 {
                        (*sl).next = mail_newstringlist();
                        sl = (*sl).next;
                    }
                    (*sl).text.data = c_string_from(r) as *mut u8;
                    (*sl).text.size = r.len() as c_ulong;
                }
                (*sc).references = head;
            }
        };
        with_mix(stream, |mix, ev| {
            mix.sortcache_open(&mut known, &mut found, ev)
        })
    }
}

/// `mix_sortcache_update`: when any entry changed since it was read,
/// every message's keys written back; then the file closed.
///
/// # Safety
/// `stream` live.
unsafe fn cache_update(stream: *mut MAILSTREAM, file: SortCacheFile) {
    // SAFETY (whole body): the stream is live; entries are the library's.
    unsafe {
        let n = (*stream).nmsgs;
        let dirty = (1..=n).any(|i| (*entry(stream, i)).dirty() != 0);
        let entries = dirty.then(|| {
            (1..=n)
                .map(|i| {
                    let sc = entry(stream, i);
                    (*sc).set_dirty(0);
                    let references = (!(*sc).references.is_null()).then(|| {
                        let mut v = Vec::new();
                        let mut sl = (*sc).references;
                        while !sl.is_null() && !(*sl).text.data.is_null() {
                            let d = (*sl).text.data;
                            v.push(
                                std::slice::from_raw_parts(d, (*sl).text.size as usize).to_vec(),
                            );
                            sl = (*sl).next;
                        }
                        v
                    });
                    SortKeys {
                        uid: (*mail_elt(stream, i)).private.uid,
                        date: (*sc).date,
                        refwd: (*sc).refwd() != 0,
                        from: text((*sc).from),
                        to: text((*sc).to),
                        cc: text((*sc).cc),
                        subject: text((*sc).subject),
                        message_id: text((*sc).message_id),
                        references,
                    }
                })
                .collect::<Vec<_>>()
        });
        with_mix(stream, |mix, ev| {
            Some(mix.sortcache_update(file, entries.as_deref(), ev))
        });
    }
}

/// `mix_sort`: the generic sort, with the keys kept in `.mixsortcache`
/// between sessions.
///
/// # Safety
/// As `mail_sort_msgs`.
#[no_mangle]
pub unsafe extern "C" fn mix_sort(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    pgm: *mut SORTPGM,
    flags: c_long,
) -> *mut c_ulong {
    super::guard("mix_sort", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let file = cache_open(stream);
            let ret = mail_sort_msgs(stream, charset, spg, pgm, flags);
            if let Some(f) = file {
                cache_update(stream, f);
            }
            ret
        }
    })
}

/// `mix_thread`: the generic threaders, with the keys kept in
/// `.mixsortcache` between sessions.
///
/// # Safety
/// As `mail_thread_msgs`.
#[no_mangle]
pub unsafe extern "C" fn mix_thread(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    super::guard("mix_thread", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let file = cache_open(stream);
            let ret = mail_thread_msgs(stream, type_, charset, spg, flags, Some(mail_sort_msgs));
            if let Some(f) = file {
                cache_update(stream, f);
            }
            ret
        }
    })
}
