//! C exports of the date routines: `mail_parse_date`, `mail_date`,
//! `mail_cdate`, `mail_longdate`, `mail_shortdate`, `mail_criteria_date`,
//! `rfc822_date`, `rfc822_fixed_date`, `internal_date`, `rfc822_timezone`.
//! The work is done by `crate::message::date`; this layer only moves fields
//! and strings across the boundary. (`days` and `months` live in `data.rs`.)

use super::bindings::MESSAGECACHE;
use super::guard;
use crate::message::date::{self, MailDate, NowFormat};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_ushort, c_void};

/// Longest date string `mail_parse_date` looks at (its work buffer).
const MAILTMPLEN: usize = 1024;

pub(super) fn read_fields(elt: &MESSAGECACHE) -> MailDate {
    MailDate::from_fields(
        elt.day(),
        elt.month(),
        elt.year(),
        elt.hours(),
        elt.minutes(),
        elt.seconds(),
        elt.zoccident() != 0,
        elt.zhours(),
        elt.zminutes(),
    )
}

pub(super) fn write_fields(elt: &mut MESSAGECACHE, d: &MailDate) {
    elt.set_day(d.day.into());
    elt.set_month(d.month.into());
    elt.set_year(d.year.into());
    elt.set_hours(d.hours.into());
    elt.set_minutes(d.minutes.into());
    elt.set_seconds(d.seconds.into());
    elt.set_zoccident(d.zoccident.into());
    elt.set_zhours(d.zhours.into());
    elt.set_zminutes(d.zminutes.into());
}

/// Copies `text` and a NUL to `dst`.
///
/// # Safety
/// `dst` must have room for `text.len() + 1` bytes.
unsafe fn put_cstr(dst: *mut c_char, text: &[u8]) {
    // SAFETY: the caller guarantees room; the regions cannot overlap since
    // `text` is our own buffer.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), dst as *mut u8, text.len());
        *dst.add(text.len()) = 0;
    }
}

/// Bytes of the C string at `s`, but no more than `max` of them (the
/// original refuses longer strings without looking further).
///
/// # Safety
/// `s` must be a valid NUL-terminated string or have at least `max`
/// readable bytes.
unsafe fn bounded_cstr<'a>(s: *const c_uchar, max: usize) -> &'a [u8] {
    // SAFETY: strnlen reads at most `max` bytes, stopping at a NUL.
    let n = unsafe { libc::strnlen(s as *const c_char, max) };
    // SAFETY: the `n` bytes just measured are readable.
    unsafe { std::slice::from_raw_parts(s, n) }
}

/// `mail_parse_date` then `mail_longdate` on a scratch element, for the
/// text of a C string made from `text` (up to its first NUL): the seconds,
/// or 0 when the date does not parse. No copy, no C string.
pub(super) fn date_key(text: &[u8]) -> c_ulong {
    let text = &text[..memchr::memchr(0, text).unwrap_or(text.len())];
    let text = &text[..text.len().min(MAILTMPLEN)];
    match date::parse_date(text) {
        Ok(fields) => {
            // SAFETY: MESSAGECACHE is plain C data; all-zero is its empty state.
            let mut telt: MESSAGECACHE = unsafe { std::mem::zeroed() };
            write_fields(&mut telt, &fields);
            date::long_date(&read_fields(&telt)) as c_ulong
        }
        Err(_) => 0,
    }
}

/// # Safety
/// `elt` must point to a writable MESSAGECACHE; `s` must be NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mail_parse_date(elt: *mut MESSAGECACHE, s: *mut c_uchar) -> c_long {
    guard("mail_parse_date", 0, || {
        if elt.is_null() {
            return 0;
        }
        let text: &[u8] = if s.is_null() {
            &[]
        } else {
            // SAFETY: `s` is a NUL-terminated string per the contract; a
            // string of MAILTMPLEN bytes or more is refused like the original.
            unsafe { bounded_cstr(s, MAILTMPLEN) }
        };
        let (ok, fields) = match date::parse_date(text) {
            Ok(f) => (1, f),
            Err(f) => (0, f),
        };
        // SAFETY: `elt` is non-NULL and writable per the contract.
        write_fields(unsafe { &mut *elt }, &fields);
        ok
    })
}

