//! The `smtp_*` exports: the SMTP client (SENDSTREAM) over the library's
//! NETSTREAM, with the original's commands, reply handling, `mm_log`
//! texts and message data (from `rfc822_output_full`, dot-stuffed per
//! output buffer as the original). Reply and EHLO parsing and the
//! stuffing are safe code in `crate::net::smtp`.

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
use crate::net::smtp as proto;
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
    fn rfc822_cat(dest: *mut c_char, src: *mut c_char, specials: *const c_char);
}

const SMTPSSLPORT: c_ulong = 465;
const SMTPGREET: u32 = 220;
const SMTPAUTHED: u32 = 235;
const SMTPOK: u32 = 250;
const SMTPAUTHREADY: u32 = 334;
const SMTPREADY: u32 = 354;
const SMTPSOFTFATAL: u32 = 421;
const SMTPWANTAUTH: u32 = 505;
const SMTPWANTAUTH2: u32 = 530;
const SMTPUNAVAIL: u32 = 550;
const SMTPHARDERROR: u32 = 554;
const SMTPMAXLOCALPART: usize = 64;
const SMTPMAXDOMAIN: usize = 255;
const MAXLOCALPART: usize = (MAILTMPLEN as usize - (SMTPMAXDOMAIN + 256 + 32)) / 2;

fn clip(b: &[u8], n: usize) -> &[u8] {
    &b[..b.len().min(n)]
}

unsafe fn reply_text<'a>(stream: *mut SENDSTREAM) -> &'a [u8] {
    // SAFETY: stream live; reply NULL or a C string.
    unsafe { c_bytes((*stream).reply).unwrap_or(b"") }
}

unsafe fn set_reply(stream: *mut SENDSTREAM, text: &[u8]) {
    // SAFETY: stream live; reply NULL or ours.
    unsafe {
        if !(*stream).reply.is_null() {
            let mut p = (*stream).reply as *mut c_void;
            fs_give(&mut p);
        }
        (*stream).reply = c_string_from(text);
    }
}

unsafe fn seterror(stream: *mut SENDSTREAM, code: c_long, text: &[u8]) -> c_long {
    let mut t = format!("{code} ").into_bytes();
    t.extend_from_slice(text);
    // SAFETY: stream live.
    unsafe { set_reply(stream, &t) };
    code
}

unsafe fn fake(stream: *mut SENDSTREAM, text: &[u8]) -> c_long {
    // SAFETY: stream live.
    unsafe {
        if !(*stream).netstream.is_null() {
            net_close((*stream).netstream);
            (*stream).netstream = null_mut();
        }
        seterror(stream, SMTPSOFTFATAL as c_long, text)
    }
}

unsafe fn esmtp<'a>(stream: *mut SENDSTREAM) -> &'a mut send_stream__bindgen_ty_1__bindgen_ty_1 {
    // SAFETY: stream live; the esmtp member is the one SMTP uses.
    unsafe { &mut (*stream).protocol.esmtp }
}

/// Reads one reply line; its code (or the faked error's).
unsafe fn reply(stream: *mut SENDSTREAM) -> c_long {
    // SAFETY: stream live.
    unsafe {
        let pv = super::params::hook(GET_SMTPVERBOSE as c_long);
        let line = if (*stream).netstream.is_null() {
            null_mut()
        } else {
            net_getline((*stream).netstream)
        };
        if line.is_null() {
            return fake(stream, b"SMTP connection broken (reply)");
        }
        if !(*stream).reply.is_null() {
            let mut p = (*stream).reply as *mut c_void;
            fs_give(&mut p);
        }
        (*stream).reply = line;
        if (*stream).debug() != 0 {
            mm_dlog(line);
        }
        let code = proto::reply_code(c_bytes(line).unwrap_or(b"")) as c_long;
        if pv != 0 && code < 100 {
            // SAFETY: the word is the program's smtpverbose_t.
            let f: unsafe extern "C" fn(*mut c_char) = std::mem::transmute(pv);
            f(line);
        }
        code
    }
}

