//! C exports of the RFC 2822/MIME engine (`rfc822.c` of the original):
//! converts between the C records and the safe core's model and calls it.
//!
//! Records handed to the caller are allocated with `fs_get` and zero-filled
//! exactly as `mail_newaddr`/`mail_newenvelope`/`mail_newbody` make them, so
//! the `mail_free_*` routines can free them.

use super::bindings::*;
use super::callbacks;
use super::memory::{c_bytes, c_string_from, fs_get};
use crate::message::model::{
    Address, Body, Envelope, NameTable, Nested, Parameter, ParseEnv, PartText,
};
use crate::message::{address, lex, parse, write};
use std::os::raw::{c_char, c_ulong, c_ushort};
use std::ptr::{addr_of, addr_of_mut, null_mut};

/// Hands a byte vector to C as a NUL-terminated string the application may
/// `free()`: no copy, the vector's own block is used.
pub(super) fn vec_to_c(mut v: Vec<u8>) -> *mut c_char {
    if v.len() == v.capacity() || !fits_exactly(v.len() + 1, v.capacity()) {
        // No room for the NUL: growing would be a realloc, dearer than a
        // fresh exact block (the core leaves room where it can, see
        // `lex::owned`). Too much room: the cache would keep the slack
        // for as long as it keeps the string.
        return c_string_from(&v);
    }
    v.push(0);
    // The block came from malloc (see `crate::os::heap`); from here C owns it.
    std::mem::ManuallyDrop::new(v).as_mut_ptr() as *mut c_char
}

/// Whether a malloc block of `cap` bytes takes no more memory than one of
/// `need` bytes (glibc's blocks: 8 bytes of header, 16-byte steps, 32
/// at least), so that handing over the larger one wastes nothing.
pub(super) fn fits_exactly(need: usize, cap: usize) -> bool {
    let block = |n: usize| (n.saturating_add(8 + 15) & !15).max(32);
    block(cap) <= block(need)
}

pub(super) fn opt_vec_c(s: Option<Vec<u8>>) -> *mut c_char {
    s.map_or(null_mut(), vec_to_c)
}

/// A zero-filled record from the C allocator.
pub(super) fn zalloc<T>() -> *mut T {
    let p = fs_get(std::mem::size_of::<T>()) as *mut T;
    // SAFETY: `p` is a fresh block of the size of T; all-zero is a valid
    // value for these plain C records (pointers NULL, numbers 0).
    unsafe { std::ptr::write_bytes(p, 0, 1) };
    p
}

pub(super) fn opt_c(s: Option<&[u8]>) -> *mut c_char {
    s.map_or(null_mut(), c_string_from)
}

/// SAFETY contract for the readers below: every pointer is NULL or points to
/// a valid record / NUL-terminated string of the original's layout.
pub(super) unsafe fn opt_rust(s: *const c_char) -> Option<Vec<u8>> {
    // SAFETY: forwarded contract.
    unsafe { c_bytes(s) }.map(<[u8]>::to_vec)
}

pub(super) fn addresses_to_c(list: Vec<Address>) -> *mut ADDRESS {
    let mut head: *mut ADDRESS = null_mut();
    for a in list.into_iter().rev() {
        let p = zalloc::<ADDRESS>();
        // SAFETY: `p` is a fresh, zeroed ADDRESS.
        unsafe {
            (*p).personal = opt_vec_c(a.personal);
            (*p).adl = opt_vec_c(a.adl);
            (*p).mailbox = opt_vec_c(a.mailbox);
            (*p).host = opt_vec_c(a.host);
            (*p).error = opt_vec_c(a.error);
            (*p).orcpt.type_ = opt_vec_c(a.orcpt_type);
            (*p).orcpt.addr = opt_vec_c(a.orcpt_addr);
            (*p).next = head;
        }
        head = p;
    }
    head
}

/// Appends `list` to the C list `*lst`.
pub(super) unsafe fn append_addresses(lst: *mut *mut ADDRESS, list: Vec<Address>) {
    let new = addresses_to_c(list);
    // SAFETY: `lst` is a valid pointer to a (possibly NULL) list head.
    unsafe {
        let mut tail = lst;
        while !(*tail).is_null() {
            tail = addr_of_mut!((**tail).next);
        }
        *tail = new;
    }
}

pub(super) unsafe fn addresses_from_c(mut p: *const ADDRESS) -> Vec<Address> {
    let mut v = Vec::new();
    // SAFETY: per the contract, each node is a valid ADDRESS.
    unsafe {
        while !p.is_null() {
            v.push(Address {
                personal: opt_rust((*p).personal),
                adl: opt_rust((*p).adl),
                mailbox: opt_rust((*p).mailbox),
                host: opt_rust((*p).host),
                error: opt_rust((*p).error),
                orcpt_type: opt_rust((*p).orcpt.type_),
                orcpt_addr: opt_rust((*p).orcpt.addr),
            });
            p = (*p).next;
        }
    }
    v
}

pub(super) fn params_to_c(list: Vec<Parameter>) -> *mut PARAMETER {
    let mut head: *mut PARAMETER = null_mut();
    for p in list.into_iter().rev() {
        let c = zalloc::<PARAMETER>();
        // SAFETY: fresh zeroed record.
        unsafe {
            (*c).attribute = vec_to_c(p.attribute);
            (*c).value = opt_vec_c(p.value);
            (*c).next = head;
        }
        head = c;
    }
    head
}

