//! The original's low-level IP helpers (`ip_*` of its `ip6_unix.c`), the
//! socket-level TCP helpers built on them (`tcp_socket_open`, `tcp_name`,
//! `tcp_isclienthost`), the `netmsg_*` scratch-file readers and the
//! `md5_*` functions with the caller-owned `MD5CONTEXT`. Everything here is
//! a thin layer over libc (resolver, sockets, stdio) or over
//! `crate::net::md5`.

use super::bindings::*;
use super::memory::{c_bytes, c_string_from, fs_get};
use crate::env::params::Owner;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_ushort, c_void};
use std::ptr::null_mut;
use std::sync::Mutex;

fn log(text: &[u8], level: c_long) {
    super::log_bytes(text, level);
}

/// Copies `text` (NUL-free, cut to `cap - 1`) into the caller's buffer.
///
/// # Safety
/// `dst` NULL or writable for `cap` bytes.
unsafe fn put_text(dst: *mut c_char, cap: usize, text: &[u8]) {
    if dst.is_null() || cap == 0 {
        return;
    }
    let n = text.len().min(cap - 1);
    // SAFETY: per the contract, `dst` holds `cap` bytes; n < cap.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), dst as *mut u8, n);
        *dst.add(n) = 0;
    }
}

const SADR4LEN: usize = std::mem::size_of::<libc::sockaddr_in>();
const SADR6LEN: usize = std::mem::size_of::<libc::sockaddr_in6>();
const SADRLEN: usize = std::mem::size_of::<libc::sockaddr_storage>();

/// `getnameinfo` of an IPv4/IPv6 socket address into `buf`.
///
/// # Safety
/// `sadr` readable for the length its family implies.
unsafe fn name_info(sadr: *const libc::sockaddr, flags: c_int) -> Option<Vec<u8>> {
    // SAFETY: per the contract; sa_family is the first field of any sockaddr.
    unsafe {
        let len = match c_int::from((*sadr).sa_family) {
            libc::AF_INET => SADR4LEN,
            libc::AF_INET6 => SADR6LEN,
            _ => return None,
        };
        let mut buf = [0 as c_char; libc::NI_MAXHOST as usize];
        let r = libc::getnameinfo(
            sadr,
            len as libc::socklen_t,
            buf.as_mut_ptr(),
            buf.len() as libc::socklen_t,
            null_mut(),
            0,
            flags,
        );
        (r == 0).then(|| CStr::from_ptr(buf.as_ptr()).to_bytes().to_vec())
    }
}

/// A buffer the original returns as `static char tmp[NI_MAXHOST]`.
struct StaticText(Box<[u8; libc::NI_MAXHOST as usize]>);

impl StaticText {
    fn set(&mut self, t: &[u8]) -> *mut c_char {
        let n = t.len().min(self.0.len() - 1);
        self.0[..n].copy_from_slice(&t[..n]);
        self.0[n] = 0;
        self.0.as_mut_ptr() as *mut c_char
    }
}

static ADDR_TEXT: Mutex<Option<StaticText>> = Mutex::new(None);
static NAME_TEXT: Mutex<Option<StaticText>> = Mutex::new(None);

fn keep(slot: &Mutex<Option<StaticText>>, t: &[u8]) -> *mut c_char {
    let mut g = slot.lock().unwrap_or_else(|e| e.into_inner());
    g.get_or_insert_with(|| StaticText(Box::new([0; libc::NI_MAXHOST as usize])))
        .set(t)
}

/// `ip_sockaddrtostring`: the numeric address, "NON-IP" for other
/// families (a buffer overwritten by the next call).
///
/// # Safety
/// `sadr` a valid socket address.
#[no_mangle]
pub unsafe extern "C" fn ip_sockaddrtostring(sadr: *mut c_void) -> *mut c_char {
    super::guard("ip_sockaddrtostring", null_mut(), || {
        if sadr.is_null() {
            return c"NON-IP".as_ptr() as *mut c_char;
        }
        // SAFETY: per the contract.
        match unsafe { name_info(sadr as *const libc::sockaddr, libc::NI_NUMERICHOST) } {
            Some(t) => keep(&ADDR_TEXT, &t),
            None => c"NON-IP".as_ptr() as *mut c_char,
        }
    })
}

