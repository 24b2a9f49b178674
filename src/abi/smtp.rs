//! The `smtp_*` exports: the SMTP client (SENDSTREAM). The dialogues
//! (commands and replies, EHLO, the opening sequence, MAIL/RCPT/DATA,
//! PIPELINING, QUIT) are in `crate::net::smtp::session`; this module gives
//! them the SENDSTREAM (whose `reply`, `replycode` and ESMTP record
//! programs read), runs the SASL exchanges through the library's
//! authenticators, turns the ENVELOPE's addresses into the session's and
//! back (their error texts), and writes the message with
//! `rfc822_output_full`, dot-stuffed per output buffer as the original.

use super::bindings::*;
use super::callbacks::mm_dlog;
use super::log_bytes as log;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::net::c_field as nm_bytes;
use super::net::cz;
use super::net::sendstream;
use super::net::{net_host, net_localhost, net_open, net_remotehost, net_sout};
use crate::env::params::Owner;
use crate::net::smtp as proto;
use crate::net::smtp::session::{
    self, Envelope, Esmtp, Flags, Level, Opening, Outcome, Peer, Recipient, Wants,
};
use std::os::raw::{c_char, c_long, c_ulong, c_void};
use std::ptr::null_mut;

extern "C" {
    fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long;
    fn mail_valid_net_parse_work(
        name: *mut c_char,
        mb: *mut NETMBX,
        service: *mut c_char,
    ) -> c_long;
    fn mail_dlog(string: *mut c_char, flag: c_long);
    fn mail_lookup_auth_name(mechanism: *mut c_char, flags: c_long) -> std::os::raw::c_uint;
    fn rfc822_output_full(
        buf: *mut RFC822BUFFER,
        env: *mut ENVELOPE,
        body: *mut BODY,
        ok8bit: c_long,
    ) -> c_long;
}

const SMTPSSLPORT: c_ulong = 465;

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

/// Frees a library string the SENDSTREAM holds and clears the pointer.
unsafe fn free_string(p: &mut *mut c_char) {
    if !p.is_null() {
        let mut q = *p as *mut c_void;
        // SAFETY: the string is the library's (fs_get).
        unsafe { fs_give(&mut q) };
        *p = null_mut();
    }
}

unsafe fn esmtp<'a>(stream: *mut SENDSTREAM) -> &'a mut send_stream__bindgen_ty_1__bindgen_ty_1 {
    // SAFETY: stream live; the esmtp member is the one SMTP uses.
    unsafe { &mut (*stream).protocol.esmtp }
}

/// A live SENDSTREAM as the session's peer. It holds nothing but the
/// pointer, so that nested dialogues (authentication inside a message)
/// each take their own.
#[derive(Clone, Copy)]
struct Sess(*mut SENDSTREAM);

fn level(l: Level) -> c_long {
    match l {
        Level::Info => 0,
        Level::Warn => WARN as c_long,
        Level::Error => ERROR as c_long,
    }
}

