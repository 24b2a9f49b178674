//! The bytes of a Berkeley mailbox: recognising "From " lines, parsing the
//! file into messages and their status headers, and producing the status
//! headers, the pseudo-message and the appended form of a message exactly
//! as the original writes them. No I/O here: everything works on slices of
//! the loaded file.

use crate::message::date::{self, MailDate};
use crate::store::events::{Events, Level};
use crate::store::flags::{Flags, MAX_KEYWORDS};

/// Longest keyword the format keeps (`MAXUSERFLAG`).
pub const MAX_KEYWORD_LEN: usize = 50;
/// The original's scratch buffer size, which bounds some scans.
const MAILTMPLEN: usize = 1024;

/// The MMDF format's message delimiter line.
pub const MMDF_DELIMITER: &[u8] = b"\x01\x01\x01\x01\n";

/// The two formats this code serves: Berkeley mailboxes ("unix"), where a
/// "From " line starts each message and a newline ends it, and MMDF, where
/// a line of four ^A brackets each message (whose "From " line is optional).
/// Status headers, UIDs and the pseudo-message are the same in both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Unix,
    Mmdf,
}

impl Kind {
    /// The driver name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unix => "unix",
            Kind::Mmdf => "mmdf",
        }
    }
    /// The format's name in messages ("Not a UNIX-format mailbox").
    pub fn label(self) -> &'static str {
        match self {
            Kind::Unix => "UNIX",
            Kind::Mmdf => "MMDF",
        }
    }
    /// What precedes each stored message's "From " line.
    pub fn prefix(self) -> &'static [u8] {
        match self {
            Kind::Unix => b"",
            Kind::Mmdf => MMDF_DELIMITER,
        }
    }
    /// What follows each stored message.
    pub fn trailer(self) -> &'static [u8] {
        match self {
            Kind::Unix => b"\n",
            Kind::Mmdf => MMDF_DELIMITER,
        }
    }
    /// Whether the first bytes of a file are this format's.
    pub fn looks_valid(self, head: &[u8]) -> bool {
        match self {
            Kind::Unix => looks_valid(head),
            Kind::Mmdf => head.starts_with(MMDF_DELIMITER),
        }
    }
}

/// Sender, name and texts of the folder's internal-data pseudo-message.
pub const PSEUDO_FROM: &str = "MAILER-DAEMON";
pub const PSEUDO_NAME: &str = "Mail System Internal Data";
pub const PSEUDO_SUBJECT: &str = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA";
pub const PSEUDO_MSG: &str = "This text is part of the internal format of your mail folder, and is not\na real message.  It is created automatically by the mail system software.\nIf deleted, important folder data will be lost, and it will be re-created\nwith the data reset to initial values.";

/// The header lines the driver keeps for itself and hides from clients.
const INTERNAL_HEADERS: [&[u8]; 6] = [
    b"Status",
    b"X-Status",
    b"X-Keywords",
    b"X-UID",
    b"X-IMAP",
    b"X-IMAPbase",
];

/// Byte `i` of `d`, NUL outside it (the C code reads a NUL-terminated or
/// guarded buffer there).
fn at(d: &[u8], i: isize) -> u8 {
    if i < 0 {
        0
    } else {
        d.get(i as usize).copied().unwrap_or(0)
    }
}

/// Where the date parts of a valid "From " line are: `end` is the index
/// the offsets count from (the line end, or the start of " remote from"),
/// `time` the offset of the space before the time, `zone` the offset of
/// the space before the zone (0 when there is none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FromLine {
    pub end: usize,
    pub time: isize,
    pub zone: isize,
}

/// The original's test for a message-starting "From " line at `s` in `d`
/// (the `VALID` macro): the line must end with LF (a NUL first fails), and
/// end with one of the ctime-like date forms, optionally followed by
/// " remote from host".
pub fn valid_from(d: &[u8], s: usize) -> Option<FromLine> {
    valid_from_line(d, s, true)
}

/// [`valid_from`]; `cr_ok` says whether a CR before the LF is allowed (the
/// MMDF driver's copy of the test does not allow it).
fn valid_from_line(d: &[u8], s: usize, cr_ok: bool) -> Option<FromLine> {
    if !d.get(s..)?.starts_with(b"From ") {
        return None;
    }
    let nl = s + 5 + memchr::memchr2(b'\n', 0, &d[s + 5..])?;
    if d[nl] == 0 {
        return None;
    }
    let base = s as isize;
    let mut x = nl as isize;
    if cr_ok && at(d, x - 1) == b'\r' {
        x -= 1;
    }
    if x - base >= 41 {
        let mut zn: isize = -1;
        while at(d, x + zn) != b' ' {
            zn -= 1;
        }
        let tail = b" remote from";
        if (0..12).all(|k| at(d, x + zn - 12 + k as isize) == tail[k]) {
            x += zn - 12;
        }
    }
    let c2 = |i: isize| at(d, x + i);
    if x - base < 27 {
        return None;
    }
    let (mut ti, zn): (isize, isize);
    if c2(-5) == b' ' {
        if c2(-8) == b':' {
            zn = 0;
            ti = -5;
        } else if c2(-9) == b' ' {
            ti = -9;
            zn = -9;
        } else if c2(-11) == b' ' && matches!(c2(-10), b'+' | b'-') {
            ti = -11;
            zn = -11;
        } else {
            return None;
        }
    } else if c2(-4) == b' ' {
        if c2(-9) == b' ' {
            zn = -4;
            ti = -9;
        } else {
            return None;
        }
    } else if c2(-6) == b' ' {
        if c2(-11) == b' ' && matches!(c2(-5), b'+' | b'-') {
            zn = -6;
            ti = -11;
        } else {
            return None;
        }
    } else {
        return None;
    }
    if c2(ti - 3) != b':' {
        return None;
    }
    ti -= if c2(ti - 6) == b':' { 9 } else { 6 };
    if c2(ti) == b' ' && c2(ti - 3) == b' ' && c2(ti - 7) == b' ' && c2(ti - 11) == b' ' {
        Some(FromLine {
            end: x as usize,
            time: ti,
            zone: zn,
        })
    } else {
        None
    }
}

/// The internal date of a valid "From " line, through the IMAP-like date
/// text the original builds from it. Err carries that text when it does
/// not parse (with the fields the parser left).
pub fn from_line_date(d: &[u8], f: FromLine) -> Result<MailDate, (Vec<u8>, MailDate)> {
    from_line_date_memo(d, f, &mut DateMemo::default())
}

/// What one parse remembers between "From " line dates: the local zone
/// (asked once, not once a message) and the last date text with its
/// result (consecutive messages often carry the same date).
#[derive(Debug, Default)]
pub struct DateMemo {
    zone: Option<i32>,
    last: Option<([u8; 27], usize, Result<MailDate, MailDate>)>,
}

/// [`from_line_date`] through `memo`.
pub fn from_line_date_memo(
    d: &[u8],
    f: FromLine,
    memo: &mut DateMemo,
) -> Result<MailDate, (Vec<u8>, MailDate)> {
    let t = |i: isize| at(d, f.end as isize + i);
    let mut ti = f.time;
    let zn = f.zone;
    let mut date = [0u8; 27];
    date[2] = b'-';
    date[6] = b'-';
    date[20] = b'-';
    date[11] = b' ';
    date[14] = b':';
    date[17] = b':';
    date[0] = t(ti - 2);
    date[1] = t(ti - 1);
    date[3] = t(ti - 6);
    date[4] = t(ti - 5);
    date[5] = t(ti - 4);
    date[12] = t(ti + 1);
    date[13] = t(ti + 2);
    date[15] = t(ti + 4);
    date[16] = t(ti + 5);
    ti += 6;
    if t(ti) == b':' {
        date[18] = t(ti + 1);
        date[19] = t(ti + 2);
        ti += 3;
    } else {
        date[18] = b'0';
        date[19] = b'0';
    }
    if zn == ti {
        ti += if matches!(t(zn + 1), b'+' | b'-') {
            6
        } else {
            4
        };
    }
    date[7] = t(ti + 1);
    date[8] = t(ti + 2);
    date[9] = t(ti + 3);
    date[10] = t(ti + 4);
    let zone: [u8; 5] = if zn != 0 {
        [t(zn + 1), t(zn + 2), t(zn + 3), t(zn + 4), t(zn + 5)]
    } else {
        *b"LCL\0\0"
    };
    date[21] = zone[0];
    date[22] = zone[1];
    date[23] = zone[2];
    let len = if date[21] != b'+' && date[21] != b'-' {
        24
    } else {
        date[24] = zone[3];
        date[25] = zone[4];
        date[20] = b' ';
        26
    };
    // The C string ends at the first NUL.
    let text_len = date[..len].iter().position(|&b| b == 0).unwrap_or(len);
    let text = &date[..text_len];
    if let Some((last, n, r)) = &memo.last {
        if &last[..*n] == text {
            return r.map_err(|partial| (text.to_vec(), partial));
        }
    }
    let zone = &mut memo.zone;
    let r = date::parse_date_with(text, || *zone.get_or_insert_with(date::local_zone_now));
    memo.last = Some((date, text_len, r));
    r.map_err(|partial| (text.to_vec(), partial))
}

