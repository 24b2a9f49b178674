//! The dummy driver: what a local name is when no mailbox format claims
//! it — an empty file, a directory, or the INBOX that does not exist yet.
//! It opens such a name as an empty mailbox, and it does the file-system
//! work every local format shares: LIST/LSUB/SCAN over the home directory,
//! and creating, deleting and renaming files and directories.
//!
//! What only the driver chain knows (which driver claims a name, a
//! directory format's own files, a driver's content scanner) comes through
//! [`Chain`], so this module stays free of the C side.

use super::events::{attributes as latt, Events, Level, Status};
use super::flags::Flags;
use super::mailbox::{AppendMessage, Driver, Error, Mailbox, MessageInfo, MsgSet, OpenOptions};
use super::mailbox::{Result, Result as StoreResult};
use super::names::LocalName;
use super::pattern::{dmatch, pmatch, pmatch_full};
use crate::env::params::{number, Owner};
use crate::env::user;
use std::borrow::Cow;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Longest mailbox name (the C `NETMAXMBX`).
const MAX_NAME: usize = 256;
/// Most wildcards a LIST/LSUB pattern may have.
const MAX_WILDCARDS: usize = 10;
/// `mail_parameters` codes this module reads.
const GET_LISTMAXLEVEL: i64 = 520;
const GET_HIDEDOTFILES: i64 = 548;
const GET_MBXPROTECTION: i64 = 500;
const GET_DIRPROTECTION: i64 = 502;

/// What the dummy driver asks of the driver chain.
pub trait Chain {
    /// Name of the driver that claims mailbox `name` (`mail_valid` without
    /// a message), if any.
    fn claimed_by(&mut self, name: &[u8]) -> Option<Vec<u8>>;
    /// Whether an enabled directory-format driver claims `name` (its own
    /// files in that directory are then not mailboxes).
    fn directory_format(&mut self, name: &[u8]) -> bool;
    /// Whether the directory format of `dir` owns the entry `entry`.
    fn directory_format_owns(&mut self, dir: &[u8], entry: &[u8]) -> bool;
    /// Whether file `path` (of `size` bytes) holds `contents`, asked of
    /// `driver`'s scanner when it has one, else [`scan_file`].
    fn scan_contents(
        &mut self,
        driver: Option<&[u8]>,
        path: &[u8],
        contents: &[u8],
        size: u64,
    ) -> bool;
}

fn os(path: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(path))
}

/// `%.80s`.
fn cut(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

/// The C library's text for an OS error (what `strerror` gives).
pub fn error_text(e: &io::Error) -> Vec<u8> {
    let full = match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    };
    let text = match full.rfind(" (os error ") {
        Some(p) => &full[..p],
        None => &full[..],
    };
    text.as_bytes().to_vec()
}

fn message(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `dummy_file`: the file of mailbox `name`, the system inbox for INBOX.
pub fn mailbox_path(name: &[u8]) -> Option<Vec<u8>> {
    match user::mailbox_file(name)? {
        LocalName::Inbox => user::system_inbox(),
        LocalName::Path(p) => Some(p),
    }
}

/// `mailboxdir`: the directory of `dir` + `name` (the mailbox directory,
/// the home, when both are absent). None for a name that maps to no
/// directory (INBOX maps to the empty path, which no directory has).
fn mailbox_dir(dir: Option<&[u8]>, name: Option<&[u8]>) -> Option<Vec<u8>> {
    if dir.is_none() && name.is_none() {
        return user::home_dir();
    }
    let dir = dir.unwrap_or(b"");
    let name = name.unwrap_or(b"");
    if dir.len() > MAX_NAME || name.len() > MAX_NAME {
        return None;
    }
    match user::mailbox_file(&[dir, name].concat())? {
        LocalName::Inbox => Some(Vec::new()),
        LocalName::Path(p) => Some(p),
    }
}

fn is_inbox(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"INBOX")
}

