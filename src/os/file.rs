//! Positional reads into a vector's spare room: a safe `read_at` needs an
//! initialised buffer, so every large read would first fill it with zeros
//! (for a mailbox rewrite or a parse window that is as much work as the
//! read itself).

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;

/// Appends up to `len` bytes of `file` from `offset` to `buf`, with as many
/// `pread(2)` calls as it takes (fewer bytes only at the end of the file).
/// Returns how many were appended; on an error nothing is appended.
pub fn read_append_at(
    file: &File,
    offset: u64,
    len: usize,
    buf: &mut Vec<u8>,
) -> io::Result<usize> {
    let start = buf.len();
    buf.reserve(len);
    let mut n = 0usize;
    while n < len {
        let Some(at) = offset
            .checked_add(n as u64)
            .and_then(|v| i64::try_from(v).ok())
        else {
            break;
        };
        let room = &mut buf.spare_capacity_mut()[n..len];
        // SAFETY: `room` is `len - n` bytes of the vector's allocation that
        // nobody else references; pread writes at most that many bytes into
        // it and reports how many it wrote.
        let got = unsafe {
            libc::pread(
                file.as_raw_fd(),
                room.as_mut_ptr().cast::<libc::c_void>(),
                room.len(),
                at,
            )
        };
        if got < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if got == 0 {
            break;
        }
        n += got as usize;
    }
    // SAFETY: the first `n` bytes past `start` were written by pread above
    // (each call filled the bytes it reported, in order), and `start + n`
    // is within the capacity reserved.
    unsafe { buf.set_len(start + n) };
    Ok(n)
}
