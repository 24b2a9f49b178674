#![no_main]
//! Untrusted IMAP server replies: the bytes a server sends, cut into lines
//! and literals by the session and parsed (tagged/untagged responses,
//! codes, FETCH items with envelopes and body structures, LIST, STATUS,
//! SEARCH/SORT/THREAD, QUOTA/ACL, and the single items the internal
//! imap_parse_* exports parse); nothing panics, the session ends cleanly
//! on garbage, and every limit holds.
use c_client::message::model::Collect;
use c_client::net::imap::parse::{self, Limits, RawResponse};
use c_client::net::imap::session::{Arg, Session, Wire};
use libfuzzer_sys::fuzz_target;
use std::io;

/// A server whose whole output is `data`.
struct Replay {
    data: Vec<u8>,
    pos: usize,
}

impl Wire for Replay {
    fn getline(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let rest = &self.data[self.pos..];
        let Some(i) = rest.windows(2).position(|w| w == b"\r\n") else {
            self.pos = self.data.len();
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        };
        if i > max {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "long"));
        }
        self.pos += i + 2;
        Ok(rest[..i].to_vec())
    }
    fn getbuffer(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if self.data.len() - self.pos < n {
            self.pos = self.data.len();
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        }
        self.pos += n;
        Ok(self.data[self.pos - n..self.pos].to_vec())
    }
    fn send(&mut self, _b: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    // Small limits so that the bounds are reached by short inputs.
    let limits = Limits {
        line: 4096,
        literal: 8192,
        response: 16384,
        depth: 20,
        // "/loser" address handling on for odd bytes, so both paths run.
        loser: data.first().is_some_and(|b| b & 1 == 1),
    };
    // The parser alone, one line at a time.
    let mut env = Collect::default();
    for line in data.split(|&c| c == b'\n') {
        let raw = RawResponse {
            lines: vec![line.strip_suffix(b"\r").unwrap_or(line).to_vec()],
            literals: Vec::new(),
        };
        let _ = parse::parse(&raw, limits, &mut env);
        // The pieces the original's imap_parse_* exports reach one by one
        // (src/abi/imap_int.rs), each from the start of the line.
        for k in 0..12 {
            let mut c = parse::Cursor::new(&raw, limits);
            let _ = match k {
                0 => c.envelope().map(|_| ()),
                1 => c.body(&mut env).map(|_| ()),
                2 => c.address_list().map(|_| ()),
                3 => c.addresses().map(|_| ()),
                4 => c.parameters().map(|_| ()),
                5 => c.language().map(|_| ()),
                6 => c.string_list().map(|_| ()),
                7 => c.threads().map(|_| ()),
                8 => c.flag_list().map(|_| ()),
                9 => c.skip_value(),
                10 => (0..3).try_for_each(|_| c.namespace().map(|_| ())),
                _ => {
                    let mut b = c_client::message::model::Body::default();
                    c.disposition(&mut b)
                }
            };
            let (seg, off) = c.offset();
            assert!(
                seg < raw.lines.len().max(1)
                    && off <= raw.lines[seg.min(raw.lines.len() - 1)].len()
            );
        }
    }
    // A whole session: greeting, then commands until the replies run out.
    let mut s = Session::new(Box::new(Replay {
        data: data.to_vec(),
        pos: 0,
    }));
    s.limits = limits;
    let mut items = Vec::new();
    let _ = s.greeting(&mut env, &mut items);
    for cmd in [
        "CAPABILITY",
        "SELECT",
        "FETCH",
        "UID FETCH",
        "SEARCH",
        "LIST",
    ] {
        if s.dead {
            break;
        }
        let _ = s.command(
            cmd,
            &[Arg::Str(b"INBOX"), Arg::Literal(b"x")],
            &mut env,
            &mut items,
        );
        assert!(items.len() < 1 << 20);
    }
});
