//! The C face of the network layer: the `tcp_*` and `ssl_*` stream
//! functions, the `tcp`/`ssl` network drivers, the `net_*` dispatchers and
//! the STARTTLS hook. A TCPSTREAM or SSLSTREAM pointer is a boxed
//! [`Handle`]; both drivers share it (STARTTLS upgrades it in place).

use std::ffi::CString;
use std::os::raw::{c_char, c_long, c_ulong, c_void};
use std::ptr::null_mut;
use std::sync::Arc;

use super::bindings::*;
use super::memory::{c_bytes, c_string_from};
use crate::env::params::Owner;
use crate::net::{
    Connection, LogHook, LogKind, NetError, OpenOptions, TimeoutHook, Timeouts, TlsFailure,
    TlsOptions,
};

const NET_SILENT: c_ulong = 0x8000_0000;
const NET_NOVALIDATECERT: c_ulong = 0x4000_0000;
const NET_NOOPENTIMEOUT: c_ulong = 0x2000_0000;
const NET_TRYSSL: c_ulong = 0x0800_0000;
/// The close timeout (not a tcp_parameters code in the original).
pub const GET_CLOSETIMEOUT_CODE: c_long = 306;

/// What a TCPSTREAM/SSLSTREAM pointer points to.
pub struct Handle {
    conn: Option<Connection>,
    host: CString,
    remote: Option<CString>,
    local: Option<CString>,
    port: c_ulong,
}

impl Handle {
    fn new(conn: Option<Connection>, host: &str, port: c_ulong) -> Handle {
        Handle {
            conn,
            host: cstring(host.as_bytes()),
            remote: None,
            local: None,
            port,
        }
    }
}

/// `t` up to its first NUL, then a NUL.
pub(crate) fn cz(t: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = t.iter().copied().take_while(|&c| c != 0).collect();
    v.push(0);
    v
}

/// `mm_notify` of `text` (up to its first NUL) at `level`.
///
/// # Safety
/// `stream` NULL or live.
pub(crate) unsafe fn notify(stream: *mut MAILSTREAM, text: &[u8], level: c_long) {
    let mut t = cz(text);
    // SAFETY: NUL-terminated, alive across the call; stream live.
    unsafe { super::callbacks::mm_notify(stream, t.as_mut_ptr() as *mut c_char, level) };
}

/// The bytes of a fixed-size C field up to its NUL.
pub(crate) fn c_field(f: &[c_char]) -> Vec<u8> {
    f.iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect()
}

fn cstring(b: &[u8]) -> CString {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    CString::new(&b[..end]).unwrap_or_default()
}

/// The handle behind a stream pointer.
///
/// # Safety
/// `p` must be NULL or a pointer made by this module and not yet closed.
unsafe fn handle<'a>(p: *mut c_void) -> Option<&'a mut Handle> {
    // SAFETY: per the contract.
    unsafe { (p as *mut Handle).as_mut() }
}

fn into_raw(h: Handle) -> *mut c_void {
    Box::into_raw(Box::new(h)) as *mut c_void
}

fn tcp_number(code: c_long) -> i64 {
    super::params::number(Owner::Tcp, code) as i64
}

/// The current TCP timeouts.
pub fn timeouts() -> Timeouts {
    Timeouts::from_secs(
        tcp_number(GET_OPENTIMEOUT),
        tcp_number(GET_READTIMEOUT),
        tcp_number(GET_WRITETIMEOUT),
        tcp_number(GET_CLOSETIMEOUT_CODE),
    )
}

/// Calls the application's `SET_TIMEOUT` callback as installed at the
/// moment of the timeout.
pub fn timeout_hook() -> TimeoutHook {
    Arc::new(|overall: u64, last: u64| {
        let w = tcp_number(GET_TIMEOUT) as usize;
        if w == 0 {
            return false;
        }
        // SAFETY: the word is a tcptimeout_t installed by the program.
        let f: unsafe extern "C" fn(c_long, c_long) -> c_long = unsafe { std::mem::transmute(w) };
        // SAFETY: calling the program's callback with two numbers.
        unsafe { f(overall as c_long, last as c_long) != 0 }
    })
}

fn log_hook() -> LogHook {
    Arc::new(|k: LogKind, t: &str| {
        let level = match k {
            LogKind::Info => NIL as c_long,
            LogKind::Warn => WARN,
            LogKind::Debug => TCPDEBUG,
        };
        super::log(t, level);
    })
}

fn open_options(host: &[u8], service: Option<&[u8]>, port: c_ulong) -> OpenOptions {
    OpenOptions {
        host: String::from_utf8_lossy(host).into_owned(),
        port: (port & 0xffff) as u16,
        service: service.map(|s| String::from_utf8_lossy(s).into_owned()),
        timeouts: timeouts(),
        tls: None,
        no_open_timeout: port & NET_NOOPENTIMEOUT != 0,
        silent: port & NET_SILENT != 0,
        debug: tcp_number(GET_TCPDEBUG) != 0,
        max_line: 0,
        log: Some(log_hook()),
        timeout_hook: Some(timeout_hook()),
    }
}

fn open_plain(host: &[u8], service: Option<&[u8]>, port: c_ulong) -> Option<Handle> {
    let opts = open_options(host, service, port);
    match Connection::open(&opts) {
        Ok(c) => {
            let p = c.port() as c_ulong;
            let h = c.host().to_string();
            Some(Handle::new(Some(c), &h, p))
        }
        Err(e) => {
            if port & NET_SILENT == 0 {
                super::log_error(&e.to_string());
            }
            None
        }
    }
}

/// `tcp_open`: a TCP connection to `host` (service name or port; the
/// high bits of `port` are the NET_* flags).
///
/// # Safety
/// `host` must be NUL-terminated; `service` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcp_open(
    host: *mut c_char,
    service: *mut c_char,
    port: c_ulong,
) -> *mut c_void {
    super::guard("tcp_open", null_mut(), || {
        // SAFETY: per the contract.
        let (host, service) = unsafe { (c_bytes(host).unwrap_or(b""), c_bytes(service)) };
        match open_plain(host, service, port) {
            Some(h) => into_raw(h),
            None => null_mut(),
        }
    })
}

/// Characters a host name handed to rsh/ssh may hold.
fn safe_remote_host(h: &[u8]) -> bool {
    !h.is_empty()
        && h[0] != b'-'
        && h.iter().all(|&c| {
            c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        })
}

fn safe_user(u: &[u8]) -> bool {
    !u.is_empty()
        && u[0] != b'-'
        && u.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'@' | b'+'))
}

