//! Conversion of charset-labelled text to UTF-8 (`utf8_text`,
//! `utf8_text_cs`, `utf8_infercharset`, `ucs4_cs_get`), reproducing the
//! original's handling of every malformed input.

use std::borrow::Cow;

use super::registry::{charset, Charset, CsTable, CsType, DbSet, EucParam, KANA_8};
use super::tables::{self, Table16};
use super::utf8::{self, U8G_ENDSTRG, U8G_ENDSTRI, U8G_ERROR, U8G_NOTUTF8};
use super::UBOGON;

/// `U8T_*` flags of `utf8_text`.
pub const U8T_CASECANON: i64 = 2;
pub const U8T_DECOMPOSE: i64 = 4;
pub const U8T_CANONICAL: i64 = U8T_CASECANON | U8T_DECOMPOSE;

/// Canonicalisation applied to every converted character.
#[derive(Clone, Copy, Default, Debug)]
pub struct Canon {
    pub titlecase: bool,
    pub decompose: bool,
}

impl Canon {
    pub fn from_flags(flags: i64) -> Canon {
        Canon {
            titlecase: flags & U8T_CASECANON != 0,
            decompose: flags & U8T_DECOMPOSE != 0,
        }
    }
    fn any(self) -> bool {
        self.titlecase || self.decompose
    }
}

/// What is done to each decoded character before it is written: the
/// library's own title case / decomposition ([`Canon`]) or, through the C
/// interface, the caller's conversion functions.
pub trait Canonicalize {
    /// Whether any conversion applies (else characters go out unchanged).
    fn active(&self) -> bool;
    /// Hand `emit` the character(s) that replace `c`.
    fn expand(&mut self, c: u32, emit: &mut dyn FnMut(u32));
    /// `Some(upper)` when every ASCII character is replaced by exactly
    /// itself, upper-cased when `upper` (so runs of ASCII octets can be
    /// written without calling [`Canonicalize::expand`] per character).
    fn ascii_upper(&self) -> Option<bool> {
        None
    }
}

impl Canonicalize for Canon {
    fn active(&self) -> bool {
        self.any()
    }
    fn expand(&mut self, c: u32, emit: &mut dyn FnMut(u32)) {
        let c = if self.titlecase {
            utf8::titlecase(c)
        } else {
            c
        };
        if !self.decompose {
            return emit(c);
        }
        match utf8::decomposition(c) {
            Some(v) if !v.is_empty() => {
                emit(v[0]);
                // The original stops chasing a decomposition at a zero value.
                for &x in v.iter().skip(1).take_while(|&&x| x != 0) {
                    emit(x);
                }
            }
            Some(_) => emit(c),
            None => emit(c),
        }
    }
    fn ascii_upper(&self) -> Option<bool> {
        // ASCII has no decomposition, and title case maps exactly a-z to
        // A-Z there (`utf8::titlecase`, `utf8::decomposition`).
        Some(self.titlecase)
    }
}

/// A 16-bit conversion table as a converter sees it.
#[derive(Clone, Copy)]
pub enum Tab<'a> {
    /// No table.
    None,
    /// One of the library's own tables.
    Static(&'static Table16),
    /// A table supplied by the caller.
    Slice(&'a [u16]),
    /// Not a table but a value added to a single-byte code (the EUC
    /// single-shift "offset form").
    Offset(u32),
}

impl Tab<'_> {
    fn get(&self, i: usize) -> u32 {
        match self {
            Tab::Static(t) => u32::from(t.get(i)),
            Tab::Slice(s) => s.get(i).map_or(UBOGON, |&v| u32::from(v)),
            Tab::None | Tab::Offset(_) => UBOGON,
        }
    }
    fn is_some(&self) -> bool {
        !matches!(self, Tab::None)
    }
    fn offset(&self) -> u32 {
        match self {
            Tab::Offset(o) => *o,
            _ => 0,
        }
    }
}

/// Row/column layout of a double-byte plane with its table.
#[derive(Clone, Copy)]
pub struct DbParam<'a> {
    pub base_ku: u8,
    pub base_ten: u8,
    pub max_ku: u8,
    pub max_ten: u8,
    pub tab: Tab<'a>,
}

impl DbParam<'static> {
    /// The library's own plane description.
    pub fn of(p: &EucParam) -> DbParam<'static> {
        DbParam {
            base_ku: p.base_ku,
            base_ten: p.base_ten,
            max_ku: p.max_ku,
            max_ten: p.max_ten,
            tab: match p.table {
                Some(t) => Tab::Static(t),
                // The kana plane of EUC-JP is in offset form.
                None if p.base_ten == 0 && p.base_ku != 0 => Tab::Offset(KANA_8),
                None => Tab::None,
            },
        }
    }
}

