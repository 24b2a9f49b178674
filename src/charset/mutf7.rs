//! Modified UTF-7 mailbox names (RFC 3501): `utf8_to_mutf7`,
//! `utf8_from_mutf7`, and the validity check `mail_utf7_valid`.

use super::convert::Canon;
use super::registry::charset;
use super::utf8::{self, U8GM_NONBMP, U8G_ERROR};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn until_nul(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

fn mbase64(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'&');
    let mut chunks = s.chunks_exact(3);
    for c in &mut chunks {
        out.push(ALPHABET[usize::from(c[0] >> 2)]);
        out.push(ALPHABET[usize::from(((c[0] << 4) | (c[1] >> 4)) & 0x3f)]);
        out.push(ALPHABET[usize::from(((c[1] << 2) | (c[2] >> 6)) & 0x3f)]);
        out.push(ALPHABET[usize::from(c[2] & 0x3f)]);
    }
    let r = chunks.remainder();
    if !r.is_empty() {
        out.push(ALPHABET[usize::from(r[0] >> 2)]);
        let b1 = r.get(1).map_or(0, |b| b >> 4);
        out.push(ALPHABET[usize::from(((r[0] << 4) | b1) & 0x3f)]);
        if let Some(b) = r.get(1) {
            out.push(ALPHABET[usize::from((b << 2) & 0x3f)]);
        }
    }
    out.push(b'-');
}

/// Convert a UTF-8 name (up to its NUL) to modified UTF-7; `None` if it is
/// not valid UTF-8.
pub fn to_mutf7(src: &[u8]) -> Option<Vec<u8>> {
    let src = until_nul(src);
    let mut out = Vec::with_capacity(src.len() * 2 + 2);
    let mut u16buf: Vec<u8> = Vec::new();
    let mut s = src;
    while let Some(&b) = s.first() {
        if b & 0x80 != 0 {
            // At most one character's worth of octets is examined.
            let mut t = &s[..s.len().min(4)];
            let before = t.len();
            let c = utf8::get(&mut t);
            if c & U8G_ERROR != 0 {
                return None;
            }
            s = &s[before - t.len()..];
            if c & U8GM_NONBMP != 0 {
                let v = c - 0x10000;
                u16buf.extend_from_slice(&((v >> 10) as u16 + 0xd800).to_be_bytes());
                u16buf.extend_from_slice(&((v & 0x3ff) as u16 + 0xdc00).to_be_bytes());
            } else {
                u16buf.extend_from_slice(&(c as u16).to_be_bytes());
            }
        } else {
            if !u16buf.is_empty() {
                mbase64(&mut out, &u16buf);
                u16buf.clear();
            }
            out.push(b);
            if b == b'&' {
                out.push(b'-');
            }
            s = &s[1..];
        }
    }
    if !u16buf.is_empty() {
        mbase64(&mut out, &u16buf);
    }
    Some(out)
}

/// Check a mailbox name's modified UTF-7 (`mail_utf7_valid`): `None` if
/// valid, else the original's error text.
pub fn utf7_invalid(name: &[u8]) -> Option<&'static str> {
    let name = until_nul(name);
    let mut i = 0;
    while i < name.len() {
        let c = name[i];
        if c & 0x80 != 0 {
            return Some("mailbox name with 8-bit octet");
        }
        if c == b'&' {
            loop {
                i += 1;
                match name.get(i) {
                    Some(b'-') => break,
                    None => return Some("unterminated modified UTF-7 name"),
                    Some(b'+') | Some(b',') => {}
                    Some(c) if c.is_ascii_alphanumeric() => {}
                    Some(_) => return Some("invalid modified UTF-7 name"),
                }
            }
        }
        i += 1;
    }
    None
}

/// Convert a modified UTF-7 name (up to its NUL) to UTF-8; `None` if the
/// name is not valid modified UTF-7. The result stops at a decoded NUL.
pub fn from_mutf7(src: &[u8]) -> Option<Vec<u8>> {
    let src = until_nul(src);
    if utf7_invalid(src).is_some() {
        return None;
    }
    // Rewrite as plain UTF-7 with '+' and '&' swapped outside BASE64, run
    // the UTF-7 decoder, then swap them back.
    let mut in_b64 = false;
    let utf7: Vec<u8> = src
        .iter()
        .map(|&b| match b {
            b'&' => {
                in_b64 = true;
                b'+'
            }
            b'+' if !in_b64 => b'&',
            b'-' => {
                in_b64 = false;
                b
            }
            b',' if in_b64 => b'/',
            _ => b,
        })
        .collect();
    let cs = charset(b"UTF-7")?;
    let utf8 = super::convert::text_cs(&utf7, cs, Canon::default());
    let utf8 = until_nul(&utf8);
    Some(
        utf8.iter()
            .map(|&b| match b {
                b'&' => b'+',
                b'+' => b'&',
                _ => b,
            })
            .collect(),
    )
}
