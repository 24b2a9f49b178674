//! Differential check of the RFC 2822 engine against the original library:
//! `c-tests/message/dump.c`, built against the installed original, and the
//! Rust dumper below print the same text format for the inputs under
//! `tests/data/message/`; the outputs must be identical.

use c_client::message::model::*;
use c_client::message::{address, parse, write};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{compile_oracle, is_root};

fn esc(o: &mut String, s: Option<&[u8]>) {
    let Some(s) = s else {
        o.push_str("(nil)");
        return;
    };
    o.push('"');
    for &c in s.iter().take_while(|&&c| c != 0) {
        if c == b'\\' || c == b'"' {
            o.push('\\');
            o.push(c as char);
        } else if (0x20..0x7f).contains(&c) {
            o.push(c as char);
        } else {
            let _ = write!(o, "\\x{c:02x}");
        }
    }
    o.push('"');
}

fn adrs(o: &mut String, tag: &str, list: &[Address]) {
    o.push_str(tag);
    o.push(':');
    for a in list {
        o.push_str(" [");
        esc(o, a.personal.as_deref());
        o.push('|');
        esc(o, a.adl.as_deref());
        o.push('|');
        esc(o, a.mailbox.as_deref());
        o.push('|');
        esc(o, a.host.as_deref());
        o.push(']');
    }
    o.push('\n');
}

fn params(o: &mut String, tag: &str, list: &[Parameter]) {
    o.push_str(tag);
    o.push(':');
    for p in list {
        o.push(' ');
        esc(o, Some(&p.attribute));
        o.push('=');
        esc(o, p.value.as_deref());
    }
    o.push('\n');
}

fn ind(d: usize) -> String {
    " ".repeat(d)
}

fn bodydump(o: &mut String, b: &Body, d: usize) {
    let _ = write!(o, "{}BODY type={} enc={} sub=", ind(d), b.type_, b.encoding);
    esc(o, b.subtype.as_deref());
    let _ = writeln!(
        o,
        " lines={} bytes={} coff={} csize={} moff={} msize={}",
        b.size_lines, b.size_bytes, b.contents.offset, b.contents.size, b.mime.offset, b.mime.size
    );
    o.push_str(&ind(d));
    params(o, "param", &b.parameter);
    let _ = write!(o, "{}id=", ind(d));
    esc(o, b.id.as_deref());
    o.push_str(" desc=");
    esc(o, b.description.as_deref());
    o.push_str(" loc=");
    esc(o, b.location.as_deref());
    o.push_str(" md5=");
    esc(o, b.md5.as_deref());
    o.push_str(" disp=");
    esc(o, b.disposition_type.as_deref());
    o.push('\n');
    o.push_str(&ind(d));
    params(o, "dparam", &b.disposition_parameter);
    let _ = write!(o, "{}lang:", ind(d));
    match &b.language {
        None => o.push_str(" (nil)"),
        Some(l) => {
            for s in l {
                o.push(' ');
                esc(o, Some(s));
            }
        }
    }
    o.push('\n');
    match &b.nested {
        Nested::Parts(parts) if b.type_ == TYPEMULTIPART => {
            for p in parts {
                bodydump(o, p, d + 2);
            }
        }
        Nested::Msg(m) if b.type_ == TYPEMESSAGE => {
            let _ = writeln!(
                o,
                "{}MSG full={}/{} hdr={}/{} text={}/{}",
                ind(d),
                m.full.offset,
                m.full.size,
                m.header.offset,
                m.header.size,
                m.text.offset,
                m.text.size
            );
            if let Some(e) = &m.env {
                envdump(o, e, d + 2);
            }
            if let Some(b) = &m.body {
                bodydump(o, b, d + 2);
            }
        }
        _ => {}
    }
}

fn envdump(o: &mut String, e: &Envelope, d: usize) {
    let _ = write!(o, "{}ENV date=", ind(d));
    esc(o, e.date.as_deref());
    o.push_str(" subject=");
    esc(o, e.subject.as_deref());
    o.push('\n');
    let _ = write!(o, "{}irt=", ind(d));
    esc(o, e.in_reply_to.as_deref());
    o.push_str(" mid=");
    esc(o, e.message_id.as_deref());
    o.push_str(" ng=");
    esc(o, e.newsgroups.as_deref());
    o.push_str(" fu=");
    esc(o, e.followup_to.as_deref());
    o.push_str(" ref=");
    esc(o, e.references.as_deref());
    o.push('\n');
    for (tag, l) in [
        ("from", &e.from),
        ("sender", &e.sender),
        ("reply_to", &e.reply_to),
        ("to", &e.to),
        ("cc", &e.cc),
        ("bcc", &e.bcc),
    ] {
        o.push_str(&ind(d));
        adrs(o, tag, l);
    }
}

