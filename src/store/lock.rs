//! Mailbox locking as the original's locking.txt describes: `.lock`
//! dot-locks beside the mailbox (through the `mlock` helper when the
//! directory is not writable), `flock` around reads and rewrites, and the
//! session lock in /tmp named from the mailbox's device and inode, with the
//! "kiss of death" hand-off between two processes.
//!
//! SKELETON: the signatures the drivers code against; the locking work
//! replaces the insides.

use super::events::Events;
use std::fs::File;

/// A held `.lock` file for a mailbox; released on drop.
#[derive(Debug)]
pub struct DotLock {
    _path: Vec<u8>,
}

/// Takes the dot-lock of the mailbox file `mailbox` (path bytes), waiting
/// up to the lock timeout and breaking a stale lock as the original does.
/// None when it could not be had (the reason has been logged); callers go
/// on as the original does in that case.
pub fn dot_lock(mailbox: &[u8], _ev: &mut dyn Events) -> Option<DotLock> {
    Some(DotLock {
        _path: mailbox.to_vec(),
    })
}

/// Kinds of `flock`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlockKind {
    Shared,
    Exclusive,
}

/// A held `flock` on an open file; released on drop (or when the file is
/// closed).
#[derive(Debug)]
pub struct Flock<'a> {
    _file: &'a File,
}

/// Takes an `flock` on `file`, waiting for it unless `nonblocking`.
pub fn flock(file: &File, _kind: FlockKind, _nonblocking: bool) -> std::io::Result<Flock<'_>> {
    Ok(Flock { _file: file })
}

/// The session lock of an open mailbox (the /tmp/.<dev>.<ino> file).
#[derive(Debug)]
pub struct SessionLock {
    _name: Vec<u8>,
}

impl SessionLock {
    /// True once another process has asked us to give the mailbox up (the
    /// kiss of death arrived). The driver then becomes read-only.
    pub fn surrender_requested(&self) -> bool {
        false
    }
}

/// Takes the session lock for the open mailbox `file`, asking a process
/// that holds it to give it up. None when the mailbox must be opened
/// read-only (another session keeps it).
pub fn session_lock(_file: &File, _ev: &mut dyn Events) -> Option<SessionLock> {
    Some(SessionLock { _name: Vec::new() })
}

/// [`session_lock`] for an internal, silent session (the original's
/// `OP_SILENT|OP_NOKOD` opens made by append and copy): never asks a holder
/// to give the mailbox up, and logs nothing; None when another session
/// holds it. SKELETON like the rest: the locking work replaces the insides.
pub fn session_lock_quiet(file: &File, ev: &mut dyn Events) -> Option<SessionLock> {
    session_lock(file, ev)
}
