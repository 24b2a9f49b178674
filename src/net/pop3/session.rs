//! The POP3 dialogues of the client, as the original conducts them: one
//! command and its status reply (a made-up error, with a BYE notice, when
//! the connection breaks), CAPA, STLS, the login (SASL with the library's
//! authenticators, `/apop`, USER/PASS, each within the trial limit), the
//! opening STAT and LIST, the one-message text cache (RETR, TOP), DELE for
//! expunge, NOOP and QUIT, with bounds on what a server can make the
//! client read or hold.
//!
//! The session keeps the protocol state; a [`Peer`] gives it the
//! connection, telemetry and the application's events. The mechanisms'
//! own exchanges run in the library's authenticators (C code), which call
//! back into [`Session::challenge`] and [`Session::respond`] through the
//! adapter while [`Login::sasl`] runs.

use super::{apop_digest, command_line, stat_count, Capabilities, Link, Reply, Slurped};
pub use crate::store::events::{Events, Level};

/// Largest message (or header) kept from one RETR/TOP: past it the
/// connection is dropped rather than memory exhausted (the original
/// spools to a scratch file without a bound).
pub const MAX_TEXT: usize = 1 << 30;
/// Lines of a CAPA or AUTH list (and beyond the message count, of LIST)
/// taken before a server is deemed never to end its answer.
pub const MAX_LIST_LINES: usize = 100_000;
/// Largest message count believed from STAT (each message costs a cache
/// element; the original would try to allocate whatever it is told).
pub const MAX_MESSAGES: u64 = 1_000_000;

/// The connection under a session, its telemetry and the application's
/// events (log lines, the BYE notice, expunged messages).
pub trait Peer: Events {
    /// A connection is open.
    fn connected(&self) -> bool;
    /// One line from the server without its CRLF; None when the
    /// connection is gone.
    fn getline(&mut self) -> Option<Vec<u8>>;
    /// Writes `data`; false when the connection is gone or broke.
    fn sout(&mut self, data: &[u8]) -> bool;
    /// Closes the connection; the session stays, without one.
    fn hang_up(&mut self);
    /// Protocol telemetry is asked for.
    fn debug(&self) -> bool;
    /// Telemetry of a line read (`mm_dlog`).
    fn dlog_in(&mut self, line: &[u8]);
    /// Telemetry of a line sent (`mail_dlog`; `sensitive`: it holds a secret).
    fn dlog_out(&mut self, line: &[u8], sensitive: bool);
    /// The stream is busy (`mail_lock`) or free again.
    fn lock(&mut self, on: bool);
}

/// An authenticator of the library, as the login sees it.
pub type Mechanism = crate::net::sasl_loop::Authenticator;

/// What the login needs from the one who opens: the application's
/// answers and the library's authenticators and TLS.
pub trait Login: Peer {
    /// `mm_login(trial)`: the user and password (an empty password gives up).
    fn login(&mut self, trial: u64) -> (Vec<u8>, Vec<u8>);
    /// The 1-based index of the authenticator `name` usable with the
    /// name's flags (`mail_lookup_auth_name`), 0 when none; `any` ignores
    /// the flags.
    fn mechanism(&mut self, name: &[u8], any: bool) -> u32;
    /// The authenticators of `bits` (index - 1), or the one `/auth=` forces.
    fn authenticators(
        &mut self,
        bits: u64,
        forced: Option<crate::net::Mechanism>,
    ) -> Vec<Mechanism>;
    /// The authenticator `/auth=` names is linked and enabled.
    fn forced_available(&mut self, m: crate::net::Mechanism) -> bool;
    /// The host name the login sees becomes the connection's (DNS trusted).
    fn canonical_host(&mut self);
    /// Starts TLS after STLS was accepted (and records `/tls`); false when
    /// it failed (the connection is then gone).
    fn start_tls(&mut self) -> bool;
    /// Runs `m`'s client exchange (`trial` counts its tries); true when
    /// the client finished. Its challenges and responses go through
    /// `s.challenge()` and `s.respond()`.
    fn sasl(&mut self, s: &mut Session, m: &Mechanism, trial: &mut u64) -> bool;
}

/// The choices of the mailbox name and the parameters for the login.
#[derive(Clone, Debug, Default)]
pub struct AuthOptions {
    /// `/secure`: no plain-text password.
    pub secure: bool,
    /// `/authuser=`: only SASL can do it.
    pub authuser: bool,
    /// `/ssl` (no STLS on an implicit TLS connection).
    pub ssl: bool,
    pub notls: bool,
    /// `/tls`: TLS is required.
    pub tls: bool,
    /// The library can start TLS (an SSL start hook is installed).
    pub can_tls: bool,
    /// `/apop` (ours).
    pub apop: bool,
    /// `/auth=MECHANISM` (ours).
    pub forced: Option<crate::net::Mechanism>,
    pub maxtrials: u64,
}

