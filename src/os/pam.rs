//! PAM (`PASSWDTYPE=pam`/`pmb`): one password check through a PAM service,
//! answering the conversation with the user name (echoed prompts) and the
//! password (hidden prompts), as the original's checkpw does.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicPtr, Ordering};

#[repr(C)]
struct PamMessage {
    msg_style: c_int,
    msg: *const c_char,
}

#[repr(C)]
struct PamResponse {
    resp: *mut c_char,
    resp_retcode: c_int,
}

type ConvFn = unsafe extern "C" fn(
    c_int,
    *mut *const PamMessage,
    *mut *mut PamResponse,
    *mut c_void,
) -> c_int;

#[repr(C)]
struct PamConv {
    conv: Option<ConvFn>,
    appdata_ptr: *mut c_void,
}

const PAM_SUCCESS: c_int = 0;
const PAM_CONV_ERR: c_int = 19;
const PAM_PROMPT_ECHO_OFF: c_int = 1;
const PAM_PROMPT_ECHO_ON: c_int = 2;
const PAM_ERROR_MSG: c_int = 3;
const PAM_TEXT_INFO: c_int = 4;
const PAM_RHOST: c_int = 4;
const PAM_CONV: c_int = 5;
const PAM_ESTABLISH_CRED: c_int = 0x2;
const PAM_DELETE_CRED: c_int = 0x4;

type StartFn =
    unsafe extern "C" fn(*const c_char, *const c_char, *const PamConv, *mut *mut c_void) -> c_int;
type SetItemFn = unsafe extern "C" fn(*mut c_void, c_int, *const c_void) -> c_int;
type FlagsFn = unsafe extern "C" fn(*mut c_void, c_int) -> c_int;

/// The functions of `libpam.so.0`, loaded at the first PAM check (the
/// `std` and `nul` variants of the library never load it).
struct Lib {
    start: StartFn,
    set_item: SetItemFn,
    authenticate: FlagsFn,
    acct_mgmt: FlagsFn,
    setcred: FlagsFn,
    end: FlagsFn,
}

