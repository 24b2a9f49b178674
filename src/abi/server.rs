//! The C face of the server side (`crate::server`): the `P*` stdio layer,
//! `server_init`, the names of the connection on stdin, the logins and the
//! server halves of the authenticators (`mail_auth`, `auth_*_server`,
//! `apop_login`).

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::ptr::null_mut;
use std::sync::Mutex;

use super::bindings::*;
use super::memory::{c_bytes, c_string_from};
use crate::os::server as stdio;
use crate::server::{self as core, login, sasl, tls};

// ---- the P* layer: stdio, or TLS once it is on ----

/// Starts a STARTTLS asked for by `ssl_start_tls`, at the first read after.
fn start_pending_tls() {
    if let Some(name) = tls::take_pending() {
        let c = CString::new(name).unwrap_or_default();
        // SAFETY: a NUL-terminated name.
        unsafe { ssl_server_init(c.as_ptr() as *mut c_char) };
    }
}

/// `PBIN`: the next byte from the client, EOF (-1) at end.
#[no_mangle]
pub extern "C" fn PBIN() -> c_int {
    super::guard("PBIN", -1, || tls::getc().unwrap_or_else(stdio::stdin_getc))
}

/// `PSIN`: a line of at most `n - 1` bytes (newline kept) into `s`, as
/// `fgets`; NULL at end of input.
///
/// # Safety
/// `s` must have room for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn PSIN(s: *mut c_char, n: c_int) -> *mut c_char {
    super::guard("PSIN", null_mut(), || {
        if s.is_null() || n <= 0 {
            return null_mut();
        }
        start_pending_tls();
        // SAFETY: per the contract, s has n writable bytes.
        let buf = unsafe { std::slice::from_raw_parts_mut(s as *mut u8, n as usize) };
        match tls::gets(buf).unwrap_or_else(|| stdio::stdin_gets(buf)) {
            Some(_) => s,
            None => null_mut(),
        }
    })
}

/// `PSINR`: exactly `n` bytes into `s`; T, or NIL when input ended first.
///
/// # Safety
/// `s` must have room for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn PSINR(s: *mut c_char, n: c_ulong) -> c_long {
    super::guard("PSINR", 0, || {
        start_pending_tls();
        if n == 0 {
            return 1;
        }
        if s.is_null() {
            return 0;
        }
        // SAFETY: per the contract, s has n writable bytes.
        let buf = unsafe { std::slice::from_raw_parts_mut(s as *mut u8, n as usize) };
        c_long::from(tls::read_exact(buf).unwrap_or_else(|| stdio::stdin_read_exact(buf)))
    })
}

/// `INWAIT`: whether client input arrives within `seconds`.
#[no_mangle]
pub extern "C" fn INWAIT(seconds: c_long) -> c_long {
    super::guard("INWAIT", 1, || {
        c_long::from(tls::input_wait(seconds).unwrap_or_else(|| core::input_wait(seconds)))
    })
}

/// `server_input_wait`: whether stdin has input within `seconds`.
#[no_mangle]
pub extern "C" fn server_input_wait(seconds: c_long) -> c_long {
    super::guard("server_input_wait", 1, || {
        c_long::from(core::input_wait(seconds))
    })
}

/// `PBOUT`: writes one byte; the byte, or EOF.
#[no_mangle]
pub extern "C" fn PBOUT(c: c_int) -> c_int {
    super::guard("PBOUT", -1, || match tls::write(&[c as u8]) {
        Some(true) => c & 0xff,
        Some(false) => -1,
        None => stdio::stdout_putc(c),
    })
}

/// `PSOUT`: writes a string; non-negative, or EOF.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn PSOUT(s: *mut c_char) -> c_int {
    super::guard("PSOUT", -1, || {
        // SAFETY: per the contract.
        match unsafe { c_bytes(s) } {
            Some(b) => match tls::write(b) {
                Some(true) => 0,
                Some(false) => -1,
                None => stdio::stdout_puts(b),
            },
            None => -1,
        }
    })
}