/// Whether a mailbox file starts like a Berkeley mailbox (`unix_isvalid_fd`):
/// after leading white space that ends a line, a valid "From " line within
/// the first 1023 bytes.
pub fn looks_valid(head: &[u8]) -> bool {
    let head = &head[..head.len().min(MAILTMPLEN - 1)];
    let mut c = b'\n';
    let mut s = 0;
    while s < head.len() && matches!(head[s], b'\r' | b'\n' | b' ' | b'\t') {
        c = head[s];
        s += 1;
    }
    c == b'\n' && valid_from(head, s).is_some()
}

/// One message as it lies in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Offset of the "From " line.
    pub offset: usize,
    /// Length of the "From " line with its newline.
    pub from_len: usize,
    /// Length of the header as stored (status lines and blank line included).
    pub header_len: usize,
    /// Length of the text as stored, without the blank line ending it.
    pub text_len: usize,
    /// Length of the header with LF line ends and without the internal
    /// lines, less its final newline.
    pub header_lf_len: usize,
}

impl Layout {
    /// The stored header as [`stored_header_into`] gives it, without the
    /// scan, for a header the parser or a rewrite found to be its kept
    /// lines (`header_lf_len` bytes, so each ends in LF), then bookkeeping
    /// lines only, then the blank line (`canon`). None when that does not
    /// hold or the header holds a CR or a NUL (the filter's other paths).
    /// The filter then keeps the first part and the blank line: every
    /// counted line's name is not a bookkeeping one (the parser drops
    /// those), a counted continuation line follows a counted line, and
    /// every line after the first part is dropped or is the blank line.
    pub fn kept_header<'a>(&self, d: &'a [u8], canon: bool) -> Option<&'a [u8]> {
        if !canon {
            return None;
        }
        let raw = d.get(self.header_start()..self.text_start())?;
        let k = self.header_lf_len;
        let ok = k < raw.len()
            && raw.ends_with(b"\n")
            // Past an empty first part a dropped continuation line could
            // start the header, which the filter keeps.
            && ((k > 0 && raw[k - 1] == b'\n') || raw.len() == 1)
            && memchr::memchr2(b'\r', 0, raw).is_none();
        ok.then(|| &raw[..k])
    }

    pub fn header_start(&self) -> usize {
        self.offset + self.from_len
    }
    pub fn text_start(&self) -> usize {
        self.offset + self.from_len + self.header_len
    }
}

/// A message found by the parser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedMessage {
    pub layout: Layout,
    pub uid: u32,
    pub flags: Flags,
    pub keywords: u32,
    pub date: MailDate,
    pub size: u32,
    /// Needs writing at the next checkpoint.
    pub dirty: bool,
    /// The header is its kept lines, then only bookkeeping lines, then the
    /// blank line: see [`Layout::kept_header`].
    pub canon: bool,
}

/// Mailbox-wide state the parser reads and updates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailboxState {
    pub uid_validity: u32,
    pub uid_last: u32,
    /// Keyword slots in bit order; an empty name is an unused slot.
    pub keywords: Vec<Vec<u8>>,
    /// The file carries the X-IMAP pseudo-message.
    pub pseudo: bool,
    /// Changes to write at the next checkpoint.
    pub dirty: bool,
    /// Changes serious enough that a ping writes them (UIDs assigned).
    pub ddirty: bool,
    /// UIDs and keywords are not kept (a user with no life, whose mailbox
    /// had no UID validity): no X-IMAPbase, X-Keywords or X-UID lines.
    pub nosticky: bool,
}

impl MailboxState {
    pub fn new() -> Self {
        MailboxState {
            keywords: vec![Vec::new(); MAX_KEYWORDS],
            ..Default::default()
        }
    }

    /// Slot of keyword `name` (any case), looking as the original does up
    /// to the first unused slot.
    pub fn find_keyword(&self, name: &[u8]) -> Option<usize> {
        self.keywords
            .iter()
            .take_while(|k| !k.is_empty())
            .position(|k| k.eq_ignore_ascii_case(name))
    }

    /// Keywords in bit order, up to the last slot in use.
    pub fn keyword_list(&self) -> &[Vec<u8>] {
        let n = self
            .keywords
            .iter()
            .rposition(|k| !k.is_empty())
            .map_or(0, |p| p + 1);
        &self.keywords[..n]
    }
}

/// Whether `name` may become a new keyword (the original's rules for
/// creating one from a flag list).
pub fn valid_new_keyword(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= MAX_KEYWORD_LEN
        && name.iter().all(|&c| {
            c > b' '
                && c < 0x7f
                && !matches!(c, b'*' | b'%' | b'"' | b'\\' | b'(' | b')' | b'{' | b']')
        })
}

/// Result of parsing new data.
#[derive(Debug, Default)]
pub struct ParseOutcome {
    pub messages: Vec<ParsedMessage>,
    /// Messages among `messages` that are recent.
    pub recent: Vec<bool>,
    /// The pseudo-message was found (and left out of `messages`).
    pub pseudo_seen: bool,
}

/// Why new data could not be parsed.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The new data does not start with a "From " line; the text is what
    /// the original logs.
    Unexpected(Vec<u8>),
}

/// Next line of `d` from `pos`: its end (after the LF, or the end of data).
fn line_end(d: &[u8], pos: usize) -> usize {
    match memchr::memchr(b'\n', &d[pos..]) {
        Some(p) => pos + p + 1,
        None => d.len(),
    }
}

/// True when a line is empty (LF or CRLF).
fn blank(line: &[u8]) -> bool {
    line == b"\n" || line.starts_with(b"\r\n")
}

/// Reads a decimal number as the original's digit loops do (wrapping).
fn digits(s: &[u8], mut i: usize) -> (u32, usize) {
    let mut v: u32 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v.wrapping_mul(10).wrapping_add(u32::from(s[i] - b'0'));
        i += 1;
    }
    (v, i)
}

/// Whether the byte at `i` ends the line's content (LF, or CR LF).
fn at_eol(s: &[u8], i: usize) -> bool {
    match s.get(i) {
        None | Some(b'\n') => true,
        Some(b'\r') => s.get(i + 1).is_none_or(|&c| c == b'\n'),
        _ => false,
    }
}

/// The header name at the start of a line as the original's filter reads
/// it: up to a colon or white space, NULs counting as spaces, at most 1023
/// bytes.
fn filter_name(line: &[u8]) -> &[u8] {
    let limit = line.len().min(MAILTMPLEN - 1);
    let mut n = 0;
    while n < limit {
        let c = if line[n] == 0 { b' ' } else { line[n] };
        if c == b':' || matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        n += 1;
    }
    &line[..n]
}

/// [`parse`] for either format; `mtime` (the file's modification time)
/// dates MMDF messages that have no "From " line.
#[allow(clippy::too_many_arguments)]
pub fn parse_with(
    kind: Kind,
    mtime: i64,
    d: &[u8],
    start: usize,
    existing: u32,
    prev_uid: u32,
    st: &mut MailboxState,
    sniff: bool,
    ev: &mut dyn Events,
) -> Result<ParseOutcome, ParseError> {
    match kind {
        Kind::Unix => parse(d, start, existing, prev_uid, st, sniff, ev),
        Kind::Mmdf => parse_mmdf(mtime, d, start, existing, prev_uid, st, sniff, ev),
    }
}

/// A line as the MMDF reader returns it, and where the next one starts: a
/// line ending in a delimiter is cut before it, its last byte becoming LF.
fn mmdf_line(d: &[u8], pos: usize) -> (std::borrow::Cow<'_, [u8]>, usize) {
    let le = line_end(d, pos);
    if le - pos > 6 && &d[le - 5..le] == MMDF_DELIMITER {
        let mut v = d[pos..le - 5].to_vec();
        if let Some(last) = v.last_mut() {
            *last = b'\n';
        }
        (std::borrow::Cow::Owned(v), le - 5)
    } else {
        (std::borrow::Cow::Borrowed(&d[pos..le]), le)
    }
}

/// The date of an MMDF message without a "From " line: the file's
/// modification time, in UTC.
fn file_date(mtime: i64) -> MailDate {
    let t = crate::os::clock::utc(mtime).unwrap_or_default();
    MailDate::from_fields(
        t.mday as u32,
        (t.mon + 1) as u32,
        (t.year + 1900 - date::BASEYEAR as i32) as u32,
        t.hour as u32,
        t.min as u32,
        t.sec as u32,
        false,
        0,
        0,
    )
}

