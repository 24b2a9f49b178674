//! Searching a stream (mail.c's search half): criteria strings to search
//! programs, and the generic search every driver without its own `search`
//! slot uses. Messages are read only through the fetch layer (fast data,
//! envelopes, header lines, MIME headers, body parts), so it works for any
//! driver. The decisions themselves are in `crate::query::search`.

use super::bindings::*;
use super::cache::mail_elt;
use super::callbacks::{mm_log, mm_searched};
use super::construct::{
    mail_free_searchpgm, mail_free_stringlist, mail_newsearchpgm, mail_newstringlist,
};
use super::dates::read_fields;
use super::encodings::{rfc822_base64, rfc822_qprint};
use super::mail::{
    driver_header, mail_body, mail_fetch_body, mail_fetch_fast, mail_fetch_header, mail_fetch_mime,
    mail_fetch_structure,
};
use super::mail_flags::mail_uid;
use super::memory::{c_bytes, fs_get, fs_give};
use super::params::{hook, mail_parameters};
use super::rfc822::rfc822_write_address_full;
use super::sysutil::fatal_message;
use super::utf8::utf8_badcharset;
use super::utf8x::utf8_searchpgm;
use crate::query::search as core;
use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_void};
use std::ptr::null_mut;

/// Bytes of a SIZEDTEXT (empty when it has no data).
///
/// # Safety
/// `t.data` NULL or readable for `t.size` bytes.
unsafe fn sized<'a>(t: &SIZEDTEXT) -> &'a [u8] {
    if t.data.is_null() || t.size == 0 {
        &[]
    } else {
        // SAFETY: the caller's contract.
        unsafe { std::slice::from_raw_parts(t.data, t.size as usize) }
    }
}

/// The texts of a string list, in order.
///
/// # Safety
/// `st` NULL or a valid string list.
unsafe fn list_texts<'a>(mut st: *mut STRINGLIST) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while !st.is_null() {
        // SAFETY: a valid list per the contract.
        unsafe {
            out.push(sized(&(*st).text));
            st = (*st).next;
        }
    }
    out
}

/// A C-heap, NUL-terminated copy of `bytes`.
fn c_copy(bytes: &[u8]) -> *mut c_uchar {
    let p = fs_get(bytes.len() + 1) as *mut c_uchar;
    // SAFETY: `p` is a fresh block of len + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        *p.add(bytes.len()) = 0;
    }
    p
}

/// Appends a copy of `bytes` to the string list at `slot`.
///
/// # Safety
/// `slot` points to NULL or a valid list.
unsafe fn append_string(mut slot: *mut *mut STRINGLIST, bytes: &[u8]) {
    // SAFETY: walking and extending a valid list.
    unsafe {
        while !(*slot).is_null() {
            slot = &mut (**slot).next;
        }
        let node = mail_newstringlist();
        (*node).text.data = c_copy(bytes);
        (*node).text.size = bytes.len() as c_ulong;
        *slot = node;
    }
}

fn log_error(text: &[u8]) {
    super::log_bytes(text, ERROR);
}

/// Sink for the RFC 2047 decoder's warnings, reported as the original's
/// `utf8_mime2text` reports them.
fn parse_warning(text: &[u8]) {
    super::log_bytes(text, PARSE);
}

// --- Criteria ---------------------------------------------------------------

/// `mail_criteria`: a search program from a criteria string; NULL (after
/// an error report) on a criterion it does not know or a bad argument.
///
/// # Safety
/// `criteria` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mail_criteria(criteria: *mut c_char) -> *mut SEARCHPGM {
    super::guard("mail_criteria", null_mut(), || {
        // SAFETY: per the contract.
        let Some(text) = (unsafe { c_bytes(criteria) }) else {
            return null_mut();
        };
        match core::parse_criteria(text) {
            Ok(c) => build_program(&c),
            Err(word) => {
                log_error(&core::unknown_criterion_message(&word));
                null_mut()
            }
        }
    })
}

fn build_program(c: &core::Criteria) -> *mut SEARCHPGM {
    let pgm = mail_newsearchpgm();
    // SAFETY: `pgm` is a fresh zeroed program.
    let p = unsafe { &mut *pgm };
    let f = &c.flags;
    let bit = |b: bool| b as u32;
    p.set_answered(bit(f.answered));
    p.set_unanswered(bit(f.unanswered));
    p.set_deleted(bit(f.deleted));
    p.set_undeleted(bit(f.undeleted));
    p.set_flagged(bit(f.flagged));
    p.set_unflagged(bit(f.unflagged));
    p.set_recent(bit(f.recent));
    p.set_old(bit(f.old));
    p.set_seen(bit(f.seen));
    p.set_unseen(bit(f.unseen));
    p.before = c.before;
    p.on = c.on;
    p.since = c.since;
    for (key, text) in &c.strings {
        let slot = match key {
            core::StringKey::Bcc => &mut p.bcc,
            core::StringKey::Body => &mut p.body,
            core::StringKey::Cc => &mut p.cc,
            core::StringKey::From => &mut p.from,
            core::StringKey::Keyword => &mut p.keyword,
            core::StringKey::Subject => &mut p.subject,
            core::StringKey::Text => &mut p.text,
            core::StringKey::To => &mut p.to,
            core::StringKey::Unkeyword => &mut p.unkeyword,
        };
        // SAFETY: `slot` is a list field of the fresh program.
        unsafe { append_string(slot, text) };
    }
    pgm
}

