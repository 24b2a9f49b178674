//! C exports of the RFC 2822 parsers that work on records the caller
//! built, and the application parse hooks.
//!
//! Parsing runs in the safe core on a copy of the caller's string; the
//! writes the original makes into that string (tie-offs, the NUL at an
//! unterminated comment) are copied back, and the results are linked into
//! the caller's records the way the original links them.

use super::bindings::*;
use super::construct::{mail_free_address, mail_free_envelope};
use super::memory::{c_bytes, fs_give};
use super::params;
use super::rfc822::{
    addresses_from_c, addresses_to_c, body_fill_c, body_from_c, envelope_from_c, envelope_to_c,
    on_cstring, opt_c, params_to_c, read_string, stringlist_to_c, zalloc, CEnv,
};
use crate::message::model::{Address, Body, Envelope, Nested};
use crate::message::{address, lex, parse};
use std::os::raw::{c_char, c_ulong, c_void};
use std::ptr::{addr_of_mut, null_mut};

/// Calls the application's `parseline_t` (SET_PARSELINE) for one header
/// line. The hook gets an ENVELOPE record holding what has been parsed so
/// far; what it changes there is taken back into the parse. `w` is the
/// hook word (`GET_PARSELINE`), 0 when none is set.
pub(super) fn call_parseline(w: usize, env: &mut Envelope, name: &[u8], value: &[u8], host: &[u8]) {
    if w == 0 {
        return;
    }
    // SAFETY: the word was installed with SET_PARSELINE and so is a
    // parseline_t; every string handed over is NUL-terminated, writable and
    // alive across the call; the snapshot record is ours and freed after.
    unsafe {
        let Some(f) = std::mem::transmute::<usize, parseline_t>(w) else {
            return;
        };
        let mut n = lex::buffer(name);
        let mut v = lex::buffer(value);
        let mut h = lex::buffer(host);
        let mut c = envelope_to_c(std::mem::take(env));
        f(
            c,
            n.as_mut_ptr() as *mut c_char,
            v.as_mut_ptr() as *mut c_char,
            h.as_mut_ptr() as *mut c_char,
        );
        *env = envelope_from_c(c);
        mail_free_envelope(&mut c);
    }
}

/// Calls the application's `parsephrase_t` (SET_PARSEPHRASE) for a phrase
/// that is not followed by an address; its address list, if any, is used.
pub(super) fn call_parsephrase(phrase: &[u8], host: &[u8]) -> Option<Vec<Address>> {
    let w = params::hook(GET_PARSEPHRASE);
    if w == 0 {
        return None;
    }
    // SAFETY: the word was installed with SET_PARSEPHRASE; `p` is a
    // NUL-terminated copy and `end` points into it; the returned list is
    // the application's fs_get'd ADDRESS list, which we free after copying.
    unsafe {
        let f = std::mem::transmute::<usize, parsephrase_t>(w)?;
        let mut p = lex::buffer(phrase);
        let mut h = lex::buffer(host);
        let start = p.as_mut_ptr() as *mut c_char;
        let mut adr = f(
            start,
            start.add(phrase.len()),
            h.as_mut_ptr() as *mut c_char,
        );
        if adr.is_null() {
            return None;
        }
        let list = addresses_from_c(adr);
        mail_free_address(&mut adr);
        Some(list)
    }
}

/// Moves the nested structure of `b` into the C body `c` (whose own nested
/// pointer is overwritten, as the original overwrites it).
///
/// A multipart whose parts the parser streamed into `done` (see `CEnv`)
/// takes its finished C part list from there, so the carrier keeps the
/// body's type.
unsafe fn set_nested(c: *mut BODY, type_: u16, nested: Nested, done: &mut Vec<*mut PART>) {
    if matches!(nested, Nested::None) {
        return;
    }
    let carrier = Body {
        type_,
        nested,
        ..Body::default()
    };
    let tmp = zalloc::<BODY>();
    // SAFETY: `tmp` is a fresh zeroed body; only its nested pointer is set
    // from `carrier` besides empty fields, and the block is freed after the
    // pointer is moved out. `c` is valid per the callers' contract.
    unsafe {
        body_fill_c(carrier, tmp, done);
        (*c).nested = (*tmp).nested;
        let mut sub = (*tmp).subtype as *mut c_void;
        fs_give(&mut sub);
        let mut p = tmp as *mut c_void;
        fs_give(&mut p);
    }
}

