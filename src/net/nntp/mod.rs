//! NNTP (RFC 3977, with the older XOVER/XHDR forms): the protocol pieces
//! of the client that do not depend on a connection: reply lines and their
//! codes as the original reads them, multi-line data blocks (the final
//! `.` and dot-stuffing), GROUP answers, overview lines (OVER/XOVER) split
//! the way the original splits them, and dot-stuffing a message to POST.
//!
//! The reading driver's arithmetic lives here too: the article range a
//! GROUP answer gives (as the original reads it with `strtoul`, with its
//! absurd-count check and the `NNTPRANGE` restriction), which LISTGROUP
//! lines make messages, OVER lines cleaned and split, and the sort keys
//! taken from an OVER line. The dialogues themselves (commands, replies,
//! authentication, POST, the reading commands) are in [`session`], over
//! the connection and state the C SENDSTREAM holds; `src/abi/nntp_post.rs`
//! and `src/abi/nntp_read.rs` adapt them to the C objects.

pub mod session;

/// The reply codes the client acts on.
pub mod code {
    pub const GREET: i64 = 200;
    pub const GREET_NOPOST: i64 = 201;
    pub const EXTENSIONS_OK: i64 = 202;
    pub const GROUP_OK: i64 = 211;
    pub const LIST_FOLLOWS: i64 = 215;
    pub const ARTICLE: i64 = 220;
    pub const HEAD: i64 = 221;
    pub const BODY: i64 = 222;
    pub const OVERVIEW: i64 = 224;
    pub const POSTED: i64 = 240;
    pub const AUTHENTICATED: i64 = 281;
    pub const AUTHENTICATED_DATA: i64 = 282;
    pub const SEND_ARTICLE: i64 = 340;
    pub const WANT_AUTH_OLD: i64 = 380;
    pub const WANT_PASSWORD: i64 = 381;
    pub const TLS_START: i64 = 382;
    pub const CHALLENGE: i64 = 383;
    /// What the client makes up when the connection breaks.
    pub const SOFT_FATAL: i64 = 400;
    pub const WANT_AUTH: i64 = 480;
    pub const BAD_COMMAND: i64 = 500;
}

/// Skips C's blanks and an optional sign at the start of `s`: where the
/// digits would start, and whether the sign was `-`.
fn blanks_and_sign(s: &[u8]) -> (usize, bool) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    (i, neg)
}

/// `atol`: optional blanks, an optional sign, then digits (0 if none);
/// saturates instead of overflowing.
pub fn atol(s: &[u8]) -> i64 {
    let (mut i, neg) = blanks_and_sign(s);
    let mut v: i64 = 0;
    while let Some(d) = s.get(i).filter(|d| d.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
        i += 1;
    }
    if neg {
        -v
    } else {
        v
    }
}

/// One reply line read from the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyLine {
    /// `NNN-...`: a continuation; the next line follows.
    Continued,
    /// The final line: its code (the line's `atol`).
    Final(i64),
}

/// Classifies a reply line (without its CRLF) as the original does: a `-`
/// in the fourth byte continues, anything else ends with the line's
/// leading number as the code.
pub fn reply_line(line: &[u8]) -> ReplyLine {
    if line.get(3) == Some(&b'-') {
        ReplyLine::Continued
    } else {
        ReplyLine::Final(atol(line))
    }
}

/// The reply the client makes up when it cannot read one (`nntp_fake`):
/// code 400 and the text after it.
pub fn fake(text: &[u8]) -> (i64, Vec<u8>) {
    let mut line = b"400 ".to_vec();
    line.extend_from_slice(text);
    (code::SOFT_FATAL, line)
}

/// The text of a reply line after its code and one space (empty when the
/// line is only a code).
pub fn reply_text(line: &[u8]) -> &[u8] {
    match line.iter().position(|&b| b == b' ') {
        Some(sp) => &line[sp + 1..],
        None => &[],
    }
}

/// A `211 count first last group` answer to GROUP.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupInfo {
    pub count: u64,
    pub first: u64,
    pub last: u64,
    pub name: Vec<u8>,
}

/// Parses the text of a GROUP reply (after the code); None when a number
/// is missing.
pub fn group_info(text: &[u8]) -> Option<GroupInfo> {
    let mut words = text
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty());
    let mut num = || -> Option<u64> {
        let w = words.next()?;
        w.iter()
            .all(u8::is_ascii_digit)
            .then(|| atol(w).max(0) as u64)
    };
    let count = num()?;
    let first = num()?;
    let last = num()?;
    let name = words.next().unwrap_or_default().to_vec();
    Some(GroupInfo {
        count,
        first,
        last,
        name,
    })
}

