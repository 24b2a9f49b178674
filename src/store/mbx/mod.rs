//! The mbx format: one file, a 2048-byte block at the front (UID validity,
//! last UID, keywords) and before each message a line with its internal
//! date, size, keyword and flag words and UID, rewritten in place when
//! flags change. Several processes may have the file open at once: each
//! holds a shared `flock` on it, and parsing, appending and flag writing
//! are serialised by an exclusive lock on the file's session-lock name
//! (`/tmp/.<dev>.<ino>`). Expunge compacts the file only when it can get
//! the `flock` exclusively; otherwise it marks the messages expunged in
//! their lines, and whoever later holds the file alone reclaims the space.

pub mod format;

use super::dummy;
use super::events::{Events, Level, Status};
use super::flags::Flags;
use super::lock::{self, LockOptions, SessionLock};
use super::mailbox::{
    AppendMessage, AppendSource, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
    UidMap,
};
use super::snarf;
use super::window::Window;
use crate::env::params::{self, Owner};
use crate::env::user;
use crate::message::date::{self, NowFormat};
use crate::os::lock as sys;
use crate::store::common::{
    fail, open_mailbox_file, path_of, read_exact_append, read_exact_vec, s80, LastRead,
};
use crate::store::compact;
use crate::store::names::LocalName;
use format::*;
use std::borrow::Cow;
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `GET_EXPUNGEATPING`.
const GET_EXPUNGEATPING: i64 = 123;
/// `GET_SNARFINTERVAL`.
const GET_SNARFINTERVAL: i64 = 564;

/// The mbx driver.
pub struct MbxDriver;

/// The one instance the registry lists.
pub static MBX: MbxDriver = MbxDriver;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn at(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        UNIX_EPOCH
    }
}

/// Sets a file's access and modification times (seconds).
fn set_times(file: &File, atime: i64, mtime: i64) {
    let _ = file.set_times(
        fs::FileTimes::new()
            .set_accessed(at(atime))
            .set_modified(at(mtime)),
    );
}

/// `mbx_file`: the file of a mailbox name; INBOX is `~/INBOX`.
pub fn mbx_file(name: &[u8]) -> Option<Vec<u8>> {
    match user::mailbox_file(name)? {
        LocalName::Path(p) if !p.is_empty() => Some(p),
        _ => match user::mailbox_file(b"~/INBOX")? {
            LocalName::Path(p) => Some(p),
            LocalName::Inbox => None,
        },
    }
}

fn error_text(e: &std::io::Error) -> Vec<u8> {
    dummy::error_text(e)
}

/// The session (parse/append) lock of an open file, taken blocking.
fn lockfd(file: &File, ev: &mut dyn Events) -> Option<SessionLock> {
    let m = file.metadata().ok()?;
    lock::lock_work(m.dev(), m.ino(), sys::LOCK_EX, &LockOptions::current(), ev).ok()
}

fn flock(file: &File, op: i32) -> bool {
    lock::safe_flock(file.as_raw_fd(), op, &mut lock::NoEvents).is_ok()
}

/// Why a target mailbox could not be used (the original's errno cases).
enum Refusal {
    Missing,
    Access,
    Invalid,
    NotMbx,
}

/// A target opened for appending: the file under its shared flock, the
/// session lock, and what the block says.
struct Target {
    file: File,
    path: Vec<u8>,
    lock: Option<SessionLock>,
    uid_validity: u32,
    uid_last: u32,
    keywords: Vec<Option<Vec<u8>>>,
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(l) = self.lock.take() {
            l.unlock_shared();
        }
        flock(&self.file, sys::LOCK_UN);
    }
}

/// Probes `name` as `mbx_isvalid` does; with `writable` opens it for
/// writing, takes its locks and reads its block (assigning UIDs to
/// messages that have none when `fix_uids`).
fn probe(
    name: &[u8],
    writable: bool,
    fix_uids: bool,
    ev: &mut dyn Events,
) -> std::result::Result<(File, Vec<u8>), Refusal> {
    let Some(path) = mbx_file(name) else {
        return Err(Refusal::Invalid);
    };
    let _ = (fix_uids, &ev);
    let meta = match fs::metadata(path_of(&path)) {
        Ok(m) => m,
        Err(e) => {
            return Err(match e.kind() {
                std::io::ErrorKind::NotFound => Refusal::Missing,
                std::io::ErrorKind::PermissionDenied => Refusal::Access,
                _ => Refusal::NotMbx,
            })
        }
    };
    let file = match fs::OpenOptions::new()
        .read(true)
        .write(writable)
        .open(path_of(&path))
    {
        Ok(f) => f,
        Err(e) => {
            return Err(match e.kind() {
                std::io::ErrorKind::NotFound => Refusal::Missing,
                std::io::ErrorKind::PermissionDenied => Refusal::Access,
                _ => Refusal::NotMbx,
            })
        }
    };
    let mut block = vec![0u8; HDRSIZE];
    let ok = file.read_exact_at(&mut block, 0).is_ok() && is_mbx(&block);
    // Reading the block must not take away the \Marked state.
    if meta.ctime() > meta.atime() {
        set_times(&file, meta.atime(), meta.mtime());
    }
    if ok {
        Ok((file, path))
    } else {
        Err(Refusal::NotMbx)
    }
}

impl MbxDriver {
    /// Opens a target for appending or copying.
    fn target(
        &self,
        name: &[u8],
        fix_uids: bool,
        ev: &mut dyn Events,
    ) -> std::result::Result<Target, Refusal> {
        let (file, path) = probe(name, true, fix_uids, ev)?;
        if compact::pending(&path) {
            if let Some(ld) = lockfd(&file, ev) {
                recover(&file, &path, ev);
                ld.unlock_shared();
            }
        }
        if !flock(&file, sys::LOCK_SH) {
            return Err(Refusal::NotMbx);
        }
        let Some(lock) = lockfd(&file, ev) else {
            flock(&file, sys::LOCK_UN);
            return Err(Refusal::NotMbx);
        };
        if compact::append_pending(&path) && !compact::pending(&path) {
            repair_append(&file, &path, ev);
        }
        let mut t = Target {
            file,
            path,
            lock: Some(lock),
            uid_validity: 0,
            uid_last: 0,
            keywords: Vec::new(),
        };
        let mut block = vec![0u8; HDRSIZE];
        if t.file.read_exact_at(&mut block, 0).is_err() {
            return Err(Refusal::NotMbx);
        }
        let Some(b) = parse_block(&block) else {
            return Err(Refusal::NotMbx);
        };
        t.uid_validity = b.uid_validity;
        t.uid_last = b.uid_last;
        t.keywords = b.keywords;
        if fix_uids && !assign_missing_uids(&mut t) {
            return Err(Refusal::NotMbx);
        }
        Ok(t)
    }

    fn refusal(&self, r: Refusal, name: &[u8], what: &str, ev: &mut dyn Events) -> Error {
        match r {
            Refusal::Missing => {
                let text = format!("[TRYCREATE] Must create mailbox before {what}");
                ev.notify(text.as_bytes(), Level::Info);
                Error::reported()
            }
            Refusal::Access => fail(ev, &[b"Can't access destination: ", s80(name)].concat()),
            Refusal::Invalid => fail(
                ev,
                &[b"Invalid MBX-format mailbox name: ", s80(name)].concat(),
            ),
            Refusal::NotMbx => fail(ev, &[b"Not a MBX-format mailbox: ", s80(name)].concat()),
        }
    }

