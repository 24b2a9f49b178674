//! Threading a stream (mail.c's thread half): `mail_thread`, the threader
//! list, ORDEREDSUBJECT (over the sorter) and REFERENCES. Keys live in
//! the stream's sort cache as programs see them; the tree building is in
//! `crate::query::thread`.

use super::bindings::*;
use super::cache::{cache_call, mail_elt};
use super::construct::{
    mail_free_address, mail_free_searchpgm, mail_newstringlist, mail_newthreadnode,
};
use super::dates::{mail_longdate, mail_parse_date};
use super::env::mylocalhost;
use super::mail::{mail_fetch_fast, mail_fetch_overview, mail_fetch_structure};
use super::mail_flags::mail_uid;
use super::memory::{c_bytes, c_string_from, fs_give};
use super::misc::compare_cstring;
use super::params::{hook, mail_parameters};
use super::rfc822::{rfc822_parse_phrase, rfc822_parse_routeaddr, rfc822_skipws};
use super::search::search_silently;
use super::sort::{mail_sort_msgs, strip};
use crate::query::thread as core;
use std::os::raw::{c_char, c_int, c_long, c_uint, c_ulong, c_void};
use std::ptr::null_mut;

/// `mail_thread`: the driver's threader or the generic one.
///
/// # Safety
/// `stream` live; `type_`, `charset` NULL or C strings; `spg` NULL or a
/// program.
#[no_mangle]
pub unsafe extern "C" fn mail_thread(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    super::guard("mail_thread", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut ret = null_mut();
            // A NULL stream crashes the original; here it is no stream.
            if !stream.is_null() && !(*stream).dtb.is_null() {
                ret = match (*(*stream).dtb).thread {
                    Some(f) => f(stream, type_, charset, spg, flags),
                    None => {
                        mail_thread_msgs(stream, type_, charset, spg, flags, Some(mail_sort_msgs))
                    }
                };
            }
            if !spg.is_null() && flags & SE_FREE != 0 {
                let mut p = spg;
                mail_free_searchpgm(&mut p);
            }
            ret
        }
    })
}

/// `mail_thread_msgs`: dispatches to the named threader of the library's
/// list, reporting the tree to the THREADRESULTS hook.
///
/// # Safety
/// As `mail_thread`; `sorter` a sorter.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_msgs(
    stream: *mut MAILSTREAM,
    type_: *mut c_char,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
    sorter: sorter_t,
) -> *mut THREADNODE {
    super::guard("mail_thread_msgs", null_mut(), || {
        // SAFETY: per the contract; the list is the library's static one.
        unsafe {
            let mut t =
                mail_parameters(null_mut(), GET_THREADERS as c_long, null_mut()) as *mut THREADER;
            while !t.is_null() {
                if compare_cstring(type_ as *mut u8, (*t).name as *mut u8) == 0 {
                    let ret = match (*t).dispatch {
                        Some(d) => d(stream, charset, spg, flags, sorter),
                        None => null_mut(),
                    };
                    let cb = hook(GET_THREADRESULTS as c_long);
                    if cb != 0 {
                        let f: unsafe extern "C" fn(*mut MAILSTREAM, *mut THREADNODE) =
                            std::mem::transmute(cb);
                        f(stream, ret);
                    }
                    return ret;
                }
                t = (*t).next;
            }
            super::log("No such thread type", ERROR as c_long);
            null_mut()
        }
    })
}

/// Builds THREADNODEs for the reachable part of a forest.
///
/// # Safety
/// `scs[i]` the sort cache entry of message `i`; `stream` live.
unsafe fn to_threadnodes(
    stream: *mut MAILSTREAM,
    f: &core::Forest,
    scs: &[*mut SORTCACHE],
    flags: c_long,
) -> *mut THREADNODE {
    let Some(root) = f.root else {
        return null_mut();
    };
    let mut made: Vec<*mut THREADNODE> = vec![null_mut(); f.nodes.len()];
    let mut order = Vec::new();
    let mut stack = vec![root];
    // SAFETY (whole body): fresh nodes from the constructor; per the contract.
    unsafe {
        while let Some(x) = stack.pop() {
            if !made[x].is_null() {
                continue;
            }
            let n = &f.nodes[x];
            let sc = n.msg.map_or(null_mut(), |m| scs[m]);
            let t = mail_newthreadnode(sc);
            if !sc.is_null() {
                (*t).num = if flags & SE_UID != 0 {
                    mail_uid(stream, (*sc).num)
                } else {
                    (*sc).num
                };
            }
            made[x] = t;
            order.push(x);
            stack.extend(n.branch);
            stack.extend(n.next);
        }
        for &x in &order {
            let n = &f.nodes[x];
            (*made[x]).branch = n.branch.map_or(null_mut(), |b| made[b]);
            (*made[x]).next = n.next.map_or(null_mut(), |c| made[c]);
        }
    }
    made[root]
}