/// What loading a message into the text cache did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loaded {
    /// It was there already.
    Cached,
    /// RETR answered: the message's size.
    Fetched(usize),
    /// RETR was refused (the original then marks the message deleted).
    Failed,
}

/// What the name of an open POP3 stream is made of.
#[derive(Clone, Debug, Default)]
pub struct NameParts<'a> {
    /// The host as given (or as DNS names it, when trusted).
    pub host: &'a [u8],
    pub port: u64,
    pub tls: bool,
    pub tls_sslv23: bool,
    pub notls: bool,
    pub ssl: bool,
    pub novalidate: bool,
    pub loser: bool,
    pub secure: bool,
    /// `/apop` (ours).
    pub apop: bool,
    /// The user who logged in.
    pub user: &'a [u8],
    pub mailbox: &'a [u8],
}

/// The stream's name after the login, as the original writes it: the
/// host (at most 200 bytes), port, the switches in use and the user.
pub fn mailbox_name(n: &NameParts) -> Vec<u8> {
    let mut name = b"{".to_vec();
    name.extend_from_slice(&n.host[..n.host.len().min(200)]);
    name.extend_from_slice(format!(":{}/pop3", n.port).as_bytes());
    for (on, switch) in [
        (n.tls, &b"/tls"[..]),
        (n.tls_sslv23, b"/tls-sslv23"),
        (n.notls, b"/notls"),
        (n.ssl, b"/ssl"),
        (n.novalidate, b"/novalidate-cert"),
        (n.loser, b"/loser"),
        (n.secure, b"/secure"),
        (n.apop, b"/apop"),
    ] {
        if on {
            name.extend_from_slice(switch);
        }
    }
    name.extend_from_slice(b"/user=\"");
    name.extend_from_slice(n.user);
    name.extend_from_slice(b"\"}");
    name.extend_from_slice(n.mailbox);
    name
}

/// One POP3 connection's state.
#[derive(Debug, Default)]
pub struct Session {
    /// The last status line (None after a faked error).
    pub response: Option<Reply>,
    /// Text of the last reply (the faked error's text after one).
    pub reply: Vec<u8>,
    /// UID of the message in `txt` (0: none).
    pub cached: u64,
    pub hdrsize: usize,
    pub txt: Option<Vec<u8>>,
    pub cap: Capabilities,
    /// The command being sent holds a secret.
    pub sensitive: bool,
    /// `/loser`: no CAPA-dependent commands (LIST, TOP).
    pub loser: bool,
    /// The user cancelled a SASL exchange.
    pub saslcancel: bool,
    /// The server's greeting text (its `<...>` timestamp is APOP's salt).
    pub greeting: Vec<u8>,
}

/// A peer read as a line link.
struct AsLink<'a>(&'a mut dyn Peer);

impl Link for AsLink<'_> {
    fn getline(&mut self) -> Option<Vec<u8>> {
        self.0.getline()
    }
    fn send(&mut self, data: &[u8]) -> bool {
        self.0.sout(data)
    }
}

/// `a` then at most 80 bytes of `t` (the original's `%.80s`).
fn cat80(a: &[u8], t: &[u8]) -> Vec<u8> {
    let mut m = a.to_vec();
    m.extend_from_slice(&t[..t.len().min(80)]);
    m
}

/// A session and its login as the SASL loop sees them.
struct SaslExchange<'a> {
    s: &'a mut Session,
    p: &'a mut dyn Login,
}

