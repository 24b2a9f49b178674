//! The `pop3driver` and the `pop3_*` exports: the C face of the POP3
//! client. The dialogues (replies, CAPA, STLS, the login, STAT/LIST,
//! RETR/TOP and the text cache, DELE, QUIT, the limits on a hostile
//! server) are safe code in `crate::net::pop3::session`; this module gives
//! them the library's NETSTREAM (so TLS, timeouts and their callbacks are
//! the same as every other network driver's), the authenticators and the
//! `mm_*` callbacks, and keeps the message cache in the original's order.

use super::bindings::*;
use super::cache::{mail_elt, mail_exists, mail_expunged, mail_recent};
use super::callbacks::{mm_dlog, mm_flags, mm_list, mm_login, mm_lsub, mm_status};
use super::log_bytes as log;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::net::c_field as nm_bytes;
use super::net::{cz, notify};
use super::net::{net_close, net_getline, net_host, net_open, net_port, net_remotehost, net_sout};
use crate::env::params::Owner;
use crate::net::pop3::session::{self, AuthOptions, Events, Level, Loaded, Login, Peer, Session};
use crate::store::events::Status;
use std::cell::Cell;
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};

extern "C" {
    fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long;
    fn mail_valid_net(
        name: *mut c_char,
        drv: *mut DRIVER,
        host: *mut c_char,
        mailbox: *mut c_char,
    ) -> *mut DRIVER;
    fn mail_open(stream: *mut MAILSTREAM, name: *mut c_char, options: c_long) -> *mut MAILSTREAM;
    fn mail_close_full(stream: *mut MAILSTREAM, options: c_long) -> *mut MAILSTREAM;
    fn mail_usable_network_stream(stream: *mut MAILSTREAM, name: *mut c_char) -> c_long;
    fn mail_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid_sequence(stream: *mut MAILSTREAM, sequence: *mut c_uchar) -> c_long;
    fn mail_uid(stream: *mut MAILSTREAM, msgno: c_ulong) -> c_ulong;
    fn mail_msgno(stream: *mut MAILSTREAM, uid: c_ulong) -> c_ulong;
    fn mail_lock(stream: *mut MAILSTREAM);
    fn mail_unlock(stream: *mut MAILSTREAM);
    fn mail_dlog(string: *mut c_char, flag: c_long);
    fn mail_parse_date(elt: *mut MESSAGECACHE, s: *mut c_uchar) -> c_long;
    fn mail_free_envelope(env: *mut *mut ENVELOPE);
    fn mail_lookup_auth_name(mechanism: *mut c_char, flags: c_long) -> std::os::raw::c_uint;
    fn pmatch_full(s: *mut c_uchar, pat: *mut c_uchar, delim: c_uchar) -> c_long;
    fn sm_read(sdb: *mut *mut c_void) -> *mut c_char;
    fn sm_subscribe(mailbox: *mut c_char) -> c_long;
    fn sm_unsubscribe(mailbox: *mut c_char) -> c_long;
    fn rfc822_parse_msg_full(
        en: *mut *mut ENVELOPE,
        bdy: *mut *mut BODY,
        s: *mut c_char,
        i: c_ulong,
        bs: *mut STRING,
        host: *mut c_char,
        depth: c_ulong,
        flags: c_ulong,
    );
}

const POP3TCPPORT: c_ulong = 110;
const POP3SSLPORT: c_ulong = 995;

/// What a POP3 stream keeps in `stream->local`.
pub struct Pop3Local {
    peer: NetPeer,
    sess: Session,
}

/// The stream's connection as the session's peer: the NETSTREAM (NULL
/// once it is gone) and the stream the callbacks name.
struct NetPeer {
    stream: *mut MAILSTREAM,
    net: *mut NETSTREAM,
}

fn set_field(dst: &mut [c_char], src: &[u8]) {
    let n = src.len().min(dst.len() - 1);
    for (d, &c) in dst.iter_mut().zip(&src[..n]) {
        *d = c as c_char;
    }
    dst[n] = 0;
}

/// The stream's POP3 state.
///
/// # Safety
/// `stream` NULL or live; its `local` NULL or set by [`pop3_open`].
unsafe fn local<'a>(stream: *mut MAILSTREAM) -> Option<&'a mut Pop3Local> {
    // SAFETY: per the contract; only pop3_open stores a Pop3Local into
    // `local` of a pop3driver stream.
    unsafe {
        let s = stream.as_mut()?;
        if s.dtb != addr_of_mut!(pop3driver) {
            return None;
        }
        (s.local as *mut Pop3Local).as_mut()
    }
}

/// Runs `f` on the stream's session and peer (None: not a POP3 stream).
///
/// # Safety
/// As [`local`].
unsafe fn with<R>(
    stream: *mut MAILSTREAM,
    f: impl FnOnce(&mut Session, &mut NetPeer) -> R,
) -> Option<R> {
    // SAFETY: per the contract.
    let l = unsafe { local(stream) }?;
    Some(f(&mut l.sess, &mut l.peer))
}

fn level_code(l: Level) -> c_long {
    (match l {
        Level::Info => 0,
        Level::Warn => WARN,
        Level::Error => ERROR,
        Level::Parse => PARSE,
        Level::Bye => BYE,
    }) as c_long
}

