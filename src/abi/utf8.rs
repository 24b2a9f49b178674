//! C exports of the charset layer (`utf8.h`, `utf8aux.h`): thin wrappers
//! that turn C arguments into slices, call `crate::charset`, and hand back
//! results allocated with `fs_get` as the original does.

use super::bindings::{__BindgenBitfieldUnit, utf8_eucparam, CHARSET, SCRIPT, SIZEDTEXT};
use super::guard;
use super::memory::{c_bytes, c_string_from};
use crate::charset::{self, registry, utf8 as u8core, Canon};
use std::borrow::Cow;
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_void};
use std::sync::OnceLock;

/// The registry as C records at stable addresses (built once, never freed).
struct CTables {
    charsets: Vec<CHARSET>,
    scripts: Vec<SCRIPT>,
}
// SAFETY: the records and everything they point to are immutable after
// construction and live for the whole process.
unsafe impl Send for CTables {}
// SAFETY: as above; shared read-only access only.
unsafe impl Sync for CTables {}

fn leak_str(s: &str) -> *mut c_char {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    Box::leak(v.into_boxed_slice()).as_mut_ptr() as *mut c_char
}

fn leak_table(t: &registry::EucParam) -> *mut c_void {
    match t.table {
        Some(tab) => {
            let v: Vec<u16> = (0..tab.len()).map(|i| tab.get(i)).collect();
            Box::leak(v.into_boxed_slice()).as_mut_ptr() as *mut c_void
        }
        None => std::ptr::null_mut(),
    }
}

pub(super) fn c_tables_charsets() -> &'static [CHARSET] {
    &c_tables().charsets
}

fn c_tables() -> &'static CTables {
    static T: OnceLock<CTables> = OnceLock::new();
    T.get_or_init(|| {
        let mut singles: Vec<(&'static crate::charset::tables::Table16, *mut c_void)> = Vec::new();
        let mut doubles: Vec<(registry::DbSet, *mut c_void)> = Vec::new();
        let mut charsets: Vec<CHARSET> = registry::CHARSETS
            .iter()
            .map(|cs| {
                let tab = match cs.table {
                    registry::CsTable::None => std::ptr::null_mut(),
                    registry::CsTable::Single(t) => match singles.iter().find(|(x, _)| x.same(t)) {
                        Some((_, p)) => *p,
                        None => {
                            let v: Vec<u16> = (0..t.len()).map(|i| t.get(i)).collect();
                            let p = Box::leak(v.into_boxed_slice()).as_mut_ptr() as *mut c_void;
                            singles.push((t, p));
                            p
                        }
                    },
                    registry::CsTable::Double(set) => match doubles.iter().find(|(x, _)| *x == set)
                    {
                        Some((_, p)) => *p,
                        None => {
                            let params: Vec<utf8_eucparam> = set
                                .params()
                                .iter()
                                .map(|p| utf8_eucparam {
                                    _bitfield_align_1: [],
                                    _bitfield_1: __BindgenBitfieldUnit::new([
                                        p.base_ku, p.base_ten, p.max_ku, p.max_ten,
                                    ]),
                                    tab: if set == registry::DbSet::EucJp && p.max_ten == 0 {
                                        // The kana plane's "table" is the offset itself.
                                        registry::KANA_8 as usize as *mut c_void
                                    } else {
                                        leak_table(p)
                                    },
                                })
                                .collect();
                            let p =
                                Box::leak(params.into_boxed_slice()).as_mut_ptr() as *mut c_void;
                            doubles.push((set, p));
                            p
                        }
                    },
                };
                CHARSET {
                    name: leak_str(cs.name),
                    type_: cs.kind as u16,
                    flags: cs.flags,
                    tab,
                    script: c_ulong::from(cs.script),
                    preferred: cs.preferred.map_or(std::ptr::null_mut(), leak_str),
                }
            })
            .collect();
        charsets.push(CHARSET {
            name: std::ptr::null_mut(),
            type_: 0,
            flags: 0,
            tab: std::ptr::null_mut(),
            script: 0,
            preferred: std::ptr::null_mut(),
        });
        let mut scripts: Vec<SCRIPT> = registry::SCRIPTS
            .iter()
            .map(|s| SCRIPT {
                name: leak_str(s.name),
                description: s.description.map_or(std::ptr::null_mut(), leak_str),
                script: c_ulong::from(s.script),
            })
            .collect();
        scripts.push(SCRIPT {
            name: std::ptr::null_mut(),
            description: std::ptr::null_mut(),
            script: 0,
        });
        CTables { charsets, scripts }
    })
}