/// A string field of the ESMTP record set to `v`: kept when it already
/// holds that text (a program may hold the pointer), else replaced.
unsafe fn set_string(field: &mut *mut c_char, v: &Option<Vec<u8>>) {
    // SAFETY: field NULL or a library string.
    unsafe {
        if c_bytes(*field) == v.as_deref() {
            return;
        }
        free_string(field);
        if let Some(t) = v {
            *field = c_string_from(t);
        }
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
    fn set_reply(&mut self, line: Vec<u8>) {
        // SAFETY: live stream; the reply is ours.
        unsafe {
            free_string(&mut (*self.0).reply);
            (*self.0).reply = c_string_from(&line);
        }
    }
    fn set_reply_code(&mut self, code: i64) {
        // SAFETY: live stream.
        unsafe { (*self.0).replycode = code as c_long }
    }
    fn flags(&self) -> Flags {
        // SAFETY: live stream.
        unsafe {
            Flags {
                debug: (*self.0).debug() != 0,
                sensitive: (*self.0).sensitive() != 0,
            }
        }
    }
    fn esmtp(&self) -> Esmtp {
        // SAFETY: live stream; strings NULL or C strings.
        unsafe {
            let e = esmtp(self.0);
            let s = &e.service;
            Esmtp {
                ok: e.ok() != 0,
                send: s.send() != 0,
                soml: s.soml() != 0,
                saml: s.saml() != 0,
                expn: s.expn() != 0,
                help: s.help() != 0,
                turn: s.turn() != 0,
                etrn: s.etrn() != 0,
                starttls: s.starttls() != 0,
                relay: s.relay() != 0,
                pipe: s.pipe() != 0,
                ensc: s.ensc() != 0,
                bmime: s.bmime() != 0,
                chunk: s.chunk() != 0,
                eightbit_ok: e.eightbit.ok() != 0,
                eightbit_want: e.eightbit.want() != 0,
                dsn_ok: e.dsn.ok() != 0,
                dsn_want: e.dsn.want() != 0,
                notify_failure: e.dsn.notify.failure() != 0,
                notify_delay: e.dsn.notify.delay() != 0,
                notify_success: e.dsn.notify.success() != 0,
                dsn_full: e.dsn.full() != 0,
                envid: c_bytes(e.dsn.envid).map(|t| t.to_vec()),
                size_ok: e.size.ok() != 0,
                size_limit: e.size.limit,
                deliverby_ok: e.deliverby.ok() != 0,
                minby: e.deliverby.minby,
                atrn_ok: e.atrn.ok() != 0,
                atrn_domains: c_bytes(e.atrn.domains).map(|t| t.to_vec()),
                auth: e.auth(),
            }
        }
    }
    fn set_esmtp(&mut self, x: Esmtp) {
        // SAFETY: live stream; the strings are the library's.
        unsafe {
            let e = esmtp(self.0);
            let mut envid = e.dsn.envid;
            let mut domains = e.atrn.domains;
            set_string(&mut envid, &x.envid);
            set_string(&mut domains, &x.atrn_domains);
            // SAFETY: the record is plain data; all zero is "nothing".
            *e = std::mem::zeroed();
            e.dsn.envid = envid;
            e.atrn.domains = domains;
            e.set_ok(x.ok as u32);
            let s = &mut e.service;
            s.set_send(x.send as u32);
            s.set_soml(x.soml as u32);
            s.set_saml(x.saml as u32);
            s.set_expn(x.expn as u32);
            s.set_help(x.help as u32);
            s.set_turn(x.turn as u32);
            s.set_etrn(x.etrn as u32);
            s.set_starttls(x.starttls as u32);
            s.set_relay(x.relay as u32);
            s.set_pipe(x.pipe as u32);
            s.set_ensc(x.ensc as u32);
            s.set_bmime(x.bmime as u32);
            s.set_chunk(x.chunk as u32);
            e.eightbit.set_ok(x.eightbit_ok as u32);
            e.eightbit.set_want(x.eightbit_want as u32);
            e.dsn.set_ok(x.dsn_ok as u32);
            e.dsn.set_want(x.dsn_want as u32);
            e.dsn.notify.set_failure(x.notify_failure as u32);
            e.dsn.notify.set_delay(x.notify_delay as u32);
            e.dsn.notify.set_success(x.notify_success as u32);
            e.dsn.set_full(x.dsn_full as u32);
            e.size.set_ok(x.size_ok as u32);
            e.size.limit = x.size_limit as c_ulong;
            e.deliverby.set_ok(x.deliverby_ok as u32);
            e.deliverby.minby = x.minby as c_ulong;
            e.atrn.set_ok(x.atrn_ok as u32);
            e.set_auth(x.auth);
        }
    }
    fn dlog(&mut self, line: &[u8]) {
        let mut t = cz(line);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { mm_dlog(t.as_mut_ptr() as *mut c_char) }
    }
    fn dlog_cmd(&mut self, line: &[u8], sensitive: bool) {
        let mut t = cz(line);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { mail_dlog(t.as_mut_ptr() as *mut c_char, sensitive as c_long) }
    }
    fn verbose(&mut self, line: &[u8]) {
        let pv = super::params::hook(GET_SMTPVERBOSE as c_long);
        if pv != 0 {
            let mut t = cz(line);
            // SAFETY: the word is the program's smtpverbose_t; the copy
            // lives across the call.
            unsafe {
                let f: unsafe extern "C" fn(*mut c_char) = std::mem::transmute(pv);
                f(t.as_mut_ptr() as *mut c_char);
            }
        }
    }
    fn log(&mut self, text: &[u8], l: Level) {
        log(text, level(l));
    }
    fn reauthenticate(&mut self) -> bool {
        // SAFETY: live stream.
        unsafe { reauth(self.0) }
    }
    fn mechanism(&mut self, name: &[u8], flags: i64) -> u32 {
        let mut nz = cz(name);
        // SAFETY: NUL-terminated copy alive across the call.
        unsafe { mail_lookup_auth_name(nz.as_mut_ptr() as *mut c_char, flags as c_long) }
    }
}

unsafe fn send(stream: *mut SENDSTREAM, command: &[u8], args: Option<&[u8]>) -> c_long {
    session::send(&mut Sess(stream), command, args) as c_long
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

/// The host name the session authenticates to.
unsafe fn auth_host(stream: *mut SENDSTREAM) -> Vec<u8> {
    // SAFETY: stream live.
    unsafe {
        if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
            let ns = (*stream).netstream;
            if ns.is_null() {
                return Vec::new();
            }
            let h = if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                net_remotehost(ns)
            } else {
                net_host(ns)
            };
            c_bytes(h).unwrap_or(b"").to_vec()
        } else {
            c_bytes((*stream).host).unwrap_or(b"").to_vec()
        }
    }
}