/// `PSOUTR`: writes a sized text; NIL (0), or EOF when not all went out.
///
/// # Safety
/// `s` NULL or a SIZEDTEXT whose data holds `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn PSOUTR(s: *mut SIZEDTEXT) -> c_int {
    super::guard("PSOUTR", -1, || {
        if s.is_null() {
            return -1;
        }
        // SAFETY: per the contract.
        let (data, size) = unsafe { ((*s).data, (*s).size as usize) };
        if size == 0 {
            return 0;
        }
        if data.is_null() {
            return -1;
        }
        // SAFETY: per the contract, data holds size bytes.
        let b = unsafe { std::slice::from_raw_parts(data as *const u8, size) };
        if tls::write(b).unwrap_or_else(|| stdio::stdout_write(b)) {
            0
        } else {
            -1
        }
    })
}

/// `PFLUSH`: pushes buffered output to the client; 0, or EOF.
#[no_mangle]
pub extern "C" fn PFLUSH() -> c_int {
    super::guard("PFLUSH", -1, || match tls::flush() {
        Some(true) => 0,
        Some(false) => -1,
        None => stdio::stdout_flush(),
    })
}

// ---- server_init and the names of the connection ----

/// `server_init`: see `crate::server::init`. When it chooses implicit TLS
/// (the SSL service's port, or another port and a server name beginning
/// with "s") the handshake happens here, through `ssl_server_init`.
///
/// # Safety
/// Names NULL or NUL-terminated; handlers NULL or functions of one int.
#[no_mangle]
pub unsafe extern "C" fn server_init(
    server: *mut c_char,
    service: *mut c_char,
    sslservice: *mut c_char,
    clkint: *mut c_void,
    kodint: *mut c_void,
    hupint: *mut c_void,
    trmint: *mut c_void,
    staint: *mut c_void,
) {
    super::guard("server_init", (), || {
        // SAFETY: per the contract.
        let (a, b, c) = unsafe { (c_bytes(server), c_bytes(service), c_bytes(sslservice)) };
        let h = core::Handlers {
            clock: clkint as usize,
            kiss_of_death: kodint as usize,
            hangup: hupint as usize,
            terminate: trmint as usize,
            status: staint as usize,
        };
        if core::init(a, b, c, h, core::reverse_dns_allowed()) == core::Transport::ImplicitTls {
            // SAFETY: server is NUL-terminated (init only chooses TLS
            // when it is given).
            unsafe { ssl_server_init(server) };
        }
    })
}

/// `ssl_server_init`: TLS on stdin/stdout (TLS 1.3 or 1.2, rustls) with
/// the certificate and key files of `server`. On success plaintext logins
/// are allowed if they were disabled only outside TLS (2), and PLAIN and
/// LOGIN are unhidden; on failure the reason goes to syslog and the
/// process ends, as the original does.
///
/// # Safety
/// `server` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ssl_server_init(server: *mut c_char) {
    super::guard("ssl_server_init", (), || {
        // SAFETY: per the contract.
        let name = unsafe { c_bytes(server) }.unwrap_or(b"").to_vec();
        stdio::stdout_flush();
        let cfg = crate::env::config::sslcerts();
        let keys = crate::env::config::sslkeys();
        match tls::server_init(&name, cfg, keys) {
            Ok(()) => {
                use crate::env::params::{number, Owner};
                // SAFETY: library calls with constant arguments.
                unsafe {
                    if number(Owner::Env, GET_DISABLEPLAINTEXT) > 1 {
                        super::params::mail_parameters(
                            null_mut(),
                            SET_DISABLEPLAINTEXT,
                            null_mut(),
                        );
                    }
                    for a in [c"PLAIN", c"LOGIN"] {
                        super::params::mail_parameters(
                            null_mut(),
                            UNHIDE_AUTHENTICATOR,
                            a.as_ptr() as *mut c_void,
                        );
                    }
                }
            }
            Err((level, text)) => {
                crate::os::syslog::log(level, text.as_bytes());
                std::process::exit(1);
            }
        }
    })
}

/// `ssl_server_input_wait`: `INWAIT` for a TLS server.
#[no_mangle]
pub extern "C" fn ssl_server_input_wait(seconds: c_long) -> c_long {
    super::guard("ssl_server_input_wait", 1, || {
        c_long::from(tls::input_wait(seconds).unwrap_or_else(|| core::input_wait(seconds)))
    })
}

