//! The user environment's exports (env_unix.c and the subscription
//! manager): who the user is, where mailboxes live, the configuration
//! files, subscriptions. The logic is `crate::env`'s; this layer copies
//! names in and out of C buffers, hands out stable C strings, delivers the
//! environment's log lines and turns its fatal errors into `fatal`.

use super::bindings::*;
use super::memory::{c_bytes, c_string_from};
use super::params::c_copy;
use super::sysutil::fatal_message as fatal;
use crate::env::params::Owner;
use crate::env::user::{self, FormatChoice, LoginState, NamespaceList};
use crate::env::{rc, subscriptions};
use crate::store::events::Level;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::os::unix::ffi::OsStrExt;
use std::ptr::{addr_of_mut, null_mut};
use std::sync::Mutex;

/// What the environment asks of the C layer: the linked drivers.
struct AbiHost;

impl user::Host for AbiHost {
    fn driver_exists(&self, name: &[u8]) -> bool {
        let Ok(c) = CString::new(name) else {
            return false;
        };
        // SAFETY: a NUL-terminated name; the chain holds static drivers.
        !unsafe { super::registry::find_driver(c.as_ptr()) }.is_null()
    }
    fn is_client_host(&self, _host: &[u8]) -> bool {
        // Only a server has a client; this library runs none yet.
        false
    }
    fn disable_driver(&self, name: &[u8]) {
        let Ok(c) = CString::new(name) else {
            return;
        };
        // SAFETY: as above; flags of a linked driver are ours to change,
        // as DISABLE_DRIVER does.
        unsafe {
            let d = super::registry::find_driver(c.as_ptr());
            if !d.is_null() {
                (*d).flags |= DR_DISABLE as u64;
            }
        }
    }
}

static HOST: AbiHost = AbiHost;

fn register_host() {
    user::set_host(&HOST);
}

// Not guarded so that the load-time hook keeps no path to mm_log alive in
// programs that link the library without defining the callbacks.
// no-panic: stores a reference once (OnceLock::set), nothing else.
extern "C" fn register_host_at_load() {
    user::set_host(&HOST);
}

// Registers the C layer's answers when the library is loaded, so the
// environment knows the drivers whichever export first needs it.
#[used]
#[link_section = ".init_array"]
static REGISTER_HOST: extern "C" fn() = register_host_at_load;

fn level_word(level: Level) -> c_long {
    match level {
        Level::Info => NIL as c_long,
        Level::Warn => WARN as c_long,
        Level::Error => ERROR as c_long,
        Level::Parse => PARSE as c_long,
        Level::Bye => BYE as c_long,
    }
}

/// Delivers the environment's queued log lines to `mm_log`.
pub fn deliver_log() {
    for (text, level) in user::take_log() {
        super::log_bytes(&text, level_word(level));
    }
}

/// Runs an environment call, then delivers what it logged; a fatal error
/// ends the process as the original's `fatal` does.
pub(crate) fn with_env<R>(f: impl FnOnce() -> Result<R, user::Fatal>) -> R {
    register_host();
    let r = f();
    deliver_log();
    match r {
        Ok(v) => v,
        Err(user::Fatal(text)) => fatal(text),
    }
}

/// Copies `bytes` into the caller's MAILTMPLEN buffer `dst`; NULL when it
/// would not fit (the original would overrun the buffer).
///
/// # Safety
/// `dst` must be NULL or have MAILTMPLEN bytes.
unsafe fn into_buffer(dst: *mut c_char, bytes: &[u8]) -> *mut c_char {
    if dst.is_null() || bytes.len() >= MAILTMPLEN as usize {
        return null_mut();
    }
    // SAFETY: room checked above, per the contract.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst as *mut u8, bytes.len());
        *dst.add(bytes.len()) = 0;
    }
    dst
}

/// `env_init`: sets the environment up for `user` (NULL: anonymous) and
/// `home` (NULL: closed box). Always T; a second call is fatal.
///
/// # Safety
/// Both arguments NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn env_init(user: *mut c_char, home: *mut c_char) -> c_long {
    super::guard("env_init", 0, || {
        // SAFETY: per the contract.
        let (u, h) = unsafe { (c_bytes(user), c_bytes(home)) };
        c_long::from(with_env(|| user::env_init(u, h)))
    })
}

