//! The SMTP dialogues of the client, as the original conducts them: a
//! command and its whole reply (a made-up `421` when the connection
//! breaks), EHLO and its extensions, the opening sequence (greeting,
//! EHLO or HELO, STARTTLS and EHLO again, the `/auth=` checks,
//! authentication), and one message: RSET, MAIL with BODY/RET/ENVID,
//! RCPT with NOTIFY/ORCPT (in lockstep, or written as pipelined groups
//! where the server offers PIPELINING), authentication and a second round
//! when the server asks for it, DATA, the final dot, QUIT.
//!
//! The session is the C SENDSTREAM that programs hold and read (`reply`,
//! `replycode`, the ESMTP record), so its state stays there: a [`Peer`]
//! gives the dialogues the connection, that state and the callbacks. The
//! SASL exchanges go through the library's authenticators and are run by
//! the caller (`Opening::authenticate`, `Peer::reauthenticate`).

/// How loud a message is (the original's `mm_log` levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

pub const GREET: i64 = 220;
pub const AUTHED: i64 = 235;
pub const OK: i64 = 250;
pub const AUTH_READY: i64 = 334;
pub const READY: i64 = 354;
pub const SOFT_FATAL: i64 = 421;
pub const WANT_AUTH: i64 = 505;
pub const WANT_AUTH2: i64 = 530;
pub const UNAVAIL: i64 = 550;
pub const HARD_ERROR: i64 = 554;

/// Longest local part and domain of MAIL FROM.
pub const MAX_LOCALPART: usize = 64;
pub const MAX_DOMAIN: usize = 255;
/// Longest local part of a recipient (the original's bound, from its
/// scratch buffer's size).
pub const MAX_RCPT_LOCALPART: usize = (1024 - (MAX_DOMAIN + 256 + 32)) / 2;

/// Highest authenticator index the AUTH bits can hold.
const MAX_AUTHENTICATORS: u32 = 32;

/// The SENDSTREAM's ESMTP record: what EHLO told and what the program
/// wants (the `want` bits and the envelope id are the program's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Esmtp {
    /// The server answered EHLO (or HELO): options may be sent.
    pub ok: bool,
    pub send: bool,
    pub soml: bool,
    pub saml: bool,
    pub expn: bool,
    pub help: bool,
    pub turn: bool,
    pub etrn: bool,
    pub starttls: bool,
    pub relay: bool,
    pub pipe: bool,
    pub ensc: bool,
    pub bmime: bool,
    pub chunk: bool,
    pub eightbit_ok: bool,
    pub eightbit_want: bool,
    pub dsn_ok: bool,
    pub dsn_want: bool,
    pub notify_failure: bool,
    pub notify_delay: bool,
    pub notify_success: bool,
    /// RET=FULL rather than RET=HDRS.
    pub dsn_full: bool,
    pub envid: Option<Vec<u8>>,
    pub size_ok: bool,
    pub size_limit: u64,
    pub deliverby_ok: bool,
    pub minby: u64,
    pub atrn_ok: bool,
    pub atrn_domains: Option<Vec<u8>>,
    /// The library's SASL authenticators offered, one bit per index - 1.
    pub auth: u32,
}

/// The session's flags that the dialogues read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub debug: bool,
    /// The command being sent holds a secret (kept out of telemetry).
    pub sensitive: bool,
}

/// The connection and the C-visible state under a session.
pub trait Peer {
    /// A connection is open.
    fn connected(&self) -> bool;
    /// One line from the server without its CRLF, as far as C sees it (to
    /// a NUL); None when the connection is gone.
    fn getline(&mut self) -> Option<Vec<u8>>;
    /// Writes `data`; false when the connection broke.
    fn sout(&mut self, data: &[u8]) -> bool;
    /// Closes the connection; the session stays, without one.
    fn hang_up(&mut self);
    /// The reply line held (empty without one).
    fn reply(&self) -> Vec<u8>;
    /// Replaces the reply line held.
    fn set_reply(&mut self, line: Vec<u8>);
    fn set_reply_code(&mut self, code: i64);
    fn flags(&self) -> Flags;
    fn esmtp(&self) -> Esmtp;
    fn set_esmtp(&mut self, e: Esmtp);
    /// Telemetry of a line read, and of EHLO (`mm_dlog`).
    fn dlog(&mut self, line: &[u8]);
    /// Telemetry of a command sent (`sensitive`: it holds a secret).
    fn dlog_cmd(&mut self, line: &[u8], sensitive: bool);
    /// A line without a reply code, given to the program's
    /// `SET_SMTPVERBOSE` hook when it has one.
    fn verbose(&mut self, line: &[u8]);
    fn log(&mut self, text: &[u8], level: Level);
    /// Authenticates to the session's own host (the server asked for it
    /// in the middle of a message); true when it worked.
    fn reauthenticate(&mut self) -> bool;
    /// The 1-based index of the authenticator `name` usable with `flags`
    /// (`mail_lookup_auth_name`), 0 when none.
    fn mechanism(&mut self, name: &[u8], flags: i64) -> u32;
}