/// `ssl_start_tls`: switches stdin/stdout to TLS at the server's next
/// read (after its "go ahead" answer). NULL when it will; else an error
/// text the caller frees ("Server certificate not installed", ...).
/// With a NULL name only asks whether STARTTLS is possible.
///
/// # Safety
/// `server` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ssl_start_tls(server: *mut c_char) -> *mut c_char {
    super::guard("ssl_start_tls", null_mut(), || {
        // SAFETY: per the contract.
        let name = unsafe { c_bytes(server) };
        match tls::start_tls(name, crate::env::config::sslcerts()) {
            Some(err) => c_string_from(err.as_bytes()),
            None => null_mut(),
        }
    })
}

/// A C string handed out for the life of the process (the original's
/// once-only `cpystr`s).
fn kept(slot: &Mutex<Option<CString>>, value: impl FnOnce() -> Vec<u8>) -> *mut c_char {
    let mut g = slot.lock().unwrap_or_else(|e| e.into_inner());
    if g.is_none() {
        let v: Vec<u8> = value().into_iter().filter(|&b| b != 0).collect();
        *g = Some(CString::new(v).unwrap_or_default());
    }
    g.as_ref().map_or(null_mut(), |c| c.as_ptr() as *mut c_char)
}

static CLIENT_HOST: Mutex<Option<CString>> = Mutex::new(None);
static CLIENT_ADDR: Mutex<Option<CString>> = Mutex::new(None);
static SERVER_HOST: Mutex<Option<CString>> = Mutex::new(None);
static SERVER_ADDR: Mutex<Option<CString>> = Mutex::new(None);

/// `tcp_clienthost`: "name [address]" of the client on stdin.
#[no_mangle]
pub extern "C" fn tcp_clienthost() -> *mut c_char {
    super::guard("tcp_clienthost", null_mut(), || {
        kept(&CLIENT_HOST, core::client_host)
    })
}

/// `tcp_clientaddr`: the client's address ("UNKNOWN" off a socket).
#[no_mangle]
pub extern "C" fn tcp_clientaddr() -> *mut c_char {
    super::guard("tcp_clientaddr", null_mut(), || {
        kept(&CLIENT_ADDR, core::client_addr)
    })
}

/// `tcp_clientport`: the client's port, -1 when unknown.
#[no_mangle]
pub extern "C" fn tcp_clientport() -> c_long {
    super::guard("tcp_clientport", -1, || core::client_port() as c_long)
}

/// `tcp_serverhost`: this side's name on stdin's socket.
#[no_mangle]
pub extern "C" fn tcp_serverhost() -> *mut c_char {
    super::guard("tcp_serverhost", null_mut(), || {
        kept(&SERVER_HOST, || {
            core::server_host_with(core::reverse_dns_allowed(), || {
                // SAFETY: mylocalhost answers a library-owned C string.
                unsafe { c_bytes(super::env::mylocalhost()) }
                    .unwrap_or(b"")
                    .to_vec()
            })
        })
    })
}

/// `tcp_serveraddr`: this side's address ("UNKNOWN" off a socket).
#[no_mangle]
pub extern "C" fn tcp_serveraddr() -> *mut c_char {
    super::guard("tcp_serveraddr", null_mut(), || {
        kept(&SERVER_ADDR, core::server_addr)
    })
}

/// `tcp_serverport`: this side's port, -1 off a socket.
#[no_mangle]
pub extern "C" fn tcp_serverport() -> c_long {
    super::guard("tcp_serverport", -1, || {
        core::server_port().unwrap_or(-1) as c_long
    })
}

// ---- logins ----

fn md5_file() -> &'static str {
    crate::env::config::md5pwd()
}

fn md5_file_exists() -> bool {
    std::path::Path::new(md5_file()).exists()
}

fn md5_secret(user: &[u8]) -> Option<login::sasl_secret::Secret> {
    match sasl::md5_password(md5_file(), user) {
        Ok(s) => Some(s),
        Err(sasl::PwdFileError::WorldReadable) => {
            let text = format!(
                "{} is readable by everyone: CRAM-MD5 passwords refused",
                md5_file()
            );
            crate::os::syslog::log(libc::LOG_ALERT | libc::LOG_AUTH, text.as_bytes());
            None
        }
        Err(_) => None,
    }
}

