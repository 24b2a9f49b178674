//! The on-disk records of a mix mailbox: the sequence line every control
//! file starts with, the metadata file, index and status records and the
//! per-message header in the data files. Pure functions over bytes, so the
//! parsers can be fuzzed on their own.

use crate::message::date::MailDate;

/// Base of `MailDate::year`.
pub const BASEYEAR: u32 = 1970;
/// Prefix of every mix file name.
pub const MIXNAME: &[u8] = b".mix";
/// The token at the start of each message in a data file.
pub const MSGTOK: &[u8] = b":msg:";
/// Largest metadata file we read (the original's sanity limit).
pub const METAMAX: u64 = 1024 * 1024 - 1;
/// Data file size at which a new data file is started.
pub const DATAROLL: u64 = 1024 * 1024;
/// Longest keyword (`MAXUSERFLAG`) and most keywords (`NUSERFLAGS`).
pub const MAXUSERFLAG: usize = 50;
pub const NUSERFLAGS: usize = 30;
/// Longest record the original's line reader takes (its buffer, less the
/// two bytes it keeps for the terminator test).
pub const RECORDMAX: usize = 65536 - 3;

/// `strtoul(s, &end, 16)` on text known to start with a hex digit: the
/// value (saturated as strtoul does) and the rest. A leading "0x" is
/// skipped as strtoul does when a hex digit follows it.
pub fn hex(s: &[u8]) -> (u64, &[u8]) {
    let mut s = s;
    if s.len() > 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' && s[2].is_ascii_hexdigit() {
        s = &s[2..];
    }
    let mut v: u64 = 0;
    let mut i = 0;
    while let Some(d) = s.get(i).and_then(|&c| hex_digit(c)) {
        // Saturates: once above what one more digit fits, the maximum.
        v = if v > u64::MAX >> 4 {
            u64::MAX
        } else {
            v << 4 | d
        };
        i += 1;
    }
    (v, &s[i..])
}

fn hex_digit(c: u8) -> Option<u64> {
    match c {
        b'0'..=b'9' => Some(u64::from(c - b'0')),
        b'a'..=b'f' => Some(u64::from(c - b'a' + 10)),
        b'A'..=b'F' => Some(u64::from(c - b'A' + 10)),
        _ => None,
    }
}

pub(crate) use crate::store::common::push_hex;

/// Appends `v` in decimal, zero-padded to `width` digits (as `%0*u`).
fn push_dec(out: &mut Vec<u8>, v: u32, width: usize) {
    let mut buf = [0u8; 10];
    let mut n = 0;
    let mut x = v;
    loop {
        buf[9 - n] = b'0' + (x % 10) as u8;
        n += 1;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    out.extend(std::iter::repeat_n(b'0', width.saturating_sub(n)));
    out.extend_from_slice(&buf[10 - n..]);
}

fn starts_hex(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_hexdigit)
}

/// The sequence line: `S%08lx` CRLF.
pub fn seq_line(seq: u64) -> Vec<u8> {
    format!("S{seq:08x}\r\n").into_bytes()
}

/// What the record reader found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    Line(&'a [u8]),
    /// End of the file.
    Eof,
    /// A line longer than the reader takes.
    Oversize(&'a [u8]),
}

/// Reads records (CRLF- or LF-terminated lines) from a byte buffer the way
/// the original's record reader does; empty lines are skipped with a
/// warning, a last line without its end is passed on with a warning.
pub struct Records<'a> {
    data: &'a [u8],
    pos: usize,
    /// Warnings to log (text), gathered as reading goes.
    pub warnings: Vec<Vec<u8>>,
}