    fn create_file(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        let Some(path) = mbx_file(name) else {
            return Err(fail(
                ev,
                &[b"Can't create ", s80(name), b": invalid name"].concat(),
            ));
        };
        let dir_mode = user::dir_protection(name) as u32;
        if !dummy::create_path(&path, dir_mode, ev) {
            return Err(Error::reported());
        }
        if path.last() == Some(&b'/') {
            return Ok(());
        }
        let file = match fs::OpenOptions::new().write(true).open(path_of(&path)) {
            Ok(f) => f,
            Err(e) => {
                let _ = fs::remove_file(path_of(&path));
                return Err(fail(
                    ev,
                    &[
                        b"Can't reopen mailbox node ",
                        s80(&path),
                        b": ",
                        &error_text(&e),
                    ]
                    .concat(),
                ));
            }
        };
        let keywords: Vec<Vec<u8>> = (0..NUSERFLAGS)
            .map(|i| user::default_user_flag(i).unwrap_or_default())
            .collect();
        let block = new_block(now() as u32, &keywords);
        if let Err(e) = file.write_all_at(&block, 0) {
            let _ = fs::remove_file(path_of(&path));
            return Err(fail(
                ev,
                &[
                    b"Can't initialize mailbox node ",
                    s80(&path),
                    b": ",
                    &error_text(&e),
                ]
                .concat(),
            ));
        }
        drop(file);
        dummy::set_protections(&path);
        Ok(())
    }

    fn rename_or_delete(&self, old: &[u8], new: Option<&[u8]>, ev: &mut dyn Events) -> Result<()> {
        let file = mbx_file(old);
        let target: Option<Vec<u8>> = match new {
            None => Some(Vec::new()),
            Some(n) => match user::mailbox_file(n) {
                Some(LocalName::Path(p)) if !p.is_empty() && p.last() != Some(&b'/') => Some(p),
                _ => None,
            },
        };
        let (Some(file), Some(target)) = (file, target) else {
            let text = match new {
                Some(n) => [
                    b"Can't rename mailbox ",
                    s80(old),
                    b" to ",
                    s80(n),
                    b": invalid name",
                ]
                .concat(),
                None => [b"Can't delete mailbox ", s80(old), b": invalid name"].concat(),
            };
            return Err(fail(ev, &text));
        };
        let f = match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path_of(&file))
        {
            Ok(f) => f,
            Err(e) => {
                return Err(fail(
                    ev,
                    &[b"Can't open mailbox ", s80(old), b": ", &error_text(&e)].concat(),
                ))
            }
        };
        let Some(ld) = lockfd(&f, ev) else {
            return Err(fail(ev, b"Unable to lock rename mailbox"));
        };
        if !flock(&f, sys::LOCK_EX | sys::LOCK_NB) {
            drop(f);
            ld.unlock_shared();
            return Err(fail(
                ev,
                &[b"Mailbox ", s80(old), b" is in use by another process"].concat(),
            ));
        }
        let mut ok = true;
        if let Some(n) = new {
            if let Some(p) = target.iter().rposition(|&c| c == b'/') {
                let sup = &target[..=p];
                let is_dir = fs::metadata(path_of(sup)).is_ok_and(|m| m.is_dir());
                if !is_dir && !dummy::create_path(sup, user::dir_protection(n) as u32, ev) {
                    ok = false;
                }
            }
            if ok {
                if let Err(e) = fs::rename(path_of(&file), path_of(&target)) {
                    ev.log(
                        &[
                            b"Can't rename mailbox ",
                            s80(old),
                            b" to ",
                            s80(n),
                            b": ",
                            &error_text(&e),
                        ]
                        .concat(),
                        Level::Error,
                    );
                    ok = false;
                }
            }
        } else if let Err(e) = fs::remove_file(path_of(&file)) {
            ev.log(
                &[b"Can't delete mailbox ", s80(old), b": ", &error_text(&e)].concat(),
                Level::Error,
            );
            ok = false;
        }
        if ok {
            compact::moved(&file, new.map(|_| &target[..]), Some(&f));
        }
        flock(&f, sys::LOCK_UN);
        ld.unlock_shared();
        drop(f);
        if !ok {
            return Err(Error::reported());
        }
        if old.eq_ignore_ascii_case(b"INBOX") {
            let _ = self.create_file(b"INBOX", ev);
        }
        Ok(())
    }

    fn append_work(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        let mut t = match self.target(name, want_uids, ev) {
            Ok(t) => t,
            Err(Refusal::Missing) if name.eq_ignore_ascii_case(b"INBOX") => {
                let _ = self.create_file(b"INBOX", ev);
                match self.target(name, want_uids, ev) {
                    Ok(t) => t,
                    Err(_) => return Err(self.refusal(Refusal::Access, name, "append", ev)),
                }
            }
            Err(r) => return Err(self.refusal(r, name, "append", ev)),
        };
        let first = match source.next_message(ev) {
            None => return Ok(None),
            Some(Err(e)) => return Err(e),
            Some(Ok(m)) => m,
        };
        ev.critical(true);
        let mark = compact::begin_append(&t.file, &t.path);
        let meta = t.file.metadata().ok();
        let old_size = meta.as_ref().map_or(0, |m| m.len());
        let old_mtime = meta.as_ref().map_or(0, |m| m.mtime());
        let old_atime = meta.as_ref().map_or(0, |m| m.atime());
        let old_ctime = meta.as_ref().map_or(0, |m| m.ctime());
        let mut pos = old_size;
        let mut uids = Vec::new();
        let mut result: Result<()> = Ok(());
        let mut next = Some(first);
        while let Some(m) = next.take() {
            if m.message.is_empty() {
                result = Err(fail(ev, b"Append of zero-length message"));
                break;
            }
            let mut kw = 0u32;
            for k in &m.keywords {
                let slot = t
                    .keywords
                    .iter()
                    .take_while(|s| s.is_some())
                    .position(|s| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(k)));
                match slot {
                    Some(i) => kw |= 1 << i,
                    None => ev.log(&[b"Unknown flag: ", s80(k)].concat(), Level::Warn),
                }
            }
            let when = match m.date {
                Some(d) => date::imap_date(&d).into_bytes(),
                None => date::now(NowFormat::Internal),
            };
            let uid = if want_uids {
                t.uid_last = t.uid_last.wrapping_add(1);
                t.uid_last
            } else {
                0
            };
            let mut rec = record_line(&when, m.message.len() as u64, kw, word_of(m.flags), uid);
            rec.extend_from_slice(&m.message);
            if let Err(e) = t.file.write_all_at(&rec, pos) {
                result = Err(fail(
                    ev,
                    &[b"Message append failed: ", &error_text(&e)[..]].concat(),
                ));
                break;
            }
            pos += rec.len() as u64;
            if want_uids {
                uids.push(uid);
            }
            match source.next_message(ev) {
                None => {}
                Some(Err(e)) => {
                    result = Err(e);
                    break;
                }
                Some(Ok(m)) => next = Some(m),
            }
        }
        if result.is_ok() {
            if let Err(e) = t.file.sync_all() {
                result = Err(fail(
                    ev,
                    &[b"Message append failed: ", &error_text(&e)[..]].concat(),
                ));
            }
        }
        let map = if result.is_ok() {
            if want_uids {
                ev.append_uids(name, t.uid_validity, &uids);
                let _ = t
                    .file
                    .write_all_at(format!("{:08x}", t.uid_last).as_bytes(), UID_LAST_OFFSET);
            }
            set_times(&t.file, now() - 1, old_mtime);
            Some(UidMap {
                validity: t.uid_validity,
                source: Vec::new(),
                dest: uids,
            })
        } else {
            let _ = t.file.set_len(old_size);
            let atime = if old_ctime > old_atime {
                old_atime
            } else {
                now()
            };
            set_times(&t.file, atime, old_mtime);
            None
        };
        if let Some(m) = mark {
            m.done();
        }
        ev.critical(false);
        let _ = &t.path;
        drop(t);
        result.map(|()| map.filter(|_| want_uids))
    }
}

