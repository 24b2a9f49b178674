#![no_main]
//! Any bytes as an address list, written back; the written list parses to
//! a list that writes the same text again (the writer reaches a fixed point).
use c_client::message::model::Collect;
use c_client::message::{address, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut env = Collect::default();
    let list = address::parse_adrlist_new(data, Some(b"fuzz.host"), &mut env);
    let mut first = Vec::new();
    write::write_address_full(&mut first, &list, 0);
    let again = address::parse_adrlist_new(&first, Some(b"fuzz.host"), &mut env);
    let mut second = Vec::new();
    write::write_address_full(&mut second, &again, 0);
    let again2 = address::parse_adrlist_new(&second, Some(b"fuzz.host"), &mut env);
    let mut third = Vec::new();
    write::write_address_full(&mut third, &again2, 0);
    assert_eq!(
        String::from_utf8_lossy(&second),
        String::from_utf8_lossy(&third),
        "written list is not stable"
    );
});
