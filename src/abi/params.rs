//! `mail_parameters` and the per-module parameter functions it forwards
//! to (`env_parameters`, `tcp_parameters`, the protocol and driver hooks).
//! Plain values live in `crate::env::params`; this layer owns the C side:
//! copied strings, hook addresses, the prohibited codes.

use super::bindings::*;
use super::memory::{c_bytes, c_string_from, fs_give};
use super::registry;
use super::sysutil::fatal_message as fatal;
use super::tenex::{mtx_parameters, tenex_parameters};
use crate::env::params::{self as store, Entry, Kind, Op, Owner};
use std::collections::HashMap;
use std::os::raw::{c_char, c_long, c_void};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

extern "C" {
    fn mm_blocknotify(reason: std::os::raw::c_int, data: *mut c_void) -> *mut c_void;
    fn mail_thread_orderedsubject(
        stream: *mut MAILSTREAM,
        charset: *mut c_char,
        spg: *mut SEARCHPGM,
        flags: c_long,
        sorter: sorter_t,
    ) -> *mut THREADNODE;
    fn mail_thread_references(
        stream: *mut MAILSTREAM,
        charset: *mut c_char,
        spg: *mut SEARCHPGM,
        flags: c_long,
        sorter: sorter_t,
    ) -> *mut THREADNODE;
}

/// The original's `VOIDT`: a non-NULL "true" that points at an empty string.
static TRUE_WORD: [u8; 1] = [0];

pub(crate) fn voidt() -> *mut c_void {
    TRUE_WORD.as_ptr() as *mut c_void
}

fn flag(on: bool) -> *mut c_void {
    if on {
        voidt()
    } else {
        null_mut()
    }
}

/// The threaders every stream without its own offers.
static mut THREAD_ORDSUB: THREADER = THREADER {
    name: c"ORDEREDSUBJECT".as_ptr() as *mut c_char,
    dispatch: Some(mail_thread_orderedsubject),
    next: null_mut(),
};
static mut THREAD_LIST: THREADER = THREADER {
    name: c"REFERENCES".as_ptr() as *mut c_char,
    dispatch: Some(mail_thread_references),
    next: std::ptr::addr_of_mut!(THREAD_ORDSUB),
};

/// The current word of an entry, installing defaults that are addresses.
fn word(e: &Entry) -> usize {
    if !store::is_set(e) {
        let default: Option<usize> = match (e.owner, e.get) {
            (Owner::Mail, GET_CACHE) => Some(super::cache::mm_cache as *const () as usize),
            (Owner::Mail, GET_SMTPVERBOSE) => Some(super::callbacks::mm_dlog as *const () as usize),
            (Owner::Mail, GET_SERVICENAME) => Some(c"unknown".as_ptr() as usize),
            (Owner::Env, GET_BLOCKNOTIFY) => Some(mm_blocknotify as *const () as usize),
            _ => None,
        };
        if let Some(w) = default {
            store::store(e, w);
            return w;
        }
    }
    store::value(e)
}

/// The C copies of string settings handed to programs, by owner and GET
/// code: the version of the core's value each copies, and its address.
type CopyMap = HashMap<(Owner, c_long), (u64, usize)>;
static C_COPIES: Mutex<Option<CopyMap>> = Mutex::new(None);

/// A C copy of string setting `get` of `owner` (NULL for NIL). The copy
/// stays valid until the value changes, like the original's own string,
/// which a SET (or a configuration file) frees.
pub fn c_copy(owner: Owner, get: c_long) -> *mut c_char {
    let (version, value) = store::string_versioned(owner, get);
    let mut guard = C_COPIES.lock().unwrap_or_else(|e| e.into_inner());
    let copies = guard.get_or_insert_with(HashMap::new);
    if let Some(&(v, addr)) = copies.get(&(owner, get)) {
        if v == version {
            return addr as *mut c_char;
        }
        let mut old = addr as *mut c_void;
        // SAFETY: every address in the map is our own fs_get copy, replaced
        // here exactly once.
        unsafe { fs_give(&mut old) };
    }
    let copy = value.as_deref().map_or(null_mut(), c_string_from);
    copies.insert((owner, get), (version, copy as usize));
    copy
}

