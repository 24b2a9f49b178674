//! The tenex and mtx drivers' own exports: their `status`, `fast`,
//! `msgflags` and `flag` slots and the original's internal routines
//! (`*_file`, `*_isvalid`, `*_elt`, ...), over the core's
//! `store::tenex` (the other slots come from `core_driver!` in data.rs).

use super::bindings::*;
use super::bridge::{selection, with_core, with_core_flag_end};
use super::cache::mail_elt;
use super::memory::c_bytes;
use crate::store::mailbox::Mailbox;
use crate::store::tenex::{self, FlagWordMailbox, Kind};
use std::os::raw::{c_char, c_int, c_long, c_ulong};
use std::ptr::null_mut;

/// The stream's open tenex or mtx mailbox of `kind`, if it is one.
fn as_flagword(mb: &mut dyn Mailbox, kind: Kind) -> Option<&mut FlagWordMailbox> {
    if mb.driver_name() != kind.name() {
        return None;
    }
    mb.as_any_mut()?.downcast_mut::<FlagWordMailbox>()
}

/// Runs `f` on the stream's mailbox when it is of `kind`.
///
/// # Safety
/// `stream` NULL or live.
unsafe fn on<R>(
    stream: *mut MAILSTREAM,
    kind: Kind,
    f: impl FnOnce(&mut FlagWordMailbox, &mut dyn crate::store::events::Events) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    unsafe { with_core(stream, |mb, ev| as_flagword(mb, kind).map(|m| f(m, ev))) }.flatten()
}

/// `*_status`: the counts of the stream when it is open on the mailbox
/// (the generic layer passes it only then), else of a quiet read-only open.
///
/// # Safety
/// `stream` NULL or live; `mbx` NUL-terminated.
unsafe fn status(kind: Kind, stream: *mut MAILSTREAM, mbx: *mut c_char, flags: c_long) -> c_long {
    // SAFETY: forwarded contract.
    unsafe {
        if stream.is_null() {
            let core = crate::store::registry::driver(kind.name());
            super::bridge::status(core, stream, mbx, flags)
        } else {
            super::stream::mail_status_default(stream, mbx, flags)
        }
    }
}

/// `*_fast` / `*_flags`: the flags of the messages of `sequence` read
/// again from the file (mtx pings first).
///
/// # Safety
/// `stream` NULL or live; `sequence` NULL or NUL-terminated.
unsafe fn fetch_flags(
    kind: Kind,
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
    ping: bool,
) {
    // SAFETY: per the contract.
    unsafe {
        if stream.is_null() || sequence.is_null() {
            return;
        }
        if ping && on(stream, kind, |mb, ev| mb.ping(ev).unwrap_or(false)) != Some(true) {
            return;
        }
        let Some(set) = selection(stream, sequence, flags & FT_UID != 0) else {
            return;
        };
        on(stream, kind, |mb, ev| mb.refresh_set(&set, ev));
    }
}

/// The 0-based index of `msgno` in an open mailbox, when it is one.
fn index(mb: &FlagWordMailbox, msgno: c_ulong) -> Option<usize> {
    (msgno >= 1 && msgno <= c_ulong::from(mb.count())).then(|| msgno as usize - 1)
}

/// `*_file`: the mailbox's file into `dst` (MAILTMPLEN bytes).
///
/// # Safety
/// `dst` writable for MAILTMPLEN bytes; `name` NUL-terminated.
unsafe fn file(kind: Kind, dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    // SAFETY: per the contract.
    unsafe {
        let Some(n) = c_bytes(name) else {
            return null_mut();
        };
        match tenex::mailbox_file(kind, n) {
            Some(p) if !dst.is_null() && p.len() < MAILTMPLEN as usize => {
                std::ptr::copy_nonoverlapping(p.as_ptr(), dst as *mut u8, p.len());
                *dst.add(p.len()) = 0;
                dst
            }
            _ => null_mut(),
        }
    }
}

/// `*_isvalid`: whether `name` is a mailbox of the format; errno as the
/// original leaves it. `tmp` is scratch space the original writes into.
///
/// # Safety
/// `name` NUL-terminated.
unsafe fn isvalid(kind: Kind, name: *mut c_char) -> c_int {
    // SAFETY: per the contract.
    let Some(n) = (unsafe { c_bytes(name) }) else {
        return 0;
    };
    let p = tenex::probe(kind, n);
    // SAFETY: this thread's errno.
    unsafe { *libc::__errno_location() = p.errno() };
    c_int::from(p == tenex::Probe::Valid)
}

