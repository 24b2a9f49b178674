//! Date routines checked against an independent calendar computation.

use c_client::message::date::{
    ctime_date, long_date, parse_date_with, short_date, weekday, MailDate, DAYS,
};

/// Days from 1970-01-01 to a Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[test]
fn long_date_and_weekday_agree_with_the_calendar() {
    let mut n = 0;
    for year in 0..128u32 {
        for month in 1..=12u32 {
            for day in [1u32, 13, 28] {
                let e = MailDate::from_fields(day, month, year, 13, 7, 9, true, 2, 30);
                let days = days_from_civil(i64::from(1970 + year), month.into(), day.into());
                let want = days * 86400 + 13 * 3600 + 7 * 60 + 9 + 2 * 3600 + 30 * 60;
                assert_eq!(long_date(&e) as i64, want, "{e:?}");
                let wd = (days + 4).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
                assert_eq!(weekday(&e), wd);
                assert!(ctime_date(&e).starts_with(DAYS[wd]));
                n += 1;
            }
        }
    }
    assert_eq!(n, 128 * 12 * 3);
}

#[test]
fn eastern_times_before_the_epoch_clamp_to_zero() {
    let e = MailDate::from_fields(1, 1, 0, 0, 30, 0, false, 1, 0);
    assert_eq!(long_date(&e), 0);
}

#[test]
fn parse_uses_supplied_local_zone_only_when_zone_missing() {
    let e = parse_date_with(b"1 Jan 2000 10:00:00", || -330).unwrap();
    assert!(e.zoccident);
    assert_eq!((e.zhours, e.zminutes), (5, 30));
    let e = parse_date_with(b"1 Jan 2000 10:00:00 +0100", || -330).unwrap();
    assert!(!e.zoccident);
    assert_eq!((e.zhours, e.zminutes), (1, 0));
    assert_eq!(
        short_date(e.year.into(), e.month.into(), e.day.into()),
        (30 << 9) | (1 << 5) | 1
    );
}

#[test]
fn failed_parse_keeps_what_was_parsed() {
    let e = parse_date_with(b"2 Feb 2001 25:00:00", || 0).unwrap_err();
    assert_eq!((e.day, e.month, e.year, e.hours), (2, 2, 31, 0));
    assert!(parse_date_with(&[b'1'; 2000], || 0).is_err());
}
