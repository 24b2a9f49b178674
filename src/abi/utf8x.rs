//! C exports of the rest of `utf8.c` / `utf8aux.c`: the per-type
//! converters (which take the charset's table as a bare pointer), reverse
//! maps with the original's one-entry cache, decomposition through opaque
//! "more" blocks, SEARCHPGM conversion and the RFC 2047 helpers.
//!
//! Tables are read through the C records the caller hands in, so records
//! the application builds itself work as they do with the original.

use super::bindings::{
    ucs4cn_t, ucs4de_t, utf8_eucparam, CHARSET, SEARCHPGM, SIZEDTEXT, STRINGLIST, U8G_ERROR,
    U8T_CANONICAL,
};
use super::guard;
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::misc::compare_cstring;
use super::sysutil::fatal_message;
use super::utf8::{
    c_tables_charsets, core_charset, sized, ucs4_titlecase, utf8_charset, utf8_infercharset,
    utf8_text,
};
use crate::charset::convert::{cs_get_src, decode, Canon, Canonicalize, DbParam, Source, Tab};
use crate::charset::registry::{CsTable, DbSet, CHARSETS};
use crate::charset::rmap::{rmap_fill, rmap_text, ucs4_rmap_buf, ucs4_rmap_len, RmapError};
use crate::charset::utf8 as u8core;
use crate::charset::{csvalidmap, mime2, utf7_invalid};
use std::os::raw::{c_char, c_long, c_uchar, c_ulong, c_ushort, c_void};
use std::sync::{Mutex, OnceLock};

const CT_ASCII: u16 = 1;
const CT_UCS2: u16 = 2;
const CT_UCS4: u16 = 3;
const CT_1BYTE0: u16 = 10;
const CT_1BYTE: u16 = 11;
const CT_1BYTE8: u16 = 12;
const CT_EUC: u16 = 100;
const CT_DBYTE: u16 = 101;
const CT_DBYTE2: u16 = 102;
const CT_UTF16: u16 = 1000;
const CT_UTF8: u16 = 1001;
const CT_UTF7: u16 = 1002;
const CT_2022: u16 = 10000;
const CT_SJIS: u16 = 10001;

/// Entries in a reverse map (one per BMP code point).
const RMAP_LEN: usize = 65536;

/// Borrow `n` 16-bit table entries at `p` (`Tab::None` for NULL).
///
/// # Safety
/// `p` must be NULL or point to at least `n` readable entries that outlive
/// the returned table's use.
unsafe fn table<'a>(p: *const c_void, n: usize) -> Tab<'a> {
    if p.is_null() || n == 0 {
        Tab::None
    } else {
        // SAFETY: per the contract.
        Tab::Slice(unsafe { std::slice::from_raw_parts(p as *const u16, n) })
    }
}

/// A C plane description. `offset_form`: a plane with no column base
/// holds an offset in its table pointer (EUC single shifts).
///
/// # Safety
/// `p` must point to a valid `utf8_eucparam` whose table holds `rows`
/// rows of `cols` entries.
unsafe fn param<'a>(
    p: *const utf8_eucparam,
    rows: usize,
    cols: usize,
    offset_form: bool,
) -> DbParam<'a> {
    // SAFETY: per the contract.
    let q = unsafe { &*p };
    let (base_ku, base_ten) = (q.base_ku() as u8, q.base_ten() as u8);
    let tab = if offset_form && base_ten == 0 {
        // The original adds the pointer's value (as an unsigned int).
        Tab::Offset(q.tab as usize as u32)
    } else {
        // SAFETY: per the contract.
        unsafe { table(q.tab, rows * cols) }
    };
    DbParam {
        base_ku,
        base_ten,
        max_ku: q.max_ku() as u8,
        max_ten: q.max_ten() as u8,
        tab,
    }
}

/// The table of the library's GBK record: the only table whose lone octet
/// 0x80 is read as the Euro sign.
fn gbk_table() -> usize {
    static GBK: OnceLock<usize> = OnceLock::new();
    *GBK.get_or_init(|| {
        let Some(idx) = CHARSETS
            .iter()
            .position(|c| matches!(c.table, CsTable::Double(DbSet::Gbk)))
        else {
            return 0;
        };
        let p = c_tables_charsets()[idx].tab as *const utf8_eucparam;
        // SAFETY: the library's own record points to its parameter block.
        unsafe { (*p).tab as usize }
    })
}