/// Applies a code to one owner's table; None when the owner does not
/// know the code.
fn owned(owner: Owner, function: c_long, value: *mut c_void) -> Option<*mut c_void> {
    match store::lookup(owner, function)? {
        Op::Get(e) => Some(get(e)),
        Op::Set(e) => Some(set(e, value)),
    }
}

fn get(e: &Entry) -> *mut c_void {
    if matches!(e.kind, Kind::CopiedString | Kind::CopiedStringQuietSet) {
        // Settings the environment fills in when first asked for.
        match (e.owner, e.get) {
            (Owner::Env, GET_ANONYMOUSHOME) => {
                crate::env::user::anonymous_home();
            }
            (Owner::Env, GET_LOCALHOST) => {
                crate::env::user::local_host();
            }
            _ => {}
        }
        return c_copy(e.owner, e.get) as *mut c_void;
    }
    let w = word(e);
    match e.kind {
        Kind::Flag => flag(w != 0),
        Kind::InvertedFlag => flag(w == 0),
        Kind::Echo => null_mut(),
        _ => w as *mut c_void,
    }
}

fn set(e: &Entry, value: *mut c_void) -> *mut c_void {
    match e.kind {
        Kind::Word | Kind::KeptString => {
            store::store(e, value as usize);
            value
        }
        Kind::Flag => {
            store::store(e, usize::from(!value.is_null()));
            flag(!value.is_null())
        }
        Kind::InvertedFlag => {
            store::store(e, usize::from(value.is_null()));
            flag(!value.is_null())
        }
        Kind::CopiedString | Kind::CopiedStringQuietSet => {
            // SAFETY: a caller-supplied C string or NULL.
            let bytes = unsafe { c_bytes(value as *const c_char) };
            store::set_string(e.owner, e.get, bytes);
            let copy = c_copy(e.owner, e.get);
            if e.kind == Kind::CopiedString {
                copy as *mut c_void
            } else {
                null_mut()
            }
        }
        Kind::Echo => value,
    }
}

/// Reads a numeric setting for library code.
pub fn number(owner: Owner, code: c_long) -> c_long {
    store::entry(owner, code).map_or(0, |e| word(e) as c_long)
}

/// The cache manager currently installed.
pub fn cache_manager() -> mailcache_t {
    // Every mail_elt asks: keep the word until a parameter store happens.
    // (Settings are process-wide and not meant to change under another
    // thread's calls, as in the original.)
    static KNOWN_GENERATION: AtomicU64 = AtomicU64::new(u64::MAX);
    static KNOWN_WORD: AtomicUsize = AtomicUsize::new(0);
    let generation = store::generation();
    let w = if KNOWN_GENERATION.load(Ordering::Acquire) == generation {
        KNOWN_WORD.load(Ordering::Acquire)
    } else {
        let w = store::entry(Owner::Mail, GET_CACHE).map_or(0, word);
        KNOWN_WORD.store(w, Ordering::Release);
        // A store meanwhile (installing the default is one) leaves the
        // generation behind: the next call reads again.
        KNOWN_GENERATION.store(generation, Ordering::Release);
        w
    };
    if w == 0 {
        // The application cleared it; the original would crash. Fall back.
        return Some(super::cache::mm_cache);
    }
    // SAFETY: the word is an address of a cache function installed through
    // SET_CACHE (or our own mm_cache).
    Some(unsafe {
        std::mem::transmute::<
            usize,
            unsafe extern "C" fn(*mut MAILSTREAM, std::os::raw::c_ulong, c_long) -> *mut c_void,
        >(w)
    })
}

