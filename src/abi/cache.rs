//! The message cache: the library's own cache manager `mm_cache` (used
//! unless the application installs another with SET_CACHE), cache
//! elements, and the notifications that resize and renumber the cache.
//! Elements are separate allocations, so their addresses stay stable while
//! the slot array grows in chunks of CACHEINCREMENT.

use super::bindings::*;
use super::callbacks::{mm_exists, mm_expunged, mm_log};
use super::memory::{fs_get, fs_give, fs_resize};
use super::params::{cache_manager, hook};
use super::sysutil::fatal_message as fatal;
use std::os::raw::{c_char, c_long, c_ulong, c_void};
use std::ptr::null_mut;

extern "C" {
    fn mail_free_envelope(env: *mut *mut ENVELOPE);
    fn mail_free_body(body: *mut *mut BODY);
    fn mail_free_stringlist(list: *mut *mut STRINGLIST);
}

fn zeroed_block(size: usize) -> *mut c_void {
    let p = fs_get(size);
    // SAFETY: fs_get returned at least `size` writable bytes.
    unsafe { std::ptr::write_bytes(p as *mut u8, 0, size) };
    p
}

/// Bytes of a slot array of `count` pointers; saturating, so an absurd
/// count fails in fs_get (fatal) instead of wrapping to a small block.
fn slot_bytes(count: c_ulong) -> usize {
    (count as usize).saturating_mul(std::mem::size_of::<*mut c_void>())
}

unsafe fn give<T>(p: *mut *mut T) {
    // SAFETY: p points to a malloc'ed pointer or NULL.
    unsafe { fs_give(p as *mut *mut c_void) };
}

/// Calls the installed cache manager.
///
/// # Safety
/// `stream` must be live.
pub unsafe fn cache_call(stream: *mut MAILSTREAM, msgno: c_ulong, op: c_long) -> *mut c_void {
    match cache_manager() {
        // SAFETY: the manager follows the mailcache_t contract.
        Some(f) => unsafe { f(stream, msgno, op) },
        None => null_mut(),
    }
}

/// `mm_cache`: the default cache manager.
///
/// # Safety
/// `stream` must be a live stream whose cache was made by this function;
/// `msgno` must be within the cache for the per-message operations.
#[no_mangle]
pub unsafe extern "C" fn mm_cache(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    op: c_long,
) -> *mut c_void {
    super::guard("mm_cache", std::ptr::null_mut(), || {
        // SAFETY (whole body): per the contract; slot arrays hold `cachesize`
        // entries.
        unsafe {
            let s = &mut *stream;
            let slot = (msgno as usize).wrapping_sub(1);
            match op {
                CH_INIT => {
                    if !s.cache.is_null() {
                        while s.cachesize > 0 {
                            mm_cache(stream, s.cachesize, CH_FREE);
                            mm_cache(stream, s.cachesize, CH_FREESORTCACHE);
                            s.cachesize -= 1;
                        }
                        give(&mut s.cache);
                        give(&mut s.sc);
                        s.nmsgs = 0;
                    }
                    null_mut()
                }
                CH_SIZE => {
                    if s.cache.is_null() {
                        s.cachesize = msgno.saturating_add(CACHEINCREMENT as c_ulong);
                        let n = slot_bytes(s.cachesize);
                        s.cache = zeroed_block(n) as *mut *mut MESSAGECACHE;
                        s.sc = zeroed_block(n) as *mut *mut SORTCACHE;
                    } else if msgno > s.cachesize {
                        let old = s.cachesize as usize;
                        s.cachesize = msgno.saturating_add(CACHEINCREMENT as c_ulong);
                        let n = slot_bytes(s.cachesize);
                        fs_resize(&mut s.cache as *mut _ as *mut *mut c_void, n);
                        fs_resize(&mut s.sc as *mut _ as *mut *mut c_void, n);
                        for i in old..s.cachesize as usize {
                            *s.cache.add(i) = null_mut();
                            *s.sc.add(i) = null_mut();
                        }
                    }
                    null_mut()
                }
                CH_MAKEELT | CH_ELT => {
                    if op == CH_MAKEELT && (*s.cache.add(slot)).is_null() {
                        *s.cache.add(slot) = mail_new_cache_elt(msgno);
                    }
                    *s.cache.add(slot) as *mut c_void
                }
                CH_SORTCACHE => {
                    let p = s.sc.add(slot);
                    if (*p).is_null() {
                        *p = zeroed_block(std::mem::size_of::<SORTCACHE>()) as *mut SORTCACHE;
                    }
                    *p as *mut c_void
                }
                CH_FREE => {
                    mail_free_elt(s.cache.add(slot));
                    null_mut()
                }
                CH_FREESORTCACHE => {
                    let p = s.sc.add(slot);
                    if !(*p).is_null() {
                        let sc = &mut **p;
                        give(&mut sc.from);
                        give(&mut sc.to);
                        give(&mut sc.cc);
                        give(&mut sc.subject);
                        if sc.unique != sc.message_id {
                            give(&mut sc.unique);
                        }
                        give(&mut sc.message_id);
                        if !sc.references.is_null() {
                            mail_free_stringlist(&mut sc.references);
                        }
                        give(p);
                    }
                    null_mut()
                }
                CH_EXPUNGE => {
                    // Slide everything above the expunged slot down one place.
                    let above = (s.nmsgs as usize).saturating_sub(msgno as usize);
                    std::ptr::copy(s.cache.add(slot + 1), s.cache.add(slot), above);
                    std::ptr::copy(s.sc.add(slot + 1), s.sc.add(slot), above);
                    for k in 0..above {
                        let elt = *s.cache.add(slot + k);
                        if !elt.is_null() {
                            (*elt).msgno = msgno + k as c_ulong;
                        }
                    }
                    let i = slot + above;
                    *s.cache.add(i) = null_mut();
                    *s.sc.add(i) = null_mut();
                    null_mut()
                }
                _ => fatal("Bad mm_cache op"),
            }
        }
    })
}

