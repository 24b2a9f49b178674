//! STRING: the original's sequential byte source, read through the header
//! macros `INIT`, `SIZE`, `GETPOS`, `SETPOS`, `SNX` and `CHR`.
//!
//! Programs expand those macros inline, so the three drivers here must leave
//! `curpos`, `cursize`, `chunk`, `offset` and `data1` exactly where the
//! original's drivers leave them: the macros read the fields directly and
//! only call the driver's `next` when `cursize` runs out.
//!
//! Also here: the routines of the original that walk a STRING through the
//! macros (`strcrlflen`, `textcpystring`, `textcpyoffstring`) and the CRLF
//! copier `strcrlfcpy`.

use super::bindings::{FDDATA, SIZEDTEXT, STRING};
use super::memory::{fs_get, fs_give};
use crate::message::encoding::{crlf_convert, crlf_room};
use std::os::raw::{c_char, c_ulong, c_void};

// --- The header macros, as Rust helpers -------------------------------------

/// `GETPOS(s)`: the offset of the chunk plus the position inside it.
///
/// # Safety
/// `s` must point to a STRING set up by a driver's init.
pub unsafe fn getpos(s: *const STRING) -> c_ulong {
    // SAFETY: the caller guarantees `s` is a valid STRING; pointer fields are
    // only compared as addresses, never dereferenced here.
    let s = unsafe { &*s };
    s.offset
        .wrapping_add((s.curpos as usize).wrapping_sub(s.chunk as usize) as c_ulong)
}

/// `SIZE(s)`: the bytes left to read.
///
/// # Safety
/// As for [`getpos`].
pub unsafe fn size(s: *const STRING) -> c_ulong {
    // SAFETY: forwarded contract.
    unsafe { (*s).size.wrapping_sub(getpos(s)) }
}

/// `SETPOS(s, i)`: through the STRING's own driver, which may be a
/// program's copy or its own driver.
///
/// # Safety
/// As for [`getpos`], with a valid `dtb`.
pub unsafe fn setpos(s: *mut STRING, i: c_ulong) {
    // SAFETY: the caller guarantees `s` and its driver are valid.
    unsafe {
        let dtb = (*s).dtb;
        if let Some(f) = dtb.as_ref().and_then(|d| d.setpos) {
            f(s, i);
        }
    }
}

/// `SNX(s)`: the next byte, from the current chunk while `cursize` (after
/// its decrement) is non-zero, else from the driver's `next`.
///
/// # Safety
/// As for [`setpos`]; the chunk must hold `cursize` readable bytes.
pub unsafe fn snx(s: *mut STRING) -> c_char {
    // SAFETY: the caller guarantees `s` is valid and that the chunk holds
    // the bytes `cursize` promises, exactly as the C macro assumes.
    unsafe {
        (*s).cursize = (*s).cursize.wrapping_sub(1);
        if (*s).cursize != 0 {
            let c = *(*s).curpos;
            (*s).curpos = (*s).curpos.wrapping_add(1);
            c
        } else {
            match (*s).dtb.as_ref().and_then(|d| d.next) {
                Some(f) => f(s),
                None => 0,
            }
        }
    }
}

/// `CHR(s)`: the byte at the current position, not consumed.
///
/// # Safety
/// As for [`snx`].
pub unsafe fn chr(s: *const STRING) -> c_char {
    // SAFETY: forwarded contract.
    unsafe { *(*s).curpos }
}

// --- mail_string: a complete block in memory --------------------------------

/// The whole block is one chunk; nothing is ever refilled.
///
/// # Safety
/// `s` must be a writable STRING; `data` what this driver expects.
// no-panic: NULL check and field stores.
pub unsafe extern "C" fn mail_string_init(s: *mut STRING, data: *mut c_void, size: c_ulong) {
    // SAFETY: callers (the INIT macro) pass a writable STRING.
    let Some(s) = (unsafe { s.as_mut() }) else {
        return;
    };
    s.data = data;
    s.chunk = data as *mut c_char;
    s.curpos = s.chunk;
    s.size = size;
    s.chunksize = size;
    s.cursize = size;
    s.data1 = 0;
    s.offset = 0;
}

