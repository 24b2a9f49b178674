#![no_main]
//! Any bytes as a message: header through the first blank line, the rest as
//! body; then write the header back. Must not panic, hang or recurse deeply.
use c_client::message::model::Collect;
use c_client::message::{parse, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let hl = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(data.len(), |p| p + 2);
    let mut env = Collect::default();
    let (e, b) = parse::parse_msg_full(
        &data[..hl],
        Some(parse::BodyText {
            data: &data[hl..],
            base: 0,
        }),
        Some(b"fuzz.host"),
        0,
        (data.len() as u64 & 1) << 9,
        &mut env,
    );
    let mut out = Vec::new();
    write::output_header(&mut out, &e, b.as_ref(), true, &env.types, &env.encodings);
});
