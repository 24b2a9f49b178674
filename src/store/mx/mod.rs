//! The "mx" format: a directory per mailbox, one file per message named by
//! its UID (the message's bytes as appended, normally CRLF), and an index
//! file `.mxindex` with the UID validity, the last UID, the keywords and
//! each message's flags. The index is read and rewritten whole under an
//! exclusive `flock` around every change, as the original does; a message's
//! internal date is its file's modification time (in UTC).

pub mod index;

use super::events::{Events, Level, Status};
use super::flags::Flags;
use super::lock::{flock_with, FlockKind};
use super::mailbox::{
    AppendMessage, AppendSource, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
    UidMap,
};
use super::names::LocalName;
use crate::env::user;
use crate::message::date::{long_date, MailDate};
use crate::os::clock;
use index::{Record, F_ANSWERED, F_DELETED, F_DRAFT, F_FLAGGED, F_SEEN, MAX_KEYWORDS};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// Name of the index file inside a mailbox directory.
pub const INDEX_NAME: &[u8] = b".mxindex";
/// Longest mailbox name the original accepts (NETMAXMBX).
const MAX_NAME: usize = 256;

fn path(p: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(p))
}

fn err_text(e: &io::Error) -> Vec<u8> {
    super::dummy::error_text(e)
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    cat(&[dir, b"/", name])
}

/// `mx_file`: the directory of mailbox `name` (INBOX is `~/INBOX`), with no
/// trailing `/`; empty when the name maps to nothing.
pub fn directory(name: &[u8]) -> Vec<u8> {
    let mut d = match user::mailbox_file(name) {
        None => return Vec::new(),
        Some(LocalName::Inbox) => match user::mailbox_file(b"~/INBOX") {
            Some(LocalName::Path(p)) => p,
            _ => return Vec::new(),
        },
        Some(LocalName::Path(p)) => p,
    };
    if d.len() > 1 && d.last() == Some(&b'/') {
        d.pop();
    }
    d
}

/// What `mx_isvalid` finds: a mailbox, or why not (the `errno` the
/// original leaves: None when the name exists but is no mx mailbox, or is
/// INBOX).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Valid,
    NotMx,
    Missing(Option<i32>),
}

pub fn probe(name: &[u8]) -> Probe {
    if name.len() > MAX_NAME {
        return Probe::NotMx;
    }
    let dir = directory(name);
    if dir.is_empty() {
        return Probe::Missing(Some(libc_enoent()));
    }
    match fs::metadata(path(&dir)) {
        Ok(m) if m.is_dir() => match fs::metadata(path(&join(&dir, INDEX_NAME))) {
            Ok(i) if i.is_file() => Probe::Valid,
            _ => Probe::NotMx,
        },
        Ok(_) => Probe::NotMx,
        Err(_) if name.eq_ignore_ascii_case(b"INBOX") => Probe::NotMx,
        Err(e) => Probe::Missing(e.raw_os_error()),
    }
}

fn libc_enoent() -> i32 {
    io::Error::from(io::ErrorKind::NotFound)
        .raw_os_error()
        .unwrap_or(2)
}

/// `mx_namevalid`: no node of the name may be all digits (or empty); the
/// original's walk passes a name at the first node with a non-digit that
/// has no further node after it.
pub fn name_valid(name: &[u8]) -> bool {
    super::numbered::nodes_valid(name.strip_prefix(b"/").unwrap_or(name))
}

/// `mx_dirfmttest`: whether a directory entry is the format's own (the
/// index or a message file).
pub fn dirfmt_test(entry: &[u8]) -> bool {
    entry == INDEX_NAME || entry.iter().all(u8::is_ascii_digit)
}

use super::numbered::is_message_name;

/// The UIDs of the message files of `dir`, ascending (a name too large for
/// a UID, or 0, is skipped).
fn scan_uids(dir: &[u8]) -> Vec<u32> {
    let mut uids: Vec<u32> = match fs::read_dir(path(dir)) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let n = e.file_name();
                let n = n.as_bytes();
                if !is_message_name(n) {
                    return None;
                }
                std::str::from_utf8(n).ok()?.parse::<u32>().ok()
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    uids.sort_unstable();
    uids.dedup();
    uids
}