/// `ip_sockaddrtoname`: the name the resolver gives the address, or NULL.
///
/// # Safety
/// `sadr` a valid socket address.
#[no_mangle]
pub unsafe extern "C" fn ip_sockaddrtoname(sadr: *mut c_void) -> *mut c_char {
    super::guard("ip_sockaddrtoname", null_mut(), || {
        if sadr.is_null() {
            return null_mut();
        }
        // SAFETY: per the contract.
        match unsafe { name_info(sadr as *const libc::sockaddr, libc::NI_NAMEREQD) } {
            Some(t) => keep(&NAME_TEXT, &t),
            None => null_mut(),
        }
    })
}

/// `ip_sockaddrtoport`: the port in host order, -1 for non-IP.
///
/// # Safety
/// `sadr` a valid socket address.
#[no_mangle]
pub unsafe extern "C" fn ip_sockaddrtoport(sadr: *mut c_void) -> c_long {
    super::guard("ip_sockaddrtoport", -1, || {
        if sadr.is_null() {
            return -1;
        }
        // SAFETY: per the contract; the family says which layout it has.
        unsafe {
            match c_int::from((*(sadr as *const libc::sockaddr)).sa_family) {
                libc::AF_INET => {
                    c_long::from(u16::from_be((*(sadr as *const libc::sockaddr_in)).sin_port))
                }
                libc::AF_INET6 => c_long::from(u16::from_be(
                    (*(sadr as *const libc::sockaddr_in6)).sin6_port,
                )),
                _ => -1,
            }
        }
    })
}

/// `ip_newsockaddr`: a zeroed socket address big enough for any family
/// (malloc'ed), its size in `*len`.
///
/// # Safety
/// `len` writable.
#[no_mangle]
pub unsafe extern "C" fn ip_newsockaddr(len: *mut usize) -> *mut c_void {
    super::guard("ip_newsockaddr", null_mut(), || {
        let p = fs_get(SADRLEN);
        // SAFETY: fresh block of SADRLEN bytes; len per the contract.
        unsafe {
            std::ptr::write_bytes(p as *mut u8, 0, SADRLEN);
            if !len.is_null() {
                *len = SADRLEN;
            }
        }
        p
    })
}

/// `ip_sockaddr`: a socket address (malloc'ed) of `family`, address
/// `adr` and `port`; its used length in `*len`.
///
/// # Safety
/// `adr` readable for `adrlen` bytes; `len` writable.
#[no_mangle]
pub unsafe extern "C" fn ip_sockaddr(
    family: c_int,
    adr: *mut c_void,
    adrlen: usize,
    port: c_ushort,
    len: *mut usize,
) -> *mut c_void {
    super::guard("ip_sockaddr", null_mut(), || {
        // SAFETY: per the contract; the copies are bounded by the address
        // field of each layout.
        unsafe {
            let sadr = ip_newsockaddr(len);
            match family {
                libc::AF_INET => {
                    let s = &mut *(sadr as *mut libc::sockaddr_in);
                    s.sin_family = libc::AF_INET as libc::sa_family_t;
                    let n = adrlen.min(std::mem::size_of::<libc::in_addr>());
                    if !adr.is_null() {
                        std::ptr::copy_nonoverlapping(
                            adr as *const u8,
                            &mut s.sin_addr as *mut _ as *mut u8,
                            n,
                        );
                    }
                    s.sin_port = port.to_be();
                    if !len.is_null() {
                        *len = SADR4LEN;
                    }
                }
                libc::AF_INET6 => {
                    let s = &mut *(sadr as *mut libc::sockaddr_in6);
                    s.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                    let n = adrlen.min(std::mem::size_of::<libc::in6_addr>());
                    if !adr.is_null() {
                        std::ptr::copy_nonoverlapping(
                            adr as *const u8,
                            &mut s.sin6_addr as *mut _ as *mut u8,
                            n,
                        );
                    }
                    s.sin6_port = port.to_be();
                    if !len.is_null() {
                        *len = SADR6LEN;
                    }
                }
                _ => (*(sadr as *mut libc::sockaddr)).sa_family = libc::AF_UNSPEC as _,
            }
            sadr
        }
    })
}

