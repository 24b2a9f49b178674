//! The original's internal `imap_*` functions that its shared library
//! exports too (they are not in imap4r1.h; their record types
//! IMAPPARSEDREPLY and IMAPARG are the original's private layouts, given
//! here with the same fields). Each is a thin adapter over the session and
//! the response parser of `crate::net::imap` and the helpers of
//! [`super::imap`]:
//!
//! * the text parsers (`imap_parse_envelope`, `_adrlist`, `_address`,
//!   `_body_structure`, `_body_parameter`, `_disposition`, `_language`,
//!   `_stringlist`, `_extension`, `_astring`, `_string`, `_flags`,
//!   `_namespace`, `_thread`, `_capabilities`, `_header`, `_user_flag`)
//!   take the text at `*txtptr` (literals written inline as `{n}` CRLF and
//!   the n bytes) and advance `*txtptr` past what they used;
//! * the command layer (`imap_send`, `imap_sout`, `imap_soutr`,
//!   `imap_reply`, `imap_parse_reply`, `imap_fake`, `imap_OK`,
//!   `imap_parse_unsolicited`, `imap_parse_response`, `imap_fetch`,
//!   `imap_capability`, `imap_challenge`, `imap_response`, `imap_acl_work`)
//!   hands out the stream's one IMAPPARSEDREPLY record, valid until the
//!   next command, as the original does.

use super::bindings::*;
use super::imap::{self as im, local, notify, Reply};
use super::memory::{c_bytes, c_string_from, fs_get, fs_give};
use super::rfc822::{addresses_to_c, body_fill_c, envelope_to_c, params_to_c, CEnv};
use crate::net::imap::parse::{self, Cond, Cursor, FetchItem, Limits, RawResponse, Response};
use crate::net::imap::session::{Arg, Item};
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_ushort, c_void};
use std::ptr::null_mut;

/// The original's IMAPPARSEDREPLY: the line and its three parts.
#[repr(C)]
pub struct ParsedReply {
    pub line: *mut c_uchar,
    pub tag: *mut c_uchar,
    pub key: *mut c_uchar,
    pub text: *mut c_uchar,
}

/// The original's IMAPARG: a type code and its datum.
#[repr(C)]
pub struct ImapArg {
    pub type_: c_int,
    pub text: *mut c_void,
}

/// Where a stream keeps its IMAPPARSEDREPLY and the bytes it points into.
pub struct ReplyStore {
    c: ParsedReply,
    buf: Vec<u8>,
    /// What `imap_reform_sequence` returned last.
    reform: Vec<u8>,
    /// Personal, other users' and shared namespaces from NAMESPACE (the
    /// array GET_NAMESPACE hands out).
    namespace: Box<[*mut NAMESPACE; 3]>,
    /// NULL until a NAMESPACE answer came, then the array above: what the
    /// original keeps as `LOCAL->namespace` and GET_NAMESPACE points to.
    ns_ptr: *mut *mut NAMESPACE,
    got_namespace: bool,
    /// The word GET_FETCHLOOKAHEAD points to.
    lookahead: Box<c_long>,
}

impl ReplyStore {
    /// The SEARCHSET an application hung on GET_FETCHLOOKAHEAD's word,
    /// which is cleared (the next structure fetch uses it once, as the
    /// original's `LOCAL->lookahead`).
    pub(super) fn take_lookahead(&mut self) -> *mut SEARCHSET {
        std::mem::replace(&mut *self.lookahead, 0) as *mut SEARCHSET
    }
}

impl Drop for ReplyStore {
    fn drop(&mut self) {
        for n in self.namespace.iter_mut() {
            // SAFETY: lists made by namespace_to_c.
            unsafe { mail_free_namespace(n) };
        }
    }
}

impl Default for ReplyStore {
    fn default() -> Self {
        ReplyStore {
            c: ParsedReply {
                line: null_mut(),
                tag: null_mut(),
                key: null_mut(),
                text: null_mut(),
            },
            buf: Vec::new(),
            reform: Vec::new(),
            namespace: Box::new([null_mut(); 3]),
            ns_ptr: null_mut(),
            got_namespace: false,
            lookahead: Box::new(0),
        }
    }
}

impl ReplyStore {
    /// Splits `line` as the original: tag, key (upper-cased) and text,
    /// each NUL-terminated in one buffer; `line` points at the tag.
    fn set(&mut self, tag: &[u8], key: &[u8], text: &[u8]) -> *mut ParsedReply {
        let mut b = Vec::with_capacity(tag.len() + key.len() + text.len() + 3);
        b.extend(tag.iter().filter(|&&c| c != 0));
        b.push(0);
        let k = b.len();
        b.extend(key.iter().filter(|&&c| c != 0).map(u8::to_ascii_uppercase));
        b.push(0);
        let t = b.len();
        b.extend(text.iter().filter(|&&c| c != 0));
        b.push(0);
        self.buf = b;
        let p = self.buf.as_mut_ptr();
        // SAFETY: offsets inside buf, which lives until the next set.
        unsafe {
            self.c.line = p;
            self.c.tag = p;
            self.c.key = p.add(k);
            self.c.text = p.add(t);
        }
        &mut self.c
    }

    fn set_line(&mut self, line: &[u8]) -> *mut ParsedReply {
        let (tag, rest) = split_word(line);
        if tag == b"+" {
            // As the original: a continuation reads as BAD to a caller
            // that did not expect one.
            return self.set(tag, b"BAD", rest);
        }
        let (key, text) = split_word(rest);
        self.set(tag, key, text)
    }
}

fn split_word(s: &[u8]) -> (&[u8], &[u8]) {
    match s.iter().position(|&c| c == b' ') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &[]),
    }
}

/// The stream's reply record set from a response line.
unsafe fn reply_from_line(stream: *mut MAILSTREAM, line: &[u8]) -> *mut ParsedReply {
    // SAFETY: stream live.
    match unsafe { local(stream) } {
        Some(l) => l.reply.set_line(line),
        None => null_mut(),
    }
}

/// Text of a reply record (the original's parts).
unsafe fn reply_parts(r: *mut ParsedReply) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    // SAFETY: r NULL or a record with NUL-terminated parts.
    unsafe {
        let r = r.as_ref()?;
        Some((
            c_bytes(r.tag as *const c_char).unwrap_or_default().to_vec(),
            c_bytes(r.key as *const c_char).unwrap_or_default().to_vec(),
            c_bytes(r.text as *const c_char)
                .unwrap_or_default()
                .to_vec(),
        ))
    }
}

/// Parses "`KEY text`" (a key of OK/NO/BAD/BYE/PREAUTH) into a [`Reply`].
fn reply_of(key: &[u8], text: &[u8]) -> Option<Reply> {
    let mut line = b"X ".to_vec();
    line.extend_from_slice(key);
    line.push(b' ');
    line.extend_from_slice(text);
    let raw = RawResponse {
        lines: vec![line],
        literals: Vec::new(),
    };
    let mut env = CEnv::new();
    match parse::parse(&raw, Limits::default(), &mut env).0 {
        Ok(Response::Tagged(_, cond, code, text)) => Some(Reply {
            cond,
            code,
            text,
            broken: false,
        }),
        _ => None,
    }
}

// ---- text parsers ----

/// The text at `*txtptr` as a raw response: inline literals (`{n}` CRLF
/// and n bytes) become literals; also the start of each segment.
unsafe fn text_raw(txtptr: *mut *mut c_uchar) -> Option<(RawResponse, Vec<usize>, *mut c_uchar)> {
    // SAFETY: per the callers' contracts, *txtptr NUL-terminated or NULL.
    let base = unsafe { *txtptr.as_ref()? };
    let t = unsafe { c_bytes(base as *const c_char)? };
    let mut raw = RawResponse::default();
    let mut starts = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &t[pos..];
        let lit = memchr::memmem::find(rest, b"}\r\n").and_then(|k| {
            RawResponse::literal_size(&rest[..=k])
                .and_then(Result::ok)
                .map(|n| (k, n))
        });
        starts.push(pos);
        match lit {
            Some((k, n)) => {
                raw.lines.push(rest[..=k].to_vec());
                let from = k + 3;
                let to = (from + n).min(rest.len());
                raw.literals.push(rest[from..to].to_vec());
                pos += to;
            }
            None => {
                raw.lines.push(rest.to_vec());
                break;
            }
        }
    }
    Some((raw, starts, base))
}

