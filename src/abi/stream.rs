//! Opening, validating and closing streams, and dispatching mailbox-level
//! operations to the drivers. A driver slot that is still empty (its
//! driver is not implemented yet) is reported as not available, never
//! called.

use super::bindings::*;
use super::cache::{cache_call, mail_elt, mail_free_cache};
use super::callbacks::{mm_dlog, mm_status};
use super::memory::{c_bytes, fs_get, fs_give};
use super::misc::cpystr;
use super::params::{driver_parameters, hook, number, ssl_available};
use super::registry::drivers;
use crate::env::params::Owner;
use crate::store::dispatch::{self, DriverPrefix, PrefixUse};
use crate::store::names::{parse_net_mailbox, NetMailbox};
use std::os::raw::{c_char, c_long, c_uint, c_void};
use std::ptr::null_mut;

extern "C" {
    // The environment's prototypes for new mailboxes (another module).
    fn default_proto(kind: c_long) -> *mut MAILSTREAM;
}

fn log(text: &[u8], level: c_long) {
    super::log(&String::from_utf8_lossy(text), level);
}

/// At most `n` bytes of `s`, as the original's `%.Ns`.
fn cut(s: &[u8], n: usize) -> &[u8] {
    &s[..s.len().min(n)]
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// The core's limit is the original's, computed from the C constants.
const _: () = assert!(
    dispatch::MAX_NAME == (NETMAXHOST + NETMAXUSER * 2 + NETMAXMBX + NETMAXSRV + 50) as usize
);

fn copy_field(dst: &mut [c_char], src: &[u8]) {
    let n = src.len().min(dst.len() - 1);
    for (d, s) in dst.iter_mut().zip(&src[..n]) {
        *d = *s as c_char;
    }
    dst[n] = 0;
}

fn fill_netmbx(mb: &mut NETMBX, n: &NetMailbox) {
    copy_field(&mut mb.host, &n.host);
    copy_field(&mut mb.orighost, &n.orighost);
    copy_field(&mut mb.user, &n.user);
    copy_field(&mut mb.authuser, &n.authuser);
    copy_field(&mut mb.mailbox, &n.mailbox);
    copy_field(&mut mb.service, &n.service);
    mb.port = n.port;
    mb.set_anoflag(n.anonymous.into());
    mb.set_dbgflag(n.debug.into());
    mb.set_secflag(n.secure.into());
    mb.set_sslflag(n.ssl.into());
    mb.set_trysslflag(n.tryssl.into());
    mb.set_novalidate(n.novalidate.into());
    mb.set_tlsflag(n.tls.into());
    mb.set_notlsflag(n.notls.into());
    mb.set_readonlyflag(n.readonly.into());
    mb.set_norsh(n.norsh.into());
    mb.set_loser(n.loser.into());
    mb.set_tlssslv23(n.tls_sslv23.into());
    super::net::set_forced_mechanism(mb, n.auth);
    super::net::set_apop_flag(mb, n.apop);
    super::net::set_nocompress_flag(mb, n.nocompress);
    super::net::set_utf8_flag(mb, n.utf8);
}

/// `mail_valid_net_parse_work`: parses a network name into `mb` (always
/// cleared first), with `service` as the default service.
///
/// # Safety
/// `name` and `service` must be NUL-terminated; `mb` must be writable.
#[no_mangle]
pub unsafe extern "C" fn mail_valid_net_parse_work(
    name: *mut c_char,
    mb: *mut NETMBX,
    service: *mut c_char,
) -> c_long {
    super::guard("mail_valid_net_parse_work", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if mb.is_null() {
                return 0;
            }
            std::ptr::write_bytes(mb, 0, 1);
            let name = c_bytes(name).unwrap_or(b"");
            let service = c_bytes(service).unwrap_or(b"");
            match parse_net_mailbox(name, service, ssl_available()) {
                Some(n) => {
                    fill_netmbx(&mut *mb, &n);
                    1
                }
                None => 0,
            }
        }
    })
}

/// `mail_valid_net_parse`: as above with the default service "imap".
///
/// # Safety
/// As `mail_valid_net_parse_work`.
#[no_mangle]
pub unsafe extern "C" fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long {
    super::guard("mail_valid_net_parse", 0, || {
        // SAFETY: forwarded contract.
        unsafe { mail_valid_net_parse_work(name, mb, c"imap".as_ptr() as *mut c_char) }
    })
}

