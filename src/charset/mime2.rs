//! RFC 2047 encoded words in header text (`utf8_mime2text`), with the
//! original's rules for what counts as an encoded word, which whitespace
//! between adjacent words disappears, and how bad words fail.

use std::borrow::Cow;

use super::convert::{text, U8T_CANONICAL, U8T_CASECANON};
use super::utf8;
use crate::message::encoding::{base64_scan, base64_truncation_warning, hex_nybble};

const MINENCWORD: usize = 9;
const MAXENCWORD: usize = 75;

fn is_graph(c: u8) -> bool {
    (0x21..=0x7e).contains(&c)
}

fn is_lwsp(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Find the `?` ending a token that starts at `s` (`mime2_token`).
fn token(src: &[u8], s: usize) -> Option<usize> {
    let mut t = s;
    // Past the end the original peeks at the octet after the text.
    while src.get(t).copied().unwrap_or(0) != b'?' {
        let c = src.get(t).copied()?;
        if !is_graph(c) || b"()<>@,;:\\\"/[].=".contains(&c) {
            return None;
        }
        t += 1;
    }
    Some(t)
}

/// Find the `?` of the closing `?=` of encoded text starting at `s`
/// (`mime2_text`).
fn enc_text(src: &[u8], mut s: usize) -> Option<usize> {
    let se = src.len();
    let t = se.checked_sub(1)?;
    // The scan steps past a non-graphic octet before stopping, as the
    // original's post-increment does.
    while s < t && src[s] != b'?' {
        let g = is_graph(src[s]);
        s += 1;
        if !g {
            break;
        }
    }
    let ok = s < t
        && src[s] == b'?'
        && src[s + 1] == b'='
        && (se == s + 2 || matches!(src[s + 2], b' ' | b'\t' | b'\r' | b'\n'));
    ok.then_some(s)
}

/// Decode the text of an encoded word (`mime2_decode`). `log` receives
/// the original's parse warning for BASE64 data after padding; `rest` is
/// the header text from the start of the encoded text (for that message).
pub fn decode(enc: u8, t: &[u8], rest: &[u8], log: &mut dyn FnMut(&[u8])) -> Option<Vec<u8>> {
    match enc {
        // Not `rfc822_qprint`: in a word '_' is a space and a bad escape
        // fails the whole word instead of being copied with a warning.
        b'Q' | b'q' => {
            let mut out = Vec::with_capacity(t.len());
            let mut q = 0;
            while q < t.len() {
                match t[q] {
                    b'=' => {
                        // The hex digits may lie past the encoded text (in
                        // the closing "?="), where they never qualify.
                        let h1 = rest.get(q + 1).copied().unwrap_or(0);
                        let h2 = rest.get(q + 2).copied().unwrap_or(0);
                        if !h1.is_ascii_hexdigit() || !h2.is_ascii_hexdigit() {
                            return None;
                        }
                        out.push((hex_nybble(h1) << 4).wrapping_add(hex_nybble(h2)));
                        q += 2;
                    }
                    b'_' => out.push(b' '),
                    c => out.push(c),
                }
                q += 1;
            }
            Some(out)
        }
        b'B' | b'b' => {
            let (v, trailing) = base64_scan(t)?;
            if let Some(at) = trailing {
                // The original quotes the header from there on, which runs
                // past the encoded word into the rest of the line.
                log(&base64_truncation_warning(rest, at));
            }
            Some(v)
        }
        _ => None,
    }
}

/// Decode RFC 2047 encoded words in a header line into UTF-8
/// (`utf8_mime2text`). Returns false (and the source) on a malformed
/// encoded word; otherwise true and the decoded text, borrowed when
/// nothing was converted and no canonicalisation was asked for.
pub fn mime2text(src: &[u8], flags: i64) -> (bool, Cow<'_, [u8]>) {
    mime2text_log(src, flags, &mut |_| {})
}

/// [`mime2text`] with a sink for the original's parse warnings.
pub fn mime2text_log<'a>(
    src: &'a [u8],
    flags: i64,
    log: &mut dyn FnMut(&[u8]),
) -> (bool, Cow<'a, [u8]>) {
    // Without any "=?" no encoded word can start: the text is copied,
    // octet by octet canonicalised when asked (what `mime2text_words`
    // does then, a test checks).
    if flags & U8T_CANONICAL != 0
        && !memchr::memchr_iter(b'=', src).any(|p| src.get(p + 1) == Some(&b'?'))
    {
        // Room for a terminator the caller may add.
        let mut out = Vec::with_capacity(src.len() + 1);
        if flags & U8T_CASECANON != 0 {
            out.extend(src.iter().map(|&c| {
                if c < 0x80 {
                    c.to_ascii_uppercase()
                } else {
                    utf8::titlecase(u32::from(c)) as u8
                }
            }));
        } else {
            out.extend_from_slice(src);
        }
        return (true, Cow::Owned(out));
    }
    mime2text_words(src, flags, log)
}

