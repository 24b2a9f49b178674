//! The mix format: a directory holding a metadata file (`.mixmeta`: UID
//! validity, last UID, current data file, keywords), an index (`.mixindex`:
//! one fixed-width record per message saying where it lives), a status file
//! (`.mixstatus`: flags, keywords and modseq per message), a sort cache, and
//! data files (`.mix<hex>`) holding the messages one after another.
//!
//! Every session keeps the metadata file open with a shared `flock`; a
//! session that gets it exclusively is alone and may compact ("burp") the
//! data files. The index and status files are locked while read or
//! rewritten; each control file starts with a sequence number that changes
//! when the file does, so a session rereads only what changed.

pub mod format;
mod index_journal;
pub mod sortcache;

use crate::env::params::{number, Owner};
use crate::env::user;
use crate::message::date::{self, MailDate};
use crate::os::lock as sys;
use crate::store::common::{cat, fail, LastRead};
use crate::store::dummy;
use crate::store::events::{Events, Level, Status};
use crate::store::flags::{Flags, MAX_KEYWORDS};
use crate::store::lock::{error_text, safe_flock};
use crate::store::mailbox::{
    AppendMessage, AppendSource, Driver, Error, Given, Mailbox, MessageInfo, MsgSet, OpenOptions,
    Result, UidMap,
};
use crate::store::names::LocalName;
use crate::store::snarf;
use format::*;
use std::borrow::Cow;
use std::fs::{self, File};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

#[cfg(test)]
mod tests;

/// Longest mailbox name (`NETMAXMBX`).
const MAX_NAME: usize = 256;
const GET_DIRPROTECTION: i64 = 502;
const GET_EXPUNGEATPING: i64 = 123;

/// The mix driver.
#[derive(Debug)]
pub struct MixDriver;

/// The driver's one instance.
pub static MIX: MixDriver = MixDriver;

fn os(p: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(p))
}

fn cut(s: &[u8], n: usize) -> &[u8] {
    &s[..s.len().min(n)]
}

fn now_secs() -> u64 {
    u64::try_from(crate::os::clock::now()).unwrap_or(0)
}

/// `mix_modseq`: now, but never backwards.
fn modseq(old: u64) -> u64 {
    let now = now_secs();
    if now <= old {
        old.saturating_add(1)
    } else {
        now
    }
}

/// The current time as a message date (local zone).
fn now_date() -> MailDate {
    let text = date::now(date::NowFormat::Rfc822 { zone_text: false });
    date::parse_date(&text).unwrap_or_else(|d| d)
}

/// `mix_dir`: the directory of mailbox `name`; None when the name maps to
/// none.
pub fn mix_dir(name: &[u8]) -> Option<Vec<u8>> {
    let mut p = match user::mailbox_file(name)? {
        LocalName::Inbox => match user::mailbox_file(b"~/INBOX")? {
            LocalName::Path(p) => p,
            LocalName::Inbox => return None,
        },
        LocalName::Path(p) => p,
    };
    if p.is_empty() {
        return None;
    }
    if p.len() > 1 && p.last() == Some(&b'/') {
        p.pop();
    }
    Some(p)
}

/// `mix_file`: `dir/.mix<suffix>`.
pub fn mix_file(dir: &[u8], suffix: &[u8]) -> Vec<u8> {
    cat(&[dir, b"/", MIXNAME, suffix])
}

/// `mix_file_data`: the data file number `n` of `dir`.
pub fn data_path(dir: &[u8], n: u64) -> Vec<u8> {
    if n == 0 {
        mix_file(dir, b"")
    } else {
        mix_file(dir, format!("{n:08x}").as_bytes())
    }
}

/// `mix_dirfmttest`: whether a directory entry belongs to the format.
pub fn dirfmt_test(name: &[u8]) -> bool {
    name.starts_with(MIXNAME)
}

/// `mix_scan_contents`: whether a data file of directory `dir` holds
/// `contents`, the files looked at in the order of their numbers.
pub fn scan_contents(dir: &[u8], contents: &[u8]) -> bool {
    let Ok(entries) = fs::read_dir(os(dir)) else {
        return false;
    };
    let mut files: Vec<(u64, Vec<u8>)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().as_bytes().to_vec();
            data_file_number(&name).map(|n| (n, name))
        })
        .collect();
    files.sort_by_key(|f| f.0);
    files.into_iter().any(|(_, name)| {
        let p = cat(&[dir, b"/", &name]);
        match fs::metadata(os(&p)) {
            Ok(m) if contents.len() as u64 <= m.len() => dummy::scan_file(&p, contents, m.len()),
            _ => false,
        }
    })
}

/// What `mix_isvalid` finds at a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Valid,
    /// No such directory (the original's ENOENT).
    Missing,
    /// Something else: a directory without metadata, a file, a bad name.
    Other,
}

pub fn probe(name: &[u8]) -> Probe {
    if name.len() > MAX_NAME {
        return Probe::Other;
    }
    let Some(dir) = mix_dir(name) else {
        return Probe::Other;
    };
    match fs::metadata(os(&dir)) {
        Ok(m) if m.is_dir() => match fs::metadata(os(&mix_file(&dir, b"meta"))) {
            Ok(m) if m.is_file() => Probe::Valid,
            _ => Probe::Other,
        },
        Ok(_) => Probe::Other,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Probe::Missing,
        Err(_) => Probe::Other,
    }
}

fn flock(f: &File, op: i32, ev: &mut dyn Events) -> bool {
    safe_flock(f.as_raw_fd(), op, ev).is_ok()
}

fn read_all(f: &File) -> io::Result<Vec<u8>> {
    let len = f.metadata()?.len();
    let mut buf = Vec::new();
    crate::os::file::read_append_at(f, 0, usize::try_from(len).unwrap_or(0), &mut buf)?;
    Ok(buf)
}

/// How much of a control file is read first to see its sequence record.
const HEAD: usize = 4096;

/// The sequence of a control file when it can be told from its first
/// `HEAD` bytes without a warning, and the file is longer than that (a
/// shorter one is read whole anyway).
fn head_sequence(f: &File) -> Option<u64> {
    let len = f.metadata().ok()?.len();
    if len <= HEAD as u64 {
        return None;
    }
    let mut head = Vec::with_capacity(HEAD);
    crate::os::file::read_append_at(f, 0, HEAD, &mut head).ok()?;
    memchr::memchr(b'\n', &head)?;
    let mut recs = Records::new(&head);
    let seq = recs.sequence()?;
    recs.warnings.is_empty().then_some(seq)
}

/// One message as the session knows it.
#[derive(Clone, Debug, Default)]
struct Msg {
    info: MessageInfo,
    size: u64,
    file: u64,
    pos: u64,
    hoff: u64,
    hsize: u64,
    modseq: u64,
    /// Expunged by another session, not yet for this one.
    ghost: bool,
    /// Status known (the original's `valid` bit: the message is old).
    valid: bool,
}

impl Msg {
    fn uid(&self) -> u64 {
        u64::from(self.info.uid)
    }
    fn recent(&self) -> bool {
        self.info.flags.contains(Flags::RECENT)
    }
    fn set_recent(&mut self, on: bool) {
        self.info.flags = self.info.flags.with(Flags::RECENT, on);
    }
    fn status_bits(&self) -> u64 {
        let f = self.info.flags;
        let mut b = 0;
        if f.contains(Flags::SEEN) {
            b |= F_SEEN;
        }
        if f.contains(Flags::DELETED) {
            b |= F_DELETED;
        }
        if f.contains(Flags::FLAGGED) {
            b |= F_FLAGGED;
        }
        if f.contains(Flags::ANSWERED) {
            b |= F_ANSWERED;
        }
        if f.contains(Flags::DRAFT) {
            b |= F_DRAFT;
        }
        if self.valid {
            b |= F_OLD;
        }
        b
    }
    fn set_status_bits(&mut self, b: u64) {
        let recent = self.recent();
        let mut f = Flags::NONE;
        f = f.with(Flags::SEEN, b & F_SEEN != 0);
        f = f.with(Flags::DELETED, b & F_DELETED != 0);
        f = f.with(Flags::FLAGGED, b & F_FLAGGED != 0);
        f = f.with(Flags::ANSWERED, b & F_ANSWERED != 0);
        f = f.with(Flags::DRAFT, b & F_DRAFT != 0);
        f = f.with(Flags::RECENT, recent);
        self.info.flags = f;
    }
    fn end(&self) -> u64 {
        // Index fields come from disk: a hostile file may hold any value.
        self.pos.saturating_add(self.hoff).saturating_add(self.size)
    }
}

/// What `burp` does with one data file.
enum Burped {
    /// Every byte is used.
    Keep,
    /// Only its tail is unused: (size, new size).
    Cut(u64, u64),
    /// Copied to a new file: (its number, its path, end of the last kept
    /// range, bytes copied).
    Copied(u64, Vec<u8>, u64, u64),
}

/// The index and status files, locked, while a session works on them.
struct Locked {
    index: File,
    status: File,
}

/// Which messages an expunge removes.
#[derive(Clone, Copy)]
enum Exp<'a> {
    /// None: only compact the data files.
    BurpOnly,
    Deleted,
    /// The deleted ones among these.
    Set(&'a [u32]),
}

/// An open mix mailbox.
pub struct MixMailbox {
    dir: Vec<u8>,
    meta: Option<File>,
    read_only: bool,
    /// Opened for the library's own use (append, copy, status).
    internal: bool,
    metaseq: u64,
    indexseq: u64,
    statusseq: u64,
    newmsg: u64,
    validity: u64,
    last: u64,
    keywords: Vec<Vec<u8>>,
    msgs: Vec<Msg>,
    expok: bool,
    data: Option<(u64, File)>,
    /// Opened as INBOX: new mail is moved in from the system inbox.
    inbox: bool,
    lastsnarf: i64,
    sortcacheseq: u64,
    /// The message read last, record included (see `read_whole`).
    last_read: LastRead,
}

/// The sort cache file of a session, open and locked for an update.
pub struct SortCacheFile {
    file: File,
}

impl SortCacheFile {
    /// The open file (for the exported `mix_sortcache_open`, which hands it
    /// to the caller as a FILE).
    pub fn into_file(self) -> File {
        self.file
    }

    /// A file the caller had from [`Self::into_file`] (still locked).
    pub fn from_file(file: File) -> Self {
        SortCacheFile { file }
    }
}