/// `mail_thread_orderedsubject`: threads of equal base subject, each in
/// date order under its first message, threads ordered by date.
///
/// # Safety
/// As `mail_thread_msgs`.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_orderedsubject(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
    sorter: sorter_t,
) -> *mut THREADNODE {
    super::guard("mail_thread_orderedsubject", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(sorter) = sorter else {
                return null_mut();
            };
            let mut pgm: SORTPGM = std::mem::zeroed();
            let mut pgm2: SORTPGM = std::mem::zeroed();
            pgm2.function = SORTDATE as i16;
            pgm.function = SORTSUBJECT as i16;
            pgm.next = &mut pgm2;
            let lst = sorter(stream, charset, spg, &mut pgm, flags & !(SE_FREE | SE_UID));
            if lst.is_null() {
                return null_mut();
            }
            let mut n = 0;
            while *lst.add(n) != 0 {
                n += 1;
            }
            // The list's own block takes each message's sort cache entry in
            // place of its number (no other per-message memory but the
            // nodes): the keys are read from the entries themselves.
            for i in 0..n {
                *lst.add(i) = cache_call(stream, *lst.add(i), CH_SORTCACHE as c_long) as c_ulong;
            }
            let scs = std::slice::from_raw_parts(lst as *const *mut SORTCACHE, n);
            let runs = core::ordered_subject_runs(
                n,
                |a, b| {
                    let (sa, sb) = ((*scs[a]).subject, (*scs[b]).subject);
                    crate::query::sort::compare_text(
                        Some(c_bytes(sa).unwrap_or(b"")),
                        Some(c_bytes(sb).unwrap_or(b"")),
                    ) == std::cmp::Ordering::Equal
                },
                |m| ((*scs[m]).date, (*scs[m]).num),
            );
            let node = |m: usize| {
                let sc = scs[m];
                let t = mail_newthreadnode(sc);
                (*t).num = if flags & SE_UID != 0 {
                    mail_uid(stream, (*sc).num)
                } else {
                    (*sc).num
                };
                t
            };
            // Each thread: its first message, the first reply as `next`,
            // the other replies chained by `branch`; the threads chained by
            // `branch`.
            let mut ret: *mut THREADNODE = null_mut();
            let mut prev: *mut THREADNODE = null_mut();
            for &(s, l) in &runs {
                let (s, l) = (s as usize, l as usize);
                let head = node(s);
                let mut cur = head;
                for j in s + 1..s + l {
                    let t = node(j);
                    if cur == head {
                        (*cur).next = t;
                    } else {
                        (*cur).branch = t;
                    }
                    cur = t;
                }
                if prev.is_null() {
                    ret = head;
                } else {
                    (*prev).branch = head;
                }
                prev = head;
            }
            drop(runs);
            let mut l = lst as *mut c_void;
            fs_give(&mut l);
            ret
        }
    })
}

/// Seconds of a parsed date, or None when it does not parse.
///
/// # Safety
/// `t` a C string.
unsafe fn parsed_date(t: *mut c_char) -> Option<c_ulong> {
    // SAFETY: per the contract.
    unsafe {
        let mut telt: MESSAGECACHE = std::mem::zeroed();
        (mail_parse_date(&mut telt, t as *mut u8) != 0).then(|| mail_longdate(&mut telt))
    }
}

