//! The local subscription list, `~/.mailboxlist`: one mailbox name per
//! line, appended on subscribe and rewritten (through `~/.mlbxlsttmp`) on
//! unsubscribe, as the original's subscription manager keeps it.

use crate::env::user::{home_dir_or_empty, MAILTMPLEN};
use crate::store::events::Level;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// What a subscription call reports: success, and the log line if any.
pub type Outcome = (bool, Option<(Vec<u8>, Level)>);

fn file(name: &[u8]) -> std::path::PathBuf {
    let mut p = home_dir_or_empty();
    p.push(b'/');
    p.extend_from_slice(name);
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&p))
}

/// The list file.
pub fn list_path() -> std::path::PathBuf {
    file(b".mailboxlist")
}

fn canonical(mailbox: &[u8]) -> &[u8] {
    if mailbox.eq_ignore_ascii_case(b"INBOX") {
        b"INBOX"
    } else {
        mailbox
    }
}

/// The entries as the original's `fgets` loop reads them: pieces of at
/// most MAILTMPLEN-1 bytes, each cut at its newline (a longer line reads
/// as several entries; a NUL ends the entry where C would see its end).
pub fn entries(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let limit = rest.len().min(MAILTMPLEN - 1);
        let end = rest[..limit]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(limit, |p| p + 1);
        let piece = &rest[..end];
        rest = &rest[end..];
        let c_end = piece.iter().position(|&b| b == 0).unwrap_or(piece.len());
        let line = &piece[..c_end];
        let line = match line.iter().position(|&b| b == b'\n') {
            Some(p) => &line[..p],
            None => line,
        };
        out.push(line.to_vec());
    }
    out
}

fn error(text: impl Into<Vec<u8>>) -> Outcome {
    (false, Some((text.into(), Level::Error)))
}

fn shown(mailbox: &[u8]) -> &[u8] {
    &mailbox[..mailbox.len().min(80)]
}

/// `sm_subscribe`: appends `mailbox` unless it is already listed.
pub fn subscribe(mailbox: &[u8]) -> Outcome {
    let mailbox = canonical(mailbox);
    let path = list_path();
    if let Ok(text) = std::fs::read(&path) {
        if entries(&text).iter().any(|e| e == mailbox) {
            return error([b"Already subscribed to mailbox ", shown(mailbox)].concat());
        }
    }
    let Ok(mut f) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
    else {
        return error(&b"Can't append to subscription database"[..]);
    };
    let mut line = mailbox.to_vec();
    line.push(b'\n');
    (f.write_all(&line).is_ok(), None)
}

/// `sm_unsubscribe`: rewrites the list without `mailbox`.
pub fn unsubscribe(mailbox: &[u8]) -> Outcome {
    let mailbox = canonical(mailbox);
    let old = list_path();
    let Ok(text) = std::fs::read(&old) else {
        return error(&b"No subscriptions"[..]);
    };
    let temp = file(b".mlbxlsttmp");
    let Ok(mut tf) = std::fs::File::create(&temp) else {
        return error(&b"Can't create subscription temporary file"[..]);
    };
    let mut kept = Vec::with_capacity(text.len());
    let mut found = false;
    for e in entries(&text) {
        if e == mailbox {
            found = true;
        } else {
            kept.extend_from_slice(&e);
            kept.push(b'\n');
        }
    }
    if tf.write_all(&kept).and_then(|_| tf.flush()).is_err() {
        return error(&b"Can't write subscription temporary file"[..]);
    }
    drop(tf);
    if !found {
        return error([b"Not subscribed to mailbox ", shown(mailbox)].concat());
    }
    if std::fs::remove_file(&old).is_ok() && std::fs::rename(&temp, &old).is_ok() {
        return (true, None);
    }
    error(&b"Can't update subscription database"[..])
}

/// The subscribed names, in file order (`sm_read` walks the same list);
/// None when there is no list.
pub fn read() -> Option<Vec<Vec<u8>>> {
    std::fs::read(list_path()).ok().map(|t| entries(&t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::user::tests::logged_in;

    #[test]
    fn entries_split_like_fgets() {
        assert_eq!(entries(b"a\nb\n"), vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(entries(b"a\nb"), vec![b"a".to_vec(), b"b".to_vec()]);
        let long = vec![b'x'; 1500];
        let got = entries(&long);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), MAILTMPLEN - 1);
    }

    #[test]
    fn round_trip() {
        let dir = std::env::temp_dir().join(format!("cc-sm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let _g = logged_in(b"me", dir.as_os_str().as_bytes());
        assert_eq!(unsubscribe(b"x").1.unwrap().0, b"No subscriptions".to_vec());
        assert!(subscribe(b"inbox").0);
        assert!(subscribe(b"a/b").0);
        let (ok, msg) = subscribe(b"a/b");
        assert!(!ok);
        assert_eq!(
            msg.unwrap().0,
            b"Already subscribed to mailbox a/b".to_vec()
        );
        assert_eq!(
            std::fs::read(list_path()).unwrap(),
            b"INBOX\na/b\n".to_vec()
        );
        let (ok, msg) = unsubscribe(b"zz");
        assert!(!ok);
        assert_eq!(msg.unwrap().0, b"Not subscribed to mailbox zz".to_vec());
        assert!(unsubscribe(b"INBOX").0);
        assert_eq!(read(), Some(vec![b"a/b".to_vec()]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
