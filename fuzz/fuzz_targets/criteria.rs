#![no_main]
//! Any bytes as a `mail_criteria` string: the parser must not panic, must
//! give the same answer twice, must report the refused criterion itself
//! (a non-empty word), and the tokenizer step `mail_criteria_string` runs
//! over a caller's buffer must keep its length and leave its save position
//! inside it.
use c_client::query::search::{criteria_string_at, parse_criteria, unknown_criterion_message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let first = parse_criteria(data);
    assert_eq!(first, parse_criteria(data), "parse is deterministic");
    match &first {
        Ok(c) => {
            for (_, s) in &c.strings {
                assert!(!s.contains(&0), "strings end at the input's NUL");
            }
        }
        Err(word) => {
            assert!(!word.is_empty(), "an empty criterion reported");
            assert!(unknown_criterion_message(word).len() <= 26 + 30);
        }
    }
    let text: Vec<u8> = data.iter().copied().take_while(|&c| c != 0).collect();
    let mut buf = text.clone();
    let (got, pos) = criteria_string_at(&mut buf);
    assert_eq!(buf.len(), text.len(), "the caller's buffer keeps its length");
    assert!(pos <= text.len(), "save position past the buffer");
    if let Some(s) = got {
        assert!(s.len() <= text.len());
    }
});