/// The converter input for charset type `kind` with table `tab`.
///
/// # Safety
/// `tab` must be what a CHARSET record of that type holds.
unsafe fn source_from<'a>(kind: u16, tab: *const c_void) -> Option<Source<'a>> {
    let ep = tab as *const utf8_eucparam;
    // SAFETY (whole match): `tab` has the layout the type implies; sizes
    // come from the parameter blocks themselves.
    Some(unsafe {
        match kind {
            CT_ASCII => Source::Ascii,
            CT_UTF8 => Source::Utf8,
            CT_1BYTE0 => Source::OneByte0,
            CT_1BYTE => Source::OneByte(table(tab, 128)),
            CT_1BYTE8 => Source::OneByte8(table(tab, 256)),
            CT_EUC | CT_DBYTE | CT_DBYTE2 if ep.is_null() => return None,
            CT_EUC => {
                let dims =
                    |p: *const utf8_eucparam| ((*p).max_ku() as usize, (*p).max_ten() as usize);
                let (r1, c1) = dims(ep);
                let (r2, c2) = dims(ep.add(1));
                let (r3, c3) = dims(ep.add(2));
                Source::Euc([
                    param(ep, r1, c1, false),
                    param(ep.add(1), r2, c2, true),
                    param(ep.add(2), r3, c3, true),
                ])
            }
            CT_DBYTE => {
                let (r, c) = ((*ep).max_ku() as usize, (*ep).max_ten() as usize);
                let gbk = (*ep).tab as usize == gbk_table();
                Source::DByte(param(ep, r, c, false), gbk)
            }
            CT_DBYTE2 => {
                // One table holds both planes, rows of both widths.
                let p2 = ep.add(1);
                let rows = (*ep).max_ku() as usize;
                let cols = (*ep).max_ten() as usize + (*p2).max_ten() as usize;
                let mut second = param(p2, 0, 0, false);
                second.tab = Tab::None;
                Source::DByte2([param(ep, rows, cols, false), second])
            }
            CT_UTF7 => Source::Utf7,
            CT_UCS2 => Source::Ucs2,
            CT_UCS4 => Source::Ucs4,
            CT_UTF16 => Source::Utf16,
            CT_2022 => Source::Iso2022,
            CT_SJIS => Source::Sjis,
            _ => return None,
        }
    })
}

/// The converter input for a CHARSET record: the library's own records
/// use its built-in tables, others are read through their pointers.
///
/// # Safety
/// `cs` must be NULL or a valid CHARSET record.
unsafe fn source_of_record<'a>(cs: *const CHARSET) -> Option<Source<'a>> {
    if cs.is_null() {
        return None;
    }
    if let Some(core) = core_charset(cs) {
        return Source::of(core);
    }
    // SAFETY: per the contract.
    unsafe { source_from((*cs).type_, (*cs).tab) }
}

/// Canonicalisation through the caller's functions, called exactly as the
/// original calls them (including its "more" protocol).
struct CallbackCanon {
    cv: ucs4cn_t,
    de: ucs4de_t,
}

/// A C `unsigned long` character narrowed for the writers: values beyond
/// 32 bits keep their low 16 bits (what the BMP writer uses) and are too
/// large for the full writer, which then writes nothing, as in the original.
fn narrow(c: c_ulong) -> u32 {
    u32::try_from(c).unwrap_or(0x8000_0000 | (c as u32 & 0xffff))
}

impl Canonicalize for CallbackCanon {
    fn active(&self) -> bool {
        self.cv.is_some() || self.de.is_some()
    }
    fn expand(&mut self, c: u32, emit: &mut dyn FnMut(u32)) {
        let mut c = c_ulong::from(c);
        if let Some(cv) = self.cv {
            // SAFETY: the caller supplied this conversion function.
            c = unsafe { cv(c) };
        }
        let mut more: *mut c_void = std::ptr::null_mut();
        if let Some(de) = self.de {
            // SAFETY: the caller supplied this decomposition function.
            c = unsafe { de(c, &mut more) };
        }
        loop {
            emit(narrow(c));
            let Some(de) = self.de else { break };
            if more.is_null() {
                break;
            }
            // SAFETY: chasing the block the function itself handed back.
            c = unsafe { de(c_ulong::from(U8G_ERROR), &mut more) };
            if c == 0 {
                break;
            }
        }
    }
}

/// Convert with the caller's canonicalisation: the library's own
/// functions take the fast table path, anything else is called.
fn convert(src: &[u8], source: &Source<'_>, cv: ucs4cn_t, de: ucs4de_t) -> Option<Vec<u8>> {
    let own_cv = cv.is_none_or(|f| f as usize == ucs4_titlecase as *const () as usize);
    let own_de = de.is_none_or(|f| f as usize == ucs4_decompose_recursive as *const () as usize);
    if own_cv && own_de {
        let mut canon = Canon {
            titlecase: cv.is_some(),
            decompose: de.is_some(),
        };
        decode(src, source, &mut canon)
    } else {
        decode(src, source, &mut CallbackCanon { cv, de })
    }
}

