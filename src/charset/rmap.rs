//! UTF-8 to charset conversion through reverse maps (`utf8_rmap_gen`,
//! `utf8_rmaptext`, `utf8_cstext`, `utf8_cstocstext`, `utf8_csvalidmap`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::convert::{infer_charset, text_cs, Canon, DbParam, Source, Tab};
use super::registry::{charset, Charset, CsType, CHARSETS, JIS_PARAM};
use super::tables;
use super::utf8::{self, U8GM_NONBMP};
use super::UBOGON;

/// Marks a BMP code point with no mapping.
pub const NOCHAR: u16 = 0xffff;
const BOM: u32 = 0xfeff;

/// Why a reverse map cannot be built.
#[derive(Debug, PartialEq, Eq)]
pub enum RmapError {
    /// Not a character set this mapping supports (Unicode forms, ISO 2022).
    Unsupported,
    /// A two-plane table whose planes disagree on their rows (the original
    /// aborts with "ku definition error for CT_DBYTE2 charset").
    Dbyte2Ku,
}

/// Every mapped cell of a double-byte source, as (code point, charset code).
fn dbcs_rows(source: &Source<'_>, mut f: impl FnMut(u16, u16)) -> Result<(), RmapError> {
    let cell = |p: &DbParam<'_>, i: u32| -> u16 {
        match p.tab {
            Tab::Static(t) => t.get(i as usize),
            Tab::Slice(s) => s.get(i as usize).copied().unwrap_or(UBOGON as u16),
            _ => UBOGON as u16,
        }
    };
    let (p, high) = match source {
        Source::Euc(p) => (&p[0], 0x8080),
        Source::DByte(p, _) => (p, 0),
        Source::DByte2(pp) => {
            let (p, p2) = (&pp[0], &pp[1]);
            if p.base_ku != p2.base_ku || p.max_ku != p2.max_ku {
                return Err(RmapError::Dbyte2Ku);
            }
            let (bk, bt, mk, mt) = (
                u32::from(p.base_ku),
                u32::from(p.base_ten),
                u32::from(p.max_ku),
                u32::from(p.max_ten),
            );
            let (bt2, mt2) = (u32::from(p2.base_ten), u32::from(p2.max_ten));
            let m = mt + mt2;
            for ku in 0..mk {
                for ten in 0..mt {
                    let u = cell(p, ku * m + ten);
                    if u32::from(u) != UBOGON {
                        f(u, (((ku + bk) << 8) + ten + bt) as u16);
                    }
                }
                for ten in 0..mt2 {
                    let u = cell(p, ku * m + mt + ten);
                    if u32::from(u) != UBOGON {
                        f(u, (((ku + bk) << 8) + ten + bt2) as u16);
                    }
                }
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    let (bk, bt, mk, mt) = (
        u32::from(p.base_ku),
        u32::from(p.base_ten),
        u32::from(p.max_ku),
        u32::from(p.max_ten),
    );
    for ku in 0..mk {
        for ten in 0..mt {
            let u = cell(p, ku * mt + ten);
            if u32::from(u) != UBOGON {
                f(u, (((ku + bk) << 8) + ten + bt + high) as u16);
            }
        }
    }
    Ok(())
}

/// Whether the charset type can be reverse mapped at all.
fn mappable(source: &Source<'_>) -> bool {
    matches!(
        source,
        Source::Ascii
            | Source::OneByte0
            | Source::OneByte(_)
            | Source::OneByte8(_)
            | Source::Euc(_)
            | Source::DByte(..)
            | Source::DByte2(_)
            | Source::Sjis
    )
}

fn one_byte(t: &Tab<'_>, i: usize) -> u16 {
    match t {
        Tab::Static(t) => t.get(i),
        Tab::Slice(s) => s.get(i).copied().unwrap_or(UBOGON as u16),
        _ => UBOGON as u16,
    }
}

/// Build the 65536-entry map from BMP code point to charset code
/// (`utf8_rmap_gen`); later table entries win, as in the original.
pub fn rmap_gen(cs: &Charset) -> Option<Vec<u16>> {
    let source = Source::of(cs)?;
    let mut rmap = vec![NOCHAR; 65536];
    rmap_fill(&mut rmap, &source).ok()?;
    Some(rmap)
}

/// Fill `rmap` (65536 entries) with the reverse map of `source`. On error
/// the map is untouched.
pub fn rmap_fill(rmap: &mut [u16], source: &Source<'_>) -> Result<(), RmapError> {
    if !mappable(source) || rmap.len() < 65536 {
        return Err(RmapError::Unsupported);
    }
    if let Source::DByte2(p) = source {
        if p[0].base_ku != p[1].base_ku || p[0].max_ku != p[1].max_ku {
            return Err(RmapError::Dbyte2Ku);
        }
    }
    for (i, r) in rmap.iter_mut().enumerate() {
        *r = if i < 128 { i as u16 } else { NOCHAR };
    }
    match source {
        Source::OneByte0 => {
            for (i, r) in rmap.iter_mut().enumerate().take(256).skip(128) {
                *r = i as u16;
            }
        }
        Source::OneByte(t) => {
            for i in 128..256u16 {
                let u = one_byte(t, usize::from(i & 0x7f));
                if u32::from(u) != UBOGON {
                    rmap[usize::from(u)] = i;
                }
            }
        }
        Source::OneByte8(t) => {
            for i in 0..256u16 {
                let u = one_byte(t, usize::from(i));
                if u32::from(u) != UBOGON {
                    rmap[usize::from(u)] = i;
                }
            }
        }
        Source::Euc(_) | Source::DByte(..) | Source::DByte2(_) => {
            dbcs_rows(source, |u, code| rmap[usize::from(u)] = code)?;
        }
        Source::Sjis => {
            let p = &JIS_PARAM[0];
            for ku in 0..u32::from(p.max_ku) {
                for ten in 0..u32::from(p.max_ten) {
                    let u = tables::JIS0208.get((ku * 94 + ten) as usize);
                    if u32::from(u) != UBOGON {
                        let sku = ku + 0x21;
                        let sten = ten + 0x21;
                        let hi = ((sku + 1) >> 1) + if sku < 95 { 112 } else { 176 };
                        let lo = sten
                            + if sku % 2 != 0 {
                                if sten > 95 {
                                    32
                                } else {
                                    31
                                }
                            } else {
                                126
                            };
                        rmap[usize::from(u)] = ((hi << 8) + lo) as u16;
                    }
                }
            }
            rmap[0xa5] = 0x5c;
            rmap[0x203e] = 0x7e;
            for u in 0..(0xe0 - 0xa1) {
                rmap[0xff61 + u] = (0xa1 + u) as u16;
            }
        }
        _ => {}
    }
    // A no-break space with no mapping becomes whatever space maps to.
    if rmap[0xa0] == NOCHAR {
        rmap[0xa0] = rmap[0x20];
    }
    Ok(())
}

/// Cached reverse map of a registry charset (`utf8_rmap_cs`).
pub fn rmap(cs: &'static Charset) -> Option<Arc<Vec<u16>>> {
    static CACHE: OnceLock<Mutex<HashMap<usize, Arc<Vec<u16>>>>> = OnceLock::new();
    let idx = CHARSETS.iter().position(|c| std::ptr::eq(c, cs))?;
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut m = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = m.get(&idx) {
        return Some(r.clone());
    }
    let r = Arc::new(rmap_gen(cs)?);
    m.insert(idx, r.clone());
    Some(r)
}

/// Convert UTF-8 through a reverse map (`utf8_rmaptext`). `errch` replaces
/// unmapped characters (0: fail instead). Invalid UTF-8 and characters
/// beyond the BMP always fail. With `iso2022jp`, JIS codes are written in
/// ISO-2022-JP form.
pub fn rmap_text(text: &[u8], rmap: &[u16], errch: u64, iso2022jp: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 4);
    let mut mode = if iso2022jp { 1 } else { 0 };
    let mut s = text;
    while !s.is_empty() {
        let u = utf8::get(&mut s);
        if u == BOM {
            continue;
        }
        if u & U8GM_NONBMP != 0 {
            return None;
        }
        let mut c = u64::from(rmap.get(u as usize).copied().unwrap_or(NOCHAR));
        if c == u64::from(NOCHAR) {
            if errch == 0 {
                return None;
            }
            c = errch;
        }
        match mode {
            0 => {
                if c > 0xff {
                    out.push((c >> 8) as u8);
                }
                out.push(c as u8);
            }
            1 => {
                if c < 0x80 {
                    out.push(c as u8);
                } else {
                    out.extend_from_slice(&[
                        0x1b,
                        b'$',
                        b'B',
                        ((c >> 8) & 0x7f) as u8,
                        (c & 0x7f) as u8,
                    ]);
                    mode = 2;
                }
            }
            _ => {
                if c > 0x7f {
                    out.extend_from_slice(&[((c >> 8) & 0x7f) as u8, (c & 0x7f) as u8]);
                } else {
                    out.extend_from_slice(&[0x1b, b'(', b'J', c as u8]);
                    mode = 1;
                }
            }
        }
    }
    if mode == 2 {
        out.extend_from_slice(&[0x1b, b'(', b'J']);
    }
    Some(out)
}

/// Convert UTF-8 to a named charset (`utf8_cstext`); ISO-2022-JP is
/// produced from the EUC-JP map.
pub fn cstext(text: &[u8], cs_name: &[u8], errch: u32) -> Option<Vec<u8>> {
    let iso = cs_name.eq_ignore_ascii_case(b"ISO-2022-JP");
    let cs = charset(if iso { b"EUC-JP" } else { cs_name })?;
    let map = rmap(cs)?;
    rmap_text(text, &map, u64::from(errch), iso)
}

/// Result of [`cstocstext`]: unchanged source or converted text.
pub enum CsToCs {
    Same,
    Converted(Vec<u8>),
}

/// Convert between two charsets via UTF-8 (`utf8_cstocstext`). A missing
/// or empty source name means "infer".
pub fn cstocstext(src: &[u8], sc: Option<&[u8]>, dc: &[u8], errch: u32) -> Option<CsToCs> {
    let dcs = charset(dc)?;
    let iso = dcs.kind == CsType::Iso2022 && dcs.name.eq_ignore_ascii_case("ISO-2022-JP");
    let map = if iso {
        rmap(charset(b"EUC-JP")?)?
    } else {
        rmap(dcs)?
    };
    let scs = match sc {
        Some(n) if !n.is_empty() => charset(n)?,
        _ => infer_charset(src)?,
    };
    if scs.kind == dcs.kind && scs.table.same(&dcs.table) {
        return Some(CsToCs::Same);
    }
    let utf8 = text_cs(src, scs, Canon::default());
    rmap_text(&utf8, &map, u64::from(errch), iso).map(CsToCs::Converted)
}

/// Validity map of BMP code points for a list of charsets
/// (`utf8_csvalidmap`): bit 0 marks non-CJK code points, bit n+1 those
/// that charset n can represent. `None` if any charset is unknown or
/// cannot be reverse mapped.
pub fn csvalidmap(charsets: &[&[u8]]) -> Option<Vec<u64>> {
    let mut ret = vec![0u64; 0x10000];
    // The original's ranges stop one short of each block end.
    for (lo, hi) in [
        (0usize, 0x2e7f),
        (0xa720, 0xabff),
        (0xd800, 0xf8ff),
        (0xfb00, 0xfe2f),
        (0xfe70, 0xfeff),
        (0xfff0, 0x10000),
    ] {
        ret[lo..hi].iter_mut().for_each(|v| *v = 1);
    }
    for (k, name) in charsets.iter().enumerate() {
        let csi = k + 1;
        let name: &[u8] = if name.eq_ignore_ascii_case(b"ISO-2022-JP") {
            b"EUC-JP"
        } else {
            name
        };
        let cs = charset(name)?;
        let source = Source::of(cs)?;
        if !mappable(&source) {
            return None;
        }
        // `1 << csi` on a 64-bit long; beyond that the bit is lost.
        let csb: u64 = if csi < 64 { 1u64 << csi } else { 0 };
        ret[..128].iter_mut().for_each(|v| *v |= csb);
        match &source {
            Source::OneByte0 => ret[128..256].iter_mut().for_each(|v| *v |= csb),
            Source::OneByte(t) => {
                for i in 0..128 {
                    let u = one_byte(t, i);
                    if u32::from(u) != UBOGON {
                        ret[usize::from(u)] |= csb;
                    }
                }
            }
            Source::OneByte8(t) => {
                for i in 0..256 {
                    let u = one_byte(t, i);
                    if u32::from(u) != UBOGON {
                        ret[usize::from(u)] |= csb;
                    }
                }
            }
            Source::Euc(_) | Source::DByte(..) | Source::DByte2(_) => {
                dbcs_rows(&source, |u, _| ret[usize::from(u)] |= csb).ok()?;
            }
            Source::Sjis => {
                for i in 0..(84 * 94) {
                    let u = tables::JIS0208.get(i);
                    if u32::from(u) != UBOGON {
                        ret[usize::from(u)] |= csb;
                    }
                }
                for u in 0..(0xe0 - 0xa1) {
                    ret[0xff61 + u] |= csb;
                }
            }
            _ => {}
        }
    }
    Some(ret)
}

/// Length of UCS-4 text converted through a reverse map (`ucs4_rmaplen`):
/// BOMs are skipped; `None` if a character is outside the BMP (whatever
/// `errch` is) or unmapped with no substitute.
pub fn ucs4_rmap_len(ucs4: &[u64], rmap: &[u16], errch: u64) -> Option<usize> {
    let mut n = 0;
    for &u in ucs4 {
        if u == u64::from(BOM) {
            continue;
        }
        if u > 0xffff {
            return None;
        }
        let c = match ucs4_rmap_one(u, rmap) {
            Some(c) => c,
            None if errch != 0 => errch,
            None => return None,
        };
        n += if c > 0xff { 2 } else { 1 };
    }
    Some(n)
}

/// UCS-4 text converted through a reverse map, unmapped characters
/// replaced by `errch` (`ucs4_rmapbuf`, without the terminating NUL).
pub fn ucs4_rmap_buf(ucs4: &[u64], rmap: &[u16], errch: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(ucs4.len());
    for &u in ucs4 {
        if u == u64::from(BOM) {
            continue;
        }
        let c = ucs4_rmap_one(u, rmap).unwrap_or(errch);
        if c > 0xff {
            out.push((c >> 8) as u8);
        }
        out.push(c as u8);
    }
    out
}

fn ucs4_rmap_one(u: u64, rmap: &[u16]) -> Option<u64> {
    if u > 0xffff {
        return None;
    }
    match rmap.get(u as usize).copied() {
        Some(c) if c != NOCHAR => Some(u64::from(c)),
        _ => None,
    }
}
