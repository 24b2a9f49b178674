//! This machine's name and the resolver's canonical form of a host name.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;

/// `gethostname(buf, size)`: None on failure (a name that needs more than
/// `size` bytes with its NUL fails, as in the C library) or an empty name.
pub fn host_name(size: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; size + 1];
    let room = size;
    // SAFETY: gethostname writes at most `room` bytes; the last byte of
    // buf stays NUL so the result is always terminated.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr() as *mut c_char, room) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(room);
    buf.truncate(end);
    (!buf.is_empty()).then_some(buf)
}

/// The canonical name the resolver gives for `name` (getaddrinfo with
/// AI_CANONNAME, stream sockets, any family when `any_family`, else IPv4
/// only). A successful lookup without a canonical name answers `name`
/// itself. None when the lookup fails.
pub fn canonical_name(name: &[u8], any_family: bool) -> Option<Vec<u8>> {
    let c_name = CString::new(name).ok()?;
    // SAFETY: an all-zero addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = if any_family {
        libc::AF_UNSPEC
    } else {
        libc::AF_INET
    };
    hints.ai_socktype = libc::SOCK_STREAM;
    hints.ai_flags = libc::AI_CANONNAME;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: the name and hints are valid for the call; on success `list`
    // is a chain we own until freeaddrinfo.
    let rc = unsafe { libc::getaddrinfo(c_name.as_ptr(), std::ptr::null(), &hints, &mut list) };
    if rc != 0 || list.is_null() {
        return None;
    }
    // SAFETY: `list` is the first record of the chain getaddrinfo made; its
    // canonical name, when set, is a NUL-terminated string inside it. We
    // copy it out before freeing the chain once.
    let canonical = unsafe {
        let p = (*list).ai_canonname;
        let value = if p.is_null() {
            name.to_vec()
        } else {
            CStr::from_ptr(p).to_bytes().to_vec()
        };
        libc::freeaddrinfo(list);
        value
    };
    Some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_name_is_terminated_within_the_limit() {
        let full = host_name(256).expect("host name");
        assert!(!full.contains(&0));
        assert_eq!(host_name(full.len() + 1), Some(full.clone()));
        assert_eq!(host_name(full.len() - 1), None);
    }

    #[test]
    fn localhost_resolves() {
        assert!(canonical_name(b"localhost", true).is_some());
        assert!(canonical_name(b"a\0b", true).is_none());
    }
}
