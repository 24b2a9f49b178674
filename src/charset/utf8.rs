//! UTF-8 primitives with the original's exact error codes and quirks:
//! decoding one character, encoding, widths, title case, decomposition.

use super::tables;

pub const U8G_ERROR: u32 = 0x8000_0000;
pub const U8G_BADCONT: u32 = U8G_ERROR + 1;
pub const U8G_INCMPLT: u32 = U8G_ERROR + 2;
pub const U8G_NOTUTF8: u32 = U8G_ERROR + 3;
pub const U8G_ENDSTRG: u32 = U8G_ERROR + 4;
pub const U8G_ENDSTRI: u32 = U8G_ERROR + 5;
pub const U8G_SURROGA: u32 = U8G_ERROR + 6;
pub const U8G_NOTUNIC: u32 = U8G_ERROR + 7;
pub const U8GM_NONBMP: u32 = 0xffff_0000;

pub const U4W_ERROR: i64 = 0x8000_0000;
pub const U4W_NOTUNCD: i64 = U4W_ERROR + 1;
pub const U4W_PRIVATE: i64 = U4W_ERROR + 2;
pub const U4W_SSPCHAR: i64 = U4W_ERROR + 3;
pub const U4W_UNASSGN: i64 = U4W_ERROR + 4;
pub const U4W_CONTROL: i64 = U4W_ERROR + 5;

/// Decode one raw UTF-8 character (up to the 31-bit ISO 10646 range) from
/// the front of `s`. On success `s` is advanced; on error it is unchanged
/// and a `U8G_*` code is returned.
pub fn get_raw(s: &mut &[u8]) -> u32 {
    let buf = *s;
    let mut pos = 0usize;
    let mut ret: u32 = U8G_NOTUTF8;
    let mut more = 0u32;
    loop {
        let Some(&c) = buf.get(pos) else {
            return if more != 0 { U8G_ENDSTRI } else { U8G_ENDSTRG };
        };
        pos += 1;
        let left = buf.len() - pos;
        if (0x80..0xc0).contains(&c) {
            if more == 0 {
                return U8G_BADCONT;
            }
            more -= 1;
            ret = (ret << 6) | u32::from(c & 0x3f);
        } else if more != 0 {
            return U8G_INCMPLT;
        } else {
            // An incomplete sequence at the end is judged as if the next
            // octet were a valid continuation.
            let c1 = if left > 0 { buf[pos] } else { 0xbf };
            let mut v = c;
            if c < 0x80 {
                ret = u32::from(c);
            } else if c < 0xc2 {
            } else if c < 0xe0 {
                v &= 0x1f;
                if v != 0 {
                    more = 1;
                }
            } else if c < 0xf0 {
                v &= 0x0f;
                if v != 0 || c1 >= 0xa0 {
                    more = 2;
                }
            } else if c < 0xf8 {
                v &= 0x07;
                if v != 0 || c1 >= 0x90 {
                    more = 3;
                }
            } else if c < 0xfc {
                v &= 0x03;
                if v != 0 || c1 >= 0x88 {
                    more = 4;
                }
            } else if c < 0xfe {
                v &= 0x01;
                if v != 0 || c1 >= 0x84 {
                    more = 5;
                }
            }
            if more != 0 {
                if left == 0 {
                    return U8G_ENDSTRI;
                }
                ret = u32::from(v);
            }
        }
        if more == 0 {
            break;
        }
    }
    if ret & U8G_ERROR == 0 {
        *s = &buf[pos..];
    }
    ret
}

/// Decode one Unicode character (`utf8_get`): like [`get_raw`] but
/// surrogates and values above U+10FFFF are errors.
pub fn get(s: &mut &[u8]) -> u32 {
    let mut t = *s;
    let ret = get_raw(&mut t);
    if ret & U8G_ERROR != 0 {
        ret
    } else if (0xd800..=0xdfff).contains(&ret) {
        U8G_SURROGA
    } else if ret > 0x10ffff {
        U8G_NOTUNIC
    } else {
        *s = t;
        ret
    }
}

/// Octets needed to encode `c` (`utf8_size`); 0 for values from 2^31.
pub fn size(c: u32) -> usize {
    match c {
        0..=0x7f => 1,
        0x80..=0x7ff => 2,
        0x800..=0xffff => 3,
        0x10000..=0x1f_ffff => 4,
        0x20_0000..=0x3ff_ffff => 5,
        0x400_0000..=0x7fff_ffff => 6,
        _ => 0,
    }
}

