//! Mailbox locking as the original's locking.txt describes, interoperable
//! with the original library on the same files:
//!
//! 1. the `.lock` dot-lock beside the mailbox, held only while reading or
//!    writing it, broken when older than the lock timeout, taken through
//!    the privileged `mlock` helper when the directory is not writable;
//! 2. `flock` on the mailbox itself (shared to read, exclusive to write),
//!    a no-op on NFS;
//! 3. the session lock: an exclusive `flock` on `/tmp/.<dev>.<ino>` (hex)
//!    held while a mailbox is open read-write, holding the holder's PID so
//!    that a newcomer can send it the "kiss of death" (SIGUSR2) and take
//!    the mailbox over.
//!
//! The system calls std lacks go through `crate::os::lock`.

use super::events::{Events, Level};
use crate::env::config;
use crate::env::params::{self, Owner};
use crate::os::lock as sys;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

/// Mode of session-lock files; every user must be able to open them, so
/// the original forbids changing it.
pub const SHARED_LOCK_MODE: u32 = 0o666;

/// How long an opener keeps asking a session-lock holder to leave, in
/// one-second tries (the original's `KODRETRY`).
pub const KISS_OF_DEATH_RETRIES: u32 = 15;

/// The longest mailbox name a dot-lock is made for (longer is refused).
const MAX_DOT_LOCK_NAME: usize = 512;

/// The parameters locking reads from `mail_parameters`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockOptions {
    /// Minutes after which a dot-lock is considered stale
    /// (`SET_LOCKTIMEOUT`, default 5).
    pub timeout_minutes: i64,
    /// Mode given to `.lock` files and session locks the drivers make
    /// (`SET_LOCKPROTECTION`, default 0666).
    pub lock_mode: u32,
    /// Warn when a `.lock` cannot be made (`SET_LOCKEACCESERROR`).
    pub warn_on_lock_failure: bool,
    /// The server runs in a chroot jail (`SET_CHROOTSERVER`): session
    /// locks go to the root directory and `mlock` is never used.
    pub closed_box: bool,
    /// Directory of session locks (`/tmp`; the root in a closed box).
    pub session_dir: Vec<u8>,
    /// The `mlock` helper, None when there is none (or it is disabled).
    pub lock_program: Option<Vec<u8>>,
}

impl LockOptions {
    /// The settings now in force.
    pub fn current() -> Self {
        let closed_box = params::number(Owner::Env, 213) != 0;
        LockOptions {
            timeout_minutes: params::number(Owner::Env, 544),
            lock_mode: params::number(Owner::Env, 504) as u32,
            warn_on_lock_failure: params::number(Owner::Env, 518) != 0,
            closed_box,
            session_dir: if closed_box {
                Vec::new()
            } else {
                b"/tmp".to_vec()
            },
            lock_program: lock_program(),
        }
    }
}

/// The port's `mlock`: the configured path if it exists, else the first of
/// the usual places that exists (the original settles this the same way).
pub fn lock_program() -> Option<Vec<u8>> {
    let exists = |p: &str| Path::new(p).exists();
    let configured = config::lockpgm();
    if !configured.is_empty() {
        return exists(configured).then(|| configured.as_bytes().to_vec());
    }
    config::LOCKPGM_CANDIDATES
        .iter()
        .find(|p| exists(p))
        .map(|p| p.as_bytes().to_vec())
}

fn path(bytes: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(bytes))
}

/// The C library's text for an I/O error (`strerror`), as the original's
/// messages show it.
pub fn error_text(e: &io::Error) -> Vec<u8> {
    match e.raw_os_error() {
        Some(code) => sys::strerror(code),
        None => e.to_string().into_bytes(),
    }
}