fn logs(o: &mut String, c: &mut Collect) {
    for w in c.warnings.drain(..) {
        o.push_str("LOG 3 ");
        esc(o, Some(&w));
        o.push('\n');
    }
}

fn rust_adr(text: &[u8]) -> String {
    let mut o = String::new();
    let mut lines: Vec<&[u8]> = text.split(|&c| c == b'\n').collect();
    if text.ends_with(b"\n") {
        lines.pop();
    }
    for line in lines {
        let line = line.split(|&c| c == 0).next().unwrap_or_default();
        o.push_str("INPUT ");
        esc(&mut o, Some(line));
        o.push('\n');
        let mut c = Collect::default();
        let list = address::parse_adrlist_new(line, Some(b"dflt.host"), &mut c);
        logs(&mut o, &mut c);
        adrs(&mut o, "adr", &list);
        let mut out = Vec::new();
        write::write_address_full(&mut out, &list, 0);
        o.push_str("write ");
        esc(&mut o, Some(&out));
        o.push('\n');
        let mut out = b"To: ".to_vec();
        write::write_address_full(&mut out, &list, 4);
        o.push_str("pretty ");
        esc(&mut o, Some(&out));
        o.push('\n');
    }
    o
}

/// Split as dump.c does: the header runs through the first blank line.
fn split(text: &[u8]) -> usize {
    let n = text.iter().position(|&c| c == 0).unwrap_or(text.len());
    for p in 0..n {
        if text[p..].starts_with(b"\n\n") {
            return p + 2;
        }
        if text[p..].starts_with(b"\r\n\r\n") {
            return p + 4;
        }
    }
    text.len()
}

fn rust_msg(text: &[u8]) -> String {
    rust_msg_with(text, &mut Collect::default())
}

fn rust_msg_with(text: &[u8], c: &mut Collect) -> String {
    rust_msg_opt(text, c, true)
}

fn rust_msg_opt(text: &[u8], c: &mut Collect, writer: bool) -> String {
    let mut o = String::new();
    let hl = split(text);
    let (env, body) = parse::parse_msg_full(
        &text[..hl],
        Some(parse::BodyText {
            data: &text[hl..],
            base: 0,
        }),
        Some(b"dflt.host"),
        0,
        0,
        c,
    );
    logs(&mut o, c);
    let body = body.expect("body requested");
    envdump(&mut o, &env, 0);
    bodydump(&mut o, &body, 0);
    if !writer {
        return o;
    }
    let mut h = Vec::new();
    write::output_body_header(&mut h, &body, &c.types, &c.encodings);
    o.push_str("bodyheader ");
    esc(&mut o, Some(&h));
    o.push('\n');
    let mut h = Vec::new();
    write::output_header(&mut h, &env, Some(&body), false, &c.types, &c.encodings);
    o.push_str("header ");
    esc(&mut o, Some(&h));
    o.push('\n');
    // dump.c's buffered writer: a 200-byte RFC822BUFFER flushed when full
    // and once at the end.
    let mut h = Vec::new();
    write::output_header(&mut h, &env, Some(&body), true, &c.types, &c.encodings);
    write::output_address_list(&mut h, &env.to, 4);
    o.push_str("output ");
    let mut rest = &h[..];
    while rest.len() >= 200 {
        o.push('[');
        esc(&mut o, Some(&rest[..200]));
        o.push(']');
        rest = &rest[200..];
    }
    o.push('[');
    esc(&mut o, Some(rest));
    o.push_str("]\n");
    o
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/message")
}

/// Build the C dumper against the original; `None` (with a message) when
/// the original's headers or library are not installed.
fn build_oracle() -> Option<PathBuf> {
    static ORACLE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    ORACLE.get_or_init(build_oracle_once).clone()
}