/// `mx_scan_contents`: whether a message file of directory `dir` holds
/// `contents`.
pub fn scan_contents(dir: &[u8], contents: &[u8]) -> bool {
    scan_uids(dir).into_iter().any(|uid| {
        let f = join(dir, uid.to_string().as_bytes());
        match fs::metadata(path(&f)) {
            Ok(m) if contents.len() as u64 <= m.len() => {
                super::dummy::scan_file(&f, contents, m.len())
            }
            _ => false,
        }
    })
}

use super::numbered::date_of_mtime as date_of;
use crate::store::common::{cat, fail, s80};

fn flag_word(f: Flags) -> u32 {
    f.system_word()
}

fn flags_of_word(w: u32) -> Flags {
    let mut f = Flags::NONE;
    for (flag, bit) in [
        (Flags::SEEN, F_SEEN),
        (Flags::DELETED, F_DELETED),
        (Flags::FLAGGED, F_FLAGGED),
        (Flags::ANSWERED, F_ANSWERED),
        (Flags::DRAFT, F_DRAFT),
    ] {
        if w & bit != 0 {
            f = f.union(flag);
        }
    }
    f
}

/// The mx driver.
pub struct MxDriver;

/// The one driver value, for the registry.
pub static MX: MxDriver = MxDriver;

/// An open mx mailbox.
pub struct MxMailbox {
    dir: Vec<u8>,
    read_only: bool,
    inbox: bool,
    validity: u32,
    last: u32,
    keywords: Vec<Vec<u8>>,
    messages: Vec<MessageInfo>,
    /// ctime of the directory when last scanned.
    scanned: Option<i64>,
    /// The last message read: number, bytes, header length.
    cached: Option<(u32, Vec<u8>, usize)>,
    dead: bool,
    /// The index held locked across calls (`mx_lockindex` from a C
    /// caller), until `mx_unlockindex`.
    held: Option<Locked>,
    /// `held` was taken by the per-message calls of a `mail_flag` (the
    /// original's `mx_flagmsg`); its flag slot writes the index once.
    flag_held: bool,
}

/// The index file, open and locked, for one read-change-write round.
struct Locked {
    file: File,
}

impl MxMailbox {
    fn message_path(&self, uid: u32) -> Vec<u8> {
        join(&self.dir, uid.to_string().as_bytes())
    }

    /// Adds the message files beyond the last UID (`mx_ping`'s scan, when
    /// the directory changed); new ones are recent unless this is the first
    /// look. Returns how many were added as recent.
    fn scan(&mut self) -> u32 {
        let Ok(meta) = fs::metadata(path(&self.dir)) else {
            return 0;
        };
        if self.scanned == Some(meta.ctime()) {
            return 0;
        }
        self.scanned = Some(meta.ctime());
        let old = self.last;
        let mut recent = 0;
        // No file's status is asked here: its size and date are learnt when
        // the message is first read or its fast data asked for (`learn`),
        // as the original's `mx_fast_work` does; a size of 0 means unknown.
        for uid in scan_uids(&self.dir) {
            if uid <= old {
                continue;
            }
            let mut flags = Flags::NONE;
            if old != 0 {
                flags = Flags::RECENT;
                recent += 1;
            }
            self.messages.push(MessageInfo {
                uid,
                flags,
                keywords: 0,
                internal_date: MailDate::default(),
                size: 0,
            });
            self.last = uid;
        }
        recent
    }

