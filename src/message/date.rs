//! Dates as c-client keeps them: the packed fields of a message cache entry,
//! the lenient parser every driver uses, and the fixed output formats that
//! programs compare byte for byte.

use crate::os::clock::{self, BrokenTime};

/// The year that field `year == 0` stands for.
pub const BASEYEAR: u32 = 1970;
/// Last year the 7-bit year field can hold.
const MAXYEAR: u64 = BASEYEAR as u64 + 127;
/// Strings this long or longer are refused by the parser (its work buffer).
const MAILTMPLEN: usize = 1024;

/// Day-of-week abbreviations, Sunday first.
pub const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// Month abbreviations, January first.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The date fields of a message cache entry. Each field holds only as many bits
/// as the C bit-field does; the setters truncate the same way an assignment to
/// the bit-field would.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MailDate {
    /// Day of month, 5 bits (0 means unknown).
    pub day: u8,
    /// Month 1-12, 4 bits (0 means unknown).
    pub month: u8,
    /// Years since [`BASEYEAR`], 7 bits.
    pub year: u8,
    /// 5 bits.
    pub hours: u8,
    /// 6 bits.
    pub minutes: u8,
    /// 6 bits.
    pub seconds: u8,
    /// West of UTC.
    pub zoccident: bool,
    /// 4 bits.
    pub zhours: u8,
    /// 6 bits.
    pub zminutes: u8,
}

impl MailDate {
    /// Builds a date from raw values, truncating each to its bit-field width.
    #[allow(clippy::too_many_arguments)]
    pub fn from_fields(
        day: u32,
        month: u32,
        year: u32,
        hours: u32,
        minutes: u32,
        seconds: u32,
        zoccident: bool,
        zhours: u32,
        zminutes: u32,
    ) -> Self {
        MailDate {
            day: (day & 0x1f) as u8,
            month: (month & 0xf) as u8,
            year: (year & 0x7f) as u8,
            hours: (hours & 0x1f) as u8,
            minutes: (minutes & 0x3f) as u8,
            seconds: (seconds & 0x3f) as u8,
            zoccident,
            zhours: (zhours & 0xf) as u8,
            zminutes: (zminutes & 0x3f) as u8,
        }
    }

    /// Sets the time zone from a signed offset in minutes, as the parser does
    /// for an unknown zone name.
    fn set_zone_minutes(&mut self, mut mi: i32) {
        if mi < 0 {
            mi = -mi;
            self.zoccident = true;
        }
        self.zhours = ((mi / 60) & 0xf) as u8;
        self.zminutes = ((mi % 60) & 0x3f) as u8;
    }
}

/// Minutes east of UTC, from the local and UTC views of the same instant,
/// computed from hours, minutes and day of year only (seconds are ignored),
/// which is what the original does.
pub fn zone_offset_minutes(local: &BrokenTime, utc: &BrokenTime) -> i32 {
    let mut mi = (local.hour * 60 + local.min) - (utc.hour * 60 + utc.min);
    let jd = local.yday - utc.yday;
    if jd != 0 {
        // A difference of +-1 is the plain case; +-36x means a year boundary
        // lies between the two views, which flips the sign of the correction.
        mi += if (jd < 0) == (jd.abs() == 1) {
            -24 * 60
        } else {
            24 * 60
        };
    }
    mi
}

/// The local zone offset now, in minutes east of UTC.
pub fn local_zone_now() -> i32 {
    let t = clock::now();
    match (clock::local(t), clock::utc(t)) {
        (Some(l), Some(u)) => zone_offset_minutes(&l, &u),
        _ => 0,
    }
}

// ---------------------------------------------------------------------------
// Parsing

fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic()
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// A NUL-terminated view of the input: reads past the end give NUL, as the
/// C string the original walks would.
struct Cursor<'a> {
    b: &'a [u8],
}