macro_rules! flagword_exports {
    ($kind:expr, $parameters:ident, $status:ident, $fast:ident, $flag:ident, $elt:ident,
     $read_flags:ident, $update_status:ident, $hdrpos:ident, $file:ident,
     $isvalid:ident, $parse:ident, $snarf:ident, $ping_first:expr) => {
        /// Driver parameters: the INBOX path (`*_file` of INBOX).
        #[no_mangle]
        pub extern "C" fn $parameters(
            function: c_long,
            value: *mut std::os::raw::c_void,
        ) -> *mut std::os::raw::c_void {
            super::guard(stringify!($parameters), null_mut(), || {
                if function != GET_INBOXPATH || value.is_null() {
                    return null_mut();
                }
                // SAFETY: GET_INBOXPATH callers pass a MAILTMPLEN buffer.
                unsafe {
                    file(
                        $kind,
                        value as *mut c_char,
                        c"INBOX".as_ptr() as *mut c_char,
                    ) as *mut std::os::raw::c_void
                }
            })
        }

        /// The driver's status slot.
        ///
        /// # Safety
        /// `stream` NULL or live; `mbx` NUL-terminated.
        #[no_mangle]
        pub unsafe extern "C" fn $status(
            stream: *mut MAILSTREAM,
            mbx: *mut c_char,
            flags: c_long,
        ) -> c_long {
            // SAFETY: forwarded contract.
            super::guard(stringify!($status), 0, || unsafe {
                status($kind, stream, mbx, flags)
            })
        }

        /// The driver's fetch-fast slot: flags read again from the file.
        ///
        /// # Safety
        /// `stream` NULL or live; `sequence` NULL or NUL-terminated.
        #[no_mangle]
        pub unsafe extern "C" fn $fast(
            stream: *mut MAILSTREAM,
            sequence: *mut c_char,
            flags: c_long,
        ) {
            // SAFETY: forwarded contract.
            super::guard(stringify!($fast), (), || unsafe {
                fetch_flags($kind, stream, sequence, flags, $ping_first)
            })
        }

        /// The driver's flag slot: the flag writes flushed and the file's
        /// time noted as ours.
        ///
        /// # Safety
        /// `stream` NULL or live.
        #[no_mangle]
        pub unsafe extern "C" fn $flag(
            stream: *mut MAILSTREAM,
            _sequence: *mut c_char,
            _flag: *mut c_char,
            _flags: c_long,
        ) {
            // SAFETY: forwarded contract.
            super::guard(stringify!($flag), (), || unsafe {
                with_core_flag_end(stream, |mb, _| {
                    if let Some(m) = as_flagword(mb, $kind) {
                        m.sync_times();
                    }
                });
            })
        }

        /// The cache element of `msgno` with its flags read again from the
        /// file (the application hears of a change).
        ///
        /// # Safety
        /// `stream` live; `msgno` in range.
        #[no_mangle]
        pub unsafe extern "C" fn $elt(
            stream: *mut MAILSTREAM,
            msgno: c_ulong,
        ) -> *mut MESSAGECACHE {
            super::guard(stringify!($elt), null_mut(), || {
                // SAFETY: forwarded contract.
                unsafe {
                    on(stream, $kind, |mb, ev| {
                        if let Some(i) = index(mb, msgno) {
                            mb.refresh(i, ev);
                        }
                    });
                    mail_elt(stream, msgno)
                }
            })
        }

        /// The flags of `elt`'s message read again from the file.
        ///
        /// # Safety
        /// `stream` live; `elt` one of its elements.
        #[no_mangle]
        pub unsafe extern "C" fn $read_flags(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE) {
            super::guard(stringify!($read_flags), (), || {
                // SAFETY: forwarded contract.
                unsafe {
                    let Some(msgno) = elt.as_ref().map(|e| e.msgno) else {
                        return;
                    };
                    on(stream, $kind, |mb, _| {
                        if let Some(i) = index(mb, msgno) {
                            mb.read_flags(i, false);
                        }
                    });
                }
            })
        }

        /// The flags of message `msgno` (the cache's, as the generic layer
        /// left them) written to its line; flushed with `syncflag`.
        ///
        /// # Safety
        /// `stream` live.
        #[no_mangle]
        pub unsafe extern "C" fn $update_status(
            stream: *mut MAILSTREAM,
            msgno: c_ulong,
            syncflag: c_long,
        ) {
            super::guard(stringify!($update_status), (), || {
                // SAFETY: forwarded contract.
                unsafe {
                    let Some(valid) = on(stream, $kind, |mb, _| index(mb, msgno).is_some()) else {
                        return;
                    };
                    if !valid {
                        return;
                    }
                    let elt = mail_elt(stream, msgno);
                    if !elt.is_null() && (*elt).valid() != 0 {
                        super::bridge::flagmsg(stream, elt);
                    }
                    if syncflag != 0 {
                        on(stream, $kind, |mb, _| mb.sync_times());
                    }
                }
            })
        }

        /// Where message `msgno`'s header starts in the file; its stored
        /// length goes to `size`.
        ///
        /// # Safety
        /// `stream` live; `size` NULL or writable.
        #[no_mangle]
        pub unsafe extern "C" fn $hdrpos(
            stream: *mut MAILSTREAM,
            msgno: c_ulong,
            size: *mut c_ulong,
        ) -> c_ulong {
            super::guard(stringify!($hdrpos), 0, || {
                // SAFETY: forwarded contract.
                unsafe {
                    let got = on(stream, $kind, |mb, ev| {
                        let i = index(mb, msgno)?;
                        mb.refresh(i, ev);
                        mb.header_position(i).ok()
                    })
                    .flatten();
                    let (pos, len) = got.unwrap_or((0, 0));
                    if let Some(s) = size.as_mut() {
                        *s = len as c_ulong;
                    }
                    pos as c_ulong
                }
            })
        }

        /// The file of mailbox `name`, written to `dst`.
        ///
        /// # Safety
        /// `dst` writable for MAILTMPLEN bytes; `name` NUL-terminated.
        #[no_mangle]
        pub unsafe extern "C" fn $file(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
            // SAFETY: forwarded contract.
            super::guard(stringify!($file), null_mut(), || unsafe {
                file($kind, dst, name)
            })
        }

        /// Whether `name` is a mailbox of the format (errno as the original
        /// sets it).
        ///
        /// # Safety
        /// `name` NUL-terminated.
        #[no_mangle]
        pub unsafe extern "C" fn $isvalid(name: *mut c_char, _tmp: *mut c_char) -> c_int {
            // SAFETY: forwarded contract.
            super::guard(stringify!($isvalid), 0, || unsafe { isvalid($kind, name) })
        }

        /// Parses what was added to the file; 0 when the stream died.
        ///
        /// # Safety
        /// `stream` live.
        #[no_mangle]
        pub unsafe extern "C" fn $parse(stream: *mut MAILSTREAM) -> c_long {
            super::guard(stringify!($parse), 0, || {
                // SAFETY: forwarded contract.
                let r = unsafe { on(stream, $kind, |mb, ev| mb.parse(ev).is_ok()) };
                c_long::from(r == Some(true))
            })
        }

        /// Moves new mail from the system inbox (an INBOX session only).
        ///
        /// # Safety
        /// `stream` live.
        #[no_mangle]
        pub unsafe extern "C" fn $snarf(stream: *mut MAILSTREAM) {
            // SAFETY: forwarded contract.
            super::guard(stringify!($snarf), (), || unsafe {
                on(stream, $kind, |mb, ev| mb.snarf(ev));
            })
        }
    };
}

