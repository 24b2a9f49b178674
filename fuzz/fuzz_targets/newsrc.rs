#![no_main]
//! Any bytes as a `.newsrc`: reading a group's state, listing, the state
//! text, UID checks and rewriting an entry must not panic; an entry
//! written afresh must read back as the read state it recorded.
use c_client::env::newsrc;
use c_client::store::events::Recorder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut ev = Recorder::new();
    // The first bytes choose the messages (UIDs 1.. with gaps) and which
    // of them are read; the rest is the file.
    let (head, file) = data.split_at(data.len().min(4));
    let mut msgs = Vec::new();
    let mut uid = 0u64;
    for (i, &b) in head.iter().enumerate() {
        for bit in 0..8 {
            uid += 1 + u64::from((b >> bit) & 1) * (i as u64 % 3);
            msgs.push((uid, (b >> (7 - bit)) & 1 == 1));
        }
    }
    let uids: Vec<u64> = msgs.iter().map(|m| m.0).collect();
    for group in [&b"a.b"[..], b"comp.lang.c", b""] {
        let _ = newsrc::read_from(Some(file.to_vec()), group, &uids, &mut ev);
        let _ = newsrc::state_from(Some(file.to_vec()), group, &mut ev);
        let (copy, nl, _) = newsrc::backup_copy(file);
        let _ = newsrc::rebuild(Some(copy), &nl, group, &msgs);
    }
    for pattern in [&b"#news.*"[..], b"#news.%", b"{h}#news.a.%", b"#"] {
        newsrc::lsub_from(file.to_vec(), pattern, &mut ev);
    }
    let (mut recent, mut unseen) = (0, 0);
    for u in 0..40 {
        newsrc::check_uid(file, u, &mut recent, &mut unseen);
    }
    // A fresh entry reads back as written.
    let fresh = newsrc::rebuild(None, b"\n", b"a.b", &msgs);
    let (marks, _) = newsrc::read_from(Some(fresh), b"a.b", &uids, &mut ev);
    for (m, &(_, read)) in marks.iter().zip(&msgs) {
        assert_eq!(m.deleted, read);
    }
});