/// Pointer to the address bytes of an addrinfo entry, with family and size.
///
/// # Safety
/// `ai` a live addrinfo entry.
unsafe fn ai_address(ai: *const libc::addrinfo) -> Option<(*mut c_void, c_int, usize)> {
    // SAFETY: per the contract; ai_addr has the layout of ai_family.
    unsafe {
        let a = &*ai;
        if a.ai_addr.is_null() {
            return None;
        }
        match a.ai_family {
            libc::AF_INET => Some((
                &mut (*(a.ai_addr as *mut libc::sockaddr_in)).sin_addr as *mut _ as *mut c_void,
                libc::AF_INET,
                std::mem::size_of::<libc::in_addr>(),
            )),
            libc::AF_INET6 => Some((
                &mut (*(a.ai_addr as *mut libc::sockaddr_in6)).sin6_addr as *mut _ as *mut c_void,
                libc::AF_INET6,
                std::mem::size_of::<libc::in6_addr>(),
            )),
            _ => None,
        }
    }
}

/// `getaddrinfo` of a lower-cased name; NULL on failure.
fn lookup(name: &[u8], flags: c_int) -> *mut libc::addrinfo {
    if name.len() >= MAILTMPLEN as usize || name.contains(&0) {
        return null_mut();
    }
    let mut z = name.to_ascii_lowercase();
    z.push(0);
    // SAFETY: zeroed addrinfo is a valid hints value; z NUL-terminated.
    unsafe {
        let mut hints: libc::addrinfo = std::mem::zeroed();
        hints.ai_family = libc::AF_UNSPEC;
        hints.ai_socktype = libc::SOCK_STREAM;
        hints.ai_flags = flags;
        let mut ai: *mut libc::addrinfo = null_mut();
        if libc::getaddrinfo(z.as_ptr() as *const c_char, null_mut(), &hints, &mut ai) == 0 {
            ai
        } else {
            null_mut()
        }
    }
}

/// `ip_stringtoaddr`: a numeric address text as address bytes (malloc'ed),
/// with its size and family; NULL when the text is not an address.
///
/// # Safety
/// `text` NULL or NUL-terminated; `len`, `family` writable.
#[no_mangle]
pub unsafe extern "C" fn ip_stringtoaddr(
    text: *mut c_char,
    len: *mut usize,
    family: *mut c_int,
) -> *mut c_void {
    super::guard("ip_stringtoaddr", null_mut(), || {
        // SAFETY: per the contract.
        let Some(t) = (unsafe { c_bytes(text) }) else {
            return null_mut();
        };
        let ai = lookup(t, libc::AI_NUMERICHOST);
        if ai.is_null() {
            return null_mut();
        }
        // SAFETY: ai from getaddrinfo, freed once below; out-pointers per
        // the contract.
        unsafe {
            let mut ret = null_mut();
            if !family.is_null() {
                *family = (*ai).ai_family;
            }
            if let Some((a, _, n)) = ai_address(ai) {
                ret = fs_get(n);
                std::ptr::copy_nonoverlapping(a as *const u8, ret as *mut u8, n);
                if !len.is_null() {
                    *len = n;
                }
            }
            libc::freeaddrinfo(ai);
            ret
        }
    })
}

/// The resolver answer `ip_nametoaddr` walks (the original keeps it in
/// statics until the next lookup) and the lower-cased name.
struct NameState {
    ai: usize,
    lcname: Box<[u8; MAILTMPLEN as usize]>,
}

static NAME_STATE: Mutex<Option<NameState>> = Mutex::new(None);

