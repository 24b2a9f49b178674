//! Client sides of the SASL authenticators (`auth_log`, `auth_pla`,
//! `auth_md5`, `auth_ext`) and `hmac_md5`, following the original's
//! exchange: challenge, `mm_login`, response, final challenge check.

use std::os::raw::{c_char, c_long, c_ulong, c_void};

use super::bindings::*;
use super::memory::c_bytes;

const PWDLEN: usize = MAILTMPLEN as usize;

/// One challenge from the server (None: the exchange ended).
pub(super) unsafe fn challenge(ch: authchallenge_t, stream: *mut c_void) -> Option<Vec<u8>> {
    let f = ch?;
    let mut len: c_ulong = 0;
    // SAFETY: the driver's challenger with its own stream.
    let p = unsafe { f(stream, &mut len) };
    if p.is_null() {
        return None;
    }
    // SAFETY: the challenger returns `len` bytes from fs_get.
    let v = unsafe { std::slice::from_raw_parts(p as *const u8, len as usize) }.to_vec();
    let mut q = p;
    // SAFETY: ours to free.
    unsafe { super::memory::fs_give(&mut q) };
    Some(v)
}

pub(super) unsafe fn respond(rs: authrespond_t, stream: *mut c_void, data: Option<&[u8]>) -> bool {
    let Some(f) = rs else { return false };
    // SAFETY: the driver's responder; a NULL response cancels.
    unsafe {
        match data {
            None => f(stream, std::ptr::null_mut(), 0) != 0,
            Some(d) => f(stream, d.as_ptr() as *mut c_char, d.len() as c_ulong) != 0,
        }
    }
}

/// Asks the application for user and password; None if it gave none.
unsafe fn login(mb: *mut NETMBX, user: *mut c_char, trial: c_ulong) -> Option<Vec<u8>> {
    let mut pwd = [0 as c_char; PWDLEN];
    // SAFETY: user is the caller's NETMAXUSER buffer, pwd is MAILTMPLEN.
    unsafe { super::callbacks::mm_login(mb, user, pwd.as_mut_ptr(), trial as c_long) };
    let v: Vec<u8> = pwd
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    pwd.fill(0);
    (!v.is_empty()).then_some(v)
}

unsafe fn user_bytes(user: *mut c_char) -> Vec<u8> {
    // SAFETY: NUL-terminated buffer of the caller.
    unsafe { c_bytes(user) }.unwrap_or(b"").to_vec()
}

/// The shared end: send `response`, then a further challenge means failure.
unsafe fn finish(
    rs: authrespond_t,
    ch: authchallenge_t,
    stream: *mut c_void,
    response: &[u8],
    trial: *mut c_ulong,
) -> c_long {
    // SAFETY: forwarded.
    unsafe {
        if respond(rs, stream, Some(response)) && challenge(ch, stream).is_none() {
            *trial += 1;
            return 1;
        }
    }
    0
}

macro_rules! client {
    ($name:ident, |$ch:ident, $rs:ident, $mb:ident, $stream:ident, $trial:ident, $user:ident| $body:block) => {
        /// Client side of the authenticator of the same name.
        ///
        /// # Safety
        /// Called by a protocol driver with its challenger, responder,
        /// NETMBX, stream, trial counter and NETMAXUSER user buffer.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            $ch: authchallenge_t,
            $rs: authrespond_t,
            _service: *mut c_char,
            $mb: *mut NETMBX,
            $stream: *mut c_void,
            $trial: *mut c_ulong,
            $user: *mut c_char,
        ) -> c_long {
            super::guard(stringify!($name), 0, || {
                if $trial.is_null() || $user.is_null() || $mb.is_null() {
                    return 0;
                }
                // SAFETY: per the contract.
                let ret: c_long = unsafe { $body };
                if ret == 0 {
                    // SAFETY: checked above.
                    unsafe { *$trial = 65535 };
                }
                ret
            })
        }
    };
}

