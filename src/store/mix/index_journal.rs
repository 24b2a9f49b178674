//! The journal of a mix index rewritten in place by an expunge while other
//! sessions have the mailbox open (`MixMailbox::shared_update`).
//!
//! The new index text goes to `.mixjournal` in the mailbox directory (or,
//! when none can be made there, to `/tmp/.<dev>.<ino>.mixjournal` after
//! the index file, see `compact::create_aside`), with its length, a hash
//! and the index file's identity, and is synced. The index is then
//! rewritten with its first byte (the `S` of the sequence record)
//! spoiled, which both libraries refuse ("Error in mix index file
//! sequence record"), and that byte is put back last. A kill in between
//! leaves a spoiled index and a complete journal: the next session that
//! locks the index for writing writes the journal's text again. A journal
//! found beside an index that is not spoiled is stale (killed before the
//! rewrite began, or after it ended) and goes.

use crate::store::compact::{self, Hash};
use std::fs::{self, File};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

const MAGIC: &[u8] = b"c-client mix index journal 1\n";
/// The magic line, then the text's length, its hash and the index file's
/// device, inode and birth time, fixed width.
const HEADER_LEN: usize = MAGIC.len() + 20 + 1 + 16 + 1 + 20 + 1 + 20 + 1 + 20 + 1;
/// The index's first byte while it is being rewritten.
const SPOILED: u8 = b'!';
const SUFFIX: &str = ".mixjournal";

fn os(p: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(p))
}

fn beside(dir: &[u8]) -> Vec<u8> {
    [dir, b"/", SUFFIX.as_bytes()].concat()
}

/// A journal written and synced; removed by `done` once the index is in
/// place.
pub struct Journal(Vec<u8>);

impl Journal {
    pub fn done(self) {
        let _ = fs::remove_file(os(&self.0));
    }
}

fn header(text: &[u8], id: compact::Id) -> Vec<u8> {
    let mut h = Hash::new();
    h.add(text);
    let line = format!(
        "{:020} {:016x} {:020} {:020} {:020}\n",
        text.len(),
        h.0,
        id.0,
        id.1,
        id.2
    );
    [MAGIC, line.as_bytes()].concat()
}

/// Writes the journal of `text`, the new contents of `index` (locked
/// exclusively by the caller) of the mix directory `dir`. None when no
/// journal can be made: the caller rewrites the old way.
pub fn begin(dir: &[u8], index: &File, text: &[u8]) -> Option<Journal> {
    if text.is_empty() {
        return None;
    }
    let id = compact::file_id(index).ok()?;
    let b = beside(dir);
    // A journal left now would have been dealt with when the index was
    // locked (`recover`); one still there is stale.
    let _ = fs::remove_file(os(&b));
    let (f, path) = compact::create_aside(&b, id, SUFFIX)?;
    let written = f
        .write_all_at(&[&header(text, id)[..], text].concat(), 0)
        .and_then(|()| f.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(os(&path));
        return None;
    }
    compact::sync_dir_of(&path);
    Some(Journal(path))
}

/// Rewrites `index` with `text`, its first byte spoiled until the rest
/// is in place.
pub fn write_spoiled(index: &File, text: &[u8]) -> io::Result<()> {
    index.write_all_at(&[SPOILED], 0)?;
    index.write_all_at(&text[1..], 1)?;
    index.set_len(text.len() as u64)?;
    index.sync_data()?;
    index.write_all_at(&text[..1], 0)
}

/// Finishes or drops what a killed session left (the caller holds `index`
/// locked exclusively). An error leaves the journal and the index as they
/// are (the index, spoiled, is refused by every reader).
pub fn recover(dir: &[u8], index: &File) -> io::Result<()> {
    let b = beside(dir);
    let path = if fs::symlink_metadata(os(&b)).is_ok() {
        b
    } else {
        match compact::tmp_left_for(&index.metadata()?, SUFFIX) {
            Some(t) => t,
            None => return Ok(()),
        }
    };
    let mut first = [0u8; 1];
    let spoiled = index.read_at(&mut first, 0)? == 1 && first[0] == SPOILED;
    if !spoiled {
        return fs::remove_file(os(&path));
    }
    let mut data = Vec::new();
    {
        use std::io::Read;
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(compact::NOFOLLOW)
            .open(os(&path))?
            .read_to_end(&mut data)?;
    }
    let id = compact::file_id(index)?;
    let text = data
        .get(HEADER_LEN..)
        .filter(|t| data[..HEADER_LEN] == header(t, id)[..]);
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the journal does not match the index",
        ));
    };
    write_spoiled(index, text)?;
    fs::remove_file(os(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> (Vec<u8>, File) {
        let d = std::env::temp_dir().join(format!("mixj-{}-{}", std::process::id(), name));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        let p = d.join(".mixindex");
        fs::write(&p, b"S00000001\r\n:a\r\n:b\r\n:c\r\n").unwrap();
        let f = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&p)
            .unwrap();
        (d.as_os_str().as_bytes().to_vec(), f)
    }

    #[test]
    fn a_killed_rewrite_is_finished_from_the_journal() {
        let (dir, f) = scratch("killed");
        let new = b"S00000002\r\n:a\r\n:c\r\n";
        let j = begin(&dir, &f, new).unwrap();
        // Killed half-way: spoiled, part of the new text written.
        f.write_all_at(b"!", 0).unwrap();
        f.write_all_at(&new[1..8], 1).unwrap();
        std::mem::forget(j);
        recover(&dir, &f).unwrap();
        let p = [&dir[..], b"/.mixindex"].concat();
        assert_eq!(fs::read(os(&p)).unwrap(), new);
        assert!(fs::symlink_metadata(os(&beside(&dir))).is_err());
    }

    #[test]
    fn a_journal_beside_a_whole_index_is_dropped() {
        let (dir, f) = scratch("stale");
        let j = begin(&dir, &f, b"S00000002\r\n:a\r\n").unwrap();
        std::mem::forget(j);
        recover(&dir, &f).unwrap();
        let p = [&dir[..], b"/.mixindex"].concat();
        assert_eq!(
            fs::read(os(&p)).unwrap(),
            b"S00000001\r\n:a\r\n:b\r\n:c\r\n"
        );
        assert!(fs::symlink_metadata(os(&beside(&dir))).is_err());
    }
}