impl Events for NetPeer {
    fn exists(&mut self, count: u32) {
        // SAFETY: the peer's stream is live while its session works.
        unsafe { mail_exists(self.stream, count as c_ulong) };
    }
    fn recent(&mut self, count: u32) {
        // SAFETY: as above.
        unsafe { mail_recent(self.stream, count as c_ulong) };
    }
    fn expunged(&mut self, msgno: u32) {
        // SAFETY: as above.
        unsafe { mail_expunged(self.stream, msgno as c_ulong) };
    }
    fn flags(&mut self, msgno: u32) {
        // SAFETY: as above.
        unsafe { mm_flags(self.stream, msgno as c_ulong) };
    }
    fn notify(&mut self, text: &[u8], level: Level) {
        // SAFETY: as above.
        unsafe { notify(self.stream, text, level_code(level)) };
    }
    fn log(&mut self, text: &[u8], level: Level) {
        log(text, level_code(level));
    }
    fn list(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn lsub(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn status(&mut self, _: &[u8], _: &Status) {}
    fn critical(&mut self, _: bool) {}
    fn disk_error(&mut self, _: i32, _: bool) -> bool {
        true
    }
}

impl Peer for NetPeer {
    fn connected(&self) -> bool {
        !self.net.is_null()
    }
    fn getline(&mut self) -> Option<Vec<u8>> {
        if self.net.is_null() {
            return None;
        }
        // SAFETY: a live NETSTREAM of this driver.
        let p = unsafe { net_getline(self.net) };
        if p.is_null() {
            return None;
        }
        // SAFETY: net_getline answers a NUL-terminated fs_get string.
        let v = unsafe { c_bytes(p) }.unwrap_or(b"").to_vec();
        let mut q = p as *mut c_void;
        // SAFETY: ours to free.
        unsafe { fs_give(&mut q) };
        Some(v)
    }
    fn sout(&mut self, data: &[u8]) -> bool {
        // SAFETY: a live NETSTREAM; data alive across the call.
        !self.net.is_null()
            && unsafe {
                net_sout(
                    self.net,
                    data.as_ptr() as *mut c_char,
                    data.len() as c_ulong,
                )
            } != 0
    }
    fn hang_up(&mut self) {
        if !self.net.is_null() {
            // SAFETY: ours, closed once.
            unsafe { net_close(self.net) };
            self.net = null_mut();
        }
    }
    fn debug(&self) -> bool {
        // SAFETY: the stream is live.
        unsafe { (*self.stream).debug() != 0 }
    }
    fn dlog_in(&mut self, line: &[u8]) {
        let mut t = cz(line);
        // SAFETY: NUL-terminated, alive across the call.
        unsafe { mm_dlog(t.as_mut_ptr() as *mut c_char) };
    }
    fn dlog_out(&mut self, line: &[u8], sensitive: bool) {
        let mut t = cz(line);
        // SAFETY: NUL-terminated, alive across the call.
        unsafe { mail_dlog(t.as_mut_ptr() as *mut c_char, sensitive as c_long) };
    }
    fn lock(&mut self, on: bool) {
        // SAFETY: the stream is live.
        unsafe {
            if on {
                mail_lock(self.stream)
            } else {
                mail_unlock(self.stream)
            }
        }
    }
}

/// The session and peer of the SASL exchange under way, for the
/// authenticator's calls to `pop3_challenge`/`pop3_response` (which name
/// only the stream): pointers derived from the borrows the login holds.
#[derive(Clone, Copy)]
struct Exchange {
    stream: *mut MAILSTREAM,
    sess: *mut Session,
    peer: *mut NetPeer,
}

thread_local! {
    static EXCHANGE: Cell<Option<Exchange>> = const { Cell::new(None) };
}

/// Runs `f` on the session of `stream`: the one of the exchange under
/// way, else the stream's own.
///
/// # Safety
/// As [`local`].
unsafe fn with_exchange<R>(
    stream: *mut MAILSTREAM,
    f: impl FnOnce(&mut Session, &mut NetPeer) -> R,
) -> Option<R> {
    match EXCHANGE.with(|e| e.get()) {
        // SAFETY: set by Auth::sasl from live borrows, for the length of
        // the authenticator's call, which runs on this thread.
        Some(x) if x.stream == stream => Some(unsafe { f(&mut *x.sess, &mut *x.peer) }),
        // SAFETY: per the contract.
        _ => unsafe { with(stream, f) },
    }
}

/// The login's view of the C objects: the peer, the NETMBX and the
/// caller's user and password buffers (MAILTMPLEN each).
struct Auth<'a> {
    peer: &'a mut NetPeer,
    mb: &'a mut NETMBX,
    usr: &'a mut [c_char],
    pwd: &'a mut [c_char],
    flags: c_long,
}

impl Events for Auth<'_> {
    fn exists(&mut self, count: u32) {
        self.peer.exists(count)
    }
    fn recent(&mut self, count: u32) {
        self.peer.recent(count)
    }
    fn expunged(&mut self, msgno: u32) {
        self.peer.expunged(msgno)
    }
    fn flags(&mut self, msgno: u32) {
        Events::flags(self.peer, msgno)
    }
    fn notify(&mut self, text: &[u8], level: Level) {
        self.peer.notify(text, level)
    }
    fn log(&mut self, text: &[u8], level: Level) {
        self.peer.log(text, level)
    }
    fn list(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn lsub(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn status(&mut self, _: &[u8], _: &Status) {}
    fn critical(&mut self, _: bool) {}
    fn disk_error(&mut self, _: i32, _: bool) -> bool {
        true
    }
}

impl Peer for Auth<'_> {
    fn connected(&self) -> bool {
        self.peer.connected()
    }
    fn getline(&mut self) -> Option<Vec<u8>> {
        self.peer.getline()
    }
    fn sout(&mut self, data: &[u8]) -> bool {
        self.peer.sout(data)
    }
    fn hang_up(&mut self) {
        self.peer.hang_up()
    }
    fn debug(&self) -> bool {
        self.peer.debug()
    }
    fn dlog_in(&mut self, line: &[u8]) {
        self.peer.dlog_in(line)
    }
    fn dlog_out(&mut self, line: &[u8], sensitive: bool) {
        self.peer.dlog_out(line, sensitive)
    }
    fn lock(&mut self, on: bool) {
        self.peer.lock(on)
    }
}

impl Login for Auth<'_> {
    fn login(&mut self, trial: u64) -> (Vec<u8>, Vec<u8>) {
        self.pwd[0] = 0;
        // SAFETY: a live NETMBX and MAILTMPLEN buffers.
        unsafe {
            mm_login(
                self.mb,
                self.usr.as_mut_ptr(),
                self.pwd.as_mut_ptr(),
                trial as c_long,
            )
        };
        let pwd = nm_bytes(self.pwd);
        self.pwd.fill(0);
        (nm_bytes(self.usr), pwd)
    }
    fn mechanism(&mut self, name: &[u8], any: bool) -> u32 {
        let mut z = cz(name);
        let flags = if any { 0 } else { self.flags };
        // SAFETY: NUL-terminated.
        unsafe { mail_lookup_auth_name(z.as_mut_ptr() as *mut c_char, flags) }
    }
    fn authenticators(
        &mut self,
        bits: u64,
        forced: Option<crate::net::Mechanism>,
    ) -> Vec<session::Mechanism> {
        let ats = match forced {
            Some(m) => vec![super::auth::forced_authenticator(m)],
            None => super::net::authenticators_of(bits as c_ulong),
        };
        ats.into_iter()
            .take_while(|at| !at.is_null())
            // SAFETY: registered authenticators live for the process.
            .map(|at| unsafe {
                session::Mechanism {
                    name: c_bytes((*at).name).unwrap_or(b"").to_vec(),
                    secure: (*at).flags & AU_SECURE as c_long != 0,
                    id: at as usize,
                }
            })
            .collect()
    }
    fn forced_available(&mut self, m: crate::net::Mechanism) -> bool {
        !super::auth::forced_authenticator(m).is_null()
    }
    fn canonical_host(&mut self) {
        if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) == 0
            || self.peer.net.is_null()
        {
            return;
        }
        // SAFETY: a live NETSTREAM; the answers are NUL-terminated.
        unsafe {
            let h = if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                net_remotehost(self.peer.net)
            } else {
                net_host(self.peer.net)
            };
            set_field(&mut self.mb.host, c_bytes(h).unwrap_or(b""));
        }
    }
    fn start_tls(&mut self) -> bool {
        self.mb.set_tlsflag(1);
        let ssld = super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER;
        let stls = super::params::hook(GET_SSLSTART as c_long);
        let net = self.peer.net;
        if stls == 0 || net.is_null() {
            return false;
        }
        let tflags = (if self.mb.tlssslv23() != 0 {
            0
        } else {
            NET_TLSCLIENT
        }) | if self.mb.novalidate() != 0 {
            NET_NOVALIDATECERT
        } else {
            0
        };
        // SAFETY: the word is the installed sslstart_t; the NETSTREAM is
        // live and becomes the TLS one (or is closed on failure).
        unsafe {
            let start: unsafe extern "C" fn(*mut c_void, *mut c_char, c_ulong) -> *mut c_void =
                std::mem::transmute(stls);
            (*net).dtb = ssld;
            let t = start((*net).stream, self.mb.host.as_mut_ptr(), tflags as c_ulong);
            (*net).stream = t;
            if t.is_null() {
                self.peer.hang_up();
                return false;
            }
        }
        true
    }
    fn sasl(&mut self, s: &mut Session, m: &session::Mechanism, trial: &mut u64) -> bool {
        let at = m.id as *mut AUTHENTICATOR;
        // SAFETY: `id` is a registered authenticator (see authenticators).
        let Some(client) = (unsafe { (*at).client }) else {
            return false;
        };
        let stream = self.peer.stream;
        let x = Exchange {
            stream,
            sess: s,
            peer: &mut *self.peer,
        };
        let prev = EXCHANGE.with(|e| e.replace(Some(x)));
        let mut t = *trial as c_ulong;
        // SAFETY: the authenticator's client with our challenge/response
        // functions, the live NETMBX and the MAILTMPLEN user buffer.
        let r = unsafe {
            client(
                Some(pop3_challenge),
                Some(pop3_response),
                c"pop".as_ptr() as *mut c_char,
                self.mb,
                stream as *mut c_void,
                &mut t,
                self.usr.as_mut_ptr(),
            )
        };
        EXCHANGE.with(|e| e.set(prev));
        *trial = t as u64;
        r != 0
    }
}