/// Parses MMDF data (`mmdf_parse`); see [`parse`].
#[allow(clippy::too_many_arguments)]
fn parse_mmdf(
    mtime: i64,
    d: &[u8],
    start: usize,
    existing: u32,
    mut prev_uid: u32,
    st: &mut MailboxState,
    sniff: bool,
    ev: &mut dyn Events,
) -> Result<ParseOutcome, ParseError> {
    let mut out = ParseOutcome::default();
    let mut memo = DateMemo::default();
    let mut pos = start;
    while pos < d.len() && matches!(d[pos], b'\n' | b'\r' | b' ' | b'\t') {
        pos += 1;
    }
    if pos >= d.len() {
        return Ok(out);
    }
    let mut j = pos;
    let (first, np) = mmdf_line(d, pos);
    let mut s = first.into_owned();
    pos = np;
    let mut nmsgs = existing;
    let mut retain = true;
    loop {
        if !s.starts_with(MMDF_DELIMITER) {
            let tail = &d[j..];
            let n = tail
                .iter()
                .take(20)
                .position(|&b| b == 0)
                .unwrap_or(tail.len().min(20));
            let mut text = b"Unexpected changes to mailbox (try restarting): ".to_vec();
            text.extend_from_slice(&tail[..n]);
            // Perhaps the delimiter just before is the start of this one.
            let mut recovered = false;
            if !s.is_empty() && j > MMDF_DELIMITER.len() {
                j -= MMDF_DELIMITER.len();
                let (again, np) = mmdf_line(d, j);
                if again.starts_with(MMDF_DELIMITER) {
                    s = again.into_owned();
                    pos = np;
                    recovered = true;
                }
            }
            if !recovered {
                return Err(ParseError::Unexpected(text));
            }
        }
        nmsgs += 1;
        let mut m = ParsedMessage::default();
        let mut recent = true;
        m.layout.offset = j;
        let mut special = s.len();
        let (line, np) = mmdf_line(d, pos);
        pos = np;
        let from = if line.is_empty() {
            None
        } else {
            valid_from_line(&line, 0, false)
        };
        let suppressed = match from {
            Some(f) => {
                special += line.len();
                m.date = match from_line_date_memo(&line, f, &mut memo) {
                    Ok(date) => date,
                    Err((text, partial)) => {
                        let mut msg = b"Unable to parse internal date: ".to_vec();
                        msg.extend_from_slice(&text);
                        ev.log(&msg, Level::Warn);
                        partial
                    }
                };
                None
            }
            None => {
                m.date = file_date(mtime);
                Some(line.into_owned())
            }
        };
        m.layout.from_len = special;
        let mut header_lf: usize = 0;
        let mut size: u64 = 0;
        let mut pending = suppressed;
        let mut last_len;
        loop {
            let before = pos;
            let l = match pending.take() {
                Some(l) => l,
                None => {
                    let (l, np) = mmdf_line(d, pos);
                    pos = np;
                    l.into_owned()
                }
            };
            last_len = l.len();
            if l.starts_with(MMDF_DELIMITER) {
                // A delimiter in the header ends the message here.
                pos = before;
                header_lf += 1;
                break;
            }
            if !l.is_empty() {
                let keep = header_line(
                    &l,
                    &mut m,
                    &mut recent,
                    nmsgs,
                    &mut prev_uid,
                    &mut retain,
                    out.pseudo_seen,
                    st,
                    ev,
                );
                if let Some(pseudo) = keep.pseudo {
                    out.pseudo_seen |= pseudo;
                }
                if keep.count {
                    let k = l.iter().filter(|&&c| c != b'\r').count();
                    header_lf += k;
                    size += k as u64 + 1;
                }
            }
            if l.is_empty() || blank(&l) {
                break;
            }
        }
        if last_len > 0 {
            header_lf = header_lf.saturating_sub(1);
        }
        m.layout.header_lf_len = header_lf;
        if (nmsgs > 1 || !out.pseudo_seen) && m.uid == 0 {
            st.uid_last = st.uid_last.wrapping_add(1);
            m.uid = st.uid_last;
            prev_uid = m.uid;
            m.dirty = true;
        } else {
            m.dirty = recent;
        }
        let text_start = pos;
        m.layout.header_len = text_start - m.layout.header_start();
        let mut text_end = pos;
        if last_len > 0 {
            loop {
                let (l, np) = mmdf_line(d, pos);
                last_len = l.len();
                if l.is_empty() {
                    break;
                }
                pos = np;
                if l.starts_with(MMDF_DELIMITER) {
                    break;
                }
                let crs = memchr::memchr_iter(b'\r', &l).count() as u64;
                let lfs = memchr::memchr_iter(b'\n', &l).count() as u64;
                size = size + l.len() as u64 - crs + lfs;
                text_end = pos;
            }
        }
        m.layout.text_len = text_end - text_start;
        m.size = size as u32;
        out.messages.push(m);
        out.recent.push(recent);
        if last_len == 0 {
            break;
        }
        j = pos;
        let (next, np) = mmdf_line(d, pos);
        pos = np;
        s = next.into_owned();
        if sniff || s.is_empty() {
            break;
        }
    }
    Ok(out)
}

/// Parses the messages in `d[start..]` (`unix_parse`): `existing` is the
/// number of messages already known, `prev_uid` the UID of the last of
/// them. Updates `st` (UIDs, keywords, dirtiness) and logs what the
/// original logs. `sniff` stops after the first message.
pub fn parse(
    d: &[u8],
    start: usize,
    existing: u32,
    prev_uid: u32,
    st: &mut MailboxState,
    sniff: bool,
    ev: &mut dyn Events,
) -> Result<ParseOutcome, ParseError> {
    let mut carry = Carry::new(prev_uid);
    parse_carry(d, start, existing, &mut carry, st, sniff, ev)
}

/// What a parse hands on to the parse of the data that follows, when a
/// file is parsed a window at a time: the result is then the same as one
/// parse of the whole (see [`last_cut`]).
#[derive(Clone, Copy, Debug)]
pub struct Carry {
    /// UID of the last message parsed.
    pub prev_uid: u32,
    /// Whether a continuation line may follow (the last header line kept).
    pub retain: bool,
    /// The pseudo-message was seen (as the first message).
    pub pseudo_seen: bool,
}

impl Carry {
    pub fn new(prev_uid: u32) -> Carry {
        Carry {
            prev_uid,
            retain: true,
            pseudo_seen: false,
        }
    }
}

/// Where a window `buf` of a Berkeley file (starting at a line start) can
/// be cut so that parsing the part before and the part after one after the
/// other gives what one parse of both gives: the start of the last valid
/// "From " line, complete in `buf`, that follows a blank line (a blank line
/// ends any header, and a valid "From " line after it always begins a
/// message). 0 when there is none.
pub fn last_cut(buf: &[u8]) -> usize {
    let finder = memchr::memmem::FinderRev::new(b"\nFrom ");
    let mut end = buf.len();
    while let Some(p) = finder.rfind(&buf[..end]) {
        let s = p + 1;
        let blank_before = p >= 1
            && (buf[p - 1] == b'\n' || (p >= 2 && buf[p - 1] == b'\r' && buf[p - 2] == b'\n'));
        if blank_before
            && memchr::memchr(b'\n', &buf[s..]).is_some()
            && valid_from(&buf[..line_end(buf, s)], s).is_some()
        {
            return s;
        }
        end = p;
    }
    0
}

/// [`parse`] carrying state from and to the parse of the data before and
/// after (`carry`).
pub fn parse_carry(
    d: &[u8],
    start: usize,
    existing: u32,
    carry: &mut Carry,
    st: &mut MailboxState,
    sniff: bool,
    ev: &mut dyn Events,
) -> Result<ParseOutcome, ParseError> {
    parse_carry_with(d, start, existing, carry, st, sniff, true, ev)
}