/// Runs `f` on a cursor over `*txtptr`, then moves `*txtptr` past what it
/// used. A parse error is reported as the original reports bad data
/// (`mm_notify` WARN, stream unhealthy) and gives None.
unsafe fn with_text<T>(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    f: impl FnOnce(&mut Cursor) -> Result<T, parse::ParseError>,
) -> Option<T> {
    // SAFETY: per the callers' contracts.
    unsafe {
        let (raw, starts, base) = text_raw(txtptr)?;
        let mut c = Cursor::new(&raw, Limits::default());
        let r = f(&mut c);
        let warnings = std::mem::take(&mut c.warnings);
        let (seg, off) = c.offset();
        let at = starts.get(seg).copied().unwrap_or(0) + off;
        let total = c_bytes(base as *const c_char).map_or(0, <[u8]>::len);
        *txtptr = base.add(at.min(total));
        for w in warnings {
            if !stream.is_null() {
                notify(stream, &w, WARN as c_long);
                (*stream).set_unhealthy(1);
            }
        }
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                if !stream.is_null() {
                    notify(stream, &e.0, WARN as c_long);
                    (*stream).set_unhealthy(1);
                }
                None
            }
        }
    }
}

/// `imap_parse_envelope`: an ENVELOPE (or NIL) into `*env`.
///
/// # Safety
/// `stream` live; `env` writable; `txtptr` points to a NUL-terminated text.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_envelope(
    stream: *mut MAILSTREAM,
    env: *mut *mut ENVELOPE,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) {
    super::guard("imap_parse_envelope", (), || {
        // SAFETY: per the contract.
        unsafe {
            if let Some(Some(e)) = with_text(stream, txtptr, |c| c.envelope()) {
                if !env.is_null() {
                    mail_free_envelope(env);
                    *env = envelope_to_c(e);
                }
            }
        }
    })
}

extern "C" {
    fn mail_free_envelope(env: *mut *mut ENVELOPE);
    fn mail_newbody_parameter() -> *mut PARAMETER;
    fn mail_free_namespace(n: *mut *mut NAMESPACE);
}

/// An untagged NAMESPACE answer (`raw`: its three lists) into the stream.
pub(super) unsafe fn set_namespace(stream: *mut MAILSTREAM, raw: &[u8]) {
    let r = RawResponse {
        lines: vec![raw.to_vec()],
        literals: Vec::new(),
    };
    let mut c = Cursor::new(&r, Limits::default());
    let mut lists = Vec::new();
    for _ in 0..3 {
        match c.namespace() {
            Ok(v) => lists.push(v),
            Err(e) => {
                // SAFETY: stream live.
                unsafe {
                    notify(stream, &e.0, WARN as c_long);
                    (*stream).set_unhealthy(1);
                }
                break;
            }
        }
    }
    let rest = c.rest_text();
    if lists.len() == 3 && !rest.is_empty() {
        let mut m = b"Junk after namespace list: ".to_vec();
        m.extend_from_slice(&rest[..rest.len().min(80)]);
        // SAFETY: stream live.
        unsafe {
            notify(stream, &m, WARN as c_long);
            (*stream).set_unhealthy(1);
        }
    }
    // SAFETY: stream live.
    let Some(l) = (unsafe { local(stream) }) else {
        return;
    };
    for (slot, v) in l
        .reply
        .namespace
        .iter_mut()
        .zip(lists.into_iter().chain(std::iter::repeat_with(Vec::new)))
    {
        // SAFETY: lists made by namespace_to_c.
        unsafe { mail_free_namespace(slot) };
        *slot = namespace_to_c(v);
    }
    l.reply.got_namespace = true;
    l.reply.ns_ptr = l.reply.namespace.as_mut_ptr();
}

/// The stream-dependent codes of `imap_parameters` (`value` the stream):
/// GET_NAMESPACE (asking the server once when it has NAMESPACE),
/// GET_THREADERS, GET_FETCHLOOKAHEAD.
///
/// # Safety
/// `value` NULL or a live stream.
pub unsafe fn stream_parameter(function: c_long, value: *mut c_void) -> *mut c_void {
    let stream = value as *mut MAILSTREAM;
    // SAFETY: per the contract.
    unsafe {
        if local(stream).is_none() {
            return null_mut();
        }
        match function {
            GET_NAMESPACE => {
                let need = local(stream)
                    .is_some_and(|l| !l.reply.got_namespace && l.session.has(b"NAMESPACE"));
                if need {
                    im::send(stream, "NAMESPACE", &[]);
                }
                // The address of the array pointer (NAMESPACE ***), as the
                // original hands out its LOCAL->namespace.
                match local(stream) {
                    Some(l) => &mut l.reply.ns_ptr as *mut *mut *mut NAMESPACE as *mut c_void,
                    None => null_mut(),
                }
            }
            GET_THREADERS => {
                let c = im::fill_cap(stream);
                c.as_ref().map_or(null_mut(), |c| c.threader as *mut c_void)
            }
            // Ours: the server's ID answer (NUL-terminated, kept by the
            // stream), NIL when none came.
            GET_IMAPSERVERID => match local(stream).and_then(|l| l.server_id.as_mut()) {
                Some(t) => t.as_mut_ptr() as *mut c_void,
                None => null_mut(),
            },
            GET_FETCHLOOKAHEAD => match local(stream) {
                Some(l) => &mut *l.reply.lookahead as *mut c_long as *mut c_void,
                None => null_mut(),
            },
            _ => null_mut(),
        }
    }
}

/// `imap_parse_adrlist`: an address list or NIL.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_adrlist(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) -> *mut ADDRESS {
    super::guard("imap_parse_adrlist", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { with_text(stream, txtptr, |c| c.address_list()) } {
            Some(v) if !v.is_empty() => addresses_to_c(v),
            _ => null_mut(),
        }
    })
}

/// `imap_parse_address`: the addresses `(...)(...)` inside a list.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_address(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) -> *mut ADDRESS {
    super::guard("imap_parse_address", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { with_text(stream, txtptr, |c| c.addresses()) } {
            Some(v) if !v.is_empty() => addresses_to_c(v),
            _ => null_mut(),
        }
    })
}

/// `imap_parse_body_structure`: a BODYSTRUCTURE into `body`.
///
/// # Safety
/// `body` a valid (zeroed or fresh) BODY; otherwise as
/// [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_body_structure(
    stream: *mut MAILSTREAM,
    body: *mut BODY,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) {
    super::guard("imap_parse_body_structure", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut env = CEnv::new();
            let b = with_text(stream, txtptr, |c| c.body(&mut env));
            im::note_extlevel(stream, env.extlevel);
            if let Some(b) = b {
                drop(env);
                if !body.is_null() {
                    body_fill_c(b, body, &mut Vec::new());
                }
            }
        }
    })
}

/// `imap_parse_body_parameter`: a parameter list or NIL.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_body_parameter(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) -> *mut PARAMETER {
    super::guard("imap_parse_body_parameter", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { with_text(stream, txtptr, |c| c.parameters()) } {
            Some(v) if !v.is_empty() => params_to_c(v),
            _ => null_mut(),
        }
    })
}

/// `imap_parse_disposition`: a body disposition into `body`.
///
/// # Safety
/// `body` a valid BODY; otherwise as [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_disposition(
    stream: *mut MAILSTREAM,
    body: *mut BODY,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) {
    super::guard("imap_parse_disposition", (), || {
        // SAFETY: per the contract.
        unsafe {
            let mut b = crate::message::model::Body::default();
            if with_text(stream, txtptr, |c| c.disposition(&mut b)).is_some() {
                if let Some(body) = body.as_mut() {
                    if let Some(t) = b.disposition_type {
                        body.disposition.type_ = c_string_from(&t);
                    }
                    if !b.disposition_parameter.is_empty() {
                        body.disposition.parameter = params_to_c(b.disposition_parameter);
                    }
                }
            }
        }
    })
}

/// `imap_parse_language`: a language list, a single language or NIL.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_language(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) -> *mut STRINGLIST {
    super::guard("imap_parse_language", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { with_text(stream, txtptr, |c| c.language()) } {
            Some(Some(v)) => im::stringlist(&v),
            _ => null_mut(),
        }
    })
}

/// `imap_parse_stringlist`: `(string ...)` or NIL.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_stringlist(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) -> *mut STRINGLIST {
    super::guard("imap_parse_stringlist", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { with_text(stream, txtptr, |c| c.string_list()) } {
            Some(Some(v)) => im::stringlist(&v),
            _ => null_mut(),
        }
    })
}

/// `imap_parse_extension`: skips one body extension value.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_extension(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) {
    super::guard("imap_parse_extension", (), || {
        // SAFETY: per the contract.
        unsafe { with_text(stream, txtptr, |c| c.skip_value()) };
    })
}

