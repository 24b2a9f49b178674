#![no_main]
//! Any bytes as the files of a mix mailbox: the input is cut at "\n--\n"
//! into the metadata, index, status and one data file (.mix00000001). The
//! record parsers must not panic and must read back what they write; then
//! the files are put in a scratch directory and opened read-write (parse,
//! repairs, burp), every message's header and text read, and the mailbox
//! closed: no panic, whatever the contents.
use c_client::store::events::Recorder;
use c_client::store::mailbox::OpenOptions;
use c_client::store::mix::format::{self, Record, Records};
use c_client::store::mix::open_directory;
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::{AtomicU32, Ordering};

static RUN: AtomicU32 = AtomicU32::new(0);

fn split(input: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = input;
    while parts.len() < 3 {
        match rest.windows(4).position(|w| w == b"\n--\n") {
            Some(p) => {
                parts.push(&rest[..p]);
                rest = &rest[p + 4..];
            }
            None => break,
        }
    }
    parts.push(rest);
    while parts.len() < 4 {
        parts.push(b"");
    }
    parts
}

fuzz_target!(|input: &[u8]| {
    let parts = split(input);
    let (meta, index, status, data) = (parts[0], parts[1], parts[2], parts[3]);
    if let Ok(m) = format::parse_meta(meta) {
        let _ = m.lines.len();
    }
    for file in [index, status] {
        let mut recs = Records::new(file);
        let _ = recs.sequence();
        while let Record::Line(l) = recs.next_record("index") {
            if let Ok(r) = format::parse_index(l) {
                let fits = [r.uid, r.size, r.file, r.pos, r.hpos, r.hsize]
                    .iter()
                    .all(|&v| v <= 0xffff_ffff);
                if fits {
                    let line = format::index_line(r.uid, &r.date(), r.size, r.file, r.pos, r.hpos, r.hsize);
                    let again = format::parse_index(&line[..line.len() - 2]).expect("reads back");
                    assert_eq!(
                        (again.uid, again.size, again.file, again.pos, again.hpos, again.hsize),
                        (r.uid, r.size, r.file, r.pos, r.hpos, r.hsize)
                    );
                }
            }
            if let Some(r) = format::parse_status(l) {
                if [r.uid, r.user_flags, r.flags, r.modseq].iter().all(|&v| v <= 0xffff_ffff) && r.flags <= 0xffff {
                    let line = format::status_line(&r);
                    assert_eq!(format::parse_status(&line[..line.len() - 2]), Some(r));
                }
            }
        }
    }
    let _ = format::check_message_header(data, 1, data.len().min(64));
    // The whole driver on these files.
    let dir = std::env::temp_dir().join(format!(
        "mix-fuzz-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let files: [(&str, &[u8]); 4] = [
        (".mixmeta", meta),
        (".mixindex", index),
        (".mixstatus", status),
        (".mix00000001", data),
    ];
    for (name, bytes) in files {
        let _ = std::fs::write(dir.join(name), bytes);
    }
    let mut ev = Recorder::new();
    use std::os::unix::ffi::OsStrExt;
    if let Ok(mut mb) = open_directory(dir.as_os_str().as_bytes(), OpenOptions::default(), &mut ev) {
        for n in 1..=mb.count().min(50) {
            let _ = mb.header(n, &mut ev).map(|h| h.len());
            let _ = mb.text(n, &mut ev).map(|t| t.len());
        }
        let _ = mb.ping(&mut ev);
        if mb.count() > 0 {
            let _ = mb.store_flags(&[1], c_client::store::flags::Flags::DELETED, 1, false, &mut ev);
        }
        let _ = mb.expunge(None, &mut ev);
        mb.close(false, &mut ev);
    }
    let _ = std::fs::remove_dir_all(&dir);
});
