//! The bytes of an mbx file: the 2048-byte block at the front and the
//! line before each message. Pure functions over byte slices, so that they
//! can be tested and fuzzed without files.
//!
//! The block: `*mbx*` CRLF, the UID validity and the last UID as eight
//! hex digits each, CRLF, then one line per keyword slot (a name, or empty
//! once the names run out), NUL padding, and the PID of the last process
//! that changed flags as eight hex digits and CRLF in the last ten bytes.
//!
//! Each message: `<internal date>,<size>;<keywords:8 hex><flags:4 hex>-<uid:8 hex>`
//! CRLF, then `size` bytes of message (CRLF line ends).

use crate::store::common::push_hex;
use crate::store::flags::Flags;

/// Size of the block at the front of the file.
pub const HDRSIZE: usize = 2048;
/// Keyword slots in the block.
pub const NUSERFLAGS: usize = 30;
/// Longest keyword name kept.
pub const MAXUSERFLAG: usize = 50;

/// Flag bits of the per-message line.
pub const F_SEEN: u32 = 0x1;
pub const F_DELETED: u32 = 0x2;
pub const F_FLAGGED: u32 = 0x4;
pub const F_ANSWERED: u32 = 0x8;
pub const F_OLD: u32 = 0x10;
pub const F_DRAFT: u32 = 0x20;
pub const F_EXPUNGED: u32 = 0x8000;

/// Offset of the last-UID digits in the block.
pub const UID_LAST_OFFSET: u64 = 15;

/// The system flags of an on-disk flag word.
pub fn flags_of(word: u32) -> Flags {
    let mut f = Flags::NONE;
    f = f.with(Flags::SEEN, word & F_SEEN != 0);
    f = f.with(Flags::DELETED, word & F_DELETED != 0);
    f = f.with(Flags::FLAGGED, word & F_FLAGGED != 0);
    f = f.with(Flags::ANSWERED, word & F_ANSWERED != 0);
    f.with(Flags::DRAFT, word & F_DRAFT != 0)
}

/// The on-disk flag word of system flags (without `F_OLD`/`F_EXPUNGED`).
pub fn word_of(f: Flags) -> u32 {
    let mut w = 0;
    if f.contains(Flags::SEEN) {
        w |= F_SEEN;
    }
    if f.contains(Flags::DELETED) {
        w |= F_DELETED;
    }
    if f.contains(Flags::FLAGGED) {
        w |= F_FLAGGED;
    }
    if f.contains(Flags::ANSWERED) {
        w |= F_ANSWERED;
    }
    if f.contains(Flags::DRAFT) {
        w |= F_DRAFT;
    }
    w
}

fn hex_value(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// Whether `block` starts as an mbx file does (the magic and the two
/// eight-digit hex numbers), the test the original applies.
pub fn is_mbx(block: &[u8]) -> bool {
    block.len() >= HDRSIZE
        && &block[..7] == b"*mbx*\r\n"
        && block[7..23].iter().all(u8::is_ascii_hexdigit)
        && &block[23..25] == b"\r\n"
}

/// What the block holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderBlock {
    pub uid_validity: u32,
    pub uid_last: u32,
    /// Keyword names by slot; a slot whose name is too long stays None.
    pub keywords: Vec<Option<Vec<u8>>>,
    /// PID of the last flag writer, 0 when the block carries none.
    pub last_pid: u32,
}

/// Reads the block (which must satisfy [`is_mbx`]).
pub fn parse_block(block: &[u8]) -> Option<HeaderBlock> {
    if !is_mbx(block) {
        return None;
    }
    let block = &block[..HDRSIZE];
    let uid_validity = hex_value(&block[7..15])?;
    let uid_last = hex_value(&block[15..23])?;
    let mut keywords = Vec::new();
    let mut at = 25;
    while keywords.len() < NUSERFLAGS && at < HDRSIZE {
        // A name runs to the next CR; a NUL first ends the list.
        let rest = &block[at..];
        let Some(end) = rest.iter().position(|&c| c == b'\r' || c == 0) else {
            break;
        };
        if end == 0 || rest[end] == 0 {
            break;
        }
        let name = &rest[..end];
        keywords.push((name.len() <= MAXUSERFLAG).then(|| name.to_vec()));
        at += end + 2;
    }
    let tail = &block[HDRSIZE - 10..];
    let last_pid = if &tail[8..] == b"\r\n" {
        hex_value(&tail[..8]).unwrap_or(0)
    } else {
        0
    };
    Some(HeaderBlock {
        uid_validity,
        uid_last,
        keywords,
        last_pid,
    })
}