/// `dummy_valid`: a file or directory, or INBOX (which may not exist yet).
pub fn valid(name: &[u8]) -> bool {
    if name.is_empty() || name[0] == b'{' {
        return false;
    }
    match user::mailbox_file(name) {
        None => false,
        Some(LocalName::Inbox) => true,
        Some(LocalName::Path(p)) => match fs::metadata(os(&p)) {
            Ok(m) => m.is_file() || m.is_dir(),
            Err(_) => is_inbox(name),
        },
    }
}

/// Why `name` cannot be opened as an empty mailbox, with the original's
/// texts; None when it can (an empty file, or an INBOX that is missing).
pub fn open_error(name: &[u8]) -> Option<Vec<u8>> {
    let Some(path) = mailbox_path(name) else {
        return Some(message(&[b"Can't open this name: ", cut(name)]));
    };
    match fs::File::open(os(&path)) {
        Err(e) if is_inbox(name) => {
            let _ = e;
            None
        }
        Err(e) => Some(message(&[cut(&error_text(&e)), b": ", cut(name)])),
        Ok(f) => match f.metadata() {
            Ok(m) if !m.is_file() => Some(message(&[
                b"Can't open ",
                cut(name),
                b": not a selectable mailbox",
            ])),
            Ok(m) if m.len() > 0 => Some(message(&[
                b"Can't open ",
                cut(name),
                b" (file ",
                cut(&path),
                b"): not in valid mailbox format",
            ])),
            _ => None,
        },
    }
}

/// `dummy_canonicalize`: the reference applied to the pattern, or None for
/// a remote reference or name, an unknown namespace, or too many
/// wildcards (logged).
pub fn canonicalize(
    reference: Option<&[u8]>,
    pattern: &[u8],
    ev: &mut dyn Events,
) -> Option<Vec<u8>> {
    let reference = match reference {
        Some(r) if r.first() == Some(&b'{') => return None,
        Some([]) => None,
        r => r,
    };
    let known = |name: &[u8]| user::mailbox_file(name).is_some();
    let with_reference = |reference: Option<&[u8]>| -> Option<Vec<u8>> {
        let Some(r) = reference else {
            return Some(pattern.to_vec());
        };
        if r[0] == b'#' && !known(r) {
            return None;
        }
        if pattern.first() == Some(&b'/') {
            // The reference's root (up to its first slash) and the pattern.
            let root = r.iter().position(|&c| c == b'/')?;
            Some([&r[..root], pattern].concat())
        } else {
            Some([r, pattern].concat())
        }
    };
    let name = match pattern.first() {
        Some(b'#') => {
            if !known(pattern) {
                return None;
            }
            pattern.to_vec()
        }
        Some(b'{') => return None,
        Some(b'/') | Some(b'~') if reference.is_none_or(|r| r[0] != b'#') => pattern.to_vec(),
        _ => with_reference(reference)?,
    };
    let wildcards = name.iter().filter(|&&c| c == b'*' || c == b'%').count();
    if wildcards > MAX_WILDCARDS {
        ev.log(b"Excessive wildcards in LIST/LSUB", Level::Error);
        return None;
    }
    Some(name)
}

/// Directory entries in the order the file system gives them (the order
/// of `readdir`, without "." and "..").
fn entries(dir: &[u8]) -> Option<Vec<Vec<u8>>> {
    let rd = fs::read_dir(os(dir)).ok()?;
    Some(
        rd.filter_map(|e| e.ok())
            .map(|e| e.file_name().as_bytes().to_vec())
            .collect(),
    )
}

fn hide_dot_files() -> bool {
    number(Owner::Env, GET_HIDEDOTFILES) != 0
}

