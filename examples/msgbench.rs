//! Per-file parse timing over a directory tree (development aid):
//! `cargo run --release --example msgbench -- DIR`.
use c_client::message::model::Collect;
use c_client::message::parse;
use std::time::Instant;

fn split(text: &[u8]) -> usize {
    let n = text.iter().position(|&c| c == 0).unwrap_or(text.len());
    (0..n)
        .find_map(|p| {
            if text[p..].starts_with(b"\n\n") {
                Some(p + 2)
            } else if text[p..].starts_with(b"\r\n\r\n") {
                Some(p + 4)
            } else {
                None
            }
        })
        .unwrap_or(text.len())
}

fn main() {
    let root = std::env::args().nth(1).expect("directory");
    let mut stack = vec![std::path::PathBuf::from(root)];
    let mut times = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let m = std::fs::read(&p).expect("read");
            let t = Instant::now();
            for _ in 0..5 {
                let hl = split(&m);
                let mut c = Collect::default();
                let r = parse::parse_msg_full(
                    &m[..hl],
                    Some(parse::BodyText {
                        data: &m[hl..],
                        base: 0,
                    }),
                    Some(b"h"),
                    0,
                    0,
                    &mut c,
                );
                std::hint::black_box(r);
            }
            times.push((t.elapsed().as_secs_f64(), m.len(), p));
        }
    }
    times.sort_by(|a, b| b.0.partial_cmp(&a.0).expect("finite"));
    let total: f64 = times.iter().map(|t| t.0).sum();
    println!("total {total:.3}s");
    for (t, n, p) in times.iter().take(8) {
        println!("{t:.4}s {n} {}", p.display());
    }
}
