//! RFC 2822 lexical scanning, done the way the original does it: over a
//! NUL-terminated byte buffer that the scanner may write into (the original
//! ties off words and comments in place, and those writes change what later
//! scans see, so they are reproduced).
//!
//! Positions are indices into the buffer; `None` stands for a NIL pointer.
//! The buffer always ends with a 0 byte; any 0 byte ends the C string there.

use super::model::ParseEnv;

/// A set of delimiter bytes as a lookup table.
pub struct CharSet([bool; 256]);

impl CharSet {
    /// A set from the bytes of a C specials string.
    pub fn from_bytes(s: &[u8]) -> CharSet {
        let mut t = [false; 256];
        for &c in s {
            t[c as usize] = true;
        }
        CharSet(t)
    }
    pub fn contains(&self, c: u8) -> bool {
        self.0[c as usize]
    }
}

const fn set(extra: &[u8], ctl: bool) -> CharSet {
    let mut t = [false; 256];
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    if ctl {
        let mut c = 1;
        while c < 32 {
            t[c] = true;
            c += 1;
        }
        t[127] = true;
    }
    CharSet(t)
}

/// RFC 2822 specials (with space).
pub static SPECIALS: CharSet = set(b" ()<>@,;:\\\"[].", true);
/// Phrase specials (no space).
pub static RSPECIALS: CharSet = set(b"()<>@,;:\\\"[].", true);
/// Dot-atom specials (no dot).
pub static WSPECIALS: CharSet = set(b" ()<>@,;:\\\"[]", true);
/// MIME token specials.
pub static TSPECIALS: CharSet = set(b" ()<>@,;:\\\"[]/?=", true);
/// Domain literal scanning set.
pub static LITERAL: CharSet = set(b"]\\", false);

/// The raw definitions, for writers that search a C string for them.
pub const SPECIALS_STR: &[u8] = b" ()<>@,;:\\\"[].";

const I2C_ESC: u8 = 0x1b;
const I2C_MULTI: u8 = 0x24;
const I2C_G0_94: u8 = 0x28;
const I2CS_94_ASCII: u8 = 0x42;
const I2CS_94_JIS_BUGROM: u8 = 0x48;
const I2CS_94_JIS_ROMAN: u8 = 0x4a;
const I2CS_94X94_JIS_OLD: u8 = 0x40;
const I2CS_94X94_JIS_NEW: u8 = 0x42;

/// Byte at `i`, 0 past the end.
#[inline]
pub fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The C string starting at `i` (up to the first 0 byte).
pub fn cstr(b: &[u8], i: usize) -> &[u8] {
    let s = b.get(i..).unwrap_or(&[]);
    match memchr::memchr(0, s) {
        Some(n) => &s[..n],
        None => s,
    }
}

/// `%.Ns` of a byte string.
pub fn trunc(s: &[u8], n: usize) -> &[u8] {
    &s[..s.len().min(n)]
}

/// Make a NUL-terminated working buffer from a byte string. Bytes after an
/// embedded 0 are kept but are invisible to the C-string scans, as in C.
pub fn buffer(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(0);
    v
}

/// Upper-case ASCII letters in place (`ucase`).
pub fn ucase(v: &mut [u8]) {
    v.make_ascii_uppercase();
}

/// `rfc822_skipws`: skip blanks, CR, LF and comments.
pub fn skipws(b: &mut [u8], s: &mut usize, env: &mut dyn ParseEnv) {
    loop {
        match at(b, *s) {
            b' ' | b'\t' | b'\r' | b'\n' => *s += 1,
            b'(' => {
                if skip_comment(b, s, false, env).is_none() {
                    return;
                }
            }
            _ => return,
        }
    }
}

/// `rfc822_skip_comment`: `*s` is at an open parenthesis. On success moves
/// `*s` past the matching close and returns the position of the comment's
/// first non-blank byte (tied off after its last significant byte when
/// `trim`). On an unterminated comment logs, writes a 0 at the innermost
/// open parenthesis (as the original does) and returns `None`.
/// Iterative, so nesting depth costs no stack.
pub fn skip_comment(
    b: &mut [u8],
    s: &mut usize,
    trim: bool,
    env: &mut dyn ParseEnv,
) -> Option<usize> {
    let start = *s;
    let mut s1 = start + 1;
    let mut ret = s1;
    while at(b, ret) == b' ' {
        ret += 1;
    }
    // Open parentheses of nested comments still open (outermost excluded).
    let mut open: Vec<usize> = Vec::new();
    // Last significant byte at the outer level.
    let mut t: Option<usize> = None;
    loop {
        match at(b, s1) {
            b'(' => open.push(s1),
            b')' => {
                if open.pop().is_some() {
                    if open.is_empty() {
                        t = Some(s1);
                    }
                } else {
                    *s = s1 + 1;
                    if trim {
                        match t {
                            Some(t) => {
                                if t + 1 < b.len() {
                                    b[t + 1] = 0;
                                }
                            }
                            None => {
                                if ret < b.len() {
                                    b[ret] = 0;
                                }
                            }
                        }
                    }
                    return Some(ret);
                }
            }
            b'\\' if at(b, s1 + 1) != 0 => {
                s1 += 1;
                if open.is_empty() {
                    t = Some(s1);
                }
            }
            b'\\' | 0 => {
                let here = open.last().copied().unwrap_or(start);
                let mut msg = b"Unterminated comment: ".to_vec();
                msg.extend_from_slice(trunc(cstr(b, here), 80));
                env.log_parse(&msg);
                if here < b.len() {
                    b[here] = 0;
                }
                return None;
            }
            b' ' => {}
            _ => {
                if open.is_empty() {
                    t = Some(s1);
                }
            }
        }
        s1 += 1;
    }
}