/// `dummy_scan` (and `dummy_list` with no contents): reports the local
/// names matching `pattern` under `reference` through [`Events::list`],
/// keeping those that hold `contents` when it is given.
pub fn scan(
    chain: &mut dyn Chain,
    reference: Option<&[u8]>,
    pattern: &[u8],
    contents: Option<&[u8]>,
    ev: &mut dyn Events,
) {
    if pattern.is_empty() {
        if let Some(test) = canonicalize(reference, b"*", ev) {
            // The root of the reference's hierarchy.
            let root = match test.iter().position(|&c| c == b'/') {
                Some(p) => test[..=p].to_vec(),
                None => Vec::new(),
            };
            listed(chain, Some(b'/'), &root, latt::NOSELECT, None, ev);
        }
        return;
    }
    let Some(test) = canonicalize(reference, pattern, ev) else {
        return;
    };
    let fixed = match test.iter().position(|&c| c == b'%' || c == b'*') {
        Some(p) => &test[..p],
        None => &test[..],
    };
    let dir = match fixed.iter().rposition(|&c| c == b'/') {
        Some(p) => Some(&fixed[..=p]),
        None if matches!(fixed.first(), Some(b'~') | Some(b'#')) => Some(fixed),
        None => None,
    };
    list_work(chain, dir, &test, contents, 0, ev);
    if pmatch(b"INBOX", &test.to_ascii_uppercase()) {
        // INBOX is always there; it has inferiors only in a directory
        // format.
        let dirfmt = chain.directory_format(b"INBOX");
        let (delimiter, attributes) = if dirfmt {
            (Some(b'/'), 0)
        } else {
            (None, latt::NOINFERIORS)
        };
        listed(chain, delimiter, b"INBOX", attributes, contents, ev);
    }
}

/// `dummy_list_work`: lists the entries of directory `dir` (the home when
/// None) that match `pattern`, descending into matching directories up to
/// the LISTMAXLEVEL depth.
pub fn list_work(
    chain: &mut dyn Chain,
    dir: Option<&[u8]>,
    pattern: &[u8],
    contents: Option<&[u8]>,
    level: i64,
    ev: &mut dyn Events,
) {
    let Some(path) = mailbox_dir(dir, None) else {
        return;
    };
    let Some(names) = entries(&path) else {
        return;
    };
    let dirfmt = dir.is_some_and(|d| chain.directory_format(d));
    if let Some(d) = dir {
        if level == 0 && pmatch_full(d, pattern, b'/') && !pmatch(d, b"INBOX") {
            let attributes = if dirfmt { 0 } else { latt::NOSELECT };
            listed(chain, Some(b'/'), d, attributes, contents, ev);
        }
    }
    let prefix = dir.unwrap_or(b"");
    if !(dir.is_none() || prefix.last() == Some(&b'/')) {
        return;
    }
    let hide = hide_dot_files();
    // The original reuses this length for a later path's: kept, as it
    // decides which long names are skipped.
    let mut len = prefix.len();
    for entry in names {
        if dirfmt && chain.directory_format_owns(prefix, &entry) {
            continue;
        }
        if (entry[0] == b'.' && hide) || len + entry.len() > MAX_NAME {
            continue;
        }
        let name = [prefix, &entry[..]].concat();
        let as_dir = [&name[..], b"/"].concat();
        let useful = pmatch_full(&name, pattern, b'/')
            || pmatch_full(&as_dir, pattern, b'/')
            || dmatch(&as_dir, pattern, b'/');
        if !useful {
            continue;
        }
        let Some(mut file) = mailbox_dir(dir, Some(b"x")) else {
            continue;
        };
        len = file.len();
        if len == 0 {
            continue;
        }
        file.truncate(len - 1);
        file.extend_from_slice(&entry);
        let Ok(meta) = fs::metadata(os(&file)) else {
            continue;
        };
        if meta.is_dir() {
            if !pmatch(&name, b"INBOX") {
                if pmatch_full(&name, pattern, b'/') {
                    listed(chain, Some(b'/'), &name, latt::NOSELECT, contents, ev);
                } else if pmatch_full(&as_dir, pattern, b'/') {
                    listed(chain, Some(b'/'), &as_dir, latt::NOSELECT, contents, ev);
                }
            }
            if dmatch(&as_dir, pattern, b'/') && level < number(Owner::Env, GET_LISTMAXLEVEL) {
                list_work(chain, Some(&as_dir), pattern, contents, level + 1, ev);
            }
        } else if meta.is_file() && pmatch_full(&name, pattern, b'/') && !is_inbox(&name) {
            // ctime, not mtime: some systems don't keep mtime right.
            let marked = meta.len() > 0 && meta.atime() < meta.ctime();
            let attributes = latt::NOINFERIORS + if marked { latt::MARKED } else { latt::UNMARKED };
            listed(chain, Some(b'/'), &name, attributes, contents, ev);
        }
    }
}