/// `mail_new_cache_elt`: a zeroed element owned once by the cache.
#[no_mangle]
pub extern "C" fn mail_new_cache_elt(msgno: c_ulong) -> *mut MESSAGECACHE {
    super::guard("mail_new_cache_elt", std::ptr::null_mut(), || {
        let elt = zeroed_block(std::mem::size_of::<MESSAGECACHE>()) as *mut MESSAGECACHE;
        // SAFETY: freshly allocated and zeroed element.
        unsafe {
            (*elt).set_lockcount(1);
            (*elt).msgno = msgno;
        }
        elt
    })
}

/// `mail_free_elt`: drops one reference; frees the element with the last.
///
/// # Safety
/// `elt` must point to an element pointer (or NULL) made by this library.
#[no_mangle]
pub unsafe extern "C" fn mail_free_elt(elt: *mut *mut MESSAGECACHE) {
    super::guard("mail_free_elt", (), || {
        // SAFETY: per the contract.
        unsafe {
            if elt.is_null() {
                return;
            }
            let e = *elt;
            if !e.is_null() {
                let count = (*e).lockcount().wrapping_sub(1);
                (*e).set_lockcount(count);
                if count == 0 {
                    super::construct::mail_gc_msg(&mut (*e).private.msg, GC_ENV | GC_TEXTS);
                    let free_spare = hook(GET_FREEELTSPAREP);
                    if free_spare != 0 && !(*e).sparep.is_null() {
                        let f: unsafe extern "C" fn(*mut *mut c_void) =
                            std::mem::transmute(free_spare);
                        f(&mut (*e).sparep);
                    }
                    give(elt);
                    return;
                }
            }
            *elt = null_mut();
        }
    })
}

/// `mail_elt`: the cache element of a message (made if needed); a message
/// number outside the mailbox is fatal, as in the original.
///
/// # Safety
/// `stream` must be live.
#[no_mangle]
pub unsafe extern "C" fn mail_elt(stream: *mut MAILSTREAM, msgno: c_ulong) -> *mut MESSAGECACHE {
    super::guard("mail_elt", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            if msgno < 1 || msgno > (*stream).nmsgs {
                let mbx = super::memory::c_bytes((*stream).mailbox).unwrap_or(b"???");
                let mbx = String::from_utf8_lossy(&mbx[..mbx.len().min(80)]).into_owned();
                fatal(&format!(
                    "Bad msgno {msgno} in mail_elt, nmsgs = {}, mbx={mbx}",
                    (*stream).nmsgs
                ));
            }
            slot_element(stream, msgno)
        }
    })
}

/// True when the library's own cache manager is the installed one.
fn own_manager() -> bool {
    // Addresses compared as words: a mismatch only takes the long way.
    cache_manager().map_or(0, |f| f as usize) == mm_cache as *const () as usize
}