/// A hook word from the core table (NULL if none).
pub fn hook(code: c_long) -> usize {
    // Asked on every parse and fetch: a word read stays good until a
    // parameter store happens (the generation moves), so each thread keeps
    // the words it read with the generation it read them at.
    thread_local! {
        static KNOWN: std::cell::RefCell<Vec<(c_long, u64, usize)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let generation = store::generation();
    let known = KNOWN.with_borrow(|k| {
        k.iter()
            .find(|&&(c, g, _)| c == code && g == generation)
            .map(|&(_, _, w)| w)
    });
    if let Some(w) = known {
        return w;
    }
    let w = store::entry(Owner::Mail, code).map_or(0, word);
    // A store meanwhile (installing a default is one) leaves this
    // generation behind: the next call reads again.
    KNOWN.with_borrow_mut(|k| match k.iter_mut().find(|e| e.0 == code) {
        Some(e) => *e = (code, generation, w),
        None => k.push((code, generation, w)),
    });
    w
}

/// Whether an SSL driver is installed (affects `/ssl` in names).
pub fn ssl_available() -> bool {
    hook(GET_SSLDRIVER) != 0
}

/// Calls a driver's parameters hook, or our stand-in for drivers whose
/// methods are not implemented yet.
///
/// # Safety
/// `d` must be a live driver object.
pub unsafe fn driver_parameters(
    d: *mut DRIVER,
    function: c_long,
    value: *mut c_void,
) -> *mut c_void {
    // SAFETY: per the contract; the hook follows the C signature.
    unsafe {
        if let Some(f) = (*d).parameters {
            return f(function, value);
        }
        let name = c_bytes((*d).name).unwrap_or(b"");
        match name {
            b"imap" => imap_parameters(function, value),
            b"pop3" => pop3_parameters(function, value),
            b"nntp" => nntp_parameters(function, value),
            b"unix" | b"mbox" => unix_parameters(function, value),
            b"mh" => mh_parameters(function, value),
            b"mix" => mix_parameters(function, value),
            b"mx" => mx_parameters(function, value),
            b"mbx" => mbx_parameters(function, value),
            b"tenex" => tenex_parameters(function, value),
            b"mtx" => mtx_parameters(function, value),
            b"mmdf" => mmdf_parameters(function, value),
            b"news" => news_parameters(function, value),
            _ => null_mut(),
        }
    }
}

/// `mail_parameters`: reads or changes a library parameter.
///
/// # Safety
/// `stream` must be NULL or a live stream; `value` must be what the code
/// expects (a C string, a hook, a number, a stream).
#[no_mangle]
pub unsafe extern "C" fn mail_parameters(
    stream: *mut MAILSTREAM,
    function: c_long,
    value: *mut c_void,
) -> *mut c_void {
    super::guard("mail_parameters", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { parameters(stream, function, value) }
    })
}

