//! Conversion tables, generated from the installed original library by
//! `c-tests/unit/charset/dump_tables.c` (see `docs/charsets.md`). The files
//! are little-endian binary so they stay compact and exact.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A table of 16-bit code points stored as little-endian bytes.
#[derive(Clone, Copy)]
pub struct Table16(&'static [u8]);

impl Table16 {
    /// Entry `i`, or U+FFFD when out of range (never reached by callers that
    /// check their row/column bounds first).
    pub fn get(&self, i: usize) -> u16 {
        match self.0.get(2 * i..2 * i + 2) {
            Some(b) => u16::from_le_bytes([b[0], b[1]]),
            None => super::UBOGON as u16,
        }
    }
    pub fn len(&self) -> usize {
        self.0.len() / 2
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Whether two handles refer to the same table.
    pub fn same(&self, other: &Table16) -> bool {
        std::ptr::eq(self.0.as_ptr(), other.0.as_ptr())
    }
}

macro_rules! table {
    ($name:ident, $file:literal) => {
        pub static $name: Table16 = Table16(include_bytes!(concat!("tables/", $file)));
    };
}

table!(ISO8859_2, "sb_iso_8859_2.bin");
table!(ISO8859_3, "sb_iso_8859_3.bin");
table!(ISO8859_4, "sb_iso_8859_4.bin");
table!(ISO8859_5, "sb_iso_8859_5.bin");
table!(ISO8859_6, "sb_iso_8859_6.bin");
table!(ISO8859_7, "sb_iso_8859_7.bin");
table!(ISO8859_8, "sb_iso_8859_8.bin");
table!(ISO8859_9, "sb_iso_8859_9.bin");
table!(ISO8859_10, "sb_iso_8859_10.bin");
table!(ISO8859_11, "sb_iso_8859_11.bin");
table!(ISO8859_13, "sb_iso_8859_13.bin");
table!(ISO8859_14, "sb_iso_8859_14.bin");
table!(ISO8859_15, "sb_iso_8859_15.bin");
table!(ISO8859_16, "sb_iso_8859_16.bin");
table!(KOI8_R, "sb_koi8_r.bin");
table!(KOI8_U, "sb_koi8_u.bin");
table!(VISCII, "sb_viscii.bin");
table!(WINDOWS_874, "sb_windows_874.bin");
table!(WINDOWS_1250, "sb_windows_1250.bin");
table!(WINDOWS_1251, "sb_windows_1251.bin");
table!(WINDOWS_1252, "sb_windows_1252.bin");
table!(WINDOWS_1253, "sb_windows_1253.bin");
table!(WINDOWS_1254, "sb_windows_1254.bin");
table!(WINDOWS_1255, "sb_windows_1255.bin");
table!(WINDOWS_1256, "sb_windows_1256.bin");
table!(WINDOWS_1257, "sb_windows_1257.bin");
table!(WINDOWS_1258, "sb_windows_1258.bin");
table!(IBM437, "sb_ibm437.bin");
table!(IBM737, "sb_ibm737.bin");
table!(IBM775, "sb_ibm775.bin");
table!(IBM850, "sb_ibm850.bin");
table!(IBM852, "sb_ibm852.bin");
table!(IBM855, "sb_ibm855.bin");
table!(IBM857, "sb_ibm857.bin");
table!(IBM860, "sb_ibm860.bin");
table!(IBM861, "sb_ibm861.bin");
table!(IBM862, "sb_ibm862.bin");
table!(IBM863, "sb_ibm863.bin");
table!(IBM864, "sb_ibm864.bin");
table!(IBM865, "sb_ibm865.bin");
table!(IBM866, "sb_ibm866.bin");
table!(IBM869, "sb_ibm869.bin");
table!(IBM874, "sb_ibm874.bin");

table!(GBK, "db_gbk.bin");
table!(GB12345, "db_gb12345.bin");
table!(KSC5601, "db_ksc5601.bin");
table!(JIS0208, "db_jis0208.bin");
table!(JIS0212, "db_jis0212.bin");
table!(BIG5, "db_big5.bin");
table!(CNS1, "db_cns1.bin");
table!(CNS2, "db_cns2.bin");
table!(CNS3, "db_cns3.bin");
table!(CNS4, "db_cns4.bin");
table!(CNS5, "db_cns5.bin");
table!(CNS6, "db_cns6.bin");
table!(CNS7, "db_cns7.bin");

static WIDTHS: &[u8] = include_bytes!("tables/widths.bin");
static TITLECASE: &[u8] = include_bytes!("tables/titlecase.bin");
static DECOMP_ONE: &[u8] = include_bytes!("tables/decomp_one.bin");
static DECOMP_FULL: &[u8] = include_bytes!("tables/decomp_full.bin");

fn u32_at(b: &[u8], i: usize) -> u32 {
    match b.get(i..i + 4) {
        Some(x) => u32::from_le_bytes([x[0], x[1], x[2], x[3]]),
        None => 0,
    }
}

/// Table width (0, 1 or 2; 3 where the original reports an error) of a
/// code point below U+20000.
pub fn width_of(c: u32) -> u8 {
    let byte = WIDTHS.get((c >> 2) as usize).copied().unwrap_or(3);
    (byte >> ((c & 3) * 2)) & 3
}

/// Title-case mapping of the code points that change.
pub fn titlecase_map() -> &'static HashMap<u32, u32> {
    static MAP: OnceLock<HashMap<u32, u32>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        let mut i = 0;
        while i + 8 <= TITLECASE.len() {
            m.insert(u32_at(TITLECASE, i), u32_at(TITLECASE, i + 4));
            i += 8;
        }
        m
    })
}

