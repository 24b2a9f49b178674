//! Small pieces every file-based driver needs: names as paths, the
//! original's "%.80s" cut, message assembly, logged failures, and opening
//! a mailbox file for writing with the read-only fallback.

use super::events::{Events, Level};
use super::mailbox::Error;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::LazyLock;

/// A mailbox name's bytes as a path (names are bytes, not UTF-8).
pub(crate) fn path_of(p: &[u8]) -> &Path {
    Path::new(std::ffi::OsStr::from_bytes(p))
}

/// The first 80 bytes, as the original's "%.80s" prints a name.
pub(crate) fn s80(s: &[u8]) -> &[u8] {
    &s[..s.len().min(80)]
}

/// Where the first CRLF CRLF (a CRLF text's blank line) in `hay` starts.
/// The searcher is built once: building one costs more than searching a
/// message header with it.
pub(crate) fn find_crlf_crlf(hay: &[u8]) -> Option<usize> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\r\n\r\n"));
    FINDER.find(hay)
}

/// Where the first LF LF (an LF text's blank line) in `hay` starts, as
/// [`find_crlf_crlf`].
pub(crate) fn find_lf_lf(hay: &[u8]) -> Option<usize> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\n\n"));
    FINDER.find(hay)
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

/// `len` bytes of `file` from `at` in a new vector, read without filling
/// it with zeros first; an error when the file ends before them (as
/// `read_exact_at`).
pub(crate) fn read_exact_vec(file: &File, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    read_exact_append(file, at, len, &mut v)?;
    Ok(v)
}

/// [`read_exact_vec`] appending to `buf` (left as it was on an error).
pub(crate) fn read_exact_append(
    file: &File,
    at: u64,
    len: usize,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let start = buf.len();
    if crate::os::file::read_append_at(file, at, len, buf)? < len {
        buf.truncate(start);
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// Appends `v` in lower-case hex, zero-padded to `width` digits (as
/// `%0*lx`); the records are written with this rather than `format!`
/// since an index or status file has a line for every message.
pub(crate) fn push_hex(out: &mut Vec<u8>, v: u64, width: usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 16];
    let mut n = 0;
    let mut x = v;
    loop {
        buf[15 - n] = DIGITS[(x & 15) as usize];
        n += 1;
        x >>= 4;
        if x == 0 {
            break;
        }
    }
    out.extend(std::iter::repeat_n(b'0', width.saturating_sub(n)));
    out.extend_from_slice(&buf[16 - n..]);
}

/// The last message read whole, kept for the header and text requests
/// that follow it (a structure fetch asks for both, and a client then
/// usually asks for each again): one read a message instead of four.
/// `key` names the bytes (number, UID and place in the file), so a message
/// renumbered or moved since is read again.
#[derive(Default)]
pub(crate) struct LastRead {
    key: Option<[u64; 3]>,
    data: Vec<u8>,
    header: usize,
}

impl LastRead {
    /// Messages up to this size are read whole; a bigger one's header is
    /// read alone (a header fetch must not read a large attachment).
    pub(crate) const WHOLE: usize = 256 * 1024;

    pub(crate) fn holds(&self, key: [u64; 3]) -> bool {
        self.key == Some(key)
    }

    /// Drops what is kept (and a large buffer with it).
    pub(crate) fn forget(&mut self) {
        self.key = None;
        self.data.clear();
        if self.data.capacity() > Self::WHOLE {
            self.data = Vec::new();
        }
    }

    /// An empty buffer to fill for `key`; [`Self::keep`] then says where
    /// the header ends.
    pub(crate) fn start(&mut self) -> &mut Vec<u8> {
        self.forget();
        &mut self.data
    }

    pub(crate) fn keep(&mut self, key: [u64; 3], header: usize) {
        self.header = header.min(self.data.len());
        self.key = Some(key);
    }

    pub(crate) fn header(&self) -> &[u8] {
        &self.data[..self.header]
    }

    pub(crate) fn text(&self) -> &[u8] {
        &self.data[self.header..]
    }

    /// Everything kept, for a format whose record precedes the header.
    pub(crate) fn data(&self) -> &[u8] {
        &self.data
    }
}
