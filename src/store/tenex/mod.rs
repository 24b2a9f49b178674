//! The legacy tenex and mtx formats, one engine for both (see
//! [`format`]): a single file, each message preceded by a line with its
//! internal date, size and flag word; flags change in place, expunge
//! rewrites the file. Several processes may have the file open: each holds
//! a shared `flock` on it; parsing and appending are serialised by the
//! session lock on the file (`/tmp/.<dev>.<ino>`), taken shared to parse
//! and exclusive to append or expunge; expunge also needs the `flock`
//! exclusively and refuses when another process has the file open.
//!
//! Keywords are the user's configured ones only (`set keywords` in the
//! configuration files); the format has no keyword table and no UIDs
//! (they are numbered from 1 in each session).

pub mod format;

use super::dummy;
use super::events::{Events, Level, Status};
use super::flags::Flags;
use super::lock::{self, LockOptions, SessionLock};
use super::mailbox::{
    AppendMessage, AppendSource, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
    UidMap,
};
use crate::env::params::{self, Owner};
use crate::env::user;
use crate::message::date::{self, NowFormat};
use crate::message::encoding::{to_crlf, to_crlf_into};
use crate::os::lock as sys;
use crate::store::common::{
    cat, fail as failed, open_mailbox_file, path_of, read_exact_append, read_exact_vec, s80 as c80,
    LastRead,
};
use crate::store::compact;
use crate::store::names::LocalName;
use crate::store::snarf::Silent;
use crate::store::window::Window;
pub use format::Kind;
use format::*;
use std::borrow::Cow;
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `GET_SNARFINTERVAL`.
const GET_SNARFINTERVAL: i64 = 564;

/// The tenex or mtx driver.
pub struct FlagWordDriver(pub Kind);

/// The tenex driver (LF lines, messages without CRs).
pub static TENEX: FlagWordDriver = FlagWordDriver(Kind::Tenex);
/// The mtx driver (CRLF lines, messages as given).
pub static MTX: FlagWordDriver = FlagWordDriver(Kind::Mtx);

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sets a file's access and modification times (seconds).
fn touch(file: &File, atime: i64, mtime: i64) {
    let t = |s: i64| UNIX_EPOCH + Duration::from_secs(s.max(0) as u64);
    let _ = file.set_times(
        fs::FileTimes::new()
            .set_accessed(t(atime))
            .set_modified(t(mtime)),
    );
}

fn os_error(e: &std::io::Error) -> Vec<u8> {
    dummy::error_text(e)
}

/// The session (parse/append) lock of an open file.
fn session(file: &File, op: i32, ev: &mut dyn Events) -> Option<SessionLock> {
    let m = file.metadata().ok()?;
    lock::lock_work(m.dev(), m.ino(), op, &LockOptions::current(), ev).ok()
}

fn flock(file: &File, op: i32) -> bool {
    lock::safe_flock(file.as_raw_fd(), op, &mut lock::NoEvents).is_ok()
}

/// The user's configured keywords, in order.
fn configured_keywords() -> Vec<Vec<u8>> {
    (0..KEYWORD_BITS as usize)
        .map_while(user::default_user_flag)
        .collect()
}

/// `tenex_file` / `mtx_file`: the file of a mailbox name. INBOX is
/// `~/INBOX` when that file is of the format, else the format's own file
/// in the home directory.
pub fn mailbox_file(kind: Kind, name: &[u8]) -> Option<Vec<u8>> {
    match user::mailbox_file(name)? {
        LocalName::Path(p) if !p.is_empty() => Some(p),
        _ => {
            let pick: &[u8] = if matches!(probe(kind, b"~/INBOX"), Probe::Valid) {
                b"~/INBOX"
            } else {
                kind.inbox_file()
            };
            match user::mailbox_file(pick)? {
                LocalName::Path(p) => Some(p),
                LocalName::Inbox => None,
            }
        }
    }
}

/// What `tenex_isvalid` / `mtx_isvalid` finds, with the errno it leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Valid,
    /// An empty file (errno 0).
    Empty,
    /// No such file (ENOENT).
    Missing,
    /// Protected (EACCES).
    Access,
    /// A name the format cannot have, or a first line of the right ending
    /// but the wrong shape (EINVAL).
    Invalid,
    /// Something else: not the format (-1 or another errno).
    NotFormat(i32),
}

impl Probe {
    /// The errno the original leaves behind.
    pub fn errno(self) -> i32 {
        match self {
            Probe::Valid | Probe::Invalid => libc::EINVAL,
            Probe::Empty => 0,
            Probe::Missing => libc::ENOENT,
            Probe::Access => libc::EACCES,
            Probe::NotFormat(e) => e,
        }
    }
}

fn probe_error(e: &std::io::Error) -> Probe {
    match e.raw_os_error() {
        Some(libc::ENOENT) => Probe::Missing,
        Some(libc::EACCES) => Probe::Access,
        Some(n) => Probe::NotFormat(n),
        None => Probe::NotFormat(-1),
    }
}

/// `tenex_isvalid` / `mtx_isvalid`.
pub fn probe(kind: Kind, name: &[u8]) -> Probe {
    let is_inbox = name.eq_ignore_ascii_case(b"INBOX");
    let Some(path) = mailbox_file(kind, name) else {
        return Probe::Invalid;
    };
    let meta = match fs::metadata(path_of(&path)) {
        Ok(m) => m,
        Err(e) => {
            return match probe_error(&e) {
                Probe::Missing if is_inbox => Probe::NotFormat(-1),
                p => p,
            }
        }
    };
    if meta.len() == 0 {
        return match user::mailbox_file(name) {
            Some(LocalName::Inbox) => Probe::Valid,
            _ => Probe::Empty,
        };
    }
    let file = match File::open(path_of(&path)) {
        Ok(f) => f,
        Err(e) => return probe_error(&e),
    };
    let mut head = [0u8; LINE_PEEK];
    let got = file.read_at(&mut head, 0).ok();
    let answer = match got.map(|n| first_line(kind, &head[..n])) {
        Some(FirstLine::Valid) => Probe::Valid,
        Some(FirstLine::Misshapen) => Probe::Invalid,
        Some(FirstLine::NoLine) | None => Probe::NotFormat(-1),
    };
    // Looking must not take away the \Marked state.
    if meta.ctime() > meta.atime() {
        touch(&file, meta.atime(), meta.mtime());
    }
    answer
}

impl FlagWordDriver {
    fn kind(&self) -> Kind {
        self.0
    }