/// Authentication asked for in the middle of a message: to the session's
/// own host, as `{host/smtp[/ssl]}`.
unsafe fn reauth(stream: *mut SENDSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe {
        let ssl = !(*stream).netstream.is_null()
            && (*(*stream).netstream).dtb as usize == super::params::hook(GET_SSLDRIVER as c_long);
        let mut n = b"{".to_vec();
        n.extend_from_slice(clip(&auth_host(stream), 200));
        n.extend_from_slice(b"/smtp");
        if ssl {
            n.extend_from_slice(b"/ssl");
        }
        n.extend_from_slice(b"}<none>");
        let mut n = cz(&n);
        let mut mb: NETMBX = std::mem::zeroed();
        mail_valid_net_parse(n.as_mut_ptr() as *mut c_char, &mut mb);
        auth(stream, &mut mb)
    }
}

/// What `smtp_open_full` hands the opening sequence: the parsed name and
/// the C-side steps (TLS hook, authentication with the name's choices).
struct Open<'a> {
    stream: *mut SENDSTREAM,
    mb: &'a mut NETMBX,
    dv: *mut NETDRIVER,
    local: Vec<u8>,
}

impl Opening for Open<'_> {
    fn local_host(&self) -> Vec<u8> {
        self.local.clone()
    }
    fn loser(&self) -> bool {
        self.mb.loser() != 0
    }
    fn auth_flags(&self) -> i64 {
        auth_flags(self.mb) as i64
    }
    fn may_starttls(&self) -> bool {
        self.dv.is_null()
            && super::params::hook(GET_SSLSTART as c_long) != 0
            && self.mb.sslflag() == 0
            && self.mb.notlsflag() == 0
    }
    fn start_tls(&mut self) -> bool {
        let ssld = super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER;
        let stls = super::params::hook(GET_SSLSTART as c_long);
        // SAFETY: live stream with a connection; the hooks are installed.
        unsafe { super::net::sendstream_starttls(self.stream, self.mb, ssld, stls) }
    }
    fn tls_required(&self) -> bool {
        self.mb.tlsflag() != 0
    }
    fn host(&self) -> Vec<u8> {
        nm_bytes(&self.mb.host)
    }
    fn forced(&self) -> Option<String> {
        super::net::forced_mechanism(self.mb).map(|m| m.name().to_string())
    }
    fn forced_available(&self) -> bool {
        super::net::forced_mechanism(self.mb)
            .is_some_and(|m| !super::auth::forced_authenticator(m).is_null())
    }
    fn secure(&self) -> bool {
        self.mb.secflag() != 0
    }
    fn has_user(&self) -> bool {
        self.mb.user[0] != 0
    }
    fn authenticate(&mut self) -> bool {
        // SAFETY: live stream.
        unsafe {
            if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
                let h = auth_host(self.stream);
                set_field(&mut self.mb.host[..NETMAXHOST as usize], &h);
            }
            auth(self.stream, self.mb)
        }
    }
}

