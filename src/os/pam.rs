//! PAM (`PASSWDTYPE=pam`/`pmb`): one password check through a PAM service,
//! answering the conversation with the user name (echoed prompts) and the
//! password (hidden prompts), as the original's checkpw does.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};

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
const PAM_ESTABLISH_CRED: c_int = 0x2;
const PAM_DELETE_CRED: c_int = 0x4;

#[link(name = "pam")]
extern "C" {
    fn pam_start(
        service: *const c_char,
        user: *const c_char,
        conv: *const PamConv,
        pamh: *mut *mut c_void,
    ) -> c_int;
    fn pam_set_item(pamh: *mut c_void, item: c_int, value: *const c_void) -> c_int;
    fn pam_authenticate(pamh: *mut c_void, flags: c_int) -> c_int;
    fn pam_acct_mgmt(pamh: *mut c_void, flags: c_int) -> c_int;
    fn pam_setcred(pamh: *mut c_void, flags: c_int) -> c_int;
    fn pam_end(pamh: *mut c_void, status: c_int) -> c_int;
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
    if n <= 0 || msgs.is_null() || resp.is_null() || data.is_null() {
        return PAM_CONV_ERR;
    }
    let n = n as usize;
    // SAFETY: data is the Cred passed to pam_start, alive during the call.
    let cred = unsafe { &*(data as *const Cred) };
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
/// address as PAM_RHOST. Credentials are deleted and the handle ended
/// before returning.
pub fn authenticate(service: &[u8], user: &[u8], pass: &[u8], rhost: &[u8]) -> bool {
    let (Ok(svc), Ok(u), Ok(p), Ok(rh)) = (
        CString::new(service),
        CString::new(user),
        CString::new(pass),
        CString::new(rhost),
    ) else {
        return false;
    };
    let cred = Box::new(Cred {
        user: u.clone(),
        pass: p,
    });
    let conv = PamConv {
        conv: Some(conversation),
        appdata_ptr: &*cred as *const Cred as *mut c_void,
    };
    let mut h: *mut c_void = std::ptr::null_mut();
    // SAFETY: all strings NUL-terminated; conv and cred outlive the handle,
    // which is ended below on every path.
    unsafe {
        if pam_start(svc.as_ptr(), u.as_ptr(), &conv, &mut h) != PAM_SUCCESS {
            if !h.is_null() {
                pam_end(h, PAM_SUCCESS);
            }
            return false;
        }
        let ok = pam_set_item(h, PAM_RHOST, rh.as_ptr() as *const c_void) == PAM_SUCCESS
            && pam_authenticate(h, 0) == PAM_SUCCESS
            && pam_acct_mgmt(h, 0) == PAM_SUCCESS
            && pam_setcred(h, PAM_ESTABLISH_CRED) == PAM_SUCCESS;
        pam_setcred(h, PAM_DELETE_CRED);
        pam_end(h, PAM_SUCCESS);
        ok
    }
}
