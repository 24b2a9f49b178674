//! The Maildir format (an addition: the original has no Maildir driver),
//! compatible with Dovecot and Courier.
//!
//! A mailbox is a directory holding `cur/`, `new/` and `tmp/`; each message
//! is one file named as [`name`] describes, its flags in the name's info
//! suffix. UIDs live in Dovecot's `dovecot-uidlist` ([`uidlist`]), keyword
//! names in `dovecot-keywords`, both in the mailbox directory, so a mailbox
//! shows the same UIDs and keywords through Dovecot and through us.
//!
//! Names (driver `md`):
//! - `#md/INBOX` is `~/Maildir`; `#md/PATH` is the Maildir `~/PATH`.
//! - `#mc/INBOX` is `~/Maildir`; `#mc/A/B` (or `#mc/A.B`, `#mc/INBOX.A`)
//!   is the Maildir++ folder `~/Maildir/.A.B`, as Courier and Dovecot keep
//!   folders.
//! - Any other local name whose file is a directory holding `cur/` and
//!   `new/` is a Maildir too.
//!
//! Opening never reads a message: sizes come from the `,W=`/`,S=` fields
//! of the name or from the file's size, internal dates from its mtime.

pub mod name;
pub mod uidlist;

use super::events::{Events, Level, Status};
use super::flags::{Flags, MAX_KEYWORDS};
use super::mailbox::{
    AppendMessage, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result, UidMap,
};
use super::names::LocalName;
use crate::env::{config, user};
use crate::message::date::{long_date, zone_offset_minutes, MailDate};
use crate::message::encoding::to_crlf;
use crate::os::clock;
use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The driver's name (`DRIVER.name`, `#driver.md/...`).
pub const DRIVER_NAME: &str = "md";
pub const UIDLIST: &str = "dovecot-uidlist";
pub const KEYWORDS: &str = "dovecot-keywords";
/// A lock older than this is abandoned (seconds), as Dovecot judges its own.
const STALE_LOCK: u64 = 120;

pub struct MaildirDriver;
pub static MAILDIR: MaildirDriver = MaildirDriver;

fn os(p: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(p))
}

fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut v = a.to_vec();
    if v.last() != Some(&b'/') {
        v.push(b'/');
    }
    v.extend_from_slice(b);
    v
}

fn err_text(what: &str, name: &[u8], e: &io::Error) -> Error {
    let mut t = format!("{what} ").into_bytes();
    t.extend_from_slice(&name[..name.len().min(200)]);
    t.extend_from_slice(format!(": {e}").as_bytes());
    Error::new(t)
}

