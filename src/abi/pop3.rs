//! The `pop3driver` and the `pop3_*` exports: the C face of the POP3
//! client. The protocol pieces (replies, CAPA, dot-terminated text,
//! numbers) are safe code in `crate::net::pop3`; this module runs the
//! exchanges over the library's NETSTREAM (so TLS, timeouts and their
//! callbacks are the same as every other network driver's) and keeps the
//! message cache and `mm_*` callbacks in the original's order.

use super::bindings::*;
use super::cache::{mail_elt, mail_exists, mail_expunged, mail_recent};
use super::callbacks::{mm_dlog, mm_flags, mm_list, mm_login, mm_lsub, mm_status};
use super::log_bytes as log;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::net::c_field as nm_bytes;
use super::net::{cz, notify};
use super::net::{net_close, net_getline, net_host, net_open, net_port, net_remotehost, net_sout};
use crate::env::params::Owner;
use crate::net::pop3::{self as proto, Capabilities, Link, Reply};
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
/// Largest message (or header) kept from one RETR/TOP: past it the
/// connection is dropped rather than memory exhausted (the original
/// spools to a scratch file without a bound).
const MAX_TEXT: usize = 1 << 30;
/// Lines of a CAPA or AUTH list (and beyond the message count, of LIST)
/// taken before a server is deemed never to end its answer.
const MAX_LIST_LINES: usize = 100_000;
/// Largest message count believed from STAT (each message costs a cache
/// element; the original would try to allocate whatever it is told).
const MAX_MESSAGES: c_ulong = 1_000_000;

/// What a POP3 stream keeps in `stream->local`.
pub struct Pop3Local {
    /// The connection; NULL once it is gone.
    net: *mut NETSTREAM,
    /// The last status line (None after a faked error).
    response: Option<Reply>,
    /// Text of the last reply (the faked error's text after one).
    reply: Vec<u8>,
    /// UID of the message in `txt` (0: none).
    cached: c_ulong,
    hdrsize: c_ulong,
    txt: Option<Vec<u8>>,
    cap: Capabilities,
    sensitive: bool,
    loser: bool,
    saslcancel: bool,
    /// The server's greeting text (its `<...>` timestamp is APOP's salt).
    greeting: Vec<u8>,
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

/// The library's NETSTREAM as a line link.
struct NetLink(*mut NETSTREAM);

impl Link for NetLink {
    fn getline(&mut self) -> Option<Vec<u8>> {
        if self.0.is_null() {
            return None;
        }
        // SAFETY: a live NETSTREAM of this driver.
        let p = unsafe { net_getline(self.0) };
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
    fn send(&mut self, data: &[u8]) -> bool {
        // SAFETY: a live NETSTREAM; data alive across the call.
        !self.0.is_null()
            && unsafe { net_sout(self.0, data.as_ptr() as *mut c_char, data.len() as c_ulong) } != 0
    }
}

/// Reports a lost connection as the original: a BYE notification, the
/// connection closed, `text` as the reply. Always false.
unsafe fn fake(stream: *mut MAILSTREAM, text: &[u8]) -> bool {
    // SAFETY: stream live.
    unsafe {
        notify(stream, text, BYE as c_long);
        if let Some(l) = local(stream) {
            if !l.net.is_null() {
                net_close(l.net);
                l.net = null_mut();
            }
            l.response = None;
            l.reply = text.to_vec();
        }
    }
    false
}

/// Reads one status reply.
unsafe fn reply(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else { return false };
        l.response = None;
        let Some(line) = NetLink(l.net).getline() else {
            return fake(stream, b"POP3 connection broken in response");
        };
        let r = Reply::parse(line);
        if (*stream).debug() != 0 {
            let mut t = cz(&r.line);
            mm_dlog(t.as_mut_ptr() as *mut c_char);
        }
        let ok = r.ok();
        l.reply = r.text().to_vec();
        l.response = Some(r);
        ok
    }
}

/// Sends `command` (with `args`) and reads its status reply.
unsafe fn send(stream: *mut MAILSTREAM, command: &str, args: Option<&[u8]>) -> bool {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else { return false };
        mail_lock(stream);
        let ret = if l.net.is_null() {
            fake(stream, b"POP3 connection lost")
        } else {
            let line = proto::command_line(command.as_bytes(), args);
            if (*stream).debug() != 0 {
                let mut t = cz(&line[..line.len() - 2]);
                mail_dlog(t.as_mut_ptr() as *mut c_char, l.sensitive as c_long);
            }
            if NetLink(l.net).send(&line) {
                reply(stream)
            } else {
                fake(stream, b"POP3 connection broken in command")
            }
        };
        mail_unlock(stream);
        ret
    }
}