/// # Safety
/// `string` must have room for the formatted date (27 bytes; MAILTMPLEN is
/// customary); `elt` must point to a MESSAGECACHE.
#[no_mangle]
pub unsafe extern "C" fn mail_date(string: *mut c_char, elt: *mut MESSAGECACHE) -> *mut c_char {
    guard("mail_date", string, || {
        if string.is_null() || elt.is_null() {
            return string;
        }
        // SAFETY: `elt` is a readable MESSAGECACHE per the contract.
        let text = date::imap_date(&read_fields(unsafe { &*elt }));
        // SAFETY: the caller provides room for the date.
        unsafe { put_cstr(string, text.as_bytes()) };
        string
    })
}

/// # Safety
/// As [`mail_date`] (the ctime form needs 33 bytes).
#[no_mangle]
pub unsafe extern "C" fn mail_cdate(string: *mut c_char, elt: *mut MESSAGECACHE) -> *mut c_char {
    guard("mail_cdate", string, || {
        if string.is_null() || elt.is_null() {
            return string;
        }
        // SAFETY: `elt` is a readable MESSAGECACHE per the contract.
        let text = date::ctime_date(&read_fields(unsafe { &*elt }));
        // SAFETY: the caller provides room for the date.
        unsafe { put_cstr(string, text.as_bytes()) };
        string
    })
}

/// # Safety
/// `elt` must point to a MESSAGECACHE.
#[no_mangle]
pub unsafe extern "C" fn mail_longdate(elt: *mut MESSAGECACHE) -> c_ulong {
    guard("mail_longdate", 0, || {
        if elt.is_null() {
            return 0;
        }
        // SAFETY: `elt` is a readable MESSAGECACHE per the contract.
        date::long_date(&read_fields(unsafe { &*elt })) as c_ulong
    })
}

#[no_mangle]
pub extern "C" fn mail_shortdate(year: c_uint, month: c_uint, day: c_uint) -> c_ushort {
    guard("mail_shortdate", 0, || date::short_date(year, month, day))
}

/// `strtok_r` as glibc does it, on caller memory.
///
/// # Safety
/// `s` (or `*save` when `s` is NULL) must be a writable NUL-terminated
/// string; `save` must be writable.
unsafe fn strtok(s: *mut u8, delim: &[u8], save: *mut *mut c_char) -> *mut u8 {
    // SAFETY: per the contract every pointer below stays inside the string.
    unsafe {
        let mut p = if s.is_null() { *save as *mut u8 } else { s };
        if p.is_null() {
            return std::ptr::null_mut();
        }
        while *p != 0 && delim.contains(&*p) {
            p = p.add(1);
        }
        if *p == 0 {
            *save = p as *mut c_char;
            return std::ptr::null_mut();
        }
        let mut end = p;
        while *end != 0 && !delim.contains(&*end) {
            end = end.add(1);
        }
        if *end == 0 {
            *save = end as *mut c_char;
        } else {
            *end = 0;
            *save = end.add(1) as *mut c_char;
        }
        p
    }
}

/// The argument of a search key, as the original's criteria reader takes it
/// from the `strtok_r` state: an atom, a quoted string or a `{n}` CRLF
/// literal. Returns the start of the argument text (NUL-terminated in place).
///
/// # Safety
/// `r` must be a `strtok_r` state over a writable NUL-terminated string.
unsafe fn criteria_string(r: *mut *mut c_char) -> Option<*const u8> {
    // SAFETY: the pointers stay within the NUL-terminated string behind *r,
    // whose length is measured before any look-ahead.
    unsafe {
        let c = strtok(std::ptr::null_mut(), b"", r);
        if c.is_null() {
            return None;
        }
        let len = libc::strlen(c as *const c_char);
        let s = std::slice::from_raw_parts(c, len);
        match s[0] {
            b'{' => {
                // {n}CRLF followed by n bytes, then the end or a space. The
                // count is read like strtoul does (blanks and '+' allowed, no
                // digits means 0 and the '}' must follow the brace).
                let mut k = 1;
                while k < len && matches!(s[k], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                    k += 1;
                }
                if k < len && s[k] == b'+' {
                    k += 1;
                }
                let dn = s[k..].iter().take_while(|b| b.is_ascii_digit()).count();
                let (n, d) = if dn == 0 {
                    (0usize, 1)
                } else {
                    let v = std::str::from_utf8(&s[k..k + dn])
                        .ok()?
                        .parse::<usize>()
                        .ok()?;
                    (v, k + dn)
                };
                if s.get(d..d + 3) != Some(b"}\r\n".as_slice()) {
                    return None;
                }
                let text = d + 3;
                let after = text.checked_add(n).filter(|&a| a <= len)?;
                if after < len && s[after] != b' ' {
                    return None;
                }
                // Restart tokenising after the literal: the byte before
                // `after` is not a space, so the token ends at `after`.
                let last = c.add(after - 1);
                let keep = *last;
                *last = 0xff;
                strtok(last, b" ", r);
                *last = keep;
                Some(c.add(text) as *const u8)
            }
            b' ' => None,
            b'"' => {
                if !s[1..].contains(&b'"') {
                    return None;
                }
                let t = strtok(c, b"\"", r);
                (!t.is_null()).then_some(t as *const u8)
            }
            _ => {
                let t = strtok(c, b" ", r);
                (!t.is_null()).then_some(t as *const u8)
            }
        }
    }
}

