#![no_main]
//! Any bytes decode without panic; encoding then decoding gives the input back.
use c_client::message::encoding::{base64_decode, base64_encode, base64_encoded_len};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = base64_decode(data);
    let enc = base64_encode(data);
    assert_eq!(enc.len(), base64_encoded_len(data.len()));
    let dec = base64_decode(&enc).expect("own output decodes");
    assert_eq!(dec.data, data);
    assert!(dec.warnings.is_empty());
});