impl crate::net::sasl_loop::Exchange for SaslExchange<'_> {
    fn connected(&self) -> bool {
        self.p.connected()
    }
    fn begin(&mut self, at: &Mechanism) -> bool {
        self.s.send(&mut *self.p, b"AUTH", Some(&at.name))
    }
    fn client(&mut self, at: &Mechanism, trial: &mut u64) -> bool {
        self.p.sasl(self.s, at, trial)
    }
    fn outcome(&self) -> Option<bool> {
        self.s.response.as_ref().map(|r| r.ok())
    }
    fn reply(&self) -> Vec<u8> {
        self.s.reply.clone()
    }
    fn set_sensitive(&mut self, on: bool) {
        self.s.sensitive = on;
    }
    fn clear_cancel(&mut self) {
        self.s.saslcancel = false;
    }
    fn log(&mut self, text: &[u8], level: crate::net::sasl_loop::Level) {
        use crate::net::sasl_loop::Level as L;
        let l = match level {
            L::Info => Level::Info,
            L::Warn => Level::Warn,
            L::Error => Level::Error,
        };
        self.p.log(text, l);
    }
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Reports a lost connection as the original: a BYE notice, the
    /// connection closed, `text` as the reply. Always false.
    pub fn fake(&mut self, p: &mut dyn Peer, text: &[u8]) -> bool {
        p.notify(text, Level::Bye);
        if p.connected() {
            p.hang_up();
        }
        self.response = None;
        self.reply = text.to_vec();
        false
    }

    /// Reads one status reply; true for `+...`.
    pub fn reply(&mut self, p: &mut dyn Peer) -> bool {
        self.response = None;
        let Some(line) = p.getline() else {
            return self.fake(p, b"POP3 connection broken in response");
        };
        let r = Reply::parse(line);
        if p.debug() {
            p.dlog_in(&r.line);
        }
        let ok = r.ok();
        self.reply = r.text().to_vec();
        self.response = Some(r);
        ok
    }

    /// Sends `command` (with `args`) and reads its status reply.
    pub fn send(&mut self, p: &mut dyn Peer, command: &[u8], args: Option<&[u8]>) -> bool {
        p.lock(true);
        let ret = if !p.connected() {
            self.fake(p, b"POP3 connection lost")
        } else {
            let line = command_line(command, args);
            if p.debug() {
                p.dlog_out(&line[..line.len() - 2], self.sensitive);
            }
            if p.sout(&line) {
                self.reply(p)
            } else {
                self.fake(p, b"POP3 connection broken in command")
            }
        };
        p.lock(false);
        ret
    }

    /// A command with a message's UID as its argument.
    pub fn send_num(&mut self, p: &mut dyn Peer, command: &[u8], uid: u64) -> bool {
        self.send(p, command, Some(uid.to_string().as_bytes()))
    }

    /// Reads the rest of a multi-line answer, at most `max` lines, each
    /// to `f` (and to telemetry when `debug`); false when it did not end
    /// properly (too many lines also drop the connection).
    pub fn lines(
        &mut self,
        p: &mut dyn Peer,
        max: usize,
        debug: bool,
        f: &mut dyn FnMut(&[u8]),
    ) -> bool {
        let mut n = 0;
        loop {
            match p.getline() {
                None => return false,
                Some(l) if super::is_end(&l) => {
                    if debug {
                        p.dlog_in(b".");
                    }
                    return true;
                }
                Some(_) if n >= max => {
                    self.fake(p, b"POP3 connection broken in response");
                    return false;
                }
                Some(l) => {
                    n += 1;
                    if debug {
                        p.dlog_in(&l);
                    }
                    f(&l)
                }
            }
        }
    }

    /// Reads dot-terminated text (RETR/TOP) into memory, within [`MAX_TEXT`].
    pub fn slurp(&mut self, p: &mut dyn Peer) -> Slurped {
        let s = super::slurp(&mut AsLink(p), MAX_TEXT);
        if s.too_big {
            self.fake(p, b"POP3 connection broken in response");
        }
        s
    }

    /// CAPA into the capabilities; false (assuming an old server that has
    /// USER) when the server does not know it.
    pub fn capa(&mut self, p: &mut dyn Peer) -> bool {
        self.cap = Capabilities::default();
        if !self.send(p, b"CAPA", None) {
            self.cap.user = true;
            return false;
        }
        let mut cap = Capabilities {
            capa: true,
            ..Default::default()
        };
        let debug = p.debug();
        self.lines(p, MAX_LIST_LINES, debug, &mut |t| cap.add_line(t));
        self.cap = cap;
        true
    }

    /// Reads the greeting: logged (and kept for APOP) when good; the
    /// failure logged as an error otherwise.
    pub fn greet(&mut self, p: &mut dyn Peer) -> bool {
        if !self.reply(p) {
            if self.response.is_some() || !self.reply.is_empty() {
                let t = self.reply.clone();
                p.log(&t, Level::Error);
            }
            return false;
        }
        self.greeting = self.reply.clone();
        p.log(&self.reply.clone(), Level::Info);
        true
    }

    /// STAT: the message count, or None (logged) when refused or beyond
    /// [`MAX_MESSAGES`].
    pub fn stat(&mut self, p: &mut dyn Peer) -> Option<u64> {
        if !self.send(p, b"STAT", None) {
            let t = self.reply.clone();
            p.log(&t, Level::Error);
            return None;
        }
        let n = stat_count(&self.reply);
        if n > MAX_MESSAGES {
            p.log(
                b"POP3 server reports an impossible message count",
                Level::Error,
            );
            return None;
        }
        Some(n)
    }

    /// LIST (when CAPA answered and not `/loser`): each message's number
    /// and size to `size`; false (logged) when the list broke off.
    pub fn list_sizes(
        &mut self,
        p: &mut dyn Peer,
        nmsgs: u64,
        size: &mut dyn FnMut(u64, u64),
    ) -> bool {
        if self.loser || !self.cap.capa || !self.send(p, b"LIST", None) {
            return true;
        }
        let max = (nmsgs as usize).saturating_add(MAX_LIST_LINES);
        if self.lines(p, max, false, &mut |t| {
            let (i, j) = super::list_entry(t);
            size(i, j)
        }) {
            return true;
        }
        p.log(
            b"POP3 connection broken while itemizing messages",
            Level::Error,
        );
        false
    }

    /// The login after the greeting: CAPA, STLS when offered (or `/tls`
    /// refused), then `/apop`, SASL with the offered (or forced)
    /// authenticators, or USER/PASS; CAPA again after a login.
    pub fn authenticate(&mut self, p: &mut dyn Login, o: &AuthOptions) -> bool {
        let capaok = self.capa(p);
        if o.can_tls && self.cap.stls && !o.ssl && !o.notls && self.send(p, b"STLS", None) {
            if !p.start_tls() {
                return false;
            }
            self.capa(p);
        } else if o.tls {
            p.log(b"Unable to negotiate TLS with this server", Level::Error);
            return false;
        }
        if o.apop {
            let ret = self.apop(p, o);
            if ret && capaok {
                self.capa(p);
            }
            return ret;
        }
        let mut names = Vec::new();
        if capaok {
            names = self.cap.sasl.clone();
        } else if self.send(p, b"AUTH", None) {
            let debug = p.debug();
            self.lines(p, MAX_LIST_LINES, debug, &mut |t| names.push(t.to_vec()));
        }
        let bit = |i: u32| (i != 0 && i <= 32).then(|| 1u64 << (i - 1));
        let mut auths = 0u64;
        for n in &names {
            auths |= bit(p.mechanism(n, false)).unwrap_or(0);
        }
        // LOGIN is not used when PLAIN is offered too.
        if let Some(pl) = bit(p.mechanism(b"PLAIN", true)) {
            if auths & pl != 0 {
                if let Some(lo) = bit(p.mechanism(b"LOGIN", true)) {
                    auths &= !lo;
                }
            }
        }
        if let Some(m) = o.forced {
            if !names
                .iter()
                .any(|w| w.eq_ignore_ascii_case(m.name().as_bytes()))
            {
                let t = format!("POP3 server does not offer AUTH={}", m.name());
                p.log(t.as_bytes(), Level::Error);
                return false;
            }
            if !p.forced_available(m) {
                let t = format!("{} authentication is not available", m.name());
                p.log(t.as_bytes(), Level::Error);
                return false;
            }
            auths = 0;
        }
        let ats = p.authenticators(auths, o.forced);
        let mut ret = false;
        if !ats.is_empty() {
            ret = self.sasl(p, &ats, o.maxtrials);
        } else if o.secure {
            p.log(
                b"Can't do secure authentication with this server",
                Level::Error,
            );
        } else if o.authuser {
            p.log(b"Can't do /authuser with this server", Level::Error);
        } else if !self.cap.user {
            p.log(b"Can't login to this server", Level::Error);
        } else {
            ret = self.user_pass(p, o.maxtrials);
        }
        if ret && capaok {
            self.capa(p);
        }
        ret
    }

    /// AUTH with each mechanism in turn, each tried up to `maxtrials`
    /// times (the loop of `crate::net::sasl_loop`).
    fn sasl(&mut self, p: &mut dyn Login, ats: &[Mechanism], maxtrials: u64) -> bool {
        p.canonical_host();
        let o = crate::net::sasl_loop::run(
            &mut SaslExchange {
                s: self,
                p: &mut *p,
            },
            ats,
            crate::net::sasl_loop::Options {
                label: "POP3",
                maxtrials,
            },
        );
        if let Some(t) = o.error {
            if !self.saslcancel {
                p.log(
                    &cat80(b"Can not authenticate to POP3 server: ", &t),
                    Level::Error,
                );
            }
        }
        o.ok
    }

    /// USER and PASS with the application's answers.
    fn user_pass(&mut self, p: &mut dyn Login, maxtrials: u64) -> bool {
        let mut ret = false;
        let mut trial = 0u64;
        loop {
            let (user, mut pwd) = p.login(trial);
            trial += 1;
            let have = !pwd.is_empty();
            if have {
                if self.send(p, b"USER", Some(&user)) {
                    self.sensitive = true;
                    if self.send(p, b"PASS", Some(&pwd)) {
                        ret = true;
                    }
                    self.sensitive = false;
                }
                pwd.fill(0);
                if !ret {
                    let t = self.reply.clone();
                    p.log(&t, Level::Warn);
                    if trial == maxtrials {
                        p.log(b"Too many login failures", Level::Error);
                    }
                }
            } else {
                p.log(b"Login aborted", Level::Error);
            }
            if ret || !have || trial >= maxtrials || !p.connected() {
                return ret;
            }
        }
    }

    /// APOP login (ours, asked for by `/apop`): the MD5 of the greeting's
    /// timestamp and the password, tried as often as USER/PASS. Never
    /// falls back to a login that shows the password.
    fn apop(&mut self, p: &mut dyn Login, o: &AuthOptions) -> bool {
        if o.authuser {
            p.log(b"Can't do /authuser with APOP", Level::Error);
            return false;
        }
        if apop_digest(&self.greeting, b"").is_none() {
            p.log(b"Can't do APOP with this server", Level::Error);
            return false;
        }
        p.canonical_host();
        let mut trial = 0u64;
        loop {
            let (user, mut pwd) = p.login(trial);
            trial += 1;
            if pwd.is_empty() {
                p.log(b"Login aborted", Level::Error);
                return false;
            }
            let digest = apop_digest(&self.greeting, &pwd).unwrap_or_default();
            pwd.fill(0);
            let mut args = user;
            args.push(b' ');
            args.extend_from_slice(digest.as_bytes());
            if self.send(p, b"APOP", Some(&args)) {
                return true;
            }
            let t = self.reply.clone();
            p.log(&t, Level::Warn);
            if trial == o.maxtrials {
                p.log(b"Too many login failures", Level::Error);
            }
            if trial >= o.maxtrials || !p.connected() {
                return false;
            }
        }
    }

    /// The server's SASL challenge (still base64), when the last reply is one.
    pub fn challenge(&self) -> Option<&[u8]> {
        self.response
            .as_ref()
            .is_some_and(|r| r.is_challenge())
            .then_some(&self.reply[..])
    }

    /// Sends a SASL response (None cancels) and reads the server's next
    /// line; false when the response could not be sent.
    pub fn respond(&mut self, p: &mut dyn Peer, data: Option<&[u8]>) -> bool {
        let ret = match data {
            Some(d) => {
                let line = if !d.is_empty() {
                    let t = crate::net::sasl::encode64(d);
                    if p.debug() {
                        p.dlog_out(t.as_bytes(), self.sensitive);
                    }
                    let mut v = t.into_bytes();
                    v.extend_from_slice(b"\r\n");
                    v
                } else {
                    b"\r\n".to_vec()
                };
                p.sout(&line)
            }
            None => {
                self.saslcancel = true;
                p.sout(b"*\r\n")
            }
        };
        self.reply(p);
        ret
    }

    /// Headers come from TOP n 0 (the server is known to have TOP and
    /// this is not `/loser`); else from the whole message (RETR).
    pub fn uses_top(&self) -> bool {
        !self.loser && self.cap.top
    }

    /// The header of message `uid` by TOP; None when the server refused.
    pub fn top(&mut self, p: &mut dyn Peer, uid: u64) -> Option<Vec<u8>> {
        let arg = format!("{uid} 0");
        if !self.send(p, b"TOP", Some(arg.as_bytes())) {
            return None;
        }
        let mut s = self.slurp(p);
        s.data.truncate(s.header_size);
        Some(s.data)
    }

    /// The header of the cached message (None when there is none).
    pub fn cached_header(&self) -> Option<&[u8]> {
        let t = self.txt.as_ref()?;
        (self.hdrsize != 0).then(|| &t[..self.hdrsize.min(t.len())])
    }

    /// Loads message `uid` into the one-message cache (RETR).
    pub fn load(&mut self, p: &mut dyn Peer, uid: u64) -> Loaded {
        if self.cached == uid {
            return Loaded::Cached;
        }
        self.forget(None);
        if !self.send_num(p, b"RETR", uid) {
            return Loaded::Failed;
        }
        let s = self.slurp(p);
        let n = s.data.len();
        self.hdrsize = s.header_size;
        self.txt = Some(s.data);
        self.cached = uid;
        Loaded::Fetched(n)
    }

    /// Empties the text cache (when it holds `uid`, or in any case).
    pub fn forget(&mut self, uid: Option<u64>) {
        if uid.is_none_or(|u| u == self.cached) {
            self.txt = None;
            self.cached = 0;
            self.hdrsize = 0;
        }
    }

    /// DELE for each message `marked(i)` names: None past the last one,
    /// `Some(Some(uid))` for one to delete. Each deleted message is
    /// reported expunged at once (later numbers shift down), then the
    /// count is logged unless `silent`.
    pub fn expunge(
        &mut self,
        p: &mut dyn Peer,
        marked: &mut dyn FnMut(u32) -> Option<Option<u64>>,
        silent: bool,
    ) {
        let mut i = 1u32;
        let mut n = 0u64;
        while let Some(m) = marked(i) {
            if let Some(uid) = m {
                if self.send_num(p, b"DELE", uid) {
                    self.forget(Some(uid));
                    p.expunged(i);
                    n += 1;
                    continue;
                }
            }
            i += 1;
        }
        if !silent {
            if n != 0 {
                p.log(format!("Expunged {n} messages").as_bytes(), Level::Info);
            } else {
                p.log(b"No messages deleted, so no update needed", Level::Info);
            }
        }
    }

    /// NOOP.
    pub fn noop(&mut self, p: &mut dyn Peer) -> bool {
        self.send(p, b"NOOP", None)
    }

    /// QUIT, its answer notified as the stream's goodbye.
    pub fn quit(&mut self, p: &mut dyn Peer) {
        self.send(p, b"QUIT", None);
        let t = self.reply.clone();
        p.notify(&t, Level::Bye);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::events::{Event, Recorder};

    /// An in-process server: the lines it answers, in order, whatever is
    /// sent (`None` ends the connection); what the client wrote and the
    /// events it reported.
    struct Script {
        lines: Box<dyn Iterator<Item = Option<Vec<u8>>>>,
        open: bool,
        wire: Vec<u8>,
        ev: Recorder,
        user: &'static str,
        passwords: Vec<&'static str>,
        mechs: Vec<Mechanism>,
        /// The mailbox seen by expunge: each message's UID and deleted mark.
        msgs: std::rc::Rc<std::cell::RefCell<Vec<(u64, bool)>>>,
    }

    fn script(lines: &[&str]) -> Script {
        let v: Vec<Option<Vec<u8>>> = lines
            .iter()
            .map(|l| (*l != "<drop>").then(|| l.as_bytes().to_vec()))
            .collect();
        Script {
            lines: Box::new(v.into_iter()),
            open: true,
            wire: Vec::new(),
            ev: Recorder::new(),
            user: "alice",
            passwords: vec!["pw"],
            mechs: Vec::new(),
            msgs: Default::default(),
        }
    }

    impl Script {
        fn wire(&self) -> String {
            String::from_utf8_lossy(&self.wire).into_owned()
        }
    }

    impl Events for Script {
        fn exists(&mut self, n: u32) {
            self.ev.exists(n)
        }
        fn recent(&mut self, n: u32) {
            self.ev.recent(n)
        }
        fn expunged(&mut self, n: u32) {
            self.msgs.borrow_mut().remove(n as usize - 1);
            self.ev.expunged(n)
        }
        fn flags(&mut self, n: u32) {
            self.ev.flags(n)
        }
        fn notify(&mut self, t: &[u8], l: Level) {
            self.ev.notify(t, l)
        }
        fn log(&mut self, t: &[u8], l: Level) {
            self.ev.log(t, l)
        }
        fn list(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
        fn lsub(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
        fn status(&mut self, _: &[u8], _: &crate::store::events::Status) {}
        fn critical(&mut self, _: bool) {}
        fn disk_error(&mut self, _: i32, _: bool) -> bool {
            true
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
            let l = self.lines.next().flatten();
            if l.is_none() {
                self.open = false;
            }
            l
        }
        fn sout(&mut self, data: &[u8]) -> bool {
            self.wire.extend_from_slice(data);
            self.open
        }
        fn hang_up(&mut self) {
            self.open = false;
        }
        fn debug(&self) -> bool {
            false
        }
        fn dlog_in(&mut self, _: &[u8]) {}
        fn dlog_out(&mut self, _: &[u8], _: bool) {}
        fn lock(&mut self, _: bool) {}
    }

    impl Login for Script {
        fn login(&mut self, _trial: u64) -> (Vec<u8>, Vec<u8>) {
            let p = if self.passwords.is_empty() {
                ""
            } else {
                self.passwords.remove(0)
            };
            (self.user.as_bytes().to_vec(), p.as_bytes().to_vec())
        }
        fn mechanism(&mut self, name: &[u8], _any: bool) -> u32 {
            self.mechs
                .iter()
                .position(|m| m.name.eq_ignore_ascii_case(name))
                .map_or(0, |i| i as u32 + 1)
        }
        fn authenticators(
            &mut self,
            bits: u64,
            _forced: Option<crate::net::Mechanism>,
        ) -> Vec<Mechanism> {
            (0..self.mechs.len())
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| self.mechs[i].clone())
                .collect()
        }
        fn forced_available(&mut self, _: crate::net::Mechanism) -> bool {
            false
        }
        fn canonical_host(&mut self) {}
        fn start_tls(&mut self) -> bool {
            false
        }
        /// PLAIN: one empty challenge, then the credentials.
        fn sasl(&mut self, s: &mut Session, _m: &Mechanism, trial: &mut u64) -> bool {
            *trial += 1;
            if s.challenge().is_none() {
                return false;
            }
            let (u, p) = self.login(*trial);
            let mut r = vec![0];
            r.extend_from_slice(&u);
            r.push(0);
            r.extend_from_slice(&p);
            s.respond(self, Some(&r))
        }
    }

    fn opts() -> AuthOptions {
        AuthOptions {
            maxtrials: 3,
            ..AuthOptions::default()
        }
    }

    fn logged(p: &Script, l: Level) -> Vec<String> {
        p.ev.logged(l)
    }

    #[test]
    fn user_pass_login() {
        let mut p = script(&[
            "+OK ready",
            "+OK capabilities",
            "USER",
            "TOP",
            ".",
            "+OK",
            "+OK logged in",
            "+OK",
            "TOP",
            ".",
        ]);
        let mut s = Session::new();
        assert!(s.greet(&mut p));
        assert!(s.authenticate(&mut p, &opts()));
        assert_eq!(p.wire(), "CAPA\r\nUSER alice\r\nPASS pw\r\nCAPA\r\n");
        assert!(s.cap.top && !s.cap.user);
        assert_eq!(logged(&p, Level::Info), vec!["ready"]);
    }

    #[test]
    fn wrong_password_retried_then_refused() {
        let mut p = script(&[
            "+OK ready",
            "-ERR no CAPA",
            "+OK",
            ".",
            "+OK",
            "-ERR [AUTH] bad",
            "+OK",
            "-ERR [AUTH] bad",
        ]);
        p.passwords = vec!["x", "y"];
        let mut s = Session::new();
        s.greet(&mut p);
        let o = AuthOptions {
            maxtrials: 2,
            ..AuthOptions::default()
        };
        // No CAPA: AUTH is asked for the mechanisms, then USER/PASS.
        assert!(!s.authenticate(&mut p, &o));
        assert_eq!(
            p.wire(),
            "CAPA\r\nAUTH\r\nUSER alice\r\nPASS x\r\nUSER alice\r\nPASS y\r\n"
        );
        assert_eq!(logged(&p, Level::Warn), vec!["[AUTH] bad", "[AUTH] bad"]);
        assert_eq!(logged(&p, Level::Error), vec!["Too many login failures"]);
    }

    #[test]
    fn apop() {
        let greeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
        let mut p = script(&[greeting, "-ERR", "+OK maildrop locked"]);
        p.user = "mrose";
        p.passwords = vec!["tanstaaf"];
        let mut s = Session::new();
        s.greet(&mut p);
        let o = AuthOptions {
            apop: true,
            ..opts()
        };
        assert!(s.authenticate(&mut p, &o));
        assert_eq!(
            p.wire(),
            "CAPA\r\nAPOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"
        );
        // Without a timestamp: refused before any login is sent.
        let mut p = script(&["+OK ready", "-ERR"]);
        let mut s = Session::new();
        s.greet(&mut p);
        assert!(!s.authenticate(&mut p, &o));
        assert_eq!(p.wire(), "CAPA\r\n");
        assert_eq!(
            logged(&p, Level::Error),
            vec!["Can't do APOP with this server"]
        );
    }

    #[test]
    fn sasl_plain_through_challenge_and_response() {
        let mut p = script(&[
            "+OK ready",
            "+OK",
            "SASL PLAIN",
            ".",
            "+ ",
            "+OK welcome",
            "-ERR no CAPA now",
        ]);
        p.mechs = vec![Mechanism {
            name: b"PLAIN".to_vec(),
            secure: false,
            id: 0,
        }];
        let mut s = Session::new();
        s.greet(&mut p);
        assert!(s.authenticate(&mut p, &opts()));
        assert_eq!(p.wire(), "CAPA\r\nAUTH PLAIN\r\nAGFsaWNlAHB3\r\nCAPA\r\n");
    }

    #[test]
    fn tls_required_but_not_offered() {
        let mut p = script(&["+OK ready", "+OK", "USER", "."]);
        let mut s = Session::new();
        s.greet(&mut p);
        let o = AuthOptions {
            tls: true,
            can_tls: true,
            ..opts()
        };
        assert!(!s.authenticate(&mut p, &o));
        assert_eq!(p.wire(), "CAPA\r\n");
        assert_eq!(
            logged(&p, Level::Error),
            vec!["Unable to negotiate TLS with this server"]
        );
    }

    #[test]
    fn dropped_connection_is_a_bye_and_a_made_up_reply() {
        let mut p = script(&["+OK ready", "<drop>"]);
        let mut s = Session::new();
        s.greet(&mut p);
        assert!(!s.noop(&mut p));
        assert_eq!(s.reply, b"POP3 connection broken in response");
        assert!(!p.connected());
        assert!(p.ev.events.contains(&Event::Notify(
            b"POP3 connection broken in response".to_vec(),
            Level::Bye
        )));
        // Nothing more goes to the wire.
        assert!(!s.send(&mut p, b"QUIT", None));
        assert_eq!(s.reply, b"POP3 connection lost");
        assert_eq!(p.wire(), "NOOP\r\n");
    }

    #[test]
    fn endless_capa_is_cut_off() {
        let mut p = script(&["+OK ready", "+OK"]);
        let head = std::mem::replace(&mut p.lines, Box::new(std::iter::empty()));
        p.lines = Box::new(head.chain(std::iter::repeat(Some(b"X-NOISE".to_vec()))));
        let mut s = Session::new();
        s.greet(&mut p);
        assert!(s.capa(&mut p));
        assert!(!p.connected());
        assert_eq!(s.reply, b"POP3 connection broken in response");
    }

    #[test]
    fn stat_bounds_the_count() {
        let mut p = script(&["+OK 3 300", "+OK 99999999999 1"]);
        let mut s = Session::new();
        assert_eq!(s.stat(&mut p), Some(3));
        assert_eq!(s.stat(&mut p), None);
        assert_eq!(
            logged(&p, Level::Error),
            vec!["POP3 server reports an impossible message count"]
        );
    }

    #[test]
    fn list_sizes_only_after_capa() {
        let mut p = script(&["+OK", "1 120", "2 x", "3 77", "."]);
        let mut s = Session::new();
        let mut got = Vec::new();
        assert!(s.list_sizes(&mut p, 3, &mut |i, j| got.push((i, j))));
        assert!(got.is_empty() && p.wire().is_empty());
        s.cap.capa = true;
        assert!(s.list_sizes(&mut p, 3, &mut |i, j| got.push((i, j))));
        assert_eq!(got, vec![(1, 120), (2, 0), (3, 77)]);
        assert_eq!(p.wire(), "LIST\r\n");
    }

    #[test]
    fn retr_cache_and_top() {
        let mut p = script(&[
            "+OK",
            "Subject: x",
            "",
            "..dot",
            ".",
            "+OK",
            "Subject: y",
            "",
            "body",
            ".",
        ]);
        let mut s = Session::new();
        assert_eq!(s.load(&mut p, 2), Loaded::Fetched(20));
        assert_eq!(s.txt.as_deref(), Some(&b"Subject: x\r\n\r\n.dot\r\n"[..]));
        assert_eq!(s.cached_header(), Some(&b"Subject: x\r\n\r\n"[..]));
        // The same message again: no traffic.
        assert_eq!(s.load(&mut p, 2), Loaded::Cached);
        assert_eq!(p.wire(), "RETR 2\r\n");
        s.cap.top = true;
        assert!(s.uses_top());
        assert_eq!(
            s.top(&mut p, 1).as_deref(),
            Some(&b"Subject: y\r\n\r\n"[..])
        );
        assert_eq!(p.wire(), "RETR 2\r\nTOP 1 0\r\n");
        s.loser = true;
        assert!(!s.uses_top());
    }

    #[test]
    fn names() {
        let n = NameParts {
            host: b"pop.example.org",
            port: 110,
            notls: true,
            loser: true,
            apop: true,
            user: b"alice",
            mailbox: b"INBOX",
            ..NameParts::default()
        };
        assert_eq!(
            mailbox_name(&n),
            b"{pop.example.org:110/pop3/notls/loser/apop/user=\"alice\"}INBOX"
        );
        let long = vec![b'h'; 300];
        let n = NameParts {
            host: &long,
            port: 995,
            ssl: true,
            novalidate: true,
            ..NameParts::default()
        };
        let v = mailbox_name(&n);
        assert!(v.starts_with(
            &[
                &b"{"[..],
                &long[..200],
                b":995/pop3/ssl/novalidate-cert/user="
            ]
            .concat()
        ));
    }

    #[test]
    fn expunge_deletes_marked_and_reports() {
        let mut p = script(&["+OK", "-ERR locked", "+OK"]);
        let mut s = Session::new();
        s.cached = 3;
        s.txt = Some(b"x".to_vec());
        // Messages 1..4 with UIDs 1..4; 1, 2 and 3 deleted; the server
        // refuses DELE 2.
        *p.msgs.borrow_mut() = vec![(1, true), (2, true), (3, true), (4, false)];
        let msgs = p.msgs.clone();
        let mut marked = |i: u32| -> Option<Option<u64>> {
            let (uid, del) = *msgs.borrow().get(i as usize - 1)?;
            Some(del.then_some(uid))
        };
        s.expunge(&mut p, &mut marked, false);
        let expunged: Vec<u32> =
            p.ev.events
                .iter()
                .filter_map(|e| match e {
                    Event::Expunged(n) => Some(*n),
                    _ => None,
                })
                .collect();
        // 1 goes, 2 stays (now message 1), 3 (now message 2) goes.
        assert_eq!(*p.msgs.borrow(), vec![(2, true), (4, false)]);
        assert_eq!(p.wire(), "DELE 1\r\nDELE 2\r\nDELE 3\r\n");
        assert_eq!(expunged, vec![1, 2]);
        assert!(s.txt.is_none() && s.cached == 0);
        assert_eq!(logged(&p, Level::Info), vec!["Expunged 2 messages"]);
    }
}