/// Runs a tokenizer-state parse over the caller's buffer at `*r`,
/// writing the changes back and advancing `*r`.
///
/// # Safety
/// `r` NULL or points to NULL or a NUL-terminated writable buffer.
unsafe fn with_tokenizer<T>(
    r: *mut *mut c_char,
    parse: impl FnOnce(&mut Vec<u8>) -> (Option<T>, usize),
) -> Option<T> {
    // SAFETY: per the contract.
    unsafe {
        if r.is_null() || (*r).is_null() {
            return None;
        }
        let base = *r;
        let mut buf = c_bytes(base)?.to_vec();
        let (got, pos) = parse(&mut buf);
        std::ptr::copy_nonoverlapping(buf.as_ptr(), base as *mut u8, buf.len());
        *r = base.add(pos);
        got
    }
}

/// `mail_criteria_string`: the next argument of a criteria string being
/// tokenized (state `*r`), appended to the list at `s`.
///
/// # Safety
/// `s` points to a valid list slot; `r` as the tokenizer state.
#[no_mangle]
pub unsafe extern "C" fn mail_criteria_string(
    s: *mut *mut STRINGLIST,
    r: *mut *mut c_char,
) -> c_int {
    super::guard("mail_criteria_string", 0, || {
        // SAFETY: per the contract.
        match unsafe { with_tokenizer(r, core::criteria_string_at) } {
            Some(text) if !s.is_null() => {
                // SAFETY: per the contract.
                unsafe { append_string(s, &text) };
                1
            }
            _ => 0,
        }
    })
}

// --- Search -----------------------------------------------------------------

/// `mail_search_full(stream, charset, spg, 0)` with the stream silenced
/// for the call, when `spg` is not NULL (sort and thread do this first).
///
/// # Safety
/// As `mail_search_full`.
pub(crate) unsafe fn search_silently(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    spg: *mut SEARCHPGM,
) {
    if !spg.is_null() {
        // SAFETY: per the contract.
        unsafe {
            // A program without any criterion (what sorting and threading a
            // whole mailbox pass) matches every message; the generic search
            // would mark them all, one test each.
            if charset.is_null() && generic_search(stream) && empty_program(spg) {
                for i in 1..=(*stream).nmsgs {
                    (*mail_elt(stream, i)).set_searched(1);
                }
                return;
            }
            let silent = (*stream).silent();
            (*stream).set_silent(1);
            mail_search_full(stream, charset, spg, 0);
            (*stream).set_silent(silent);
        }
    }
}

/// Whether the stream's driver searches through `mail_search_default`.
///
/// # Safety
/// `stream` live.
unsafe fn generic_search(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: per the contract.
    unsafe { (*stream).dtb.as_ref().is_some_and(|d| d.search.is_none()) }
}

/// Whether a search program holds no criterion at all (every field zero,
/// as `mail_newsearchpgm` makes it).
///
/// # Safety
/// `pgm` a valid program.
unsafe fn empty_program(pgm: *const SEARCHPGM) -> bool {
    // SAFETY: a valid program is readable as its bytes (plain C data).
    let bytes =
        unsafe { std::slice::from_raw_parts(pgm as *const u8, std::mem::size_of::<SEARCHPGM>()) };
    bytes.iter().all(|&b| b == 0)
}

/// `mail_search_full`: clears the searched marks (unless SE_RETAIN) and
/// runs the driver's search, or the generic one; frees the program when
/// SE_FREE asks. Fails without a program or a driver.
///
/// # Safety
/// `stream` a live stream; `pgm` NULL or a valid program.
#[no_mangle]
pub unsafe extern "C" fn mail_search_full(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    pgm: *mut SEARCHPGM,
    flags: c_long,
) -> c_long {
    super::guard("mail_search_full", 0, || {
        if stream.is_null() {
            return 0;
        }
        let mut pgm = pgm;
        // SAFETY: per the contract.
        unsafe {
            if flags & SE_RETAIN == 0 {
                for i in 1..=(*stream).nmsgs {
                    (*mail_elt(stream, i)).set_searched(0);
                }
            }
            let mut ret = 0;
            if !pgm.is_null() {
                if let Some(d) = (*stream).dtb.as_ref() {
                    ret = match d.search {
                        Some(f) => f(stream, charset, pgm, flags),
                        None => mail_search_default(stream, charset, pgm, flags),
                    };
                }
            }
            if flags & SE_FREE != 0 {
                mail_free_searchpgm(&mut pgm);
            }
            ret
        }
    })
}