/// Body of every `utf8_text_*` converter: always a new `fs_get` buffer,
/// except for invalid UTF-8 in the UTF-8 converter (source returned).
///
/// # Safety
/// `text` and `ret` must be NULL or valid SIZEDTEXTs.
unsafe fn per_type(
    name: &str,
    text: *mut SIZEDTEXT,
    ret: *mut SIZEDTEXT,
    source: Option<Source<'_>>,
    cv: ucs4cn_t,
    de: ucs4de_t,
) {
    guard(name, (), || {
        if text.is_null() || ret.is_null() {
            return;
        }
        let Some(source) = source else { return };
        // SAFETY: caller's contract.
        let src = unsafe { sized(text) }.unwrap_or(&[]);
        let out = convert(src, &source, cv, de);
        // SAFETY: caller's contract.
        unsafe {
            match out {
                Some(v) => {
                    (*ret).data = c_string_from(&v) as *mut c_uchar;
                    (*ret).size = v.len() as c_ulong;
                }
                None => {
                    (*ret).data = (*text).data;
                    (*ret).size = (*text).size;
                }
            }
        }
    })
}

macro_rules! per_type_plain {
    ($($name:ident => $kind:expr;)*) => {$(
        /// # Safety
        /// `text`, `ret` valid SIZEDTEXTs; `cv`/`de` NULL or valid functions.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            text: *mut SIZEDTEXT,
            ret: *mut SIZEDTEXT,
            cv: ucs4cn_t,
            de: ucs4de_t,
        ) {
            // SAFETY: forwarded contract; these types take no table.
            unsafe {
                per_type(stringify!($name), text, ret, source_from($kind, std::ptr::null()), cv, de)
            }
        }
    )*};
}

per_type_plain! {
    utf8_text_1byte0 => CT_1BYTE0;
    utf8_text_2022 => CT_2022;
    utf8_text_sjis => CT_SJIS;
    utf8_text_utf7 => CT_UTF7;
    utf8_text_utf8 => CT_UTF8;
    utf8_text_ucs2 => CT_UCS2;
    utf8_text_ucs4 => CT_UCS4;
    utf8_text_utf16 => CT_UTF16;
}

macro_rules! per_type_table {
    ($($name:ident => $kind:expr;)*) => {$(
        /// # Safety
        /// `text`, `ret` valid SIZEDTEXTs; `tab` the table a CHARSET record
        /// of this type holds; `cv`/`de` NULL or valid functions.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            text: *mut SIZEDTEXT,
            ret: *mut SIZEDTEXT,
            tab: *mut c_void,
            cv: ucs4cn_t,
            de: ucs4de_t,
        ) {
            // SAFETY: forwarded contract.
            unsafe { per_type(stringify!($name), text, ret, source_from($kind, tab), cv, de) }
        }
    )*};
}

per_type_table! {
    utf8_text_1byte => CT_1BYTE;
    utf8_text_1byte8 => CT_1BYTE8;
    utf8_text_euc => CT_EUC;
    utf8_text_dbyte => CT_DBYTE;
    utf8_text_dbyte2 => CT_DBYTE2;
}

/// # Safety
/// `text`, `ret` valid SIZEDTEXTs; `cs` a valid CHARSET record.
#[no_mangle]
pub unsafe extern "C" fn utf8_text_cs(
    text: *mut SIZEDTEXT,
    cs: *const CHARSET,
    ret: *mut SIZEDTEXT,
    cv: ucs4cn_t,
    de: ucs4de_t,
) -> c_long {
    if text.is_null() || ret.is_null() || cs.is_null() {
        return 0;
    }
    // SAFETY: caller's contract.
    unsafe {
        (*ret).data = (*text).data;
        (*ret).size = (*text).size;
        match (*cs).type_ {
            CT_ASCII | CT_UTF8 => {
                if cv.is_some() || de.is_some() {
                    per_type("utf8_text_cs", text, ret, Some(Source::Utf8), cv, de);
                }
            }
            CT_1BYTE0 | CT_1BYTE | CT_1BYTE8 | CT_EUC | CT_DBYTE | CT_DBYTE2 | CT_UTF7
            | CT_UCS2 | CT_UCS4 | CT_UTF16 | CT_2022 | CT_SJIS => {
                per_type("utf8_text_cs", text, ret, source_of_record(cs), cv, de);
            }
            _ => return 0,
        }
    }
    1
}

