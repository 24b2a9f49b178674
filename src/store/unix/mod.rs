//! The traditional Berkeley mailbox ("unix" driver): one file, messages
//! separated by "From " lines, flags kept in Status/X-Status/X-Keywords/
//! X-UID headers and mailbox data in an X-IMAP pseudo-message or an
//! X-IMAPbase header of the first message.
//!
//! Only an index of the messages is kept (where each one's "From " line,
//! header and text lie, and its flags and UID); headers and texts are read
//! from the file when asked for. The file is parsed a window at a time.
//! Every operation on the file reopens it under the dot-lock and an
//! `flock`, as the original does.

pub mod format;
mod index;
pub mod mbox;

use crate::env::user;
use crate::message::date::{self, MailDate};
use crate::store::common::{cat as msg, fail, path_of, s80};
use crate::store::events::{Events, Level, Status};
use crate::store::flags::{Flags, MAX_KEYWORDS};
use crate::store::lock::{self, FlockKind, SessionLock};
use crate::store::mailbox::{
    AppendMessage, AppendSource, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
    UidMap,
};
use crate::store::names::LocalName;
use format::{Kind, Layout, MailboxState, Now};
use index::{Index, Message};
use std::borrow::Cow;
use std::fs::{File, FileTimes};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The "unix" driver, or the "mmdf" one (same code, other delimiters).
#[derive(Debug)]
pub struct UnixDriver {
    kind: Kind,
}

/// The driver objects the registry lists.
pub static UNIX: UnixDriver = UnixDriver { kind: Kind::Unix };
pub static MMDF: UnixDriver = UnixDriver { kind: Kind::Mmdf };

/// strerror(3) text of an I/O error.
fn error_text(e: &std::io::Error) -> String {
    String::from_utf8_lossy(&lock::error_text(e)).into_owned()
}

/// `dummy_file`: the file of mailbox `name` (INBOX is the system inbox).
fn mailbox_path(name: &[u8]) -> Option<Vec<u8>> {
    match user::mailbox_file(name)? {
        LocalName::Inbox => user::system_inbox(),
        LocalName::Path(p) => Some(p),
    }
}

/// What `unix_valid` finds at a name (its errno cases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Valid,
    /// An empty file (errno 0).
    Empty,
    /// No such file (ENOENT).
    Missing,
    /// Not accessible (EACCES).
    Denied,
    /// The name maps to no file (EINVAL).
    BadName,
    /// Some other file, or another error.
    NotUnix,
}

/// Looks at mailbox `name` as `unix_valid` does, keeping the file's access
/// and modification times (the "marked" state) when reading it.
pub fn probe(kind: Kind, name: &[u8]) -> Probe {
    match mailbox_path(name) {
        Some(path) => probe_path(kind, &path),
        None => Probe::BadName,
    }
}

/// [`probe`] of a file.
fn probe_path(kind: Kind, path: &[u8]) -> Probe {
    let meta = match std::fs::metadata(path_of(path)) {
        Ok(m) => m,
        Err(e) => {
            return match e.kind() {
                std::io::ErrorKind::NotFound => Probe::Missing,
                std::io::ErrorKind::PermissionDenied => Probe::Denied,
                _ => Probe::NotUnix,
            }
        }
    };
    if meta.len() == 0 {
        return Probe::Empty;
    }
    let file = match File::open(path_of(path)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Probe::Denied,
        Err(_) => return Probe::NotUnix,
    };
    let mut head = vec![0u8; 1023];
    let valid = match read_some(&file, &mut head) {
        Ok(n) => kind.looks_valid(&head[..n]),
        Err(_) => false,
    };
    if meta.ctime() > meta.atime() || meta.mtime() > meta.atime() {
        let _ = file.set_times(
            FileTimes::new()
                .set_accessed(system_time(meta.atime()))
                .set_modified(system_time(meta.mtime())),
        );
    }
    if valid {
        Probe::Valid
    } else {
        Probe::NotUnix
    }
}

fn read_some(file: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    read_some_at(file, buf, 0)
}

/// Fills `buf` from the file at `offset` in large reads; returns how much
/// was there.
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn system_time(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

/// Sets a file's access and modification times (seconds).
fn set_times(file: &File, atime: i64, mtime: i64) -> bool {
    file.set_times(
        FileTimes::new()
            .set_accessed(system_time(atime))
            .set_modified(system_time(mtime)),
    )
    .is_ok()
}

/// Bytes `start..end` of a file (fewer when it is shorter).
fn read_range(file: &File, start: usize, end: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_append(file, start, end.saturating_sub(start), &mut buf)?;
    Ok(buf)
}

/// Appends up to `len` bytes of `file` from `offset` to `buf` (fewer at
/// the end of the file).
fn read_append(file: &File, offset: usize, len: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
    crate::os::file::read_append_at(file, offset as u64, len, buf).map(|_| ())
}

/// `read(offset, len, buf)`: appends bytes of a file to `buf`.
type ReadInto<'a> = &'a mut dyn FnMut(usize, usize, &mut Vec<u8>) -> std::io::Result<()>;

/// Size of the windows a file is parsed in.
const WINDOW: usize = 1 << 20;

/// Size of the reads and writes of a rewrite or copy (small: the parse
/// buffer is gone by then, the generic layer's cache is not).
const CHUNK: usize = 256 << 10;
/// The most one in-kernel copy of a rewrite's copy back moves at once.
const KERNEL_CHUNK: usize = 64 << 20;

/// Where the bytes of the messages are read from.
#[derive(Debug)]
enum Source {
    /// Not opened yet.
    None,
    /// The mailbox file (a descriptor of the file parsed).
    File(File),
    /// Bytes at hand (tests and fuzzing).
    Memory(Vec<u8>),
}

/// State of one parse run over new data, window after window.
struct AbsorbRun {
    /// Messages known before the run.
    existing: usize,
    recent: u32,
    carry: format::Carry,
}

impl AbsorbRun {
    fn new(mb: &UnixMailbox) -> AbsorbRun {
        AbsorbRun {
            existing: mb.msgs.len(),
            recent: mb.recent,
            carry: format::Carry::new(mb.msgs.last().map_or(0, |m| m.uid())),
        }
    }
}

/// How far past a message's text the rewrite looks (an MMDF delimiter).
const MMDF_TAIL: usize = 5;

/// The old bytes of a mailbox being rewritten, read in order.
enum OldBytes<'a> {
    Slice(&'a [u8]),
    /// A file of `size` bytes, read through a window of it (`base`: the
    /// offset of `buf`).
    File {
        file: &'a File,
        size: usize,
        base: usize,
        buf: Vec<u8>,
    },
}

impl<'a> OldBytes<'a> {
    fn file(file: &'a File, size: usize) -> Self {
        OldBytes::File {
            file,
            size,
            base: 0,
            buf: Vec::new(),
        }
    }

    /// Bytes `start..end` (fewer at the end of the data).
    fn get(&mut self, start: usize, end: usize) -> std::io::Result<&[u8]> {
        match self {
            OldBytes::Slice(d) => Ok(&d[start.min(d.len())..end.min(d.len())]),
            OldBytes::File {
                file,
                size,
                base,
                buf,
            } => {
                let end = end.min(*size);
                let start = start.min(end);
                if start < *base || end > *base + buf.len() {
                    *base = start;
                    buf.clear();
                    let want = (end - start).max(CHUNK).min(*size - start);
                    read_append(file, start, want, buf)?;
                }
                let lo = start - *base;
                Ok(&buf[lo..(end - *base).min(buf.len())])
            }
        }
    }
}

/// Writes the pieces of a new image from offset `from` on into `file` at
/// `at`, in large writes.
struct ChunkWriter<'a> {
    file: &'a File,
    at: usize,
    from: usize,
    /// Where the pieces wanted end (the rest is the file's already).
    to: usize,
    buf: Vec<u8>,
}

impl ChunkWriter<'_> {
    /// A piece of the new image at offset `pos` (pieces come in order).
    fn put(&mut self, pos: usize, piece: &[u8]) -> std::io::Result<()> {
        let end = (pos + piece.len()).min(self.to);
        if end <= self.from || pos >= end {
            return Ok(());
        }
        let skip = self.from.saturating_sub(pos);
        self.buf.extend_from_slice(&piece[skip..end - pos]);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.write_all_at(&self.buf, self.at as u64)?;
        self.at += self.buf.len();
        self.buf.clear();
        Ok(())
    }
}

/// Events of internal work the application is not to see: only logs,
/// notices and disk errors (which need an answer) go through.
struct Quiet<'a>(&'a mut dyn Events);

impl Events for Quiet<'_> {
    fn exists(&mut self, _count: u32) {}
    fn recent(&mut self, _count: u32) {}
    fn expunged(&mut self, _msgno: u32) {}
    fn flags(&mut self, _msgno: u32) {}
    fn notify(&mut self, text: &[u8], level: Level) {
        self.0.notify(text, level);
    }
    fn log(&mut self, text: &[u8], level: Level) {
        self.0.log(text, level);
    }
    fn list(&mut self, _delimiter: Option<u8>, _name: &[u8], _attributes: i64) {}
    fn lsub(&mut self, _delimiter: Option<u8>, _name: &[u8], _attributes: i64) {}
    fn status(&mut self, _name: &[u8], _status: &Status) {}
    fn critical(&mut self, _entering: bool) {}
    fn disk_error(&mut self, errno: i32, serious: bool) -> bool {
        self.0.disk_error(errno, serious)
    }
}

/// Which of `count` messages a set names (numbers out of range ignored).
fn members(set: MsgSet, count: usize) -> Vec<bool> {
    let mut chosen = vec![false; count];
    for &n in set {
        if n >= 1 && (n as usize) <= count {
            chosen[n as usize - 1] = true;
        }
    }
    chosen
}

/// Where `a` and `b` first differ (the shorter length when one is a
/// prefix of the other); compared a block at a time.
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 4096;
    let n = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= n && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    a[at..n]
        .iter()
        .zip(&b[at..n])
        .position(|(x, y)| x != y)
        .map_or(n, |p| at + p)
}

/// A mailbox as a rewrite would store it.
#[derive(Debug)]
struct Rendered {
    /// The new file (only when rendered into memory).
    bytes: Vec<u8>,
    /// Its length.
    len: usize,
    /// Where the last message that is not already stored as it stays ends:
    /// from there on the new file is the old one, byte for byte.
    changed_end: usize,
    msgs: Index,
    /// Message numbers to report expunged, in order.
    expunged: Vec<u32>,
    recent: u32,
    pseudo: bool,
}

/// The largest header (and "From " line) a parse takes: a rewrite adds
/// status lines to a header, which must still fit in 32 bits.
const MAX_HEADER: usize = 1 << 29;