/// A sort cache entry's missing thread keys from an envelope.
///
/// # Safety
/// `s` a live entry; `env` NULL or a live envelope.
unsafe fn load_from_envelope(s: *mut SORTCACHE, env: *mut ENVELOPE) {
    // SAFETY (whole body): per the contract.
    unsafe {
        if !env.is_null() {
            if (*s).date == 0 && !(*env).date.is_null() {
                if let Some(d) = parsed_date((*env).date as *mut c_char) {
                    (*s).date = d;
                }
            }
            if (*s).subject.is_null() && !(*env).subject.is_null() {
                let (base, refwd) = strip(c_bytes((*env).subject).unwrap_or(b""));
                (*s).subject = c_string_from(&base);
                (*s).set_refwd(refwd as c_uint);
            }
            if (*s).message_id.is_null() && !(*env).message_id.is_null() && *(*env).message_id != 0
            {
                (*s).message_id = mail_thread_parse_msgid((*env).message_id, null_mut());
            }
            if (*s).references.is_null() {
                (*s).references = mail_thread_parse_references((*env).references, 1);
                if (*s).references.is_null() {
                    (*s).references = mail_thread_parse_references((*env).in_reply_to, 0);
                }
            }
        }
    }
}

/// Fills what REFERENCES needs of one sort cache entry.
///
/// # Safety
/// `stream` live; `sc` its entries, `i` in range.
unsafe fn load_entry(stream: *mut MAILSTREAM, sc: &[*mut SORTCACHE], i: usize) {
    // SAFETY (whole body): per the contract.
    unsafe {
        let s = sc[i];
        let complete = |s: *mut SORTCACHE| {
            (*s).date != 0
                && !(*s).subject.is_null()
                && !(*s).message_id.is_null()
                && !(*s).references.is_null()
        };
        if complete(s) {
            return;
        }
        if !(*stream).dtb.is_null() && (*(*stream).dtb).overview.is_some() {
            let mut j = i + 1;
            while j < sc.len() && (*sc[j]).references.is_null() {
                j += 1;
            }
            j -= 1;
            let mut seq = mail_uid(stream, (*s).num).to_string();
            if j != i {
                seq.push_str(&format!(":{}", mail_uid(stream, (*sc[j]).num)));
            }
            let seq = std::ffi::CString::new(seq).unwrap_or_default();
            mail_fetch_overview(
                stream,
                seq.as_ptr() as *mut c_char,
                Some(mail_thread_loadcache),
            );
        }
        if complete(s) {
            return;
        }
        // The fields from the header when the envelope parse would log
        // nothing (no envelope is made and kept for them).
        if let Some(q) = super::search::quiet_fields(stream, (*s).num) {
            let c = |v: Option<Vec<u8>>| {
                v.map(|mut v| {
                    v.push(0);
                    v
                })
            };
            let (date, subject) = (c(q.date), q.subject);
            let (mut id, mut refs, mut irt) = (c(q.message_id), c(q.references), c(q.in_reply_to));
            if (*s).date == 0 {
                if let Some(mut d) = date {
                    if let Some(d) = parsed_date(d.as_mut_ptr() as *mut c_char) {
                        (*s).date = d;
                    }
                }
            }
            if (*s).subject.is_null() {
                if let Some(t) = subject {
                    let (base, refwd) = strip(&t);
                    (*s).subject = c_string_from(&base);
                    (*s).set_refwd(refwd as c_uint);
                }
            }
            if (*s).message_id.is_null() {
                if let Some(m) = id.as_mut().filter(|m| m[0] != 0) {
                    (*s).message_id =
                        mail_thread_parse_msgid(m.as_mut_ptr() as *mut c_char, null_mut());
                }
            }
            if (*s).references.is_null() {
                let ptr = |v: &mut Option<Vec<u8>>| {
                    v.as_mut()
                        .map_or(null_mut(), |v| v.as_mut_ptr() as *mut c_char)
                };
                (*s).references = mail_thread_parse_references(ptr(&mut refs), 1);
                if (*s).references.is_null() {
                    (*s).references = mail_thread_parse_references(ptr(&mut irt), 0);
                }
            }
        } else {
            let env = mail_fetch_structure(stream, (*s).num, null_mut(), 0);
            load_from_envelope(s, env);
        }
        if (*s).date == 0 {
            (*s).date = (*s).arrival;
            if (*s).date == 0 {
                let elt = mail_elt(stream, (*s).num);
                if (*elt).day() == 0 && (*(*stream).dtb).flags & DR_NOINTDATE as c_ulong == 0 {
                    let seq = std::ffi::CString::new((*s).num.to_string()).unwrap_or_default();
                    mail_fetch_fast(stream, seq.as_ptr() as *mut c_char, 0);
                }
                (*s).arrival = if (*elt).day() != 0 {
                    mail_longdate(elt)
                } else {
                    1
                };
                (*s).date = (*s).arrival;
            }
        }
        if (*s).subject.is_null() {
            (*s).subject = c_string_from(b"");
        }
        if (*s).references.is_null() {
            (*s).references = mail_newstringlist();
        }
        (*s).set_dirty(1);
    }
}