/// `%.80s`: at most 80 bytes of `s`.
fn at_most_80(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

fn message(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn now() -> i64 {
    crate::os::clock::now()
}

fn sleep_one_second() {
    std::thread::sleep(Duration::from_secs(1));
}

// ---------------------------------------------------------------------------
// Lock names

/// What `lstat` says about a lock name: absent, a symbolic link (refused,
/// logged), or a file with this many links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockNameState {
    Absent,
    Symlink,
    Links(u64),
}

/// Checks that `name` is not a symbolic link (`chk_notsymlink`); a symlink
/// is logged as the original does. Also returns the metadata when found.
pub fn check_not_symlink(
    name: &[u8],
    ev: &mut dyn Events,
) -> (LockNameState, Option<fs::Metadata>) {
    match fs::symlink_metadata(path(name)) {
        Err(_) => (LockNameState::Absent, None),
        Ok(m) if m.file_type().is_symlink() => {
            ev.log(b"symbolic link on lock name", Level::Error);
            sys::syslog(
                sys::LOG_CRIT,
                &message(&[
                    b"SECURITY PROBLEM: symbolic link on lock name: ",
                    at_most_80(name),
                ]),
            );
            (LockNameState::Symlink, Some(m))
        }
        Ok(m) => (LockNameState::Links(m.nlink()), Some(m)),
    }
}

/// The session-lock name for the file with device `dev` and inode `ino`:
/// `<dir>/.<dev>.<ino>` in lower-case hex, as the original names it.
pub fn session_lock_name(dir: &[u8], dev: u64, ino: u64) -> Vec<u8> {
    let mut name = dir.to_vec();
    name.extend_from_slice(format!("/.{dev:x}.{ino:x}").as_bytes());
    name
}

/// The dot-lock name of mailbox file `mailbox`: `<mailbox>.lock`.
pub fn dot_lock_name(mailbox: &[u8]) -> Vec<u8> {
    let mut name = mailbox.to_vec();
    name.extend_from_slice(b".lock");
    name
}

// ---------------------------------------------------------------------------
// Exclusive create

/// Result of one exclusive-create attempt (`crexcl`).
#[derive(Debug)]
pub enum Create {
    /// The file is ours.
    Created,
    /// Someone else has it; try again later.
    Busy,
    /// Creation is impossible (protection, missing directory, ...).
    Failed(io::Error),
}

fn create_new(name: &[u8], mode: u32) -> io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path(name))?;
    // The original clears its umask around the create; setting the mode
    // afterwards gives the same file whatever our umask is.
    let _ = file.set_permissions(fs::Permissions::from_mode(mode));
    Ok(file)
}

/// Creates `name` only if it does not exist (`crexcl`). With
/// `config::nfs_safe_create()` a uniquely named "hitching post" is made and linked
/// to `name`, success read from its link count (O_EXCL is not atomic over
/// old NFS); where links are refused (FAT) it falls back to O_EXCL.
pub fn create_exclusive(name: &[u8]) -> Create {
    let busy_or_failed = |e: io::Error| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Create::Busy
        } else {
            Create::Failed(e)
        }
    };
    if !config::nfs_safe_create() {
        return match create_new(name, SHARED_LOCK_MODE) {
            Ok(_) => Create::Created,
            Err(e) => busy_or_failed(e),
        };
    }
    let mut hitch = name.to_vec();
    hitch.extend_from_slice(format!(".{}.{}.", now(), sys::getpid()).as_bytes());
    hitch.extend_from_slice(&sys::hostname());
    let post = match create_new(&hitch, SHARED_LOCK_MODE) {
        Ok(f) => f,
        Err(e) => return busy_or_failed(e),
    };
    drop(post);
    // link() may report failure after succeeding (NFS retransmission), so
    // the link count decides.
    let link_error = fs::hard_link(path(&hitch), path(name)).err();
    let linked = fs::metadata(path(&hitch)).is_ok_and(|m| m.nlink() == 2);
    let outcome = if linked {
        Create::Created
    } else if link_error
        .as_ref()
        .and_then(io::Error::raw_os_error)
        .is_some_and(|c| c == libc::EPERM)
    {
        match create_new(name, SHARED_LOCK_MODE) {
            Ok(_) => Create::Created,
            Err(e) => busy_or_failed(e),
        }
    } else {
        Create::Busy
    };
    let _ = fs::remove_file(path(&hitch));
    outcome
}

// ---------------------------------------------------------------------------
// Dot-locks

/// A held `.lock` file for a mailbox; released on drop.
#[derive(Debug)]
pub struct DotLock {
    path: Vec<u8>,
    /// Set when `mlock` made the lock: it removes it once told to.
    helper: Option<sys::HelperPipes>,
    released: bool,
}

/// Why a dot-lock was not had.
#[derive(Debug, PartialEq, Eq)]
pub enum DotLockRefused {
    /// The mailbox name is too long to lock.
    NameTooLong,
    /// The lock name is a symbolic link (logged; the original keeps the
    /// lock name in its DOTLOCK in this case only).
    Symlink,
    /// Could not be made (reported as the original does); the caller goes
    /// on without a dot-lock.
    Failed,
}

impl DotLock {
    /// The `.lock` file's name.
    pub fn path(&self) -> &[u8] {
        &self.path
    }

    /// Whether the lock is held through the `mlock` helper.
    pub fn through_helper(&self) -> bool {
        self.helper.is_some()
    }

    /// Removes the lock (or tells `mlock` to). True on success.
    pub fn release(mut self) -> bool {
        self.release_now()
    }

    fn release_now(&mut self) -> bool {
        if self.released {
            return true;
        }
        self.released = true;
        match self.helper.take() {
            Some(pipes) => sys::write_byte(pipes.to_helper.as_raw_fd(), b'+'),
            None => fs::remove_file(path(&self.path)).is_ok(),
        }
    }