fn deliver(notices: Vec<login::Notice>) {
    for (text, warn) in notices {
        let c = CString::new(text).unwrap_or_default();
        // SAFETY: the application's callback, a NUL-terminated string.
        unsafe {
            super::callbacks::mm_notify(
                null_mut(),
                c.as_ptr() as *mut c_char,
                if warn { WARN } else { 0 },
            )
        };
    }
}

/// Runs a login step with the environment's conventions (fatal errors go
/// to the application's `fatal`), then delivers queued notices.
/// Hands the program's service name (`SET_SERVICENAME`: PAM's service) to
/// the login code.
fn sync_service_name() {
    // SAFETY: a GET of a string parameter.
    let p = unsafe { super::params::mail_parameters(null_mut(), GET_SERVICENAME, null_mut()) };
    // SAFETY: the string the program set stays alive while it is set.
    login::set_service_name(unsafe { c_bytes(p as *const c_char) }.map(<[u8]>::to_vec));
}

pub(super) fn login_step(
    f: impl FnOnce(&login::Context, &mut Vec<login::Notice>) -> Result<bool, crate::env::user::Fatal>,
) -> bool {
    sync_service_name();
    let md5_enabled = md5_file_exists();
    let cx = login::Context {
        md5_enabled,
        md5_password: &md5_secret,
    };
    let mut notices = Vec::new();
    let ok = super::env::with_env(|| f(&cx, &mut notices));
    deliver(notices);
    ok
}

/// `server_login`: plaintext login of `user` (as `authuser` when given).
///
/// # Safety
/// Strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn server_login(
    user: *mut c_char,
    pwd: *mut c_char,
    authuser: *mut c_char,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> c_long {
    super::guard("server_login", 0, || {
        // SAFETY: per the contract.
        let (u, p, a) = unsafe { (c_bytes(user), c_bytes(pwd), c_bytes(authuser)) };
        let Some(u) = u else { return 0 };
        let p = p.unwrap_or(b"");
        c_long::from(login_step(|cx, n| login::server_login(u, p, a, cx, n)))
    })
}

/// `authserver_login`: logs in `user`, already authenticated.
///
/// # Safety
/// Strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn authserver_login(
    user: *mut c_char,
    authuser: *mut c_char,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> c_long {
    super::guard("authserver_login", 0, || {
        // SAFETY: per the contract.
        let (u, a) = unsafe { (c_bytes(user), c_bytes(authuser)) };
        let Some(u) = u else { return 0 };
        c_long::from(login_step(|_, _| login::authserver_login(u, a)))
    })
}

/// `anonymous_login`: logs in as the anonymous user.
#[no_mangle]
pub extern "C" fn anonymous_login(_argc: c_int, _argv: *mut *mut c_char) -> c_long {
    super::guard("anonymous_login", 0, || {
        c_long::from(login_step(|_, _| login::anonymous_login()))
    })
}

fn passwd_of(pw: *mut passwd) -> Option<crate::os::user::Passwd> {
    if pw.is_null() {
        return None;
    }
    let pw = pw as *const libc::passwd;
    // SAFETY: pw is a passwd record the caller got from the C library
    // (the header's `struct passwd` is the system's).
    let name = unsafe { c_bytes((*pw).pw_name) }?;
    crate::os::user::by_name(name)
}

/// `checkpw`: `pw` if `pass` is its password (the `PASSWDTYPE` back end),
/// else NULL.
///
/// # Safety
/// `pw` NULL or a passwd record; `pass` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn checkpw(
    pw: *mut passwd,
    pass: *mut c_char,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> *mut passwd {
    super::guard("checkpw", null_mut(), || {
        // SAFETY: per the contract.
        let Some(p) = (unsafe { c_bytes(pass) }) else {
            return null_mut();
        };
        let Some(rec) = passwd_of(pw) else {
            return null_mut();
        };
        sync_service_name();
        let mut notices = Vec::new();
        let ok = login::check_password(&rec, p, &mut notices);
        deliver(notices);
        if ok {
            pw
        } else {
            null_mut()
        }
    })
}

