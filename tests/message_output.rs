//! The whole-message writer (`write::output_header` + `write::output_text`)
//! checked by parsing what it writes back with the parser, and the `Sink`
//! contract (a failed sink stops the writer; folding measured from the
//! sink's positions).

use c_client::message::model::*;
use c_client::message::{parse, write};

fn text(subtype: &str, data: &str) -> Body {
    Body {
        type_: TYPETEXT,
        subtype: Some(subtype.as_bytes().to_vec()),
        contents: PartText {
            data: Some(data.as_bytes().to_vec()),
            ..PartText::default()
        },
        ..Body::default()
    }
}

fn multipart(subtype: &str, cookie: &str, parts: Vec<Body>) -> Body {
    Body {
        type_: TYPEMULTIPART,
        subtype: Some(subtype.as_bytes().to_vec()),
        parameter: vec![Parameter {
            attribute: b"BOUNDARY".to_vec(),
            value: Some(cookie.as_bytes().to_vec()),
        }],
        nested: Nested::Parts(parts),
        ..Body::default()
    }
}

fn compose(body: &Body) -> Vec<u8> {
    let env = Envelope {
        subject: Some(b"round trip".to_vec()),
        ..Envelope::default()
    };
    let t = Collect::default();
    let mut out = Vec::new();
    write::output_header(&mut out, &env, Some(body), false, &t.types, &t.encodings);
    write::output_text(&mut out, body, &t.types, &t.encodings);
    out
}

/// Parses `msg` back; also returns where its body starts (offsets in the
/// body structure count from there).
fn reparse(msg: &[u8]) -> (Envelope, Body, usize) {
    let split = msg
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("blank line")
        + 4;
    let mut c = Collect::default();
    let (e, b) = parse::parse_msg_full(
        &msg[..split],
        Some(parse::BodyText {
            data: &msg[split..],
            base: 0,
        }),
        Some(b"h"),
        0,
        0,
        &mut c,
    );
    assert!(c.warnings.is_empty(), "warnings: {:?}", c.warnings);
    (e, b.expect("body"), split)
}