/// Reached when `cursize` hits zero: hands out the byte under the cursor
/// and steps past it, leaving `cursize` at zero as the original does.
///
/// # Safety
/// `s` must be a STRING set up by this driver's init.
pub unsafe extern "C" fn mail_string_next(s: *mut STRING) -> c_char {
    super::guard("mail_string_next", 0, || {
        // SAFETY: callers pass a STRING set up by mail_string_init.
        let Some(s) = (unsafe { s.as_mut() }) else {
            return 0;
        };
        let at = (s.curpos as usize).wrapping_sub(s.chunk as usize) as c_ulong;
        // Never read outside the block, even when a caller over-runs it.
        let c = if !s.chunk.is_null() && at < s.chunksize {
            // SAFETY: `at` is inside the block of `chunksize` bytes.
            unsafe { *s.curpos }
        } else {
            0
        };
        s.curpos = s.curpos.wrapping_add(1);
        c
    })
}

/// Moves the cursor to `i` bytes into the block.
///
/// # Safety
/// `s` must be a STRING set up by this driver's init.
// no-panic: NULL check and wrapping pointer/field arithmetic.
pub unsafe extern "C" fn mail_string_setpos(s: *mut STRING, i: c_ulong) {
    // SAFETY: callers pass a STRING set up by mail_string_init.
    let Some(s) = (unsafe { s.as_mut() }) else {
        return;
    };
    s.curpos = s.chunk.wrapping_add(i as usize);
    s.cursize = s.chunksize.wrapping_sub(i);
}

// --- file_string: a stdio FILE, one byte at a time --------------------------

/// The chunk is the first byte of `data1`; every byte comes from `getc`.
///
/// # Safety
/// `s` must be a writable STRING; `data` what this driver expects.
pub unsafe extern "C" fn file_string_init(s: *mut STRING, data: *mut c_void, size: c_ulong) {
    super::guard("file_string_init", (), || {
        // SAFETY: callers pass a writable STRING.
        let Some(st) = (unsafe { s.as_mut() }) else {
            return;
        };
        st.data = data;
        st.chunk = std::ptr::addr_of_mut!(st.data1) as *mut c_char;
        st.curpos = st.chunk;
        st.size = size;
        st.chunksize = 1;
        st.cursize = 1;
        // SAFETY: `s` is valid; the original calls its own setpos here, not
        // the one in dtb.
        unsafe { file_string_setpos(s, 0) };
    })
}

/// Reads the next byte of the FILE (EOF is stored as 0xff, as a C `char`
/// conversion of `getc`'s -1 does).
unsafe fn file_getc(file: *mut c_void) -> c_char {
    if file.is_null() {
        return -1;
    }
    // SAFETY: a file_string's data is the caller's open FILE.
    unsafe { libc::fgetc(file as *mut libc::FILE) as c_char }
}

/// # Safety
/// `s` must be a STRING set up by this driver's init.
pub unsafe extern "C" fn file_string_next(s: *mut STRING) -> c_char {
    super::guard("file_string_next", 0, || {
        // SAFETY: callers pass a STRING set up by file_string_init.
        let Some(s) = (unsafe { s.as_mut() }) else {
            return 0;
        };
        if s.curpos.is_null() {
            return 0;
        }
        // SAFETY: curpos points at the byte kept in data1 (set by setpos).
        unsafe {
            let c = *s.curpos;
            s.offset = s.offset.wrapping_add(1);
            s.cursize = 1;
            *s.curpos = file_getc(s.data);
            c
        }
    })
}

/// # Safety
/// `s` must be a STRING set up by this driver's init.
pub unsafe extern "C" fn file_string_setpos(s: *mut STRING, i: c_ulong) {
    super::guard("file_string_setpos", (), || {
        // SAFETY: callers pass a STRING set up by file_string_init.
        let Some(st) = (unsafe { s.as_mut() }) else {
            return;
        };
        st.offset = i;
        if !st.data.is_null() {
            // SAFETY: data is the caller's open FILE.
            unsafe {
                libc::fseek(
                    st.data as *mut libc::FILE,
                    i as libc::c_long,
                    libc::SEEK_SET,
                )
            };
        }
        // The byte buffer is data1 again, in case the record was copied.
        st.chunk = std::ptr::addr_of_mut!(st.data1) as *mut c_char;
        st.curpos = st.chunk;
        // SAFETY: curpos points into this STRING's data1.
        unsafe { *st.curpos = file_getc(st.data) };
    })
}

// --- fd_string: a file descriptor read in caller-supplied chunks ------------

/// The original's `min` on longs: a signed comparison.
fn signed_min(a: c_ulong, b: c_ulong) -> c_ulong {
    (a as i64).min(b as i64) as c_ulong
}