/// The block the original writes when it rewrites it: names up to the
/// first empty slot, empty lines for the remaining slots, the PID at the
/// end.
pub fn write_block(validity: u32, uid_last: u32, keywords: &[Vec<u8>], pid: u32) -> Vec<u8> {
    let mut b = format!("*mbx*\r\n{validity:08x}{uid_last:08x}\r\n").into_bytes();
    let mut n = 0;
    for k in keywords.iter().take(NUSERFLAGS) {
        b.extend_from_slice(k);
        b.extend_from_slice(b"\r\n");
        n += 1;
    }
    for _ in n..NUSERFLAGS {
        b.extend_from_slice(b"\r\n");
    }
    b.resize(HDRSIZE - 10, 0);
    b.extend_from_slice(format!("{pid:08x}\r\n").as_bytes());
    b.truncate(HDRSIZE);
    b
}

/// The block of a new mailbox: a line for every slot, no PID.
pub fn new_block(validity: u32, keywords: &[Vec<u8>]) -> Vec<u8> {
    let mut b = format!("*mbx*\r\n{validity:08x}00000000\r\n").into_bytes();
    for i in 0..NUSERFLAGS {
        if let Some(k) = keywords.get(i) {
            b.extend_from_slice(k);
        }
        b.extend_from_slice(b"\r\n");
    }
    b.resize(HDRSIZE, 0);
    b
}

/// One parsed message line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The internal date text (before the comma).
    pub date: Vec<u8>,
    /// Message size in bytes.
    pub size: u64,
    pub keywords: u32,
    /// The flag word (F_* bits).
    pub flags: u32,
    pub uid: u32,
    /// Length of the line with its CRLF (where the message starts).
    pub line_len: usize,
}

/// Why a message line could not be read; each the original's error text
/// (without the position, which the caller adds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    NoCrlf,
    Header,
    Flags,
    Uid,
    Size,
}

/// `strtoul(s, &end, 10)` on a field: optional blanks and sign, digits.
/// Returns the value (None on overflow) and whether anything followed.
fn decimal(s: &[u8]) -> (Option<u64>, bool) {
    let mut i = s
        .iter()
        .position(|c| !b" \t\n\x0b\x0c\r".contains(c))
        .unwrap_or(s.len());
    let start = i;
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let digits_start = i;
    let mut v: Option<u64> = Some(0);
    while i < s.len() && s[i].is_ascii_digit() {
        v = v
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(u64::from(s[i] - b'0')));
        i += 1;
    }
    if i == digits_start {
        // No number at all: strtoul leaves the end at the start.
        return (Some(0), start < s.len() || !s.is_empty());
    }
    if negative && v != Some(0) {
        v = None;
    }
    (v, i < s.len())
}

/// Parses the line at the start of `buf` (the original reads at most 64
/// bytes for it; a line without CRLF in them is an error).
pub fn parse_record(buf: &[u8]) -> Result<Record, RecordError> {
    let buf = &buf[..buf.len().min(64)];
    // The original works on a C string: a NUL ends the data.
    let buf = match memchr::memchr(0, buf) {
        Some(n) => &buf[..n],
        None => buf,
    };
    // strchr finds the first CR: if it is not followed by LF, no line.
    let cr = memchr::memchr(b'\r', buf)
        .filter(|&p| buf.get(p + 1) == Some(&b'\n'))
        .ok_or(RecordError::NoCrlf)?;
    let line = &buf[..cr];
    let comma = memchr::memchr(b',', line).ok_or(RecordError::Header)?;
    let semi = comma + 1 + memchr::memchr(b';', &line[comma + 1..]).ok_or(RecordError::Header)?;
    let t = &line[semi..];
    if t.len() < 13 || !t[1..13].iter().all(u8::is_ascii_hexdigit) {
        return Err(RecordError::Flags);
    }
    if t.len() != 22 || t[13] != b'-' || !t[14..22].iter().all(u8::is_ascii_hexdigit) {
        return Err(RecordError::Uid);
    }
    let (size, trailing) = decimal(&line[comma + 1..semi]);
    let size = match size {
        Some(0) if !trailing => return Err(RecordError::Size),
        Some(n) => n,
        None => u64::MAX,
    };
    Ok(Record {
        date: line[..comma].to_vec(),
        size,
        keywords: hex_value(&t[1..9]).unwrap_or(0),
        flags: hex_value(&t[9..13]).unwrap_or(0),
        uid: hex_value(&t[14..22]).unwrap_or(0),
        line_len: cr + 2,
    })
}