/// A charset type with the tables it needs: everything a converter reads.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Ascii,
    Utf8,
    OneByte0,
    OneByte(Tab<'a>),
    OneByte8(Tab<'a>),
    Euc([DbParam<'a>; 3]),
    /// The flag marks the GBK table, whose lone octet 0x80 is the Euro.
    DByte(DbParam<'a>, bool),
    DByte2([DbParam<'a>; 2]),
    Utf7,
    Ucs2,
    Ucs4,
    Utf16,
    Iso2022,
    Sjis,
}

const NO_PARAM: DbParam<'static> = DbParam {
    base_ku: 0,
    base_ten: 0,
    max_ku: 0,
    max_ten: 0,
    tab: Tab::None,
};

impl Source<'static> {
    /// The source description of a registry charset (`None` for a type the
    /// converters do not know).
    pub fn of(cs: &Charset) -> Option<Source<'static>> {
        let single = |t: CsTable| match t {
            CsTable::Single(t) => Tab::Static(t),
            _ => Tab::None,
        };
        let params = |t: CsTable| -> [DbParam<'static>; 3] {
            let mut a = [NO_PARAM; 3];
            if let CsTable::Double(set) = t {
                for (d, p) in a.iter_mut().zip(set.params()) {
                    *d = DbParam::of(p);
                }
            }
            a
        };
        Some(match cs.kind {
            CsType::Ascii => Source::Ascii,
            CsType::Utf8 => Source::Utf8,
            CsType::OneByte0 => Source::OneByte0,
            CsType::OneByte => Source::OneByte(single(cs.table)),
            CsType::OneByte8 => Source::OneByte8(single(cs.table)),
            CsType::Euc => Source::Euc(params(cs.table)),
            CsType::DByte => Source::DByte(
                params(cs.table)[0],
                matches!(cs.table, CsTable::Double(DbSet::Gbk)),
            ),
            CsType::DByte2 => {
                let p = params(cs.table);
                Source::DByte2([p[0], p[1]])
            }
            CsType::Utf7 => Source::Utf7,
            CsType::Ucs2 => Source::Ucs2,
            CsType::Ucs4 => Source::Ucs4,
            CsType::Utf16 => Source::Utf16,
            CsType::Iso2022 => Source::Iso2022,
            CsType::Sjis => Source::Sjis,
            #[allow(unreachable_patterns)]
            _ => return None,
        })
    }
}

/// Output buffer writing characters as the original does.
struct Out<'c> {
    buf: Vec<u8>,
    canon: &'c mut dyn Canonicalize,
    active: bool,
    /// What ASCII characters become: `Some(upper)` as
    /// [`Canonicalize::ascii_upper`], or themselves when inactive.
    ascii: Option<bool>,
}

impl<'c> Out<'c> {
    fn new(cap: usize, canon: &'c mut dyn Canonicalize) -> Out<'c> {
        let active = canon.active();
        let ascii = if active {
            canon.ascii_upper()
        } else {
            Some(false)
        };
        Out {
            buf: Vec::with_capacity(cap),
            canon,
            active,
            ascii,
        }
    }
    /// Writes the leading ASCII octets of `t` in one go when their
    /// mapping is known; returns how many were written (0 when none, or
    /// when the mapping is the caller's per character).
    fn ascii_run(&mut self, t: &[u8]) -> usize {
        let Some(upper) = self.ascii else {
            return 0;
        };
        let n = t.iter().position(|&b| b >= 0x80).unwrap_or(t.len());
        if upper {
            self.buf
                .extend(t[..n].iter().map(|b| b.to_ascii_uppercase()));
        } else {
            self.buf.extend_from_slice(&t[..n]);
        }
        n
    }
    /// The BMP-only writer used by most converters.
    fn bmp(&mut self, c: u32) {
        if self.active {
            let buf = &mut self.buf;
            self.canon.expand(c, &mut |x| utf8::put_bmp(buf, x));
        } else {
            utf8::put_bmp(&mut self.buf, c);
        }
    }
    /// The full-range writer (UTF-8, UTF-16, UCS-4 sources).
    fn full(&mut self, c: u32) {
        if self.active {
            let buf = &mut self.buf;
            self.canon.expand(c, &mut |x| utf8::put(buf, x));
        } else {
            utf8::put(&mut self.buf, c);
        }
    }
}

/// Convert text to UTF-8 given a charset name (`utf8_text`). A missing or
/// empty name means "infer". Returns whether a charset was found, and the
/// result (borrowed when the source is returned unchanged).
pub fn text<'a>(src: &'a [u8], cs_name: Option<&[u8]>, flags: i64) -> (bool, Cow<'a, [u8]>) {
    let cs = match cs_name {
        Some(n) if !n.is_empty() => charset(n),
        _ => infer_charset(src),
    };
    match cs {
        Some(cs) => (true, text_cs(src, cs, Canon::from_flags(flags))),
        None => (false, Cow::Borrowed(src)),
    }
}

/// Convert text in a known charset to UTF-8 (`utf8_text_cs`).
pub fn text_cs<'a>(src: &'a [u8], cs: &Charset, mut canon: Canon) -> Cow<'a, [u8]> {
    let Some(source) = Source::of(cs) else {
        return Cow::Borrowed(src);
    };
    if matches!(source, Source::Ascii | Source::Utf8) && !canon.any() {
        return Cow::Borrowed(src);
    }
    match decode(src, &source, &mut canon) {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(src),
    }
}