/// `MBXISVALIDUID`: gives every message without a UID the next one, in
/// place, and records the new last UID. False when a message line cannot
/// be read.
fn assign_missing_uids(t: &mut Target) -> bool {
    let size = t.file.metadata().map_or(0, |m| m.len());
    let mut pos = HDRSIZE as u64;
    let mut changed = false;
    while pos < size {
        let mut buf = vec![0u8; 64.min((size - pos) as usize)];
        if t.file.read_exact_at(&mut buf, pos).is_err() {
            return false;
        }
        let Ok(r) = parse_record(&buf) else {
            return false;
        };
        if r.size == 0 || r.uid > t.uid_last {
            return false;
        }
        if r.uid == 0 {
            t.uid_last = t.uid_last.wrapping_add(1);
            let at = pos + r.line_len as u64 - 10;
            let _ = t
                .file
                .write_all_at(format!("{:08x}", t.uid_last).as_bytes(), at);
            changed = true;
        }
        pos = pos.saturating_add(r.line_len as u64).saturating_add(r.size);
    }
    if changed {
        let _ = t
            .file
            .write_all_at(format!("{:08x}", t.uid_last).as_bytes(), UID_LAST_OFFSET);
    }
    true
}

/// Finishes a compaction a killed process left (`compact::recover`), if
/// the session is alone on the file; the caller holds the session lock.
fn recover(file: &File, path: &[u8], ev: &mut dyn Events) {
    if !flock(file, sys::LOCK_EX | sys::LOCK_NB) {
        return;
    }
    if let Err(e) = compact::recover(file, path) {
        ev.log(
            &[
                b"Unable to finish interrupted compaction: ",
                &error_text(&e)[..],
            ]
            .concat(),
            Level::Error,
        );
    }
    flock(file, sys::LOCK_UN);
}

/// The whole length of the record whose first bytes are `b`.
fn record_len(b: &[u8]) -> Option<u64> {
    let r = parse_record(b).ok()?;
    (r.line_len as u64).checked_add(r.size)
}

/// After an appender died (its marker left, see `compact::begin_append`;
/// the caller holds the session lock): the record it left unfinished at
/// the end is cut off.
fn repair_append(file: &File, path: &[u8], ev: &mut dyn Events) {
    match compact::repair_append(file, path, 64, record_len) {
        Ok(Some(at)) => ev.log(compact::unfinished_text(at, false).as_bytes(), Level::Warn),
        Ok(None) => {}
        Err(e) => ev.log(
            &[
                b"Unable to repair after an interrupted append: ",
                &error_text(&e)[..],
            ]
            .concat(),
            Level::Error,
        ),
    }
}

/// A source over messages already at hand.
impl Driver for MbxDriver {
    fn name(&self) -> &'static str {
        "mbx"
    }

    fn valid(&self, name: &[u8]) -> bool {
        probe(name, false, false, &mut lock::NoEvents).is_ok()
    }

    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        Ok(Box::new(MbxMailbox::open(name, options, ev)?))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        self.create_file(name, ev)
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        self.rename_or_delete(name, None, ev)
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        self.rename_or_delete(old, Some(new), ev)
    }

    crate::appends_through_work!();

    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        let quiet = OpenOptions {
            read_only: true,
            silent: true,
            inbox: name.eq_ignore_ascii_case(b"INBOX"),
            ..Default::default()
        };
        let mut mb = MbxMailbox::open(name, quiet, ev)?;
        let unseen = mb
            .msgs
            .iter()
            .filter(|m| !m.info.flags.contains(Flags::SEEN))
            .count() as u32;
        let mut st = Status {
            messages: Some(mb.count()),
            recent: Some(mb.recent_count()),
            unseen: Some(unseen),
            uid_next: Some(mb.uid_last.wrapping_add(1)),
            uid_validity: Some(mb.uid_validity),
        };
        mb.close(false, ev);
        if mb.inbox && st.recent == Some(0) {
            snarf::status_estimate(&mut st, ev);
        }
        Ok(st)
    }
}

/// One message of an open mailbox.
#[derive(Clone, Debug)]
struct Msg {
    info: MessageInfo,
    /// Where its line starts.
    offset: u64,
    /// Length of its line with CRLF.
    line_len: u64,
    /// Header length, once known.
    header_len: Option<usize>,
}

impl Msg {
    fn end(&self) -> u64 {
        self.offset + self.line_len + u64::from(self.info.size)
    }
}

/// An open mbx mailbox.
pub struct MbxMailbox {
    path: Vec<u8>,
    file: Option<File>,
    read_only: bool,
    msgs: Vec<Msg>,
    uid_validity: u32,
    uid_last: u32,
    keywords: Vec<Vec<u8>>,
    /// Keyword slots the block held when last read or written.
    ffuserflag: usize,
    filesize: u64,
    filetime: i64,
    last_pid: u32,
    flagcheck: bool,
    expok: bool,
    expunged: bool,
    /// The session lock held between the two halves of a flag change.
    flag_lock: Option<SessionLock>,
    buffer: Vec<u8>,
    last: LastRead,
    /// Opened as INBOX: new mail is moved in from the system inbox.
    inbox: bool,
    lastsnarf: i64,
}

