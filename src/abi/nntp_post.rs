//! The NNTP posting client (SENDSTREAM): `nntp_open_full`, `nntp_mail`,
//! `nntp_close` and the exported helpers. The dialogues (commands and
//! replies, LIST EXTENSIONS, AUTHINFO, the opening sequence, POST) are in
//! `crate::net::nntp::session`; this module gives them the SENDSTREAM
//! (whose `reply`, `replycode` and extension bits programs read), runs the
//! SASL exchanges through the library's authenticators, and builds the
//! article with `rfc822_output_full` (the date's comment dropped while it
//! goes out).

use super::bindings::*;
use super::callbacks::mm_dlog;
use super::log_bytes as log;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::net::c_field as nm_bytes;
use super::net::cz;
use super::net::sendstream;
use super::net::{net_host, net_localhost, net_open, net_remotehost, net_sout};
use crate::env::params::Owner;
use crate::net::nntp::code::CHALLENGE;
use crate::net::nntp::session::{self, Extensions, Flags, Level, Opened, Opening, Peer};
use std::os::raw::{c_char, c_long, c_ulong, c_void};
use std::ptr::null_mut;

extern "C" {
    fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long;
    fn mail_dlog(string: *mut c_char, flag: c_long);
    fn mail_lookup_auth_name(mechanism: *mut c_char, flags: c_long) -> std::os::raw::c_uint;
    fn rfc822_output_full(
        buf: *mut RFC822BUFFER,
        env: *mut ENVELOPE,
        body: *mut BODY,
        ok8bit: c_long,
    ) -> c_long;
}

const NNTPSSLPORT: c_ulong = 563;
const NNTPCHALLENGE: c_long = CHALLENGE as c_long;
const NNTPAUTHED: c_long = crate::net::nntp::code::AUTHENTICATED as c_long;

fn clip(b: &[u8], n: usize) -> &[u8] {
    &b[..b.len().min(n)]
}

fn set_field(dst: &mut [c_char], src: &[u8]) {
    let n = src.len().min(dst.len() - 1);
    for (d, &c) in dst.iter_mut().zip(&src[..n]) {
        *d = c as c_char;
    }
    dst[n] = 0;
}

unsafe fn reply_text<'a>(stream: *mut SENDSTREAM) -> &'a [u8] {
    // SAFETY: stream live; reply NULL or a C string.
    unsafe { c_bytes((*stream).reply).unwrap_or(b"") }
}

unsafe fn free_reply(stream: *mut SENDSTREAM) {
    // SAFETY: stream live; reply NULL or ours.
    unsafe {
        if !(*stream).reply.is_null() {
            let mut p = (*stream).reply as *mut c_void;
            fs_give(&mut p);
            (*stream).reply = null_mut();
        }
    }
}

/// A live SENDSTREAM as the session's peer. It holds nothing but the
/// pointer, so that nested dialogues (authentication inside a command)
/// each take their own.
#[derive(Clone, Copy)]
pub(crate) struct Sess(pub *mut SENDSTREAM);

fn level(l: Level) -> c_long {
    match l {
        Level::Info => 0,
        Level::Warn => WARN as c_long,
        Level::Error => ERROR as c_long,
    }
}