/// Reads a whole (possibly multi-line) reply.
unsafe fn reply_all(stream: *mut SENDSTREAM) -> c_long {
    // SAFETY: stream live.
    unsafe {
        loop {
            let code = reply(stream);
            (*stream).replycode = code;
            if code >= 100 && !proto::continues(reply_text(stream)) {
                return code;
            }
        }
    }
}

unsafe fn send(stream: *mut SENDSTREAM, command: &[u8], args: Option<&[u8]>) -> c_long {
    // SAFETY: stream live.
    unsafe {
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
        let sent = !(*stream).netstream.is_null()
            && net_sout(
                (*stream).netstream,
                line.as_mut_ptr() as *mut c_char,
                line.len() as c_ulong,
            ) != 0;
        if sent {
            reply_all(stream)
        } else {
            fake(stream, b"SMTP connection broken (command)")
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
            if host.len() < SMTPMAXDOMAIN {
                stream = open_one(dv, &host, service, port0, options);
            }
            if !stream.is_null() {
                break;
            }
            hl = hl.add(1);
        }
        if !stream.is_null() {
            let e = esmtp(stream);
            if options
                & (SOP_DSN
                    | SOP_DSN_NOTIFY_FAILURE
                    | SOP_DSN_NOTIFY_DELAY
                    | SOP_DSN_NOTIFY_SUCCESS
                    | SOP_DSN_RETURN_FULL)
                != 0
            {
                e.dsn.set_want(1);
                if options & SOP_DSN_NOTIFY_FAILURE != 0 {
                    e.dsn.notify.set_failure(1);
                }
                if options & SOP_DSN_NOTIFY_DELAY != 0 {
                    e.dsn.notify.set_delay(1);
                }
                if options & SOP_DSN_NOTIFY_SUCCESS != 0 {
                    e.dsn.notify.set_success(1);
                }
                if options & SOP_DSN_RETURN_FULL != 0 {
                    e.dsn.set_full(1);
                }
            }
            if options & SOP_8BITMIME != 0 {
                e.eightbit.set_want(1);
            }
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
        mb.set_trysslflag((options & SOP_TRYSSL != 0) as u32);
        let mut port = port0;
        if mb.port != 0 {
            port = mb.port;
        } else if nm_bytes(&mb.service).eq_ignore_ascii_case(b"submit") {
            port = SUBMITTCPPORT as c_ulong;
            let s = b"submission\0";
            for (d, &c) in mb.service.iter_mut().zip(s.iter()) {
                *d = c as c_char;
            }
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
        if options & SOP_SECURE != 0 {
            mb.set_secflag(1);
        }
        let local: Vec<u8> = if nm_bytes(&mb.host).eq_ignore_ascii_case(b"localhost") {
            b"localhost".to_vec()
        } else {
            c_bytes(net_localhost(ns)).unwrap_or(b"").to_vec()
        };
        let mut offered = Vec::new();
        let greet = reply_all(stream);
        if greet != SMTPGREET as c_long {
            let mut t = b"SMTP greeting failure: ".to_vec();
            t.extend_from_slice(clip(reply_text(stream), 80));
            log(&t, ERROR as c_long);
            return smtp_close(stream);
        }
        if ehlo(stream, &local, &mut mb, &mut offered) != SMTPOK as c_long
            && send(stream, b"HELO", Some(&local)) != SMTPOK as c_long
        {
            let mut t = b"SMTP hello failure: ".to_vec();
            t.extend_from_slice(clip(reply_text(stream), 80));
            log(&t, ERROR as c_long);
            return smtp_close(stream);
        }
        let ssld = super::params::hook(GET_SSLDRIVER as c_long) as *mut NETDRIVER;
        let stls = super::params::hook(GET_SSLSTART as c_long);
        esmtp(stream).set_ok(1);
        let mbhost = nm_bytes(&mb.host);
        if dv.is_null()
            && stls != 0
            && esmtp(stream).service.starttls() != 0
            && mb.sslflag() == 0
            && mb.notlsflag() == 0
            && send(stream, b"STARTTLS", None) == SMTPGREET as c_long
        {
            if !super::net::sendstream_starttls(stream, &mut mb, ssld, stls) {
                return smtp_close(stream);
            }
            if ehlo(stream, &local, &mut mb, &mut offered) != SMTPOK as c_long {
                let mut m = b"SMTP EHLO failure after STARTTLS: ".to_vec();
                m.extend_from_slice(clip(reply_text(stream), 80));
                log(&m, ERROR as c_long);
                return smtp_close(stream);
            }
            esmtp(stream).set_ok(1);
        } else if mb.tlsflag() != 0 {
            let mut m = b"TLS unavailable with this server: ".to_vec();
            m.extend_from_slice(clip(&mbhost, 80));
            log(&m, ERROR as c_long);
            return smtp_close(stream);
        }
        let forced = super::net::forced_mechanism(&mb);
        if let Some(m) = forced {
            // `/auth=MECHANISM` (ours): that mechanism only, if offered.
            if !offered
                .iter()
                .any(|w| w.eq_ignore_ascii_case(m.name().as_bytes()))
            {
                let t = format!("SMTP server does not offer AUTH={}", m.name());
                log(t.as_bytes(), ERROR as c_long);
                return smtp_close(stream);
            }
            if super::auth::forced_authenticator(m).is_null() {
                let t = format!("{} authentication is not available", m.name());
                log(t.as_bytes(), ERROR as c_long);
                return smtp_close(stream);
            }
        }
        if mb.secflag() != 0 || mb.user[0] != 0 || forced.is_some() {
            if esmtp(stream).auth() != 0 || forced.is_some() {
                if trust {
                    let h =
                        if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                            net_remotehost(ns)
                        } else {
                            net_host(ns)
                        };
                    let hb = c_bytes(h).unwrap_or(b"").to_vec();
                    let n = hb.len().min(NETMAXHOST as usize - 1);
                    for (d, &c) in mb.host.iter_mut().zip(&hb[..n]) {
                        *d = c as c_char;
                    }
                    mb.host[n] = 0;
                }
                if !auth(stream, &mut mb) {
                    return smtp_close(stream);
                }
            } else {
                let mut m = if mb.secflag() != 0 {
                    b"Secure ".to_vec()
                } else {
                    Vec::new()
                };
                m.extend_from_slice(b"SMTP authentication not available: ");
                m.extend_from_slice(clip(&nm_bytes(&mb.host), 80));
                log(&m, ERROR as c_long);
                return smtp_close(stream);
            }
        }
        stream
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
                ready: SMTPAUTHREADY as c_long,
                authed: SMTPAUTHED as c_long,
                challenge: Some(smtp_challenge),
                response: Some(smtp_response),
                service: c"smtp",
                label: "SMTP",
                maxtrials,
                send,
            },
        );
        if ret {
            esmtp(stream).set_auth(0);
        }
        if let Some(e) = lsterr {
            if (*stream).saslcancel() == 0 {
                let mut m = b"Can not authenticate to SMTP server: ".to_vec();
                m.extend_from_slice(clip(&e, 80));
                log(&m, ERROR as c_long);
            }
        }
        ret
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
            if stream.is_null() || (*stream).replycode != SMTPAUTHREADY as c_long {
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

/// `smtp_close`: QUIT and free; answers NULL.
///
/// # Safety
/// `stream` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn smtp_close(stream: *mut SENDSTREAM) -> *mut SENDSTREAM {
    super::guard("smtp_close", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            if stream.is_null() {
                return null_mut();
            }
            if !(*stream).netstream.is_null() {
                send(stream, b"QUIT", None);
                if !(*stream).netstream.is_null() {
                    net_close((*stream).netstream);
                    (*stream).netstream = null_mut();
                }
            }
            for p in [&mut (*stream).host, &mut (*stream).reply] {
                if !p.is_null() {
                    let mut q = *p as *mut c_void;
                    fs_give(&mut q);
                    *p = null_mut();
                }
            }
            let e = esmtp(stream);
            if !e.dsn.envid.is_null() {
                let mut q = e.dsn.envid as *mut c_void;
                fs_give(&mut q);
            }
            if !e.atrn.domains.is_null() {
                let mut q = e.atrn.domains as *mut c_void;
                fs_give(&mut q);
            }
            let mut q = stream as *mut c_void;
            fs_give(&mut q);
            null_mut()
        }
    })
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
        let e = &mut *env;
        if e.to.is_null() && e.cc.is_null() && e.bcc.is_null() {
            seterror(stream, SMTPHARDERROR as c_long, b"No recipients specified");
            return 0;
        }
        let kind = c_bytes(type_).unwrap_or(b"MAIL").to_vec();
        let mut retry = false;
        let mut error: c_long = 0;
        loop {
            let pipe = esmtp(stream).service.pipe() != 0;
            let rset_in_group = pipe && !retry;
            if !rset_in_group {
                send(stream, b"RSET", None);
            }
            if retry {
                let trust = super::params::number(Owner::Mail, GET_TRUSTDNS as c_long) != 0;
                let host = if trust {
                    if super::params::number(Owner::Mail, GET_SASLUSESPTRNAME as c_long) != 0 {
                        c_bytes(net_remotehost((*stream).netstream))
                            .unwrap_or(b"")
                            .to_vec()
                    } else {
                        c_bytes(net_host((*stream).netstream))
                            .unwrap_or(b"")
                            .to_vec()
                    }
                } else {
                    c_bytes((*stream).host).unwrap_or(b"").to_vec()
                };
                let ssl = !(*stream).netstream.is_null()
                    && (*(*stream).netstream).dtb as usize
                        == super::params::hook(GET_SSLDRIVER as c_long);
                let mut n = b"{".to_vec();
                n.extend_from_slice(clip(&host, 200));
                n.extend_from_slice(b"/smtp");
                if ssl {
                    n.extend_from_slice(b"/ssl");
                }
                n.extend_from_slice(b"}<none>");
                let mut n = cz(&n);
                let mut mb: NETMBX = std::mem::zeroed();
                mail_valid_net_parse(n.as_mut_ptr() as *mut c_char, &mut mb);
                if !auth(stream, &mut mb) {
                    return 0;
                }
                retry = false;
            }
            let mut tmp = [0 as c_char; MAILTMPLEN as usize];
            let mut from = b"FROM:<".to_vec();
            let rp = e.return_path;
            if !rp.is_null() && !(*rp).host.is_null() {
                let mbx = c_bytes((*rp).mailbox).unwrap_or(b"");
                let h = c_bytes((*rp).host).unwrap_or(b"");
                if mbx.len() <= SMTPMAXLOCALPART && h.len() <= SMTPMAXDOMAIN {
                    rfc822_cat(tmp.as_mut_ptr(), (*rp).mailbox, null_mut());
                    from.extend_from_slice(&nm_bytes(&tmp));
                    from.push(b'@');
                    from.extend_from_slice(h);
                }
            }
            from.push(b'>');
            let es = esmtp(stream);
            if es.ok() != 0 {
                if es.eightbit.ok() != 0 && es.eightbit.want() != 0 {
                    from.extend_from_slice(b" BODY=8BITMIME");
                }
                if es.dsn.ok() != 0 && es.dsn.want() != 0 {
                    from.extend_from_slice(if es.dsn.full() != 0 {
                        b" RET=FULL"
                    } else {
                        b" RET=HDRS"
                    });
                    if !es.dsn.envid.is_null() {
                        from.extend_from_slice(b" ENVID=");
                        from.extend_from_slice(clip(c_bytes(es.dsn.envid).unwrap_or(b""), 100));
                    }
                }
            }
            if pipe {
                let lists = [e.to, e.cc, e.bcc];
                match pipelined(stream, &kind, &from, lists, rset_in_group, &mut error) {
                    Round::Fail => return 0,
                    Round::Retry => {
                        retry = true;
                        continue;
                    }
                    Round::Done => {}
                }
            } else {
                match send(stream, &kind, Some(&from)) as u32 {
                    SMTPUNAVAIL | SMTPWANTAUTH | SMTPWANTAUTH2 => {
                        if esmtp(stream).auth() != 0 {
                            retry = true;
                        }
                    }
                    SMTPOK => {}
                    _ => return 0,
                }
                for list in [e.to, e.cc, e.bcc] {
                    if !retry && !list.is_null() {
                        retry = rcpt(stream, list, &mut error);
                    }
                }
            }
            if !retry && error != 0 {
                send(stream, b"RSET", None);
                seterror(
                    stream,
                    SMTPHARDERROR as c_long,
                    b"One or more recipients failed",
                );
                return 0;
            }
            if !retry {
                break;
            }
        }
        if send(stream, b"DATA", None) != SMTPREADY as c_long {
            return 0;
        }
        let mut tmp = vec![0 as c_char; SENDBUFLEN as usize + 1];
        let beg = tmp.as_mut_ptr();
        let mut buf = RFC822BUFFER {
            f: Some(smtp_soutr),
            s: (*stream).netstream as *mut c_void,
            beg,
            cur: beg,
            end: beg.add(SENDBUFLEN as usize),
        };
        let es = esmtp(stream);
        let ok8 = (es.eightbit.ok() != 0 && es.eightbit.want() != 0) as c_long;
        if rfc822_output_full(&mut buf, env, body, ok8) == 0 {
            fake(stream, b"SMTP connection broken (message data)");
            return 0;
        }
        (send(stream, b".", None) == SMTPOK as c_long) as c_long
    }
}