/// `mail_valid_net`: `drv` if `name` is a network name for its service;
/// copies host and mailbox out when asked.
///
/// # Safety
/// `name` NUL-terminated, `drv` a live driver, `host`/`mailbox` NULL or
/// buffers of NETMAXHOST/NETMAXMBX bytes.
#[no_mangle]
pub unsafe extern "C" fn mail_valid_net(
    name: *mut c_char,
    drv: *mut DRIVER,
    host: *mut c_char,
    mailbox: *mut c_char,
) -> *mut DRIVER {
    super::guard("mail_valid_net", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut mb: NETMBX = std::mem::zeroed();
            if mail_valid_net_parse(name, &mut mb) == 0
                || drv.is_null()
                || c_bytes(mb.service.as_ptr()) != c_bytes((*drv).name)
            {
                return null_mut();
            }
            if !host.is_null() {
                libc::strcpy(host, mb.host.as_ptr());
            }
            if !mailbox.is_null() {
                libc::strcpy(mailbox, mb.mailbox.as_ptr());
            }
            drv
        }
    })
}

/// `mail_valid`: the driver that handles `mailbox`, or NULL (with an
/// error naming `purpose` when one is given).
///
/// # Safety
/// `stream` NULL or live; `mailbox` and `purpose` NUL-terminated or NULL.
#[no_mangle]
pub unsafe extern "C" fn mail_valid(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    purpose: *mut c_char,
) -> *mut DRIVER {
    super::guard("mail_valid", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { valid(stream, mailbox, purpose) }
    })
}

unsafe fn valid(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    purpose: *mut c_char,
) -> *mut DRIVER {
    // SAFETY (whole body): per mail_valid's contract; chain of static drivers.
    unsafe {
        let name = c_bytes(mailbox).unwrap_or(b"");
        let purpose = c_bytes(purpose);
        let mut factory = null_mut();
        match dispatch::check_name(name, purpose) {
            dispatch::NameCheck::Refused(text) => {
                if let Some(t) = text {
                    log(&t, ERROR);
                }
                return null_mut();
            }
            dispatch::NameCheck::TooLong => {}
            dispatch::NameCheck::Ok => {
                let mut d = drivers();
                while !d.is_null() {
                    let flags = (*d).flags as c_long;
                    let seen = dispatch::driver_may_see(
                        name,
                        flags & DR_LOCAL != 0,
                        flags & DR_DISABLE != 0,
                    );
                    if seen {
                        if let Some(check) = (*d).valid {
                            if !check(mailbox).is_null() {
                                factory = d;
                                break;
                            }
                        }
                    }
                    d = (*d).next;
                }
            }
        }
        if !factory.is_null() && !stream.is_null() && !(*stream).dtb.is_null() {
            let current = (*stream).dtb;
            let cname = c_bytes((*current).name).unwrap_or(b"");
            let fname = c_bytes((*factory).name).unwrap_or(b"");
            factory = match dispatch::reconcile(cname, fname, current == factory) {
                Some(n) if n.as_ptr() == cname.as_ptr() => current,
                Some(_) => factory,
                None => null_mut(),
            };
        }
        if factory.is_null() {
            if let Some(p) = purpose {
                log(&dispatch::no_driver(name, p), ERROR);
            }
        }
        factory
    }
}

/// The driver that claims `mailbox` (as `mail_valid` with no stream and
/// no message), or NULL.
///
/// # Safety
/// `mailbox` NUL-terminated.
pub unsafe fn claiming_driver(mailbox: *mut c_char) -> *mut DRIVER {
    // SAFETY: forwarded contract.
    unsafe { valid(null_mut(), mailbox, null_mut()) }
}

/// The linked driver a `#driver.` prefix names, or NULL.
///
/// # Safety
/// Walks the chain of live driver objects.
unsafe fn named_driver(wanted: &[u8], usage: PrefixUse) -> *mut DRIVER {
    let mut d = drivers();
    // SAFETY: the chain holds live driver objects with C-string names.
    unsafe {
        while !d.is_null() {
            if dispatch::prefix_names(usage, c_bytes((*d).name).unwrap_or(b""), wanted) {
                return d;
            }
            d = (*d).next;
        }
    }
    null_mut()
}