/// `rfc822_parse_content`: sizes, default subtype and charset, and the
/// nested structure of a body whose content headers are already applied.
///
/// # Safety
/// `body` valid; `bs` an initialised STRING positioned at the body text.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_content(
    body: *mut BODY,
    bs: *mut STRING,
    h: *mut c_char,
    depth: c_ulong,
    flags: c_ulong,
) {
    super::guard("rfc822_parse_content", (), || {
        if body.is_null() || bs.is_null() {
            return;
        }
        // SAFETY: forwarded contract.
        unsafe {
            let (data, base) = read_string(bs);
            let mut b = body_from_c(body, usize::MAX);
            let had_params = !(*body).parameter.is_null();
            let mut env = CEnv::new();
            parse::parse_content_of(
                &mut b,
                parse::BodyText { data: &data, base },
                c_bytes(h),
                depth,
                flags,
                &mut env,
            );
            (*body).type_ = b.type_;
            if (*body).subtype.is_null() {
                (*body).subtype = opt_c(b.subtype.as_deref());
            }
            if !had_params && !b.parameter.is_empty() {
                (*body).parameter = params_to_c(std::mem::take(&mut b.parameter));
            }
            (*body).contents.offset = b.contents.offset as c_ulong;
            (*body).contents.text.size = b.contents.size as c_ulong;
            (*body).size.bytes = b.size_bytes as c_ulong;
            (*body).size.lines = b.size_lines as c_ulong;
            set_nested(body, b.type_, b.nested, &mut env.done);
        }
    })
}

/// `rfc822_parse_content_header`: one `Content-<name>: s` header applied
/// to `body` (`name` upper-cased; it is cut at its first space, as the
/// original cuts it).
///
/// # Safety
/// `body` valid; `name` and `s` writable NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_content_header(
    body: *mut BODY,
    name: *mut c_char,
    s: *mut c_char,
) {
    super::guard("rfc822_parse_content_header", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            if body.is_null() || name.is_null() || s.is_null() {
                return;
            }
            let sp = libc::strchr(name, b' ' as i32);
            if !sp.is_null() {
                *sp = 0;
            }
            let n = c_bytes(name).unwrap_or_default().to_vec();
            let v = c_bytes(s).unwrap_or_default().to_vec();
            let mut b = body_from_c(body, usize::MAX);
            let mut env = CEnv::new();
            parse::parse_content_header(&mut b, &n, &v, &mut env);
            // Everything but the type and encoding is set only when unset.
            (*body).type_ = b.type_;
            (*body).encoding = b.encoding;
            macro_rules! fill {
                ($field:expr, $value:expr) => {
                    if $field.is_null() {
                        $field = opt_c($value.as_deref());
                    }
                };
            }
            fill!((*body).subtype, b.subtype);
            fill!((*body).id, b.id);
            fill!((*body).description, b.description);
            fill!((*body).disposition.type_, b.disposition_type);
            fill!((*body).location, b.location);
            fill!((*body).md5, b.md5);
            if (*body).parameter.is_null() {
                (*body).parameter = params_to_c(std::mem::take(&mut b.parameter));
            }
            if (*body).disposition.parameter.is_null() {
                (*body).disposition.parameter =
                    params_to_c(std::mem::take(&mut b.disposition_parameter));
            }
            if (*body).language.is_null() {
                if let Some(l) = b.language.take() {
                    (*body).language = stringlist_to_c(l);
                }
            }
        }
    })
}