/// `mail_search_default`: the generic search. Refuses an unknown charset
/// with the "[BADCHARSET ...]" error, converts the program's strings to
/// UTF-8, then tests every message and reports each match (`mm_searched`
/// with the UID under SE_UID, else the searched mark and the number).
///
/// # Safety
/// `stream` live; `pgm` a valid program; `charset` NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_search_default(
    stream: *mut MAILSTREAM,
    charset: *mut c_char,
    pgm: *mut SEARCHPGM,
    flags: c_long,
) -> c_long {
    super::guard("mail_search_default", 0, || {
        // SAFETY: per the contract.
        unsafe {
            let mut msg = utf8_badcharset(charset);
            if !msg.is_null() {
                mm_log(msg, ERROR);
                fs_give(&mut msg as *mut *mut c_char as *mut *mut c_void);
                return 0;
            }
            utf8_searchpgm(pgm, charset);
            let mut i = 1;
            while i <= (*stream).nmsgs {
                if mail_search_msg(stream, i, null_mut(), pgm) != 0 {
                    if flags & SE_UID != 0 {
                        mm_searched(stream, mail_uid(stream, i));
                    } else {
                        (*mail_elt(stream, i)).set_searched(1);
                        if (*stream).silent() == 0 {
                            mm_searched(stream, i);
                        }
                    }
                }
                i += 1;
            }
            1
        }
    })
}

/// The set elements of a C search set.
///
/// # Safety
/// `set` NULL or a valid list.
unsafe fn ranges(mut set: *mut SEARCHSET) -> Vec<core::Range> {
    let mut out = Vec::new();
    while !set.is_null() {
        // SAFETY: per the contract.
        unsafe {
            out.push(core::Range {
                first: (*set).first,
                last: (*set).last,
            });
            set = (*set).next;
        }
    }
    out
}

fn flag_keys(p: &SEARCHPGM) -> core::FlagKeys {
    core::FlagKeys {
        answered: p.answered() != 0,
        unanswered: p.unanswered() != 0,
        deleted: p.deleted() != 0,
        undeleted: p.undeleted() != 0,
        draft: p.draft() != 0,
        undraft: p.undraft() != 0,
        flagged: p.flagged() != 0,
        unflagged: p.unflagged() != 0,
        recent: p.recent() != 0,
        old: p.old() != 0,
        seen: p.seen() != 0,
        unseen: p.unseen() != 0,
    }
}

/// Whether the cache element lacks fast data the program needs.
fn needs_fast(p: &SEARCHPGM, elt: &MESSAGECACHE, flags_needed: bool) -> bool {
    (elt.rfc822_size == 0 && (p.larger != 0 || p.smaller != 0))
        || (elt.year() == 0
            && (p.before != 0 || p.on != 0 || p.since != 0 || p.older != 0 || p.younger != 0))
        || (elt.valid() == 0 && flags_needed)
}

/// `mail_search_msg`: whether message `msgno` (or the message/rfc822
/// part `section` of it) satisfies `pgm`.
///
/// # Safety
/// `stream` live, `msgno` within it, `pgm` valid, `section` NULL or a C
/// string.
#[no_mangle]
pub unsafe extern "C" fn mail_search_msg(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    pgm: *mut SEARCHPGM,
) -> c_long {
    super::guard("mail_search_msg", 0, || {
        if stream.is_null() || pgm.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe { search_msg(stream, msgno, section, pgm) as c_long }
    })
}

/// # Safety
/// As [`mail_search_msg`], both non-NULL.
unsafe fn search_msg(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    pgm: *mut SEARCHPGM,
) -> bool {
    // SAFETY: per the contract throughout.
    unsafe {
        let p = &*pgm;
        let elt = mail_elt(stream, msgno);
        if !p.msgno.is_null() && !core::in_set(&ranges(p.msgno), msgno) {
            return false;
        }
        if !p.uid.is_null() && !core::in_set(&ranges(p.uid), mail_uid(stream, msgno)) {
            return false;
        }
        let fk = flag_keys(p);
        let flags_needed = fk.any() || !p.keyword.is_null() || !p.unkeyword.is_null();
        if needs_fast(p, &*elt, flags_needed) {
            // Load fast data for this and the following messages that lack it.
            let mut last = (*elt).msgno;
            while last < (*stream).nmsgs
                && needs_fast(p, &*mail_elt(stream, last + 1), flags_needed)
            {
                last += 1;
            }
            let seq = if last == (*elt).msgno {
                format!("{}\0", (*elt).msgno)
            } else {
                format!("{}:{}\0", (*elt).msgno, last)
            };
            let mut seq = seq.into_bytes();
            mail_fetch_fast(stream, seq.as_mut_ptr() as *mut c_char, 0);
        }
        let e = &*elt;
        let dk = core::DateKeys {
            before: p.before,
            on: p.on,
            since: p.since,
            older: p.older,
            younger: p.younger,
            larger: p.larger,
            smaller: p.smaller,
        };
        // Sizes first, then flags, keywords and dates, in the original's order.
        let sizes = core::DateKeys {
            larger: dk.larger,
            smaller: dk.smaller,
            ..Default::default()
        };
        let date = read_fields(e);
        if !sizes.admits(e.rfc822_size, &date, 0) {
            return false;
        }
        let f = core::Flags {
            answered: e.answered() != 0,
            deleted: e.deleted() != 0,
            draft: e.draft() != 0,
            flagged: e.flagged() != 0,
            recent: e.recent() != 0,
            seen: e.seen() != 0,
        };
        if !fk.admits(&f) {
            return false;
        }
        if !p.keyword.is_null() && mail_search_keyword(stream, elt, p.keyword, 1) == 0 {
            return false;
        }
        if !p.unkeyword.is_null() && mail_search_keyword(stream, elt, p.unkeyword, 0) == 0 {
            return false;
        }
        let now = libc::time(null_mut()) as u64;
        let dates = core::DateKeys {
            larger: 0,
            smaller: 0,
            ..dk
        };
        if !dates.admits(0, &date, now) {
            return false;
        }
        if !envelope_matches(stream, msgno, section, p) {
            return false;
        }
        let mut hdr = p.header;
        while !hdr.is_null() {
            if !header_matches(stream, msgno, section, &*hdr) {
                return false;
            }
            hdr = (*hdr).next;
        }
        if (!p.text.is_null() && mail_search_text(stream, msgno, section, p.text, 1) == 0)
            || (!p.body.is_null() && mail_search_text(stream, msgno, section, p.body, 0) == 0)
        {
            return false;
        }
        let mut or = p.or;
        while !or.is_null() {
            let o = &*or;
            let first = !o.first.is_null() && search_msg(stream, msgno, section, o.first);
            if !first && (o.second.is_null() || !search_msg(stream, msgno, section, o.second)) {
                return false;
            }
            or = o.next;
        }
        let mut not = p.not;
        while !not.is_null() {
            if !(*not).pgm.is_null() && search_msg(stream, msgno, section, (*not).pgm) {
                return false;
            }
            not = (*not).next;
        }
        true
    }
}