/// `pop3_valid`.
///
/// # Safety
/// `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_valid(name: *mut c_char) -> *mut DRIVER {
    super::guard("pop3_valid", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut mb: NETMBX = std::mem::zeroed();
            if name.is_null() || mail_valid_net_parse(name, &mut mb) == 0 {
                return null_mut();
            }
            if nm_bytes(&mb.service) == b"pop3"
                && mb.authuser[0] == 0
                && nm_bytes(&mb.mailbox).eq_ignore_ascii_case(b"INBOX")
            {
                addr_of_mut!(pop3driver)
            } else {
                null_mut()
            }
        }
    })
}

unsafe fn pmatch(s: &[u8], pat: *mut c_char) -> bool {
    let mut z = cz(s);
    // SAFETY: both NUL-terminated.
    unsafe { pmatch_full(z.as_mut_ptr(), pat as *mut c_uchar, 0) != 0 }
}

/// The `{...}` reference or pattern with its mailbox replaced by INBOX.
unsafe fn inbox_name(prefix: *mut c_char) -> Vec<u8> {
    // SAFETY: NUL-terminated.
    let p = unsafe { c_bytes(prefix) }.unwrap_or(b"");
    let end = memchr::memchr(b'}', p).map_or(p.len(), |i| i + 1);
    let mut v = p[..end].to_vec();
    v.extend_from_slice(b"INBOX");
    v
}

/// `pop3_scan`: there is nothing to scan on POP3.
///
/// # Safety
/// Strings NUL-terminated or NULL.
#[no_mangle]
pub unsafe extern "C" fn pop3_scan(
    _stream: *mut MAILSTREAM,
    r: *mut c_char,
    pat: *mut c_char,
    _contents: *mut c_char,
) {
    super::guard("pop3_scan", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut tmp = [0 as c_char; MAILTMPLEN as usize];
            let hit = if !r.is_null() && *r != 0 {
                !pop3_valid(r).is_null() && pmatch(b"INBOX", pat)
            } else {
                !pat.is_null()
                    && !mail_valid_net(pat, addr_of_mut!(pop3driver), null_mut(), tmp.as_mut_ptr())
                        .is_null()
                    && pmatch(b"INBOX", tmp.as_mut_ptr())
            };
            if hit {
                log(b"Scan not valid for POP3 mailboxes", ERROR as c_long);
            }
        }
    })
}

