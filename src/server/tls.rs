//! Server TLS on stdin/stdout with rustls (TLS 1.3 and 1.2): implicit TLS
//! from `server_init`, STARTTLS through `ssl_start_tls` (the switch happens
//! at the server's next read, after its "go ahead" answer went out), and
//! the buffered `P*` layer while TLS is on.
//!
//! Certificate and key files are looked up as the original does:
//! `<SSLCERTS>/<server>-<address>.pem`, else `<SSLCERTS>/<server>.pem`;
//! the key in `<SSLKEYS>` the same way, else in the certificate file.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection};

use crate::os::server as sys;

/// Output is sent in records of at most this many plaintext bytes.
const OUT_BUF: usize = 16384;

struct Session {
    conn: ServerConnection,
    input: Vec<u8>,
    pos: usize,
    output: Vec<u8>,
    eof: bool,
}

static SESSION: Mutex<Option<Session>> = Mutex::new(None);
/// The server name of a STARTTLS asked for, not yet started.
static PENDING: Mutex<Option<Vec<u8>>> = Mutex::new(None);

fn session() -> std::sync::MutexGuard<'static, Option<Session>> {
    SESSION.lock().unwrap_or_else(|e| e.into_inner())
}

fn pending() -> std::sync::MutexGuard<'static, Option<Vec<u8>>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// stdin and stdout as one byte stream for rustls.
struct Stdio;

impl Read for Stdio {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        sys::fd_read(0, buf)
    }
}

impl Write for Stdio {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sys::fd_write(1, buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether TLS is on.
pub fn active() -> bool {
    session().is_some()
}

fn dir_file(dir: &str, server: &[u8], addr: Option<&[u8]>) -> String {
    let s = String::from_utf8_lossy(server);
    match addr {
        Some(a) => format!("{dir}/{s}-{}.pem", String::from_utf8_lossy(a)),
        None => format!("{dir}/{s}.pem"),
    }
}

/// The certificate and key files for `server` (see the module text).
pub fn cert_files(server: &[u8], cert_dir: &str, key_dir: &str) -> (String, String) {
    let addr = super::server_addr();
    let mut cert = dir_file(cert_dir, server, Some(&addr));
    if !Path::new(&cert).exists() {
        cert = dir_file(cert_dir, server, None);
    }
    let mut key = dir_file(key_dir, server, Some(&addr));
    if !Path::new(&key).exists() {
        key = dir_file(key_dir, server, None);
        if !Path::new(&key).exists() {
            key = cert.clone();
        }
    }
    (cert, key)
}

/// `ssl_start_tls`'s check: an error text, or None when STARTTLS will
/// start at the next read (`server` None only asks whether it could).
pub fn start_tls(server: Option<&[u8]>, cert_dir: &str) -> Option<&'static str> {
    if active() {
        return Some("Already in an SSL session");
    }
    if pending().is_some() {
        return Some("TLS already started");
    }
    if let Some(s) = server {
        let addr = super::server_addr();
        if !Path::new(&dir_file(cert_dir, s, Some(&addr))).exists()
            && !Path::new(&dir_file(cert_dir, s, None)).exists()
        {
            return Some("Server certificate not installed");
        }
        *pending() = Some(s.to_vec());
    }
    None
}

/// The STARTTLS asked for, if any, taken (the caller starts it).
pub fn take_pending() -> Option<Vec<u8>> {
    pending().take()
}

fn config(cert: &str, key: &str) -> Result<ServerConfig, String> {
    let host = String::from_utf8_lossy(&super::client_host()).into_owned();
    let certs: Vec<CertificateDer<'static>> = std::fs::read(cert)
        .ok()
        .map(|pem| {
            CertificateDer::pem_slice_iter(&pem)
                .filter_map(Result::ok)
                .collect()
        })
        .unwrap_or_default();
    if certs.is_empty() {
        return Err(format!(
            "Unable to load certificate from {}, host={}",
            trunc(cert),
            trunc(&host)
        ));
    }
    let key_der = std::fs::read(key)
        .ok()
        .and_then(|pem| PrivateKeyDer::from_pem_slice(&pem).ok())
        .ok_or_else(|| {
            format!(
                "Unable to load private key from {}, host={}",
                trunc(key),
                trunc(&host)
            )
        })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key_der))
        .map_err(|e| format!("Unable to create SSL context ({e}), host={}", trunc(&host)))
}

fn trunc(s: &str) -> String {
    s.chars().take(80).collect()
}