/// `mail_thread_references`: RFC 5256 REFERENCES threading.
///
/// # Safety
/// As `mail_thread_msgs`.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_references(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
    _sorter: sorter_t,
) -> *mut THREADNODE {
    super::guard("mail_thread_references", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { references(stream, charset, spg, flags) }
    })
}

unsafe fn references(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
    flags: c_long,
) -> *mut THREADNODE {
    // SAFETY (whole body): per mail_thread_references' contract.
    unsafe {
        search_silently(stream, charset, spg);
        let mut sc: Vec<*mut SORTCACHE> = Vec::new();
        for i in 1..=(*stream).nmsgs {
            if (*mail_elt(stream, i)).searched() != 0 {
                let s = cache_call(stream, i, CH_SORTCACHE as c_long) as *mut SORTCACHE;
                (*s).num = i;
                sc.push(s);
            }
        }
        let host = c_bytes(mylocalhost()).unwrap_or(b"").to_vec();
        let mbx = c_bytes((*stream).mailbox).unwrap_or(b"").to_vec();
        // The UID of each message is asked as the original asks it (every
        // message, in turn); the identifier made from it only when used.
        let mut uids: Vec<c_ulong> = Vec::with_capacity(sc.len());
        for i in 0..sc.len() {
            load_entry(stream, &sc, i);
            uids.push(mail_uid(stream, (*sc[i]).num));
        }
        let validity = (*stream).uid_validity;
        let generated = |k: usize| {
            let mut g = mbx.clone();
            g.extend_from_slice(format!(".{:x}.{:x}@", validity, uids[k]).as_bytes());
            g.extend_from_slice(&host);
            g
        };
        let ids: Vec<Option<&[u8]>> = sc.iter().map(|&s| c_bytes((*s).message_id)).collect();
        let dup = core::duplicate_ids(&ids, generated);
        drop(ids);
        for (k, &s) in sc.iter().enumerate() {
            if !(*s).unique.is_null() && (*s).unique != (*s).message_id {
                let mut u = (*s).unique as *mut c_void;
                fs_give(&mut u);
            }
            (*s).unique = if (*s).message_id.is_null() {
                (*s).message_id = c_string_from(&generated(k));
                (*s).message_id
            } else if dup[k] {
                c_string_from(&generated(k))
            } else {
                (*s).message_id
            };
        }
        drop(uids);
        // Every message's references in one list, sized by a first count
        // (a vector per message cost more than the list itself).
        let list = |s: *mut SORTCACHE| {
            let mut st = (*s).references;
            if st.is_null() || (*st).text.data.is_null() {
                st = null_mut();
            }
            std::iter::from_fn(move || {
                let cur = st.as_ref()?;
                st = cur.next;
                let t = &cur.text;
                Some(if t.data.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(t.data, t.size as usize)
                })
            })
        };
        let total: usize = sc.iter().map(|&s| list(s).count()).sum();
        let mut flat: Vec<&[u8]> = Vec::with_capacity(total);
        let mut ends: Vec<usize> = Vec::with_capacity(sc.len());
        for &s in &sc {
            flat.extend(list(s));
            ends.push(flat.len());
        }
        let mut from = 0usize;
        let msgs: Vec<core::Msg> = sc
            .iter()
            .zip(&ends)
            .map(|(&s, &end)| {
                let refs = &flat[from..end];
                from = end;
                core::Msg {
                    num: (*s).num,
                    date: (*s).date,
                    subject: c_bytes((*s).subject).unwrap_or(b""),
                    refwd: (*s).refwd() != 0,
                    unique: c_bytes((*s).unique).unwrap_or(b""),
                    references: refs.into(),
                }
            })
            .collect();
        drop(ends);
        let forest = core::references(&msgs);
        // The nodes name messages by index into `sc`: the inputs can go
        // before the C tree is made.
        drop(msgs);
        drop(flat);
        to_threadnodes(stream, &forest, &sc, flags)
    }
}

