#![no_main]
//! Any bytes as a Berkeley (first byte even) or MMDF (odd) mailbox file:
//! parsing, the client views of every message and a rewrite must not
//! panic; without CRs, NULs and ^As a rewrite must read back as the same
//! number of messages.
use c_client::store::unix::format::{self, Kind, MailboxState, Now};
use c_client::store::unix::rewritten_kind;
use c_client::store::events::Recorder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, data)) = input.split_first() else { return };
    let kind = if selector & 1 == 0 { Kind::Unix } else { Kind::Mmdf };
    let mut st = MailboxState::new();
    let mut ev = Recorder::new();
    if let Ok(out) = format::parse_with(kind, 0, data, 0, 0, 0, &mut st, false, &mut ev) {
        for m in &out.messages {
            let _ = format::client_header(data, &m.layout);
            let _ = format::client_text(data, &m.layout);
        }
    }
    let now = Now {
        secs: 1_000_000_000,
        ctime: b"Sun Sep  9 01:46:40 2001".to_vec(),
        fixed: b"09 Sep 2001 01:46:40 +0000".to_vec(),
        rfc822: b"Sun, 9 Sep 2001 01:46:40 +0000 (UTC)".to_vec(),
    };
    if let Some((count, bytes)) = rewritten_kind(kind, data, &now, b"host") {
        let again = rewritten_kind(kind, &bytes, &now, b"host");
        // Removing CRs can make a "From " line invalid or valid (as in the
        // original), NULs and ^A are rewritten, and a last line gets its
        // newline (which can make it a "From " line); without those a
        // rewrite must read back as the same messages.
        if data.last() == Some(&b'\n') && !data.iter().any(|&c| c == b'\r' || c == 0 || c == 1) {
            let (again, _) = again.expect("a rewrite parses");
            assert_eq!(again, count);
        }
    }
});
