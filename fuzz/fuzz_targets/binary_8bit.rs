#![no_main]
//! The C exports rfc822_binary and rfc822_8bit: output is NUL-terminated
//! text of the reported length that rfc822_base64 / rfc822_qprint decode
//! back to the input; the decoders log at most warnings.
use c_client::abi::encodings::{rfc822_8bit, rfc822_base64, rfc822_binary, rfc822_qprint};
use libfuzzer_sys::fuzz_target;
use std::os::raw::{c_ulong, c_void};

#[path = "cb.rs"]
mod cb;

/// The library's answer as a slice, after checking the NUL and the length.
unsafe fn answer<'a>(p: *const u8, len: c_ulong) -> &'a [u8] {
    assert!(!p.is_null());
    // SAFETY: the export returns `len` bytes plus a NUL.
    let s = unsafe { std::slice::from_raw_parts(p, len as usize + 1) };
    assert_eq!(s[len as usize], 0);
    &s[..len as usize]
}

fuzz_target!(|data: &[u8]| {
    let mut len: c_ulong = 0;
    let mut dlen: c_ulong = 0;
    // SAFETY: `data` is readable for its length; results are freed once.
    unsafe {
        let e = rfc822_binary(
            data.as_ptr() as *mut c_void,
            data.len() as c_ulong,
            &mut len,
        );
        let enc = answer(e, len);
        assert!(!enc.contains(&0), "base64 text has no NUL");
        let d = rfc822_base64(e, len, &mut dlen) as *mut u8;
        assert_eq!(answer(d, dlen), data);
        cb::give(d);
        cb::give(e);

        let e = rfc822_8bit(data.as_ptr() as *mut u8, data.len() as c_ulong, &mut len);
        let enc = answer(e, len);
        assert!(
            enc.iter()
                .all(|&c| c == b'\r' || c == b'\n' || (0x20..0x7f).contains(&c)),
            "quoted-printable text is 7-bit printable"
        );
        let d = rfc822_qprint(e, len, &mut dlen);
        assert_eq!(answer(d, dlen), data);
        cb::give(d);
        cb::give(e);

        // And both decoders on the raw input.
        let d = rfc822_base64(data.as_ptr() as *mut u8, data.len() as c_ulong, &mut dlen);
        if !d.is_null() {
            cb::give(d);
        }
        let d = rfc822_qprint(data.as_ptr() as *mut u8, data.len() as c_ulong, &mut dlen);
        assert!(dlen as usize <= data.len());
        cb::give(d);
    }
    cb::assert_no_severe_logs();
});