/// The envelope criteria (sent dates, addresses, subject and the other
/// envelope strings) of `p`, against the top-level envelope or that of
/// the message/rfc822 part `section`.
///
/// # Safety
/// As [`search_msg`].
unsafe fn envelope_matches(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    p: &SEARCHPGM,
) -> bool {
    let lists = [
        p.bcc,
        p.cc,
        p.from,
        p.to,
        p.subject,
        p.return_path,
        p.sender,
        p.reply_to,
        p.in_reply_to,
        p.message_id,
        p.newsgroups,
        p.followup_to,
        p.references,
    ];
    let dated = p.sentbefore != 0 || p.senton != 0 || p.sentsince != 0;
    if !dated && lists.iter().all(|l| l.is_null()) {
        return true;
    }
    // SUBJECT alone, on a message without an envelope yet: its Subject
    // read from the header the envelope parse would read, when that parse
    // would report nothing either (the answer is the same, and no
    // envelope is made and kept for it).
    if section.is_null() && !dated && lists.iter().enumerate().all(|(k, l)| k == 4 || l.is_null()) {
        // SAFETY: per the contract.
        if let Some(subject) = unsafe { quiet_fields(stream, msgno) }.map(|q| q.subject) {
            return subject.is_some_and(|s| {
                // SAFETY: `p.subject` is a valid list.
                core::search_header(&s, &unsafe { list_texts(p.subject) }, &mut parse_warning)
            });
        }
    }
    // SAFETY: per the contract throughout.
    unsafe {
        let env = if !section.is_null() {
            let body = mail_body(stream, msgno, section as *mut c_uchar);
            let is_msg = !body.is_null()
                && u32::from((*body).type_) == TYPEMESSAGE as u32
                && c_bytes((*body).subtype) == Some(b"RFC822");
            if is_msg && !(*body).nested.msg.is_null() {
                (*(*body).nested.msg).env
            } else {
                null_mut()
            }
        } else {
            let local = (*stream)
                .dtb
                .as_ref()
                .is_some_and(|d| d.flags as c_long & DR_LOCAL != 0);
            if !p.header.is_null() && (*stream).scache() == 0 && !local {
                mail_fetch_header(
                    stream,
                    msgno,
                    null_mut(),
                    null_mut(),
                    null_mut(),
                    FT_PEEK | FT_SEARCHLOOKAHEAD,
                );
            }
            mail_fetch_structure(stream, msgno, null_mut(), 0)
        };
        if env.is_null() {
            return false;
        }
        let env = &*env;
        if dated
            && !core::sent_date_admits(
                c_bytes(env.date as *const c_char),
                p.sentbefore,
                p.senton,
                p.sentsince,
            )
        {
            return false;
        }
        let addr = |a: *mut ADDRESS, l: *mut STRINGLIST| l.is_null() || mail_search_addr(a, l) != 0;
        let text =
            |s: *mut c_char, l: *mut STRINGLIST| l.is_null() || mail_search_header_text(s, l) != 0;
        addr(env.bcc, p.bcc)
            && addr(env.cc, p.cc)
            && addr(env.from, p.from)
            && addr(env.to, p.to)
            && text(env.subject, p.subject)
            && addr(env.return_path, p.return_path)
            && addr(env.sender, p.sender)
            && addr(env.reply_to, p.reply_to)
            && text(env.in_reply_to, p.in_reply_to)
            && text(env.message_id, p.message_id)
            && text(env.newsgroups, p.newsgroups)
            && text(env.followup_to, p.followup_to)
            && text(env.references, p.references)
    }
}