/// # Safety
/// `cs` a valid CHARSET record; `s` and `i` describe readable text.
#[no_mangle]
pub unsafe extern "C" fn ucs4_cs_get(
    cs: *mut CHARSET,
    s: *mut *mut c_uchar,
    i: *mut c_ulong,
) -> c_ulong {
    guard("ucs4_cs_get", c_ulong::from(u8core::U8G_NOTUTF8), || {
        if s.is_null() || i.is_null() {
            return c_ulong::from(u8core::U8G_ENDSTRG);
        }
        // SAFETY: caller's contract.
        let (p, n) = unsafe { (*s, *i as usize) };
        if n == 0 || p.is_null() {
            return c_ulong::from(u8core::U8G_ENDSTRG);
        }
        // SAFETY: caller's contract.
        let Some(source) = (unsafe { source_of_record(cs) }) else {
            return c_ulong::from(u8core::U8G_NOTUTF8);
        };
        // SAFETY: caller's contract: `n` readable octets at `p`.
        let data = unsafe { std::slice::from_raw_parts(p, n) };
        let mut t = data;
        let c = cs_get_src(&source, &mut t);
        let used = data.len() - t.len();
        if used > 0 {
            // SAFETY: advancing within the caller's text.
            unsafe {
                *s = p.add(used);
                *i = (n - used) as c_ulong;
            }
        }
        c_ulong::from(c)
    })
}

/// The decomposition still owed to the caller, behind its `void *more`.
struct More {
    /// Tells our blocks from anything else handed back to us.
    magic: u64,
    vals: Vec<u32>,
    pos: usize,
}

const MORE_MAGIC: u64 = 0x6465_636f_6d70_6f73;

/// `ucs4_decompose` / `ucs4_decompose_recursive`: the first value now, the
/// rest one per call with `U8G_ERROR` until `*more` is NULL again.
///
/// # Safety
/// `more` must be writable; when chasing, `*more` must be what an earlier
/// call of the same function left there.
unsafe fn decompose_with(
    c: c_ulong,
    more: *mut *mut c_void,
    values: fn(u32) -> Vec<u32>,
    name: &str,
) -> c_ulong {
    if more.is_null() {
        return c;
    }
    if c & c_ulong::from(U8G_ERROR) != 0 {
        // SAFETY: caller's contract.
        let m = unsafe { *more } as *mut More;
        if m.is_null() {
            fatal_message(&format!("no more block provided to {name}!"));
        }
        // SAFETY: a block of ours (checked by its magic before any use).
        let block = unsafe { &mut *m };
        if block.magic != MORE_MAGIC || block.pos >= block.vals.len() {
            fatal_message(&format!("invalid more block argument to {name}!"));
        }
        let v = block.vals[block.pos];
        block.pos += 1;
        if block.pos >= block.vals.len() {
            block.magic = 0;
            // SAFETY: made by Box::into_raw below, released exactly once.
            drop(unsafe { Box::from_raw(m) });
            // SAFETY: caller's contract.
            unsafe { *more = std::ptr::null_mut() };
        }
        return c_ulong::from(v);
    }
    // SAFETY: caller's contract.
    unsafe { *more = std::ptr::null_mut() };
    let Ok(c32) = u32::try_from(c) else {
        return c;
    };
    let vals = values(c32);
    let first = vals.first().copied().unwrap_or(c32);
    if vals.len() > 1 {
        let block = Box::new(More {
            magic: MORE_MAGIC,
            vals,
            pos: 1,
        });
        // SAFETY: caller's contract.
        unsafe { *more = Box::into_raw(block) as *mut c_void };
    }
    c_ulong::from(first)
}

/// # Safety
/// See `decompose_with`.
#[no_mangle]
pub unsafe extern "C" fn ucs4_decompose(c: c_ulong, more: *mut *mut c_void) -> c_ulong {
    // SAFETY: forwarded contract.
    guard("ucs4_decompose", c, || unsafe {
        decompose_with(c, more, u8core::decompose, "ucs4_decompose")
    })
}

/// # Safety
/// See `decompose_with`.
#[no_mangle]
pub unsafe extern "C" fn ucs4_decompose_recursive(c: c_ulong, more: *mut *mut c_void) -> c_ulong {
    // SAFETY: forwarded contract.
    guard("ucs4_decompose_recursive", c, || unsafe {
        decompose_with(
            c,
            more,
            u8core::decompose_recursive,
            "ucs4_decompose_recursive",
        )
    })
}

/// The one cached reverse map (charset record and map), as in the
/// original: a new charset's map overwrites the previous one in place.
struct RmapCache {
    cs: usize,
    map: usize,
}