/// The C string handed out for a user name found while initialisation is
/// blocked (the original hands out the password entry's own storage): the
/// name and its copy, kept while the name stays the same.
static BLOCKED_NAME: Mutex<Option<(Vec<u8>, usize)>> = Mutex::new(None);

/// `myusername_full`: the user name; `flags` gets MU_LOGGEDIN,
/// MU_NOTLOGGEDIN or MU_ANONYMOUS.
///
/// # Safety
/// `flags` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn myusername_full(flags: *mut c_ulong) -> *mut c_char {
    super::guard("myusername_full", null_mut(), || {
        let (name, state) = with_env(user::user_name_full);
        if !flags.is_null() {
            // SAFETY: per the contract.
            unsafe { *flags = state as c_ulong };
        }
        if state == LoginState::NotLoggedIn {
            return c"root".as_ptr() as *mut c_char;
        }
        if user::env_string(user::code::USERNAME).as_deref() == Some(&name[..]) {
            return c_copy(Owner::Env, GET_USERNAME);
        }
        let mut slot = BLOCKED_NAME.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some((kept, copy)) if *kept == name => *copy as *mut c_char,
            _ => {
                // A previous copy stays allocated: a program may still hold
                // it, as it could hold the C library's passwd storage.
                let copy = c_string_from(&name);
                *slot = Some((name, copy as usize));
                copy
            }
        }
    })
}

/// `myhomedir`: the home directory, "" when unknown.
#[no_mangle]
pub extern "C" fn myhomedir() -> *mut c_char {
    super::guard("myhomedir", null_mut(), || {
        with_env(|| Ok(user::home_dir_or_empty()));
        let p = c_copy(Owner::Env, GET_HOMEDIR);
        if p.is_null() {
            c"".as_ptr() as *mut c_char
        } else {
            p
        }
    })
}

/// `mylocalhost`: this host's canonical name.
#[no_mangle]
pub extern "C" fn mylocalhost() -> *mut c_char {
    super::guard("mylocalhost", null_mut(), || {
        with_env(|| Ok(user::local_host()));
        c_copy(Owner::Env, GET_LOCALHOST)
    })
}

/// The buffer tcp_canonical answers in when the name changed (the
/// original answers in the resolver's own storage).
static mut CANONICAL: [u8; MAILTMPLEN as usize] = [0; MAILTMPLEN as usize];

/// `tcp_canonical`: the canonical form of host `name`; `name` itself for
/// a domain literal or a name the resolver does not know.
///
/// # Safety
/// `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcp_canonical(name: *mut c_char) -> *mut c_char {
    super::guard("tcp_canonical", name, || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return name;
        };
        let canonical = user::canonical_host(n);
        if canonical == n {
            return name;
        }
        // SAFETY: the buffer is ours; into_buffer checks its size.
        let r = unsafe { into_buffer(addr_of_mut!(CANONICAL) as *mut c_char, &canonical) };
        if r.is_null() {
            name
        } else {
            r
        }
    })
}

/// `sysinbox`: the system inbox file.
#[no_mangle]
pub extern "C" fn sysinbox() -> *mut c_char {
    super::guard("sysinbox", null_mut(), || {
        with_env(|| Ok(user::system_inbox()));
        c_copy(Owner::Env, GET_SYSINBOX)
    })
}

/// `mailboxdir`: writes the file of `dir` + `name` (or, with neither, the
/// mailbox directory) into `dst`; NULL for a refused name.
///
/// # Safety
/// `dst` has MAILTMPLEN bytes; `dir` and `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mailboxdir(
    dst: *mut c_char,
    dir: *mut c_char,
    name: *mut c_char,
) -> *mut c_char {
    super::guard("mailboxdir", null_mut(), || {
        // SAFETY: per the contract.
        let (d, n) = unsafe { (c_bytes(dir), c_bytes(name)) };
        match with_env(|| Ok(user::mailbox_dir_file(d, n))) {
            // SAFETY: per the contract.
            Some(file) => unsafe { into_buffer(dst, &file) },
            None => null_mut(),
        }
    })
}