    /// `mx_lockindex`: opens (making it if needed) and locks the index,
    /// and merges what it says into the session: system flags are added,
    /// keywords replaced. None when the index cannot be opened.
    fn lock_index(&mut self, ev: &mut dyn Events) -> Option<Locked> {
        let name = join(&self.dir, INDEX_NAME);
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .mode(user::mailbox_protection(b"", None))
            .open(path(&name))
            .ok()?;
        // The lock is held through the file until `unlock_index` closes it.
        match flock_with(&file, FlockKind::Exclusive, false, ev) {
            Ok(l) => l.keep(),
            Err(_) => return None,
        }
        let mut data = Vec::new();
        let _ = file.read_to_end(&mut data);
        if data.is_empty() {
            self.validity = clock::now() as u32;
            if self.keywords.is_empty() {
                self.keywords = (0..MAX_KEYWORDS)
                    .map_while(user::default_user_flag)
                    .collect();
            }
        } else {
            let ix = index::parse(&data);
            for e in &ix.errors {
                ev.log(&cat(&[b"Error in index: ", e]), Level::Error);
            }
            if let Some(v) = ix.validity {
                self.validity = v;
            }
            if let Some(l) = ix.last {
                // A last UID below a message's file would hand out that
                // UID again: keep the larger.
                let top = self.messages.last().map_or(0, |m| m.uid);
                self.last = l.max(top);
            }
            for (k, name) in ix.keywords.iter().enumerate().take(MAX_KEYWORDS) {
                if k == self.keywords.len() {
                    match name {
                        Some(n) => self.keywords.push(n.clone()),
                        None => break,
                    }
                }
            }
            let mut m = 0;
            for r in &ix.records {
                while m < self.messages.len() && self.messages[m].uid < r.uid {
                    m += 1;
                }
                if m < self.messages.len() && self.messages[m].uid == r.uid {
                    let info = &mut self.messages[m];
                    info.keywords = r.keywords;
                    info.flags = info.flags.union(flags_of_word(r.flags));
                }
            }
        }
        Some(Locked { file })
    }

    /// `mx_unlockindex`: writes the session's state into the index and
    /// releases it.
    fn unlock_index(&self, mut l: Locked) {
        let recs: Vec<Record> = self
            .messages
            .iter()
            .map(|m| Record {
                uid: m.uid,
                keywords: m.keywords,
                flags: flag_word(m.flags),
            })
            .collect();
        let text = index::write(self.validity, self.last, &self.keywords, &recs);
        let _ = l.file.seek(io::SeekFrom::Start(0));
        let _ = l.file.write_all(&text);
        let _ = l.file.set_len(text.len() as u64);
        // Closing the file releases the lock.
        drop(l);
    }

    /// One round with the index locked.
    fn with_index<R>(&mut self, ev: &mut dyn Events, f: impl FnOnce(&mut Self) -> R) -> Option<R> {
        if self.held.is_some() {
            // Already locked and read by `mx_lockindex`; written at
            // `mx_unlockindex`.
            return Some(f(self));
        }
        let l = self.lock_index(ev)?;
        let r = f(self);
        self.unlock_index(l);
        Some(r)
    }

    fn recent_count(&self) -> u32 {
        self.messages
            .iter()
            .filter(|m| m.flags.contains(Flags::RECENT))
            .count() as u32
    }

    /// `mx_ping` without the events.
    fn refresh(&mut self, ev: &mut dyn Events) -> bool {
        if fs::metadata(path(&self.dir)).is_err() {
            return false;
        }
        self.scan();
        let _ = self.with_index(ev, |_| ());
        true
    }

    /// Sets the size and date of message `msgno` (1-based) from its file's
    /// status when its size is not known yet (`mx_fast_work`).
    fn learn_size(&mut self, msgno: u32, file: Option<&File>) {
        let Some(info) = self.messages.get(msgno.wrapping_sub(1) as usize) else {
            return;
        };
        if info.size != 0 {
            return;
        }
        let meta = match file {
            Some(f) => f.metadata(),
            None => fs::metadata(path(&self.message_path(info.uid))),
        };
        if let Ok(m) = meta {
            let info = &mut self.messages[msgno as usize - 1];
            info.size = m.len() as u32;
            info.internal_date = date_of(m.mtime());
        }
    }