    /// Gives up ownership without releasing: the name and, for a helper
    /// lock, the (read, write) pipe ends. For the C `DOTLOCK`.
    pub fn into_raw_parts(mut self) -> (Vec<u8>, Option<(OwnedFd, OwnedFd)>) {
        self.released = true;
        let pipes = self.helper.take().map(|p| (p.from_helper, p.to_helper));
        (std::mem::take(&mut self.path), pipes)
    }

    /// Rebuilds a held lock from the C `DOTLOCK` parts.
    pub fn from_raw_parts(path: Vec<u8>, pipes: Option<(OwnedFd, OwnedFd)>) -> Self {
        DotLock {
            path,
            helper: pipes.map(|(from_helper, to_helper)| sys::HelperPipes {
                from_helper,
                to_helper,
            }),
            released: false,
        }
    }
}

impl Drop for DotLock {
    fn drop(&mut self) {
        self.release_now();
    }
}

/// Takes the dot-lock of the mailbox file `mailbox` (path bytes), waiting
/// up to the lock timeout and breaking a stale lock as the original does.
/// None when it could not be had (the reason has been logged); callers go
/// on as the original does in that case.
pub fn dot_lock(mailbox: &[u8], ev: &mut dyn Events) -> Option<DotLock> {
    dot_lock_with(mailbox, None, &LockOptions::current(), ev).ok()
}

/// The dot-lock and the open mailbox file in the original's order
/// (`unix_lock`): a quiet dot-lock first; failing that, the file opened
/// and the dot-lock tried again with it, when the `mlock` helper may make
/// it and a protection failure is reported ("Mailbox vulnerable -
/// directory ... must have 1777 protection", the FAQ's message); after a
/// lock made that way the file is opened afresh.
pub fn dot_lock_open(
    mailbox: &[u8],
    open: impl Fn() -> io::Result<File>,
    ev: &mut dyn Events,
) -> (Option<DotLock>, io::Result<File>) {
    if let Some(dot) = dot_lock(mailbox, ev) {
        return (Some(dot), open());
    }
    let first = open();
    let fd = match &first {
        Ok(f) => f.as_raw_fd(),
        Err(_) => return (None, first),
    };
    match dot_lock_with(mailbox, Some(fd), &LockOptions::current(), ev) {
        Ok(dot) => {
            drop(first);
            (Some(dot), open())
        }
        Err(_) => (None, first),
    }
}

/// `dotlock_lock`: the dot-lock of `mailbox`. `open_fd` is the mailbox
/// open by the caller, or None for the quiet first attempt; only with it
/// are failures reported and `mlock` tried.
pub fn dot_lock_with(
    mailbox: &[u8],
    open_fd: Option<RawFd>,
    opts: &LockOptions,
    ev: &mut dyn Events,
) -> Result<DotLock, DotLockRefused> {
    if mailbox.len() > MAX_DOT_LOCK_NAME {
        return Err(DotLockRefused::NameTooLong);
    }
    let lock = dot_lock_name(mailbox);
    let timeout = opts.timeout_minutes.saturating_mul(60);
    let mut remaining = timeout;
    let mut last = loop {
        let (state, meta) = check_not_symlink(&lock, ev);
        if state == LockNameState::Symlink {
            return Err(DotLockRefused::Symlink);
        }
        if let (LockNameState::Links(_), Some(m)) = (state, &meta) {
            if now() >= m.ctime().saturating_add(timeout) {
                remaining = 0; // stale: stop waiting
            }
        }
        match create_exclusive(&lock) {
            Create::Created => {
                let _ =
                    fs::set_permissions(path(&lock), fs::Permissions::from_mode(opts.lock_mode));
                return Ok(DotLock {
                    path: lock,
                    helper: None,
                    released: false,
                });
            }
            Create::Busy => {
                if remaining % 15 == 0 {
                    ev.log(
                        &message(&[
                            b"Mailbox ",
                            at_most_80(mailbox),
                            format!(" is locked, will override in {remaining} seconds...")
                                .as_bytes(),
                        ]),
                        Level::Warn,
                    );
                }
                sleep_one_second();
            }
            Create::Failed(e) => {
                break Some(e);
            }
        }
        if remaining <= 0 {
            break None;
        }
        remaining -= 1;
    };
    if last.is_none() {
        // Still busy after the timeout: seize the lock.
        let (state, meta) = check_not_symlink(&lock, ev);
        if state == LockNameState::Symlink {
            return Err(DotLockRefused::Symlink);
        }
        if let (LockNameState::Links(_), Some(m)) = (state, &meta) {
            let age = now() - m.ctime();
            if age < timeout {
                ev.log(
                    format!("Mailbox vulnerable - seizing {age} second old lock").as_bytes(),
                    Level::Warn,
                );
            }
        }
        let _ = fs::remove_file(path(&lock));
        let seized = OpenOptions::new()
            .write(true)
            .create(true)
            .mode(opts.lock_mode)
            .open(path(&lock));
        match seized {
            Ok(_) => {
                ev.log(
                    &message(&[b"Mailbox ", at_most_80(mailbox), b" lock overridden"]),
                    Level::Info,
                );
                let _ =
                    fs::set_permissions(path(&lock), fs::Permissions::from_mode(opts.lock_mode));
                return Ok(DotLock {
                    path: lock,
                    helper: None,
                    released: false,
                });
            }
            Err(e) => last = Some(e),
        }
    }
    let error = last.unwrap_or_else(|| io::Error::from_raw_os_error(libc::EEXIST));
    if let Some(fd) = open_fd {
        if let Some(held) = dot_lock_failed(mailbox, &lock, fd, &error, opts, ev) {
            return Ok(held);
        }
    }
    Err(DotLockRefused::Failed)
}