/// `smtp_verbose`: VERB ON; true on any 2xx.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn smtp_verbose(stream: *mut SENDSTREAM) -> c_long {
    super::guard("smtp_verbose", 0, || {
        // SAFETY: per the contract.
        unsafe { (send(stream, b"VERB", Some(b"ON")) / 100 == 2) as c_long }
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
            let mut e: c_long = 0;
            let r = rcpt(stream, adr, &mut e);
            if e != 0 && !error.is_null() {
                *error = e;
            }
            r as c_long
        }
    })
}

/// The RCPT argument for one address (`TO:<...>` and the DSN options), or
/// the error the original records without asking the server.
unsafe fn rcpt_args(stream: *mut SENDSTREAM, ad: &ADDRESS) -> Result<Vec<u8>, &'static [u8]> {
    // SAFETY: stream live; ad an address with a host.
    unsafe {
        let mbx = c_bytes(ad.mailbox).unwrap_or(b"");
        let h = c_bytes(ad.host).unwrap_or(b"");
        if mbx.len() > MAXLOCALPART {
            return Err(b"501 Recipient name too long");
        }
        if h.len() > SMTPMAXDOMAIN {
            return Err(b"501 Recipient domain too long");
        }
        let mut tmp = [0 as c_char; MAILTMPLEN as usize];
        rfc822_cat(tmp.as_mut_ptr(), ad.mailbox, null_mut());
        let mut t = b"TO:<".to_vec();
        t.extend_from_slice(&nm_bytes(&tmp));
        t.push(b'@');
        t.extend_from_slice(h);
        t.push(b'>');
        let es = esmtp(stream);
        if es.ok() != 0 && es.dsn.ok() != 0 && es.dsn.want() != 0 {
            t.extend_from_slice(b" NOTIFY=");
            let mut n: Vec<&[u8]> = Vec::new();
            if es.dsn.notify.failure() != 0 {
                n.push(b"FAILURE");
            }
            if es.dsn.notify.delay() != 0 {
                n.push(b"DELAY");
            }
            if es.dsn.notify.success() != 0 {
                n.push(b"SUCCESS");
            }
            if n.is_empty() {
                t.extend_from_slice(b"NEVER");
            } else {
                t.extend_from_slice(&n.join(&b","[..]));
            }
            if !ad.orcpt.addr.is_null() {
                let ty = if ad.orcpt.type_.is_null() {
                    b"rfc822".to_vec()
                } else {
                    clip(c_bytes(ad.orcpt.type_).unwrap_or(b""), 498).to_vec()
                };
                let mut o = ty;
                o.push(b';');
                o.extend_from_slice(clip(c_bytes(ad.orcpt.addr).unwrap_or(b""), 498));
                t.extend_from_slice(b" ORCPT=");
                t.extend_from_slice(clip(&o, 500));
            }
        }
        Ok(t)
    }
}