fn part_texts<'a>(msg: &'a [u8], b: &Body) -> Vec<&'a [u8]> {
    match &b.nested {
        Nested::Parts(p) => p
            .iter()
            .map(|p| {
                let o = p.contents.offset as usize;
                &msg[o..o + p.contents.size as usize]
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn nested_multipart_round_trips_through_the_parser() {
    let inner = multipart(
        "ALTERNATIVE",
        "in ner",
        vec![text("PLAIN", "alt one"), text("HTML", "<p>two</p>")],
    );
    let top = multipart(
        "MIXED",
        "outer",
        vec![text("PLAIN", "first\r\nline"), inner, text("X-Y", "")],
    );
    let whole = compose(&top);
    let (env, b, split) = reparse(&whole);
    let msg = &whole[split..];
    assert_eq!(env.subject.as_deref(), Some(&b"round trip"[..]));
    assert_eq!(b.subtype.as_deref(), Some(&b"MIXED"[..]));
    let Nested::Parts(parts) = &b.nested else {
        panic!("not a multipart")
    };
    assert_eq!(parts.len(), 3);
    let texts = part_texts(msg, &b);
    // Each part's text is what we gave it (the CRLF before a delimiter
    // belongs to the delimiter).
    assert_eq!(texts[0], b"first\r\nline");
    assert_eq!(texts[2], b"");
    assert_eq!(parts[2].subtype.as_deref(), Some(&b"X-Y"[..]));
    let Nested::Parts(alts) = &parts[1].nested else {
        panic!("inner not a multipart")
    };
    assert_eq!(alts.len(), 2);
    assert_eq!(alts[1].subtype.as_deref(), Some(&b"HTML"[..]));
    let o = alts[1].contents.offset as usize;
    assert_eq!(&msg[o..o + alts[1].contents.size as usize], b"<p>two</p>");
}

#[test]
fn deep_nesting_is_written_without_recursion() {
    let mut b = text("PLAIN", "leaf");
    let depth = 20_000;
    for _ in 0..depth {
        b = multipart("MIXED", "c", vec![b]);
    }
    let t = Collect::default();
    let mut out = Vec::new();
    write::output_text(&mut out, &b, &t.types, &t.encodings);
    let opens = out.windows(5).filter(|w| w == b"--c\r\n").count();
    let closes = out.windows(7).filter(|w| w == b"--c--\r\n").count();
    assert_eq!((opens, closes), (depth, depth));
    // Dropping the model is recursive; do it on a big stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || drop(b))
        .expect("thread")
        .join()
        .expect("drop");
}

/// A sink that fails once `limit` bytes have been written, like a flush
/// function that reports failure.
struct Failing {
    out: Vec<u8>,
    limit: usize,
    failed: bool,
}

impl write::Sink for Failing {
    fn put(&mut self, bytes: &[u8]) {
        if self.failed {
            return;
        }
        let room = self.limit - self.out.len();
        if bytes.len() > room {
            self.out.extend_from_slice(&bytes[..room]);
            self.failed = true;
        } else {
            self.out.extend_from_slice(bytes);
        }
    }
    fn cursor(&self) -> usize {
        self.out.len()
    }
    fn span(&self) -> usize {
        self.limit
    }
    fn ok(&self) -> bool {
        !self.failed
    }
}

#[test]
fn a_failed_sink_stops_the_writer() {
    let top = multipart("MIXED", "b", vec![text("PLAIN", "x"), text("PLAIN", "y")]);
    let t = Collect::default();
    let mut full = Vec::new();
    write::output_header(
        &mut full,
        &Envelope::default(),
        Some(&top),
        false,
        &t.types,
        &t.encodings,
    );
    write::output_text(&mut full, &top, &t.types, &t.encodings);
    for limit in [0, 1, 10, full.len() - 1] {
        let mut s = Failing {
            out: Vec::new(),
            limit,
            failed: false,
        };
        let env = Envelope::default();
        write::output_header(&mut s, &env, Some(&top), false, &t.types, &t.encodings);
        write::output_text(&mut s, &top, &t.types, &t.encodings);
        assert!(!write::Sink::ok(&s));
        assert_eq!(s.out.len(), limit);
    }
}

/// A ring buffer sink: positions wrap at `span` as an RFC822BUFFER's do.
struct Ring {
    out: Vec<u8>,
    span: usize,
}

impl write::Sink for Ring {
    fn put(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }
    fn cursor(&self) -> usize {
        self.out.len() % self.span
    }
    fn span(&self) -> usize {
        self.span
    }
}

#[test]
fn folding_is_measured_from_sink_positions() {
    let list: Vec<Address> = (0..8)
        .map(|i| Address {
            mailbox: Some(format!("user{i}").into_bytes()),
            host: Some(b"example.com".to_vec()),
            ..Address::default()
        })
        .collect();
    let mut v = Vec::new();
    write::output_address_list(&mut v, &list, 4);
    // A buffer big enough never wraps: same bytes as the vector.
    let mut big = Ring {
        out: Vec::new(),
        span: 16384,
    };
    write::output_address_list(&mut big, &list, 4);
    assert_eq!(big.out, v);
    // 19-byte entries in a 10-byte buffer wrap it: the original's pointer
    // arithmetic then sees less than was written, so the folds move.
    let mut small = Ring {
        out: Vec::new(),
        span: 10,
    };
    write::output_address_list(&mut small, &list, 4);
    assert_ne!(small.out, v);
    let strip = |b: &[u8]| -> Vec<u8> {
        String::from_utf8_lossy(b)
            .replace("\r\n    ", "")
            .into_bytes()
    };
    assert_eq!(strip(&small.out), strip(&v));
}