fn rmap_cache() -> std::sync::MutexGuard<'static, RmapCache> {
    static CACHE: Mutex<RmapCache> = Mutex::new(RmapCache { cs: 0, map: 0 });
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// # Safety
/// `charset` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn utf8_rmap(charset: *mut c_char) -> *mut c_ushort {
    {
        let cache = rmap_cache();
        if cache.cs != 0 {
            let cs = cache.cs as *const CHARSET;
            // SAFETY: the cached record is a valid CHARSET; `charset` per
            // the caller's contract.
            if unsafe { compare_cstring(charset as *mut c_uchar, (*cs).name as *mut c_uchar) } == 0
            {
                return cache.map as *mut c_ushort;
            }
        }
    }
    // SAFETY: forwarded contract.
    unsafe { utf8_rmap_cs(utf8_charset(charset)) }
}

/// # Safety
/// `cs` NULL or a valid CHARSET record that stays valid while cached.
#[no_mangle]
pub unsafe extern "C" fn utf8_rmap_cs(cs: *const CHARSET) -> *mut c_ushort {
    if cs.is_null() {
        return std::ptr::null_mut();
    }
    let mut cache = rmap_cache();
    if cache.cs == cs as usize {
        return cache.map as *mut c_ushort;
    }
    // SAFETY: caller's contract; the old map is ours to recycle.
    let map = unsafe { utf8_rmap_gen(cs, cache.map as *mut c_ushort) };
    if !map.is_null() {
        cache.cs = cs as usize;
        cache.map = map as usize;
    }
    map
}

/// # Safety
/// `cs` a valid CHARSET record; `oldmap` NULL or a writable 65536-entry map.
#[no_mangle]
pub unsafe extern "C" fn utf8_rmap_gen(cs: *const CHARSET, oldmap: *mut c_ushort) -> *mut c_ushort {
    guard("utf8_rmap_gen", std::ptr::null_mut(), || {
        // SAFETY: caller's contract.
        let Some(source) = (unsafe { source_of_record(cs) }) else {
            return std::ptr::null_mut();
        };
        let mut map = vec![0u16; RMAP_LEN];
        match rmap_fill(&mut map, &source) {
            Ok(()) => {}
            Err(RmapError::Unsupported) => return std::ptr::null_mut(),
            Err(RmapError::Dbyte2Ku) => fatal_message("ku definition error for CT_DBYTE2 charset"),
        }
        let dst = if oldmap.is_null() {
            fs_get(RMAP_LEN * 2) as *mut c_ushort
        } else {
            oldmap
        };
        // SAFETY: `dst` holds 65536 entries (fresh, or per the contract).
        unsafe { std::ptr::copy_nonoverlapping(map.as_ptr(), dst, RMAP_LEN) };
        dst
    })
}

/// Borrow a reverse map.
///
/// # Safety
/// `rmap` must be NULL or point to 65536 entries.
unsafe fn rmap_slice<'a>(rmap: *const c_ushort) -> Option<&'a [u16]> {
    // SAFETY: per the contract.
    (!rmap.is_null()).then(|| unsafe { std::slice::from_raw_parts(rmap, RMAP_LEN) })
}

/// # Safety
/// `text`, `ret` valid SIZEDTEXTs; `rmap` a 65536-entry map.
#[no_mangle]
pub unsafe extern "C" fn utf8_rmaptext(
    text: *mut SIZEDTEXT,
    rmap: *mut c_ushort,
    ret: *mut SIZEDTEXT,
    errch: c_ulong,
    iso2022jp: c_long,
) -> c_long {
    guard("utf8_rmaptext", 0, || {
        // SAFETY: caller's contract.
        let (Some(src), Some(map)) = (unsafe { sized(text) }, unsafe { rmap_slice(rmap) }) else {
            return 0;
        };
        if ret.is_null() {
            return 0;
        }
        let out = rmap_text(src, map, errch, iso2022jp != 0);
        // SAFETY: caller's contract.
        unsafe {
            match out {
                Some(v) => {
                    (*ret).data = c_string_from(&v) as *mut c_uchar;
                    (*ret).size = v.len() as c_ulong;
                    1
                }
                None => {
                    (*ret).data = std::ptr::null_mut();
                    (*ret).size = 0;
                    0
                }
            }
        }
    })
}

/// # Safety
/// `text` a valid SIZEDTEXT; `rmap` a 65536-entry map.
#[no_mangle]
pub unsafe extern "C" fn utf8_rmapsize(
    text: *mut SIZEDTEXT,
    rmap: *mut c_ushort,
    errch: c_ulong,
    iso2022jp: c_long,
) -> c_ulong {
    guard("utf8_rmapsize", 0, || {
        // SAFETY: caller's contract.
        let (Some(src), Some(map)) = (unsafe { sized(text) }, unsafe { rmap_slice(rmap) }) else {
            return 0;
        };
        rmap_text(src, map, errch, iso2022jp != 0).map_or(0, |v| v.len() as c_ulong + 1)
    })
}