/// `dummy_listed`: adds the children attributes, drops \NoSelect for a
/// name a real driver claims, and reports the name (when `contents` is
/// given, only if the mailbox holds it). Always true: the listing goes on.
pub fn listed(
    chain: &mut dyn Chain,
    delimiter: Option<u8>,
    name: &[u8],
    attributes: i64,
    contents: Option<&[u8]>,
    ev: &mut dyn Events,
) -> bool {
    let mut attributes = attributes;
    if attributes & latt::NOINFERIORS == 0 {
        if let Some(children) = mailbox_dir(Some(name), None).and_then(|d| entries(&d)) {
            let dirfmt = chain.directory_format(name);
            let hide = hide_dot_files();
            let has_child = children.iter().any(|e| {
                let owned = dirfmt && chain.directory_format_owns(name, e);
                let hidden = e[0] == b'.' && hide;
                !(owned || hidden)
            });
            attributes |= if has_child {
                latt::HASCHILDREN
            } else {
                latt::HASNOCHILDREN
            };
        }
    }
    let mut driver = None;
    if attributes & latt::NOSELECT != 0 {
        driver = chain.claimed_by(name);
        if driver.as_deref().is_some_and(|d| d != b"dummy") {
            attributes &= !latt::NOSELECT;
        }
    }
    let report = match contents {
        None => true,
        Some(c) => {
            attributes & latt::NOSELECT == 0
                && !c.is_empty()
                && contents_match(chain, driver.as_deref(), name, c)
        }
    };
    if report {
        ev.list(delimiter, name, attributes);
    }
    true
}

fn contents_match(chain: &mut dyn Chain, driver: Option<&[u8]>, name: &[u8], c: &[u8]) -> bool {
    let path = match user::mailbox_file(name) {
        None => return false,
        Some(LocalName::Path(p)) => p,
        Some(LocalName::Inbox) => match user::system_inbox() {
            Some(p) => p,
            None => return false,
        },
    };
    let Ok(meta) = fs::metadata(os(&path)) else {
        return false;
    };
    (driver.is_some() || c.len() as u64 <= meta.len())
        && chain.scan_contents(driver, &path, c, meta.len())
}

/// `dummy_scan_contents`: whether file `path` holds `contents`, ignoring
/// ASCII case. The first `size` bytes are searched.
pub fn scan_file(path: &[u8], contents: &[u8], size: u64) -> bool {
    let Ok(data) = fs::read(os(path)) else {
        return false;
    };
    let data = &data[..data.len().min(usize::try_from(size).unwrap_or(usize::MAX))];
    if contents.is_empty() {
        return size > 0;
    }
    data.windows(contents.len())
        .any(|w| w.eq_ignore_ascii_case(contents))
}

/// The subscribed names (`~/.mailboxlist`, one a line), in file order.
pub fn subscriptions() -> Vec<Vec<u8>> {
    let Some(home) = user::home_dir() else {
        return Vec::new();
    };
    let Ok(data) = fs::read(os(&[&home[..], b"/.mailboxlist"].concat())) else {
        return Vec::new();
    };
    // Lines as fgets gives them: the newline dropped, no piece after the
    // last newline.
    let body = data.strip_suffix(b"\n").unwrap_or(&data);
    if body.is_empty() && data.len() <= 1 {
        return if data.is_empty() {
            Vec::new()
        } else {
            vec![Vec::new()]
        };
    }
    body.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect()
}

/// `dummy_lsub`: the subscribed local names matching `pattern`; with a
/// trailing `%`, also the superiors of deeper subscribed names.
pub fn lsub(reference: Option<&[u8]>, pattern: &[u8], subscribed: &[Vec<u8>], ev: &mut dyn Events) {
    let show_superiors = pattern.last() == Some(&b'%');
    let Some(test) = canonicalize(reference, pattern, ev) else {
        return;
    };
    let inbox_wanted = pmatch(b"INBOX", &test.to_ascii_uppercase());
    for name in subscribed {
        if name.first() == Some(&b'{') {
            continue;
        }
        if is_inbox(name) && inbox_wanted {
            ev.lsub(None, name, latt::NOINFERIORS);
        } else if pmatch_full(name, &test, b'/') {
            ev.lsub(Some(b'/'), name, 0);
        } else if show_superiors {
            let mut upper = &name[..];
            while let Some(p) = upper.iter().rposition(|&c| c == b'/') {
                upper = &upper[..p];
                if pmatch_full(upper, &test, b'/') {
                    ev.lsub(Some(b'/'), upper, latt::NOSELECT);
                }
            }
        }
    }
}

