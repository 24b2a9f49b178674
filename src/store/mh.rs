//! The "mh" format: a folder is a directory of message files named by
//! number, under the MH path (`Path:` of `~/.mh_profile`, relative to the
//! home directory unless absolute; `~/Mail` when the profile names none;
//! MH names disabled when there is no profile). Names are `#mh/FOLDER`,
//! `#mhinbox` (the folder `inbox`) and plain names that resolve to a
//! folder below the MH path.
//!
//! As in the original, flags live only in the session (the application's
//! cache): a message is `\Seen` on the first look when its file was read
//! after it was last written (access time after modification time), and
//! `.mh_sequences` is never read or written; it is only one of the files a
//! folder deletion removes. A message's UID is its file's number, its
//! internal date the file's modification time (UTC), and the file holds the
//! message with bare LF line ends (appends drop every CR).

use super::dummy;
use super::events::{attributes as latt, Events, Level, Recorder, Status};
use super::flags::Flags;
use super::mailbox::{
    AppendMessage, AppendSource, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions, Result,
};
use super::names::LocalName;
use super::numbered::{date_of_mtime, is_message_name, nodes_valid};
use super::pattern::{dmatch, pmatch_full};
use crate::env::params::{self, Owner};
use crate::env::user;
use crate::message::date::{long_date, MailDate};
use crate::os::clock;
use crate::store::common::{cat, fail};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The name of the INBOX folder.
pub const INBOX_NS: &[u8] = b"#mhinbox";
const INBOX_DIR: &[u8] = b"inbox";
const PROFILE: &[u8] = b".mh_profile";
const DEFAULT_PATH: &[u8] = b"Mail";
/// The sequence files of MH, owned by the format (removed with a folder).
const SEQUENCE: &[u8] = b".mh_sequence";
const SEQUENCES: &[u8] = b".mh_sequences";
/// `mail_parameters` codes of the settings this driver keeps.
const GET_MHPROFILE: i64 = 530;
const GET_MHPATH: i64 = 532;
const GET_MHALLOWINBOX: i64 = 574;
const MAX_WILDCARDS: usize = 10;
const ENOENT: i32 = 2;
const EINVAL: i32 = 22;

/// The "MH names disabled" warning is given once per process.
static WARNED: AtomicBool = AtomicBool::new(false);

fn path(p: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(p))
}

fn cut(s: &[u8], n: usize) -> &[u8] {
    &s[..s.len().min(n)]
}

fn s80(s: &[u8]) -> &[u8] {
    cut(s, 80)
}

fn err_text(e: &io::Error) -> Vec<u8> {
    dummy::error_text(e)
}

/// The path a profile names: the value of its first `Path:` line (the
/// keyword in any case, ended by a space or tab, the value after any
/// spaces and tabs, taken as it stands up to the line end), relative to
/// `home` unless absolute; `home/Mail` without one. Lines end at CR or
/// LF; the text ends at its first NUL.
pub fn parse_profile(text: &[u8], home: &[u8]) -> Vec<u8> {
    let text = &text[..text.iter().position(|&c| c == 0).unwrap_or(text.len())];
    for line in text.split(|&c| c == b'\r' || c == b'\n') {
        let Some(sp) = line.iter().position(|&c| c == b' ' || c == b'\t') else {
            continue;
        };
        if !line[..sp].eq_ignore_ascii_case(b"Path:") {
            continue;
        }
        let v = &line[sp + 1..];
        let start = v
            .iter()
            .position(|&c| c != b' ' && c != b'\t')
            .unwrap_or(v.len());
        let v = &v[start..];
        return if v.first() == Some(&b'/') {
            v.to_vec()
        } else {
            cat(&[home, b"/", v])
        };
    }
    cat(&[home, b"/", DEFAULT_PATH])
}

/// `mh_path`: the MH path, None when MH names are disabled. The profile is
/// read once per process, on the first call (unless the application named
/// a profile first, which then stands unread); a path the application set
/// is kept unless the profile names one.
pub fn mh_path() -> Option<Vec<u8>> {
    if params::string(Owner::Mh, GET_MHPROFILE).is_none() {
        let home = user::home_dir_or_empty();
        let profile = cat(&[&home, b"/", PROFILE]);
        params::set_string(Owner::Mh, GET_MHPROFILE, Some(&profile));
        if let Ok(text) = fs::read(path(&profile)) {
            let p = parse_profile(&text, &home);
            params::set_string(Owner::Mh, GET_MHPATH, Some(&p));
        }
    }
    params::string(Owner::Mh, GET_MHPATH)
}

/// The profile's name (after [`mh_path`] has run).
fn profile_name() -> Vec<u8> {
    params::string(Owner::Mh, GET_MHPROFILE).unwrap_or_default()
}

fn allow_inbox() -> bool {
    params::number(Owner::Mh, GET_MHALLOWINBOX) != 0
}

fn is_inbox_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(INBOX_NS) || name.eq_ignore_ascii_case(b"INBOX")
}