/// [`parse_carry`]; `quick` lets headers take [`quick_header`] (the
/// line-by-line walk alone otherwise, which tests compare it with).
#[allow(clippy::too_many_arguments)]
fn parse_carry_with(
    d: &[u8],
    start: usize,
    existing: u32,
    carry: &mut Carry,
    st: &mut MailboxState,
    sniff: bool,
    quick: bool,
    ev: &mut dyn Events,
) -> Result<ParseOutcome, ParseError> {
    let mut prev_uid = carry.prev_uid;
    let mut out = ParseOutcome {
        pseudo_seen: carry.pseudo_seen,
        ..Default::default()
    };
    let mut pos = start;
    while pos < d.len() && matches!(d[pos], b'\n' | b'\r' | b' ' | b'\t') {
        pos += 1;
    }
    if pos >= d.len() {
        return Ok(out);
    }
    let mut line_start = pos;
    let mut line_stop = line_end(d, pos);
    let mut from = match valid_from(&d[..line_stop], line_start) {
        Some(f) => f,
        None => {
            let tail = &d[pos..];
            let n = tail
                .iter()
                .take(20)
                .position(|&b| b == 0)
                .unwrap_or(tail.len().min(20));
            let mut text = b"Unexpected changes to mailbox (try restarting): ".to_vec();
            text.extend_from_slice(&tail[..n]);
            return Err(ParseError::Unexpected(text));
        }
    };
    let mut nmsgs = existing;
    let mut retain = carry.retain;
    let mut memo = DateMemo::default();
    let finder = memchr::memmem::Finder::new(b"\nFrom ");
    let mut starts = Vec::new();
    // The next CR at or after the header line being looked at (d.len():
    // none): lines before it are counted without a byte loop.
    let mut next_cr = 0usize;
    loop {
        nmsgs += 1;
        let mut m = ParsedMessage::default();
        let mut recent = true;
        m.layout.offset = line_start;
        m.layout.from_len = line_stop - line_start;
        m.date = match from_line_date_memo(&d[..line_stop], from, &mut memo) {
            Ok(date) => date,
            Err((text, partial)) => {
                let mut msg = b"Unable to parse internal date: ".to_vec();
                msg.extend_from_slice(&text);
                ev.log(&msg, Level::Warn);
                partial
            }
        };
        let mut header_lf: usize = 0;
        let mut size: u64 = 0;
        // Header lines, up to and including the blank line.
        pos = line_stop;
        let mut ended = false;
        // The header's line ends, from one search (cheaper than a search
        // per line).
        let header_base = pos;
        let mut line_ends = memchr::memchr_iter(b'\n', &d[header_base..]);
        // Whether a line that does not count has been seen, and whether a
        // counted line other than the blank one came after it.
        let (mut skipped, mut mixed) = (false, false);
        let quick = if quick && retain {
            let mut seen = out.pseudo_seen;
            let q = quick_header(
                d,
                header_base,
                &mut next_cr,
                &mut starts,
                &mut m,
                &mut recent,
                nmsgs,
                &mut prev_uid,
                &mut retain,
                &mut seen,
                st,
                ev,
            );
            out.pseudo_seen = seen;
            q
        } else {
            None
        };
        if let Some(q) = quick {
            pos = q.end;
            ended = true;
            header_lf = q.header_lf;
            size = q.size;
            mixed = q.mixed;
        }
        while quick.is_none() {
            if pos >= d.len() {
                break;
            }
            let le = line_ends.next().map_or(d.len(), |p| header_base + p + 1);
            let line = &d[pos..le];
            pos = le;
            // Only lines starting with S, X (either case) or white space
            // can be status, internal or dropped continuation lines; any
            // other is an ordinary line, kept (what `header_line` says of
            // it), and is not looked at further.
            let count = if matches!(line[0], b'X' | b'x' | b'S' | b's' | b' ' | b'\t') {
                let keep = header_line(
                    line,
                    &mut m,
                    &mut recent,
                    nmsgs,
                    &mut prev_uid,
                    &mut retain,
                    out.pseudo_seen,
                    st,
                    ev,
                );
                if let Some(pseudo) = keep.pseudo {
                    out.pseudo_seen |= pseudo;
                }
                keep.count
            } else {
                retain = true;
                true
            };
            if !count {
                skipped = true;
            } else if skipped && !blank(line) {
                mixed = true;
            }
            if count {
                let start = le - line.len();
                if next_cr < start {
                    next_cr = memchr::memchr(b'\r', &d[start..]).map_or(d.len(), |p| start + p);
                }
                let k = if next_cr >= le {
                    line.len()
                } else {
                    // Look again from the next line on.
                    next_cr = 0;
                    line.iter().filter(|&&c| c != b'\r').count()
                };
                header_lf += k;
                size += k as u64 + 1;
            }
            if blank(line) {
                ended = true;
                break;
            }
        }
        if ended {
            header_lf = header_lf.saturating_sub(1);
        }
        m.layout.header_lf_len = header_lf;
        m.canon = ended && !mixed;
        if (nmsgs > 1 || !out.pseudo_seen) && m.uid == 0 {
            st.uid_last = st.uid_last.wrapping_add(1);
            m.uid = st.uid_last;
            prev_uid = m.uid;
            m.dirty = true;
            st.ddirty = true;
        } else {
            m.dirty = recent;
        }
        let text_start = pos;
        m.layout.header_len = text_start - m.layout.header_start();
        // Body lines, up to the next valid "From " line.
        let mut text_end = pos;
        let (mut k, mut trail) = (0u64, 0usize);
        let mut next = None;
        if ended {
            while pos < d.len() {
                // Lines up to the next one starting "From " are text, taken
                // whole: counted in bulk, the last one deciding the trailer.
                let candidate = if d[pos..].starts_with(b"From ") {
                    pos
                } else {
                    finder.find(&d[pos..]).map_or(d.len(), |p| pos + p + 1)
                };
                if candidate > pos {
                    let chunk = &d[pos..candidate];
                    // Most files have no CR at all: one search tells.
                    if next_cr < pos {
                        next_cr = memchr::memchr(b'\r', &d[pos..]).map_or(d.len(), |p| pos + p);
                    }
                    let crs = if next_cr >= candidate {
                        0
                    } else {
                        memchr::memchr_iter(b'\r', chunk).count() as u64
                    };
                    let lfs = memchr::memchr_iter(b'\n', chunk).count() as u64;
                    size = size + chunk.len() as u64 - crs + lfs;
                    let last_start =
                        memchr::memrchr(b'\n', &chunk[..chunk.len() - 1]).map_or(0, |p| p + 1);
                    (k, trail) = match &chunk[last_start..] {
                        b"\n" => (2, 1),
                        b"\r\n" => (2, 2),
                        _ => (0, 0),
                    };
                    pos = candidate;
                    text_end = pos;
                    continue;
                }
                let le = line_end(d, pos);
                if let Some(f) = valid_from(&d[..le], pos) {
                    next = Some((pos, le, f));
                    break;
                }
                let line = &d[pos..le];
                let crs = memchr::memchr_iter(b'\r', line).count() as u64;
                let lfs = u64::from(line.last() == Some(&b'\n'));
                size = size + line.len() as u64 - crs + lfs;
                if line == b"\n" {
                    k = 2;
                    trail = 1;
                } else if line == b"\r\n" {
                    k = 2;
                    trail = 2;
                } else {
                    k = 0;
                    trail = 0;
                }
                pos = le;
                text_end = pos;
            }
        }
        m.layout.text_len = text_end - text_start - trail;
        m.size = size.saturating_sub(k) as u32;
        out.messages.push(m);
        out.recent.push(recent);
        match next {
            Some((s, e, f)) if !sniff => {
                line_start = s;
                line_stop = e;
                from = f;
            }
            _ => break,
        }
    }
    carry.prev_uid = prev_uid;
    carry.retain = retain;
    carry.pseudo_seen = out.pseudo_seen;
    Ok(out)
}

/// A header taken by [`quick_header`].
#[derive(Clone, Copy)]
struct QuickHeader {
    /// Just past its blank line.
    end: usize,
    header_lf: usize,
    size: u64,
    mixed: bool,
}

/// The header starting at `hb` (just after a "From " line's LF) without
/// the line walk's work on every line, when it ends in a blank line, holds
/// no CR, and a continuation line may follow (`retain`). Only a line
/// starting with S or s (Status and a bogus copy of it) or X- or x- (the
/// other bookkeeping names) can be dropped, and a continuation line only
/// right after a dropped one; every other line is counted (and leaves
/// `retain` set). So one pass over the line ends notes those lines, which
/// are then looked at as the line walk does, and the rest are counted in
/// bulk. None, having done nothing, when the header does not qualify.
/// `starts` is scratch space.
#[allow(clippy::too_many_arguments)]
fn quick_header(
    d: &[u8],
    hb: usize,
    next_cr: &mut usize,
    starts: &mut Vec<usize>,
    m: &mut ParsedMessage,
    recent: &mut bool,
    nmsgs: u32,
    prev_uid: &mut u32,
    retain: &mut bool,
    pseudo_seen: &mut bool,
    st: &mut MailboxState,
    ev: &mut dyn Events,
) -> Option<QuickHeader> {
    if hb >= d.len() || !*retain {
        return None;
    }
    starts.clear();
    let mut lines = 0usize;
    let mut s = hb;
    let mut blank = None;
    for p in memchr::memchr_iter(b'\n', &d[hb..]) {
        lines += 1;
        match d[s] {
            b'\n' => {
                blank = Some(s);
                break;
            }
            b'S' | b's' => starts.push(s),
            b'X' | b'x' if d[s + 1] == b'-' => starts.push(s),
            _ => {}
        }
        s = hb + p + 1;
    }
    let blank = blank?;
    let end = blank + 1;
    if *next_cr < hb {
        *next_cr = memchr::memchr(b'\r', &d[hb..]).map_or(d.len(), |p| hb + p);
    }
    if *next_cr < end {
        return None;
    }
    let (mut dropped_bytes, mut dropped_lines) = (0usize, 0usize);
    let (mut skipped, mut mixed) = (false, false);
    let line_end = |s: usize| memchr::memchr(b'\n', &d[s..end]).map_or(end, |p| s + p + 1);
    // One line through the line walk's own check.
    let mut look = |from: usize, to: usize| {
        let v = header_line(
            &d[from..to],
            m,
            recent,
            nmsgs,
            prev_uid,
            retain,
            *pseudo_seen,
            st,
            ev,
        );
        if let Some(p) = v.pseudo {
            *pseudo_seen |= p;
        }
        v
    };
    // The next line not yet looked at.
    let mut q = hb;
    for &c in starts.iter() {
        // Lines from q to c are ordinary (counted); a candidate is never
        // a continuation line, so none was taken by the walk below.
        mixed |= skipped && c > q;
        let le = line_end(c);
        let v = look(c, le);
        q = le;
        if v.count {
            mixed |= skipped;
            continue;
        }
        skipped = true;
        dropped_bytes += le - c;
        dropped_lines += 1;
        // Continuation lines after a dropped line are the line walk's.
        while q < blank && matches!(d[q], b' ' | b'\t') {
            let le = line_end(q);
            let v = look(q, le);
            let start = q;
            q = le;
            if v.count {
                mixed = true;
                break;
            }
            dropped_bytes += le - start;
            dropped_lines += 1;
        }
    }
    // Ordinary lines from q to the blank line.
    mixed |= skipped && q < blank;
    // The blank line is counted, which leaves `retain` set.
    *retain = true;
    let header_lf = (end - hb) - dropped_bytes;
    Some(QuickHeader {
        end,
        header_lf,
        size: (header_lf + lines - dropped_lines) as u64,
        mixed,
    })
}