/// `mailboxfile`: writes the file of local mailbox `name` into `dst`: ""
/// for INBOX (each driver picks its file), NULL for a refused name.
///
/// # Safety
/// `dst` has MAILTMPLEN bytes; `name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mailboxfile(dst: *mut c_char, name: *mut c_char) -> *mut c_char {
    super::guard("mailboxfile", null_mut(), || {
        // SAFETY: per the contract.
        let Some(n) = (unsafe { c_bytes(name) }) else {
            return null_mut();
        };
        match with_env(|| Ok(user::mailbox_file_name(n))) {
            // SAFETY: per the contract.
            Some(file) => unsafe { into_buffer(dst, &file) },
            None => null_mut(),
        }
    })
}

/// `dorc`: reads configuration file `file` (NULL: /etc/c-client.cf);
/// `flag` marks a `.mminit`, where only `set keywords` counts.
///
/// # Safety
/// `file` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn dorc(file: *mut c_char, flag: c_long) {
    super::guard("dorc", (), || {
        // SAFETY: per the contract.
        let f = unsafe { c_bytes(file) };
        with_env(|| {
            rc::dorc(f, flag != 0);
            Ok(())
        });
    })
}

/// `default_user_flag`: keyword `i` of the configuration files, or NULL.
#[no_mangle]
pub extern "C" fn default_user_flag(i: c_ulong) -> *mut c_char {
    super::guard("default_user_flag", null_mut(), || {
        static FLAGS: Mutex<Vec<(Vec<u8>, usize)>> = Mutex::new(Vec::new());
        let Some(flag) = with_env(|| Ok(user::default_user_flag(i as usize))) else {
            return null_mut();
        };
        // One stable copy per distinct keyword and slot.
        let mut copies = FLAGS.lock().unwrap_or_else(|e| e.into_inner());
        let slot = i as usize;
        if copies.len() <= slot {
            copies.resize(slot + 1, (Vec::new(), 0));
        }
        if copies[slot].1 == 0 || copies[slot].0 != flag {
            copies[slot] = (flag.clone(), c_string_from(&flag) as usize);
        }
        copies[slot].1 as *mut c_char
    })
}

/// `user_flags`: gives `stream` the configuration files' keywords in the
/// slots it has not named yet.
///
/// # Safety
/// `stream` a live stream.
#[no_mangle]
pub unsafe extern "C" fn user_flags(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("user_flags", stream, || {
        for i in 0..NUSERFLAGS as usize {
            let Some(flag) = with_env(|| Ok(user::default_user_flag(i))) else {
                break;
            };
            // SAFETY: per the contract; slots hold NULL or fs_get strings.
            unsafe {
                if (*stream).user_flags[i].is_null() {
                    (*stream).user_flags[i] = c_string_from(&flag);
                }
            }
        }
        stream
    })
}

/// `get_dir_protection`: the mode for directories made for `mailbox`.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn get_dir_protection(mailbox: *mut c_char) -> c_long {
    super::guard("get_dir_protection", 0, || {
        // SAFETY: per the contract.
        let m = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
        user::dir_protection(m) as c_long
    })
}

/// `set_mbx_protections`: gives `path` the protection of `mailbox`'s
/// namespace; failure to change it is ignored. Always T.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn set_mbx_protections(mailbox: *mut c_char, path: *mut c_char) -> c_long {
    super::guard("set_mbx_protections", 0, || {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: per the contract.
        let (m, p) = unsafe {
            (
                c_bytes(mailbox).unwrap_or(b""),
                c_bytes(path).unwrap_or(b""),
            )
        };
        let p = std::ffi::OsStr::from_bytes(p);
        let dir = std::fs::metadata(p)
            .ok()
            .filter(|md| md.is_dir())
            .map(|md| md.permissions().mode());
        let mode = user::mailbox_protection(m, dir);
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
        1
    })
}

/// `path_create`: creates a mailbox with the restrictions lifted (for
/// tmail and dmail); in a black box the name is the box's own INBOX.
///
/// # Safety
/// `stream` NULL or live; `path` a MAILTMPLEN buffer holding a name.
#[no_mangle]
pub unsafe extern "C" fn path_create(stream: *mut MAILSTREAM, path: *mut c_char) -> c_long {
    super::guard("path_create", 0, || {
        user::unrestricted(|black_box_inbox| {
            // SAFETY: per the contract.
            unsafe {
                if !black_box_inbox.is_empty() && into_buffer(path, black_box_inbox).is_null() {
                    return 0;
                }
                super::stream::mail_create(stream, path)
            }
        })
    })
}