/// Collects a multi-line data block line by line: the line `.` ends it; a
/// line starting with `.` loses that dot.
#[derive(Debug, Default)]
pub struct DataBlock {
    pub lines: Vec<Vec<u8>>,
    done: bool,
}

impl DataBlock {
    pub fn new() -> Self {
        Self::default()
    }
    /// Takes one line (without CRLF). True when the block is complete.
    pub fn push(&mut self, line: &[u8]) -> bool {
        if self.done {
            return true;
        }
        if line == b"." {
            self.done = true;
            return true;
        }
        let line = line.strip_prefix(b".").unwrap_or(line);
        self.lines.push(line.to_vec());
        false
    }
    pub fn is_done(&self) -> bool {
        self.done
    }
    /// The block as text with CRLF line ends.
    pub fn text(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.lines.iter().map(|l| l.len() + 2).sum());
        for l in &self.lines {
            out.extend_from_slice(l);
            out.extend_from_slice(b"\r\n");
        }
        out
    }
}

/// A message as it goes on the wire after POST: CRLF line ends, lines
/// starting with `.` doubled, the final `.` line. A message without a
/// final line end gets one.
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 32 + 5);
    let mut at_line_start = true;
    let mut prev = 0u8;
    for &c in message {
        if at_line_start && c == b'.' {
            out.push(b'.');
        }
        if c == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(c);
        at_line_start = c == b'\n';
        prev = c;
    }
    if !message.is_empty() && !at_line_start {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// One overview line, split as the original splits it: Subject, From,
/// Date, Message-ID, References, then the octet and line counts and
/// whatever follows (Xref and the extra fields).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    pub subject: Vec<u8>,
    pub from: Option<Vec<u8>>,
    pub date: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
    pub references: Option<Vec<u8>>,
    pub octets: i64,
    pub lines: i64,
    pub xref: Option<Vec<u8>>,
}

/// Parses the text of an overview line after the article number and its
/// tab. The boolean is the original's answer: true when the line reached
/// the References field. Empty text: None.
pub fn parse_overview(text: &[u8]) -> Option<(Overview, bool)> {
    if text.is_empty() {
        return None;
    }
    let mut ov = Overview::default();
    let mut fields = text.splitn(6, |&b| b == b'\t');
    ov.subject = fields.next().unwrap_or_default().to_vec();
    let from = fields.next();
    let date = fields.next();
    if let (Some(from), Some(date)) = (from, date) {
        ov.from = Some(from.to_vec());
        ov.date = Some(date.to_vec());
        if let Some(mid) = fields.next() {
            ov.message_id = Some(mid.to_vec());
            if let Some(refs) = fields.next() {
                ov.references = Some(refs.to_vec());
                if let Some(rest) = fields.next() {
                    // octets, then lines, then the Xref and any more.
                    ov.octets = atol(rest);
                    if let Some(t) = rest.iter().position(|&b| b == b'\t') {
                        let after = &rest[t + 1..];
                        ov.lines = atol(after);
                        if let Some(x) = after.iter().position(|&b| b == b'\t') {
                            ov.xref = Some(after[x + 1..].to_vec());
                        }
                    }
                }
            }
        }
    }
    // A From with no tab after it is dropped, as the original keeps only
    // the Subject then.
    let complete = ov.references.is_some();
    Some((ov, complete))
}

/// Where the original cuts an overview text in place (`nntp_parse_overview`
/// keeps one copy of the text and points into it): each field's start, and
/// the tabs that become NULs, in the order it cuts them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OverviewCuts {
    /// The tab after the Subject and the tab after the From (the From is
    /// parsed, and the Date read, once both are cut).
    pub first: Vec<usize>,
    pub from: Option<usize>,
    pub date: Option<usize>,
    /// Tabs cut after the Date was read: after the Date, the Message-ID,
    /// the References, and before the Xref.
    pub later: Vec<usize>,
    pub message_id: Option<usize>,
    pub references: Option<usize>,
    pub octets: i64,
    pub lines: i64,
    pub xref: Option<usize>,
}

