//! String and small utility routines of the original's misc.c: copies into
//! sized text, ASCII case mapping, comparisons, substring search, and the
//! `Min`/`Max` that the headers substitute for programs' `min`/`max`.

use super::bindings::SIZEDTEXT;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use crate::message::encoding::hex_nybble;
use std::cmp::Ordering;
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_void};

/// `cpystr`: a malloc'ed copy of a C string (NULL stays NULL).
///
/// # Safety
/// `string` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn cpystr(string: *const c_char) -> *mut c_char {
    super::guard("cpystr", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract of the caller.
        match unsafe { c_bytes(string) } {
            Some(bytes) => c_string_from(bytes),
            None => std::ptr::null_mut(),
        }
    })
}

/// Replaces the text of `dst` by a NUL-terminated copy of `len` bytes at
/// `src`, freeing the old text first.
///
/// # Safety
/// `dst` must be valid with `data` NULL or malloc'ed; `src` readable for
/// `len` bytes (or `len` zero).
unsafe fn set_sized_text(dst: &mut SIZEDTEXT, src: *const u8, len: c_ulong) -> *mut c_char {
    if !dst.data.is_null() {
        // SAFETY: SIZEDTEXT data is the C allocator's (interface rule).
        unsafe { fs_give(std::ptr::addr_of_mut!(dst.data) as *mut *mut c_void) };
    }
    let len_us = len as usize;
    let block = fs_get(len_us.wrapping_add(1)) as *mut u8;
    if len_us > 0 && !src.is_null() {
        // SAFETY: `src` holds `len` bytes per the contract; `block` is new.
        unsafe { std::ptr::copy_nonoverlapping(src, block, len_us) };
    }
    // SAFETY: `block` has `len + 1` bytes.
    unsafe { *block.add(len_us) = 0 };
    dst.data = block;
    dst.size = len;
    block as *mut c_char
}

/// `cpytxt`: copies `size` bytes of `text` into `dst` (old text freed) and
/// returns the new NUL-terminated text.
///
/// # Safety
/// `dst` must be a valid SIZEDTEXT whose data is NULL or malloc'ed, and
/// `text` readable for `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn cpytxt(
    dst: *mut SIZEDTEXT,
    text: *mut c_char,
    size: c_ulong,
) -> *mut c_char {
    super::guard("cpytxt", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { dst.as_mut() } {
            Some(dst) => unsafe { set_sized_text(dst, text as *const u8, size) },
            None => std::ptr::null_mut(),
        }
    })
}

/// `textcpy`: copies sized text `src` into `dst` (old text freed).
///
/// # Safety
/// Both must be valid SIZEDTEXTs; `dst->data` NULL or malloc'ed.
#[no_mangle]
pub unsafe extern "C" fn textcpy(dst: *mut SIZEDTEXT, src: *mut SIZEDTEXT) -> *mut c_char {
    super::guard("textcpy", std::ptr::null_mut(), || {
        // SAFETY: per the contract; the source is read before the destination
        // is freed, so textcpy(x, x) copies rather than reading freed memory.
        unsafe {
            let (Some(src), false) = (src.as_ref().copied(), dst.is_null()) else {
                return std::ptr::null_mut();
            };
            if !src.data.is_null() && (*dst).data == src.data {
                // Same block: copy it before the old text is freed.
                let copy = std::slice::from_raw_parts(src.data, src.size as usize).to_vec();
                return set_sized_text(&mut *dst, copy.as_ptr(), src.size);
            }
            set_sized_text(&mut *dst, src.data, src.size)
        }
    })
}

/// Applies `map` to each byte of a NUL-terminated string in place.
///
/// # Safety
/// `s` must be NULL or a writable NUL-terminated string.
unsafe fn map_in_place(s: *mut c_uchar, map: fn(u8) -> u8) -> *mut c_uchar {
    if s.is_null() {
        return s;
    }
    let mut p = s;
    // SAFETY: walks up to and excluding the terminating NUL.
    unsafe {
        while *p != 0 {
            *p = map(*p);
            p = p.add(1);
        }
    }
    s
}

/// `ucase`: ASCII letters to upper case, in place (other bytes untouched,
/// whatever the locale).
///
/// # Safety
/// `s` must be NULL or a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ucase(s: *mut c_uchar) -> *mut c_uchar {
    super::guard("ucase", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { map_in_place(s, |c| c.to_ascii_uppercase()) }
    })
}

/// `lcase`: ASCII letters to lower case, in place.
///
/// # Safety
/// `s` must be NULL or a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lcase(s: *mut c_uchar) -> *mut c_uchar {
    super::guard("lcase", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { map_in_place(s, |c| c.to_ascii_lowercase()) }
    })
}