/// Prototypes chosen by the configuration files, resolved once per choice.
static PROTOS: Mutex<Option<(u64, usize, usize)>> = Mutex::new(None);

fn standard_proto() -> *mut MAILSTREAM {
    addr_of_mut!(super::data::unixproto)
}

/// The prototype of the driver of INBOX, unless that is the dummy driver;
/// `mbox` counts as `unix`.
unsafe fn inbox_proto(mbox_as_unix: bool) -> Option<*mut MAILSTREAM> {
    // SAFETY: mail_valid with a constant name; drivers are static.
    unsafe {
        let mut d =
            super::stream::mail_valid(null_mut(), c"INBOX".as_ptr() as *mut c_char, null_mut());
        if d.is_null() || c_bytes((*d).name) == Some(b"dummy") {
            return None;
        }
        if mbox_as_unix && c_bytes((*d).name) == Some(b"mbox") {
            d = super::registry::find_driver(c"unix".as_ptr());
        }
        driver_proto(d)
    }
}

unsafe fn driver_proto(d: *mut DRIVER) -> Option<*mut MAILSTREAM> {
    if d.is_null() {
        return None;
    }
    // SAFETY: a linked driver; open(NULL) answers its prototype.
    if let Some(open) = unsafe { (*d).open } {
        // SAFETY: as above.
        let p = unsafe { open(null_mut()) };
        return (!p.is_null()).then_some(p);
    }
    // A driver whose methods are not written yet: its prototype object,
    // which is what its open(NULL) will answer.
    use super::data::*;
    let known: [(*mut DRIVER, *mut MAILSTREAM); 15] = [
        (addr_of_mut!(mboxdriver), addr_of_mut!(mboxproto)),
        (
            addr_of_mut!(super::imap::imapdriver),
            addr_of_mut!(super::imap::imapproto),
        ),
        (addr_of_mut!(nntpdriver), addr_of_mut!(nntpproto)),
        (
            addr_of_mut!(super::pop3::pop3driver),
            addr_of_mut!(super::pop3::pop3proto),
        ),
        (addr_of_mut!(mixdriver), addr_of_mut!(mixproto)),
        (addr_of_mut!(mxdriver), addr_of_mut!(mxproto)),
        (addr_of_mut!(mbxdriver), addr_of_mut!(mbxproto)),
        (addr_of_mut!(tenexdriver), addr_of_mut!(tenexproto)),
        (addr_of_mut!(mtxdriver), addr_of_mut!(mtxproto)),
        (addr_of_mut!(mhdriver), addr_of_mut!(mhproto)),
        (addr_of_mut!(mmdfdriver), addr_of_mut!(mmdfproto)),
        (addr_of_mut!(unixdriver), addr_of_mut!(unixproto)),
        (addr_of_mut!(newsdriver), addr_of_mut!(newsproto)),
        (addr_of_mut!(philedriver), addr_of_mut!(phileproto)),
        (addr_of_mut!(dummydriver), addr_of_mut!(dummyproto)),
    ];
    known.iter().find(|(k, _)| *k == d).map(|&(_, p)| p)
}

unsafe fn resolve(choice: Option<FormatChoice>, append: bool) -> *mut MAILSTREAM {
    // SAFETY (whole body): drivers are static.
    unsafe {
        match choice {
            // Before env_init a program has no prototypes at all.
            None | Some(FormatChoice::Invalid) => null_mut(),
            Some(FormatChoice::SystemStandard) => standard_proto(),
            Some(FormatChoice::SameAsInbox) => inbox_proto(!append).unwrap_or_else(standard_proto),
            Some(FormatChoice::Driver(name)) => {
                let c = CString::new(name).unwrap_or_default();
                driver_proto(super::registry::find_driver(c.as_ptr()))
                    .unwrap_or_else(standard_proto)
            }
        }
    }
}