/// `loginpw`: becomes the user of `pw`; T on success.
///
/// # Safety
/// `pw` NULL or a passwd record.
#[no_mangle]
pub unsafe extern "C" fn loginpw(pw: *mut passwd, _argc: c_int, _argv: *mut *mut c_char) -> c_long {
    super::guard("loginpw", 0, || {
        if pw.is_null() {
            return 0;
        }
        let pw = pw as *const libc::passwd;
        // SAFETY: per the contract (the system's `struct passwd`).
        let (name, uid, gid) = unsafe { (c_bytes((*pw).pw_name), (*pw).pw_uid, (*pw).pw_gid) };
        let Some(name) = name else {
            return 0;
        };
        c_long::from(crate::os::server::become_user(name, uid, gid))
    })
}

/// The fields of a C `struct passwd` the login code uses.
fn passwd_fields(pw: *mut passwd) -> Option<crate::os::user::Passwd> {
    if pw.is_null() {
        return None;
    }
    let pw = pw as *const libc::passwd;
    // SAFETY: pw is a passwd record of the system's layout (the header's
    // `struct passwd`); its strings are NULL or NUL-terminated.
    unsafe {
        Some(crate::os::user::Passwd {
            name: c_bytes((*pw).pw_name)?.to_vec(),
            home: c_bytes((*pw).pw_dir).unwrap_or(b"").to_vec(),
            gecos: c_bytes((*pw).pw_gecos).unwrap_or(b"").to_vec(),
            uid: (*pw).pw_uid,
            gid: (*pw).pw_gid,
        })
    }
}

/// `pw_login`: finishes the login of `pw` (never root): an administrator
/// `auser` other than the user must be in group `mailadm`; the process
/// becomes the user (chroot into `home` first on a closed-box server) and
/// the environment is set up with `home` (the passwd entry's when NULL).
/// A NULL `user` sets the environment up without a user name, as for
/// anonymous logins.
///
/// # Safety
/// `pw` NULL or a passwd record; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pw_login(
    pw: *mut passwd,
    auser: *mut c_char,
    user: *mut c_char,
    home: *mut c_char,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> c_long {
    super::guard("pw_login", 0, || {
        let rec = passwd_fields(pw);
        // SAFETY: per the contract.
        let (a, u, h) = unsafe { (c_bytes(auser), c_bytes(user), c_bytes(home)) };
        c_long::from(login_step(|_, _| login::pw_login(rec, a, u, h)))
    })
}

/// `grim_pid_reap_status`: reaps the child `pid` (sending it SIGHUP first
/// when `killreq`), its wait status into `status` when not NULL.
///
/// # Safety
/// `status` NULL or an `int` to write.
#[no_mangle]
pub unsafe extern "C" fn grim_pid_reap_status(pid: c_int, killreq: c_int, status: *mut c_void) {
    super::guard("grim_pid_reap_status", (), || {
        // SAFETY: per the contract, status is NULL or a writable int.
        let st = unsafe { (status as *mut c_int).as_mut() };
        stdio::reap_child(pid, killreq != 0, st)
    })
}

// ---- server SASL ----

/// A response from the server's responder: the bytes (None when the client
/// cancelled or the exchange failed). The responder's buffer is freed.
pub(super) fn respond(
    responder: authresponse_t,
    challenge: &[u8],
    send_len: usize,
) -> Option<Vec<u8>> {
    let r = responder?;
    let mut chal = challenge.to_vec();
    chal.push(0);
    let mut len: c_ulong = 0;
    // SAFETY: the responder takes a challenge of send_len bytes and answers
    // a malloc'ed, NUL-terminated buffer (length in len) or NULL.
    let p = unsafe {
        r(
            chal.as_mut_ptr() as *mut c_void,
            send_len as c_ulong,
            &mut len,
        )
    };
    if p.is_null() {
        return None;
    }
    // SAFETY: as above; a responder NUL-terminates what it answers.
    let out = unsafe { CStr::from_ptr(p) }.to_bytes().to_vec();
    let out = if (len as usize) > out.len() {
        // SAFETY: len bytes were answered (PLAIN holds NULs).
        unsafe { std::slice::from_raw_parts(p as *const u8, len as usize) }.to_vec()
    } else {
        out
    };
    let mut q = p as *mut c_void;
    // SAFETY: the buffer came from the library's allocator (fs_get).
    unsafe { super::memory::fs_give(&mut q) };
    Some(out)
}

pub(super) fn my_user_name() -> *mut c_char {
    // SAFETY: NULL flags are allowed.
    unsafe { super::env::myusername_full(null_mut()) }
}