/// `mail_thread_loadcache`: overview callback filling a sort cache entry.
///
/// # Safety
/// `stream` live; `ov` NULL or an overview.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_loadcache(
    stream: *mut MAILSTREAM,
    _uid: c_ulong,
    ov: *mut OVERVIEW,
    msgno: c_ulong,
) {
    super::guard("mail_thread_loadcache", (), || {
        // SAFETY: per the contract.
        unsafe {
            if msgno == 0 || ov.is_null() {
                return;
            }
            let s = cache_call(stream, msgno, CH_SORTCACHE as c_long) as *mut SORTCACHE;
            let ov = &*ov;
            if (*s).subject.is_null() && !ov.subject.is_null() {
                let (base, refwd) = strip(c_bytes(ov.subject).unwrap_or(b""));
                (*s).subject = c_string_from(&base);
                (*s).set_refwd(refwd as c_uint);
                (*s).set_dirty(1);
            }
            if (*s).from.is_null() && !ov.from.is_null() && !(*ov.from).mailbox.is_null() {
                (*s).from = c_string_from(c_bytes((*ov.from).mailbox).unwrap_or(b""));
                (*s).set_dirty(1);
            }
            if (*s).date == 0 && !ov.date.is_null() {
                if let Some(d) = parsed_date(ov.date) {
                    (*s).date = d;
                    (*s).set_dirty(1);
                }
            }
            if (*s).message_id.is_null() && !ov.message_id.is_null() {
                (*s).message_id = mail_thread_parse_msgid(ov.message_id, null_mut());
                (*s).set_dirty(1);
            }
            if (*s).references.is_null() {
                (*s).references = mail_thread_parse_references(ov.references, 1);
                if (*s).references.is_null() {
                    (*s).references = mail_newstringlist();
                    (*s).set_dirty(1);
                }
            }
            if (*s).size == 0 && ov.optional.octets != 0 {
                (*s).size = ov.optional.octets;
                (*s).set_dirty(1);
            }
        }
    })
}

/// `mail_thread_parse_msgid`: the first message identifier of `s` as
/// "mailbox@host" (phrases skipped), and in `*ss` where parsing stopped.
///
/// # Safety
/// `s` NULL or a writable C string; `ss` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_parse_msgid(
    s: *mut c_char,
    ss: *mut *mut c_char,
) -> *mut c_char {
    super::guard("mail_thread_parse_msgid", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            // The usual "<local@domain>" without the general parser.
            if let Some((m, h, end)) = c_bytes(s).and_then(core::simple_msgid) {
                let mut v = Vec::with_capacity(m.len() + h.len() + 1);
                v.extend_from_slice(m);
                v.push(b'@');
                v.extend_from_slice(h);
                if !ss.is_null() {
                    *ss = end.map_or(null_mut(), |e| s.add(e));
                }
                return c_string_from(&v);
            }
            parse_msgid_full(s, ss)
        }
    })
}

/// `mail_thread_parse_msgid` through the general address parser.
///
/// # Safety
/// As `mail_thread_parse_msgid`.
unsafe fn parse_msgid_full(s: *mut c_char, ss: *mut *mut c_char) -> *mut c_char {
    // SAFETY (whole body): per the contract.
    unsafe {
        let mut ret = null_mut();
        let mut t: *mut c_char = null_mut();
        let mut s = s;
        if !s.is_null() {
            rfc822_skipws(&mut s);
            if *s != b'<' as c_char {
                s = rfc822_parse_phrase(s);
            }
            if !s.is_null() {
                let mut adr = rfc822_parse_routeaddr(
                    s,
                    &mut t,
                    c".MISSING-HOST-NAME.".as_ptr() as *mut c_char,
                );
                if !adr.is_null() {
                    if let (Some(m), Some(h)) = (c_bytes((*adr).mailbox), c_bytes((*adr).host)) {
                        let mut v = m.to_vec();
                        v.push(b'@');
                        v.extend_from_slice(h);
                        ret = c_string_from(&v);
                    }
                    mail_free_address(&mut adr);
                }
            }
        }
        if !ss.is_null() {
            *ss = t;
        }
        ret
    }
}