    /// The refusal of an append or copy target, as the original words it.
    fn refuse(&self, p: Probe, name: &[u8], copy: bool, ev: &mut dyn Events) -> Error {
        let kind = self.kind();
        let label = if copy {
            kind.copy_label()
        } else {
            kind.append_label()
        };
        match p {
            Probe::Missing => {
                let what: &[u8] = if copy { b"copy" } else { b"append" };
                ev.notify(
                    &cat(&[b"[TRYCREATE] Must create mailbox before ", what]),
                    Level::Info,
                );
                Error::reported()
            }
            Probe::Access => failed(ev, &cat(&[b"Can't access destination: ", c80(name)])),
            Probe::Invalid => failed(
                ev,
                &cat(&[b"Invalid ", label, b"-format mailbox name: ", c80(name)]),
            ),
            _ => failed(
                ev,
                &cat(&[b"Not a ", label, b"-format mailbox: ", c80(name)]),
            ),
        }
    }

    /// `tenex_rename` / `mtx_rename` (delete when `new` is None).
    fn rename_or_delete(&self, old: &[u8], new: Option<&[u8]>, ev: &mut dyn Events) -> Result<()> {
        let file = mailbox_file(self.kind(), old);
        let target = match new {
            None => Some(Vec::new()),
            Some(n) => match user::mailbox_file(n) {
                Some(LocalName::Path(p)) if !p.is_empty() && p.last() != Some(&b'/') => Some(p),
                _ => None,
            },
        };
        let (Some(file), Some(target)) = (file, target) else {
            let text = match new {
                Some(n) => cat(&[
                    b"Can't rename mailbox ",
                    c80(old),
                    b" to ",
                    c80(n),
                    b": invalid name",
                ]),
                None => cat(&[b"Can't delete mailbox ", c80(old), b": invalid name"]),
            };
            return Err(failed(ev, &text));
        };
        let f = match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path_of(&file))
        {
            Ok(f) => f,
            Err(e) => {
                return Err(failed(
                    ev,
                    &cat(&[b"Can't open mailbox ", c80(old), b": ", &os_error(&e)]),
                ))
            }
        };
        let Some(ld) = session(&f, sys::LOCK_EX, ev) else {
            return Err(failed(ev, b"Unable to lock rename mailbox"));
        };
        if !flock(&f, sys::LOCK_EX | sys::LOCK_NB) {
            drop(f);
            ld.unlock_shared();
            return Err(failed(
                ev,
                &cat(&[b"Mailbox ", c80(old), b" is in use by another process"]),
            ));
        }
        let mut ok = true;
        match new {
            Some(n) => {
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
                            &cat(&[
                                b"Can't rename mailbox ",
                                c80(old),
                                b" to ",
                                c80(n),
                                b": ",
                                &os_error(&e),
                            ]),
                            Level::Error,
                        );
                        ok = false;
                    }
                }
            }
            None => {
                if let Err(e) = fs::remove_file(path_of(&file)) {
                    ev.log(
                        &cat(&[b"Can't delete mailbox ", c80(old), b": ", &os_error(&e)]),
                        Level::Error,
                    );
                    ok = false;
                }
            }
        }
        if ok {
            compact::moved(&file, new.map(|_| &target[..]), Some(&f));
        }
        flock(&f, sys::LOCK_UN);
        drop(f);
        ld.unlock_shared();
        if !ok {
            return Err(Error::reported());
        }
        if old.eq_ignore_ascii_case(b"INBOX") {
            dummy::create(self.kind().inbox_file(), ev);
        }
        Ok(())
    }

    /// `tenex_append` / `mtx_append`.
    fn append_work(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        let kind = self.kind();
        match probe(kind, name) {
            Probe::Valid | Probe::Empty => {}
            Probe::Missing if name.eq_ignore_ascii_case(b"INBOX") => {
                dummy::create(kind.inbox_file(), ev);
            }
            p => return Err(self.refuse(p, name, false, ev)),
        }
        let first = match source.next_message(ev) {
            None => return Ok(()),
            Some(Err(e)) => return Err(e),
            Some(Ok(m)) => m,
        };
        let opened =
            mailbox_file(kind, name).ok_or_else(|| std::io::Error::from_raw_os_error(libc::EINVAL));
        let apath = opened.as_ref().map(|p| p.clone()).unwrap_or_default();
        let file = match opened.and_then(|p| {
            let o = |read| {
                fs::OpenOptions::new()
                    .read(read)
                    .append(true)
                    .open(path_of(&p))
            };
            o(true).or_else(|_| o(false))
        }) {
            Ok(f) => f,
            Err(e) => {
                return Err(failed(
                    ev,
                    &cat(&[b"Can't open append mailbox: ", &os_error(&e)]),
                ))
            }
        };
        let ld = if flock(&file, sys::LOCK_SH) {
            session(&file, sys::LOCK_EX, ev)
        } else {
            None
        };
        let Some(ld) = ld else {
            return Err(failed(ev, b"Unable to lock append mailbox"));
        };
        let mark = if apath.is_empty() {
            None
        } else {
            before_append(kind, &file, &apath, ev);
            compact::begin_append(&file, &apath)
        };
        ev.critical(true);
        let meta = file.metadata().ok();
        let old_size = meta.as_ref().map_or(0, |m| m.len());
        let (old_atime, old_mtime, old_ctime) = meta
            .as_ref()
            .map_or((0, 0, 0), |m| (m.atime(), m.mtime(), m.ctime()));
        let keywords = configured_keywords();
        let mut pos = old_size;
        let mut result: Result<()> = Ok(());
        let mut next = Some(first);
        while let Some(m) = next.take() {
            if m.message.is_empty() {
                result = Err(failed(ev, b"Append of zero-length message"));
                break;
            }
            let mut kw = 0u32;
            for k in &m.keywords {
                match keywords.iter().position(|n| n.eq_ignore_ascii_case(k)) {
                    Some(i) => kw |= 1 << i,
                    None => ev.log(&cat(&[b"Unknown flag: ", c80(k)]), Level::Warn),
                }
            }
            let when = match m.date {
                Some(d) => date::imap_date(&d).into_bytes(),
                None => date::now(NowFormat::Internal),
            };
            let body = kind.stored_form(&m.message);
            let mut rec = record_line(
                kind,
                &when,
                body.len() as u64,
                word_of_keywords(kw),
                system_of(m.flags),
            );
            rec.extend_from_slice(&body);
            if let Err(e) = file.write_all_at(&rec, pos) {
                result = Err(failed(
                    ev,
                    &cat(&[b"Message append failed: ", &os_error(&e)]),
                ));
                break;
            }
            pos += rec.len() as u64;
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
            if let Err(e) = file.sync_all() {
                result = Err(failed(
                    ev,
                    &cat(&[b"Message append failed: ", &os_error(&e)]),
                ));
            }
        }
        let atime = if result.is_ok() {
            now() - 1
        } else {
            let _ = file.set_len(old_size);
            if old_ctime > old_atime {
                old_atime
            } else {
                now()
            }
        };
        touch(&file, atime, old_mtime);
        if let Some(m) = mark {
            m.done();
        }
        drop(file);
        ld.unlock_shared();
        ev.critical(false);
        if result.is_ok() && want_uids {
            ev.log(
                b"Can not return meaningful APPENDUID with this mailbox format",
                Level::Warn,
            );
        }
        result
    }
}