/// `ip_nametoaddr`: with a `name`, looks it up and returns its first
/// address (pointing into the kept answer), setting `*canonical` and
/// `*next`; with NULL, the address after `*next`.
///
/// # Safety
/// `name` NULL or NUL-terminated; out-pointers NULL or writable; `*next`
/// what the previous call stored.
#[no_mangle]
pub unsafe extern "C" fn ip_nametoaddr(
    name: *mut c_char,
    len: *mut usize,
    family: *mut c_int,
    canonical: *mut *mut c_char,
    next: *mut *mut c_void,
) -> *mut c_void {
    super::guard("ip_nametoaddr", null_mut(), || {
        let mut g = NAME_STATE.lock().unwrap_or_else(|e| e.into_inner());
        let st = g.get_or_insert_with(|| NameState {
            ai: 0,
            lcname: Box::new([0; MAILTMPLEN as usize]),
        });
        // SAFETY: per the contract; st.ai is an answer of getaddrinfo not
        // yet freed; out-pointers checked for NULL.
        unsafe {
            let mut cur: *mut libc::addrinfo = null_mut();
            if let Some(n) = c_bytes(name) {
                if st.ai != 0 {
                    libc::freeaddrinfo(st.ai as *mut libc::addrinfo);
                    st.ai = 0;
                }
                let ai = lookup(n, libc::AI_CANONNAME);
                if !ai.is_null() {
                    st.ai = ai as usize;
                    cur = ai;
                    let lc = n.to_ascii_lowercase();
                    st.lcname[..lc.len()].copy_from_slice(&lc);
                    st.lcname[lc.len()] = 0;
                    if !canonical.is_null() {
                        *canonical = if (*ai).ai_canonname.is_null() {
                            st.lcname.as_mut_ptr() as *mut c_char
                        } else {
                            (*ai).ai_canonname
                        };
                    }
                    if !next.is_null() {
                        *next = ai as *mut c_void;
                    }
                } else {
                    if !len.is_null() {
                        *len = 0;
                    }
                    if !family.is_null() {
                        *family = 0;
                    }
                    if !canonical.is_null() {
                        *canonical = null_mut();
                    }
                    if !next.is_null() {
                        *next = null_mut();
                    }
                }
            } else if !next.is_null() && !(*next).is_null() {
                cur = (*(*next as *mut libc::addrinfo)).ai_next;
                if !cur.is_null() {
                    *next = cur as *mut c_void;
                    if !canonical.is_null() && !(*cur).ai_canonname.is_null() {
                        *canonical = (*cur).ai_canonname;
                    }
                }
            }
            if !cur.is_null() {
                if !family.is_null() {
                    *family = (*cur).ai_family;
                }
                if let Some((a, _, n)) = ai_address(cur) {
                    if !len.is_null() {
                        *len = n;
                    }
                    return a;
                }
            }
            if !len.is_null() {
                *len = 0;
            }
            null_mut()
        }
    })
}

/// Calls the application's block-notify hook, if any.
fn block(reason: c_int, data: *mut c_void) -> *mut c_void {
    let h = super::params::hook(GET_BLOCKNOTIFY);
    if h == 0 {
        return null_mut();
    }
    // SAFETY: the word was stored by SET_BLOCKNOTIFY as a blocknotify_t.
    unsafe {
        let f: blocknotify_t = std::mem::transmute::<usize, blocknotify_t>(h);
        match f {
            Some(f) => f(reason, data),
            None => null_mut(),
        }
    }
}

fn errno_text(e: c_int) -> Vec<u8> {
    std::io::Error::from_raw_os_error(e)
        .to_string()
        .split(" (os error")
        .next()
        .unwrap_or_default()
        .as_bytes()
        .to_vec()
}

