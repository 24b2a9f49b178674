//! The NNTP dialogues of the client, as the original conducts them: one
//! command and its reply (continuation lines skipped, a made-up `400` when
//! the connection breaks), authentication again on `480`/`380`, LIST
//! EXTENSIONS, AUTHINFO USER/PASS after SASL, the opening sequence
//! (greeting, STARTTLS, authentication, MODE READER, the posting check),
//! POST with its reply codes, and the reading commands (GROUP maps with
//! LISTGROUP or HDR/XHDR, OVER/XOVER with the broken-OVER check, LIST
//! ACTIVE, HEAD/BODY/ARTICLE texts) with bounds on what a server can make
//! the client read.
//!
//! The session is the C SENDSTREAM that programs hold and read (`reply`,
//! `replycode`, the extension bits), so its state stays there: a [`Peer`]
//! gives the dialogues the connection, that state and the callbacks. The
//! SASL exchanges themselves go through the library's authenticators and
//! are run by the caller, which hands their outcome to [`authenticate`].

use super::code::*;

/// How loud a message is (the original's `mm_log` levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// What LIST EXTENSIONS told (the SENDSTREAM's `ext` bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    /// The server answered LIST EXTENSIONS.
    pub ok: bool,
    pub listgroup: bool,
    pub over: bool,
    pub hdr: bool,
    pub pat: bool,
    pub starttls: bool,
    pub multidomain: bool,
    /// AUTHINFO USER offered.
    pub authuser: bool,
    /// The library's SASL authenticators offered, one bit per index - 1.
    pub sasl: u32,
}

/// The session's flags that the dialogues read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub debug: bool,
    /// The command being sent holds a secret (kept out of telemetry).
    pub sensitive: bool,
    /// `/loser`: no LIST EXTENSIONS.
    pub loser: bool,
    /// The server lets us post.
    pub post: bool,
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
    /// Replaces the reply line held (None: none).
    fn set_reply(&mut self, line: Option<Vec<u8>>);
    fn set_reply_code(&mut self, code: i64);
    fn flags(&self) -> Flags;
    fn set_post(&mut self, on: bool);
    fn set_sensitive(&mut self, on: bool);
    fn ext(&self) -> Extensions;
    fn set_ext(&mut self, ext: Extensions);
    /// Telemetry of a line read.
    fn dlog_in(&mut self, line: &[u8]);
    /// Telemetry of a command sent (`sensitive`: it holds a secret).
    fn dlog_out(&mut self, line: &[u8], sensitive: bool);
    fn log(&mut self, text: &[u8], level: Level);
    /// The greeting's text (`mm_notify`).
    fn notify(&mut self, text: &[u8]);
    /// Authenticates to the session's own host and reads the extensions
    /// again (`nntp_send_auth(stream, T)`); true when it worked.
    fn reauthenticate(&mut self) -> bool;
    /// The 1-based index of the authenticator `name` usable with `flags`
    /// (`mail_lookup_auth_name`), 0 when none.
    fn mechanism(&mut self, name: &[u8], flags: i64) -> u32;
}

/// Highest authenticator index the extension bits can hold.
const MAX_AUTHENTICATORS: u32 = 32;

/// Reads a reply: lines of `NNN-` continuation are skipped; the code of
/// the last one is returned (and kept as the reply code). A connection
/// gone makes up `400 NNTP connection broken (response)`.
pub fn reply(p: &mut dyn Peer) -> i64 {
    loop {
        p.set_reply(None);
        let Some(line) = p.getline() else {
            return fake(p, b"NNTP connection broken (response)");
        };
        if p.flags().debug {
            p.dlog_in(&line);
        }
        let next = super::reply_line(&line);
        p.set_reply(Some(line));
        if let super::ReplyLine::Final(code) = next {
            p.set_reply_code(code);
            return code;
        }
    }
}

/// Drops the connection and holds `400 text` as the reply (the reply code
/// is left as it was, as in the original).
pub fn fake(p: &mut dyn Peer, text: &[u8]) -> i64 {
    if p.connected() {
        p.hang_up();
    }
    let (code, line) = super::fake(text);
    p.set_reply(Some(line));
    code
}

/// Sends `command` (and its arguments) and reads the reply.
pub fn send_work(p: &mut dyn Peer, command: &[u8], args: Option<&[u8]>) -> i64 {
    if !p.connected() {
        return fake(p, b"NNTP connection lost");
    }
    let mut line = Vec::with_capacity(command.len() + args.map_or(0, |a| a.len() + 1) + 2);
    line.extend_from_slice(command);
    if let Some(a) = args {
        line.push(b' ');
        line.extend_from_slice(a);
    }
    let f = p.flags();
    if f.debug {
        p.dlog_out(&line, f.sensitive);
    }
    line.extend_from_slice(b"\r\n");
    if p.sout(&line) {
        reply(p)
    } else {
        fake(p, b"NNTP connection broken (command)")
    }
}

/// [`send_work`], and when the server wants authentication, authenticates
/// and sends the command again; when that fails, QUIT and the connection
/// is dropped (the refusal stays the answer).
pub fn send(p: &mut dyn Peer, command: &[u8], args: Option<&[u8]>) -> i64 {
    let mut ret = send_work(p, command, args);
    if ret == WANT_AUTH || ret == WANT_AUTH_OLD {
        if p.reauthenticate() {
            ret = send_work(p, command, args);
        } else {
            send(p, b"QUIT", None);
            if p.connected() {
                p.hang_up();
            }
        }
    }
    ret
}