/// `mail_elt` for a message number known to be within the mailbox: with
/// our own manager and the element already made the slot is read here
/// (every sequence scan asks for every message), else the manager makes it.
///
/// # Safety
/// `stream` live, `1 <= msgno <= nmsgs`.
#[inline]
pub unsafe fn element(stream: *mut MAILSTREAM, msgno: c_ulong) -> *mut MESSAGECACHE {
    // SAFETY: per the contract; our manager's slot array holds `cachesize`
    // entries.
    unsafe {
        if msgno < 1 || msgno > (*stream).nmsgs {
            return mail_elt(stream, msgno);
        }
        slot_element(stream, msgno)
    }
}

/// [`element`] without the range check (mail_elt's own).
///
/// # Safety
/// `stream` live, `msgno` at least 1.
#[inline]
unsafe fn slot_element(stream: *mut MAILSTREAM, msgno: c_ulong) -> *mut MESSAGECACHE {
    // SAFETY: per the contract; our manager's slot array holds `cachesize`
    // entries.
    unsafe {
        let s = &*stream;
        if !s.cache.is_null() && msgno <= s.cachesize && own_manager() {
            let elt = *s.cache.add(msgno as usize - 1);
            if !elt.is_null() {
                return elt;
            }
        }
        cache_call(stream, msgno, CH_MAKEELT) as *mut MESSAGECACHE
    }
}

/// The first message from `from` on whose element satisfies `pred`, with
/// that element, as a loop of `mail_elt` calls would find it (elements not
/// made yet are made on the way).
///
/// # Safety
/// `stream` live; `from` at least 1.
pub unsafe fn next_element(
    stream: *mut MAILSTREAM,
    from: c_ulong,
    pred: impl Fn(&MESSAGECACHE) -> bool,
) -> Option<(c_ulong, *mut MESSAGECACHE)> {
    // SAFETY: per the contract; slots below `cachesize` are readable and
    // non-null ones point to live elements.
    unsafe {
        let n = (*stream).nmsgs;
        let mut i = from;
        if own_manager() {
            let s = &*stream;
            let top = if s.cache.is_null() {
                0
            } else {
                n.min(s.cachesize)
            };
            while i <= top {
                let elt = *s.cache.add(i as usize - 1);
                if elt.is_null() {
                    break;
                }
                if pred(&*elt) {
                    return Some((i, elt));
                }
                i += 1;
            }
        }
        while i <= n {
            let elt = element(stream, i);
            if let Some(e) = elt.as_ref() {
                if pred(e) {
                    return Some((i, elt));
                }
            }
            i += 1;
        }
        None
    }
}

/// Runs `f` on the element of every message, in order, as a loop of
/// `mail_elt` calls would (elements not made yet are made), reading our
/// own manager's slots directly. `f` must not call back into the
/// application (the slot array may move under a callback).
///
/// # Safety
/// `stream` live.
pub unsafe fn each_element(stream: *mut MAILSTREAM, mut f: impl FnMut(&mut MESSAGECACHE)) {
    // SAFETY: per the contract; slots below `cachesize` are readable and
    // non-null ones point to live elements.
    unsafe {
        let n = (*stream).nmsgs;
        let mut i: c_ulong = 1;
        if own_manager() {
            while i <= n {
                let s = &*stream;
                if s.cache.is_null() || i > s.cachesize {
                    break;
                }
                // The slots that exist, in one run: `f` cannot move them
                // (it makes no calls out), and an empty slot ends the run.
                let (cache, top) = (s.cache, n.min(s.cachesize) as usize);
                let mut k = i as usize - 1;
                while k < top {
                    let elt = *cache.add(k);
                    if elt.is_null() {
                        break;
                    }
                    f(&mut *elt);
                    k += 1;
                }
                i = k as c_ulong + 1;
                if k >= top {
                    continue;
                }
                let elt = cache_call(stream, i, CH_MAKEELT) as *mut MESSAGECACHE;
                if let Some(e) = elt.as_mut() {
                    f(e);
                }
                i += 1;
            }
        }
        while i <= n {
            if let Some(e) = mail_elt(stream, i).as_mut() {
                f(e);
            }
            i += 1;
        }
    }
}

fn log_text(text: &str, level: c_long) {
    let mut owned: Vec<u8> = text.bytes().collect();
    owned.push(0);
    // SAFETY: NUL-terminated buffer alive across the call.
    unsafe { mm_log(owned.as_mut_ptr() as *mut c_char, level) };
}

