//! UTF-8 to charset conversion through reverse maps (`utf8_rmap_gen`,
//! `utf8_rmaptext`, `utf8_cstext`, `utf8_cstocstext`, `utf8_csvalidmap`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::convert::{infer_charset, text_cs, Canon};
use super::registry::{charset, Charset, CsTable, CsType, CHARSETS, JIS_PARAM};
use super::tables;
use super::utf8::{self, U8GM_NONBMP};
use super::UBOGON;

/// Marks a BMP code point with no mapping.
pub const NOCHAR: u16 = 0xffff;
const BOM: u32 = 0xfeff;

fn dbcs_rows(cs: &Charset, mut f: impl FnMut(u16, u16)) {
    let CsTable::Double(set) = cs.table else {
        return;
    };
    let p = set.params();
    let Some(tab) = p[0].table else { return };
    let (bk, bt, mk, mt) = (
        u32::from(p[0].base_ku),
        u32::from(p[0].base_ten),
        u32::from(p[0].max_ku),
        u32::from(p[0].max_ten),
    );
    match cs.kind {
        CsType::Euc | CsType::DByte => {
            let high = if cs.kind == CsType::Euc { 0x8080 } else { 0 };
            for ku in 0..mk {
                for ten in 0..mt {
                    let u = tab.get((ku * mt + ten) as usize);
                    if u32::from(u) != UBOGON {
                        f(u, (((ku + bk) << 8) + ten + bt + high) as u16);
                    }
                }
            }
        }
        CsType::DByte2 => {
            let (bt2, mt2) = (u32::from(p[1].base_ten), u32::from(p[1].max_ten));
            let m = mt + mt2;
            for ku in 0..mk {
                for ten in 0..mt {
                    let u = tab.get((ku * m + ten) as usize);
                    if u32::from(u) != UBOGON {
                        f(u, (((ku + bk) << 8) + ten + bt) as u16);
                    }
                }
                for ten in 0..mt2 {
                    let u = tab.get((ku * m + mt + ten) as usize);
                    if u32::from(u) != UBOGON {
                        f(u, (((ku + bk) << 8) + ten + bt2) as u16);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Whether the charset can be reverse mapped at all.
fn mappable(kind: CsType) -> bool {
    matches!(
        kind,
        CsType::Ascii
            | CsType::OneByte0
            | CsType::OneByte
            | CsType::OneByte8
            | CsType::Euc
            | CsType::DByte
            | CsType::DByte2
            | CsType::Sjis
    )
}

/// Build the 65536-entry map from BMP code point to charset code
/// (`utf8_rmap_gen`); later table entries win, as in the original.
pub fn rmap_gen(cs: &Charset) -> Option<Vec<u16>> {
    if !mappable(cs.kind) {
        return None;
    }
    let mut rmap = vec![NOCHAR; 65536];
    for (i, r) in rmap.iter_mut().enumerate().take(128) {
        *r = i as u16;
    }
    match (cs.kind, cs.table) {
        (CsType::OneByte0, _) => {
            for (i, r) in rmap.iter_mut().enumerate().take(256).skip(128) {
                *r = i as u16;
            }
        }
        (CsType::OneByte, CsTable::Single(t)) => {
            for i in 128..256u16 {
                let u = t.get(usize::from(i & 0x7f));
                if u32::from(u) != UBOGON {
                    rmap[usize::from(u)] = i;
                }
            }
        }
        (CsType::OneByte8, CsTable::Single(t)) => {
            for i in 0..256u16 {
                let u = t.get(usize::from(i));
                if u32::from(u) != UBOGON {
                    rmap[usize::from(u)] = i;
                }
            }
        }
        (CsType::Euc, _) | (CsType::DByte, _) | (CsType::DByte2, _) => {
            dbcs_rows(cs, |u, code| rmap[usize::from(u)] = code);
        }
        (CsType::Sjis, _) => {
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
    Some(rmap)
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
pub fn rmap_text(text: &[u8], rmap: &[u16], errch: u32, iso2022jp: bool) -> Option<Vec<u8>> {
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
        let mut c = u32::from(rmap.get(u as usize).copied().unwrap_or(NOCHAR));
        if c == u32::from(NOCHAR) {
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
    rmap_text(text, &map, errch, iso)
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
    rmap_text(&utf8, &map, errch, iso).map(CsToCs::Converted)
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
        if !mappable(cs.kind) {
            return None;
        }
        // `1 << csi` on a 64-bit long; beyond that the bit is lost.
        let csb: u64 = if csi < 64 { 1u64 << csi } else { 0 };
        ret[..128].iter_mut().for_each(|v| *v |= csb);
        match (cs.kind, cs.table) {
            (CsType::OneByte0, _) => ret[128..256].iter_mut().for_each(|v| *v |= csb),
            (CsType::OneByte, CsTable::Single(t)) => {
                for i in 0..128 {
                    let u = t.get(i);
                    if u32::from(u) != UBOGON {
                        ret[usize::from(u)] |= csb;
                    }
                }
            }
            (CsType::OneByte8, CsTable::Single(t)) => {
                for i in 0..256 {
                    let u = t.get(i);
                    if u32::from(u) != UBOGON {
                        ret[usize::from(u)] |= csb;
                    }
                }
            }
            (CsType::Euc, _) | (CsType::DByte, _) | (CsType::DByte2, _) => {
                dbcs_rows(cs, |u, _| ret[usize::from(u)] |= csb);
            }
            (CsType::Sjis, _) => {
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