unsafe fn send_num(stream: *mut MAILSTREAM, command: &str, msgno: c_ulong) -> bool {
    // SAFETY: stream live.
    unsafe {
        let n = mail_uid(stream, msgno).to_string();
        send(stream, command, Some(n.as_bytes()))
    }
}

/// Reads the rest of a multi-line answer, line by line (debug-logged),
/// at most `max` lines; false when it did not end properly.
unsafe fn lines(stream: *mut MAILSTREAM, max: usize, f: &mut dyn FnMut(&[u8])) -> bool {
    // SAFETY: stream live.
    unsafe { lines_logged(stream, max, (*stream).debug() != 0, f) }
}

/// As [`lines`], debug-logging the lines only when `debug`.
unsafe fn lines_logged(
    stream: *mut MAILSTREAM,
    max: usize,
    debug: bool,
    f: &mut dyn FnMut(&[u8]),
) -> bool {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else { return false };
        let mut link = NetLink(l.net);
        let dl = |t: &[u8]| {
            let mut z = cz(t);
            mm_dlog(z.as_mut_ptr() as *mut c_char);
        };
        let r = proto::read_lines(&mut link, max, &mut |t| {
            if debug {
                dl(t);
            }
            f(t)
        });
        match r {
            proto::LinesEnd::Done => {
                if debug {
                    dl(b".");
                }
                true
            }
            proto::LinesEnd::Lost => false,
            proto::LinesEnd::TooMany => {
                fake(stream, b"POP3 connection broken in response");
                false
            }
        }
    }
}

