#![no_main]
//! A SMTP server's reply lines (codes, continuation, EHLO keywords) and
//! message data dot-stuffed as it leaves an output buffer: nothing panics,
//! and stuffing only ever adds dots after CRLF or at the start.
use c_client::net::smtp::{continues, ehlo_words, reply_code, stuff_chunk};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = reply_code(data);
    let _ = continues(data);
    let _ = ehlo_words(data);
    let out = stuff_chunk(data);
    assert!(out.len() >= data.len());
    let unstuffed: Vec<u8> = {
        let mut v = Vec::new();
        let mut i = 0;
        if out.first() == Some(&b'.') && data.first() == Some(&b'.') {
            i = 1;
        }
        while i < out.len() {
            v.push(out[i]);
            if out[i..].starts_with(b"\r\n..") {
                v.extend_from_slice(b"\n.");
                i += 4;
                continue;
            }
            i += 1;
        }
        v
    };
    assert_eq!(unstuffed, data);
});
