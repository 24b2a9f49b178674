//! The POP3 protocol (RFC 1939, 2449, 2595, 5034) as the client side of
//! c-client speaks it: status replies, CAPA lists, dot-terminated
//! multi-line data, LIST/STAT numbers, and in [`session`] the dialogues
//! themselves over the connection the driver layer provides (the
//! library's NETSTREAM, plain or TLS).

pub mod session;

/// A line-oriented connection to the server.
pub trait Link {
    /// One line without its CRLF; None when the connection is gone.
    fn getline(&mut self) -> Option<Vec<u8>>;
    /// Sends `data`; false when the connection is gone.
    fn send(&mut self, data: &[u8]) -> bool;
}

/// One status reply: `+OK text`, `-ERR text` or a SASL `+ challenge`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The whole line.
    pub line: Vec<u8>,
    /// Where the text starts (after the first space, or 0 without one).
    pub text_at: usize,
}

impl Reply {
    /// Reads the status word of `line`: anything starting with `+` is a
    /// success (as the original, which looks at the first byte only).
    pub fn parse(line: Vec<u8>) -> Reply {
        let line = cut_nul(line);
        let text_at = memchr::memchr(b' ', &line).map_or(0, |p| p + 1);
        Reply { line, text_at }
    }
    pub fn ok(&self) -> bool {
        self.line.first() == Some(&b'+')
    }
    /// The text after the status word.
    pub fn text(&self) -> &[u8] {
        &self.line[self.text_at..]
    }
    /// A SASL continuation: `+ ` followed by a challenge.
    pub fn is_challenge(&self) -> bool {
        self.line.len() >= 2 && self.line[0] == b'+' && self.line[1] == b' '
    }
}

/// A C string ends at its first NUL: what the original sees of a line.
fn cut_nul(mut v: Vec<u8>) -> Vec<u8> {
    if let Some(p) = memchr::memchr(0, &v) {
        v.truncate(p);
    }
    v
}

/// What a CAPA list told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// The server answered CAPA.
    pub capa: bool,
    pub stls: bool,
    pub pipelining: bool,
    pub respcodes: bool,
    pub top: bool,
    pub uidl: bool,
    pub user: bool,
    pub implementation: Option<Vec<u8>>,
    /// EXPIRE days (65535 for NEVER, negative for per-user).
    pub expire: Option<i64>,
    /// LOGIN-DELAY seconds (negative for per-user).
    pub delaysecs: Option<i64>,
    /// SASL mechanisms offered, as written.
    pub sasl: Vec<Vec<u8>>,
}

/// C `atoi`: optional sign, digits, stops at the first other byte.
pub fn atoi(s: &[u8]) -> i64 {
    let s = trim_start(s);
    let (neg, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for &c in s.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.wrapping_mul(10).wrapping_add((c - b'0') as i64);
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .count();
    &s[n..]
}

/// C `strtoul` in base 10 on 64-bit longs: the value (saturating) and
/// the rest of the text after the number (all of it when no digits).
pub fn strtoul(s: &[u8]) -> (u64, &[u8]) {
    let t = trim_start(s);
    let (neg, t) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n = t.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return (0, s);
    }
    let mut v: u64 = 0;
    let mut over = false;
    for &c in &t[..n] {
        match v
            .checked_mul(10)
            .and_then(|x| x.checked_add((c - b'0') as u64))
        {
            Some(x) => v = x,
            None => over = true,
        }
    }
    if over {
        v = u64::MAX;
    } else if neg {
        v = v.wrapping_neg();
    }
    (v, &t[n..])
}

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// A time with an optional trailing `USER`: negative when per-user.
fn per_user_number(args: &[u8]) -> i64 {
    let (num, rest) = match memchr::memchr(b' ', args) {
        Some(p) => (&args[..p], Some(&args[p + 1..])),
        None => (args, None),
    };
    let per_user = rest.is_some_and(|r| {
        let r = if r.len() > 4 && r[4] == b' ' {
            &r[..4]
        } else {
            r
        };
        eq(r, "USER")
    });
    if eq(num, "NEVER") {
        return 65535;
    }
    if per_user {
        // atoi wraps like C's: its i64::MIN has no negative.
        atoi(num).wrapping_neg()
    } else {
        atoi(num)
    }
}