/// Reads dot-terminated text (RETR/TOP) into memory.
unsafe fn slurp(stream: *mut MAILSTREAM) -> proto::Slurped {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else {
            return proto::Slurped::default();
        };
        let s = proto::slurp(&mut NetLink(l.net), MAX_TEXT);
        if s.too_big {
            fake(stream, b"POP3 connection broken in response");
        }
        s
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
            let usable = local(stream).is_some_and(|l| !l.net.is_null())
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
            net: null_mut(),
            response: None,
            reply: Vec::new(),
            cached: 0,
            hdrsize: 0,
            txt: None,
            cap: Capabilities::default(),
            sensitive: false,
            loser: false,
            saslcancel: false,
            greeting: Vec::new(),
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
        if let Some(l) = local(stream) {
            l.net = net;
        }
        if net.is_null() || !reply(stream) {
            if let Some(l) = local(stream) {
                if l.response.is_some() || !l.reply.is_empty() {
                    let t = l.reply.clone();
                    log(&t, ERROR as c_long);
                }
            }
            pop3_close(stream, 0);
            return null_mut();
        }
        let greeting = local(stream).map(|l| l.reply.clone()).unwrap_or_default();
        log(&greeting, 0);
        if let Some(l) = local(stream) {
            l.greeting = greeting;
        }
        let mut pwd = [0 as c_char; MAILTMPLEN as usize];
        if !auth(stream, &mut mb, &mut pwd, &mut usr) {
            pop3_close(stream, 0);
            return null_mut();
        }
        if !send(stream, "STAT", None) {
            let t = local(stream).map(|l| l.reply.clone()).unwrap_or_default();
            log(&t, ERROR as c_long);
            pop3_close(stream, 0);
            return null_mut();
        }
        let Some(l) = local(stream) else {
            return null_mut();
        };
        let s = &mut *stream;
        let silent = s.silent();
        s.set_silent(1);
        let host = if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
            c_bytes(net_host(l.net)).unwrap_or(b"").to_vec()
        } else {
            nm_bytes(&mb.host)
        };
        let mut name = b"{".to_vec();
        name.extend_from_slice(&host[..host.len().min(200)]);
        name.extend_from_slice(format!(":{}/pop3", net_port(l.net)).as_bytes());
        if mb.tlsflag() != 0 {
            name.extend_from_slice(b"/tls");
        }
        if mb.tlssslv23() != 0 {
            name.extend_from_slice(b"/tls-sslv23");
        }
        if mb.notlsflag() != 0 {
            name.extend_from_slice(b"/notls");
        }
        if mb.sslflag() != 0 {
            name.extend_from_slice(b"/ssl");
        }
        if mb.novalidate() != 0 {
            name.extend_from_slice(b"/novalidate-cert");
        }
        l.loser = mb.loser() != 0;
        if l.loser {
            name.extend_from_slice(b"/loser");
        }
        if s.secure() != 0 {
            name.extend_from_slice(b"/secure");
        }
        if super::net::apop_flag(&mb) {
            name.extend_from_slice(b"/apop");
        }
        name.extend_from_slice(b"/user=\"");
        name.extend_from_slice(&nm_bytes(&usr));
        name.extend_from_slice(b"\"}");
        name.extend_from_slice(&nm_bytes(&mb.mailbox));
        s.set_inbox(1);
        let mut old = s.mailbox as *mut c_void;
        fs_give(&mut old);
        s.mailbox = c_string_from(&name);
        let n = proto::stat_count(&l.reply) as c_ulong;
        if n > MAX_MESSAGES {
            (*stream).set_silent(silent);
            log(
                b"POP3 server reports an impossible message count",
                ERROR as c_long,
            );
            pop3_close(stream, 0);
            return null_mut();
        }
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
        let capa = local(stream).is_some_and(|l| !l.loser && l.cap.capa);
        if capa && send(stream, "LIST", None) {
            let done = lines_logged(stream, nmsgs as usize + MAX_LIST_LINES, false, &mut |t| {
                let (i, j) = proto::list_entry(t);
                if i != 0 && i <= nmsgs && j != 0 {
                    (*mail_elt(stream, i as c_ulong)).rfc822_size = j as c_ulong;
                }
            });
            if !done {
                log(
                    b"POP3 connection broken while itemizing messages",
                    ERROR as c_long,
                );
                pop3_close(stream, 0);
                return null_mut();
            }
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
        unsafe { capa(stream) as c_long }
    })
}

unsafe fn capa(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else { return false };
        l.cap = Capabilities::default();
        if !send(stream, "CAPA", None) {
            if let Some(l) = local(stream) {
                l.cap.user = true;
            }
            return false;
        }
        let mut cap = Capabilities {
            capa: true,
            ..Default::default()
        };
        lines(stream, MAX_LIST_LINES, &mut |t| cap.add_line(t));
        if let Some(l) = local(stream) {
            l.cap = cap;
        }
        true
    }
}

/// The authenticators (bits by list position) among `names`.
unsafe fn auth_bits(names: &[Vec<u8>], flags: c_long) -> c_ulong {
    let mut bits: c_ulong = 0;
    for n in names {
        let mut z = cz(n);
        // SAFETY: NUL-terminated.
        let i = unsafe { mail_lookup_auth_name(z.as_mut_ptr() as *mut c_char, flags) } as c_ulong;
        if i != 0 && i - 1 < MAXAUTHENTICATORS as c_ulong {
            bits |= 1 << (i - 1);
        }
    }
    bits
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
            auth(stream, &mut *mb, p, u) as c_long
        }
    })
}

