//! The `.mxindex` file of an mx mailbox: one text with no separators
//! between records, `V<hex>` (UID validity), `L<hex>` (last UID assigned),
//! `K<name>\n` per keyword in bit order, and `M<uid>;<keywords>.<flags>`
//! per message, each number in hexadecimal (the writer pads the validity,
//! last UID, UID and keyword words to 8 digits and the flag word to 4).

use crate::store::common::push_hex;

/// Flag bits of an `M` record (the original's `fSEEN` ... `fDRAFT`).
pub const F_SEEN: u32 = 1;
pub const F_DELETED: u32 = 2;
pub const F_FLAGGED: u32 = 4;
pub const F_ANSWERED: u32 = 8;
pub const F_DRAFT: u32 = 32;

/// Most keywords a mailbox has, and the longest keyword name.
pub const MAX_KEYWORDS: usize = 30;
pub const MAX_KEYWORD_LEN: usize = 64;

/// One `M` record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub uid: u32,
    pub keywords: u32,
    pub flags: u32,
}

/// What an index holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    pub validity: Option<u32>,
    pub last: Option<u32>,
    /// Keyword names by position; None where a name was unusable (too
    /// long), so later ones keep their bit.
    pub keywords: Vec<Option<Vec<u8>>>,
    pub records: Vec<Record>,
    /// The text from the first damaged spot, cut to 80 bytes, for the
    /// "Error in index" log line (the reader resumes at the next `M`).
    pub errors: Vec<Vec<u8>>,
}