/// Builds the argument vector of an rsh/ssh command from its template
/// (Debian's "%s %s -l %s exec /usr/sbin/r%sd"): split at blanks first, then each `%s`
/// replaced by the next argument, which therefore can never add words.
pub fn command_argv(template: &str, args: &[&str]) -> Vec<String> {
    let mut next = args.iter();
    template
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut out = String::new();
            let mut rest = w;
            while let Some(p) = rest.find("%s") {
                out.push_str(&rest[..p]);
                out.push_str(next.next().copied().unwrap_or(""));
                rest = &rest[p + 2..];
            }
            out.push_str(rest);
            out
        })
        .collect()
}

/// `tcp_aopen`: a pre-authenticated session through rsh (or ssh when
/// `service` starts with `*`). Off unless the program set a positive
/// `SET_RSHTIMEOUT`/`SET_SSHTIMEOUT`; the command runs without a shell and
/// unsafe host or user names are refused.
///
/// # Safety
/// `mb` must point to a NETMBX; `service` NUL-terminated; `usrbuf` NULL or
/// MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn tcp_aopen(
    mb: *mut NETMBX,
    service: *mut c_char,
    usrbuf: *mut c_char,
) -> *mut c_void {
    super::guard("tcp_aopen", null_mut(), || {
        // SAFETY: per the contract.
        let (mb, service) = unsafe {
            let Some(mb) = mb.as_ref() else {
                return null_mut();
            };
            (mb, c_bytes(service).unwrap_or(b""))
        };
        let ssh = service.first() == Some(&b'*');
        let (tget, pget, cget) = if ssh {
            (GET_SSHTIMEOUT, GET_SSHPATH, GET_SSHCOMMAND)
        } else {
            (GET_RSHTIMEOUT, GET_RSHPATH, GET_RSHCOMMAND)
        };
        let explicitly =
            crate::env::params::entry(Owner::Tcp, tget).is_some_and(crate::env::params::is_set);
        let secs = tcp_number(tget);
        if !explicitly || secs <= 0 {
            return null_mut();
        }
        let default_path = if ssh { "/usr/bin/ssh" } else { "/usr/bin/rsh" };
        let path = crate::env::params::string(Owner::Tcp, pget)
            .map(|p| String::from_utf8_lossy(&p).into_owned())
            .unwrap_or_else(|| default_path.to_string());
        let template = crate::env::params::string(Owner::Tcp, cget)
            .map(|p| String::from_utf8_lossy(&p).into_owned())
            .unwrap_or_else(|| "%s %s -l %s exec /usr/sbin/r%sd".to_string());
        let host = c_field(&mb.host);
        let host = if host.first() == Some(&b'[') && host.last() == Some(&b']') {
            let inner = &host[1..host.len() - 1];
            if crate::net::transport::parse_address(&String::from_utf8_lossy(inner)).is_none() {
                super::log_error(&format!(
                    "Bad format domain-literal: {}",
                    String::from_utf8_lossy(&inner[..inner.len().min(80)])
                ));
                return null_mut();
            }
            inner.to_vec()
        } else {
            host
        };
        let user = {
            let u = c_field(&mb.user);
            if u.is_empty() {
                // SAFETY: myusername returns a C string owned by the library.
                unsafe { c_bytes(super::env::myusername_full(null_mut())) }
                    .unwrap_or(b"")
                    .to_vec()
            } else {
                u
            }
        };
        if !safe_remote_host(&host) || !safe_user(&user) {
            super::log_error(&format!(
                "Refusing remote shell to unsafe host or user name: {}",
                String::from_utf8_lossy(&host[..host.len().min(80)])
            ));
            return null_mut();
        }
        let svc = if ssh { &service[1..] } else { service };
        let host_s = String::from_utf8_lossy(&host).into_owned();
        let user_s = String::from_utf8_lossy(&user).into_owned();
        let svc_s = String::from_utf8_lossy(svc).into_owned();
        let argv = command_argv(&template, &[&path, &host_s, &user_s, &svc_s]);
        if tcp_number(GET_TCPDEBUG) != 0 {
            super::log(&format!("Trying {}", argv.join(" ")), TCPDEBUG);
        }
        let t = Timeouts {
            read: Some(secs as u64),
            ..timeouts()
        };
        let mut conn = match Connection::spawn(&argv, &host_s, t, None) {
            Ok(c) => c,
            Err(_) => return null_mut(),
        };
        if conn.getdata().is_err() {
            return null_mut();
        }
        conn.set_timeouts(timeouts());
        if !usrbuf.is_null() {
            let n = user.len().min(MAILTMPLEN as usize - 1);
            // SAFETY: usrbuf has MAILTMPLEN bytes per the contract.
            unsafe {
                std::ptr::copy_nonoverlapping(user.as_ptr(), usrbuf as *mut u8, n);
                *usrbuf.add(n) = 0;
            }
        }
        let mut h = Handle::new(Some(conn), &host_s, 0xffff_ffff);
        h.remote = Some(cstring(&host));
        into_raw(h)
    })
}

/// `tcp_getline`: one line without its CRLF, from fs_get (NULL on error).
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_getline(stream: *mut c_void) -> *mut c_char {
    super::guard("tcp_getline", null_mut(), || {
        // SAFETY: per the contract.
        let Some(h) = (unsafe { handle(stream) }) else {
            return null_mut();
        };
        let Some(c) = h.conn.as_mut() else {
            return null_mut();
        };
        match c.getline() {
            Ok(line) => c_string_from(&line),
            Err(_) => null_mut(),
        }
    })
}

/// `tcp_getbuffer`: exactly `size` bytes into `s` (NUL added after).
///
/// # Safety
/// `s` must have room for `size + 1` bytes.
#[no_mangle]
pub unsafe extern "C" fn tcp_getbuffer(
    stream: *mut c_void,
    size: c_ulong,
    s: *mut c_char,
) -> c_long {
    super::guard("tcp_getbuffer", 0, || {
        // SAFETY: per the contract.
        let Some(h) = (unsafe { handle(stream) }) else {
            return 0;
        };
        let Some(c) = h.conn.as_mut() else { return 0 };
        let mut at = 0usize;
        let r = c.getbuffer_with(size as usize, &mut |chunk| {
            // SAFETY: s has room for size+1 bytes and at+chunk <= size.
            unsafe {
                std::ptr::copy_nonoverlapping(chunk.as_ptr(), (s as *mut u8).add(at), chunk.len())
            };
            at += chunk.len();
        });
        if r.is_err() {
            return 0;
        }
        // SAFETY: as above.
        unsafe { *s.add(size as usize) = 0 };
        1
    })
}