/// Convert `src` described by `source` to UTF-8, passing every character
/// through `canon` (the per-type `utf8_text_*` converters). `None` means the
/// source is returned unchanged (invalid UTF-8 from an ASCII/UTF-8 source).
pub fn decode(src: &[u8], source: &Source<'_>, canon: &mut dyn Canonicalize) -> Option<Vec<u8>> {
    let mut out = Out::new(src.len() + src.len() / 2 + 1, canon);
    match source {
        Source::Ascii | Source::Utf8 => {
            let mut t = src;
            while !t.is_empty() {
                // A run of ASCII decodes octet for octet.
                let n = out.ascii_run(t);
                if n > 0 {
                    t = &t[n..];
                    continue;
                }
                let c = utf8::get(&mut t);
                if c & U8G_ERROR != 0 {
                    return None;
                }
                out.full(c);
            }
        }
        Source::OneByte0 => {
            let mut i = 0;
            while i < src.len() {
                let n = out.ascii_run(&src[i..]);
                if n > 0 {
                    i += n;
                    continue;
                }
                out.bmp(u32::from(src[i]));
                i += 1;
            }
        }
        Source::OneByte(t) => {
            let mut i = 0;
            while i < src.len() {
                let n = out.ascii_run(&src[i..]);
                if n > 0 {
                    i += n;
                    continue;
                }
                let b = src[i];
                let c = if b & 0x80 != 0 {
                    t.get(usize::from(b & 0x7f))
                } else {
                    u32::from(b)
                };
                out.bmp(c);
                i += 1;
            }
        }
        Source::OneByte8(t) => src.iter().for_each(|&b| out.bmp(t.get(usize::from(b)))),
        Source::Euc(p) => euc(src, p, &mut out),
        Source::DByte(p, gbk) => dbyte(src, p, *gbk, &mut out),
        Source::DByte2(p) => dbyte2(src, p, &mut out),
        Source::Utf7 => utf7(src, &mut out),
        Source::Ucs2 => {
            for p in src.chunks_exact(2) {
                out.bmp((u32::from(p[0]) << 8) | u32::from(p[1]));
            }
        }
        Source::Ucs4 => {
            // The original's second pass walks size/2 quads and aborts;
            // here every whole quad is converted.
            for q in src.chunks_exact(4) {
                out.full(u32::from_be_bytes([q[0], q[1], q[2], q[3]]));
            }
        }
        Source::Utf16 => utf16(src, &mut out),
        Source::Iso2022 => iso2022(src, &mut out),
        Source::Sjis => sjis(src, &mut out),
    }
    Some(out.buf)
}

fn lookup(p: &DbParam<'_>, idx: usize) -> u32 {
    p.tab.get(idx)
}