/// What the parser made of one header line.
struct LineVerdict {
    /// Counts towards the header and the message size.
    count: bool,
    /// Some(true) when this line was the X-IMAP header of a pseudo-message.
    pseudo: Option<bool>,
}

#[allow(clippy::too_many_arguments)]
fn header_line(
    line: &[u8],
    m: &mut ParsedMessage,
    recent: &mut bool,
    nmsgs: u32,
    prev_uid: &mut u32,
    retain: &mut bool,
    pseudo_seen: bool,
    st: &mut MailboxState,
    ev: &mut dyn Events,
) -> LineVerdict {
    let drop = LineVerdict {
        count: false,
        pseudo: None,
    };
    let s = line;
    let g = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut status_at = None;
    if g(0) == b'X' && g(1) == b'-' {
        if s[2..].starts_with(b"Status:") {
            status_at = Some(2);
        } else if s[2..].starts_with(b"Keywords:") {
            *retain = false;
            let mut i = 11;
            while i < s.len() && s[i] != 0 && !at_eol(s, i) {
                while g(i) == b' ' {
                    i += 1;
                }
                let e = s[i..]
                    .iter()
                    .position(|&c| matches!(c, b' ' | b'\n' | b'\r' | 0))
                    .map_or(s.len(), |p| i + p);
                let word = &s[i..e];
                if !word.is_empty() && word.len() <= MAX_KEYWORD_LEN {
                    if let Some(j) = st.find_keyword(word) {
                        m.keywords |= 1 << j;
                    }
                }
                // A lone CR would stop the original forever; step over it.
                i = if e == i { e + 1 } else { e };
            }
            return drop;
        } else if s[2..].starts_with(b"IMAP:") || s[2..].starts_with(b"IMAPbase:") {
            *retain = false;
            let plain = g(6) == b':';
            let mut pseudo = None;
            if nmsgs == 1 && st.uid_validity == 0 {
                let mut i = if plain { 7 } else { 11 };
                while g(i) == b' ' {
                    i += 1;
                }
                let (validity, ni) = digits(s, i);
                i = ni;
                while g(i) == b' ' {
                    i += 1;
                }
                if validity != 0 && g(i).is_ascii_digit() {
                    if plain {
                        pseudo = Some(true);
                        st.pseudo = true;
                    }
                    st.uid_validity = validity;
                    let (last, ni) = digits(s, i);
                    i = ni;
                    st.uid_last = last;
                    let mut slot = 0;
                    while i < s.len() && !at_eol(s, i) {
                        while g(i) == b' ' {
                            i += 1;
                        }
                        let e = s[i..]
                            .iter()
                            .position(|&c| matches!(c, b' ' | b'\n' | b'\r'))
                            .map_or(s.len(), |p| i + p);
                        let word = &s[i..e];
                        if slot < MAX_KEYWORDS && !word.is_empty() && word.len() <= MAX_KEYWORD_LEN
                        {
                            // A C string stops at a NUL.
                            let word = match word.iter().position(|&c| c == 0) {
                                Some(p) => &word[..p],
                                None => word,
                            };
                            st.keywords[slot] = word.to_vec();
                        }
                        slot += 1;
                        i = if e == i { e + 1 } else { e };
                    }
                }
            }
            return LineVerdict {
                count: false,
                pseudo,
            };
        } else if s[2..].starts_with(b"UID:") {
            *retain = false;
            if st.uid_validity != 0 && (nmsgs > 1 || !pseudo_seen) {
                let mut i = 6;
                while g(i) == b' ' {
                    i += 1;
                }
                let (uid, _) = digits(s, i);
                let shown = if pseudo_seen { nmsgs - 1 } else { nmsgs };
                let complaint = if m.uid != 0 {
                    Some(format!(
                        "Message {} UID {} already has UID {}",
                        shown, uid, m.uid
                    ))
                } else if uid <= *prev_uid {
                    Some(format!(
                        "Message {} UID {} less than {}",
                        shown,
                        uid,
                        u64::from(*prev_uid) + 1
                    ))
                } else {
                    None
                };
                match complaint {
                    None => {
                        m.uid = uid;
                        *prev_uid = uid;
                        if uid > st.uid_last {
                            st.uid_last = uid;
                            st.ddirty = true;
                            st.dirty = true;
                        }
                    }
                    Some(text) => {
                        ev.log(text.as_bytes(), Level::Warn);
                        st.uid_validity = 0;
                        m.uid = 0;
                    }
                }
            }
            return drop;
        }
    }
    let st_line = match status_at {
        Some(o) => &s[o..],
        None => s,
    };
    if st_line.starts_with(b"Status:") {
        *retain = false;
        let mut i = 6;
        loop {
            match g2(st_line, i) {
                b'R' => m.flags = m.flags.union(Flags::SEEN),
                b'O' => *recent = false,
                b'D' => m.flags = m.flags.union(Flags::DELETED),
                b'F' => m.flags = m.flags.union(Flags::FLAGGED),
                b'A' => m.flags = m.flags.union(Flags::ANSWERED),
                b'T' => m.flags = m.flags.union(Flags::DRAFT),
                _ => {}
            }
            i += 1;
            if i >= st_line.len() || st_line[i] == 0 || at_eol(st_line, i) {
                break;
            }
        }
        return drop;
    }
    // An ordinary header line.
    let c0 = g(0);
    if matches!(c0, b'S' | b's') || (matches!(c0, b'X' | b'x') && g(1) == b'-') {
        let name = filter_name(s);
        if INTERNAL_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
        {
            let mut text = b"Discarding bogus ".to_vec();
            text.extend(name.iter().map(|&c| if c == 0 { b' ' } else { c }));
            text.extend_from_slice(format!(" header in message {}", nmsgs).as_bytes());
            ev.log(&text, Level::Warn);
            *retain = false;
            return drop;
        }
    }
    if *retain || !matches!(c0, b' ' | b'\t') {
        *retain = true;
        LineVerdict {
            count: true,
            pseudo: None,
        }
    } else {
        let mut text = format!("Discarding bogus continuation in msg {}: ", nmsgs).into_bytes();
        let shown: Vec<u8> = s
            .iter()
            .take(80)
            .take_while(|&&c| c != 0 && c != b'\r' && c != b'\n')
            .copied()
            .collect();
        text.extend_from_slice(&shown);
        ev.log(&text, Level::Warn);
        drop
    }
}

fn g2(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// Removes every CR and turns each LF into CRLF: how the driver presents
/// stored text to clients.
pub fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    to_crlf_into(raw, &mut out);
    out
}

/// [`to_crlf`] into `out` (cleared first).
pub fn to_crlf_into(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(raw.len() + raw.len() / 32 + 2);
    // Most stored texts hold no CR: one search for it over the whole text
    // then lets each line end be found with the cheaper one-byte search.
    if memchr::memchr(b'\r', raw).is_none() {
        lf_to_crlf_append(raw, out);
        return;
    }
    let mut rest = raw;
    while let Some(p) = memchr::memchr2(b'\r', b'\n', rest) {
        out.extend_from_slice(&rest[..p]);
        if rest[p] == b'\n' {
            out.extend_from_slice(b"\r\n");
        }
        rest = &rest[p + 1..];
    }
    out.extend_from_slice(rest);
}

/// Appends `raw`, which holds no CR, with each LF turned into CRLF.
fn lf_to_crlf_append(raw: &[u8], out: &mut Vec<u8>) {
    let mut start = 0;
    for p in memchr::memchr_iter(b'\n', raw) {
        out.extend_from_slice(&raw[start..p]);
        out.extend_from_slice(b"\r\n");
        start = p + 1;
    }
    out.extend_from_slice(&raw[start..]);
}

/// The client form of a stored header, as [`header_crlf_into`] makes it,
/// when the parser or the last rewrite found the header canonical
/// ([`Layout::kept_header`]): the kept lines with CRLF line ends, then the
/// blank line, without running the line filter. `raw` is the header as
/// stored (message `l`'s bytes from its header's start to its text's).
/// False, with `out` untouched, when the shortcut does not apply.
pub fn kept_header_crlf_into(raw: &[u8], l: &Layout, canon: bool, out: &mut Vec<u8>) -> bool {
    let here = Layout {
        offset: 0,
        from_len: 0,
        ..l.clone()
    };
    let Some(kept) = here.kept_header(raw, canon) else {
        return false;
    };
    out.clear();
    out.reserve(kept.len() + kept.len() / 16 + 2);
    lf_to_crlf_append(kept, out);
    out.extend_from_slice(b"\r\n");
    true
}