/// Finishes a compaction a killed process left (`compact::recover`), if
/// the session is alone on the file; the caller holds the session lock
/// exclusively. Leaves the file's `flock` shared.
fn recover(file: &File, path: &[u8], ev: &mut dyn Events) {
    if flock(file, sys::LOCK_EX | sys::LOCK_NB) {
        if let Err(e) = compact::recover(file, path) {
            ev.log(
                &cat(&[b"Unable to finish interrupted compaction: ", &os_error(&e)]),
                Level::Error,
            );
        }
    }
    flock(file, sys::LOCK_SH);
}

/// After an appender died (its marker left, see `compact::begin_append`;
/// the caller holds the session lock exclusively): the record it left
/// unfinished at the end is cut off.
fn repair_append(kind: Kind, file: &File, path: &[u8], ev: &mut dyn Events) {
    let len = |b: &[u8]| {
        let r = parse_record(kind, b).ok()?;
        (r.line_len as u64).checked_add(r.size)
    };
    match compact::repair_append(file, path, LINE_PEEK, len) {
        Ok(Some(at)) => ev.log(compact::unfinished_text(at, false).as_bytes(), Level::Warn),
        Ok(None) => {}
        Err(e) => ev.log(
            &cat(&[
                b"Unable to repair after an interrupted append: ",
                &os_error(&e),
            ]),
            Level::Error,
        ),
    }
}

/// Before an append or copy (session lock held exclusively, `flock`
/// shared): finishes an interrupted compaction, then cuts off a record an
/// appender that died left unfinished at the end, so that the new
/// messages follow the last complete one.
fn before_append(kind: Kind, file: &File, path: &[u8], ev: &mut dyn Events) {
    if compact::pending(path) {
        recover(file, path, ev);
    }
    if compact::append_pending(path) && !compact::pending(path) {
        repair_append(kind, file, path, ev);
    }
}

/// A source over messages already at hand.
struct Given<'a>(std::slice::Iter<'a, AppendMessage>);

impl AppendSource for Given<'_> {
    fn next_message(&mut self, _ev: &mut dyn Events) -> Option<Result<AppendMessage>> {
        self.0.next().cloned().map(Ok)
    }
}

impl Driver for FlagWordDriver {
    fn name(&self) -> &'static str {
        self.kind().name()
    }

    fn valid(&self, name: &[u8]) -> bool {
        probe(self.kind(), name) == Probe::Valid
    }

    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        Ok(Box::new(FlagWordMailbox::open(
            self.kind(),
            name,
            options,
            ev,
        )?))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        // The original creates an empty file, as the dummy driver does.
        if dummy::create(name, ev) {
            Ok(())
        } else {
            Err(Error::reported())
        }
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        self.rename_or_delete(name, None, ev)
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        self.rename_or_delete(old, Some(new), ev)
    }

    fn append(&self, name: &[u8], messages: &[AppendMessage], ev: &mut dyn Events) -> Result<()> {
        self.append_work(name, &mut Given(messages.iter()), false, ev)
    }

    fn append_from(
        &self,
        name: &[u8],
        source: &mut dyn AppendSource,
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<Option<UidMap>> {
        self.append_work(name, source, want_uids, ev).map(|()| None)
    }

    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        let quiet = OpenOptions {
            read_only: true,
            silent: true,
            inbox: name.eq_ignore_ascii_case(b"INBOX"),
            ..Default::default()
        };
        let mut sink = Silent(ev, false);
        let mut mb = FlagWordMailbox::open(self.kind(), name, quiet, &mut sink)?;
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
        mb.close(false, &mut sink);
        if mb.inbox && st.recent == Some(0) {
            system_inbox_estimate(&mut st, &mut sink);
        }
        Ok(st)
    }
}

/// The original's estimate of an INBOX's status after its next move of new
/// mail: the system inbox's messages counted in (and the next UID moved on
/// by as many).
fn system_inbox_estimate(st: &mut Status, ev: &mut dyn Events) {
    let Some(sys) = user::system_inbox() else {
        return;
    };
    let Some(unix) = super::registry::driver("unix") else {
        return;
    };
    if !unix.valid(&sys) {
        return;
    }
    let quiet = OpenOptions {
        read_only: true,
        silent: true,
        ..Default::default()
    };
    let Ok(mut mb) = unix.open(&sys, quiet, ev) else {
        return;
    };
    let n = mb.count();
    let recent = (1..=n)
        .filter(|&m| mb.info(m).flags.contains(Flags::RECENT))
        .count() as u32;
    let unseen = (1..=n)
        .filter(|&m| !mb.info(m).flags.contains(Flags::SEEN))
        .count() as u32;
    mb.close(false, ev);
    let add = |v: &mut Option<u32>, k: u32| *v = Some(v.unwrap_or(0).wrapping_add(k));
    add(&mut st.messages, n);
    add(&mut st.recent, recent);
    add(&mut st.unseen, unseen);
    add(&mut st.uid_next, n);
}

/// One message of an open mailbox.
#[derive(Clone, Debug)]
struct Msg {
    info: MessageInfo,
    /// Where its line starts.
    offset: u64,
    /// Length of its line.
    line_len: u64,
    /// The stored size (the line's size field).
    stored: u64,
    /// The stored header's length once a read found it (`NO_HDR` before):
    /// later reads of the header or the text then read only that part.
    hdr: u32,
}

const NO_HDR: u32 = u32::MAX;

impl Msg {
    fn text_start(&self) -> u64 {
        self.offset + self.line_len
    }
}

/// An open tenex or mtx mailbox.
pub struct FlagWordMailbox {
    kind: Kind,
    path: Vec<u8>,
    file: Option<File>,
    read_only: bool,
    inbox: bool,
    msgs: Vec<Msg>,
    uid_validity: u32,
    uid_last: u32,
    keywords: Vec<Vec<u8>>,
    /// Bytes parsed so far.
    filesize: u64,
    /// The file's modification time when we last wrote or looked (0:
    /// don't compare).
    filetime: i64,
    lastsnarf: i64,
    /// The flag word read or written last (see `read_flags`).
    last_word: [u8; 12],
    /// A check of every message's flags is asked for.
    mustcheck: bool,
    /// The file changed behind our back: check the flags.
    shouldcheck: bool,
    /// A `mail_flag` is under way (its per-message calls began): the
    /// writes are flushed once by the driver's flag slot.
    flag_pending: bool,
    /// The last parse stopped at a record left unfinished at the end.
    unfinished_tail: bool,
    /// The message read last (see `read_whole`), and the stored bytes
    /// it was made from.
    last: LastRead,
    raw: Vec<u8>,
}

