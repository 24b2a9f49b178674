#![no_main]
use libfuzzer_sys::fuzz_target;

// First byte picks a charset and flags, the rest is the text.
fuzz_target!(|data: &[u8]| {
    let Some((&sel, text)) = data.split_first() else {
        return;
    };
    let list = c_client::charset::CHARSETS;
    let cs = &list[usize::from(sel) % list.len()];
    let flags = i64::from(sel & 6);
    let (_, out) = c_client::charset::text(text, Some(cs.name.as_bytes()), flags);
    let _ = c_client::charset::cstext(&out, cs.name.as_bytes(), 0x3f);
    let _ = c_client::charset::infer_charset(text);
    let _ = c_client::charset::from_mutf7(text);
    let _ = c_client::charset::to_mutf7(text);
});