unsafe fn clear_error(ad: &mut ADDRESS) {
    if !ad.error.is_null() {
        let mut q = ad.error as *mut c_void;
        // SAFETY: the error text is the library's (fs_get).
        unsafe { fs_give(&mut q) };
        ad.error = null_mut();
    }
}

unsafe fn rcpt(stream: *mut SENDSTREAM, adr: *mut ADDRESS, error: &mut c_long) -> bool {
    // SAFETY: stream live; adr a list.
    unsafe {
        let mut a = adr;
        while !a.is_null() {
            let ad = &mut *a;
            clear_error(ad);
            if !ad.host.is_null() {
                match rcpt_args(stream, ad) {
                    Err(msg) => {
                        ad.error = c_string_from(msg);
                        *error = 1;
                    }
                    Ok(t) => match send(stream, b"RCPT", Some(&t)) as u32 {
                        SMTPOK => {}
                        c => {
                            if matches!(c, SMTPUNAVAIL | SMTPWANTAUTH | SMTPWANTAUTH2)
                                && esmtp(stream).auth() != 0
                            {
                                return true;
                            }
                            *error = 1;
                            ad.error = c_string_from(reply_text(stream));
                        }
                    },
                }
            }
            a = ad.next;
        }
        false
    }
}

/// How a pipelined MAIL/RCPT round ended.
enum Round {
    /// Every recipient answered (some may have failed: `error`).
    Done,
    /// Authenticate and start again.
    Retry,
    /// MAIL was refused; its reply is the stream's.
    Fail,
}

