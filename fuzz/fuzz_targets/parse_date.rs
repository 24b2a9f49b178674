#![no_main]
//! Any bytes: the date parser must not panic, and whatever it accepts must
//! format and re-parse to the same fields.
use c_client::message::date::{imap_date, long_date, parse_date_with, MailDate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let zone = || 0;
    if let Ok(e) = parse_date_with(data, zone) {
        let _ = long_date(&e);
        let text = imap_date(&e);
        let again: MailDate = parse_date_with(text.as_bytes(), zone).expect("own output parses");
        if e.day != 0 && e.month != 0 {
            assert_eq!(again, e);
        }
    }
});