pub(super) unsafe fn params_from_c(mut p: *const PARAMETER) -> Vec<Parameter> {
    let mut v = Vec::new();
    // SAFETY: per the contract.
    unsafe {
        while !p.is_null() {
            v.push(Parameter {
                attribute: opt_rust((*p).attribute).unwrap_or_default(),
                value: opt_rust((*p).value),
            });
            p = (*p).next;
        }
    }
    v
}

pub(super) fn stringlist_to_c(list: Vec<Vec<u8>>) -> *mut STRINGLIST {
    let mut head: *mut STRINGLIST = null_mut();
    for s in list.into_iter().rev() {
        let c = zalloc::<STRINGLIST>();
        // SAFETY: fresh zeroed record.
        unsafe {
            (*c).text.size = s.len() as c_ulong;
            (*c).text.data = vec_to_c(s) as *mut u8;
            (*c).next = head;
        }
        head = c;
    }
    head
}

pub(super) unsafe fn stringlist_from_c(mut p: *const STRINGLIST) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    // SAFETY: per the contract; text.data/size describe the string.
    unsafe {
        while !p.is_null() {
            let d = (*p).text.data;
            v.push(if d.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(d, (*p).text.size as usize).to_vec()
            });
            p = (*p).next;
        }
    }
    v
}

pub(super) fn envelope_to_c(e: Envelope) -> *mut ENVELOPE {
    let p = zalloc::<ENVELOPE>();
    // SAFETY: fresh zeroed record.
    unsafe {
        (*p).set_incomplete(e.incomplete as u32);
        (*p).set_imapenvonly(e.imapenvonly as u32);
        (*p).remail = opt_vec_c(e.remail);
        (*p).return_path = addresses_to_c(e.return_path);
        (*p).date = opt_vec_c(e.date) as *mut u8;
        (*p).from = addresses_to_c(e.from);
        (*p).sender = addresses_to_c(e.sender);
        (*p).reply_to = addresses_to_c(e.reply_to);
        (*p).subject = opt_vec_c(e.subject);
        (*p).to = addresses_to_c(e.to);
        (*p).cc = addresses_to_c(e.cc);
        (*p).bcc = addresses_to_c(e.bcc);
        (*p).in_reply_to = opt_vec_c(e.in_reply_to);
        (*p).message_id = opt_vec_c(e.message_id);
        (*p).newsgroups = opt_vec_c(e.newsgroups);
        (*p).followup_to = opt_vec_c(e.followup_to);
        (*p).references = opt_vec_c(e.references);
    }
    p
}

pub(super) unsafe fn envelope_from_c(p: *const ENVELOPE) -> Envelope {
    // SAFETY: per the contract.
    unsafe {
        Envelope {
            incomplete: (*p).incomplete() != 0,
            imapenvonly: (*p).imapenvonly() != 0,
            remail: opt_rust((*p).remail),
            return_path: addresses_from_c((*p).return_path),
            date: opt_rust((*p).date as *const c_char),
            from: addresses_from_c((*p).from),
            sender: addresses_from_c((*p).sender),
            reply_to: addresses_from_c((*p).reply_to),
            subject: opt_rust((*p).subject),
            to: addresses_from_c((*p).to),
            cc: addresses_from_c((*p).cc),
            bcc: addresses_from_c((*p).bcc),
            in_reply_to: opt_rust((*p).in_reply_to),
            message_id: opt_rust((*p).message_id),
            newsgroups: opt_rust((*p).newsgroups),
            followup_to: opt_rust((*p).followup_to),
            references: opt_rust((*p).references),
        }
    }
}

fn parttext_to_c(t: PartText, c: &mut mail_body_text) {
    c.offset = t.offset as c_ulong;
    c.text.size = t.size as c_ulong;
    c.text.data = opt_vec_c(t.data) as *mut u8;
}

/// Fills the zeroed C body `c` from `b` (nesting is bounded by the parser's
/// MAXMIMEDEPTH, so the recursion is too). A multipart whose parts were
/// handed over while parsing (empty `Nested::Parts`) takes the most recently
/// finished C part list from `done` (see `CEnv`).
pub(super) unsafe fn body_fill_c(b: Body, c: *mut BODY, done: &mut Vec<*mut PART>) {
    // SAFETY: `c` is a valid, zeroed BODY.
    unsafe {
        (*c).type_ = b.type_;
        (*c).encoding = b.encoding;
        (*c).subtype = opt_vec_c(b.subtype);
        (*c).parameter = params_to_c(b.parameter);
        (*c).id = opt_vec_c(b.id);
        (*c).description = opt_vec_c(b.description);
        (*c).disposition.type_ = opt_vec_c(b.disposition_type);
        (*c).disposition.parameter = params_to_c(b.disposition_parameter);
        (*c).language = b.language.map_or(null_mut(), stringlist_to_c);
        (*c).location = opt_vec_c(b.location);
        parttext_to_c(b.mime, &mut (*c).mime);
        parttext_to_c(b.contents, &mut (*c).contents);
        (*c).size.lines = b.size_lines as c_ulong;
        (*c).size.bytes = b.size_bytes as c_ulong;
        (*c).md5 = opt_vec_c(b.md5);
        match b.nested {
            Nested::None => {}
            Nested::Parts(parts) if parts.is_empty() && b.type_ == TYPEMULTIPART as u16 => {
                (*c).nested.part = done.pop().unwrap_or(null_mut());
            }
            Nested::Parts(parts) => {
                let mut head: *mut PART = null_mut();
                for p in parts.into_iter().rev() {
                    let part = zalloc::<PART>();
                    body_fill_c(p, addr_of_mut!((*part).body), done);
                    (*part).next = head;
                    head = part;
                }
                (*c).nested.part = head;
            }
            Nested::Msg(m) => {
                let msg = zalloc::<MESSAGE>();
                let m = *m;
                (*msg).env = m.env.map_or(null_mut(), |e| envelope_to_c(*e));
                (*msg).body = match m.body {
                    Some(nb) => {
                        let cb = zalloc::<BODY>();
                        body_fill_c(*nb, cb, done);
                        cb
                    }
                    None => null_mut(),
                };
                parttext_to_c(m.full, &mut (*msg).full);
                parttext_to_c(m.header, &mut (*msg).header);
                parttext_to_c(m.text, &mut (*msg).text);
                (*c).nested.msg = msg;
            }
        }
    }
}