/// Whether `name` starts with `#mh/` (the letters in any case).
fn has_prefix(name: &[u8]) -> bool {
    name.len() >= 4
        && name[0] == b'#'
        && name[1].eq_ignore_ascii_case(&b'm')
        && name[2].eq_ignore_ascii_case(&b'h')
        && name[3] == b'/'
}

/// `mh_file`: the directory of `name` (`#mhinbox` and INBOX are the
/// folder `inbox`; `#mh/X` is X under the path; other names are local
/// file names), a doubled final `/` reduced to one. None without an MH
/// path.
pub fn mh_file(name: &[u8]) -> Option<Vec<u8>> {
    let base = mh_path()?;
    let mut dst = if is_inbox_name(name) {
        cat(&[cut(&base, 900), b"/", INBOX_DIR])
    } else if name.first() == Some(&b'#') {
        cat(&[
            cut(&base, 100),
            b"/",
            cut(name.get(4..).unwrap_or(b""), 900),
        ])
    } else {
        match user::mailbox_file(name) {
            Some(LocalName::Path(p)) => p,
            _ => Vec::new(),
        }
    };
    if dst.ends_with(b"//") {
        dst.pop();
    }
    Some(dst)
}

/// `mh_isvalid`: whether `name` is an MH folder (with `syntax_only`, an
/// MH-format name other than INBOX needs no directory), and the `errno`
/// the original leaves behind (0, ENOENT ..., EINVAL for a name not of the
/// format).
pub fn probe(name: &[u8], syntax_only: bool, ev: &mut dyn Events) -> (bool, i32) {
    let ns = (allow_inbox() && name.eq_ignore_ascii_case(b"INBOX"))
        || name.eq_ignore_ascii_case(INBOX_NS)
        || (has_prefix(name) && name.len() > 4);
    if ns {
        if mh_path().is_none() {
            if !WARNED.swap(true, Ordering::SeqCst) {
                let t = cat(&[
                    cut(&profile_name(), 900),
                    b" not found, mh format names disabled",
                ]);
                ev.log(&t, Level::Warn);
            }
            return (false, 0);
        }
        if syntax_only && !name.eq_ignore_ascii_case(b"INBOX") {
            return (true, 0);
        }
        let dir = mh_file(name).unwrap_or_default();
        return match fs::metadata(path(&dir)) {
            Ok(m) => (m.is_dir(), 0),
            Err(e) => (false, e.raw_os_error().unwrap_or(ENOENT)),
        };
    }
    if name.first() != Some(&b'#') {
        if let Some(base) = mh_path().filter(|b| !b.is_empty()) {
            if let Some(LocalName::Path(t)) = user::mailbox_file(name) {
                let i = base.len();
                if t.starts_with(&base) && t.get(i) == Some(&b'/') && t.len() > i + 1 {
                    let alt = cat(&[b"#mh", &t[i..]]);
                    return probe(&alt, false, ev);
                }
            }
        }
    }
    (false, EINVAL)
}

/// `mh_namevalid`: a `#mh/` name none of whose nodes is all digits.
pub fn name_valid(name: &[u8]) -> bool {
    has_prefix(name) && nodes_valid(name)
}

/// `mh_dirfmttest`: whether a directory entry is the format's own: a
/// sequence file, or a number with an optional leading comma (MH's mark
/// of a removed message).
pub fn dirfmt_test(entry: &[u8]) -> bool {
    if entry == SEQUENCE || entry == SEQUENCES {
        return true;
    }
    is_message_name(entry.strip_prefix(b",").unwrap_or(entry))
}

/// `atoi` of a message file name: its number as a C `int` (larger values
/// wrap as the original's conversion does).
pub fn file_number(name: &[u8]) -> i32 {
    let mut v: i64 = 0;
    for &c in name.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    v as i32
}

/// The message files of `dir` (digits-only names), in numeric order, as
/// (number, name). None when the directory cannot be read.
fn message_files(dir: &[u8]) -> Option<Vec<(i32, Vec<u8>)>> {
    let rd = fs::read_dir(path(dir)).ok()?;
    let mut v: Vec<(i32, Vec<u8>)> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().as_bytes().to_vec())
        .filter(|n| is_message_name(n))
        .map(|n| (file_number(&n), n))
        .collect();
    v.sort_by_key(|(k, _)| *k);
    Some(v)
}

/// The highest message number in `dir` (0 with none).
fn last_number(dir: &[u8]) -> i64 {
    message_files(dir)
        .and_then(|v| v.last().map(|(k, _)| i64::from(*k)))
        .unwrap_or(0)
}

