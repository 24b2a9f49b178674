//! The on-disk shapes shared by the tenex and mtx formats: before each
//! message one line `<internal date>,<size>;<flag word>` ending in LF
//! (tenex, whose messages are kept with bare LFs) or CRLF (mtx, whose
//! messages are kept as given, with CRLFs). The flag word is twelve octal
//! digits: ten for the keywords, numbered backwards from bit 29 (keyword
//! 0 is bit 29), then two for the system flags with the original's bit
//! positions (`fSEEN` 1, `fDELETED` 2, `fFLAGGED` 4, `fANSWERED` 8, `fOLD`
//! 16 for "seen by a session", `fDRAFT` 32).
//!
//! The parsers here work on the bytes the original looks at (the first 64
//! bytes of a line) with its C-string rules, so damaged lines are judged
//! as it judges them.

use crate::store::flags::Flags;

/// Which of the two formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Tenex,
    Mtx,
}

pub const F_SEEN: u32 = 0x1;
pub const F_DELETED: u32 = 0x2;
pub const F_FLAGGED: u32 = 0x4;
pub const F_ANSWERED: u32 = 0x8;
pub const F_OLD: u32 = 0x10;
pub const F_DRAFT: u32 = 0x20;

/// Bytes of a line the original reads to parse it.
pub const LINE_PEEK: usize = 64;
/// Keyword slots of the flag word.
pub const KEYWORD_BITS: u32 = 30;

impl Kind {
    /// The driver's name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tenex => "tenex",
            Kind::Mtx => "mtx",
        }
    }
    /// The line end of the per-message lines.
    pub fn eol(self) -> &'static [u8] {
        match self {
            Kind::Tenex => b"\n",
            Kind::Mtx => b"\r\n",
        }
    }
    /// The file INBOX names when `~/INBOX` is not of the format.
    pub fn inbox_file(self) -> &'static [u8] {
        match self {
            Kind::Tenex => b"mail.txt",
            Kind::Mtx => b"INBOX.MTX",
        }
    }
    /// How the append refusals name the format.
    pub fn append_label(self) -> &'static [u8] {
        match self {
            Kind::Tenex => b"TENEX",
            Kind::Mtx => b"MTX",
        }
    }
    /// How the copy refusals name the format.
    pub fn copy_label(self) -> &'static [u8] {
        match self {
            Kind::Tenex => b"Tenex",
            Kind::Mtx => b"MTX",
        }
    }
    /// Bytes from the flag word's start to the end of its line.
    pub fn flag_word_back(self) -> u64 {
        12 + self.eol().len() as u64
    }
    /// A message as stored: tenex drops every CR, mtx keeps the bytes.
    pub fn stored_form(self, message: &[u8]) -> Vec<u8> {
        match self {
            Kind::Tenex => message.iter().copied().filter(|&c| c != b'\r').collect(),
            Kind::Mtx => message.to_vec(),
        }
    }
    /// Header length of a stored message (up to and with the blank line;
    /// the whole message when there is none).
    pub fn header_len(self, msg: &[u8]) -> usize {
        match self {
            Kind::Tenex => crate::store::common::find_lf_lf(msg).map_or(msg.len(), |p| p + 2),
            Kind::Mtx => crlf_blank_line(msg).unwrap_or(msg.len()),
        }
    }
}

/// The original's mtx header search: a four-state walk for CR LF CR LF in
/// which a byte that breaks the sequence is not looked at again as a new
/// start. The length up to and with the blank line.
fn crlf_blank_line(msg: &[u8]) -> Option<usize> {
    let mut q = 0;
    let mut i = 0;
    while i < msg.len() {
        if q == 0 {
            // Only a CR leaves the first state: skip to the next one.
            i += memchr::memchr(b'\r', &msg[i..])?;
            q = 1;
        } else {
            q = match (q, msg[i]) {
                (2, b'\r') => 3,
                (1, b'\n') => 2,
                (3, b'\n') => return Some(i + 1),
                _ => 0,
            };
        }
        i += 1;
    }
    None
}

/// `strcrlflen` over a stored message: its size with bare LFs as CRLF.
pub fn crlf_size(msg: &[u8]) -> u64 {
    let mut n = msg.len() as u64;
    let mut prev = 0u8;
    for &c in msg {
        if c == b'\n' && prev != b'\r' {
            n += 1;
        }
        prev = c;
    }
    n
}