/// The status part of a message line (keywords, flags, `-`, UID: 21
/// bytes), as written in place at `line_len - 23`.
pub fn status_text(keywords: u32, flags: u32, uid: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(21);
    push_hex(&mut out, u64::from(keywords), 8);
    push_hex(&mut out, u64::from(flags & 0xffff), 4);
    out.push(b'-');
    push_hex(&mut out, u64::from(uid), 8);
    out
}

/// A whole message line.
pub fn record_line(date: &[u8], size: u64, keywords: u32, flags: u32, uid: u32) -> Vec<u8> {
    let mut l = date.to_vec();
    l.extend_from_slice(format!(",{size};").as_bytes());
    l.extend_from_slice(&status_text(keywords, flags, uid));
    l.extend_from_slice(b"\r\n");
    l
}

/// Reads the 14 bytes `;KKKKKKKKFFFF-` that precede the UID of a message
/// line: keywords and flag word, or None when they are not there.
pub fn parse_status(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() < 14 || b[0] != b';' || b[13] != b'-' {
        return None;
    }
    Some((
        hex_value(&b[1..9]).unwrap_or(0),
        hex_value(&b[9..13]).unwrap_or(0),
    ))
}

/// Length of the header of a message: through the first blank line
/// (CRLF CRLF), or the whole message when there is none.
pub fn header_len(msg: &[u8]) -> usize {
    crate::store::common::find_crlf_crlf(msg).map_or(msg.len(), |p| p + 4)
}

/// A whole file walked as the driver walks it: the block, then each
/// message line and its size, stopping at the first line that cannot be
/// read or a message that runs past the end. Returns the block, the
/// records with their offsets, and the offset and error where it stopped.
#[allow(clippy::type_complexity)]
pub fn scan(data: &[u8]) -> Option<(HeaderBlock, Vec<(u64, Record)>, Option<(u64, RecordError)>)> {
    let block = parse_block(data)?;
    let mut out = Vec::new();
    let mut pos = HDRSIZE as u64;
    let len = data.len() as u64;
    while pos < len {
        let rest = &data[pos as usize..];
        let r = match parse_record(rest) {
            Ok(r) => r,
            Err(e) => return Some((block, out, Some((pos, e)))),
        };
        let end = pos
            .checked_add(r.line_len as u64)
            .and_then(|p| p.checked_add(r.size))
            .filter(|&e| e <= len);
        let Some(end) = end else {
            return Some((block, out, Some((pos, RecordError::Size))));
        };
        out.push((pos, r));
        pos = end;
    }
    Some((block, out, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_round_trip() {
        let kw = vec![b"alpha".to_vec(), b"beta".to_vec()];
        let b = write_block(0x1234, 7, &kw, 0x99);
        assert_eq!(b.len(), HDRSIZE);
        assert!(is_mbx(&b));
        let h = parse_block(&b).unwrap();
        assert_eq!(h.uid_validity, 0x1234);
        assert_eq!(h.uid_last, 7);
        assert_eq!(h.keywords, vec![Some(kw[0].clone()), Some(kw[1].clone())]);
        assert_eq!(h.last_pid, 0x99);
        let n = new_block(5, &kw);
        let h = parse_block(&n).unwrap();
        assert_eq!(h.last_pid, 0);
        assert_eq!(h.keywords.len(), 2);
    }

    #[test]
    fn record_round_trip() {
        let l = record_line(b" 1-Jan-2020 00:00:00 +0000", 42, 3, F_SEEN | F_OLD, 9);
        let r = parse_record(&l).unwrap();
        assert_eq!(r.size, 42);
        assert_eq!(r.keywords, 3);
        assert_eq!(r.flags, F_SEEN | F_OLD);
        assert_eq!(r.uid, 9);
        assert_eq!(r.line_len, l.len());
        assert_eq!(parse_status(&l[l.len() - 24..]), Some((3, F_SEEN | F_OLD)));
    }

    #[test]
    fn bad_records() {
        assert_eq!(parse_record(b"abc"), Err(RecordError::NoCrlf));
        assert_eq!(parse_record(b"abc\r\n"), Err(RecordError::Header));
        assert_eq!(parse_record(b"d,1;zz\r\n"), Err(RecordError::Flags));
        assert_eq!(
            parse_record(b"d,1;000000000000x00000000\r\n"),
            Err(RecordError::Uid)
        );
        assert_eq!(
            parse_record(b"d,0;000000000000-00000000\r\n"),
            Err(RecordError::Size)
        );
        assert!(!is_mbx(b"*mbx*\r\n"));
    }
}