fn clip(b: &[u8], n: usize) -> &[u8] {
    &b[..b.len().min(n)]
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Drops the connection and holds `421 text` as the reply (the reply code
/// is left as it was, as in the original).
pub fn fake(p: &mut dyn Peer, text: &[u8]) -> i64 {
    if p.connected() {
        p.hang_up();
    }
    p.set_reply(cat(&[b"421 ", text]));
    SOFT_FATAL
}

/// Sets a made-up reply `code text` without touching the connection.
pub fn seterror(p: &mut dyn Peer, code: i64, text: &[u8]) -> i64 {
    p.set_reply(cat(&[code.to_string().as_bytes(), b" ", text]));
    code
}

/// Reads one reply line and returns its code (lines without one go to
/// the verbose hook).
pub fn reply(p: &mut dyn Peer) -> i64 {
    let line = if p.connected() { p.getline() } else { None };
    let Some(line) = line else {
        return fake(p, b"SMTP connection broken (reply)");
    };
    p.set_reply(line.clone());
    if p.flags().debug {
        p.dlog(&line);
    }
    let code = super::reply_code(&line);
    if code < 100 {
        p.verbose(&line);
    }
    code
}

/// Reads a whole reply (continuation lines and lines without a code
/// skipped); its code, also kept as the reply code.
pub fn reply_all(p: &mut dyn Peer) -> i64 {
    loop {
        let code = reply(p);
        p.set_reply_code(code);
        if code >= 100 && !super::continues(&p.reply()) {
            return code;
        }
    }
}

fn command_line(command: &[u8], args: Option<&[u8]>) -> Vec<u8> {
    let mut line = Vec::with_capacity(command.len() + args.map_or(0, |a| a.len() + 1) + 2);
    line.extend_from_slice(command);
    if let Some(a) = args {
        line.push(b' ');
        line.extend_from_slice(a);
    }
    line
}

/// Sends `command` (and its arguments) and reads the whole reply.
pub fn send(p: &mut dyn Peer, command: &[u8], args: Option<&[u8]>) -> i64 {
    let mut line = command_line(command, args);
    let f = p.flags();
    if f.debug {
        p.dlog_cmd(&line, f.sensitive);
    }
    line.extend_from_slice(b"\r\n");
    if p.connected() && p.sout(&line) {
        reply_all(p)
    } else {
        fake(p, b"SMTP connection broken (command)")
    }
}

/// What EHLO found: the reply code of its last line, and the words of
/// the AUTH line (for `/auth=`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hello {
    pub code: i64,
    pub offered: Vec<Vec<u8>>,
}

/// EHLO `host`, its answer parsed into the ESMTP record (cleared first;
/// a `/loser` session does not ask and gets `500`). `flags` select the
/// usable SASL mechanisms (secure only, authuser).
pub fn ehlo(p: &mut dyn Peer, host: &[u8], loser: bool, flags: i64) -> Hello {
    p.set_esmtp(Esmtp::default());
    let mut h = Hello::default();
    if loser {
        h.code = 500;
        return h;
    }
    let mut line = cat(&[b"EHLO ", host]);
    if p.flags().debug {
        p.dlog(&line);
    }
    line.extend_from_slice(b"\r\n");
    if !(p.connected() && p.sout(&line)) {
        h.code = fake(p, b"SMTP connection broken (EHLO)");
        return h;
    }
    let mut e = p.esmtp();
    loop {
        h.code = reply(p);
        let r = p.reply();
        if h.code == OK {
            extension(p, &mut e, &mut h.offered, &r, flags);
        }
        if h.code >= 100 && !super::continues(&r) {
            break;
        }
    }
    let bit = |i: u32| (i != 0 && i - 1 < MAX_AUTHENTICATORS).then(|| 1u32 << (i - 1));
    // With PLAIN offered, LOGIN is not tried.
    if let Some(pl) = bit(p.mechanism(b"PLAIN", 0)) {
        if e.auth & pl != 0 {
            if let Some(lo) = bit(p.mechanism(b"LOGIN", 0)) {
                e.auth &= !lo;
            }
        }
    }
    p.set_esmtp(e);
    h
}

fn extension(p: &mut dyn Peer, e: &mut Esmtp, offered: &mut Vec<Vec<u8>>, line: &[u8], flags: i64) {
    let words = super::ehlo_words(line);
    let Some(kw) = words.first() else { return };
    let is = |n: &[u8]| kw.eq_ignore_ascii_case(n);
    if let Some(t) = words.get(1) {
        let number = || {
            if t[0].is_ascii_digit() {
                Some(crate::net::pop3::strtoul(t).0)
            } else {
                None
            }
        };
        if is(b"SIZE") {
            if let Some(n) = number() {
                e.size_limit = n;
            }
            e.size_ok = true;
        } else if is(b"DELIVERBY") {
            if let Some(n) = number() {
                e.minby = n;
            }
            e.deliverby_ok = true;
        } else if is(b"ATRN") {
            e.atrn_domains = Some(t.clone());
            e.atrn_ok = true;
        } else if is(b"AUTH") {
            offered.extend(words[1..].iter().cloned());
            for w in &words[1..] {
                let j = p.mechanism(w, flags);
                if j != 0 && j - 1 < MAX_AUTHENTICATORS {
                    e.auth |= 1 << (j - 1);
                }
            }
        }
        return;
    }
    let flag: Option<&mut bool> = match kw.to_ascii_uppercase().as_slice() {
        b"SIZE" => Some(&mut e.size_ok),
        b"8BITMIME" => Some(&mut e.eightbit_ok),
        b"DSN" => Some(&mut e.dsn_ok),
        b"ATRN" => Some(&mut e.atrn_ok),
        b"SEND" => Some(&mut e.send),
        b"SOML" => Some(&mut e.soml),
        b"SAML" => Some(&mut e.saml),
        b"EXPN" => Some(&mut e.expn),
        b"HELP" => Some(&mut e.help),
        b"TURN" => Some(&mut e.turn),
        b"ETRN" => Some(&mut e.etrn),
        b"STARTTLS" => Some(&mut e.starttls),
        b"RELAY" => Some(&mut e.relay),
        b"PIPELINING" => Some(&mut e.pipe),
        b"ENHANCEDSTATUSCODES" => Some(&mut e.ensc),
        b"BINARYMIME" => Some(&mut e.bmime),
        b"CHUNKING" => Some(&mut e.chunk),
        _ => None,
    };
    if let Some(f) = flag {
        *f = true;
    }
}

/// What the opening sequence needs from the one who opens: the host
/// name's choices and the steps done through the C objects.
pub trait Opening {
    /// The name this client gives in EHLO/HELO.
    fn local_host(&self) -> Vec<u8>;
    /// `/loser`: no EHLO.
    fn loser(&self) -> bool;
    /// The SASL selection flags of the name (secure, authuser).
    fn auth_flags(&self) -> i64;
    /// STARTTLS may be tried (no `/ssl`, no `/notls`, no explicit
    /// driver, TLS available).
    fn may_starttls(&self) -> bool;
    /// Starts TLS on the connection after `220`; false when it failed
    /// (the connection is then gone and the failure logged).
    fn start_tls(&mut self) -> bool;
    /// `/tls`: TLS is required.
    fn tls_required(&self) -> bool;
    /// The host name given.
    fn host(&self) -> Vec<u8>;
    /// `/auth=MECHANISM` (ours): its name.
    fn forced(&self) -> Option<String>;
    /// The forced mechanism's authenticator is available.
    fn forced_available(&self) -> bool;
    /// `/secure`.
    fn secure(&self) -> bool;
    /// A user was named (`/user=`).
    fn has_user(&self) -> bool;
    /// Authenticates with the name's choices; true when it worked.
    fn authenticate(&mut self) -> bool;
}

/// The greeting, EHLO (HELO when refused), STARTTLS and EHLO again when
/// offered and allowed, the `/auth=` checks and authentication when the
/// name asks for it. False: give up (the caller closes the session).
pub fn open(p: &mut dyn Peer, o: &mut dyn Opening) -> bool {
    if reply_all(p) != GREET {
        let m = cat(&[b"SMTP greeting failure: ", clip(&p.reply(), 80)]);
        p.log(&m, Level::Error);
        return false;
    }
    let local = o.local_host();
    let mut hello = ehlo(p, &local, o.loser(), o.auth_flags());
    if hello.code != OK && send(p, b"HELO", Some(&local)) != OK {
        let m = cat(&[b"SMTP hello failure: ", clip(&p.reply(), 80)]);
        p.log(&m, Level::Error);
        return false;
    }
    set_ok(p);
    if o.may_starttls() && p.esmtp().starttls && send(p, b"STARTTLS", None) == GREET {
        if !o.start_tls() {
            return false;
        }
        hello = ehlo(p, &local, o.loser(), o.auth_flags());
        if hello.code != OK {
            let m = cat(&[b"SMTP EHLO failure after STARTTLS: ", clip(&p.reply(), 80)]);
            p.log(&m, Level::Error);
            return false;
        }
        set_ok(p);
    } else if o.tls_required() {
        let m = cat(&[b"TLS unavailable with this server: ", clip(&o.host(), 80)]);
        p.log(&m, Level::Error);
        return false;
    }
    let forced = o.forced();
    if let Some(m) = &forced {
        // `/auth=MECHANISM` (ours): that mechanism only, if offered.
        if !hello
            .offered
            .iter()
            .any(|w| w.eq_ignore_ascii_case(m.as_bytes()))
        {
            let t = format!("SMTP server does not offer AUTH={m}");
            p.log(t.as_bytes(), Level::Error);
            return false;
        }
        if !o.forced_available() {
            let t = format!("{m} authentication is not available");
            p.log(t.as_bytes(), Level::Error);
            return false;
        }
    }
    if o.secure() || o.has_user() || forced.is_some() {
        if p.esmtp().auth != 0 || forced.is_some() {
            return o.authenticate();
        }
        let m = cat(&[
            if o.secure() { &b"Secure "[..] } else { b"" },
            b"SMTP authentication not available: ",
            clip(&o.host(), 80),
        ]);
        p.log(&m, Level::Error);
        return false;
    }
    true
}

fn set_ok(p: &mut dyn Peer) {
    let mut e = p.esmtp();
    e.ok = true;
    p.set_esmtp(e);
}

/// After the SASL exchanges: the last failure reported unless the user
/// cancelled, and the AUTH offers cleared once authenticated (no second
/// AUTH). True when authenticated.
pub fn authenticated(p: &mut dyn Peer, ok: bool, error: Option<&[u8]>, cancelled: bool) -> bool {
    if ok {
        let mut e = p.esmtp();
        e.auth = 0;
        p.set_esmtp(e);
    }
    if let Some(t) = error {
        if !cancelled {
            let m = cat(&[b"Can not authenticate to SMTP server: ", clip(t, 80)]);
            p.log(&m, Level::Error);
        }
    }
    ok
}

/// What `smtp_open_full`'s options ask of the messages (`SOP_DSN*`,
/// `SOP_8BITMIME`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wants {
    pub dsn: bool,
    pub notify_failure: bool,
    pub notify_delay: bool,
    pub notify_success: bool,
    pub full: bool,
    pub eightbit: bool,
}