fn build_oracle_once() -> Option<PathBuf> {
    compile_oracle(
        "cc",
        &["-O1", "-w"],
        "c-tests/message/dump.c",
        "msgdiff",
        "dump",
    )
    .map_err(|why| eprintln!("SKIP: {why}"))
    .ok()
}

fn run_oracle(exe: &Path, mode: &str, input: &Path) -> Vec<u8> {
    // The original is run as an ordinary user when we are root.
    let dir = exe.parent().expect("exe dir");
    let copy = dir.join(format!(
        "{mode}-{}",
        input.file_name().expect("name").to_string_lossy()
    ));
    std::fs::copy(input, &copy).expect("copy input");
    let out = if is_root() && Path::new("/usr/sbin/runuser").exists() {
        use std::os::unix::fs::PermissionsExt;
        for p in [dir, exe, copy.as_path()] {
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
        }
        Command::new("runuser")
            .args(["-u", "cloudsdk", "--"])
            .arg(exe)
            .arg(mode)
            .arg(&copy)
            .output()
    } else {
        Command::new(exe).arg(mode).arg(&copy).output()
    }
    .expect("run oracle");
    assert!(
        out.status.success(),
        "oracle failed on {}: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn first_diff(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  C:    {x}\n  Rust: {y}", i + 1);
        }
    }
    format!(
        "length differs: C {} lines, Rust {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn addresses_match_original() {
    let Some(exe) = build_oracle() else { return };
    let input = data_dir().join("addresses.txt");
    let c = String::from_utf8(run_oracle(&exe, "adr", &input)).expect("utf8");
    let r = rust_adr(&std::fs::read(&input).expect("read"));
    // Compare input by input, to report how many agree.
    let blocks = |s: &str| -> Vec<String> {
        s.split("INPUT ")
            .filter(|b| !b.is_empty())
            .map(|b| b.to_string())
            .collect()
    };
    let (cb, rb) = (blocks(&c), blocks(&r));
    assert_eq!(cb.len(), rb.len());
    let bad: Vec<String> = cb
        .iter()
        .zip(&rb)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| first_diff(a, b))
        .collect();
    eprintln!(
        "addresses: {}/{} identical to the original",
        cb.len() - bad.len(),
        cb.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn messages_match_original() {
    let Some(exe) = build_oracle() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir().join("msg"))
        .expect("msg dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut bad = Vec::new();
    for f in &files {
        let c = String::from_utf8_lossy(&run_oracle(&exe, "msg", f)).into_owned();
        let r = rust_msg(&std::fs::read(f).expect("read"));
        if c != r {
            bad.push(format!("{}: {}", f.display(), first_diff(&c, &r)));
        }
    }
    eprintln!(
        "messages: {}/{} identical to the original",
        files.len() - bad.len(),
        files.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// A small deterministic generator (xorshift64*), so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, v: &[&'a [u8]]) -> &'a [u8] {
        v[self.below(v.len())]
    }
}

const NAMES: &[&[u8]] = &[
    b"From",
    b"To",
    b"Cc",
    b"Bcc",
    b"Sender",
    b"Reply-To",
    b">From",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"In-Reply-To",
    b"References",
    b"Newsgroups",
    b"Followup-To",
    b"MIME-Version",
    b"Content-Type",
    b"Content-Transfer-Encoding",
    b"Content-ID",
    b"Content-Description",
    b"Content-Disposition",
    b"Content-Language",
    b"Content-Location",
    b"Content-MD5",
    b"X-Foo",
    b"content-type",
    b"CONTENT-TYPE",
    b"Content-Type ",
    b"Content-type\t",
];

const TOKENS: &[&[u8]] = &[
    b"a@b",
    b"user",
    b"@",
    b"host.com",
    b"<",
    b">",
    b"\"",
    b"\"q s\"",
    b"(",
    b")",
    b"(c)",
    b",",
    b";",
    b":",
    b".",
    b" ",
    b"\t",
    b"\r\n ",
    b"\n ",
    b"\n\t",
    b"[1.2.3.4]",
    b"[",
    b"]",
    b"\\",
    b"text/plain",
    b"multipart/mixed",
    b"message/rfc822",
    b"multipart/digest",
    b"; boundary=",
    b"b1",
    b"\"b1\"",
    b"=",
    b"charset=utf-8",
    b"base64",
    b"quoted-printable",
    b"8bit",
    b"x-foo",
    b"1.0",
    b"Group:",
    b"\x1b$B",
    b"\x1b(B",
    b"\xe9",
    b"at",
    b"name*0=",
    b"attachment",
    b"en",
    b"foo/bar",
    b"<x@y>",
    b"Name",
    b"\r",
    b"\x00",
    b"--",
    b"b2",
    b"video/x",
    b"binary",
    b"7BIT",
];

fn gen_header(r: &mut Rng, out: &mut Vec<u8>, nested_ok: bool) {
    let n = r.below(6);
    for _ in 0..n {
        let name = r.pick(NAMES);
        out.extend_from_slice(name);
        out.extend_from_slice(b": ");
        let k = 1 + r.below(6);
        for _ in 0..k {
            out.extend_from_slice(r.pick(TOKENS));
        }
        out.push(b'\n');
    }
    if nested_ok && r.below(2) == 0 {
        out.extend_from_slice(b"MIME-Version: 1.0\n");
    }
    match r.below(5) {
        0 => {
            let b = r.pick(&[b"b1", b"b2", b"-", b"x y"]);
            out.extend_from_slice(b"Content-Type: multipart/");
            out.extend_from_slice(r.pick(&[b"mixed", b"digest", b"alternative"]));
            out.extend_from_slice(b"; boundary=\"");
            out.extend_from_slice(b);
            out.extend_from_slice(b"\"\n");
        }
        1 => out.extend_from_slice(b"Content-Type: message/rfc822\n"),
        2 => out.extend_from_slice(b"Content-Type: text/plain; charset=us-ascii\n"),
        _ => {}
    }
}

fn gen_body(r: &mut Rng, out: &mut Vec<u8>, depth: usize) {
    let parts = r.below(4);
    if r.below(3) == 0 {
        out.extend_from_slice(b"preamble\n");
    }
    for _ in 0..parts {
        out.extend_from_slice(b"--");
        out.extend_from_slice(r.pick(&[b"b1", b"b2", b"-", b"x y", b"b1 ", b"b1--"]));
        out.extend_from_slice(r.pick(&[b"\n", b"\r\n", b" \n", b"x\n"]));
        if depth < 4 {
            gen_header(r, out, depth < 3);
        }
        out.extend_from_slice(r.pick(&[b"\n", b"\r\n", b""]));
        if depth < 4 && r.below(2) == 0 {
            gen_body(r, out, depth + 1);
        } else {
            for _ in 0..r.below(4) {
                out.extend_from_slice(r.pick(&[
                    b"text line\n",
                    b"\xe9\xe8\n",
                    b"\x1b$B$!\x1b(B\n",
                    b"a\r\n",
                    b"x",
                ]));
            }
        }
    }
    if r.below(2) == 0 {
        out.extend_from_slice(b"--");
        out.extend_from_slice(r.pick(&[b"b1", b"b2", b"-"]));
        out.extend_from_slice(b"--\n");
    }
    if r.below(2) == 0 {
        out.extend_from_slice(b"epilogue\n");
    }
}

fn gen_message(r: &mut Rng) -> Vec<u8> {
    let mut m = Vec::new();
    gen_header(r, &mut m, true);
    m.extend_from_slice(r.pick(&[b"\n", b"\r\n"]));
    gen_body(r, &mut m, 0);
    // A few random edits on top.
    for _ in 0..r.below(4) {
        if m.is_empty() {
            break;
        }
        let at = r.below(m.len());
        match r.below(3) {
            0 => {
                m.remove(at);
            }
            1 => m.insert(
                at,
                r.pick(&[b"\n", b"\r", b"-", b" ", b"\t", b";", b"\""])[0],
            ),
            _ => m[at] = r.pick(&[b"\n", b"-", b":", b"("])[0],
        }
    }
    m.truncate(6000);
    m
}

#[test]
fn random_messages_match_original() {
    let Some(exe) = build_oracle() else { return };
    let count: usize = std::env::var("MSG_RANDOM_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let seed: u64 = std::env::var("MSG_RANDOM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_1234);
    let mut r = Rng(seed | 1);
    let msgs: Vec<Vec<u8>> = (0..count).map(|_| gen_message(&mut r)).collect();
    let mut file = Vec::new();
    for m in &msgs {
        file.extend_from_slice(format!("{}\n", m.len()).as_bytes());
        file.extend_from_slice(m);
    }
    let dir = exe.parent().expect("dir").to_path_buf();
    let path = dir.join("random-records");
    std::fs::write(&path, &file).expect("write");
    let c = String::from_utf8_lossy(&run_oracle(&exe, "msgs", &path)).into_owned();
    let cblocks: Vec<&str> = c.split("\x01MSG ").filter(|b| !b.is_empty()).collect();
    assert_eq!(cblocks.len(), msgs.len(), "oracle output is incomplete");
    // One parser state for the whole run, like the one C process: type and
    // encoding names learnt from one message stay for the next.
    let mut state = Collect::default();
    let mut bad = Vec::new();
    for (i, (m, cb)) in msgs.iter().zip(&cblocks).enumerate() {
        let r = format!("{}\n{}", m.len(), rust_msg_with(m, &mut state));
        if *cb != r {
            bad.push(format!(
                "message #{i} {:?}:\n{}",
                String::from_utf8_lossy(m),
                first_diff(cb, &r)
            ));
        }
    }
    eprintln!(
        "random messages: {}/{} identical to the original",
        msgs.len() - bad.len(),
        msgs.len()
    );
    assert!(
        bad.is_empty(),
        "{}",
        bad.iter().take(3).cloned().collect::<Vec<_>>().join("\n")
    );
}

fn deep_multipart(levels: usize) -> Vec<u8> {
    let mut m = b"From: a@b\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"L0\"\n\n"
        .to_vec();
    for i in 1..=levels {
        m.extend_from_slice(
            format!(
                "--L{}\nContent-Type: multipart/mixed; boundary=\"L{}\"\n\n",
                i - 1,
                i
            )
            .as_bytes(),
        );
    }
    m.extend_from_slice(format!("--L{levels}\n\ninnermost\n").as_bytes());
    for i in (0..=levels).rev() {
        m.extend_from_slice(format!("--L{i}--\n").as_bytes());
    }
    m
}

fn deep_rfc822(levels: usize) -> Vec<u8> {
    let mut m = Vec::new();
    for i in 0..levels {
        m.extend_from_slice(
            format!("From: l{i}@x\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n").as_bytes(),
        );
    }
    m.extend_from_slice(b"Subject: bottom\n\nbody\n");
    m
}

#[test]
fn deep_nesting_matches_original() {
    let Some(exe) = build_oracle() else { return };
    let dir = exe.parent().expect("dir").to_path_buf();
    let cases = [
        ("deep-multipart-60", deep_multipart(60)),
        ("deep-rfc822-60", deep_rfc822(60)),
        ("deep-group", {
            let mut m = b"To: ".to_vec();
            for i in 0..60 {
                m.extend_from_slice(format!("g{i}: ").as_bytes());
            }
            m.extend_from_slice(b"x@y\n\nbody\n");
            m
        }),
        ("deep-comment", {
            let mut m = b"From: a@b ".to_vec();
            m.extend(std::iter::repeat_n(b'(', 500));
            m.extend(std::iter::repeat_n(b')', 499));
            m.extend_from_slice(b"\n\nbody\n");
            m
        }),
    ];
    for (name, m) in cases {
        let path = dir.join(name);
        std::fs::write(&path, &m).expect("write");
        let c = String::from_utf8_lossy(&run_oracle(&exe, "msg", &path)).into_owned();
        let r = rust_msg(&m);
        assert!(c == r, "{name}: {}", first_diff(&c, &r));
    }
}

/// Far deeper than the original's limits: must finish quickly, without
/// deep recursion, and stop descending at MAXMIMEDEPTH.
#[test]
fn extreme_nesting_is_bounded() {
    for m in [deep_multipart(10_000), deep_rfc822(10_000)] {
        let out = rust_msg(&m);
        let depth = out
            .lines()
            .filter(|l| l.trim_start().starts_with("BODY"))
            .count();
        assert!(depth <= 60, "descended {depth} levels");
        assert!(out.contains("Ignoring excessively deep MIME recursion"));
    }
    let mut a = b"x@y ".to_vec();
    a.extend(std::iter::repeat_n(b'(', 1_000_000));
    let mut c = Collect::default();
    let list = address::parse_adrlist_new(&a, Some(b"h"), &mut c);
    assert_eq!(list[0].mailbox.as_deref(), Some(&b"x"[..]));
    assert!(c
        .warnings
        .iter()
        .any(|w| w.starts_with(b"Unterminated comment")));
    // "a . b . c ..." makes the original recurse once per part.
    let mut d = b"u@a".to_vec();
    for _ in 0..200_000 {
        d.extend_from_slice(b" . \\\\x");
    }
    let list = address::parse_adrlist_new(&d, Some(b"h"), &mut Collect::default());
    assert!(list[0].host.as_ref().is_some_and(|h| h.len() > 200_000));
}

/// The shared corpus, one record per file; `None` when it is absent.
fn corpus_records() -> Option<Vec<Vec<u8>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !root.is_dir() {
        eprintln!("SKIP: ../shared/corpus is missing");
        return None;
    }
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some("MANIFEST.sha256" | "README.md")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    Some(files.iter().filter_map(|f| std::fs::read(f).ok()).collect())
}

