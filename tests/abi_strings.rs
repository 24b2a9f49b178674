//! The STRING drivers walked through the header macros' Rust equivalents:
//! every driver must yield the source bytes, honour SETPOS, and agree on
//! positions and sizes.

mod abi_support;

use c_client::abi::bindings::{FDDATA, SIZEDTEXT, STRING};
use c_client::abi::data::{fd_string, file_string, mail_string};
use c_client::abi::strings::*;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::raw::c_void;
use std::ptr::{addr_of_mut, null_mut};

fn sample() -> Vec<u8> {
    (0..1000u32)
        .map(|i| (i * 7 % 251) as u8)
        .chain(*b"a\nb\r\nc\n")
        .collect()
}

fn empty_string() -> STRING {
    // SAFETY: STRING is plain C data; all-zero is a valid empty value.
    unsafe { std::mem::zeroed() }
}

/// Reads the whole STRING from position `from` with SNX, checking GETPOS
/// and SIZE as it goes.
unsafe fn read_from(s: *mut STRING, from: usize, total: usize) -> Vec<u8> {
    // SAFETY: forwarded contract: `s` is set up by a driver.
    unsafe {
        setpos(s, from as _);
        let mut out = Vec::new();
        for k in from..total {
            assert_eq!(getpos(s) as usize, k);
            assert_eq!(size(s) as usize, total - k);
            out.push(snx(s) as u8);
        }
        assert_eq!(size(s), 0);
        out
    }
}

unsafe fn check_driver(s: *mut STRING, data: &[u8]) {
    // SAFETY: forwarded contract.
    unsafe {
        assert_eq!(read_from(s, 0, data.len()), data);
        assert_eq!(read_from(s, 500, data.len()), &data[500..]);
        assert_eq!(
            read_from(s, data.len() - 1, data.len()),
            &data[data.len() - 1..]
        );
        setpos(s, 0);
        let crlf = data.iter().filter(|&&c| c == b'\n').count()
            - data.windows(2).filter(|w| w == b"\r\n").count();
        assert_eq!(strcrlflen(s) as usize, data.len() + crlf);
        assert_eq!(getpos(s), 0, "strcrlflen restores the position");
        let mut t = SIZEDTEXT {
            data: null_mut(),
            size: 0,
        };
        textcpyoffstring(&mut t, s, 10, 20);
        assert_eq!(std::slice::from_raw_parts(t.data, 20), &data[10..30]);
        setpos(s, 990);
        textcpystring(&mut t, s);
        assert_eq!(
            std::slice::from_raw_parts(t.data, t.size as usize),
            &data[990..]
        );
        libc::free(t.data as *mut c_void);
    }
}

#[test]
fn mail_string_walks_memory() {
    let data = sample();
    let mut s = empty_string();
    // SAFETY: `data` outlives the STRING; the driver is ours.
    unsafe {
        let drv = addr_of_mut!(mail_string);
        s.dtb = drv;
        ((*drv).init.unwrap())(&mut s, data.as_ptr() as *mut c_void, data.len() as _);
        assert_eq!(s.cursize as usize, data.len());
        check_driver(&mut s, &data);
    }
}

#[test]
fn fd_string_walks_a_file_in_chunks() {
    let data = sample();
    let mut file = tempfile();
    file.write_all(b"xyz").unwrap();
    file.write_all(&data).unwrap();
    for chunksize in [1usize, 7, 64, 4096] {
        let mut chunk = vec![0u8; chunksize];
        let mut fd = FDDATA {
            fd: file.as_raw_fd(),
            pos: 3,
            chunk: chunk.as_mut_ptr() as *mut _,
            chunksize: chunksize as _,
        };
        let mut s = empty_string();
        // SAFETY: the FDDATA, chunk and file outlive the STRING.
        unsafe {
            let drv = addr_of_mut!(fd_string);
            s.dtb = drv;
            ((*drv).init.unwrap())(
                &mut s,
                &mut fd as *mut FDDATA as *mut c_void,
                data.len() as _,
            );
            assert_eq!(s.cursize as usize, chunksize.min(data.len()));
            check_driver(&mut s, &data);
            setpos(&mut s, 1 << 40);
            assert_eq!(getpos(&s) as usize, data.len(), "no position past the end");
        }
    }
}

#[test]
fn file_string_walks_a_stdio_file() {
    let data = sample();
    let mut file = tempfile();
    file.write_all(&data).unwrap();
    file.flush().unwrap();
    // SAFETY: a dup'ed descriptor handed to stdio, closed with fclose.
    unsafe {
        let fp = libc::fdopen(libc::dup(file.as_raw_fd()), c"r".as_ptr());
        assert!(!fp.is_null());
        let mut s = empty_string();
        let drv = addr_of_mut!(file_string);
        s.dtb = drv;
        ((*drv).init.unwrap())(&mut s, fp as *mut c_void, data.len() as _);
        assert_eq!(s.chunk, addr_of_mut!(s.data1) as *mut _);
        check_driver(&mut s, &data);
        libc::fclose(fp);
    }
}

fn tempfile() -> std::fs::File {
    let path = std::env::temp_dir().join(format!(
        "abi-strings-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    let _ = std::fs::remove_file(&path);
    f
}