/// The original's bit search: the index of the lowest set bit of the low
/// 32 bits of `value` (0xffffffff when they are all clear) and the value
/// with that bit cleared. The bit is cleared with a C `int` mask, so for
/// bit 31 the mask is sign-extended and flips the upper half too.
pub fn rightmost_bit(value: u64) -> (u64, u64) {
    if value & 0xffff_ffff == 0 {
        return (0xffff_ffff, value);
    }
    let bit = value.trailing_zeros();
    let mask = (1i32.wrapping_shl(bit)) as i64 as u64;
    (bit as u64, value ^ mask)
}

/// `find_rightmost_bit`: see [`rightmost_bit`].
///
/// # Safety
/// `valptr` must point to a writable unsigned long.
#[no_mangle]
pub unsafe extern "C" fn find_rightmost_bit(valptr: *mut c_ulong) -> c_ulong {
    super::guard("find_rightmost_bit", 0, || {
        // SAFETY: per the contract.
        let Some(v) = (unsafe { valptr.as_mut() }) else {
            return 0xffff_ffff;
        };
        let (bit, rest) = rightmost_bit(*v);
        *v = rest;
        bit
    })
}

/// `Min` (programs' `min` is renamed to it by the headers).
// no-panic: one integer comparison.
#[no_mangle]
pub extern "C" fn Min(i: c_long, j: c_long) -> c_long {
    i.min(j)
}

/// `Max` (programs' `max` is renamed to it by the headers).
// no-panic: one integer comparison.
#[no_mangle]
pub extern "C" fn Max(i: c_long, j: c_long) -> c_long {
    i.max(j)
}

/// Whether `pat` occurs in `base`, comparing bytes through `fold`.
/// Horspool's skip rule keeps the usual case fast.
pub fn find_folded(base: &[u8], pat: &[u8], fold: impl Fn(u8) -> u8) -> bool {
    let m = pat.len();
    if m == 0 {
        return true;
    }
    if m > base.len() {
        return false;
    }
    let mut skip = [m; 256];
    for (k, &c) in pat[..m - 1].iter().enumerate() {
        skip[fold(c) as usize] = m - 1 - k;
    }
    let mut i = 0;
    while i + m <= base.len() {
        let window = &base[i..i + m];
        if window
            .iter()
            .rev()
            .zip(pat.iter().rev())
            .all(|(&a, &b)| fold(a) == fold(b))
        {
            return true;
        }
        i += skip[fold(base[i + m - 1]) as usize];
    }
    false
}

/// Argument checks shared by `search` and `ssearch`: Some(answer) when
/// the arguments decide the result without looking.
fn search_args(base: *const u8, basec: c_long, pat: *const u8, patc: c_long) -> Option<bool> {
    if base.is_null() || basec <= 0 || pat.is_null() || basec < patc {
        Some(false)
    } else if patc <= 0 {
        Some(true)
    } else {
        None
    }
}

/// Runs a search with validated arguments.
///
/// # Safety
/// `base`/`pat` readable for `basec`/`patc` bytes when non-NULL.
unsafe fn run_search(
    base: *const u8,
    basec: c_long,
    pat: *const u8,
    patc: c_long,
    fold: impl Fn(u8) -> u8,
) -> c_long {
    if let Some(answer) = search_args(base, basec, pat, patc) {
        return answer as c_long;
    }
    // SAFETY: lengths are positive and the caller guarantees readability.
    let (b, p) = unsafe {
        (
            std::slice::from_raw_parts(base, basec as usize),
            std::slice::from_raw_parts(pat, patc as usize),
        )
    };
    find_folded(b, p, fold) as c_long
}

/// `search`: whether `pat` occurs in `base`, ASCII case-insensitively.
///
/// # Safety
/// `base`/`pat` NULL or readable for `basec`/`patc` bytes.
#[no_mangle]
pub unsafe extern "C" fn search(
    base: *mut c_uchar,
    basec: c_long,
    pat: *mut c_uchar,
    patc: c_long,
) -> c_long {
    super::guard("search", 0, || {
        // SAFETY: forwarded contract.
        unsafe { run_search(base, basec, pat, patc, |c| c.to_ascii_lowercase()) }
    })
}

/// `ssearch`: whether `pat` occurs in `base`, byte for byte.
///
/// # Safety
/// `base`/`pat` NULL or readable for `basec`/`patc` bytes.
#[no_mangle]
pub unsafe extern "C" fn ssearch(
    base: *mut c_uchar,
    basec: c_long,
    pat: *mut c_uchar,
    patc: c_long,
) -> c_long {
    super::guard("ssearch", 0, || {
        // SAFETY: forwarded contract.
        unsafe { run_search(base, basec, pat, patc, |c| c) }
    })
}

/// `hex2byte`: two hex digits to a byte.
// no-panic: wrapping byte arithmetic only (hex_nybble uses wrapping_sub).
#[no_mangle]
pub extern "C" fn hex2byte(c1: c_uchar, c2: c_uchar) -> c_uchar {
    (hex_nybble(c1) << 4).wrapping_add(hex_nybble(c2))
}