impl Capabilities {
    /// Takes one line of a CAPA answer.
    pub fn add_line(&mut self, line: &[u8]) {
        let line = match memchr::memchr(0, line) {
            Some(p) => &line[..p],
            None => line,
        };
        let (name, args) = match memchr::memchr(b' ', line) {
            Some(p) => (&line[..p], Some(&line[p + 1..])),
            None => (line, None),
        };
        if eq(name, "STLS") {
            self.stls = true;
        } else if eq(name, "PIPELINING") {
            self.pipelining = true;
        } else if eq(name, "RESP-CODES") {
            self.respcodes = true;
        } else if eq(name, "TOP") {
            self.top = true;
        } else if eq(name, "UIDL") {
            self.uidl = true;
        } else if eq(name, "USER") {
            self.user = true;
        } else if let Some(args) = args {
            if eq(name, "IMPLEMENTATION") {
                self.implementation = Some(args.to_vec());
            } else if eq(name, "EXPIRE") {
                let v = per_user_number(args);
                self.expire = Some(v);
            } else if eq(name, "LOGIN-DELAY") {
                let v = if eq(args.split(|&c| c == b' ').next().unwrap_or(b""), "NEVER") {
                    0
                } else {
                    per_user_number(args)
                };
                self.delaysecs = Some(v);
            } else if eq(name, "SASL") {
                self.sasl.extend(
                    args.split(|&c| c == b' ')
                        .filter(|w| !w.is_empty())
                        .map(|w| w.to_vec()),
                );
            }
        }
    }
}

/// The end of a multi-line answer: a line that is exactly ".".
pub fn is_end(line: &[u8]) -> bool {
    line == b"."
}

/// How a multi-line answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinesEnd {
    /// Its final "." came.
    Done,
    /// The connection went away first.
    Lost,
    /// More than the allowed number of lines (a server that never ends).
    TooMany,
}

/// Reads the lines of a multi-line answer up to its final "." (consumed),
/// handing each to `f`; at most `max_lines` lines.
pub fn read_lines(link: &mut dyn Link, max_lines: usize, f: &mut dyn FnMut(&[u8])) -> LinesEnd {
    let mut n = 0;
    loop {
        match link.getline() {
            None => return LinesEnd::Lost,
            Some(l) if is_end(&l) => return LinesEnd::Done,
            Some(_) if n >= max_lines => return LinesEnd::TooMany,
            Some(l) => {
                n += 1;
                f(&l)
            }
        }
    }
}

/// A message (or header) read from a multi-line answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slurped {
    /// The text, lines ended by CRLF, leading dots removed.
    pub data: Vec<u8>,
    /// Bytes up to and including the first empty line (all when none).
    pub header_size: usize,
    /// The final "." was seen (false: the connection went away).
    pub complete: bool,
    /// Stopped because the text passed `limit` (the connection is then
    /// useless: the rest of the answer is still on the way).
    pub too_big: bool,
}

/// Reads dot-terminated text as the original's `netmsg_slurp`: a line
/// starting with a dot loses that dot, every line ends in CRLF, a line is
/// cut at a NUL. At most `limit` bytes are kept.
pub fn slurp(link: &mut dyn Link, limit: usize) -> Slurped {
    let mut out = Slurped::default();
    let mut header_done = false;
    while let Some(line) = link.getline() {
        let body: &[u8] = match line.first() {
            Some(b'.') if line.len() == 1 => {
                out.complete = true;
                break;
            }
            Some(b'.') => &line[1..],
            _ => &line,
        };
        let body = match memchr::memchr(0, body) {
            Some(p) => &body[..p],
            None => body,
        };
        if out.data.len() + body.len() + 2 > limit {
            out.too_big = true;
            break;
        }
        out.data.extend_from_slice(body);
        out.data.extend_from_slice(b"\r\n");
        if body.is_empty() && !header_done {
            header_done = true;
            out.header_size = out.data.len();
        }
    }
    if !header_done {
        out.header_size = out.data.len();
    }
    out
}

/// One `LIST` line: message number and size (zero when unreadable).
pub fn list_entry(line: &[u8]) -> (u64, u64) {
    let (n, rest) = strtoul(line);
    if n == 0 {
        return (0, 0);
    }
    let (size, _) = strtoul(rest);
    (n, size)
}

