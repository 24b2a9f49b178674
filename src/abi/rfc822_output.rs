//! C exports that write whole messages (`rfc822_output_full`,
//! `rfc822_output`, `rfc822_output_text`, `rfc822_output_body`) and prepare
//! bodies for it (`rfc822_encode_body_7bit` / `_8bit`).
//!
//! The encoders change the caller's BODY tree in place (new contents, new
//! encoding, an added BOUNDARY parameter), because callers such as PHP's
//! `imap_mail_compose` keep pointers into it. Writing converts the records to
//! the safe core's model and runs its writers into an [`RfcBuf`], which
//! fills and flushes the caller's `RFC822BUFFER` exactly as the original's
//! buffered output does.

use super::bindings::*;
use super::construct::mail_newbody_parameter;
use super::encodings::{rfc822_8bit, rfc822_binary};
use super::memory::{c_string_from, fs_get, fs_give};
use super::params;
use super::rfc822::{body_from_c, envelope_from_c, rfc822_output_flush, CEnv};
use super::sysutil::fatal_message;
use crate::message::model::{Body, Nested};
use crate::message::write::{self, Sink};
use std::os::raw::{c_char, c_long, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};

/// The caller's `RFC822BUFFER` as a [`Sink`]: bytes go to `cur`, and the
/// buffer is flushed through `buf->f` each time it fills, as the original's
/// `rfc822_output_data` / `rfc822_output_char` do. After a failed flush
/// nothing more is written.
pub struct RfcBuf {
    buf: *mut RFC822BUFFER,
    failed: bool,
}

impl RfcBuf {
    /// # Safety
    /// `buf` must stay a valid buffer (beg <= cur < end, one writable guard
    /// byte at `end`, a flush function) while the sink is used.
    pub unsafe fn new(buf: *mut RFC822BUFFER) -> Self {
        RfcBuf { buf, failed: false }
    }
}

impl Sink for RfcBuf {
    fn put(&mut self, mut bytes: &[u8]) {
        let buf = self.buf;
        // SAFETY: per `new`'s contract; copies stay within beg..end.
        unsafe {
            while !self.failed && !bytes.is_empty() {
                let room = ((*buf).end as usize).saturating_sub((*buf).cur as usize);
                let n = room.min(bytes.len());
                if n > 0 {
                    std::ptr::copy_nonoverlapping(bytes.as_ptr(), (*buf).cur as *mut u8, n);
                    (*buf).cur = (*buf).cur.add(n);
                    bytes = &bytes[n..];
                }
                if (!bytes.is_empty() || (*buf).cur == (*buf).end) && rfc822_output_flush(buf) == 0
                {
                    self.failed = true;
                }
            }
        }
    }
    fn cursor(&self) -> usize {
        // SAFETY: per `new`'s contract.
        unsafe { ((*self.buf).cur as usize).saturating_sub((*self.buf).beg as usize) }
    }
    fn span(&self) -> usize {
        // SAFETY: per `new`'s contract.
        unsafe { ((*self.buf).end as usize).saturating_sub((*self.buf).beg as usize) }
    }
    fn ok(&self) -> bool {
        !self.failed
    }
}

extern "C" {
    /// The C library's generator (not bound by the libc crate).
    fn random() -> c_long;
}

/// A fresh multipart boundary in the original's shape
/// "hostid-random-time=:pid" (chosen to be impossible in BASE64 and
/// QUOTED-PRINTABLE text). Uses the C library's `random()`, as the original
/// does, so the application's seeding applies.
fn new_boundary() -> Vec<u8> {
    // SAFETY: plain libc queries without pointer arguments (time(NULL)).
    let (host, rnd, now, pid) = unsafe {
        (
            libc::gethostid() as c_ulong,
            random() as c_ulong,
            libc::time(null_mut()) as c_ulong,
            libc::getpid() as c_ulong,
        )
    };
    format!("{host}-{rnd}-{now}=:{pid}").into_bytes()
}

/// Bound on walking application-built trees (the original recurses without
/// limit); parts deeper than this are left alone.
const MAX_TREE_DEPTH: usize = 1_000;