/// `tcp_getdata`: waits for input (T) or fails (NIL).
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_getdata(stream: *mut c_void) -> c_long {
    super::guard("tcp_getdata", 0, || {
        // SAFETY: per the contract.
        let Some(h) = (unsafe { handle(stream) }) else {
            return 0;
        };
        let Some(c) = h.conn.as_mut() else { return 0 };
        c.getdata().is_ok() as c_long
    })
}

/// `tcp_soutr`: sends a NUL-terminated string.
///
/// # Safety
/// `string` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcp_soutr(stream: *mut c_void, string: *mut c_char) -> c_long {
    super::guard("tcp_soutr", 0, || {
        // SAFETY: per the contract.
        let s = unsafe { c_bytes(string) }.unwrap_or(b"");
        // SAFETY: forwarded.
        unsafe { sout(stream, s) }
    })
}

/// `tcp_sout`: sends `size` bytes.
///
/// # Safety
/// `string` must hold `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn tcp_sout(
    stream: *mut c_void,
    string: *mut c_char,
    size: c_ulong,
) -> c_long {
    super::guard("tcp_sout", 0, || {
        let s: &[u8] = if size == 0 || string.is_null() {
            &[]
        } else {
            // SAFETY: per the contract.
            unsafe { std::slice::from_raw_parts(string as *const u8, size as usize) }
        };
        // SAFETY: forwarded.
        unsafe { sout(stream, s) }
    })
}

unsafe fn sout(stream: *mut c_void, s: &[u8]) -> c_long {
    // SAFETY: per the caller's contract.
    let Some(h) = (unsafe { handle(stream) }) else {
        return 0;
    };
    let Some(c) = h.conn.as_mut() else { return 0 };
    if !c.is_open() {
        return 0;
    }
    c.write_all(s).is_ok() as c_long
}

/// `tcp_close`: closes and frees the stream.
///
/// # Safety
/// `stream` must be a stream of this module, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn tcp_close(stream: *mut c_void) {
    super::guard("tcp_close", (), || {
        if stream.is_null() {
            return;
        }
        // SAFETY: made by Box::into_raw in this module.
        let mut h = unsafe { Box::from_raw(stream as *mut Handle) };
        if let Some(c) = h.conn.as_mut() {
            c.close();
        }
    })
}

/// `tcp_abort`: drops the connection, keeps the stream; returns NIL.
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_abort(stream: *mut c_void) -> c_long {
    super::guard("tcp_abort", 0, || {
        // SAFETY: per the contract.
        if let Some(h) = unsafe { handle(stream) } {
            if let Some(c) = h.conn.as_mut() {
                c.abort();
            }
        }
        0
    })
}

/// `tcp_host`: the host name the stream was opened to.
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_host(stream: *mut c_void) -> *mut c_char {
    super::guard("tcp_host", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { handle(stream) } {
            Some(h) => h.host.as_ptr() as *mut c_char,
            None => null_mut(),
        }
    })
}

fn reverse_dns() -> bool {
    tcp_number(GET_ALLOWREVERSEDNS) != 0
}

/// A host name from reverse DNS, kept only if made of the characters the
/// original's `tcp_name_valid` allows.
fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= NETMAXHOST as usize
        && n.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
}

fn peer_name(ip: &std::net::IpAddr, with_address: bool) -> String {
    let adr = format!("[{}]", crate::net::transport::address_text(ip));
    if reverse_dns() {
        if let Some(n) = crate::os::host::reverse_name(ip).filter(|n| valid_name(n)) {
            return if with_address {
                format!("{n} {adr}")
            } else {
                n
            };
        }
    }
    adr
}

/// `tcp_remotehost`: the peer's name (reverse DNS when allowed) or
/// `[address]`.
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_remotehost(stream: *mut c_void) -> *mut c_char {
    super::guard("tcp_remotehost", null_mut(), || {
        // SAFETY: per the contract.
        let Some(h) = (unsafe { handle(stream) }) else {
            return null_mut();
        };
        if h.remote.is_none() {
            let name = match h.conn.as_ref().and_then(|c| c.peer_addr()) {
                Some(a) => peer_name(&a.ip(), false),
                None => h.host.to_string_lossy().into_owned(),
            };
            h.remote = Some(cstring(name.as_bytes()));
        }
        h.remote
            .as_ref()
            .map_or(null_mut(), |c| c.as_ptr() as *mut c_char)
    })
}

/// `tcp_localhost`: this side's name.
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_localhost(stream: *mut c_void) -> *mut c_char {
    super::guard("tcp_localhost", null_mut(), || {
        // SAFETY: per the contract.
        let Some(h) = (unsafe { handle(stream) }) else {
            return null_mut();
        };
        if h.local.is_none() {
            let name = match h.conn.as_ref().and_then(|c| c.local_addr()) {
                Some(a) if h.port & 0xffff000 == 0 => peer_name(&a.ip(), false),
                _ => {
                    // SAFETY: mylocalhost returns a library-owned C string.
                    let p = super::env::mylocalhost();
                    // SAFETY: as above.
                    String::from_utf8_lossy(unsafe { c_bytes(p) }.unwrap_or(b"")).into_owned()
                }
            };
            h.local = Some(cstring(name.as_bytes()));
        }
        h.local
            .as_ref()
            .map_or(null_mut(), |c| c.as_ptr() as *mut c_char)
    })
}

/// `tcp_port`: the port number (0xffffffff for a remote-shell session).
///
/// # Safety
/// `stream` must be a stream of this module.
#[no_mangle]
pub unsafe extern "C" fn tcp_port(stream: *mut c_void) -> c_ulong {
    super::guard("tcp_port", 0xffff_ffff, || {
        // SAFETY: per the contract.
        match unsafe { handle(stream) } {
            Some(h) if h.conn.is_some() => h.port,
            _ => 0xffff_ffff,
        }
    })
}

/// `tcp_name_valid`: `s` if it is a plausible host name, else NULL.
///
/// # Safety
/// `s` must be NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn tcp_name_valid(s: *mut c_char) -> *mut c_char {
    super::guard("tcp_name_valid", null_mut(), || {
        // SAFETY: per the contract.
        let Some(b) = (unsafe { c_bytes(s) }) else {
            return null_mut();
        };
        if b.is_empty() || b.len() > NETMAXHOST as usize {
            return null_mut();
        }
        if b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
        {
            s
        } else {
            null_mut()
        }
    })
}

// ---- TLS ----