/// `tcp_socket_open`: a TCP socket connected to `adr`:`port`, or -1 with
/// the reason in `tmp` (MAILTMPLEN bytes). With `ctr`, the connection is
/// made under the open timeout and `*ctr` gets the result of reading a
/// first byte into `tmp` when the server already spoke.
///
/// # Safety
/// `adr` readable for `adrlen`; `tmp` writable for MAILTMPLEN bytes; `ctr`
/// NULL or writable; `hst` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcp_socket_open(
    family: c_int,
    adr: *mut c_void,
    adrlen: usize,
    port: c_ushort,
    tmp: *mut c_char,
    ctr: *mut c_int,
    hst: *mut c_char,
) -> c_int {
    super::guard("tcp_socket_open", -1, || {
        // SAFETY: per the contract; every libc call gets live buffers.
        unsafe {
            let cap = MAILTMPLEN as usize;
            let host = c_bytes(hst).unwrap_or_default().to_vec();
            let host = &host[..host.len().min(80)];
            let mut len = 0usize;
            let sadr = ip_sockaddr(family, adr, adrlen, port, &mut len);
            let data = block(BLOCK_SENSITIVE, null_mut());
            let addr = CStr::from_ptr(ip_sockaddrtostring(sadr))
                .to_bytes()
                .to_vec();
            let mut t = b"Trying IP address [".to_vec();
            t.extend_from_slice(&addr);
            t.push(b']');
            put_text(tmp, cap, &t);
            log(&t, 0);
            let fam = c_int::from((*(sadr as *const libc::sockaddr)).sa_family);
            let mut sock = libc::socket(fam, libc::SOCK_STREAM, libc::IPPROTO_TCP);
            if sock < 0 {
                let mut m = b"Unable to create TCP socket: ".to_vec();
                m.extend_from_slice(&errno_text(*libc::__errno_location()));
                put_text(tmp, cap, &m);
                block(BLOCK_NONSENSITIVE, data);
            } else {
                let flgs = libc::fcntl(sock, libc::F_GETFL, 0);
                if !ctr.is_null() {
                    libc::fcntl(sock, libc::F_SETFL, flgs | libc::O_NONBLOCK);
                }
                let mut i;
                loop {
                    i = libc::connect(sock, sadr as *const libc::sockaddr, len as libc::socklen_t);
                    if i >= 0 || *libc::__errno_location() != libc::EINTR {
                        break;
                    }
                }
                let e = *libc::__errno_location();
                block(BLOCK_NONSENSITIVE, data);
                if i < 0
                    && !matches!(
                        e,
                        libc::EAGAIN
                            | libc::EINPROGRESS
                            | libc::EALREADY
                            | libc::EISCONN
                            | libc::EADDRINUSE
                    )
                {
                    let mut m = b"Can't connect to ".to_vec();
                    m.extend_from_slice(host);
                    m.extend_from_slice(format!(",{port}: ").as_bytes());
                    m.extend_from_slice(&errno_text(e));
                    put_text(tmp, cap, &m);
                    libc::close(sock);
                    sock = -1;
                }
                if sock >= 0 && !ctr.is_null() {
                    let tmo = super::params::number(Owner::Tcp, GET_OPENTIMEOUT as c_long);
                    let deadline = (tmo > 0).then(|| {
                        std::time::Instant::now() + std::time::Duration::from_secs(tmo as u64)
                    });
                    let mut pfd = libc::pollfd {
                        fd: sock,
                        events: libc::POLLIN | libc::POLLOUT,
                        revents: 0,
                    };
                    let mut r;
                    loop {
                        let ms = match deadline {
                            Some(d) => {
                                d.saturating_duration_since(std::time::Instant::now())
                                    .as_millis()
                                    .min(i32::MAX as u128) as c_int
                            }
                            None => -1,
                        };
                        r = libc::poll(&mut pfd, 1, ms);
                        if r < 0 && *libc::__errno_location() == libc::EINTR {
                            if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                                r = 0;
                                break;
                            }
                            continue;
                        }
                        break;
                    }
                    if r > 0 {
                        libc::fcntl(sock, libc::F_SETFL, flgs);
                        if pfd.revents & libc::POLLIN != 0 {
                            loop {
                                r = libc::read(sock, tmp as *mut c_void, 1) as c_int;
                                *ctr = r;
                                if r >= 0 || *libc::__errno_location() != libc::EINTR {
                                    break;
                                }
                            }
                        }
                    }
                    if r <= 0 {
                        let e = if r != 0 {
                            *libc::__errno_location()
                        } else {
                            libc::ETIMEDOUT
                        };
                        libc::close(sock);
                        sock = -1;
                        *libc::__errno_location() = e;
                        let mut m = b"Connection failed to ".to_vec();
                        m.extend_from_slice(host);
                        m.extend_from_slice(format!(",{port}: ").as_bytes());
                        m.extend_from_slice(&errno_text(e));
                        put_text(tmp, cap, &m);
                    }
                }
            }
            let mut p = sadr;
            super::memory::fs_give(&mut p);
            sock
        }
    })
}