/// A malloc'ed copy with its length in `*len`.
unsafe fn give(v: &[u8], len: *mut c_ulong) -> *mut c_uchar {
    // SAFETY: len NULL or writable.
    unsafe {
        if let Some(l) = len.as_mut() {
            *l = v.len() as c_ulong;
        }
    }
    let p = fs_get(v.len() + 1) as *mut c_uchar;
    // SAFETY: p holds len + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(v.as_ptr(), p, v.len());
        *p.add(v.len()) = 0;
    }
    p
}

/// `imap_parse_astring`: an atom or string (malloc'ed), its size in `*len`.
///
/// # Safety
/// `len` NULL or writable; otherwise as [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_astring(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
    len: *mut c_ulong,
) -> *mut c_uchar {
    super::guard("imap_parse_astring", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            match with_text(stream, txtptr, |c| c.astring()) {
                Some(v) => give(&v, len),
                None => {
                    if let Some(l) = len.as_mut() {
                        *l = 0;
                    }
                    null_mut()
                }
            }
        }
    })
}

/// `imap_parse_string`: a quoted string or literal (malloc'ed), NULL for
/// NIL; its size in `*len`. (`md` and `flags` select the original's
/// mailgets and spacing options; the data is always returned in memory.)
///
/// # Safety
/// `len` NULL or writable; otherwise as [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_string(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
    _md: *mut GETS_DATA,
    len: *mut c_ulong,
    _flags: c_long,
) -> *mut c_uchar {
    super::guard("imap_parse_string", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            match with_text(stream, txtptr, |c| c.nstring()) {
                Some(Some(v)) => give(&v, len),
                _ => {
                    if let Some(l) = len.as_mut() {
                        *l = 0;
                    }
                    null_mut()
                }
            }
        }
    })
}

/// `imap_parse_flags`: a flag list into `elt` (mm_flags when it changed).
///
/// # Safety
/// `stream` live; `elt` an entry of its cache; `txtptr` as
/// [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_flags(
    stream: *mut MAILSTREAM,
    elt: *mut MESSAGECACHE,
    txtptr: *mut *mut c_uchar,
) {
    super::guard("imap_parse_flags", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(e) = elt.as_ref() else { return };
            let msgno = e.msgno;
            if let Some(flags) = with_text(stream, txtptr, |c| c.flag_list()) {
                if msgno >= 1 && msgno <= (*stream).nmsgs {
                    im::fetch_items(stream, msgno as u32, vec![FetchItem::Flags(flags)]);
                }
            }
        }
    })
}

/// `imap_parse_user_flag`: the bit of a keyword, 0 when unknown.
///
/// # Safety
/// `stream` live; `flag` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_user_flag(
    stream: *mut MAILSTREAM,
    flag: *mut c_char,
) -> c_ulong {
    super::guard("imap_parse_user_flag", 0, || {
        // SAFETY: per the contract.
        unsafe {
            match c_bytes(flag) {
                Some(f) if !stream.is_null() => im::user_flag(stream, f),
                _ => 0,
            }
        }
    })
}

/// `imap_parse_namespace`: one namespace list of a NAMESPACE answer.
///
/// # Safety
/// As [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_namespace(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
    _reply: *mut c_void,
) -> *mut NAMESPACE {
    super::guard("imap_parse_namespace", null_mut(), || {
        // SAFETY: per the contract.
        let list = unsafe { with_text(stream, txtptr, |c| c.namespace()) }.unwrap_or_default();
        namespace_to_c(list)
    })
}

/// NAMESPACE records (malloc'ed) of parsed namespaces.
pub(super) fn namespace_to_c(list: Vec<parse::NamespaceEntry>) -> *mut NAMESPACE {
    let mut head: *mut NAMESPACE = null_mut();
    let mut tail: *mut NAMESPACE = null_mut();
    for n in list {
        // SAFETY: fresh zeroed records, linked once.
        unsafe {
            let c = fs_get(std::mem::size_of::<NAMESPACE>()) as *mut NAMESPACE;
            std::ptr::write_bytes(c, 0, 1);
            (*c).name = c_string_from(&n.name);
            (*c).delimiter = n.delimiter.map_or(0, c_int::from);
            let mut ptail: *mut PARAMETER = null_mut();
            for (att, val) in n.params {
                let p = mail_newbody_parameter();
                if let Some(a) = att {
                    (*p).attribute = c_string_from(&a);
                }
                (*p).value = c_string_from(&val);
                if ptail.is_null() {
                    (*c).param = p;
                } else {
                    (*ptail).next = p;
                }
                ptail = p;
            }
            if tail.is_null() {
                head = c;
            } else {
                (*tail).next = c;
            }
            tail = c;
        }
    }
    head
}

/// `imap_parse_thread`: the thread groups of a THREAD answer.
///
/// # Safety
/// `stream` live; `txtptr` as [`imap_parse_envelope`].
#[no_mangle]
pub unsafe extern "C" fn imap_parse_thread(
    stream: *mut MAILSTREAM,
    txtptr: *mut *mut c_uchar,
) -> *mut THREADNODE {
    super::guard("imap_parse_thread", null_mut(), || {
        // SAFETY: per the contract.
        match unsafe { with_text(stream, txtptr, |c| c.threads()) } {
            Some(v) => im::thread_to_c(&v, 0),
            None => null_mut(),
        }
    })
}

/// `imap_parse_capabilities`: adds a capability list (space-separated)
/// to the server's capabilities.
///
/// # Safety
/// `stream` live; `t` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_capabilities(stream: *mut MAILSTREAM, t: *mut c_char) {
    super::guard("imap_parse_capabilities", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(text) = c_bytes(t) else { return };
            let Some(l) = local(stream) else { return };
            // Added to what the server said before, as the original does
            // once capabilities have arrived (they always have on an open
            // stream).
            l.session.capabilities.extend(
                text.split(|&c| c == b' ')
                    .filter(|w| !w.is_empty())
                    .map(<[u8]>::to_vec),
            );
            im::fill_cap(stream);
        }
    })
}

/// `imap_parse_header`: fills what the envelope lacks from a header
/// (`stl` set for a HEADER.FIELDS fetch).
///
/// # Safety
/// `stream` live; `env` writable; `hdr` a valid text.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_header(
    stream: *mut MAILSTREAM,
    env: *mut *mut ENVELOPE,
    hdr: *mut SIZEDTEXT,
    stl: *mut STRINGLIST,
) {
    super::guard("imap_parse_header", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(h) = hdr.as_ref() else { return };
            if env.is_null() || h.data.is_null() || stream.is_null() {
                return;
            }
            let data = std::slice::from_raw_parts(h.data, h.size as usize);
            im::merge_header(stream, env, data, !stl.is_null());
        }
    })
}

/// `imap_gc_body`: drops the cached texts of a body and its parts.
///
/// # Safety
/// `body` NULL or a valid BODY tree.
#[no_mangle]
pub unsafe extern "C" fn imap_gc_body(body: *mut BODY) {
    super::guard("imap_gc_body", (), || {
        // SAFETY: per the contract.
        unsafe { gc_body(body, 0) }
    })
}

unsafe fn drop_text(t: &mut SIZEDTEXT) {
    if !t.data.is_null() {
        // SAFETY: cached texts are malloc'ed.
        unsafe { fs_give(&mut t.data as *mut *mut c_uchar as *mut *mut c_void) };
    }
    t.size = 0;
}

unsafe fn gc_body(body: *mut BODY, depth: usize) {
    // SAFETY: body NULL or a valid BODY tree.
    unsafe {
        let Some(b) = body.as_mut() else { return };
        if depth > 1000 {
            return;
        }
        drop_text(&mut b.mime.text);
        drop_text(&mut b.contents.text);
        if b.type_ == TYPEMULTIPART as u16 {
            let mut p = b.nested.part;
            while !p.is_null() {
                gc_body(&mut (*p).body, depth + 1);
                p = (*p).next;
            }
        } else if b.type_ == TYPEMESSAGE as u16
            && c_bytes(b.subtype) == Some(b"RFC822")
            && !b.nested.msg.is_null()
        {
            let m = &mut *b.nested.msg;
            gc_body(m.body, depth + 1);
            drop_text(&mut m.full.text);
            drop_text(&mut m.header.text);
            drop_text(&mut m.text.text);
        }
    }
}

// ---- command layer ----

/// The reply record for a finished command: the server's tagged line, or
/// a faked `NO` for a broken connection.
unsafe fn reply_record(stream: *mut MAILSTREAM, r: &Reply) -> *mut ParsedReply {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else {
            return null_mut();
        };
        if r.broken || l.session.last_line.is_empty() {
            let tag = b"*".to_vec();
            return l.reply.set(&tag, b"NO", &r.text);
        }
        let line = l.session.last_line.clone();
        l.reply.set_line(&line)
    }
}