unsafe fn auth(
    stream: *mut MAILSTREAM,
    mb: &mut NETMBX,
    pwd: &mut [c_char],
    usr: &mut [c_char],
) -> bool {
    // SAFETY: stream live; buffers of MAILTMPLEN.
    unsafe {
        let flags: c_long = (if (*stream).secure() != 0 {
            AU_SECURE as c_long
        } else {
            0
        }) | (if mb.authuser[0] != 0 {
            AU_AUTHUSER as c_long
        } else {
            0
        });
        let capaok = capa(stream);
        let ssld = super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER;
        let stls = super::params::hook(GET_SSLSTART as c_long);
        let has_stls = local(stream).is_some_and(|l| l.cap.stls);
        if stls != 0
            && has_stls
            && mb.sslflag() == 0
            && mb.notlsflag() == 0
            && send(stream, "STLS", None)
        {
            mb.set_tlsflag(1);
            let Some(l) = local(stream) else { return false };
            // SAFETY: the word is the installed sslstart_t.
            let start: unsafe extern "C" fn(*mut c_void, *mut c_char, c_ulong) -> *mut c_void =
                std::mem::transmute(stls);
            (*l.net).dtb = ssld;
            let tflags = (if mb.tlssslv23() != 0 {
                0
            } else {
                NET_TLSCLIENT
            }) | if mb.novalidate() != 0 {
                NET_NOVALIDATECERT
            } else {
                0
            };
            let t = start((*l.net).stream, mb.host.as_mut_ptr(), tflags as c_ulong);
            (*l.net).stream = t;
            if t.is_null() {
                net_close(l.net);
                l.net = null_mut();
                return false;
            }
            capa(stream);
        } else if mb.tlsflag() != 0 {
            log(b"Unable to negotiate TLS with this server", ERROR as c_long);
            return false;
        }
        if super::net::apop_flag(mb) {
            let ret = apop(stream, mb, pwd, usr);
            pwd.fill(0);
            if ret && capaok {
                capa(stream);
            }
            return ret;
        }
        let mut names = Vec::new();
        if capaok {
            names = local(stream)
                .map(|l| l.cap.sasl.clone())
                .unwrap_or_default();
        } else if send(stream, "AUTH", None) {
            lines(stream, MAX_LIST_LINES, &mut |t| names.push(t.to_vec()));
        }
        let mut auths = auth_bits(&names, flags);
        // LOGIN is not used when PLAIN is offered too.
        let plain = mail_lookup_auth_name(c"PLAIN".as_ptr() as *mut c_char, 0) as c_ulong;
        if plain != 0 && plain - 1 < MAXAUTHENTICATORS as c_ulong && auths & (1 << (plain - 1)) != 0
        {
            let login = mail_lookup_auth_name(c"LOGIN".as_ptr() as *mut c_char, 0) as c_ulong;
            if login != 0 && login - 1 < MAXAUTHENTICATORS as c_ulong {
                auths &= !(1 << (login - 1));
            }
        }
        // `/auth=MECHANISM` (ours): that mechanism only, if offered.
        let forced = super::net::forced_mechanism(mb);
        if let Some(m) = forced {
            if !names
                .iter()
                .any(|w| w.eq_ignore_ascii_case(m.name().as_bytes()))
            {
                let t = format!("POP3 server does not offer AUTH={}", m.name());
                log(t.as_bytes(), ERROR as c_long);
                pwd.fill(0);
                return false;
            }
            if super::auth::forced_authenticator(m).is_null() {
                let t = format!("{} authentication is not available", m.name());
                log(t.as_bytes(), ERROR as c_long);
                pwd.fill(0);
                return false;
            }
            auths = 0;
        }
        let ats = match forced {
            Some(m) => vec![super::auth::forced_authenticator(m)],
            None => super::net::authenticators_of(auths),
        };
        let maxtrials = super::params::number(Owner::Pop3, GET_MAXLOGINTRIALS as c_long) as c_ulong;
        let mut ret = false;
        if !ats.is_empty() {
            if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
                if let Some(l) = local(stream) {
                    let h =
                        if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                            net_remotehost(l.net)
                        } else {
                            net_host(l.net)
                        };
                    set_field(&mut mb.host, c_bytes(h).unwrap_or(b""));
                }
            }
            let mut lasterr: Option<Vec<u8>> = None;
            if let Some(l) = local(stream) {
                l.saslcancel = false;
            }
            for &at in &ats {
                if ret || at.is_null() || local(stream).is_none_or(|l| l.net.is_null()) {
                    break;
                }
                let aname = c_bytes((*at).name).unwrap_or(b"").to_vec();
                if let Some(t) = lasterr.take() {
                    let mut m = b"Retrying using ".to_vec();
                    m.extend_from_slice(&aname[..aname.len().min(80)]);
                    m.extend_from_slice(b" authentication after ");
                    m.extend_from_slice(&t[..t.len().min(80)]);
                    log(&m, 0);
                }
                let mut trial: c_ulong = 0;
                loop {
                    if let Some(t) = lasterr.take() {
                        let mut m = b"Retrying ".to_vec();
                        m.extend_from_slice(&aname);
                        m.extend_from_slice(b" authentication after ");
                        m.extend_from_slice(&t[..t.len().min(80)]);
                        log(&m, WARN as c_long);
                    }
                    if let Some(l) = local(stream) {
                        l.saslcancel = false;
                    }
                    if send(stream, "AUTH", Some(&aname)) {
                        if let Some(l) = local(stream) {
                            l.sensitive = (*at).flags & AU_SECURE as c_long == 0;
                        }
                        if let Some(client) = (*at).client {
                            let r = client(
                                Some(pop3_challenge),
                                Some(pop3_response),
                                c"pop".as_ptr() as *mut c_char,
                                mb,
                                stream as *mut c_void,
                                &mut trial,
                                usr.as_mut_ptr(),
                            );
                            let resp =
                                local(stream).and_then(|l| l.response.as_ref().map(|r| r.ok()));
                            if r != 0 {
                                match resp {
                                    Some(true) => ret = true,
                                    Some(false) if trial == 0 => {
                                        log(b"POP3 Authentication cancelled", ERROR as c_long)
                                    }
                                    _ => {}
                                }
                            }
                        }
                        if let Some(l) = local(stream) {
                            l.sensitive = false;
                        }
                    }
                    if !ret && trial != 0 {
                        lasterr = local(stream).map(|l| l.reply.clone());
                    }
                    if ret
                        || trial == 0
                        || trial >= maxtrials
                        || local(stream).is_none_or(|l| l.net.is_null())
                    {
                        break;
                    }
                }
            }
            if let Some(t) = lasterr {
                if !local(stream).is_some_and(|l| l.saslcancel) {
                    let mut m = b"Can not authenticate to POP3 server: ".to_vec();
                    m.extend_from_slice(&t[..t.len().min(80)]);
                    log(&m, ERROR as c_long);
                }
            }
        } else if (*stream).secure() != 0 {
            log(
                b"Can't do secure authentication with this server",
                ERROR as c_long,
            );
        } else if mb.authuser[0] != 0 {
            log(b"Can't do /authuser with this server", ERROR as c_long);
        } else if !local(stream).is_some_and(|l| l.cap.user) {
            log(b"Can't login to this server", ERROR as c_long);
        } else {
            let mut trial: c_ulong = 0;
            loop {
                pwd[0] = 0;
                mm_login(mb, usr.as_mut_ptr(), pwd.as_mut_ptr(), trial as c_long);
                trial += 1;
                let have = pwd[0] != 0;
                if have {
                    let user = nm_bytes(usr);
                    if send(stream, "USER", Some(&user)) {
                        if let Some(l) = local(stream) {
                            l.sensitive = true;
                        }
                        let pass = nm_bytes(pwd);
                        if send(stream, "PASS", Some(&pass)) {
                            ret = true;
                        }
                        if let Some(l) = local(stream) {
                            l.sensitive = false;
                        }
                    }
                    if !ret {
                        let t = local(stream).map(|l| l.reply.clone()).unwrap_or_default();
                        log(&t, WARN as c_long);
                        if trial == maxtrials {
                            log(b"Too many login failures", ERROR as c_long);
                        }
                    }
                } else {
                    log(b"Login aborted", ERROR as c_long);
                }
                if ret
                    || !have
                    || trial >= maxtrials
                    || local(stream).is_none_or(|l| l.net.is_null())
                {
                    break;
                }
            }
        }
        pwd.fill(0);
        if ret && capaok {
            capa(stream);
        }
        ret
    }
}

