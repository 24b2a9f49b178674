//! The mix driver's helper exports (its slots come from `core_driver!`).

use super::bindings::*;
use super::cache::{cache_call, mail_elt};
use super::callbacks::mm_flags;
use super::construct::mail_newstringlist;
use super::dates::mail_longdate;
use super::mail_flags::{mail_msgno, mail_parse_flags, mail_sequence, mail_uid_sequence};
use super::memory::{c_bytes, c_string_from};
use super::sort::mail_sort_msgs;
use super::thread::mail_thread_msgs;
use crate::store::events::Events;
use crate::store::fetch::bits;
use crate::store::flags::Flags;
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
unsafe fn cache_update(stream: *mut MAILSTREAM, file: SortCacheFile) -> bool {
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
        })
        .unwrap_or(false)
    }
}

/// `mix_sortcache_open`: the `.mixsortcache` file read into the stream's
/// sort cache (where another session wrote it since), then handed back open
/// and locked for `mix_sortcache_update`; NULL when the mailbox is empty,
/// the file could only be read, or it was unusable (reported).
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mix_sortcache_open(stream: *mut MAILSTREAM) -> *mut libc::FILE {
    super::guard("mix_sortcache_open", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mix = super::drvhelpers::mix_drivers();
            if super::drvhelpers::ours(stream, &mix, "mix_sortcache_open", "mix").is_none() {
                return std::ptr::null_mut();
            }
            match cache_open(stream) {
                Some(f) => super::drvhelpers::into_file(f.into_file(), c"r+b"),
                None => std::ptr::null_mut(),
            }
        }
    })
}

/// `mix_sortcache_update`: when any message's sort keys changed, all of
/// them written to the file `*sortcache` (from `mix_sortcache_open`) under
/// a new sequence; the FILE is closed in any case (NULL: nothing to do).
/// 1 on success.
///
/// # Safety
/// `stream` NULL or live; `sortcache` NULL or pointing at NULL or at a FILE
/// from `mix_sortcache_open`.
#[no_mangle]
pub unsafe extern "C" fn mix_sortcache_update(
    stream: *mut MAILSTREAM,
    sortcache: *mut *mut libc::FILE,
) -> c_long {
    super::guard("mix_sortcache_update", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(&fp) = sortcache.as_ref() else {
                return 0;
            };
            if fp.is_null() {
                return 1;
            }
            let mix = super::drvhelpers::mix_drivers();
            if super::drvhelpers::ours(stream, &mix, "mix_sortcache_update", "mix").is_none() {
                return 0;
            }
            libc::fflush(fp);
            // A second descriptor on the same open file (its lock too),
            // closed when the update is done; the FILE closes the first.
            let fd = libc::dup(libc::fileno(fp));
            let mut ok = fd >= 0;
            if ok {
                use std::os::fd::FromRawFd;
                let file = std::fs::File::from_raw_fd(fd);
                ok = cache_update(stream, SortCacheFile::from_file(file));
            }
            if libc::fclose(fp) != 0 {
                super::log("Error closing mix sortcache file", WARN as c_long);
                ok = false;
            }
            c_long::from(ok)
        }
    })
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
            let mix = super::drvhelpers::mix_drivers();
            if super::drvhelpers::ours(stream, &mix, "mix_sort", "mix").is_none() {
                return std::ptr::null_mut();
            }
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
            let mix = super::drvhelpers::mix_drivers();
            if super::drvhelpers::ours(stream, &mix, "mix_thread", "mix").is_none() {
                return std::ptr::null_mut();
            }
            let file = cache_open(stream);
            let ret = mail_thread_msgs(stream, type_, charset, spg, flags, Some(mail_sort_msgs));
            if let Some(f) = file {
                cache_update(stream, f);
            }
            ret
        }
    })
}

/// The system flags and keyword bits of an element.
fn elt_flags(e: &MESSAGECACHE) -> (Flags, c_ulong) {
    let mut f = Flags::NONE;
    f = f.with(Flags::SEEN, e.seen() != 0);
    f = f.with(Flags::DELETED, e.deleted() != 0);
    f = f.with(Flags::FLAGGED, e.flagged() != 0);
    f = f.with(Flags::ANSWERED, e.answered() != 0);
    f = f.with(Flags::DRAFT, e.draft() != 0);
    (f, e.user_flags)
}

/// `mix_flag`: the flags of the messages of `sequence` set or cleared in
/// the session and written to the status file once for the whole change
/// (one status sequence), as the original does.
///
/// # Safety
/// `stream` NULL or live; `sequence` and `flag` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mix_flag(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flag: *mut c_char,
    flags: c_long,
) {
    super::guard("mix_flag", (), || {
        // SAFETY (whole body): per the contract; elements are the stream's.
        unsafe {
            let mix = super::drvhelpers::mix_drivers();
            if super::drvhelpers::ours(stream, &mix, "mix_flag", "mix").is_none() {
                return;
            }
            let selected = if flags & ST_UID as c_long != 0 {
                mail_uid_sequence(stream, sequence as *mut u8)
            } else {
                mail_sequence(stream, sequence as *mut u8)
            } != 0;
            if !selected {
                return;
            }
            let mut uf: c_ulong = 0;
            let f = mail_parse_flags(stream, flag, &mut uf);
            if f == 0 && uf == 0 {
                return;
            }
            let on = flags & ST_SET as c_long != 0;
            let mut changes = Vec::new();
            for i in 1..=(*stream).nmsgs {
                let e = &mut *mail_elt(stream, i);
                if e.sequence() == 0 {
                    continue;
                }
                let old = elt_flags(e);
                let v = u32::from(on);
                if f & bits::SEEN != 0 {
                    e.set_seen(v);
                }
                if f & bits::DELETED != 0 {
                    e.set_deleted(v);
                }
                if f & bits::FLAGGED != 0 {
                    e.set_flagged(v);
                }
                if f & bits::ANSWERED != 0 {
                    e.set_answered(v);
                }
                if f & bits::DRAFT != 0 {
                    e.set_draft(v);
                }
                if on {
                    e.user_flags |= uf;
                } else {
                    e.user_flags &= !uf;
                }
                let new = elt_flags(e);
                if new != old {
                    changes.push((i as u32, new.0, new.1));
                }
            }
            // The element's bits index the stream's keyword names; the core
            // numbers its own.
            let named: Vec<Option<Vec<u8>>> = (*stream)
                .user_flags
                .iter()
                .map(|&p| c_bytes(p).map(<[u8]>::to_vec))
                .collect();
            with_mix(stream, |mix, ev| {
                let mut core_changes = Vec::with_capacity(changes.len());
                for &(m, f, bits) in &changes {
                    let keywords = super::bridge::core_keywords(mix, &named, bits);
                    core_changes.push((m, f, keywords));
                }
                mix.store_flags_each(&core_changes, ev).ok()
            });
            for &(i, _, _) in &changes {
                mm_flags(stream, c_ulong::from(i));
            }
        }
    })
}
