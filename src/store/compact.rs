//! Compaction of the single-file formats with length-prefixed records
//! (mbx, tenex, mtx) that survives the process being killed at any point.
//!
//! The original moves the kept messages down over the expunged ones in
//! place: a process killed part-way leaves a message overwritten by the
//! start of the next one, and since every record says how long it is, the
//! file no longer parses after that point. Here the bytes that will end
//! up from the first moved message to the new end of the file (the
//! "image") are first written to a journal file beside the mailbox
//! (`.NAME.compacting`), synced, and only then copied into place; the file
//! is then cut and the journal removed. The mailbox keeps its inode (its
//! session lock is named after it, and appenders of the original wait on
//! that lock holding the file open).
//!
//! When the mailbox's directory is not writable (a spool directory), the
//! journal and the append marker go to `/tmp`, named after the mailbox
//! file's device and inode as its session lock is (`/tmp/.<dev>.<ino>`
//! with `.compacting` or `.appending` after it); such a file counts only
//! when it is a plain file of the process's user or the mailbox's owner.
//!
//! A session that opens the mailbox for writing and finds a journal
//! finishes the work (`recover`): a complete journal is copied into place
//! again (messages appended after the kill, past the old end, are kept
//! after the image); an incomplete one (killed while writing it) is
//! removed, the mailbox having not been touched yet.

use super::events::{Events, Level};
use std::fs::{self, File};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

/// One kept message moving down: `len` bytes from `from` to `to`.
#[derive(Clone, Copy, Debug)]
pub struct Move {
    pub from: u64,
    pub to: u64,
    pub len: u64,
}

/// Journals of version 2 carry an FNV-1a hash of the image, checked before
/// one is used; version 3 (written now) is made in order instead: the image
/// is synced before the header is written, so a journal with a header has
/// its whole image (the image is copied inside the kernel, without a pass
/// through this process to hash it).
const MAGIC: &[u8] = b"c-client mailbox compaction journal 3\n";
const MAGIC_HASHED: &[u8] = b"c-client mailbox compaction journal 2\n";
/// The journal's header: the magic line, then the image's place, its
/// length, the mailbox size before, the image's hash, and the mailbox
/// file's device, inode and birth time (a journal never goes to another
/// file of the same name, nor to a later file that reuses the inode),
/// fixed width.
const HEADER_LEN: u64 =
    MAGIC.len() as u64 + 20 + 1 + 20 + 1 + 20 + 1 + 16 + 1 + 20 + 1 + 20 + 1 + 20 + 1;
const CHUNK: usize = 1 << 16;

fn os(p: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(p))
}

/// The journal of the mailbox file at `path`.
pub fn journal_path(path: &[u8]) -> Vec<u8> {
    let (dir, base) = match path.iter().rposition(|&c| c == b'/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => (&b""[..], path),
    };
    [dir, b".", base, b".compacting"].concat()
}

/// Identity of a mailbox file: device, inode, birth time (ns; 0 where the
/// file system keeps none).
pub(crate) type Id = (u64, u64, u64);

/// `/tmp/.<dev>.<ino><suffix>`: where the journal (`.compacting`) or the
/// append marker (`.appending`) of the file with identity `id` goes when
/// none can be made beside the mailbox.
pub fn tmp_path(id: Id, suffix: &str) -> Vec<u8> {
    let mut p = crate::store::lock::session_lock_name(b"/tmp", id.0, id.1);
    p.extend_from_slice(suffix.as_bytes());
    p
}

fn meta_id(m: &fs::Metadata) -> Id {
    use std::os::unix::fs::MetadataExt;
    let born = m
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (m.dev(), m.ino(), born)
}

/// Whether a file in `/tmp` may be taken for a journal or marker of the
/// mailbox owned by `owner`: a plain file with one name, of this
/// process's user or of the mailbox's owner (anybody may make files in
/// `/tmp`).
fn trusted(m: &fs::Metadata, owner: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.file_type().is_file()
        && m.nlink() == 1
        && (m.uid() == crate::os::user::effective_uid() || m.uid() == owner)
}

/// The `/tmp` file for the mailbox at `path` with `suffix`, when there is
/// a trusted one.
fn tmp_left(path: &[u8], suffix: &str) -> Option<Vec<u8>> {
    tmp_left_for(&fs::metadata(os(path)).ok()?, suffix)
}

