//! Wall clock and local time zone, through the C library so that the answers
//! follow `TZ` and the zoneinfo files exactly as the original's did.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

/// A broken-down time, as `struct tm` gives it (only the fields we use).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BrokenTime {
    pub year: i32,
    pub mon: i32,
    pub mday: i32,
    pub hour: i32,
    pub min: i32,
    pub sec: i32,
    pub wday: i32,
    pub yday: i32,
    pub isdst: i32,
}

fn from_tm(t: &libc::tm) -> BrokenTime {
    BrokenTime {
        year: t.tm_year,
        mon: t.tm_mon,
        mday: t.tm_mday,
        hour: t.tm_hour,
        min: t.tm_min,
        sec: t.tm_sec,
        wday: t.tm_wday,
        yday: t.tm_yday,
        isdst: t.tm_isdst,
    }
}

/// Seconds since the epoch, as `time(0)`.
pub fn now() -> i64 {
    // SAFETY: time() with a null pointer only returns the current time.
    unsafe { libc::time(std::ptr::null_mut()) as i64 }
}

/// Sets the process's alarm clock to `seconds` (0 cancels it) and returns
/// the seconds that were left on the previous one (`alarm`).
pub fn alarm(seconds: u32) -> u32 {
    // SAFETY: alarm has no preconditions.
    unsafe { libc::alarm(seconds) }
}

/// The local broken-down time of `t` (after `tzset`, like `localtime`).
pub fn local(t: i64) -> Option<BrokenTime> {
    let tt = t as libc::time_t;
    // SAFETY: an all-zero `struct tm` is a valid value (the zone pointer may be null).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: tzset has no arguments; localtime_r writes only into `tm`, which we own.
    let r = unsafe {
        tzset();
        libc::localtime_r(&tt, &mut tm)
    };
    if r.is_null() {
        None
    } else {
        Some(from_tm(&tm))
    }
}

/// The UTC broken-down time of `t`, as `gmtime`.
pub fn utc(t: i64) -> Option<BrokenTime> {
    let tt = t as libc::time_t;
    // SAFETY: an all-zero `struct tm` is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: gmtime_r writes only into `tm`, which we own.
    let r = unsafe { libc::gmtime_r(&tt, &mut tm) };
    if r.is_null() {
        None
    } else {
        Some(from_tm(&tm))
    }
}

extern "C" {
    fn tzset();
    static tzname: [*const c_char; 2];
    static daylight: c_int;
}

/// The zone name `tzname[daylight ? (isdst > 0) : 0]` after `tzset`, the name
/// the original appends to RFC 822 dates.
pub fn zone_name(isdst: i32) -> Vec<u8> {
    // SAFETY: tzset initialises the C library's `tzname` and `daylight`; we then
    // only read them. This is not thread-safe against a concurrent `setenv("TZ")`,
    // the same limitation the C library itself has.
    unsafe {
        tzset();
        let idx = if daylight != 0 && isdst > 0 { 1 } else { 0 };
        let p = tzname[idx];
        if p.is_null() {
            Vec::new()
        } else {
            CStr::from_ptr(p).to_bytes().to_vec()
        }
    }
}