/// `auth_login_server`: the LOGIN mechanism ("User Name", "Password").
///
/// # Safety
/// `responder` a server responder.
#[no_mangle]
pub unsafe extern "C" fn auth_login_server(
    responder: authresponse_t,
    argc: c_int,
    argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("auth_login_server", null_mut(), || {
        let Some(user) = respond(
            responder,
            sasl::LOGIN_USER_PROMPT,
            sasl::LOGIN_USER_PROMPT.len(),
        ) else {
            return null_mut();
        };
        let Some(pass) = respond(
            responder,
            sasl::LOGIN_PASSWORD_PROMPT,
            sasl::LOGIN_PASSWORD_PROMPT.len(),
        ) else {
            return null_mut();
        };
        let pass = login::sasl_secret::Secret(pass);
        let (u, a) = sasl::split_admin(&user);
        let _ = (argc, argv);
        if login_step(|cx, n| login::server_login(u, &pass.0, a, cx, n)) {
            my_user_name()
        } else {
            null_mut()
        }
    })
}

/// `auth_plain_server`: the PLAIN mechanism (authorization identity
/// honoured for members of `mailadm`).
///
/// # Safety
/// `responder` a server responder.
#[no_mangle]
pub unsafe extern "C" fn auth_plain_server(
    responder: authresponse_t,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("auth_plain_server", null_mut(), || {
        let Some(resp) = respond(responder, b"", 0) else {
            return null_mut();
        };
        let resp = login::sasl_secret::Secret(resp);
        let Some((aid, user, pass)) = sasl::parse_plain(&resp.0) else {
            return null_mut();
        };
        let (u, a) = sasl::plain_login_names(aid, user);
        if login_step(|cx, n| login::server_login(u, pass, a, cx, n)) {
            my_user_name()
        } else {
            null_mut()
        }
    })
}

/// `auth_external_server`: the EXTERNAL mechanism: the identity the
/// program established outside SASL (`SET_EXTERNALAUTHID`, e.g. a TLS
/// client certificate) logs in, as the authorization identity the client
/// names, if any (which must be the same user or one it administers).
///
/// # Safety
/// `responder` a server responder.
#[no_mangle]
pub unsafe extern "C" fn auth_external_server(
    responder: authresponse_t,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("auth_external_server", null_mut(), || {
        // SAFETY: a GET of a string parameter.
        let p =
            unsafe { super::params::mail_parameters(null_mut(), GET_EXTERNALAUTHID, null_mut()) };
        // SAFETY: the library keeps the string while it is set.
        let Some(authenid) = (unsafe { c_bytes(p as *const c_char) }).map(<[u8]>::to_vec) else {
            return null_mut();
        };
        let Some(authzid) = respond(responder, b"", 0) else {
            return null_mut();
        };
        let ok = if authzid.is_empty() {
            login_step(|_, _| login::authserver_login(&authenid, None))
        } else {
            login_step(|_, _| login::authserver_login(&authzid, Some(&authenid)))
        };
        if ok {
            my_user_name()
        } else {
            null_mut()
        }
    })
}

/// `auth_md5_valid`: CRAM-MD5 is always valid for clients; its server
/// half needs the CRAM-MD5 password file (see `auth_link`).
#[no_mangle]
pub extern "C" fn auth_md5_valid() -> c_long {
    super::guard("auth_md5_valid", 1, || {
        if !md5_file_exists() {
            // SAFETY: the library's own record; servers are single-threaded
            // while linking.
            unsafe { (*std::ptr::addr_of_mut!(super::data::auth_md5)).server = None };
        }
        1
    })
}

/// Whether the CRAM-MD5 server half must be removed from `auth` (called by
/// `auth_link` for copies of `auth_md5` that live in the program).
pub fn md5_server_unavailable() -> bool {
    !md5_file_exists()
}

/// `auth_md5_pwd`: the CRAM-MD5 password of `user` (caller frees), NULL
/// when none.
///
/// # Safety
/// `user` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auth_md5_pwd(user: *mut c_char) -> *mut c_char {
    super::guard("auth_md5_pwd", null_mut(), || {
        // SAFETY: per the contract.
        let Some(u) = (unsafe { c_bytes(user) }) else {
            return null_mut();
        };
        match md5_secret(u) {
            Some(s) => c_string_from(&s.0),
            None => null_mut(),
        }
    })
}