flagword_exports!(
    Kind::Tenex,
    tenex_parameters,
    tenex_status,
    tenex_fast,
    tenex_flag,
    tenex_elt,
    tenex_read_flags,
    tenex_update_status,
    tenex_hdrpos,
    tenex_file,
    tenex_isvalid,
    tenex_parse,
    tenex_snarf,
    false
);
flagword_exports!(
    Kind::Mtx,
    mtx_parameters,
    mtx_status,
    mtx_flags,
    mtx_flag,
    mtx_elt,
    mtx_read_flags,
    mtx_update_status,
    mtx_hdrpos,
    mtx_file,
    mtx_isvalid,
    mtx_parse,
    mtx_snarf,
    true
);

/// `tenex_flags`: the flags of the messages of `sequence` read again.
///
/// # Safety
/// `stream` NULL or live; `sequence` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tenex_flags(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) {
    // SAFETY: forwarded contract.
    super::guard("tenex_flags", (), || unsafe {
        fetch_flags(Kind::Tenex, stream, sequence, flags, false)
    })
}

/// `tenex_size`: a message's stored size, by its place in the file.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn tenex_size(stream: *mut MAILSTREAM, m: c_ulong) -> c_ulong {
    super::guard("tenex_size", 0, || {
        // SAFETY: forwarded contract.
        let r = unsafe {
            on(stream, Kind::Tenex, |mb, _| {
                index(mb, m).map(|i| mb.internal_size(i))
            })
        };
        r.flatten().unwrap_or(0) as c_ulong
    })
}