/// `LIST`/`SNLIST` datum: a STRINGLIST as `(a b ...)`, or a bare atom.
unsafe fn list_text(l: *mut STRINGLIST) -> Vec<u8> {
    let mut out = b"(".to_vec();
    let mut p = l;
    let mut first = true;
    // SAFETY: a caller's list.
    unsafe {
        while let Some(n) = p.as_ref() {
            if !first {
                out.push(b' ');
            }
            first = false;
            let t = if n.text.data.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(n.text.data, n.text.size as usize)
            };
            crate::net::imap::ext::quoted(&mut out, t);
            p = n.next;
        }
    }
    out.push(b')');
    out
}

/// The texts of a STRINGLIST (a NULL text as empty).
unsafe fn list_texts(l: *mut STRINGLIST) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    let mut p = l;
    // SAFETY: a caller's list.
    unsafe {
        while let Some(n) = p.as_ref() {
            v.push(if n.text.data.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(n.text.data, n.text.size as usize).to_vec()
            });
            p = n.next;
        }
    }
    v
}

/// `imap_send`: sends `cmd` with its IMAPARG arguments (NULL-terminated
/// array) and returns the tagged reply, untagged data applied.
///
/// # Safety
/// `stream` live; `cmd` NUL-terminated; `args` NULL or a NULL-terminated
/// array of valid IMAPARGs.
#[no_mangle]
pub unsafe extern "C" fn imap_send(
    stream: *mut MAILSTREAM,
    cmd: *mut c_char,
    args: *mut *mut c_void,
) -> *mut c_void {
    super::guard("imap_send", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { send_args(stream, cmd, args) as *mut c_void }
    })
}

unsafe fn send_args(
    stream: *mut MAILSTREAM,
    cmd: *mut c_char,
    args: *mut *mut c_void,
) -> *mut ParsedReply {
    // SAFETY: per imap_send's contract.
    unsafe {
        let Some(c) = c_bytes(cmd) else {
            return null_mut();
        };
        let cmd = String::from_utf8_lossy(c).into_owned();
        // Owned argument texts first, then the borrowed Arg list.
        let mut texts: Vec<(u8, Vec<u8>)> = Vec::new();
        // The lists of the QLIST arguments, in order.
        let mut qlists: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut i = 0;
        while !args.is_null() {
            let a = *args.add(i) as *mut ImapArg;
            let Some(a) = a.as_ref() else { break };
            i += 1;
            let text = a.text;
            let s = || c_bytes(text as *const c_char).unwrap_or_default().to_vec();
            match a.type_ {
                // ATOM, SEQUENCE: as they are.
                0 | 11 => texts.push((b'a', s())),
                // FLAGS: parenthesised unless they already are.
                2 => {
                    let f = s();
                    if f.first() == Some(&b'(') {
                        texts.push((b'a', f));
                    } else {
                        texts.push((b'a', [&b"("[..], &f, &b")"[..]].concat()));
                    }
                }
                // SEARCHPROGRAM.
                6 => {
                    let mut sp = im::Spgm::of(stream);
                    sp.pgm(text as *mut SEARCHPGM, 0);
                    texts.push((b'a', sp.inline()));
                }
                // NUMBER: the datum is the number itself.
                1 => texts.push((b'a', (text as c_ulong).to_string().into_bytes())),
                // ASTRING, LISTMAILBOX.
                3 => texts.push((b's', s())),
                12 => texts.push((b'w', s())),
                // LITERAL: a STRING.
                4 => texts.push((b'l', im::read_string(text as *mut STRING))),
                // LIST, SNLIST.
                5 | 14 => texts.push((b'a', list_text(text as *mut STRINGLIST))),
                // BODYTEXT, BODYPEEK, BODYCLOSE.
                8 => texts.push((b'a', [&b"BODY["[..], &s()].concat())),
                9 => texts.push((b'a', [&b"BODY.PEEK["[..], &s()].concat())),
                10 => texts.push((b'a', [&s()[..], &b"]"[..]].concat())),
                // Debian's annotation types: QLIST, a STRINGLIST of strings
                // each quoted as it is; QSTRING, one such string.
                16 => {
                    qlists.push(list_texts(text as *mut STRINGLIST));
                    texts.push((b'Q', Vec::new()));
                }
                17 => texts.push((b'q', s())),
                t => {
                    let m = format!("imap_send: argument type {t} not supported");
                    im::log(m.as_bytes(), ERROR as c_long);
                    let r = Reply {
                        cond: Cond::Bad,
                        code: None,
                        text: m.into_bytes(),
                        broken: true,
                    };
                    return reply_record(stream, &r);
                }
            }
        }
        // BODYTEXT/BODYPEEK run on into their section without a space.
        let mut merged: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut glue = false;
        for (k, t) in texts {
            match merged.last_mut() {
                Some(last) if glue && k == b'a' && last.0 == b'a' => last.1.extend_from_slice(&t),
                _ => merged.push((k, t)),
            }
            glue = merged
                .last()
                .is_some_and(|l| l.1.ends_with(b"[") || l.1.ends_with(b"."));
        }
        let mut ql = qlists.iter();
        let argv: Vec<Arg> = merged
            .iter()
            .map(|(k, t)| match k {
                b'a' => Arg::Atom(t),
                b'l' => Arg::Literal(t),
                b'q' => Arg::QStr(t),
                b'w' => Arg::Wild(t),
                b'Q' => Arg::QList(ql.next().map_or(&[][..], |v| &v[..])),
                _ => Arg::Str(t),
            })
            .collect();
        let r = im::send(stream, &cmd, &argv);
        reply_record(stream, &r)
    }
}

/// `imap_sout`: sends the command built in `base` up to `*s`, with CRLF,
/// and returns the reply for `tag` (a faked one when the connection
/// broke); `*s` back to `base`.
///
/// # Safety
/// `stream` live; `base`..`*s` a writable buffer with room for 3 more
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn imap_sout(
    stream: *mut MAILSTREAM,
    tag: *mut c_char,
    base: *mut c_char,
    s: *mut *mut c_char,
) -> *mut c_void {
    super::guard("imap_sout", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            if base.is_null() || s.is_null() || (*s).is_null() {
                return null_mut();
            }
            let n = (*s).offset_from(base).max(0) as usize;
            let mut line = std::slice::from_raw_parts(base as *const u8, n).to_vec();
            if let Some(l) = local(stream) {
                l.session.tr(&line, l.session.sensitive);
            }
            line.extend_from_slice(b"\r\n");
            *s = base;
            let sent = local(stream).map(|l| l.session.send_raw(&line));
            match sent {
                Some(Ok(())) => reply(stream, tag) as *mut c_void,
                _ => fake(stream, tag, b"[CLOSED] IMAP connection broken (command)") as *mut c_void,
            }
        }
    })
}

/// `imap_soutr`: sends a line (CRLF added); true when sent.
///
/// # Safety
/// `stream` live; `string` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_soutr(stream: *mut MAILSTREAM, string: *mut c_char) -> c_long {
    super::guard("imap_soutr", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(t) = c_bytes(string) else { return 0 };
            if let Some(l) = local(stream) {
                l.session.tr(t, false);
            }
            let mut line = t.to_vec();
            line.extend_from_slice(b"\r\n");
            match local(stream).map(|l| l.session.send_raw(&line)) {
                Some(Ok(())) => 1,
                _ => 0,
            }
        }
    })
}

/// `imap_reply`: reads until the tagged reply for `tag` (or a
/// continuation; with a NULL tag, also the first untagged response),
/// applying untagged data; a faked reply when the connection breaks.
///
/// # Safety
/// `stream` live; `tag` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_reply(stream: *mut MAILSTREAM, tag: *mut c_char) -> *mut c_void {
    super::guard("imap_reply", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { reply(stream, tag) as *mut c_void }
    })
}

unsafe fn reply(stream: *mut MAILSTREAM, tag: *mut c_char) -> *mut ParsedReply {
    // SAFETY: per imap_reply's contract.
    unsafe {
        let t = c_bytes(tag).map(<[u8]>::to_vec);
        let Some(l) = local(stream) else {
            return null_mut();
        };
        let mut env = CEnv::new();
        let mut items = Vec::new();
        let r = l
            .session
            .read_until(t.as_deref(), t.is_none(), &mut env, &mut items);
        l.cap.extlevel = l.cap.extlevel.max(env.extlevel);
        drop(env);
        let untagged = match &r {
            Ok(Response::Untagged(u)) => Some(u.clone()),
            _ => None,
        };
        im::apply(stream, items);
        match r {
            Ok(Response::Untagged(_)) => {
                if let Some(u) = untagged {
                    im::apply(stream, vec![Item::Untagged(u)]);
                }
                let Some(l) = local(stream) else {
                    return null_mut();
                };
                l.reply.set(b"*", b"", b"")
            }
            Ok(_) => {
                let line = local(stream)
                    .map(|l| l.session.last_line.clone())
                    .unwrap_or_default();
                reply_from_line(stream, &line)
            }
            Err(b) => {
                let r = im::finish(stream, Err(b));
                let Some(l) = local(stream) else {
                    return null_mut();
                };
                let tag = t.unwrap_or_else(|| b"*".to_vec());
                l.reply.set(&tag, b"NO", &r.text)
            }
        }
    }
}