fn local_host_name() -> Vec<u8> {
    // SAFETY: mylocalhost answers a library-owned C string.
    unsafe { c_bytes(super::env::mylocalhost()) }
        .unwrap_or(b"")
        .to_vec()
}

/// `auth_md5_server`: the CRAM-MD5 mechanism against the password file.
///
/// # Safety
/// `responder` a server responder.
#[no_mangle]
pub unsafe extern "C" fn auth_md5_server(
    responder: authresponse_t,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("auth_md5_server", null_mut(), || {
        let chal = sasl::cram_challenge(stdio::pid(), crate::os::clock::now(), &local_host_name());
        let mut ret = null_mut();
        if let Some(resp) = respond(responder, &chal, chal.len()) {
            if let Some(r) = sasl::parse_cram(&resp) {
                if let Some(secret) = md5_secret(sasl::secret_owner(r.user, r.authuser)) {
                    let ok = sasl::md5_tries_left() && sasl::cram_ok(&chal, &secret.0, r.digest);
                    drop(secret);
                    if ok && login_step(|_, _| login::authserver_login(r.user, r.authuser)) {
                        ret = my_user_name();
                    } else if sasl::md5_tries_left() {
                        sasl::spend_md5_try();
                    }
                }
            }
        }
        if ret.is_null() {
            stdio::sleep(login::FAILURE_DELAY);
        }
        ret
    })
}

/// `apop_login`: the POP3 APOP command: `md5` must be MD5(challenge +
/// password) for `user`'s CRAM-MD5 password. Answers a copy of the user
/// name (caller frees) or NULL.
///
/// # Safety
/// Strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn apop_login(
    chal: *mut c_char,
    user: *mut c_char,
    md5: *mut c_char,
    _argc: c_int,
    _argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("apop_login", null_mut(), || {
        // SAFETY: per the contract.
        let (c, u, m) = unsafe { (c_bytes(chal), c_bytes(user), c_bytes(md5)) };
        let (Some(c), Some(u), Some(m)) = (c, u, m) else {
            return null_mut();
        };
        let (u, a) = sasl::split_admin(u);
        let mut ret = null_mut();
        if let Some(secret) = md5_secret(sasl::secret_owner(u, a)) {
            let ok = sasl::md5_tries_left() && sasl::apop_ok(c, &secret.0, m);
            drop(secret);
            if ok && login_step(|_, _| login::authserver_login(u, a)) {
                // SAFETY: myusername answers a library-owned C string.
                ret = c_string_from(unsafe { c_bytes(my_user_name()) }.unwrap_or(b""));
            } else if sasl::md5_tries_left() {
                sasl::spend_md5_try();
            }
        }
        if ret.is_null() {
            stdio::sleep(login::FAILURE_DELAY);
        }
        ret
    })
}

/// `mail_auth`: runs the server half of `mechanism` with `resp` as the
/// responder; NULL when there is none, it is disabled, or it is not
/// secure while plaintext is disabled.
///
/// # Safety
/// `mechanism` NUL-terminated; `resp` a server responder.
#[no_mangle]
pub unsafe extern "C" fn mail_auth(
    mechanism: *mut c_char,
    resp: authresponse_t,
    argc: c_int,
    argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("mail_auth", null_mut(), || {
        // SAFETY: per the contract.
        let Some(mech) = (unsafe { c_bytes(mechanism) }) else {
            return null_mut();
        };
        let mut a = super::registry::authenticators();
        // SAFETY: walking the chain of linked authenticator records.
        unsafe {
            while !a.is_null() {
                let name = c_bytes((*a).name).unwrap_or(b"");
                if let Some(server) = (*a).server {
                    if name.eq_ignore_ascii_case(mech) {
                        let flags = (*a).flags;
                        let allowed = flags & AU_DISABLE == 0
                            && (flags & AU_SECURE != 0
                                || crate::env::params::number(
                                    crate::env::params::Owner::Env,
                                    GET_DISABLEPLAINTEXT,
                                ) == 0);
                        return if allowed {
                            server(resp, argc, argv)
                        } else {
                            null_mut()
                        };
                    }
                }
                a = (*a).next;
            }
        }
        null_mut()
    })
}