/// Bound on nesting when reading a body built by the application.
const MAX_C_BODY_DEPTH: usize = 1000;

pub(super) unsafe fn body_from_c(c: *const BODY, depth: usize) -> Body {
    // SAFETY: per the contract.
    unsafe {
        let mut b = Body {
            type_: (*c).type_,
            encoding: (*c).encoding,
            subtype: opt_rust((*c).subtype),
            parameter: params_from_c((*c).parameter),
            id: opt_rust((*c).id),
            description: opt_rust((*c).description),
            disposition_type: opt_rust((*c).disposition.type_),
            disposition_parameter: params_from_c((*c).disposition.parameter),
            language: if (*c).language.is_null() {
                None
            } else {
                Some(stringlist_from_c((*c).language))
            },
            location: opt_rust((*c).location),
            md5: opt_rust((*c).md5),
            size_lines: (*c).size.lines,
            size_bytes: (*c).size.bytes,
            ..Body::default()
        };
        if depth < MAX_C_BODY_DEPTH && b.type_ == crate::message::model::TYPEMULTIPART {
            let mut parts = Vec::new();
            let mut p = (*c).nested.part as *const PART;
            while !p.is_null() {
                parts.push(body_from_c(addr_of!((*p).body), depth + 1));
                p = (*p).next;
            }
            b.nested = Nested::Parts(parts);
        }
        b
    }
}

/// The process-wide `body_types` / `body_encodings` arrays as name tables.
pub(super) struct CTable {
    types: bool,
}

impl CTable {
    fn slot(&self, i: usize) -> Option<*mut *mut c_char> {
        // SAFETY: taking the address of the exported arrays without creating
        // references; the library is single-threaded per the original's model.
        unsafe {
            if self.types {
                let t = addr_of_mut!(super::data::body_types);
                (i < (*t).len()).then(|| (t as *mut *mut c_char).add(i))
            } else {
                let t = addr_of_mut!(super::data::body_encodings);
                (i < (*t).len()).then(|| (t as *mut *mut c_char).add(i))
            }
        }
    }
}

impl NameTable for CTable {
    fn get(&self, i: usize) -> Option<&[u8]> {
        let s = self.slot(i)?;
        // SAFETY: slots hold NULL or NUL-terminated names that live for the
        // process (never freed once installed).
        unsafe { c_bytes(*s) }
    }
    fn set(&mut self, i: usize, name: Vec<u8>) {
        if let Some(s) = self.slot(i) {
            // SAFETY: `s` points into the exported array; the new name is
            // malloc'ed and kept for the life of the process, as in C.
            unsafe { *s = c_string_from(&name) };
        }
    }
    fn max(&self) -> usize {
        if self.types {
            TYPEMAX as usize
        } else {
            ENCMAX as usize
        }
    }
}

/// The parser's surroundings in the C world: `mm_log(…, PARSE)` and the
/// exported tables.
///
/// Multipart parts are converted as soon as the parser hands them over, so
/// the Rust and C forms of a long part list never coexist: `open` holds the
/// (head, tail) of each multipart's C list being built, innermost last;
/// `done` the finished lists not yet attached to their multipart. A
/// multipart's list is finished just before that multipart is itself
/// converted (as a part of its parent, or at the end), and any list finished
/// in between is attached already, so the last finished list is the right
/// one.
pub(super) struct CEnv {
    pub(super) types: CTable,
    pub(super) encodings: CTable,
    open: Vec<(*mut PART, *mut PART)>,
    pub(super) done: Vec<*mut PART>,
    /// The `GET_PARSELINE` hook, read at the first header line: the
    /// original reads it once per `rfc822_parse_msg_full` too.
    parseline: Option<usize>,
    /// The highest body extension level seen (`IMAPCAP.extlevel`).
    pub(super) extlevel: u32,
}

impl CEnv {
    pub(super) fn new() -> Self {
        CEnv {
            types: CTable { types: true },
            encodings: CTable { types: false },
            open: Vec::new(),
            done: Vec::new(),
            parseline: None,
            extlevel: 0,
        }
    }
}

impl Drop for CEnv {
    /// Lists never attached (only when a parse was cut short) are freed.
    fn drop(&mut self) {
        let open = self.open.drain(..).map(|(h, _)| h);
        for mut head in open.chain(self.done.drain(..)).collect::<Vec<_>>() {
            // SAFETY: each list was built by take_part from fs_get'd PARTs
            // and is referenced from nowhere else.
            unsafe { super::construct::mail_free_body_part(&mut head) };
        }
    }
}

