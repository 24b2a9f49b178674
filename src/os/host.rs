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

/// The name reverse DNS gives for an address (getnameinfo with NI_NAMEREQD),
/// None when there is none.
pub fn reverse_name(ip: &std::net::IpAddr) -> Option<String> {
    let mut host = [0 as c_char; 1025];
    let rc = match ip {
        std::net::IpAddr::V4(v4) => {
            // SAFETY: an all-zero sockaddr_in is valid; we fill family and address.
            let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sa.sin_family = libc::AF_INET as libc::sa_family_t;
            sa.sin_addr.s_addr = u32::from_ne_bytes(v4.octets());
            // SAFETY: sa and host are valid for the sizes given.
            unsafe {
                libc::getnameinfo(
                    &sa as *const libc::sockaddr_in as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NAMEREQD,
                )
            }
        }
        std::net::IpAddr::V6(v6) => {
            // SAFETY: an all-zero sockaddr_in6 is valid; we fill family and address.
            let mut sa: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
            sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sa.sin6_addr.s6_addr = v6.octets();
            // SAFETY: sa and host are valid for the sizes given.
            unsafe {
                libc::getnameinfo(
                    &sa as *const libc::sockaddr_in6 as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NAMEREQD,
                )
            }
        }
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: getnameinfo succeeded, so host holds a NUL-terminated name.
    let name = unsafe { CStr::from_ptr(host.as_ptr()) };
    Some(name.to_string_lossy().into_owned())
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