/// `mail_open`: opens `name`, recycling `stream` when possible.
///
/// # Safety
/// `stream` NULL or live; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_open(
    stream: *mut MAILSTREAM,
    name: *mut c_char,
    options: c_long,
) -> *mut MAILSTREAM {
    super::guard("mail_open", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { open(stream, name, options) }
    })
}

unsafe fn open(stream: *mut MAILSTREAM, name: *mut c_char, options: c_long) -> *mut MAILSTREAM {
    // SAFETY (whole body): per mail_open's contract.
    unsafe {
        let n = c_bytes(name).unwrap_or(b"");
        if dispatch::is_snarf_name(n) {
            // Snarfing needs message copying, which is not available yet.
            super::report_unavailable("mail_open (#move/#pop)");
            return stream;
        }
        if options & OP_PROTOTYPE != 0 {
            match dispatch::driver_prefix(n, PrefixUse::Prototype) {
                DriverPrefix::None => {}
                DriverPrefix::BadSyntax(text) => {
                    log(&text, ERROR);
                    return mail_close_full(stream, 0);
                }
                DriverPrefix::Named { driver, .. } => {
                    let d = named_driver(driver, PrefixUse::Prototype);
                    if d.is_null() {
                        log(&dispatch::unknown_driver(n, PrefixUse::Prototype), ERROR);
                        return mail_close_full(stream, 0);
                    }
                    return match (*d).open {
                        Some(open) => open(null_mut()),
                        None => {
                            super::report_unavailable("mail_open (driver prototype)");
                            null_mut()
                        }
                    };
                }
            }
        }
        let purpose = if options & OP_SILENT != 0 {
            null_mut()
        } else {
            c"open mailbox".as_ptr() as *mut c_char
        };
        let d = valid(null_mut(), name, purpose);
        if d.is_null() {
            stream
        } else {
            mail_open_work(d, stream, name, options)
        }
    }
}

/// `mail_open_work`: opens `name` with driver `d`.
///
/// # Safety
/// `d` a live driver; `stream` NULL or live; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_open_work(
    d: *mut DRIVER,
    stream: *mut MAILSTREAM,
    name: *mut c_char,
    options: c_long,
) -> *mut MAILSTREAM {
    super::guard("mail_open_work", std::ptr::null_mut(), || {
        // SAFETY (whole body): per the contract.
        unsafe {
            let Some(open) = (*d).open else {
                super::report_unavailable(&format!(
                    "mail_open ({} driver)",
                    String::from_utf8_lossy(c_bytes((*d).name).unwrap_or(b"?"))
                ));
                return if stream.is_null() {
                    null_mut()
                } else {
                    mail_close_full(stream, 0)
                };
            };
            if options & OP_PROTOTYPE != 0 {
                return open(null_mut());
            }
            // Copy first: the caller may be re-opening with stream->mailbox.
            let name = cpystr(name);
            let flags = (*d).flags as c_long;
            let mut stream = stream;
            if !stream.is_null() {
                let reuse = dispatch::may_recycle(
                    (*stream).dtb == d,
                    flags & DR_RECYCLE != 0,
                    flags & DR_HALFOPEN != 0,
                    options & OP_HALFOPEN != 0,
                    || mail_usable_network_stream(stream, name) != 0,
                );
                if reuse {
                    if flags & DR_XPOINT != 0 {
                        mail_check(stream);
                    }
                    mail_free_cache(stream);
                    give(&mut (*stream).mailbox);
                    give(&mut (*stream).original_mailbox);
                    for f in (*stream).user_flags.iter_mut() {
                        give(f);
                    }
                } else {
                    let sdtb = (*stream).dtb;
                    let mut mb: NETMBX = std::mem::zeroed();
                    if (*stream).silent() == 0
                        && !sdtb.is_null()
                        && ((*sdtb).flags as c_long & DR_LOCAL) == 0
                        && mail_valid_net_parse((*stream).mailbox, &mut mb) != 0
                    {
                        let host = c_bytes(mb.host.as_ptr()).unwrap_or(b"");
                        log(
                            &cat(&[b"Closing connection to ", cut(host, 80)]),
                            NIL as c_long,
                        );
                    }
                    stream = mail_close_full(stream, 0);
                }
            } else if options & OP_HALFOPEN != 0 && flags & DR_HALFOPEN == 0 {
                let mut n = name;
                give(&mut n);
                return null_mut();
            }
            if stream.is_null() {
                let size = std::mem::size_of::<MAILSTREAM>();
                stream = fs_get(size) as *mut MAILSTREAM;
                std::ptr::write_bytes(stream as *mut u8, 0, size);
                cache_call(stream, 0, CH_INIT);
            }
            let s = &mut *stream;
            s.dtb = d;
            s.original_mailbox = name;
            s.mailbox = cpystr(name);
            s.set_inbox(0);
            s.set_lock(0);
            let opt = |bit: c_long| c_uint::from(options & bit != 0);
            s.set_debug(opt(OP_DEBUG));
            s.set_rdonly(opt(OP_READONLY));
            s.set_anonymous(opt(OP_ANONYMOUS));
            s.set_scache(opt(OP_SHORTCACHE));
            s.set_silent(opt(OP_SILENT));
            s.set_halfopen(opt(OP_HALFOPEN));
            s.set_secure(opt(OP_SECURE));
            s.set_tryssl(opt(OP_TRYSSL));
            s.set_mulnewsrc(opt(OP_MULNEWSRC));
            s.set_nokod(opt(OP_NOKOD));
            s.set_sniff(opt(OP_SNIFF));
            s.set_perm_seen(0);
            s.set_perm_deleted(0);
            s.set_perm_flagged(0);
            s.set_perm_answered(0);
            s.set_perm_draft(0);
            s.set_kwd_create(0);
            s.set_uid_nosticky(c_uint::from(flags & DR_NOSTICKY != 0));
            s.uid_last = 0;
            s.uid_validity = libc::time(null_mut()) as std::os::raw::c_ulong;
            if open(stream).is_null() {
                mail_close_full(stream, 0)
            } else {
                stream
            }
        }
    })
}