/// `default_proto`: the prototype new mailboxes are created in (`type`
/// NIL) or that an append to an empty mailbox uses (`type` T).
#[no_mangle]
pub extern "C" fn default_proto(kind: c_long) -> *mut MAILSTREAM {
    super::guard("default_proto", null_mut(), || {
        let (version, create, append) = with_env(|| Ok(user::format_choices()));
        let mut cached = PROTOS.lock().unwrap_or_else(|e| e.into_inner());
        let protos = match *cached {
            Some((v, c, a)) if v == version => (c, a),
            _ => {
                drop(cached);
                // SAFETY: resolution only reads static driver objects.
                let resolved = unsafe {
                    (
                        resolve(create, false) as usize,
                        resolve(append, true) as usize,
                    )
                };
                cached = PROTOS.lock().unwrap_or_else(|e| e.into_inner());
                *cached = Some((version, resolved.0, resolved.1));
                resolved
            }
        };
        (if kind != 0 { protos.1 } else { protos.0 }) as *mut MAILSTREAM
    })
}

/// The static namespace chains of GET_NAMESPACE.
static mut NS_MH_FOLDERS: NAMESPACE = ns(c"#mh/", b'/' as c_int, null_mut());
static mut NS_MH: NAMESPACE = ns(c"#mhinbox", 0, addr_of_mut!(NS_MH_FOLDERS));
static mut NS_HOME: NAMESPACE = ns(c"", b'/' as c_int, addr_of_mut!(NS_MH));
static mut NS_UNIX_OTHER: NAMESPACE = ns(c"~", b'/' as c_int, null_mut());
static mut NS_BLACK_OTHER: NAMESPACE = ns(c"/", b'/' as c_int, null_mut());
static mut NS_PUBLIC: NAMESPACE = ns(c"#public/", b'/' as c_int, null_mut());
static mut NS_NEWS: NAMESPACE = ns(c"#news.", b'.' as c_int, addr_of_mut!(NS_PUBLIC));
static mut NS_FTP: NAMESPACE = ns(c"#ftp/", b'/' as c_int, addr_of_mut!(NS_NEWS));
static mut NS_SHARED: NAMESPACE = ns(c"#shared/", b'/' as c_int, addr_of_mut!(NS_FTP));
static mut NS_WORLD: NAMESPACE = ns(c"/", b'/' as c_int, addr_of_mut!(NS_SHARED));
static mut NS_LIMITED: NAMESPACE = ns(c"#shared/", b'/' as c_int, addr_of_mut!(NS_PUBLIC));

const fn ns(name: &'static std::ffi::CStr, delimiter: c_int, next: *mut NAMESPACE) -> NAMESPACE {
    NAMESPACE {
        name: name.as_ptr() as *mut c_char,
        delimiter,
        param: null_mut(),
        next,
    }
}

/// The array GET_NAMESPACE answers (personal, other users, shared).
static mut NAMESPACES: [*mut NAMESPACE; 3] = [null_mut(); 3];

/// Fills and returns the GET_NAMESPACE array from the environment.
pub fn namespace_list() -> *mut [*mut NAMESPACE; 3] {
    let lists = user::namespaces();
    let list = addr_of_mut!(NAMESPACES);
    for (i, l) in lists.iter().enumerate() {
        let p = match l {
            None => null_mut(),
            Some(NamespaceList::Home) => addr_of_mut!(NS_HOME),
            Some(NamespaceList::UnixOther) => addr_of_mut!(NS_UNIX_OTHER),
            Some(NamespaceList::BlackOther) => addr_of_mut!(NS_BLACK_OTHER),
            Some(NamespaceList::Shared) => addr_of_mut!(NS_SHARED),
            Some(NamespaceList::World) => addr_of_mut!(NS_WORLD),
            Some(NamespaceList::Limited) => addr_of_mut!(NS_LIMITED),
            Some(NamespaceList::Ftp) => addr_of_mut!(NS_FTP),
        };
        // SAFETY: the array is ours; programs only read it, as they read
        // the original's.
        unsafe { (*list)[i] = p };
    }
    list
}

/// Subscription reports go to mm_log; the answer is T or NIL.
fn report((ok, msg): subscriptions::Outcome) -> c_long {
    if let Some((text, level)) = msg {
        super::log_bytes(&text, level_word(level));
    }
    c_long::from(ok)
}

