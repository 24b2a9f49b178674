//! misc.c routines through their C entry points, checked against plain
//! Rust reference computations.

mod abi_support;

use c_client::abi::bindings::SIZEDTEXT;
use c_client::abi::misc::*;
use c_client::abi::strings::strcrlfcpy;
use std::os::raw::{c_char, c_ulong};
use std::ptr::null_mut;

/// A small deterministic generator for test inputs.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn bytes_upto(&mut self, max: usize, alphabet: &[u8]) -> Vec<u8> {
        let n = self.next() as usize % max;
        (0..n)
            .map(|_| alphabet[self.next() as usize % alphabet.len()])
            .collect()
    }
}

fn sized(bytes: &[u8]) -> SIZEDTEXT {
    SIZEDTEXT {
        data: bytes.as_ptr() as *mut u8,
        size: bytes.len() as c_ulong,
    }
}

fn text_of(t: &SIZEDTEXT) -> Vec<u8> {
    // SAFETY: the library allocated size + 1 bytes.
    unsafe { std::slice::from_raw_parts(t.data, t.size as usize + 1) }.to_vec()
}

#[test]
fn cpytxt_and_textcpy_copy_and_terminate() {
    let mut dst = SIZEDTEXT {
        data: null_mut(),
        size: 0,
    };
    // SAFETY: dst starts empty; sources are live slices.
    unsafe {
        cpytxt(&mut dst, b"ab\0cd".as_ptr() as *mut c_char, 5);
        assert_eq!(text_of(&dst), b"ab\0cd\0");
        let mut src = sized(b"replacement");
        textcpy(&mut dst, &mut src);
        assert_eq!(text_of(&dst), b"replacement\0");
        // Copying a text onto itself keeps the text.
        let mut same = dst;
        textcpy(&mut dst, &mut same);
        assert_eq!(text_of(&dst), b"replacement\0");
        libc::free(dst.data as *mut _);
    }
}

#[test]
fn case_mapping_is_ascii_only() {
    let mut all: Vec<u8> = (1..=255u8).collect();
    all.push(0);
    let mut up = all.clone();
    let mut low = all.clone();
    // SAFETY: NUL-terminated writable buffers.
    unsafe {
        ucase(up.as_mut_ptr());
        lcase(low.as_mut_ptr());
    }
    for (i, &c) in all.iter().enumerate() {
        assert_eq!(up[i], c.to_ascii_uppercase());
        assert_eq!(low[i], c.to_ascii_lowercase());
    }
}

#[test]
fn search_agrees_with_brute_force() {
    let mut rng = Lcg(7);
    for _ in 0..3000 {
        let base = rng.bytes_upto(12, b"aAbB[{\xe9");
        let pat = rng.bytes_upto(4, b"aAbB[{\xe9");
        let ci = pat.is_empty()
            || base
                .windows(pat.len())
                .any(|w| w.eq_ignore_ascii_case(&pat));
        let cs = pat.is_empty() || base.windows(pat.len()).any(|w| w == pat.as_slice());
        // The original answers NIL for an empty base whatever the pattern.
        let valid = !base.is_empty() && base.len() >= pat.len();
        // SAFETY: live buffers with their lengths.
        let (got_ci, got_cs) = unsafe {
            (
                search(
                    base.as_ptr() as *mut u8,
                    base.len() as _,
                    pat.as_ptr() as *mut u8,
                    pat.len() as _,
                ),
                ssearch(
                    base.as_ptr() as *mut u8,
                    base.len() as _,
                    pat.as_ptr() as *mut u8,
                    pat.len() as _,
                ),
            )
        };
        assert_eq!(got_ci != 0, valid && ci, "{base:?} / {pat:?}");
        assert_eq!(got_cs != 0, valid && cs, "{base:?} / {pat:?}");
    }
}

#[test]
fn compare_cstring_is_a_case_blind_order() {
    let mut rng = Lcg(11);
    for _ in 0..2000 {
        let mut a = rng.bytes_upto(5, b"aAzZ_[");
        let mut b = rng.bytes_upto(5, b"aAzZ_[");
        let want = a
            .iter()
            .map(u8::to_ascii_lowercase)
            .cmp(b.iter().map(u8::to_ascii_lowercase)) as i32;
        a.push(0);
        b.push(0);
        // SAFETY: NUL-terminated strings.
        let got = unsafe { compare_cstring(a.as_mut_ptr(), b.as_mut_ptr()) };
        assert_eq!(got, want);
        let mut t = sized(&b[..b.len() - 1]);
        // SAFETY: a NUL-terminated string and a live sized text.
        let got = unsafe { compare_csizedtext(a.as_mut_ptr(), &mut t) };
        assert_eq!(got, want);
    }
    // SAFETY: NULL is allowed and sorts first.
    unsafe {
        assert_eq!(compare_cstring(null_mut(), null_mut()), 0);
        assert_eq!(compare_cstring(null_mut(), c"".as_ptr() as *mut u8), -1);
    }
}

#[test]
fn hex2byte_matches_parsing() {
    let digits = b"0123456789abcdefABCDEF";
    for &h in digits {
        for &l in digits {
            let want = u8::from_str_radix(std::str::from_utf8(&[h, l]).unwrap(), 16).unwrap();
            assert_eq!(hex2byte(h, l), want);
        }
    }
}

#[test]
fn min_max_and_rightmost_bit() {
    assert_eq!(Min(-3, 2), -3);
    assert_eq!(Max(-3, 2), 2);
    let mut v: c_ulong = 0b1001_0000;
    // SAFETY: a live value.
    unsafe {
        assert_eq!(find_rightmost_bit(&mut v), 4);
        assert_eq!(find_rightmost_bit(&mut v), 7);
        assert_eq!(v, 0);
        assert_eq!(find_rightmost_bit(&mut v), 0xffff_ffff);
    }
}

#[test]
fn strcrlfcpy_matches_reference_and_reuses_buffers() {
    let mut rng = Lcg(3);
    let mut dst: *mut u8 = null_mut();
    let mut dstl: c_ulong = 0;
    for _ in 0..500 {
        let src = rng.bytes_upto(20, b"a\r\n");
        let mut want = Vec::new();
        let mut i = 0;
        while i < src.len() {
            match src[i] {
                b'\r' if src.get(i + 1) == Some(&b'\n') => {
                    want.extend_from_slice(b"\r\n");
                    i += 1;
                }
                b'\n' => want.extend_from_slice(b"\r\n"),
                c => want.push(c),
            }
            i += 1;
        }
        let before = dst;
        let old_len = dstl;
        // SAFETY: dst is NULL or our last result with dstl + 1 bytes.
        let n = unsafe { strcrlfcpy(&mut dst, &mut dstl, src.as_ptr() as *mut u8, src.len() as _) };
        assert_eq!(n as usize, want.len());
        // SAFETY: the result has n + 1 bytes.
        let got = unsafe { std::slice::from_raw_parts(dst, n as usize + 1) };
        assert_eq!(&got[..n as usize], want.as_slice());
        assert_eq!(got[n as usize], 0);
        if !before.is_null()
            && want.len() as c_ulong <= old_len
            && 2 * src.len() as c_ulong <= old_len
        {
            assert_eq!(dst, before, "a large enough buffer is reused");
            assert_eq!(dstl, old_len);
        }
    }
    // SAFETY: malloc'ed by the library.
    unsafe { libc::free(dst as *mut _) };
}