impl Cursor<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn strlen_from(&self, i: usize) -> usize {
        self.b.len().saturating_sub(i)
    }

    /// `strtoul(s + i, &end, 10)` with the C library's rules: leading white
    /// space, an optional sign (a minus negates modulo 2^64), saturation on
    /// overflow, and no movement when no digit follows.
    fn strtoul(&self, start: usize) -> (u64, usize) {
        let mut i = start;
        while matches!(self.at(i), b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            i += 1;
        }
        let neg = match self.at(i) {
            b'-' => {
                i += 1;
                true
            }
            b'+' => {
                i += 1;
                false
            }
            _ => false,
        };
        if !is_digit(self.at(i)) {
            return (0, start);
        }
        let mut v: u64 = 0;
        let mut overflow = false;
        while is_digit(self.at(i)) {
            let dgt = u64::from(self.at(i) - b'0');
            match v.checked_mul(10).and_then(|x| x.checked_add(dgt)) {
                Some(x) => v = x,
                None => overflow = true,
            }
            i += 1;
        }
        if overflow {
            (u64::MAX, i)
        } else if neg {
            (v.wrapping_neg(), i)
        } else {
            (v, i)
        }
    }
}

/// The original packs three upper-case letters into one integer to compare
/// names; any three bytes that pack to the same value match as well.
const fn pack3(a: u8, b: u8, c: u8) -> i32 {
    (a as i32 - 'A' as i32) * 1024 + (b as i32 - 'A' as i32) * 32 + (c as i32 - 'A' as i32)
}

const fn pack2(a: u8, b: u8) -> i32 {
    (a as i32 - 'A' as i32) * 1024 + (b as i32 - 'A' as i32) * 32
}

fn month_of(packed: i32) -> Option<u64> {
    const NAMES: [&[u8; 3]; 12] = [
        b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV",
        b"DEC",
    ];
    NAMES
        .iter()
        .position(|n| pack3(n[0], n[1], n[2]) == packed)
        .map(|i| i as u64 + 1)
}

/// Zone names and military letters: (packed code, west of UTC, hours).
/// Includes the non-RFC 822 names the original accepts by default.
fn named_zone(code: i32) -> Option<(bool, u8)> {
    let z = |s: &[u8; 3]| pack3(s[0], s[1], s[2]);
    let c = |ch: u8| ch as i32;
    let east = |h: u8| Some((false, h));
    let west = |h: u8| Some((true, h));
    match code {
        x if x == pack2(b'U', b'T') || x == z(b"UTC") || x == z(b"GMT") || x == c(b'Z') => east(0),
        x if x == z(b"MET") || x == c(b'A') => east(1),
        x if x == z(b"EET") || x == c(b'B') => east(2),
        x if x == c(b'C') => east(3),
        x if x == c(b'D') => east(4),
        x if x == c(b'E') => east(5),
        x if x == c(b'F') => east(6),
        x if x == c(b'G') => east(7),
        x if x == c(b'H') => east(8),
        x if x == z(b"JST") || x == c(b'I') => east(9),
        x if x == c(b'K') => east(10),
        x if x == c(b'L') => east(11),
        x if x == c(b'M') => east(12),
        x if x == c(b'N') => west(1),
        x if x == c(b'O') => west(2),
        x if x == z(b"ADT") || x == c(b'P') => west(3),
        x if x == z(b"AST") || x == z(b"EDT") || x == c(b'Q') => west(4),
        x if x == z(b"EST") || x == z(b"CDT") || x == c(b'R') => west(5),
        x if x == z(b"CST") || x == z(b"MDT") || x == c(b'S') => west(6),
        x if x == z(b"MST") || x == z(b"PDT") || x == c(b'T') => west(7),
        x if x == z(b"PST") || x == z(b"YDT") || x == c(b'U') => west(8),
        x if x == z(b"YST") || x == c(b'V') => west(9),
        x if x == z(b"HST") || x == c(b'W') => west(10),
        x if x == c(b'X') => west(11),
        x if x == c(b'Y') => west(12),
        _ => None,
    }
}