/// The cuts of an overview text (see [`OverviewCuts`]).
pub fn overview_cuts(text: &[u8]) -> OverviewCuts {
    let tab = |from: usize| {
        text[from.min(text.len())..]
            .iter()
            .position(|&b| b == b'\t')
            .map(|p| p + from)
    };
    let mut c = OverviewCuts::default();
    let Some(t1) = tab(0) else { return c };
    c.first.push(t1);
    let Some(t2) = tab(t1 + 1) else { return c };
    c.first.push(t2);
    c.from = Some(t1 + 1);
    c.date = Some(t2 + 1);
    let Some(t3) = tab(t2 + 1) else { return c };
    c.later.push(t3);
    c.message_id = Some(t3 + 1);
    let Some(t4) = tab(t3 + 1) else { return c };
    c.later.push(t4);
    c.references = Some(t4 + 1);
    let Some(t5) = tab(t4 + 1) else { return c };
    c.later.push(t5);
    c.octets = atol(&text[t5 + 1..]);
    let Some(t6) = tab(t5 + 1) else { return c };
    c.lines = atol(&text[t6 + 1..]);
    let Some(t7) = tab(t6 + 1) else { return c };
    c.later.push(t7);
    c.xref = Some(t7 + 1);
    c
}

/// Splits an overview line into its article number and the rest.
pub fn overview_number(line: &[u8]) -> (u64, &[u8]) {
    let n = atol(line).max(0) as u64;
    match line.iter().position(|&b| b == b'\t') {
        Some(t) => (n, &line[t + 1..]),
        None => (n, &[]),
    }
}

/// `strtoul` on `s`: optional blanks, an optional sign, decimal digits;
/// the value (wrapping as C's unsigned long does for a `-`) and the rest.
pub fn strtoul(s: &[u8]) -> (u64, &[u8]) {
    let (mut i, neg) = blanks_and_sign(s);
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).filter(|d| d.is_ascii_digit()) {
        match v
            .checked_mul(10)
            .and_then(|x| x.checked_add(u64::from(d - b'0')))
        {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, s);
    }
    if overflow {
        v = u64::MAX;
    }
    (if neg { v.wrapping_neg() } else { v }, &s[i..])
}

/// The three numbers of a `211 count first last` line as the original
/// reads them (from the fifth byte on, `strtoul` each): the count the
/// server claims, the first and the last article number.
pub fn group_numbers(line: &[u8]) -> (u64, u64, u64) {
    let rest = line.get(4..).unwrap_or(&[]);
    let (k, rest) = strtoul(rest);
    let (i, rest) = strtoul(rest);
    let (j, _) = strtoul(rest);
    (k, i, j)
}

/// The article range of a group as `mail_open` takes it from GROUP.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenRange {
    /// The count the server claims.
    pub claimed: u64,
    /// First article number of the (restricted) range.
    pub first: u64,
    /// Last article number (the stream's `uid_last`).
    pub last: u64,
    /// Numbers in the whole range.
    pub rnmsgs: u64,
    /// Numbers in the restricted range.
    pub nmsgs: u64,
    /// The server claims more articles than its range holds.
    pub absurd: bool,
}

/// The range `mail_open` uses for a GROUP answer; `range` is the
/// `NNTPRANGE` setting (0: none). A last number below the first one less
/// one makes an empty group (the original's count wraps around, and it
/// stops the program). A range past the cache's maximum is left to
/// `mail_exists`, which cuts it (as the original's does).
pub fn open_range(line: &[u8], range: u64) -> OpenRange {
    let (k, mut i, j) = group_numbers(line);
    let mut n = if (i | j) != 0 {
        if j.wrapping_add(1) < i || j == u64::MAX {
            0
        } else {
            1 + j - i
        }
    } else {
        0
    };
    let rn = n;
    let absurd = k > n;
    if range != 0 && n > range {
        n = range;
        i = 1 + j - n;
    }
    OpenRange {
        claimed: k,
        first: i,
        last: j,
        rnmsgs: rn,
        nmsgs: n,
        absurd,
    }
}

/// The numbers `mail_status` reports from a GROUP answer before it counts
/// articles: the claimed count (`k`, cut to the range restriction), the
/// first number, the next UID, the range's size and the (restricted)
/// count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusRange {
    pub claimed: u64,
    pub first: u64,
    pub uidnext: u64,
    pub rnmsgs: u64,
    pub messages: u64,
    /// The claimed count before the restriction (for the warning).
    pub claimed_raw: u64,
    /// The whole range's size before the restriction (for the warning).
    pub range_raw: u64,
}