/// `pop3_list`: the INBOX of a POP3 server, when the pattern names it.
///
/// # Safety
/// Strings NUL-terminated or NULL.
#[no_mangle]
pub unsafe extern "C" fn pop3_list(stream: *mut MAILSTREAM, r: *mut c_char, pat: *mut c_char) {
    super::guard("pop3_list", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut tmp = [0 as c_char; MAILTMPLEN as usize];
            let name = if !r.is_null() && *r != 0 {
                (!pop3_valid(r).is_null() && pmatch(b"INBOX", pat)).then(|| inbox_name(r))
            } else if !pat.is_null()
                && !mail_valid_net(pat, addr_of_mut!(pop3driver), null_mut(), tmp.as_mut_ptr())
                    .is_null()
                && pmatch(b"INBOX", tmp.as_mut_ptr())
            {
                Some(inbox_name(pat))
            } else {
                None
            };
            if let Some(n) = name {
                let mut z = cz(&n);
                mm_list(
                    stream,
                    0,
                    z.as_mut_ptr() as *mut c_char,
                    LATT_NOINFERIORS as c_long,
                );
            }
        }
    })
}

/// `pop3_lsub`: subscribed POP3 names matching the pattern.
///
/// # Safety
/// Strings NUL-terminated or NULL.
#[no_mangle]
pub unsafe extern "C" fn pop3_lsub(stream: *mut MAILSTREAM, r: *mut c_char, pat: *mut c_char) {
    super::guard("pop3_lsub", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(p) = c_bytes(pat) else { return };
            let mut r = r;
            if p.first() == Some(&b'{') {
                if pop3_valid(pat).is_null() {
                    return;
                }
                r = null_mut();
            }
            let rb = c_bytes(r).unwrap_or(b"");
            if rb.first() == Some(&b'{') && pop3_valid(r).is_null() {
                return;
            }
            let mut mbx = rb.to_vec();
            mbx.extend_from_slice(p);
            let mut mbx = cz(&mbx);
            let mut sdb: *mut c_void = null_mut();
            loop {
                let s = sm_read(&mut sdb);
                if s.is_null() {
                    break;
                }
                if !pop3_valid(s).is_null()
                    && pmatch_full(s as *mut c_uchar, mbx.as_mut_ptr(), 0) != 0
                {
                    mm_lsub(stream, 0, s, 0);
                }
            }
        }
    })
}

/// `pop3_subscribe`.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_subscribe(_stream: *mut MAILSTREAM, mailbox: *mut c_char) -> c_long {
    // SAFETY: per the contract.
    super::guard("pop3_subscribe", 0, || unsafe { sm_subscribe(mailbox) })
}

/// `pop3_unsubscribe`.
///
/// # Safety
/// `mailbox` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_unsubscribe(
    _stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
) -> c_long {
    // SAFETY: per the contract.
    super::guard("pop3_unsubscribe", 0, || unsafe { sm_unsubscribe(mailbox) })
}

/// `pop3_create`: never valid for POP3.
#[no_mangle]
pub extern "C" fn pop3_create(_stream: *mut MAILSTREAM, _mailbox: *mut c_char) -> c_long {
    super::guard("pop3_create", 0, || 0)
}

/// `pop3_delete`: never valid for POP3.
#[no_mangle]
pub extern "C" fn pop3_delete(_stream: *mut MAILSTREAM, _mailbox: *mut c_char) -> c_long {
    super::guard("pop3_delete", 0, || 0)
}

/// `pop3_rename`: never valid for POP3.
#[no_mangle]
pub extern "C" fn pop3_rename(
    _stream: *mut MAILSTREAM,
    _old: *mut c_char,
    _newname: *mut c_char,
) -> c_long {
    super::guard("pop3_rename", 0, || 0)
}

/// `pop3_status`: opens the mailbox (or reuses `stream`) and reports.
///
/// # Safety
/// `stream` NULL or live; `mbx` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_status(
    stream: *mut MAILSTREAM,
    mbx: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("pop3_status", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let usable = local(stream).is_some_and(|l| !l.peer.net.is_null())
                && mail_usable_network_stream(stream, mbx) != 0;
            let t = if usable {
                stream
            } else {
                mail_open(null_mut(), mbx, OP_SILENT as c_long)
            };
            if t.is_null() {
                return 0;
            }
            let mut st: MAILSTATUS = std::mem::zeroed();
            st.flags = flags;
            st.messages = (*t).nmsgs;
            st.recent = (*t).recent;
            if flags & SA_UNSEEN as c_long != 0 {
                st.unseen = (1..=(*t).nmsgs)
                    .filter(|&i| (*mail_elt(t, i)).seen() == 0)
                    .count() as c_ulong;
            }
            st.uidnext = (*t).uid_last + 1;
            st.uidvalidity = (*t).uid_validity;
            mm_status(t, mbx, &mut st);
            if t != stream {
                mail_close_full(t, 0);
            }
            1
        }
    })
}

/// `pop3_open`.
///
/// # Safety
/// `stream` NULL (prototype) or a stream being opened by mail_open.
#[no_mangle]
pub unsafe extern "C" fn pop3_open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    super::guard("pop3_open", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { open(stream) }
    })
}