fn text(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn starts_ci(name: &[u8], prefix: &[u8]) -> bool {
    name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn safe_relative(p: &[u8]) -> bool {
    !p.is_empty() && p.split(|&c| c == b'/').all(|c| c != b".." && c != b".")
}

/// The directory of a `#md/` or `#mc/` name. None: not such a name, or a
/// name we refuse (`..` components, empty folder names).
pub fn prefixed_path(name: &[u8]) -> Option<Vec<u8>> {
    let home = user::home_dir()?;
    let maildir = join(&home, b"Maildir");
    if starts_ci(name, b"#md/") {
        let rest = &name[4..];
        if rest.eq_ignore_ascii_case(b"INBOX") {
            return Some(maildir);
        }
        let rest = rest.strip_prefix(b"~/").unwrap_or(rest);
        if rest.first() == Some(&b'/') {
            return (!config::restrict_box() && safe_relative(&rest[1..])).then(|| rest.to_vec());
        }
        let rest = rest.strip_suffix(b"/").unwrap_or(rest);
        return safe_relative(rest).then(|| join(&home, rest));
    }
    if starts_ci(name, b"#mc/") {
        let mut rest = &name[4..];
        if rest.eq_ignore_ascii_case(b"INBOX") {
            return Some(maildir);
        }
        if starts_ci(rest, b"INBOX.") || starts_ci(rest, b"INBOX/") {
            rest = &rest[6..];
        }
        let parts: Vec<&[u8]> = rest.split(|&c| c == b'/' || c == b'.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let mut dir = b".".to_vec();
        dir.extend_from_slice(&parts.join(&b'.'));
        return Some(join(&maildir, &dir));
    }
    None
}

fn is_dir(p: &[u8]) -> bool {
    fs::metadata(os(p)).map(|m| m.is_dir()).unwrap_or(false)
}

/// Whether `dir` looks like a Maildir (`cur/` and `new/` directories).
pub fn is_maildir(dir: &[u8]) -> bool {
    is_dir(&join(dir, b"cur")) && is_dir(&join(dir, b"new"))
}

/// The directory behind a name this driver claims.
pub fn mailbox_dir(name: &[u8]) -> Option<Vec<u8>> {
    if let Some(p) = prefixed_path(name) {
        return Some(p);
    }
    if name.first() == Some(&b'#') || name.first() == Some(&b'{') {
        return None;
    }
    match user::mailbox_file(name)? {
        LocalName::Path(p) if is_maildir(&p) => Some(p),
        _ => None,
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The internal date of a file modified at `mtime`, in local time.
fn file_date(mtime: i64) -> MailDate {
    let (Some(local), Some(utc)) = (clock::local(mtime), clock::utc(mtime)) else {
        return MailDate::default();
    };
    let offset = zone_offset_minutes(&local, &utc);
    let abs = offset.unsigned_abs();
    MailDate::from_fields(
        local.mday as u32,
        (local.mon + 1) as u32,
        (local.year - 70) as u32,
        local.hour as u32,
        local.min as u32,
        local.sec as u32,
        offset < 0,
        abs / 60,
        abs % 60,
    )
}

// ---------------------------------------------------------------- locking

/// Dovecot's dot-lock on a file of the mailbox: `<file>.lock`, created
/// exclusively; the new contents are written into it and it is renamed
/// over the file, which also releases it.
struct DotLock {
    lock: Vec<u8>,
    target: Vec<u8>,
    file: Option<fs::File>,
}

impl DotLock {
    fn take(target: &[u8]) -> Result<DotLock> {
        let lock = text(&[target, b".lock"]);
        let start = std::time::Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(os(&lock))
            {
                Ok(f) => {
                    return Ok(DotLock {
                        lock,
                        target: target.to_vec(),
                        file: Some(f),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(os(&lock))
                        .ok()
                        .and_then(|m| m.modified().ok())
                        .and_then(|t| SystemTime::now().duration_since(t).ok())
                        .map(|d| d.as_secs());
                    if age.is_some_and(|a| a > STALE_LOCK) {
                        let _ = fs::remove_file(os(&lock));
                        continue;
                    }
                    if start.elapsed() > Duration::from_secs(30) {
                        return Err(Error::new(text(&[b"Timed out waiting for lock ", &lock])));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(err_text("Can't lock", &lock, &e)),
            }
        }
    }

    /// Replaces the target with `data` and releases the lock.
    fn commit(mut self, data: &[u8]) -> Result<()> {
        let Some(mut f) = self.file.take() else {
            return Err(Error::new("lock already released"));
        };
        let r = f.write_all(data).and_then(|()| f.sync_all());
        drop(f);
        if let Err(e) = r.and_then(|()| fs::rename(os(&self.lock), os(&self.target))) {
            let _ = fs::remove_file(os(&self.lock));
            return Err(err_text("Can't write", &self.target, &e));
        }
        Ok(())
    }
}

impl Drop for DotLock {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(os(&self.lock));
        }
    }
}

// ---------------------------------------------------------------- scanning

/// One message file found on disk.
#[derive(Clone, Debug)]
struct Found {
    file: Vec<u8>,
    in_new: bool,
    parsed: name::FileName,
}

/// Lists `new/` and `cur/`. Missing `cur/` or `new/` is an error.
fn list_files(root: &[u8]) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    for (sub, in_new) in [(&b"cur"[..], false), (&b"new"[..], true)] {
        let dir = join(root, sub);
        let rd = fs::read_dir(os(&dir)).map_err(|e| {
            let what = if e.kind() == io::ErrorKind::NotFound {
                "Not a Maildir (no such directory)"
            } else {
                "Can't read Maildir directory"
            };
            err_text(what, &dir, &e)
        })?;
        for ent in rd.flatten() {
            let file = ent.file_name().as_bytes().to_vec();
            if let Some(parsed) = name::parse(&file) {
                out.push(Found {
                    file,
                    in_new,
                    parsed,
                });
            }
        }
    }
    Ok(out)
}

enum ListState {
    Good(uidlist::UidList, usize),
    Missing,
    Broken,
}

fn read_uidlist(root: &[u8]) -> ListState {
    match fs::read(os(&join(root, UIDLIST.as_bytes()))) {
        Ok(data) => match uidlist::parse(&data) {
            Ok(p) => ListState::Good(p.list, p.skipped),
            Err(_) => ListState::Broken,
        },
        Err(_) => ListState::Missing,
    }
}

fn new_guid() -> Vec<u8> {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let pid = u128::from(std::process::id());
    format!("{:032x}", t ^ (pid << 96)).into_bytes()
}

/// The UIDs of the mailbox in `root` after giving every file on disk one:
/// the list as Dovecot keeps it, with unknown files (except those of
/// `last`) numbered in the order of their names' times, then `last` in
/// order. Writes the list back (under its lock) when anything changed,
/// unless `read_only`. Returns the list (of existing files only) and the
/// files.
fn assign(
    root: &[u8],
    read_only: bool,
    last: &[Vec<u8>],
    ev: &mut dyn Events,
) -> Result<(uidlist::UidList, Vec<Found>)> {
    let files = list_files(root)?;
    let need = |list: &uidlist::UidList, files: &[Found]| {
        let known: std::collections::HashSet<&[u8]> =
            list.entries.iter().map(|e| &e.base[..]).collect();
        files.iter().any(|f| !known.contains(&f.parsed.base[..]))
    };
    // A quick look without the lock first.
    if let ListState::Good(list, 0) = read_uidlist(root) {
        if !need(&list, &files) && last.is_empty() {
            return Ok((keep_existing(list, &files), files));
        }
    }
    let lock = if read_only {
        None
    } else {
        Some(DotLock::take(&join(root, UIDLIST.as_bytes()))?)
    };
    let files = list_files(root)?;
    let (mut list, changed) = match read_uidlist(root) {
        ListState::Good(l, skipped) => {
            if skipped > 0 {
                ev.log(
                    format!(
                        "Maildir {}: {skipped} bad line(s) in {UIDLIST} ignored",
                        String::from_utf8_lossy(root)
                    )
                    .as_bytes(),
                    Level::Warn,
                );
            }
            (l, skipped > 0)
        }
        ListState::Missing => (
            uidlist::UidList {
                validity: now_secs() as u32,
                next_uid: 1,
                guid: Some(new_guid()),
                ..Default::default()
            },
            true,
        ),
        ListState::Broken => {
            ev.log(
                format!(
                    "Maildir {}: {UIDLIST} is corrupt, UIDs renumbered",
                    String::from_utf8_lossy(root)
                )
                .as_bytes(),
                Level::Warn,
            );
            (
                uidlist::UidList {
                    validity: now_secs() as u32,
                    next_uid: 1,
                    guid: Some(new_guid()),
                    ..Default::default()
                },
                true,
            )
        }
    };
    let known: std::collections::HashSet<Vec<u8>> =
        list.entries.iter().map(|e| e.base.clone()).collect();
    let mut unknown: Vec<&Found> = files
        .iter()
        .filter(|f| !known.contains(&f.parsed.base) && !last.contains(&f.parsed.base))
        .collect();
    unknown.sort_by(|a, b| {
        (a.parsed.time.unwrap_or(u64::MAX), &a.parsed.base)
            .cmp(&(b.parsed.time.unwrap_or(u64::MAX), &b.parsed.base))
    });
    let mut bases: Vec<Vec<u8>> = unknown.iter().map(|f| f.parsed.base.clone()).collect();
    bases.extend(
        last.iter()
            .filter(|b| !known.contains(*b) && files.iter().any(|f| &f.parsed.base == *b))
            .cloned(),
    );
    let grew = !bases.is_empty();
    for base in bases {
        let uid = list.next_uid.max(1);
        list.entries.push(uidlist::Entry {
            uid,
            base,
            ext: Vec::new(),
        });
        list.next_uid = uid.saturating_add(1);
    }
    let list_now = keep_existing(list.clone(), &files);
    if let Some(lock) = lock {
        if changed || grew || list_now.entries.len() != list.entries.len() {
            lock.commit(&uidlist::write(&list_now))?;
        }
    }
    Ok((list_now, files))
}

/// `list` without the entries whose files are gone.
fn keep_existing(mut list: uidlist::UidList, files: &[Found]) -> uidlist::UidList {
    let present: std::collections::HashSet<&[u8]> =
        files.iter().map(|f| &f.parsed.base[..]).collect();
    list.entries.retain(|e| present.contains(&e.base[..]));
    list
}

fn read_keywords(root: &[u8]) -> Vec<(u8, Vec<u8>)> {
    fs::read(os(&join(root, KEYWORDS.as_bytes())))
        .map(|d| uidlist::parse_keywords(&d))
        .unwrap_or_default()
}

/// Gives each of `names` a keyword letter in `root`'s `dovecot-keywords`,
/// adding the missing ones. Returns the letters' bits (names that do not
/// fit are left out, and reported).
fn keyword_letters(root: &[u8], names: &[Vec<u8>], ev: &mut dyn Events) -> Result<u32> {
    if names.is_empty() {
        return Ok(0);
    }
    let mut words = read_keywords(root);
    let find = |words: &[(u8, Vec<u8>)], n: &[u8]| {
        words
            .iter()
            .find(|(_, w)| w.eq_ignore_ascii_case(n))
            .map(|(i, _)| *i)
    };
    if names.iter().all(|n| find(&words, n).is_some()) {
        return Ok(names
            .iter()
            .filter_map(|n| find(&words, n))
            .fold(0, |b, i| b | 1 << i));
    }
    let lock = DotLock::take(&join(root, KEYWORDS.as_bytes()))?;
    words = read_keywords(root);
    let mut bits = 0u32;
    for n in names {
        let i = match find(&words, n) {
            Some(i) => i,
            None => match (0..26u8).find(|i| !words.iter().any(|(j, _)| j == i)) {
                Some(i) => {
                    words.push((i, n.clone()));
                    words.sort();
                    i
                }
                None => {
                    ev.log(
                        text(&[b"Maildir keyword limit reached, not kept: ", n]).as_slice(),
                        Level::Warn,
                    );
                    continue;
                }
            },
        };
        bits |= 1 << i;
    }
    lock.commit(&uidlist::write_keywords(&words))?;
    Ok(bits)
}

// ---------------------------------------------------------------- mailbox

#[derive(Clone, Debug)]
struct Msg {
    info: MessageInfo,
    base: Vec<u8>,
    /// Current file name, in `cur/` unless `in_new`.
    file: Vec<u8>,
    in_new: bool,
    /// Info letters we do not map, kept when renaming.
    other: Vec<u8>,
    /// Keyword letters (bit i = 'a' + i) as in the file name.
    letters: u32,
}

pub struct MaildirBox {
    root: Vec<u8>,
    read_only: bool,
    msgs: Vec<Msg>,
    validity: u32,
    uid_last: u32,
    /// Keyword names in our bit order, and the letter index of each.
    keywords: Vec<Vec<u8>>,
    letters: Vec<u8>,
    /// The last message read: (uid, header, text).
    cache: Option<(u32, Vec<u8>, Vec<u8>)>,
    first_sync: bool,
    /// Modification stamps of `cur/`, `new/` and the uidlist at the last
    /// sync: a ping with the same stamps has nothing to look at.
    stamp: Option<Vec<(i64, i64, u64)>>,
}

impl MaildirBox {
    fn path_of(&self, m: &Msg) -> Vec<u8> {
        join(
            &join(&self.root, if m.in_new { b"new" } else { b"cur" }),
            &m.file,
        )
    }

    /// Keyword bits (ours) of a file's letters; letters with no name are
    /// kept in `other`.
    fn bits_of_letters(&self, letters: u32) -> (u32, Vec<u8>) {
        let mut bits = 0;
        let mut other = Vec::new();
        for l in 0..26u8 {
            if letters & (1 << l) != 0 {
                match self.letters.iter().position(|&x| x == l) {
                    Some(i) => bits |= 1 << i,
                    None => other.push(b'a' + l),
                }
            }
        }
        (bits, other)
    }

    fn letters_of_bits(&self, bits: u32) -> u32 {
        self.letters
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .fold(0, |acc, (_, &l)| acc | 1 << l)
    }

    fn load_keywords(&mut self) {
        for (i, w) in read_keywords(&self.root) {
            if !self.letters.contains(&i)
                && !self.keywords.iter().any(|k| k == &w)
                && self.keywords.len() < MAX_KEYWORDS
            {
                self.keywords.push(w);
                self.letters.push(i);
            }
        }
    }

    /// Moves `new/` files into `cur/`; returns the base names moved.
    fn move_new(&self) -> Vec<Vec<u8>> {
        let mut moved = Vec::new();
        let new = join(&self.root, b"new");
        let Ok(rd) = fs::read_dir(os(&new)) else {
            return moved;
        };
        for ent in rd.flatten() {
            let f = ent.file_name().as_bytes().to_vec();
            let Some(p) = name::parse(&f) else { continue };
            let target = if p.has_info {
                f.clone()
            } else {
                text(&[&p.base, b":2,"])
            };
            let to = join(&join(&self.root, b"cur"), &target);
            if fs::rename(os(&join(&new, &f)), os(&to)).is_ok() {
                moved.push(p.base);
            }
        }
        moved
    }

    fn current_stamp(&self) -> Vec<(i64, i64, u64)> {
        [&b"cur"[..], b"new", UIDLIST.as_bytes(), KEYWORDS.as_bytes()]
            .iter()
            .map(|sub| {
                fs::metadata(os(&join(&self.root, sub)))
                    .map(|m| (m.mtime(), m.mtime_nsec(), m.ino()))
                    .unwrap_or((0, 0, 0))
            })
            .collect()
    }

    /// Brings the session up to date with the disk.
    fn sync(&mut self, ev: &mut dyn Events) -> Result<()> {
        let stamp = self.current_stamp();
        self.sync_work(ev)?;
        self.stamp = Some(stamp);
        Ok(())
    }

    fn sync_work(&mut self, ev: &mut dyn Events) -> Result<()> {
        let moved = if self.read_only {
            Vec::new()
        } else {
            self.move_new()
        };
        let (list, files) = assign(&self.root, self.read_only, &[], ev)?;
        self.load_keywords();
        if self.first_sync {
            self.validity = list.validity;
        } else if list.validity != self.validity {
            return Err(Error::new(text(&[
                b"Maildir UID validity changed behind our back: ",
                &self.root,
            ])));
        }
        let by_base: HashMap<&[u8], &Found> =
            files.iter().map(|f| (&f.parsed.base[..], f)).collect();
        let mut uid_of: HashMap<&[u8], u32> =
            list.entries.iter().map(|e| (&e.base[..], e.uid)).collect();
        let mut next = list.next_uid;
        if self.read_only {
            // UIDs the list lacks, for this session only.
            let mut extra: Vec<&Found> = files
                .iter()
                .filter(|f| !uid_of.contains_key(&f.parsed.base[..]))
                .collect();
            extra.sort_by(|a, b| a.parsed.base.cmp(&b.parsed.base));
            for f in extra {
                uid_of.insert(&f.parsed.base, next);
                next += 1;
            }
        }
        // Gone: report expunges.
        let mut i = 0;
        while i < self.msgs.len() {
            if by_base.contains_key(&self.msgs[i].base[..]) {
                i += 1;
            } else {
                self.msgs.remove(i);
                self.cache = None;
                ev.expunged(i as u32 + 1);
            }
        }
        // Changed flags.
        let mut report = Vec::new();
        for n in 0..self.msgs.len() {
            let f = by_base[&self.msgs[n].base[..]];
            let (bits, other) = self.bits_of_letters(f.parsed.keyword_letters);
            let mut other = other;
            other.extend_from_slice(&f.parsed.other);
            let m = &mut self.msgs[n];
            m.file = f.file.clone();
            m.in_new = f.in_new;
            m.other = other;
            m.letters = f.parsed.keyword_letters;
            let recent = m.info.flags.contains(Flags::RECENT);
            let flags = f.parsed.flags.with(Flags::RECENT, recent);
            if flags != m.info.flags || bits != m.info.keywords {
                m.info.flags = flags;
                m.info.keywords = bits;
                report.push(n as u32 + 1);
            }
        }
        // New messages, in UID order.
        let known: std::collections::HashSet<Vec<u8>> =
            self.msgs.iter().map(|m| m.base.clone()).collect();
        let mut fresh: Vec<(u32, &Found)> = files
            .iter()
            .filter(|f| !known.contains(&f.parsed.base))
            .filter_map(|f| uid_of.get(&f.parsed.base[..]).map(|&u| (u, f)))
            .collect();
        fresh.sort_by_key(|&(u, _)| u);
        let before = self.msgs.len();
        let mut recent_new = 0;
        for (uid, f) in fresh {
            let path = join(
                &join(&self.root, if f.in_new { b"new" } else { b"cur" }),
                &f.file,
            );
            let meta = match fs::metadata(os(&path)) {
                Ok(m) => m,
                Err(_) => continue, // vanished meanwhile: next time
            };
            let size = f.parsed.vsize.or(f.parsed.size).unwrap_or(meta.len());
            let (bits, mut other) = self.bits_of_letters(f.parsed.keyword_letters);
            other.extend_from_slice(&f.parsed.other);
            let recent = f.in_new || moved.contains(&f.parsed.base);
            if recent {
                recent_new += 1;
            }
            self.msgs.push(Msg {
                info: MessageInfo {
                    uid,
                    flags: f.parsed.flags.with(Flags::RECENT, recent),
                    keywords: bits,
                    internal_date: file_date(meta.mtime()),
                    size: u32::try_from(size).unwrap_or(u32::MAX),
                },
                base: f.parsed.base.clone(),
                file: f.file.clone(),
                in_new: f.in_new,
                other,
                letters: f.parsed.keyword_letters,
            });
        }
        self.uid_last = self
            .uid_last
            .max(next.saturating_sub(1))
            .max(self.msgs.iter().map(|m| m.info.uid).max().unwrap_or(0));
        for n in report {
            ev.flags(n);
        }
        if self.msgs.len() != before || self.first_sync {
            ev.exists(self.msgs.len() as u32);
            let recent = self
                .msgs
                .iter()
                .filter(|m| m.info.flags.contains(Flags::RECENT))
                .count();
            let _ = recent_new;
            ev.recent(recent as u32);
        }
        self.first_sync = false;
        Ok(())
    }

    /// Finds the current file of `base` again (renamed by someone else).
    fn relocate(&mut self, n: usize) -> bool {
        let Ok(files) = list_files(&self.root) else {
            return false;
        };
        match files
            .into_iter()
            .find(|f| f.parsed.base == self.msgs[n].base)
        {
            Some(f) => {
                self.msgs[n].file = f.file;
                self.msgs[n].in_new = f.in_new;
                true
            }
            None => false,
        }
    }

    fn read_message(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<()> {
        if msgno == 0 || msgno as usize > self.msgs.len() {
            return Err(Error::new("Bad message number"));
        }
        let n = msgno as usize - 1;
        let uid = self.msgs[n].info.uid;
        if self.cache.as_ref().is_some_and(|c| c.0 == uid) {
            return Ok(());
        }
        let data = match fs::read(os(&self.path_of(&self.msgs[n]))) {
            Ok(d) => d,
            Err(_) if self.relocate(n) => fs::read(os(&self.path_of(&self.msgs[n])))
                .map_err(|e| err_text("Can't read message file", &self.msgs[n].file, &e))?,
            Err(e) => {
                let err = err_text(
                    "Message file vanished (expunged by another process?)",
                    &self.msgs[n].file,
                    &e,
                );
                ev.log(&err.text, Level::Warn);
                return Err(Error::reported());
            }
        };
        let split = memchr::memmem::find(&data, b"\n\n")
            .map(|i| i + 2)
            .or_else(|| memchr::memmem::find(&data, b"\r\n\r\n").map(|i| i + 4))
            .unwrap_or(data.len());
        let header = to_crlf(&data[..split]);
        let body = to_crlf(&data[split..]);
        self.msgs[n].info.size = u32::try_from(header.len() + body.len()).unwrap_or(u32::MAX);
        self.cache = Some((uid, header, body));
        Ok(())
    }

    /// Renames message `n`'s file to carry its current flags.
    fn write_flags(&mut self, n: usize) -> Result<()> {
        let letters = self.letters_of_bits(self.msgs[n].info.keywords)
            | self.msgs[n]
                .other
                .iter()
                .filter(|c| c.is_ascii_lowercase())
                .fold(0, |a, &c| a | 1 << (c - b'a'));
        let caps: Vec<u8> = self.msgs[n]
            .other
            .iter()
            .copied()
            .filter(|c| !c.is_ascii_lowercase())
            .collect();
        let m = &self.msgs[n];
        let mut target = m.base.clone();
        target.extend_from_slice(&name::info_suffix(
            m.info.flags.minus(Flags::RECENT),
            letters,
            &caps,
        ));
        if !m.in_new && target == m.file {
            return Ok(());
        }
        let to = join(&join(&self.root, b"cur"), &target);
        let mut r = fs::rename(os(&self.path_of(m)), os(&to));
        if r.is_err() && self.relocate(n) {
            r = fs::rename(os(&self.path_of(&self.msgs[n])), os(&to));
        }
        match r {
            Ok(()) => {
                let m = &mut self.msgs[n];
                m.file = target;
                m.in_new = false;
                m.letters = letters;
                Ok(())
            }
            Err(e) => Err(err_text("Can't store flags of", &self.msgs[n].base, &e)),
        }
    }

    /// Drops the UIDs of removed files from the uidlist.
    fn tidy_uidlist(&self, ev: &mut dyn Events) {
        let r = (|| -> Result<()> {
            let lock = DotLock::take(&join(&self.root, UIDLIST.as_bytes()))?;
            let files = list_files(&self.root)?;
            if let ListState::Good(l, _) = read_uidlist(&self.root) {
                lock.commit(&uidlist::write(&keep_existing(l, &files)))?;
            }
            Ok(())
        })();
        if let Err(e) = r {
            ev.log(&e.text, Level::Warn);
        }
    }
}

impl Mailbox for MaildirBox {
    fn driver_name(&self) -> &'static str {
        DRIVER_NAME
    }
    fn count(&self) -> u32 {
        self.msgs.len() as u32
    }
    fn info(&self, msgno: u32) -> MessageInfo {
        self.msgs[msgno as usize - 1].info.clone()
    }
    fn uid_validity(&self) -> u32 {
        self.validity
    }
    fn uid_last(&self) -> u32 {
        self.uid_last
    }
    fn keywords(&self) -> &[Vec<u8>] {
        &self.keywords
    }
    fn read_only(&self) -> bool {
        self.read_only
    }
    fn header(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        self.read_message(msgno, ev)?;
        Ok(Cow::Borrowed(
            self.cache.as_ref().map(|c| &c.1[..]).unwrap_or(b""),
        ))
    }
    fn text(&mut self, msgno: u32, ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        self.read_message(msgno, ev)?;
        Ok(Cow::Borrowed(
            self.cache.as_ref().map(|c| &c.2[..]).unwrap_or(b""),
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
        let mut failure = None;
        for &msgno in set {
            let n = msgno as usize - 1;
            if n >= self.msgs.len() {
                continue;
            }
            let m = &mut self.msgs[n];
            let recent = m.info.flags.contains(Flags::RECENT);
            let new_flags = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            if new_flags == m.info.flags && keywords == m.info.keywords && !m.in_new {
                continue;
            }
            let changed = new_flags != m.info.flags || keywords != m.info.keywords;
            m.info.flags = new_flags;
            m.info.keywords = keywords;
            if !self.read_only {
                if let Err(e) = self.write_flags(n) {
                    failure = Some(e);
                }
            }
            if changed && !silent {
                ev.flags(msgno);
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
    fn keyword_index(&mut self, kw: &[u8], create: bool) -> Option<usize> {
        if let Some(i) = crate::store::flags::find_keyword(&self.keywords, kw) {
            return Some(i);
        }
        if !create || self.read_only || self.keywords.len() >= MAX_KEYWORDS {
            return None;
        }
        let mut sink = super::events::Recorder::new();
        let bits = keyword_letters(&self.root, &[kw.to_vec()], &mut sink).ok()?;
        let letter = (0..26u8).find(|l| bits & (1 << l) != 0)?;
        self.load_keywords();
        if let Some(i) = self.letters.iter().position(|&l| l == letter) {
            return Some(i);
        }
        self.keywords.push(kw.to_vec());
        self.letters.push(letter);
        Some(self.keywords.len() - 1)
    }
    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        if !is_dir(&self.root) {
            return Ok(false);
        }
        if self.stamp.as_ref() == Some(&self.current_stamp()) {
            return Ok(true);
        }
        match self.sync(ev) {
            Ok(()) => Ok(true),
            Err(e) => {
                ev.log(&e.text, Level::Error);
                Ok(false)
            }
        }
    }
    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        self.sync(ev)?;
        ev.log(b"Check completed", Level::Info);
        Ok(())
    }
    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        if self.read_only {
            ev.log(b"Expunge ignored on readonly mailbox", Level::Warn);
            return Ok(0);
        }
        let chosen: Vec<u32> = match set {
            Some(s) => s.to_vec(),
            None => (1..=self.msgs.len() as u32).collect(),
        };
        let mut doomed: Vec<Vec<u8>> = Vec::new();
        for &msgno in &chosen {
            let n = msgno as usize - 1;
            if n >= self.msgs.len() || !self.msgs[n].info.flags.contains(Flags::DELETED) {
                continue;
            }
            let mut r = fs::remove_file(os(&self.path_of(&self.msgs[n])));
            if r.is_err() && self.relocate(n) {
                r = fs::remove_file(os(&self.path_of(&self.msgs[n])));
            }
            match r {
                Ok(()) => doomed.push(self.msgs[n].base.clone()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    doomed.push(self.msgs[n].base.clone())
                }
                Err(e) => ev.log(
                    &err_text("Can't expunge", &self.msgs[n].file, &e).text,
                    Level::Warn,
                ),
            }
        }
        let mut i = 0;
        let mut count = 0;
        while i < self.msgs.len() {
            if doomed.contains(&self.msgs[i].base) {
                self.msgs.remove(i);
                ev.expunged(i as u32 + 1);
                count += 1;
            } else {
                i += 1;
            }
        }
        self.cache = None;
        if count > 0 {
            self.tidy_uidlist(ev);
        }
        let t = if count == 0 {
            "No messages deleted, so no update needed".to_string()
        } else {
            format!("Expunged {count} messages")
        };
        ev.log(t.as_bytes(), Level::Info);
        Ok(count)
    }
    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        let mut out = Vec::new();
        for &msgno in set {
            self.read_message(msgno, ev)?;
            let m = &self.msgs[msgno as usize - 1];
            let (_, h, t) = self.cache.as_ref().ok_or_else(Error::reported)?;
            let keywords = (0..self.keywords.len())
                .filter(|i| m.info.keywords & (1 << i) != 0)
                .map(|i| self.keywords[i].clone())
                .collect();
            out.push(AppendMessage {
                flags: m.info.flags.minus(Flags::RECENT),
                keywords,
                date: Some(m.info.internal_date),
                message: [&h[..], &t[..]].concat(),
            });
        }
        Ok(out)
    }
    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        if expunge && !self.read_only {
            let _ = self.expunge(None, &mut super::events::Recorder::new());
        }
        let _ = ev;
    }
}

// ---------------------------------------------------------------- LIST

/// Deepest directory level a `#md/` LIST walks below the home directory.
const LIST_DEPTH: usize = 6;

/// LIST (and, with `subscribed`, LSUB) of `#md/` and `#mc/` names:
/// Maildirs under the home directory, and the Maildir++ folders of
/// `~/Maildir` with `/` as the hierarchy delimiter.
pub fn list(
    reference: Option<&[u8]>,
    pattern: &[u8],
    subscribed: Option<&[Vec<u8>]>,
    ev: &mut dyn Events,
) {
    use super::events::attributes::NOSELECT;
    use super::pattern::{dmatch, pmatch_full};
    let mut full = match reference {
        Some(r) if pattern.first() != Some(&b'#') => text(&[r, pattern]),
        _ => pattern.to_vec(),
    };
    if !(starts_ci(&full, b"#md/") || starts_ci(&full, b"#mc/")) {
        return;
    }
    full[1] = b'm';
    full[2] = full[2].to_ascii_lowercase();
    let courier = full[2] == b'c';
    let emit = |name: &[u8], ev: &mut dyn Events| match subscribed {
        Some(subs) => {
            if subs.iter().any(|s| s == name) {
                ev.lsub(Some(b'/'), name, 0);
            }
        }
        None => ev.list(Some(b'/'), name, 0),
    };
    if pattern.is_empty() {
        if subscribed.is_none() {
            ev.list(Some(b'/'), b"", NOSELECT);
        }
        return;
    }
    let Some(home) = user::home_dir() else { return };
    let maildir = join(&home, b"Maildir");
    let inbox: &[u8] = if courier { b"#mc/INBOX" } else { b"#md/INBOX" };
    if is_maildir(&maildir) && pmatch_full(inbox, &full, b'/') {
        emit(inbox, ev);
    }
    if courier {
        let Ok(rd) = fs::read_dir(os(&maildir)) else {
            return;
        };
        let mut names: Vec<Vec<u8>> = Vec::new();
        for ent in rd.flatten() {
            let f = ent.file_name().as_bytes().to_vec();
            if f.len() < 2 || f[0] != b'.' || f == b".." {
                continue;
            }
            if !is_maildir(&join(&maildir, &f)) {
                continue;
            }
            let shown: Vec<u8> = f[1..]
                .iter()
                .map(|&c| if c == b'.' { b'/' } else { c })
                .collect();
            names.push(text(&[b"#mc/", &shown]));
        }
        names.sort();
        for n in names {
            if pmatch_full(&n, &full, b'/') {
                emit(&n, ev);
            }
        }
        return;
    }
    // #md/: walk from the longest wildcard-free directory of the pattern.
    let rest = &full[4..];
    let wild = rest
        .iter()
        .position(|&c| c == b'*' || c == b'%')
        .unwrap_or(rest.len());
    let base = match rest[..wild].iter().rposition(|&c| c == b'/') {
        Some(i) => &rest[..=i],
        None => &b""[..],
    };
    if !base.is_empty() && !safe_relative(base.strip_suffix(b"/").unwrap_or(base)) {
        return;
    }
    let mut stack: Vec<(Vec<u8>, Vec<u8>, usize)> =
        vec![(join(&home, base), text(&[b"#md/", base]), 0)];
    while let Some((dir, shown, depth)) = stack.pop() {
        let Ok(rd) = fs::read_dir(os(&dir)) else {
            continue;
        };
        let mut entries: Vec<Vec<u8>> = rd
            .flatten()
            .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
            .map(|e| e.file_name().as_bytes().to_vec())
            .filter(|n| n.first() != Some(&b'.'))
            .collect();
        entries.sort();
        let parent_md = is_maildir(&dir);
        for e in entries.into_iter().rev() {
            let path = join(&dir, &e);
            let name = text(&[&shown, &e]);
            let md = is_maildir(&path);
            if md && pmatch_full(&name, &full, b'/') {
                emit(&name, ev);
            }
            if parent_md && (e == b"cur" || e == b"new" || e == b"tmp") {
                continue;
            }
            let sub = text(&[&name, b"/"]);
            if depth + 1 < LIST_DEPTH && dmatch(&sub, &full, b'/') {
                stack.push((path, sub, depth + 1));
            }
        }
    }
}

// ---------------------------------------------------------------- driver

fn no_such(name: &[u8], what: &[u8]) -> Error {
    Error::new(text(&[
        b"Can't ",
        what,
        b" ",
        &name[..name.len().min(80)],
        b": no such mailbox",
    ]))
}

fn make_maildir(dir: &[u8], courier_folder: bool) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.mode(0o700).recursive(true);
    for sub in [&b"cur"[..], b"new", b"tmp"] {
        b.create(os(&join(dir, sub)))?;
    }
    if courier_folder {
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(os(&join(dir, b"maildirfolder")))?;
    }
    Ok(())
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// LF line ends (Maildir files are in the local convention).
fn to_lf(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        if src[i] == b'\r' && src.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(src[i]);
        i += 1;
    }
    out
}

/// Writes one message into `tmp/` and moves it into `new/` or `cur/`.
/// Returns its base name and final path.
fn deliver(root: &[u8], m: &AppendMessage, letters: u32) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let data = to_lf(&m.message);
    let vsize = to_crlf(&data).len() as u64;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let host = crate::os::lock::hostname();
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let base = name::new_base(
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        n,
        &host,
        data.len() as u64,
        vsize,
    );
    let tmp = join(&join(root, b"tmp"), &base);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(os(&tmp))?;
    let written = f.write_all(&data).and_then(|()| f.sync_all());
    let mtime = match m.date {
        Some(d) => UNIX_EPOCH + Duration::from_secs(long_date(&d)),
        None => SystemTime::now(),
    };
    let timed = written.and_then(|()| f.set_modified(mtime));
    drop(f);
    if let Err(e) = timed {
        let _ = fs::remove_file(os(&tmp));
        return Err(e);
    }
    let flags = m.flags.minus(Flags::RECENT);
    let target = if flags.is_empty() && letters == 0 {
        join(&join(root, b"new"), &base)
    } else {
        let mut f = base.clone();
        f.extend_from_slice(&name::info_suffix(flags, letters, b""));
        join(&join(root, b"cur"), &f)
    };
    // link() then unlink(), so an existing name is never overwritten.
    let r = fs::hard_link(os(&tmp), os(&target)).or_else(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Err(e)
        } else {
            fs::rename(os(&tmp), os(&target))
        }
    });
    let _ = fs::remove_file(os(&tmp));
    r.map(|()| (base, target))
}

/// Opens the Maildir in directory `root` (`name` for messages).
pub fn open_dir(
    root: Vec<u8>,
    name: &[u8],
    options: OpenOptions,
    ev: &mut dyn Events,
) -> Result<Box<dyn Mailbox>> {
    {
        if !is_dir(&root) {
            return Err(no_such(name, b"open mailbox"));
        }
        if !is_dir(&join(&root, b"cur")) {
            return Err(Error::new(text(&[
                b"Can't open mailbox ",
                &name[..name.len().min(80)],
                b": not a Maildir (cur/ is missing)",
            ])));
        }
        // Read-only when we can't write the directory.
        let writable = !options.read_only
            && fs::metadata(os(&root))
                .map(|m| !m.permissions().readonly())
                .unwrap_or(false)
            && fs::OpenOptions::new()
                .read(true)
                .open(os(&join(&root, b"cur")))
                .is_ok();
        let mut b = MaildirBox {
            root,
            read_only: !writable,
            msgs: Vec::new(),
            validity: 0,
            uid_last: 0,
            keywords: Vec::new(),
            letters: Vec::new(),
            cache: None,
            first_sync: true,
            stamp: None,
        };
        if !options.read_only && !is_dir(&join(&b.root, b"tmp")) {
            let _ = fs::DirBuilder::new()
                .mode(0o700)
                .create(os(&join(&b.root, b"tmp")));
        }
        b.sync(ev)?;
        Ok(Box::new(b))
    }
}

impl Driver for MaildirDriver {
    fn name(&self) -> &'static str {
        DRIVER_NAME
    }
    fn valid(&self, name: &[u8]) -> bool {
        mailbox_dir(name).is_some()
    }
    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        let root = mailbox_dir(name).ok_or_else(|| no_such(name, b"open mailbox"))?;
        open_dir(root, name, options, ev)
    }
    fn create(&self, name: &[u8], _ev: &mut dyn Events) -> Result<()> {
        let Some(root) = prefixed_path(name).or_else(|| match user::mailbox_file(name) {
            Some(LocalName::Path(p)) => Some(p),
            _ => None,
        }) else {
            return Err(Error::new(text(&[
                b"Can't create mailbox ",
                name,
                b": invalid name",
            ])));
        };
        if is_maildir(&root) {
            return Err(Error::new(text(&[
                b"Can't create mailbox ",
                &name[..name.len().min(80)],
                b": mailbox already exists",
            ])));
        }
        let courier = starts_ci(name, b"#mc/");
        make_maildir(&root, courier).map_err(|e| err_text("Can't create mailbox", name, &e))
    }
    fn delete(&self, name: &[u8], _ev: &mut dyn Events) -> Result<()> {
        let root = mailbox_dir(name).ok_or_else(|| no_such(name, b"delete mailbox"))?;
        if !is_maildir(&root) {
            return Err(no_such(name, b"delete mailbox"));
        }
        for sub in [&b"cur"[..], b"new", b"tmp"] {
            let dir = join(&root, sub);
            if let Ok(rd) = fs::read_dir(os(&dir)) {
                for ent in rd.flatten() {
                    let _ = fs::remove_file(ent.path());
                }
            }
            let _ = fs::remove_dir(os(&dir));
        }
        if let Ok(rd) = fs::read_dir(os(&root)) {
            for ent in rd.flatten() {
                let n = ent.file_name();
                let n = n.as_bytes();
                if n.starts_with(b"dovecot") || n == b"maildirfolder" || n == b"courierimapuiddb" {
                    let p = ent.path();
                    if p.is_dir() {
                        let _ = fs::remove_dir_all(&p);
                    } else {
                        let _ = fs::remove_file(&p);
                    }
                }
            }
        }
        // Subfolders (Maildir++ `.X`) keep the directory.
        let _ = fs::remove_dir(os(&root));
        Ok(())
    }
    fn rename(&self, old: &[u8], new: &[u8], _ev: &mut dyn Events) -> Result<()> {
        let from = mailbox_dir(old).ok_or_else(|| no_such(old, b"rename mailbox"))?;
        let to = prefixed_path(new)
            .or_else(|| match user::mailbox_file(new) {
                Some(LocalName::Path(p)) => Some(p),
                _ => None,
            })
            .ok_or_else(|| {
                Error::new(text(&[b"Can't rename to mailbox ", new, b": invalid name"]))
            })?;
        if fs::symlink_metadata(os(&to)).is_ok() {
            return Err(Error::new(text(&[
                b"Can't rename to mailbox ",
                &new[..new.len().min(80)],
                b": destination already exists",
            ])));
        }
        if let Some(parent) = os(&to).parent() {
            let _ = fs::DirBuilder::new()
                .mode(0o700)
                .recursive(true)
                .create(parent);
        }
        fs::rename(os(&from), os(&to)).map_err(|e| err_text("Can't rename mailbox", old, &e))
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
        let root = mailbox_dir(name).filter(|r| is_maildir(r));
        let Some(root) = root else {
            ev.notify(
                b"[TRYCREATE] Must create mailbox before append",
                Level::Info,
            );
            return Err(Error::reported());
        };
        append_to(&root, name, messages, want_uids, ev)
    }
    fn status(&self, name: &[u8], _ev: &mut dyn Events) -> Result<Status> {
        let root = mailbox_dir(name).ok_or_else(|| no_such(name, b"get status of"))?;
        status_of(&root)
    }
}