/// As [`open_range`], for `mail_status`.
pub fn status_range(line: &[u8], range: u64) -> StatusRange {
    let (k, mut i, j) = group_numbers(line);
    let uidnext = j.wrapping_add(1);
    let m = if (i | j) != 0 && uidnext >= i {
        uidnext - i
    } else {
        0
    };
    let mut r = StatusRange {
        claimed: k,
        first: i,
        uidnext,
        rnmsgs: m,
        messages: m,
        claimed_raw: k,
        range_raw: m,
    };
    if range != 0 && r.messages > range {
        r.messages = range;
        i = uidnext - range;
        r.first = i;
        if r.claimed > range {
            r.claimed = range;
        }
    }
    r
}

/// What one LISTGROUP (or HDR) line of the open's map means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapLine {
    /// An article number past the group's last: a server bug, reported.
    TooHigh(u64),
    /// A message with this UID.
    Keep(u64),
    /// Below the range: ignored silently.
    Skip,
}

/// Classifies a map line for the range `first..=last` (the number is the
/// line's `atol`, as unsigned).
pub fn map_line(line: &[u8], first: u64, last: u64) -> MapLine {
    let k = atol(line) as u64;
    if k > last {
        MapLine::TooHigh(k)
    } else if k >= first {
        MapLine::Keep(k)
    } else {
        MapLine::Skip
    }
}

/// An OVER line as the original caches it: CR and LF bytes removed, then
/// its article number and the text after the first tab (None when it has
/// no tab).
pub fn over_line(line: &[u8]) -> (u64, Option<Vec<u8>>) {
    let clean: Vec<u8> = line
        .iter()
        .copied()
        .filter(|&c| c != b'\r' && c != b'\n')
        .collect();
    let uid = atol(&clean) as u64;
    let text = clean
        .iter()
        .position(|&b| b == b'\t')
        .map(|t| clean[t + 1..].to_vec());
    (uid, text)
}

/// The sort keys the original takes from an OVER line: article number,
/// Subject, From, Date and the octet count (each present only as far as
/// the line goes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SortFields {
    pub uid: u64,
    pub subject: Option<Vec<u8>>,
    pub from: Option<Vec<u8>>,
    pub date: Option<Vec<u8>>,
    pub size: Option<i64>,
}

/// Splits an OVER line for sorting: the Subject needs the tab after it,
/// the From the one after that, the Date one more; the size is the field
/// two tabs after the Date (the octets).
pub fn sort_fields(line: &[u8]) -> SortFields {
    let clean: Vec<u8> = line
        .iter()
        .copied()
        .filter(|&c| c != b'\r' && c != b'\n')
        .collect();
    let mut f = SortFields {
        uid: atol(&clean) as u64,
        ..Default::default()
    };
    let tab = |from: usize| {
        clean[from.min(clean.len())..]
            .iter()
            .position(|&b| b == b'\t')
            .map(|p| p + from)
    };
    let Some(t1) = tab(0) else { return f };
    let Some(t2) = tab(t1 + 1) else { return f };
    f.subject = Some(clean[t1 + 1..t2].to_vec());
    let Some(t3) = tab(t2 + 1) else { return f };
    f.from = Some(clean[t2 + 1..t3].to_vec());
    let Some(t4) = tab(t3 + 1) else { return f };
    f.date = Some(clean[t3 + 1..t4].to_vec());
    if let Some(t5) = tab(t4 + 1) {
        if let Some(t6) = tab(t5 + 1) {
            f.size = Some(atol(&clean[t6 + 1..]));
        }
    }
    f
}