impl FlagWordMailbox {
    fn open(kind: Kind, name: &[u8], options: OpenOptions, ev: &mut dyn Events) -> Result<Self> {
        let path = match mailbox_file(kind, name) {
            Some(p) => p,
            None => {
                // The original goes on with its message as the file name.
                ev.log(
                    &cat(&[b"Can't open - invalid name: ", c80(name)]),
                    Level::Error,
                );
                let e = std::io::Error::from_raw_os_error(libc::ENOENT);
                return Err(failed(ev, &cat(&[b"Can't open mailbox: ", &os_error(&e)])));
            }
        };
        let mut read_only = options.read_only;
        let file = match open_mailbox_file(path_of(&path), &mut read_only, ev) {
            Ok(f) => f,
            Err(e) => {
                let text = match kind {
                    Kind::Tenex => os_error(&e),
                    Kind::Mtx => c80(&os_error(&e)).to_vec(),
                };
                return Err(failed(ev, &cat(&[b"Can't open mailbox: ", &text])));
            }
        };
        if !read_only && (compact::pending(&path) || compact::append_pending(&path)) {
            if let Some(ld) = session(&file, sys::LOCK_EX, ev) {
                before_append(kind, &file, &path, ev);
                ld.unlock_shared();
            }
        }
        let Some(ld) = session(&file, sys::LOCK_SH, ev) else {
            return Err(failed(ev, b"Unable to lock open mailbox"));
        };
        flock(&file, sys::LOCK_SH);
        ld.unlock_shared();
        let mut mb = FlagWordMailbox {
            kind,
            path,
            file: Some(file),
            read_only,
            inbox: options.inbox || name.eq_ignore_ascii_case(b"INBOX"),
            msgs: Vec::new(),
            uid_validity: now() as u32,
            uid_last: 0,
            keywords: configured_keywords(),
            filesize: 0,
            filetime: 0,
            lastsnarf: 0,
            last_word: *b"000000000000",
            mustcheck: false,
            shouldcheck: false,
            flag_pending: false,
            unfinished_tail: false,
            last: LastRead::default(),
            raw: Vec::new(),
        };
        let alive = mb.ping(ev)?;
        if !alive || mb.file.is_none() {
            return Err(Error::reported());
        }
        if mb.msgs.is_empty() {
            ev.log(b"Mailbox is empty", Level::Info);
        }
        Ok(mb)
    }

    fn recent_count(&self) -> u32 {
        self.msgs
            .iter()
            .filter(|m| m.info.flags.contains(Flags::RECENT))
            .count() as u32
    }

    /// Ends the session without writing (the stream is dead).
    fn abort(&mut self) {
        if let Some(f) = self.file.take() {
            flock(&f, sys::LOCK_UN);
        }
    }

    fn dead(&mut self, ev: &mut dyn Events, text: &[u8]) -> Error {
        ev.log(text, Level::Error);
        self.abort();
        Error::reported()
    }