/// `mail_thread_parse_references`: the identifiers of a References (all,
/// with `flag`) or In-Reply-To (the first) field, NULL when none.
///
/// # Safety
/// `s` NULL or a writable C string.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_parse_references(
    s: *mut c_char,
    flag: c_long,
) -> *mut STRINGLIST {
    super::guard("mail_thread_parse_references", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut s = s;
            let t = mail_thread_parse_msgid(s, &mut s);
            if t.is_null() {
                return null_mut();
            }
            let ret = mail_newstringlist();
            (*ret).text.data = t as *mut u8;
            (*ret).text.size = libc::strlen(t) as c_ulong;
            if flag != 0 {
                let mut cur = ret;
                loop {
                    let t = mail_thread_parse_msgid(s, &mut s);
                    if t.is_null() {
                        break;
                    }
                    let n = mail_newstringlist();
                    (*n).text.data = t as *mut u8;
                    (*n).text.size = libc::strlen(t) as c_ulong;
                    (*cur).next = n;
                    cur = n;
                }
            }
            ret
        }
    })
}

/// Date and number ordering a thread node (a dummy by its first child).
///
/// # Safety
/// `t` a valid node.
unsafe fn node_key(mut t: *const THREADNODE) -> (c_ulong, c_ulong) {
    // SAFETY: per the contract.
    unsafe {
        while !t.is_null() {
            let s = (*t).sc;
            if !s.is_null() {
                return ((*s).date, (*s).num);
            }
            t = (*t).next;
        }
    }
    (0, 0)
}

/// `mail_thread_compare_date`: qsort comparator of two thread node
/// pointers by date, then message number.
///
/// # Safety
/// Both point to valid node pointers.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_compare_date(a1: *const c_void, a2: *const c_void) -> c_int {
    super::guard("mail_thread_compare_date", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let k1 = node_key(*(a1 as *const *const THREADNODE));
            let k2 = node_key(*(a2 as *const *const THREADNODE));
            match k1.cmp(&k2) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }
        }
    })
}

/// Sorts one sibling chain by date, returning its new head.
///
/// # Safety
/// `head` NULL or a valid chain.
unsafe fn sort_chain(head: *mut THREADNODE, tc: *mut *mut THREADNODE) -> *mut THREADNODE {
    // SAFETY: per the contract.
    unsafe {
        let mut v = Vec::new();
        let mut cur = head;
        while !cur.is_null() {
            v.push(cur);
            cur = (*cur).branch;
        }
        if v.len() > 1 {
            v.sort_by_key(|&n| node_key(n));
            for w in v.windows(2) {
                (*w[0]).branch = w[1];
            }
            let last = v[v.len() - 1];
            (*last).branch = null_mut();
        }
        if !tc.is_null() {
            for (i, &n) in v.iter().enumerate() {
                *tc.add(i) = n;
            }
        }
        v.first().copied().unwrap_or(null_mut())
    }
}

/// `mail_thread_sort`: sorts every level of a thread tree by date
/// (children before their parents' level), using `tc` as the work vector.
///
/// # Safety
/// `thr` NULL or a valid tree; `tc` NULL or room for the longest level.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_sort(
    thr: *mut THREADNODE,
    tc: *mut *mut THREADNODE,
) -> *mut THREADNODE {
    super::guard("mail_thread_sort", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let mut pre = Vec::new();
            let mut stack = vec![thr];
            while let Some(n) = stack.pop() {
                if n.is_null() {
                    continue;
                }
                pre.push(n);
                stack.push((*n).branch);
                stack.push((*n).next);
            }
            for &n in pre.iter().rev() {
                if !(*n).next.is_null() {
                    (*n).next = sort_chain((*n).next, tc);
                }
            }
            sort_chain(thr, tc)
        }
    })
}

