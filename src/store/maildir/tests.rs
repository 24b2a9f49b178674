//! The Maildir driver on scratch directories.

use super::*;
use crate::store::events::{Event, Recorder};

fn scratch(tag: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!(
        "maildir-rs-{}-{}-{}",
        tag,
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    let d = dir.as_os_str().as_bytes().to_vec();
    make_maildir(&d, false).unwrap();
    d
}

fn put(root: &[u8], sub: &str, file: &str, body: &str) {
    let p = join(&join(root, sub.as_bytes()), file.as_bytes());
    fs::write(os(&p), body).unwrap();
}

fn open(root: &[u8]) -> (Box<dyn Mailbox>, Recorder) {
    let mut ev = Recorder::new();
    let b = open_dir(root.to_vec(), b"test", OpenOptions::default(), &mut ev).unwrap();
    (b, ev)
}

fn msg(text: &str, flags: Flags, keywords: &[&str]) -> AppendMessage {
    AppendMessage {
        flags,
        keywords: keywords.iter().map(|k| k.as_bytes().to_vec()).collect(),
        date: None,
        message: text.as_bytes().to_vec(),
    }
}

#[test]
fn open_moves_new_assigns_uids_and_reads_dovecot_list() {
    let root = scratch("open");
    put(&root, "cur", "100.a.h,S=20:2,RS", "Subject: a\n\nbody a\n");
    put(&root, "cur", "101.b.h:2,Fa", "Subject: b\n\nbody b\n");
    put(&root, "new", "102.c.h", "Subject: c\n\nbody c\n");
    fs::write(
        os(&join(&root, b"dovecot-uidlist")),
        "3 V42 N8 Gabc\n5 :100.a.h,S=20\n7 :101.b.h\n",
    )
    .unwrap();
    fs::write(os(&join(&root, b"dovecot-keywords")), "0 $Forwarded\n").unwrap();
    let (mut b, ev) = open(&root);
    assert_eq!(b.count(), 3);
    assert_eq!(b.uid_validity(), 42);
    let uids: Vec<u32> = (1..=3).map(|n| b.info(n).uid).collect();
    assert_eq!(uids, [5, 7, 8]);
    assert_eq!(b.info(1).flags, Flags::ANSWERED.union(Flags::SEEN));
    assert_eq!(b.info(1).size, 20);
    assert_eq!(b.info(2).flags, Flags::FLAGGED);
    assert_eq!(b.info(2).keywords, 1);
    assert_eq!(b.keywords(), [b"$Forwarded".to_vec()]);
    assert!(b.info(3).flags.contains(Flags::RECENT));
    assert!(ev.events.contains(&Event::Exists(3)));
    // new/ moved to cur/ with an empty info; the list grew.
    assert!(fs::metadata(os(&join(&root, b"cur/102.c.h:2,"))).is_ok());
    let list = fs::read(os(&join(&root, b"dovecot-uidlist"))).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list),
        "3 V42 N9 Gabc\n5 :100.a.h,S=20\n7 :101.b.h\n8 :102.c.h\n"
    );
    let mut ev = Recorder::new();
    assert_eq!(&*b.header(3, &mut ev).unwrap(), b"Subject: c\r\n\r\n");
    assert_eq!(&*b.text(3, &mut ev).unwrap(), b"body c\r\n");
    // Flags become the name.
    b.store_flags(&[3], Flags::SEEN.union(Flags::DELETED), 1, false, &mut ev)
        .unwrap();
    assert!(fs::metadata(os(&join(&root, b"cur/102.c.h:2,STa"))).is_ok());
    assert_eq!(b.expunge(None, &mut ev).unwrap(), 1);
    assert_eq!(b.count(), 2);
    let list = fs::read(os(&join(&root, b"dovecot-uidlist"))).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list),
        "3 V42 N9 Gabc\n5 :100.a.h,S=20\n7 :101.b.h\n"
    );
    let _ = fs::remove_dir_all(os(&root));
}

#[test]
fn append_then_reopen_keeps_uids_flags_keywords() {
    let root = scratch("append");
    let mut ev = Recorder::new();
    let map = append_to(
        &root,
        b"t",
        &[
            msg("Subject: 1\r\n\r\none\r\n", Flags::NONE, &[]),
            msg(
                "Subject: 2\r\n\r\ntwo\r\n",
                Flags::SEEN,
                &["Junk", "$Label1"],
            ),
        ],
        true,
        &mut ev,
    )
    .unwrap()
    .unwrap();
    assert_eq!(map.dest, [1, 2]);
    let (mut b, _) = open(&root);
    assert_eq!(b.count(), 2);
    assert_eq!(b.uid_validity(), map.validity);
    assert_eq!(b.info(2).flags.minus(Flags::RECENT), Flags::SEEN);
    let kw: Vec<&[u8]> = (0..b.keywords().len())
        .filter(|i| b.info(2).keywords & (1 << i) != 0)
        .map(|i| &b.keywords()[i][..])
        .collect();
    assert_eq!(kw, [&b"Junk"[..], b"$Label1"]);
    assert_eq!(b.info(1).size, 19);
    assert_eq!(&*b.text(2, &mut ev).unwrap(), b"two\r\n");
    // Files vanishing behind our back: expunged at the next ping.
    let files = list_files(&root).unwrap();
    for f in &files {
        let _ = fs::remove_file(os(&join(&join(&root, b"cur"), &f.file)));
    }
    let mut ev = Recorder::new();
    assert!(b.text(1, &mut ev).is_err());
    assert!(b.ping(&mut ev).unwrap());
    assert_eq!(b.count(), 0);
    let _ = fs::remove_dir_all(os(&root));
}

#[test]
fn corrupt_uidlist_is_rebuilt_and_missing_cur_refused() {
    let root = scratch("bad");
    put(&root, "cur", "1.x.h:2,S", "a\n");
    fs::write(os(&join(&root, b"dovecot-uidlist")), "garbage\0\n").unwrap();
    let (b, ev) = open(&root);
    assert_eq!(b.count(), 1);
    assert_eq!(b.info(1).uid, 1);
    assert!(!ev.logged(Level::Warn).is_empty());
    fs::remove_dir_all(os(&join(&root, b"cur"))).unwrap();
    let mut ev = Recorder::new();
    let e = open_dir(root.clone(), b"x", OpenOptions::default(), &mut ev)
        .err()
        .unwrap();
    assert!(String::from_utf8_lossy(&e.text).contains("cur/"));
    let _ = fs::remove_dir_all(os(&root));
}

#[test]
fn next_uid_at_the_top_of_u32_does_not_overflow() {
    // A hostile uidlist's next UID is the largest there is, and two files
    // are not in the list: STATUS adds them to UIDNEXT without
    // overflowing, and a read-only open numbers them for the session.
    let root = scratch("topuid");
    put(&root, "cur", "1.x.h:2,S", "a\n");
    put(&root, "cur", "2.y.h:2,S", "b\n");
    let list = "3 V9 N4294967295\n";
    fs::write(os(&join(&root, b"dovecot-uidlist")), list).unwrap();
    let mut ev = Recorder::new();
    let st = status_of(&root).unwrap();
    assert_eq!(st.uid_next, Some(u32::MAX));
    let options = OpenOptions {
        read_only: true,
        ..Default::default()
    };
    let b = open_dir(root.clone(), b"t", options, &mut ev).unwrap();
    assert_eq!(b.count(), 2);
    assert_eq!(b.info(1).uid, u32::MAX);
    let _ = fs::remove_dir_all(os(&root));
}
