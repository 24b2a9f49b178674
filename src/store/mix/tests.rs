//! The mix driver on mailboxes built in scratch directories.

use super::format::*;
use super::*;
use crate::store::events::{Event, Recorder};

/// A scratch mix mailbox with `n` messages in one data file.
fn mailbox(tag: &str, n: u64) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("mix-unit-{}-{}", std::process::id(), tag));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let d = MailDate::from_fields(1, 1, 31, 0, 0, 1, false, 0, 0);
    let mut data = Vec::new();
    let mut index = seq_line(0x10);
    let mut status = seq_line(0x10);
    for uid in 1..=n {
        let msg = format!("Subject: {uid}\r\n\r\nbody {uid}\r\n").into_bytes();
        let pos = data.len() as u64;
        let head = message_header(uid, &d, msg.len() as u64);
        index.extend(index_line(
            uid,
            &d,
            msg.len() as u64,
            1,
            pos,
            head.len() as u64,
            header_size(&msg),
        ));
        status.extend(status_line(&StatusRecord {
            uid,
            user_flags: 0,
            flags: F_OLD,
            modseq: 0x10,
        }));
        data.extend(head);
        data.extend(msg);
    }
    let meta = meta_text(0x10, 0x20, n, 1, &[b"one".to_vec()]);
    fs::write(dir.join(".mixmeta"), meta).unwrap();
    fs::write(dir.join(".mixindex"), index).unwrap();
    fs::write(dir.join(".mixstatus"), status).unwrap();
    fs::write(dir.join(".mix00000001"), data).unwrap();
    dir.as_os_str().as_bytes().to_vec()
}

fn open(dir: &[u8], ev: &mut Recorder) -> Box<dyn Mailbox> {
    open_directory(dir, OpenOptions::default(), ev).expect("opens")
}

#[test]
fn reads_messages_and_flags() {
    let dir = mailbox("read", 3);
    let mut ev = Recorder::new();
    let mut mb = open(&dir, &mut ev);
    assert_eq!(mb.count(), 3);
    assert_eq!(mb.uid_validity(), 0x20);
    assert_eq!(mb.keywords(), &[b"one".to_vec()]);
    assert_eq!(mb.info(2).uid, 2);
    assert_eq!(&*mb.header(2, &mut ev).unwrap(), b"Subject: 2\r\n\r\n");
    assert_eq!(&*mb.text(2, &mut ev).unwrap(), b"body 2\r\n");
    mb.close(false, &mut ev);
    let _ = fs::remove_dir_all(os(&dir));
}

#[test]
fn two_sessions_see_flag_changes() {
    let dir = mailbox("share", 2);
    let mut ev = Recorder::new();
    let mut a = open(&dir, &mut ev);
    let mut b = open(&dir, &mut ev);
    a.store_flags(&[1], Flags::FLAGGED, 1, true, &mut ev)
        .unwrap();
    let mut evb = Recorder::new();
    assert!(b.ping(&mut evb).unwrap());
    assert!(evb.events.contains(&Event::Flags(1)));
    assert!(b.info(1).flags.contains(Flags::FLAGGED));
    assert_eq!(b.info(1).keywords, 1);
    a.close(false, &mut ev);
    b.close(false, &mut ev);
    let _ = fs::remove_dir_all(os(&dir));
}

#[test]
fn expunge_burps_the_data_file() {
    let dir = mailbox("burp", 3);
    let data = mix_file(&dir, b"00000001");
    let before = fs::metadata(os(&data)).unwrap().len();
    let mut ev = Recorder::new();
    let mut mb = open(&dir, &mut ev);
    mb.store_flags(&[2], Flags::DELETED, 0, true, &mut ev)
        .unwrap();
    assert_eq!(mb.expunge(None, &mut ev).unwrap(), 1);
    assert_eq!(mb.count(), 2);
    assert_eq!(&*mb.text(2, &mut ev).unwrap(), b"body 3\r\n");
    assert!(fs::metadata(os(&data)).unwrap().len() < before);
    mb.close(false, &mut ev);
    let mut mb = open(&dir, &mut ev);
    assert_eq!(mb.count(), 2);
    assert_eq!(mb.info(2).uid, 3);
    assert_eq!(&*mb.header(2, &mut ev).unwrap(), b"Subject: 3\r\n\r\n");
    mb.close(false, &mut ev);
    let _ = fs::remove_dir_all(os(&dir));
}

#[test]
fn damaged_metadata_is_refused_untouched() {
    for (i, bad) in [
        &b""[..],
        b"S1\r\nV0\r\n",
        b"garbage",
        b"S00000010\r\nKa  b\r\n",
    ]
    .iter()
    .enumerate()
    {
        let dir = mailbox(&format!("bad{i}"), 1);
        let meta = mix_file(&dir, b"meta");
        fs::write(os(&meta), bad).unwrap();
        let index = fs::read(os(&mix_file(&dir, b"index"))).unwrap();
        let mut ev = Recorder::new();
        assert!(open_directory(&dir, OpenOptions::default(), &mut ev).is_err());
        assert!(!ev.logged(Level::Error).is_empty());
        assert_eq!(fs::read(os(&meta)).unwrap(), *bad);
        assert_eq!(fs::read(os(&mix_file(&dir, b"index"))).unwrap(), index);
        let _ = fs::remove_dir_all(os(&dir));
    }
}

#[test]
fn expunge_with_a_position_near_the_top_of_u64_is_refused() {
    // A fuzzed index put a message at a position where position plus
    // size overflows: the expunge must refuse with an error, not panic,
    // and leave the data file as it was.
    let dir = mailbox("farpos", 2);
    let index_path = mix_file(&dir, b"index");
    let text = fs::read(os(&index_path)).unwrap();
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let r = parse_index(&lines[2][..lines[2].len() - 2]).unwrap();
    let far = u64::MAX - 4;
    let mut index = [lines[0], lines[1]].concat();
    index.extend(index_line(
        r.uid,
        &r.date(),
        r.size,
        r.file,
        far,
        r.hpos,
        r.hsize,
    ));
    fs::write(os(&index_path), &index).unwrap();
    let data = mix_file(&dir, b"00000001");
    let before = fs::read(os(&data)).unwrap();
    let mut ev = Recorder::new();
    let mut mb = open(&dir, &mut ev);
    mb.store_flags(&[1], Flags::DELETED, 0, true, &mut ev)
        .unwrap();
    let _ = mb.expunge(None, &mut ev);
    mb.close(false, &mut ev);
    assert_eq!(fs::read(os(&data)).unwrap(), before);
    let _ = fs::remove_dir_all(os(&dir));
}