impl MbxMailbox {
    fn open(name: &[u8], options: OpenOptions, ev: &mut dyn Events) -> Result<Self> {
        let Some(path) = mbx_file(name) else {
            return Err(fail(
                ev,
                &[b"Can't open - invalid name: ", s80(name)].concat(),
            ));
        };
        let mut read_only = options.read_only;
        let file = match open_mailbox_file(path_of(&path), &mut read_only, ev) {
            Ok(f) => f,
            Err(e) => {
                return Err(fail(
                    ev,
                    &[b"Can't open mailbox: ", &error_text(&e)[..]].concat(),
                ))
            }
        };
        let Some(ld) = lockfd(&file, ev) else {
            return Err(fail(ev, b"Unable to lock open mailbox"));
        };
        if !read_only && compact::pending(&path) {
            recover(&file, &path, ev);
        }
        if !read_only && compact::append_pending(&path) && !compact::pending(&path) {
            repair_append(&file, &path, ev);
        }
        flock(&file, sys::LOCK_SH);
        ld.unlock_shared();
        let mut mb = MbxMailbox {
            path,
            file: Some(file),
            read_only,
            msgs: Vec::new(),
            uid_validity: 0,
            uid_last: 0,
            keywords: Vec::new(),
            ffuserflag: 0,
            filesize: HDRSIZE as u64,
            filetime: 0,
            last_pid: 0,
            flagcheck: false,
            expok: false,
            expunged: false,
            flag_lock: None,
            buffer: Vec::new(),
            last: LastRead::default(),
            inbox: options.inbox || name.eq_ignore_ascii_case(b"INBOX"),
            lastsnarf: 0,
        };
        let mut quiet = Quiet::new(ev);
        let alive = mb.ping(&mut quiet);
        if !matches!(alive, Ok(true)) || mb.file.is_none() {
            ev.exists(mb.msgs.len() as u32);
            return Err(alive.err().unwrap_or_else(Error::reported));
        }
        if mb.msgs.is_empty() {
            ev.log(b"Mailbox is empty", Level::Info);
        }
        ev.exists(mb.msgs.len() as u32);
        ev.recent(mb.recent_count());
        Ok(mb)
    }

