//! File status relative to an open directory (`fstatat`): the directory
//! formats look at thousands of files of one directory, and naming each
//! from the directory's descriptor spares the kernel walking the whole path
//! every time.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;

/// What the directory formats want of a file's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime: i64,
    pub atime: i64,
}

/// The status of `name` (one path component, no NUL) in the directory open
/// as `dir`, following symbolic links as `stat` does.
pub fn stat_at(dir: &File, name: &[u8]) -> io::Result<Stat> {
    if name.contains(&0) {
        return Err(io::Error::from(io::ErrorKind::InvalidInput));
    }
    let mut c = Vec::with_capacity(name.len() + 1);
    c.extend_from_slice(name);
    c.push(0);
    // SAFETY: `c` is NUL-terminated and lives across the call; `st` is a
    // plain C struct the call fills; the descriptor is `dir`'s, open.
    let st = unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstatat(
            dir.as_raw_fd(),
            c.as_ptr() as *const libc::c_char,
            &mut st,
            0,
        ) != 0
        {
            return Err(io::Error::last_os_error());
        }
        st
    };
    Ok(Stat {
        size: st.st_size as u64,
        mtime: st.st_mtime,
        atime: st.st_atime,
    })
}