    fn mtime(&self) -> i64 {
        self.file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.mtime())
    }

    /// `tenex_parse` / `mtx_parse`: reads the messages past what was
    /// parsed, marking new ones as seen by a session.
    pub fn parse(&mut self, ev: &mut dyn Events) -> Result<()> {
        let Some(file) = self.file.as_ref() else {
            return Err(Error::reported());
        };
        let mut size = file.metadata().map_or(0, |m| m.len());
        if size < self.filesize {
            let text = format!("Mailbox shrank from {} to {}!", self.filesize, size);
            return Err(self.dead(ev, text.as_bytes()));
        }
        // The file is read through a small reused window (each record's
        // line, and for tenex the message bytes to count line ends),
        // never whole.
        let mut window = Window::new(size);
        let unreadable = |at: u64, e: &std::io::Error| {
            format!(
                "Unable to read internal header at {}, size = {}: {}",
                at,
                size,
                String::from_utf8_lossy(&os_error(e))
            )
        };
        let mut curpos = self.filesize;
        let mut added = false;
        let mut fresh = Vec::new();
        let mut doomed: Option<u64> = None;
        while curpos < size {
            let read = match self.file.as_ref() {
                Some(f) => window.at(f, curpos, LINE_PEEK),
                None => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
            };
            let chunk = match read {
                Ok(c) => c,
                Err(e) => {
                    let text = unreadable(curpos, &e);
                    return Err(self.dead(ev, text.as_bytes()));
                }
            };
            let rec = match parse_record(self.kind, chunk) {
                Ok(r) => r,
                Err(e) => {
                    if self.unfinished_at(curpos, size, ev) {
                        size = curpos;
                        break;
                    }
                    let text = self.record_error(&e, curpos, chunk.len());
                    return Err(self.dead(ev, &text));
                }
            };
            let when = match date::parse_date(&rec.date) {
                Ok(d) => d,
                Err(_) => {
                    let e = RecordError::Elements(rec.date, rec.size_text, rec.word);
                    let text = self.record_error(&e, curpos, chunk.len());
                    return Err(self.dead(ev, &text));
                }
            };
            // The original adds in unsigned longs: a size that wraps the
            // sum around sends it back into the file (a later line then
            // fails), unless that makes no progress at all.
            let sum = curpos
                .wrapping_add(rec.line_len as u64)
                .wrapping_add(rec.size);
            let wrapped = curpos
                .checked_add(rec.line_len as u64)
                .and_then(|p| p.checked_add(rec.size))
                .is_none();
            if sum > size && !wrapped && self.unfinished_at(curpos, size, ev) {
                size = curpos;
                break;
            }
            if sum > size || (wrapped && sum <= curpos) {
                let text =
                    format!("Last message (at {curpos}) runs past end of file ({sum} > {size})");
                return Err(self.dead(ev, text.as_bytes()));
            }
            if wrapped {
                doomed.get_or_insert(curpos);
                curpos = sum;
                continue;
            }
            let end = sum;
            added = true;
            let rfc822 = match self.kind {
                Kind::Tenex => {
                    let start = curpos + rec.line_len as u64;
                    let mut bare = 0u64;
                    let mut prev = 0u8;
                    let counted = match self.file.as_ref() {
                        Some(f) => window.each(f, start, rec.size, |piece| {
                            bare += bare_newlines(piece, prev);
                            prev = piece[piece.len() - 1];
                        }),
                        None => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
                    };
                    if let Err(e) = counted {
                        let text = unreadable(start, &e);
                        return Err(self.dead(ev, text.as_bytes()));
                    }
                    rec.size + bare
                }
                Kind::Mtx => rec.size,
            };
            self.uid_last = self.uid_last.wrapping_add(1);
            let mut flags = flags_of(rec.system);
            if rec.system & F_OLD == 0 {
                flags = flags.union(Flags::RECENT);
                fresh.push(self.msgs.len());
            }
            let keywords = self.known_keywords(keywords_of_word(rec.user_word));
            self.msgs.push(Msg {
                info: MessageInfo {
                    uid: self.uid_last,
                    flags,
                    keywords,
                    internal_date: when,
                    size: rfc822.min(u64::from(u32::MAX)) as u32,
                },
                offset: curpos,
                line_len: rec.line_len as u64,
                stored: rec.size,
                hdr: NO_HDR,
            });
            curpos = end;
        }
        if let Some(at) = doomed {
            let text = format!("Last message (at {at}) runs past end of file");
            return Err(self.dead(ev, text.as_bytes()));
        }
        for i in fresh {
            self.write_status(i, false, ev);
        }
        if let Some(f) = self.file.as_ref() {
            let _ = f.sync_all();
        }
        self.filesize = size;
        self.filetime = self.mtime();
        if added && !self.read_only {
            if let Some(f) = self.file.as_ref() {
                touch(f, now(), self.filetime);
            }
        }
        ev.exists(self.msgs.len() as u32);
        ev.recent(self.recent_count());
        Ok(())
    }

    /// A record at `at` that cannot be read, `rest` the bytes from it to
    /// the end: when an appender that died left it (its marker is there,
    /// see `compact::unfinished`), the parse ends before it (`ping` then
    /// cuts it off under the exclusive lock); else the mailbox is damaged
    /// (false).
    fn unfinished_at(&mut self, at: u64, end: u64, ev: &mut dyn Events) -> bool {
        let kind = self.kind;
        if !compact::append_pending(&self.path)
            || compact::pending(&self.path)
            || !self
                .file
                .as_ref()
                .and_then(|f| compact::read_tail(f, at, end))
                .is_some_and(|rest| {
                    compact::unfinished(&rest, LINE_PEEK, |l| parse_record(kind, l).is_ok())
                })
        {
            return false;
        }
        if !self.unfinished_tail {
            ev.log(compact::unfinished_text(at, true).as_bytes(), Level::Warn);
        }
        self.unfinished_tail = true;
        true
    }

    /// Cuts off the unfinished record `parse` found after the last message.
    fn cut_tail(&mut self, ev: &mut dyn Events) {
        self.unfinished_tail = false;
        let Some(file) = self.file.as_ref() else {
            return;
        };
        let Some(ld) = session(file, sys::LOCK_EX, ev) else {
            return;
        };
        if !compact::pending(&self.path) {
            repair_append(self.kind, file, &self.path, ev);
            self.filetime = self.mtime();
        }
        ld.unlock_shared();
    }

    /// The keywords of `kw` that the user has configured.
    fn known_keywords(&self, kw: u32) -> u32 {
        let defined = if self.keywords.len() >= 32 {
            u32::MAX
        } else {
            (1u32 << self.keywords.len()) - 1
        };
        kw & defined
    }

    /// The original's text for a line that could not be read.
    fn record_error(&self, e: &RecordError, curpos: u64, got: usize) -> Vec<u8> {
        let what: &[u8] = match self.kind {
            Kind::Tenex => b"newline",
            Kind::Mtx => b"CRLF",
        };
        match e {
            RecordError::NoLine(text) => cat(&[
                b"Unable to find ",
                what,
                format!(" at {curpos} in {got} bytes, text: ").as_bytes(),
                text,
            ]),
            RecordError::Fields(line) => cat(&[
                format!("Unable to parse internal header at {curpos}: ").as_bytes(),
                line,
            ]),
            RecordError::Elements(d, x, t) => cat(&[
                format!("Unable to parse internal header elements at {curpos}: ").as_bytes(),
                d,
                b",",
                x,
                b";",
                t,
            ]),
        }
    }

    /// `tenex_read_flags`: message `i`'s flags from its line (keywords
    /// are only ever added, as the original does). Nothing on a read-only
    /// session unless `force`.
    pub fn read_flags(&mut self, i: usize, force: bool) {
        if self.read_only && !force {
            return;
        }
        let Some(file) = self.file.as_ref() else {
            return;
        };
        let m = &self.msgs[i];
        let at = m.text_start() - self.kind.flag_word_back();
        // Like the original's read into its buffer: a short read (the
        // file cut behind our back) leaves the rest of the last flag word
        // read or written in place.
        let mut b = self.last_word;
        let mut got = [0u8; 12];
        match file.read_at(&mut got, at) {
            Ok(n) => b[..n].copy_from_slice(&got[..n]),
            Err(_) => return,
        }
        self.last_word = b;
        let (user, system) = parse_flag_word(&b);
        let kw = self.known_keywords(keywords_of_word(user));
        let m = &mut self.msgs[i];
        let recent = m.info.flags.contains(Flags::RECENT);
        m.info.flags = flags_of(system).with(Flags::RECENT, recent);
        m.info.keywords |= kw;
    }

    /// `tenex_elt`: refreshes message `i` and reports a change.
    pub fn refresh(&mut self, i: usize, ev: &mut dyn Events) {
        let before = (self.msgs[i].info.flags, self.msgs[i].info.keywords);
        self.read_flags(i, false);
        if before != (self.msgs[i].info.flags, self.msgs[i].info.keywords) {
            ev.flags(i as u32 + 1);
        }
    }

    /// `tenex_update_status`: writes message `i`'s flag word in place
    /// (a read-only session reads it instead); with `sync` the write is
    /// flushed and the file's times set so that it is not taken for
    /// another process's change.
    pub fn write_status(&mut self, i: usize, sync: bool, ev: &mut dyn Events) {
        if self.read_only {
            self.read_flags(i, false);
            return;
        }
        let Some(file) = self.file.as_ref() else {
            return;
        };
        let m = &self.msgs[i];
        let word = flag_word(
            word_of_keywords(m.info.keywords),
            F_OLD | system_of(m.info.flags),
        );
        let at = m.text_start() - self.kind.flag_word_back();
        self.last_word.copy_from_slice(&word[..12]);
        if let Err(e) = file.write_all_at(&word, at) {
            ev.log(
                &cat(&[b"Unable to write flags: ", &os_error(&e)]),
                Level::Error,
            );
        }
        if sync {
            self.sync_times();
        }
    }

    /// `tenex_flag`'s work: flushes and notes our own write time.
    pub fn sync_times(&mut self) {
        self.flag_pending = false;
        if self.read_only {
            return;
        }
        let Some(file) = self.file.as_ref() else {
            return;
        };
        let _ = file.sync_all();
        let mtime = file.metadata().map_or(0, |m| m.mtime());
        self.filetime = mtime;
        touch(file, now(), mtime);
    }

    /// `tenex_size`: a message's stored size by its place in the file.
    pub fn internal_size(&self, i: usize) -> u64 {
        let m = &self.msgs[i];
        let next = self.msgs.get(i + 1).map_or(self.filesize, |n| n.offset);
        next.saturating_sub(m.text_start())
    }

    /// `tenex_hdrpos`: where message `i`'s header starts, and its stored
    /// length.
    pub fn header_position(&mut self, i: usize) -> Result<(u64, u64)> {
        let h = self.stored_header_len(i)?;
        Ok((self.msgs[i].text_start(), h as u64))
    }

    fn stored_bytes(&self, i: usize) -> Result<Vec<u8>> {
        let m = &self.msgs[i];
        self.stored_range(i, 0, m.stored as usize)
    }

    /// `len` stored bytes of message `i` from `from` (into its text).
    fn stored_range(&self, i: usize, from: usize, len: usize) -> Result<Vec<u8>> {
        let m = &self.msgs[i];
        // A session that died (the file changed beyond repair) has no
        // texts left, as the original's dead stream has none.
        let Some(file) = self.file.as_ref() else {
            return Ok(Vec::new());
        };
        read_exact_vec(file, m.text_start() + from as u64, len)
            .map_err(|e| Error::new(os_error(&e)))
    }

    /// The stored header's length of message `i`, found once.
    fn stored_header_len(&mut self, i: usize) -> Result<usize> {
        if self.msgs[i].hdr != NO_HDR {
            return Ok(self.msgs[i].hdr as usize);
        }
        let data = self.stored_bytes(i)?;
        let h = self.kind.header_len(&data);
        if self.file.is_some() {
            self.msgs[i].hdr = u32::try_from(h).unwrap_or(NO_HDR);
        }
        Ok(h)
    }

    /// Message `i` read whole into `last` as its header and text are
    /// served (CRLF for tenex), unless it is too large for that or the
    /// session has no file: false then.
    fn read_whole(&mut self, i: usize) -> Result<bool> {
        let m = &self.msgs[i];
        let stored = m.stored as usize;
        let Some(file) = self.file.as_ref() else {
            return Ok(false);
        };
        if stored > LastRead::WHOLE {
            return Ok(false);
        }
        let key = [i as u64, u64::from(m.info.uid), m.offset];
        if self.last.holds(key) {
            return Ok(true);
        }
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        let r = read_exact_append(file, m.text_start(), stored, &mut raw);
        if let Err(e) = r {
            self.raw = raw;
            return Err(Error::new(os_error(&e)));
        }
        let h = match m.hdr {
            NO_HDR => self.kind.header_len(&raw),
            h => (h as usize).min(stored),
        };
        self.msgs[i].hdr = u32::try_from(h).unwrap_or(NO_HDR);
        let buf = self.last.start();
        let hh = match self.kind {
            Kind::Tenex => {
                to_crlf_into(&raw[..h], buf);
                let hh = buf.len();
                to_crlf_into(&raw[h..], buf);
                hh
            }
            Kind::Mtx => {
                buf.extend_from_slice(&raw);
                h
            }
        };
        self.last.keep(key, hh);
        self.raw = raw;
        Ok(true)
    }

    /// Message `i`'s stored header (`body` false) or text: the whole
    /// message is read only while its header's length is unknown.
    fn stored_part(&mut self, i: usize, body: bool) -> Result<Vec<u8>> {
        let stored = self.msgs[i].stored as usize;
        let hdr = self.msgs[i].hdr;
        if hdr != NO_HDR && self.file.is_some() {
            let h = (hdr as usize).min(stored);
            return if body {
                self.stored_range(i, h, stored - h)
            } else {
                self.stored_range(i, 0, h)
            };
        }
        let mut data = self.stored_bytes(i)?;
        let h = self.kind.header_len(&data);
        if self.file.is_some() {
            self.msgs[i].hdr = u32::try_from(h).unwrap_or(NO_HDR);
        }
        if body {
            data.drain(..h);
        } else {
            data.truncate(h);
        }
        Ok(data)
    }

    /// `fetch fast` / `fetch flags` of the original: the flags of the
    /// messages `set` re-read from the file.
    pub fn refresh_set(&mut self, set: &[u32], ev: &mut dyn Events) {
        for &m in set {
            if m >= 1 && (m as usize) <= self.msgs.len() {
                self.refresh(m as usize - 1, ev);
            }
        }
    }

    /// `tenex_snarf`: moves new mail from the system inbox into an INBOX
    /// of this format, at most once per snarf interval.
    pub fn snarf(&mut self, ev: &mut dyn Events) {
        let interval = params::number(Owner::Mail, GET_SNARFINTERVAL);
        let Some(sysinbox) = user::system_inbox() else {
            return;
        };
        if now() < self.lastsnarf + interval || sysinbox == self.path || self.file.is_none() {
            return;
        }
        let Some(ld) = self
            .file
            .as_ref()
            .and_then(|f| session(f, sys::LOCK_EX, ev))
        else {
            return;
        };
        ev.critical(true);
        let nonempty = fs::metadata(path_of(&sysinbox)).is_ok_and(|m| m.len() > 0);
        let current = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.len());
        if nonempty && current == self.filesize {
            self.snarf_from(&sysinbox, current, ev);
        }
        ev.critical(false);
        ld.unlock_shared();
        self.lastsnarf = now();
    }

    fn snarf_from(&mut self, sysinbox: &[u8], size: u64, ev: &mut dyn Events) {
        let Some(unix) = super::registry::driver("unix") else {
            return;
        };
        let options = OpenOptions {
            silent: true,
            ..Default::default()
        };
        let mut quiet = Silent(ev, false);
        let Ok(mut sys_mb) = unix.open(sysinbox, options, &mut quiet) else {
            return;
        };
        let n = sys_mb.count();
        if sys_mb.read_only() || n == 0 {
            sys_mb.close(false, &mut quiet);
            return;
        }
        let mut out = Vec::new();
        for m in 1..=n {
            let h = sys_mb.header(m, &mut quiet).map(|h| h.into_owned());
            let t = sys_mb.text(m, &mut quiet).map(|t| t.into_owned());
            let (Ok(h), Ok(t)) = (h, t) else {
                continue;
            };
            let whole = self.kind.stored_form(&[h, t].concat());
            if whole.is_empty() {
                continue;
            }
            let info = sys_mb.info(m);
            let when = date::imap_date(&info.internal_date).into_bytes();
            out.extend_from_slice(&record_line(
                self.kind,
                &when,
                whole.len() as u64,
                0,
                system_of(info.flags),
            ));
            out.extend_from_slice(&whole);
        }
        let file = self.file.as_ref().map(File::try_clone);
        let Some(Ok(file)) = file else {
            sys_mb.close(false, &mut quiet);
            return;
        };
        let written = file.write_all_at(&out, size).and_then(|()| file.sync_all());
        match written {
            Ok(()) => {
                quiet.1 = true;
                for m in 1..=n {
                    let info = sys_mb.info(m).clone();
                    let _ = sys_mb.store_flags(
                        &[m],
                        info.flags.union(Flags::DELETED),
                        info.keywords,
                        false,
                        &mut quiet,
                    );
                }
                quiet.1 = false;
                let _ = sys_mb.expunge(None, &mut quiet);
            }
            Err(e) => {
                ev.log(
                    &cat(&[b"Can't copy new mail: ", &os_error(&e)]),
                    Level::Warn,
                );
                let _ = file.set_len(size);
            }
        }
        let mut quiet = Silent(ev, false);
        sys_mb.close(false, &mut quiet);
        self.filetime = self.mtime();
    }

    /// `tenex_copy` / `mtx_copy`: the messages' lines and bytes as they
    /// are, appended to another mailbox of the format.
    fn copy_work(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        let kind = self.kind;
        let driver = match kind {
            Kind::Tenex => &TENEX,
            Kind::Mtx => &MTX,
        };
        match probe(kind, target) {
            Probe::Valid | Probe::Empty => {}
            p => return Err(driver.refuse(p, target, true, ev)),
        }
        let opened = mailbox_file(kind, target)
            .ok_or_else(|| std::io::Error::from_raw_os_error(libc::EINVAL))
            .and_then(|p| {
                fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path_of(&p))
            });
        let dest = match opened {
            Ok(f) => f,
            Err(e) => {
                return Err(failed(
                    ev,
                    &cat(&[b"Unable to open copy mailbox: ", &os_error(&e)]),
                ))
            }
        };
        ev.critical(true);
        let ld = if flock(&dest, sys::LOCK_SH) {
            session(&dest, sys::LOCK_EX, ev)
        } else {
            None
        };
        let Some(ld) = ld else {
            ev.critical(false);
            return Err(failed(ev, b"Unable to lock copy mailbox"));
        };
        let mark = mailbox_file(kind, target).and_then(|p| {
            before_append(kind, &dest, &p, ev);
            compact::begin_append(&dest, &p)
        });
        let meta = dest.metadata().ok();
        let old_size = meta.as_ref().map_or(0, |m| m.len());
        let (old_atime, old_mtime, old_ctime) = meta
            .as_ref()
            .map_or((0, 0, 0), |m| (m.atime(), m.mtime(), m.ctime()));
        let mut sorted = set.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut pos = old_size;
        let mut result: std::result::Result<(), Vec<u8>> = Ok(());
        for m in sorted {
            let i = m as usize - 1;
            let (offset, len) = {
                let msg = &self.msgs[i];
                (msg.offset, msg.line_len + self.internal_size(i))
            };
            let mut bytes = vec![0u8; len as usize];
            let read = self
                .file
                .as_ref()
                .map(|f| f.read_exact_at(&mut bytes, offset));
            let wrote = match read {
                Some(Ok(())) => dest.write_all_at(&bytes, pos),
                Some(Err(e)) => Err(e),
                None => Err(std::io::Error::from_raw_os_error(libc::EBADF)),
            };
            if let Err(e) = wrote {
                result = Err(os_error(&e));
                break;
            }
            pos += len;
        }
        if result.is_ok() {
            if let Err(e) = dest.sync_all() {
                result = Err(os_error(&e));
            }
        }
        let atime = match &result {
            Ok(()) => now() - 1,
            Err(text) => {
                ev.log(&cat(&[b"Unable to write message: ", text]), Level::Error);
                let _ = dest.set_len(old_size);
                if old_ctime > old_atime {
                    old_atime
                } else {
                    now()
                }
            }
        };
        touch(&dest, atime, old_mtime);
        if let Some(m) = mark {
            m.done();
        }
        drop(dest);
        ld.unlock_shared();
        ev.critical(false);
        match result {
            Ok(()) => {
                if want_uids {
                    ev.log(
                        b"Can not return meaningful COPYUID with this mailbox format",
                        Level::Warn,
                    );
                }
                Ok(())
            }
            Err(_) => Err(Error::reported()),
        }
    }

    /// The expunge proper, under both locks.
    fn compact(&mut self, set: Option<MsgSet>, file: &File, ev: &mut dyn Events) -> u32 {
        ev.critical(true);
        let mut recent = self.recent_count();
        let mut chosen: Vec<u32> = match set {
            Some(s) => s
                .iter()
                .filter_map(|&m| self.msgs.get(m as usize - 1).map(|x| x.info.uid))
                .collect(),
            None => Vec::new(),
        };
        chosen.sort_unstable();
        let mut n = 0u32;
        let mut delta = 0u64;
        let mut moves = Vec::new();
        // The kept messages slide down in one pass (`i`: the message's
        // place, and number less one, as the expunges before it shift it;
        // `r`: where it was): removing each expunged message from the
        // vector on its own moved the rest every time.
        let mut i = 0;
        let count = self.msgs.len();
        for r in 0..count {
            // Its stored size runs to the next message (not yet moved).
            let next = self.msgs.get(r + 1).map_or(self.filesize, |n| n.offset);
            self.msgs.swap(i, r);
            self.refresh(i, ev);
            let m = &self.msgs[i];
            let k = m.line_len + next.saturating_sub(m.text_start());
            let goes = m.info.flags.contains(Flags::DELETED)
                && (set.is_none() || chosen.binary_search(&m.info.uid).is_ok());
            if goes {
                if m.info.flags.contains(Flags::RECENT) {
                    recent -= 1;
                }
                delta += k;
                ev.expunged(i as u32 + 1);
                n += 1;
                continue;
            }
            if delta != 0 {
                let from = self.msgs[i].offset;
                moves.push(compact::Move {
                    from,
                    to: from - delta,
                    len: k,
                });
                self.msgs[i].offset -= delta;
            }
            i += 1;
        }
        self.msgs.truncate(i);
        if n != 0 {
            self.filesize -= delta;
            // Through a journal (kill-safe), else in place as the original.
            match compact::compact(file, &self.path, &moves, self.filesize) {
                Ok(true) => {}
                Ok(false) => compact::in_place(file, &moves, self.filesize, ev),
                Err(e) => {
                    ev.log(
                        &cat(&[b"Mailbox compaction failed: ", &os_error(&e)]),
                        Level::Error,
                    );
                    ev.disk_error(e.raw_os_error().unwrap_or(0), false);
                }
            }
            ev.log(format!("Expunged {n} messages").as_bytes(), Level::Info);
        } else {
            ev.log(b"No messages deleted, so no update needed", Level::Info);
        }
        let _ = file.sync_all();
        let mtime = file.metadata().map_or(0, |m| m.mtime());
        self.filetime = mtime;
        touch(file, now(), mtime);
        ev.critical(false);
        ev.exists(self.msgs.len() as u32);
        ev.recent(recent);
        n
    }
}