impl<'a> Records<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Records {
            data,
            pos: 0,
            warnings: Vec::new(),
        }
    }

    /// The next record of type `kind` (for the warning texts).
    pub fn next_record(&mut self, kind: &str) -> Record<'a> {
        loop {
            if self.pos >= self.data.len() {
                return Record::Eof;
            }
            let rest = &self.data[self.pos..];
            match memchr::memchr(b'\n', rest) {
                Some(n) if n <= RECORDMAX => {
                    self.pos += n + 1;
                    let mut line = &rest[..n];
                    if line.last() == Some(&b'\r') {
                        line = &line[..line.len() - 1];
                    }
                    if !line.is_empty() {
                        return Record::Line(line);
                    }
                    self.warnings
                        .push(format!("Empty mix {kind} record").into_bytes());
                }
                Some(_) => return Record::Oversize(&rest[..RECORDMAX.min(rest.len())]),
                None if rest.len() > RECORDMAX => return Record::Oversize(&rest[..RECORDMAX]),
                None => {
                    self.pos = self.data.len();
                    let mut w = format!("Truncated mix {kind} record: ").into_bytes();
                    w.extend_from_slice(&rest[..rest.len().min(512)]);
                    self.warnings.push(w);
                    return Record::Line(rest);
                }
            }
        }
    }

    /// Moves past `n` bytes (may go past the end, as a seek does).
    pub fn skip(&mut self, n: u64) {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        self.pos = self.pos.saturating_add(n);
    }

    /// The next `n` raw bytes; None (and at the end) when fewer remain.
    pub fn take(&mut self, n: u64) -> Option<&'a [u8]> {
        let n = usize::try_from(n).ok()?;
        let start = self.pos.min(self.data.len());
        let end = start.checked_add(n)?;
        if end > self.data.len() {
            self.pos = self.data.len();
            return None;
        }
        self.pos = end;
        Some(&self.data[start..end])
    }

    /// `mix_read_sequence`: the sequence record; 1 for an empty file, None
    /// when the record is not a sequence.
    pub fn sequence(&mut self) -> Option<u64> {
        match self.next_record("sequence") {
            Record::Eof => Some(1),
            Record::Line(l) if l[0] == b'S' && starts_hex(&l[1..]) => {
                let (v, rest) = hex(&l[1..]);
                rest.is_empty().then_some(v)
            }
            _ => None,
        }
    }
}

/// One line of the metadata file, in the order found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetaLine {
    Validity(u64),
    Last(u64),
    NewMsg(u64),
    /// The keywords up to the first empty or overlong one.
    Keywords(Vec<Vec<u8>>),
    /// Another record letter with nothing after it (ignored).
    Other,
}

/// The parsed metadata file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub seq: u64,
    pub lines: Vec<MetaLine>,
}