unsafe fn give<T>(p: *mut *mut T) {
    // SAFETY: p points to a malloc'ed pointer or NULL.
    unsafe { fs_give(p as *mut *mut c_void) };
}

/// `mail_close_full`: closes and frees a stream (kept while handles use
/// it). Always returns NULL.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mail_close_full(
    stream: *mut MAILSTREAM,
    options: c_long,
) -> *mut MAILSTREAM {
    super::guard("mail_close_full", std::ptr::null_mut(), || {
        if stream.is_null() {
            return null_mut();
        }
        // SAFETY: per the contract.
        unsafe {
            let s = &mut *stream;
            if !s.dtb.is_null() {
                match (*s.dtb).close {
                    Some(close) => close(stream, options),
                    None => super::report_unavailable("mail_close (driver close)"),
                }
            }
            s.dtb = null_mut();
            give(&mut s.mailbox);
            give(&mut s.original_mailbox);
            give(&mut s.snarf.name);
            s.sequence = s.sequence.wrapping_add(1);
            for f in s.user_flags.iter_mut() {
                give(f);
            }
            mail_free_cache(stream);
            let free_spare = hook(GET_FREESTREAMSPAREP);
            if free_spare != 0 && !s.sparep.is_null() {
                let f: unsafe extern "C" fn(*mut *mut c_void) = std::mem::transmute(free_spare);
                f(&mut s.sparep);
            }
            if s.use_ == 0 {
                let mut p = stream;
                give(&mut p);
            }
        }
        null_mut()
    })
}

/// `mail_usable_network_stream`: whether a network stream can be reused
/// for `name` (same host, service, port, user and anonymity).
///
/// # Safety
/// `stream` NULL or live; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_usable_network_stream(
    stream: *mut MAILSTREAM,
    name: *mut c_char,
) -> c_long {
    super::guard("mail_usable_network_stream", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null()
                || (*stream).dtb.is_null()
                || ((*(*stream).dtb).flags as c_long & DR_LOCAL) != 0
            {
                return 0;
            }
            let ssl = ssl_available();
            let parse =
                |p: *mut c_char| c_bytes(p).and_then(|b| parse_net_mailbox(b, b"imap", ssl));
            let (Some(n), Some(s), Some(o)) = (
                parse(name),
                parse((*stream).mailbox),
                parse((*stream).original_mailbox),
            ) else {
                return 0;
            };
            let anonymous = (*stream).anonymous() != 0;
            c_long::from(
                dispatch::same_server(&s, &n, anonymous)
                    || dispatch::same_server(&o, &n, anonymous),
            )
        }
    })
}