/// What subscribing to `name` finds: Ok(true) a directory (allowed, with
/// a warning), Ok(false) a file, Err the message for anything else.
pub fn subscribe_check(name: &[u8]) -> std::result::Result<bool, Vec<u8>> {
    let path = match user::mailbox_file(name) {
        Some(LocalName::Path(p)) => Some(p),
        _ => None,
    };
    match path.and_then(|p| fs::metadata(os(&p)).ok()) {
        Some(m) if m.is_dir() => Ok(true),
        Some(m) if m.is_file() => Ok(false),
        _ => Err(message(&[
            b"Can't subscribe ",
            cut(name),
            b": not a mailbox",
        ])),
    }
}

/// The warning a directory subscription gets.
pub fn subscribe_directory_warning(name: &[u8]) -> Vec<u8> {
    message(&[
        b"CLIENT BUG DETECTED: subscribe of non-mailbox directory ",
        cut(name),
    ])
}

fn mode_of(code: i64) -> u32 {
    u32::try_from(number(Owner::Env, code)).unwrap_or(0o600) & 0o7777
}

/// `dummy_create`: makes the file (or, for a name ending in `/`, the
/// directory) of `mailbox`, with the superior directories it needs.
pub fn create(mailbox: &[u8], ev: &mut dyn Events) -> bool {
    let path = if is_inbox(mailbox) {
        None
    } else {
        mailbox_path(mailbox)
    };
    let Some(path) = path else {
        ev.log(
            &message(&[b"Can't create ", cut(mailbox), b": invalid name"]),
            Level::Error,
        );
        return false;
    };
    if !create_path(&path, mode_of(GET_DIRPROTECTION), ev) {
        return false;
    }
    if path.last() == Some(&b'/') {
        return true;
    }
    set_protections(&path);
    true
}

/// `set_mbx_protections` for a local name: the mailbox protection, with
/// search bits (and a set-group-id bit kept) for a directory.
pub fn set_protections(path: &[u8]) {
    let mut mode = mode_of(GET_MBXPROTECTION);
    if let Ok(m) = fs::metadata(os(path)) {
        if m.is_dir() {
            if mode & 0o600 != 0 {
                mode |= 0o100;
            }
            if mode & 0o060 != 0 {
                mode |= 0o010;
            }
            if mode & 0o006 != 0 {
                mode |= 0o001;
            }
            mode |= m.mode() & 0o2000;
        }
    }
    let _ = fs::set_permissions(os(path), fs::Permissions::from_mode(mode));
}

/// `dummy_create_path`: creates file `path` (a directory when it ends in
/// `/`), first creating missing superior directories with `dir_mode`.
/// Modes are exact, as with the original's cleared umask.
pub fn create_path(path: &[u8], dir_mode: u32, ev: &mut dyn Events) -> bool {
    create_path_why(path, dir_mode, ev).is_ok()
}

/// [`create_path`], with the error of the step that failed (the `errno`
/// the original's callers report after it).
pub fn create_path_why(path: &[u8], dir_mode: u32, ev: &mut dyn Events) -> io::Result<()> {
    let want_dir = path.last() == Some(&b'/');
    let bare = if want_dir {
        &path[..path.len() - 1]
    } else {
        path
    };
    if let Some(p) = bare.iter().rposition(|&c| c == b'/') {
        let superior = &bare[..=p];
        let exists = fs::metadata(os(superior)).is_ok_and(|m| m.is_dir());
        if !exists {
            create_path_why(superior, dir_mode, ev)?;
        }
    }
    let made = if want_dir {
        fs::create_dir(os(bare))
            .and_then(|_| fs::set_permissions(os(bare), fs::Permissions::from_mode(dir_mode)))
    } else {
        let mode = mode_of(GET_MBXPROTECTION);
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(os(bare))
            .and_then(|f| f.set_permissions(fs::Permissions::from_mode(mode)))
    };
    if let Err(e) = &made {
        ev.log(
            &message(&[
                b"Can't create mailbox node ",
                cut(path),
                b": ",
                cut(&error_text(e)),
            ]),
            Level::Error,
        );
    }
    made
}