fn ordering_to_int(o: Ordering) -> c_int {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// `compare_ulong`: -1, 0 or 1.
// no-panic: one integer comparison.
#[no_mangle]
pub extern "C" fn compare_ulong(l1: c_ulong, l2: c_ulong) -> c_int {
    ordering_to_int(l1.cmp(&l2))
}

/// `compare_uchar`: -1, 0 or 1, ASCII letters compared as lower case.
// no-panic: ASCII folding and one comparison.
#[no_mangle]
pub extern "C" fn compare_uchar(c1: c_uchar, c2: c_uchar) -> c_int {
    ordering_to_int(c1.to_ascii_lowercase().cmp(&c2.to_ascii_lowercase()))
}

/// Case-independent comparison of two byte strings, shorter first on a
/// common prefix.
pub fn compare_folded(a: &[u8], b: &[u8]) -> c_int {
    let ai = a.iter().map(|c| c.to_ascii_lowercase());
    let bi = b.iter().map(|c| c.to_ascii_lowercase());
    ordering_to_int(ai.cmp(bi))
}

/// `compare_cstring`: case-independent; NULL sorts before any string.
///
/// # Safety
/// Each argument NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn compare_cstring(s1: *mut c_uchar, s2: *mut c_uchar) -> c_int {
    super::guard("compare_cstring", 0, || {
        // SAFETY: forwarded contract.
        let (a, b) = unsafe { (c_bytes(s1 as *const c_char), c_bytes(s2 as *const c_char)) };
        match (a, b) {
            (None, None) => 0,
            (None, Some(_)) => -1,
            (Some(_), None) => 1,
            (Some(a), Some(b)) => compare_folded(a, b),
        }
    })
}

/// `compare_csizedtext`: a C string against sized text, case-independent;
/// NULL sorts first.
///
/// # Safety
/// `s1` NULL or NUL-terminated; `s2` NULL or a SIZEDTEXT whose data holds
/// `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn compare_csizedtext(s1: *mut c_uchar, s2: *mut SIZEDTEXT) -> c_int {
    super::guard("compare_csizedtext", 0, || {
        // SAFETY: forwarded contract.
        let (a, b) = unsafe { (c_bytes(s1 as *const c_char), s2.as_ref()) };
        match (a, b) {
            (None, None) => 0,
            (None, Some(_)) => -1,
            (Some(_), None) => 1,
            (Some(a), Some(b)) => {
                let text: &[u8] = if b.data.is_null() || b.size == 0 {
                    &[]
                } else {
                    // SAFETY: the SIZEDTEXT holds `size` bytes per the contract.
                    unsafe { std::slice::from_raw_parts(b.data, b.size as usize) }
                };
                compare_folded(a, text)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rightmost_bit_walk() {
        let mut v = 0b1010_0100u64;
        let mut bits = Vec::new();
        loop {
            let (b, rest) = rightmost_bit(v);
            if b == 0xffff_ffff {
                break;
            }
            bits.push(b);
            v = rest;
        }
        assert_eq!(bits, vec![2, 5, 7]);
        assert_eq!(rightmost_bit(0x1_0000_0000), (0xffff_ffff, 0x1_0000_0000));
        assert_eq!(rightmost_bit(0x8000_0000).1, 0xffff_ffff_0000_0000);
    }

    #[test]
    fn folded_search() {
        let lower = |c: u8| c.to_ascii_lowercase();
        assert!(find_folded(b"Hello World", b"WORLD", lower));
        assert!(!find_folded(b"Hello World", b"WORLD", |c| c));
        assert!(find_folded(b"abc", b"", lower));
        assert!(!find_folded(b"ab", b"abc", lower));
        assert!(find_folded(b"aaaaab", b"aab", lower));
        assert!(!find_folded(b"\xe9T\xc9", b"\xc9t\xe9", lower));
        // Brute force agreement on a small alphabet.
        let alphabet = b"aAb[{";
        for n in 0..200u32 {
            let base: Vec<u8> = (0..(n % 9))
                .map(|k| alphabet[((n * 7 + k * 3) % 5) as usize])
                .collect();
            let pat: Vec<u8> = (0..(n % 4))
                .map(|k| alphabet[((n + k * 11) % 5) as usize])
                .collect();
            let brute = pat.is_empty()
                || base
                    .windows(pat.len())
                    .any(|w| w.eq_ignore_ascii_case(&pat));
            assert_eq!(find_folded(&base, &pat, lower), brute, "{base:?} {pat:?}");
        }
    }

    #[test]
    fn hex_and_compare() {
        assert_eq!(hex2byte(b'4', b'1'), 0x41);
        assert_eq!(hex2byte(b'f', b'F'), 0xff);
        assert_eq!(hex2byte(b'a', b'0'), 0xa0);
        assert_eq!(compare_folded(b"abc", b"ABD"), -1);
        assert_eq!(compare_folded(b"abc", b"ABC"), 0);
        assert_eq!(compare_folded(b"abcd", b"ABC"), 1);
        assert_eq!(compare_uchar(b'[', b'a'), -1);
    }
}