/// `imap_parse_reply`: splits a response line (malloc'ed; the library
/// takes it) into the stream's reply record; NULL for no line.
///
/// # Safety
/// `stream` live; `text` NULL or a malloc'ed NUL-terminated line.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_reply(
    stream: *mut MAILSTREAM,
    text: *mut c_char,
) -> *mut c_void {
    super::guard("imap_parse_reply", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(t) = c_bytes(text).map(<[u8]>::to_vec) else {
                // No line: the connection is gone.
                if let Some(l) = local(stream) {
                    l.session.dead = true;
                }
                return null_mut();
            };
            let mut p = text as *mut c_void;
            fs_give(&mut p);
            let (tag, rest) = split_word(&t);
            if tag.is_empty() && rest.is_empty() {
                notify(stream, b"IMAP server sent a blank line", WARN as c_long);
                (*stream).set_unhealthy(1);
                return null_mut();
            }
            if tag != b"+" && split_word(rest).0.is_empty() {
                let mut m = b"Missing IMAP reply key: ".to_vec();
                m.extend_from_slice(&tag[..tag.len().min(80)]);
                notify(stream, &m, WARN as c_long);
                (*stream).set_unhealthy(1);
                return null_mut();
            }
            reply_from_line(stream, &t) as *mut c_void
        }
    })
}

unsafe fn fake(stream: *mut MAILSTREAM, tag: *mut c_char, text: &[u8]) -> *mut ParsedReply {
    // SAFETY: stream live; tag NULL or NUL-terminated.
    unsafe {
        notify(stream, text, BYE as c_long);
        let Some(l) = local(stream) else {
            return null_mut();
        };
        l.session.dead = true;
        let t = c_bytes(tag).unwrap_or(b"*").to_vec();
        l.reply.set(&t, b"NO", text)
    }
}

/// `imap_fake`: reports a connection failure (mm_notify BYE), drops the
/// connection and returns a `NO` reply with `text`.
///
/// # Safety
/// `stream` live; `tag`, `text` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_fake(
    stream: *mut MAILSTREAM,
    tag: *mut c_char,
    text: *mut c_char,
) -> *mut c_void {
    super::guard("imap_fake", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let t = c_bytes(text).unwrap_or_default().to_vec();
            fake(stream, tag, &t) as *mut c_void
        }
    })
}

/// `imap_OK`: true for an OK reply; NO and BAD are reported as the
/// original reports them.
///
/// # Safety
/// `stream` live; `reply` a reply record.
#[no_mangle]
pub unsafe extern "C" fn imap_OK(stream: *mut MAILSTREAM, reply: *mut c_void) -> c_long {
    super::guard("imap_OK", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some((_, key, text)) = reply_parts(reply as *mut ParsedReply) else {
                return 0;
            };
            match reply_of(&key, &text) {
                Some(r) => c_long::from(im::ok(stream, &r)),
                None => {
                    let mut m = b"Unexpected IMAP response: ".to_vec();
                    m.extend_from_slice(&key[..key.len().min(80)]);
                    m.push(b' ');
                    m.extend_from_slice(&text[..text.len().min(80)]);
                    im::log(&m, ERROR as c_long);
                    0
                }
            }
        }
    })
}

/// `imap_parse_response`: acts on the response code at the start of
/// `text` and tells the application as the original does.
///
/// # Safety
/// `stream` live; `text` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_response(
    stream: *mut MAILSTREAM,
    text: *mut c_char,
    errflg: c_long,
    ntfy: c_long,
) {
    super::guard("imap_parse_response", (), || {
        // SAFETY: per the contract.
        unsafe {
            let t = c_bytes(text).unwrap_or_default();
            if let Some(r) = reply_of(b"OK", t) {
                im::response(stream, r.code.as_ref(), &r.text, errflg, ntfy != 0);
            }
        }
    })
}

/// `imap_parse_unsolicited`: applies an untagged reply record.
///
/// # Safety
/// `stream` live; `reply` a reply record.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_unsolicited(stream: *mut MAILSTREAM, reply: *mut c_void) {
    super::guard("imap_parse_unsolicited", (), || {
        // SAFETY: per the contract.
        unsafe {
            let Some((tag, key, text)) = reply_parts(reply as *mut ParsedReply) else {
                return;
            };
            let mut line = tag;
            line.push(b' ');
            line.extend_from_slice(&key);
            if !text.is_empty() {
                line.push(b' ');
                line.extend_from_slice(&text);
            }
            let raw = RawResponse {
                lines: vec![line],
                literals: Vec::new(),
            };
            let mut env = CEnv::new();
            let (r, warnings) = parse::parse(&raw, Limits::default(), &mut env);
            im::note_extlevel(stream, env.extlevel);
            drop(env);
            let mut items: Vec<Item> = warnings.into_iter().map(Item::Warning).collect();
            match r {
                Ok(Response::Untagged(u)) => items.push(Item::Untagged(u)),
                Ok(_) => {}
                Err(e) => {
                    let mut m = b"Unexpected untagged message: ".to_vec();
                    m.extend_from_slice(&e.0[..e.0.len().min(80)]);
                    items.push(Item::Warning(m));
                }
            }
            im::apply(stream, items);
        }
    })
}

/// `imap_fetch`: FETCH (or UID FETCH) of the fast attributes, with the
/// envelope, the extra header lines and the body structure as `flags`
/// ask (FT_NEEDENV, FT_NOHDRS, FT_NEEDBODY).
///
/// # Safety
/// `stream` live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) -> *mut c_void {
    super::guard("imap_fetch", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(seq) = c_bytes(sequence).map(<[u8]>::to_vec) else {
                return null_mut();
            };
            let (cmd, att) = im::fetch_spec(stream, flags);
            let seq = if im::loser(stream) {
                im::reform(stream, &seq, flags & FT_UID as c_long != 0)
            } else {
                seq
            };
            let att = att.into_bytes();
            let r = im::send(stream, cmd, &[Arg::Atom(&seq), Arg::Atom(&att)]);
            reply_record(stream, &r) as *mut c_void
        }
    })
}

/// `imap_reform_sequence`: the sequence with every descending range
/// `b:a` written `a:b` (`*` is the last message or UID), for servers that
/// refuse descending ranges; owned by the stream until the next call.
///
/// # Safety
/// `stream` live; `sequence` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_reform_sequence(
    stream: *mut MAILSTREAM,
    sequence: *mut c_char,
    flags: c_long,
) -> *mut c_char {
    super::guard("imap_reform_sequence", sequence, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(seq) = c_bytes(sequence) else {
                return sequence;
            };
            if (*stream).nmsgs == 0 {
                return sequence;
            }
            let out = im::reform(stream, seq, flags != 0);
            let Some(l) = local(stream) else {
                return sequence;
            };
            l.reply.reform = out;
            l.reply.reform.push(0);
            l.reply.reform.as_mut_ptr() as *mut c_char
        }
    })
}

/// `imap_capability`: asks the server for its capabilities.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_capability(stream: *mut MAILSTREAM) {
    super::guard("imap_capability", (), || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_some() {
                im::capability(stream);
                im::fill_cap(stream);
            }
        }
    })
}

/// `imap_challenge`: the next SASL challenge (decoded, malloc'ed, its
/// size in `*len`); NULL when the server answered with a tagged reply
/// instead (kept as the stream's reply).
///
/// # Safety
/// `s` a live IMAP stream; `len` writable.
#[no_mangle]
pub unsafe extern "C" fn imap_challenge(s: *mut c_void, len: *mut c_ulong) -> *mut c_void {
    super::guard("imap_challenge", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let stream = s as *mut MAILSTREAM;
            let r = reply(stream, null_mut());
            let Some((tag, _, text)) = reply_parts(r) else {
                return null_mut();
            };
            if tag != b"+" {
                return null_mut();
            }
            match crate::net::sasl::decode64(&text) {
                Some(d) => give(&d, len) as *mut c_void,
                None => {
                    im::log(b"IMAP SERVER BUG (invalid challenge)", WARN as c_long);
                    null_mut()
                }
            }
        }
    })
}