/// Borrow UCS-4 text.
///
/// # Safety
/// `ucs4` must point to `len` values (or `len` be 0).
unsafe fn ucs4_slice<'a>(ucs4: *const c_ulong, len: c_ulong) -> &'a [u64] {
    if ucs4.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: per the contract.
        unsafe { std::slice::from_raw_parts(ucs4, len as usize) }
    }
}

/// # Safety
/// `ucs4` holds `len` values; `rmap` a 65536-entry map.
#[no_mangle]
pub unsafe extern "C" fn ucs4_rmaplen(
    ucs4: *mut c_ulong,
    len: c_ulong,
    rmap: *mut c_ushort,
    errch: c_ulong,
) -> c_long {
    guard("ucs4_rmaplen", -1, || {
        // SAFETY: caller's contract.
        let (u, Some(map)) = (unsafe { ucs4_slice(ucs4, len) }, unsafe {
            rmap_slice(rmap)
        }) else {
            return -1;
        };
        ucs4_rmap_len(u, map, errch).map_or(-1, |n| n as c_long)
    })
}

/// # Safety
/// `t` has room for the converted text and a NUL (`ucs4_rmaplen` + 1);
/// `ucs4` holds `len` values; `rmap` a 65536-entry map.
#[no_mangle]
pub unsafe extern "C" fn ucs4_rmapbuf(
    t: *mut c_uchar,
    ucs4: *mut c_ulong,
    len: c_ulong,
    rmap: *mut c_ushort,
    errch: c_ulong,
) -> c_long {
    guard("ucs4_rmapbuf", 1, || {
        // SAFETY: caller's contract.
        let (u, Some(map)) = (unsafe { ucs4_slice(ucs4, len) }, unsafe {
            rmap_slice(rmap)
        }) else {
            return 1;
        };
        if t.is_null() {
            return 1;
        }
        let out = ucs4_rmap_buf(u, map, errch);
        // SAFETY: the caller sized `t` for the text and its NUL.
        unsafe {
            std::ptr::copy_nonoverlapping(out.as_ptr(), t, out.len());
            *t.add(out.len()) = 0;
        }
        1
    })
}

/// # Safety
/// `ucs4` holds `len` values; `rmap` a 65536-entry map; `ret` writable.
#[no_mangle]
pub unsafe extern "C" fn ucs4_rmaptext(
    ucs4: *mut c_ulong,
    len: c_ulong,
    rmap: *mut c_ushort,
    ret: *mut SIZEDTEXT,
    errch: c_ulong,
) -> c_long {
    guard("ucs4_rmaptext", 0, || {
        // SAFETY: caller's contract.
        let (u, Some(map)) = (unsafe { ucs4_slice(ucs4, len) }, unsafe {
            rmap_slice(rmap)
        }) else {
            return 0;
        };
        if ret.is_null() || ucs4_rmap_len(u, map, errch).is_none() {
            return 0;
        }
        let out = ucs4_rmap_buf(u, map, errch);
        // SAFETY: caller's contract.
        unsafe {
            (*ret).size = out.len() as c_ulong;
            (*ret).data = c_string_from(&out) as *mut c_uchar;
        }
        1
    })
}

/// # Safety
/// `text`, `ret` valid SIZEDTEXTs; `charset` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn utf8_cstext(
    text: *mut SIZEDTEXT,
    charset: *mut c_char,
    ret: *mut SIZEDTEXT,
    errch: c_ulong,
) -> c_long {
    // SAFETY: caller's contract throughout.
    unsafe {
        let iso = compare_cstring(
            charset as *mut c_uchar,
            c"ISO-2022-JP".as_ptr() as *mut c_uchar,
        ) == 0;
        let rmap = utf8_rmap(if iso {
            c"EUC-JP".as_ptr() as *mut c_char
        } else {
            charset
        });
        if rmap.is_null() {
            0
        } else {
            utf8_rmaptext(text, rmap, ret, errch, c_long::from(iso))
        }
    }
}