/// Runs TLS on an open handle as the original's `ssl_start` does,
/// reporting failures through `SET_SSLFAILURE` or `mm_log`. Returns
/// whether the stream is to be kept (a failed `/tryssl` attempt keeps a
/// dead "dummy" stream so that the caller does not fall back).
fn start_tls(h: &mut Handle, host: &[u8], flags: c_ulong) -> bool {
    let host_s = String::from_utf8_lossy(host).into_owned();
    let opts = tls_options(&host_s, flags & NET_NOVALIDATECERT != 0);
    let Some(conn) = h.conn.as_mut() else {
        return false;
    };
    let failure = match conn.start_tls(&opts) {
        Ok(()) => return true,
        Err(NetError::Tls(f)) => f,
        Err(_) => TlsFailure::negotiation(),
    };
    conn.abort();
    report_tls_failure(host, &failure, flags)
}

/// The TLS options the original's `ssl_start` would use for `host`: the
/// program's `SET_SSLCAPATH`, and its `SET_SSLCERTIFICATEQUERY` callback
/// (when it has one) asked about a certificate that does not verify.
pub fn tls_options(host: &str, novalidate: bool) -> TlsOptions {
    let opts = TlsOptions {
        server_name: host.to_string(),
        novalidate,
        ca_path: crate::env::params::string(Owner::Env, GET_SSLCAPATH)
            .map(|p| String::from_utf8_lossy(&p).into_owned()),
        cert_query: Some(Arc::new(|reason: &str, host: &str, cert: &str| {
            let w = super::params::hook(GET_SSLCERTIFICATEQUERY);
            if w == 0 {
                return false;
            }
            // SAFETY: the word is the program's sslcertificatequery_t.
            let f: unsafe extern "C" fn(*mut c_char, *mut c_char, *mut c_char) -> c_long =
                unsafe { std::mem::transmute(w) };
            let r = cstring(reason.as_bytes());
            let hs = cstring(host.as_bytes());
            let c = cstring(cert.as_bytes());
            // SAFETY: three NUL-terminated strings alive across the call.
            unsafe {
                f(
                    r.as_ptr() as *mut c_char,
                    hs.as_ptr() as *mut c_char,
                    c.as_ptr() as *mut c_char,
                ) != 0
            }
        })),
    };
    // Without a query callback, a verification failure is reported (not
    // asked about): the verifier records it as a certificate failure.
    if super::params::hook(GET_SSLCERTIFICATEQUERY) == 0 {
        TlsOptions {
            cert_query: None,
            ..opts
        }
    } else {
        opts
    }
}

/// Reports a TLS failure for `host` as the original: through the
/// program's `SET_SSLFAILURE` callback, else `mm_log` ("Certificate
/// failure for HOST: ..." / "TLS/SSL failure for HOST: ..."). A failed
/// `/tryssl` attempt (NET_TRYSSL in `flags`) is silent except for a
/// certificate failure. Returns whether the caller keeps the dead stream
/// (so that a `/tryssl` caller does not fall back).
pub fn report_tls_failure(host: &[u8], failure: &TlsFailure, flags: c_ulong) -> bool {
    let host_s = String::from_utf8_lossy(host).into_owned();
    let sf = super::params::hook(GET_SSLFAILURE);
    let report = |reason: &str, cert: bool| {
        if sf != 0 {
            // SAFETY: the word is the program's sslfailure_t.
            let f: unsafe extern "C" fn(*mut c_char, *mut c_char, c_ulong) =
                unsafe { std::mem::transmute(sf) };
            let hs = cstring(host);
            let r = cstring(reason.as_bytes());
            // SAFETY: NUL-terminated strings alive across the call.
            unsafe { f(hs.as_ptr() as *mut c_char, r.as_ptr() as *mut c_char, flags) };
        } else if cert {
            super::log_error(&format!(
                "Certificate failure for {}: {}",
                clip(&host_s, 80),
                clip(reason, 512)
            ));
        } else {
            super::log_error(&format!(
                "TLS/SSL failure for {}: {}",
                clip(&host_s, 80),
                clip(reason, 512)
            ));
        }
    };
    match failure {
        TlsFailure::Certificate { .. } => {
            report(&failure.reason(), true);
            flags & NET_TRYSSL != 0
        }
        TlsFailure::Declined => flags & NET_TRYSSL != 0,
        TlsFailure::Negotiation(r) => {
            if flags & NET_TRYSSL == 0 {
                report(r, false);
            }
            false
        }
    }
}

fn clip(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut e = n;
    while !s.is_char_boundary(e) {
        e -= 1;
    }
    &s[..e]
}

/// The STARTTLS hook installed as `SET_SSLSTART`: upgrades the TCP stream
/// in place and returns it as the SSL stream (NULL, with the TCP stream
/// closed, on failure).
///
/// # Safety
/// `stream` must be a TCP stream of this module; `host` NUL-terminated.
pub unsafe extern "C" fn ssl_start_hook(
    stream: *mut c_void,
    host: *mut c_char,
    flags: c_ulong,
) -> *mut c_void {
    super::guard("ssl_start_hook", null_mut(), || {
        // SAFETY: per the contract.
        let host = unsafe { c_bytes(host) }.unwrap_or(b"").to_vec();
        // SAFETY: per the contract.
        let Some(h) = (unsafe { handle(stream) }) else {
            return null_mut();
        };
        if start_tls(h, &host, flags) && h.conn.as_ref().is_some_and(|c| c.is_tls()) {
            return stream;
        }
        let keep_dummy = flags & NET_TRYSSL != 0 && h.conn.as_ref().is_some_and(|c| !c.is_open());
        // SAFETY: made by this module; not used by the caller after failure.
        unsafe { tcp_close(stream) };
        if keep_dummy {
            into_raw(Handle::new(None, &String::from_utf8_lossy(&host), 0))
        } else {
            null_mut()
        }
    })
}

/// `ssl_open`: TCP then TLS (implicit TLS).
///
/// # Safety
/// As `tcp_open`.
#[no_mangle]
pub unsafe extern "C" fn ssl_open(
    host: *mut c_char,
    service: *mut c_char,
    port: c_ulong,
) -> *mut c_void {
    super::guard("ssl_open", null_mut(), || {
        // SAFETY: per the contract.
        let stream = unsafe { tcp_open(host, service, port) };
        if stream.is_null() {
            return null_mut();
        }
        // SAFETY: just made.
        unsafe { ssl_start_hook(stream, host, port) }
    })
}

/// `ssl_aopen`: there is no pre-authenticated TLS session (NULL).
///
/// # Safety
/// Any arguments.
#[no_mangle]
#[allow(clippy::redundant_closure)] // the guard checker wants a closure
pub unsafe extern "C" fn ssl_aopen(
    _mb: *mut NETMBX,
    _service: *mut c_char,
    _usrbuf: *mut c_char,
) -> *mut c_void {
    super::guard("ssl_aopen", null_mut(), || null_mut())
}

