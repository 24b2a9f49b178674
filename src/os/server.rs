//! What a server started by inetd needs from the system: the C library's
//! stdio streams on descriptors 0 and 1 (the original's plain server I/O is
//! stdio, and programs may mix their own stdio calls with it), waiting for
//! input, the socket names of standard input, syslog identity, umask,
//! process identity changes, crypt(3), shadow entries and sleeping.

use std::ffi::{CStr, CString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::raw::{c_char, c_int, c_void};

extern "C" {
    static mut stdin: *mut libc::FILE;
    static mut stdout: *mut libc::FILE;
    static mut stderr: *mut libc::FILE;
}

fn stdin_file() -> *mut libc::FILE {
    // SAFETY: glibc's `stdin` is initialised before main and only read here.
    unsafe { stdin }
}

fn stdout_file() -> *mut libc::FILE {
    // SAFETY: glibc's `stdout` is initialised before main and only read here.
    unsafe { stdout }
}

/// `getchar()`: the next byte of standard input, or -1 at end or error.
pub fn stdin_getc() -> i32 {
    // SAFETY: stdin is a valid FILE for the life of the process.
    unsafe { libc::fgetc(stdin_file()) }
}

/// `fgets` into `buf` (at least 1 byte): the count of bytes read before the
/// NUL it stores, or None at end of file or error with nothing read.
pub fn stdin_gets(buf: &mut [u8]) -> Option<usize> {
    if buf.is_empty() {
        return None;
    }
    let n = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
    // SAFETY: fgets writes at most n bytes (NUL included) into buf.
    let r = unsafe { libc::fgets(buf.as_mut_ptr() as *mut c_char, n, stdin_file()) };
    if r.is_null() {
        return None;
    }
    Some(buf.iter().position(|&b| b == 0).unwrap_or(buf.len() - 1))
}

/// `fread` until `buf` is full, retrying after interrupts: whether it was.
pub fn stdin_read_exact(buf: &mut [u8]) -> bool {
    let mut done = 0;
    while done < buf.len() {
        clear_errno();
        // SAFETY: reads at most the remaining length into buf.
        let n = unsafe {
            libc::fread(
                buf[done..].as_mut_ptr() as *mut c_void,
                1,
                buf.len() - done,
                stdin_file(),
            )
        };
        if n == 0 {
            if errno() == libc::EINTR {
                // SAFETY: stdin is valid; clears the error flag set by EINTR.
                unsafe { libc::clearerr(stdin_file()) };
                continue;
            }
            return false;
        }
        done += n;
    }
    true
}

/// `putchar(c)`: c, or -1 on error.
pub fn stdout_putc(c: i32) -> i32 {
    // SAFETY: stdout is valid for the life of the process.
    unsafe { libc::fputc(c, stdout_file()) }
}

/// `fputs` of `s` (no NUL inside): a non-negative number, or -1.
pub fn stdout_puts(s: &[u8]) -> i32 {
    if s.is_empty() {
        return 0;
    }
    if stdout_write(s) {
        1
    } else {
        -1
    }
}

/// `fwrite` of all of `s`, retrying after interrupts: whether all went.
pub fn stdout_write(s: &[u8]) -> bool {
    let mut done = 0;
    while done < s.len() {
        clear_errno();
        // SAFETY: writes the remaining bytes of s.
        let n = unsafe {
            libc::fwrite(
                s[done..].as_ptr() as *const c_void,
                1,
                s.len() - done,
                stdout_file(),
            )
        };
        if n == 0 {
            if errno() == libc::EINTR {
                // SAFETY: stdout is valid.
                unsafe { libc::clearerr(stdout_file()) };
                continue;
            }
            return false;
        }
        done += n;
    }
    true
}

/// `fflush(stdout)`: 0, or -1 on error.
pub fn stdout_flush() -> i32 {
    // SAFETY: stdout is valid.
    unsafe { libc::fflush(stdout_file()) }
}

/// Closes stderr (`fclose(stderr)`), as the original's server start does.
pub fn close_stderr() {
    // SAFETY: stderr is valid; after this no code of ours writes to it.
    unsafe { libc::fclose(stderr) };
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn clear_errno() {
    // SAFETY: __errno_location returns this thread's errno slot.
    unsafe { *libc::__errno_location() = 0 };
}

/// Waits up to `seconds` for input (or an exceptional condition) on `fd`;
/// like the original's `select` test, an error counts as "ready".
pub fn wait_readable(fd: i32, seconds: i64) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN | libc::POLLPRI,
        revents: 0,
    };
    let ms = seconds.clamp(0, i64::from(i32::MAX) / 1000) as i32 * 1000;
    // SAFETY: one pollfd, owned here.
    unsafe { libc::poll(&mut pfd, 1, ms) != 0 }
}