/// Parses a date the way `mail_parse_date` does, taking the local zone offset
/// (minutes east of UTC) from `local_zone` when the zone is missing or unknown.
///
/// `Ok` carries the parsed fields. `Err` means the original returns NIL; it
/// still carries the fields as the original leaves them in the cache entry
/// (a failure after the date part keeps the date, for instance).
pub fn parse_date_with(
    input: &[u8],
    local_zone: impl FnOnce() -> i32,
) -> Result<MailDate, MailDate> {
    let mut elt = MailDate::default();
    // The original works on a C string: stop at the first NUL.
    let end = input.iter().position(|&c| c == 0).unwrap_or(input.len());
    if end == 0 || end >= MAILTMPLEN {
        return Err(elt);
    }
    // Upper-cased in a stack buffer when short (most dates are).
    let mut small = [0u8; 64];
    let heap: Vec<u8>;
    let buf: &[u8] = if end <= small.len() {
        small[..end].copy_from_slice(&input[..end]);
        small[..end].make_ascii_uppercase();
        &small[..end]
    } else {
        heap = input[..end].to_ascii_uppercase();
        &heap
    };
    let cur = Cursor { b: buf };
    let at = |i: usize| cur.at(i);

    let mut s = 0usize;
    // Skip a leading day of week "Www, ".
    if is_alpha(at(0)) && is_alpha(at(1)) && is_alpha(at(2)) && at(3) == b',' && at(4) == b' ' {
        s = 5;
    }
    while at(s) == b' ' {
        s += 1;
    }
    let (mut m, ns) = cur.strtoul(s);
    s = ns;
    if m == 0 {
        return Err(elt);
    }
    let d: u64;
    let mut y: u64;
    match at(s) {
        b'/' => {
            // mm/dd/yy, nothing may follow.
            s += 1;
            if !is_digit(at(s)) {
                return Err(elt);
            }
            let (dd, ns) = cur.strtoul(s);
            s = ns;
            if dd == 0 || at(s) != b'/' {
                return Err(elt);
            }
            s += 1;
            if !is_digit(at(s)) {
                return Err(elt);
            }
            let (yy, ns) = cur.strtoul(s);
            s = ns;
            if at(s) != 0 {
                return Err(elt);
            }
            d = dd;
            y = yy;
        }
        b' ' | b'-' => {
            if at(s) == b' ' {
                while at(s + 1) == b' ' {
                    s += 1;
                }
            }
            if is_digit(at(s + 1)) {
                // yyyy-mm-dd, nothing may follow.
                y = m;
                let (mm, ns) = cur.strtoul(s + 1);
                s = ns;
                if mm == 0 || at(s) != b'-' {
                    return Err(elt);
                }
                s += 1;
                let (dd, ns) = cur.strtoul(s);
                s = ns;
                if dd == 0 || at(s) != 0 {
                    return Err(elt);
                }
                m = mm;
                d = dd;
            } else {
                // dd-mmm-yy[yy] or "dd mmm yy[yy]"
                d = m;
                if cur.strlen_from(s) < 5 {
                    return Err(elt);
                }
                let packed = pack3(at(s + 1), at(s + 2), at(s + 3));
                m = match month_of(packed) {
                    Some(v) => v,
                    None => return Err(elt),
                };
                if at(s + 4) == at(s) {
                    s += 5;
                } else {
                    // Possibly the full month name: skip letters, then the
                    // same delimiter must follow.
                    let delim = at(s);
                    s += 4;
                    while is_alpha(at(s)) {
                        s += 1;
                    }
                    if delim != at(s) {
                        return Err(elt);
                    }
                    s += 1;
                }
                while at(s) == b' ' {
                    s += 1;
                }
                if !is_digit(at(s)) {
                    return Err(elt);
                }
                let (yy, ns) = cur.strtoul(s);
                s = ns;
                if at(s) != 0 && at(s) != b' ' {
                    // The original falls into the compact-date case here,
                    // which a month number always fails.
                    return Err(elt);
                }
                y = yy;
            }
        }
        0 => {
            // yyyymmdd
            if m < u64::from(BASEYEAR) * 10000 {
                return Err(elt);
            }
            y = m / 10000;
            m %= 10000;
            d = m % 100;
            m /= 100;
        }
        _ => return Err(elt),
    }

    if d > 31 || m > 12 {
        return Err(elt);
    }
    // Two-digit years per RFC 2822; three-digit years count from 1900.
    if y < 49 {
        y += 2000;
    } else if y < 999 {
        y += 1900;
    }
    if y < u64::from(BASEYEAR) || y > MAXYEAR {
        return Err(elt);
    }
    elt.day = d as u8;
    elt.month = m as u8;
    elt.year = (y - u64::from(BASEYEAR)) as u8;

    let mut zone_code: i32 = 0;
    if at(s) != 0 {
        // Time: the byte before it is skipped whatever it is.
        let (hh, ns) = cur.strtoul(s + 1);
        s = ns;
        if at(s) != b':' {
            return Err(elt);
        }
        let (mm, ns) = cur.strtoul(s + 1);
        s = ns;
        let ss = if at(s) == b':' {
            let (v, ns) = cur.strtoul(s + 1);
            s = ns;
            v
        } else {
            0
        };
        if hh > 23 || mm > 59 || ss > 60 {
            return Err(elt);
        }
        elt.hours = hh as u8;
        elt.minutes = mm as u8;
        elt.seconds = ss as u8;
        let mut symbolic = false;
        match at(s) {
            b' ' => {
                while at(s + 1) == b' ' {
                    s += 1;
                }
                if !is_alpha(at(s + 1)) {
                    // Numeric zone; a bad one leaves the zone at UTC.
                    s += 1;
                    elt.zoccident = at(s) == b'-';
                    if elt.zoccident || at(s) == b'+' {
                        s += 1;
                    }
                    if is_digit(at(s))
                        && is_digit(at(s + 1))
                        && is_digit(at(s + 2))
                        && at(s + 2) < b'6'
                        && is_digit(at(s + 3))
                    {
                        let zh = u32::from(at(s) - b'0') * 10 + u32::from(at(s + 1) - b'0');
                        let zm = u32::from(at(s + 2) - b'0') * 10 + u32::from(at(s + 3) - b'0');
                        elt.zhours = (zh & 0xf) as u8;
                        elt.zminutes = (zm & 0x3f) as u8;
                    }
                    return Ok(elt);
                }
                symbolic = true;
            }
            b'-' => symbolic = true,
            _ => {}
        }
        if symbolic {
            s += 1;
            zone_code = i32::from(at(s));
            if zone_code == 0 {
                zone_code = i32::from(b'Z');
            } else {
                s += 1;
                if at(s) != 0 {
                    zone_code = (zone_code - i32::from(b'A')) * 1024;
                    zone_code += (i32::from(at(s)) - i32::from(b'A')) * 32;
                    s += 1;
                    if at(s) != 0 {
                        zone_code += i32::from(at(s)) - i32::from(b'A');
                        s += 1;
                    }
                    if at(s) != 0 {
                        zone_code = 0;
                    }
                }
            }
        }
    }
    match named_zone(zone_code) {
        Some((west, hours)) => {
            if west {
                elt.zoccident = true;
            }
            elt.zhours = hours;
        }
        None => elt.set_zone_minutes(local_zone()),
    }
    Ok(elt)
}