/// LIST EXTENSIONS into the session's extension bits (cleared first;
/// `/loser` sessions do not ask). True when the server answered it.
/// `flags` select the usable SASL mechanisms (secure only, authuser).
pub fn extensions(p: &mut dyn Peer, flags: i64) -> bool {
    p.set_ext(Extensions::default());
    if p.flags().loser {
        return false;
    }
    match send_work(p, b"LIST", Some(b"EXTENSIONS")) {
        EXTENSIONS_OK | LIST_FOLLOWS => {}
        _ => return false,
    }
    let mut e = Extensions {
        ok: true,
        ..Extensions::default()
    };
    while p.connected() {
        let Some(line) = p.getline() else { break };
        if p.flags().debug {
            p.dlog_in(&line);
        }
        if line == b"." {
            break;
        }
        extension_line(p, &mut e, &line, flags);
    }
    p.set_ext(e);
    true
}

fn extension_line(p: &mut dyn Peer, e: &mut Extensions, line: &[u8], flags: i64) {
    let (word, args) = match line.iter().position(|&c| c == b' ') {
        Some(i) => (&line[..i], Some(&line[i + 1..])),
        None => (line, None),
    };
    let is = |w: &[u8]| word.eq_ignore_ascii_case(w);
    if is(b"LISTGROUP") {
        e.listgroup = true;
    } else if is(b"OVER") {
        e.over = true;
    } else if is(b"HDR") {
        e.hdr = true;
    } else if is(b"PAT") {
        e.pat = true;
    } else if is(b"STARTTLS") {
        e.starttls = true;
    } else if is(b"MULTIDOMAIN") {
        e.multidomain = true;
    } else if let (true, Some(args)) = (is(b"AUTHINFO"), args) {
        let mut mechs: Option<&[u8]> = None;
        for a in args.split(|&c| c == b' ').filter(|a| !a.is_empty()) {
            if a.eq_ignore_ascii_case(b"USER") {
                e.authuser = true;
            } else if a.len() >= 5 && a[..4].eq_ignore_ascii_case(b"SASL") && a[4] == b':' {
                mechs = Some(&a[5..]);
            }
        }
        if let Some(m) = mechs {
            let bit = |i: u32| (i != 0 && i - 1 < MAX_AUTHENTICATORS).then(|| 1u32 << (i - 1));
            let mut sasl = 0u32;
            for name in m.split(|&c| c == b',').filter(|a| !a.is_empty()) {
                sasl |= bit(p.mechanism(name, flags)).unwrap_or(0);
            }
            // With PLAIN offered, LOGIN is not tried.
            let plain = bit(p.mechanism(b"PLAIN", 0));
            let login = bit(p.mechanism(b"LOGIN", 0));
            if let (Some(pl), Some(lo)) = (plain, login) {
                if sasl & pl != 0 {
                    sasl &= !lo;
                }
            }
            e.sasl = sasl;
        }
    }
}

/// What came of the SASL exchanges that precede AUTHINFO USER, and what
/// the mailbox name asked for.
#[derive(Clone, Debug, Default)]
pub struct AuthState {
    /// A SASL mechanism succeeded.
    pub sasl_ok: bool,
    /// The last SASL failure, if one was tried.
    pub sasl_error: Option<Vec<u8>>,
    /// The user cancelled an exchange.
    pub sasl_cancelled: bool,
    /// `/secure`: no plain-text password.
    pub secure: bool,
    /// `/authuser=`: only SASL can do it.
    pub authuser: bool,
    pub maxtrials: i64,
}

/// After SASL: its failure reported, or AUTHINFO USER/PASS with the
/// application's answers to `login(trial)` (user and password; an empty
/// password gives up), within the trial limit. True when authenticated.
pub fn authenticate(
    p: &mut dyn Peer,
    st: &AuthState,
    login: &mut dyn FnMut(i64) -> (Vec<u8>, Vec<u8>),
) -> bool {
    let mut ret = st.sasl_ok;
    if let Some(e) = &st.sasl_error {
        if !st.sasl_cancelled {
            let mut m = b"Can not authenticate to NNTP server: ".to_vec();
            m.extend_from_slice(&e[..e.len().min(80)]);
            p.log(&m, Level::Error);
        }
    } else if st.secure {
        p.log(
            b"Can't do secure authentication with this server",
            Level::Error,
        );
    } else if st.authuser {
        p.log(b"Can't do /authuser with this server", Level::Error);
    } else {
        // AUTHINFO USER is tried even when not advertised.
        let mut trial = 0;
        let mut answered = true;
        while !ret && answered && trial < st.maxtrials && p.connected() {
            let (user, mut pwd) = login(trial);
            trial += 1;
            if pwd.is_empty() {
                p.log(b"Login aborted", Level::Error);
                answered = false;
                continue;
            }
            let mut failed = false;
            match send_work(p, b"AUTHINFO USER", Some(&user)) {
                BAD_COMMAND => {
                    if p.ext().authuser {
                        let r = p.reply();
                        p.log(&r, Level::Error);
                    } else {
                        p.log(b"Can't do AUTHINFO USER to this server", Level::Error);
                    }
                    trial = st.maxtrials;
                }
                AUTHENTICATED => ret = true,
                WANT_PASSWORD => {
                    p.set_sensitive(true);
                    ret = send_work(p, b"AUTHINFO PASS", Some(&pwd)) == AUTHENTICATED;
                    p.set_sensitive(false);
                    failed = !ret;
                }
                _ => failed = true,
            }
            pwd.iter_mut().for_each(|b| *b = 0);
            if failed {
                let r = p.reply();
                p.log(&r, Level::Warn);
                if trial == st.maxtrials {
                    p.log(b"Too many NNTP authentication failures", Level::Error);
                }
            }
        }
    }
    ret
}

