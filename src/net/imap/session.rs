//! One IMAP connection: sends tagged commands (with literals, synchronising
//! or LITERAL+), reads responses through the bounded reader and hands back
//! the untagged responses in the order they came.

use super::parse::{self, Code, Cond, Limits, RawResponse, Response, Untagged};
use crate::message::model::ParseEnv;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// What a session needs from the connection under it.
pub trait Wire {
    /// One line without its CRLF, at most `max` bytes (longer is an error).
    fn getline(&mut self, max: usize) -> io::Result<Vec<u8>>;
    /// [`Wire::getline`] into `line` (replaced).
    fn getline_into(&mut self, max: usize, line: &mut Vec<u8>) -> io::Result<()> {
        *line = self.getline(max)?;
        Ok(())
    }
    /// Exactly `n` bytes.
    fn getbuffer(&mut self, n: usize) -> io::Result<Vec<u8>>;
    fn send(&mut self, b: &[u8]) -> io::Result<()>;
    /// Starts TLS on the connection (STARTTLS); unsupported by default.
    fn start_tls(&mut self, _opts: &crate::net::tls::TlsOptions) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "TLS not available",
        ))
    }
    /// Starts RFC 4978 deflate both ways; unsupported by default.
    fn start_compress(&mut self) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "compression not available",
        ))
    }
}

fn net_err(e: crate::net::transport::NetError) -> io::Error {
    use crate::net::transport::NetError;
    match e {
        NetError::Timeout => io::Error::new(io::ErrorKind::TimedOut, "timed out"),
        NetError::Closed => io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"),
        NetError::LineTooLong => io::Error::new(io::ErrorKind::InvalidData, "line too long"),
        // Kept whole so that the driver can report it as the original.
        e @ NetError::Tls(_) => io::Error::other(e),
        NetError::Io(e) => e,
        e => io::Error::other(e.to_string()),
    }
}

/// A connection of the transport layer (plain, `/ssl` or after STARTTLS).
pub struct NetWire(pub crate::net::transport::Connection);

