//! The server side of the toolkit: what a server started by inetd (UW
//! imapd, ipop3d, the reference servers in `pine-compat/`) calls.
//!
//! - [`init`]: syslog identity, signal handlers, umask, the system
//!   configuration, and the choice of implicit TLS by port, service name
//!   and program name;
//! - the names of the connection on standard input ([`client_host`] …);
//! - [`login`]: plaintext logins (`server_login`), the `PASSWDTYPE` back
//!   ends, privilege drop, anonymous logins;
//! - [`sasl`]: the server halves of LOGIN, PLAIN, CRAM-MD5 and APOP and
//!   the CRAM-MD5 password file.
//!
//! The plain stdio transport itself is in `os::server`; the C face is
//! `abi::server`.

pub mod login;
pub mod sasl;
pub mod tls;

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

use crate::os::server as sys;

/// The original's default syslog facility for servers.
pub const SYSLOG_FACILITY: i32 = libc::LOG_MAIL;

#[derive(Default)]
struct State {
    /// Syslog identity given to `server_init`.
    name: Option<Vec<u8>>,
    client_host: Option<Vec<u8>>,
    client_addr: Option<Vec<u8>>,
    client_port: Option<i64>,
    server_host: Option<Vec<u8>>,
    server_addr: Option<Vec<u8>>,
    server_port: Option<i64>,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> R {
    let mut g: MutexGuard<Option<State>> = STATE.lock().unwrap_or_else(|e| e.into_inner());
    f(g.get_or_insert_with(State::default))
}

/// The syslog identity set by [`init`], if any.
pub fn server_name() -> Option<Vec<u8>> {
    with_state(|s| s.name.clone())
}

/// Signal handlers given to `server_init` (C function addresses, 0 none).
#[derive(Clone, Copy, Default)]
pub struct Handlers {
    pub clock: usize,
    pub kiss_of_death: usize,
    pub hangup: usize,
    pub terminate: usize,
    pub status: usize,
}

/// Whether `init` decided the session is implicit TLS.
#[derive(Debug, PartialEq, Eq)]
pub enum Transport {
    Plain,
    ImplicitTls,
}

/// `server_init`: with all three names (the first call), opens the log
/// as `server`, closes stderr, reads the system configuration, tightens a
/// zero umask to 022; always arms the handlers; on the first call and a
/// socket stdin, decides whether the port is the TLS one: the `service`
/// port is plain, the `sslservice` port is TLS, any other port is TLS when
/// the server's name begins with "s".
pub fn init(
    server: Option<&[u8]>,
    service: Option<&[u8]>,
    sslservice: Option<&[u8]>,
    h: Handlers,
    reverse_dns: bool,
) -> Transport {
    let once = server.is_some() && service.is_some() && sslservice.is_some();
    if let (true, Some(name)) = (once, server) {
        with_state(|s| s.name = Some(name.to_vec()));
        sys::open_log(name, SYSLOG_FACILITY);
        sys::close_stderr();
        crate::env::rc::dorc(None, false);
        let old = sys::set_umask(0o022);
        if old != 0 && old != 0o022 {
            sys::set_umask(old);
        }
    }
    sys::arm(libc::SIGALRM, h.clock);
    sys::arm(libc::SIGUSR2, h.kiss_of_death);
    sys::arm(libc::SIGHUP, h.hangup);
    sys::arm(libc::SIGPIPE, h.hangup);
    sys::arm(libc::SIGTERM, h.terminate);
    if h.status != 0 {
        sys::arm(libc::SIGUSR1, h.status);
    }
    let (Some(server), Some(service), Some(sslservice), true) = (server, service, sslservice, once)
    else {
        return Transport::Plain;
    };
    let Some(port) = server_port() else {
        return Transport::Plain;
    };
    let from = client_addr();
    let debug = |text: String| crate::os::syslog::log(libc::LOG_DEBUG, text.as_bytes());
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if sys::service_port(service) == Some(port as u16) {
        debug(format!(
            "{} service init from {}",
            lossy(service),
            lossy(&from)
        ));
        Transport::Plain
    } else if sys::service_port(sslservice) == Some(port as u16) {
        debug(format!(
            "{} SSL service init from {}",
            lossy(sslservice),
            lossy(&from)
        ));
        Transport::ImplicitTls
    } else {
        debug(format!("port {port} service init from {}", lossy(&from)));
        let _ = reverse_dns;
        if server.first() == Some(&b's') {
            Transport::ImplicitTls
        } else {
            Transport::Plain
        }
    }
}

fn name_valid(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 256
        && n.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
}

/// `tcp_name`: "[address]", or with reverse DNS the name (followed by the
/// bracketed address when `verbose`).
fn socket_text(a: &SocketAddr, verbose: bool, reverse_dns: bool) -> Vec<u8> {
    let adr = format!("[{}]", crate::net::transport::address_text(&a.ip()));
    if reverse_dns {
        if let Some(n) = crate::os::host::reverse_name(&a.ip()).filter(|n| name_valid(n)) {
            return if verbose { format!("{n} {adr}") } else { n }.into_bytes();
        }
    }
    adr.into_bytes()
}

fn fill_client(s: &mut State, a: &SocketAddr) {
    if s.client_addr.is_none() {
        s.client_addr = Some(crate::net::transport::address_text(&a.ip()).into_bytes());
    }
    if s.client_port.is_none() {
        s.client_port = Some(i64::from(a.port()));
    }
}

fn fill_server(s: &mut State, a: &SocketAddr) {
    if s.server_addr.is_none() {
        s.server_addr = Some(crate::net::transport::address_text(&a.ip()).into_bytes());
    }
    if s.server_port.is_none() {
        s.server_port = Some(i64::from(a.port()));
    }
}

/// Name of the client for log lines when stdin is no socket: from
/// SSH_CLIENT, KRB5REMOTEADDR or SSH2_CLIENT (first word), else UNKNOWN.
fn non_socket_client() -> Vec<u8> {
    for var in ["SSH_CLIENT", "KRB5REMOTEADDR", "SSH2_CLIENT"] {
        if let Some(v) = std::env::var_os(var) {
            let v = v.into_encoded_bytes();
            let first = v.split(|&c| c == b' ').next().unwrap_or(&[]);
            let first = &first[..first.len().min(80)];
            let mut out = var.as_bytes().to_vec();
            out.push(b'=');
            out.extend_from_slice(first);
            return out;
        }
    }
    b"UNKNOWN".to_vec()
}

/// `tcp_clienthost`: the client's name and address ("name [addr]" with
/// reverse DNS, "[addr]" without), kept after the first call.
pub fn client_host_with(reverse_dns: bool) -> Vec<u8> {
    if let Some(h) = with_state(|s| s.client_host.clone()) {
        return h;
    }
    let host = match sys::peer_address(0) {
        Some(a) => {
            with_state(|s| fill_client(s, &a));
            socket_text(&a, true, reverse_dns)
        }
        None => non_socket_client(),
    };
    with_state(|s| s.client_host.get_or_insert(host).clone())
}

/// [`client_host_with`] with the library's reverse-DNS setting.
pub fn client_host() -> Vec<u8> {
    client_host_with(reverse_dns_allowed())
}

/// Whether reverse DNS is allowed (`SET_ALLOWREVERSEDNS`).
pub fn reverse_dns_allowed() -> bool {
    crate::env::params::number(crate::env::params::Owner::Tcp, 312) != 0
}

/// `tcp_clientaddr`: the client's address, "UNKNOWN" when stdin is no
/// socket.
pub fn client_addr() -> Vec<u8> {
    if let Some(a) = with_state(|s| s.client_addr.clone()) {
        return a;
    }
    match sys::peer_address(0) {
        Some(a) => with_state(|s| {
            fill_client(s, &a);
            s.client_addr.clone().unwrap_or_default()
        }),
        None => with_state(|s| s.client_addr.get_or_insert(b"UNKNOWN".to_vec()).clone()),
    }
}

/// `tcp_clientport`: the client's port, -1 when unknown.
pub fn client_port() -> i64 {
    client_addr();
    with_state(|s| s.client_port.unwrap_or(-1))
}

/// `tcp_serveraddr`: this side's address, "UNKNOWN" when stdin is no
/// socket.
pub fn server_addr() -> Vec<u8> {
    if let Some(a) = with_state(|s| s.server_addr.clone()) {
        return a;
    }
    match sys::local_address(0) {
        Some(a) => with_state(|s| {
            fill_server(s, &a);
            s.server_addr.clone().unwrap_or_default()
        }),
        None => with_state(|s| s.server_addr.get_or_insert(b"UNKNOWN".to_vec()).clone()),
    }
}

/// `tcp_serverhost`: this side's name ("[addr]", or the reverse-DNS name),
/// the local host name when stdin is no socket.
pub fn server_host_with(reverse_dns: bool, local_host: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    if let Some(h) = with_state(|s| s.server_host.clone()) {
        return h;
    }
    let host = match sys::local_address(0) {
        Some(a) => {
            with_state(|s| fill_server(s, &a));
            socket_text(&a, false, reverse_dns)
        }
        None => local_host(),
    };
    with_state(|s| s.server_host.get_or_insert(host).clone())
}

/// `tcp_serverport`: this side's port, None when stdin is no socket.
pub fn server_port() -> Option<i64> {
    server_addr();
    with_state(|s| s.server_port)
}

/// `server_input_wait`: whether input arrives on stdin within `seconds`.
pub fn input_wait(seconds: i64) -> bool {
    sys::wait_readable(0, seconds)
}