/// Reads the greeting: `200` lets us post (its text is notified), `201`
/// does not; anything else is logged and refused (false).
pub fn greeting(p: &mut dyn Peer) -> bool {
    match reply(p) {
        GREET => {
            p.set_post(true);
            let r = p.reply();
            p.notify(r.get(4..).unwrap_or(b""));
            true
        }
        GREET_NOPOST => {
            p.set_post(false);
            true
        }
        _ => {
            let r = p.reply();
            p.log(&r, Level::Error);
            false
        }
    }
}

/// What the opening sequence needs from the one who opens: the mailbox
/// name's choices and the steps done through the C objects.
pub trait Opening {
    /// The SASL selection flags of the name (secure, authuser).
    fn auth_flags(&self) -> i64;
    /// STARTTLS may be tried (no `/ssl`, no `/notls`, no explicit
    /// driver, TLS available).
    fn may_starttls(&self) -> bool;
    /// `/tls`: TLS is required.
    fn tls_required(&self) -> bool;
    /// The host name given (MULTIDOMAIN servers get it with STARTTLS).
    fn host(&self) -> Vec<u8>;
    /// Starts TLS on the connection after `382`; false when it failed
    /// (the connection is then gone).
    fn start_tls(&mut self) -> bool;
    /// A user was named (`/user=`).
    fn has_user(&self) -> bool;
    /// Read-only use (`NOP_READONLY`): no need to post.
    fn readonly(&self) -> bool;
    /// Authenticates with the name's choices (`nntp_send_auth_work`,
    /// without reading the extensions again).
    fn authenticate(&mut self) -> bool;
    /// Authenticates to the session's own host (`nntp_send_auth(stream,
    /// NIL)`).
    fn send_auth(&mut self) -> bool;
}

/// How the opening sequence ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    Ready,
    /// Give up and close the session.
    Close,
    /// Give up, leaving the session as it is (the original's `/tls`
    /// refusal returns without closing).
    Abandon,
}

/// After the greeting: extensions, STARTTLS, authentication when a user
/// is named or posting is refused, MODE READER (authenticating on
/// `480`/`380`), the posting check, and the extensions again.
pub fn open(p: &mut dyn Peer, o: &mut dyn Opening) -> Opened {
    let mut extok = extensions(p, o.auth_flags());
    if o.may_starttls() && p.ext().starttls {
        let host = o.host();
        let args = p.ext().multidomain.then_some(&host[..]);
        if send_work(p, b"STARTTLS", args) == TLS_START {
            if !o.start_tls() {
                return Opened::Close;
            }
            extok = extensions(p, o.auth_flags());
        } else if o.tls_required() {
            return tls_refused(p);
        }
    } else if o.tls_required() {
        return tls_refused(p);
    }
    if o.has_user() {
        if !o.authenticate() {
            return Opened::Close;
        }
    } else if !(p.flags().post || o.readonly() || o.send_auth()) {
        return Opened::Close;
    }
    match send_work(p, b"MODE", Some(b"READER")) {
        GREET => p.set_post(true),
        GREET_NOPOST => p.set_post(false),
        WANT_AUTH | WANT_AUTH_OLD => {
            if !o.authenticate() {
                return Opened::Close;
            }
            match send(p, b"MODE", Some(b"READER")) {
                GREET => p.set_post(true),
                GREET_NOPOST => p.set_post(false),
                _ => {}
            }
        }
        _ => {}
    }
    if !(p.flags().post || o.readonly()) {
        return Opened::Close;
    }
    if extok {
        extensions(p, o.auth_flags());
    }
    Opened::Ready
}

fn tls_refused(p: &mut dyn Peer) -> Opened {
    p.log(b"Unable to negotiate TLS with this server", Level::Error);
    Opened::Abandon
}

/// The `Path:` line an article starts with: `not-for-mail` when the path
/// is hidden, else the local host and the poster's mailbox.
pub fn path_line(hide: bool, localhost: &[u8], who: &[u8]) -> Vec<u8> {
    if hide {
        return b"Path: not-for-mail\r\n".to_vec();
    }
    let mut p = b"Path: ".to_vec();
    p.extend_from_slice(localhost);
    p.push(b'!');
    p.extend_from_slice(who);
    p.extend_from_slice(b"\r\n");
    p
}

/// Posts one article: POST, and on `340` the `Path:` line `path()` gives,
/// the article `write()` sends (dot-stuffed, without the final dot) and
/// the final `.`; the whole again after authenticating on `480`/`380`.
/// True on `240`, and on another `2xx` with a warning.
pub fn post(
    p: &mut dyn Peer,
    path: &mut dyn FnMut() -> Vec<u8>,
    write: &mut dyn FnMut() -> bool,
) -> bool {
    let mut ret;
    loop {
        ret = send_work(p, b"POST", None);
        if ret == SEND_ARTICLE {
            let line = path();
            ret = if p.sout(&line) && write() {
                send_work(p, b".", None)
            } else {
                fake(p, b"NNTP connection broken (message text)")
            };
        }
        if !((ret == WANT_AUTH || ret == WANT_AUTH_OLD) && p.reauthenticate()) {
            break;
        }
    }
    if ret == POSTED {
        return true;
    }
    if ret < SOFT_FATAL {
        p.log(
            format!("Unexpected NNTP posting reply code {ret}").as_bytes(),
            Level::Warn,
        );
        if (200..300).contains(&ret) {
            return true;
        }
    }
    false
}

