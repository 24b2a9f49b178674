//! The charset registry: the same names, types, flags, scripts and preferred
//! names, in the same order, as the original's list of supported charsets.

use super::tables::{self as t, Table16};

/// How a charset encodes characters (the original's `CT_*` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum CsType {
    Ascii = 1,
    Ucs2 = 2,
    Ucs4 = 3,
    OneByte0 = 10,
    OneByte = 11,
    OneByte8 = 12,
    Euc = 100,
    DByte = 101,
    DByte2 = 102,
    Utf16 = 1000,
    Utf8 = 1001,
    Utf7 = 1002,
    Iso2022 = 10000,
    Sjis = 10001,
}

/// `CF_*` flags.
pub const CF_PRIMARY: u16 = 0x1;
pub const CF_DISPLAY: u16 = 0x2;
pub const CF_POSTING: u16 = 0x4;
pub const CF_UNSUPRT: u16 = 0x8;
pub const CF_NOEMAIL: u16 = 0x10;

/// The double-byte character sets behind the CJK charsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbSet {
    Gbk,
    Gb12345,
    Ksc,
    Big5,
    EucJp,
}

/// Row/column layout of one double-byte plane (`struct utf8_eucparam`).
#[derive(Clone, Copy)]
pub struct EucParam {
    pub base_ku: u8,
    pub base_ten: u8,
    pub max_ku: u8,
    pub max_ten: u8,
    pub table: Option<&'static Table16>,
}

const fn p(
    base_ku: u8,
    base_ten: u8,
    max_ku: u8,
    max_ten: u8,
    table: &'static Table16,
) -> EucParam {
    EucParam {
        base_ku,
        base_ten,
        max_ku,
        max_ten,
        table: Some(table),
    }
}

pub static GBK_PARAM: EucParam = p(0x81, 0x40, 125, 191, &t::GBK);
pub static GB12345_PARAM: EucParam = p(0xa1, 0xa1, 89, 94, &t::GB12345);
pub static KSC_PARAM: EucParam = p(0x81, 0x41, 125, 190, &t::KSC5601);
/// BIG5: plane 0 (trail 0x40..) and plane 1 (trail 0xa1..) share one table
/// whose rows hold 63 + 94 entries.
pub static BIG5_PARAM: [EucParam; 2] = [
    p(0xa1, 0x40, 89, 63, &t::BIG5),
    EucParam {
        base_ku: 0xa1,
        base_ten: 0xa1,
        max_ku: 89,
        max_ten: 94,
        table: None,
    },
];
/// EUC-JP: JIS X 0208, hankaku katakana via SS2 (single byte, offset form),
/// JIS X 0212 via SS3.
pub static JIS_PARAM: [EucParam; 3] = [
    p(0x21, 0x21, 84, 94, &t::JIS0208),
    EucParam {
        base_ku: 0xa1,
        base_ten: 0,
        max_ku: 0xe0,
        max_ten: 0,
        table: None,
    },
    p(0x22, 0x21, 76, 94, &t::JIS0212),
];
/// Offset added to an SS2 byte in EUC-JP to reach hankaku katakana.
pub const KANA_8: u32 = 0xff61 - 0xa1;

impl DbSet {
    pub fn params(self) -> &'static [EucParam] {
        match self {
            DbSet::Gbk => std::slice::from_ref(&GBK_PARAM),
            DbSet::Gb12345 => std::slice::from_ref(&GB12345_PARAM),
            DbSet::Ksc => std::slice::from_ref(&KSC_PARAM),
            DbSet::Big5 => &BIG5_PARAM,
            DbSet::EucJp => &JIS_PARAM,
        }
    }
}