fn write_records(path: &Path, msgs: &[Vec<u8>]) {
    let mut file = Vec::new();
    for m in msgs {
        file.extend_from_slice(format!("{}\n", m.len()).as_bytes());
        file.extend_from_slice(m);
    }
    std::fs::write(path, &file).expect("write records");
}

#[test]
fn corpus_matches_original() {
    let Some(exe) = build_oracle() else { return };
    let Some(msgs) = corpus_records() else { return };
    let path = exe.parent().expect("dir").join("corpus-records");
    write_records(&path, &msgs);
    let c = String::from_utf8_lossy(&run_oracle(&exe, "msgsp", &path)).into_owned();
    let cblocks: Vec<&str> = c.split("\x01MSG ").filter(|b| !b.is_empty()).collect();
    assert_eq!(cblocks.len(), msgs.len(), "oracle output is incomplete");
    let mut state = Collect::default();
    let mut bad = Vec::new();
    for (i, (m, cb)) in msgs.iter().zip(&cblocks).enumerate() {
        let r = format!("{}\n{}", m.len(), rust_msg_opt(m, &mut state, false));
        if *cb != r {
            bad.push(format!("corpus file #{i}: {}", first_diff(cb, &r)));
        }
    }
    eprintln!(
        "corpus: {}/{} identical to the original",
        msgs.len() - bad.len(),
        msgs.len()
    );
    assert!(
        bad.is_empty(),
        "{}",
        bad.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Parse speed against the original over the corpus (run with
/// `cargo test --release --test message_diff -- --ignored --nocapture`).
#[test]
#[ignore]
fn corpus_speed_against_original() {
    let Some(exe) = build_oracle() else { return };
    let Some(msgs) = corpus_records() else { return };
    let rounds = 5;
    let path = exe.parent().expect("dir").join("bench-records");
    write_records(&path, &msgs);
    let out = Command::new(&exe)
        .env("BENCH_ROUNDS", rounds.to_string())
        .arg("bench")
        .arg(&path)
        .output()
        .expect("run bench");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let c_secs: f64 = stdout
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("seconds");
    // CPU time of this thread (the machine may be shared and loaded).
    let cpu = || -> f64 {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        s.split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1e9
    };
    let t0 = cpu();
    let mut n = 0usize;
    for _ in 0..rounds {
        for m in &msgs {
            let mut c = Collect::default();
            let hl = split(m);
            let (e, b) = parse::parse_msg_full(
                &m[..hl],
                Some(parse::BodyText {
                    data: &m[hl..],
                    base: 0,
                }),
                Some(b"dflt.host"),
                0,
                0,
                &mut c,
            );
            n += e.from.len() + b.map_or(0, |b| b.size_lines as usize);
        }
    }
    let r_secs = cpu() - t0;
    let bytes: usize = msgs.iter().map(|m| m.len()).sum::<usize>() * rounds;
    eprintln!(
        "corpus parse, {} messages x {rounds}: original {c_secs:.3}s CPU, ours {r_secs:.3}s CPU, ratio {:.2}x ({:.0} MB/s) [{n}]",
        msgs.len(),
        c_secs / r_secs,
        bytes as f64 / r_secs / 1e6
    );
}