thread_local! {
    /// A move of new mail is under way (its appends open INBOX again).
    static SNARFING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `GET_SNARFINTERVAL`.
const GET_SNARFINTERVAL: i64 = 564;

impl MixMailbox {
    /// `mix_open` on directory `dir`.
    fn open_dir(dir: Vec<u8>, options: OpenOptions, ev: &mut dyn Events) -> Result<MixMailbox> {
        let meta_path = mix_file(&dir, b"meta");
        let mut read_only = options.read_only;
        let mut meta = None;
        if !read_only {
            meta = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(os(&meta_path))
                .ok();
        }
        if meta.is_none() {
            read_only = true;
            meta = File::open(os(&meta_path)).ok();
        }
        let meta = match meta {
            Some(f) if flock(&f, sys::LOCK_SH, ev) => f,
            _ => return Err(fail(ev, b"Error opening mix metadata file")),
        };
        let mut mb = MixMailbox {
            dir,
            meta: Some(meta),
            read_only,
            internal: options.silent,
            metaseq: 0,
            indexseq: 0,
            statusseq: 0,
            newmsg: 0,
            validity: 0,
            last: 0,
            keywords: Vec::new(),
            msgs: Vec::new(),
            expok: false,
            data: None,
            inbox: options.inbox,
            lastsnarf: 0,
            sortcacheseq: 0,
            last_read: LastRead::default(),
        };
        // The stream is silent while it is being opened: the counts are
        // reported once, after (by the caller).
        let mut quiet = snarf::Silent(ev, true);
        if !mb.ping_work(&mut quiet) {
            return Err(Error::reported());
        }
        if !mb.read_only {
            let _ = mb.expunge_work(Exp::BurpOnly, &mut quiet);
        }
        if mb.msgs.is_empty() && !options.silent {
            ev.log(b"Mailbox is empty", Level::Info);
        }
        if !options.silent {
            ev.exists(mb.msgs.len() as u32);
        }
        Ok(mb)
    }

    fn path(&self, suffix: &[u8]) -> Vec<u8> {
        mix_file(&self.dir, suffix)
    }

    /// `mix_ping`'s move of new mail: each message of the system inbox
    /// appended to INBOX as an application's append would, then marked
    /// deleted; the system inbox is expunged when all went in.
    fn snarf(&mut self, ev: &mut dyn Events) {
        let interval = number(Owner::Mail, GET_SNARFINTERVAL);
        let now = now_secs() as i64;
        if !self.inbox || self.read_only || SNARFING.get() || now < self.lastsnarf + interval {
            return;
        }
        ev.critical(true);
        SNARFING.set(true);
        if let Some(path) = snarf::pending() {
            if let Some(mut sys) = snarf::SystemInbox::open(&path, ev) {
                let n = sys.count();
                let mut ok = true;
                let mut at = 0;
                for m in 1..=n {
                    at = m;
                    let info = sys.info(m).clone();
                    if info.flags.contains(Flags::DELETED) {
                        continue;
                    }
                    let message = sys.message(m, ev);
                    if message.is_empty() {
                        continue;
                    }
                    let one = [AppendMessage {
                        flags: info.flags.minus(Flags::DELETED).minus(Flags::RECENT),
                        keywords: Vec::new(),
                        date: Some(info.internal_date),
                        message,
                    }];
                    let mut source = Given(one.iter());
                    let mut quiet = snarf::Silent(ev, false);
                    ok = append_messages(b"INBOX", &mut source, false, &mut quiet).is_ok();
                    if !ok {
                        break;
                    }
                    sys.delete(&[m], ev);
                }
                if ok {
                    sys.expunge(ev);
                } else {
                    let t = format!("Can't copy new mail at message: {}", at - 1);
                    ev.log(t.as_bytes(), Level::Warn);
                }
                sys.close(ev);
            }
        }
        SNARFING.set(false);
        ev.critical(false);
        self.lastsnarf = now_secs() as i64;
    }

    /// `mix_flag`'s write: each message's new flags and keywords, under
    /// one parse and one status sequence, the status file written once.
    pub fn store_flags_each(
        &mut self,
        changes: &[(u32, Flags, u32)],
        ev: &mut dyn Events,
    ) -> Result<()> {
        let locked = self.parse(false, true, ev);
        let seq = modseq(self.statusseq);
        for &(n, flags, keywords) in changes {
            let read_only = self.read_only;
            let Some(m) = self.msgs.get_mut((n as usize).wrapping_sub(1)) else {
                continue;
            };
            let recent = m.recent();
            let new = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            if new != m.info.flags || keywords != m.info.keywords {
                m.info.flags = new;
                m.info.keywords = keywords;
                if !read_only {
                    m.modseq = seq;
                    self.statusseq = seq;
                }
            }
        }
        if let Some(l) = locked.as_ref() {
            if self.statusseq == seq && !self.status_update(&l.status, false, ev) {
                return Err(Error::reported());
            }
        }
        Ok(())
    }

    /// `mix_sortcache_open`: reads the sort cache file into the session's
    /// keys (through `known`/`found`, see [`sortcache::read_records`]) when
    /// another session has written it since this one last read it; the
    /// file stays open and locked for [`Self::sortcache_update`] when it
    /// could be opened for writing and read without error.
    pub fn sortcache_open(
        &mut self,
        known: &mut dyn FnMut(u64) -> Option<sortcache::Have>,
        found: &mut dyn FnMut(sortcache::SortKeys),
        ev: &mut dyn Events,
    ) -> Option<SortCacheFile> {
        if self.msgs.is_empty() {
            return None;
        }
        let mode = self
            .meta
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0o600, |m| m.mode() & 0o7777);
        let path = self.path(b"sortcache");
        let mut read_only = false;
        let file = match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(mode)
            .open(os(&path))
        {
            Ok(f) => f,
            Err(_) => match File::open(os(&path)) {
                Ok(f) => {
                    read_only = true;
                    f
                }
                Err(_) => {
                    ev.log(b"Error opening mix sortcache file", Level::Warn);
                    return None;
                }
            },
        };
        let op = if read_only {
            sys::LOCK_SH
        } else {
            sys::LOCK_EX
        };
        let _ = flock(&file, op, ev);
        let data = read_all(&file).unwrap_or_default();
        let mut recs = Records::new(&data);
        let seq = recs.sequence();
        let mut usable = true;
        match seq {
            Some(i) if i != 0 && i >= self.sortcacheseq => {
                if i > self.sortcacheseq {
                    self.sortcacheseq = i;
                    let r = sortcache::read_records(&mut recs, known, found);
                    for w in recs.warnings.drain(..) {
                        ev.log(&w, Level::Warn);
                    }
                    match r {
                        Ok(()) => {}
                        Err(sortcache::ReadError::Oversize(l)) => {
                            let t = cat(&[b"Oversize mix sortcache record: ", cut(&l, 512)]);
                            ev.log(&t, Level::Error);
                            usable = false;
                        }
                        Err(sortcache::ReadError::Bad(what, l)) => {
                            let t = cat(&[
                                b"Error in ",
                                what.as_bytes(),
                                b" in mix sortcache record: ",
                                cut(&l, 500),
                            ]);
                            ev.log(&t, Level::Warn);
                            usable = false;
                        }
                    }
                }
            }
            _ => {
                for w in recs.warnings.drain(..) {
                    ev.log(&w, Level::Warn);
                }
                ev.log(b"Error in mix sortcache file sequence record", Level::Warn);
            }
        }
        if !usable {
            return None;
        }
        if read_only {
            let _ = fs::remove_file(os(&path));
            return None;
        }
        let _ = file.set_permissions(fs::Permissions::from_mode(mode));
        Some(SortCacheFile { file })
    }

    /// `mix_sortcache_update`: when `entries` (every message's keys, in
    /// order) is given, rewrites the file with them under a new sequence;
    /// then closes it. False after a write error (reported).
    pub fn sortcache_update(
        &mut self,
        sc: SortCacheFile,
        entries: Option<&[sortcache::SortKeys]>,
        ev: &mut dyn Events,
    ) -> bool {
        let Some(entries) = entries else {
            return true;
        };
        self.sortcacheseq = modseq(self.sortcacheseq);
        let text = sortcache::write(self.sortcacheseq, entries);
        let f = &sc.file;
        if f.write_all_at(&text, 0).is_err() {
            ev.log(b"Error updating mix sortcache file", Level::Warn);
            return false;
        }
        let _ = f.set_len(text.len() as u64);
        true
    }

    fn ping_work(&mut self, ev: &mut dyn Events) -> bool {
        self.snarf(ev);
        // Expunges by others are taken in at a ping when the library
        // allows it (on by default).
        if number(Owner::Mail, GET_EXPUNGEATPING) != 0 {
            self.expok = true;
        }
        let sflags = !self.internal;
        let ok = self.parse(true, sflags, ev).is_some();
        self.expok = false;
        if !ok {
            self.meta = None;
            self.data = None;
        }
        ok
    }

    /// Opens and locks a control file.
    fn open_locked(&self, suffix: &[u8], write: bool, ev: &mut dyn Events) -> Option<File> {
        let f = fs::OpenOptions::new()
            .read(true)
            .write(write)
            .open(os(&self.path(suffix)))
            .ok()?;
        let op = if write { sys::LOCK_EX } else { sys::LOCK_SH };
        flock(&f, op, ev).then_some(f)
    }

    /// `mix_meta_slurp` and the metadata part of `mix_parse`; true when the
    /// UID validity or last UID changed.
    fn read_meta(&mut self, ev: &mut dyn Events) -> Option<bool> {
        let meta = self.meta.as_ref()?;
        let size = match meta.metadata() {
            Ok(m) => m.len(),
            Err(_) => {
                ev.log(b"Error obtaining size of mix metatdata file", Level::Error);
                return None;
            }
        };
        if size > METAMAX {
            ev.log(b"absurd mix metadata file size", Level::Error);
            return None;
        }
        let Ok(data) = read_all(meta) else {
            ev.log(b"Error reading mix metadata file", Level::Error);
            return None;
        };
        let parsed = match parse_meta(&data) {
            Ok(m) if m.seq >= self.metaseq => m,
            Ok(_) => {
                ev.log(meta_error(MetaError::Sequence).as_bytes(), Level::Error);
                return None;
            }
            Err(MetaError::Sequence) => {
                ev.log(meta_error(MetaError::Sequence).as_bytes(), Level::Error);
                return None;
            }
            Err(e) => {
                // The original checks the sequence first, then the lines.
                if data.len() > 1 && format::hex(&data[1..]).0 < self.metaseq {
                    ev.log(meta_error(MetaError::Sequence).as_bytes(), Level::Error);
                } else {
                    ev.log(meta_error(e).as_bytes(), Level::Error);
                }
                return None;
            }
        };
        let mut changed = false;
        if parsed.seq == self.metaseq {
            return Some(false);
        }
        self.metaseq = parsed.seq;
        for line in parsed.lines {
            match line {
                MetaLine::Validity(v) => {
                    if v != self.validity {
                        self.validity = v;
                        changed = true;
                    }
                }
                MetaLine::Last(v) => {
                    if v != self.last {
                        self.last = v;
                        changed = true;
                    }
                }
                MetaLine::NewMsg(v) => {
                    // As the original: compared with the last UID.
                    if v != self.last {
                        self.newmsg = v;
                    }
                }
                MetaLine::Keywords(k) => {
                    let n = k.len();
                    for (i, w) in k.into_iter().enumerate() {
                        if i < self.keywords.len() {
                            if self.keywords[i] != w {
                                let t = cat(&[
                                    b"flag rename old=",
                                    cut(&self.keywords[i], 80),
                                    b" new=",
                                    cut(&w, 80),
                                ]);
                                ev.log(&t, Level::Warn);
                                self.keywords[i] = w;
                            }
                        } else {
                            self.keywords.push(w);
                        }
                    }
                    if n < NUSERFLAGS && self.keywords.len() > n {
                        ev.log(b"Error in mix metadata file keyword record", Level::Error);
                        return None;
                    }
                }
                MetaLine::Other => {}
            }
        }
        Some(changed)
    }

    /// `mix_parse`: rereads what changed of the metadata, index and status
    /// files, leaving the index (exclusively when `iflags`) and the status
    /// file locked. None on failure (reported).
    fn parse(&mut self, iflags: bool, sflags: bool, ev: &mut dyn Events) -> Option<Locked> {
        let (iflags, sflags) = if self.read_only {
            (false, false)
        } else {
            (iflags, sflags)
        };
        let Some(index) = self.open_locked(b"index", iflags, ev) else {
            ev.log(b"Error opening mix index file", Level::Error);
            return None;
        };
        if iflags {
            self.recover_index(&index, ev);
        }
        let changed = self.read_meta(ev)?;
        // An index this session has parsed at its present sequence is not
        // read again (a ping or a flag change of a large mailbox would
        // otherwise read all of it each time).
        let unchanged =
            !changed && head_sequence(&index).is_some_and(|s| s != 0 && s == self.indexseq);
        let idata = if unchanged {
            Ok(seq_line(self.indexseq))
        } else {
            read_all(&index)
        };
        let Ok(idata) = idata else {
            ev.log(b"Error opening mix index file", Level::Error);
            return None;
        };
        let mut recs = Records::new(&idata);
        let seq = recs.sequence();
        for w in recs.warnings.drain(..) {
            ev.log(&w, Level::Warn);
        }
        let seq = match seq {
            Some(s) if s != 0 && s >= self.indexseq => s,
            _ => {
                ev.log(b"Error in mix index file sequence record", Level::Error);
                return None;
            }
        };
        let mut metarepair = false;
        let mut indexrepair = false;
        if changed || seq > self.indexseq {
            if self.expok {
                self.indexseq = seq;
            }
            let (ok, mr, ir) = self.parse_index(&mut recs, ev);
            for w in recs.warnings.drain(..) {
                ev.log(&w, Level::Warn);
            }
            if !ok {
                return None;
            }
            metarepair = mr;
            indexrepair = ir;
        }
        if metarepair && !self.meta_update() {
            return None;
        }
        if indexrepair && !self.index_update(&index, false, ev) {
            return None;
        }
        let Some(status) = self.open_locked(b"status", !self.read_only, ev) else {
            ev.log(b"Error opening mix status file", Level::Error);
            return None;
        };
        self.parse_status(&status, sflags, ev);
        ev.exists(self.msgs.len() as u32);
        let recent = self.msgs.iter().filter(|m| m.recent()).count() as u32;
        ev.recent(recent);
        Some(Locked { index, status })
    }

    /// The index records after the sequence: (success, metadata repair
    /// needed, index repair needed).
    fn parse_index(&mut self, recs: &mut Records, ev: &mut dyn Events) -> (bool, bool, bool) {
        let mut metarepair = false;
        let mut indexrepair = false;
        let mut n = 0usize;
        let mut curfile = 0u64;
        let mut curfilesize = 0u64;
        let mut curpos = 0u64;
        loop {
            let next = recs.next_record("index");
            for w in recs.warnings.drain(..) {
                ev.log(&w, Level::Warn);
            }
            let line = match next {
                Record::Eof => break,
                Record::Oversize(b) => {
                    let t = cat(&[b"Oversize mix index record: ", cut(b, 512)]);
                    ev.log(&t, Level::Error);
                    return (false, false, false);
                }
                Record::Line(l) => l,
            };
            if line[0] != b':' {
                let t = cat(&[b"Unknown record in mix index file: ", cut(line, 500)]);
                ev.log(&t, Level::Error);
                return (false, false, false);
            }
            let r = match parse_index(line) {
                Ok(r) if r.uid <= u64::from(u32::MAX) && r.size <= u64::from(u32::MAX) => r,
                Ok(_) => {
                    let t = cat(&[b"Error in UID in mix index file: ", cut(line, 500)]);
                    ev.log(&t, Level::Error);
                    return (false, false, false);
                }
                Err((what, rest)) => {
                    let t = cat(&[
                        b"Error in ",
                        what.as_bytes(),
                        b" in mix index file: ",
                        cut(rest, 500),
                    ]);
                    ev.log(&t, Level::Error);
                    return (false, false, false);
                }
            };
            if r.uid > self.last {
                let t = format!("mix index invalid UID ({:08x} < {:08x})", r.uid, self.last);
                if self.read_only {
                    ev.log(t.as_bytes(), Level::Error);
                    return (false, false, false);
                }
                ev.log(format!("{t}, repaired").as_bytes(), Level::Warn);
                self.last = r.uid;
                metarepair = true;
            }
            n += 1;
            let date = r.date();
            while n <= self.msgs.len() {
                let m = &mut self.msgs[n - 1];
                if r.uid == m.uid() {
                    if m.ghost {
                        let t = format!("mix index data unexpunged UID: {:x}", r.uid);
                        ev.log(t.as_bytes(), Level::Error);
                        return (false, false, false);
                    }
                    if r.size != m.size
                        || r.file != m.file
                        || r.pos != m.pos
                        || r.hpos != m.hoff
                        || r.hsize != m.hsize
                        || date != m.info.internal_date
                    {
                        let t = format!("mix index data mismatch: {:x}", r.uid);
                        ev.log(t.as_bytes(), Level::Error);
                        return (false, false, false);
                    }
                    break;
                } else if r.uid > m.uid() {
                    if self.expok {
                        self.msgs.remove(n - 1);
                        ev.expunged(n as u32);
                    } else {
                        m.ghost = true;
                        n += 1;
                    }
                } else {
                    let t = format!("mix index UID mismatch ({:x} < {:x})", r.uid, m.uid());
                    ev.log(t.as_bytes(), Level::Error);
                    return (false, false, false);
                }
            }
            if n > self.msgs.len() {
                let mut m = Msg {
                    info: MessageInfo {
                        uid: r.uid as u32,
                        internal_date: date,
                        size: r.size as u32,
                        ..Default::default()
                    },
                    size: r.size,
                    file: r.file,
                    pos: r.pos,
                    hoff: r.hpos,
                    hsize: r.hsize,
                    ..Default::default()
                };
                m.set_recent(true);
                self.msgs.push(m);
                let k = self.msgs.len();
                let repair_ok = !self.read_only && self.expok;
                if curfile == r.file {
                    if r.pos < curpos && k >= 2 {
                        let delta = curpos - r.pos;
                        let p = &mut self.msgs[k - 2];
                        let mut t = format!(
                            "message {} (UID={:08x}) truncated by {} byte(s) ({} < {})",
                            k - 1,
                            p.uid(),
                            delta,
                            r.pos,
                            curpos
                        );
                        if repair_ok && delta < p.size {
                            p.size -= delta;
                            p.info.size = p.size as u32;
                            if p.size < p.hsize {
                                p.hsize = p.size;
                            }
                            t.push_str(", repaired");
                            indexrepair = true;
                        }
                        ev.log(t.as_bytes(), Level::Warn);
                    }
                } else {
                    let path = data_path(&self.dir, r.file);
                    match fs::metadata(os(&path)) {
                        Ok(md) => curfilesize = md.len(),
                        Err(_) => {
                            let t = cat(&[b"Missing mix data file: ", cut(&path, 500)]);
                            ev.log(&t, Level::Error);
                            return (false, false, false);
                        }
                    }
                    curfile = r.file;
                }
                let m = &mut self.msgs[k - 1];
                curpos = m.end();
                if curfilesize < curpos {
                    let delta = curpos - curfilesize;
                    let mut t = format!(
                        "message {} (UID={:08x}) truncated by {} byte(s) ({} < {})",
                        k,
                        m.uid(),
                        delta,
                        curfilesize,
                        curpos
                    );
                    if repair_ok && delta < m.size {
                        m.size -= delta;
                        m.info.size = m.size as u32;
                        if m.size < m.hsize {
                            m.hsize = m.size;
                        }
                        t.push_str(", repaired");
                        indexrepair = true;
                    }
                    ev.log(t.as_bytes(), Level::Warn);
                }
            }
        }
        if self.expok {
            while n < self.msgs.len() {
                self.msgs.pop();
                ev.expunged(self.msgs.len() as u32 + 1);
            }
        }
        (true, metarepair, indexrepair)
    }

    /// The status part of `mix_parse`.
    fn parse_status(&mut self, status: &File, sflags: bool, ev: &mut dyn Events) {
        // Nothing to take in when the sequence is the one last seen.
        if head_sequence(status).is_some_and(|s| s != 0 && s == self.statusseq) {
            return;
        }
        let data = read_all(status).unwrap_or_default();
        let mut recs = Records::new(&data);
        let seq = recs.sequence();
        for w in recs.warnings.drain(..) {
            ev.log(&w, Level::Warn);
        }
        let seq = match seq {
            Some(s) if s != 0 && !(s < self.statusseq && !self.msgs.is_empty() && s != 1) => s,
            other => {
                let t = format!(
                    "Error in mix status sequence record, i={:x}, seq={:x}",
                    other.unwrap_or(0),
                    self.statusseq
                );
                ev.log(t.as_bytes(), Level::Error);
                return;
            }
        };
        if seq == self.statusseq {
            return;
        }
        if seq > self.statusseq {
            self.statusseq = seq;
        }
        if self.msgs.is_empty() {
            return;
        }
        let mut updatep = false;
        let mut i = 0usize;
        loop {
            let next = recs.next_record("status");
            for w in recs.warnings.drain(..) {
                ev.log(&w, Level::Warn);
            }
            let line = match next {
                Record::Eof => break,
                Record::Oversize(b) => {
                    let t = cat(&[b"Oversize mix status record: ", cut(b, 512)]);
                    ev.log(&t, Level::Error);
                    break;
                }
                Record::Line(l) => l,
            };
            let Some(r) = parse_status(line) else {
                let fixing: &[u8] = if self.read_only { b"" } else { b", fixing" };
                let t = cat(&[
                    b"Error in mix status file message record",
                    fixing,
                    b": ",
                    cut(line, 80),
                ]);
                ev.log(&t, Level::Warn);
                if !self.read_only {
                    updatep = true;
                }
                break;
            };
            while r.uid > self.msgs[i].uid() && i + 1 < self.msgs.len() {
                i += 1;
            }
            let m = &mut self.msgs[i];
            if r.uid == m.uid() && (!m.valid || r.modseq != m.modseq) {
                m.info.keywords = (r.user_flags & 0xffff_ffff) as u32;
                m.modseq = r.modseq;
                m.set_status_bits(r.flags);
                if m.valid {
                    ev.flags(i as u32 + 1);
                } else if r.flags & F_OLD != 0 {
                    m.set_recent(false);
                    m.valid = true;
                } else if sflags {
                    m.valid = true;
                    m.modseq = modseq(m.modseq);
                    updatep = true;
                }
            }
        }
        for w in recs.warnings.drain(..) {
            ev.log(&w, Level::Warn);
        }
        if updatep {
            self.statusseq = modseq(self.statusseq);
            self.status_update(status, true, ev);
        }
    }

    /// `mix_meta_update`.
    fn meta_update(&mut self) -> bool {
        if self.read_only {
            return true;
        }
        self.metaseq = modseq(self.metaseq);
        let text = meta_text(
            self.metaseq,
            self.validity,
            self.last,
            self.newmsg,
            &self.keywords,
        );
        let Some(meta) = self.meta.as_ref() else {
            return false;
        };
        let ok = meta.write_all_at(&text, 0).is_ok();
        let _ = meta.set_len(text.len() as u64);
        ok
    }

    /// Writes a rewritten control file: after growing it first when
    /// `expand` (so a full disk fails before anything is overwritten).
    fn rewrite(f: &File, text: &[u8], expand: bool, what: &str, ev: &mut dyn Events) -> bool {
        if expand {
            let size = match f.metadata() {
                Ok(m) => m.len(),
                Err(_) => {
                    let t = format!("Error getting size of mix {what} file");
                    ev.log(t.as_bytes(), Level::Error);
                    return false;
                }
            };
            let want = text.len() as u64;
            if size < want {
                let zeros = vec![0u8; (want - size) as usize];
                if f.write_all_at(&zeros, size)
                    .and_then(|_| f.sync_data())
                    .is_err()
                {
                    let _ = f.set_len(size);
                    let t = format!("Error extending mix {what} file");
                    ev.log(t.as_bytes(), Level::Error);
                    return false;
                }
            }
        }
        if let Err(e) = f.write_all_at(text, 0) {
            let t = cat(&[
                format!("Error updating mix {what} file: ").as_bytes(),
                cut(&error_text(&e), 80),
            ]);
            ev.log(&t, Level::Error);
            return false;
        }
        let _ = f.set_len(text.len() as u64);
        true
    }

    /// `mix_index_update`.
    fn index_update(&mut self, index: &File, expand: bool, ev: &mut dyn Events) -> bool {
        if self.read_only {
            return true;
        }
        let text = self.index_text();
        Self::rewrite(index, &text, expand, "index", ev)
    }

    /// The text of the index file for the messages as they are.
    fn index_text(&self) -> Vec<u8> {
        let mut text = seq_line(self.indexseq);
        text.reserve(self.msgs.len() * 72);
        for m in self.msgs.iter().filter(|m| !m.ghost) {
            push_index_line(
                &mut text,
                m.uid(),
                &m.info.internal_date,
                m.size,
                m.file,
                m.pos,
                m.hoff,
                m.hsize,
            );
        }
        text
    }

    /// `mix_status_update`.
    fn status_update(&mut self, status: &File, expand: bool, ev: &mut dyn Events) -> bool {
        if self.read_only {
            return true;
        }
        let text = self.status_text();
        Self::rewrite(status, &text, expand, "status", ev)
    }

    /// The text of the status file (messages without a modseq get the
    /// file's).
    fn status_text(&mut self) -> Vec<u8> {
        let mut text = seq_line(self.statusseq);
        text.reserve(self.msgs.len() * 40);
        for m in self.msgs.iter_mut() {
            if m.modseq == 0 {
                m.modseq = self.statusseq;
            }
            if !m.ghost {
                push_status_line(
                    &mut text,
                    &StatusRecord {
                        uid: m.uid(),
                        user_flags: u64::from(m.info.keywords),
                        flags: m.status_bits(),
                        modseq: m.modseq,
                    },
                );
            }
        }
        text
    }

    /// Replaces control file `suffix` as a whole: the new text goes to a
    /// new file beside it, is synced, and is renamed over the old one, so
    /// that a process killed at any point leaves either file complete.
    /// Only for a session holding the metadata file exclusively (no other
    /// process can hold the old file open then).
    fn replace(&self, suffix: &[u8], text: &[u8], ev: &mut dyn Events) -> bool {
        let path = self.path(suffix);
        let tmp = cat(&[&path, b".new"]);
        let mode = fs::metadata(os(&path)).map_or(0o600, |m| m.mode() & 0o7777);
        let _ = fs::remove_file(os(&tmp));
        let r = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(os(&tmp))
            .and_then(|f| {
                let _ = f.set_permissions(fs::Permissions::from_mode(mode));
                f.write_all_at(text, 0)?;
                f.sync_all()
            })
            .and_then(|()| fs::rename(os(&tmp), os(&path)));
        match r {
            Ok(()) => true,
            Err(e) => {
                let _ = fs::remove_file(os(&tmp));
                let what = String::from_utf8_lossy(suffix).into_owned();
                let t = cat(&[
                    format!("Error updating mix {what} file: ").as_bytes(),
                    cut(&error_text(&e), 80),
                ]);
                ev.log(&t, Level::Error);
                false
            }
        }
    }

    /// Syncs the mailbox directory (after renames and new files).
    fn sync_dir(&self) {
        if let Ok(d) = File::open(os(&self.dir)) {
            let _ = d.sync_all();
        }
    }

    /// `mix_expunge`.
    fn expunge_work(&mut self, what: Exp, ev: &mut dyn Events) -> Result<u32> {
        let burponly = matches!(what, Exp::BurpOnly);
        let mut nexp = 0u32;
        let mut reclaimed = 0u64;
        let mut ok = true;
        self.expok = true;
        if !self.read_only {
            match self.parse(true, !self.internal, ev) {
                None => ok = false,
                Some(locked) => {
                    if !burponly {
                        let chosen: Vec<bool> = (1..=self.msgs.len() as u32)
                            .map(|i| {
                                let m = &self.msgs[i as usize - 1];
                                let del = m.info.flags.contains(Flags::DELETED);
                                match what {
                                    Exp::Set(s) => del && s.contains(&i),
                                    _ => del,
                                }
                            })
                            .collect();
                        let mut i = 1u32;
                        for c in chosen {
                            if c {
                                self.msgs.remove(i as usize - 1);
                                ev.expunged(i);
                                nexp += 1;
                            } else {
                                i += 1;
                            }
                        }
                        if self.data.is_some() {
                            self.data = None;
                        }
                    }
                    let exclusive = self
                        .meta
                        .as_ref()
                        .is_some_and(|f| flock(f, sys::LOCK_EX | sys::LOCK_NB, ev));
                    let mut written = false;
                    if exclusive {
                        (ok, written) = self.burp(&mut reclaimed, nexp > 0, ev);
                        if let Some(f) = self.meta.as_ref() {
                            if !flock(f, sys::LOCK_SH | sys::LOCK_NB, ev) {
                                ev.log(b"Unable to re-acquire metadata shared lock!", Level::Error);
                            }
                        }
                    } else if let Some(f) = self.meta.as_ref() {
                        // flock converts by unlocking first: the refused
                        // upgrade has dropped our shared lock, and without
                        // it another session could burp the data files
                        // under our cached positions. Nobody can hold it
                        // exclusively now (a burper holds the index lock,
                        // which we hold), so this does not wait.
                        let _ = flock(f, sys::LOCK_SH, ev);
                    }
                    if !written && (nexp > 0 || reclaimed > 0) {
                        ok = self.shared_update(&locked, ev);
                    }
                }
            }
        }
        self.expok = false;
        if !ok {
            return Err(Error::reported());
        }
        if nexp > 0 {
            ev.log(format!("Expunged {nexp} messages").as_bytes(), Level::Info);
        } else if reclaimed > 0 {
            let t = format!("Reclaimed {reclaimed} bytes of expunged space");
            ev.log(t.as_bytes(), Level::Info);
        } else if !burponly {
            let t: &[u8] = if self.read_only {
                b"Expunge ignored on readonly mailbox"
            } else {
                b"No messages deleted, so no update needed"
            };
            ev.log(t, Level::Info);
        }
        Ok(nexp)
    }

    /// The index and status rewrite of an expunge while other sessions
    /// have the mailbox open: in place, as the original (they, or an
    /// appender of the original waiting for the index lock, hold the files
    /// open, so no new file may be renamed over them), but so that a kill
    /// loses nothing. The new index goes first to a journal
    /// (`index_journal`), synced; then the index is rewritten with its
    /// first byte spoiled until everything else is in place, so that a
    /// reader (of either library) refuses the half-written file instead
    /// of taking it for a list of messages; the next session that locks
    /// the index for writing finds the journal and writes it again
    /// (`recover_index`). The status file keeps the original's in-place
    /// rewrite: its records are matched to messages by UID, so a
    /// half-written one only repeats records. Without a journal (no place
    /// to make one) it is the original's in-place rewrite.
    fn shared_update(&mut self, locked: &Locked, ev: &mut dyn Events) -> bool {
        self.indexseq = modseq(self.indexseq);
        let text = self.index_text();
        let journal = index_journal::begin(&self.dir, &locked.index, &text);
        let ok = match &journal {
            Some(_) => {
                let r = index_journal::write_spoiled(&locked.index, &text);
                if let Err(e) = &r {
                    let t = cat(&[b"Error updating mix index file: ", cut(&error_text(e), 80)]);
                    ev.log(&t, Level::Error);
                }
                r.is_ok()
            }
            None => self.index_update(&locked.index, false, ev),
        };
        if !ok {
            // A journal stays for `recover_index` when the index may be
            // half written.
            return false;
        }
        self.statusseq = modseq(self.statusseq);
        let ok = self.status_update(&locked.status, false, ev);
        if let Some(j) = journal {
            j.done();
        }
        ok
    }

    /// Finishes an index rewrite a killed session left half done
    /// (`shared_update`); the caller holds the index locked exclusively,
    /// so the journal's writer is gone.
    fn recover_index(&self, index: &File, ev: &mut dyn Events) {
        if let Err(e) = index_journal::recover(&self.dir, index) {
            let t = cat(&[
                b"Unable to finish interrupted mix index update: ",
                cut(&error_text(&e), 80),
            ]);
            ev.log(&t, Level::Error);
        }
    }

    /// The burp part of `mix_expunge`, with the session alone on the
    /// mailbox (metadata file locked exclusively), ordered so that a kill
    /// at any point loses nothing: the messages kept from a data file with
    /// holes are copied to a new data file, which is synced; then the index
    /// and status files are replaced whole (`replace`) to name the new
    /// files; only then are old data files removed and files that only lose
    /// their tail cut. Killed before the index is replaced, the old index
    /// still names the old, untouched data files (the new file is unused and
    /// goes at the next burp); killed after, the new index names complete
    /// files. `changed`: messages were expunged. Returns (success, index
    /// and status written).
    fn burp(&mut self, reclaimed: &mut u64, changed: bool, ev: &mut dyn Events) -> (bool, bool) {
        let mut files: Vec<(u64, Vec<u8>)> = match fs::read_dir(os(&self.dir)) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().as_bytes().to_vec();
                    data_file_number(&name).map(|n| (n, name))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        if files.is_empty() {
            ev.log(b"No mix message files found during expunge", Level::Warn);
            return (true, false);
        }
        files.sort_by_key(|f| f.0);
        // Ranges kept in each file, in file order.
        let mut ranges: Vec<Vec<(u64, u64)>> = vec![Vec::new(); files.len()];
        for m in &self.msgs {
            let Ok(k) = files.binary_search_by_key(&m.file, |f| f.0) else {
                let t = format!("Can't locate mix message file {:08x}", m.file);
                ev.log(t.as_bytes(), Level::Error);
                return (false, false);
            };
            let set = &mut ranges[k];
            let start = m.pos;
            let len = m.hoff.saturating_add(m.size);
            match set.last_mut() {
                Some(last) if start < last.1 => {
                    let t = format!("Backwards-running mix index {} < {}", start, last.1);
                    ev.log(t.as_bytes(), Level::Error);
                    return (false, false);
                }
                // A corrupt index may hold any position: saturate, and the size
                // check in burp_copy refuses the range.
                Some(last) if start == last.1 => last.1 = start.saturating_add(len),
                _ => set.push((start, start.saturating_add(len))),
            }
        }
        // What to do to the old files once the new index is in place.
        let mut removes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut cuts: Vec<(Vec<u8>, Vec<u8>, u64)> = Vec::new();
        let mut made: Vec<Vec<u8>> = Vec::new();
        let mut moved = false;
        // (new number, its path, old number, its path): the copies take
        // the old names back at the end.
        let mut renames: Vec<(u64, Vec<u8>, u64, Vec<u8>)> = Vec::new();
        let mut fresh = files.last().map_or(0, |f| f.0).max(self.newmsg);
        let saved: Vec<(u64, u64)> = self.msgs.iter().map(|m| (m.file, m.pos)).collect();
        let mut ok = true;
        for (k, (number, name)) in files.iter().enumerate() {
            let path = data_path(&self.dir, *number);
            let set = &ranges[k];
            if set.is_empty() {
                if *number == self.newmsg {
                    cuts.push((path, name.clone(), 0));
                } else {
                    removes.push((path, name.clone()));
                }
                continue;
            }
            match self.burp_copy(name, &path, set, &mut fresh, ev) {
                Err(()) => {
                    ok = false;
                    break;
                }
                Ok(Burped::Keep) => {}
                Ok(Burped::Cut(size, end)) => {
                    *reclaimed += size - end;
                    cuts.push((path, name.clone(), end));
                }
                Ok(Burped::Copied(to, newpath, last_end, total)) => {
                    *reclaimed += last_end.saturating_sub(total);
                    let mut at = 0u64;
                    for m in self.msgs.iter_mut().filter(|m| m.file == *number) {
                        m.file = to;
                        m.pos = at;
                        at = at.saturating_add(m.hoff.saturating_add(m.size));
                    }
                    made.push(newpath.clone());
                    renames.push((to, newpath, *number, path.clone()));
                    removes.push((path, name.clone()));
                    moved = true;
                }
            }
        }
        if !ok {
            // Nothing names the new files yet.
            self.undo_burp(&made, saved);
            return (false, false);
        }
        self.data = None;
        if !(changed || moved || *reclaimed > 0) {
            return (true, false);
        }
        if !made.is_empty() {
            self.sync_dir();
        }
        self.indexseq = modseq(self.indexseq);
        // Each text is dropped once written (a mailbox's index is large;
        // held on, it would stay beside the next one).
        let index_ok = {
            let text = self.index_text();
            self.replace(b"index", &text, ev)
        };
        if !index_ok {
            // The old index stays: so do the old files.
            self.undo_burp(&made, saved);
            return (false, false);
        }
        drop(saved);
        self.statusseq = modseq(self.statusseq);
        let status_ok = {
            let text = self.status_text();
            self.replace(b"status", &text, ev)
        };
        self.sync_dir();
        for (path, name) in removes {
            if let Err(e) = fs::remove_file(os(&path)) {
                let t = cat(&[
                    b"Can't delete empty message file ",
                    cut(&name, 80),
                    b": ",
                    cut(&error_text(&e), 80),
                ]);
                ev.log(&t, Level::Warn);
            }
        }
        for (path, name, end) in cuts {
            // A file emptied that is also a copy's second name (left by a
            // kill in `rename_back`) is replaced, not cut.
            let shared = fs::metadata(os(&path)).is_ok_and(|m| m.nlink() > 1);
            let r = if shared && end == 0 {
                fs::remove_file(os(&path)).and_then(|()| {
                    fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .open(os(&path))
                        .map(|_| ())
                })
            } else {
                fs::OpenOptions::new()
                    .write(true)
                    .open(os(&path))
                    .and_then(|f| f.set_len(end))
            };
            if let Err(e) = r {
                let what = if end == 0 {
                    "Can't delete empty message file "
                } else {
                    "Error truncating mix message file "
                };
                let t = cat(&[
                    what.as_bytes(),
                    cut(&name, 80),
                    b": ",
                    cut(&error_text(&e), 80),
                ]);
                ev.log(&t, Level::Warn);
            }
        }
        if status_ok && !renames.is_empty() {
            self.rename_back(&renames, ev);
        }
        (status_ok, true)
    }

    /// The end of `burp`: each compacted copy takes its old file's name
    /// (and number) back, so that the files are named as the original
    /// names them: a second name (hard link) for the copy, the index
    /// replaced again to use it, then the copy's own name removed. A kill
    /// in between leaves two names for one file, the index naming either.
    ///
    /// While a file has two names, the metadata's new-message file is
    /// neither of them: the original's burp cuts an emptied new-message
    /// file to nothing (where it unlinks any other emptied file), and the
    /// name the index does not use looks emptied to it, so a kill there
    /// followed by an expunge of the original would empty the copy.
    fn rename_back(&mut self, renames: &[(u64, Vec<u8>, u64, Vec<u8>)], ev: &mut dyn Events) {
        let newmsg = self.newmsg;
        let moved_newmsg = renames.iter().any(|r| r.2 == newmsg);
        if moved_newmsg {
            let mut spare = renames.iter().map(|r| r.0).max().unwrap_or(0).max(newmsg) + 1;
            if spare == self.last {
                spare += 1;
            }
            self.newmsg = spare;
            if !self.meta_update() {
                self.newmsg = newmsg;
                return;
            }
        }
        self.rename_back_linked(renames, ev);
        if moved_newmsg {
            self.newmsg = newmsg;
            let _ = self.meta_update();
        }
    }

    fn rename_back_linked(
        &mut self,
        renames: &[(u64, Vec<u8>, u64, Vec<u8>)],
        ev: &mut dyn Events,
    ) {
        let mut linked = Vec::new();
        for (to, newpath, number, path) in renames {
            if fs::hard_link(os(newpath), os(path)).is_ok() {
                linked.push((*to, newpath, *number));
            }
        }
        if linked.is_empty() {
            return;
        }
        self.sync_dir();
        for m in self.msgs.iter_mut() {
            if let Some(l) = linked.iter().find(|l| l.0 == m.file) {
                m.file = l.2;
            }
        }
        self.indexseq = modseq(self.indexseq);
        let text = self.index_text();
        if !self.replace(b"index", &text, ev) {
            // The index still names the copies: keep their names.
            for m in self.msgs.iter_mut() {
                if let Some(l) = linked.iter().find(|l| l.2 == m.file) {
                    m.file = l.0;
                }
            }
            return;
        }
        for (_, newpath, _) in linked {
            let _ = fs::remove_file(os(newpath));
        }
        self.data = None;
    }

    /// One data file of `burp`: checks the kept ranges `set` against the
    /// file and, when they leave holes, copies them to a new data file
    /// (number after `fresh`), synced.
    fn burp_copy(
        &mut self,
        name: &[u8],
        path: &[u8],
        set: &[(u64, u64)],
        fresh: &mut u64,
        ev: &mut dyn Events,
    ) -> std::result::Result<Burped, ()> {
        let errtext = |what: &str, e: &io::Error| -> Vec<u8> {
            cat(&[
                what.as_bytes(),
                cut(name, 80),
                b": ",
                cut(&error_text(e), 80),
            ])
        };
        let f = match fs::File::open(os(path)) {
            Ok(f) => f,
            Err(e) => {
                ev.log(
                    &errtext("Error opening mix message file ", &e),
                    Level::Error,
                );
                return Err(());
            }
        };
        let md = match f.metadata() {
            Ok(m) => m,
            Err(e) => {
                ev.log(
                    &errtext("Error in stat of mix message file ", &e),
                    Level::Error,
                );
                return Err(());
            }
        };
        let size = md.len();
        for r in set {
            if r.1 > size {
                let t = cat(&[
                    b"Unexpected short mix message file ",
                    cut(path, 80),
                    format!(" {} < {}", size, r.1).as_bytes(),
                ]);
                ev.log(&t, Level::Error);
                return Err(());
            }
        }
        if set.len() == 1 && set[0].0 == 0 {
            return Ok(if set[0].1 == size {
                Burped::Keep
            } else {
                Burped::Cut(size, set[0].1)
            });
        }
        for r in set {
            let mut tok = [0u8; 5];
            if f.read_exact_at(&mut tok, r.0).is_err() || tok != MSGTOK {
                let t = format!("Bad message token in mix message file at {}", r.0);
                ev.log(t.as_bytes(), Level::Error);
                return Err(());
            }
        }
        let mode = md.mode() & 0o7777;
        let mut made = None;
        for _ in 0..1000 {
            *fresh = modseq(*fresh);
            let p = data_path(&self.dir, *fresh);
            match fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(mode)
                .open(os(&p))
            {
                Ok(t) => {
                    let _ = t.set_permissions(fs::Permissions::from_mode(mode));
                    made = Some((t, p));
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    ev.log(
                        &errtext("Error creating mix message file for ", &e),
                        Level::Error,
                    );
                    return Err(());
                }
            }
        }
        let Some((t, newpath)) = made else {
            ev.log(b"Error creating mix message file", Level::Error);
            return Err(());
        };
        let mut wpos = 0u64;
        let mut buf = vec![0u8; 65536];
        let mut copy = || -> io::Result<()> {
            for r in set {
                let mut rpos = r.0;
                while rpos < r.1 {
                    let n = (r.1 - rpos).min(buf.len() as u64) as usize;
                    f.read_exact_at(&mut buf[..n], rpos)?;
                    t.write_all_at(&buf[..n], wpos)?;
                    rpos += n as u64;
                    wpos += n as u64;
                }
            }
            t.sync_all()
        };
        if let Err(e) = copy() {
            let errno = e.raw_os_error().unwrap_or(libc_eio());
            ev.notify(&error_text(&e), Level::Warn);
            ev.disk_error(errno, false);
            ev.log(
                &errtext("Error writing compacted copy of mix message file ", &e),
                Level::Error,
            );
            let _ = fs::remove_file(os(&newpath));
            return Err(());
        }
        let last_end = set.last().map_or(0, |r| r.1);
        Ok(Burped::Copied(*fresh, newpath, last_end, wpos))
    }

    /// A burp that did not finish: its new data files go, and the
    /// messages point at their old places again.
    fn undo_burp(&mut self, made: &[Vec<u8>], saved: Vec<(u64, u64)>) {
        for p in made {
            let _ = fs::remove_file(os(p));
        }
        for (m, (file, pos)) in self.msgs.iter_mut().zip(saved) {
            m.file = file;
            m.pos = pos;
        }
    }

    /// `mix_data_open`: the data file new messages go to, and its size.
    fn data_open(&mut self, newsize: u64, ev: &mut dyn Events) -> io::Result<(File, u64)> {
        let curend = match self.msgs.last() {
            Some(m) if m.file == self.newmsg => m.end(),
            _ => 0,
        };
        let path = data_path(&self.dir, self.newmsg);
        let f = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(curend == 0)
            .mode(0o600)
            .open(os(&path))?;
        let md = f.metadata()?;
        let size = md.len();
        if curend <= size && (size == 0 || size + newsize <= DATAROLL) {
            return Ok((f, size));
        }
        if curend > size {
            let t = format!(
                "short mix message file {:08x} ({} > {}), rolling",
                self.newmsg, curend, size
            );
            ev.log(t.as_bytes(), Level::Warn);
        }
        let mode = md.mode() & 0o7777;
        drop(f);
        let mut last_err = None;
        for _ in 0..1000 {
            self.newmsg = modseq(self.newmsg);
            match fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(mode)
                .open(os(&data_path(&self.dir, self.newmsg)))
            {
                Ok(f) => {
                    let _ = f.set_permissions(fs::Permissions::from_mode(mode));
                    return Ok((f, 0));
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| io::Error::from(io::ErrorKind::Other)))
    }

    /// `mix_append_msg`: writes one message at `at`; returns the offset
    /// after it.
    fn append_msg(
        &mut self,
        f: &File,
        at: u64,
        m: &AppendMessage,
        date: MailDate,
        seq: u64,
        ev: &mut dyn Events,
    ) -> io::Result<u64> {
        let mut keywords = 0u32;
        for k in &m.keywords {
            match self.keywords.iter().position(|w| w.eq_ignore_ascii_case(k)) {
                Some(i) => keywords |= 1 << i,
                None => {
                    let t = if k.is_empty() {
                        b"Empty flag invalid".to_vec()
                    } else {
                        cat(&[b"Unknown flag: ", cut(k, 80)])
                    };
                    ev.log(&t, Level::Warn);
                }
            }
        }
        self.last = self.last.saturating_add(1);
        let uid = self.last;
        let size = m.message.len() as u64;
        let head = message_header(uid, &date, size);
        let mut bytes = head.clone();
        bytes.extend_from_slice(&m.message);
        f.write_all_at(&bytes, at)?;
        let mut msg = Msg {
            info: MessageInfo {
                uid: uid as u32,
                flags: m.flags.minus(Flags::RECENT),
                keywords,
                internal_date: date,
                size: size as u32,
            },
            size,
            file: self.newmsg,
            pos: at,
            hoff: head.len() as u64,
            hsize: header_size(&m.message),
            modseq: seq,
            ..Default::default()
        };
        msg.set_recent(false);
        self.msgs.push(msg);
        Ok(at + bytes.len() as u64)
    }

    /// The data file holding message `m`, opened once per file.
    fn data_file(&mut self, file: u64) -> Option<&File> {
        if self.data.as_ref().map(|d| d.0) != Some(file) {
            self.data = None;
            let f = File::open(os(&data_path(&self.dir, file))).ok()?;
            self.data = Some((file, f));
        }
        self.data.as_ref().map(|d| &d.1)
    }

    /// Message `m` read whole, its record included, into `last` (what a
    /// short file holds), for the header and text requests that follow;
    /// false when it is too large for that or its file cannot be read.
    fn read_whole(&mut self, m: &Msg) -> bool {
        let len = m.hoff.saturating_add(m.size.max(m.hsize));
        if len > LastRead::WHOLE as u64 {
            return false;
        }
        let key = [m.uid(), m.file, m.pos];
        if self.last_read.holds(key) {
            return true;
        }
        self.last_read.forget();
        if self.data_file(m.file).is_none() {
            return false;
        }
        let Some((_, f)) = self.data.as_ref() else {
            return false;
        };
        let buf = self.last_read.start();
        if crate::os::file::read_append_at(f, m.pos, len as usize, buf).is_err() {
            self.last_read.forget();
            return false;
        }
        self.last_read.keep(key, 0);
        true
    }

    /// Up to `len` bytes at `at` of data file `file` (fewer at its end).
    fn read_some(&mut self, file: u64, at: u64, len: u64) -> Option<Vec<u8>> {
        let f = self.data_file(file)?;
        // A read stops at the file's end, so a range of ordinary size needs
        // no status call to clip it; a large one (perhaps a damaged index's)
        // is clipped first so that no room is reserved for bytes that are
        // not there.
        let len = if len > 1 << 20 {
            len.min(f.metadata().ok()?.len().saturating_sub(at))
        } else {
            len
        };
        let mut buf = Vec::new();
        crate::os::file::read_append_at(f, at, usize::try_from(len).ok()?, &mut buf).ok()?;
        Some(buf)
    }

    fn read_range(&mut self, file: u64, at: u64, len: u64) -> Option<Vec<u8>> {
        let f = self.data_file(file)?;
        // Never allocate more than the file can hold: the length is from disk.
        if at.checked_add(len)? > f.metadata().ok()?.len() {
            return None;
        }
        let mut buf = vec![0u8; usize::try_from(len).ok()?];
        f.read_exact_at(&mut buf, at).ok()?;
        Some(buf)
    }
}

fn libc_eio() -> i32 {
    5
}

impl Mailbox for MixMailbox {
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }
    fn driver_name(&self) -> &'static str {
        "mix"
    }
    fn count(&self) -> u32 {
        self.msgs.len() as u32
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.msgs[msgno as usize - 1].info.clone()
    }
    fn uid_validity(&self) -> u32 {
        self.validity as u32
    }
    fn uid_last(&self) -> u32 {
        self.last as u32
    }
    fn keywords(&self) -> &[Vec<u8>] {
        &self.keywords
    }
    fn can_create_keywords(&self) -> bool {
        !self.read_only && self.keywords.len() < MAX_KEYWORDS
    }
    fn read_only(&self) -> bool {
        self.read_only
    }

    fn mailbox_name(&self) -> Option<&[u8]> {
        Some(&self.dir)
    }

    fn header(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        let m = self.msgs[msgno as usize - 1].clone();
        let want = m.hoff.saturating_add(m.hsize);
        let whole = self.read_whole(&m);
        let owned;
        let buf: &[u8] = if whole {
            let d = self.last_read.data();
            &d[..d.len().min(want as usize)]
        } else {
            let Some(b) = self.read_some(m.file, m.pos, want) else {
                return Ok(Cow::Owned(Vec::new()));
            };
            owned = b;
            &owned
        };
        let checked = if buf.len() as u64 == want {
            check_message_header(buf, m.uid(), m.hoff as usize)
        } else {
            None
        };
        match checked {
            Some(k) => {
                if k != m.size {
                    let t = format!(
                        "Inconsistency in mix message size, uid={:x} ({} != {})",
                        m.uid(),
                        m.size,
                        k
                    );
                    ev.log(t.as_bytes(), Level::Warn);
                }
                if whole {
                    return Ok(Cow::Borrowed(
                        &self.last_read.data()[m.hoff as usize..want as usize],
                    ));
                }
                Ok(Cow::Owned(buf[m.hoff as usize..].to_vec()))
            }
            None => {
                let mut h = cut(buf, 100).to_vec();
                if let Some(p) = h.iter().position(|&c| c == b'\r' || c == b'\n' || c == 0) {
                    h.truncate(p);
                }
                let t = cat(&[
                    format!(
                        "Error reading mix message header, uid={:x}, s={}, h=",
                        m.uid(),
                        if m.size == 0 {
                            String::new()
                        } else {
                            format!("{:x}", m.size)
                        }
                    )
                    .as_bytes(),
                    &h,
                ]);
                ev.log(&t, Level::Error);
                Ok(Cow::Owned(Vec::new()))
            }
        }
    }

    fn text(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        let m = self.msgs[msgno as usize - 1].clone();
        let at = m.pos.saturating_add(m.hoff).saturating_add(m.hsize);
        let len = m.size.saturating_sub(m.hsize);
        if self.read_whole(&m) {
            let d = self.last_read.data();
            let from = (m.hoff.saturating_add(m.hsize) as usize).min(d.len());
            let to = from.saturating_add(len as usize).min(d.len());
            return Ok(Cow::Borrowed(&d[from..to]));
        }
        // What a short file still holds (the original's read gives no more).
        match self.read_some(m.file, at, len) {
            Some(b) => Ok(Cow::Owned(b)),
            None => Err(Error::new(b"Error reading mix message text".to_vec())),
        }
    }

    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        let locked = self.parse(false, true, ev);
        let seq = modseq(self.statusseq);
        for &n in set {
            let Some(m) = self.msgs.get_mut(n as usize - 1) else {
                continue;
            };
            let recent = m.recent();
            let new = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            if new != m.info.flags || keywords != m.info.keywords {
                m.info.flags = new;
                m.info.keywords = keywords;
                if !self.read_only {
                    m.modseq = seq;
                    self.statusseq = seq;
                }
                if !silent {
                    ev.flags(n);
                }
            }
        }
        if let Some(l) = locked.as_ref() {
            if self.statusseq == seq && !self.status_update(&l.status, false, ev) {
                return Err(Error::reported());
            }
        }
        Ok(())
    }

    fn keyword_index(&mut self, name: &[u8], create: bool) -> Option<usize> {
        if let Some(i) = crate::store::flags::find_keyword(&self.keywords, name) {
            return Some(i);
        }
        if !create
            || self.read_only
            || self.keywords.len() >= MAX_KEYWORDS
            || name.is_empty()
            || name.len() > MAXUSERFLAG
        {
            return None;
        }
        // The metadata is written with the index locked, and only after
        // taking in what others changed.
        let mut quiet = crate::store::events::Recorder::new();
        let locked = self.open_locked(b"index", true, &mut quiet)?;
        self.read_meta(&mut quiet)?;
        if let Some(i) = crate::store::flags::find_keyword(&self.keywords, name) {
            return Some(i);
        }
        if self.keywords.len() >= MAX_KEYWORDS {
            return None;
        }
        self.keywords.push(name.to_vec());
        let ok = self.meta_update();
        drop(locked);
        ok.then_some(self.keywords.len() - 1)
    }

    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        if self.meta.is_none() {
            return Ok(false);
        }
        Ok(self.ping_work(ev))
    }

    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        if self.read_only {
            ev.log(b"Checkpoint ignored on readonly mailbox", Level::Info);
        }
        if self.expunge_work(Exp::BurpOnly, ev).is_ok() {
            ev.log(b"Check completed", Level::Info);
        }
        Ok(())
    }

    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        match set {
            None => self.expunge_work(Exp::Deleted, ev),
            Some([]) => self.expunge_work(Exp::BurpOnly, ev),
            Some(s) => self.expunge_work(Exp::Set(s), ev),
        }
    }

    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        set.iter().map(|&n| self.copy_message(n, ev)).collect()
    }

    fn copy_to_uids(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Option<Result<Option<UidMap>>> {
        match probe(target) {
            Probe::Valid => {}
            Probe::Missing => {
                ev.notify(b"[TRYCREATE] Must create mailbox before copy", Level::Info);
                return Some(Err(Error::reported()));
            }
            // Not a mix mailbox: the original hands it to the proxy copy
            // when the application has one (else refuses); the caller's
            // append through the target's driver is that.
            Probe::Other => return None,
        }
        let chosen: Vec<u32> = set
            .iter()
            .copied()
            .filter(|&n| self.msgs.get(n as usize - 1).is_some_and(|m| m.size > 0))
            .collect();
        let source: Vec<u32> = chosen
            .iter()
            .map(|&n| self.msgs[n as usize - 1].info.uid)
            .collect();
        // The room the copy needs in the target's data file, as the
        // original reckons it (every message of the set, a header each).
        let newsize = set
            .iter()
            .filter_map(|&n| self.msgs.get(n as usize - 1))
            .map(|m| message_header_len() + m.size)
            .sum();
        ev.critical(true);
        let r = append_messages_sized(
            target,
            &mut CopySource {
                mailbox: self,
                set: chosen.iter(),
            },
            Some(newsize),
            want_uids,
            ev,
        );
        ev.critical(false);
        Some(r.map(|map| {
            map.map(|m| {
                ev.copy_uids(target, m.validity, &source, &m.dest);
                UidMap {
                    validity: m.validity,
                    source,
                    dest: m.dest,
                }
            })
        }))
    }

    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        if self.meta.is_some() {
            let what = if expunge { Exp::Deleted } else { Exp::BurpOnly };
            let _ = self.expunge_work(what, ev);
        }
        self.meta = None;
        self.data = None;
    }
}