fn sockaddr_to_std(ss: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match c_int::from(ss.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            Some(SocketAddr::new(IpAddr::V4(ip), u16::from_be(sin.sin_port)))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            Some(SocketAddr::new(
                IpAddr::V6(ip),
                u16::from_be(sin6.sin6_port),
            ))
        }
        _ => None,
    }
}

fn socket_name(fd: i32, peer: bool) -> Option<SocketAddr> {
    // SAFETY: an all-zero sockaddr_storage is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let p = &mut ss as *mut _ as *mut libc::sockaddr;
    // SAFETY: the storage and its length are ours.
    let rc = unsafe {
        if peer {
            libc::getpeername(fd, p, &mut len)
        } else {
            libc::getsockname(fd, p, &mut len)
        }
    };
    if rc != 0 {
        return None;
    }
    sockaddr_to_std(&ss)
}

/// The peer of socket `fd` (`getpeername`), None if `fd` is no socket.
pub fn peer_address(fd: i32) -> Option<SocketAddr> {
    socket_name(fd, true)
}

/// The local name of socket `fd` (`getsockname`).
pub fn local_address(fd: i32) -> Option<SocketAddr> {
    socket_name(fd, false)
}

/// `openlog(ident, LOG_PID, facility)`; the identity string is kept for
/// the life of the process, as syslog keeps its pointer.
pub fn open_log(ident: &[u8], facility: i32) {
    let c = CString::new(
        ident
            .iter()
            .copied()
            .filter(|&b| b != 0)
            .collect::<Vec<u8>>(),
    )
    .unwrap_or_default();
    let leaked: &'static CStr = Box::leak(c.into_boxed_c_str());
    // SAFETY: the identity string lives for the rest of the process.
    unsafe { libc::openlog(leaked.as_ptr(), libc::LOG_PID, facility) };
}

/// Re-opens the log with the identity given to `open_log` before, if any
/// (PAM modules may have changed it).
pub fn reopen_log(ident: Option<&[u8]>, facility: i32) {
    if let Some(i) = ident {
        open_log(i, facility);
    }
}

/// `umask(mask)`: the previous mask.
pub fn set_umask(mask: u32) -> u32 {
    // SAFETY: umask has no preconditions.
    unsafe { libc::umask(mask as libc::mode_t) as u32 }
}

/// `setgid`, `initgroups`, `setuid` for the logged-in user: whether all
/// three worked.
pub fn become_user(name: &[u8], uid: u32, gid: u32) -> bool {
    let Ok(cname) = CString::new(name) else {
        return false;
    };
    // SAFETY: plain system calls; cname is NUL-terminated.
    unsafe {
        libc::setgid(gid) == 0
            && libc::initgroups(cname.as_ptr(), gid) == 0
            && libc::setuid(uid) == 0
    }
}

/// `chdir(dir)` then `chroot(dir)`: whether both worked.
pub fn chdir_chroot(dir: &[u8]) -> bool {
    let Ok(c) = CString::new(dir) else {
        return false;
    };
    // SAFETY: c is NUL-terminated.
    unsafe { libc::chdir(c.as_ptr()) == 0 && libc::chroot(c.as_ptr()) == 0 }
}

/// `chdir(dir)`: whether it worked.
pub fn chdir(dir: &[u8]) -> bool {
    let Ok(c) = CString::new(dir) else {
        return false;
    };
    // SAFETY: c is NUL-terminated.
    unsafe { libc::chdir(c.as_ptr()) == 0 }
}

#[link(name = "crypt")]
extern "C" {
    fn crypt(key: *const c_char, salt: *const c_char) -> *mut c_char;
}

/// `crypt(3)` of `key` with `salt` (a stored hash): the result, None when
/// crypt refuses (unknown method, NUL inside).
pub fn crypt_hash(key: &[u8], salt: &[u8]) -> Option<Vec<u8>> {
    let k = CString::new(key).ok()?;
    let s = CString::new(salt).ok()?;
    // SAFETY: both NUL-terminated; the result is crypt's static buffer,
    // copied out at once (servers are single-threaded).
    unsafe {
        let r = crypt(k.as_ptr(), s.as_ptr());
        if r.is_null() {
            return None;
        }
        let out = CStr::from_ptr(r).to_bytes().to_vec();
        // A failed crypt returns "*0" or "*1" (libxcrypt): not a hash.
        if out.first() == Some(&b'*') {
            return None;
        }
        Some(out)
    }
}