/// Does this parameter list have an attribute spelled exactly "BOUNDARY"?
unsafe fn find_boundary(mut p: *mut PARAMETER) -> *mut PARAMETER {
    // SAFETY: a valid list per the callers' contract.
    unsafe {
        while !p.is_null() {
            if !(*p).attribute.is_null() && libc::strcmp((*p).attribute, c"BOUNDARY".as_ptr()) == 0
            {
                return p;
            }
            p = (*p).next;
        }
    }
    null_mut()
}

fn new_boundary_param() -> *mut PARAMETER {
    let p = mail_newbody_parameter();
    // SAFETY: a fresh zeroed record.
    unsafe {
        (*p).attribute = c_string_from(b"BOUNDARY");
        (*p).value = c_string_from(&new_boundary());
    }
    p
}

/// The multipart's parts, in order.
unsafe fn parts_of(b: *mut BODY) -> Vec<*mut BODY> {
    let mut v = Vec::new();
    // SAFETY: a valid multipart body per the callers' contract.
    unsafe {
        let mut p = (*b).nested.part;
        while !p.is_null() {
            v.push(addr_of_mut!((*p).body));
            p = (*p).next;
        }
    }
    v
}

/// Pre-order walk of the multipart structure (the order in which the
/// original visits, and so draws random numbers for boundaries).
unsafe fn walk(body: *mut BODY, mut visit: impl FnMut(*mut BODY)) {
    let mut stack = vec![(body, 0usize)];
    while let Some((b, depth)) = stack.pop() {
        if b.is_null() {
            continue;
        }
        visit(b);
        // SAFETY: `b` is a valid body of the caller's tree.
        if unsafe { (*b).type_ } as i32 == TYPEMULTIPART && depth < MAX_TREE_DEPTH {
            // SAFETY: as above.
            for p in unsafe { parts_of(b) }.into_iter().rev() {
                stack.push((p, depth + 1));
            }
        }
    }
}

/// Replaces the contents of `b` by `f(contents)` and sets `encoding`; the
/// old block is freed as the original frees it.
unsafe fn recode(
    b: *mut BODY,
    encoding: i32,
    f: unsafe extern "C" fn(*mut u8, c_ulong, *mut c_ulong) -> *mut u8,
) {
    // SAFETY: `b` valid; contents.text.data has contents.text.size bytes.
    unsafe {
        let old = (*b).contents.text.data;
        let mut len: c_ulong = 0;
        let new = f(old, (*b).contents.text.size, &mut len);
        (*b).contents.text.data = new;
        (*b).contents.text.size = len;
        (*b).encoding = encoding as u16;
        let mut o = old as *mut c_void;
        fs_give(&mut o);
    }
}

unsafe extern "C" fn to_qprint(s: *mut u8, n: c_ulong, l: *mut c_ulong) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { rfc822_8bit(s, n, l) }
}

unsafe extern "C" fn to_base64(s: *mut u8, n: c_ulong, l: *mut c_ulong) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { rfc822_binary(s as *mut c_void, n, l) }
}

fn log_parse(msg: &str) {
    super::log(msg, PARSE as c_long);
}

/// The two encoders: `eight` keeps 8-bit text (only binary is encoded).
unsafe fn encode_body(body: *mut BODY, eight: bool) {
    // SAFETY: the caller's tree is valid.
    unsafe {
        walk(body, |b| match (*b).type_ as i32 {
            TYPEMULTIPART => {
                // A missing boundary goes at the end of the parameters.
                let mut slot = addr_of_mut!((*b).parameter);
                while !(*slot).is_null()
                    && ((*(*slot)).attribute.is_null()
                        || libc::strcmp((*(*slot)).attribute, c"BOUNDARY".as_ptr()) != 0)
                {
                    slot = addr_of_mut!((*(*slot)).next);
                }
                if (*slot).is_null() {
                    *slot = new_boundary_param();
                }
            }
            TYPEMESSAGE => match (*b).encoding as i32 {
                ENC7BIT => {}
                ENC8BIT if eight => {}
                ENC8BIT => log_parse("8-bit included message in 7-bit message body"),
                ENCBINARY if eight => log_parse("Binary included message in 8-bit message body"),
                ENCBINARY => log_parse("Binary included message in 7-bit message body"),
                _ => fatal_message("Invalid rfc822_encode_body_7bit message encoding"),
            },
            _ => match (*b).encoding as i32 {
                ENC8BIT if !eight => recode(b, ENCQUOTEDPRINTABLE, to_qprint),
                ENCBINARY => recode(b, ENCBASE64, to_base64),
                _ => {}
            },
        })
    }
}

