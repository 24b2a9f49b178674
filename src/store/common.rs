//! Small pieces every file-based driver needs: names as paths, the
//! original's "%.80s" cut, message assembly, logged failures, and opening
//! a mailbox file for writing with the read-only fallback.

use super::events::{Events, Level};
use super::mailbox::Error;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A mailbox name's bytes as a path (names are bytes, not UTF-8).
pub(crate) fn path_of(p: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(p))
}

/// The first 80 bytes, as the original's "%.80s" prints a name.
pub(crate) fn s80(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

/// The parts of a message text, joined.
pub(crate) fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Logs `text` as an error and gives the "already reported" error.
pub(crate) fn fail(ev: &mut dyn Events, text: &[u8]) -> Error {
    ev.log(text, Level::Error);
    Error::reported()
}

/// Opens a mailbox file for reading and writing unless `read_only`; when
/// only reading is allowed, opens it read-only, warns as the original does
/// and sets `read_only`. The error is the read-only open's.
pub(crate) fn open_mailbox_file(
    path: &Path,
    read_only: &mut bool,
    ev: &mut dyn Events,
) -> std::io::Result<File> {
    if !*read_only {
        if let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
        {
            return Ok(f);
        }
    }
    let f = File::open(path)?;
    if !*read_only {
        ev.log(
            b"Can't get write access to mailbox, access is readonly",
            Level::Warn,
        );
        *read_only = true;
    }
    Ok(f)
}
