#![no_main]
//! Any bytes as a Maildir file name, a `dovecot-uidlist` and a
//! `dovecot-keywords` file (the first byte picks which): parsing must not
//! panic, and what we write must read back as what was read.
use c_client::store::maildir::{name, uidlist};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else { return };
    match selector % 3 {
        0 => {
            if let Some(f) = name::parse(data) {
                let mut again = f.base.clone();
                again.extend_from_slice(&name::info_suffix(f.flags, f.keyword_letters, &f.other));
                let g = name::parse(&again).expect("a written name parses");
                assert_eq!((g.flags, g.keyword_letters), (f.flags, f.keyword_letters));
                assert_eq!(g.base, f.base);
            }
        }
        1 => {
            if let Ok(p) = uidlist::parse(data) {
                let text = uidlist::write(&p.list);
                let q = uidlist::parse(&text).expect("a written list parses");
                assert_eq!(q.skipped, 0);
                assert_eq!(q.list.entries, p.list.entries);
                assert_eq!(q.list.validity, p.list.validity);
            }
        }
        _ => {
            let k = uidlist::parse_keywords(data);
            assert_eq!(uidlist::parse_keywords(&uidlist::write_keywords(&k)), k);
        }
    }
});