/// The same for the file whose metadata is `m`.
pub(crate) fn tmp_left_for(m: &fs::Metadata, suffix: &str) -> Option<Vec<u8>> {
    use std::os::unix::fs::MetadataExt;
    let t = tmp_path(meta_id(m), suffix);
    let tm = fs::symlink_metadata(os(&t)).ok()?;
    trusted(&tm, m.uid()).then_some(t)
}

/// Makes a new file for a journal or marker: beside the mailbox (`beside`)
/// or, when that cannot be made, in `/tmp` after the mailbox file's
/// identity. The file and its path, or None.
pub(crate) fn create_aside(beside: &[u8], id: Id, suffix: &str) -> Option<(File, Vec<u8>)> {
    let make = |p: &[u8]| {
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(NOFOLLOW)
            .open(os(p))
    };
    if let Ok(f) = make(beside) {
        return Some((f, beside.to_vec()));
    }
    let t = tmp_path(id, suffix);
    if let Ok(m) = fs::symlink_metadata(os(&t)) {
        // Left by a process of ours that died after its mailbox went (a
        // live one would hold the mailbox's lock): ours to replace.
        if trusted(&m, u32::MAX) {
            let _ = fs::remove_file(os(&t));
        }
    }
    make(&t).ok().map(|f| (f, t))
}

/// `O_NOFOLLOW`: a journal or marker is never reached through a link.
pub(crate) const NOFOLLOW: i32 = 0o400000;

/// Whether a journal is left for the mailbox at `path`.
pub fn pending(path: &[u8]) -> bool {
    fs::symlink_metadata(os(&journal_path(path))).is_ok() || tmp_left(path, ".compacting").is_some()
}

/// The mailbox file at `path` was renamed to `to` (or deleted, None; the
/// caller still has it open as `file`): its journal and marker, if any,
/// follow it (those in `/tmp` are named after the file, not its name, and
/// go only with the file).
pub fn moved(path: &[u8], to: Option<&[u8]>, file: Option<&File>) {
    if to.is_none() {
        if let Some(id) = file.and_then(|f| f.metadata().ok()).map(|m| meta_id(&m)) {
            for suffix in [".compacting", ".appending"] {
                let t = tmp_path(id, suffix);
                if fs::symlink_metadata(os(&t)).is_ok_and(|m| trusted(&m, u32::MAX)) {
                    let _ = fs::remove_file(os(&t));
                }
            }
        }
    }
    for which in 0..2 {
        let f = |p: &[u8]| {
            if which == 0 {
                journal_path(p)
            } else {
                marker_path(p)
            }
        };
        let j = f(path);
        if fs::symlink_metadata(os(&j)).is_err() {
            continue;
        }
        match to {
            Some(t) => {
                let _ = fs::rename(os(&j), os(&f(t)));
            }
            None => {
                let _ = fs::remove_file(os(&j));
            }
        }
    }
}

/// FNV-1a, 64 bits.
pub(crate) struct Hash(pub(crate) u64);