/// `ssl_getline`: as `tcp_getline` (one stream kind serves both).
///
/// # Safety
/// As `tcp_getline`.
#[no_mangle]
pub unsafe extern "C" fn ssl_getline(stream: *mut c_void) -> *mut c_char {
    // SAFETY: forwarded contract.
    unsafe { tcp_getline(stream) }
}

/// `ssl_getbuffer`: as `tcp_getbuffer` (one stream kind serves both).
///
/// # Safety
/// As `tcp_getbuffer`.
#[no_mangle]
pub unsafe extern "C" fn ssl_getbuffer(
    stream: *mut c_void,
    size: c_ulong,
    s: *mut c_char,
) -> c_long {
    // SAFETY: forwarded contract.
    unsafe { tcp_getbuffer(stream, size, s) }
}

/// `ssl_getdata`: as `tcp_getdata` (one stream kind serves both).
///
/// # Safety
/// As `tcp_getdata`.
#[no_mangle]
pub unsafe extern "C" fn ssl_getdata(stream: *mut c_void) -> c_long {
    // SAFETY: forwarded contract.
    unsafe { tcp_getdata(stream) }
}

/// `ssl_soutr`: as `tcp_soutr` (one stream kind serves both).
///
/// # Safety
/// As `tcp_soutr`.
#[no_mangle]
pub unsafe extern "C" fn ssl_soutr(stream: *mut c_void, string: *mut c_char) -> c_long {
    // SAFETY: forwarded contract.
    unsafe { tcp_soutr(stream, string) }
}

/// `ssl_sout`: as `tcp_sout` (one stream kind serves both).
///
/// # Safety
/// As `tcp_sout`.
#[no_mangle]
pub unsafe extern "C" fn ssl_sout(
    stream: *mut c_void,
    string: *mut c_char,
    size: c_ulong,
) -> c_long {
    // SAFETY: forwarded contract.
    unsafe { tcp_sout(stream, string, size) }
}

/// `ssl_close`: as `tcp_close` (one stream kind serves both).
///
/// # Safety
/// As `tcp_close`.
#[no_mangle]
pub unsafe extern "C" fn ssl_close(stream: *mut c_void) {
    // SAFETY: forwarded contract.
    unsafe { tcp_close(stream) }
}

/// `ssl_host`: as `tcp_host` (one stream kind serves both).
///
/// # Safety
/// As `tcp_host`.
#[no_mangle]
pub unsafe extern "C" fn ssl_host(stream: *mut c_void) -> *mut c_char {
    // SAFETY: forwarded contract.
    unsafe { tcp_host(stream) }
}

/// `ssl_remotehost`: as `tcp_remotehost` (one stream kind serves both).
///
/// # Safety
/// As `tcp_remotehost`.
#[no_mangle]
pub unsafe extern "C" fn ssl_remotehost(stream: *mut c_void) -> *mut c_char {
    // SAFETY: forwarded contract.
    unsafe { tcp_remotehost(stream) }
}

/// `ssl_port`: as `tcp_port` (one stream kind serves both).
///
/// # Safety
/// As `tcp_port`.
#[no_mangle]
pub unsafe extern "C" fn ssl_port(stream: *mut c_void) -> c_ulong {
    // SAFETY: forwarded contract.
    unsafe { tcp_port(stream) }
}

/// `ssl_localhost`: as `tcp_localhost` (one stream kind serves both).
///
/// # Safety
/// As `tcp_localhost`.
#[no_mangle]
pub unsafe extern "C" fn ssl_localhost(stream: *mut c_void) -> *mut c_char {
    // SAFETY: forwarded contract.
    unsafe { tcp_localhost(stream) }
}

/// The TCP network driver (mail.c's `tcpdriver`).
pub static mut TCPDRIVER: NETDRIVER = NETDRIVER {
    open: Some(tcp_open),
    aopen: Some(tcp_aopen),
    getline: Some(tcp_getline),
    getbuffer: Some(tcp_getbuffer),
    soutr: Some(tcp_soutr),
    sout: Some(tcp_sout),
    close: Some(tcp_close),
    host: Some(tcp_host),
    remotehost: Some(tcp_remotehost),
    port: Some(tcp_port),
    localhost: Some(tcp_localhost),
};

/// The SSL network driver registered by `ssl_onceonlyinit`.
pub static mut SSLDRIVER: NETDRIVER = NETDRIVER {
    open: Some(ssl_open),
    aopen: Some(ssl_aopen),
    getline: Some(ssl_getline),
    getbuffer: Some(ssl_getbuffer),
    soutr: Some(ssl_soutr),
    sout: Some(ssl_sout),
    close: Some(ssl_close),
    host: Some(ssl_host),
    remotehost: Some(ssl_remotehost),
    port: Some(ssl_port),
    localhost: Some(ssl_localhost),
};

// ---- net_* dispatch ----

fn tcpdriver() -> *mut NETDRIVER {
    std::ptr::addr_of_mut!(TCPDRIVER)
}

/// `net_open_work`: opens through driver `dv`.
///
/// # Safety
/// `dv` must be a NETDRIVER; strings NUL-terminated or NULL.
#[no_mangle]
pub unsafe extern "C" fn net_open_work(
    dv: *mut NETDRIVER,
    host: *mut c_char,
    service: *mut c_char,
    port: c_ulong,
    portoverride: c_ulong,
    flags: c_ulong,
) -> *mut NETSTREAM {
    super::guard("net_open_work", null_mut(), || {
        let mut service = service;
        let mut flags = flags;
        let mut port = port;
        // SAFETY: per the contract.
        unsafe {
            if !service.is_null() && *service == b'*' as c_char {
                flags |= NET_NOOPENTIMEOUT;
                service = service.add(1);
            }
            if portoverride != 0 {
                service = null_mut();
                port = portoverride;
            }
            let Some(open) = dv.as_ref().and_then(|d| d.open) else {
                return null_mut();
            };
            let t = open(host, service, port | flags);
            if t.is_null() {
                return null_mut();
            }
            let s = super::memory::fs_get(std::mem::size_of::<NETSTREAM>()) as *mut NETSTREAM;
            s.write(NETSTREAM { stream: t, dtb: dv });
            s
        }
    })
}