/// `rfc822_parse_word`: returns the end of the word starting at `s` (after
/// whitespace), or `None`. `delims` of `None` means phrase-word parsing with
/// the ISO-2022-JP escape hack.
pub fn parse_word(
    b: &mut [u8],
    s: Option<usize>,
    delims: Option<&CharSet>,
    env: &mut dyn ParseEnv,
) -> Option<usize> {
    let mut s = s?;
    skipws(b, &mut s, env);
    if at(b, s) == 0 {
        return None;
    }
    let set = delims.unwrap_or(&WSPECIALS);
    let mut str_ = s;
    loop {
        // strpbrk(str, set)
        let mut st = str_;
        loop {
            let c = at(b, st);
            if c == 0 {
                return Some(st);
            }
            if set.contains(c) {
                break;
            }
            st += 1;
        }
        if delims.is_none() && at(b, st) == I2C_ESC {
            st += 1;
            str_ = st;
            match at(b, st) {
                I2C_MULTI => {
                    st += 1;
                    let c = at(b, st);
                    if c == I2CS_94X94_JIS_OLD || c == I2CS_94X94_JIS_NEW {
                        st += 1;
                        str_ = st;
                        let mut found: Option<usize> = None;
                        let mut p = st;
                        while let Some(n) = memchr::memchr(I2C_ESC, cstr(b, p)) {
                            let e = p + n + 1;
                            if at(b, e) == I2C_G0_94
                                && matches!(
                                    at(b, e + 1),
                                    I2CS_94_ASCII | I2CS_94_JIS_ROMAN | I2CS_94_JIS_BUGROM
                                )
                            {
                                found = Some(e + 2);
                                break;
                            }
                            p = e;
                        }
                        match found {
                            Some(e) => {
                                str_ = e;
                                if at(b, e) == 0 {
                                    return Some(e);
                                }
                            }
                            None => return Some(str_ + cstr(b, str_).len()),
                        }
                    }
                }
                I2C_G0_94 => {
                    if matches!(
                        at(b, st + 1),
                        I2CS_94_ASCII | I2CS_94_JIS_ROMAN | I2CS_94_JIS_BUGROM
                    ) {
                        str_ = st + 2;
                    }
                }
                _ => {}
            }
            continue;
        }
        match at(b, st) {
            b'"' => {
                loop {
                    st += 1;
                    match at(b, st) {
                        b'"' => break,
                        0 => return None,
                        b'\\' => {
                            st += 1;
                            if at(b, st) == 0 {
                                return None;
                            }
                        }
                        _ => {}
                    }
                }
                str_ = st + 1;
            }
            b'\\' if at(b, st + 1) != 0 => str_ = st + 2,
            _ => return if st == s { None } else { Some(st) },
        }
    }
}

/// `rfc822_parse_phrase`: end of the phrase starting at `s`, or `None`.
pub fn parse_phrase(b: &mut [u8], s: Option<usize>, env: &mut dyn ParseEnv) -> Option<usize> {
    let mut s = s?;
    let mut last = None;
    loop {
        match parse_word(b, Some(s), None, env) {
            None => return last,
            Some(cur) => {
                if at(b, cur) == 0 {
                    return Some(cur);
                }
                last = Some(cur);
                s = cur;
                skipws(b, &mut s, env);
            }
        }
    }
}

/// A model string copied from `s`, with one byte of spare room: the C ABI
/// hands such a vector to the application as a C string in place (adding
/// the NUL) instead of copying it.
pub fn owned(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v
}

/// `rfc822_quote`: remove double quotes and backslash quoting.
pub fn unquote(src: &[u8]) -> Vec<u8> {
    if !src.iter().any(|&c| c == b'\\' || c == b'"') {
        return owned(src);
    }
    let mut out = Vec::with_capacity(src.len() + 1);
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'"' => i += 1,
            b'\\' => {
                // The original copies the quoted byte whatever it is; a
                // trailing backslash would run off the string, so stop.
                if i + 1 >= src.len() {
                    break;
                }
                out.push(src[i + 1]);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `rfc822_cpy` of the C string at `i`: copy and unquote.
pub fn cpy(b: &[u8], i: usize) -> Vec<u8> {
    unquote(cstr(b, i))
}

/// `rfc822_cpy` of the bytes `i..end` (the original ties off at `end`).
pub fn cpy_range(b: &[u8], i: usize, end: usize) -> Vec<u8> {
    let s = b.get(i..end.max(i)).unwrap_or(&[]);
    let s = match memchr::memchr(0, s) {
        Some(n) => &s[..n],
        None => s,
    };
    unquote(s)
}

/// `rfc822_default_subtype`.
pub fn default_subtype(type_: u16) -> &'static [u8] {
    match type_ {
        0 => b"PLAIN",
        1 => b"MIXED",
        2 => b"RFC822",
        3 => b"OCTET-STREAM",
        4 => b"BASIC",
        _ => b"UNKNOWN",
    }
}