/// `smtp_open_full`: the first host of `hostlist` that answers, greeted,
/// with TLS and authentication as the name asks.
///
/// # Safety
/// `hostlist` a NULL-terminated array of C strings (or NULL); `dv` NULL
/// or a NETDRIVER; `service` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn smtp_open_full(
    dv: *mut NETDRIVER,
    hostlist: *mut *mut c_char,
    service: *mut c_char,
    port: c_ulong,
    options: c_long,
) -> *mut SENDSTREAM {
    super::guard("smtp_open_full", null_mut(), || {
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
    // SAFETY: per smtp_open_full's contract.
    unsafe {
        if hostlist.is_null() || (*hostlist).is_null() {
            log(b"Missing SMTP service host", ERROR as c_long);
            return null_mut();
        }
        let mut stream: *mut SENDSTREAM = null_mut();
        let mut hl = hostlist;
        while !(*hl).is_null() {
            let host = c_bytes(*hl).unwrap_or(b"").to_vec();
            if host.len() < session::MAX_DOMAIN {
                stream = open_one(dv, &host, service, port0, options);
            }
            if !stream.is_null() {
                break;
            }
            hl = hl.add(1);
        }
        if !stream.is_null() {
            let on = |bit: c_long| options & bit != 0;
            session::want(
                &mut Sess(stream),
                Wants {
                    dsn: on(SOP_DSN),
                    notify_failure: on(SOP_DSN_NOTIFY_FAILURE),
                    notify_delay: on(SOP_DSN_NOTIFY_DELAY),
                    notify_success: on(SOP_DSN_NOTIFY_SUCCESS),
                    full: on(SOP_DSN_RETURN_FULL),
                    eightbit: on(SOP_8BITMIME),
                },
            );
        }
        stream
    }
}

unsafe fn open_one(
    dv: *mut NETDRIVER,
    host: &[u8],
    service: *mut c_char,
    port0: c_ulong,
    options: c_long,
) -> *mut SENDSTREAM {
    // SAFETY: per smtp_open_full's contract.
    unsafe {
        let mut name = b"{".to_vec();
        name.extend_from_slice(clip(host, 1000));
        name.push(b'}');
        let mut name = cz(&name);
        let mut mb: NETMBX = std::mem::zeroed();
        let svc = if service.is_null() {
            c"smtp".as_ptr() as *mut c_char
        } else {
            service
        };
        if mail_valid_net_parse_work(name.as_mut_ptr() as *mut c_char, &mut mb, svc) == 0
            || mb.anoflag() != 0
            || mb.readonlyflag() != 0
        {
            let mut t = b"Invalid host specifier: ".to_vec();
            t.extend_from_slice(clip(host, 80));
            log(&t, ERROR as c_long);
            return null_mut();
        }
        mb.set_trysslflag((options & SOP_TRYSSL as c_long != 0) as u32);
        let mut port = port0;
        if mb.port != 0 {
            port = mb.port;
        } else if nm_bytes(&mb.service).eq_ignore_ascii_case(b"submit") {
            port = SUBMITTCPPORT as c_ulong;
            set_field(&mut mb.service, b"submission");
        } else if port == 0 {
            let p = super::params::number(Owner::Smtp, GET_SMTPPORT as c_long) as c_ulong;
            port = if p != 0 { p } else { SMTPTCPPORT as c_ulong };
        }
        let sslport = super::params::number(Owner::Smtp, GET_SSLSMTPPORT as c_long) as c_ulong;
        let ns = net_open(
            &mut mb,
            dv,
            port,
            super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER,
            c"*smtps".as_ptr() as *mut c_char,
            if sslport != 0 { sslport } else { SMTPSSLPORT },
        );
        if ns.is_null() {
            return null_mut();
        }
        let stream = fs_get(std::mem::size_of::<SENDSTREAM>()) as *mut SENDSTREAM;
        std::ptr::write_bytes(stream as *mut u8, 0, std::mem::size_of::<SENDSTREAM>());
        (*stream).netstream = ns;
        let trust = super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0;
        (*stream).host = if trust {
            c_string_from(c_bytes(net_host(ns)).unwrap_or(b""))
        } else {
            c_string_from(&nm_bytes(&mb.host))
        };
        (*stream).set_debug((mb.dbgflag() != 0 || options & OP_DEBUG as c_long != 0) as u32);
        if options & SOP_SECURE as c_long != 0 {
            mb.set_secflag(1);
        }
        let local: Vec<u8> = if nm_bytes(&mb.host).eq_ignore_ascii_case(b"localhost") {
            b"localhost".to_vec()
        } else {
            c_bytes(net_localhost(ns)).unwrap_or(b"").to_vec()
        };
        let mut o = Open {
            stream,
            mb: &mut mb,
            dv,
            local,
        };
        if session::open(&mut Sess(stream), &mut o) {
            stream
        } else {
            close(stream)
        }
    }
}

/// `smtp_auth`: SASL with the authenticators the server offered.
///
/// # Safety
/// `stream` live; `mb` a NETMBX; `tmp` a MAILTMPLEN scratch buffer.
#[no_mangle]
pub unsafe extern "C" fn smtp_auth(
    stream: *mut SENDSTREAM,
    mb: *mut NETMBX,
    _tmp: *mut c_char,
) -> c_long {
    super::guard("smtp_auth", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || mb.is_null() {
                return 0;
            }
            auth(stream, &mut *mb) as c_long
        }
    })
}