/// `net_open`: opens the connection for a parsed name, choosing TCP, SSL
/// (`/ssl`) or an SSL attempt first (`/tryssl`), as the original.
///
/// # Safety
/// `mb` must be a NETMBX; drivers NULL or valid; `ssls` NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn net_open(
    mb: *mut NETMBX,
    dv: *mut NETDRIVER,
    port: c_ulong,
    ssld: *mut NETDRIVER,
    ssls: *mut c_char,
    sslp: c_ulong,
) -> *mut NETSTREAM {
    super::guard("net_open", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(m) = mb.as_mut() else {
                return null_mut();
            };
            let flags: c_ulong = if m.novalidate() != 0 {
                NET_NOVALIDATECERT
            } else {
                0
            };
            let host = m.host.as_mut_ptr();
            let service = m.service.as_mut_ptr();
            let hlen = c_field(&m.host).len();
            if hlen >= NETMAXHOST as usize {
                let h = c_field(&m.host);
                super::log_error(&format!(
                    "Invalid host name: {}",
                    String::from_utf8_lossy(&h[..h.len().min(80)])
                ));
                return null_mut();
            }
            let trysslfirst = super::params::number(Owner::Mail, GET_TRYSSLFIRST) != 0;
            if !dv.is_null() {
                net_open_work(dv, host, service, port, m.port, flags)
            } else if m.sslflag() != 0 && !ssld.is_null() {
                net_open_work(ssld, host, ssls, sslp, m.port, flags)
            } else if (m.trysslflag() != 0 || trysslfirst) && !ssld.is_null() && {
                let s = net_open_work(
                    ssld,
                    host,
                    ssls,
                    sslp,
                    m.port,
                    flags | NET_SILENT | NET_TRYSSL,
                );
                if !s.is_null() {
                    if net_sout(s, c"".as_ptr() as *mut c_char, 0) != 0 {
                        m.set_sslflag(1);
                        return s;
                    }
                    net_close(s);
                }
                false
            } {
                null_mut()
            } else {
                net_open_work(tcpdriver(), host, service, port, m.port, flags)
            }
        }
    })
}

/// `net_aopen`: a pre-authenticated session through `dv` (default TCP).
///
/// # Safety
/// As `tcp_aopen`.
#[no_mangle]
pub unsafe extern "C" fn net_aopen(
    dv: *mut NETDRIVER,
    mb: *mut NETMBX,
    service: *mut c_char,
    user: *mut c_char,
) -> *mut NETSTREAM {
    super::guard("net_aopen", null_mut(), || {
        let dv = if dv.is_null() { tcpdriver() } else { dv };
        // SAFETY: per the contract.
        unsafe {
            let Some(aopen) = (*dv).aopen else {
                return null_mut();
            };
            let t = aopen(mb, service, user);
            if t.is_null() {
                return null_mut();
            }
            let s = super::memory::fs_get(std::mem::size_of::<NETSTREAM>()) as *mut NETSTREAM;
            s.write(NETSTREAM { stream: t, dtb: dv });
            s
        }
    })
}

macro_rules! net_dispatch {
    ($($(#[$doc:meta])* $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty = $slot:ident, $fail:expr;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// `stream` must be a NETSTREAM made by `net_open`/`net_aopen`.
        #[no_mangle]
        pub unsafe extern "C" fn $name(stream: *mut NETSTREAM $(, $arg: $ty)*) -> $ret {
            super::guard(stringify!($name), $fail, || {
                // SAFETY: per the contract.
                unsafe {
                    let Some(s) = stream.as_ref() else { return $fail };
                    let Some(d) = s.dtb.as_ref() else { return $fail };
                    match d.$slot {
                        Some(f) => f(s.stream $(, $arg)*),
                        None => $fail,
                    }
                }
            })
        }
    )*};
}

net_dispatch! {
    /// `net_getline`.
    net_getline() -> *mut c_char = getline, null_mut();
    /// `net_soutr`.
    net_soutr(string: *mut c_char) -> c_long = soutr, 0;
    /// `net_sout`.
    net_sout(string: *mut c_char, size: c_ulong) -> c_long = sout, 0;
    /// `net_host`.
    net_host() -> *mut c_char = host, null_mut();
    /// `net_remotehost`.
    net_remotehost() -> *mut c_char = remotehost, null_mut();
    /// `net_port`.
    net_port() -> c_ulong = port, 0;
    /// `net_localhost`.
    net_localhost() -> *mut c_char = localhost, null_mut();
}

/// `net_getbuffer`: `size` bytes into `buffer` (a NETSTREAM as `void *`).
///
/// # Safety
/// `st` must be a NETSTREAM; `buffer` must have `size + 1` bytes.
#[no_mangle]
pub unsafe extern "C" fn net_getbuffer(
    st: *mut c_void,
    size: c_ulong,
    buffer: *mut c_char,
) -> c_long {
    super::guard("net_getbuffer", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(s) = (st as *mut NETSTREAM).as_ref() else {
                return 0;
            };
            let Some(d) = s.dtb.as_ref() else { return 0 };
            match d.getbuffer {
                Some(f) => f(s.stream, size, buffer),
                None => 0,
            }
        }
    })
}

/// `net_close`: closes the connection and frees the NETSTREAM.
///
/// # Safety
/// `stream` must be a NETSTREAM, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn net_close(stream: *mut NETSTREAM) {
    super::guard("net_close", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(s) = stream.as_mut() else { return };
            if !s.stream.is_null() {
                if let Some(close) = s.dtb.as_ref().and_then(|d| d.close) {
                    close(s.stream);
                }
            }
            let mut p = stream as *mut c_void;
            super::memory::fs_give(&mut p);
        }
    })
}

// The `/auth=` code takes bits 12 to 14: every mechanism's code fits.
const _: () = assert!(crate::net::Mechanism::ALL.len() < 8);

/// Which SASL mechanism a name's `/auth=` switch chose, kept in spare bits
/// (12 to 14) of NETMBX's flag word, which the original leaves zero.
pub fn forced_mechanism(mb: &NETMBX) -> Option<crate::net::Mechanism> {
    let bits = (mb._bitfield_1.get(12, 3)) as u8;
    crate::store::names::mechanism_from_code(bits)
}

/// Stores the `/auth=` choice in NETMBX's spare bits.
pub fn set_forced_mechanism(mb: &mut NETMBX, m: Option<crate::net::Mechanism>) {
    mb._bitfield_1
        .set(12, 3, crate::store::names::mechanism_code(m) as u64);
}

/// Whether the name carried `/apop` (ours), kept in spare bit 15 of
/// NETMBX's flag word.
pub fn apop_flag(mb: &NETMBX) -> bool {
    mb._bitfield_1.get(15, 1) != 0
}

/// Stores the `/apop` switch in NETMBX's spare bit 15.
pub fn set_apop_flag(mb: &mut NETMBX, on: bool) {
    mb._bitfield_1.set(15, 1, on as u64);
}