unsafe fn parameters(
    mut stream: *mut MAILSTREAM,
    function: c_long,
    value: *mut c_void,
) -> *mut c_void {
    let not_permitted = |name: &str| -> ! { fatal(&format!("{name} not permitted")) };
    // SAFETY (whole body): stream is NULL or live; driver and authenticator
    // objects in the chains are static.
    unsafe {
        let dtb = if stream.is_null() {
            null_mut()
        } else {
            (*stream).dtb
        };
        match function {
            SET_INBOXPATH => not_permitted("SET_INBOXPATH"),
            GET_INBOXPATH => {
                if stream.is_null() {
                    stream = super::stream::mail_open(
                        null_mut(),
                        c"INBOX".as_ptr() as *mut c_char,
                        OP_PROTOTYPE,
                    );
                }
                if !stream.is_null() && !(*stream).dtb.is_null() {
                    return driver_parameters((*stream).dtb, function, value);
                }
                null_mut()
            }
            SET_THREADERS => not_permitted("SET_THREADERS"),
            GET_THREADERS => {
                if !dtb.is_null() {
                    driver_parameters(dtb, function, stream as *mut c_void)
                } else {
                    std::ptr::addr_of_mut!(THREAD_LIST) as *mut c_void
                }
            }
            SET_NAMESPACE => not_permitted("SET_NAMESPACE"),
            SET_NEWSRC => {
                if !dtb.is_null() {
                    let proto = (*dtb).open.map_or(null_mut(), |open| open(null_mut()));
                    if stream != proto {
                        not_permitted("SET_NEWSRC");
                    }
                }
                env_parameters(function, value)
            }
            GET_NAMESPACE | GET_NEWSRC => {
                if !dtb.is_null() {
                    driver_parameters(dtb, function, stream as *mut c_void)
                } else {
                    env_parameters(function, value)
                }
            }
            // Ours: the stream's own answer (the driver takes the stream
            // as the value, as for GET_NAMESPACE).
            GET_IMAPSERVERID => {
                if dtb.is_null() {
                    null_mut()
                } else {
                    driver_parameters(dtb, function, stream as *mut c_void)
                }
            }
            ENABLE_DEBUG => not_permitted("ENABLE_DEBUG"),
            DISABLE_DEBUG => not_permitted("DISABLE_DEBUG"),
            SET_DIRFMTTEST => not_permitted("SET_DIRFMTTEST"),
            GET_DIRFMTTEST => {
                let r = if dtb.is_null() {
                    null_mut()
                } else {
                    driver_parameters(dtb, function, null_mut())
                };
                if r.is_null() {
                    not_permitted("GET_DIRFMTTEST");
                }
                r
            }
            SET_DRIVERS => not_permitted("SET_DRIVERS"),
            GET_DRIVERS => registry::drivers() as *mut c_void,
            SET_DRIVER => not_permitted("SET_DRIVER"),
            GET_DRIVER => registry::find_driver(value as *const c_char) as *mut c_void,
            ENABLE_DRIVER | DISABLE_DRIVER => {
                let d = registry::find_driver(value as *const c_char);
                if !d.is_null() {
                    if function == ENABLE_DRIVER {
                        (*d).flags &= !(DR_DISABLE as u64);
                    } else {
                        (*d).flags |= DR_DISABLE as u64;
                    }
                }
                d as *mut c_void
            }
            ENABLE_AUTHENTICATOR
            | DISABLE_AUTHENTICATOR
            | UNHIDE_AUTHENTICATOR
            | HIDE_AUTHENTICATOR => {
                let a = registry::find_authenticator(value as *const c_char);
                if !a.is_null() {
                    match function {
                        ENABLE_AUTHENTICATOR => (*a).flags &= !AU_DISABLE,
                        DISABLE_AUTHENTICATOR => (*a).flags |= AU_DISABLE,
                        UNHIDE_AUTHENTICATOR => (*a).flags &= !AU_HIDE,
                        _ => (*a).flags |= AU_HIDE,
                    }
                }
                a as *mut c_void
            }
            SET_EXTERNALAUTHID | GET_EXTERNALAUTHID => external_auth_id(function, value),
            SET_SNARFMAILBOXNAME => {
                if stream.is_null() {
                    fatal("SET_SNARFMAILBOXNAME with no stream");
                }
                let mut old = (*stream).snarf.name as *mut c_void;
                fs_give(&mut old);
                (*stream).snarf.name = super::misc::cpystr(value as *const c_char);
                (*stream).snarf.name as *mut c_void
            }
            GET_SNARFMAILBOXNAME => {
                if stream.is_null() {
                    null_mut()
                } else {
                    (*stream).snarf.name as *mut c_void
                }
            }
            _ => {
                if let Some(r) = owned(Owner::Mail, function, value) {
                    return r;
                }
                // Everyone else may know the code; the last answer wins.
                let mut ret = null_mut();
                for r in [
                    smtp_parameters(function, value),
                    env_parameters(function, value),
                    tcp_parameters(function, value),
                ] {
                    if !r.is_null() {
                        ret = r;
                    }
                }
                if !dtb.is_null() {
                    let r = driver_parameters(dtb, function, value);
                    if !r.is_null() {
                        ret = r;
                    }
                } else {
                    let mut d = registry::drivers();
                    while !d.is_null() {
                        let r = driver_parameters(d, function, value);
                        if !r.is_null() {
                            ret = r;
                        }
                        d = (*d).next;
                    }
                }
                ret
            }
        }
    }
}

/// SET/GET_EXTERNALAUTHID: setting it also shows the EXTERNAL mechanism,
/// clearing it hides it again.
unsafe fn external_auth_id(function: c_long, value: *mut c_void) -> *mut c_void {
    static ID: std::sync::atomic::AtomicPtr<c_char> = std::sync::atomic::AtomicPtr::new(null_mut());
    use std::sync::atomic::Ordering;
    if function == SET_EXTERNALAUTHID {
        // SAFETY: value is a C string or NULL; ID holds our own copy.
        unsafe {
            if !value.is_null() {
                ID.store(
                    super::misc::cpystr(value as *const c_char),
                    Ordering::Release,
                );
                parameters(
                    null_mut(),
                    UNHIDE_AUTHENTICATOR,
                    c"EXTERNAL".as_ptr() as *mut c_void,
                );
            } else {
                let mut old = ID.swap(null_mut(), Ordering::AcqRel) as *mut c_void;
                fs_give(&mut old);
                parameters(
                    null_mut(),
                    HIDE_AUTHENTICATOR,
                    c"EXTERNAL".as_ptr() as *mut c_void,
                );
            }
        }
    }
    ID.load(Ordering::Acquire) as *mut c_void
}