/// Records the options in the ESMTP record (any DSN option wants DSN).
pub fn want(p: &mut dyn Peer, w: Wants) {
    let mut e = p.esmtp();
    if w.dsn || w.notify_failure || w.notify_delay || w.notify_success || w.full {
        e.dsn_want = true;
        e.notify_failure |= w.notify_failure;
        e.notify_delay |= w.notify_delay;
        e.notify_success |= w.notify_success;
        e.dsn_full |= w.full;
    }
    e.eightbit_want |= w.eightbit;
    p.set_esmtp(e);
}

/// VERB ON; true on any 2xx.
pub fn verbose(p: &mut dyn Peer) -> bool {
    send(p, b"VERB", Some(b"ON")) / 100 == 2
}

/// QUIT when connected (a server that drops the connection instead of
/// answering is fine), then the connection closed.
pub fn quit(p: &mut dyn Peer) {
    if p.connected() {
        send(p, b"QUIT", None);
        if p.connected() {
            p.hang_up();
        }
    }
}

/// One address of the envelope's To, Cc and Bcc lists, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipient {
    pub mailbox: Vec<u8>,
    /// None for a group marker (no RCPT).
    pub host: Option<Vec<u8>>,
    /// ORCPT's type (None: rfc822) and address, when there is one.
    pub orcpt: Option<(Option<Vec<u8>>, Vec<u8>)>,
}

/// What became of one recipient's error text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Outcome {
    /// Not reached: the former error stays.
    #[default]
    Untouched,
    /// Accepted (or a group marker): no error.
    Clear,
    /// Refused: the reply text (or the original's own refusal).
    Error(Vec<u8>),
}

/// The message: the command ("MAIL", "SEND", "SAML", "SOML"), the return
/// path's mailbox and host, the recipients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    pub kind: Vec<u8>,
    pub return_path: Option<(Vec<u8>, Vec<u8>)>,
    pub recipients: Vec<Recipient>,
}