/// A directory's identity and times: any entry added, removed or renamed
/// since changes its modification and change times.
#[derive(Clone, Copy, PartialEq, Eq)]
struct DirStamp {
    dev: u64,
    ino: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

fn dir_stamp(dir: &[u8]) -> Option<DirStamp> {
    let m = fs::metadata(path(dir)).ok()?;
    Some(DirStamp {
        dev: m.dev(),
        ino: m.ino(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ctime: (m.ctime(), m.ctime_nsec()),
    })
}

/// The last number of a folder as our last append left it.
struct LastAppended {
    dir: Vec<u8>,
    stamp: DirStamp,
    last: i64,
}

thread_local! {
    /// Set while a copy appends its messages one call at a time (the
    /// original's mh copy): each append would read the whole target
    /// directory again for its highest number (quadratic in the copy);
    /// instead the number the previous append ended with is taken while
    /// the directory is unchanged since. Outside a copy every append reads
    /// the directory, as the original does.
    static COPY_BATCH: std::cell::RefCell<Option<Option<LastAppended>>> =
        const { std::cell::RefCell::new(None) };
}

/// Scope of a copy's appends (see `COPY_BATCH`); ends when dropped.
pub struct CopyBatch {
    outermost: bool,
}

/// Starts a copy's run of appends.
pub fn copy_batch() -> CopyBatch {
    COPY_BATCH.with(|b| {
        let mut b = b.borrow_mut();
        let outermost = b.is_none();
        if outermost {
            *b = Some(None);
        }
        CopyBatch { outermost }
    })
}

impl Drop for CopyBatch {
    fn drop(&mut self) {
        if self.outermost {
            COPY_BATCH.with(|b| *b.borrow_mut() = None);
        }
    }
}

/// The highest message number of `dir` and, inside a copy, the
/// directory's stamp now: the number is remembered from the previous append
/// of the copy when the directory has not changed since, else read from
/// the directory.
fn append_start(dir: &[u8]) -> (i64, Option<DirStamp>) {
    let (batch, remembered) = COPY_BATCH.with(|b| match &*b.borrow() {
        None => (false, None),
        Some(None) => (true, None),
        Some(Some(l)) => (true, (l.dir == dir).then_some((l.last, l.stamp))),
    });
    if !batch {
        return (last_number(dir), None);
    }
    let now = dir_stamp(dir);
    match remembered {
        Some((last, stamp)) if now == Some(stamp) => (last, now),
        _ => (last_number(dir), now),
    }
}

/// After an append inside a copy: remembers `last` (the number of the last
/// file made) with the directory's stamp taken right after that file was
/// made; forgets it when the append failed (a removed file leaves its
/// number free again) or when the directory changed by another hand while
/// the append ran (the next append reads it again, as the original's
/// does).
fn append_end(dir: &[u8], last: Option<(i64, DirStamp)>) {
    COPY_BATCH.with(|b| {
        if let Some(slot) = b.borrow_mut().as_mut() {
            *slot = last.map(|(last, stamp)| LastAppended {
                dir: dir.to_vec(),
                stamp,
                last,
            });
        }
    });
}

/// Creates the next message file after `last` (which it advances). A
/// number another writer took since the directory was read is skipped:
/// the original gives up there, so two deliveries at once lost one to an
/// error (docs/deviations.md). Bounded, in case the name keeps failing for
/// another reason.
fn create_next(dir: &[u8], last: &mut i64) -> (Vec<u8>, io::Result<fs::File>) {
    let mut tries = 0;
    loop {
        *last += 1;
        let file = cat(&[dir, b"/", last.to_string().as_bytes()]);
        let created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(user::mailbox_protection(b"", None))
            .open(path(&file));
        match created {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 1000 => {
                tries += 1;
                // Whoever took it may have taken more: start from the
                // directory's last number again.
                *last = (*last).max(last_number(dir));
            }
            r => return (file, r),
        }
    }
}

/// `mh_setdate`: the file's access time becomes now, its modification
/// time the internal date.
pub fn set_date(file: &[u8], date: &MailDate) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(long_date(date));
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(clock::now().max(0) as u64);
    if let Ok(f) = fs::File::options().write(true).open(path(file)) {
        let _ = f.set_times(fs::FileTimes::new().set_accessed(now).set_modified(when));
    } else if let Ok(f) = fs::File::open(path(file)) {
        let _ = f.set_times(fs::FileTimes::new().set_accessed(now).set_modified(when));
    }
}

/// A message file as the library presents it: bare LFs made CRLF (a CR
/// already before an LF stays, a lone CR too), and the length of the
/// header, which ends after the first empty line (the whole message when
/// there is none).
pub fn present(raw: &[u8]) -> (Vec<u8>, usize) {
    let text = crate::message::encoding::to_crlf(raw);
    let header = header_end(&text);
    (text, header)
}

/// Where the header of a CRLF text ends: every line ends in CRLF, so the
/// first empty line is the first CRLF CRLF.
fn header_end(text: &[u8]) -> usize {
    crate::store::common::find_crlf_crlf(text).map_or(text.len(), |i| i + 4)
}

/// `text` with each CRLF made a bare LF (lone CRs stay).
pub fn lf_lines(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for (i, &c) in text.iter().enumerate() {
        if c == b'\r' && text.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Stores a message moved in from the system inbox as file `number` of
/// `dir` (a new file only, synced); its name.
pub fn store_moved(dir: &[u8], number: u32, header: &[u8], text: &[u8]) -> io::Result<Vec<u8>> {
    let file = cat(&[dir, b"/", number.to_string().as_bytes()]);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(user::mailbox_protection(b"", None))
        .open(path(&file))?;
    let written = f
        .write_all(header)
        .and_then(|()| f.write_all(text))
        .and_then(|()| f.sync_all());
    if let Err(e) = written {
        drop(f);
        let _ = fs::remove_file(path(&file));
        return Err(e);
    }
    Ok(file)
}

/// `mh_canonicalize`: the pattern made from `reference` and `pattern`,
/// when it is an MH name with no more than ten wildcards.
pub fn canonicalize(
    reference: Option<&[u8]>,
    pattern: &[u8],
    ev: &mut dyn Events,
) -> Option<Vec<u8>> {
    let name = match reference {
        Some(r) if !r.is_empty() => {
            if pattern.first() == Some(&b'#') {
                pattern.to_vec()
            } else if pattern.first() == Some(&b'/') && r.last() == Some(&b'/') {
                cat(&[r, &pattern[1..]])
            } else {
                cat(&[r, pattern])
            }
        }
        _ => pattern.to_vec(),
    };
    if !probe(&name, true, ev).0 {
        return None;
    }
    if name.iter().filter(|&&c| c == b'*' || c == b'%').count() > MAX_WILDCARDS {
        ev.log(b"Excessive wildcards in LIST/LSUB", Level::Error);
        return None;
    }
    Some(name)
}

/// `mh_scan`/`mh_list`: the MH folders matching the pattern (`contents`
/// searching is refused), and `#mhinbox` when asked for by name.
pub fn scan(reference: Option<&[u8]>, pattern: &[u8], contents: bool, ev: &mut dyn Events) {
    if pattern.is_empty() {
        if let Some(mut test) = canonicalize(reference, b"*", ev) {
            match test.iter().position(|&c| c == b'/') {
                Some(p) => test.truncate(p + 1),
                None => test.clear(),
            }
            ev.list(Some(b'/'), &test, latt::NOSELECT);
        }
        return;
    }
    let Some(test) = canonicalize(reference, pattern, ev) else {
        return;
    };
    if contents {
        ev.log(b"Scan not valid for mh mailboxes", Level::Error);
        return;
    }
    if test.get(3) == Some(&b'/') {
        let rest = &test[4..];
        let file = match rest.iter().position(|&c| c == b'*' || c == b'%') {
            Some(p) => &rest[..p],
            None => rest,
        };
        let dir = file.iter().rposition(|&c| c == b'/').map(|p| &file[..p]);
        list_work(dir, &test, 0, ev);
    }
    if test.eq_ignore_ascii_case(INBOX_NS) {
        ev.list(None, INBOX_NS, latt::NOINFERIORS);
    }
}

/// `mh_list_work`: the folders below `dir` (the top with None) matching
/// `pattern`, descending while folders below could match.
pub fn list_work(dir: Option<&[u8]>, pattern: &[u8], level: i64, ev: &mut dyn Events) {
    let name = match dir {
        Some(d) => cat(&[b"#mh/", d, b"/"]),
        None => b"#mh/".to_vec(),
    };
    let Some(curdir) = mh_file(&name) else { return };
    let Ok(rd) = fs::read_dir(path(&curdir)) else {
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let entry = e.file_name().as_bytes().to_vec();
        if entry.first() == Some(&b'.') || is_message_name(&entry) {
            continue;
        }
        let full = cat(&[&curdir, &entry]);
        if !fs::metadata(path(&full)).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let mh_name = cat(&[&name, &entry]);
        if pmatch_full(&mh_name, pattern, b'/') {
            ev.list(Some(b'/'), &mh_name, 0);
        }
        if dmatch(&mh_name, pattern, b'/') && level < user::list_max_level() {
            list_work(Some(&mh_name[4..]), pattern, level + 1, ev);
        }
    }
}

/// `mh_lsub`: the subscribed names matching an MH pattern.
pub fn lsub(reference: Option<&[u8]>, pattern: &[u8], subscribed: &[Vec<u8>], ev: &mut dyn Events) {
    let Some(test) = canonicalize(reference, pattern, ev) else {
        return;
    };
    for s in subscribed {
        if pmatch_full(s, &test, b'/') {
            ev.lsub(Some(b'/'), s, 0);
        }
    }
}

/// The mh driver.
pub struct MhDriver;

/// The one driver value, for the registry.
pub static MH: MhDriver = MhDriver;

/// What the session knows of one message beyond [`MessageInfo`].
#[derive(Clone, Copy, Default)]
struct Loaded {
    date: bool,
    size: bool,
}

/// An open MH folder.
pub struct MhMailbox {
    name: Vec<u8>,
    dir: Vec<u8>,
    inbox: bool,
    read_only: bool,
    validity: u32,
    last: u32,
    messages: Vec<MessageInfo>,
    loaded: Vec<Loaded>,
    /// The open made the missing INBOX folder (and so told no counts).
    made_inbox: bool,
    /// ctime of the directory at the last scan (0: never scanned).
    scanned: i64,
    /// The last message read: number, presented bytes, header length.
    cached: Option<(u32, Vec<u8>, usize)>,
    /// The file bytes of the last message read (a reused buffer).
    raw: Vec<u8>,
}

impl MhMailbox {
    fn message_path(&self, uid: u32) -> Vec<u8> {
        cat(&[&self.dir, b"/", uid.to_string().as_bytes()])
    }

    fn recent_count(&self) -> u32 {
        self.messages
            .iter()
            .filter(|m| m.flags.contains(Flags::RECENT))
            .count() as u32
    }

    /// `mh_ping` without its events: false (reported) when the folder is
    /// gone; INBOX is made again instead.
    fn refresh(&mut self, ev: &mut dyn Events) -> std::result::Result<bool, ()> {
        let meta = match fs::metadata(path(&self.dir)) {
            Ok(m) => m,
            Err(_) => {
                if self.inbox {
                    if let Some(d) = mh_file(INBOX_NS) {
                        let mode = user::dir_protection(b"INBOX") as u32 & 0o7777;
                        if dummy::create_path(&cat(&[&d, b"/"]), mode, ev) {
                            return Ok(false);
                        }
                    }
                }
                let t = cat(&[
                    b"Can't open mailbox ",
                    s80(&self.name),
                    b": no such mailbox",
                ]);
                ev.log(&t, Level::Error);
                return Err(());
            }
        };
        if meta.ctime() != self.scanned {
            self.scanned = meta.ctime();
            let old = self.last;
            // The files' status is asked of the open directory (one name
            // to look up each, not the whole path).
            let dir = if old == 0 {
                fs::File::open(path(&self.dir)).ok()
            } else {
                None
            };
            for (number, file) in message_files(&self.dir).unwrap_or_default() {
                // A number that does not fit a UID is left alone.
                let Ok(uid) = u32::try_from(number) else {
                    continue;
                };
                if uid <= old {
                    continue;
                }
                let mut flags = Flags::NONE;
                if old != 0 {
                    flags = Flags::RECENT;
                } else {
                    let st = match dir.as_ref() {
                        Some(d) => crate::os::fsat::stat_at(d, &file).ok(),
                        None => fs::metadata(path(&cat(&[&self.dir, b"/", &file])))
                            .ok()
                            .map(|m| crate::os::fsat::Stat {
                                size: m.len(),
                                mtime: m.mtime(),
                                atime: m.atime(),
                            }),
                    };
                    if st.is_some_and(|m| m.atime > m.mtime) {
                        flags = Flags::SEEN;
                    }
                }
                self.messages.push(MessageInfo {
                    uid,
                    flags,
                    ..MessageInfo::default()
                });
                self.loaded.push(Loaded::default());
                self.last = uid;
            }
        }
        Ok(true)
    }

    /// `mh_load_message`: learns the date and size of `msgno` from its file
    /// when not known yet and, with `keep`, keeps its text for reading.
    /// False when the file cannot be read.
    fn load(&mut self, msgno: u32, keep: bool) -> bool {
        let i = msgno as usize - 1;
        if self.cached.as_ref().is_some_and(|c| c.0 == msgno) {
            return true;
        }
        let known = self.loaded[i];
        if known.date && known.size && !keep {
            return true;
        }
        let file = self.message_path(self.messages[i].uid);
        let Ok(f) = fs::File::open(path(&file)) else {
            return false;
        };
        let Ok(meta) = f.metadata() else { return false };
        if !known.date {
            self.messages[i].internal_date = date_of_mtime(meta.mtime());
            self.loaded[i].date = true;
        }
        // The size the status gave, in one read (none to find the end);
        // the buffers of the last message are reused unless they grew
        // large.
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        let _ = crate::os::file::read_append_at(&f, 0, meta.len() as usize, &mut raw);
        let reuse = if keep { self.cached.take() } else { None };
        let mut text = match reuse {
            Some((_, mut t, _)) if t.capacity() <= 1 << 20 => {
                t.clear();
                t
            }
            _ => Vec::new(),
        };
        crate::message::encoding::to_crlf_into(&raw, &mut text);
        let header = header_end(&text);
        if raw.capacity() <= 1 << 20 {
            self.raw = raw;
        }
        if !known.size {
            self.messages[i].size = text.len() as u32;
            self.loaded[i].size = true;
        }
        if keep {
            self.cached = Some((msgno, text, header));
        }
        true
    }

    /// The internal date of `msgno`, from its file when not known yet (the
    /// original's copy does so). False when the file cannot be opened.
    fn load_date(&mut self, msgno: u32) -> bool {
        let i = msgno as usize - 1;
        if self.loaded[i].date {
            return true;
        }
        match fs::metadata(path(&self.message_path(self.messages[i].uid))) {
            Ok(m) => {
                self.messages[i].internal_date = date_of_mtime(m.mtime());
                self.loaded[i].date = true;
                true
            }
            Err(_) => false,
        }
    }

    fn part(&mut self, msgno: u32, body: bool) -> Result<Cow<'_, [u8]>> {
        if msgno == 0 || msgno > self.count() {
            return Ok(Cow::Borrowed(b""));
        }
        if !self.load(msgno, true) {
            return Err(Error::reported());
        }
        match &self.cached {
            Some((_, t, h)) if body => Ok(Cow::Borrowed(&t[*h..])),
            Some((_, t, h)) => Ok(Cow::Borrowed(&t[..*h])),
            None => Err(Error::reported()),
        }
    }
}

impl Mailbox for MhMailbox {
    fn driver_name(&self) -> &'static str {
        "mh"
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
        &[]
    }
    fn can_create_keywords(&self) -> bool {
        false
    }
    /// The original claims no flag as permanent.
    fn permanent_flags(&self) -> Flags {
        Flags::NONE
    }
    fn read_only(&self) -> bool {
        self.read_only
    }
    fn flags_in_cache(&self) -> bool {
        true
    }
    fn counts_untold(&self) -> bool {
        self.made_inbox
    }
    fn inbox(&self) -> Option<bool> {
        Some(self.inbox)
    }
    fn adopt(&mut self, uid: u32, flags: Flags, date: MailDate) -> bool {
        self.messages.push(MessageInfo {
            uid,
            flags: flags.union(Flags::RECENT),
            internal_date: date,
            ..MessageInfo::default()
        });
        self.loaded.push(Loaded {
            date: true,
            size: false,
        });
        self.last = self.last.max(uid);
        if let Ok(m) = fs::metadata(path(&self.dir)) {
            self.scanned = m.ctime();
        }
        true
    }

    fn header(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        self.part(msgno, false)
    }

    fn text(&mut self, msgno: u32, _ev: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        self.part(msgno, true)
    }

    fn store_flags(
        &mut self,
        set: MsgSet,
        flags: Flags,
        _keywords: u32,
        silent: bool,
        ev: &mut dyn Events,
    ) -> Result<()> {
        for &m in set {
            if m == 0 || m > self.count() {
                continue;
            }
            let info = &mut self.messages[m as usize - 1];
            let recent = info.flags.contains(Flags::RECENT);
            let new = flags.minus(Flags::RECENT).with(Flags::RECENT, recent);
            if info.flags != new {
                info.flags = new;
                if !silent {
                    ev.flags(m);
                }
            }
        }
        Ok(())
    }

    fn keyword_index(&mut self, _name: &[u8], _create: bool) -> Option<usize> {
        None
    }

    fn ping(&mut self, ev: &mut dyn Events) -> Result<bool> {
        match self.refresh(ev) {
            Err(()) => Ok(false),
            // INBOX made again: alive, nothing to tell.
            Ok(false) => Ok(true),
            Ok(true) => {
                ev.exists(self.count());
                ev.recent(self.recent_count());
                Ok(true)
            }
        }
    }

    fn check(&mut self, ev: &mut dyn Events) -> Result<()> {
        if self.ping(ev)? {
            ev.log(b"Check completed", Level::Info);
        }
        Ok(())
    }

    fn expunge(&mut self, set: Option<MsgSet>, ev: &mut dyn Events) -> Result<u32> {
        ev.critical(true);
        let mut n = 0;
        let mut i = 1u32;
        let mut original = 1u32;
        while (i as usize) <= self.messages.len() {
            let info = &self.messages[i as usize - 1];
            let chosen = set.is_none_or(|s| s.contains(&original));
            original += 1;
            if info.flags.contains(Flags::DELETED) && chosen {
                if let Err(e) = fs::remove_file(path(&self.message_path(info.uid))) {
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
                self.loaded.remove(i as usize - 1);
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
        ev.exists(self.count());
        ev.recent(self.recent_count());
        Ok(n)
    }

    /// The messages as stored (bare LFs), their flags and dates; fails on
    /// the first message whose file cannot be read, as the original's copy
    /// stops there, saying nothing.
    fn messages_for_copy(
        &mut self,
        set: MsgSet,
        _ev: &mut dyn Events,
    ) -> Result<Vec<AppendMessage>> {
        let mut out = Vec::new();
        for &m in set {
            if m == 0 || m > self.count() {
                continue;
            }
            let uid = self.messages[m as usize - 1].uid;
            let Ok(data) = fs::read(path(&self.message_path(uid))) else {
                return Err(Error::reported());
            };
            self.load_date(m);
            let info = &self.messages[m as usize - 1];
            out.push(AppendMessage {
                flags: info.flags.minus(Flags::RECENT),
                keywords: Vec::new(),
                date: Some(info.internal_date),
                message: data,
            });
        }
        Ok(out)
    }

    fn close(&mut self, expunge: bool, ev: &mut dyn Events) {
        if expunge {
            let _ = self.expunge(None, ev);
        }
    }
}

/// Messages handed over all at once.
struct Given<'a>(std::slice::Iter<'a, AppendMessage>);

impl AppendSource for Given<'_> {
    fn next_message(&mut self, _ev: &mut dyn Events) -> Option<Result<AppendMessage>> {
        self.0.next().map(|m| Ok(m.clone()))
    }
}

impl MhDriver {
    fn open_folder(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<MhMailbox> {
        let inbox = name.eq_ignore_ascii_case(INBOX_NS)
            || (has_prefix(name) && &name[4..] == INBOX_DIR)
            || name.eq_ignore_ascii_case(b"INBOX");
        let Some(dir) = mh_file(name) else {
            let t = cat(&[b"Can't open mailbox ", s80(name), b": no such mailbox"]);
            return Err(fail(ev, &t));
        };
        let mut mb = MhMailbox {
            name: name.to_vec(),
            dir,
            inbox,
            read_only: options.read_only,
            validity: clock::now() as u32,
            last: 0,
            messages: Vec::new(),
            loaded: Vec::new(),
            made_inbox: false,
            scanned: 0,
            cached: None,
            raw: Vec::new(),
        };
        match mb.refresh(ev) {
            Err(()) => return Err(Error::reported()),
            Ok(made) => mb.made_inbox = !made,
        }
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
    ) -> Result<()> {
        let (valid, errno) = probe(name, false, ev);
        if !valid {
            match errno {
                ENOENT => {
                    let made = is_inbox_name(name)
                        && mh_file(INBOX_NS).is_some_and(|d| {
                            let mode = user::dir_protection(name) as u32 & 0o7777;
                            dummy::create_path(&cat(&[&d, b"/"]), mode, ev)
                        });
                    if !made {
                        ev.notify(
                            b"[TRYCREATE] Must create mailbox before append",
                            Level::Info,
                        );
                        return Err(Error::reported());
                    }
                }
                0 => {}
                EINVAL => {
                    let t = cat(&[b"Invalid MH-format mailbox name: ", s80(name)]);
                    return Err(fail(ev, &t));
                }
                _ => {
                    let t = cat(&[b"Not a MH-format mailbox: ", s80(name)]);
                    return Err(fail(ev, &t));
                }
            }
        }
        let Some(dir) = mh_file(name) else {
            let t = cat(&[b"Not a MH-format mailbox: ", s80(name)]);
            return Err(fail(ev, &t));
        };
        let mut next = match source.next_message(ev) {
            None => return Ok(()),
            Some(Err(e)) => return Err(e),
            Some(Ok(m)) => Some(m),
        };
        let (mut last, mut stamp) = append_start(&dir);
        ev.critical(true);
        let mut result = Ok(());
        while let Some(m) = next.take() {
            if m.message.is_empty() {
                result = Err(fail(ev, b"Append of zero-length message"));
                break;
            }
            // Inside a copy: the directory must be as the last look left
            // it (no one else's file since), and the look after our file
            // goes in is what the next append compares with.
            let unchanged = stamp.is_some() && dir_stamp(&dir) == stamp;
            let (file, created) = create_next(&dir, &mut last);
            let mut f = match created {
                Ok(f) => {
                    stamp = if unchanged { dir_stamp(&dir) } else { None };
                    f
                }
                Err(e) => {
                    let t = cat(&[b"Can't open append message: ", &err_text(&e)]);
                    result = Err(fail(ev, &t));
                    break;
                }
            };
            let bytes: Vec<u8> = m.message.iter().copied().filter(|&c| c != b'\r').collect();
            if let Err(e) = f.write_all(&bytes).and_then(|()| f.sync_data()) {
                drop(f);
                let _ = fs::remove_file(path(&file));
                let t = cat(&[b"Message append failed: ", &err_text(&e)]);
                result = Err(fail(ev, &t));
                break;
            }
            drop(f);
            if let Some(d) = &m.date {
                set_date(&file, d);
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
        ev.critical(false);
        append_end(&dir, stamp.filter(|_| result.is_ok()).map(|s| (last, s)));
        if result.is_ok() && want_uids {
            ev.log(
                b"Can not return meaningful APPENDUID with this mailbox format",
                Level::Warn,
            );
        }
        result
    }
}

impl Driver for MhDriver {
    fn name(&self) -> &'static str {
        "mh"
    }

    fn valid(&self, name: &[u8]) -> bool {
        probe(name, true, &mut Recorder::new()).0
    }

    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> Result<Box<dyn Mailbox>> {
        Ok(Box::new(self.open_folder(name, options, ev)?))
    }

    fn create(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        if !name_valid(name) {
            let t = cat(&[
                b"Can't create mailbox ",
                s80(name),
                b": invalid MH-format name",
            ]);
            return Err(fail(ev, &t));
        }
        if probe(name, false, ev).0 {
            let t = cat(&[
                b"Can't create mailbox ",
                s80(name),
                b": mailbox already exists",
            ]);
            return Err(fail(ev, &t));
        }
        let Some(dir) = mh_file(name) else {
            return Err(Error::reported());
        };
        let mode = user::dir_protection(name) as u32 & 0o7777;
        if let Err(e) = dummy::create_path_why(&cat(&[&dir, b"/"]), mode, ev) {
            let t = cat(&[b"Can't create mailbox ", s80(name), b": ", &err_text(&e)]);
            return Err(fail(ev, &t));
        }
        Ok(())
    }

    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> Result<()> {
        if !probe(name, false, ev).0 {
            let t = cat(&[b"Can't delete mailbox ", s80(name), b": no such mailbox"]);
            return Err(fail(ev, &t));
        }
        let dir = mh_file(name).unwrap_or_default();
        if let Ok(rd) = fs::read_dir(path(&dir)) {
            for e in rd.filter_map(|e| e.ok()) {
                if dirfmt_test(e.file_name().as_bytes()) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        if let Err(e) = fs::remove_dir(path(&dir)) {
            let t = cat(&[b"Can't delete mailbox ", s80(name), b": ", &err_text(&e)]);
            ev.log(&t, Level::Warn);
        }
        Ok(())
    }

    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> Result<()> {
        if !probe(old, false, ev).0 {
            let t = cat(&[b"Can't rename mailbox ", s80(old), b": no such mailbox"]);
            return Err(fail(ev, &t));
        }
        if !name_valid(new) {
            let t = cat(&[
                b"Can't rename to mailbox ",
                s80(new),
                b": invalid MH-format name",
            ]);
            return Err(fail(ev, &t));
        }
        if probe(new, false, ev).0 {
            let t = cat(&[
                b"Can't rename to mailbox ",
                s80(new),
                b": destination already exists",
            ]);
            return Err(fail(ev, &t));
        }
        let to = mh_file(new).unwrap_or_default();
        if let Some(p) = to.iter().rposition(|&c| c == b'/') {
            let superior = &to[..=p];
            let is_dir = fs::metadata(path(superior)).is_ok_and(|m| m.is_dir());
            let mode = user::dir_protection(new) as u32 & 0o7777;
            if !is_dir && !dummy::create_path(superior, mode, ev) {
                return Err(Error::reported());
            }
        }
        let from = mh_file(old).unwrap_or_default();
        fs::rename(path(&from), path(&to)).map_err(|e| {
            let t = cat(&[
                b"Can't rename mailbox ",
                s80(old),
                b" to ",
                s80(new),
                b": ",
                &err_text(&e),
            ]);
            fail(ev, &t)
        })
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
    ) -> Result<Option<super::mailbox::UidMap>> {
        self.append_work(name, source, want_uids, ev).map(|()| None)
    }

    /// Not reached from C (the original's status is `mail_status_default`);
    /// counts of a quiet session.
    fn status(&self, name: &[u8], ev: &mut dyn Events) -> Result<Status> {
        let mb = self.open_folder(
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
        Ok(Status {
            messages: Some(mb.count()),
            recent: Some(mb.recent_count()),
            unseen: Some(unseen),
            uid_next: Some(mb.last.wrapping_add(1)),
            uid_validity: Some(mb.validity),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_paths() {
        assert_eq!(parse_profile(b"Path: Mail2\n", b"/h"), b"/h/Mail2");
        assert_eq!(parse_profile(b"path:\t /abs/x\r\n", b"/h"), b"/abs/x");
        assert_eq!(parse_profile(b"Editor: vi\nPath:x\n", b"/h"), b"/h/Mail");
        assert_eq!(parse_profile(b"", b"/h"), b"/h/Mail");
        assert_eq!(parse_profile(b"\0Path: y\n", b"/h"), b"/h/Mail");
        assert_eq!(parse_profile(b"Path: a b \n", b"/h"), b"/h/a b ");
    }

    #[test]
    fn names() {
        assert!(name_valid(b"#mh/box"));
        assert!(name_valid(b"#MH/a/b"));
        assert!(!name_valid(b"#mh/12"));
        assert!(!name_valid(b"#mh/a/12"));
        assert!(!name_valid(b"box"));
        assert!(dirfmt_test(b".mh_sequences"));
        assert!(dirfmt_test(b",12"));
        assert!(dirfmt_test(b"12"));
        assert!(!dirfmt_test(b"1a"));
        assert!(!dirfmt_test(b".mh_profile"));
        assert_eq!(file_number(b"0012"), 12);
    }

    #[test]
    fn presentation() {
        let (t, h) = present(b"A: b\n\nbody\n");
        assert_eq!(t, b"A: b\r\n\r\nbody\r\n");
        assert_eq!(h, 8);
        let (t, h) = present(b"A: b\r\nC: d\n");
        assert_eq!(h, t.len());
        let (_, h) = present(b"A\n\r\nx");
        assert_eq!(h, 5);
        let (_, h) = present(b"A\n\r\r\nx");
        assert_eq!(h, 7);
    }
}