    /// `mbx_snarf`: appends the system inbox's messages to the file (with
    /// UID 0, numbered by the next parse), then empties the system inbox;
    /// at most once per snarf interval. Called under the parse lock.
    fn snarf(&mut self, ev: &mut dyn Events) {
        let interval = params::number(Owner::Mail, GET_SNARFINTERVAL);
        let Some(sysinbox) = user::system_inbox() else {
            return;
        };
        if now() < self.lastsnarf + interval || sysinbox == self.path {
            return;
        }
        ev.critical(true);
        let size = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| m.len());
        if let (Some(_), Some(size)) = (snarf::pending(), size) {
            if size == self.filesize {
                if let Some(mut sys) = snarf::SystemInbox::open(&sysinbox, ev) {
                    self.snarf_from(&mut sys, size, ev);
                    sys.close(ev);
                }
            }
        }
        ev.critical(false);
        self.lastsnarf = now();
    }

    fn snarf_from(&mut self, sys: &mut snarf::SystemInbox, size: u64, ev: &mut dyn Events) {
        let n = sys.count();
        let mut out = Vec::new();
        for m in 1..=n {
            let whole = sys.message(m, ev);
            if whole.is_empty() {
                continue;
            }
            let info = sys.info(m);
            let word = info.flags.system_word();
            let when = date::imap_date(&info.internal_date).into_bytes();
            out.extend_from_slice(&record_line(&when, whole.len() as u64, 0, word, 0));
            out.extend_from_slice(&whole);
        }
        let Some(file) = self.file.as_ref() else {
            return;
        };
        match file.write_all_at(&out, size).and_then(|()| file.sync_all()) {
            Ok(()) => {
                let all: Vec<u32> = (1..=n).collect();
                sys.delete(&all, ev);
                sys.expunge(ev);
            }
            Err(e) => {
                let t = [b"Can't copy new mail: ", &error_text(&e)[..]].concat();
                ev.log(&t, Level::Warn);
                let _ = file.set_len(size);
            }
        }
        if let Some(m) = self.file.as_ref().and_then(|f| f.metadata().ok()) {
            self.filetime = m.mtime();
        }
    }

    fn recent_count(&self) -> u32 {
        self.msgs
            .iter()
            .filter(|m| m.info.flags.contains(Flags::RECENT))
            .count() as u32
    }

    fn abort(&mut self) {
        if let Some(l) = self.flag_lock.take() {
            l.unlock_shared();
        }
        if let Some(f) = self.file.take() {
            flock(&f, sys::LOCK_UN);
        }
    }

    fn file(&self) -> Result<&File> {
        self.file
            .as_ref()
            .ok_or_else(|| Error::new(b"Mailbox is closed".to_vec()))
    }

    fn dead(&mut self, ev: &mut dyn Events, text: &[u8]) -> Error {
        ev.log(text, Level::Error);
        self.abort();
        Error::reported()
    }

    /// `mbx_parse`: reads the block and any messages past the parsed end.
    fn parse(&mut self, ev: &mut dyn Events) -> Result<()> {
        let file = self.file()?;
        let meta = file.metadata().map_err(|e| Error::new(error_text(&e)))?;
        let mut size = meta.len();
        if size < self.filesize {
            let text = format!("Mailbox shrank from {} to {}!", self.filesize, size);
            return Err(self.dead(ev, text.as_bytes()));
        }
        let mut block = vec![0u8; HDRSIZE];
        let Some(hb) = file
            .read_exact_at(&mut block, 0)
            .ok()
            .and_then(|_| parse_block(&block))
        else {
            return Err(self.dead(ev, b"Unable to read internal header of mailbox"));
        };
        // The records are read through a small reused window (only each
        // record's line is looked at), never the whole file.
        let mut window = Window::new(size);
        self.uid_validity = hb.uid_validity;
        self.uid_last = if self.read_only {
            hb.uid_last.max(self.uid_last)
        } else {
            hb.uid_last
        };
        for (i, k) in hb.keywords.iter().enumerate() {
            if i >= self.keywords.len() {
                self.keywords.push(k.clone().unwrap_or_default());
            }
        }
        self.ffuserflag = hb.keywords.len();
        if self.last_pid != 0 && self.last_pid != hb.last_pid {
            self.flagcheck = true;
        }
        self.last_pid = hb.last_pid;

        let base = self.filesize;
        let mut curpos = base;
        let mut lastuid = 0u32;
        let mut dirty = false;
        let mut added = false;
        let mut uidwarn = true;
        let mut new_status: Vec<usize> = Vec::new();
        while curpos < size {
            let read = match self.file.as_ref() {
                Some(f) => window.at(f, curpos, 64),
                None => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            };
            let chunk = match read {
                Ok(c) => c,
                Err(e) => {
                    let text = format!(
                        "Unable to read internal header at {}, size = {}: {}",
                        curpos,
                        size,
                        String::from_utf8_lossy(&error_text(&e))
                    );
                    return Err(self.dead(ev, text.as_bytes()));
                }
            };
            let rec = match parse_record(chunk) {
                Ok(r) => r,
                Err(e) => {
                    if self.unfinished_at(curpos, size, ev) {
                        size = curpos;
                        break;
                    }
                    let text = record_error(&e, curpos, chunk);
                    return Err(self.dead(ev, &text));
                }
            };
            let end = curpos
                .checked_add(rec.line_len as u64)
                .and_then(|p| p.checked_add(rec.size));
            let end = match end {
                Some(e) if e <= size && rec.size <= u64::from(u32::MAX) => e,
                _ if self.unfinished_at(curpos, size, ev) => {
                    size = curpos;
                    break;
                }
                _ => {
                    let text = format!(
                        "Last message (at {}) runs past end of file ({} > {})",
                        curpos,
                        curpos
                            .wrapping_add(rec.line_len as u64)
                            .wrapping_add(rec.size),
                        size
                    );
                    return Err(self.dead(ev, text.as_bytes()));
                }
            };
            let mut m = rec.uid;
            if m != 0 && (m <= lastuid || m > self.uid_last) {
                if uidwarn {
                    let text = format!(
                        "Invalid UID {:08x} in message {}, rebuilding UIDs",
                        m,
                        self.msgs.len() + 1
                    );
                    ev.log(text.as_bytes(), Level::Warn);
                    uidwarn = false;
                    self.uid_validity = now() as u32;
                }
                m = 0;
                dirty = true;
                self.uid_last = lastuid;
            }
            if rec.flags & F_EXPUNGED != 0 {
                if m != 0 {
                    lastuid = m;
                } else {
                    self.uid_last = self.uid_last.wrapping_add(1);
                    lastuid = self.uid_last;
                    dirty = true;
                }
            } else {
                added = true;
                let Ok(when) = date::parse_date(&rec.date) else {
                    let text = [
                        format!("Unable to parse message date at {curpos}: ").as_bytes(),
                        s80(&rec.date),
                    ]
                    .concat();
                    return Err(self.dead(ev, &text));
                };
                let mut flags = flags_of(rec.flags);
                let mut uid = m;
                if m == 0 || rec.flags & F_OLD == 0 {
                    flags = flags.union(Flags::RECENT);
                    dirty = true;
                    if uid == 0 {
                        self.uid_last = self.uid_last.wrapping_add(1);
                        uid = self.uid_last;
                    }
                    new_status.push(self.msgs.len());
                }
                lastuid = uid;
                self.msgs.push(Msg {
                    info: MessageInfo {
                        uid,
                        flags,
                        keywords: rec.keywords,
                        internal_date: when,
                        size: rec.size as u32,
                    },
                    offset: curpos,
                    line_len: rec.line_len as u64,
                    header_len: None,
                });
            }
            curpos = end;
        }
        // New messages get their UID and the "seen by a session" bit.
        if !self.read_only {
            for i in new_status {
                self.write_status(i, false, ev);
            }
        }
        if dirty && !self.read_only {
            self.write_header(ev);
            if let Ok(f) = self.file() {
                let _ = f.sync_all();
            }
        }
        self.filesize = size;
        let mtime = self.file()?.metadata().map_or(0, |m| m.mtime());
        self.filetime = mtime;
        if added && !self.read_only {
            set_times(self.file()?, now(), mtime);
        }
        ev.exists(self.msgs.len() as u32);
        ev.recent(self.recent_count());
        Ok(())
    }

    /// A record at `at` that cannot be read, `rest` the bytes from it to
    /// the end: when an appender that died left it (its marker is there,
    /// see `compact::unfinished`), the parse ends before it (the next
    /// open for writing cuts it off); else the mailbox is damaged (false).
    fn unfinished_at(&mut self, at: u64, end: u64, ev: &mut dyn Events) -> bool {
        if !compact::append_pending(&self.path)
            || compact::pending(&self.path)
            || !self
                .file
                .as_ref()
                .and_then(|f| compact::read_tail(f, at, end))
                .is_some_and(|rest| compact::unfinished(&rest, 64, |l| parse_record(l).is_ok()))
        {
            return false;
        }
        ev.log(compact::unfinished_text(at, true).as_bytes(), Level::Warn);
        true
    }

    /// `mbx_update_header`: rewrites the block from what we know.
    fn write_header(&mut self, ev: &mut dyn Events) {
        let names: Vec<Vec<u8>> = self.keywords.iter().take(NUSERFLAGS).cloned().collect();
        self.ffuserflag = names.len();
        let block = write_block(self.uid_validity, self.uid_last, &names, self.last_pid);
        let Some(file) = self.file.as_ref() else {
            return;
        };
        while let Err(e) = file.write_all_at(&block, 0) {
            ev.notify(&error_text(&e), Level::Warn);
            if ev.disk_error(e.raw_os_error().unwrap_or(0), true) {
                break;
            }
        }
    }

    /// Reads message `i`'s flags from its line. Returns the on-disk flag
    /// word, None when the line is not there.
    fn read_flags(&mut self, i: usize) -> Option<u32> {
        let m = &self.msgs[i];
        let mut b = [0u8; 14];
        let at = m.offset + m.line_len - 24;
        self.file.as_ref()?.read_exact_at(&mut b, at).ok()?;
        let (kw, word) = parse_status(&b)?;
        let m = &mut self.msgs[i];
        let recent = m.info.flags.contains(Flags::RECENT);
        m.info.flags = flags_of(word).with(Flags::RECENT, recent);
        m.info.keywords = kw;
        if word & F_EXPUNGED != 0 {
            self.expunged = true;
        }
        Some(word)
    }

    /// `mbx_update_status`: writes message `i`'s flags and UID in place
    /// (with `expunge`, also the expunged bit).
    fn write_status(&mut self, i: usize, expunge: bool, ev: &mut dyn Events) {
        if self.read_only {
            self.read_flags(i);
            return;
        }
        let Some(file) = self.file.as_ref() else {
            return;
        };
        let m = &self.msgs[i];
        let mut b = [0u8; 14];
        let at = m.offset + m.line_len - 24;
        let old = match file
            .read_exact_at(&mut b, at)
            .ok()
            .and_then(|_| parse_status(&b))
        {
            Some((_, w)) => w,
            None => {
                let text = format!(
                    "Invalid flags for message {} ({} {}): {}",
                    i + 1,
                    m.offset,
                    m.line_len,
                    String::from_utf8_lossy(&b)
                );
                ev.log(text.as_bytes(), Level::Error);
                return;
            }
        };
        let gone = if expunge && m.info.flags.contains(Flags::DELETED) {
            F_EXPUNGED
        } else {
            old & F_EXPUNGED
        };
        let word = gone | word_of(m.info.flags) | F_OLD;
        let text = status_text(m.info.keywords, word, m.info.uid);
        let at = m.offset + m.line_len - 23;
        while let Err(e) = file.write_all_at(&text, at) {
            ev.notify(&error_text(&e), Level::Warn);
            if ev.disk_error(e.raw_os_error().unwrap_or(0), true) {
                break;
            }
        }
    }

    /// `mbx_elt`: refreshes message `i` from disk; with `expok` a message
    /// marked expunged by another process goes. Returns false if it went.
    fn refresh(&mut self, i: usize, expok: bool, ev: &mut dyn Events) -> bool {
        let before = (self.msgs[i].info.flags, self.msgs[i].info.keywords);
        let word = self.read_flags(i).unwrap_or(0);
        if word & F_EXPUNGED != 0 && expok {
            self.msgs.remove(i);
            ev.expunged(i as u32 + 1);
            return false;
        }
        if before != (self.msgs[i].info.flags, self.msgs[i].info.keywords) {
            ev.flags(i as u32 + 1);
        }
        true
    }

    /// `mbx_rewrite`: compacts the file (removing the deleted messages
    /// when `mode` is 1, those of `set` when -1), or, when another process
    /// has it open, marks them expunged. Returns (expunged, reclaimed).
    fn rewrite(&mut self, mode: i32, set: Option<MsgSet>, ev: &mut dyn Events) -> (u32, u64) {
        let mut n = 0u32;
        let mut reclaimed = 0u64;
        let Some(ld) = self.file.as_ref().and_then(|f| lockfd(f, ev)) else {
            ev.log(b"Unable to lock mailbox for rewrite", Level::Error);
            return (0, 0);
        };
        let mtime = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.mtime());
        if self.filetime != 0 && !self.flagcheck && self.filetime < mtime {
            self.flagcheck = true;
        }
        if self.parse(ev).is_err() {
            ld.unlock_shared();
            return (0, 0);
        }
        if self.flagcheck {
            self.filetime = mtime;
            for i in 0..self.msgs.len() {
                self.refresh(i, false, ev);
            }
            self.flagcheck = false;
        }
        // Which messages go, by UID (numbers shift as they go).
        let mut chosen: Vec<u32> = match set {
            Some(s) => s
                .iter()
                .filter_map(|&m| self.msgs.get(m as usize - 1).map(|x| x.info.uid))
                .collect(),
            None => Vec::new(),
        };
        chosen.sort_unstable();
        let goes = |m: &Msg| {
            mode != 0
                && m.info.flags.contains(Flags::DELETED)
                && (mode > 0 || chosen.binary_search(&m.info.uid).is_ok())
        };
        let file = match self.file.as_ref() {
            Some(f) => f.try_clone(),
            None => {
                ld.unlock_shared();
                return (0, 0);
            }
        };
        let Ok(file) = file else {
            ld.unlock_shared();
            return (0, 0);
        };
        // A compaction journal still waiting (see `recover`): only marks.
        if !compact::pending(&self.path) && flock(&file, sys::LOCK_EX | sys::LOCK_NB) {
            ev.critical(true);
            let mut delta = 0u64;
            let mut moves = Vec::new();
            let mut ppos = HDRSIZE as u64;
            let mut pos = HDRSIZE as u64;
            // The kept messages slide down in one pass (`i`: the message's
            // place, and number less one, as the expunges before it shift
            // it; `r`: where it was): removing each expunged message from
            // the vector on its own moved the rest every time.
            let mut i = 0;
            for r in 0..self.msgs.len() {
                self.msgs.swap(i, r);
                self.refresh(i, false, ev);
                let m = &self.msgs[i];
                let gap = m.offset - ppos;
                if gap != 0 {
                    ppos = m.offset;
                    reclaimed += gap;
                    delta += gap;
                }
                let k = m.line_len + u64::from(m.info.size);
                ppos += k;
                if goes(m) {
                    delta += k;
                    ev.expunged(i as u32 + 1);
                    n += 1;
                } else {
                    if delta != 0 {
                        let from = self.msgs[i].offset;
                        let to = from - delta;
                        moves.push(compact::Move { from, to, len: k });
                        self.msgs[i].offset = to;
                        pos = to + k;
                    } else {
                        pos = self.msgs[i].offset + k;
                    }
                    i += 1;
                }
            }
            self.msgs.truncate(i);
            self.filesize -= delta.min(self.filesize);
            if self.filesize != pos {
                reclaimed += self.filesize.saturating_sub(pos);
                self.filesize = pos;
            }
            // Through a journal (kill-safe), else in place as the original.
            match compact::compact(&file, &self.path, &moves, self.filesize) {
                Ok(true) => {}
                Ok(false) => compact::in_place(&file, &moves, self.filesize, ev),
                Err(e) => {
                    ev.log(
                        &[b"Mailbox compaction failed: ", &error_text(&e)[..]].concat(),
                        Level::Error,
                    );
                    ev.disk_error(e.raw_os_error().unwrap_or(0), false);
                }
            }
            let _ = file.sync_all();
            ev.critical(false);
            flock(&file, sys::LOCK_SH);
        } else {
            flock(&file, sys::LOCK_SH);
            if mode != 0 {
                let mut i = 0;
                while i < self.msgs.len() {
                    if !self.refresh(i, true, ev) {
                        n += 1;
                        continue;
                    }
                    if goes(&self.msgs[i]) {
                        self.write_status(i, true, ev);
                        self.msgs.remove(i);
                        ev.expunged(i as u32 + 1);
                        n += 1;
                    } else {
                        i += 1;
                    }
                }
            }
            let _ = file.sync_all();
        }
        self.filetime = file.metadata().map_or(0, |m| m.mtime());
        set_times(&file, now(), self.filetime);
        ld.unlock_shared();
        ev.exists(self.msgs.len() as u32);
        ev.recent(self.recent_count());
        (n, reclaimed)
    }

    /// `mbx_flaglock` and the flag writes of `mbx_flag`.
    fn flag_begin(&mut self, ev: &mut dyn Events) -> Option<SessionLock> {
        let ld = lockfd(self.file.as_ref()?, ev)?;
        if !self.flagcheck {
            if self.filetime != 0 {
                let mtime = self
                    .file
                    .as_ref()
                    .and_then(|f| f.metadata().ok())
                    .map_or(0, |m| m.mtime());
                if self.filetime < mtime {
                    self.flagcheck = true;
                }
                self.filetime = 0;
            }
            if self.parse(ev).is_err() {
                ld.unlock_shared();
                return None;
            }
        }
        Some(ld)
    }

    fn flag_end(&mut self, ld: SessionLock, ev: &mut dyn Events) {
        if let Some(file) = self.file.as_ref() {
            let old_pid = self.last_pid;
            let _ = file.sync_all();
            let mtime = file.metadata().map_or(0, |m| m.mtime());
            self.filetime = mtime;
            self.last_pid = sys::getpid() as u32;
            if self.keywords.len() > self.ffuserflag || old_pid != self.last_pid {
                self.write_header(ev);
            }
            if let Some(file) = self.file.as_ref() {
                set_times(file, now(), mtime);
            }
        }
        ld.unlock_shared();
    }
}