/// `imap_response`: sends a SASL response (BASE64), or `*` to cancel when
/// `response` is NULL.
///
/// # Safety
/// `s` a live IMAP stream; `response` NULL or readable for `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn imap_response(
    s: *mut c_void,
    response: *mut c_char,
    size: c_ulong,
) -> c_long {
    super::guard("imap_response", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let stream = s as *mut MAILSTREAM;
            if response.is_null() {
                if let Some(l) = local(stream) {
                    l.saslcancel = true;
                }
            }
            let mut line = if response.is_null() {
                b"*".to_vec()
            } else {
                let d = std::slice::from_raw_parts(response as *const u8, size as usize);
                crate::net::sasl::encode64(d).into_bytes()
            };
            if let Some(l) = local(stream) {
                // Only a response with data may be hidden, as the original.
                let hide = l.session.sensitive && !response.is_null() && size > 0;
                l.session.tr(&line, hide);
            }
            line.extend_from_slice(b"\r\n");
            match local(stream).map(|l| l.session.send_raw(&line)) {
                Some(Ok(())) => 1,
                _ => 0,
            }
        }
    })
}

/// `imap_acl_work`: an ACL command with its arguments; true on OK, else
/// the server's text through mm_log ERROR.
///
/// # Safety
/// As [`imap_send`].
#[no_mangle]
pub unsafe extern "C" fn imap_acl_work(
    stream: *mut MAILSTREAM,
    command: *mut c_char,
    args: *mut *mut c_void,
) -> c_long {
    super::guard("imap_acl_work", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none_or(|l| !l.session.has(b"ACL")) {
                im::log(b"ACL not available on this IMAP server", ERROR as c_long);
                return 0;
            }
            let r = send_args(stream, command, args);
            if imap_OK(stream, r as *mut c_void) != 0 {
                return 1;
            }
            if let Some((_, _, t)) = reply_parts(r) {
                im::log(&t, ERROR as c_long);
            }
            0
        }
    })
}

/// `imap_list_work`: LIST or LSUB (`cmd`) of `ref` and `pat`.
///
/// # Safety
/// `stream` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_list_work(
    stream: *mut MAILSTREAM,
    cmd: *mut c_char,
    r: *mut c_char,
    pat: *mut c_char,
    contents: *mut c_char,
) {
    super::guard("imap_list_work", (), || {
        // SAFETY: per the contract.
        unsafe {
            let c = c_bytes(cmd).unwrap_or(b"LIST");
            let c = if c.eq_ignore_ascii_case(b"LSUB") {
                "LSUB"
            } else if c.eq_ignore_ascii_case(b"SCAN") {
                "SCAN"
            } else {
                "LIST"
            };
            let contents = c_bytes(contents).map(<[u8]>::to_vec);
            im::list_work(stream, c, r, pat, contents.as_deref());
        }
    })
}

/// `imap_send_sdate`: appends ` NAME d-Mon-yyyy` to the command being
/// built at `*s`.
///
/// # Safety
/// `s` points to a writable buffer position with room for the text;
/// `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_send_sdate(s: *mut *mut c_char, name: *mut c_char, date: c_ushort) {
    super::guard("imap_send_sdate", (), || {
        // SAFETY: per the contract.
        unsafe {
            if s.is_null() || (*s).is_null() {
                return;
            }
            let n = c_bytes(name).unwrap_or_default();
            let mut t = b" ".to_vec();
            t.extend_from_slice(n);
            t.push(b' ');
            t.extend_from_slice(im::imap_date(date).as_bytes());
            std::ptr::copy_nonoverlapping(t.as_ptr(), *s as *mut u8, t.len());
            *s = (*s).add(t.len());
            **s = 0;
        }
    })
}

/// `imap_send_spgm_trim`: writes `text` (if any) at `s`, then drops a
/// leading "ALL " of the search program at `base` once something follows
/// it; returns the new end.
///
/// # Safety
/// `base`..`s` inside one writable buffer with room for `text`; `text`
/// NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_send_spgm_trim(
    base: *mut c_char,
    s: *mut c_char,
    text: *mut c_char,
) -> *mut c_char {
    super::guard("imap_send_spgm_trim", s, || {
        // SAFETY: per the contract.
        unsafe {
            let mut s = s;
            if s.is_null() {
                return s;
            }
            if let Some(t) = c_bytes(text) {
                std::ptr::copy_nonoverlapping(t.as_ptr(), s as *mut u8, t.len());
                s = s.add(t.len());
            }
            if !base.is_null() && s > base.add(4) {
                let head = std::slice::from_raw_parts(base as *const u8, 4);
                if head == b"ALL " {
                    let n = s.offset_from(base.add(4)) as usize;
                    std::ptr::copy(base.add(4), base, n);
                    s = s.sub(4);
                }
            }
            s
        }
    })
}

/// `imap_login`: the LOGIN command with `mm_login` and retries; the user
/// name that worked into `usr`.
///
/// # Safety
/// `stream` live; `mb` valid; `usr` NULL or MAILTMPLEN bytes.
#[no_mangle]
pub unsafe extern "C" fn imap_login(
    stream: *mut MAILSTREAM,
    mb: *mut NETMBX,
    _pwd: *mut c_char,
    usr: *mut c_char,
) -> c_long {
    super::guard("imap_login", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(mb) = mb.as_mut() else { return 0 };
            if local(stream).is_none() {
                return 0;
            }
            let r = im::login_cmd(stream, mb);
            if r {
                put_user(stream, usr);
            }
            c_long::from(r)
        }
    })
}

/// `imap_auth`: AUTHENTICATE with the authenticators the server offers.
///
/// # Safety
/// As [`imap_login`].
#[no_mangle]
pub unsafe extern "C" fn imap_auth(
    stream: *mut MAILSTREAM,
    mb: *mut NETMBX,
    _tmp: *mut c_char,
    usr: *mut c_char,
) -> c_long {
    super::guard("imap_auth", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(mb) = mb.as_mut() else { return 0 };
            if local(stream).is_none() {
                return 0;
            }
            let max = super::params::number(
                crate::env::params::Owner::Imap,
                GET_MAXLOGINTRIALS as c_long,
            )
            .max(1);
            let r = im::sasl_login(stream, mb, max) == Some(true);
            if r {
                put_user(stream, usr);
            }
            c_long::from(r)
        }
    })
}

unsafe fn put_user(stream: *mut MAILSTREAM, usr: *mut c_char) {
    // SAFETY: usr NULL or MAILTMPLEN bytes; stream live.
    unsafe {
        if usr.is_null() {
            return;
        }
        let u = local(stream)
            .and_then(|l| l.user.clone())
            .unwrap_or_default();
        let n = u.len().min(MAILTMPLEN as usize - 1);
        std::ptr::copy_nonoverlapping(u.as_ptr(), usr as *mut u8, n);
        *usr.add(n) = 0;
    }
}

/// `imap_anon`: anonymous login.
///
/// # Safety
/// `stream` live.
#[no_mangle]
pub unsafe extern "C" fn imap_anon(stream: *mut MAILSTREAM, _tmp: *mut c_char) -> c_long {
    super::guard("imap_anon", 0, || {
        // SAFETY: per the contract.
        unsafe {
            if local(stream).is_none() {
                return 0;
            }
            c_long::from(im::anon(stream))
        }
    })
}

/// `imap_rimap`: rsh/ssh pre-authenticated IMAP. This library never runs
/// the remote shell for IMAP (see docs/deviations.md), so, as the
/// original does when rsh is unavailable, there is no pre-authenticated
/// connection and the caller goes on with TCP.
///
/// # Safety
/// Arguments unused.
#[no_mangle]
pub unsafe extern "C" fn imap_rimap(
    _stream: *mut MAILSTREAM,
    _service: *mut c_char,
    _mb: *mut NETMBX,
    _usr: *mut c_char,
    _tmp: *mut c_char,
) -> *mut c_void {
    super::guard("imap_rimap", null_mut(), null_mut)
}