impl MixDriver {
    fn create_work(name: &[u8], ev: &mut dyn Events) -> Result<()> {
        let last = name.iter().rposition(|&c| c == b'/');
        if let Some(p) = last {
            if p + 1 == name.len() {
                return if dummy::create(name, ev) {
                    Ok(())
                } else {
                    Err(Error::reported())
                };
            }
        }
        let base = match last {
            Some(p) => &name[p + 1..],
            None => name,
        };
        let cant = |why: &[u8]| cat(&[b"Can't create mailbox ", cut(name, 80), b": ", why]);
        if dirfmt_test(base) {
            return Err(fail(ev, &cant(b"invalid MIX-format name")));
        }
        let exists = probe(name) == Probe::Valid
            || dummy::mailbox_path(name)
                .and_then(|p| fs::metadata(os(&p)).ok())
                .is_some_and(|m| m.is_file() && m.len() > 0);
        if exists {
            return Err(fail(ev, &cant(b"mailbox already exists")));
        }
        let Some(dir) = mix_dir(name) else {
            return Err(fail(ev, &cant(b"invalid name")));
        };
        let dir_mode =
            u32::try_from(number(Owner::Env, GET_DIRPROTECTION)).unwrap_or(0o700) & 0o7777;
        let now = now_secs();
        let meta = mix_file(&dir, b"meta");
        if !dummy::create_path(&meta, dir_mode, ev) {
            return Err(fail(ev, &cant(b"can't create metadata")));
        }
        let text = meta_text(now, now, 0, now, &[]);
        if let Err(e) = fs::write(os(&meta), &text) {
            let t = cat(&[
                b"Can't re-open metadata ",
                cut(name, 80),
                b": ",
                cut(&error_text(&e), 80),
            ]);
            return Err(fail(ev, &t));
        }
        dummy::set_protections(&meta);
        for (suffix, what) in [
            (b"index".to_vec(), "index"),
            (b"status".to_vec(), "status"),
            (format!("{now:08x}").into_bytes(), "data"),
        ] {
            let p = mix_file(&dir, &suffix);
            if !dummy::create_path(&p, dir_mode, ev) {
                let t = format!("Can't create mix mailbox {what}");
                return Err(fail(ev, t.as_bytes()));
            }
            dummy::set_protections(&p);
        }
        Ok(())
    }