/// The error text of a message line that could not be read.
fn record_error(e: &format::RecordError, curpos: u64, chunk: &[u8]) -> Vec<u8> {
    let text = match chunk.iter().position(|&c| c == 0) {
        Some(n) => &chunk[..n],
        None => chunk,
    };
    let line = match text.iter().position(|&c| c == b'\r') {
        Some(n) => &text[..n],
        None => text,
    };
    let what = match e {
        format::RecordError::NoCrlf => {
            return [
                format!(
                    "Unable to find CRLF at {} in {} bytes, text: ",
                    curpos,
                    chunk.len()
                )
                .as_bytes(),
                s80(text),
            ]
            .concat()
        }
        format::RecordError::Header => "Unable to parse internal header",
        format::RecordError::Flags => "Unable to parse message flags",
        format::RecordError::Uid => "Unable to parse message UID",
        format::RecordError::Size => "Unable to parse message size",
    };
    [format!("{what} at {curpos}: ").as_bytes(), s80(line)].concat()
}

/// Passes everything on except the exists/recent reports (the original
/// keeps a stream silent while it first parses it, then reports once).
struct Quiet<'a> {
    inner: &'a mut dyn Events,
}

impl<'a> Quiet<'a> {
    fn new(inner: &'a mut dyn Events) -> Self {
        Quiet { inner }
    }
}

