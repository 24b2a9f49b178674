#![no_main]
//! Any bytes decode without panic and never grow; encoding then decoding
//! gives the input back.
use c_client::message::encoding::{qprint_decode, qprint_encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let d = qprint_decode(data);
    assert!(d.data.len() <= data.len());
    let enc = qprint_encode(data);
    assert_eq!(qprint_decode(&enc).data, data);
});