fn quoted(mailbox: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    crate::message::write::output_cat(&mut v, mailbox, None);
    v
}

/// MAIL's argument: the reverse path (empty when too long or without a
/// host) and the ESMTP options.
pub fn mail_from(e: &Esmtp, return_path: Option<&(Vec<u8>, Vec<u8>)>) -> Vec<u8> {
    let mut from = b"FROM:<".to_vec();
    if let Some((mbx, host)) = return_path {
        if mbx.len() <= MAX_LOCALPART && host.len() <= MAX_DOMAIN {
            from.extend_from_slice(&quoted(mbx));
            from.push(b'@');
            from.extend_from_slice(host);
        }
    }
    from.push(b'>');
    if e.ok {
        if e.eightbit_ok && e.eightbit_want {
            from.extend_from_slice(b" BODY=8BITMIME");
        }
        if e.dsn_ok && e.dsn_want {
            from.extend_from_slice(if e.dsn_full {
                b" RET=FULL"
            } else {
                b" RET=HDRS"
            });
            if let Some(id) = &e.envid {
                from.extend_from_slice(b" ENVID=");
                from.extend_from_slice(clip(id, 100));
            }
        }
    }
    from
}

/// RCPT's argument for a recipient with a host (`TO:<...>` and the DSN
/// options), or the refusal the original records without asking.
pub fn rcpt_to(e: &Esmtp, r: &Recipient, host: &[u8]) -> Result<Vec<u8>, &'static [u8]> {
    if r.mailbox.len() > MAX_RCPT_LOCALPART {
        return Err(b"501 Recipient name too long");
    }
    if host.len() > MAX_DOMAIN {
        return Err(b"501 Recipient domain too long");
    }
    let mut t = cat(&[b"TO:<", &quoted(&r.mailbox), b"@", host, b">"]);
    if e.ok && e.dsn_ok && e.dsn_want {
        t.extend_from_slice(b" NOTIFY=");
        let n: Vec<&[u8]> = [
            (e.notify_failure, &b"FAILURE"[..]),
            (e.notify_delay, b"DELAY"),
            (e.notify_success, b"SUCCESS"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| *w)
        .collect();
        if n.is_empty() {
            t.extend_from_slice(b"NEVER");
        } else {
            t.extend_from_slice(&n.join(&b","[..]));
        }
        if let Some((ty, addr)) = &r.orcpt {
            let ty = ty.as_deref().map_or(&b"rfc822"[..], |t| clip(t, 498));
            let o = cat(&[ty, b";", clip(addr, 498)]);
            t.extend_from_slice(b" ORCPT=");
            t.extend_from_slice(clip(&o, 500));
        }
    }
    Ok(t)
}

/// RCPT for each recipient in lockstep (`smtp_rcpt`): outcomes in `out`,
/// `error` set when one failed. True when the server asked for
/// authentication (and offered it) first: the remaining ones are left.
pub fn rcpt(p: &mut dyn Peer, list: &[Recipient], out: &mut [Outcome], error: &mut bool) -> bool {
    for (r, o) in list.iter().zip(out.iter_mut()) {
        *o = Outcome::Clear;
        let Some(host) = &r.host else { continue };
        match rcpt_to(&p.esmtp(), r, host) {
            Err(m) => {
                *o = Outcome::Error(m.to_vec());
                *error = true;
            }
            Ok(t) => match send(p, b"RCPT", Some(&t)) {
                OK => {}
                c => {
                    if matches!(c, UNAVAIL | WANT_AUTH | WANT_AUTH2) && p.esmtp().auth != 0 {
                        return true;
                    }
                    *error = true;
                    *o = Outcome::Error(p.reply());
                }
            },
        }
    }
    false
}

/// How a MAIL/RCPT round ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Round {
    /// Every recipient answered (some may have failed).
    Done,
    /// Authenticate and start again.
    Retry,
    /// MAIL was refused; its reply is the session's.
    Fail,
}