impl ParseEnv for CEnv {
    fn log_parse(&mut self, msg: &[u8]) {
        let mut m: Vec<u8> = msg.iter().copied().take_while(|&c| c != 0).collect();
        m.push(0);
        // SAFETY: NUL-terminated and alive across the call.
        unsafe { callbacks::mm_log(m.as_mut_ptr() as *mut c_char, PARSE) };
    }
    fn body_types(&mut self) -> &mut dyn NameTable {
        &mut self.types
    }
    fn body_encodings(&mut self) -> &mut dyn NameTable {
        &mut self.encodings
    }
    fn parse_line(&mut self, env: &mut Envelope, name: &[u8], value: &[u8], host: &[u8]) {
        let w = *self
            .parseline
            .get_or_insert_with(|| super::params::hook(GET_PARSELINE));
        super::rfc822_parse::call_parseline(w, env, name, value, host);
    }
    fn sees_every_line(&mut self) -> bool {
        *self
            .parseline
            .get_or_insert_with(|| super::params::hook(GET_PARSELINE))
            != 0
    }
    fn parse_phrase(&mut self, phrase: &[u8], host: &[u8]) -> Option<Vec<Address>> {
        super::rfc822_parse::call_parsephrase(phrase, host)
    }
    fn streams_parts(&self) -> bool {
        true
    }
    fn body_extension(&mut self, level: u32) {
        self.extlevel = self.extlevel.max(level);
    }
    fn begin_parts(&mut self) {
        self.open.push((null_mut(), null_mut()));
    }
    fn take_part(&mut self, part: Body) {
        let p = zalloc::<PART>();
        // SAFETY: `p` is a fresh, zeroed PART; the tail of the open list is
        // a PART built here whose `next` is still NULL.
        unsafe {
            body_fill_c(part, addr_of_mut!((*p).body), &mut self.done);
            match self.open.last_mut() {
                Some((head, tail)) => {
                    if tail.is_null() {
                        *head = p;
                    } else {
                        (**tail).next = p;
                    }
                    *tail = p;
                }
                // Outside begin_parts/end_parts: keep it as a list of one.
                None => self.done.push(p),
            }
        }
    }
    fn end_parts(&mut self) {
        if let Some((head, _)) = self.open.pop() {
            self.done.push(head);
        }
    }
}

type StringNext = unsafe extern "C" fn(*mut STRING) -> c_char;

/// The rest of a STRING (from its position to its size), read as the
/// original's SNX would read it, and its start position. The STRING is left
/// where that byte-by-byte read leaves it.
///
/// When every byte comes straight from memory (the current chunk holds all
/// of them, or the driver is `mail_string`, whose `next` hands out the byte
/// under the cursor), the bytes are borrowed in place instead of copied.
pub(super) unsafe fn read_string<'a>(s: *mut STRING) -> (std::borrow::Cow<'a, [u8]>, u64) {
    // SAFETY: `s` is a valid, initialised STRING with a driver.
    unsafe {
        let at = ((*s).curpos as usize).wrapping_sub((*s).chunk as usize) as u64;
        let pos = (*s).offset + at;
        let total = (*s).size.saturating_sub(pos);
        let direct = (*s).cursize > total
            // A false "no" (duplicated function addresses) only costs a copy.
            || ((*(*s).dtb).next.is_some_and(|f| {
                std::ptr::fn_addr_eq(f, super::strings::mail_string_next as StringNext)
            })
                && (*s).offset == 0
                && !(*s).chunk.is_null()
                && at.checked_add(total).is_some_and(|e| e <= (*s).chunksize));
        if direct {
            let d = std::slice::from_raw_parts((*s).curpos as *const u8, total as usize);
            (*s).curpos = (*s).curpos.add(total as usize);
            (*s).cursize = (*s).cursize.wrapping_sub(total);
            return (std::borrow::Cow::Borrowed(d), pos);
        }
        let mut v = Vec::with_capacity(total as usize);
        for _ in 0..total {
            (*s).cursize = (*s).cursize.wrapping_sub(1);
            let c = if (*s).cursize != 0 {
                let c = *(*s).curpos;
                (*s).curpos = (*s).curpos.add(1);
                c
            } else {
                match (*(*s).dtb).next {
                    Some(next) => next(s),
                    None => 0,
                }
            };
            v.push(c as u8);
        }
        (std::borrow::Cow::Owned(v), pos)
    }
}

/// `rfc822_parse_msg_full`.
///
/// # Safety
/// As the original: valid pointers, `s` of `i` bytes, `bs` an initialised
/// STRING (when `bdy` is non-NULL).
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_msg_full(
    en: *mut *mut ENVELOPE,
    bdy: *mut *mut BODY,
    s: *mut c_char,
    i: c_ulong,
    bs: *mut STRING,
    host: *mut c_char,
    depth: c_ulong,
    flags: c_ulong,
) {
    super::guard("rfc822_parse_msg_full", (), || {
        // SAFETY: forwarded contract of the caller.
        unsafe {
            let header: &[u8] = if s.is_null() {
                &[]
            } else {
                std::slice::from_raw_parts(s as *const u8, i as usize)
            };
            let body = if bdy.is_null() || bs.is_null() {
                None
            } else {
                Some(read_string(bs))
            };
            let mut env = CEnv::new();
            let (e, b) = parse::parse_msg_full(
                header,
                body.as_ref().map(|(d, base)| parse::BodyText {
                    data: d,
                    base: *base,
                }),
                c_bytes(host),
                depth,
                flags,
                &mut env,
            );
            if !en.is_null() {
                *en = envelope_to_c(e);
            }
            if !bdy.is_null() {
                let cb = zalloc::<BODY>();
                if let Some(b) = b {
                    body_fill_c(b, cb, &mut env.done);
                }
                *bdy = cb;
            }
        }
    })
}

