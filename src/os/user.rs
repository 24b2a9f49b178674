//! The password database and the process's identity, copied out of the C
//! library's records so callers never hold its static storage.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;

/// One password entry, the fields the mail environment reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passwd {
    pub name: Vec<u8>,
    pub home: Vec<u8>,
    pub gecos: Vec<u8>,
    pub uid: u32,
    pub gid: u32,
}

fn bytes_of(p: *const c_char) -> Vec<u8> {
    if p.is_null() {
        return Vec::new();
    }
    // SAFETY: a non-null field of a passwd record is a NUL-terminated
    // string inside the buffer the lookup filled, alive for this call.
    unsafe { CStr::from_ptr(p).to_bytes().to_vec() }
}

/// Runs a reentrant lookup (`getpwuid_r`/`getpwnam_r`) with a buffer that
/// grows while the C library says it is too small.
fn lookup(
    call: impl Fn(*mut libc::passwd, *mut c_char, usize, *mut *mut libc::passwd) -> i32,
) -> Option<Passwd> {
    let mut size = 1024usize;
    loop {
        let mut buf = vec![0 as c_char; size];
        // SAFETY: an all-zero passwd is a valid value (null pointers, zero ids).
        let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = call(&mut pw, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == libc::ERANGE && size < (1 << 20) {
            size *= 4;
            continue;
        }
        if rc != 0 || result.is_null() {
            return None;
        }
        return Some(Passwd {
            name: bytes_of(pw.pw_name),
            home: bytes_of(pw.pw_dir),
            gecos: bytes_of(pw.pw_gecos),
            uid: pw.pw_uid,
            gid: pw.pw_gid,
        });
    }
}

/// The entry of user id `uid` (`getpwuid`).
pub fn by_uid(uid: u32) -> Option<Passwd> {
    lookup(|pw, buf, len, result| {
        // SAFETY: every pointer refers to storage `lookup` owns for the call.
        unsafe { libc::getpwuid_r(uid, pw, buf, len, result) }
    })
}

/// The entry of login name `name` (`getpwnam`); None for a name with a NUL.
pub fn by_name(name: &[u8]) -> Option<Passwd> {
    let name = CString::new(name).ok()?;
    lookup(|pw, buf, len, result| {
        // SAFETY: `name` is NUL-terminated; the rest is storage `lookup` owns.
        unsafe { libc::getpwnam_r(name.as_ptr(), pw, buf, len, result) }
    })
}

/// The effective user id (`geteuid`).
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

extern "C" {
    fn getlogin_r(buf: *mut c_char, size: usize) -> i32;
}

/// The name logged in on the controlling terminal (`getlogin`), if any.
pub fn login_name() -> Option<Vec<u8>> {
    let mut buf = [0 as c_char; 256];
    // SAFETY: getlogin_r writes at most buf.len() bytes, NUL included.
    let rc = unsafe { getlogin_r(buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let name = bytes_of(buf.as_ptr());
    (!name.is_empty()).then_some(name)
}

/// Closes the password database (`endpwent`), as the original does after
/// its lookups so no descriptor on the shadow data stays open.
pub fn close_database() {
    // SAFETY: endpwent has no preconditions.
    unsafe { libc::endpwent() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_and_name_lookups_agree() {
        let me = by_uid(effective_uid()).expect("own passwd entry");
        let again = by_name(&me.name).expect("lookup by name");
        assert_eq!(again.uid, me.uid);
        assert_eq!(again.home, me.home);
        assert!(by_name(b"no such user \x01").is_none());
        assert!(by_name(b"a\0b").is_none());
    }
}