/// `rfc822_encode_body_7bit`: 8-bit text becomes QUOTED-PRINTABLE, binary
/// becomes BASE64, multiparts get a boundary.
///
/// # Safety
/// `body` NULL or a valid tree whose contents are `fs_get` blocks.
#[no_mangle]
pub unsafe extern "C" fn rfc822_encode_body_7bit(_env: *mut ENVELOPE, body: *mut BODY) {
    super::guard("rfc822_encode_body_7bit", (), || {
        // SAFETY: forwarded contract.
        unsafe { encode_body(body, false) }
    })
}

/// `rfc822_encode_body_8bit`: binary becomes BASE64, multiparts get a
/// boundary.
///
/// # Safety
/// As `rfc822_encode_body_7bit`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_encode_body_8bit(_env: *mut ENVELOPE, body: *mut BODY) {
    super::guard("rfc822_encode_body_8bit", (), || {
        // SAFETY: forwarded contract.
        unsafe { encode_body(body, true) }
    })
}

/// The body tree with its text, as `rfc822_output_text` reads it: contents
/// up to their first NUL (the original writes them as a C string).
unsafe fn text_tree_from_c(c: *mut BODY, depth: usize) -> Body {
    // SAFETY: a valid body per the callers' contract.
    unsafe {
        // `usize::MAX` depth: only this body's own fields.
        let mut b = body_from_c(c, usize::MAX);
        let d = (*c).contents.text.data;
        if !d.is_null() {
            b.contents.data = Some(
                std::ffi::CStr::from_ptr(d as *const c_char)
                    .to_bytes()
                    .to_vec(),
            );
        }
        if (*c).type_ as i32 == TYPEMULTIPART && depth < MAX_TREE_DEPTH {
            let parts = parts_of(c)
                .into_iter()
                .map(|p| text_tree_from_c(p, depth + 1))
                .collect();
            b.nested = Nested::Parts(parts);
        }
        b
    }
}

/// Writes the body text of `body` into `buf`, first giving every multipart
/// without a boundary a new one at the head of its parameters (where the
/// original puts the one it makes while writing).
unsafe fn output_text(buf: *mut RFC822BUFFER, body: *mut BODY) -> bool {
    // SAFETY: forwarded contract of the exports.
    unsafe {
        walk(body, |b| {
            if (*b).type_ as i32 == TYPEMULTIPART && find_boundary((*b).parameter).is_null() {
                let p = new_boundary_param();
                (*p).next = (*b).parameter;
                (*b).parameter = p;
            }
        });
        let tree = text_tree_from_c(body, 0);
        let t = CEnv::new();
        let mut sink = RfcBuf::new(buf);
        write::output_text(&mut sink, &tree, &t.types, &t.encodings);
        sink.ok()
    }
}

/// `rfc822_output_text`.
///
/// # Safety
/// `buf` a valid RFC822BUFFER; `body` a valid tree.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_text(buf: *mut RFC822BUFFER, body: *mut BODY) -> c_long {
    super::guard("rfc822_output_text", 0, || {
        if body.is_null() {
            return 0;
        }
        // SAFETY: forwarded contract.
        unsafe { output_text(buf, body) as c_long }
    })
}