unsafe fn open(stream: *mut MAILSTREAM) -> *mut MAILSTREAM {
    // SAFETY: per pop3_open's contract.
    unsafe {
        if stream.is_null() {
            return addr_of_mut!(pop3proto);
        }
        let mut mb: NETMBX = std::mem::zeroed();
        mail_valid_net_parse((*stream).mailbox, &mut mb);
        let mut usr = [0 as c_char; MAILTMPLEN as usize];
        if !(*stream).local.is_null() {
            // The original stops the program here; a recycled stream is
            // closed and opened afresh instead.
            pop3_close(stream, 0);
            (*stream).dtb = addr_of_mut!(pop3driver);
        }
        let s = &mut *stream;
        if mb.anoflag() != 0 || s.anonymous() != 0 {
            log(b"Anonymous POP3 login not available", ERROR as c_long);
            return null_mut();
        }
        if mb.readonlyflag() != 0 || s.rdonly() != 0 {
            log(b"Read-only POP3 access not available", ERROR as c_long);
            return null_mut();
        }
        if mb.dbgflag() != 0 {
            s.set_debug(1);
        }
        if mb.secflag() != 0 {
            s.set_secure(1);
        }
        let tryssl = mb.trysslflag() != 0 || s.tryssl() != 0;
        mb.set_trysslflag(tryssl as u32);
        s.set_tryssl(tryssl as u32);
        s.local = Box::into_raw(Box::new(Pop3Local {
            peer: NetPeer {
                stream,
                net: null_mut(),
            },
            sess: Session::new(),
        })) as *mut c_void;
        s.sequence += 1;
        s.set_perm_deleted(1);
        let port = super::params::number(Owner::Pop3, GET_POP3PORT as c_long) as c_ulong;
        let sslport = super::params::number(Owner::Pop3, GET_SSLPOPPORT as c_long) as c_ulong;
        let net = net_open(
            &mut mb,
            null_mut(),
            if port != 0 { port } else { POP3TCPPORT },
            super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER,
            c"*pop3s".as_ptr() as *mut c_char,
            if sslport != 0 { sslport } else { POP3SSLPORT },
        );
        let greeted = with(stream, |sess, peer| {
            peer.net = net;
            !net.is_null() && sess.greet(peer)
        });
        if greeted != Some(true) {
            pop3_close(stream, 0);
            return null_mut();
        }
        let mut pwd = [0 as c_char; MAILTMPLEN as usize];
        let authed = auth(stream, &mut mb, &mut pwd, &mut usr);
        pwd.fill(0);
        if !authed {
            pop3_close(stream, 0);
            return null_mut();
        }
        let Some(Some(n)) = with(stream, |sess, peer| sess.stat(peer)) else {
            pop3_close(stream, 0);
            return null_mut();
        };
        let Some(l) = local(stream) else {
            return null_mut();
        };
        let s = &mut *stream;
        let silent = s.silent();
        s.set_silent(1);
        let host = if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
            c_bytes(net_host(l.peer.net)).unwrap_or(b"").to_vec()
        } else {
            nm_bytes(&mb.host)
        };
        l.sess.loser = mb.loser() != 0;
        let name = session::mailbox_name(&session::NameParts {
            host: &host,
            port: net_port(l.peer.net) as u64,
            tls: mb.tlsflag() != 0,
            tls_sslv23: mb.tlssslv23() != 0,
            notls: mb.notlsflag() != 0,
            ssl: mb.sslflag() != 0,
            novalidate: mb.novalidate() != 0,
            loser: l.sess.loser,
            secure: s.secure() != 0,
            apop: super::net::apop_flag(&mb),
            user: &nm_bytes(&usr),
            mailbox: &nm_bytes(&mb.mailbox),
        });
        s.set_inbox(1);
        let mut old = s.mailbox as *mut c_void;
        fs_give(&mut old);
        s.mailbox = c_string_from(&name);
        let n = n as c_ulong;
        s.uid_last = n;
        mail_exists(stream, n);
        mail_recent(stream, (*stream).nmsgs);
        let nmsgs = (*stream).nmsgs;
        for i in 1..=nmsgs {
            let elt = mail_elt(stream, i);
            (*elt).set_valid(1);
            (*elt).set_recent(1);
            (*elt).private.uid = i;
        }
        let listed = with(stream, |sess, peer| {
            sess.list_sizes(peer, nmsgs, &mut |i, j| {
                if i != 0 && i <= nmsgs && j != 0 {
                    (*mail_elt(stream, i as c_ulong)).rfc822_size = j as c_ulong;
                }
            })
        });
        if listed != Some(true) {
            pop3_close(stream, 0);
            return null_mut();
        }
        (*stream).set_silent(silent);
        mail_exists(stream, (*stream).nmsgs);
        if (*stream).nmsgs == 0 && (*stream).silent() == 0 {
            log(b"Mailbox is empty", WARN as c_long);
        }
        if local(stream).is_some() {
            stream
        } else {
            null_mut()
        }
    }
}

/// `pop3_capa`: asks CAPA and records the answer; false (assuming an old
/// server that has USER) when the server does not know CAPA.
///
/// # Safety
/// `stream` a live POP3 stream.
#[no_mangle]
pub unsafe extern "C" fn pop3_capa(stream: *mut MAILSTREAM, _flags: c_long) -> c_long {
    super::guard("pop3_capa", 0, || {
        // SAFETY: per the contract.
        unsafe { with(stream, |sess, peer| sess.capa(peer)) == Some(true) }.into()
    })
}

/// `pop3_auth`: STLS when offered, then SASL with the offered
/// authenticators, else USER/PASS.
///
/// # Safety
/// `stream` a live POP3 stream; `mb` a NETMBX; `pwd` and `usr` buffers of
/// MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn pop3_auth(
    stream: *mut MAILSTREAM,
    mb: *mut NETMBX,
    pwd: *mut c_char,
    usr: *mut c_char,
) -> c_long {
    super::guard("pop3_auth", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if mb.is_null() || pwd.is_null() || usr.is_null() {
                return 0;
            }
            let p = std::slice::from_raw_parts_mut(pwd, MAILTMPLEN as usize);
            let u = std::slice::from_raw_parts_mut(usr, MAILTMPLEN as usize);
            let ret = auth(stream, &mut *mb, p, u);
            p.fill(0);
            ret as c_long
        }
    })
}