/// `mail_debug`: turns on protocol telemetry for the stream.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_debug(stream: *mut MAILSTREAM) {
    super::guard("mail_debug", (), || {
        // SAFETY: per the contract.
        unsafe {
            (*stream).set_debug(1);
            if !(*stream).dtb.is_null() {
                driver_parameters((*stream).dtb, ENABLE_DEBUG, stream as *mut c_void);
            }
        }
    })
}

/// `mail_nodebug`: turns protocol telemetry off.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_nodebug(stream: *mut MAILSTREAM) {
    super::guard("mail_nodebug", (), || {
        // SAFETY: per the contract.
        unsafe {
            (*stream).set_debug(0);
            if !(*stream).dtb.is_null() {
                driver_parameters((*stream).dtb, DISABLE_DEBUG, stream as *mut c_void);
            }
        }
    })
}

/// `mail_dlog`: passes telemetry to `mm_dlog`, hiding sensitive lines
/// unless SET_DEBUGSENSITIVE allows them.
///
/// # Safety
/// `string` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_dlog(string: *mut c_char, flag: c_long) {
    super::guard("mail_dlog", (), || {
        let show = flag == 0 || number(Owner::Mail, GET_DEBUGSENSITIVE) != 0;
        let text = if show {
            string
        } else {
            c"<suppressed>".as_ptr() as *mut c_char
        };
        // SAFETY: a valid C string for the application's callback.
        unsafe { mm_dlog(text) };
    })
}

/// Checks a LIST/LSUB/SCAN reference and pattern as the original does.
fn list_args_ok(what: &str, reference: Option<&[u8]>, pattern: &[u8]) -> bool {
    match dispatch::list_arguments(what, reference, pattern) {
        Ok(()) => true,
        Err(text) => {
            log(&text, ERROR);
            false
        }
    }
}

type ListFn = unsafe extern "C" fn(*mut MAILSTREAM, *mut c_char, *mut c_char);

/// Runs a LIST-like method on the stream's driver or on every eligible
/// driver, reporting (once) drivers whose method is not available yet.
unsafe fn list_like(
    what: &str,
    api: &str,
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pattern: *mut c_char,
    pick: impl Fn(&DRIVER) -> Option<ListFn>,
) {
    // SAFETY (whole body): C strings from the caller; static drivers.
    unsafe {
        let pat = c_bytes(pattern).unwrap_or(b"");
        let mut reference = reference;
        let r = c_bytes(reference);
        let remote = dispatch::list_is_remote(r, pat);
        let report_missing = dispatch::missing_lister_matters(r, pat);
        if !list_args_ok(what, r, pat) {
            return;
        }
        if pat.first() == Some(&b'{') {
            reference = null_mut();
        }
        let mut missing: Vec<String> = Vec::new();
        let mut run = |d: *mut DRIVER, s: *mut MAILSTREAM| match pick(&*d) {
            Some(f) => f(s, reference, pattern),
            None if report_missing => missing
                .push(String::from_utf8_lossy(c_bytes((*d).name).unwrap_or(b"?")).into_owned()),
            None => {}
        };
        if !stream.is_null() && !(*stream).dtb.is_null() {
            let d = (*stream).dtb;
            if !(((*d).flags as c_long & DR_LOCAL) != 0 && remote) {
                run(d, stream);
            }
        } else {
            let mut d = drivers();
            while !d.is_null() {
                let flags = (*d).flags as c_long;
                if flags & DR_DISABLE == 0 && !(flags & DR_LOCAL != 0 && remote) {
                    run(d, null_mut());
                }
                d = (*d).next;
            }
        }
        if !missing.is_empty() {
            super::report_unavailable(&format!("{api} (drivers: {})", missing.join(", ")));
        }
    }
}

/// `mail_list`.
///
/// # Safety
/// `stream` NULL or live; strings NUL-terminated (`ref` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn mail_list(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
) {
    super::guard("mail_list", (), || {
        // SAFETY: forwarded contract.
        unsafe { list_like("LIST", "mail_list", stream, reference, pat, |d| d.list) }
    })
}