/// `imap_cache`: a fetched text into its place in the message cache (the
/// cache takes `text`'s data; `stl` the header names of a HEADER.FIELDS
/// fetch), or with no text whether that place holds data.
///
/// # Safety
/// `stream` live; `seg` NUL-terminated; `stl` NULL or a malloc'ed list;
/// `text` NULL or a text with malloc'ed data.
#[no_mangle]
pub unsafe extern "C" fn imap_cache(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    seg: *mut c_char,
    stl: *mut STRINGLIST,
    text: *mut SIZEDTEXT,
) -> c_long {
    super::guard("imap_cache", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(sg) = c_bytes(seg).map(<[u8]>::to_vec) else {
                return 0;
            };
            if local(stream).is_none() || msgno < 1 || msgno > (*stream).nmsgs {
                return 0;
            }
            let data = text.as_mut().map(|t| {
                let d = if t.data.is_null() {
                    Vec::new()
                } else {
                    std::slice::from_raw_parts(t.data, t.size as usize).to_vec()
                };
                if !t.data.is_null() {
                    fs_give(&mut t.data as *mut *mut c_uchar as *mut *mut c_void);
                }
                d
            });
            let given = data.is_some();
            let r = im::cache(stream, msgno as u32, &sg, data);
            // The caller's header names replace the ones read from `seg`.
            if given && !stl.is_null() && sg.starts_with(b"HEADER.FIELDS") {
                let elt = super::cache::mail_elt(stream, msgno);
                if let Some(e) = elt.as_mut() {
                    im::free_stringlist(&mut e.private.msg.lines);
                    e.private.msg.lines = stl;
                    if sg.starts_with(b"HEADER.FIELDS.NOT") {
                        let mut p = stl;
                        while let Some(n) = p.as_mut() {
                            n.text.size = 0;
                            p = n.next;
                        }
                    }
                }
            }
            c_long::from(r)
        }
    })
}

/// `imap_append_single`: one APPEND (flags, date and message as given);
/// the tagged reply.
///
/// # Safety
/// `stream` live; strings NULL or NUL-terminated; `msg` a valid STRING.
#[no_mangle]
pub unsafe extern "C" fn imap_append_single(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    flags: *mut c_char,
    date: *mut c_char,
    msg: *mut STRING,
) -> *mut c_void {
    super::guard("imap_append_single", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(mbx) = c_bytes(mailbox).map(<[u8]>::to_vec) else {
                return null_mut();
            };
            let f = c_bytes(flags).filter(|f| !f.is_empty()).map(|f| {
                if f.first() == Some(&b'(') {
                    f.to_vec()
                } else {
                    [&b"("[..], f, &b")"[..]].concat()
                }
            });
            let d = c_bytes(date).filter(|d| !d.is_empty()).map(<[u8]>::to_vec);
            let body = im::read_string(msg);
            let mut args = vec![Arg::Mbx(&mbx)];
            if let Some(f) = &f {
                args.push(Arg::Atom(f));
            }
            if let Some(d) = &d {
                args.push(Arg::Str(d));
            }
            args.push(Arg::Literal(&body));
            let r = im::send(stream, "APPEND", &args);
            reply_record(stream, &r) as *mut c_void
        }
    })
}

/// Writes `t` at `*s` when it fits before `limit` (NULL: no limit).
unsafe fn put_buf(s: *mut *mut c_char, limit: *mut c_char, t: &[u8]) -> bool {
    // SAFETY: per the callers' contracts, *s is inside a writable buffer
    // ending at limit.
    unsafe {
        if s.is_null() || (*s).is_null() {
            return false;
        }
        if !limit.is_null() && (*s).add(t.len()) > limit {
            return false;
        }
        std::ptr::copy_nonoverlapping(t.as_ptr(), *s as *mut u8, t.len());
        *s = (*s).add(t.len());
        true
    }
}

unsafe fn too_long(stream: *mut MAILSTREAM, tag: *mut c_char) -> *mut c_void {
    // SAFETY: stream live.
    unsafe {
        let Some(l) = local(stream) else {
            return null_mut();
        };
        let t = c_bytes(tag).unwrap_or(b"*").to_vec();
        l.reply.set(&t, b"BAD", b"[CLOSED] Command too long") as *mut c_void
    }
}

/// `imap_send_spgm`: writes a search program at `*s` (strings quoted, or
/// as LITERAL+ literals); NULL when written, a BAD reply when it does not
/// fit before `limit`.
///
/// # Safety
/// `stream` live; `*s` inside a writable buffer ending at `limit`; `pgm`
/// NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn imap_send_spgm(
    stream: *mut MAILSTREAM,
    tag: *mut c_char,
    _base: *mut c_char,
    s: *mut *mut c_char,
    pgm: *mut SEARCHPGM,
    limit: *mut c_char,
) -> *mut c_void {
    super::guard("imap_send_spgm", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut sp = im::Spgm::of(stream);
            sp.pgm(pgm, 0);
            if put_buf(s, limit, &sp.inline()) {
                null_mut()
            } else {
                too_long(stream, tag)
            }
        }
    })
}

/// `imap_send_sset`: writes `prefix` and a message set at `*s`.
///
/// # Safety
/// As [`imap_send_spgm`]; `prefix` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_send_sset(
    stream: *mut MAILSTREAM,
    tag: *mut c_char,
    _base: *mut c_char,
    s: *mut *mut c_char,
    set: *mut SEARCHSET,
    prefix: *mut c_char,
    limit: *mut c_char,
) -> *mut c_void {
    super::guard("imap_send_sset", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut sp = im::Spgm::of(stream);
            let p = String::from_utf8_lossy(c_bytes(prefix).unwrap_or_default()).into_owned();
            sp.set("", set);
            let mut t = p.into_bytes();
            t.extend_from_slice(&sp.text);
            if put_buf(s, limit, &t) {
                null_mut()
            } else {
                too_long(stream, tag)
            }
        }
    })
}

/// `imap_send_slist`: writes `name` and a string for each list entry.
///
/// # Safety
/// As [`imap_send_spgm`]; `name` NUL-terminated; `list` valid.
#[no_mangle]
pub unsafe extern "C" fn imap_send_slist(
    stream: *mut MAILSTREAM,
    tag: *mut c_char,
    _base: *mut c_char,
    s: *mut *mut c_char,
    name: *mut c_char,
    list: *mut STRINGLIST,
    limit: *mut c_char,
) -> *mut c_void {
    super::guard("imap_send_slist", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let n = c_bytes(name).unwrap_or_default().to_vec();
            let mut t = Vec::new();
            let mut p = list;
            while let Some(e) = p.as_ref() {
                t.extend_from_slice(&n);
                let d = if e.text.data.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(e.text.data, e.text.size as usize)
                };
                let mut sp = im::Spgm::of(stream);
                sp.string(d);
                // Spgm puts a space before each string; the name ends in one.
                let w = sp.inline();
                t.extend_from_slice(w.strip_prefix(b" ").unwrap_or(&w));
                p = e.next;
            }
            if put_buf(s, limit, &t) {
                null_mut()
            } else {
                too_long(stream, tag)
            }
        }
    })
}

/// `imap_send_astring`: writes a string at `*s`, quoted, or as a LITERAL+
/// literal when it cannot be quoted.
///
/// # Safety
/// As [`imap_send_spgm`]; `as_` a valid text.
#[no_mangle]
pub unsafe extern "C" fn imap_send_astring(
    stream: *mut MAILSTREAM,
    tag: *mut c_char,
    s: *mut *mut c_char,
    as_: *mut SIZEDTEXT,
    _wildok: c_long,
    limit: *mut c_char,
) -> *mut c_void {
    super::guard("imap_send_astring", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let d = match as_.as_ref() {
                Some(t) if !t.data.is_null() => std::slice::from_raw_parts(t.data, t.size as usize),
                _ => &[][..],
            };
            let mut sp = im::Spgm::of(stream);
            sp.string(d);
            let w = sp.inline();
            let t = w.strip_prefix(b" ").unwrap_or(&w).to_vec();
            if put_buf(s, limit, &t) {
                null_mut()
            } else {
                too_long(stream, tag)
            }
        }
    })
}

/// `imap_send_literal`: writes a STRING as a LITERAL+ literal at `*s`.
///
/// # Safety
/// `stream` live; `*s` inside a writable buffer large enough; `st` valid.
#[no_mangle]
pub unsafe extern "C" fn imap_send_literal(
    _stream: *mut MAILSTREAM,
    _tag: *mut c_char,
    s: *mut *mut c_char,
    st: *mut STRING,
) -> *mut c_void {
    super::guard("imap_send_literal", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let d = im::read_string(st);
            let mut t = format!("{{{}+}}\r\n", d.len()).into_bytes();
            t.extend_from_slice(&d);
            put_buf(s, null_mut(), &t);
            null_mut()
        }
    })
}

/// How one AUTHENTICATE through an authenticator object's client half
/// ended (the original's `imap_auth` step).
pub(super) enum AuthStep {
    /// Authenticated.
    Ok,
    /// The program cancelled (the client left the trial count at 0).
    Cancelled,
    /// Refused, or the exchange cancelled by the protocol: the server's
    /// text.
    Failed(Vec<u8>),
    /// The command could not be sent.
    Unsent,
}