/// [`mime2text_log`] word by word.
fn mime2text_words<'a>(
    src: &'a [u8],
    flags: i64,
    log: &mut dyn FnMut(&[u8]),
) -> (bool, Cow<'a, [u8]>) {
    let se = src.len();
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    let mut dst: Option<Vec<u8>> = if flags & U8T_CANONICAL != 0 {
        Some(Vec::with_capacity(se + 16))
    } else {
        None
    };
    let mut s = 0usize;
    while s < se {
        let word = if se - s > MINENCWORD && src[s] == b'=' && src[s + 1] == b'?' {
            token(src, s + 2).and_then(|ce| {
                let e = ce + 1;
                let ee = token(src, e)?;
                let te = enc_text(src, e + 2)?;
                (ee == e + 1 && te - s < MAXENCWORD).then_some((ce, e, te))
            })
        } else {
            None
        };
        if let Some((ce, e, te)) = word {
            let t = e + 2;
            let Some(txt) = decode(src[e], &src[t..te], &src[t..], log) else {
                return (false, Cow::Borrowed(src));
            };
            let mut cs = &src[s + 2..ce];
            if let Some(star) = cs.iter().position(|&b| b == b'*') {
                cs = &cs[..star]; // drop the RFC 2231 language tag
            }
            let (ok, conv) = text(&txt, Some(cs), flags);
            let conv = if ok { conv } else { text(&txt, None, flags).1 };
            let d = dst.get_or_insert_with(|| src[..s].to_vec());
            d.extend_from_slice(&conv);
            s = te + 1;
            // Whitespace (even folded across a line break) between this
            // word and another encoded word is dropped.
            let mut t = s + 1;
            while t < se && matches!(src[t], b' ' | b'\t') {
                t += 1;
            }
            let limit = se as isize - MINENCWORD as isize;
            if (t as isize) < limit {
                let mut c = src[t];
                if c == b'\r' {
                    if at(t + 1) == b'\n' {
                        t += 1;
                    }
                    c = b'\n';
                }
                match c {
                    b'=' if at(t + 1) == b'?' => s = t - 1,
                    b'\n' => {
                        if matches!(at(t + 1), b' ' | b'\t') {
                            loop {
                                t += 1;
                                if !((t as isize) < limit && matches!(at(t + 1), b' ' | b'\t')) {
                                    break;
                                }
                            }
                            if (t as isize) < limit && at(t + 1) == b'=' && at(t + 2) == b'?' {
                                s = t;
                            }
                        }
                    }
                    _ => {}
                }
            }
        } else {
            // Copy up to and including the next whitespace octet.
            loop {
                if let Some(d) = dst.as_mut() {
                    d.push(if flags & U8T_CASECANON != 0 {
                        utf8::titlecase(u32::from(src[s])) as u8
                    } else {
                        src[s]
                    });
                }
                if is_lwsp(src[s]) {
                    break;
                }
                s += 1;
                if s >= se {
                    break;
                }
            }
        }
        s += 1;
    }
    match dst {
        Some(d) => (true, Cow::Owned(d)),
        None => (true, Cow::Borrowed(src)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_without_words_take_the_short_path() {
        let parts: [&[u8]; 9] = [
            b"a", b"Z", b"=", b"?", b" ", b"\xe9", b"\xff", b"\r\n", b"\t",
        ];
        let mut stack: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0)];
        let mut checked = 0;
        while let Some((v, depth)) = stack.pop() {
            for flags in [
                U8T_CANONICAL,
                U8T_CASECANON,
                super::super::convert::U8T_DECOMPOSE,
                0,
            ] {
                let got = mime2text_log(&v, flags, &mut |_| {});
                let want = mime2text_words(&v, flags, &mut |_| {});
                assert_eq!(got, want, "{v:?} {flags}");
                checked += 1;
            }
            if depth < 5 {
                for p in parts {
                    let mut w = v.clone();
                    w.extend_from_slice(p);
                    stack.push((w, depth + 1));
                }
            }
        }
        assert!(checked > 10000);
    }
}