/// `dummy_delete`: removes the file, or the (empty) directory, of
/// `mailbox`.
pub fn delete(mailbox: &[u8], ev: &mut dyn Events) -> bool {
    let Some(mut path) = mailbox_path(mailbox) else {
        ev.log(b"Can't delete - invalid name: (null)", Level::Error);
        return false;
    };
    if path.last() == Some(&b'/') {
        path.pop();
    }
    let removed = match fs::metadata(os(&path)) {
        Ok(m) if !m.is_dir() => fs::remove_file(os(&path)),
        _ => fs::remove_dir(os(&path)),
    };
    match removed {
        Ok(()) => true,
        Err(e) => {
            ev.log(
                &message(&[
                    b"Can't delete mailbox ",
                    cut(mailbox),
                    b": ",
                    cut(&error_text(&e)),
                ]),
                Level::Error,
            );
            false
        }
    }
}

/// `dummy_rename`: renames the file or directory of `old` to that of
/// `new`, creating the superior directories `new` needs. A name ending in
/// `/` is allowed only for a directory.
pub fn rename(old: &[u8], new: &[u8], ev: &mut dyn Events) -> bool {
    let invalid = |ev: &mut dyn Events| {
        ev.log(
            &message(&[
                b"Can't rename ",
                cut(old),
                b" to ",
                cut(new),
                b": invalid name",
            ]),
            Level::Error,
        );
        false
    };
    let (Some(old_path), Some(mut new_path)) = (mailbox_path(old), mailbox_path(new)) else {
        return invalid(ev);
    };
    let Ok(meta) = fs::metadata(os(&old_path)) else {
        return invalid(ev);
    };
    let slash = new_path.iter().rposition(|&c| c == b'/');
    if let Some(p) = slash {
        if p + 1 == new_path.len() {
            if !meta.is_dir() {
                return invalid(ev);
            }
            new_path.pop();
        } else {
            let superior = &new_path[..=p];
            let exists = fs::metadata(os(superior)).is_ok_and(|m| m.is_dir());
            // The original passes the path where a name is expected.
            if !exists && !create(superior, ev) {
                return false;
            }
        }
    }
    match fs::rename(os(&old_path), os(&new_path)) {
        Ok(()) => true,
        Err(e) => {
            ev.log(
                &message(&[
                    b"Can't rename mailbox ",
                    cut(old),
                    b" to ",
                    cut(new),
                    b": ",
                    cut(&error_text(&e)),
                ]),
                Level::Error,
            );
            false
        }
    }
}

/// Where an append to a name the dummy driver claims must go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendTarget {
    /// INBOX: the default format's (created first when missing).
    Inbox,
    /// An empty or missing-but-allowed file: the default format's.
    DefaultFormat,
    /// A file with contents no driver recognises.
    Indeterminate,
}

/// `dummy_append`'s choice for `mailbox`; Err when it cannot be read (the
/// message, and whether to suggest creating it first).
pub fn append_target(mailbox: &[u8]) -> std::result::Result<AppendTarget, (Vec<u8>, bool)> {
    if is_inbox(mailbox) {
        return Ok(AppendTarget::Inbox);
    }
    let Some(path) = mailbox_path(mailbox) else {
        return Ok(AppendTarget::DefaultFormat);
    };
    match fs::File::open(os(&path)) {
        Err(e) => Err((
            message(&[cut(&error_text(&e)), b": ", cut(mailbox)]),
            e.kind() == io::ErrorKind::NotFound,
        )),
        Ok(f) => match f.metadata() {
            Ok(m) if m.len() > 0 => Ok(AppendTarget::Indeterminate),
            _ => Ok(AppendTarget::DefaultFormat),
        },
    }
}