/// `filter_internal(&to_crlf(raw))` into `out` (cleared first). A stored
/// header without CR or NUL that ends in LF (the usual one) is done in one
/// pass, the bookkeeping lines skipped while the line ends are doubled:
/// the filter finds the same names and continuation lines in either form.
pub fn header_crlf_into(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    if raw.last() != Some(&b'\n') || memchr::memchr2(b'\r', 0, raw).is_some() {
        out.extend_from_slice(&filter_internal(&to_crlf(raw)));
        return;
    }
    out.reserve(raw.len() + raw.len() / 16 + 2);
    let mut src = 0;
    while src < raw.len() {
        let end = line_end(raw, src);
        if matches!(raw[src], b'S' | b's' | b'X' | b'x') {
            let name = filter_name(&raw[src..]);
            if INTERNAL_HEADERS
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
            {
                // The line and its continuation lines go.
                let mut e = end;
                while e < raw.len() && matches!(raw[e], b' ' | b'\t') {
                    e = line_end(raw, e);
                }
                src = e;
                continue;
            }
        }
        // `end` follows an LF: every stored line here ends in one.
        out.extend_from_slice(&raw[src..end - 1]);
        out.extend_from_slice(b"\r\n");
        src = end;
    }
}

/// Removes every CR (the stored form the rewrite uses).
pub fn strip_cr(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    strip_cr_into(raw, &mut out);
    out
}

/// [`strip_cr`] appending to `out`.
pub fn strip_cr_into(raw: &[u8], out: &mut Vec<u8>) {
    let mut rest = raw;
    while let Some(p) = memchr::memchr(b'\r', rest) {
        out.extend_from_slice(&rest[..p]);
        rest = &rest[p + 1..];
    }
    out.extend_from_slice(rest);
}

/// Drops the internal header lines (with their continuation lines) from a
/// header, as the original's line filter does; NULs in a scanned header
/// name become spaces.
pub fn filter_internal(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 1);
    filter_internal_into(text, &mut out);
    out
}

/// [`filter_internal`] appending to `out`.
pub fn filter_internal_into(text: &[u8], out: &mut Vec<u8>) {
    if memchr::memchr(0, text).is_some() {
        return filter_internal_scan(text, out);
    }
    // Without NULs only header lines that start like an internal name need
    // a look: every one of them begins with S or X.
    let could_drop = |at: usize| matches!(text.get(at), Some(b'S' | b's' | b'X' | b'x'));
    let mut run = 0;
    let mut dropped = false;
    // Line starts before this were dropped with a header already.
    let mut resume = 0;
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text).map(|p| p + 1));
    for src in starts {
        if src < resume || !could_drop(src) {
            continue;
        }
        let name = filter_name(&text[src..]);
        if !INTERNAL_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
        {
            continue;
        }
        // The line and its continuation lines.
        let mut end = src;
        loop {
            end = line_end(text, end);
            if end >= text.len() || !matches!(text[end], b' ' | b'\t') {
                break;
            }
        }
        out.extend_from_slice(&text[run..src]);
        run = end;
        resume = end;
        dropped = true;
    }
    out.extend_from_slice(&text[run..]);
    if !dropped && text.last().is_some_and(|&c| c != b'\n') {
        out.push(b'\n');
    }
}

/// [`filter_internal_into`] line by line, for headers with NULs.
fn filter_internal_scan(text: &[u8], out: &mut Vec<u8>) {
    let mut src = 0;
    // Kept lines are copied in runs, up to the next dropped line.
    let mut run = 0;
    // While nothing has been dropped the original filters in place, and
    // then a last line without LF keeps the LF it puts after the text.
    let mut in_place = true;
    while src < text.len() {
        let name = filter_name(&text[src..]);
        let name_len = name.len();
        let drop = name_len > 0
            && INTERNAL_HEADERS
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name));
        // The line and its continuation lines.
        let mut end = src;
        loop {
            end = line_end(text, end);
            if end >= text.len() || !matches!(text[end], b' ' | b'\t') {
                break;
            }
        }
        if drop {
            out.extend_from_slice(&text[run..src]);
            run = end;
            in_place = false;
        } else {
            // The scan turns each NUL it reads into a space, including a
            // NUL that ends the name (one past it, unless the scan hit its
            // length limit first).
            let scanned = if name_len < (text.len() - src).min(MAILTMPLEN - 1) {
                name_len + 1
            } else {
                name_len
            };
            if text[src..src + scanned].contains(&0) {
                out.extend_from_slice(&text[run..src]);
                let start = out.len();
                out.extend_from_slice(&text[src..end]);
                for b in &mut out[start..start + scanned] {
                    if *b == 0 {
                        *b = b' ';
                    }
                }
                run = end;
            }
        }
        src = end;
    }
    out.extend_from_slice(&text[run..]);
    if in_place && text.last().is_some_and(|&c| c != b'\n') {
        out.push(b'\n');
    }
}

/// The header of a stored message as clients see it (`unix_header`).
pub fn client_header(d: &[u8], l: &Layout) -> Vec<u8> {
    filter_internal(&to_crlf(&d[l.header_start()..l.text_start()]))
}

/// The header as the rewrite stores it: CRs removed, internal lines
/// dropped.
pub fn stored_header(d: &[u8], l: &Layout) -> Vec<u8> {
    let mut out = Vec::new();
    stored_header_into(d, l, false, &mut out);
    out
}

/// [`stored_header`] appending to `out` (no copy when there is no CR).
pub fn stored_header_into(d: &[u8], l: &Layout, canon: bool, out: &mut Vec<u8>) {
    if let Some(kept) = l.kept_header(d, canon) {
        out.extend_from_slice(kept);
        out.push(b'\n');
        return;
    }
    let raw = &d[l.header_start()..l.text_start()];
    if memchr::memchr(b'\r', raw).is_some() {
        filter_internal_into(&strip_cr(raw), out);
    } else {
        filter_internal_into(raw, out);
    }
}

/// The text of a stored message as clients see it (`unix_text`).
pub fn client_text(d: &[u8], l: &Layout) -> Vec<u8> {
    to_crlf(&d[l.text_start()..l.text_start() + l.text_len])
}

/// Appends the decimal digits of `n`.
fn push_num(out: &mut Vec<u8>, mut n: u32) {
    // Without a string made first: a rewrite writes two numbers a message.
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The status lines written after a message's header (`unix_xstatus`):
/// with `base` the X-IMAPbase line first; `with_uid` adds "O" and X-UID.
/// `appending` leaves recent messages without "O".
#[allow(clippy::too_many_arguments)]
pub fn xstatus(
    st: &MailboxState,
    flags: Flags,
    keywords: u32,
    uid: u32,
    recent: bool,
    appending: bool,
    base: bool,
    with_uid: bool,
) -> Vec<u8> {
    let mut s = Vec::with_capacity(128);
    let mut pad = 50;
    let sticky = !st.nosticky;
    if base && sticky {
        s.extend_from_slice(b"X-IMAPbase: ");
        push_num(&mut s, st.uid_validity);
        s.push(b' ');
        push_num(&mut s, st.uid_last);
        for k in st.keywords.iter().filter(|k| !k.is_empty()) {
            s.push(b' ');
            s.extend_from_slice(k);
        }
        s.push(b'\n');
        pad += 30;
    }
    s.extend_from_slice(b"Status: ");
    if flags.contains(Flags::SEEN) {
        s.push(b'R');
    }
    if with_uid && (!recent || !appending) {
        s.push(b'O');
    }
    s.extend_from_slice(b"\nX-Status: ");
    for (f, c) in [
        (Flags::DELETED, b'D'),
        (Flags::FLAGGED, b'F'),
        (Flags::ANSWERED, b'A'),
        (Flags::DRAFT, b'T'),
    ] {
        if flags.contains(f) {
            s.push(c);
        }
    }
    s.push(b'\n');
    if sticky {
        s.extend_from_slice(b"X-Keywords:");
        for bit in 0..MAX_KEYWORDS {
            if keywords & (1 << bit) != 0 {
                s.push(b' ');
                if let Some(k) = st.keywords.get(bit) {
                    s.extend_from_slice(k);
                }
            }
        }
        if s.len() < pad {
            s.resize(pad, b' ');
        }
        s.push(b'\n');
        if with_uid {
            s.extend_from_slice(b"X-UID: ");
            push_num(&mut s, uid);
            s.push(b'\n');
        }
    }
    s.push(b'\n');
    s
}

/// Current time pieces the writers need.
#[derive(Clone, Debug)]
pub struct Now {
    /// Seconds since the epoch.
    pub secs: i64,
    /// ctime(3) text without its newline: "Sun Dec  6 02:50:21 2026".
    pub ctime: Vec<u8>,
    /// rfc822_fixed_date text: "06 Dec 2026 02:50:21 +0000".
    pub fixed: Vec<u8>,
    /// rfc822_date text: "Sun, 6 Dec 2026 02:50:21 +0000 (UTC)".
    pub rfc822: Vec<u8>,
}

impl Now {
    pub fn current() -> Now {
        use crate::os::clock;
        let secs = clock::now();
        let local = clock::local(secs).unwrap_or_default();
        Now {
            secs,
            ctime: ctime_text(&local),
            fixed: date::now(date::NowFormat::Fixed),
            rfc822: date::now(date::NowFormat::Rfc822 { zone_text: true }),
        }
    }
}

/// ctime(3) of a broken-down local time, without the newline.
pub fn ctime_text(t: &crate::os::clock::BrokenTime) -> Vec<u8> {
    let day = usize::try_from(t.wday)
        .ok()
        .and_then(|i| date::DAYS.get(i))
        .unwrap_or(&"???");
    let mon = usize::try_from(t.mon)
        .ok()
        .and_then(|i| date::MONTHS.get(i))
        .unwrap_or(&"???");
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        day,
        mon,
        t.mday,
        t.hour,
        t.min,
        t.sec,
        t.year + 1900
    )
    .into_bytes()
}