/// Extra data of a charset (the original's `tab` field).
#[derive(Clone, Copy)]
pub enum CsTable {
    None,
    /// 128 entries for 0x80..0xff (`CT_1BYTE`) or 256 (`CT_1BYTE8`).
    Single(&'static Table16),
    Double(DbSet),
}

impl CsTable {
    /// Whether two charsets use the same table (as the original compares
    /// `tab` pointers).
    pub fn same(&self, other: &CsTable) -> bool {
        match (self, other) {
            (CsTable::None, CsTable::None) => true,
            (CsTable::Single(a), CsTable::Single(b)) => a.same(b),
            (CsTable::Double(a), CsTable::Double(b)) => a == b,
            _ => false,
        }
    }
}

/// One supported charset (the original's `CHARSET`).
pub struct Charset {
    pub name: &'static str,
    pub kind: CsType,
    pub flags: u16,
    pub table: CsTable,
    pub script: u32,
    pub preferred: Option<&'static str>,
}

const fn cs(
    name: &'static str,
    kind: CsType,
    flags: u16,
    table: CsTable,
    script: u32,
    preferred: Option<&'static str>,
) -> Charset {
    Charset {
        name,
        kind,
        flags,
        table,
        script,
        preferred,
    }
}

/// Every supported charset, in the original's order.
pub static CHARSETS: &[Charset] = &[
    cs("US-ASCII", CsType::Ascii, 0x7, CsTable::None, 0x0, None),
    cs("UTF-8", CsType::Utf8, 0x7, CsTable::None, 0x1, None),
    cs(
        "UTF-7",
        CsType::Utf7,
        0xd,
        CsTable::None,
        0x1,
        Some("UTF-8"),
    ),
    cs(
        "ISO-8859-1",
        CsType::OneByte0,
        0x7,
        CsTable::None,
        0x10,
        None,
    ),
    cs(
        "ISO-8859-2",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_2),
        0x20,
        None,
    ),
    cs(
        "ISO-8859-3",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_3),
        0x40,
        None,
    ),
    cs(
        "ISO-8859-4",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_4),
        0x80,
        None,
    ),
    cs(
        "ISO-8859-5",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_5),
        0x4000,
        Some("KOI8-R"),
    ),
    cs(
        "ISO-8859-6",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_6),
        0x2000,
        None,
    ),
    cs(
        "ISO-8859-7",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_7),
        0x8000,
        None,
    ),
    cs(
        "ISO-8859-8",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_8),
        0x10000,
        None,
    ),
    cs(
        "ISO-8859-9",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_9),
        0x100,
        None,
    ),
    cs(
        "ISO-8859-10",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_10),
        0x200,
        None,
    ),
    cs(
        "ISO-8859-11",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_11),
        0x20000,
        None,
    ),
    cs(
        "ISO-8859-13",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_13),
        0x400,
        None,
    ),
    cs(
        "ISO-8859-14",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_14),
        0x800,
        None,
    ),
    cs(
        "ISO-8859-15",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_15),
        0x1000,
        None,
    ),
    cs(
        "ISO-8859-16",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_16),
        0x80000,
        None,
    ),
    cs(
        "KOI8-R",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::KOI8_R),
        0x4000,
        None,
    ),
    cs(
        "KOI8-U",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::KOI8_U),
        0x44000,
        None,
    ),
    cs(
        "KOI8-RU",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::KOI8_U),
        0x44000,
        Some("KOI8-U"),
    ),
    cs(
        "TIS-620",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::ISO8859_11),
        0x20000,
        Some("ISO-8859-11"),
    ),
    cs(
        "VISCII",
        CsType::OneByte8,
        0x7,
        CsTable::Single(&t::VISCII),
        0x100000,
        None,
    ),
    cs(
        "GBK",
        CsType::DByte,
        0x7,
        CsTable::Double(DbSet::Gbk),
        0x1000000,
        None,
    ),
    cs(
        "GB2312",
        CsType::DByte,
        0x7,
        CsTable::Double(DbSet::Gbk),
        0x1000000,
        Some("GBK"),
    ),
    cs(
        "CN-GB",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Gbk),
        0x1000000,
        Some("GBK"),
    ),
    cs(
        "ISO-2022-CN",
        CsType::Iso2022,
        0x9,
        CsTable::None,
        0x3000000,
        None,
    ),
    cs(
        "CN-GB-12345",
        CsType::DByte,
        0x3,
        CsTable::Double(DbSet::Gb12345),
        0x2000000,
        Some("BIG5"),
    ),
    cs(
        "BIG5",
        CsType::DByte2,
        0x7,
        CsTable::Double(DbSet::Big5),
        0x2000000,
        None,
    ),
    cs(
        "CN-BIG5",
        CsType::DByte2,
        0x2,
        CsTable::Double(DbSet::Big5),
        0x2000000,
        Some("BIG5"),
    ),
    cs(
        "BIG-5",
        CsType::DByte2,
        0x2,
        CsTable::Double(DbSet::Big5),
        0x2000000,
        Some("BIG5"),
    ),
    cs(
        "ISO-2022-JP",
        CsType::Iso2022,
        0x7,
        CsTable::None,
        0x4000000,
        None,
    ),
    cs(
        "EUC-JP",
        CsType::Euc,
        0x3,
        CsTable::Double(DbSet::EucJp),
        0x4000000,
        Some("ISO-2022-JP"),
    ),
    cs(
        "SHIFT_JIS",
        CsType::Sjis,
        0x3,
        CsTable::None,
        0x4000000,
        Some("ISO-2022-JP"),
    ),
    cs(
        "SHIFT-JIS",
        CsType::Sjis,
        0x3,
        CsTable::None,
        0x4000000,
        Some("ISO-2022-JP"),
    ),
    cs(
        "ISO-2022-JP-1",
        CsType::Iso2022,
        0x8,
        CsTable::None,
        0x4000000,
        Some("ISO-2022-JP"),
    ),
    cs(
        "ISO-2022-JP-2",
        CsType::Iso2022,
        0x8,
        CsTable::None,
        0xf1bfff0,
        Some("UTF-8"),
    ),
    cs(
        "ISO-2022-KR",
        CsType::Iso2022,
        0xb,
        CsTable::None,
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "EUC-KR",
        CsType::DByte,
        0x7,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        None,
    ),
    cs(
        "KSC5601",
        CsType::DByte,
        0x3,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "KSC_5601",
        CsType::DByte,
        0x3,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "KS_C_5601-1987",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "KS_C_5601-1989",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "KS_C_5601-1992",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "KS_C_5601-1997",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "WINDOWS-874",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_874),
        0x20000,
        Some("ISO-8859-11"),
    ),
    cs(
        "CP874",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_874),
        0x20000,
        Some("ISO-8859-11"),
    ),
    cs(
        "WINDOWS-936",
        CsType::DByte,
        0x3,
        CsTable::Double(DbSet::Gbk),
        0x1000000,
        Some("GBK"),
    ),
    cs(
        "CP936",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Gbk),
        0x1000000,
        Some("GBK"),
    ),
    cs(
        "WINDOWS-949",
        CsType::DByte,
        0x3,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "CP949",
        CsType::DByte,
        0x2,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "X-WINDOWS-949",
        CsType::DByte,
        0x3,
        CsTable::Double(DbSet::Ksc),
        0x8000000,
        Some("EUC-KR"),
    ),
    cs(
        "WINDOWS-1250",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1250),
        0x20,
        Some("ISO-8859-2"),
    ),
    cs(
        "CP1250",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1250),
        0x20,
        Some("ISO-8859-2"),
    ),
    cs(
        "WINDOWS-1251",
        CsType::OneByte,
        0x7,
        CsTable::Single(&t::WINDOWS_1251),
        0x4000,
        Some("KOI8-R"),
    ),
    cs(
        "CP1251",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1251),
        0x4000,
        Some("KOI8-R"),
    ),
    cs(
        "WINDOWS-1252",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1252),
        0x10,
        Some("ISO-8859-1"),
    ),
    cs(
        "CP1252",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1252),
        0x10,
        Some("ISO-8859-1"),
    ),
    cs(
        "WINDOWS-1253",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1253),
        0x8000,
        Some("ISO-8859-7"),
    ),
    cs(
        "CP1253",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1253),
        0x8000,
        Some("ISO-8859-7"),
    ),
    cs(
        "WINDOWS-1254",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1254),
        0x100,
        Some("ISO-8859-9"),
    ),
    cs(
        "CP1254",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1254),
        0x100,
        Some("ISO-8859-9"),
    ),
    cs(
        "WINDOWS-1255",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1255),
        0x10000,
        Some("ISO-8859-8"),
    ),
    cs(
        "CP1255",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1255),
        0x10000,
        Some("ISO-8859-8"),
    ),
    cs(
        "WINDOWS-1256",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1256),
        0x2000,
        Some("ISO-8859-6"),
    ),
    cs(
        "CP1256",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1256),
        0x2000,
        Some("ISO-8859-6"),
    ),
    cs(
        "WINDOWS-1257",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1257),
        0x400,
        Some("ISO-8859-13"),
    ),
    cs(
        "CP1257",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1257),
        0x400,
        Some("ISO-8859-13"),
    ),
    cs(
        "WINDOWS-1258",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::WINDOWS_1258),
        0x100000,
        Some("VISCII"),
    ),
    cs(
        "CP1258",
        CsType::OneByte,
        0x2,
        CsTable::Single(&t::WINDOWS_1258),
        0x100000,
        Some("VISCII"),
    ),
    cs(
        "IBM367",
        CsType::Ascii,
        0x3,
        CsTable::None,
        0x0,
        Some("US-ASCII"),
    ),
    cs(
        "IBM437",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM437),
        0x10,
        Some("ISO-8859-1"),
    ),
    cs(
        "IBM737",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM737),
        0x8000,
        Some("ISO-8859-7"),
    ),
    cs(
        "IBM775",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM775),
        0x400,
        Some("ISO-8859-13"),
    ),
    cs(
        "IBM850",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM850),
        0x10,
        Some("ISO-8859-1"),
    ),
    cs(
        "IBM852",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM852),
        0x20,
        Some("ISO-8859-2"),
    ),
    cs(
        "IBM855",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM855),
        0x4000,
        Some("ISO-8859-5"),
    ),
    cs(
        "IBM857",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM857),
        0x100,
        Some("ISO-8859-9"),
    ),
    cs(
        "IBM860",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM860),
        0x10,
        Some("ISO-8859-1"),
    ),
    cs(
        "IBM861",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM861),
        0x200,
        Some("ISO-8859-10"),
    ),
    cs(
        "IBM862",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM862),
        0x10000,
        Some("ISO-8859-8"),
    ),
    cs(
        "IBM863",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM863),
        0x10,
        Some("ISO-8859-1"),
    ),
    cs(
        "IBM864",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM864),
        0x2000,
        Some("ISO-8859-6"),
    ),
    cs(
        "IBM865",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM865),
        0x200,
        Some("ISO-8859-10"),
    ),
    cs(
        "IBM866",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM866),
        0x4000,
        Some("KOI8-R"),
    ),
    cs(
        "IBM869",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM869),
        0x8000,
        Some("ISO-8859-7"),
    ),
    cs(
        "IBM874",
        CsType::OneByte,
        0x3,
        CsTable::Single(&t::IBM874),
        0x20000,
        Some("ISO-8859-11"),
    ),
    cs(
        "ANSI_X3.4-1968",
        CsType::Ascii,
        0x2,
        CsTable::None,
        0x0,
        Some("US-ASCII"),
    ),
    cs(
        "UNICODE-1-1-UTF-7",
        CsType::Utf7,
        0x8,
        CsTable::None,
        0x1,
        Some("UTF-8"),
    ),
    cs(
        "UCS-2",
        CsType::Ucs2,
        0x13,
        CsTable::None,
        0x1,
        Some("UTF-8"),
    ),
    cs(
        "UCS-4",
        CsType::Ucs4,
        0x13,
        CsTable::None,
        0x1,
        Some("UTF-8"),
    ),
    cs(
        "UTF-16",
        CsType::Utf16,
        0x13,
        CsTable::None,
        0x1,
        Some("UTF-8"),
    ),
];