impl Message {
    /// None when a length does not fit 32 bits (a text or header of 4 GiB
    /// or more; a "From " line of 1 GiB or more, as before the index was
    /// packed by columns).
    fn new(l: &Layout, info: MessageInfo, dirty: bool, canon: bool) -> Option<Message> {
        Some(Message {
            info,
            offset: l.offset,
            from_len: u32::try_from(l.from_len).ok().filter(|&n| n < 1 << 30)?,
            header_len: u32::try_from(l.header_len).ok()?,
            text_len: u32::try_from(l.text_len).ok()?,
            header_lf_len: u32::try_from(l.header_lf_len).ok()?,
            dirty,
            canon,
        })
    }

    fn layout(&self) -> Layout {
        Layout {
            offset: self.offset,
            from_len: self.from_len as usize,
            header_len: self.header_len as usize,
            text_len: self.text_len as usize,
            header_lf_len: self.header_lf_len as usize,
        }
    }

    /// Offset of the "From " line.
    fn offset(&self) -> usize {
        self.offset
    }

    fn set_offset(&mut self, offset: usize) {
        self.offset = offset;
    }

    /// The message's state (what `Mailbox::info` gives).
    fn info(&self) -> MessageInfo {
        self.info.clone()
    }

    fn flags(&self) -> Flags {
        self.info.flags
    }

    fn uid(&self) -> u32 {
        self.info.uid
    }

    fn dirty(&self) -> bool {
        self.dirty
    }

    fn canon(&self) -> bool {
        self.canon
    }
}
/// An open Berkeley mailbox.
#[derive(Debug)]
pub struct UnixMailbox {
    kind: Kind,
    /// The file's modification time when last parsed (dates MMDF messages
    /// without a "From " line).
    mtime: i64,
    /// The file (canonical name).
    path: Vec<u8>,
    /// How much of the file has been parsed (its size as of the last
    /// parse or rewrite).
    size: usize,
    /// Where message bytes are read from.
    source: Source,
    /// Modification time seen last (0: not yet).
    filetime: i64,
    msgs: Index,
    st: MailboxState,
    recent: u32,
    /// Don't mark recent messages old when rewriting (after an append).
    appending: bool,
    /// Held while the session may write; None means read-only.
    session: Option<SessionLock>,
    silent: bool,
    /// Stop after the first message (only keywords are wanted).
    sniff: bool,
    /// The file went away or changed beyond repair; the stream is dead.
    dead: bool,
    /// Whether keywords may be created.
    kwd_create: bool,
    /// Messages found by a parse must be written anew at the next
    /// rewrite, as if they had moved (see `copy_work`).
    rewrite_new: bool,
    /// What the last fetches read and made.
    fetched: Fetched,
}

/// How far a fetch reads ahead of the message asked for (a program that
/// fetches every message in turn then reads the file in large pieces).
const READ_AHEAD: usize = 256 << 10;

/// The fetch side's memory: a read-ahead window of the file and the last
/// header and text handed out, as clients see them (a structure fetch, a
/// header fetch and a text fetch of one message read it once). Dropped
/// whenever the file is locked for any other work or rewritten.
#[derive(Debug, Default)]
struct Fetched {
    /// File bytes from offset `at`.
    window: Vec<u8>,
    at: usize,
    header: Option<(u32, Vec<u8>)>,
    text: Option<(u32, Vec<u8>)>,
}

impl Fetched {
    fn clear(&mut self) {
        *self = Fetched::default();
    }
}

impl UnixMailbox {
    fn now_secs() -> i64 {
        crate::os::clock::now()
    }

    /// Opens the mailbox file under the dot-lock and an flock of `kind`, and
    /// runs `work` on it; then sets the file times as the original does on
    /// unlocking. Err when the file can't be opened (logged, stream dead).
    fn locked<R>(
        &mut self,
        kind: FlockKind,
        ev: &mut dyn Events,
        work: impl FnOnce(&mut Self, &File, &mut dyn Events) -> R,
    ) -> Result<R> {
        self.fetched.clear();
        // The original's parse goes critical before locking and its callers
        // leave the critical section after unlocking, on every path.
        ev.critical(true);
        let write = self.session.is_some();
        let (dot, opened) = lock::dot_lock_open(
            &self.path,
            || {
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(write)
                    .open(path_of(&self.path))
            },
            ev,
        );
        let file = match opened {
            Ok(f) => f,
            Err(e) => {
                drop(dot);
                self.dead = true;
                let text = format!("Mailbox open failed, aborted: {}", error_text(&e));
                let err = fail(ev, text.as_bytes());
                ev.critical(false);
                return Err(err);
            }
        };
        let held = lock::flock(&file, kind, false);
        let r = work(self, &file, ev);
        if !self.dead {
            self.unlock_times(&file);
        }
        drop(held);
        drop(dot);
        ev.critical(false);
        Ok(r)
    }

    /// The original's time adjustments on unlocking, which keep the
    /// mailbox's "new mail" (atime < mtime) state right.
    fn unlock_times(&mut self, file: &File) {
        let Ok(meta) = file.metadata() else { return };
        let now = Self::now_secs();
        let (atime, mtime) = (meta.atime(), meta.mtime());
        let times = if self.session.is_some() {
            Some((now, if now > mtime { mtime } else { now - 1 }))
        } else if self.recent > 0 {
            if atime >= mtime || atime >= meta.ctime() {
                let m = if mtime < now { mtime } else { now };
                Some((m - 1, m))
            } else {
                None
            }
        } else if atime < mtime || atime < meta.ctime() {
            Some((now, if now > mtime { mtime } else { now - 1 }))
        } else {
            None
        };
        if let Some((a, m)) = times {
            if set_times(file, a, m) {
                self.filetime = m;
            }
        }
    }

    /// Reads and parses what was added to the file since the last parse
    /// (`unix_parse`). False when the stream died (logged).
    fn reparse(&mut self, file: &File, ev: &mut dyn Events) -> bool {
        let meta = match file.metadata() {
            Ok(m) => m,
            Err(e) => {
                self.dead = true;
                let text = format!("Mailbox open failed, aborted: {}", error_text(&e));
                ev.log(text.as_bytes(), Level::Error);
                return false;
            }
        };
        let size = meta.len() as usize;
        let old = self.size;
        if size < old {
            let text = format!("Mailbox shrank from {} to {} bytes, aborted", old, size);
            ev.log(text.as_bytes(), Level::Error);
            self.dead = true;
            return false;
        }
        if matches!(self.source, Source::None) {
            match file.try_clone() {
                Ok(f) => self.source = Source::File(f),
                Err(e) => {
                    self.dead = true;
                    let text = format!("Mailbox open failed, aborted: {}", error_text(&e));
                    ev.log(text.as_bytes(), Level::Error);
                    return false;
                }
            }
        }
        if size > old {
            self.mtime = meta.mtime();
            let parsed = match self.kind {
                Kind::Unix => self.absorb_windows(
                    &mut |at, len, buf| read_append(file, at, len, buf),
                    old,
                    size,
                    WINDOW,
                    ev,
                ),
                // The MMDF parse may look back before where it starts: it
                // gets the whole file.
                Kind::Mmdf => match read_range(file, 0, size) {
                    Ok(d) => self.absorb(&d, old, WINDOW, ev),
                    Err(e) => Err(e),
                },
            };
            match parsed {
                Ok(true) => self.size = size,
                Ok(false) => return false,
                Err(e) => {
                    let text = format!("Mailbox open failed, aborted: {}", error_text(&e));
                    ev.log(text.as_bytes(), Level::Error);
                    self.dead = true;
                    return false;
                }
            }
        } else if self.filetime != 0 && self.filetime != meta.mtime() {
            ev.log(
                b"New mailbox modification time but apparently no changes",
                Level::Warn,
            );
        }
        self.filetime = meta.mtime();
        true
    }

    /// Parses bytes `old..size` of a Berkeley file a window at a time
    /// (each cut where [`format::last_cut`] allows, so that the result is
    /// that of one parse of the whole), adding the messages found. Ok(false)
    /// when the data did not parse (logged; the stream is dead).
    /// `read(offset, len, buf)` appends file bytes to `buf`; `window` is
    /// the size of the windows.
    fn absorb_windows(
        &mut self,
        read: ReadInto<'_>,
        old: usize,
        size: usize,
        window: usize,
        ev: &mut dyn Events,
    ) -> std::io::Result<bool> {
        let mut run = AbsorbRun::new(self);
        let mut buf: Vec<u8> = Vec::new();
        let mut base = old;
        let mut want = window;
        loop {
            let have = base + buf.len();
            let goal = (base + want).min(size);
            if goal > have {
                read(have, goal - have, &mut buf)?;
                if base + buf.len() < goal {
                    // Shorter than it said: parse what is there.
                    return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
                }
            }
            let at_end = base + buf.len() >= size;
            let cut = if at_end {
                buf.len()
            } else {
                format::last_cut(&buf)
            };
            if cut == 0 && !at_end {
                // One message larger than the window: take more.
                want = want.saturating_mul(2);
                continue;
            }
            if !self.absorb_window(&buf[..cut], base, &mut run, ev) {
                return Ok(false);
            }
            if at_end || (self.sniff && self.msgs.len() > run.existing) {
                break;
            }
            buf.drain(..cut);
            base += cut;
            want = window.max(buf.len());
        }
        Ok(self.absorb_finish(run, ev))
    }

    /// Parses `data` (the whole file) from `start` and adds the messages
    /// found; a Berkeley file a `window` at a time.
    fn absorb(
        &mut self,
        data: &[u8],
        start: usize,
        window: usize,
        ev: &mut dyn Events,
    ) -> std::io::Result<bool> {
        if self.kind == Kind::Unix {
            let mut read = |at: usize, len: usize, buf: &mut Vec<u8>| {
                buf.extend_from_slice(&data[at..at + len]);
                Ok(())
            };
            return self.absorb_windows(&mut read, start, data.len(), window, ev);
        }
        let mut run = AbsorbRun::new(self);
        {
            let existing = self.msgs.len() as u32;
            let outcome = match format::parse_with(
                self.kind,
                self.mtime,
                data,
                start,
                existing,
                run.carry.prev_uid,
                &mut self.st,
                self.sniff,
                ev,
            ) {
                Ok(o) => o,
                Err(format::ParseError::Unexpected(text)) => {
                    ev.log(&text, Level::Error);
                    self.dead = true;
                    return Ok(false);
                }
            };
            run.carry.pseudo_seen = outcome.pseudo_seen;
            if !self.add_parsed(outcome, 0, &mut run, ev) {
                return Ok(false);
            }
        }
        Ok(self.absorb_finish(run, ev))
    }

