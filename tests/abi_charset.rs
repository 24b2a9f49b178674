//! Charset exports through their C entry points, checked against the safe
//! core (runs without the original installed; the differential suite is
//! c-tests/charset/run.sh).

mod abi_support;

use c_client::abi::bindings::{CHARSET, SIZEDTEXT};
use c_client::abi::utf8::{ucs4_titlecase, utf8_charset};
use c_client::abi::utf8x::*;
use c_client::charset::{self, registry, utf8 as core};
use std::os::raw::{c_char, c_ulong, c_void};
use std::ptr::null_mut;

fn chase(f: unsafe extern "C" fn(c_ulong, *mut *mut c_void) -> c_ulong, c: u32) -> Vec<u32> {
    let mut more: *mut c_void = null_mut();
    // SAFETY: `more` is ours and chased until the library clears it.
    let mut v = vec![unsafe { f(c_ulong::from(c), &mut more) } as u32];
    let mut guard = 0;
    while !more.is_null() {
        // SAFETY: as above.
        v.push(unsafe { f(0x8000_0000, &mut more) } as u32);
        guard += 1;
        assert!(guard < 64, "endless decomposition of {c:#x}");
    }
    v
}

#[test]
fn decomposition_blocks_give_the_table_values() {
    for c in (0..0x30000u32).step_by(7).chain(0xac00..0xac40) {
        assert_eq!(chase(ucs4_decompose, c), core::decompose(c), "{c:#x}");
        assert_eq!(
            chase(ucs4_decompose_recursive, c),
            core::decompose_recursive(c),
            "{c:#x}"
        );
    }
}

fn cs(name: &str) -> *const CHARSET {
    let n = std::ffi::CString::new(name).unwrap();
    // SAFETY: NUL-terminated name.
    unsafe { utf8_charset(n.as_ptr() as *mut c_char) }
}

fn take(t: &SIZEDTEXT) -> Vec<u8> {
    // SAFETY: the library returned `size` bytes at `data`.
    unsafe { std::slice::from_raw_parts(t.data, t.size as usize) }.to_vec()
}

#[test]
fn per_type_converters_match_the_core() {
    let mut seed = 7u64;
    for (k, c) in registry::CHARSETS.iter().enumerate() {
        if c.kind == registry::CsType::Ucs4 {
            continue;
        }
        let rec = cs(c.name);
        for round in 0..20 {
            let text: Vec<u8> = (0..(k + round) % 40)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                })
                .collect();
            let mut src = SIZEDTEXT {
                data: text.as_ptr() as *mut u8,
                size: text.len() as c_ulong,
            };
            for (cv, de, canon) in [
                (None, None, charset::Canon::default()),
                (
                    Some(ucs4_titlecase as unsafe extern "C" fn(c_ulong) -> c_ulong),
                    Some(
                        ucs4_decompose_recursive
                            as unsafe extern "C" fn(c_ulong, *mut *mut c_void) -> c_ulong,
                    ),
                    charset::Canon::from_flags(charset::U8T_CANONICAL),
                ),
            ] {
                let mut out = SIZEDTEXT {
                    data: null_mut(),
                    size: 0,
                };
                // SAFETY: valid texts and a library record.
                let rc = unsafe { utf8_text_cs(&mut src, rec, &mut out, cv, de) };
                assert_eq!(rc, 1);
                let want = charset::text_cs(&text, c, canon);
                assert_eq!(take(&out), want.as_ref(), "{} {:?}", c.name, text);
            }
        }
    }
}