impl Peer for Sess {
    fn connected(&self) -> bool {
        // SAFETY: a Sess is made from a live stream.
        unsafe { sendstream::connected(self.0) }
    }
    fn getline(&mut self) -> Option<Vec<u8>> {
        // SAFETY: as above.
        unsafe { sendstream::getline(self.0) }
    }
    fn sout(&mut self, data: &[u8]) -> bool {
        // SAFETY: as above.
        unsafe { sendstream::sout(self.0, data) }
    }
    fn hang_up(&mut self) {
        // SAFETY: as above.
        unsafe { sendstream::hang_up(self.0) }
    }
    fn reply(&self) -> Vec<u8> {
        // SAFETY: live stream.
        unsafe { reply_text(self.0).to_vec() }
    }
    fn set_reply(&mut self, line: Option<Vec<u8>>) {
        // SAFETY: live stream; the reply is ours.
        unsafe {
            free_reply(self.0);
            if let Some(l) = line {
                (*self.0).reply = c_string_from(&l);
            }
        }
    }
    fn set_reply_code(&mut self, code: i64) {
        // SAFETY: live stream.
        unsafe { (*self.0).replycode = code as c_long }
    }
    fn flags(&self) -> Flags {
        // SAFETY: live stream; the nntp member is the one NNTP uses.
        unsafe {
            let s = &*self.0;
            Flags {
                debug: s.debug() != 0,
                sensitive: s.sensitive() != 0,
                loser: s.loser() != 0,
                post: s.protocol.nntp.post() != 0,
            }
        }
    }
    fn set_post(&mut self, on: bool) {
        // SAFETY: live stream.
        unsafe { (*self.0).protocol.nntp.set_post(on as u32) }
    }
    fn set_sensitive(&mut self, on: bool) {
        // SAFETY: live stream.
        unsafe { (*self.0).set_sensitive(on as u32) }
    }
    fn ext(&self) -> Extensions {
        // SAFETY: live stream.
        let e = unsafe { &(*self.0).protocol.nntp.ext };
        Extensions {
            ok: e.ok() != 0,
            listgroup: e.listgroup() != 0,
            over: e.over() != 0,
            hdr: e.hdr() != 0,
            pat: e.pat() != 0,
            starttls: e.starttls() != 0,
            multidomain: e.multidomain() != 0,
            authuser: e.authuser() != 0,
            sasl: e.sasl(),
        }
    }
    fn set_ext(&mut self, x: Extensions) {
        // SAFETY: live stream.
        let e = unsafe { &mut (*self.0).protocol.nntp.ext };
        // SAFETY: the bit-field struct is plain data; all zero is "none".
        *e = unsafe { std::mem::zeroed() };
        e.set_ok(x.ok as u32);
        e.set_listgroup(x.listgroup as u32);
        e.set_over(x.over as u32);
        e.set_hdr(x.hdr as u32);
        e.set_pat(x.pat as u32);
        e.set_starttls(x.starttls as u32);
        e.set_multidomain(x.multidomain as u32);
        e.set_authuser(x.authuser as u32);
        e.set_sasl(x.sasl);
    }
    fn dlog_in(&mut self, line: &[u8]) {
        let mut t = cz(line);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { mm_dlog(t.as_mut_ptr() as *mut c_char) }
    }
    fn dlog_out(&mut self, line: &[u8], sensitive: bool) {
        let mut t = cz(line);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { mail_dlog(t.as_mut_ptr() as *mut c_char, sensitive as c_long) }
    }
    fn log(&mut self, text: &[u8], l: Level) {
        log(text, level(l));
    }
    fn notify(&mut self, text: &[u8]) {
        let mut n = cz(text);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { super::callbacks::mm_notify(null_mut(), n.as_mut_ptr() as *mut c_char, 0) }
    }
    fn reauthenticate(&mut self) -> bool {
        // SAFETY: live stream.
        unsafe { send_auth(self.0, true) }
    }
    fn mechanism(&mut self, name: &[u8], flags: i64) -> u32 {
        let mut nz = cz(name);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { mail_lookup_auth_name(nz.as_mut_ptr() as *mut c_char, flags as c_long) }
    }
}

unsafe fn fake(stream: *mut SENDSTREAM, text: &[u8]) -> c_long {
    session::fake(&mut Sess(stream), text) as c_long
}

unsafe fn reply(stream: *mut SENDSTREAM) -> c_long {
    session::reply(&mut Sess(stream)) as c_long
}

unsafe fn send_work(stream: *mut SENDSTREAM, command: &[u8], args: Option<&[u8]>) -> c_long {
    session::send_work(&mut Sess(stream), command, args) as c_long
}