/// APOP login (ours, asked for by `/apop`): the MD5 of the greeting's
/// timestamp and the password that `mm_login` gives, tried as often as
/// USER/PASS. Never falls back to a login that shows the password.
unsafe fn apop(
    stream: *mut MAILSTREAM,
    mb: &mut NETMBX,
    pwd: &mut [c_char],
    usr: &mut [c_char],
) -> bool {
    // SAFETY: stream live; buffers of MAILTMPLEN.
    unsafe {
        let greeting = local(stream)
            .map(|l| l.greeting.clone())
            .unwrap_or_default();
        if mb.authuser[0] != 0 {
            log(b"Can't do /authuser with APOP", ERROR as c_long);
            return false;
        }
        if proto::apop_digest(&greeting, b"").is_none() {
            log(b"Can't do APOP with this server", ERROR as c_long);
            return false;
        }
        // The host name mm_login sees: as for SASL.
        if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
            if let Some(l) = local(stream) {
                let h = if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                    net_remotehost(l.net)
                } else {
                    net_host(l.net)
                };
                set_field(&mut mb.host, c_bytes(h).unwrap_or(b""));
            }
        }
        let maxtrials = super::params::number(Owner::Pop3, GET_MAXLOGINTRIALS as c_long) as c_ulong;
        let mut trial: c_ulong = 0;
        loop {
            pwd[0] = 0;
            mm_login(mb, usr.as_mut_ptr(), pwd.as_mut_ptr(), trial as c_long);
            trial += 1;
            if pwd[0] == 0 {
                log(b"Login aborted", ERROR as c_long);
                return false;
            }
            let digest = proto::apop_digest(&greeting, &nm_bytes(pwd)).unwrap_or_default();
            let mut args = nm_bytes(usr);
            args.push(b' ');
            args.extend_from_slice(digest.as_bytes());
            if send(stream, "APOP", Some(&args)) {
                return true;
            }
            let t = local(stream).map(|l| l.reply.clone()).unwrap_or_default();
            log(&t, WARN as c_long);
            if trial == maxtrials {
                log(b"Too many login failures", ERROR as c_long);
            }
            if trial >= maxtrials || local(stream).is_none_or(|l| l.net.is_null()) {
                return false;
            }
        }
    }
}