    fn lock_meta(
        name: &[u8],
        what: &str,
        ev: &mut dyn Events,
    ) -> std::result::Result<(Vec<u8>, File), Error> {
        if probe(name) != Probe::Valid {
            let t = cat(&[
                format!("Can't {what} mailbox ").as_bytes(),
                cut(name, 80),
                b": no such mailbox",
            ]);
            return Err(fail(ev, &t));
        }
        let dir = mix_dir(name).unwrap_or_default();
        let meta = mix_file(&dir, b"meta");
        let f = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(os(&meta));
        match f {
            Ok(f) if flock(&f, sys::LOCK_EX | sys::LOCK_NB, ev) => Ok((dir, f)),
            _ => {
                let t = cat(&[
                    format!("Can't lock mailbox for {what}: ").as_bytes(),
                    cut(name, 80),
                ]);
                Err(fail(ev, &t))
            }
        }
    }

    fn rename_inbox(
        old_dir: &[u8],
        new_dir: &[u8],
        new: &[u8],
        ev: &mut dyn Events,
    ) -> io::Result<bool> {
        let dir_mode =
            u32::try_from(number(Owner::Env, GET_DIRPROTECTION)).unwrap_or(0o700) & 0o7777;
        let mut target = new_dir.to_vec();
        target.push(b'/');
        if !dummy::create_path(&target, dir_mode, ev) {
            return Ok(false);
        }
        let _ = new;
        let mut last = None;
        let mut names: Vec<Vec<u8>> = fs::read_dir(os(old_dir))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().as_bytes().to_vec())
            .filter(|n| dirfmt_test(n))
            .collect();
        names.sort();
        for n in names {
            let src = cat(&[old_dir, b"/", &n]);
            let dst = cat(&[&target, &n]);
            if let Err(e) = fs::rename(os(&src), os(&dst)) {
                last = Some(e);
            }
        }
        match last {
            Some(e) => Err(e),
            None => Ok(true),
        }
    }
}