fn load_lib() -> Option<Lib> {
    // SAFETY: a NUL-terminated library name; the handle is never closed.
    let h = unsafe { libc::dlopen(c"libpam.so.0".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if h.is_null() {
        return None;
    }
    let sym = |name: &std::ffi::CStr| {
        // SAFETY: a live handle and a NUL-terminated symbol name.
        let p = unsafe { libc::dlsym(h, name.as_ptr()) };
        (!p.is_null()).then_some(p)
    };
    // SAFETY (each transmute): the symbol is Linux-PAM's function of this
    // prototype (security/pam_appl.h).
    unsafe {
        Some(Lib {
            start: std::mem::transmute::<*mut c_void, StartFn>(sym(c"pam_start")?),
            set_item: std::mem::transmute::<*mut c_void, SetItemFn>(sym(c"pam_set_item")?),
            authenticate: std::mem::transmute::<*mut c_void, FlagsFn>(sym(c"pam_authenticate")?),
            acct_mgmt: std::mem::transmute::<*mut c_void, FlagsFn>(sym(c"pam_acct_mgmt")?),
            setcred: std::mem::transmute::<*mut c_void, FlagsFn>(sym(c"pam_setcred")?),
            end: std::mem::transmute::<*mut c_void, FlagsFn>(sym(c"pam_end")?),
        })
    }
}

fn lib() -> Option<&'static Lib> {
    static LIB: std::sync::OnceLock<Option<Lib>> = std::sync::OnceLock::new();
    LIB.get_or_init(load_lib).as_ref()
}

struct Cred {
    user: CString,
    pass: CString,
}

/// The conversation: echoed prompts get the user name, hidden prompts the
/// password, messages an empty answer; anything else fails.
unsafe extern "C" fn conversation(
    n: c_int,
    msgs: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    data: *mut c_void,
) -> c_int {
    // SAFETY: per PAM's contract, passed on.
    unsafe { answer(n, msgs, resp, data as *const Cred) }
}

/// The credentials of the check under way for `pmb`, whose conversation
/// does not rely on PAM handing its application data back (the stacks the
/// original's ckp_pmb is for); set only during one check.
static PMB_CRED: AtomicPtr<Cred> = AtomicPtr::new(std::ptr::null_mut());

/// The `pmb` conversation: the credentials from PMB_CRED, `data` ignored.
unsafe extern "C" fn conversation_pmb(
    n: c_int,
    msgs: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    _data: *mut c_void,
) -> c_int {
    // SAFETY: per PAM's contract, passed on; PMB_CRED points at the Cred
    // of the running check (or is NULL).
    unsafe { answer(n, msgs, resp, PMB_CRED.load(Ordering::SeqCst)) }
}

/// Answers `n` messages with `cred` (NULL: a conversation error).
///
/// # Safety
/// `msgs` and `resp` as PAM passes them; `cred` NULL or alive.
unsafe fn answer(
    n: c_int,
    msgs: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    cred: *const Cred,
) -> c_int {
    if n <= 0 || msgs.is_null() || resp.is_null() || cred.is_null() {
        return PAM_CONV_ERR;
    }
    let n = n as usize;
    // SAFETY: cred is the Cred of the check under way, alive during it.
    let cred = unsafe { &*cred };
    // SAFETY: PAM frees the array and the strings with free(), so they
    // come from calloc/strdup; msgs holds n valid message pointers (Linux
    // PAM's layout).
    unsafe {
        let reply = libc::calloc(n, std::mem::size_of::<PamResponse>()) as *mut PamResponse;
        if reply.is_null() {
            return PAM_CONV_ERR;
        }
        for i in 0..n {
            let m = *msgs.add(i);
            let r = &mut *reply.add(i);
            r.resp_retcode = PAM_SUCCESS;
            match if m.is_null() { -1 } else { (*m).msg_style } {
                PAM_PROMPT_ECHO_ON => r.resp = libc::strdup(cred.user.as_ptr()),
                PAM_PROMPT_ECHO_OFF => r.resp = libc::strdup(cred.pass.as_ptr()),
                PAM_TEXT_INFO | PAM_ERROR_MSG => r.resp = std::ptr::null_mut(),
                _ => {
                    for j in 0..i {
                        let p = (*reply.add(j)).resp;
                        if !p.is_null() {
                            libc::free(p as *mut c_void);
                        }
                    }
                    libc::free(reply as *mut c_void);
                    return PAM_CONV_ERR;
                }
            }
        }
        *resp = reply;
    }
    PAM_SUCCESS
}

/// Authenticates `user` with `pass` through PAM service `service`
/// (`pam_authenticate`, `pam_acct_mgmt`, `pam_setcred`), the client's
/// address as PAM_RHOST. On success the handle stays open with the
/// credentials established, as the original keeps it for its logout hook:
/// its address is returned, to be handed to [`logout_hook`] (the
/// conversation is detached from the password first). On failure the
/// handle is ended. None also when libpam cannot be loaded.
///
/// With `pmb`, the conversation takes the credentials from a static
/// instead of PAM's application data pointer.
pub fn authenticate(
    service: &[u8],
    user: &[u8],
    pass: &[u8],
    rhost: &[u8],
    pmb: bool,
) -> Option<usize> {
    let (Ok(svc), Ok(u), Ok(p), Ok(rh)) = (
        CString::new(service),
        CString::new(user),
        CString::new(pass),
        CString::new(rhost),
    ) else {
        return None;
    };
    let pam = lib()?;
    let cred = Box::new(Cred {
        user: u.clone(),
        pass: p,
    });
    let cred_ptr = &*cred as *const Cred as *mut Cred;
    let conv = if pmb {
        PMB_CRED.store(cred_ptr, Ordering::SeqCst);
        PamConv {
            conv: Some(conversation_pmb),
            appdata_ptr: std::ptr::null_mut(),
        }
    } else {
        PamConv {
            conv: Some(conversation),
            appdata_ptr: cred_ptr as *mut c_void,
        }
    };
    let mut h: *mut c_void = std::ptr::null_mut();
    // SAFETY: all strings NUL-terminated; conv and cred outlive every call
    // that may converse: a kept handle gets a conversation without
    // credentials (PAM copies the pam_conv record) before cred is dropped.
    unsafe {
        if (pam.start)(svc.as_ptr(), u.as_ptr(), &conv, &mut h) != PAM_SUCCESS {
            if !h.is_null() {
                (pam.end)(h, PAM_SUCCESS);
            }
            PMB_CRED.store(std::ptr::null_mut(), Ordering::SeqCst);
            return None;
        }
        let ok = (pam.set_item)(h, PAM_RHOST, rh.as_ptr() as *const c_void) == PAM_SUCCESS
            && (pam.authenticate)(h, 0) == PAM_SUCCESS
            && (pam.acct_mgmt)(h, 0) == PAM_SUCCESS
            && (pam.setcred)(h, PAM_ESTABLISH_CRED) == PAM_SUCCESS;
        let detached = PamConv {
            conv: Some(conversation),
            appdata_ptr: std::ptr::null_mut(),
        };
        let kept = ok
            && (pam.set_item)(h, PAM_CONV, &detached as *const PamConv as *const c_void)
                == PAM_SUCCESS;
        if !kept {
            (pam.setcred)(h, PAM_DELETE_CRED);
            (pam.end)(h, PAM_SUCCESS);
        }
        PMB_CRED.store(std::ptr::null_mut(), Ordering::SeqCst);
        kept.then_some(h as usize)
    }
}

/// The logout hook for a handle [`authenticate`] kept (the original's PAM
/// cleanup: credentials deleted, handle ended). Programs call it through
/// `GET_LOGOUTHOOK` with `GET_LOGOUTDATA`, once.
///
/// # Safety
/// `h` is a handle returned by [`authenticate`], not yet ended (NULL is
/// ignored).
pub unsafe extern "C" fn logout_hook(h: *mut c_void) {
    if h.is_null() {
        return;
    }
    if let Some(pam) = lib() {
        // SAFETY: per the contract, a live handle of this library's PAM.
        unsafe {
            (pam.setcred)(h, PAM_DELETE_CRED);
            (pam.end)(h, PAM_SUCCESS);
        }
    }
}

/// The address of [`logout_hook`], as `SET_LOGOUTHOOK` stores it.
pub fn logout_hook_address() -> usize {
    logout_hook as unsafe extern "C" fn(*mut c_void) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a conversation of one echoed and one hidden prompt; the two
    /// answers, or None when the conversation fails.
    fn converse(f: ConvFn, data: *mut c_void) -> Option<(Vec<u8>, Vec<u8>)> {
        let m1 = PamMessage {
            msg_style: PAM_PROMPT_ECHO_ON,
            msg: c"login: ".as_ptr(),
        };
        let m2 = PamMessage {
            msg_style: PAM_PROMPT_ECHO_OFF,
            msg: c"Password: ".as_ptr(),
        };
        let mut msgs = [&m1 as *const PamMessage, &m2 as *const PamMessage];
        let mut resp: *mut PamResponse = std::ptr::null_mut();
        // SAFETY: two valid messages; the answers are read and freed here
        // as PAM would.
        unsafe {
            if f(2, msgs.as_mut_ptr(), &mut resp, data) != PAM_SUCCESS {
                return None;
            }
            let take = |i: usize| {
                let r = (*resp.add(i)).resp;
                let v = std::ffi::CStr::from_ptr(r).to_bytes().to_vec();
                libc::free(r as *mut c_void);
                v
            };
            let out = (take(0), take(1));
            libc::free(resp as *mut c_void);
            Some(out)
        }
    }

    #[test]
    fn pam_conversation_answers_from_its_data() {
        let cred = Cred {
            user: CString::new("fred").unwrap(),
            pass: CString::new("secret").unwrap(),
        };
        let data = &cred as *const Cred as *mut c_void;
        assert_eq!(
            converse(conversation, data),
            Some((b"fred".to_vec(), b"secret".to_vec()))
        );
        assert_eq!(converse(conversation, std::ptr::null_mut()), None);
    }

    #[test]
    fn pmb_conversation_ignores_the_data_pointer() {
        let cred = Cred {
            user: CString::new("wilma").unwrap(),
            pass: CString::new("pebbles").unwrap(),
        };
        // A stack that hands back something else than the data it got.
        let mut junk = 0u64;
        let junk = &mut junk as *mut u64 as *mut c_void;
        assert_eq!(converse(conversation_pmb, junk), None);
        PMB_CRED.store(&cred as *const Cred as *mut Cred, Ordering::SeqCst);
        let got = converse(conversation_pmb, junk);
        PMB_CRED.store(std::ptr::null_mut(), Ordering::SeqCst);
        assert_eq!(got, Some((b"wilma".to_vec(), b"pebbles".to_vec())));
    }
}