unsafe fn auth(stream: *mut SENDSTREAM, mb: &mut NETMBX) -> bool {
    // SAFETY: stream live.
    unsafe {
        let maxtrials = super::params::number(Owner::Smtp, GET_MAXLOGINTRIALS as c_long) as c_ulong;
        let mut usr = [0 as c_char; MAILTMPLEN as usize];
        let ats = match super::net::forced_mechanism(mb) {
            Some(m) => vec![super::auth::forced_authenticator(m)],
            None => super::net::authenticators_of(esmtp(stream).auth() as c_ulong),
        };
        let (ret, lsterr) = super::net::send_sasl_loop(
            stream,
            mb,
            usr.as_mut_ptr(),
            &ats,
            &super::net::SendSasl {
                command: b"AUTH",
                ready: session::AUTH_READY as c_long,
                authed: session::AUTHED as c_long,
                challenge: Some(smtp_challenge),
                response: Some(smtp_response),
                service: c"smtp",
                label: "SMTP",
                maxtrials,
                send,
            },
        );
        let cancelled = (*stream).saslcancel() != 0;
        session::authenticated(&mut Sess(stream), ret, lsterr.as_deref(), cancelled)
    }
}

/// `smtp_challenge`: the server's 334 challenge, decoded (fs_get).
///
/// # Safety
/// `s` a live SENDSTREAM; `len` writable.
#[no_mangle]
pub unsafe extern "C" fn smtp_challenge(s: *mut c_void, len: *mut c_ulong) -> *mut c_void {
    super::guard("smtp_challenge", null_mut(), || {
        let stream = s as *mut SENDSTREAM;
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || (*stream).replycode != session::AUTH_READY as c_long {
                return null_mut();
            }
            let r = reply_text(stream);
            let text = r.get(4..).unwrap_or(b"");
            super::net::sasl_challenge(text, len, b"SMTP")
        }
    })
}