/// Append `c` in (extended) UTF-8 (`utf8_put`).
pub fn put(out: &mut Vec<u8>, c: u32) {
    const MARK: [u8; 6] = [0x00, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc];
    let n = size(c);
    if n == 0 {
        return;
    }
    let mut b = [0u8; 6];
    let mut v = c;
    for k in (1..n).rev() {
        b[k] = 0x80 | (v & 0x3f) as u8;
        v >>= 6;
    }
    b[0] = MARK[n - 1] | (v & 0x7f) as u8;
    out.extend_from_slice(&b[..n]);
}

/// Append `c` the way the original's BMP-only macro does: only the low 16
/// bits select the form, so values beyond the BMP come out mangled exactly
/// as the original mangles them.
pub fn put_bmp(out: &mut Vec<u8>, c: u32) {
    if c & 0xff80 != 0 {
        if c & 0xf800 != 0 {
            out.push((0xe0 | (c >> 12)) as u8);
            out.push((0x80 | ((c >> 6) & 0x3f)) as u8);
        } else {
            out.push((0xc0 | ((c >> 6) & 0x3f)) as u8);
        }
        out.push((0x80 | (c & 0x3f)) as u8);
    } else {
        out.push(c as u8);
    }
}

/// Size in octets of the character at the front of `s` if it is valid
/// UTF-8, else -1 (`utf8_validate`).
pub fn validate(s: &[u8]) -> i64 {
    let mut t = s;
    if get(&mut t) & U8G_ERROR != 0 {
        -1
    } else {
        (s.len() - t.len()) as i64
    }
}

/// Title case of a code point (`ucs4_titlecase`).
pub fn titlecase(c: u32) -> u32 {
    // ASCII (most of any text searched) without the table lookup: the
    // table maps exactly a-z to A-Z there (checked by a test).
    if c < 0x80 {
        return u32::from((c as u8).to_ascii_uppercase());
    }
    tables::titlecase_map().get(&c).copied().unwrap_or(c)
}

/// The full recursive decomposition of `c` when it has one, borrowed
/// (no ASCII character has one).
pub fn decomposition(c: u32) -> Option<&'static [u32]> {
    if c < 0x80 {
        return None;
    }
    tables::decomp_full().get(c)
}

/// One-level decomposition (`ucs4_decompose`), as the full list of values.
pub fn decompose(c: u32) -> Vec<u32> {
    tables::decomp_one()
        .get(c)
        .map_or_else(|| vec![c], <[u32]>::to_vec)
}

/// Full recursive decomposition (`ucs4_decompose_recursive`).
pub fn decompose_recursive(c: u32) -> Vec<u32> {
    tables::decomp_full()
        .get(c)
        .map_or_else(|| vec![c], <[u32]>::to_vec)
}

/// Screen width of a code point (`ucs4_width`): 0, 1, 2 or a `U4W_*` code.
pub fn width(c: u32) -> i64 {
    if c > 0x10ffff || (c & 0xfffe) == 0xfffe || (0xd800..=0xdfff).contains(&c) {
        U4W_NOTUNCD
    } else if c >= 0xf0000 {
        U4W_PRIVATE
    } else if c >= 0xe0000 {
        U4W_SSPCHAR
    } else if c >= 0x40000 {
        U4W_UNASSGN
    } else if c >= 0x20000 {
        2
    } else if c <= 0x1f || (0x80..=0x9f).contains(&c) {
        U4W_CONTROL
    } else {
        i64::from(tables::width_of(c))
    }
}

/// Screen width of UTF-8 text, -1 if not valid (`utf8_textwidth`).
pub fn text_width(s: &[u8]) -> i64 {
    let mut t = s;
    let mut ret: i64 = 0;
    while !t.is_empty() {
        let c = get(&mut t);
        if c & U8G_ERROR != 0 {
            return -1;
        }
        ret = ret.wrapping_add(width(c));
    }
    ret
}

/// Screen width of a NUL-terminated UTF-8 string (`utf8_strwidth`).
pub fn str_width(s: &[u8]) -> i64 {
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    let mut t = &s[..end];
    let mut ret: i64 = 0;
    while !t.is_empty() {
        // The original lets the terminating NUL end an incomplete
        // sequence, which yields an error just as running out does here.
        let c = get(&mut t);
        if c & U8G_ERROR != 0 {
            return -1;
        }
        ret = ret.wrapping_add(width(c));
    }
    ret
}

#[cfg(test)]
mod ascii_shortcuts {
    use super::*;

    #[test]
    fn ascii_shortcuts_agree_with_the_tables() {
        for c in 0..0x80u32 {
            assert_eq!(
                titlecase(c),
                tables::titlecase_map().get(&c).copied().unwrap_or(c)
            );
            assert!(!tables::decomp_full().contains(c));
        }
    }
}