pub(crate) unsafe fn send(stream: *mut SENDSTREAM, command: &[u8], args: Option<&[u8]>) -> c_long {
    session::send(&mut Sess(stream), command, args) as c_long
}

unsafe fn extensions(stream: *mut SENDSTREAM, flags: c_long) -> bool {
    session::extensions(&mut Sess(stream), flags)
}

/// The host name the session authenticates to.
unsafe fn auth_host(stream: *mut SENDSTREAM) -> Vec<u8> {
    // SAFETY: stream live with a netstream.
    unsafe {
        if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
            let h = if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                net_remotehost((*stream).netstream)
            } else {
                net_host((*stream).netstream)
            };
            c_bytes(h).unwrap_or(b"").to_vec()
        } else {
            c_bytes((*stream).host).unwrap_or(b"").to_vec()
        }
    }
}

unsafe fn send_auth(stream: *mut SENDSTREAM, flags: bool) -> bool {
    // SAFETY: stream live.
    unsafe {
        if (*stream).netstream.is_null() {
            return false;
        }
        let mut n = b"{".to_vec();
        n.extend_from_slice(clip(&auth_host(stream), 200));
        n.extend_from_slice(b"/nntp");
        if (*(*stream).netstream).dtb as usize == super::params::hook(GET_SSLDRIVER as c_long) {
            n.extend_from_slice(b"/ssl");
        }
        n.extend_from_slice(b"}<none>");
        let mut n = cz(&n);
        let mut mb: NETMBX = std::mem::zeroed();
        mail_valid_net_parse(n.as_mut_ptr() as *mut c_char, &mut mb);
        let mut pwd = [0 as c_char; MAILTMPLEN as usize];
        send_auth_work(stream, &mut mb, pwd.as_mut_ptr(), flags)
    }
}

fn auth_flags(mb: &NETMBX) -> c_long {
    (if mb.secflag() != 0 {
        AU_SECURE as c_long
    } else {
        0
    }) | if mb.authuser[0] != 0 {
        AU_AUTHUSER as c_long
    } else {
        0
    }
}

/// AUTHINFO SASL through the library's authenticators, then the
/// session's AUTHINFO USER/PASS with `mm_login`'s answers.
unsafe fn send_auth_work(
    stream: *mut SENDSTREAM,
    mb: &mut NETMBX,
    pwd: *mut c_char,
    flags: bool,
) -> bool {
    // SAFETY: stream live; pwd a MAILTMPLEN buffer.
    unsafe {
        let maxtrials = super::params::number(Owner::Nntp, GET_MAXLOGINTRIALS as c_long) as c_long;
        let mut usr = [0 as c_char; MAILTMPLEN as usize];
        let auths = (*stream).protocol.nntp.ext.sasl() as c_ulong;
        let (sasl_ok, sasl_error) = super::net::send_sasl_loop(
            stream,
            mb,
            usr.as_mut_ptr(),
            &super::net::authenticators_of(auths),
            &super::net::SendSasl {
                command: b"AUTHINFO SASL",
                ready: NNTPCHALLENGE,
                authed: NNTPAUTHED,
                challenge: Some(nntp_challenge),
                response: Some(nntp_response),
                service: c"nntp",
                label: "NNTP",
                maxtrials: maxtrials as c_ulong,
                send,
            },
        );
        let st = session::AuthState {
            sasl_ok,
            sasl_error,
            sasl_cancelled: (*stream).saslcancel() != 0,
            secure: mb.secflag() != 0,
            authuser: mb.authuser[0] != 0,
            maxtrials: maxtrials as i64,
        };
        let mbp: *mut NETMBX = mb;
        let ret = session::authenticate(&mut Sess(stream), &st, &mut |trial| {
            *pwd = 0;
            super::callbacks::mm_login(mbp, usr.as_mut_ptr(), pwd, trial as c_long);
            (nm_bytes(&usr), c_bytes(pwd).unwrap_or(b"").to_vec())
        });
        std::ptr::write_bytes(pwd, 0, MAILTMPLEN as usize);
        if ret && flags {
            extensions(stream, auth_flags(mb));
        }
        ret
    }
}