/// # Safety
/// `src`, `dst` valid SIZEDTEXTs; `sc`, `dc` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn utf8_cstocstext(
    src: *mut SIZEDTEXT,
    sc: *mut c_char,
    dst: *mut SIZEDTEXT,
    dc: *mut c_char,
    errch: c_ulong,
) -> c_long {
    if dc.is_null() || src.is_null() || dst.is_null() {
        return 0;
    }
    // SAFETY: caller's contract throughout; records come from this library.
    unsafe {
        let dcs = utf8_charset(dc);
        if dcs.is_null() {
            return 0;
        }
        let iso = (*dcs).type_ == CT_2022
            && compare_cstring(
                (*dcs).name as *mut c_uchar,
                c"ISO-2022-JP".as_ptr() as *mut c_uchar,
            ) == 0;
        let rmap = if iso {
            utf8_rmap(c"EUC-JP".as_ptr() as *mut c_char)
        } else {
            utf8_rmap_cs(dcs)
        };
        if rmap.is_null() {
            return 0;
        }
        let scs = if !sc.is_null() && *sc != 0 {
            utf8_charset(sc)
        } else {
            utf8_infercharset(src)
        };
        if scs.is_null() {
            return 0;
        }
        if (*scs).type_ == (*dcs).type_ && (*scs).tab == (*dcs).tab {
            (*dst).data = (*src).data;
            (*dst).size = (*src).size;
            return 1;
        }
        let mut utf8 = SIZEDTEXT {
            data: std::ptr::null_mut(),
            size: 0,
        };
        let ok = utf8_text_cs(src, scs, &mut utf8, None, None) != 0
            && utf8_rmaptext(&mut utf8, rmap, dst, errch, c_long::from(iso)) != 0;
        if !utf8.data.is_null() && utf8.data != (*src).data && utf8.data != (*dst).data {
            let mut p = utf8.data as *mut c_void;
            fs_give(&mut p);
        }
        c_long::from(ok)
    }
}

/// # Safety
/// `charsets` a NULL-terminated array of NUL-terminated names.
#[no_mangle]
pub unsafe extern "C" fn utf8_csvalidmap(charsets: *mut *mut c_char) -> *mut c_ulong {
    guard("utf8_csvalidmap", std::ptr::null_mut(), || {
        let mut names: Vec<&[u8]> = Vec::new();
        if !charsets.is_null() {
            let mut k = 0;
            loop {
                // SAFETY: caller's contract: the array ends with NULL.
                let p = unsafe { *charsets.add(k) };
                // SAFETY: caller's contract.
                match unsafe { c_bytes(p) } {
                    Some(n) => names.push(n),
                    None => break,
                }
                k += 1;
            }
        }
        let Some(map) = csvalidmap(&names) else {
            return std::ptr::null_mut();
        };
        let dst = fs_get(map.len() * std::mem::size_of::<c_ulong>()) as *mut c_ulong;
        // SAFETY: `dst` was just allocated for `map.len()` values.
        unsafe { std::ptr::copy_nonoverlapping(map.as_ptr(), dst, map.len()) };
        dst
    })
}

/// Convert one text to UTF-8 in place (`fs_give`-ing the old text) when
/// its charset is known.
///
/// # Safety
/// `t` a valid SIZEDTEXT owning an `fs_get` block; `charset` as for
/// `utf8_text`.
unsafe fn to_utf8_in_place(t: *mut SIZEDTEXT, charset: *mut c_char) {
    let mut txt = SIZEDTEXT {
        data: std::ptr::null_mut(),
        size: 0,
    };
    // SAFETY: caller's contract.
    unsafe {
        if utf8_text(t, charset, &mut txt, U8T_CANONICAL as c_long) != 0 {
            // The original frees the old text even when the result is that
            // same text (invalid UTF-8), leaving it dangling; keep it here.
            if txt.data != (*t).data {
                let mut old = (*t).data as *mut c_void;
                fs_give(&mut old);
                (*t).data = txt.data;
            }
            (*t).size = txt.size;
        }
    }
}

/// # Safety
/// `st` NULL or a valid STRINGLIST chain of `fs_get` texts.
unsafe fn stringlist(mut st: *mut STRINGLIST, charset: *mut c_char) {
    while !st.is_null() {
        // SAFETY: caller's contract.
        unsafe {
            to_utf8_in_place(&mut (*st).text, charset);
            st = (*st).next;
        }
    }
}

/// # Safety
/// `pgm` NULL or a valid search program whose strings are `fs_get` blocks;
/// `charset` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn utf8_searchpgm(pgm: *mut SEARCHPGM, charset: *mut c_char) {
    guard("utf8_searchpgm", (), || {
        // An explicit work list instead of recursion: nesting depth is
        // the caller's and must not exhaust the stack.
        let mut work = vec![pgm];
        while let Some(p) = work.pop() {
            if p.is_null() {
                continue;
            }
            // SAFETY: caller's contract for every program reached.
            unsafe {
                let g = &mut *p;
                for st in [g.bcc, g.cc, g.from, g.to, g.subject] {
                    stringlist(st, charset);
                }
                let mut hl = g.header;
                while !hl.is_null() {
                    to_utf8_in_place(&mut (*hl).line, charset);
                    to_utf8_in_place(&mut (*hl).text, charset);
                    hl = (*hl).next;
                }
                stringlist(g.body, charset);
                stringlist(g.text, charset);
                let mut nested = Vec::new();
                let mut ol = g.or;
                while !ol.is_null() {
                    nested.push((*ol).first);
                    nested.push((*ol).second);
                    ol = (*ol).next;
                }
                let mut pl = g.not;
                while !pl.is_null() {
                    nested.push((*pl).pgm);
                    pl = (*pl).next;
                }
                for st in [
                    g.return_path,
                    g.sender,
                    g.reply_to,
                    g.in_reply_to,
                    g.message_id,
                    g.newsgroups,
                    g.followup_to,
                    g.references,
                ] {
                    stringlist(st, charset);
                }
                work.extend(nested.into_iter().rev());
            }
        }
    })
}