    /// Parses one window of a Berkeley file (`base`: its offset in the
    /// file) and adds its messages. False when it did not parse (logged).
    fn absorb_window(
        &mut self,
        window: &[u8],
        base: usize,
        run: &mut AbsorbRun,
        ev: &mut dyn Events,
    ) -> bool {
        let existing = self.msgs.len() as u32;
        let outcome = match format::parse_carry(
            window,
            0,
            existing,
            &mut run.carry,
            &mut self.st,
            self.sniff,
            ev,
        ) {
            Ok(o) => o,
            Err(format::ParseError::Unexpected(text)) => {
                ev.log(&text, Level::Error);
                self.dead = true;
                return false;
            }
        };
        self.add_parsed(outcome, base, run, ev)
    }

    /// Adds parsed messages (offsets relative to `base`). False, logged
    /// and with the stream dead, for a message too large for the index.
    fn add_parsed(
        &mut self,
        outcome: format::ParseOutcome,
        base: usize,
        run: &mut AbsorbRun,
        ev: &mut dyn Events,
    ) -> bool {
        for (m, r) in outcome.messages.into_iter().zip(outcome.recent) {
            if r {
                run.recent += 1;
            }
            let flags = if r {
                m.flags.union(Flags::RECENT)
            } else {
                m.flags
            };
            let mut layout = m.layout;
            layout.offset += base;
            let info = MessageInfo {
                uid: m.uid,
                flags,
                keywords: m.keywords,
                internal_date: m.date,
                size: m.size,
            };
            let kept = Message::new(
                &layout,
                info,
                m.dirty || self.rewrite_new,
                m.canon && self.kind == Kind::Unix,
            );
            match kept {
                Some(k) if layout.header_len <= MAX_HEADER && layout.from_len <= MAX_HEADER => {
                    self.msgs.push(k)
                }
                _ => {
                    ev.log(b"Mailbox message too large, aborted", Level::Error);
                    self.dead = true;
                    return false;
                }
            }
        }
        true
    }

    /// What follows a parse that found messages: the pseudo-message taken
    /// out, UIDs made valid, new counts reported.
    fn absorb_finish(&mut self, run: AbsorbRun, ev: &mut dyn Events) -> bool {
        let existing = run.existing;
        if self.msgs.len() == existing {
            return true;
        }
        let mut recent = run.recent;
        if run.carry.pseudo_seen {
            let first = self.msgs.remove(existing);
            if first.flags().contains(Flags::RECENT) {
                recent -= 1;
            }
        }
        if self.st.uid_validity == 0 {
            self.st.uid_validity = Self::now_secs() as u32;
            if user::user_has_no_life() {
                self.st.nosticky = true;
            } else if !self.msgs.is_empty() {
                self.st.dirty = true;
                self.st.ddirty = true;
                if !self.st.pseudo {
                    self.msgs.set_dirty(0, true);
                }
                ev.log(
                    b"Assigning new unique identifiers to all messages",
                    Level::Info,
                );
            }
        }
        self.recent = recent;
        if !self.silent {
            ev.exists(self.msgs.len() as u32);
        }
        ev.recent(recent);
        if recent > 0 {
            self.st.dirty = true;
        }
        true
    }

    /// Writes the mailbox anew (`unix_rewrite`), expunging the deleted
    /// messages (of `set` when given) if `expunge`. Returns how many were
    /// expunged, or None when the file could not be written (logged).
    ///
    /// The file is rewritten in place, because the mailbox must keep its
    /// inode (the session lock is named after it, other readers hold it
    /// open) and the spool directory may not be writable; see
    /// [`UnixMailbox::commit`] for how that stays safe when the process
    /// dies part-way.
    fn rewrite(
        &mut self,
        file: &File,
        expunge: bool,
        set: Option<MsgSet>,
        ev: &mut dyn Events,
    ) -> Option<u32> {
        let now = Now::current();
        let host = user::local_host();
        let old_len = self.size;
        // Pass 1: where every message goes, how long the new file is and
        // where it first differs from the old one, without keeping it.
        let first = std::cell::Cell::new(None);
        let mut seen = Vec::new();
        let planned = {
            let mut compare = |pos: usize, piece: &[u8]| -> std::io::Result<()> {
                if first.get().is_some() {
                    return Ok(());
                }
                seen.clear();
                read_append(
                    file,
                    pos,
                    piece.len().min(old_len.saturating_sub(pos)),
                    &mut seen,
                )?;
                let d = first_difference(&seen, piece);
                if d < piece.len() {
                    first.set(Some(pos + d));
                }
                Ok(())
            };
            // Once the first difference is known, messages that stay as
            // they are stored need not be read.
            let need = || first.get().is_none();
            let mut old = OldBytes::file(file, old_len);
            self.render_with(
                &mut old,
                expunge,
                set,
                &now,
                &host,
                None,
                &need,
                &mut compare,
            )
        };
        let r = match planned {
            Ok(r) => r,
            Err(e) => {
                let text = format!("Unable to read mailbox: {}", error_text(&e));
                ev.log(text.as_bytes(), Level::Error);
                return None;
            }
        };
        let first = first.get().unwrap_or(r.len.min(old_len));
        // Past the last message that changed, the file stays as it is.
        let upto = r.changed_end.max(first).min(r.len);
        let mut write_new = |from: usize, to: usize, at: usize| -> std::io::Result<()> {
            let mut out = ChunkWriter {
                file,
                at,
                from,
                to,
                buf: Vec::new(),
            };
            let mut old = OldBytes::file(file, old_len);
            let mut sink = |pos: usize, piece: &[u8]| out.put(pos, piece);
            self.render_with(
                &mut old,
                expunge,
                set,
                &now,
                &host,
                Some((&r.msgs, r.len, from, to)),
                &|| true,
                &mut sink,
            )?;
            out.flush()
        };
        if self
            .commit(
                file,
                old_len,
                r.len,
                first,
                upto,
                &r.msgs,
                &mut write_new,
                ev,
            )
            .is_err()
        {
            // The old view stays: nothing was lost, the next checkpoint retries.
            return None;
        }
        let nexp = r.expunged.len() as u32;
        self.apply(r, ev);
        let t = Self::now_secs();
        if set_times(file, t, t - 1) {
            self.filetime = t - 1;
        }
        Some(nexp)
    }

    /// The mailbox as a rewrite stores it, without touching the file
    /// (`old`: the file's bytes).
    fn render(
        &self,
        old: &[u8],
        expunge: bool,
        set: Option<MsgSet>,
        now: &Now,
        host: &[u8],
    ) -> Rendered {
        let mut bytes = Vec::with_capacity(old.len() + 4096);
        let mut sink = |_pos: usize, piece: &[u8]| -> std::io::Result<()> {
            bytes.extend_from_slice(piece);
            Ok(())
        };
        let mut source = OldBytes::Slice(old);
        let mut r = match self.render_with(
            &mut source,
            expunge,
            set,
            now,
            host,
            None,
            &|| true,
            &mut sink,
        ) {
            Ok(r) => r,
            Err(_) => unreachable!("bytes in memory always read"),
        };
        r.bytes = bytes;
        r
    }