/// After a failed dot-lock with the mailbox open: on a protection failure
/// try `mlock`, then warn as the original does.
fn dot_lock_failed(
    mailbox: &[u8],
    lock: &[u8],
    fd: RawFd,
    error: &io::Error,
    opts: &LockOptions,
    ev: &mut dyn Events,
) -> Option<DotLock> {
    if error.raw_os_error() == Some(libc::EACCES) {
        ev.critical(true);
        let helped = if opts.closed_box {
            None
        } else {
            opts.lock_program
                .as_deref()
                .and_then(|program| lock_through_helper(program, fd, mailbox, opts))
        };
        ev.critical(false);
        if let Some(pipes) = helped {
            return Some(DotLock {
                path: lock.to_vec(),
                helper: Some(pipes),
                released: false,
            });
        }
        let dir_end = lock.iter().rposition(|&b| b == b'/');
        if let Some(end) = dir_end {
            let dir = &lock[..end];
            // The original masks with decimal 1777 (not octal): only a
            // directory with all those bits passes on to the second warning.
            let bits = fs::metadata(path(dir)).map_or(0, |m| m.mode() & 1777);
            if bits != 1777 {
                if opts.warn_on_lock_failure {
                    ev.log(
                        &message(&[
                            b"Mailbox vulnerable - directory ",
                            at_most_80(dir),
                            b" must have 1777 protection",
                        ]),
                        Level::Warn,
                    );
                }
                return None;
            }
        }
    }
    if opts.warn_on_lock_failure {
        ev.log(
            &message(&[
                b"Mailbox vulnerable - error creating ",
                at_most_80(lock),
                b": ",
                &error_text(error),
            ]),
            Level::Warn,
        );
    }
    None
}

/// Runs `mlock <fd> <mailbox>` and waits up to the lock timeout for its
/// verdict byte: `+` means it holds the lock until we write a byte back.
fn lock_through_helper(
    program: &[u8],
    fd: RawFd,
    mailbox: &[u8],
    opts: &LockOptions,
) -> Option<sys::HelperPipes> {
    let pipes = sys::spawn_lock_helper(program, fd, mailbox).ok()?;
    let verdict =
        sys::read_byte_within(&pipes.from_helper, opts.timeout_minutes.saturating_mul(60));
    (verdict == Some(b'+')).then_some(pipes)
}

// ---------------------------------------------------------------------------
// flock

/// Kinds of `flock`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlockKind {
    Shared,
    Exclusive,
}

impl FlockKind {
    fn op(self) -> i32 {
        match self {
            FlockKind::Shared => sys::LOCK_SH,
            FlockKind::Exclusive => sys::LOCK_EX,
        }
    }
}

/// A held `flock` on an open file; released on drop (or when the file is
/// closed).
#[derive(Debug)]
pub struct Flock<'a> {
    file: &'a File,
    released: bool,
}

impl Flock<'_> {
    /// The locked file.
    pub fn file(&self) -> &File {
        self.file
    }

    /// Releases the lock now.
    pub fn release(mut self) {
        self.unlock();
    }

    fn unlock(&mut self) {
        if !self.released {
            self.released = true;
            let _ = safe_flock(self.file.as_raw_fd(), sys::LOCK_UN, &mut NoEvents);
        }
    }

    /// Keeps the lock past this value's life (released when the file is
    /// closed or by an explicit `flock(LOCK_UN)`).
    pub fn keep(mut self) {
        self.released = true;
    }
}

impl Drop for Flock<'_> {
    fn drop(&mut self) {
        self.unlock();
    }
}

/// Takes an `flock` on `file`, waiting for it unless `nonblocking`.
pub fn flock(file: &File, kind: FlockKind, nonblocking: bool) -> io::Result<Flock<'_>> {
    flock_with(file, kind, nonblocking, &mut NoEvents)
}

/// [`flock`] reporting lock-table trouble through `ev`.
pub fn flock_with<'a>(
    file: &'a File,
    kind: FlockKind,
    nonblocking: bool,
    ev: &mut dyn Events,
) -> io::Result<Flock<'a>> {
    let op = kind.op() | if nonblocking { sys::LOCK_NB } else { 0 };
    safe_flock(file.as_raw_fd(), op, ev)?;
    Ok(Flock {
        file,
        released: false,
    })
}