fn is_graph(c: u8) -> bool {
    (0x21..0x7f).contains(&c)
}

/// # Safety
/// `s`..`se` readable; `t` writable.
#[no_mangle]
pub unsafe extern "C" fn mime2_token(
    s: *mut c_uchar,
    se: *mut c_uchar,
    t: *mut *mut c_uchar,
) -> *mut c_uchar {
    if s.is_null() || t.is_null() {
        return std::ptr::null_mut();
    }
    let mut p = s;
    // SAFETY: only addresses below `se` are read (the original also peeks
    // at `se` itself; the text there is not the caller's to give).
    let found = unsafe {
        loop {
            if p >= se {
                break false;
            }
            let c = *p;
            if c == b'?' {
                break true;
            }
            if !is_graph(c) || b"()<>@,;:\\\"/[].=".contains(&c) {
                break false;
            }
            p = p.add(1);
        }
    };
    // SAFETY: caller's contract.
    unsafe { *t = p };
    if found {
        s
    } else {
        std::ptr::null_mut()
    }
}

/// # Safety
/// `s`..`se` readable.
#[no_mangle]
pub unsafe extern "C" fn mime2_text(s: *mut c_uchar, se: *mut c_uchar) -> *mut c_uchar {
    if s.is_null() || se.is_null() || se <= s {
        return std::ptr::null_mut();
    }
    // SAFETY: every read is below `se`.
    unsafe {
        let t = se.sub(1);
        let mut p = s;
        while p < t && *p != b'?' {
            let c = *p;
            p = p.add(1);
            if !is_graph(c) {
                break;
            }
        }
        if p < t
            && *p == b'?'
            && *p.add(1) == b'='
            && (se == p.add(2) || matches!(*p.add(2), b' ' | b'\t' | b'\r' | b'\n'))
        {
            p
        } else {
            std::ptr::null_mut()
        }
    }
}

/// # Safety
/// `e` points to the encoding letter; `t`..`te` the encoded text, followed
/// by the closing `?=` (read when a Q escape runs to the end).
#[no_mangle]
pub unsafe extern "C" fn mime2_decode(
    e: *mut c_uchar,
    t: *mut c_uchar,
    te: *mut c_uchar,
    txt: *mut SIZEDTEXT,
) -> c_long {
    guard("mime2_decode", 0, || {
        if txt.is_null() {
            return 0;
        }
        // SAFETY: caller's contract.
        unsafe { (*txt).data = std::ptr::null_mut() };
        if e.is_null() || t.is_null() || te < t {
            return 0;
        }
        // SAFETY: caller's contract: the text and its closing "?=".
        let (enc, rest) = unsafe {
            let n = te.offset_from(t) as usize;
            (*e, std::slice::from_raw_parts(t, n + 2))
        };
        let body = &rest[..rest.len() - 2];
        let out = mime2::decode(enc, body, rest, &mut |m| {
            super::log(
                &String::from_utf8_lossy(m),
                super::bindings::PARSE as c_long,
            )
        });
        match out {
            Some(v) => {
                // SAFETY: caller's contract.
                unsafe {
                    (*txt).data = c_string_from(&v) as *mut c_uchar;
                    (*txt).size = v.len() as c_ulong;
                }
                1
            }
            None => 0,
        }
    })
}

/// # Safety
/// `mailbox` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_utf7_valid(mailbox: *mut c_char) -> *mut c_char {
    // SAFETY: caller's contract.
    let name = unsafe { c_bytes(mailbox) }.unwrap_or(b"");
    match utf7_invalid(name) {
        None => std::ptr::null_mut(),
        Some(msg) => static_message(msg),
    }
}

/// A message as a C string that lives for the whole process (the original
/// returns string constants).
fn static_message(msg: &'static str) -> *mut c_char {
    static MESSAGES: Mutex<Vec<(&'static str, usize)>> = Mutex::new(Vec::new());
    let mut m = MESSAGES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&(_, p)) = m.iter().find(|(s, _)| *s == msg) {
        return p as *mut c_char;
    }
    let mut v = msg.as_bytes().to_vec();
    v.push(0);
    let p = Box::leak(v.into_boxed_slice()).as_mut_ptr() as usize;
    m.push((msg, p));
    p as *mut c_char
}