    /// Renders the mailbox as a rewrite stores it, piece by piece (the
    /// pseudo-message, then each message kept), handing each piece with its
    /// offset in the new file to `sink`; the old bytes come from `old`.
    /// With `plan` (the messages as a first run placed them, the new
    /// length, and a range of it) only messages that reach into the range
    /// are rendered again. Without a plan, while `need()` is false a
    /// message that stays as it is stored is not read, nor handed on.
    #[allow(clippy::too_many_arguments)]
    fn render_with(
        &self,
        old: &mut OldBytes,
        expunge: bool,
        set: Option<MsgSet>,
        now: &Now,
        host: &[u8],
        plan: Option<(&Index, usize, usize, usize)>,
        need: &dyn Fn() -> bool,
        sink: &mut dyn FnMut(usize, &[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<Rendered> {
        let chosen = set.map(|s| members(s, self.msgs.len()));
        let in_set = |n: u32| chosen.as_ref().is_none_or(|c| c[n as usize - 1]);
        let will_go =
            |m: &Message, n: u32| expunge && m.flags().contains(Flags::DELETED) && in_set(n);
        let any_kept = self
            .msgs
            .iter()
            .enumerate()
            .any(|(i, m)| !will_go(&m, i as u32 + 1));
        // An empty mailbox keeps its data in a pseudo-message (unless the
        // user wants none).
        let pseudo = self.st.pseudo || (!any_kept && !user::user_has_no_life());
        let mut cur = 0;
        if pseudo {
            let p = format::pseudo_message_kind(self.kind, &self.st, now, host);
            sink(0, &p)?;
            cur = p.len();
        }
        let mut changed_end = cur;
        let mut base = !pseudo;
        let mut recent = self.recent;
        let mut kept = Index::new();
        let mut nkept = 0;
        let mut expunged = Vec::new();
        let last_kept = (0..self.msgs.len())
            .rev()
            .find(|&i| !will_go(&self.msgs.get(i), i as u32 + 1));
        let mut piece = Vec::new();
        let trailer = self.kind.trailer().len();
        for (i, m) in self.msgs.iter().enumerate() {
            if will_go(&m, i as u32 + 1) {
                if m.flags().contains(Flags::RECENT) {
                    recent -= 1;
                }
                // Numbers shift down as messages go.
                expunged.push(i as u32 + 1 - expunged.len() as u32);
                continue;
            }
            let last = last_kept == Some(i);
            if let Some((placed, total, from, to)) = plan {
                // The first run placed the messages: they are not kept
                // again.
                let k = nkept;
                nkept += 1;
                let start = if k < placed.len() {
                    placed.offset(k)
                } else {
                    total
                };
                if start >= to {
                    break;
                }
                let end = if k + 1 < placed.len() {
                    placed.offset(k + 1)
                } else {
                    total
                };
                if end <= from {
                    cur = end;
                    base = false;
                    continue;
                }
            }
            let l = &m.layout();
            if plan.is_none() && !need() && self.stays(&m, base, cur) {
                // Same bytes at the same place: only its length counts.
                let mut placed = m.clone();
                placed.set_offset(cur);
                cur = l.text_start() + l.text_len + trailer;
                kept.push(placed);
                base = false;
                continue;
            }
            let hi = (l.text_start() + l.text_len + trailer.max(MMDF_TAIL)).min(self.size);
            let bytes = old.get(l.offset, hi)?;
            if plan.is_none() && !need() {
                // Only the placing counts here (the piece would be thrown
                // away): a message that moves is measured, not copied.
                if let Some((placed, len)) = self.measure_message(bytes, l.offset, &m, base, cur) {
                    cur += len;
                    changed_end = cur;
                    kept.push(placed);
                    base = false;
                    continue;
                }
            }
            piece.clear();
            let (placed, stayed) = self
                .write_message(bytes, l.offset, m.clone(), base, last, cur, &mut piece)
                .ok_or_else(|| std::io::Error::other("message too large"))?;
            sink(cur, &piece)?;
            // A message rewritten to the bytes it had, where it was, did not
            // change either (e.g. one marked for rewriting while recent in a
            // mailbox being appended to).
            let same = stayed || (cur == l.offset && bytes.get(..piece.len()) == Some(&piece[..]));
            cur += piece.len();
            if !same {
                changed_end = cur;
            }
            if plan.is_none() {
                kept.push(placed);
            }
            base = false;
        }
        Ok(Rendered {
            bytes: Vec::new(),
            len: cur,
            changed_end,
            msgs: kept,
            expunged,
            recent,
            pseudo,
        })
    }

    /// Takes a rendered mailbox as the current state, reporting what went.
    fn apply(&mut self, r: Rendered, ev: &mut dyn Events) {
        self.fetched.clear();
        self.size = r.len;
        if let Source::Memory(d) = &mut self.source {
            *d = r.bytes;
        }
        self.msgs = r.msgs;
        self.st.pseudo = r.pseudo;
        let expunged = r.expunged;
        let recent = r.recent;
        for n in expunged {
            if !self.silent {
                ev.expunged(n);
            }
        }
        self.st.dirty = false;
        self.st.ddirty = false;
        self.recent = recent;
        if !self.silent {
            ev.exists(self.msgs.len() as u32);
        }
        ev.recent(recent);
    }

    /// Appends message `m` in its rewritten form to `out`, deciding as the
    /// original does whether its stored bytes can stay as they are. `old`
    /// holds the file's bytes from offset `wbase` (the message's start) to
    /// a few bytes past its text, or to the end of the file; `cur` is where
    /// the message goes in the new file. True with it when the message
    /// stayed as it was stored, where it was.
    #[allow(clippy::too_many_arguments)]
    fn write_message(
        &self,
        old: &[u8],
        wbase: usize,
        mut m: Message,
        base: bool,
        last: bool,
        cur: usize,
        out: &mut Vec<u8>,
    ) -> Option<(Message, bool)> {
        let l = m.layout();
        // The layout within `old`.
        let w = Layout {
            offset: l.offset - wbase,
            ..l.clone()
        };
        let status = self.status_lines(&m, base);
        let start = out.len();
        if self.stays_with(&m, base, cur, status.len()) {
            let end = w.text_start() + w.text_len;
            out.extend_from_slice(&old[w.offset..end]);
            self.keep_trailer(old, end, last, out);
            m.set_offset(cur);
            return Some((m, true));
        }
        let mut from = &old[w.offset..w.header_start()];
        let squeezed: Vec<u8>;
        if from.len() >= 2 && from[from.len() - 2] == b'\r' {
            squeezed = [&from[..from.len() - 2], b"\n"].concat();
            from = &squeezed;
        }
        out.extend_from_slice(from);
        let from_len = from.len();
        let header_at = out.len();
        format::stored_header_into(old, &w, m.canon(), out);
        let mut j = out.len() - header_at;
        if j < 2 || out[header_at + j - 2] == b'\n' {
            j = j.saturating_sub(1);
        }
        // The kept lines, whole, then the status lines (bookkeeping lines
        // and the blank line): the next rewrite may skip the filter.
        let canon = self.kind == Kind::Unix && j > 0 && out[header_at + j - 1] == b'\n';
        // The original makes the recorded size match what it wrote (or dies).
        let header_lf_len = j;
        out.truncate(header_at + j);
        out.extend_from_slice(&status);
        let header_len = j + status.len();
        let old_text = w.text_start();
        let text_len;
        if cur + (out.len() - start) != l.text_start() {
            let text_at = out.len();
            format::strip_cr_into(&old[old_text..old_text + l.text_len], out);
            text_len = out.len() - text_at;
            out.extend_from_slice(self.kind.trailer());
        } else {
            text_len = l.text_len;
            let end = old_text + l.text_len;
            out.extend_from_slice(&old[old_text..end]);
            self.keep_trailer(old, end, last, out);
        }
        let layout = Layout {
            offset: cur,
            from_len,
            header_len,
            text_len,
            header_lf_len,
        };
        Some((Message::new(&layout, m.info(), false, canon)?, false))
    }

    /// What [`UnixMailbox::write_message`] would make of message `m` when
    /// it moves (`cur` is not its offset) and its header is canonical,
    /// without making it: the message as placed and its length. None in the
    /// other cases, which the caller writes out. `old` and `wbase` as there.
    fn measure_message(
        &self,
        old: &[u8],
        wbase: usize,
        m: &Message,
        base: bool,
        cur: usize,
    ) -> Option<(Message, usize)> {
        let l = m.layout();
        if cur == l.offset {
            return None;
        }
        let w = Layout {
            offset: l.offset - wbase,
            ..l.clone()
        };
        let from = old.get(w.offset..w.header_start())?;
        let from_len = if from.len() >= 2 && from[from.len() - 2] == b'\r' {
            from.len() - 1
        } else {
            from.len()
        };
        // `stored_header_into` gives the kept lines and an LF; the written
        // header keeps the kept lines (the LF only when there are none, as
        // `write_message` cuts it), then the status lines.
        let kept = w.kept_header(old, m.canon())?.len();
        let status = self.status_lines(m, base).len();
        let header_len = kept + status;
        // The text stays as stored (CRs and all) only where it starts where
        // it did; `write_message` handles that case.
        if cur + from_len + header_len == l.text_start() {
            return None;
        }
        let text = old.get(w.text_start()..w.text_start() + l.text_len)?;
        let text_len = l.text_len - memchr::memchr_iter(b'\r', text).count();
        let layout = Layout {
            offset: cur,
            from_len,
            header_len,
            text_len,
            header_lf_len: kept,
        };
        let canon = self.kind == Kind::Unix && kept > 0;
        let placed = Message::new(&layout, m.info(), false, canon)?;
        Some((
            placed,
            from_len + header_len + text_len + self.kind.trailer().len(),
        ))
    }

    /// The status lines a rewrite gives message `m` (`base`: with the
    /// X-IMAPbase line first).
    fn status_lines(&self, m: &Message, base: bool) -> Vec<u8> {
        let info = m.info();
        format::xstatus(
            &self.st,
            info.flags,
            info.keywords,
            info.uid,
            info.flags.contains(Flags::RECENT),
            self.appending,
            base,
            true,
        )
    }

    /// Whether message `m`, going to offset `cur` of the new file, stays
    /// as it is stored (its status lines unchanged, in the same place).
    fn stays(&self, m: &Message, base: bool, cur: usize) -> bool {
        if base || m.dirty() || cur != m.offset() {
            return false;
        }
        let status = self.status_lines(m, base);
        self.stays_with(m, base, cur, status.len())
    }

    /// [`UnixMailbox::stays`] with the length of its new status lines.
    fn stays_with(&self, m: &Message, base: bool, cur: usize, status_len: usize) -> bool {
        let l = m.layout();
        !base && !m.dirty() && cur == l.offset && l.header_len == l.header_lf_len + status_len
    }

    /// The byte(s) after a message's text that stayed in place. The
    /// original writes a Berkeley message's closing newline only when the
    /// next message does not follow one byte on; after the last message it
    /// never does, so a file that ended without that newline keeps the zero
    /// byte its extension put there. The MMDF original leaves the
    /// delimiter's bytes as they are (zeros past the old end, where it
    /// extended the file).
    fn keep_trailer(&self, old: &[u8], end: usize, last: bool, out: &mut Vec<u8>) {
        match self.kind {
            Kind::Unix if last => out.push(old.get(end).copied().unwrap_or(0)),
            Kind::Unix => out.push(b'\n'),
            Kind::Mmdf => {
                let want = format::MMDF_DELIMITER.len();
                let have = &old[end.min(old.len())..(end + want).min(old.len())];
                out.extend_from_slice(have);
                out.resize(out.len() + want - have.len(), 0);
            }
        }
    }

    /// Puts the new image into the file in place of the old one so that,
    /// whenever the process dies, every message has one intact copy in the
    /// file (a duplicate at worst; the original, which overwrites in place
    /// from a memory buffer, can lose messages there):
    ///
    /// 1. the new image from the start of the first changed message (or
    ///    earlier, when the file grows) is first written after the end of
    ///    the file, so a full disk fails before anything is overwritten and
    ///    that copy is whole before step 2 begins;
    /// 2. the new image is copied from there over the old one from the
    ///    first changed byte, front to back: what it destroys has its copy
    ///    from step 1, and where it runs past the old end into the start of
    ///    that copy, those messages are already whole in front of it (and
    ///    the copy is always read ahead of where it is written);
    /// 3. the file is cut to the new size, which drops the copy.
    ///
    /// The old image is `old_len` bytes, the new one `new_len`, the first
    /// differing at `first`; from `upto` (a message boundary) on the new
    /// image is the old one, in place, so only `first..upto` is written
    /// (and copied first); `starts` gives the offsets in the new image
    /// where messages begin; `write_new(from, to, at)` writes the new image from
    /// offset `from` to `to` into the file at `at`.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &self,
        file: &File,
        old_len: usize,
        new_len: usize,
        first: usize,
        upto: usize,
        starts: &Index,
        write_new: &mut dyn FnMut(usize, usize, usize) -> std::io::Result<()>,
        ev: &mut dyn Events,
    ) -> std::result::Result<(), ()> {
        if first == new_len && old_len == new_len {
            return Ok(());
        }
        // Step 1, or only growth (nothing overwritten): what goes past the
        // old end is written first, and taken back if it cannot all be.
        let (gap, copy_from) = if first >= old_len {
            (0, first)
        } else {
            let start_at_or_before = |limit: usize| {
                (0..starts.len())
                    .map(|i| starts.offset(i))
                    .filter(|&s| s <= limit)
                    .max()
            };
            // Where the overwrite reaches past the old end (the file grows),
            // it runs over the first `grow` bytes of the copy: begin the copy
            // early enough that those bytes belong to messages that end
            // before the old end, which step 2 has rewritten by then.
            let grow = new_len.saturating_sub(old_len);
            let straddling = start_at_or_before(old_len - 1).unwrap_or(0);
            let limit = first.min(straddling.saturating_sub(grow));
            let copy_from = start_at_or_before(limit).unwrap_or(0);
            // Only a mailbox too small for that needs the copy put further
            // out, past the new end, behind a gap.
            let gap = if grow > 0 && copy_from + grow > straddling {
                grow
            } else {
                let mut lastb = [b'\n'];
                let _ = read_some_at(file, &mut lastb, old_len as u64 - 1);
                usize::from(lastb[0] != b'\n')
            };
            (gap, copy_from)
        };
        let at = if first >= old_len { first } else { old_len };
        loop {
            match file
                .write_all_at(&vec![b'\n'; gap], at as u64)
                .and_then(|_| write_new(copy_from, upto, at + gap))
                .and_then(|_| file.sync_data())
            {
                Ok(()) => break,
                Err(e) => {
                    let _ = file.set_len(old_len as u64);
                    let code = e.raw_os_error().unwrap_or(0);
                    if ev.disk_error(code, false) {
                        let _ = file.sync_all();
                        if !self.silent {
                            let text = format!("Unable to extend mailbox: {}", error_text(&e));
                            ev.log(text.as_bytes(), Level::Error);
                        }
                        return Err(());
                    }
                }
            }
        }
        if first >= old_len {
            let _ = file.set_len(new_len as u64);
            let _ = file.sync_all();
            return Ok(());
        }
        // Step 2: the copy (new bytes from `copy_from` on, at `at + gap`)
        // over the old image from `first`, a chunk at a time.
        let src = at + gap + (first - copy_from);
        let mut done = 0;
        let mut chunk = Vec::new();
        // The copy is made inside the kernel while it can be: each call's
        // two ranges apart (at most the distance between them), front to
        // back as below, so a kill leaves what a kill between two writes
        // here leaves. What it does not copy goes the read-and-write way,
        // which also reports any error.
        let apart = src - first;
        let mut in_kernel = true;
        while first + done < upto {
            if in_kernel {
                let n = (upto - first - done).min(apart).min(KERNEL_CHUNK);
                match crate::os::file::copy_range(
                    file,
                    (src + done) as u64,
                    file,
                    (first + done) as u64,
                    n as u64,
                ) {
                    Ok(k) => {
                        done += k as usize;
                        in_kernel = k as usize == n;
                        continue;
                    }
                    Err(_) => in_kernel = false,
                }
            }
            let n = CHUNK.min(upto - first - done);
            loop {
                chunk.clear();
                let step = read_append(file, src + done, n, &mut chunk).and_then(|_| {
                    if chunk.len() < n {
                        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
                    }
                    file.write_all_at(&chunk, (first + done) as u64)
                });
                match step {
                    Ok(()) => break,
                    Err(e) => {
                        let text = format!("Unable to write to mailbox: {}", error_text(&e));
                        ev.log(text.as_bytes(), Level::Error);
                        if ev.disk_error(e.raw_os_error().unwrap_or(0), true) {
                            return Err(());
                        }
                    }
                }
            }
            done += n;
        }
        let _ = file.set_len(new_len as u64);
        let _ = file.sync_all();
        Ok(())
    }

    /// Whether a rewrite now would store the pseudo-message with another
    /// length than it has in the file.
    fn pseudo_changes_length(&self) -> bool {
        if !self.st.pseudo || self.dead {
            return false;
        }
        let have = if self.msgs.is_empty() {
            self.size
        } else {
            self.msgs.offset(0)
        };
        let p =
            format::pseudo_message_kind(self.kind, &self.st, &Now::current(), &user::local_host());
        p.len() != have
    }

    /// Checkpoint: parse, and rewrite if anything changed (`unix_check`).
    fn checkpoint(&mut self, ev: &mut dyn Events) {
        if self.dead || self.session.is_none() {
            return;
        }
        let _ = self.locked(FlockKind::Exclusive, ev, |mb, file, ev| {
            if mb.reparse(file, ev)
                && mb.st.dirty
                && mb.rewrite(file, false, None, ev).is_some()
                && !mb.silent
            {
                ev.log(b"Checkpoint completed", Level::Info);
            }
        });
    }

    /// Opens the mailbox at `path` (canonical file name).
    fn open_path(
        kind: Kind,
        path: Vec<u8>,
        options: OpenOptions,
        sniff: bool,
        ev: &mut dyn Events,
    ) -> Result<UnixMailbox> {
        let mut mb = UnixMailbox {
            kind,
            mtime: 0,
            path,
            size: 0,
            source: Source::None,
            filetime: 0,
            msgs: Index::new(),
            st: MailboxState::new(),
            recent: 0,
            appending: false,
            session: None,
            silent: options.silent,
            sniff,
            dead: false,
            kwd_create: false,
            rewrite_new: false,
            fetched: Fetched::default(),
        };
        if !options.read_only {
            // Internal (silent) sessions try once and never send the kiss
            // of death, as the original's OP_SILENT|OP_NOKOD opens.
            let request = lock::SessionRequest {
                silent: options.silent,
                no_kiss_of_death: options.silent,
            };
            mb.session =
                lock::session_lock_path(&mb.path, request, &lock::LockOptions::current(), ev);
            if mb.session.is_some() {
                let writable = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path_of(&mb.path));
                if matches!(&writable, Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied) {
                    ev.log(
                        b"Can't get write access to mailbox, access is readonly",
                        Level::Warn,
                    );
                    mb.session = None;
                }
            }
            if options.silent && mb.session.is_none() {
                return Err(Error::reported());
            }
        }
        mb.locked(FlockKind::Shared, ev, |mb, file, ev| mb.reparse(file, ev))?;
        if mb.dead {
            return Err(Error::reported());
        }
        if mb.msgs.is_empty() && !mb.silent {
            ev.log(b"Mailbox is empty", Level::Info);
        }
        // Users with lives get permanent keywords, and may make new ones
        // while there is room.
        mb.kwd_create =
            mb.session.is_some() && !mb.st.nosticky && mb.st.keywords[MAX_KEYWORDS - 1].is_empty();
        Ok(mb)
    }

    /// The messages of `set` (in message order) as `unix_copy` writes them
    /// into another Berkeley mailbox: the "From " line as stored, the header
    /// and text without CRs, and status lines with the next UIDs of the
    /// target when it could be opened for writing (`target_last`).
    #[cfg(test)]
    fn copy_bytes(&self, data: &[u8], set: MsgSet, mut target_last: Option<&mut u32>) -> Vec<u8> {
        let mut out = Vec::new();
        let chosen = members(set, self.msgs.len());
        for (i, m) in self.msgs.iter().enumerate() {
            if !chosen[i] {
                continue;
            }
            let uid = match target_last.as_deref_mut() {
                Some(last) => {
                    *last = last.wrapping_add(1);
                    Some(*last)
                }
                None => None,
            };
            self.copy_message(&data[m.offset()..], &m, uid, &mut out);
        }
        out
    }

    /// Appends message `m` as [`UnixMailbox::copy_bytes`] writes it, with
    /// target UID `uid`; `old` holds the file from the message's start.
    fn copy_message(&self, old: &[u8], m: &Message, uid: Option<u32>, out: &mut Vec<u8>) {
        let l = Layout {
            offset: 0,
            ..m.layout()
        };
        out.extend_from_slice(&old[..l.header_start()]);
        let header_at = out.len();
        format::stored_header_into(old, &l, m.canon(), out);
        let j = out.len() - header_at;
        if j >= 2 && out[header_at + j - 2] == b'\n' {
            out.pop();
        }
        // Status lines with a UID given are always the sticky kind.
        let sticky_st;
        let st = if uid.is_some() && self.st.nosticky {
            sticky_st = MailboxState {
                nosticky: false,
                ..self.st.clone()
            };
            &sticky_st
        } else {
            &self.st
        };
        let info = m.info();
        out.extend_from_slice(&format::xstatus(
            st,
            info.flags,
            info.keywords,
            uid.unwrap_or(0),
            info.flags.contains(Flags::RECENT),
            self.appending,
            false,
            uid.is_some(),
        ));
        let t = l.text_start();
        format::strip_cr_into(&old[t..t + l.text_len], out);
        out.extend_from_slice(self.kind.trailer());
    }

    /// `unix_copy`.
    fn copy_work(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        // Users with no life get no UID answers.
        let want_uids = want_uids && !user::user_has_no_life();
        match probe(self.kind, target) {
            Probe::Valid | Probe::Empty => {}
            Probe::Missing if !target.eq_ignore_ascii_case(b"INBOX") => {
                ev.notify(b"[TRYCREATE] Must create mailbox before copy", Level::Info);
                return Err(Error::reported());
            }
            Probe::Missing | Probe::Denied => {
                // The original makes a missing INBOX and then still fails.
                if let (true, Some(path)) =
                    (target.eq_ignore_ascii_case(b"INBOX"), mailbox_path(target))
                {
                    if !path_of(&path).exists() {
                        let _ = UnixDriver::create_file(self.kind, &path, ev);
                    }
                }
                return Err(fail(
                    ev,
                    &msg(&[b"Can't access destination: ", s80(target)]),
                ));
            }
            Probe::BadName => {
                return Err(fail(
                    ev,
                    &msg(&[
                        format!("Invalid {}-format mailbox name: ", self.kind.label()).as_bytes(),
                        s80(target),
                    ]),
                ))
            }
            Probe::NotUnix => {
                return Err(fail(
                    ev,
                    &msg(&[
                        format!("Not a {}-format mailbox: ", self.kind.label()).as_bytes(),
                        s80(target),
                    ]),
                ))
            }
        }
        let Some(path) = mailbox_path(target) else {
            return Err(fail(
                ev,
                &msg(&[
                    format!("Invalid {}-format mailbox name: ", self.kind.label()).as_bytes(),
                    s80(target),
                ]),
            ));
        };
        let writable = OpenOptions {
            silent: true,
            ..Default::default()
        };
        let mut tstream = UnixMailbox::open_path(self.kind, path.clone(), writable, false, ev)
            .ok()
            .filter(|mb| !mb.read_only());
        if want_uids && tstream.is_none() {
            let text = msg(&[b"Unable to write-open mailbox for COPYUID: ", s80(target)]);
            ev.log(&text, Level::Warn);
        }
        ev.critical(true);
        // The closing checkpoint below rewrites the target's pseudo-message;
        // when that changes its length (a mailbox just created gains a
        // Message-ID line) every message copied in would move. Rewriting it
        // now, while nothing follows it, leaves the closing checkpoint the
        // pseudo-message alone to rewrite, in place.
        // Not when the target is this mailbox: its messages are read from
        // the file below, where they are now.
        let same_file = |a: &[u8], b: &[u8]| match (
            std::fs::metadata(path_of(a)),
            std::fs::metadata(path_of(b)),
        ) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => true,
        };
        if let Some(t) = tstream.as_mut() {
            if t.pseudo_changes_length() && !same_file(&self.path, &path) {
                t.st.dirty = true;
                t.appending = true;
                // Inside this critical stretch, and otherwise unseen: what
                // the application sees of the target is the closing
                // checkpoint, as before.
                t.checkpoint(&mut Quiet(ev));
                // Without the early rewrite the closing one would have moved,
                // and so rewritten, every message copied in (their keywords
                // the target lacks dropped): it still renders each of them,
                // and writes those whose bytes change.
                t.rewrite_new = true;
            }
        }
        let first_uid = tstream
            .as_ref()
            .map_or(0, |t| t.st.uid_last.wrapping_add(1));
        let chosen = members(set, self.msgs.len());
        let source: Vec<u32> = (0..self.msgs.len())
            .filter(|&i| chosen[i])
            .map(|i| self.msgs.uid(i))
            .collect();
        // The target's next UIDs are taken before anything is written.
        let numbered = tstream.is_some();
        if let Some(t) = tstream.as_mut() {
            t.st.uid_last = t.st.uid_last.wrapping_add(source.len() as u32);
        }
        // The messages are rendered and written a window at a time.
        let mut old = match &self.source {
            Source::Memory(d) => OldBytes::Slice(d),
            Source::File(f) => OldBytes::file(f, self.size),
            Source::None => OldBytes::Slice(&[]),
        };
        let mut produce = |put: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| {
            let mut out = Vec::new();
            let mut k = 0u32;
            for (i, m) in self.msgs.iter().enumerate() {
                if !chosen[i] {
                    continue;
                }
                let uid = numbered.then(|| first_uid.wrapping_add(k));
                k += 1;
                let l = &m.layout();
                let bytes = old.get(l.offset, l.text_start() + l.text_len)?;
                self.copy_message(bytes, &m, uid, &mut out);
                if out.len() >= CHUNK {
                    put(&out)?;
                    out.clear();
                }
            }
            put(&out)
        };
        let result = write_at_end(
            &path,
            &mut produce,
            ev,
            "Can't open destination mailbox: ",
            "Message copy failed: ",
        );
        let mut uids = None;
        if let Some(t) = tstream.as_mut() {
            if t.st.uid_validity == 0 {
                t.st.uid_validity = Self::now_secs() as u32;
            }
            if want_uids && result.is_ok() {
                let map = UidMap {
                    validity: t.st.uid_validity,
                    dest: (0..source.len() as u32)
                        .map(|k| first_uid.wrapping_add(k))
                        .collect(),
                    source,
                };
                ev.copy_uids(target, map.validity, &map.source, &map.dest);
                uids = Some(map);
            }
            t.st.dirty = true;
            t.appending = true;
            t.close(false, ev);
        }
        ev.critical(false);
        result.map(|()| uids)
    }