impl Wire for NetWire {
    fn getline(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut l = self.0.getline().map_err(net_err)?;
        if l.len() > max {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        if l.last() == Some(&b'\r') {
            l.pop();
        }
        Ok(l)
    }
    fn getline_into(&mut self, max: usize, l: &mut Vec<u8>) -> io::Result<()> {
        self.0.getline_into(l).map_err(net_err)?;
        if l.len() > max {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        if l.last() == Some(&b'\r') {
            l.pop();
        }
        Ok(())
    }
    fn getbuffer(&mut self, n: usize) -> io::Result<Vec<u8>> {
        self.0.getbuffer(n).map_err(net_err)
    }
    fn send(&mut self, b: &[u8]) -> io::Result<()> {
        self.0.write_all(b).map_err(net_err)
    }
    fn start_tls(&mut self, opts: &crate::net::tls::TlsOptions) -> io::Result<()> {
        self.0.start_tls(opts).map_err(net_err)
    }
    fn start_compress(&mut self) -> io::Result<()> {
        self.0.start_compress().map_err(net_err)
    }
}

/// A plain TCP connection with read and write timeouts.
pub struct TcpWire {
    reader: BufReader<TcpStream>,
}

impl TcpWire {
    /// Connects to `host:port`, trying every address in turn.
    pub fn open(host: &str, port: u16, timeout: Option<Duration>) -> io::Result<Self> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
        for a in (host, port).to_socket_addrs()? {
            let s = match timeout {
                Some(t) => TcpStream::connect_timeout(&a, t),
                None => TcpStream::connect(a),
            };
            match s {
                Ok(s) => {
                    s.set_read_timeout(timeout)?;
                    s.set_write_timeout(timeout)?;
                    let _ = s.set_nodelay(true);
                    return Ok(TcpWire {
                        reader: BufReader::with_capacity(64 * 1024, s),
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

impl Wire for TcpWire {
    fn getline(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut line = Vec::new();
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed",
                ));
            }
            match memchr::memchr(b'\n', buf) {
                Some(i) => {
                    line.extend_from_slice(&buf[..i]);
                    self.reader.consume(i + 1);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if line.len() > max {
                        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
                    }
                    return Ok(line);
                }
                None => {
                    let n = buf.len();
                    line.extend_from_slice(buf);
                    self.reader.consume(n);
                    if line.len() > max {
                        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
                    }
                }
            }
        }
    }
    fn getbuffer(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        // Grows as data arrives, so an announced size alone costs nothing.
        let got = (&mut self.reader).take(n as u64).read_to_end(&mut v)?;
        if got < n {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed in a literal",
            ));
        }
        Ok(v)
    }
    fn send(&mut self, b: &[u8]) -> io::Result<()> {
        let s = self.reader.get_mut();
        s.write_all(b)?;
        s.flush()
    }
}

/// An argument of a command.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// Sent as is.
    Atom(&'a [u8]),
    /// An astring as the original writes it: an atom when it can be, else
    /// quoted, else (quote characters, CR, LF, NUL, 8-bit, or a command
    /// line past 1000 bytes) a literal.
    Str(&'a [u8]),
    /// As [`Arg::Str`] where `*` and `%` may stay in an atom (a LIST
    /// pattern).
    Wild(&'a [u8]),
    /// Always a literal.
    Literal(&'a [u8]),
    /// Between double quotes as it is (no escapes), or a literal when the
    /// command line would pass 1000 bytes (the annotation commands).
    QStr(&'a [u8]),
    /// `(q q ...)` of [`Arg::QStr`] strings.
    QList(&'a [Vec<u8>]),
    /// Sent as is, without the space that goes before other arguments
    /// (the rest of a text broken by a literal).
    Raw(&'a [u8]),
    /// A mailbox name (modified UTF-7): as [`Arg::Str`], in UTF-8 once
    /// UTF8=ACCEPT is enabled (see [`Session::utf8`]).
    Mbx(&'a [u8]),
    /// A LIST pattern: as [`Arg::Wild`], converted as [`Arg::Mbx`].
    MbxWild(&'a [u8]),
    /// A message with an 8-bit header for a UTF8=ACCEPT session: RFC
    /// 6855's `UTF8 (~{n}...)`.
    Utf8Literal(&'a [u8]),
}

/// An owned argument, for [`Session::command_more`].
#[derive(Clone, Debug)]
pub enum OwnedArg {
    Atom(Vec<u8>),
    Str(Vec<u8>),
    Literal(Vec<u8>),
    Utf8Literal(Vec<u8>),
}

impl OwnedArg {
    pub fn as_arg(&self) -> Arg<'_> {
        match self {
            OwnedArg::Atom(t) => Arg::Atom(t),
            OwnedArg::Str(t) => Arg::Str(t),
            OwnedArg::Literal(t) => Arg::Literal(t),
            OwnedArg::Utf8Literal(t) => Arg::Utf8Literal(t),
        }
    }
}

/// What a [`Session::command_more`] source gives next.
#[derive(Clone, Debug)]
pub enum More {
    /// Arguments to send now.
    Args(Vec<OwnedArg>),
    /// Nothing more: the command ends.
    End,
    /// Give up: an empty literal is sent and the session fails with this
    /// text (as the original's MULTIAPPEND on a bad date or a callback
    /// that refuses).
    Abort(Vec<u8>),
}

/// How an astring goes on the wire.
pub enum Form {
    Atom,
    Quoted,
    Literal,
}

/// The original's choice: a literal for what a quoted string cannot hold
/// (NUL, CR, LF, `"`, `\`, 8-bit), quoted for the empty string, blanks,
/// controls and atom specials (`*` and `%` too unless `wild`), else an
/// atom.
///
/// `loser` (the mailbox name's `/loser`): never an atom, as the original
/// writes astrings for such servers.
pub fn astring_form(s: &[u8], wild: bool, loser: bool) -> Form {
    let mut quoted = s.is_empty() || loser;
    for &c in s {
        match c {
            0 | b'\n' | b'\r' | b'"' | b'\\' | 0x80..=0xff => return Form::Literal,
            b'*' | b'%' if wild => {}
            b'*' | b'%' | b'(' | b')' | b'{' | 0x7f => quoted = true,
            c if c <= b' ' => quoted = true,
            _ => {}
        }
    }
    if quoted {
        Form::Quoted
    } else {
        Form::Atom
    }
}

/// A message sequence with every descending range `b:a` written `a:b`,
/// for servers that refuse descending ranges (`/loser`); `*` stands for
/// `star` when ranges are compared and stays as written.
pub fn reform_sequence(seq: &[u8], star: u64) -> Vec<u8> {
    let num = |t: &[u8]| -> u64 {
        if t.first() == Some(&b'*') {
            return star;
        }
        t.iter()
            .take_while(|c| c.is_ascii_digit())
            .fold(0u64, |n, &c| {
                n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
            })
    };
    let mut out = Vec::with_capacity(seq.len());
    for (i, part) in seq.split(|&c| c == b',').enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match part.iter().position(|&c| c == b':') {
            Some(k) if num(&part[..k]) > num(&part[k + 1..]) => {
                out.extend_from_slice(&part[k + 1..]);
                out.push(b':');
                out.extend_from_slice(&part[..k]);
            }
            _ => out.extend_from_slice(part),
        }
    }
    out
}

/// The longest command line the quoted forms may make (RFC 2683).
const MAX_COMMAND: usize = 1000;

/// The end of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    pub cond: Cond,
    pub code: Option<Code>,
    pub text: Vec<u8>,
}

impl Done {
    pub fn ok(&self) -> bool {
        self.cond == Cond::Ok
    }
}

/// A failure of the connection itself (the session is dead afterwards).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken(pub Vec<u8>);

/// An untagged response, or a warning about one the parser met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Untagged(Untagged),
    /// A parse problem (the original's WARN notices / protocol errors).
    Warning(Vec<u8>),
}

/// An IMAP session.
pub struct Session {
    wire: Box<dyn Wire>,
    tag: u32,
    pub limits: Limits,
    pub capabilities: Vec<Vec<u8>>,
    /// Capabilities arrived (a CAPABILITY response or code) since the
    /// caller last cleared this.
    pub got_caps: bool,
    /// Set when the connection failed or the server said BYE.
    pub dead: bool,
    /// The line of the last tagged or continuation response read (for
    /// callers that want the server's words as sent).
    pub last_line: Vec<u8>,
    /// Telemetry: while `debug` is set, every command line sent (split at
    /// each literal, whose bytes are not shown) and every response line
    /// read (without literal data) goes to `trace`, with whether it
    /// carries secrets (`sensitive`, or a client's SASL response).
    pub trace: Option<fn(&[u8], bool)>,
    pub debug: bool,
    pub sensitive: bool,
    /// Where the command line being built starts its current telemetry
    /// line (after the last literal).
    seg: usize,
    /// UTF8=ACCEPT is enabled (ours, opt-in): mailbox names go out in
    /// UTF-8 and come back converted to modified UTF-7
    /// (`super::ext`).
    pub utf8: bool,
    /// The buffers of responses already parsed, reused for the next ones:
    /// a FETCH answer's short lines would otherwise leave small freed
    /// blocks between the message texts the cache keeps.
    spare: Spare,
}

/// The longest line buffer kept for reuse. An envelope FETCH line (an
/// ENVELOPE and a BODYSTRUCTURE) is often 1-4 KB: a buffer let go after
/// each such line leaves a block of that size free between the envelopes
/// the cache keeps, which the next small blocks only fill in part.
const SPARE_LINE_MAX: usize = 8 * 1024;

/// See [`Session::spare`].
#[derive(Default)]
struct Spare {
    /// Line buffers, emptied.
    lines: Vec<Vec<u8>>,
    /// A response's containers, emptied.
    raw: RawResponse,
}

impl Session {
    pub fn new(wire: Box<dyn Wire>) -> Self {
        Session {
            wire,
            tag: 0,
            limits: Limits::default(),
            last_line: Vec::new(),
            capabilities: Vec::new(),
            got_caps: false,
            dead: false,
            trace: None,
            debug: false,
            sensitive: false,
            seg: 0,
            utf8: false,
            spare: Spare::default(),
        }
    }

    /// One telemetry line (see [`Session::trace`]).
    pub fn tr(&self, line: &[u8], sensitive: bool) {
        if self.debug {
            if let Some(f) = self.trace {
                f(line, sensitive);
            }
        }
    }

    pub fn has(&self, cap: &[u8]) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(cap))
    }

    /// Reads one response (a line with its literals).
    pub fn read_raw(&mut self) -> Result<RawResponse, Broken> {
        let mut raw = std::mem::take(&mut self.spare.raw);
        let mut total = 0usize;
        loop {
            let mut line = self.spare.lines.pop().unwrap_or_default();
            if let Err(e) = self.wire.getline_into(self.limits.line, &mut line) {
                return Err(self.broke(e));
            }
            total += line.len();
            self.tr(&line, false);
            let lit = RawResponse::literal_size(&line);
            raw.lines.push(line);
            match lit {
                // A malformed size is left for the parser to reject.
                None | Some(Err(())) => return Ok(raw),
                Some(Ok(n)) => {
                    if n > self.limits.literal || total + n > self.limits.response {
                        self.dead = true;
                        return Err(Broken(
                            format!("IMAP server sent an oversized literal ({n} bytes)")
                                .into_bytes(),
                        ));
                    }
                    let data = self.wire.getbuffer(n).map_err(|e| self.broke(e))?;
                    total += n;
                    raw.literals.push(data);
                }
            }
        }
    }

    /// Keeps a parsed response's buffers for the next one (a few lines of
    /// up to [`SPARE_LINE_MAX`]; a longer one is let go).
    fn recycle(&mut self, mut raw: RawResponse) {
        raw.literals.clear();
        for mut l in raw.lines.drain(..) {
            if self.spare.lines.len() < 8 && l.capacity() <= SPARE_LINE_MAX {
                l.clear();
                self.spare.lines.push(l);
            }
        }
        self.spare.raw = raw;
    }

    fn broke(&mut self, e: io::Error) -> Broken {
        self.dead = true;
        let t = match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                "IMAP connection timed out".to_string()
            }
            io::ErrorKind::UnexpectedEof => "IMAP connection broken (server response)".to_string(),
            _ => format!("IMAP connection broken ({e})"),
        };
        Broken(t.into_bytes())
    }

    /// Reads and parses one response.
    pub fn read(
        &mut self,
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Response, Broken> {
        loop {
            let mut raw = self.read_raw()?;
            let (r, warnings) = parse::parse_owned(&mut raw, self.limits, env);
            items.extend(warnings.into_iter().map(Item::Warning));
            match r {
                Ok(mut r) => {
                    if self.utf8 {
                        super::ext::response_from_wire(&mut r);
                    }
                    if matches!(r, Response::Tagged(..) | Response::Continue(_)) {
                        self.last_line = raw.lines.first().cloned().unwrap_or_default();
                    }
                    self.recycle(raw);
                    // A tagged answer's capabilities count whatever reads
                    // it (LOGIN, AUTHENTICATE, ...).
                    if let Response::Tagged(_, _, Some(Code::Capability(c)), _) = &r {
                        self.capabilities = c.clone();
                        self.got_caps = true;
                    }
                    return Ok(r);
                }
                Err(e) => {
                    let mut m = b"IMAP protocol error: ".to_vec();
                    m.extend_from_slice(&e.0);
                    items.push(Item::Warning(m));
                    // A tagged line we could not parse still ends the
                    // command it answers.
                    if let Some(l) = raw.lines.first() {
                        if l.first() == Some(&b'A') {
                            let tag_end = l.iter().position(|&c| c == b' ').unwrap_or(l.len());
                            return Ok(Response::Tagged(
                                l[..tag_end].to_vec(),
                                Cond::Bad,
                                None,
                                b"unparseable response".to_vec(),
                            ));
                        }
                    }
                }
            }
        }
    }

    /// Reads the greeting.
    pub fn greeting(
        &mut self,
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Done, Broken> {
        match self.read(env, items)? {
            Response::Untagged(Untagged::Cond(cond, code, text)) => {
                if let Some(Code::Capability(c)) = &code {
                    self.capabilities = c.clone();
                    self.got_caps = true;
                }
                if cond == Cond::Bye {
                    self.dead = true;
                }
                Ok(Done { cond, code, text })
            }
            _ => {
                self.dead = true;
                Err(Broken(b"IMAP server sent a bad greeting".to_vec()))
            }
        }
    }

    /// Sends a command and reads until its tagged answer; untagged
    /// responses go to `items` in order.
    pub fn command(
        &mut self,
        name: &str,
        args: &[Arg],
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Done, Broken> {
        self.command_more(name, args, &mut |_| More::End, env, items)
    }

    /// As [`Session::command`], then the groups of arguments `more` gives
    /// while the command is being sent (MULTIAPPEND's messages, asked for
    /// one at a time as the original does).
    pub fn command_more(
        &mut self,
        name: &str,
        args: &[Arg],
        more: &mut dyn FnMut(&mut Vec<Item>) -> More,
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Done, Broken> {
        if self.dead {
            return Err(Broken(b"IMAP connection lost".to_vec()));
        }
        self.tag += 1;
        let tag = format!("A{:04}", self.tag).into_bytes();
        let mut buf = tag.clone();
        buf.push(b' ');
        buf.extend_from_slice(name.as_bytes());
        self.seg = 0;
        let plus = self.has(b"LITERAL+");
        for a in args {
            if let Some(d) = self.put_arg(&mut buf, *a, plus, &tag, env, items)? {
                return Ok(d);
            }
        }
        loop {
            match more(items) {
                More::End => break,
                More::Args(group) => {
                    for a in &group {
                        let a = a.as_arg();
                        if let Some(d) = self.put_arg(&mut buf, a, plus, &tag, env, items)? {
                            return Ok(d);
                        }
                    }
                }
                More::Abort(why) => {
                    // An empty literal ends what was sent; the connection
                    // cannot carry on after that.
                    if let Some(d) = self.literal(&mut buf, b"", plus, &tag, env, items)? {
                        return Ok(d);
                    }
                    self.tr(&buf[self.seg.min(buf.len())..], self.sensitive);
                    let _ = self.wire.send(&buf);
                    self.dead = true;
                    return Err(Broken(why));
                }
            }
        }
        self.tr(&buf[self.seg.min(buf.len())..], self.sensitive);
        buf.extend_from_slice(b"\r\n");
        self.wire.send(&buf).map_err(|e| self.broke(e))?;
        self.finish(&tag, env, items)
    }

    /// Appends one argument (a space first) to the command being built;
    /// `Some` when the server answered the command early.
    fn put_arg(
        &mut self,
        buf: &mut Vec<u8>,
        a: Arg,
        plus: bool,
        tag: &[u8],
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Option<Done>, Broken> {
        if let Arg::Raw(s) = a {
            buf.extend_from_slice(s);
            return Ok(None);
        }
        let conv;
        let a = match a {
            Arg::Mbx(s) | Arg::MbxWild(s) => {
                let wild = matches!(a, Arg::MbxWild(_));
                let s = if self.utf8 {
                    conv = super::ext::name_to_wire(s);
                    conv.as_deref().unwrap_or(s)
                } else {
                    s
                };
                // UTF-8 may be quoted once enabled (RFC 6855).
                let quotable = self.utf8
                    && s.iter().any(|&c| c >= 0x80)
                    && !s
                        .iter()
                        .any(|&c| c < b' ' || c == 0x7f || c == b'"' || c == b'\\');
                if quotable && buf.len().saturating_add(s.len()) < MAX_COMMAND {
                    buf.extend_from_slice(b" \"");
                    buf.extend_from_slice(s);
                    buf.push(b'"');
                    return Ok(None);
                }
                if wild {
                    Arg::Wild(s)
                } else {
                    Arg::Str(s)
                }
            }
            a => a,
        };
        buf.push(b' ');
        let lit = match a {
            Arg::Raw(_) | Arg::Mbx(_) | Arg::MbxWild(_) => return Ok(None),
            Arg::Utf8Literal(s) => {
                // Non-synchronising only where LITERAL+ covers literal8
                // (with BINARY, RFC 7888).
                buf.extend_from_slice(b"UTF8 (~");
                let plus8 = plus && self.has(b"BINARY");
                if let Some(d) = self.literal(buf, s, plus8, tag, env, items)? {
                    return Ok(Some(d));
                }
                buf.push(b')');
                return Ok(None);
            }
            Arg::Atom(s) => {
                buf.extend_from_slice(s);
                return Ok(None);
            }
            Arg::Str(s) | Arg::Wild(s) if buf.len().saturating_add(s.len()) <= MAX_COMMAND => {
                match astring_form(s, matches!(a, Arg::Wild(_)), self.limits.loser) {
                    Form::Atom => {
                        buf.extend_from_slice(s);
                        return Ok(None);
                    }
                    Form::Quoted => {
                        buf.push(b'"');
                        buf.extend_from_slice(s);
                        buf.push(b'"');
                        return Ok(None);
                    }
                    Form::Literal => s,
                }
            }
            Arg::QStr(s) => return self.qstring(buf, s, plus, tag, env, items),
            Arg::QList(l) => {
                let mut open = b'(';
                let empty = [Vec::new()];
                for s in if l.is_empty() { &empty[..] } else { l } {
                    buf.push(open);
                    open = b' ';
                    if let Some(d) = self.qstring(buf, s, plus, tag, env, items)? {
                        return Ok(Some(d));
                    }
                }
                buf.push(b')');
                return Ok(None);
            }
            Arg::Str(s) | Arg::Wild(s) | Arg::Literal(s) => s,
        };
        self.literal(buf, lit, plus, tag, env, items)
    }

    /// `"s"` as it is, or a literal when the line would grow past
    /// [`MAX_COMMAND`]; `Some` when the server answered the command early.
    fn qstring(
        &mut self,
        buf: &mut Vec<u8>,
        s: &[u8],
        plus: bool,
        tag: &[u8],
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Option<Done>, Broken> {
        if buf.len().saturating_add(s.len()) > MAX_COMMAND {
            return self.literal(buf, s, plus, tag, env, items);
        }
        buf.push(b'"');
        buf.extend_from_slice(s);
        buf.push(b'"');
        Ok(None)
    }

    /// Appends `{n}` and the bytes of `lit` to the command, first sending
    /// what is built and waiting for the go-ahead unless LITERAL+; `Some`
    /// when the server answered the command instead.
    fn literal(
        &mut self,
        buf: &mut Vec<u8>,
        lit: &[u8],
        plus: bool,
        tag: &[u8],
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Option<Done>, Broken> {
        buf.extend_from_slice(
            format!("{{{}{}}}", lit.len(), if plus { "+" } else { "" }).as_bytes(),
        );
        self.tr(&buf[self.seg.min(buf.len())..], self.sensitive);
        buf.extend_from_slice(b"\r\n");
        if !plus {
            self.wire.send(buf).map_err(|e| self.broke(e))?;
            buf.clear();
            // Wait for the go-ahead.
            loop {
                match self.read(env, items)? {
                    Response::Continue(_) => break,
                    Response::Tagged(t, cond, code, text) if t == tag => {
                        return Ok(Some(Done { cond, code, text }));
                    }
                    Response::Tagged(..) => {}
                    Response::Untagged(u) => {
                        if self.note(&u) {
                            items.push(Item::Untagged(u));
                            return Err(Broken(b"IMAP server said BYE".to_vec()));
                        }
                        items.push(Item::Untagged(u));
                    }
                }
            }
        }
        buf.extend_from_slice(lit);
        self.seg = buf.len();
        Ok(None)
    }

    /// Remembers capabilities; true for BYE.
    fn note(&mut self, u: &Untagged) -> bool {
        match u {
            Untagged::Capability(c) | Untagged::Cond(_, Some(Code::Capability(c)), _) => {
                self.capabilities = c.clone();
                self.got_caps = true;
            }
            Untagged::Cond(Cond::Bye, ..) => {
                self.dead = true;
                return true;
            }
            _ => {}
        }
        false
    }

    fn finish(
        &mut self,
        tag: &[u8],
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Done, Broken> {
        loop {
            match self.read(env, items)? {
                Response::Tagged(t, cond, code, text) if t == tag => {
                    if let Some(Code::Capability(c)) = &code {
                        self.capabilities = c.clone();
                        self.got_caps = true;
                    }
                    return Ok(Done { cond, code, text });
                }
                Response::Tagged(..) | Response::Continue(_) => {}
                Response::Untagged(u) => {
                    let bye = self.note(&u);
                    items.push(Item::Untagged(u));
                    if bye {
                        // The server may still answer; if it closes, the
                        // read fails and reports the break.
                        self.dead = false;
                        match self.read(env, items) {
                            Ok(Response::Tagged(t, cond, code, text)) if t == tag => {
                                self.dead = true;
                                return Ok(Done { cond, code, text });
                            }
                            _ => {
                                self.dead = true;
                                return Err(Broken(b"IMAP server said BYE".to_vec()));
                            }
                        }
                    }
                }
            }
        }
    }

    /// Starts TLS under the session.
    pub fn start_tls(&mut self, opts: &crate::net::tls::TlsOptions) -> Result<(), Broken> {
        self.start_tls_io(opts)
            .map_err(|e| Broken(e.to_string().into_bytes()))
    }

    /// As [`Session::start_tls`], with the wire's own error (a transport
    /// TLS failure is an `io::Error` wrapping the `NetError`).
    pub fn start_tls_io(&mut self, opts: &crate::net::tls::TlsOptions) -> io::Result<()> {
        self.wire.start_tls(opts).inspect_err(|_| self.dead = true)
    }

    /// Starts deflate both ways under the session (after the tagged OK to
    /// COMPRESS DEFLATE); a failure leaves the session dead.
    pub fn start_compress(&mut self) -> io::Result<()> {
        self.wire.start_compress().inspect_err(|_| self.dead = true)
    }

    /// AUTHENTICATE with `client`; SASL-IR when the server has it.
    /// AUTHENTICATE `mech` cancelled at the first challenge with `*`, as
    /// the original does when the application gives no password; returns
    /// the server's tagged answer.
    pub fn authenticate_cancel(
        &mut self,
        mech: &str,
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Done, Broken> {
        if self.dead {
            return Err(Broken(b"IMAP connection lost".to_vec()));
        }
        self.tag += 1;
        let tag = format!("A{:04}", self.tag).into_bytes();
        let mut line = tag.clone();
        line.extend_from_slice(b" AUTHENTICATE ");
        line.extend_from_slice(mech.as_bytes());
        self.tr(&line, false);
        line.extend_from_slice(b"\r\n");
        self.wire.send(&line).map_err(|e| self.broke(e))?;
        loop {
            match self.read(env, items)? {
                Response::Continue(_) => {
                    self.tr(b"*", false);
                    self.send_line(b"*")?
                }
                Response::Tagged(t, cond, code, text) if t == tag => {
                    return Ok(Done { cond, code, text });
                }
                Response::Tagged(..) => {}
                Response::Untagged(u) => {
                    let bye = self.note(&u);
                    items.push(Item::Untagged(u));
                    if bye {
                        return Err(Broken(b"IMAP server said BYE".to_vec()));
                    }
                }
            }
        }
    }

    pub fn authenticate(
        &mut self,
        client: &mut crate::net::sasl::SaslClient,
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Done, Broken> {
        use crate::net::sasl::{decode64, encode64};
        if self.dead {
            return Err(Broken(b"IMAP connection lost".to_vec()));
        }
        self.tag += 1;
        let tag = format!("A{:04}", self.tag).into_bytes();
        let mut line = tag.clone();
        line.extend_from_slice(b" AUTHENTICATE ");
        line.extend_from_slice(client.mechanism().name().as_bytes());
        // The command, then the initial response as its own telemetry
        // line (as a response would be).
        self.tr(&line, false);
        if self.has(b"SASL-IR") {
            if let Some(ir) = client.initial_response() {
                line.push(b' ');
                if ir.is_empty() {
                    line.push(b'=');
                    self.tr(b"=", false);
                } else {
                    let e = encode64(&ir);
                    self.tr(e.as_bytes(), self.sensitive);
                    line.extend_from_slice(e.as_bytes());
                }
            }
        }
        line.extend_from_slice(b"\r\n");
        self.wire.send(&line).map_err(|e| self.broke(e))?;
        loop {
            match self.read(env, items)? {
                Response::Continue(text) => {
                    let reply = match decode64(&text).map(|c| client.step(&c)) {
                        Some(Ok(r)) => encode64(&r).into_bytes(),
                        // Cancel the exchange.
                        _ => b"*".to_vec(),
                    };
                    // An empty or cancelling response is shown as it is.
                    let hide = self.sensitive && !reply.is_empty() && reply != b"*";
                    self.tr(&reply, hide);
                    self.send_line(&reply)?;
                }
                Response::Tagged(t, cond, code, text) if t == tag => {
                    return Ok(Done { cond, code, text });
                }
                Response::Tagged(..) => {}
                Response::Untagged(u) => {
                    let bye = self.note(&u);
                    items.push(Item::Untagged(u));
                    if bye {
                        return Err(Broken(b"IMAP server said BYE".to_vec()));
                    }
                }
            }
        }
    }

    /// How many commands were started (the number of the last tag): a
    /// caller that keeps data from one command can tell whether any other
    /// command ran since.
    pub fn tag_count(&self) -> u32 {
        self.tag
    }

    /// A new command tag, as [`Session::command`] makes them.
    pub fn next_tag(&mut self) -> Vec<u8> {
        self.tag += 1;
        format!("A{:04}", self.tag).into_bytes()
    }

    /// Sends bytes as they are.
    pub fn send_raw(&mut self, b: &[u8]) -> Result<(), Broken> {
        if self.dead {
            return Err(Broken(b"IMAP connection lost".to_vec()));
        }
        self.wire.send(b).map_err(|e| self.broke(e))
    }

    /// Reads responses until a continuation, a tagged one (for `tag`, or
    /// any with None) or, with `untagged_too`, the first untagged one;
    /// untagged responses go to `items`. The line of the answer is in
    /// `last_line` afterwards.
    pub fn read_until(
        &mut self,
        tag: Option<&[u8]>,
        untagged_too: bool,
        env: &mut dyn ParseEnv,
        items: &mut Vec<Item>,
    ) -> Result<Response, Broken> {
        if self.dead {
            return Err(Broken(b"IMAP connection lost".to_vec()));
        }
        loop {
            let r = self.read(env, items)?;
            match r {
                Response::Continue(_) => return Ok(r),
                Response::Tagged(ref t, ..) => {
                    if tag.is_none_or(|x| x.eq_ignore_ascii_case(t)) {
                        return Ok(r);
                    }
                    let mut m = b"Unexpected tagged response: ".to_vec();
                    m.extend_from_slice(&self.last_line[..self.last_line.len().min(160)]);
                    items.push(Item::Warning(m));
                }
                Response::Untagged(u) => {
                    let bye = self.note(&u);
                    if untagged_too {
                        return Ok(Response::Untagged(u));
                    }
                    items.push(Item::Untagged(u));
                    if bye {
                        return Err(Broken(b"IMAP server said BYE".to_vec()));
                    }
                }
            }
        }
    }

    /// Sends a continuation line (SASL) and reads the next response.
    pub fn send_line(&mut self, line: &[u8]) -> Result<(), Broken> {
        let mut b = line.to_vec();
        b.extend_from_slice(b"\r\n");
        self.wire.send(&b).map_err(|e| self.broke(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::model::Collect;
    use std::collections::VecDeque;

    /// A scripted server.
    struct Script {
        input: VecDeque<u8>,
        sent: Vec<u8>,
    }
    impl Wire for Script {
        fn getline(&mut self, max: usize) -> io::Result<Vec<u8>> {
            let mut l = Vec::new();
            loop {
                match self.input.pop_front() {
                    None => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof")),
                    Some(b'\n') => {
                        if l.last() == Some(&b'\r') {
                            l.pop();
                        }
                        return Ok(l);
                    }
                    Some(c) => {
                        l.push(c);
                        if l.len() > max {
                            return Err(io::Error::new(io::ErrorKind::InvalidData, "long"));
                        }
                    }
                }
            }
        }
        fn getbuffer(&mut self, n: usize) -> io::Result<Vec<u8>> {
            if self.input.len() < n {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
            }
            Ok(self.input.drain(..n).collect())
        }
        fn send(&mut self, b: &[u8]) -> io::Result<()> {
            self.sent.extend_from_slice(b);
            Ok(())
        }
    }

    fn session(input: &[u8]) -> Session {
        Session::new(Box::new(Script {
            input: input.iter().copied().collect(),
            sent: Vec::new(),
        }))
    }

    #[test]
    fn reform_sequence_swaps_descending_ranges() {
        assert_eq!(reform_sequence(b"1,5:3,7:*,*:2,9", 8), b"1,3:5,7:*,2:*,9");
        assert_eq!(reform_sequence(b"9:*", 8), b"*:9");
        assert_eq!(reform_sequence(b"", 8), b"");
    }

    #[test]
    fn loser_quotes_every_astring() {
        assert!(matches!(astring_form(b"INBOX", false, false), Form::Atom));
        assert!(matches!(astring_form(b"INBOX", false, true), Form::Quoted));
        assert!(matches!(astring_form(b"a\"b", false, true), Form::Literal));
    }

    #[test]
    fn command_round_trip() {
        let mut s = session(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] hi\r\n* 3 EXISTS\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\nA0001 OK done\r\n");
        let mut env = Collect::default();
        let mut items = Vec::new();
        let g = s.greeting(&mut env, &mut items).unwrap();
        assert!(g.ok());
        assert!(s.has(b"literal+"));
        let d = s
            .command("SELECT", &[Arg::Str(b"IN\"BOX")], &mut env, &mut items)
            .unwrap();
        assert!(d.ok());
        assert_eq!(items.len(), 2);
    }

    static TRACE: std::sync::Mutex<Vec<(Vec<u8>, bool)>> = std::sync::Mutex::new(Vec::new());
    fn keep(line: &[u8], sensitive: bool) {
        TRACE.lock().unwrap().push((line.to_vec(), sensitive));
    }

    #[test]
    fn telemetry_lines_and_raw_after_literal() {
        // No LITERAL+: the literal waits for the go-ahead; the telemetry
        // shows the command up to the literal, the server's lines, and
        // the rest of the command (here nothing) after the literal.
        let mut s = session(
            b"* OK hi\r\n+ go ahead\r\n* SEARCH 2\r\nA0001 OK done\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\nA0002 OK done\r\n",
        );
        s.trace = Some(keep);
        s.debug = true;
        let mut env = Collect::default();
        let mut items = Vec::new();
        s.greeting(&mut env, &mut items).unwrap();
        let args = [
            Arg::Atom(b"CHARSET UTF-8 SUBJECT"),
            Arg::Literal("h\u{e9}".as_bytes()),
            Arg::Raw(b""),
        ];
        assert!(s
            .command("SEARCH", &args, &mut env, &mut items)
            .unwrap()
            .ok());
        s.sensitive = true;
        assert!(s
            .command("FETCH", &[Arg::Atom(b"1 BODY[]")], &mut env, &mut items)
            .unwrap()
            .ok());
        let t = TRACE.lock().unwrap().clone();
        let lines: Vec<(&[u8], bool)> = t.iter().map(|(l, x)| (&l[..], *x)).collect();
        assert_eq!(
            lines,
            vec![
                (&b"* OK hi"[..], false),
                (b"A0001 SEARCH CHARSET UTF-8 SUBJECT {3}", false),
                (b"+ go ahead", false),
                (b"", false),
                (b"* SEARCH 2", false),
                (b"A0001 OK done", false),
                (b"A0002 FETCH 1 BODY[]", true),
                (b"* 1 FETCH (BODY[] {3}", false),
                (b")", false),
                (b"A0002 OK done", false),
            ]
        );
    }

    /// A scripted server whose sent bytes the test can read.
    struct Shared(Script, std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Wire for Shared {
        fn getline(&mut self, max: usize) -> io::Result<Vec<u8>> {
            self.0.getline(max)
        }
        fn getbuffer(&mut self, n: usize) -> io::Result<Vec<u8>> {
            self.0.getbuffer(n)
        }
        fn send(&mut self, b: &[u8]) -> io::Result<()> {
            self.1.borrow_mut().extend_from_slice(b);
            Ok(())
        }
    }

    #[test]
    fn utf8_accept_names_and_append() {
        let input = "* PREAUTH hi\r\n\
            * ID (\"name\" \"Srv\" \"x\" NIL)\r\nA0001 OK id\r\n\
            * ENABLED UTF8=ACCEPT\r\nA0002 OK on\r\n\
            * LIST () \"/\" \"Caf\u{e9}\"\r\n* LIST () \"/\" A&B\r\n\
            * STATUS \"Caf\u{e9}\" (MESSAGES 2)\r\nA0003 OK list\r\n\
            + go\r\nA0004 OK appended\r\nA0005 OK plain\r\n";
        let sent = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let script = Script {
            input: input.bytes().collect(),
            sent: Vec::new(),
        };
        let mut s = Session::new(Box::new(Shared(script, sent.clone())));
        let mut env = Collect::default();
        let mut items = Vec::new();
        s.greeting(&mut env, &mut items).unwrap();
        s.command("ID", &[Arg::Atom(b"NIL")], &mut env, &mut items)
            .unwrap();
        assert!(items.iter().any(|i| matches!(
            i,
            Item::Untagged(Untagged::Id(Some(p))) if p.len() == 2 && p[1].1.is_none()
        )));
        s.command("ENABLE", &[Arg::Atom(b"UTF8=ACCEPT")], &mut env, &mut items)
            .unwrap();
        assert!(items.iter().any(|i| matches!(
            i,
            Item::Untagged(Untagged::Enabled(c)) if c == &[b"UTF8=ACCEPT".to_vec()]
        )));
        s.utf8 = true;
        items.clear();
        s.command(
            "LIST",
            &[Arg::Mbx(b""), Arg::MbxWild(b"Caf&AOk-*")],
            &mut env,
            &mut items,
        )
        .unwrap();
        let names: Vec<Vec<u8>> = items
            .iter()
            .filter_map(|i| match i {
                Item::Untagged(Untagged::List { name, .. }) => Some(name.clone()),
                Item::Untagged(Untagged::Status(name, _)) => Some(name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            names,
            vec![b"Caf&AOk-".to_vec(), b"A&-B".to_vec(), b"Caf&AOk-".to_vec()]
        );
        let msg = "Subject: caf\u{e9}\r\n\r\nx".as_bytes();
        s.command(
            "APPEND",
            &[Arg::Mbx(b"A&-B"), Arg::Utf8Literal(msg)],
            &mut env,
            &mut items,
        )
        .unwrap();
        s.utf8 = false;
        s.command("SELECT", &[Arg::Mbx(b"Caf&AOk-")], &mut env, &mut items)
            .unwrap();
        let out = sent.borrow().clone();
        let want = [
            "A0003 LIST \"\" \"Caf\u{e9}*\"\r\n".as_bytes(),
            b"A0004 APPEND A&B UTF8 (~{19}\r\nSubject: ",
            "caf\u{e9}\r\n\r\nx)\r\nA0005 SELECT Caf&AOk-\r\n".as_bytes(),
        ];
        for w in want {
            assert!(
                memchr::memmem::find(&out, w).is_some(),
                "{:?} not in {:?}",
                String::from_utf8_lossy(w),
                String::from_utf8_lossy(&out)
            );
        }
    }

    #[test]
    fn hostile_literal_and_eof() {
        let mut env = Collect::default();
        let mut items = Vec::new();
        let mut s = session(b"* OK hi\r\n* 1 FETCH (BODY[] {999999999999}\r\n");
        s.greeting(&mut env, &mut items).unwrap();
        assert!(s.command("NOOP", &[], &mut env, &mut items).is_err());
        assert!(s.dead);
        let mut s = session(b"* OK hi\r\n* 1 FETCH (BODY[] {10}\r\nabc");
        s.greeting(&mut env, &mut items).unwrap();
        assert!(s.command("NOOP", &[], &mut env, &mut items).is_err());
        let mut s =
            session(b"* OK hi\r\n* garbage (((\r\n* 1 FETCH (BODYSTRUCTURE ((((\r\nA0001 OK x\r\n");
        s.greeting(&mut env, &mut items).unwrap();
        assert!(s.command("NOOP", &[], &mut env, &mut items).unwrap().ok());
    }
}