/// `pop3_challenge`: the server's SASL challenge, decoded (fs_get).
///
/// # Safety
/// `s` a live POP3 stream; `len` writable.
#[no_mangle]
pub unsafe extern "C" fn pop3_challenge(s: *mut c_void, len: *mut c_ulong) -> *mut c_void {
    super::guard("pop3_challenge", null_mut(), || {
        let stream = s as *mut MAILSTREAM;
        // SAFETY: per the contract.
        unsafe {
            let Some(l) = local(stream) else {
                return null_mut();
            };
            if !l.response.as_ref().is_some_and(|r| r.is_challenge()) {
                return null_mut();
            }
            super::net::sasl_challenge(&l.reply, len, b"POP3")
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
        let stream = s as *mut MAILSTREAM;
        // SAFETY: per the contract.
        unsafe {
            let Some(l) = local(stream) else { return 0 };
            let ret = if !response.is_null() {
                let line = if size != 0 {
                    let data = std::slice::from_raw_parts(response as *const u8, size as usize);
                    let t = crate::net::sasl::encode64(data);
                    if (*stream).debug() != 0 {
                        let mut z = cz(t.as_bytes());
                        mail_dlog(z.as_mut_ptr() as *mut c_char, l.sensitive as c_long);
                    }
                    let mut v = t.into_bytes();
                    v.extend_from_slice(b"\r\n");
                    v
                } else {
                    b"\r\n".to_vec()
                };
                NetLink(l.net).send(&line)
            } else {
                l.saslcancel = true;
                NetLink(l.net).send(b"*\r\n")
            };
            reply(stream);
            ret as c_long
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
            if !l.net.is_null() {
                (*stream).set_silent(1);
                if options & CL_EXPUNGE as c_long != 0 {
                    expunge(stream, null_mut(), 0);
                }
                (*stream).set_silent(silent);
                send(stream, "QUIT", None);
                let t = local(stream).map(|l| l.reply.clone()).unwrap_or_default();
                notify(stream, &t, BYE as c_long);
            }
            let raw = (*stream).local as *mut Pop3Local;
            if !(*raw).net.is_null() {
                net_close((*raw).net);
            }
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
                                Some(l) if l.txt.is_some() => ((*elt).rfc822_size, l.hdrsize),
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
                if !l.loser && l.cap.top {
                    let cmd = format!("{} 0", mail_uid(stream, msgno));
                    if send(stream, "TOP", Some(cmd.as_bytes())) {
                        let s = slurp(stream);
                        store_text(slot, &s.data[..s.header_size]);
                    }
                } else {
                    let hs = cache(stream, elt);
                    if hs != 0 {
                        if let Some(t) = local(stream).and_then(|l| l.txt.as_ref()) {
                            let n = (hs as usize).min(t.len());
                            let v = t[..n].to_vec();
                            store_text(slot, &v);
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
            if l.txt.is_none() {
                return 0;
            }
            if flags & FT_PEEK as c_long == 0 {
                (*elt).set_seen(1);
                mm_flags(stream, (*elt).msgno);
            }
            let Some(l) = local(stream) else { return 0 };
            let Some(t) = l.txt.as_mut() else { return 0 };
            // A memory string of the text alone (the original hands out
            // the whole message through a file string positioned after
            // the header; memory strings must start at the text, as the
            // generic fetch code takes their offsets from the cursor).
            let n = ((*elt).rfc822_size as usize).min(t.len());
            let h = (l.hdrsize as usize).min(n);
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
        let Some(l) = local(stream) else { return 0 };
        let uid = mail_uid(stream, (*elt).msgno);
        if l.cached != uid {
            l.txt = None;
            l.cached = 0;
            l.hdrsize = 0;
            let mut got = false;
            if send_num(stream, "RETR", (*elt).msgno) {
                let s = slurp(stream);
                if let Some(l) = local(stream) {
                    (*elt).rfc822_size = s.data.len() as c_ulong;
                    l.hdrsize = s.header_size as c_ulong;
                    l.txt = Some(s.data);
                    l.cached = uid;
                    got = true;
                }
            }
            if !got {
                (*elt).set_deleted(1);
            }
        }
        local(stream).map_or(0, |l| l.hdrsize)
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
        send(stream, "NOOP", None) as c_long
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
        if unsafe { send(stream, "NOOP", None) } {
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
        let mut i: c_ulong = 1;
        let mut n: c_ulong = 0;
        while i <= (*stream).nmsgs {
            let elt = mail_elt(stream, i);
            if (*elt).deleted() != 0
                && (sequence.is_null() || (*elt).sequence() != 0)
                && send_num(stream, "DELE", i)
            {
                let uid = mail_uid(stream, i);
                if let Some(l) = local(stream) {
                    if l.cached == uid {
                        l.txt = None;
                        l.cached = 0;
                        l.hdrsize = 0;
                    }
                }
                mail_expunged(stream, i);
                n += 1;
            } else {
                i += 1;
            }
        }
        if (*stream).silent() == 0 {
            if n != 0 {
                log(format!("Expunged {n} messages").as_bytes(), 0);
            } else {
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
            let c = String::from_utf8_lossy(c_bytes(command).unwrap_or(b"")).into_owned();
            send_num(stream, &c, n) as c_long
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
            let c = String::from_utf8_lossy(c_bytes(command).unwrap_or(b"")).into_owned();
            send(stream, &c, c_bytes(args)) as c_long
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
    super::guard("pop3_reply", 0, || unsafe { reply(stream) as c_long })
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
            fake(stream, &t) as c_long
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