/// The message for an append whose target format is unknown.
pub fn indeterminate_format(mailbox: &[u8]) -> Vec<u8> {
    message(&[b"Indeterminate mailbox format: ", cut(mailbox)])
}

/// The dummy driver as a core [`Driver`].
pub struct Dummy;

/// The dummy driver object.
pub static DRIVER: Dummy = Dummy;

impl Driver for Dummy {
    fn name(&self) -> &'static str {
        "dummy"
    }
    fn valid(&self, name: &[u8]) -> bool {
        valid(name)
    }
    fn open(
        &self,
        name: &[u8],
        options: OpenOptions,
        ev: &mut dyn Events,
    ) -> StoreResult<Box<dyn Mailbox>> {
        if let Some(text) = open_error(name) {
            let level = if options.silent {
                Level::Warn
            } else {
                Level::Error
            };
            ev.log(&text, level);
            return Err(Error::reported());
        }
        if !options.silent {
            ev.exists(0);
            ev.recent(0);
        }
        Ok(Box::new(Empty {
            read_only: options.read_only,
            none: MessageInfo::default(),
        }))
    }
    fn create(&self, name: &[u8], ev: &mut dyn Events) -> StoreResult<()> {
        create(name, ev).then_some(()).ok_or_else(Error::reported)
    }
    fn delete(&self, name: &[u8], ev: &mut dyn Events) -> StoreResult<()> {
        delete(name, ev).then_some(()).ok_or_else(Error::reported)
    }
    fn rename(&self, old: &[u8], new: &[u8], ev: &mut dyn Events) -> StoreResult<()> {
        rename(old, new, ev)
            .then_some(())
            .ok_or_else(Error::reported)
    }
    fn append(&self, name: &[u8], _: &[AppendMessage], _: &mut dyn Events) -> StoreResult<()> {
        Err(Error::new(indeterminate_format(name)))
    }
    fn status(&self, _name: &[u8], _ev: &mut dyn Events) -> StoreResult<Status> {
        Ok(Status {
            messages: Some(0),
            recent: Some(0),
            unseen: Some(0),
            uid_next: Some(1),
            uid_validity: None,
        })
    }
}

/// The empty mailbox an open dummy stream is.
pub struct Empty {
    read_only: bool,
    /// What `info` answers; callers never ask, as there are no messages.
    none: MessageInfo,
}

impl Mailbox for Empty {
    fn driver_name(&self) -> &'static str {
        "dummy"
    }
    fn count(&self) -> u32 {
        0
    }
    fn info(&self, _msgno: u32) -> MessageInfo {
        self.none.clone()
    }
    fn uid_validity(&self) -> u32 {
        0
    }
    fn uid_last(&self) -> u32 {
        0
    }
    fn keywords(&self) -> &[Vec<u8>] {
        &[]
    }
    fn permanent_flags(&self) -> Flags {
        Flags::NONE
    }
    fn read_only(&self) -> bool {
        self.read_only
    }
    fn header(&mut self, _: u32, _: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        Err(Error::new("no such message"))
    }
    fn text(&mut self, _: u32, _: &mut dyn Events) -> Result<Cow<'_, [u8]>> {
        Err(Error::new("no such message"))
    }
    fn store_flags(
        &mut self,
        _: MsgSet,
        _: Flags,
        _: u32,
        _: bool,
        _: &mut dyn Events,
    ) -> Result<()> {
        Ok(())
    }
    fn keyword_index(&mut self, _: &[u8], _: bool) -> Option<usize> {
        None
    }
    fn ping(&mut self, _: &mut dyn Events) -> Result<bool> {
        Ok(true)
    }
    fn check(&mut self, _: &mut dyn Events) -> Result<()> {
        Ok(())
    }
    fn expunge(&mut self, _: Option<MsgSet>, _: &mut dyn Events) -> Result<u32> {
        Ok(0)
    }
    fn messages_for_copy(&mut self, _: MsgSet, _: &mut dyn Events) -> Result<Vec<AppendMessage>> {
        Ok(Vec::new())
    }
    fn close(&mut self, _: bool, _: &mut dyn Events) {}
}