/// `rfc822_parse_adrlist`. Like the original, the parse may write into
/// `string` (ties off words and comments); those writes are copied back.
///
/// # Safety
/// `lst` valid; `string` NULL or a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_adrlist(
    lst: *mut *mut ADDRESS,
    string: *mut c_char,
    host: *mut c_char,
) {
    super::guard("rfc822_parse_adrlist", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            let Some(text) = c_bytes(string) else { return };
            let len = text.len();
            let mut buf = lex::buffer(text);
            let mut list = Vec::new();
            let mut env = CEnv::new();
            address::parse_adrlist_buf(&mut list, &mut buf, c_bytes(host), &mut env);
            std::ptr::copy_nonoverlapping(buf.as_ptr(), string as *mut u8, len);
            if !lst.is_null() {
                append_addresses(lst, list);
            }
        }
    })
}

/// Appends `bytes` at the end of the C string `dest` and NUL-terminates,
/// as the legacy writers do; the original calls fatal() past SENDBUFLEN.
unsafe fn legacy_append(dest: *mut c_char, bytes: &[u8]) -> *mut c_char {
    if bytes.len() >= SENDBUFLEN as usize - 1 {
        let mut m = b"rfc822.c legacy routine buffer overflow\0".to_vec();
        // SAFETY: NUL-terminated message; mm_fatal is the last word.
        unsafe { callbacks::mm_fatal(m.as_mut_ptr() as *mut c_char) };
        std::process::abort();
    }
    // SAFETY: the caller's buffer has room (the original's contract).
    unsafe {
        let start = dest.add(libc::strlen(dest));
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), start as *mut u8, bytes.len());
        *start.add(bytes.len()) = 0;
        start.add(bytes.len())
    }
}

/// `rfc822_write_address_full`.
///
/// # Safety
/// `dest` a writable NUL-terminated buffer with room; `base` NULL or a
/// pointer into the same buffer at or before `dest`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_write_address_full(
    dest: *mut c_char,
    adr: *mut ADDRESS,
    base: *mut c_char,
) -> *mut c_char {
    super::guard("rfc822_write_address_full", dest, || {
        // SAFETY: forwarded contract.
        unsafe {
            let list = addresses_from_c(adr);
            let col = if base.is_null() {
                0
            } else {
                (dest as isize - base as isize) as i64
            };
            let mut out = Vec::new();
            write::write_address_full(&mut out, &list, col);
            legacy_append(dest, &out)
        }
    })
}

/// `rfc822_address`: one route-address appended to `dest`.
///
/// # Safety
/// As `rfc822_write_address_full`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_address(dest: *mut c_char, adr: *mut ADDRESS) {
    super::guard("rfc822_address", (), || {
        // SAFETY: forwarded contract; only the first address is used.
        unsafe {
            if adr.is_null() {
                return;
            }
            let one = addresses_from_c(adr).into_iter().next().unwrap_or_default();
            let mut out = Vec::new();
            write::output_address(&mut out, &one);
            legacy_append(dest, &out);
        }
    })
}

/// `rfc822_cat`.
///
/// # Safety
/// `dest` writable with room; `src` NUL-terminated; `specials` NULL or a
/// NUL-terminated set.
#[no_mangle]
pub unsafe extern "C" fn rfc822_cat(dest: *mut c_char, src: *mut c_char, specials: *const c_char) {
    super::guard("rfc822_cat", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            let src = c_bytes(src).unwrap_or_default();
            let set = c_bytes(specials).map(lex::CharSet::from_bytes);
            let mut out = Vec::new();
            write::output_cat(&mut out, src, set.as_ref());
            legacy_append(dest, &out);
        }
    })
}

/// `rfc822_write_body_header`.
///
/// # Safety
/// `dst` points to a pointer into a writable buffer with room.
#[no_mangle]
pub unsafe extern "C" fn rfc822_write_body_header(dst: *mut *mut c_char, body: *mut BODY) {
    super::guard("rfc822_write_body_header", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            let b = body_from_c(body, 0);
            let env = CEnv::new();
            let mut out = Vec::new();
            write::output_body_header(&mut out, &b, &env.types, &env.encodings);
            *dst = legacy_append(*dst, &out);
        }
    })
}

/// `rfc822_header`.
///
/// # Safety
/// `header` a writable buffer of SENDBUFLEN bytes; `env` valid.
#[no_mangle]
pub unsafe extern "C" fn rfc822_header(header: *mut c_char, env: *mut ENVELOPE, body: *mut BODY) {
    super::guard("rfc822_header", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            *header = 0;
            let e = envelope_from_c(env);
            let b = if body.is_null() {
                None
            } else {
                Some(body_from_c(body, 0))
            };
            let t = CEnv::new();
            let mut out = Vec::new();
            write::output_header(&mut out, &e, b.as_ref(), false, &t.types, &t.encodings);
            legacy_append(header, &out);
        }
    })
}