/// The data of header lines without their field names, one `\n` after
/// each line (as the original gathers it for a HEADER search).
pub fn header_field_data(t: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.len());
    let e = t.len();
    let mut i = 0;
    while i < e {
        if t[i] != b'\t' && t[i] != b' ' {
            while i < e {
                let c = t[i];
                i += 1;
                if c == b':' {
                    break;
                }
            }
            if i < e && t[i] == b':' {
                i += 1;
            }
        }
        while i < e && t[i] != b'\r' && t[i] != b'\n' {
            out.push(t[i]);
            i += 1;
        }
        out.push(b'\n');
        while i < e && (t[i] == b'\r' || t[i] == b'\n') {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields() {
        assert_eq!(
            header_field_data(b"Subject: hi\r\n there\r\n"),
            b" hi\n there\n"
        );
        assert_eq!(header_field_data(b"X-A:b\r\n\r\n"), b"b\n");
    }

    #[test]
    fn group_ranges() {
        assert_eq!(strtoul(b" 12 x"), (12, &b" x"[..]));
        assert_eq!(strtoul(b"x"), (0, &b"x"[..]));
        assert_eq!(strtoul(b"-1").0, u64::MAX);
        assert_eq!(group_numbers(b"211 3 1 3 test.h"), (3, 1, 3));
        let r = open_range(b"211 3 1 3 test.h", 0);
        assert_eq!(
            (r.first, r.last, r.nmsgs, r.rnmsgs, r.absurd),
            (1, 3, 3, 3, false)
        );
        let r = open_range(b"211 900 2 6 g", 0);
        assert_eq!((r.nmsgs, r.absurd), (5, true));
        let r = open_range(b"211 100 1 100 g", 10);
        assert_eq!((r.first, r.nmsgs, r.rnmsgs), (91, 10, 100));
        assert_eq!(open_range(b"211 5 10 2 g", 0).nmsgs, 0);
        assert_eq!(open_range(b"211 0 0 0 g", 0).nmsgs, 0);
        assert_eq!(open_range(b"211", 0), OpenRange::default());
        let s = status_range(b"211 5 1 5 g", 2);
        assert_eq!(
            (s.first, s.uidnext, s.messages, s.claimed, s.rnmsgs),
            (4, 6, 2, 2, 5)
        );
        assert_eq!(status_range(b"211 5 10 2 g", 0).messages, 0);
    }

    #[test]
    fn map_and_over_lines() {
        assert_eq!(map_line(b"9", 2, 6), MapLine::TooHigh(9));
        assert_eq!(map_line(b"4", 2, 6), MapLine::Keep(4));
        assert_eq!(map_line(b"1", 2, 6), MapLine::Skip);
        assert_eq!(map_line(b"-1", 2, 6), MapLine::TooHigh(u64::MAX));
        assert_eq!(
            over_line(b"12\tsub\r\tfrom"),
            (12, Some(b"sub\tfrom".to_vec()))
        );
        assert_eq!(over_line(b"2 no tab"), (2, None));
        let f = sort_fields(b"3\tRe: s\tA <a@b>\tdate\t<id>\t<r>\t1234\t5");
        assert_eq!(f.uid, 3);
        assert_eq!(f.subject.as_deref(), Some(&b"Re: s"[..]));
        assert_eq!(f.from.as_deref(), Some(&b"A <a@b>"[..]));
        assert_eq!(f.date.as_deref(), Some(&b"date"[..]));
        assert_eq!(f.size, Some(1234));
        let f = sort_fields(b"3\tonly");
        assert_eq!((f.subject, f.from), (None, None));
    }

    #[test]
    fn replies() {
        assert_eq!(reply_line(b"200 news ready"), ReplyLine::Final(200));
        assert_eq!(reply_line(b"200-more"), ReplyLine::Continued);
        assert_eq!(reply_line(b"xyz"), ReplyLine::Final(0));
        assert_eq!(reply_text(b"211 3 1 3 test.one"), b"3 1 3 test.one");
        assert_eq!(fake(b"NNTP connection broken (response)").0, 400);
        assert_eq!(atol(b"  -12x"), -12);
    }

    #[test]
    fn group() {
        let g = group_info(b"3 1 3 test.one").unwrap();
        assert_eq!(
            (g.count, g.first, g.last, &g.name[..]),
            (3, 1, 3, &b"test.one"[..])
        );
        assert!(group_info(b"x 1 2 g").is_none());
    }

    #[test]
    fn blocks() {
        let mut b = DataBlock::new();
        assert!(!b.push(b"line"));
        assert!(!b.push(b"..dotted"));
        assert!(b.push(b"."));
        assert_eq!(b.text(), b"line\r\n.dotted\r\n");
        assert_eq!(dot_stuff(b"a\n.b\nc"), b"a\r\n..b\r\nc\r\n.\r\n");
    }

    #[test]
    fn overview() {
        let line = b"1\thello one\tAlice <a@b>\tSun, 6 Dec 2026 21:38:43 -0000\t<x@y>\t\t498\t2\tXref: h test.one:1";
        let (n, rest) = overview_number(line);
        assert_eq!(n, 1);
        let (ov, ok) = parse_overview(rest).unwrap();
        assert!(ok);
        assert_eq!(ov.subject, b"hello one");
        assert_eq!(ov.octets, 498);
        assert_eq!(ov.lines, 2);
        assert_eq!(ov.xref.as_deref(), Some(&b"Xref: h test.one:1"[..]));
        let c = overview_cuts(&line[2..]);
        assert_eq!(
            (c.octets, c.lines, c.first.len(), c.later.len()),
            (498, 2, 2, 4)
        );
        let (ov, ok) = parse_overview(b"only subject").unwrap();
        assert!(!ok);
        assert_eq!(ov.subject, b"only subject");
    }
}
