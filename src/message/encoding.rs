//! Content transfer encodings as c-client does them: BASE64 and
//! QUOTED-PRINTABLE, both directions, byte for byte like the original
//! (including how it tolerates and reports damaged input).

/// How many bytes of the offending input a warning quotes.
const WARN_QUOTE: usize = 80;

/// Result of a decoder that may report problems without failing, as the
/// original does through `mm_log(..., PARSE)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    pub data: Vec<u8>,
    /// Texts the original logs at PARSE level, in order.
    pub warnings: Vec<Vec<u8>>,
}

/// Up to `WARN_QUOTE` bytes of `src` from `from`, stopping at a NUL as the
/// original's `%.80s` does (we never read past the given length).
fn quote(src: &[u8], from: usize) -> &[u8] {
    let tail = src.get(from..).unwrap_or(&[]);
    let tail = &tail[..tail.len().min(WARN_QUOTE)];
    match tail.iter().position(|&c| c == 0) {
        Some(n) => &tail[..n],
        None => tail,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum B64 {
    Data(u8),
    Space,
    Pad,
    Junk,
}

fn b64_class(c: u8) -> B64 {
    match c {
        b'A'..=b'Z' => B64::Data(c - b'A'),
        b'a'..=b'z' => B64::Data(c - b'a' + 26),
        b'0'..=b'9' => B64::Data(c - b'0' + 52),
        b'+' => B64::Data(62),
        b'/' => B64::Data(63),
        b'=' => B64::Pad,
        // NUL, TAB, LF, FF, CR and space are skipped (vertical tab is not).
        0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ' => B64::Space,
        _ => B64::Junk,
    }
}

/// Decodes BASE64 as `rfc822_base64` does. `None` is the original's NIL:
/// a character outside the alphabet, or padding where it cannot be.
/// Data characters after the end padding are ignored with a warning.
/// A trailing partial group without padding is dropped silently.
pub fn base64_decode(src: &[u8]) -> Option<Decoded> {
    let (data, trailing) = base64_scan(src)?;
    let warnings = trailing
        .map(|at| vec![base64_truncation_warning(src, at)])
        .unwrap_or_default();
    Some(Decoded { data, warnings })
}

/// The decoding rules of `rfc822_base64` without the reporting: the data,
/// and the offset of the first data character after the end padding if
/// there is one. Shared with RFC 2047 decoding (`charset::mime2`), which
/// quotes the rest of the header line rather than the encoded text alone.
pub fn base64_scan(src: &[u8]) -> Option<(Vec<u8>, Option<usize>)> {
    let mut data = Vec::with_capacity(src.len() / 4 * 3 + 3);
    let mut pos = 0u8; // position within the current 4-character group
    let mut acc: u8 = 0; // the byte being assembled
    let mut i = 0usize;
    while i < src.len() {
        let c = b64_class(src[i]);
        i += 1;
        match c {
            B64::Data(v) => {
                match pos {
                    0 => acc = v << 2,
                    1 => {
                        data.push(acc | (v >> 4));
                        acc = v << 4;
                    }
                    2 => {
                        data.push(acc | (v >> 2));
                        acc = v << 6;
                    }
                    _ => data.push(acc | v),
                }
                pos = if pos == 3 { 0 } else { pos + 1 };
            }
            B64::Space => {}
            B64::Pad => match pos {
                3 => {
                    // End of data: anything but space, junk or padding after
                    // it means something was appended to the encoded text.
                    let trailing = src[i..]
                        .iter()
                        .position(|&b| matches!(b64_class(b), B64::Data(_)))
                        .map(|k| i + k);
                    return Some((data, trailing));
                }
                // "==" ends a group of two; the second '=' is taken next
                // round, at position 3.
                2 if src.get(i) == Some(&b'=') => pos = 3,
                _ => return None,
            },
            B64::Junk => return None,
        }
    }
    Some((data, None))
}

/// The original's warning for data after BASE64 padding, quoting `text`
/// from `at` up to 80 bytes, a NUL or a line break.
pub fn base64_truncation_warning(text: &[u8], at: usize) -> Vec<u8> {
    let mut msg = b"Possible data truncation in rfc822_base64(): ".to_vec();
    let q = quote(text, at);
    let cut = q
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(q.len());
    msg.extend_from_slice(&q[..cut]);
    msg
}

const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The length `base64_encode` produces for `n` input bytes.
pub fn base64_encoded_len(n: usize) -> usize {
    let chars = n.div_ceil(3) * 4;
    chars + 2 * (chars / 60 + 1)
}

/// Encodes as `rfc822_binary` does: 60 characters per line, each line ended
/// by CRLF, and always a final CRLF (so input that fills its last line
/// exactly ends with an empty line).
pub fn base64_encode(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(base64_encoded_len(src.len()));
    let v = |x: u8| B64_ALPHABET[usize::from(x & 0x3f)];
    let mut groups = 0;
    for chunk in src.chunks(3) {
        let b0 = chunk[0];
        match *chunk {
            [_, b1, b2] => {
                out.extend_from_slice(&[
                    v(b0 >> 2),
                    v((b0 << 4) | (b1 >> 4)),
                    v((b1 << 2) | (b2 >> 6)),
                    v(b2),
                ]);
            }
            [_, b1] => {
                out.extend_from_slice(&[v(b0 >> 2), v((b0 << 4) | (b1 >> 4)), v(b1 << 2), b'=']);
            }
            _ => out.extend_from_slice(&[v(b0 >> 2), v(b0 << 4), b'=', b'=']),
        }
        groups += 1;
        if groups == 15 {
            groups = 0;
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The value of a hex digit as the original computes it (its `hex2byte`
/// formula): digits from '0', anything up to 'Z' from 'A', the rest from
/// 'a', wrapping like unsigned char arithmetic. No validation: callers
/// check with `is_ascii_hexdigit` first, except the C export `hex2byte`,
/// which must give the original's value for any input.
pub fn hex_nybble(c: u8) -> u8 {
    if c.is_ascii_digit() {
        c.wrapping_sub(b'0')
    } else if c <= b'Z' {
        c.wrapping_sub(b'A' - 10)
    } else {
        c.wrapping_sub(b'a' - 10)
    }
}

/// Decodes QUOTED-PRINTABLE as `rfc822_qprint` does. Never fails.
///
/// Spaces before a line break are dropped (tabs are kept); spaces at the very
/// end are kept. `=` CRLF, `=` LF and a lone `=` CR are soft breaks. A bad
/// escape is copied as `=` and the byte after it, losing the byte after that
/// if one was read as the second digit; the first bad escape is reported.
/// A `=` at the very end disappears.
pub fn qprint_decode(src: &[u8]) -> Decoded {
    let mut out = Decoded {
        data: Vec::with_capacity(src.len()),
        warnings: Vec::new(),
    };
    let d = &mut out.data;
    let mut keep = 0usize; // length up to the last byte that is not a space
    let mut bad = false;
    let n = src.len();
    let mut s = 0usize;
    while s < n {
        let c = src[s];
        s += 1;
        match c {
            b'=' => {
                if s >= n {
                    continue;
                }
                let c = src[s];
                s += 1;
                match c {
                    0 => s -= 1, // the NUL is taken as an ordinary byte next round
                    b'\r' | b'\n' => {
                        if c == b'\r' && s < n && src[s] == b'\n' {
                            s += 1;
                        }
                        keep = d.len();
                    }
                    _ => {
                        let mut e = None;
                        if c.is_ascii_hexdigit() && s < n {
                            e = Some(src[s]);
                            s += 1;
                        }
                        match e {
                            Some(e) if e != 0 && e.is_ascii_hexdigit() => {
                                d.push((hex_nybble(c) << 4).wrapping_add(hex_nybble(e)));
                            }
                            _ => {
                                if !bad {
                                    bad = true;
                                    let mut msg = b"Invalid quoted-printable sequence: =".to_vec();
                                    msg.extend_from_slice(quote(src, s - 1));
                                    out.warnings.push(msg);
                                }
                                d.push(b'=');
                                d.push(c);
                            }
                        }
                        keep = d.len();
                    }
                }
            }
            b' ' => d.push(c),
            b'\r' | b'\n' => {
                d.truncate(keep);
                d.push(c);
                keep = d.len();
            }
            _ => {
                d.push(c);
                keep = d.len();
            }
        }
    }
    out
}

/// Longest quoted-printable line before a soft break (the 76th column holds
/// only the `=` of the soft break).
const QP_MAXL: usize = 75;

/// Encodes as `rfc822_8bit` does: CRLF pairs stay line breaks; controls
/// (including TAB and lone CR or LF), DEL, 8-bit bytes, `=` and a space
/// followed by CR are escaped; lines are broken with `=` CRLF after 75 columns.
pub fn qprint_encode(src: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(src.len() + src.len() / 8 + 8);
    let mut col = 0usize;
    let mut i = 0usize;
    while i < src.len() {
        let c = src[i];
        i += 1;
        let next = src.get(i).copied();
        if c == b'\r' && next == Some(b'\n') {
            out.extend_from_slice(b"\r\n");
            i += 1;
            col = 0;
        } else if !(0x20..0x7f).contains(&c) || c == b'=' || (c == b' ' && next == Some(b'\r')) {
            col += 3;
            if col > QP_MAXL {
                out.extend_from_slice(b"=\r\n");
                col = 3;
            }
            out.extend_from_slice(&[b'=', HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xf)]]);
        } else {
            col += 1;
            if col > QP_MAXL {
                out.extend_from_slice(b"=\r\n");
                col = 1;
            }
            out.push(c);
        }
    }
    out
}

/// Writes `src` to `out` with every bare LF turned into CRLF (a CRLF pair
/// stays as it is, a lone CR too). Returns the bytes written; `out` must
/// have room for `crlf_room(src)`.
pub fn crlf_convert(src: &[u8], out: &mut [u8]) -> usize {
    // Line by line: a whole line is one copy, and only its LF is looked at.
    let mut w = 0;
    let mut r = 0;
    for lf in memchr::memchr_iter(b'\n', src) {
        let line = &src[r..lf];
        out[w..w + line.len()].copy_from_slice(line);
        w += line.len();
        if !line.ends_with(b"\r") {
            out[w] = b'\r';
            w += 1;
        }
        out[w] = b'\n';
        w += 1;
        r = lf + 1;
    }
    let rest = &src[r..];
    out[w..w + rest.len()].copy_from_slice(rest);
    w + rest.len()
}

/// The most `crlf_convert` can write for `src`: one byte more per LF.
pub fn crlf_room(src: &[u8]) -> usize {
    src.len() + memchr::memchr_iter(b'\n', src).count()
}

/// `src` with every bare LF made CRLF, as a new vector.
pub fn to_crlf(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    to_crlf_into(src, &mut out);
    out
}

/// Appends `src` to `out` with every bare LF made CRLF; one pass, no
/// zero fill (the room is reserved for the worst case first).
pub fn to_crlf_into(src: &[u8], out: &mut Vec<u8>) {
    out.reserve(src.len() + src.len() / 16 + 16);
    let mut r = 0;
    for lf in memchr::memchr_iter(b'\n', src) {
        let line = &src[r..lf];
        out.extend_from_slice(line);
        if !line.ends_with(b"\r") {
            out.push(b'\r');
        }
        out.push(b'\n');
        r = lf + 1;
    }
    out.extend_from_slice(&src[r..]);
}

#[cfg(test)]
mod crlf_tests {
    use super::*;

    /// The byte-at-a-time rule: LF becomes CRLF unless a CR is before it.
    fn slow(src: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, &c) in src.iter().enumerate() {
            if c == b'\n' && (i == 0 || src[i - 1] != b'\r') {
                out.push(b'\r');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn bare_lfs_become_crlf() {
        for src in [
            &b""[..],
            b"\n",
            b"\r",
            b"\r\n",
            b"a\nb\r\nc\rd\n\n",
            b"\r\r\n\n\r",
            b"no line end",
            b"\n\r\n\r\r\n\n",
        ] {
            let want = slow(src);
            assert_eq!(to_crlf(src), want);
            assert!(crlf_room(src) >= want.len());
            let mut out = vec![0; crlf_room(src)];
            let n = crlf_convert(src, &mut out);
            assert_eq!(&out[..n], &want[..]);
        }
    }
}