/// [`parse_date_with`] using the machine's local zone now.
pub fn parse_date(input: &[u8]) -> Result<MailDate, MailDate> {
    parse_date_with(input, local_zone_now)
}

// ---------------------------------------------------------------------------
// Output

/// Month name for a field value; 0 means January. Values 13-15 fit the field
/// but have no name (the original reads past its table); we print "???".
fn month_name(month: u8) -> &'static str {
    let idx = if month == 0 {
        0
    } else {
        usize::from(month) - 1
    };
    MONTHS.get(idx).copied().unwrap_or("???")
}

/// IMAP internal date, `mail_date`: `" 1-Jan-2000 00:00:00 +0000"`.
pub fn imap_date(elt: &MailDate) -> String {
    format!(
        "{:2}-{}-{} {:02}:{:02}:{:02} {}{:02}{:02}",
        if elt.day != 0 { elt.day } else { 1 },
        month_name(elt.month),
        u32::from(elt.year) + BASEYEAR,
        elt.hours,
        elt.minutes,
        elt.seconds,
        if elt.zoccident { '-' } else { '+' },
        elt.zhours,
        elt.zminutes
    )
}

/// Day of week (0 = Sunday) of a field date, by the original's formula
/// (Gregorian calendar).
pub fn weekday(elt: &MailDate) -> usize {
    let d = i32::from(if elt.day != 0 { elt.day } else { 1 });
    let mut m = if elt.month != 0 {
        i32::from(elt.month) - 1
    } else {
        0
    };
    let mut y = i32::from(elt.year) + BASEYEAR as i32;
    if m < 2 {
        // Count January and February as months 10 and 11 of the previous year.
        m += 10;
        y -= 1;
    } else {
        m -= 2;
    }
    ((d + 2 + ((7 + 31 * m) / 12) + (y / 400) - (y / 100) + y + (y / 4)) % 7) as usize
}