/// `rfc822_default_subtype`: a static name.
#[no_mangle]
pub extern "C" fn rfc822_default_subtype(type_: c_ushort) -> *mut c_char {
    super::guard("rfc822_default_subtype", std::ptr::null_mut(), || {
        static NAMES: [&[u8]; 6] = [
            b"PLAIN\0",
            b"MIXED\0",
            b"RFC822\0",
            b"OCTET-STREAM\0",
            b"BASIC\0",
            b"UNKNOWN\0",
        ];
        let s = lex::default_subtype(type_);
        let n = NAMES
            .iter()
            .find(|n| &n[..n.len() - 1] == s)
            .unwrap_or(&NAMES[5]);
        n.as_ptr() as *mut c_char
    })
}

/// `rfc822_cpy`: malloc'ed, unquoted copy.
///
/// # Safety
/// `src` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rfc822_cpy(src: *mut c_char) -> *mut c_char {
    super::guard("rfc822_cpy", null_mut(), || {
        // SAFETY: forwarded contract.
        let s = unsafe { c_bytes(src) }.unwrap_or_default();
        c_string_from(&lex::unquote(s))
    })
}

/// `rfc822_quote`: unquote in place.
///
/// # Safety
/// `src` a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_quote(src: *mut c_char) -> *mut c_char {
    super::guard("rfc822_quote", src, || {
        // SAFETY: forwarded contract; the result is never longer.
        unsafe {
            if let Some(s) = c_bytes(src) {
                let u = lex::unquote(s);
                std::ptr::copy_nonoverlapping(u.as_ptr(), src as *mut u8, u.len());
                *src.add(u.len()) = 0;
            }
        }
        src
    })
}

/// `rfc822_cpy_adr`: copy of personal, adl, mailbox and host of each entry.
///
/// # Safety
/// `adr` NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn rfc822_cpy_adr(adr: *mut ADDRESS) -> *mut ADDRESS {
    super::guard("rfc822_cpy_adr", null_mut(), || {
        // SAFETY: forwarded contract.
        let list: Vec<Address> = unsafe { addresses_from_c(adr) }
            .into_iter()
            .map(|a| Address {
                personal: a.personal,
                adl: a.adl,
                mailbox: a.mailbox,
                host: a.host,
                ..Address::default()
            })
            .collect();
        addresses_to_c(list)
    })
}

/// Runs a core scanner over a copy of the caller's C string `s` (as a
/// NUL-terminated working buffer) and copies the scanner's in-place writes
/// back, as the original scans and writes the caller's string directly.
/// Positions the scanner returns are indices from `s`.
pub(super) unsafe fn on_cstring<R>(
    s: *mut c_char,
    f: impl FnOnce(&mut [u8], &mut CEnv) -> R,
) -> Option<R> {
    // SAFETY: `s` is NULL or a writable NUL-terminated string.
    unsafe {
        let text = c_bytes(s)?;
        let len = text.len();
        let mut buf = lex::buffer(text);
        let mut env = CEnv::new();
        let r = f(&mut buf, &mut env);
        std::ptr::copy_nonoverlapping(buf.as_ptr(), s as *mut u8, len);
        Some(r)
    }
}

/// `rfc822_skipws`.
///
/// # Safety
/// `s` points to a writable NUL-terminated string pointer.
#[no_mangle]
pub unsafe extern "C" fn rfc822_skipws(s: *mut *mut c_char) {
    super::guard("rfc822_skipws", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            if s.is_null() {
                return;
            }
            let base = *s;
            if let Some(p) = on_cstring(base, |b, e| {
                let mut p = 0;
                lex::skipws(b, &mut p, e);
                p
            }) {
                *s = base.add(p);
            }
        }
    })
}

/// `rfc822_skip_comment`.
///
/// # Safety
/// `s` points to a pointer at an open parenthesis of a writable string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_skip_comment(
    s: *mut *mut c_char,
    trim: std::os::raw::c_long,
) -> *mut c_char {
    super::guard("rfc822_skip_comment", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            if s.is_null() {
                return null_mut();
            }
            let base = *s;
            match on_cstring(base, |b, e| {
                let mut p = 0;
                let r = lex::skip_comment(b, &mut p, trim != 0, e);
                (r, p)
            }) {
                Some((Some(r), p)) => {
                    *s = base.add(p);
                    base.add(r)
                }
                _ => null_mut(),
            }
        }
    })
}

/// `rfc822_parse_word`.
///
/// # Safety
/// `s` NULL or a writable NUL-terminated string; `delimiters` NULL or a
/// NUL-terminated set.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_word(
    s: *mut c_char,
    delimiters: *const c_char,
) -> *mut c_char {
    super::guard("rfc822_parse_word", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            let set = c_bytes(delimiters).map(lex::CharSet::from_bytes);
            match on_cstring(s, |b, e| lex::parse_word(b, Some(0), set.as_ref(), e)) {
                Some(Some(p)) => s.add(p),
                _ => null_mut(),
            }
        }
    })
}

