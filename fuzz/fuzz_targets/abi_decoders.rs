#![no_main]
//! The decoders through their C exports, as a C program calls them: first
//! byte picks the export, the rest is its input. Checks: no panic or crash,
//! everything returned is freed (leaks show under the sanitizer), and the
//! library logs at most warnings.
use c_client::abi::bindings::{ADDRESS, BODY, ENVELOPE, MESSAGECACHE, SIZEDTEXT, STRING};
use c_client::abi::construct::{mail_free_address, mail_free_body, mail_free_envelope};
use c_client::abi::dates::mail_parse_date;
use c_client::abi::rfc822::{rfc822_parse_adrlist, rfc822_parse_msg_full};
use c_client::abi::utf8::{utf8_mime2text, utf8_text};
use libfuzzer_sys::fuzz_target;
use std::os::raw::{c_char, c_ulong, c_void};

#[path = "cb.rs"]
mod cb;

/// A writable NUL-terminated copy (the C prototypes take `char *`).
fn cstr(data: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = data.iter().copied().filter(|&c| c != 0).collect();
    v.push(0);
    v
}

fn sized(data: &mut [u8]) -> SIZEDTEXT {
    SIZEDTEXT {
        data: data.as_mut_ptr(),
        size: data.len() as c_ulong,
    }
}

unsafe fn free_result(ret: &SIZEDTEXT, src: *const u8) {
    if !ret.data.is_null() && !std::ptr::eq(ret.data, src) {
        // SAFETY: a new block from the library.
        unsafe { cb::give(ret.data) };
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut host = *b"fuzz.host\0";
    // SAFETY: every pointer passed is valid for the call; every result is
    // freed once with the library's own functions.
    unsafe {
        match sel % 5 {
            0 => {
                let mut text = cstr(rest);
                let mut list: *mut ADDRESS = std::ptr::null_mut();
                rfc822_parse_adrlist(
                    &mut list,
                    text.as_mut_ptr() as *mut c_char,
                    host.as_mut_ptr() as *mut c_char,
                );
                mail_free_address(&mut list);
            }
            1 => {
                let hl = rest
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(rest.len(), |p| p + 4);
                let mut msg = rest.to_vec();
                let (head, body) = msg.split_at_mut(hl);
                let mut bs: STRING = std::mem::zeroed();
                let driver = std::ptr::addr_of_mut!(c_client::abi::data::mail_string);
                bs.dtb = driver;
                ((*driver).init.expect("mail_string has init"))(
                    &mut bs,
                    body.as_mut_ptr() as *mut c_void,
                    body.len() as c_ulong,
                );
                let mut env: *mut ENVELOPE = std::ptr::null_mut();
                let mut b: *mut BODY = std::ptr::null_mut();
                rfc822_parse_msg_full(
                    &mut env,
                    &mut b,
                    head.as_mut_ptr() as *mut c_char,
                    head.len() as c_ulong,
                    &mut bs,
                    host.as_mut_ptr() as *mut c_char,
                    0,
                    c_ulong::from(sel & 0x80) << 2,
                );
                mail_free_envelope(&mut env);
                mail_free_body(&mut b);
            }
            2 => {
                for flags in [0, 6] {
                    let mut text = rest.to_vec();
                    let mut src = sized(&mut text);
                    let mut dst = SIZEDTEXT {
                        data: std::ptr::null_mut(),
                        size: 0,
                    };
                    utf8_mime2text(&mut src, &mut dst, flags);
                    free_result(&dst, src.data);
                }
            }
            3 => {
                let mut text = cstr(rest);
                let mut elt: MESSAGECACHE = std::mem::zeroed();
                mail_parse_date(&mut elt, text.as_mut_ptr());
            }
            _ => {
                let list = c_client::charset::CHARSETS;
                let Some((&pick, text)) = rest.split_first() else {
                    return;
                };
                let mut name = cstr(list[usize::from(pick) % list.len()].name.as_bytes());
                let mut text = text.to_vec();
                let mut src = sized(&mut text);
                let mut ret = SIZEDTEXT {
                    data: std::ptr::null_mut(),
                    size: 0,
                };
                utf8_text(
                    &mut src,
                    name.as_mut_ptr() as *mut c_char,
                    &mut ret,
                    i64::from(sel & 6),
                );
                free_result(&ret, src.data);
            }
        }
    }
    cb::assert_no_severe_logs();
});