/// ctime-like date, `mail_cdate`: `"Sat Jan  1 00:00:00 2000 +0000\n"`.
pub fn ctime_date(elt: &MailDate) -> String {
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {:4} {}{:02}{:02}\n",
        DAYS[weekday(elt)],
        month_name(elt.month),
        if elt.day != 0 { elt.day } else { 1 },
        elt.hours,
        elt.minutes,
        elt.seconds,
        u32::from(elt.year) + BASEYEAR,
        if elt.zoccident { "-" } else { "+" },
        elt.zhours,
        elt.zminutes
    )
}

/// Seconds since the epoch in UTC, `mail_longdate`. Knows no leap seconds;
/// an instant before the epoch (eastern zones on 1-Jan-1970) gives 0.
pub fn long_date(elt: &MailDate) -> u64 {
    let m: u64 = if elt.month != 0 {
        u64::from(elt.month)
    } else {
        1
    };
    let yr: u64 = u64::from(elt.year) + u64::from(BASEYEAR);
    let by = u64::from(BASEYEAR);
    let leap = yr.is_multiple_of(4) && (!yr.is_multiple_of(100) || yr.is_multiple_of(400));
    let feb_adjust: u64 = if m < 3 { u64::from(leap) } else { 2 };
    // Wrapping arithmetic mirrors the unsigned long sums of the original.
    let mut ret: u64 = u64::from(if elt.day != 0 { elt.day - 1 } else { 0 })
        .wrapping_add(30u64.wrapping_mul(m - 1))
        .wrapping_add((m + u64::from(m > 8)) / 2)
        .wrapping_add((yr / 400).wrapping_sub(by / 400))
        .wrapping_sub((yr / 100).wrapping_sub(by / 100))
        .wrapping_sub(feb_adjust)
        .wrapping_add(u64::from(elt.year) * 365)
        .wrapping_add((u64::from(elt.year) + by % 4) / 4);
    ret = ret.wrapping_mul(24).wrapping_add(u64::from(elt.hours));
    ret = ret.wrapping_mul(60).wrapping_add(u64::from(elt.minutes));
    let z = u64::from(elt.zhours) * 60 + u64::from(elt.zminutes);
    if elt.zoccident {
        ret = ret.wrapping_add(z);
    } else if ret < z {
        return 0;
    } else {
        ret -= z;
    }
    ret.wrapping_mul(60).wrapping_add(u64::from(elt.seconds))
}