/// The LFs of `piece` without a CR before them (`prev`: the byte before
/// the piece, 0 at the start): what [`crlf_size`] adds, counted piece by
/// piece.
pub fn bare_newlines(piece: &[u8], prev: u8) -> u64 {
    let Some(&first) = piece.first() else {
        return 0;
    };
    let mut n = u64::from(first == b'\n' && prev != b'\r');
    // Each byte against the one before it, without branches, counted in
    // byte-wide sums of at most 255 (a loop the compiler turns into vector
    // compares: a message has a line end every few dozen bytes, too many
    // for a search per line to pay).
    let (cur, before) = (&piece[1..], &piece[..piece.len() - 1]);
    for (c, b) in cur.chunks(255).zip(before.chunks(255)) {
        let k = c.iter().zip(b).fold(0u8, |k, (&x, &y)| {
            k.wrapping_add(u8::from(x == b'\n') & u8::from(y != b'\r'))
        });
        n += u64::from(k);
    }
    n
}

/// C's `strchr` on a NUL-padded buffer: the first `c` at or after `from`
/// before a NUL (bytes past the end read as NUL).
fn strchr(buf: &[u8], from: usize, c: u8) -> Option<usize> {
    let mut i = from;
    while i < buf.len() {
        match buf[i] {
            0 => return None,
            b if b == c => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The end of a line in `buf` (at the LF for tenex, at the CR of the CRLF
/// for mtx) as the original finds it, and where the next line starts.
fn line_end(kind: Kind, buf: &[u8]) -> Option<(usize, usize)> {
    match kind {
        Kind::Tenex => {
            let s = strchr(buf, 0, b'\n')?;
            Some((s, s + 1))
        }
        Kind::Mtx => {
            let s = strchr(buf, 0, b'\r')?;
            (buf.get(s + 1) == Some(&b'\n')).then_some((s, s + 2))
        }
    }
}

/// How the first line of a non-empty file looks to `tenex_isvalid` /
/// `mtx_isvalid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstLine {
    /// Shaped like a message line of the format.
    Valid,
    /// A line of the right ending, but not shaped like one (errno stays
    /// EINVAL in the original).
    Misshapen,
    /// No line of the format's ending in the bytes read (errno -1).
    NoLine,
}

/// Judges the first `head` bytes of a file (at most [`LINE_PEEK`]).
pub fn first_line(kind: Kind, head: &[u8]) -> FirstLine {
    let mut tmp = [0u8; 2 * LINE_PEEK + 32];
    let n = head.len().min(LINE_PEEK);
    tmp[..n].copy_from_slice(&head[..n]);
    let end = match kind {
        Kind::Tenex => match strchr(&tmp, 0, b'\n') {
            // A CR just before the LF is the other format.
            Some(s) if s == 0 || tmp[s - 1] != b'\r' => Some(s),
            _ => None,
        },
        Kind::Mtx => line_end(kind, &tmp).map(|(s, _)| s),
    };
    let Some(s) = end else {
        return FirstLine::NoLine;
    };
    tmp[s] = 0;
    let dashes = (tmp[2] == b'-' && tmp[6] == b'-') || (tmp[1] == b'-' && tmp[5] == b'-');
    let fields = strchr(&tmp, 18, b',').is_some_and(|c| strchr(&tmp, c + 2, b';').is_some());
    if dashes && fields {
        FirstLine::Valid
    } else {
        FirstLine::Misshapen
    }
}

/// One message line as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The internal date text (to be parsed as an IMAP date).
    pub date: Vec<u8>,
    /// The size field: the stored message's length.
    pub size: u64,
    /// The size and flag fields as written (for error texts).
    pub size_text: Vec<u8>,
    pub word: Vec<u8>,
    /// The keyword part of the flag word (ten octal digits' value).
    pub user_word: u32,
    /// The system part of the flag word.
    pub system: u32,
    /// Length of the line with its ending.
    pub line_len: usize,
}

/// Why a message line could not be read, with what the original shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// No line ending in the bytes read (their text up to a NUL).
    NoLine(Vec<u8>),
    /// No `,` then `;` in the line.
    Fields(Vec<u8>),
    /// A field is bad: the date part, size part and flag part.
    Elements(Vec<u8>, Vec<u8>, Vec<u8>),
}

/// `strtoul(s, &end, 10)` as C does it: leading white space, a sign, then
/// digits (wrapping as an unsigned long; saturating on overflow). The
/// value and whether the whole text was consumed.
fn strtoul10(s: &[u8]) -> (u64, bool) {
    let mut i = s
        .iter()
        .position(|c| !b" \t\n\r\x0b\x0c".contains(c))
        .unwrap_or(s.len());
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
    let start = i;
    let mut v: u64 = 0;
    let mut over = false;
    while let Some(d) = s.get(i).filter(|d| d.is_ascii_digit()) {
        match v
            .checked_mul(10)
            .and_then(|x| x.checked_add(u64::from(d - b'0')))
        {
            Some(x) => v = x,
            None => over = true,
        }
        i += 1;
    }
    if i == start {
        // No digits: nothing is consumed.
        return (0, s.is_empty());
    }
    let v = if over {
        u64::MAX
    } else if neg {
        v.wrapping_neg()
    } else {
        v
    };
    (v, i == s.len())
}

/// The value of the leading octal digits of `s` (as `strtoul(s, NIL, 8)`
/// on a digit string).
fn octal(s: &[u8]) -> u32 {
    let mut v: u32 = 0;
    for &c in s.iter().take_while(|c| (b'0'..=b'7').contains(c)) {
        v = v.wrapping_mul(8).wrapping_add(u32::from(c - b'0'));
    }
    v
}

/// Reads the flag word's twelve characters: (keyword part, system part).
pub fn parse_flag_word(t: &[u8]) -> (u32, u32) {
    let user = octal(&t[..t.len().min(10)]);
    let digit =
        |i: usize| u32::from(t.get(i).copied().unwrap_or(b'0')).wrapping_sub(u32::from(b'0'));
    let system = digit(10).wrapping_mul(8).wrapping_add(digit(11));
    (user, system)
}

/// Parses the line at the start of `chunk` (the bytes the original reads:
/// at most [`LINE_PEEK`], a NUL among them ends the text). The date is
/// not checked here.
pub fn parse_record(kind: Kind, chunk: &[u8]) -> Result<Record, RecordError> {
    let buf = &chunk[..chunk.len().min(LINE_PEEK)];
    let text = match buf.iter().position(|&c| c == 0) {
        Some(n) => &buf[..n],
        None => buf,
    };
    let Some((s, next)) = line_end(kind, buf) else {
        return Err(RecordError::NoLine(text.to_vec()));
    };
    let line = &buf[..s];
    let comma = line.iter().position(|&c| c == b',');
    let semi = comma.and_then(|c| {
        line[c + 1..]
            .iter()
            .position(|&x| x == b';')
            .map(|p| c + 1 + p)
    });
    let (Some(c), Some(t)) = (comma, semi) else {
        return Err(RecordError::Fields(line.to_vec()));
    };
    let (date, size_text, word) = (&line[..c], &line[c + 1..t], &line[t + 1..]);
    let (size, whole) = strtoul10(size_text);
    if size == 0 || !whole || word.len() != 12 || !word.iter().all(u8::is_ascii_digit) {
        return Err(RecordError::Elements(
            date.to_vec(),
            size_text.to_vec(),
            word.to_vec(),
        ));
    }
    let (user_word, system) = parse_flag_word(word);
    Ok(Record {
        date: date.to_vec(),
        size,
        size_text: size_text.to_vec(),
        word: word.to_vec(),
        user_word,
        system,
        line_len: next,
    })
}

/// Keyword bits (bit `i` = keyword `i`) of a flag word's keyword part.
pub fn keywords_of_word(word: u32) -> u32 {
    let mut kw = 0;
    for b in 0..KEYWORD_BITS {
        if word & (1 << b) != 0 {
            kw |= 1 << (KEYWORD_BITS - 1 - b);
        }
    }
    kw
}

/// The keyword part of a flag word for keyword bits `kw` (keywords past
/// the thirtieth cannot be stored).
pub fn word_of_keywords(kw: u32) -> u32 {
    let mut word = 0;
    for i in 0..KEYWORD_BITS {
        if kw & (1 << i) != 0 {
            word |= 1 << (KEYWORD_BITS - 1 - i);
        }
    }
    word
}

/// The flags a system part holds.
pub fn flags_of(system: u32) -> Flags {
    let mut f = Flags::NONE;
    f = f.with(Flags::SEEN, system & F_SEEN != 0);
    f = f.with(Flags::DELETED, system & F_DELETED != 0);
    f = f.with(Flags::FLAGGED, system & F_FLAGGED != 0);
    f = f.with(Flags::ANSWERED, system & F_ANSWERED != 0);
    f.with(Flags::DRAFT, system & F_DRAFT != 0)
}

/// The system part for `flags` (without `fOLD`).
pub fn system_of(flags: Flags) -> u32 {
    flags.system_word()
}

/// The flag word's text.
pub fn flag_word(user_word: u32, system: u32) -> Vec<u8> {
    format!("{user_word:010o}{system:02o}").into_bytes()
}

/// A message line.
pub fn record_line(kind: Kind, date: &[u8], size: u64, user_word: u32, system: u32) -> Vec<u8> {
    let mut line = date.to_vec();
    line.extend_from_slice(format!(",{size};").as_bytes());
    line.extend_from_slice(&flag_word(user_word, system));
    line.extend_from_slice(kind.eol());
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip() {
        for kind in [Kind::Tenex, Kind::Mtx] {
            let line = record_line(
                kind,
                b" 6-Dec-2026 20:45:49 +0000",
                1234,
                0o4000000001,
                0o21,
            );
            let r = parse_record(kind, &line).unwrap();
            assert_eq!((r.size, r.user_word, r.system), (1234, 0o4000000001, 0o21));
            assert_eq!(r.line_len, line.len());
            assert_eq!(first_line(kind, &line), FirstLine::Valid);
        }
        let t = record_line(Kind::Tenex, b"06-Dec-2026 20:45:49 +0000", 5, 0, 0);
        assert_eq!(first_line(Kind::Mtx, &t), FirstLine::NoLine);
        let m = record_line(Kind::Mtx, b"06-Dec-2026 20:45:49 +0000", 5, 0, 0);
        assert_eq!(first_line(Kind::Tenex, &m), FirstLine::NoLine);
        assert_eq!(first_line(Kind::Tenex, b"From x\n"), FirstLine::Misshapen);
    }

    #[test]
    fn keywords_are_reversed() {
        assert_eq!(word_of_keywords(1), 1 << 29);
        assert_eq!(keywords_of_word(1 << 29), 1);
        assert_eq!(keywords_of_word(word_of_keywords(0x2aaa_aaaa)), 0x2aaa_aaaa);
    }

    #[test]
    fn bad_lines() {
        assert!(matches!(
            parse_record(Kind::Tenex, b"abc"),
            Err(RecordError::NoLine(_))
        ));
        assert!(matches!(
            parse_record(Kind::Tenex, b"abc\n"),
            Err(RecordError::Fields(_))
        ));
        assert!(matches!(
            parse_record(Kind::Tenex, b"d,0;000000000000\n"),
            Err(RecordError::Elements(..))
        ));
        assert!(matches!(
            parse_record(Kind::Tenex, b"d,5;00000000000\n"),
            Err(RecordError::Elements(..))
        ));
        assert_eq!(strtoul10(b" +12"), (12, true));
        assert_eq!(strtoul10(b"-1").0, u64::MAX);
    }

    #[test]
    fn headers() {
        assert_eq!(Kind::Tenex.header_len(b"a: b\n\nbody"), 6);
        assert_eq!(Kind::Mtx.header_len(b"a: b\r\n\r\nbody"), 8);
        assert_eq!(Kind::Mtx.header_len(b"a\r\r\n\r\nx"), 7);
        assert_eq!(crlf_size(b"a\nb\r\n"), 6);
    }
}

#[cfg(test)]
mod piece_tests {
    use super::*;

    #[test]
    fn bare_newlines_in_pieces_match_crlf_size() {
        let msg = b"a\nb\r\n\nc\r\r\n\n\nend\r";
        for cut in 0..=msg.len() {
            let (a, b) = msg.split_at(cut);
            let mut n = msg.len() as u64;
            let mut prev = 0u8;
            for p in [a, b] {
                if !p.is_empty() {
                    n += bare_newlines(p, prev);
                    prev = p[p.len() - 1];
                }
            }
            assert_eq!(n, crlf_size(msg), "cut at {cut}");
        }
    }
}
