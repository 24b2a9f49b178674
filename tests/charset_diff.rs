//! Differential tests: the same requests answered by the installed original
//! library (through `c-tests/unit/charset/oracle.c`) and by our core must
//! agree byte for byte. Skips when the original is not installed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use c_client::charset::{self, registry, utf8, CsType};

fn hex(b: &[u8]) -> String {
    if b.is_empty() {
        return "-".into();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(h: &str) -> Vec<u8> {
    if h == "-" {
        return Vec::new();
    }
    (0..h.len() / 2)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Build the oracle program, or `None` (with a message) if the original
/// library or a C compiler is missing.
fn oracle() -> Option<PathBuf> {
    // Built once: tests run in parallel and must not rewrite the binary
    // while another runs it.
    static BUILT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_oracle).clone()
}

fn build_oracle() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !Path::new("/usr/include/c-client/c-client.h").exists() {
        eprintln!("SKIP: original c-client headers not installed");
        return None;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("charset_oracle");
    let st = Command::new("gcc")
        .args(["-O1", "-I/usr/include/c-client"])
        .arg(root.join("c-tests/unit/charset/oracle.c"))
        .arg("-o")
        .arg(&out)
        .arg("-lc-client")
        .status();
    match st {
        Ok(s) if s.success() => Some(out),
        _ => {
            eprintln!("SKIP: could not build the oracle against the original library");
            None
        }
    }
}

/// Our answer to one request, in the oracle's output format.
fn answer(req: &str) -> String {
    let mut it = req.split(' ');
    let cmd = it.next().unwrap();
    let args: Vec<&str> = it.collect();
    match cmd {
        "T" => {
            let src = unhex(args[2]);
            let cs = (args[0] != "-").then(|| args[0].as_bytes());
            let (ok, out) = charset::text(&src, cs, args[1].parse().unwrap());
            format!("{} {}", ok as i32, hex(&out))
        }
        "M" => {
            let src = unhex(args[1]);
            let (ok, out) = charset::mime2text(&src, args[0].parse().unwrap());
            format!("{} {}", ok as i32, hex(&out))
        }
        "C" => {
            let src = unhex(args[2]);
            match charset::cstext(&src, args[0].as_bytes(), args[1].parse().unwrap()) {
                Some(v) => format!("1 {}", hex(&v)),
                None => "0 -".into(),
            }
        }
        "I" => charset::infer_charset(&unhex(args[0])).map_or("-".into(), |c| c.name.into()),
        "G" | "S" => {
            let (cs, h) = if cmd == "S" {
                (charset::charset(args[0].as_bytes()), args[1])
            } else {
                (None, args[0])
            };
            let data = unhex(h);
            let mut s = &data[..];
            let mut r = String::new();
            loop {
                let c = match cs {
                    Some(cs) => charset::cs_get(cs, &mut s),
                    None => utf8::get(&mut s),
                };
                r += &format!("{c:x},{} ", s.len());
                if c & utf8::U8G_ERROR != 0 {
                    break;
                }
            }
            r
        }
        "W" => {
            let lo = u32::from_str_radix(args[0], 16).unwrap();
            let hi = u32::from_str_radix(args[1], 16).unwrap();
            (lo..=hi)
                .map(|c| format!("{:x} ", utf8::width(c)))
                .collect()
        }
        "U" | "F" => {
            let d = unhex(args[0]);
            let r = if cmd == "U" {
                charset::to_mutf7(&d)
            } else {
                charset::from_mutf7(&d)
            };
            r.map_or("!".into(), |v| hex(&v))
        }
        "V" => utf8::validate(&unhex(args[0])).to_string(),
        "L" => match charset::charset(args[0].as_bytes()) {
            Some(c) => format!(
                "{} {} {} {} {}",
                c.name,
                c.kind as u16,
                c.flags,
                c.script,
                c.preferred.unwrap_or("-")
            ),
            None => "-".into(),
        },
        _ => "?".into(),
    }
}

/// Run requests (tagged with a category) through both sides; returns
/// per-category (matches, total) and panics listing the first mismatches.
fn run(oracle: &Path, reqs: &[(String, String)]) -> BTreeMap<String, (usize, usize)> {
    let mut child = Command::new(oracle)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("oracle runs");
    let mut input = String::new();
    for (_, r) in reqs {
        input += r;
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), reqs.len(), "oracle answered every request");
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut bad = Vec::new();
    for ((cat, req), want) in reqs.iter().zip(lines) {
        let got = answer(req);
        let t = tally.entry(cat.clone()).or_default();
        t.1 += 1;
        if got == want {
            t.0 += 1;
        } else if bad.len() < 10 {
            bad.push(format!(
                "{cat}: {req}\n  original: {want}\n  ours:     {got}"
            ));
        }
    }
    for (cat, (ok, n)) in &tally {
        eprintln!("{cat}: {ok}/{n} match");
    }
    assert!(bad.is_empty(), "mismatches:\n{}", bad.join("\n"));
    tally
}

/// Small deterministic generator for random inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, max: usize, alphabet: &[u8]) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

fn is_sjis_tail_lead(cs: &registry::Charset, d: &[u8]) -> bool {
    // The original reads past the text for a final Shift-JIS lead octet:
    // its answer depends on memory, so such inputs are not compared.
    if cs.kind != CsType::Sjis {
        return false;
    }
    let mut i = 0;
    let mut dangling = false;
    while i < d.len() {
        let c = d[i];
        i += 1;
        dangling = false;
        if c & 0x80 != 0 && !(0xa1..0xe0).contains(&c) {
            if i >= d.len() {
                dangling = true;
            } else {
                i += 1;
            }
        }
    }
    dangling
}

#[test]
fn registry_matches() {
    let Some(o) = oracle() else { return };
    let mut reqs: Vec<(String, String)> = Vec::new();
    for c in registry::CHARSETS {
        reqs.push(("lookup".into(), format!("L {}", c.name)));
        reqs.push((
            "lookup".into(),
            format!("L {}", c.name.to_ascii_lowercase()),
        ));
    }
    for n in ["utf8", "latin1", "x", "ISO-8859-12", "UTF-8*en"] {
        reqs.push(("lookup".into(), format!("L {n}")));
    }
    run(&o, &reqs);
}

#[test]
fn single_byte_all_octets() {
    let Some(o) = oracle() else { return };
    let mut reqs = Vec::new();
    let all: Vec<u8> = (0..=255).collect();
    for c in registry::CHARSETS {
        if !matches!(
            c.kind,
            CsType::OneByte | CsType::OneByte8 | CsType::OneByte0 | CsType::Ascii
        ) {
            continue;
        }
        for b in 0..=255u8 {
            reqs.push((c.name.to_string(), format!("T {} 0 {}", c.name, hex(&[b]))));
            reqs.push((
                format!("{}/cs_get", c.name),
                format!("S {} {}", c.name, hex(&[b])),
            ));
        }
        reqs.push((c.name.to_string(), format!("T {} 6 {}", c.name, hex(&all))));
        reqs.push((c.name.to_string(), format!("T {} 2 {}", c.name, hex(&all))));
        reqs.push((c.name.to_string(), format!("T {} 4 {}", c.name, hex(&all))));
    }
    let t = run(&o, &reqs);
    assert!(t.len() > 50);
}

#[test]
fn double_byte_all_pairs() {
    let Some(o) = oracle() else { return };
    let names = [
        "GBK",
        "CN-GB-12345",
        "BIG5",
        "EUC-KR",
        "EUC-JP",
        "SHIFT_JIS",
    ];
    let mut reqs = Vec::new();
    for n in names {
        for a in 0x80..=0xffu8 {
            // each lead octet with every trail octet, plus a lone lead
            let mut line = Vec::new();
            for b in 0..=0xffu8 {
                if n == "SHIFT_JIS" || b != 0 {
                    line.extend_from_slice(&[a, b, b'x']);
                }
            }
            reqs.push((n.to_string(), format!("T {n} 0 {}", hex(&line))));
            if n != "SHIFT_JIS" {
                reqs.push((n.to_string(), format!("T {n} 0 {}", hex(&[b'a', a]))));
            }
        }
        // EUC-JP three-octet JIS X 0212 and kana
        if n == "EUC-JP" {
            for a in 0xa1..=0xfeu8 {
                let mut line = Vec::new();
                for b in 0xa1..=0xfeu8 {
                    line.extend_from_slice(&[0x8f, a, b]);
                }
                reqs.push(("EUC-JP/0212".into(), format!("T {n} 0 {}", hex(&line))));
                reqs.push(("EUC-JP/kana".into(), format!("T {n} 0 {}", hex(&[0x8e, a]))));
            }
        }
    }
    run(&o, &reqs);
}

#[test]
fn random_text_every_charset() {
    let Some(o) = oracle() else { return };
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut reqs = Vec::new();
    let all: Vec<u8> = (0..=255).collect();
    let b64ish = b"+-/&AZaz09 \x1b$()BJ@DGA\x0e\x0f\x8e\x8f\xa1\xfe\x80?=_\x00";
    for c in registry::CHARSETS {
        if c.kind == CsType::Ucs4 {
            continue; // the original aborts on UCS-4 text
        }
        for k in 0..60 {
            let alphabet: &[u8] = if k % 2 == 0 { &all } else { b64ish };
            let d = rng.bytes(24, alphabet);
            if is_sjis_tail_lead(c, &d) {
                continue;
            }
            let flags = [0, 2, 4, 6][k % 4];
            reqs.push((
                c.name.to_string(),
                format!("T {} {flags} {}", c.name, hex(&d)),
            ));
        }
    }
    for k in 0..3000 {
        let d = rng.bytes(16, if k % 2 == 0 { &all } else { b64ish });
        reqs.push(("infer".into(), format!("T - 0 {}", hex(&d))));
        reqs.push(("infer".into(), format!("I {}", hex(&d))));
        reqs.push(("utf8_get".into(), format!("G {}", hex(&d))));
        reqs.push(("validate".into(), format!("V {}", hex(&d))));
    }
    run(&o, &reqs);
}

#[test]
fn iso2022_designations() {
    let Some(o) = oracle() else { return };
    let mut reqs = Vec::new();
    // every final octet after every designation form, then sample text
    for inter in [
        "(", ")", "*", "+", ",", "-", ".", "/", "$", "$(", "$)", "$*", "$+", "$,", "$-",
    ] {
        for fin in 0x20..0x80u8 {
            let mut d = vec![0x1b];
            d.extend_from_slice(inter.as_bytes());
            d.push(fin);
            d.extend_from_slice(
                b"\x21\x21\x30\x21\x5c\x7e\x0e\x41\x60\x0f\x1bN\x41\xa1\xb0\xc1\xfe",
            );
            reqs.push(("ISO-2022".into(), format!("T ISO-2022-JP 0 {}", hex(&d))));
        }
    }
    run(&o, &reqs);
}

#[test]
fn widths_titlecase_rules() {
    let Some(o) = oracle() else { return };
    let mut reqs = Vec::new();
    for (lo, hi) in [
        (0u32, 0x2ff),
        (0xad, 0xad),
        (0x1100, 0x11ff),
        (0x2000, 0x2200),
        (0xd7f0, 0xe010),
        (0xfff0, 0x10010),
        (0x1fff0, 0x20010),
        (0x2fff0, 0x40010),
        (0xdfff0, 0xe0010),
        (0xefff0, 0xf0010),
        (0x10fff0, 0x110010),
    ] {
        reqs.push(("width".into(), format!("W {lo:x} {hi:x}")));
    }
    run(&o, &reqs);
}

#[test]
fn cstext_round_trips() {
    let Some(o) = oracle() else { return };
    let mut rng = Rng(42);
    let mut reqs = Vec::new();
    let samples: Vec<Vec<u8>> = vec![
        "plain ascii".into(),
        "caf\u{e9} \u{a0}nbsp \u{20ac}uro".into(),
        "\u{65e5}\u{672c}\u{8a9e} \u{ff71}\u{ff72} \u{a5}\u{203e} abc".into(),
        "\u{441}\u{43b}\u{43e}\u{432}\u{43e} \u{3b1}\u{3b2}".into(),
        "\u{d55c}\u{ad6d}\u{c5b4} \u{4e2d}\u{6587}".into(),
        "\u{1f600} astral".into(),
        b"bad \xff utf8".to_vec(),
        "\u{feff}bom".into(),
    ];
    for c in registry::CHARSETS {
        for s in &samples {
            for errch in [0u32, 0x3f, 0x2121] {
                reqs.push((
                    format!("cstext {}", c.name),
                    format!("C {} {errch} {}", c.name, hex(s)),
                ));
            }
        }
        for _ in 0..5 {
            let mut s = Vec::new();
            for _ in 0..rng.below(8) {
                let cp = char::from_u32(rng.below(0x10000) as u32).unwrap_or('x');
                s.extend_from_slice(cp.to_string().as_bytes());
            }
            reqs.push((
                format!("cstext {}", c.name),
                format!("C {} 63 {}", c.name, hex(&s)),
            ));
        }
    }
    run(&o, &reqs);
}

#[test]
fn modified_utf7() {
    let Some(o) = oracle() else { return };
    let mut rng = Rng(7);
    let mut reqs = Vec::new();
    let names: Vec<&[u8]> = vec![
        b"INBOX",
        b"a&b",
        "caf\u{e9}".as_bytes(),
        "\u{65e5}\u{672c}\u{8a9e}/x".as_bytes(),
        "\u{1f600}\u{e9}".as_bytes(),
        b"\xc3",
        b"\xed\xa0\x80",
    ];
    for n in names {
        reqs.push(("to_mutf7".into(), format!("U {}", hex(n))));
    }
    let alphabet = b"&-+,/AZaz09 .";
    for _ in 0..3000 {
        let d = rng.bytes(12, alphabet);
        reqs.push(("from_mutf7".into(), format!("F {}", hex(&d))));
    }
    for _ in 0..1000 {
        let d = rng.bytes(
            8,
            &[
                b'a', b'&', 0xc3, 0xa9, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0x98, 0x80,
            ],
        );
        if !d.contains(&0) {
            reqs.push(("to_mutf7".into(), format!("U {}", hex(&d))));
        }
    }
    run(&o, &reqs);
}

fn mime_cases() -> Vec<Vec<u8>> {
    let fixed: Vec<&[u8]> = vec![
        b"=?utf-8?q?caf=C3=A9?=",
        b"=?utf-8?q?a?= =?utf-8?q?b?=",
        b"=?utf-8?q?a?=  \t =?utf-8?q?b?= c",
        b"=?utf-8?q?a?=\r\n =?utf-8?q?b?=",
        b"=?utf-8?q?a?=\n\t=?utf-8?q?b?=",
        b"=?utf-8?q?a?= x =?utf-8?q?b?=",
        b"x=?utf-8?q?a?=",
        b"=?iso-8859-1?b?6WzoYmU=?=",
        b"=?ISO-8859-15*fr?Q?=A4uro?= tail",
        b"=?x-unknown?q?=E9t=C3=A9?=",
        b"=?x-unknown?q?=E9t=E9?=",
        b"=??q?plain?=",
        b"=?utf-8?x?abc?=",
        b"=?utf-8?q?bad=G1?=",
        b"=?utf-8?b?!!!?=",
        b"=?utf-8?b?YQ==YQ?=",
        b"=?utf-8?q?a b?=",
        b"=?utf-8?q?a ?= end",
        b"=?utf-8?qq?a?=",
        b"=?utf.8?q?a?=",
        b"=?utf-8?q?under_score?=",
        b"=?iso-2022-jp?b?GyRCJEgkYhsoQg==?=",
        b"=?utf-8?q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=",
        b"=?utf-8?q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?=",
        b"Re: =?koi8-r?b?88XS1sHO1Q==?= (fwd)",
        b"=?utf-8?q?a?=",
        b"=?utf-8?q?ab?=",
        b"=?utf-8?q?a?=x",
    ];
    let mut v: Vec<Vec<u8>> = fixed.into_iter().map(|s| s.to_vec()).collect();
    // lengths around the 75-octet encoded-word limit
    for n in 60..70 {
        v.push(format!("=?utf-8?q?{}?= x", "a".repeat(n)).into_bytes());
        v.push(format!("=?utf-8?b?{}?=", "QUFB".repeat(n / 4)).into_bytes());
    }
    v
}

#[test]
fn mime2text_cases_and_random() {
    let Some(o) = oracle() else { return };
    let mut reqs = Vec::new();
    let cases = mime_cases();
    for c in &cases {
        for flags in [0, 2, 4, 6] {
            reqs.push(("mime2text fixed".into(), format!("M {flags} {}", hex(c))));
        }
    }
    // random splices of encoded-word fragments
    let frags: Vec<&[u8]> = vec![
        b"=?",
        b"?=",
        b"?q?",
        b"?Q?",
        b"?b?",
        b"?B?",
        b"utf-8",
        b"iso-8859-1",
        b"koi8-r*ru",
        b"=C3=A9",
        b"=E9",
        b"_",
        b" ",
        b"\t",
        b"\r\n ",
        b"\n",
        b"YWJj",
        b"6Q==",
        b"==",
        b"=",
        b"?",
        b"x",
        b"abc",
        b"\xe9",
        b"(",
        b".",
        b"\x00",
        b"=?utf-8?q?z?=",
        b"=?gbk?b?1tDOxA==?=",
    ];
    let mut rng = Rng(99);
    for _ in 0..20000 {
        let mut d = Vec::new();
        for _ in 0..rng.below(12) {
            d.extend_from_slice(frags[rng.below(frags.len())]);
        }
        let flags = [0, 0, 2, 6][rng.below(4)];
        reqs.push(("mime2text random".into(), format!("M {flags} {}", hex(&d))));
    }
    run(&o, &reqs);
}

#[test]
fn mime2text_corpus_headers() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("SKIP: ../shared/corpus is missing");
        return;
    }
    let Some(o) = oracle() else { return };
    let mut files = Vec::new();
    let mut stack = vec![corpus];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut lines = std::collections::BTreeSet::new();
    for f in files {
        let data = std::fs::read(&f).unwrap();
        // Every header field (with its folded continuation lines) that
        // contains an encoded-word opener.
        let mut field: Vec<u8> = Vec::new();
        for line in data.split(|&b| b == b'\n') {
            if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
                field.push(b'\n');
                field.extend_from_slice(line);
                continue;
            }
            if field.windows(2).any(|w| w == b"=?") && field.len() < 4000 {
                lines.insert(field.clone());
            }
            field = line.to_vec();
        }
    }
    let mut reqs = Vec::new();
    for l in &lines {
        let body = match l.iter().position(|&b| b == b':') {
            Some(p) => &l[p + 1..],
            None => &l[..],
        };
        reqs.push(("corpus".into(), format!("M 0 {}", hex(body))));
        reqs.push(("corpus canonical".into(), format!("M 6 {}", hex(body))));
    }
    eprintln!("corpus header fields with encoded words: {}", lines.len());
    let t = run(&o, &reqs);
    assert!(t["corpus"].1 > 100, "corpus provides header lines");
}