/// A decomposition table: every value in one vector and, sorted by code
/// point, where each code point's values end in it. Three allocations for
/// the whole table instead of a hash map of one vector per code point
/// (about 100 KB instead of about 470 KB, which every process that
/// canonicalised one non-ASCII character paid).
pub struct Decomp {
    keys: Vec<u32>,
    /// `ends[k]` is where the values of `keys[k]` end in `values`; they
    /// start where those of `keys[k - 1]` end.
    ends: Vec<u32>,
    values: Vec<u32>,
}

impl Decomp {
    fn parse(b: &'static [u8]) -> Decomp {
        let mut recs: Vec<(u32, usize, usize)> = Vec::new();
        let mut i = 0;
        while i + 5 <= b.len() {
            let n = b[i + 4] as usize;
            recs.push((u32_at(b, i), i + 5, n));
            i += 5 + 4 * n;
        }
        // A code point listed twice keeps its last values, as a map would.
        recs.reverse();
        recs.sort_by_key(|r| r.0);
        recs.dedup_by_key(|r| r.0);
        let total: usize = recs.iter().map(|r| r.2).sum();
        let mut d = Decomp {
            keys: Vec::with_capacity(recs.len()),
            ends: Vec::with_capacity(recs.len()),
            values: Vec::with_capacity(total),
        };
        for (c, at, n) in recs {
            d.keys.push(c);
            d.values.extend((0..n).map(|k| u32_at(b, at + 4 * k)));
            d.ends.push(d.values.len() as u32);
        }
        d
    }

    /// The values of `c`, if the table has it.
    pub fn get(&self, c: u32) -> Option<&[u32]> {
        let k = self.keys.binary_search(&c).ok()?;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        self.values.get(start..self.ends[k] as usize)
    }

    /// Whether the table has `c`.
    pub fn contains(&self, c: u32) -> bool {
        self.keys.binary_search(&c).is_ok()
    }
}

/// Single-level decompositions (`ucs4_decompose`).
pub fn decomp_one() -> &'static Decomp {
    static MAP: OnceLock<Decomp> = OnceLock::new();
    MAP.get_or_init(|| Decomp::parse(DECOMP_ONE))
}

/// Full recursive decompositions (`ucs4_decompose_recursive`).
pub fn decomp_full() -> &'static Decomp {
    static MAP: OnceLock<Decomp> = OnceLock::new();
    MAP.get_or_init(|| Decomp::parse(DECOMP_FULL))
}

#[cfg(test)]
mod decomp_tests {
    use super::*;

    /// The table as the earlier hash map of vectors read it.
    fn as_map(b: &'static [u8]) -> HashMap<u32, Vec<u32>> {
        let mut m = HashMap::new();
        let mut i = 0;
        while i + 5 <= b.len() {
            let n = b[i + 4] as usize;
            m.insert(
                u32_at(b, i),
                (0..n).map(|k| u32_at(b, i + 5 + 4 * k)).collect(),
            );
            i += 5 + 4 * n;
        }
        m
    }

    #[test]
    fn compact_decomposition_tables_answer_as_the_map() {
        for (bin, t) in [(DECOMP_ONE, decomp_one()), (DECOMP_FULL, decomp_full())] {
            let m = as_map(bin);
            assert_eq!(m.len(), t.keys.len());
            for c in 0..0x11_0000u32 {
                assert_eq!(m.get(&c).map(Vec::as_slice), t.get(c), "U+{c:04X}");
                assert_eq!(m.contains_key(&c), t.contains(c));
            }
        }
    }
}