/// `flock` as the original's Linux `safe_flock`: a no-op on NFS (where
/// Linux answers ENOLCK instead), retried on EINTR, and on a full lock
/// table a warning then (blocking) a retry five seconds later.
/// `WouldBlock` when a non-blocking lock is held elsewhere.
pub fn safe_flock(fd: RawFd, op: i32, ev: &mut dyn Events) -> io::Result<()> {
    if sys::is_nfs(fd) != Some(false) {
        // NFS, or a descriptor fstatfs cannot read: the original skips
        // the lock in both cases.
        return Ok(());
    }
    let mut logged = false;
    loop {
        let Err(e) = sys::flock_raw(fd, op) else {
            return Ok(());
        };
        match e.raw_os_error() {
            Some(libc::EINTR) => {}
            Some(libc::ENOLCK) => {
                let text = message(&[b"File locking failure: ", &error_text(&e)]);
                ev.log(&text, Level::Warn);
                if !logged {
                    logged = true;
                    sys::syslog(sys::LOG_ERR, &text);
                }
                if op & sys::LOCK_NB != 0 {
                    return Err(e);
                }
                std::thread::sleep(Duration::from_secs(5));
            }
            // The original treats anything else as fatal; we hand it back.
            _ => return Err(e),
        }
    }
}

/// An Events sink that drops everything (for paths with nothing to say).
pub struct NoEvents;

impl Events for NoEvents {
    fn exists(&mut self, _: u32) {}
    fn recent(&mut self, _: u32) {}
    fn expunged(&mut self, _: u32) {}
    fn flags(&mut self, _: u32) {}
    fn notify(&mut self, _: &[u8], _: Level) {}
    fn log(&mut self, _: &[u8], _: Level) {}
    fn list(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn lsub(&mut self, _: Option<u8>, _: &[u8], _: i64) {}
    fn status(&mut self, _: &[u8], _: &super::events::Status) {}
    fn critical(&mut self, _: bool) {}
    fn disk_error(&mut self, _: i32, _: bool) -> bool {
        true
    }
}

// ---------------------------------------------------------------------------
// The mailbox lock around each read or rewrite (unix_lock / unix_unlock)

/// A mailbox opened and locked for one read or rewrite: its dot-lock (if
/// one could be had) and an `flock` on the descriptor.
#[derive(Debug)]
pub struct LockedMailbox {
    pub file: File,
    dot: Option<DotLock>,
}

impl LockedMailbox {
    /// The dot-lock held, if any.
    pub fn dot_lock(&self) -> Option<&DotLock> {
        self.dot.as_ref()
    }

    /// The open file and the dot-lock, for callers that keep them apart
    /// (the C `unix_lock` hands the dot-lock back in a `DOTLOCK`).
    /// The `flock` stays on the file.
    pub fn into_parts(self) -> (File, Option<DotLock>) {
        (self.file, self.dot)
    }

    /// Reassembles a locked mailbox from [`LockedMailbox::into_parts`].
    pub fn from_parts(file: File, dot: Option<DotLock>) -> Self {
        LockedMailbox { file, dot }
    }

    /// Releases the `flock` and the dot-lock, keeping the file open.
    pub fn unlock(mut self) -> File {
        let _ = safe_flock(self.file.as_raw_fd(), sys::LOCK_UN, &mut NoEvents);
        if let Some(dot) = self.dot.take() {
            dot.release();
        }
        self.file
    }
}

/// Opens mailbox `mailbox` with `open` and locks it as the original's
/// `unix_lock`: a quiet dot-lock first; failing that the mailbox is opened
/// and the dot-lock retried with it (reporting, and trying `mlock`), then
/// reopened fresh; finally an `flock` of `kind`.
pub fn lock_mailbox_file(
    mailbox: &[u8],
    open: &OpenOptions,
    kind: FlockKind,
    ev: &mut dyn Events,
) -> io::Result<LockedMailbox> {
    lock_mailbox_file_with(mailbox, open, kind, &LockOptions::current(), ev)
}

/// [`lock_mailbox_file`] with explicit options.
pub fn lock_mailbox_file_with(
    mailbox: &[u8],
    open: &OpenOptions,
    kind: FlockKind,
    opts: &LockOptions,
    ev: &mut dyn Events,
) -> io::Result<LockedMailbox> {
    let locked = |file: File, dot: Option<DotLock>, ev: &mut dyn Events| {
        let _ = safe_flock(file.as_raw_fd(), kind.op(), ev);
        LockedMailbox { file, dot }
    };
    if let Ok(dot) = dot_lock_with(mailbox, None, opts, ev) {
        return match open.open(path(mailbox)) {
            Ok(file) => Ok(locked(file, Some(dot), ev)),
            Err(e) => {
                dot.release();
                Err(e)
            }
        };
    }
    let file = open.open(path(mailbox))?;
    match dot_lock_with(mailbox, Some(file.as_raw_fd()), opts, ev) {
        Ok(dot) => {
            // A fresh descriptor in case the file was replaced meanwhile.
            drop(file);
            match open.open(path(mailbox)) {
                Ok(file) => Ok(locked(file, Some(dot), ev)),
                Err(e) => {
                    dot.release();
                    Err(e)
                }
            }
        }
        Err(_) => Ok(locked(file, None, ev)),
    }
}

// ---------------------------------------------------------------------------
// Session locks

/// Why `lock_work` gave no lock.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionRefused {
    /// Another process holds it; its PID when the lock file names one.
    Held { pid: Option<i64> },
    /// The lock file could not be used (reported).
    Unusable,
}