/// `env_parameters`: the environment's settings (user, directories,
/// protections, locking, namespaces).
#[no_mangle]
pub extern "C" fn env_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("env_parameters", std::ptr::null_mut(), || {
        if function == GET_NAMESPACE {
            return super::env::namespace_list() as *mut c_void;
        }
        owned(Owner::Env, function, value).unwrap_or(null_mut())
    })
}

/// `tcp_parameters`: timeouts and remote-shell settings.
#[no_mangle]
pub extern "C" fn tcp_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("tcp_parameters", std::ptr::null_mut(), || {
        owned(Owner::Tcp, function, value).unwrap_or(null_mut())
    })
}

/// `smtp_parameters`.
#[no_mangle]
pub extern "C" fn smtp_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("smtp_parameters", std::ptr::null_mut(), || {
        owned(Owner::Smtp, function, value).unwrap_or(null_mut())
    })
}

/// `imap_parameters`. The stream-dependent codes (GET_NAMESPACE,
/// GET_THREADERS, GET_FETCHLOOKAHEAD) take the stream as `value`.
// The C prototype is the original's (a safe-looking `void *` function);
// for those codes its contract is that `value` is NULL or a live stream.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
#[no_mangle]
pub extern "C" fn imap_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("imap_parameters", std::ptr::null_mut(), || match function {
        SET_FETCHLOOKAHEAD => fatal("SET_FETCHLOOKAHEAD not permitted"),
        SET_IDLETIMEOUT => fatal("SET_IDLETIMEOUT not permitted"),
        // SAFETY: for these codes `value` is the stream, as in the original.
        GET_NAMESPACE | GET_THREADERS | GET_FETCHLOOKAHEAD | GET_IMAPSERVERID => unsafe {
            super::imap_int::stream_parameter(function, value)
        },
        _ => owned(Owner::Imap, function, value).unwrap_or(null_mut()),
    })
}

/// `pop3_parameters`.
#[no_mangle]
pub extern "C" fn pop3_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("pop3_parameters", std::ptr::null_mut(), || {
        owned(Owner::Pop3, function, value).unwrap_or(null_mut())
    })
}

/// `nntp_parameters`: the driver's settings; with a stream as the value,
/// its newsrc name (`GET_NEWSRC`) and its session's debugging.
#[no_mangle]
pub extern "C" fn nntp_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("nntp_parameters", std::ptr::null_mut(), || match function {
        // SAFETY: the value of these codes is a stream (or NULL); only an
        // nntp stream's data is looked at.
        GET_NEWSRC => unsafe { super::nntp_read::newsrc_of(value as *mut MAILSTREAM) },
        ENABLE_DEBUG | DISABLE_DEBUG => {
            // SAFETY: as above.
            unsafe {
                super::nntp_read::set_debug(value as *mut MAILSTREAM, function == ENABLE_DEBUG)
            };
            value
        }
        _ => owned(Owner::Nntp, function, value).unwrap_or(null_mut()),
    })
}

/// Writes the INBOX path of a driver into the caller's buffer `dst`.
fn inbox_path(dst: *mut c_void, system: bool) -> *mut c_void {
    if dst.is_null() {
        return null_mut();
    }
    let path = if system {
        crate::env::user::system_inbox()
    } else {
        crate::env::user::home_dir().map(|mut h| {
            h.extend_from_slice(b"/INBOX");
            h
        })
    };
    match path {
        Some(p) if p.len() < MAILTMPLEN as usize => {
            // SAFETY: callers pass a MAILTMPLEN buffer, as the original
            // requires for GET_INBOXPATH.
            unsafe {
                std::ptr::copy_nonoverlapping(p.as_ptr(), dst as *mut u8, p.len());
                *(dst as *mut u8).add(p.len()) = 0;
            }
            dst
        }
        _ => null_mut(),
    }
}