impl Events for Quiet<'_> {
    fn exists(&mut self, _count: u32) {}
    fn recent(&mut self, _count: u32) {}
    fn expunged(&mut self, msgno: u32) {
        self.inner.expunged(msgno);
    }
    fn flags(&mut self, _msgno: u32) {}
    fn notify(&mut self, text: &[u8], level: Level) {
        self.inner.notify(text, level);
    }
    fn log(&mut self, text: &[u8], level: Level) {
        self.inner.log(text, level);
    }
    fn list(&mut self, d: Option<u8>, name: &[u8], a: i64) {
        self.inner.list(d, name, a);
    }
    fn lsub(&mut self, d: Option<u8>, name: &[u8], a: i64) {
        self.inner.lsub(d, name, a);
    }
    fn status(&mut self, name: &[u8], status: &Status) {
        self.inner.status(name, status);
    }
    fn critical(&mut self, entering: bool) {
        self.inner.critical(entering);
    }
    fn disk_error(&mut self, errno: i32, serious: bool) -> bool {
        self.inner.disk_error(errno, serious)
    }
}

impl Mailbox for MbxMailbox {
    fn driver_name(&self) -> &'static str {
        "mbx"
    }
    fn count(&self) -> u32 {
        self.msgs.len() as u32
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.msgs[msgno as usize - 1].info.clone()
    }
    fn uid_validity(&self) -> u32 {
        self.uid_validity
    }
    fn uid_last(&self) -> u32 {
        self.uid_last
    }
    fn keywords(&self) -> &[Vec<u8>] {
        &self.keywords
    }
    fn can_create_keywords(&self) -> bool {
        !self.read_only && self.keywords.len() < NUSERFLAGS
    }
    fn permanent_flags(&self) -> Flags {
        if self.read_only {
            Flags::NONE
        } else {
            Flags::SETTABLE
        }
    }
    fn read_only(&self) -> bool {
        self.read_only
    }
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }

    fn mailbox_name(&self) -> Option<&[u8]> {
        Some(&self.path)
    }

    fn header(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        let i = msgno as usize - 1;
        if self.read_whole(i)? {
            return Ok(Cow::Borrowed(self.last.header()));
        }
        // A large message: only the header is read.
        match self.msgs[i].header_len {
            Some(h) => {
                let m = &self.msgs[i];
                let h = h.min(m.info.size as usize);
                let at = m.offset + m.line_len;
                let mut buf = std::mem::take(&mut self.buffer);
                buf.clear();
                let r = read_exact_append(self.file()?, at, h, &mut buf);
                self.buffer = buf;
                r.map_err(|e| Error::new(error_text(&e)))?;
            }
            None => {
                let mut data = self.message_bytes(i)?;
                let h = header_len(&data);
                self.msgs[i].header_len = Some(h);
                data.truncate(h);
                self.buffer = data;
            }
        }
        Ok(Cow::Borrowed(&self.buffer))
    }

    fn text(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        let i = msgno as usize - 1;
        if self.read_whole(i)? {
            return Ok(Cow::Borrowed(self.last.text()));
        }
        let size = self.msgs[i].info.size as usize;
        match self.msgs[i].header_len {
            Some(h) => Ok(Cow::Owned(self.message_range(
                i,
                h,
                size.saturating_sub(h),
            )?)),
            None => {
                let mut data = self.message_bytes(i)?;
                let h = header_len(&data);
                self.msgs[i].header_len = Some(h);
                data.drain(..h);
                Ok(Cow::Owned(data))
            }
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
        if self.read_only {
            return Ok(());
        }
        // The change is for the messages as numbered now; parsing under
        // the lock may only add messages at the end.
        let uids: Vec<(usize, u32)> = set
            .iter()
            .filter_map(|&m| {
                let i = (m as usize).wrapping_sub(1);
                self.msgs.get(i).map(|x| (i, x.info.uid))
            })
            .collect();
        // A lock taken before the change (the per-message call of a
        // `mail_flag`, or `mbx_flaglock`) stays held: the driver's flag
        // slot syncs and releases it once for the whole change.
        let (ld, held) = match self.flag_lock.take() {
            Some(ld) => (ld, true),
            None => match self.flag_begin(ev) {
                Some(ld) => (ld, false),
                None => return Err(Error::reported()),
            },
        };
        for (was, uid) in uids {
            // The message usually kept its number; UIDs ascend otherwise.
            let i = if self.msgs.get(was).is_some_and(|m| m.info.uid == uid) {
                was
            } else {
                match self.msgs.binary_search_by_key(&uid, |m| m.info.uid) {
                    Ok(i) => i,
                    Err(_) => continue,
                }
            };
            let m = &mut self.msgs[i];
            let recent = m.info.flags.contains(Flags::RECENT);
            let new = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            let changed = m.info.flags != new || m.info.keywords != keywords;
            m.info.flags = new;
            m.info.keywords = keywords;
            self.write_status(i, false, ev);
            if changed && !silent {
                ev.flags(i as u32 + 1);
            }
        }
        if held {
            self.flag_lock = Some(ld);
        } else {
            self.flag_end(ld, ev);
        }
        Ok(())
    }

    fn before_flags(&mut self, msgno: u32, ev: &mut dyn Events) -> bool {
        if self.read_only || self.file.is_none() {
            return false;
        }
        if self.flag_lock.is_none() {
            self.flag_lock = self.flag_begin(ev);
        }
        let i = msgno as usize - 1;
        if self.flag_lock.is_some() && self.flagcheck && i < self.msgs.len() {
            self.read_flags(i);
            return true;
        }
        false
    }

    fn keyword_index(&mut self, name: &[u8], create: bool) -> Option<usize> {
        if let Some(i) = crate::store::flags::find_keyword(&self.keywords, name) {
            return Some(i);
        }
        if !create || self.read_only || self.keywords.len() >= NUSERFLAGS {
            return None;
        }
        self.keywords.push(name.to_vec());
        Some(self.keywords.len() - 1)
    }

    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        let Some(file) = self.file.as_ref() else {
            return Ok(false);
        };
        let Ok(meta) = file.metadata() else {
            return Ok(false);
        };
        if params::number(Owner::Mail, GET_EXPUNGEATPING) != 0 {
            self.expok = true;
        }
        if self.filetime != 0 && self.filetime < meta.mtime() {
            self.flagcheck = true;
        }
        let mut ok = true;
        let snarf = self.inbox && !self.read_only;
        if meta.len() != self.filesize || self.flagcheck || self.msgs.is_empty() || snarf {
            if let Some(ld) = lockfd(file, ev) {
                if !self.flagcheck {
                    ok = self.parse(ev).is_ok();
                } else {
                    ok = self.parse(ev).is_ok();
                    if ok {
                        self.filetime = meta.mtime();
                        let mut i = 0;
                        while i < self.msgs.len() {
                            if self.refresh(i, self.expok, ev) {
                                i += 1;
                            }
                        }
                        ev.recent(self.recent_count());
                        self.flagcheck = false;
                    }
                }
                if ok && snarf {
                    self.snarf(ev);
                    ok = self.parse(ev).is_ok();
                }
                ld.unlock_shared();
            }
        }
        if !ok || self.file.is_none() {
            return Ok(false);
        }
        if !self.expunged {
            let mut pos = HDRSIZE as u64;
            for m in &self.msgs {
                if m.offset != pos {
                    self.expunged = true;
                    break;
                }
                pos = m.end();
            }
        }
        if self.expunged && !self.read_only {
            let (_, reclaimed) = self.rewrite(0, None, ev);
            if reclaimed != 0 {
                self.expunged = false;
                let text = format!("Reclaimed {reclaimed} bytes of expunged space");
                ev.log(text.as_bytes(), Level::Info);
            }
        }
        self.expok = false;
        Ok(self.file.is_some())
    }

    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        self.expok = true;
        if self.ping(ev)? {
            ev.log(b"Check completed", Level::Info);
        }
        Ok(())
    }

    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        if !self.ping(ev)? {
            return Ok(0);
        }
        if self.read_only {
            ev.log(b"Expunge ignored on readonly mailbox", Level::Warn);
            return Ok(0);
        }
        let mode = if set.is_some() { -1 } else { 1 };
        let (n, reclaimed) = self.rewrite(mode, set, ev);
        if n != 0 {
            ev.log(format!("Expunged {n} messages").as_bytes(), Level::Info);
        } else if reclaimed != 0 {
            let text = format!("Reclaimed {reclaimed} bytes of expunged space");
            ev.log(text.as_bytes(), Level::Info);
        } else {
            ev.log(b"No messages deleted, so no update needed", Level::Info);
        }
        Ok(n)
    }

    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        _ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        let mut out = Vec::new();
        for &m in set {
            let i = m as usize - 1;
            let info = self.msgs[i].info.clone();
            let keywords = (0..32)
                .filter(|b| info.keywords & (1 << b) != 0)
                .filter_map(|b| self.keywords.get(b).cloned())
                .collect();
            out.push(AppendMessage {
                flags: info.flags.minus(Flags::RECENT),
                keywords,
                date: Some(info.internal_date),
                message: self.message_bytes(i)?,
            });
        }
        Ok(out)
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
        if self.file.is_none() {
            return;
        }
        let mut quiet = Quiet::new(ev);
        if expunge {
            let _ = self.expunge(None, &mut quiet);
        } else {
            self.expok = true;
            let _ = self.ping(&mut quiet);
        }
        self.abort();
    }
}