/// Packed day number for searches, `mail_shortdate`: year << 9 | month << 5 | day,
/// truncated to 16 bits as the original's return type does.
pub fn short_date(year: u32, month: u32, day: u32) -> u16 {
    (year.wrapping_shl(9))
        .wrapping_add(month.wrapping_shl(5))
        .wrapping_add(day) as u16
}

/// A search criterion date (`dd-mmm-yyyy`, or anything `mail_parse_date`
/// takes): its packed short date, or `None` when the original's
/// `mail_criteria_date` fails (unparsable, or a packed value of 0).
pub fn criteria_date(text: &[u8]) -> Option<u16> {
    let elt = parse_date(text).ok()?;
    match short_date(elt.year.into(), elt.month.into(), elt.day.into()) {
        0 => None,
        v => Some(v),
    }
}

// ---------------------------------------------------------------------------
// Current time, RFC 822 style

/// The formats of the original's current-time writers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NowFormat {
    /// `rfc822_date`: `"Fri, 27 Nov 2026 23:33:59 +0000 (UTC)"`; the zone
    /// name is left out when `zone_text` is false.
    Rfc822 { zone_text: bool },
    /// `rfc822_fixed_date`: `"27 Nov 2026 23:33:59 +0000"`, fixed width.
    Fixed,
    /// `internal_date`: `"27-Nov-2026 23:33:59 +0000"`.
    Internal,
}

/// Formats an instant given its local and UTC broken-down views and the
/// local zone name, exactly as the original's writers do.
pub fn format_now(
    fmt: NowFormat,
    local: &BrokenTime,
    utc: &BrokenTime,
    zone_name: &[u8],
) -> Vec<u8> {
    let zone = zone_offset_minutes(local, utc);
    let month = MONTHS
        .get(usize::try_from(local.mon).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or("???");
    let wday = DAYS
        .get(usize::try_from(local.wday).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or("???");
    // The hour part keeps its own sign, so -00:30 prints as "+0030" (as in the original).
    let zh = zone / 60;
    let zm = zone.abs() % 60;
    let year = local.year + 1900;
    let mut out = match fmt {
        NowFormat::Rfc822 { .. } => format!(
            "{}, {} {} {} {:02}:{:02}:{:02} {:+03}{:02}",
            wday, local.mday, month, year, local.hour, local.min, local.sec, zh, zm
        ),
        NowFormat::Fixed => format!(
            "{:02} {} {:4} {:02}:{:02}:{:02} {:+03}{:02}",
            local.mday, month, year, local.hour, local.min, local.sec, zh, zm
        ),
        NowFormat::Internal => format!(
            "{:02}-{}-{} {:02}:{:02}:{:02} {:+03}{:02}",
            local.mday, month, year, local.hour, local.min, local.sec, zh, zm
        ),
    }
    .into_bytes();
    if let NowFormat::Rfc822 { zone_text: true } = fmt {
        out.extend_from_slice(b" (");
        out.extend_from_slice(&zone_name[..zone_name.len().min(50)]);
        out.push(b')');
    }
    out
}

/// The current time in one of the original's formats, local zone via the OS.
pub fn now(fmt: NowFormat) -> Vec<u8> {
    let t = clock::now();
    let local = clock::local(t).unwrap_or_default();
    let utc = clock::utc(t).unwrap_or_default();
    let name = clock::zone_name(local.isdst);
    format_now(fmt, &local, &utc, &name)
}

/// The zone suffix `rfc822_timezone` appends: `" (NAME)"` for the given
/// daylight-saving flag of a local time.
pub fn timezone_suffix(isdst: i32) -> Vec<u8> {
    let name = clock::zone_name(isdst);
    let mut out = b" (".to_vec();
    out.extend_from_slice(&name[..name.len().min(50)]);
    out.push(b')');
    out
}