    /// Logs a failed read of message data.
    fn read_failed(&self, e: &std::io::Error, ev: &mut dyn Events) -> Error {
        let text = format!("Unable to read mailbox: {}", error_text(e));
        fail(ev, text.as_bytes())
    }

    /// Bytes `start..end` of the mailbox as parsed.
    fn bytes_at(&self, start: usize, end: usize) -> std::io::Result<Cow<'_, [u8]>> {
        match &self.source {
            Source::Memory(d) => Ok(Cow::Borrowed(&d[start.min(d.len())..end.min(d.len())])),
            Source::File(f) => read_range(f, start, end).map(Cow::Owned),
            Source::None => Ok(Cow::Borrowed(&[])),
        }
    }

    /// Bytes `start..end` of the mailbox as parsed, through the read-ahead
    /// window (fewer when the file is shorter).
    fn fetch_bytes(&mut self, start: usize, end: usize) -> std::io::Result<&[u8]> {
        match &self.source {
            Source::Memory(d) => Ok(&d[start.min(d.len())..end.min(d.len())]),
            Source::None => Ok(&[]),
            Source::File(f) => {
                let w = &mut self.fetched;
                if !(w.at <= start && end <= w.at + w.window.len()) {
                    let upto = end.max((start + READ_AHEAD).min(self.size));
                    w.window.clear();
                    w.at = start;
                    if let Err(e) = read_append(f, start, upto - start, &mut w.window) {
                        w.window.clear();
                        return Err(e);
                    }
                }
                let len = w.window.len();
                Ok(&w.window[(start - w.at).min(len)..(end - w.at).min(len)])
            }
        }
    }

    /// The header of message `msgno` as stored.
    fn raw_header(&self, msgno: u32) -> std::io::Result<Cow<'_, [u8]>> {
        let l = &self.msgs.get(msgno as usize - 1).layout();
        self.bytes_at(l.header_start(), l.text_start())
    }

    /// The text of message `msgno` as stored.
    fn raw_text(&self, msgno: u32) -> std::io::Result<Cow<'_, [u8]>> {
        let l = &self.msgs.get(msgno as usize - 1).layout();
        self.bytes_at(l.text_start(), l.text_start() + l.text_len)
    }
}