impl Mailbox for FlagWordMailbox {
    fn driver_name(&self) -> &'static str {
        self.kind.name()
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
        false
    }
    fn read_only(&self) -> bool {
        self.read_only
    }
    fn mailbox_name(&self) -> Option<&[u8]> {
        Some(&self.path)
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }

    fn header(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        let i = msgno as usize - 1;
        // The original finds the header through the message's element,
        // which reads its flags again.
        self.refresh(i, ev);
        if self.read_whole(i)? {
            return Ok(Cow::Borrowed(self.last.header()));
        }
        let h = self.stored_part(i, false)?;
        Ok(Cow::Owned(match self.kind {
            Kind::Tenex => to_crlf(&h),
            Kind::Mtx => h,
        }))
    }

    fn text(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        let i = msgno as usize - 1;
        self.refresh(i, ev);
        if self.read_whole(i)? {
            return Ok(Cow::Borrowed(self.last.text()));
        }
        let t = self.stored_part(i, true)?;
        Ok(Cow::Owned(match self.kind {
            Kind::Tenex => to_crlf(&t),
            Kind::Mtx => t,
        }))
    }

    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        for &m in set {
            let Some(msg) = self.msgs.get_mut(m as usize - 1) else {
                continue;
            };
            let recent = msg.info.flags.contains(Flags::RECENT);
            let new = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            let changed = msg.info.flags != new || msg.info.keywords != keywords;
            msg.info.flags = new;
            msg.info.keywords = keywords;
            if !self.read_only {
                self.write_status(m as usize - 1, false, ev);
            }
            if changed && !silent {
                ev.flags(m);
            }
        }
        if !self.flag_pending {
            self.sync_times();
        }
        Ok(())
    }

    fn before_flags(&mut self, msgno: u32, _ev: &mut dyn Events) -> bool {
        if self.file.is_none() {
            return false;
        }
        if self.filetime != 0 && !self.shouldcheck {
            if self.filetime < self.mtime() {
                self.shouldcheck = true;
            }
            self.filetime = 0;
        }
        self.read_flags(msgno as usize - 1, true);
        self.flag_pending = true;
        true
    }

    fn keyword_index(&mut self, name: &[u8], _create: bool) -> Option<usize> {
        self.keywords
            .iter()
            .position(|k| k.eq_ignore_ascii_case(name))
    }

    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        let Some(meta) = self.file.as_ref().and_then(|f| f.metadata().ok()) else {
            return Ok(false);
        };
        if self.filetime != 0
            && !(self.mustcheck || self.shouldcheck)
            && self.filetime < meta.mtime()
        {
            self.shouldcheck = true;
        }
        if self.mustcheck || self.shouldcheck {
            self.filetime = meta.mtime();
            if self.shouldcheck {
                ev.notify(b"[CHECK] Checking for flag updates", Level::Info);
            }
            for i in 0..self.msgs.len() {
                self.refresh(i, ev);
            }
            self.mustcheck = false;
            self.shouldcheck = false;
        }
        let mut alive = true;
        if meta.len() != self.filesize {
            if let Some(ld) = self
                .file
                .as_ref()
                .and_then(|f| session(f, sys::LOCK_SH, ev))
            {
                alive = self.parse(ev).is_ok();
                ld.unlock_shared();
            }
            if alive && !self.read_only && self.unfinished_tail {
                self.cut_tail(ev);
            }
        }
        if self.file.is_some() && self.inbox && !self.read_only {
            self.snarf(ev);
            let size = self
                .file
                .as_ref()
                .and_then(|f| f.metadata().ok())
                .map_or(0, |m| m.len());
            if size != self.filesize {
                if let Some(ld) = self
                    .file
                    .as_ref()
                    .and_then(|f| session(f, sys::LOCK_SH, ev))
                {
                    alive = self.parse(ev).is_ok();
                    ld.unlock_shared();
                }
            }
        }
        Ok(alive && self.file.is_some())
    }

    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        self.mustcheck = true;
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
        if self.filetime != 0 && !self.shouldcheck && self.filetime < self.mtime() {
            self.shouldcheck = true;
        }
        let Some(file) = self.file.as_ref().and_then(|f| f.try_clone().ok()) else {
            return Ok(0);
        };
        let Some(ld) = session(&file, sys::LOCK_EX, ev) else {
            ev.log(b"Unable to lock expunge mailbox", Level::Error);
            return Ok(0);
        };
        if self.parse(ev).is_err() {
            ld.unlock_shared();
            return Ok(0);
        }
        if !flock(&file, sys::LOCK_EX | sys::LOCK_NB) {
            flock(&file, sys::LOCK_SH);
            ev.log(
                b"Can't expunge because mailbox is in use by another process",
                Level::Error,
            );
            ld.unlock_shared();
            return Ok(0);
        }
        if compact::pending(&self.path) {
            // Left by a writer that died and not finished (another process
            // had the file open): compacting over it would lose its copy.
            recover(&file, &self.path, ev);
            ev.log(
                b"Can't expunge: an interrupted compaction of this mailbox was just finished, try again",
                Level::Error,
            );
            self.abort();
            ld.unlock_shared();
            return Ok(0);
        }
        let n = self.compact(set, &file, ev);
        flock(&file, sys::LOCK_SH);
        ld.unlock_shared();
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
            let data = self.stored_bytes(i)?;
            out.push(AppendMessage {
                flags: info.flags.minus(Flags::RECENT),
                keywords,
                date: Some(info.internal_date),
                message: match self.kind {
                    Kind::Tenex => to_crlf(&data),
                    Kind::Mtx => data,
                },
            });
        }
        Ok(out)
    }

    fn copy_to(&mut self, set: MsgSet, target: &[u8], ev: &mut dyn Events) -> Option<Result<()>> {
        Some(self.copy_work(set, target, false, ev))
    }

    fn copy_to_uids(
        &mut self,
        set: MsgSet,
        target: &[u8],
        want_uids: bool,
        ev: &mut dyn Events,
    ) -> Option<Result<Option<UidMap>>> {
        Some(self.copy_work(set, target, want_uids, ev).map(|()| None))
    }

    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        if self.file.is_none() {
            return;
        }
        if expunge {
            let mut quiet = Silent(ev, false);
            let _ = self.expunge(None, &mut quiet);
        }
        self.abort();
    }
}