client!(auth_login_client, |ch, rs, mb, stream, trial, user| {
    if challenge(ch, stream).is_none() {
        0
    } else {
        match login(mb, user, *trial) {
            None => {
                respond(rs, stream, None);
                *trial = 0;
                1
            }
            Some(pwd) => {
                let u = user_bytes(user);
                if respond(rs, stream, Some(&u)) && challenge(ch, stream).is_some() {
                    finish(rs, ch, stream, &pwd, trial)
                } else {
                    0
                }
            }
        }
    }
});

client!(auth_plain_client, |ch, rs, mb, stream, trial, user| {
    if (*mb).sslflag() == 0 && (*mb).tlsflag() == 0 {
        super::log(
            "SECURITY PROBLEM: insecure server advertised AUTH=PLAIN",
            WARN,
        );
    }
    match challenge(ch, stream) {
        None => 0,
        Some(c) => {
            let mut ret = 0;
            if !c.is_empty() {
                super::log("Server bug: non-empty initial PLAIN challenge", WARN);
                respond(rs, stream, None);
                ret = 1;
            }
            match login(mb, user, *trial) {
                None => {
                    respond(rs, stream, None);
                    *trial = 0;
                    1
                }
                Some(pwd) => {
                    let u = String::from_utf8_lossy(&user_bytes(user)).into_owned();
                    let au: Vec<u8> = (*mb)
                        .authuser
                        .iter()
                        .take_while(|&&c| c != 0)
                        .map(|&c| c as u8)
                        .collect();
                    let r =
                        crate::net::sasl::plain_response(&u, &String::from_utf8_lossy(&au), &pwd);
                    finish(rs, ch, stream, &r, trial).max(ret)
                }
            }
        }
    }
});

client!(auth_md5_client, |ch, rs, mb, stream, trial, user| {
    match challenge(ch, stream) {
        None => 0,
        Some(c) => match login(mb, user, *trial) {
            None => {
                respond(rs, stream, None);
                *trial = 0;
                1
            }
            Some(pwd) => {
                let u = user_bytes(user);
                let mut r = u[..u.len().min(65)].to_vec();
                r.push(b' ');
                r.extend_from_slice(crate::net::sasl::hmac_md5_hex(&c, &pwd).as_bytes());
                finish(rs, ch, stream, &r, trial)
            }
        },
    }
});

client!(auth_external_client, |ch, rs, mb, stream, trial, user| {
    *trial = 65535;
    if challenge(ch, stream).is_none() {
        0
    } else {
        let u: Vec<u8> = (*mb)
            .user
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        std::ptr::copy_nonoverlapping(u.as_ptr(), user as *mut u8, u.len());
        *user.add(u.len()) = 0;
        if respond(rs, stream, Some(&u)) && challenge(ch, stream).is_none() {
            1
        } else {
            0
        }
    }
});

/// `hmac_md5`: HMAC-MD5 of `text` under `key` in lower-case hex, in a
/// buffer that the next call overwrites (as the original's static one).
///
/// # Safety
/// `text` and `key` must hold `tl` and `kl` bytes.
#[no_mangle]
pub unsafe extern "C" fn hmac_md5(
    text: *mut c_char,
    tl: c_ulong,
    key: *mut c_char,
    kl: c_ulong,
) -> *mut c_char {
    super::guard("hmac_md5", std::ptr::null_mut(), || {
        static mut BUF: [u8; 33] = [0; 33];
        let bytes = |p: *mut c_char, n: c_ulong| -> &[u8] {
            if p.is_null() || n == 0 {
                &[]
            } else {
                // SAFETY: per the contract.
                unsafe { std::slice::from_raw_parts(p as *const u8, n as usize) }
            }
        };
        let hex = crate::net::sasl::hmac_md5_hex(bytes(text, tl), bytes(key, kl));
        // SAFETY: the process-wide result buffer, as in the original (not
        // reentrant there either).
        unsafe {
            let b = std::ptr::addr_of_mut!(BUF) as *mut u8;
            std::ptr::copy_nonoverlapping(hex.as_ptr(), b, 32);
            *b.add(32) = 0;
            b as *mut c_char
        }
    })
}