/// The login with the name's choices (the password buffer is left for
/// the caller to clear).
unsafe fn auth(
    stream: *mut MAILSTREAM,
    mb: &mut NETMBX,
    pwd: &mut [c_char],
    usr: &mut [c_char],
) -> bool {
    // SAFETY: stream live; buffers of MAILTMPLEN.
    unsafe {
        let secure = (*stream).secure() != 0;
        let flags: c_long = (if secure { AU_SECURE as c_long } else { 0 })
            | (if mb.authuser[0] != 0 {
                AU_AUTHUSER as c_long
            } else {
                0
            });
        let o = AuthOptions {
            secure,
            authuser: mb.authuser[0] != 0,
            ssl: mb.sslflag() != 0,
            notls: mb.notlsflag() != 0,
            tls: mb.tlsflag() != 0,
            can_tls: super::params::hook(GET_SSLSTART as c_long) != 0,
            apop: super::net::apop_flag(mb),
            forced: super::net::forced_mechanism(mb),
            maxtrials: super::params::number(Owner::Pop3, GET_MAXLOGINTRIALS as c_long) as u64,
        };
        with(stream, |sess, peer| {
            let mut a = Auth {
                peer,
                mb,
                usr,
                pwd,
                flags,
            };
            sess.authenticate(&mut a, &o)
        }) == Some(true)
    }
}

/// `pop3_challenge`: the server's SASL challenge, decoded (fs_get).
///
/// # Safety
/// `s` a live POP3 stream; `len` writable.
#[no_mangle]
pub unsafe extern "C" fn pop3_challenge(s: *mut c_void, len: *mut c_ulong) -> *mut c_void {
    super::guard("pop3_challenge", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            with_exchange(s as *mut MAILSTREAM, |sess, _| match sess.challenge() {
                Some(t) => super::net::sasl_challenge(t, len, b"POP3"),
                None => null_mut(),
            })
            .unwrap_or(null_mut())
        }
    })
}

/// `pop3_response`: sends a SASL response (NULL cancels) and reads the
/// server's next line.
///
/// # Safety
/// `s` a live POP3 stream; `response` NULL or `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn pop3_response(
    s: *mut c_void,
    response: *mut c_char,
    size: c_ulong,
) -> c_long {
    super::guard("pop3_response", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let data = if response.is_null() {
                None
            } else if size == 0 {
                Some(&[][..])
            } else {
                Some(std::slice::from_raw_parts(
                    response as *const u8,
                    size as usize,
                ))
            };
            with_exchange(s as *mut MAILSTREAM, |sess, peer| sess.respond(peer, data))
                .is_some_and(|r| r) as c_long
        }
    })
}

/// `pop3_close`: QUIT (after expunging with CL_EXPUNGE) and free.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn pop3_close(stream: *mut MAILSTREAM, options: c_long) {
    super::guard("pop3_close", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(l) = local(stream) else { return };
            let silent = (*stream).silent();
            if !l.peer.net.is_null() {
                (*stream).set_silent(1);
                if options & CL_EXPUNGE as c_long != 0 {
                    expunge(stream, null_mut(), 0);
                }
                (*stream).set_silent(silent);
                with(stream, |sess, peer| sess.quit(peer));
            }
            let raw = (*stream).local as *mut Pop3Local;
            (*raw).peer.hang_up();
            (*stream).local = null_mut();
            drop(Box::from_raw(raw));
            (*stream).dtb = null_mut();
        }
    })
}

/// `pop3_fetchfast`: sizes and dates, the slow way (header and text).
///
/// # Safety
/// `stream` live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_fetchfast(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) {
    super::guard("pop3_fetchfast", (), || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none() {
                return;
            }
            let ok = if flags & FT_UID as c_long != 0 {
                mail_uid_sequence(stream, sequence as *mut c_uchar)
            } else {
                mail_sequence(stream, sequence as *mut c_uchar)
            };
            if ok == 0 {
                return;
            }
            let mut i: c_ulong = 1;
            while i <= (*stream).nmsgs {
                let elt = mail_elt(stream, i);
                if (*elt).sequence() != 0 && !((*elt).day() != 0 && (*elt).rfc822_size != 0) {
                    let mut e: *mut ENVELOPE = null_mut();
                    let env: *mut *mut ENVELOPE = if (*stream).scache() == 0 {
                        &mut (*elt).private.msg.env
                    } else if (*stream).msgno == i {
                        &mut (*stream).env
                    } else {
                        &mut e
                    };
                    if (*env).is_null() || (*elt).rfc822_size == 0 {
                        let mut hs: c_ulong = 0;
                        let ht = pop3_header(stream, i, &mut hs, 0);
                        if (*env).is_null() {
                            rfc822_parse_msg_full(
                                env,
                                null_mut(),
                                ht,
                                hs,
                                null_mut(),
                                BADHOST.as_ptr() as *mut c_char,
                                0,
                                (*(*stream).dtb).flags as c_ulong,
                            );
                        }
                        if (*elt).rfc822_size == 0 {
                            let mut bs: STRING = std::mem::zeroed();
                            pop3_text(stream, i, &mut bs, FT_PEEK as c_long);
                            // The original's sum over its file string: header
                            // size + SIZE - GETPOS, the cursor standing after
                            // the message's own header.
                            let (total, pos) = match local(stream) {
                                Some(l) if l.sess.txt.is_some() => {
                                    ((*elt).rfc822_size, l.sess.hdrsize as c_ulong)
                                }
                                _ => (0, 0),
                            };
                            (*elt).rfc822_size =
                                hs.wrapping_add(total.wrapping_sub(pos)).wrapping_sub(pos);
                        }
                    }
                    if (*elt).day() == 0 && !(*env).is_null() && !(**env).date.is_null() {
                        mail_parse_date(elt, (**env).date);
                    }
                    if (*elt).day() == 0 {
                        (*elt).set_day(1);
                        (*elt).set_month(1);
                    }
                    mail_free_envelope(&mut e);
                }
                i += 1;
            }
        }
    })
}