/// Opens the mix mailbox in directory `dir` (no name resolution): for
/// tests and the fuzz target.
pub fn open_directory(
    dir: &[u8],
    options: OpenOptions,
    ev: &mut dyn Events,
) -> Result<Box<dyn Mailbox>> {
    Ok(Box::new(MixMailbox::open_dir(dir.to_vec(), options, ev)?))
}

/// Messages already at hand, as an append's source.
impl Driver for MixDriver {
    fn name(&self) -> &'static str {
        "mix"
    }

    fn valid(&self, name: &[u8]) -> bool {
        probe(name) == Probe::Valid
    }

    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        let Some(dir) = mix_dir(name) else {
            return Err(fail(ev, b"Error opening mix metadata file"));
        };
        Ok(Box::new(MixMailbox::open_dir(dir, options, ev)?))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        Self::create_work(name, ev)
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        let (dir, f) = Self::lock_meta(name, "delete", ev)?;
        let meta = mix_file(&dir, b"meta");
        if let Err(e) = fs::remove_file(os(&meta)) {
            let t = cat(&[
                b"Can't delete mailbox ",
                cut(name, 80),
                b" index: ",
                cut(&error_text(&e), 80),
            ]);
            return Err(fail(ev, &t));
        }
        drop(f);
        if let Ok(rd) = fs::read_dir(os(&dir)) {
            for e in rd.filter_map(|e| e.ok()) {
                let n = e.file_name();
                if dirfmt_test(n.as_bytes()) {
                    let _ = fs::remove_file(e.path());
                }
            }
            if let Err(e) = fs::remove_dir(os(&dir)) {
                let t = cat(&[
                    b"Can't delete name ",
                    cut(name, 80),
                    b": ",
                    cut(&error_text(&e), 80),
                ]);
                ev.log(&t, Level::Warn);
            }
        }
        Ok(())
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        let (old_dir, f) = Self::lock_meta(old, "rename", ev)?;
        let base = match new.iter().rposition(|&c| c == b'/') {
            Some(p) => &new[p + 1..],
            None => new,
        };
        if dirfmt_test(base) {
            let t = cat(&[
                b"Can't rename to mailbox ",
                cut(new, 80),
                b": invalid MIX-format name",
            ]);
            return Err(fail(ev, &t));
        }
        if probe(new) == Probe::Valid {
            let t = cat(&[
                b"Can't rename to mailbox ",
                cut(new, 80),
                b": destination already exists",
            ]);
            return Err(fail(ev, &t));
        }
        let Some(new_dir) = mix_dir(new) else {
            let t = cat(&[
                b"Can't rename mailbox ",
                cut(old, 80),
                b" to ",
                cut(new, 80),
                b": invalid name",
            ]);
            return Err(fail(ev, &t));
        };
        let result = if !old.eq_ignore_ascii_case(b"INBOX") {
            if let Some(p) = new_dir.iter().rposition(|&c| c == b'/') {
                let superior = &new_dir[..=p];
                let is_dir = fs::metadata(os(superior)).is_ok_and(|m| m.is_dir());
                let dir_mode =
                    u32::try_from(number(Owner::Env, GET_DIRPROTECTION)).unwrap_or(0o700) & 0o7777;
                if !is_dir && !dummy::create_path(superior, dir_mode, ev) {
                    return Err(Error::reported());
                }
            }
            fs::rename(os(&old_dir), os(&new_dir)).map(|()| true)
        } else {
            match Self::rename_inbox(&old_dir, &new_dir, new, ev) {
                Ok(false) => return Err(Error::reported()),
                Ok(true) => {
                    drop(f);
                    return Self::create_work(b"INBOX", ev);
                }
                Err(e) => Err(e),
            }
        };
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let t = cat(&[
                    b"Can't rename mailbox ",
                    cut(old, 80),
                    b" to ",
                    cut(new, 80),
                    b": ",
                    cut(&error_text(&e), 80),
                ]);
                Err(fail(ev, &t))
            }
        }
    }

    crate::appends_through_work!();

    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        status_work(name, ev)
    }
}