/// Client half shared by XOAUTH2 and OAUTHBEARER (ours, reached only
/// through `/auth=`): the token is the password `mm_login` gives. An error
/// challenge after the response (the server's JSON report) is answered as
/// the mechanism asks, and the server then fails the command.
unsafe fn oauth_client(
    m: crate::net::Mechanism,
    ch: authchallenge_t,
    rs: authrespond_t,
    mb: *mut NETMBX,
    stream: *mut c_void,
    trial: *mut c_ulong,
    user: *mut c_char,
) -> c_long {
    use crate::net::sasl::{Credentials, SaslClient};
    // SAFETY: per the authenticator contract, checked non-NULL by the
    // macro's wrapper.
    unsafe {
        let Some(c) = challenge(ch, stream) else {
            return 0;
        };
        let Some(token) = login(mb, user, *trial) else {
            respond(rs, stream, None);
            *trial = 0;
            return 1;
        };
        let text = |b: &[c_char]| -> String {
            let v: Vec<u8> = b
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            String::from_utf8_lossy(&v).into_owned()
        };
        let creds = Credentials {
            user: String::from_utf8_lossy(&user_bytes(user)).into_owned(),
            authuser: text(&(*mb).authuser),
            secret: token,
            host: text(&(*mb).host),
            port: (*mb).port as u16,
        };
        let Ok(mut client) = SaslClient::new(m, creds) else {
            return 0;
        };
        let Ok(r) = client.step(&c) else { return 0 };
        if !respond(rs, stream, Some(&r)) {
            return 0;
        }
        if let Some(err) = challenge(ch, stream) {
            let Ok(r) = client.step(&err) else { return 0 };
            if !respond(rs, stream, Some(&r)) || challenge(ch, stream).is_some() {
                return 0;
            }
        }
        *trial += 1;
        1
    }
}

macro_rules! oauth_authenticator {
    ($name:ident, $mech:expr) => {
        /// Client half of an authenticator outside the library's list (not
        /// exported; the POP3 and send-stream drivers call it for `/auth=`).
        ///
        /// # Safety
        /// As the other client halves.
        pub(super) unsafe extern "C" fn $name(
            ch: authchallenge_t,
            rs: authrespond_t,
            _service: *mut c_char,
            mb: *mut NETMBX,
            stream: *mut c_void,
            trial: *mut c_ulong,
            user: *mut c_char,
        ) -> c_long {
            super::guard(stringify!($name), 0, || {
                if trial.is_null() || user.is_null() || mb.is_null() {
                    return 0;
                }
                // SAFETY: per the contract.
                let ret = unsafe { oauth_client($mech, ch, rs, mb, stream, trial, user) };
                if ret == 0 {
                    // SAFETY: checked above.
                    unsafe { *trial = 65535 };
                }
                ret
            })
        }
    };
}

oauth_authenticator!(auth_xoauth2_client, crate::net::Mechanism::XOAuth2);
oauth_authenticator!(auth_oauthbearer_client, crate::net::Mechanism::OAuthBearer);

/// The authenticator a `/auth=` choice names: the library's own for the
/// registered mechanisms (NULL if unlinked or disabled), ours for the OAuth ones.
pub(super) fn forced_authenticator(m: crate::net::Mechanism) -> *mut AUTHENTICATOR {
    use crate::net::Mechanism;
    match m {
        Mechanism::XOAuth2 => std::ptr::addr_of_mut!(super::data::AUTH_XOAUTH2),
        Mechanism::OAuthBearer => std::ptr::addr_of_mut!(super::data::AUTH_OAUTHBEARER),
        _ => {
            let z = [m.name().as_bytes(), b"\0"].concat();
            // SAFETY: NUL-terminated; the chain holds static records.
            unsafe {
                let a = super::registry::find_authenticator(z.as_ptr() as *const c_char);
                // One the program disabled is not used either.
                if a.is_null() || (*a).flags & AU_DISABLE != 0 {
                    std::ptr::null_mut()
                } else {
                    a
                }
            }
        }
    }
}