/// `ssl_server_init`: the TLS handshake on stdin/stdout. Err carries the
/// syslog line; the caller ends the process, as the original does.
pub fn server_init(server: &[u8], cert_dir: &str, key_dir: &str) -> Result<(), (i32, String)> {
    let (cert, key) = cert_files(server, cert_dir, key_dir);
    let cfg = config(&cert, &key).map_err(|e| (libc::LOG_ALERT, e))?;
    let mut conn = ServerConnection::new(Arc::new(cfg)).map_err(|e| {
        (
            libc::LOG_ALERT,
            format!("Unable to create SSL connection ({e})"),
        )
    })?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut Stdio) {
            // Asked only now, as the original asks: a client already gone
            // is "UNKNOWN".
            let host = String::from_utf8_lossy(&super::client_host()).into_owned();
            return Err((
                libc::LOG_INFO,
                format!(
                    "Unable to accept SSL connection ({e}), host={}",
                    trunc(&host)
                ),
            ));
        }
        if conn.is_handshaking() && !conn.wants_read() && !conn.wants_write() {
            break;
        }
    }
    *session() = Some(Session {
        conn,
        input: Vec::new(),
        pos: 0,
        output: Vec::with_capacity(OUT_BUF),
        eof: false,
    });
    Ok(())
}

impl Session {
    /// Makes plaintext input available; false at the end of the session.
    fn fill(&mut self) -> bool {
        if self.pos < self.input.len() {
            return true;
        }
        if self.eof {
            return false;
        }
        self.input.clear();
        self.pos = 0;
        let mut tmp = [0u8; 16384];
        loop {
            match self.conn.reader().read(&mut tmp) {
                Ok(0) => {
                    self.eof = true;
                    return false;
                }
                Ok(n) => {
                    self.input.extend_from_slice(&tmp[..n]);
                    return true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => {
                    self.eof = true;
                    return false;
                }
            }
            while self.conn.wants_write() {
                if self.conn.write_tls(&mut Stdio).is_err() {
                    self.eof = true;
                    return false;
                }
            }
            match self.conn.read_tls(&mut Stdio) {
                Ok(0) | Err(_) => {
                    self.eof = true;
                    return false;
                }
                Ok(_) => {}
            }
            if self.conn.process_new_packets().is_err() {
                let _ = self.conn.write_tls(&mut Stdio);
                self.eof = true;
                return false;
            }
        }
    }

    fn buffered(&self) -> bool {
        self.pos < self.input.len()
    }

    fn getc(&mut self) -> i32 {
        if !self.fill() {
            return -1;
        }
        let c = self.input[self.pos];
        self.pos += 1;
        i32::from(c)
    }

    fn flush(&mut self) -> bool {
        if !self.output.is_empty() {
            let data = std::mem::take(&mut self.output);
            if self.conn.writer().write_all(&data).is_err() {
                return false;
            }
        }
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut Stdio) {
                Ok(0) | Err(_) => return false,
                Ok(_) => {}
            }
        }
        true
    }

    fn write(&mut self, b: &[u8]) -> bool {
        let mut rest = b;
        while !rest.is_empty() {
            if self.output.len() >= OUT_BUF && !self.flush() {
                return false;
            }
            let room = OUT_BUF - self.output.len().min(OUT_BUF);
            let n = room.min(rest.len()).max(1);
            self.output.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
        }
        true
    }
}

/// Runs `f` on the TLS session; None when TLS is off.
fn with<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    session().as_mut().map(f)
}

/// `PBIN` under TLS.
pub fn getc() -> Option<i32> {
    with(|s| s.getc())
}

/// `PSIN` under TLS: a line of at most `buf.len() - 1` bytes, NUL added.
pub fn gets(buf: &mut [u8]) -> Option<Option<usize>> {
    with(|s| {
        let n = buf.len().saturating_sub(1);
        let mut i = 0;
        while i < n {
            if !s.fill() {
                return None;
            }
            let c = s.input[s.pos];
            s.pos += 1;
            buf[i] = c;
            i += 1;
            if c == b'\n' {
                break;
            }
        }
        if let Some(b) = buf.get_mut(i) {
            *b = 0;
        }
        Some(i)
    })
}

/// `PSINR` under TLS.
pub fn read_exact(buf: &mut [u8]) -> Option<bool> {
    with(|s| {
        let mut i = 0;
        while i < buf.len() {
            if !s.fill() {
                return false;
            }
            let n = (s.input.len() - s.pos).min(buf.len() - i);
            buf[i..i + n].copy_from_slice(&s.input[s.pos..s.pos + n]);
            s.pos += n;
            i += n;
        }
        true
    })
}

/// `PSOUT`/`PSOUTR`/`PBOUT` under TLS.
pub fn write(b: &[u8]) -> Option<bool> {
    with(|s| s.write(b))
}

/// `PFLUSH` under TLS.
pub fn flush() -> Option<bool> {
    with(|s| s.flush())
}

/// `INWAIT` under TLS: buffered plaintext counts as input.
pub fn input_wait(seconds: i64) -> Option<bool> {
    if with(|s| s.buffered())? {
        return Some(true);
    }
    Some(sys::wait_readable(0, seconds))
}