/// The message count of a `STAT` reply's text.
pub fn stat_count(text: &[u8]) -> u64 {
    strtoul(text).0
}

/// A command line: `command` or `command args`, with CRLF.
pub fn command_line(command: &[u8], args: Option<&[u8]>) -> Vec<u8> {
    let mut v = command.to_vec();
    if let Some(a) = args {
        v.push(b' ');
        v.extend_from_slice(a);
    }
    v.extend_from_slice(b"\r\n");
    v
}

/// The APOP digest: MD5 of the greeting's `<...>` timestamp and the
/// secret, in lowercase hex; None when the greeting has no timestamp.
pub fn apop_digest(greeting: &[u8], secret: &[u8]) -> Option<String> {
    let start = memchr::memchr(b'<', greeting)?;
    let end = start + memchr::memchr(b'>', &greeting[start..])?;
    let mut t = greeting[start..=end].to_vec();
    t.extend_from_slice(secret);
    Some(crate::net::sasl::hex(&crate::net::sasl::md5(&t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lines(std::collections::VecDeque<Vec<u8>>);
    impl Link for Lines {
        fn getline(&mut self) -> Option<Vec<u8>> {
            self.0.pop_front()
        }
        fn send(&mut self, _: &[u8]) -> bool {
            true
        }
    }
    fn lines(v: &[&str]) -> Lines {
        Lines(v.iter().map(|s| s.as_bytes().to_vec()).collect())
    }

    #[test]
    fn replies() {
        let r = Reply::parse(b"+OK Dovecot ready.".to_vec());
        assert!(r.ok());
        assert_eq!(r.text(), b"Dovecot ready.");
        let r = Reply::parse(b"-ERR".to_vec());
        assert!(!r.ok());
        assert_eq!(r.text(), b"-ERR");
        assert!(Reply::parse(b"+ abc".to_vec()).is_challenge());
        assert_eq!(stat_count(b"3 1234"), 3);
    }

    #[test]
    fn capa() {
        let mut c = Capabilities::default();
        for l in [
            "TOP",
            "uidl",
            "SASL PLAIN LOGIN",
            "EXPIRE 30 USER",
            "LOGIN-DELAY 900",
            "IMPLEMENTATION x y",
        ] {
            c.add_line(l.as_bytes());
        }
        assert!(c.top && c.uidl && !c.user);
        assert_eq!(c.sasl, vec![b"PLAIN".to_vec(), b"LOGIN".to_vec()]);
        assert_eq!(c.expire, Some(-30));
        assert_eq!(c.delaysecs, Some(900));
        assert_eq!(c.implementation.as_deref(), Some(&b"x y"[..]));
    }

    #[test]
    fn capa_per_user_time_at_the_bottom_of_i64() {
        // A server's number that wraps to i64::MIN, per user: negating it
        // must not overflow.
        let mut c = Capabilities::default();
        c.add_line(b"EXPIRE 9223372036854775808 USER");
        c.add_line(b"LOGIN-DELAY -9223372036854775808 USER");
        assert_eq!(c.expire, Some(i64::MIN));
        assert_eq!(c.delaysecs, Some(i64::MIN));
    }

    #[test]
    fn slurping() {
        let mut l = lines(&["A: b", "", "..x", ".", "after"]);
        let s = slurp(&mut l, 1 << 20);
        assert_eq!(s.data, b"A: b\r\n\r\n.x\r\n");
        assert_eq!(s.header_size, 8);
        assert!(s.complete);
        let mut l = lines(&["A: b", "tail"]);
        let s = slurp(&mut l, 1 << 20);
        assert!(!s.complete);
        assert_eq!(s.header_size, s.data.len());
        let mut l = lines(&["0123456789", "x", "."]);
        assert!(slurp(&mut l, 8).too_big);
    }

    #[test]
    fn numbers() {
        assert_eq!(list_entry(b"1 120"), (1, 120));
        assert_eq!(list_entry(b"x 120"), (0, 0));
        assert_eq!(strtoul(b" 12abc").0, 12);
        assert_eq!(atoi(b"-5x"), -5);
        assert_eq!(
            apop_digest(
                b"POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
                b"tanstaaf"
            )
            .as_deref(),
            Some("c4c9334bac560ecc979e58001b3e22fb")
        );
    }
}