/// AUTHENTICATE with `at`'s client half (`imap_challenge` and
/// `imap_response` on this stream, service "imap"), then the tagged
/// answer as the original reads it: any other answer than the one for
/// this command is cancelled with `*` until it comes.
///
/// # Safety
/// `stream` a live IMAP stream; `at` an authenticator; `usr` a
/// MAILTMPLEN buffer.
pub(super) unsafe fn authenticate_with(
    stream: *mut MAILSTREAM,
    at: *mut AUTHENTICATOR,
    mb: &mut NETMBX,
    trial: &mut c_ulong,
    usr: *mut c_char,
) -> AuthStep {
    // SAFETY: per the contract.
    unsafe {
        let Some(l) = local(stream) else {
            return AuthStep::Unsent;
        };
        let Some(client) = (*at).client else {
            return AuthStep::Unsent;
        };
        l.saslcancel = false;
        let tag = l.session.next_tag();
        let mut line = tag.clone();
        line.extend_from_slice(b" AUTHENTICATE ");
        line.extend_from_slice(c_bytes((*at).name).unwrap_or_default());
        l.session.tr(&line, false);
        line.extend_from_slice(b"\r\n");
        if l.session.send_raw(&line).is_err() {
            return AuthStep::Unsent;
        }
        // The client's responses are hidden from the telemetry unless the
        // authenticator is a secure one.
        l.session.sensitive = (*at).flags & AU_SECURE == 0;
        let ok = client(
            Some(imap_challenge),
            Some(imap_response),
            c"imap".as_ptr() as *mut c_char,
            mb,
            stream as *mut c_void,
            trial,
            usr,
        ) != 0;
        if let Some(l) = local(stream) {
            l.session.sensitive = false;
        }
        let ctag = std::ffi::CString::new(tag.clone()).unwrap_or_default();
        let mut r = match local(stream) {
            Some(l) if !l.reply.c.tag.is_null() => &mut l.reply.c as *mut ParsedReply,
            _ => fake(
                stream,
                ctag.as_ptr() as *mut c_char,
                b"[CLOSED] IMAP connection broken (authenticate)",
            ),
        };
        let same = |r: *mut ParsedReply| {
            reply_parts(r).is_none_or(|(t, _, _)| t.eq_ignore_ascii_case(&tag))
        };
        if !same(r) {
            loop {
                r = reply(stream, ctag.as_ptr() as *mut c_char);
                if same(r) {
                    break;
                }
                if local(stream).is_none_or(|l| {
                    l.session.tr(b"*", false);
                    l.session.send_raw(b"*\r\n").is_err()
                }) {
                    r = fake(
                        stream,
                        ctag.as_ptr() as *mut c_char,
                        b"[CLOSED] IMAP connection broken (authenticate)",
                    );
                    break;
                }
            }
        }
        if ok && !r.is_null() && imap_OK(stream, r as *mut c_void) != 0 {
            return AuthStep::Ok;
        }
        if *trial == 0 {
            return AuthStep::Cancelled;
        }
        let text = reply_parts(r).map(|(_, _, t)| t).unwrap_or_default();
        AuthStep::Failed(text)
    }
}
/// `imap_send_qstring` (Debian's annotation addition): writes `as_` at
/// `*s` between double quotes exactly as it is (no escapes), or, when it
/// would pass `limit`, as a literal the way [`imap_send_literal`] does.
///
/// # Safety
/// As [`imap_send_astring`].
#[no_mangle]
pub unsafe extern "C" fn imap_send_qstring(
    _stream: *mut MAILSTREAM,
    _tag: *mut c_char,
    s: *mut *mut c_char,
    as_: *mut SIZEDTEXT,
    limit: *mut c_char,
) -> *mut c_void {
    super::guard("imap_send_qstring", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let d = match as_.as_ref() {
                Some(t) if !t.data.is_null() => std::slice::from_raw_parts(t.data, t.size as usize),
                _ => &[][..],
            };
            if s.is_null() || (*s).is_null() {
                return null_mut();
            }
            let t = if !limit.is_null() && (*s as usize).saturating_add(d.len()) > limit as usize {
                let mut t = format!("{{{}+}}\r\n", d.len()).into_bytes();
                t.extend_from_slice(d);
                t
            } else {
                [&b"\""[..], d, &b"\""[..]].concat()
            };
            put_buf(s, null_mut(), &t);
            null_mut()
        }
    })
}

/// `imap_annotation_work` (Debian's annotation addition): sends an
/// annotation command with its arguments; true on OK, else the server's
/// text through mm_log ERROR.
///
/// # Safety
/// As [`imap_send`].
#[no_mangle]
pub unsafe extern "C" fn imap_annotation_work(
    stream: *mut MAILSTREAM,
    command: *mut c_char,
    args: *mut *mut c_void,
) -> c_long {
    super::guard("imap_annotation_work", 0, || {
        // SAFETY: per the contract.
        unsafe { annotation_work(stream, command, args) }
    })
}

unsafe fn annotation_work(
    stream: *mut MAILSTREAM,
    command: *mut c_char,
    args: *mut *mut c_void,
) -> c_long {
    // SAFETY: per imap_annotation_work's contract.
    unsafe {
        let r = send_args(stream, command, args);
        if r.is_null() {
            return 0;
        }
        if imap_OK(stream, r as *mut c_void) != 0 {
            return 1;
        }
        if let Some((_, _, t)) = reply_parts(r) {
            im::log(&t, ERROR as c_long);
        }
        0
    }
}

/// `imap_getannotation` (Debian's annotation addition): GETANNOTATION of
/// `mailbox` for the `entries` and `attributes` lists; the answers go to
/// the GET_ANNOTATION hook.
///
/// # Safety
/// `stream` live; `mailbox` NUL-terminated; the lists valid.
#[no_mangle]
pub unsafe extern "C" fn imap_getannotation(
    stream: *mut MAILSTREAM,
    mailbox: *mut c_char,
    entries: *mut STRINGLIST,
    attributes: *mut STRINGLIST,
) -> c_long {
    super::guard("imap_getannotation", 0, || {
        let mut a = [
            ImapArg {
                type_: 3,
                text: mailbox as *mut c_void,
            },
            ImapArg {
                type_: 16,
                text: entries as *mut c_void,
            },
            ImapArg {
                type_: 16,
                text: attributes as *mut c_void,
            },
        ];
        let mut v: [*mut c_void; 4] = [
            &mut a[0] as *mut ImapArg as *mut c_void,
            &mut a[1] as *mut ImapArg as *mut c_void,
            &mut a[2] as *mut ImapArg as *mut c_void,
            null_mut(),
        ];
        let mut cmd = *b"GETANNOTATION\0";
        // SAFETY: the argument records live on this frame.
        unsafe { annotation_work(stream, cmd.as_mut_ptr() as *mut c_char, v.as_mut_ptr()) }
    })
}

/// `imap_setannotation` (Debian's annotation addition): SETANNOTATION of
/// the annotation's mailbox and entry with its attribute/value pairs.
///
/// # Safety
/// `stream` live; `annotation` a valid ANNOTATION.
#[no_mangle]
pub unsafe extern "C" fn imap_setannotation(
    stream: *mut MAILSTREAM,
    annotation: *mut ANNOTATION,
) -> c_long {
    super::guard("imap_setannotation", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let Some(an) = annotation.as_ref() else {
                return 0;
            };
            // attr, value, attr, value ... (an empty first element when
            // there are no values, as the original).
            let mut texts: Vec<Vec<u8>> = Vec::new();
            let mut p = an.values;
            while let Some(v) = p.as_ref() {
                texts.push(c_bytes(v.attr).unwrap_or_default().to_vec());
                texts.push(c_bytes(v.value).unwrap_or_default().to_vec());
                p = v.next;
            }
            if texts.is_empty() {
                texts.push(Vec::new());
            }
            let mut list = super::imap::stringlist(&texts);
            let mut a = [
                ImapArg {
                    type_: 3,
                    text: an.mbox as *mut c_void,
                },
                ImapArg {
                    type_: 17,
                    text: an.entry as *mut c_void,
                },
                ImapArg {
                    type_: 16,
                    text: list as *mut c_void,
                },
            ];
            let mut v: [*mut c_void; 4] = [
                &mut a[0] as *mut ImapArg as *mut c_void,
                &mut a[1] as *mut ImapArg as *mut c_void,
                &mut a[2] as *mut ImapArg as *mut c_void,
                null_mut(),
            ];
            let mut cmd = *b"SETANNOTATION\0";
            let r = annotation_work(stream, cmd.as_mut_ptr() as *mut c_char, v.as_mut_ptr());
            im::free_stringlist(&mut list);
            r
        }
    })
}