fn euc(src: &[u8], p: &[DbParam<'_>; 3], out: &mut Out) {
    let (p1, p2, p3) = (&p[0], &p[1], &p[2]);
    let n = src.len();
    let mut i = 0;
    while i < n {
        let mut c = u32::from(src[i]);
        i += 1;
        if c & 0x80 != 0 {
            let c1 = if i < n {
                let b = u32::from(src[i]);
                i += 1;
                Some(b)
            } else {
                None
            };
            c = match c1 {
                Some(c1) if c1 & 0x80 != 0 => match c {
                    0x8e => euc_shift(src, &mut i, c1, p2),
                    0x8f => euc_shift(src, &mut i, c1, p3),
                    _ => {
                        let ku = (c & 0x7f).wrapping_sub(u32::from(p1.base_ku));
                        let ten = (c1 & 0x7f).wrapping_sub(u32::from(p1.base_ten));
                        if ku >= u32::from(p1.max_ku) || ten >= u32::from(p1.max_ten) {
                            UBOGON
                        } else {
                            let v = lookup(p1, (ku * u32::from(p1.max_ten) + ten) as usize);
                            // JIS X 0212 rows below 10 fill holes of JIS X 0208.
                            if v == UBOGON
                                && ku > 0
                                && ku < 10
                                && p3.tab.is_some()
                                && p3.base_ten != 0
                            {
                                let row = ku.wrapping_sub(
                                    u32::from(p3.base_ku).wrapping_sub(u32::from(p1.base_ku)),
                                );
                                lookup(
                                    p3,
                                    row.wrapping_mul(u32::from(p3.max_ten)).wrapping_add(ten)
                                        as usize,
                                )
                            } else {
                                v
                            }
                        }
                    }
                },
                _ => UBOGON,
            };
        }
        out.bmp(c);
    }
}

/// Character after an EUC single shift (CS2 or CS3).
fn euc_shift(src: &[u8], i: &mut usize, c1: u32, p: &DbParam<'_>) -> u32 {
    if p.base_ku == 0 {
        // Not set up: swallow one more byte.
        if *i < src.len() {
            *i += 1;
        }
        return UBOGON;
    }
    if p.base_ten != 0 {
        if *i >= src.len() {
            return UBOGON;
        }
        let c = u32::from(src[*i]);
        *i += 1;
        let ku = (c1 & 0x7f).wrapping_sub(u32::from(p.base_ku));
        let ten = (c & 0x7f).wrapping_sub(u32::from(p.base_ten));
        if c & 0x80 != 0 && ku < u32::from(p.max_ku) && ten < u32::from(p.max_ten) {
            lookup(p, (ku * u32::from(p.max_ten) + ten) as usize)
        } else {
            UBOGON
        }
    } else if c1 >= u32::from(p.base_ku) && c1 < u32::from(p.max_ku) {
        c1.wrapping_add(p.tab.offset())
    } else {
        UBOGON
    }
}

fn dbyte(src: &[u8], p1: &DbParam<'_>, gbk: bool, out: &mut Out) {
    let n = src.len();
    let mut i = 0;
    while i < n {
        let mut c = u32::from(src[i]);
        i += 1;
        if c & 0x80 != 0 {
            if c == 0x80 && gbk {
                c = 0x20ac; // GBK's single-byte Euro sign
            } else {
                let lead = c;
                c = UBOGON;
                if i < n {
                    let c1 = u32::from(src[i]);
                    i += 1;
                    let ku = lead.wrapping_sub(u32::from(p1.base_ku));
                    let ten = c1.wrapping_sub(u32::from(p1.base_ten));
                    if c1 != 0 && ku < u32::from(p1.max_ku) && ten < u32::from(p1.max_ten) {
                        c = lookup(p1, (ku * u32::from(p1.max_ten) + ten) as usize);
                    }
                }
            }
        }
        out.bmp(c);
    }
}

fn dbyte2(src: &[u8], p: &[DbParam<'_>; 2], out: &mut Out) {
    let (p1, p2) = (&p[0], &p[1]);
    let row = u32::from(p1.max_ten) + u32::from(p2.max_ten);
    let n = src.len();
    let mut i = 0;
    while i < n {
        let mut c = u32::from(src[i]);
        i += 1;
        if c & 0x80 != 0 {
            let c1 = if i < n {
                i += 1;
                u32::from(src[i - 1])
            } else {
                0
            };
            c = if c1 == 0 {
                UBOGON
            } else if c1 & 0x80 != 0 {
                let ku = c.wrapping_sub(u32::from(p2.base_ku));
                let ten = c1.wrapping_sub(u32::from(p2.base_ten));
                if ku < u32::from(p2.max_ku) && ten < u32::from(p2.max_ten) {
                    lookup(p1, (ku * row + u32::from(p1.max_ten) + ten) as usize)
                } else {
                    UBOGON
                }
            } else {
                let ku = c.wrapping_sub(u32::from(p1.base_ku));
                let ten = c1.wrapping_sub(u32::from(p1.base_ten));
                if ku < u32::from(p1.max_ku) && ten < u32::from(p1.max_ten) {
                    lookup(p1, (ku * row + ten) as usize)
                } else {
                    UBOGON
                }
            };
        }
        out.bmp(c);
    }
}

/// JIS X 0208 by row and column bytes (7-bit or 8-bit).
fn jis0208(c: u32, c1: u32) -> u32 {
    table94(&tables::JIS0208, 84, c, c1, 0x21)
}

/// A 94-column table indexed by two bytes whose low 7 bits give the row
/// (from `base_ku`) and column (from 0x21).
fn table94(t: &Table16, max_ku: u32, c: u32, c1: u32, base_ku: u32) -> u32 {
    let ku = (c & 0x7f).wrapping_sub(base_ku);
    let ten = (c1 & 0x7f).wrapping_sub(0x21);
    if ku < max_ku && ten < 94 {
        u32::from(t.get((ku * 94 + ten) as usize))
    } else {
        UBOGON
    }
}

/// Shift-JIS byte pair to JIS row/column bytes, in the original's
/// unsigned arithmetic.
fn sjis_to_jis(c: u32, c1: u32) -> (u32, u32) {
    let mut c = c.wrapping_sub(if c < 0xa0 { 0x70 } else { 0xb0 }) << 1;
    let c1 = if c1 < 0x9f {
        c = c.wrapping_sub(1);
        c1.wrapping_sub(0x1f + u32::from(c1 > 0x7f))
    } else {
        c1.wrapping_sub(0x7e)
    };
    (c, c1)
}

fn sjis(src: &[u8], out: &mut Out) {
    let n = src.len();
    let mut i = 0;
    while i < n {
        let mut c = u32::from(src[i]);
        i += 1;
        if c & 0x80 != 0 {
            if (0xa1..0xe0).contains(&c) {
                c += KANA_8;
            } else if i >= n {
                // The original reads past the end here on its second pass;
                // its size pass (and this) yield the replacement character.
                c = UBOGON;
            } else {
                let c1 = u32::from(src[i]);
                i += 1;
                let (a, b) = sjis_to_jis(c, c1);
                c = jis0208(a, b);
            }
        } else if c == 0x5c {
            c = 0xa5; // JIS Roman yen sign (overline is left alone)
        }
        out.bmp(c);
    }
}

fn utf16(src: &[u8], out: &mut Out) {
    let mut units = src
        .chunks_exact(2)
        .map(|p| (u32::from(p[0]) << 8) | u32::from(p[1]));
    let mut left = src.len() / 2;
    while let Some(mut c) = units.next() {
        left -= 1;
        if (0xd800..=0xdfff).contains(&c) {
            if c > 0xdbff || left == 0 {
                c = UBOGON;
            } else {
                let d = units.next().unwrap_or(0);
                left -= 1;
                c = if (0xdc00..=0xdfff).contains(&d) {
                    0x10000 + ((c & 0x3ff) << 10) + (d & 0x3ff)
                } else {
                    UBOGON
                };
            }
        }
        out.full(c);
    }
}

fn utf7(src: &[u8], out: &mut Out) {
    #[derive(PartialEq, Clone, Copy)]
    enum St {
        Ascii,
        Plus,
        Unicode,
        Minus,
    }
    let (mut c1, mut d, mut uc, mut e, mut e1) = (0u32, 0u32, 0u32, 0u32, false);
    let mut state = St::Ascii;
    for &b in src {
        let mut c = u32::from(b);
        let mut decode = false;
        match state {
            St::Plus if c == u32::from(b'-') => {
                c = u32::from(b'+');
                state = St::Ascii;
            }
            St::Plus | St::Unicode => {
                if state == St::Plus {
                    state = St::Unicode;
                    e = 0;
                    e1 = false;
                }
                decode = true;
            }
            St::Minus | St::Ascii => {
                state = St::Ascii;
                if c == u32::from(b'+') {
                    state = St::Plus;
                }
            }
        }
        if decode {
            match b {
                b'-' => state = St::Minus,
                b'A'..=b'Z' => c -= u32::from(b'A'),
                b'a'..=b'z' => c = c - u32::from(b'a') + 26,
                b'0'..=b'9' => c = c - u32::from(b'0') + 52,
                b'+' => c = 62,
                b'/' => c = 63,
                _ => state = St::Ascii, // end of modified BASE64
            }
        }
        match state {
            St::Unicode => {
                let pos = e;
                e += 1;
                match pos {
                    0 => c1 = c << 2,
                    1 => {
                        d = c1 | (c >> 4);
                        c1 = c << 4;
                    }
                    2 => {
                        d = c1 | (c >> 2);
                        c1 = c << 6;
                    }
                    _ => {
                        d = c | c1;
                        e = 0;
                    }
                }
                if e == 1 {
                    continue;
                }
                if !e1 {
                    uc = (d & 0xff) << 8;
                    e1 = true;
                    continue;
                }
                let u = uc | (d & 0xff);
                e1 = false;
                // Surrogates are consumed but never written by the original.
                if (0xd800..=0xdfff).contains(&u) {
                    continue;
                }
                out.bmp(u);
            }
            St::Ascii => out.bmp(c),
            _ => {}
        }
    }
}

// ISO-2022 designations (`I2CS_*`).
const I2CS_94: u32 = 0x000;
const I2CS_96: u32 = 0x100;
const I2CS_MUL: u32 = 0x200;
const I2CS_94X94: u32 = I2CS_MUL | I2CS_94;
const I2CS_96X96: u32 = I2CS_MUL | I2CS_96;
const I2CS_ASCII: u32 = 0x42;
const I2CS_ISO8859_1: u32 = I2CS_96 | 0x41;

fn iso2022(src: &[u8], out: &mut Out) {
    #[derive(PartialEq, Clone, Copy)]
    enum St {
        Char,
        Esc,
        Mul,
        Int,
    }
    let mut state = St::Char;
    let mut g = [I2CS_ASCII, I2CS_ISO8859_1, I2CS_ASCII, I2CS_ISO8859_1];
    let (mut gl, mut gr, mut gi) = (0u32, 1u32, 0usize);
    let n = src.len();
    let mut i = 0;
    while i < n {
        let mut c = u32::from(src[i]);
        i += 1;
        match state {
            St::Esc => match c {
                0x24 => state = St::Mul,
                0x4e | 0x8e => gl |= 2 << 2,
                0x4f | 0x8f => gl |= 3 << 2,
                0x6e => gl = 2,
                0x6f => gl = 3,
                0x7e => gr = 1,
                0x7d => gr = 2,
                0x7c => gr = 3,
                0x28..=0x2b => {
                    gi = (c - 0x28) as usize;
                    g[gi] = I2CS_94;
                    state = St::Int;
                }
                0x2c..=0x2f => {
                    gi = (c - 0x2c) as usize;
                    g[gi] = I2CS_96;
                    state = St::Int;
                }
                _ => {
                    // Unknown escape: both octets are passed through raw.
                    out.buf.push(0x1b);
                    out.buf.push(c as u8);
                    state = St::Char;
                }
            },
            St::Mul => match c {
                0x28..=0x2b => {
                    gi = (c - 0x28) as usize;
                    g[gi] = I2CS_94X94;
                    state = St::Int;
                }
                0x2c..=0x2f => {
                    gi = (c - 0x2c) as usize;
                    g[gi] = I2CS_96X96;
                    state = St::Int;
                }
                _ => {
                    // ESC $ F: the 94x94 intermediate was left out.
                    gi = 0;
                    g[0] = I2CS_94X94 | c;
                    state = St::Char;
                }
            },
            St::Int => {
                state = St::Char;
                g[gi] |= c;
            }
            St::Char => match c {
                0x1b => state = St::Esc,
                0x0f => gl = 0,
                0x0e => gl = 1,
                0x8e | 0x19 => gl |= 2 << 2,
                0x8f | 0x1d => gl |= 3 << 2,
                _ => {
                    let co = c;
                    let set = if gl & (3 << 2) != 0 {
                        let s = g[(gl >> 2) as usize];
                        gl &= 3;
                        s
                    } else if c & 0x80 != 0 {
                        g[gr as usize]
                    } else {
                        g[gl as usize]
                    };
                    c &= 0x7f;
                    c = iso2022_char(set, c, co, src, &mut i);
                    out.bmp(c);
                }
            },
        }
    }
}

/// Interpret one character (7-bit `c`, original octet `co`) in the
/// designated set, consuming the second octet of multi-byte sets.
fn iso2022_char(set: u32, c: u32, co: u32, src: &[u8], i: &mut usize) -> u32 {
    let sb = |t: &Table16| u32::from(t.get(c as usize));
    match set {
        0x42 => c,
        0x41 => {
            if c == 0x23 {
                0xa3
            } else {
                c
            }
        }
        0x4a | 0x48 => match c {
            0x5c => 0xa5,
            0x7e => 0x203e,
            _ => c,
        },
        0x49 => {
            if (0x21..0x60).contains(&c) {
                c + (0xff61 - 0x21)
            } else {
                c
            }
        }
        0x141 => c | 0x80,
        0x142 => sb(&tables::ISO8859_2),
        0x143 => sb(&tables::ISO8859_3),
        0x144 => sb(&tables::ISO8859_4),
        0x14c => sb(&tables::ISO8859_5),
        0x147 => sb(&tables::ISO8859_6),
        0x146 => sb(&tables::ISO8859_7),
        0x148 => sb(&tables::ISO8859_8),
        0x14d => sb(&tables::ISO8859_9),
        0x154 => sb(&tables::ISO8859_11),
        0x156 => sb(&tables::ISO8859_10),
        0x159 => sb(&tables::ISO8859_13),
        0x15a => sb(&tables::VISCII),
        0x15c => sb(&tables::ISO8859_14),
        0x162 => sb(&tables::ISO8859_15),
        0x166 => sb(&tables::ISO8859_16),
        _ => {
            if set & I2CS_MUL != 0 && (0x21..=0x7e).contains(&c) {
                let c2 = if *i < src.len() {
                    *i += 1;
                    u32::from(src[*i - 1])
                } else {
                    0
                };
                match set {
                    0x241 => gbk_pair(co | 0x80, c2 | 0x80),
                    0x240 | 0x242 => jis0208(co, c2),
                    0x244 => table94(&tables::JIS0212, 76, co, c2, 0x22),
                    0x243 => ksc_pair(co | 0x80, c2 | 0x80),
                    0x247 => table94(&tables::CNS1, 94, co, c2, 0x21),
                    0x248 => table94(&tables::CNS2, 94, co, c2, 0x21),
                    0x249 => table94(&tables::CNS3, 94, co, c2, 0x21),
                    0x24a => table94(&tables::CNS4, 94, co, c2, 0x21),
                    0x24b => table94(&tables::CNS5, 94, co, c2, 0x21),
                    0x24c => table94(&tables::CNS6, 94, co, c2, 0x21),
                    0x24d => table94(&tables::CNS7, 94, co, c2, 0x21),
                    // Unknown multi-byte set: the original glues the octets.
                    _ => c2 | (co << 8),
                }
            } else {
                co
            }
        }
    }
}

fn gbk_pair(c: u32, c1: u32) -> u32 {
    let p = &DbParam::of(&super::registry::GBK_PARAM);
    let ku = c.wrapping_sub(u32::from(p.base_ku));
    let ten = c1.wrapping_sub(u32::from(p.base_ten));
    if ku < u32::from(p.max_ku) && ten < u32::from(p.max_ten) {
        lookup(p, (ku * u32::from(p.max_ten) + ten) as usize)
    } else {
        UBOGON
    }
}

fn ksc_pair(c: u32, c1: u32) -> u32 {
    let p = &DbParam::of(&super::registry::KSC_PARAM);
    let ku = c.wrapping_sub(u32::from(p.base_ku));
    let ten = c1.wrapping_sub(u32::from(p.base_ten));
    if ku < u32::from(p.max_ku) && ten < u32::from(p.max_ten) {
        lookup(p, (ku * u32::from(p.max_ten) + ten) as usize)
    } else {
        UBOGON
    }
}

/// Guess the charset of unlabelled text (`utf8_infercharset`): ISO-2022-JP
/// if it has JIS escapes, UTF-8 if its 8-bit octets are valid UTF-8,
/// US-ASCII if it has none, otherwise unknown.
pub fn infer_charset(src: &[u8]) -> Option<&'static Charset> {
    let n = src.len();
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    let mut iso2022jp = false;
    let mut eightbit: i64 = 0;
    let mut i = 0usize;
    while i < n {
        if src[i] == 0x1b {
            i += 1;
            if i < n {
                match src[i] {
                    0x24 => {
                        i += 1;
                        if i < n {
                            match src[i] {
                                0x40 | 0x42 | 0x44 => iso2022jp = true,
                                _ => return None,
                            }
                        }
                    }
                    0x28 => {
                        i += 1;
                        if i < n {
                            match src[i] {
                                0x48 | 0x4a | 0x42 | 0x41 => {}
                                _ => return None,
                            }
                        }
                    }
                    _ => {}
                }
            } else if !iso2022jp && eightbit >= 0 && at(i) & 0x80 != 0 {
                // Past the end: the original peeks at the octet after the
                // text, normally its terminating NUL, so nothing happens.
            }
        } else if !iso2022jp && eightbit >= 0 && src[i] & 0x80 != 0 {
            eightbit = utf8::validate(&src[i..]);
            if eightbit > 0 {
                i += (eightbit - 1) as usize;
            }
        }
        i += 1;
    }
    if iso2022jp {
        charset(b"ISO-2022-JP")
    } else if eightbit > 0 {
        charset(b"UTF-8")
    } else if eightbit != 0 {
        None
    } else {
        charset(b"US-ASCII")
    }
}

/// Decode one character of charset text (`ucs4_cs_get`), advancing `s` on
/// success; errors are `U8G_*` codes.
pub fn cs_get(cs: &Charset, s: &mut &[u8]) -> u32 {
    match Source::of(cs) {
        Some(src) => cs_get_src(&src, s),
        None => U8G_NOTUTF8,
    }
}

/// [`cs_get`] for a charset described by its type and tables.
pub fn cs_get_src(source: &Source<'_>, s: &mut &[u8]) -> u32 {
    let buf = *s;
    let Some(&c0) = buf.first() else {
        return U8G_ENDSTRG;
    };
    let c = u32::from(c0);
    let mut pos = 1usize;
    let next = |pos: &mut usize| -> Option<u32> {
        let b = buf.get(*pos).copied();
        if b.is_some() {
            *pos += 1;
        }
        b.map(u32::from)
    };
    let ret = match source {
        Source::Utf8 => return utf8::get(s),
        Source::Ascii if c >= 0x80 => return U8G_NOTUTF8,
        Source::Ascii | Source::OneByte0 => c,
        // Note the original's `>`: octet 0x80 maps to itself here.
        Source::OneByte(t) => {
            if c > 0x80 {
                t.get((c & 0x7f) as usize)
            } else {
                c
            }
        }
        Source::OneByte8(t) => t.get(c as usize),
        Source::Euc(p) => {
            if c & 0x80 == 0 {
                c
            } else {
                let Some(c1) = next(&mut pos) else {
                    return U8G_ENDSTRI;
                };
                if c1 & 0x80 == 0 {
                    return U8G_NOTUTF8;
                }
                match c {
                    0x8e | 0x8f => {
                        let q = if c == 0x8e { &p[1] } else { &p[2] };
                        if q.base_ku == 0 {
                            return U8G_NOTUTF8;
                        }
                        if q.base_ten != 0 {
                            let Some(c2) = next(&mut pos) else {
                                return U8G_ENDSTRI;
                            };
                            let ku = (c1 & 0x7f).wrapping_sub(u32::from(q.base_ku)) & 0xff;
                            let ten = (c2 & 0x7f).wrapping_sub(u32::from(q.base_ten)) & 0xff;
                            if c2 & 0x80 != 0
                                && ku < u32::from(q.max_ku)
                                && ten < u32::from(q.max_ten)
                            {
                                lookup(q, (ku * u32::from(q.max_ten) + ten) as usize)
                            } else {
                                return U8G_NOTUTF8;
                            }
                        } else if c1 >= u32::from(q.base_ku) && c1 < u32::from(q.max_ku) {
                            c1.wrapping_add(q.tab.offset())
                        } else {
                            return U8G_NOTUTF8;
                        }
                    }
                    _ => {
                        let (p1, p3) = (&p[0], &p[2]);
                        // ku and ten are unsigned char in the original
                        let ku = (c & 0x7f).wrapping_sub(u32::from(p1.base_ku)) & 0xff;
                        let ten = (c1 & 0x7f).wrapping_sub(u32::from(p1.base_ten)) & 0xff;
                        if ku >= u32::from(p1.max_ku) || ten >= u32::from(p1.max_ten) {
                            return U8G_NOTUTF8;
                        }
                        let v = lookup(p1, (ku * u32::from(p1.max_ten) + ten) as usize);
                        if v == UBOGON && ku > 0 && ku < 10 && p3.tab.is_some() && p3.base_ten != 0
                        {
                            let row = ku.wrapping_sub(
                                u32::from(p3.base_ku).wrapping_sub(u32::from(p1.base_ku)),
                            );
                            lookup(
                                p3,
                                row.wrapping_mul(u32::from(p3.max_ten)).wrapping_add(ten) as usize,
                            )
                        } else {
                            v
                        }
                    }
                }
            }
        }
        Source::DByte(p1, _) => {
            if c & 0x80 == 0 {
                c
            } else {
                let Some(c1) = next(&mut pos) else {
                    return U8G_ENDSTRI;
                };
                let ku = c.wrapping_sub(u32::from(p1.base_ku)) & 0xff;
                let ten = c1.wrapping_sub(u32::from(p1.base_ten)) & 0xff;
                if ku < u32::from(p1.max_ku) && ten < u32::from(p1.max_ten) {
                    lookup(p1, (ku * u32::from(p1.max_ten) + ten) as usize)
                } else {
                    return U8G_NOTUTF8;
                }
            }
        }
        Source::DByte2(p) => {
            if c & 0x80 == 0 {
                c
            } else {
                let (p1, p2) = (&p[0], &p[1]);
                let row = u32::from(p1.max_ten) + u32::from(p2.max_ten);
                let Some(c1) = next(&mut pos) else {
                    return U8G_ENDSTRI;
                };
                let q = if c1 & 0x80 != 0 { p2 } else { p1 };
                let ku = c.wrapping_sub(u32::from(q.base_ku)) & 0xff;
                let ten = c1.wrapping_sub(u32::from(q.base_ten)) & 0xff;
                if ku < u32::from(q.max_ku) && ten < u32::from(q.max_ten) {
                    let off = if c1 & 0x80 != 0 {
                        u32::from(p1.max_ten)
                    } else {
                        0
                    };
                    lookup(p1, (ku * row + off + ten) as usize)
                } else {
                    return U8G_NOTUTF8;
                }
            }
        }
        Source::Sjis => {
            if c & 0x80 == 0 {
                if c == 0x5c {
                    0xa5
                } else {
                    c
                }
            } else if (0xa1..0xe0).contains(&c) {
                c + KANA_8
            } else {
                let Some(c1) = next(&mut pos) else {
                    return U8G_ENDSTRI;
                };
                let (a, b) = sjis_to_jis(c, c1);
                // The original leaves its result unset on this path (a
                // bug); the table value is returned here.
                jis0208(a, b)
            }
        }
        Source::Ucs2 => {
            let Some(c1) = next(&mut pos) else {
                return U8G_ENDSTRI;
            };
            (c << 8) | c1
        }
        Source::Ucs4 => {
            if c & 0x80 != 0 {
                return U8G_NOTUTF8;
            }
            if buf.len() - pos < 3 {
                return U8G_ENDSTRI;
            }
            let v = (c << 24)
                | (u32::from(buf[pos]) << 16)
                | (u32::from(buf[pos + 1]) << 8)
                | u32::from(buf[pos + 2]);
            pos += 3;
            v
        }
        Source::Utf16 => {
            let Some(c1) = next(&mut pos) else {
                return U8G_ENDSTRI;
            };
            let mut v = (c << 8) | c1;
            if (0xd800..=0xdfff).contains(&v) {
                if v > 0xdbff || buf.len() - pos < 2 {
                    return U8G_NOTUTF8;
                }
                let d = (u32::from(buf[pos]) << 8) | u32::from(buf[pos + 1]);
                pos += 2;
                if !(0xdc00..=0xdfff).contains(&d) {
                    return U8G_NOTUTF8;
                }
                v = 0x10000 + ((v & 0x3ff) << 10) + (d & 0x3ff);
            }
            v
        }
        _ => return U8G_NOTUTF8,
    };
    *s = &buf[pos..];
    ret
}

#[cfg(test)]
mod ascii_run_tests {
    use super::*;

    /// The library's canonicalisation without the ASCII shortcut: every
    /// character goes through `expand`.
    struct PerChar(Canon);

    impl Canonicalize for PerChar {
        fn active(&self) -> bool {
            self.0.active()
        }
        fn expand(&mut self, c: u32, emit: &mut dyn FnMut(u32)) {
            self.0.expand(c, emit)
        }
    }

    #[test]
    fn ascii_runs_match_per_character_conversion() {
        let mut texts: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"Hello, World! kernel\r\n\0x".to_vec(),
            "caf\u{e9} \u{1e9e} \u{130} ABC xyz \u{ff21}\u{1f600}"
                .as_bytes()
                .to_vec(),
            vec![0xc3, 0x28, b'a', 0xe2, 0x82, b'b', 0xff, 0x80, b'z'],
            (0u8..=255).collect(),
        ];
        // Pseudo-random mixtures of ASCII and high octets.
        let mut x: u32 = 12345;
        for len in 0..400 {
            let mut t = Vec::with_capacity(len);
            for _ in 0..len {
                x = x.wrapping_mul(1103515245).wrapping_add(12345);
                let r = (x >> 16) as u8;
                t.push(if r & 3 == 0 { r | 0x80 } else { r & 0x7f });
            }
            texts.push(t);
        }
        let names: [&[u8]; 6] = [
            b"US-ASCII",
            b"UTF-8",
            b"ISO-8859-1",
            b"ISO-8859-5",
            b"KOI8-R",
            b"WINDOWS-1252",
        ];
        for flags in [0, U8T_CASECANON, U8T_DECOMPOSE, U8T_CANONICAL] {
            for name in names {
                let Some(cs) = charset(name) else { continue };
                let Some(source) = Source::of(cs) else {
                    continue;
                };
                for t in &texts {
                    let mut fast = Canon::from_flags(flags);
                    let mut slow = PerChar(Canon::from_flags(flags));
                    assert_eq!(
                        decode(t, &source, &mut fast),
                        decode(t, &source, &mut slow),
                        "{:?} flags {flags} {t:?}",
                        String::from_utf8_lossy(name)
                    );
                }
            }
        }
    }
}