/// What `mail_fetch_structure` would put in the envelope's subject, date,
/// Message-ID, References and In-Reply-To of a
/// message of a local driver whose envelope is not made yet, when making
/// it would log nothing and change nothing else (no parse hook, the date
/// and size already known); `None`: fetch the structure.
///
/// # Safety
/// `stream` live; `msgno` a valid message number.
pub(super) unsafe fn quiet_fields(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
) -> Option<crate::message::parse::QuietFields> {
    // SAFETY: per the contract; the driver's header is readable for its
    // length until the next fetch.
    unsafe {
        let dtb = (*stream).dtb.as_ref()?;
        if dtb.structure.is_some()
            || dtb.flags as c_long & DR_LOCAL == 0
            || (*stream).scache() != 0
            || hook(GET_PARSELINE) != 0
            || hook(GET_PARSEPHRASE) != 0
        {
            return None;
        }
        let elt = mail_elt(stream, msgno);
        if !(*elt).private.msg.env.is_null() || (*elt).day() == 0 || (*elt).rfc822_size == 0 {
            return None;
        }
        let mut len: c_ulong = 0;
        let h = driver_header(stream, msgno, &mut len, FT_INTERNAL)?;
        if h.is_null() || len == 0 {
            return None;
        }
        let hdr = std::slice::from_raw_parts(h as *const u8, len as usize);
        crate::message::parse::quiet_fields(hdr)
    }
}

/// One HEADER criterion: the message must have the field, and (unless
/// the wanted text is empty) its value must contain the text.
///
/// # Safety
/// As [`search_msg`].
unsafe fn header_matches(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    hdr: &SEARCHHEADER,
) -> bool {
    // SAFETY: per the contract throughout.
    unsafe {
        let mut field = *mail_newstringlist();
        field.next = null_mut();
        field.text = hdr.line;
        let mut len: c_ulong = 0;
        let look = if section.is_null() {
            FT_SEARCHLOOKAHEAD
        } else {
            0
        };
        let t = mail_fetch_header(
            stream,
            msgno,
            section,
            &mut field,
            &mut len,
            FT_INTERNAL | FT_PEEK | look,
        );
        let Some(fetched) = c_bytes(t) else {
            return false;
        };
        if !fetched.contains(&b':') {
            return false;
        }
        let wanted = sized(&hdr.text);
        if wanted.is_empty() {
            return true;
        }
        let raw = std::slice::from_raw_parts(t as *const u8, len as usize);
        let data = core::header_field_data(raw);
        core::search_header(&data, &[wanted], &mut parse_warning)
    }
}

/// `mail_search_header_text`: a NUL-terminated header string contains
/// every key.
///
/// # Safety
/// `s` NULL or a C string; `st` a valid list.
#[no_mangle]
pub unsafe extern "C" fn mail_search_header_text(s: *mut c_char, st: *mut STRINGLIST) -> c_long {
    super::guard("mail_search_header_text", 0, || {
        // SAFETY: per the contract.
        match unsafe { c_bytes(s) } {
            Some(h) => unsafe {
                core::search_header(h, &list_texts(st), &mut parse_warning) as c_long
            },
            None => 0,
        }
    })
}

/// `mail_search_header`: sized header text contains every key, after
/// RFC 2047 decoding and case folding.
///
/// # Safety
/// `hdr` a valid SIZEDTEXT; `st` a valid list.
#[no_mangle]
pub unsafe extern "C" fn mail_search_header(hdr: *mut SIZEDTEXT, st: *mut STRINGLIST) -> c_long {
    super::guard("mail_search_header", 0, || {
        if hdr.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe { core::search_header(sized(&*hdr), &list_texts(st), &mut parse_warning) as c_long }
    })
}

/// `mail_search_addr`: an address list, written out address by address,
/// contains every key. No list, no match.
///
/// # Safety
/// `adr` NULL or a valid address list; `st` a valid list.
#[no_mangle]
pub unsafe extern "C" fn mail_search_addr(adr: *mut ADDRESS, st: *mut STRINGLIST) -> c_long {
    super::guard("mail_search_addr", 0, || {
        if adr.is_null() {
            return 0;
        }
        let limit = SENDBUFLEN as usize - 10;
        let mut text = Vec::new();
        let mut tmp = vec![0u8; SENDBUFLEN as usize + 1];
        let mut a = adr;
        // SAFETY: per the contract.
        unsafe {
            while !a.is_null() {
                let mut one: ADDRESS = *a;
                one.error = null_mut();
                one.next = null_mut();
                let field = |s: *mut c_char| c_bytes(s).map(|b| b.len());
                let mut k = field(one.mailbox).map_or(3, |n| 4 + 2 * n);
                for part in [one.personal, one.adl, one.host] {
                    if let Some(n) = field(part) {
                        k += 3 + 2 * n;
                    }
                }
                if !one.personal.is_null() || !one.adl.is_null() {
                    k += 2;
                }
                // Absurdly long addresses are left out, as the original does.
                if k < limit {
                    tmp[0] = 0;
                    rfc822_write_address_full(
                        tmp.as_mut_ptr() as *mut c_char,
                        &mut one,
                        null_mut(),
                    );
                    let n = tmp.iter().position(|&b| b == 0).unwrap_or(tmp.len());
                    text.extend_from_slice(&tmp[..n]);
                    if !(*a).next.is_null() {
                        text.push(b',');
                    }
                }
                a = (*a).next;
            }
            core::search_header(&text, &list_texts(st), &mut parse_warning) as c_long
        }
    })
}

