//! The first `nntp_*` exports: the ones that need no connection (mailbox
//! names and overview lines). The driver itself is not written yet; its
//! slots stay empty and its other exports are stubs.

use super::bindings::*;
use super::memory::{c_bytes, fs_get};
use crate::net::nntp as core;
use std::os::raw::{c_char, c_long, c_uchar};
use std::ptr::null_mut;

extern "C" {
    fn mail_valid_net_parse(name: *mut c_char, mb: *mut NETMBX) -> c_long;
    fn mail_parse_date(elt: *mut MESSAGECACHE, s: *mut c_uchar) -> c_long;
    fn rfc822_parse_adrlist(lst: *mut *mut ADDRESS, string: *mut c_char, host: *mut c_char);
}

/// `nntp_isvalid`: the nntp driver when `name` is an `{host/nntp}` name of
/// a newsgroup (`#news.group` or a bare group); the group goes to `mbx`
/// (a MAILTMPLEN buffer).
///
/// # Safety
/// `name` a C string, `mbx` a MAILTMPLEN buffer.
#[no_mangle]
pub unsafe extern "C" fn nntp_isvalid(name: *mut c_char, mbx: *mut c_char) -> *mut DRIVER {
    super::guard("nntp_isvalid", null_mut(), || {
        // SAFETY: per the contract; NETMBX is plain C data.
        unsafe {
            if name.is_null() || mbx.is_null() {
                return null_mut();
            }
            let mut mb: NETMBX = std::mem::zeroed();
            if mail_valid_net_parse(name, &mut mb) == 0 {
                return null_mut();
            }
            let service = c_bytes(mb.service.as_ptr()).unwrap_or(b"");
            if service != b"nntp" || mb.anoflag() != 0 {
                return null_mut();
            }
            let mailbox = c_bytes(mb.mailbox.as_ptr()).unwrap_or(b"");
            let group = if mailbox.first() != Some(&b'#') {
                mailbox
            } else if mailbox.starts_with(b"#news.") {
                &mailbox[6..]
            } else {
                return null_mut();
            };
            let n = group.len().min(MAILTMPLEN as usize - 1);
            std::ptr::copy_nonoverlapping(group.as_ptr(), mbx as *mut u8, n);
            *mbx.add(n) = 0;
            std::ptr::addr_of_mut!(super::data::nntpdriver)
        }
    })
}

/// `nntp_valid`: [`nntp_isvalid`] without the group.
///
/// # Safety
/// `name` a C string.
#[no_mangle]
pub unsafe extern "C" fn nntp_valid(name: *mut c_char) -> *mut DRIVER {
    super::guard("nntp_valid", null_mut(), || {
        let mut tmp = vec![0 as c_char; MAILTMPLEN as usize];
        // SAFETY: tmp is a MAILTMPLEN buffer.
        unsafe { nntp_isvalid(name, tmp.as_mut_ptr()) }
    })
}

/// `nntp_canonicalize`: reference and pattern as one nntp pattern into
/// `pattern` (MAILTMPLEN); with `wildmat`, the group part as an NNTP
/// wildmat (`%` made `*`, emptied when it holds `,?![\]`).
///
/// # Safety
/// `reference` NULL or a C string, `pat` a C string, `pattern` and
/// `wildmat` (or NULL) MAILTMPLEN buffers.
#[no_mangle]
pub unsafe extern "C" fn nntp_canonicalize(
    reference: *mut c_char,
    pat: *mut c_char,
    pattern: *mut c_char,
    wildmat: *mut c_char,
) -> c_long {
    super::guard("nntp_canonicalize", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let r = c_bytes(reference).unwrap_or(b"").to_vec();
            let p = c_bytes(pat).unwrap_or(b"").to_vec();
            let mut out;
            if !r.is_empty() {
                let mut rz = r.clone();
                rz.push(0);
                if nntp_valid(rz.as_mut_ptr() as *mut c_char).is_null() {
                    return 0;
                }
                out = r.clone();
                if p.first() == Some(&b'#') {
                    let brace = out
                        .iter()
                        .position(|&b| b == b'}')
                        .map_or(out.len(), |b| b + 1);
                    out.truncate(brace);
                    out.extend_from_slice(&p);
                } else if p.first() == Some(&b'.') && out.last() == Some(&b'.') {
                    out.extend_from_slice(&p[1..]);
                } else {
                    out.extend_from_slice(&p);
                }
            } else {
                out = p;
            }
            if out.len() >= MAILTMPLEN as usize || pattern.is_null() {
                return 0;
            }
            std::ptr::copy_nonoverlapping(out.as_ptr(), pattern as *mut u8, out.len());
            *pattern.add(out.len()) = 0;
            let ok = if wildmat.is_null() {
                !nntp_valid(pattern).is_null()
            } else {
                let ok = !nntp_isvalid(pattern, wildmat).is_null();
                if ok {
                    let w = c_bytes(wildmat).unwrap_or(b"").to_vec();
                    if w.iter().any(|b| b",?![\\]".contains(b)) {
                        *wildmat = 0;
                    } else {
                        for (i, &b) in w.iter().enumerate() {
                            if b == b'%' {
                                *wildmat.add(i) = b'*' as c_char;
                            }
                        }
                    }
                }
                ok
            };
            c_long::from(ok)
        }
    })
}

/// `nntp_parse_overview`: fills `ov` from the text of an overview line
/// (after the article number): one copy of the text in `ov->subject` with
/// the other fields pointing into it, the From parsed into an address
/// list, the Date into `elt` when it has none. True when the line went as
/// far as the References.
///
/// # Safety
/// `ov` writable; `text` NULL or a C string; `elt` a cache element.
#[no_mangle]
pub unsafe extern "C" fn nntp_parse_overview(
    ov: *mut OVERVIEW,
    text: *mut c_char,
    elt: *mut MESSAGECACHE,
) -> c_long {
    super::guard("nntp_parse_overview", 0, || {
        // SAFETY: per the contract; every pointer set points into the one
        // fs_get'd copy (NUL-terminated at its end and at each cut).
        unsafe {
            if ov.is_null() {
                return 0;
            }
            std::ptr::write_bytes(ov, 0, 1);
            let Some(t) = c_bytes(text).filter(|t| !t.is_empty()) else {
                return 0;
            };
            let cuts = core::overview_cuts(t);
            let buf = fs_get(t.len() + 1) as *mut u8;
            std::ptr::copy_nonoverlapping(t.as_ptr(), buf, t.len());
            *buf.add(t.len()) = 0;
            let o = &mut *ov;
            o.subject = buf as *mut c_char;
            for &c in &cuts.first {
                *buf.add(c) = 0;
            }
            let at = |i: Option<usize>| i.map_or(null_mut(), |i| buf.add(i) as *mut c_char);
            if let (Some(from), Some(date)) = (cuts.from, cuts.date) {
                o.date = at(Some(date));
                if !elt.is_null() && (*elt).day() == 0 {
                    mail_parse_date(elt, buf.add(date));
                }
                rfc822_parse_adrlist(
                    &mut o.from,
                    buf.add(from) as *mut c_char,
                    c".MISSING-HOST-NAME.".as_ptr() as *mut c_char,
                );
            }
            for &c in &cuts.later {
                *buf.add(c) = 0;
            }
            o.message_id = at(cuts.message_id);
            o.references = at(cuts.references);
            if cuts.references.is_some() {
                o.optional.octets = cuts.octets as _;
                o.optional.lines = cuts.lines as _;
            }
            o.optional.xref = at(cuts.xref);
            c_long::from(!o.references.is_null())
        }
    })
}
