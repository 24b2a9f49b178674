//! Server logins: `server_login`, `authserver_login`, `anonymous_login`,
//! the password check of the `PASSWDTYPE` chosen at build time
//! (`checkpw`), and the change of identity after a login (`loginpw`).
//!
//! Rules kept from the original:
//! - a user or authentication name of NETMAXUSER (65) bytes or more is a
//!   break-in attempt: logged at LOG_ALERT, and no further login works in
//!   the session;
//! - each `server_login` spends one attempt (`set allowed-login-attempts`,
//!   3 by default); with none left it fails ("excessive login failures");
//! - `disable-plaintext` set: every plaintext login fails ("disabled");
//! - with a CRAM-MD5 password file (CRAM-MD5 server enabled), plaintext
//!   passwords are checked against that file, not the system's;
//! - a password beginning with a space is tried without it if the whole
//!   one fails;
//! - a failure is logged ("Login failed user=... auth=... host=...") and
//!   costs three seconds;
//! - root (uid 0) never logs in; an authentication name other than the
//!   user must be a member of group `mailadm`;
//! - after the check the process becomes the user (setgid, initgroups,
//!   setuid), or chroots first into the home on a closed-box server.

use crate::env::params::{self, Owner};
use crate::env::user::{self, Fatal};
use crate::os::server as sys;
use crate::os::user::{self as pwdb, Passwd};

/// NETMAXUSER of the original.
pub const NETMAXUSER: usize = 65;
/// The account anonymous users run as.
pub const ANONYMOUS_USER: &[u8] = b"nobody";
/// Group whose members may log in as another user.
pub const ADMIN_GROUP: &[u8] = b"mailadm";
/// Seconds a failed login costs.
pub const FAILURE_DELAY: u32 = 3;

/// The password back end this library was built with (`PASSWDTYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// crypt(3) against the passwd and shadow entries (`std`, `psx`).
    Std,
    /// PAM (`pam`, `pmb`).
    Pam,
    /// No plaintext passwords at all (`nul`).
    Nul,
}

/// The back end this library is linked with: the password back end object
/// (`ports/passwd/ckp_<type>.rs`) chosen at link time; `pmb` is PAM whose
/// conversation does not rely on PAM's application data pointer.
pub fn backend() -> Backend {
    match crate::os::passwd::linked_type() {
        b"std" => Backend::Std,
        b"pam" | b"pmb" => Backend::Pam,
        // "nul", or an object this library does not know: nothing passes.
        _ => Backend::Nul,
    }
}

/// An `mm_notify` the caller should deliver (text, WARN level or not).
pub type Notice = (Vec<u8>, bool);

/// What the C layer knows that the core does not.
pub struct Context<'a> {
    /// Whether the CRAM-MD5 server is enabled (its password file exists).
    pub md5_enabled: bool,
    /// Reads a user's CRAM-MD5 password.
    pub md5_password: &'a dyn Fn(&[u8]) -> Option<sasl_secret::Secret>,
}