/// One shadow entry, the fields the password check reads.
pub struct Shadow {
    pub hash: Vec<u8>,
    pub last_change: i64,
    pub max: i64,
    pub warn: i64,
    pub expire: i64,
}

/// The shadow entry of `name` (`getspnam`), closing the database after.
pub fn shadow_entry(name: &[u8]) -> Option<Shadow> {
    let c = CString::new(name).ok()?;
    // SAFETY: c is NUL-terminated; the record is copied out before
    // endspent releases it.
    unsafe {
        let sp = libc::getspnam(c.as_ptr());
        let r = if sp.is_null() {
            None
        } else {
            let sp = &*sp;
            Some(Shadow {
                hash: if sp.sp_pwdp.is_null() {
                    Vec::new()
                } else {
                    CStr::from_ptr(sp.sp_pwdp).to_bytes().to_vec()
                },
                last_change: sp.sp_lstchg as i64,
                max: sp.sp_max as i64,
                warn: sp.sp_warn as i64,
                expire: sp.sp_expire as i64,
            })
        };
        libc::endspent();
        r
    }
}

/// The password field of `name`'s passwd entry (usually "x").
pub fn passwd_field(name: &[u8]) -> Option<Vec<u8>> {
    let c = CString::new(name).ok()?;
    // SAFETY: c is NUL-terminated; the field is copied out at once.
    unsafe {
        let pw = libc::getpwnam(c.as_ptr());
        if pw.is_null() || (*pw).pw_passwd.is_null() {
            return None;
        }
        Some(CStr::from_ptr((*pw).pw_passwd).to_bytes().to_vec())
    }
}

/// The members of group `name` (`getgrnam`).
pub fn group_members(name: &[u8]) -> Vec<Vec<u8>> {
    let Ok(c) = CString::new(name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // SAFETY: c is NUL-terminated; the member list is a NULL-terminated
    // array of strings, copied out at once.
    unsafe {
        let gr = libc::getgrnam(c.as_ptr());
        if !gr.is_null() {
            let mut m = (*gr).gr_mem;
            while !m.is_null() && !(*m).is_null() {
                out.push(CStr::from_ptr(*m).to_bytes().to_vec());
                m = m.add(1);
            }
        }
    }
    out
}

/// `sleep(seconds)`.
pub fn sleep(seconds: u32) {
    // SAFETY: sleep has no preconditions.
    unsafe { libc::sleep(seconds) };
}

/// The process id.
pub fn pid() -> u32 {
    std::process::id()
}

/// The port of a TCP service in /etc/services (`getservbyname`).
pub fn service_port(name: &[u8]) -> Option<u16> {
    let c = CString::new(name).ok()?;
    // SAFETY: both strings NUL-terminated; the entry is read at once.
    unsafe {
        let sv = libc::getservbyname(c.as_ptr(), c"tcp".as_ptr());
        if sv.is_null() {
            return None;
        }
        Some(u16::from_be((*sv).s_port as u16))
    }
}

/// Installs `handler` (a C function address, 0 for none) for `sig` the way
/// `arm_signal` does.
pub fn arm(sig: i32, handler: usize) -> usize {
    crate::os::lock::arm_signal(sig, handler)
}

/// `read(fd, buf)`: bytes read, 0 at end, an error otherwise (EINTR is
/// retried).
pub fn fd_read(fd: i32, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        // SAFETY: reads at most buf.len() bytes into buf.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// `write(fd, buf)`: bytes written (EINTR is retried).
pub fn fd_write(fd: i32, buf: &[u8]) -> std::io::Result<usize> {
    loop {
        // SAFETY: writes at most buf.len() bytes from buf.
        let n = unsafe { libc::write(fd, buf.as_ptr() as *const c_void, buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// `grim_pid_reap_status` (the `waitpid` flavour of the Linux ports): with
/// `kill` the child gets SIGHUP first; then waits for `pid` until it is
/// reaped or there is no such child, leaving its status in `status` when
/// that is given.
pub fn reap_child(pid: i32, kill: bool, status: Option<&mut i32>) {
    if kill {
        // SAFETY: kill has no memory preconditions.
        unsafe { libc::kill(pid, libc::SIGHUP) };
    }
    let mut local = 0;
    let st: *mut i32 = match status {
        Some(s) => s,
        None => &mut local,
    };
    loop {
        // SAFETY: st points at an int alive for the call.
        if unsafe { libc::waitpid(pid, st, 0) } >= 0 || errno() == libc::ECHILD {
            break;
        }
    }
}