/// What `nntp_open_full` hands the opening sequence: the parsed name and
/// the C-side steps (TLS hook, authentication with the name's choices).
struct Open<'a> {
    stream: *mut SENDSTREAM,
    mb: &'a mut NETMBX,
    dv: *mut NETDRIVER,
    options: c_long,
    pwd: [c_char; MAILTMPLEN as usize],
}

impl Opening for Open<'_> {
    fn auth_flags(&self) -> i64 {
        auth_flags(self.mb) as i64
    }
    fn may_starttls(&self) -> bool {
        self.dv.is_null()
            && super::params::hook(GET_SSLSTART as c_long) != 0
            && self.mb.sslflag() == 0
            && self.mb.notlsflag() == 0
    }
    fn tls_required(&self) -> bool {
        self.mb.tlsflag() != 0
    }
    fn host(&self) -> Vec<u8> {
        nm_bytes(&self.mb.host)
    }
    fn start_tls(&mut self) -> bool {
        let ssld = super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER;
        let stls = super::params::hook(GET_SSLSTART as c_long);
        // SAFETY: live stream with a connection; the hooks are installed.
        unsafe { super::net::sendstream_starttls(self.stream, self.mb, ssld, stls) }
    }
    fn has_user(&self) -> bool {
        self.mb.user[0] != 0
    }
    fn readonly(&self) -> bool {
        self.options & NOP_READONLY != 0
    }
    fn authenticate(&mut self) -> bool {
        // SAFETY: live stream; pwd a MAILTMPLEN buffer.
        unsafe {
            if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
                let h = auth_host(self.stream);
                set_field(&mut self.mb.host[..NETMAXHOST as usize], &h);
            }
            send_auth_work(self.stream, self.mb, self.pwd.as_mut_ptr(), false)
        }
    }
    fn send_auth(&mut self) -> bool {
        // SAFETY: live stream.
        unsafe { send_auth(self.stream, false) }
    }
}

/// `nntp_open_full`: a posting session with the first host of `hostlist`
/// that greets, MODE READER sent, authenticated when the name or the
/// server asks.
///
/// # Safety
/// `hostlist` a NULL-terminated array of C strings (or NULL); `dv` NULL
/// or a NETDRIVER; `service` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_open_full(
    dv: *mut NETDRIVER,
    hostlist: *mut *mut c_char,
    service: *mut c_char,
    port: c_ulong,
    options: c_long,
) -> *mut SENDSTREAM {
    super::guard("nntp_open_full", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { open(dv, hostlist, service, port, options) }
    })
}