/// The most bytes of one article text kept from the server.
pub const MAX_TEXT: usize = 256 << 20;

/// Lines a listing may have beyond what the server said it would send.
pub const LIST_SLACK: u64 = 100_000;

/// Lines of LIST ACTIVE taken before the server is taken as endless.
pub const MAX_LIST_LINES: u64 = 4_000_000;

/// Drops the connection of a server that does not end its answer.
pub fn drop_endless(p: &mut dyn Peer) {
    if p.connected() {
        p.hang_up();
    }
    p.log(b"NNTP server sent an endless reply", Level::Error);
}

/// Reads the lines of a multi-line answer up to its final `.` (not
/// unstuffed), each to `each`; after `max` lines the connection is
/// dropped. True when the final `.` came.
pub fn lines(p: &mut dyn Peer, max: u64, each: &mut dyn FnMut(&mut dyn Peer, &[u8])) -> bool {
    let mut n = 0u64;
    while p.connected() {
        let Some(l) = p.getline() else { break };
        if l == b"." {
            return true;
        }
        n += 1;
        if n > max {
            drop_endless(p);
            return false;
        }
        each(p, &l);
    }
    false
}

/// A dot-terminated text as `netmsg_slurp` reads it from `getline`: lines
/// unstuffed with CRLF after each, and the header's size (through its
/// blank line; the whole text without one). None when it grew past
/// `max` bytes.
pub fn slurp_lines(
    getline: &mut dyn FnMut() -> Option<Vec<u8>>,
    max: usize,
) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut hsiz = 0usize;
    while let Some(line) = getline() {
        let t = match line.first() {
            Some(b'.') if line.len() == 1 => break,
            Some(b'.') => &line[1..],
            _ => &line[..],
        };
        out.extend_from_slice(t);
        out.extend_from_slice(b"\r\n");
        if t.is_empty() && hsiz == 0 {
            hsiz = out.len();
        }
        if out.len() > max {
            return None;
        }
    }
    if hsiz == 0 {
        hsiz = out.len();
    }
    Some((out, hsiz))
}

/// [`slurp_lines`] on the session (an empty text without a connection);
/// an endless text drops the connection.
pub fn slurp(p: &mut dyn Peer) -> Option<(Vec<u8>, usize)> {
    if !p.connected() {
        return Some((Vec::new(), 0));
    }
    let r = slurp_lines(&mut || p.getline(), MAX_TEXT);
    if r.is_none() {
        drop_endless(p);
    }
    r
}

/// What the reading driver learns about the server as it goes: whether
/// XOVER and XHDR are still worth trying (`xover` also marks OVER as not
/// yet checked for the broken-OVER servers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reader {
    pub xover: bool,
    pub xhdr: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            xover: true,
            xhdr: true,
        }
    }
}

/// The article map of `group`: LISTGROUP (tried last when the group is
/// sparse), else HDR Date or XHDR Date over `first`-`last`. True when the
/// map's lines follow.
pub fn getmap(
    p: &mut dyn Peer,
    r: &mut Reader,
    group: &[u8],
    (first, last): (u64, u64),
    rnmsgs: u64,
    nmsgs: u64,
) -> bool {
    let mut trylistgroup = false;
    if rnmsgs > nmsgs.saturating_mul(8) {
        trylistgroup = true;
    } else if send(p, b"LISTGROUP", Some(group)) == GROUP_OK {
        return true;
    } else if p.ext().listgroup {
        return false;
    }
    let range = format!("{first}-{last}");
    if p.ext().hdr {
        return send(p, b"HDR Date", Some(range.as_bytes())) == HEAD;
    }
    if r.xhdr {
        match send(p, b"XHDR Date", Some(range.as_bytes())) {
            HEAD => return true,
            BAD_COMMAND => r.xhdr = false,
            _ => {}
        }
    }
    trylistgroup && send(p, b"LISTGROUP", Some(group)) == GROUP_OK
}

/// OVER for `sequence` (checked once with `OVER 0` against servers whose
/// OVER answers garbage), else XOVER. True when overview lines follow.
pub fn over(p: &mut dyn Peer, r: &mut Reader, sequence: &[u8]) -> bool {
    if p.ext().over && r.xover && send(p, b"OVER", Some(b"0")) == OVERVIEW {
        lines(p, LIST_SLACK, &mut |p, s| {
            if !s.first().is_some_and(|c| c.is_ascii_digit()) {
                let mut e = p.ext();
                e.over = false;
                p.set_ext(e);
                p.log(b"Working around Netscape Collabra bug", Level::Warn);
            }
        });
        if p.ext().over {
            r.xover = false;
        }
    }
    if p.ext().over {
        return send(p, b"OVER", Some(sequence)) == OVERVIEW;
    }
    if r.xover {
        match send(p, b"XOVER", Some(sequence)) {
            OVERVIEW => return true,
            BAD_COMMAND => r.xover = false,
            _ => {}
        }
    }
    false
}

/// LIST ACTIVE (with the wildmat when there is one), else plain LIST;
/// true when the listing follows.
pub fn list_active(p: &mut dyn Peer, wildmat: &[u8]) -> bool {
    send(p, b"LIST ACTIVE", (!wildmat.is_empty()).then_some(wildmat)) == LIST_FOLLOWS
        || send(p, b"LIST", None) == LIST_FOLLOWS
}