/// `tcp_name`: "[address]", or with reverse DNS allowed the validated
/// name ("name [address]" when `flag`), malloc'ed.
///
/// # Safety
/// `sadr` a valid socket address.
#[no_mangle]
pub unsafe extern "C" fn tcp_name(sadr: *mut c_void, flag: c_long) -> *mut c_char {
    super::guard("tcp_name", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let addr = CStr::from_ptr(ip_sockaddrtostring(sadr))
                .to_bytes()
                .to_vec();
            let mut adr = b"[".to_vec();
            adr.extend_from_slice(&addr[..addr.len().min(80)]);
            adr.push(b']');
            let mut ret = adr.clone();
            if super::params::number(Owner::Tcp, GET_ALLOWREVERSEDNS as c_long) != 0 {
                let debug = super::params::number(Owner::Tcp, GET_TCPDEBUG as c_long) != 0;
                if debug {
                    let mut m = b"Reverse DNS resolution ".to_vec();
                    m.extend_from_slice(&adr);
                    log(&m, TCPDEBUG as c_long);
                }
                block(BLOCK_DNSLOOKUP, null_mut());
                let data = block(BLOCK_SENSITIVE, null_mut());
                let t = super::net::tcp_name_valid(ip_sockaddrtoname(sadr));
                if let Some(t) = c_bytes(t) {
                    ret = t.to_vec();
                    if flag != 0 {
                        ret.push(b' ');
                        ret.extend_from_slice(&adr);
                    }
                }
                block(BLOCK_NONSENSITIVE, data);
                block(BLOCK_NONE, null_mut());
                if debug {
                    log(b"Reverse DNS resolution done", TCPDEBUG as c_long);
                }
            }
            c_string_from(&ret)
        }
    })
}

/// `tcp_isclienthost`: whether `host` has the address of the client on
/// standard input (server side).
///
/// # Safety
/// `host` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcp_isclienthost(host: *mut c_char) -> c_long {
    super::guard("tcp_isclienthost", 0, || {
        // SAFETY: per the contract.
        let Some(h) = (unsafe { c_bytes(host) }) else {
            return 0;
        };
        super::server::tcp_clienthost();
        let client = crate::server::client_addr();
        if crate::os::server::peer_address(0).is_none() {
            return 0;
        }
        let ai = lookup(h, libc::AI_CANONNAME);
        let mut cur = ai;
        let mut ret = 0;
        // SAFETY: walks and frees one getaddrinfo answer.
        unsafe {
            while !cur.is_null() && ret == 0 {
                if let Some((a, fam, n)) = ai_address(cur) {
                    let mut len = 0;
                    let mut s = ip_sockaddr(fam, a, n, 1, &mut len);
                    let text = CStr::from_ptr(ip_sockaddrtostring(s)).to_bytes();
                    if text == &client[..] {
                        ret = 1;
                    }
                    super::memory::fs_give(&mut s);
                }
                cur = (*cur).ai_next;
            }
            if !ai.is_null() {
                libc::freeaddrinfo(ai);
            }
        }
        ret
    })
}

/// `netmsg_read`: reads `count` bytes of a scratch file (a `FILE *`).
///
/// # Safety
/// `stream` a stdio stream; `buffer` writable for `count` bytes.
#[no_mangle]
pub unsafe extern "C" fn netmsg_read(
    stream: *mut c_void,
    count: c_ulong,
    buffer: *mut c_char,
) -> c_long {
    super::guard("netmsg_read", 0, || {
        if stream.is_null() || buffer.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        let n = unsafe {
            libc::fread(
                buffer as *mut c_void,
                1,
                count as usize,
                stream as *mut libc::FILE,
            )
        };
        c_long::from(n as c_ulong == count)
    })
}

/// The original's `MD5CONTEXT` (auth_md5.c), which callers allocate.
#[repr(C)]
pub struct Md5Context {
    chigh: c_ulong,
    clow: c_ulong,
    state: [c_ulong; 4],
    buf: [c_uchar; 64],
    ptr: *mut c_uchar,
}