#[test]
fn caller_tables_are_read() {
    // A one-byte table of our own: 0x80+i maps to U+0400+i.
    let tab: Vec<u16> = (0..128u16).map(|i| 0x400 + i).collect();
    let text: Vec<u8> = (0x78..0x90u8).collect();
    let mut src = SIZEDTEXT {
        data: text.as_ptr() as *mut u8,
        size: text.len() as c_ulong,
    };
    let mut out = SIZEDTEXT {
        data: null_mut(),
        size: 0,
    };
    // SAFETY: a 128-entry table, valid texts.
    unsafe { utf8_text_1byte(&mut src, &mut out, tab.as_ptr() as *mut c_void, None, None) };
    let want: String = text
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                char::from_u32(0x400 + u32::from(b - 0x80)).unwrap()
            }
        })
        .collect();
    assert_eq!(take(&out), want.as_bytes());
}

#[test]
fn rmap_cache_recycles_one_map() {
    let name = |s: &str| std::ffi::CString::new(s).unwrap();
    let (a, b, u) = (name("ISO-8859-5"), name("KOI8-R"), name("UTF-8"));
    // SAFETY: NUL-terminated names; maps are the library's.
    unsafe {
        let m1 = utf8_rmap(a.as_ptr() as *mut c_char);
        assert!(!m1.is_null());
        let want1 = charset::rmap_gen(registry::charset(b"ISO-8859-5").unwrap()).unwrap();
        assert_eq!(std::slice::from_raw_parts(m1, 65536), &want1[..]);
        let m2 = utf8_rmap(b.as_ptr() as *mut c_char);
        assert_eq!(m1, m2, "the cached map is overwritten in place");
        let want2 = charset::rmap_gen(registry::charset(b"KOI8-R").unwrap()).unwrap();
        assert_eq!(std::slice::from_raw_parts(m2, 65536), &want2[..]);
        assert!(utf8_rmap(u.as_ptr() as *mut c_char).is_null());
        assert_eq!(utf8_rmap(b.as_ptr() as *mut c_char), m2);
    }
}

#[test]
fn ucs4_rmap_round_trip() {
    let koi = registry::charset(b"KOI8-R").unwrap();
    let map = charset::rmap_gen(koi).unwrap();
    let ucs4: Vec<c_ulong> = "Привет, мир\u{feff}!"
        .chars()
        .map(|c| c as c_ulong)
        .collect();
    let mut out = SIZEDTEXT {
        data: null_mut(),
        size: 0,
    };
    // SAFETY: valid map and text.
    let len = unsafe {
        ucs4_rmaplen(
            ucs4.as_ptr() as *mut _,
            ucs4.len() as c_ulong,
            map.as_ptr() as *mut _,
            0,
        )
    };
    // SAFETY: as above.
    let rc = unsafe {
        ucs4_rmaptext(
            ucs4.as_ptr() as *mut _,
            ucs4.len() as c_ulong,
            map.as_ptr() as *mut _,
            &mut out,
            0,
        )
    };
    assert_eq!(rc, 1);
    assert_eq!(out.size as i64, len as i64);
    let bytes = take(&out);
    let back = charset::text_cs(&bytes, koi, charset::Canon::default());
    assert_eq!(back.as_ref(), "Привет, мир!".as_bytes());
    // Outside the BMP fails even with a substitute character.
    let astral = [0x1f600 as c_ulong];
    // SAFETY: as above.
    assert_eq!(
        unsafe { ucs4_rmaplen(astral.as_ptr() as *mut _, 1, map.as_ptr() as *mut _, 0x3f) },
        -1
    );
}

#[test]
fn mail_utf7_valid_matches_core() {
    for name in ["INBOX", "a&-b", "&AOk-", "&AOk", "x\u{e9}", "&A,B+-", "&*-"] {
        let c = std::ffi::CString::new(name).unwrap();
        // SAFETY: NUL-terminated name.
        let p = unsafe { mail_utf7_valid(c.as_ptr() as *mut c_char) };
        let got = (!p.is_null()).then(|| {
            // SAFETY: the library returns a NUL-terminated message.
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_str()
                .unwrap()
                .to_owned()
        });
        assert_eq!(
            got.as_deref(),
            charset::utf7_invalid(name.as_bytes()),
            "{name}"
        );
    }
}