/// # Safety
/// `date` must be writable; `r` must be a `strtok_r` state over a writable
/// NUL-terminated string (as in the original's criteria parser).
#[no_mangle]
pub unsafe extern "C" fn mail_criteria_date(date: *mut c_ushort, r: *mut *mut c_char) -> c_int {
    guard("mail_criteria_date", 0, || {
        if date.is_null() || r.is_null() {
            return 0;
        }
        // SAFETY: `r` is a valid strtok state per the contract.
        let Some(text) = (unsafe { criteria_string(r) }) else {
            return 0;
        };
        // SAFETY: `text` points to a NUL-terminated string inside the
        // caller's buffer (the original copies it; reading it is enough).
        let bytes = unsafe { bounded_cstr(text, MAILTMPLEN) };
        match date::parse_date(bytes) {
            Ok(f) => {
                let v = date::short_date(f.year.into(), f.month.into(), f.day.into());
                // SAFETY: `date` is writable per the contract.
                unsafe { *date = v };
                c_int::from(v != 0)
            }
            Err(_) => 0,
        }
    })
}

fn write_now(dst: *mut c_char, fmt: NowFormat) {
    if dst.is_null() {
        return;
    }
    let text = date::now(fmt);
    // SAFETY: the original's callers pass a buffer of MAILTMPLEN bytes;
    // the longest output is 31 bytes plus a 53-byte zone comment.
    unsafe { put_cstr(dst, &text) };
}

/// # Safety
/// `date` must have room for the date (MAILTMPLEN is customary).
#[no_mangle]
pub unsafe extern "C" fn rfc822_date(date: *mut c_char) {
    guard("rfc822_date", (), || {
        // SET_DISABLE822TZTEXT leaves the " (ZONE)" comment off.
        let zone_text = super::params::number(
            crate::env::params::Owner::Env,
            super::bindings::GET_DISABLE822TZTEXT as std::os::raw::c_long,
        ) == 0;
        write_now(date, NowFormat::Rfc822 { zone_text });
    })
}

/// # Safety
/// `date` must have room for the date.
#[no_mangle]
pub unsafe extern "C" fn rfc822_fixed_date(date: *mut c_char) {
    guard("rfc822_fixed_date", (), || {
        write_now(date, NowFormat::Fixed)
    })
}

/// # Safety
/// `date` must have room for the date.
#[no_mangle]
pub unsafe extern "C" fn internal_date(date: *mut c_char) {
    guard("internal_date", (), || write_now(date, NowFormat::Internal))
}

/// Appends " (ZONE)" for the `struct tm` at `t` to the string `s`.
///
/// # Safety
/// `s` must be a NUL-terminated string with room for 53 more bytes; `t`
/// must point to a `struct tm`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_timezone(s: *mut c_char, t: *mut c_void) {
    guard("rfc822_timezone", (), || {
        if s.is_null() || t.is_null() {
            return;
        }
        // SAFETY: `t` points to a struct tm per the contract.
        let isdst = unsafe { (*(t as *const libc::tm)).tm_isdst };
        let suffix = date::timezone_suffix(isdst);
        // SAFETY: `s` is NUL-terminated with room for the suffix.
        unsafe {
            let end = s.add(libc::strlen(s));
            put_cstr(end, &suffix);
        }
    })
}