/// The session lock of an open mailbox (the /tmp/.<dev>.<ino> file).
#[derive(Debug)]
pub struct SessionLock {
    name: Vec<u8>,
    file: Option<File>,
}

impl SessionLock {
    /// True once another process has asked us to give the mailbox up (the
    /// kiss of death arrived). The driver then becomes read-only. Only
    /// reported when the program armed [`accept_kiss_of_death`]; otherwise
    /// the signal keeps its default effect and ends the process, as with
    /// the original.
    pub fn surrender_requested(&self) -> bool {
        sys::surrender_requested()
    }

    /// The lock file's name.
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The open lock file.
    pub fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }

    /// Ends a read-write session as the drivers do: unlock, close and
    /// remove the lock file.
    pub fn release(mut self) {
        self.release_now();
    }

    fn release_now(&mut self) {
        if let Some(file) = self.file.take() {
            let _ = safe_flock(file.as_raw_fd(), sys::LOCK_UN, &mut NoEvents);
            drop(file);
            let _ = fs::remove_file(path(&self.name));
        }
    }

    /// `unlockfd`: removes the lock file only if nobody else shares it,
    /// then unlocks and closes.
    pub fn unlock_shared(mut self) {
        if let Some(file) = self.file.take() {
            unlock_session_file(file, &self.name);
        }
    }

    /// Gives up ownership without unlocking: the name and the descriptor
    /// (for the C `lockfd`/`lockname` callers).
    pub fn into_raw_parts(mut self) -> (Vec<u8>, Option<File>) {
        (std::mem::take(&mut self.name), self.file.take())
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        self.release_now();
    }
}

/// `unlockfd` on an open lock file: remove the name if we can get it
/// exclusively (no sharers), unlock, close.
pub fn unlock_session_file(file: File, name: &[u8]) {
    let fd = file.as_raw_fd();
    if safe_flock(fd, sys::LOCK_EX | sys::LOCK_NB, &mut NoEvents).is_ok() {
        let _ = fs::remove_file(path(name));
    }
    let _ = safe_flock(fd, sys::LOCK_UN, &mut NoEvents);
    drop(file);
}

/// Arms the kiss-of-death flag for this process: SIGUSR2 then only sets
/// the flag [`SessionLock::surrender_requested`] reports. For programs
/// that surrender the mailbox instead of dying.
pub fn accept_kiss_of_death() {
    sys::arm_surrender_flag();
}

/// Forgets a kiss of death already received.
pub fn clear_surrender_request() {
    sys::clear_surrender_request();
}

/// `atol` of the lock file's contents: optional blanks and sign, digits.
fn leading_number(bytes: &[u8]) -> i64 {
    let s = bytes
        .iter()
        .position(|b| !b" \t\n\r\x0b\x0c".contains(b))
        .map_or(&[][..], |i| &bytes[i..]);
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &d in digits.iter().take_while(|d| d.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add(i64::from(d - b'0'));
    }
    if negative {
        n.wrapping_neg()
    } else {
        n
    }
}

fn open_lock_file(name: &[u8], create: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).mode(SHARED_LOCK_MODE);
    if create {
        o.create_new(true);
    }
    o.open(path(name))
}