    /// The bytes of message `msgno` and its header length.
    fn load(&mut self, msgno: u32) -> (&[u8], usize) {
        let fresh = !matches!(&self.cached, Some((n, _, _)) if *n == msgno);
        if fresh {
            let uid = self.messages[msgno as usize - 1].uid;
            // The last message's buffer is reused (one allocation and its
            // page faults a message otherwise), unless it grew large.
            let mut data = match self.cached.take() {
                Some((_, mut d, _)) if d.capacity() <= 1 << 20 => {
                    d.clear();
                    d
                }
                _ => Vec::new(),
            };
            if let Ok(f) = File::open(path(&self.message_path(uid))) {
                self.learn_size(msgno, Some(&f));
                // The original reads the size it saw, no more (one read: no
                // status call to size the buffer, no read to find the end).
                let size = self.messages[msgno as usize - 1].size as usize;
                let _ = crate::os::file::read_append_at(&f, 0, size, &mut data);
            }
            let h = if data.len() < 4 {
                0
            } else {
                crate::store::common::find_crlf_crlf(&data).map_or(data.len(), |p| p + 4)
            };
            self.cached = Some((msgno, data, h));
        }
        match &self.cached {
            Some((_, d, h)) => (d, *h),
            None => (&[], 0),
        }
    }

    /// Appends one message file with the next UID (`mx_append_msg`).
    fn append_one(&mut self, m: &AppendMessage, ev: &mut dyn Events) -> Result<u32> {
        let mut kw = 0u32;
        for name in &m.keywords {
            if let Some(i) = self.keyword_index(name, true) {
                kw |= 1 << i;
            }
        }
        self.last = self.last.wrapping_add(1);
        let uid = self.last;
        let file_name = self.message_path(uid);
        let created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(user::mailbox_protection(b"", None))
            .open(path(&file_name));
        let mut f = match created {
            Ok(f) => f,
            Err(e) => {
                let t = cat(&[b"Can't create append message: ", &err_text(&e)]);
                return Err(fail(ev, &t));
            }
        };
        if let Err(e) = f.write_all(&m.message) {
            drop(f);
            let _ = fs::remove_file(path(&file_name));
            let t = cat(&[b"Message append failed: ", &err_text(&e)]);
            return Err(fail(ev, &t));
        }
        let mut mtime = None;
        if let Some(d) = &m.date {
            let t = long_date(d);
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t);
            let times = fs::FileTimes::new()
                .set_accessed(std::time::SystemTime::now())
                .set_modified(when);
            let _ = f.set_times(times);
            mtime = Some(t as i64);
        }
        drop(f);
        let mtime = mtime
            .unwrap_or_else(|| fs::metadata(path(&file_name)).map_or(clock::now(), |m| m.mtime()));
        self.messages.push(MessageInfo {
            uid,
            flags: m.flags.minus(Flags::RECENT),
            keywords: kw,
            internal_date: date_of(mtime),
            size: m.message.len() as u32,
        });
        Ok(uid)
    }
}