/// One entry of a pipelined group.
enum Item {
    Rset,
    Mail,
    /// RCPT for an address, with its argument.
    Rcpt(*mut ADDRESS, Vec<u8>),
    /// An address the original refuses without asking the server.
    Local(*mut ADDRESS, &'static [u8]),
    /// A group address (no host): only its former error is cleared.
    Group(*mut ADDRESS),
}

/// RSET (first round only), MAIL and every RCPT written in groups of at
/// most `PIPE_BATCH` commands before their replies are read (RFC 2920).
/// The replies are then applied in order exactly as the original's
/// lockstep exchange applies them: the same address errors, `error`, retry
/// and reply text; replies to commands the original would not have sent
/// (after MAIL was refused or authentication was asked for) are read and
/// have no effect. A command's debug line is logged just before its reply
/// is read, so the `mm_dlog` transcript reads as the original's.
unsafe fn pipelined(
    stream: *mut SENDSTREAM,
    kind: &[u8],
    from: &[u8],
    lists: [*mut ADDRESS; 3],
    rset: bool,
    error: &mut c_long,
) -> Round {
    use proto::Round as R;
    // SAFETY: stream live; lists NULL or address lists the caller owns.
    unsafe {
        let mut items = Vec::new();
        if rset {
            items.push(Item::Rset);
        }
        items.push(Item::Mail);
        for list in lists {
            let mut a = list;
            while !a.is_null() {
                let ad = &*a;
                items.push(if ad.host.is_null() {
                    Item::Group(a)
                } else {
                    match rcpt_args(stream, ad) {
                        Ok(t) => Item::Rcpt(a, t),
                        Err(m) => Item::Local(a, m),
                    }
                });
                a = ad.next;
            }
        }
        let line = |it: &Item| -> Option<Vec<u8>> {
            let (cmd, args): (&[u8], Option<&[u8]>) = match it {
                Item::Rset => (b"RSET", None),
                Item::Mail => (kind, Some(from)),
                Item::Rcpt(_, t) => (b"RCPT", Some(t)),
                _ => return None,
            };
            let mut l = cmd.to_vec();
            if let Some(a) = args {
                l.push(b' ');
                l.extend_from_slice(a);
            }
            Some(l)
        };
        let mut state = R::Going;
        let mut failed: Option<(Vec<u8>, c_long)> = None;
        let mut i = 0;
        while i < items.len() && state == R::Going {
            let mut j = i;
            let mut n = 0;
            let mut out = Vec::new();
            while j < items.len() && n < proto::PIPE_BATCH {
                if let Some(l) = line(&items[j]) {
                    out.extend_from_slice(&l);
                    out.extend_from_slice(b"\r\n");
                    n += 1;
                }
                j += 1;
            }
            if !out.is_empty()
                && ((*stream).netstream.is_null()
                    || net_sout(
                        (*stream).netstream,
                        out.as_mut_ptr() as *mut c_char,
                        out.len() as c_ulong,
                    ) == 0)
            {
                // Every command of the group now reads as unsent.
                if !(*stream).netstream.is_null() {
                    net_close((*stream).netstream);
                    (*stream).netstream = null_mut();
                }
            }
            for it in &items[i..j] {
                let code = match line(it) {
                    Some(l) => {
                        if (*stream).debug() != 0 {
                            let mut t = cz(&l);
                            mail_dlog(
                                t.as_mut_ptr() as *mut c_char,
                                (*stream).sensitive() as c_long,
                            );
                        }
                        if (*stream).netstream.is_null() {
                            fake(stream, b"SMTP connection broken (command)")
                        } else {
                            reply_all(stream)
                        }
                    }
                    None => 0,
                };
                if state != R::Going {
                    continue;
                }
                let auth = esmtp(stream).auth() != 0;
                match *it {
                    Item::Rset => {}
                    Item::Mail => {
                        state = proto::after_mail(code as i64, auth);
                        if state == R::Failed {
                            failed = Some((reply_text(stream).to_vec(), code));
                        }
                    }
                    Item::Rcpt(a, _) => {
                        let ad = &mut *a;
                        clear_error(ad);
                        let (next, bad) = proto::after_rcpt(code as i64, auth);
                        state = next;
                        if bad {
                            *error = 1;
                            ad.error = c_string_from(reply_text(stream));
                        }
                    }
                    Item::Local(a, m) => {
                        let ad = &mut *a;
                        clear_error(ad);
                        ad.error = c_string_from(m);
                        *error = 1;
                    }
                    Item::Group(a) => clear_error(&mut *a),
                }
            }
            i = j;
        }
        match state {
            R::Going => Round::Done,
            R::Retry => Round::Retry,
            R::Failed => {
                if let Some((text, code)) = failed {
                    set_reply(stream, &text);
                    (*stream).replycode = code;
                }
                Round::Fail
            }
        }
    }
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
    // SAFETY: per the contract.
    super::guard("smtp_reply", 0, || unsafe { reply(stream) })
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
            ehlo(
                stream,
                c_bytes(host).unwrap_or(b""),
                &mut *mb,
                &mut Vec::new(),
            )
        }
    })
}

