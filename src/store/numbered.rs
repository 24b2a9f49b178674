//! What the directory formats with one file per message (mx, mh) share:
//! message files named by number, the rule that no node of a mailbox name
//! may be all digits, and internal dates taken from a file's modification
//! time.

use crate::message::date::MailDate;
use crate::os::clock;

/// Whether a directory entry names a message file: digits only (the empty
/// name passes, as in the originals; no directory lists one).
pub fn is_message_name(n: &[u8]) -> bool {
    n.iter().all(u8::is_ascii_digit)
}

/// The originals' walk over a mailbox name, node by node: digits are
/// skipped; a `/` met while only digits were seen fails the name (an
/// all-digit or empty node); a node with a non-digit passes the whole name
/// unless another non-empty node follows it, which is then walked the
/// same way. A name that ends inside an all-digit node fails.
pub fn nodes_valid(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i].is_ascii_digit() {
            i += 1;
        } else if s[i] == b'/' {
            return false;
        } else {
            match s[i + 1..].iter().position(|&c| c == b'/') {
                Some(p) if i + 1 + p + 1 < s.len() => i = i + 1 + p + 1,
                _ => return true,
            }
        }
    }
    false
}

/// Internal date of a modification time, in UTC as the originals make it.
pub fn date_of_mtime(mtime: i64) -> MailDate {
    match clock::utc(mtime) {
        Some(t) => MailDate::from_fields(
            t.mday as u32,
            (t.mon + 1) as u32,
            (t.year - 70).max(0) as u32,
            t.hour as u32,
            t.min as u32,
            t.sec as u32,
            false,
            0,
            0,
        ),
        None => MailDate::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes() {
        assert!(nodes_valid(b"box"));
        assert!(nodes_valid(b"a/b"));
        assert!(!nodes_valid(b"123"));
        assert!(!nodes_valid(b"a/123/b"));
        assert!(!nodes_valid(b"12/b"));
        assert!(!nodes_valid(b""));
        assert!(nodes_valid(b"#mh/x"));
        assert!(nodes_valid(b"#mh/"));
        assert!(!nodes_valid(b"#mh/a/12"));
    }
}