unsafe fn open(
    dv: *mut NETDRIVER,
    hostlist: *mut *mut c_char,
    service: *mut c_char,
    port0: c_ulong,
    options: c_long,
) -> *mut SENDSTREAM {
    // SAFETY: per nntp_open_full's contract.
    unsafe {
        if hostlist.is_null() || (*hostlist).is_null() {
            log(b"Missing NNTP service host", ERROR as c_long);
            return null_mut();
        }
        let mut stream: *mut SENDSTREAM = null_mut();
        let mut mb: NETMBX;
        let mut hl = hostlist;
        let svc = c_bytes(service).unwrap_or(b"nntp").to_vec();
        let mut port = port0;
        loop {
            let host = c_bytes(*hl).unwrap_or(b"").to_vec();
            let mut name = b"{".to_vec();
            name.extend_from_slice(clip(&host, 200));
            name.push(b'/');
            name.extend_from_slice(clip(&svc, 20));
            name.push(b'}');
            let mut name = cz(&name);
            mb = std::mem::zeroed();
            if mail_valid_net_parse(name.as_mut_ptr() as *mut c_char, &mut mb) == 0
                || mb.anoflag() != 0
            {
                let mut t = b"Invalid host specifier: ".to_vec();
                t.extend_from_slice(clip(&host, 80));
                log(&t, ERROR as c_long);
            } else {
                mb.set_trysslflag((options & NOP_TRYSSL != 0) as u32);
                if mb.port != 0 {
                    port = mb.port;
                } else if port == 0 {
                    let p = super::params::number(Owner::Nntp, GET_NNTPPORT) as c_ulong;
                    port = if p != 0 { p } else { NNTPTCPPORT as c_ulong };
                }
                let sslport = super::params::number(Owner::Nntp, GET_SSLNNTPPORT) as c_ulong;
                let ns = net_open(
                    &mut mb,
                    dv,
                    port,
                    super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER,
                    c"*nntps".as_ptr() as *mut c_char,
                    if sslport != 0 { sslport } else { NNTPSSLPORT },
                );
                if !ns.is_null() {
                    stream = fs_get(std::mem::size_of::<SENDSTREAM>()) as *mut SENDSTREAM;
                    std::ptr::write_bytes(stream as *mut u8, 0, std::mem::size_of::<SENDSTREAM>());
                    (*stream).netstream = ns;
                    let trust = super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0;
                    (*stream).host = if trust {
                        c_string_from(c_bytes(net_host(ns)).unwrap_or(b""))
                    } else {
                        c_string_from(&nm_bytes(&mb.host))
                    };
                    (*stream).set_debug((mb.dbgflag() != 0 || options & NOP_DEBUG != 0) as u32);
                    if mb.loser() != 0 {
                        (*stream).set_loser(1);
                    }
                    if !session::greeting(&mut Sess(stream)) {
                        stream = close(stream);
                    }
                }
            }
            if !stream.is_null() {
                break;
            }
            hl = hl.add(1);
            if (*hl).is_null() {
                break;
            }
        }
        if stream.is_null() {
            if mb.tlsflag() != 0 {
                log(b"Unable to negotiate TLS with this server", ERROR as c_long);
            }
            return null_mut();
        }
        let mut o = Open {
            stream,
            mb: &mut mb,
            dv,
            options,
            pwd: [0; MAILTMPLEN as usize],
        };
        let r = session::open(&mut Sess(stream), &mut o);
        o.pwd.iter_mut().for_each(|c| *c = 0);
        match r {
            Opened::Ready => stream,
            Opened::Close => close(stream),
            // The original returns here without closing the session.
            Opened::Abandon => null_mut(),
        }
    }
}

unsafe fn close(stream: *mut SENDSTREAM) -> *mut SENDSTREAM {
    // SAFETY: stream NULL or live.
    unsafe {
        if stream.is_null() {
            return null_mut();
        }
        session::quit(&mut Sess(stream));
        if !(*stream).host.is_null() {
            let mut q = (*stream).host as *mut c_void;
            fs_give(&mut q);
        }
        free_reply(stream);
        let mut q = stream as *mut c_void;
        fs_give(&mut q);
        null_mut()
    }
}

/// `nntp_close`: QUIT and free; answers NULL.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn nntp_close(stream: *mut SENDSTREAM) -> *mut SENDSTREAM {
    super::guard("nntp_close", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { close(stream) }
    })
}

/// `nntp_mail`: posts one article (a `Path:` line, then the message as
/// `rfc822_output_full` writes it, dot-stuffed); true on 240 (or another
/// 2xx, warned about).
///
/// # Safety
/// `stream` live; `env` an envelope; `body` NULL or a body.
#[no_mangle]
pub unsafe extern "C" fn nntp_mail(
    stream: *mut SENDSTREAM,
    env: *mut ENVELOPE,
    body: *mut BODY,
) -> c_long {
    super::guard("nntp_mail", 0, || {
        // SAFETY: per the contract.
        unsafe { mail(stream, env, body) }
    })
}