/// The registry entry behind a C record of ours.
pub(super) fn core_charset(cs: *const CHARSET) -> Option<&'static registry::Charset> {
    let t = c_tables();
    let base = t.charsets.as_ptr();
    let idx = (cs as usize).checked_sub(base as usize)? / std::mem::size_of::<CHARSET>();
    if idx < registry::CHARSETS.len() && std::ptr::eq(&t.charsets[idx], cs) {
        Some(&registry::CHARSETS[idx])
    } else {
        None
    }
}

fn c_record(cs: &'static registry::Charset) -> *const CHARSET {
    let idx = registry::CHARSETS
        .iter()
        .position(|c| std::ptr::eq(c, cs))
        .unwrap_or(0);
    &c_tables().charsets[idx]
}

/// Borrow a SIZEDTEXT's bytes.
///
/// # Safety
/// `t` must be NULL or point to a SIZEDTEXT whose data holds `size` bytes.
pub(super) unsafe fn sized<'a>(t: *const SIZEDTEXT) -> Option<&'a [u8]> {
    if t.is_null() {
        return None;
    }
    // SAFETY: per the contract.
    let t = unsafe { &*t };
    if t.data.is_null() || t.size == 0 {
        return Some(&[]);
    }
    // SAFETY: per the contract, `data` holds `size` bytes.
    Some(unsafe { std::slice::from_raw_parts(t.data, t.size as usize) })
}

/// Store a result: the source pointer when unchanged, else a new
/// NUL-terminated `fs_get` block.
///
/// # Safety
/// `ret` must be writable; `src` is the caller's source text.
pub(super) unsafe fn store(ret: *mut SIZEDTEXT, src: *const SIZEDTEXT, out: Cow<'_, [u8]>) {
    // SAFETY: per the contract.
    let r = unsafe { &mut *ret };
    match out {
        Cow::Borrowed(_) => {
            // SAFETY: `src` is the caller's valid SIZEDTEXT.
            let s = unsafe { &*src };
            r.data = s.data;
            r.size = s.size;
        }
        Cow::Owned(v) => {
            r.data = c_string_from(&v) as *mut c_uchar;
            r.size = v.len() as c_ulong;
        }
    }
}

/// # Safety
/// `charset` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn utf8_charset(charset: *mut c_char) -> *const CHARSET {
    guard("utf8_charset", std::ptr::null(), || {
        // SAFETY: caller's contract.
        match unsafe { c_bytes(charset) } {
            None => c_tables().charsets.as_ptr(),
            Some(n) => registry::charset(n).map_or(std::ptr::null(), c_record),
        }
    })
}

/// # Safety
/// `script` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn utf8_script(script: *mut c_char) -> *mut SCRIPT {
    guard("utf8_script", std::ptr::null_mut(), || {
        let t = c_tables();
        // SAFETY: caller's contract.
        match unsafe { c_bytes(script) } {
            None => t.scripts.as_ptr() as *mut SCRIPT,
            Some(n) => registry::script_index(n).map_or(std::ptr::null_mut(), |i| {
                &t.scripts[i] as *const SCRIPT as *mut SCRIPT
            }),
        }
    })
}

/// # Safety
/// `charset` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn utf8_badcharset(charset: *mut c_char) -> *mut c_char {
    guard("utf8_badcharset", std::ptr::null_mut(), || {
        // No charset means US-ASCII, which is always good (searches pass
        // NULL for "no charset given").
        // SAFETY: caller's contract.
        let Some(n) = (unsafe { c_bytes(charset) }) else {
            return std::ptr::null_mut();
        };
        registry::bad_charset_message(n).map_or(std::ptr::null_mut(), |m| c_string_from(&m))
    })
}