impl MixDriver {
    /// [`append_messages`], then the APPENDUID report when UIDs were asked.
    fn append_work(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        let map = append_messages(name, source, want_uids, ev)?;
        if let Some(m) = map.as_ref() {
            ev.append_uids(name, m.validity, &m.dest);
        }
        Ok(map)
    }
}

/// `mix_append`: the messages of `source` appended to mailbox `name` as
/// one operation; their UIDs when `want_uids`.
fn append_messages(
    name: &[u8],
    source: &mut dyn AppendSource,
    want_uids: bool,
    ev: &mut dyn Events,
) -> Result<Option<UidMap>> {
    append_messages_sized(name, source, None, want_uids, ev)
}

/// The messages of a mix copy, each read from the source only when the
/// target takes it: a copy holds one message at a time, not the set.
struct CopySource<'a> {
    mailbox: &'a mut MixMailbox,
    set: std::slice::Iter<'a, u32>,
}

impl AppendSource for CopySource<'_> {
    fn next_message(&mut self, ev: &mut dyn Events) -> Option<Result<AppendMessage>> {
        let &n = self.set.next()?;
        Some(self.mailbox.copy_message(n, ev))
    }
}

impl MixMailbox {
    /// Message `n` as a copy hands it on: its stored bytes, flags (not
    /// `\Recent`), keywords and internal date.
    fn copy_message(&mut self, n: u32, ev: &mut dyn Events) -> Result<AppendMessage> {
        let m = &self.msgs[n as usize - 1];
        let (file, at, size, info) = (m.file, m.pos.saturating_add(m.hoff), m.size, m.info.clone());
        let Some(message) = self.read_range(file, at, size) else {
            return Err(fail(ev, b"Error reading mix message for copy"));
        };
        let keywords = (0..32)
            .filter(|i| info.keywords & (1 << i) != 0)
            .filter_map(|i| self.keywords.get(i).cloned())
            .collect();
        Ok(AppendMessage {
            flags: info.flags.minus(Flags::RECENT),
            keywords,
            date: Some(info.internal_date),
            message,
        })
    }
}