impl Mailbox for UnixMailbox {
    /// The stream shows the file's path once open, as the original's does.
    fn mailbox_name(&self) -> Option<&[u8]> {
        Some(&self.path)
    }
    fn driver_name(&self) -> &'static str {
        self.kind.name()
    }
    fn count(&self) -> u32 {
        self.msgs.len() as u32
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.msgs.get(msgno as usize - 1).info
    }
    fn uid_validity(&self) -> u32 {
        self.st.uid_validity
    }
    fn uid_last(&self) -> u32 {
        self.st.uid_last
    }
    fn keywords(&self) -> &[Vec<u8>] {
        self.st.keyword_list()
    }
    fn can_create_keywords(&self) -> bool {
        self.kwd_create
    }
    fn read_only(&self) -> bool {
        self.session.is_none()
    }

    fn header(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        if !matches!(&self.fetched.header, Some((n, _)) if *n == msgno) {
            let l = self.msgs.get(msgno as usize - 1).layout();
            // The previous header's buffer is reused: one allocation for a
            // whole search instead of two per message.
            let mut made = self
                .fetched
                .header
                .take()
                .map(|(_, v)| v)
                .unwrap_or_default();
            let canon = self.msgs.get(msgno as usize - 1).canon();
            match self.fetch_bytes(l.header_start(), l.text_start()) {
                Ok(raw) => {
                    if !format::kept_header_crlf_into(raw, &l, canon, &mut made) {
                        format::header_crlf_into(raw, &mut made)
                    }
                }
                Err(e) => return Err(self.read_failed(&e, ev)),
            };
            self.fetched.header = Some((msgno, made));
        }
        Ok(Cow::Borrowed(
            self.fetched.header.as_ref().map_or(&[], |(_, h)| h),
        ))
    }

    /// The stored header, read in blocks of messages: `header` makes its
    /// text by turning LFs into CRLF (dropping CRs) and removing the
    /// bookkeeping lines, so a stored header without CR or NUL qualifies.
    fn header_lookups(&mut self, msgnos: &[u32], f: &mut dyn FnMut(u32, Option<&[u8]>)) -> bool {
        // A quarter MiB: large enough that the system calls cost little, small
        // enough to keep the peak RSS near the original's (it reads header
        // lines one message at a time).
        const BLOCK: usize = 1 << 18;
        let fit = |h: &[u8]| memchr::memchr2(b'\r', 0, h).is_none();
        // Read once into a buffer zeroed once; `valid` bytes of it hold the
        // file from offset `at`.
        let mut block: Vec<u8> = Vec::new();
        let (mut at, mut valid) = (0usize, 0usize);
        let span = |n: u32| {
            (n as usize)
                .checked_sub(1)
                .and_then(|i| self.msgs.at(i))
                .map(|m| {
                    let l = m.layout();
                    (l.header_start(), l.text_start())
                })
        };
        for (k, &n) in msgnos.iter().enumerate() {
            let Some(m) = (n as usize).checked_sub(1).and_then(|i| self.msgs.at(i)) else {
                f(n, None);
                continue;
            };
            let l = m.layout();
            let (start, end) = (l.header_start(), l.text_start());
            match &self.source {
                Source::File(file) => {
                    if start < at || end > at + valid {
                        // Up to the end of the last wanted header that fits
                        // in a block (not a whole block for sparse messages).
                        let mut stop = end;
                        for &later in &msgnos[k + 1..] {
                            match span(later) {
                                Some((s2, e2)) if s2 >= start && e2 <= start + BLOCK => {
                                    stop = stop.max(e2)
                                }
                                _ => break,
                            }
                        }
                        let len = stop - start;
                        if block.len() < len {
                            // Exactly the block's size, not a doubled one.
                            block.reserve_exact(len - block.len());
                            block.resize(len, 0);
                        }
                        at = start;
                        valid = read_some_at(file, &mut block[..len], start as u64).unwrap_or(0);
                    }
                    match block[..valid].get(start - at..end - at) {
                        Some(h) if fit(h) => f(n, Some(h)),
                        _ => f(n, None),
                    }
                }
                Source::Memory(d) => match d.get(start..end) {
                    Some(h) if fit(h) => f(n, Some(h)),
                    _ => f(n, None),
                },
                Source::None => f(n, None),
            }
        }
        true
    }

    fn text(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        if !matches!(&self.fetched.text, Some((n, _)) if *n == msgno) {
            let l = self.msgs.get(msgno as usize - 1).layout();
            // The previous text's buffer is reused, as the header's is.
            let mut made = self.fetched.text.take().map(|(_, v)| v).unwrap_or_default();
            match self.fetch_bytes(l.text_start(), l.text_start() + l.text_len) {
                Ok(raw) => format::to_crlf_into(raw, &mut made),
                Err(e) => return Err(self.read_failed(&e, ev)),
            };
            self.fetched.text = Some((msgno, made));
        }
        Ok(Cow::Borrowed(
            self.fetched.text.as_ref().map_or(&[], |(_, t)| t),
        ))
    }

    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        for &n in set {
            let Some(i) = (n as usize).checked_sub(1).filter(|&i| i < self.msgs.len()) else {
                continue;
            };
            let (old_flags, old_keywords) = (self.msgs.flags(i), self.msgs.keywords(i));
            let new = Flags((flags.0 & Flags::SETTABLE.0) | (old_flags.0 & Flags::RECENT.0));
            let changed = new != old_flags || keywords != old_keywords;
            self.msgs.set_flags(i, new, keywords);
            // The original marks every message of the set, changed or not.
            self.msgs.set_dirty(i, true);
            self.st.dirty = true;
            if changed && !silent {
                ev.flags(n);
            }
        }
        Ok(())
    }

    fn keyword_index(&mut self, name: &[u8], create: bool) -> Option<usize> {
        if let Some(i) = self.st.find_keyword(name) {
            return Some(i);
        }
        let slot = self.st.keywords.iter().position(|k| k.is_empty())?;
        if !(create && self.kwd_create && format::valid_new_keyword(name)) {
            return None;
        }
        self.st.keywords[slot] = name.to_vec();
        if slot == MAX_KEYWORDS - 1 {
            self.kwd_create = false;
        }
        Some(slot)
    }

    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        if self.dead {
            return Ok(false);
        }
        let Some(session) = &self.session else {
            return Ok(true);
        };
        if session.surrender_requested() {
            if self.st.dirty {
                self.checkpoint(ev);
            }
            self.session = None;
            return Ok(!self.dead);
        }
        let size = match std::fs::metadata(path_of(&self.path)) {
            Ok(m) => m.len() as usize,
            Err(e) => {
                let text = format!("Mailbox stat failed, aborted: {}", error_text(&e));
                ev.log(text.as_bytes(), Level::Error);
                self.dead = true;
                return Ok(false);
            }
        };
        if self.st.ddirty || size != self.size {
            let _ = self.locked(FlockKind::Exclusive, ev, |mb, file, ev| {
                if mb.reparse(file, ev) && mb.st.ddirty {
                    mb.rewrite(file, false, None, ev);
                }
            });
        }
        Ok(!self.dead)
    }

    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        self.checkpoint(ev);
        Ok(())
    }

    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        if self.dead || self.session.is_none() {
            if !self.silent {
                ev.log(b"Expunge ignored on readonly mailbox", Level::Warn);
            }
            // The original's expunge then answers failure.
            return Err(Error::reported());
        }
        let outcome = self.locked(FlockKind::Exclusive, ev, |mb, file, ev| {
            if !mb.reparse(file, ev) {
                return Err(());
            }
            if !mb.st.dirty && mb.msgs.iter().any(|m| m.flags().contains(Flags::DELETED)) {
                mb.st.dirty = true;
            }
            if !mb.st.dirty {
                return Ok(Some((
                    0,
                    b"No messages deleted, so no update needed".to_vec(),
                )));
            }
            // A failed rewrite was logged; the expunge itself still succeeds.
            Ok(mb.rewrite(file, true, set, ev).map(|n| {
                (
                    n,
                    if n > 0 {
                        format!("Expunged {} messages", n).into_bytes()
                    } else {
                        b"Mailbox checkpointed, but no messages expunged".to_vec()
                    },
                )
            }))
        })?;
        match outcome {
            Ok(Some((n, text))) => {
                if !self.silent {
                    ev.log(&text, Level::Info);
                }
                Ok(n)
            }
            Ok(None) => Ok(0),
            // The parse failed (logged; the stream is dead).
            Err(()) => Err(Error::reported()),
        }
    }

    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        set.iter()
            .map(|&n| {
                let m = &self.msgs.get(n as usize - 1);
                let read = self.raw_header(n).and_then(|h| Ok((h, self.raw_text(n)?)));
                let (h, t) = match read {
                    Ok(parts) => parts,
                    Err(e) => return Err(self.read_failed(&e, ev)),
                };
                let mut message = format::filter_internal(&format::to_crlf(&h));
                message.extend_from_slice(&format::to_crlf(&t));
                let info = m.info();
                Ok(AppendMessage {
                    flags: info.flags.minus(Flags::RECENT),
                    keywords: (0..MAX_KEYWORDS)
                        .filter(|b| info.keywords & (1 << b) != 0)
                        .map(|b| self.st.keywords[b].clone())
                        .collect(),
                    date: Some(info.internal_date),
                    message,
                })
            })
            .collect()
    }

    fn copy_to(&mut self, set: MsgSet, target: &[u8], ev: &mut dyn Events) -> Option<Result<()>> {
        Some(self.copy_work(set, target, false, ev).map(|_| ()))
    }

    fn copy_to_uids(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Option<Result<Option<UidMap>>> {
        Some(self.copy_work(set, target, want_uids, ev))
    }

    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        let silent = self.silent;
        self.silent = true;
        if expunge {
            let _ = self.expunge(None, ev);
        } else if self.st.dirty {
            self.checkpoint(ev);
        }
        self.silent = silent;
        self.session = None;
        self.dead = true;
    }
}