/// One script (`SCRIPT`): name, description, `SC_*` bit.
pub struct Script {
    pub name: &'static str,
    pub description: Option<&'static str>,
    pub script: u32,
}

pub static SCRIPTS: &[Script] = &[
    Script {
        name: "Arabic",
        description: None,
        script: 0x2000,
    },
    Script {
        name: "Chinese Simplified",
        description: Some("China, Singapore"),
        script: 0x1000000,
    },
    Script {
        name: "Chinese Traditional",
        description: Some("Taiwan, Hong Kong, Macao"),
        script: 0x2000000,
    },
    Script {
        name: "Cyrillic",
        description: None,
        script: 0x4000,
    },
    Script {
        name: "Cyrillic Ukranian",
        description: None,
        script: 0x40000,
    },
    Script {
        name: "Greek",
        description: None,
        script: 0x8000,
    },
    Script {
        name: "Hebrew",
        description: None,
        script: 0x10000,
    },
    Script {
        name: "Japanese",
        description: None,
        script: 0x4000000,
    },
    Script {
        name: "Korean",
        description: None,
        script: 0x8000000,
    },
    Script {
        name: "Latin-1",
        description: Some("Western Europe"),
        script: 0x10,
    },
    Script {
        name: "Latin-2",
        description: Some("Eastern Europe"),
        script: 0x20,
    },
    Script {
        name: "Latin-3",
        description: Some("Southern Europe"),
        script: 0x40,
    },
    Script {
        name: "Latin-4",
        description: Some("Northern Europe"),
        script: 0x80,
    },
    Script {
        name: "Latin-5",
        description: Some("Turkish"),
        script: 0x100,
    },
    Script {
        name: "Latin-6",
        description: Some("Nordic"),
        script: 0x200,
    },
    Script {
        name: "Latin-7",
        description: Some("Baltic"),
        script: 0x400,
    },
    Script {
        name: "Latin-8",
        description: Some("Celtic"),
        script: 0x800,
    },
    Script {
        name: "Latin-9",
        description: Some("Euro"),
        script: 0x1000,
    },
    Script {
        name: "Latin-10",
        description: Some("Balkan"),
        script: 0x80000,
    },
    Script {
        name: "Thai",
        description: None,
        script: 0x20000,
    },
    Script {
        name: "Vietnamese",
        description: None,
        script: 0x100000,
    },
];

