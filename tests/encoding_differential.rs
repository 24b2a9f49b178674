//! Differential test of the transfer encodings against the original c-client.
//!
//! `c-tests/unit/encodings/encodings_diff.c` is compiled against the installed
//! original; every input goes through rfc822_base64, rfc822_binary,
//! rfc822_qprint and rfc822_8bit there and through our functions here, and
//! the records (results and logged warnings) must be identical.
//! Inputs: `c-tests/unit/encodings/inputs.txt`, generated buffers, and the
//! files and blank-line separated blocks of `../shared/corpus`.

use c_client::message::encoding::{base64_decode, base64_encode, qprint_decode, qprint_encode};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod common;
use common::{compile_oracle, oracle_command, our_lib, repo, run_with_input};

/// mm_log level the original uses for these warnings.
const PARSE: u32 = 3;

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for c in b {
        let _ = write!(s, "{c:02x}");
    }
    s
}

fn record(out: &mut Vec<String>, name: &str, data: Option<&[u8]>) {
    out.push(match data {
        Some(d) => format!("{name} {} {}", d.len(), hex(d)),
        None => format!("{name} NIL"),
    });
}

fn rust_records(input: &[u8]) -> Vec<String> {
    let mut out = vec![format!("IN {}", input.len())];
    match base64_decode(input) {
        Some(d) => {
            for w in &d.warnings {
                out.push(format!("LOG {PARSE} {}", hex(w)));
            }
            record(&mut out, "B64", Some(&d.data));
        }
        None => record(&mut out, "B64", None),
    }
    record(&mut out, "BIN", Some(&base64_encode(input)));
    let q = qprint_decode(input);
    for w in &q.warnings {
        out.push(format!("LOG {PARSE} {}", hex(w)));
    }
    record(&mut out, "QP", Some(&q.data));
    record(&mut out, "8B", Some(&qprint_encode(input)));
    out
}

/// Reads the committed list: one input per line with C-like escapes.
fn listed_inputs() -> Vec<Vec<u8>> {
    let text = std::fs::read(repo().join("c-tests/unit/encodings/inputs.txt")).unwrap();
    let mut v = Vec::new();
    for line in text.split(|&c| c == b'\n') {
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < line.len() {
            if line[i] == b'\\' && i + 1 < line.len() {
                i += 1;
                match line[i] {
                    b'r' => out.push(b'\r'),
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'0' => out.push(0),
                    b'x' => {
                        let h = std::str::from_utf8(&line[i + 1..i + 3]).unwrap();
                        out.push(u8::from_str_radix(h, 16).unwrap());
                        i += 2;
                    }
                    c => out.push(c),
                }
            } else {
                out.push(line[i]);
            }
            i += 1;
        }
        v.push(out);
    }
    // The split leaves one empty element after the final newline: drop it.
    if text.ends_with(b"\n") {
        v.pop();
    }
    v
}

fn generated_inputs() -> Vec<Vec<u8>> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabets: [&[u8]; 5] = [
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \r\n\t",
        b"AQgw+/== \r\n!\x0b\x00",
        b"=0123456789ABCDEFabcdefgz \t\r\n",
        b"ab =\r\n\t\x80\x7f",
    ];
    let mut v = Vec::new();
    // Every length from 0 to 200 of random bytes: line-length edges.
    for len in 0..=200usize {
        v.push((0..len).map(|_| next() as u8).collect());
    }
    for round in 0..4000 {
        let len = (next() % 300) as usize;
        let alpha = alphabets[round % alphabets.len()];
        v.push(
            (0..len)
                .map(|_| alpha[(next() % alpha.len() as u64) as usize])
                .collect(),
        );
    }
    // Valid base64 of random data, with and without damage after it.
    for len in 0..120usize {
        let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let enc = base64_encode(&data);
        v.push(enc.clone());
        let mut damaged = enc;
        damaged.extend_from_slice(b"\r\nTrailer added by a list\r\n");
        v.push(damaged);
    }
    v
}

fn corpus_inputs() -> Option<Vec<Vec<u8>>> {
    let root = repo().join("../shared/corpus");
    if !root.is_dir() {
        return None;
    }
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for ent in rd.flatten() {
            let p = ent.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut v = Vec::new();
    let mut blocks = std::collections::BTreeSet::new();
    let mut block_bytes = 0usize;
    for p in files {
        let Ok(data) = std::fs::read(&p) else {
            continue;
        };
        // Split into blank-line separated blocks: header blocks, and body
        // parts such as whole base64 or quoted-printable sections.
        let norm: Vec<u8> = data.iter().copied().filter(|&c| c != b'\r').collect();
        for b in norm
            .split_inclusive(|&c| c == b'\n')
            .collect::<Vec<_>>()
            .split(|l| *l == b"\n")
        {
            let block: Vec<u8> = b.concat();
            if block.is_empty() || block_bytes > 24 << 20 {
                continue;
            }
            // Feed both the LF form and the CRLF form the original sees in
            // messages it fetched.
            let crlf: Vec<u8> = block
                .iter()
                .flat_map(|&c| {
                    if c == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![c]
                    }
                })
                .collect();
            block_bytes += block.len() + crlf.len();
            blocks.insert(block);
            blocks.insert(crlf);
        }
        if data.len() < 1 << 20 {
            v.push(data);
        }
    }
    v.extend(blocks);
    Some(v)
}