impl UnixDriver {
    /// `unix_create` for a resolved file: makes the directories, the file,
    /// and writes the pseudo-message.
    fn create_file(kind: Kind, path: &[u8], ev: &mut dyn Events) -> Result<()> {
        let p = path_of(path);
        if let Some(dir) = p.parent() {
            if !dir.as_os_str().is_empty() && !dir.is_dir() {
                if let Err(e) = std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                {
                    let text = msg(&[
                        b"Can't create mailbox node ",
                        s80(path),
                        b": ",
                        error_text(&e).as_bytes(),
                    ]);
                    return Err(fail(ev, &text));
                }
            }
        }
        if path.ends_with(b"/") {
            return match std::fs::DirBuilder::new().mode(0o700).create(p) {
                Ok(()) => Ok(()),
                Err(e) => {
                    let text = msg(&[
                        b"Can't create mailbox node ",
                        s80(path),
                        b": ",
                        error_text(&e).as_bytes(),
                    ]);
                    Err(fail(ev, &text))
                }
            };
        }
        let file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(p)
        {
            Ok(f) => f,
            Err(e) => {
                let text = msg(&[
                    b"Can't create mailbox node ",
                    s80(path),
                    b": ",
                    error_text(&e).as_bytes(),
                ]);
                return Err(fail(ev, &text));
            }
        };
        // The original creates it with umask 0: exactly the mailbox mode.
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        if user::user_has_no_life() {
            // No pseudo-message for users who want none.
            return Ok(());
        }
        let now = Now::current();
        let defaults: Vec<Vec<u8>> = (0..MAX_KEYWORDS)
            .filter_map(user::default_user_flag)
            .collect();
        let data = format::create_pseudo_kind(kind, &now, &user::local_host(), &defaults);
        if let Err(e) = file.write_all_at(&data, 0) {
            let _ = std::fs::remove_file(p);
            let text = msg(&[
                b"Can't initialize mailbox node ",
                s80(path),
                b": ",
                error_text(&e).as_bytes(),
            ]);
            return Err(fail(ev, &text));
        }
        Ok(())
    }

    /// `unix_rename` (delete when `new` is None).
    fn rename_or_delete(old: &[u8], new: Option<&[u8]>, ev: &mut dyn Events) -> Result<()> {
        ev.critical(true);
        let r = Self::rename_work(old, new, ev);
        ev.critical(false);
        r.map_err(|text| fail(ev, &text))
    }

    fn rename_work(
        old: &[u8],
        new: Option<&[u8]>,
        ev: &mut dyn Events,
    ) -> std::result::Result<(), Vec<u8>> {
        let file = mailbox_path(old);
        let target = match new {
            Some(n) => match user::mailbox_file(n) {
                Some(LocalName::Path(p)) if !p.is_empty() && !p.ends_with(b"/") => Some(p),
                _ => None,
            },
            None => None,
        };
        let (Some(file), true) = (file, new.is_none() || target.is_some()) else {
            return Err(match new {
                Some(n) => msg(&[
                    b"Can't rename mailbox ",
                    s80(old),
                    b" to ",
                    s80(n),
                    b": invalid name",
                ]),
                None => msg(&[b"Can't delete mailbox ", s80(old), b": invalid name"]),
            });
        };
        // Lock out other sessions while the file goes: one try, no kiss of
        // death. (A missing file fails here too, with the same message.)
        let request = lock::SessionRequest {
            silent: true,
            no_kiss_of_death: true,
        };
        let session = lock::session_lock_path(&file, request, &lock::LockOptions::current(), ev);
        if session.is_none() {
            return Err(msg(&[
                b"Mailbox ",
                s80(old),
                b" is in use by another process",
            ]));
        }
        let (dot, opened) = lock::dot_lock_open(
            &file,
            || {
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path_of(&file))
            },
            ev,
        );
        let f = match opened {
            Ok(f) => f,
            Err(e) => {
                drop(dot);
                return Err(msg(&[
                    b"Can't lock mailbox ",
                    s80(old),
                    b": ",
                    error_text(&e).as_bytes(),
                ]));
            }
        };
        let held = lock::flock(&f, FlockKind::Exclusive, false);
        let result = match (new, target) {
            (Some(n), Some(t)) => {
                let tp = path_of(&t);
                let mut r = Ok(());
                if let Some(dir) = tp.parent() {
                    if !dir.as_os_str().is_empty() && !dir.is_dir() {
                        if let Err(e) = std::fs::DirBuilder::new()
                            .recursive(true)
                            .mode(0o700)
                            .create(dir)
                        {
                            r = Err(msg(&[
                                b"Can't create mailbox node ",
                                s80(&t),
                                b": ",
                                error_text(&e).as_bytes(),
                            ]));
                        }
                    }
                }
                r.and_then(|()| {
                    std::fs::rename(path_of(&file), tp).map_err(|e| {
                        msg(&[
                            b"Can't rename mailbox ",
                            s80(old),
                            b" to ",
                            s80(n),
                            b": ",
                            error_text(&e).as_bytes(),
                        ])
                    })
                })
            }
            _ => std::fs::remove_file(path_of(&file)).map_err(|e| {
                msg(&[
                    b"Can't delete mailbox ",
                    s80(old),
                    b": ",
                    error_text(&e).as_bytes(),
                ])
            }),
        };
        drop(held);
        drop(f);
        drop(dot);
        drop(session);
        result
    }
}

impl Driver for UnixDriver {
    fn name(&self) -> &'static str {
        self.kind.name()
    }

    fn valid(&self, name: &[u8]) -> bool {
        probe(self.kind, name) == Probe::Valid
    }

    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        let Some(path) = mailbox_path(name) else {
            let text = msg(&[b"Can't open - invalid name: ", s80(name)]);
            return Err(fail(ev, &text));
        };
        Ok(Box::new(UnixMailbox::open_path(
            self.kind, path, options, false, ev,
        )?))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        let Some(path) = mailbox_path(name) else {
            let text = msg(&[b"Can't create ", s80(name), b": invalid name"]);
            return Err(fail(ev, &text));
        };
        Self::create_file(self.kind, &path, ev)
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        Self::rename_or_delete(name, None, ev)
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        Self::rename_or_delete(old, Some(new), ev)
    }

    fn append(&self, name: &[u8], messages: &[AppendMessage], ev: &mut dyn Events) -> Result<()> {
        self.append_uids(name, messages, false, ev).map(|_| ())
    }

    fn append_uids(
        &self,
        name: &[u8],
        messages: &[AppendMessage],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        append(self.kind, name, &mut Given(messages.iter()), want_uids, ev)
    }

    fn append_from(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        append(self.kind, name, source, want_uids, ev)
    }

    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        let path = mailbox_path(name)
            .ok_or_else(|| Error::new(msg(&[b"Can't open - invalid name: ", s80(name)])))?;
        let quiet = OpenOptions {
            read_only: true,
            silent: true,
            ..Default::default()
        };
        let mut mb = UnixMailbox::open_path(self.kind, path, quiet, false, ev)?;
        let unseen = mb
            .msgs
            .iter()
            .filter(|m| !m.flags().contains(Flags::SEEN))
            .count() as u32;
        let st = Status {
            messages: Some(mb.count()),
            recent: Some(mb.recent),
            unseen: Some(unseen),
            uid_next: Some(mb.st.uid_last.wrapping_add(1)),
            uid_validity: Some(mb.st.uid_validity),
        };
        mb.close(false, ev);
        Ok(st)
    }
}

