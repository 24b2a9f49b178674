#![no_main]
//! Any bytes as what an NNTP server sends: reply lines, GROUP answers,
//! overview lines (as cached, and as sort keys), the article ranges of
//! GROUP answers and article-map lines and data blocks must parse
//! without panicking; a block
//! made by dot-stuffing reads back as the lines it was made from.
use c_client::net::nntp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut block = nntp::DataBlock::new();
    for line in data.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let _ = nntp::reply_line(line);
        let _ = nntp::group_info(nntp::reply_text(line));
        let (_, rest) = nntp::overview_number(line);
        let _ = nntp::parse_overview(rest);
        let _ = nntp::open_range(line, 0);
        let _ = nntp::open_range(line, 3);
        let _ = nntp::status_range(line, 0);
        let _ = nntp::status_range(line, 2);
        let _ = nntp::map_line(line, 2, 6);
        let (_, text) = nntp::over_line(line);
        if let Some(t) = text {
            let _ = nntp::overview_cuts(&t);
        }
        let _ = nntp::sort_fields(line);
        block.push(line);
    }
    let _ = block.text();
    // Round trip: lines without CR or LF, stuffed, then read back.
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.contains(&b'\r'))
        .collect();
    let mut message = Vec::new();
    for l in &lines {
        message.extend_from_slice(l);
        message.extend_from_slice(b"\r\n");
    }
    let wire = nntp::dot_stuff(&message);
    let mut back = nntp::DataBlock::new();
    for l in wire.split(|&b| b == b'\n') {
        if back.push(l.strip_suffix(b"\r").unwrap_or(l)) {
            break;
        }
    }
    assert!(back.is_done());
    assert_eq!(back.text(), message);
});