/// `mail_lsub`.
///
/// # Safety
/// As `mail_list`.
#[no_mangle]
pub unsafe extern "C" fn mail_lsub(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
) {
    super::guard("mail_lsub", (), || {
        // SAFETY: forwarded contract.
        unsafe { list_like("LSUB", "mail_lsub", stream, reference, pat, |d| d.lsub) }
    })
}

/// `mail_scan`: LIST restricted to mailboxes containing `contents`.
///
/// # Safety
/// As `mail_list`; `contents` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_scan(
    stream: *mut MAILSTREAM,
    reference: *mut c_char,
    pat: *mut c_char,
    contents: *mut c_char,
) {
    super::guard("mail_scan", (), || {
        // SAFETY (whole body): as mail_list.
        unsafe {
            let p = c_bytes(pat).unwrap_or(b"");
            let r = c_bytes(reference);
            if !list_args_ok("LIST", r, p) {
                return;
            }
            let remote = dispatch::list_is_remote(r, p);
            let reference = if p.first() == Some(&b'{') {
                null_mut()
            } else {
                reference
            };
            if !stream.is_null() {
                let d = (*stream).dtb;
                let local = !d.is_null() && ((*d).flags as c_long & DR_LOCAL) != 0;
                let eligible = !(d.is_null() || local && remote);
                if eligible {
                    if let Some(scan) = (*d).scan {
                        scan(stream, reference, pat, contents);
                    }
                }
                return;
            }
            let mut d = drivers();
            while !d.is_null() {
                let flags = (*d).flags as c_long;
                if flags & DR_DISABLE == 0 && !(flags & DR_LOCAL != 0 && remote) {
                    if let Some(scan) = (*d).scan {
                        scan(null_mut(), reference, pat, contents);
                    }
                }
                d = (*d).next;
            }
        }
    })
}

/// `mail_status`: reports a mailbox's status through `mm_status`.
///
/// # Safety
/// `stream` NULL or live; `mbx` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_status(
    stream: *mut MAILSTREAM,
    mbx: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("mail_status", 0, || {
        // SAFETY (whole body): per the contract.
        unsafe {
            let dtb = valid(
                stream,
                mbx,
                c"get status of mailbox".as_ptr() as *mut c_char,
            );
            if dtb.is_null() {
                return 0;
            }
            let mut stream = stream;
            if !stream.is_null() {
                let keep = dispatch::status_uses_stream(
                    dtb == (*stream).dtb,
                    ((*dtb).flags as c_long & DR_LOCAL) != 0,
                    c_bytes(mbx),
                    [
                        c_bytes((*stream).mailbox),
                        c_bytes((*stream).original_mailbox),
                    ],
                );
                if !keep {
                    stream = null_mut();
                }
            }
            match (*dtb).status {
                Some(status) => status(stream, mbx, flags),
                None => {
                    super::report_unavailable("mail_status (driver status)");
                    0
                }
            }
        }
    })
}

/// `mail_status_default`: status by opening the mailbox and counting.
///
/// # Safety
/// `stream` NULL or live; `mbx` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_status_default(
    stream: *mut MAILSTREAM,
    mbx: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("mail_status_default", 0, || {
        // SAFETY (whole body): per the contract.
        unsafe {
            let mut tstream = null_mut();
            let mut stream = stream;
            if stream.is_null() {
                tstream = mail_open(null_mut(), mbx, OP_READONLY | OP_SILENT);
                if tstream.is_null() {
                    return 0;
                }
                stream = tstream;
            }
            let mut status: MAILSTATUS = std::mem::zeroed();
            status.flags = flags;
            status.messages = (*stream).nmsgs;
            status.recent = (*stream).recent;
            if flags & SA_UNSEEN != 0 {
                for i in 1..=(*stream).nmsgs {
                    if (*mail_elt(stream, i)).seen() == 0 {
                        status.unseen += 1;
                    }
                }
            }
            // Wraps as the C arithmetic does: a server may put uid_last anywhere.
            status.uidnext = (*stream).uid_last.wrapping_add(1);
            status.uidvalidity = (*stream).uid_validity;
            mm_status(stream, mbx, &mut status);
            if !tstream.is_null() {
                mail_close_full(tstream, 0);
            }
            1
        }
    })
}