/// STATUS of the Maildir at `root`, from its files and uidlist alone.
fn status_of(root: &[u8]) -> Result<Status> {
    let files = list_files(root)?;
    let (validity, next, known) = match read_uidlist(root) {
        ListState::Good(l, _) => {
            let known: std::collections::HashSet<Vec<u8>> =
                l.entries.into_iter().map(|e| e.base).collect();
            (l.validity, l.next_uid, known)
        }
        _ => (now_secs() as u32, 1, Default::default()),
    };
    let unknown = files
        .iter()
        .filter(|f| !known.contains(&f.parsed.base))
        .count() as u32;
    Ok(Status {
        messages: Some(files.len() as u32),
        recent: Some(files.iter().filter(|f| f.in_new).count() as u32),
        unseen: Some(
            files
                .iter()
                .filter(|f| !f.parsed.flags.contains(Flags::SEEN))
                .count() as u32,
        ),
        // The list's next UID is from disk: it may be the last there is.
        uid_next: Some(next.saturating_add(unknown)),
        uid_validity: Some(validity),
    })
}

/// Appends `messages` to the Maildir in `root`, all or none; the UIDs they
/// got (`name` for the APPENDUID report).
pub fn append_to(
    root: &[u8],
    name: &[u8],
    messages: &[AppendMessage],
    want_uids: bool,
    ev: &mut dyn Events,
) -> Result<Option<UidMap>> {
    let root = root.to_vec();
    if !is_dir(&join(&root, b"tmp")) {
        fs::DirBuilder::new()
            .mode(0o700)
            .create(os(&join(&root, b"tmp")))
            .map_err(|e| err_text("Can't append to", name, &e))?;
    }
    let mut done: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let undo = |done: &[(Vec<u8>, Vec<u8>)]| {
        for (_, p) in done {
            let _ = fs::remove_file(os(p));
        }
    };
    for m in messages {
        let letters = match keyword_letters(&root, &m.keywords, ev) {
            Ok(l) => l,
            Err(e) => {
                undo(&done);
                return Err(e);
            }
        };
        match deliver(&root, m, letters) {
            Ok(d) => done.push(d),
            Err(e) => {
                undo(&done);
                let _ = ev.disk_error(e.raw_os_error().unwrap_or(0), true);
                return Err(err_text("Message append failed:", name, &e));
            }
        }
    }
    let bases: Vec<Vec<u8>> = done.iter().map(|(b, _)| b.clone()).collect();
    let (list, _) = match assign(&root, false, &bases, ev) {
        Ok(x) => x,
        Err(e) => {
            // The messages are delivered; they get UIDs when next seen.
            ev.log(&e.text, Level::Warn);
            return Ok(None);
        }
    };
    let dest: Vec<u32> = bases
        .iter()
        .filter_map(|b| list.entries.iter().find(|e| &e.base == b).map(|e| e.uid))
        .collect();
    if want_uids {
        ev.append_uids(name, list.validity, &dest);
    }
    Ok(Some(UidMap {
        validity: list.validity,
        source: Vec::new(),
        dest,
    }))
}

#[cfg(test)]
mod tests;