/// Fills the chunk from the file at `pos`; a short or failed read leaves
/// the rest of the chunk as it was, as in the original.
unsafe fn fd_fill(fd: libc::c_int, pos: c_ulong, buf: *mut c_char, len: c_ulong) {
    if buf.is_null() {
        return;
    }
    // SAFETY: the caller's chunk holds at least chunksize >= len bytes.
    unsafe {
        libc::lseek(fd, pos as libc::off_t, libc::SEEK_SET);
        let _ = libc::read(fd, buf as *mut c_void, len as usize);
    }
}

/// # Safety
/// `s` must be a writable STRING; `data` what this driver expects.
pub unsafe extern "C" fn fd_string_init(s: *mut STRING, data: *mut c_void, size: c_ulong) {
    super::guard("fd_string_init", (), || {
        // SAFETY: callers pass a writable STRING and an FDDATA.
        let (Some(s), Some(d)) = (unsafe { s.as_mut() }, unsafe {
            (data as *const FDDATA).as_ref()
        }) else {
            return;
        };
        // The descriptor is kept in the data pointer, sign-extended like C's
        // int to unsigned long conversion.
        s.data = d.fd as std::os::raw::c_long as usize as *mut c_void;
        s.data1 = d.pos;
        s.size = size;
        s.chunk = d.chunk;
        s.curpos = d.chunk;
        s.chunksize = d.chunksize;
        s.offset = 0;
        s.cursize = signed_min(s.chunksize, size);
        // SAFETY: the chunk holds chunksize bytes (FDDATA contract).
        unsafe { fd_fill(d.fd, d.pos, s.chunk, s.cursize) };
    })
}

/// # Safety
/// `s` must be a STRING set up by this driver's init.
pub unsafe extern "C" fn fd_string_next(s: *mut STRING) -> c_char {
    super::guard("fd_string_next", 0, || {
        if s.is_null() {
            return 0;
        }
        // SAFETY: `s` is a STRING set up by fd_string_init; curpos is inside
        // the chunk when the SNX macro calls us (cursize just ran out).
        unsafe {
            if (*s).curpos.is_null() {
                return 0;
            }
            let c = *(*s).curpos;
            (*s).curpos = (*s).curpos.wrapping_add(1);
            // Refill from the new position through the STRING's own driver.
            setpos(s, getpos(s));
            c
        }
    })
}

/// # Safety
/// `s` must be a STRING set up by this driver's init.
pub unsafe extern "C" fn fd_string_setpos(s: *mut STRING, i: c_ulong) {
    super::guard("fd_string_setpos", (), || {
        if s.is_null() {
            return;
        }
        // SAFETY: `s` is a STRING set up by fd_string_init.
        unsafe {
            let st = &mut *s;
            let i = i.min(st.size);
            st.offset = i;
            st.curpos = st.chunk;
            st.cursize = signed_min(st.chunksize, size(s));
            if st.cursize != 0 {
                let fd = st.data as usize as libc::c_int;
                fd_fill(fd, st.data1.wrapping_add(st.offset), st.curpos, st.cursize);
            }
        }
    })
}

// --- Routines over STRINGs ---------------------------------------------------

/// `strcrlflen`: the size the rest of the STRING would have with every
/// bare LF turned into CRLF. The position is restored afterwards.
///
/// # Safety
/// `s` must be NULL or a STRING set up by a driver's init.
#[no_mangle]
pub unsafe extern "C" fn strcrlflen(s: *mut STRING) -> c_ulong {
    super::guard("strcrlflen", 0, || {
        if s.is_null() {
            return 0;
        }
        // SAFETY: `s` is a valid STRING per the contract; the walk stays
        // within SIZE(s) bytes.
        unsafe {
            let pos = getpos(s);
            let mut total = size(s);
            let mut left = total;
            while left > 0 {
                left -= 1;
                match snx(s) as u8 {
                    b'\r' if left > 0 && chr(s) as u8 == b'\n' => {
                        snx(s);
                        left -= 1;
                    }
                    b'\n' => total = total.wrapping_add(1),
                    _ => {}
                }
            }
            setpos(s, pos);
            total
        }
    })
}

