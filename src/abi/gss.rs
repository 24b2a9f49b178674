//! The GSSAPI (Kerberos V) authenticator `auth_gss` and the Kerberos
//! helpers of the original's `kerb_mit` port: `auth_gssapi_valid`,
//! `auth_gssapi_client`, `auth_gssapi_client_work`, `auth_gssapi_server`,
//! `kerberos_server_valid`, `kerberos_try_kinit`, `kerberos_login`.
//!
//! The exchange is RFC 4752's, as the original runs it: the client asks
//! for mutual authentication, integrity and replay detection; after the
//! context the server offers "no security layer" with an 8192-byte
//! maximum, and the client answers with that layer and its authorization
//! identity (the user). The Kerberos libraries are loaded at run time
//! (`crate::os::krb5`); without them GSSAPI is not valid, as on a system
//! without Kerberos.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::ptr::null_mut;

use super::auth::{challenge, respond as client_respond};
use super::bindings::*;
use super::memory::c_bytes;
use super::GssBuffer;
use crate::os::krb5 as k;
use crate::server::login::NETMAXUSER;

/// Security layer "none" of RFC 4752.
const P_NONE: u8 = 1;
/// The maximum message size the server offers.
const C_MAXSIZE: u32 = 8192;

fn log_warn(text: &[u8]) {
    let c = CString::new(
        text.iter()
            .copied()
            .filter(|&b| b != 0)
            .collect::<Vec<u8>>(),
    )
    .unwrap_or_default();
    // SAFETY: the application's callback with a NUL-terminated string.
    unsafe { super::callbacks::mm_log(c.as_ptr() as *mut c_char, WARN) };
}