/// Whether the name carried `/nocompress` (ours), kept in bit 16 of
/// NETMBX's flag word (the `unsigned int` holding the flags: its upper
/// half is what bindgen calls padding, and the parser clears it).
pub fn nocompress_flag(mb: &NETMBX) -> bool {
    mb.__bindgen_padding_0[0] & 1 != 0
}

/// Stores the `/nocompress` switch in bit 16 of NETMBX's flag word.
pub fn set_nocompress_flag(mb: &mut NETMBX, on: bool) {
    mb.__bindgen_padding_0[0] = (mb.__bindgen_padding_0[0] & !1) | u16::from(on);
}

/// Whether the name carried `/utf8` (ours), kept in bit 17 of NETMBX's
/// flag word (next to `/nocompress`).
pub fn utf8_flag(mb: &NETMBX) -> bool {
    mb.__bindgen_padding_0[0] & 2 != 0
}

/// Stores the `/utf8` switch in bit 17 of NETMBX's flag word.
pub fn set_utf8_flag(mb: &mut NETMBX, on: bool) {
    mb.__bindgen_padding_0[0] = (mb.__bindgen_padding_0[0] & !2) | (u16::from(on) << 1);
}

/// A server's base64 SASL challenge as an authenticator takes it: an
/// `fs_get` copy with a NUL after it, its length stored in `len`. Text that
/// is not base64 is reported as "<PROTOCOL> SERVER BUG (invalid challenge):
/// ..." (80 bytes of it) and gives NULL, as each of the original's
/// protocol drivers does.
///
/// # Safety
/// `len` NULL or writable.
pub unsafe fn sasl_challenge(text: &[u8], len: *mut c_ulong, protocol: &[u8]) -> *mut c_void {
    match crate::net::sasl::decode64(text) {
        Some(v) => {
            // SAFETY: fs_get gives v.len() + 1 writable bytes; `len` per
            // the contract.
            unsafe {
                let p = super::memory::fs_get(v.len() + 1) as *mut u8;
                std::ptr::copy_nonoverlapping(v.as_ptr(), p, v.len());
                *p.add(v.len()) = 0;
                if !len.is_null() {
                    *len = v.len() as c_ulong;
                }
                p as *mut c_void
            }
        }
        None => {
            let mut m = crate::net::sasl_loop::invalid_challenge(protocol, text);
            m.push(0);
            // SAFETY: NUL-terminated, alive across the call.
            unsafe { super::callbacks::mm_log(m.as_mut_ptr() as *mut c_char, ERROR as c_long) };
            std::ptr::null_mut()
        }
    }
}

/// The line that carries a SASL response: "*" (cancel) for NULL, else the
/// `size` bytes in base64 (an empty line for none).
///
/// # Safety
/// `response` NULL or `size` readable bytes.
pub unsafe fn sasl_response_line(response: *const c_char, size: c_ulong) -> Vec<u8> {
    let data = if response.is_null() {
        None
    } else if size == 0 {
        Some(&[][..])
    } else {
        // SAFETY: per the contract.
        Some(unsafe { std::slice::from_raw_parts(response as *const u8, size as usize) })
    };
    crate::net::sasl_loop::response_line(data)
}

/// Turns a send stream's connection into TLS after the server accepted
/// STARTTLS: installs the SSL driver `ssld` and calls the SSL start hook
/// `stls` with the mailbox's TLS flags. False (the connection closed and
/// the failure logged, as the original's SMTP and NNTP clients do) when
/// the handshake fails.
///
/// # Safety
/// `stream` a live SENDSTREAM with a net stream; `ssld` and `stls` the
/// installed SSL driver and start hook.
pub unsafe fn sendstream_starttls(
    stream: *mut SENDSTREAM,
    mb: &mut NETMBX,
    ssld: *mut NETDRIVER,
    stls: usize,
) -> bool {
    // SAFETY: per the contract; the hook word is the installed sslstart_t.
    unsafe {
        mb.set_tlsflag(1);
        (*(*stream).netstream).dtb = ssld;
        let start: unsafe extern "C" fn(*mut c_void, *mut c_char, c_ulong) -> *mut c_void =
            std::mem::transmute(stls);
        let tls_client = if mb.tlssslv23() != 0 {
            0
        } else {
            NET_TLSCLIENT
        };
        let novalidate = if mb.novalidate() != 0 {
            NET_NOVALIDATECERT
        } else {
            0
        };
        let t = start(
            (*(*stream).netstream).stream,
            mb.host.as_mut_ptr(),
            (tls_client | novalidate) as c_ulong,
        );
        (*(*stream).netstream).stream = t;
        if t.is_null() {
            let host: Vec<u8> = mb
                .host
                .iter()
                .take_while(|&&c| c != 0)
                .take(80)
                .map(|&c| c as u8)
                .collect();
            let mut m = [&b"Unable to negotiate TLS with this server: "[..], &host].concat();
            m.push(0);
            super::callbacks::mm_log(m.as_mut_ptr() as *mut c_char, ERROR as c_long);
            net_close((*stream).netstream);
            (*stream).netstream = null_mut();
            return false;
        }
        true
    }
}

/// How a send-stream protocol (SMTP, NNTP posting) runs SASL: its
/// command, reply codes, challenge/response hooks and names.
pub(crate) struct SendSasl<'a> {
    /// "AUTH" or "AUTHINFO SASL".
    pub command: &'a [u8],
    /// The reply that starts an exchange, and the one that ends it well.
    pub ready: c_long,
    pub authed: c_long,
    pub challenge: authchallenge_t,
    pub response: authrespond_t,
    /// The service name the authenticators are given ("smtp", "nntp").
    pub service: &'a std::ffi::CStr,
    /// "SMTP" or "NNTP", for the cancellation message.
    pub label: &'a str,
    pub maxtrials: c_ulong,
    /// Sends a command and returns the reply code.
    pub send: unsafe fn(*mut SENDSTREAM, &[u8], Option<&[u8]>) -> c_long,
}

/// The authenticators of a mask of the library's list, lowest bit first,
/// up to the first one missing.
pub(crate) fn authenticators_of(mut auths: c_ulong) -> Vec<*mut AUTHENTICATOR> {
    let mut v = Vec::new();
    while auths != 0 {
        let bit = auths.trailing_zeros() as c_ulong;
        auths &= !(1 << bit);
        let at = super::registry::mail_lookup_auth(bit + 1);
        if at.is_null() {
            break;
        }
        v.push(at);
    }
    v
}

/// A send stream's side of the SASL loop (`crate::net::sasl_loop`): the
/// command and reply codes, and the authenticator's client function.
struct SendExchange<'a> {
    stream: *mut SENDSTREAM,
    mb: &'a mut NETMBX,
    usr: *mut c_char,
    p: &'a SendSasl<'a>,
}