/// `mail_search_keyword`: KEYWORD (`flag` set) or UNKEYWORD over the
/// stream's user flags.
///
/// # Safety
/// `stream` live; `elt` its cache element; `st` a valid list.
#[no_mangle]
pub unsafe extern "C" fn mail_search_keyword(
    stream: *mut MAILSTREAM,
    elt: *mut MESSAGECACHE,
    st: *mut STRINGLIST,
    flag: c_long,
) -> c_long {
    super::guard("mail_search_keyword", 0, || {
        if stream.is_null() || elt.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe {
            let names: Vec<Option<Vec<u8>>> = (*stream)
                .user_flags
                .iter()
                .map(|&n| c_bytes(n).map(|b| b.to_vec()))
                .collect();
            core::keywords_match(&names, (*elt).user_flags, &list_texts(st), flag != 0) as c_long
        }
    })
}

// --- Text search ------------------------------------------------------------

fn low_memory(stream: *mut MAILSTREAM) -> bool {
    // SAFETY: callers pass a live stream.
    unsafe { (*stream).dtb.as_ref() }.is_some_and(|d| d.flags as c_long & DR_LOWMEM != 0)
}

/// `mail_search_text`: TEXT (`flags` set: headers too) or BODY over the
/// message or its message/rfc822 part `section`. Every key must be found
/// somewhere; keys found are dropped as the search goes.
///
/// # Safety
/// `stream` live, `msgno` within it; `section` NULL or a C string; `st`
/// a valid list.
#[no_mangle]
pub unsafe extern "C" fn mail_search_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    st: *mut STRINGLIST,
    flags: c_long,
) -> c_long {
    super::guard("mail_search_text", 0, || {
        if stream.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe { search_text(stream, msgno, section, st, flags) }
    })
}

/// # Safety
/// As [`mail_search_text`].
unsafe fn search_text(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    section: *mut c_char,
    mut st: *mut STRINGLIST,
    flags: c_long,
) -> c_long {
    // SAFETY: per the contract throughout.
    unsafe {
        let lowmem = low_memory(stream);
        let old_gets = hook(GET_GETS);
        if lowmem {
            let gets: unsafe extern "C" fn(
                readfn_t,
                *mut c_void,
                c_ulong,
                *mut GETS_DATA,
            ) -> *mut c_char = mail_search_gets;
            mail_parameters(null_mut(), SET_GETS, gets as *mut c_void);
        }
        // A working copy of the keys (sharing their text) that the search
        // whittles down.
        let head = mail_newstringlist();
        let mut s = head;
        while !st.is_null() {
            (*s).text = (*st).text;
            st = (*st).next;
            if !st.is_null() {
                (*s).next = mail_newstringlist();
                s = (*s).next;
            }
        }
        let search = &mut (*stream).private.search;
        search.string = head;
        search.text = null_mut();
        let mut ret = 0;
        if flags != 0 {
            let mut len: c_ulong = 0;
            let h = mail_fetch_header(
                stream,
                msgno,
                section,
                null_mut(),
                &mut len,
                FT_INTERNAL | FT_PEEK,
            );
            let raw: &[u8] = if h.is_null() {
                &[]
            } else {
                std::slice::from_raw_parts(h as *const u8, len as usize)
            };
            let text = core::canonical_header(raw, &mut parse_warning);
            ret = string_work(&text, &mut (*stream).private.search.string);
        }
        if ret == 0 {
            let mut body: *mut BODY = null_mut();
            if section.is_null() {
                mail_fetch_structure(stream, msgno, &mut body, 0);
            } else {
                body = mail_body(stream, msgno, section as *mut c_uchar);
                // As the original: a nested message's body is taken only
                // for a part typed multipart/rfc822, which never occurs.
                if !body.is_null()
                    && u32::from((*body).type_) == TYPEMULTIPART as u32
                    && c_bytes((*body).subtype) == Some(b"RFC822")
                    && !(*body).nested.msg.is_null()
                {
                    body = (*(*body).nested.msg).body;
                }
            }
            if !body.is_null() {
                ret = search_body(stream, msgno, body, None, 1, flags);
            }
        }
        if lowmem {
            mail_parameters(null_mut(), SET_GETS, old_gets as *mut c_void);
        }
        let search = &mut (*stream).private.search;
        let mut s = search.string;
        while !s.is_null() {
            (*s).text.data = null_mut();
            s = (*s).next;
        }
        mail_free_stringlist(&mut search.string);
        search.text = null_mut();
        ret
    }
}

/// `mail_search_body`: the text parts of `body` (section `prefix` +
/// `section`), with MIME and nested message headers when `flags` is set.
///
/// # Safety
/// `stream` live; `body` a valid body of message `msgno`; `prefix` NULL
/// or a C string.
#[no_mangle]
pub unsafe extern "C" fn mail_search_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    body: *mut BODY,
    prefix: *mut c_char,
    section: c_ulong,
    flags: c_long,
) -> c_long {
    super::guard("mail_search_body", 0, || {
        if stream.is_null() || body.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe { search_body(stream, msgno, body, c_bytes(prefix), section, flags) }
    })
}