/// The pseudo-message a rewrite puts first (`unix_pseudo`).
pub fn pseudo_message(st: &MailboxState, now: &Now, host: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(700);
    s.extend_from_slice(b"From ");
    s.extend_from_slice(PSEUDO_FROM.as_bytes());
    s.push(b' ');
    s.extend_from_slice(&now.ctime[..now.ctime.len().min(24)]);
    s.extend_from_slice(b"\nDate: ");
    s.extend_from_slice(&now.fixed);
    s.extend_from_slice(format!("\nFrom: {} <{}@", PSEUDO_NAME, PSEUDO_FROM).as_bytes());
    s.extend_from_slice(&host[..host.len().min(80)]);
    s.extend_from_slice(
        format!(
            ">\nSubject: {}\nMessage-ID: <{}@",
            PSEUDO_SUBJECT, now.secs as u64
        )
        .as_bytes(),
    );
    s.extend_from_slice(&host[..host.len().min(80)]);
    s.extend_from_slice(
        format!(">\nX-IMAP: {:010} {:010}", st.uid_validity, st.uid_last).as_bytes(),
    );
    for k in st.keywords.iter().filter(|k| !k.is_empty()) {
        s.push(b' ');
        s.extend_from_slice(k);
    }
    s.extend_from_slice(b"\nStatus: RO\n\n");
    s.extend_from_slice(PSEUDO_MSG.as_bytes());
    s.extend_from_slice(b"\n\n");
    s
}

/// [`pseudo_message`] in the stored form of `kind`.
pub fn pseudo_message_kind(kind: Kind, st: &MailboxState, now: &Now, host: &[u8]) -> Vec<u8> {
    wrap(kind, pseudo_message(st, now, host))
}

/// Turns a Berkeley-form pseudo-message (ending in its blank line) into
/// the MMDF form: delimiter, message, delimiter.
fn wrap(kind: Kind, unix: Vec<u8>) -> Vec<u8> {
    match kind {
        Kind::Unix => unix,
        Kind::Mmdf => [MMDF_DELIMITER, &unix[..unix.len() - 1], MMDF_DELIMITER].concat(),
    }
}

/// [`create_pseudo`] in the stored form of `kind` (MMDF dates it with the
/// RFC 822 date where the Berkeley form has the fixed-width one).
pub fn create_pseudo_kind(
    kind: Kind,
    now: &Now,
    host: &[u8],
    default_keywords: &[Vec<u8>],
) -> Vec<u8> {
    match kind {
        Kind::Unix => create_pseudo(now, host, default_keywords),
        Kind::Mmdf => {
            let like = Now {
                fixed: now.rfc822.clone(),
                ..now.clone()
            };
            wrap(kind, create_pseudo(&like, host, default_keywords))
        }
    }
}

/// The pseudo-message `unix_create` writes into a new mailbox: like the
/// rewrite's but without Message-ID, with a zero last UID and the default
/// keywords.
pub fn create_pseudo(now: &Now, host: &[u8], default_keywords: &[Vec<u8>]) -> Vec<u8> {
    let mut s = Vec::with_capacity(700);
    s.extend_from_slice(b"From ");
    s.extend_from_slice(PSEUDO_FROM.as_bytes());
    s.push(b' ');
    // ctime's text with its newline, then the Date header.
    s.extend_from_slice(&now.ctime);
    s.extend_from_slice(b"\nDate: ");
    s.extend_from_slice(&now.fixed);
    s.extend_from_slice(format!("\nFrom: {} <{}@", PSEUDO_NAME, PSEUDO_FROM).as_bytes());
    s.extend_from_slice(host);
    s.extend_from_slice(
        format!(
            ">\nSubject: {}\nX-IMAP: {:010} 0000000000",
            PSEUDO_SUBJECT, now.secs as u64
        )
        .as_bytes(),
    );
    for k in default_keywords.iter().filter(|k| !k.is_empty()) {
        s.push(b' ');
        s.extend_from_slice(k);
    }
    s.extend_from_slice(b"\nStatus: RO\n\n");
    s.extend_from_slice(PSEUDO_MSG.as_bytes());
    s.extend_from_slice(b"\n\n");
    s
}

/// Header lines of an appended message that would be taken for the
/// driver's own get an "X-Original-" prefix.
fn shadows_internal(line: &[u8]) -> bool {
    let j = line.len();
    let lower: Vec<u8> = line
        .iter()
        .take(11)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let l = |i: usize| lower.get(i).copied().unwrap_or(0);
    let raw = |i: usize| line.get(i).copied().unwrap_or(0);
    match l(0) {
        b's' => j > 6 && lower.starts_with(b"status") && raw(6) == b':',
        b'x' => {
            raw(1) == b'-'
                && ((j > 5 && lower[2..].starts_with(b"uid") && raw(5) == b':')
                    || (j > 6
                        && lower[2..].starts_with(b"imap")
                        && (raw(6) == b':'
                            || (j > 10 && lower[6..].starts_with(b"base") && raw(10) == b':')))
                    || (j > 8 && lower[2..].starts_with(b"status") && raw(8) == b':')
                    || (j > 10 && lower[2..].starts_with(b"keywords") && raw(10) == b':'))
        }
        _ => false,
    }
}

/// `GET_FROMWIDGET`.
const FROM_WIDGET: i64 = 506;

/// State carried across the messages of one append (the original keeps
/// "still in the first header" for the whole batch).
#[derive(Debug)]
pub struct AppendWriter {
    in_header: bool,
    kind: Kind,
    /// Quote every "From " at the start of a line (the FROMWIDGET
    /// parameter, default on); off, only those that look like a valid
    /// message-starting line.
    from_widget: bool,
}

impl Default for AppendWriter {
    fn default() -> Self {
        AppendWriter::new(Kind::Unix)
    }
}

impl AppendWriter {
    pub fn new(kind: Kind) -> Self {
        AppendWriter {
            in_header: true,
            kind,
            from_widget: crate::env::params::number(crate::env::params::Owner::Unix, FROM_WIDGET)
                != 0,
        }
    }

    /// Appends one message in stored form to `out` (`unix_append_msgs`):
    /// the "From user@host date" line, the status lines, then the message
    /// with CRs removed, NULs turned to 0x80, "From " lines quoted with
    /// '>', shadowing header lines renamed, and a blank line after it.
    /// `cdate` is the ctime-like date with its newline.
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &mut self,
        out: &mut Vec<u8>,
        user: &[u8],
        host: &[u8],
        cdate: &[u8],
        flags: Flags,
        keyword_names: &[&[u8]],
        uid: Option<u32>,
        message: &[u8],
    ) {
        let mmdf = self.kind == Kind::Mmdf;
        out.extend_from_slice(self.kind.prefix());
        out.extend_from_slice(b"From ");
        out.extend_from_slice(user);
        out.push(b'@');
        out.extend_from_slice(host);
        out.push(b' ');
        out.extend_from_slice(cdate);
        out.extend_from_slice(b"Status: ");
        if flags.contains(Flags::SEEN) {
            out.push(b'R');
        }
        out.extend_from_slice(b"\nX-Status: ");
        for (f, c) in [
            (Flags::DELETED, b'D'),
            (Flags::FLAGGED, b'F'),
            (Flags::ANSWERED, b'A'),
            (Flags::DRAFT, b'T'),
        ] {
            if flags.contains(f) {
                out.push(c);
            }
        }
        out.extend_from_slice(b"\nX-Keywords:");
        for k in keyword_names {
            out.push(b' ');
            out.extend_from_slice(k);
        }
        out.push(b'\n');
        if let Some(uid) = uid {
            out.extend_from_slice(format!("X-UID: {}\n", uid).as_bytes());
        }
        // The stored message is the text plus a newline; the original reads
        // it back in lines of at most 1023 bytes.
        let mut text: Vec<u8> = message
            .iter()
            .map(|&c| if c == 0 { 0x80 } else { c })
            .collect();
        text.push(b'\n');
        let mut pos = 0;
        let mut line_start = true;
        while pos < text.len() {
            let le = line_end(&text, pos).min(pos + MAILTMPLEN - 1);
            let mut chunk = strip_cr(&text[pos..le]);
            if mmdf {
                // MMDF also drops ^A, so no text can look like a delimiter.
                chunk.retain(|&c| c != 1);
            }
            pos = le;
            if chunk.is_empty() {
                continue;
            }
            if line_start {
                match chunk[0] {
                    b'F' if !mmdf
                        && chunk.len() > 4
                        && chunk.starts_with(b"From ")
                        && (self.from_widget || valid_from(&chunk, 0).is_some()) =>
                    {
                        out.push(b'>')
                    }
                    b'S' | b's' if self.in_header && shadows_internal(&chunk) => {
                        out.extend_from_slice(b"X-Original-");
                    }
                    b'X' | b'x' => {
                        if self.in_header && shadows_internal(&chunk) {
                            out.extend_from_slice(b"X-Original-");
                        }
                        // The Berkeley original falls through to the
                        // blank-line case here, so any X- line ends the
                        // header handling; MMDF's does not.
                        if !mmdf {
                            self.in_header = false;
                        }
                    }
                    b'\n' => self.in_header = false,
                    _ => {}
                }
            }
            out.extend_from_slice(&chunk);
            line_start = chunk.last() == Some(&b'\n');
        }
        if mmdf {
            out.extend_from_slice(MMDF_DELIMITER);
        }
    }
}