fn state_of(ctx: &Md5Context) -> [u32; 4] {
    ctx.state.map(|w| w as u32)
}

/// Current fill of the block buffer, from the context's `ptr`.
fn fill(ctx: &mut Md5Context) -> usize {
    let base = ctx.buf.as_ptr() as usize;
    let p = ctx.ptr as usize;
    if p >= base && p < base + 64 {
        p - base
    } else {
        0
    }
}

/// `md5_init`.
///
/// # Safety
/// `ctx` points to an MD5CONTEXT.
#[no_mangle]
pub unsafe extern "C" fn md5_init(ctx: *mut c_void) {
    super::guard("md5_init", (), || {
        // SAFETY: per the contract.
        let Some(c) = (unsafe { (ctx as *mut Md5Context).as_mut() }) else {
            return;
        };
        c.chigh = 0;
        c.clow = 0;
        c.state = crate::net::md5::INIT.map(c_ulong::from);
        c.ptr = c.buf.as_mut_ptr();
    })
}

/// `md5_update`.
///
/// # Safety
/// `ctx` initialised by md5_init; `data` readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn md5_update(ctx: *mut c_void, data: *mut c_uchar, len: c_ulong) {
    super::guard("md5_update", (), || {
        // SAFETY: per the contract.
        let Some(c) = (unsafe { (ctx as *mut Md5Context).as_mut() }) else {
            return;
        };
        let data: &[u8] = if data.is_null() || len == 0 {
            &[]
        } else {
            // SAFETY: per the contract.
            unsafe { std::slice::from_raw_parts(data, len as usize) }
        };
        let (low, carry) = c.clow.overflowing_add(data.len() as c_ulong);
        c.clow = low;
        if carry {
            c.chigh = c.chigh.wrapping_add(1);
        }
        let mut st = state_of(c);
        let mut pos = fill(c);
        let mut rest = data;
        while 64 - pos <= rest.len() {
            let take = 64 - pos;
            c.buf[pos..].copy_from_slice(&rest[..take]);
            crate::net::md5::transform(&mut st, &c.buf);
            rest = &rest[take..];
            pos = 0;
        }
        c.buf[pos..pos + rest.len()].copy_from_slice(rest);
        c.state = st.map(c_ulong::from);
        // SAFETY: pos + rest.len() < 64, inside buf.
        c.ptr = unsafe { c.buf.as_mut_ptr().add(pos + rest.len()) };
    })
}

/// `md5_final`: the digest of everything added, then the context erased.
///
/// # Safety
/// `digest` writable for 16 bytes; `ctx` initialised by md5_init.
#[no_mangle]
pub unsafe extern "C" fn md5_final(digest: *mut c_uchar, ctx: *mut c_void) {
    super::guard("md5_final", (), || {
        // SAFETY: per the contract.
        let Some(c) = (unsafe { (ctx as *mut Md5Context).as_mut() }) else {
            return;
        };
        let lo = (c.clow << 3) as u32;
        let hi = (c.chigh << 3).wrapping_add(c.clow >> 29) as u32;
        let mut st = state_of(c);
        let mut pos = fill(c);
        c.buf[pos] = 0x80;
        pos += 1;
        if 64 - pos < 8 {
            c.buf[pos..].fill(0);
            crate::net::md5::transform(&mut st, &c.buf);
            c.buf[..56].fill(0);
        } else {
            c.buf[pos..56].fill(0);
        }
        c.buf[56..60].copy_from_slice(&lo.to_le_bytes());
        c.buf[60..64].copy_from_slice(&hi.to_le_bytes());
        crate::net::md5::transform(&mut st, &c.buf);
        if !digest.is_null() {
            for (i, w) in st.iter().enumerate() {
                // SAFETY: digest holds 16 bytes per the contract.
                unsafe {
                    std::ptr::copy_nonoverlapping(w.to_le_bytes().as_ptr(), digest.add(4 * i), 4)
                };
            }
        }
        // SAFETY: the whole context is plain data; all-zero as the original.
        unsafe { std::ptr::write_bytes(c as *mut Md5Context, 0, 1) };
    })
}
