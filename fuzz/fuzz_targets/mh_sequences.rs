#![no_main]
//! Any bytes as an MH `.mh_profile`, as a `.mh_sequences` or other folder
//! entry name, and as a message file: the profile gives one path (absolute,
//! or under the home directory) of a single line; names are judged without
//! panics; a message file presents as CRLF text with its header a prefix.
//! (`.mh_sequences` itself is never parsed, as in the original: it is one
//! of the names a folder's deletion removes.)
use c_client::store::mh;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let home = b"/home/u";
    let p = mh::parse_profile(data, home);
    assert!(p.first() == Some(&b'/'));
    assert!(!p.iter().any(|&c| c == b'\r' || c == b'\n' || c == 0));
    for name in data.split(|&c| c == b'\n' || c == 0) {
        let _ = mh::dirfmt_test(name);
        let _ = mh::name_valid(name);
        let _ = mh::file_number(name);
    }
    let (text, header) = mh::present(data);
    assert!(header <= text.len());
    for (i, &c) in text.iter().enumerate() {
        if c == b'\n' {
            assert!(i > 0 && text[i - 1] == b'\r');
        }
    }
    if header < text.len() {
        assert!(text[..header].ends_with(b"\r\n\r\n"));
    }
});