/// `smtp_response`: sends a SASL response (NULL cancels).
///
/// # Safety
/// `s` a live SENDSTREAM; `response` NULL or `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn smtp_response(
    s: *mut c_void,
    response: *mut c_char,
    size: c_ulong,
) -> c_long {
    super::guard("smtp_response", 0, || {
        let stream = s as *mut SENDSTREAM;
        // SAFETY: per the contract.
        unsafe {
            send(
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

unsafe fn close(stream: *mut SENDSTREAM) -> *mut SENDSTREAM {
    // SAFETY: stream NULL or live.
    unsafe {
        if stream.is_null() {
            return null_mut();
        }
        session::quit(&mut Sess(stream));
        free_string(&mut (*stream).host);
        free_string(&mut (*stream).reply);
        let e = esmtp(stream);
        free_string(&mut e.dsn.envid);
        free_string(&mut e.atrn.domains);
        let mut q = stream as *mut c_void;
        fs_give(&mut q);
        null_mut()
    }
}

/// `smtp_close`: QUIT and free; answers NULL.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn smtp_close(stream: *mut SENDSTREAM) -> *mut SENDSTREAM {
    super::guard("smtp_close", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { close(stream) }
    })
}

/// The addresses of the lists, in order, with the session's view of each.
unsafe fn recipients(lists: &[*mut ADDRESS]) -> (Vec<*mut ADDRESS>, Vec<Recipient>) {
    let mut ptrs = Vec::new();
    let mut rs = Vec::new();
    for &list in lists {
        let mut a = list;
        while !a.is_null() {
            // SAFETY: a node of a list the caller owns.
            let ad = unsafe { &*a };
            // SAFETY: the strings are NULL or C strings.
            let s = |p: *mut c_char| unsafe { c_bytes(p).map(|t| t.to_vec()) };
            rs.push(Recipient {
                mailbox: s(ad.mailbox).unwrap_or_default(),
                host: s(ad.host),
                orcpt: s(ad.orcpt.addr).map(|addr| (s(ad.orcpt.type_), addr)),
            });
            ptrs.push(a);
            a = ad.next;
        }
    }
    (ptrs, rs)
}

/// The recipients' outcomes into their addresses' error texts.
unsafe fn set_errors(ptrs: &[*mut ADDRESS], out: &[Outcome]) {
    for (&a, o) in ptrs.iter().zip(out) {
        if *o == Outcome::Untouched {
            continue;
        }
        // SAFETY: a node of a list the caller owns; its error the library's.
        unsafe {
            free_string(&mut (*a).error);
            if let Outcome::Error(t) = o {
                (*a).error = c_string_from(t);
            }
        }
    }
}

/// `smtp_mail`: one message to its recipients (`type` is "MAIL", "SEND",
/// "SAML" or "SOML").
///
/// # Safety
/// `stream` live; `type_` a C string; `env` an envelope; `body` NULL or a
/// body.
#[no_mangle]
pub unsafe extern "C" fn smtp_mail(
    stream: *mut SENDSTREAM,
    type_: *mut c_char,
    env: *mut ENVELOPE,
    body: *mut BODY,
) -> c_long {
    super::guard("smtp_mail", 0, || {
        // SAFETY: per the contract.
        unsafe { mail(stream, type_, env, body) }
    })
}

unsafe fn mail(
    stream: *mut SENDSTREAM,
    type_: *mut c_char,
    env: *mut ENVELOPE,
    body: *mut BODY,
) -> c_long {
    // SAFETY: per smtp_mail's contract.
    unsafe {
        if stream.is_null() || env.is_null() {
            return 0;
        }
        let e = &*env;
        let (ptrs, rs) = recipients(&[e.to, e.cc, e.bcc]);
        let rp = e.return_path;
        let return_path = if !rp.is_null() && !(*rp).host.is_null() {
            Some((
                c_bytes((*rp).mailbox).unwrap_or(b"").to_vec(),
                c_bytes((*rp).host).unwrap_or(b"").to_vec(),
            ))
        } else {
            None
        };
        let m = Envelope {
            kind: c_bytes(type_).unwrap_or(b"MAIL").to_vec(),
            return_path,
            recipients: rs,
        };
        let mut out = vec![Outcome::Untouched; ptrs.len()];
        let ok = session::mail(&mut Sess(stream), &m, &mut out, &mut |_, ok8| {
            let mut tmp = vec![0 as c_char; SENDBUFLEN as usize + 1];
            let beg = tmp.as_mut_ptr();
            let mut buf = RFC822BUFFER {
                f: Some(smtp_soutr),
                s: (*stream).netstream as *mut c_void,
                beg,
                cur: beg,
                end: beg.add(SENDBUFLEN as usize),
            };
            rfc822_output_full(&mut buf, env, body, ok8 as c_long) != 0
        });
        set_errors(&ptrs, &out);
        ok as c_long
    }
}

/// `smtp_verbose`: VERB ON; true on any 2xx.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn smtp_verbose(stream: *mut SENDSTREAM) -> c_long {
    super::guard("smtp_verbose", 0, || {
        session::verbose(&mut Sess(stream)) as c_long
    })
}

/// `smtp_rcpt`: RCPT TO for each address of a list; true when the server
/// asked for authentication first.
///
/// # Safety
/// `stream` live; `adr` an address list; `error` writable.
#[no_mangle]
pub unsafe extern "C" fn smtp_rcpt(
    stream: *mut SENDSTREAM,
    adr: *mut ADDRESS,
    error: *mut c_long,
) -> c_long {
    super::guard("smtp_rcpt", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let (ptrs, rs) = recipients(&[adr]);
            let mut out = vec![Outcome::Untouched; ptrs.len()];
            let mut e = false;
            let r = session::rcpt(&mut Sess(stream), &rs, &mut out, &mut e);
            set_errors(&ptrs, &out);
            if e && !error.is_null() {
                *error = 1;
            }
            r as c_long
        }
    })
}

