//! The byte stream under every network client: TCP (IPv4 and IPv6, every
//! address of a name tried in turn), TLS through rustls (implicit or
//! upgraded with STARTTLS), or a pipe to a pre-authenticating rsh/ssh
//! process. Reads and writes honour the configured timeouts on every kind
//! alike; a timeout asks the caller's hook whether to keep waiting, as the
//! original's `SET_TIMEOUT` callback does.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::tls::{self, TlsOptions, TlsSession};

/// Longest line `getline` assembles before giving up (a hostile server
/// cannot make us hold more than this for one line).
pub const DEFAULT_MAX_LINE: usize = 64 * 1024 * 1024;

/// Size of one read from the peer. 16 KB: the buffer lives as long as the
/// connection, and literals are read straight into their own blocks, so a
/// larger one only adds to the resident set (the original reads 8 KB).
const READ_CHUNK: usize = 16 * 1024;

/// The buffer's length for a read after `len` bytes kept: one chunk when
/// a quarter of it is still free (the buffer then never grows past it),
/// else a chunk more.
fn grown(len: usize) -> usize {
    if len <= READ_CHUNK - READ_CHUNK / 4 {
        READ_CHUNK
    } else {
        len + READ_CHUNK
    }
}

/// Severity of a progress line the transport reports while opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// The original's `mm_log(..., NIL)`: informational.
    Info,
    /// `WARN`: an address failed but another will be tried.
    Warn,
    /// `TCPDEBUG` telemetry (only when debugging is asked for).
    Debug,
}

/// Receives the transport's progress lines.
pub type LogHook = Arc<dyn Fn(LogKind, &str) + Send + Sync>;

/// Asked when a read or write has waited its full timeout: the arguments
/// are the seconds since the operation began and since the last wait
/// began; `true` keeps waiting (the original's `tcptimeout_t`).
pub type TimeoutHook = Arc<dyn Fn(u64, u64) -> bool + Send + Sync>;

/// Timeouts in seconds; `None` waits for ever (the original's 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    pub open: Option<u64>,
    pub read: Option<u64>,
    pub write: Option<u64>,
    pub close: Option<u64>,
}

impl Timeouts {
    /// From the original's parameter words (0 or negative means none).
    pub fn from_secs(open: i64, read: i64, write: i64, close: i64) -> Timeouts {
        let f = |v: i64| if v > 0 { Some(v as u64) } else { None };
        Timeouts {
            open: f(open),
            read: f(read),
            write: f(write),
            close: f(close),
        }
    }
}

/// What to connect to and how.
#[derive(Clone, Default)]
pub struct OpenOptions {
    /// Host name, dotted/colon address, or `[address]` domain literal.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// A service name looked up in /etc/services; when found it overrides
    /// `port` (as the original's `getservbyname`).
    pub service: Option<String>,
    pub timeouts: Timeouts,
    /// Start TLS right after connecting (implicit TLS, `/ssl`).
    pub tls: Option<TlsOptions>,
    /// Do not apply the open timeout (the original's `NET_NOOPENTIMEOUT`).
    pub no_open_timeout: bool,
    /// Suppress the per-address warnings (the original's `NET_SILENT`).
    pub silent: bool,
    /// Report the `TCPDEBUG` telemetry through `log`.
    pub debug: bool,
    /// Longest line accepted by `getline` (0 = `DEFAULT_MAX_LINE`).
    pub max_line: usize,
    pub log: Option<LogHook>,
    pub timeout_hook: Option<TimeoutHook>,
}

impl fmt::Debug for OpenOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("service", &self.service)
            .field("timeouts", &self.timeouts)
            .field("tls", &self.tls)
            .field("silent", &self.silent)
            .finish()
    }
}

/// Why a network operation failed. `Display` gives the original's text
/// where it has one.
#[derive(Debug)]
pub enum NetError {
    /// The name did not resolve: "No such host as ...".
    NoSuchHost(String),
    /// A `[...]` literal that is not an address.
    BadLiteral(String),
    /// Every address refused or timed out; the text is the last attempt's.
    Connect(String),
    /// A read or write timed out and the hook said stop.
    Timeout,
    /// The peer closed the connection.
    Closed,
    /// A line longer than the limit.
    LineTooLong,
    /// Other I/O failure.
    Io(io::Error),
    /// TLS failed; see `tls::TlsFailure` for the kinds.
    Tls(tls::TlsFailure),
    /// An operation that the stream's kind cannot do (e.g. TLS over a pipe).
    Unsupported(&'static str),
    /// A pre-authenticated (rsh/ssh) session is disabled or refused.
    Refused(String),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::NoSuchHost(h) => write!(f, "No such host as {}", clip(h, 80)),
            NetError::BadLiteral(h) => write!(f, "Bad format domain-literal: {}", clip(h, 80)),
            NetError::Connect(t) => f.write_str(t),
            NetError::Timeout => f.write_str("TCP data read timeout"),
            NetError::Closed => f.write_str("TCP data read end of file"),
            NetError::LineTooLong => f.write_str("Line too long from server"),
            NetError::Io(e) => write!(f, "TCP I/O error: {e}"),
            NetError::Tls(t) => write!(f, "{t}"),
            NetError::Unsupported(w) => write!(f, "Not supported on this connection: {w}"),
            NetError::Refused(w) => f.write_str(w),
        }
    }
}