/// `rfc822_parse_phrase`.
///
/// # Safety
/// `s` NULL or a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_phrase(s: *mut c_char) -> *mut c_char {
    super::guard("rfc822_parse_phrase", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            match on_cstring(s, |b, e| lex::parse_phrase(b, Some(0), e)) {
                Some(Some(p)) => s.add(p),
                _ => null_mut(),
            }
        }
    })
}

/// `rfc822_phraseonly`.
///
/// # Safety
/// `end` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_phraseonly(end: *mut c_char) -> std::os::raw::c_long {
    super::guard("rfc822_phraseonly", 0, || {
        // SAFETY: forwarded contract.
        let b = unsafe { c_bytes(end) }
            .map(lex::buffer)
            .unwrap_or_else(|| vec![0]);
        address::phraseonly(&b, 0) as std::os::raw::c_long
    })
}

/// `rfc822_parse_domain`.
///
/// # Safety
/// `string` a writable NUL-terminated string; `end` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_domain(
    string: *mut c_char,
    end: *mut *mut c_char,
) -> *mut c_char {
    super::guard("rfc822_parse_domain", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            let r = on_cstring(string, |b, e| {
                let mut en = None;
                let d = address::parse_domain(b, 0, &mut en, e);
                (d, en)
            });
            let Some((d, en)) = r else { return null_mut() };
            if !end.is_null() {
                if let Some(p) = en {
                    *end = string.add(p);
                }
            }
            opt_c(d.as_deref())
        }
    })
}

/// `rfc822_parse_mailbox`.
///
/// # Safety
/// `string` points to a pointer to a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_mailbox(
    string: *mut *mut c_char,
    host: *mut c_char,
) -> *mut ADDRESS {
    super::guard("rfc822_parse_mailbox", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            if string.is_null() {
                return null_mut();
            }
            let base = *string;
            let h = c_bytes(host).map(<[u8]>::to_vec);
            let r = on_cstring(base, |b, e| {
                let mut pos = Some(0);
                let a = address::parse_mailbox(b, &mut pos, h.as_deref(), e);
                (a, pos)
            });
            let Some((a, pos)) = r else { return null_mut() };
            *string = pos.map_or(null_mut(), |p| base.add(p));
            a.map_or(null_mut(), addresses_to_c)
        }
    })
}

/// `rfc822_parse_addrspec`.
///
/// # Safety
/// `string` a writable NUL-terminated string; `ret` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_addrspec(
    string: *mut c_char,
    ret: *mut *mut c_char,
    host: *mut c_char,
) -> *mut ADDRESS {
    super::guard("rfc822_parse_addrspec", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            let h = c_bytes(host).map(<[u8]>::to_vec);
            let r = on_cstring(string, |b, e| {
                let mut r = None;
                let a = address::parse_addrspec(b, Some(0), &mut r, h.as_deref(), e);
                (a, r)
            });
            let Some((Some(a), r)) = r else {
                return null_mut();
            };
            if !ret.is_null() {
                *ret = r.map_or(null_mut(), |p| string.add(p));
            }
            addresses_to_c(vec![a])
        }
    })
}

/// `rfc822_parse_routeaddr`.
///
/// # Safety
/// As `rfc822_parse_addrspec`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_routeaddr(
    string: *mut c_char,
    ret: *mut *mut c_char,
    host: *mut c_char,
) -> *mut ADDRESS {
    super::guard("rfc822_parse_routeaddr", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            let h = c_bytes(host).map(<[u8]>::to_vec);
            let prior = if ret.is_null() { None } else { Some(*ret) };
            let r = on_cstring(string, |b, e| {
                let mut r = None;
                let a = address::parse_routeaddr(b, Some(0), &mut r, h.as_deref(), e);
                (a, r)
            });
            let Some((Some(a), r)) = r else {
                if let Some(p) = prior {
                    *ret = p;
                }
                return null_mut();
            };
            if !ret.is_null() {
                *ret = r.map_or(null_mut(), |p| string.add(p));
            }
            addresses_to_c(a)
        }
    })
}

/// `rfc822_output_flush`.
///
/// # Safety
/// `buf` a valid RFC822BUFFER.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_flush(buf: *mut RFC822BUFFER) -> std::os::raw::c_long {
    super::guard("rfc822_output_flush", 0, || {
        // SAFETY: forwarded contract; `cur` may equal `end` (guard byte).
        unsafe {
            *(*buf).cur = 0;
            (*buf).cur = (*buf).beg;
            match (*buf).f {
                Some(f) => f((*buf).s, (*buf).beg),
                None => 0,
            }
        }
    })
}

/// Runs a core writer straight into `buf` (so that folding measures with
/// the buffer's own positions, as the original does).
unsafe fn buf_write(
    buf: *mut RFC822BUFFER,
    f: impl FnOnce(&mut dyn write::Sink),
) -> std::os::raw::c_long {
    // SAFETY: forwarded contract of the exports below.
    let mut sink = unsafe { super::rfc822_output::RfcBuf::new(buf) };
    f(&mut sink);
    write::Sink::ok(&sink) as std::os::raw::c_long
}

/// `rfc822_output_address_list`. Folding is computed on the bytes written,
/// as the original computes it from its buffer pointers.
///
/// # Safety
/// `buf` valid; `adr` NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_address_list(
    buf: *mut RFC822BUFFER,
    adr: *mut ADDRESS,
    pretty: std::os::raw::c_long,
    _specials: *const c_char,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_address_list", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let list = addresses_from_c(adr);
            buf_write(buf, |o| write::output_address_list(o, &list, pretty))
        }
    })
}