/// `sm_subscribe`: adds `mailbox` to ~/.mailboxlist.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sm_subscribe(mailbox: *mut c_char) -> c_long {
    super::guard("sm_subscribe", 0, || {
        // SAFETY: per the contract.
        let m = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
        let outcome = with_env(|| Ok(subscriptions::subscribe(m)));
        report(outcome)
    })
}

/// `sm_unsubscribe`: removes `mailbox` from ~/.mailboxlist.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sm_unsubscribe(mailbox: *mut c_char) -> c_long {
    super::guard("sm_unsubscribe", 0, || {
        // SAFETY: per the contract.
        let m = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
        let outcome = with_env(|| Ok(subscriptions::unsubscribe(m)));
        report(outcome)
    })
}

/// An sm_read walk: the names read when it started and the next to give.
struct Walk {
    names: Vec<Vec<u8>>,
    next: usize,
}

/// The buffer sm_read answers in (the original's static name buffer).
static mut SM_NAME: [u8; MAILTMPLEN as usize] = [0; MAILTMPLEN as usize];

/// `sm_read`: the next subscribed name, starting a walk when `*sdb` is
/// NULL; at the end NULL, with `*sdb` reset.
///
/// # Safety
/// `sdb` points to NULL or to a handle an earlier call stored.
#[no_mangle]
pub unsafe extern "C" fn sm_read(sdb: *mut *mut c_void) -> *mut c_char {
    super::guard("sm_read", null_mut(), || {
        if sdb.is_null() {
            return null_mut();
        }
        // SAFETY: per the contract, *sdb is NULL or a Box<Walk> of ours.
        unsafe {
            if (*sdb).is_null() {
                let Some(names) = with_env(|| Ok(subscriptions::read())) else {
                    return null_mut();
                };
                *sdb = Box::into_raw(Box::new(Walk { names, next: 0 })) as *mut c_void;
            }
            let walk = &mut *(*sdb as *mut Walk);
            if let Some(name) = walk.names.get(walk.next) {
                walk.next += 1;
                let buf = addr_of_mut!(SM_NAME) as *mut c_char;
                return into_buffer(buf, name);
            }
            drop(Box::from_raw(*sdb as *mut Walk));
            *sdb = null_mut();
            null_mut()
        }
    })
}

/// `mail_subscribe`: the driver of `mailbox` subscribes it, or the local
/// list does when the driver has no subscription of its own.
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_subscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("mail_subscribe", 0, || {
        // SAFETY: per the contract; drivers are static.
        unsafe {
            let d = super::stream::mail_valid(
                stream,
                mailbox,
                c"subscribe to mailbox".as_ptr() as *mut c_char,
            );
            if d.is_null() {
                return 0;
            }
            match (*d).subscribe {
                Some(f) => f(stream, mailbox),
                None => sm_subscribe(mailbox),
            }
        }
    })
}

/// `mail_unsubscribe`: the driver's unsubscription, else the local list's
/// (also for names no driver accepts, so stale entries can be removed).
///
/// # Safety
/// `stream` NULL or live; `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_unsubscribe(stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    super::guard("mail_unsubscribe", 0, || {
        // SAFETY: per the contract; drivers are static.
        unsafe {
            let d = super::stream::mail_valid(stream, mailbox, null_mut());
            match (!d.is_null()).then(|| (*d).unsubscribe).flatten() {
                Some(f) => f(stream, mailbox),
                None => sm_unsubscribe(mailbox),
            }
        }
    })
}

/// `mm_blocknotify`, the default block-notify hook: stops the alarm clock
/// while the library is in code that must not be interrupted (answering
/// the seconds that were left) and restarts it afterwards.
#[no_mangle]
pub extern "C" fn mm_blocknotify(reason: c_int, data: *mut c_void) -> *mut c_void {
    super::guard("mm_blocknotify", data, || match reason {
        BLOCK_SENSITIVE => crate::os::clock::alarm(0) as usize as *mut c_void,
        BLOCK_NONSENSITIVE => {
            let seconds = data as usize;
            if seconds != 0 {
                crate::os::clock::alarm(seconds as u32);
            }
            data
        }
        _ => data,
    })
}
