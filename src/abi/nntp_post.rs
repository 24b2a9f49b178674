//! The NNTP posting client (SENDSTREAM): `nntp_open_full`, `nntp_mail`,
//! `nntp_close` and their helpers (commands, replies, AUTHINFO USER/PASS
//! and AUTHINFO SASL, LIST EXTENSIONS, STARTTLS), with the original's
//! reply codes, article format (a `Path:` line before the
//! `rfc822_output_full` text, the date's comment dropped) and `mm_log`
//! texts. Reply parsing and dot-stuffing are safe code in `crate::net`.

use super::bindings::*;
use super::callbacks::mm_dlog;
use super::log_bytes as log;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::net::c_field as nm_bytes;
use super::net::cz;
use super::net::{
    net_close, net_getline, net_host, net_localhost, net_open, net_remotehost, net_sout,
};
use crate::env::params::Owner;
use crate::net::nntp as proto;
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
const NNTPGREET: c_long = 200;
const NNTPGREETNOPOST: c_long = 201;
const NNTPEXTOK: c_long = 202;
const NNTPGLIST: c_long = 215;
const NNTPOK: c_long = 240;
const NNTPAUTHED: c_long = 281;
const NNTPREADY: c_long = 340;
const NNTPWANTAUTH2: c_long = 380;
const NNTPWANTPASS: c_long = 381;
const NNTPTLSSTART: c_long = 382;
const NNTPCHALLENGE: c_long = 383;
const NNTPSOFTFATAL: c_long = 400;
const NNTPWANTAUTH: c_long = 480;
const NNTPBADCMD: c_long = 500;

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

unsafe fn ext<'a>(
    stream: *mut SENDSTREAM,
) -> &'a mut send_stream__bindgen_ty_1__bindgen_ty_2__bindgen_ty_1 {
    // SAFETY: stream live; the nntp member is the one NNTP uses.
    unsafe { &mut (*stream).protocol.nntp.ext }
}

unsafe fn set_post(stream: *mut SENDSTREAM, on: bool) {
    // SAFETY: stream live.
    unsafe { (*stream).protocol.nntp.set_post(on as u32) }
}

