//! mail.c's stream operations through their C entry points, on a stream
//! built here with a minimal driver (per-message flag hook only).

mod abi_support;

use abi_support::LOGGED;
use c_client::abi::bindings::*;
use c_client::abi::cache::{mail_elt, mail_exists};
use c_client::abi::mail::mail_filter;
use c_client::abi::mail_flags::*;
use std::os::raw::{c_char, c_uchar, c_ulong};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};

static FLAGMSG_CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_flagmsg(_stream: *mut MAILSTREAM, _elt: *mut MESSAGECACHE) {
    FLAGMSG_CALLS.fetch_add(1, Ordering::SeqCst);
}

/// A stream of `n` messages with UIDs 10, 20, ... and a driver that has
/// only a per-message flag hook. Leaked: each test uses its own.
fn stream(n: c_ulong) -> *mut MAILSTREAM {
    // SAFETY: all-zero is the empty state of both records (NULL pointers,
    // empty slots), as the library's own constructors make them.
    let driver: &'static mut DRIVER = Box::leak(Box::new(unsafe { std::mem::zeroed() }));
    driver.name = c"rusttest".as_ptr() as *mut c_char;
    driver.flagmsg = Some(count_flagmsg);
    let s: &'static mut MAILSTREAM = Box::leak(Box::new(unsafe { std::mem::zeroed() }));
    s.dtb = driver;
    let s = s as *mut MAILSTREAM;
    // SAFETY: a live stream; the default cache manager makes the elements.
    unsafe {
        mail_exists(s, n);
        for i in 1..=n {
            (*mail_elt(s, i)).private.uid = 10 * i;
        }
    }
    s
}

fn bits(s: *mut MAILSTREAM) -> String {
    // SAFETY: a live stream from `stream`.
    unsafe {
        (1..=(*s).nmsgs)
            .map(|i| {
                if (*mail_elt(s, i)).sequence() != 0 {
                    '1'
                } else {
                    '0'
                }
            })
            .collect()
    }
}

fn c(text: &str) -> Vec<u8> {
    let mut v = text.as_bytes().to_vec();
    v.push(0);
    v
}

/// Whether `text` was logged (tests run in parallel, so not "last").
fn logged(text: &str) -> bool {
    LOGGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|l| l == text)
}

#[test]
fn message_and_uid_sets_light_sequence_bits() {
    let s = stream(5);
    let seq = |t: &str| {
        let mut t = c(t);
        // SAFETY: live stream, NUL-terminated set.
        let r = unsafe { mail_sequence(s, t.as_mut_ptr() as *mut c_uchar) };
        (r, bits(s))
    };
    assert_eq!(seq("1,3:*"), (1, "10111".into()));
    assert_eq!(seq("4:2"), (1, "01110".into()));
    assert_eq!(seq("2,9"), (0, "01000".into()));
    assert!(logged("Sequence out of range"));
    let uid = |t: &str| {
        let mut t = c(t);
        // SAFETY: as above.
        let r = unsafe { mail_uid_sequence(s, t.as_mut_ptr() as *mut c_uchar) };
        (r, bits(s))
    };
    assert_eq!(uid("15:35"), (1, "01100".into()));
    assert_eq!(uid("5:15,50"), (1, "10001".into()));
    assert_eq!(uid("40:*"), (1, "00011".into()));
    assert_eq!(uid("0"), (0, "00000".into()));
    assert!(logged("UID may not be zero"));
    // SAFETY: live stream.
    unsafe {
        assert_eq!(mail_msgno(s, 30), 3);
        assert_eq!(mail_msgno(s, 35), 0);
        assert_eq!(mail_uid(s, 4), 40);
    }
}

#[test]
fn flags_change_the_cache_through_the_hook() {
    let s = stream(3);
    let mut seq = c("1:2");
    let mut flag = c("(\\Flagged Urgent)");
    // SAFETY: live stream; NUL-terminated strings.
    unsafe {
        (*s).set_kwd_create(1);
        let before = FLAGMSG_CALLS.load(Ordering::SeqCst);
        mail_flag(
            s,
            seq.as_mut_ptr() as *mut c_char,
            flag.as_mut_ptr() as *mut c_char,
            ST_SET,
        );
        // Before and after each message's change.
        assert_eq!(FLAGMSG_CALLS.load(Ordering::SeqCst) - before, 4);
        for i in 1..=2 {
            let e = &*mail_elt(s, i);
            assert_eq!((e.flagged(), e.user_flags, e.valid()), (1, 1, 1));
        }
        assert_eq!((*mail_elt(s, 3)).flagged(), 0);
        assert_eq!(
            std::ffi::CStr::from_ptr((*s).user_flags[0]).to_bytes(),
            b"Urgent"
        );
        let mut uf: c_ulong = 0;
        let mut bad = c("(\\Seen");
        assert_eq!(
            mail_parse_flags(s, bad.as_mut_ptr() as *mut c_char, &mut uf),
            0
        );
        assert!(logged("Bad flag list"));
        let mut clear = c("\\Flagged");
        mail_flag(
            s,
            seq.as_mut_ptr() as *mut c_char,
            clear.as_mut_ptr() as *mut c_char,
            0,
        );
        assert_eq!((*mail_elt(s, 1)).flagged(), 0);
        assert_eq!((*mail_elt(s, 1)).user_flags, 1);
    }
}

#[test]
fn filter_sets_and_handles() {
    let mut text = c("From: a\r\nSubject: b\r\n c\r\nTo: x\r\n\r\n");
    let len = text.len() - 1;
    let mut name = c("to");
    let mut lines = STRINGLIST {
        text: SIZEDTEXT {
            data: name.as_mut_ptr(),
            size: 2,
        },
        next: null_mut(),
    };
    // SAFETY: text has len + 1 bytes; the list is valid.
    let n = unsafe {
        mail_filter(
            text.as_mut_ptr() as *mut c_char,
            len as c_ulong,
            &mut lines,
            FT_NOT,
        )
    };
    assert_eq!(&text[..n as usize], b"From: a\r\nSubject: b\r\n c\r\n\r\n");

    let mut set = c("2:4,7 tail");
    let mut rest: *mut c_char = null_mut();
    // SAFETY: NUL-terminated set; the searchset is the library's.
    unsafe {
        let head = mail_parse_set(set.as_mut_ptr() as *mut c_char, &mut rest);
        assert!(!head.is_null());
        assert_eq!(((*head).first, (*head).last), (2, 4));
        assert_eq!(std::ffi::CStr::from_ptr(rest).to_bytes(), b" tail");
        let tail = mail_append_set(head, 8);
        assert_eq!(((*tail).first, (*tail).last), (7, 8));
        let tail = mail_append_set(head, 10);
        assert_eq!(((*tail).first, (*tail).last), (10, 0));
    }

    let s = stream(1);
    // SAFETY: live stream; the handle is freed once.
    unsafe {
        let mut h = mail_makehandle(s);
        assert_eq!((*s).use_, 1);
        assert_eq!(mail_stream(h), s);
        (*s).sequence += 1; // the stream was reused for another mailbox
        assert!(mail_stream(h).is_null());
        mail_free_handle(&mut h);
        assert!(h.is_null());
        assert_eq!((*s).use_, 0);
    }
}