/// `rfc822_output_full`: encode the body (7-bit unless `ok8bit`), write
/// header and text, flush. An application generator installed with
/// SET_RFC822OUTPUTFULL (else SET_RFC822OUTPUT) replaces all of it.
///
/// # Safety
/// `buf` a valid RFC822BUFFER; `env` valid; `body` NULL or a valid tree.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_full(
    buf: *mut RFC822BUFFER,
    env: *mut ENVELOPE,
    body: *mut BODY,
    ok8bit: c_long,
) -> c_long {
    super::guard("rfc822_output_full", 0, || {
        // SAFETY: hook words hold functions of these types (installed with
        // SET_RFC822OUTPUTFULL / SET_RFC822OUTPUT); the rest is forwarded.
        unsafe {
            let full = params::hook(GET_RFC822OUTPUTFULL);
            if full != 0 {
                let f: rfc822outfull_t = std::mem::transmute::<usize, rfc822outfull_t>(full);
                return f.map_or(0, |f| f(buf, env, body, ok8bit));
            }
            let legacy = params::hook(GET_RFC822OUTPUT);
            if legacy != 0 {
                let f: rfc822out_t = std::mem::transmute::<usize, rfc822out_t>(legacy);
                return f.map_or(0, |f| f((*buf).cur, env, body, (*buf).f, (*buf).s, ok8bit));
            }
            encode_body(body, ok8bit != 0);
            let e = envelope_from_c(env);
            let b = (!body.is_null()).then(|| body_from_c(body, usize::MAX));
            let t = CEnv::new();
            let mut sink = RfcBuf::new(buf);
            write::output_header(&mut sink, &e, b.as_ref(), false, &t.types, &t.encodings);
            // The original would crash writing the text of a NULL body.
            if !sink.ok() || body.is_null() || !output_text(buf, body) {
                return 0;
            }
            rfc822_output_flush(buf)
        }
    })
}

/// `rfc822_output` (legacy): `t` is the caller's scratch buffer of
/// SENDBUFLEN bytes, used as the output buffer; or the SET_RFC822OUTPUT
/// generator when installed.
///
/// # Safety
/// `t` writable for SENDBUFLEN bytes; `env`, `body` as for
/// `rfc822_output_full`; `f` a flush function for `s`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output(
    t: *mut c_char,
    env: *mut ENVELOPE,
    body: *mut BODY,
    f: soutr_t,
    s: *mut c_void,
    ok8bit: c_long,
) -> c_long {
    super::guard("rfc822_output", 0, || {
        // SAFETY: the hook word holds an rfc822out_t; `t` has SENDBUFLEN
        // bytes per the contract (the last one is the guard byte).
        unsafe {
            let legacy = params::hook(GET_RFC822OUTPUT);
            if legacy != 0 {
                let g: rfc822out_t = std::mem::transmute::<usize, rfc822out_t>(legacy);
                return g.map_or(0, |g| g(t, env, body, f, s, ok8bit));
            }
            let mut buf = RFC822BUFFER {
                f,
                s,
                beg: t,
                cur: t,
                end: t.add(SENDBUFLEN as usize - 1),
            };
            rfc822_output_full(&mut buf, env, body, ok8bit)
        }
    })
}

/// `rfc822_output_body` (legacy): the body text through `f`, from a
/// buffer of our own.
///
/// # Safety
/// `body` a valid tree; `f` a flush function for `s`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_body(body: *mut BODY, f: soutr_t, s: *mut c_void) -> c_long {
    super::guard("rfc822_output_body", 0, || {
        if body.is_null() {
            return 0;
        }
        let tmp = fs_get(SENDBUFLEN as usize + 1) as *mut c_char;
        // SAFETY: `tmp` has SENDBUFLEN bytes plus the guard byte.
        let r = unsafe {
            *tmp.add(SENDBUFLEN as usize) = 0;
            let mut buf = RFC822BUFFER {
                f,
                s,
                beg: tmp,
                cur: tmp,
                end: tmp.add(SENDBUFLEN as usize),
            };
            (output_text(&mut buf, body) && rfc822_output_flush(&mut buf) != 0) as c_long
        };
        let mut p = tmp as *mut c_void;
        // SAFETY: our own block.
        unsafe { fs_give(&mut p) };
        r
    })
}