unsafe fn post_ok(stream: *mut SENDSTREAM) -> bool {
    // SAFETY: stream live.
    unsafe { (*stream).protocol.nntp.post() != 0 }
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

unsafe fn fake(stream: *mut SENDSTREAM, text: &[u8]) -> c_long {
    // SAFETY: stream live.
    unsafe {
        if !(*stream).netstream.is_null() {
            net_close((*stream).netstream);
            (*stream).netstream = null_mut();
        }
        free_reply(stream);
        let mut t = format!("{NNTPSOFTFATAL} ").into_bytes();
        t.extend_from_slice(text);
        (*stream).reply = c_string_from(&t);
        NNTPSOFTFATAL
    }
}

unsafe fn reply(stream: *mut SENDSTREAM) -> c_long {
    // SAFETY: stream live.
    unsafe {
        loop {
            free_reply(stream);
            let line = if (*stream).netstream.is_null() {
                null_mut()
            } else {
                net_getline((*stream).netstream)
            };
            if line.is_null() {
                return fake(stream, b"NNTP connection broken (response)");
            }
            (*stream).reply = line;
            if (*stream).debug() != 0 {
                mm_dlog(line);
            }
            let text = reply_text(stream);
            if text.get(3) == Some(&b'-') {
                continue;
            }
            let code = proto::atol(text) as c_long;
            (*stream).replycode = code;
            return code;
        }
    }
}

unsafe fn send_work(stream: *mut SENDSTREAM, command: &[u8], args: Option<&[u8]>) -> c_long {
    // SAFETY: stream live.
    unsafe {
        if (*stream).netstream.is_null() {
            return fake(stream, b"NNTP connection lost");
        }
        let mut line = command.to_vec();
        if let Some(a) = args {
            line.push(b' ');
            line.extend_from_slice(a);
        }
        if (*stream).debug() != 0 {
            let mut t = cz(&line);
            mail_dlog(
                t.as_mut_ptr() as *mut c_char,
                (*stream).sensitive() as c_long,
            );
        }
        line.extend_from_slice(b"\r\n");
        if net_sout(
            (*stream).netstream,
            line.as_mut_ptr() as *mut c_char,
            line.len() as c_ulong,
        ) != 0
        {
            reply(stream)
        } else {
            fake(stream, b"NNTP connection broken (command)")
        }
    }
}

unsafe fn send(stream: *mut SENDSTREAM, command: &[u8], args: Option<&[u8]>) -> c_long {
    // SAFETY: stream live.
    unsafe {
        let mut ret = send_work(stream, command, args);
        if ret == NNTPWANTAUTH || ret == NNTPWANTAUTH2 {
            if send_auth(stream, true) {
                ret = send_work(stream, command, args);
            } else {
                send(stream, b"QUIT", None);
                if !(*stream).netstream.is_null() {
                    net_close((*stream).netstream);
                }
                (*stream).netstream = null_mut();
            }
        }
        ret
    }
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

unsafe fn extensions(stream: *mut SENDSTREAM, flags: c_long) -> bool {
    // SAFETY: stream live.
    unsafe {
        *ext(stream) = std::mem::zeroed();
        if (*stream).loser() != 0 {
            return false;
        }
        match send_work(stream, b"LIST", Some(b"EXTENSIONS")) {
            NNTPEXTOK | NNTPGLIST => {}
            _ => return false,
        }
        ext(stream).set_ok(1);
        let mut sasl: u32 = 0;
        loop {
            if (*stream).netstream.is_null() {
                break;
            }
            let t = net_getline((*stream).netstream);
            if t.is_null() {
                break;
            }
            if (*stream).debug() != 0 {
                mm_dlog(t);
            }
            let line = c_bytes(t).unwrap_or(b"").to_vec();
            let mut p = t as *mut c_void;
            fs_give(&mut p);
            if line == b"." {
                break;
            }
            let (word, args) = match line.iter().position(|&c| c == b' ') {
                Some(i) => (&line[..i], Some(&line[i + 1..])),
                None => (&line[..], None),
            };
            let e = ext(stream);
            if word.eq_ignore_ascii_case(b"LISTGROUP") {
                e.set_listgroup(1);
            } else if word.eq_ignore_ascii_case(b"OVER") {
                e.set_over(1);
            } else if word.eq_ignore_ascii_case(b"HDR") {
                e.set_hdr(1);
            } else if word.eq_ignore_ascii_case(b"PAT") {
                e.set_pat(1);
            } else if word.eq_ignore_ascii_case(b"STARTTLS") {
                e.set_starttls(1);
            } else if word.eq_ignore_ascii_case(b"MULTIDOMAIN") {
                e.set_multidomain(1);
            } else if let (true, Some(args)) = (word.eq_ignore_ascii_case(b"AUTHINFO"), args) {
                let mut mechs: Option<&[u8]> = None;
                for a in args.split(|&c| c == b' ').filter(|a| !a.is_empty()) {
                    if a.eq_ignore_ascii_case(b"USER") {
                        e.set_authuser(1);
                    } else if a.len() >= 5 && a[..4].eq_ignore_ascii_case(b"SASL") && a[4] == b':' {
                        mechs = Some(&a[5..]);
                    }
                }
                if let Some(m) = mechs {
                    for name in m.split(|&c| c == b',').filter(|a| !a.is_empty()) {
                        let mut nz = cz(name);
                        let i = mail_lookup_auth_name(nz.as_mut_ptr() as *mut c_char, flags);
                        if i != 0 && i - 1 < MAXAUTHENTICATORS as u32 {
                            sasl |= 1 << (i - 1);
                        }
                    }
                    let p = mail_lookup_auth_name(c"PLAIN".as_ptr() as *mut c_char, 0);
                    let l = mail_lookup_auth_name(c"LOGIN".as_ptr() as *mut c_char, 0);
                    if p != 0
                        && p - 1 < MAXAUTHENTICATORS as u32
                        && sasl & (1 << (p - 1)) != 0
                        && l != 0
                        && l - 1 < MAXAUTHENTICATORS as u32
                    {
                        sasl &= !(1 << (l - 1));
                    }
                    e.set_sasl(sasl);
                }
            }
        }
        true
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
        let auths = ext(stream).sasl() as c_ulong;
        let (mut ret, lsterr) = super::net::send_sasl_loop(
            stream,
            mb,
            usr.as_mut_ptr(),
            auths,
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
        if let Some(e) = lsterr {
            if (*stream).saslcancel() == 0 {
                let mut m = b"Can not authenticate to NNTP server: ".to_vec();
                m.extend_from_slice(clip(&e, 80));
                log(&m, ERROR as c_long);
            }
        } else if mb.secflag() != 0 {
            log(
                b"Can't do secure authentication with this server",
                ERROR as c_long,
            );
        } else if mb.authuser[0] != 0 {
            log(b"Can't do /authuser with this server", ERROR as c_long);
        } else {
            // AUTHINFO USER is tried even when not advertised.
            let mut trial: c_long = 0;
            *pwd = b'x' as c_char;
            while !ret && *pwd != 0 && trial < maxtrials && !(*stream).netstream.is_null() {
                *pwd = 0;
                super::callbacks::mm_login(mb, usr.as_mut_ptr(), pwd, trial);
                trial += 1;
                if *pwd == 0 {
                    log(b"Login aborted", ERROR as c_long);
                    continue;
                }
                let user = nm_bytes(&usr);
                let code = send_work(stream, b"AUTHINFO USER", Some(&user));
                let mut failed = false;
                match code {
                    NNTPBADCMD => {
                        if ext(stream).authuser() != 0 {
                            log(reply_text(stream), ERROR as c_long);
                        } else {
                            log(b"Can't do AUTHINFO USER to this server", ERROR as c_long);
                        }
                        trial = maxtrials;
                    }
                    NNTPAUTHED => ret = true,
                    NNTPWANTPASS => {
                        (*stream).set_sensitive(1);
                        let pw = c_bytes(pwd).unwrap_or(b"").to_vec();
                        if send_work(stream, b"AUTHINFO PASS", Some(&pw)) == NNTPAUTHED {
                            ret = true;
                        }
                        (*stream).set_sensitive(0);
                        failed = !ret;
                    }
                    _ => failed = true,
                }
                if failed {
                    log(reply_text(stream), WARN as c_long);
                    if trial == maxtrials {
                        log(b"Too many NNTP authentication failures", ERROR as c_long);
                    }
                }
            }
        }
        std::ptr::write_bytes(pwd, 0, MAILTMPLEN as usize);
        if ret && flags {
            extensions(stream, auth_flags(mb));
        }
        ret
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
                    match reply(stream) {
                        NNTPGREET => {
                            set_post(stream, true);
                            let t = reply_text(stream);
                            let mut n = cz(t.get(4..).unwrap_or(b""));
                            super::callbacks::mm_notify(
                                null_mut(),
                                n.as_mut_ptr() as *mut c_char,
                                0,
                            );
                        }
                        NNTPGREETNOPOST => set_post(stream, false),
                        _ => {
                            log(reply_text(stream), ERROR as c_long);
                            stream = close(stream);
                        }
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
        let mut extok = extensions(stream, auth_flags(&mb));
        let ssld = super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER;
        let stls = super::params::hook(GET_SSLSTART as c_long);
        let mbhost = nm_bytes(&mb.host);
        if dv.is_null()
            && stls != 0
            && ext(stream).starttls() != 0
            && mb.sslflag() == 0
            && mb.notlsflag() == 0
            && send_work(
                stream,
                b"STARTTLS",
                if ext(stream).multidomain() != 0 {
                    Some(&mbhost)
                } else {
                    None
                },
            ) == NNTPTLSSTART
        {
            if !super::net::sendstream_starttls(stream, &mut mb, ssld, stls) {
                return close(stream);
            }
            extok = extensions(stream, auth_flags(&mb));
        } else if mb.tlsflag() != 0 {
            log(b"Unable to negotiate TLS with this server", ERROR as c_long);
            // The original returns here without closing the session.
            return null_mut();
        }
        let mut pwd = [0 as c_char; MAILTMPLEN as usize];
        if mb.user[0] != 0 {
            if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
                let h = auth_host(stream);
                set_field(&mut mb.host[..NETMAXHOST as usize], &h);
            }
            if !send_auth_work(stream, &mut mb, pwd.as_mut_ptr(), false) {
                stream = close(stream);
            }
        } else if !(post_ok(stream) || options & NOP_READONLY != 0 || send_auth(stream, false)) {
            stream = close(stream);
        }
        if !stream.is_null() {
            match send_work(stream, b"MODE", Some(b"READER")) {
                NNTPGREET => set_post(stream, true),
                NNTPGREETNOPOST => set_post(stream, false),
                NNTPWANTAUTH | NNTPWANTAUTH2 => {
                    if super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0 {
                        let h = auth_host(stream);
                        set_field(&mut mb.host[..NETMAXHOST as usize], &h);
                    }
                    if send_auth_work(stream, &mut mb, pwd.as_mut_ptr(), false) {
                        match send(stream, b"MODE", Some(b"READER")) {
                            NNTPGREET => set_post(stream, true),
                            NNTPGREETNOPOST => set_post(stream, false),
                            _ => {}
                        }
                    } else {
                        stream = close(stream);
                    }
                }
                _ => {}
            }
        }
        if !stream.is_null() {
            if !(post_ok(stream) || options & NOP_READONLY != 0) {
                stream = close(stream);
            } else if extok {
                extensions(stream, auth_flags(&mb));
            }
        }
        stream
    }
}

unsafe fn close(stream: *mut SENDSTREAM) -> *mut SENDSTREAM {
    // SAFETY: stream NULL or live.
    unsafe {
        if stream.is_null() {
            return null_mut();
        }
        if !(*stream).netstream.is_null() {
            send(stream, b"QUIT", None);
        }
        if !(*stream).netstream.is_null() {
            net_close((*stream).netstream);
            (*stream).netstream = null_mut();
        }
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
        let mut ret;
        loop {
            ret = send_work(stream, b"POST", None);
            if ret == NNTPREADY {
                let mut path = if super::params::number(Owner::Nntp, GET_NNTPHIDEPATH) != 0 {
                    b"Path: not-for-mail\r\n".to_vec()
                } else {
                    let mut p = b"Path: ".to_vec();
                    p.extend_from_slice(c_bytes(net_localhost((*stream).netstream)).unwrap_or(b""));
                    p.push(b'!');
                    p.extend_from_slice(&who);
                    p.extend_from_slice(b"\r\n");
                    p
                };
                let mut tmp = vec![0 as c_char; SENDBUFLEN as usize + 1];
                let beg = tmp.as_mut_ptr();
                let mut buf = RFC822BUFFER {
                    f: Some(nntp_soutr),
                    s: (*stream).netstream as *mut c_void,
                    beg,
                    cur: beg,
                    end: beg.add(SENDBUFLEN as usize),
                };
                ret = if net_sout(
                    (*stream).netstream,
                    path.as_mut_ptr() as *mut c_char,
                    path.len() as c_ulong,
                ) != 0
                    && rfc822_output_full(&mut buf, env, body, 1) != 0
                {
                    send_work(stream, b".", None)
                } else {
                    fake(stream, b"NNTP connection broken (message text)")
                };
            }
            if !((ret == NNTPWANTAUTH || ret == NNTPWANTAUTH2) && send_auth(stream, true)) {
                break;
            }
        }
        if !cut.is_null() {
            *cut = b' ' as c_char;
        }
        if ret == NNTPOK {
            return 1;
        }
        if ret < 400 {
            log(
                format!("Unexpected NNTP posting reply code {ret}").as_bytes(),
                WARN as c_long,
            );
            if (200..300).contains(&ret) {
                return 1;
            }
        }
        0
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