/// `mail_ping`: keeps the stream alive and learns of new mail. (Snarfing
/// from a `#move` source is not available yet.)
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn mail_ping(stream: *mut MAILSTREAM) -> c_long {
    super::guard("mail_ping", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || (*stream).dtb.is_null() {
                return 0;
            }
            match (*(*stream).dtb).ping {
                Some(ping) => ping(stream),
                None => {
                    super::report_unavailable("mail_ping (driver ping)");
                    0
                }
            }
        }
    })
}

/// `mail_check`: checkpoints the mailbox.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn mail_check(stream: *mut MAILSTREAM) {
    super::guard("mail_check", (), || {
        // SAFETY: per the contract.
        unsafe {
            if !(*stream).dtb.is_null() {
                match (*(*stream).dtb).check {
                    Some(check) => check(stream),
                    None => super::report_unavailable("mail_check (driver check)"),
                }
            }
        }
    })
}

/// `mail_delete`: deletes a mailbox (never INBOX).
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_delete(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("mail_delete", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let dtb = valid(stream, mailbox, c"delete mailbox".as_ptr() as *mut c_char);
            if dtb.is_null() {
                return 0;
            }
            if let Some(text) = dispatch::delete_refused(c_bytes(mailbox).unwrap_or(b"")) {
                log(&text, ERROR);
                return 0;
            }
            match (*dtb).mbxdel {
                Some(f) => f(stream, mailbox),
                None => {
                    super::report_unavailable("mail_delete (driver delete)");
                    0
                }
            }
        }
    })
}

/// `mail_rename`: renames a mailbox unless the new name exists.
///
/// # Safety
/// `stream` NULL or live; names NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_rename(
    stream: *mut MAILSTREAM,
    old: *mut c_char,
    newname: *mut c_char,
) -> c_long {
    super::guard("mail_rename", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let dtb = valid(stream, old, c"rename mailbox".as_ptr() as *mut c_char);
            if dtb.is_null() {
                return 0;
            }
            let o = c_bytes(old).unwrap_or(b"");
            let n = c_bytes(newname).unwrap_or(b"");
            if dispatch::rename_checks_target(o)
                && !valid(null_mut(), newname, null_mut()).is_null()
            {
                log(&dispatch::rename_target_exists(o, n), ERROR);
                return 0;
            }
            match (*dtb).mbxren {
                Some(f) => f(stream, old, newname),
                None => {
                    super::report_unavailable("mail_rename (driver rename)");
                    0
                }
            }
        }
    })
}

/// `mail_create`: creates a mailbox with the driver the name selects.
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_create(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("mail_create", 0, || {
        // SAFETY (whole body): per the contract.
        unsafe {
            let name = c_bytes(mailbox).unwrap_or(b"");
            if let Some(text) = dispatch::create_refused(name) {
                log(&text, ERROR);
                return 0;
            }
            let mut stream = stream;
            let mut mailbox = mailbox;
            let d;
            match dispatch::driver_prefix(name, PrefixUse::Create) {
                DriverPrefix::BadSyntax(text) => {
                    log(&text, ERROR);
                    return 0;
                }
                DriverPrefix::Named { driver, rest } => {
                    d = named_driver(driver, PrefixUse::Create);
                    if d.is_null() {
                        log(&dispatch::unknown_driver(name, PrefixUse::Create), ERROR);
                        return 0;
                    }
                    mailbox = mailbox.add(rest);
                }
                DriverPrefix::None => {
                    if (!stream.is_null() && !(*stream).dtb.is_null()) || {
                        matches!(name.first(), Some(b'{') | Some(b'#')) && {
                            stream = mail_open(null_mut(), mailbox, OP_PROTOTYPE | OP_SILENT);
                            !stream.is_null()
                        }
                    } {
                        d = (*stream).dtb;
                    } else {
                        // A local name gets the default format for new
                        // mailboxes (the environment's create prototype).
                        let proto = if name.first() == Some(&b'{') {
                            null_mut()
                        } else {
                            default_proto(0)
                        };
                        match proto.as_ref() {
                            Some(p) if !p.dtb.is_null() => d = p.dtb,
                            _ => {
                                log(&dispatch::indeterminate_format(name), ERROR);
                                return 0;
                            }
                        }
                    }
                }
            }
            match (*d).create {
                Some(f) => f(stream, mailbox),
                None => {
                    super::report_unavailable("mail_create (driver create)");
                    0
                }
            }
        }
    })
}