/// `lock_work`: takes an `flock` of `op` (`LOCK_SH`/`LOCK_EX`, maybe with
/// `LOCK_NB`) on the session lock of the file with `dev`/`ino`, creating
/// it. When held elsewhere, the holder's PID is read from the file.
pub fn lock_work(
    dev: u64,
    ino: u64,
    op: i32,
    opts: &LockOptions,
    ev: &mut dyn Events,
) -> Result<SessionLock, SessionRefused> {
    let name = session_lock_name(&opts.session_dir, dev, ino);
    // Looks again at a name seen with no links, a bounded number of times:
    // a file system that always reports none must not make us spin.
    let mut unlinked_retries = 0u32;
    loop {
        let file = loop {
            let attempt = match check_not_symlink(&name, ev).0 {
                LockNameState::Links(1) => match open_lock_file(&name, false) {
                    Err(e)
                        if e.kind() == io::ErrorKind::NotFound
                            && check_not_symlink(&name, ev).0 == LockNameState::Absent =>
                    {
                        open_lock_file(&name, true)
                    }
                    other => other,
                },
                LockNameState::Absent => open_lock_file(&name, true),
                // The holder unlinked the name between our lookup and the
                // stat (it does so when it lets go last): look again, where
                // the original would call it a hard link and fail.
                LockNameState::Links(0) if unlinked_retries < 100 => {
                    unlinked_retries += 1;
                    continue;
                }
                LockNameState::Symlink => return Err(SessionRefused::Unusable),
                LockNameState::Links(_) => {
                    ev.log(b"hard link to lock name", Level::Error);
                    sys::syslog(
                        sys::LOG_CRIT,
                        &message(&[
                            b"SECURITY PROBLEM: hard link to lock name: ",
                            at_most_80(&name),
                        ]),
                    );
                    return Err(SessionRefused::Unusable);
                }
            };
            match attempt {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                other => break other,
            }
        };
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                sys::syslog(
                    sys::LOG_INFO,
                    &message(&[
                        b"Mailbox lock file ",
                        &name,
                        b" open failure: ",
                        &error_text(&e),
                    ]),
                );
                if !opts.closed_box {
                    let dir = &opts.session_dir;
                    match fs::metadata(path(dir)) {
                        Err(e) => sys::syslog(
                            sys::LOG_CRIT,
                            &message(&[b"SYSTEM ERROR: no ", dir, b": ", &error_text(&e)]),
                        ),
                        Ok(m) => {
                            if m.mode() & 0o1777 != 0o1777 {
                                ev.log(
                                    &message(&[
                                        b"Can't lock for write: ",
                                        at_most_80(dir),
                                        b" must have 1777 protection",
                                    ]),
                                    Level::Warn,
                                );
                            }
                        }
                    }
                }
                return Err(SessionRefused::Unusable);
            }
        };
        if safe_flock(file.as_raw_fd(), op, ev).is_err() {
            return Err(SessionRefused::Held {
                pid: holder_pid(&file),
            });
        }
        // The name must still lead to this very file, unshared by links.
        let same = fs::symlink_metadata(path(&name))
            .ok()
            .zip(file.metadata().ok());
        if let Some((named, held)) = same {
            if !named.file_type().is_symlink()
                && named.dev() == held.dev()
                && named.ino() == held.ino()
                && held.nlink() == 1
            {
                let _ =
                    fs::set_permissions(path(&name), fs::Permissions::from_mode(SHARED_LOCK_MODE));
                return Ok(SessionLock {
                    name,
                    file: Some(file),
                });
            }
        }
    }
}

/// The PID a session-lock holder wrote in the file, if a positive one.
fn holder_pid(mut file: &File) -> Option<i64> {
    let size = file.metadata().ok()?.len().min(1023) as usize;
    if size == 0 {
        return None;
    }
    let mut buf = vec![0u8; size];
    file.read_exact(&mut buf).ok()?;
    let pid = leading_number(&buf);
    (pid > 0).then_some(pid)
}

/// How an opener asks for a session lock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionRequest {
    /// A silent stream: one try, no messages, no PID in the lock (so
    /// nobody can kiss it to death).
    pub silent: bool,
    /// Do not send the kiss of death (`OP_NOKOD`).
    pub no_kiss_of_death: bool,
}

/// Takes the session lock for the open mailbox `file`, asking a process
/// that holds it to give it up. None when the mailbox must be opened
/// read-only (another session keeps it).
pub fn session_lock(file: &File, ev: &mut dyn Events) -> Option<SessionLock> {
    let opts = LockOptions::current();
    let id = file.metadata().ok().map(|m| (m.dev(), m.ino()));
    session_lock_for(id, SessionRequest::default(), &opts, ev)
}

/// The session lock of the mailbox at `mailbox` (as the drivers take it
/// before opening the file: `lockname` on the path).
pub fn session_lock_path(
    mailbox: &[u8],
    request: SessionRequest,
    opts: &LockOptions,
    ev: &mut dyn Events,
) -> Option<SessionLock> {
    let id = fs::metadata(path(mailbox)).ok().map(|m| (m.dev(), m.ino()));
    session_lock_for(id, request, opts, ev)
}