/// Frees the old text of `dst` and gives it a new block of `len + 1`
/// bytes, NUL-terminated at `len`.
unsafe fn sized_text_alloc(dst: &mut SIZEDTEXT, len: c_ulong) -> *mut u8 {
    if !dst.data.is_null() {
        // SAFETY: a SIZEDTEXT's data is the C allocator's (interface rule).
        unsafe { fs_give(std::ptr::addr_of_mut!(dst.data) as *mut *mut c_void) };
    }
    dst.size = len;
    let block = fs_get((len as usize).wrapping_add(1)) as *mut u8;
    // SAFETY: the block has len + 1 bytes.
    unsafe { *block.add(len as usize) = 0 };
    dst.data = block;
    block
}

/// `textcpystring`: copies the rest of a STRING into `text`.
///
/// # Safety
/// `text` must be a valid SIZEDTEXT and `bs` a STRING set up by a driver.
#[no_mangle]
pub unsafe extern "C" fn textcpystring(text: *mut SIZEDTEXT, bs: *mut STRING) -> *mut c_char {
    super::guard("textcpystring", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let (Some(text), false) = (text.as_mut(), bs.is_null()) else {
                return std::ptr::null_mut();
            };
            let len = size(bs);
            let block = sized_text_alloc(text, len);
            for k in 0..len as usize {
                *block.add(k) = snx(bs) as u8;
            }
            block as *mut c_char
        }
    })
}

/// `textcpyoffstring`: copies `size` bytes of a STRING from `offset`.
///
/// # Safety
/// As for [`textcpystring`].
#[no_mangle]
pub unsafe extern "C" fn textcpyoffstring(
    text: *mut SIZEDTEXT,
    bs: *mut STRING,
    offset: c_ulong,
    size: c_ulong,
) -> *mut c_char {
    super::guard("textcpyoffstring", std::ptr::null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let (Some(text), false) = (text.as_mut(), bs.is_null()) else {
                return std::ptr::null_mut();
            };
            if !text.data.is_null() {
                fs_give(std::ptr::addr_of_mut!(text.data) as *mut *mut c_void);
            }
            setpos(bs, offset);
            let block = sized_text_alloc(text, size);
            for k in 0..size as usize {
                *block.add(k) = snx(bs) as u8;
            }
            block as *mut c_char
        }
    })
}

/// `strcrlfcpy`: copies `src` to `*dst` with LFs made CRLF, reusing `*dst`
/// when it is large enough for the result (`*dstl` is its size), else
/// replacing it with a new block and updating `*dstl`. Returns the length.
///
/// # Safety
/// `dst` and `dstl` must be valid; `*dst` NULL or a malloc'ed block of at
/// least `*dstl + 1` bytes; `src` readable for `srcl` bytes.
#[no_mangle]
pub unsafe extern "C" fn strcrlfcpy(
    dst: *mut *mut u8,
    dstl: *mut c_ulong,
    src: *mut u8,
    srcl: c_ulong,
) -> c_ulong {
    super::guard("strcrlfcpy", 0, || {
        if dst.is_null() || dstl.is_null() || (src.is_null() && srcl > 0) {
            return 0;
        }
        // SAFETY: per the contract `src` holds `srcl` bytes.
        let source: &[u8] = if srcl == 0 {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(src, srcl as usize) }
        };
        // Worst case first (every byte an LF), then the exact bound, as the
        // original does: that decides whether a caller's buffer is kept.
        let mut need = srcl.wrapping_mul(2);
        // SAFETY: `dst` and `dstl` are valid per the contract.
        unsafe {
            if !(*dst).is_null() {
                if need > *dstl {
                    need = crlf_room(source) as c_ulong;
                }
                if need > *dstl {
                    fs_give(dst as *mut *mut c_void);
                }
            }
            if (*dst).is_null() {
                *dstl = need;
                *dst = fs_get((need as usize).wrapping_add(1)) as *mut u8;
            }
            // The result never exceeds the bound the buffer was checked for.
            let out = std::slice::from_raw_parts_mut(*dst, crlf_room(source) + 1);
            let written = crlf_convert(source, out);
            out[written] = 0;
            written as c_ulong
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_conversion() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"a\nb", b"a\r\nb"),
            (b"a\r\nb", b"a\r\nb"),
            (b"a\rb", b"a\rb"),
            (b"\r", b"\r"),
            (b"\n\n", b"\r\n\r\n"),
            (b"\r\r\n", b"\r\r\n"),
        ];
        for (src, want) in cases {
            let mut out = vec![0u8; crlf_room(src)];
            let n = crlf_convert(src, &mut out);
            assert_eq!(&out[..n], *want, "input {src:?}");
        }
    }
}