impl Mailbox for MxMailbox {
    fn driver_name(&self) -> &'static str {
        "mx"
    }
    fn count(&self) -> u32 {
        self.messages.len() as u32
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.messages[msgno as usize - 1].clone()
    }
    fn uid_validity(&self) -> u32 {
        self.validity
    }
    fn uid_last(&self) -> u32 {
        self.last
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
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }

    fn mailbox_name(&self) -> Option<&[u8]> {
        Some(&self.dir)
    }

    fn learn(&mut self, msgno: u32, _ev: &mut dyn Events) {
        self.learn_size(msgno, None);
    }

    fn header(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        if msgno == 0 || msgno > self.count() {
            return Ok(Cow::Borrowed(b""));
        }
        let (d, h) = self.load(msgno);
        Ok(Cow::Borrowed(&d[..h]))
    }

    fn text(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        if msgno == 0 || msgno > self.count() {
            return Ok(Cow::Borrowed(b""));
        }
        let (d, h) = self.load(msgno);
        Ok(Cow::Borrowed(&d[h..]))
    }

    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        let flags = flags.minus(Flags::RECENT);
        // What the caller changed, applied over what the index says (the
        // original reads the index before it changes the element).
        let changes: Vec<(u32, Flags, Flags, u32, u32)> = set
            .iter()
            .filter(|&&m| m >= 1 && m <= self.count())
            .map(|&m| {
                let old = &self.messages[m as usize - 1];
                let of = old.flags.minus(Flags::RECENT);
                (
                    m,
                    flags.minus(of),
                    of.minus(flags),
                    keywords & !old.keywords,
                    old.keywords & !keywords,
                )
            })
            .collect();
        let before: Vec<MessageInfo> = changes
            .iter()
            .map(|c| self.messages[c.0 as usize - 1].clone())
            .collect();
        let apply = |mb: &mut Self| {
            for &(m, add, remove, kadd, kremove) in &changes {
                let info = &mut mb.messages[m as usize - 1];
                info.flags = info.flags.union(add).minus(remove);
                info.keywords = (info.keywords | kadd) & !kremove;
            }
        };
        if self.with_index(ev, apply).is_none() {
            // No index to write to: the session keeps the change.
            for &(m, add, remove, kadd, kremove) in &changes {
                let info = &mut self.messages[m as usize - 1];
                info.flags = info.flags.union(add).minus(remove);
                info.keywords = (info.keywords | kadd) & !kremove;
            }
        }
        if !silent {
            for (c, b) in changes.iter().zip(before) {
                if self.messages[c.0 as usize - 1] != b {
                    ev.flags(c.0);
                }
            }
        }
        Ok(())
    }

    fn before_flags(&mut self, _msgno: u32, ev: &mut dyn Events) -> bool {
        // As `mx_flagmsg`: the index locked and read once for the whole
        // change (the message then gets the index's flags before it
        // changes); `mx_flag` writes it and lets it go.
        if self.read_only || self.dead {
            return false;
        }
        if self.held.is_none() {
            self.held = self.lock_index(ev);
            self.flag_held = self.held.is_some();
        }
        self.flag_held
    }

    fn keyword_index(&mut self, name: &[u8], create: bool) -> Option<usize> {
        if let Some(i) = crate::store::flags::find_keyword(&self.keywords, name) {
            return Some(i);
        }
        if !create
            || self.read_only
            || self.keywords.len() >= MAX_KEYWORDS
            || name.is_empty()
            || name.len() > index::MAX_KEYWORD_LEN
        {
            return None;
        }
        self.keywords.push(name.to_vec());
        Some(self.keywords.len() - 1)
    }

    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        if self.dead || !self.refresh(ev) {
            return Ok(false);
        }
        ev.exists(self.count());
        ev.recent(self.recent_count());
        Ok(true)
    }

    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        if self.ping(ev)? {
            ev.log(b"Check completed", Level::Info);
        }
        Ok(())
    }

    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        let Some(l) = self.lock_index(ev) else {
            return Ok(0);
        };
        ev.critical(true);
        let mut n = 0;
        let mut i = 1u32;
        let mut original = 1u32;
        while (i as usize) <= self.messages.len() {
            let info = &self.messages[i as usize - 1];
            let chosen = set.is_none_or(|s| s.contains(&original));
            original += 1;
            if info.flags.contains(Flags::DELETED) && chosen {
                let p = self.message_path(info.uid);
                if let Err(e) = fs::remove_file(path(&p)) {
                    let t = cat(&[
                        b"Expunge of message ",
                        i.to_string().as_bytes(),
                        b" failed, aborted: ",
                        &err_text(&e),
                    ]);
                    ev.log(&t, Level::Info);
                    break;
                }
                self.messages.remove(i as usize - 1);
                self.cached = None;
                ev.expunged(i);
                n += 1;
            } else {
                i += 1;
            }
        }
        if n > 0 {
            ev.log(format!("Expunged {n} messages").as_bytes(), Level::Info);
        } else {
            ev.log(b"No messages deleted, so no update needed", Level::Info);
        }
        ev.critical(false);
        self.unlock_index(l);
        ev.exists(self.count());
        ev.recent(self.recent_count());
        Ok(n)
    }

    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        _ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        let count = self.count();
        Ok(set
            .iter()
            .filter(|&&m| m >= 1 && m <= count)
            .map(|&m| self.copy_message(m))
            .collect())
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

    fn copy_to(&mut self, set: MsgSet, target: &[u8], ev: &mut dyn Events) -> Option<Result<()>> {
        Some(self.copy_work(set, target, false, ev).map(|_| ()))
    }

    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        if expunge && !self.dead {
            let _ = self.expunge(None, ev);
        }
        self.dead = true;
    }
}