/// # Safety
/// `text` must be NULL or a valid SIZEDTEXT.
#[no_mangle]
pub unsafe extern "C" fn utf8_infercharset(text: *mut SIZEDTEXT) -> *const CHARSET {
    guard("utf8_infercharset", std::ptr::null(), || {
        // SAFETY: caller's contract.
        let src = unsafe { sized(text) }.unwrap_or(&[]);
        charset::infer_charset(src).map_or(std::ptr::null(), c_record)
    })
}

/// # Safety
/// `text` and `ret` must be valid SIZEDTEXTs (or NULL where the original
/// allows it); `charset` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn utf8_text(
    text: *mut SIZEDTEXT,
    charset: *mut c_char,
    ret: *mut SIZEDTEXT,
    flags: c_long,
) -> c_long {
    guard("utf8_text", 0, || {
        // SAFETY: caller's contract.
        let name = unsafe { c_bytes(charset) };
        // SAFETY: caller's contract.
        let src = unsafe { sized(text) };
        let cs = match name {
            Some(n) if !n.is_empty() => registry::charset(n),
            _ => charset::infer_charset(src.unwrap_or(&[])),
        };
        match (cs, src) {
            (Some(cs), Some(src)) if !ret.is_null() => {
                let out = charset::text_cs(src, cs, Canon::from_flags(flags));
                // SAFETY: `ret` and `text` are valid per the contract.
                unsafe { store(ret, text, out) };
                1
            }
            (Some(_), _) => 1,
            (None, _) => {
                if !ret.is_null() && !text.is_null() {
                    // SAFETY: both valid per the contract.
                    unsafe {
                        (*ret).data = (*text).data;
                        (*ret).size = (*text).size;
                    }
                }
                0
            }
        }
    })
}

/// # Safety
/// `src`, `dst` valid SIZEDTEXTs.
#[no_mangle]
pub unsafe extern "C" fn utf8_mime2text(
    src: *mut SIZEDTEXT,
    dst: *mut SIZEDTEXT,
    flags: c_long,
) -> c_long {
    guard("utf8_mime2text", 0, || {
        // SAFETY: caller's contract.
        let Some(s) = (unsafe { sized(src) }) else {
            return 0;
        };
        let (ok, out) = charset::mime2text_log(s, flags, &mut |m| {
            super::log(
                &String::from_utf8_lossy(m),
                super::bindings::PARSE as c_long,
            )
        });
        // SAFETY: caller's contract.
        unsafe { store(dst, src, out) };
        ok as c_long
    })
}

/// Shared body of `utf8_get` / `utf8_get_raw`.
///
/// # Safety
/// `s` points to a pointer to at least `*i` readable bytes.
unsafe fn get_with(s: *mut *mut c_uchar, i: *mut c_ulong, f: fn(&mut &[u8]) -> u32) -> c_ulong {
    if s.is_null() || i.is_null() {
        return c_ulong::from(u8core::U8G_ENDSTRG);
    }
    // SAFETY: caller's contract.
    let (p, n) = unsafe { (*s, *i as usize) };
    let data: &[u8] = if p.is_null() || n == 0 {
        &[]
    } else {
        // SAFETY: caller's contract.
        unsafe { std::slice::from_raw_parts(p, n) }
    };
    let mut t = data;
    let c = f(&mut t);
    let used = data.len() - t.len();
    if used > 0 {
        // SAFETY: advancing within the caller's buffer.
        unsafe {
            *s = p.add(used);
            *i = (n - used) as c_ulong;
        }
    }
    c_ulong::from(c)
}

/// # Safety
/// See `get_with`.
#[no_mangle]
pub unsafe extern "C" fn utf8_get(s: *mut *mut c_uchar, i: *mut c_ulong) -> c_ulong {
    // SAFETY: forwarded contract.
    guard("utf8_get", c_ulong::from(u8core::U8G_NOTUTF8), || unsafe {
        get_with(s, i, u8core::get)
    })
}