/// [`append_messages`]; `newsize` is the room a copy asks of the data file
/// (the original's copy sizes the whole set up front, its append the first
/// message only).
fn append_messages_sized(
    name: &[u8],
    source: &mut dyn AppendSource,
    newsize: Option<u64>,
    want_uids: bool,
    ev: &mut dyn Events,
) -> Result<Option<UidMap>> {
    {
        match probe(name) {
            Probe::Valid => {}
            Probe::Missing if name.eq_ignore_ascii_case(b"INBOX") => {
                MixDriver::create_work(b"INBOX", ev)?;
            }
            Probe::Missing => {
                ev.notify(
                    b"[TRYCREATE] Must create mailbox before append",
                    Level::Info,
                );
                return Err(Error::reported());
            }
            Probe::Other => {
                let t = cat(&[b"Not a MIX-format mailbox: ", cut(name, 80)]);
                return Err(fail(ev, &t));
            }
        }
        let first = match source.next_message(ev) {
            None => return Ok(None),
            Some(Err(e)) => return Err(e),
            Some(Ok(m)) => m,
        };
        let dir = mix_dir(name).unwrap_or_default();
        let quiet = OpenOptions {
            silent: true,
            inbox: name.eq_ignore_ascii_case(b"INBOX"),
            ..Default::default()
        };
        let mut mb = match MixMailbox::open_dir(dir, quiet, ev) {
            Ok(mb) if !mb.read_only => mb,
            Ok(mut mb) => {
                mb.close(false, ev);
                return Err(fail(ev, b"Can't open append mailbox"));
            }
            Err(_) => return Err(fail(ev, b"Can't open append mailbox")),
        };
        mb.expok = true;
        let Some(locked) = mb.parse(true, false, ev) else {
            mb.close(false, ev);
            return Err(fail(ev, b"Can't open append mailbox"));
        };
        let mut seq = modseq(mb.metaseq);
        if mb.indexseq > seq {
            seq = mb.indexseq.saturating_add(1);
        }
        if mb.statusseq > seq {
            seq = mb.statusseq.saturating_add(1);
        }
        let count_before = mb.msgs.len();
        let last_before = mb.last;
        ev.critical(true);
        let hdrsize = message_header_len();
        let wanted = newsize.unwrap_or(hdrsize + first.message.len() as u64);
        let result: Result<Vec<u32>> = match mb.data_open(wanted, ev) {
            Err(e) => Err(fail(
                ev,
                &cat(&[
                    b"Error opening append message file: ",
                    cut(&error_text(&e), 80),
                ]),
            )),
            Ok((file, size)) => {
                let mut at = size;
                let mut next = Some(first);
                let mut outcome = Ok(());
                while let Some(m) = next.take() {
                    if m.message.is_empty() {
                        outcome = Err(fail(ev, b"Append of zero-length message"));
                        break;
                    }
                    let date = m.date.unwrap_or_else(now_date);
                    match mb.append_msg(&file, at, &m, date, seq, ev) {
                        Ok(end) => at = end,
                        Err(e) => {
                            let t = cat(&[b"Message append failed: ", cut(&error_text(&e), 80)]);
                            outcome = Err(fail(ev, &t));
                            break;
                        }
                    }
                    match source.next_message(ev) {
                        None => {}
                        Some(Ok(m)) => next = Some(m),
                        Some(Err(e)) => {
                            outcome = Err(e);
                            break;
                        }
                    }
                }
                if outcome.is_ok() {
                    mb.metaseq = seq;
                    mb.indexseq = seq;
                    mb.statusseq = seq;
                    let ok = mb.meta_update()
                        && mb.index_update(&locked.index, true, ev)
                        && mb.status_update(&locked.status, true, ev);
                    if !ok {
                        outcome = Err(Error::reported());
                    }
                } else {
                    let _ = file.set_len(size);
                    mb.msgs.truncate(count_before);
                    mb.last = last_before;
                }
                outcome.map(|()| mb.msgs[count_before..].iter().map(|m| m.info.uid).collect())
            }
        };
        ev.critical(false);
        drop(locked);
        let validity = mb.validity as u32;
        mb.close(false, ev);
        let uids = result?;
        if want_uids {
            return Ok(Some(UidMap {
                validity,
                source: Vec::new(),
                dest: uids,
            }));
        }
        Ok(None)
    }
}

/// STATUS counts of mailbox `name`, from a read-only session.
fn status_work(name: &[u8], ev: &mut dyn Events) -> Result<Status> {
    {
        let Some(dir) = mix_dir(name) else {
            return Err(fail(ev, b"Error opening mix metadata file"));
        };
        let quiet = OpenOptions {
            read_only: true,
            silent: true,
            ..Default::default()
        };
        let mut mb = MixMailbox::open_dir(dir, quiet, ev)?;
        let st = Status {
            messages: Some(mb.count()),
            recent: Some(mb.msgs.iter().filter(|m| m.recent()).count() as u32),
            unseen: Some(
                mb.msgs
                    .iter()
                    .filter(|m| !m.info.flags.contains(Flags::SEEN))
                    .count() as u32,
            ),
            uid_next: Some((mb.last as u32).wrapping_add(1)),
            uid_validity: Some(mb.validity as u32),
        };
        mb.close(false, ev);
        Ok(st)
    }
}

mod helpers;