// --- The original's container helpers ---------------------------------------
//
// mail.h exports four helpers of the original's REFERENCES threader that work
// on its containers: `container_t` is a pointer to four words, the message's
// sort cache entry (NULL for a dummy), then the parent, the next sibling and
// the first child containers. Our threader does not use them (its tree lives
// in `crate::query::thread`); they are here for programs that build
// containers themselves.

const CON_CACHE: usize = 0;
const CON_PARENT: usize = 1;
const CON_SIBLING: usize = 2;
const CON_CHILD: usize = 3;

/// Reads word `i` of container `c`.
///
/// # Safety
/// `c` points to four readable words.
unsafe fn con_get(c: container_t, i: usize) -> container_t {
    // SAFETY: per the contract.
    unsafe { *c.add(i) as container_t }
}

/// Writes word `i` of container `c`.
///
/// # Safety
/// `c` points to four writable words.
unsafe fn con_set(c: container_t, i: usize, v: container_t) {
    // SAFETY: per the contract.
    unsafe { *c.add(i) = v as *mut c_void }
}

/// `mail_thread_check_child`: whether `mother` is `daughter` or one of its
/// descendants (following first-child and sibling links below `daughter`),
/// i.e. whether making `daughter` a child of `mother` would close a loop.
/// A NULL `mother` never is. Each container is visited once, so a caller's
/// looping links end the walk instead of recursing forever.
///
/// # Safety
/// `mother` NULL or a container; `daughter` a container whose links lead
/// to containers or NULL.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_check_child(
    mother: container_t,
    daughter: container_t,
) -> c_long {
    super::guard("mail_thread_check_child", 0, || {
        if mother.is_null() {
            return 0;
        }
        // Marked when queued: a container met again (only possible through
        // looping or shared links) is not walked twice.
        let mut seen = std::collections::HashSet::new();
        seen.insert(daughter as usize);
        let mut stack = vec![daughter];
        while let Some(d) = stack.pop() {
            if d == mother {
                return 1;
            }
            if d.is_null() {
                continue;
            }
            // SAFETY: `d` is a container per the contract.
            let mut c = unsafe { con_get(d, CON_CHILD) };
            while !c.is_null() && seen.insert(c as usize) {
                stack.push(c);
                // SAFETY: as above.
                c = unsafe { con_get(c, CON_SIBLING) };
            }
        }
        0
    })
}

/// Prunes `msg` and its younger siblings (see `prune_work`); returns the
/// container now in `msg`'s place.
///
/// # Safety
/// `msg` NULL or a container of a well-formed container tree; `ane` NULL or
/// its older sibling.
unsafe fn prune(msg: container_t, ane: container_t) -> container_t {
    if msg.is_null() {
        return null_mut();
    }
    // SAFETY: per the contract.
    unsafe {
        let ret = prune_work(msg, ane);
        let mut older = ret;
        while !older.is_null() {
            let next = con_get(older, CON_SIBLING);
            if next.is_null() {
                break;
            }
            older = prune_work(next, older);
        }
        ret
    }
}

/// Prunes one container: its children first; a dummy (no cache entry)
/// without children is unlinked (its younger sister takes its place); a
/// dummy with children gives them to its parent in its place, unless it
/// sits at the root and has several children; returns the container now in
/// `msg`'s place.
///
/// # Safety
/// As `prune`, `msg` not NULL.
unsafe fn prune_work(mut msg: container_t, ane: container_t) -> container_t {
    // SAFETY: per the contract.
    unsafe {
        let kids = prune(con_get(msg, CON_CHILD), null_mut());
        if !con_get(msg, CON_CACHE).is_null() {
            con_set(msg, CON_CHILD, kids);
        } else if kids.is_null() {
            let sister = con_get(msg, CON_SIBLING);
            if !ane.is_null() {
                con_set(ane, CON_SIBLING, sister);
            }
            msg = if sister.is_null() {
                null_mut()
            } else {
                prune_work(sister, ane)
            };
        } else {
            let parent = con_get(msg, CON_PARENT);
            if !parent.is_null() || con_get(kids, CON_SIBLING).is_null() {
                if !ane.is_null() {
                    con_set(ane, CON_SIBLING, kids);
                } else if !parent.is_null() {
                    con_set(parent, CON_CHILD, kids);
                }
                con_set(kids, CON_PARENT, parent);
                let mut last = kids;
                loop {
                    let s = con_get(last, CON_SIBLING);
                    if s.is_null() {
                        break;
                    }
                    last = s;
                }
                con_set(last, CON_SIBLING, con_get(msg, CON_SIBLING));
                msg = prune_work(kids, ane);
            } else {
                con_set(msg, CON_CHILD, kids);
            }
        }
        msg
    }
}