/// The server's overview format (LIST OVERVIEW.FMT) when it has OVER.
pub fn overview_format(p: &mut dyn Peer) -> Option<Vec<u8>> {
    if p.ext().over && send(p, b"LIST", Some(b"OVERVIEW.FMT")) == LIST_FOLLOWS {
        return slurp(p).map(|(t, _)| t);
    }
    None
}

/// GROUP: true when selected (the reply holds the numbers).
pub fn group(p: &mut dyn Peer, name: &[u8]) -> bool {
    send(p, b"GROUP", Some(name)) == GROUP_OK
}

/// An article's text asked with HEAD, BODY or ARTICLE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// The reply code to the command.
    pub code: i64,
    /// The text and its header's size, when the expected code came and
    /// the text was read to its end.
    pub text: Option<(Vec<u8>, usize)>,
}

/// `command id` and, on `expect`, the text that follows.
fn fetch(p: &mut dyn Peer, command: &[u8], id: &[u8], expect: i64) -> Fetched {
    let code = send(p, command, Some(id));
    let text = if code == expect { slurp(p) } else { None };
    Fetched { code, text }
}

/// HEAD of article `id` and the header that follows.
pub fn head(p: &mut dyn Peer, id: &[u8]) -> Fetched {
    fetch(p, b"HEAD", id, HEAD)
}

/// BODY of article `id` and the text that follows.
pub fn body(p: &mut dyn Peer, id: &[u8]) -> Fetched {
    fetch(p, b"BODY", id, BODY)
}

/// ARTICLE by number or message ID: true when the article follows (the
/// caller reads it, to a file for `nntp_article`).
pub fn article(p: &mut dyn Peer, id: Option<&[u8]>) -> bool {
    send(p, b"ARTICLE", id) == ARTICLE
}

/// STAT as a keep-alive: false when the connection is gone.
pub fn ping(p: &mut dyn Peer) -> bool {
    send(p, b"STAT", None) != SOFT_FATAL
}