/// `unix_parameters` (shared by mbox): INBOX path and the "From " widget.
#[no_mangle]
pub extern "C" fn unix_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("unix_parameters", std::ptr::null_mut(), || {
        if function == GET_INBOXPATH {
            return inbox_path(value, true);
        }
        owned(Owner::Unix, function, value).unwrap_or(null_mut())
    })
}

/// `mmdf_parameters`.
#[no_mangle]
pub extern "C" fn mmdf_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("mmdf_parameters", std::ptr::null_mut(), || {
        if function == GET_INBOXPATH {
            return inbox_path(value, true);
        }
        null_mut()
    })
}

extern "C" {
    fn mix_dirfmttest(name: *mut c_char) -> c_long;
    fn mx_dirfmttest(name: *mut c_char) -> c_long;
    fn mh_dirfmttest(name: *mut c_char) -> c_long;
    fn mix_scan_contents(
        name: *mut c_char,
        contents: *mut c_char,
        csiz: std::os::raw::c_ulong,
        fsiz: std::os::raw::c_ulong,
    ) -> c_long;
    fn mx_scan_contents(
        name: *mut c_char,
        contents: *mut c_char,
        csiz: std::os::raw::c_ulong,
        fsiz: std::os::raw::c_ulong,
    ) -> c_long;
}

macro_rules! home_inbox_driver {
    ($($name:ident $([onetime $mix:expr])? $(, $dirfmt:ident, $scan:ident)?;)*) => {$(
        /// Driver parameters: the INBOX path (`~/INBOX`) and, for the
        /// directory formats, their directory test and content scanner.
        #[allow(clippy::not_unsafe_ptr_arg_deref)]
        #[no_mangle]
        pub extern "C" fn $name(function: c_long, value: *mut c_void) -> *mut c_void {
            super::guard(stringify!($name), null_mut(), || match function {
                GET_INBOXPATH => inbox_path(value, false),
                $(SET_ONETIMEEXPUNGEATPING | GET_ONETIMEEXPUNGEATPING => {
                    // SAFETY: for these codes `value` is NULL or a live
                    // stream, as the original requires.
                    unsafe {
                        super::drvhelpers::onetime_expunge(
                            value,
                            function == SET_ONETIMEEXPUNGEATPING,
                            $mix,
                        )
                    }
                })?
                $(GET_DIRFMTTEST => $dirfmt as *const () as *mut c_void,
                GET_SCANCONTENTS => $scan as *const () as *mut c_void,)?
                _ => null_mut(),
            })
        }
    )*};
}
home_inbox_driver! {
    mbx_parameters [onetime false];
    mix_parameters [onetime true], mix_dirfmttest, mix_scan_contents;
    mx_parameters, mx_dirfmttest, mx_scan_contents;
}

/// `mh_parameters`: the MH profile and path settings.
#[no_mangle]
pub extern "C" fn mh_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("mh_parameters", std::ptr::null_mut(), || {
        if function == GET_DIRFMTTEST {
            return mh_dirfmttest as *const () as *mut c_void;
        }
        if function == GET_INBOXPATH {
            if value.is_null() {
                return null_mut();
            }
            // The original stops the program here when MH is disabled.
            let Some(d) = crate::store::mh::mh_file(b"INBOX") else {
                return null_mut();
            };
            let n = d.len().min(MAILTMPLEN as usize - 1);
            // SAFETY: the caller's MAILTMPLEN buffer, as for every driver's
            // GET_INBOXPATH.
            unsafe {
                std::ptr::copy_nonoverlapping(d.as_ptr(), value as *mut u8, n);
                *(value as *mut u8).add(n) = 0;
            }
            return value;
        }
        owned(Owner::Mh, function, value).unwrap_or(null_mut())
    })
}

/// `news_parameters`: only the newsrc name, from the environment.
#[no_mangle]
pub extern "C" fn news_parameters(function: c_long, value: *mut c_void) -> *mut c_void {
    super::guard("news_parameters", std::ptr::null_mut(), || {
        if function == GET_NEWSRC {
            env_parameters(function, value)
        } else {
            null_mut()
        }
    })
}

/// `phile_parameters`: the phile driver has none.
// no-panic: returns NULL.
#[no_mangle]
pub extern "C" fn phile_parameters(_function: c_long, _value: *mut c_void) -> *mut c_void {
    null_mut()
}
