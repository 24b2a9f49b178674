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

/// Copies `len` bytes of `src` from `src_at` to `dst` at `dst_at` inside
/// the kernel with `copy_file_range(2)` (no pass through a user buffer).
/// `src` and `dst` may be the same file when the two ranges do not
/// overlap. Returns how many bytes were copied, all of them unless an
/// error stopped the copy part-way; `Err` only when nothing was copied.
/// The caller finishes a short copy its own way (EINVAL, EXDEV, ENOSYS,
/// EOPNOTSUPP: file systems or kernels without the call).
pub fn copy_range(src: &File, src_at: u64, dst: &File, dst_at: u64, len: u64) -> io::Result<u64> {
    let mut done = 0u64;
    while done < len {
        // Offsets past i64 (or u64) are left to the caller's own path.
        let offset = |at: u64| at.checked_add(done).and_then(|v| i64::try_from(v).ok());
        let (Some(mut from), Some(mut to)) = (offset(src_at), offset(dst_at)) else {
            break;
        };
        // At most 1 GiB a call (the kernel caps a call near 2 GiB).
        let want = (len - done).min(1 << 30) as usize;
        // SAFETY: both descriptors are open files that outlive the call;
        // the offsets are local variables the kernel reads and updates.
        let got = unsafe {
            libc::copy_file_range(
                src.as_raw_fd(),
                &mut from,
                dst.as_raw_fd(),
                &mut to,
                want,
                0,
            )
        };
        if got < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if done == 0 {
                return Err(e);
            }
            break;
        }
        if got == 0 {
            // The source ended early.
            break;
        }
        done += got as u64;
    }
    Ok(done)
}
