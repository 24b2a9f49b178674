#![no_main]
//! Any bytes as an mbx file: the header block and the per-message lines
//! must parse without panicking, and every line that parses must read back
//! the same after being written out again.
use c_client::message::date::parse_date;
use c_client::store::mbx::format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = format::parse_record(data);
    let Some((block, records, _stop)) = format::scan(data) else { return };
    let names: Vec<Vec<u8>> = block.keywords.iter().map(|k| k.clone().unwrap_or_default()).collect();
    let again = format::write_block(block.uid_validity, block.uid_last, &names, block.last_pid);
    assert!(format::is_mbx(&again));
    for (pos, r) in records {
        let _ = parse_date(&r.date);
        let start = pos as usize;
        let msg = &data[start + r.line_len..start + r.line_len + r.size as usize];
        let _ = format::header_len(msg);
        // A date without commas, NULs or CRs survives a rewrite of its line.
        // (A size field without digits reads as 0 but cannot be written.)
        if r.size != 0 && !r.date.iter().any(|&c| c == b',' || c == 0 || c == b'\r') {
            let line = format::record_line(&r.date, r.size, r.keywords, r.flags, r.uid);
            if line.len() <= 64 {
                let back = format::parse_record(&line).expect("a written line parses");
                assert_eq!((back.size, back.keywords, back.flags, back.uid), (r.size, r.keywords, r.flags, r.uid));
            }
        }
    }
});