/// `rfc822_output_address`.
///
/// # Safety
/// `buf` valid; `adr` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_address(
    buf: *mut RFC822BUFFER,
    adr: *mut ADDRESS,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_address", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            if adr.is_null() {
                return 1;
            }
            let one = addresses_from_c(adr).into_iter().next().unwrap_or_default();
            buf_write(buf, |o| write::output_address(o, &one))
        }
    })
}

/// `rfc822_output_cat`.
///
/// # Safety
/// `buf` valid; `src` NUL-terminated; `specials` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_cat(
    buf: *mut RFC822BUFFER,
    src: *mut c_char,
    specials: *const c_char,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_cat", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let src = c_bytes(src).unwrap_or_default().to_vec();
            let set = c_bytes(specials).map(lex::CharSet::from_bytes);
            buf_write(buf, |o| write::output_cat(o, &src, set.as_ref()))
        }
    })
}

/// `rfc822_output_parameter`.
///
/// # Safety
/// `buf` valid; `param` NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_parameter(
    buf: *mut RFC822BUFFER,
    param: *mut PARAMETER,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_parameter", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let p = params_from_c(param);
            buf_write(buf, |o| write::output_parameter(o, &p))
        }
    })
}

/// `rfc822_output_stringlist`.
///
/// # Safety
/// `buf` valid; `stl` NULL or a valid list.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_stringlist(
    buf: *mut RFC822BUFFER,
    stl: *mut STRINGLIST,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_stringlist", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let l = stringlist_from_c(stl);
            buf_write(buf, |o| write::output_stringlist(o, &l))
        }
    })
}

/// `rfc822_output_body_header`.
///
/// # Safety
/// `buf` and `body` valid.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_body_header(
    buf: *mut RFC822BUFFER,
    body: *mut BODY,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_body_header", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let b = body_from_c(body, 0);
            let t = CEnv::new();
            buf_write(buf, |o| {
                write::output_body_header(o, &b, &t.types, &t.encodings)
            })
        }
    })
}

/// `rfc822_output_header` (phrases always quoted with the phrase specials,
/// as the original does whatever `specials` says).
///
/// # Safety
/// `buf` and `env` valid; `body` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_header(
    buf: *mut RFC822BUFFER,
    env: *mut ENVELOPE,
    body: *mut BODY,
    _specials: *const c_char,
    flags: std::os::raw::c_long,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_header", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let e = envelope_from_c(env);
            let b = if body.is_null() {
                None
            } else {
                Some(body_from_c(body, 0))
            };
            let t = CEnv::new();
            buf_write(buf, |o| {
                write::output_header(o, &e, b.as_ref(), flags != 0, &t.types, &t.encodings)
            })
        }
    })
}

/// `rfc822_output_header_line`.
///
/// # Safety
/// `buf` valid; `type_` and `text` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_header_line(
    buf: *mut RFC822BUFFER,
    type_: *mut c_char,
    resent: std::os::raw::c_long,
    text: *mut c_char,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_header_line", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let k = c_bytes(type_).unwrap_or_default().to_vec();
            let t = c_bytes(text).map(<[u8]>::to_vec);
            buf_write(buf, |o| {
                write::output_header_line(o, &k, resent != 0, t.as_deref())
            })
        }
    })
}

/// `rfc822_output_address_line`.
///
/// # Safety
/// `buf` valid; `type_` NUL-terminated; `adr` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rfc822_output_address_line(
    buf: *mut RFC822BUFFER,
    type_: *mut c_char,
    resent: std::os::raw::c_long,
    adr: *mut ADDRESS,
    _specials: *const c_char,
) -> std::os::raw::c_long {
    super::guard("rfc822_output_address_line", 0, || {
        // SAFETY: forwarded contract.
        unsafe {
            let k = c_bytes(type_).unwrap_or_default().to_vec();
            let l = addresses_from_c(adr);
            buf_write(buf, |o| write::output_address_line(o, &k, resent != 0, &l))
        }
    })
}

/// `rfc822_header_line` (legacy): resent when `env->remail` is non-NULL.
///
/// # Safety
/// `header` points to a pointer into a writable buffer with room.
#[no_mangle]
pub unsafe extern "C" fn rfc822_header_line(
    header: *mut *mut c_char,
    type_: *mut c_char,
    env: *mut ENVELOPE,
    text: *mut c_char,
) {
    super::guard("rfc822_header_line", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            let k = c_bytes(type_).unwrap_or_default().to_vec();
            let t = c_bytes(text).map(<[u8]>::to_vec);
            let mut out = Vec::new();
            write::output_header_line(&mut out, &k, !(*env).remail.is_null(), t.as_deref());
            *header = legacy_append(*header, &out);
        }
    })
}

/// `rfc822_address_line` (legacy).
///
/// # Safety
/// As `rfc822_header_line`; `adr` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn rfc822_address_line(
    header: *mut *mut c_char,
    type_: *mut c_char,
    env: *mut ENVELOPE,
    adr: *mut ADDRESS,
) {
    super::guard("rfc822_address_line", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            let k = c_bytes(type_).unwrap_or_default().to_vec();
            let l = addresses_from_c(adr);
            let mut out = Vec::new();
            write::output_address_line(&mut out, &k, !(*env).remail.is_null(), &l);
            *header = legacy_append(*header, &out);
        }
    })
}