/// Why the metadata file was refused, as the original words it.
pub fn meta_error(what: MetaError) -> &'static str {
    match what {
        MetaError::Sequence => "Error in mix metadata file sequence record",
        MetaError::Validity => "Error in mix metadata file UIDVALIDITY record",
        MetaError::Last => "Error in mix metadata file UIDLAST record",
        MetaError::NewMsg => "Error in mix metadata file new msg record",
        MetaError::Junk => "Error in mix metadata record",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaError {
    Sequence,
    Validity,
    Last,
    NewMsg,
    Junk,
}

/// Parses the metadata file. The text ends at its first NUL, as the
/// original reads it into a C string.
pub fn parse_meta(data: &[u8]) -> Result<Meta, MetaError> {
    let data = match data.iter().position(|&c| c == 0) {
        Some(n) => &data[..n],
        None => data,
    };
    if data.first() != Some(&b'S') || !starts_hex(&data[1..]) {
        return Err(MetaError::Sequence);
    }
    let (seq, rest) = hex(&data[1..]);
    let Some(mut s) = rest.strip_prefix(b"\r\n") else {
        return Err(MetaError::Sequence);
    };
    let mut lines = Vec::new();
    while !s.is_empty() {
        let Some(end) = s.windows(2).position(|w| w == b"\r\n") else {
            // An unterminated line is junk to the original.
            return Err(MetaError::Junk);
        };
        let line = &s[..end];
        s = &s[end + 2..];
        // An empty line leaves the original looking at its line end: junk.
        if line.is_empty() {
            return Err(MetaError::Junk);
        }
        let t = &line[1..];
        let junk = match line[0] {
            b'V' => {
                let (v, r) = hex(t);
                if !starts_hex(t) || v == 0 {
                    return Err(MetaError::Validity);
                }
                lines.push(MetaLine::Validity(v));
                r
            }
            b'L' => {
                if !starts_hex(t) {
                    return Err(MetaError::Last);
                }
                let (v, r) = hex(t);
                lines.push(MetaLine::Last(v));
                r
            }
            b'N' => {
                if !starts_hex(t) {
                    return Err(MetaError::NewMsg);
                }
                let (v, r) = hex(t);
                lines.push(MetaLine::NewMsg(v));
                r
            }
            b'K' => {
                let mut k = Vec::new();
                let mut rest: Option<&[u8]> = Some(t);
                while let Some(r) = rest {
                    if r.is_empty() || k.len() >= NUSERFLAGS {
                        break;
                    }
                    let (word, next) = match r.iter().position(|&c| c == b' ') {
                        Some(p) => (&r[..p], Some(&r[p + 1..])),
                        None => (r, None),
                    };
                    if word.is_empty() || word.len() > MAXUSERFLAG {
                        // The original stops at the bad keyword; what
                        // follows it is then junk.
                        rest = next;
                        break;
                    }
                    k.push(word.to_vec());
                    rest = next;
                }
                lines.push(MetaLine::Keywords(k));
                rest.unwrap_or(&[][..])
            }
            _ => {
                lines.push(MetaLine::Other);
                t
            }
        };
        if !junk.is_empty() {
            return Err(MetaError::Junk);
        }
    }
    Ok(Meta { seq, lines })
}

/// The metadata file's text.
pub fn meta_text(seq: u64, validity: u64, last: u64, newmsg: u64, keywords: &[Vec<u8>]) -> Vec<u8> {
    let mut out = seq_line(seq);
    out.extend_from_slice(
        format!("V{validity:08x}\r\nL{last:08x}\r\nN{newmsg:08x}\r\n").as_bytes(),
    );
    if !keywords.is_empty() {
        out.push(b'K');
        for (i, k) in keywords.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(k);
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// One index record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexRecord {
    pub uid: u64,
    /// Internal date fields as written (full year).
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hours: u32,
    pub minutes: u32,
    pub seconds: u32,
    pub zoccident: bool,
    pub zhours: u32,
    pub zminutes: u32,
    pub size: u64,
    pub file: u64,
    pub pos: u64,
    pub hpos: u64,
    pub hsize: u64,
}

impl IndexRecord {
    /// The internal date as the message cache holds it.
    pub fn date(&self) -> MailDate {
        MailDate::from_fields(
            self.day,
            self.month,
            self.year.wrapping_sub(BASEYEAR),
            self.hours,
            self.minutes,
            self.seconds,
            self.zoccident,
            self.zhours,
            self.zminutes,
        )
    }
}

/// Writes the date part `YYYYMMDDHHMMSS+ZZZZ` of a record.
pub fn date_text(d: &MailDate) -> String {
    let mut out = Vec::with_capacity(19);
    push_date(&mut out, d);
    String::from_utf8(out).unwrap_or_default()
}

/// [`date_text`] appended to `out`.
pub fn push_date(out: &mut Vec<u8>, d: &MailDate) {
    push_dec(out, u32::from(d.year) + BASEYEAR, 4);
    for v in [d.month, d.day, d.hours, d.minutes, d.seconds] {
        push_dec(out, u32::from(v), 2);
    }
    out.push(if d.zoccident { b'-' } else { b'+' });
    push_dec(out, u32::from(d.zhours), 2);
    push_dec(out, u32::from(d.zminutes), 2);
}

/// Parses an index record (the line without its CRLF). Err gives the
/// field the original names in its complaint and the text from there.
pub fn parse_index(line: &[u8]) -> Result<IndexRecord, (&'static str, &[u8])> {
    match parse_index_fixed(line) {
        Some(r) => Ok(r),
        None => parse_index_general(line),
    }
}

/// [`parse_index`] field by field, as `strtoul` reads them.
fn parse_index_general(line: &[u8]) -> Result<IndexRecord, (&'static str, &[u8])> {
    let Some(s) = line.strip_prefix(b":") else {
        return Err(("record", line));
    };
    if !starts_hex(s) {
        return Err(("UID", s));
    }
    let (uid, t) = hex(s);
    if uid == 0 {
        return Err(("UID", s));
    }
    let Some(t) = t.strip_prefix(b":") else {
        return Err(("internaldate", t));
    };
    let Some(mut r) = dated_record(uid, t) else {
        return Err(("internaldate", t));
    };
    let mut s = &t[19..];
    let fields: [(&'static str, &mut u64); 5] = [
        ("size", &mut r.size),
        ("file#", &mut r.file),
        ("message position", &mut r.pos),
        ("header position", &mut r.hpos),
        ("header size", &mut r.hsize),
    ];
    for (name, slot) in fields {
        match s.strip_prefix(b":") {
            Some(rest) if starts_hex(rest) => {
                let (v, after) = hex(rest);
                *slot = v;
                s = after;
            }
            _ => return Err((name, s)),
        }
    }
    if s.first() != Some(&b':') {
        return Err(("expansion", s));
    }
    Ok(r)
}

/// A record with `uid` and the internal date `YYYYMMDDHHMMSS+ZZZZ` at the
/// start of `t` (both parsers); None when `t` does not start with one.
fn dated_record(uid: u64, t: &[u8]) -> Option<IndexRecord> {
    let ok = t.len() >= 19
        && t[..14].iter().all(u8::is_ascii_digit)
        && (t[14] == b'+' || t[14] == b'-')
        && t[15..19].iter().all(u8::is_ascii_digit);
    if !ok {
        return None;
    }
    let n = |a: usize, b: usize| -> u32 {
        t[a..b]
            .iter()
            .fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'))
    };
    Some(IndexRecord {
        uid,
        year: n(0, 4),
        month: n(4, 6),
        day: n(6, 8),
        hours: n(8, 10),
        minutes: n(10, 12),
        seconds: n(12, 14),
        zoccident: t[14] == b'-',
        zhours: n(15, 17),
        zminutes: n(17, 19),
        ..Default::default()
    })
}

/// `n` hex digits, all of them digits: their value. With a ':' after
/// them (the callers check) this is what [`hex`] reads there.
fn hex_digits(s: &[u8], n: usize) -> Option<u64> {
    s.get(..n)?
        .iter()
        .try_fold(0u64, |v, &c| Some(v << 4 | hex_digit(c)?))
}

/// [`parse_index`] of a record as written (every field at its width, no
/// "0x"), read at fixed places without scanning; None: anything else,
/// which the general parser then reads or refuses.
fn parse_index_fixed(line: &[u8]) -> Option<IndexRecord> {
    // :UID:YYYYMMDDHHMMSS+ZZZZ:size:file:pos:hpos:hsize: (hex fields of 8)
    const COLONS: [usize; 8] = [0, 9, 29, 38, 47, 56, 65, 74];
    if line.len() < 75 || COLONS.iter().any(|&i| line[i] != b':') {
        return None;
    }
    let uid = hex_digits(&line[1..], 8).filter(|&u| u != 0)?;
    let field = |at: usize| hex_digits(&line[at..], 8);
    Some(IndexRecord {
        size: field(30)?,
        file: field(39)?,
        pos: field(48)?,
        hpos: field(57)?,
        hsize: field(66)?,
        ..dated_record(uid, &line[10..29])?
    })
}

/// An index record line.
pub fn index_line(
    uid: u64,
    date: &MailDate,
    size: u64,
    file: u64,
    pos: u64,
    hpos: u64,
    hsize: u64,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(72);
    push_index_line(&mut out, uid, date, size, file, pos, hpos, hsize);
    out
}

/// [`index_line`] appended to `out`.
#[allow(clippy::too_many_arguments)]
pub fn push_index_line(
    out: &mut Vec<u8>,
    uid: u64,
    date: &MailDate,
    size: u64,
    file: u64,
    pos: u64,
    hpos: u64,
    hsize: u64,
) {
    out.push(b':');
    push_hex(out, uid, 8);
    out.push(b':');
    push_date(out, date);
    for v in [size, file, pos, hpos, hsize] {
        out.push(b':');
        push_hex(out, v, 8);
    }
    out.extend_from_slice(b":\r\n");
}

/// One status record: UID, keyword bits, system flag bits, modseq.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusRecord {
    pub uid: u64,
    pub user_flags: u64,
    pub flags: u64,
    pub modseq: u64,
}

/// The status file's system flag bits (`fSEEN` ... and `fOLD`).
pub const F_SEEN: u64 = 1;
pub const F_DELETED: u64 = 2;
pub const F_FLAGGED: u64 = 4;
pub const F_ANSWERED: u64 = 8;
pub const F_OLD: u64 = 16;
pub const F_DRAFT: u64 = 32;

/// Parses a status record; None when it is malformed.
pub fn parse_status(line: &[u8]) -> Option<StatusRecord> {
    // As written (:UID:keywords:flags:modseq: at widths 8, 8, 4, 8): read
    // in place; anything else by the general reader below.
    if line.len() >= 33 && [0, 9, 18, 23, 32].iter().all(|&i| line[i] == b':') {
        let fixed = (|| {
            Some(StatusRecord {
                uid: hex_digits(&line[1..], 8)?,
                user_flags: hex_digits(&line[10..], 8)?,
                flags: hex_digits(&line[19..], 4)?,
                modseq: hex_digits(&line[24..], 8)?,
            })
        })();
        if fixed.is_some() {
            return fixed;
        }
    }
    parse_status_general(line)
}

/// [`parse_status`] field by field, as `strtoul` reads them.
fn parse_status_general(line: &[u8]) -> Option<StatusRecord> {
    let mut s = line.strip_prefix(b":")?;
    let mut v = [0u64; 4];
    for slot in v.iter_mut() {
        if !starts_hex(s) {
            return None;
        }
        let (x, rest) = hex(s);
        *slot = x;
        s = rest.strip_prefix(b":")?;
    }
    Some(StatusRecord {
        uid: v[0],
        user_flags: v[1],
        flags: v[2],
        modseq: v[3],
    })
}

/// A status record line.
pub fn status_line(r: &StatusRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(40);
    push_status_line(&mut out, r);
    out
}

/// [`status_line`] appended to `out`.
pub fn push_status_line(out: &mut Vec<u8>, r: &StatusRecord) {
    // Every field within its width (the usual case): the line has a fixed
    // shape and is built in place, a tenth of the digit-by-digit cost (the
    // status file is rewritten whole at every flag change).
    let small = |v: u64, max: u64| v <= max;
    if small(r.uid, 0xffff_ffff)
        && small(r.user_flags, 0xffff_ffff)
        && small(r.flags, 0xffff)
        && small(r.modseq, 0xffff_ffff)
    {
        let mut line = *b":00000000:00000000:0000:00000000:\r\n";
        line[1..9].copy_from_slice(&hex8(r.uid as u32));
        line[10..18].copy_from_slice(&hex8(r.user_flags as u32));
        line[19..23].copy_from_slice(&hex8(r.flags as u32)[4..]);
        line[24..32].copy_from_slice(&hex8(r.modseq as u32));
        out.extend_from_slice(&line);
        return;
    }
    out.push(b':');
    push_hex(out, r.uid, 8);
    out.push(b':');
    push_hex(out, r.user_flags, 8);
    out.push(b':');
    push_hex(out, r.flags, 4);
    out.push(b':');
    push_hex(out, r.modseq, 8);
    out.extend_from_slice(b":\r\n");
}

/// `x` as eight lower-case hex digits, all at once: each nibble is spread
/// into a byte of its own (most significant first), then turned into its
/// digit with a carry that marks the nibbles above 9.
fn hex8(x: u32) -> [u8; 8] {
    let x = u64::from(x);
    let mut v = ((x & 0xffff_0000) << 16) | (x & 0xffff);
    v = ((v & 0x0000_ff00_0000_ff00) << 8) | (v & 0x0000_00ff_0000_00ff);
    v = ((v & 0x00f0_00f0_00f0_00f0) << 4) | (v & 0x000f_000f_000f_000f);
    let above9 = ((v + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    (v + 0x3030_3030_3030_3030 + above9 * (b'a' - b'0' - 10) as u64).to_be_bytes()
}

/// The header each message has in a data file.
pub fn message_header(uid: u64, date: &MailDate, size: u64) -> Vec<u8> {
    let mut out = MSGTOK.to_vec();
    out.extend_from_slice(format!("{uid:08x}:{}:{size:08x}:\r\n", date_text(date)).as_bytes());
    out
}

/// Checks a data file message header as the original does before showing
/// the message: the token, the UID, and a non-zero size field that ends
/// before the message. Returns the size it records.
pub fn check_message_header(buf: &[u8], uid: u64, hoff: usize) -> Option<u64> {
    let s = buf.strip_prefix(MSGTOK)?;
    let (u, s) = hex(s);
    if u != uid {
        return None;
    }
    let s = s.strip_prefix(b":")?;
    let colon = s.iter().position(|&c| c == b':')?;
    let s = &s[colon + 1..];
    let (k, rest) = hex(s);
    if k == 0 {
        return None;
    }
    rest.strip_prefix(b":")?;
    let consumed = buf.len() - rest.len();
    (consumed < hoff).then_some(k)
}

/// `mix_select`: a data file name (".mix" then hex digits, or nothing);
/// its number.
pub fn data_file_number(name: &[u8]) -> Option<u64> {
    let rest = name.strip_prefix(MIXNAME)?;
    if !rest.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    Some(if rest.is_empty() { 0 } else { hex(rest).0 })
}

/// Length of the per-message header in data files.
pub fn message_header_len() -> u64 {
    message_header(0, &MailDate::default(), 0).len() as u64
}

/// Where the header of a message ends: after the first CRLF CRLF, else the
/// whole message.
pub fn header_size(msg: &[u8]) -> u64 {
    match msg.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(p) => (p + 4) as u64,
        None => msg.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_as_printf_writes_them() {
        for v in [
            0u64,
            1,
            0xf,
            0x10,
            0xabcd,
            0xffff_ffff,
            0x1_0000_0000,
            u64::MAX,
        ] {
            let r = StatusRecord {
                uid: v,
                user_flags: v ^ 0x55,
                flags: v & 0x3f,
                modseq: v.wrapping_add(7),
            };
            let want = format!(
                ":{:08x}:{:08x}:{:04x}:{:08x}:\r\n",
                r.uid, r.user_flags, r.flags, r.modseq
            );
            assert_eq!(status_line(&r), want.as_bytes());
            assert_eq!(hex(&want.as_bytes()[1..]).0, v);
        }
        let d = MailDate::from_fields(7, 3, 2024 - BASEYEAR, 4, 5, 6, true, 1, 30);
        let want = format!(
            ":{:08x}:{:04}{:02}{:02}{:02}{:02}{:02}-{:02}{:02}:{:08x}:{:08x}:{:08x}:{:08x}:{:08x}:\r\n",
            0x1234, 2024, 3, 7, 4, 5, 6, 1, 30, 99, 2, 0x1_0000_0000u64, 5, 6
        );
        assert_eq!(
            index_line(0x1234, &d, 99, 2, 0x1_0000_0000, 5, 6),
            want.as_bytes()
        );
        assert_eq!(hex(b"fffffffffffffffff").0, u64::MAX);
    }

    #[test]
    fn fixed_place_readers_agree_with_the_general_ones() {
        let d = MailDate::from_fields(7, 3, 2024 - BASEYEAR, 4, 5, 6, true, 1, 30);
        let good = index_line(0x1234, &d, 0xabcdef, 2, 0x1000_0000, 5, 0xdeadbeef);
        let mut lines: Vec<Vec<u8>> = vec![good[..good.len() - 2].to_vec()];
        // Each byte of the record in turn made into something else.
        for i in 0..75 {
            for c in [b'0', b'9', b'a', b'F', b'x', b':', b'-', b' '] {
                let mut l = lines[0].clone();
                l[i] = c;
                lines.push(l);
            }
        }
        for l in &lines {
            let fixed = parse_index_fixed(l);
            match parse_index_general(l) {
                Ok(r) => {
                    if let Some(f) = &fixed {
                        assert_eq!(f, &r, "{}", String::from_utf8_lossy(l));
                    }
                }
                Err(_) => assert!(fixed.is_none(), "{}", String::from_utf8_lossy(l)),
            }
        }
        assert!(parse_index_fixed(&lines[0]).is_some());
        // Status records the same way.
        let good = status_line(&StatusRecord {
            uid: 0x12,
            user_flags: 0xf0f0,
            flags: 0x3f,
            modseq: 0x9abc,
        });
        let base = good[..good.len() - 2].to_vec();
        for i in 0..base.len() {
            for c in [b'0', b'f', b'G', b'x', b':', b' '] {
                let mut l = base.clone();
                l[i] = c;
                let fast = parse_status(&l);
                assert_eq!(
                    fast,
                    parse_status_general(&l),
                    "{}",
                    String::from_utf8_lossy(&l)
                );
            }
        }
    }

    #[test]
    fn status_lines_in_place_match_printf() {
        // Every nibble value in every place, and fields at and past their
        // widths (past: the digit-by-digit path).
        let mut values: Vec<u64> = (0..16u64).map(|d| d * 0x1111_1111).collect();
        values.extend([
            0x0123_4567,
            0x89ab_cdef,
            0xfedc_ba98,
            0xffff,
            0x1_0000,
            0x1_0000_0000,
        ]);
        for &v in &values {
            for flags in [0u64, 0x9, 0xa, 0xabcd, 0xffff, 0x1_0000] {
                let r = StatusRecord {
                    uid: v,
                    user_flags: v.rotate_left(4) & 0xffff_ffff,
                    flags,
                    modseq: v ^ 0x0f0f_0f0f,
                };
                let want = format!(
                    ":{:08x}:{:08x}:{:04x}:{:08x}:\r\n",
                    r.uid, r.user_flags, r.flags, r.modseq
                );
                let mut got = b"x".to_vec();
                push_status_line(&mut got, &r);
                assert_eq!(&got[1..], want.as_bytes(), "{r:?}");
            }
        }
    }

    #[test]
    fn meta_round_trip() {
        let k = vec![b"one".to_vec(), b"two".to_vec()];
        let text = meta_text(0x10, 0x20, 3, 0x20, &k);
        let m = parse_meta(&text).unwrap();
        assert_eq!(m.seq, 0x10);
        assert_eq!(
            m.lines,
            vec![
                MetaLine::Validity(0x20),
                MetaLine::Last(3),
                MetaLine::NewMsg(0x20),
                MetaLine::Keywords(k)
            ]
        );
        assert_eq!(parse_meta(b"S1\r\nV0\r\n"), Err(MetaError::Validity));
        assert_eq!(parse_meta(b"S1\r\nL1"), Err(MetaError::Junk));
        assert_eq!(parse_meta(b"X"), Err(MetaError::Sequence));
        assert_eq!(parse_meta(b"S1\r\n\r\n"), Err(MetaError::Junk));
    }

    #[test]
    fn index_round_trip() {
        let d = MailDate::from_fields(6, 12, 56, 10, 11, 12, true, 5, 0);
        let line = index_line(7, &d, 100, 0x55, 0, 45, 30);
        let r = parse_index(&line[..line.len() - 2]).unwrap();
        assert_eq!(
            (r.uid, r.size, r.file, r.hpos, r.hsize),
            (7, 100, 0x55, 45, 30)
        );
        assert_eq!(r.date(), d);
        assert!(parse_index(b":1:2026").is_err());
    }

    #[test]
    fn status_and_header() {
        let r = StatusRecord {
            uid: 3,
            user_flags: 5,
            flags: F_SEEN | F_OLD,
            modseq: 9,
        };
        let l = status_line(&r);
        assert_eq!(parse_status(&l[..l.len() - 2]), Some(r));
        let d = MailDate::default();
        let h = message_header(3, &d, 77);
        assert_eq!(h.len() as u64, message_header_len());
        assert_eq!(check_message_header(&h, 3, h.len()), Some(77));
        assert_eq!(check_message_header(&h, 4, h.len()), None);
        assert_eq!(data_file_number(b".mix0000001f"), Some(31));
        assert_eq!(data_file_number(b".mixmeta"), None);
    }
}