impl crate::net::sasl_loop::Exchange for SendExchange<'_> {
    fn connected(&self) -> bool {
        // SAFETY: the stream is live for the loop.
        unsafe { !(*self.stream).netstream.is_null() }
    }
    fn begin(&mut self, at: &crate::net::sasl_loop::Authenticator) -> bool {
        // SAFETY: the stream is live for the loop.
        unsafe { (self.p.send)(self.stream, self.p.command, Some(&at.name)) == self.p.ready }
    }
    fn client(&mut self, at: &crate::net::sasl_loop::Authenticator, trial: &mut u64) -> bool {
        let a = at.id as *mut AUTHENTICATOR;
        // SAFETY: `id` is a registered authenticator (see send_sasl_loop).
        let Some(client) = (unsafe { (*a).client }) else {
            return false;
        };
        let mut t: c_ulong = *trial;
        // SAFETY: the authenticator's client with the protocol's
        // challenge/response functions, the live NETMBX and stream, and
        // the MAILTMPLEN user buffer.
        let r = unsafe {
            client(
                self.p.challenge,
                self.p.response,
                self.p.service.as_ptr() as *mut c_char,
                self.mb,
                self.stream as *mut c_void,
                &mut t,
                self.usr,
            )
        };
        *trial = t;
        r != 0
    }
    fn outcome(&self) -> Option<bool> {
        // SAFETY: the stream is live for the loop.
        Some(unsafe { (*self.stream).replycode == self.p.authed })
    }
    fn reply(&self) -> Vec<u8> {
        // SAFETY: the reply is NULL or NUL-terminated.
        unsafe { c_bytes((*self.stream).reply).unwrap_or(b"").to_vec() }
    }
    fn set_sensitive(&mut self, on: bool) {
        // SAFETY: the stream is live for the loop.
        unsafe { (*self.stream).set_sensitive(on as _) }
    }
    fn clear_cancel(&mut self) {
        // SAFETY: the stream is live for the loop.
        unsafe { (*self.stream).set_saslcancel(0) }
    }
    fn log(&mut self, text: &[u8], level: crate::net::sasl_loop::Level) {
        use crate::net::sasl_loop::Level;
        let l = match level {
            Level::Info => 0,
            Level::Warn => WARN as c_long,
            Level::Error => ERROR as c_long,
        };
        super::log_bytes(text, l);
    }
}

/// The library's SASL loop (`crate::net::sasl_loop::run`) on a send
/// stream over the authenticators `ats` (up to the first NULL). Returns
/// whether one succeeded and the last failure text (the caller reports
/// it, its wording being per protocol).
///
/// # Safety
/// `stream` live; `usr` a MAILTMPLEN buffer; `ats` registered
/// authenticators or NULL.
pub(crate) unsafe fn send_sasl_loop(
    stream: *mut SENDSTREAM,
    mb: &mut NETMBX,
    usr: *mut c_char,
    ats: &[*mut AUTHENTICATOR],
    p: &SendSasl,
) -> (bool, Option<Vec<u8>>) {
    let list: Vec<crate::net::sasl_loop::Authenticator> = ats
        .iter()
        .take_while(|at| !at.is_null())
        // SAFETY: registered authenticators live for the process.
        .map(|&at| unsafe {
            crate::net::sasl_loop::Authenticator {
                name: c_bytes((*at).name).unwrap_or(b"").to_vec(),
                secure: (*at).flags & AU_SECURE as c_long != 0,
                id: at as usize,
            }
        })
        .collect();
    let mut x = SendExchange { stream, mb, usr, p };
    let o = crate::net::sasl_loop::run(
        &mut x,
        &list,
        crate::net::sasl_loop::Options {
            label: p.label,
            maxtrials: p.maxtrials,
        },
    );
    (o.ok, o.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_never_grows_from_arguments() {
        let v = command_argv(
            "%s %s -l %s exec /etc/r%sd",
            &["/usr/bin/rsh", "h;x y", "u", "imap"],
        );
        assert_eq!(
            v,
            ["/usr/bin/rsh", "h;x y", "-l", "u", "exec", "/etc/rimapd"]
        );
        assert!(!safe_remote_host(b"-oProxyCommand=x"));
        assert!(!safe_remote_host(b"a b"));
        assert!(!safe_remote_host(b"a;b"));
        assert!(safe_remote_host(b"mail.example.com"));
    }
}

/// The connection calls of a SENDSTREAM that the SMTP and NNTP-posting
/// peers share (each implements its own protocol's `Peer` over them).
pub(crate) mod sendstream {
    use super::super::bindings::SENDSTREAM;
    use super::super::memory::{c_bytes, fs_give};
    use super::{net_close, net_getline, net_sout};
    use std::os::raw::{c_char, c_ulong, c_void};
    use std::ptr::null_mut;

    /// Whether the stream still has its connection.
    ///
    /// # Safety
    /// `s` a live SENDSTREAM.
    pub(crate) unsafe fn connected(s: *mut SENDSTREAM) -> bool {
        // SAFETY: per the contract.
        unsafe { !(*s).netstream.is_null() }
    }

    /// One reply line, without its CRLF; `None` when the connection is
    /// gone or broke.
    ///
    /// # Safety
    /// `s` a live SENDSTREAM.
    pub(crate) unsafe fn getline(s: *mut SENDSTREAM) -> Option<Vec<u8>> {
        // SAFETY: per the contract; net_getline's line is ours to free.
        unsafe {
            let ns = (*s).netstream;
            if ns.is_null() {
                return None;
            }
            let mut p = net_getline(ns);
            let line = c_bytes(p)?.to_vec();
            fs_give(&mut p as *mut *mut c_char as *mut *mut c_void);
            Some(line)
        }
    }

    /// Writes `data`; false when there is no connection or it failed.
    ///
    /// # Safety
    /// `s` a live SENDSTREAM.
    pub(crate) unsafe fn sout(s: *mut SENDSTREAM, data: &[u8]) -> bool {
        let mut v = data.to_vec();
        // SAFETY: per the contract; v outlives the call.
        unsafe {
            let ns = (*s).netstream;
            !ns.is_null() && net_sout(ns, v.as_mut_ptr() as *mut c_char, v.len() as c_ulong) != 0
        }
    }

    /// Closes the connection, if any.
    ///
    /// # Safety
    /// `s` a live SENDSTREAM.
    pub(crate) unsafe fn hang_up(s: *mut SENDSTREAM) {
        // SAFETY: per the contract.
        unsafe {
            if !(*s).netstream.is_null() {
                net_close((*s).netstream);
                (*s).netstream = null_mut();
            }
        }
    }
}