// --- running the original -------------------------------------------------

fn build_probe() -> Result<PathBuf, String> {
    static PROBE: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    PROBE.get_or_init(compile_probe).clone()
}

fn compile_probe() -> Result<PathBuf, String> {
    compile_oracle(
        "gcc",
        &[],
        "c-tests/unit/encodings/encodings_diff.c",
        "ccl-enc-diff",
        "encodings_diff",
    )
}

fn run_probe(exe: &Path, inputs: &[Vec<u8>]) -> Vec<String> {
    run_probe_on(exe, inputs, None)
}

/// Runs the probe, against our library when `lib` names its directory.
fn run_probe_on(exe: &Path, inputs: &[Vec<u8>], lib: Option<&Path>) -> Vec<String> {
    let mut cmd = oracle_command(exe);
    if let Some(lib) = lib {
        cmd.env("LD_LIBRARY_PATH", lib);
    }
    let mut data = String::new();
    for i in inputs {
        data.push_str(&hex(i));
        data.push('\n');
    }
    String::from_utf8(run_with_input(cmd, data.into_bytes()))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Splits probe output into one group of records per input.
fn groups(lines: &[String]) -> Vec<Vec<String>> {
    let mut g: Vec<Vec<String>> = Vec::new();
    for l in lines {
        if l.starts_with("IN ") {
            g.push(Vec::new());
        }
        if let Some(last) = g.last_mut() {
            last.push(l.clone());
        }
    }
    g
}

fn compare(label: &str, inputs: &[Vec<u8>]) {
    let exe = match build_probe() {
        Ok(p) => p,
        Err(why) => {
            eprintln!("SKIP: {why}; the differential encoding test needs the original c-client");
            return;
        }
    };
    let c = groups(&run_probe(&exe, inputs));
    assert_eq!(
        c.len(),
        inputs.len(),
        "{label}: probe answered {} of {} inputs",
        c.len(),
        inputs.len()
    );
    let mut bad = Vec::new();
    let mut calls = 0;
    for (inp, cg) in inputs.iter().zip(&c) {
        let rg = rust_records(inp);
        calls += 4;
        if *cg != rg {
            let short = |v: &[String]| {
                v.iter()
                    .map(|l| l.chars().take(200).collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\n    ")
            };
            bad.push(format!(
                "input {:?}\n  original:\n    {}\n  ours:\n    {}",
                String::from_utf8_lossy(&inp[..inp.len().min(120)]),
                short(cg),
                short(&rg)
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{label}: {} of {} inputs differ:\n{}",
        bad.len(),
        inputs.len(),
        bad[..bad.len().min(10)].join("\n")
    );
    eprintln!(
        "{label}: {} inputs, {calls} calls, all identical",
        inputs.len()
    );
}

#[test]
fn encodings_match_original_on_listed_inputs() {
    let inputs = listed_inputs();
    assert!(inputs.len() > 80);
    compare("encodings inputs.txt", &inputs);
}

#[test]
fn encodings_match_original_on_generated_inputs() {
    compare("generated buffers", &generated_inputs());
}

#[test]
fn encodings_match_original_on_corpus() {
    let Some(inputs) = corpus_inputs() else {
        eprintln!("SKIP: ../shared/corpus not present");
        return;
    };
    compare("corpus files and blocks", &inputs);
}

/// The probe linked to the original, run against our library (build/lib
/// from `make`): results, lengths and logged warnings must be the original's.
#[test]
fn our_library_matches_original_through_the_c_abi() {
    let exe = match build_probe() {
        Ok(p) => p,
        Err(why) => {
            eprintln!("SKIP: {why}");
            return;
        }
    };
    let Some(lib) = our_lib() else {
        eprintln!("SKIP: build/lib/libc-client.so.2007e not built (run make)");
        return;
    };
    let mut inputs = listed_inputs();
    inputs.extend(generated_inputs());
    if let Some(c) = corpus_inputs() {
        inputs.extend(c);
    }
    let c = run_probe(&exe, &inputs);
    let ours = run_probe_on(&exe, &inputs, Some(&lib));
    assert_eq!(c.len(), ours.len(), "record counts differ");
    let bad = c.iter().zip(&ours).filter(|(a, b)| a != b).count();
    if let Some((a, b)) = c.iter().zip(&ours).find(|(a, b)| a != b) {
        panic!(
            "{bad} of {} records differ; first:\n  original: {}\n  ours:     {}",
            c.len(),
            a.chars().take(300).collect::<String>(),
            b.chars().take(300).collect::<String>()
        );
    }
    eprintln!(
        "ABI encodings: {} inputs, {} records identical",
        inputs.len(),
        c.len()
    );
}