unsafe fn mail(stream: *mut SENDSTREAM, env: *mut ENVELOPE, body: *mut BODY) -> c_long {
    // SAFETY: per nntp_mail's contract.
    unsafe {
        if stream.is_null() || env.is_null() {
            return 0;
        }
        let e = &mut *env;
        let who: Vec<u8> = if !e.sender.is_null() {
            c_bytes((*e.sender).mailbox).unwrap_or(b"").to_vec()
        } else if !e.from.is_null() {
            c_bytes((*e.from).mailbox).unwrap_or(b"").to_vec()
        } else {
            b"not-for-mail".to_vec()
        };
        // The date's " (comment)" is cut while the article goes out.
        let mut cut: *mut c_char = null_mut();
        if let Some(d) = c_bytes(e.date as *const c_char) {
            if let Some(i) = d.windows(2).position(|w| w == b" (") {
                cut = e.date.add(i) as *mut c_char;
                *cut = 0;
            }
        }
        let hide = super::params::number(Owner::Nntp, GET_NNTPHIDEPATH) != 0;
        let ok = session::post(
            &mut Sess(stream),
            &mut || {
                let here = if hide {
                    &b""[..]
                } else {
                    c_bytes(net_localhost((*stream).netstream)).unwrap_or(b"")
                };
                session::path_line(hide, here, &who)
            },
            &mut || {
                let mut tmp = vec![0 as c_char; SENDBUFLEN as usize + 1];
                let beg = tmp.as_mut_ptr();
                let mut buf = RFC822BUFFER {
                    f: Some(nntp_soutr),
                    s: (*stream).netstream as *mut c_void,
                    beg,
                    cur: beg,
                    end: beg.add(SENDBUFLEN as usize),
                };
                rfc822_output_full(&mut buf, env, body, 1) != 0
            },
        );
        if !cut.is_null() {
            *cut = b' ' as c_char;
        }
        c_long::from(ok)
    }
}

/// `nntp_extensions`: LIST EXTENSIONS into the stream's extension bits.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_extensions(stream: *mut SENDSTREAM, flags: c_long) -> c_long {
    super::guard("nntp_extensions", 0, || {
        // SAFETY: per the contract.
        unsafe { extensions(stream, flags) as c_long }
    })
}

/// `nntp_send`: a command; on 480/380, authenticates and sends it again.
///
/// # Safety
/// `stream` live; `command` a C string, `args` NULL or one.
#[no_mangle]
pub unsafe extern "C" fn nntp_send(
    stream: *mut SENDSTREAM,
    command: *mut c_char,
    args: *mut c_char,
) -> c_long {
    super::guard("nntp_send", 0, || {
        // SAFETY: per the contract.
        unsafe { send(stream, c_bytes(command).unwrap_or(b""), c_bytes(args)) }
    })
}

/// `nntp_send_work`: a command and its reply code.
///
/// # Safety
/// `stream` live; `command` a C string, `args` NULL or one.
#[no_mangle]
pub unsafe extern "C" fn nntp_send_work(
    stream: *mut SENDSTREAM,
    command: *mut c_char,
    args: *mut c_char,
) -> c_long {
    super::guard("nntp_send_work", 0, || {
        // SAFETY: per the contract.
        unsafe { send_work(stream, c_bytes(command).unwrap_or(b""), c_bytes(args)) }
    })
}

/// `nntp_send_auth`: authenticates to the session's own host.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_send_auth(stream: *mut SENDSTREAM, flags: c_long) -> c_long {
    super::guard("nntp_send_auth", 0, || {
        // SAFETY: per the contract.
        unsafe { send_auth(stream, flags != 0) as c_long }
    })
}

/// `nntp_send_auth_work`: AUTHINFO SASL with the offered mechanisms, else
/// AUTHINFO USER/PASS with `mm_login`'s answers.
///
/// # Safety
/// `stream` live; `mb` a NETMBX; `pwd` a MAILTMPLEN buffer.
#[no_mangle]
pub unsafe extern "C" fn nntp_send_auth_work(
    stream: *mut SENDSTREAM,
    mb: *mut NETMBX,
    pwd: *mut c_char,
    flags: c_long,
) -> c_long {
    super::guard("nntp_send_auth_work", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || mb.is_null() || pwd.is_null() {
                return 0;
            }
            send_auth_work(stream, &mut *mb, pwd, flags != 0) as c_long
        }
    })
}