/// Names are matched without regard to ASCII case, and only when non-empty
/// and shorter than 128 bytes.
fn name_ok(name: &[u8]) -> bool {
    !name.is_empty() && name.len() < 128
}

/// Index of a charset in [`CHARSETS`] (`utf8_charset`).
pub fn charset_index(name: &[u8]) -> Option<usize> {
    if !name_ok(name) {
        return None;
    }
    CHARSETS
        .iter()
        .position(|c| c.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Look a charset up by name (`utf8_charset`).
pub fn charset(name: &[u8]) -> Option<&'static Charset> {
    charset_index(name).map(|i| &CHARSETS[i])
}

/// Index of a script in [`SCRIPTS`] (`utf8_script`).
pub fn script_index(name: &[u8]) -> Option<usize> {
    if !name_ok(name) {
        return None;
    }
    SCRIPTS
        .iter()
        .position(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
}

/// `utf8_badcharset`: `None` for a known charset, else the error message
/// listing every supported name.
pub fn bad_charset_message(name: &[u8]) -> Option<Vec<u8>> {
    if charset(name).is_some() {
        return None;
    }
    let mut m = b"[BADCHARSET (".to_vec();
    let names: Vec<&str> = CHARSETS.iter().map(|c| c.name).collect();
    m.extend_from_slice(names.join(" ").as_bytes());
    m.extend_from_slice(b")] Unknown charset: ");
    m.extend_from_slice(name);
    Some(m)
}