#[cfg(test)]
mod header_crlf {
    use super::*;

    /// A small deterministic generator: `next(n)` picks from `0..n`.
    fn picker(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % n
        }
    }

    /// Status-line numbers are their decimal digits.
    #[test]
    fn push_num_writes_decimal() {
        for n in [0u32, 7, 9, 10, 99, 100, 4_096, 1_000_000_007, u32::MAX] {
            let mut out = b"x".to_vec();
            push_num(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    /// The CRLF conversion (with its path for texts without CR) against a
    /// byte at a time, on random texts of LFs, CRs and letters.
    #[test]
    fn to_crlf_equals_byte_loop() {
        let mut next = picker(0x9e37_79b9_7f4a_7c15);
        for round in 0..2_000 {
            let len = next(300);
            let text: Vec<u8> = (0..len)
                .map(|_| match next(12) {
                    0..=1 => b'\n',
                    2 if round % 2 == 0 => b'\r',
                    _ => b'a',
                })
                .collect();
            let mut want = Vec::new();
            for &b in &text {
                match b {
                    b'\r' => {}
                    b'\n' => want.extend_from_slice(b"\r\n"),
                    _ => want.push(b),
                }
            }
            let mut got = b"stale".to_vec();
            to_crlf_into(&text, &mut got);
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// The one-pass header against the two passes it replaces, on random
    /// headers built from bookkeeping and ordinary lines, continuations,
    /// odd cases of the names, lone CRs, NULs and missing final LFs.
    #[test]
    fn one_pass_header_equals_crlf_then_filter() {
        let pieces: [&[u8]; 16] = [
            b"Status: RO\n",
            b"status: O\n",
            b"X-Status: F\n",
            b"X-Keywords: a b\n",
            b"X-UID: 7\n",
            b"X-IMAPbase: 1 2\n",
            b"X-IMAP: 1 2\n",
            b"Subject: hello\n",
            b" folded\n",
            b"\tfolded tab\n",
            b"X-Other: 1\n",
            b"Sender: a@b\n",
            b"Status\n",
            b"From: x\r\n",
            b"Odd\0: 1\n",
            b"\n",
        ];
        let mut next = picker(0x9e37_79b9_7f4a_7c15);
        let mut out = Vec::new();
        for round in 0..20_000 {
            let mut raw = Vec::new();
            for _ in 0..next(12) {
                raw.extend_from_slice(pieces[next(pieces.len())]);
            }
            if round % 7 == 0 {
                raw.extend_from_slice(b"Tail: no LF");
            }
            header_crlf_into(&raw, &mut out);
            assert_eq!(out, filter_internal(&to_crlf(&raw)), "{raw:?}");
        }
    }

    /// The parser's "kept lines, then bookkeeping lines" verdict against
    /// the filter itself, on random mailboxes of such headers (the first
    /// header line may be a continuation, after a message whose header
    /// ended with a bookkeeping line).
    #[test]
    fn kept_header_equals_filter() {
        let pieces: [&[u8]; 15] = [
            b"Status: RO\n",
            b"status: O\n",
            b"X-Status: F\n",
            b"X-Keywords: a b\n",
            b"X-UID: 7\n",
            b"X-IMAPbase: 1 2\n",
            b"Subject: hello\n",
            b" folded\n",
            b"\tfolded tab\n",
            b"X-Other: 1\n",
            b"Sender: a@b\n",
            b"Status\n",
            b"From: x\r\n",
            b"Odd\0: 1\n",
            b"x-uid: 9\n",
        ];
        let mut next = picker(0x2545_f491_4f6c_dd1d);
        let (mut fast_seen, mut checked) = (0, 0);
        for _ in 0..3_000 {
            let mut d = Vec::new();
            for _ in 0..1 + next(6) {
                d.extend_from_slice(b"From a@b Mon Jan  1 00:00:00 2001\n");
                for _ in 0..next(8) {
                    d.extend_from_slice(pieces[next(pieces.len())]);
                }
                d.extend_from_slice(b"\ntext\n\n");
            }
            let mut st = MailboxState::new();
            let mut ev = crate::store::events::Recorder::default();
            let Ok(out) = parse(&d, 0, 0, 0, &mut st, false, &mut ev) else {
                continue;
            };
            for m in &out.messages {
                let (mut slow, mut fast) = (Vec::new(), Vec::new());
                stored_header_into(&d, &m.layout, false, &mut slow);
                stored_header_into(&d, &m.layout, m.canon, &mut fast);
                assert_eq!(fast, slow, "{d:?}");
                // The client form: the fetch's shortcut against the filter.
                let raw = &d[m.layout.header_start()..m.layout.text_start()];
                let (mut slow, mut fast) = (Vec::new(), b"stale".to_vec());
                header_crlf_into(raw, &mut slow);
                if kept_header_crlf_into(raw, &m.layout, m.canon, &mut fast) {
                    assert_eq!(fast, slow, "{d:?}");
                } else {
                    assert_eq!(fast, b"stale");
                }
                checked += 1;
                fast_seen += usize::from(m.layout.kept_header(&d, m.canon).is_some());
            }
        }
        assert!(fast_seen > checked / 10, "{fast_seen} of {checked}");
    }

    /// Headers taken by `quick_header` against the line walk: messages,
    /// mailbox state, what is carried on, and every event, on random
    /// mailboxes of bookkeeping, ordinary, continuation, CR and NUL lines
    /// (pseudo-messages, UIDs in and out of order, headers without a blank
    /// line, first lines that are continuations).
    #[test]
    fn quick_header_equals_line_walk() {
        let pieces: [&[u8]; 24] = [
            b"Status: RO\n",
            b"status: O\n",
            b"X-Status: F\n",
            b"X-Status: DA\n",
            b"X-Keywords: a b\n",
            b"X-UID: 7\n",
            b"X-UID: 3\n",
            b"X-IMAPbase: 1 2 a b\n",
            b"X-IMAP: 5 20 a\n",
            b"Subject: hello\n",
            b" folded\n",
            b"\tfolded tab\n",
            b"X-Other: 1\n",
            b"x-other: 1\n",
            b"Xylophone: 1\n",
            b"Sender: a@b\n",
            b"Status\n",
            b"STATUS: R\n",
            b"From: x\r\n",
            b"Odd\0: 1\n",
            b"x-uid: 9\n",
            b"X-Keywords:\n",
            b"S\n",
            b"X-\n",
        ];
        let mut next = picker(0x6a09_e667_f3bc_c908);
        let mut quick_taken = 0;
        for round in 0..4_000 {
            let mut d = Vec::new();
            for _ in 0..1 + next(6) {
                d.extend_from_slice(b"From a@b Mon Jan  1 00:00:00 2001\n");
                for _ in 0..next(9) {
                    d.extend_from_slice(pieces[next(pieces.len())]);
                }
                match next(8) {
                    0 => d.extend_from_slice(b"\r\ntext\r\n\n"),
                    1 => {}
                    _ => d.extend_from_slice(b"\ntext\nmore\n\n"),
                }
            }
            if round % 5 == 0 {
                d.extend_from_slice(b"Tail: no LF");
            }
            let run = |quick: bool| {
                let mut st = MailboxState::new();
                let mut ev = crate::store::events::Recorder::default();
                let mut carry = Carry::new(0);
                let out = parse_carry_with(&d, 0, 0, &mut carry, &mut st, false, quick, &mut ev);
                format!(
                    "{out:?} {st:?} {} {} {} {:?}",
                    carry.prev_uid, carry.retain, carry.pseudo_seen, ev.events
                )
            };
            let (slow, quick) = (run(false), run(true));
            assert_eq!(quick, slow, "{:?}", String::from_utf8_lossy(&d));
            quick_taken += usize::from(!d.contains(&b'\r'));
        }
        assert!(quick_taken > 1_000, "{quick_taken}");
    }
}