/// One entry of a pipelined group.
enum Item {
    Rset,
    Mail,
    /// RCPT for recipient `n`, with its argument.
    Rcpt(usize, Vec<u8>),
    /// A recipient the original refuses without asking the server.
    Local(usize, &'static [u8]),
    /// A group marker: only its former error is cleared.
    Group(usize),
}

/// RSET (first round only), MAIL and every RCPT written in groups of at
/// most `PIPE_BATCH` commands before their replies are read (RFC 2920).
/// The replies are then applied in order exactly as the original's
/// lockstep exchange applies them: the same address errors, `error`, retry
/// and reply text; replies to commands the original would not have sent
/// (after MAIL was refused or authentication was asked for) are read and
/// have no effect. A command's debug line is logged just before its reply
/// is read, so the transcript reads as the original's.
fn pipelined(
    p: &mut dyn Peer,
    env: &Envelope,
    from: &[u8],
    rset: bool,
    out: &mut [Outcome],
    error: &mut bool,
) -> Round {
    use super::Round as R;
    let e = p.esmtp();
    let mut items = Vec::with_capacity(env.recipients.len() + 2);
    if rset {
        items.push(Item::Rset);
    }
    items.push(Item::Mail);
    for (n, r) in env.recipients.iter().enumerate() {
        items.push(match &r.host {
            None => Item::Group(n),
            Some(h) => match rcpt_to(&e, r, h) {
                Ok(t) => Item::Rcpt(n, t),
                Err(m) => Item::Local(n, m),
            },
        });
    }
    let line = |it: &Item| -> Option<Vec<u8>> {
        match it {
            Item::Rset => Some(b"RSET".to_vec()),
            Item::Mail => Some(command_line(&env.kind, Some(from))),
            Item::Rcpt(_, t) => Some(command_line(b"RCPT", Some(t))),
            _ => None,
        }
    };
    let mut state = R::Going;
    let mut failed: Option<(Vec<u8>, i64)> = None;
    let mut i = 0;
    while i < items.len() && state == R::Going {
        let mut j = i;
        let mut n = 0;
        let mut group = Vec::new();
        while j < items.len() && n < super::PIPE_BATCH {
            if let Some(l) = line(&items[j]) {
                group.extend_from_slice(&l);
                group.extend_from_slice(b"\r\n");
                n += 1;
            }
            j += 1;
        }
        // Every command of a group that could not be written reads as
        // unsent.
        let written = group.is_empty() || (p.connected() && p.sout(&group));
        if !written && p.connected() {
            p.hang_up();
        }
        for it in &items[i..j] {
            let code = match line(it) {
                Some(l) => {
                    let f = p.flags();
                    if f.debug {
                        p.dlog_cmd(&l, f.sensitive);
                    }
                    if p.connected() {
                        reply_all(p)
                    } else {
                        fake(p, b"SMTP connection broken (command)")
                    }
                }
                None => 0,
            };
            if state != R::Going {
                continue;
            }
            let auth = p.esmtp().auth != 0;
            match *it {
                Item::Rset => {}
                Item::Mail => {
                    state = super::after_mail(code, auth);
                    if state == R::Failed {
                        failed = Some((p.reply(), code));
                    }
                }
                Item::Rcpt(n, _) => {
                    out[n] = Outcome::Clear;
                    let (next, bad) = super::after_rcpt(code, auth);
                    state = next;
                    if bad {
                        *error = true;
                        out[n] = Outcome::Error(p.reply());
                    }
                }
                Item::Local(n, m) => {
                    out[n] = Outcome::Error(m.to_vec());
                    *error = true;
                }
                Item::Group(n) => out[n] = Outcome::Clear,
            }
        }
        i = j;
    }
    match state {
        R::Going => Round::Done,
        R::Retry => Round::Retry,
        R::Failed => {
            if let Some((text, code)) = failed {
                p.set_reply(text);
                p.set_reply_code(code);
            }
            Round::Fail
        }
    }
}

/// Sends one message: the envelope's transaction (authenticating and
/// starting again when the server asks), DATA, the message `write(ok8)`
/// sends (dot-stuffed, without the final dot; `ok8`: 8-bit data may go
/// as it is) and the final dot. `out` receives each recipient's outcome.
/// True when the server took it.
pub fn mail(
    p: &mut dyn Peer,
    env: &Envelope,
    out: &mut [Outcome],
    write: &mut dyn FnMut(&mut dyn Peer, bool) -> bool,
) -> bool {
    if env.recipients.is_empty() {
        seterror(p, HARD_ERROR, b"No recipients specified");
        return false;
    }
    let mut retry = false;
    let mut error = false;
    loop {
        let pipe = p.esmtp().pipe;
        let rset_in_group = pipe && !retry;
        if !rset_in_group {
            send(p, b"RSET", None);
        }
        if retry {
            if !p.reauthenticate() {
                return false;
            }
            retry = false;
        }
        let from = mail_from(&p.esmtp(), env.return_path.as_ref());
        if pipe {
            match pipelined(p, env, &from, rset_in_group, out, &mut error) {
                Round::Fail => return false,
                Round::Retry => {
                    retry = true;
                    continue;
                }
                Round::Done => {}
            }
        } else {
            match send(p, &env.kind, Some(&from)) {
                UNAVAIL | WANT_AUTH | WANT_AUTH2 => {
                    if p.esmtp().auth != 0 {
                        retry = true;
                    }
                }
                OK => {}
                _ => return false,
            }
            if !retry {
                retry = rcpt(p, &env.recipients, out, &mut error);
            }
        }
        if !retry && error {
            send(p, b"RSET", None);
            seterror(p, HARD_ERROR, b"One or more recipients failed");
            return false;
        }
        if !retry {
            break;
        }
    }
    if send(p, b"DATA", None) != READY {
        return false;
    }
    let e = p.esmtp();
    if !write(p, e.eightbit_ok && e.eightbit_want) {
        fake(p, b"SMTP connection broken (message data)");
        return false;
    }
    send(p, b".", None) == OK
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A scripted server: the lines it answers with, in order, each
    /// available only once the client has written at least `need` command
    /// lines (so a client that waits for a reply the server holds back
    /// finds the connection broken), and what the client wrote.
    #[derive(Default)]
    struct Script {
        input: VecDeque<(usize, Vec<u8>)>,
        wire: Vec<u8>,
        writes: usize,
        open: bool,
        reply: Vec<u8>,
        code: i64,
        flags: Flags,
        esmtp: Esmtp,
        logs: Vec<String>,
        dlogs: Vec<String>,
        verbose: Vec<String>,
        reauth: bool,
        reauths: usize,
        /// Bytes the connection takes before it breaks.
        sout_limit: Option<usize>,
    }

    /// `@N text`: the line needs N client lines written first.
    fn script(lines: &[&str]) -> Script {
        let input = lines
            .iter()
            .map(|l| match l.strip_prefix('@') {
                Some(r) => {
                    let (n, t) = r.split_once(' ').unwrap();
                    (n.parse().unwrap(), t.as_bytes().to_vec())
                }
                None => (0, l.as_bytes().to_vec()),
            })
            .collect();
        Script {
            input,
            open: true,
            ..Script::default()
        }
    }

    impl Script {
        fn sent(&self) -> String {
            String::from_utf8_lossy(&self.wire).into_owned()
        }
        fn lines_sent(&self) -> usize {
            self.wire.windows(2).filter(|w| w == b"\r\n").count()
        }
        fn reply_text(&self) -> String {
            String::from_utf8_lossy(&self.reply).into_owned()
        }
    }

    impl Peer for Script {
        fn connected(&self) -> bool {
            self.open
        }
        fn getline(&mut self) -> Option<Vec<u8>> {
            if !self.open {
                return None;
            }
            match self.input.front() {
                Some((need, _)) if *need <= self.lines_sent() => {
                    self.input.pop_front().map(|(_, l)| l)
                }
                _ => {
                    self.open = false;
                    None
                }
            }
        }
        fn sout(&mut self, data: &[u8]) -> bool {
            if let Some(n) = self.sout_limit {
                if self.wire.len() + data.len() > n {
                    return false;
                }
            }
            self.writes += 1;
            self.wire.extend_from_slice(data);
            self.open
        }
        fn hang_up(&mut self) {
            self.open = false;
        }
        fn reply(&self) -> Vec<u8> {
            self.reply.clone()
        }
        fn set_reply(&mut self, line: Vec<u8>) {
            self.reply = line;
        }
        fn set_reply_code(&mut self, code: i64) {
            self.code = code;
        }
        fn flags(&self) -> Flags {
            self.flags
        }
        fn esmtp(&self) -> Esmtp {
            self.esmtp.clone()
        }
        fn set_esmtp(&mut self, e: Esmtp) {
            self.esmtp = e;
        }
        fn dlog(&mut self, line: &[u8]) {
            self.dlogs.push(String::from_utf8_lossy(line).into_owned());
        }
        fn dlog_cmd(&mut self, line: &[u8], s: bool) {
            let t = String::from_utf8_lossy(line);
            self.dlogs
                .push(format!("{}{t}", if s { "(s) " } else { "" }));
        }
        fn verbose(&mut self, line: &[u8]) {
            self.verbose
                .push(String::from_utf8_lossy(line).into_owned());
        }
        fn log(&mut self, text: &[u8], level: Level) {
            self.logs
                .push(format!("{level:?}: {}", String::from_utf8_lossy(text)));
        }
        fn reauthenticate(&mut self) -> bool {
            self.reauths += 1;
            if self.reauth {
                // What the real one would have exchanged.
                self.wire.extend_from_slice(b"[auth]\r\n");
                self.esmtp.auth = 0;
            }
            self.reauth
        }
        fn mechanism(&mut self, name: &[u8], _: i64) -> u32 {
            match name {
                b"PLAIN" => 3,
                b"LOGIN" => 2,
                b"CRAM-MD5" => 4,
                _ => 0,
            }
        }
    }

    #[derive(Default)]
    struct Opener {
        loser: bool,
        starttls: bool,
        tls_ok: bool,
        tls_required: bool,
        forced: Option<String>,
        secure: bool,
        user: bool,
        auth_ok: bool,
        tls_started: usize,
        authenticated: usize,
    }

    impl Opening for Opener {
        fn local_host(&self) -> Vec<u8> {
            b"client.example".to_vec()
        }
        fn loser(&self) -> bool {
            self.loser
        }
        fn auth_flags(&self) -> i64 {
            0
        }
        fn may_starttls(&self) -> bool {
            self.starttls
        }
        fn start_tls(&mut self) -> bool {
            self.tls_started += 1;
            self.tls_ok
        }
        fn tls_required(&self) -> bool {
            self.tls_required
        }
        fn host(&self) -> Vec<u8> {
            b"mx.example".to_vec()
        }
        fn forced(&self) -> Option<String> {
            self.forced.clone()
        }
        fn forced_available(&self) -> bool {
            true
        }
        fn secure(&self) -> bool {
            self.secure
        }
        fn has_user(&self) -> bool {
            self.user
        }
        fn authenticate(&mut self) -> bool {
            self.authenticated += 1;
            self.auth_ok
        }
    }

    const EHLO_REPLY: &[&str] = &[
        "250-mx.example",
        "250-SIZE 10240000",
        "250-8BITMIME",
        "250-DSN",
        "250-PIPELINING",
        "250-AUTH=PLAIN LOGIN CRAM-MD5",
        "250-STARTTLS",
        "250 ENHANCEDSTATUSCODES",
    ];

    fn with_ehlo(before: &[&str], after: &[&str]) -> Script {
        let v: Vec<&str> = before
            .iter()
            .chain(EHLO_REPLY)
            .chain(after)
            .copied()
            .collect();
        script(&v)
    }

    #[test]
    fn replies_continuations_and_breaks() {
        let mut s = script(&["250-one", "hello there", "250 two"]);
        assert_eq!(reply_all(&mut s), 250);
        assert_eq!(s.reply, b"250 two");
        assert_eq!(s.code, 250);
        assert_eq!(s.verbose, ["hello there"]);
        assert_eq!(reply_all(&mut s), 421);
        assert_eq!(s.reply_text(), "421 SMTP connection broken (reply)");
        assert!(!s.open);
        assert_eq!(send(&mut s, b"NOOP", None), 421);
        assert_eq!(s.reply_text(), "421 SMTP connection broken (command)");
        // A server that drops the connection instead of answering QUIT.
        let mut s = script(&[]);
        quit(&mut s);
        assert_eq!(s.sent(), "QUIT\r\n");
        assert!(!s.open);
        assert_eq!(s.reply_text(), "421 SMTP connection broken (reply)");
        // Codes out of range are just numbers.
        let mut s = script(&["999 what", "12345 x"]);
        assert_eq!(send(&mut s, b"NOOP", None), 999);
        assert_eq!(send(&mut s, b"NOOP", None), 12345);
    }

    #[test]
    fn opening_with_ehlo() {
        let mut s = with_ehlo(&["220 mx.example ESMTP"], &[]);
        let mut o = Opener::default();
        assert!(open(&mut s, &mut o));
        assert_eq!(s.sent(), "EHLO client.example\r\n");
        let e = &s.esmtp;
        assert!(e.ok && e.size_ok && e.eightbit_ok && e.dsn_ok && e.pipe);
        assert!(e.starttls && e.ensc && !e.chunk);
        assert_eq!(e.size_limit, 10240000);
        // PLAIN (3) and CRAM-MD5 (4) usable; LOGIN (2) dropped for PLAIN.
        assert_eq!(e.auth, 0b1100);
        assert!(s.logs.is_empty());
    }

    #[test]
    fn opening_helo_starttls_and_refusals() {
        let mut s = script(&["220 hi", "500 what", "250 ok"]);
        assert!(open(&mut s, &mut Opener::default()));
        assert_eq!(s.sent(), "EHLO client.example\r\nHELO client.example\r\n");
        assert!(s.esmtp.ok && !s.esmtp.pipe);
        let mut s = script(&["220 hi", "250 ok"]);
        let mut o = Opener {
            loser: true,
            ..Opener::default()
        };
        assert!(open(&mut s, &mut o));
        assert_eq!(s.sent(), "HELO client.example\r\n");
        let mut s = script(&["554 go away"]);
        assert!(!open(&mut s, &mut Opener::default()));
        assert_eq!(s.logs, ["Error: SMTP greeting failure: 554 go away"]);
        let mut s = script(&["220 hi", "500 no", "501 no either"]);
        assert!(!open(&mut s, &mut Opener::default()));
        assert_eq!(s.logs, ["Error: SMTP hello failure: 501 no either"]);
        // STARTTLS, then EHLO again.
        let mut s = with_ehlo(&["220 hi"], &["220 go ahead"]);
        s.input
            .extend(EHLO_REPLY.iter().map(|l| (0, l.as_bytes().to_vec())));
        let mut o = Opener {
            starttls: true,
            tls_ok: true,
            ..Opener::default()
        };
        assert!(open(&mut s, &mut o));
        assert_eq!(o.tls_started, 1);
        assert_eq!(
            s.sent(),
            "EHLO client.example\r\nSTARTTLS\r\nEHLO client.example\r\n"
        );
        let mut s = with_ehlo(&["220 hi"], &["220 go ahead", "554 no"]);
        assert!(!open(&mut s, &mut o));
        assert_eq!(s.logs, ["Error: SMTP EHLO failure after STARTTLS: 554 no"]);
        // /tls without STARTTLS offered.
        let mut s = script(&["220 hi", "250 ok"]);
        let mut o = Opener {
            starttls: true,
            tls_required: true,
            ..Opener::default()
        };
        assert!(!open(&mut s, &mut o));
        assert_eq!(
            s.logs,
            ["Error: TLS unavailable with this server: mx.example"]
        );
        // /secure without AUTH; /auth= with a mechanism not offered.
        let mut s = script(&["220 hi", "250 ok"]);
        let mut o = Opener {
            secure: true,
            ..Opener::default()
        };
        assert!(!open(&mut s, &mut o));
        assert_eq!(
            s.logs,
            ["Error: Secure SMTP authentication not available: mx.example"]
        );
        let mut s = with_ehlo(&["220 hi"], &[]);
        let mut o = Opener {
            forced: Some("XOAUTH2".into()),
            ..Opener::default()
        };
        assert!(!open(&mut s, &mut o));
        assert_eq!(s.logs, ["Error: SMTP server does not offer AUTH=XOAUTH2"]);
        // A user named and AUTH offered: the authenticators run.
        let mut s = with_ehlo(&["220 hi"], &[]);
        let mut o = Opener {
            user: true,
            auth_ok: true,
            ..Opener::default()
        };
        assert!(open(&mut s, &mut o));
        assert_eq!(o.authenticated, 1);
    }

    fn rcpt(mailbox: &str) -> Recipient {
        Recipient {
            mailbox: mailbox.as_bytes().to_vec(),
            host: Some(b"example.org".to_vec()),
            orcpt: None,
        }
    }

    fn envelope(rcpts: &[&str]) -> Envelope {
        Envelope {
            kind: b"MAIL".to_vec(),
            return_path: Some((b"alice".to_vec(), b"example.org".to_vec())),
            recipients: rcpts.iter().map(|r| rcpt(r)).collect(),
        }
    }

    fn send_message(s: &mut Script, env: &Envelope) -> (bool, Vec<Outcome>) {
        let mut out = vec![Outcome::Untouched; env.recipients.len()];
        let ok = mail(s, env, &mut out, &mut |p, ok8| {
            p.sout(if ok8 { b"8bit body\r\n" } else { b"body\r\n" })
        });
        (ok, out)
    }

    #[test]
    fn lockstep_message_with_dsn() {
        let mut s = script(&[
            "250 reset",
            "250 sender ok",
            "250 ok",
            "250 ok",
            "354 go",
            "250 queued",
        ]);
        s.esmtp = Esmtp {
            ok: true,
            eightbit_ok: true,
            eightbit_want: true,
            dsn_ok: true,
            envid: Some(b"id+2B1".to_vec()),
            ..Esmtp::default()
        };
        want(
            &mut s,
            Wants {
                notify_failure: true,
                notify_delay: true,
                ..Wants::default()
            },
        );
        let mut env = envelope(&["bob", "a b"]);
        env.recipients[1].orcpt = Some((None, b"x@y".to_vec()));
        let (ok, out) = send_message(&mut s, &env);
        assert!(ok);
        assert_eq!(out, [Outcome::Clear, Outcome::Clear]);
        assert_eq!(
            s.sent(),
            "RSET\r\n\
             MAIL FROM:<alice@example.org> BODY=8BITMIME RET=HDRS ENVID=id+2B1\r\n\
             RCPT TO:<bob@example.org> NOTIFY=FAILURE,DELAY\r\n\
             RCPT TO:<\"a b\"@example.org> NOTIFY=FAILURE,DELAY ORCPT=rfc822;x@y\r\n\
             DATA\r\n8bit body\r\n.\r\n"
        );
        assert_eq!((s.code, s.reply_text().as_str()), (250, "250 queued"));
    }

    #[test]
    fn refused_recipients_and_errors() {
        let mut s = script(&["250 r", "250 s", "550 no such user", "250 ok", "250 r"]);
        s.esmtp.ok = true;
        let long = "x".repeat(MAX_RCPT_LOCALPART + 1);
        let mut env = envelope(&["nobody", &long, "bob"]);
        env.recipients.push(Recipient::default());
        let (ok, out) = send_message(&mut s, &env);
        assert!(!ok);
        assert_eq!(
            out,
            [
                Outcome::Error(b"550 no such user".to_vec()),
                Outcome::Error(b"501 Recipient name too long".to_vec()),
                Outcome::Clear,
                Outcome::Clear,
            ]
        );
        assert_eq!(s.reply_text(), "554 One or more recipients failed");
        assert!(s.sent().ends_with("RCPT TO:<bob@example.org>\r\nRSET\r\n"));
        // No recipients at all: nothing sent.
        let mut s = script(&[]);
        assert!(!send_message(&mut s, &envelope(&[])).0);
        assert_eq!(s.reply_text(), "554 No recipients specified");
        assert!(s.wire.is_empty());
        // MAIL refused.
        let mut s = script(&["250 r", "553 sender refused"]);
        assert!(!send_message(&mut s, &envelope(&["bob"])).0);
        assert_eq!(
            (s.code, s.reply_text().as_str()),
            (553, "553 sender refused")
        );
        // DATA refused; the data broken; the final dot unanswered.
        let mut s = script(&["250 r", "250 s", "250 ok", "451 later"]);
        assert!(!send_message(&mut s, &envelope(&["bob"])).0);
        assert_eq!(s.code, 451);
        let mut s = script(&["250 r", "250 s", "250 ok", "354 go"]);
        s.sout_limit = Some(72);
        assert!(!send_message(&mut s, &envelope(&["bob"])).0);
        assert_eq!(s.reply_text(), "421 SMTP connection broken (message data)");
        assert!(!s.open);
        let mut s = script(&["250 r", "250 s", "250 ok", "354 go"]);
        assert!(!send_message(&mut s, &envelope(&["bob"])).0);
        assert_eq!(s.reply_text(), "421 SMTP connection broken (reply)");
    }

    #[test]
    fn pipelined_groups_wait_for_no_reply() {
        // The server holds every reply until the whole group is written.
        let mut s = script(&[
            "@5 250 r",
            "@5 250 s",
            "@5 250 ok",
            "@5 550 no such user",
            "@5 250 ok",
            "@6 250 r",
        ]);
        s.esmtp = Esmtp {
            ok: true,
            pipe: true,
            ..Esmtp::default()
        };
        s.flags.debug = true;
        let (ok, out) = send_message(&mut s, &envelope(&["bob", "nobody", "carol"]));
        assert!(!ok);
        assert_eq!(
            out,
            [
                Outcome::Clear,
                Outcome::Error(b"550 no such user".to_vec()),
                Outcome::Clear
            ]
        );
        assert_eq!(s.writes, 2);
        assert_eq!(s.reply_text(), "554 One or more recipients failed");
        // The transcript reads as the lockstep one: command, then reply.
        assert_eq!(
            s.dlogs[..4],
            ["RSET", "250 r", "MAIL FROM:<alice@example.org>", "250 s"]
        );
        // Many recipients go in groups of PIPE_BATCH commands.
        let n = 250;
        let names: Vec<String> = (0..n).map(|i| format!("u{i}")).collect();
        let names: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
        let mut lines = vec!["250 r".to_string(), "250 s".to_string()];
        lines.extend((0..n).map(|_| "250 ok".to_string()));
        lines.extend(["354 go".to_string(), "250 queued".to_string()]);
        let lines: Vec<&str> = lines.iter().map(|s| s.as_str()).collect();
        let mut s = script(&lines);
        s.esmtp.pipe = true;
        let (ok, out) = send_message(&mut s, &envelope(&names));
        assert!(ok);
        assert!(out.iter().all(|o| *o == Outcome::Clear));
        // 252 commands in three groups, DATA, body, dot.
        assert_eq!(s.writes, 3 + 3);
    }

    #[test]
    fn pipelined_mail_refused_and_auth_asked() {
        let mut s = script(&[
            "@4 250 r",
            "@4 553 sender refused",
            "@4 503 no mail",
            "@4 503 no",
        ]);
        s.esmtp.pipe = true;
        let (ok, out) = send_message(&mut s, &envelope(&["bob", "carol"]));
        assert!(!ok);
        assert_eq!(out, [Outcome::Untouched, Outcome::Untouched]);
        assert_eq!(
            (s.code, s.reply_text().as_str()),
            (553, "553 sender refused")
        );
        // 530 to MAIL with AUTH offered: authenticate, then lockstep RSET
        // and the group again without it.
        let mut s = script(&[
            "250 r",
            "530 auth first",
            "503 no",
            "250 r",
            "250 s",
            "250 ok",
            "354 go",
            "250 queued",
        ]);
        s.esmtp.pipe = true;
        s.esmtp.auth = 1;
        s.reauth = true;
        let (ok, out) = send_message(&mut s, &envelope(&["bob"]));
        assert!(ok);
        assert_eq!(out, [Outcome::Clear]);
        assert_eq!(s.reauths, 1);
        assert!(s
            .sent()
            .contains("RCPT TO:<bob@example.org>\r\nRSET\r\n[auth]\r\nMAIL"));
        // Authentication failing ends the message.
        let mut s = script(&["250 r", "530 auth first", "503 no", "250 r"]);
        s.esmtp.pipe = true;
        s.esmtp.auth = 1;
        assert!(!send_message(&mut s, &envelope(&["bob"])).0);
        // A drop in the middle of the group: the rest read as unsent.
        let mut s = script(&["@4 250 r", "@4 250 s"]);
        s.esmtp.pipe = true;
        let (ok, out) = send_message(&mut s, &envelope(&["bob", "carol"]));
        assert!(!ok);
        assert_eq!(
            out,
            [
                Outcome::Error(b"421 SMTP connection broken (reply)".to_vec()),
                Outcome::Error(b"421 SMTP connection broken (command)".to_vec())
            ]
        );
    }

    #[test]
    fn random_servers_never_hang() {
        // Whatever a server answers, a message ends within the script.
        let mut next = crate::test_rand::xorshift(0x2545_f491_4f6c_dd1d);
        let pool = [
            "250 ok",
            "250-more",
            "354 go",
            "421 bye",
            "530 auth",
            "550 no",
            "",
            "x",
            "9999",
            "220 hi",
            "334 ",
            "250-AUTH PLAIN",
            "250 PIPELINING",
        ];
        for _ in 0..2000 {
            let n = (next() % 12) as usize;
            let lines: Vec<&str> = (0..n).map(|_| pool[(next() % 13) as usize]).collect();
            let mut s = script(&lines);
            s.esmtp.pipe = next().is_multiple_of(2);
            s.esmtp.auth = (next() % 2) as u32;
            s.reauth = next().is_multiple_of(2);
            let mut o = Opener::default();
            if open(&mut s, &mut o) {
                send_message(&mut s, &envelope(&["a", "b", "c"]));
            }
            quit(&mut s);
            assert!(!s.open);
        }
    }
}