/// # Safety
/// As [`mail_search_body`], both pointers non-NULL.
unsafe fn search_body(
    stream: *mut MAILSTREAM,
    msgno: c_ulong,
    body: *mut BODY,
    prefix: Option<&[u8]>,
    section: c_ulong,
    flags: c_long,
) -> c_long {
    if prefix.is_some_and(|p| p.len() > MAILTMPLEN as usize - 20) {
        return 0;
    }
    let lowmem = low_memory(stream);
    let mut sect = prefix.unwrap_or(b"").to_vec();
    sect.extend_from_slice(section.to_string().as_bytes());
    let cstr = |s: &[u8]| {
        let mut v = s.to_vec();
        v.push(0);
        v
    };
    let mut ret = 0;
    // SAFETY: per the contract throughout.
    unsafe {
        // Searches header text just fetched, or takes the low-memory result.
        let header_hit = |h: *mut c_char, len: c_ulong| -> c_long {
            if lowmem {
                return (*stream).private.search.result;
            }
            let raw: &[u8] = if h.is_null() {
                &[]
            } else {
                std::slice::from_raw_parts(h as *const u8, len as usize)
            };
            let text = core::canonical_header(raw, &mut parse_warning);
            string_work(&text, &mut (*stream).private.search.string)
        };
        if flags != 0 && prefix.is_some() {
            let mut len: c_ulong = 0;
            let mut s = cstr(&sect);
            let h = mail_fetch_mime(
                stream,
                msgno,
                s.as_mut_ptr() as *mut c_char,
                &mut len,
                FT_INTERNAL | FT_PEEK,
            );
            ret = header_hit(h, len);
        }
        if ret != 0 {
            return ret;
        }
        let b = &*body;
        let ty = u32::from(b.type_);
        let rfc822 = c_bytes(b.subtype) == Some(b"RFC822");
        if ty == TYPEMULTIPART as u32 {
            let sub: Vec<u8> = if prefix.is_some() {
                let mut v = sect.clone();
                v.push(b'.');
                v
            } else {
                Vec::new()
            };
            let mut part = b.nested.part;
            let mut i: c_ulong = 1;
            while !part.is_null() && ret == 0 {
                ret = search_body(stream, msgno, &mut (*part).body, Some(&sub), i, flags);
                part = (*part).next;
                i += 1;
            }
        } else if ty == TYPEMESSAGE as u32 && rfc822 {
            if flags != 0 {
                let mut len: c_ulong = 0;
                let mut s = cstr(&sect);
                let h = mail_fetch_header(
                    stream,
                    msgno,
                    s.as_mut_ptr() as *mut c_char,
                    null_mut(),
                    &mut len,
                    FT_INTERNAL | FT_PEEK,
                );
                ret = header_hit(h, len);
            }
            let msg = b.nested.msg;
            let inner = if msg.is_null() {
                null_mut()
            } else {
                (*msg).body
            };
            if !inner.is_null() {
                ret = if u32::from((*inner).type_) == TYPEMULTIPART as u32 {
                    search_body(
                        stream,
                        msgno,
                        inner,
                        Some(prefix.unwrap_or(b"")),
                        section,
                        flags,
                    )
                } else {
                    let mut v = sect.clone();
                    v.push(b'.');
                    search_body(stream, msgno, inner, Some(&v), 1, flags)
                };
            }
        } else if ty == TYPETEXT as u32 || ty == TYPEMESSAGE as u32 {
            let mut len: c_ulong = 0;
            let mut s = cstr(&sect);
            let t = mail_fetch_body(
                stream,
                msgno,
                s.as_mut_ptr() as *mut c_char,
                &mut len,
                FT_INTERNAL | FT_PEEK,
            );
            if lowmem {
                ret = (*stream).private.search.result;
            } else {
                let mut charset: *mut c_char = null_mut();
                let mut param = b.parameter;
                while !param.is_null() && charset.is_null() {
                    if c_bytes((*param).attribute) == Some(b"CHARSET") {
                        charset = (*param).value;
                    }
                    param = (*param).next;
                }
                let list = &mut (*stream).private.search.string as *mut *mut STRINGLIST;
                let enc = u32::from(b.encoding);
                if enc == ENCBASE64 as u32 || enc == ENCQUOTEDPRINTABLE as u32 {
                    let mut dlen: c_ulong = 0;
                    let mut d = if enc == ENCBASE64 as u32 {
                        rfc822_base64(t as *mut c_uchar, len, &mut dlen) as *mut c_uchar
                    } else {
                        rfc822_qprint(t as *mut c_uchar, len, &mut dlen)
                    };
                    if !d.is_null() {
                        let mut st = SIZEDTEXT {
                            data: d,
                            size: dlen,
                        };
                        ret = mail_search_string(&mut st, charset, list);
                        fs_give(&mut d as *mut *mut c_uchar as *mut *mut c_void);
                    }
                } else {
                    let mut st = SIZEDTEXT {
                        data: t as *mut c_uchar,
                        size: len,
                    };
                    ret = mail_search_string(&mut st, charset, list);
                }
            }
        }
    }
    ret
}

