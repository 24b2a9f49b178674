#![no_main]
use libfuzzer_sys::fuzz_target;

// Any header text, any flags: must not panic, and an unchanged (borrowed)
// answer must be the input itself.
fuzz_target!(|data: &[u8]| {
    let flags = i64::from(data.first().copied().unwrap_or(0) & 6);
    let (_, out) = c_client::charset::mime2text(data, flags);
    if let std::borrow::Cow::Borrowed(b) = out {
        assert_eq!(b, data);
    }
});