impl Hash {
    pub(crate) fn new() -> Self {
        Hash(0xcbf2_9ce4_8422_2325)
    }
    pub(crate) fn add(&mut self, data: &[u8]) {
        for &b in data {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn header(at: u64, len: u64, old_size: u64, hash: u64, id: Id) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(
        format!(
            "{at:020} {len:020} {old_size:020} {hash:016x} {:020} {:020} {:020}\n",
            id.0, id.1, id.2
        )
        .as_bytes(),
    );
    h
}

/// The identity of an open file.
pub(crate) fn file_id(f: &File) -> io::Result<Id> {
    Ok(meta_id(&f.metadata()?))
}

/// A journal's header.
struct Header {
    /// Version 2: the image's hash is to be checked.
    hashed: bool,
    at: u64,
    len: u64,
    old_size: u64,
    hash: u64,
    id: Id,
}

fn parse_header(h: &[u8]) -> Option<Header> {
    let (hashed, rest) = match h.strip_prefix(MAGIC) {
        Some(rest) => (false, rest),
        None => (true, h.strip_prefix(MAGIC_HASHED)?),
    };
    let text = std::str::from_utf8(rest.strip_suffix(b"\n")?).ok()?;
    let mut it = text.split(' ');
    let at = it.next()?.parse().ok()?;
    let len = it.next()?.parse().ok()?;
    let old_size = it.next()?.parse().ok()?;
    let hash = u64::from_str_radix(it.next()?, 16).ok()?;
    let dev = it.next()?.parse().ok()?;
    let ino = it.next()?.parse().ok()?;
    let born = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Some(Header {
        hashed,
        at,
        len,
        old_size,
        hash,
        id: (dev, ino, born),
    })
}

pub(crate) fn sync_dir_of(path: &[u8]) {
    let dir = match path.iter().rposition(|&c| c == b'/') {
        Some(0) => &b"/"[..],
        Some(i) => &path[..i],
        None => &b"."[..],
    };
    if let Ok(d) = File::open(os(dir)) {
        let _ = d.sync_all();
    }
}

/// Copies `len` bytes of `src` from `src_at` to `dst` at `dst_at`: inside
/// the kernel while it can, the rest through a buffer (a file system or
/// kernel without `copy_file_range`, or an error, which the buffered
/// write then reports). `src` and `dst` are different files.
fn copy(src: &File, src_at: u64, dst: &File, dst_at: u64, len: u64) -> io::Result<()> {
    let mut done = crate::os::file::copy_range(src, src_at, dst, dst_at, len).unwrap_or(0);
    let mut buf = Vec::new();
    while done < len {
        let n = (len - done).min(CHUNK as u64) as usize;
        buf.resize(n, 0);
        src.read_exact_at(&mut buf, src_at + done)?;
        dst.write_all_at(&buf, dst_at + done)?;
        done += n as u64;
    }
    Ok(())
}

/// Copies the journal's image (`len` bytes after the header) to `at` in
/// the mailbox.
fn put_image(file: &File, journal: &File, at: u64, len: u64) -> io::Result<()> {
    copy(journal, HEADER_LEN, file, at, len)
}

/// Moves `moves` (in file order, each going down, together covering
/// everything from the first one's destination to `new_size`) and cuts
/// the mailbox file `file` (at `path`) to `new_size`, through a journal.
/// `Ok(false)`: no journal could be made (say the directory is not
/// writable) and nothing was changed: the caller compacts the old way.
/// An error after the journal is complete leaves it for `recover`.
pub fn compact(file: &File, path: &[u8], moves: &[Move], new_size: u64) -> io::Result<bool> {
    let Some(first) = moves.first() else {
        file.set_len(new_size)?;
        return Ok(true);
    };
    let at = first.to;
    let len = new_size.saturating_sub(at);
    let old_size = file.metadata()?.len();
    let id = file_id(file)?;
    let Some((journal, jpath)) = create_aside(&journal_path(path), id, ".compacting") else {
        return Ok(false);
    };
    let written = (|| -> io::Result<()> {
        let mut out = HEADER_LEN;
        // Moves that follow each other in the file go in one copy.
        let mut i = 0;
        while i < moves.len() {
            let from = moves[i].from;
            let mut n = moves[i].len;
            i += 1;
            while i < moves.len() && moves[i].from == from + n {
                n += moves[i].len;
                i += 1;
            }
            copy(file, from, &journal, out, n)?;
            out += n;
        }
        if out - HEADER_LEN != len {
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        // The image first, then the header that makes it count.
        journal.sync_data()?;
        journal.write_all_at(&header(at, len, old_size, 0, id), 0)?;
        journal.sync_all()
    })();
    if written.is_err() {
        drop(journal);
        let _ = fs::remove_file(os(&jpath));
        // Nothing in the mailbox was touched.
        return Ok(false);
    }
    sync_dir_of(&jpath);
    put_image(file, &journal, at, len)?;
    file.set_len(new_size)?;
    fs::remove_file(os(&jpath))?;
    file.sync_all()?;
    Ok(true)
}

/// The original's compaction, for when no journal can be made: each move
/// done in place, the file cut to `new_size`; a write error goes to the
/// program (`mm_diskerror`), which may have it retried.
pub fn in_place(file: &File, moves: &[Move], new_size: u64, ev: &mut dyn Events) {
    for m in moves {
        let mut moved = vec![0u8; m.len as usize];
        let _ = file.read_exact_at(&mut moved, m.from);
        while let Err(e) = file.write_all_at(&moved, m.to) {
            ev.notify(&super::dummy::error_text(&e), Level::Warn);
            if ev.disk_error(e.raw_os_error().unwrap_or(0), true) {
                break;
            }
        }
    }
    let _ = file.set_len(new_size);
}

/// Finishes or drops a compaction left by a killed process, for the
/// mailbox file `file` at `path` (the caller holds the mailbox's session
/// lock and is alone on the file). True when the mailbox was changed.
pub fn recover(file: &File, path: &[u8]) -> io::Result<bool> {
    let mut jpath = journal_path(path);
    if fs::symlink_metadata(os(&jpath)).is_err() {
        match tmp_left(path, ".compacting") {
            Some(t) => jpath = t,
            None => return Ok(false),
        }
    }
    let journal = match fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(NOFOLLOW)
        .open(os(&jpath))
    {
        Ok(j) => j,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if !journal.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "compaction journal is not a file",
        ));
    }
    let jsize = journal.metadata()?.len();
    let mut h = vec![0u8; HEADER_LEN.min(jsize) as usize];
    journal.read_exact_at(&mut h, 0)?;
    let id = file_id(file)?;
    let valid = parse_header(&h).filter(|h| {
        jsize.checked_sub(HEADER_LEN) == Some(h.len)
            && h.at.checked_add(h.len).is_some_and(|e| e <= h.old_size)
            && h.id == id
    });
    let Some(Header {
        hashed,
        at,
        len,
        old_size,
        hash,
        ..
    }) = valid
    else {
        // Killed while writing the journal (the mailbox is as it was), or
        // left for a file since replaced.
        drop(journal);
        fs::remove_file(os(&jpath))?;
        return Ok(false);
    };
    let mut sum = Hash::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    while hashed && done < len {
        let n = (len - done).min(CHUNK as u64) as usize;
        journal.read_exact_at(&mut buf[..n], HEADER_LEN + done)?;
        sum.add(&buf[..n]);
        done += n as u64;
    }
    if hashed && sum.0 != hash {
        drop(journal);
        fs::remove_file(os(&jpath))?;
        return Ok(false);
    }
    let size = file.metadata()?.len();
    if size < old_size {
        // Cut already (killed just before the journal went): the image is
        // in place, and the file may have been used since.
        drop(journal);
        fs::remove_file(os(&jpath))?;
        return Ok(false);
    }
    // Messages appended after the kill (past the old end) go after the
    // image; first into a new journal, so that they too survive a kill.
    let tail = size - old_size;
    let (journal, len) = if tail > 0 {
        let npath = [&jpath[..], b".new"].concat();
        let _ = fs::remove_file(os(&npath));
        let nj = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(NOFOLLOW)
            .open(os(&npath))?;
        copy(&journal, HEADER_LEN, &nj, HEADER_LEN, len)?;
        copy(file, old_size, &nj, HEADER_LEN + len, tail)?;
        let nlen = len + tail;
        nj.sync_data()?;
        nj.write_all_at(&header(at, nlen, size, 0, id), 0)?;
        nj.sync_all()?;
        fs::rename(os(&npath), os(&jpath))?;
        sync_dir_of(&jpath);
        (nj, nlen)
    } else {
        (journal, len)
    };
    put_image(file, &journal, at, len)?;
    file.set_len(at + len)?;
    drop(journal);
    fs::remove_file(os(&jpath))?;
    file.sync_all()?;
    Ok(true)
}

/// The append marker of the mailbox file at `path`.
pub fn marker_path(path: &[u8]) -> Vec<u8> {
    let j = journal_path(path);
    let base = j.strip_suffix(b".compacting").unwrap_or(&j);
    [base, b".appending"].concat()
}

/// Whether an append marker is left for the mailbox at `path` (an
/// appender died before it finished).
pub fn append_pending(path: &[u8]) -> bool {
    fs::symlink_metadata(os(&marker_path(path))).is_ok() || tmp_left(path, ".appending").is_some()
}

/// An append under way: the marker file beside the mailbox that says
/// where the mailbox ended before, so that the record a writer killed
/// part-way leaves cut short can be told from damage and cut off
/// (`repair_append`). Removed by `done`.
pub struct AppendMark(Vec<u8>);

/// Before an append or copy into the mailbox file `file` at `path` (the
/// caller holds the session lock exclusively): writes the marker. None
/// when it cannot be written (say the directory is not writable); the
/// append goes on without it, as the original's.
pub fn begin_append(file: &File, path: &[u8]) -> Option<AppendMark> {
    let size = file.metadata().ok()?.len();
    let id = file_id(file).ok()?;
    let (dev, ino, _) = id;
    let _ = fs::remove_file(os(&marker_path(path)));
    let (f, m) = create_aside(&marker_path(path), id, ".appending")?;
    if f.write_all_at(format!("{dev} {ino} {size}\n").as_bytes(), 0)
        .is_err()
    {
        drop(f);
        let _ = fs::remove_file(os(&m));
        return None;
    }
    Some(AppendMark(m))
}

impl AppendMark {
    /// The append is over (written and synced, or undone).
    pub fn done(self) {
        let _ = fs::remove_file(os(&self.0));
    }
}

/// After an appender died (its marker is left; the caller holds the
/// session lock exclusively): walks the records written since the marked
/// size with `record_len` (a record's whole length from its first bytes,
/// `peek` of them) and cuts off the last one if it is unfinished (see
/// `unfinished`). Returns where the file was cut. The marker is removed
/// unless something follows an unfinished record (left for a person to
/// look at: nothing is cut then).
pub fn repair_append(
    file: &File,
    path: &[u8],
    peek: usize,
    record_len: impl Fn(&[u8]) -> Option<u64>,
) -> io::Result<Option<u64>> {
    let mut m = marker_path(path);
    if fs::symlink_metadata(os(&m)).is_err() {
        match tmp_left(path, ".appending") {
            Some(t) => m = t,
            None => return Ok(None),
        }
    }
    let text = match fs::read(os(&m)) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let fields: Vec<u64> = std::str::from_utf8(&text)
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let size = file.metadata()?.len();
    let (dev, ino, _) = file_id(file)?;
    let old = match fields[..] {
        [d, i, old] if (d, i) == (dev, ino) && old <= size => old,
        _ => {
            // Not this file's, or it shrank since: nothing to go by.
            fs::remove_file(os(&m))?;
            return Ok(None);
        }
    };
    let mut pos = old;
    while pos < size {
        let mut buf = vec![0u8; (peek as u64).min(size - pos) as usize];
        file.read_exact_at(&mut buf, pos)?;
        match record_len(&buf).and_then(|n| pos.checked_add(n)) {
            Some(e) if e <= size && e > pos => pos = e,
            _ => break,
        }
    }
    if pos >= size {
        fs::remove_file(os(&m))?;
        return Ok(None);
    }
    let mut rest = vec![0u8; (size - pos) as usize];
    file.read_exact_at(&mut rest, pos)?;
    if !unfinished(&rest, peek, |l| record_len(l).is_some()) {
        return Ok(None);
    }
    file.set_len(pos)?;
    file.sync_all()?;
    fs::remove_file(os(&m))?;
    Ok(Some(pos))
}

/// The warning for a record an appender that died left unfinished at the
/// end of a mailbox: cut off, or (`later`) left unread until then.
pub fn unfinished_text(at: u64, later: bool) -> String {
    let what = if later {
        "left unread until the mailbox is opened for writing"
    } else {
        "removed"
    };
    format!("Unfinished message at the end of the mailbox (at {at}, left by an append that died) {what}")
}

/// The bytes of `file` from `at` to `end` (the rest of the file), for
/// [`unfinished`]; read only when an append marker says a killed appender
/// may have left them.
pub fn read_tail(file: &File, at: u64, end: u64) -> Option<Vec<u8>> {
    let len = usize::try_from(end.checked_sub(at)?).ok()?;
    if file.metadata().ok()?.len() < end {
        return None;
    }
    let mut rest = vec![0u8; len];
    file.read_exact_at(&mut rest, at).ok()?;
    Some(rest)
}

/// Whether `rest`, the bytes from a record's start to the end of the file,
/// is one record an appender killed part-way left unfinished (and not
/// damage to cut away): either the start of a header line with no end yet
/// (fewer than `peek` bytes), or a header line whose message runs past the
/// end of the file, with no later line that `is_record` takes for a record
/// header (a damaged size in the middle of a file is followed by more
/// records; an unfinished message is the last thing in the file).
pub fn unfinished(rest: &[u8], peek: usize, is_record: impl Fn(&[u8]) -> bool) -> bool {
    let Some(first) = memchr::memchr(b'\n', rest) else {
        return rest.len() < peek;
    };
    let mut i = first + 1;
    while i < rest.len() {
        if is_record(&rest[i..(i + peek).min(rest.len())]) {
            return false;
        }
        match memchr::memchr(b'\n', &rest[i..]) {
            Some(k) => i += k + 1,
            None => break,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> Vec<u8> {
        let d = std::env::temp_dir().join(format!("compact-{}-{}", std::process::id(), name));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d.join("box").as_os_str().as_bytes().to_vec()
    }

    fn mailbox(path: &[u8], bytes: &[u8]) -> File {
        fs::write(os(path), bytes).unwrap();
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(os(path))
            .unwrap()
    }

    #[test]
    fn compacts_and_leaves_no_journal() {
        let p = scratch("plain");
        let f = mailbox(&p, b"HHHHaaXXXbbbYcc");
        let moves = [
            Move {
                from: 9,
                to: 6,
                len: 3,
            },
            Move {
                from: 13,
                to: 9,
                len: 2,
            },
        ];
        assert!(compact(&f, &p, &moves, 11).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaabbbcc");
        assert!(!pending(&p));
    }

    #[test]
    fn recovers_a_torn_copy_and_keeps_later_appends() {
        let p = scratch("torn");
        let f = mailbox(&p, b"HHHHaaXXXbbbYcc");
        let moves = [
            Move {
                from: 9,
                to: 6,
                len: 3,
            },
            Move {
                from: 13,
                to: 9,
                len: 2,
            },
        ];
        // A journal as compact writes it, then a torn in-place copy and a
        // message appended by another process after the kill.
        let image = b"bbbcc";
        let mut h = Hash::new();
        h.add(image);
        let mut j = header(6, 5, 15, h.0, file_id(&f).unwrap());
        j.extend_from_slice(image);
        fs::write(os(&journal_path(&p)), &j).unwrap();
        f.write_all_at(b"bb", 6).unwrap();
        f.write_all_at(b"NEW", 15).unwrap();
        let _ = moves;
        assert!(recover(&f, &p).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaabbbccNEW");
        assert!(!pending(&p));
    }

    #[test]
    fn tells_an_unfinished_record_from_damage() {
        let rec = |l: &[u8]| l.starts_with(b"R,");
        assert!(unfinished(b"R,1", 64, rec));
        assert!(!unfinished(&[b'x'; 80], 64, rec));
        assert!(unfinished(b"R,100\nbody\nmore", 64, rec));
        assert!(!unfinished(b"R,100\nbody\nR,3\nabc", 64, rec));
    }

    #[test]
    fn cuts_only_what_a_marked_append_left_unfinished() {
        let p = scratch("marker");
        let f = mailbox(&p, b"R,2\nabR,1\nc");
        let len = |l: &[u8]| -> Option<u64> {
            let t = std::str::from_utf8(l).ok()?;
            let t = t.strip_prefix("R,")?;
            let nl = t.find('\n')?;
            Some(3 + nl as u64 + t[..nl].parse::<u64>().ok()?)
        };
        // No marker: a truncated file is left alone.
        f.write_all_at(b"R,9\nxx", 11).unwrap();
        assert_eq!(repair_append(&f, &p, 64, len).unwrap(), None);
        assert_eq!(fs::read(os(&p)).unwrap(), b"R,2\nabR,1\ncR,9\nxx");
        // Marked at 11: the unfinished record there goes.
        let m = begin_append(&f, &p).unwrap();
        std::mem::forget(m);
        let (dev, ino, _) = file_id(&f).unwrap();
        fs::write(os(&marker_path(&p)), format!("{dev} {ino} 11\n")).unwrap();
        assert_eq!(repair_append(&f, &p, 64, len).unwrap(), Some(11));
        assert_eq!(fs::read(os(&p)).unwrap(), b"R,2\nabR,1\nc");
        assert!(!append_pending(&p));
    }

    #[test]
    fn journals_in_tmp_when_the_directory_is_not_writable() {
        let p = scratch("rodir");
        let f = mailbox(&p, b"HHHHaaXXXbbbYcc");
        let id = file_id(&f).unwrap();
        // A journal as compact writes it when the directory refuses one,
        // then a torn in-place copy: found in /tmp and finished.
        let image = b"bbbcc";
        let mut h = Hash::new();
        h.add(image);
        let mut j = header(6, 5, 15, h.0, id);
        j.extend_from_slice(image);
        let t = tmp_path(id, ".compacting");
        let _ = fs::remove_file(os(&t));
        fs::write(os(&t), &j).unwrap();
        f.write_all_at(b"bb", 6).unwrap();
        assert!(pending(&p));
        assert!(recover(&f, &p).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaabbbcc");
        assert!(!pending(&p));
        // A journal for an earlier file with the same inode is not taken.
        let mut j = header(6, 5, 15, h.0, (id.0, id.1, id.2 ^ 1));
        j.extend_from_slice(image);
        fs::write(os(&t), &j).unwrap();
        assert!(!recover(&f, &p).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaabbbcc");
        assert!(!pending(&p));
    }

    /// A journal of version 2 (hashed), as an earlier build left it.
    fn hashed_journal(at: u64, image: &[u8], old_size: u64, hash: u64, id: Id) -> Vec<u8> {
        let mut j = header(at, image.len() as u64, old_size, hash, id);
        j[..MAGIC_HASHED.len()].copy_from_slice(MAGIC_HASHED);
        j.extend_from_slice(image);
        j
    }

    #[test]
    fn recovers_a_hashed_journal_only_when_its_hash_holds() {
        let p = scratch("hashed");
        let f = mailbox(&p, b"HHHHaaXXXbbbYcc");
        let id = file_id(&f).unwrap();
        let image = b"bbbcc";
        let mut h = Hash::new();
        h.add(image);
        // A wrong hash: the journal is dropped, the file left as it is.
        fs::write(
            os(&journal_path(&p)),
            hashed_journal(6, image, 15, h.0 ^ 1, id),
        )
        .unwrap();
        assert!(!recover(&f, &p).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaaXXXbbbYcc");
        assert!(!pending(&p));
        // The right one: finished.
        fs::write(os(&journal_path(&p)), hashed_journal(6, image, 15, h.0, id)).unwrap();
        f.write_all_at(b"bb", 6).unwrap();
        assert!(recover(&f, &p).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaabbbcc");
        assert!(!pending(&p));
    }

    #[test]
    fn compacts_many_moves_through_the_kernel_copy() {
        // Moves of every length from 1 on, some following each other in
        // the file (one copy) and some apart, checked against a plain
        // slide of the same bytes.
        let p = scratch("many");
        let mut bytes = Vec::new();
        let mut keep = Vec::new();
        let mut seed = 7u64;
        for k in 0..400u64 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (seed >> 33) % 3000;
            let from = bytes.len() as u64;
            bytes.extend((0..len).map(|i| (k as u8).wrapping_add(i as u8)));
            keep.push((from, len, k % 7 != 0 && k != 0));
        }
        let f = mailbox(&p, &bytes);
        let mut moves = Vec::new();
        let mut want = Vec::new();
        let mut to = 0u64;
        for &(from, len, kept) in &keep {
            if !kept {
                continue;
            }
            if from != to {
                moves.push(Move { from, to, len });
            }
            want.extend_from_slice(&bytes[from as usize..(from + len) as usize]);
            to += len;
        }
        assert!(compact(&f, &p, &moves, to).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), want);
        assert!(!pending(&p));
    }

    #[test]
    fn drops_an_incomplete_journal() {
        let p = scratch("incomplete");
        let f = mailbox(&p, b"HHHHaaXXXbbbYcc");
        let mut j = MAGIC.to_vec();
        j.extend_from_slice(b"0000");
        fs::write(os(&journal_path(&p)), &j).unwrap();
        assert!(!recover(&f, &p).unwrap());
        assert_eq!(fs::read(os(&p)).unwrap(), b"HHHHaaXXXbbbYcc");
        assert!(!pending(&p));
    }
}