/// `unix_append`: writes the messages at the end of the file in one go
/// (all or none), then lets a writable session assign their UIDs.
fn append(
    kind: Kind,
    name: &[u8],
    source: &mut dyn AppendSource,
    want_uids: bool,
    ev: &mut dyn Events,
) -> Result<Option<UidMap>> {
    let Some(path) = mailbox_path(name) else {
        let text = msg(&[
            format!("Invalid {}-format mailbox name: ", kind.label()).as_bytes(),
            s80(name),
        ]);
        return Err(fail(ev, &text));
    };
    let user_name = user::user_name().unwrap_or_default();
    append_from_at(
        kind,
        &path,
        name,
        source,
        &user_name,
        &user::local_host(),
        want_uids,
        ev,
    )
}

/// Messages already at hand, as an append's source.
struct Given<'a>(std::slice::Iter<'a, AppendMessage>);

impl AppendSource for Given<'_> {
    fn next_message(&mut self, _ev: &mut dyn Events) -> Option<Result<AppendMessage>> {
        self.0.next().cloned().map(Ok)
    }
}

/// [`append`] of `messages` to the file `path` (`name` for messages), as
/// `user`@`host`.
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
fn append_at(
    kind: Kind,
    path: &[u8],
    name: &[u8],
    messages: &[AppendMessage],
    user_name: &[u8],
    host: &[u8],
    want_uids: bool,
    ev: &mut dyn Events,
) -> Result<Option<UidMap>> {
    let mut source = Given(messages.iter());
    append_from_at(
        kind,
        path,
        name,
        &mut source,
        user_name,
        host,
        want_uids,
        ev,
    )
}

/// [`append_at`] taking the messages from `source` once the target has
/// been examined, as the original asks the application for them.
#[allow(clippy::too_many_arguments)]
fn append_from_at(
    kind: Kind,
    path: &[u8],
    name: &[u8],
    source: &mut dyn AppendSource,
    user_name: &[u8],
    host: &[u8],
    want_uids: bool,
    ev: &mut dyn Events,
) -> Result<Option<UidMap>> {
    let quiet = OpenOptions {
        read_only: true,
        silent: true,
        ..Default::default()
    };
    let path = path.to_vec();
    // Keywords known to the target, for turning names into the stored list.
    let keywords: MailboxState = match probe_path(kind, &path) {
        Probe::Valid => match UnixMailbox::open_path(kind, path.clone(), quiet, true, ev) {
            Ok(mb) => mb.st.clone(),
            Err(_) => {
                let text = msg(&[b"Unable to examine mailbox for APPEND: ", s80(name)]);
                return Err(fail(ev, &text));
            }
        },
        Probe::Missing if !name.eq_ignore_ascii_case(b"INBOX") => {
            ev.notify(
                b"[TRYCREATE] Must create mailbox before append",
                Level::Info,
            );
            return Err(Error::reported());
        }
        Probe::Missing | Probe::Empty => {
            if !Path::new(std::ffi::OsStr::from_bytes(&path)).exists() {
                let _ = UnixDriver::create_file(kind, &path, ev);
            }
            MailboxState::new()
        }
        Probe::Denied => return Err(fail(ev, &msg(&[b"Can't access destination: ", s80(name)]))),
        Probe::BadName => {
            return Err(fail(
                ev,
                &msg(&[
                    format!("Invalid {}-format mailbox name: ", kind.label()).as_bytes(),
                    s80(name),
                ]),
            ))
        }
        Probe::NotUnix => {
            return Err(fail(
                ev,
                &msg(&[
                    format!("Not a {}-format mailbox: ", kind.label()).as_bytes(),
                    s80(name),
                ]),
            ))
        }
    };
    let want_uids = want_uids && !user::user_has_no_life();
    // What each message is stored with; written once the target session
    // (which numbers them when UIDs are wanted) is open.
    let mut prepared: Vec<(String, Flags, Vec<&[u8]>)> = Vec::new();
    let mut messages = Vec::new();
    while let Some(m) = source.next_message(ev) {
        let m = m?;
        let when = m.date.unwrap_or_else(now_date);
        let cdate = date::ctime_date(&when);
        if m.message.is_empty() {
            ev.log(b"Append of zero-length message", Level::Error);
            return Err(Error::reported());
        }
        let mut bits = 0u32;
        for k in &m.keywords {
            match keywords.find_keyword(k) {
                Some(i) => bits |= 1 << i,
                None => {
                    let text = if k.is_empty() {
                        b"Empty flag invalid".to_vec()
                    } else {
                        msg(&[b"Unknown flag: ", s80(k)])
                    };
                    ev.log(&text, Level::Warn);
                }
            }
        }
        let names: Vec<&[u8]> = (0..MAX_KEYWORDS)
            .filter(|b| bits & (1 << b) != 0)
            .map(|b| keywords.keywords[b].as_slice())
            .collect();
        prepared.push((cdate, m.flags, names));
        messages.push(m);
    }
    ev.critical(true);
    // A writable session on the target, to assign UIDs afterwards.
    let mut session = UnixMailbox::open_path(
        kind,
        path.clone(),
        OpenOptions {
            silent: true,
            ..Default::default()
        },
        false,
        ev,
    )
    .ok()
    .filter(|mb| !mb.read_only());
    if want_uids && session.is_none() {
        let text = msg(&[b"Unable to re-open mailbox for APPENDUID: ", s80(name)]);
        ev.log(&text, Level::Warn);
    }
    // With UIDs wanted the messages carry the session's next UIDs.
    let numbering = if want_uids { session.as_mut() } else { None };
    let mut uid_last = numbering.as_ref().map(|mb| mb.st.uid_last);
    let first = uid_last.map(|u| u.wrapping_add(1));
    let mut stored = Vec::new();
    let mut writer = format::AppendWriter::new(kind);
    for ((cdate, flags, names), m) in prepared.iter().zip(&messages) {
        let uid = uid_last.as_mut().map(|u| {
            *u = u.wrapping_add(1);
            *u
        });
        writer.write(
            &mut stored,
            user_name,
            host,
            cdate.as_bytes(),
            *flags,
            names,
            uid,
            &m.message,
        );
    }
    if let (Some(mb), Some(last)) = (numbering, uid_last) {
        mb.st.uid_last = last;
    }
    let result = write_at_end(
        &path,
        &mut |put: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| put(&stored),
        ev,
        "Can't open append mailbox: ",
        "Message append failed: ",
    );
    let mut uids = None;
    if let Some(mb) = session.as_mut() {
        if mb.st.uid_validity == 0 {
            mb.st.uid_validity = UnixMailbox::now_secs() as u32;
        }
        if let (Some(first), true) = (first, result.is_ok()) {
            let map = UidMap {
                validity: mb.st.uid_validity,
                source: Vec::new(),
                dest: (0..messages.len() as u32)
                    .map(|k| first.wrapping_add(k))
                    .collect(),
            };
            ev.append_uids(name, map.validity, &map.dest);
            uids = Some(map);
        }
        mb.st.dirty = true;
        mb.appending = true;
        mb.close(false, ev);
    }
    ev.critical(false);
    result.map(|()| uids)
}

/// The current time as a message date (local zone).
fn now_date() -> MailDate {
    let text = date::now(date::NowFormat::Rfc822 { zone_text: false });
    date::parse_date(&text).unwrap_or_else(|d| d)
}

/// Something that hands the bytes to write, in pieces, to the function it
/// is given.
type WriteProducer<'a> =
    &'a mut dyn FnMut(&mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()>;

/// Appends the bytes `produce` gives to the mailbox file under its locks;
/// on failure the file is cut back to its old size.
fn write_at_end(
    path: &[u8],
    produce: WriteProducer<'_>,
    ev: &mut dyn Events,
    open_failed: &str,
    write_failed: &str,
) -> Result<()> {
    let (dot, opened) = lock::dot_lock_open(
        path,
        || std::fs::OpenOptions::new().append(true).open(path_of(path)),
        ev,
    );
    let file = match opened {
        Ok(f) => f,
        Err(e) => {
            drop(dot);
            let text = format!("{}{}", open_failed, error_text(&e));
            return Err(fail(ev, text.as_bytes()));
        }
    };
    let held = lock::flock(&file, FlockKind::Exclusive, false);
    let meta = file.metadata().ok();
    let old_size = meta.as_ref().map_or(0, |m| m.len());
    let now = UnixMailbox::now_secs();
    let mut put = |bytes: &[u8]| std::io::Write::write_all(&mut &file, bytes);
    let written = produce(&mut put).and_then(|_| file.sync_all());
    let result = match written {
        Ok(()) => {
            set_times(&file, now - 1, now);
            Ok(())
        }
        Err(e) => {
            let text = format!("{}{}", write_failed, error_text(&e));
            ev.log(text.as_bytes(), Level::Error);
            let _ = file.set_len(old_size);
            if let Some(m) = meta {
                let atime = if m.ctime() > m.atime() || m.mtime() > m.atime() {
                    m.atime()
                } else {
                    now
                };
                set_times(&file, atime, now);
            }
            Err(Error::reported())
        }
    };
    drop(held);
    drop(dot);
    result
}

#[cfg(test)]
mod tests;

/// Parses `data` as a whole mailbox file and renders the file a checkpoint
/// would write (pseudo-message dated `now`, host `host`), without any file
/// or lock: the message count and the bytes, or None when the data does not
/// parse. For fuzzing and tests.
pub fn rewritten(data: &[u8], now: &Now, host: &[u8]) -> Option<(u32, Vec<u8>)> {
    rewritten_kind(Kind::Unix, data, now, host)
}

/// [`rewritten`] for either format.
pub fn rewritten_kind(kind: Kind, data: &[u8], now: &Now, host: &[u8]) -> Option<(u32, Vec<u8>)> {
    let mut mb = UnixMailbox {
        kind,
        mtime: 0,
        path: Vec::new(),
        size: data.len(),
        source: Source::Memory(data.to_vec()),
        filetime: 0,
        msgs: Index::new(),
        st: MailboxState::new(),
        recent: 0,
        appending: false,
        session: None,
        silent: true,
        sniff: false,
        dead: false,
        kwd_create: false,
        rewrite_new: false,
        fetched: Fetched::default(),
    };
    let mut ev = crate::store::events::Recorder::new();
    if !matches!(mb.absorb(data, 0, WINDOW, &mut ev), Ok(true)) {
        return None;
    }
    // A rewrite never happens without a UID validity (an empty file gets
    // one from whoever writes it first).
    if mb.st.uid_validity == 0 {
        mb.st.uid_validity = now.secs as u32;
    }
    let r = mb.render(data, false, None, now, host);
    Some((mb.count(), r.bytes))
}