impl MxMailbox {
    /// Message `m` as a copy hands it on: the file's bytes (none when it
    /// cannot be read), flags (not `\Recent`), keywords and internal date.
    fn copy_message(&mut self, m: u32) -> AppendMessage {
        self.learn_size(m, None);
        let info = &self.messages[m as usize - 1];
        let data = fs::read(path(&self.message_path(info.uid))).unwrap_or_default();
        AppendMessage {
            flags: info.flags.minus(Flags::RECENT),
            keywords: (0..32)
                .filter(|b| info.keywords & (1 << b) != 0)
                .filter_map(|b| self.keywords.get(b).cloned())
                .collect(),
            date: Some(info.internal_date),
            message: data,
        }
    }

    /// `mx_copy`: only into another mx mailbox.
    fn copy_work(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        match probe(target) {
            Probe::Valid => {}
            Probe::NotMx => {
                let t = cat(&[b"Not a MX-format mailbox: ", s80(target)]);
                return Err(fail(ev, &t));
            }
            Probe::Missing(_) => {
                ev.notify(b"[TRYCREATE] Must create mailbox before copy", Level::Info);
                return Err(Error::reported());
            }
        }
        let chosen: Vec<u32> = set
            .iter()
            .copied()
            .filter(|&m| m >= 1 && m <= self.count())
            .collect();
        let source: Vec<u32> = chosen
            .iter()
            .map(|&m| self.messages[m as usize - 1].uid)
            .collect();
        let mut target_box = match MX.open_dir(
            target,
            OpenOptions {
                silent: true,
                ..OpenOptions::default()
            },
            ev,
        ) {
            Ok(b) => b,
            Err(_) => return Err(fail(ev, b"Can't open copy mailbox")),
        };
        ev.critical(true);
        let Some(l) = target_box.lock_index(ev) else {
            ev.critical(false);
            return Err(fail(ev, b"Message copy failed: unable to lock index"));
        };
        let mut dest = Vec::new();
        let mut result = Ok(());
        // One message read at a time as it goes in (the set is never held).
        for &n in &chosen {
            let m = self.copy_message(n);
            match target_box.append_one(&m, ev) {
                Ok(uid) => dest.push(uid),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        target_box.unlock_index(l);
        ev.critical(false);
        result?;
        let map = UidMap {
            validity: target_box.validity,
            source,
            dest,
        };
        if want_uids {
            ev.copy_uids(target, map.validity, &map.source, &map.dest);
        }
        Ok(Some(map))
    }
}

impl MxDriver {
    /// `mx_open` on the directory of `name`.
    fn open_dir(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<MxMailbox> {
        let dir = directory(name);
        if dir.is_empty() || !fs::metadata(path(&dir)).is_ok_and(|m| m.is_dir()) {
            let t = cat(&[b"Can't open mailbox ", s80(name), b": no such mailbox"]);
            return Err(fail(ev, &t));
        }
        let mut mb = MxMailbox {
            dir,
            read_only: options.read_only,
            inbox: options.inbox || name.eq_ignore_ascii_case(b"INBOX"),
            // A stream's validity is the time it was opened until the
            // index says otherwise (mail_open_work sets it so).
            validity: clock::now() as u32,
            last: 0,
            keywords: Vec::new(),
            messages: Vec::new(),
            scanned: None,
            cached: None,
            dead: false,
            held: None,
            flag_held: false,
        };
        let _ = mb.inbox;
        mb.refresh(ev);
        if mb.messages.is_empty() && !options.silent {
            ev.log(b"Mailbox is empty", Level::Info);
        }
        Ok(mb)
    }

    fn append_work(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        match probe(name) {
            Probe::Valid => {}
            Probe::Missing(Some(e)) if e == libc_enoent() => {
                if name.eq_ignore_ascii_case(b"INBOX") {
                    let _ = self.create(b"INBOX", ev);
                } else {
                    ev.notify(
                        b"[TRYCREATE] Must create mailbox before append",
                        Level::Info,
                    );
                    return Err(Error::reported());
                }
            }
            Probe::NotMx if !name.eq_ignore_ascii_case(b"INBOX") => {
                let t = cat(&[b"Not a MX-format mailbox: ", s80(name)]);
                return Err(fail(ev, &t));
            }
            Probe::NotMx => {}
            Probe::Missing(_) => {
                let t = cat(&[b"Not a MX-format mailbox: ", s80(name)]);
                return Err(fail(ev, &t));
            }
        }
        let first = match source.next_message(ev) {
            None => return Ok(None),
            Some(Err(e)) => return Err(e),
            Some(Ok(m)) => m,
        };
        let mut mb = match self.open_dir(
            name,
            OpenOptions {
                silent: true,
                ..OpenOptions::default()
            },
            ev,
        ) {
            Ok(b) => b,
            Err(_) => return Err(fail(ev, b"Can't open append mailbox")),
        };
        ev.critical(true);
        let Some(l) = mb.lock_index(ev) else {
            ev.critical(false);
            return Err(fail(ev, b"Message append failed: unable to lock index"));
        };
        let mut dest = Vec::new();
        let mut result = Ok(());
        let mut next = Some(first);
        while let Some(m) = next.take() {
            if m.message.is_empty() {
                result = Err(fail(ev, b"Append of zero-length message"));
                break;
            }
            match mb.append_one(&m, ev) {
                Ok(uid) => dest.push(uid),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
            match source.next_message(ev) {
                None => {}
                Some(Ok(m)) => next = Some(m),
                Some(Err(e)) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if result.is_ok() && want_uids {
            ev.append_uids(name, mb.validity, &dest);
        }
        mb.unlock_index(l);
        ev.critical(false);
        result?;
        Ok(Some(UidMap {
            validity: mb.validity,
            source: Vec::new(),
            dest,
        }))
    }
}

/// Messages handed over all at once.
impl Driver for MxDriver {
    fn name(&self) -> &'static str {
        "mx"
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
        Ok(Box::new(self.open_dir(name, options, ev)?))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        if !name_valid(name) {
            let t = cat(&[
                b"Can't create mailbox ",
                s80(name),
                b": invalid MX-format name",
            ]);
            return Err(fail(ev, &t));
        }
        let dir = directory(name);
        let exists = probe(name) == Probe::Valid
            || (!dir.is_empty()
                && fs::metadata(path(&dir)).is_ok_and(|m| m.is_file() && m.len() > 0));
        if exists {
            let t = cat(&[
                b"Can't create mailbox ",
                s80(name),
                b": mailbox already exists",
            ]);
            return Err(fail(ev, &t));
        }
        let ix = join(&dir, INDEX_NAME);
        let mode = user::dir_protection(name) as u32 & 0o7777;
        if dir.is_empty() || !super::dummy::create_path(&ix, mode, ev) {
            let why = match fs::metadata(path(&ix)) {
                Ok(_) => io::Error::from_raw_os_error(17),
                Err(e) => e,
            };
            let t = cat(&[b"Can't create mailbox ", s80(name), b": ", &err_text(&why)]);
            return Err(fail(ev, &t));
        }
        let file_mode = user::mailbox_protection(name, None);
        let _ = fs::set_permissions(
            path(&ix),
            std::os::unix::fs::PermissionsExt::from_mode(file_mode),
        );
        if let Ok(m) = fs::metadata(path(&dir)) {
            let dmode = user::mailbox_protection(name, Some(m.mode() & 0o7777));
            let _ = fs::set_permissions(
                path(&dir),
                std::os::unix::fs::PermissionsExt::from_mode(dmode),
            );
        }
        Ok(())
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        if probe(name) != Probe::Valid {
            let t = cat(&[b"Can't delete mailbox ", s80(name), b": no such mailbox"]);
            return Err(fail(ev, &t));
        }
        let dir = directory(name);
        if let Err(e) = fs::remove_file(path(&join(&dir, INDEX_NAME))) {
            let t = cat(&[
                b"Can't delete mailbox ",
                s80(name),
                b" index: ",
                &err_text(&e),
            ]);
            return Err(fail(ev, &t));
        }
        if let Ok(rd) = fs::read_dir(path(&dir)) {
            for e in rd.filter_map(|e| e.ok()) {
                if is_message_name(e.file_name().as_bytes()) {
                    let _ = fs::remove_file(e.path());
                }
            }
            if let Err(e) = fs::remove_dir(path(&dir)) {
                let t = cat(&[b"Can't delete name ", s80(name), b": ", &err_text(&e)]);
                ev.log(&t, Level::Warn);
            }
        }
        Ok(())
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        if probe(old) != Probe::Valid {
            let t = cat(&[b"Can't rename mailbox ", s80(old), b": no such mailbox"]);
            return Err(fail(ev, &t));
        }
        if !name_valid(new) {
            let t = cat(&[
                b"Can't rename to mailbox ",
                s80(new),
                b": invalid MX-format name",
            ]);
            return Err(fail(ev, &t));
        }
        if probe(new) == Probe::Valid {
            let t = cat(&[
                b"Can't rename to mailbox ",
                s80(new),
                b": destination already exists",
            ]);
            return Err(fail(ev, &t));
        }
        let from = directory(old);
        let to = directory(new);
        let failed = |e: &io::Error, ev: &mut dyn Events| {
            let t = cat(&[
                b"Can't rename mailbox ",
                s80(old),
                b" to ",
                s80(new),
                b": ",
                &err_text(e),
            ]);
            fail(ev, &t)
        };
        let dmode = user::dir_protection(new) as u32 & 0o7777;
        if !old.eq_ignore_ascii_case(b"INBOX") {
            if let Some(p) = to.iter().rposition(|&c| c == b'/') {
                let superior = &to[..=p];
                let is_dir = fs::metadata(path(superior)).is_ok_and(|m| m.is_dir());
                if !is_dir && !super::dummy::create_path(superior, dmode, ev) {
                    return Err(Error::reported());
                }
            }
            return fs::rename(path(&from), path(&to)).map_err(|e| failed(&e, ev));
        }
        // INBOX: its messages and index move, and a new empty INBOX is made.
        let mut dst = to.clone();
        dst.push(b'/');
        if !super::dummy::create_path(&dst, dmode, ev) {
            let e = io::Error::from_raw_os_error(17);
            return Err(failed(&e, ev));
        }
        let mut last_error = None;
        for uid in scan_uids(&from) {
            let n = uid.to_string();
            if let Err(e) = fs::rename(
                path(&join(&from, n.as_bytes())),
                path(&join(&to, n.as_bytes())),
            ) {
                last_error = Some(e);
            }
        }
        if let Some(e) = last_error {
            return Err(failed(&e, ev));
        }
        if let Err(e) = fs::rename(path(&join(&from, INDEX_NAME)), path(&join(&to, INDEX_NAME))) {
            return Err(failed(&e, ev));
        }
        self.create(b"INBOX", ev)
    }

    crate::appends_through_work!();

    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        let mut mb = self.open_dir(
            name,
            OpenOptions {
                silent: true,
                ..OpenOptions::default()
            },
            ev,
        )?;
        let unseen = mb
            .messages
            .iter()
            .filter(|m| !m.flags.contains(Flags::SEEN))
            .count() as u32;
        let st = Status {
            messages: Some(mb.count()),
            recent: Some(mb.recent_count()),
            unseen: Some(unseen),
            uid_next: Some(mb.last.wrapping_add(1)),
            uid_validity: Some(mb.validity),
        };
        mb.close(false, ev);
        Ok(st)
    }
}

#[cfg(test)]
mod tests;

mod helpers;