const BADHOST: &[u8] = b".MISSING-HOST-NAME.\0";

unsafe fn store_text(slot: *mut SIZEDTEXT, data: &[u8]) {
    // SAFETY: slot points into the cache.
    unsafe {
        if !(*slot).data.is_null() {
            fs_give(&mut (*slot).data as *mut *mut c_uchar as *mut *mut c_void);
        }
        let p = fs_get(data.len() + 1) as *mut c_uchar;
        std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
        *p.add(data.len()) = 0;
        (*slot).data = p;
        (*slot).size = data.len() as c_ulong;
    }
}

static EMPTY: [c_char; 1] = [0];

/// `pop3_header`: TOP n 0 when the server is known to have TOP, else the
/// header of the whole message (RETR).
///
/// # Safety
/// `stream` live; `size` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pop3_header(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    size: *mut c_ulong,
    flags: c_long,
) -> *mut c_char {
    super::guard("pop3_header", EMPTY.as_ptr() as *mut c_char, || {
        // SAFETY: per the contract.
        unsafe {
            let empty = EMPTY.as_ptr() as *mut c_char;
            if !size.is_null() {
                *size = 0;
            }
            let mut msgno = msgno;
            if flags & FT_UID as c_long != 0 {
                msgno = mail_msgno(stream, msgno);
                if msgno == 0 {
                    return empty;
                }
            }
            let Some(l) = local(stream) else { return empty };
            let elt = mail_elt(stream, msgno);
            let slot = &mut (*elt).private.msg.header.text as *mut SIZEDTEXT;
            if (*slot).data.is_null() {
                if l.sess.uses_top() {
                    let uid = mail_uid(stream, msgno) as u64;
                    if let Some(h) = with(stream, |sess, peer| sess.top(peer, uid)).flatten() {
                        store_text(slot, &h);
                    }
                } else {
                    cache(stream, elt);
                    if let Some(l) = local(stream) {
                        if let Some(h) = l.sess.cached_header() {
                            store_text(slot, h);
                        }
                    }
                }
            }
            if !size.is_null() {
                *size = (*slot).size;
            }
            if (*slot).data.is_null() {
                empty
            } else {
                (*slot).data as *mut c_char
            }
        }
    })
}

/// `pop3_text`: the message text after the header (RETR, cached).
///
/// # Safety
/// `stream` live; `bs` writable.
#[no_mangle]
pub unsafe extern "C" fn pop3_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    bs: *mut STRING,
    flags: c_long,
) -> c_long {
    super::guard("pop3_text", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let driver = addr_of_mut!(super::data::mail_string);
            (*bs).dtb = driver;
            if let Some(init) = (*driver).init {
                init(bs, EMPTY.as_ptr() as *mut c_void, 0);
            }
            let mut msgno = msgno;
            if flags & FT_UID as c_long != 0 {
                msgno = mail_msgno(stream, msgno);
                if msgno == 0 {
                    return 0;
                }
            }
            if local(stream).is_none() {
                return 0;
            }
            let elt = mail_elt(stream, msgno);
            cache(stream, elt);
            let Some(l) = local(stream) else { return 0 };
            if l.sess.txt.is_none() {
                return 0;
            }
            if flags & FT_PEEK as c_long == 0 {
                (*elt).set_seen(1);
                mm_flags(stream, (*elt).msgno);
            }
            let Some(l) = local(stream) else { return 0 };
            let h = l.sess.hdrsize;
            let Some(t) = l.sess.txt.as_mut() else {
                return 0;
            };
            // A memory string of the text alone (the original hands out
            // the whole message through a file string positioned after
            // the header; memory strings must start at the text, as the
            // generic fetch code takes their offsets from the cursor).
            let n = ((*elt).rfc822_size as usize).min(t.len());
            let h = h.min(n);
            if let Some(init) = (*driver).init {
                init(bs, t.as_mut_ptr().add(h) as *mut c_void, (n - h) as c_ulong);
            }
            1
        }
    })
}

/// `pop3_cache`: loads the message into the one-message cache (RETR);
/// answers its header size.
///
/// # Safety
/// `stream` live; `elt` one of its elements.
#[no_mangle]
pub unsafe extern "C" fn pop3_cache(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE) -> c_ulong {
    super::guard("pop3_cache", 0, || {
        // SAFETY: per the contract.
        unsafe { cache(stream, elt) }
    })
}

unsafe fn cache(stream: *mut MAILSTREAM, elt: *mut MESSAGECACHE) -> c_ulong {
    // SAFETY: stream live, elt its element.
    unsafe {
        let uid = mail_uid(stream, (*elt).msgno) as u64;
        match with(stream, |sess, peer| sess.load(peer, uid)) {
            None => return 0,
            Some(Loaded::Cached) => {}
            Some(Loaded::Fetched(n)) => (*elt).rfc822_size = n as c_ulong,
            Some(Loaded::Failed) => (*elt).set_deleted(1),
        }
        local(stream).map_or(0, |l| l.sess.hdrsize as c_ulong)
    }
}

/// `pop3_ping`: NOOP.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn pop3_ping(stream: *mut MAILSTREAM) -> c_long {
    // SAFETY: per the contract.
    super::guard("pop3_ping", 0, || unsafe {
        (with(stream, |sess, peer| sess.noop(peer)) == Some(true)) as c_long
    })
}

/// `pop3_check`: NOOP, reported.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn pop3_check(stream: *mut MAILSTREAM) {
    super::guard("pop3_check", (), || {
        // SAFETY: per the contract.
        if unsafe { with(stream, |sess, peer| sess.noop(peer)) } == Some(true) {
            log(b"Check completed", 0);
        }
    })
}

/// `pop3_expunge`: DELE for each deleted message (of `sequence`).
///
/// # Safety
/// `stream` live; `sequence` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_expunge(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("pop3_expunge", 0, || {
        // SAFETY: per the contract.
        unsafe { expunge(stream, sequence, options) }
    })
}