/// `mail_search_string`: text in `charset` (guessed when unknown)
/// contains the keys left in `*st`; found keys are dropped.
///
/// # Safety
/// `s` a valid SIZEDTEXT; `charset` NULL or a C string; `st` points to a
/// valid list slot.
#[no_mangle]
pub unsafe extern "C" fn mail_search_string(
    s: *mut SIZEDTEXT,
    charset: *mut c_char,
    st: *mut *mut STRINGLIST,
) -> c_long {
    super::guard("mail_search_string", 0, || {
        if s.is_null() || st.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe {
            let text = core::canonical_text(sized(&*s), c_bytes(charset));
            string_work(&text, &mut *st)
        }
    })
}

/// `mail_search_string_work`: drops the keys of `*st` found in
/// canonical text `s`; true when none is left.
///
/// # Safety
/// As [`mail_search_string`].
#[no_mangle]
pub unsafe extern "C" fn mail_search_string_work(
    s: *mut SIZEDTEXT,
    st: *mut *mut STRINGLIST,
) -> c_long {
    super::guard("mail_search_string_work", 0, || {
        if s.is_null() || st.is_null() {
            return 0;
        }
        // SAFETY: per the contract.
        unsafe { string_work(sized(&*s), &mut *st) }
    })
}

/// Unlinks (and frees the nodes of) the keys found in `text`.
///
/// # Safety
/// `list` NULL or a valid list whose nodes are C-heap blocks.
unsafe fn string_work(text: &[u8], list: &mut *mut STRINGLIST) -> c_long {
    // SAFETY: per the contract.
    unsafe {
        let found = core::keys_found(text, &list_texts(*list));
        let mut slot: *mut *mut STRINGLIST = list;
        let mut index = 0;
        while !(*slot).is_null() {
            let node = *slot;
            if found.contains(&index) {
                *slot = (*node).next;
                let mut block = node as *mut c_void;
                fs_give(&mut block);
            } else {
                slot = &mut (*node).next;
            }
            index += 1;
        }
        (*list).is_null() as c_long
    }
}

/// Size of one read of a low-memory search, and the overlap kept between
/// reads so a key spanning two of them is still found.
const CHUNK: usize = MAILTMPLEN as usize;
const SLOP: usize = 128;

/// `mail_search_gets`: the `mailgets` of a low-memory driver's search;
/// reads the text in chunks, searching each, records the outcome in the
/// stream and returns NULL. Exactly `size` bytes are read in all (after a
/// hit in the first chunk the original asks for one chunk too many).
///
/// # Safety
/// `f` reads from `stream`; `md` valid with a live stream.
#[no_mangle]
pub unsafe extern "C" fn mail_search_gets(
    f: readfn_t,
    stream: *mut c_void,
    size: c_ulong,
    md: *mut GETS_DATA,
) -> *mut c_char {
    super::guard("mail_search_gets", null_mut(), || {
        // SAFETY: per the contract.
        unsafe {
            let Some(read) = f else { return null_mut() };
            if md.is_null() || (*md).stream.is_null() {
                return null_mut();
            }
            let ms = (*md).stream;
            if (*ms).private.search.string.is_null() {
                let mailbox = c_bytes((*ms).mailbox).unwrap_or(b"");
                let what = c_bytes((*md).what).unwrap_or(b"");
                let cut = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(80)]).into_owned();
                let kind = if (*md).flags & FT_UID != 0 {
                    "UID"
                } else {
                    "msg"
                };
                fatal_message(&format!(
                    "Search botch, mbx = {}, {} = {}[{}]",
                    cut(mailbox),
                    kind,
                    (*md).msgno,
                    cut(what)
                ));
            }
            (*ms).private.search.result = 0;
            let mut buf = vec![0u8; CHUNK + SLOP + 1];
            let mut size = size as usize;
            let first = size.min(CHUNK);
            read(stream, first as c_ulong, buf.as_mut_ptr() as *mut c_char);
            let list = &mut (*ms).private.search.string as *mut *mut STRINGLIST;
            let hit = |n: usize, buf: &mut [u8]| {
                let mut st = SIZEDTEXT {
                    data: buf.as_mut_ptr(),
                    size: n as c_ulong,
                };
                mail_search_string(&mut st, null_mut(), list) != 0
            };
            size -= first;
            if hit(first, &mut buf) {
                (*ms).private.search.result = 1;
            } else {
                if size > 0 {
                    buf.copy_within(CHUNK - SLOP..CHUNK, 0);
                    loop {
                        let n = size.min(CHUNK);
                        read(
                            stream,
                            n as c_ulong,
                            buf.as_mut_ptr().add(SLOP) as *mut c_char,
                        );
                        if hit(n + SLOP, &mut buf) {
                            (*ms).private.search.result = 1;
                        } else {
                            buf.copy_within(CHUNK..CHUNK + SLOP, 0);
                        }
                        size -= n;
                        if size == 0 || (*ms).private.search.result != 0 {
                            break;
                        }
                    }
                }
            }
            while size > 0 {
                let n = size.min(CHUNK);
                read(stream, n as c_ulong, buf.as_mut_ptr() as *mut c_char);
                size -= n;
            }
            null_mut()
        }
    })
}
