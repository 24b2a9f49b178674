#![no_main]
//! Any bytes as an address list, then written back both plain and folded.
use c_client::message::model::Collect;
use c_client::message::{address, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut env = Collect::default();
    let list = address::parse_adrlist_new(data, Some(b"fuzz.host"), &mut env);
    let mut out = Vec::new();
    write::write_address_full(&mut out, &list, 0);
    write::write_address_full(&mut out, &list, 4);
});