unsafe fn expunge(stream: *mut MAILSTREAM, sequence: *mut c_char, options: c_long) -> c_long {
    // SAFETY: stream live.
    unsafe {
        let ret = if sequence.is_null() {
            1
        } else if options & EX_UID as c_long != 0 {
            mail_uid_sequence(stream, sequence as *mut c_uchar)
        } else {
            mail_sequence(stream, sequence as *mut c_uchar)
        };
        if ret == 0 {
            return 0;
        }
        let silent = (*stream).silent() != 0;
        let mut marked = |i: u32| -> Option<Option<u64>> {
            let i = i as c_ulong;
            if i > (*stream).nmsgs {
                return None;
            }
            let elt = mail_elt(stream, i);
            let hit = (*elt).deleted() != 0 && (sequence.is_null() || (*elt).sequence() != 0);
            Some(hit.then(|| mail_uid(stream, i) as u64))
        };
        if with(stream, |sess, peer| sess.expunge(peer, &mut marked, silent)).is_none() {
            // Not a POP3 stream: the original reports nothing deleted.
            if !silent {
                log(b"No messages deleted, so no update needed", 0);
            }
        }
        ret
    }
}

/// `pop3_copy`: only through the application's proxy copy hook.
///
/// # Safety
/// `stream` live; strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_copy(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    mailbox: *mut c_char,
    options: c_long,
) -> c_long {
    super::guard("pop3_copy", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let w = super::params::mail_parameters(stream, GET_MAILPROXYCOPY as c_long, null_mut())
                as usize;
            if w != 0 {
                // SAFETY: the word is the program's mailproxycopy_t.
                let f: unsafe extern "C" fn(
                    *mut MAILSTREAM,
                    *mut c_char,
                    *mut c_char,
                    c_long,
                ) -> c_long = std::mem::transmute(w);
                return f(stream, sequence, mailbox, options);
            }
            log(b"Copy not valid for POP3", ERROR as c_long);
            0
        }
    })
}

/// `pop3_append`: not valid for POP3.
#[no_mangle]
pub extern "C" fn pop3_append(
    _stream: *mut MAILSTREAM,
    _mailbox: *mut c_char,
    _af: append_t,
    _data: *mut c_void,
) -> c_long {
    super::guard("pop3_append", 0, || {
        log(b"Append not valid for POP3", ERROR as c_long);
        0
    })
}

/// `pop3_send_num`: a command with a message's UID as argument.
///
/// # Safety
/// `stream` live; `command` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_send_num(
    stream: *mut MAILSTREAM,
    command: *mut c_char,
    n: c_ulong,
) -> c_long {
    super::guard("pop3_send_num", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let c = c_bytes(command).unwrap_or(b"").to_vec();
            let uid = mail_uid(stream, n) as u64;
            (with(stream, |sess, peer| sess.send_num(peer, &c, uid)) == Some(true)) as c_long
        }
    })
}

/// `pop3_send`: a command and its status reply.
///
/// # Safety
/// `stream` live; strings NUL-terminated or `args` NULL.
#[no_mangle]
pub unsafe extern "C" fn pop3_send(
    stream: *mut MAILSTREAM,
    command: *mut c_char,
    args: *mut c_char,
) -> c_long {
    super::guard("pop3_send", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let c = c_bytes(command).unwrap_or(b"").to_vec();
            let a = c_bytes(args).map(|a| a.to_vec());
            (with(stream, |sess, peer| sess.send(peer, &c, a.as_deref())) == Some(true)) as c_long
        }
    })
}

/// `pop3_reply`: reads a status reply.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn pop3_reply(stream: *mut MAILSTREAM) -> c_long {
    // SAFETY: per the contract.
    super::guard("pop3_reply", 0, || unsafe {
        (with(stream, |sess, peer| sess.reply(peer)) == Some(true)) as c_long
    })
}

/// `pop3_fake`: a lost connection with `text` as its reply.
///
/// # Safety
/// `stream` live; `text` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn pop3_fake(stream: *mut MAILSTREAM, text: *mut c_char) -> c_long {
    super::guard("pop3_fake", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let t = c_bytes(text).unwrap_or(b"").to_vec();
            if with(stream, |sess, peer| sess.fake(peer, &t)).is_none() {
                notify(stream, &t, BYE as c_long);
            }
            0
        }
    })
}

/// The POP3 driver.
#[no_mangle]
pub static mut pop3driver: DRIVER = DRIVER {
    name: c"pop3".as_ptr() as *mut c_char,
    flags: 0x6624,
    next: null_mut(),
    valid: Some(pop3_valid),
    parameters: Some(super::params::pop3_parameters),
    scan: Some(pop3_scan),
    list: Some(pop3_list),
    lsub: Some(pop3_lsub),
    subscribe: Some(pop3_subscribe),
    unsubscribe: Some(pop3_unsubscribe),
    create: Some(pop3_create),
    mbxdel: Some(pop3_delete),
    mbxren: Some(pop3_rename),
    status: Some(pop3_status),
    open: Some(pop3_open),
    close: Some(pop3_close),
    fast: Some(pop3_fetchfast),
    msgflags: None,
    overview: None,
    structure: None,
    header: Some(pop3_header),
    text: Some(pop3_text),
    msgdata: None,
    uid: None,
    msgno: None,
    flag: None,
    flagmsg: None,
    search: None,
    sort: None,
    thread: None,
    ping: Some(pop3_ping),
    check: Some(pop3_check),
    expunge: Some(pop3_expunge),
    copy: Some(pop3_copy),
    append: Some(pop3_append),
    gc: None,
};

/// Prototype stream of the POP3 driver.
#[no_mangle]
pub static mut pop3proto: MAILSTREAM = MAILSTREAM {
    dtb: addr_of_mut!(pop3driver),
    // SAFETY: MAILSTREAM is plain C data; all-zero is empty.
    ..unsafe { std::mem::zeroed() }
};