/// Secrets wiped when dropped.
pub mod sasl_secret {
    /// A password, zeroed when dropped.
    pub struct Secret(pub Vec<u8>);
    impl Drop for Secret {
        fn drop(&mut self) {
            self.0.fill(0);
            // Keeps the wipe from being dropped as a dead store.
            std::hint::black_box(&self.0);
            std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Constant-time equality of two byte strings (the length may leak).
pub fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `pwuser`: the passwd entry of `name`, or of its lower-case form when
/// the name has upper-case letters and the exact one is unknown.
pub fn pw_user(name: &[u8]) -> Option<Passwd> {
    pwdb::by_name(name).or_else(|| {
        if name.iter().any(|c| c.is_ascii_uppercase()) {
            pwdb::by_name(&name.to_ascii_lowercase())
        } else {
            None
        }
    })
}

/// Days since 1970-01-01 in local time (the unit of shadow dates).
fn local_days_now() -> i64 {
    use crate::os::clock;
    let now = clock::now();
    let secs = |t: clock::BrokenTime| {
        // Days from the civil date, so the zone offset survives a change
        // of day between local time and UTC.
        let y = i64::from(t.year) + 1900;
        let days = (y - 1970) * 365 + ((y - 1969).div_euclid(4)) - ((y - 1901).div_euclid(100))
            + ((y - 1601).div_euclid(400))
            + i64::from(t.yday);
        days * 86_400 + i64::from(t.hour) * 3600 + i64::from(t.min) * 60 + i64::from(t.sec)
    };
    match (clock::local(now), clock::utc(now)) {
        (Some(l), Some(u)) => (now + secs(l) - secs(u)).div_euclid(86_400),
        _ => now.div_euclid(86_400),
    }
}

/// `checkpw` for `PASSWDTYPE=std`: crypt(3) against the passwd entry's own
/// hash, else the shadow entry's (which must be neither expired nor
/// locked); warnings about an expiring password or account are queued.
pub fn check_std(pw: &Passwd, pass: &[u8], notices: &mut Vec<Notice>) -> bool {
    let field = sys::passwd_field(&pw.name).unwrap_or_default();
    if field.len() >= 2 {
        if let Some(h) = sys::crypt_hash(pass, &field) {
            if same(&h, &field) {
                return true;
            }
        }
    }
    let Some(sp) = sys::shadow_entry(&pw.name) else {
        return false;
    };
    let now = local_days_now();
    let usable = sp.last_change != 0
        && (sp.last_change < 0 || sp.max <= 0 || sp.last_change + sp.max >= now)
        && (sp.expire <= 0 || sp.expire >= now)
        && sp.hash.len() >= 2;
    if !usable {
        return false;
    }
    let ok = sys::crypt_hash(pass, &sp.hash).is_some_and(|h| same(&h, &sp.hash));
    if ok {
        if sp.last_change > 0 && sp.max > 0 {
            let left = sp.last_change + sp.max - now;
            if left <= sp.warn {
                notices.push(if left != 0 {
                    (
                        format!("[ALERT] Password expires in {left} day(s)").into_bytes(),
                        false,
                    )
                } else {
                    (b"[ALERT] Password expires today!".to_vec(), true)
                });
            }
        }
        if sp.expire > 0 {
            let left = sp.expire - now;
            if left < 28 {
                notices.push(if left != 0 {
                    (
                        format!("[ALERT] Account expires in {left} day(s)").into_bytes(),
                        false,
                    )
                } else {
                    (b"[ALERT] Account expires today!".to_vec(), true)
                });
            }
        }
    }
    ok
}

static SERVICE_NAME: std::sync::Mutex<Option<Vec<u8>>> = std::sync::Mutex::new(None);

/// Records the program's service name (`SET_SERVICENAME`, a pointer the
/// library keeps, read by the C layer before each login).
pub fn set_service_name(name: Option<Vec<u8>>) {
    *SERVICE_NAME.lock().unwrap_or_else(|e| e.into_inner()) = name;
}

/// The PAM service name (`SET_SERVICENAME`; "unknown" when never set).
fn service_name() -> Vec<u8> {
    SERVICE_NAME
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| b"unknown".to_vec())
}

/// `checkpw`: the built-in back end's verdict on `pass` for `pw`.
pub fn check_password(pw: &Passwd, pass: &[u8], notices: &mut Vec<Notice>) -> bool {
    match backend() {
        Backend::Std => check_std(pw, pass, notices),
        Backend::Pam => {
            let ok = check_pam(pw, pass);
            // PAM modules may reopen the log with their own identity.
            sys::reopen_log(super::server_name().as_deref(), super::SYSLOG_FACILITY);
            ok
        }
        Backend::Nul => false,
    }
}

/// PAM's verdict; after a success the handle stays open until the logout
/// hook the original arms (`GET_LOGOUTHOOK` with `GET_LOGOUTDATA`), which
/// deletes the credentials. As in the original, a later login replaces
/// the hook's data (the earlier handle is not ended: the program may
/// already have called the hook for it).
fn check_pam(pw: &Passwd, pass: &[u8]) -> bool {
    use crate::os::pam;
    let pmb = crate::os::passwd::linked_type() == b"pmb";
    let Some(h) = pam::authenticate(&service_name(), &pw.name, pass, &super::client_addr(), pmb)
    else {
        return false;
    };
    if let (Some(hook), Some(data)) = (
        params::entry(Owner::Env, LOGOUTHOOK),
        params::entry(Owner::Env, LOGOUTDATA),
    ) {
        params::store(hook, pam::logout_hook_address());
        params::store(data, h);
    }
    true
}

/// `GET_LOGOUTHOOK` and `GET_LOGOUTDATA`.
const LOGOUTHOOK: i64 = 225;
const LOGOUTDATA: i64 = 227;

/// `valpwd`: the passwd entry of `user` if `pwd` is its password, from the
/// CRAM-MD5 file when that is enabled, else from the back end; a password
/// with a leading space is tried again without it.
fn valid_password(
    user: &[u8],
    pwd: &[u8],
    cx: &Context,
    notices: &mut Vec<Notice>,
) -> Option<Passwd> {
    if cx.md5_enabled {
        let secret = (cx.md5_password)(user)?;
        let s = &secret.0;
        let ok = same(s, pwd) || (pwd.len() > 1 && pwd[0] == b' ' && same(s, &pwd[1..]));
        return if ok { pw_user(user) } else { None };
    }
    let pw = pw_user(user)?;
    if pwd.is_empty() {
        return None;
    }
    if check_password(&pw, pwd, notices) {
        return Some(pw);
    }
    if pwd[0] == b' ' && pwd.len() > 1 {
        let again = pw_user(&pw.name)?;
        if check_password(&again, &pwd[1..], notices) {
            return Some(again);
        }
    }
    None
}

fn log_auth(level: i32, text: String) {
    crate::os::syslog::log(level | libc::LOG_AUTH, text.as_bytes());
}

fn trunc(b: &[u8], n: usize) -> String {
    String::from_utf8_lossy(&b[..b.len().min(n)]).into_owned()
}

/// `server_login`: the plaintext login of `user` with `pwd`, as
/// `authuser` when given (an administrator logging in as `user`).
pub fn server_login(
    user: &[u8],
    pwd: &[u8],
    authuser: Option<&[u8]>,
    cx: &Context,
    notices: &mut Vec<Notice>,
) -> Result<bool, Fatal> {
    let authuser = authuser.filter(|a| !a.is_empty());
    let mut level = libc::LOG_NOTICE;
    let mut err = "failed";
    let mut pw = None;
    if user.len() >= NETMAXUSER || authuser.is_some_and(|a| a.len() >= NETMAXUSER) {
        level = libc::LOG_ALERT;
        err = "SYSTEM BREAK-IN ATTEMPT";
        user::forfeit_login_tries();
    } else if user::spend_login_try() <= 0 {
        err = "excessive login failures";
    } else if params::number(Owner::Env, 211) != 0 {
        err = "disabled";
    } else if let Some(a) = authuser {
        if valid_password(a, pwd, cx, notices).is_some() {
            pw = pw_user(user);
        }
    } else {
        pw = valid_password(user, pwd, cx, notices);
    }
    if let Some(p) = pw {
        let name = p.name.clone();
        if pw_login(Some(p), authuser, Some(&name), None)? {
            return Ok(true);
        }
    }
    log_auth(
        level,
        format!(
            "Login {err} user={} auth={} host={}",
            trunc(user, 64),
            trunc(authuser.unwrap_or(user), 64),
            trunc(&super::client_host(), 80)
        ),
    );
    sys::sleep(FAILURE_DELAY);
    Ok(false)
}

/// `authserver_login`: logs `user` in after an authenticator vouched for
/// it (`authuser`: who authenticated).
pub fn authserver_login(user: &[u8], authuser: Option<&[u8]>) -> Result<bool, Fatal> {
    pw_login(pw_user(user), authuser, Some(user), None)
}

/// `anonymous_login`: logs in as the anonymous account with the
/// anonymous home (`GET_ANONYMOUSHOME`).
pub fn anonymous_login() -> Result<bool, Fatal> {
    let home = user::anonymous_home();
    pw_login(pwdb::by_name(ANONYMOUS_USER), None, None, Some(&home))
}

/// `loginpw`: becomes the user of `pw` (group, supplementary groups, user).
pub fn become_user(pw: &Passwd) -> bool {
    sys::become_user(&pw.name, pw.uid, pw.gid)
}

/// `pw_login`: finishes a login: refuses root, checks an administrator
/// override, changes identity (chroot first on a closed-box server) and
/// sets the environment up.
pub fn pw_login(
    pw: Option<Passwd>,
    auser: Option<&[u8]>,
    user: Option<&[u8]>,
    home: Option<&[u8]>,
) -> Result<bool, Fatal> {
    let mut ret = false;
    if let Some(pw) = pw.filter(|p| p.uid != 0) {
        let user: Option<Vec<u8>> = user.map(|_| pw.name.clone());
        let home: Vec<u8> = home.map_or_else(|| pw.home.clone(), |h| h.to_vec());
        let auser = auser.filter(|a| !a.is_empty());
        match (&user, auser) {
            (Some(u), Some(a)) if !a.eq_ignore_ascii_case(u) => {
                if sys::group_members(ADMIN_GROUP)
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(a))
                {
                    ret = pw_login(Some(pw.clone()), None, Some(u), Some(&home))?;
                }
                log_auth(
                    libc::LOG_NOTICE,
                    format!(
                        "{} {} override of user={} host={}",
                        if ret { "Admin" } else { "Failed" },
                        trunc(a, 80),
                        trunc(u, 80),
                        trunc(&super::client_host(), 80)
                    ),
                );
            }
            _ if user::closed_box() => {
                if !sys::chdir_chroot(&home) {
                    log_auth(
                        libc::LOG_NOTICE,
                        format!(
                            "Login {} failed: unable to set chroot={} host={}",
                            trunc(&pw.name, 80),
                            trunc(&home, 80),
                            trunc(&super::client_host(), 80)
                        ),
                    );
                } else if become_user(&pw) {
                    ret = user::env_init(user.as_deref(), None)?;
                } else {
                    return Err(Fatal("Login failed after chroot"));
                }
            }
            _ => {
                if (pw.uid == pwdb::effective_uid() || become_user(&pw))
                    && user::env_init(user.as_deref(), Some(&home))?
                {
                    ret = true;
                    sys::chdir(&user::home_dir_or_empty());
                }
            }
        }
    }
    pwdb::close_database();
    Ok(ret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypt_and_constant_time_compare() {
        let h = b"$6$saltsalt$cibYGUzQsDA/egMtxhQa0JeR0fd8rOv6WJUjNJ3W1s9y6o99GdjAsvXUYedeGilzUgT//eNmCtMCe2prmoT2t1";
        let got = sys::crypt_hash(b"Srv-Pass-1", h).expect("crypt knows SHA-512");
        assert!(same(&got, h));
        let bad = sys::crypt_hash(b"Srv-Pass-2", h).expect("crypt knows SHA-512");
        assert!(!same(&bad, h));
        let h5 = b"$5$abcdefgh$ijtOJ//yvc/9bq1g0llFn9dB688BwBDRD90DlKKSKE1";
        assert!(same(&sys::crypt_hash(b"pw", h5).unwrap(), h5));
        // A locked or empty hash never matches.
        assert!(sys::crypt_hash(b"pw", b"!").is_none_or(|x| !same(&x, b"!")));
        assert!(!same(b"abc", b"abcd"));
        assert!(same(b"", b""));
    }

    #[test]
    fn user_lookup_folds_case() {
        let me = crate::os::user::by_uid(crate::os::user::effective_uid()).unwrap();
        assert_eq!(pw_user(&me.name).unwrap().uid, me.uid);
        if me.name.iter().all(|c| c.is_ascii_lowercase()) {
            assert_eq!(pw_user(&me.name.to_ascii_uppercase()).unwrap().uid, me.uid);
        }
        assert!(pw_user(b"no such user here").is_none());
    }
}