/// `nntp_challenge`: the server's 383 challenge, decoded (fs_get).
///
/// # Safety
/// `s` a live SENDSTREAM; `len` writable.
#[no_mangle]
pub unsafe extern "C" fn nntp_challenge(s: *mut c_void, len: *mut c_ulong) -> *mut c_void {
    super::guard("nntp_challenge", null_mut(), || {
        let stream = s as *mut SENDSTREAM;
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || (*stream).replycode != NNTPCHALLENGE {
                return null_mut();
            }
            let text = reply_text(stream).get(4..).unwrap_or(b"");
            super::net::sasl_challenge(text, len, b"NNTP")
        }
    })
}

/// `nntp_response`: sends a SASL response (NULL cancels); always true.
///
/// # Safety
/// `s` a live SENDSTREAM; `response` NULL or `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn nntp_response(
    s: *mut c_void,
    response: *mut c_char,
    size: c_ulong,
) -> c_long {
    super::guard("nntp_response", 0, || {
        let stream = s as *mut SENDSTREAM;
        // SAFETY: per the contract.
        unsafe {
            send_work(
                stream,
                &super::net::sasl_response_line(response, size),
                None,
            );
            if response.is_null() {
                (*stream).set_saslcancel(1);
            }
            1
        }
    })
}

/// `nntp_reply`: the next reply (continuation lines skipped); its code.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn nntp_reply(stream: *mut SENDSTREAM) -> c_long {
    super::guard("nntp_reply", 0, || {
        // SAFETY: per the contract.
        unsafe { reply(stream) }
    })
}

/// `nntp_fake`: drops the connection and sets a 400 reply with `text`.
///
/// # Safety
/// `stream` live; `text` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_fake(stream: *mut SENDSTREAM, text: *mut c_char) -> c_long {
    super::guard("nntp_fake", 0, || {
        // SAFETY: per the contract.
        unsafe { fake(stream, c_bytes(text).unwrap_or(b"")) }
    })
}

/// `nntp_soutr`: article data out, dot-stuffed per output buffer as the
/// original.
///
/// # Safety
/// `stream` a NETSTREAM; `s` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_soutr(stream: *mut c_void, s: *mut c_char) -> c_long {
    super::guard("nntp_soutr", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let mut out = crate::net::smtp::stuff_chunk(c_bytes(s).unwrap_or(b""));
            if out.is_empty() {
                return 1;
            }
            net_sout(
                stream as *mut NETSTREAM,
                out.as_mut_ptr() as *mut c_char,
                out.len() as c_ulong,
            )
        }
    })
}

/// `nntp_create`: never valid for news; false.
#[no_mangle]
pub extern "C" fn nntp_create(_stream: *mut MAILSTREAM, _mailbox: *mut c_char) -> c_long {
    super::guard("nntp_create", 0, || 0)
}

/// `nntp_delete`: never valid for news; false.
#[no_mangle]
pub extern "C" fn nntp_delete(_stream: *mut MAILSTREAM, _mailbox: *mut c_char) -> c_long {
    super::guard("nntp_delete", 0, || 0)
}

/// `nntp_rename`: never valid for news; false.
#[no_mangle]
pub extern "C" fn nntp_rename(
    _stream: *mut MAILSTREAM,
    _old: *mut c_char,
    _newname: *mut c_char,
) -> c_long {
    super::guard("nntp_rename", 0, || 0)
}

/// `nntp_append`: news takes no appends; logs the original's error.
#[no_mangle]
pub extern "C" fn nntp_append(
    _stream: *mut MAILSTREAM,
    _mailbox: *mut c_char,
    _af: append_t,
    _data: *mut c_void,
) -> c_long {
    super::guard("nntp_append", 0, || {
        log(b"Append not valid for NNTP", ERROR as c_long);
        0
    })
}