/// # Safety
/// See `get_with`.
#[no_mangle]
pub unsafe extern "C" fn utf8_get_raw(s: *mut *mut c_uchar, i: *mut c_ulong) -> c_ulong {
    // SAFETY: forwarded contract.
    guard(
        "utf8_get_raw",
        c_ulong::from(u8core::U8G_NOTUTF8),
        || unsafe { get_with(s, i, u8core::get_raw) },
    )
}

#[no_mangle]
pub extern "C" fn utf8_size(c: c_ulong) -> c_ulong {
    guard("utf8_size", 0, || {
        if c > 0xffff_ffff {
            0
        } else {
            u8core::size(c as u32) as c_ulong
        }
    })
}

/// # Safety
/// `s` must have room for `utf8_size(c)` bytes.
#[no_mangle]
pub unsafe extern "C" fn utf8_put(s: *mut c_uchar, c: c_ulong) -> *mut c_uchar {
    guard("utf8_put", std::ptr::null_mut(), || {
        let mut v = Vec::with_capacity(6);
        if c <= 0xffff_ffff {
            u8core::put(&mut v, c as u32);
        }
        // SAFETY: the caller provides room for the encoded size.
        unsafe {
            std::ptr::copy_nonoverlapping(v.as_ptr(), s, v.len());
            s.add(v.len())
        }
    })
}

/// # Safety
/// `s` must point to `i` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn utf8_validate(s: *mut c_uchar, i: c_ulong) -> c_long {
    guard("utf8_validate", -1, || {
        if s.is_null() {
            return -1;
        }
        // SAFETY: caller's contract.
        let d = unsafe { std::slice::from_raw_parts(s, i as usize) };
        u8core::validate(d) as c_long
    })
}

#[no_mangle]
pub extern "C" fn ucs4_width(c: c_ulong) -> c_long {
    guard("ucs4_width", u8core::U4W_NOTUNCD as c_long, || {
        if c > 0xffff_ffff {
            return u8core::U4W_NOTUNCD as c_long;
        }
        u8core::width(c as u32) as c_long
    })
}

#[no_mangle]
pub extern "C" fn ucs4_titlecase(c: c_ulong) -> c_ulong {
    guard("ucs4_titlecase", c, || {
        if c > 0xffff_ffff {
            return c;
        }
        c_ulong::from(u8core::titlecase(c as u32))
    })
}

/// # Safety
/// `s` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn utf8_strwidth(s: *mut c_uchar) -> c_long {
    guard("utf8_strwidth", 0, || {
        // SAFETY: caller's contract.
        let d = unsafe { c_bytes(s as *const c_char) }.unwrap_or(b"");
        u8core::str_width(d) as c_long
    })
}

/// # Safety
/// `utf8` must be a valid SIZEDTEXT.
#[no_mangle]
pub unsafe extern "C" fn utf8_textwidth(utf8: *mut SIZEDTEXT) -> c_long {
    guard("utf8_textwidth", 0, || {
        // SAFETY: caller's contract.
        let d = unsafe { sized(utf8) }.unwrap_or(&[]);
        u8core::text_width(d) as c_long
    })
}

/// # Safety
/// `src` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn utf8_to_mutf7(src: *mut c_uchar) -> *mut c_uchar {
    guard("utf8_to_mutf7", std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let d = unsafe { c_bytes(src as *const c_char) }.unwrap_or(b"");
        charset::to_mutf7(d).map_or(std::ptr::null_mut(), |v| c_string_from(&v) as *mut c_uchar)
    })
}

/// # Safety
/// `src` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn utf8_from_mutf7(src: *mut c_uchar) -> *mut c_uchar {
    guard("utf8_from_mutf7", std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let d = unsafe { c_bytes(src as *const c_char) }.unwrap_or(b"");
        charset::from_mutf7(d).map_or(std::ptr::null_mut(), |v| c_string_from(&v) as *mut c_uchar)
    })
}