fn server_log(text: &[u8]) {
    crate::os::syslog::log(libc::LOG_ALERT, text);
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn service_name() -> Vec<u8> {
    // SAFETY: a GET of a string parameter.
    let p = unsafe { super::params::mail_parameters(null_mut(), GET_SERVICENAME, null_mut()) };
    // SAFETY: the library keeps the string while it is set.
    unsafe { c_bytes(p as *const c_char) }
        .unwrap_or(b"unknown")
        .to_vec()
}

fn my_user() -> Vec<u8> {
    // SAFETY: a library-owned C string (or NULL).
    unsafe { c_bytes(super::server::my_user_name()) }
        .unwrap_or(b"")
        .to_vec()
}

/// `kerberos_server_valid`: T when the default keytab can be read (in
/// practice: the process is root and `/etc/krb5.keytab`, or
/// `KRB5_KTNAME`, exists).
#[no_mangle]
pub extern "C" fn kerberos_server_valid() -> c_long {
    super::guard("kerberos_server_valid", 0, || {
        c_long::from(k::default_keytab_usable())
    })
}

/// `kerberos_try_kinit`: T when the mechanism error means the user has no
/// ticket or an expired one (running kinit may help).
#[no_mangle]
pub extern "C" fn kerberos_try_kinit(error: u32) -> c_long {
    super::guard("kerberos_try_kinit", 0, || {
        let e = error as i32;
        c_long::from(
            e == k::KRB5KRB_AP_ERR_TKT_EXPIRED
                || e == k::KRB5_FCC_NOFILE
                || e == k::KRB5_CC_NOTFOUND,
        )
    })
}

/// `kerberos_login`: logs in `user` (the authorization identity) when the
/// local account of the Kerberos principal `authuser` may log in as it
/// (itself, or a `mailadm` member); the user name, or NULL.
///
/// # Safety
/// Strings NULL or NUL-terminated; `user` writable (it may be
/// lower-cased, as the original does).
#[no_mangle]
pub unsafe extern "C" fn kerberos_login(
    user: *mut c_char,
    authuser: *mut c_char,
    argc: c_int,
    argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("kerberos_login", null_mut(), || {
        // SAFETY: per the contract.
        let Some(a) = (unsafe { c_bytes(authuser) }) else {
            return null_mut();
        };
        if user.is_null() {
            return null_mut();
        }
        let Some(kuser) = k::principal_local_name(a, NETMAXUSER) else {
            return null_mut();
        };
        let Ok(kc) = CString::new(kuser) else {
            return null_mut();
        };
        let kp = kc.as_ptr() as *mut c_char;
        // SAFETY: NUL-terminated strings; lcase works in place on the
        // caller's writable string. As the original, the lower-cased name
        // is tried after the name as given.
        unsafe {
            if super::server::authserver_login(user, kp, argc, argv) != 0
                || super::server::authserver_login(
                    super::misc::lcase(user as *mut u8) as *mut c_char,
                    kp,
                    argc,
                    argv,
                ) != 0
            {
                return super::server::my_user_name();
            }
        }
        null_mut()
    })
}

/// Whether the GSSAPI server half must be removed (no usable keytab).
pub fn gss_server_unavailable() -> bool {
    !k::default_keytab_usable()
}

/// `auth_gssapi_valid`: T when a host-based service name can be made (the
/// Kerberos libraries are there); removes the server half when there is
/// no keytab.
#[no_mangle]
pub extern "C" fn auth_gssapi_valid() -> c_long {
    super::guard("auth_gssapi_valid", 0, || {
        // SAFETY: mylocalhost answers a library-owned C string.
        let host = unsafe { c_bytes(super::env::mylocalhost()) }
            .unwrap_or(b"")
            .to_vec();
        let Ok(_name) = k::import_service_name(&cat(&[&service_name(), b"@", &host])) else {
            return 0;
        };
        if gss_server_unavailable() {
            // SAFETY: the library's own record; programs link
            // authenticators before any other thread runs.
            unsafe { (*std::ptr::addr_of_mut!(super::data::auth_gss)).server = None };
        }
        1
    })
}

/// `auth_gssapi_client`: the client half: an empty first challenge, then
/// the Kerberos exchange for the user's own identity.
///
/// # Safety
/// The driver's challenger/responder and stream; `mb` a parsed mailbox;
/// `trial` writable; `user` a NETMAXUSER buffer.
#[no_mangle]
pub unsafe extern "C" fn auth_gssapi_client(
    challenger: authchallenge_t,
    responder: authrespond_t,
    service: *mut c_char,
    mb: *mut NETMBX,
    stream: *mut c_void,
    trial: *mut c_ulong,
    user: *mut c_char,
) -> c_long {
    super::guard("auth_gssapi_client", 0, || {
        // SAFETY: a GET of a function parameter.
        let ki = unsafe { super::params::mail_parameters(null_mut(), GET_KINIT, null_mut()) };
        // SAFETY: GET_KINIT answers a kinit_t or NULL.
        let ki: kinit_t = unsafe { std::mem::transmute::<*mut c_void, kinit_t>(ki) };
        // SAFETY: per the contract.
        unsafe {
            if !trial.is_null() {
                *trial = 65535;
            }
            let Some(chal) = challenge(challenger, stream) else {
                return 0;
            };
            let authuser = c_bytes((*mb).authuser.as_ptr()).unwrap_or(b"");
            if !chal.is_empty() {
                log_warn(b"Server bug: non-empty initial GSSAPI challenge");
                client_respond(responder, stream, None);
                1
            } else if !authuser.is_empty() && authuser != my_user().as_slice() {
                log_warn(b"Can't use Kerberos: invalid /authuser");
                client_respond(responder, stream, None);
                1
            } else {
                client_work(challenger, responder, service, mb, stream, user, ki)
            }
        }
    })
}

/// `auth_gssapi_client_work`: the Kerberos exchange after the first
/// challenge (`chal`, freed here), retried once through `ki` when the
/// credentials are missing or expired and the application can kinit.
///
/// # Safety
/// As `auth_gssapi_client`; `chal.value` NULL or from fs_get.
#[no_mangle]
pub unsafe extern "C" fn auth_gssapi_client_work(
    challenger: authchallenge_t,
    chal: GssBuffer,
    responder: authrespond_t,
    service: *mut c_char,
    mb: *mut NETMBX,
    stream: *mut c_void,
    user: *mut c_char,
    ki: kinit_t,
) -> c_long {
    super::guard("auth_gssapi_client_work", 0, || {
        if !chal.value.is_null() {
            let mut v = chal.value;
            // SAFETY: the challenge came from the challenger (fs_get).
            unsafe { super::memory::fs_give(&mut v) };
        }
        // SAFETY: forwarded per the contract.
        unsafe { client_work(challenger, responder, service, mb, stream, user, ki) }
    })
}

fn block_notify(reason: c_int, data: *mut c_void) -> *mut c_void {
    // SAFETY: a GET of a function parameter.
    let bn = unsafe { super::params::mail_parameters(null_mut(), GET_BLOCKNOTIFY, null_mut()) };
    // SAFETY: GET_BLOCKNOTIFY answers a blocknotify_t or NULL.
    let bn: blocknotify_t = unsafe { std::mem::transmute::<*mut c_void, blocknotify_t>(bn) };
    match bn {
        // SAFETY: the application's (or the library's) hook.
        Some(f) => unsafe { f(reason, data) },
        None => null_mut(),
    }
}

fn log_status_texts(major: k::Om, minor: k::Om, first: &[u8]) {
    for t in k::status_texts(major, true) {
        log_warn(&cat(&[first, &t]));
    }
    for t in k::status_texts(minor, false) {
        log_warn(&cat(&[b"GSSAPI mechanism status: ", &t]));
    }
}

fn trunc(b: &[u8], n: usize) -> &[u8] {
    &b[..b.len().min(n)]
}

unsafe fn client_work(
    challenger: authchallenge_t,
    responder: authrespond_t,
    service: *mut c_char,
    mb: *mut NETMBX,
    stream: *mut c_void,
    user: *mut c_char,
    ki: kinit_t,
) -> c_long {
    // SAFETY: per the callers' contracts.
    let (svc, host) = unsafe {
        (
            c_bytes(service).unwrap_or(b"").to_vec(),
            c_bytes((*mb).host.as_ptr()).unwrap_or(b"").to_vec(),
        )
    };
    let cancel = || {
        // SAFETY: the driver's responder; NULL cancels the exchange.
        unsafe { client_respond(responder, stream, None) };
    };
    let Ok(target) = k::import_service_name(&cat(&[&svc, b"@", &host])) else {
        log_warn(b"Can't import Kerberos service name");
        cancel();
        return 0;
    };
    let mut ctx = k::Ctx::new();
    let data = block_notify(BLOCK_SENSITIVE, null_mut());
    let (mut st, mut token) = k::init_step(&mut ctx, &target, None);
    block_notify(BLOCK_NONSENSITIVE, data);
    let mut ret = 0;
    while st.major == k::GSS_S_CONTINUE_NEEDED {
        // SAFETY: the driver's responder and challenger.
        let next = unsafe {
            if client_respond(responder, stream, Some(&token)) {
                challenge(challenger, stream)
            } else {
                None
            }
        };
        match next {
            Some(c) => {
                let data = block_notify(BLOCK_SENSITIVE, null_mut());
                (st, token) = k::init_step(&mut ctx, &target, Some(&c));
                block_notify(BLOCK_NONSENSITIVE, data);
            }
            None => {
                log_warn(b"Error in negotiating Kerberos continuation");
                cancel();
                ctx = k::Ctx::new();
                break;
            }
        }
    }
    let kinit = |reason: &[u8]| -> bool {
        let Some(f) = ki else { return false };
        let r = CString::new(
            reason
                .iter()
                .copied()
                .filter(|&b| b != 0)
                .collect::<Vec<u8>>(),
        )
        .unwrap_or_default();
        let h = CString::new(host.clone()).unwrap_or_default();
        // SAFETY: the application's kinit hook with two C strings.
        unsafe { f(h.as_ptr() as *mut c_char, r.as_ptr() as *mut c_char) != 0 }
    };
    match st.major {
        k::GSS_S_COMPLETE => {
            // SAFETY: the driver's responder and challenger.
            let offer = unsafe {
                if client_respond(responder, stream, Some(&token)) {
                    challenge(challenger, stream)
                } else {
                    None
                }
            };
            let layer = offer
                .and_then(|c| k::unwrap(&ctx, &c))
                .filter(|(m, _)| m.len() >= 4 && m[0] & P_NONE != 0);
            if let Some((m, qop)) = layer {
                // SAFETY: per the contract: mb parsed, user a NETMAXUSER
                // buffer.
                let name = unsafe {
                    let mu = c_bytes((*mb).user.as_ptr()).unwrap_or(b"").to_vec();
                    let name = if mu.is_empty() { my_user() } else { mu };
                    let name = trunc(&name, NETMAXUSER - 1).to_vec();
                    std::ptr::copy_nonoverlapping(name.as_ptr(), user as *mut u8, name.len());
                    *user.add(name.len()) = 0;
                    name
                };
                let mut msg = vec![P_NONE, m[1], m[2], m[3]];
                msg.extend_from_slice(&name);
                match k::wrap(&ctx, qop, &msg) {
                    Ok(w) => {
                        // SAFETY: the driver's responder.
                        if unsafe { client_respond(responder, stream, Some(&w)) } {
                            ret = 1;
                        }
                    }
                    Err(e) => {
                        log_status_texts(e.major, e.minor, b"Unknown gss_wrap failure: ");
                        cancel();
                    }
                }
            }
        }
        k::GSS_S_CREDENTIALS_EXPIRED => {
            if kinit(b"Kerberos credentials expired") {
                // SAFETY: forwarded.
                ret =
                    unsafe { client_work(challenger, responder, service, mb, stream, user, None) };
            } else {
                log_warn(&cat(&[
                    b"Kerberos credentials expired (try running kinit) for ",
                    &host,
                ]));
                cancel();
            }
        }
        k::GSS_S_FAILURE => {
            let texts = k::status_texts(st.minor, false);
            let try_kinit = kerberos_try_kinit(st.minor) != 0;
            if texts.is_empty() {
                cancel();
            }
            let last = texts.len().saturating_sub(1);
            for (i, t) in texts.iter().enumerate() {
                if i == last {
                    if try_kinit && kinit(t) {
                        // SAFETY: forwarded.
                        ret = unsafe {
                            client_work(challenger, responder, service, mb, stream, user, None)
                        };
                        break;
                    }
                    cancel();
                }
                let line = if try_kinit {
                    cat(&[
                        b"Kerberos error: ",
                        trunc(t, 80),
                        b" (try running kinit) for ",
                        trunc(&host, 80),
                    ])
                } else {
                    cat(&[b"GSSAPI failure: ", t, b" for ", trunc(&host, 80)])
                };
                log_warn(&line);
            }
        }
        _ => {
            log_status_texts(st.major, st.minor, b"Unknown GSSAPI failure: ");
            cancel();
        }
    }
    ret
}

/// `auth_gssapi_server`: the server half: accepts the client's context for
/// "<service>@<this host's name>", offers no security layer, and logs in
/// the authorization identity the client names through `kerberos_login`.
///
/// # Safety
/// `responder` a server responder.
#[no_mangle]
pub unsafe extern "C" fn auth_gssapi_server(
    responder: authresponse_t,
    argc: c_int,
    argv: *mut *mut c_char,
) -> *mut c_char {
    super::guard("auth_gssapi_server", null_mut(), || {
        // SAFETY: tcp_serverhost answers a library-owned C string.
        let host = unsafe { c_bytes(super::server::tcp_serverhost()) }
            .unwrap_or(b"")
            .to_vec();
        let Ok(crname) = k::import_service_name(&cat(&[&service_name(), b"@", &host])) else {
            return null_mut();
        };
        let cred = match k::acquire_accept_cred(&crname) {
            Ok(c) => c,
            Err(e) => {
                if let Some(n) = k::display_name(&crname) {
                    server_log(&cat(&[b"Failed to acquire credentials for ", &n]));
                }
                if e.major != k::GSS_S_FAILURE {
                    for t in k::status_texts(e.major, true) {
                        server_log(&cat(&[b"Unknown GSSAPI failure: ", &t]));
                    }
                }
                for t in k::status_texts(e.minor, false) {
                    server_log(&cat(&[b"GSSAPI mechanism status: ", &t]));
                }
                return null_mut();
            }
        };
        let respond = |c: &[u8]| super::server::respond(responder, c, c.len());
        let Some(mut resp) = respond(b"") else {
            return null_mut();
        };
        let mut ctx = k::Ctx::new();
        let mut client = None;
        let mut st;
        loop {
            let (s, out, name) = k::accept_step(&mut ctx, &cred, &resp);
            st = s;
            if name.is_some() {
                client = name;
            }
            let mut more = None;
            if (st.major == k::GSS_S_COMPLETE || st.major == k::GSS_S_CONTINUE_NEEDED)
                && !out.is_empty()
            {
                more = respond(&out);
            }
            match more {
                Some(r) if !r.is_empty() && st.major == k::GSS_S_CONTINUE_NEEDED => resp = r,
                _ => break,
            }
        }
        if st.major != k::GSS_S_COMPLETE {
            return null_mut();
        }
        let Some(principal) = client.as_ref().and_then(k::display_name) else {
            return null_mut();
        };
        let mut offer = C_MAXSIZE.to_be_bytes();
        offer[0] = P_NONE;
        let Ok(wrapped) = k::wrap(&ctx, 0, &offer) else {
            return null_mut();
        };
        let answer = respond(&wrapped).unwrap_or_default();
        let Some((m, _)) = k::unwrap(&ctx, &answer) else {
            return null_mut();
        };
        if m.len() > 4 && m.len() < (MAILTMPLEN as usize) - 1 && m[0] & P_NONE != 0 {
            let authz: Vec<u8> = m[4..].iter().copied().take_while(|&b| b != 0).collect();
            let (Ok(mut u), Ok(a)) = (
                CString::new(authz).map(CString::into_bytes_with_nul),
                CString::new(principal),
            ) else {
                return null_mut();
            };
            // SAFETY: two NUL-terminated strings; u is writable.
            return unsafe {
                kerberos_login(
                    u.as_mut_ptr() as *mut c_char,
                    a.as_ptr() as *mut c_char,
                    argc,
                    argv,
                )
            };
        }
        null_mut()
    })
}