/// EHLO, its answer parsed into the stream's ESMTP record; the AUTH
/// line's mechanism names also go to `offered` (for `/auth=`).
unsafe fn ehlo(
    stream: *mut SENDSTREAM,
    host: &[u8],
    mb: &mut NETMBX,
    offered: &mut Vec<Vec<u8>>,
) -> c_long {
    // SAFETY: stream live.
    unsafe {
        let flags = (if mb.secflag() != 0 {
            AU_SECURE as c_long
        } else {
            0
        }) | if mb.authuser[0] != 0 {
            AU_AUTHUSER as c_long
        } else {
            0
        };
        let e = esmtp(stream);
        if !e.atrn.domains.is_null() {
            let mut q = e.atrn.domains as *mut c_void;
            fs_give(&mut q);
        }
        if !e.dsn.envid.is_null() {
            let mut q = e.dsn.envid as *mut c_void;
            fs_give(&mut q);
        }
        *e = std::mem::zeroed();
        offered.clear();
        if mb.loser() != 0 {
            return 500;
        }
        let mut line = b"EHLO ".to_vec();
        line.extend_from_slice(host);
        if (*stream).debug() != 0 {
            let mut t = cz(&line);
            mm_dlog(t.as_mut_ptr() as *mut c_char);
        }
        line.extend_from_slice(b"\r\n");
        if (*stream).netstream.is_null()
            || net_sout(
                (*stream).netstream,
                line.as_mut_ptr() as *mut c_char,
                line.len() as c_ulong,
            ) == 0
        {
            return fake(stream, b"SMTP connection broken (EHLO)");
        }
        let mut i;
        loop {
            i = reply(stream);
            if i == SMTPOK as c_long {
                let words = proto::ehlo_words(reply_text(stream));
                let e = esmtp(stream);
                let kw = words
                    .first()
                    .map(|w| w.to_ascii_uppercase())
                    .unwrap_or_default();
                let arg = words.get(1);
                let is = |n: &str| kw == n.as_bytes();
                if let Some(t) = arg {
                    if is("SIZE") {
                        if t[0].is_ascii_digit() {
                            e.size.limit = crate::net::pop3::strtoul(t).0 as c_ulong;
                        }
                        e.size.set_ok(1);
                    } else if is("DELIVERBY") {
                        if t[0].is_ascii_digit() {
                            e.deliverby.minby = crate::net::pop3::strtoul(t).0 as c_ulong;
                        }
                        e.deliverby.set_ok(1);
                    } else if is("ATRN") {
                        e.atrn.domains = c_string_from(t);
                        e.atrn.set_ok(1);
                    } else if is("AUTH") {
                        let mut bits = e.auth() as c_ulong;
                        offered.extend(words[1..].iter().map(|w| w.to_vec()));
                        for w in &words[1..] {
                            let mut z = cz(w);
                            let j = mail_lookup_auth_name(z.as_mut_ptr() as *mut c_char, flags)
                                as c_ulong;
                            if j != 0 && j - 1 < MAXAUTHENTICATORS as c_ulong {
                                bits |= 1 << (j - 1);
                            }
                        }
                        e.set_auth(bits as u32);
                    }
                } else if is("SIZE") {
                    e.size.set_ok(1);
                } else if is("8BITMIME") {
                    e.eightbit.set_ok(1);
                } else if is("DSN") {
                    e.dsn.set_ok(1);
                } else if is("ATRN") {
                    e.atrn.set_ok(1);
                } else if is("SEND") {
                    e.service.set_send(1);
                } else if is("SOML") {
                    e.service.set_soml(1);
                } else if is("SAML") {
                    e.service.set_saml(1);
                } else if is("EXPN") {
                    e.service.set_expn(1);
                } else if is("HELP") {
                    e.service.set_help(1);
                } else if is("TURN") {
                    e.service.set_turn(1);
                } else if is("ETRN") {
                    e.service.set_etrn(1);
                } else if is("STARTTLS") {
                    e.service.set_starttls(1);
                } else if is("RELAY") {
                    e.service.set_relay(1);
                } else if is("PIPELINING") {
                    e.service.set_pipe(1);
                } else if is("ENHANCEDSTATUSCODES") {
                    e.service.set_ensc(1);
                } else if is("BINARYMIME") {
                    e.service.set_bmime(1);
                } else if is("CHUNKING") {
                    e.service.set_chunk(1);
                }
            }
            if i >= 100 && !proto::continues(reply_text(stream)) {
                break;
            }
        }
        let plain = mail_lookup_auth_name(c"PLAIN".as_ptr() as *mut c_char, 0) as c_ulong;
        let e = esmtp(stream);
        if plain != 0
            && plain - 1 < MAXAUTHENTICATORS as c_ulong
            && (e.auth() as c_ulong) & (1 << (plain - 1)) != 0
        {
            let login = mail_lookup_auth_name(c"LOGIN".as_ptr() as *mut c_char, 0) as c_ulong;
            if login != 0 && login - 1 < MAXAUTHENTICATORS as c_ulong {
                e.set_auth(((e.auth() as c_ulong) & !(1 << (login - 1))) as u32);
            }
        }
        i
    }
}

/// `smtp_fake`: drops the connection, `text` as a 421 reply.
///
/// # Safety
/// `stream` live; `text` a C string.
#[no_mangle]
pub unsafe extern "C" fn smtp_fake(stream: *mut SENDSTREAM, text: *mut c_char) -> c_long {
    super::guard("smtp_fake", 0, || {
        // SAFETY: per the contract.
        unsafe { fake(stream, c_bytes(text).unwrap_or(b"")) }
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