impl MbxMailbox {
    fn message_bytes(&self, i: usize) -> Result<Vec<u8>> {
        self.message_range(i, 0, self.msgs[i].info.size as usize)
    }

    /// Message `i` read whole into `last` (kept there for the requests
    /// that follow), unless it is too large for that: false then.
    fn read_whole(&mut self, i: usize) -> Result<bool> {
        let m = &self.msgs[i];
        let size = m.info.size as usize;
        if size > LastRead::WHOLE {
            return Ok(false);
        }
        let key = [i as u64, u64::from(m.info.uid), m.offset];
        if self.last.holds(key) {
            return Ok(true);
        }
        let at = m.offset + m.line_len;
        let file = self
            .file
            .as_ref()
            .ok_or_else(|| Error::new(b"Mailbox is closed".to_vec()))?;
        let buf = self.last.start();
        read_exact_append(file, at, size, buf).map_err(|e| Error::new(error_text(&e)))?;
        let h = match self.msgs[i].header_len {
            Some(h) => h.min(size),
            None => header_len(buf),
        };
        self.msgs[i].header_len = Some(h);
        self.last.keep(key, h);
        Ok(true)
    }

    /// `len` bytes of message `i` from `from` (into its text).
    fn message_range(&self, i: usize, from: usize, len: usize) -> Result<Vec<u8>> {
        let m = &self.msgs[i];
        let len = len.min((m.info.size as usize).saturating_sub(from));
        read_exact_vec(self.file()?, m.offset + m.line_len + from as u64, len)
            .map_err(|e| Error::new(error_text(&e)))
    }

    /// `mbx_copy`: the target must be an mbx mailbox.
    fn copy_work(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        let mut t = match MBX.target(target, want_uids, ev) {
            Ok(t) => t,
            Err(r) => return Err(MBX.refusal(r, target, "copy", ev)),
        };
        ev.critical(true);
        let mark = compact::begin_append(&t.file, &t.path);
        let meta = t.file.metadata().ok();
        let old_size = meta.as_ref().map_or(0, |m| m.len());
        let old_mtime = meta.as_ref().map_or(0, |m| m.mtime());
        let old_atime = meta.as_ref().map_or(0, |m| m.atime());
        let old_ctime = meta.as_ref().map_or(0, |m| m.ctime());
        let mut pos = old_size;
        let mut map = UidMap {
            validity: t.uid_validity,
            ..Default::default()
        };
        let mut result = Ok(());
        let mut sorted: Vec<u32> = set.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for m in sorted {
            let i = m as usize - 1;
            let info = self.msgs[i].info.clone();
            let mut kw = 0u32;
            for b in 0..32 {
                if info.keywords & (1 << b) == 0 {
                    continue;
                }
                let Some(name) = self.keywords.get(b) else {
                    continue;
                };
                if let Some(j) = t
                    .keywords
                    .iter()
                    .take_while(|s| s.is_some())
                    .position(|s| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name)))
                {
                    kw |= 1 << j;
                }
            }
            let uid = if want_uids {
                t.uid_last = t.uid_last.wrapping_add(1);
                t.uid_last
            } else {
                0
            };
            let body = match self.message_bytes(i) {
                Ok(b) => b,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            let when = date::imap_date(&info.internal_date).into_bytes();
            let mut rec = record_line(&when, body.len() as u64, kw, word_of(info.flags), uid);
            rec.extend_from_slice(&body);
            if let Err(e) = t.file.write_all_at(&rec, pos) {
                result = Err(Error::new(error_text(&e)));
                break;
            }
            pos += rec.len() as u64;
            if want_uids {
                map.source.push(info.uid);
                map.dest.push(uid);
            }
        }
        if result.is_ok() {
            if let Err(e) = t.file.sync_all() {
                result = Err(Error::new(error_text(&e)));
            }
        }
        if let Err(e) = &result {
            ev.log(
                &[b"Unable to write message: ", &e.text[..]].concat(),
                Level::Error,
            );
            let _ = t.file.set_len(old_size);
        }
        let ok = result.is_ok();
        if ok && want_uids {
            ev.copy_uids(target, map.validity, &map.source, &map.dest);
            let _ = t
                .file
                .write_all_at(format!("{:08x}", t.uid_last).as_bytes(), UID_LAST_OFFSET);
        }
        let atime = if ok {
            now() - 1
        } else if old_ctime > old_atime {
            old_atime
        } else {
            now()
        };
        set_times(&t.file, atime, old_mtime);
        if let Some(m) = mark {
            m.done();
        }
        ev.critical(false);
        drop(t);
        match result {
            Ok(()) => Ok(want_uids.then_some(map)),
            Err(_) => Err(Error::reported()),
        }
    }
}

mod helpers;