/// `mail_exists`: the mailbox now has `nmsgs` messages.
///
/// # Safety
/// `stream` must be live.
#[no_mangle]
pub unsafe extern "C" fn mail_exists(stream: *mut MAILSTREAM, nmsgs: c_ulong) {
    super::guard("mail_exists", (), || {
        let mut nmsgs = nmsgs;
        if nmsgs > MAXMESSAGES {
            log_text(
                &format!("Mailbox has more messages ({nmsgs}) exist than maximum ({MAXMESSAGES})"),
                ERROR,
            );
            nmsgs = MAXMESSAGES;
        }
        // SAFETY: per the contract.
        unsafe {
            cache_call(stream, nmsgs, CH_SIZE);
            (*stream).nmsgs = nmsgs;
            if (*stream).silent() == 0 {
                mm_exists(stream, nmsgs);
            }
        }
    })
}

/// `mail_recent`: `recent` of the messages are new.
///
/// # Safety
/// `stream` must be live.
#[no_mangle]
pub unsafe extern "C" fn mail_recent(stream: *mut MAILSTREAM, recent: c_ulong) {
    super::guard("mail_recent", (), || {
        // SAFETY: per the contract.
        unsafe {
            if recent <= (*stream).nmsgs {
                (*stream).recent = recent;
            } else {
                log_text(
                    &format!(
                        "Non-existent recent message(s) {recent}, nmsgs={}",
                        (*stream).nmsgs
                    ),
                    ERROR,
                );
            }
        }
    })
}

/// `mail_expunged`: message `msgno` is gone; later messages move down.
///
/// # Safety
/// `stream` must be live.
#[no_mangle]
pub unsafe extern "C" fn mail_expunged(stream: *mut MAILSTREAM, msgno: c_ulong) {
    super::guard("mail_expunged", (), || {
        // SAFETY: per the contract.
        unsafe {
            if msgno > (*stream).nmsgs {
                log_text(
                    &format!(
                        "Expunge of non-existent message {msgno}, nmsgs={}",
                        (*stream).nmsgs
                    ),
                    ERROR,
                );
                return;
            }
            let elt = cache_call(stream, msgno, CH_ELT) as *mut MESSAGECACHE;
            if (*stream).silent() == 0 {
                mm_expunged(stream, msgno);
            }
            if !elt.is_null() {
                (*elt).msgno = 0;
                cache_call(stream, msgno, CH_FREE);
                cache_call(stream, msgno, CH_FREESORTCACHE);
            }
            cache_call(stream, msgno, CH_EXPUNGE);
            (*stream).nmsgs -= 1;
            if (*stream).msgno != 0 {
                if (*stream).scache() != 0 {
                    mail_gc(stream, GC_ENV | GC_TEXTS);
                } else {
                    (*stream).msgno = 0;
                }
            }
        }
    })
}

/// `mail_free_cache`: garbage-collects everything and empties the cache.
///
/// # Safety
/// `stream` must be live.
#[no_mangle]
pub unsafe extern "C" fn mail_free_cache(stream: *mut MAILSTREAM) {
    super::guard("mail_free_cache", (), || {
        // SAFETY: per the contract.
        unsafe {
            mail_gc(stream, GC_ELT | GC_ENV | GC_TEXTS);
            cache_call(stream, 0, CH_INIT);
        }
    })
}

/// `mail_gc`: frees cached envelopes/bodies and/or texts.
///
/// # Safety
/// `stream` must be live.
#[no_mangle]
pub unsafe extern "C" fn mail_gc(stream: *mut MAILSTREAM, gcflags: c_long) {
    super::guard("mail_gc", (), || {
        // SAFETY: per the contract; the driver's gc hook has the C signature.
        unsafe {
            let s = &mut *stream;
            if !s.dtb.is_null() {
                if let Some(gc) = (*s.dtb).gc {
                    gc(stream, gcflags);
                }
            }
            s.msgno = 0;
            if gcflags & GC_ENV != 0 {
                if !s.env.is_null() {
                    mail_free_envelope(&mut s.env);
                }
                if !s.body.is_null() {
                    mail_free_body(&mut s.body);
                }
            }
            if gcflags & GC_TEXTS != 0 {
                give(&mut s.text.data);
                s.text.size = 0;
            }
            for i in 1..=s.nmsgs {
                let elt = cache_call(stream, i, CH_ELT) as *mut MESSAGECACHE;
                if !elt.is_null() {
                    super::construct::mail_gc_msg(&mut (*elt).private.msg, gcflags);
                }
            }
        }
    })
}