impl std::error::Error for NetError {}

fn clip(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The strerror text of an I/O error, without Rust's "(os error N)".
fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// Port of a service in /etc/services ("imap" -> 143), as getservbyname.
pub fn service_port(service: &str) -> Option<u16> {
    let text = std::fs::read_to_string("/etc/services").ok()?;
    service_port_in(&text, service)
}

fn service_port_in(text: &str, service: &str) -> Option<u16> {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(name), Some(portproto)) = (words.next(), words.next()) else {
            continue;
        };
        let Some((port, proto)) = portproto.split_once('/') else {
            continue;
        };
        if proto != "tcp" {
            continue;
        }
        if name == service || words.any(|a| a == service) {
            if let Ok(p) = port.parse::<u16>() {
                return Some(p);
            }
        }
    }
    None
}

/// Parses an address in text form: dotted IPv4 or IPv6 (with an optional
/// "IPv6:" prefix as in RFC 5321 literals).
pub fn parse_address(text: &str) -> Option<IpAddr> {
    let t = text
        .strip_prefix("IPv6:")
        .or_else(|| text.strip_prefix("ipv6:"))
        .unwrap_or(text);
    t.parse::<IpAddr>().ok()
}

/// Text of an address as the original's `ip_sockaddrtostring`.
pub fn address_text(a: &IpAddr) -> String {
    match a {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("::ffff:{v4}"),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

enum Io {
    Plain(TcpStream),
    Tls(Box<TlsSession>, TcpStream),
    Pipe(PipeIo),
    Gone,
}

struct PipeIo {
    child: Child,
    input: ChildStdin,
    output: Receiver<io::Result<Vec<u8>>>,
}

/// An open connection. Reads are buffered; lines and literals are taken
/// from the buffer.
pub struct Connection {
    io: Io,
    buf: Vec<u8>,
    pos: usize,
    /// Official name of the host as resolved (the original's `host`).
    host: String,
    /// Address of the peer ("" for a pipe).
    peer: Option<SocketAddr>,
    port: u16,
    timeouts: Timeouts,
    max_line: usize,
    timeout_hook: Option<TimeoutHook>,
    log: Option<LogHook>,
    debug: bool,
    /// The socket's read and write timeouts as last set (None: unknown):
    /// each read or write sets them only when they changed, not with two
    /// more system calls every time.
    applied: SocketTimeouts,
    /// RFC 4978 deflate layered over the bytes of `io` (IMAP COMPRESS).
    z: Option<Box<Deflate>>,
}

/// Raw deflate in both directions: what we send is compressed and flushed
/// to a byte boundary at the end of each write (so that the peer can act
/// on a command without waiting for more), what comes is inflated into the
/// line buffer.
struct Deflate {
    out: flate2::Compress,
    inp: flate2::Decompress,
    /// Compressed bytes read from the peer and not yet inflated.
    raw: Vec<u8>,
    rpos: usize,
}

#[derive(Default)]
struct SocketTimeouts {
    read: std::cell::Cell<Option<Option<Duration>>>,
    write: std::cell::Cell<Option<Option<Duration>>>,
}

impl SocketTimeouts {
    fn read(&self, sock: &TcpStream, d: Option<Duration>) {
        if self.read.get() != Some(d) {
            let ok = sock.set_read_timeout(d).is_ok();
            self.read.set(ok.then_some(d));
        }
    }
    fn write(&self, sock: &TcpStream, d: Option<Duration>) {
        if self.write.get() != Some(d) {
            let ok = sock.set_write_timeout(d).is_ok();
            self.write.set(ok.then_some(d));
        }
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("host", &self.host)
            .field("peer", &self.peer)
            .field("tls", &self.is_tls())
            .finish()
    }
}

impl Connection {
    /// Resolves the host, tries each of its addresses in turn (IPv4 and
    /// IPv6), and starts TLS if `opts.tls` says so.
    pub fn open(opts: &OpenOptions) -> Result<Connection, NetError> {
        let port = opts
            .service
            .as_deref()
            .and_then(service_port)
            .unwrap_or(opts.port);
        let log = |k: LogKind, t: &str| {
            if let Some(h) = &opts.log {
                h(k, t)
            }
        };
        let host = opts.host.as_str();
        let (addrs, official): (Vec<IpAddr>, String) =
            if host.starts_with('[') && host.ends_with(']') && host.len() >= 2 {
                let inner = &host[1..host.len() - 1];
                match parse_address(inner) {
                    Some(a) => (vec![a], host.to_string()),
                    None => return Err(NetError::BadLiteral(host.to_string())),
                }
            } else if let Some(a) = parse_address(host) {
                (vec![a], host.to_string())
            } else {
                if opts.debug {
                    log(
                        LogKind::Debug,
                        &format!("DNS resolution {}", clip(host, 80)),
                    );
                }
                let v = resolve(host).map_err(|_| NetError::NoSuchHost(host.to_string()))?;
                if v.is_empty() {
                    return Err(NetError::NoSuchHost(host.to_string()));
                }
                if opts.debug {
                    log(LogKind::Debug, "DNS resolution done");
                }
                (v, host.to_string())
            };
        let mut last = String::new();
        let mut sock = None;
        for (i, a) in addrs.iter().enumerate() {
            log(
                LogKind::Info,
                &format!("Trying IP address [{}]", address_text(a)),
            );
            let sa = SocketAddr::new(*a, port);
            let r = match (opts.timeouts.open, opts.no_open_timeout) {
                (Some(t), false) => TcpStream::connect_timeout(&sa, Duration::from_secs(t)),
                _ => TcpStream::connect(sa),
            };
            match r {
                Ok(s) => {
                    sock = Some(s);
                    break;
                }
                Err(e) => {
                    let e = if e.kind() == io::ErrorKind::WouldBlock {
                        io::Error::from(io::ErrorKind::TimedOut)
                    } else {
                        e
                    };
                    // The original's wording differs between its blocking
                    // connect (no open timeout) and its polled one.
                    let how = if opts.no_open_timeout {
                        "Can't connect to"
                    } else {
                        "Connection failed to"
                    };
                    last = format!("{how} {},{}: {}", clip(&official, 80), port, strerror(&e));
                    if i + 1 < addrs.len() && !opts.silent {
                        log(LogKind::Warn, &last);
                    }
                }
            }
        }
        let Some(sock) = sock else {
            return Err(NetError::Connect(last));
        };
        let _ = sock.set_nodelay(true);
        let peer = sock.peer_addr().ok();
        if opts.debug {
            log(LogKind::Debug, "Stream open and ready for read");
        }
        let mut conn = Connection {
            io: Io::Plain(sock),
            buf: Vec::new(),
            pos: 0,
            host: official,
            peer,
            port,
            timeouts: opts.timeouts,
            max_line: if opts.max_line == 0 {
                DEFAULT_MAX_LINE
            } else {
                opts.max_line
            },
            timeout_hook: opts.timeout_hook.clone(),
            log: opts.log.clone(),
            debug: opts.debug,
            applied: SocketTimeouts::default(),
            z: None,
        };
        if let Some(t) = &opts.tls {
            conn.start_tls(t)?;
        }
        Ok(conn)
    }

    /// Runs `argv` (no shell) as a pre-authenticated session and waits up
    /// to `timeout` seconds for its first output (the rsh/ssh path).
    pub fn spawn(
        argv: &[String],
        host: &str,
        timeouts: Timeouts,
        timeout_hook: Option<TimeoutHook>,
    ) -> Result<Connection, NetError> {
        let (prog, args) = argv
            .split_first()
            .ok_or(NetError::Refused("empty command".into()))?;
        let mut child = Command::new(prog)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(NetError::Io)?;
        let input = child.stdin.take().ok_or(NetError::Closed)?;
        let mut out = child.stdout.take().ok_or(NetError::Closed)?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut b = vec![0u8; READ_CHUNK];
            loop {
                match out.read(&mut b) {
                    Ok(0) => {
                        let _ = tx.send(Ok(Vec::new()));
                        break;
                    }
                    Ok(n) => {
                        if tx.send(Ok(b[..n].to_vec())).is_err() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
        });
        Ok(Connection {
            io: Io::Pipe(PipeIo {
                child,
                input,
                output: rx,
            }),
            buf: Vec::new(),
            pos: 0,
            host: host.to_string(),
            peer: None,
            port: 0,
            timeouts,
            max_line: DEFAULT_MAX_LINE,
            timeout_hook,
            log: None,
            debug: false,
            applied: SocketTimeouts::default(),
            z: None,
        })
    }

    /// Upgrades a plain connection to TLS (STARTTLS, or right after an
    /// implicit-TLS open). Bytes already buffered from the peer before the
    /// upgrade are discarded, as a server must not send any.
    pub fn start_tls(&mut self, opts: &TlsOptions) -> Result<(), NetError> {
        if self.z.is_some() {
            return Err(NetError::Unsupported("start_tls under compression"));
        }
        let sock = match std::mem::replace(&mut self.io, Io::Gone) {
            Io::Plain(s) => s,
            other => {
                self.io = other;
                return Err(NetError::Unsupported("start_tls"));
            }
        };
        self.buf.clear();
        self.pos = 0;
        let name = if opts.server_name.is_empty() {
            self.host.clone()
        } else {
            opts.server_name.clone()
        };
        let mut session = TlsSession::new(opts, &name).map_err(NetError::Tls)?;
        let mut sock = sock;
        let r = self.handshake(&mut session, &mut sock);
        match r {
            Ok(()) => {
                self.io = Io::Tls(Box::new(session), sock);
                Ok(())
            }
            Err(e) => {
                let _ = sock.shutdown(Shutdown::Both);
                Err(match e {
                    NetError::Tls(t) => NetError::Tls(t),
                    _ => NetError::Tls(session.failure_or(tls::TlsFailure::negotiation())),
                })
            }
        }
    }

    fn handshake(&self, s: &mut TlsSession, sock: &mut TcpStream) -> Result<(), NetError> {
        let start = Instant::now();
        while s.conn.is_handshaking() {
            if s.conn.wants_write() {
                self.flush_tls(s, sock, start)?;
                continue;
            }
            if s.conn.wants_read() {
                self.read_tls(s, sock, start)?;
            }
        }
        if s.conn.wants_write() {
            self.flush_tls(s, sock, start)?;
        }
        Ok(())
    }

    fn read_tls(
        &self,
        s: &mut TlsSession,
        sock: &mut TcpStream,
        start: Instant,
    ) -> Result<(), NetError> {
        loop {
            self.applied
                .read(sock, self.timeouts.read.map(Duration::from_secs));
            let wait = Instant::now();
            match s.conn.read_tls(sock) {
                Ok(0) => return Err(NetError::Closed),
                Ok(_) => {
                    if let Err(e) = s.conn.process_new_packets() {
                        // Tell the peer why, as far as rustls can.
                        let _ = s.conn.write_tls(sock);
                        return Err(NetError::Tls(
                            s.failure_or(tls::TlsFailure::from_rustls(&e)),
                        ));
                    }
                    return Ok(());
                }
                Err(e) if is_timeout(&e) => self.timed_out(start, wait)?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(NetError::Io(e)),
            }
        }
    }

    fn flush_tls(
        &self,
        s: &mut TlsSession,
        sock: &mut TcpStream,
        start: Instant,
    ) -> Result<(), NetError> {
        while s.conn.wants_write() {
            self.applied
                .write(sock, self.timeouts.write.map(Duration::from_secs));
            let wait = Instant::now();
            match s.conn.write_tls(sock) {
                Ok(_) => {}
                Err(e) if is_timeout(&e) => self.timed_out(start, wait)?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(NetError::Io(e)),
            }
        }
        Ok(())
    }

    /// A wait ran out: ask the hook whether to go on.
    fn timed_out(&self, start: Instant, wait: Instant) -> Result<(), NetError> {
        let overall = start.elapsed().as_secs();
        let last = wait.elapsed().as_secs();
        match &self.timeout_hook {
            Some(h) if h(overall, last) => Ok(()),
            _ => {
                if self.debug {
                    self.log(LogKind::Debug, "TCP data read timeout");
                }
                Err(NetError::Timeout)
            }
        }
    }

    fn log(&self, k: LogKind, t: &str) {
        if let Some(h) = &self.log {
            h(k, t)
        }
    }

    /// Reads more bytes from the peer into the buffer (at least one).
    fn fill(&mut self) -> Result<(), NetError> {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 0 && self.buf.len() - self.pos <= READ_CHUNK - READ_CHUNK / 4 {
            // What is left (a partial line, a literal's start) moves to
            // the front, so that the next read fits in the one chunk the
            // buffer has instead of growing it.
            self.buf.drain(..self.pos);
            self.pos = 0;
        } else if self.pos > READ_CHUNK && self.pos * 2 > self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let start = Instant::now();
        let mut io = std::mem::replace(&mut self.io, Io::Gone);
        let r = match self.z.take() {
            None => self.fill_from(&mut io, start),
            Some(mut z) => {
                let r = self.fill_inflated(&mut io, &mut z, start);
                self.z = Some(z);
                r
            }
        };
        self.io = io;
        if r.is_err() {
            self.abort();
        }
        r
    }

    /// `fill` under COMPRESS: inflates what is pending, reading more
    /// compressed bytes while that gives nothing.
    fn fill_inflated(
        &mut self,
        io: &mut Io,
        z: &mut Deflate,
        start: Instant,
    ) -> Result<(), NetError> {
        loop {
            // Tried even when no input is left: the inflater may hold output
            // that did not fit last time.
            {
                let old = self.buf.len();
                self.buf.reserve(READ_CHUNK);
                let before = z.inp.total_in();
                let st = z
                    .inp
                    .decompress_vec(
                        &z.raw[z.rpos..],
                        &mut self.buf,
                        flate2::FlushDecompress::None,
                    )
                    .map_err(|_| {
                        NetError::Io(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "invalid compressed data from server",
                        ))
                    })?;
                let took = (z.inp.total_in() - before) as usize;
                z.rpos += took;
                if self.buf.len() > old {
                    return Ok(());
                }
                if took == 0 && z.rpos < z.raw.len() {
                    // Input left that the inflater will not take.
                    return Err(NetError::Io(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "invalid compressed data from server",
                    )));
                }
                if st == flate2::Status::StreamEnd {
                    return Err(NetError::Closed);
                }
                if z.rpos < z.raw.len() {
                    // Input taken without output yet (block headers).
                    continue;
                }
            }
            // Read more compressed bytes: fill_from appends to self.buf, so
            // it is given the compressed buffer in its place for the read.
            z.raw.clear();
            z.rpos = 0;
            std::mem::swap(&mut self.buf, &mut z.raw);
            let r = self.fill_from(io, start);
            std::mem::swap(&mut self.buf, &mut z.raw);
            r?;
        }
    }

    /// Starts RFC 4978 deflate both ways (after the server's OK to
    /// COMPRESS DEFLATE). Whatever is already buffered past that answer is
    /// compressed data.
    pub fn start_compress(&mut self) -> Result<(), NetError> {
        if self.z.is_some() {
            return Err(NetError::Unsupported("compression already active"));
        }
        if !self.is_open() {
            return Err(NetError::Closed);
        }
        let raw = self.buf.split_off(self.pos);
        self.buf.clear();
        self.pos = 0;
        self.z = Some(Box::new(Deflate {
            out: flate2::Compress::new(flate2::Compression::default(), false),
            inp: flate2::Decompress::new(false),
            raw,
            rpos: 0,
        }));
        Ok(())
    }

    /// Whether COMPRESS DEFLATE is in force.
    pub fn is_compressed(&self) -> bool {
        self.z.is_some()
    }

    fn fill_from(&mut self, io: &mut Io, start: Instant) -> Result<(), NetError> {
        let rto = self.timeouts.read.map(Duration::from_secs);
        match io {
            Io::Gone => Err(NetError::Closed),
            Io::Plain(sock) => {
                self.applied.read(sock, rto);
                let old = self.buf.len();
                self.buf.resize(grown(old), 0);
                loop {
                    let wait = Instant::now();
                    match sock.read(&mut self.buf[old..]) {
                        Ok(0) => {
                            self.buf.truncate(old);
                            return Err(NetError::Closed);
                        }
                        Ok(n) => {
                            self.buf.truncate(old + n);
                            return Ok(());
                        }
                        Err(e) if is_timeout(&e) => {
                            if let Err(x) = self.timed_out(start, wait) {
                                self.buf.truncate(old);
                                return Err(x);
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            self.buf.truncate(old);
                            return Err(NetError::Io(e));
                        }
                    }
                }
            }
            Io::Tls(s, sock) => loop {
                let old = self.buf.len();
                self.buf.resize(grown(old), 0);
                let r = s.conn.reader().read(&mut self.buf[old..]);
                match r {
                    Ok(0) => {
                        self.buf.truncate(old);
                        return Err(NetError::Closed);
                    }
                    Ok(n) => {
                        self.buf.truncate(old + n);
                        return Ok(());
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        self.buf.truncate(old);
                        if s.conn.wants_write() {
                            self.flush_tls(s, sock, start)?;
                        }
                        self.read_tls(s, sock, start)?;
                    }
                    Err(e) => {
                        self.buf.truncate(old);
                        // An unclean close (no close_notify) ends the stream too.
                        return Err(if e.kind() == io::ErrorKind::UnexpectedEof {
                            NetError::Closed
                        } else {
                            NetError::Io(e)
                        });
                    }
                }
            },
            Io::Pipe(p) => loop {
                let wait = Instant::now();
                let got = match rto {
                    Some(t) => p.output.recv_timeout(t),
                    None => p.output.recv().map_err(|_| RecvTimeoutError::Disconnected),
                };
                match got {
                    Ok(Ok(v)) if v.is_empty() => return Err(NetError::Closed),
                    Ok(Ok(v)) => {
                        self.buf.extend_from_slice(&v);
                        return Ok(());
                    }
                    Ok(Err(e)) => return Err(NetError::Io(e)),
                    Err(RecvTimeoutError::Disconnected) => return Err(NetError::Closed),
                    Err(RecvTimeoutError::Timeout) => self.timed_out(start, wait)?,
                }
            },
        }
    }

    /// Waits until at least one byte is buffered (the original's
    /// `tcp_getdata`).
    pub fn getdata(&mut self) -> Result<(), NetError> {
        if self.pos < self.buf.len() {
            return Ok(());
        }
        self.fill()
    }

    /// Bytes already buffered and not yet taken.
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// One line from the peer, its CRLF removed. Only CR LF ends a line
    /// (a bare LF is data), as with the original.
    pub fn getline(&mut self) -> Result<Vec<u8>, NetError> {
        let mut line = Vec::new();
        self.getline_into(&mut line)?;
        Ok(line)
    }

    /// [`Connection::getline`] into `line` (emptied first), so that a
    /// caller can use one buffer for every line.
    pub fn getline_into(&mut self, line: &mut Vec<u8>) -> Result<(), NetError> {
        line.clear();
        let mut scan = self.pos;
        loop {
            let avail = &self.buf[scan..];
            if let Some(p) = memchr::memchr(b'\n', avail) {
                let nl = scan + p;
                if nl > self.pos && self.buf[nl - 1] == b'\r' {
                    line.extend_from_slice(&self.buf[self.pos..nl - 1]);
                    self.pos = nl + 1;
                    return Ok(());
                }
                scan = nl + 1;
                continue;
            }
            scan = self.buf.len();
            if self.buf.len() - self.pos > self.max_line {
                self.abort();
                return Err(NetError::LineTooLong);
            }
            let before = self.pos;
            self.fill()?;
            // fill may move the buffer's start.
            scan = scan - before + self.pos;
            // Re-scan the byte before the new data (a CR may end it).
            scan = scan.saturating_sub(1).max(self.pos);
        }
    }

    /// Exactly `n` bytes from the peer (an IMAP literal).
    pub fn getbuffer(&mut self, n: usize) -> Result<Vec<u8>, NetError> {
        // One byte spare: a literal handed to C as it is gets its NUL
        // without growing.
        let mut out = Vec::with_capacity(n.saturating_add(1).min(16 * 1024 * 1024));
        while out.len() < n {
            if self.pos == self.buf.len() {
                self.fill()?;
            }
            let take = (n - out.len()).min(self.buf.len() - self.pos);
            out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
        }
        Ok(out)
    }

    /// Like `getbuffer` but hands the bytes to `sink` chunk by chunk.
    pub fn getbuffer_with(
        &mut self,
        mut n: usize,
        sink: &mut dyn FnMut(&[u8]),
    ) -> Result<(), NetError> {
        while n > 0 {
            if self.pos == self.buf.len() {
                self.fill()?;
            }
            let take = n.min(self.buf.len() - self.pos);
            sink(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
            n -= take;
        }
        Ok(())
    }

    /// Sends all of `bytes` (compressed and flushed when COMPRESS is on).
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        let Some(z) = self.z.as_mut() else {
            return self.write_raw(bytes);
        };
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        let mut done = 0;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(4096));
            }
            let before = z.out.total_in();
            let r = z
                .out
                .compress_vec(&bytes[done..], &mut out, flate2::FlushCompress::Sync);
            if r.is_err() {
                self.abort();
                return Err(NetError::Io(io::Error::other("compression failed")));
            }
            done += (z.out.total_in() - before) as usize;
            // The sync flush is complete once all input is taken and the
            // compressor stopped short of filling the output.
            if done == bytes.len() && out.len() < out.capacity() {
                break;
            }
        }
        self.write_raw(&out)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        let start = Instant::now();
        let wto = self.timeouts.write.map(Duration::from_secs);
        let mut io = std::mem::replace(&mut self.io, Io::Gone);
        let r = (|| -> Result<(), NetError> {
            match &mut io {
                Io::Gone => Err(NetError::Closed),
                Io::Plain(sock) => {
                    self.applied.write(sock, wto);
                    let mut done = 0;
                    while done < bytes.len() {
                        let wait = Instant::now();
                        match sock.write(&bytes[done..]) {
                            Ok(0) => return Err(NetError::Closed),
                            Ok(n) => done += n,
                            Err(e) if is_timeout(&e) => self.timed_out(start, wait)?,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(NetError::Io(e)),
                        }
                    }
                    Ok(())
                }
                Io::Tls(s, sock) => {
                    let mut done = 0;
                    while done < bytes.len() {
                        let n = s
                            .conn
                            .writer()
                            .write(&bytes[done..])
                            .map_err(NetError::Io)?;
                        done += n;
                        self.flush_tls(s, sock, start)?;
                    }
                    self.flush_tls(s, sock, start)
                }
                Io::Pipe(p) => p
                    .input
                    .write_all(bytes)
                    .and_then(|_| p.input.flush())
                    .map_err(NetError::Io),
            }
        })();
        self.io = io;
        if r.is_err() {
            self.abort();
        }
        r
    }

    /// Drops the connection at once (the original's `tcp_abort`).
    pub fn abort(&mut self) {
        match std::mem::replace(&mut self.io, Io::Gone) {
            Io::Plain(s) | Io::Tls(_, s) => {
                let _ = s.shutdown(Shutdown::Both);
            }
            Io::Pipe(mut p) => {
                let _ = p.child.kill();
                let _ = p.child.wait();
            }
            Io::Gone => {}
        }
        self.z = None;
        self.buf.clear();
        self.pos = 0;
    }

    /// Closes politely: a TLS close_notify (within the close timeout),
    /// then the socket.
    pub fn close(&mut self) {
        if let Io::Tls(s, sock) = &mut self.io {
            s.conn.send_close_notify();
            let t = self.timeouts.close.or(self.timeouts.write).unwrap_or(5);
            self.applied
                .write(sock, Some(Duration::from_secs(t.max(1))));
            let _ = s.conn.write_tls(sock);
        }
        self.abort();
    }

    /// Whether the connection is still usable.
    pub fn is_open(&self) -> bool {
        !matches!(self.io, Io::Gone)
    }

    /// Whether TLS is in use.
    pub fn is_tls(&self) -> bool {
        matches!(self.io, Io::Tls(..))
    }

    /// The TLS protocol version in use ("TLSv1.3"), if any.
    pub fn tls_version(&self) -> Option<&'static str> {
        match &self.io {
            Io::Tls(s, _) => s.version(),
            _ => None,
        }
    }

    /// The host name given at open (the original's `tcp_host`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port connected to (the original's `tcp_port`; 0 for a pipe).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The peer's address, if a socket.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// The local address, if a socket.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match &self.io {
            Io::Plain(s) | Io::Tls(_, s) => s.local_addr().ok(),
            _ => None,
        }
    }

    /// The peer's name as the original's `tcp_remotehost` gives it: the
    /// reverse-DNS name when `reverse_dns`, else (or when there is none)
    /// `[address]`.
    pub fn remote_host(&self, reverse_dns: bool) -> String {
        match self.peer {
            Some(a) => name_of(&a.ip(), reverse_dns),
            None => self.host.clone(),
        }
    }

    /// This side's name, as the original's `tcp_localhost`.
    pub fn local_host(&self, reverse_dns: bool) -> String {
        match self.local_addr() {
            Some(a) => name_of(&a.ip(), reverse_dns),
            None => self.host.clone(),
        }
    }

    /// Timeouts in force (may be changed, e.g. for a LOGOUT).
    pub fn set_timeouts(&mut self, t: Timeouts) {
        self.timeouts = t;
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.abort();
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Resolves a host name to all its addresses, in the resolver's order.
pub fn resolve(host: &str) -> io::Result<Vec<IpAddr>> {
    let mut out: Vec<IpAddr> = Vec::new();
    for sa in (host, 0u16).to_socket_addrs()? {
        if !out.contains(&sa.ip()) {
            out.push(sa.ip());
        }
    }
    Ok(out)
}

/// `[address]`, or the reverse-DNS name when asked and available.
pub fn name_of(ip: &IpAddr, reverse_dns: bool) -> String {
    if reverse_dns {
        if let Some(n) = crate::os::host::reverse_name(ip) {
            return n;
        }
    }
    format!("[{}]", address_text(ip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair() -> (Connection, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let opts = OpenOptions {
            host: "127.0.0.1".into(),
            port,
            timeouts: Timeouts {
                read: Some(1),
                ..Default::default()
            },
            ..Default::default()
        };
        let c = Connection::open(&opts).unwrap();
        let (s, _) = l.accept().unwrap();
        (c, s)
    }

    #[test]
    fn lines_and_literals() {
        let (mut c, mut s) = pair();
        s.write_all(b"* OK hello\r\nbare\nlf\r\n{5}\r\nabcdeTAIL\r\n")
            .unwrap();
        assert_eq!(c.getline().unwrap(), b"* OK hello");
        assert_eq!(c.getline().unwrap(), b"bare\nlf");
        assert_eq!(c.getline().unwrap(), b"{5}");
        assert_eq!(c.getbuffer(5).unwrap(), b"abcde");
        assert_eq!(c.getline().unwrap(), b"TAIL");
        c.write_all(b"a LOGOUT\r\n").unwrap();
        let mut b = [0u8; 10];
        s.read_exact(&mut b).unwrap();
        assert_eq!(&b, b"a LOGOUT\r\n");
        drop(s);
        assert!(matches!(c.getline(), Err(NetError::Closed)));
        assert!(!c.is_open());
    }

    fn deflate(c: &mut flate2::Compress, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 1024);
        c.compress_vec(data, &mut out, flate2::FlushCompress::Sync)
            .unwrap();
        out
    }

    #[test]
    fn compress_both_ways() {
        let (mut c, mut s) = pair();
        let mut sc = flate2::Compress::new(flate2::Compression::default(), false);
        // The OK line and the first compressed bytes in one packet: what
        // came with the OK must be inflated, not taken as text.
        let mut first = b"a OK go\r\n".to_vec();
        first.extend(deflate(&mut sc, b"* 1 EXISTS\r\n"));
        s.write_all(&first).unwrap();
        assert_eq!(c.getline().unwrap(), b"a OK go");
        c.start_compress().unwrap();
        assert!(c.is_compressed());
        assert_eq!(c.getline().unwrap(), b"* 1 EXISTS");
        // Far more than one read's worth from a few compressed bytes: the
        // inflater's held-back output must come without another read.
        let big = vec![b'x'; 300_000];
        let mut msg = b"{300000}\r\n".to_vec();
        msg.extend_from_slice(&big);
        msg.extend_from_slice(b"\r\nb OK done\r\n");
        s.write_all(&deflate(&mut sc, &msg)).unwrap();
        assert_eq!(c.getline().unwrap(), b"{300000}");
        assert_eq!(c.getbuffer(big.len()).unwrap(), big);
        assert_eq!(c.getline().unwrap(), b"");
        assert_eq!(c.getline().unwrap(), b"b OK done");
        // Each write is flushed: the peer inflates it whole at once.
        c.write_all(b"c NOOP\r\n").unwrap();
        let mut d = flate2::Decompress::new(false);
        let mut got = Vec::with_capacity(100);
        while got.is_empty() {
            let mut b = [0u8; 256];
            let n = s.read(&mut b).unwrap();
            d.decompress_vec(&b[..n], &mut got, flate2::FlushDecompress::None)
                .unwrap();
        }
        assert_eq!(got, b"c NOOP\r\n");
        assert!(c.start_tls(&TlsOptions::default()).is_err());
        // Garbage instead of deflate: an error, the connection dropped.
        s.write_all(&[0xff; 64]).unwrap();
        assert!(c.getline().is_err());
        assert!(!c.is_open());
    }

    #[test]
    fn crlf_split_across_reads() {
        let (mut c, mut s) = pair();
        let t = std::thread::spawn(move || {
            s.write_all(b"abc\r").unwrap();
            std::thread::sleep(Duration::from_millis(50));
            s.write_all(b"\ndef\r\n").unwrap();
            s
        });
        assert_eq!(c.getline().unwrap(), b"abc");
        assert_eq!(c.getline().unwrap(), b"def");
        t.join().unwrap();
    }

    #[test]
    fn read_timeout_asks_hook() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c2 = calls.clone();
        let opts = OpenOptions {
            host: "127.0.0.1".into(),
            port,
            timeouts: Timeouts {
                read: Some(1),
                ..Default::default()
            },
            timeout_hook: Some(Arc::new(move |_o, _l| {
                c2.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 1
            })),
            ..Default::default()
        };
        let mut c = Connection::open(&opts).unwrap();
        let _s = l.accept().unwrap();
        let t = Instant::now();
        assert!(matches!(c.getline(), Err(NetError::Timeout)));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert!(t.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn line_limit() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let opts = OpenOptions {
            host: "127.0.0.1".into(),
            port,
            max_line: 1000,
            ..Default::default()
        };
        let mut c = Connection::open(&opts).unwrap();
        let (mut s, _) = l.accept().unwrap();
        s.write_all(&[b'x'; 5000]).unwrap();
        assert!(matches!(c.getline(), Err(NetError::LineTooLong)));
    }

    #[test]
    fn refused_and_unknown() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let opts = OpenOptions {
            host: "127.0.0.1".into(),
            port,
            ..Default::default()
        };
        let e = Connection::open(&opts).unwrap_err().to_string();
        assert_eq!(
            e,
            format!("Connection failed to 127.0.0.1,{port}: Connection refused")
        );
        let opts = OpenOptions {
            host: "no-such-host.invalid".into(),
            port: 143,
            ..Default::default()
        };
        assert_eq!(
            Connection::open(&opts).unwrap_err().to_string(),
            "No such host as no-such-host.invalid"
        );
        let opts = OpenOptions {
            host: "[1.2.3]".into(),
            port: 143,
            ..Default::default()
        };
        assert!(matches!(
            Connection::open(&opts),
            Err(NetError::BadLiteral(_))
        ));
    }

    #[test]
    fn ipv6_literal() {
        let Ok(l) = TcpListener::bind("[::1]:0") else {
            return; // no IPv6 loopback here
        };
        let port = l.local_addr().unwrap().port();
        let opts = OpenOptions {
            host: "[::1]".into(),
            port,
            ..Default::default()
        };
        let c = Connection::open(&opts).unwrap();
        assert_eq!(c.remote_host(false), "[::1]");
    }

    #[test]
    fn services() {
        let t = "imap2\t\t143/tcp\t\timap\t\t# Interim\nimaps\t\t993/tcp\npop3\t110/udp\n";
        assert_eq!(service_port_in(t, "imap"), Some(143));
        assert_eq!(service_port_in(t, "imaps"), Some(993));
        assert_eq!(service_port_in(t, "pop3"), None);
    }
}