/// `smtp_send`: a command and its whole reply; the reply code.
///
/// # Safety
/// `stream` live; strings C strings (`args` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn smtp_send(
    stream: *mut SENDSTREAM,
    command: *mut c_char,
    args: *mut c_char,
) -> c_long {
    super::guard("smtp_send", 0, || {
        // SAFETY: per the contract.
        unsafe { send(stream, c_bytes(command).unwrap_or(b""), c_bytes(args)) }
    })
}

/// `smtp_reply`: one reply line's code.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn smtp_reply(stream: *mut SENDSTREAM) -> c_long {
    super::guard("smtp_reply", 0, || {
        session::reply(&mut Sess(stream)) as c_long
    })
}

/// `smtp_ehlo`: EHLO and the server's extensions.
///
/// # Safety
/// `stream` live; `host` a C string; `mb` a NETMBX.
#[no_mangle]
pub unsafe extern "C" fn smtp_ehlo(
    stream: *mut SENDSTREAM,
    host: *mut c_char,
    mb: *mut NETMBX,
) -> c_long {
    super::guard("smtp_ehlo", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() || mb.is_null() {
                return 0;
            }
            let mb = &*mb;
            session::ehlo(
                &mut Sess(stream),
                c_bytes(host).unwrap_or(b""),
                mb.loser() != 0,
                auth_flags(mb) as i64,
            )
            .code as c_long
        }
    })
}

/// `smtp_fake`: drops the connection, `text` as a 421 reply.
///
/// # Safety
/// `stream` live; `text` a C string.
#[no_mangle]
pub unsafe extern "C" fn smtp_fake(stream: *mut SENDSTREAM, text: *mut c_char) -> c_long {
    super::guard("smtp_fake", 0, || {
        // SAFETY: per the contract.
        unsafe { session::fake(&mut Sess(stream), c_bytes(text).unwrap_or(b"")) as c_long }
    })
}

/// `smtp_soutr`: message data out, dot-stuffed as the original does per
/// output buffer.
///
/// # Safety
/// `stream` a NETSTREAM; `s` a C string.
#[no_mangle]
pub unsafe extern "C" fn smtp_soutr(stream: *mut c_void, s: *mut c_char) -> c_long {
    super::guard("smtp_soutr", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let data = c_bytes(s).unwrap_or(b"");
            let mut out = proto::stuff_chunk(data);
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