/// `rfc822_parse_parameter`: `;attr=value` pairs appended to `*par`.
///
/// # Safety
/// `par` valid; `text` NULL or a writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_parameter(par: *mut *mut PARAMETER, text: *mut c_char) {
    super::guard("rfc822_parse_parameter", (), || {
        // SAFETY: forwarded contract.
        unsafe {
            let list = match on_cstring(text, |b, e| {
                let mut v = Vec::new();
                parse::parse_parameter(&mut v, b, Some(0), e);
                v
            }) {
                Some(v) => v,
                None => {
                    let mut v = Vec::new();
                    parse::parse_parameter(&mut v, &mut [0], None, &mut CEnv::new());
                    v
                }
            };
            if par.is_null() || list.is_empty() {
                return;
            }
            let mut tail = par;
            while !(*tail).is_null() {
                tail = addr_of_mut!((**tail).next);
            }
            *tail = params_to_c(list);
        }
    })
}

type Step = fn(
    &mut Vec<Address>,
    &mut [u8],
    &mut Option<usize>,
    Option<&[u8]>,
    u64,
    &mut dyn crate::message::model::ParseEnv,
) -> bool;

/// Shared by `rfc822_parse_address` / `rfc822_parse_group`: run the core
/// step on `*string`, link what it made after `last` (or as the list head),
/// and return the new tail.
unsafe fn address_step(
    lst: *mut *mut ADDRESS,
    last: *mut ADDRESS,
    string: *mut *mut c_char,
    host: *mut c_char,
    depth: c_ulong,
    step: Step,
) -> *mut ADDRESS {
    // SAFETY: forwarded contract of the exports.
    unsafe {
        if lst.is_null() || string.is_null() || (*string).is_null() {
            return null_mut();
        }
        let base = *string;
        let h = c_bytes(host).map(<[u8]>::to_vec);
        let Some((made, list, pos)) = on_cstring(base, |b, e| {
            let mut list = Vec::new();
            let mut pos = Some(0);
            let made = step(&mut list, b, &mut pos, h.as_deref(), depth, e);
            (made, list, pos)
        }) else {
            return null_mut();
        };
        *string = pos.map_or(null_mut(), |p| base.add(p));
        if list.is_empty() {
            // Nothing parsed: the original hands back the old tail when the
            // string ran out, NIL otherwise.
            return if !made && pos.is_none() {
                last
            } else {
                null_mut()
            };
        }
        let head = addresses_to_c(list);
        if (*lst).is_null() {
            *lst = head;
        } else if !last.is_null() {
            (*last).next = head;
        }
        let mut tail = head;
        while !(*tail).next.is_null() {
            tail = (*tail).next;
        }
        tail
    }
}

/// `rfc822_parse_address`: one address or group from `*string`.
///
/// # Safety
/// `lst` valid; `last` NULL or the list's tail; `*string` NULL or a
/// writable NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_address(
    lst: *mut *mut ADDRESS,
    last: *mut ADDRESS,
    string: *mut *mut c_char,
    defaulthost: *mut c_char,
    depth: c_ulong,
) -> *mut ADDRESS {
    super::guard("rfc822_parse_address", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe {
            address_step(
                lst,
                last,
                string,
                defaulthost,
                depth,
                address::parse_address,
            )
        }
    })
}

/// `rfc822_parse_group`: a group (`name: members;`) from `*string`.
///
/// # Safety
/// As `rfc822_parse_address`.
#[no_mangle]
pub unsafe extern "C" fn rfc822_parse_group(
    lst: *mut *mut ADDRESS,
    last: *mut ADDRESS,
    string: *mut *mut c_char,
    defaulthost: *mut c_char,
    depth: c_ulong,
) -> *mut ADDRESS {
    super::guard("rfc822_parse_group", null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { address_step(lst, last, string, defaulthost, depth, address::parse_group) }
    })
}