/// `mail_thread_prune_dummy`: removes the dummy containers from `msg`, its
/// descendants and its younger siblings (RFC 5256's pruning); `ane` is
/// `msg`'s older sibling or NULL. Returns the container now first.
///
/// # Safety
/// `msg` NULL or a container of a well-formed (loop-free) container tree;
/// `ane` NULL or its older sibling.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_prune_dummy(
    msg: container_t,
    ane: container_t,
) -> container_t {
    super::guard("mail_thread_prune_dummy", null_mut(), || {
        // SAFETY: per the contract.
        unsafe { prune(msg, ane) }
    })
}

/// `mail_thread_prune_dummy_work`: prunes `msg` and its descendants (not its
/// younger siblings, except those that take its place).
///
/// # Safety
/// `msg` a container of a well-formed container tree; `ane` NULL or its
/// older sibling.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_prune_dummy_work(
    msg: container_t,
    ane: container_t,
) -> container_t {
    super::guard("mail_thread_prune_dummy_work", null_mut(), || {
        if msg.is_null() {
            return null_mut();
        }
        // SAFETY: per the contract.
        unsafe { prune_work(msg, ane) }
    })
}

/// `mail_thread_c2node`: thread nodes for `con` and its younger siblings,
/// with their descendants; each node points at its container's sort cache
/// entry and carries its message number (its UID with `SE_UID`), dummies 0.
/// A container met twice (looping links) ends its chain.
///
/// # Safety
/// `stream` live when any container has a cache entry and `SE_UID` is set;
/// `con` NULL or a container whose links lead to containers or NULL, cache
/// entries NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn mail_thread_c2node(
    stream: *mut MAILSTREAM,
    con: container_t,
    flags: c_long,
) -> *mut THREADNODE {
    super::guard("mail_thread_c2node", null_mut(), || {
        let mut seen = std::collections::HashSet::new();
        let mut root: *mut THREADNODE = null_mut();
        // (first container of a chain, the node whose `next` gets it)
        let mut work: Vec<(container_t, *mut THREADNODE)> = vec![(con, null_mut())];
        while let Some((first, owner)) = work.pop() {
            let mut prev: *mut THREADNODE = null_mut();
            let mut c = first;
            while !c.is_null() && seen.insert(c as usize) {
                // SAFETY: `c` is a container per the contract.
                let sc = unsafe { con_get(c, CON_CACHE) } as *mut SORTCACHE;
                let node = mail_newthreadnode(sc);
                if !sc.is_null() {
                    // SAFETY: a non-NULL cache entry is valid per the contract.
                    let num = unsafe { (*sc).num };
                    let num = if flags & SE_UID != 0 {
                        // SAFETY: `stream` live per the contract.
                        unsafe { mail_uid(stream, num) }
                    } else {
                        num
                    };
                    // SAFETY: `node` is fresh.
                    unsafe { (*node).num = num };
                }
                // SAFETY: `prev`/`owner` are nodes made here; `root` is set once.
                unsafe {
                    if !prev.is_null() {
                        (*prev).branch = node;
                    } else if !owner.is_null() {
                        (*owner).next = node;
                    } else {
                        root = node;
                    }
                }
                prev = node;
                // SAFETY: as above.
                let child = unsafe { con_get(c, CON_CHILD) };
                if !child.is_null() {
                    work.push((child, node));
                }
                // SAFETY: as above.
                c = unsafe { con_get(c, CON_SIBLING) };
            }
        }
        root
    })
}