/// QUIT when connected, then the connection closed.
pub fn quit(p: &mut dyn Peer) {
    if p.connected() {
        send(p, b"QUIT", None);
    }
    if p.connected() {
        p.hang_up();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A scripted server: the lines it answers with, in order, and what
    /// the client wrote; `reauth` says whether authenticating again works.
    #[derive(Default)]
    struct Script {
        input: VecDeque<Vec<u8>>,
        wire: Vec<u8>,
        open: bool,
        reply: Vec<u8>,
        code: i64,
        flags: Flags,
        ext: Extensions,
        logs: Vec<(Level, String)>,
        notes: Vec<String>,
        reauth: bool,
        reauths: usize,
        /// Bytes the connection takes before it breaks.
        sout_limit: Option<usize>,
    }

    fn script(lines: &[&str]) -> Script {
        Script {
            input: lines.iter().map(|l| l.as_bytes().to_vec()).collect(),
            open: true,
            ..Script::default()
        }
    }

    impl Script {
        fn sent(&self) -> String {
            String::from_utf8_lossy(&self.wire).into_owned()
        }
        fn logged(&self) -> Vec<String> {
            self.logs
                .iter()
                .map(|(l, t)| format!("{l:?}: {t}"))
                .collect()
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
            let l = self.input.pop_front();
            if l.is_none() {
                self.open = false;
            }
            l
        }
        fn sout(&mut self, data: &[u8]) -> bool {
            if let Some(n) = self.sout_limit {
                if self.wire.len() + data.len() > n {
                    return false;
                }
            }
            self.wire.extend_from_slice(data);
            self.open
        }
        fn hang_up(&mut self) {
            self.open = false;
        }
        fn reply(&self) -> Vec<u8> {
            self.reply.clone()
        }
        fn set_reply(&mut self, line: Option<Vec<u8>>) {
            self.reply = line.unwrap_or_default();
        }
        fn set_reply_code(&mut self, code: i64) {
            self.code = code;
        }
        fn flags(&self) -> Flags {
            self.flags
        }
        fn set_post(&mut self, on: bool) {
            self.flags.post = on;
        }
        fn set_sensitive(&mut self, on: bool) {
            self.flags.sensitive = on;
        }
        fn ext(&self) -> Extensions {
            self.ext
        }
        fn set_ext(&mut self, ext: Extensions) {
            self.ext = ext;
        }
        fn dlog_in(&mut self, _: &[u8]) {}
        fn dlog_out(&mut self, _: &[u8], _: bool) {}
        fn log(&mut self, text: &[u8], level: Level) {
            self.logs
                .push((level, String::from_utf8_lossy(text).into_owned()));
        }
        fn notify(&mut self, text: &[u8]) {
            self.notes.push(String::from_utf8_lossy(text).into_owned());
        }
        fn reauthenticate(&mut self) -> bool {
            self.reauths += 1;
            if self.reauth {
                // What the real one would have exchanged.
                self.wire.extend_from_slice(b"[auth]\r\n");
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

    #[test]
    fn replies_continuations_and_breaks() {
        let mut s = script(&["200-first", "200-second", "201 last"]);
        assert_eq!(reply(&mut s), 201);
        assert_eq!(s.reply, b"201 last");
        assert_eq!(s.code, 201);
        // The connection goes: a made-up 400, the code left alone.
        assert_eq!(reply(&mut s), 400);
        assert_eq!(s.reply, b"400 NNTP connection broken (response)");
        assert_eq!(s.code, 201);
        assert!(!s.open);
        assert_eq!(send_work(&mut s, b"GROUP", Some(b"a")), 400);
        assert_eq!(s.reply, b"400 NNTP connection lost");
        // Codes out of range and garbage are just numbers.
        let mut s = script(&["999 what", "x"]);
        assert_eq!(send_work(&mut s, b"DATE", None), 999);
        assert_eq!(send_work(&mut s, b"DATE", None), 0);
        assert_eq!(s.sent(), "DATE\r\nDATE\r\n");
        // A write that fails.
        let mut s = script(&["200 x"]);
        s.sout_limit = Some(0);
        assert_eq!(send_work(&mut s, b"QUIT", None), 400);
        assert_eq!(s.reply, b"400 NNTP connection broken (command)");
        assert!(!s.open);
    }

    #[test]
    fn authentication_again_on_480() {
        let mut s = script(&["480 who", "211 3 1 3 a"]);
        s.reauth = true;
        assert_eq!(send(&mut s, b"GROUP", Some(b"a")), 211);
        assert_eq!(s.sent(), "GROUP a\r\n[auth]\r\nGROUP a\r\n");
        // Refused: QUIT, and the connection is dropped.
        let mut s = script(&["480 who", "205 bye"]);
        assert_eq!(send(&mut s, b"GROUP", Some(b"a")), 480);
        assert_eq!(s.sent(), "GROUP a\r\nQUIT\r\n");
        assert!(!s.open);
    }

    #[test]
    fn extension_list() {
        let mut s = script(&[
            "202 Extensions supported:",
            "OVER",
            "hdr",
            "LISTGROUP",
            "STARTTLS",
            "AUTHINFO USER SASL:PLAIN,LOGIN,CRAM-MD5,X-UNKNOWN",
            ".",
        ]);
        assert!(extensions(&mut s, 0));
        let e = s.ext;
        assert!(e.ok && e.over && e.hdr && e.listgroup && e.starttls && e.authuser);
        assert!(!e.pat && !e.multidomain);
        // PLAIN (3) and CRAM-MD5 (4); LOGIN dropped since PLAIN is there.
        assert_eq!(e.sasl, 0b1100);
        assert_eq!(s.sent(), "LIST EXTENSIONS\r\n");
        // Not understood: bits cleared, false.
        let mut s = script(&["500 what?"]);
        s.ext.over = true;
        assert!(!extensions(&mut s, 0));
        assert_eq!(s.ext, Extensions::default());
        // /loser: not even asked.
        let mut s = script(&[]);
        s.flags.loser = true;
        assert!(!extensions(&mut s, 0));
        assert_eq!(s.sent(), "");
        // A list that never ends stops with the connection.
        let mut s = script(&["215 ok", "OVER"]);
        assert!(extensions(&mut s, 0));
        assert!(s.ext.over && !s.open);
    }

    #[test]
    fn authinfo_user_pass() {
        let st = AuthState {
            maxtrials: 3,
            ..AuthState::default()
        };
        let mut s = script(&["381 pass?", "481 no", "381 pass?", "281 ok"]);
        let mut tries = vec![];
        let ok = authenticate(&mut s, &st, &mut |t| {
            tries.push(t);
            (b"alice".to_vec(), format!("pw{t}").into_bytes())
        });
        assert!(ok);
        assert_eq!(tries, [0, 1]);
        assert_eq!(
            s.sent(),
            "AUTHINFO USER alice\r\nAUTHINFO PASS pw0\r\nAUTHINFO USER alice\r\nAUTHINFO PASS pw1\r\n"
        );
        assert_eq!(s.logged(), ["Warn: 481 no"]);
        assert!(!s.flags.sensitive);
        // Every trial fails.
        let mut s = script(&["381 p", "481 no", "381 p", "481 no", "381 p", "481 no"]);
        assert!(!authenticate(&mut s, &st, &mut |_| (
            b"u".to_vec(),
            b"p".to_vec()
        )));
        assert_eq!(
            s.logged().last().unwrap(),
            "Error: Too many NNTP authentication failures"
        );
        // The user gives up.
        let mut s = script(&[]);
        assert!(!authenticate(&mut s, &st, &mut |_| (b"u".to_vec(), vec![])));
        assert_eq!(s.logged(), ["Error: Login aborted"]);
        assert_eq!(s.sent(), "");
        // AUTHINFO USER unknown: one try only.
        let mut s = script(&["500 what?"]);
        assert!(!authenticate(&mut s, &st, &mut |_| (
            b"u".to_vec(),
            b"p".to_vec()
        )));
        assert_eq!(s.logged(), ["Error: Can't do AUTHINFO USER to this server"]);
        // SASL failed, secure, authuser: no AUTHINFO USER.
        for (st, text) in [
            (
                AuthState {
                    sasl_error: Some(b"bad".to_vec()),
                    ..st.clone()
                },
                "Error: Can not authenticate to NNTP server: bad",
            ),
            (
                AuthState {
                    secure: true,
                    ..st.clone()
                },
                "Error: Can't do secure authentication with this server",
            ),
            (
                AuthState {
                    authuser: true,
                    ..st.clone()
                },
                "Error: Can't do /authuser with this server",
            ),
        ] {
            let mut s = script(&[]);
            assert!(!authenticate(&mut s, &st, &mut |_| unreachable!()));
            assert_eq!(s.logged(), [text]);
        }
    }

    struct Opener {
        user: bool,
        readonly: bool,
        tls: bool,
        starttls: Option<bool>,
        auth: bool,
        auths: usize,
    }

    impl Opening for Opener {
        fn auth_flags(&self) -> i64 {
            0
        }
        fn may_starttls(&self) -> bool {
            self.starttls.is_some()
        }
        fn tls_required(&self) -> bool {
            self.tls
        }
        fn host(&self) -> Vec<u8> {
            b"news.example".to_vec()
        }
        fn start_tls(&mut self) -> bool {
            self.starttls == Some(true)
        }
        fn has_user(&self) -> bool {
            self.user
        }
        fn readonly(&self) -> bool {
            self.readonly
        }
        fn authenticate(&mut self) -> bool {
            self.auths += 1;
            self.auth
        }
        fn send_auth(&mut self) -> bool {
            self.auths += 1;
            self.auth
        }
    }

    fn opener() -> Opener {
        Opener {
            user: false,
            readonly: true,
            tls: false,
            starttls: None,
            auth: true,
            auths: 0,
        }
    }

    #[test]
    fn opening() {
        let mut s = script(&[
            "200 news.example ready",
            "202 ext",
            "OVER",
            ".",
            "201 no posting",
            "202 ext",
            "OVER",
            "HDR",
            ".",
        ]);
        assert!(greeting(&mut s));
        assert_eq!(s.notes, ["news.example ready"]);
        assert_eq!(open(&mut s, &mut opener()), Opened::Ready);
        assert_eq!(
            s.sent(),
            "LIST EXTENSIONS\r\nMODE READER\r\nLIST EXTENSIONS\r\n"
        );
        assert!(!s.flags.post && s.ext.hdr);
        // A refused greeting.
        let mut s = script(&["502 go away"]);
        assert!(!greeting(&mut s));
        assert_eq!(s.logged(), ["Error: 502 go away"]);
        // MODE READER wants authentication first.
        let mut s = script(&["500 no", "480 auth", "200 ok"]);
        let mut o = opener();
        assert_eq!(open(&mut s, &mut o), Opened::Ready);
        assert_eq!(o.auths, 1);
        assert!(s.flags.post);
        assert_eq!(
            s.sent(),
            "LIST EXTENSIONS\r\nMODE READER\r\nMODE READER\r\n"
        );
        // Posting needed but refused.
        let mut s = script(&["500 no", "201 read only"]);
        let mut o = opener();
        o.readonly = false;
        o.auth = false;
        assert_eq!(open(&mut s, &mut o), Opened::Close);
        // /tls without STARTTLS offered.
        let mut s = script(&["500 no"]);
        let mut o = opener();
        o.tls = true;
        o.starttls = Some(true);
        assert_eq!(open(&mut s, &mut o), Opened::Abandon);
        assert_eq!(
            s.logged(),
            ["Error: Unable to negotiate TLS with this server"]
        );
        // STARTTLS offered with MULTIDOMAIN; TLS fails.
        let mut s = script(&["202 ext", "STARTTLS", "MULTIDOMAIN", ".", "382 go"]);
        let mut o = opener();
        o.starttls = Some(false);
        assert_eq!(open(&mut s, &mut o), Opened::Close);
        assert!(s.sent().ends_with("STARTTLS news.example\r\n"));
    }

    #[test]
    fn posting() {
        let mut s = script(&["340 send", "240 posted"]);
        let ok = post(
            &mut s,
            &mut || path_line(false, b"here", b"alice"),
            &mut || true,
        );
        assert!(ok);
        assert_eq!(s.sent(), "POST\r\nPath: here!alice\r\n.\r\n");
        assert_eq!(path_line(true, b"x", b"y"), b"Path: not-for-mail\r\n");
        // Authentication, then posted.
        let mut s = script(&["480 who", "340 send", "240 ok"]);
        s.reauth = true;
        assert!(post(&mut s, &mut Vec::new, &mut || true));
        assert_eq!(s.sent(), "POST\r\n[auth]\r\nPOST\r\n.\r\n");
        // An odd 2xx: posted, with a warning; a 3xx: not.
        let mut s = script(&["340 send", "250 hm"]);
        assert!(post(&mut s, &mut Vec::new, &mut || true));
        assert_eq!(s.logged(), ["Warn: Unexpected NNTP posting reply code 250"]);
        let mut s = script(&["340 send", "340 again"]);
        assert!(!post(&mut s, &mut Vec::new, &mut || true));
        // Refused, and the text broken off.
        let mut s = script(&["441 posting failed"]);
        assert!(!post(&mut s, &mut Vec::new, &mut || true));
        assert!(s.logs.is_empty());
        let mut s = script(&["340 send"]);
        assert!(!post(&mut s, &mut Vec::new, &mut || false));
        assert_eq!(s.reply, b"400 NNTP connection broken (message text)");
    }

    #[test]
    fn multi_line_bounds() {
        let mut s = script(&["1", "2", "3", ".", "after"]);
        let mut got = vec![];
        assert!(lines(&mut s, 3, &mut |_, l| got.push(l.to_vec())));
        assert_eq!(got.len(), 3);
        // One line too many: the connection is dropped.
        let mut s = script(&["1", "2", "3", "4", "."]);
        assert!(!lines(&mut s, 3, &mut |_, _| {}));
        assert!(!s.open);
        assert_eq!(s.logged(), ["Error: NNTP server sent an endless reply"]);
        // The connection goes mid-listing.
        let mut s = script(&["1"]);
        assert!(!lines(&mut s, 3, &mut |_, _| {}));
        // Texts: unstuffed, header size, bound.
        let mut s = script(&["A: b", "", "..x", "."]);
        assert_eq!(slurp(&mut s), Some((b"A: b\r\n\r\n.x\r\n".to_vec(), 8)));
        let mut src: VecDeque<Vec<u8>> = vec![b"0123456789".to_vec(); 3].into();
        assert_eq!(slurp_lines(&mut || src.pop_front(), 20), None);
        let mut s = script(&[]);
        s.open = false;
        assert_eq!(slurp(&mut s), Some((vec![], 0)));
    }

    /// Servers that answer anything: made-up lines from fragments of
    /// codes, dots and junk. Every dialogue ends (the script is finite)
    /// without a panic, and what is kept stays bounded by what was sent.
    #[test]
    fn random_servers() {
        const BITS: [&str; 16] = [
            "200 hi",
            "201 ro",
            "202 ext",
            "215 list",
            "211 3 1 3 g",
            "221 h",
            "222 b",
            "224 o",
            "340 go",
            "381 pw",
            "480 auth",
            ".",
            "..",
            "-1",
            "999999999999999999999 x",
            "OVER",
        ];
        let mut next = crate::test_rand::xorshift(0x2545_f491);
        for _ in 0..400 {
            let n = (next() % 40) as usize;
            let mut lines = vec![];
            for _ in 0..n {
                let r = next();
                let mut l = BITS[(r % 16) as usize].to_string();
                if r & 0x100 != 0 {
                    l.push_str(" \x01junk");
                }
                lines.push(l);
            }
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let mut s = script(&refs);
            s.reauth = next().is_multiple_of(2);
            let sent: usize = refs.iter().map(|l| l.len() + 2).sum();
            if greeting(&mut s) {
                let _ = open(&mut s, &mut opener());
            }
            let mut r = Reader::default();
            let _ = getmap(&mut s, &mut r, b"g", (1, 3), 3, 3);
            let mut kept = 0;
            let _ = lines_of(&mut s, &mut kept);
            let _ = over(&mut s, &mut r, b"1-3");
            if let Some((t, h)) = head(&mut s, b"1").text {
                assert!(t.len() <= sent + 2 * n && h <= t.len());
            }
            let _ = post(&mut s, &mut Vec::new, &mut || true);
            quit(&mut s);
            assert!(kept <= sent);
            assert!(!s.open);
        }
    }

    fn lines_of(s: &mut Script, kept: &mut usize) -> bool {
        lines(s, 10, &mut |_, l| *kept += l.len())
    }

    #[test]
    fn reading_commands() {
        // LISTGROUP refused on a server that has it: no map.
        let mut s = script(&["502 no"]);
        s.ext.listgroup = true;
        let mut r = Reader::default();
        assert!(!getmap(&mut s, &mut r, b"a", (1, 9), 9, 9));
        // Old server: XHDR Date, once found missing never again.
        let mut s = script(&["500 no", "500 no", "500 no"]);
        assert!(!getmap(&mut s, &mut r, b"a", (1, 9), 9, 9));
        assert!(!r.xhdr);
        assert_eq!(s.sent(), "LISTGROUP a\r\nXHDR Date 1-9\r\n");
        // Sparse group: HDR first.
        let mut s = script(&["225 ok"]);
        s.ext.hdr = true;
        assert!(!getmap(&mut s, &mut r, b"a", (1, 900), 900, 3));
        assert_eq!(s.sent(), "HDR Date 1-900\r\n");
        let mut s = script(&["221 ok"]);
        s.ext.hdr = true;
        assert!(getmap(&mut s, &mut r, b"a", (1, 900), 900, 3));
        // OVER checked once; a server answering garbage loses OVER.
        let mut s = script(&["224 ok", "garbage", ".", "224 ok"]);
        s.ext.over = true;
        let mut r = Reader::default();
        assert!(over(&mut s, &mut r, b"1-2"));
        assert_eq!(s.sent(), "OVER 0\r\nXOVER 1-2\r\n");
        assert_eq!(s.logged(), ["Warn: Working around Netscape Collabra bug"]);
        let mut s = script(&["224 ok", ".", "224 ok", "224 ok"]);
        s.ext.over = true;
        let mut r = Reader::default();
        assert!(over(&mut s, &mut r, b"1-2"));
        assert!(over(&mut s, &mut r, b"3"));
        assert_eq!(s.sent(), "OVER 0\r\nOVER 1-2\r\nOVER 3\r\n");
        // XOVER unknown: not tried again.
        let mut s = script(&["500 no"]);
        let mut r = Reader::default();
        assert!(!over(&mut s, &mut r, b"1"));
        assert!(!over(&mut s, &mut r, b"1"));
        assert_eq!(s.sent(), "XOVER 1\r\n");
        // LIST ACTIVE, else LIST.
        let mut s = script(&["500 no", "215 ok"]);
        assert!(list_active(&mut s, b"comp.*"));
        assert_eq!(s.sent(), "LIST ACTIVE comp.*\r\nLIST\r\n");
        // Texts.
        let mut s = script(&["423 no such article", "221 h", "A: b", "."]);
        assert_eq!(head(&mut s, b"7").text, None);
        let f = head(&mut s, b"8");
        assert_eq!(f.text, Some((b"A: b\r\n".to_vec(), 6)));
        assert!(!ping(&mut s));
        quit(&mut s);
    }
}
