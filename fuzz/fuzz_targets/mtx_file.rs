#![no_main]
//! Any bytes as a mtx file: the first-line test and the per-message line
//! parser walk it as the driver's parse does, without panicking; every
//! line that parses reads back the same after being written out again.
use c_client::message::date::parse_date;
use c_client::store::tenex::format::{self, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kind = Kind::Mtx;
    let _ = format::first_line(kind, &data[..data.len().min(format::LINE_PEEK)]);
    let mut pos = 0usize;
    while pos < data.len() {
        let chunk = &data[pos..(pos + format::LINE_PEEK).min(data.len())];
        let Ok(r) = format::parse_record(kind, chunk) else { break };
        let _ = parse_date(&r.date);
        let Some(end) = pos.checked_add(r.line_len).and_then(|p| p.checked_add(r.size as usize)) else { break };
        if end > data.len() || r.size > data.len() as u64 {
            break;
        }
        let msg = &data[pos + r.line_len..end];
        let h = kind.header_len(msg);
        assert!(h <= msg.len());
        let _ = format::crlf_size(msg);
        let word = &chunk[r.line_len - kind.eol().len() - 12..r.line_len - kind.eol().len()];
        assert_eq!(format::parse_flag_word(word), (r.user_word, r.system));
        if !r.date.iter().any(|&c| c == b',' || c == 0 || c == b'\r' || c == b'\n') {
            let line = format::record_line(kind, &r.date, r.size, r.user_word & 0o7777777777, r.system & 0o77);
            if line.len() <= format::LINE_PEEK {
                let back = format::parse_record(kind, &line).expect("a written line parses");
                assert_eq!((back.size, back.user_word, back.system), (r.size, r.user_word & 0o7777777777, r.system & 0o77));
            }
        }
        let kw = format::keywords_of_word(r.user_word);
        assert_eq!(format::keywords_of_word(format::word_of_keywords(kw)), kw);
        pos = end;
    }
});