/// The opening dance of the unix and mmdf drivers: try the session lock
/// without waiting; the first time it is refused send the kiss of death
/// to the PID in the lock, then retry once a second for
/// [`KISS_OF_DEATH_RETRIES`] seconds; give up with the read-only notice.
/// On success our PID is written in the lock (unless silent).
pub fn session_lock_for(
    id: Option<(u64, u64)>,
    request: SessionRequest,
    opts: &LockOptions,
    ev: &mut dyn Events,
) -> Option<SessionLock> {
    let mut retry = if request.silent {
        1
    } else {
        KISS_OF_DEATH_RETRIES
    };
    while retry > 0 {
        let attempt = match id {
            Some((dev, ino)) => lock_work(dev, ino, sys::LOCK_EX | sys::LOCK_NB, opts, ev),
            None => Err(SessionRefused::Held { pid: None }),
        };
        match attempt {
            Ok(lock) => {
                claim_session_lock(&lock, request.silent, opts);
                sys::clear_surrender_request();
                return Some(lock);
            }
            Err(refused) => {
                let pid = match refused {
                    SessionRefused::Held { pid } => pid,
                    SessionRefused::Unusable => None,
                };
                if request.no_kiss_of_death {
                    retry = 0;
                } else {
                    let first = retry == KISS_OF_DEATH_RETRIES;
                    retry -= 1;
                    if first {
                        let kissed = pid.is_some_and(|p| {
                            i32::try_from(p).is_ok_and(|p| sys::kill(p, sys::KISS_OF_DEATH).is_ok())
                        });
                        if kissed {
                            ev.log(
                                format!(
                                    "Trying to get mailbox lock from process {}",
                                    pid.unwrap_or(0)
                                )
                                .as_bytes(),
                                Level::Warn,
                            );
                        } else {
                            retry = 0;
                        }
                    }
                }
                if !request.silent {
                    if retry > 0 {
                        sleep_one_second();
                    } else {
                        ev.log(
                            b"Mailbox is open by another process, access is readonly",
                            Level::Warn,
                        );
                    }
                }
            }
        }
    }
    None
}

/// Marks a fresh read-write session lock as ours: the configured lock
/// mode, our PID (so a later opener can ask us to leave) or nothing for a
/// silent stream, flushed to disk.
fn claim_session_lock(lock: &SessionLock, silent: bool, opts: &LockOptions) {
    let _ = fs::set_permissions(path(&lock.name), fs::Permissions::from_mode(opts.lock_mode));
    let Some(mut file) = lock.file.as_ref() else {
        return;
    };
    let mut length = 0;
    if !silent {
        let pid = sys::getpid().to_string();
        length = pid.len() as u64;
        let mut text = pid.into_bytes();
        text.push(0);
        let _ = file.write_all(&text);
    }
    let _ = file.set_len(length);
    let _ = file.sync_all();
}

#[cfg(test)]
mod tests {
    use super::super::events::Recorder;
    use super::*;

    #[test]
    fn session_lock_name_is_hex_dev_and_ino() {
        assert_eq!(session_lock_name(b"/tmp", 0x803, 0x1a2b), b"/tmp/.803.1a2b");
        assert_eq!(session_lock_name(b"", 1, 255), b"/.1.ff");
    }

    #[test]
    fn atol_reads_the_leading_number() {
        assert_eq!(leading_number(b"1234\0"), 1234);
        assert_eq!(leading_number(b"  -7x"), -7);
        assert_eq!(leading_number(b"abc"), 0);
    }

    #[test]
    fn flock_unlock_is_idempotent() {
        let dir = std::env::temp_dir().join(format!("lock-unit-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = File::create(dir.join("m")).unwrap();
        let mut ev = Recorder::new();
        let l = flock_with(&f, FlockKind::Exclusive, true, &mut ev).unwrap();
        l.release();
        let l2 = flock(&f, FlockKind::Shared, true).unwrap();
        drop(l2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mlock_helper_holds_the_lock_until_told() {
        let program = b"/usr/bin/mlock";
        if !path(program).exists() {
            eprintln!("skipped: no /usr/bin/mlock");
            return;
        }
        let dir = std::env::temp_dir().join(format!("lock-mlock-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let mailbox = dir.join("box");
        fs::write(&mailbox, b"x").unwrap();
        let file = File::open(&mailbox).unwrap();
        let name = mailbox.as_os_str().as_bytes().to_vec();
        let opts = LockOptions {
            timeout_minutes: 1,
            lock_mode: 0o666,
            warn_on_lock_failure: true,
            closed_box: false,
            session_dir: b"/tmp".to_vec(),
            lock_program: Some(program.to_vec()),
        };
        let pipes = lock_through_helper(program, file.as_raw_fd(), &name, &opts);
        let lock = dot_lock_name(&name);
        let Some(pipes) = pipes else {
            // mlock refuses unless it runs setgid mail (it is when installed).
            eprintln!("skipped: mlock did not take the lock here");
            fs::remove_dir_all(&dir).unwrap();
            return;
        };
        assert!(path(&lock).exists());
        let held = DotLock {
            path: lock.clone(),
            helper: Some(pipes),
            released: false,
        };
        assert!(held.through_helper());
        assert!(held.release());
        let mut waited = 0;
        while path(&lock).exists() && waited < 50 {
            std::thread::sleep(Duration::from_millis(100));
            waited += 1;
        }
        assert!(!path(&lock).exists(), "mlock did not remove the lock");
        fs::remove_dir_all(&dir).unwrap();
    }
}