/// `strtoul(s, &end, 16)` over the bytes from `at`: the value (wrapped to
/// 32 bits) and where it stopped. No digits: 0, and `at` unchanged.
fn hex(data: &[u8], at: usize) -> (u32, usize) {
    let mut i = at;
    while i < data.len() && matches!(data[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    if i < data.len() && data[i] == b'+' {
        i += 1;
    }
    if i + 1 < data.len() && data[i] == b'0' && (data[i + 1] | 0x20) == b'x' {
        // "0x" counts only when a hex digit follows.
        if data.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            i += 2;
        }
    }
    let start = i;
    // Past 32 bits the value only grows, so it is held just above them
    // (no overflow of its own) and read as the saturated maximum.
    const ABOVE: u64 = 1 << 32;
    let mut v: u64 = 0;
    while let Some(d) = data.get(i).and_then(|&c| hex_value(c)) {
        v = (v << 4 | d).min(ABOVE);
        i += 1;
    }
    if i == start {
        return (0, at);
    }
    (v.min(u64::from(u32::MAX)) as u32, i)
}

fn hex_value(c: u8) -> Option<u64> {
    match c {
        b'0'..=b'9' => Some(u64::from(c - b'0')),
        b'a'..=b'f' => Some(u64::from(c - b'a' + 10)),
        b'A'..=b'F' => Some(u64::from(c - b'A' + 10)),
        _ => None,
    }
}

/// Reads an index. Damage is recorded in `errors` and skipped.
pub fn parse(data: &[u8]) -> Index {
    let mut ix = Index::default();
    let mut s = 0;
    // The original stops at a NUL byte.
    let end = data.iter().position(|&c| c == 0).unwrap_or(data.len());
    let data = &data[..end];
    while s < data.len() {
        match data[s] {
            b'V' => {
                let (v, e) = hex(data, s + 1);
                ix.validity = Some(v);
                s = e.max(s + 1);
            }
            b'L' => {
                let (v, e) = hex(data, s + 1);
                ix.last = Some(v);
                s = e.max(s + 1);
            }
            b'K' => match data[s + 1..].iter().position(|&c| c == b'\n') {
                Some(n) => {
                    let name = &data[s + 1..s + 1 + n];
                    ix.keywords.push(
                        (name.len() <= MAX_KEYWORD_LEN && !name.is_empty()).then(|| name.to_vec()),
                    );
                    s += n + 2;
                }
                // A keyword with no end: the original stops reading here.
                None => break,
            },
            b'M' => {
                let (uid, e) = hex(data, s + 1);
                let mut ok = None;
                if data.get(e) == Some(&b';') {
                    let (kw, e2) = hex(data, e + 1);
                    if data.get(e2) == Some(&b'.') {
                        let (fl, e3) = hex(data, e2 + 1);
                        ok = Some((
                            Record {
                                uid,
                                keywords: kw,
                                flags: fl,
                            },
                            e3,
                        ));
                    }
                }
                match ok {
                    Some((r, e)) => {
                        ix.records.push(r);
                        s = e;
                    }
                    None => s = damaged(&mut ix, data, s),
                }
            }
            _ => s = damaged(&mut ix, data, s),
        }
    }
    ix
}

/// Notes damage at `at` and returns where reading resumes: the next `M`.
fn damaged(ix: &mut Index, data: &[u8], at: usize) -> usize {
    let rest = &data[at..];
    ix.errors.push(rest[..rest.len().min(80)].to_vec());
    match data[at + 1..].iter().position(|&c| c == b'M') {
        Some(n) => at + 1 + n,
        None => data.len(),
    }
}

/// The index text for a mailbox state, as the original writes it.
pub fn write(validity: u32, last: u32, keywords: &[Vec<u8>], messages: &[Record]) -> Vec<u8> {
    let mut out = Vec::with_capacity(18 + messages.len() * 23);
    out.push(b'V');
    push_hex(&mut out, u64::from(validity), 8);
    out.push(b'L');
    push_hex(&mut out, u64::from(last), 8);
    for k in keywords.iter().take(MAX_KEYWORDS) {
        out.push(b'K');
        out.extend_from_slice(k);
        out.push(b'\n');
    }
    for m in messages {
        out.push(b'M');
        push_hex(&mut out, u64::from(m.uid), 8);
        out.push(b';');
        push_hex(&mut out, u64::from(m.keywords), 8);
        out.push(b'.');
        push_hex(&mut out, u64::from(m.flags & 0xffff), 4);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let recs = [
            Record {
                uid: 1,
                keywords: 3,
                flags: F_SEEN | F_DRAFT,
            },
            Record {
                uid: 0x1f,
                keywords: 0,
                flags: 0,
            },
        ];
        let kw = vec![b"one".to_vec(), b"two".to_vec()];
        let text = write(0x5f00_0000, 0x1f, &kw, &recs);
        assert_eq!(
            text,
            b"V5f000000L0000001fKone\nKtwo\nM00000001;00000003.0021M0000001f;00000000.0000"
        );
        let ix = parse(&text);
        assert_eq!(ix.validity, Some(0x5f00_0000));
        assert_eq!(ix.last, Some(0x1f));
        assert_eq!(
            ix.keywords,
            vec![Some(b"one".to_vec()), Some(b"two".to_vec())]
        );
        assert_eq!(ix.records, recs);
        assert!(ix.errors.is_empty());
    }

    #[test]
    fn damage_is_skipped() {
        let ix = parse(b"V1L5xyzM2;0.1M3;0M4;1.2\0M5;0.1");
        assert_eq!(ix.last, Some(5));
        assert_eq!(
            ix.records,
            vec![
                Record {
                    uid: 2,
                    keywords: 0,
                    flags: 1
                },
                Record {
                    uid: 4,
                    keywords: 1,
                    flags: 2
                }
            ]
        );
        assert_eq!(ix.errors.len(), 2);
        assert!(parse(b"Kunterminated").records.is_empty());
        assert!(parse(b"").validity.is_none());
    }

    #[test]
    fn numbers_read_as_strtoul_reads_them() {
        for (text, want) in [
            (&b"0"[..], (0, 1)),
            (b"fFaA09;", (0xffaa09, 6)),
            (b"ffffffff.", (u32::MAX, 8)),
            // Past 32 bits: the maximum, however long.
            (b"100000000", (u32::MAX, 9)),
            (b"fffffffffffffffffffffffff", (u32::MAX, 25)),
            (b"0x1f;", (0x1f, 4)),
            (b"0xg", (0, 1)),
            (b" +7", (7, 3)),
            (b"g", (0, 0)),
            (b"", (0, 0)),
        ] {
            assert_eq!(hex(text, 0), want, "{}", String::from_utf8_lossy(text));
        }
    }
}
