#![no_main]
//! A POP3 server's answers: status lines, CAPA lists, LIST/STAT numbers
//! and dot-terminated text (with a small size bound); nothing panics, the
//! unstuffed text never grows past its bound and every line of it ends in
//! CRLF.
use c_client::net::pop3::{
    apop_digest, list_entry, read_lines, slurp, stat_count, Capabilities, Link, Reply,
};
use libfuzzer_sys::fuzz_target;

struct Lines(std::vec::IntoIter<Vec<u8>>);
impl Link for Lines {
    fn getline(&mut self) -> Option<Vec<u8>> {
        self.0.next()
    }
    fn send(&mut self, _: &[u8]) -> bool {
        true
    }
}

fn lines(data: &[u8]) -> Lines {
    let v: Vec<Vec<u8>> = data
        .split(|&c| c == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    Lines(v.into_iter())
}

fuzz_target!(|data: &[u8]| {
    let r = Reply::parse(data.to_vec());
    let _ = (r.ok(), r.text(), r.is_challenge());
    let _ = stat_count(data);
    let _ = list_entry(data);
    let _ = apop_digest(data, b"secret");
    let mut cap = Capabilities::default();
    let _ = read_lines(&mut lines(data), 64, &mut |l| cap.add_line(l));
    let s = slurp(&mut lines(data), 4096);
    assert!(s.data.len() <= 4096);
    assert!(s.header_size <= s.data.len());
    assert!(s.data.is_empty() || s.data.ends_with(b"\r\n"));
});
